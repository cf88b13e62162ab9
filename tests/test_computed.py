"""Stored formula and rollup values: computed on write, kept current across relations and schema
changes, filtered and sorted in queries, rendered in every version."""

from __future__ import annotations

from typing import Any

import pytest

from blockyard.store import nodes as store_nodes
from db_support import error_of
from query_support import add_row, make_db, query, titles
from support import text

V22, V25, V26 = "2022-06-28", "2025-09-03", "2026-03-11"


def _title(name: str) -> dict[str, Any]:
    return {"title": text(name)}


def _stored(ws, page_id: str) -> dict[str, Any]:
    with ws.server.store.read() as tx:
        node = store_nodes.get(tx, ws.info.id, page_id)
        assert node is not None
        return node.data["properties"]


def _props(ws, page_id: str, version: str = V26) -> dict[str, Any]:
    return ws.client(version).pages.retrieve(page_id)["properties"]


def _names(ws, ds: str, **body: Any) -> list[str]:
    return titles(query(ws, ds, **body))


@pytest.fixture
def shop(ws):  # type: ignore[no-untyped-def]
    """Items (Price, Qty, formulas over them) and Orders relating to items (rollups and formulas over them)."""
    _idb, items = make_db(ws, {
        "Name": {"title": {}}, "Price": {"number": {}}, "Qty": {"number": {}},
        "Total": {"formula": {"expression": 'prop("Price") * prop("Qty")'}},
        "Double": {"formula": {"expression": 'prop("Total") * 2'}},
        "Label": {"formula": {"expression": 'if(prop("Total") > 10, "big", "small")'}},
        "Cheap": {"formula": {"expression": 'prop("Price") < 5'}},
    }, title="Items")
    odb, orders = make_db(ws, {
        "Name": {"title": {}},
        "Items": {"relation": {"data_source_id": items, "dual_property": {"synced_property_name": "Orders"}}},
    }, title="Orders")
    ws.client(V25).data_sources.update(orders, properties={
        "Sum": {"rollup": {"function": "sum", "relation_property_name": "Items", "rollup_property_name": "Price"}},
        "Count": {"rollup": {"function": "count", "relation_property_name": "Items", "rollup_property_name": "Name"}},
        "Prices": {"rollup": {"function": "show_original", "relation_property_name": "Items", "rollup_property_name": "Price"}},
        "Totals": {"rollup": {"function": "sum", "relation_property_name": "Items", "rollup_property_name": "Total"}},
        "Plus": {"formula": {"expression": 'prop("Sum") + 1'}},
        "Via": {"formula": {"expression": 'prop("Items").map(current.prop("Qty")).sum()'}},
    })
    ws.client(V25).data_sources.update(items, properties={
        "Order count": {"rollup": {"function": "count", "relation_property_name": "Orders", "rollup_property_name": "Name"}},
    })
    return {"items": items, "orders": orders, "orders_db": odb}


def test_values_after_create_and_update(ws, shop):  # type: ignore[no-untyped-def]
    items = shop["items"]
    a = add_row(ws, items, {"Name": _title("A"), "Price": {"number": 3}, "Qty": {"number": 2}})
    props = _props(ws, a)
    assert props["Total"]["formula"] == {"type": "number", "number": 6}
    assert props["Double"]["formula"] == {"type": "number", "number": 12}
    assert props["Label"]["formula"] == {"type": "string", "string": "small"}
    assert props["Cheap"]["formula"] == {"type": "boolean", "boolean": True}
    # Stored on the page, in the response form.
    stored = _stored(ws, a)
    assert {"type": "number", "number": 12} in stored.values()
    ws.client().pages.update(a, properties={"Qty": {"number": 5}})
    props = _props(ws, a)
    assert props["Total"]["formula"] == {"type": "number", "number": 15}
    assert props["Double"]["formula"] == {"type": "number", "number": 30}
    assert props["Label"]["formula"] == {"type": "string", "string": "big"}
    item = ws.client().pages.properties.retrieve(a, props["Double"]["id"])
    assert item["formula"] == {"type": "number", "number": 30}


