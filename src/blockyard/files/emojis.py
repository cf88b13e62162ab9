"""Custom emojis: a workspace's own images with names, listed by `GET /v1/custom_emojis` and usable as
page and callout icons (`{"type": "custom_emoji", "custom_emoji": {"id": ...}}`). Added and removed by
the workspace's owner with `blockyard emoji add | list | delete`. Images are kept in the file storage
beside uploads and served at signed URLs that do not expire, as Notion's emoji images are public."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import errors, ids
from ..domain import validate as v
from ..store.schema_files import custom_emojis
from . import limits as L

if TYPE_CHECKING:
    from ..context import Ctx

NAME = re.compile(r"[a-z0-9_-]{1,100}")
MAX_IMAGE_BYTES = 5 * L.MIB


def url_for(signer: Any, emoji_id: str, name: str, content_type: str) -> str:
    ext = L.MIME_TYPES.get(content_type, (".png", ""))[0]
    return signer.url(emoji_id, name + ext, 0, kind="e")


def render(signer: Any, row: Any) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "url": url_for(signer, row.id, row.name, row.content_type)}


def reference(ctx: "Ctx", emoji_id: str, path: str) -> dict[str, Any]:
    """The icon's `{id, name, url}`: the emoji must be one of this workspace's."""
    row = ctx.tx.execute(sa.select(custom_emojis).where(
        custom_emojis.c.id == emoji_id, custom_emojis.c.workspace_id == ctx.principal.workspace_id)).first()
    if row is None:
        raise errors.validation(
            f"body failed validation: {path} should be the ID of a custom emoji in this workspace, "
            f"instead was `{errors.show(emoji_id)}`."
        )
    return render(ctx.app.files.signer, row)


def list_for(ctx: "Ctx", name: str | None, start: str | None, size: int) -> tuple[list[Any], str | None]:
    c = custom_emojis.c
    query = sa.select(custom_emojis).where(c.workspace_id == ctx.principal.workspace_id)
    if name is not None:
        query = query.where(c.name == name)
    if start is not None:
        first = ctx.tx.execute(sa.select(c.name).where(
            c.id == start, c.workspace_id == ctx.principal.workspace_id)).scalar()
        if first is None:
            return [], None
        query = query.where(sa.or_(c.name > first, sa.and_(c.name == first, c.id >= start)))
    rows = ctx.tx.execute(query.order_by(c.name, c.id).limit(size + 1)).all()
    return list(rows[:size]), rows[size].id if len(rows) > size else None


# --- the owner's commands (cli.py) ----------------------------------------------------------------

class EmojiError(Exception):
    pass


def add(tx: Any, storage: Any, workspace_id: str, name: str, image: Path) -> dict[str, Any]:
    if not NAME.fullmatch(name):
        raise EmojiError("a custom emoji's name is 1 to 100 lowercase letters, digits, '-' or '_'")
    ext = L.extension(image.name)
    if ext is None or ext not in L.EXTENSIONS or L.category(L.EXTENSIONS[ext][0]) != "image":
        raise EmojiError(f"{image.name}: a custom emoji is an image ({', '.join(sorted(L._TYPES['image']))})")
    if image.stat().st_size > MAX_IMAGE_BYTES:
        raise EmojiError(f"{image.name}: a custom emoji's image is at most 5 MiB")
    exists = tx.execute(sa.select(custom_emojis.c.id).where(
        custom_emojis.c.workspace_id == workspace_id, custom_emojis.c.name == name)).scalar()
    if exists is not None:
        raise EmojiError(f"a custom emoji named {name} already exists")
    emoji_id = ids.new_id()
    writer = storage.writer()
    try:
        with open(image, "rb") as f:
            while chunk := f.read(1024 * 1024):
                writer.write(chunk)
        writer.commit(f"emojis/{emoji_id}")
    except BaseException:
        writer.abort()
        raise
    row = {"id": emoji_id, "workspace_id": workspace_id, "name": name,
           "content_type": L.EXTENSIONS[ext][0], "created_time": tx.now}
    tx.execute(custom_emojis.insert().values(**row))
    return row


def delete(tx: Any, storage: Any, workspace_id: str, name: str) -> None:
    emoji_id = tx.execute(sa.select(custom_emojis.c.id).where(
        custom_emojis.c.workspace_id == workspace_id, custom_emojis.c.name == name)).scalar()
    if emoji_id is None:
        raise EmojiError(f"no custom emoji named {name}")
    tx.execute(custom_emojis.delete().where(custom_emojis.c.id == emoji_id))
    storage.delete(f"emojis/{emoji_id}")


def all_in(tx: Any, workspace_id: str) -> list[Any]:
    return tx.execute(sa.select(custom_emojis).where(custom_emojis.c.workspace_id == workspace_id)
                      .order_by(custom_emojis.c.name)).all()


def validate_name_query(raw: str | None) -> str | None:
    if raw is None:
        return None
    return v.string(raw, "query.name", max_len=100)
