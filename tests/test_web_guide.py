"""The getting-started guide, end to end in a browser: sign up, create an integration and copy its
token, share a database with it, and call the API with that token (the guide's curl)."""

from __future__ import annotations

import re
from typing import Any, Iterator

import httpx
import pytest

from blockyard.access import admin
from blockyard.domain import databases
from blockyard.owner import owner_ctx
from support import Server, store_url
from web_support import browser, sign_up  # noqa: F401

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture
def fresh(server: Server, tmp_path: Any) -> Iterator[Server]:
    """A server with a store of its own: the first account there owns the first workspace."""
    srv = Server.start(store_url(server.database.startswith("postgresql"), tmp_path))
    try:
        yield srv
    finally:
        srv.stop()


def seed_database(srv: Server, title: str = "My Projects") -> str:
    with srv.store.write() as tx:
        ws = admin.ensure_workspace(tx, None)
        with owner_ctx(tx, ws) as ctx:
            db = databases.create(ctx, {
                "parent": {"type": "workspace", "workspace": True},
                "title": [{"type": "text", "text": {"content": title}}],
                "initial_data_source": {"properties": {"Name": {"title": {}}}},
            })
    return db.id


def api(srv: Server, token: str, path: str) -> httpx.Response:
    return httpx.get(srv.url + path, headers={"Authorization": f"Bearer {token}", "Notion-Version": "2022-06-28"})


