"""`blockyard webhook listen`: a receiver on a local port, subscribed (auto-verified) for as long as it runs.

Each delivery is checked against its signature, printed, and forwarded with `--forward-to` (same body, signed
with the printed signing secret); the forward target's status is the answer, so a failing handler sees the
server's retries. On exit (Ctrl-C, SIGTERM) the subscription is deleted."""

from __future__ import annotations

import hmac
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import click

from .delivery import sign


def run(database: str | None, workspace: str | None, integration: str | None, forward_to: str | None,
        event_types: list[str] | None, api_version: str | None, port: int, as_json: bool) -> int:
    import urllib.error
    import urllib.request

    from ..access.admin import list_integrations
    from ..cli.common import in_workspace
    from . import subscriptions
    from .subscriptions import parse_url

    if forward_to is not None:
        try:
            parse_url(forward_to)
        except Exception:
            raise click.BadParameter("should be an http or https URL", param_hint="--forward-to") from None
    state: dict[str, Any] = {"token": None}

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            token = state["token"]
            signature = self.headers.get("x-notion-signature") or ""
            if token is None or not hmac.compare_digest(signature, sign(body, token)):
                self._answer(401, b"bad signature")
                return
            try:
                event = json.loads(body)
            except ValueError:
                self._answer(400, b"not JSON")
                return
            if "verification_token" in event:
                self._answer(200, b"")
                return
            if as_json:
                click.echo(json.dumps(event))
            else:
                entity = event.get("entity", {})
                click.echo(f"{event.get('timestamp')}  {event.get('type'):<28} {entity.get('type')} {entity.get('id')}"
                           f"  attempt {event.get('attempt_number')}  [{event.get('id')}]")
            status = 200
            if forward_to is not None:
                forward = urllib.request.Request(forward_to, data=body, method="POST", headers={
                    "content-type": "application/json", "x-notion-signature": sign(body, token)})
                try:
                    with urllib.request.urlopen(forward, timeout=30) as resp:
                        status = resp.status
                except urllib.error.HTTPError as exc:
                    status = exc.code
                except (urllib.error.URLError, OSError) as exc:
                    status = 502
                    click.echo(f"  -> {forward_to} failed: {exc}", err=True)
                click.echo(f"  -> {forward_to} {status}", err=True)
            sys.stdout.flush()
            self._answer(status if 200 <= status < 600 else 502, b"")

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    httpd.daemon_threads = True
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    with in_workspace(database, workspace) as (tx, ws):
        if integration is None:
            names = [i["name"] for i in list_integrations(tx, ws)]
            if len(names) != 1:
                raise click.UsageError("--integration is needed: the workspace has "
                                       f"{len(names)} integrations ({', '.join(names) or 'none'})")
            integration = names[0]
        sub, token = subscriptions.create(tx, ws, integration, url, event_types, api_version, auto_verify=True)
    state["token"] = token
    click.echo(f"Listening on {url} as subscription {sub['id']} ({integration}, {sub['api_version']}).", err=True)
    if forward_to:
        click.echo(f"Forwarding to {forward_to}; signing secret (the verification token): {token}", err=True)
    click.echo("Ready: events appear here as the running server delivers them. Ctrl-C to stop.", err=True)
    sys.stderr.flush()

    stopping = threading.Event()

    def stop(_signum: int, _frame: Any) -> None:
        stopping.set()
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        httpd.serve_forever(poll_interval=0.2)
    finally:
        httpd.server_close()
        with in_workspace(database, workspace) as (tx, ws):
            subscriptions.delete(tx, ws, sub["id"])
        click.echo(f"Removed subscription {sub['id']}.", err=True)
    return 0
