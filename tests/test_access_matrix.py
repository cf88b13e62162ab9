"""The permission matrix: every endpoint family, asked by every kind of integration, and what each answer
CONTAINS, not only its status.

The workspace holds a shared page P and a page S shared with no one. P holds what reaches into S: mentions
of S, of a database inside S and of a person; a synced copy of an original inside S; a database whose rows
relate to rows of S's database, with rollups and formulas reading through the relation; a comment with
mentions. Nothing of S (its titles, its synced content, the hidden row's values or ID) may appear in any
answer to an integration, and integrations without read content (or read comments, or user information)
get partial objects and partial users."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from blockyard.access import capabilities as caps
from support import Workspace, paragraph, text

V = "2025-09-03"
OLD = "2022-06-28"
NEW = "2026-03-11"
READ, UPDATE, INSERT = caps.READ_CONTENT, caps.UPDATE_CONTENT, caps.INSERT_CONTENT
COMMENTS = (caps.READ_COMMENTS, caps.INSERT_COMMENTS)
SECRET_WORDS = ("SECRET", "123456", "Hidden-code")
PARTIAL_KINDS = ("page", "block", "database", "data_source")


def mention_page(pid: str) -> dict[str, Any]:
    return {"type": "mention", "mention": {"type": "page", "page": {"id": pid}}}


def mention_database(did: str) -> dict[str, Any]:
    return {"type": "mention", "mention": {"type": "database", "database": {"id": did}}}


def mention_user(uid: str) -> dict[str, Any]:
    return {"type": "mention", "mention": {"type": "user", "user": {"id": uid}}}


@dataclass
class World:
    ws: Workspace
    ids: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    owner: str = ""

    def __getattr__(self, name: str) -> str:
        ids = self.__dict__.get("ids", {})
        if name in ids:
            return ids[name]
        raise AttributeError(name)


# kind -> (capabilities, access level on P, or the special cases)
KINDS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "full": ((READ, UPDATE, INSERT, *COMMENTS, caps.USER_WITHOUT_EMAIL), "full"),
    "view": ((READ, UPDATE, INSERT, *COMMENTS, caps.USER_WITHOUT_EMAIL), "view"),
    "comment": ((READ, UPDATE, INSERT, *COMMENTS, caps.USER_WITHOUT_EMAIL), "comment"),
    "edit": ((READ, UPDATE, INSERT, *COMMENTS, caps.USER_WITHOUT_EMAIL), "edit"),
    "read_only": ((READ, caps.READ_COMMENTS, caps.USER_WITHOUT_EMAIL), "edit"),
    "insert_only": ((INSERT, caps.INSERT_COMMENTS, caps.NO_USER_INFO), "edit"),
    "update_only": ((UPDATE, caps.NO_USER_INFO), "edit"),
    "no_user_info": ((READ, UPDATE, INSERT, *COMMENTS, caps.NO_USER_INFO), "edit"),
    "other_workspace": (caps.DEFAULT, None),  # the default integration of another workspace
    "unshared": ((READ, UPDATE, INSERT, *COMMENTS, caps.USER_WITH_EMAIL), None),
    "trashed": ((READ, UPDATE, INSERT, *COMMENTS, caps.USER_WITHOUT_EMAIL), "edit"),
}
READERS = ("full", "view", "comment", "edit", "read_only", "no_user_info")
EDITORS = ("full", "edit", "no_user_info")
NO_USERS = ("insert_only", "update_only", "no_user_info")


@pytest.fixture(scope="module")
def world(server) -> World:  # type: ignore[no-untyped-def]
    ws = server.new_workspace()
    w = World(ws)
    w.owner = ws.personal_token()
    own = ws.client(V, token=w.owner)
    ada = ws.add_person("Ada Lovelace", "ada@example.com")
    w.ids["ada"] = ada
    w.ids["random"] = str(uuid.uuid4())

    p = own.pages.create(parent={"type": "workspace", "workspace": True}, properties={"title": {"title": text("Shared page")}})
    s = own.pages.create(parent={"type": "workspace", "workspace": True}, properties={"title": {"title": text("SECRET page")}})
    w.ids.update(p=p["id"], s=s["id"])
    original = own.blocks.children.append(s["id"], children=[
        {"synced_block": {"synced_from": None, "children": [paragraph("SECRET synced content")]}}])["results"][0]
    w.ids["original"] = original["id"]
    secret_db = own.databases.create(parent={"page_id": s["id"]}, title=text("SECRET db"), initial_data_source={
        "properties": {"Name": {"title": {}}, "Amount": {"number": {}}, "Code": {"rich_text": {}}}})
    w.ids.update(secret_db=secret_db["id"], secret_ds=secret_db["data_sources"][0]["id"])
    hidden = own.pages.create(parent={"data_source_id": w.secret_ds}, properties={
        "Name": {"title": text("SECRET row")}, "Amount": {"number": 123456}, "Code": {"rich_text": text("Hidden-code")}})
    w.ids["hidden_row"] = hidden["id"]

    shared_db = own.databases.create(parent={"page_id": p["id"]}, title=text("Shared db"), initial_data_source={
        "properties": {"Name": {"title": {}}, "Notes": {"rich_text": {}}, "Owner": {"people": {}},
                       "Rel": {"relation": {"data_source_id": w.secret_ds, "dual_property": {"synced_property_name": "Back"}}}}})
    ds = shared_db["data_sources"][0]["id"]
    w.ids.update(db=shared_db["id"], ds=ds)
    schema = own.data_sources.update(ds, properties={
        "Roll": {"rollup": {"function": "sum", "relation_property_name": "Rel", "rollup_property_name": "Amount"}},
        "Codes": {"rollup": {"function": "show_original", "relation_property_name": "Rel", "rollup_property_name": "Code"}},
        "Titles": {"formula": {"expression": 'prop("Rel")'}},
        "Via": {"formula": {"expression": 'prop("Rel").map(current.prop("Amount")).sum()'}},
        "Plus": {"formula": {"expression": 'prop("Roll") + 1'}},
        "Who": {"formula": {"expression": 'prop("Owner")'}},
        "Headcount": {"formula": {"expression": 'prop("Owner").length()'}},
        "Mail": {"formula": {"expression": 'prop("Owner").map(current.email()).join(",")'}},
        "Shout": {"formula": {"expression": 'prop("Name") + "!"'}},
    })["properties"]
    w.ids.update({f"prop_{name}": schema[name]["id"] for name in schema})
    row = own.pages.create(parent={"data_source_id": ds}, properties={
        "Name": {"title": text("Row one")},
        "Notes": {"rich_text": [*text("see "), mention_page(w.s), mention_database(w.secret_db), mention_user(ada)]},
        "Owner": {"people": [{"id": ada}]},
        "Rel": {"relation": [{"id": w.hidden_row}]},
    })
    w.ids["row"] = row["id"]

    made = own.blocks.children.append(p["id"], children=[
        {"paragraph": {"rich_text": [*text("Mentions: "), mention_page(w.s), mention_database(w.secret_db), mention_user(ada)]}},
        {"synced_block": {"synced_from": {"block_id": w.original}}},
    ])["results"]
    w.ids.update(para=made[0]["id"], copy=made[1]["id"])
    own.comments.create(parent={"page_id": p["id"]}, rich_text=[*text("Look at "), mention_page(w.s), mention_user(ada)])

    trashed = own.pages.create(parent={"page_id": p["id"]}, properties={"title": {"title": text("Trashed child")}})
    w.ids["trashed"] = trashed["id"]
    own.blocks.children.append(trashed["id"], children=[
        {"paragraph": {"rich_text": [mention_page(w.s), mention_user(ada)]}},
        {"synced_block": {"synced_from": {"block_id": w.original}}},
    ])
    own.pages.update(trashed["id"], in_trash=True)

    for kind, (capabilities, level) in KINDS.items():
        if kind == "other_workspace":
            w.tokens[kind] = server.new_workspace().token
            continue
        w.tokens[kind] = ws.integration(f"Matrix {kind}", capabilities, share=None)
        target = w.trashed if kind == "trashed" else w.p
        if level is not None:
            ws.share(target, f"Matrix {kind}", level)
        # One block each may delete.
        w.ids[f"mine_{kind}"] = own.blocks.children.append(p["id"], children=[paragraph(f"For {kind}")])["results"][0]["id"]
    return w


def test_the_owner_sees_what_the_matrix_hides(world: World) -> None:
    """The data really is there: a personal token (the owner) reads every secret, so the matrix can fail."""
    own = world.ws.client(V, token=world.owner)
    row = own.pages.retrieve(world.row)["properties"]
    assert row["Roll"]["rollup"]["number"] == 123456
    assert row["Rel"]["relation"] == [{"id": world.hidden_row}]
    assert "SECRET row" in row["Titles"]["formula"]["string"]
    assert row["Mail"]["formula"]["string"] == "ada@example.com"
    assert [i["plain_text"] for i in row["Notes"]["rich_text"]] == ["see ", "SECRET page", "SECRET db", "@Ada Lovelace"]
    para = own.blocks.retrieve(world.para)["paragraph"]["rich_text"]
    assert [i["plain_text"] for i in para][1:] == ["SECRET page", "SECRET db", "@Ada Lovelace"]
    synced = own.blocks.children.list(world.copy)["results"]
    assert synced[0]["paragraph"]["rich_text"][0]["plain_text"] == "SECRET synced content"


def _calls(w: World, kind: str) -> list[tuple[str, str, str, Any, str]]:
    """(family, method, path, body, version)."""
    rid = w.ids["random"]
    paragraph_with_mentions = {"paragraph": {"rich_text": [*text("x "), mention_page(w.s), mention_user(w.ada)]}}
    return [
        ("page", "GET", f"/v1/pages/{w.row}", None, V),
        ("page", "GET", f"/v1/pages/{w.row}", None, OLD),
        ("page", "GET", f"/v1/pages/{w.p}", None, NEW),
        ("page", "GET", f"/v1/pages/{w.trashed}", None, V),
        ("block", "GET", f"/v1/blocks/{w.para}", None, V),
        ("block", "GET", f"/v1/blocks/{w.copy}", None, V),
        ("children", "GET", f"/v1/blocks/{w.p}/children", None, V),
        ("children", "GET", f"/v1/blocks/{w.copy}/children", None, V),
        ("children", "GET", f"/v1/blocks/{w.trashed}/children", None, V),
        ("children", "GET", f"/v1/blocks/{w.original}/children", None, V),
        ("data_source", "GET", f"/v1/data_sources/{w.ds}", None, V),
        ("database", "GET", f"/v1/databases/{w.db}", None, OLD),
        ("database", "GET", f"/v1/databases/{w.db}", None, V),
        ("query", "POST", f"/v1/data_sources/{w.ds}/query", {}, V),
        ("query", "POST", f"/v1/databases/{w.db}/query", {}, OLD),
        ("query", "POST", f"/v1/data_sources/{w.ds}/query",
         {"filter": {"property": "Roll", "rollup": {"number": {"equals": 123456}}}}, V),
        ("query", "POST", f"/v1/data_sources/{w.ds}/query", {"sorts": [{"property": "Via", "direction": "ascending"}]}, V),
        ("search", "POST", "/v1/search", {}, V),
        ("search", "POST", "/v1/search", {"query": "SECRET"}, V),
        ("search", "POST", "/v1/search", {"query": "Row"}, OLD),
        ("property_item", "GET", f"/v1/pages/{w.row}/properties/{w.prop_Roll}", None, V),
        ("property_item", "GET", f"/v1/pages/{w.row}/properties/{w.prop_Rel}", None, V),
        ("property_item", "GET", f"/v1/pages/{w.row}/properties/{w.prop_Titles}", None, V),
        ("property_item", "GET", f"/v1/pages/{w.row}/properties/{w.prop_Notes}", None, V),
        ("property_item", "GET", f"/v1/pages/{w.row}/properties/{w.prop_Who}", None, V),
        ("comments", "GET", f"/v1/comments?block_id={w.p}", None, V),
        ("users", "GET", f"/v1/users/{w.ada}", None, V),
        ("users", "GET", "/v1/users", None, V),
        # Writes: their answers are rendered for the writer too.
        ("page_update", "PATCH", f"/v1/pages/{w.row}", {"properties": {"Name": {"title": text("Row one")}}}, V),
        ("page_update", "PATCH", f"/v1/pages/{w.row}", {"properties": {"Rel": {"relation": [{"id": w.hidden_row}]}}}, V),
        ("page_create", "POST", "/v1/pages",
         {"parent": {"page_id": w.p}, "properties": {"title": {"title": [mention_page(w.s)]}}}, V),
        ("page_create", "POST", "/v1/pages",
         {"parent": {"data_source_id": w.ds}, "properties": {"Name": {"title": text("New row")},
                                                            "Rel": {"relation": [{"id": w.hidden_row}]}}}, V),
        ("append", "PATCH", f"/v1/blocks/{w.p}/children", {"children": [paragraph_with_mentions]}, V),
        ("append", "PATCH", f"/v1/blocks/{w.p}/children",
         {"children": [paragraph("after")], "position": {"type": "after_block", "after_block": {"id": w.para}}}, NEW),
        ("append", "PATCH", f"/v1/blocks/{w.p}/children",
         {"children": [{"synced_block": {"synced_from": {"block_id": w.original}}}]}, V),
        ("append", "PATCH", f"/v1/blocks/{w.p}/children",
         {"children": [{"synced_block": {"synced_from": {"block_id": rid}}}]}, V),
        ("block_update", "PATCH", f"/v1/blocks/{w.para}",
         {"paragraph": {"rich_text": [*text("Mentions: "), mention_page(w.s), mention_database(w.secret_db), mention_user(w.ada)]}}, V),
        ("block_delete", "DELETE", f"/v1/blocks/{w.ids.get('mine_' + kind, w.random)}", None, V),
        ("data_source_update", "PATCH", f"/v1/data_sources/{w.ds}", {"title": text("Shared db")}, V),
        ("data_source_update", "PATCH", f"/v1/data_sources/{w.ds}", {"properties": {"Rel": None}}, V),
        ("data_source_update", "PATCH", f"/v1/data_sources/{w.ds}", {"properties": {"Roll": {"name": "Renamed"}}}, V),
        ("database_update", "PATCH", f"/v1/databases/{w.db}", {"title": text("Shared db")}, OLD),
        ("users", "GET", "/v1/users/me", None, V),
        ("comment_create", "POST", "/v1/comments", {"parent": {"page_id": w.p}, "rich_text": [mention_page(w.s), mention_user(w.ada)]}, V),
        ("oracle", "POST", "/v1/search", {"start_cursor": w.s}, V),
        ("oracle", "POST", "/v1/search", {"start_cursor": rid}, V),
    ]


def _partial_violations(body: dict[str, Any]) -> list[str]:
    objects = body.get("results") if body.get("object") == "list" else [body]
    out = []
    for obj in objects or []:
        extra = {"properties"} if obj.get("object") == "data_source" else set()  # partial data sources keep them
        if obj.get("object") in (*PARTIAL_KINDS, "comment") and set(obj) - {"object", "id", "request_id", *extra}:
            out.append(f"not partial: {sorted(obj)}")
    return out


def _user_violations(body: Any, kind: str) -> list[str]:
    """Users inside answers: partial without user information, never an email without that capability."""
    out: list[str] = []
    dumped = json.dumps(body)
    if kind in NO_USERS and ("Ada Lovelace" in dumped or "ada@example.com" in dumped):
        out.append("a user's name or email reached an integration without user information")
    if kind != "unshared" and "ada@example.com" in dumped:
        out.append("an email reached an integration without the email capability")
    return out


@pytest.mark.parametrize("kind", list(KINDS))
def test_permission_matrix(world: World, kind: str) -> None:
    token = world.tokens[kind]
    capabilities, _level = KINDS[kind]
    leaks: list[str] = []
    answers: dict[tuple[str, str, str], Any] = {}
    for family, method, path, body, version in _calls(world, kind):
        resp = world.ws.raw(method, path, token=token, json=body, version=version)
        label = f"{kind} {method} {path} @{version} {json.dumps(body)[:80] if body else ''}"
        assert resp.status_code < 500, (label, resp.text)
        dumped = resp.text
        for word in SECRET_WORDS:
            if word in dumped:
                leaks.append(f"{label}: {word!r} in {dumped[:300]}")
        if world.hidden_row in dumped:
            leaks.append(f"{label}: the hidden row's ID")
        data = resp.json()
        leaks += [f"{label}: {x}" for x in _user_violations(data, kind)]
        if resp.status_code == 200:
            without = (family == "comment_create" and caps.READ_COMMENTS not in capabilities) or (
                family not in ("comments", "comment_create", "users") and READ not in capabilities)
            if without:
                leaks += [f"{label}: {x}" for x in _partial_violations(data)]
        answers[(method, path, json.dumps(body, sort_keys=True) + version)] = (resp.status_code, data)
    assert leaks == [], "\n".join(leaks)
    _check_statuses(world, kind, answers)


def _answer(answers: dict, method: str, path: str, body: Any = None, version: str = V) -> tuple[int, Any]:
    return answers[(method, path, json.dumps(body, sort_keys=True) + version)]


def _check_statuses(w: World, kind: str, answers: dict) -> None:
    """The matrix must exercise each path: readers get 200 where they may read, and the content is there."""
    status, row = _answer(answers, "GET", f"/v1/pages/{w.row}")
    if kind in READERS:
        assert status == 200
        props = row["properties"]
        # Relation-based properties into the unshared data source are left out, the rest stay.
        assert not {"Rel", "Roll", "Codes", "Titles", "Via", "Plus"} & set(props)
        assert {"Name", "Notes", "Owner", "Headcount", "Shout"} <= set(props)
        assert ("Who" in props) == (kind not in NO_USERS)
        assert "Mail" not in props  # none of them has the email capability
        assert props["Headcount"]["formula"]["number"] == 1
        notes = [i["plain_text"] for i in props["Notes"]["rich_text"]]
        assert notes == ["see ", "Untitled", "Untitled", "@Anonymous" if kind in NO_USERS else "@Ada Lovelace"]
        status, para = _answer(answers, "GET", f"/v1/blocks/{w.para}")
        assert status == 200
        assert [i["plain_text"] for i in para["paragraph"]["rich_text"]][1:3] == ["Untitled", "Untitled"]
        status, synced = _answer(answers, "GET", f"/v1/blocks/{w.copy}/children")
        assert (status, synced["results"]) == (200, [])
        status, copy = _answer(answers, "GET", f"/v1/blocks/{w.copy}")
        assert status == 200 and copy["has_children"] is False
        status, ds = _answer(answers, "GET", f"/v1/data_sources/{w.ds}")
        assert status == 200 and "Rel" not in ds["properties"] and "Name" in ds["properties"]
        status, found = _answer(answers, "POST", f"/v1/data_sources/{w.ds}/query", {})
        assert status == 200 and [r["id"] for r in found["results"]] and all("Roll" not in r["properties"] for r in found["results"])
        status, err = _answer(answers, "POST", f"/v1/data_sources/{w.ds}/query",
                              {"filter": {"property": "Roll", "rollup": {"number": {"equals": 123456}}}})
        assert (status, err["message"]) == (400, "Could not find property with name or id: Roll")
        status, _ = _answer(answers, "GET", f"/v1/pages/{w.row}/properties/{w.prop_Roll}")
        assert status == 404
        status, listed = _answer(answers, "GET", f"/v1/comments?block_id={w.p}")
        assert status == 200 and listed["results"][0]["rich_text"][1]["plain_text"] == "Untitled"
    elif kind in ("insert_only", "update_only"):
        assert status == 403
    else:
        assert status == 404
    if kind == "trashed":
        # The trashed page it was given still reads, in the trash, with nothing of S inside.
        status, page = _answer(answers, "GET", f"/v1/pages/{w.trashed}")
        assert status == 200 and page["in_trash"] is True
        status, listed = _answer(answers, "GET", f"/v1/blocks/{w.trashed}/children")
        para, copy = listed["results"]
        assert [i["plain_text"] for i in para["paragraph"]["rich_text"]] == ["Untitled", "@Ada Lovelace"]
        assert copy["type"] == "synced_block" and copy["has_children"] is False
    # Existence oracles: an unshared ID answers exactly as a random one.
    unshared = _answer(answers, "POST", "/v1/search", {"start_cursor": w.s})
    random = _answer(answers, "POST", "/v1/search", {"start_cursor": w.ids["random"]})
    assert _same(unshared, random), (unshared, random)
    synced = {"children": [{"synced_block": {"synced_from": {"block_id": w.original}}}]}
    unshared = _answer(answers, "PATCH", f"/v1/blocks/{w.p}/children", synced)
    synced["children"][0]["synced_block"]["synced_from"]["block_id"] = w.ids["random"]
    random = _answer(answers, "PATCH", f"/v1/blocks/{w.p}/children", synced)
    assert _same(unshared, random), (unshared, random)
    # A write through a two-way relation into what is not shared never succeeds.
    status, _ = _answer(answers, "PATCH", f"/v1/pages/{w.row}", {"properties": {"Rel": {"relation": [{"id": w.hidden_row}]}}})
    assert status != 200
    status, _ = _answer(answers, "PATCH", f"/v1/data_sources/{w.ds}", {"properties": {"Rel": None}})
    assert status != 200
    if kind in EDITORS or kind == "update_only":
        assert _answer(answers, "DELETE", f"/v1/blocks/{w.ids.get('mine_' + kind, w.random)}")[0] == 200
        para_update = {"paragraph": {"rich_text": [*text("Mentions: "), mention_page(w.s), mention_database(w.secret_db),
                                                   mention_user(w.ada)]}}
        assert _answer(answers, "PATCH", f"/v1/blocks/{w.para}", para_update)[0] == 200
    if kind == "insert_only":
        status, made = _answer(answers, "PATCH", f"/v1/blocks/{w.p}/children",
                               {"children": [paragraph("after")], "position": {"type": "after_block", "after_block": {"id": w.para}}},
                               NEW)
        assert status == 200 and len(made["results"]) > 1  # the new block and the siblings after it, all partial
    if kind in EDITORS:
        status, renamed = _answer(answers, "PATCH", f"/v1/data_sources/{w.ds}", {"title": text("Shared db")})
        assert status == 200 and "Rel" not in renamed["properties"] and "Name" in renamed["properties"]
        status, err = _answer(answers, "PATCH", f"/v1/data_sources/{w.ds}", {"properties": {"Rel": None}})
        assert (status, err["message"]) == (400, "Rel is not a property that exists.")
        status, made = _answer(answers, "PATCH", f"/v1/blocks/{w.p}/children",
                               {"children": [{"paragraph": {"rich_text": [*text("x "), mention_page(w.s), mention_user(w.ada)]}}]})
        assert status == 200
        assert made["results"][0]["paragraph"]["rich_text"][1]["plain_text"] == "Untitled"


def _same(a: tuple[int, Any], b: tuple[int, Any]) -> bool:
    """Two answers alike but for the IDs they name."""
    strip = lambda body: _replace_uuid(json.dumps({k: x for k, x in body.items() if k != "request_id"}, sort_keys=True))
    return a[0] == b[0] and strip(a[1]) == strip(b[1])


def _replace_uuid(message: str) -> str:
    import re

    return re.sub(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", "ID", message)


def test_writes_through_relations_leave_unshared_pages_alone(world: World) -> None:
    own = world.ws.client(V, token=world.owner)
    before = own.pages.retrieve(world.hidden_row)
    for kind in KINDS:
        resp = world.ws.raw("PATCH", f"/v1/pages/{world.row}", token=world.tokens[kind], json={
            "properties": {"Rel": {"relation": [{"id": world.hidden_row}]}}}, version=V)
        assert resp.status_code in (400, 403, 404), (kind, resp.text)
    after = own.pages.retrieve(world.hidden_row)
    assert after["last_edited_by"] == before["last_edited_by"]
    assert after["properties"]["Back"] == before["properties"]["Back"]
    # Schema writes through the matrix left the relation and its readers in place.
    props = own.data_sources.retrieve(world.ds)["properties"]
    assert {"Rel", "Roll", "Codes", "Titles", "Via", "Plus"} <= set(props)
