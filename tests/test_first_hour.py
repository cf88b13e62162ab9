"""A new user's first hour (issue 13), through the real CLI (CliRunner, or `python -m blockyard.cli` as a
process for `serve`) and HTTP: store URLs, which store a command opened, what `serve` checks before it
announces, bad input the CLI must refuse, the request log, `--json` errors, and bot users."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from blockyard.cli import main
from support import Server, Workspace, free_port, postgres_available

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r"ntn_[A-Za-z0-9]{46}")
PG = "postgres@127.0.0.1:5432/test"


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("BLOCKYARD_")}


def cli(*args: str, cwd: Path | None = None) -> Any:
    if cwd is None:
        return CliRunner().invoke(main, list(args), env=clean_env(), catch_exceptions=False)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), env=clean_env(), catch_exceptions=False)
    finally:
        os.chdir(old)


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return result


def refused(result: Any, *needles: str) -> None:
    """One clear error: a non-zero exit, one `Error:` line naming the problem, no traceback."""
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output and "Background on this error" not in result.output, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    for needle in needles:
        assert needle in errors[0], result.output


# --- store URLs ------------------------------------------------------------------------------------

def _kept_between_commands(database: str, cwd: Path | None = None) -> None:
    name = f"Int {uuid.uuid4().hex[:6]}"
    ok(cli("integration", "create", name, "--database", database, cwd=cwd))
    listed = ok(cli("integration", "list", "--database", database, "--json", cwd=cwd))
    assert name in [i["name"] for i in json.loads(listed.stdout)]


def test_sqlite_relative_url_is_relative_to_the_working_directory(tmp_path):
    _kept_between_commands("sqlite:///rel.db", cwd=tmp_path)
    assert (tmp_path / "rel.db").exists()


def test_sqlite_relative_url_with_directories(tmp_path):
    (tmp_path / "data").mkdir()
    _kept_between_commands("sqlite:///data/rel.db", cwd=tmp_path)
    assert (tmp_path / "data" / "rel.db").exists()


def test_sqlite_absolute_url(tmp_path):
    path = tmp_path / "abs.db"
    _kept_between_commands(f"sqlite:///{path}")  # sqlite:////tmp/...: four slashes
    assert path.exists() and Path(f"{path}-log").exists()


def test_sqlite_url_with_query_options(tmp_path):
    path = tmp_path / "opts.db"
    _kept_between_commands(f"sqlite:///{path}?timeout=30")
    _kept_between_commands(f"sqlite+pysqlite:///{path}")
    assert path.exists() and not list(tmp_path.glob("*timeout*"))


def test_sqlite_uri_filename(tmp_path):
    path = tmp_path / "uri.db"
    _kept_between_commands(f"sqlite:///file:{path}?uri=true")
    assert path.exists()


def test_plain_paths_still_work(tmp_path):
    _kept_between_commands(str(tmp_path / "plain.db"))
    _kept_between_commands("relative.db", cwd=tmp_path)
    assert (tmp_path / "relative.db").exists()


@pytest.mark.parametrize("memory", ["sqlite://", "sqlite:///:memory:", ":memory:"])
def test_in_memory_stores_serve(tmp_path, memory):
    """An in-memory store lives as long as `serve`: the demo it makes is the one it serves."""
    proc, printed = _start_serve(tmp_path, "--demo", "--database", memory)
    try:
        token = TOKEN.search(printed).group(0)
        db_id = re.search(r"Database 'My Projects': (\S+)", printed).group(1)
        port = re.search(r"serving http://127\.0\.0\.1:(\d+)", printed).group(1)
        r = httpx.get(f"http://127.0.0.1:{port}/v1/databases/{db_id}",
                      headers={"Authorization": f"Bearer {token}", "Notion-Version": "2022-06-28"}, timeout=30)
        assert r.status_code == 200, r.text
        assert not list(tmp_path.glob("*.db*")) and "Created a new store" not in printed
    finally:
        _stop(proc)


POSTGRES_FORMS = {
    "postgresql": "postgresql://" + PG + "?schema={schema}",
    "postgres": "postgres://" + PG + "?schema={schema}",
    "psycopg driver": "postgresql+psycopg://" + PG + "?schema={schema}",
    "psycopg2 driver": "postgresql+psycopg2://" + PG + "?schema={schema}",
    "host in the query": "postgresql:///test?host=127.0.0.1&port=5432&user=postgres&schema={schema}",
    "query options": "postgresql://" + PG + "?sslmode=disable&connect_timeout=5&application_name=by&schema={schema}",
}


@pytest.mark.parametrize("form", list(POSTGRES_FORMS), ids=list(POSTGRES_FORMS))
def test_postgresql_url_forms(form):
    if os.environ.get("BLOCKYARD_TEST_POSTGRES") == "off" or not postgres_available():
        pytest.skip("PostgreSQL does not answer at 127.0.0.1:5432")
    from blockyard.store import Store

    url = POSTGRES_FORMS[form].format(schema=f"t_{uuid.uuid4().hex[:12]}")
    try:
        _kept_between_commands(url)
    finally:
        store = Store(url)
        store.drop_schema()
        store.dispose()


@pytest.mark.parametrize("url,words", [
    ("mysql://root@localhost/db", "not a store Blockyard serves"),
    ("postgresql://postgres@127.0.0.1:notaport/test", "not a database URL"),
    ("postgresql://postgres@127.0.0.1:1/test", "cannot open the store"),
])
def test_bad_store_urls_are_one_clear_error(url, words):
    refused(cli("integration", "list", "--database", url), words)


def test_unopenable_file_says_why_in_our_words(tmp_path):
    result = cli("workspace", "list", "--database", str(tmp_path / "no" / "such" / "x.db"))
    refused(result, "cannot open the store", "unable to open database file", "does its directory exist")
    assert "sqlalche.me" not in result.output


# --- which store -----------------------------------------------------------------------------------

def test_a_new_store_is_announced_once_on_stderr(tmp_path):
    first = ok(cli("integration", "list", cwd=tmp_path))
    assert first.stderr.strip() == f"Created a new store: {tmp_path / 'blockyard.db'}"
    assert first.stdout.strip() == "No integrations."
    again = ok(cli("integration", "list", cwd=tmp_path))
    assert again.stderr == "" and again.stdout.strip() == "No integrations."


def test_hints_carry_the_database_when_it_is_not_the_default(tmp_path):
    db = str(tmp_path / "elsewhere.db")
    proc, _printed = _start_serve(tmp_path, "--demo", "--database", db)
    _stop(proc)
    proc, printed = _start_serve(tmp_path, "--demo", "--database", db)
    _stop(proc)
    hint = re.search(r"`(blockyard integration rotate [^`]+)`", printed).group(1)
    assert hint == f"blockyard integration rotate 'My First API Test' --database {db}"
    args = hint.split(" ", 1)[1]
    rotated = ok(cli("integration", "rotate", "My First API Test", "--database", db))
    assert TOKEN.search(rotated.stdout), args


def test_the_default_store_needs_no_hint(tmp_path):
    for _ in range(2):
        proc, printed = _start_serve(tmp_path, "--demo")
        _stop(proc)
    assert "`blockyard integration rotate 'My First API Test'` prints a new one" in printed


# --- serve -----------------------------------------------------------------------------------------

def _serve_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "blockyard.cli", "serve", "--log-level", "warning", *args]


def _start_serve(cwd: Path, *args: str) -> tuple[subprocess.Popen, str]:
    """`serve --port 0` until its banner is out; returns the process and what it printed."""
    log = cwd / f"serve-{uuid.uuid4().hex[:6]}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(_serve_cmd("--port", "0", *args), stdout=out, stderr=subprocess.STDOUT,
                                env=clean_env(), cwd=cwd)
    deadline = time.monotonic() + 60  # a bound on waiting, not a speed assertion
    while "serving http" not in log.read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(log.read_text())
        time.sleep(0.02)
    return proc, log.read_text()


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_serving_is_announced_once_the_socket_is_bound(tmp_path):
    proc, printed = _start_serve(tmp_path)
    try:
        port = int(re.search(r"serving http://127\.0\.0\.1:(\d+) ", printed).group(1))
        assert port != 0
        # Connecting right after the banner succeeds: the port was bound and listening before it was printed.
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    finally:
        _stop(proc)


def _refused_serve(tmp_path: Path, *args: str) -> str:
    done = subprocess.run(_serve_cmd(*args), capture_output=True, text=True, env=clean_env(), cwd=tmp_path, timeout=60)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "Traceback" not in output and "serving" not in output and "Errno" not in output, output
    errors = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, output
    assert not (tmp_path / "blockyard.db").exists(), "a refused serve must not create a store"
    return errors[0]


def test_serve_refuses_a_busy_port(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        line = _refused_serve(tmp_path, "--port", str(port))
    assert f"cannot listen on 127.0.0.1:{port}" in line and "in use" in line


FAULTS = {"missing": None, "not JSON": "{", "status 418": json.dumps({"status": 418})}


@pytest.mark.parametrize("args,words", [
    (("--port", "99999"), "--port"),
    (("--port", "-1"), "--port"),
    (("--port", "http"), "--port"),
    (("--host", "no-such-host.invalid"), "cannot resolve 'no-such-host.invalid'"),
    (("--log-level", "bogus"), "--log-level"),
    (("--workers", "0"), "--workers"),
    (("--workers", "-3"), "--workers"),
    (("--request-timeout", "-1"), "--request-timeout"),
    (("--rate-limit", "lots"), "--rate-limit"),
    (("--workers", "2", "--database", ":memory:"), "in-memory store lives in one process"),
    (("--database", "mysql://root@localhost/db"), "not a store Blockyard serves"),
], ids=lambda a: " ".join(a) if isinstance(a, tuple) else None)
def test_serve_refuses_bad_options_before_announcing(tmp_path, args, words):
    assert words in _refused_serve(tmp_path, *args)


@pytest.mark.parametrize("case", list(FAULTS), ids=list(FAULTS))
def test_serve_refuses_bad_fault_files(tmp_path, case):
    path = tmp_path / "faults.json"
    if FAULTS[case] is not None:
        path.write_text(FAULTS[case])
    line = _refused_serve(tmp_path, "--faults", str(path))
    assert "--faults" in line and str(path) in line
    if case == "status 418":
        assert "418" in line and "500" in line


def test_serve_refuses_bad_environment_values(tmp_path):
    env = {**clean_env(), "BLOCKYARD_PORT": "eighty"}
    done = subprocess.run(_serve_cmd(), capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "Error: BLOCKYARD_PORT='eighty' is not a whole number" in done.stderr


# --- bad input the CLI refuses ---------------------------------------------------------------------

def test_workspace_names_are_unique(tmp_path):
    db = str(tmp_path / "w.db")
    ok(cli("workspace", "create", "Second", "--database", db))
    refused(cli("workspace", "create", "Second", "--database", db), "a workspace named 'Second' already exists")
    names = [w["name"] for w in json.loads(ok(cli("workspace", "list", "--database", db, "--json")).stdout)]
    assert names.count("Second") == 1


def test_an_ambiguous_workspace_name_is_refused(tmp_path):
    """Stores made before names were unique may hold two: --workspace then asks for the ID."""
    from blockyard.access import admin
    from blockyard.store import Store

    db = str(tmp_path / "twice.db")
    store = Store(db)
    store.migrate()
    with store.write() as tx:
        first = admin.create_workspace(tx, "Twice")
        admin.create_workspace(tx, "Twice")
    store.dispose()
    refused(cli("integration", "list", "--workspace", "Twice", "--database", db), "more than one workspace", "ID")
    ok(cli("integration", "list", "--workspace", first.id, "--database", db))


@pytest.mark.parametrize("args,words", [
    (("user", "add", ""), "a person needs a name"),
    (("user", "add", "   "), "a person needs a name"),
    (("user", "add", "Ada", "--email", "not an email"), "'not an email' is not an email address"),
    (("user", "add", "Ada", "--email", "ada@"), "is not an email address"),
    (("user", "add", "Ada", "--email", "ada@localhost"), "is not an email address"),
    (("workspace", "create", " "), "a workspace needs a name"),
    (("page", "create", "--title", "x", "--id", "nope"), "not a Notion ID"),
])
def test_bad_input_is_refused(tmp_path, args, words):
    refused(cli(*args, "--database", str(tmp_path / "bad.db")), words)


def test_good_emails_and_any_hex_ids_are_taken(tmp_path):
    db = str(tmp_path / "good.db")
    ok(cli("user", "add", "Ada", "--email", "ada.lovelace+notes@example.co.uk", "--database", db))
    made = ok(cli("page", "create", "--title", "Zero", "--id", "0" * 32, "--database", db))
    assert made.stdout.strip() == "00000000-0000-0000-0000-000000000000"


# --- the request log -------------------------------------------------------------------------------

@pytest.fixture
def logged(tmp_path) -> Any:
    srv = Server.start(str(tmp_path / "log.db"))
    try:
        yield srv, srv.new_workspace()
    finally:
        srv.stop()


def _log(srv: Server, *args: str) -> Any:
    srv.app.request_log.flush()
    return cli("log", "--database", srv.database, *args)


def test_log_text_is_newest_first(logged):
    srv, w = logged
    first = w.raw("GET", "/v1/users/me").headers["x-notion-request-id"]
    second = w.raw("GET", f"/v1/pages/{w.root_id}").headers["x-notion-request-id"]
    lines = ok(_log(srv)).stdout.splitlines()
    assert second in lines[0] and first in lines[1]
    listed = json.loads(ok(_log(srv, "--json")).stdout)
    assert [e["request_id"] for e in listed[:2]] == [second, first]


def test_failures_before_routing_belong_to_the_integration_whose_token_they_carried(logged):
    srv, w = logged
    no_version = w.raw("GET", "/v1/users/me", version=None)
    unknown_path = w.raw("GET", "/v1/nowhere")
    bad_token = w.raw("GET", "/v1/nowhere", token="ntn_" + "x" * 46)
    assert (no_version.status_code, unknown_path.status_code, bad_token.status_code) == (400, 400, 400)
    mine = json.loads(ok(_log(srv, "--integration", "Test Integration", "--json")).stdout)
    found = {e["request_id"]: e for e in mine}
    for resp, code in ((no_version, "missing_version"), (unknown_path, "invalid_request_url")):
        entry = found[resp.headers["x-notion-request-id"]]
        assert entry["error_code"] == code and entry["integration"] == "Test Integration"
    assert bad_token.headers["x-notion-request-id"] not in found


def test_log_for_an_unknown_integration_is_an_error(logged):
    srv, _w = logged
    refused(_log(srv, "--integration", "nobody"), "no integration 'nobody'")
    ok(_log(srv, "--integration", "personal"))


# --- --json errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize("args,words", [
    (("integration", "rotate", "Nobody"), "Nobody"),
    (("workspace", "create", " "), "a workspace needs a name"),
    (("user", "add", "Ada", "--email", "nope"), "not an email address"),
    (("page", "create", "--json"), "--title"),
])
def test_json_errors_are_json_objects(tmp_path, args, words):
    result = cli(*args, "--json", "--database", str(tmp_path / "j.db"))
    assert result.exit_code != 0
    error = json.loads(result.stdout)
    assert error["object"] == "error" and words in error["message"], error
    assert error["code"] in ("error", "usage_error")


# --- .gitignore ------------------------------------------------------------------------------------

def test_gitignore_covers_every_file_a_store_writes(logged):
    srv, w = logged
    w.raw("GET", "/v1/users/me")
    srv.app.request_log.flush()
    written = [p.name for p in Path(srv.database).parent.iterdir() if p.name.startswith("log.db")]
    assert {"log.db", "log.db-log"} <= set(written), written
    patterns = [line.strip() for line in (ROOT / ".gitignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    for name in [*written, "blockyard.db-log-wal", "blockyard.db-log-shm", "blockyard.db-wal", "blockyard.db-shm"]:
        assert any(fnmatch.fnmatch(name, p) for p in patterns), name


# --- bot users -------------------------------------------------------------------------------------

def test_the_callers_own_bot_carries_its_bot_object(ws: Workspace):
    me = ws.raw("GET", "/v1/users/me").json()
    own = ws.raw("GET", f"/v1/users/{me['id']}").json()
    assert own["type"] == "bot"
    assert own["bot"] == me["bot"] == {
        "owner": {"type": "workspace", "workspace": True},
        "workspace_name": "Test Workspace",
        "workspace_id": ws.info.id,
        "workspace_limits": {"max_file_upload_size_in_bytes": 5 * 1024 * 1024},
    }
    other_token = ws.integration("Other bot")
    other = ws.raw("GET", "/v1/users/me", token=other_token).json()
    seen = ws.raw("GET", f"/v1/users/{other['id']}").json()
    assert seen["type"] == "bot" and seen["bot"] == {}
    # Through the SDK too, at every version.
    for version in ("2022-06-28", "2025-09-03", "2026-03-11"):
        assert ws.client(version).users.retrieve(user_id=me["id"])["bot"]["workspace_id"] == ws.info.id
