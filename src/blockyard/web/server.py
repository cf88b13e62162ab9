"""The web UI as an app of `Blockyard.other_apps`: routing, sessions, CSRF, one transaction per request."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from .. import errors
from ..access import accounts
from ..access.accounts import Account, Membership
from ..http.types import Receive, Scope, Send
from . import http
from .acting import Acting
from .http import Answer, WebRequest

log = logging.getLogger("blockyard")

HERE = Path(__file__).parent
STATIC = HERE / "static"
STATIC_TYPES = {".css": b"text/css; charset=utf-8", ".js": b"text/javascript; charset=utf-8",
                ".svg": b"image/svg+xml"}
PREFIXES = ("/login", "/signup", "/logout", "/invite/", "/w/", "/static/", "/workspaces", "/account",
            "/install-integration")


class FormError(Exception):
    """A form that cannot be accepted; the page is shown again with the message and what was typed."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Callable[..., Answer]
    public: bool = False  # reachable without a session
    workspace: bool = True  # the path starts with /w/{workspace_id}
    stream: bool = False  # an async handler that sends its own answer (server-sent events)


@dataclass
class Web:
    """What a handler gets: the request, the app, the account and, under /w/{id}, the workspace."""

    app: Any
    ui: "WebUI"
    request: WebRequest
    account: Account | None = None
    session_token: str = ""
    memberships: list[Membership] = field(default_factory=list)
    member: Membership | None = None
    acting: Acting | None = None
    tx: Any = None
    form_secret: str = ""
    set_form_cookie: bool = False

    @property
    def csrf(self) -> str:
        return http.csrf_for_session(self.session_token) if self.session_token else self.form_secret

    @property
    def base(self) -> str:
        assert self.member is not None
        return f"/w/{self.member.workspace.id}"

    def render(self, template: str, code: int = 200, /, **values: Any) -> Answer:
        page = self.ui.env.get_template(template).render(web=self, csrf=self.csrf, **values)
        answer = http.html(page, code)
        if self.set_form_cookie:
            answer.cookie(http.FORM_COOKIE, self.form_secret, secure=self.ui.secure)
        return answer


