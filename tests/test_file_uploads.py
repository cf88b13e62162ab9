"""File uploads through notion-client's `file_uploads` methods: every mode's lifecycle, the list, the
limits, and every misuse answering Notion's status, code and message while storing nothing."""

from __future__ import annotations

import io
import uuid

import httpx
import pytest
from notion_client import Client

from db_support import error_of
from files_support import MIB, send, temporary, upload_keys, uploaded
from support import Server, assert_error, store_url


@pytest.fixture(scope="module")
def paid(server: Server, tmp_path_factory: pytest.TempPathFactory):
    """A server on the paid plan (5 GiB a file), where multi-part uploads of several parts fit."""
    srv = Server.start(store_url(server.database.startswith("postgresql"), tmp_path_factory.mktemp("paid")),
                       file_plan="paid")
    try:
        yield srv
    finally:
        srv.stop()


# --- single_part ---------------------------------------------------------------------------------

@pytest.mark.parametrize("version", ["2022-06-28", "2026-03-11"])
def test_single_part_lifecycle(ws, version):
    notion = ws.client(version)
    up = notion.file_uploads.create(mode="single_part", filename="notes.txt", content_type="text/plain")
    assert up["object"] == "file_upload" and up["status"] == "pending"
    assert up["filename"] == "notes.txt" and up["content_type"] == "text/plain" and up["content_length"] is None
    assert up["upload_url"] == f"{ws.server.url}/v1/file_uploads/{up['id']}/send"
    assert "complete_url" not in up and "number_of_parts" not in up
    assert up["in_trash"] is False and ("archived" in up) == (version != "2026-03-11")
    assert up["created_by"]["type"] == "bot"
    from blockyard.clock import parse_iso

    assert parse_iso(up["expiry_time"]) - parse_iso(up["created_time"]) == 3600_000

    done = send(notion, up["id"], b"hello world", "notes.txt", "text/plain")
    assert done["status"] == "uploaded" and done["content_length"] == 11
    assert "upload_url" not in done
    assert done["expiry_time"] == up["expiry_time"]  # an hour from creation until attached
    again = notion.file_uploads.retrieve(up["id"])
    assert {k: again[k] for k in ("status", "content_length", "filename")} == {
        "status": "uploaded", "content_length": 11, "filename": "notes.txt"}
    assert upload_keys(ws.server, up["id"]) == [f"uploads/{up['id']}"]
    assert outbox(ws, up["id"]) == ["file_upload.created", "file_upload.completed"]


def outbox(ws, upload_id):
    """The webhook events recorded for an upload, in order."""
    from blockyard.store.schema import events

    with ws.server.store.read() as tx:
        return [r.type for r in tx.execute(events.select().where(events.c.entity_id == upload_id).order_by(events.c.seq))]


def test_empty_create_takes_name_and_type_from_the_file(ws):
    notion = ws.client()
    up = notion.file_uploads.create()
    assert (up["status"], up["filename"], up["content_type"]) == ("pending", None, None)
    done = send(notion, up["id"], b"a,b\n1,2\n", "table.csv", "text/csv")
    assert (done["status"], done["filename"], done["content_type"], done["content_length"]) == (
        "uploaded", "table.csv", "text/csv", 8)


def test_filename_without_extension_gets_one_from_content_type(ws):
    up = ws.client().file_uploads.create(filename="report", content_type="application/pdf")
    assert up["filename"] == "report.pdf"
    up = ws.client().file_uploads.create(filename="photo.png")
    assert up["content_type"] == "image/png"


def test_list_with_status_filter_and_pagination(ws):
    notion = ws.client()
    done = uploaded(notion)
    pending = [notion.file_uploads.create(filename=f"p{i}.txt")["id"] for i in range(3)]
    everything = notion.file_uploads.list()
    assert everything["object"] == "list" and everything["type"] == "file_upload" and everything["file_upload"] == {}
    assert [r["id"] for r in everything["results"]] == pending[::-1] + [done["id"]]  # newest first
    assert [r["id"] for r in notion.file_uploads.list(status="uploaded")["results"]] == [done["id"]]
    assert len(notion.file_uploads.list(status="pending")["results"]) == 3
    assert notion.file_uploads.list(status="expired")["results"] == []
    first = notion.file_uploads.list(page_size=2)
    assert first["has_more"] is True and len(first["results"]) == 2
    rest = notion.file_uploads.list(page_size=2, start_cursor=first["next_cursor"])
    assert [r["id"] for r in first["results"] + rest["results"]] == [r["id"] for r in everything["results"]]
    assert rest["has_more"] is False and rest["next_cursor"] is None
    err = error_of(notion.file_uploads.list, status="done")
    assert (err.status, err.code) == (400, "validation_error") and "query.status" in err.message


