"""The authenticated caller of one request."""

from __future__ import annotations

from dataclasses import dataclass

from . import capabilities as caps


@dataclass(frozen=True, slots=True)
class Principal:
    workspace_id: str
    workspace_name: str
    user_id: str  # the integration's bot user, or the person a personal token acts for
    kind: str  # integration | personal
    capabilities: frozenset[str]
    integration_id: str | None = None
    integration_name: str | None = None
    public: bool = False  # an install of a public integration (OAuth): it may make workspace-level pages

    @property
    def is_personal(self) -> bool:
        return self.kind == "personal"

    def can(self, capability: str) -> bool:
        return capability in self.capabilities

    @property
    def user_info(self) -> str:
        for level in caps.USER_LEVELS:
            if level in self.capabilities:
                return level
        return caps.NO_USER_INFO
