"""Pages through the official client: create, retrieve, update, trash, move."""

from __future__ import annotations

import uuid

import pytest
from notion_client import APIResponseError

from support import VERSIONS, assert_error, paragraph, text

ARCHIVED_MSG = "Can't edit block that is archived. You must unarchive the block before editing."
ANCESTOR_MSG = "Can't edit page on block with an archived ancestor. You must unarchive the ancestor before editing page."


def title_of(page):
    return "".join(t["plain_text"] for t in page["properties"]["title"]["title"])


def new_page(notion, parent_id, title="Page", **extra):
    return notion.pages.create(parent={"page_id": parent_id}, properties={"title": {"title": text(title)}}, **extra)


def child_ids(notion, block_id):
    return [b["id"] for b in notion.blocks.children.list(block_id)["results"]]


def api_error(call, *args, **kwargs) -> APIResponseError:
    with pytest.raises(APIResponseError) as err:
        call(*args, **kwargs)
    return err.value


def make_database(ws, parent_id=None):
    notion = ws.client("2025-09-03")
    db = notion.databases.create(
        parent={"type": "page_id", "page_id": parent_id or ws.root_id}, title=text("Tasks"),
        initial_data_source={"properties": {"Name": {"title": {}}, "Notes": {"rich_text": {}}}},
    )
    return db["id"], db["data_sources"][0]["id"]


# --- create and retrieve -------------------------------------------------------------------------

@pytest.mark.parametrize("version", VERSIONS)
def test_create_under_page_and_retrieve(ws, version):
    notion = ws.client(version)
    page = new_page(notion, ws.root_id.replace("-", ""), "Hello")
    assert page["object"] == "page"
    assert page["parent"] == {"type": "page_id", "page_id": ws.root_id}
    assert title_of(page) == "Hello"
    assert page["properties"]["title"]["id"] == "title"
    assert page["icon"] is None and page["cover"] is None
    assert page["in_trash"] is False and page["is_locked"] is False
    assert ("archived" in page) == (version != "2026-03-11")
    assert page["url"].startswith("https://www.notion.so/") and page["url"].endswith(page["id"].replace("-", ""))
    assert page["created_by"] == {"object": "user", "id": notion.users.me()["id"]}
    got = notion.pages.retrieve(page["id"].replace("-", "").upper())
    assert got["id"] == page["id"]
    assert {k: v for k, v in got.items() if k != "request_id"} == {k: v for k, v in page.items() if k != "request_id"}
    assert child_ids(notion, ws.root_id) == [page["id"]]


def test_create_workspace_page_with_personal_token(ws):
    notion = ws.client(token=ws.personal_token())
    page = notion.pages.create(parent={"type": "workspace", "workspace": True},
                               properties={"title": {"title": text("Top")}})
    assert page["parent"] == {"type": "workspace", "workspace": True}
    assert notion.pages.retrieve(page["id"])["parent"] == {"type": "workspace", "workspace": True}


@pytest.mark.parametrize("version", VERSIONS)
def test_create_under_database(ws, version):
    database_id, data_source_id = make_database(ws)
    notion = ws.client(version)
    parent = {"database_id": database_id.replace("-", "")} if version == "2022-06-28" else {"data_source_id": data_source_id}
    page = notion.pages.create(parent=parent, properties={"Name": {"title": text("Row")}})
    if version == "2022-06-28":
        assert page["parent"] == {"type": "database_id", "database_id": database_id}
    else:
        assert page["parent"] == {"type": "data_source_id", "data_source_id": data_source_id, "database_id": database_id}
    assert page["properties"]["Name"]["title"][0]["plain_text"] == "Row"


def test_create_with_children_or_content(ws):
    notion = ws.client()
    a = new_page(notion, ws.root_id, "A", children=[paragraph("one"), paragraph("two")])
    b = new_page(notion, ws.root_id, "B", content=[paragraph("three")])
    texts = lambda pid: [blk["paragraph"]["rich_text"][0]["plain_text"] for blk in notion.blocks.children.list(pid)["results"]]
    assert texts(a["id"]) == ["one", "two"]
    assert texts(b["id"]) == ["three"]


def test_create_with_icon_and_cover(ws):
    notion = ws.client()
    page = new_page(notion, ws.root_id, icon={"type": "emoji", "emoji": "🚀"},
                    cover={"type": "external", "external": {"url": "https://example.com/c.png"}})
    assert page["icon"] == {"type": "emoji", "emoji": "🚀"}
    assert page["cover"] == {"type": "external", "external": {"url": "https://example.com/c.png"}}


