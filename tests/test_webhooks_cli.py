"""`blockyard webhook ...` against a live server's store: subscriptions, the delivery log, and `listen`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner

from blockyard.cli import main
from webhook_support import settle, verify_signature


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("BLOCKYARD_")}


@pytest.fixture
def cli(wws):
    runner = CliRunner()

    def run(*args: str, ok: bool = True):
        result = runner.invoke(main, ["webhook", *args, "--database", wws.server.database, "--workspace", wws.info.id],
                               env=env(), catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return run


def title(text: str) -> dict:
    return {"title": {"title": [{"text": {"content": text}}]}}


def test_subscription_lifecycle_from_the_command_line(wws, rx, cli):
    sub = json.loads(cli("create", "Test Integration", rx.url("/cli"), "--events", "page.created,page.locked",
                         "--api-version", "2025-09-03", "--json").output)
    assert sub["state"] == "unverified" and sub["event_types"] == ["page.created", "page.locked"]
    assert sub["api_version"] == "2025-09-03"
    token = rx.verification("/cli").json["verification_token"]
    [listed] = json.loads(cli("list", "--json").output)
    assert listed["id"] == sub["id"] and "verification_token" not in listed and token not in cli("list").output

    bad = cli("verify", sub["id"], "secret_wrong", ok=False)
    assert bad.exit_code != 0 and "does not match" in bad.output
    assert json.loads(cli("verify", sub["id"], token, "--json").output)["state"] == "active"
    cli("resend", sub["id"])
    rx.wait(lambda _items: sum(1 for d in rx.got if b"verification_token" in d.body) >= 2)
    assert sum(1 for d in rx.got if d.json == {"verification_token": token}) == 2

    page = wws.client().pages.create(parent={"page_id": wws.root_id}, properties=title("From the CLI test"))
    [event] = rx.wait_types(["page.created"], "/cli")
    assert event["entity"]["id"] == page["id"]

    assert json.loads(cli("pause", sub["id"], "--json").output)["state"] == "paused"
    assert json.loads(cli("resume", sub["id"], "--json").output)["state"] == "active"

    deadline = time.time() + 15  # the receiver has it; the deliverer writes the outcome just after
    while True:
        log = json.loads(cli("deliveries", "--subscription", sub["id"], "--json").output)
        delivered = [d for d in log if d["id"] == event["id"]]
        if delivered and delivered[0]["state"] == "delivered" or time.time() > deadline:
            break
        time.sleep(0.1)
    assert delivered and delivered[0]["state"] == "delivered" and delivered[0]["log"][0]["status"] == 200
    assert event["id"] in cli("deliveries").output

    assert "queued for redelivery" in cli("redeliver", event["id"]).output
    rx.wait(lambda items: len(items) >= 2, "/cli")
    assert rx.events("/cli")[-1]["id"] == event["id"]

    assert json.loads(cli("delete", sub["id"], "--json").output)["state"] == "deleted"
    assert json.loads(cli("list", "--json").output) == []


def test_bad_input_is_refused_with_the_field_named(wws, rx, cli):
    for args, words in [
        (("create", "Test Integration", "ftp://x"), "body.url"),
        (("create", "Test Integration", rx.url(), "--events", "page.nope"), "page.nope"),
        (("create", "Nobody", rx.url()), "Nobody"),
        (("verify", "not-an-id", "secret_x"), "not-an-id"),
        (("redeliver", "00000000-0000-4000-8000-000000000000"), "Could not find"),
    ]:
        result = cli(*args, ok=False)
        assert result.exit_code != 0 and words in result.output, result.output


def test_auto_verify_delivers_at_once(wws, rx, cli):
    sub = json.loads(cli("create", "Test Integration", rx.url("/auto"), "--auto-verify", "--json").output)
    assert sub["state"] == "active"
    wws.client().pages.create(parent={"page_id": wws.root_id}, properties=title("Auto"))
    rx.wait_types(["page.created"], "/auto")


def test_listen_prints_and_forwards_signed_events_and_unsubscribes_on_exit(wws, rx):
    proc = subprocess.Popen(
        [sys.executable, "-m", "blockyard.cli", "webhook", "listen", "--database", wws.server.database,
         "--workspace", wws.info.id, "--integration", "Test Integration", "--forward-to", rx.url("/fwd"), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())
    lines: list[str] = []
    errors: list[str] = []
    threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True).start()
    ready = threading.Event()

    def read_errors() -> None:
        for line in iter(proc.stderr.readline, ""):
            errors.append(line)
            if line.startswith("Ready"):
                ready.set()

    threading.Thread(target=read_errors, daemon=True).start()
    try:
        assert ready.wait(30), errors
        secret = next(line.rsplit(" ", 1)[1].strip() for line in errors if "signing secret" in line)
        page = wws.client().pages.create(parent={"page_id": wws.root_id}, properties=title("Heard by listen"))
        [event] = rx.wait_types(["page.created"], "/fwd")
        assert event["entity"]["id"] == page["id"]
        forwarded = next(d for d in rx.got if d.path == "/fwd")
        assert verify_signature(forwarded.body, forwarded.headers["x-notion-signature"], secret)
        deadline = time.time() + 10
        while not lines and time.time() < deadline:
            time.sleep(0.05)
        assert json.loads(lines[0])["id"] == event["id"]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
    assert proc.returncode == 0, errors
    assert any("Removed subscription" in line for line in errors)
    with wws.server.store.read() as tx:
        from blockyard.webhooks import subscriptions

        assert subscriptions.list_all(tx, wws.info) == []
    settle(0.3)
