"""Public integrations and their OAuth clients: creation, the client secret (shown once, rotatable),
redirect URIs, and checking a client's HTTP Basic credentials."""

from __future__ import annotations

import base64
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

import orjson
import sqlalchemy as sa

from .. import ids
from ..access import admin
from ..access import capabilities as caps
from ..access.tokens import digest, hint
from ..store.engine import Tx
from ..store.schema import integrations
from ..store.schema_oauth import oauth_clients


class OAuthError(Exception):
    """An OAuth error as RFC 6749 and Notion's token endpoint give it: `error`, `error_description`."""

    def __init__(self, error: str, description: str, status: int = 400, *, keep_changes: bool = False) -> None:
        super().__init__(description)
        self.keep_changes = keep_changes
        self.error = error
        self.description = description
        self.status = status


@dataclass(frozen=True)
class Client:
    client_id: str
    integration_id: str
    name: str
    workspace_id: str
    capabilities: tuple[str, ...]
    redirect_uris: tuple[str, ...]
    template_page_id: str | None


def new_secret() -> str:
    return "secret_" + secrets.token_urlsafe(32)


def check_redirect_uri(uri: str) -> str:
    uri = uri.strip()
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment or "#" in uri:
        raise admin.AdminError(f"redirect URI {uri!r} must be an absolute http(s) URL without a fragment")
    return uri


def create_public(tx: Tx, ws: admin.Workspace, name: str, redirect_uris: list[str],
                  capabilities: tuple[str, ...] = caps.DEFAULT, template_page_id: str | None = None
                  ) -> tuple[dict, str]:
    """A new public integration and its OAuth client; returns it and the client secret (shown once)."""
    name = name.strip()
    if not name:
        raise admin.AdminError("an integration needs a name")
    if admin._integration_row(tx, ws, name) is not None:
        raise admin.AdminError(f"an integration named {name!r} already exists")
    uris = list(dict.fromkeys(check_redirect_uri(u) for u in redirect_uris))
    if not uris:
        raise admin.AdminError("a public integration needs at least one redirect URI")
    integration_id, bot, client_id = ids.new_id(), ids.new_id(), ids.new_id()
    # No bot user in the developer's workspace: each install gets a bot of its own where it is installed.
    tx.execute(integrations.insert().values(
        id=integration_id, workspace_id=ws.id, name=name, kind="public", bot_user_id=bot,
        capabilities=orjson.dumps(list(capabilities)).decode(), created_by=ws.owner_id, created_time=tx.now,
    ))
    secret = new_secret()
    tx.execute(oauth_clients.insert().values(
        client_id=client_id, integration_id=integration_id, secret_hash=digest(secret), secret_hint=hint(secret),
        redirect_uris=orjson.dumps(uris).decode(), template_page_id=template_page_id, created_time=tx.now,
    ))
    return {"id": integration_id, "name": name, "client_id": client_id, "redirect_uris": uris,
            "capabilities": list(capabilities)}, secret


def client_for_integration(tx: Tx, ws: admin.Workspace, ref: str) -> Client:
    row = admin._require_integration(tx, ws, ref)
    client_id = tx.execute(
        sa.select(oauth_clients.c.client_id).where(oauth_clients.c.integration_id == row.id)
    ).scalar()
    if client_id is None:
        raise admin.AdminError(f"integration {ref!r} is not a public integration")
    found = get(tx, client_id)
    assert found is not None
    return found


def rotate_secret(tx: Tx, ws: admin.Workspace, ref: str) -> str:
    """A new client secret; the old one stops working at once."""
    client = client_for_integration(tx, ws, ref)
    secret = new_secret()
    tx.execute(oauth_clients.update().where(oauth_clients.c.client_id == client.client_id)
               .values(secret_hash=digest(secret), secret_hint=hint(secret)))
    return secret


def forget(tx: Tx, integration_id: str) -> None:
    """Before a public integration is deleted: its client goes, and every install's tokens stop working.
    The installs stay in their workspaces (their bots wrote things) until their owners remove them."""
    from ..store.schema import tokens
    from ..store.schema_oauth import oauth_codes, oauth_installs, oauth_refresh_tokens

    client_id = tx.execute(
        sa.select(oauth_clients.c.client_id).where(oauth_clients.c.integration_id == integration_id)
    ).scalar()
    if client_id is None:
        return
    installs = sa.select(oauth_installs.c.integration_id).where(oauth_installs.c.client_id == client_id)
    tx.execute(tokens.delete().where(tokens.c.integration_id.in_(installs)))
    tx.execute(oauth_refresh_tokens.delete().where(oauth_refresh_tokens.c.client_id == client_id))
    tx.execute(oauth_codes.delete().where(oauth_codes.c.client_id == client_id))
    tx.execute(oauth_clients.delete().where(oauth_clients.c.client_id == client_id))


_CLIENT = (
    sa.select(oauth_clients, integrations.c.name, integrations.c.workspace_id, integrations.c.capabilities)
    .join(integrations, integrations.c.id == oauth_clients.c.integration_id)
)


def get(tx: Tx, client_id: str) -> Client | None:
    cid = ids.parse_id(client_id or "")
    if cid is None:
        return None
    row = tx.execute(_CLIENT.where(oauth_clients.c.client_id == cid)).first()
    if row is None:
        return None
    return Client(row.client_id, row.integration_id, row.name, row.workspace_id,
                  tuple(orjson.loads(row.capabilities)), tuple(orjson.loads(row.redirect_uris)),
                  row.template_page_id)


def authenticate(tx: Tx, authorization: str | None) -> Client:
    """The client named by HTTP Basic credentials, or 401 `invalid_client`."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        raise OAuthError("invalid_client", "Client authentication is required: send HTTP Basic credentials.", 401)
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):  # binascii.Error is a ValueError; so are non-ASCII characters
        raise OAuthError("invalid_client", "The Authorization header is not valid Basic credentials.", 401) from None
    client_id, colon, secret = decoded.partition(":")
    row = None
    cid = ids.parse_id(client_id)
    if colon and cid is not None:
        row = tx.execute(sa.select(oauth_clients.c.secret_hash).where(oauth_clients.c.client_id == cid)).first()
    # Compared even for an unknown client, so both take the same time.
    wanted = row.secret_hash if row is not None else digest("unknown client")
    if not hmac.compare_digest(wanted, digest(secret)) or row is None:
        raise OAuthError("invalid_client", "Invalid client credentials.", 401)
    client = get(tx, client_id)
    assert client is not None
    return client
