"""Notion's limits, rate limits and failures on demand (see docs/configuration.md)."""

from __future__ import annotations

from typing import Any


def install(app: Any) -> None:
    """Add this package's middleware, admin routes and request hooks to the application."""
