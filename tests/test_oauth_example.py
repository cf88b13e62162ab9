"""docs/examples/oauth_client.py, the example of docs/oauth.md, completes the flow: a person signs in
and allows it (over raw HTTP here, as a browser would), and the example exchanges, lists and refreshes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from blockyard.access import admin
from blockyard.oauth import clients
from blockyard.web.http import csrf_for_session
from support import Server, free_port, store_url

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "oauth_client.py"


@pytest.fixture
def fresh(server: Server, tmp_path: Any) -> Iterator[Server]:
    srv = Server.start(store_url(server.database.startswith("postgresql"), tmp_path))
    try:
        yield srv
    finally:
        srv.stop()


def test_the_example_client(fresh: Server) -> None:
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    with fresh.store.write() as tx:
        ws = admin.ensure_workspace(tx, None)
        info, secret = clients.create_public(tx, ws, "Example App", [redirect_uri])
    person = httpx.Client(base_url=fresh.url)
    form = person.get("/signup").cookies["by_form"]
    for _ in range(3):  # a write that met another one answers 409 and changes nothing: send it again
        signed = person.post("/signup", data={"csrf": form, "name": "Ada", "email": "ada@example.com",
                                              "password": "correct horse battery"})
        if signed.status_code != 409:
            break
    assert signed.status_code == 303, signed.text

    proc = subprocess.Popen([sys.executable, str(EXAMPLE), info["client_id"], secret], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={"BLOCKYARD_URL": fresh.url, "REDIRECT_URI": redirect_uri, "NO_BROWSER": "1",
                                 "PATH": "/usr/bin:/bin"})
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("Open this URL to authorize: "), line + (proc.stderr.read() if proc.stderr else "")
        url = urlsplit(line.split(": ", 1)[1].strip())
        hop = person.get(f"{url.path}?{url.query}")
        assert hop.status_code == 302
        consent = person.get(hop.headers["location"])
        assert consent.status_code == 200 and "Example App wants to connect" in consent.text
        params = dict(x.split("=", 1) for x in urlsplit(hop.headers["location"]).query.split("&"))
        from urllib.parse import unquote_plus

        allowed = person.post("/install-integration", data={
            **{k: unquote_plus(v) for k, v in params.items()}, "action": "allow",
            "csrf": csrf_for_session(person.cookies["by_session"]),
        })
        assert allowed.status_code == 303 and allowed.headers["location"].startswith(redirect_uri)
        assert httpx.get(allowed.headers["location"]).text == "Done: you can close this tab."
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "bot_id: " in out and "workspace: My Workspace" in out and "refreshed: " in out
