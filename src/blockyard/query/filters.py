"""Filter JSON → validated conditions → SQL over the typed index.

A leaf that drives becomes `nodes.id [NOT] IN (SELECT page_id FROM property_values WHERE ...)`: the
subquery is uncorrelated, so both SQLite and PostgreSQL evaluate it once from the index and probe
pages by primary key. Any other leaf is a probe, `[NOT] EXISTS` on the page's own index rows. Negative
conditions are NOT IN / NOT EXISTS, which count empty values as not matching, as Notion does
(`does_not_equal "x"` returns the pages with no value). Which leaf drives a top-level `and`, if any,
is the query engine's choice (`engine.Query._plan`); nested groups drive from their likeliest leaf."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import unquote

import sqlalchemy as sa

from .. import errors, ids
from ..store.schema import nodes
from ..store.schema_query import TEXT_KEY_LEN, property_values as pv
from . import dates

MAX_GROUP = 100
TEXT_OPS = ("equals", "does_not_equal", "contains", "does_not_contain", "starts_with", "ends_with", "is_empty", "is_not_empty")
NUMBER_OPS = ("equals", "does_not_equal", "greater_than", "less_than", "greater_than_or_equal_to", "less_than_or_equal_to", "is_empty", "is_not_empty")
CHECKBOX_OPS = ("equals", "does_not_equal")
SELECT_OPS = ("equals", "does_not_equal", "is_empty", "is_not_empty")
MULTI_OPS = ("contains", "does_not_contain", "is_empty", "is_not_empty")
DATE_OPS = ("equals", "before", "after", "on_or_before", "on_or_after", *dates.RELATIVE_RANGES, "is_empty", "is_not_empty")
PEOPLE_OPS = ("contains", "does_not_contain", "is_empty", "is_not_empty")
FILES_OPS = ("is_empty", "is_not_empty")

# Condition kinds: the operators each accepts.
KIND_OPS = {
    "text": TEXT_OPS, "number": NUMBER_OPS, "checkbox": CHECKBOX_OPS, "select": SELECT_OPS,
    "multi_select": MULTI_OPS, "date": DATE_OPS, "people": PEOPLE_OPS, "relation": PEOPLE_OPS, "files": FILES_OPS,
}

# Filter key → condition kind.
FILTER_KEYS = {
    "title": "text", "rich_text": "text", "url": "text", "email": "text", "phone_number": "text",
    "number": "number", "unique_id": "number", "checkbox": "checkbox", "select": "select", "status": "select",
    "multi_select": "multi_select", "date": "date", "created_time": "date", "last_edited_time": "date",
    "people": "people", "created_by": "people", "last_edited_by": "people", "relation": "relation", "files": "files",
    "formula": "formula", "rollup": "rollup", "verification": "verification",
}

_TEXTUAL = ("title", "rich_text", "url", "email", "phone_number")
# Property type → the filter keys that fit it. Notion accepts any text key on any text-like property.
FITS: dict[str, tuple[str, ...]] = {
    **{t: _TEXTUAL for t in _TEXTUAL},
    "number": ("number",), "unique_id": ("unique_id", "number"), "checkbox": ("checkbox",),
    "select": ("select",), "status": ("status",), "multi_select": ("multi_select",), "date": ("date",),
    "people": ("people",), "relation": ("relation",), "files": ("files",), "formula": ("formula",),
    "rollup": ("rollup",), "verification": ("verification",),
    "created_time": ("created_time", "date"), "last_edited_time": ("last_edited_time", "date"),
    "created_by": ("created_by", "people"), "last_edited_by": ("last_edited_by", "people"),
}
NODE_COLUMNS = {
    "created_time": nodes.c.created_time, "last_edited_time": nodes.c.last_edited_time,
    "created_by": nodes.c.created_by, "last_edited_by": nodes.c.last_edited_by,
}
FORMULA_KEYS = {"string": "text", "checkbox": "checkbox", "number": "number", "date": "date"}
ROLLUP_ELEMENT_KEYS = {
    "rich_text": "text", "number": "number", "checkbox": "checkbox", "select": "select", "multi_select": "multi_select",
    "relation": "relation", "date": "date", "people": "people", "files": "files", "status": "select",
}


def invalid(path: str, expected: str, got: Any = errors.UNDEFINED) -> errors.NotionError:
    return errors.body_invalid(path, expected, got)


def find_property(schema: dict[str, dict[str, Any]], key: Any) -> tuple[str, dict[str, Any]] | None:
    """By ID (raw or URL-encoded) or by name."""
    if not isinstance(key, str):
        return None
    if key in schema:
        return key, schema[key]
    for pid, prop in schema.items():
        if prop.get("name") == key:
            return pid, prop
    decoded = unquote(key)
    if decoded in schema:
        return decoded, schema[decoded]
    return None


def _single_key(cond: Any, allowed: Any, path: str, default: str) -> str:
    """The one key of a condition object that must hold exactly one of `allowed`."""
    if not isinstance(cond, dict):
        raise invalid(path, "an object", cond)
    keys = list(cond)
    for k in keys:
        if k not in allowed:
            raise invalid(f"{path}.{k}", "not present", cond[k])
    if len(keys) != 1:
        raise invalid(f"{path}.{keys[1] if keys else default}", "not present" if keys else "defined",
                      cond[keys[1]] if keys else errors.UNDEFINED)
    return keys[0]


@dataclass(slots=True)
class Env:
    data_source_id: str
    schema: dict[str, dict[str, Any]]
    now_ms: int
    me: str
    # Formula and rollup properties (`materialize.Computed` by property id): result types, volatility.
    computed: dict[str, Any] | None = None
    # A status `equals` naming a group matches its options (before 2026-12-01).
    status_equals_groups: bool = True
    # `status: {group: {equals | does_not_equal: name}}` (the status-group-filters beta).
    status_group_operator: bool = False


def _named_group(prop: dict[str, Any], names: list[str]) -> list[str] | None:
    """Before 2026-12-01, a status value that names no option but names a group stands for the group's
    options: their IDs, or None when the value is an option's name (or no group's)."""
    config = prop.get("status") or {}
    if len(names) != 1 or any(o.get("name") == names[0] for o in config.get("options") or []):
        return None
    group = next((g for g in config.get("groups") or [] if g.get("name") == names[0]), None)
    return None if group is None else sorted(group.get("option_ids") or [])


# A formula's API result type → the filter key that fits it.
RESULT_KEYS = {"string": "string", "number": "number", "boolean": "checkbox", "date": "date"}


@dataclass(slots=True)
class PythonLeaf:
    """A condition on a volatile formula (now()): evaluated in Python over the candidate pages."""
    prop_id: str
    kind: str
    op: str
    value: Any


def _escape_like(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Compiler:
    """Validates a filter in Notion's words and builds its SQL condition on `nodes`."""

    def __init__(self, env: Env, python_sets: list[list[str]] | None = None) -> None:
        self.env = env
        self.properties_used: list[str] = []
        # Conditions on volatile formulas, in order. Without `python_sets` they compile to TRUE (the
        # filter then selects the candidates); with them, to `id IN (the pages that matched)`.
        self.python_leaves: list[PythonLeaf] = []
        self.python_sets = python_sets

    def compile(self, value: Any, path: str = "body.filter") -> Any:
        return as_sql(self._filter(value, path, depth=0))

    def compile_parts(self, value: Any, path: str = "body.filter") -> list[Any]:
        """The filter as a list of conjuncts, each a `Leaf` (one property condition, not yet committed
        to a form, so the query planner can drive from it or probe it) or an SQL condition."""
        top = self._filter(value, path, depth=0)
        if isinstance(top, Conjunction):
            return top.parts
        return [top]

    # --- structure -------------------------------------------------------------------------

    def _filter(self, f: Any, path: str, depth: int) -> Any:
        if not isinstance(f, dict):
            raise invalid(path, "an object", f)
        for op in ("or", "and"):
            if op in f:
                if depth >= 2:
                    # Nesting stops at two levels: a group inside a group holds leaf filters only.
                    raise invalid(f"{path}.{op}", "not present", f[op])
                for key in f:
                    if key != op:
                        raise invalid(f"{path}.{key}", "not present", f[key])
                items = f[op]
                if not isinstance(items, list):
                    raise invalid(f"{path}.{op}", "an array", items)
                if len(items) > MAX_GROUP:
                    raise errors.validation(
                        f"body failed validation: {path}.{op}.length should be ≤ `{MAX_GROUP}`, instead was `{len(items)}`."
                    )
                parts = [self._filter(item, f"{path}.{op}[{i}]", depth + 1) for i, item in enumerate(items)]
                if not parts:
                    return sa.true()
                if op == "or":
                    return sa.or_(*(as_sql(p) for p in parts))
                return Conjunction(parts)
        if "timestamp" in f:
            return self._timestamp(f, path)
        return self._property(f, path)

    def _timestamp(self, f: dict[str, Any], path: str) -> Any:
        ts = f["timestamp"]
        if ts not in ("created_time", "last_edited_time"):
            raise invalid(f"{path}.timestamp", '`"created_time"` or `"last_edited_time"`', ts)
        if "property" in f:
            raise invalid(f"{path}.property", "not present", f["property"])
        if "type" in f and f["type"] != ts:
            raise invalid(f"{path}.type", f'`"{ts}"`', f["type"])
        for key in f:
            if key not in ("timestamp", "type", ts):
                raise invalid(f"{path}.{key}", "not present", f[key])
        if ts not in f:
            raise invalid(f"{path}.{ts}", "defined")
        return self._node_column(ts, "date", f[ts], f"{path}.{ts}")

    def _property(self, f: dict[str, Any], path: str) -> Any:
        if "property" not in f:
            raise invalid(f"{path}.property", "defined")
        key = f["property"]
        if not isinstance(key, str):
            raise invalid(f"{path}.property", "a string", key)
        found = find_property(self.env.schema, key)
        if found is None:
            raise errors.validation(f"Could not find property with name or id: {key}")
        prop_id, prop = found
        ptype = prop.get("type", "")
        conds = {k: f[k] for k in f if k not in ("property", "type")}
        fkey = _single_key(conds, FILTER_KEYS, path, FITS.get(ptype, (ptype,))[0])
        if "type" in f and f["type"] != fkey:
            raise invalid(f"{path}.type", f'`"{fkey}"`', f["type"])
        if fkey not in FITS.get(ptype, ()):
            raise errors.validation(f"database property {ptype} does not match filter {fkey}")
        self.properties_used.append(prop_id)
        cpath = f"{path}.{fkey}"
        if ptype in NODE_COLUMNS:
            return self._node_column(ptype, FILTER_KEYS[fkey], f[fkey], cpath)
        if fkey == "formula":
            return self._formula(prop_id, f[fkey], cpath)
        if fkey == "rollup":
            return self._rollup(prop_id, f[fkey], cpath)
        if fkey == "verification":
            return self._verification(prop_id, f[fkey], cpath)
        if fkey == "status" and self.env.status_group_operator and isinstance(f[fkey], dict) and "group" in f[fkey]:
            return self._status_group(prop_id, prop, f[fkey], cpath)
        kind = FILTER_KEYS[fkey]
        op, value = self._condition(kind, f[fkey], cpath)
        if kind in ("select", "multi_select") and op not in ("is_empty", "is_not_empty"):
            group_ids = _named_group(prop, value) if fkey == "status" and self.env.status_equals_groups else None
            if group_ids is not None:
                return self._option_ids(prop_id, op, group_ids)
            return self._options(prop_id, prop, op, value)
        return self._page_level(prop_id, kind, op, value, cpath)

    def _options(self, prop_id: str, prop: dict[str, Any], op: str, names: list[str]) -> Any:
        """A select, status or multi-select condition by option name, matched on the option IDs the
        schema gives those names. Stored values always carry their option's current name (a schema
        change refreshes them) and names are unique in a property, so this is exact, and the index
        answers it alone (`ix_pv_ref`) without reading each row for its name."""
        wanted = set(names)
        option_ids = sorted(o["id"] for o in (prop.get(prop.get("type", "")) or {}).get("options") or [] if o.get("name") in wanted)
        return self._option_ids(prop_id, op, option_ids)

    def _status_group(self, prop_id: str, prop: dict[str, Any], cond: dict[str, Any], path: str) -> Any:
        """`{"status": {"group": {"equals": "In progress"}}}`: pages whose status is in the group."""
        if len(cond) != 1:
            extra = next(k for k in cond if k != "group")
            raise invalid(f"{path}.{extra}", "not present", cond[extra])
        group_cond = cond["group"]
        gpath = f"{path}.group"
        if not isinstance(group_cond, dict):
            raise invalid(gpath, "an object", group_cond)
        op = _single_key(group_cond, ("equals", "does_not_equal"), gpath, "equals")
        name = group_cond[op]
        groups = (prop.get("status") or {}).get("groups") or []
        names = [g.get("name") for g in groups]
        if not isinstance(name, str) or name not in names:
            listed = ", ".join(f"`{n}`" for n in names)
            raise errors.validation(
                f"body failed validation: {gpath}.{op} should be one of the status groups ({listed}), "
                f"instead was {errors.show(name if isinstance(name, str) else name)}."
            )
        group = groups[names.index(name)]
        return self._option_ids(prop_id, op, sorted(group.get("option_ids") or []))

    def _option_ids(self, prop_id: str, op: str, option_ids: list[str]) -> Any:
        positive = op in ("equals", "contains")
        if not option_ids:
            return Leaf(self, prop_id, positive, lambda t: sa.false(), 0)
        return Leaf(self, prop_id, positive, lambda t: t.c.ref.in_(option_ids), 0)

    # --- conditions --------------------------------------------------------------------------

    def _condition(self, kind: str, cond: Any, path: str) -> tuple[str, Any]:
        """The one operator of a condition object and its validated operand."""
        ops = KIND_OPS[kind]
        op = _single_key(cond, ops, path, ops[0])
        value = cond[op]
        p = f"{path}.{op}"
        if op in ("is_empty", "is_not_empty"):
            if value is not True:
                raise invalid(p, "`true`", value)
            return op, True
        if kind == "text":
            if not isinstance(value, str):
                raise invalid(p, "a string", value)
        elif kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise invalid(p, "a number", value)
        elif kind == "checkbox":
            if not isinstance(value, bool):
                raise invalid(p, "a boolean", value)
        elif kind in ("select", "multi_select"):
            if isinstance(value, list):
                if len(value) > MAX_GROUP:
                    raise errors.validation(f"body failed validation: {p}.length should be ≤ `{MAX_GROUP}`, instead was `{len(value)}`.")
                for i, item in enumerate(value):
                    if not isinstance(item, str):
                        raise invalid(f"{p}[{i}]", "a string", item)
            elif not isinstance(value, str):
                raise invalid(p, "a string or an array of strings", value)
            else:
                value = [value]
        elif kind == "date":
            if op in dates.RELATIVE_RANGES:
                if value != {}:
                    raise invalid(p, "an empty object", value)
            elif isinstance(value, str) and value in dates.RELATIVE_VALUES:
                value = (dates.relative_day(value, self.env.now_ms), dates.DAY_MS)
            else:
                parsed = dates.operand_span(value)
                if parsed is None:
                    raise invalid(p, "a valid ISO 8601 date string or a relative date", value)
                value = parsed
        elif kind == "people":
            if value == "me":
                value = self.env.me
            else:
                uid = ids.parse_id(value)
                if uid is None:
                    raise invalid(p, 'a valid uuid or `"me"`', value)
                value = uid
        elif kind == "relation":
            rid = ids.parse_id(value)
            if rid is None:
                raise invalid(p, "a valid uuid", value)
            value = rid
        return op, value

    def _pred(self, kind: str, op: str, value: Any, col: Callable[[str], Any]) -> tuple[bool, Any]:
        """(positive, predicate on one value cell). A negative operator is NOT of its positive form."""
        if op == "is_not_empty":
            return True, None
        if op == "is_empty":
            return False, None
        if kind == "text":
            low = value.lower()
            positive = op not in ("does_not_equal", "does_not_contain")
            if op in ("equals", "does_not_equal"):
                pred = sa.and_(col("text_key") == low[:TEXT_KEY_LEN], col("text_lower") == low)
            elif op in ("contains", "does_not_contain"):
                pred = col("text_lower").like(f"%{_escape_like(low)}%", escape="\\")
            elif op == "starts_with":
                pred = sa.and_(
                    col("text_key").like(f"{_escape_like(low[:TEXT_KEY_LEN])}%", escape="\\"),
                    col("text_lower").like(f"{_escape_like(low)}%", escape="\\"),
                )
            else:
                pred = col("text_lower").like(f"%{_escape_like(low)}", escape="\\")
            return positive, pred
        if kind == "number":
            c = col("number")
            v = float(value)
            return {
                "equals": (True, c == v), "does_not_equal": (False, c == v), "greater_than": (True, c > v),
                "less_than": (True, c < v), "greater_than_or_equal_to": (True, c >= v), "less_than_or_equal_to": (True, c <= v),
            }[op]
        if kind == "checkbox":
            return (op == "equals") == value, col("flag") == sa.true()
        if kind in ("select", "multi_select"):
            # Option names match exactly; the folded key only lets the index find them.
            keys = sorted({n.lower()[:TEXT_KEY_LEN] for n in value})
            return op in ("equals", "contains"), sa.and_(col("text_key").in_(keys), col("text").in_(value))
        if kind in ("people", "relation"):
            return op == "contains", col("ref") == value
        if kind == "date":
            c = col("date_start")
            if op in dates.RELATIVE_RANGES:
                lo, hi = dates.relative_range(op, self.env.now_ms)
                return True, sa.and_(c >= lo, c < hi)
            # The operand is a span (a UTC day, or a minute): comparisons are with the whole span.
            ms, unit = value
            end = ms + unit
            if op == "equals":
                return True, sa.and_(c >= ms, c < end)
            if op == "before":
                return True, c < ms
            if op == "after":
                return True, c >= end
            if op == "on_or_before":
                return True, c < end
            return True, c >= ms  # on_or_after
        raise AssertionError(kind)

    def _rows(self, prop_id: str, pred: Any) -> Any:
        q = sa.select(pv.c.page_id).where(pv.c.data_source_id == self.env.data_source_id, pv.c.property_id == prop_id)
        return q.where(pred) if pred is not None else q

    def _page_level(self, prop_id: str, kind: str, op: str, value: Any, path: str) -> Any:
        positive, _ = self._pred(kind, op, value, lambda name: pv.c[name])

        def build(table: Any) -> Any:
            return self._pred(kind, op, value, lambda name: table.c[name])[1]

        return Leaf(self, prop_id, positive, build, _rank(kind, op))

    def _node_column(self, column: str, kind: str, cond: Any, path: str) -> Any:
        """created/last-edited time and by: values every page has."""
        op, value = self._condition(kind, cond, path)
        if op == "is_empty":
            return sa.false()
        if op == "is_not_empty":
            return sa.true()
        c = NODE_COLUMNS[column]
        positive, pred = self._pred(kind, op, value, lambda _name: c)
        return pred if positive else sa.not_(pred)

    def _formula(self, prop_id: str, cond: Any, path: str) -> Any:
        key = _single_key(cond, FORMULA_KEYS, path, "string")
        kind = FORMULA_KEYS[key]
        info = (self.env.computed or {}).get(prop_id)
        if self.env.computed is not None and info is not None:
            if info.result_type is None:
                raise errors.validation("Unable to filter based on a formula of unknown type")
            expected = RESULT_KEYS.get(info.result_type)
            if expected != key:
                raise errors.validation(f"database property formula of type {expected} does not match filter {key}")
        op, value = self._condition(kind, cond[key], f"{path}.{key}")
        if info is not None and not info.stored:
            leaf = PythonLeaf(prop_id, kind, op, value)
            n = len(self.python_leaves)
            self.python_leaves.append(leaf)
            if self.python_sets is None:
                return sa.true()
            matched = self.python_sets[n]
            return nodes.c.id.in_(matched) if matched else sa.false()
        return self._page_level(prop_id, kind, op, value, path)

    def _rollup(self, prop_id: str, cond: Any, path: str) -> Any:
        quant = _single_key(cond, ("any", "every", "none", "number", "date"), path, "any")
        if quant in ("number", "date"):
            op, value = self._condition(quant, cond[quant], f"{path}.{quant}")
            return self._page_level(prop_id, quant, op, value, path)
        inner = cond[quant]
        ipath = f"{path}.{quant}"
        ikey = _single_key(inner, ROLLUP_ELEMENT_KEYS, ipath, "rich_text")
        kind = ROLLUP_ELEMENT_KEYS[ikey]
        op, value = self._condition(kind, inner[ikey], f"{ipath}.{ikey}")
        element = self._element_pred(kind, op, value)
        if quant == "any":
            return nodes.c.id.in_(self._rows(prop_id, element))
        if quant == "none":
            return nodes.c.id.not_in(self._rows(prop_id, element))
        # every: at least one element, and no element that fails (an empty rollup is not "every").
        return sa.and_(
            nodes.c.id.in_(self._rows(prop_id, None)),
            nodes.c.id.not_in(self._rows(prop_id, sa.not_(sa.func.coalesce(element, sa.false())))),
        )

    def _element_pred(self, kind: str, op: str, value: Any) -> Any:
        """Whether one element (one index cell) satisfies the condition."""
        blank = sa.and_(pv.c.text.is_(None), pv.c.number.is_(None), pv.c.date_start.is_(None), pv.c.ref.is_(None),
                        pv.c.flag.is_(None))
        if op == "is_empty":
            return blank
        if op == "is_not_empty":
            return sa.not_(blank)
        positive, pred = self._pred(kind, op, value, lambda name: pv.c[name])
        return pred if positive else sa.not_(sa.func.coalesce(pred, sa.false()))

    def _verification(self, prop_id: str, cond: Any, path: str) -> Any:
        if not isinstance(cond, dict):
            raise invalid(path, "an object", cond)
        states = ("verified", "expired", "none")
        for k in cond:
            if k not in ("status", "does_not_equal"):
                raise invalid(f"{path}.{k}", "not present", cond[k])
        if len(cond) != 1:
            raise invalid(f"{path}.status", "defined")
        op, state = next(iter(cond.items()))
        if state not in states:
            raise invalid(f"{path}.{op}", '`"verified"`, `"expired"`, or `"none"`', state)
        # An unverified page has no row: "none" is the absence of a verified or expired state.
        if state == "none":
            matched = nodes.c.id.not_in(self._rows(prop_id, pv.c.text.in_(("verified", "expired"))))
        else:
            matched = nodes.c.id.in_(self._rows(prop_id, pv.c.text == state))
        return matched if op == "status" else sa.not_(matched)


