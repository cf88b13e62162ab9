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


def update(ws, pid, *updates, **extra):
    return patch_md(ws, pid, {"type": "update_content", "update_content": {
        "content_updates": [{"old_str": o, "new_str": n, **kw} for o, n, kw in updates], **extra}})


def test_update_content_matching_rules(ws):
    pid = new_page(ws, "Alpha beta\nalpha Beta\nbeta gamma")
    # Case-sensitive: "beta" is in two blocks, "Beta" in one.
    resp = update(ws, pid, ("beta", "B", {}))
    body = assert_error(resp, 400, "validation_error", contains="matches 2 places")
    assert "content_updates[0].old_str" in body["message"]
    assert_error(update(ws, pid, ("delta", "x", {})), 400, "validation_error", contains="was not found")
    assert_error(update(ws, pid, ("", "x", {})), 400, "validation_error", contains="old_str")
    # A failing update in a batch changes nothing.
    assert_error(update(ws, pid, ("Beta", "BETA", {}), ("nope", "x", {})), 400, "validation_error")
    assert get_md(ws, pid)["markdown"] == "Alpha beta\nalpha Beta\nbeta gamma"
    resp = update(ws, pid, ("beta", "β", {"replace_all_matches": True}), ("Beta", "BETA", {}))
    assert resp.status_code == 200, resp.text
    assert resp.json()["markdown"] == "Alpha β\nalpha BETA\nβ gamma"


def test_insert_content_positions(ws):
    pid = new_page(ws, "# Meeting Notes\nDiscussed.\n## Action items\n- [ ] Draft", title="Meeting")
    ids_before = [b["id"] for b in children(ws, pid)]

    def insert(**cmd):
        resp = patch_md(ws, pid, {"type": "insert_content", "insert_content": cmd})
        assert resp.status_code == 200, resp.text
        return resp.json()["markdown"]

    assert insert(content="Top", position={"type": "start"}).startswith("Top\n# Meeting Notes")
    assert insert(content="Bottom", position={"type": "end"}).endswith("- [ ] Draft\nBottom")
    assert insert(content="Appended").endswith("Bottom\nAppended")
    md = insert(content="## New Section\nInserted content here.", after="# Meeting Notes...Action items")
    assert "## Action items\n## New Section\nInserted content here.\n- [ ] Draft" in md
    md = insert(content="After anchor", position={"type": "after_content", "anchor": "Discussed"})
    assert "Discussed.\nAfter anchor\n## Action items" in md
    kept = [b["id"] for b in children(ws, pid)]
    assert all(i in kept for i in ids_before)
    resp = patch_md(ws, pid, {"type": "insert_content", "insert_content": {"content": "x", "after": "Top",
                                                                           "position": {"type": "end"}}})
    assert_error(resp, 400, "validation_error", contains="should not both be present")
    resp = patch_md(ws, pid, {"type": "insert_content", "insert_content": {"content": "x", "after": "Nowhere...at all"}})
    assert_error(resp, 400, "validation_error", contains="does not match")


def test_replace_content_range_and_version_rule(ws):
    pid = new_page(ws, "Intro\n## Old Section\nold body\nend of old content\nOutro")
    intro, *_, outro = children(ws, pid)
    resp = patch_md(ws, pid, {"type": "replace_content_range", "replace_content_range": {
        "content": "## Updated Section\nNew content replaces the old.",
        "content_range": "## Old Section...end of old content"}})
    assert resp.status_code == 200, resp.text
    assert resp.json()["markdown"] == "Intro\n## Updated Section\nNew content replaces the old.\nOutro"
    after = children(ws, pid)
    assert after[0]["id"] == intro["id"] and after[-1]["id"] == outro["id"]
    # Older versions than 2026-12-01 all accept it; the rule is a field of each version.
    from blockyard.versions import VERSIONS

    assert all(v.markdown_replace_content_range for v in VERSIONS.values() if v.name != "2026-12-01")


def test_markdown_rules_of_2026_12_01(ws):
    pid = new_page(ws, "Intro\n## Old Section\nold body\nOutro")
    new, old = "2026-12-01", "2026-03-11"
    # v2 is the default and v1 is refused; before, v1 is the default.
    assert ws.raw("GET", f"/v1/pages/{pid}/markdown", version=new).status_code == 200
    assert_error(ws.raw("GET", f"/v1/pages/{pid}/markdown?markdown_version=v1", version=new), 400, "validation_error")
    assert ws.raw("GET", f"/v1/pages/{pid}/markdown?markdown_version=v1", version=old).status_code == 200
    # replace_content_range is gone.
    rng = {"type": "replace_content_range", "replace_content_range": {"content": "x", "content_range": "Intro...Outro"}}
    assert_error(ws.raw("PATCH", f"/v1/pages/{pid}/markdown", version=new, json=rng), 400, "validation_error")
    # `after` must match the start of exactly one block: a range or a mid-block match no longer does.
    def insert(version, after):
        body = {"type": "insert_content", "insert_content": {"content": "Added", "after": after}}
        return ws.raw("PATCH", f"/v1/pages/{pid}/markdown", version=version, json=body)

    assert_error(insert(new, "Intro...Old"), 400, "validation_error", contains="start of any block")
    assert_error(insert(new, "body"), 400, "validation_error", contains="start of any block")
    assert insert(old, "body").status_code == 200  # a match inside a block works before 2026-12-01
    done = insert(new, "## Old")
    assert done.status_code == 200, done.text
    assert "## Old Section\nAdded\nold body" in get_md(ws, pid)["markdown"]


