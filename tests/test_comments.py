"""/v1/comments: create (page, block, discussion), list, retrieve, update, delete."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from notion_client import APIResponseError

from blockyard.access import capabilities as caps
from blockyard.store.schema import events
from support import VERSIONS, assert_error, paragraph, text

NO_INSERT = tuple(c for c in caps.DEFAULT if c != caps.INSERT_COMMENTS)
NO_READ = tuple(c for c in caps.DEFAULT if c != caps.READ_COMMENTS)
KEYS = ["object", "id", "parent", "discussion_id", "created_time", "last_edited_time", "created_by", "rich_text",
        "display_name"]


def api_error(call, *args, **kwargs) -> APIResponseError:
    with pytest.raises(APIResponseError) as err:
        call(*args, **kwargs)
    return err.value


def new_page(ws, title: str = "Commented") -> str:
    return ws.client().pages.create(
        parent={"page_id": ws.root_id}, properties={"title": {"title": text(title)}}
    )["id"]


def new_block(ws, page_id: str) -> str:
    return ws.client().blocks.children.append(block_id=page_id, children=[paragraph("Hello")])["results"][0]["id"]


def bot_id(ws) -> str:
    return ws.integration_record()["bot_id"]


def plain(comment) -> str:
    return "".join(t["plain_text"] for t in comment["rich_text"])


def strip(obj):
    return {k: v for k, v in obj.items() if k != "request_id"}


# --- create ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("version", VERSIONS)
def test_create_on_page_has_the_recorded_shape(ws, version):
    page = new_page(ws)
    c = ws.client(version).comments.create(parent={"page_id": page}, rich_text=text("My first comment"))
    assert list(c) == KEYS + ["request_id"]
    assert c["object"] == "comment"
    assert uuid.UUID(c["id"]) and uuid.UUID(c["discussion_id"])
    assert c["parent"] == {"type": "page_id", "page_id": page}
    assert c["created_by"] == {"object": "user", "id": bot_id(ws)}
    assert c["created_time"] == c["last_edited_time"]
    assert c["created_time"].endswith(":00.000Z")
    assert c["rich_text"] == [{
        "type": "text", "text": {"content": "My first comment", "link": None},
        "annotations": {"bold": False, "italic": False, "strikethrough": False, "underline": False, "code": False,
                        "color": "default"},
        "plain_text": "My first comment", "href": None,
    }]
    assert c["display_name"] == {"type": "integration", "resolved_name": "Test Integration"}


def test_page_comments_share_the_page_discussion(ws):
    """As recorded: a second comment made with `parent` joins the page's discussion."""
    page = new_page(ws)
    client = ws.client()
    first = client.comments.create(parent={"type": "page_id", "page_id": page}, rich_text=text("one"))
    second = client.comments.create(parent={"page_id": page}, rich_text=text("two"))
    assert second["discussion_id"] == first["discussion_id"]
    other = client.comments.create(parent={"page_id": new_page(ws, "Other")}, rich_text=text("x"))
    assert other["discussion_id"] != first["discussion_id"]


@pytest.mark.parametrize("version", VERSIONS)
def test_create_on_block_and_reply_in_discussion(ws, version):
    page = new_page(ws)
    block = new_block(ws, page)
    client = ws.client(version)
    started = client.comments.create(parent={"block_id": block}, rich_text=text("On a block"))
    assert started["parent"] == {"type": "block_id", "block_id": block}
    reply = client.comments.create(discussion_id=started["discussion_id"], rich_text=text("Reply"))
    assert reply["parent"] == {"type": "block_id", "block_id": block}
    assert reply["discussion_id"] == started["discussion_id"]
    # Compact IDs are accepted too.
    again = client.comments.create(discussion_id=started["discussion_id"].replace("-", ""), rich_text=text("Again"))
    assert again["discussion_id"] == started["discussion_id"]
    listed = client.comments.list(block_id=block)
    assert [plain(c) for c in listed["results"]] == ["On a block", "Reply", "Again"]
    # Comments on a block are not the page's.
    assert client.comments.list(block_id=page)["results"] == []


