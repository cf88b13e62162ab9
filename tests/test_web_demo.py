"""`serve --demo` prints a login for the demo owner, who owns the demo workspace in the web UI."""

from __future__ import annotations

import re
import time

import httpx

from support import free_port
from test_cli import _serve, _stop, _wait_answering


def _printed(log, proc, wanted: str) -> str:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 60
    while True:
        text = log.read_text()
        if wanted in text:
            return text
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(text)
        time.sleep(0.05)


def _log_in(base: str, email: str, password: str) -> httpx.Response:
    client = httpx.Client(base_url=base, headers={"Accept": "text/html"})
    form = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    answer = client.post("/login", data={"csrf": csrf, "email": email, "password": password, "next": "/"})
    if answer.status_code == 303:
        return client.get(answer.headers["location"], follow_redirects=True)
    return answer


def test_serve_demo_prints_a_login(tmp_path):  # type: ignore[no-untyped-def]
    db = str(tmp_path / "demo.db")
    log = tmp_path / "demo.log"
    port = free_port()
    proc = _serve(db, port, log)
    try:
        printed = _printed(log, proc, "Database 'My Projects'")
        email = re.search(r"Email: (\S+)", printed).group(1)  # type: ignore[union-attr]
        password = re.search(r"Password \(shown once\): (\S+)", printed).group(1)  # type: ignore[union-attr]
        _wait_answering(proc, f"http://127.0.0.1:{port}/login", {})
        home = _log_in(f"http://127.0.0.1:{port}", email, password)
        assert home.status_code == 200 and "/w/" in str(home.url)
        assert "My Projects" in home.text and "My First API Test" not in home.text.split("<main", 1)[0]
        assert _log_in(f"http://127.0.0.1:{port}", email, "wrong password").status_code == 400
    finally:
        _stop(proc)
    log2 = tmp_path / "demo2.log"
    port = free_port()
    proc = _serve(db, port, log2)
    try:
        printed = _printed(log2, proc, "Demo ready")
        assert "password printed when it was made" in printed and password not in printed
    finally:
        _stop(proc)
