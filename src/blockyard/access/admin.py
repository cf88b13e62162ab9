"""What Notion's settings pages do: workspaces, owners, integrations, tokens and sharing.

Used by the CLI (and later the web UI); every function runs inside the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass

import orjson
import sqlalchemy as sa

from .. import ids
from ..store.engine import Tx
from ..store.schema import grants, integrations, nodes, tokens, users, workspaces
from . import capabilities as caps
from .tokens import store_token


class AdminError(Exception):
    """A settings action that cannot be done; the message is for people."""


@dataclass(frozen=True)
class Workspace:
    id: str
    name: str
    owner_id: str


ACCESS_LEVELS = ("view", "comment", "edit", "full")


def ensure_workspace(tx: Tx, ref: str | None = None, *, create_name: str = "My Workspace") -> Workspace:
    """The workspace named or identified by `ref` (default: the first one), created with its owner if none exists."""
    query = sa.select(workspaces).order_by(workspaces.c.created_time, workspaces.c.id)
    if ref:
        wid = ids.parse_id(ref)
        query = query.where(workspaces.c.id == wid if wid else workspaces.c.name == ref)
    found = tx.execute(query.limit(2)).all()
    if len(found) > 1 and ref:
        raise AdminError(f"more than one workspace is named {ref!r}: give its ID (`blockyard workspace list`)")
    row = found[0] if found else None
    if row is None:
        if ref and tx.execute(sa.select(sa.func.count()).select_from(workspaces)).scalar():
            raise AdminError(f"no workspace {ref!r}")
        return create_workspace(tx, ref or create_name)
    owner = tx.execute(
        sa.select(users.c.id).where(users.c.workspace_id == row.id, users.c.is_owner.is_(True))
    ).scalar_one()
    return Workspace(row.id, row.name, owner)


def create_workspace(
    tx: Tx, name: str, *, owner_name: str = "Workspace Owner", owner_email: str = "owner@example.com",
    workspace_id: str | None = None, unique_name: bool = False, owner_id: str | None = None,
) -> Workspace:
    """A workspace and its owner. With `unique_name` (the CLI), a name already taken is refused."""
    if unique_name and tx.execute(sa.select(workspaces.c.id).where(workspaces.c.name == name).limit(1)).first():
        raise AdminError(f"a workspace named {name!r} already exists")
    wid = workspace_id or ids.new_id()
    tx.execute(workspaces.insert().values(id=wid, name=name, created_time=tx.now))
    owner = owner_id or ids.new_id()
    tx.execute(
        users.insert().values(
            id=owner, workspace_id=wid, type="person", name=owner_name, email=owner_email,
            avatar_url=None, is_owner=True, created_time=tx.now,
        )
    )
    return Workspace(wid, name, owner)


def list_workspaces(tx: Tx) -> list[Workspace]:
    rows = tx.execute(
        sa.select(workspaces.c.id, workspaces.c.name, users.c.id.label("owner"))
        .join(users, sa.and_(users.c.workspace_id == workspaces.c.id, users.c.is_owner.is_(True)))
        .order_by(workspaces.c.created_time)
    )
    return [Workspace(r.id, r.name, r.owner) for r in rows]


def add_person(tx: Tx, ws: Workspace, name: str, email: str | None, user_id: str | None = None) -> str:
    uid = user_id or ids.new_id()
    tx.execute(
        users.insert().values(
            id=uid, workspace_id=ws.id, type="person", name=name, email=email, avatar_url=None,
            is_owner=False, created_time=tx.now,
        )
    )
    return uid


def create_integration(
    tx: Tx, ws: Workspace, name: str, capabilities: tuple[str, ...] = caps.DEFAULT, *, bot_id: str | None = None
) -> tuple[dict, str]:
    """A new internal integration with its bot user; returns it and its token (shown once)."""
    name = name.strip()
    if not name:
        raise AdminError("an integration needs a name")
    if _integration_row(tx, ws, name) is not None:
        raise AdminError(f"an integration named {name!r} already exists")
    integration_id = ids.new_id()
    bot = bot_id or ids.new_id()
    tx.execute(
        users.insert().values(
            id=bot, workspace_id=ws.id, type="bot", name=name, email=None, avatar_url=None,
            is_owner=False, integration_id=integration_id, created_time=tx.now,
        )
    )
    tx.execute(
        integrations.insert().values(
            id=integration_id, workspace_id=ws.id, name=name, kind="internal", bot_user_id=bot,
            capabilities=orjson.dumps(list(capabilities)).decode(), created_by=ws.owner_id, created_time=tx.now,
        )
    )
    token = ids.new_token()
    store_token(tx, token, workspace_id=ws.id, kind="integration", user_id=bot, integration_id=integration_id)
    return integration_info(tx, ws, name), token


def integration_info(tx: Tx, ws: Workspace, name: str) -> dict:
    row = _require_integration(tx, ws, name)
    hints = tx.execute(sa.select(tokens.c.hint).where(tokens.c.integration_id == row.id)).scalars().all()
    shared = tx.execute(
        sa.select(grants.c.object_id, grants.c.access).where(grants.c.integration_id == row.id)
    ).all()
    return {
        "id": row.id,
        "name": row.name,
        "bot_id": row.bot_user_id,
        "capabilities": orjson.loads(row.capabilities),
        "tokens": list(hints),
        "shared": [{"object_id": s.object_id, "access": s.access} for s in shared],
    }


def list_integrations(tx: Tx, ws: Workspace) -> list[dict]:
    names = tx.execute(
        sa.select(integrations.c.name).where(integrations.c.workspace_id == ws.id).order_by(integrations.c.created_time)
    ).scalars()
    return [integration_info(tx, ws, n) for n in names]


def rotate_token(tx: Tx, ws: Workspace, name: str) -> str:
    row = _require_integration(tx, ws, name)
    if row.kind == "public":
        raise AdminError(f"{row.name!r} is a public integration: it has a client secret, not a token")
    if row.kind == "oauth":
        raise AdminError(f"{row.name!r} was installed through OAuth: its tokens come from /v1/oauth/token")
    tx.execute(tokens.delete().where(tokens.c.integration_id == row.id))
    token = ids.new_token()
    store_token(tx, token, workspace_id=ws.id, kind="integration", user_id=row.bot_user_id, integration_id=row.id)
    return token


def delete_integration(tx: Tx, ws: Workspace, name: str) -> None:
    """Removes the integration, its tokens and its grants; its bot user stays as the author of what it wrote."""
    row = _require_integration(tx, ws, name)
    if row.kind == "public":
        from ..oauth.clients import forget

        forget(tx, row.id)
    tx.execute(tokens.delete().where(tokens.c.integration_id == row.id))
    tx.execute(grants.delete().where(grants.c.integration_id == row.id))
    tx.execute(integrations.delete().where(integrations.c.id == row.id))


def set_capabilities(tx: Tx, ws: Workspace, name: str, capabilities: tuple[str, ...]) -> None:
    row = _require_integration(tx, ws, name)
    tx.execute(
        integrations.update()
        .where(integrations.c.id == row.id)
        .values(capabilities=orjson.dumps(list(capabilities)).decode())
    )


def share(tx: Tx, ws: Workspace, object_id: str, integration: str, access: str = "edit") -> None:
    """Grant a page or database, and everything beneath it, to an integration."""
    if access not in ACCESS_LEVELS:
        raise AdminError(f"access must be one of {', '.join(ACCESS_LEVELS)}")
    oid = ids.parse_id(object_id)
    if oid is None:
        raise AdminError(f"{object_id!r} is not a Notion ID")
    kind = tx.execute(
        sa.select(nodes.c.kind).where(nodes.c.id == oid, nodes.c.workspace_id == ws.id)
    ).scalar()
    if kind not in ("page", "database"):
        raise AdminError(f"no page or database {oid} in workspace {ws.name!r}")
    row = _require_integration(tx, ws, integration)
    tx.execute(grants.delete().where(grants.c.integration_id == row.id, grants.c.object_id == oid))
    tx.execute(
        grants.insert().values(
            integration_id=row.id, object_id=oid, workspace_id=ws.id, access=access, created_time=tx.now
        )
    )


def unshare(tx: Tx, ws: Workspace, object_id: str, integration: str) -> bool:
    oid = ids.parse_id(object_id)
    row = _require_integration(tx, ws, integration)
    result = tx.execute(grants.delete().where(grants.c.integration_id == row.id, grants.c.object_id == oid))
    return result.rowcount > 0


def create_personal_token(tx: Tx, ws: Workspace) -> str:
    token = ids.new_token()
    store_token(tx, token, workspace_id=ws.id, kind="personal", user_id=ws.owner_id, integration_id=None)
    return token


def _integration_row(tx: Tx, ws: Workspace, ref: str):  # type: ignore[no-untyped-def]
    iid = ids.parse_id(ref)
    cond = integrations.c.id == iid if iid else integrations.c.name == ref
    return tx.execute(sa.select(integrations).where(integrations.c.workspace_id == ws.id, cond)).first()


def _require_integration(tx: Tx, ws: Workspace, ref: str):  # type: ignore[no-untyped-def]
    row = _integration_row(tx, ws, ref)
    if row is None:
        raise AdminError(f"no integration {ref!r} in workspace {ws.name!r}")
    return row
