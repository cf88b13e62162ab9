"""An in-memory Schema and Row for the formula tests, plus shorthand for property values."""

from __future__ import annotations

import itertools
import pathlib
import sys
import uuid

_SRC = str(pathlib.Path(__file__).resolve().parents[2] / "src")
if _SRC not in sys.path:  # the package may not be installed
    sys.path.insert(0, _SRC)

from blockyard.formula import PropertyInfo  # noqa: E402

WORKSPACE_ID = "00000000-0000-4000-8000-0000000000f0"
MAIN_DS = "11111111-1111-4111-8111-111111111111"
TASKS_DS = "22222222-2222-4222-8222-222222222222"


class FakeSchema:
    def __init__(self, props: list[PropertyInfo], result_types: dict[str, str] | None = None):
        self.props = list(props)
        self.result_types = result_types or {}
        self.related_schemas: dict[str, FakeSchema] = {}

    def by_name(self, name):
        return next((p for p in self.props if p.name == name), None)

    def by_id(self, prop_id):
        return next((p for p in self.props if p.id == prop_id), None)

    def related(self, relation):
        return self.related_schemas.get(relation.id)

    def result_type(self, prop):
        return self.result_types.get(prop.id)

    def renamed(self, prop_id: str, new_name: str) -> "FakeSchema":
        props = [PropertyInfo(p.id, new_name, p.type, p.config) if p.id == prop_id else p for p in self.props]
        clone = FakeSchema(props, self.result_types)
        clone.related_schemas = self.related_schemas
        return clone


def P(pid, name, ptype, **config):
    return PropertyInfo(pid, name, ptype, config)


TASKS = FakeSchema([
    P("title", "Name", "title"),
    P("tdone", "Done", "checkbox"),
    P("tpts", "Points", "number"),
    P("tdue", "Due", "date"),
    P("ttag", "Tags", "multi_select"),
    P("town", "Owner", "people"),
    P("tsub", "Subtasks", "relation", data_source_id=TASKS_DS),
    P("tstat", "Status", "status"),
])
TASKS.related_schemas["tsub"] = TASKS

MAIN = FakeSchema([
    P("title", "Name", "title"),
    P("txt1", "Text", "rich_text"),
    P("num1", "Number", "number"),
    P("num2", "Number 2", "number"),
    P("prc1", "Price", "number"),
    P("sel1", "Select", "select"),
    P("tag%3B", "Tags", "multi_select"),
    P("sta1", "Status", "status"),
    P("dat1", "Date", "date"),
    P("dat2", "End", "date"),
    P("due1", "Due", "date"),
    P("sta2", "Start", "date"),
    P("hir1", "Hiring Date", "date"),
    P("sdt1", "Start Date", "date"),
    P("edt1", "End Date", "date"),
    P("ppl1", "People", "people"),
    P("fil1", "Files", "files"),
    P("chk1", "Done", "checkbox"),
    P("stk1", "In stock", "checkbox"),
    P("url1", "URL", "url"),
    P("eml1", "Email", "email"),
    P("phn1", "Phone", "phone_number"),
    P("rel1", "Tasks", "relation", data_source_id=TASKS_DS),
    P("uid1", "ID", "unique_id"),
    P("ctm1", "Created", "created_time"),
    P("cby1", "Created By", "created_by"),
    P("let1", "Edited", "last_edited_time"),
    P("fnum", "Formula Number", "formula", expression="1"),
    P("fstr", "Formula Text", "formula", expression='"a"'),
    P("fbool", "Formula Bool", "formula", expression="true"),
    P("fdate", "Formula Date", "formula", expression="now()"),
    P("funk", "Formula Unknown", "formula", expression="?"),
    P("rcnt", "Task Count", "rollup", function="count", relation_property_id="rel1", rollup_property_id="title"),
    P("rsum", "Points Sum", "rollup", function="sum", relation_property_id="rel1", rollup_property_id="tpts"),
    P("rorg", "Task Names", "rollup", function="show_original", relation_property_id="rel1", rollup_property_id="title"),
    P("rdue", "Task Dues", "rollup", function="show_original", relation_property_name="Tasks", rollup_property_name="Due"),
    P("rern", "First Due", "rollup", function="earliest_date", relation_property_id="rel1", rollup_property_id="tdue"),
    P("btn1", "Button", "button"),
    P("quo1", 'Say "hi"', "rich_text"),
    P("%5Cn%7DH", "Odd Id", "number"),
])
MAIN.related_schemas["rel1"] = TASKS
MAIN.result_types = {"fnum": "number", "fstr": "string", "fbool": "boolean", "fdate": "date"}

