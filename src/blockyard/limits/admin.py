"""/admin endpoints, answered only when BLOCKYARD_ADMIN_KEY is set and sent as a bearer token.

    GET    /admin/faults          the rules in force, with how often each matched and fired
    POST   /admin/faults          add a rule (or {"rules": [...]}); answers the rules added
    PUT    /admin/faults          replace every rule
    DELETE /admin/faults[/{id}]   remove every rule, or one
    GET    /admin/log?limit=&integration=   the request log, newest first
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from .. import errors
from ..http.request import bearer_token
from ..http.response import dumps, send_json
from ..http.types import Receive, Scope, Send
from . import log as request_log
from .faults import FaultRules

if TYPE_CHECKING:
    from ..app import Blockyard

MAX_LOG_LIMIT = 1000


class Admin:
    def __init__(self, blockyard: "Blockyard", rules: FaultRules, log: request_log.RequestLog | None) -> None:
        self.blockyard = blockyard
        self.rules = rules
        self.log = log
        self.key = (blockyard.settings.admin_key or "").encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> bool:
        state = scope["blockyard"]
        request = state["request"]
        path = request.path.rstrip("/")
        if not self.key or not (path == "/admin" or path.startswith("/admin/")):
            return False
        token = bearer_token(request.headers.get("authorization", ""))
        if token is None or not hmac.compare_digest(token.encode(), self.key):
            raise errors.unauthorized()
        method = request.method
        result: Any
        if path == "/admin/faults":
            if method == "GET":
                result = self._rules()
            elif method in ("POST", "PUT"):
                added = FaultRules.parse_many(request.json())
                with self.rules.lock:
                    if method == "PUT":
                        self.rules.rules = added
                    else:
                        taken = {r.id for r in self.rules.rules}
                        for rule in added:
                            if rule.id in taken:
                                raise errors.validation(f"body failed validation: a rule with id {rule.id!r} exists.")
                        self.rules.rules = [*self.rules.rules, *added]
                result = {"object": "list", "results": [r.describe() for r in added]}
            elif method == "DELETE":
                with self.rules.lock:
                    self.rules.rules = []
                result = self._rules()
            else:
                raise errors.invalid_request(f"Unsupported request: {method} /admin/faults.")
        elif path.startswith("/admin/faults/"):
            rule_id = path.rsplit("/", 1)[1]
            if method != "DELETE":
                raise errors.invalid_request(f"Unsupported request: {method} /admin/faults/{{id}}.")
            with self.rules.lock:
                kept = [r for r in self.rules.rules if r.id != rule_id]
                if len(kept) == len(self.rules.rules):
                    raise errors.NotionError(404, "object_not_found", f"Could not find fault rule with ID: {rule_id}.")
                self.rules.rules = kept
            result = self._rules()
        elif path == "/admin/log":
            if method != "GET":
                raise errors.invalid_request(f"Unsupported request: {method} /admin/log.")
            result = {"object": "list", "results": self._log(request)}
        else:
            raise errors.invalid_request_url()
        result["request_id"] = state["request_id"]
        await send_json(send, 200, dumps(result))
        return True

    def _rules(self) -> dict[str, Any]:
        with self.rules.lock:
            return {"object": "list", "results": [r.describe() for r in self.rules.rules]}

    def _log(self, request: Any) -> list[dict[str, Any]]:
        raw = request.query("limit") or "100"
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_LOG_LIMIT:
            raise errors.validation(
                f"query failed validation: query.limit should be an integer between 1 and {MAX_LOG_LIMIT}, "
                f"instead was `{raw}`."
            )
        if self.log is None:
            return []
        self.log.flush(prune=True)
        with self.blockyard.store.log_transaction() as conn:
            return request_log.read(conn, int(raw), request.query("integration"))
