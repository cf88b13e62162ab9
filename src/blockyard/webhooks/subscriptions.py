"""Subscriptions and the delivery log, as the integration settings page (the CLI, the admin API) sees them.

A subscription belongs to an integration. Creating one queues the verification request: a signed POST of
`{"verification_token": "secret_..."}` to its URL, sent by the running server's deliverer. It delivers
nothing until verified with that token (or created with `auto_verify`). Paused subscriptions keep their
deliveries until resumed."""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import urlsplit

import orjson
import sqlalchemy as sa

from .. import errors, ids
from ..access.admin import Workspace
from ..clock import iso
from ..store.engine import Tx
from ..store.schema import integrations
from ..store.schema_webhooks import webhook_attempts, webhook_deliveries, webhook_subscriptions
from ..versions import LATEST, VERSIONS
from .events import EVENT_TYPES, NEW_IN_2025

S = webhook_subscriptions.c
D = webhook_deliveries.c
VERIFICATION = "verification"


def _fail(message: str) -> errors.NotionError:
    return errors.validation(message)


def _not_found(kind: str, ref: str) -> errors.NotionError:
    return errors.NotionError(404, "object_not_found", f"Could not find {kind} with ID: {ref}.")


def parse_url(url: Any) -> str:
    """http(s) with a host; loopback is allowed (this is a development tool)."""
    if not isinstance(url, str) or not url:
        raise _fail(f"body failed validation: body.url should be a string, instead was `{errors.show(url)}`.")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _fail(f"body failed validation: body.url should be an http or https URL, instead was `{errors.show(url)}`.")
    return url


