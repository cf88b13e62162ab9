"""Every property type: schema configs, page values on create and update, read-only rules, errors."""

from __future__ import annotations

import pytest

from db_support import db_update, error_of, make_db, parent_for, schema, update_schema
from support import VERSIONS, text

ALL = {
    "Name": {"title": {}},
    "Text": {"rich_text": {}},
    "Number": {"number": {"format": "euro"}},
    "Plain": {"number": {}},
    "Select": {"select": {"options": [{"name": "A", "color": "red"}, {"name": "B"}]}},
    "Tags": {"multi_select": {"options": [{"name": "x", "color": "blue", "description": "ex"}]}},
    "Status": {"status": {}},
    "Due": {"date": {}},
    "People": {"people": {}},
    "Files": {"files": {}},
    "Done": {"checkbox": {}},
    "Link": {"url": {}},
    "Mail": {"email": {}},
    "Phone": {"phone_number": {}},
    "Created": {"created_time": {}},
    "Creator": {"created_by": {}},
    "Edited": {"last_edited_time": {}},
    "Editor": {"last_edited_by": {}},
    "ID": {"unique_id": {"prefix": "TASK"}},
    "Formula": {"formula": {"expression": "1 + 1"}},
}


def _bot_id(ws):
    return ws.client().users.me()["id"]


@pytest.mark.parametrize("version", VERSIONS)
def test_schema_with_every_type(ws, version):
    db, ds_id = make_db(ws, version, ALL)
    props = schema(ws, version, db["id"], ds_id)
    assert set(props) == set(ALL)
    assert props["Name"]["id"] == "title"
    for name, prop in props.items():
        assert list(prop) == ["id", "name", "description", "type", prop["type"]]
        assert prop["name"] == name and prop["description"] is None
        if name != "Name":
            assert 1 <= len(prop["id"]) <= 16 and prop["id"] != "title"
    assert props["Number"]["number"] == {"format": "euro"}
    assert props["Plain"]["number"] == {"format": "number"}
    a, b = props["Select"]["select"]["options"]
    assert (a["name"], a["color"], a["description"]) == ("A", "red", None)
    assert b["name"] == "B" and b["color"] in ("default", "gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red")
    assert props["Tags"]["multi_select"]["options"][0]["description"] == "ex"
    status = props["Status"]["status"]
    assert [(o["name"], o["color"]) for o in status["options"]] == [("Not started", "default"), ("In progress", "blue"), ("Done", "green")]
    assert [(g["name"], g["color"]) for g in status["groups"]] == [("To-do", "gray"), ("In progress", "blue"), ("Complete", "green")]
    assert [g["option_ids"] for g in status["groups"]] == [[o["id"]] for o in status["options"]]
    assert props["ID"]["unique_id"] == {"prefix": "TASK"}
    assert props["Formula"]["formula"] == {"expression": "1 + 1"}
    for t in ("Text", "Due", "People", "Files", "Done", "Link", "Mail", "Phone", "Created", "Creator", "Edited", "Editor"):
        assert props[t][props[t]["type"]] == {}


