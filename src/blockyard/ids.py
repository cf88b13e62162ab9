"""Notion IDs: UUIDs accepted with or without dashes, always rendered dashed and lowercase."""

from __future__ import annotations

import os
import random
import re
import secrets

_HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")


def parse_id(value: object) -> str | None:
    """The canonical dashed form of a Notion ID, or None when it is not one.

    Notion takes any 32 hex digits, bare or dashed 8-4-4-4-12, whatever their version and variant nibbles:
    `00000000-0000-0000-0000-000000000000` is an ID it answers 404 `object_not_found` for."""
    if not isinstance(value, str):
        return None
    raw = value.replace("-", "") if len(value) == 36 else value
    if len(value) == 36 and (value[8], value[13], value[18], value[23]) != ("-", "-", "-", "-"):
        return None
    if not _HEX32.match(raw):
        return None
    raw = raw.lower()
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


# IDs name things; they grant nothing (tokens do, and come from `secrets`). So they are drawn from a
# generator of our own, seeded from the OS and reseeded in forked children, not from os.urandom: a
# getrandom() system call per request ID was 6% of a cached GET's time on a virtual machine. Not the
# random module's shared generator: code in the same process (hypothesis, pytest plugins) seeds it.
_random = random.Random()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_random.seed)
_bits = _random.getrandbits
_VERSION_CLEAR = ~((0xF << 76) | (0x3 << 62))
_VERSION_4 = (0x4 << 76) | (0x2 << 62)  # version 4, RFC 4122 variant


def new_id() -> str:
    """A random (version 4) UUID, dashed."""
    h = f"{_bits(128) & _VERSION_CLEAR | _VERSION_4:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def compact(object_id: str) -> str:
    return object_id.replace("-", "")


# URL-unreserved characters only, like Notion's own `o_yF` or `Z~ZY`: a new ID reads the same raw and
# URL-encoded, so it is the same string in paths, keys and every response. (Imported IDs such as `%3BBw`
# keep their own form.)
_PROPERTY_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"


def new_property_id(taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A short property ID like Notion's four-character ones."""
    while True:
        pid = "".join(secrets.choice(_PROPERTY_ID_ALPHABET) for _ in range(4))
        # The SDKs refuse a path holding ".." (path traversal), and property IDs travel in paths.
        if pid not in taken and pid != "title" and ".." not in pid:
            return pid


def new_token(prefix: str = "ntn_") -> str:
    """A token shaped like Notion's: `ntn_` and 46 random characters."""
    return prefix + secrets.token_urlsafe(35).replace("-", "").replace("_", "")[:46].ljust(46, "0")
