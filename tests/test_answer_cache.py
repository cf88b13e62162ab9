"""GET answers are kept until the store changes (http/cache.py): whatever changes the store, in this
process or another, is seen by the very next request; answers that read the clock are never kept."""

from __future__ import annotations

import os
import subprocess
import sys

from blockyard.clock import FixedClock
from db_support import make_db
from support import assert_error, custom_server, paragraph, text


def _title(page: dict) -> str:
    return page["properties"]["title"]["title"][0]["plain_text"]


def _cli(database: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOCKYARD_")}
    done = subprocess.run([sys.executable, "-m", "blockyard.cli", *args, "--database", database],
                          capture_output=True, text=True, env=env, check=True)
    return done.stdout


def test_repeated_get_is_the_same_answer_with_its_own_request_id(ws):
    first = ws.raw("GET", f"/v1/pages/{ws.root_id}")
    second = ws.raw("GET", f"/v1/pages/{ws.root_id}")
    assert first.status_code == second.status_code == 200
    a, b = first.json(), second.json()
    assert a["request_id"] != b["request_id"]
    assert b["request_id"] == second.headers["x-notion-request-id"]
    assert {k: v for k, v in a.items() if k != "request_id"} == {k: v for k, v in b.items() if k != "request_id"}
    assert list(b)[-1] == "request_id"
    assert int(second.headers["content-length"]) == len(second.content)


def test_writes_through_the_api_are_seen_at_once(ws):
    notion = ws.client()
    page = notion.pages.create(parent={"page_id": ws.root_id}, properties={"title": {"title": text("Before")}})
    assert _title(notion.pages.retrieve(page["id"])) == "Before"
    notion.pages.update(page["id"], properties={"title": {"title": text("After")}})
    assert _title(notion.pages.retrieve(page["id"])) == "After"

    assert notion.blocks.children.list(page["id"])["results"] == []
    notion.blocks.children.append(page["id"], children=[paragraph("hello")])
    assert len(notion.blocks.children.list(page["id"])["results"]) == 1

    notion.pages.update(page["id"], in_trash=True)
    assert notion.pages.retrieve(page["id"])["in_trash"] is True


def test_each_version_and_token_gets_its_own_answer(ws):
    old = ws.raw("GET", f"/v1/pages/{ws.root_id}", version="2022-06-28").json()
    new = ws.raw("GET", f"/v1/pages/{ws.root_id}", version="2026-03-11").json()
    assert "archived" in old and "archived" not in new
    reader = ws.integration("Reader", capabilities=("read_content",), share=None)
    assert_error(ws.raw("GET", f"/v1/pages/{ws.root_id}", token=reader), 404, "object_not_found")
    assert ws.raw("GET", f"/v1/pages/{ws.root_id}").status_code == 200


def test_sharing_changes_are_seen_at_once(ws):
    assert ws.raw("GET", f"/v1/pages/{ws.root_id}").status_code == 200
    ws.unshare(ws.root_id)
    assert_error(ws.raw("GET", f"/v1/pages/{ws.root_id}"), 404, "object_not_found")
    ws.share(ws.root_id)
    assert ws.raw("GET", f"/v1/pages/{ws.root_id}").status_code == 200


def test_changes_made_by_another_process_are_seen_at_once(server, ws):
    database = server.database
    workspace = ws.info.id
    assert ws.raw("GET", f"/v1/pages/{ws.root_id}").status_code == 200
    assert ws.raw("GET", "/v1/users/me").status_code == 200

    _cli(database, "unshare", ws.root_id, "Test Integration", "--workspace", workspace)
    assert_error(ws.raw("GET", f"/v1/pages/{ws.root_id}"), 404, "object_not_found")

    _cli(database, "integration", "rotate", "Test Integration", "--workspace", workspace)
    assert_error(ws.raw("GET", "/v1/users/me"), 401, "unauthorized")


def test_answers_that_read_the_clock_are_not_kept(server, tmp_path):
    srv = custom_server(server, tmp_path)
    try:
        clock = srv.store.clock = FixedClock(1_767_225_600_000)  # 2026-01-01T00:00:00Z
        ws = srv.new_workspace()
        _db, ds_id = make_db(ws, "2026-03-11", {
            "Name": {"title": {}},
            "Now": {"formula": {"expression": 'formatDate(now(), "YYYY-MM-DD HH:mm")'}},
        })
        page = ws.client().pages.create(parent={"data_source_id": ds_id},
                                        properties={"Name": {"title": text("row")}})

        def now_value() -> str:
            return ws.client().pages.retrieve(page["id"])["properties"]["Now"]["formula"]["string"]

        first = now_value()
        clock.ms += 3_600_000
        assert now_value() != first
    finally:
        srv.stop()


def test_the_cache_can_be_turned_off(server, tmp_path):
    srv = custom_server(server, tmp_path, response_cache_mb=0)
    try:
        ws = srv.new_workspace()
        assert srv.app._asgi is not None
        assert ws.raw("GET", f"/v1/pages/{ws.root_id}").status_code == 200
        ws.unshare(ws.root_id)
        assert_error(ws.raw("GET", f"/v1/pages/{ws.root_id}"), 404, "object_not_found")
    finally:
        srv.stop()


def test_the_change_watch_moves_on_every_commit_and_only_then(tmp_path):
    """store/changes.py reads SQLite's WAL-index header; any connection's commit moves it, a read doesn't."""
    import sqlite3

    from blockyard.store.changes import ChangeWatch

    path = str(tmp_path / "watched.db")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("CREATE TABLE t (x)")
    watch = ChangeWatch(path)
    try:
        seen = [watch.changes()]
        assert isinstance(seen[0], bytes), "the header is read from -shm, not through PRAGMA data_version"
        for i in range(3):
            other.execute("INSERT INTO t VALUES (?)", (i,))
            seen.append(watch.changes())
        assert len(set(seen)) == 4
        other.execute("SELECT count(*) FROM t").fetchall()
        other.execute("BEGIN IMMEDIATE")
        other.execute("COMMIT")  # a transaction that wrote nothing
        assert watch.changes() == seen[-1]
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        other.execute("INSERT INTO t VALUES (9)")  # after a reset the log starts again from frame 1
        assert watch.changes() not in seen
    finally:
        watch.close()
        other.close()


def test_the_change_watch_falls_back_to_data_version_without_wal(tmp_path):
    import sqlite3

    from blockyard.store.changes import ChangeWatch

    path = str(tmp_path / "rollback.db")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE t (x)")
    watch = ChangeWatch(path)
    try:
        before = watch.changes()
        assert isinstance(before, int)
        other.execute("INSERT INTO t VALUES (1)")
        assert watch.changes() != before
    finally:
        watch.close()
        other.close()


# Kept answers are served before routing and authentication (RequestContext) only while nothing in the
# chain would answer otherwise. Each test below keeps an answer first, then checks that layer still has its say.

def test_a_kept_answer_still_counts_against_the_rate_limit(server, tmp_path):
    srv = custom_server(server, tmp_path, rate_limit="per_integration=3/60s")
    try:
        ws = srv.new_workspace()
        statuses = [ws.raw("GET", f"/v1/pages/{ws.root_id}").status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
    finally:
        srv.stop()


def test_a_kept_answer_still_carries_cors_headers(server, tmp_path):
    origin = "https://app.example"
    srv = custom_server(server, tmp_path, cors_origins=(origin,))
    try:
        ws = srv.new_workspace()
        for _ in range(3):
            resp = ws.raw("GET", f"/v1/pages/{ws.root_id}", headers={"Origin": origin})
            assert resp.status_code == 200
            assert resp.headers["access-control-allow-origin"] == origin
    finally:
        srv.stop()


def test_a_kept_answer_gives_way_to_an_injected_fault(server, tmp_path):
    import httpx

    key = "kept-admin-key"
    srv = custom_server(server, tmp_path, admin_key=key)
    admin = {"Authorization": f"Bearer {key}"}
    try:
        ws = srv.new_workspace()
        path = f"/v1/pages/{ws.root_id}"
        assert ws.raw("GET", path).status_code == ws.raw("GET", path).status_code == 200
        added = httpx.post(srv.url + "/admin/faults", json={"status": 503, "path": path}, headers=admin)
        assert added.status_code == 200, added.text
        assert_error(ws.raw("GET", path), 503, "service_unavailable")
        assert httpx.delete(srv.url + "/admin/faults", headers=admin).status_code == 200
        assert ws.raw("GET", path).status_code == 200
    finally:
        srv.stop()


def test_a_kept_answer_is_not_served_to_a_get_with_an_oversized_body(ws):
    path = f"/v1/pages/{ws.root_id}"
    assert ws.raw("GET", path).status_code == ws.raw("GET", path).status_code == 200
    resp = ws.raw("GET", path, content=b"x" * (500 * 1024 + 1))
    assert "500KB" in assert_error(resp, 400, "validation_error")["message"]


def test_a_kept_answer_is_refused_to_a_bad_token_or_version(ws):
    path = f"/v1/pages/{ws.root_id}"
    assert ws.raw("GET", path).status_code == ws.raw("GET", path).status_code == 200
    assert_error(ws.raw("GET", path, token="ntn_not_a_token"), 401, "unauthorized")
    assert_error(ws.raw("GET", path, token=None), 401, "unauthorized")
    assert_error(ws.raw("GET", path, version=None), 400, "missing_version")
    assert_error(ws.raw("GET", path, version="2021-01-01"), 400, "validation_error")
    other = ws.integration("Reader without access", share=None)
    assert_error(ws.raw("GET", path, token=other), 404, "object_not_found")


def test_a_write_through_one_server_is_seen_at_once_by_another_on_the_same_store(server, tmp_path):
    """Two servers on one store, as `serve --workers 2` runs: each keeps answers, and a commit through
    either empties both (on PostgreSQL through the snapshot, which moves with any transaction's end)."""
    import dataclasses

    from support import Server

    first = custom_server(server, tmp_path)
    second = Server.start(first.database)
    try:
        ws = first.new_workspace()
        on_second = dataclasses.replace(ws, server=second)
        path = f"/v1/pages/{ws.root_id}"
        for _ in range(2):  # kept by both
            assert _title(ws.raw("GET", path).json()) == _title(on_second.raw("GET", path).json())
        before = _title(on_second.raw("GET", path).json())
        ws.client().pages.update(ws.root_id, properties={"title": {"title": text("Renamed on the first")}})
        assert _title(on_second.raw("GET", path).json()) == "Renamed on the first" != before
        ws.unshare(ws.root_id)
        assert_error(on_second.raw("GET", path), 404, "object_not_found")
    finally:
        second.stop()
        first.stop()
