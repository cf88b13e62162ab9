"""The workspace in a browser: every block type rendered, editing, the table view, the trash, members
and workspaces, and the developer pages. Every user string carries markup that must stay text."""

from __future__ import annotations

import re
import time
from typing import Any, Iterator

import httpx
import pytest
from notion_client import Client

from blockyard.access import admin
from support import Server, store_url
from web_support import browser, sign_up  # noqa: F401

EVIL = '<script>alert("x")</script>'


def t(content: str, **extra: Any) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": content, **extra.pop("text", {})}, **extra}]


def b(kind: str, **payload: Any) -> dict[str, Any]:
    return {"object": "block", "type": kind, kind: payload}


@pytest.fixture
def fresh(server: Server, tmp_path: Any) -> Iterator[tuple[Server, Client]]:
    """A server with its own store, a workspace in it and a personal token's client for it."""
    srv = Server.start(store_url(server.database.startswith("postgresql"), tmp_path))
    with srv.store.write() as tx:
        ws = admin.ensure_workspace(tx, None)
        token = admin.create_personal_token(tx, ws)
    try:
        yield srv, Client(auth=token, base_url=srv.url, notion_version="2026-03-11", retry=False)
    finally:
        srv.stop()


@pytest.fixture
def signed_in(fresh: tuple[Server, Client], browser: Any) -> Iterator[Any]:
    srv, _client = fresh
    context = browser.new_context(base_url=srv.url)
    page = context.new_page()
    fired: list[str] = []
    page.on("dialog", lambda d: (fired.append(d.message), d.dismiss()))
    page.fired = fired  # type: ignore[attr-defined]
    sign_up(page, srv.url, "Grace " + EVIL, "grace@example.com")
    try:
        yield page
    finally:
        assert not fired, f"a script ran: {fired}"
        context.close()


