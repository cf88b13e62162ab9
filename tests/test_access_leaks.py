"""Issue 12's reproductions, one each: integration A has the root page shared; page S ("SECRET page") is
shared with no one. Nothing of S may reach A inside an answer, and A cannot tell S from a missing object."""

from __future__ import annotations

import re
import uuid

import pytest

from blockyard.access import capabilities as caps
from support import assert_error, paragraph, text

V = "2025-09-03"
READ, UPDATE, INSERT = caps.READ_CONTENT, caps.UPDATE_CONTENT, caps.INSERT_CONTENT


def mention(kind: str, oid: str) -> dict:
    return {"type": "mention", "mention": {"type": kind, kind: {"id": oid}}}


def no_ids(message: str) -> str:
    return re.sub(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", "ID", message)


@pytest.fixture
def secret(ws):  # type: ignore[no-untyped-def]
    return ws.owner_page("SECRET page")


def test_a_mention_of_an_unshared_page_reads_untitled(ws, secret):
    notion = ws.client(V)
    made = notion.blocks.children.append(ws.root_id, children=[
        {"paragraph": {"rich_text": [mention("page", secret)]}}])["results"][0]
    item = made["paragraph"]["rich_text"][0]
    assert item["plain_text"] == "Untitled" and item["mention"] == {"type": "page", "page": {"id": secret}}
    assert notion.blocks.retrieve(made["id"])["paragraph"]["rich_text"][0]["plain_text"] == "Untitled"
    # The owner, who reaches S, reads its title in the same block.
    owner = ws.client(V, token=ws.personal_token())
    assert owner.blocks.retrieve(made["id"])["paragraph"]["rich_text"][0]["plain_text"] == "SECRET page"
    # Once S is shared, the mention names it.
    ws.share(secret)
    assert notion.blocks.retrieve(made["id"])["paragraph"]["rich_text"][0]["plain_text"] == "SECRET page"


def test_a_title_mentioning_an_unshared_page_does_not_spell_it_anywhere(ws, secret):
    notion = ws.client(V)
    page = notion.pages.create(parent={"page_id": ws.root_id}, properties={"title": {"title": [mention("page", secret)]}})
    listed = notion.blocks.children.list(ws.root_id)["results"]
    found = notion.search(query="SECRET")["results"]
    for answer in (page, notion.pages.retrieve(page["id"]), listed, found):
        assert "SECRET" not in str(answer)
    assert page["properties"]["title"]["title"][0]["plain_text"] == "Untitled"


def test_a_synced_copy_of_an_unshared_original(ws, secret):
    owner = ws.client(V, token=ws.personal_token())
    original = owner.blocks.children.append(secret, children=[
        {"synced_block": {"synced_from": None, "children": [paragraph("SECRET content")]}}])["results"][0]["id"]
    # A cannot make a copy: the original answers as a missing block would.
    unshared = ws.raw("PATCH", f"/v1/blocks/{ws.root_id}/children",
                      json={"children": [{"synced_block": {"synced_from": {"block_id": original}}}]})
    missing = ws.raw("PATCH", f"/v1/blocks/{ws.root_id}/children",
                     json={"children": [{"synced_block": {"synced_from": {"block_id": str(uuid.uuid4())}}}]})
    assert_error(unshared, 400, "validation_error")
    assert no_ids(unshared.json()["message"]) == no_ids(missing.json()["message"])
    # A copy the owner made shows A nothing of the original.
    copy = owner.blocks.children.append(ws.root_id, children=[
        {"synced_block": {"synced_from": {"block_id": original}}}])["results"][0]["id"]
    notion = ws.client(V)
    assert notion.blocks.children.list(copy)["results"] == []
    assert notion.blocks.retrieve(copy)["has_children"] is False
    assert [b["has_children"] for b in notion.blocks.children.list(ws.root_id)["results"]] == [False]


@pytest.fixture
def related(ws, secret):  # type: ignore[no-untyped-def]
    """A shared database whose rows relate to a database inside S, with a rollup and formulas over it."""
    owner = ws.client(V, token=ws.personal_token())
    hidden_db = owner.databases.create(parent={"page_id": secret}, title=text("Hidden"), initial_data_source={
        "properties": {"Name": {"title": {}}, "Amount": {"number": {}}}})
    hidden_ds = hidden_db["data_sources"][0]["id"]
    hidden_row = owner.pages.create(parent={"data_source_id": hidden_ds}, properties={
        "Name": {"title": text("SECRET row")}, "Amount": {"number": 123456}})
    db = ws.client(V).databases.create(parent={"page_id": ws.root_id}, title=text("Shared"), initial_data_source={
        "properties": {"Name": {"title": {}}, "Score": {"number": {}}}})
    ds = db["data_sources"][0]["id"]
    owner.data_sources.update(ds, properties={
        "Rel": {"relation": {"data_source_id": hidden_ds, "dual_property": {"synced_property_name": "Back"}}}})
    owner.data_sources.update(ds, properties={
        "Total": {"rollup": {"function": "sum", "relation_property_name": "Rel", "rollup_property_name": "Amount"}},
        "Names": {"formula": {"expression": 'prop("Rel")'}},
        "Double": {"formula": {"expression": 'prop("Score") * 2'}},
    })
    row = owner.pages.create(parent={"data_source_id": ds}, properties={
        "Name": {"title": text("Row")}, "Score": {"number": 2}, "Rel": {"relation": [{"id": hidden_row["id"]}]}})
    return {"ds": ds, "row": row["id"], "hidden_row": hidden_row["id"], "owner": owner}


def test_properties_through_relations_into_unshared_databases_are_left_out(ws, related):
    notion = ws.client(V)
    props = notion.pages.retrieve(related["row"])["properties"]
    assert set(props) == {"Name", "Score", "Double"}
    assert props["Double"]["formula"] == {"type": "number", "number": 4}
    assert set(notion.data_sources.retrieve(related["ds"])["properties"]) == {"Name", "Score", "Double"}
    queried = notion.data_sources.query(related["ds"])["results"]
    assert [set(r["properties"]) for r in queried] == [{"Name", "Score", "Double"}]
    for answer in (queried, notion.search(query="Row")["results"]):
        assert "123456" not in str(answer) and "SECRET" not in str(answer) and related["hidden_row"] not in str(answer)
    total_id = related["owner"].data_sources.retrieve(related["ds"])["properties"]["Total"]["id"]
    assert_error(ws.raw("GET", f"/v1/pages/{related['row']}/properties/{total_id}"), 404, "object_not_found")
    err = ws.raw("POST", f"/v1/data_sources/{related['ds']}/query",
                 json={"filter": {"property": "Total", "rollup": {"number": {"equals": 123456}}}})
    assert_error(err, 400, "validation_error", "Could not find property with name or id: Total")
    err = ws.raw("POST", f"/v1/data_sources/{related['ds']}/query", json={"sorts": [{"property": "Names", "direction": "ascending"}]})
    assert_error(err, 400, "validation_error", "Could not find sort property with name or id: Names")


def test_a_two_way_relation_cannot_write_into_an_unshared_page(ws, related):
    owner = related["owner"]
    row = ws.client(V).pages.create(parent={"data_source_id": related["ds"]}, properties={"Name": {"title": text("Mine")}})
    before = owner.pages.retrieve(related["hidden_row"])
    err = ws.raw("PATCH", f"/v1/pages/{row['id']}", json={"properties": {"Rel": {"relation": [{"id": related["hidden_row"]}]}}})
    assert_error(err, 400, "validation_error", "Rel is not a property that exists.")
    after = owner.pages.retrieve(related["hidden_row"])
    assert after["last_edited_by"] == before["last_edited_by"] and after["properties"]["Back"] == before["properties"]["Back"]
    assert owner.pages.retrieve(row["id"])["properties"]["Rel"]["relation"] == []


def test_a_relation_value_naming_an_unreachable_page_answers_as_a_missing_one(ws):
    """A relation whose target the writer reaches, given a page it does not: same answer as a random ID."""
    owner = ws.client(V, token=ws.personal_token())
    secret_db = owner.databases.create(parent={"type": "workspace", "workspace": True}, title=text("Elsewhere"),
                                       initial_data_source={"properties": {"Name": {"title": {}}}})
    target = ws.client(V).databases.create(parent={"page_id": ws.root_id}, title=text("Targets"),
                                           initial_data_source={"properties": {"Name": {"title": {}}}})
    elsewhere = owner.pages.create(parent={"data_source_id": secret_db["data_sources"][0]["id"]},
                                   properties={"Name": {"title": text("SECRET")}})
    db = ws.client(V).databases.create(parent={"page_id": ws.root_id}, title=text("Rows"), initial_data_source={
        "properties": {"Name": {"title": {}}, "Rel": {"relation": {"data_source_id": target["data_sources"][0]["id"],
                                                                    "single_property": {}}}}})
    row = ws.client(V).pages.create(parent={"data_source_id": db["data_sources"][0]["id"]}, properties={"Name": {"title": text("R")}})
    answers = [ws.raw("PATCH", f"/v1/pages/{row['id']}", json={"properties": {"Rel": {"relation": [{"id": pid}]}}})
               for pid in (elsewhere["id"], str(uuid.uuid4()))]
    assert [a.status_code for a in answers] == [400, 400]
    assert no_ids(answers[0].json()["message"]) == no_ids(answers[1].json()["message"])


def test_user_mentions_without_user_information(ws):
    ada = ws.add_person("Ada Lovelace", "ada@example.com")
    token = ws.integration("No users", (READ, UPDATE, INSERT, caps.READ_COMMENTS, caps.INSERT_COMMENTS, caps.NO_USER_INFO))
    notion = ws.client(V, token=token)
    made = notion.blocks.children.append(ws.root_id, children=[{"paragraph": {"rich_text": [mention("user", ada)]}}])
    comment = notion.comments.create(parent={"page_id": ws.root_id}, rich_text=[mention("user", ada)])
    listed = notion.comments.list(block_id=ws.root_id)
    for answer in (made, notion.blocks.children.list(ws.root_id), comment, listed):
        assert "Ada" not in str(answer)
    item = made["results"][0]["paragraph"]["rich_text"][0]
    assert item["plain_text"] == "@Anonymous" and item["mention"]["user"] == {"object": "user", "id": ada}
    # With user information, the same block names her.
    assert ws.client(V).blocks.retrieve(made["results"][0]["id"])["paragraph"]["rich_text"][0]["plain_text"] == "@Ada Lovelace"


def _partial(obj: dict, kind: str) -> bool:
    return {k: val for k, val in obj.items() if k != "request_id"} == {"object": kind, "id": obj["id"]}


def test_insert_only_appends_answer_partial_blocks(ws):
    notion = ws.client(V)
    first, second = notion.blocks.children.append(ws.root_id, children=[paragraph("one"), paragraph("two")])["results"]
    token = ws.integration("Insert only", (INSERT, caps.NO_USER_INFO))
    inserter = ws.client("2026-03-11", token=token)
    appended = inserter.blocks.children.append(ws.root_id, children=[paragraph("end")])["results"]
    assert len(appended) == 1 and _partial(appended[0], "block")
    middle = inserter.blocks.children.append(ws.root_id, children=[paragraph("middle")],
                                             position={"type": "after_block", "after_block": {"id": first["id"]}})["results"]
    # The new block and the siblings that now follow it, all partial.
    assert [b["id"] for b in middle][1:] == [second["id"], appended[0]["id"]]
    assert all(_partial(b, "block") for b in middle)


def test_update_only_block_writes_answer_partial_blocks(ws):
    block = ws.client(V).blocks.children.append(ws.root_id, children=[paragraph("one")])["results"][0]
    token = ws.integration("Update only", (UPDATE, caps.NO_USER_INFO))
    updater = ws.client(V, token=token)
    assert _partial(updater.blocks.update(block["id"], paragraph={"rich_text": text("two")}), "block")
    assert _partial(updater.blocks.delete(block["id"]), "block")
    assert ws.client(V).blocks.retrieve(block["id"])["in_trash"] is True


def test_comments_without_read_comments_answer_partial_comments(ws):
    token = ws.integration("Comment writer", (READ, caps.INSERT_COMMENTS, caps.NO_USER_INFO))
    comment = ws.client(V, token=token).comments.create(parent={"page_id": ws.root_id}, rich_text=text("hi"))
    assert _partial(comment, "comment")


def test_search_cursor_of_an_unshared_object_answers_as_a_random_one(ws, secret):
    unshared = ws.raw("POST", "/v1/search", json={"start_cursor": secret})
    missing = ws.raw("POST", "/v1/search", json={"start_cursor": str(uuid.uuid4())})
    assert_error(unshared, 400, "validation_error")
    assert no_ids(unshared.json()["message"]) == no_ids(missing.json()["message"])
    # A shared object is a cursor.
    assert ws.raw("POST", "/v1/search", json={"start_cursor": ws.root_id}).status_code == 200


def test_text_mentioning_an_unshared_page_cannot_be_probed(ws, secret):
    """Filters, formulas and rollups read a mention as every reader may see it; rendered text shows each its own."""
    owner = ws.client(V, token=ws.personal_token())
    notes_db = ws.client(V).databases.create(parent={"page_id": ws.root_id}, title=text("Notes"), initial_data_source={
        "properties": {"Name": {"title": {}}, "Notes": {"rich_text": {}}, "Echo": {"formula": {"expression": 'prop("Notes")'}}}})
    notes = notes_db["data_sources"][0]["id"]
    note = owner.pages.create(parent={"data_source_id": notes}, properties={
        "Name": {"title": text("Note")}, "Notes": {"rich_text": [*text("see "), mention("page", secret)]}})
    refs_db = ws.client(V).databases.create(parent={"page_id": ws.root_id}, title=text("Refs"), initial_data_source={
        "properties": {"Name": {"title": {}}, "Note": {"relation": {"data_source_id": notes, "single_property": {}}}}})
    refs = refs_db["data_sources"][0]["id"]
    ws.client(V).data_sources.update(refs, properties={
        "All notes": {"rollup": {"function": "show_original", "relation_property_name": "Note", "rollup_property_name": "Notes"}}})
    ref = owner.pages.create(parent={"data_source_id": refs}, properties={
        "Name": {"title": text("Ref")}, "Note": {"relation": [{"id": note["id"]}]}})
    notion = ws.client(V)
    probe = notion.data_sources.query(notes, filter={"property": "Notes", "rich_text": {"contains": "SECRET"}})
    assert probe["results"] == []
    assert notion.pages.retrieve(note["id"])["properties"]["Echo"]["formula"]["string"] == "see Untitled"
    rolled = notion.pages.retrieve(ref["id"])["properties"]["All notes"]
    assert "SECRET" not in str(rolled) and "Untitled" in str(rolled)
    item = ws.raw("GET", f"/v1/pages/{ref['id']}/properties/{rolled['id']}").json()
    assert "SECRET" not in str(item)
    # The owner reaches S: the rolled-up mention names it.
    assert "SECRET page" in str(owner.pages.retrieve(ref["id"])["properties"]["All notes"])


def test_formulas_showing_emails_need_the_email_capability(ws):
    ada = ws.add_person("Ada Lovelace", "ada@example.com")
    owner = ws.client(V, token=ws.personal_token())
    db = ws.client(V).databases.create(parent={"page_id": ws.root_id}, title=text("People"), initial_data_source={
        "properties": {"Name": {"title": {}}, "Owner": {"people": {}},
                       "Mail": {"formula": {"expression": 'prop("Owner").map(current.email()).join(",")'}},
                       "Names": {"formula": {"expression": 'prop("Owner").map(current.name()).join(",")'}}}})
    row = owner.pages.create(parent={"data_source_id": db["data_sources"][0]["id"]}, properties={
        "Name": {"title": text("r")}, "Owner": {"people": [{"id": ada}]}})
    assert row["properties"]["Mail"]["formula"]["string"] == "ada@example.com"
    props = ws.client(V).pages.retrieve(row["id"])["properties"]  # user information without email
    assert "Mail" not in props and props["Names"]["formula"]["string"] == "Ada Lovelace"
    emails = ws.integration("Emails", (READ, caps.USER_WITH_EMAIL))
    assert ws.client(V, token=emails).pages.retrieve(row["id"])["properties"]["Mail"]["formula"]["string"] == "ada@example.com"


def test_relation_values_leave_out_pages_the_reader_cannot_reach(ws, secret):
    """A related page moved where the reader cannot follow is no longer listed, in pages, queries and items."""
    notion = ws.client(V)
    personal = ws.personal_token()
    items_db = notion.databases.create(parent={"page_id": ws.root_id}, title=text("Items"), initial_data_source={
        "properties": {"Name": {"title": {}}}})
    items = items_db["data_sources"][0]["id"]
    kept, moved = (notion.pages.create(parent={"data_source_id": items}, properties={"Name": {"title": text(n)}})["id"]
                   for n in ("kept", "moved"))
    orders_db = notion.databases.create(parent={"page_id": ws.root_id}, title=text("Orders"), initial_data_source={
        "properties": {"Name": {"title": {}}, "Items": {"relation": {"data_source_id": items, "single_property": {}}}}})
    orders = orders_db["data_sources"][0]["id"]
    order = notion.pages.create(parent={"data_source_id": orders}, properties={
        "Name": {"title": text("o")}, "Items": {"relation": [{"id": kept}, {"id": moved}]}})
    assert [r["id"] for r in order["properties"]["Items"]["relation"]] == [kept, moved]
    resp = ws.raw("POST", f"/v1/pages/{moved}/move", token=personal, json={"parent": {"page_id": secret}})
    assert resp.status_code == 200, resp.text
    assert notion.pages.retrieve(order["id"])["properties"]["Items"]["relation"] == [{"id": kept}]
    assert [r["properties"]["Items"]["relation"] for r in notion.data_sources.query(orders)["results"]] == [[{"id": kept}]]
    rel_id = order["properties"]["Items"]["id"]
    listed = ws.raw("GET", f"/v1/pages/{order['id']}/properties/{rel_id}").json()
    assert [r["relation"]["id"] for r in listed["results"]] == [kept]
    # The owner still sees both.
    owner = ws.client(V, token=personal)
    assert len(owner.pages.retrieve(order["id"])["properties"]["Items"]["relation"]) == 2


def test_hidden_properties_follow_cycles_of_relations(ws, secret):
    """ones ↔ twos (both shared), and ones → hidden (inside S): what reads the hidden data through the
    cycle is left out on both sides, whichever side is rendered first."""
    owner = ws.client(V, token=ws.personal_token())
    hidden_db = owner.databases.create(parent={"page_id": secret}, title=text("Hidden"), initial_data_source={
        "properties": {"Name": {"title": {}}}})
    hidden_ds = hidden_db["data_sources"][0]["id"]
    secret_row = owner.pages.create(parent={"data_source_id": hidden_ds}, properties={"Name": {"title": text("SECRET row")}})
    make = lambda title: owner.databases.create(parent={"page_id": ws.root_id}, title=text(title), initial_data_source={
        "properties": {"Name": {"title": {}}}})["data_sources"][0]["id"]
    ones, twos = make("Ones"), make("Twos")
    owner.data_sources.update(ones, properties={
        "Secret": {"relation": {"data_source_id": hidden_ds, "single_property": {}}},
        "Twos": {"relation": {"data_source_id": twos, "dual_property": {"synced_property_name": "Ones"}}}})
    owner.data_sources.update(ones, properties={"F": {"formula": {"expression": 'prop("Secret")'}}})
    owner.data_sources.update(twos, properties={
        "R": {"rollup": {"function": "show_original", "relation_property_name": "Ones", "rollup_property_name": "F"}}})
    owner.data_sources.update(ones, properties={"G": {"formula": {"expression": 'prop("Twos").map(current.prop("R"))'}}})
    one = owner.pages.create(parent={"data_source_id": ones}, properties={
        "Name": {"title": text("one")}, "Secret": {"relation": [{"id": secret_row["id"]}]}})
    two = owner.pages.create(parent={"data_source_id": twos}, properties={
        "Name": {"title": text("two")}, "Ones": {"relation": [{"id": one["id"]}]}})
    assert "SECRET" in str(owner.pages.retrieve(one["id"])["properties"]["G"])
    notion = ws.client(V)
    for first, second in ((one, two), (two, one)):
        found = notion.search(query="")["results"]  # renders both sides in one request
        for answer in (found, notion.pages.retrieve(first["id"]), notion.pages.retrieve(second["id"])):
            assert "SECRET" not in str(answer)
    assert set(notion.pages.retrieve(one["id"])["properties"]) == {"Name", "Twos"}
    assert set(notion.pages.retrieve(two["id"])["properties"]) == {"Name", "Ones"}
