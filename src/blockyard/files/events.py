"""`file_upload.*` webhook events, recorded in the outbox (`events`) in the transaction of the change:
`file_upload.created`, `.completed`, `.upload_failed` (external_url imports) and `.expired` (the sweeper).

This is the one place the webhooks package needs to look at: delivery, aggregation and the event body
(`entity: {id, type: "file_upload"}`) are its business; if it changes how events are recorded, only
`record` changes."""

from __future__ import annotations

from typing import Any

from .. import ids
from ..store.schema import events


def record(tx: Any, workspace_id: str, kind: str, upload_id: str, author_id: str, now: int) -> None:
    tx.execute(events.insert().values(
        id=ids.new_id(), workspace_id=workspace_id, type=kind, entity_id=upload_id, entity_type="file_upload",
        author_id=author_id, timestamp=now, data="{}",
    ))