def test_every_block_type_renders(fresh: tuple[Server, Client], signed_in: Any) -> None:
    srv, notion = fresh
    page_obj = notion.pages.create(parent={"workspace": True}, properties={"title": {"title": t("Tour " + EVIL)}})
    pid = page_obj["id"]
    other = notion.pages.create(parent={"page_id": pid}, properties={"title": {"title": t("Child " + EVIL)}})
    rich = [
        *t("bold", annotations={"bold": True}), *t(" italic", annotations={"italic": True, "color": "red"}),
        *t(" evil link", text={"link": {"url": "javascript:alert(1)"}}),
        *t(" good link", text={"link": {"url": "https://example.com/"}}),
        {"type": "mention", "mention": {"page": {"id": other["id"]}}},
        {"type": "equation", "equation": {"expression": "e^{i\\pi}+1=0"}},
    ]
    notion.blocks.children.append(pid, children=[
        b("heading_1", rich_text=t("Heading one")),
        b("heading_2", rich_text=t("Toggle heading"), is_toggleable=True,
          children=[b("paragraph", rich_text=t("inside the toggle heading"))]),
        b("heading_3", rich_text=t("Heading three"), color="blue_background"),
        b("paragraph", rich_text=rich),
        b("bulleted_list_item", rich_text=t("bullet one")), b("bulleted_list_item", rich_text=t("bullet two")),
        b("numbered_list_item", rich_text=t("number one")),
        b("to_do", rich_text=t("task open"), checked=False), b("to_do", rich_text=t("task done"), checked=True),
        b("toggle", rich_text=t("a toggle"), children=[b("paragraph", rich_text=t("hidden text"))]),
        b("quote", rich_text=t("a quote " + EVIL)),
        b("callout", rich_text=t("a callout"), icon={"type": "emoji", "emoji": "🚀"}),
        b("code", rich_text=t("def f(x):\n    return '<b>'"), language="python"),
        b("equation", expression="\\int_0^1 x\\,dx"),
        b("divider"),
        b("table", table_width=2, has_column_header=True, children=[
            b("table_row", cells=[t("Head A"), t("Head B")]), b("table_row", cells=[t("cell 1"), t(EVIL)]),
        ]),
        b("column_list", children=[
            b("column", children=[b("paragraph", rich_text=t("left column"))]),
            b("column", children=[b("paragraph", rich_text=t("right column"))]),
        ]),
        b("image", type="external", external={"url": "https://example.com/cat.png"}, caption=t("a cat")),
        b("file", type="external", external={"url": "https://example.com/report.pdf"}),
        b("bookmark", url="https://example.com/bookmarked"),
        b("synced_block", synced_from=None, children=[b("paragraph", rich_text=t("synced text"))]),
        b("table_of_contents"),
    ])
    signed_in.goto(f"/w/{admin_workspace(srv)}/p/{pid}")
    main = signed_in.locator("main")
    assert main.get_by_role("heading", name="Tour " + EVIL, level=1).is_visible()
    assert main.locator("h2.heading-1").inner_text() == "Heading one"
    toggle = main.locator("details.toggle", has_text="Toggle heading").first
    assert not main.get_by_text("inside the toggle heading").is_visible()
    toggle.locator("summary").first.click()
    assert main.get_by_text("inside the toggle heading").is_visible()
    assert main.locator(".bg-blue h4").inner_text() == "Heading three"
    assert main.locator("strong", has_text="bold").count() == 1
    assert main.locator("em.fg-red, .fg-red em, span.fg-red").count() >= 1
    assert main.locator('a[href^="javascript"]').count() == 0
    assert main.get_by_text("evil link").is_visible()
    assert main.get_by_role("link", name="good link").get_attribute("href") == "https://example.com/"
    mention = main.locator(".block-paragraph a", has_text="Child")
    assert mention.get_attribute("href").endswith(other["id"])
    assert main.locator("ul > li.block-bulleted_list_item").count() == 2
    assert main.locator("ol > li.block-numbered_list_item").count() == 1
    boxes = main.locator("input.todo-box")
    assert boxes.count() == 2 and not boxes.nth(0).is_checked() and boxes.nth(1).is_checked()
    assert main.get_by_role("checkbox", name="task done").is_checked()
    assert main.locator("blockquote").inner_text().startswith("a quote " + EVIL)
    assert main.get_by_role("note").inner_text().startswith("🚀")
    code = main.locator("pre.code-block")
    assert "def f(x):" in code.inner_text() and code.locator("span.hl-k").count() >= 1  # highlighted keywords
    assert main.locator(".equation-block").inner_text() == "\\int_0^1 x\\,dx"
    assert main.locator("code.equation").count() == 1
    assert main.get_by_role("columnheader", name="Head A").is_visible()
    assert main.locator(".simple-table td", has_text="<script>").count() == 1
    assert main.locator(".columns .column").count() == 2
    assert main.locator("img[alt='a cat']").get_attribute("src") == "https://example.com/cat.png"
    assert main.locator("a.file-link").get_attribute("href") == "https://example.com/report.pdf"
    assert main.locator("a.bookmark").get_attribute("href") == "https://example.com/bookmarked"
    assert main.get_by_role("link", name=re.compile("Child")).first.is_visible()
    assert main.locator(".synced", has_text="synced text").count() == 1
    assert main.locator(".toc a", has_text="Heading one").count() == 1
    # The sidebar lists the page and, opened, its child page, as text.
    sidebar = signed_in.get_by_role("navigation", name="Sidebar")
    assert sidebar.get_by_role("link", name="Child " + EVIL).is_visible()
    assert "<script>alert" not in signed_in.content().split("<main", 1)[1].replace("&lt;script&gt;", "")


def admin_workspace(srv: Server) -> str:
    with srv.store.read() as tx:
        return admin.ensure_workspace(tx, None).id


