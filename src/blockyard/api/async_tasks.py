"""/v1/async_tasks/{task_id}"""

from __future__ import annotations

from typing import Any

from ..tasks import store as tasks
from ..context import Ctx


def retrieve_task(ctx: Ctx, task_id: str) -> dict[str, Any]:
    ctx.tx.read_clock = True  # a task's status moves with time (leases, expiry): never a kept answer
    return tasks.render(ctx, tasks.get(ctx, task_id))


ROUTES = [
    ("GET", "/v1/async_tasks/{task_id}", retrieve_task),
]
