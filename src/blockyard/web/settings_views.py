"""Settings as Notion's: Connections / Develop integrations, personal access tokens, the Share dialog,
and members with invite links."""

from __future__ import annotations

from typing import Any

from ..access import accounts, admin, capabilities as caps
from . import http
from .http import Answer
from .server import FormError, Web, mutate, safe_next
from .workspace import sidebar

CONTENT_CAPABILITIES = [
    (caps.READ_CONTENT, "Read content"), (caps.UPDATE_CONTENT, "Update content"),
    (caps.INSERT_CONTENT, "Insert content"),
]
COMMENT_CAPABILITIES = [(caps.READ_COMMENTS, "Read comments"), (caps.INSERT_COMMENTS, "Insert comments")]
USER_CAPABILITIES = [
    (caps.NO_USER_INFO, "No user information"),
    (caps.USER_WITHOUT_EMAIL, "Read user information without email addresses"),
    (caps.USER_WITH_EMAIL, "Read user information including email addresses"),
]
ACCESS_LABELS = [("view", "Can view"), ("comment", "Can comment"), ("edit", "Can edit"), ("full", "Full access")]


def register(ui: Any) -> None:
    ui.add("GET", "/w/{workspace_id}/settings/integrations", integrations_page)
    ui.add("POST", "/w/{workspace_id}/settings/integrations", create_integration)
    ui.add("GET", "/w/{workspace_id}/settings/integrations/{integration_id}", integration_page)
    ui.add("POST", "/w/{workspace_id}/settings/integrations/{integration_id}/capabilities", update_capabilities)
    ui.add("POST", "/w/{workspace_id}/settings/integrations/{integration_id}/rotate", rotate)
    ui.add("POST", "/w/{workspace_id}/settings/integrations/{integration_id}/delete", delete)
    ui.add("POST", "/w/{workspace_id}/settings/tokens", personal_token)
    ui.add("GET", "/w/{workspace_id}/settings/members", members_page)
    ui.add("POST", "/w/{workspace_id}/settings/members/invite", invite)
    ui.add("POST", "/w/{workspace_id}/share/{object_id}", share)
    ui.add("POST", "/w/{workspace_id}/share/{object_id}/remove", unshare)


def _owner_only(web: Web) -> Answer | None:
    if not web.member or not web.member.is_owner:
        return web.render("error.html", 403, status=403,
                          message="Only workspace owners can manage integrations and members.")
    return None


def _capabilities(web: Web) -> tuple[str, ...]:
    chosen = [c for c, _ in CONTENT_CAPABILITIES + COMMENT_CAPABILITIES if c in web.request.fields("capability")]
    level = web.request.field("user_info", caps.NO_USER_INFO)
    if level not in caps.USER_LEVELS:
        raise FormError("Choose one level of user information.", "user_info")
    return (*chosen, level)


def integrations_page(web: Web, error: FormError | None = None, typed: dict[str, Any] | None = None,
                      status: int = 200, personal: str | None = None) -> Answer:
    denied = _owner_only(web)
    if denied:
        return denied
    ws = web.member.workspace  # type: ignore[union-attr]
    owned = [m for m in web.memberships if m.is_owner]
    return web.render(
        "integrations.html", status, integrations=admin.list_integrations(web.tx, ws), error=error,
        typed=typed or {"capabilities": list(caps.DEFAULT), "user_info": caps.USER_WITHOUT_EMAIL},
        content_caps=CONTENT_CAPABILITIES, comment_caps=COMMENT_CAPABILITIES, user_caps=USER_CAPABILITIES,
        owned=owned, personal_token=personal, tree=sidebar(web),
    )


def create_integration(web: Web) -> Answer:
    denied = _owner_only(web)
    if denied:
        return denied
    r = web.request
    typed = {"name": r.field("name"), "capabilities": r.fields("capability"), "user_info": r.field("user_info")}
    target = next((m for m in web.memberships if m.workspace.id == r.field("workspace") and m.is_owner), web.member)
    try:
        capabilities = _capabilities(web)
        info, token = mutate(web, lambda: _create(web.tx, target.workspace, typed["name"], capabilities))  # type: ignore[union-attr]
    except FormError as exc:
        return integrations_page(web, exc, typed, 400)
    if target is not web.member:
        return http.redirect(f"/w/{target.workspace.id}/settings/integrations/{info['id']}")  # type: ignore[union-attr]
    return _integration(web, info, token=token, created=True)


def _create(tx: Any, ws: admin.Workspace, name: str, capabilities: tuple[str, ...]) -> tuple[dict, str]:
    try:
        return admin.create_integration(tx, ws, name, capabilities)
    except admin.AdminError as exc:
        raise accounts.AccountError("name", str(exc).capitalize() + ".") from None


def _info(web: Web, integration_id: str) -> dict[str, Any] | None:
    try:
        return admin.integration_info(web.tx, web.member.workspace, integration_id)  # type: ignore[union-attr]
    except admin.AdminError:
        return None


