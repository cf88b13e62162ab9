"""@notionhq/client's oauth.token, oauth.introspect and oauth.revoke (tests/js/oauth.mjs) against a live server."""

from __future__ import annotations

import json
import os
import subprocess

from support import Server
from test_js_smoke import JS, NODE, pytestmark  # noqa: F401  (the same skips as the smoke test)
from test_oauth import URI, code_for, public


def test_js_oauth_methods(server: Server) -> None:
    developer, user = server.new_workspace(), server.new_workspace()
    client_id, secret = public(server, developer)
    env = {**os.environ, "BLOCKYARD_URL": server.url, "CLIENT_ID": client_id, "CLIENT_SECRET": secret,
           "CODE": code_for(server, user, client_id, [user.root_id]), "CODE2": code_for(server, user, client_id, []),
           "REDIRECT_URI": URI}
    proc = subprocess.run([NODE, str(JS / "oauth.mjs")], cwd=JS, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr or proc.stdout
    out = json.loads(proc.stdout)
    assert out["token"] == {"keys": sorted(["access_token", "token_type", "refresh_token", "bot_id", "workspace_id",
                                            "workspace_name", "workspace_icon", "owner", "duplicated_template_id",
                                            "request_id"]),
                            "tokenType": "bearer", "ownerType": "user"}
    assert out["me"] is True
    assert out["reused"]["status"] == 400 and out["reused"]["body"]["error"] == "invalid_grant"
    assert out["wrongSecret"]["status"] == 401 and out["wrongSecret"]["body"]["error"] == "invalid_client"
    assert out["meAfterReuse"] == 401
    assert out["refreshed"] is True
    assert out["introspected"] == {"active": True, "iat": "number"}
    assert out["revoked"] == ["request_id"]
    assert out["afterRevoke"] is False
    assert out["meAfterRevoke"]["status"] == 401 and out["meAfterRevoke"]["code"] == "unauthorized"
