"""What the recording leaves out, and what it cannot show: unrecorded teardown, and search-index artefacts.

Two parts, both derived from the recording alone (never from Blockyard's answers):

1. **Unrecorded teardown** (`teardown_plan`). ultimate-notion's autouse module fixture `notion_cleanups`
   (tests/conftest.py) runs `clean()` before and after every test module: it trashes every database and
   page under the root page "Tests" except the hand-made static ones and the rows of static databases.
   Its requests go to the shared fixture cassette `mod_notion_cleanups.yaml`, which keeps only the one
   run that wrote it last, so every other module's clean-up is missing from the recording. The harness
   performs it (through the API, as `page.delete()` / `db.delete()` did) when the replay leaves a test
   module: each top-most object the module created under a page is trashed, unless the recording left it
   trashed already. Objects inside pre-existing databases are kept, as `clean()` keeps static databases'
   rows. No recorded request refers to an object another module created (checked by `cross_module_refs`).
   Pages and databases directly under the root page that the harness seeds (pre-existing, never created
   by a recorded request) but that only one test module's cassettes ever show are left-overs of an
   unrecorded run of that module (the static pages show up in the fixtures and in many modules): they are
   trashed at the end of that module too.

2. **Search-index artefacts** (`classify_search`). Notion's search index lags behind writes by about a
   minute and holds a few stale entries. A recorded `POST /v1/search` answer may therefore list an object
   that its own representation shows trashed (`in_trash: true`), or omit an object the recording created
   moments before. Neither can be reproduced by a server whose search is consistent, so such an
   interaction is *cannot match*, but only when, after removing exactly those objects from both result
   lists, the remaining results are identical in content and order and nothing else differs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable

from parity_cassettes import API_HOST, UUID_RE, Interaction
from parity_compare import Comparer
from parity_seed import ROOT_PAGE_ID, Analysis, is_creating, objects_in

# How long Notion's search index may take to show a change, per the recording (a poll in
# test_get_or_create_db lists a database one minute after it was created; object times are rounded
# to the minute, so two minutes of rounding and lag are allowed).
INDEX_LAG_MS = 3 * 60_000


def canonical(value: str) -> str:
    raw = value.replace("-", "").lower()
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


def module_of(cassette: str) -> str:
    """The test module a cassette belongs to: its directory (cassettes/test_blocks, obj_api/cassettes/...)."""
    return os.path.dirname(cassette)


# --- 1. unrecorded teardown -------------------------------------------------------------------------


@dataclass(frozen=True)
class Teardown:
    recorded_id: str
    kind: str  # "pages" | "databases": the endpoint that trashes it
    title: str


def _title(obj: dict[str, Any]) -> str:
    if obj.get("object") in ("database", "data_source"):
        return "".join(t.get("plain_text", "") for t in obj.get("title") or [] if isinstance(t, dict))
    for prop in (obj.get("properties") or {}).values():
        if isinstance(prop, dict) and prop.get("type") == "title":
            return "".join(t.get("plain_text", "") for t in prop.get("title") or [] if isinstance(t, dict))
    return ""


def teardown_plan(interactions: list[Interaction], analysis: Analysis) -> dict[int, list[Teardown]]:
    """Index of each test module's last interaction -> the objects `notion_cleanups` trashed after it.

    An object is torn down when a request of the module created it (POST /v1/pages or /v1/databases),
    its parent is a page (the root page or another page the recording did not create in the same
    module), and its last recorded representation does not show it trashed already."""
    last_state: dict[str, bool] = {}
    for it in interactions:
        if it.host != API_HOST or not (200 <= it.status < 300):
            continue
        for obj in objects_in(it.response):
            if obj.get("object") in ("page", "database") and isinstance(obj.get("in_trash"), bool):
                last_state[canonical(obj["id"])] = obj["in_trash"]
    plan: dict[int, list[Teardown]] = {}
    made: dict[str, str] = {}  # object -> module that created it
    last_of_module: dict[str, int] = {}
    pending: dict[str, list[Teardown]] = {}
    for n, it in enumerate(interactions):
        mod = module_of(it.cassette)
        last_of_module[mod] = n
        if it.host != API_HOST or not (200 <= it.status < 300) or not is_creating(it):
            continue
        if it.path.rstrip("/") not in ("/v1/pages", "/v1/databases") or not isinstance(it.response, dict):
            continue
        obj = it.response
        oid = canonical(obj.get("id") or "")
        made[oid] = mod
        parent = obj.get("parent") or {}
        if parent.get("type") != "page_id" or not isinstance(parent.get("page_id"), str):
            continue  # rows of databases (clean() keeps static databases' rows; others go with their database)
        if made.get(canonical(parent["page_id"])) == mod:
            continue  # goes with its parent
        if last_state.get(oid, False):
            continue  # the recording trashed it
        kind = "databases" if obj.get("object") == "database" else "pages"
        pending.setdefault(mod, []).append(Teardown(obj["id"], kind, _title(obj)))
    # Seeded root-page children that only one (non-fixture) module shows: that module's left-overs.
    shown_in: dict[str, set[str]] = {}
    for it in interactions:
        for obj in objects_in(it.response):
            shown_in.setdefault(canonical(obj["id"]), set()).add(module_of(it.cassette))
    for oid, obj in analysis.preexisting.items():
        c = canonical(oid)
        if obj.get("object") not in ("page", "database") or oid in analysis.leftovers or last_state.get(c, False):
            continue
        parent = obj.get("parent") or {}
        if parent.get("type") != "page_id" or parent.get("page_id") != ROOT_PAGE_ID:
            continue
        mods = shown_in.get(c, set())
        if len(mods) == 1 and not next(iter(mods)).endswith("fixtures"):
            kind = "databases" if obj["object"] == "database" else "pages"
            pending.setdefault(next(iter(mods)), []).append(Teardown(oid, kind, _title(obj)))
    for mod, items in pending.items():
        plan.setdefault(last_of_module[mod], []).extend(items)
    return plan


def cross_module_refs(interactions: list[Interaction], analysis: Analysis) -> list[str]:
    """Requests that name an object a different module created (and that is not seeded): teardown
    at the end of a module is only faithful when there are none."""
    made: dict[str, str] = {}
    out = []
    for n, it in enumerate(interactions):
        if it.host == API_HOST and 200 <= it.status < 300 and is_creating(it) and isinstance(it.response, dict):
            for obj in objects_in(it.response):
                if obj.get("object") in ("page", "database", "data_source"):
                    made.setdefault(canonical(obj["id"]), module_of(it.cassette))
        for found in UUID_RE.findall(it.path + " " + (it.raw_body or "")):
            c = canonical(found)
            if c in made and made[c] != module_of(it.cassette) and c not in analysis.leftovers:
                out.append(f"{it.cassette}#{it.index} names {c} made in {made[c]}")
    return out


# --- 2. search-index artefacts ----------------------------------------------------------------------

STALE = "stale index entry"  # a long-trashed object the index still lists
LAG = "index lag"  # a change less than INDEX_LAG_MS old that the index does not show yet
EARLIER = "recorded before creation"  # the replay holds an object created after this search was recorded


def _ms(value: Any) -> int | None:
    from blockyard.clock import parse_iso

    if not isinstance(value, str):
        return None
    try:
        return parse_iso(value)
    except ValueError:
        return None


def _minute(ms: int) -> str:
    import datetime

    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%m-%d %H:%M")


def recorded_creation_times(interactions: list[Interaction]) -> dict[str, int]:
    """Each recorded page, database and data source's `created_time`, as first recorded."""
    out: dict[str, int] = {}
    for it in interactions:
        for obj in objects_in(it.response):
            if obj.get("object") in ("page", "database", "data_source"):
                ms = _ms(obj.get("created_time"))
                if ms is not None:
                    out.setdefault(canonical(obj["id"]), ms)
    return out


