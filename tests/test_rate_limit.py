"""Rate limits (--rate-limit / BLOCKYARD_RATE_LIMIT): 429 rate_limited with an integer Retry-After,
per integration and per workspace, off by default."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from click.testing import CliRunner
from notion_client import Client
from notion_client.client import RetryOptions

from support import Server, Workspace, custom_server, assert_error, paragraph

MESSAGE = "You have been rate limited. Please try again in a few minutes."


@pytest.fixture
def limited(server: Server, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Server]:
    srv = custom_server(server, tmp_path, rate_limit=request.param)
    try:
        yield srv
    finally:
        srv.stop()


def me(w: Workspace, token: str | None = None) -> Any:
    return w.raw("GET", "/v1/users/me", token=token or "default")


def assert_rate_limited(resp: Any, reason: str, most: int = 60) -> int:
    body = assert_error(resp, 429, "rate_limited", MESSAGE)
    assert body["additional_data"] == {"rate_limit_reason": reason}
    retry_after = resp.headers["retry-after"]
    assert retry_after.isdigit(), retry_after
    assert 1 <= int(retry_after) <= most
    return int(retry_after)


def test_off_by_default(ws: Workspace) -> None:
    assert all(me(ws).status_code == 200 for _ in range(30))


@pytest.mark.parametrize("limited", ["per_integration=3/60s"], indirect=True)
def test_per_integration_budget(limited: Server) -> None:
    w = limited.new_workspace()
    other = w.integration("Other")
    assert [me(w).status_code for _ in range(3)] == [200, 200, 200]
    assert_rate_limited(me(w), "public_api_request_rate_limit")
    assert_rate_limited(me(w), "public_api_request_rate_limit")
    assert me(w, other).status_code == 200  # another connection has its own budget
    assert limited.new_workspace().raw("GET", "/v1/users/me").status_code == 200


@pytest.mark.parametrize("limited", ["per_workspace=4/60s"], indirect=True)
def test_per_workspace_budget_is_shared(limited: Server) -> None:
    w = limited.new_workspace()
    other = w.integration("Other")
    assert [me(w).status_code for _ in range(2)] == [200, 200]
    assert [me(w, other).status_code for _ in range(2)] == [200, 200]
    assert_rate_limited(me(w, other), "public_api_space_request_rate_limit")
    assert_rate_limited(me(w), "public_api_space_request_rate_limit")
    assert limited.new_workspace().raw("GET", "/v1/users/me").status_code == 200  # other workspaces are apart


@pytest.mark.parametrize("limited", ["per_integration=2/60s,per_workspace=3/60s"], indirect=True)
def test_integration_refusals_do_not_spend_the_workspace_budget(limited: Server) -> None:
    w = limited.new_workspace()
    other = w.integration("Other")
    assert [me(w).status_code for _ in range(2)] == [200, 200]
    for _ in range(5):
        assert_rate_limited(me(w), "public_api_request_rate_limit")
    assert me(w, other).status_code == 200  # the workspace still had one request left
    assert_rate_limited(me(w, other), "public_api_space_request_rate_limit")


@pytest.mark.parametrize("limited", ["per_workspace=1/300s"], indirect=True)
def test_workspace_retry_after_may_exceed_a_minute(limited: Server) -> None:
    w = limited.new_workspace()
    assert me(w).status_code == 200
    assert assert_rate_limited(me(w), "public_api_space_request_rate_limit", most=300) > 60


@pytest.mark.parametrize("limited", ["per_integration=1/60s"], indirect=True)
def test_refused_write_changes_nothing(limited: Server) -> None:
    w = limited.new_workspace()
    assert me(w).status_code == 200
    resp = w.raw("PATCH", f"/v1/blocks/{w.root_id}/children", json={"children": [paragraph("x")]})
    assert_rate_limited(resp, "public_api_request_rate_limit")
    with limited.store.read() as tx:
        from blockyard.store import nodes

        assert nodes.children(tx, w.root_id, limit=10) == []


@pytest.mark.parametrize("limited", ["notion"], indirect=True)
def test_notion_budget_allows_a_burst_of_180(limited: Server) -> None:
    w = limited.new_workspace()
    headers = {"Authorization": f"Bearer {w.token}", "Notion-Version": "2026-03-11"}
    with httpx.Client(base_url=limited.url, headers=headers) as http:  # keep-alive: a quick burst
        codes = [http.get("/v1/users/me").status_code for _ in range(180)]
        assert codes == [200] * 180
        # The bucket refills at 3 per second, so a few more requests may pass before the first 429.
        for _ in range(300):
            resp = http.get("/v1/users/me")
            if resp.status_code != 200:
                break
    assert_rate_limited(resp, "public_api_request_rate_limit")


@pytest.mark.parametrize("limited", ["per_integration=2/1s"], indirect=True)
def test_python_client_waits_out_retry_after(limited: Server) -> None:
    w = limited.new_workspace()
    client = Client(auth=w.token, base_url=limited.url, notion_version="2025-09-03",
                    retry=RetryOptions(max_retries=3, initial_retry_delay_ms=10, max_retry_delay_ms=2000))
    assert me(w).status_code == 200 and me(w).status_code == 200
    assert_rate_limited(me(w), "public_api_request_rate_limit", most=1)
    assert client.users.me()["object"] == "user"  # after Retry-After (1 s) the bucket has refilled


def test_budget_holds_across_processes(server: Server, tmp_path: Path) -> None:
    """Two servers on one PostgreSQL store stand for two workers: they spend one budget."""
    if not server.database.startswith("postgresql"):
        pytest.skip("SQLite stores are served by one process; their buckets live in memory")
    first = custom_server(server, tmp_path, rate_limit="per_integration=4/60s")
    second = Server.start(first.database, rate_limit="per_integration=4/60s")
    try:
        w = first.new_workspace()
        from support import Workspace as W

        w2 = W(second, w.info, w.token, w.root_id)
        assert [me(w).status_code, me(w2).status_code, me(w).status_code, me(w2).status_code] == [200] * 4
        assert_rate_limited(me(w2), "public_api_request_rate_limit")
        assert_rate_limited(me(w), "public_api_request_rate_limit")
    finally:
        second.uvicorn_server.should_exit = True
        second.thread.join(timeout=10)
        second.store.dispose()
        first.stop()


@pytest.mark.parametrize("spec", ["fast", "per_integration=3", "per_integration=0/1s", "per_conn=3/1s",
                                  "per_integration=3/1s,per_integration=4/1s"])
def test_bad_budget_stops_start_up(spec: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="rate limit"):
        Server.start(str(tmp_path / "x.db"), rate_limit=spec)


def test_serve_refuses_a_bad_rate_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from blockyard.cli import main

    monkeypatch.setenv("BLOCKYARD_RATE_LIMIT", "off")  # restored after: serve exports its options
    result = CliRunner().invoke(main, ["serve", "--database", str(tmp_path / "x.db"), "--rate-limit", "lots"])
    assert result.exit_code != 0
    assert "--rate-limit" in result.output
