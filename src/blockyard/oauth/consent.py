"""The consent page of GET /v1/oauth/authorize, in the web UI: who asks, for what, and which pages.

Parameters are checked as RFC 6749 §4.1.2.1 says: a missing or unknown client_id, or a redirect_uri that
is not registered, shows an error page and never redirects; every other mistake goes back to the client
as `error=...` with the `state`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from ..access import capabilities as caps
from ..domain import workspace_tree
from ..web import http
from ..web.acting import Acting
from . import clients, grants

PARAMS = ("client_id", "response_type", "owner", "redirect_uri", "state")

CAPABILITY_TEXT = {
    caps.READ_CONTENT: "Read content",
    caps.UPDATE_CONTENT: "Update content",
    caps.INSERT_CONTENT: "Insert content",
    caps.READ_COMMENTS: "Read comments",
    caps.INSERT_COMMENTS: "Insert comments",
    caps.USER_WITH_EMAIL: "Read user information including email addresses",
    caps.USER_WITHOUT_EMAIL: "Read user information without email addresses",
}


def register(ui: Any) -> None:
    ui.add("GET", "/install-integration", consent_page, public=True, workspace=False)
    ui.add("POST", "/install-integration", consent_answer, public=True, workspace=False)


@dataclass
class Asked:
    client: clients.Client
    redirect_uri: str  # where to send the answer
    given_redirect_uri: str | None  # as the request gave it, for the code
    state: str | None


def with_query(uri: str, values: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = parts.query + ("&" if parts.query else "") + urlencode(values)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _param(web: Any, name: str) -> str | None:
    if web.request.method == "POST":
        values = web.request.fields(name)
    else:
        values = web.request.query_all(name)
    return values[0] if values else None


def _check(web: Any) -> tuple[Asked | None, http.Answer | None]:
    """What is asked, or the answer to give instead: an error page or an error redirect."""
    client = clients.get(web.tx, _param(web, "client_id") or "")
    if client is None:
        return None, _error(web, "Missing or invalid client_id: no public integration has this client ID.")
    given = _param(web, "redirect_uri")
    if given is not None:
        if given not in client.redirect_uris:
            return None, _error(web, "Invalid redirect_uri: it is not one of the integration's redirect URIs.")
        target = given
    elif len(client.redirect_uris) == 1:
        target = client.redirect_uris[0]
    else:
        return None, _error(web, "Missing redirect_uri: the integration has several redirect URIs; name one.")
    asked = Asked(client, target, given, _param(web, "state"))
    response_type = _param(web, "response_type")
    if response_type is None:
        return asked, refuse(asked, "invalid_request", "response_type is required")
    if response_type != "code":
        return asked, refuse(asked, "unsupported_response_type", "response_type should be `code`")
    if _param(web, "owner") != "user":
        return asked, refuse(asked, "invalid_request", "owner should be `user`")
    return asked, None


def _error(web: Any, message: str) -> http.Answer:
    return web.render("error.html", 400, status=400, message=message)


def refuse(asked: Asked, error: str, description: str | None = None) -> http.Answer:
    values = {"error": error}
    if description:
        values["error_description"] = description
    if asked.state is not None:
        values["state"] = asked.state
    return _away(with_query(asked.redirect_uri, values))


def _allow_form_redirect(answer: http.Answer, location: str) -> http.Answer:
    """The browser checks a form's redirect against the form page's form-action: let it go to the client."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(location))
    answer.headers.append((b"content-security-policy", http.CSP.replace(
        b"form-action 'self'", b"form-action 'self' " + origin.encode())))
    return answer


def _away(location: str) -> http.Answer:
    return _allow_form_redirect(http.redirect(location, 303), location)


def _login(web: Any) -> http.Answer:
    query = web.request.raw.raw_query.decode("latin-1")
    target = web.request.path + ("?" + query if query else "")
    return http.redirect("/login?next=" + quote(target, safe="/"))


def _workspace(web: Any) -> Any:
    wanted = _param(web, "workspace")
    for m in web.memberships:
        if m.workspace.id == wanted:
            return m
    return web.memberships[0] if web.memberships else None


def consent_page(web: Any) -> http.Answer:
    if web.account is None:
        return _login(web)
    asked, answer = _check(web)
    if answer is not None:
        return answer
    assert asked is not None
    member = _workspace(web)
    if member is None:
        return refuse(asked, "access_denied", "the account is a member of no workspace")
    top = workspace_tree.top_level(Acting(web.app, web.tx, member).read_ctx)
    pages = [{"id": n.id, "kind": n.kind, "title": n.data.get("_title_text") or "Untitled"} for n in top]
    hidden = {k: v for k in PARAMS if (v := _param(web, k)) is not None}
    return _allow_form_redirect(web.render(
        "oauth_consent.html", client=asked.client, member=member, pages=pages, hidden=hidden,
        capabilities=[CAPABILITY_TEXT[c] for c in asked.client.capabilities if c in CAPABILITY_TEXT],
        redirect_host=urlsplit(asked.redirect_uri).netloc,
    ), asked.redirect_uri)


def consent_answer(web: Any) -> http.Answer:
    if web.account is None:
        return http.redirect("/login")
    asked, answer = _check(web)
    if answer is not None:
        return answer
    assert asked is not None
    if web.request.field("action") != "allow":
        return refuse(asked, "access_denied", "the user canceled")
    member = _workspace(web)
    if member is None:
        return refuse(asked, "access_denied", "the account is a member of no workspace")
    chosen = grants.pickable(web.tx, member.workspace.id, web.request.fields("page"))
    install_id = grants.install(web.tx, asked.client, member.workspace.id, member.user_id, chosen)
    code = grants.new_code(web.tx, asked.client, install_id, asked.given_redirect_uri)
    values = {"code": code}
    if asked.state is not None:
        values["state"] = asked.state
    return _away(with_query(asked.redirect_uri, values))
