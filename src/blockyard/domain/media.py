"""Icons, covers and file objects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import errors
from . import validate as v

if TYPE_CHECKING:
    from ..api.context import Ctx

ICON_COLORS = ("gray", "lightgray", "brown", "yellow", "orange", "green", "blue", "purple", "pink", "red")


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
        return {"type": "external", "external": parse_external(body, f"{path}.external")}
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
