"""The UI acts as the signed-in person: API handlers and domain code run with that person's principal,
so the browser meets the same rules, limits and recorded events as an integration does."""

from __future__ import annotations

from typing import Any, Callable
from urllib.parse import urlencode

import orjson

from ..access import capabilities as caps
from ..access.accounts import Membership
from ..access.principal import Principal
from ..context import Ctx
from ..http.request import Request
from ..ids import new_id
from ..store.engine import Tx
from ..versions import LATEST


class Acting:
    """One web request's transaction, acting as a member of one workspace."""

    def __init__(self, app: Any, tx: Tx, member: Membership) -> None:
        self.app = app
        self.tx = tx
        self.member = member
        self.ws = member.workspace
        self.principal = Principal(
            workspace_id=self.ws.id, workspace_name=self.ws.name, user_id=member.user_id, kind="personal",
            capabilities=caps.EVERYTHING,
        )
        self._ctx = self.ctx()

    def ctx(self, method: str = "GET", body: Any = None, query: dict[str, Any] | None = None) -> Ctx:
        scope = {
            "type": "http", "method": method, "path": "/", "headers": [],
            "query_string": urlencode(query or {}, doseq=True).encode(),
        }
        request = Request(scope, b"" if body is None else orjson.dumps(body))
        return Ctx(request, LATEST, self.principal, self.tx, self.app, new_id())

    @property
    def read_ctx(self) -> Ctx:
        return self._ctx

    def call(self, handler: Callable[..., Any], method: str = "GET", body: Any = None,
             query: dict[str, Any] | None = None, **params: Any) -> Any:
        """An API handler (api/<resource>.py), as if the person had sent the request."""
        result = handler(self.ctx(method, body, query), **params)
        return result[1] if isinstance(result, tuple) else result
