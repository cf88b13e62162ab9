"""Templates: pages of a data source marked as templates (by the CLI, as the owner does in Notion's UI), listed
with pagination, kept out of queries and search, and applied by POST and PATCH /v1/pages."""

from __future__ import annotations

from click.testing import CliRunner

from blockyard.cli import main
from db_support import error_of, make_db
from support import assert_error, paragraph, text

V = "2025-09-03"


def _mark(ws, page_id, default=False):
    args = ["template", "mark", page_id, "--database", ws.server.database, "--workspace", ws.info.id]
    result = CliRunner().invoke(main, args + (["--default"] if default else []))
    assert result.exit_code == 0, result.output
    return result


def _setup(ws):
    db, ds_id = make_db(ws, V, {"Name": {"title": {}}, "Size": {"number": {}}, "Kind": {"select": {"options": [{"name": "Bug"}]}}})
    notion = ws.client(V)
    made = {}
    for name, size in (("Bug report", 1), ("Feature", 2), ("Meeting", 3)):
        page = notion.pages.create(parent={"data_source_id": ds_id}, properties={
            "Name": {"title": text(name)}, "Size": {"number": size}, "Kind": {"select": {"name": "Bug"}}},
            children=[paragraph(f"{name} body"), {"type": "toggle", "toggle": {"rich_text": text("more"),
                                                                               "children": [paragraph("inner")]}}])
        made[name] = page["id"]
    row = notion.pages.create(parent={"data_source_id": ds_id}, properties={"Name": {"title": text("a row")}})
    _mark(ws, made["Bug report"], default=True)
    _mark(ws, made["Feature"])
    _mark(ws, made["Meeting"])
    return ds_id, made, row["id"]


def test_templates_are_listed_and_kept_out_of_rows(ws):
    ds_id, made, row = _setup(ws)
    notion = ws.client(V)
    listed = notion.data_sources.list_templates(ds_id)
    assert set(listed) == {"templates", "has_more", "next_cursor", "request_id"}
    assert {t["name"]: t["is_default"] for t in listed["templates"]} == {"Bug report": True, "Feature": False, "Meeting": False}
    first = notion.data_sources.list_templates(ds_id, page_size=2)
    assert len(first["templates"]) == 2 and first["has_more"] is True
    rest = notion.data_sources.list_templates(ds_id, page_size=2, start_cursor=first["next_cursor"])
    assert len(rest["templates"]) == 1 and rest["has_more"] is False and rest["next_cursor"] is None
    assert {t["id"] for t in first["templates"] + rest["templates"]} == set(made.values())
    assert [t["name"] for t in notion.data_sources.list_templates(ds_id, name="FEAT")["templates"]] == ["Feature"]
    # Queries and search list the row, not the templates; a template still reads as a page.
    assert [r["id"] for r in notion.data_sources.query(ds_id)["results"]] == [row]
    assert notion.search(query="Feature")["results"] == []
    assert notion.pages.retrieve(made["Feature"])["properties"]["Size"]["number"] == 2


def test_a_page_starts_from_a_template(ws):
    ds_id, made, _ = _setup(ws)
    notion = ws.client(V)
    page = notion.pages.create(parent={"data_source_id": ds_id}, properties={"Name": {"title": text("Crash")}},
                               template={"type": "template_id", "template_id": made["Feature"]})
    props = page["properties"]
    assert props["Name"]["title"][0]["plain_text"] == "Crash"  # the request's own value wins
    assert props["Size"]["number"] == 2 and props["Kind"]["select"]["name"] == "Bug"  # the template's
    blocks = notion.blocks.children.list(page["id"])["results"]
    assert [b["type"] for b in blocks] == ["paragraph", "toggle"]
    assert blocks[0]["paragraph"]["rich_text"][0]["plain_text"] == "Feature body"
    assert blocks[0]["id"] not in {b["id"] for b in notion.blocks.children.list(made["Feature"])["results"]}
    inner = notion.blocks.children.list(blocks[1]["id"])["results"]
    assert inner[0]["paragraph"]["rich_text"][0]["plain_text"] == "inner"
    default = notion.pages.create(parent={"data_source_id": ds_id}, properties={}, template={"type": "default"})
    assert default["properties"]["Name"]["title"][0]["plain_text"] == "Bug report"
    plain = notion.pages.create(parent={"data_source_id": ds_id}, properties={}, template={"type": "none"})
    assert notion.blocks.children.list(plain["id"])["results"] == []
    # The new pages are rows; the template is unchanged.
    assert len(notion.data_sources.query(ds_id)["results"]) == 4
    assert len(notion.blocks.children.list(made["Feature"])["results"]) == 2


def test_template_misuse_answers_validation_errors(ws):
    ds_id, made, row = _setup(ws)
    path = "/v1/pages"
    body = {"parent": {"data_source_id": ds_id}, "properties": {}}
    assert_error(ws.raw("POST", path, version=V, json={**body, "template": {"type": "template_id", "template_id": row}}),
                 400, "validation_error")
    assert_error(ws.raw("POST", path, version=V, json={**body, "template": {"type": "sometimes"}}), 400, "validation_error")
    assert_error(ws.raw("POST", path, version=V, json={**body, "template": {"type": "default"},
                                                        "children": [paragraph("x")]}), 400, "validation_error")
    assert_error(ws.raw("POST", path, version=V, json={**body, "template": {"type": "default", "timezone": "Mars/Base"}}),
                 400, "validation_error")
    on_page = {"parent": {"page_id": ws.root_id}, "properties": {}, "template": {"type": "default"}}
    assert_error(ws.raw("POST", path, version=V, json=on_page), 400, "validation_error")
    other, other_ds = make_db(ws, V, {"Name": {"title": {}}}, title="No templates")
    err = error_of(ws.client(V).pages.create, parent={"data_source_id": other_ds}, properties={}, template={"type": "default"})
    assert err.status == 400 and "no default template" in err.message
    assert other


def test_patch_applies_a_template_and_erases_content(ws):
    ds_id, made, row = _setup(ws)
    notion = ws.client(V)
    notion.blocks.children.append(row, children=[paragraph("mine")])
    notion.pages.update(row, template={"type": "template_id", "template_id": made["Meeting"]})
    texts = [b[b["type"]]["rich_text"][0]["plain_text"] for b in notion.blocks.children.list(row)["results"]]
    assert texts == ["mine", "Meeting body", "more"]
    notion.pages.update(row, template={"type": "default"}, erase_content=True)
    texts = [b[b["type"]]["rich_text"][0]["plain_text"] for b in notion.blocks.children.list(row)["results"]]
    assert texts == ["Bug report body", "more"]
    assert notion.pages.retrieve(row)["properties"]["Size"]["number"] == 1
