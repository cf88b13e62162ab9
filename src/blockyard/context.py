"""The request context (Ctx): the request, its API version, the caller and the open transaction. It sits
below api/, domain/, the web UI and the CLI, which all share it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import errors
from .access import capabilities as caps
from .access.principal import Principal
from .http.request import Request
from .store.engine import Tx
from .versions import Version

if TYPE_CHECKING:
    from .app import Blockyard


@dataclass(slots=True)
class Ctx:
    request: Request
    version: Version
    principal: Principal
    tx: Tx
    app: "Blockyard"
    request_id: str

    @property
    def now(self) -> int:
        return self.tx.now

    def body(self) -> dict[str, Any]:
        return self.request.json_object()

    def require(self, capability: str) -> None:
        if not self.principal.can(capability):
            raise errors.insufficient_permissions()

    def require_user_info(self) -> None:
        if self.principal.user_info == caps.NO_USER_INFO:
            raise errors.insufficient_permissions()
