"""Installs, authorization codes and token pairs: what the consent page and /v1/oauth/token,
/introspect and /revoke do. Every function runs inside the caller's transaction."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

import orjson
import sqlalchemy as sa

from .. import ids
from ..access.tokens import digest, store_token
from ..store.engine import Tx
from ..store.schema import grants, integrations, nodes, tokens, users, workspaces
from ..store.schema_oauth import oauth_codes, oauth_installs, oauth_refresh_tokens
from .clients import Client, OAuthError

CODE_TTL_MS = 10 * 60 * 1000  # RFC 6749 §4.1.2 recommends at most ten minutes
SHARE_ACCESS = "edit"  # what the page picker grants: the integration's capabilities decide the rest


def install(tx: Tx, client: Client, workspace_id: str, owner_user_id: str, page_ids: list[str]) -> str:
    """The person's install of `client` in the workspace (made now if it is the first), with the chosen
    pages shared; returns its integration ID. Authorizing again adds pages to the same bot."""
    existing = tx.execute(sa.select(oauth_installs.c.integration_id).where(
        oauth_installs.c.client_id == client.client_id, oauth_installs.c.workspace_id == workspace_id,
        oauth_installs.c.owner_user_id == owner_user_id,
    )).scalar()
    if existing is not None and tx.execute(
            sa.select(integrations.c.id).where(integrations.c.id == existing)).first() is None:
        # Removed from the workspace's Connections since: this authorization starts over.
        tx.execute(oauth_installs.delete().where(oauth_installs.c.integration_id == existing))
        existing = None
    if existing is None:
        existing, bot = ids.new_id(), ids.new_id()
        tx.execute(users.insert().values(
            id=bot, workspace_id=workspace_id, type="bot", name=client.name, email=None, avatar_url=None,
            is_owner=False, integration_id=existing, created_time=tx.now,
        ))
        tx.execute(integrations.insert().values(
            id=existing, workspace_id=workspace_id, name=_free_name(tx, workspace_id, client.name, owner_user_id),
            kind="oauth", bot_user_id=bot,
            capabilities=orjson.dumps(list(client.capabilities)).decode(), created_by=owner_user_id,
            created_time=tx.now,
        ))
        tx.execute(oauth_installs.insert().values(
            integration_id=existing, client_id=client.client_id, workspace_id=workspace_id,
            owner_user_id=owner_user_id, duplicated_template_id=None, created_time=tx.now,
        ))
    else:  # the install follows the public integration's capabilities as they are now
        tx.execute(integrations.update().where(integrations.c.id == existing)
                   .values(capabilities=orjson.dumps(list(client.capabilities)).decode()))
    chosen = sorted(set(page_ids))
    if chosen:
        tx.execute(grants.delete().where(grants.c.integration_id == existing, grants.c.object_id.in_(chosen)))
        tx.execute(grants.insert(), [
            {"integration_id": existing, "object_id": oid, "workspace_id": workspace_id, "access": SHARE_ACCESS,
             "created_time": tx.now} for oid in chosen
        ])
    return existing


def _free_name(tx: Tx, workspace_id: str, name: str, owner_user_id: str) -> str:
    """Integration names are unique in a workspace (its Connections list them by name): the public
    integration's name, else with the name of the person who installed it, else with a number too."""
    person = tx.execute(sa.select(users.c.name).where(users.c.id == owner_user_id)).scalar() or "someone"
    taken = set(tx.execute(sa.select(integrations.c.name).where(
        integrations.c.workspace_id == workspace_id, integrations.c.name.like(name[:150] + "%"))).scalars())
    for candidate in (name, f"{name[:150]} ({person[:40]})"):
        if candidate not in taken:
            return candidate
    n = 2
    while f"{name[:150]} ({person[:40]}) {n}" in taken:
        n += 1
    return f"{name[:150]} ({person[:40]}) {n}"