@pytest.mark.parametrize("version", VERSIONS)
def test_values_round_trip(ws, version):
    db, ds_id = make_db(ws, version, ALL)
    notion = ws.client(version)
    me = _bot_id(ws)
    page = notion.pages.create(parent=parent_for(version, db["id"], ds_id), properties={
        "Name": {"title": text("Row 1")},
        "Text": {"rich_text": text("hello")},
        "Number": {"number": 4.5},
        "Select": {"select": {"name": "A"}},
        "Tags": {"multi_select": [{"name": "x"}, {"name": "new"}]},
        "Due": {"date": {"start": "2024-01-02", "end": "2024-01-05"}},
        "People": {"people": [{"object": "user", "id": me}]},
        "Files": {"files": [{"name": "doc", "external": {"url": "https://example.com/a.pdf"}}]},
        "Done": {"checkbox": True},
        "Link": {"url": "https://example.com"},
        "Mail": {"email": "a@example.com"},
        "Phone": {"phone_number": "+1 555"},
    })
    p = page["properties"]
    assert p["Name"]["title"][0]["plain_text"] == "Row 1"
    assert p["Name"]["id"] == "title" and p["Name"]["type"] == "title"
    assert p["Text"]["rich_text"][0]["plain_text"] == "hello"
    assert p["Number"]["number"] == 4.5
    assert p["Select"]["select"]["name"] == "A" and p["Select"]["select"]["color"] == "red"
    assert set(p["Select"]["select"]) == {"id", "name", "color"}
    assert [o["name"] for o in p["Tags"]["multi_select"]] == ["x", "new"]
    assert p["Due"]["date"] == {"start": "2024-01-02", "end": "2024-01-05", "time_zone": None}
    bot = {"object": "user", "id": me, "name": "Test Integration", "avatar_url": None, "type": "bot", "bot": {}}
    assert p["People"]["people"] == [bot]
    assert p["Files"]["files"] == [{"name": "doc", "type": "external", "external": {"url": "https://example.com/a.pdf"}}]
    assert p["Done"]["checkbox"] is True
    assert (p["Link"]["url"], p["Mail"]["email"], p["Phone"]["phone_number"]) == ("https://example.com", "a@example.com", "+1 555")
    assert p["Status"]["status"]["name"] == "Not started"
    assert p["Created"]["created_time"] == page["created_time"]
    assert p["Creator"]["created_by"] == bot
    assert p["Edited"]["last_edited_time"] == page["last_edited_time"]
    assert p["Editor"]["last_edited_by"] == bot
    assert p["ID"]["unique_id"] == {"prefix": "TASK", "number": 1}
    assert p["Formula"]["formula"]["type"] in ("string", "number")
    # The unknown multi-select name became an option of the schema.
    tags = schema(ws, version, db["id"], ds_id)["Tags"]["multi_select"]["options"]
    assert [o["name"] for o in tags] == ["x", "new"]
    assert notion.pages.retrieve(page["id"])["properties"] == p

    # Update by ID and by name; arrays replace, null clears.
    out = notion.pages.update(page["id"], properties={
        p["Tags"]["id"]: {"multi_select": [{"id": tags[1]["id"]}]},
        "Number": {"number": None},
        "Select": {"select": None},
        "Due": {"date": {"start": "2024-03-01T10:00:00", "time_zone": "Europe/Paris"}},
        "Status": {"status": {"name": "Done"}},
        "Link": {"url": None},
        "Done": {"checkbox": False},
    })["properties"]
    assert [o["name"] for o in out["Tags"]["multi_select"]] == ["new"]
    assert out["Number"]["number"] is None and out["Select"]["select"] is None and out["Link"]["url"] is None
    # A datetime given with a time zone comes back as its instant, to the minute, with the zone's offset.
    assert out["Due"]["date"] == {"start": "2024-03-01T10:00:00.000+01:00", "end": None, "time_zone": None}
    assert out["Status"]["status"]["name"] == "Done"
    assert out["Done"]["checkbox"] is False
    assert out["Text"] == p["Text"]
    # A null status goes back to the default option.
    out = notion.pages.update(page["id"], properties={"Status": {"status": None}})["properties"]
    assert out["Status"]["status"]["name"] == "Not started"


@pytest.mark.parametrize("version", VERSIONS)
def test_unique_ids_count_per_data_source(ws, version):
    db, ds_id = make_db(ws, version, {"Name": {"title": {}}, "ID": {"unique_id": {"prefix": None}}})
    notion = ws.client(version)
    parent = parent_for(version, db["id"], ds_id)
    numbers = [notion.pages.create(parent=parent, properties={})["properties"]["ID"]["unique_id"] for _ in range(3)]
    assert numbers == [{"prefix": None, "number": n} for n in (1, 2, 3)]
    other, other_ds = make_db(ws, version, {"Name": {"title": {}}, "Key": {"unique_id": {}}})
    assert notion.pages.create(parent=parent_for(version, other["id"], other_ds), properties={})["properties"]["Key"]["unique_id"]["number"] == 1


