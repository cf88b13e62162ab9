"""Regressions found by replaying recorded Notion traffic: page property values as Notion returns them."""

from __future__ import annotations

from db_support import make_db, parent_for
from support import text

V = "2026-03-11"


def test_datetime_with_time_zone_comes_back_as_offset_instant_to_the_minute(ws):
    # Recorded: {"start": "2026-06-27T17:57:32.424991", "time_zone": "Europe/London"}
    #   -> {"start": "2026-06-27T17:57:00.000+01:00", "end": null, "time_zone": null}
    db, ds_id = make_db(ws, V, {"Name": {"title": {}}, "When": {"date": {}}})
    notion = ws.client(V)
    page = notion.pages.create(parent=parent_for(V, db["id"], ds_id), properties={
        "Name": {"title": text("x")},
        "When": {"date": {"start": "2026-06-27T17:57:32.424991", "time_zone": "Europe/London"}},
    })
    assert page["properties"]["When"]["date"] == {
        "start": "2026-06-27T17:57:00.000+01:00", "end": None, "time_zone": None}
    # An instant with an offset is carried into the zone; the end too.
    out = notion.pages.update(page["id"], properties={
        "When": {"date": {"start": "2026-07-25T16:57:28.513237Z", "end": "2026-07-26T10:00:00",
                          "time_zone": "Europe/Berlin"}},
    })["properties"]["When"]["date"]
    assert out == {"start": "2026-07-25T18:57:00.000+02:00", "end": "2026-07-26T10:00:00.000+02:00", "time_zone": None}
    assert notion.pages.retrieve(page["id"])["properties"]["When"]["date"] == out
    rows = notion.data_sources.query(ds_id)["results"]
    assert rows[0]["properties"]["When"]["date"] == out
    # Dates without a time keep the value as given.
    out = notion.pages.update(page["id"], properties={"When": {"date": {"start": "2024-01-02"}}})
    assert out["properties"]["When"]["date"] == {"start": "2024-01-02", "end": None, "time_zone": None}


def test_user_mentions_in_rich_text_values_and_titles_show_the_user(ws):
    # Recorded: a rich_text property value's user mention comes back with name, avatar_url, type and person,
    # as in blocks; the same for a page title, on create and retrieve.
    notion = ws.client(V)
    person = {k: x for k, x in notion.users.retrieve(ws.info.owner_id).items() if k != "request_id"}
    assert person["type"] == "person"
    mention = {"type": "mention", "mention": {"type": "user", "user": {"object": "user", "id": person["id"]}}}
    db, ds_id = make_db(ws, V, {"Name": {"title": {}}, "Description": {"rich_text": {}}})
    page = notion.pages.create(parent=parent_for(V, db["id"], ds_id), properties={
        "Name": {"title": [mention]}, "Description": {"rich_text": text("Hi ") + [mention]},
    })
    for got in (page, notion.pages.retrieve(page["id"])):
        user = got["properties"]["Description"]["rich_text"][1]["mention"]["user"]
        assert user == person
        assert got["properties"]["Name"]["title"][0]["mention"]["user"] == person
    item = notion.pages.properties.retrieve(page["id"], page["properties"]["Description"]["id"])
    assert item["results"][1]["rich_text"]["mention"]["user"] == person
    # A page under a page: its title property too.
    child = notion.pages.create(parent={"page_id": ws.root_id}, properties={"title": {"title": [mention]}})
    assert child["properties"]["title"]["title"][0]["mention"]["user"] == person
    item = notion.pages.properties.retrieve(child["id"], "title")
    assert item["results"][0]["title"]["mention"]["user"] == person


def test_place_property(ws):
    # Recorded (test_place_property): a place property in the schema; a value with every field comes back
    # with `name: null` where it was not given; a page without one shows `place: null`.
    notion = ws.client(V)
    db, ds_id = make_db(ws, V, {"Name": {"type": "title", "title": {}}, "Location": {"type": "place", "place": {}}})
    prop = notion.data_sources.retrieve(ds_id)["properties"]["Location"]
    assert prop["type"] == "place" and prop["place"] == {} and prop["description"] is None
    given = {"lat": 52.52, "lon": 13.405, "address": "Berlin, Germany",
             "aws_place_id": "ChIJAVkDPzdOqEcRcDteW0YgIQQ", "google_place_id": "ChIJAVkDPzdOqEcRcDteW0"}
    page = notion.pages.create(parent=parent_for(V, db["id"], ds_id), properties={
        "Name": {"type": "title", "title": text("My Place")}, "Location": {"type": "place", "place": given},
    })
    assert page["properties"]["Location"] == {"id": prop["id"], "type": "place", "place": {
        "lat": 52.52, "lon": 13.405, "name": None, "address": "Berlin, Germany",
        "aws_place_id": "ChIJAVkDPzdOqEcRcDteW0YgIQQ", "google_place_id": "ChIJAVkDPzdOqEcRcDteW0"}}
    empty = notion.pages.create(parent=parent_for(V, db["id"], ds_id), properties={"Name": {"title": text("No Place")}})
    assert empty["properties"]["Location"]["place"] is None
    rows = {r["id"]: r for r in notion.data_sources.query(ds_id)["results"]}
    assert rows[page["id"]]["properties"]["Location"] == page["properties"]["Location"]
    # Bad input names the field and changes nothing.
    resp = ws.raw("PATCH", f"/v1/pages/{page['id']}", json={"properties": {"Location": {"place": {"lat": "north", "lon": 1}}}})
    assert resp.status_code == 400 and resp.json()["code"] == "validation_error"
    assert "body.properties.Location.place.lat should be a number" in resp.json()["message"]
    assert notion.pages.retrieve(page["id"])["properties"]["Location"] == page["properties"]["Location"]
    # null clears.
    out = notion.pages.update(page["id"], properties={"Location": {"place": None}})
    assert out["properties"]["Location"]["place"] is None


def test_text_values_with_many_mentions_come_back_whole(ws):
    # Recorded (test_more_than_max_mentions_per_text_property): 50 x (text, user mention) in a title and a
    # rich_text value -> 100 items each on create and retrieve, every mention showing the user.
    notion = ws.client(V)
    uid = ws.info.owner_id
    items = []
    for i in range(50):
        items += [{"type": "text", "text": {"content": f"Mention {i}: "}},
                  {"type": "mention", "mention": {"type": "user", "user": {"id": uid}}}]
    db, ds_id = make_db(ws, V, {"Name": {"title": {}}, "Description": {"rich_text": {}}})
    page = notion.pages.create(parent=parent_for(V, db["id"], ds_id),
                               properties={"Name": {"title": items}, "Description": {"rich_text": items}})
    for got in (page, notion.pages.retrieve(page["id"])):
        for key, t in (("Name", "title"), ("Description", "rich_text")):
            value = got["properties"][key][t]
            assert len(value) == 100
            assert all(x["mention"]["user"]["type"] == "person" and "name" in x["mention"]["user"] for x in value[1::2])