def test_reply_to_a_page_discussion_has_the_page_parent(ws):
    page = new_page(ws)
    first = ws.client().comments.create(parent={"page_id": page}, rich_text=text("a"))
    reply = ws.client().comments.create(discussion_id=first["discussion_id"], rich_text=text("b"))
    assert reply["parent"] == {"type": "page_id", "page_id": page}


def test_rich_text_with_annotations_links_equations_and_mentions(ws):
    page = new_page(ws)
    rt = [
        {"text": {"content": "bold", "link": {"url": "https://example.com"}}, "annotations": {"bold": True}},
        {"type": "equation", "equation": {"expression": "x^2"}},
        {"type": "mention", "mention": {"type": "page", "page": {"id": page}}},
    ]
    c = ws.client().comments.create(parent={"page_id": page}, rich_text=rt)
    assert c["rich_text"][0]["annotations"]["bold"] is True
    assert c["rich_text"][0]["href"] == "https://example.com"
    assert c["rich_text"][1]["type"] == "equation" and c["rich_text"][1]["plain_text"] == "x^2"
    assert c["rich_text"][2]["type"] == "mention"
    assert c["rich_text"][2]["mention"]["page"]["id"] == page


def test_create_with_markdown(ws):
    page = new_page(ws)
    c = ws.client().comments.create(
        parent={"page_id": page},
        markdown="Hi **bold** *it* ~~gone~~ `code` [link](https://example.com) $E=mc^2$ snake_case \\*x\\*",
    )
    parts = [(t["plain_text"], {k for k, v in t["annotations"].items() if v is True}, t["href"], t["type"])
             for t in c["rich_text"]]
    assert parts == [
        ("Hi ", set(), None, "text"),
        ("bold", {"bold"}, None, "text"),
        (" ", set(), None, "text"),
        ("it", {"italic"}, None, "text"),
        (" ", set(), None, "text"),
        ("gone", {"strikethrough"}, None, "text"),
        (" ", set(), None, "text"),
        ("code", {"code"}, None, "text"),
        (" ", set(), None, "text"),
        ("link", set(), "https://example.com", "text"),
        (" ", set(), None, "text"),
        ("E=mc^2", set(), None, "equation"),
        (" snake_case *x*", set(), None, "text"),
    ]
    long = ws.client().comments.create(parent={"page_id": page}, markdown="a" * 4500)
    # Longer than one text item may hold: sent in 2000-character pieces, returned as Notion stores runs.
    assert plain(long) == "a" * 4500


def test_display_names(ws):
    page = new_page(ws)
    client = ws.client()
    custom = client.comments.create(parent={"page_id": page}, rich_text=text("c"),
                                    display_name={"type": "custom", "custom": {"name": "Robo"}})
    assert custom["display_name"] == {"type": "custom", "resolved_name": "Robo"}
    user = client.comments.create(parent={"page_id": page}, rich_text=text("u"), display_name={"type": "user"})
    assert user["display_name"] == {"type": "user", "resolved_name": "Workspace Owner"}
    integ = client.comments.create(parent={"page_id": page}, rich_text=text("i"), display_name={"type": "integration"})
    assert integ["display_name"] == {"type": "integration", "resolved_name": "Test Integration"}
    assert client.comments.retrieve(comment_id=custom["id"])["display_name"]["resolved_name"] == "Robo"


def test_personal_token_comments_as_the_owner(ws):
    page = new_page(ws)
    client = ws.client(token=ws.personal_token())
    c = client.comments.create(parent={"page_id": page}, rich_text=text("me"))
    assert c["created_by"]["id"] == ws.info.owner_id
    assert c["display_name"] == {"type": "user", "resolved_name": "Workspace Owner"}