def test_unique_id_added_later_numbers_existing_rows_and_prefix_updates(ws):
    db, ds_id = make_db(ws, "2025-09-03", {"Name": {"title": {}}})
    notion = ws.client("2025-09-03")
    rows = [notion.pages.create(parent={"data_source_id": ds_id}, properties={"Name": {"title": text(f"r{i}")}}) for i in range(2)]
    notion.data_sources.update(ds_id, properties={"ID": {"unique_id": {"prefix": "T"}}})
    assert [notion.pages.retrieve(r["id"])["properties"]["ID"]["unique_id"] for r in rows] == [
        {"prefix": "T", "number": 1}, {"prefix": "T", "number": 2}]
    # `{}` keeps the prefix; a new prefix shows on existing rows.
    assert notion.data_sources.update(ds_id, properties={"ID": {"unique_id": {}}})["properties"]["ID"]["unique_id"] == {"prefix": "T"}
    notion.data_sources.update(ds_id, properties={"ID": {"unique_id": {"prefix": "NEW"}}})
    assert notion.pages.retrieve(rows[0]["id"])["properties"]["ID"]["unique_id"] == {"prefix": "NEW", "number": 1}
    new = notion.pages.create(parent={"data_source_id": ds_id}, properties={})
    assert new["properties"]["ID"]["unique_id"] == {"prefix": "NEW", "number": 3}


@pytest.mark.parametrize("version", VERSIONS)
def test_read_only_properties_are_rejected(ws, version):
    db, ds_id = make_db(ws, version, ALL)
    notion = ws.client(version)
    page = notion.pages.create(parent=parent_for(version, db["id"], ds_id), properties={})
    for name, value in (("Formula", {"formula": {"string": "x"}}), ("Created", {"created_time": "2024-01-01T00:00:00.000Z"}),
                        ("ID", {"unique_id": {"number": 5}}), ("Editor", {"last_edited_by": {"id": _bot_id(ws)}})):
        err = error_of(notion.pages.update, page["id"], properties={name: value})
        assert (err.status, err.code) == (400, "validation_error")
        assert err.message.startswith(f"body failed validation. Fix one:\nbody.properties.{name}.title should be defined, instead was `undefined`.\n"
                                      f"body.properties.{name}.rich_text should be defined")
        assert err.message.endswith(f"body.properties.{name}.status should be defined, instead was `undefined`.")


def test_value_errors_name_the_field_and_change_nothing(ws):
    db, ds_id = make_db(ws, "2025-09-03", ALL)
    notion = ws.client("2025-09-03")
    page = notion.pages.create(parent={"data_source_id": ds_id}, properties={"Name": {"title": text("keep")}, "Number": {"number": 1}})
    cases = [
        ({"Nope": {"number": 1}}, "Nope is not a property that exists."),
        ({"Number": {"rich_text": text("x")}}, "Number is expected to be number."),
        ({"Number": {"number": "1"}}, "body failed validation: body.properties.Number.number should be a number, instead was `\"1\"`."),
        ({"Done": {"checkbox": None}}, "body failed validation: body.properties.Done.checkbox should be a boolean, instead was `null`."),
        ({"Select": {"select": {"name": "a,b"}}}, "Invalid option name, commas not allowed: a,b"),
        ({"Select": {"select": {"id": "nope"}}}, "body failed validation: body.properties.Select.select.id should be an existing option, instead was `\"nope\"`."),
        ({"Status": {"status": {"name": "Shipped"}}}, "body failed validation: body.properties.Status.status.name should be an existing option, instead was `\"Shipped\"`."),
        ({"Tags": {"multi_select": [{"name": "y" * 101}]}}, "body failed validation: body.properties.Tags.multi_select[0].name.length should be ≤ `100`, instead was `101`."),
        ({"Due": {"date": {"start": "soon"}}}, "body failed validation: body.properties.Due.date.start should be a valid ISO 8601 date string, instead was `\"soon\"`."),
        ({"Link": {"url": "x" * 2001}}, "body failed validation: body.properties.Link.url.length should be ≤ `2000`, instead was `2001`."),
        ({"Mail": {"email": "m" * 201}}, "body failed validation: body.properties.Mail.email.length should be ≤ `200`, instead was `201`."),
        ({"People": {"people": [{"id": "00000000-0000-4000-8000-000000000000"}]}},
         "body failed validation: body.properties.People.people[0].id should be a user in this workspace, instead was `\"00000000-0000-4000-8000-000000000000\"`."),
        ({"Name": {"title": [{"text": {"content": "x" * 2001}}]}},
         "body failed validation: body.properties.Name.title[0].text.content.length should be ≤ `2000`, instead was `2001`."),
        ({"Number": {"number": 2}, "Tags": {"multi_select": [{"name": "ok"}, {"name": "b,c"}]}}, "Invalid option name, commas not allowed: b,c"),
    ]
    for props, message in cases:
        err = error_of(notion.pages.update, page["id"], properties=props)
        assert (err.status, err.code, err.message) == (400, "validation_error", message), props
    err = error_of(notion.pages.update, page["id"], properties={"Files": {"files": [{"name": "f", "file_upload": {"id": "00000000-0000-4000-8000-000000000000"}}]}})
    assert err.message.startswith("body failed validation: body.properties.Files.files[0].file_upload.id should be the ID "
                                  "of a file upload with status `uploaded`")
    after = notion.pages.retrieve(page["id"])
    assert after["properties"]["Number"]["number"] == 1
    assert after["last_edited_time"] == page["last_edited_time"]
    options = notion.data_sources.retrieve(ds_id)["properties"]["Tags"]["multi_select"]["options"]
    assert [o["name"] for o in options] == ["x"]


