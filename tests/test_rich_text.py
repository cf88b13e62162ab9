"""Rich text in blocks: annotations, links, equations and every mention, with `plain_text` and `href`
computed as Notion computes them, and its limits."""

from __future__ import annotations

import pytest

from blocks_support import append, children, error, new_page
from support import VERSIONS, text

ANN = {"bold": False, "italic": False, "strikethrough": False, "underline": False, "code": False, "color": "default"}


def _para(items):
    return {"type": "paragraph", "paragraph": {"rich_text": items}}


@pytest.mark.parametrize("version", VERSIONS)
def test_text_link_equation_and_annotations(ws, version):
    page = new_page(ws, version)
    got = append(ws, page, [_para([
        {"type": "text", "text": {"content": "blue "}, "annotations": {"color": "blue"}, "plain_text": "ignored"},
        {"type": "equation", "equation": {"expression": "E=mc^2"}, "annotations": {"bold": True}},
        {"text": {"content": "link", "link": {"type": "url", "url": "https://ultimate-notion.com/"}}, "href": "ignored"},
    ])], version)[0]["paragraph"]["rich_text"]
    assert got == [
        {"type": "text", "text": {"content": "blue ", "link": None}, "annotations": {**ANN, "color": "blue"},
         "plain_text": "blue ", "href": None},
        {"type": "equation", "equation": {"expression": "E=mc^2"}, "annotations": {**ANN, "bold": True},
         "plain_text": "E=mc^2", "href": None},
        {"type": "text", "text": {"content": "link", "link": {"url": "https://ultimate-notion.com/"}}, "annotations": ANN,
         "plain_text": "link", "href": "https://ultimate-notion.com/"},
    ]


@pytest.mark.parametrize("version", VERSIONS)
def test_mentions(ws, version):
    notion = ws.client(version)
    page = new_page(ws, version, title="Target Page")
    me = notion.users.me()
    db = ws.client("2025-09-03").databases.create(parent={"page_id": page}, title=text("All Properties DB"),
                                                  initial_data_source={"properties": {"Name": {"title": {}}}})
    emoji = "9a4b2c1d-0000-4000-8000-0000000000e1"
    items = [
        {"type": "mention", "mention": {"type": "user", "user": {"id": me["id"], "object": "user"}}},
        {"mention": {"page": {"id": page.replace("-", "")}}},
        {"mention": {"type": "database", "database": {"id": db["id"]}}},
        {"mention": {"type": "date", "date": {"start": "2022-01-01T00:00:00", "time_zone": "UTC"}}},
        {"mention": {"date": {"start": "2022-01-01", "end": "2022-01-05"}}},
        {"mention": {"date": {"start": "2022-01-01T12:00:00", "time_zone": "Europe/Berlin"}}},
        {"mention": {"template_mention": {"type": "template_mention_date", "template_mention_date": "today"}}},
        {"mention": {"template_mention": {"type": "template_mention_user", "template_mention_user": "me"}}},
        {"mention": {"custom_emoji": {"id": emoji, "name": "party"}}},
    ]
    got = append(ws, page, [_para(items)], version)[0]["paragraph"]["rich_text"]
    user = got[0]
    assert user["mention"]["user"]["id"] == me["id"] and user["mention"]["user"]["name"] == me["name"]
    assert user["plain_text"] == "@" + me["name"] and user["href"] is None
    assert got[1]["mention"] == {"type": "page", "page": {"id": page}}
    assert got[1]["plain_text"] == "Target Page"
    assert got[1]["href"] == "https://www.notion.so/" + page.replace("-", "")
    assert got[2]["plain_text"] == "All Properties DB"
    assert got[2]["href"] == "https://www.notion.so/" + db["id"].replace("-", "")
    assert got[3]["mention"]["date"] == {"start": "2022-01-01T00:00:00.000+00:00", "end": None, "time_zone": None}
    assert got[3]["plain_text"] == "2022-01-01T00:00:00.000+00:00"
    assert got[4]["plain_text"] == "2022-01-01 → 2022-01-05"
    assert got[5]["mention"]["date"]["start"] == "2022-01-01T12:00:00.000+01:00"
    assert got[6]["mention"]["template_mention"] == {"type": "template_mention_date", "template_mention_date": "today"}
    assert got[6]["plain_text"] == "@Today" and got[7]["plain_text"] == "@Me"
    assert got[8]["mention"]["custom_emoji"]["id"] == emoji and got[8]["plain_text"] == ":party:"
    # Read back, the user mention still shows the user.
    again = children(ws, page, version)[-1]["paragraph"]["rich_text"]
    assert again == got


def test_rich_text_limits_and_refusals(ws):
    page = new_page(ws)
    cases = [
        ([{"text": {"content": "x" * 2001}}],
         "body failed validation: body.children[0].paragraph.rich_text[0].text.content.length should be ≤ `2000`, instead was `2001`."),
        ([{"text": {"content": "x", "link": {"url": "https://a/" + "x" * 1991}}}],
         "body failed validation: body.children[0].paragraph.rich_text[0].text.link.url.length should be ≤ `2000`, instead was `2001`."),
        ([{"equation": {"expression": "x" * 1001}}],
         "body failed validation: body.children[0].paragraph.rich_text[0].equation.expression.length should be ≤ `1000`, instead was `1001`."),
        ([{"text": {"content": "x"}}] * 101,
         "body failed validation: body.children[0].paragraph.rich_text.length should be ≤ `100`, instead was `101`."),
        ([{"mention": {"type": "link_preview", "link_preview": {"url": "https://x"}}}],
         'body failed validation: body.children[0].paragraph.rich_text[0].mention.type should be a mention type that can be created, instead was `"link_preview"`.'),
        ([{"mention": {"user": {"id": "9a4b2c1d-0000-4000-8000-000000000001"}}}],
         'body failed validation: body.children[0].paragraph.rich_text[0].mention.user.id should be a user in this workspace, instead was `"9a4b2c1d-0000-4000-8000-000000000001"`.'),
        ([{"mention": {"date": {"start": "yesterday"}}}],
         'body failed validation: body.children[0].paragraph.rich_text[0].mention.date.start should be a valid ISO 8601 date string, instead was `"yesterday"`.'),
        ([{"text": {"content": "x"}, "annotations": {"bold": "yes"}}],
         'body failed validation: body.children[0].paragraph.rich_text[0].annotations.bold should be a boolean, instead was `"yes"`.'),
        ([{"content": "x"}], "body failed validation. Fix one:\nbody.children[0].paragraph.rich_text[0].text should be defined"),
    ]
    for items, message in cases:
        r = ws.raw("PATCH", f"/v1/blocks/{page}/children", json={"children": [_para(items)]})
        got = error(r)
        assert got.startswith(message), (items[0], got)
    assert children(ws, page) == []
    exact = append(ws, page, [_para([{"text": {"content": "x" * 2000}, "annotations": {"bold": i % 2 == 1}}
                                     for i in range(100)])])[0]
    assert len(exact["paragraph"]["rich_text"]) == 100
    # Adjacent items of one format are one run, as Notion keeps them (recorded: 2000 + 1 characters -> 2001).
    same = append(ws, page, [_para([{"text": {"content": "x" * 2000}}] * 100)])[0]["paragraph"]["rich_text"]
    assert len(same) == 1 and same[0]["plain_text"] == same[0]["text"]["content"] == "x" * 200_000
