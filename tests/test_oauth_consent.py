"""The OAuth install flow in Chromium: GET /v1/oauth/authorize while logged out, log in, the consent page
with its page picker, Allow back to a real HTTP receiver with `code` and `state`, the code exchanged with
notion-client for a token that sees the picked page only; then Cancel, and the parameters that answer an
error page (never a redirect) or an error redirect."""

from __future__ import annotations

import base64
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from notion_client import Client
from notion_client.errors import HTTPResponseError

from blockyard.access import admin
from blockyard.domain import pages
from blockyard.oauth import clients
from blockyard.owner import owner_ctx
from support import Server, free_port, store_url
from web_support import browser, sign_up  # noqa: F401

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


class Receiver:
    """The public integration's redirect URI: a real HTTP server that keeps each query it gets."""

    def __init__(self) -> None:
        self.queries: list[dict[str, list[str]]] = []
        received = self.queries

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                if urlsplit(self.path).path == "/callback":  # not the browser's /favicon.ico
                    received.append(parse_qs(urlsplit(self.path).query))
                body = b"<!doctype html><title>Connected</title><h1>Back at the integration</h1>"
                self.send_response(200)
                self.send_header("content-type", "text/html")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.port = free_port()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.uri = f"http://127.0.0.1:{self.port}/callback"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fresh(server: Server, tmp_path: Any) -> Iterator[Server]:
    srv = Server.start(store_url(server.database.startswith("postgresql"), tmp_path))
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    try:
        yield r
    finally:
        r.stop()


def seed(srv: Server, uri: str) -> tuple[str, str, dict[str, str]]:
    """Two top-level pages in the first workspace, and a public integration of another developer
    (whose workspace is made later, so that the first one stays first)."""
    with srv.store.write() as tx:
        ws = admin.ensure_workspace(tx, None)
        made = {}
        with owner_ctx(tx, ws) as ctx:
            for title in ("Roadmap", "Diary"):
                made[title] = pages.create(ctx, {
                    "parent": {"type": "workspace", "workspace": True},
                    "properties": {"title": {"title": [{"text": {"content": title}}]}},
                }).id
    time.sleep(0.01)
    with srv.store.write() as tx:
        developer = admin.create_workspace(tx, "Acme Inc.")
        info, secret = clients.create_public(tx, developer, "Acme Sync", [uri, uri + "/second"])
    return info["client_id"], secret, made


def test_the_consent_flow_in_a_browser(fresh: Server, receiver: Receiver, browser: Any) -> None:
    client_id, secret, made = seed(fresh, receiver.uri)
    context = browser.new_context(base_url=fresh.url)
    page = context.new_page()
    sign_up(page, fresh.url, "Ada Lovelace", "ada@example.com")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")

    # Logged out: authorize leads to the log-in page, and back to the consent page after it.
    query = {"client_id": client_id, "response_type": "code", "owner": "user", "redirect_uri": receiver.uri,
             "state": "s t&ate=1"}
    page.goto("/v1/oauth/authorize?" + urlencode(query))
    page.wait_for_url("**/login?next=**")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/install-integration?**")
    page.get_by_role("heading", name="Acme Sync wants to connect to your workspace").wait_for()
    assert page.get_by_text("Read content").is_visible()
    assert page.get_by_text("Read user information without email addresses").is_visible()

    # Pick one page and allow: back at the integration with a code and the state.
    page.get_by_label("Roadmap").check()
    assert not page.get_by_label("Diary").is_checked()
    page.get_by_role("button", name="Allow access").click()
    page.wait_for_url(receiver.uri + "?**")
    page.get_by_role("heading", name="Back at the integration").wait_for()
    got = receiver.queries[-1]
    assert got["state"] == ["s t&ate=1"] and len(got["code"]) == 1

    sdk = Client(base_url=fresh.url, retry=False)
    answer = sdk.oauth.token(client_id=client_id, client_secret=secret, grant_type="authorization_code",
                             code=got["code"][0], redirect_uri=receiver.uri)
    assert answer["owner"]["user"]["name"] == "Ada Lovelace"
    bot = Client(auth=answer["access_token"], base_url=fresh.url, retry=False)
    assert bot.pages.retrieve(page_id=made["Roadmap"])["id"] == made["Roadmap"]
    with pytest.raises(HTTPResponseError) as err:
        bot.pages.retrieve(page_id=made["Diary"])
    assert err.value.status == 404
    assert [r["id"] for r in bot.search()["results"]] == [made["Roadmap"]]

    # Cancel: access_denied, with the state.
    page.goto("/v1/oauth/authorize?" + urlencode({**query, "state": "two"}))
    page.get_by_role("button", name="Cancel").click()
    page.wait_for_url(receiver.uri + "?**")
    assert receiver.queries[-1]["error"] == ["access_denied"] and receiver.queries[-1]["state"] == ["two"]

    # A bad client_id or redirect_uri shows an error page and goes nowhere.
    before = len(receiver.queries)
    for bad in ({**query, "client_id": "00000000-0000-4000-8000-000000000000"}, {**query, "client_id": "x"},
                {**query, "redirect_uri": receiver.uri + "/elsewhere"},
                {k: v for k, v in query.items() if k != "redirect_uri"}):  # two are registered: say which
        response = page.goto("/v1/oauth/authorize?" + urlencode(bad))
        assert response is not None and response.status == 400
        assert page.get_by_role("alert").is_visible()
    assert len(receiver.queries) == before
    context.close()

    # Other wrong parameters go back to the client as RFC 6749 says.
    with httpx.Client(base_url=fresh.url, follow_redirects=False) as http:
        login = http.get("/login")
        form = login.cookies.get("by_form")
        csrf = form
        assert http.post("/login", data={"csrf": csrf, "email": "ada@example.com", "password": "correct horse battery",
                                         "next": "/"}).status_code == 303
        for params, error in (({"response_type": "token"}, "unsupported_response_type"),
                              ({"response_type": None}, "invalid_request"),
                              ({"owner": "workspace"}, "invalid_request")):
            asked = {k: v for k, v in {**query, **params}.items() if v is not None}
            hop = http.get("/v1/oauth/authorize", params=asked)
            assert hop.status_code == 302 and hop.headers["location"].startswith("/install-integration?")
            resp = http.get(hop.headers["location"])
            assert resp.status_code == 303, resp.text
            back = urlsplit(resp.headers["location"])
            assert f"{back.scheme}://{back.netloc}{back.path}" == receiver.uri
            assert parse_qs(back.query)["error"] == [error] and parse_qs(back.query)["state"] == ["s t&ate=1"]


def test_basic_credentials_of_the_sdk_shape(fresh: Server, receiver: Receiver) -> None:
    client_id, secret, _ = seed(fresh, receiver.uri)
    header = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    resp = httpx.post(fresh.url + "/v1/oauth/introspect", json={"token": "ntn_x"},
                      headers={"Authorization": "Basic " + header})
    assert resp.status_code == 200 and resp.json()["active"] is False
