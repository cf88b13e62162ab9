"""Running async tasks: claim, run in one transaction with the outcome, or record the failure.

The change a task makes and its `succeeded` are committed together, so a process that dies while
running one leaves it unchanged and claimable again (after its lease), never half done or done twice."""

from __future__ import annotations

import logging
from typing import Any

import orjson
import sqlalchemy as sa

from .. import errors
from ..access.principal import Principal
from ..store.schema_tasks import async_tasks
from .store import LEASE_MS, pending_ids

log = logging.getLogger("blockyard.tasks")


def _claim(app: Any, task_id: str) -> Any:
    with app.store.write() as tx:
        now = tx.now
        claimed = tx.execute(async_tasks.update().where(
            async_tasks.c.id == task_id,
            sa.or_(async_tasks.c.status == "queued",
                   sa.and_(async_tasks.c.status == "running", async_tasks.c.lease_until < now)),
        ).values(status="running", lease_until=now + LEASE_MS)).rowcount
        if not claimed:
            return None
        return tx.execute(sa.select(async_tasks).where(async_tasks.c.id == task_id)).first()


def run(app: Any, task_id: str) -> None:
    try:
        row = _claim(app, task_id)
    except errors.NotionError:
        return  # another worker holds the store or the task; polling retries it
    if row is None:
        return
    try:
        with app.store.write() as tx:
            result = _execute(app, tx, row)
            _finish(tx, task_id, "succeeded", result)
    except errors.NotionError as exc:
        body = {"object": "error", "status": exc.status, "code": exc.code, "message": exc.message}
        if exc.additional_data:
            body["additional_data"] = exc.additional_data
        with app.store.write() as tx:
            _finish(tx, task_id, "failed", body)
    except Exception:  # noqa: BLE001 - a task's crash is its failure, as a request's is a 500
        log.exception("async task %s failed", task_id)
        with app.store.write() as tx:
            _finish(tx, task_id, "failed", {"object": "error", "status": 500, "code": "internal_server_error",
                                            "message": "Unexpected error occurred."})


def _finish(tx: Any, task_id: str, status: str, outcome: dict[str, Any]) -> None:
    tx.execute(async_tasks.update().where(async_tasks.c.id == task_id).values(
        status=status, finished_time=tx.now, lease_until=0, outcome=orjson.dumps(outcome).decode()))


def _execute(app: Any, tx: Any, row: Any) -> dict[str, Any]:
    from ..context import Ctx
    from ..http.request import Request
    from ..versions import VERSIONS

    p = orjson.loads(row.principal)
    principal = Principal(p["workspace_id"], p["workspace_name"], p["user_id"], p["kind"], frozenset(p["capabilities"]),
                          p["integration_id"], p["integration_name"])
    request = orjson.loads(row.request)
    body = {k: v for k, v in request["body"].items() if k != "allow_async"}
    method, path = row.operation.split(" ", 1)
    scope = {"type": "http", "method": method, "path": path, "query_string": b"", "headers": [], "scheme": "https"}
    ctx = Ctx(Request(scope, orjson.dumps(body)), VERSIONS[row.api_version], principal, tx, app, row.id)
    if row.operation == "POST /v1/pages":
        from ..api.pages import _present
        from ..domain import pages

        return _present(ctx, pages.create(ctx, body))
    from ..access import capabilities as caps
    from ..domain import access
    from ..markdown import edit

    ctx.require(caps.UPDATE_CONTENT)
    page = access.load(ctx, request["page_id"], "page", kinds=("page",), need="edit")
    kind, command, dialect, _ = edit.parse_request(ctx, body)
    answer = edit.run(ctx, page, kind, command, dialect)
    answer.pop("warnings", None)  # async updates return no warnings
    return answer


def resume(app: Any) -> None:
    """Tasks a stopped process left queued or running: run them (at start-up)."""
    with app.store.read() as tx:
        pending = pending_ids(tx, tx.now)
    for task_id in pending:
        run(app, task_id)