def test_the_guide_in_a_browser(fresh: Server, browser: Any) -> None:
    db_id = seed_database(fresh)
    context = browser.new_context(base_url=fresh.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=fresh.url)
    page = context.new_page()

    # Nothing but log-in and sign-up without a session.
    page.goto("/")
    assert "/login" in page.url
    page.get_by_role("link", name="Create an account").click()
    sign_up(page, fresh.url, "Ada Lovelace", "ada@example.com")
    cookie = next(c for c in context.cookies() if c["name"] == "by_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    # The first account owns the first workspace, the one that already held the database.
    assert page.get_by_role("link", name=re.compile("My Projects")).is_visible()

    # Settings: Connections / Develop integrations.
    page.get_by_role("link", name="Connections").click()
    page.get_by_label("Name", exact=True).fill("Guide integration")
    page.get_by_label("Insert content").uncheck()
    page.get_by_label("Read user information without email addresses").check()
    page.get_by_role("button", name="Create integration").click()
    secret = page.locator("#secret-token").input_value()
    assert secret.startswith("ntn_")
    page.get_by_role("button", name="Copy").click()
    page.get_by_text("Copied to the clipboard.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    assert api(fresh, secret, "/v1/users/me").status_code == 200
    assert api(fresh, secret, f"/v1/databases/{db_id}").status_code == 404  # not shared yet

    # The token is never shown again.
    page.reload()
    page.goto(page.url)
    page.get_by_role("link", name="Connections").click()
    assert secret not in page.content()
    assert secret[-4:] in page.content()  # only its hint

    # Share the database with the integration: Can view, then Can edit.
    page.get_by_role("link", name=re.compile("My Projects")).click()
    page.get_by_role("button", name="Share").click()
    dialog = page.get_by_role("dialog", name="Share")
    dialog.get_by_label("Integration").select_option(label="Guide integration")
    dialog.get_by_label("Access", exact=True).select_option(label="Can view")
    dialog.get_by_role("button", name="Invite").click()
    dialog = page.get_by_role("dialog", name="Share")
    assert dialog.get_by_label("Access of Guide integration").input_value() == "view"

    # The guide's curl: GET /v1/databases/{id} with the token answers the database.
    got = api(fresh, secret, f"/v1/databases/{db_id}")
    assert got.status_code == 200, got.text
    assert got.json()["id"] == db_id and got.json()["title"][0]["plain_text"] == "My Projects"
    denied = httpx.patch(fresh.url + f"/v1/databases/{db_id}", json={"title": [{"text": {"content": "x"}}]},
                         headers={"Authorization": f"Bearer {secret}", "Notion-Version": "2022-06-28"})
    assert denied.status_code == 403  # Can view

    dialog.get_by_label("Access of Guide integration").select_option(label="Can edit")
    page.wait_for_load_state()
    dialog = page.get_by_role("dialog", name="Share")
    assert dialog.get_by_label("Access of Guide integration").input_value() == "edit"
    renamed = httpx.patch(fresh.url + f"/v1/databases/{db_id}", json={"title": [{"text": {"content": "My Projects"}}]},
                          headers={"Authorization": f"Bearer {secret}", "Notion-Version": "2022-06-28"})
    assert renamed.status_code == 200, renamed.text

    dialog.get_by_role("button", name="Remove Guide integration").click()
    page.get_by_role("dialog", name="Share").get_by_text("No integration has access").wait_for()
    assert api(fresh, secret, f"/v1/databases/{db_id}").status_code == 404

    # Rotate: the old secret stops working, the new one works; delete: nothing works.
    page.keyboard.press("Escape")
    page.get_by_role("link", name="Connections").click()
    page.get_by_role("link", name="Guide integration").click()
    page.get_by_role("button", name="Rotate secret").click()
    rotated = page.locator("#secret-token").input_value()
    assert rotated != secret
    assert api(fresh, secret, "/v1/users/me").status_code == 401
    assert api(fresh, rotated, "/v1/users/me").status_code == 200
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Delete integration").click()
    page.wait_for_url("**/settings/integrations")
    assert api(fresh, rotated, "/v1/users/me").status_code == 401

    # Log out: the session ends, and the workspace is out of reach.
    workspace_url = page.url
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")
    page.goto(workspace_url)
    assert "/login" in page.url
    context.close()


def test_forms_need_csrf_and_logins_are_limited(fresh: Server) -> None:
    client = httpx.Client(base_url=fresh.url, headers={"Accept": "text/html"})
    form = client.get("/signup")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    no_token = client.post("/signup", data={"name": "Eve", "email": "eve@example.com", "password": "password1"})
    assert no_token.status_code == 403
    made = client.post("/signup", data={"csrf": csrf, "name": "Eve", "email": "eve@example.com",
                                        "password": "password1"})
    assert made.status_code == 303
    session = client.cookies.get("by_session")
    assert session
    assert made.headers["location"].startswith("/w/")
    page = client.get(made.headers["location"])
    assert page.status_code == 200 and "Eve" in page.text
    # API clients asking for / get Notion's answer; browsers get the UI.
    assert httpx.get(fresh.url + "/").json()["code"] == "invalid_request_url"
    assert client.get("/").headers["location"].startswith("/w/")
    # A form of the session without its token is refused, and so is a token of another session.
    assert client.post("/logout").status_code == 403
    assert client.post("/logout", data={"csrf": csrf}).status_code == 403

    stranger = httpx.Client(base_url=fresh.url, headers={"Accept": "text/html"})
    login_csrf = re.search(r'name="csrf" value="([^"]+)"', stranger.get("/login").text).group(1)  # type: ignore[union-attr]
    for _ in range(5):
        wrong = stranger.post("/login", data={"csrf": login_csrf, "email": "eve@example.com", "password": "nope"})
        assert wrong.status_code == 400
        assert "do not match" in wrong.text
        assert 'value="eve@example.com"' in wrong.text  # what was typed is kept
    limited = stranger.post("/login", data={"csrf": login_csrf, "email": "eve@example.com", "password": "password1"})
    assert limited.status_code == 429 and "Too many failed attempts" in limited.text
    assert int(limited.headers["retry-after"]) > 0
    # Sessions are stored hashed: the cookie's value is nowhere in the store.
    from blockyard.store.schema_web import web_sessions
    import sqlalchemy as sa

    with fresh.store.read() as tx:
        hashes = tx.execute(sa.select(web_sessions.c.hash)).scalars().all()
    assert session not in hashes and len(hashes) == 1
