"""Uploaded files attached to every target Notion allows, read back as signed URLs, and downloaded with
no token: Content-Type, Content-Disposition, Range, and refusal of tampered or expired URLs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from blockyard.clock import parse_iso
from db_support import error_of
from files_support import PNG, send, upload_keys, uploaded
from support import assert_error, text


def _page(ws, **extra):
    return ws.client().pages.create(parent={"page_id": ws.root_id},
                                    properties={"title": {"title": text("Files")}}, **extra)


def _signed(value):
    """Checks a read-back hosted file and returns its URL."""
    assert value["type"] == "file" and "file_upload" not in value
    f = value["file"]
    assert set(f) == {"url", "expiry_time"}
    assert abs(parse_iso(f["expiry_time"]) - _now_ms() - 3600_000) < 120_000
    return f["url"]


def _now_ms():
    import time

    return int(time.time() * 1000)


def test_image_block_reads_back_a_signed_url_that_downloads(ws):
    notion = ws.client()
    up = uploaded(notion, PNG, "dot.png", "image/png")
    page = _page(ws, children=[{"type": "image", "image": {"type": "file_upload", "file_upload": {"id": up["id"]}}}])
    block = notion.blocks.children.list(page["id"])["results"][0]
    assert block["type"] == "image" and block["image"]["caption"] == []
    url = _signed(block["image"])
    assert url.startswith(ws.server.url + "/_files/u/" + up["id"] + "/dot.png?")

    resp = httpx.get(url)  # no token
    assert resp.status_code == 200 and resp.content == PNG
    assert resp.headers["content-type"] == "image/png"
    assert resp.headers["content-disposition"].startswith('inline; filename="dot.png"')
    assert resp.headers["content-length"] == str(len(PNG)) and resp.headers["accept-ranges"] == "bytes"

    # Attached: kept for good, no expiry, still uploaded; the same upload attaches again.
    after = notion.file_uploads.retrieve(up["id"])
    assert after["status"] == "uploaded" and after["expiry_time"] is None
    notion.blocks.children.append(page["id"], children=[{"type": "image", "image": {"file_upload": {"id": up["id"]}}}])
    # Every read signs anew.
    again = notion.blocks.children.list(page["id"])["results"]
    assert len(again) == 2 and all(b["image"]["type"] == "file" for b in again)


def test_range_requests(ws):
    up = uploaded(ws.client(), b"0123456789", "digits.txt", "text/plain")
    page = _page(ws, children=[{"type": "file", "file": {"type": "file_upload", "file_upload": {"id": up["id"]}}}])
    block = ws.client().blocks.children.list(page["id"])["results"][0]
    assert block["file"]["name"] == "digits.txt"
    url = _signed(block["file"])
    resp = httpx.get(url, headers={"Range": "bytes=2-5"})
    assert resp.status_code == 206 and resp.content == b"2345"
    assert resp.headers["content-range"] == "bytes 2-5/10" and resp.headers["content-length"] == "4"
    assert httpx.get(url, headers={"Range": "bytes=7-"}).content == b"789"
    assert httpx.get(url, headers={"Range": "bytes=-3"}).content == b"789"
    bad = httpx.get(url, headers={"Range": "bytes=20-30"})
    assert bad.status_code == 416 and bad.headers["content-range"] == "bytes */10"
    head = httpx.head(url)
    assert head.status_code == 200 and head.headers["content-length"] == "10" and head.content == b""


def test_tampered_and_expired_urls_are_refused(ws):
    up = uploaded(ws.client(), b"secret", "s.txt", "text/plain")
    page = _page(ws, children=[{"type": "file", "file": {"file_upload": {"id": up["id"]}}}])
    url = _signed(ws.client().blocks.children.list(page["id"])["results"][0]["file"])
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    base = f"{parts.scheme}://{parts.netloc}"
    sig, expires = query["signature"][0], int(query["expires"][0])
    cases = [
        f"{base}{parts.path}?expires={expires + 1}&signature={sig}",  # a later expiry
        f"{base}{parts.path}?expires={expires}&signature={'0' * len(sig)}",
        f"{base}{parts.path.replace('s.txt', 'other.txt')}?expires={expires}&signature={sig}",
        f"{base}{parts.path}",
    ]
    for bad in cases:
        assert_error(httpx.get(bad), 403, "restricted_resource")
    signer = ws.server.app.files.signer
    past = signer.url(up["id"], "s.txt", _now_ms() - 1000)
    assert_error(httpx.get(past), 403, "restricted_resource", "The URL has expired.")
    assert httpx.get(signer.url(up["id"], "s.txt", _now_ms() + 60_000)).content == b"secret"


def test_files_property_and_round_trip(ws):
    notion = ws.client()
    db = notion.databases.create(parent={"page_id": ws.root_id}, title=text("Docs"),
                                 initial_data_source={"properties": {"Name": {"title": {}}, "Attachments": {"files": {}}}})
    ds_id = db["data_sources"][0]["id"]
    up = uploaded(notion, b"%PDF-1.4", "spec.pdf", "application/pdf")
    row = notion.pages.create(parent={"data_source_id": ds_id}, properties={
        "Name": {"title": text("r")},
        "Attachments": {"files": [{"type": "file_upload", "file_upload": {"id": up["id"]}},
                                  {"name": "Site", "external": {"url": "https://example.com/x"}}]},
    })
    files = row["properties"]["Attachments"]["files"]
    assert files[0]["name"] == "spec.pdf" and files[1] == {"name": "Site", "type": "external", "external": {"url": "https://example.com/x"}}
    url = _signed(files[0])
    assert httpx.get(url).content == b"%PDF-1.4"
    # What was read, written back, keeps the upload.
    again = notion.pages.update(row["id"], properties={"Attachments": {"files": files[:1]}})
    assert httpx.get(_signed(again["properties"]["Attachments"]["files"][0])).content == b"%PDF-1.4"
    item = notion.pages.properties.retrieve(row["id"], again["properties"]["Attachments"]["id"])
    assert item["files"][0]["type"] == "file" and "upload_id" not in item["files"][0]["file"]


def test_icons_and_covers(ws):
    notion = ws.client()
    icon = uploaded(notion, PNG, "icon.png", "image/png")
    cover = uploaded(notion, PNG, "cover.png", "image/png")
    page = _page(ws, icon={"type": "file_upload", "file_upload": {"id": icon["id"]}},
                 cover={"type": "file_upload", "file_upload": {"id": cover["id"]}})
    assert httpx.get(_signed(page["icon"])).content == PNG
    _signed(notion.pages.retrieve(page["id"])["cover"])
    db = notion.databases.create(parent={"page_id": ws.root_id}, title=text("D"),
                                 icon={"file_upload": {"id": icon["id"]}})
    _signed(notion.databases.retrieve(db["id"])["icon"])
    callout = notion.blocks.children.append(page["id"], children=[{"type": "callout", "callout": {
        "rich_text": text("hi"), "icon": {"type": "file_upload", "file_upload": {"id": icon["id"]}}}}])["results"][0]
    _signed(callout["callout"]["icon"])
    pdf = uploaded(notion, b"%PDF", "a.pdf", "application/pdf")
    err = error_of(notion.pages.update, page["id"], icon={"file_upload": {"id": pdf["id"]}})
    assert (err.status, err.code) == (400, "validation_error")
    assert err.message == f"The file upload with ID {pdf['id']} has content type application/pdf, which cannot be used as a page icon."


def test_comment_attachments(ws):
    notion = ws.client()
    page = _page(ws)
    img = uploaded(notion, PNG, "shot.png", "image/png")
    doc = uploaded(notion, b"%PDF", "a.pdf", "application/pdf")
    comment = notion.comments.create(parent={"page_id": page["id"]}, rich_text=text("see"),
                                     attachments=[{"file_upload_id": img["id"]}, {"type": "file_upload", "file_upload_id": doc["id"]}])
    assert [a["category"] for a in comment["attachments"]] == ["image", "pdf"]
    assert httpx.get(comment["attachments"][0]["file"]["url"]).content == PNG
    listed = notion.comments.list(block_id=page["id"])["results"][0]
    assert [a["category"] for a in listed["attachments"]] == ["image", "pdf"]
    assert notion.file_uploads.retrieve(img["id"])["expiry_time"] is None


@pytest.mark.parametrize("target", ["image", "video", "audio", "pdf", "file"])
def test_attach_misuse_changes_nothing(ws, target):
    notion = ws.client()
    page = _page(ws)
    pending = notion.file_uploads.create(filename="a.txt")
    txt = uploaded(notion, b"hi", "a.txt", "text/plain")
    other = ws.client(token=ws.integration("Other"))
    foreign = uploaded(other, b"hi", "b.txt", "text/plain")
    for upload_id in (pending["id"], foreign["id"]):
        err = error_of(notion.blocks.children.append, page["id"], children=[{"type": target, target: {"file_upload": {"id": upload_id}}}])
        assert (err.status, err.code) == (400, "validation_error")
        assert err.message == (f"body failed validation: body.children[0].{target}.file_upload.id should be the ID of a file "
                               f"upload with status `uploaded`, instead was `\"{upload_id}\"`.")
    if target != "file":
        err = error_of(notion.blocks.children.append, page["id"], children=[{"type": target, target: {"file_upload": {"id": txt["id"]}}}])
        assert err.message == f"The file upload with ID {txt['id']} has content type text/plain, which cannot be used in a {target} block."
    assert notion.blocks.children.list(page["id"])["results"] == []
    assert notion.file_uploads.retrieve(txt["id"])["expiry_time"] is not None  # the refused request kept nothing


def test_expired_uploads_lose_their_bytes_attached_ones_keep_them(ws):
    from blockyard.store.schema_files import file_uploads

    notion = ws.client()
    kept = uploaded(notion, b"kept")
    _page(ws, children=[{"type": "file", "file": {"file_upload": {"id": kept["id"]}}}])
    lost = uploaded(notion, b"lost")
    with ws.server.store.write() as tx:
        tx.execute(file_uploads.update().where(file_uploads.c.id == lost["id"]).values(expiry_time=tx.now - 1))
    ws.server.app.files.worker.sweep()
    assert upload_keys(ws.server, lost["id"]) == []
    assert upload_keys(ws.server, kept["id"]) == [f"uploads/{kept['id']}"]
    assert notion.file_uploads.retrieve(lost["id"])["status"] == "expired"
    from test_file_uploads import outbox

    assert outbox(ws, lost["id"])[-1] == "file_upload.expired" and "file_upload.expired" not in outbox(ws, kept["id"])
    page = _page(ws)
    err = error_of(notion.blocks.children.append, page["id"], children=[{"type": "file", "file": {"file_upload": {"id": lost["id"]}}}])
    assert (err.status, err.code) == (400, "validation_error")


def test_svg_and_unicode_names_download_safely(ws):
    """SVG could run script on this origin: it downloads as an attachment; names keep their letters."""
    notion = ws.client()
    svg = uploaded(notion, b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.svg", "image/svg+xml")
    named = uploaded(notion, b"bonjour", "résumé été.txt", "text/plain")
    page = _page(ws, children=[{"type": "image", "image": {"file_upload": {"id": svg["id"]}}},
                               {"type": "file", "file": {"file_upload": {"id": named["id"]}}}])
    image, file = notion.blocks.children.list(page["id"])["results"]
    resp = httpx.get(_signed(image["image"]))
    assert resp.headers["content-disposition"].startswith("attachment;")
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert file["file"]["name"] == "résumé été.txt"
    resp = httpx.get(_signed(file["file"]))
    assert resp.content == b"bonjour" and "filename*=UTF-8''r%C3%A9sum%C3%A9%20%C3%A9t%C3%A9.txt" in resp.headers["content-disposition"]
