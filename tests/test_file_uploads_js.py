"""@notionhq/client's fileUploads methods (tests/js/files.mjs) against a live server: every mode, misuse,
attachment and download."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from support import Server, store_url
from test_file_external import origin  # noqa: F401  (a fixture: the loopback origin server)
from test_js_smoke import JS, NODE, pytestmark  # noqa: F401  (the same skips as the smoke test)


@pytest.fixture(scope="module")
def paid(server, tmp_path_factory):
    srv = Server.start(store_url(server.database.startswith("postgresql"), tmp_path_factory.mktemp("js")), file_plan="paid",
                       file_fetch_hosts="127.0.0.1")
    try:
        yield srv
    finally:
        srv.stop()


def test_js_file_uploads(paid, origin):  # noqa: F811
    ws = paid.new_workspace()
    env = {**os.environ, "BLOCKYARD_URL": paid.url, "BLOCKYARD_TOKEN": ws.token, "BLOCKYARD_ROOT_ID": ws.root_id,
           "ORIGIN_URL": origin}
    proc = subprocess.run([NODE, str(JS / "files.mjs")], cwd=JS, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr or proc.stdout
    out = json.loads(proc.stdout)
    assert out["created"] == {"status": "pending", "hasUploadUrl": True}
    assert out["sent"] == {"status": "uploaded", "length": 8}
    assert out["bare"] == {"status": "uploaded", "type": "text/markdown", "filename": "notes.md"}
    for name, message in (("again", "is not in the pending status."),
                          ("badPart", "body.part_number should be an integer between 1 and 2"),
                          ("completeSingle", "is not in the multi_part mode."),
                          ("badMode", "body.mode should be"),
                          ("mismatch", "does not match the content type of the file upload"),
                          ("noBoundary", "multipart/form-data")):
        err = out[name]
        assert err["isAPIResponseError"] and (err["status"], err["code"]) == (400, "validation_error"), err
        assert message in err["message"], err
    assert out["multi"] == {"sentAfterOne": 1, "status": "uploaded", "length": 5 * 1024 * 1024 + 4}
    assert out["external"] == {"created": "pending", "status": "uploaded", "result": "success", "length": 13}
    assert out["externalFailed"] == {"status": "failed", "type": "download_error", "code": "file_upload_download_failed"}
    assert out["listed"] == {"object": "list", "type": "file_upload", "count": 2, "hasMore": True}
    assert out["download"] == {"type": "file", "name": "hello.txt", "status": 200, "body": "hello js", "contentType": "text/plain"}
    assert out["attached"] == {"expiry": None}
    assert out["emojis"] == {"object": "list", "type": "custom_emoji", "count": 0}
