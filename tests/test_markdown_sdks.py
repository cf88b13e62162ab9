"""The markdown endpoints through the official SDKs: notion-client's and @notionhq/client's markdown
methods, and the official MCP server's markdown tools driven over stdio."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from support import text

JS = Path(__file__).parent / "js"
NODE = shutil.which("node")


def test_python_sdk_markdown_methods(ws):
    c = ws.client()
    page = c.pages.create(parent={"page_id": ws.root_id}, properties={"title": {"title": text("Py")}},
                          markdown="Discussed roadmap priorities.\n- [ ] Draft proposal")
    md = c.pages.retrieve_markdown(page_id=page["id"])
    assert md["markdown"] == "Discussed roadmap priorities.\n- [ ] Draft proposal"
    assert c.pages.retrieve_markdown(page_id=page["id"], include_transcript=True)["markdown"] == md["markdown"]
    out = c.pages.update_markdown(page_id=page["id"], type="update_content", update_content={
        "content_updates": [{"old_str": "Draft proposal", "new_str": "Draft proposal (due Friday)"}]})
    assert out["markdown"].endswith("- [ ] Draft proposal (due Friday)")
    out = c.pages.update_markdown(page_id=page["id"], type="replace_content",
                                  replace_content={"new_str": "# Fresh Start\nThis replaces all previous content."})
    out.pop("request_id", None)
    assert out == {"object": "page_markdown", "id": page["id"],
                   "markdown": "# Fresh Start\nThis replaces all previous content.", "truncated": False,
                   "unknown_block_ids": []}
    # Notion-flavored Markdown through the SDK's generic request (its methods do not send markdown_version yet).
    v2 = c.request(path=f"pages/{page['id']}/markdown", method="GET", query={"markdown_version": "v2"})
    assert v2["markdown"] == "# Fresh Start\n\nThis replaces all previous content."


@pytest.mark.skipif(NODE is None or not (JS / "node_modules" / "@notionhq" / "client").is_dir(),
                    reason="node or tests/js/node_modules is missing; run `npm ci` in tests/js")
def test_js_sdk_markdown_methods(ws):
    env = {**os.environ, "BLOCKYARD_URL": ws.server.url, "BLOCKYARD_TOKEN": ws.token, "BLOCKYARD_ROOT_ID": ws.root_id}
    proc = subprocess.run([NODE, str(JS / "markdown.mjs")], cwd=JS, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr or proc.stdout
    out = json.loads(proc.stdout)
    assert out["created"] == {"object": "page", "title": "Meeting Notes"}
    assert out["read"] == {"object": "page_markdown", "truncated": False, "unknown": [],
                           "markdown": "Discussed roadmap priorities.\n## Action items\n- [ ] Draft proposal\n- [ ] Schedule follow-up"}
    assert "- [ ] Draft proposal (due Friday)" in out["updated"]
    assert out["inserted"] == ["## Latest update", "Added at the top of the page."]
    assert out["ranged"] == "## Renamed"
    assert out["task"] == {"object": "async_task", "status": "queued",
                           "operation": {"surface": "rest", "name": "PATCH /v1/pages/:page_id/markdown"}}
    assert out["polled"] == {"status": "succeeded", "markdown": "# Fresh Start\nThis replaces all previous content."}
    assert out["error"] == {"isAPIResponseError": True, "status": 400, "code": "validation_error"}


MCP = Path(__file__).parent / "mcp" / "node_modules" / "@notionhq" / "notion-mcp-server" / "bin" / "cli.mjs"


@pytest.mark.skipif(NODE is None or not MCP.is_file(),
                    reason="node or the official MCP server is missing; run `npm ci` in tests/mcp")
def test_official_mcp_server_markdown_tools(ws):
    """@notionhq/notion-mcp-server over stdio, pointed at Blockyard with BASE_URL: its markdown tools
    read and edit a page."""
    page = ws.client().pages.create(parent={"page_id": ws.root_id}, markdown="# Agent notes\nFirst draft")
    env = {**os.environ, "BASE_URL": ws.server.url, "NOTION_TOKEN": ws.token}
    proc = subprocess.Popen([NODE, str(MCP)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, text=True)
    try:
        def send(msg: dict) -> None:
            proc.stdin.write(json.dumps(msg) + "\n")
            proc.stdin.flush()

        def reply(msg_id: int) -> dict:
            while True:
                line = proc.stdout.readline()
                assert line, proc.stderr.read()
                msg = json.loads(line)
                if msg.get("id") == msg_id:
                    return msg

        send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "blockyard-test", "version": "1"}}})
        assert "result" in reply(1)
        send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        send({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
        tools = {t["name"] for t in reply(2)["result"]["tools"]}
        get_tool = next(t for t in tools if t.endswith("retrieve-page-markdown"))
        update_tool = next(t for t in tools if t.endswith("update-page-markdown"))
        send({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
            "name": update_tool, "arguments": {"page_id": page["id"], "type": "update_content", "update_content": {
                "content_updates": [{"old_str": "First draft", "new_str": "Second draft"}]}}}})
        updated = json.loads(reply(3)["result"]["content"][0]["text"])
        assert updated["markdown"] == "Second draft"
        send({"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {
            "name": get_tool, "arguments": {"page_id": page["id"]}}})
        read = json.loads(reply(4)["result"]["content"][0]["text"])
        assert read == {"object": "page_markdown", "id": page["id"], "markdown": "Second draft", "truncated": False,
                        "unknown_block_ids": [], **({"request_id": read["request_id"]} if "request_id" in read else {})}
    finally:
        proc.kill()
        proc.wait(timeout=10)