def pickable(tx: Tx, workspace_id: str, page_ids: list[str]) -> list[str]:
    """Those of `page_ids` that are live pages or databases of the workspace."""
    wanted = [i for i in (ids.parse_id(p) for p in page_ids) if i]
    if not wanted:
        return []
    return list(tx.execute(sa.select(nodes.c.id).where(
        nodes.c.id.in_(wanted), nodes.c.workspace_id == workspace_id, nodes.c.kind.in_(("page", "database")),
        nodes.c.in_trash.is_(False),
    )).scalars())


def new_code(tx: Tx, client: Client, install_id: str, redirect_uri: str | None) -> str:
    code = secrets.token_urlsafe(32)
    tx.execute(oauth_codes.delete().where(oauth_codes.c.expires_time < tx.now))
    tx.execute(oauth_codes.insert().values(
        hash=digest(code), client_id=client.client_id, install_id=install_id, redirect_uri=redirect_uri,
        expires_time=tx.now + CODE_TTL_MS, used_time=None, access_hash=None,
    ))
    return code


def _issue(tx: Tx, client: Client, install_id: str) -> tuple[str, str, Any]:
    """A fresh access and refresh token pair for an install."""
    row = tx.execute(sa.select(integrations.c.workspace_id, integrations.c.bot_user_id)
                     .where(integrations.c.id == install_id)).first()
    if row is None:  # the install was deleted from the workspace's Connections
        raise OAuthError("invalid_grant", "The authorization was removed.")
    access = ids.new_token()
    refresh = ids.new_token("nrt_")
    store_token(tx, access, workspace_id=row.workspace_id, kind="integration", user_id=row.bot_user_id,
                integration_id=install_id)
    tx.execute(oauth_refresh_tokens.insert().values(
        hash=digest(refresh), client_id=client.client_id, install_id=install_id, access_hash=digest(access),
        created_time=tx.now,
    ))
    return access, refresh, row


def _answer(tx: Tx, install_id: str, access: str, refresh: str) -> dict[str, Any]:
    inst = tx.execute(sa.select(oauth_installs).where(oauth_installs.c.integration_id == install_id)).one()
    bot = tx.execute(sa.select(integrations.c.bot_user_id).where(integrations.c.id == install_id)).scalar_one()
    ws_name = tx.execute(sa.select(workspaces.c.name).where(workspaces.c.id == inst.workspace_id)).scalar()
    person = tx.execute(sa.select(users).where(users.c.id == inst.owner_user_id)).first()
    owner = {"object": "user", "id": inst.owner_user_id}
    if person is not None:
        owner.update({"name": person.name, "avatar_url": person.avatar_url, "type": "person",
                      "person": {"email": person.email} if person.email else {}})
    return {
        "access_token": access,
        "token_type": "bearer",
        "refresh_token": refresh,
        "bot_id": bot,
        "workspace_id": inst.workspace_id,
        "workspace_name": ws_name,
        "workspace_icon": None,
        "owner": {"type": "user", "user": owner},
        "duplicated_template_id": inst.duplicated_template_id,
    }