def test_page_writes_cannot_add_options_without_update_capability(ws):
    db, ds_id = make_db(ws, "2025-09-03", {"Name": {"title": {}}, "S": {"select": {"options": [{"name": "a"}]}}})
    token = ws.integration("Inserter", ("insert_content", "read_content"))
    notion = ws.client("2025-09-03", token=token)
    err = error_of(notion.pages.create, parent={"data_source_id": ds_id}, properties={"S": {"select": {"name": "b"}}})
    assert err.message == "body failed validation: body.properties.S.select.name should be an existing option, instead was `\"b\"`."
    ok = notion.pages.create(parent={"data_source_id": ds_id}, properties={"S": {"select": {"name": "a"}}})
    assert ok["properties"]["S"]["select"]["name"] == "a"


def test_page_under_page_has_only_title(ws):
    notion = ws.client()
    err = error_of(notion.pages.create, parent={"page_id": ws.root_id}, properties={"Other": {"rich_text": text("x")}})
    assert err.message == "Other is not a property that exists. Pages that are children of pages can only have a title property."


@pytest.mark.parametrize("version", VERSIONS)
def test_filter_properties_and_url_encoded_ids(ws, version):
    db, ds_id = make_db(ws, version, {"Name": {"title": {}}, "N": {"number": {}}, "T": {"rich_text": {}}})
    notion = ws.client(version)
    page = notion.pages.create(parent=parent_for(version, db["id"], ds_id), properties={"Name": {"title": text("r")}, "N": {"number": 3}})
    nid = page["properties"]["N"]["id"]
    got = notion.pages.retrieve(page["id"], filter_properties=[nid, "title"])
    assert set(got["properties"]) == {"Name", "N"}
    got = notion.pages.retrieve(page["id"], filter_properties=["T"])
    assert set(got["properties"]) == {"T"}
    # A URL-encoded ID works as a key in writes.
    out = notion.pages.update(page["id"], properties={nid: {"number": 7}})
    assert out["properties"]["N"]["number"] == 7


