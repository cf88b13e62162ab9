"""Fault injection (/admin/faults and BLOCKYARD_FAULTS), the request timeout, and the official clients
retrying through injected failures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from notion_client import APIResponseError, Client
from notion_client.client import RetryOptions

from support import Server, Workspace, custom_server, assert_error, paragraph, text

ADMIN_KEY = "test-admin-key"
JS_DIR = Path(__file__).parent / "js"


@pytest.fixture(scope="module")
def fault_server(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = custom_server(server, tmp_path_factory.mktemp("faults"), admin_key=ADMIN_KEY)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def fws(fault_server: Server) -> Iterator[Workspace]:
    admin(fault_server, "DELETE", "/admin/faults")
    yield fault_server.new_workspace()
    admin(fault_server, "DELETE", "/admin/faults")


def admin(srv: Server, method: str, path: str, body: Any = None, key: str | None = ADMIN_KEY) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.request(method, srv.url + path, json=body, headers=headers, timeout=30)


def add_rules(srv: Server, *rules: dict[str, Any]) -> list[dict[str, Any]]:
    resp = admin(srv, "POST", "/admin/faults", {"rules": list(rules)})
    assert resp.status_code == 200, resp.text
    return resp.json()["results"]


def log(srv: Server, **params: Any) -> list[dict[str, Any]]:
    resp = httpx.get(srv.url + "/admin/log", params=params, headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    assert resp.status_code == 200, resp.text
    return resp.json()["results"]


def child_count(w: Workspace) -> int:
    return len(w.client().blocks.children.list(block_id=w.root_id)["results"])


# --- the admin endpoint ---------------------------------------------------------------------------

def test_admin_needs_the_key(fault_server: Server) -> None:
    assert_error(admin(fault_server, "GET", "/admin/faults", key=None), 401, "unauthorized")
    assert_error(admin(fault_server, "GET", "/admin/faults", key="wrong"), 401, "unauthorized")
    assert admin(fault_server, "GET", "/admin/faults").status_code == 200


def test_admin_is_absent_without_a_key(server: Server) -> None:
    resp = httpx.get(server.url + "/admin/faults", headers={"Authorization": "Bearer anything"})
    assert_error(resp, 400, "invalid_request_url")


def test_bad_rules_are_refused_naming_the_field(fws: Workspace) -> None:
    srv = fws.server
    cases = [
        ({"status": 418}, "body.rules[1].status"),
        ({"status": 503, "every_nth": 0}, "body.rules[1].every_nth"),
        ({"status": 503, "probability": 2}, "body.rules[1].probability"),
        ({"status": 503, "colour": "red"}, "body.rules[1].colour"),
        ({"path": "/v1/*"}, "a status, a latency_ms"),
    ]
    for rule, named in cases:
        body = assert_error(admin(srv, "POST", "/admin/faults", {"rules": [{"status": 503}, rule]}), 400,
                            "validation_error")
        assert named in body["message"], body
    assert admin(srv, "GET", "/admin/faults").json()["results"] == []  # nothing half-added


def test_rules_list_and_delete(fws: Workspace) -> None:
    srv = fws.server
    added = add_rules(srv, {"id": "a", "status": 500}, {"id": "b", "latency_ms": 1, "path": "/v1/search"})
    assert [r["id"] for r in added] == ["a", "b"]
    assert [r["id"] for r in admin(srv, "GET", "/admin/faults").json()["results"]] == ["a", "b"]
    assert [r["id"] for r in admin(srv, "DELETE", "/admin/faults/a").json()["results"]] == ["b"]
    assert_error(admin(srv, "DELETE", "/admin/faults/a"), 404, "object_not_found")
    resp = admin(srv, "PUT", "/admin/faults", [{"id": "c", "status": 502}])
    assert resp.status_code == 200
    assert [r["id"] for r in admin(srv, "GET", "/admin/faults").json()["results"]] == ["c"]


# --- what a firing rule answers ---------------------------------------------------------------------

@pytest.mark.parametrize("status,code,retry_after", [
    (500, "internal_server_error", None),
    (502, "bad_gateway", None),
    (503, "service_unavailable", None),
    (504, "gateway_timeout", None),
    (529, "service_overload", "1"),
    (429, "rate_limited", "1"),
])
def test_injected_failures_have_notions_shape(fws: Workspace, status: int, code: str, retry_after: str | None) -> None:
    add_rules(fws.server, {"status": status, "path": "/v1/users/me"})
    body = assert_error(fws.raw("GET", "/v1/users/me"), status, code)
    assert fws.raw("GET", "/v1/users/me").headers.get("retry-after") == retry_after
    if status == 429:
        assert body["additional_data"] == {"rate_limit_reason": "public_api_request_rate_limit"}
    assert fws.raw("GET", "/v1/users").status_code == 200  # other paths pass


def test_rule_retry_after_is_sent(fws: Workspace) -> None:
    add_rules(fws.server, {"status": 503, "retry_after": 7})
    assert_error(fws.raw("GET", "/v1/users/me"), 503, "service_unavailable")
    assert fws.raw("GET", "/v1/users/me").headers["retry-after"] == "7"


def test_match_by_method_path_and_integration(fws: Workspace) -> None:
    other = fws.integration("Other")
    add_rules(fws.server, {"status": 502, "method": "PATCH", "path": "/v1/blocks/*/children", "integration": "Other"})
    children = {"children": [paragraph("x")]}
    assert fws.raw("PATCH", f"/v1/blocks/{fws.root_id}/children", json=children).status_code == 200
    assert fws.raw("GET", f"/v1/blocks/{fws.root_id}/children", token=other).status_code == 200
    assert_error(fws.raw("PATCH", f"/v1/blocks/{fws.root_id}/children", json=children, token=other), 502, "bad_gateway")
    assert child_count(fws) == 1  # the failed append wrote nothing


def test_every_nth_and_times(fws: Workspace) -> None:
    add_rules(fws.server, {"status": 500, "every_nth": 3, "times": 2, "path": "/v1/users/me"})
    statuses = [fws.raw("GET", "/v1/users/me").status_code for _ in range(10)]
    assert statuses == [200, 200, 500, 200, 200, 500, 200, 200, 200, 200]
    [rule] = admin(fws.server, "GET", "/admin/faults").json()["results"]
    assert rule["fired"] == 2


def test_probability_with_a_seed_repeats(fws: Workspace) -> None:
    runs = []
    for _ in range(2):
        admin(fws.server, "PUT", "/admin/faults", {"status": 503, "probability": 0.5, "seed": 42})
        runs.append([fws.raw("GET", "/v1/users/me").status_code for _ in range(16)])
    assert runs[0] == runs[1]
    assert 200 in runs[0] and 503 in runs[0]


def test_failure_without_apply_write_changes_nothing(fws: Workspace) -> None:
    add_rules(fws.server, {"status": 500, "method": "PATCH", "times": 1})
    resp = fws.raw("PATCH", f"/v1/blocks/{fws.root_id}/children", json={"children": [paragraph("lost")]})
    assert_error(resp, 500, "internal_server_error")
    assert child_count(fws) == 0


def test_apply_write_commits_then_fails(fws: Workspace) -> None:
    add_rules(fws.server, {"status": 504, "method": "PATCH", "apply_write": True, "times": 1})
    resp = fws.raw("PATCH", f"/v1/blocks/{fws.root_id}/children", json={"children": [paragraph("kept")]})
    assert_error(resp, 504, "gateway_timeout")
    assert child_count(fws) == 1


def test_latency_rule_answers_normally(fws: Workspace) -> None:
    add_rules(fws.server, {"latency_ms": 50, "path": "/v1/users/me"})
    assert fws.raw("GET", "/v1/users/me").status_code == 200
    assert admin(fws.server, "GET", "/admin/faults").json()["results"][0]["fired"] == 1


def test_rules_file(server: Server, tmp_path: Path) -> None:
    rules = tmp_path / "faults.json"
    rules.write_text(json.dumps([{"status": 529, "path": "/v1/search", "times": 1}]))
    srv = custom_server(server, tmp_path, faults=str(rules))
    try:
        w = srv.new_workspace()
        assert_error(w.raw("POST", "/v1/search", json={}), 529, "service_overload")
        assert w.raw("POST", "/v1/search", json={}).status_code == 200
    finally:
        srv.stop()


def test_bad_rules_file_stops_start_up(tmp_path: Path) -> None:
    rules = tmp_path / "faults.json"
    rules.write_text(json.dumps([{"status": 200}]))
    with pytest.raises(ValueError, match=r"faults\[0\]\.status"):
        Server.start(str(tmp_path / "x.db"), faults=str(rules))


# --- the request timeout ------------------------------------------------------------------------------

def test_request_past_the_timeout_answers_503(server: Server, tmp_path: Path) -> None:
    srv = custom_server(server, tmp_path, admin_key=ADMIN_KEY, request_timeout=0.2)
    try:
        w = srv.new_workspace()
        add_rules(srv, {"latency_ms": 5000, "method": "PATCH"})
        resp = w.raw("PATCH", f"/v1/blocks/{w.root_id}/children", json={"children": [paragraph("slow")]})
        assert_error(resp, 503, "service_unavailable", "Notion is unavailable, please try again later.")
        assert "retry-after" not in resp.headers
        admin(srv, "DELETE", "/admin/faults")
        assert child_count(w) == 0
    finally:
        srv.stop()


def test_handler_past_the_timeout_rolls_back(server: Server, tmp_path: Path) -> None:
    # A timeout no request can meet: the handler runs, then its transaction is rolled back.
    srv = custom_server(server, tmp_path, request_timeout=1e-9)
    try:
        w = srv.new_workspace()
        resp = w.raw("PATCH", f"/v1/blocks/{w.root_id}/children", json={"children": [paragraph("late")]})
        assert_error(resp, 503, "service_unavailable")
        with srv.store.read() as tx:
            from blockyard.store import nodes

            assert nodes.children(tx, w.root_id, limit=10) == []
    finally:
        srv.stop()


# --- the official clients retry through injected failures -------------------------------------------------

def retrying_client(w: Workspace, max_retries: int = 3) -> Client:
    # Retry-After is honoured up to max_retry_delay_ms, which keeps these tests quick.
    return Client(auth=w.token, base_url=w.server.url, notion_version="2026-03-11",
                  retry=RetryOptions(max_retries=max_retries, initial_retry_delay_ms=10, max_retry_delay_ms=20))


def statuses(w: Workspace, path: str, method: str = "GET") -> list[int]:
    """This workspace's requests to `path`, oldest first, from the request log."""
    return [e["status"] for e in reversed(log(w.server, limit=200))
            if e["path"] == path and e["method"] == method and e["workspace_id"] == w.info.id]


