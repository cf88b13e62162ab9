"""Option families: select, multi_select and status (options with ids and colors; status groups)."""

from __future__ import annotations

from typing import Any

from ... import errors, ids
from ...access import capabilities as caps
from .. import validate as v
from .base import PropertyType, register

OPTION_COLORS = ("default", "gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red")
MAX_NAME = 100
DEFAULT_STATUS = (("Not started", "default", "To-do"), ("In progress", "blue", "In progress"), ("Done", "green", "Complete"))
GROUPS = (("To-do", "gray"), ("In progress", "blue"), ("Complete", "green"))


def _check_name(name: Any, path: str) -> str:
    v.string(name, path, max_len=MAX_NAME, allow_empty=False)
    if "," in name:
        raise errors.validation(f"Invalid option name, commas not allowed: {name}")
    return name


def parse_options(body: Any, path: str, existing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The complete new option list: entries naming an existing option (by id or name) keep its id."""
    by_id = {o["id"]: o for o in existing}
    by_name = {o["name"]: o for o in existing}
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(v.array(body, path, max_items=None)):
        p = f"{path}[{i}]"
        v.obj(item, p)
        v.no_extra(item, ("id", "name", "color", "description"), p)
        old = None
        if item.get("id") is not None:
            old = by_id.get(v.string(item["id"], f"{p}.id"))
            if old is None:
                raise errors.validation(f"Option with ID {item['id']} does not exist in {path}.")
        elif "name" in item:
            old = by_name.get(_check_name(item["name"], f"{p}.name"))
        else:
            raise v.fail(f"{p}.name", "defined")
        name = _check_name(item["name"], f"{p}.name") if "name" in item else old["name"]  # type: ignore[index]
        if name.lower() in seen:
            raise errors.validation(f"Duplicate option name: {name}.")
        seen.add(name.lower())
        if item.get("color") is not None:
            color = v.enum(item["color"], f"{p}.color", OPTION_COLORS)
        else:
            color = old["color"] if old else OPTION_COLORS[len(out) % len(OPTION_COLORS)]
        desc = item.get("description", (old or {}).get("description"))
        if desc is not None:
            v.string(desc, f"{p}.description")
        out.append({"id": old["id"] if old else ids.new_id(), "name": name, "color": color, "description": desc})
    return out


def _ref(value: Any, path: str) -> tuple[str | None, str | None]:
    v.obj(value, path)
    v.no_extra(value, ("id", "name", "color", "description"), path)
    oid, name = value.get("id"), value.get("name")
    if oid is None and name is None:
        raise errors.body_invalid_any([(f"{path}.id", "defined", errors.UNDEFINED), (f"{path}.name", "defined", errors.UNDEFINED)])
    if oid is not None:
        v.string(oid, f"{path}.id")
    if name is not None:
        _check_name(name, f"{path}.name")
    return oid, name


def _value(option: dict[str, Any]) -> dict[str, Any]:
    return {"id": option["id"], "name": option["name"], "color": option["color"]}


class SelectType(PropertyType):
    name = "select"

    def config(self, ctx, body, path, old, env):
        body = v.obj(body if body is not None else {}, path)
        v.no_extra(body, ("options",), path)
        existing = (old or {}).get("options", [])
        if "options" not in body:
            return {"options": existing}
        return {"options": parse_options(body["options"], f"{path}.options", existing)}

    def _find(self, ctx, prop, value, path, env, *, create: bool) -> dict[str, Any]:
        oid, name = _ref(value, path)
        options = prop[self.name]["options"]
        for o in options:
            if (oid is not None and o["id"] == oid) or (oid is None and o["name"] == name):
                return _value(o)
        if oid is not None:
            raise v.fail(f"{path}.id", "an existing option", oid)
        if not create or not ctx.principal.can(caps.UPDATE_CONTENT):
            raise v.fail(f"{path}.name", "an existing option", name)
        # An unknown name adds the option to the schema (Notion does so for integrations that may edit it).
        option = {"id": ids.new_id(), "name": name, "color": OPTION_COLORS[len(options) % len(OPTION_COLORS)], "description": None}
        options.append(option)
        env.schema_changed = True
        return _value(option)

    def parse(self, ctx, value, path, prop, env):
        if value is None:
            return None
        return self._find(ctx, prop, value, path, env, create=True)

    def refresh(self, stored: Any, prop: dict[str, Any]) -> Any:
        if stored is None:
            return None
        current = {o["id"]: o for o in prop[self.name]["options"]}
        return _value(current[stored["id"]]) if stored.get("id") in current else None

    def convert(self, old_type, old_value, prop):
        names = _names(old_type, old_value)
        return _match_or_add(prop[self.name]["options"], names[0]) if names else None


class MultiSelectType(SelectType):
    name = "multi_select"

    def empty(self) -> Any:
        return []

    def parse(self, ctx, value, path, prop, env):
        out: list[dict[str, Any]] = []
        for i, item in enumerate(v.array(value, path)):
            option = self._find(ctx, prop, item, f"{path}[{i}]", env, create=True)
            if all(o["id"] != option["id"] for o in out):
                out.append(option)
        return out

    def refresh(self, stored: Any, prop: dict[str, Any]) -> Any:
        current = {o["id"]: o for o in prop[self.name]["options"]}
        return [_value(current[o["id"]]) for o in (stored or []) if o.get("id") in current]

    def convert(self, old_type, old_value, prop):
        return [_match_or_add(prop[self.name]["options"], n) for n in _names(old_type, old_value)]


def _names(old_type: str, old_value: Any) -> list[str]:
    from .. import rich_text

    if isinstance(old_value, dict) and "name" in old_value:
        return [old_value["name"]]
    if isinstance(old_value, list) and old_type in ("multi_select",):
        return [o["name"] for o in old_value]
    if isinstance(old_value, list) and old_type in ("title", "rich_text"):
        text = rich_text.plain_text(old_value)
        return [n.strip()[:MAX_NAME] for n in text.split(",") if n.strip()]
    if isinstance(old_value, str) and old_value:
        return [old_value.replace(",", " ")[:MAX_NAME]]
    return []


def _match_or_add(options: list[dict[str, Any]], name: str) -> dict[str, Any]:
    for o in options:
        if o["name"] == name:
            return _value(o)
    option = {"id": ids.new_id(), "name": name, "color": OPTION_COLORS[len(options) % len(OPTION_COLORS)], "description": None}
    options.append(option)
    return _value(option)


class StatusType(SelectType):
    name = "status"

    def config(self, ctx, body, path, old, env):
        body = v.obj(body if body is not None else {}, path)
        v.no_extra(body, ("options",), path)
        if old is None:
            return self._new(body, path)
        if "options" not in body:
            return old
        options = parse_options(body["options"], f"{path}.options", old["options"])
        return {"options": options, "groups": _regroup(old["groups"], options)}

    def _new(self, body: dict[str, Any], path: str) -> dict[str, Any]:
        groups = [{"id": ids.new_id(), "name": n, "color": c, "option_ids": []} for n, c in GROUPS]
        if body.get("options"):
            options = parse_options(body["options"], f"{path}.options", [])
            groups[0]["option_ids"] = [o["id"] for o in options]
            return {"options": options, "groups": groups}
        options = []
        for (name, color, group), g in zip(DEFAULT_STATUS, groups):
            oid = ids.new_id()
            options.append({"id": oid, "name": name, "color": color, "description": None})
            g["option_ids"].append(oid)
        return {"options": options, "groups": groups}

    def parse(self, ctx, value, path, prop, env):
        if value is None:
            return default_status(prop)
        # Page writes cannot create status options.
        return self._find(ctx, prop, value, path, env, create=False)

    def refresh(self, stored: Any, prop: dict[str, Any]) -> Any:
        return super().refresh(stored, prop) or default_status(prop)

    def convert(self, old_type, old_value, prop):
        names = _names(old_type, old_value)
        for o in prop["status"]["options"]:
            if names and o["name"] == names[0]:
                return _value(o)
        return default_status(prop)


def _regroup(groups: list[dict[str, Any]], options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Groups after an options update: removed options leave their group, new ones join To-do."""
    ids_now = [o["id"] for o in options]
    placed: set[str] = set()
    out = []
    for g in groups:
        kept = [i for i in g["option_ids"] if i in ids_now]
        placed.update(kept)
        out.append({**g, "option_ids": kept})
    out[0]["option_ids"] += [i for i in ids_now if i not in placed]
    return out


def default_status(prop: dict[str, Any]) -> dict[str, Any] | None:
    """New pages (and null writes) get the first option of the To-do group."""
    config = prop["status"]
    by_id = {o["id"]: o for o in config["options"]}
    for g in config["groups"]:
        for oid in g["option_ids"]:
            if oid in by_id:
                return _value(by_id[oid])
        break
    return None


register(SelectType(), MultiSelectType(), StatusType())
