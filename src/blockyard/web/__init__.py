"""The workspace in a browser: accounts and sessions, pages and databases, Connections settings and the
Share dialog, and the developer pages (request log, faults, rate limits). Server-rendered HTML from
Jinja2 templates with a little plain JavaScript; it acts through api/ handlers, domain/ and access/."""

from __future__ import annotations

from typing import Any


def web_app(app: Any) -> Any:
    """The UI as an app for `Blockyard.other_apps`: answers its own paths and returns True, else False."""
    from .server import WebUI

    return WebUI(app)