@pytest.mark.parametrize("version", VERSIONS)
def test_page_objects_show_whole_text_and_items_page_through_it(ws, version):
    db, ds_id = make_db(ws, version, {"Name": {"title": {}}, "T": {"rich_text": {}}})
    notion = ws.client(version)
    # Alternate formats so that the items stay items (adjacent items of one format are one run).
    many = [{"text": {"content": f"{i} "}, "annotations": {"bold": i % 2 == 1}} for i in range(30)]
    page = notion.pages.create(parent=parent_for(version, db["id"], ds_id), properties={"Name": {"title": many}, "T": {"rich_text": many}})
    # Recorded (test_more_than_max_mentions_per_text_property): a page shows all 100 items of its title and
    # rich text, not the first 25.
    assert len(page["properties"]["Name"]["title"]) == 30
    assert len(page["properties"]["T"]["rich_text"]) == 30
    items = notion.pages.properties.retrieve(page["id"], "title")
    assert items["object"] == "list" and items["type"] == "property_item"
    assert len(items["results"]) == 30 and items["has_more"] is False and items["next_cursor"] is None
    assert items["property_item"] == {"id": "title", "next_url": None, "type": "title", "title": {}}
    assert items["results"][3] == {"object": "property_item", "type": "title", "id": "title", "title": page["properties"]["Name"]["title"][3]}
    tid = page["properties"]["T"]["id"]
    first = notion.pages.properties.retrieve(page["id"], tid, page_size=20)
    assert len(first["results"]) == 20 and first["has_more"] is True
    assert first["property_item"]["next_url"].endswith(f"start_cursor={first['next_cursor']}&page_size=20")
    second = notion.pages.properties.retrieve(page["id"], tid, page_size=20, start_cursor=first["next_cursor"])
    assert len(second["results"]) == 10 and second["has_more"] is False
    assert [r["rich_text"]["plain_text"] for r in first["results"] + second["results"]] == [f"{i} " for i in range(30)]


@pytest.mark.parametrize("version", VERSIONS)
def test_single_property_items(ws, version):
    db, ds_id = make_db(ws, version, ALL)
    notion = ws.client(version)
    page = notion.pages.create(parent=parent_for(version, db["id"], ds_id), properties={"Number": {"number": 2}, "Select": {"select": {"name": "B"}}})
    props = page["properties"]
    for name in ("Number", "Select", "Done", "ID", "Status", "Created", "Due"):
        pid = props[name]["id"]
        item = notion.pages.properties.retrieve(page["id"], pid)
        t = props[name]["type"]
        assert item == {"object": "property_item", "type": t, "id": pid, t: props[name][t], "request_id": item["request_id"]}
    err = error_of(notion.pages.properties.retrieve, page["id"], "zzzz")
    assert (err.status, err.code, err.message) == (404, "object_not_found", "Could not find property with ID: zzzz.")
    err = error_of(notion.pages.properties.retrieve, page["id"], "title", start_cursor="bogus")
    assert err.message == "query failed validation: query.start_cursor should be a valid cursor, instead was `\"bogus\"`."


def test_schema_updates(ws):
    db, ds_id = make_db(ws, "2025-09-03", {"Name": {"title": {}}, "Cat": {"select": {"options": [{"name": "a"}, {"name": "b"}]}}, "Num": {"number": {}}, "Note": {"rich_text": {}}})
    notion = ws.client("2025-09-03")
    page = notion.pages.create(parent={"data_source_id": ds_id}, properties={"Cat": {"select": {"name": "b"}}, "Num": {"number": 12}, "Note": {"rich_text": text("42")}})
    before = notion.data_sources.retrieve(ds_id)["properties"]
    # Rename keeps the ID; the page shows the new name.
    props = notion.data_sources.update(ds_id, properties={"Cat": {"name": "Category"}, before["Name"]["id"]: {"name": "Title"}})["properties"]
    assert props["Category"]["id"] == before["Cat"]["id"] and "Cat" not in props
    assert props["Title"]["id"] == "title"
    assert notion.pages.retrieve(page["id"])["properties"]["Category"]["select"]["name"] == "b"
    # Options are the complete list: b goes, c comes, pages lose b.
    a = before["Cat"]["select"]["options"][0]
    props = notion.data_sources.update(ds_id, properties={"Category": {"select": {"options": [{"id": a["id"]}, {"name": "c", "color": "pink"}]}}})["properties"]
    assert [(o["name"], o["id"] == a["id"]) for o in props["Category"]["select"]["options"]] == [("a", True), ("c", False)]
    assert notion.pages.retrieve(page["id"])["properties"]["Category"]["select"] is None
    # Change type: number to rich text keeps the text of the value, rich text to number parses it.
    props = notion.data_sources.update(ds_id, properties={"Num": {"rich_text": {}}, "Note": {"type": "number", "number": {"format": "percent"}}})["properties"]
    # A type change gives the property a new ID, as Notion does; the name stays.
    assert props["Num"]["type"] == "rich_text" and props["Num"]["id"] != before["Num"]["id"]
    got = notion.pages.retrieve(page["id"])["properties"]
    assert got["Num"]["rich_text"][0]["plain_text"] == "12"
    assert got["Note"]["number"] == 42
    # Delete with null; new properties get fresh short IDs; description.
    props = notion.data_sources.update(ds_id, properties={"Num": None, "Extra": {"checkbox": {}, "description": "why"}})["properties"]
    assert "Num" not in props and props["Extra"]["description"] == "why"
    assert props["Extra"]["id"] not in {p["id"] for p in before.values()}
    assert "Num" not in notion.pages.retrieve(page["id"])["properties"]