def test_uploads_are_their_creators_own(ws):
    up = uploaded(ws.client())
    other = ws.client(token=ws.integration("Other"))
    err = error_of(other.file_uploads.retrieve, up["id"])
    assert (err.status, err.code) == (404, "object_not_found")
    assert err.message.startswith(f"Could not find file_upload with ID: {up['id']}. Make sure the relevant pages")
    assert other.file_uploads.list()["results"] == []
    err = error_of(send, other, up["id"], b"x")
    assert (err.status, err.code) == (404, "object_not_found")


def test_user_me_shows_the_plan_limit(ws, paid):
    assert ws.client().users.me()["bot"]["workspace_limits"]["max_file_upload_size_in_bytes"] == 5 * MIB
    assert paid.new_workspace().client().users.me()["bot"]["workspace_limits"]["max_file_upload_size_in_bytes"] == 5 * 1024 * MIB


# --- misuse of create ----------------------------------------------------------------------------

CREATE_ERRORS = [
    ({"mode": "chunked"}, 'body failed validation: body.mode should be `"single_part"`, `"multi_part"`, or `"external_url"`, instead was `"chunked"`.'),
    ({"mode": "multi_part", "number_of_parts": 2}, "body failed validation: body.filename should be defined, instead was `undefined`."),
    ({"mode": "multi_part", "filename": "a.txt"}, "body failed validation: body.number_of_parts should be defined, instead was `undefined`."),
    ({"mode": "multi_part", "filename": "a.txt", "number_of_parts": 0}, None),
    ({"mode": "multi_part", "filename": "a.txt", "number_of_parts": 10001}, None),
    ({"number_of_parts": 2}, "body failed validation: body.number_of_parts should be not present for mode `single_part`, instead was `2`."),
    ({"filename": "x" * 897 + ".txt"}, "body failed validation: body.filename should be at most 900 bytes long, instead was 901 bytes."),
    ({"filename": "virus.exe"}, "The file extension .exe is not supported."),
    ({"filename": "a.png", "content_type": "text/plain"}, "The content type text/plain does not match the file extension .png."),
    ({"content_type": "application/x-msdownload"}, None),
    ({"mode": "external_url", "filename": "a.txt"}, "body failed validation: body.external_url should be defined, instead was `undefined`."),
    ({"mode": "external_url", "filename": "a.txt", "external_url": "ftp://example.com/a.txt"}, None),
    ({"external_url": "https://example.com/a.txt"}, None),
    ({"surprise": 1}, "body failed validation: body.surprise should be not present, instead was `1`."),
]


@pytest.mark.parametrize(("body", "message"), CREATE_ERRORS)
def test_create_misuse(ws, body, message):
    resp = ws.raw("POST", "/v1/file_uploads", json=body)
    err = assert_error(resp, 400, "validation_error")
    if message is not None:
        assert err["message"] == message
    assert ws.client().file_uploads.list()["results"] == []


def test_create_needs_insert_content(ws):
    token = ws.integration("Reader", capabilities=("read_content",))
    err = error_of(ws.client(token=token).file_uploads.create)
    assert (err.status, err.code, err.message) == (403, "restricted_resource", "Insufficient permissions for this endpoint.")


# --- misuse of send ------------------------------------------------------------------------------

def test_send_over_the_plan_limit(ws):
    notion = ws.client()
    up = notion.file_uploads.create(filename="big.txt")
    err = error_of(send, notion, up["id"], b"x" * (5 * MIB + 1), "big.txt")
    assert (err.status, err.code, err.message) == (400, "validation_error", "File size of 5242881 bytes exceeds the limit of 5242880.")
    assert notion.file_uploads.retrieve(up["id"])["status"] == "pending"
    assert upload_keys(ws.server, up["id"]) == [] and temporary(ws.server) == []
    assert send(notion, up["id"], b"x" * (5 * MIB), "big.txt")["content_length"] == 5 * MIB


def test_single_part_over_20_mib_on_a_paid_plan(paid):
    notion = paid.new_workspace().client()
    up = notion.file_uploads.create(filename="big.txt")
    err = error_of(send, notion, up["id"], b"x" * (20 * MIB + 1), "big.txt")
    assert (err.status, err.code, err.message) == (400, "validation_error", "File size of 20971521 bytes exceeds the limit of 20971520.")
    assert temporary(paid) == [] and upload_keys(paid, up["id"]) == []


