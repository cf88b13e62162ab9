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
        v.obj(body, f"{path}.file")
        return {"type": "file", "file": {"url": v.string(v.required(body, "url", f"{path}.file"), f"{path}.file.url"),
                                         "expiry_time": body.get("expiry_time")}}
    if kind == "custom_emoji":
        v.obj(body, f"{path}.custom_emoji")
        eid = v.uuid(v.required(body, "id", f"{path}.custom_emoji"), f"{path}.custom_emoji.id")
        return {"type": "custom_emoji", "custom_emoji": {"id": eid, "name": body.get("name", ""), "url": body.get("url", "")}}
    if kind == "icon":
        v.obj(body, f"{path}.icon")
        name = v.string(v.required(body, "name", f"{path}.icon"), f"{path}.icon.name", allow_empty=False)
        color = v.enum(body.get("color", "gray"), f"{path}.icon.color", ICON_COLORS)
        return {"type": "icon", "icon": {"name": name, "color": color}}
    raise errors.validation(f"body failed validation: {path}.file_upload is not supported yet.")


def parse_cover(ctx: "Ctx", value: Any, path: str) -> dict[str, Any] | None:
    if value is None:
        return None
    v.obj(value, path)
    kind = value.get("type") or next((k for k in ("external", "file_upload", "file") if k in value), None)
    v.enum(kind, f"{path}.type", ("external", "file_upload"))
    if kind == "external":
        return {"type": "external", "external": parse_external(v.required(value, "external", path), f"{path}.external")}
    raise errors.validation(f"body failed validation: {path}.file_upload is not supported yet.")


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
            v.obj(body, f"{path}.file_upload")
            v.uuid(v.required(body, "id", f"{path}.file_upload"), f"{path}.file_upload.id")
            # Until uploads exist, no upload ID can name a finished upload.
            raise errors.validation(
                f"body failed validation: {path}.file_upload.id should be the ID of a file upload with status `uploaded`, "
                f"instead was `\"{body['id']}\"`."
            )
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
            out["name"] = name_from_url(source["url"])
    return out


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
