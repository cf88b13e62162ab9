"""Tokens are stored as SHA-256 digests and looked up by digest, never compared in the clear."""

from __future__ import annotations

import hashlib
import hmac

import orjson
import sqlalchemy as sa

from ..store.engine import Tx
from ..store.schema import integrations, tokens, users, workspaces
from .principal import Principal
from . import capabilities as caps


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def hint(token: str) -> str:
    return "…" + token[-4:]


_lookup = (
    sa.select(
        tokens.c.hash,
        tokens.c.kind,
        tokens.c.user_id,
        tokens.c.workspace_id,
        workspaces.c.name.label("workspace_name"),
        integrations.c.id.label("integration_id"),
        integrations.c.name.label("integration_name"),
        integrations.c.capabilities,
        integrations.c.kind.label("integration_kind"),
    )
    .select_from(
        tokens.join(workspaces, workspaces.c.id == tokens.c.workspace_id).outerjoin(
            integrations, integrations.c.id == tokens.c.integration_id
        )
    )
    .where(tokens.c.hash == sa.bindparam("hash"))
)


def authenticate(tx: Tx, wanted: str) -> Principal | None:
    """The principal for a token's digest (see `digest`), or None."""
    row = tx.execute(_lookup, {"hash": wanted}).first()
    if row is None or not hmac.compare_digest(row.hash, wanted):
        return None
    if row.kind == "personal":
        return Principal(
            workspace_id=row.workspace_id,
            workspace_name=row.workspace_name,
            user_id=row.user_id,
            kind="personal",
            capabilities=caps.EVERYTHING,
        )
    return Principal(
        workspace_id=row.workspace_id,
        workspace_name=row.workspace_name,
        user_id=row.user_id,
        kind="integration",
        capabilities=frozenset(orjson.loads(row.capabilities)),
        integration_id=row.integration_id,
        integration_name=row.integration_name,
        public=row.integration_kind == "oauth",
    )


def store_token(tx: Tx, token: str, *, workspace_id: str, kind: str, user_id: str, integration_id: str | None) -> None:
    tx.execute(
        tokens.insert().values(
            hash=digest(token),
            workspace_id=workspace_id,
            kind=kind,
            integration_id=integration_id,
            user_id=user_id,
            hint=hint(token),
            created_time=tx.now,
        )
    )


def personal_user(tx: Tx, workspace_id: str) -> str:
    """The workspace owner, for whom personal tokens act."""
    return tx.execute(
        sa.select(users.c.id).where(users.c.workspace_id == workspace_id, users.c.is_owner.is_(True))
    ).scalar_one()
