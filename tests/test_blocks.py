"""Every block type the API creates, reads and updates, through the official client in each version,
with the shapes, defaults and field order of Notion's recorded responses."""

from __future__ import annotations

import pytest

from blocks_support import append, block, children, error, new_page, row
from support import VERSIONS, paragraph, text

URL = "https://www.google.de/robots.txt"


def _rt(content: str) -> list[dict]:
    return [{"type": "text", "text": {"content": content, "link": None},
             "annotations": {"bold": False, "italic": False, "strikethrough": False, "underline": False, "code": False,
                             "color": "default"}, "plain_text": content, "href": None}]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_creatable_type_round_trips_with_notion_defaults(ws, version):
    page = new_page(ws, version)
    made = append(ws, page, [
        block("heading_1", rich_text=text("H1")),
        block("heading_4", rich_text=text("H4"), color="blue"),
        paragraph("P"),
        block("bulleted_list_item", rich_text=text("B")),
        block("numbered_list_item", rich_text=text("N")),
        block("numbered_list_item", rich_text=text("N2"), list_start_index=3, list_format="roman"),
        block("to_do", rich_text=text("T")),
        block("toggle", rich_text=text("G")),
        block("quote", rich_text=text("Q"), color="green"),
        block("callout", rich_text=text("C")),
        block("code", rich_text=text("print(1)"), language="python"),
        block("equation", expression="e=mc^2"),
        block("divider"),
        block("breadcrumb"),
        block("table_of_contents"),
        block("embed", url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        block("bookmark", url="https://notion.so/"),
        block("image", type="external", external={"url": "https://example.com/a.png"}),
        block("video", external={"url": "https://example.com/v.mp4"}),
        block("audio", external={"url": "https://example.com/a.mp3"}),
        block("pdf", external={"url": "https://example.com/d.pdf"}, caption=text("Doc")),
        block("file", external={"url": URL}),
        block("link_to_page", type="page_id", page_id=ws.root_id),
    ], version)
    payloads = {b["type"] + str(i): b[b["type"]] for i, b in enumerate(made)}
    assert payloads["heading_10"] == {"rich_text": _rt("H1"), "is_toggleable": False, "color": "default"}
    assert list(payloads["heading_41"]) == ["rich_text", "is_toggleable", "color"]
    assert payloads["paragraph2"] == {"rich_text": _rt("P"), "icon": None, "color": "default"}
    assert list(payloads["paragraph2"]) == ["rich_text", "icon", "color"]
    assert payloads["numbered_list_item4"] == {"rich_text": _rt("N"), "color": "default"}
    assert payloads["numbered_list_item5"] == {"rich_text": _rt("N2"), "color": "default", "list_start_index": 3,
                                               "list_format": "roman"}
    assert list(payloads["to_do6"]) == ["rich_text", "checked", "color"] and payloads["to_do6"]["checked"] is False
    assert payloads["callout9"]["icon"] == {"type": "emoji", "emoji": "💡"}
    assert list(payloads["callout9"]) == ["rich_text", "icon", "color"]
    assert payloads["code10"] == {"caption": [], "rich_text": _rt("print(1)"), "language": "python"}
    assert payloads["equation11"] == {"expression": "e=mc^2"}
    assert payloads["divider12"] == {} and payloads["breadcrumb13"] == {}
    assert payloads["table_of_contents14"] == {"color": "default"}
    assert payloads["embed15"] == {"caption": [], "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"}
    assert payloads["bookmark16"] == {"caption": [], "url": "https://notion.so/"}
    assert payloads["image17"] == {"caption": [], "type": "external", "external": {"url": "https://example.com/a.png"}}
    assert list(payloads["pdf20"]) == ["caption", "type", "external"]
    assert payloads["file21"] == {"caption": [], "type": "external", "external": {"url": URL}, "name": "robots.txt"}
    assert payloads["link_to_page22"] == {"type": "page_id", "page_id": ws.root_id}
    for b in made:
        assert b["has_children"] is False and b["in_trash"] is False
        assert b["parent"] == {"type": "page_id", "page_id": page}
        assert ("archived" in b) == (version != "2026-03-11")
    listed = children(ws, page, version)
    assert listed == made
    again = ws.client(version).blocks.retrieve(made[10]["id"])
    assert again.pop("request_id") and again == made[10]


@pytest.mark.parametrize("version", VERSIONS)
def test_containers_columns_tables_tabs_synced(ws, version):
    page = new_page(ws, version)
    made = append(ws, page, [
        block("column_list", children=[block("column", children=[paragraph("left")], width_ratio=0.25),
                                       block("column", children=[])]),
        block("table", table_width=2, has_column_header=True, children=[row("a", "b"), row("", "")]),
        block("tab", children=[paragraph("Overview", icon={"type": "emoji", "emoji": "📋"}), paragraph("Details")]),
        block("synced_block", synced_from=None, children=[paragraph("synced")]),
        block("toggle", rich_text=text("t"), children=[paragraph("inside")]),
        block("heading_2", rich_text=text("h"), is_toggleable=True, children=[paragraph("under")]),
    ], version)
    assert [b["type"] for b in made] == ["column_list", "table", "tab", "synced_block", "toggle", "heading_2"]
    assert all(b["has_children"] for b in made)
    assert made[0]["column_list"] == {} and made[2]["tab"] == {}
    assert made[1]["table"] == {"table_width": 2, "has_column_header": True, "has_row_header": False}
    assert made[3]["synced_block"] == {"synced_from": None}
    cols = children(ws, made[0]["id"], version)
    assert [c["column"] for c in cols] == [{"width_ratio": 0.25}, {}]
    assert [c["has_children"] for c in cols] == [True, False]
    assert cols[0]["parent"] == {"type": "block_id", "block_id": made[0]["id"]}
    rows = children(ws, made[1]["id"], version)
    assert rows[0]["table_row"] == {"cells": [_rt("a"), _rt("b")]} and rows[1]["table_row"] == {"cells": [[], []]}
    tabs = children(ws, made[2]["id"], version)
    assert tabs[0]["paragraph"]["icon"] == {"type": "emoji", "emoji": "📋"}
    # A synced copy shows the original's children.
    copy = append(ws, page, [block("synced_block", synced_from={"block_id": made[3]["id"]}, children=[])], version)[0]
    assert copy["synced_block"] == {"synced_from": {"type": "block_id", "block_id": made[3]["id"]}}
    assert copy["has_children"] is True
    assert [c["id"] for c in children(ws, copy["id"], version)] == [c["id"] for c in children(ws, made[3]["id"], version)]


def test_child_page_and_child_database_blocks(ws):
    notion = ws.client("2025-09-03")
    page = new_page(ws, "2025-09-03")
    sub = notion.pages.create(parent={"page_id": page}, properties={"title": {"title": text("Sub")}},
                              children=[paragraph("x")])
    db = notion.databases.create(parent={"page_id": page}, title=text("DB"),
                                 initial_data_source={"properties": {"Name": {"title": {}}}})
    listed = children(ws, page, "2025-09-03")
    assert [(b["type"], b[b["type"]]) for b in listed] == [("child_page", {"title": "Sub"}), ("child_database", {"title": "DB"})]
    assert listed[0]["has_children"] is True and listed[1]["has_children"] is False
    assert notion.blocks.retrieve(sub["id"])["type"] == "child_page"
    assert notion.blocks.retrieve(db["id"])["child_database"] == {"title": "DB"}


@pytest.mark.parametrize("version", VERSIONS)
def test_updates_replace_fields_and_keep_the_rest(ws, version):
    notion = ws.client(version)
    page = new_page(ws, version)
    made = append(ws, page, [
        block("to_do", rich_text=text("todo"), color="red"),
        block("code", rich_text=text("x"), language="python", caption=text("cap")),
        block("callout", rich_text=text("c"), icon={"type": "emoji", "emoji": "🚀"}),
        block("table", table_width=2, children=[row("a", "b")]),
        block("column_list", children=[block("column", children=[paragraph("l")]), block("column", children=[paragraph("r")])]),
        block("file", external={"url": URL}),
        block("image", external={"url": "https://example.com/a.png"}),
        block("embed", url="https://a.example/"),
        block("table_of_contents"),
        block("equation", expression="a"),
        block("link_to_page", page_id=ws.root_id),
        block("divider"),
    ], version)
    ids = [b["id"] for b in made]
    todo = notion.blocks.update(ids[0], to_do={"checked": True})
    assert todo["to_do"] == {"rich_text": _rt("todo"), "checked": True, "color": "red"}
    code = notion.blocks.update(ids[1], type="code", code={"language": "javascript", "rich_text": text("y")})
    assert code["code"] == {"caption": _rt("cap"), "rich_text": _rt("y"), "language": "javascript"}
    callout = notion.blocks.update(ids[2], callout={"icon": None, "children": []})
    assert callout["callout"]["icon"] is None
    table = notion.blocks.update(ids[3], table={"has_row_header": True})
    assert table["table"] == {"table_width": 2, "has_column_header": False, "has_row_header": True}
    first_row = children(ws, ids[3], version)[0]
    cells = notion.blocks.update(first_row["id"], table_row={"cells": [text("c"), []]})
    assert cells["table_row"]["cells"] == [_rt("c"), []]
    col = children(ws, ids[4], version)[0]
    assert notion.blocks.update(col["id"], column={"width_ratio": 0.125})["column"] == {"width_ratio": 0.125}
    renamed = notion.blocks.update(ids[5], file={"name": "my_robot", "caption": text("Robots")})
    assert renamed["file"] == {"caption": _rt("Robots"), "type": "external", "external": {"url": URL}, "name": "my_robot.txt"}
    moved = notion.blocks.update(ids[6], image={"external": {"url": "https://example.com/b.png"}})
    assert moved["image"] == {"caption": [], "type": "external", "external": {"url": "https://example.com/b.png"}}
    assert notion.blocks.update(ids[7], embed={"url": "https://b.example/"})["embed"]["url"] == "https://b.example/"
    assert notion.blocks.update(ids[8], table_of_contents={"color": "pink"})["table_of_contents"] == {"color": "pink"}
    assert notion.blocks.update(ids[9], equation={"expression": "b"})["equation"] == {"expression": "b"}
    link = notion.blocks.update(ids[10], link_to_page={"type": "page_id", "page_id": page})
    assert link["link_to_page"] == {"type": "page_id", "page_id": page}
    assert notion.blocks.update(ids[11], divider={})["divider"] == {}
    assert notion.blocks.retrieve(ids[0])["to_do"]["checked"] is True


@pytest.mark.parametrize("version", VERSIONS)
def test_delete_restore_and_children_of_trashed_blocks(ws, version):
    notion = ws.client(version)
    page = new_page(ws, version)
    toggle = append(ws, page, [block("toggle", rich_text=text("t"), children=[paragraph("a"), paragraph("b")])], version)[0]
    gone = notion.blocks.delete(toggle["id"])
    assert gone["in_trash"] is True and gone["has_children"] is True
    if version != "2026-03-11":
        assert gone["archived"] is True
    assert children(ws, page, version) == []
    kids = children(ws, toggle["id"], version)
    assert [k["in_trash"] for k in kids] == [True, True]
    flag = {"in_trash": False} if version == "2026-03-11" else {"archived": False}
    back = notion.blocks.update(toggle["id"], **flag)
    assert back["in_trash"] is False
    assert [k["in_trash"] for k in children(ws, toggle["id"], version)] == [False, False]
    # A child trashed on its own stays trashed when its parent is trashed and restored.
    notion.blocks.delete(kids[0]["id"])
    notion.blocks.delete(toggle["id"])
    assert [k["id"] for k in children(ws, toggle["id"], version)] == [kids[1]["id"]]
    notion.blocks.update(toggle["id"], in_trash=False)
    assert [k["id"] for k in children(ws, toggle["id"], version)] == [kids[1]["id"]]


def test_pages_deleted_through_blocks_endpoint(ws):
    notion = ws.client()
    page = new_page(ws)
    sub = notion.pages.create(parent={"page_id": page}, properties={"title": {"title": text("Sub")}})
    gone = notion.blocks.delete(sub["id"])
    assert gone["type"] == "child_page" and gone["in_trash"] is True
    assert notion.pages.retrieve(sub["id"])["in_trash"] is True


@pytest.mark.parametrize("version", VERSIONS)
def test_pagination_of_children(ws, version):
    page = new_page(ws, version)
    made = append(ws, page, [paragraph(str(i)) for i in range(7)], version)
    notion = ws.client(version)
    first = notion.blocks.children.list(page, page_size=3)
    assert [b["id"] for b in first["results"]] == [b["id"] for b in made[:3]]
    assert first["has_more"] is True and first["next_cursor"] == made[3]["id"]
    second = notion.blocks.children.list(page, page_size=3, start_cursor=first["next_cursor"])
    third = notion.blocks.children.list(page, page_size=3, start_cursor=second["next_cursor"])
    assert [b["id"] for b in second["results"] + third["results"]] == [b["id"] for b in made[3:]]
    assert third["has_more"] is False and third["next_cursor"] is None
    assert third["type"] == "block" and third["block"] == {}
