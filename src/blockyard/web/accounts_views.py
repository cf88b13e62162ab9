"""Sign-up, log-in, log-out, invite links and new workspaces."""

from __future__ import annotations

from typing import Any

from ..access import accounts
from . import http
from .http import Answer
from .server import FormError, Web, mutate, safe_next


def register(ui: Any) -> None:
    ui.add("GET", "/", home, public=True)
    ui.add("GET", "/signup", signup_form, public=True)
    ui.add("POST", "/signup", signup, public=True)
    ui.add("GET", "/login", login_form, public=True)
    ui.add("POST", "/login", login, public=True)
    ui.add("POST", "/logout", logout)
    ui.add("GET", "/invite/{token}", invite, public=True)
    ui.add("POST", "/invite/{token}", accept_invite)
    ui.add("POST", "/workspaces", new_workspace)


def home(web: Web) -> Answer:
    if web.account is None:
        return http.redirect("/login")
    if not web.memberships:
        return web.render("no_workspace.html")
    return http.redirect(f"/w/{web.memberships[0].workspace.id}")


def _signed_in(web: Web, account: accounts.Account, target: str) -> Answer:
    token = accounts.start_session(web.tx, account)
    target = safe_next(target)
    if target == "/":
        first = accounts.memberships(web.tx, account)
        target = f"/w/{first[0].workspace.id}" if first else "/"
    answer = http.redirect(target)
    return answer.cookie(http.SESSION_COOKIE, token, max_age=accounts.SESSION_DAYS * 86400, secure=web.ui.secure)


def signup_form(web: Web) -> Answer:
    if web.account is not None:
        return http.redirect("/")
    return web.render("signup.html", values={}, error=None, invite=web.request.query("invite"))


def signup(web: Web) -> Answer:
    r = web.request
    values = {"email": r.field("email"), "name": r.field("name")}
    invite = r.field("invite") or None
    try:
        account = mutate(web, lambda: accounts.sign_up(web.tx, values["email"], values["name"], r.field("password"),
                                                       invite=invite))
    except FormError as exc:
        return web.render("signup.html", 400, values=values, error=exc, invite=invite or "")
    return _signed_in(web, account, "/")


def login_form(web: Web) -> Answer:
    if web.account is not None:
        return http.redirect(safe_next(web.request.query("next", "/")))
    return web.render("login.html", values={}, error=None, next=web.request.query("next", "/"))


def login(web: Web) -> Answer:
    r = web.request
    values = {"email": r.field("email")}
    target = r.field("next", "/")
    try:
        account = accounts.log_in(web.tx, values["email"], r.field("password"), r.client_address)
    except accounts.TooManyAttempts as exc:
        minutes = max(1, round(exc.retry_after_s / 60))
        error = FormError(f"Too many failed attempts. Try again in {minutes} minute{'s' if minutes > 1 else ''}.")
        answer = web.render("login.html", 429, values=values, error=error, next=target)
        answer.headers.append((b"retry-after", str(exc.retry_after_s).encode()))
        return answer
    if account is None:
        error = FormError("That email and password do not match an account.", "password")
        return web.render("login.html", 400, values=values, error=error, next=target)
    return _signed_in(web, account, target)


def logout(web: Web) -> Answer:
    accounts.end_session(web.tx, web.session_token)
    return http.redirect("/login").cookie(http.SESSION_COOKIE, "", max_age=0, secure=web.ui.secure)


def invite(web: Web, token: str) -> Answer:
    name = accounts.invite_workspace(web.tx, token)
    return web.render("invite.html", 200 if name else 404, workspace_name=name, token=token)


def accept_invite(web: Web, token: str) -> Answer:
    assert web.account is not None
    try:
        wid = mutate(web, lambda: accounts.accept_invite(web.tx, token, web.account))
    except FormError as exc:
        return web.render("invite.html", 400, workspace_name=None, token=token, error=exc)
    return http.redirect(f"/w/{wid}")


def new_workspace(web: Web) -> Answer:
    assert web.account is not None
    name = web.request.field("name")
    try:
        ws = mutate(web, lambda: accounts.create_workspace(web.tx, web.account, name))
    except FormError as exc:
        return web.render("error.html", 400, status=400, message=exc.message)
    return http.redirect(f"/w/{ws.id}")