def parse_event_types(value: Any, api_version: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise _fail(f"body failed validation: body.event_types should be an array of strings, instead was `{errors.show(value)}`.")
    for t in value:
        if t not in EVENT_TYPES:
            raise _fail(f"body failed validation: body.event_types contains an unknown event type `{t}`. "
                        f"Expected one of: {', '.join(EVENT_TYPES)}.")
        if t in NEW_IN_2025 and api_version < "2025-09-03":
            raise _fail(f"body failed validation: {t} events need api_version 2025-09-03 or later.")
    return list(dict.fromkeys(value))


def parse_version(value: Any) -> str:
    if value is None:
        return LATEST.name
    if value not in VERSIONS:
        raise _fail(f"body failed validation: body.api_version should be one of {', '.join(VERSIONS)}, "
                    f"instead was `{errors.show(value)}`.")
    return value


def _integration(tx: Tx, ws: Workspace, ref: Any) -> Any:
    if not isinstance(ref, str) or not ref:
        raise _fail(f"body failed validation: body.integration should be a name or ID, instead was `{errors.show(ref)}`.")
    iid = ids.parse_id(ref)
    cond = integrations.c.id == iid if iid else integrations.c.name == ref
    row = tx.execute(sa.select(integrations).where(integrations.c.workspace_id == ws.id, cond)).first()
    if row is None:
        raise errors.NotionError(404, "object_not_found", f"Could not find integration {ref!r} in workspace {ws.name!r}.")
    return row


def render(row: Any, integration_name: str | None = None) -> dict[str, Any]:
    """The subscription, never its verification token."""
    out = {
        "object": "webhook_subscription", "id": row.id, "integration_id": row.integration_id,
        "url": row.url, "event_types": orjson.loads(row.event_types), "api_version": row.api_version,
        "state": row.state, "created_time": iso(row.created_time),
        "verified_time": iso(row.verified_time) if row.verified_time else None,
    }
    if integration_name is not None:
        out["integration_name"] = integration_name
    return out


def create(tx: Tx, ws: Workspace, integration: Any, url: Any, event_types: Any = None, api_version: Any = None,
           auto_verify: bool = False) -> tuple[dict[str, Any], str]:
    """The new subscription and its verification token (for `webhook listen`; never shown by other commands)."""
    row = _integration(tx, ws, integration)
    version = parse_version(api_version)
    types = parse_event_types(event_types, version)
    url = parse_url(url)
    now = tx.now
    sub_id = ids.new_id()
    token = "secret_" + secrets.token_urlsafe(32)
    tx.execute(webhook_subscriptions.insert().values(
        id=sub_id, workspace_id=ws.id, integration_id=row.id, url=url, event_types=orjson.dumps(types).decode(),
        api_version=version, verification_token=token, state="active" if auto_verify else "unverified",
        created_time=now, verified_time=now if auto_verify else None,
    ))
    _queue_verification(tx, ws, sub_id, now)
    return render(get(tx, ws, sub_id), row.name), token


def _queue_verification(tx: Tx, ws: Workspace, sub_id: str, now: int) -> None:
    tx.execute(webhook_deliveries.insert().values(
        id=ids.new_id(), workspace_id=ws.id, subscription_id=sub_id, type=VERIFICATION, entity_id=sub_id,
        entity_type="subscription", authors="[]", data="{}", timestamp=now, created_time=now, state="pending",
        attempts=0, next_attempt_at=now,
    ))


def get(tx: Tx, ws: Workspace, ref: Any) -> Any:
    sid = ids.parse_id(ref) if isinstance(ref, str) else None
    row = tx.execute(sa.select(webhook_subscriptions).where(S.workspace_id == ws.id, S.id == sid)).first() if sid else None
    if row is None:
        raise _not_found("webhook subscription", str(ref))
    return row


def list_all(tx: Tx, ws: Workspace) -> list[dict[str, Any]]:
    rows = tx.execute(
        sa.select(webhook_subscriptions, integrations.c.name.label("integration_name"))
        .join(integrations, integrations.c.id == S.integration_id)
        .where(S.workspace_id == ws.id).order_by(S.created_time, S.id)
    ).all()
    return [render(r, r.integration_name) for r in rows]


def delete(tx: Tx, ws: Workspace, ref: Any) -> dict[str, Any]:
    row = get(tx, ws, ref)
    tx.execute(webhook_deliveries.update().where(D.subscription_id == row.id, D.state.in_(("pending", "claimed")))
               .values(state="failed", finished_time=tx.now, claimed_until=None))
    tx.execute(webhook_subscriptions.delete().where(S.id == row.id))
    return {**render(row), "state": "deleted"}


def set_paused(tx: Tx, ws: Workspace, ref: Any, paused: bool) -> dict[str, Any]:
    row = get(tx, ws, ref)
    if row.state == "unverified":
        raise _fail("This webhook subscription is not verified yet: verify it first.")
    tx.execute(webhook_subscriptions.update().where(S.id == row.id).values(state="paused" if paused else "active"))
    return render(get(tx, ws, row.id))


def verify(tx: Tx, ws: Workspace, ref: Any, token: Any) -> dict[str, Any]:
    row = get(tx, ws, ref)
    if not isinstance(token, str) or not hmac.compare_digest(token.encode(), row.verification_token.encode()):
        raise _fail("The verification token does not match this webhook subscription.")
    if row.state == "unverified":
        tx.execute(webhook_subscriptions.update().where(S.id == row.id).values(state="active", verified_time=tx.now))
    return render(get(tx, ws, row.id))


def resend_verification(tx: Tx, ws: Workspace, ref: Any) -> dict[str, Any]:
    row = get(tx, ws, ref)
    _queue_verification(tx, ws, row.id, tx.now)
    return render(row)


# --- the delivery log --------------------------------------------------------------------------------

def deliveries(tx: Tx, ws: Workspace, subscription: str | None = None, failed: bool = False,
               limit: int = 50) -> list[dict[str, Any]]:
    """Deliveries newest first, each with its attempts (status, duration, a response excerpt)."""
    query = sa.select(webhook_deliveries).where(D.workspace_id == ws.id)
    if subscription:
        query = query.where(D.subscription_id == get(tx, ws, subscription).id)
    if failed:
        query = query.where(D.state == "failed")
    rows = tx.execute(query.order_by(D.seq.desc()).limit(limit)).all()
    attempts: dict[int, list[dict[str, Any]]] = {r.seq: [] for r in rows}
    if rows:
        for a in tx.execute(sa.select(webhook_attempts).where(webhook_attempts.c.delivery_seq.in_(list(attempts)))
                            .order_by(webhook_attempts.c.seq)):
            attempts[a.delivery_seq].append({
                "attempt_number": a.attempt_number, "time": iso(a.started_time), "status": a.status,
                "duration_ms": round(a.duration_ms, 1), "error": a.error, "response": a.response_excerpt,
            })
    return [{
        "object": "webhook_delivery", "id": r.id, "subscription_id": r.subscription_id, "type": r.type,
        "entity": {"id": r.entity_id, "type": r.entity_type}, "state": r.state, "attempts": r.attempts,
        "timestamp": iso(r.timestamp), "next_attempt_time": iso(r.next_attempt_at) if r.state == "pending" else None,
        "last_status": r.last_status, "log": attempts[r.seq],
    } for r in rows]


def redeliver(tx: Tx, ws: Workspace, event_id: Any) -> dict[str, Any]:
    """Send a delivery again from its first attempt (a finished one, or one waiting for its next retry)."""
    eid = ids.parse_id(event_id) if isinstance(event_id, str) else None
    row = tx.execute(sa.select(webhook_deliveries).where(D.workspace_id == ws.id, D.id == eid)).first() if eid else None
    if row is None:
        raise _not_found("webhook event", str(event_id))
    if row.state == "claimed":
        raise _fail("This event is being delivered right now.")
    if tx.execute(sa.select(S.id).where(S.id == row.subscription_id)).first() is None:
        raise _fail("The subscription of this event was deleted.")
    tx.execute(webhook_deliveries.update().where(D.seq == row.seq).values(
        state="pending", attempts=0, next_attempt_at=tx.now, finished_time=None, claimed_until=None))
    return _brief(tx, row.seq)


def _brief(tx: Tx, seq: int) -> dict[str, Any]:
    r = tx.execute(sa.select(webhook_deliveries).where(D.seq == seq)).first()
    return {"object": "webhook_delivery", "id": r.id, "subscription_id": r.subscription_id, "type": r.type,
            "state": r.state, "attempts": r.attempts}
