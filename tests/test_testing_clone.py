"""`blockyard clone` against a second Blockyard playing Notion: what the integration reaches comes back
at the same IDs, through pagination and retried 429/503 answers, and a workspace round-trips with an
identical export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from blockyard.access import admin, capabilities as caps
from blockyard.cli import main
from blockyard.portability import export_objects, import_objects, read_lines
from blockyard.testing import Server
from support import paragraph, store_url, text

WITH_EMAIL = tuple(c for c in caps.DEFAULT if c not in caps.USER_LEVELS) + (caps.USER_WITH_EMAIL,)


def _rt(content: str, **annotations: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "text", "text": {"content": content}}
    if annotations:
        item["annotations"] = annotations
    return item


def _fill(sandbox: Any) -> None:
    """A workspace with nested blocks, a child page, a database with rows, people and comments."""
    notion = sandbox.client(notion_version="2026-03-11")
    root = sandbox.root_page_id
    with sandbox.store.write() as tx:
        ada = admin.add_person(tx, sandbox.workspace.info, "Ada Lovelace", "ada@example.com")
    doc = notion.pages.create(parent={"page_id": root}, properties={"title": {"title": text("Design doc")}},
                              icon={"type": "emoji", "emoji": "📐"})
    notion.blocks.children.append(doc["id"], children=[
        {"type": "heading_2", "heading_2": {"rich_text": text("Goals")}},
        {"type": "paragraph", "paragraph": {"rich_text": [_rt("Fast "), _rt("and", bold=True),
                                                          {"type": "text", "text": {"content": " right",
                                                                                    "link": {"url": "https://example.com"}}}]}},
        {"type": "toggle", "toggle": {"rich_text": text("Details"), "children": [
            paragraph("inside the toggle"),
            {"type": "bulleted_list_item", "bulleted_list_item": {"rich_text": text("nested"), "children": [
                paragraph("two levels down")]}},
        ]}},
        {"type": "to_do", "to_do": {"rich_text": text("ship it"), "checked": True}},
        {"type": "code", "code": {"rich_text": text("print('hi')"), "language": "python"}},
    ])
    sub = notion.pages.create(parent={"page_id": doc["id"]}, properties={"title": {"title": text("Appendix")}},
                              children=[paragraph("appendix text")])
    notion.blocks.children.append(doc["id"], children=[paragraph("after the sub-page")])
    # Enough blocks under one page to take several pages of block children.
    for start in (0, 100):
        notion.blocks.children.append(sub["id"], children=[paragraph(f"line {i}") for i in range(start, start + 65)])
    db = notion.databases.create(parent={"page_id": root}, title=text("Tasks"), initial_data_source={"properties": {
        "Name": {"title": {}},
        "Status": {"select": {"options": [{"name": "Todo", "color": "red"}, {"name": "Done", "color": "green"}]}},
        "Tags": {"multi_select": {"options": [{"name": "a"}, {"name": "b"}]}},
        "Points": {"number": {"format": "number"}},
        "Due": {"date": {}},
        "Done": {"checkbox": {}},
        "Owner": {"people": {}},
        "Double": {"formula": {"expression": 'prop("Points") * 2'}},
    }})
    ds = db["data_sources"][0]["id"]
    rows = []
    for i in range(105):  # more than one page of query results
        rows.append(notion.pages.create(parent={"data_source_id": ds}, properties={
            "Name": {"title": text(f"Task {i}")},
            "Status": {"select": {"name": "Done" if i % 2 else "Todo"}},
            "Tags": {"multi_select": [{"name": "a"}] + ([{"name": "b"}] if i % 3 == 0 else [])},
            "Points": {"number": i},
            "Due": {"date": {"start": f"2026-02-{1 + i % 28:02d}"}},
            "Done": {"checkbox": i % 2 == 1},
            "Owner": {"people": [{"id": ada}]} if i % 4 == 0 else {"people": []},
        }))
    notion.blocks.children.append(rows[0]["id"], children=[paragraph("notes on the first task")])
    notion.comments.create(parent={"page_id": doc["id"]}, rich_text=text("Looks good"))
    first = notion.comments.create(parent={"page_id": rows[3]["id"]}, rich_text=text("Blocked?"))
    notion.comments.create(discussion_id=first["discussion_id"], rich_text=text("Not any more"))
    block = notion.blocks.children.list(doc["id"])["results"][1]
    notion.comments.create(parent={"block_id": block["id"]}, rich_text=text("On a block"))


@pytest.fixture
def source(server: Any, tmp_path: Path) -> Any:
    """A Blockyard playing Notion, on the same store backend as the suite's server."""
    postgres = server.database.startswith("postgresql")
    with Server(store_url(postgres, tmp_path)) as playing_notion:
        sandbox = playing_notion.sandbox(capabilities=WITH_EMAIL)
        _fill(sandbox)
        yield sandbox
        sandbox.close()


