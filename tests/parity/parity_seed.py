"""Which recorded objects existed before the recording, and how to seed them into Blockyard.

An object is *created* by the recording when it first shows up in the response to a request that
creates things (POST /v1/pages, /v1/databases, /v1/data_sources, /v1/comments, PATCH
/v1/blocks/{id}/children), or when its parent is a created object. Every other page, database, data
source, block, comment and user was in the test workspace already (the README's hand-built objects
among them): those are imported from their first recorded representation at their recorded IDs,
through Blockyard's importer, before the replay (comments: just before the first interaction that
shows them; see `seed_batches`). Blocks keep the order of the first children listing that showed them,
comments the order of the first comment listing (their first appearance)."""

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
    leftovers: set[str] = field(default_factory=set)  # seeded, and created again by a later cassette
    full: dict[str, dict[str, Any]] = field(default_factory=dict)  # page/database first shown as a child_* block
    first_seen: dict[str, int] = field(default_factory=dict)  # seeded id -> index of the first interaction showing it
    users_me: dict[str, Any] | None = None

    def seeded_discussions(self) -> set[str]:
        return {o["discussion_id"] for o in self.preexisting.values()
                if o["object"] == "comment" and isinstance(o.get("discussion_id"), str)}

    def seed_batches(self) -> list[tuple[int, list[dict[str, Any]]]]:
        """When to seed what: comments just before the first interaction that shows them (a comment
        shown only by a later listing was posted after the earlier listings were recorded), everything
        else before the replay starts (index -1): pages, databases and blocks are evidenced earlier than
        they are shown (`has_children`, a parent's `child_page` block, results of searches), so they
        exist from the start. A comment comes with what it needs: its ancestors among the seeded
        objects. Returns (interaction index, objects in importer order) by index."""
        by_id = self.preexisting
        due: dict[str, int] = {}

        def need(oid: str, n: int) -> None:
            if oid not in by_id or due.get(oid, 1 << 60) <= n:
                return
            due[oid] = n
            obj = by_id[oid]
            pid = parent_id(obj)
            if pid:
                need(pid, n)
            if obj["object"] == "database":
                for d in obj.get("data_sources") or []:
                    if isinstance(d, dict) and isinstance(d.get("id"), str):
                        need(d["id"], n)
            if obj["object"] == "data_source":
                db = (obj.get("parent") or {}).get("database_id")
                if isinstance(db, str):
                    need(db, n)

        for oid, obj in by_id.items():
            need(oid, self.first_seen.get(oid, -1) if obj["object"] == "comment" else -1)
        batches: dict[int, list[dict[str, Any]]] = {}
        for obj in self.seed_objects():
            batches.setdefault(due[obj["id"]], []).append(obj)
        return sorted(batches.items())

    def seed_objects(self) -> list[dict[str, Any]]:
        """The pre-existing objects in an order the importer keeps: blocks by their first listing."""
        rank: dict[str, tuple[int, int]] = {}
        for n, (_parent, kids) in enumerate(self.listing.items()):
            for i, kid in enumerate(kids):
                rank.setdefault(kid, (n, i))
        objs = list(self.preexisting.values())
        # Pages and databases listed among their parent's children hold their place there as blocks do.
        listed = sorted((o for o in objs if o["id"] in rank), key=lambda o: rank[o["id"]])
        non_blocks = [o for o in objs if o["object"] != "block" and o["id"] not in rank]
        blocks = [o for o in objs if o["object"] == "block" and o["id"] not in rank]
        # Objects first shown as child_* blocks come after those blocks, which hold their place.
        return non_blocks + listed + blocks + list(self.full.values())


def _fresh(it: Interaction) -> set[str]:
    """IDs a creating request made: its object (and a new database's data sources), or appended blocks."""
    top = it.response if isinstance(it.response, dict) else {}
    if top.get("object") == "list":
        return {r.get("id") for r in top.get("results") or [] if isinstance(r, dict)}
    return {top.get("id")} | {d.get("id") for d in top.get("data_sources") or [] if isinstance(d, dict)}


def analyse(interactions: list[Interaction]) -> Analysis:
    out = Analysis()
    seen: set[str] = set()
    # Cassettes were recorded at different times, in other sessions than replay order suggests. Where
    # an object first shows up (in a fixture's search results, say) decides what it was then:
    # - shown before (in replay order) the cassette that creates it: it was in the recorded workspace
    #   already, left over from an earlier session, so it is seeded at its recorded ID like any other
    #   pre-existing object (a *leftover*); the later cassette's creation still maps to a new object;
    # - shown after its creation: made by the API, not seeded.
    made_at: dict[str, int] = {}
    for n, it in enumerate(interactions):
        if it.host == API_HOST and 200 <= it.status < 300 and is_creating(it) and not it.path.rstrip("/").endswith("/children"):
            for oid in _fresh(it):
                if oid:
                    made_at.setdefault(oid, n)
    for n, it in enumerate(interactions):
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
                first = out.preexisting.get(oid)
                if first is not None and first["object"] == "block" and first.get("type") in ("child_page", "child_database") \
                        and obj["object"] in ("page", "database") and oid not in out.full:
                    # First shown as its parent's child_* block: the object itself, shown later, is seeded too.
                    out.full[oid] = obj
                continue
            seen.add(oid)
            pid = parent_id(obj)
            made_here = oid in fresh or (creating and obj.get("object") == "block")
            under_created = pid is not None and pid in out.created and pid not in out.leftovers
            if made_here or under_created or made_at.get(oid, n + 1) <= n:
                out.created.add(oid)
            else:
                # Pre-existing, comments too (discussions started in the Notion UI, comments left by
                # earlier runs): the API cannot create them with their authors and display names.
                out.preexisting[oid] = obj
                out.first_seen[oid] = n
                if oid in made_at:
                    out.leftovers.add(oid)
                    out.created.add(oid)
            # A new database's data sources come with it (a leftover database's are seeded with it).
            if oid in out.created and obj.get("object") == "database":
                sources = {d.get("id") for d in obj.get("data_sources") or [] if isinstance(d, dict)}
                out.created |= sources
                if oid in out.leftovers:
                    out.leftovers |= sources
    out.created.discard(None)  # type: ignore[arg-type]
    out.leftovers.discard(None)  # type: ignore[arg-type]
    return out


def uuids_in(text: str) -> list[str]:
    return UUID_RE.findall(text or "")