def test_editing_in_the_browser(fresh: tuple[Server, Client], signed_in: Any) -> None:
    srv, notion = fresh
    pid = notion.pages.create(parent={"workspace": True}, properties={"title": {"title": t("Draft")}})["id"]
    notion.blocks.children.append(pid, children=[b("to_do", rich_text=t("water the plants"), checked=False)])
    page = signed_in
    page.goto(f"/w/{admin_workspace(srv)}/p/{pid}")
    page.get_by_label("Title", exact=True).fill("Final " + EVIL)
    page.get_by_role("button", name="Rename").click()
    page.get_by_role("heading", name="Final " + EVIL, level=1).wait_for()
    assert notion.pages.retrieve(pid)["properties"]["title"]["title"][0]["plain_text"] == "Final " + EVIL

    page.get_by_role("checkbox", name="water the plants").check()
    page.wait_for_load_state()
    page.get_by_role("checkbox", name="water the plants").wait_for()
    assert page.get_by_role("checkbox", name="water the plants").is_checked()
    todo = notion.blocks.children.list(pid)["results"][0]
    assert todo["to_do"]["checked"] is True

    page.get_by_label("Type", exact=True).select_option(label="Quote")
    page.get_by_label("Text", exact=True).fill("javascript:alert(1) " + EVIL)
    page.get_by_role("button", name="Add block").click()
    page.locator("blockquote").wait_for()
    assert page.locator("blockquote").inner_text() == "javascript:alert(1) " + EVIL
    blocks = notion.blocks.children.list(pid)["results"]
    assert [x["type"] for x in blocks] == ["to_do", "quote"]

    # The same limits as the API: a text over 2,000 characters is split, a bookmark needs a URL.
    page.get_by_label("Type", exact=True).select_option(label="Code")
    page.get_by_label("Text", exact=True).fill("print(1)")
    page.get_by_label("Code language").fill("no such language")
    page.get_by_role("button", name="Add block").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "language" in alert.inner_text()
    assert page.get_by_label("Text", exact=True).input_value() == "print(1)"  # what was typed is kept
    assert len(notion.blocks.children.list(pid)["results"]) == 2  # nothing was written

    page.get_by_role("link", name="Edit Quote block").click()
    page.get_by_label("Text").fill("edited quote")
    page.get_by_role("button", name="Save").click()
    page.locator("blockquote", has_text="edited quote").wait_for()
    page.get_by_role("button", name="Delete Quote block").click()
    page.wait_for_load_state()
    assert page.locator("blockquote").count() == 0
    assert [x["type"] for x in notion.blocks.children.list(pid)["results"]] == ["to_do"]

    # Trash and restore the page.
    page.get_by_role("button", name="Move to trash").click()
    page.wait_for_url("**/trash")
    assert notion.pages.retrieve(pid)["in_trash"] is True
    page.get_by_role("button", name="Restore Final " + EVIL).click()
    page.wait_for_url(f"**/p/{pid}")
    assert notion.pages.retrieve(pid)["in_trash"] is False


def test_database_table_view_filters_and_sorts(fresh: tuple[Server, Client], signed_in: Any) -> None:
    srv, notion = fresh
    db = notion.databases.create(
        parent={"type": "workspace", "workspace": True}, title=t("Tasks " + EVIL),
        initial_data_source={"properties": {
            "Name": {"title": {}}, "Points": {"number": {}},
            "Tag": {"select": {"options": [{"name": EVIL, "color": "red"}, {"name": "plain", "color": "blue"}]}},
            "Link": {"url": {}},
        }},
    )
    ds = db["data_sources"][0]["id"]
    for name, points, tag in [("alpha", 3, EVIL), ("beta", 1, "plain"), ("gamma", 2, "plain")]:
        notion.pages.create(parent={"data_source_id": ds}, properties={
            "Name": {"title": t(name)}, "Points": {"number": points}, "Tag": {"select": {"name": tag}},
            "Link": {"url": "javascript:alert(1)"},
        })
    page = signed_in
    page.goto(f"/w/{admin_workspace(srv)}/d/{db['id']}")
    assert page.get_by_role("heading", name="Tasks " + EVIL, level=1).is_visible()
    rows = page.locator("table.db-table tbody tr")
    assert rows.count() == 3
    assert page.locator(".tag", has_text=EVIL).count() == 1
    assert page.locator('a[href^="javascript"]').count() == 0
    page.get_by_label("Property").first.select_option("Tag")
    page.get_by_label("Condition").select_option("equals")
    page.get_by_label("Value").fill("plain")
    page.locator("#s_prop").select_option("Points")
    page.get_by_label("Direction").select_option("descending")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**f_prop=Tag**")
    names = page.locator("table.db-table tbody th").all_inner_texts()
    assert names == ["gamma", "beta"]
    # The query engine's own error, in Notion's words, for a filter it refuses.
    page.get_by_label("Property").first.select_option("Points")
    page.get_by_label("Condition").select_option("contains")
    page.get_by_label("Value").fill("2")
    page.get_by_role("button", name="Apply").click()
    assert "validation" in page.get_by_role("alert").inner_text() or "contains" in page.get_by_role("alert").inner_text()
    # Share dialog on a database too, and the rows' pages open.
    page.goto(f"/w/{admin_workspace(srv)}/d/{db['id']}")
    page.get_by_role("link", name="alpha").click()
    assert page.get_by_role("heading", name="alpha", level=1).is_visible()
    assert page.locator("table.properties .tag", has_text=EVIL).count() == 1


