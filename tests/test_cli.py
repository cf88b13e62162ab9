"""The command line, through click's CliRunner on a temporary SQLite store, and `serve` as a real process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import click
import httpx
import pytest
from click.testing import CliRunner

from blockyard.cli import main
from support import free_port

TOKEN = re.compile(r"ntn_[A-Za-z0-9]{46}")


@pytest.fixture
def cli(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "cli.db")

    def run(*args: str, ok: bool = True):
        env = {k: v for k, v in os.environ.items() if not k.startswith("BLOCKYARD_")}
        result = runner.invoke(main, [*args, "--database", db], env=env, catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    run.db = db  # type: ignore[attr-defined]
    return run


def as_json(result):
    return json.loads(result.stdout)


def failed(result, *needles: str) -> None:
    """A friendly failure: non-zero exit, a message naming the problem, no traceback."""
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output, result.output


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("command", list(_commands(main)), ids=" ".join)
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("blockyard")


# --- integrations and tokens ---------------------------------------------------------------------

def test_integration_create_shows_the_token_once(cli):
    created = cli("integration", "create", "My integration", "--capabilities", "read,update,insert,user_without_email")
    tokens = TOKEN.findall(created.output)
    assert len(tokens) == 1 and "shown once" in created.output
    listed = cli("integration", "list")
    assert "My integration" in listed.output and tokens[0] not in listed.output
    assert "…" + tokens[0][-4:] in listed.output
    info = as_json(cli("integration", "list", "--json"))
    assert info[0]["name"] == "My integration"
    assert info[0]["capabilities"] == ["read_content", "update_content", "insert_content", "user_without_email"]
    assert "token" not in info[0]


def test_integration_create_json(cli):
    data = as_json(cli("integration", "create", "Scripted", "--json"))
    assert TOKEN.fullmatch(data["token"])
    assert data["name"] == "Scripted" and data["bot_id"] and data["id"]
    assert set(data["capabilities"]) == {"read_content", "update_content", "insert_content", "read_comments",
                                         "insert_comments", "user_without_email"}


def test_integration_errors_are_friendly(cli):
    cli("integration", "create", "Dup")
    failed(cli("integration", "create", "Dup", ok=False), "already exists")
    failed(cli("integration", "create", "Bad", "--capabilities", "read,fly", ok=False), "unknown capability")
    failed(cli("integration", "create", "Two", "--capabilities", "user_with_email,no_user_info", ok=False),
           "at most one user information level")
    failed(cli("integration", "create", "  ", ok=False), "needs a name")
    failed(cli("integration", "rotate", "Nobody", ok=False), "no integration 'Nobody'")
    failed(cli("integration", "delete", "Nobody", ok=False), "no integration 'Nobody'")


def test_rotate_and_delete(cli):
    first = TOKEN.search(cli("integration", "create", "Rot").output).group(0)
    rotated = cli("integration", "rotate", "Rot")
    second = TOKEN.search(rotated.output).group(0)
    assert second != first
    data = as_json(cli("integration", "rotate", "Rot", "--json"))
    assert data["name"] == "Rot" and TOKEN.fullmatch(data["token"]) and data["token"] != second
    assert "Deleted" in cli("integration", "delete", "Rot").output
    assert "No integrations." in cli("integration", "list").output
    cli("integration", "create", "Rot2")
    assert as_json(cli("integration", "delete", "Rot2", "--json")) == {"deleted": "Rot2"}


def test_personal_token(cli):
    text = cli("token", "create", "--personal").output
    assert len(TOKEN.findall(text)) == 1
    data = as_json(cli("token", "create", "--personal", "--json"))
    assert TOKEN.fullmatch(data["token"]) and data["user_id"]
    failed(cli("token", "create", ok=False), "--personal")


# --- pages, sharing, users, workspaces -----------------------------------------------------------

def test_page_create_share_and_unshare(cli):
    page_id = cli("page", "create", "--title", "Project notes").stdout.strip()
    assert re.fullmatch(r"[0-9a-f-]{36}", page_id)
    child = as_json(cli("page", "create", "--title", "Child", "--parent", page_id.replace("-", ""), "--json"))
    assert child["title"] == "Child"
    cli("integration", "create", "Sharer")
    shared = cli("share", page_id.replace("-", ""), "Sharer", "--access", "view")
    assert f"Shared {page_id}" in shared.output and "(view)" in shared.output
    info = as_json(cli("integration", "list", "--json"))[0]
    assert info["shared"] == [{"object_id": page_id, "access": "view"}]
    again = as_json(cli("share", page_id, "Sharer", "--json"))
    assert again == {"object_id": page_id, "integration": "Sharer", "access": "edit"}
    assert as_json(cli("integration", "list", "--json"))[0]["shared"] == [{"object_id": page_id, "access": "edit"}]
    assert "Unshared" in cli("unshare", page_id, "Sharer").output
    assert "not shared directly" in cli("unshare", page_id, "Sharer").output
    assert as_json(cli("unshare", page_id, "Sharer", "--json"))["removed"] is False


def test_page_create_at_a_known_id(cli):
    wanted = "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert cli("page", "create", "--title", "Fixed", "--id", wanted.replace("-", "")).stdout.strip() == wanted
    failed(cli("page", "create", "--title", "Again", "--id", wanted, ok=False), "already in use")
    failed(cli("page", "create", "--title", "Bad", "--id", "nope", ok=False), "--id", "not a Notion ID")


def test_page_and_share_errors_are_friendly(cli):
    missing = "3c4e2f0e-7b7a-4c8e-9d1f-2a6b8c0d4e5f"
    failed(cli("page", "create", "--title", "Orphan", "--parent", missing, ok=False), "Could not find page", missing)
    failed(cli("page", "create", "--title", "Orphan", "--parent", "nope", ok=False), "--parent")
    cli("integration", "create", "S")
    failed(cli("share", missing, "S", ok=False), "no page or database")
    failed(cli("share", "nope", "S", ok=False), "not a Notion ID")
    page_id = cli("page", "create", "--title", "P").stdout.strip()
    failed(cli("share", page_id, "Nobody", ok=False), "no integration")
    failed(cli("share", page_id, "S", "--access", "admin", ok=False), "--access")
    failed(cli("unshare", "nope", "S", ok=False), "not a Notion ID")


def test_user_add(cli):
    uid = cli("user", "add", "Ada Lovelace", "--email", "ada@example.com").stdout.strip()
    assert re.fullmatch(r"[0-9a-f-]{36}", uid)
    data = as_json(cli("user", "add", "Grace", "--json"))
    assert data["name"] == "Grace" and data["email"] is None
    fixed = "7d2c1c1e-4d52-4a8f-8f0b-6c8a1b2c3d4e"
    assert cli("user", "add", "Fixed", "--id", fixed).stdout.strip() == fixed
    failed(cli("user", "add", "Twice", "--id", fixed, ok=False), "already in use")
    failed(cli("user", "add", "Bad", "--id", "nope", ok=False), "not a Notion ID")


def test_workspaces(cli):
    first = as_json(cli("workspace", "list", "--json"))
    assert len(first) == 1 and first[0]["name"] == "My Workspace"
    second = as_json(cli("workspace", "create", "Second workspace", "--json"))
    assert second["name"] == "Second workspace" and second["owner_id"]
    listed = cli("workspace", "list").output
    assert "My Workspace" in listed and "Second workspace" in listed
    assert len(as_json(cli("workspace", "list", "--json"))) == 2
    # --workspace picks by name or ID; each workspace has its own integrations.
    cli("integration", "create", "Only there", "--workspace", "Second workspace")
    assert "Only there" in cli("integration", "list", "--workspace", second["id"]).output
    assert "No integrations." in cli("integration", "list").output
    failed(cli("integration", "list", "--workspace", "Nope", ok=False), "no workspace 'Nope'")
    failed(cli("workspace", "create", " ", ok=False), "needs a name")


def test_database_from_the_environment(tmp_path):
    db = str(tmp_path / "env.db")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOCKYARD_")}
    env["BLOCKYARD_DATABASE"] = db
    result = CliRunner().invoke(main, ["workspace", "create", "From env"], env=env)
    assert result.exit_code == 0, result.output
    assert Path(db).exists()


def test_unopenable_store_is_a_friendly_error(tmp_path):
    result = CliRunner().invoke(main, ["workspace", "list", "--database", str(tmp_path / "no" / "such" / "dir" / "x.db")])
    failed(result, "cannot open the store")


def test_the_token_of_the_cli_works_against_the_api(cli):
    """The CLI and the server share a store: a token made by the CLI authenticates."""
    from support import Server

    srv = Server.start(cli.db)
    try:
        token = as_json(cli("integration", "create", "Live", "--json"))["token"]
        page_id = cli("page", "create", "--title", "Shared page").stdout.strip()
        cli("share", page_id, "Live")
        resp = httpx.get(f"{srv.url}/v1/pages/{page_id}", headers={"Authorization": f"Bearer {token}",
                                                                 "Notion-Version": "2026-03-11"})
        assert resp.status_code == 200, resp.text
        assert resp.json()["properties"]["title"]["title"][0]["plain_text"] == "Shared page"
    finally:
        srv.uvicorn_server.should_exit = True
        srv.thread.join(timeout=10)
        srv.store.dispose()


# --- serve ---------------------------------------------------------------------------------------

def _serve(db: str, port: int, log: Path, *extra: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOCKYARD_")}
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "blockyard.cli", "serve", "--demo", "--port", str(port), "--database", db,
             "--log-level", "warning", *extra],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )


def _wait_answering(proc: subprocess.Popen, url: str, headers: dict[str, str]) -> httpx.Response:
    deadline = time.monotonic() + 60  # a bound on waiting, not an assertion on speed
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited with {proc.returncode}")
        try:
            return httpx.get(url, headers=headers, timeout=5)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_serve_demo_first_run_and_later_runs(tmp_path):
    db = str(tmp_path / "serve.db")
    log = tmp_path / "serve.log"
    port = free_port()
    proc = _serve(db, port, log)
    try:
        printed = None
        deadline = time.monotonic() + 60
        while printed is None or "Database 'My Projects'" not in printed:
            printed = log.read_text()
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(printed)
            time.sleep(0.05)
        token = TOKEN.search(printed).group(0)
        db_id = re.search(r"Database 'My Projects': (\S+)", printed).group(1)
        resp = _wait_answering(proc, f"http://127.0.0.1:{port}/v1/databases/{db_id}",
                               {"Authorization": f"Bearer {token}", "Notion-Version": "2022-06-28"})
        assert resp.status_code == 200, resp.text
        assert resp.json()["title"][0]["plain_text"] == "My Projects"
    finally:
        _stop(proc)
    # A later run keeps the data and prints no token.
    port = free_port()
    log2 = tmp_path / "serve2.log"
    proc = _serve(db, port, log2)
    try:
        resp = _wait_answering(proc, f"http://127.0.0.1:{port}/v1/databases/{db_id}",
                               {"Authorization": f"Bearer {token}", "Notion-Version": "2022-06-28"})
        assert resp.status_code == 200, resp.text
        printed = log2.read_text()
        assert db_id in printed and "Demo ready" in printed
        assert not TOKEN.search(printed)
    finally:
        _stop(proc)


def _workers(pid: int) -> list[int]:
    """serve's worker processes (not multiprocessing's resource tracker, which is a child too)."""
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        children = [int(p) for p in f.read().split()]
    out = []
    for child in children:
        with open(f"/proc/{child}/cmdline", "rb") as f:
            if b"spawn_main" in f.read():
                out.append(child)
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as f:
            return "zombie" not in f.read()
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT workers are Linux-only")
def test_serve_with_workers_spreads_connections_and_stops_cleanly(tmp_path):
    from support import postgres_available, store_url

    if not postgres_available():
        pytest.skip("PostgreSQL is not running at 127.0.0.1:5432")
    db = store_url(True, tmp_path)
    port = free_port()
    log = tmp_path / "serve.log"
    proc = _serve(db, port, log, "--workers", "2")
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not TOKEN.search(log.read_text()) or "Database 'My Projects'" not in log.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(log.read_text())
            time.sleep(0.05)
        printed = log.read_text()
        token = TOKEN.search(printed).group(0)
        db_id = re.search(r"Database 'My Projects': (\S+)", printed).group(1)
        headers = {"Authorization": f"Bearer {token}", "Notion-Version": "2022-06-28"}
        url = f"http://127.0.0.1:{port}/v1/databases/{db_id}"
        _wait_answering(proc, url, headers)
        workers = _workers(proc.pid)
        assert len(workers) == 2, workers
        # Each worker has its own socket: connections opened together are answered by both.
        before = {w: _cpu_ticks(w) for w in workers}
        clients = [httpx.Client(headers=headers, timeout=30) for _ in range(16)]
        for _ in range(10):
            for c in clients:
                assert c.get(url).status_code == 200
        busy = [w for w in workers if _cpu_ticks(w) > before[w]]
        assert len(busy) >= 2, (before, {w: _cpu_ticks(w) for w in workers})
        for c in clients:
            c.close()
    finally:
        _stop(proc)
    # serve waits for its workers before it exits: none outlives it.
    assert proc.returncode is not None
    assert not [w for w in workers if _alive(w)]


def _cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])
