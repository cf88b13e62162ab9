"""`blockyard webhook create|list|delete|pause|resume|verify|resend|deliveries|redeliver|listen`."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..cli.common import database_option, emit, in_workspace, json_option, workspace_option


@click.group()
def webhook() -> None:
    """Webhook subscriptions of integrations, their deliveries, and `listen` for local development."""


def _types(events: str | None) -> list[str] | None:
    if not events:
        return None
    return [t.strip() for t in events.split(",") if t.strip()]


def _line(sub: dict[str, Any]) -> str:
    types = ",".join(sub["event_types"]) or "all events"
    who = sub.get("integration_name") or sub["integration_id"]
    return f"{sub['id']}  {sub['state']:<10}  {sub['api_version']}  {who}  {sub['url']}  ({types})"


@webhook.command("create")
@click.argument("integration")
@click.argument("url")
@click.option("--events", default=None, help="Comma-separated event types (default: every type)")
@click.option("--api-version", default=None, help="API version that shapes the payloads (default: the latest)")
@click.option("--auto-verify", is_flag=True, help="Active at once, without pasting the verification token (tests)")
@database_option
@workspace_option
@json_option
def create(integration: str, url: str, events: str | None, api_version: str | None, auto_verify: bool,
           database: str | None, workspace: str | None, as_json: bool) -> None:
    """Subscribe URL to INTEGRATION's events. The running server POSTs the verification token to URL."""
    from . import subscriptions

    with in_workspace(database, workspace) as (tx, ws):
        sub, _token = subscriptions.create(tx, ws, integration, url, _types(events), api_version, auto_verify)
    hint = "" if auto_verify else "\nThe verification token is POSTed to the URL; activate with: blockyard webhook verify ID TOKEN"
    emit(as_json, sub, f"Created webhook subscription {sub['id']} ({sub['state']}).{hint}")


@webhook.command("list")
@database_option
@workspace_option
@json_option
def list_command(database: str | None, workspace: str | None, as_json: bool) -> None:
    """The workspace's subscriptions."""
    from . import subscriptions

    with in_workspace(database, workspace) as (tx, ws):
        subs = subscriptions.list_all(tx, ws)
    emit(as_json, subs, "\n".join(_line(s) for s in subs) or "No webhook subscriptions.")


def _simple(name: str, doc: str, action: Any) -> None:
    @webhook.command(name, help=doc)
    @click.argument("subscription_id")
    @database_option
    @workspace_option
    @json_option
    def command(subscription_id: str, database: str | None, workspace: str | None, as_json: bool) -> None:
        with in_workspace(database, workspace) as (tx, ws):
            sub = action(tx, ws, subscription_id)
        emit(as_json, sub, f"Webhook subscription {sub['id']}: {sub['state']}.")


def _delete(tx: Any, ws: Any, ref: str) -> dict[str, Any]:
    from . import subscriptions

    return subscriptions.delete(tx, ws, ref)


def _pause(tx: Any, ws: Any, ref: str) -> dict[str, Any]:
    from . import subscriptions

    return subscriptions.set_paused(tx, ws, ref, True)


def _resume(tx: Any, ws: Any, ref: str) -> dict[str, Any]:
    from . import subscriptions

    return subscriptions.set_paused(tx, ws, ref, False)


def _resend(tx: Any, ws: Any, ref: str) -> dict[str, Any]:
    from . import subscriptions

    return subscriptions.resend_verification(tx, ws, ref)


_simple("delete", "Delete a subscription; its undelivered events are dropped.", _delete)
_simple("pause", "Hold a subscription's deliveries (they wait, and go out on resume).", _pause)
_simple("resume", "Deliver again, starting with what waited.", _resume)
_simple("resend", "POST the verification token to the subscription's URL again.", _resend)


@webhook.command("verify")
@click.argument("subscription_id")
@click.argument("token")
@database_option
@workspace_option
@json_option
def verify(subscription_id: str, token: str, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Activate a subscription with the verification token its URL received."""
    from . import subscriptions

    with in_workspace(database, workspace) as (tx, ws):
        sub = subscriptions.verify(tx, ws, subscription_id, token)
    emit(as_json, sub, f"Webhook subscription {sub['id']}: {sub['state']}.")


@webhook.command("deliveries")
@click.option("--subscription", default=None, help="Only this subscription's deliveries")
@click.option("--failed", is_flag=True, help="Only deliveries that gave up")
@click.option("--limit", default=50, type=click.IntRange(1, 1000), help="How many, newest first (default 50)")
@database_option
@workspace_option
@json_option
def deliveries(subscription: str | None, failed: bool, limit: int, database: str | None, workspace: str | None,
               as_json: bool) -> None:
    """The delivery log: each event with its attempts, status, duration and the start of the answer."""
    from . import subscriptions

    with in_workspace(database, workspace) as (tx, ws):
        items = subscriptions.deliveries(tx, ws, subscription, failed, limit)
    if as_json:
        click.echo(json.dumps(items, indent=2))
        return
    for d in reversed(items):
        click.echo(f"{d['timestamp']}  {d['id']}  {d['type']:<28} {d['state']:<9} attempts={d['attempts']}"
                   f"  status={d['last_status'] if d['last_status'] is not None else '-'}")
        for a in d["log"]:
            what = a["status"] if a["status"] is not None else a["error"]
            click.echo(f"    #{a['attempt_number']} {a['time']}  {what}  {a['duration_ms']}ms")
    if not items:
        click.echo("No deliveries.")


@webhook.command("redeliver")
@click.argument("event_id")
@database_option
@workspace_option
@json_option
def redeliver(event_id: str, database: str | None, workspace: str | None, as_json: bool) -> None:
    """Send an event again, from its first attempt."""
    from . import subscriptions

    with in_workspace(database, workspace) as (tx, ws):
        d = subscriptions.redeliver(tx, ws, event_id)
    emit(as_json, d, f"Event {d['id']} queued for redelivery.")


@webhook.command("listen")
@click.option("--integration", default=None, help="Whose events (name or ID; default: the only integration)")
@click.option("--forward-to", default=None, help="Also POST each event here, signed")
@click.option("--events", default=None, help="Comma-separated event types (default: every type)")
@click.option("--api-version", default=None, help="API version that shapes the payloads (default: the latest)")
@click.option("--port", default=0, type=int, help="Port to receive on (default: any free port)")
@database_option
@workspace_option
@json_option
def listen(integration: str | None, forward_to: str | None, events: str | None, api_version: str | None, port: int,
           database: str | None, workspace: str | None, as_json: bool) -> None:
    """Subscribe on the fly, print each event as the server delivers it, and unsubscribe on exit."""
    from .listen import run

    sys.exit(run(database, workspace, integration, forward_to, _types(events), api_version, port, as_json))
