"""HTTP hardening of `blockyard serve`, over real sockets against a served process: request heads are
bounded in size and count, idle and slow connections time out, slow clients never crowd out the others,
and store files are private to their owner."""

from __future__ import annotations

import os
import resource
import socket
import stat
import time

import httpx
import pytest

from served import prepare_store, served

HEAD = b"GET /v1/users HTTP/1.1\r\nHost: 127.0.0.1\r\n"


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Notion-Version": "2022-06-28"}


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _answer(sock: socket.socket, timeout: float = 30) -> bytes:
    """Everything the server writes until it closes the connection (a reset counts as closed)."""
    sock.settimeout(timeout)
    out = b""
    try:
        while chunk := sock.recv(65536):
            out += chunk
    except ConnectionResetError:
        pass
    return out


@pytest.fixture
def ready(tmp_path):
    return prepare_store(str(tmp_path / "store.db"))


def test_a_huge_header_is_refused_without_reading_it(ready, tmp_path):
    with served(ready.database, tmp_path) as srv:
        ok = httpx.get(srv.url + "/v1/users/me", headers=_auth(ready.token), timeout=30)
        assert ok.status_code == 200, ok.text
        before = _rss_kb(srv.proc.pid)
        sock = socket.create_connection((srv.host, srv.port))
        sent = 0
        chunk = b"a" * 65536
        try:
            sock.sendall(HEAD + b"X-Big: ")
            while sent < 200 * 1024 * 1024:
                sock.sendall(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = _answer(sock)
        sock.close()
        # Refused after the bound (32 KB) and what the sockets' buffers hold, not after 200 MB.
        assert sent < 16 * 1024 * 1024, sent
        assert answer == b"" or answer.startswith(b"HTTP/1.1 431 "), answer[:200]
        assert _rss_kb(srv.proc.pid) - before < 32 * 1024
        ok = httpx.get(srv.url + "/v1/users/me", headers=_auth(ready.token), timeout=30)
        assert ok.status_code == 200, ok.text

        # Within the bound, many headers are fine; past the count, 431.
        small = httpx.get(srv.url + "/v1/users/me", timeout=30,
                          headers={**_auth(ready.token), **{f"X-{i}": "v" * 200 for i in range(90)}})
        assert small.status_code == 200, small.text
        sock = socket.create_connection((srv.host, srv.port))
        sock.sendall(HEAD + b"".join(b"X-%d: v\r\n" % i for i in range(101)) + b"\r\n")
        assert _answer(sock).startswith(b"HTTP/1.1 431 ")
        sock.close()
        sock = socket.create_connection((srv.host, srv.port))
        sock.sendall(HEAD + b"X-Big: " + b"a" * 40_000 + b"\r\n\r\n")
        assert _answer(sock).startswith(b"HTTP/1.1 431 ")
        sock.close()


def test_idle_and_slow_connections_time_out(ready, tmp_path):
    env = {"BLOCKYARD_HTTP_HEADER_TIMEOUT": "1", "BLOCKYARD_HTTP_BODY_TIMEOUT": "1"}
    with served(ready.database, tmp_path, env=env) as srv:
        idle = socket.create_connection((srv.host, srv.port))
        dripping = socket.create_connection((srv.host, srv.port))
        slow_body = socket.create_connection((srv.host, srv.port))
        dripping.sendall(HEAD)
        slow_body.sendall(b"POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          b"Content-Length: 100\r\n\r\n{\"query\"")
        started = time.monotonic()
        # A byte every 0.2 s keeps the head coming, but not arriving: it is cut off all the same.
        dripping.settimeout(0.2)
        got = b""
        while time.monotonic() - started < 30:
            try:
                dripping.sendall(b"X")
            except (BrokenPipeError, ConnectionResetError):
                break
            try:
                data = dripping.recv(4096)
                got += data
                if not data:
                    break
            except socket.timeout:
                continue
            except ConnectionResetError:
                break
        assert got == b"" or got.startswith(b"HTTP/1.1 408 "), got
        assert time.monotonic() - started < 30
        assert _answer(idle) == b""  # nothing was asked, so nothing is answered: just closed
        assert _answer(slow_body).startswith(b"HTTP/1.1 408 ")
        for s in (idle, dripping, slow_body):
            s.close()
        # A kept-alive client that keeps asking is never cut off.
        with httpx.Client(base_url=srv.url, headers=_auth(ready.token), timeout=30) as client:
            for _ in range(5):
                assert client.get("/v1/users/me").status_code == 200
                time.sleep(0.3)


def _low_file_limit() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


def test_hundreds_of_slow_clients_do_not_stop_a_normal_request(ready, tmp_path):
    """With 256 files, 300 clients that never finish their heads: the worker closes the one that has
    waited longest to make room, so a normal request is still answered."""
    env = {"BLOCKYARD_HTTP_HEADER_TIMEOUT": "120"}  # only making room can save the day
    with served(ready.database, tmp_path, env=env, preexec_fn=_low_file_limit) as srv:
        slow = []
        try:
            for _ in range(300):
                s = socket.create_connection((srv.host, srv.port), timeout=30)
                s.sendall(HEAD)
                slow.append(s)
            for _ in range(5):
                resp = httpx.get(srv.url + "/v1/users/me", headers=_auth(ready.token), timeout=30)
                assert resp.status_code == 200, resp.text
            with httpx.Client(base_url=srv.url, headers=_auth(ready.token), timeout=30) as client:
                for _ in range(20):
                    assert client.get("/v1/users/me").status_code == 200
            # The oldest slow clients were the ones closed.
            closed = 0
            for s in slow[:50]:
                s.settimeout(5)
                try:
                    closed += s.recv(1) == b""
                except (ConnectionResetError, socket.timeout):
                    closed += 1
            assert closed == 50
        finally:
            for s in slow:
                s.close()


def test_store_files_are_private(tmp_path):
    (tmp_path / "new" / "place").mkdir(parents=True)
    database = str(tmp_path / "new" / "place" / "store.db")
    ready = prepare_store(database)
    with served(database, tmp_path) as srv:
        notion = httpx.Client(base_url=srv.url, headers=_auth(ready.token), timeout=30)
        resp = notion.patch(f"/v1/blocks/{ready.root_id}/children",
                            json={"children": [{"paragraph": {"rich_text": [{"text": {"content": "x"}}]}}]})
        assert resp.status_code == 200, resp.text
        names = ["store.db", "store.db-wal", "store.db-shm", "store.db-log", "store.db-log-wal", "store.db-log-shm"]
        deadline = time.monotonic() + 30  # the request log is written within a second
        while not all(os.path.exists(tmp_path / "new" / "place" / n) for n in names):
            assert time.monotonic() < deadline, os.listdir(tmp_path / "new" / "place")
            time.sleep(0.1)
        for name in names:
            mode = stat.S_IMODE(os.stat(tmp_path / "new" / "place" / name).st_mode)
            assert mode == 0o600, (name, oct(mode))
        notion.close()
