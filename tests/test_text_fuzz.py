"""Every string a request can carry (titles, rich text, option names, property names, filters, sorts, data
source titles, comments, search queries, block content, query strings and path segments), sent with control
characters, U+0000, lone surrogates (as JSON escapes and as raw bytes) and 4-byte characters: no answer is
a 5xx, and both stores answer alike. U+0000 is refused by name (PostgreSQL text cannot hold it, so neither
store keeps it); a lone surrogate makes the body invalid JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from support import assert_error

VERSION = "2025-09-03"


def _rt(s: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": s}}]


@dataclass
class Fixture:
    ws: Any
    root: str
    ds: str
    row: str
    block: str
    comment_page: str


@dataclass
class Field:
    """One string field of one endpoint: a request with `s` in it, and the path an error names."""

    name: str
    method: str
    build: Callable[[Fixture, str], tuple[str, Any]]  # (path, JSON body or None)
    where: str | None = None  # the field's path in a validation message (body fields)
    in_url: bool = False


FIELDS = [
    Field("page title", "POST", lambda f, s: ("/v1/pages", {
        "parent": {"page_id": f.root}, "properties": {"title": {"title": _rt(s)}}}),
        "body.properties.title.title[0].text.content"),
    Field("row title and rich text", "POST", lambda f, s: ("/v1/pages", {
        "parent": {"data_source_id": f.ds},
        "properties": {"Name": {"title": _rt("row")}, "Notes": {"rich_text": _rt(s)}}}),
        "body.properties.Notes.rich_text[0].text.content"),
    Field("select option", "PATCH", lambda f, s: (f"/v1/pages/{f.row}", {"properties": {"Tag": {"select": {"name": s}}}}),
          "body.properties.Tag.select.name"),
    Field("multi-select option", "PATCH", lambda f, s: (f"/v1/pages/{f.row}", {
        "properties": {"Tags": {"multi_select": [{"name": "ok"}, {"name": s}]}}}),
        "body.properties.Tags.multi_select[1].name"),
    Field("url", "PATCH", lambda f, s: (f"/v1/pages/{f.row}", {"properties": {"Link": {"url": s}}}),
          "body.properties.Link.url"),
    Field("email and phone", "PATCH", lambda f, s: (f"/v1/pages/{f.row}", {
        "properties": {"Mail": {"email": s}, "Phone": {"phone_number": s}}}), "body.properties.Mail.email"),
    Field("property name as a key", "PATCH", lambda f, s: (f"/v1/pages/{f.row}", {"properties": {s: {"rich_text": []}}}),
          None),
    Field("page icon emoji", "PATCH", lambda f, s: (f"/v1/pages/{f.row}", {"icon": {"type": "emoji", "emoji": s}}),
          "body.icon.emoji"),
    Field("database title and schema", "POST", lambda f, s: ("/v1/databases", {
        "parent": {"page_id": f.root}, "title": _rt(s), "description": _rt(s),
        "initial_data_source": {"properties": {
            "Name": {"title": {}}, "P " + s: {"rich_text": {}},
            "Opt": {"select": {"options": [{"name": s, "color": "red"}]}},
            "F": {"formula": {"expression": f'"{s}"'}}}}}),
        "body.title[0].text.content"),
    Field("data source title", "PATCH", lambda f, s: (f"/v1/data_sources/{f.ds}", {"title": _rt(s)}),
          "body.title[0].text.content"),
    Field("data source property rename", "PATCH", lambda f, s: (f"/v1/data_sources/{f.ds}", {
        "properties": {"Spare": {"name": "Spare " + s}}}), "body.properties.Spare.name"),
    Field("new select options", "PATCH", lambda f, s: (f"/v1/data_sources/{f.ds}", {
        "properties": {"Tag": {"select": {"options": [{"name": s}]}}}}), "body.properties.Tag.select.options[0].name"),
    Field("filter value", "POST", lambda f, s: (f"/v1/data_sources/{f.ds}/query", {
        "filter": {"or": [{"property": "Notes", "rich_text": {"contains": s}},
                          {"property": "Tag", "select": {"equals": s}}]}}),
        "body.filter.or[0].rich_text.contains"),
    Field("filter and sort property", "POST", lambda f, s: (f"/v1/data_sources/{f.ds}/query", {
        "filter": {"property": s, "rich_text": {"equals": "x"}}, "sorts": [{"property": s, "direction": "ascending"}]}),
        "body.filter.property"),
    Field("search query", "POST", lambda f, s: ("/v1/search", {"query": s}), "body.query"),
    Field("comment", "POST", lambda f, s: ("/v1/comments", {"parent": {"page_id": f.comment_page}, "rich_text": _rt(s)}),
          "body.rich_text[0].text.content"),
    Field("block content", "PATCH", lambda f, s: (f"/v1/blocks/{f.root}/children", {"children": [
        {"paragraph": {"rich_text": [{"type": "text", "text": {"content": s, "link": {"url": "https://example.com/" + s}}}]}},
        {"code": {"rich_text": _rt(s), "language": "python", "caption": _rt(s)}},
        {"equation": {"expression": s}},
        {"to_do": {"rich_text": _rt(s), "checked": False}},
        {"bookmark": {"url": "https://example.com/" + s}},
    ]}), "body.children[0].paragraph.rich_text[0].text.content"),
    Field("block update", "PATCH", lambda f, s: (f"/v1/blocks/{f.block}", {"paragraph": {"rich_text": _rt(s)}}),
          "body.paragraph.rich_text[0].text.content"),
    Field("annotation color", "PATCH", lambda f, s: (f"/v1/blocks/{f.block}", {
        "paragraph": {"rich_text": [{"type": "text", "text": {"content": "x"}, "annotations": {"color": s}}]}}),
        "body.paragraph.rich_text[0].annotations.color"),
    Field("children cursor", "GET", lambda f, s: (f"/v1/blocks/{f.root}/children?start_cursor={_q(s)}", None),
          in_url=True),
    Field("filter_properties", "GET", lambda f, s: (f"/v1/pages/{f.row}?filter_properties={_q(s)}", None), in_url=True),
    Field("users cursor", "GET", lambda f, s: (f"/v1/users?start_cursor={_q(s)}&page_size={_q(s)}", None), in_url=True),
    Field("comments block_id", "GET", lambda f, s: (f"/v1/comments?block_id={_q(s)}", None), in_url=True),
    Field("property id in the path", "GET", lambda f, s: (f"/v1/pages/{f.row}/properties/{_q(s)}", None), in_url=True),
    Field("block id in the path", "GET", lambda f, s: (f"/v1/blocks/{_q(s)}", None), in_url=True),
]


def _q(s: str) -> str:
    """Percent-encoded UTF-8, lone surrogates included as the raw bytes they would be."""
    return quote(s.encode("utf-8", "surrogatepass"), safe="")


def _send(f: Fixture, field: Field, s: str) -> httpx.Response:
    path, body = field.build(f, s)
    headers = {"Authorization": f"Bearer {f.ws.token}", "Notion-Version": VERSION}
    content = None
    if body is not None:
        # ensure_ascii writes lone surrogates as \ud800 escapes, as a JavaScript client would.
        content = json.dumps(body, ensure_ascii=True).encode()
        headers["Content-Type"] = "application/json"
    return httpx.request(field.method, f.ws.server.url + path, content=content, headers=headers, timeout=30)


def _surrogate(s: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in s)


def _check(f: Fixture, field: Field, s: str) -> None:
    resp = _send(f, field, s)
    assert resp.status_code < 500, (field.name, repr(s), resp.status_code, resp.text)
    if resp.status_code != 200:
        assert_error(resp, resp.status_code, resp.json()["code"])
    if field.in_url:
        if "\x00" in s:
            assert resp.status_code == 400, (field.name, resp.text)
        return
    if _surrogate(s):
        assert_error(resp, 400, "invalid_json")
    elif "\x00" in s:
        body = assert_error(resp, 400, "validation_error", contains="U+0000")
        if field.where is not None:
            assert field.where in body["message"], (field.name, body["message"])


@pytest.fixture
def fx(ws) -> Fixture:
    from db_support import make_db

    notion = ws.client(VERSION)
    _db, ds = make_db(ws, VERSION, {
        "Name": {"title": {}}, "Notes": {"rich_text": {}}, "Tag": {"select": {"options": [{"name": "a"}]}},
        "Tags": {"multi_select": {}}, "Link": {"url": {}}, "Mail": {"email": {}}, "Phone": {"phone_number": {}},
        "Spare": {"rich_text": {}},
    })
    row = notion.pages.create(parent={"data_source_id": ds}, properties={"Name": {"title": _rt("first")}})["id"]
    block = notion.blocks.children.append(ws.root_id, children=[
        {"paragraph": {"rich_text": _rt("edit me")}}])["results"][0]["id"]
    comment_page = notion.pages.create(parent={"page_id": ws.root_id},
                                       properties={"title": {"title": _rt("Comments")}})["id"]
    return Fixture(ws, ws.root_id, ds, row, block, comment_page)


NASTY = [
    "\x00", "a\x00b", "\x00" * 3, "\x01\x02\x1f\x7f", "\t\n\r\x0b\x0c", "\x1b[31mred", "\u0085\u2028\u2029",
    "\ufeff\ufffe\uffff", "\U0001F600\U0001F469\u200d\U0001F4BB", "\U00010000\U0010FFFF", "\ud800", "x\udfffy",
    "\ud83d", "\x00\ud800",
]


@pytest.mark.parametrize("field", FIELDS, ids=[f.name for f in FIELDS])
def test_nasty_strings_in_every_field(fx, field):
    for s in NASTY:
        _check(fx, field, s)


def test_the_refused_field_is_named_and_nothing_is_written(fx):
    notion = fx.ws.client(VERSION)
    resp = _send(fx, FIELDS[1], "ok\x00")
    assert_error(resp, 400, "validation_error",
                 "body failed validation: body.properties.Notes.rich_text[0].text.content should be a string "
                 'without the character U+0000, instead was `"ok\\u0000"`.')
    rows = notion.data_sources.query(fx.ds)["results"]
    assert [r["id"] for r in rows] == [fx.row]
    resp = _send(fx, FIELDS[0], "fine \U0001F600 \x01")
    assert resp.status_code == 200, resp.text
    assert resp.json()["properties"]["title"]["title"][0]["plain_text"] == "fine \U0001F600 \x01"
    # Raw bytes that are not UTF-8 (a surrogate encoded as UTF-8) are not JSON either.
    raw = httpx.post(fx.ws.server.url + "/v1/search", content=b'{"query": "\xed\xa0\x80"}',
                     headers={"Authorization": f"Bearer {fx.ws.token}", "Notion-Version": VERSION,
                              "Content-Type": "application/json"})
    assert_error(raw, 400, "invalid_json")
    assert_error(_send(fx, FIELDS[-1], "\x00"), 400, "invalid_request_url")


strings = st.text(st.one_of(
    st.sampled_from(["\x00", "\x01", "\x1f", "\x7f", "\ud800", "\udc00", "\U0001F600", "\U0010FFFF", "\u2028", "\\", '"']),
    st.characters(codec="utf-8"),
), max_size=12)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(field=st.sampled_from(FIELDS), s=strings)
def test_fuzzed_strings_never_answer_5xx(fx, field, s):
    _check(fx, field, s)


def test_snapshot_lines_holding_nul_or_other_bytes_than_utf8_are_refused_by_import(server, tmp_path):
    from click.testing import CliRunner

    from blockyard.cli import main
    from served import drop_store
    from support import store_url

    url = store_url(server.database.startswith("postgresql"), tmp_path)
    page = {"object": "page", "id": "11111111-1111-4111-8111-111111111111",
            "parent": {"type": "workspace", "workspace": True},
            "properties": {"title": {"id": "title", "type": "title", "title": _rt("a\x00b")}}}
    try:
        nul = tmp_path / "nul.jsonl"
        nul.write_text(json.dumps({"object": "user", "id": "5b1c2d3e-0000-4000-8000-00000000a11c", "name": "A",
                                   "type": "person", "person": {}}) + "\n" + json.dumps(page) + "\n")
        result = CliRunner().invoke(main, ["import", str(nul), "--database", url])
        assert result.exit_code != 0
        assert "line 2" in result.output and "U+0000" in result.output, result.output
        raw = tmp_path / "raw.jsonl"
        raw.write_bytes(b'{"object": "user", "name": "\xed\xa0\x80"}\n')
        result = CliRunner().invoke(main, ["import", str(raw), "--database", url])
        assert result.exit_code != 0 and "line 1" in result.output, result.output
    finally:
        drop_store(url)
