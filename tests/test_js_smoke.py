"""Node's @notionhq/client (tests/js) against a live server: the official JS SDK works unchanged."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from support import VERSIONS

JS = Path(__file__).parent / "js"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.skipif(NODE is None, reason="node is not installed; install Node.js to run the JS SDK smoke test"),
    pytest.mark.skipif(not (JS / "node_modules" / "@notionhq" / "client").is_dir(),
                       reason="tests/js/node_modules is missing; run `npm ci` in tests/js (./scripts/test does)"),
]


def run_smoke(ws, version: str) -> dict:
    env = {**os.environ, "BLOCKYARD_URL": ws.server.url, "BLOCKYARD_TOKEN": ws.token,
           "BLOCKYARD_ROOT_ID": ws.root_id, "NOTION_VERSION": version}
    proc = subprocess.run([NODE, str(JS / "smoke.mjs")], cwd=JS, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr or proc.stdout
    return json.loads(proc.stdout)


@pytest.mark.parametrize("version", VERSIONS)
def test_js_sdk_smoke(ws, version):
    out = run_smoke(ws, version)
    assert out["me"] == {"type": "bot", "workspaceName": "Test Workspace"}
    assert out["created"] == {"object": "page", "parent": {"type": "page_id", "page_id": ws.root_id},
                              "title": "From Node", "inTrash": False, "hasArchived": version != "2026-03-11"}
    assert out["retrieved"]["sameId"] is True and out["retrieved"]["url"].startswith("https://www.notion.so/")
    assert out["updated"] == {"title": "Renamed in Node"}
    assert out["appended"] == {"object": "list", "count": 1, "type": "paragraph"}
    assert out["listed"] == {"texts": ["Created with the page", "Appended"], "hasMore": False, "nextCursor": None}
    assert out["trashed"] == {"inTrash": True}

    nf = out["notFound"]
    assert nf["isAPIResponseError"] and nf["isNotionClientError"]
    assert (nf["status"], nf["code"]) == (404, out["codes"]["objectNotFound"])
    assert 'shared with your integration "Test Integration"' in nf["message"]
    assert nf["headerRequestId"]

    bad = out["badBody"]
    assert bad["isAPIResponseError"] and (bad["status"], bad["code"]) == (400, "validation_error")
    assert "body.properties.title" in bad["message"]

    un = out["unauthorized"]
    assert un["isAPIResponseError"] and (un["status"], un["code"]) == (401, out["codes"]["unauthorized"])
