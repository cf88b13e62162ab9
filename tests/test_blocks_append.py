"""Append placement, limits and every refusal of the blocks endpoints, with exact status, code and message."""

from __future__ import annotations

import pytest

from blocks_support import append, block, children, error, new_page, row
from support import paragraph, text


def _ids(blocks):
    return [b["id"] for b in blocks]


def test_position_start_end_and_after_block_return_new_blocks_then_followers(ws):
    page = new_page(ws)
    a, b, c = append(ws, page, [paragraph("a"), paragraph("b"), paragraph("c")])
    mid = append(ws, page, [paragraph("x"), paragraph("y")], position={"type": "after_block", "after_block": {"id": a["id"]}})
    assert [m[m["type"]]["rich_text"][0]["plain_text"] for m in mid] == ["x", "y", "b", "c"]
    first = append(ws, page, [paragraph("0")], position={"type": "start"})
    assert [f["paragraph"]["rich_text"][0]["plain_text"] for f in first] == ["0", "a", "x", "y", "b", "c"]
    last = append(ws, page, [paragraph("z")], position={"type": "end"})
    assert len(last) == 1
    order = [x["paragraph"]["rich_text"][0]["plain_text"] for x in children(ws, page)]
    assert order == ["0", "a", "x", "y", "b", "c", "z"]


@pytest.mark.parametrize("version", ["2022-06-28", "2025-09-03"])
def test_after_in_older_versions(ws, version):
    page = new_page(ws, version)
    a, b = append(ws, page, [paragraph("a"), paragraph("b")], version)
    got = append(ws, page, [paragraph("m")], version, after=a["id"])
    assert [g["paragraph"]["rich_text"][0]["plain_text"] for g in got] == ["m", "b"]


def test_after_is_refused_from_2026(ws):
    page = new_page(ws)
    a = append(ws, page, [paragraph("a")])[0]
    r = ws.raw("PATCH", f"/v1/blocks/{page}/children", json={"children": [paragraph("m")], "after": a["id"]})
    assert error(r) == f'body failed validation: body.after should be not present, instead was `"{a["id"]}"`.'


def test_after_block_must_be_a_child(ws):
    page = new_page(ws)
    other = new_page(ws)
    stranger = append(ws, other, [paragraph("s")])[0]
    r = ws.raw("PATCH", f"/v1/blocks/{page}/children",
               json={"children": [paragraph("m")], "position": {"type": "after_block", "after_block": {"id": stranger["id"]}}})
    assert "should be the ID of a child of the parent block" in error(r)
    assert children(ws, page) == []


def test_nesting_depth_and_array_limits(ws):
    page = new_page(ws)
    two = append(ws, page, [block("toggle", rich_text=text("t"), children=[paragraph("c", children=[])])])
    assert two[0]["has_children"] is True
    # Two levels of `children` arrays pass (the SDK's request types); a third is refused.
    ok = block("toggle", rich_text=text("t"), children=[block("toggle", rich_text=text("u"), children=[paragraph("x")])])
    assert ws.raw("PATCH", f"/v1/blocks/{page}/children", json={"children": [ok]}).status_code == 200
    deep = block("toggle", rich_text=text("t"), children=[block("toggle", rich_text=text("u"), children=[
        block("toggle", rich_text=text("v"), children=[paragraph("x")])])])
    r = ws.raw("PATCH", f"/v1/blocks/{page}/children", json={"children": [deep]})
    assert error(r).startswith(
        "body failed validation: body.children[0].toggle.children[0].toggle.children[0].toggle.children should be not present")
    r = ws.raw("PATCH", f"/v1/blocks/{page}/children", json={"children": [paragraph("p")] * 101})
    assert error(r) == "body failed validation: body.children.length should be ≤ `100`, instead was `101`."
    wide = [block("toggle", rich_text=text("t"), children=[paragraph("c")] * 100)] * 10
    r = ws.raw("PATCH", f"/v1/blocks/{page}/children", json={"children": wide})
    assert error(r) == "body failed validation: the request contains 1010 block elements, more than the limit of 1000."
    assert len(children(ws, page)) == 2


