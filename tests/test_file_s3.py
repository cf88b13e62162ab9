"""The S3-compatible storage against a real S3 server: moto's server mode, started here on loopback
(skipped when moto is not installed). Single and multi-part uploads, signed downloads with Range, and
the sweeper removing expired bytes from the bucket."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import httpx
import pytest

from files_support import MIB, send, uploaded
from support import Server, free_port, store_url

pytest.importorskip("boto3")
pytest.importorskip("moto.server")

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    exe = shutil.which("moto_server", path=os.path.dirname(sys.executable)) or shutil.which("moto_server")
    cmd = [exe, "-H", "127.0.0.1", "-p", str(port)] if exe else [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **CREDENTIALS})
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while True:
        try:
            httpx.get(url + "/moto-api/", timeout=1)
            break
        except httpx.HTTPError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.skip("moto's S3 server did not start")
            time.sleep(0.1)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def s3_server(server, s3_endpoint, tmp_path_factory):
    import boto3

    old = {k: os.environ.get(k) for k in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket="blockyard")
    srv = Server.start(store_url(server.database.startswith("postgresql"), tmp_path_factory.mktemp("s3")),
                       file_plan="paid", file_storage="s3://blockyard/ws-files", file_s3_endpoint=s3_endpoint)
    try:
        yield srv, client
    finally:
        srv.stop()
        for k, value in old.items():
            if value is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = value


def _keys(client, upload_id):
    listed = client.list_objects_v2(Bucket="blockyard", Prefix="ws-files/")
    return sorted(o["Key"] for o in listed.get("Contents", ()) if upload_id in o["Key"])


def test_single_part_to_the_bucket_and_download(s3_server):
    srv, client = s3_server
    w = srv.new_workspace()
    notion = w.client()
    up = uploaded(notion, b"0123456789" * 1000, "digits.txt")
    assert up["status"] == "uploaded" and up["content_length"] == 10_000
    assert _keys(client, up["id"]) == [f"ws-files/uploads/{up['id']}"]
    page = notion.pages.create(parent={"page_id": w.root_id}, properties={"title": {"title": [{"text": {"content": "S3"}}]}},
                               children=[{"type": "file", "file": {"file_upload": {"id": up["id"]}}}])
    url = notion.blocks.children.list(page["id"])["results"][0]["file"]["file"]["url"]
    assert httpx.get(url).content == b"0123456789" * 1000
    part = httpx.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == b"0123456789"


def test_multi_part_assembled_in_the_bucket(s3_server):
    srv, client = s3_server
    notion = srv.new_workspace().client()
    up = notion.file_uploads.create(mode="multi_part", filename="big.txt", number_of_parts=2)
    send(notion, up["id"], b"a" * (5 * MIB), "big.txt", part=2 - 1)
    assert _keys(client, up["id"]) == [f"ws-files/parts/{up['id']}/1"]
    send(notion, up["id"], b"b" * 100, "big.txt", part=2)
    done = notion.file_uploads.complete(up["id"])
    assert done["content_length"] == 5 * MIB + 100
    assert _keys(client, up["id"]) == [f"ws-files/uploads/{up['id']}"]
    body = client.get_object(Bucket="blockyard", Key=f"ws-files/uploads/{up['id']}")["Body"].read()
    assert body == b"a" * (5 * MIB) + b"b" * 100


def test_refused_send_leaves_nothing_and_sweeper_empties_the_bucket(s3_server):
    from blockyard.store.schema_files import file_uploads
    from db_support import error_of

    srv, client = s3_server
    notion = srv.new_workspace().client()
    up = notion.file_uploads.create(filename="a.txt", content_type="text/plain")
    err = error_of(send, notion, up["id"], b"x", "a.png", "image/png")
    assert err.status == 400 and _keys(client, up["id"]) == []
    done = send(notion, up["id"], b"bytes")
    assert _keys(client, done["id"]) == [f"ws-files/uploads/{done['id']}"]
    with srv.store.write() as tx:
        tx.execute(file_uploads.update().where(file_uploads.c.id == done["id"]).values(expiry_time=tx.now - 1))
    srv.app.files.worker.sweep()
    assert _keys(client, done["id"]) == []