def test_schema_update_errors(ws):
    db, ds_id = make_db(ws, "2025-09-03", {"Name": {"title": {}}, "N": {"number": {}}})
    notion = ws.client("2025-09-03")
    cases = [
        ({"Name": None}, "Cannot delete the title property."),
        ({"Name": {"rich_text": {}}}, "Cannot change the type of the title property."),
        ({"N": {"title": {}}}, "Cannot add another title property."),
        ({"Other": {"title": {}}}, "Cannot add another title property."),
        ({"Missing": None}, "Missing is not a property that exists."),
        ({"Missing": {"name": "x"}}, "Missing is not a property that exists."),
        ({"N": {"name": "Name"}}, "Property names must be unique: Name."),
        ({"S": {"select": {"options": [{"name": "a"}, {"name": "A"}]}}}, "Duplicate option name: A."),
        ({"S": {"select": {"options": [{"name": "a", "color": "teal"}]}}}, None),
        ({"R": {"rollup": {"function": "count", "relation_property_name": "N", "rollup_property_name": "Name"}}},
         "body.properties.R.rollup.relation_property_name should name a relation property, instead was `\"N\"`."),
    ]
    for props, message in cases:
        err = error_of(notion.data_sources.update, ds_id, properties=props)
        assert (err.status, err.code) == (400, "validation_error")
        if message:
            assert err.message == message, props
        else:
            assert err.message.startswith("body failed validation: body.properties.S.select.options[0].color should be `\"default\"`")
    assert set(notion.data_sources.retrieve(ds_id)["properties"]) == {"Name", "N"}


def test_2022_database_update_changes_schema(ws):
    db, ds_id = make_db(ws, "2022-06-28", {"Name": {"title": {}}, "N": {"number": {}}})
    props = db_update(ws, "2022-06-28", db["id"], properties={"N": {"name": "Count"}, "S": {"status": {}}})["properties"]
    assert set(props) == {"Name", "Count", "S"}
    assert [o["name"] for o in props["S"]["status"]["options"]] == ["Not started", "In progress", "Done"]
    err = error_of(db_update, ws, "2025-09-03", db["id"], properties={"N": None})
    assert err.message == "body failed validation: body.properties should be not present, instead was `{\"N\":null}`."


def test_status_options_update_go_to_todo(ws):
    db, ds_id = make_db(ws, "2026-03-11", {"Name": {"title": {}}, "S": {"status": {"options": [{"name": "Backlog"}, {"name": "Doing", "color": "blue"}]}}})
    notion = ws.client()
    status = notion.data_sources.retrieve(ds_id)["properties"]["S"]["status"]
    assert [o["name"] for o in status["options"]] == ["Backlog", "Doing"]
    assert status["groups"][0]["option_ids"] == [o["id"] for o in status["options"]]
    page = notion.pages.create(parent={"data_source_id": ds_id}, properties={})
    assert page["properties"]["S"]["status"]["name"] == "Backlog"
    keep = status["options"][1]
    status = notion.data_sources.update(ds_id, properties={"S": {"status": {"options": [{"id": keep["id"]}, {"name": "Shipped"}]}}})["properties"]["S"]["status"]
    assert [o["name"] for o in status["options"]] == ["Doing", "Shipped"]
    assert status["groups"][0]["option_ids"] == [o["id"] for o in status["options"]]
    assert [g["name"] for g in status["groups"]] == ["To-do", "In progress", "Complete"]
    # The page's removed option falls back to the default.
    assert notion.pages.retrieve(page["id"])["properties"]["S"]["status"]["name"] == "Doing"