def test_create_position(ws):
    notion = ws.client()
    first = new_page(notion, ws.root_id, "first")
    para = notion.blocks.children.append(ws.root_id, children=[paragraph("p")])["results"][0]
    last = new_page(notion, ws.root_id, "last", position={"type": "page_end"})
    start = new_page(notion, ws.root_id, "start", position={"type": "page_start"})
    after = new_page(notion, ws.root_id, "after", position={"type": "after_block", "after_block": {"id": first["id"].replace("-", "")}})
    assert child_ids(notion, ws.root_id) == [start["id"], first["id"], after["id"], para["id"], last["id"]]


def test_create_position_rejects_bad_values(ws):
    notion = ws.client()
    other = new_page(notion, ws.root_id, "other")
    before = child_ids(notion, ws.root_id)
    resp = ws.raw("POST", "/v1/pages", json={"parent": {"page_id": ws.root_id}, "properties": {},
                                             "position": {"type": "after_block", "after_block": {"id": str(uuid.uuid4())}}})
    assert_error(resp, 400, "validation_error")
    resp = ws.raw("POST", "/v1/pages", json={"parent": {"page_id": other["id"]}, "position": {"type": "middle"}})
    body = assert_error(resp, 400, "validation_error")
    assert "body.position.type" in body["message"]
    assert child_ids(notion, ws.root_id) == before and child_ids(notion, other["id"]) == []


def test_create_validation_names_the_field_and_changes_nothing(ws):
    body = assert_error(ws.raw("POST", "/v1/pages", json={"properties": {}}), 400, "validation_error")
    assert body["message"] == "body failed validation: body.parent should be defined, instead was `undefined`."
    body = assert_error(ws.raw("POST", "/v1/pages", json={"parent": {"page_id": "nope"}}), 400, "validation_error")
    assert body["message"] == 'body failed validation: body.parent.page_id should be a valid uuid, instead was `"nope"`.'
    body = assert_error(ws.raw("POST", "/v1/pages", json={"parent": {"page_id": ws.root_id}, "colour": "red"}),
                        400, "validation_error")
    assert "body.colour" in body["message"]
    # A bad child block refuses the whole request.
    resp = ws.raw("POST", "/v1/pages", json={"parent": {"page_id": ws.root_id},
                                             "children": [{"type": "paragraph", "paragraph": {"rich_text": "x"}}]})
    assert_error(resp, 400, "validation_error")
    assert child_ids(ws.client(), ws.root_id) == []


def test_create_under_unknown_parent_is_not_found(ws):
    missing = str(uuid.uuid4())
    body = assert_error(ws.raw("POST", "/v1/pages", json={"parent": {"page_id": missing}}), 404, "object_not_found")
    assert missing in body["message"]


# --- filter_properties ---------------------------------------------------------------------------

def test_filter_properties(ws):
    _db, ds = make_database(ws)
    notion = ws.client("2025-09-03")
    row = notion.pages.create(parent={"data_source_id": ds}, properties={
        "Name": {"title": text("Row")}, "Notes": {"rich_text": text("n")}})
    notes_id = row["properties"]["Notes"]["id"]
    only_title = notion.pages.retrieve(row["id"], filter_properties=["title"])
    assert list(only_title["properties"]) == ["Name"]
    by_id = notion.pages.retrieve(row["id"], filter_properties=[notes_id])
    assert list(by_id["properties"]) == ["Notes"]
    none = notion.pages.retrieve(row["id"], filter_properties=["nothing"])
    assert none["properties"] == {}
    plain = new_page(notion, ws.root_id)
    raw = ws.raw("GET", f"/v1/pages/{plain['id']}?filter_properties=title")
    assert list(raw.json()["properties"]) == ["title"]


# --- update --------------------------------------------------------------------------------------