def test_python_client_retries_429_and_503(fws: Workspace) -> None:
    srv = fws.server
    client = retrying_client(fws)
    add_rules(srv, {"status": 429, "times": 2, "path": "/v1/users/me"})
    assert client.users.me()["object"] == "user"
    add_rules(srv, {"status": 503, "times": 2, "path": f"/v1/blocks/{fws.root_id}/children"})
    assert client.blocks.children.list(block_id=fws.root_id)["results"] == []
    assert statuses(fws, "/v1/users/me") == [429, 429, 200]
    assert statuses(fws, f"/v1/blocks/{fws.root_id}/children") == [503, 503, 200]


def test_python_client_retries_a_rate_limited_write_once_it_is_applied(fws: Workspace) -> None:
    srv = fws.server
    add_rules(srv, {"status": 429, "times": 1, "method": "PATCH"})
    retrying_client(fws).blocks.children.append(block_id=fws.root_id, children=[paragraph("once")])
    assert child_count(fws) == 1
    path = f"/v1/blocks/{fws.root_id}/children"
    assert statuses(fws, path, "PATCH") == [429, 200]


def test_python_client_does_not_retry_a_503_write(fws: Workspace) -> None:
    add_rules(fws.server, {"status": 503, "times": 1, "method": "PATCH"})
    with pytest.raises(APIResponseError) as info:
        retrying_client(fws).blocks.children.append(block_id=fws.root_id, children=[paragraph("no")])
    assert info.value.status == 503 and info.value.code == "service_unavailable"
    assert child_count(fws) == 0


