"""`blockyard serve --ephemeral --port 0 --print-config json`: an in-memory server for test suites in
other languages. The JSON line, the store it serves, the options it refuses, and the Node example of
docs/testing.md (node's test runner with @notionhq/client) run where node is installed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import httpx
import pytest

JS = Path(__file__).parent / "js"
BLOCKYARD = str(Path(sys.executable).with_name("blockyard"))
NODE = shutil.which("node")


@pytest.fixture
def ephemeral(tmp_path: Path) -> Iterator[tuple[dict, subprocess.Popen]]:
    proc = subprocess.Popen([BLOCKYARD, "serve", "--ephemeral", "--port", "0", "--print-config", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else ""
        yield json.loads(line), proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_print_config_is_one_json_line_once_listening(ephemeral, tmp_path: Path) -> None:
    config, _proc = ephemeral
    assert set(config) == {"base_url", "token", "root_page_id", "workspace_id", "integration"}
    assert config["base_url"].startswith("http://127.0.0.1:") and not config["base_url"].endswith(":0")
    headers = {"Authorization": f"Bearer {config['token']}", "Notion-Version": "2026-03-11"}
    # Listening already: the first request after the line is answered.
    root = httpx.get(f"{config['base_url']}/v1/pages/{config['root_page_id']}", headers=headers)
    assert root.status_code == 200, root.text
    assert root.json()["properties"]["title"]["title"][0]["plain_text"] == "Root"
    made = httpx.post(f"{config['base_url']}/v1/pages", headers=headers, json={
        "parent": {"page_id": config["root_page_id"]},
        "properties": {"title": {"title": [{"text": {"content": "kept in memory"}}]}}})
    assert made.status_code == 200, made.text
    assert httpx.get(f"{config['base_url']}/v1/pages/{made.json()['id']}", headers=headers).status_code == 200
    assert list(tmp_path.iterdir()) == []  # no file written


@pytest.mark.parametrize("extra, message", [
    (["--print-config", "json"], "--print-config needs --ephemeral"),
    (["--ephemeral", "--database", "x.db"], "leave out --database"),
    (["--ephemeral", "--demo"], "leave out --demo"),
    (["--ephemeral", "--workers", "2"], "leave out --workers"),
])
def test_options_that_do_not_go_with_ephemeral(extra: list[str], message: str, tmp_path: Path) -> None:
    proc = subprocess.run([BLOCKYARD, "serve", "--port", "0", *extra], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert proc.stdout == ""


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.skipif(not (JS / "node_modules" / "@notionhq" / "client").is_dir(),
                    reason="tests/js/node_modules is missing; run `npm ci` in tests/js (./scripts/test does)")
def test_node_example_from_the_docs() -> None:
    proc = subprocess.run([NODE, "--test", "ephemeral.test.mjs"], cwd=JS, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "BLOCKYARD": BLOCKYARD})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "# pass 4" in proc.stdout and "# fail 0" in proc.stdout, proc.stdout
