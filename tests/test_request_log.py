"""The request log: GET /admin/log and `blockyard log`; bounded, and never holding tokens or bodies."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from support import Server, Workspace, custom_server, assert_error, paragraph

KEY = "log-admin-key"


@pytest.fixture(scope="module")
def log_server(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = custom_server(server, tmp_path_factory.mktemp("log"), admin_key=KEY)
    try:
        yield srv
    finally:
        srv.stop()


def read_log(srv: Server, **params: Any) -> list[dict[str, Any]]:
    resp = httpx.get(srv.url + "/admin/log", params=params, headers={"Authorization": f"Bearer {KEY}"})
    assert resp.status_code == 200, resp.text
    return resp.json()["results"]


def mine(srv: Server, w: Workspace) -> list[dict[str, Any]]:
    return [e for e in read_log(srv, limit=1000) if e["workspace_id"] == w.info.id]


def test_each_request_is_logged(log_server: Server) -> None:
    w = log_server.new_workspace()
    ok = w.raw("GET", "/v1/users/me")
    bad = w.raw("GET", "/v1/pages/not-an-id")
    missing = w.raw("GET", f"/v1/blocks/{uuid.uuid4()}/children?page_size=5")
    entries = mine(log_server, w)
    assert [e["request_id"] for e in entries] == [
        missing.headers["x-notion-request-id"], bad.headers["x-notion-request-id"], ok.headers["x-notion-request-id"]
    ]
    newest, middle, oldest = entries
    assert oldest["status"] == 200 and oldest["error_code"] is None
    assert oldest["method"] == "GET" and oldest["path"] == "/v1/users/me"
    assert oldest["integration"] == "Test Integration" and oldest["integration_id"]
    assert middle["status"] == bad.status_code and middle["error_code"] == bad.json()["code"]
    assert newest["status"] == 404 and newest["error_code"] == "object_not_found"
    assert newest["path"].endswith("/children")  # no query string
    for e in entries:
        assert e["duration_ms"] >= 0
        assert e["time"].endswith("Z")


def test_unauthenticated_and_personal_requests(log_server: Server) -> None:
    w = log_server.new_workspace()
    personal = w.personal_token()
    resp = w.raw("GET", "/v1/users/me", token="not-a-token")
    assert_error(resp, 401, "unauthorized")
    assert w.raw("GET", "/v1/users/me", token=personal).status_code == 200
    by_id = {e["request_id"]: e for e in read_log(log_server, limit=50)}
    entry = by_id[resp.headers["x-notion-request-id"]]
    assert entry["status"] == 401 and entry["integration"] is None and entry["error_code"] == "unauthorized"
    assert [e["integration"] for e in mine(log_server, w)] == ["personal"]


def test_filter_by_integration_and_limit(log_server: Server) -> None:
    w = log_server.new_workspace()
    other = w.integration(f"Other {uuid.uuid4().hex[:6]}")
    for _ in range(3):
        w.raw("GET", "/v1/users/me", token=other)
    w.raw("GET", "/v1/users/me")
    name = [e for e in mine(log_server, w) if e["integration"] != "Test Integration"][0]["integration"]
    assert [e["integration"] for e in read_log(log_server, integration=name)] == [name] * 3
    assert len(read_log(log_server, integration=name, limit=2)) == 2
    resp = httpx.get(log_server.url + "/admin/log?limit=0", headers={"Authorization": f"Bearer {KEY}"})
    assert "query.limit" in assert_error(resp, 400, "validation_error")["message"]


def test_never_tokens_or_bodies(log_server: Server) -> None:
    w = log_server.new_workspace()
    secret = f"secret body {uuid.uuid4().hex}"
    w.raw("PATCH", f"/v1/blocks/{w.root_id}/children", json={"children": [paragraph(secret)]})
    w.raw("GET", "/v1/users/me", token=w.token + "x")
    read_log(log_server)  # flushes
    from blockyard.store.schema_limits import request_log

    with log_server.store.log_transaction() as conn:
        rows = [tuple(r) for r in conn.execute(sa.select(request_log))]
    assert len(rows) >= 2
    dump = repr(rows)
    assert w.token not in dump and w.token[-12:] not in dump
    assert secret not in dump


def test_cli_reads_the_log(log_server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    from blockyard.cli import main

    w = log_server.new_workspace()
    other = f"CLI {uuid.uuid4().hex[:6]}"
    token = w.integration(other)
    resp = w.raw("GET", "/v1/users/me", token=token)
    read_log(log_server)  # flushes
    monkeypatch.delenv("BLOCKYARD_DATABASE", raising=False)
    result = CliRunner().invoke(main, ["log", "--database", log_server.database, "--integration", other, "--json"])
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.stdout)
    assert entry["request_id"] == resp.headers["x-notion-request-id"]
    assert entry["status"] == 200 and entry["path"] == "/v1/users/me"
    plain = CliRunner().invoke(main, ["log", "--database", log_server.database, "--limit", "1", "--integration", other])
    assert plain.exit_code == 0
    line = plain.stdout.strip()
    assert "200" in line and "GET" in line and "/v1/users/me" in line and other in line
    assert resp.headers["x-notion-request-id"] in line


def test_log_keeps_a_bounded_window(server: Server, tmp_path: Path) -> None:
    srv = custom_server(server, tmp_path, admin_key=KEY, request_log_rows=5)
    try:
        w = srv.new_workspace()
        ids = [w.raw("GET", "/v1/users/me").headers["x-notion-request-id"] for _ in range(12)]
        assert [e["request_id"] for e in read_log(srv, limit=100)] == ids[::-1][:5]
        with srv.store.log_transaction() as conn:  # its own file beside an SQLite store
            from blockyard.store.schema_limits import request_log

            assert conn.execute(sa.select(sa.func.count()).select_from(request_log)).scalar() == 5
    finally:
        srv.stop()


def test_log_can_be_turned_off(server: Server, tmp_path: Path) -> None:
    srv = custom_server(server, tmp_path, admin_key=KEY, request_log_rows=0)
    try:
        w = srv.new_workspace()
        assert w.raw("GET", "/v1/users/me").status_code == 200
        assert read_log(srv) == []
    finally:
        srv.stop()


def test_kept_answers_are_logged_like_any_other(log_server: Server) -> None:
    w = log_server.new_workspace()
    ids = [w.raw("GET", f"/v1/pages/{w.root_id}").headers["x-notion-request-id"] for _ in range(3)]
    entries = {e["request_id"]: e for e in mine(log_server, w)}
    for request_id in ids:
        entry = entries[request_id]
        assert (entry["method"], entry["path"], entry["status"]) == ("GET", f"/v1/pages/{w.root_id}", 200)
        assert entry["integration"] == "Test Integration" and entry["integration_id"]
