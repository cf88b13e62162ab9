"""Meeting notes: made from a recording block through notion-client, and queried with their own filter grammar,
limited to what the integration can reach."""

from __future__ import annotations

import pytest

from db_support import error_of
from support import assert_error, paragraph

V = "2026-03-11"


def _recording(ws, parent, kind="audio"):
    block = {"type": kind, kind: {"type": "external", "external": {"url": f"https://example.com/rec.{kind}"}}}
    return ws.client(V).blocks.children.append(parent, children=[paragraph("before"), block, paragraph("after")])["results"][1]


def _note(ws, source_id, title=None):
    body = {"source": {"type": "block", "block_id": source_id}}
    if title is not None:
        body["title"] = title
    return ws.client(V).request(path="blocks/meeting_notes", method="POST", body=body)


def test_a_meeting_note_is_made_beside_its_recording(ws):
    rec = _recording(ws, ws.root_id)
    note = _note(ws, rec["id"], "Standup")
    assert note["object"] == "block" and note["type"] == "meeting_notes"
    assert note["meeting_notes"]["title"][0]["plain_text"] == "Standup"
    assert note["meeting_notes"]["status"] == "transcription_not_started"
    kinds = [(b["type"], b.get(b["type"], {}).get("rich_text", [{}])[0].get("plain_text") if b["type"] == "paragraph" else None)
             for b in ws.client(V).blocks.children.list(ws.root_id)["results"]]
    assert kinds == [("paragraph", "before"), ("audio", None), ("meeting_notes", None), ("paragraph", "after")]
    # At 2025-09-03 the same block is a transcription block.
    assert ws.client("2025-09-03").blocks.retrieve(note["id"])["type"] == "transcription"
    assert _note(ws, _recording(ws, ws.root_id, "video")["id"])["meeting_notes"]["title"][0]["plain_text"] == "Meeting notes"


def test_meeting_note_misuse(ws):
    para = ws.client(V).blocks.children.append(ws.root_id, children=[paragraph("p")])["results"][0]
    raw = lambda body: ws.raw("POST", "/v1/blocks/meeting_notes", version=V, json=body)  # noqa: E731
    assert "audio, video or file" in assert_error(raw({"source": {"type": "block", "block_id": para["id"]}}),
                                                   400, "validation_error")["message"]
    assert_error(raw({"source": {"type": "tape"}}), 400, "validation_error")
    assert_error(raw({}), 400, "validation_error")
    rec = _recording(ws, ws.root_id)
    assert_error(raw({"source": {"type": "block", "block_id": rec["id"]}, "language": "klingon"}), 400, "validation_error")
    assert_error(raw({"source": {"type": "file_upload", "file_upload_id": rec["id"]}, "parent": {"page_id": ws.root_id}}),
                 400, "validation_error")
    assert_error(raw({"source": {"type": "file_upload", "file_upload_id": rec["id"]}}), 400, "validation_error")
    hidden = ws.owner_page("Private")
    assert_error(raw({"source": {"type": "file_upload", "file_upload_id": rec["id"]}, "parent": {"page_id": hidden}}),
                 404, "object_not_found")


def _titles(result):
    return [r["meeting_notes"]["title"][0]["plain_text"] for r in result["results"]]


def test_meeting_notes_are_queried_by_their_own_grammar(ws):
    for title in ("Standup Monday", "Retro", "Standup Tuesday"):
        _note(ws, _recording(ws, ws.root_id)["id"], title)
    notion = ws.client(V)
    every = notion.blocks.meeting_notes.query(sort=[{"property": "title", "direction": "ascending"}])
    assert _titles(every) == ["Retro", "Standup Monday", "Standup Tuesday"] and every["has_more"] is False
    standups = notion.blocks.meeting_notes.query(filter={"operator": "and", "filters": [
        {"property": "title", "filter": {"operator": "string_contains", "value": {"type": "exact", "value": "standup"}}},
        {"property": "created_time", "filter": {"operator": "date_is", "value": {"type": "relative", "value": "today"}}},
    ]}, sort=[{"property": "title", "direction": "descending"}])
    assert _titles(standups) == ["Standup Tuesday", "Standup Monday"]
    mine = notion.blocks.meeting_notes.query(filter={"operator": "or", "filters": [
        {"property": "created_by", "filter": {"operator": "person_contains",
                                              "value": [{"type": "exact", "value": {"table": "notion_user", "id": "me"}}]}}]})
    assert len(mine["results"]) == 3
    nobody = notion.blocks.meeting_notes.query(filter={"operator": "and", "filters": [
        {"property": "created_time", "filter": {"operator": "date_is_before", "value": {"type": "exact", "value": "2020-01-01"}}}]})
    assert nobody["results"] == []
    limited = notion.blocks.meeting_notes.query(limit=2)
    assert len(limited["results"]) == 2 and limited["has_more"] is True
    bad = ws.raw("POST", "/v1/blocks/meeting_notes/query", version=V,
                 json={"filter": {"operator": "and", "filters": [{"property": "mood", "filter": {"operator": "is_empty"}}]}})
    assert_error(bad, 400, "validation_error")
    assert error_of(notion.blocks.meeting_notes.query, limit=0).status == 400


@pytest.mark.parametrize("share", [None, "view"])
def test_meeting_notes_follow_access(ws, share):
    _note(ws, _recording(ws, ws.root_id)["id"], "Shared one")
    token = ws.integration("Other", share=share)
    found = ws.client(V, token=token).blocks.meeting_notes.query()
    assert _titles(found) == ([] if share is None else ["Shared one"])
