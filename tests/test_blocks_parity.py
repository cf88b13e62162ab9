"""Regressions found by replaying recorded Notion traffic: blocks as Notion returns them."""

from __future__ import annotations

from blocks_support import append, block, children, new_page


def test_long_code_block_keeps_one_run(ws):
    # Recorded (test_long_code_block): a code block whose text is sent as 2000 + 1 characters of one format
    # comes back as one rich_text item of 2001 characters, on append and on read.
    page = new_page(ws)
    plain = {"bold": False, "italic": False, "strikethrough": False, "underline": False, "code": False}
    items = [{"type": "text", "plain_text": "A" * 2000, "annotations": plain, "text": {"content": "A" * 2000}},
             {"type": "text", "plain_text": "B", "annotations": plain, "text": {"content": "B"}}]
    got = append(ws, page, [block("code", caption=[], rich_text=items, language="python")])[0]["code"]["rich_text"]
    assert len(got) == 1
    assert got[0]["text"] == {"content": "A" * 2000 + "B", "link": None} and got[0]["plain_text"] == "A" * 2000 + "B"
    assert got[0]["annotations"] == {**plain, "color": "default"}
    assert children(ws, page)[0]["code"]["rich_text"] == got
    # Different formats or links stay separate items.
    kept = [{"text": {"content": "a"}}, {"text": {"content": "b"}, "annotations": {"bold": True}},
            {"text": {"content": "c", "link": {"url": "https://x.org/"}}}, {"text": {"content": "d"}}]
    got = append(ws, page, [block("paragraph", rich_text=kept)])[0]["paragraph"]["rich_text"]
    assert [i["plain_text"] for i in got] == ["a", "b", "c", "d"]
