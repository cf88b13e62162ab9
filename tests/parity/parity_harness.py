"""Replaying recorded Notion traffic against a fresh Blockyard and comparing every response.

    python tests/parity/parity_harness.py [--report-dir build/parity] [--only SUBSTRING]

Starts Blockyard on a temporary SQLite store (tests/support.py), creates the placeholder workspace,
bot, people and root page at their recorded IDs, imports every object the recording did not create
(see parity_seed.py) through Blockyard's importer, each just before the first interaction that shows
it, then sends each recorded request in order with
IDs the recording learnt mapped to Blockyard's, and compares status and JSON (parity_compare.py).
When the replay leaves a test module it performs the suite's unrecorded teardown (parity_artefacts.py:
`notion_cleanups` trashed what the module left under the root page). Interactions the recording itself
makes impossible to match are reported as *cannot match* and left out of the identical share:
anonymisation artefacts (`anonymisation_artefact`) and search-index artefacts (`classify_search`).
Writes `report.md` and `report.json` to the report directory (default `build/parity/`, git-ignored)."""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

HERE = Path(__file__).resolve().parent
for extra in (HERE, HERE.parent):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from parity_cassettes import API_HOST, CASSETTE_ROOT, UUID_RE, Interaction, load  # noqa: E402
from parity_artefacts import Teardown, classify_search, recorded_creation_times, recording_deadlines, teardown_plan  # noqa: E402
from parity_compare import Comparer, Diff  # noqa: E402
from parity_seed import BOT_ID, PEOPLE, WORKSPACE_ID, Analysis, analyse  # noqa: E402

REPO = HERE.parents[1]
DEFAULT_REPORT_DIR = REPO / "build" / "parity"
INTEGRATION = "Ultimate Notion Tests"


def canonical(value: str) -> str:
    raw = value.replace("-", "").lower()
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


def area_of(endpoint: str) -> str:
    method, _, path = endpoint.partition(" ")
    if path.endswith("/query") or path.startswith("/v1/search"):
        return "query-search"
    if path.startswith("/v1/blocks"):
        return "blocks"
    if path.startswith("/v1/databases") or path.startswith("/v1/data_sources"):
        return "databases-properties"
    if "/properties/" in path:
        return "databases-properties"
    return "pages-users"


@dataclass
class Outcome:
    interaction: Interaction
    status: int | None
    status_match: bool
    identical: bool
    diffs: list[Diff] = field(default_factory=list)
    diff_count: int = 0
    error: str | None = None
    area: str = ""
    cannot_match: str | None = None  # why the recording itself cannot be matched (reported, not compared)