def test_replace_content_protects_child_pages(ws):
    pid = new_page(ws, "Text")
    sub = ws.client().pages.create(parent={"page_id": pid}, properties={"title": {"title": text("Keep me")}})
    md = get_md(ws, pid)["markdown"]
    assert md.startswith("Text\n<page url=") and md.endswith(">Keep me</page>")
    resp = patch_md(ws, pid, {"type": "replace_content", "replace_content": {"new_str": "Replacement content."}})
    body = assert_error(resp, 400, "validation_error", contains="Keep me")
    assert "allow_deleting_content" in body["message"]
    assert ws.client().pages.retrieve(page_id=sub["id"])["in_trash"] is False
    # Keeping the tag keeps the page (and its ID); leaving it out with permission trashes it.
    resp = patch_md(ws, pid, {"type": "replace_content", "replace_content": {
        "new_str": md.replace("Text", "New text")}})
    assert resp.status_code == 200, resp.text
    assert ws.client().pages.retrieve(page_id=sub["id"])["in_trash"] is False
    resp = patch_md(ws, pid, {"type": "replace_content", "replace_content": {
        "new_str": "Replacement content.", "allow_deleting_content": True}})
    assert resp.status_code == 200 and resp.json()["markdown"] == "Replacement content."
    assert ws.client().pages.retrieve(page_id=sub["id"])["in_trash"] is True


def test_v2_edit_creates_subpage_and_warns(ws):
    pid = new_page(ws, "Hello")
    resp = patch_md(ws, pid, {"markdown_version": "v2", "type": "replace_content", "replace_content": {
        "new_str": 'Hello\n\n<page>Brand new</page>\n\n<page url="https://www.notion.so/' + "a" * 12 + '">x</page>'}})
    assert resp.status_code == 200, resp.text
    answer = resp.json()
    assert answer["warnings"] and answer["warnings"][0]["code"] == "ignored_content"
    kids = children(ws, pid)
    assert [k["type"] for k in kids] == ["paragraph", "child_page"]
    assert kids[1]["child_page"]["title"] == "Brand new"
    assert answer["markdown"].startswith("Hello\n\n<page url=")


def test_edit_keeps_nested_ids_and_updates_in_place(ws):
    pid = new_page(ws, "<details>\n<summary>Toggle</summary>\n\tInside one\n\tInside two\n</details>\nAfter")
    toggle = children(ws, pid)[0]
    inner = children(ws, toggle["id"])
    resp = update(ws, pid, ("Inside two", "Inside 2", {}), ("Toggle", "Toggled", {}))
    assert resp.status_code == 200, resp.text
    toggle_after = children(ws, pid)[0]
    assert toggle_after["id"] == toggle["id"]
    assert toggle_after["toggle"]["rich_text"][0]["plain_text"] == "Toggled"
    inner_after = children(ws, toggle["id"])
    assert [b["id"] for b in inner_after] == [b["id"] for b in inner]
    assert inner_after[1]["paragraph"]["rich_text"][0]["plain_text"] == "Inside 2"


def test_unknown_blocks_and_blocks_as_roots(ws):
    pid = new_page(ws, "Before")
    c = ws.client()
    c.blocks.children.append(block_id=pid, children=[
        {"bookmark": {"url": "https://example.com"}},
        {"toggle": {"rich_text": text("T"), "children": [paragraph("deep")]}}])
    kids = children(ws, pid)
    v1 = get_md(ws, pid)
    bookmark_id = kids[1]["id"].replace("-", "")
    assert f'#{bookmark_id}" alt="bookmark"/>' in v1["markdown"]
    assert v1["truncated"] is False and v1["unknown_block_ids"] == []  # unsupported types are not truncation
    assert '<bookmark source="https://example.com"></bookmark>' in get_md(ws, pid, "v2")["markdown"]
    # Editing around an <unknown> keeps the block it stands for.
    assert update(ws, pid, ("Before", "Earlier", {})).status_code == 200
    assert children(ws, pid)[1]["id"] == kids[1]["id"]
    # A block's own subtree.
    sub = get_md(ws, kids[2]["id"])
    assert sub["id"] == kids[2]["id"]
    assert sub["markdown"] == "<details>\n<summary>T</summary>\n\tdeep\n</details>"