def test_filters_and_sorts_on_formulas(ws, shop):  # type: ignore[no-untyped-def]
    items = shop["items"]
    for name, price, qty in (("A", 3, 2), ("B", 10, 3), ("C", 1, 1), ("D", None, 4)):
        add_row(ws, items, {"Name": _title(name), "Price": {"number": price}, "Qty": {"number": qty}})
    f = lambda **c: {"property": "Total", "formula": {"number": c}}  # noqa: E731
    assert set(_names(ws, items, filter=f(greater_than=5))) == {"A", "B"}
    assert set(_names(ws, items, filter=f(equals=0))) == {"D"}  # a blank number times 4 is 0
    assert set(_names(ws, items, filter={"property": "Label", "formula": {"string": {"equals": "big"}}})) == {"B"}
    assert set(_names(ws, items, filter={"property": "Label", "formula": {"string": {"starts_with": "sm"}}})) == {"A", "C", "D"}
    assert set(_names(ws, items, filter={"property": "Cheap", "formula": {"checkbox": {"equals": True}}})) == {"A", "C"}
    assert set(_names(ws, items, filter={"property": "Cheap", "formula": {"checkbox": {"does_not_equal": True}}})) == {"B", "D"}
    assert _names(ws, items, sorts=[{"property": "Double", "direction": "descending"}]) == ["B", "A", "C", "D"]
    assert _names(ws, items, sorts=[{"property": "Total", "direction": "ascending"}]) == ["D", "C", "A", "B"]
    assert _names(ws, items, sorts=[{"property": "Cheap", "direction": "ascending"}, {"property": "Total", "direction": "ascending"}]) == ["D", "B", "C", "A"]
    # The filter key must fit the formula's result type.
    err = error_of(query, ws, items, filter={"property": "Total", "formula": {"string": {"equals": "6"}}})
    assert (err.status, err.code) == (400, "validation_error")
    err = error_of(query, ws, items, filter={"property": "Cheap", "formula": {"number": {"equals": 1}}})
    assert (err.status, err.code) == (400, "validation_error")


def test_rollups_follow_related_pages(ws, shop):  # type: ignore[no-untyped-def]
    items, orders = shop["items"], shop["orders"]
    a = add_row(ws, items, {"Name": _title("A"), "Price": {"number": 3}, "Qty": {"number": 2}})
    b = add_row(ws, items, {"Name": _title("B"), "Price": {"number": 4}, "Qty": {"number": 1}})
    o1 = add_row(ws, orders, {"Name": _title("O1"), "Items": {"relation": [{"id": a}, {"id": b}]}})
    o2 = add_row(ws, orders, {"Name": _title("O2"), "Items": {"relation": [{"id": b}]}})
    add_row(ws, orders, {"Name": _title("O3")})
    props = _props(ws, o1)
    assert props["Sum"]["rollup"] == {"type": "number", "number": 7, "function": "sum"}
    assert props["Count"]["rollup"] == {"type": "number", "number": 2, "function": "count"}
    assert props["Totals"]["rollup"] == {"type": "number", "number": 10, "function": "sum"}
    assert props["Plus"]["formula"] == {"type": "number", "number": 8}
    assert props["Via"]["formula"] == {"type": "number", "number": 3}
    # The synced side: items count their orders.
    assert _props(ws, b)["Order count"]["rollup"] == {"type": "number", "number": 2, "function": "count"}
    assert set(_names(ws, orders, filter={"property": "Sum", "rollup": {"number": {"equals": 4}}})) == {"O2"}

    # A related page changes: both orders follow, in GET and in filters.
    ws.client().pages.update(b, properties={"Price": {"number": 40}, "Qty": {"number": 5}})
    props = _props(ws, o1)
    assert props["Sum"]["rollup"]["number"] == 43
    assert props["Totals"]["rollup"]["number"] == 206
    assert props["Plus"]["formula"]["number"] == 44
    assert props["Via"]["formula"]["number"] == 7
    assert _props(ws, o2)["Sum"]["rollup"]["number"] == 40
    assert set(_names(ws, orders, filter={"property": "Sum", "rollup": {"number": {"greater_than": 39}}})) == {"O1", "O2"}
    assert set(_names(ws, orders, filter={"property": "Plus", "formula": {"number": {"equals": 44}}})) == {"O1"}
    assert set(_names(ws, orders, filter={"property": "Prices", "rollup": {"any": {"number": {"equals": 40}}}})) == {"O1", "O2"}
    assert _names(ws, orders, sorts=[{"property": "Sum", "direction": "descending"}]) == ["O1", "O2", "O3"]

    # The relation changes: the order and the item it left (synced side) both follow.
    ws.client().pages.update(o1, properties={"Items": {"relation": [{"id": a}]}})
    assert _props(ws, o1)["Sum"]["rollup"]["number"] == 3
    assert _props(ws, b)["Order count"]["rollup"]["number"] == 1
    assert set(_names(ws, items, filter={"property": "Order count", "rollup": {"number": {"equals": 1}}})) == {"A", "B"}
    # Changing the synced side recomputes the order's rollups.
    ws.client().pages.update(a, properties={"Orders": {"relation": [{"id": o1}, {"id": o2}]}})
    assert _props(ws, o2)["Sum"]["rollup"]["number"] == 43
    assert set(_names(ws, orders, filter={"property": "Count", "rollup": {"number": {"equals": 2}}})) == {"O2"}

    # Trashing a related page drops it from the rollups; restoring brings it back.
    ws.client().pages.update(b, in_trash=True)
    assert _props(ws, o2)["Sum"]["rollup"]["number"] == 3
    assert set(_names(ws, orders, filter={"property": "Sum", "rollup": {"number": {"equals": 3}}})) == {"O1", "O2"}
    ws.client().pages.update(b, in_trash=False)
    assert _props(ws, o2)["Sum"]["rollup"]["number"] == 43