_PROBE = pv.alias("pr")


class Leaf:
    """One condition on one property, not yet committed to a form. In an `and`, one positive leaf
    drives: its pages come from the index, and every other leaf of the group is probed inside that
    same subquery, per candidate, on the (page, property) key, so that only pages that pass the whole
    group are looked up in `nodes`. Materialising every leaf's pages would cost as much as the data
    source is large. Or no leaf drives, and each is probed per page of a walk in sort order."""

    __slots__ = ("compiler", "prop_id", "positive", "build", "rank")

    def __init__(self, compiler: Compiler, prop_id: str, positive: bool, build: Callable[[Any], Any], rank: int) -> None:
        # build(table): the predicate on one index row of `table` (property_values or an alias), or None.
        self.compiler, self.prop_id, self.positive, self.build, self.rank = compiler, prop_id, positive, build, rank

    def rows(self) -> Any:
        """Its pages, from the index (a page appears once per matching value)."""
        return self.compiler._rows(self.prop_id, self.build(pv))

    def driving(self, probes: list["Leaf"] | None = None) -> Any:
        rows = self.rows()
        for other in probes or ():
            rows = rows.where(other.probe(pv.c.page_id))
        return nodes.c.id.in_(rows) if self.positive else nodes.c.id.not_in(rows)

    def probe(self, page_id: Any = None) -> Any:
        """Whether the page `page_id` (by default the outer `nodes` row) satisfies this leaf."""
        row = _PROBE  # each probe is its own subquery, so they can all share one alias
        q = sa.select(sa.literal(1)).where(row.c.page_id == (nodes.c.id if page_id is None else page_id),
                                           row.c.property_id == self.prop_id)
        pred = self.build(row)
        if pred is not None:
            q = q.where(pred)
        found = q.exists()
        return found if self.positive else sa.not_(found)


