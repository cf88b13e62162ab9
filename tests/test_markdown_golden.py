"""Golden files for both markdown dialects, built from the examples in Notion's documentation
(enhanced markdown, Notion-flavored Markdown, working with markdown content).

Each `tests/markdown_golden/<dialect>_<name>.md` is posted as a new page's markdown; the page's
blocks must match `<name>.json` and its markdown, read back in the same dialect, `<name>.out.md`.
`BLOCKYARD_GOLDEN_UPDATE=1` rewrites the expected files (review the diff before committing)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from support import text

GOLDEN = Path(__file__).parent / "markdown_golden"
CASES = sorted(p for p in GOLDEN.glob("*.md") if not p.name.endswith(".out.md"))


def outline(ws, block_id: str) -> list[dict]:
    out = []
    for b in ws.client().blocks.children.list(block_id=block_id, page_size=100)["results"]:
        kind = b["type"]
        payload = b[kind]
        node: dict = {"type": kind}
        if "rich_text" in payload:
            node["text"] = "".join(r["plain_text"] for r in payload["rich_text"])
        for key in ("color", "language", "expression", "checked", "is_toggleable", "has_column_header",
                    "has_row_header", "table_width", "url"):
            if key in payload and payload[key] not in ("default", False, None):
                node[key] = payload[key]
        if kind in ("image", "video", "audio", "file", "pdf"):
            node["url"] = payload["external"]["url"]
            node["caption"] = "".join(r["plain_text"] for r in payload["caption"])
        if kind == "table_row":
            node["cells"] = ["".join(r["plain_text"] for r in cell) for cell in payload["cells"]]
        if kind == "callout":
            node["icon"] = payload["icon"]
        if b["has_children"]:
            node["children"] = outline(ws, b["id"])
        out.append(node)
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden(ws, case: Path) -> None:
    dialect = case.name[:2]
    resp = ws.raw("POST", "/v1/pages", json={"parent": {"page_id": ws.root_id}, "markdown": case.read_text(),
                                             "markdown_version": dialect,
                                             "properties": {"title": {"title": text(case.stem)}}})
    assert resp.status_code == 200, resp.text
    page_id = resp.json()["id"]
    blocks = outline(ws, page_id)
    got = ws.raw("GET", f"/v1/pages/{page_id}/markdown?markdown_version={dialect}").json()
    assert got["truncated"] is False
    expected_json = case.with_suffix(".json")
    expected_md = case.with_suffix(".out.md")
    if os.environ.get("BLOCKYARD_GOLDEN_UPDATE"):
        expected_json.write_text(json.dumps(blocks, ensure_ascii=False, indent=1) + "\n")
        expected_md.write_text(got["markdown"])
    assert blocks == json.loads(expected_json.read_text())
    assert got["markdown"] == expected_md.read_text()
    # What was read back writes the same blocks again.
    again = ws.raw("POST", "/v1/pages", json={"parent": {"page_id": ws.root_id}, "markdown": got["markdown"],
                                              "markdown_version": dialect,
                                              "properties": {"title": {"title": text(case.stem)}}})
    assert outline(ws, again.json()["id"]) == blocks