def test_rollup_quantifiers_and_empty_arrays(ws, shop):  # type: ignore[no-untyped-def]
    items, orders = shop["items"], shop["orders"]
    a = add_row(ws, items, {"Name": _title("A"), "Price": {"number": 3}})
    b = add_row(ws, items, {"Name": _title("B"), "Price": {"number": 50}})
    add_row(ws, orders, {"Name": _title("Both"), "Items": {"relation": [{"id": a}, {"id": b}]}})
    add_row(ws, orders, {"Name": _title("Small"), "Items": {"relation": [{"id": a}]}})
    add_row(ws, orders, {"Name": _title("None")})

    def r(quant: str, **cond: Any) -> set[str]:
        return set(_names(ws, orders, filter={"property": "Prices", "rollup": {quant: {"number": cond}}}))

    assert r("any", greater_than=10) == {"Both"}
    assert r("every", less_than=10) == {"Small"}  # an empty rollup is not "every"
    assert r("every", greater_than=0) == {"Both", "Small"}
    assert r("none", greater_than=10) == {"Small", "None"}  # an empty rollup is "none"
    assert set(_names(ws, orders, filter={"property": "Sum", "rollup": {"number": {"is_empty": True}}})) == {"None"}
    assert set(_names(ws, orders, filter={"property": "Count", "rollup": {"number": {"equals": 0}}})) == {"None"}


def test_formula_using_now(ws):  # type: ignore[no-untyped-def]
    _db, ds = make_db(ws, {
        "Name": {"title": {}}, "Due": {"date": {}},
        "State": {"formula": {"expression": 'if(prop("Due") < now(), "late", "ok")'}},
        "Echo": {"formula": {"expression": 'prop("State") + "!"'}},
        "Fixed": {"formula": {"expression": 'prop("Name") + "?"'}},
    })
    old = add_row(ws, ds, {"Name": _title("old"), "Due": {"date": {"start": "2001-01-01"}}})
    add_row(ws, ds, {"Name": _title("new"), "Due": {"date": {"start": "2999-01-01"}}})
    props = _props(ws, old)
    assert props["State"]["formula"] == {"type": "string", "string": "late"}
    assert props["Echo"]["formula"] == {"type": "string", "string": "late!"}
    stored = _stored(ws, old)
    # Volatile values (now(), and what reads them) are evaluated when read, never stored.
    assert {"type": "string", "string": "late"} not in stored.values()
    assert {"type": "string", "string": "old?"} in stored.values()
    assert set(_names(ws, ds, filter={"property": "State", "formula": {"string": {"equals": "late"}}})) == {"old"}
    assert set(_names(ws, ds, filter={"and": [
        {"property": "Echo", "formula": {"string": {"ends_with": "!"}}},
        {"property": "Fixed", "formula": {"string": {"starts_with": "new"}}},
    ]})) == {"new"}
    assert set(_names(ws, ds, filter={"or": [
        {"property": "State", "formula": {"string": {"equals": "ok"}}},
        {"property": "Fixed", "formula": {"string": {"equals": "old?"}}},
    ]})) == {"old", "new"}
    assert set(_names(ws, ds, filter={"property": "State", "formula": {"string": {"is_empty": True}}})) == set()
    add_row(ws, ds, {"Name": _title("undated")})
    # Sorts on volatile formulas run in Python, combined with the SQL sort keys.
    ws.client(V25).data_sources.update(ds, properties={
        "Days": {"formula": {"expression": 'dateBetween(prop("Due"), now(), "days")'}}})
    assert _names(ws, ds, sorts=[{"property": "Days", "direction": "ascending"}]) == ["old", "new", "undated"]
    assert _names(ws, ds, sorts=[{"property": "Days", "direction": "descending"}]) == ["new", "old", "undated"]
    assert _names(ws, ds, sorts=[{"property": "Fixed", "direction": "descending"},
                                 {"property": "Days", "direction": "ascending"}]) == ["undated", "old", "new"]
    assert _names(ws, ds, filter={"property": "Days", "formula": {"number": {"greater_than": 0}}},
                  sorts=[{"property": "State", "direction": "ascending"}, {"property": "Name", "direction": "ascending"}]) == ["new"]
    page = query(ws, ds, sorts=[{"property": "Days", "direction": "ascending"}], page_size=1)
    assert titles(page) == ["old"] and page["has_more"]
    assert titles(query(ws, ds, sorts=[{"property": "Days", "direction": "ascending"}], start_cursor=page["next_cursor"])) == ["new", "undated"]


