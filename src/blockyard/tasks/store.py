"""Recording, finding and rendering async tasks."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import orjson
import sqlalchemy as sa

from .. import errors, ids
from ..clock import iso
from ..store.schema_tasks import async_tasks

if TYPE_CHECKING:
    from ..context import Ctx

POLL_AFTER_SECONDS = 2
RETENTION_MS = 24 * 3600 * 1000  # finished tasks answer for a day, then 404 as Notion's expire
LEASE_MS = 60_000  # a running task not finished by then (its process died) is run again


def owner_key(principal: Any) -> str:
    return principal.integration_id or principal.user_id


def enqueue(ctx: "Ctx", operation: str, request: dict[str, Any]) -> dict[str, Any]:
    """Records a task in the request's transaction; it runs once that commits. Returns the 202 body."""
    p = ctx.principal
    task_id = ids.new_id()
    principal = {"workspace_id": p.workspace_id, "workspace_name": p.workspace_name, "user_id": p.user_id,
                 "kind": p.kind, "capabilities": sorted(p.capabilities), "integration_id": p.integration_id,
                 "integration_name": p.integration_name}
    ctx.tx.execute(async_tasks.insert().values(
        id=task_id, workspace_id=p.workspace_id, principal=orjson.dumps(principal).decode(), owner_key=owner_key(p),
        api_version=ctx.version.name, operation=operation, request=orjson.dumps(request).decode(), status="queued",
        created_time=ctx.now, lease_until=0, finished_time=None, outcome=None,
    ))
    schedule(ctx.app, task_id)
    row = ctx.tx.execute(sa.select(async_tasks).where(async_tasks.c.id == task_id)).first()
    return render(ctx, row)


def schedule(app: Any, task_id: str) -> None:
    """Runs the task in a worker thread once the current request has committed (the handler runs
    on the event loop, and the loop turns only after the commit)."""
    from . import runner

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        runner.run(app, task_id)
        return
    loop.call_soon(lambda: loop.run_in_executor(None, runner.run, app, task_id))


def status_url(ctx: "Ctx", task_id: str) -> str:
    host = ctx.request.headers.get("host") or "api.notion.com"
    scheme = ctx.request.scope.get("scheme", "https")
    return f"{scheme}://{host}/v1/async_tasks/{task_id}"


def render(ctx: "Ctx", row: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "object": "async_task",
        "id": row.id,
        "status": row.status,
        "status_url": status_url(ctx, row.id),
        "created_time": iso(row.created_time),
        "operation": {"surface": "rest", "name": row.operation},
    }
    if row.status in ("queued", "running"):
        out["poll_after_seconds"] = POLL_AFTER_SECONDS
    elif row.status == "succeeded":
        out["result"] = orjson.loads(row.outcome)
    else:
        out["error"] = orjson.loads(row.outcome)
    return out


def get(ctx: "Ctx", task_id: str) -> Any:
    """The caller's task, or Notion's 404; a task left queued or orphaned by a restart is run again."""
    row = ctx.tx.execute(sa.select(async_tasks).where(
        async_tasks.c.id == task_id, async_tasks.c.workspace_id == ctx.principal.workspace_id,
        async_tasks.c.owner_key == owner_key(ctx.principal))).first()
    if row is None or row.finished_time is not None and ctx.now - row.finished_time > RETENTION_MS:
        from ..domain import access

        raise access.not_found(ctx, "async task", task_id)
    if row.status == "queued" or row.status == "running" and row.lease_until < ctx.now:
        schedule(ctx.app, row.id)
    return row


def pending_ids(tx: Any, now: int) -> list[str]:
    return [r[0] for r in tx.execute(sa.select(async_tasks.c.id).where(
        sa.or_(async_tasks.c.status == "queued",
               sa.and_(async_tasks.c.status == "running", async_tasks.c.lease_until < now))))]
