"""File uploads in Notion's words: create, send, complete, retrieve, list, attach, expire.

An upload belongs to the bot (or person) that created it: another integration's upload answers 404,
as if it did not exist. Its status is stored as pending, uploaded or failed; `expired` is read from
`expiry_time`, which is an hour after creation until the upload is first attached, then null."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson
import sqlalchemy as sa

from .. import errors, ids
from ..clock import iso
from ..domain import validate as v
from ..store.schema_files import comment_attachments as attachments_table, file_uploads
from . import limits as L

if TYPE_CHECKING:
    from ..context import Ctx

MODES = ("single_part", "multi_part", "external_url")
STATUSES = ("pending", "uploaded", "expired", "failed")


def service(ctx: "Ctx") -> Any:
    return ctx.app.files


def owner(ctx: "Ctx") -> tuple[str, str]:
    return ctx.principal.user_id, "person" if ctx.principal.is_personal else "bot"


def status_of(row: Any, now: int) -> str:
    if row.status in ("pending", "uploaded") and row.expiry_time is not None and row.expiry_time <= now:
        return "expired"
    return row.status


def not_found(ctx: "Ctx", upload_id: str) -> errors.NotionError:
    p = ctx.principal
    return errors.not_found("file_upload", upload_id, p.integration_name, p.integration_id)


def not_pending(upload_id: str) -> errors.NotionError:
    return errors.validation(f"File upload with ID {upload_id} is not in the pending status.")


def too_large(size: int, limit: int) -> errors.NotionError:
    return errors.validation(f"File size of {size} bytes exceeds the limit of {limit}.")


# --- create ------------------------------------------------------------------------------------

def create(ctx: "Ctx", body: dict[str, Any]) -> Any:
    v.no_extra(body, ("mode", "filename", "content_type", "number_of_parts", "external_url"), "body")
    mode = v.enum(body.get("mode", "single_part"), "body.mode", MODES)
    filename = body.get("filename")
    content_type = body.get("content_type")
    if filename is not None:
        filename = v.string(filename, "body.filename", allow_empty=False)
        if len(filename.encode()) > L.MAX_FILENAME_BYTES:
            raise errors.validation(
                f"body failed validation: body.filename should be at most {L.MAX_FILENAME_BYTES} bytes long, "
                f"instead was {len(filename.encode())} bytes."
            )
    elif mode in ("multi_part", "external_url"):
        raise v.fail("body.filename", "defined")
    if content_type is not None:
        content_type = v.string(content_type, "body.content_type", max_len=255, allow_empty=False)
    filename, content_type = check_type(filename, content_type, "body")
    parts = None
    if mode == "multi_part":
        parts = v.integer(v.required(body, "number_of_parts", "body"), "body.number_of_parts",
                          minimum=1, maximum=L.MAX_PARTS)
    elif "number_of_parts" in body:
        raise v.fail("body.number_of_parts", f"not present for mode `{mode}`", body["number_of_parts"])
    url = None
    if mode == "external_url":
        url = v.string(v.required(body, "external_url", "body"), "body.external_url", max_len=2000, allow_empty=False)
        service(ctx).fetcher.check_url(url)
        if filename is None or content_type is None and L.extension(filename) is None:
            raise v.fail("body.filename", "a filename with an extension", filename)
    elif "external_url" in body:
        raise v.fail("body.external_url", f"not present for mode `{mode}`", body["external_url"])

    user_id, user_type = owner(ctx)
    now = ctx.now
    row = {
        "id": ids.new_id(), "workspace_id": ctx.principal.workspace_id, "owner_id": user_id, "owner_type": user_type,
        "mode": mode, "status": "pending", "created_time": now, "last_edited_time": now,
        "expiry_time": now + L.EXPIRY_MS, "filename": filename, "content_type": content_type,
        "content_length": None, "number_of_parts": parts, "parts": "{}", "external_url": url,
        "import_result": None, "claimed_time": None, "bytes_removed": False,
    }
    ctx.tx.execute(file_uploads.insert().values(**row))
    if mode == "external_url":
        service(ctx).fetcher.wake()
    event(ctx, "file_upload.created", row["id"])
    return load(ctx, row["id"])


def check_type(filename: str | None, content_type: str | None, where: str) -> tuple[str | None, str | None]:
    """Notion's rules between a filename's extension and a content type: each must be an allowed
    type, they must agree, and a missing one is inferred from the other."""
    ext = L.extension(filename) if filename else None
    if content_type is not None:
        base = L.base_type(content_type)
        if base not in L.MIME_TYPES:
            raise errors.validation(
                f"{where} failed validation: {where}.content_type should be a supported content type, "
                f"instead was `{errors.show(content_type)}`."
            )
    if ext is not None and ext not in L.EXTENSIONS:
        raise errors.validation(f"The file extension {ext} is not supported.")
    if ext is not None and content_type is not None and L.base_type(content_type) not in L.EXTENSIONS[ext]:
        raise errors.validation(
            f"The content type {L.base_type(content_type)} does not match the file extension {ext}."
        )
    if ext is None and filename is not None and content_type is not None:
        filename += L.MIME_TYPES[L.base_type(content_type)][0]
    if content_type is None and ext is not None:
        content_type = L.EXTENSIONS[ext][0]
    return filename, content_type


# --- read --------------------------------------------------------------------------------------

def load(ctx: "Ctx", upload_id: str, *, for_update: bool = False) -> Any:
    user_id, _ = owner(ctx)
    query = sa.select(file_uploads).where(file_uploads.c.id == upload_id,
                                          file_uploads.c.workspace_id == ctx.principal.workspace_id,
                                          file_uploads.c.owner_id == user_id)
    if for_update and not ctx.tx.is_sqlite:
        query = query.with_for_update()
    row = ctx.tx.execute(query).first()
    if row is None:
        raise not_found(ctx, upload_id)
    return row


def render(ctx: "Ctx", row: Any) -> dict[str, Any]:
    now = ctx.now
    status = status_of(row, now)
    out: dict[str, Any] = {
        "object": "file_upload",
        "id": row.id,
        "created_time": iso(row.created_time),
        "created_by": {"id": row.owner_id, "type": row.owner_type},
        "last_edited_time": iso(row.last_edited_time),
        "in_trash": False,
    }
    if ctx.version.archived:
        out["archived"] = False
    out.update({
        "expiry_time": iso(row.expiry_time) if row.expiry_time is not None else None,
        "status": status,
        "filename": row.filename,
        "content_type": row.content_type,
        "content_length": row.content_length,
    })
    base = service(ctx).signer.base_url
    if status == "pending" and row.mode != "external_url":
        out["upload_url"] = f"{base}/v1/file_uploads/{row.id}/send"
        if row.mode == "multi_part":
            out["complete_url"] = f"{base}/v1/file_uploads/{row.id}/complete"
    if row.import_result:
        out["file_import_result"] = orjson.loads(row.import_result)
    if row.mode == "multi_part":
        out["number_of_parts"] = {"total": row.number_of_parts, "sent": len(orjson.loads(row.parts))}
    return out


def list_for(ctx: "Ctx", status: str | None, start: str | None, size: int) -> tuple[list[Any], str | None]:
    user_id, _ = owner(ctx)
    c = file_uploads.c
    now = ctx.now
    query = sa.select(file_uploads).where(c.workspace_id == ctx.principal.workspace_id, c.owner_id == user_id)
    live = sa.or_(c.expiry_time.is_(None), c.expiry_time > now)
    if status == "expired":
        query = query.where(c.status.in_(("pending", "uploaded")), c.expiry_time <= now)
    elif status in ("pending", "uploaded"):
        query = query.where(c.status == status, live)
    elif status == "failed":
        query = query.where(c.status == "failed")
    if start is not None:
        first = ctx.tx.execute(sa.select(c.created_time).where(
            c.id == start, c.workspace_id == ctx.principal.workspace_id, c.owner_id == user_id)).scalar()
        if first is None:
            return [], None
        # Newest first, as Notion lists them.
        query = query.where(sa.or_(c.created_time < first, sa.and_(c.created_time == first, c.id <= start)))
    rows = ctx.tx.execute(query.order_by(c.created_time.desc(), c.id.desc()).limit(size + 1)).all()
    return list(rows[:size]), rows[size].id if len(rows) > size else None


# --- send and complete ----------------------------------------------------------------------------

def check_sendable(ctx: "Ctx", row: Any) -> None:
    if status_of(row, ctx.now) != "pending":
        raise not_pending(row.id)
    if row.mode == "external_url":
        raise errors.validation(
            f"File upload with ID {row.id} is in mode `external_url`; its file is imported from its URL, not sent."
        )


def send_limit(ctx: "Ctx", row: Any) -> int:
    """The most bytes one send may carry for this upload."""
    if row.mode == "single_part":
        return min(L.SINGLE_PART_MAX, service(ctx).plan_limit)
    return min(L.PART_MAX, service(ctx).plan_limit)


def part_number(row: Any, raw: str | None) -> int | None:
    if row.mode == "single_part":
        if raw is not None:
            raise v.fail("body.part_number", "not present for mode `single_part`", raw)
        return None
    if raw is None:
        raise v.fail("body.part_number", "defined")
    text = raw.strip()
    number = int(text) if text.isdigit() else None
    if number is None or not 1 <= number <= row.number_of_parts:
        raise errors.validation(
            f"body failed validation: body.part_number should be an integer between 1 and {row.number_of_parts}, "
            f"instead was `{errors.show(raw)}`."
        )
    return number


def finish_send(ctx: "Ctx", row: Any, number: int | None, size: int, sent_type: str | None,
                sent_name: str | None, writer: Any) -> Any:
    """Everything the body said is checked here, before its bytes are kept under the upload's key."""
    plan = service(ctx).plan_limit
    filename, content_type = row.filename, row.content_type
    sent_type = L.base_type(sent_type) if sent_type else None
    if sent_type in ("application/octet-stream", ""):
        sent_type = None
    if content_type is not None and sent_type is not None and sent_type != L.base_type(content_type):
        raise errors.validation(
            f"The content type of the file sent ({sent_type}) does not match the content type of the file upload "
            f"({content_type})."
        )
    if filename is None and sent_name:
        filename = sent_name[-L.MAX_FILENAME_BYTES:]
    if content_type is None:
        filename, content_type = check_type(filename, sent_type, "body")
        if content_type is None:
            raise errors.validation("The content type of the file could not be determined: give the file upload a "
                                    "content_type or a filename with an extension.")
    values: dict[str, Any] = {"last_edited_time": ctx.now, "filename": filename, "content_type": content_type}
    if row.mode == "single_part":
        if size > plan:
            raise too_large(size, plan)
        if size > L.SINGLE_PART_MAX:
            raise too_large(size, L.SINGLE_PART_MAX)
        if size == 0:
            raise errors.validation("The file sent is empty.")
        writer.commit(f"uploads/{row.id}")
        values.update(status="uploaded", content_length=size)
    else:
        assert number is not None
        if size > L.PART_MAX:
            raise too_large(size, L.PART_MAX)
        if number < row.number_of_parts and size < L.PART_MIN:
            raise errors.validation(
                f"Part {number} is {size} bytes; every part but the last must be at least {L.PART_MIN} bytes."
            )
        if size == 0:
            raise errors.validation(f"Part {number} is empty.")
        parts = {int(k): s for k, s in orjson.loads(row.parts).items()}
        parts[number] = size
        total = sum(parts.values())
        if total > plan:
            raise too_large(total, plan)
        writer.commit(f"parts/{row.id}/{number}")
        values.update(parts=orjson.dumps({str(k): s for k, s in sorted(parts.items())}).decode())
    ctx.tx.execute(file_uploads.update().where(file_uploads.c.id == row.id).values(**values))
    if row.mode == "single_part":
        event(ctx, "file_upload.completed", row.id)
    return load(ctx, row.id)


