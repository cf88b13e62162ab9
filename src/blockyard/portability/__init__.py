"""Workspace snapshots: import and export Notion API objects as JSON Lines, and reset a workspace.

See docs/snapshots.md."""

from __future__ import annotations

from .exporter import export_objects
from .importer import ImportError_, ImportResult, import_objects, read_lines
from .reset import reset_workspace
from .admin_http import admin_app

__all__ = ["ImportError_", "ImportResult", "admin_app", "export_objects", "import_objects", "read_lines", "reset_workspace"]
