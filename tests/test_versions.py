"""Every Notion-Version Notion still accepts, each difference tested at the version and at its neighbour:
2026-12-01 against 2026-03-11, and 2022-02-22, 2021-08-16 and 2021-05-13 down from 2022-06-28."""

from __future__ import annotations

import pytest

from db_support import make_db
from support import assert_error, paragraph, text

ALL = ("2021-05-13", "2021-08-16", "2022-02-22", "2022-06-28", "2025-09-03", "2026-03-11", "2026-12-01")
BETA = "status-group-filters-2026-10-06"


@pytest.mark.parametrize("version", ALL)
def test_every_accepted_version_answers(ws, version):
    me = ws.client(version).users.me()
    assert me["object"] == "user" and me["type"] == "bot"
    page = ws.client(version).pages.retrieve(ws.root_id)
    assert page["id"] == ws.root_id


@pytest.mark.parametrize("value", ["2021-05-11", "2026-12-02", "latest", ""])
def test_unknown_versions_are_refused(ws, value):
    body = assert_error(ws.raw("GET", "/v1/users/me", version=value), 400, "validation_error")
    assert body["message"].startswith("Notion-Version header failed validation")
    assert '"2026-12-01"' in body["message"] and '"2021-05-13"' in body["message"]


# --- 2026-12-01 ------------------------------------------------------------------------------------

def _tasks(ws, version="2026-03-11"):
    db, ds_id = make_db(ws, version, {
        "Name": {"title": {}}, "Hours": {"number": {}}, "State": {"status": {}}, "Note": {"rich_text": {}},
    })
    notion = ws.client(version)
    made = {}
    for name, state in (("alpha", "Not started"), ("beta", "In progress"), ("gamma", "Done")):
        made[name] = notion.pages.create(parent={"data_source_id": ds_id}, properties={
            "Name": {"title": text(name)}, "Hours": {"number": 3}, "State": {"status": {"name": state}},
            "Note": {"rich_text": text("n")},
        })["id"]
    return ds_id, made


def test_lists_carry_only_the_title_at_2026_12_01(ws):
    ds_id, _ = _tasks(ws)
    new = ws.raw("POST", f"/v1/data_sources/{ds_id}/query", version="2026-12-01", json={}).json()
    assert {tuple(r["properties"]) for r in new["results"]} == {("Name",)}
    assert all(r["url"] and r["last_edited_time"] for r in new["results"])
    old = ws.raw("POST", f"/v1/data_sources/{ds_id}/query", version="2026-03-11", json={}).json()
    assert {frozenset(r["properties"]) for r in old["results"]} == {frozenset({"Name", "Hours", "State", "Note"})}
    asked = ws.raw("POST", f"/v1/data_sources/{ds_id}/query?filter_properties=Hours&filter_properties=title",
                   version="2026-12-01", json={}).json()
    assert {frozenset(r["properties"]) for r in asked["results"]} == {frozenset({"Name", "Hours"})}
    # The SDK's own query method at 2026-12-01.
    via_sdk = ws.client("2026-12-01").data_sources.query(ds_id)
    assert {tuple(r["properties"]) for r in via_sdk["results"]} == {("Name",)}


def test_search_carries_only_the_title_at_2026_12_01(ws):
    _tasks(ws)
    body = {"query": "alpha", "filter": {"property": "object", "value": "page"}}
    new = ws.raw("POST", "/v1/search", version="2026-12-01", json=body).json()["results"]
    assert [tuple(r["properties"]) for r in new] == [("Name",)]
    old = ws.raw("POST", "/v1/search", version="2026-03-11", json=body).json()["results"]
    assert set(old[0]["properties"]) == {"Name", "Hours", "State", "Note"}
    # GET page is not a list: it keeps every property.
    page = ws.client("2026-12-01").pages.retrieve(new[0]["id"])
    assert set(page["properties"]) == {"Name", "Hours", "State", "Note"}


def _names(resp):
    assert resp.status_code == 200, resp.text
    return sorted(r["properties"]["Name"]["title"][0]["plain_text"] for r in resp.json()["results"])


