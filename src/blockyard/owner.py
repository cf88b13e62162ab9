"""Acting as the workspace owner outside HTTP (the CLI, the demo, imports): the same domain code
with a principal that has every capability, as a personal access token would."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from .access import capabilities as caps
from .access.admin import Workspace
from .access.principal import Principal
from .context import Ctx
from .http.request import Request
from .settings import Settings
from .store.engine import Tx
from .versions import LATEST, Version


class _OwnerApp:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings


@contextmanager
def owner_ctx(tx: Tx, ws: Workspace, version: Version = LATEST, settings: Settings | None = None) -> Iterator[Ctx]:
    principal = Principal(
        workspace_id=ws.id, workspace_name=ws.name, user_id=ws.owner_id, kind="personal",
        capabilities=caps.EVERYTHING,
    )
    scope = {"type": "http", "method": "POST", "path": "/", "headers": [], "query_string": b""}
    request = Request(scope, b"")
    yield Ctx(request, version, principal, tx, _OwnerApp(settings or Settings()), "cli")  # type: ignore[arg-type]