def _integration(web: Web, info: dict[str, Any], *, token: str | None = None, created: bool = False,
                 error: FormError | None = None) -> Answer:
    links_to = []
    from ..domain import workspace_tree

    ctx = web.acting.read_ctx  # type: ignore[union-attr]
    for s in info["shared"]:
        node = workspace_tree.get(ctx, s["object_id"])
        if node is not None:
            kind = "p" if node.kind == "page" else "d"
            links_to.append({"href": f"{web.base}/{kind}/{node.id}", "title": node.data.get("_title_text") or "Untitled",
                             "access": dict(ACCESS_LABELS).get(s["access"], s["access"])})
    return web.render(
        "integration.html", 400 if error else 200, info=info, token=token, created=created, shared=links_to,
        content_caps=CONTENT_CAPABILITIES, comment_caps=COMMENT_CAPABILITIES, user_caps=USER_CAPABILITIES,
        user_info=next((c for c in info["capabilities"] if c in caps.USER_LEVELS), caps.NO_USER_INFO),
        error=error, tree=sidebar(web), base_url=web.app.settings.public_url,
    )


def integration_page(web: Web, integration_id: str) -> Answer:
    denied = _owner_only(web)
    if denied:
        return denied
    info = _info(web, integration_id)
    if info is None:
        return web.render("error.html", 404, status=404, message="There is no such integration in this workspace.")
    return _integration(web, info)


def update_capabilities(web: Web, integration_id: str) -> Answer:
    denied = _owner_only(web)
    if denied:
        return denied
    info = _info(web, integration_id)
    if info is None:
        return web.render("error.html", 404, status=404, message="There is no such integration in this workspace.")
    try:
        capabilities = _capabilities(web)
    except FormError as exc:
        return _integration(web, info, error=exc)
    admin.set_capabilities(web.tx, web.member.workspace, info["id"], capabilities)  # type: ignore[union-attr]
    return http.redirect(f"{web.base}/settings/integrations/{info['id']}")


def rotate(web: Web, integration_id: str) -> Answer:
    denied = _owner_only(web)
    if denied:
        return denied
    info = _info(web, integration_id)
    if info is None:
        return web.render("error.html", 404, status=404, message="There is no such integration in this workspace.")
    try:
        token = admin.rotate_token(web.tx, web.member.workspace, info["id"])  # type: ignore[union-attr]
    except admin.AdminError as exc:  # a public integration rotates its client secret; an OAuth install, nothing
        from ..oauth import clients

        try:
            token = clients.rotate_secret(web.tx, web.member.workspace, info["id"])  # type: ignore[union-attr]
        except admin.AdminError:
            return web.render("error.html", 400, status=400, message=str(exc))
    return _integration(web, _info(web, integration_id) or info, token=token)


def delete(web: Web, integration_id: str) -> Answer:
    denied = _owner_only(web)
    if denied:
        return denied
    info = _info(web, integration_id)
    if info is not None:
        admin.delete_integration(web.tx, web.member.workspace, info["id"])  # type: ignore[union-attr]
    return http.redirect(f"{web.base}/settings/integrations")


def personal_token(web: Web) -> Answer:
    denied = _owner_only(web)
    if denied:
        return denied
    token = admin.create_personal_token(web.tx, web.member.workspace)  # type: ignore[union-attr]
    return integrations_page(web, personal=token)


def members_page(web: Web, link: str | None = None) -> Answer:
    ws = web.member.workspace  # type: ignore[union-attr]
    return web.render("members.html", members=accounts.members(web.tx, ws), link=link, tree=sidebar(web),
                      is_owner=web.member.is_owner)  # type: ignore[union-attr]


def invite(web: Web) -> Answer:
    denied = _owner_only(web)
    if denied:
        return denied
    token = accounts.create_invite(web.tx, web.member.workspace, web.account)  # type: ignore[union-attr,arg-type]
    return members_page(web, link=f"{web.app.settings.public_url}/invite/{token}")


def _back(web: Web) -> str:
    target = safe_next(web.request.field("back") or web.base)
    return target if target.startswith(web.base) else web.base


def share(web: Web, object_id: str) -> Answer:
    """Invite an integration to a page or database, or change its access (the Share dialog)."""
    denied = _owner_only(web)
    if denied:
        return denied
    integration, access = web.request.field("integration"), web.request.field("access", "edit")
    back = _back(web)
    try:
        admin.share(web.tx, web.member.workspace, object_id, integration, access)  # type: ignore[union-attr]
    except admin.AdminError as exc:
        return web.render("error.html", 400, status=400, message=str(exc).capitalize() + ".")
    return http.redirect(back + "?share=open")


def unshare(web: Web, object_id: str) -> Answer:
    denied = _owner_only(web)
    if denied:
        return denied
    try:
        admin.unshare(web.tx, web.member.workspace, object_id, web.request.field("integration"))  # type: ignore[union-attr]
    except admin.AdminError as exc:
        return web.render("error.html", 400, status=400, message=str(exc).capitalize() + ".")
    return http.redirect(_back(web) + "?share=open")