def recording_deadlines(interactions: list[Interaction]) -> list[int | None]:
    """An upper bound on when each interaction was recorded, where the recording gives one: the earliest
    `created_time` (plus the minute Notion rounds it down by) of an object that a request of the same
    cassette, at or after it, created. None when no later request of its cassette creates anything."""
    from parity_seed import _fresh

    out: list[int | None] = [None] * len(interactions)
    by_cassette: dict[str, list[int]] = {}
    for n, it in enumerate(interactions):
        by_cassette.setdefault(it.cassette, []).append(n)
    for indexes in by_cassette.values():
        bound: int | None = None
        for n in reversed(indexes):
            it = interactions[n]
            if it.host == API_HOST and 200 <= it.status < 300 and is_creating(it):
                fresh = _fresh(it)
                for obj in objects_in(it.response):
                    ms = _ms(obj.get("created_time")) if obj.get("id") in fresh else None
                    if ms is not None:
                        bound = ms + 60_000 if bound is None else min(bound, ms + 60_000)
            out[n] = bound
    return out


def same_order(recorded: list[dict[str, Any]], ours: list[dict[str, Any]], to_ours: Callable[[str], str]) -> bool:
    """The same results in the order the recording determines: search sorts by `last_edited_time`, which
    the recording keeps to the minute, so results recorded with the same time may come in either order;
    any two whose recorded times differ must come in the recorded order."""
    position = {o["id"]: i for i, o in enumerate(ours)}
    keyed = [(position.get(to_ours(r["id"])), _ms(r.get("last_edited_time"))) for r in recorded]
    if len(recorded) != len(ours) or any(p is None for p, _ in keyed):
        return False
    for i, (pi, ti) in enumerate(keyed):
        for pj, tj in keyed[i + 1:]:
            if pi > pj and (ti is None or tj is None or ti != tj):  # type: ignore[operator]
                return False
    return True


