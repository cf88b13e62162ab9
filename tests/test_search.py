"""POST /v1/search through the official client."""

from __future__ import annotations

import pytest

from query_support import add_row, make_db
from support import VERSIONS, text


@pytest.fixture(autouse=True, params=["drive", "walk"])
def search_plan(request, monkeypatch):  # type: ignore[no-untyped-def]
    """Both plans for every test: the matching titles drive, or the statement walks last-edited order.
    Answers must not depend on it."""
    from blockyard.query import search

    monkeypatch.setattr(search, "DRIVE_LIMIT", 10**9 if request.param == "drive" else 0)
    return request.param


def _page(ws, title, parent=None):  # type: ignore[no-untyped-def]
    return ws.client().pages.create(parent={"page_id": parent or ws.root_id}, properties={"title": {"title": text(title)}})["id"]


@pytest.mark.parametrize("version", VERSIONS)
def test_search_by_title_and_object(ws, version):  # type: ignore[no-untyped-def]
    db, ds = make_db(ws, {"Name": {"title": {}}}, title="Garden Plans")
    row = add_row(ws, ds, {"Name": {"title": text("Plant tomatoes")}})
    note = _page(ws, "Garden notes")
    _page(ws, "Kitchen")
    client = ws.client(version)
    collection = "database" if version == "2022-06-28" else "data_source"
    found = client.search(query="GARDEN")
    assert found["type"] == ("page_or_database" if version == "2022-06-28" else "page_or_data_source")
    objects = {(r["object"], r["id"]) for r in found["results"]}
    assert objects == {("page", note), (collection, db if version == "2022-06-28" else ds)}
    pages = client.search(query="garden", filter={"property": "object", "value": "page"})
    assert [r["id"] for r in pages["results"]] == [note]
    colls = client.search(filter={"property": "object", "value": collection})
    assert [r["object"] for r in colls["results"]] == [collection]
    assert client.search(query="tomato")["results"][0]["id"] == row
    assert client.search(query="nothing like this")["results"] == []


def test_search_only_what_the_integration_reaches(ws):  # type: ignore[no-untyped-def]
    shared = _page(ws, "Shared child")
    deep = _page(ws, "Deep grandchild", parent=shared)
    other = ws.integration("Other", share=None)
    assert ws.client(token=other).search()["results"] == []
    with ws.admin() as (tx, info):
        from blockyard.access import admin

        admin.share(tx, info, shared, "Other", "view")
    ids = {r["id"] for r in ws.client(token=other).search()["results"]}
    assert ids == {shared, deep}
    mine = {r["id"] for r in ws.client().search()["results"]}
    assert {ws.root_id, shared, deep} <= mine
    # A personal token acts as the owner and reaches everything.
    pat = ws.personal_token()
    assert {ws.root_id, shared, deep} <= {r["id"] for r in ws.client(token=pat).search()["results"]}


def test_search_excludes_trash_and_sorts_and_pages(ws):  # type: ignore[no-untyped-def]
    a = _page(ws, "Item a")
    b = _page(ws, "Item b")
    c = _page(ws, "Item c")
    ws.client().pages.update(page_id=b, in_trash=True)
    client = ws.client()
    found = [r["id"] for r in client.search(query="item")["results"]]
    assert set(found) == {a, c}
    trashed = client.search(query="item", filter={"in_trash": True})
    assert [r["id"] for r in trashed["results"]] == [b]
    asc = client.search(query="item", sort={"timestamp": "last_edited_time", "direction": "ascending"})["results"]
    desc = client.search(query="item", sort={"timestamp": "last_edited_time", "direction": "descending"})["results"]
    assert [r["id"] for r in asc] == [r["id"] for r in reversed(desc)]
    first = client.search(query="item", page_size=1)
    assert first["has_more"] is True and len(first["results"]) == 1
    second = client.search(query="item", page_size=1, start_cursor=first["next_cursor"])
    assert second["has_more"] is False and second["next_cursor"] is None
    assert {first["results"][0]["id"], second["results"][0]["id"]} == {a, c}


def test_search_errors(ws):  # type: ignore[no-untyped-def]
    def err(body, version="2026-03-11"):  # type: ignore[no-untyped-def]
        r = ws.raw("POST", "/v1/search", json=body, version=version)
        assert r.status_code == 400 and r.json()["code"] == "validation_error", r.text
        return r.json()["message"]

    assert err({"filter": {"property": "object", "value": "database"}}) == (
        'body failed validation: body.filter.value should be `"page"` or `"data_source"`, instead was `"database"`.')
    assert err({"filter": {"property": "object", "value": "data_source"}}, "2022-06-28") == (
        'body failed validation: body.filter.value should be `"page"` or `"database"`, instead was `"data_source"`.')
    assert err({"filter": {"property": "title", "value": "page"}}) == (
        'body failed validation: body.filter.property should be `"object"`, instead was `"title"`.')
    assert err({"sort": {"timestamp": "created_time", "direction": "ascending"}}) == (
        'body failed validation: body.sort.timestamp should be `"last_edited_time"`, instead was `"created_time"`.')
    assert err({"query": 5}) == "body failed validation: body.query should be a string, instead was `5`."
    assert err({"page_size": 0}) == "body failed validation: body.page_size should be ≥ `1`, instead was `0`."
    assert err({"start_cursor": "abc"}) == 'body failed validation: body.start_cursor should be a valid cursor, instead was `"abc"`.'