def _text(body: dict[str, Any], name: str, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise OAuthError("invalid_request", f"{name} is required.")
        return None
    if not isinstance(value, str) or not value:
        raise OAuthError("invalid_request", f"{name} should be a non-empty string.")
    return value


def exchange_code(tx: Tx, client: Client, body: dict[str, Any]) -> dict[str, Any]:
    code = _text(body, "code") or ""
    redirect_uri = _text(body, "redirect_uri", required=False)
    row = tx.execute(sa.select(oauth_codes).where(oauth_codes.c.hash == digest(code))).first()
    if row is None or not hmac.compare_digest(row.hash, digest(code)) or row.client_id != client.client_id:
        raise OAuthError("invalid_grant", "Invalid code.")
    if row.used_time is not None:
        # A code presented twice may have been stolen: what it was exchanged for stops working (RFC 6749 §4.1.2).
        if row.access_hash:
            _revoke_access(tx, row.access_hash)
        raise OAuthError("invalid_grant", "Invalid code: this code has already been used.", keep_changes=True)
    if row.expires_time <= tx.now:
        raise OAuthError("invalid_grant", "Invalid code: this code has expired.")
    if row.redirect_uri is not None:
        if redirect_uri is None:
            raise OAuthError("invalid_request", "redirect_uri is required: the authorization request gave one.")
        if redirect_uri != row.redirect_uri:
            raise OAuthError("invalid_grant", "Invalid redirect_uri: it does not match the authorization request.")
    elif redirect_uri is not None:
        raise OAuthError("invalid_request",
                         "redirect_uri is not allowed: the authorization request gave none and one URI is registered.")
    access, refresh, _ = _issue(tx, client, row.install_id)
    tx.execute(oauth_codes.update().where(oauth_codes.c.hash == row.hash)
               .values(used_time=tx.now, access_hash=digest(access)))
    return _answer(tx, row.install_id, access, refresh)


def refresh(tx: Tx, client: Client, body: dict[str, Any]) -> dict[str, Any]:
    """A new access token and a new refresh token; the old pair stops working."""
    value = _text(body, "refresh_token") or ""
    row = tx.execute(sa.select(oauth_refresh_tokens).where(oauth_refresh_tokens.c.hash == digest(value))).first()
    if row is None or not hmac.compare_digest(row.hash, digest(value)) or row.client_id != client.client_id:
        raise OAuthError("invalid_grant", "Invalid refresh token: it has expired or been revoked.")
    tx.execute(oauth_refresh_tokens.delete().where(oauth_refresh_tokens.c.hash == row.hash))
    tx.execute(tokens.delete().where(tokens.c.hash == row.access_hash))
    access, new_refresh, _ = _issue(tx, client, row.install_id)
    return _answer(tx, row.install_id, access, new_refresh)


def _client_token(tx: Tx, client: Client, token: str) -> tuple[str, Any] | None:
    """("access", token row) or ("refresh", refresh row) for a token of one of this client's installs."""
    key = digest(token)
    row = tx.execute(
        sa.select(tokens.c.hash, tokens.c.created_time, integrations.c.capabilities)
        .join(oauth_installs, oauth_installs.c.integration_id == tokens.c.integration_id)
        .join(integrations, integrations.c.id == tokens.c.integration_id)
        .where(tokens.c.hash == key, oauth_installs.c.client_id == client.client_id)
    ).first()
    if row is not None:
        return "access", row
    row = tx.execute(sa.select(oauth_refresh_tokens).where(
        oauth_refresh_tokens.c.hash == key, oauth_refresh_tokens.c.client_id == client.client_id)).first()
    return ("refresh", row) if row is not None else None


def introspect(tx: Tx, client: Client, body: dict[str, Any]) -> dict[str, Any]:
    token = _text(body, "token") or ""
    found = _client_token(tx, client, token)
    if found is None:
        return {"active": False}
    kind, row = found
    scope = " ".join(orjson.loads(row.capabilities)) if kind == "access" else None
    out: dict[str, Any] = {"active": True}
    if scope is not None:
        out["scope"] = scope
    out["iat"] = row.created_time // 1000
    return out


def _revoke_access(tx: Tx, access_hash: str) -> None:
    tx.execute(tokens.delete().where(tokens.c.hash == access_hash))
    tx.execute(oauth_refresh_tokens.delete().where(oauth_refresh_tokens.c.access_hash == access_hash))


def revoke(tx: Tx, client: Client, body: dict[str, Any]) -> dict[str, Any]:
    """Revokes an access token or a refresh token, and the other of its pair. An unknown token is
    no error (RFC 7009 §2.2): afterwards it does not work, which is what was asked."""
    token = _text(body, "token") or ""
    found = _client_token(tx, client, token)
    if found is not None:
        kind, row = found
        _revoke_access(tx, row.hash if kind == "access" else row.access_hash)
    return {}