def classify_search(recorded: Any, ours: Any, to_ours: Callable[[str], str], to_recorded: Callable[[str], str | None],
                    created: dict[str, int], recorded_at: int | None, recorded_by: int | None = None) -> str | None:
    """Why a recorded search answer cannot be matched, or None when the difference is not explained.

    `recorded_at` is when the search was recorded, as far as the recording dates it (the newest object
    time its cassette shows up to it: a lower bound, to the minute); `recorded_by`, when the recording gives
    one, an upper bound (`recording_deadlines`: a later request of the same cassette created an object at that
    minute). Artefact objects are:
    - a recorded result the answer itself shows trashed (`in_trash`/`archived` true) that Blockyard does not
      list: trashed less than INDEX_LAG_MS before the search was recorded (by its `last_edited_time`),
      *index lag*; earlier, a *stale index entry*;
    - a result only Blockyard lists, and only where the recording bounds the search's time from above
      (`recorded_by`): created at most INDEX_LAG_MS before the search's earliest and latest possible times
      (*index lag*), or after its latest possible time (*recorded before creation*: the cassettes come
      from several sessions and are replayed in path order). A lower bound alone, taken from older
      objects, would excuse an object that a search recorded later should have listed.
    The interaction is excluded only when there is at least one artefact, every difference in the result
    sets is one, and with exactly those objects removed from both lists the answers compare identical,
    results in the same order (`same_order`)."""
    if recorded_at is None or not isinstance(recorded, dict) or not isinstance(ours, dict):
        return None
    rec_results, our_results = recorded.get("results"), ours.get("results")
    if not isinstance(rec_results, list) or not isinstance(our_results, list):
        return None
    if not all(isinstance(r, dict) and isinstance(r.get("id"), str) for r in rec_results + our_results):
        return None
    our_ids = {o["id"] for o in our_results}
    rec_mapped = {to_ours(r["id"]) for r in rec_results}
    found: dict[str, list[str]] = {STALE: [], LAG: [], EARLIER: []}
    drop_rec: set[str] = set()
    for r in rec_results:
        if to_ours(r["id"]) in our_ids:
            continue
        edited = _ms(r.get("last_edited_time"))
        if not (r.get("in_trash") is True or r.get("archived") is True) or edited is None:
            return None
        kind = LAG if recorded_at - edited <= INDEX_LAG_MS else STALE
        found[kind].append(f"lists {r['id'][:8]} {_title(r)!r} in_trash since {_minute(edited)}")
        drop_rec.add(r["id"])
    drop_ours: set[str] = set()
    for o in our_results:
        if o["id"] in rec_mapped:
            continue
        rid = to_recorded(o["id"])
        made = created.get(canonical(rid)) if rid else None
        if made is None or made < recorded_at - INDEX_LAG_MS:
            return None
        if recorded_by is not None and made < recorded_by - INDEX_LAG_MS:
            return None  # the search may have been recorded long after its creation: unexplained
        # Only what the recording proves: an upper bound on the search's time must place it before the
        # object existed, or within the index's lag after its creation.
        if recorded_by is None:
            return None
        if made > recorded_at + INDEX_LAG_MS:
            if made <= recorded_by:
                return None
            kind = EARLIER
        else:
            kind = LAG
        found[kind].append(f"omits {rid[:8]} {_title(o)!r} created {_minute(made)}")
        drop_ours.add(o["id"])
    if not drop_rec and not drop_ours:
        return None
    rec_rest = dict(recorded, results=[r for r in rec_results if r["id"] not in drop_rec])
    our_rest = dict(ours, results=[o for o in our_results if o["id"] not in drop_ours])
    cmp = Comparer(to_ours, False)
    cmp.compare(rec_rest, our_rest)
    if cmp.total or not same_order(rec_rest["results"], our_rest["results"], to_ours):
        return None
    category = LAG if found[LAG] else EARLIER if found[EARLIER] else STALE
    detail = "; ".join(e for k in (LAG, EARLIER, STALE) for e in found[k])
    return f"{category}: search recorded ≥ {_minute(recorded_at)}: {detail}"