def test_structural_rules(ws):
    page = new_page(ws)
    cases = [
        (block("column", children=[paragraph("x")]),
         'body failed validation: body.children[0].type `"column"` can only be a child of a column_list block.'),
        (row("a"), 'body failed validation: body.children[0].type `"table_row"` can only be a child of a table block.'),
        (block("column_list", children=[paragraph("x"), paragraph("y")]),
         'body failed validation: body.children[0].column_list.children[0].type should be `"column"`, instead was `"paragraph"`.'),
        (block("column_list", children=[block("column", children=[])]),
         "body failed validation: body.children[0].column_list.children.length should be ≥ `2`, instead was `1`."),
        (block("column_list"), "body failed validation: body.children[0].column_list.children should be defined, instead was `undefined`."),
        (block("table", table_width=2), "body failed validation: body.children[0].table.children should be defined, instead was `undefined`."),
        (block("table", table_width=2, children=[row("a")]),
         "body failed validation: body.children[0].table.children[0].table_row.cells.length should be `2` (the table_width of the table), instead was `1`."),
        (block("table", children=[row("a")]), "body failed validation: body.children[0].table.table_width should be defined, instead was `undefined`."),
        (block("heading_1", rich_text=text("h"), children=[paragraph("x")]),
         "body failed validation: body.children[0].heading_1.children should be not present"),
        (block("divider", children=[paragraph("x")]), "body failed validation: body.children[0].divider.children should be not present"),
        (block("code", rich_text=text("x")), "body failed validation: body.children[0].code.language should be defined, instead was `undefined`."),
        (block("code", rich_text=text("x"), language="klingon"), 'body.children[0].code.language should be `"abap"`, `"abc"`'),
        (block("column_list", children=[block("column", width_ratio=1.5, children=[]), block("column", children=[])]),
         "body.children[0].column_list.children[0].column.width_ratio should be a number greater than 0 and at most 1"),
        (block("child_page", title="x"), 'body failed validation: body.children[0].type should be a block type that can be created, instead was `"child_page"`.'),
        (block("template", rich_text=text("x")), 'body failed validation: body.children[0].type should be a block type that can be created, instead was `"template"`.'),
        (block("link_preview", url="https://x.example"), "should be a block type that can be created"),
        (block("image", file_upload={"id": "9a4b2c1d-0000-4000-8000-000000000001"}),
         'body failed validation: body.children[0].image.file_upload.id should be the ID of a file upload with status `uploaded`'),
        (block("image", file={"url": "https://s3.example/x.png"}), 'body.children[0].image.type should be `"external"` or `"file_upload"`, instead was `"file"`.'),
        (block("image"), "body failed validation. Fix one:\nbody.children[0].image.external should be defined"),
        (block("embed"), "body failed validation: body.children[0].embed.url should be defined, instead was `undefined`."),
        (block("equation", expression="x" * 1001), "body failed validation: body.children[0].equation.expression.length should be ≤ `1000`, instead was `1001`."),
        (block("synced_block", synced_from={"block_id": page}), "body.children[0].synced_block.synced_from.block_id should be the ID of an original synced_block"),
        (block("paragraph", rich_text=text("x"), colour="red"), 'body failed validation: body.children[0].paragraph.colour should be not present, instead was `"red"`.'),
        ({"paragraph": {"rich_text": []}, "object": "page"}, 'body failed validation: body.children[0].object should be `"block"`, instead was `"page"`.'),
    ]
    for child, message in cases:
        r = ws.raw("PATCH", f"/v1/blocks/{page}/children", json={"children": [child]})
        got = error(r)
        assert got.startswith(message) or message in got, (child, got)
    assert children(ws, page) == []


def test_children_of_containers_follow_their_rules(ws):
    page = new_page(ws)
    made = append(ws, page, [block("table", table_width=2, children=[row("a", "b")]),
                             block("column_list", children=[block("column", children=[]), block("column", children=[])]),
                             block("divider"), block("heading_1", rich_text=text("h")),
                             block("synced_block", synced_from=None, children=[paragraph("s")])])
    table, cols, divider, heading, synced = made
    assert append(ws, table["id"], [row("c", "d")])[0]["type"] == "table_row"
    r = ws.raw("PATCH", f"/v1/blocks/{table['id']}/children", json={"children": [row("c")]})
    assert error(r) == ("body failed validation: body.children[0].table_row.cells.length should be `2` "
                        "(the table_width of the table), instead was `1`.")
    r = ws.raw("PATCH", f"/v1/blocks/{table['id']}/children", json={"children": [paragraph("p")]})
    assert error(r) == 'body failed validation: body.children[0].type should be `"table_row"`, instead was `"paragraph"`.'
    assert append(ws, cols["id"], [block("column", children=[paragraph("c")])])[0]["type"] == "column"
    for target, kind in ((divider, "divider"), (heading, "heading_1")):
        r = ws.raw("PATCH", f"/v1/blocks/{target['id']}/children", json={"children": [paragraph("p")]})
        assert error(r) == f"Block type {kind} does not support children."
    copy = append(ws, page, [block("synced_block", synced_from={"type": "block_id", "block_id": synced["id"]})])[0]
    r = ws.raw("PATCH", f"/v1/blocks/{copy['id']}/children", json={"children": [paragraph("p")]})
    assert error(r) == "Block type synced_block does not support children."
    r = ws.raw("PATCH", f"/v1/blocks/{page}/children",
               json={"children": [block("synced_block", synced_from={"block_id": copy["id"]})]})
    assert "not of a synced copy" in error(r)