def test_truncation_at_the_record_limit(server, tmp_path):
    from support import custom_server

    small = custom_server(server, tmp_path, extra={"markdown_record_limit": "3"})
    try:
        ws = small.new_workspace()
        pid = new_page(ws, "one\ntwo\nthree\nfour\nfive")
        kids = children(ws, pid)
        md = get_md(ws, pid)
        assert md["truncated"] is True
        assert md["unknown_block_ids"] == [k["id"] for k in kids[3:]]
        assert md["markdown"].split("\n")[:3] == ["one", "two", "three"]
        assert md["markdown"].split("\n")[3].startswith("<unknown url=")
        # Removing what was not loaded is refused; editing what was loaded is fine.
        resp = patch_md(ws, pid, {"type": "replace_content", "replace_content": {"new_str": "only"}})
        body = assert_error(resp, 400, "validation_error")
        assert body["additional_data"] == {"limit_kind": "page_record_count"}
        assert update(ws, pid, ("two", "2", {})).status_code == 200
        assert [c["paragraph"]["rich_text"][0]["plain_text"] for c in children(ws, pid)] == ["one", "2", "three", "four", "five"]
        # The unknown blocks can be fetched on their own.
        assert get_md(ws, kids[4]["id"])["markdown"] == "five"
    finally:
        small.stop()


def test_errors_on_markdown_endpoints(ws):
    pid = new_page(ws, "x")
    assert_error(ws.raw("GET", f"/v1/pages/{pid}/markdown?markdown_version=v3"), 400, "validation_error",
                 contains="markdown_version")
    assert_error(patch_md(ws, pid, {"type": "nope"}), 400, "validation_error", contains="body.type")
    assert_error(patch_md(ws, pid, {"type": "replace_content", "replace_content": {"new_str": "a"},
                                    "update_content": {}}), 400, "validation_error")
    missing = "5b0c3d5e-0000-4000-8000-000000000000"
    assert_error(ws.raw("GET", f"/v1/pages/{missing}/markdown"), 404, "object_not_found")
    assert_error(ws.raw("GET", "/v1/pages/not-an-id/markdown"), 400, "validation_error", contains="path.page_id")
    db = ws.client().databases.create(parent={"page_id": ws.root_id}, title=text("DB"),
                                      initial_data_source={"properties": {"Name": {"title": {}}}})
    assert_error(ws.raw("GET", f"/v1/pages/{db['id']}/markdown"), 400, "validation_error", contains="database")
    block = children(ws, pid)[0]["id"]
    assert_error(patch_md(ws, block, {"type": "replace_content", "replace_content": {"new_str": "a"}}),
                 400, "validation_error", contains="block")
    from blockyard.access import capabilities as caps

    reader = ws.integration("Reader", capabilities=(caps.READ_CONTENT,))
    resp = ws.raw("PATCH", f"/v1/pages/{pid}/markdown", token=reader,
                  json={"type": "replace_content", "replace_content": {"new_str": "a"}})
    assert_error(resp, 403, "restricted_resource")
    assert get_md(ws, pid)["markdown"] == "x"


def test_comments_take_markdown_in_both_dialects(ws):
    pid = new_page(ws, "Commented")
    c = ws.client()
    uid = ws.integration_record()["bot_id"]
    v1 = c.comments.create(parent={"page_id": pid},
                           markdown=f'**Hi** <span underline="true">u</span> <mention-user url="user://{uid}">x</mention-user>')
    kinds = [(r["type"], r["annotations"]["bold"], r["annotations"]["underline"]) for r in v1["rich_text"]]
    assert kinds == [("text", True, False), ("text", False, False), ("text", False, True), ("text", False, False),
                     ("mention", False, False)]
    assert v1["rich_text"][-1]["mention"]["user"]["id"] == uid
    resp = ws.raw("POST", "/v1/comments", json={"parent": {"page_id": pid}, "markdown_version": "v2",
                                                "markdown": f'<u>u</u> <mention url="user://{uid}"/> $x$'})
    assert resp.status_code == 200, resp.text
    items = resp.json()["rich_text"]
    assert items[0]["annotations"]["underline"] is True
    assert items[2]["type"] == "mention" and items[-1]["type"] == "equation"
    resp = ws.raw("POST", "/v1/comments", json={"parent": {"page_id": pid}, "markdown_version": "v2",
                                                "rich_text": text("x")})
    assert_error(resp, 400, "validation_error", contains="markdown_version")
