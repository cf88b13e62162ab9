"""Views: how a database shows one of its data sources (filter, sorts, quick filters, a layout per type), and
view queries, snapshots of the pages a view shows that stay stable while a client pages through them.

A view can be seen by whoever can see its database; a view's filter and sorts run through the query engine
(the same SQL as data-source queries). Dashboards hold widgets: views of their own, laid out in rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
import sqlalchemy as sa

from .. import errors, ids
from ..clock import iso
from ..domain import access, validate as v
from ..domain.properties.base import encode_id
from ..domain.render import NOTION_URL, user_ref
from ..query import filters as f
from ..query.engine import RESULT_LIMIT, Query
from ..store import nodes as store_nodes, order
from ..store.schema import nodes
from ..store.schema_views import view_queries, views
from . import config

if TYPE_CHECKING:
    from ..context import Ctx
    from ..store.nodes import Node

DEFAULT_NAME = "Default view"
MAX_WIDGETS_PER_ROW = 4
MAX_NAME = 2000
OPTION_CONDITIONS = ("equals", "does_not_equal", "contains", "does_not_contain")


@dataclass(slots=True)
class View:
    id: str
    workspace_id: str
    database_id: str
    data_source_id: str | None
    dashboard_view_id: str | None
    type: str
    name: str
    sort_key: str
    data: dict[str, Any]
    created_time: int
    created_by: str
    last_edited_time: int
    last_edited_by: str

    @classmethod
    def from_row(cls, row: Any) -> "View":
        m = dict(row._mapping)
        m["data"] = orjson.loads(m["data"])
        return cls(**m)

    def values(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]
        out["data"] = orjson.dumps(self.data).decode()
        return out


# --- reading -------------------------------------------------------------------------------------

def _row(ctx: "Ctx", view_id: str) -> View | None:
    row = ctx.tx.execute(
        sa.select(views).where(views.c.id == view_id, views.c.workspace_id == ctx.principal.workspace_id)
    ).first()
    return View.from_row(row) if row is not None else None


def load(ctx: "Ctx", view_id: str, need: str = "read") -> View:
    """The view, if the caller can reach its database (404 otherwise, as Notion answers)."""
    view = _row(ctx, view_id)
    if view is None:
        raise access.not_found(ctx, "view", view_id)
    try:
        access.load(ctx, view.database_id, "database", kinds=("database",), need=need)
    except errors.NotionError as exc:
        if exc.status == 404:
            raise access.not_found(ctx, "view", view_id) from None
        raise
    return view


def render(ctx: "Ctx", view: View) -> dict[str, Any]:
    schema = _schema(ctx, view.data_source_id)
    data = view.data
    quick = data.get("quick_filters")
    out: dict[str, Any] = {
        "object": "view",
        "id": view.id,
        "parent": {"type": "database_id", "database_id": view.database_id},
        "name": view.name,
        "type": view.type,
        "created_time": iso(view.created_time),
        "last_edited_time": iso(view.last_edited_time),
        "url": f"{NOTION_URL}{view.database_id.replace('-', '')}?v={view.id.replace('-', '')}",
        "data_source_id": view.data_source_id,
        "created_by": user_ref(view.created_by),
        "last_edited_by": user_ref(view.last_edited_by),
        "filter": data.get("filter"),
        "sorts": data.get("sorts"),
        "quick_filters": {encode_id(k): c for k, c in quick.items()} if quick else None,
        "configuration": config.render(data.get("configuration"), schema) if view.type != "dashboard"
        else {"type": "dashboard", "rows": data.get("rows", [])},
    }
    if view.dashboard_view_id is not None:
        out["dashboard_view_id"] = view.dashboard_view_id
    return out


def render_partial(view: View) -> dict[str, Any]:
    return {"object": "view", "id": view.id, "parent": {"type": "database_id", "database_id": view.database_id},
            "type": view.type}


def list_views(ctx: "Ctx", database_id: str | None, data_source_id: str | None, cursor: str | None,
               size: int) -> tuple[list[View], str | None]:
    """A database's views in tab order (its dashboards' widgets are inside them), or every view of a data
    source; pages of `size` after the view whose ID is `cursor`."""
    if data_source_id is not None:
        ds = access.load(ctx, data_source_id, "data source", kinds=("data_source",))
        where = [views.c.data_source_id == ds.id]
        if database_id is not None:
            where.append(views.c.database_id == database_id)
        order_by = [views.c.id]
    else:
        assert database_id is not None
        db = access.load(ctx, database_id, "database", kinds=("database",))
        where = [views.c.database_id == db.id, views.c.dashboard_view_id.is_(None)]
        order_by = [views.c.sort_key, views.c.id]
    where.append(views.c.workspace_id == ctx.principal.workspace_id)
    if cursor is not None:
        start = _row(ctx, cursor)
        if start is None or not all(_matches(start, w) for w in (database_id, data_source_id)):
            from ..api.lists import bad_cursor

            raise bad_cursor("query.start_cursor", cursor)
        key = [views.c.id] if data_source_id is not None else [views.c.sort_key, views.c.id]
        after = (start.id,) if data_source_id is not None else (start.sort_key, start.id)
        where.append(sa.tuple_(*key) >= sa.tuple_(*after))
    rows = [View.from_row(r) for r in ctx.tx.execute(sa.select(views).where(*where).order_by(*order_by).limit(size + 1))]
    return rows[:size], rows[size].id if len(rows) > size else None


def _matches(view: View, wanted: str | None) -> bool:
    return wanted is None or wanted in (view.database_id, view.data_source_id)


def _schema(ctx: "Ctx", data_source_id: str | None) -> dict[str, dict[str, Any]]:
    if data_source_id is None:
        return {}
    ds = store_nodes.get(ctx.tx, ctx.principal.workspace_id, data_source_id)
    return (ds.data.get("properties") or {}) if ds is not None else {}


# --- writing -------------------------------------------------------------------------------------

def create_default(ctx: "Ctx", database_id: str, data_source_id: str) -> View:
    """The table view every new database (and every data source added to one) gets."""
    last = _last_key(ctx, database_id)
    view = _new(ctx, database_id, data_source_id, None, "table", DEFAULT_NAME, order.after(last) if last else order.FIRST, {})
    _insert(ctx, view)
    return view


def create(ctx: "Ctx", body: dict[str, Any]) -> View:
    v.obj(body, "body")
    v.no_extra(body, ("data_source_id", "name", "type", "database_id", "view_id", "create_database", "filter",
                      "sorts", "quick_filters", "configuration", "position", "placement"), "body")
    where = [k for k in ("database_id", "view_id", "create_database") if k in body]
    if len(where) != 1:
        raise errors.validation(
            "body failed validation: exactly one of body.database_id, body.view_id or body.create_database "
            f"should be present, instead {'none was' if not where else ' and '.join(f'body.{k}' for k in where) + ' were'}."
        )
    view_type = v.enum(v.required(body, "type", "body"), "body.type", config.TYPES)
    name = v.string(v.required(body, "name", "body"), "body.name", max_len=MAX_NAME)
    ds_id = v.uuid(v.required(body, "data_source_id", "body"), "body.data_source_id")
    if where[0] == "create_database":
        raise errors.validation(
            "body failed validation: body.create_database is not supported by Blockyard: linked databases "
            "cannot be placed on pages (see docs/compatibility.md)."
        )
    dashboard: View | None = None
    if where[0] == "view_id":
        dashboard = load(ctx, v.uuid(body["view_id"], "body.view_id"), need="edit")
        if dashboard.type != "dashboard":
            raise v.fail("body.view_id", "the ID of a dashboard view", body["view_id"])
        if view_type == "dashboard":
            raise v.fail("body.type", "a view type other than `\"dashboard\"` (dashboards cannot be nested)", view_type)
        if "position" in body:
            raise v.fail("body.position", "not present (it places a database's tabs; use body.placement)", body["position"])
    elif "placement" in body:
        raise v.fail("body.placement", "not present (it places a dashboard's widgets; use body.position)", body["placement"])
    ds = access.load(ctx, ds_id, "data source", kinds=("data_source",), need="edit")
    database_id = ds.parent_id
    if where[0] == "database_id":
        db_id = v.uuid(body["database_id"], "body.database_id")
        access.load(ctx, db_id, "database", kinds=("database",), need="edit")
        if db_id != database_id:
            raise v.fail("body.data_source_id", "the ID of a data source of the database", ds_id)
    schema = ds.data.get("properties") or {}
    data = _parse_querying(ctx, ds, body, view_type, schema, "body")
    if body.get("configuration") is not None:
        data["configuration"] = config.parse(view_type, body["configuration"], "body.configuration", schema)
    if view_type == "dashboard":
        data["rows"] = []
    key = order.FIRST
    if dashboard is None:
        key = _tab_key(ctx, database_id, body.get("position"))
    view = _new(ctx, database_id, None if view_type == "dashboard" else ds.id,
                dashboard.id if dashboard else None, view_type, name, key, data)
    _insert(ctx, view)
    if dashboard is not None:
        _place_widget(ctx, dashboard, view, body.get("placement"))
    _announce(ctx, "view.created", view, view_type=view.type)
    return view


def update(ctx: "Ctx", view: View, body: dict[str, Any]) -> None:
    v.obj(body, "body")
    v.no_extra(body, ("name", "filter", "sorts", "quick_filters", "configuration"), "body")
    if "name" in body:
        view.name = v.string(body["name"], "body.name", max_len=MAX_NAME)
    ds = store_nodes.get(ctx.tx, ctx.principal.workspace_id, view.data_source_id) if view.data_source_id else None
    schema = (ds.data.get("properties") or {}) if ds is not None else {}
    if ds is not None:
        if isinstance(body.get("sorts"), list):
            for i, s in enumerate(body["sorts"]):
                if isinstance(s, dict) and "timestamp" in s:
                    raise v.fail(f"body.sorts[{i}].timestamp", "not present (a view's sorts are property sorts)", s["timestamp"])
        parsed = _parse_querying(ctx, ds, {k: body[k] for k in ("filter", "sorts") if k in body},
                                 view.type, schema, "body")
        for key in ("filter", "sorts"):
            if key in body:
                view.data[key] = parsed.get(key)
        if "quick_filters" in body:
            view.data["quick_filters"] = _quick_filters(ctx, ds, body["quick_filters"], schema, view.data.get("quick_filters"))
    elif any(k in body for k in ("filter", "sorts", "quick_filters")):
        key = next(k for k in ("filter", "sorts", "quick_filters") if k in body)
        raise v.fail(f"body.{key}", "not present (a dashboard has no data source)", body[key])
    if "configuration" in body:
        view.data["configuration"] = config.parse(view.type, body["configuration"], "body.configuration", schema,
                                                  current=_stored_config(view))
    view.last_edited_time = ctx.now
    view.last_edited_by = ctx.principal.user_id
    ctx.tx.execute(views.update().where(views.c.id == view.id).values(**view.values()))
    fields = [k for k in ("name", "filter", "sorts", "quick_filters", "configuration") if k in body]
    if fields:
        _announce(ctx, "view.updated", view, updated_fields=fields)


def _stored_config(view: View) -> dict[str, Any] | None:
    current = view.data.get("configuration")
    return {k: val for k, val in current.items() if k != "type"} if current else None


def delete(ctx: "Ctx", view: View) -> None:
    """A view goes for good; a dashboard takes its widgets along, and a widget leaves its dashboard's rows."""
    doomed = [view.id]
    if view.type == "dashboard":
        doomed += [r.id for r in ctx.tx.execute(sa.select(views.c.id).where(views.c.dashboard_view_id == view.id))]
    if view.dashboard_view_id is not None:
        dashboard = _row(ctx, view.dashboard_view_id)
        if dashboard is not None:
            rows = []
            for row in dashboard.data.get("rows", []):
                widgets = [w for w in row["widgets"] if w["view_id"] != view.id]
                if widgets:
                    rows.append({**row, "widgets": _spread(widgets)})
            dashboard.data["rows"] = _renumber(rows)
            ctx.tx.execute(views.update().where(views.c.id == dashboard.id).values(data=orjson.dumps(dashboard.data).decode()))
    ctx.tx.execute(view_queries.delete().where(view_queries.c.view_id.in_(doomed)))
    ctx.tx.execute(views.delete().where(views.c.id.in_(doomed)))
    _announce(ctx, "view.deleted", view)