def complete(ctx: "Ctx", row: Any) -> Any:
    if row.mode != "multi_part":
        if status_of(row, ctx.now) != "pending":
            raise not_pending(row.id)
        raise errors.validation(f"File upload with ID {row.id} is not in the multi_part mode.")
    if status_of(row, ctx.now) != "pending":
        raise not_pending(row.id)
    parts = {int(k): s for k, s in orjson.loads(row.parts).items()}
    missing = [n for n in range(1, row.number_of_parts + 1) if n not in parts]
    if missing:
        raise errors.validation(
            f"Expected {row.number_of_parts} parts for file upload with ID {row.id}, but received {len(parts)}; "
            f"missing part {missing[0]}."
        )
    total = sum(parts.values())
    plan = service(ctx).plan_limit
    if total > plan:
        raise too_large(total, plan)
    storage = service(ctx).storage
    keys = [f"parts/{row.id}/{n}" for n in range(1, row.number_of_parts + 1)]
    size = storage.concat(keys, f"uploads/{row.id}")
    ctx.tx.execute(file_uploads.update().where(file_uploads.c.id == row.id).values(
        status="uploaded", content_length=size, last_edited_time=ctx.now))
    storage.delete(f"parts/{row.id}/")
    event(ctx, "file_upload.completed", row.id)
    return load(ctx, row.id)