def test_comments_record_events(ws):
    page = new_page(ws)
    block = new_block(ws, page)
    client = ws.client()
    c = client.comments.create(parent={"block_id": block}, rich_text=text("e"))
    client.comments.update(comment_id=c["id"], rich_text=text("f"))
    client.comments.delete(comment_id=c["id"])
    with ws.server.store.read() as tx:
        rows = tx.execute(sa.select(events).where(events.c.entity_id == c["id"]).order_by(events.c.seq)).all()
    assert [r.type for r in rows] == ["comment.created", "comment.updated", "comment.deleted"]
    assert all(r.entity_type == "comment" and r.author_id == bot_id(ws) for r in rows)
    assert '"page_id":"%s"' % page in rows[0].data and '"type":"block"' in rows[0].data


# --- list ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("version", VERSIONS)
def test_list_paginates_in_creation_order(ws, version):
    page = new_page(ws)
    client = ws.client(version)
    made = [client.comments.create(parent={"page_id": page}, rich_text=text(f"Comment {i}"))["id"] for i in range(5)]
    first = client.comments.list(block_id=page, page_size=2)
    assert list(first) == ["object", "results", "next_cursor", "has_more", "type", "comment", "request_id"]
    assert first["type"] == "comment" and first["comment"] == {} and first["has_more"] is True
    assert [c["id"] for c in first["results"]] == made[:2]
    assert list(first["results"][0]) == KEYS
    seen = [c["id"] for c in first["results"]]
    cursor = first["next_cursor"]
    while cursor:
        nxt = client.comments.list(block_id=page, page_size=2, start_cursor=cursor)
        seen += [c["id"] for c in nxt["results"]]
        cursor = nxt["next_cursor"]
    assert seen == made
    everything = client.comments.list(block_id=page)
    assert everything["has_more"] is False and everything["next_cursor"] is None
    assert [c["id"] for c in everything["results"]] == made


def test_list_of_an_uncommented_page_is_empty(ws):
    page = new_page(ws)
    assert strip(ws.client().comments.list(block_id=page)) == {
        "object": "list", "results": [], "next_cursor": None, "has_more": False, "type": "comment", "comment": {},
    }


def test_list_validation(ws):
    assert_error(ws.raw("GET", "/v1/comments"), 400, "validation_error",
                 "query failed validation: query.block_id should be defined, instead was `undefined`.")
    assert_error(ws.raw("GET", "/v1/comments?block_id=nope"), 400, "validation_error",
                 "query failed validation: query.block_id should be a valid uuid, instead was `\"nope\"`.")
    assert_error(ws.raw("GET", f"/v1/comments?block_id={ws.root_id}&page_size=101"), 400, "validation_error",
                 "query failed validation: query.page_size should be ≤ `100`, instead was `101`.")
    assert_error(ws.raw("GET", f"/v1/comments?block_id={ws.root_id}&start_cursor=zzz"), 400, "validation_error",
                 "query failed validation: query.start_cursor should be a valid cursor, instead was `\"zzz\"`.")
    missing = str(uuid.uuid4())
    body = assert_error(ws.raw("GET", f"/v1/comments?block_id={missing}"), 404, "object_not_found")
    assert body["message"].startswith(f"Could not find block with ID: {missing}.")


# --- retrieve / update / delete ---------------------------------------------------------------------

@pytest.mark.parametrize("version", VERSIONS)
def test_retrieve_update_delete(ws, version):
    page = new_page(ws)
    client = ws.client(version)
    c = client.comments.create(parent={"page_id": page}, rich_text=text("Before"))
    keep = client.comments.create(discussion_id=c["discussion_id"], rich_text=text("Reply"))
    got = client.comments.retrieve(comment_id=c["id"])
    assert strip(got) == strip(c)

    updated = client.comments.update(comment_id=keep["id"], rich_text=text("After"))
    assert plain(updated) == "After"
    assert updated["id"] == keep["id"] and updated["created_time"] == keep["created_time"]
    assert updated["discussion_id"] == keep["discussion_id"] and updated["display_name"] == keep["display_name"]
    assert plain(client.comments.retrieve(comment_id=keep["id"])) == "After"
    md = client.comments.update(comment_id=keep["id"], markdown="**Loud**")
    assert md["rich_text"][0]["annotations"]["bold"] is True and plain(md) == "Loud"

    deleted = client.comments.delete(comment_id=keep["id"])
    assert strip(deleted)["id"] == keep["id"] and plain(deleted) == "Loud"
    err = api_error(client.comments.retrieve, comment_id=keep["id"])
    assert (err.status, err.code) == (404, "object_not_found")
    assert [x["id"] for x in client.comments.list(block_id=page)["results"]] == [c["id"]]
    err = api_error(client.comments.delete, comment_id=keep["id"])
    assert err.status == 404


