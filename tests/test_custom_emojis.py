"""Custom emojis: added with `blockyard emoji add`, listed by GET /v1/custom_emojis (through the SDK's
request method, which notion-client has no named method for), used as page and callout icons."""

from __future__ import annotations

import json

import httpx
from click.testing import CliRunner

from blockyard.cli import main
from db_support import error_of
from files_support import PNG
from support import assert_error, text


def emoji_cli(ws, *args, ok=True):
    result = CliRunner().invoke(main, ["emoji", *args, "--database", ws.server.database, "--workspace", ws.info.id],
                                catch_exceptions=False)
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def test_add_list_use_and_delete(ws, tmp_path):
    image = tmp_path / "parrot.png"
    image.write_bytes(PNG)
    ids = [emoji_cli(ws, "add", name, str(image)).strip() for name in ("parrot", "blob", "cat")]
    listed = json.loads(emoji_cli(ws, "list", "--json"))
    assert [e["name"] for e in listed] == ["blob", "cat", "parrot"]
    assert "already exists" in emoji_cli(ws, "add", "cat", str(image), ok=False)
    bad = tmp_path / "notes.txt"
    bad.write_text("x")
    assert "is an image" in emoji_cli(ws, "add", "notes", str(bad), ok=False)
    assert "lowercase" in emoji_cli(ws, "add", "Not Valid", str(image), ok=False)

    notion = ws.client()
    out = notion.request(path="custom_emojis", method="GET")
    assert out["object"] == "list" and out["type"] == "custom_emoji" and out["has_more"] is False
    assert [e["name"] for e in out["results"]] == ["blob", "cat", "parrot"]
    assert set(out["results"][0]) == {"id", "name", "url"}
    parrot = next(e for e in out["results"] if e["name"] == "parrot")
    assert parrot["id"] == ids[0]
    got = httpx.get(parrot["url"])
    assert got.status_code == 200 and got.content == PNG and got.headers["content-type"] == "image/png"

    assert [e["id"] for e in notion.request(path="custom_emojis", method="GET", query={"name": "cat"})["results"]] == [ids[2]]
    first = notion.request(path="custom_emojis", method="GET", query={"page_size": 2})
    assert first["has_more"] is True and len(first["results"]) == 2
    rest = notion.request(path="custom_emojis", method="GET", query={"page_size": 2, "start_cursor": first["next_cursor"]})
    assert [e["name"] for e in rest["results"]] == ["parrot"]
    assert_error(ws.raw("GET", "/v1/custom_emojis?start_cursor=nope"), 400, "validation_error")

    page = notion.pages.create(parent={"page_id": ws.root_id}, properties={"title": {"title": text("Icons")}},
                               icon={"type": "custom_emoji", "custom_emoji": {"id": parrot["id"]}})
    assert page["icon"] == {"type": "custom_emoji", "custom_emoji": parrot}
    callout = notion.blocks.children.append(page["id"], children=[{"callout": {
        "rich_text": text("hi"), "icon": {"custom_emoji": {"id": ids[1]}}}}])["results"][0]
    assert callout["callout"]["icon"]["custom_emoji"]["name"] == "blob"
    missing = "00000000-0000-4000-8000-0000000000ee"
    err = error_of(notion.pages.update, page["id"], icon={"custom_emoji": {"id": missing}})
    assert (err.status, err.code) == (400, "validation_error") and "custom emoji" in err.message

    emoji_cli(ws, "delete", "cat")
    assert [e["name"] for e in notion.request(path="custom_emojis", method="GET")["results"]] == ["blob", "parrot"]
    assert "no custom emoji" in emoji_cli(ws, "delete", "cat", ok=False)


def test_emojis_are_per_workspace(ws, tmp_path):
    image = tmp_path / "x.gif"
    image.write_bytes(b"GIF89a")
    emoji_cli(ws, "add", "mine", str(image))
    other = ws.server.new_workspace()
    assert other.client().request(path="custom_emojis", method="GET")["results"] == []