def test_python_client_gives_up_after_its_retries(fws: Workspace) -> None:
    add_rules(fws.server, {"status": 429, "path": "/v1/users/me"})
    with pytest.raises(APIResponseError) as info:
        retrying_client(fws, max_retries=2).users.me()
    assert info.value.code == "rate_limited"
    assert statuses(fws, "/v1/users/me") == [429, 429, 429]


@pytest.mark.skipif(shutil.which("node") is None or not (JS_DIR / "node_modules" / "@notionhq" / "client").exists(),
                    reason="node or tests/js/node_modules is absent")
def test_js_client_retries(fws: Workspace) -> None:
    srv = fws.server
    add_rules(
        srv,
        {"status": 429, "times": 2, "path": "/v1/users/me"},
        {"status": 503, "times": 1, "method": "GET", "path": f"/v1/blocks/{fws.root_id}/children"},
        {"status": 529, "times": 1, "method": "PATCH", "path": f"/v1/blocks/{fws.root_id}/children"},
        {"status": 503, "times": 1, "method": "POST", "path": "/v1/search"},
    )
    env = {**os.environ, "BLOCKYARD_URL": srv.url, "BLOCKYARD_TOKEN": fws.token, "BLOCKYARD_PAGE": fws.root_id}
    run = subprocess.run(["node", str(JS_DIR / "retry.mjs")], cwd=JS_DIR, env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["me"] == "user"
    assert out["children"] == 0
    assert out["appended"] == 1
    assert out["search_error"] == {"status": 503, "code": "service_unavailable"}  # POST 503 is not retried
    assert statuses(fws, "/v1/users/me") == [429, 429, 200]
    children = f"/v1/blocks/{fws.root_id}/children"
    assert statuses(fws, children) == [503, 200, 200]
    assert statuses(fws, children, "PATCH") == [529, 200]
    assert statuses(fws, "/v1/search", "POST") == [503]
    assert child_count(fws) == 1