class IdMap:
    """Recorded IDs (UUIDs, property and option IDs, cursors) to Blockyard's."""

    def __init__(self, created: set[str], preexisting: set[str] = frozenset(),  # type: ignore[assignment]
                 seeded: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.created = {canonical(c) for c in created if UUID_RE.fullmatch(c or "")}
        self.seeded = {canonical(c) for c in seeded if UUID_RE.fullmatch(c or "")}  # in Blockyard at their recorded IDs
        # Seeded objects keep their recorded IDs; any other recorded UUID (objects the recording created,
        # select options, ...) maps to what Blockyard answered in its place.
        self.preexisting = {canonical(c) for c in preexisting if UUID_RE.fullmatch(c or "")}
        self.uuids: dict[str, str] = {}
        self.reverse: dict[str, str] = {}
        self.short: dict[str, str] = {}  # property/option IDs (decoded) and cursors

    def to_ours(self, rec: str) -> str:
        if UUID_RE.fullmatch(rec):
            c = canonical(rec)
            return self.uuids.get(c, c)
        return rec

    def result_id(self, rec: str) -> str:
        """A recorded result's ID as Blockyard's: UUIDs, and property IDs (property items are listed by them)."""
        if UUID_RE.fullmatch(rec):
            return self.to_ours(rec)
        return self.sub_short(rec) or rec

    def learn_uuid(self, rec: str, ours: str, option: bool = False) -> None:
        c, o = canonical(rec), canonical(ours)
        if c != o and c not in self.uuids and (c in self.created or option) and c not in self.preexisting \
                and o not in self.reverse:
            self.uuids[c] = o
            self.reverse[o] = c

    def learn(self, rec: Any, ours: Any, key: str | None = None) -> None:
        """Walk both responses in parallel; IDs at the same place are the same object."""
        if isinstance(rec, dict) and isinstance(ours, dict):
            rid, oid = rec.get("id"), ours.get("id")
            if isinstance(rid, str) and isinstance(oid, str) and rid != oid:
                if UUID_RE.fullmatch(rid) and UUID_RE.fullmatch(oid):
                    self.learn_uuid(rid, oid, option=key == "option")
                elif not UUID_RE.fullmatch(rid):
                    self.short.setdefault(unquote(rid), unquote(oid))
            for k, rv in rec.items():
                ov = ours.get(k)
                if not (isinstance(rv, str) and isinstance(ov, str) and rv != ov):
                    continue
                if k == "next_cursor":
                    self.short.setdefault(rv, ov)
                elif k == "discussion_id" and UUID_RE.fullmatch(rv) and UUID_RE.fullmatch(ov):
                    # A discussion the recording started: seeded discussions keep their IDs.
                    self.learn_uuid(rv, ov, option=True)
                elif k.endswith("property_id") and not UUID_RE.fullmatch(rv):
                    # synced_property_id, relation_property_id, rollup_property_id: property IDs elsewhere.
                    self.short.setdefault(unquote(rv), unquote(ov))
            for k, v in rec.items():
                if k in ours:
                    self.learn(v, ours[k], k)
        elif isinstance(rec, list) and isinstance(ours, list):
            if key == "results" and all(isinstance(r, dict) and "id" in r for r in rec):
                self._learn_results(rec, ours)
            else:
                # Select, multi-select and status options have UUIDs too: same name, same option.
                for r, o in zip(rec, ours):
                    self.learn(r, o, "option" if key == "options" else None)

    def _learn_results(self, rec: list[Any], ours: list[Any]) -> None:
        """Results pair by ID where the recorded ID is known (seeded, or learnt already). Recorded
        results whose ID is still unknown pair in order with our results that no recorded result
        claims, and only when both sides have the same number of them: pairing by index across result
        sets that differ would map IDs (and property IDs inside them) to unrelated objects."""
        by_id = {o["id"]: o for o in ours if isinstance(o, dict) and isinstance(o.get("id"), str)}
        unknown: list[dict[str, Any]] = []
        claimed: set[str] = set()
        for r in rec:
            rid = r["id"] if isinstance(r["id"], str) else ""
            known = UUID_RE.fullmatch(rid) is not None and (
                canonical(rid) in self.uuids or canonical(rid) not in self.created or canonical(rid) in self.seeded)
            mine = self.to_ours(rid)
            if known and mine in by_id:
                claimed.add(mine)
                self.learn(r, by_id[mine])
            elif not known:
                unknown.append(r)
        rest = [o for o in ours if isinstance(o, dict) and o.get("id") not in claimed and o.get("id") not in self.reverse
                and canonical(str(o.get("id"))) not in self.seeded]
        if unknown and len(unknown) == len(rest):
            for r, o in zip(unknown, rest):
                self.learn(r, o)

    # --- rewriting requests ------------------------------------------------------------------

    def sub_text(self, text: str) -> str:
        def repl(m: re.Match[str]) -> str:
            found = m.group(0)
            ours = self.to_ours(found)
            if ours == canonical(found):
                return found
            return ours if "-" in found else ours.replace("-", "")

        return UUID_RE.sub(repl, text)

    def sub_short(self, value: str) -> str | None:
        """A recorded property/option ID or cursor as Blockyard's, in the same encoding; None if unknown."""
        if value in self.short:
            return self.short[value]
        decoded = unquote(value)
        if decoded != value and decoded in self.short:
            return quote(self.short[decoded], safe="-_.!~*'()")
        return None

    def sub_json(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {(self.sub_short(k) or k): self.sub_json(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.sub_json(v) for v in value]
        if isinstance(value, str):
            short = self.sub_short(value)
            return short if short is not None else self.sub_text(value)
        return value

    def sub_path(self, path: str) -> str:
        path = self.sub_text(path)
        m = re.match(r"^(/v1/pages/[^/]+/properties/)([^/]+)$", path)
        if m:
            pid = unquote(m.group(2))
            if pid in self.short:
                path = m.group(1) + quote(self.short[pid], safe="")
        return path

    def sub_query(self, query: str) -> str:
        if not query:
            return ""
        pairs = []
        for k, v in parse_qsl(query, keep_blank_values=True):
            v = (self.sub_short(v) or v) if k in ("filter_properties", "start_cursor") else v
            pairs.append((k, self.sub_text(v)))
        return urlencode(pairs)


PLACEHOLDER_RE = re.compile(r"^00000000-0000-4000-8000-0000000000[0-9a-f]{2}$")


def anonymisation_artefact(response: Any) -> str | None:
    """A recorded list whose results hold one placeholder ID for different objects: anonymising the
    recording mapped two objects (two bots, say) to the same placeholder, so no server can answer it
    structurally (two results cannot share an ID). None when the recording is not affected."""
    if not isinstance(response, dict) or response.get("object") != "list" or not isinstance(response.get("results"), list):
        return None
    seen: dict[str, Any] = {}
    for r in response["results"]:
        if not isinstance(r, dict) or not isinstance(r.get("id"), str) or not PLACEHOLDER_RE.match(r["id"]):
            continue
        if r["id"] in seen and seen[r["id"]] != r:
            return f"anonymisation: placeholder {r['id']} stands for more than one object in $.results"
        seen.setdefault(r["id"], r)
    return None


_TIMESTAMP = re.compile(r'"(?:created_time|last_edited_time)": "(\d{4}-\d\d-\d\dT[^"]+)"')


def recording_times(interactions: list[Interaction]) -> list[int | None]:
    """When each interaction was recorded, as far as the recordings tell: the newest object timestamp in the
    responses of its cassette up to and including it (earlier ones take the cassette's first). The cassettes
    carry no Date header, and Notion rounds object times to the minute, so this is the recording minute or
    a little before it."""
    from blockyard.clock import parse_iso

    out: list[int | None] = [None] * len(interactions)
    by_cassette: dict[str, list[int]] = {}
    for n, it in enumerate(interactions):
        by_cassette.setdefault(it.cassette, []).append(n)
    for indexes in by_cassette.values():
        latest = None
        for n in indexes:
            for found in _TIMESTAMP.findall(json.dumps(interactions[n].response)):
                try:
                    ms = parse_iso(found)
                except ValueError:
                    continue
                latest = ms if latest is None else max(latest, ms)
            out[n] = latest
        first = next((out[n] for n in indexes if out[n] is not None), None)
        for n in indexes:
            if out[n] is None:
                out[n] = first
            else:
                break
    return out


class ReplayClock:
    """A clock pinned to a recording time that keeps running from there, so order within a minute is kept."""

    def __init__(self) -> None:
        self.base: int | None = None
        self.at = 0.0

    def now_ms(self) -> int:
        real = time.time() * 1000
        if self.base is None:
            return int(real)
        return int(self.base + real - self.at)

    def pin(self, ms: int, *, forward_only: bool) -> None:
        if forward_only and self.base is not None and ms <= self.now_ms():
            return
        self.base, self.at = ms, time.time() * 1000


def _sorted_request(it: Interaction) -> bool:
    body = it.body if isinstance(it.body, dict) else {}
    return bool(body.get("sorts")) or it.path.rstrip("/").endswith("/children")


class Harness:
    def __init__(self, interactions: list[Interaction], analysis: Analysis, database: str) -> None:
        from support import Server

        self.interactions = interactions
        self.analysis = analysis
        self.server = Server.start(database)
        self.clock = ReplayClock()
        self.server.store.clock = self.clock
        # Leftovers (seeded, and created again later) may learn a mapping once the API creates them.
        self.ids = IdMap(analysis.created, (set(analysis.preexisting) - analysis.leftovers) | analysis.seeded_discussions(),
                         seeded=set(analysis.preexisting))
        self.created = recorded_creation_times(interactions)
        self.recorded_at: int | None = None  # when the interaction being replayed was recorded (lower bound)
        self.recorded_by: int | None = None  # ... and an upper bound, where the recording gives one
        self.token = ""
        self.seed_summary: dict[str, Any] = {}
        self.client = httpx.Client(base_url=self.server.url, timeout=60)

    def close(self) -> None:
        self.client.close()
        self.server.stop()

    def seed(self) -> None:
        from blockyard.access import admin, capabilities as caps
        from blockyard.portability import import_objects
        from blockyard.store.schema import users

        me = self.analysis.users_me or {}
        ws_name = ((me.get("bot") or {}).get("workspace_name")) or "Test Workspace"
        people = [o for o in self.analysis.preexisting.values() if o["object"] == "user" and o.get("type") == "person"]
        owner = next((p for p in people if p["id"] == PEOPLE[0]), None)
        store = self.server.store
        with store.write() as tx:
            ws = admin.create_workspace(tx, ws_name, workspace_id=WORKSPACE_ID,
                                        owner_name=(owner or {}).get("name") or "Workspace Owner",
                                        owner_email=((owner or {}).get("person") or {}).get("email") or "owner@example.com")
            # The recorded owner is the first person: the owner row takes that ID.
            tx.execute(users.update().where(users.c.id == ws.owner_id).values(id=PEOPLE[0]))
            ws = admin.Workspace(ws.id, ws.name, PEOPLE[0])
            chosen = tuple(caps.CONTENT) + (caps.USER_WITH_EMAIL,)
            _info, self.token = admin.create_integration(tx, ws, me.get("name") or INTEGRATION, chosen, bot_id=BOT_ID)
        self.ws, self.integration = ws, me.get("name") or INTEGRATION
        self.batches = self.analysis.seed_batches()
        self.seed_summary = {"workspace": ws_name, "imported": Counter(), "skipped": [], "skipped_count": 0, "roots": [],
                             "batches": 0}
        self.ws_name = ws_name
        self.seed_until(-1)

    def seed_until(self, index: int) -> None:
        """Imports every pre-existing object first shown at or before interaction `index` (see
        parity_seed.seed_batches); workspace-level roots are shared with the integration."""
        from blockyard.access import admin
        from blockyard.portability import import_objects
        from blockyard.store.schema import nodes

        while self.batches and self.batches[0][0] <= index:
            _at, objs = self.batches.pop(0)
            objs = [o for o in objs if o["id"] not in (PEOPLE[0], BOT_ID)]
            if not objs:
                continue
            with self.server.store.write() as tx:
                result = import_objects(tx, self.ws, objs)
                for root in result.roots:
                    row = tx.execute(sa.select(nodes.c.parent_type).where(nodes.c.id == root)).first()
                    if row is not None and row.parent_type == "workspace":
                        admin.share(tx, self.ws, root, self.integration, "edit")
                        self.seed_summary["roots"].append(root)
            summary = self.seed_summary
            summary["imported"].update(result.counts)
            summary["skipped_count"] += len(result.skipped)
            summary["skipped"] = (summary["skipped"] + result.skipped)[:50]
            summary["batches"] += 1

    def _recorded_id(self, ours: str) -> str | None:
        """The recorded ID of one of Blockyard's objects: seeded ones keep theirs, created ones were learnt."""
        if ours in self.ids.reverse:
            return self.ids.reverse[ours]
        return ours if canonical(ours) in self.ids.seeded else None

    def teardown(self, items: list[Teardown]) -> None:
        """The unrecorded `notion_cleanups` teardown at the end of a test module (parity_artefacts):
        trash through the API, as the suite did. Not compared: Notion's answers were not recorded."""
        headers = {"Authorization": f"Bearer {self.token}", "Notion-Version": "2026-03-11"}
        done = self.seed_summary.setdefault("teardown", {"trashed": 0, "skipped": 0})
        for item in items:
            ours = self.ids.to_ours(item.recorded_id)
            if canonical(ours) == canonical(item.recorded_id) and canonical(ours) not in self.ids.seeded:
                done["skipped"] += 1  # never mapped: the replay did not create it
                continue
            resp = self.client.patch(f"/v1/{item.kind}/{ours}", json={"in_trash": True}, headers=headers)
            done["trashed" if resp.status_code == 200 else "skipped"] += 1

    def replay_one(self, it: Interaction) -> Outcome:
        path = self.ids.sub_path(it.path)
        query = self.ids.sub_query(it.query)
        headers = {"Authorization": f"Bearer {self.token}"}
        if it.version:
            headers["Notion-Version"] = it.version
        content = None
        if it.body is not None:
            content = json.dumps(self.ids.sub_json(it.body)).encode()
            headers["Content-Type"] = "application/json"
        elif it.raw_body:
            content = self.ids.sub_text(it.raw_body).encode()
            headers["Content-Type"] = "application/json"
        url = path + (f"?{query}" if query else "")
        area = area_of(it.endpoint)
        try:
            resp = self.client.request(it.method, url, content=content, headers=headers)
        except httpx.HTTPError as exc:
            return Outcome(it, None, False, False, [], 1, f"request failed: {exc!r}", area)
        try:
            ours = resp.json()
        except ValueError:
            ours = None
        status_match = resp.status_code == it.status
        if not status_match:
            detail = ours.get("message") if isinstance(ours, dict) else resp.text[:200]
            code = ours.get("code") if isinstance(ours, dict) else None
            return Outcome(it, resp.status_code, False, False, [Diff("$status", "$status", "status", it.status,
                                                                    f"{resp.status_code} {code}: {detail}")], 1, None,
                           "errors" if resp.status_code >= 500 else area)
        if 200 <= resp.status_code < 300 and ours is not None:
            self.ids.learn(it.response, ours)
        cmp = Comparer(self.ids.result_id, _sorted_request(it))
        cmp.compare(it.response, ours)
        artefact = anonymisation_artefact(it.response)
        if artefact is None and cmp.total and it.method == "POST" and it.path.rstrip("/") == "/v1/search":
            artefact = classify_search(it.response, ours, self.ids.to_ours, self._recorded_id, self.created,
                                       self.recorded_at, self.recorded_by)
        if artefact is not None:
            # Replayed (so later requests see its effects) and compared for the record, never counted identical.
            return Outcome(it, resp.status_code, True, False, cmp.diffs, cmp.total, None, area, artefact)
        return Outcome(it, resp.status_code, True, cmp.total == 0, cmp.diffs, cmp.total, None, area)

    def replay(self, only: str | None = None, progress: bool = False) -> list[Outcome]:
        outcomes = []
        todo = [(n, it) for n, it in enumerate(self.interactions)
                if it.host == API_HOST and (not only or only in it.cassette)]
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(todo), desc="replaying", file=sys.stderr, leave=False)
        times = recording_times(self.interactions)
        deadlines = recording_deadlines(self.interactions)
        teardowns = teardown_plan(self.interactions, self.analysis)
        cassette = None
        for n, it in todo:
            self.seed_until(n)
            if times[n] is not None:
                # Each request runs at the time Notion answered it, so relative dates and timestamps compare alike.
                self.clock.pin(times[n], forward_only=it.cassette == cassette)
            cassette = it.cassette
            self.recorded_at, self.recorded_by = times[n], deadlines[n]
            outcomes.append(self.replay_one(it))
            if n in teardowns:
                self.teardown(teardowns[n])
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()
        return outcomes


# --- the report --------------------------------------------------------------------------------

def summarize(outcomes: list[Outcome]) -> dict[str, Any]:
    """Shares are over the comparable interactions: those the recording itself makes impossible to
    match (`cannot_match`) are left out of numerator and denominator, and counted beside the share."""
    recorded = len(outcomes)
    cannot = [o for o in outcomes if o.cannot_match]
    comparable = [o for o in outcomes if not o.cannot_match]
    total = len(comparable)
    identical = sum(o.identical for o in comparable)
    status = sum(o.status_match for o in comparable)
    by: dict[str, dict[tuple[str, str], list[int]]] = {"endpoint": defaultdict(lambda: [0, 0, 0, 0])}
    for o in outcomes:
        row = by["endpoint"][(o.interaction.endpoint, o.interaction.version or "-")]
        if o.cannot_match:
            row[3] += 1
            continue
        row[0] += 1
        row[1] += o.status_match
        row[2] += o.identical
    reasons: Counter[str] = Counter(o.cannot_match.split(":")[0] for o in cannot if o.cannot_match)
    areas: Counter[str] = Counter()
    signatures: Counter[tuple[str, str, str, str]] = Counter()
    examples: dict[tuple[str, str, str, str], str] = {}
    for o in comparable:
        if o.identical:
            continue
        areas[o.area] += 1
        for d in o.diffs:
            if d.kind == "status":
                sig = (o.area, o.interaction.endpoint, "status", f"{d.recorded} → {str(d.actual).split(':')[0]}")
            else:
                sig = (_diff_area(o, d), o.interaction.endpoint, d.kind, d.path)
            signatures[sig] += 1
            examples.setdefault(sig, f"{o.interaction.cassette}#{o.interaction.index}: {d.describe()}")
    return {
        "recorded": recorded,
        "interactions": total,
        "cannot_match": len(cannot),
        "cannot_match_by_reason": dict(reasons.most_common()),
        "cannot_match_list": [{"cassette": o.interaction.cassette, "index": o.interaction.index,
                               "endpoint": o.interaction.endpoint, "reason": o.cannot_match} for o in cannot],
        "status_matches": status,
        "identical": identical,
        "identical_share": identical / total if total else 0.0,
        "identical_share_of_recorded": identical / recorded if recorded else 0.0,
        "status_share": status / total if total else 0.0,
        "endpoints": [
            {"endpoint": ep, "version": ver, "interactions": r[0], "status_matches": r[1], "identical": r[2],
             "cannot_match": r[3]}
            for (ep, ver), r in sorted(by["endpoint"].items(), key=lambda kv: (-(kv[1][0] + kv[1][3]), kv[0]))
        ],
        "mismatched_by_area": dict(areas.most_common()),
        "signatures": [
            {"area": s[0], "endpoint": s[1], "kind": s[2], "path": s[3], "count": n, "example": examples[s]}
            for s, n in signatures.most_common()
        ],
    }


def _diff_area(o: Outcome, d: Diff) -> str:
    """Who owns a difference: property values and schemas belong to databases-properties wherever they show."""
    if ".properties" in d.path and o.area in ("pages-users", "query-search"):
        return "databases-properties"
    if o.area == "pages-users" and d.path.startswith("$.results") and "/children" in o.interaction.endpoint:
        return "blocks"
    return o.area


def table(summary: dict[str, Any]) -> str:
    lines = [f"{'endpoint':52} {'version':10} {'n':>5} {'status':>7} {'ident.':>7} {'cannot':>7}"]
    for r in summary["endpoints"]:
        lines.append(f"{r['endpoint'][:52]:52} {r['version']:10} {r['interactions']:5d} {r['status_matches']:7d}"
                     f" {r['identical']:7d} {r['cannot_match']:7d}")
    versions: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in summary["endpoints"]:
        v = versions[r["version"]]
        v[0] += r["interactions"]
        v[1] += r["status_matches"]
        v[2] += r["identical"]
        v[3] += r["cannot_match"]
    lines.append("")
    for ver, (n, s, i, c) in sorted(versions.items()):
        lines.append(f"{'all endpoints':52} {ver:10} {n:5d} {s:7d} {i:7d} {c:7d}")
    lines.append(f"{'TOTAL':52} {'':10} {summary['interactions']:5d} {summary['status_matches']:7d} {summary['identical']:7d}"
                 f" {summary['cannot_match']:7d}")
    lines.append(headline(summary))
    return "\n".join(lines)


def headline(summary: dict[str, Any]) -> str:
    """The share, always with what it leaves out beside it."""
    reasons = ", ".join(f"{n} {r}" for r, n in summary["cannot_match_by_reason"].items()) or "none"
    return (f"identical {summary['identical']}/{summary['interactions']} = {summary['identical_share']:.1%} of comparable "
            f"interactions; {summary['cannot_match']} of {summary['recorded']} recorded cannot match as recorded "
            f"({reasons}) and are excluded; identical over all recorded {summary['identical_share_of_recorded']:.1%}; "
            f"status {summary['status_share']:.1%}")


def write_report(outcomes: list[Outcome], summary: dict[str, Any], seed: dict[str, Any], report_dir: Path,
                 seconds: float) -> None:
    report_dir.mkdir(parents=True, exist_ok=True)
    mismatches = []
    for o in outcomes:
        if o.identical:
            continue
        it = o.interaction
        mismatches.append({"cannot_match": o.cannot_match,
            "cassette": it.cassette, "index": it.index, "endpoint": it.endpoint, "version": it.version,
            "area": o.area, "recorded_status": it.status, "status": o.status, "error": o.error,
            "difference_count": o.diff_count,
            "differences": [{"path": d.where, "kind": d.kind, "recorded": d.recorded, "blockyard": d.actual} for d in o.diffs],
        })
    data = {"summary": summary, "seed": seed, "seconds": round(seconds, 1), "mismatches": mismatches}
    (report_dir / "report.json").write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str))
    md = ["# Parity with recorded Notion traffic", "",
          f"Identical: **{summary['identical']}/{summary['interactions']} ({summary['identical_share']:.1%})** of comparable "
          f"interactions; **{summary['cannot_match']}** of {summary['recorded']} recorded cannot match as recorded and are "
          f"excluded (identical over all recorded: {summary['identical_share_of_recorded']:.1%}); "
          f"status matches {summary['status_matches']} ({summary['status_share']:.1%}); replay took {seconds:.0f} s.", "",
          f"Unrecorded teardown performed (parity_artefacts.py): {(seed.get('teardown') or {}).get('trashed', 0)} "
          f"objects trashed at the end of their test module.", "",
          "```", table(summary), "```", "", "## Cannot match as recorded", ""]
    md += [f"- {r}: {n}" for r, n in summary["cannot_match_by_reason"].items()] or ["- none"]
    md += [f"  - {c['cassette']}#{c['index']} `{c['endpoint']}`: {c['reason']}" for c in summary["cannot_match_list"]]
    md += ["", "## Mismatched interactions by owning area", ""]
    md += [f"- {a}: {n}" for a, n in summary["mismatched_by_area"].items()]
    md += ["", "## Differences, grouped (area · endpoint · kind · path · count)", "",
           "| area | endpoint | kind | path | count | example |", "|---|---|---|---|---:|---|"]
    for s in summary["signatures"][:300]:
        ex = s["example"].replace("|", "\\|")
        md.append(f"| {s['area']} | `{s['endpoint']}` | {s['kind']} | `{s['path']}` | {s['count']} | {ex} |")
    md += ["", "## Every mismatch", ""]
    for m in mismatches:
        md.append(f"### {m['cassette']} #{m['index']} — `{m['endpoint']}` ({m['version']}), "
                  f"status {m['recorded_status']} → {m['status']}" + (f" — cannot match ({m['cannot_match']})"
                                                                      if m["cannot_match"] else ""))
        if m["error"]:
            md.append(f"- {m['error']}")
        for d in m["differences"]:
            md.append(f"- `{d['path']}` {d['kind']}: recorded `{json.dumps(d['recorded'], ensure_ascii=False, default=str)[:160]}`"
                      f", Blockyard `{json.dumps(d['blockyard'], ensure_ascii=False, default=str)[:160]}`")
        if m["difference_count"] > len(m["differences"]):
            md.append(f"- … {m['difference_count'] - len(m['differences'])} more")
        md.append("")
    (report_dir / "report.md").write_text("\n".join(md))


