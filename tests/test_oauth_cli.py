"""`blockyard integration create --public` and `integration rotate` for public integrations: the client
secret is printed once, works over HTTP Basic, and stops working when rotated."""

from __future__ import annotations

import json
import os

from click.testing import CliRunner

from blockyard.cli import main
from blockyard.oauth import clients
from blockyard.store import Store


def run(db: str, *args: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOCKYARD_")}
    result = CliRunner().invoke(main, [*args, "--database", db], env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_create_and_rotate_a_public_integration(tmp_path) -> None:
    db = str(tmp_path / "cli.db")
    code, out = run(db, "integration", "create", "Acme", "--public", "--redirect-uri", "http://127.0.0.1:8000/cb",
                    "--redirect-uri", "https://acme.example/cb")
    assert code == 0, out
    assert "Client ID: " in out and "Client secret (shown once" in out
    code, out = run(db, "integration", "create", "Acme 2", "--public", "--redirect-uri", "http://x/cb", "--json")
    info = json.loads(out)
    assert info["redirect_uris"] == ["http://x/cb"] and info["client_secret"].startswith("secret_")

    store = Store(db)
    try:
        with store.read() as tx:
            client = clients.get(tx, info["client_id"])
            assert client is not None and client.name == "Acme 2"
            import base64

            header = "Basic " + base64.b64encode(f"{info['client_id']}:{info['client_secret']}".encode()).decode()
            assert clients.authenticate(tx, header).client_id == info["client_id"]
        code, out = run(db, "integration", "rotate", "Acme 2", "--json")
        rotated = json.loads(out)
        assert rotated["client_secret"] != info["client_secret"] and rotated["client_id"] == info["client_id"]
        with store.read() as tx:
            try:
                clients.authenticate(tx, header)
                raise AssertionError("the old secret still works")
            except clients.OAuthError as exc:
                assert (exc.status, exc.error) == (401, "invalid_client")
    finally:
        store.dispose()

    # Friendly failures, without a traceback.
    code, out = run(db, "integration", "create", "Bad", "--public")
    assert code != 0 and "--redirect-uri" in out
    code, out = run(db, "integration", "create", "Bad", "--public", "--redirect-uri", "ftp://x")
    assert code != 0 and "http(s)" in out
    code, out = run(db, "integration", "create", "Acme", "--public", "--redirect-uri", "http://x/cb")
    assert code != 0 and "already exists" in out
    # Internal integrations are as before.
    code, out = run(db, "integration", "create", "Internal")
    assert code == 0 and "ntn_" in out
    code, out = run(db, "integration", "rotate", "Internal")
    assert code == 0 and "ntn_" in out