def test_send_after_upload_and_after_expiry(ws):
    notion = ws.client()
    up = uploaded(notion)
    err = error_of(send, notion, up["id"], b"again")
    assert (err.status, err.code, err.message) == (
        400, "validation_error", f"File upload with ID {up['id']} is not in the pending status.")
    pending = notion.file_uploads.create(filename="late.txt")
    with ws.server.store.write() as tx:
        from blockyard.store.schema_files import file_uploads

        tx.execute(file_uploads.update().where(file_uploads.c.id == pending["id"]).values(expiry_time=tx.now - 1))
    assert notion.file_uploads.retrieve(pending["id"])["status"] == "expired"
    assert [r["id"] for r in notion.file_uploads.list(status="expired")["results"]] == [pending["id"]]
    err = error_of(send, notion, pending["id"], b"late")
    assert err.message == f"File upload with ID {pending['id']} is not in the pending status."


def test_send_content_type_mismatch(ws):
    notion = ws.client()
    up = notion.file_uploads.create(filename="a.txt", content_type="text/plain")
    err = error_of(send, notion, up["id"], b"\x89PNG", "a.png", "image/png")
    assert (err.status, err.code) == (400, "validation_error")
    assert err.message == "The content type of the file sent (image/png) does not match the content type of the file upload (text/plain)."
    assert notion.file_uploads.retrieve(up["id"])["status"] == "pending" and temporary(ws.server) == []


def test_send_an_unsupported_type(ws):
    notion = ws.client()
    up = notion.file_uploads.create()
    err = error_of(send, notion, up["id"], b"MZ", "tool.exe", "application/x-msdownload")
    assert (err.status, err.code) == (400, "validation_error")
    assert notion.file_uploads.retrieve(up["id"])["status"] == "pending"


def test_send_malformed_requests(ws):
    notion = ws.client()
    up = notion.file_uploads.create(filename="a.txt")
    path = f"/v1/file_uploads/{up['id']}/send"
    err = assert_error(ws.raw("POST", path, json={"file": "x"}), 400, "validation_error")
    assert "multipart/form-data" in err["message"]
    err = assert_error(ws.raw("POST", path, content=b"--x\r\n", headers={"Content-Type": "multipart/form-data"}),
                       400, "validation_error")
    assert "boundary" in err["message"]
    resp = httpx.post(ws.server.url + path, data={"part_number": "1"}, files={"other": ("a.txt", b"x")},
                      headers={"Authorization": f"Bearer {ws.token}", "Notion-Version": "2026-03-11"})
    assert_error(resp, 400, "validation_error", "body failed validation: body.file should be defined, instead was `undefined`.")
    assert_error(ws.raw("POST", "/v1/file_uploads/not-an-id/send", content=b"", headers={"Content-Type": "multipart/form-data; boundary=x"}),
                 400, "validation_error", contains="path.file_upload_id")
    missing = str(uuid.uuid4())
    resp = httpx.post(ws.server.url + f"/v1/file_uploads/{missing}/send", files={"file": ("a.txt", b"x", "text/plain")},
                      headers={"Authorization": f"Bearer {ws.token}", "Notion-Version": "2026-03-11"})
    assert_error(resp, 404, "object_not_found", contains=f"Could not find file_upload with ID: {missing}.")
    assert notion.file_uploads.retrieve(up["id"])["status"] == "pending" and temporary(ws.server) == []


def test_single_part_refuses_part_numbers_and_complete(ws):
    notion = ws.client()
    up = notion.file_uploads.create(filename="a.txt")
    err = error_of(send, notion, up["id"], b"x", part=1)
    assert err.message == 'body failed validation: body.part_number should be not present for mode `single_part`, instead was `"1"`.'
    err = error_of(notion.file_uploads.complete, up["id"])
    assert (err.status, err.code, err.message) == (400, "validation_error", f"File upload with ID {up['id']} is not in the multi_part mode.")
    assert send(notion, up["id"], b"x")["status"] == "uploaded"
    err = error_of(notion.file_uploads.complete, up["id"])
    assert err.message == f"File upload with ID {up['id']} is not in the pending status."


# --- multi_part ----------------------------------------------------------------------------------

def test_multi_part_lifecycle_any_order(paid):
    w = paid.new_workspace()
    notion = w.client()
    up = notion.file_uploads.create(mode="multi_part", filename="video.mp4", content_type="video/mp4", number_of_parts=3)
    assert up["status"] == "pending" and up["number_of_parts"] == {"total": 3, "sent": 0}
    assert up["complete_url"] == f"{paid.url}/v1/file_uploads/{up['id']}/complete"
    parts = {1: b"a" * (5 * MIB), 2: b"b" * (5 * MIB), 3: b"c" * 1000}
    for n in (3, 1, 2):
        out = send(notion, up["id"], parts[n], "video.mp4", "video/mp4", part=n)
        assert out["status"] == "pending"
    assert out["number_of_parts"] == {"total": 3, "sent": 3}
    done = notion.file_uploads.complete(up["id"])
    assert done["status"] == "uploaded" and done["content_length"] == 10 * MIB + 1000
    assert "upload_url" not in done and "complete_url" not in done
    assert upload_keys(paid, up["id"]) == [f"uploads/{up['id']}"]  # the parts are gone, joined in order
    data = b"".join(paid.app.files.storage.read(f"uploads/{up['id']}"))
    assert data == parts[1] + parts[2] + parts[3]


