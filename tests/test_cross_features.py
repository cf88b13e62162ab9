"""Where capabilities meet: file uploads announced by webhooks, and meeting notes made from a file upload."""

from __future__ import annotations

import httpx

from support import assert_error
from webhook_support import Receiver, subscribe


def _upload(ws, name="talk.mp3", content_type="audio/mpeg", data=b"ID3" + b"\0" * 64):
    h = {"Authorization": f"Bearer {ws.token}", "Notion-Version": "2026-03-11"}
    made = httpx.post(ws.server.url + "/v1/file_uploads", headers=h, json={"filename": name, "content_type": content_type})
    assert made.status_code == 200, made.text
    sent = httpx.post(made.json()["upload_url"], headers=h, files={"file": (name, data, content_type)})
    assert sent.status_code == 200, sent.text
    return made.json()["id"]


def test_file_uploads_are_announced_to_their_integration(wsrv):
    ws = wsrv.new_workspace()
    rx = Receiver().start()
    try:
        subscribe(ws, rx.url(), events=["file_upload.created", "file_upload.completed"])
        upload_id = _upload(ws)
        got = rx.wait_types(["file_upload.created", "file_upload.completed"])
        mine = [e for e in got if e["entity"]["id"] == upload_id]
        assert {e["type"] for e in mine} == {"file_upload.created", "file_upload.completed"}
        assert all(e["entity"]["type"] == "file_upload" for e in mine)
        # Another integration of the workspace hears nothing of it.
        other = Receiver().start()
        try:
            ws.integration("Other")
            subscribe(ws, other.url(), integration="Other", events=["file_upload.created"])
            _upload(ws)
            rx.wait(lambda items: sum(e["type"] == "file_upload.created" for e in items) >= 2)
            assert other.events() == []
        finally:
            other.stop()
    finally:
        rx.stop()


def test_a_meeting_note_from_a_file_upload(wsrv):
    ws = wsrv.new_workspace()
    upload_id = _upload(ws)
    body = {"source": {"type": "file_upload", "file_upload_id": upload_id}, "parent": {"page_id": ws.root_id},
            "title": "Recorded call"}
    note = ws.raw("POST", "/v1/blocks/meeting_notes", json=body)
    assert note.status_code == 200, note.text
    assert note.json()["meeting_notes"]["title"][0]["plain_text"] == "Recorded call"
    children = ws.client().blocks.children.list(ws.root_id)["results"]
    assert children[-1]["id"] == note.json()["id"]
    pending = ws.raw("POST", "/v1/file_uploads", json={"filename": "x.mp3", "content_type": "audio/mpeg"}).json()["id"]
    assert_error(ws.raw("POST", "/v1/blocks/meeting_notes", json={**body, "source": {"type": "file_upload",
                                                                                    "file_upload_id": pending}}),
                 400, "validation_error")


def test_views_are_announced(wsrv):
    ws = wsrv.new_workspace()
    rx = Receiver().start()
    try:
        subscribe(ws, rx.url(), events=["view.created", "view.updated", "view.deleted"])
        notion = ws.client("2025-09-03")
        db = notion.databases.create(parent={"page_id": ws.root_id}, title=[{"text": {"content": "T"}}],
                                     initial_data_source={"properties": {"Name": {"title": {}}}})
        ds_id = db["data_sources"][0]["id"]
        view = notion.views.create(database_id=db["id"], data_source_id=ds_id, name="Board", type="list")
        notion.views.update(view["id"], name="Renamed")
        notion.views.delete(view["id"])
        got = rx.wait_types(["view.created", "view.updated", "view.deleted"])
        mine = {e["type"]: e for e in got if e["entity"]["id"] == view["id"]}
        assert mine["view.created"]["data"]["view_type"] == "list"
        assert mine["view.updated"]["data"]["updated_fields"] == ["name"]
        assert mine["view.deleted"]["data"]["parent"] == {"id": db["id"], "type": "database"}
        assert all(e["entity"]["type"] == "view" for e in mine.values())
    finally:
        rx.stop()