_ids = itertools.count(1)


def new_id() -> str:
    return str(uuid.UUID(int=0x3839CE7B60A4817B84AE000000000000 + next(_ids)))


def rich(text: str) -> list:
    return [{"type": "text", "text": {"content": text, "link": None},
             "annotations": {"bold": False, "italic": False, "strikethrough": False, "underline": False,
                             "code": False, "color": "default"},
             "plain_text": text, "href": None}]


def user(spec) -> dict:
    if isinstance(spec, str):
        spec = {"name": spec}
    spec = dict(spec)
    kind = spec.pop("type", "person")
    uid = spec.pop("id", None) or new_id()
    if kind == "group":
        return {"object": "group", "id": uid, "name": spec.get("name")}
    out = {"object": "user", "id": uid, "type": kind}
    if "name" in spec:
        out["name"] = spec["name"]
    if kind == "person":
        out["person"] = {"email": spec.get("email")} if spec.get("email") else {}
    else:
        out["bot"] = {}
    return out


def api_value(prop: PropertyInfo, raw):
    """Shorthand -> the API property value {"id", "type", <type>: ...}."""
    t = prop.type
    if raw is None:
        inner = None
    elif t in ("title", "rich_text"):
        inner = rich(raw) if isinstance(raw, str) else raw
    elif t in ("select", "status"):
        inner = {"id": new_id(), "name": raw, "color": "default"} if isinstance(raw, str) else raw
    elif t == "multi_select":
        inner = [{"id": new_id(), "name": n, "color": "default"} for n in raw]
    elif t == "date":
        inner = {"start": raw, "end": None, "time_zone": None} if isinstance(raw, str) else dict(
            {"end": None, "time_zone": None}, **raw)
    elif t == "people":
        inner = [user(u) for u in raw]
    elif t in ("created_by", "last_edited_by"):
        inner = user(raw)
    elif t == "files":
        inner = [{"name": u.rsplit("/", 1)[-1], "type": "external", "external": {"url": u}} for u in raw]
    elif t == "unique_id":
        inner = {"prefix": None, "number": raw} if isinstance(raw, int) else raw
    else:
        inner = raw
    return {"id": prop.id, "type": t, t: inner}


class FakeRow:
    def __init__(self, schema: FakeSchema, values: dict | None = None, page_id: str | None = None):
        self.schema = schema
        self._page_id = page_id or new_id()
        self._values: dict[str, dict] = {}
        self._related: dict[str, list[FakeRow]] = {}
        for name, raw in (values or {}).items():
            prop = schema.by_name(name)
            if prop is None:
                raise KeyError(f"no property {name!r} in the test schema")
            if prop.type == "relation":
                target = schema.related(prop)
                rows = [r if isinstance(r, FakeRow) else FakeRow(target, r) for r in raw or []]
                self._related[prop.id] = rows
                self._values[prop.id] = {"id": prop.id, "type": "relation",
                                         "relation": [{"id": r.page_id} for r in rows[:25]],
                                         "has_more": len(rows) > 25}
            elif prop.type in ("formula", "rollup"):
                self._values[prop.id] = {"id": prop.id, "type": prop.type, prop.type: raw}
            else:
                self._values[prop.id] = api_value(prop, raw)

    @property
    def page_id(self) -> str:
        return self._page_id

    def value(self, prop_id):
        return self._values.get(prop_id)

    def related(self, relation_prop_id):
        return self._related.get(relation_prop_id, [])
