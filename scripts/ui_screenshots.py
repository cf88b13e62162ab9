"""Screenshots of every web UI page for docs/ui.md: `.venv/bin/python scripts/ui_screenshots.py`.

Starts a server on a fresh SQLite store, fills it like the getting-started guide, and drives Debian's
Chromium through each page with Playwright. PNGs go to docs/ui/."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from notion_client import Client  # noqa: E402

from blockyard.access import admin  # noqa: E402
from support import Server  # noqa: E402
from web_support import ARGS, chromium_path, sign_up  # noqa: E402

OUT = ROOT / "docs" / "ui"


def t(content: str, **annotations: bool | str) -> list[dict]:
    item: dict = {"type": "text", "text": {"content": content}}
    if annotations:
        item["annotations"] = annotations
    return [item]


def b(kind: str, **payload: object) -> dict:
    return {"object": "block", "type": kind, kind: payload}


def seed(srv: Server) -> tuple[str, str, str, str]:
    with srv.store.write() as tx:
        ws = admin.ensure_workspace(tx, None)
        token = admin.create_personal_token(tx, ws)
        _info, bot = admin.create_integration(tx, ws, "My First API Test")
    notion = Client(auth=token, base_url=srv.url, notion_version="2026-03-11")
    db = notion.databases.create(
        parent={"type": "workspace", "workspace": True}, title=t("My Projects"), icon={"type": "emoji", "emoji": "🗂"},
        initial_data_source={"properties": {
            "Name": {"title": {}},
            "Status": {"status": {}},
            "Points": {"number": {}},
            "Tags": {"multi_select": {"options": [{"name": "api", "color": "blue"}, {"name": "ui", "color": "green"},
                                                  {"name": "docs", "color": "orange"}]}},
            "Due": {"date": {}},
        }},
    )
    ds = db["data_sources"][0]["id"]
    for i, (name, points, tags) in enumerate([("Write the guide", 3, ["docs"]), ("Share dialog", 5, ["ui"]),
                                              ("Query engine", 8, ["api"]), ("Request log", 2, ["ui", "api"])]):
        notion.pages.create(parent={"data_source_id": ds}, properties={
            "Name": {"title": t(name)}, "Points": {"number": points},
            "Tags": {"multi_select": [{"name": x} for x in tags]}, "Due": {"date": {"start": f"2026-12-{10 + i}"}},
        })
    page = notion.pages.create(parent={"workspace": True}, icon={"type": "emoji", "emoji": "📘"},
                               properties={"title": {"title": t("Getting started")}})
    child = notion.pages.create(parent={"page_id": page["id"]}, properties={"title": {"title": t("Notes")}})
    notion.blocks.children.append(page["id"], children=[
        b("callout", rich_text=t("Blockyard speaks Notion's API: only the base URL and the token differ."),
          icon={"type": "emoji", "emoji": "💡"}, color="gray_background"),
        b("heading_1", rich_text=t("Set up")),
        b("to_do", rich_text=t("Create an integration"), checked=True),
        b("to_do", rich_text=t("Share a page with it"), checked=False),
        b("paragraph", rich_text=[*t("Text can be "), *t("bold", bold=True), *t(", "), *t("italic", italic=True),
                                  *t(", "), *t("code", code=True), *t(", "), *t("red", color="red"), *t(" or link to "),
                                  {"type": "mention", "mention": {"page": {"id": child["id"]}}},
                                  *t(" and hold "), {"type": "equation", "equation": {"expression": "E = mc^2"}}]),
        b("heading_2", rich_text=t("A toggle heading"), is_toggleable=True,
          children=[b("paragraph", rich_text=t("Hidden until opened."))]),
        b("bulleted_list_item", rich_text=t("Lists")), b("bulleted_list_item", rich_text=t("of things")),
        b("numbered_list_item", rich_text=t("First")), b("numbered_list_item", rich_text=t("Second")),
        b("quote", rich_text=t("Simple things should be simple.")),
        b("code", language="python", rich_text=t('from notion_client import Client\n\nnotion = Client(auth=TOKEN, '
                                                 'base_url="http://127.0.0.1:8787")\nprint(notion.users.me())')),
        b("equation", expression="\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}"),
        b("table", table_width=3, has_column_header=True, children=[
            b("table_row", cells=[t("Version"), t("Data sources"), t("in_trash")]),
            b("table_row", cells=[t("2022-06-28"), t("no"), t("archived")]),
            b("table_row", cells=[t("2025-09-03"), t("yes"), t("both")]),
        ]),
        b("column_list", children=[
            b("column", children=[b("paragraph", rich_text=t("Left column"))]),
            b("column", children=[b("paragraph", rich_text=t("Right column"))]),
        ]),
        b("bookmark", url="https://developers.notion.com/docs/getting-started"),
        b("divider"),
    ])
    # Some API traffic for the request log.
    headers = {"Authorization": f"Bearer {bot}", "Notion-Version": "2022-06-28"}
    httpx.get(f"{srv.url}/v1/users/me", headers=headers)
    httpx.get(f"{srv.url}/v1/databases/{db['id']}", headers=headers)
    httpx.post(f"{srv.url}/v1/search", headers=headers, json={"query": "x"})
    httpx.patch(f"{srv.url}/v1/pages/{page['id']}", headers=headers, json={"bogus": 1})
    return ws.id, page["id"], db["id"], bot


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        srv = Server.start(str(Path(tmp) / "ui.db"))
        try:
            wid, pid, dbid, _bot = seed(srv)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
                context = browser.new_context(base_url=srv.url, viewport={"width": 1200, "height": 760})
                page = context.new_page()

                def shot(name: str, full: bool = False) -> None:
                    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)

                page.goto("/login")
                shot("login")
                page.goto("/signup")
                page.get_by_label("Name").fill("Ada Lovelace")
                page.get_by_label("Email").fill("ada@example.com")
                shot("signup")
                sign_up(page, srv.url, "Ada Lovelace", "ada@example.com")
                shot("home")
                page.goto(f"/w/{wid}/p/{pid}")
                shot("page", full=True)
                page.get_by_role("link", name="Edit Quote block").click()
                shot("block-edit")
                page.goto(f"/w/{wid}/d/{dbid}?s_prop=Points&s_dir=descending")
                shot("database")
                page.get_by_role("button", name="Share").click()
                shot("share-dialog")
                page.get_by_role("dialog").get_by_role("button", name="Invite").click()
                page.locator("dialog .grant-name").wait_for()
                shot("share-dialog-granted")
                page.goto(f"/w/{wid}/settings/integrations")
                shot("connections", full=True)
                page.get_by_label("Name", exact=True).fill("Guide integration")
                page.get_by_role("button", name="Create integration").click()
                shot("integration-created")
                page.goto(f"/w/{wid}/settings/members")
                page.get_by_role("button", name="Create invite link").click()
                shot("members")
                page.goto(f"/w/{wid}/dev/log")
                page.get_by_text("Live:").wait_for()
                shot("request-log")
                page.goto(f"/w/{wid}/dev/faults")
                page.get_by_label("New rule (JSON, as POST /admin/faults takes)").fill(
                    '{"id": "flaky-pages", "path": "/v1/pages/*", "status": 503, "every_nth": 3}')
                page.get_by_role("button", name="Add rule").click()
                shot("faults")
                page.goto(f"/w/{wid}/dev/webhooks")
                shot("webhooks")
                page.goto(f"/w/{wid}/p/{pid}")
                page.get_by_role("button", name="Move to trash").click()
                shot("trash")
                browser.close()
        finally:
            srv.stop()
    for path in sorted(OUT.glob("*.png")):
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