def test_update_title_icon_cover_lock_and_archive_flag(ws):
    notion = ws.client()
    page = new_page(notion, ws.root_id, "Old")
    updated = notion.pages.update(
        page["id"].replace("-", ""), properties={"title": {"title": text("New")}},
        icon={"type": "external", "external": {"url": "https://example.com/i.png"}},
        cover={"type": "external", "external": {"url": "https://example.com/c.png"}},
        is_locked=True,
    )
    assert title_of(updated) == "New"
    assert updated["icon"]["external"]["url"] == "https://example.com/i.png"
    assert updated["cover"]["external"]["url"] == "https://example.com/c.png"
    assert updated["is_locked"] is True and updated["is_archived"] is False
    # `is_archived` (not the trash) is in @notionhq/client's body parameters but not notion-client's.
    flagged = ws.raw("PATCH", f"/v1/pages/{page['id']}", json={"is_archived": True}).json()
    assert flagged["is_archived"] is True and flagged["in_trash"] is False
    # Locking is a UI lock: the API may still edit.
    again = notion.pages.update(page["id"], icon=None, cover=None, properties={"title": {"title": text("Newer")}})
    assert again["icon"] is None and again["cover"] is None and title_of(again) == "Newer"
    assert notion.pages.retrieve(page["id"])["is_locked"] is True


def test_empty_update_changes_nothing(ws):
    notion = ws.client()
    page = new_page(notion, ws.root_id, "Same")
    same = notion.pages.update(page["id"])
    assert title_of(same) == "Same" and same["in_trash"] is False


def test_update_validation_changes_nothing(ws):
    notion = ws.client()
    page = new_page(notion, ws.root_id, "Keep")
    resp = ws.raw("PATCH", f"/v1/pages/{page['id']}", json={"properties": {"title": {"title": text("x")}}, "is_locked": "yes"})
    body = assert_error(resp, 400, "validation_error")
    assert body["message"] == 'body failed validation: body.is_locked should be a boolean, instead was `"yes"`.'
    assert title_of(notion.pages.retrieve(page["id"])) == "Keep"


@pytest.mark.parametrize("version", VERSIONS)
def test_trash_flags_per_version(ws, version):
    notion = ws.client(version)
    page = new_page(notion, ws.root_id)
    if version == "2026-03-11":
        resp = ws.raw("PATCH", f"/v1/pages/{page['id']}", json={"archived": True}, version=version)
        body = assert_error(resp, 400, "validation_error")
        assert "body.archived" in body["message"]
        assert notion.pages.retrieve(page["id"])["in_trash"] is False
    else:
        trashed = notion.pages.update(page["id"], archived=True)
        assert trashed["archived"] is True and trashed["in_trash"] is True
        restored = notion.pages.update(page["id"], archived=False)
        assert restored["archived"] is False and restored["in_trash"] is False
        conflict = ws.raw("PATCH", f"/v1/pages/{page['id']}", json={"archived": True, "in_trash": False}, version=version)
        assert_error(conflict, 400, "validation_error")
    trashed = notion.pages.update(page["id"], in_trash=True)
    assert trashed["in_trash"] is True
    assert notion.pages.retrieve(page["id"])["in_trash"] is True


def test_trash_cascades_and_restore_brings_back_exactly_what_it_took(ws):
    notion = ws.client()
    parent = new_page(notion, ws.root_id, "Parent", children=[paragraph("inside")])
    kid = new_page(notion, parent["id"], "Kid")
    earlier = new_page(notion, parent["id"], "Trashed earlier")
    notion.pages.update(earlier["id"], in_trash=True)
    notion.pages.update(parent["id"], in_trash=True)
    assert notion.pages.retrieve(kid["id"])["in_trash"] is True
    assert child_ids(notion, ws.root_id) == []
    notion.pages.update(parent["id"], in_trash=False)
    assert notion.pages.retrieve(kid["id"])["in_trash"] is False
    assert notion.pages.retrieve(earlier["id"])["in_trash"] is True
    assert child_ids(notion, ws.root_id) == [parent["id"]]
    assert len(child_ids(notion, parent["id"])) == 2