# --- attach and render ------------------------------------------------------------------------------

def attach(ctx: "Ctx", upload_id: Any, path: str, target: str) -> dict[str, Any]:
    """The stored reference to an uploaded file, checked for `target` (image, pdf, files, icon, ...):
    the upload must be this caller's, uploaded and not expired. Attaching keeps it for good."""
    uid = v.uuid(upload_id, path)
    user_id, _ = owner(ctx)
    row = ctx.tx.execute(sa.select(file_uploads).where(
        file_uploads.c.id == uid, file_uploads.c.workspace_id == ctx.principal.workspace_id,
        file_uploads.c.owner_id == user_id)).first()
    if row is None or status_of(row, ctx.now) != "uploaded":
        raise errors.validation(
            f"body failed validation: {path} should be the ID of a file upload with status `uploaded`, "
            f"instead was `{errors.show(upload_id)}`."
        )
    kind = L.category(row.content_type)
    allowed = L.TARGETS[target]
    if kind not in allowed or target == "pdf" and L.base_type(row.content_type) != "application/pdf":
        raise errors.validation(
            f"The file upload with ID {uid} has content type {row.content_type}, which cannot be used "
            f"{'as a page ' + target if target in ('icon', 'cover') else 'in a ' + target + ' ' + ('property' if target == 'files' else 'block')}."
        )
    if row.expiry_time is not None:
        ctx.tx.execute(file_uploads.update().where(file_uploads.c.id == uid).values(expiry_time=None))
    return {"upload_id": uid, "filename": row.filename or "file", "content_type": row.content_type}


