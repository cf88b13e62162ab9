"""Webhooks end to end: a real Blockyard delivering to a real HTTP receiver started by the test."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from blockyard.access import capabilities as caps
from support import Server, store_url
from webhook_support import FAST, admin, settle, subscribe, verify_signature

JS = Path(__file__).parent / "js"
NODE = shutil.which("node")


def title(text: str) -> dict:
    return {"title": {"title": [{"text": {"content": text}}]}}


def by_type(events: list[dict], kind: str) -> list[dict]:
    return [e for e in events if e["type"] == kind]


# --- subscriptions ---------------------------------------------------------------------------------

def test_creating_a_subscription_posts_a_signed_verification_token_and_delivers_only_once_verified(wws, rx):
    sub = subscribe(wws, rx.url("/v"), auto_verify=False)
    assert sub["state"] == "unverified" and "verification_token" not in json.dumps(sub)
    hello = rx.verification("/v")
    token = hello.json["verification_token"]
    assert token.startswith("secret_") and hello.json == {"verification_token": token}
    assert verify_signature(hello.body, hello.headers["x-notion-signature"], token)

    client = wws.client()
    client.pages.create(parent={"page_id": wws.root_id}, properties=title("Before verification"))
    settle()
    assert rx.events("/v") == []

    wrong = admin(wws.server, "POST", f"/admin/webhooks/{sub['id']}/verify", {"verification_token": "secret_nope"},
                  workspace=wws.info.id)
    assert wrong.status_code == 400 and wrong.json()["code"] == "validation_error"
    ok = admin(wws.server, "POST", f"/admin/webhooks/{sub['id']}/verify", {"verification_token": token},
               workspace=wws.info.id)
    assert ok.status_code == 200 and ok.json()["state"] == "active"

    page = client.pages.create(parent={"page_id": wws.root_id}, properties=title("After verification"))
    [event] = rx.wait_types(["page.created"], "/v")
    assert event["entity"] == {"id": page["id"], "type": "page"}
    # Nothing from before the verification was kept for later.
    settle()
    assert len(rx.events("/v")) == 1


def test_the_envelope_is_notions(wws, rx):
    sub = subscribe(wws, rx.url("/e"), version="2025-09-03")
    page = wws.client("2025-09-03").pages.create(parent={"page_id": wws.root_id}, properties=title("Shape"))
    [event] = rx.wait_types(["page.created"], "/e")
    record = wws.integration_record()
    assert list(event) == ["id", "timestamp", "workspace_id", "workspace_name", "subscription_id", "integration_id",
                           "type", "authors", "attempt_number", "api_version", "entity", "data"]
    assert event["workspace_id"] == wws.info.id and event["workspace_name"] == "Test Workspace"
    assert event["subscription_id"] == sub["id"] and event["integration_id"] == record["id"]
    assert event["authors"] == [{"id": record["bot_id"], "type": "bot"}]
    assert event["attempt_number"] == 1 and event["api_version"] == "2025-09-03"
    assert event["data"] == {"parent": {"id": wws.root_id, "type": "page"}}
    assert event["timestamp"].endswith("Z") and len(event["timestamp"]) == 24
    # Compact JSON, signed as sent.
    raw = next(d for d in rx.got if d.path == "/e" and b"page.created" in d.body)
    assert b", " not in raw.body and b'": ' not in raw.body
    assert raw.headers["content-type"] == "application/json"
    assert page["id"] in raw.body.decode()


def test_subscription_input_is_validated(wws, rx):
    cases = [
        ({"url": "ftp://example.com/x"}, "body.url"),
        ({"url": "not a url"}, "body.url"),
        ({"url": rx.url(), "event_types": ["page.exploded"]}, "page.exploded"),
        ({"url": rx.url(), "event_types": ["data_source.created"], "api_version": "2022-06-28"}, "data_source.created"),
        ({"url": rx.url(), "api_version": "2019-01-01"}, "body.api_version"),
        ({"url": rx.url(), "integration": "Nobody"}, "Nobody"),
    ]
    for extra, words in cases:
        body = {"integration": "Test Integration", **extra}
        resp = admin(wws.server, "POST", "/admin/webhooks", body, workspace=wws.info.id)
        assert resp.status_code in (400, 404), (extra, resp.text)
        assert words in resp.json()["message"], resp.json()
    assert admin(wws.server, "GET", "/admin/webhooks", workspace=wws.info.id).json()["results"] == []
    assert admin(wws.server, "GET", "/admin/webhooks", workspace=wws.info.id).status_code == 200
    assert httpx_unauthorized(wws)


def httpx_unauthorized(wws) -> bool:
    import httpx

    resp = httpx.get(wws.server.url + "/admin/webhooks", headers={"Authorization": "Bearer wrong"})
    return resp.status_code == 401


def test_pause_holds_deliveries_until_resume_and_delete_stops_them(wws, rx):
    sub = subscribe(wws, rx.url("/p"), events=["page.created"])
    assert admin(wws.server, "POST", f"/admin/webhooks/{sub['id']}/pause", workspace=wws.info.id).json()["state"] == "paused"
    client = wws.client()
    client.pages.create(parent={"page_id": wws.root_id}, properties=title("While paused"))
    settle()
    assert rx.events("/p") == []
    admin(wws.server, "POST", f"/admin/webhooks/{sub['id']}/resume", workspace=wws.info.id)
    rx.wait_types(["page.created"], "/p")
    assert admin(wws.server, "DELETE", f"/admin/webhooks/{sub['id']}", workspace=wws.info.id).status_code == 200
    client.pages.create(parent={"page_id": wws.root_id}, properties=title("After delete"))
    settle()
    assert len(rx.events("/p")) == 1
    assert admin(wws.server, "GET", f"/admin/webhooks/{sub['id']}", workspace=wws.info.id).status_code == 404


# --- every event type ------------------------------------------------------------------------------

def _exercise(wws):
    """Every kind of change the API can make; returns the IDs involved."""
    c = wws.client("2025-09-03")
    page = c.pages.create(parent={"page_id": wws.root_id}, properties=title("Events"))
    other = c.pages.create(parent={"page_id": wws.root_id}, properties=title("Elsewhere"))
    c.pages.update(page_id=page["id"], properties=title("Events renamed"))
    added = c.blocks.children.append(block_id=page["id"], children=[
        {"paragraph": {"rich_text": [{"text": {"content": "one"}}]}},
        {"paragraph": {"rich_text": [{"text": {"content": "two"}}]}},
    ])["results"]
    c.blocks.update(block_id=added[0]["id"], paragraph={"rich_text": [{"text": {"content": "uno"}}]})
    c.blocks.delete(block_id=added[1]["id"])
    c.pages.update(page_id=page["id"], is_locked=True)
    c.pages.update(page_id=page["id"], is_locked=False)
    c.pages.move(page_id=page["id"], parent={"page_id": other["id"]})
    comment = c.comments.create(parent={"page_id": page["id"]}, rich_text=[{"text": {"content": "hi"}}])
    c.comments.update(comment_id=comment["id"], rich_text=[{"text": {"content": "hello"}}])
    c.comments.delete(comment_id=comment["id"])
    c.pages.update(page_id=page["id"], in_trash=True)
    c.pages.update(page_id=page["id"], in_trash=False)
    db = c.databases.create(parent={"page_id": wws.root_id}, title=[{"text": {"content": "Tasks"}}],
                            initial_data_source={"properties": {"Name": {"title": {}}}})
    ds_id = db["data_sources"][0]["id"]
    c.data_sources.update(data_source_id=ds_id, properties={"Done": {"checkbox": {}}})
    row = c.pages.create(parent={"data_source_id": ds_id}, properties={"Name": {"title": [{"text": {"content": "r"}}]}})
    c.databases.update(database_id=db["id"], parent={"page_id": other["id"]})
    c.data_sources.update(data_source_id=ds_id, in_trash=True)
    c.data_sources.update(data_source_id=ds_id, in_trash=False)
    c.databases.update(database_id=db["id"], in_trash=True)
    c.databases.update(database_id=db["id"], in_trash=False)
    return {"page": page["id"], "other": other["id"], "blocks": [b["id"] for b in added], "comment": comment["id"],
            "db": db["id"], "ds": ds_id, "row": row["id"]}


NEW = ["page.created", "page.created", "page.properties_updated", "page.content_updated", "page.locked", "page.unlocked",
       "page.moved", "comment.created", "comment.updated", "comment.deleted", "page.deleted", "page.undeleted",
       "database.created", "data_source.created", "data_source.schema_updated", "page.created",
       "data_source.content_updated", "database.moved", "data_source.deleted", "data_source.undeleted",
       "database.deleted", "database.undeleted"]


def test_every_event_type_reaches_a_2025_subscription(wws, rx):
    subscribe(wws, rx.url("/new"), version="2025-09-03")
    ids = _exercise(wws)
    events = rx.wait_types(NEW, "/new")
    assert not by_type(events, "database.content_updated") and not by_type(events, "database.schema_updated")
    content = by_type(events, "page.content_updated")
    blocks = {b["id"] for e in content if e["entity"]["id"] == ids["page"] for b in e["data"]["updated_blocks"]}
    assert set(ids["blocks"]) <= blocks
    [props] = [e for e in by_type(events, "page.properties_updated") if e["entity"]["id"] == ids["page"]]
    assert props["data"]["updated_properties"] == ["title"]
    [moved] = by_type(events, "page.moved")
    assert moved["data"]["parent"] == {"id": ids["other"], "type": "page"}
    [schema] = by_type(events, "data_source.schema_updated")
    assert schema["entity"] == {"id": ids["ds"], "type": "data_source"}
    assert [(p["name"], p["action"]) for p in schema["data"]["updated_properties"]] == [("Done", "created")]
    assert schema["data"]["parent"] == {"id": ids["db"], "type": "database"}
    [row] = [e for e in by_type(events, "page.created") if e["entity"]["id"] == ids["row"]]
    assert row["data"]["parent"] == {"id": ids["db"], "type": "database", "data_source_id": ids["ds"]}
    rows = by_type(events, "data_source.content_updated")
    assert rows[0]["data"]["updated_blocks"] == [{"id": ids["row"], "type": "page"}]
    [made] = by_type(events, "comment.created")
    assert made["entity"] == {"id": ids["comment"], "type": "comment"}
    assert made["data"] == {"parent": {"id": ids["page"], "type": "page"}, "page_id": ids["page"]}
    [db_moved] = by_type(events, "database.moved")
    assert db_moved["entity"] == {"id": ids["db"], "type": "database"}
    assert db_moved["data"]["parent"] == {"id": ids["other"], "type": "page"}


def test_a_2022_subscription_gets_database_events_for_data_sources(wws, rx):
    subscribe(wws, rx.url("/old"), version="2022-06-28")
    ids = _exercise(wws)
    old = ["database.created", "database.schema_updated", "database.content_updated", "database.moved",
           "database.deleted", "database.undeleted", "page.created", "comment.created"]
    events = rx.wait_types(old, "/old")
    settle()
    events = rx.events("/old")
    assert not [e for e in events if e["type"].startswith("data_source.")]
    [schema] = by_type(events, "database.schema_updated")
    assert schema["entity"] == {"id": ids["db"], "type": "database"} and schema["api_version"] == "2022-06-28"
    assert schema["data"]["parent"] == {"id": ids["other"], "type": "page"} or \
        schema["data"]["parent"] == {"id": wws.root_id, "type": "page"}
    [row] = [e for e in by_type(events, "page.created") if e["entity"]["id"] == ids["row"]]
    assert row["data"]["parent"] == {"id": ids["db"], "type": "database"}
    assert by_type(events, "database.content_updated")[0]["entity"] == {"id": ids["db"], "type": "database"}


def test_event_types_filter_what_a_subscription_gets(wws, rx):
    subscribe(wws, rx.url("/only"), events=["page.locked"])
    c = wws.client()
    page = c.pages.create(parent={"page_id": wws.root_id}, properties=title("Lock me"))
    c.pages.update(page_id=page["id"], is_locked=True)
    rx.wait_types(["page.locked"], "/only")
    settle()
    assert [e["type"] for e in rx.events("/only")] == ["page.locked"]


def test_owner_changes_outside_http_are_announced(wws, rx):
    subscribe(wws, rx.url("/owner"))
    from blockyard.domain import pages
    from blockyard.owner import owner_ctx

    with wws.server.store.write() as tx, owner_ctx(tx, wws.info) as ctx:
        made = pages.create(ctx, {"parent": {"page_id": wws.root_id}, "properties": title("By the owner")})
    [event] = rx.wait_types(["page.created"], "/owner")
    assert event["entity"]["id"] == made.id
    assert event["authors"] == [{"id": wws.info.owner_id, "type": "person"}]


def test_a_rolled_back_request_announces_nothing(wws, rx):
    subscribe(wws, rx.url("/rb"))
    c = wws.client()
    page = c.pages.create(parent={"page_id": wws.root_id}, properties=title("Rollback"))
    rx.wait_types(["page.created"], "/rb")
    # The first block is valid and inserted before the second fails validation: the request rolls back whole.
    resp = wws.raw("PATCH", f"/v1/blocks/{page['id']}/children", json={"children": [
        {"paragraph": {"rich_text": [{"text": {"content": "fine"}}]}},
        {"paragraph": {"rich_text": [{"text": {"content": "x" * 2001}}]}},
    ]})
    assert resp.status_code == 400
    settle()
    assert [e["type"] for e in rx.events("/rb")] == ["page.created"]


# --- access ----------------------------------------------------------------------------------------

def test_only_integrations_that_can_see_the_entity_hear_of_it(wws, rx):
    blind = "Blind"
    wws.integration(blind, share=None)
    no_comments = "No comments"
    wws.integration(no_comments, capabilities=(caps.READ_CONTENT, caps.UPDATE_CONTENT, caps.INSERT_CONTENT))
    subscribe(wws, rx.url("/test"))
    subscribe(wws, rx.url("/blind"), integration=blind)
    subscribe(wws, rx.url("/nocomments"), integration=no_comments)

    secret = wws.owner_page("Unshared")
    from blockyard.domain import pages
    from blockyard.owner import owner_ctx

    with wws.server.store.write() as tx, owner_ctx(tx, wws.info) as ctx:
        pages.create(ctx, {"parent": {"page_id": secret}, "properties": title("Hidden child")})
    c = wws.client()
    page = c.pages.create(parent={"page_id": wws.root_id}, properties=title("Shared"))
    c.comments.create(parent={"page_id": page["id"]}, rich_text=[{"text": {"content": "psst"}}])
    rx.wait_types(["page.created", "comment.created"], "/test")
    rx.wait_types(["page.created"], "/nocomments")
    settle()
    heard = rx.events("/test")
    assert sorted(e["type"] for e in heard) == ["comment.created", "page.created"]
    assert [e["entity"]["id"] for e in heard if e["type"] == "page.created"] == [page["id"]]
    assert [e["type"] for e in rx.events("/nocomments")] == ["page.created"]
    assert rx.events("/blind") == []

    # Sharing takes effect for the next change.
    wws.share(page["id"], blind, "view")
    c.pages.update(page_id=page["id"], is_locked=True)
    rx.wait_types(["page.locked"], "/blind")
    wws.unshare(page["id"], blind)
    c.pages.update(page_id=page["id"], is_locked=False)
    rx.wait_types(["page.unlocked"], "/test")
    settle()
    assert [e["type"] for e in rx.events("/blind")] == ["page.locked"]


# --- aggregation, retries, order ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def slow_window(server, tmp_path_factory):
    """A server whose aggregation window (3 s) comfortably holds a few requests on a busy machine."""
    srv = Server.start(store_url(server.database.startswith("postgresql"), tmp_path_factory.mktemp("whagg")),
                       **{**FAST, "webhook_aggregation_seconds": 3.0})
    srv.app.webhooks.start()
    try:
        yield srv
    finally:
        srv.stop()


def test_updates_within_the_window_arrive_as_one_event(slow_window, rx):
    wws = slow_window.new_workspace()
    subscribe(wws, rx.url("/agg"))
    other_token = wws.integration("Second writer")
    c = wws.client()
    page = c.pages.create(parent={"page_id": wws.root_id}, properties=title("Aggregate"))
    rx.wait_types(["page.created"], "/agg")
    for i in range(3):
        c.blocks.children.append(block_id=page["id"], children=[{"paragraph": {"rich_text": [{"text": {"content": str(i)}}]}}])
    wws.client(token=other_token).blocks.children.append(
        block_id=page["id"], children=[{"paragraph": {"rich_text": [{"text": {"content": "3"}}]}}])
    [content] = rx.wait_types(["page.content_updated"], "/agg")[1:]
    assert len(content["data"]["updated_blocks"]) == 4
    assert len(content["authors"]) == 2
    settle()
    assert len(by_type(rx.events("/agg"), "page.content_updated")) == 1
    # Once sent, the next change starts a new event.
    c.pages.update(page_id=page["id"], properties=title("Renamed"))
    c.blocks.children.append(block_id=page["id"], children=[{"paragraph": {"rich_text": [{"text": {"content": "4"}}]}}])
    later = rx.wait_types(["page.content_updated", "page.content_updated", "page.properties_updated"], "/agg")
    assert by_type(later, "page.content_updated")[-1]["data"]["updated_blocks"][0]["id"] not in {
        b["id"] for b in content["data"]["updated_blocks"]}


def test_failed_attempts_are_retried_with_backoff_then_marked_failed(wws, rx):
    rx.answer = lambda d: (500, b"x" * 5000, 0.0) if d.path == "/fail" else (200, b"", 0.0)
    sub = subscribe(wws, rx.url("/fail"), events=["page.created"])
    c = wws.client()
    page = c.pages.create(parent={"page_id": wws.root_id}, properties=title("Doomed"))
    events = rx.wait(lambda items: len(items) >= 8, "/fail", timeout=30)
    assert [e["attempt_number"] for e in events] == list(range(1, 9))
    assert len({e["id"] for e in events}) == 1 and events[0]["entity"]["id"] == page["id"]
    times = [d.at for d in rx.got if d.path == "/fail" and b"verification_token" not in d.body]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert gaps[-1] > gaps[0]  # exponential: the last wait is the longest
    deadline = time.time() + 10
    while True:
        log = admin(wws.server, "GET", "/admin/webhooks/deliveries", workspace=wws.info.id,
                    ).json()["results"]
        failed = [d for d in log if d["subscription_id"] == sub["id"] and d["type"] == "page.created"]
        if failed and failed[0]["state"] == "failed" or time.time() > deadline:
            break
        time.sleep(0.1)
    [d] = failed
    assert d["state"] == "failed" and d["attempts"] == 8 and len(d["log"]) == 8
    assert all(a["status"] == 500 for a in d["log"]) and len(d["log"][0]["response"]) == 1000
    only_failed = admin(wws.server, "GET", f"/admin/webhooks/deliveries?failed=true&subscription={sub['id']}",
                        workspace=wws.info.id).json()["results"]
    # The verification request failed too, on its own schedule; nothing else is listed.
    assert {x["state"] for x in only_failed} == {"failed"} and {x["type"] for x in only_failed} <= {"page.created", "verification"}
    assert only_failed[0]["id"] == d["id"]

    rx.answer = lambda d: (200, b"thanks", 0.0)
    resp = admin(wws.server, "POST", f"/admin/webhooks/deliveries/{d['id']}/redeliver", workspace=wws.info.id)
    assert resp.status_code == 200
    rx.wait(lambda items: len(items) >= 9, "/fail")
    assert rx.events("/fail")[-1]["id"] == d["id"] and rx.events("/fail")[-1]["attempt_number"] == 1


def test_events_of_one_entity_are_delivered_in_order(wws, rx):
    failures = {"left": 2}

    def answer(d):
        if d.path == "/order" and d.json.get("type") == "page.locked" and failures["left"] > 0:
            failures["left"] -= 1
            return 503, b"", 0.0
        return 200, b"", 0.0

    rx.answer = answer
    subscribe(wws, rx.url("/order"), events=["page.locked", "page.unlocked", "page.deleted"])
    c = wws.client()
    page = c.pages.create(parent={"page_id": wws.root_id}, properties=title("Ordered"))
    c.pages.update(page_id=page["id"], is_locked=True)
    c.pages.update(page_id=page["id"], is_locked=False)
    c.pages.update(page_id=page["id"], in_trash=True)
    rx.wait_types(["page.deleted"], "/order")
    got = [e["type"] for e in rx.events("/order")]
    assert got == ["page.locked"] * 3 + ["page.unlocked", "page.deleted"]


def test_a_hanging_receiver_holds_up_no_other_subscription(wws, rx):
    rx.answer = lambda d: (200, b"", 3.0) if d.path == "/slow" else (200, b"", 0.0)
    subscribe(wws, rx.url("/slow"))
    subscribe(wws, rx.url("/quick"))
    c = wws.client()
    started = time.monotonic()
    for i in range(5):
        c.pages.create(parent={"page_id": wws.root_id}, properties=title(f"Busy {i}"))
    assert time.monotonic() - started < 5  # requests never wait for delivery
    rx.wait(lambda items: len(items) >= 5, "/quick", timeout=5)
    # The quick receiver had everything while the slow one had answered nothing yet (it takes 3 s each).
    assert rx.events("/slow") == []
    # The slow receiver's attempts time out (1 s) and are retried.
    deadline = time.time() + 15
    while time.time() < deadline:
        log = admin(wws.server, "GET", "/admin/webhooks/deliveries?limit=100", workspace=wws.info.id).json()["results"]
        errors = [a for d in log for a in d["log"] if a["error"]]
        if errors:
            assert "Timeout" in errors[0]["error"]
            break
        time.sleep(0.2)
    else:
        raise AssertionError("no timed-out attempt logged")


# --- signatures with the SDKs' helpers ------------------------------------------------------------------

@pytest.mark.skipif(NODE is None or not (JS / "node_modules" / "@notionhq" / "client").is_dir(),
                    reason="node and tests/js/node_modules are needed")
def test_signatures_verify_with_the_js_sdk_helper(wws, rx, tmp_path):
    subscribe(wws, rx.url("/sig"), auto_verify=False)
    token = rx.verification("/sig").json["verification_token"]
    subs = admin(wws.server, "GET", "/admin/webhooks", workspace=wws.info.id).json()["results"]
    [sub] = [s for s in subs if s["url"].endswith("/sig")]
    admin(wws.server, "POST", f"/admin/webhooks/{sub['id']}/verify", {"verification_token": token}, workspace=wws.info.id)
    c = wws.client()
    page = c.pages.create(parent={"page_id": wws.root_id}, properties=title("Signed ünïcødé"))
    c.comments.create(parent={"page_id": page["id"]}, rich_text=[{"text": {"content": "✓"}}])
    rx.wait_types(["page.created", "comment.created"], "/sig")
    deliveries = [d for d in rx.got if d.path == "/sig"]
    cases = [{"body": d.body.decode(), "signature": d.headers["x-notion-signature"], "expect": True} for d in deliveries]
    cases.append({"body": deliveries[-1].body.decode() + " ", "signature": deliveries[-1].headers["x-notion-signature"],
                  "expect": False})
    for case in cases[:-1]:
        assert verify_signature(case["body"].encode(), case["signature"], token)
    assert not verify_signature(cases[-1]["body"].encode(), cases[-1]["signature"], token)
    script = tmp_path / "verify.mjs"
    script.write_text(
        "import { verifyWebhookSignature } from '@notionhq/client';\n"
        "import { readFileSync } from 'node:fs';\n"
        "const { token, cases } = JSON.parse(readFileSync(process.argv[2], 'utf8'));\n"
        "const out = [];\n"
        "for (const c of cases) out.push(await verifyWebhookSignature({ body: c.body, signature: c.signature, verificationToken: token }));\n"
        "console.log(JSON.stringify(out));\n"
    )
    data = tmp_path / "cases.json"
    data.write_text(json.dumps({"token": token, "cases": cases}))
    proc = subprocess.run([NODE, str(script), str(data)], cwd=JS, capture_output=True, text=True, timeout=60,
                          env={"NODE_PATH": str(JS / "node_modules"), "PATH": "/usr/bin:/bin"})
    # ESM resolves bare imports from the script's own directory: run it from inside tests/js.
    if proc.returncode != 0:
        inside = JS / f".verify-{tmp_path.name}.mjs"
        inside.write_text(script.read_text())
        try:
            proc = subprocess.run([NODE, str(inside), str(data)], cwd=JS, capture_output=True, text=True, timeout=60)
        finally:
            inside.unlink()
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [c["expect"] for c in cases]