def run(root: Path = CASSETTE_ROOT, report_dir: Path | None = DEFAULT_REPORT_DIR, only: str | None = None,
        progress: bool = False) -> dict[str, Any]:
    started = time.perf_counter()
    interactions = load(root)
    analysis = analyse(interactions)
    with tempfile.TemporaryDirectory(prefix="parity-") as tmp:
        harness = Harness(interactions, analysis, str(Path(tmp) / "parity.db"))
        try:
            harness.seed()
            outcomes = harness.replay(only, progress)
            harness.seed_until(len(interactions))  # the seed summary covers every pre-existing object
        finally:
            harness.close()
    summary = summarize(outcomes)
    seconds = time.perf_counter() - started
    if report_dir is not None:
        write_report(outcomes, summary, harness.seed_summary, report_dir, seconds)
    summary["seconds"] = seconds
    return summary


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--report-dir", type=Path, default=DEFAULT_REPORT_DIR)
    parser.add_argument("--only", default=None, help="replay only cassettes whose path contains this")
    parser.add_argument("--progress", action="store_true")
    args = parser.parse_args(argv)
    if not CASSETTE_ROOT.is_dir():
        print(f"no recorded traffic at {CASSETTE_ROOT}", file=sys.stderr)
        return 2
    summary = run(CASSETTE_ROOT, args.report_dir, args.only, args.progress)
    print(table(summary))
    print(f"\nreport: {args.report_dir / 'report.md'} ({summary['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
