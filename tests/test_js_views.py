"""@notionhq/client's views, templates, data-source query and meeting-notes methods, at every version that has
them (tests/js/views.mjs)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from click.testing import CliRunner

from blockyard.cli import main
from db_support import make_db
from support import text
from test_js_smoke import JS, NODE, pytestmark  # noqa: F401  (skips without node or node_modules)


@pytest.mark.parametrize("version", ["2025-09-03", "2026-03-11", "2026-12-01"])
def test_js_sdk_views_templates_and_queries(ws, version):
    _db, ds_id = make_db(ws, "2025-09-03", {"Name": {"title": {}}})
    page = ws.client("2025-09-03").pages.create(parent={"data_source_id": ds_id}, properties={"Name": {"title": text("T")}})
    marked = CliRunner().invoke(main, ["template", "mark", page["id"], "--default", "--database", ws.server.database,
                                       "--workspace", ws.info.id])
    assert marked.exit_code == 0, marked.output
    env = {**os.environ, "BLOCKYARD_URL": ws.server.url, "BLOCKYARD_TOKEN": ws.token, "BLOCKYARD_ROOT_ID": ws.root_id,
           "NOTION_VERSION": version, "TEMPLATE_DS": ds_id}
    proc = subprocess.run([NODE, str(JS / "views.mjs")], cwd=JS, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr or proc.stdout
    out = json.loads(proc.stdout)
    assert out["defaultViews"] == 1
    assert out["made"] == {"type": "board", "name": "By hours", "groupBy": "Hours"}
    assert out["updated"] == "Renamed"
    assert out["query"] == {"total": 3, "first": 2, "rest": 1, "more": False}
    assert out["deletedQuery"] is True and out["deleted"] == "view"
    # 2026-12-01 lists carry only the title.
    expected = "Name" if version == "2026-12-01" else "Hours,Name"
    assert out["rowProperties"] == [expected] * 3
    assert out["templates"] == [["T", True]]
    assert out["notes"] is True
