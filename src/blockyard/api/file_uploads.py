"""/v1/file_uploads"""

from __future__ import annotations

from typing import Any

from .. import errors
from ..access import capabilities as caps
from ..domain import validate as v
from ..files import form as forms, uploads
from ..context import Ctx
from .lists import bad_cursor, envelope, page_params


def create_file_upload(ctx: Ctx) -> dict[str, Any]:
    ctx.require(caps.INSERT_CONTENT)
    return uploads.render(ctx, uploads.create(ctx, ctx.body()))


def retrieve_file_upload(ctx: Ctx, file_upload_id: str) -> dict[str, Any]:
    uid = v.path_uuid(file_upload_id, "file_upload_id")
    ctx.require(caps.READ_CONTENT)
    return uploads.render(ctx, uploads.load(ctx, uid))


def list_file_uploads(ctx: Ctx) -> dict[str, Any]:
    status = ctx.request.query("status")
    if status is not None:
        v.enum(status, "query.status", uploads.STATUSES)
    size, start, cursor = page_params(ctx)
    ctx.require(caps.READ_CONTENT)
    rows, next_cursor = uploads.list_for(ctx, status, start, size)
    if start is not None and not rows:
        raise bad_cursor("query.start_cursor", cursor)
    return envelope("file_upload", [uploads.render(ctx, r) for r in rows], next_cursor)


def complete_file_upload(ctx: Ctx, file_upload_id: str) -> dict[str, Any]:
    uid = v.path_uuid(file_upload_id, "file_upload_id")
    ctx.require(caps.INSERT_CONTENT)
    return uploads.render(ctx, uploads.complete(ctx, uploads.load(ctx, uid, for_update=True)))


async def send_file_upload(app: Any, state: dict[str, Any], receive: Any) -> dict[str, Any]:
    """Streams the body: a short transaction checks the upload, the file goes to storage in chunks with
    no transaction open, and a second transaction checks the upload again and records the send."""
    request = state["request"]
    store = app.store
    conn = state.get("conn")

    def ctx_for(tx: Any) -> Ctx:
        return Ctx(request, state["version"], state["principal"], tx, app, state["request_id"])

    try:
        uid = v.path_uuid(state["params"]["file_upload_id"], "file_upload_id")
        with store.read(conn) as tx:
            ctx = ctx_for(tx)
            ctx.require(caps.INSERT_CONTENT)
            row = uploads.load(ctx, uid)
            uploads.check_sendable(ctx, row)
            limit = uploads.send_limit(ctx, row)
        boundary = forms.boundary_of(request.headers.get("content-type"))
    except errors.NotionError:
        await forms.drain(receive)  # the client hears the refusal once it has sent its body
        raise
    storage = app.files.storage
    writer = storage.writer()
    try:
        form = await forms.read_form(receive, boundary, writer, limit)
        if not form.file_seen:
            raise v.fail("body.file", "defined")
        with store.write(conn) as tx:
            ctx = ctx_for(tx)
            row = uploads.load(ctx, uid, for_update=True)
            uploads.check_sendable(ctx, row)
            number = uploads.part_number(row, form.fields.get("part_number"))
            row = uploads.finish_send(ctx, row, number, form.size, form.file_type, form.file_name, writer)
            return uploads.render(ctx, row)
    except BaseException:
        writer.abort()
        raise


ROUTES = [
    ("POST", "/v1/file_uploads", create_file_upload),
    ("GET", "/v1/file_uploads", list_file_uploads),
    ("GET", "/v1/file_uploads/{file_upload_id}", retrieve_file_upload),
    ("POST", "/v1/file_uploads/{file_upload_id}/send", send_file_upload, {"stream": True}),
    ("POST", "/v1/file_uploads/{file_upload_id}/complete", complete_file_upload),
]