class Conjunction:
    """An `and` group, kept open so that the query can choose which condition drives it. Nested
    groups are flattened into it."""

    __slots__ = ("parts",)

    def __init__(self, parts: list[Any]) -> None:
        self.parts: list[Any] = []
        for p in parts:
            self.parts.extend(p.parts if isinstance(p, Conjunction) else [p])


def as_sql(part: Any) -> Any:
    if isinstance(part, Conjunction):
        return _and(part.parts)
    return part.driving() if isinstance(part, Leaf) else part


def _and(parts: list[Any]) -> Any:
    leaves = [p for p in parts if isinstance(p, Leaf) and p.positive]
    if not leaves:
        return sa.and_(*(as_sql(p) for p in parts)) if parts else sa.true()
    return drive(min(leaves, key=lambda p: p.rank), parts)


def drive(driver: Leaf, parts: list[Any]) -> Any:
    """The conjunction of `parts`, its pages drawn from `driver` (one of them) and the other
    conditions on properties probed inside that same subquery."""
    probes = [p for p in parts if isinstance(p, Leaf) and p is not driver]
    others = [as_sql(p) for p in parts if not isinstance(p, Leaf)]
    return sa.and_(driver.driving(probes), *others)


def _rank(kind: str, op: str) -> int:
    """A guess at selectivity, most selective first: equality, then ranges, then text search, then presence."""
    if op in ("equals", "contains") and kind in ("select", "multi_select", "people", "relation", "text", "number"):
        return 0 if kind != "text" or op == "equals" else 3
    if kind in ("number", "date"):
        return 1 if op in ("equals",) else 2
    if op in ("starts_with",):
        return 2
    if op in ("is_not_empty",):
        return 5
    if kind == "checkbox":
        return 4
    return 3


