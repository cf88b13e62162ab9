"""Property: a block tree rendered as markdown and written back as a new page's markdown gives the
same tree, in both dialects, for every construct the dialect can express (docs/compatibility.md
lists what each cannot: captions of code, edge whitespace, colors of tables and media, ...)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from support import text

COLORS = ["default", "red", "blue_background", "gray"]
WORD = st.text(alphabet="abcXYZ019*_~`$[]<>{}|^#-!&:\\.", min_size=1, max_size=6)
SAFE = st.text(alphabet="abcdefXYZ 019,.-()'", min_size=1, max_size=12).map(str.strip).filter(bool)


def words() -> st.SearchStrategy[str]:
    return st.lists(st.one_of(WORD, SAFE), min_size=1, max_size=3).map(" ".join)


@st.composite
def rich_text(draw: Any, mentions: dict[str, str] | None = None) -> list[dict[str, Any]]:
    items = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["text", "text", "text", "equation", "mention"]))
        ann = {k: True for k in ("bold", "italic", "strikethrough", "underline", "code") if draw(st.booleans())
               and draw(st.booleans())}
        color = draw(st.sampled_from(COLORS))
        if color != "default":
            ann["color"] = color
        if kind == "equation":
            items.append({"type": "equation", "equation": {"expression": draw(st.sampled_from(["x^2", "a+b", "\\frac{1}{2}"]))},
                          "annotations": {}})
        elif kind == "mention" and mentions:
            which = draw(st.sampled_from(sorted(mentions)))
            if which == "date":
                items.append({"type": "mention", "mention": {"date": {"start": "2024-03-0" + str(draw(st.integers(1, 9)))}}})
            else:
                items.append({"type": "mention", "mention": {which: {"id": mentions[which]}}})
        else:
            content = draw(SAFE if ann.get("code") else words())
            link = draw(st.sampled_from([None, None, "https://example.com/a?b=c"]))
            items.append({"type": "text", "text": {"content": content, "link": {"url": link} if link else None},
                          "annotations": ann})
        if items and draw(st.booleans()):
            items.append({"type": "text", "text": {"content": " "}})
    while items and items[-1]["type"] == "text" and items[-1]["text"]["content"] == " ":
        items.pop()
    return items


TEXT_TYPES = ["paragraph", "heading_1", "heading_2", "heading_3", "bulleted_list_item", "numbered_list_item",
              "to_do", "quote", "toggle", "callout"]
CAN_NEST = {"paragraph", "bulleted_list_item", "numbered_list_item", "to_do", "quote", "toggle", "callout"}


@st.composite
def block(draw: Any, depth: int, mentions: dict[str, str], dialect: str) -> dict[str, Any]:
    # Tables and columns hold their own levels of children: only at the top, as the API allows.
    kind = draw(st.sampled_from(TEXT_TYPES + ["code", "equation", "divider", "image", "video", "pdf",
                                              "table_of_contents", "toggle_heading"]
                                + (["table", "columns"] if depth == 0 else [])
                                + (["bookmark", "embed"] if dialect == "v2" else [])))
    color = draw(st.sampled_from(COLORS))
    if kind in TEXT_TYPES:
        payload: dict[str, Any] = {"rich_text": draw(rich_text(mentions)), "color": color}
        if kind == "to_do":
            payload["checked"] = draw(st.booleans())
        if kind == "callout":
            payload["icon"] = {"type": "emoji", "emoji": draw(st.sampled_from(["💡", "🎯"]))}
        if kind in CAN_NEST and depth < 2 and draw(st.booleans()):
            payload["children"] = draw(st.lists(block(depth + 1, mentions, dialect), min_size=1, max_size=2))
        return {"type": kind, kind: payload}
    if kind == "toggle_heading":
        level = draw(st.sampled_from(["heading_1", "heading_2"]))
        payload = {"rich_text": draw(rich_text(mentions)), "color": color, "is_toggleable": True}
        if depth < 2:
            payload["children"] = draw(st.lists(block(depth + 1, mentions, dialect), min_size=1, max_size=2))
        return {"type": level, level: payload}
    if kind == "code":
        code = draw(st.text(alphabet="ab =()\n\t`*#<>", min_size=1, max_size=30)).strip("\n") or "x"
        return {"type": "code", "code": {"rich_text": text(code), "language": draw(st.sampled_from(["python", "plain text", "sql"]))}}
    if kind == "equation":
        return {"type": "equation", "equation": {"expression": draw(st.sampled_from(["E = mc^2", "\\sum_i x_i"]))}}
    if kind == "divider":
        return {"type": "divider", "divider": {}}
    if kind == "table_of_contents":
        return {"type": kind, kind: {"color": color}}
    if kind == "table":
        width = draw(st.integers(1, 3))
        rows = [{"type": "table_row", "table_row": {"cells": [draw(rich_text()) for _ in range(width)]}}
                for _ in range(draw(st.integers(1, 3)))]
        return {"type": "table", "table": {"table_width": width, "has_column_header": draw(st.booleans()),
                                           "has_row_header": draw(st.booleans()), "children": rows}}
    if kind in ("image", "video", "pdf"):
        return {"type": kind, kind: {"external": {"url": f"https://example.com/f.{kind}"}, "caption": draw(rich_text())}}
    if kind in ("bookmark", "embed"):
        return {"type": kind, kind: {"url": "https://example.com/b", "caption": draw(rich_text())}}
    cols = [{"type": "column", "column": {"children": draw(st.lists(block(2, mentions, dialect), min_size=1, max_size=2))}}
            for _ in range(draw(st.integers(2, 3)))]
    return {"type": "column_list", "column_list": {"children": cols}}


def outline(client: Any, block_id: str) -> list[dict[str, Any]]:
    """The tree as the API returns it, without IDs, times and computed fields."""
    out = []
    for b in client.blocks.children.list(block_id=block_id, page_size=100)["results"]:
        kind = b["type"]
        payload = dict(b[kind])
        for key in ("rich_text", "caption"):
            if key in payload:
                payload[key] = [{k: v for k, v in item.items() if k not in ("plain_text", "href")} for item in payload[key]]
        if kind == "table_row":
            payload["cells"] = [[{k: v for k, v in item.items() if k not in ("plain_text", "href")} for item in cell]
                                for cell in payload["cells"]]
        item = {"type": kind, kind: payload}
        if b["has_children"]:
            item["children"] = outline(client, b["id"])
        out.append(item)
    return out


@pytest.mark.parametrize("dialect", ["v1", "v2"])
def test_block_trees_survive_markdown(ws, dialect: str) -> None:
    client = ws.client()
    mentions = {"user": ws.integration_record()["bot_id"], "page": ws.root_id, "date": ""}

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(st.lists(block(0, mentions, dialect), min_size=1, max_size=5))
    def check(blocks: list[dict[str, Any]]) -> None:
        source = client.pages.create(parent={"page_id": ws.root_id}, properties={"title": {"title": text("Source")}},
                                     children=blocks)
        md = ws.raw("GET", f"/v1/pages/{source['id']}/markdown?markdown_version={dialect}").json()["markdown"]
        resp = ws.raw("POST", "/v1/pages", json={"parent": {"page_id": ws.root_id}, "markdown": md,
                                                 "markdown_version": dialect,
                                                 "properties": {"title": {"title": text("Copy")}}})
        assert resp.status_code == 200, (resp.text, md)
        assert outline(client, resp.json()["id"]) == outline(client, source["id"]), md

    check()


@pytest.mark.parametrize("dialect", ["v1", "v2"])
def test_replace_content_turns_any_tree_into_any_other(ws, dialect: str) -> None:
    """replace_content from tree A's page to tree B's markdown leaves A's page with tree B, and the
    blocks A and B share keep their IDs."""
    client = ws.client()
    mentions = {"user": ws.integration_record()["bot_id"], "page": ws.root_id, "date": ""}
    trees = st.lists(block(0, mentions, dialect), min_size=1, max_size=4)

    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(trees, trees, st.integers(0, 2))
    def check(a: list[dict[str, Any]], b: list[dict[str, Any]], shared: int) -> None:
        shared = min(shared, len(a))
        b = a[:shared] + b
        page_a = client.pages.create(parent={"page_id": ws.root_id}, properties={"title": {"title": text("A")}},
                                     children=a)["id"]
        page_b = client.pages.create(parent={"page_id": ws.root_id}, properties={"title": {"title": text("B")}},
                                     children=b)["id"]
        before = [x["id"] for x in client.blocks.children.list(block_id=page_a)["results"]]
        md = ws.raw("GET", f"/v1/pages/{page_b}/markdown?markdown_version={dialect}").json()["markdown"]
        resp = ws.raw("PATCH", f"/v1/pages/{page_a}/markdown", json={
            "type": "replace_content", "markdown_version": dialect,
            "replace_content": {"new_str": md, "allow_deleting_content": True}})
        assert resp.status_code == 200, (resp.text, md)
        assert resp.json()["markdown"] == md
        assert outline(client, page_a) == outline(client, page_b), md
        after = [x["id"] for x in client.blocks.children.list(block_id=page_a)["results"]]
        # The smallest edit keeps at least the shared blocks (difflib may keep a longer equal run).
        assert len(set(after) & set(before)) >= shared

    check()


PIECES = list("ab #-*_`~$[]()<>{}|!\\\n\t:/=\"") + [
    "<callout>", "</callout>", "<details>", "</details>", "<summary>", "<columns>", "<column>", "</column>",
    "</columns>", "<table>", "</table>", "<tr>", "<td>", "```", "$$", "<p>", "</p>", "<toggle>", "</toggle>", "<ul>",
    "<li>", "</li>", "</ul>", "<page>", "</page>", '<page url="x">', '<mention-user url="user://x">',
    '<span color="red">', "</span>", "| a | b |\n|---|---|\n", "- [ ] ", "1. ", "> ", '<unknown url="x"/>',
    "<synced_block>", "</synced_block>", "<synced-block>", "</synced-block>", "<empty-block/>", "<p />",
    '{color="nope"}', '{color="red"}', "<br>", "\\\n"]


@pytest.mark.parametrize("dialect", ["v1", "v2"])
def test_malformed_markdown_never_fails(ws, dialect: str) -> None:
    """Any text is some content: a page is created, and its markdown reads back."""

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
    def check(markdown: str) -> None:
        resp = ws.raw("POST", "/v1/pages", json={"parent": {"page_id": ws.root_id}, "markdown": markdown,
                                                 "markdown_version": dialect,
                                                 "properties": {"title": {"title": text("Fuzz")}}})
        assert resp.status_code == 200, (resp.text, markdown)
        got = ws.raw("GET", f"/v1/pages/{resp.json()['id']}/markdown?markdown_version={dialect}")
        assert got.status_code == 200, got.text

    check()
