"""Workspace snapshots: `blockyard import | export | reset` and `POST /admin/import`.

Imports are checked through the API they feed: a server started on the imported store answers
with the imported IDs, parents, authors, timestamps, order and values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import httpx
import orjson
import pytest
from click.testing import CliRunner

from blockyard.access import admin
from blockyard.cli import main
from blockyard.portability import admin_app, export_objects, import_objects
from blockyard.store import Store
from support import Server, text

ALICE = "5b1c2d3e-0000-4000-8000-00000000a11c"
PAGE = "11111111-1111-4111-8111-111111111111"
ORPHAN = "22222222-2222-4222-8222-222222222222"
DB = "33333333-3333-4333-8333-333333333333"
DS = "44444444-4444-4444-8444-444444444444"
ROW1 = "55555555-5555-4555-8555-555555555551"
ROW2 = "55555555-5555-4555-8555-555555555552"
B1, B2, B3, B_NESTED = (f"66666666-6666-4666-8666-66666666666{i}" for i in range(1, 5))
DB22 = "77777777-7777-4777-8777-777777777777"
ROW22 = "88888888-8888-4888-8888-888888888888"


def rt(content: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": content, "link": None},
             "annotations": {"bold": False, "italic": False, "strikethrough": False, "underline": False, "code": False,
                             "color": "default"}, "plain_text": content, "href": None}]


def stamp(obj: dict[str, Any], created: str = "2024-03-01T10:15:00.000Z", edited: str = "2024-03-02T11:00:00.000Z",
          author: str = ALICE) -> dict[str, Any]:
    return {**obj, "created_time": created, "last_edited_time": edited, "created_by": {"object": "user", "id": author},
            "last_edited_by": {"object": "user", "id": author}}


def para(block_id: str, parent: str, content: str, parent_type: str = "page_id", **extra: Any) -> dict[str, Any]:
    return stamp({"object": "block", "id": block_id, "parent": {"type": parent_type, parent_type: parent},
                  "has_children": False, "in_trash": False, "type": "paragraph",
                  "paragraph": {"rich_text": rt(content), "color": "default", **extra}})


def snapshot() -> list[dict[str, Any]]:
    """One of each: a person, a page with blocks (nested, in file order), a 2025 database and data source
    with rows, a 2022 database with a row, and a page whose parent is nowhere."""
    return [
        {"object": "user", "id": ALICE, "name": "Alice", "avatar_url": None, "type": "person",
         "person": {"email": "alice@example.com"}},
        stamp({"object": "page", "id": PAGE, "parent": {"type": "workspace", "workspace": True}, "in_trash": False,
               "is_locked": False, "icon": {"type": "emoji", "emoji": "📦"}, "cover": None,
               "properties": {"title": {"id": "title", "type": "title", "title": rt("Imported")}}}),
        # Out of order on purpose: the nested block comes before its parent's siblings.
        para(B1, PAGE, "first"),
        para(B_NESTED, B1, "nested", parent_type="block_id"),
        para(B2, PAGE, "second"),
        stamp({"object": "database", "id": DB, "parent": {"type": "page_id", "page_id": PAGE}, "title": rt("Tasks"),
               "description": [], "is_inline": True, "in_trash": False, "is_locked": False, "icon": None, "cover": None,
               "data_sources": [{"id": DS, "name": "Tasks"}]}),
        para(B3, PAGE, "third"),
        stamp({"object": "data_source", "id": DS, "parent": {"type": "database_id", "database_id": DB},
               "database_parent": {"type": "page_id", "page_id": PAGE}, "title": rt("Tasks"), "description": [],
               "icon": None, "in_trash": False, "properties": {
                   "Name": {"id": "title", "name": "Name", "description": None, "type": "title", "title": {}},
                   "Done": {"id": "a%3Ab", "name": "Done", "description": None, "type": "checkbox", "checkbox": {}},
                   "Stage": {"id": "st1", "name": "Stage", "description": None, "type": "select", "select": {
                       "options": [{"id": "o1", "name": "Todo", "color": "red", "description": None},
                                   {"id": "o2", "name": "Done", "color": "green", "description": None}]}},
                   "Owner": {"id": "ppl", "name": "Owner", "description": None, "type": "people", "people": {}},
                   "Ref": {"id": "ID", "name": "Ref", "description": None, "type": "unique_id",
                           "unique_id": {"prefix": "T"}},
               }}),
        stamp({"object": "page", "id": ROW1, "parent": {"type": "data_source_id", "data_source_id": DS, "database_id": DB},
               "in_trash": False, "icon": None, "cover": None, "properties": {
                   "Name": {"id": "title", "type": "title", "title": rt("Write docs")},
                   "Done": {"id": "a%3Ab", "type": "checkbox", "checkbox": True},
                   "Stage": {"id": "st1", "type": "select", "select": {"id": "o2", "name": "Done", "color": "green"}},
                   "Owner": {"id": "ppl", "type": "people", "people": [{"object": "user", "id": ALICE}]},
                   "Ref": {"id": "ID", "type": "unique_id", "unique_id": {"prefix": "T", "number": 7}},
               }}, created="2024-03-01T10:16:00.000Z"),
        stamp({"object": "page", "id": ROW2, "parent": {"type": "data_source_id", "data_source_id": DS, "database_id": DB},
               "in_trash": False, "icon": None, "cover": None, "properties": {
                   "Name": {"id": "title", "type": "title", "title": rt("Ship it")},
                   "Done": {"id": "a%3Ab", "type": "checkbox", "checkbox": False},
               }}, created="2024-03-01T10:17:00.000Z"),
        stamp({"object": "page", "id": ORPHAN, "parent": {"type": "page_id", "page_id": "99999999-9999-4999-8999-999999999999"},
               "in_trash": False, "icon": None, "cover": None,
               "properties": {"title": {"id": "title", "type": "title", "title": rt("Lost parent")}}}),
        # 2022-06-28: a database with its schema and no data source.
        stamp({"object": "database", "id": DB22, "parent": {"type": "page_id", "page_id": PAGE}, "title": rt("Old style"),
               "description": [], "is_inline": False, "archived": False, "in_trash": False, "icon": None, "cover": None,
               "properties": {
                   "Title": {"id": "title", "name": "Title", "type": "title", "title": {}},
                   "Score": {"id": "sc", "name": "Score", "type": "number", "number": {"format": "percent"}},
               }}),
        stamp({"object": "page", "id": ROW22, "parent": {"type": "database_id", "database_id": DB22}, "archived": False,
               "icon": None, "cover": None, "properties": {
                   "Title": {"id": "title", "type": "title", "title": rt("Row")},
                   "Score": {"id": "sc", "type": "number", "number": 0.5},
               }}),
    ]


def jsonl(objects: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(o) + "\n" for o in objects)


def cli(*args: str, input: str | None = None) -> Any:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result


@pytest.fixture
def store_file(tmp_path: Path) -> str:
    return str(tmp_path / "snap.db")


@pytest.fixture
def imported(tmp_path: Path, store_file: str) -> Iterator[tuple[Server, str]]:
    """A store made with the CLI: an integration, the snapshot imported and shared with it; then served."""
    made = cli("integration", "create", "Importer", "--database", store_file, "--json")
    assert made.exit_code == 0, made.output
    token = json.loads(made.stdout)["token"]
    path = tmp_path / "snap.jsonl"
    path.write_text(jsonl(snapshot()))
    done = cli("import", str(path), "--share", "Importer", "--database", store_file, "--json", "--no-progress")
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["imported"] == {"user": 1, "page": 5, "block": 4, "database": 2, "data_source": 2}, report
    assert set(report["roots"]) == {PAGE, ORPHAN}
    srv = Server.start(store_file)
    try:
        yield srv, token
    finally:
        srv.stop()


def get(srv: Server, token: str, path: str, version: str = "2026-03-11", **kw: Any) -> httpx.Response:
    return httpx.request(kw.pop("method", "GET"), srv.url + path, headers={
        "Authorization": f"Bearer {token}", "Notion-Version": version}, timeout=30, **kw)


def test_import_keeps_ids_parents_authors_and_times(imported: tuple[Server, str]) -> None:
    srv, token = imported
    page = get(srv, token, f"/v1/pages/{PAGE}").json()
    assert page["id"] == PAGE
    assert page["parent"] == {"type": "workspace", "workspace": True}
    assert page["created_time"] == "2024-03-01T10:15:00.000Z"
    assert page["last_edited_time"] == "2024-03-02T11:00:00.000Z"
    assert page["created_by"] == {"object": "user", "id": ALICE}
    assert page["icon"] == {"type": "emoji", "emoji": "📦"}
    assert page["properties"]["title"]["title"][0]["plain_text"] == "Imported"
    user = get(srv, token, f"/v1/users/{ALICE}").json()
    assert user["name"] == "Alice" and user["type"] == "person"


def test_import_keeps_block_order_and_nesting(imported: tuple[Server, str]) -> None:
    srv, token = imported
    children = get(srv, token, f"/v1/blocks/{PAGE}/children").json()["results"]
    assert [c["id"] for c in children] == [B1, B2, DB, B3, DB22]
    assert [c["type"] for c in children] == ["paragraph", "paragraph", "child_database", "paragraph", "child_database"]
    assert children[0]["has_children"] is True
    nested = get(srv, token, f"/v1/blocks/{B1}/children").json()["results"]
    assert [(n["id"], n["parent"]) for n in nested] == [(B_NESTED, {"type": "block_id", "block_id": B1})]
    assert nested[0]["paragraph"]["rich_text"][0]["plain_text"] == "nested"


def test_import_orphan_becomes_workspace_level(imported: tuple[Server, str]) -> None:
    srv, token = imported
    orphan = get(srv, token, f"/v1/pages/{ORPHAN}").json()
    assert orphan["parent"] == {"type": "workspace", "workspace": True}


def test_imported_database_rows_query_and_continue_unique_ids(imported: tuple[Server, str]) -> None:
    srv, token = imported
    ds = get(srv, token, f"/v1/data_sources/{DS}").json()
    assert ds["parent"] == {"type": "database_id", "database_id": DB}
    assert ds["properties"]["Done"]["id"] == "a%3Ab"
    assert [o["name"] for o in ds["properties"]["Stage"]["select"]["options"]] == ["Todo", "Done"]
    row = get(srv, token, f"/v1/pages/{ROW1}").json()
    assert row["properties"]["Stage"]["select"]["name"] == "Done"
    assert row["properties"]["Done"]["checkbox"] is True
    assert [p["id"] for p in row["properties"]["Owner"]["people"]] == [ALICE]
    assert row["properties"]["Ref"]["unique_id"] == {"prefix": "T", "number": 7}
    found = get(srv, token, f"/v1/data_sources/{DS}/query", method="POST",
                json={"filter": {"property": "Done", "checkbox": {"equals": True}}}).json()
    assert [r["id"] for r in found["results"]] == [ROW1]
    made = get(srv, token, "/v1/pages", method="POST", json={
        "parent": {"data_source_id": DS}, "properties": {"Name": {"title": text("New")}}}).json()
    assert made["properties"]["Ref"]["unique_id"] == {"prefix": "T", "number": 8}


def test_import_2022_database_gets_one_data_source(imported: tuple[Server, str]) -> None:
    srv, token = imported
    old = get(srv, token, f"/v1/databases/{DB22}", version="2022-06-28").json()
    assert old["properties"]["Score"]["number"] == {"format": "percent"}
    new = get(srv, token, f"/v1/databases/{DB22}").json()
    assert len(new["data_sources"]) == 1
    row = get(srv, token, f"/v1/pages/{ROW22}", version="2022-06-28").json()
    assert row["parent"] == {"type": "database_id", "database_id": DB22}
    assert row["properties"]["Score"]["number"] == 0.5


def test_import_twice_skips_existing_objects(imported: tuple[Server, str], store_file: str, tmp_path: Path) -> None:
    path = tmp_path / "again.jsonl"
    path.write_text(jsonl(snapshot()[:2]))
    again = cli("import", str(path), "--database", store_file, "--json", "--no-progress")
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert report["imported"] == {}
    assert len(report["skipped"]) == 2


def test_import_names_the_bad_line(tmp_path: Path, store_file: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(jsonl(snapshot()[:1]) + "{not json\n")
    result = CliRunner().invoke(main, ["import", str(path), "--database", store_file])
    assert result.exit_code != 0
    assert "line 2" in result.output


def _export(store: Store, workspace: admin.Workspace) -> list[dict[str, Any]]:
    with store.read() as tx:
        return [orjson.loads(orjson.dumps(o)) for o in export_objects(tx, workspace)]


def test_export_then_import_is_lossless(ws: Any, tmp_path: Path) -> None:
    """Content made through the API, exported, imported into a fresh store and exported again: identical."""
    client = ws.client()
    person = ws.add_person("Bob", "bob@example.com")
    page = client.pages.create(parent={"page_id": ws.root_id}, icon={"type": "emoji", "emoji": "🧪"},
                               properties={"title": {"title": text("Snapshot me")}},
                               children=[{"type": "heading_1", "heading_1": {"rich_text": text("Head")}},
                                         {"type": "toggle", "toggle": {"rich_text": text("Fold"), "children": [
                                             {"type": "to_do", "to_do": {"rich_text": text("inner"), "checked": True}}]}},
                                         {"type": "paragraph", "paragraph": {"rich_text": [
                                             {"type": "mention", "mention": {"user": {"id": person}}}]}}])
    db = client.databases.create(parent={"page_id": page["id"]}, title=text("Things"), initial_data_source={"properties": {
        "Name": {"title": {}}, "Count": {"number": {"format": "number"}},
        "Tags": {"multi_select": {"options": [{"name": "a", "color": "blue"}, {"name": "b"}]}},
        "When": {"date": {}}, "Who": {"people": {}}, "Key": {"unique_id": {"prefix": "K"}},
        "Made": {"created_time": {}}}})
    ds_id = db["data_sources"][0]["id"]
    client.data_sources.update(ds_id, properties={"Link": {"relation": {"data_source_id": ds_id, "type": "dual_property",
                                                                         "dual_property": {}}}})
    first = client.pages.create(parent={"data_source_id": ds_id}, properties={
        "Name": {"title": text("one")}, "Count": {"number": 3}, "Tags": {"multi_select": [{"name": "a"}, {"name": "b"}]},
        "When": {"date": {"start": "2024-05-01", "end": "2024-05-03"}}, "Who": {"people": [{"id": person}]}})
    client.pages.create(parent={"data_source_id": ds_id}, properties={
        "Name": {"title": text("two")}, "Link": {"relation": [{"id": first["id"]}]}})
    gone = client.pages.create(parent={"page_id": page["id"]}, properties={"title": {"title": text("Trashed")}})
    client.pages.update(gone["id"], in_trash=True)
    said = client.comments.create(parent={"page_id": page["id"]}, rich_text=text("first"))
    client.comments.create(discussion_id=said["discussion_id"], rich_text=[
        {"type": "mention", "mention": {"user": {"id": person}}}], display_name={"type": "custom", "custom": {"name": "Bot"}})
    toggle = client.blocks.children.list(page["id"])["results"][1]["id"]
    on_block = client.comments.create(parent={"block_id": toggle}, markdown="**bold** and _it_")
    dropped = client.comments.create(parent={"page_id": first["id"]}, rich_text=text("deleted"))
    client.comments.delete(dropped["id"])

    exported = _export(ws.server.store, ws.info)
    kinds = [o["object"] for o in exported]
    assert {"user", "page", "database", "data_source", "block", "comment"} <= set(kinds)
    assert any(o["id"] == gone["id"] and o["in_trash"] for o in exported)
    comments = [o for o in exported if o["object"] == "comment"]
    assert [c["id"] for c in comments][0] == said["id"] and on_block["id"] in {c["id"] for c in comments}
    assert dropped["id"] not in {c["id"] for c in comments}
    assert comments[1]["display_name"] == {"type": "custom", "resolved_name": "Bot"}

    fresh = Store(str(tmp_path / "fresh.db"))
    fresh.migrate()
    try:
        with fresh.write() as tx:
            target = admin.create_workspace(tx, "Fresh")
            import_objects(tx, target, exported)
        again = _export(fresh, target)
    finally:
        fresh.dispose()
    assert again == exported


COMMENT_A, COMMENT_B, COMMENT_C = ("c0000000-0000-4000-8000-00000000000" + c for c in "9a5")
DISCUSSION_1, DISCUSSION_2 = "d1000000-0000-4000-8000-000000000001", "d2000000-0000-4000-8000-000000000002"


def comment(cid: str, parent: dict[str, str], discussion: str, content: str, author: str, shown: dict[str, Any],
            created: str = "2024-03-05T09:30:00.000Z") -> dict[str, Any]:
    return {"object": "comment", "id": cid, "parent": parent, "discussion_id": discussion, "created_time": created,
            "last_edited_time": created, "created_by": {"object": "user", "id": author}, "rich_text": rt(content),
            "display_name": shown}


def test_import_keeps_comments_in_file_order(tmp_path: Path, store_file: str) -> None:
    """Same minute, IDs out of order: the file's order is the listing order; IDs, discussions, parents,
    authors, times and display names are kept; a comment whose parent is nowhere is skipped; reset clears them."""
    made = json.loads(cli("integration", "create", "Talk", "--database", store_file, "--json").stdout)
    person = {"type": "user", "resolved_name": "Alice"}
    lines = [
        comment(COMMENT_A, {"type": "page_id", "page_id": PAGE}, DISCUSSION_1, "first", ALICE, person),
        comment(COMMENT_B, {"type": "block_id", "block_id": B1}, DISCUSSION_2, "on a block", ALICE, person,
                created="2024-03-05T09:31:00.000Z"),
        comment(COMMENT_C, {"type": "page_id", "page_id": PAGE}, DISCUSSION_1, "reply", "c1c1c1c1-0000-4000-8000-000000000000",
                {"type": "integration", "resolved_name": "Elsewhere"}),
        comment("c0000000-0000-4000-8000-0000000000ff", {"type": "page_id", "page_id": ORPHAN.replace("2", "9")},
                DISCUSSION_1, "lost", ALICE, person),
    ]
    path = tmp_path / "talk.jsonl"
    path.write_text(jsonl(snapshot() + lines))
    done = cli("import", str(path), "--share", "Talk", "--database", store_file, "--json", "--no-progress")
    report = json.loads(done.stdout)
    assert report["imported"]["comment"] == 3
    assert any("c0000000-0000-4000-8000-0000000000ff" in s for s in report["skipped"])
    srv = Server.start(store_file)
    try:
        token = made["token"]
        listed = get(srv, token, "/v1/comments", params={"block_id": PAGE}).json()["results"]
        assert [c["id"] for c in listed] == [COMMENT_A, COMMENT_C]
        assert listed[0] == {k: v for k, v in lines[0].items()}
        assert listed[1]["created_by"] == {"object": "user", "id": "c1c1c1c1-0000-4000-8000-000000000000"}
        assert listed[1]["display_name"] == {"type": "integration", "resolved_name": "Elsewhere"}
        on_block = get(srv, token, f"/v1/comments/{COMMENT_B}").json()
        assert on_block["parent"] == {"type": "block_id", "block_id": B1}
        assert on_block["discussion_id"] == DISCUSSION_2 and on_block["created_time"] == "2024-03-05T09:31:00.000Z"
        # The integration replies into the imported discussion; the reply lists after the imported ones.
        reply = get(srv, token, "/v1/comments", method="POST",
                    json={"discussion_id": DISCUSSION_1, "rich_text": text("new")}).json()
        assert reply["parent"] == {"type": "page_id", "page_id": PAGE}
        listed = get(srv, token, "/v1/comments", params={"block_id": PAGE}).json()["results"]
        assert [c["id"] for c in listed] == [COMMENT_A, COMMENT_C, reply["id"]]
        again = cli("import", str(path), "--database", store_file, "--json", "--no-progress")
        assert "comment" not in json.loads(again.stdout)["imported"]
        reset = json.loads(cli("reset", "--yes", "--database", store_file, "--json").stdout)
        assert reset["deleted"]["comments"] == 4
        assert get(srv, token, f"/v1/comments/{COMMENT_B}").status_code == 404
    finally:
        srv.stop()


def test_reset_empties_content_and_keeps_integrations(tmp_path: Path, store_file: str) -> None:
    made = json.loads(cli("integration", "create", "Suite", "--database", store_file, "--json").stdout)
    path = tmp_path / "snap.jsonl"
    path.write_text(jsonl(snapshot()))
    assert cli("import", str(path), "--share", "Suite", "--database", store_file, "--no-progress").exit_code == 0
    reset = cli("reset", "--yes", "--database", store_file, "--json")
    assert reset.exit_code == 0, reset.output
    deleted = json.loads(reset.stdout)["deleted"]
    assert deleted["nodes"] == 13 and deleted["grants"] == 2
    listing = json.loads(cli("integration", "list", "--database", store_file, "--json").stdout)
    assert [(i["name"], i["shared"]) for i in listing] == [("Suite", [])]
    srv = Server.start(store_file)
    try:
        token = made["token"]
        assert get(srv, token, "/v1/users/me").status_code == 200
        assert get(srv, token, f"/v1/pages/{PAGE}").status_code == 404
        assert get(srv, token, "/v1/search", method="POST", json={}).json()["results"] == []
        # The same snapshot imports again into the emptied workspace.
        assert cli("import", str(path), "--share", "Suite", "--database", store_file, "--no-progress").exit_code == 0
        assert get(srv, token, f"/v1/pages/{PAGE}").status_code == 200
    finally:
        srv.stop()


def _with_admin(srv: Server) -> None:
    """The lead wires `admin_app` into app.py; until then the test adds it the same way."""
    if not getattr(srv.app, "_snapshot_admin", False):
        srv.app.other_apps.insert(0, admin_app(srv.app))
        srv.app._snapshot_admin = True


def test_admin_import_and_reset_over_http(tmp_path: Path) -> None:
    srv = Server.start(str(tmp_path / "admin.db"), admin_key="sekret")
    _with_admin(srv)
    try:
        with srv.store.write() as tx:
            w = admin.ensure_workspace(tx)
            _info, token = admin.create_integration(tx, w, "HTTP")
        body = jsonl(snapshot()).encode()
        denied = httpx.post(srv.url + "/admin/import", content=body, headers={"Authorization": "Bearer wrong"})
        assert denied.status_code == 401 and denied.json()["code"] == "unauthorized"
        resp = httpx.post(srv.url + "/admin/import?share=HTTP", content=body, headers={"Authorization": "Bearer sekret"})
        assert resp.status_code == 200, resp.text
        assert resp.json()["imported"]["page"] == 5
        assert get(srv, token, f"/v1/pages/{ROW1}").json()["properties"]["Done"]["checkbox"] is True
        lines = httpx.get(srv.url + "/admin/export", headers={"Authorization": "Bearer sekret"}).text.splitlines()
        assert {json.loads(line)["id"] for line in lines} >= {PAGE, DB, DS, ROW1, B_NESTED, ALICE}
        bad = httpx.post(srv.url + "/admin/import", content=b"[1]\n", headers={"Authorization": "Bearer sekret"})
        assert bad.status_code == 400 and bad.json()["code"] == "validation_error"
        reset = httpx.post(srv.url + "/admin/reset", headers={"Authorization": "Bearer sekret"})
        assert reset.status_code == 200 and reset.json()["deleted"]["nodes"] == 13
        assert get(srv, token, f"/v1/pages/{PAGE}").status_code == 404
        assert get(srv, token, "/v1/users/me").status_code == 200
    finally:
        srv.stop()


def test_admin_import_is_off_without_admin_key(tmp_path: Path) -> None:
    srv = Server.start(str(tmp_path / "off.db"))
    _with_admin(srv)
    try:
        resp = httpx.post(srv.url + "/admin/import", content=jsonl(snapshot()).encode(),
                          headers={"Authorization": "Bearer anything"})
        assert resp.status_code != 200
        with srv.store.read() as tx:
            from blockyard.store.schema import nodes

            assert tx.execute(nodes.select()).first() is None
    finally:
        srv.stop()
