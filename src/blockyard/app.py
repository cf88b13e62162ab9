"""create_app(settings) -> the ASGI application. Routes and the middleware order live here."""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from .http.cache import Kept
from .http.middleware import Authenticate, Cors, Dispatch, NotionVersion, RequestContext
from .http.routing import Router
from .http.types import ASGIApp, Receive, Scope, Send
from .settings import Settings
from .store import Store

log = logging.getLogger("blockyard")


def _route_modules() -> list[Any]:
    """Every module under api/ that declares ROUTES."""
    import importlib
    import pkgutil

    from . import api

    modules = []
    for info in sorted(pkgutil.iter_modules(api.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{api.__name__}.{info.name}")
        if hasattr(module, "ROUTES"):
            modules.append(module)
    return modules


class Blockyard:
    """The application object: settings, store, routes, and the ASGI callable."""

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self.store = store or Store(settings.database)
        self.router = Router()
        self.kept = Kept(int(settings.response_cache_mb * 1024 * 1024))
        for module in _route_modules():
            for method, pattern, handler, *opts in module.ROUTES:
                self.router.add(method, pattern, handler, **(opts[0] if opts else {}))
        # Hooks run after every request with (scope, state): the request log, metrics.
        self.after_request: list[Callable[[Scope, dict[str, Any]], None]] = []
        # Non-API apps (admin, web UI) tried in order for paths outside /v1; each returns True if it answered.
        self.other_apps: list[Callable[[Scope, Receive, Send], Awaitable[bool]]] = []
        # Middleware between authentication and dispatch (rate limits, fault injection), outermost first.
        self.middleware: list[Callable[[ASGIApp], ASGIApp]] = []
        from .limits import install as install_limits

        install_limits(self)
        from .portability import admin_app

        # Before the limits admin app, which answers any other /admin path.
        self.other_apps.insert(0, admin_app(self))
        from .files import install as install_files

        install_files(self)  # file uploads: storage, signed download URLs (outside /v1), background worker
        from .web import web_app

        self.other_apps.append(web_app(self))
        from .webhooks.admin_http import admin_app as webhooks_admin_app
        from .webhooks.delivery import Deliverer

        self.other_apps.insert(0, webhooks_admin_app(self))
        # Started with the first request or at lifespan start-up, never by merely building the app.
        self.webhooks = Deliverer(self)
        self.wake_webhooks = self.webhooks.wake
        self._asgi = self._build()

    def _build(self) -> ASGIApp:
        app: ASGIApp = Dispatch(self)
        # Innermost first: each wraps the one before.
        gates = []
        for factory in reversed(self.middleware):
            app = factory(app)
            gates.append(getattr(app, "kept_answer_passes", None))
        app = Authenticate(app, self)
        app = NotionVersion(app)
        if self.settings.cors_origins:  # with none allowed, Cors has nothing to do
            app = Cors(app, self.settings.cors_origins)
        # A kept answer may skip the chain while every layer in it would let a bodiless GET through
        # unchanged; a layer that must see every request (rate limits) has no gate and rules it out.
        if self.settings.cors_origins or None in gates:
            return RequestContext(app, self, None)
        return RequestContext(app, self, gates)

    def resume_tasks(self) -> None:
        """Async tasks a stopped process left unfinished run again, in the background."""
        import threading

        from .tasks.runner import resume

        threading.Thread(target=resume, args=(self,), daemon=True, name="blockyard-tasks").start()

    def rebuild(self) -> None:
        self._asgi = self._build()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.webhooks.started:
            self.webhooks.start()
        await self._asgi(scope, receive, send)

    async def lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.webhooks.start()
                self.resume_tasks()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.files.worker.stop()
                request_log = getattr(self, "request_log", None)
                if request_log is not None:
                    request_log.flush()
                self.webhooks.stop()
                self.store.dispose()
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app(settings: Settings | None = None, store: Store | None = None, *, migrate: bool = True) -> Blockyard:
    settings = settings or Settings.from_env()
    app = Blockyard(settings, store)
    if migrate:
        app.store.migrate()
    app.files.start()
    return app