def test_database_pages_move_out_keep_only_title(ws):
    db, ds_id = make_db(ws, "2025-09-03", {"Name": {"title": {}}, "N": {"number": {}}})
    notion = ws.client("2025-09-03")
    page = notion.pages.create(parent={"data_source_id": ds_id}, properties={"Name": {"title": text("moving")}, "N": {"number": 1}})
    moved = notion.pages.move(page["id"], parent={"page_id": ws.root_id})
    assert set(moved["properties"]) == {"title"}
    assert moved["properties"]["title"]["title"][0]["plain_text"] == "moving"


@pytest.mark.parametrize("version", VERSIONS)
def test_formulas_compute_and_follow_renames(ws, version):
    db, ds_id = make_db(ws, version, {
        "Name": {"title": {}}, "Number": {"number": {}},
        "Double": {"formula": {"expression": 'prop("Number") * 2'}},
        "Label": {"formula": {"expression": 'format(prop("Name")) + "!"'}},
    })
    notion = ws.client(version)
    page = notion.pages.create(parent=parent_for(version, db["id"], ds_id), properties={"Name": {"title": text("Item 1")}, "Number": {"number": 42}})
    assert page["properties"]["Double"]["formula"] == {"type": "number", "number": 84}
    assert page["properties"]["Label"]["formula"] == {"type": "string", "string": "Item 1!"}
    update_schema(ws, version, db["id"], ds_id, {"Number": {"name": "Amount"}})
    props = schema(ws, version, db["id"], ds_id)
    assert props["Double"]["formula"]["expression"] == 'prop("Amount") * 2'
    assert notion.pages.retrieve(page["id"])["properties"]["Double"]["formula"] == {"type": "number", "number": 84}


def test_bad_formula_is_rejected(ws):
    notion = ws.client()
    err = error_of(notion.databases.create, parent={"page_id": ws.root_id},
                   initial_data_source={"properties": {"Name": {"title": {}}, "F": {"formula": {"expression": 'prop("Missing") + 1'}}}})
    assert (err.status, err.code) == (400, "validation_error")
    assert err.message.startswith("body.initial_data_source.properties.F.formula.expression: ")
    assert "Missing" in err.message


def test_readding_a_deleted_property_starts_empty(ws):
    db, ds_id = make_db(ws, "2025-09-03", {"Name": {"title": {}}, "N": {"number": {}}})
    notion = ws.client("2025-09-03")
    page = notion.pages.create(parent={"data_source_id": ds_id}, properties={"N": {"number": 5}})
    old_id = page["properties"]["N"]["id"]
    notion.data_sources.update(ds_id, properties={"N": None})
    props = notion.data_sources.update(ds_id, properties={"N": {"number": {}}})["properties"]
    assert props["N"]["id"] != old_id
    assert notion.pages.retrieve(page["id"])["properties"]["N"]["number"] is None


def test_new_status_property_gives_existing_rows_the_default(ws):
    db, ds_id = make_db(ws, "2025-09-03", {"Name": {"title": {}}})
    notion = ws.client("2025-09-03")
    page = notion.pages.create(parent={"data_source_id": ds_id}, properties={})
    notion.data_sources.update(ds_id, properties={"State": {"status": {}}})
    assert notion.pages.retrieve(page["id"])["properties"]["State"]["status"]["name"] == "Not started"


def test_people_values_follow_the_user_capability(ws):
    db, ds_id = make_db(ws, "2025-09-03", {"Name": {"title": {}}, "Who": {"people": {}}, "By": {"created_by": {}}})
    me = _bot_id(ws)
    page = ws.client("2025-09-03").pages.create(parent={"data_source_id": ds_id}, properties={"Who": {"people": [{"id": me}]}})
    token = ws.integration("Reader", ("read_content", "no_user_info"))
    got = ws.client("2025-09-03", token=token).pages.retrieve(page["id"])["properties"]
    assert got["Who"]["people"] == [{"object": "user", "id": me}]
    assert got["By"]["created_by"] == {"object": "user", "id": me}
