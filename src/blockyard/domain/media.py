"""Icons, covers and file objects."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .. import errors
from . import validate as v

if TYPE_CHECKING:
    from ..context import Ctx

ICON_COLORS = ("gray", "lightgray", "brown", "yellow", "orange", "green", "blue", "purple", "pink", "red")
NATIVE_ICON_URL = re.compile(r"https://www\.notion\.so/icons/([a-z0-9-]+)_([a-z]+)\.svg")


def parse_external(value: Any, path: str) -> dict[str, Any]:
    v.obj(value, path)
    url = v.string(v.required(value, "url", path), f"{path}.url", max_len=2000)
    return {"url": url}


def parse_icon(ctx: "Ctx", value: Any, path: str) -> dict[str, Any] | None:
    if value is None:
        return None
    v.obj(value, path)
    kinds = ("emoji", "external", "file_upload", "custom_emoji", "icon", "file")
    kind = value.get("type") or next((k for k in kinds if k in value), None)
    if kind is None:
        raise errors.body_invalid_any([(f"{path}.{k}", "defined", errors.UNDEFINED) for k in kinds[:5]])
    v.enum(kind, f"{path}.type", kinds)
    body = v.required(value, kind, path)
    if kind == "emoji":
        emoji = v.string(body, f"{path}.emoji", allow_empty=False)
        return {"type": "emoji", "emoji": emoji}
    if kind == "external":
        external = parse_external(body, f"{path}.external")
        native = NATIVE_ICON_URL.fullmatch(external["url"])
        if native and native.group(2) in ICON_COLORS:
            # Notion's own icon files become native icons (recorded: .../icons/snake_purple.svg -> snake, purple).
            return {"type": "icon", "icon": {"name": native.group(1), "color": native.group(2)}}
        return {"type": "external", "external": external}
    if kind == "file":
        return {"type": "file", "file": parse_hosted(ctx, body, f"{path}.file")}
    if kind == "file_upload":
        return {"type": "file", "file": parse_upload(ctx, body, f"{path}.file_upload", "icon")}
    if kind == "custom_emoji":
        v.obj(body, f"{path}.custom_emoji")
        eid = v.uuid(v.required(body, "id", f"{path}.custom_emoji"), f"{path}.custom_emoji.id")
        from ..files import emojis

        if ctx is None:  # a snapshot's icon (import checks shapes, not the workspace's emojis)
            return {"type": "custom_emoji", "custom_emoji": {k: body[k] for k in ("id", "name", "url") if k in body}}
        return {"type": "custom_emoji", "custom_emoji": emojis.reference(ctx, eid, f"{path}.custom_emoji.id")}
    if kind == "icon":
        v.obj(body, f"{path}.icon")
        name = v.string(v.required(body, "name", f"{path}.icon"), f"{path}.icon.name", allow_empty=False)
        color = v.enum(body.get("color", "gray"), f"{path}.icon.color", ICON_COLORS)
        return {"type": "icon", "icon": {"name": name, "color": color}}
    raise errors.validation(f"body failed validation: {path}.{kind} is not supported.")


def parse_cover(ctx: "Ctx", value: Any, path: str) -> dict[str, Any] | None:
    if value is None:
        return None
    v.obj(value, path)
    kind = value.get("type") or next((k for k in ("external", "file_upload", "file") if k in value), None)
    v.enum(kind, f"{path}.type", ("external", "file_upload"))
    if kind == "external":
        return {"type": "external", "external": parse_external(v.required(value, "external", path), f"{path}.external")}
    return {"type": "file", "file": parse_upload(ctx, v.required(value, "file_upload", path), f"{path}.file_upload", "cover")}


def parse_upload(ctx: "Ctx", body: Any, path: str, target: str) -> dict[str, Any]:
    """`{id}` of a file upload: the stored reference that reads back as a signed URL (files/uploads.py)."""
    from ..files import uploads

    v.obj(body, path)
    return uploads.attach(ctx, v.required(body, "id", path), f"{path}.id", target)


def parse_hosted(ctx: "Ctx", body: Any, path: str) -> dict[str, Any]:
    """`{url, expiry_time?}` of a hosted file: one of our signed URLs given back keeps its upload."""
    from ..files import uploads

    v.obj(body, path)
    url = v.string(v.required(body, "url", path), f"{path}.url")
    kept = uploads.from_signed_url(ctx, url) if ctx is not None else None
    return kept or {"url": url, "expiry_time": body.get("expiry_time")}


def render_file(ctx: "Ctx", value: Any) -> Any:
    """An icon, cover or media source as read: a stored upload reference becomes `{url, expiry_time}`,
    signed anew on every read; anything else is returned as it is."""
    if type(value) is dict and value.get("type") == "file" and "upload_id" in value["file"]:
        from ..files import uploads

        return {**value, "file": uploads.signed(ctx, value["file"])}
    return value


# --- media blocks (image, video, audio, pdf, file) -----------------------------------------------

MEDIA_TYPES = ("image", "video", "audio", "pdf", "file")
MEDIA_SOURCES = ("external", "file_upload", "file")


def parse_block_media(ctx: "Ctx", block_type: str, payload: dict[str, Any], path: str,
                      current: dict[str, Any] | None, resolver: Any) -> dict[str, Any]:
    """A media block's payload in response order: caption, type, <source>, name (file only)."""
    from . import rich_text

    allowed = ["type", "external", "file_upload", "file", "caption", "children"] + (["name"] if block_type == "file" else [])
    v.no_extra(payload, allowed, path)
    kind = payload.get("type")
    if kind is None:
        kind = next((k for k in MEDIA_SOURCES if k in payload), None)
    if kind is None and current is not None:
        kind, source = current["type"], current[current["type"]]
    elif kind is None:
        raise errors.body_invalid_any([(f"{path}.{k}", "defined", errors.UNDEFINED) for k in ("external", "file_upload")])
    else:
        v.enum(kind, f"{path}.type", ("external", "file_upload"))
        for other in MEDIA_SOURCES:
            if other != kind and other in payload:
                raise v.fail(f"{path}.{other}", "not present", payload[other])
        body = v.required(payload, kind, path)
        if kind == "file_upload":
            kind, source = "file", parse_upload(ctx, body, f"{path}.file_upload", block_type)
        else:
            source = parse_external(body, f"{path}.external")
    out: dict[str, Any] = {}
    if "caption" in payload:
        out["caption"] = rich_text.parse(payload["caption"], f"{path}.caption", resolver)
    else:
        out["caption"] = current["caption"] if current is not None else []
    out["type"] = kind
    out[kind] = source
    if block_type == "file":
        if "name" in payload:
            out["name"] = v.string(payload["name"], f"{path}.name", max_len=900, allow_empty=False)
        elif current is not None and "name" in current:
            out["name"] = current["name"]
        else:
            out["name"] = source["filename"] if "upload_id" in source else name_from_url(source["url"])
    return out


def render_media(ctx: "Ctx", payload: dict[str, Any]) -> dict[str, Any]:
    """A media block's payload (or a callout's, for its icon) as read."""
    source = payload.get("file")
    if type(source) is dict and "upload_id" in source:
        from ..files import uploads

        payload = {**payload, "file": uploads.signed(ctx, source)}
    icon = payload.get("icon")
    if type(icon) is dict and icon.get("type") == "file":
        payload = {**payload, "icon": render_file(ctx, icon)}
    return payload


def name_from_url(url: str) -> str:
    """The name Notion gives an external file: the last segment of its URL's path."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    segment = next((s for s in reversed(parts.path.split("/")) if s), "")
    return unquote(segment) or parts.netloc or url


def keep_extension(old: dict[str, Any], payload: dict[str, Any], new: dict[str, Any]) -> None:
    """Renaming a file without an extension keeps the old one, as Notion does (`a` -> `a.txt`)."""
    name = payload.get("name")
    old_name = old.get("name", "")
    if isinstance(name, str) and "." not in name and "." in old_name:
        new["name"] = name + old_name[old_name.rindex("."):]
