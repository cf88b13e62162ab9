"""`file_upload.*` webhook events: `file_upload.created`, `.completed`, `.upload_failed` (external_url imports)
and `.expired` (the sweeper), recorded through the webhooks package in the transaction of the change. A file
upload is outside the page tree, so its events go to the subscriptions of the integration that made it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from ..access.principal import Principal
from ..store.schema import integrations


def record(tx: Any, workspace_id: str, kind: str, upload_id: str, author_id: str, now: int, app: Any = None) -> None:
    from ..webhooks import events as webhook_events

    owner = tx.execute(sa.select(integrations.c.id, integrations.c.name).where(
        integrations.c.bot_user_id == author_id, integrations.c.workspace_id == workspace_id)).first()
    principal = Principal(workspace_id=workspace_id, workspace_name="", user_id=author_id,
                          kind="integration" if owner is not None else "personal", capabilities=frozenset(),
                          integration_id=owner.id if owner is not None else None)
    # Background work (imports, expiry) has no request: the parts of one that recording reads.
    ctx = SimpleNamespace(tx=tx, principal=principal, app=app)
    webhook_events.record_entity(ctx, kind, upload_id, "file_upload", None, {},  # type: ignore[arg-type]
                                 integration_id=principal.integration_id)
