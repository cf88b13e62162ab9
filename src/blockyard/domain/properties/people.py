"""People and files."""

from __future__ import annotations

from typing import Any

from ... import errors
from .. import validate as v
from .base import PropertyType, register


def user_value(ctx, user_id: str) -> dict[str, Any]:
    """A user as property values show it: as full as the caller's user capability allows; bots without details."""
    from ..users import get_row, render

    row = get_row(ctx, user_id)
    if row is None:
        return {"object": "user", "id": user_id}
    out = render(ctx, row)
    if out.get("type") == "bot":
        out["bot"] = {}
    return out


class PeopleType(PropertyType):
    name = "people"

    def render(self, ctx, page, prop, stored, ds):
        return [user_value(ctx, u["id"]) if u.get("object", "user") == "user" else u for u in stored or []]

    def empty(self) -> Any:
        return []

    def parse(self, ctx, value, path, prop, env):
        from ..blocks import resolver_for

        out: list[dict[str, Any]] = []
        for i, item in enumerate(v.array(value, path)):
            p = f"{path}[{i}]"
            v.obj(item, p)
            kind = item.get("object", "user")
            v.enum(kind, f"{p}.object", ("user", "group"))
            uid = v.uuid(v.required(item, "id", p), f"{p}.id")
            if kind == "user" and not resolver_for(ctx).user_exists(uid):
                raise v.fail(f"{p}.id", "a user in this workspace", uid)
            if all(u["id"] != uid for u in out):
                out.append({"object": kind, "id": uid})
        return out

    def convert(self, old_type, old_value, prop):
        if old_type in ("created_by", "last_edited_by") and isinstance(old_value, dict):
            return [old_value]
        return []


class FilesType(PropertyType):
    name = "files"

    def empty(self) -> Any:
        return []

    def parse(self, ctx, value, path, prop, env):
        out = []
        for i, item in enumerate(v.array(value, path)):
            p = f"{path}[{i}]"
            v.obj(item, p)
            kind = item.get("type") or next((k for k in ("external", "file", "file_upload") if k in item), None)
            if kind is None:
                raise errors.body_invalid_any([(f"{p}.{k}", "defined", errors.UNDEFINED) for k in ("external", "file", "file_upload")])
            v.enum(kind, f"{p}.type", ("external", "file", "file_upload"))
            if kind == "file_upload":
                from ..media import parse_upload

                ref = parse_upload(ctx, v.required(item, kind, p), f"{p}.file_upload", "files")
                name = ref["filename"]
                if "name" in item:
                    name = v.string(item["name"], f"{p}.name", max_len=100, allow_empty=False)
                out.append({"name": name, "type": "file", "file": ref})
                continue
            body = v.obj(v.required(item, kind, p), f"{p}.{kind}")
            if kind == "file":
                from ..media import parse_hosted

                hosted = parse_hosted(ctx, body, f"{p}.file")
                if "upload_id" in hosted:
                    out.append({"name": item.get("name") or hosted["filename"], "type": "file", "file": hosted})
                    continue
            url = v.string(v.required(body, "url", f"{p}.{kind}"), f"{p}.{kind}.url", max_len=2000, allow_empty=False)
            name = v.string(v.required(item, "name", p), f"{p}.name", max_len=100, allow_empty=False)
            if kind == "external":
                out.append({"name": name, "type": "external", "external": {"url": url}})
            else:
                out.append({"name": name, "type": "file", "file": {"url": url, "expiry_time": body.get("expiry_time")}})
        return out

    def render(self, ctx, page, prop, stored, ds):
        if not stored:
            return []
        from ..media import render_file

        return [render_file(ctx, f) if f.get("type") == "file" else f for f in stored]


register(PeopleType(), FilesType())