def signed(ctx: "Ctx", ref: dict[str, Any]) -> dict[str, Any]:
    """`{url, expiry_time}` for a stored reference, signed anew on every read."""
    expires = ctx.now + L.URL_LIFETIME_MS
    return {"url": service(ctx).signer.url(ref["upload_id"], ref["filename"], expires), "expiry_time": iso(expires)}


def from_signed_url(ctx: "Ctx", url: str) -> dict[str, Any] | None:
    """A signed URL of ours given back (`{file: {url}}` keeps an existing hosted file): its reference."""
    svc = getattr(ctx.app, "files", None)
    if svc is None or not url.startswith(svc.signer.base_url + "/_files/u/"):
        return None
    from urllib.parse import parse_qs, unquote

    parts = urlsplit(url)
    segments = parts.path.split("/")
    if len(segments) != 5:
        return None
    query = parse_qs(parts.query)
    try:
        expires = int(query["expires"][0])
        sig = query["signature"][0]
    except (KeyError, ValueError):
        return None
    upload_id, name = segments[3], unquote(segments[4])
    if not svc.signer.check("u", upload_id, name, expires, sig):
        return None
    row = ctx.tx.execute(sa.select(file_uploads.c.content_type).where(
        file_uploads.c.id == upload_id, file_uploads.c.workspace_id == ctx.principal.workspace_id)).first()
    if row is None:
        return None
    return {"upload_id": upload_id, "filename": name, "content_type": row.content_type}


def attach_to_comment(ctx: "Ctx", comment_id: str, upload_ids: list[str]) -> None:
    ctx.tx.execute(attachments_table.insert(), [
        {"comment_id": comment_id, "position": i, "upload_id": uid} for i, uid in enumerate(upload_ids)])
    ctx.tx.cache["any_comment_attachments"] = True


def comment_attachments(ctx: "Ctx", comment_id: str) -> list[dict[str, Any]]:
    """A comment's attachments as Notion reads them: `{category, file: {url, expiry_time}}`."""
    # A store where no comment has attachments (most) answers a list of comments with one query, not one each.
    if "any_comment_attachments" not in ctx.tx.cache:
        ctx.tx.cache["any_comment_attachments"] = ctx.tx.execute(
            sa.select(attachments_table.c.comment_id).limit(1)).first() is not None
    if not ctx.tx.cache["any_comment_attachments"]:
        return []
    rows = ctx.tx.execute(
        sa.select(file_uploads.c.id, file_uploads.c.filename, file_uploads.c.content_type)
        .select_from(attachments_table.join(file_uploads, file_uploads.c.id == attachments_table.c.upload_id))
        .where(attachments_table.c.comment_id == comment_id).order_by(attachments_table.c.position)
    ).all()
    out = []
    for r in rows:
        kind = L.category(r.content_type)
        if L.base_type(r.content_type or "") == "application/pdf":
            kind = "pdf"
        elif kind == "document":
            kind = "productivity"
        out.append({"category": kind, "file": signed(ctx, {"upload_id": r.id, "filename": r.filename or "file"})})
    return out


def event(ctx: "Ctx", kind: str, upload_id: str) -> None:
    """The webhook outbox (files/events.py): `file_upload.created`, `file_upload.completed`."""
    from . import events

    events.record(ctx.tx, ctx.principal.workspace_id, kind, upload_id, ctx.principal.user_id, ctx.now, ctx.app)