def test_deleting_the_first_comment_deletes_the_discussion(ws):
    page = new_page(ws)
    client = ws.client()
    first = client.comments.create(parent={"page_id": page}, rich_text=text("first"))
    reply = client.comments.create(discussion_id=first["discussion_id"], rich_text=text("reply"))
    client.comments.delete(comment_id=first["id"])
    assert client.comments.list(block_id=page)["results"] == []
    assert api_error(client.comments.retrieve, comment_id=reply["id"]).status == 404
    err = api_error(client.comments.create, discussion_id=first["discussion_id"], rich_text=text("late"))
    assert (err.status, err.code) == (404, "object_not_found")
    assert str(err).startswith(f"Could not find discussion with ID: {first['discussion_id']}.")
    # A new comment on the page starts a new discussion.
    fresh = client.comments.create(parent={"page_id": page}, rich_text=text("fresh"))
    assert fresh["discussion_id"] != first["discussion_id"]


def test_only_the_author_may_update_or_delete(ws):
    page = new_page(ws)
    c = ws.client().comments.create(parent={"page_id": page}, rich_text=text("mine"))
    other = ws.client(token=ws.integration("Other"))
    assert plain(other.comments.retrieve(comment_id=c["id"])) == "mine"
    for call, kwargs in ((other.comments.update, {"rich_text": text("x")}), (other.comments.delete, {})):
        err = api_error(call, comment_id=c["id"], **kwargs)
        assert (err.status, err.code) == (404, "object_not_found")
        assert str(err).startswith(f"Could not find comment with ID: {c['id']}.")
    assert plain(ws.client().comments.retrieve(comment_id=c["id"])) == "mine"


def test_path_and_body_validation_for_update(ws):
    assert_error(ws.raw("GET", "/v1/comments/nope"), 400, "validation_error",
                 "path failed validation: path.comment_id should be a valid uuid, instead was `\"nope\"`.")
    page = new_page(ws)
    c = ws.client().comments.create(parent={"page_id": page}, rich_text=text("x"))
    assert_error(ws.raw("PATCH", f"/v1/comments/{c['id']}", json={}), 400, "validation_error",
                 "body failed validation. Fix one:\nbody.rich_text should be defined, instead was `undefined`.\n"
                 "body.markdown should be defined, instead was `undefined`.")
    assert_error(ws.raw("PATCH", f"/v1/comments/{c['id']}", json={"rich_text": text("a"), "markdown": "b"}), 400,
                 "validation_error",
                 "body failed validation: body.rich_text and body.markdown cannot both be present. Provide exactly one.")
    assert_error(ws.raw("PATCH", f"/v1/comments/{c['id']}", json={"rich_text": text("a"), "display_name": {}}), 400,
                 "validation_error", "body failed validation: body.display_name should be not present, instead was `{}`.")
    assert plain(ws.client().comments.retrieve(comment_id=c["id"])) == "x"
    missing = str(uuid.uuid4())
    assert_error(ws.raw("GET", f"/v1/comments/{missing}"), 404, "object_not_found", contains=f"comment with ID: {missing}")


# --- capabilities and access ------------------------------------------------------------------------

