"""Which recorded objects existed before the recording, and how to seed them into Blockyard.

An object is *created* by the recording when it first shows up in the response to a request that
creates things (POST /v1/pages, /v1/databases, /v1/data_sources, /v1/comments, PATCH
/v1/blocks/{id}/children), or when its parent is a created object. Every other page, database, data
source, block and user was in the test workspace already (the README's hand-built objects among
them): those are imported from their first recorded representation at their recorded IDs, through
Blockyard's importer. Blocks keep the order of the first children listing that showed them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from parity_cassettes import API_HOST, UUID_RE, Interaction

KINDS = ("page", "database", "data_source", "block", "user", "comment")
WORKSPACE_ID = "00000000-0000-4000-8000-0000000000f0"
BOT_ID = "00000000-0000-4000-8000-0000000000f1"
ROOT_PAGE_ID = "00000000-0000-4000-8000-000000000001"
PEOPLE = tuple(f"00000000-0000-4000-8000-0000000000{c}" for c in ("fa", "fb", "fc", "fd"))


def is_creating(it: Interaction) -> bool:
    if it.method == "POST" and it.path.rstrip("/") in ("/v1/pages", "/v1/databases", "/v1/data_sources", "/v1/comments",
                                                        "/v1/file_uploads"):
        return True
    return it.method == "PATCH" and it.path.rstrip("/").endswith("/children")


def objects_in(value: Any) -> Iterator[dict[str, Any]]:
    """Every full Notion object inside a response, outermost first."""
    if isinstance(value, dict):
        if value.get("object") in KINDS and isinstance(value.get("id"), str):
            if value["object"] != "user" or "type" in value:
                yield value
        for v in value.values():
            if isinstance(v, (dict, list)):
                yield from objects_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from objects_in(v)


def parent_id(obj: dict[str, Any]) -> str | None:
    parent = obj.get("parent")
    if not isinstance(parent, dict):
        return None
    kind = parent.get("type")
    value = parent.get(kind) if kind else None
    return value if isinstance(value, str) else None


@dataclass
class Analysis:
    created: set[str] = field(default_factory=set)
    preexisting: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> first representation
    listing: dict[str, list[str]] = field(default_factory=dict)  # parent id -> children in first-listing order
    users_me: dict[str, Any] | None = None

    def seed_objects(self) -> list[dict[str, Any]]:
        """The pre-existing objects in an order the importer keeps: blocks by their first listing."""
        rank: dict[str, tuple[int, int]] = {}
        for n, (_parent, kids) in enumerate(self.listing.items()):
            for i, kid in enumerate(kids):
                rank.setdefault(kid, (n, i))
        objs = list(self.preexisting.values())
        non_blocks = [o for o in objs if o["object"] != "block"]
        blocks = sorted((o for o in objs if o["object"] == "block"), key=lambda o: rank.get(o["id"], (1 << 30, 0)))
        return non_blocks + blocks


def _fresh(it: Interaction) -> set[str]:
    """IDs a creating request made: its object (and a new database's data sources), or appended blocks."""
    top = it.response if isinstance(it.response, dict) else {}
    if top.get("object") == "list":
        return {r.get("id") for r in top.get("results") or [] if isinstance(r, dict)}
    return {top.get("id")} | {d.get("id") for d in top.get("data_sources") or [] if isinstance(d, dict)}


def analyse(interactions: list[Interaction]) -> Analysis:
    out = Analysis()
    seen: set[str] = set()
    # Cassettes were recorded at different times: an object a later cassette creates may show up
    # earlier in replay order (in a fixture's search results, say). Made by the API, it is not seeded.
    made_anywhere: set[str] = set()
    for it in interactions:
        if it.host == API_HOST and 200 <= it.status < 300 and is_creating(it) and not it.path.rstrip("/").endswith("/children"):
            made_anywhere |= _fresh(it)
    made_anywhere.discard(None)  # type: ignore[arg-type]
    for it in interactions:
        if it.host != API_HOST or not (200 <= it.status < 300) or not isinstance(it.response, (dict, list)):
            continue
        if it.path.rstrip("/") == "/v1/users/me" and out.users_me is None:
            out.users_me = it.response
        creating = is_creating(it)
        top = it.response if isinstance(it.response, dict) else {}
        fresh = _fresh(it) if creating else set()
        if it.method == "GET" and it.path.rstrip("/").endswith("/children") and top.get("object") == "list":
            for r in top.get("results") or []:
                if isinstance(r, dict) and isinstance(r.get("id"), str):
                    pid = parent_id(r)
                    if pid is not None:
                        kids = out.listing.setdefault(pid, [])
                        if r["id"] not in kids:
                            kids.append(r["id"])
        for obj in objects_in(it.response):
            oid = obj["id"]
            if oid in seen:
                continue
            seen.add(oid)
            pid = parent_id(obj)
            if oid in fresh or oid in made_anywhere or (creating and obj.get("object") == "block") or (pid is not None and pid in out.created):
                out.created.add(oid)
            elif obj["object"] != "comment":
                out.preexisting[oid] = obj
            # A new database's data sources come with it.
            if oid in out.created and obj.get("object") == "database":
                out.created |= {d.get("id") for d in obj.get("data_sources") or [] if isinstance(d, dict)}
    return out


def uuids_in(text: str) -> list[str]:
    return UUID_RE.findall(text or "")