def test_members_invites_and_workspaces(fresh: tuple[Server, Client], signed_in: Any, browser: Any) -> None:
    srv, _notion = fresh
    owner = signed_in
    owner.get_by_role("link", name="Members").click()
    owner.get_by_role("button", name="Create invite link").click()
    link = owner.locator("#secret-token").input_value()
    assert "/invite/" in link
    first_ws = admin_workspace(srv)

    other = browser.new_context(base_url=srv.url)
    guest = other.new_page()
    guest.goto(link)
    guest.get_by_role("link", name="Sign up to join").click()
    sign_up(guest, None, "Linus", "linus@example.com")
    assert f"/w/{first_ws}" in guest.url
    # A member does not manage integrations.
    guest.get_by_role("link", name="Connections").click()
    assert "Only workspace owners" in guest.content()
    # A second workspace, and the switcher between them.
    guest.get_by_text("New workspace").click()
    guest.get_by_label("Workspace name").fill("Linus's lab")
    guest.get_by_role("button", name="Create workspace").click()
    guest.wait_for_url("**/w/*")
    second_ws = guest.url.split("/w/")[1].split("/")[0]
    assert second_ws != first_ws
    switcher = guest.get_by_role("combobox", name="Workspace")
    assert switcher.locator("option").all_inner_texts() == ["My Workspace", "Linus's lab"]
    switcher.select_option(label="My Workspace")
    guest.wait_for_url(f"**/w/{first_ws}")
    # The owner of the first workspace never sees the member's own one.
    owner.goto(f"/w/{second_ws}")
    assert "There is no workspace here" in owner.content()
    assert owner.locator("main").get_by_role("heading", name="Not found").is_visible()
    # The link worked once.
    third = browser.new_context(base_url=srv.url).new_page()
    third.goto(link)
    assert "Invitation not valid" in third.content()
    other.close()


def test_request_log_faults_and_rate_limits(fresh: tuple[Server, Client], signed_in: Any) -> None:
    srv, _notion = fresh
    page = signed_in
    with srv.store.write() as tx:
        ws = admin.ensure_workspace(tx, None)
        _info, token = admin.create_integration(tx, ws, "Logger")
    headers = {"Authorization": f"Bearer {token}", "Notion-Version": "2026-03-11"}
    page.get_by_role("link", name="Request log").click()
    page.get_by_text("Live: new requests appear").wait_for()
    missing = "00000000-0000-4000-8000-000000000000"
    assert httpx.get(f"{srv.url}/v1/pages/{missing}", headers=headers).status_code == 404
    assert httpx.get(f"{srv.url}/v1/users/me", headers=headers).status_code == 200
    table = page.locator("#request-log tbody")
    table.locator("tr", has_text="/v1/users/me").wait_for(timeout=10_000)
    first = table.locator("tr").first
    assert "/v1/users/me" in first.inner_text() and "Logger" in first.inner_text()  # newest first
    row = table.locator("tr", has_text="object_not_found")
    assert row.get_by_role("link").get_attribute("href").endswith(f"/p/{missing}")
    # Filters: only errors.
    page.get_by_label("Status").select_option("4xx")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**status=4xx**")
    assert page.locator("#request-log tbody tr").count() == 1

    # Fault injection, editable on a page.
    page.get_by_role("link", name="Faults & rate limits").click()
    page.get_by_label(re.compile("New rule")).fill('{"id": "slow-down", "path": "/v1/users/*", "status": 503}')
    page.get_by_role("button", name="Add rule").click()
    page.get_by_role("button", name="Remove rule slow-down").wait_for()
    assert httpx.get(f"{srv.url}/v1/users/me", headers=headers).status_code == 503
    page.get_by_label(re.compile("New rule")).fill('{"status": 999}')
    page.get_by_role("button", name="Add rule").click()
    assert "status" in page.get_by_role("alert").inner_text()
    page.get_by_role("button", name="Remove rule slow-down").click()
    page.wait_for_load_state()
    assert httpx.get(f"{srv.url}/v1/users/me", headers=headers).status_code == 200

    # Rate limits, editable too.
    page.get_by_label("Budget").fill("per_integration=2/60s")
    page.get_by_role("button", name="Apply").click()
    page.get_by_text("per_integration=2/60s").first.wait_for()
    codes = [httpx.get(f"{srv.url}/v1/users/me", headers=headers).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    page.get_by_label("Budget").fill("three per second")
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Budget").input_value() == "three per second"
    page.get_by_label("Budget").fill("off")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    assert httpx.get(f"{srv.url}/v1/users/me", headers=headers).status_code == 200
    page.get_by_role("link", name="Webhooks").click()
    assert page.get_by_role("heading", name="Webhooks").is_visible()
