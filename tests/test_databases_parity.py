"""Regressions found by replaying recorded Notion traffic: databases as Notion returns them."""

from __future__ import annotations

from db_support import db_create_raw, db_update

V = "2026-03-11"


def test_untitled_database_is_named_new_database(ws):
    # Recorded: POST /v1/databases without `title` -> title "New database", data_sources[0].name "New database",
    # while the data source itself keeps `title: []`.
    db = db_create_raw(ws, V, parent={"type": "page_id", "page_id": ws.root_id}, is_inline=False,
                       initial_data_source={"properties": {"Name": {"type": "title", "title": {}}}})
    assert [t["plain_text"] for t in db["title"]] == ["New database"]
    assert db["title"][0]["text"] == {"content": "New database", "link": None}
    ds_id = db["data_sources"][0]["id"]
    assert db["data_sources"][0]["name"] == "New database"
    notion = ws.client(V)
    assert notion.data_sources.retrieve(ds_id)["title"] == []
    assert notion.databases.retrieve(db["id"])["title"] == db["title"]
    out = db_update(ws, V, db["id"], is_inline=True)
    assert out["title"] == db["title"] and out["data_sources"] == db["data_sources"]
    kids = notion.blocks.children.list(ws.root_id)["results"]
    assert [b["child_database"]["title"] for b in kids if b["id"] == db["id"]] == ["New database"]


def test_user_mentions_in_database_titles_show_the_user(ws):
    # As in blocks and page properties: a user mention carries the user's name, avatar and type.
    notion = ws.client(V)
    person = {k: x for k, x in notion.users.retrieve(ws.info.owner_id).items() if k != "request_id"}
    mention = {"type": "mention", "mention": {"type": "user", "user": {"object": "user", "id": person["id"]}}}
    db = db_create_raw(ws, V, parent={"page_id": ws.root_id}, title=[mention], description=[mention],
                       initial_data_source={"properties": {"Name": {"title": {}}}})
    for got in (db, notion.databases.retrieve(db["id"])):
        assert got["title"][0]["mention"]["user"] == person
        assert got["description"][0]["mention"]["user"] == person
    ds = notion.data_sources.retrieve(db["data_sources"][0]["id"])
    assert ds["title"][0]["mention"]["user"] == person and ds["description"][0]["mention"]["user"] == person


def test_notion_icon_urls_become_native_icons(ws):
    # Recorded (test_icon_attr, 2025-09-03): an external icon at https://www.notion.so/icons/snake_purple.svg
    # comes back as {"type": "icon", "icon": {"name": "snake", "color": "purple"}}.
    native = {"type": "icon", "icon": {"name": "snake", "color": "purple"}}
    url = {"type": "external", "external": {"url": "https://www.notion.so/icons/snake_purple.svg"}}
    for version in ("2025-09-03", V):
        notion = ws.client(version)
        page = notion.pages.create(parent={"page_id": ws.root_id}, properties={"title": {"title": []}})
        assert notion.pages.update(page["id"], icon=url)["icon"] == native
        assert notion.pages.retrieve(page["id"])["icon"] == native
    db = db_create_raw(ws, V, parent={"page_id": ws.root_id}, icon=url,
                       initial_data_source={"properties": {"Name": {"title": {}}}})
    assert db["icon"] == native
    # Other URLs, and unknown colours, stay external.
    for other in ("https://example.com/icons/snake_purple.svg", "https://www.notion.so/icons/snake_plaid.svg"):
        out = db_update(ws, V, db["id"], icon={"type": "external", "external": {"url": other}})
        assert out["icon"] == {"type": "external", "external": {"url": other}}
