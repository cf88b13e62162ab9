"""Imported objects checked and completed as an API write would leave them.

A snapshot is someone's file, not our own output: options may lack IDs, values may name options the schema
lacks, and anything may have the wrong shape. What an API write would complete is completed here (option
and status-group IDs, default colors, options that a select value names); what it would refuse is refused,
naming the field. `served` then renders every imported object the way requests will, so that no input can
make a later request answer 500: the import fails instead, naming the line."""

from __future__ import annotations

import re
from typing import Any, Callable

from .. import ids

OPTION_COLORS = ("default", "gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red")
GROUPS = (("To-do", "gray"), ("In progress", "blue"), ("Complete", "green"))
RICH_TEXT_TYPES = ("text", "mention", "equation")


class Invalid(ValueError):
    """A field of an imported object that no API write would accept; `str()` names the field."""

    def __init__(self, path: str, expected: str, got: Any) -> None:
        shown = repr(got) if not isinstance(got, (dict, list)) else type(got).__name__
        super().__init__(f"{path} should be {expected}, instead was {shown[:80]}")

    @classmethod
    def of(cls, exc: Any) -> "Invalid":
        """The domain's validation error, in the words an import uses (no request body to speak of)."""
        error = cls.__new__(cls)
        ValueError.__init__(error, re.sub(r"^\w+ failed validation: ", "", exc.message))
        return error


def _string(value: Any, path: str, *, empty: bool = True) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise Invalid(path, "a string" if empty else "a non-empty string", value)
    return value


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise Invalid(path, "an array", value)
    return value


