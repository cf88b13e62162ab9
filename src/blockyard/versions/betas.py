"""The `Notion-Beta` header: opt-in beta revisions, several separated by commas. A value that is malformed,
unknown, repeated or stale answers 400 `invalid_beta`, whether or not the request would use it."""

from __future__ import annotations

from .. import errors

STATUS_GROUP_FILTERS = "status-group-filters-2026-10-06"

KNOWN = frozenset({STATUS_GROUP_FILTERS})


def parse(raw: str | None) -> frozenset[str]:
    if raw is None:
        return frozenset()
    names = [part.strip() for part in raw.split(",")]
    seen: set[str] = set()
    for name in names:
        if name not in KNOWN or name in seen:
            raise errors.invalid_beta(raw)
        seen.add(name)
    return frozenset(seen)


def enabled(headers: dict[str, str] | object, name: str) -> bool:
    """Whether the request's Notion-Beta header names this beta (the header was checked on the way in)."""
    raw = headers.get("notion-beta")  # type: ignore[attr-defined]
    return raw is not None and name in {part.strip() for part in raw.split(",")}