def test_edits_to_trashed_pages_are_refused(ws):
    notion = ws.client()
    parent = new_page(notion, ws.root_id, "Parent")
    kid = new_page(notion, parent["id"], "Kid")
    notion.pages.update(parent["id"], in_trash=True)

    def patch(pid, body):
        return ws.raw("PATCH", f"/v1/pages/{pid}", json=body)

    assert_error(patch(parent["id"], {"properties": {"title": {"title": text("x")}}}), 400, "validation_error", ARCHIVED_MSG)
    assert_error(patch(parent["id"], {"in_trash": True}), 400, "validation_error", ARCHIVED_MSG)
    assert_error(patch(kid["id"], {"properties": {"title": {"title": text("x")}}}), 400, "validation_error", ANCESTOR_MSG)
    assert_error(patch(kid["id"], {"in_trash": False}), 400, "validation_error", ANCESTOR_MSG)
    resp = ws.raw("PATCH", f"/v1/blocks/{parent['id']}/children", json={"children": [paragraph("x")]})
    assert_error(resp, 400, "validation_error")
    resp = ws.raw("POST", "/v1/pages", json={"parent": {"page_id": parent["id"]}, "properties": {"title": {"title": text("x")}}})
    assert_error(resp, 400, "validation_error", ARCHIVED_MSG)
    assert title_of(notion.pages.retrieve(parent["id"])) == "Parent"
    # A page trashed on its own before its parent comes back only after the parent.
    notion.pages.update(parent["id"], in_trash=False)
    notion.pages.update(kid["id"], in_trash=True)
    notion.pages.update(parent["id"], in_trash=True)
    assert_error(patch(kid["id"], {"in_trash": False}), 400, "validation_error", ANCESTOR_MSG)
    # Restoring and editing in one request works.
    back = notion.pages.update(parent["id"], in_trash=False, properties={"title": {"title": text("Back")}})
    assert back["in_trash"] is False and title_of(back) == "Back"


# --- move ----------------------------------------------------------------------------------------

def test_move_to_another_page(ws):
    notion = ws.client()
    a = new_page(notion, ws.root_id, "A")
    b = new_page(notion, ws.root_id, "B")
    existing = new_page(notion, b["id"], "Existing")
    moved = notion.request(path=f"pages/{a['id'].replace('-', '')}/move", method="post",
                           body={"parent": {"type": "page_id", "page_id": b["id"].replace("-", "")}})
    assert moved["object"] == "page" and moved["id"] == a["id"]
    assert moved["parent"] == {"type": "page_id", "page_id": b["id"]}
    assert child_ids(notion, ws.root_id) == [b["id"]]
    assert child_ids(notion, b["id"]) == [existing["id"], a["id"]]
    assert notion.pages.retrieve(a["id"])["parent"]["page_id"] == b["id"]


def test_move_into_a_data_source(ws):
    _db, ds = make_database(ws)
    notion = ws.client("2025-09-03")
    page = new_page(notion, ws.root_id, "Becomes a row")
    moved = notion.request(path=f"pages/{page['id']}/move", method="post", body={"parent": {"data_source_id": ds}})
    assert moved["parent"]["type"] == "data_source_id" and moved["parent"]["data_source_id"] == ds


def test_move_rules(ws):
    notion = ws.client()
    a = new_page(notion, ws.root_id, "A")
    inner = new_page(notion, a["id"], "Inner")
    para = notion.blocks.children.append(ws.root_id, children=[paragraph("p")])["results"][0]

    def move(pid, parent):
        return ws.raw("POST", f"/v1/pages/{pid}/move", json={"parent": parent})

    assert_error(move(a["id"], {"page_id": a["id"]}), 400, "validation_error")
    assert_error(move(a["id"], {"page_id": inner["id"]}), 400, "validation_error")
    assert_error(move(a["id"], {"type": "workspace", "workspace": True}), 400, "validation_error")
    assert_error(move(a["id"], {}), 400, "validation_error")
    assert_error(move(a["id"], {"page_id": str(uuid.uuid4())}), 404, "object_not_found")
    assert_error(move(a["id"], {"page_id": ws.owner_page()}), 404, "object_not_found")
    assert_error(move(para["id"], {"page_id": a["id"]}), 404, "object_not_found")
    body = assert_error(ws.raw("POST", f"/v1/pages/{a['id']}/move", json={"parent": {"page_id": ws.root_id}, "x": 1}),
                        400, "validation_error")
    assert "body.x" in body["message"]
    # A destination shared for viewing only.
    view = new_page(notion, ws.root_id, "View only")
    ws.share(view["id"], "Test Integration", "view")
    assert_error(move(a["id"], {"page_id": view["id"]}), 403, "restricted_resource")
    # Trashed pages neither move nor receive.
    trashed = new_page(notion, ws.root_id, "Trashed")
    notion.pages.update(trashed["id"], in_trash=True)
    assert_error(move(a["id"], {"page_id": trashed["id"]}), 400, "validation_error", ARCHIVED_MSG)
    assert_error(move(trashed["id"], {"page_id": a["id"]}), 400, "validation_error", ARCHIVED_MSG)
    # Nothing moved.
    assert notion.pages.retrieve(a["id"])["parent"] == {"type": "page_id", "page_id": ws.root_id}
    assert child_ids(notion, a["id"]) == [inner["id"]]
