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


def poll(ws, task_id: str, status: str = "succeeded") -> dict:
    import time

    deadline = time.time() + 20
    while True:
        resp = ws.raw("GET", f"/v1/async_tasks/{task_id}")
        assert resp.status_code == 200, resp.text
        task = resp.json()
        if task["status"] in ("succeeded", "failed") or time.time() > deadline:
            assert task["status"] == status, task
            return task
        time.sleep(0.05)


def test_async_update_and_create(ws):
    pid = new_page(ws, "One\nTwo")
    resp = patch_md(ws, pid, {"type": "replace_content", "replace_content": {"new_str": "Three"}, "allow_async": True})
    assert resp.status_code == 202, resp.text
    task = resp.json()
    assert task["object"] == "async_task" and task["status"] == "queued" and task["poll_after_seconds"] == 2
    assert task["operation"] == {"surface": "rest", "name": "PATCH /v1/pages/:page_id/markdown"}
    done = poll(ws, task["id"])
    assert done["result"]["markdown"] == "Three"
    assert "poll_after_seconds" not in done
    resp = ws.raw("POST", "/v1/pages", json={"parent": {"page_id": ws.root_id}, "markdown": "# Planned\nBody",
                                             "allow_async": True})
    assert resp.status_code == 202, resp.text
    created = poll(ws, resp.json()["id"])["result"]
    assert created["object"] == "page"
    assert get_md(ws, created["id"])["markdown"] == "Body"
    # Matching fails inside the task: the task fails with Notion's error, nothing changes.
    resp = patch_md(ws, pid, {"type": "update_content", "update_content": {"content_updates": [
        {"old_str": "missing", "new_str": "x"}]}, "allow_async": True})
    failed = poll(ws, resp.json()["id"], "failed")
    assert failed["error"]["code"] == "validation_error" and failed["error"]["status"] == 400
    assert get_md(ws, pid)["markdown"] == "Three"
    assert_error(ws.raw("GET", "/v1/async_tasks/" + "0" * 8 + "-0000-4000-8000-" + "0" * 12), 404, "object_not_found")


def test_async_tasks_survive_a_restart(ws):
    """A task whose process died mid-run (its claim lapsed, its transaction rolled back) runs once
    in the next process; a finished one is not run again."""
    import orjson
    import sqlalchemy as sa

    from blockyard.store.schema_tasks import async_tasks
    from support import Server

    pid = new_page(ws, "Start")
    resp = patch_md(ws, pid, {"type": "insert_content", "insert_content": {"content": "Done once"}, "allow_async": True})
    first = poll(ws, resp.json()["id"])
    assert first["result"]["markdown"] == "Start\nDone once"
    with ws.server.store.write() as tx:
        row = tx.execute(sa.select(async_tasks).where(async_tasks.c.id == first["id"])).first()
        orphan = dict(row._mapping)
        orphan.update(id="11111111-1111-4111-8111-" + first["id"][-12:], status="running", lease_until=0,
                      finished_time=None, outcome=None,
                      request=orjson.dumps({"page_id": pid, "body": {
                          "type": "insert_content", "insert_content": {"content": "After restart"}}}).decode())
        tx.execute(async_tasks.insert().values(**orphan))
    again = Server.start(ws.server.database)
    try:
        url = again.url
        import httpx

        headers = {"Authorization": f"Bearer {ws.token}", "Notion-Version": "2026-03-11"}
        import time

        deadline = time.time() + 20
        while True:
            task = httpx.get(f"{url}/v1/async_tasks/{orphan['id']}", headers=headers).json()
            if task["status"] == "succeeded" or time.time() > deadline:
                break
            time.sleep(0.05)
        assert task["status"] == "succeeded", task
        assert task["result"]["markdown"] == "Start\nDone once\nAfter restart"
        finished = httpx.get(f"{url}/v1/async_tasks/{first['id']}", headers=headers).json()
        assert finished["status"] == "succeeded"
        md = httpx.get(f"{url}/v1/pages/{pid}/markdown", headers=headers).json()["markdown"]
        assert md == "Start\nDone once\nAfter restart"
    finally:
        again.uvicorn_server.should_exit = True
        again.thread.join(timeout=10)
        again.store.dispose()