def _announce(ctx: "Ctx", kind: str, view: View, **data: Any) -> None:
    """`view.created`, `view.updated`, `view.deleted`: heard by whoever reaches the view's database."""
    from ..webhooks import events as webhook_events

    parent = {"id": view.database_id, "type": "database"}
    webhook_events.record_entity(ctx, kind, view.id, "view", view.database_id, {"parent": parent, **data})


def _new(ctx: "Ctx", database_id: str, data_source_id: str | None, dashboard_id: str | None, view_type: str,
         name: str, key: str, data: dict[str, Any]) -> View:
    now, who = ctx.now, ctx.principal.user_id
    return View(ids.new_id(), ctx.principal.workspace_id, database_id, data_source_id, dashboard_id, view_type, name,
                key, data, now, who, now, who)


def _insert(ctx: "Ctx", view: View) -> None:
    ctx.tx.execute(views.insert().values(**view.values()))


def _last_key(ctx: "Ctx", database_id: str) -> str | None:
    return ctx.tx.execute(sa.select(sa.func.max(views.c.sort_key)).where(
        views.c.database_id == database_id, views.c.dashboard_view_id.is_(None))).scalar()


def _tab_key(ctx: "Ctx", database_id: str, position: Any) -> str:
    """Where a new tab goes: `end` (default), `start`, or `{type: "after_view", view_id}`."""
    keys = [r.sort_key for r in ctx.tx.execute(
        sa.select(views.c.sort_key, views.c.id).where(views.c.database_id == database_id,
                                                      views.c.dashboard_view_id.is_(None)).order_by(views.c.sort_key))]
    kind = "end"
    after_id = None
    if position is not None:
        pos = v.obj(position, "body.position")
        kind = v.enum(v.required(pos, "type", "body.position"), "body.position.type", ("start", "end", "after_view"))
        if kind == "after_view":
            after_id = v.uuid(v.required(pos, "view_id", "body.position"), "body.position.view_id")
    if not keys:
        return order.FIRST
    if kind == "start":
        return order.between(None, keys[0])
    if kind == "after_view":
        sibling = _row(ctx, after_id)  # type: ignore[arg-type]
        if sibling is None or sibling.database_id != database_id or sibling.dashboard_view_id is not None:
            raise v.fail("body.position.view_id", "the ID of a view of the database", after_id)
        later = [k for k in keys if k > sibling.sort_key]
        return order.between(sibling.sort_key, later[0] if later else None)
    return order.after(keys[-1])