def _dict(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Invalid(path, "an object", value)
    return value


class NotServed(ValueError):
    """An imported object that a request could not be answered for; the message names its line."""


# --- schemas -------------------------------------------------------------------------------------

def options(config: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """A select, multi_select or status option list: every option with an id, a name and a color."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(_list(config.get("options", []), f"{path}.options")):
        p = f"{path}.options[{i}]"
        item = _dict(item, p)
        name = _string(item.get("name"), f"{p}.name", empty=False)
        oid = item.get("id")
        if oid is None:
            oid = ids.new_id()  # as an API write gives a new option
        oid = _string(oid, f"{p}.id", empty=False)
        if oid in seen:
            raise Invalid(f"{p}.id", "unique among the options", oid)
        seen.add(oid)
        color = item.get("color") or OPTION_COLORS[len(out) % len(OPTION_COLORS)]
        if color not in OPTION_COLORS:
            raise Invalid(f"{p}.color", "one of " + ", ".join(OPTION_COLORS), color)
        description = item.get("description")
        if description is not None:
            _string(description, f"{p}.description")
        out.append({"id": oid, "name": name, "color": color, "description": description})
    return out


def status_groups(config: dict[str, Any], opts: list[dict[str, Any]], path: str) -> list[dict[str, Any]]:
    """Status groups with ids, holding only options that exist; an option in no group joins the first."""
    raw = config.get("groups")
    if raw is None:
        raw = [{"name": n, "color": c, "option_ids": []} for n, c in GROUPS]
    known = [o["id"] for o in opts]
    groups: list[dict[str, Any]] = []
    placed: set[str] = set()
    for i, item in enumerate(_list(raw, f"{path}.groups")):
        p = f"{path}.groups[{i}]"
        item = _dict(item, p)
        name = _string(item.get("name"), f"{p}.name", empty=False)
        gid = _string(item.get("id") or ids.new_id(), f"{p}.id", empty=False)
        color = item.get("color") or "gray"
        if color not in OPTION_COLORS:
            raise Invalid(f"{p}.color", "one of " + ", ".join(OPTION_COLORS), color)
        members = [o for o in _list(item.get("option_ids", []), f"{p}.option_ids")
                   if isinstance(o, str) and o in known and o not in placed]
        placed.update(members)
        groups.append({"id": gid, "name": name, "color": color, "option_ids": members})
    if not groups:
        raise Invalid(f"{path}.groups", "at least one group", raw)
    groups[0]["option_ids"] += [o for o in known if o not in placed]
    return groups


def property_config(t: str, config: dict[str, Any], path: str) -> dict[str, Any]:
    """The stored config of an imported property of type `t` (relations and rollups are the importer's)."""
    from ..domain.properties.base import REGISTRY

    if t not in REGISTRY:
        raise Invalid(f"{path}.type", "a property type", t)
    where = f"{path}.{t}"
    if t in ("select", "multi_select"):
        return {"options": options(config, where)}
    if t == "status":
        opts = options(config, where)
        return {"options": opts, "groups": status_groups(config, opts, where)}
    if t == "formula":
        return {"expression": _string(config.get("expression", ""), f"{where}.expression")}
    if t == "number":
        number_format = config.get("format", "number")
        return {"format": _string(number_format, f"{where}.format", empty=False)}
    if t == "unique_id":
        prefix = config.get("prefix")
        if prefix is not None:
            _string(prefix, f"{where}.prefix")
        return {"prefix": prefix}
    return config


# --- page values ---------------------------------------------------------------------------------

def check_rich_text(value: Any, path: str) -> list[dict[str, Any]]:
    """Rich text completed as an API write completes it (annotations, `plain_text`, `href`). A mention that
    carries its `plain_text` is kept as exported: the API can return mentions it cannot create."""
    from .. import errors
    from ..domain import rich_text

    out = []
    for i, item in enumerate(_list(value, path)):
        p = f"{path}[{i}]"
        item = _dict(item, p)
        kind = item.get("type", "text")
        if kind not in RICH_TEXT_TYPES:
            raise Invalid(f"{p}.type", "one of " + ", ".join(RICH_TEXT_TYPES), kind)
        if kind == "mention" and isinstance(item.get("plain_text"), str):
            mention = _dict(item.get("mention"), f"{p}.mention")
            _string(mention.get("type"), f"{p}.mention.type", empty=False)
            _dict(item.get("annotations", {}), f"{p}.annotations")
            out.append({"annotations": rich_text.default_annotations(), "href": None, **item})
            continue
        try:
            out.append(rich_text.parse_item(item, p, rich_text.Resolver()))
        except errors.NotionError as exc:
            raise Invalid.of(exc) from None
    return out


def _option(value: Any, path: str, opts: list[dict[str, Any]], *, create: bool) -> dict[str, Any]:
    value = _dict(value, path)
    oid, name = value.get("id"), value.get("name")
    for o in opts:
        if oid is not None and o["id"] == oid:
            return {"id": o["id"], "name": o["name"], "color": o["color"]}
    for o in opts:
        if name is not None and o["name"] == name:
            return {"id": o["id"], "name": o["name"], "color": o["color"]}
    if name is None:
        raise Invalid(f"{path}.id" if oid is not None else f"{path}.name", "an option of the property", oid)
    if not create:
        raise Invalid(f"{path}.name", "an option of the property", name)
    # A value naming a new option adds it to the schema, as an API write does.
    option = {"id": _string(oid, f"{path}.id", empty=False) if oid is not None else ids.new_id(),
              "name": _string(name, f"{path}.name", empty=False),
              "color": OPTION_COLORS[len(opts) % len(OPTION_COLORS)], "description": None}
    opts.append(option)
    return {"id": option["id"], "name": option["name"], "color": option["color"]}


def _refs(value: Any, path: str) -> list[Any]:
    for i, item in enumerate(_list(value, path)):
        _string(_dict(item, f"{path}[{i}]").get("id"), f"{path}[{i}].id", empty=False)
    return value


def value(t: str, stored: Any, path: str, prop: dict[str, Any], on_new_option: Callable[[], None]) -> Any:
    """A page value as stored (Notion's response form), completed against its property `prop`."""
    if t in ("title", "rich_text"):
        return [] if stored is None else check_rich_text(stored, path)
    if stored is None:
        return [] if t in ("multi_select", "people", "relation", "files") else None
    if t == "number":
        if isinstance(stored, bool) or not isinstance(stored, (int, float)):
            raise Invalid(path, "a number", stored)
    elif t == "checkbox":
        if not isinstance(stored, bool):
            raise Invalid(path, "a boolean", stored)
    elif t in ("url", "email", "phone_number"):
        _string(stored, path)
    elif t == "date":
        _string(_dict(stored, path).get("start"), f"{path}.start", empty=False)
    elif t in ("select", "status"):
        opts = prop[t]["options"]
        before = len(opts)
        stored = _option(stored, path, opts, create=t == "select")
        if len(opts) != before:
            on_new_option()
    elif t == "multi_select":
        opts = prop[t]["options"]
        before = len(opts)
        chosen: list[dict[str, Any]] = []
        for i, item in enumerate(_list(stored, path)):
            option = _option(item, f"{path}[{i}]", opts, create=True)
            if all(c["id"] != option["id"] for c in chosen):
                chosen.append(option)
        if len(opts) != before:
            on_new_option()
        stored = chosen
    elif t in ("people", "relation"):
        _refs(stored, path)
    elif t == "files":
        for i, item in enumerate(_list(stored, path)):
            _dict(item, f"{path}[{i}]")
    elif t == "unique_id":
        number = _dict(stored, path).get("number")
        if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
            raise Invalid(f"{path}.number", "an integer", number)
    return stored


def icon(value: Any, path: str) -> dict[str, Any] | None:
    """An icon as an API write takes it (emoji, external, Notion's own icons, custom emoji, hosted file)."""
    from .. import errors
    from ..domain import media

    try:
        return media.parse_icon(None, value, path)  # type: ignore[arg-type]
    except errors.NotionError as exc:
        raise Invalid.of(exc) from None


def cover(value: Any, path: str) -> dict[str, Any] | None:
    """A cover: external as an API write takes it, or a Notion-hosted file as exports carry it."""
    from .. import errors
    from ..domain import media

    if isinstance(value, dict) and value.get("type") == "file":
        _string(_dict(value.get("file"), f"{path}.file").get("url"), f"{path}.file.url", empty=False)
        return {"type": "file", "file": {"url": value["file"]["url"], "expiry_time": value["file"].get("expiry_time")}}
    try:
        return media.parse_cover(None, value, path)  # type: ignore[arg-type]
    except errors.NotionError as exc:
        raise Invalid.of(exc) from None


def block_payload(payload: dict[str, Any], path: str) -> dict[str, Any]:
    """A block's payload with its rich text (`rich_text`, `caption`) completed."""
    out = dict(payload)
    for key in ("rich_text", "caption"):
        if key in out and out[key] is not None:
            out[key] = check_rich_text(out[key], f"{path}.{key}")
    return out


# --- the last check: every imported object served as a request would serve it --------------------

def served(tx: Any, ws: Any, imported: list[tuple[str, str]], data_sources: list[str], comments: list[str],
           line_of: Callable[[str], str]) -> None:
    """Render each imported (kind, id) as requests will (databases and data sources at every API version),
    query each imported data source, and render each imported comment. A failure names the line; the caller's transaction is rolled back."""
    import sqlalchemy as sa

    from .. import errors
    from ..domain import comments as domain_comments, databases, render
    from ..owner import owner_ctx
    from ..query.engine import Query
    from ..store import nodes as store_nodes
    from ..store.schema_comments import comments as comments_table
    from ..versions import LATEST, VERSIONS

    by_id = {oid: kind for kind, oid in imported}
    found = store_nodes.get_many(tx, ws.id, list(by_id))
    comment_rows = [tx.execute(sa.select(comments_table).where(comments_table.c.id == cid)).first() for cid in comments]
    for version in VERSIONS.values():
        # Pages render alike at every version but for `archived`; blocks differ in type names at the oldest.
        every = version is LATEST
        blocks_too = every or not version.data_sources
        with owner_ctx(tx, ws, version) as ctx:
            checks: list[tuple[str, Callable[[], Any]]] = []
            for oid, node in found.items():
                if node.kind in ("page", "block") and not (every or (node.kind == "block" and blocks_too)):
                    continue
                if node.kind == "page":
                    checks.append((oid, lambda n=node: render.page(ctx, n)))
                elif node.kind == "database":
                    checks.append((oid, lambda n=node: databases.render_database(ctx, n)))
                elif node.kind == "data_source":
                    checks.append((oid, lambda n=node: databases.render_data_source(ctx, n)))
                    if version.data_sources and oid in data_sources:
                        checks.append((oid, lambda n=node: Query(ctx, n, {"page_size": 100}, allow_result_type=True).run()))
                else:
                    checks.append((oid, lambda n=node: render.block(ctx, n, False)))
            for cid, row in zip(comments, comment_rows):
                if row is not None:
                    checks.append((cid, lambda r=row: domain_comments.render(ctx, r)))
            for oid, check in checks:
                try:
                    check()
                except errors.NotionError:
                    pass  # an answer the API gives (such as a 2022-06-28 view of a multi-source database)
                except Exception as exc:  # noqa: BLE001  (anything a request would have answered 500 for)
                    raise NotServed(f"{line_of(oid)}{by_id.get(oid, 'comment')} {oid} cannot be served at "
                                       f"{version.name} ({type(exc).__name__}: {exc})") from None
