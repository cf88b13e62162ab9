"""A small OAuth client for a Blockyard public integration (Python standard library and httpx).

    python oauth_client.py CLIENT_ID CLIENT_SECRET

It listens on REDIRECT_URI (default http://127.0.0.1:8000/callback), opens the authorization URL in a
browser, waits for the redirect, checks `state`, exchanges the code for a token pair, lists what the
token can see, and refreshes the pair. BLOCKYARD_URL defaults to http://127.0.0.1:8787."""

from __future__ import annotations

import os
import secrets
import sys
import threading
import webbrowser
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

BASE = os.environ.get("BLOCKYARD_URL", "http://127.0.0.1:8787")
REDIRECT_URI = os.environ.get("REDIRECT_URI", "http://127.0.0.1:8000/callback")


def wait_for_redirect(authorize_url: str) -> dict[str, str]:
    """Serves REDIRECT_URI until the browser comes back to it; returns the query it brought."""
    where = urlsplit(REDIRECT_URI)
    got: dict[str, str] = {}
    done = threading.Event()

    class Callback(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            if parts.path != where.path:
                self.send_error(404)
                return
            got.update({k: v[0] for k, v in parse_qs(parts.query).items()})
            body = b"Done: you can close this tab."
            self.send_response(200)
            self.send_header("content-type", "text/plain")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            done.set()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer((where.hostname or "127.0.0.1", where.port or 80), Callback)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("Open this URL to authorize:", authorize_url, flush=True)
    if not os.environ.get("NO_BROWSER"):
        webbrowser.open(authorize_url)
    if not done.wait(timeout=300):
        sys.exit("no redirect within 5 minutes")
    server.shutdown()
    return got


def main(client_id: str, client_secret: str) -> None:
    state = secrets.token_urlsafe(16)
    query = {"client_id": client_id, "response_type": "code", "owner": "user",
             "redirect_uri": REDIRECT_URI, "state": state}
    answer = wait_for_redirect(f"{BASE}/v1/oauth/authorize?{urlencode(query)}")
    if answer.get("state") != state:
        sys.exit("the state that came back is not ours: ignore this redirect")
    if "error" in answer:
        sys.exit(f"not authorized: {answer['error']}")

    # The code is good once, for a few minutes; the client authenticates with HTTP Basic.
    resp = httpx.post(f"{BASE}/v1/oauth/token", auth=(client_id, client_secret), json={
        "grant_type": "authorization_code", "code": answer["code"], "redirect_uri": REDIRECT_URI,
    })
    resp.raise_for_status()
    tokens = resp.json()
    print(f"bot_id: {tokens['bot_id']}")
    print(f"workspace: {tokens['workspace_name']} ({tokens['workspace_id']})")

    api = {"Authorization": f"Bearer {tokens['access_token']}", "Notion-Version": "2022-06-28"}
    found = httpx.post(f"{BASE}/v1/search", headers=api, json={}).json()
    for item in found["results"]:
        print(f"shared: {item['object']} {item['id']}")

    # Refreshing gives a new pair; keep both new tokens, the old ones stop working.
    resp = httpx.post(f"{BASE}/v1/oauth/token", auth=(client_id, client_secret), json={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
    })
    resp.raise_for_status()
    print("refreshed: the new access token ends with", resp.json()["access_token"][-4:])


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