def test_search_matches_words_as_notion_does(ws):  # type: ignore[no-untyped-def]
    # Recorded: "Markdown Test" finds "Tests"; "Tests" finds "Markdown Test"; "This Page Does Not Exist" finds
    # "Custom Emoji Page" but not "Markdown SubPage Test"; "All Properties DB" finds every "... DB".
    tests = _page(ws, "Tests")
    md = _page(ws, "Markdown Test")
    sub = _page(ws, "Markdown SubPage Test")
    emoji = _page(ws, "Custom Emoji Page")
    _db, ds = make_db(ws, {"Name": {"title": {}}}, title="Task DB")
    client = ws.client()

    def found(query, kind="page"):  # type: ignore[no-untyped-def]
        return {r["id"] for r in client.search(query=query, filter={"property": "object", "value": kind})["results"]}

    assert found("Tests") == {tests, md, sub}
    assert found("markdown test") == {tests, md, sub}
    assert found("This Page Does Not Exist") == {emoji}  # any word; "page" is not inside "SubPage"
    assert found("subpage") == {sub}
    assert found("All Properties DB", "data_source") == {ds}
    assert found("!!!") == set()
    # Renaming a page re-indexes its words; trashing it hides it.
    client.pages.update(page_id=emoji, properties={"title": {"title": text("Renamed")}})
    assert found("emoji") == set() and found("renamed") == {emoji}
    client.pages.update(page_id=emoji, in_trash=True)
    assert found("renamed") == set()


def test_search_leaves_out_what_is_trashed_through_a_parent(ws):  # type: ignore[no-untyped-def]
    # Recorded: a page trashed by the cleanup is gone from the next page search; pages are never listed trashed.
    folder = _page(ws, "Harbour folder")
    child = _page(ws, "Harbour child", parent=folder)
    client = ws.client()
    db = client.databases.create(parent={"type": "page_id", "page_id": folder}, title=text("Harbour DB"),
                                 initial_data_source={"properties": {"Name": {"title": {}}}})
    ds = db["data_sources"][0]["id"]
    row = add_row(ws, ds, {"Name": {"title": text("Harbour row")}})

    def found(**body):  # type: ignore[no-untyped-def]
        return {r["id"] for r in client.search(query="harbour", **body)["results"]}

    assert found() == {folder, child, ds, row}
    client.blocks.delete(block_id=db["id"])  # trashing the database hides its data source and its rows
    assert found() == {folder, child}
    assert found(filter={"in_trash": True}) == {ds, row}
    client.pages.update(page_id=folder, in_trash=True)
    assert found() == set()
    assert found(filter={"property": "object", "value": "data_source"}) == set()
    client.pages.update(page_id=folder, in_trash=False)
    assert found() == {folder, child}  # the database was trashed on its own and stays in the trash


def test_search_finds_a_data_source_by_its_database_title(ws):  # type: ignore[no-untyped-def]
    db, ds = make_db(ws, {"Name": {"title": {}}}, title="Lighthouse")
    client = ws.client()
    client.data_sources.update(data_source_id=ds, title=text("Beacons"))
    kind = {"property": "object", "value": "data_source"}
    assert [r["id"] for r in client.search(query="lighthouse", filter=kind)["results"]] == [ds]
    assert [r["id"] for r in client.search(query="beacon", filter=kind)["results"]] == [ds]
    assert client.search(query="lighthouses", filter={"property": "object", "value": "page"})["results"] == []


def test_search_pages_by_100_by_default_and_reaches_through_grants(ws):  # type: ignore[no-untyped-def]
    folder = _page(ws, "Orchard folder")
    made = {_page(ws, f"Orchard {n}", parent=folder) for n in range(101)}
    client = ws.client()
    first = client.search(query="orchard", filter={"property": "object", "value": "page"})
    assert len(first["results"]) == 100 and first["has_more"] is True
    rest = client.search(query="orchard", filter={"property": "object", "value": "page"}, start_cursor=first["next_cursor"])
    assert len(rest["results"]) == 2 and rest["has_more"] is False and rest["next_cursor"] is None
    everything = [r["id"] for r in first["results"] + rest["results"]]
    assert set(everything) == made | {folder} and len(everything) == 102
    # Another integration shared on one page deep in the list sees exactly that page, on the first page.
    other = ws.integration("Other", share=None)
    target = sorted(made)[0]
    with ws.admin() as (tx, info):
        from blockyard.access import admin

        admin.share(tx, info, target, "Other", "view")
    theirs = ws.client(token=other).search(query="orchard")
    assert [r["id"] for r in theirs["results"]] == [target] and theirs["has_more"] is False


def test_search_in_2022_skips_multi_source_databases_inside_the_page(ws):  # type: ignore[no-untyped-def]
    single, _ = make_db(ws, {"Name": {"title": {}}}, title="Quarry single")
    double, _ = make_db(ws, {"Name": {"title": {}}}, title="Quarry double")
    ws.client().data_sources.create(parent={"type": "database_id", "database_id": double},
                                    properties={"Name": {"title": {}}}, title=text("Quarry second"))
    client = ws.client("2022-06-28")
    kind = {"property": "object", "value": "database"}
    first = client.search(query="quarry", filter=kind, page_size=1)
    assert [r["id"] for r in first["results"]] == [single] and first["has_more"] is False
    # From 2025-09-03 each data source is its own result.
    assert len(ws.client().search(query="quarry", filter={"property": "object", "value": "data_source"})["results"]) == 3
