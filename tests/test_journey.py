"""Notion's getting-started guide, step by step, through the official Python client."""

from __future__ import annotations

import pytest
from notion_client import APIResponseError

from support import VERSIONS, paragraph, text


@pytest.mark.parametrize("version", VERSIONS)
def test_create_page_read_it_and_its_blocks(ws, version):
    notion = ws.client(version)
    page = notion.pages.create(
        parent={"page_id": ws.root_id},
        properties={"title": {"title": text("Hello from the guide")}},
        children=[paragraph("First paragraph")],
    )
    assert page["object"] == "page"
    assert page["parent"] == {"type": "page_id", "page_id": ws.root_id}
    assert page["properties"]["title"]["title"][0]["plain_text"] == "Hello from the guide"
    assert ("archived" in page) == (version != "2026-03-11")
    assert page["in_trash"] is False

    again = notion.pages.retrieve(page["id"])
    assert again["id"] == page["id"]
    assert again["created_time"].endswith(":00.000Z")

    children = notion.blocks.children.list(page["id"])
    assert [b["type"] for b in children["results"]] == ["paragraph"]
    assert children["results"][0]["paragraph"]["rich_text"][0]["plain_text"] == "First paragraph"
    assert children["results"][0]["parent"] == {"type": "page_id", "page_id": page["id"]}


def test_unshared_page_is_not_found(ws):
    other = ws.server.new_workspace()
    with pytest.raises(APIResponseError) as err:
        ws.client().pages.retrieve(other.root_id)
    assert err.value.status == 404
    assert err.value.code == "object_not_found"
    assert "shared with your integration" in str(err.value)


def test_demo_database_answers_the_guide_curl(server, tmp_path):
    """`serve --demo` makes the database of the guide; its curl returns it at 2022-06-28."""
    from blockyard.settings import Settings
    from blockyard.store import Store
    from blockyard.demo import ensure_demo
    import httpx, re, io, contextlib, sys

    from support import Server

    srv = Server.start(str(tmp_path / "demo.db"))
    try:
        out = io.StringIO()
        with contextlib.redirect_stderr(out):
            with srv.store.write() as tx:
                ensure_demo(tx, Settings(database=srv.database))
        printed = out.getvalue()
        token = re.search(r"Token \(shown once\): (\S+)", printed).group(1)
        db_id = re.search(r"Database 'My Projects': (\S+)", printed).group(1)
        r = httpx.get(f"{srv.url}/v1/databases/{db_id}",
                      headers={"Authorization": f"Bearer {token}", "Notion-Version": "2022-06-28"})
        assert r.status_code == 200
        body = r.json()
        assert body["object"] == "database"
        assert body["title"][0]["plain_text"] == "My Projects"
        assert body["properties"]["Name"]["type"] == "title"
        assert body["properties"]["Status"]["select"]["options"][0]["name"] == "Not started"
        # A second run keeps the data and does not print a token again.
        out = io.StringIO()
        with contextlib.redirect_stderr(out):
            with srv.store.write() as tx:
                ensure_demo(tx, Settings(database=srv.database))
        assert db_id in out.getvalue() and "ntn_" not in out.getvalue()
    finally:
        srv.stop()
