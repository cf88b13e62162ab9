"""Imports are checked and completed like API writes: hand-written minimal snapshots of every object type go in
through `blockyard import`, then a server on the store must query, search and render them (never a 500);
lines no API write would accept are refused, naming the line and the field, and leave the store unchanged."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from click.testing import CliRunner

from blockyard.cli import main
from support import Server, postgres_available, store_url

BACKENDS = ["sqlite"] + (["postgres"] if os.environ.get("BLOCKYARD_TEST_POSTGRES", "auto") != "off" else [])

USER = "a0000000-0000-4000-8000-000000000001"
PAGE = "a0000000-0000-4000-8000-000000000002"
DB = "a0000000-0000-4000-8000-000000000003"
DS = "a0000000-0000-4000-8000-000000000004"
ROW = "a0000000-0000-4000-8000-000000000005"
BLOCK = "a0000000-0000-4000-8000-000000000006"
COMMENT = "a0000000-0000-4000-8000-000000000007"
DB22 = "a0000000-0000-4000-8000-000000000008"
ROW22 = "a0000000-0000-4000-8000-000000000009"


def minimal() -> list[dict[str, Any]]:
    """Every object type as briefly as a person would write it: no option IDs, no colors, no plain_text."""
    return [
        {"object": "user", "id": USER, "name": "Ann", "type": "person"},
        {"object": "page", "id": PAGE, "parent": {"workspace": True},
         "properties": {"title": {"type": "title", "title": [{"text": {"content": "Notes"}}]}}},
        {"object": "block", "id": BLOCK, "parent": {"page_id": PAGE}, "type": "paragraph",
         "paragraph": {"rich_text": [{"text": {"content": "Hello"}}]}},
        {"object": "database", "id": DB, "parent": {"page_id": PAGE}, "title": [{"text": {"content": "Tasks"}}],
         "data_sources": [{"id": DS}]},
        {"object": "data_source", "id": DS, "parent": {"database_id": DB}, "title": [{"text": {"content": "Tasks"}}],
         "properties": {
             "Name": {"type": "title", "title": {}},
             "Kind": {"type": "select", "select": {"options": [{"name": "Bug"}, {"name": "Idea", "color": "blue"}]}},
             "Tags": {"type": "multi_select", "multi_select": {"options": [{"name": "ui"}]}},
             "State": {"type": "status", "status": {"options": [{"name": "Open"}, {"name": "Closed"}]}},
         }},
        {"object": "page", "id": ROW, "parent": {"data_source_id": DS}, "properties": {
            "Name": {"type": "title", "title": [{"text": {"content": "First"}}]},
            "Kind": {"type": "select", "select": {"name": "Bug"}},
            "Tags": {"type": "multi_select", "multi_select": [{"name": "ui"}, {"name": "new tag"}]},
            "State": {"type": "status", "status": {"name": "Closed"}},
        }},
        {"object": "comment", "id": COMMENT, "parent": {"page_id": PAGE}, "rich_text": [{"text": {"content": "Nice"}}]},
        {"object": "database", "id": DB22, "parent": {"page_id": PAGE}, "title": [],
         "properties": {"Name": {"type": "title", "title": {}},
                        "Pick": {"type": "select", "select": {"options": [{"name": "A"}]}}}},
        {"object": "page", "id": ROW22, "parent": {"database_id": DB22}, "properties": {
            "Name": {"type": "title", "title": [{"text": {"content": "Old"}}]},
            "Pick": {"type": "select", "select": {"name": "A"}}}},
    ]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "postgres" and not postgres_available():
        pytest.skip("PostgreSQL does not answer at 127.0.0.1:5432")
    url = store_url(request.param == "postgres", tmp_path)
    yield url
    if request.param == "postgres":
        from blockyard.store import Store

        s = Store(url)
        s.drop_schema()
        s.dispose()


def cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write(tmp_path: Path, objects: list[dict[str, Any]]) -> str:
    path = tmp_path / f"{uuid.uuid4().hex[:6]}.jsonl"
    path.write_text("".join(json.dumps(o) + "\n" for o in objects))
    return str(path)


def token_for(store: str) -> str:
    made = cli("integration", "create", "Reader", "--database", store, "--json")
    assert made.exit_code == 0, made.output
    return json.loads(made.stdout)["token"]


def call(srv: Server, token: str, method: str, path: str, version: str = "2026-03-11", **kw: Any) -> Any:
    r = httpx.request(method, srv.url + path, headers={"Authorization": f"Bearer {token}", "Notion-Version": version},
                      timeout=30, **kw)
    assert r.status_code == 200, (path, r.text)
    return r.json()


def test_a_minimal_snapshot_of_every_type_is_completed_and_served(store: str, tmp_path: Path) -> None:
    token = token_for(store)
    done = cli("import", write(tmp_path, minimal()), "--share", "Reader", "--database", store, "--json", "--no-progress")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["imported"] == {
        "user": 1, "page": 3, "block": 1, "database": 2, "data_source": 2, "comment": 1}
    srv = Server.start(store)
    try:
        ds = call(srv, token, "GET", f"/v1/data_sources/{DS}")
        kinds = ds["properties"]["Kind"]["select"]["options"]
        assert [o["name"] for o in kinds] == ["Bug", "Idea"] and all(o["id"] for o in kinds)
        assert kinds[1]["color"] == "blue" and kinds[0]["color"] in ("default", "gray", "brown")
        # The value naming an option the schema lacked added it, as an API write does.
        assert [o["name"] for o in ds["properties"]["Tags"]["multi_select"]["options"]] == ["ui", "new tag"]
        groups = ds["properties"]["State"]["status"]["groups"]
        assert all(g["id"] for g in groups) and sum(len(g["option_ids"]) for g in groups) == 2

        bug = kinds[0]["id"]
        for flt in ({"property": "Kind", "select": {"equals": "Bug"}},
                    {"property": "Tags", "multi_select": {"contains": "new tag"}},
                    {"property": "State", "status": {"equals": "Closed"}}):
            found = call(srv, token, "POST", f"/v1/data_sources/{DS}/query", json={"filter": flt})
            assert [p["id"] for p in found["results"]] == [ROW], flt
        row = call(srv, token, "GET", f"/v1/pages/{ROW}")
        assert row["properties"]["Kind"]["select"]["id"] == bug
        assert row["properties"]["Name"]["title"][0]["plain_text"] == "First"
        old = call(srv, token, "POST", f"/v1/databases/{DB22}/query", "2022-06-28",
                   json={"filter": {"property": "Pick", "select": {"equals": "A"}}})
        assert [p["id"] for p in old["results"]] == [ROW22]

        hits = call(srv, token, "POST", "/v1/search", json={"query": "Notes"})
        assert [h["id"] for h in hits["results"]] == [PAGE]
        blocks = call(srv, token, "GET", f"/v1/blocks/{PAGE}/children")["results"]
        paragraph = next(b for b in blocks if b["id"] == BLOCK)
        assert paragraph["paragraph"]["rich_text"][0]["plain_text"] == "Hello"
        assert paragraph["paragraph"]["rich_text"][0]["annotations"]["bold"] is False
        comments = call(srv, token, "GET", f"/v1/comments?block_id={PAGE}")["results"]
        assert comments[0]["rich_text"][0]["plain_text"] == "Nice"
        for version in ("2022-06-28", "2025-09-03", "2026-03-11"):
            call(srv, token, "GET", f"/v1/databases/{DB}", version)
            call(srv, token, "GET", f"/v1/pages/{ROW22}", version)
        assert call(srv, token, "GET", f"/v1/users/{USER}")["name"] == "Ann"
    finally:
        srv.stop()


def _with(index: int, change: dict[str, Any]) -> list[dict[str, Any]]:
    objects = minimal()
    target = objects[index]
    for path, value in change.items():
        *parents, last = path.split(".")
        node = target
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return objects


BAD = {
    "option without a name": (_with(4, {"properties.Kind.select.options.0": {"color": "red"}}),
                              "line 5: data_source", "properties.Kind.select.options[0].name"),
    "option color unknown": (_with(4, {"properties.Kind.select.options.1.color": "mauve"}),
                             "line 5: data_source", "properties.Kind.select.options[1].color"),
    "options not a list": (_with(4, {"properties.Tags.multi_select.options": "ui"}),
                           "line 5: data_source", "properties.Tags.multi_select.options"),
    "unknown property type": (_with(4, {"properties.Kind.type": "colour"}), "line 5: data_source", "properties.Kind.type"),
    "status value no option has": (_with(5, {"properties.State.status": {"name": "Reopened"}}),
                                   "line 6: page", "properties.State.status.name"),
    "number that is text": (_with(4, {"properties.Kind": {"type": "number", "number": {}}}) + [
        {"object": "page", "id": str(uuid.uuid4()), "parent": {"data_source_id": DS},
         "properties": {"Kind": {"type": "number", "number": "seven"}}}], "line 10: page", "properties.Kind.number"),
    "rich text item of no type": (_with(2, {"paragraph.rich_text.0": {"type": "picture", "picture": {}}}),
                                  "line 3: block", "paragraph.rich_text[0].type"),
    "rich text content not text": (_with(1, {"properties.title.title.0": {"text": {"content": 5}}}),
                                   "line 2: page", "properties.title.title[0].text.content"),
    "comment rich text a string": (_with(6, {"rich_text": [{"text": "Nice"}]}), "line 7: comment", "rich_text[0].text"),
    "user name a number": (_with(0, {"name": 7}), "line 1: user", "name"),
    "property name empty": (_with(4, {"properties.Tags.name": " "}), "line 5: data_source", "properties.Tags.name"),
    "formula expression a number": (_with(4, {"properties.Tags": {"type": "formula", "formula": {"expression": 1}}}),
                                    "line 5: data_source", "properties.Tags.formula.expression"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_a_line_no_write_would_accept_is_refused_naming_line_and_field(store: str, tmp_path: Path, case: str) -> None:
    objects, line, field = BAD[case]
    done = cli("import", write(tmp_path, objects), "--database", store, "--no-progress")
    assert done.exit_code != 0 and "Traceback" not in done.output, done.output
    assert line in done.output and field in done.output, done.output
    # One import, one transaction: nothing of the file was kept.
    exported = cli("export", "-", "--database", store)
    assert PAGE not in exported.stdout and DS not in exported.stdout


def test_refusals_come_as_json_with_json(store: str, tmp_path: Path) -> None:
    objects, line, field = BAD["option without a name"]
    done = cli("import", write(tmp_path, objects), "--database", store, "--no-progress", "--json")
    assert done.exit_code == 1
    error = json.loads(done.stdout)
    assert error["object"] == "error" and line in error["message"] and field in error["message"]


# Shapes no field check names: whatever they are, the store must still answer every request afterwards.
ODD = [
    {"object": "block", "id": str(uuid.uuid4()), "parent": {"page_id": PAGE}, "type": "to_do", "to_do": {"checked": "yes"}},
    {"object": "block", "id": str(uuid.uuid4()), "parent": {"page_id": PAGE}, "type": "heading_9", "heading_9": {}},
    {"object": "block", "id": str(uuid.uuid4()), "parent": {"page_id": PAGE}, "type": "image", "image": {"type": "external"}},
    {"object": "page", "id": str(uuid.uuid4()), "parent": {"page_id": PAGE}, "icon": "📦",
     "properties": {"title": {"type": "title", "title": []}}},
    {"object": "page", "id": str(uuid.uuid4()), "parent": {"page_id": PAGE}, "cover": {"type": "external"},
     "properties": {}},
    {"object": "page", "id": str(uuid.uuid4()), "parent": {"data_source_id": DS},
     "properties": {"Kind": {"type": "select", "select": {"id": "nope"}}}},
    {"object": "page", "id": str(uuid.uuid4()), "parent": {"data_source_id": DS},
     "properties": {"Name": {"type": "title", "title": [{"mention": {"type": "user", "user": {"id": 5}}}]}}},
    {"object": "comment", "id": str(uuid.uuid4()), "parent": {"page_id": PAGE}, "rich_text": [], "display_name": "x"},
    {"object": "data_source", "id": str(uuid.uuid4()), "parent": {"database_id": DB},
     "properties": {"F": {"type": "formula", "formula": {"expression": "prop(\"Nope\") +"}},
                    "R": {"type": "rollup", "rollup": {"function": "sum"}}}},
]


@pytest.mark.parametrize("odd", ODD, ids=[f"{o['object']}-{i}" for i, o in enumerate(ODD)])
def test_no_import_makes_a_later_request_fail(store: str, tmp_path: Path, odd: dict[str, Any]) -> None:
    token = token_for(store)
    done = cli("import", write(tmp_path, [*minimal(), odd]), "--share", "Reader", "--database", store, "--no-progress")
    assert "Traceback" not in done.output, done.output
    if done.exit_code != 0:
        assert "line 10:" in done.output, done.output
        return
    srv = Server.start(store)
    try:
        oid = odd["id"]
        paths = {"block": f"/v1/blocks/{oid}", "page": f"/v1/pages/{oid}", "data_source": f"/v1/data_sources/{oid}",
                 "comment": f"/v1/comments?block_id={PAGE}"}
        headers = {"Authorization": f"Bearer {token}"}
        for version in ("2022-06-28", "2025-09-03", "2026-03-11"):
            h = {**headers, "Notion-Version": version}
            for path in (paths[odd["object"]], f"/v1/blocks/{PAGE}/children", f"/v1/databases/{DB}"):
                r = httpx.get(srv.url + path, headers=h, timeout=30)
                assert r.status_code < 500, (version, path, r.text)
            r = httpx.post(srv.url + "/v1/search", headers=h, json={}, timeout=30)
            assert r.status_code < 500, r.text
            if version != "2022-06-28":
                r = httpx.post(srv.url + f"/v1/data_sources/{DS}/query", headers=h,
                               json={"filter": {"property": "Kind", "select": {"is_not_empty": True}}}, timeout=30)
                assert r.status_code < 500, r.text
    finally:
        srv.stop()