def test_multi_part_rules(paid):
    notion = paid.new_workspace().client()
    up = notion.file_uploads.create(mode="multi_part", filename="a.txt", number_of_parts=2)
    err = error_of(send, notion, up["id"], b"x")
    assert err.message == "body failed validation: body.part_number should be defined, instead was `undefined`."
    for bad in (0, 3):
        err = error_of(send, notion, up["id"], b"x", part=bad)
        assert err.message == f'body failed validation: body.part_number should be an integer between 1 and 2, instead was `"{bad}"`.'
    err = error_of(send, notion, up["id"], b"x" * 100, part=1)
    assert err.message == "Part 1 is 100 bytes; every part but the last must be at least 5242880 bytes."
    err = error_of(send, notion, up["id"], b"x" * (20 * MIB + 1), part=2)
    assert err.message == "File size of 20971521 bytes exceeds the limit of 20971520."
    assert notion.file_uploads.retrieve(up["id"])["number_of_parts"] == {"total": 2, "sent": 0}
    send(notion, up["id"], b"y" * 10, part=2)
    err = error_of(notion.file_uploads.complete, up["id"])
    assert (err.status, err.code) == (400, "validation_error")
    assert err.message == f"Expected 2 parts for file upload with ID {up['id']}, but received 1; missing part 1."
    assert temporary(paid) == []


def test_multi_part_total_over_the_free_limit(ws):
    notion = ws.client()
    up = notion.file_uploads.create(mode="multi_part", filename="a.txt", number_of_parts=2)
    send(notion, up["id"], b"x" * (5 * MIB), part=1)
    err = error_of(send, notion, up["id"], b"y", part=2)
    assert err.message == "File size of 5242881 bytes exceeds the limit of 5242880."
    assert notion.file_uploads.retrieve(up["id"])["number_of_parts"]["sent"] == 1


def test_restart_in_the_middle_of_a_multi_part_upload(server, tmp_path):
    srv = Server.start(store_url(server.database.startswith("postgresql"), tmp_path), file_plan="paid",
                       file_storage=str(tmp_path / "files"))
    try:
        w = srv.new_workspace()
        up = w.client().file_uploads.create(mode="multi_part", filename="a.txt", number_of_parts=2)
        send(w.client(), up["id"], b"1" * (5 * MIB), part=1)
    finally:
        srv.uvicorn_server.should_exit = True
        srv.thread.join(timeout=10)
        srv.app.files.worker.stop()
        srv.store.dispose()
    again = Server.start(srv.database, file_plan="paid", file_storage=str(tmp_path / "files"))
    try:
        notion = Client(auth=w.token, base_url=again.url, notion_version="2026-03-11", retry=False)
        assert notion.file_uploads.retrieve(up["id"])["number_of_parts"] == {"total": 2, "sent": 1}
        send(notion, up["id"], b"2" * 10, part=2)
        done = notion.file_uploads.complete(up["id"])
        assert done["content_length"] == 5 * MIB + 10
        assert b"".join(again.app.files.storage.read(f"uploads/{up['id']}")) == b"1" * (5 * MIB) + b"2" * 10
    finally:
        again.stop()


def test_send_with_the_js_style_form_field_order(ws):
    """Part number before or after the file: both are read."""
    notion = ws.client()
    up = notion.file_uploads.create(mode="multi_part", filename="a.txt", number_of_parts=1)
    boundary = "XyZ"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"part_number\"\r\n\r\n1\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n").encode()
    resp = ws.raw("POST", f"/v1/file_uploads/{up['id']}/send", content=body,
                  headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["number_of_parts"] == {"total": 1, "sent": 1}
    assert notion.file_uploads.complete(up["id"])["content_length"] == 5


def test_a_send_larger_than_any_buffered_body(paid):
    """The body is read as it arrives: a 20 MiB send passes where a buffered body stops at 8 MiB."""
    notion = paid.new_workspace().client()
    up = notion.file_uploads.create(filename="big.txt")
    resp = httpx.post(f"{paid.url}/v1/file_uploads/{up['id']}/send", timeout=60,
                      files={"file": ("big.txt", io.BytesIO(b"z" * (20 * MIB)), "text/plain")},
                      headers={"Authorization": f"Bearer {notion.options.auth}", "Notion-Version": "2026-03-11"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["content_length"] == 20 * MIB
