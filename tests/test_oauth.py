"""Public integrations over OAuth: notion-client's oauth.token, oauth.introspect and oauth.revoke against
codes the consent page would issue (the page itself is driven in a browser in test_oauth_consent.py),
and misuse answered exactly: reused and expired codes, wrong secrets, wrong redirect URIs, revoked tokens."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from notion_client import Client
from notion_client.errors import HTTPResponseError

from blockyard import ids
from blockyard.oauth import clients, grants
from blockyard.store.schema_oauth import oauth_codes
from support import Server, Workspace

URI = "http://127.0.0.1:9/callback"
OTHER_URI = "http://127.0.0.1:9/other"


def public(server: Server, developer: Workspace, uris: tuple[str, ...] = (URI,)) -> tuple[str, str]:
    with server.store.write() as tx:
        info, secret = clients.create_public(tx, developer.info, "Acme " + ids.new_id()[:8], list(uris))
    return info["client_id"], secret


def code_for(server: Server, user_ws: Workspace, client_id: str, pages: list[str], redirect_uri: str | None = URI) -> str:
    """What Allow on the consent page does, for the workspace owner."""
    with server.store.write() as tx:
        client = clients.get(tx, client_id)
        assert client is not None
        install = grants.install(tx, client, user_ws.info.id, user_ws.info.owner_id, pages)
        return grants.new_code(tx, client, install, redirect_uri)


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def post(server: Server, path: str, body: Any, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(server.url + "/v1/oauth/" + path, json=body, headers=headers, timeout=30)


def assert_oauth_error(resp: httpx.Response, status: int, error: str, description: str | None = None) -> None:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error", "error_description", "request_id"}
    assert body["error"] == error
    if description is not None:
        assert body["error_description"] == description
    assert body["request_id"] == resp.headers["x-notion-request-id"]


@pytest.fixture
def pair(server: Server) -> tuple[Workspace, Workspace]:
    """A developer's workspace with the public integration, and a user's workspace that installs it."""
    return server.new_workspace(), server.new_workspace()


def test_code_exchange_through_the_sdk(server: Server, pair: tuple[Workspace, Workspace]) -> None:
    developer, user = pair
    client_id, secret = public(server, developer)
    code = code_for(server, user, client_id, [user.root_id])
    sdk = Client(base_url=server.url, retry=False)
    answer = sdk.oauth.token(client_id=client_id, client_secret=secret, grant_type="authorization_code",
                             code=code, redirect_uri=URI)
    assert set(answer) == {"access_token", "token_type", "refresh_token", "bot_id", "workspace_id", "workspace_name",
                           "workspace_icon", "owner", "duplicated_template_id", "request_id"}
    assert answer["token_type"] == "bearer"
    assert answer["access_token"].startswith("ntn_") and answer["refresh_token"]
    assert answer["workspace_id"] == user.info.id and answer["workspace_name"] == "Test Workspace"
    assert answer["workspace_icon"] is None and answer["duplicated_template_id"] is None
    owner = answer["owner"]
    assert owner["type"] == "user" and owner["user"]["id"] == user.info.owner_id
    assert owner["user"]["object"] == "user" and owner["user"]["type"] == "person"

    # The token is its own bot, in the user's workspace, seeing what was picked and nothing else.
    bot = Client(auth=answer["access_token"], base_url=server.url, retry=False)
    me = bot.users.me()
    assert me["id"] == answer["bot_id"] and me["type"] == "bot"
    assert bot.pages.retrieve(page_id=user.root_id)["id"] == user.root_id
    other = user.client().pages.create(parent={"page_id": user.root_id},
                                       properties={"title": {"title": [{"text": {"content": "Inside"}}]}})
    assert bot.pages.retrieve(page_id=other["id"])["id"] == other["id"]  # the grant covers what is inside
    with pytest.raises(HTTPResponseError) as err:
        bot.pages.retrieve(page_id=developer.root_id)
    assert err.value.status == 404
    # The internal integration of the user's workspace sees the new bot among the users.
    assert answer["bot_id"] in {u["id"] for u in user.client().users.list()["results"]}


def test_token_endpoint_misuse(server: Server, pair: tuple[Workspace, Workspace]) -> None:
    developer, user = pair
    client_id, secret = public(server, developer)
    good = basic(client_id, secret)

    # Client authentication first: 401 invalid_client with a Basic challenge.
    code = code_for(server, user, client_id, [])
    body = {"grant_type": "authorization_code", "code": code, "redirect_uri": URI}
    for headers in ({}, basic(client_id, secret + "x"), basic(ids.new_id(), secret), {"Authorization": "Basic !!"},
                    {"Authorization": b"Basic \xe9"}, {"Authorization": f"Bearer {user.token}"}):
        resp = post(server, "token", body, headers)
        assert_oauth_error(resp, 401, "invalid_client")
        assert resp.headers["www-authenticate"].startswith("Basic")
    assert_oauth_error(post(server, "token", body, basic(client_id, secret + "x")), 401, "invalid_client",
                       "Invalid client credentials.")

    # Request shape.
    assert_oauth_error(post(server, "token", {"code": code}, good), 400, "invalid_request", "grant_type is required.")
    assert_oauth_error(post(server, "token", {"grant_type": "password"}, good), 400, "unsupported_grant_type")
    assert_oauth_error(post(server, "token", {"grant_type": "authorization_code"}, good), 400, "invalid_request",
                       "code is required.")
    assert_oauth_error(post(server, "token", {"grant_type": "authorization_code", "code": 7}, good), 400,
                       "invalid_request")
    assert_oauth_error(post(server, "token", {"grant_type": "authorization_code", "code": "nope"}, good), 400,
                       "invalid_grant", "Invalid code.")

    # redirect_uri: required when the authorization request gave one, and the same one.
    assert_oauth_error(post(server, "token", {"grant_type": "authorization_code", "code": code}, good), 400,
                       "invalid_request")
    assert_oauth_error(post(server, "token", {**body, "redirect_uri": OTHER_URI}, good), 400, "invalid_grant",
                       "Invalid redirect_uri: it does not match the authorization request.")
    # ... and not allowed when it gave none (one URI registered).
    bare = code_for(server, user, client_id, [], redirect_uri=None)
    assert_oauth_error(post(server, "token", {"grant_type": "authorization_code", "code": bare,
                                              "redirect_uri": URI}, good), 400, "invalid_request")
    assert post(server, "token", {"grant_type": "authorization_code", "code": bare}, good).status_code == 200

    # A code of another client is no code of this one.
    other_id, other_secret = public(server, developer)
    assert_oauth_error(post(server, "token", body, basic(other_id, other_secret)), 400, "invalid_grant",
                       "Invalid code.")

    # Single use: the second exchange fails and the first token stops working.
    first = post(server, "token", body, good)
    assert first.status_code == 200, first.text
    access = first.json()["access_token"]
    assert user.raw("GET", "/v1/users/me", token=access).status_code == 200
    assert_oauth_error(post(server, "token", body, good), 400, "invalid_grant",
                       "Invalid code: this code has already been used.")
    assert user.raw("GET", "/v1/users/me", token=access).status_code == 401

    # Expired codes.
    late = code_for(server, user, client_id, [])
    with server.store.write() as tx:
        tx.execute(oauth_codes.update().values(expires_time=tx.now - 1).where(oauth_codes.c.used_time.is_(None)))
    assert_oauth_error(post(server, "token", {**body, "code": late}, good), 400, "invalid_grant",
                       "Invalid code: this code has expired.")

    # A rotated secret: the old one stops at once.
    with server.store.write() as tx:
        client = clients.get(tx, client_id)
        assert client is not None
        new_secret = clients.rotate_secret(tx, developer.info, client.integration_id)
    fresh = code_for(server, user, client_id, [])
    assert_oauth_error(post(server, "token", {**body, "code": fresh}, good), 401, "invalid_client")
    assert post(server, "token", {**body, "code": fresh}, basic(client_id, new_secret)).status_code == 200


def test_refresh_introspect_and_revoke(server: Server, pair: tuple[Workspace, Workspace]) -> None:
    developer, user = pair
    client_id, secret = public(server, developer)
    sdk = Client(base_url=server.url, retry=False)
    first = sdk.oauth.token(client_id=client_id, client_secret=secret, grant_type="authorization_code",
                            code=code_for(server, user, client_id, [user.root_id]), redirect_uri=URI)

    # Refreshing gives a new pair; the old pair stops working.
    second = sdk.oauth.token(client_id=client_id, client_secret=secret, grant_type="refresh_token",
                             refresh_token=first["refresh_token"])
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert second["bot_id"] == first["bot_id"]
    assert user.raw("GET", "/v1/users/me", token=first["access_token"]).status_code == 401
    assert_oauth_error(post(server, "token", {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
                            basic(client_id, secret)), 400, "invalid_grant",
                       "Invalid refresh token: it has expired or been revoked.")
    assert_oauth_error(post(server, "token", {"grant_type": "refresh_token"}, basic(client_id, secret)), 400,
                       "invalid_request", "refresh_token is required.")

    # Introspection: active with its issue time; unknown tokens, and other clients' ones, are inactive.
    seen = sdk.oauth.introspect(client_id=client_id, client_secret=secret, token=second["access_token"])
    assert seen["active"] is True and isinstance(seen["iat"], int) and "read_content" in seen["scope"]
    assert sdk.oauth.introspect(client_id=client_id, client_secret=secret, token=second["refresh_token"])["active"]
    assert sdk.oauth.introspect(client_id=client_id, client_secret=secret, token=first["access_token"])["active"] is False
    gone = post(server, "introspect", {"token": first["access_token"]}, basic(client_id, secret)).json()
    assert gone["active"] is False and set(gone) == {"active", "request_id"}
    other_id, other_secret = public(server, developer)
    assert post(server, "introspect", {"token": second["access_token"]},
                basic(other_id, other_secret)).json()["active"] is False
    assert_oauth_error(post(server, "introspect", {}, basic(client_id, secret)), 400, "invalid_request",
                       "token is required.")
    assert_oauth_error(post(server, "introspect", {"token": "x"}, {}), 401, "invalid_client")

    # Revocation stops the token at once, kept answers included.
    for _ in range(2):
        assert user.raw("GET", f"/v1/pages/{user.root_id}", token=second["access_token"]).status_code == 200
    revoked = sdk.oauth.revoke(client_id=client_id, client_secret=secret, token=second["access_token"])
    assert set(revoked) == {"request_id"}
    resp = user.raw("GET", f"/v1/pages/{user.root_id}", token=second["access_token"])
    assert resp.status_code == 401 and resp.json()["code"] == "unauthorized"
    assert sdk.oauth.introspect(client_id=client_id, client_secret=secret, token=second["access_token"])["active"] is False
    assert_oauth_error(post(server, "token", {"grant_type": "refresh_token", "refresh_token": second["refresh_token"]},
                            basic(client_id, secret)), 400, "invalid_grant")
    # Revoking what is already gone is no error.
    assert post(server, "revoke", {"token": second["access_token"]}, basic(client_id, secret)).status_code == 200


def test_authorizing_again_keeps_the_bot_and_issues_a_fresh_pair(server: Server, pair: tuple[Workspace, Workspace]) -> None:
    developer, user = pair
    client_id, secret = public(server, developer)
    sdk = Client(base_url=server.url, retry=False)
    one = sdk.oauth.token(client_id=client_id, client_secret=secret, grant_type="authorization_code",
                          code=code_for(server, user, client_id, []), redirect_uri=URI)
    two = sdk.oauth.token(client_id=client_id, client_secret=secret, grant_type="authorization_code",
                          code=code_for(server, user, client_id, [user.root_id]), redirect_uri=URI)
    assert one["bot_id"] == two["bot_id"] and one["access_token"] != two["access_token"]
    # Both pairs work; the pages picked the second time are shared with the one bot.
    for token in (one["access_token"], two["access_token"]):
        assert user.raw("GET", f"/v1/pages/{user.root_id}", token=token).status_code == 200


def test_form_bodies_and_malformed_ones(server: Server, pair: tuple[Workspace, Workspace]) -> None:
    developer, user = pair
    client_id, secret = public(server, developer)
    code = code_for(server, user, client_id, [])
    resp = httpx.post(server.url + "/v1/oauth/token", headers=basic(client_id, secret),
                      data={"grant_type": "authorization_code", "code": code, "redirect_uri": URI})
    assert resp.status_code == 200 and resp.headers["cache-control"] == "no-store"
    for raw in (b"{", b"[1]", b'{"grant_type": "authorization_code", "code": "\\u0000"}'):
        resp = httpx.post(server.url + "/v1/oauth/token", headers={**basic(client_id, secret),
                                                                  "content-type": "application/json"}, content=raw)
        assert_oauth_error(resp, 400, "invalid_request")
    # The routes take no Notion-Version and no bearer token; other methods are Notion's invalid_request.
    resp = httpx.get(server.url + "/v1/oauth/token")
    assert resp.status_code == 400 and resp.json()["code"] == "invalid_request"


def test_public_integration_names_and_uris(server: Server) -> None:
    from blockyard.access.admin import AdminError

    developer = server.new_workspace()
    with server.store.write() as tx:
        for uris in ([], ["ftp://x/cb"], ["http://127.0.0.1/cb#frag"], ["/relative"]):
            with pytest.raises(AdminError):
                clients.create_public(tx, developer.info, "Bad", uris)
        with pytest.raises(AdminError):
            clients.create_public(tx, developer.info, "Test Integration", [URI])
    with server.store.read() as tx:
        assert tx.execute(sa.select(sa.func.count()).select_from(oauth_codes)).scalar() is not None


def test_each_person_and_the_developer_get_a_bot_of_their_own(server: Server) -> None:
    from blockyard.access import admin

    ws = server.new_workspace()
    client_id, secret = public(server, ws)  # the developer installs it in their own workspace too
    with server.store.write() as tx:
        other_person = admin.add_person(tx, ws.info, "Grace", "grace@example.com")
        client = clients.get(tx, client_id)
        assert client is not None
        mine = grants.install(tx, client, ws.info.id, ws.info.owner_id, [ws.root_id])
        theirs = grants.install(tx, client, ws.info.id, other_person, [])
        third = grants.install(tx, client, ws.info.id, admin.add_person(tx, ws.info, "Grace", None), [])
    assert len({mine, theirs, third}) == 3
    names = {i["name"] for i in ws.client().users.list()["results"] if i["type"] == "bot"}
    assert client.name in names


def test_public_integrations_may_create_workspace_level_pages(server: Server, pair: tuple[Workspace, Workspace]) -> None:
    developer, user = pair
    client_id, secret = public(server, developer)
    answer = Client(base_url=server.url, retry=False).oauth.token(
        client_id=client_id, client_secret=secret, grant_type="authorization_code",
        code=code_for(server, user, client_id, []), redirect_uri=URI)
    bot = Client(auth=answer["access_token"], base_url=server.url, retry=False)
    made = bot.pages.create(parent={"type": "workspace", "workspace": True},
                            properties={"title": {"title": [{"text": {"content": "From the app"}}]}})
    assert made["parent"] == {"type": "workspace", "workspace": True}
    assert bot.pages.retrieve(page_id=made["id"])["id"] == made["id"]
    assert [r["id"] for r in bot.search()["results"]] == [made["id"]]
    # Not shared with the workspace's internal integration, which still may not make such pages.
    assert user.raw("GET", f"/v1/pages/{made['id']}").status_code == 404
    refused = user.raw("POST", "/v1/pages", json={"parent": {"type": "workspace", "workspace": True},
                                                  "properties": {"title": {"title": []}}})
    assert refused.status_code == 400 and "workspace-level" in refused.json()["message"]


def test_deleting_a_public_integration_and_an_install(server: Server, pair: tuple[Workspace, Workspace]) -> None:
    from blockyard.access import admin

    developer, user = pair
    client_id, secret = public(server, developer)
    sdk = Client(base_url=server.url, retry=False)
    answer = sdk.oauth.token(client_id=client_id, client_secret=secret, grant_type="authorization_code",
                             code=code_for(server, user, client_id, [user.root_id]), redirect_uri=URI)
    with server.store.write() as tx:
        client = clients.get(tx, client_id)
        assert client is not None
        install = tx.execute(sa.text("SELECT integration_id FROM oauth_installs WHERE client_id = :c"),
                             {"c": client_id}).scalar()
        # An install has no token to rotate, and a public integration has a secret instead.
        with pytest.raises(admin.AdminError, match="installed through OAuth"):
            admin.rotate_token(tx, user.info, install)
        with pytest.raises(admin.AdminError, match="client secret"):
            admin.rotate_token(tx, developer.info, client.integration_id)

    # Removing the install from the workspace stops its tokens; authorizing again starts over.
    with server.store.write() as tx:
        admin.delete_integration(tx, user.info, install)
    assert user.raw("GET", "/v1/users/me", token=answer["access_token"]).status_code == 401
    again = sdk.oauth.token(client_id=client_id, client_secret=secret, grant_type="authorization_code",
                            code=code_for(server, user, client_id, []), redirect_uri=URI)
    assert again["bot_id"] != answer["bot_id"]
    assert user.raw("GET", "/v1/users/me", token=again["access_token"]).status_code == 200

    # Deleting the public integration: its client is gone and every install's tokens stop.
    with server.store.write() as tx:
        admin.delete_integration(tx, developer.info, client.integration_id)
    assert user.raw("GET", "/v1/users/me", token=again["access_token"]).status_code == 401
    assert_oauth_error(post(server, "token", {"grant_type": "refresh_token", "refresh_token": again["refresh_token"]},
                            basic(client_id, secret)), 401, "invalid_client")