def _place_widget(ctx: "Ctx", dashboard: View, widget: View, placement: Any) -> None:
    rows: list[dict[str, Any]] = dashboard.data.setdefault("rows", [])
    kind, index = "new_row", None
    if placement is not None:
        p = v.obj(placement, "body.placement")
        kind = v.enum(v.required(p, "type", "body.placement"), "body.placement.type", ("new_row", "existing_row"))
        if kind == "existing_row" or "row_index" in p:
            index = v.integer(p.get("row_index") if kind == "new_row" else v.required(p, "row_index", "body.placement"),
                              "body.placement.row_index", minimum=0)
    entry = {"id": ids.new_id(), "view_id": widget.id}
    if kind == "existing_row":
        if index is None or index >= len(rows):
            raise v.fail("body.placement.row_index", f"the index of a row of the dashboard (it has {len(rows)})", index)
        if len(rows[index]["widgets"]) >= MAX_WIDGETS_PER_ROW:
            raise errors.validation(
                f"body failed validation: a dashboard row holds at most {MAX_WIDGETS_PER_ROW} widgets, and row {index} is full."
            )
        rows[index]["widgets"] = _spread(rows[index]["widgets"] + [entry])
    else:
        at = len(rows) if index is None else min(index, len(rows))
        rows.insert(at, {"id": ids.new_id(), "widgets": _spread([entry])})
    dashboard.data["rows"] = _renumber(rows)
    dashboard.last_edited_time = ctx.now
    dashboard.last_edited_by = ctx.principal.user_id
    ctx.tx.execute(views.update().where(views.c.id == dashboard.id).values(**dashboard.values()))


