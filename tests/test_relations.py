"""Relations: single and dual property schemas, two-way sync, the 25-reference cap, rollups."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from db_support import error_of, make_db, parent_for, schema
from support import VERSIONS, text


def _relation_body(version, db_id, ds_id, kind="dual_property", **detail):
    key = {"database_id": db_id} if version == "2022-06-28" else {"data_source_id": ds_id}
    return {"relation": {**key, "type": kind, kind: detail}}


@pytest.mark.parametrize("version", VERSIONS)
def test_dual_relation_schema_and_sync(ws, version):
    cust, cust_ds = make_db(ws, version, {"Name": {"title": {}}}, title="Customers")
    items, items_ds = make_db(ws, version, {"Name": {"title": {}}, "Bought by": _relation_body(version, cust["id"], cust_ds)}, title="Items")
    rel = schema(ws, version, items["id"], items_ds)["Bought by"]["relation"]
    assert rel["database_id"] == cust["id"] and rel["data_source_id"] == cust_ds and rel["type"] == "dual_property"
    back = schema(ws, version, cust["id"], cust_ds)
    synced = back["Related to Items (Bought by)"]
    assert rel["dual_property"] == {"synced_property_name": "Related to Items (Bought by)", "synced_property_id": synced["id"]}
    assert synced["relation"]["dual_property"]["synced_property_name"] == "Bought by"
    assert synced["relation"]["data_source_id"] == items_ds

    notion = ws.client(version)
    c1 = notion.pages.create(parent=parent_for(version, cust["id"], cust_ds), properties={"Name": {"title": text("C1")}})
    c2 = notion.pages.create(parent=parent_for(version, cust["id"], cust_ds), properties={"Name": {"title": text("C2")}})
    i1 = notion.pages.create(parent=parent_for(version, items["id"], items_ds), properties={"Bought by": {"relation": [{"id": c1["id"]}]}})
    assert i1["properties"]["Bought by"] == {"id": i1["properties"]["Bought by"]["id"], "type": "relation", "relation": [{"id": c1["id"]}], "has_more": False}
    assert notion.pages.retrieve(c1["id"])["properties"]["Related to Items (Bought by)"]["relation"] == [{"id": i1["id"]}]
    # Replacing the value moves the back-reference; the other side can write too.
    notion.pages.update(i1["id"], properties={"Bought by": {"relation": [{"id": c2["id"]}]}})
    assert notion.pages.retrieve(c1["id"])["properties"]["Related to Items (Bought by)"]["relation"] == []
    assert notion.pages.retrieve(c2["id"])["properties"]["Related to Items (Bought by)"]["relation"] == [{"id": i1["id"]}]
    notion.pages.update(c2["id"], properties={"Related to Items (Bought by)": {"relation": []}})
    assert notion.pages.retrieve(i1["id"])["properties"]["Bought by"]["relation"] == []


def test_single_relation_has_no_other_side(ws):
    target, target_ds = make_db(ws, "2026-03-11", {"Name": {"title": {}}})
    src, src_ds = make_db(ws, "2026-03-11", {"Name": {"title": {}}, "R": {"relation": {"data_source_id": target_ds, "single_property": {}}}})
    notion = ws.client()
    rel = notion.data_sources.retrieve(src_ds)["properties"]["R"]["relation"]
    assert rel == {"database_id": target["id"], "data_source_id": target_ds, "type": "single_property", "single_property": {}}
    assert set(notion.data_sources.retrieve(target_ds)["properties"]) == {"Name"}
    t = notion.pages.create(parent={"data_source_id": target_ds}, properties={})
    notion.pages.create(parent={"data_source_id": src_ds}, properties={"R": {"relation": [{"id": t["id"]}]}})
    assert set(notion.pages.retrieve(t["id"])["properties"]) == {"Name"}


def test_relation_value_cap_and_property_items(ws):
    target, target_ds = make_db(ws, "2025-09-03", {"Name": {"title": {}}}, title="Targets")
    src, src_ds = make_db(ws, "2025-09-03", {"Name": {"title": {}}, "R": {"relation": {"data_source_id": target_ds, "dual_property": {"synced_property_name": "Back"}}}})
    notion = ws.client("2025-09-03")
    targets = [notion.pages.create(parent={"data_source_id": target_ds}, properties={})["id"] for _ in range(30)]
    page = notion.pages.create(parent={"data_source_id": src_ds}, properties={"R": {"relation": [{"id": i} for i in targets]}})
    r = page["properties"]["R"]
    assert len(r["relation"]) == 25 and r["has_more"] is True
    assert r["relation"] == [{"id": i} for i in targets[:25]]
    items = notion.pages.properties.retrieve(page["id"], r["id"])
    assert [x["relation"]["id"] for x in items["results"]] == targets
    assert items["results"][0] == {"object": "property_item", "type": "relation", "id": r["id"], "relation": {"id": targets[0]}}
    assert items["property_item"] == {"id": r["id"], "next_url": None, "type": "relation", "relation": {}}
    first = notion.pages.properties.retrieve(page["id"], r["id"], page_size=25)
    assert first["has_more"] is True and len(first["results"]) == 25
    rest = notion.pages.properties.retrieve(page["id"], r["id"], start_cursor=first["next_cursor"])
    assert [x["relation"]["id"] for x in rest["results"]] == targets[25:]
    back = notion.pages.retrieve(targets[0])["properties"]["Back"]
    assert back["relation"] == [{"id": page["id"]}] and back["has_more"] is False


def test_relation_value_errors(ws):
    target, target_ds = make_db(ws, "2025-09-03", {"Name": {"title": {}}})
    other, other_ds = make_db(ws, "2025-09-03", {"Name": {"title": {}}})
    src, src_ds = make_db(ws, "2025-09-03", {"Name": {"title": {}}, "R": {"relation": {"data_source_id": target_ds, "single_property": {}}}})
    notion = ws.client("2025-09-03")
    stranger = notion.pages.create(parent={"data_source_id": other_ds}, properties={})
    err = error_of(notion.pages.create, parent={"data_source_id": src_ds}, properties={"R": {"relation": [{"id": stranger["id"]}]}})
    assert (err.status, err.code) == (400, "validation_error")
    assert err.message == f"body failed validation: body.properties.R.relation[0].id should be a page in the related data source, instead was `\"{stranger['id']}\"`."
    err = error_of(notion.pages.create, parent={"data_source_id": src_ds}, properties={"R": {"relation": [{"id": "x"}]}})
    assert err.message == "body failed validation: body.properties.R.relation[0].id should be a valid uuid, instead was `\"x\"`."
    err = error_of(notion.pages.create, parent={"data_source_id": src_ds}, properties={"R": {"relation": [{"id": stranger["id"]}] * 101}})
    assert err.message == "body failed validation: body.properties.R.relation.length should be ≤ `100`, instead was `101`."


def test_relation_schema_errors(ws):
    notion = ws.client("2025-09-03")
    err = error_of(notion.databases.create, parent={"page_id": ws.root_id},
                   initial_data_source={"properties": {"Name": {"title": {}}, "R": {"relation": {"database_id": ws.root_id, "single_property": {}}}}})
    assert err.message == "body failed validation: body.initial_data_source.properties.R.relation.data_source_id should be defined, instead was `undefined`."
    missing = "00000000-0000-4000-8000-000000000000"
    err = error_of(notion.databases.create, parent={"page_id": ws.root_id},
                   initial_data_source={"properties": {"Name": {"title": {}}, "R": {"relation": {"data_source_id": missing, "single_property": {}}}}})
    assert (err.status, err.code) == (404, "object_not_found")
    assert err.message.startswith(f"Could not find data source with ID: {missing}.")


def test_delete_and_convert_dual_relation(ws):
    a, a_ds = make_db(ws, "2026-03-11", {"Name": {"title": {}}}, title="A")
    b, b_ds = make_db(ws, "2026-03-11", {"Name": {"title": {}}, "ToA": {"relation": {"data_source_id": a_ds, "dual_property": {}}}}, title="B")
    notion = ws.client()
    assert "Related to B (ToA)" in notion.data_sources.retrieve(a_ds)["properties"]
    notion.data_sources.update(b_ds, properties={"ToA": {"relation": {"data_source_id": a_ds, "single_property": {}}}})
    # Recorded (test_update_prop_type_attrs #19-#20): the far side outlives the conversion, and a later request
    # deletes it. Here it stays as a one-way relation back to B.
    far = notion.data_sources.retrieve(a_ds)["properties"]["Related to B (ToA)"]["relation"]
    assert (far["type"], far["data_source_id"], far["single_property"]) == ("single_property", b_ds, {})
    assert notion.data_sources.retrieve(b_ds)["properties"]["ToA"]["relation"]["type"] == "single_property"
    notion.data_sources.update(a_ds, properties={"Related to B (ToA)": None})
    assert set(notion.data_sources.retrieve(a_ds)["properties"]) == {"Name"}
    assert set(notion.data_sources.retrieve(b_ds)["properties"]) == {"Name", "ToA"}
    notion.data_sources.update(b_ds, properties={"ToA": {"relation": {"data_source_id": a_ds, "dual_property": {"synced_property_name": "FromB"}}}})
    assert notion.data_sources.retrieve(a_ds)["properties"]["FromB"]["relation"]["dual_property"]["synced_property_name"] == "ToA"
    notion.data_sources.update(b_ds, properties={"ToA": None})
    assert set(notion.data_sources.retrieve(a_ds)["properties"]) == {"Name"}


def test_self_relation_two_way(ws):
    db, ds = make_db(ws, "2025-09-03", {"Name": {"title": {}}})
    notion = ws.client("2025-09-03")
    props = notion.data_sources.update(ds, properties={"Parent": {"relation": {"data_source_id": ds, "dual_property": {"synced_property_name": "Children"}}}})["properties"]
    assert props["Parent"]["relation"]["dual_property"]["synced_property_id"] == props["Children"]["id"]
    parent = notion.pages.create(parent={"data_source_id": ds}, properties={"Name": {"title": text("P")}})
    child = notion.pages.create(parent={"data_source_id": ds}, properties={"Parent": {"relation": [{"id": parent["id"]}]}})
    assert notion.pages.retrieve(parent["id"])["properties"]["Children"]["relation"] == [{"id": child["id"]}]


def test_rollup_over_relation(ws):
    target, target_ds = make_db(ws, "2025-09-03", {"Name": {"title": {}}, "Price": {"number": {}}})
    src, src_ds = make_db(ws, "2025-09-03", {
        "Name": {"title": {}},
        "Items": {"relation": {"data_source_id": target_ds, "single_property": {}}},
        "Total": {"rollup": {"function": "sum", "relation_property_name": "Items", "rollup_property_name": "Price"}},
        "Count": {"rollup": {"function": "count", "relation_property_name": "Items", "rollup_property_name": "Name"}},
    })
    notion = ws.client("2025-09-03")
    props = notion.data_sources.retrieve(src_ds)["properties"]
    items_id = props["Items"]["id"]
    price_id = notion.data_sources.retrieve(target_ds)["properties"]["Price"]["id"]
    # Notion shows a rollup's property ids decoded, unlike everywhere else.
    assert props["Total"]["rollup"] == {
        "rollup_property_name": "Price", "relation_property_name": "Items",
        "rollup_property_id": unquote(price_id), "relation_property_id": unquote(items_id), "function": "sum",
    }
    t = [notion.pages.create(parent={"data_source_id": target_ds}, properties={"Price": {"number": n}})["id"] for n in (42, 72)]
    page = notion.pages.create(parent={"data_source_id": src_ds}, properties={"Items": {"relation": [{"id": i} for i in t]}})
    assert page["properties"]["Total"]["rollup"] == {"type": "number", "number": 114, "function": "sum"}
    assert page["properties"]["Count"]["rollup"] == {"type": "number", "number": 2, "function": "count"}
    item = notion.pages.properties.retrieve(page["id"], page["properties"]["Total"]["id"])
    assert item["property_item"]["rollup"] == {"type": "number", "number": 114, "function": "sum"}
    assert [r["relation"]["id"] for r in item["results"]] == t
    assert all(r["id"] == items_id for r in item["results"])
    err = error_of(notion.pages.update, page["id"], properties={"Total": {"rollup": {"number": 1}}})
    assert err.message.startswith("body failed validation. Fix one:")