def test_status_equals_matches_a_group_only_before_2026_12_01(ws):
    ds_id, _ = _tasks(ws)
    path = f"/v1/data_sources/{ds_id}/query"
    group = {"filter": {"property": "State", "status": {"equals": "Complete"}}}
    assert _names(ws.raw("POST", path, version="2026-03-11", json=group)) == ["gamma"]
    assert _names(ws.raw("POST", path, version="2026-12-01", json=group)) == []
    negated = {"filter": {"property": "State", "status": {"does_not_equal": "To-do"}}}
    assert _names(ws.raw("POST", path, version="2026-03-11", json=negated)) == ["beta", "gamma"]
    # An option's own name wins over a group of the same name ("In progress" is both).
    option = {"filter": {"property": "State", "status": {"equals": "In progress"}}}
    assert _names(ws.raw("POST", path, version="2026-12-01", json=option)) == ["beta"]
    assert _names(ws.raw("POST", path, version="2026-03-11", json=option)) == ["beta"]


@pytest.mark.parametrize("version", ["2026-03-11", "2026-12-01"])
def test_status_group_operators_behind_the_beta_header(ws, version):
    ds_id, _ = _tasks(ws)
    path = f"/v1/data_sources/{ds_id}/query"
    body = {"filter": {"property": "State", "status": {"group": {"equals": "Complete"}}}}
    assert _names(ws.raw("POST", path, version=version, json=body, headers={"Notion-Beta": BETA})) == ["gamma"]
    not_in = {"filter": {"property": "State", "status": {"group": {"does_not_equal": "Complete"}}}}
    assert _names(ws.raw("POST", path, version=version, json=not_in, headers={"Notion-Beta": BETA})) == ["alpha", "beta"]
    # Without the beta the operator does not exist.
    assert_error(ws.raw("POST", path, version=version, json=body), 400, "validation_error")
    bad = {"filter": {"property": "State", "status": {"group": {"equals": "Someday"}}}}
    err = assert_error(ws.raw("POST", path, version=version, json=bad, headers={"Notion-Beta": BETA}),
                       400, "validation_error")
    assert "To-do" in err["message"] and "Someday" in err["message"]


@pytest.mark.parametrize("beta", ["nonsense", "status-group-filters-2026-01-01", f"{BETA},{BETA}", f"{BETA},"])
def test_a_bad_beta_header_is_invalid_beta(ws, beta):
    path = f"/v1/pages/{ws.root_id}"
    assert ws.raw("GET", path).status_code == 200  # kept: the next answer must not come from the cache
    assert_error(ws.raw("GET", path, headers={"Notion-Beta": beta}), 400, "invalid_beta")
    assert ws.raw("GET", path, headers={"Notion-Beta": BETA}).status_code == 200


def test_a_person_without_a_name_is_null_at_2026_12_01(ws):
    uid = ws.add_person("")
    assert ws.client("2026-12-01").users.retrieve(uid)["name"] is None
    assert ws.client("2026-03-11").users.retrieve(uid)["name"] == ""
    named = ws.add_person("Ada")
    assert ws.client("2026-12-01").users.retrieve(named)["name"] == "Ada"


# --- before 2022-06-28 -----------------------------------------------------------------------------

def _append(ws, version, children, parent=None):
    return ws.raw("PATCH", f"/v1/blocks/{parent or ws.root_id}/children", version=version,
                  json={"children": children})


def test_block_text_is_text_until_2022_02_22(ws):
    old = {"object": "block", "type": "paragraph", "paragraph": {"text": text("old style")}}
    answer = _append(ws, "2021-08-16", [old])
    assert answer.status_code == 200, answer.text
    block = answer.json()["results"][0]
    assert block["paragraph"]["text"][0]["plain_text"] == "old style" and "rich_text" not in block["paragraph"]
    assert "parent" not in block
    # The same block at 2022-02-22 reads `rich_text`, and the old key is refused there.
    again = ws.client("2022-02-22").blocks.retrieve(block["id"])
    assert again["paragraph"]["rich_text"][0]["plain_text"] == "old style" and "text" not in again["paragraph"]
    assert_error(_append(ws, "2022-02-22", [old]), 400, "validation_error")
    # A PATCH in the old shape.
    patched = ws.raw("PATCH", f"/v1/blocks/{block['id']}", version="2021-08-16",
                     json={"paragraph": {"text": text("changed")}})
    assert patched.json()["paragraph"]["text"][0]["plain_text"] == "changed"


def test_blocks_have_a_parent_from_2022_06_28(ws):
    block = _append(ws, "2022-06-28", [paragraph("p")]).json()["results"][0]
    assert block["parent"] == {"type": "page_id", "page_id": ws.root_id}
    assert "parent" not in ws.client("2022-02-22").blocks.retrieve(block["id"])


