"""Every one of Notion's request limits (api-surface §8.1) at its boundary: at the limit the request
passes; one over fails with Notion's status, code and message, and nothing is written."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
import pytest

from support import Workspace, assert_error, paragraph, text

V = "2025-09-03"


def children_of(w: Workspace, block_id: str | None = None) -> list[dict[str, Any]]:
    return w.client(V).blocks.children.list(block_id=block_id or w.root_id)["results"]


def append(w: Workspace, children: list[dict[str, Any]], **kw: Any) -> Any:
    return w.raw("PATCH", f"/v1/blocks/{w.root_id}/children", json={"children": children}, version=V, **kw)


def para_items(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"object": "block", "type": "paragraph", "paragraph": {"rich_text": items}}


def too_long(path: str, limit: int, got: int) -> str:
    return f"body failed validation: {path}.length should be ≤ `{limit}`, instead was `{got}`."


def assert_refused(w: Workspace, resp: Any, message: str | None = None, contains: str | None = None) -> None:
    assert_error(resp, 400, "validation_error", message, contains=contains)
    assert children_of(w) == []


# --- whole payload -----------------------------------------------------------------------------------

def padded(body: dict[str, Any], size: int) -> bytes:
    """JSON of exactly `size` bytes: whitespace after the value is still the same JSON."""
    raw = orjson.dumps(body)
    assert len(raw) <= size
    return raw + b" " * (size - len(raw))


def test_payload_of_500kb(ws: Workspace) -> None:
    limit = 500 * 1024
    body = {"children": [paragraph("big")]}
    headers = {"Content-Type": "application/json"}
    over = ws.raw("PATCH", f"/v1/blocks/{ws.root_id}/children", content=padded(body, limit + 1), headers=headers)
    assert_refused(ws, over, contains="500KB")
    ok = ws.raw("PATCH", f"/v1/blocks/{ws.root_id}/children", content=padded(body, limit), headers=headers)
    assert ok.status_code == 200, ok.text
    assert len(children_of(ws)) == 1


def test_payload_limit_applies_to_every_endpoint(ws: Workspace) -> None:
    content = padded({"query": "x"}, 500 * 1024 + 1)
    assert_error(ws.raw("POST", "/v1/search", content=content), 400, "validation_error", contains="500KB")


# --- blocks ------------------------------------------------------------------------------------------------

def nested(top: int, per: int, extra: int = 0) -> list[dict[str, Any]]:
    out = []
    for i in range(top):
        kids = per + (extra if i == 0 else 0)
        block = paragraph(f"p{i}")
        if kids:
            block["paragraph"]["children"] = [paragraph(f"c{i}.{j}") for j in range(kids)]
        out.append(block)
    return out


def test_1000_block_elements_per_request(ws: Workspace) -> None:
    assert_refused(ws, append(ws, nested(100, 9, extra=1)), contains="1000")  # 1,001 blocks
    resp = append(ws, nested(100, 9))  # 1,000 blocks
    assert resp.status_code == 200, resp.text
    assert len(children_of(ws)) == 100


def test_100_children_per_array(ws: Workspace) -> None:
    assert_refused(ws, append(ws, nested(101, 0)), too_long("body.children", 100, 101))
    assert_refused(ws, append(ws, nested(1, 101)), too_long("body.children[0].paragraph.children", 100, 101))
    assert append(ws, nested(1, 100)).status_code == 200
    assert append(ws, nested(100, 0)).status_code == 200


def test_two_nesting_levels_per_append(ws: Workspace) -> None:
    def chain(depth: int) -> dict[str, Any]:
        block = paragraph(f"level {depth}")
        if depth > 0:
            block["paragraph"]["children"] = [chain(depth - 1)]
        return block

    resp = append(ws, [chain(3)])
    assert_refused(ws, resp, contains="body.children[0].paragraph.children[0].paragraph.children[0].paragraph.children")
    resp = append(ws, [chain(2)])
    assert resp.status_code == 200, resp.text
    [top] = children_of(ws)
    [child] = children_of(ws, top["id"])
    [grandchild] = children_of(ws, child["id"])
    assert grandchild["has_children"] is False


# --- rich text --------------------------------------------------------------------------------------------

def test_100_rich_text_items(ws: Workspace) -> None:
    items = [{"type": "text", "text": {"content": "x"}}] * 101
    assert_refused(ws, append(ws, [para_items(items)]), too_long("body.children[0].paragraph.rich_text", 100, 101))
    assert append(ws, [para_items(items[:100])]).status_code == 200


def test_2000_characters_of_text(ws: Workspace) -> None:
    resp = append(ws, [paragraph("x" * 2001)])
    assert_refused(ws, resp, too_long("body.children[0].paragraph.rich_text[0].text.content", 2000, 2001))
    assert append(ws, [paragraph("x" * 2000)]).status_code == 200
    assert children_of(ws)[0]["paragraph"]["rich_text"][0]["plain_text"] == "x" * 2000


def test_2000_characters_of_link_url(ws: Workspace) -> None:
    def linked(n: int) -> dict[str, Any]:
        url = "https://example.com/" + "a" * (n - 20)
        return para_items([{"type": "text", "text": {"content": "link", "link": {"url": url}}}])

    resp = append(ws, [linked(2001)])
    assert_refused(ws, resp, too_long("body.children[0].paragraph.rich_text[0].text.link.url", 2000, 2001))
    assert append(ws, [linked(2000)]).status_code == 200


def test_1000_characters_of_equation(ws: Workspace) -> None:
    inline = lambda n: para_items([{"type": "equation", "equation": {"expression": "x" * n}}])  # noqa: E731
    block = lambda n: {"type": "equation", "equation": {"expression": "y" * n}}  # noqa: E731
    assert_refused(ws, append(ws, [inline(1001)]),
                   too_long("body.children[0].paragraph.rich_text[0].equation.expression", 1000, 1001))
    assert_refused(ws, append(ws, [block(1001)]), too_long("body.children[0].equation.expression", 1000, 1001))
    assert append(ws, [inline(1000), block(1000)]).status_code == 200


def test_2000_characters_of_media_url(ws: Workspace) -> None:
    def image(n: int) -> dict[str, Any]:
        return {"type": "image", "image": {"type": "external", "external": {"url": "https://e.com/" + "i" * (n - 14)}}}

    assert_refused(ws, append(ws, [image(2001)]), too_long("body.children[0].image.external.url", 2000, 2001))
    assert append(ws, [image(2000)]).status_code == 200


# --- property values ------------------------------------------------------------------------------------

@pytest.fixture
def table(ws: Workspace) -> dict[str, Any]:
    """A database with one of each limited property, and a row in it."""
    client = ws.client(V)
    db = client.databases.create(
        parent={"type": "page_id", "page_id": ws.root_id},
        title=text("Limits"),
        initial_data_source={"properties": {
            "Name": {"title": {}},
            "Link": {"url": {}},
            "Mail": {"email": {}},
            "Phone": {"phone_number": {}},
            "Tags": {"multi_select": {}},
            "Who": {"people": {}},
            "Notes": {"rich_text": {}},
        }},
    )
    ds = db["data_sources"][0]["id"]
    client.data_sources.update(data_source_id=ds, properties={
        "Related": {"relation": {"data_source_id": ds, "single_property": {}}},
    })
    row = client.pages.create(parent={"data_source_id": ds}, properties={"Name": {"title": text("row")}})
    return {"ds": ds, "row": row["id"], "db": db["id"]}


def set_property(w: Workspace, row: str, name: str, value: Any) -> Any:
    return w.raw("PATCH", f"/v1/pages/{row}", json={"properties": {name: value}}, version=V)


def prop(w: Workspace, row: str, name: str) -> Any:
    return w.client(V).pages.retrieve(page_id=row)["properties"][name]


@pytest.mark.parametrize("name,kind,limit", [("Link", "url", 2000), ("Mail", "email", 200),
                                             ("Phone", "phone_number", 200)])
def test_string_property_limits(ws: Workspace, table: dict[str, Any], name: str, kind: str, limit: int) -> None:
    def value(n: int) -> str:
        return {"url": "https://e.com/", "email": "a@b.com", "phone_number": "+1"}[kind].ljust(n, "9" if kind == "phone_number" else "x")

    resp = set_property(ws, table["row"], name, {kind: value(limit + 1)})
    assert_error(resp, 400, "validation_error", too_long(f"body.properties.{name}.{kind}", limit, limit + 1))
    assert prop(ws, table["row"], name)[kind] is None
    assert set_property(ws, table["row"], name, {kind: value(limit)}).status_code == 200
    assert prop(ws, table["row"], name)[kind] == value(limit)


def test_100_multi_select_options(ws: Workspace, table: dict[str, Any]) -> None:
    names = [{"name": f"t{i}"} for i in range(101)]
    resp = set_property(ws, table["row"], "Tags", {"multi_select": names})
    assert_error(resp, 400, "validation_error", too_long("body.properties.Tags.multi_select", 100, 101))
    assert prop(ws, table["row"], "Tags")["multi_select"] == []
    assert set_property(ws, table["row"], "Tags", {"multi_select": names[:100]}).status_code == 200
    assert len(prop(ws, table["row"], "Tags")["multi_select"]) == 100


def test_100_people(ws: Workspace, table: dict[str, Any]) -> None:
    people = [{"object": "user", "id": ws.add_person(f"P{i}")} for i in range(101)]
    resp = set_property(ws, table["row"], "Who", {"people": people})
    assert_error(resp, 400, "validation_error", too_long("body.properties.Who.people", 100, 101))
    assert prop(ws, table["row"], "Who")["people"] == []
    assert set_property(ws, table["row"], "Who", {"people": people[:100]}).status_code == 200
    got = ws.client(V).pages.properties.retrieve(page_id=table["row"], property_id=prop(ws, table["row"], "Who")["id"])
    assert len(got["results"]) == 100


def test_100_relations(ws: Workspace, table: dict[str, Any]) -> None:
    client = ws.client(V)
    pages = [{"id": client.pages.create(parent={"data_source_id": table["ds"]},
                                        properties={"Name": {"title": text(f"r{i}")}})["id"]} for i in range(101)]
    resp = set_property(ws, table["row"], "Related", {"relation": pages})
    assert_error(resp, 400, "validation_error", too_long("body.properties.Related.relation", 100, 101))
    assert prop(ws, table["row"], "Related")["relation"] == []
    assert set_property(ws, table["row"], "Related", {"relation": pages[:100]}).status_code == 200
    assert prop(ws, table["row"], "Related")["has_more"] is True  # a page object shows 25


def test_2000_characters_of_rich_text_property(ws: Workspace, table: dict[str, Any]) -> None:
    resp = set_property(ws, table["row"], "Notes", {"rich_text": text("n" * 2001)})
    assert_error(resp, 400, "validation_error", too_long("body.properties.Notes.rich_text[0].text.content", 2000, 2001))
    assert set_property(ws, table["row"], "Notes", {"rich_text": text("n" * 2000)}).status_code == 200


# --- queries --------------------------------------------------------------------------------------------

def query(w: Workspace, ds: str, flt: Any) -> Any:
    return w.raw("POST", f"/v1/data_sources/{ds}/query", json={"filter": flt}, version=V)


def leaf(i: int = 0) -> dict[str, Any]:
    return {"property": "Name", "title": {"contains": f"x{i}"}}


def test_two_filter_nesting_levels(ws: Workspace, table: dict[str, Any]) -> None:
    assert query(ws, table["ds"], {"or": [{"and": [leaf(), leaf(1)]}]}).status_code == 200
    resp = query(ws, table["ds"], {"or": [{"and": [{"or": [leaf()]}]}]})
    assert_error(resp, 400, "validation_error", contains="body.filter.or[0].and[0].or")


def test_100_filters_per_group(ws: Workspace, table: dict[str, Any]) -> None:
    assert query(ws, table["ds"], {"or": [leaf(i) for i in range(100)]}).status_code == 200
    resp = query(ws, table["ds"], {"or": [leaf(i) for i in range(101)]})
    assert_error(resp, 400, "validation_error", too_long("body.filter.or", 100, 101))


def test_10000_rows_per_query(ws: Workspace, table: dict[str, Any]) -> None:
    """A query pages through at most 10,000 rows, then says the result is incomplete."""
    from blockyard.domain import pages
    from blockyard.owner import owner_ctx

    with ws.server.store.write() as tx:  # setup only: 10,000 more rows without 10,000 requests
        with owner_ctx(tx, ws.info) as ctx:
            for i in range(10_000):
                pages.create(ctx, {"parent": {"data_source_id": table["ds"]},
                                   "properties": {"Name": {"title": text(f"r{i}")}}})
    client = ws.client(V)
    seen, cursor, last = 0, None, None
    while True:
        kw = {"start_cursor": cursor} if cursor else {}
        last = client.data_sources.query(data_source_id=table["ds"], page_size=100, **kw)
        seen += len(last["results"])
        if not last["has_more"]:
            break
        cursor = last["next_cursor"]
    assert seen == 10_000  # of 10,001 rows
    assert last["request_status"] == {"type": "incomplete", "incomplete_reason": "query_result_limit_reached"}