def _spread(widgets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Widths shared out over the 12-column grid, as Notion redistributes them."""
    width, extra = divmod(12, len(widgets))
    return [{**w, "width": width + (1 if i < extra else 0)} for i, w in enumerate(widgets)]


def _renumber(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for i, row in enumerate(rows):
        row["widgets"] = [{**w, "row_index": i} for w in row["widgets"]]
    return rows


# --- filters, sorts and quick filters --------------------------------------------------------------

def _parse_querying(ctx: "Ctx", ds: "Node", body: dict[str, Any], view_type: str, schema: dict[str, Any],
                    path: str) -> dict[str, Any]:
    """The view's filter and sorts, checked by the query engine as a data-source query checks them, and its
    select and status values against the options (a view refuses values no option has)."""
    out: dict[str, Any] = {}
    if view_type == "dashboard":
        for key in ("filter", "sorts", "quick_filters"):
            if body.get(key) is not None:
                raise v.fail(f"{path}.{key}", "not present (a dashboard has no data source)", body[key])
        return out
    probe = {k: body[k] for k in ("filter", "sorts") if body.get(k) is not None}
    if probe:
        Query(ctx, ds, probe, allow_result_type=False)
    if body.get("filter") is not None:
        _check_options(body["filter"], schema, f"{path}.filter")
        out["filter"] = body["filter"]
    if body.get("sorts") is not None:
        out["sorts"] = body["sorts"] or None
    if body.get("quick_filters") is not None:
        out["quick_filters"] = _quick_filters(ctx, ds, body["quick_filters"], schema, None)
    return out


def _quick_filters(ctx: "Ctx", ds: "Node", value: Any, schema: dict[str, Any],
                   current: dict[str, Any] | None) -> dict[str, Any] | None:
    """`{<property name or ID>: condition}` pinned to the filter bar; in an update a key set to null
    removes one and the whole set null clears them."""
    if value is None:
        return None
    body = v.obj(value, "body.quick_filters")
    out = dict(current or {})
    for key, cond in body.items():
        path = f"body.quick_filters.{key}"
        found = f.find_property(schema, key)
        if found is None:
            raise v.fail(path, "keyed by the name or ID of a property of the data source", key)
        pid, prop = found
        if cond is None:
            out.pop(pid, None)
            continue
        cond = v.obj(cond, path)
        if cond == {}:
            if prop.get("type") in ("files", "place"):
                raise v.fail(path, f"a condition (a {prop['type']} property cannot be pinned empty)", cond)
        else:
            Query(ctx, ds, {"filter": {"property": pid, **cond}}, allow_result_type=False)
            _check_options({"property": pid, **cond}, schema, path)
        out[pid] = cond
    return out or None


def _check_options(flt: Any, schema: dict[str, Any], path: str) -> None:
    if not isinstance(flt, dict):
        return
    for key in ("and", "or"):
        if isinstance(flt.get(key), list):
            for i, item in enumerate(flt[key]):
                _check_options(item, schema, f"{path}.{key}[{i}]")
            return
    found = f.find_property(schema, flt.get("property"))
    if found is None:
        return
    _pid, prop = found
    kind = prop.get("type")
    cond = flt.get(kind) if kind in ("select", "multi_select", "status") else None
    if not isinstance(cond, dict):
        return
    config_ = prop.get(kind) or {}
    valid = [o["name"] for o in config_.get("options") or []]
    if kind == "status":
        valid += [g["name"] for g in config_.get("groups") or [] if g["name"] not in valid]
    for op in OPTION_CONDITIONS:
        value = cond.get(op)
        for item in value if isinstance(value, list) else [value] if isinstance(value, str) else []:
            if item not in valid:
                raise errors.validation(
                    f"body failed validation: {path}.{kind}.{op} should be one of "
                    + ", ".join(f'`"{n}"`' for n in valid) + f", instead was `\"{item}\"`."
                )


# --- queries -------------------------------------------------------------------------------------

def _effective_filter(view: View) -> Any:
    """The view's filter and its quick filters, all of which a page must meet."""
    flt = view.data.get("filter")
    quick = [{"property": pid, **cond} for pid, cond in (view.data.get("quick_filters") or {}).items() if cond]
    if not quick:
        return flt
    if flt is None:
        return {"and": quick}
    head = flt["and"] if set(flt) == {"and"} else [flt]
    return {"and": head + quick}


def run_query(ctx: "Ctx", view: View, page_size: int) -> dict[str, Any]:
    if view.data_source_id is None:
        raise errors.validation("body failed validation: a dashboard view cannot be queried; query its widgets.")
    ds = access.load(ctx, view.data_source_id, "data source", kinds=("data_source",))
    body: dict[str, Any] = {}
    flt = _effective_filter(view)
    if flt is not None:
        body["filter"] = flt
    if view.data.get("sorts"):
        body["sorts"] = view.data["sorts"]
    page_ids, cut = Query(ctx, ds, body, allow_result_type=False).all_ids(RESULT_LIMIT)
    now = ctx.now
    ctx.tx.execute(view_queries.delete().where(view_queries.c.expires_at < now))
    qid = ids.new_id()
    expires = now + int(ctx.app.settings.view_query_seconds * 1000)
    ctx.tx.execute(view_queries.insert().values(id=qid, view_id=view.id, workspace_id=ctx.principal.workspace_id,
                                                expires_at=expires, page_ids=orjson.dumps(page_ids).decode(), cut=cut))
    first, next_cursor = _slice(page_ids, 0, page_size)
    out = {"object": "view_query", "id": qid, "view_id": view.id, "expires_at": iso(expires),
           "total_count": len(page_ids), "results": first, "next_cursor": next_cursor, "has_more": next_cursor is not None}
    if cut:
        out["request_status"] = {"type": "incomplete", "incomplete_reason": "query_result_limit_reached"}
    return out


def query_page(ctx: "Ctx", view: View, query_id: str, cursor: str | None, page_size: int) -> dict[str, Any]:
    row = ctx.tx.execute(sa.select(view_queries).where(
        view_queries.c.id == query_id, view_queries.c.view_id == view.id,
        view_queries.c.workspace_id == ctx.principal.workspace_id)).first()
    if row is None or row.expires_at <= ctx.now:
        raise access.not_found(ctx, "view query", query_id)
    page_ids: list[str] = orjson.loads(row.page_ids)
    start = 0
    if cursor is not None:
        try:
            start = page_ids.index(cursor)
        except ValueError:
            from ..api.lists import bad_cursor

            raise bad_cursor("query.start_cursor", cursor) from None
    results, next_cursor = _slice(page_ids, start, page_size)
    out = {"object": "list", "results": results, "next_cursor": next_cursor, "has_more": next_cursor is not None,
           "type": "page", "page": {}}
    if row.cut:
        out["request_status"] = {"type": "incomplete", "incomplete_reason": "query_result_limit_reached"}
    return out


def delete_query(ctx: "Ctx", view: View, query_id: str) -> dict[str, Any]:
    ctx.tx.execute(view_queries.delete().where(view_queries.c.id == query_id, view_queries.c.view_id == view.id))
    return {"object": "view_query", "id": query_id, "deleted": True}


def _slice(page_ids: list[str], start: int, size: int) -> tuple[list[dict[str, str]], str | None]:
    chunk = page_ids[start : start + size]
    after = start + size
    return [{"object": "page", "id": pid} for pid in chunk], page_ids[after] if after < len(page_ids) else None


# --- databases without views ----------------------------------------------------------------------

def ensure_default_views(conn: Any, workspace_id: str | None = None) -> int:
    """Every database gets its default table view: those made before views existed, or brought in by an
    import, get one here. Returns how many were made."""
    has_view = sa.select(views.c.id).where(views.c.database_id == nodes.c.id).exists()
    q = sa.select(nodes.c.id, nodes.c.workspace_id, nodes.c.created_by, nodes.c.created_time).where(
        nodes.c.kind == "database", ~has_view)
    if workspace_id is not None:
        q = q.where(nodes.c.workspace_id == workspace_id)
    made = 0
    for db in conn.execute(q).all():
        ds = conn.execute(sa.select(nodes.c.id).where(nodes.c.parent_id == db.id, nodes.c.kind == "data_source")
                          .order_by(nodes.c.sort_key).limit(1)).first()
        if ds is None:
            continue
        view = View(ids.new_id(), db.workspace_id, db.id, ds.id, None, "table", DEFAULT_NAME, order.FIRST, {},
                    db.created_time, db.created_by, db.created_time, db.created_by)
        conn.execute(views.insert().values(**view.values()))
        made += 1
    return made


__all__ = ["View", "load", "render", "render_partial", "list_views", "create", "create_default", "update", "delete",
           "run_query", "query_page", "delete_query", "ensure_default_views"]