def test_append_answers_the_parent_block_at_2021_05_13(ws):
    answer = _append(ws, "2021-05-13", [paragraph("p")]).json()
    assert answer["object"] == "block" and answer["id"] == ws.root_id
    assert answer["type"] == "child_page"
    listed = _append(ws, "2021-08-16", [paragraph("q")]).json()
    assert listed["object"] == "list" and listed["results"][0]["paragraph"]["text"][0]["plain_text"] == "q"


def test_relation_schemas_before_2022_06_28(ws):
    target, target_ds = make_db(ws, "2022-06-28", {"Name": {"title": {}}}, title="Target")
    db, _ = make_db(ws, "2022-06-28", {"Name": {"title": {}},
                                        "Link": {"relation": {"database_id": target["id"], "type": "dual_property",
                                                              "dual_property": {}}}})
    new = ws.client("2022-06-28").databases.retrieve(db["id"])["properties"]["Link"]["relation"]
    assert new["type"] == "dual_property" and new["database_id"] == target["id"]
    old = ws.client("2022-02-22").databases.retrieve(db["id"])["properties"]["Link"]["relation"]
    assert set(old) == {"database_id", "synced_property_name", "synced_property_id"}
    assert old["database_id"] == target["id"]
    back = ws.client("2022-02-22").databases.retrieve(target["id"])["properties"]
    assert old["synced_property_name"] in back
    assert back[old["synced_property_name"]]["id"] == old["synced_property_id"]


def test_old_filter_keys_until_2022_02_22(ws):
    db, _ = make_db(ws, "2022-06-28", {"Name": {"title": {}}, "Note": {"rich_text": {}}, "Phone": {"phone_number": {}}})
    notion = ws.client("2022-06-28")
    notion.pages.create(parent={"database_id": db["id"]}, properties={
        "Name": {"title": text("x")}, "Note": {"rich_text": text("hello")}, "Phone": {"phone_number": "555"}})
    path = f"/v1/databases/{db['id']}/query"
    old = {"filter": {"and": [{"property": "Note", "text": {"contains": "hell"}},
                              {"property": "Phone", "phone": {"equals": "555"}}]}}
    assert len(ws.raw("POST", path, version="2021-08-16", json=old).json()["results"]) == 1
    assert_error(ws.raw("POST", path, version="2022-02-22", json=old), 400, "validation_error")


def test_empty_values_left_out_at_2021_05_13(ws):
    db, _ = make_db(ws, "2022-06-28", {"Name": {"title": {}}, "Count": {"number": {}}, "Mail": {"email": {}},
                                        "Pick": {"select": {"options": [{"name": "a"}]}}, "When": {"date": {}}})
    page = ws.client("2022-06-28").pages.create(parent={"database_id": db["id"]},
                                                properties={"Name": {"title": text("x")}})
    later = ws.client("2021-08-16").pages.retrieve(page["id"])["properties"]
    assert later["Count"]["number"] is None and later["Pick"]["select"] is None
    early = ws.client("2021-05-13").pages.retrieve(page["id"])["properties"]
    assert set(early) == {"Name"}


def test_array_rollup_items_are_old_types_at_2021_05_13(ws):
    target, _ = make_db(ws, "2022-06-28", {"Name": {"title": {}}, "Note": {"rich_text": {}}}, title="Target")
    notion = ws.client("2022-06-28")
    row = notion.pages.create(parent={"database_id": target["id"]},
                              properties={"Name": {"title": text("t")}, "Note": {"rich_text": text("deep")}})
    db, _ = make_db(ws, "2022-06-28", {
        "Name": {"title": {}},
        "Link": {"relation": {"database_id": target["id"], "type": "single_property", "single_property": {}}},
        "Notes": {"rollup": {"relation_property_name": "Link", "rollup_property_name": "Note", "function": "show_original"}},
    })
    page = notion.pages.create(parent={"database_id": db["id"]},
                               properties={"Name": {"title": text("p")}, "Link": {"relation": [{"id": row["id"]}]}})
    later = ws.client("2021-08-16").pages.retrieve(page["id"])["properties"]["Notes"]["rollup"]["array"]
    assert later[0]["type"] == "rich_text" and later[0]["rich_text"][0]["plain_text"] == "deep"
    early = ws.client("2021-05-13").pages.retrieve(page["id"])["properties"]["Notes"]["rollup"]["array"]
    assert early[0]["type"] == "text" and early[0]["text"][0]["plain_text"] == "deep" and "rich_text" not in early[0]