def python_match(leaf: PythonLeaf, value: Any, now_ms: int) -> bool:
    """Whether a formula value (`{type, <type>: ...}`) satisfies a condition, as its SQL form would."""
    from .index import cells

    found = cells("formula", value)
    if leaf.op == "is_empty":
        return not found
    if leaf.op == "is_not_empty":
        return bool(found)
    kind, op, v = leaf.kind, leaf.op, leaf.value
    if kind == "text":
        low = v.lower()
        texts = [(c.get("text") or "").lower() for c in found if c.get("text") is not None]
        test = {
            "equals": lambda t: t == low, "does_not_equal": lambda t: t == low,
            "contains": lambda t: low in t, "does_not_contain": lambda t: low in t,
            "starts_with": lambda t: t.startswith(low), "ends_with": lambda t: t.endswith(low),
        }[op]
        hit = any(test(t) for t in texts)
        return not hit if op in ("does_not_equal", "does_not_contain") else hit
    if kind == "number":
        nums = [c["number"] for c in found if c.get("number") is not None]
        x = float(v)
        test = {
            "equals": lambda n: n == x, "does_not_equal": lambda n: n == x, "greater_than": lambda n: n > x,
            "less_than": lambda n: n < x, "greater_than_or_equal_to": lambda n: n >= x,
            "less_than_or_equal_to": lambda n: n <= x,
        }[op]
        hit = any(test(n) for n in nums)
        return not hit if op == "does_not_equal" else hit
    if kind == "checkbox":
        has = any(c.get("flag") is True for c in found)
        return has if (op == "equals") == v else not has
    if kind == "date":
        starts = [c["date_start"] for c in found if c.get("date_start") is not None]
        if op in dates.RELATIVE_RANGES:
            lo, hi = dates.relative_range(op, now_ms)
            return any(lo <= d < hi for d in starts)
        ms, unit = v
        end = ms + unit
        test = {
            "equals": lambda d: ms <= d < end,
            "before": lambda d: d < ms,
            "after": lambda d: d >= end,
            "on_or_before": lambda d: d < end,
            "on_or_after": lambda d: d >= ms,
        }[op]
        return any(test(d) for d in starts)
    return False
