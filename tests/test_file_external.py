"""external_url uploads: imported in the background from a real HTTP server on loopback, never during
the request; failures read as Notion's `failed` with `file_import_result`; hosts are a setting."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from db_support import error_of
from files_support import MIB
from support import Server, store_url


class Origin(BaseHTTPRequestHandler):
    """/ok.txt, /big.txt (over 5 MiB), /missing (404), /untyped (no Content-Type), /slow.txt (waits on a gate)."""

    gate = threading.Event()
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        Origin.requests.append(self.path)
        if self.path == "/slow.txt":
            Origin.gate.wait(10)
        if self.path in ("/ok.txt", "/slow.txt"):
            self._answer(200, b"imported text", "text/plain")
        elif self.path == "/big.txt":
            self._answer(200, b"x" * (5 * MIB + 1), "text/plain")
        elif self.path == "/untyped":
            self._answer(200, b"data", None)
        elif self.path == "/image.png":
            self._answer(200, b"\x89PNG", "image/png")
        else:
            self._answer(404, b"nope", "text/plain")

    def _answer(self, status: int, body: bytes, content_type: str | None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture(scope="module")
def origin():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Origin)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    Origin.gate.set()
    httpd.shutdown()


@pytest.fixture(scope="module")
def importing(server, tmp_path_factory):
    srv = Server.start(store_url(server.database.startswith("postgresql"), tmp_path_factory.mktemp("ext")),
                       file_fetch_hosts="127.0.0.1")
    try:
        yield srv
    finally:
        srv.stop()


def importing_ws(server, _notion):
    """What `outbox` needs of a workspace: its server."""
    from types import SimpleNamespace

    return SimpleNamespace(server=server)


def _wait(notion, upload_id, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        up = notion.file_uploads.retrieve(upload_id)
        if up["status"] != "pending":
            return up
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


def test_import_succeeds_in_the_background(importing, origin):
    w = importing.new_workspace()
    notion = w.client()
    Origin.gate.clear()
    up = notion.file_uploads.create(mode="external_url", filename="slow.txt", external_url=f"{origin}/slow.txt")
    # The request answered while the origin still holds the file: the fetch is not part of it.
    assert up["status"] == "pending" and "upload_url" not in up and "file_import_result" not in up
    Origin.gate.set()
    done = _wait(notion, up["id"])
    assert done["status"] == "uploaded" and done["content_length"] == len(b"imported text")
    assert done["content_type"] == "text/plain"
    result = done["file_import_result"]
    assert result["type"] == "success" and result["success"] == {} and result["imported_time"]
    page = notion.pages.create(parent={"page_id": w.root_id},
                               properties={"title": {"title": [{"text": {"content": "x"}}]}},
                               children=[{"type": "file", "file": {"file_upload": {"id": up["id"]}}}])
    import httpx

    block = notion.blocks.children.list(page["id"])["results"][0]
    assert httpx.get(block["file"]["file"]["url"]).content == b"imported text"


@pytest.mark.parametrize(("path", "filename", "kind", "code", "status_code"), [
    ("/missing", "m.txt", "download_error", "file_upload_download_failed", 404),
    ("/big.txt", "big.txt", "validation_error", "file_upload_invalid_size", 200),
    ("/untyped", "u.txt", "validation_error", "file_upload_invalid_content_type", 200),
    ("/image.png", "i.txt", "validation_error", "file_upload_invalid_content_type", 200),
])
def test_import_failures(importing, origin, path, filename, kind, code, status_code):
    notion = importing.new_workspace().client()
    up = notion.file_uploads.create(mode="external_url", filename=filename, external_url=origin + path)
    failed = _wait(notion, up["id"])
    assert failed["status"] == "failed" and failed["content_length"] is None
    error = failed["file_import_result"]["error"]
    assert (failed["file_import_result"]["type"], error["type"], error["code"], error["status_code"]) == (
        "error", kind, code, status_code)
    assert error["parameter"] is None and error["message"]
    if code == "file_upload_invalid_size":
        assert error["message"] == "The file size is not within the allowed limit of 5 MiB. Please try again with a new file upload."
    assert [u["id"] for u in notion.file_uploads.list(status="failed")["results"]] == [up["id"]]
    from test_file_uploads import outbox

    assert outbox(importing_ws(importing, notion), up["id"]) == ["file_upload.created", "file_upload.upload_failed"]
    from files_support import upload_keys

    assert upload_keys(importing, up["id"]) == []
    err = error_of(notion.file_uploads.complete, up["id"])
    assert (err.status, err.code) == (400, "validation_error")


def test_hosts_are_a_setting(ws, origin):
    """The default server fetches only public hosts over HTTPS: loopback and plain HTTP are refused at create."""
    notion = ws.client()
    err = error_of(notion.file_uploads.create, mode="external_url", filename="a.txt", external_url=f"{origin}/ok.txt")
    assert (err.status, err.code) == (400, "validation_error")
    assert "https://" in err.message
    err = error_of(notion.file_uploads.create, mode="external_url", filename="a.txt", external_url="https://127.0.0.1/ok.txt")
    assert err.message == "The external URL's host 127.0.0.1 is not allowed on this server."
    assert notion.file_uploads.list()["results"] == []


def test_external_uploads_refuse_sends(importing, origin):
    notion = importing.new_workspace().client()
    Origin.gate.clear()
    up = notion.file_uploads.create(mode="external_url", filename="slow.txt", external_url=f"{origin}/slow.txt")
    from files_support import send

    err = error_of(send, notion, up["id"], b"x", "slow.txt")
    assert (err.status, err.code) == (400, "validation_error")
    Origin.gate.set()
    _wait(notion, up["id"])