@pytest.mark.parametrize("version", VERSIONS)
def test_without_insert_comments_writes_are_restricted(ws, version):
    page = new_page(ws)
    c = ws.client().comments.create(parent={"page_id": page}, rich_text=text("x"))
    client = ws.client(version, token=ws.integration("No insert", NO_INSERT))
    for call, kwargs in (
        (client.comments.create, {"parent": {"page_id": page}, "rich_text": text("y")}),
        (client.comments.create, {"discussion_id": c["discussion_id"], "rich_text": text("y")}),
        (client.comments.update, {"comment_id": c["id"], "rich_text": text("y")}),
        (client.comments.delete, {"comment_id": c["id"]}),
    ):
        err = api_error(call, **kwargs)
        assert (err.status, err.code) == (403, "restricted_resource")
    # Reading still works.
    assert [x["id"] for x in client.comments.list(block_id=page)["results"]] == [c["id"]]


@pytest.mark.parametrize("version", VERSIONS)
def test_without_read_comments_reads_are_restricted(ws, version):
    page = new_page(ws)
    client = ws.client(version, token=ws.integration("No read", NO_READ))
    c = client.comments.create(parent={"page_id": page}, rich_text=text("write only"))
    for call, kwargs in ((client.comments.list, {"block_id": page}), (client.comments.retrieve, {"comment_id": c["id"]})):
        err = api_error(call, **kwargs)
        assert (err.status, err.code) == (403, "restricted_resource")
    resp = ws.raw("GET", f"/v1/comments?block_id={page}", token=ws.integration("No read 2", NO_READ))
    assert_error(resp, 403, "restricted_resource", "Insufficient permissions for this endpoint.")


def test_unshared_page_is_not_found(ws):
    hidden = ws.owner_page("Hidden")
    mine = ws.client(token=ws.personal_token()).comments.create(parent={"page_id": hidden}, rich_text=text("secret"))
    client = ws.client()
    err = api_error(client.comments.create, parent={"page_id": hidden}, rich_text=text("x"))
    assert (err.status, err.code) == (404, "object_not_found")
    assert str(err).startswith(f"Could not find page with ID: {hidden}. Make sure the relevant pages and databases "
                               "are shared with your integration \"Test Integration\".")
    assert api_error(client.comments.list, block_id=hidden).status == 404
    assert api_error(client.comments.retrieve, comment_id=mine["id"]).status == 404
    err = api_error(client.comments.create, discussion_id=mine["discussion_id"], rich_text=text("x"))
    assert (err.status, err.code) == (404, "object_not_found")


def test_view_only_access_cannot_comment_but_comment_access_can(ws):
    page = new_page(ws)
    viewer = ws.integration("Viewer", share=None)
    ws.share(page, "Viewer", "view")
    err = api_error(ws.client(token=viewer).comments.create, parent={"page_id": page}, rich_text=text("x"))
    assert (err.status, err.code) == (403, "restricted_resource")
    assert ws.client(token=viewer).comments.list(block_id=page)["results"] == []
    commenter = ws.integration("Commenter", share=None)
    ws.share(page, "Commenter", "comment")
    c = ws.client(token=commenter).comments.create(parent={"page_id": page}, rich_text=text("ok"))
    assert c["display_name"] == {"type": "integration", "resolved_name": "Commenter"}


def test_comments_cannot_go_on_a_database(ws):
    db = ws.raw("POST", "/v1/databases", version="2022-06-28", json={
        "parent": {"page_id": ws.root_id}, "title": text("DB"), "properties": {"Name": {"title": {}}}}).json()
    err = api_error(ws.client().comments.create, parent={"page_id": db["id"]}, rich_text=text("x"))
    assert (err.status, err.code) == (404, "object_not_found")


# --- create validation ------------------------------------------------------------------------------