def test_schema_changes_recompute(ws, shop):  # type: ignore[no-untyped-def]
    items, orders = shop["items"], shop["orders"]
    a = add_row(ws, items, {"Name": _title("A"), "Price": {"number": 3}, "Qty": {"number": 2}})
    o = add_row(ws, orders, {"Name": _title("O"), "Items": {"relation": [{"id": a}]}})
    # A changed expression.
    ws.client(V25).data_sources.update(items, properties={"Total": {"formula": {"expression": 'prop("Price") + prop("Qty")'}}})
    assert _props(ws, a)["Total"]["formula"]["number"] == 5
    assert _props(ws, a)["Double"]["formula"]["number"] == 10
    assert set(_names(ws, items, filter={"property": "Double", "formula": {"number": {"equals": 10}}})) == {"A"}
    # ... seen through the relation, too.
    assert _props(ws, o)["Totals"]["rollup"]["number"] == 5
    assert set(_names(ws, orders, filter={"property": "Totals", "rollup": {"number": {"equals": 5}}})) == {"O"}
    # A new formula and a new rollup on existing rows.
    ws.client(V25).data_sources.update(items, properties={"Triple": {"formula": {"expression": 'prop("Price") * 3'}}})
    assert set(_names(ws, items, filter={"property": "Triple", "formula": {"number": {"equals": 9}}})) == {"A"}
    ws.client(V25).data_sources.update(orders, properties={
        "Max": {"rollup": {"function": "max", "relation_property_name": "Items", "rollup_property_name": "Qty"}}})
    assert set(_names(ws, orders, filter={"property": "Max", "rollup": {"number": {"equals": 2}}})) == {"O"}
    # The type of a property a formula reads changes.
    ws.client(V25).data_sources.update(items, properties={"Qty": {"rich_text": {}}})
    props = _props(ws, a)
    assert props["Label"]["formula"]["type"] in ("string",)
    # A rollup's function changes.
    ws.client(V25).data_sources.update(orders, properties={
        "Sum": {"rollup": {"function": "max", "relation_property_name": "Items", "rollup_property_name": "Price"}}})
    assert _props(ws, o)["Sum"]["rollup"] == {"type": "number", "number": 3, "function": "max"}
    assert set(_names(ws, orders, filter={"property": "Sum", "rollup": {"number": {"equals": 3}}})) == {"O"}


@pytest.mark.parametrize("version", [V22, V25, V26])
def test_versions(ws, shop, version):  # type: ignore[no-untyped-def]
    items, orders = shop["items"], shop["orders"]
    a = add_row(ws, items, {"Name": _title("A"), "Price": {"number": 3}, "Qty": {"number": 2}})
    o = add_row(ws, orders, {"Name": _title("O"), "Items": {"relation": [{"id": a}]}})
    props = _props(ws, o, version)
    assert props["Sum"]["rollup"] == {"type": "number", "number": 3, "function": "sum"}
    assert props["Prices"]["rollup"] == {"type": "array", "array": [{"type": "number", "number": 3}], "function": "show_original"}
    body = {"filter": {"property": "Plus", "formula": {"number": {"equals": 4}}},
            "sorts": [{"property": "Sum", "direction": "ascending"}]}
    if version == V22:
        result = ws.client(version).request(path=f"databases/{shop['orders_db']}/query", method="POST", body=body)
    else:
        result = ws.client(version).data_sources.query(data_source_id=orders, **body)
    assert titles(result) == ["O"]
    assert result["results"][0]["properties"]["Plus"]["formula"] == {"type": "number", "number": 4}