def _clone(source: Any, out: Path, *extra: str) -> Any:
    result = CliRunner().invoke(main, ["clone", "--token", source.token, "--from", source.url, "-o", str(out),
                                       "--no-progress", *extra])
    assert result.exit_code == 0, result.output
    return result


def test_clone_round_trips_a_workspace_with_an_identical_export(source: Any, server: Any, tmp_path: Path) -> None:
    source.faults.add(status=429, method="POST", path="/v1/search", retry_after=1, times=1)
    source.faults.add(status=503, method="GET", path="/v1/blocks/*", retry_after=0, every_nth=7, times=3)
    out = tmp_path / "clone.jsonl"
    result = _clone(source, out)
    assert "4 retried" in result.output, result.output

    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len({(o["object"], o["id"]) for o in lines}) == len(lines)
    expected = source.export()

    postgres = server.database.startswith("postgresql")
    with Server(store_url(postgres, tmp_path)) as other:
        with other.store.write() as tx:
            # The source's owner is the person who imports, as `blockyard export` has it.
            ws = admin.create_workspace(tx, "Copy", owner_id=source.workspace.owner_id)
            imported = import_objects(tx, ws, read_lines(out.read_bytes().splitlines()))
        with other.store.read() as tx:
            copied = list(export_objects(tx, ws))
    assert imported.skipped == [f"user {source.workspace.owner_id} already exists"]
    assert len(copied) == len(expected)
    assert [(o["object"], o["id"]) for o in copied] == [(o["object"], o["id"]) for o in expected]
    for a, b in zip(expected, copied):
        assert a == b
    assert {o["object"] for o in expected} == {"user", "page", "database", "data_source", "block", "comment"}


def test_clone_sees_only_what_is_shared(source: Any, tmp_path: Path) -> None:
    hidden = source.server.sandbox()
    with source.store.write() as tx:
        from blockyard.domain import pages
        from blockyard.owner import owner_ctx

        with owner_ctx(tx, source.workspace.info) as ctx:
            secret = pages.create(ctx, {"parent": {"workspace": True},
                                        "properties": {"title": {"title": text("Secret")}}}).id
    out = tmp_path / "clone.jsonl"
    result = CliRunner().invoke(main, ["clone", "--token", source.token, "--from", source.url, "-o", str(out),
                                       "--progress"])
    assert result.exit_code == 0, result.output
    assert "cloning" in result.output and "objects" in result.output  # the progress bar, on stderr
    ids = {json.loads(line)["id"] for line in out.read_text().splitlines()}
    assert source.root_page_id in ids and secret not in ids
    hidden.close()


def test_clone_reports_a_refusal(source: Any, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["clone", "--token", "ntn_wrong", "--from", source.url, "-o",
                                       str(tmp_path / "x.jsonl"), "--no-progress"])
    assert result.exit_code == 1
    assert "GET /v1/users answered 401" in result.output


def test_clone_gives_up_after_its_retries(source: Any, tmp_path: Path) -> None:
    source.faults.add(status=503, path="/v1/users", retry_after=0)
    result = CliRunner().invoke(main, ["clone", "--token", source.token, "--from", source.url, "-o",
                                       str(tmp_path / "x.jsonl"), "--no-progress", "--max-retries", "2"])
    assert result.exit_code == 1
    assert "GET /v1/users answered 503" in result.output
    assert len(source.requests.all(path="/v1/users")) == 3
