"""GET /v1/users, /v1/users/{id} and /v1/users/me."""

from __future__ import annotations

import uuid

import pytest
from notion_client import APIResponseError

from blockyard.access import admin, capabilities as caps
from support import VERSIONS, assert_error


def api_error(call, *args, **kwargs) -> APIResponseError:
    with pytest.raises(APIResponseError) as err:
        call(*args, **kwargs)
    return err.value


@pytest.mark.parametrize("version", VERSIONS)
def test_me_for_an_integration(ws, version):
    me = ws.client(version).users.me()
    record = ws.integration_record()
    assert {k: v for k, v in me.items() if k != "request_id"} == {
        "object": "user", "id": record["bot_id"], "name": "Test Integration", "avatar_url": None, "type": "bot",
        "bot": {
            "owner": {"type": "workspace", "workspace": True},
            "workspace_name": "Test Workspace",
            "workspace_id": ws.info.id,
            "workspace_limits": {"max_file_upload_size_in_bytes": 5 * 1024 * 1024},
        },
    }


def test_me_for_a_personal_token_is_the_owner(ws):
    me = ws.client(token=ws.personal_token()).users.me()
    assert me["object"] == "user" and me["type"] == "person"
    assert me["id"] == ws.info.owner_id
    assert me["name"] == "Workspace Owner"
    assert me["person"] == {"email": "owner@example.com"}
    assert "bot" not in me


def test_me_needs_no_capability(ws):
    token = ws.integration("Nothing", (caps.NO_USER_INFO,), share=None)
    me = ws.client(token=token).users.me()
    assert me["type"] == "bot" and me["name"] == "Nothing"


def test_retrieve_person_and_bots(ws):
    ada = ws.add_person("Ada Lovelace", "ada@example.com")
    ws.integration("Other bot")
    other_id = ws.integration_record("Other bot")["bot_id"]
    notion = ws.client()
    person = notion.users.retrieve(ada.replace("-", ""))
    assert {k: v for k, v in person.items() if k != "request_id"} == {
        "object": "user", "id": ada, "name": "Ada Lovelace", "avatar_url": None, "type": "person", "person": {}}
    bot = notion.users.retrieve(other_id)
    assert bot["type"] == "bot" and bot["bot"] == {} and bot["name"] == "Other bot"
    me = notion.users.retrieve(notion.users.me()["id"])
    assert me["bot"]["workspace_id"] == ws.info.id


def test_retrieve_unknown_user(ws):
    missing = str(uuid.uuid4())
    body = assert_error(ws.raw("GET", f"/v1/users/{missing}"), 404, "object_not_found")
    assert body["message"] == (
        f"Could not find user with ID: {missing}. Make sure your integration has capabilities to read user "
        "information. With those capabilities, only members and guests in the integration's workspace are visible.")
    assert body["additional_data"] == {"integration_id": ws.integration_record()["id"]}
    assert_error(ws.raw("GET", "/v1/users/nope"), 400, "validation_error",
                 'path failed validation: path.user_id should be a valid uuid, instead was `"nope"`.')


def test_personal_token_retrieves_users_with_email(ws):
    ada = ws.add_person("Ada", "ada@example.com")
    got = ws.client(token=ws.personal_token()).users.retrieve(ada)
    assert got["person"] == {"email": "ada@example.com"}


def test_list_shows_people_and_live_bots_of_this_workspace_only(ws):
    ada = ws.add_person("Ada", "ada@example.com")
    ws.integration("Gone")
    gone = ws.integration_record("Gone")["bot_id"]
    with ws.admin() as (tx, info):
        admin.delete_integration(tx, info, "Gone")
    ws.server.new_workspace().add_person("Stranger", "s@example.com")
    listed = ws.client().users.list()
    assert listed["object"] == "list" and listed["type"] == "user" and listed["user"] == {}
    assert listed["has_more"] is False and listed["next_cursor"] is None
    ids = [u["id"] for u in listed["results"]]
    assert set(ids) == {ws.info.owner_id, ada, ws.integration_record()["bot_id"]}
    assert gone not in ids


def test_list_pagination(ws):
    made = {ws.add_person(f"Person {i}", None) for i in range(7)}
    notion = ws.client()
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = notion.users.list(page_size=3, **({"start_cursor": cursor} if cursor else {}))
        pages += 1
        assert len(page["results"]) <= 3
        seen += [u["id"] for u in page["results"]]
        if not page["has_more"]:
            assert page["next_cursor"] is None
            break
        assert len(page["results"]) == 3 and page["next_cursor"]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)) == 9  # 7 people, the owner, the bot
    assert made <= set(seen)
    assert pages == 3
    assert [u["id"] for u in notion.users.list()["results"]] == seen


def test_list_default_and_maximum_page_size(ws):
    for i in range(101):
        ws.add_person(f"P{i}", None)
    notion = ws.client()
    first = notion.users.list()
    assert len(first["results"]) == 100 and first["has_more"] is True
    rest = notion.users.list(start_cursor=first["next_cursor"])
    assert len(rest["results"]) == 3 and rest["has_more"] is False
    assert len(notion.users.list(page_size=100)["results"]) == 100


@pytest.mark.parametrize("query,message", [
    ("page_size=101", "query failed validation: query.page_size should be ≤ `100`, instead was `101`."),
    ("page_size=0", "query failed validation: query.page_size should be ≥ `1`, instead was `0`."),
    ("page_size=abc", 'query failed validation: query.page_size should be a number, instead was `"abc"`.'),
    ("start_cursor=nonsense", 'query failed validation: query.start_cursor should be a valid cursor, instead was `"nonsense"`.'),
])
def test_list_rejects_bad_queries(ws, query, message):
    assert_error(ws.raw("GET", f"/v1/users?{query}"), 400, "validation_error", message)


def test_list_needs_user_information(ws):
    token = ws.integration("No users", (caps.READ_CONTENT, caps.NO_USER_INFO))
    err = api_error(ws.client(token=token).users.list)
    assert (err.status, err.code) == (403, "restricted_resource")
    assert_error(ws.raw("GET", "/v1/users", token=ws.personal_token()), 403, "restricted_resource")


def test_shapes_per_user_information_level(ws):
    ada = ws.add_person("Ada", "ada@example.com")
    with_email = ws.client(token=ws.integration("Email", (caps.USER_WITH_EMAIL,)))
    without = ws.client()
    none = ws.client(token=ws.integration("None", (caps.READ_CONTENT, caps.NO_USER_INFO)))
    assert with_email.users.retrieve(ada)["person"] == {"email": "ada@example.com"}
    assert without.users.retrieve(ada)["person"] == {}
    assert api_error(none.users.retrieve, ada).status == 404
    # A bot with no user information still sees itself in full.
    me = none.users.me()
    assert none.users.retrieve(me["id"])["bot"]["workspace_name"] == "Test Workspace"