def test_update_refusals(ws):
    page = new_page(ws)
    made = append(ws, page, [paragraph("p"), block("table", table_width=2, children=[row("a", "b")]),
                             block("heading_2", rich_text=text("h"), is_toggleable=True, children=[paragraph("c")]),
                             block("numbered_list_item", rich_text=text("n"))])
    para, table, heading, numbered = made
    r = ws.raw("PATCH", f"/v1/blocks/{para['id']}", json={"type": "quote", "quote": {"rich_text": []}})
    assert error(r) == 'body failed validation: body.type should be `"paragraph"`, instead was `"quote"`.'
    r = ws.raw("PATCH", f"/v1/blocks/{para['id']}", json={"quote": {"rich_text": []}})
    assert error(r) == 'body failed validation: body.quote should be not present, instead was `{"rich_text":[]}`.'
    r = ws.raw("PATCH", f"/v1/blocks/{para['id']}", json={"paragraph": {"children": [paragraph("x")]}})
    assert error(r).startswith("body failed validation: body.paragraph.children should be not present")
    r = ws.raw("PATCH", f"/v1/blocks/{table['id']}", json={"table": {"table_width": 3}})
    assert error(r) == "body failed validation: body.table.table_width should be not present, instead was `3`."
    rows = children(ws, table["id"])
    r = ws.raw("PATCH", f"/v1/blocks/{rows[0]['id']}", json={"table_row": {"cells": [[]]}})
    assert error(r) == ("body failed validation: body.table_row.cells.length should be `2` (the table_width of the table), "
                        "instead was `1`.")
    r = ws.raw("PATCH", f"/v1/blocks/{heading['id']}", json={"heading_2": {"is_toggleable": False}})
    assert "is_toggleable cannot be false while the heading has children" in error(r)
    r = ws.raw("PATCH", f"/v1/blocks/{numbered['id']}", json={"numbered_list_item": {"list_start_index": 2}})
    assert error(r) == "body failed validation: body.numbered_list_item.list_start_index should be not present, instead was `2`."
    r = ws.raw("PATCH", f"/v1/blocks/{para['id']}", json={"archived": True})
    assert error(r) == "body failed validation: body.archived should be not present, instead was `true`."
    ws.client().blocks.delete(para["id"])
    r = ws.raw("PATCH", f"/v1/blocks/{para['id']}", json={"paragraph": {"rich_text": text("x")}})
    assert error(r) == "Can't edit block that is archived. You must unarchive the block before editing."
    # Nothing above changed anything.
    assert ws.client().blocks.retrieve(heading["id"])["heading_2"]["is_toggleable"] is True
    assert ws.client().blocks.retrieve(table["id"])["table"]["table_width"] == 2


def test_bad_ids_and_cursors(ws):
    page = new_page(ws)
    r = ws.raw("GET", "/v1/blocks/not-an-id")
    assert error(r) == 'path failed validation: path.block_id should be a valid uuid, instead was `"not-an-id"`.'
    missing = "9a4b2c1d-0000-4000-8000-000000000001"
    r = ws.raw("GET", f"/v1/blocks/{missing}")
    assert error(r, 404, "object_not_found").startswith(f"Could not find block with ID: {missing}.")
    r = ws.raw("GET", f"/v1/blocks/{page}/children?start_cursor={missing}")
    assert error(r) == f'query failed validation: query.start_cursor should be a valid cursor, instead was `"{missing}"`.'
    r = ws.raw("GET", f"/v1/blocks/{page}/children?page_size=101")
    assert error(r) == "query failed validation: query.page_size should be ≤ `100`, instead was `101`."
