"""Pages as markdown: GET/PATCH /v1/pages/{id}/markdown and POST /v1/pages with markdown, in both dialects."""

from __future__ import annotations

import pytest
from notion_client import APIResponseError

from support import assert_error, paragraph, text

DOC_V1 = "# Meeting Notes\nDiscussed roadmap priorities.\n## Action items\n- [ ] Draft proposal\n- [ ] Schedule follow-up"


def new_page(ws, markdown: str | None = None, title: str = "Doc", **extra):
    body = {"parent": {"page_id": ws.root_id}, "properties": {"title": {"title": text(title)}}}
    if markdown is not None:
        body["markdown"] = markdown
    body.update(extra)
    resp = ws.raw("POST", "/v1/pages", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()["id"]


def get_md(ws, page_id: str, version: str = "v1") -> dict:
    resp = ws.raw("GET", f"/v1/pages/{page_id}/markdown?markdown_version={version}")
    assert resp.status_code == 200, resp.text
    return resp.json()


def patch_md(ws, page_id: str, body: dict):
    return ws.raw("PATCH", f"/v1/pages/{page_id}/markdown", json=body)


def children(ws, block_id: str) -> list[dict]:
    return ws.client().blocks.children.list(block_id=block_id)["results"]


def test_create_from_markdown_makes_blocks_and_reads_back(ws):
    c = ws.client()
    page = c.pages.create(parent={"page_id": ws.root_id}, markdown=DOC_V1)
    assert page["properties"]["title"]["title"][0]["plain_text"] == "Meeting Notes"
    kids = children(ws, page["id"])
    assert [b["type"] for b in kids] == ["paragraph", "heading_2", "to_do", "to_do"]
    md = c.pages.retrieve_markdown(page_id=page["id"])
    assert md["object"] == "page_markdown"
    assert md["markdown"] == "Discussed roadmap priorities.\n## Action items\n- [ ] Draft proposal\n- [ ] Schedule follow-up"
    assert md["truncated"] is False and md["unknown_block_ids"] == []


def test_markdown_with_children_is_an_error(ws):
    resp = ws.raw("POST", "/v1/pages", json={"parent": {"page_id": ws.root_id}, "markdown": "x",
                                             "children": [paragraph("y")]})
    assert_error(resp, 400, "validation_error", contains="body.markdown")
    resp = ws.raw("POST", "/v1/pages", json={"parent": {"page_id": ws.root_id}, "markdown_version": "v2",
                                             "children": [paragraph("y")]})
    assert_error(resp, 400, "validation_error", contains="markdown_version")


def test_update_content_keeps_ids_of_untouched_blocks(ws):
    pid = new_page(ws, "First\nSecond\nThird")
    before = children(ws, pid)
    resp = patch_md(ws, pid, {"type": "update_content", "update_content": {
        "content_updates": [{"old_str": "Second", "new_str": "Second, edited"}]}})
    assert resp.status_code == 200, resp.text
    assert resp.json()["markdown"] == "First\nSecond, edited\nThird"
    after = children(ws, pid)
    assert [b["id"] for b in after] == [b["id"] for b in before]
    assert after[1]["paragraph"]["rich_text"][0]["plain_text"] == "Second, edited"