class WebUI:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.secure = app.settings.public_url.startswith("https://")
        self.env = Environment(
            loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(default=True),
            trim_blocks=True, lstrip_blocks=True,
        )
        self.routes: list[Route] = []
        from . import accounts_views, developer, settings_views, workspace

        from ..oauth import consent

        for module in (accounts_views, workspace, settings_views, developer, consent):
            module.register(self)
        from .render import pygments_css

        self.static: dict[str, tuple[bytes, bytes]] = {"pygments.css": (pygments_css().encode(), STATIC_TYPES[".css"])}
        for path in STATIC.iterdir():
            if path.suffix in STATIC_TYPES:
                self.static[path.name] = (path.read_bytes(), STATIC_TYPES[path.suffix])

    def add(self, method: str, pattern: str, handler: Callable[..., Any], **opts: Any) -> None:
        regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$")
        self.routes.append(Route(method, regex, handler, **opts))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> bool:
        state = scope.get("blockyard") or {}
        raw = state.get("request")
        if raw is None:
            return False
        path = raw.path
        if not (path == "/" or path.startswith(PREFIXES)):
            return False
        if path == "/" and "text/html" not in raw.headers.get("accept", ""):
            return False  # API clients asking for / get Notion's invalid_request_url, as from api.notion.com
        state["unlogged"] = True  # the request log is for API calls
        request = WebRequest(raw)
        if path.startswith("/static/"):
            await http.send(send, self._static(path[len("/static/"):]))
            return True
        try:
            answer = await self._handle(request, scope, receive, send)
        except errors.NotionError as exc:
            answer = self._error_page(request, exc.status, exc.message)
        except Exception:
            log.exception("web UI error on %s %s", request.method, request.path)
            answer = self._error_page(request, 500, "Something went wrong on the server.")
        if answer is not None:
            await http.send(send, answer)
        return True

    def _static(self, name: str) -> Answer:
        found = self.static.get(name)
        if found is None:
            return Answer(404, b"not found", b"text/plain; charset=utf-8")
        answer = Answer(200, found[0], found[1])
        return answer

    def _error_page(self, request: WebRequest, status: int, message: str) -> Answer:
        web = Web(self.app, self, request)
        return web.render("error.html", status, status=status, message=message)

    def _match(self, request: WebRequest) -> tuple[Route | None, dict[str, str], bool]:
        path_found = False
        for route in self.routes:
            m = route.pattern.match(request.path)
            if m:
                path_found = True
                if route.method == request.method:
                    return route, m.groupdict(), True
        return None, {}, path_found

    async def _handle(self, request: WebRequest, scope: Scope, receive: Receive, send: Send) -> Answer | None:
        route, params, path_found = self._match(request)
        if route is None:
            return self._error_page(request, 405 if path_found else 404,
                                    "Method not allowed." if path_found else "There is no page here.")
        store = self.app.store
        web = Web(self.app, self, request)
        token = request.cookies.get(http.SESSION_COOKIE, "")
        writing = request.method == "POST"
        if writing:
            sent = request.field("csrf") or request.headers.get("x-csrf-token", "")
            fine = bool(token) and http.same(sent, http.csrf_for_session(token))
            if route.public and not fine:
                fine = http.same(sent, request.cookies.get(http.FORM_COOKIE, ""))
            if not fine:
                return self._error_page(request, 403, "This form has expired. Go back, reload the page and try again.")
        wid = params.pop("workspace_id", None)
        if route.stream:
            with store.read() as tx:
                if not self._sign_in(web, tx, token, wid):
                    return redirect_to_login(request)
            return await route.handler(web, scope, receive, send, **params)
        with (store.write() if writing else store.read()) as tx:
            web.tx = tx
            if not self._sign_in(web, tx, token, wid):
                if route.public and web.account is None:
                    web.form_secret = request.cookies.get(http.FORM_COOKIE, "")
                    if not web.form_secret:
                        web.form_secret, web.set_form_cookie = http.new_form_secret(), True
                    return route.handler(web, **params)
                if wid and web.account is not None:
                    return self._error_page(request, 404, "There is no workspace here that you are a member of.")
                return redirect_to_login(request)
            return route.handler(web, **params)

    def _sign_in(self, web: Web, tx: Any, token: str, wid: str | None) -> bool:
        """Fills in the account and, for workspace paths, the membership; False when either is missing."""
        account = accounts.session_account(tx, token) if token else None
        if account is None:
            return False
        web.account, web.session_token = account, token
        web.memberships = accounts.memberships(tx, account)
        if wid is None:
            return True
        web.member = next((m for m in web.memberships if m.workspace.id == wid), None)
        if web.member is None:
            return False
        web.acting = Acting(self.app, tx, web.member)
        return True


def redirect_to_login(request: WebRequest) -> Answer:
    target = request.path if request.method == "GET" else "/"
    return http.redirect("/login?next=" + quote(target, safe="/"))


def safe_next(value: str) -> str:
    """Only paths on this site: never `//host` or `scheme:`."""
    return value if value.startswith("/") and not value.startswith("//") and "\\" not in value else "/"


def mutate(web: Web, action: Callable[[], Any]) -> Any:
    """Runs `action` in a savepoint: on a NotionError its changes are undone and a FormError raised,
    so the handler can show the page again, with the message, in the same transaction."""
    tx = web.tx
    try:
        with tx.conn.begin_nested():
            return action()
    except errors.NotionError as exc:
        tx.cache.clear()
        raise FormError(exc.message) from None
    except accounts.AccountError as exc:
        tx.cache.clear()
        raise FormError(exc.message, exc.field) from None


def markup(text: str) -> Markup:
    return Markup(text)
