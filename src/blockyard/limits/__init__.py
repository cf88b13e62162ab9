"""Notion's limits, rate limits and failures on demand (see docs/configuration.md, docs/recipes.md).

Middleware after authentication, outermost first:
    RateLimit     429 rate_limited once an integration's or a workspace's bucket is empty (limits/rate.py)
    PayloadLimit  400 validation_error for bodies over 500 KB (limits/payload.py)
    Faults        injected failures and latency, from a rules file or /admin/faults (limits/faults.py)
The request timeout is kept by RequestContext and Dispatch (http/middleware.py) and the store's
statement timeouts (store/engine.py). The request log is an after_request hook (limits/log.py)."""

from __future__ import annotations

from typing import Any

from .admin import Admin
from .faults import FaultRules, Faults
from .log import RequestLog
from .payload import PayloadLimit
from .rate import DatabaseBuckets, MemoryBuckets, RateLimit, parse


def install(app: Any) -> None:
    """Add this package's middleware, admin routes and request hooks to the application."""
    settings = app.settings
    per_integration, per_workspace = parse(settings.rate_limit)
    if per_integration or per_workspace:
        # SQLite stores have a single server process, so its buckets can live in memory.
        buckets = MemoryBuckets() if app.store.is_sqlite else DatabaseBuckets(app.store)
        app.middleware.append(lambda inner: RateLimit(inner, per_integration, per_workspace, buckets))
    app.middleware.append(PayloadLimit)
    rules = app.fault_rules = FaultRules()
    if settings.faults:
        rules.load_file(settings.faults)
    if settings.faults or settings.admin_key:
        app.middleware.append(lambda inner: Faults(inner, rules))
    log = None
    if settings.request_log_rows > 0 and settings.request_log_hours > 0:
        log = app.request_log = RequestLog(app.store, settings.request_log_rows, settings.request_log_hours)
        app.after_request.append(log.record)
    app.other_apps.append(Admin(app, rules, log))
    app.store.limit_statements(settings.request_timeout)
