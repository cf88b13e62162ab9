"""/v1/async_tasks/{task_id}"""

from __future__ import annotations

from typing import Any

from ..domain import validate as v
from ..tasks import store as tasks
from ..context import Ctx


def retrieve_task(ctx: Ctx, task_id: str) -> dict[str, Any]:
    tid = v.path_uuid(task_id, "task_id")
    ctx.tx.read_clock = True  # a task's status moves with time (leases, expiry): never a kept answer
    return tasks.render(ctx, tasks.get(ctx, tid))


ROUTES = [
    ("GET", "/v1/async_tasks/{task_id}", retrieve_task),
]