CREATE_ERRORS = [
    ({"rich_text": text("x")},
     "body failed validation. Fix one:\nbody.parent should be defined, instead was `undefined`.\n"
     "body.discussion_id should be defined, instead was `undefined`."),
    ({"parent": {"page_id": "ROOT"}, "discussion_id": "ROOT", "rich_text": text("x")},
     "body failed validation: body.parent and body.discussion_id cannot both be present. Provide exactly one."),
    ({"parent": {"page_id": "ROOT"}},
     "body failed validation. Fix one:\nbody.rich_text should be defined, instead was `undefined`.\n"
     "body.markdown should be defined, instead was `undefined`."),
    ({"parent": {"page_id": "ROOT"}, "rich_text": text("x"), "markdown": "x"},
     "body failed validation: body.rich_text and body.markdown cannot both be present. Provide exactly one."),
    ({"parent": {"page_id": "nope"}, "rich_text": text("x")},
     "body failed validation: body.parent.page_id should be a valid uuid, instead was `\"nope\"`."),
    ({"parent": {}, "rich_text": text("x")},
     "body failed validation. Fix one:\nbody.parent.page_id should be defined, instead was `undefined`.\n"
     "body.parent.block_id should be defined, instead was `undefined`."),
    ({"parent": {"type": "database_id", "database_id": "ROOT"}, "rich_text": text("x")},
     "body failed validation: body.parent.type should be `\"page_id\"` or `\"block_id\"`, instead was `\"database_id\"`."),
    ({"discussion_id": 5, "rich_text": text("x")},
     "body failed validation: body.discussion_id should be a valid uuid, instead was `5`."),
    ({"parent": {"page_id": "ROOT"}, "rich_text": "x"},
     "body failed validation: body.rich_text should be an array, instead was `\"x\"`."),
    ({"parent": {"page_id": "ROOT"}, "rich_text": [{"text": {"content": "x" * 2001}}]},
     "body failed validation: body.rich_text[0].text.content.length should be ≤ `2000`, instead was `2001`."),
    ({"parent": {"page_id": "ROOT"}, "markdown": 3},
     "body failed validation: body.markdown should be a string, instead was `3`."),
    ({"parent": {"page_id": "ROOT"}, "rich_text": text("x"), "display_name": {"type": "bot"}},
     "body failed validation: body.display_name.type should be `\"integration\"`, `\"user\"`, or `\"custom\"`, "
     "instead was `\"bot\"`."),
    ({"parent": {"page_id": "ROOT"}, "rich_text": text("x"), "display_name": {"type": "custom"}},
     "body failed validation: body.display_name.custom should be defined, instead was `undefined`."),
    ({"parent": {"page_id": "ROOT"}, "rich_text": text("x"), "display_name": {"type": "custom", "custom": {"name": ""}}},
     "body failed validation: body.display_name.custom.name.length should be ≥ `1`, instead was `0`."),
    ({"parent": {"page_id": "ROOT"}, "rich_text": text("x"),
      "attachments": [{"file_upload_id": str(uuid.UUID(int=1, version=4))}] * 4},
     "body failed validation: body.attachments.length should be ≤ `3`, instead was `4`."),
    ({"parent": {"page_id": "ROOT"}, "rich_text": text("x"), "attachments": [{}]},
     "body failed validation: body.attachments[0].file_upload_id should be defined, instead was `undefined`."),
    ({"parent": {"page_id": "ROOT"}, "rich_text": text("x"),
      "attachments": [{"type": "file_upload", "file_upload_id": str(uuid.UUID(int=1, version=4))}]},
     "body failed validation: body.attachments[0].file_upload_id should be the ID of a file upload with status "
     "`uploaded`, instead was `\"00000000-0000-4000-8000-000000000001\"`."),
    ({"parent": {"page_id": "ROOT"}, "rich_text": text("x"), "extra": 1},
     "body failed validation: body.extra should be not present, instead was `1`."),
]


@pytest.mark.parametrize("version", VERSIONS)
def test_create_validation_messages_and_nothing_changes(ws, version):
    page = new_page(ws)
    for body, message in CREATE_ERRORS:
        body = {k: ({kk: page if vv == "ROOT" else vv for kk, vv in v.items()} if isinstance(v, dict) and k == "parent"
                    else page if v == "ROOT" else v) for k, v in body.items()}
        assert_error(ws.raw("POST", "/v1/comments", json=body, version=version), 400, "validation_error", message)
    assert ws.client(version).comments.list(block_id=page)["results"] == []


def test_invalid_json_body(ws):
    assert_error(ws.raw("POST", "/v1/comments", content=b"{", headers={"content-type": "application/json"}),
                 400, "invalid_json")
