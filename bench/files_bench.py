"""python -m bench files: file uploads and downloads over loopback against `blockyard serve` in its own
process (SQLite store, local file storage, paid plan).

  upload_20mib     a 20 MiB single-part send, streamed as multipart/form-data (target >= 200 MB/s)
  download_20mib   the same file through its signed URL (target >= 500 MB/s)
  multi_part_100mb ten 10 MB parts and complete; the server's peak RSS before and after (target: flat,
                   here growth under 32 MB)

Each figure is the median of --repeats runs. Prints a table; --json prints the figures instead."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

MIB = 1024 * 1024
MB = 1000 * 1000


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu_s(pid: int) -> float:
    """User and system CPU seconds the process has used: a figure the shared machine's load does not move."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _setup(db: str) -> tuple[str, str]:
    from blockyard.access import admin
    from blockyard.store import Store

    store = Store(db)
    store.migrate()
    with store.write() as tx:
        w = admin.create_workspace(tx, "Bench")
        token = admin.create_personal_token(tx, w)  # acts as the owner, who may make workspace-level pages
    store.dispose()
    return token, w.id


def _stream(data: bytes, boundary: str, filename: str, part: int | None):
    head = b""
    if part is not None:
        head += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"part_number\"\r\n\r\n{part}\r\n").encode()
    head += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
             "Content-Type: text/plain\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body():
        yield head
        view = memoryview(data)
        for i in range(0, len(data), MIB):
            yield view[i:i + MIB]
        yield tail

    return body(), len(head) + len(data) + len(tail)


def _send(client: httpx.Client, upload_id: str, data: bytes, part: int | None = None) -> httpx.Response:
    boundary = "benchboundary7d9f"
    body, length = _stream(data, boundary, "bench.txt", part)
    return client.post(f"/v1/file_uploads/{upload_id}/send", content=body,
                       headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(length)})


def _curl(args: list[str]) -> float:
    """Seconds curl took for one transfer."""
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", *args],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out[0] in ("200", "206"), out
    return float(out[1])


def run(repeats: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="blockyard-files-bench-"))
    db = str(tmp / "bench.db")
    token, _ws = _setup(db)
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "BLOCKYARD_FILE_PLAN": "paid", "BLOCKYARD_REQUEST_LOG_ROWS": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "blockyard.cli", "serve", "--port", str(port), "--database", db,
                             "--log-level", "warning"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 20
        while True:
            try:
                httpx.get(base + "/v1/users/me", timeout=1)
                break
            except httpx.HTTPError:
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError("the server did not start")
                time.sleep(0.1)
        client = httpx.Client(base_url=base, timeout=120, headers={"Authorization": f"Bearer {token}",
                                                                    "Notion-Version": "2026-03-11"})
        data = os.urandom(20 * MIB)
        source = tmp / "bench.txt"
        source.write_bytes(data)
        curl = shutil.which("curl")
        uploads, downloads = [], []
        url = None
        cpu = _cpu_s(proc.pid)
        for _ in range(repeats):
            up = client.post("/v1/file_uploads", json={"filename": "bench.txt"}).json()
            if curl:
                seconds = _curl(["-H", f"Authorization: Bearer {token}", "-H", "Notion-Version: 2026-03-11",
                                 "-F", f"file=@{source};type=text/plain", f"{base}/v1/file_uploads/{up['id']}/send"])
                uploads.append(len(data) / seconds / MB)
            else:
                t = time.perf_counter()
                resp = _send(client, up["id"], data)
                uploads.append(len(data) / (time.perf_counter() - t) / MB)
                assert resp.status_code == 200, resp.text
            if url is None:
                page = client.post("/v1/pages", json={
                    "parent": {"workspace": True}, "properties": {"title": {"title": [{"text": {"content": "b"}}]}},
                    "children": [{"type": "file", "file": {"file_upload": {"id": up["id"]}}}]})
                assert page.status_code == 200, page.text
                blocks = client.get(f"/v1/blocks/{page.json()['id']}/children").json()
                url = blocks["results"][0]["file"]["file"]["url"]
        upload_cpu = _cpu_s(proc.pid) - cpu
        cpu = _cpu_s(proc.pid)
        for _ in range(repeats):
            if curl:
                downloads.append(len(data) / _curl([url]) / MB)
                continue
            t = time.perf_counter()
            size = 0
            with httpx.stream("GET", url, timeout=120) as resp:
                for chunk in resp.iter_raw(MIB):
                    size += len(chunk)
            downloads.append(size / (time.perf_counter() - t) / MB)
            assert size == len(data)
        download_cpu = _cpu_s(proc.pid) - cpu
        before = _peak_rss_mb(proc.pid)
        part = os.urandom(10 * MB)
        up = client.post("/v1/file_uploads", json={"mode": "multi_part", "filename": "big.txt", "number_of_parts": 10}).json()
        t = time.perf_counter()
        for n in range(1, 11):
            resp = _send(client, up["id"], part, n)
            assert resp.status_code == 200, resp.text
        done = client.post(f"/v1/file_uploads/{up['id']}/complete").json()
        multi_s = time.perf_counter() - t
        assert done["content_length"] == 100 * MB, done
        after = _peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return {
        "upload_20mib_mb_s": round(statistics.median(uploads), 1),
        "download_20mib_mb_s": round(statistics.median(downloads), 1),
        "upload_mb_per_server_cpu_s": round(repeats * len(data) / MB / max(upload_cpu, 1e-9), 1),
        "download_mb_per_server_cpu_s": round(repeats * len(data) / MB / max(download_cpu, 1e-9), 1),
        "load_average": os.getloadavg()[0],
        "multi_part_100mb_s": round(multi_s, 2),
        "peak_rss_before_mb": round(before, 1),
        "peak_rss_after_mb": round(after, 1),
        "targets": {
            "upload >= 200 MB/s": statistics.median(uploads) >= 200,
            "download >= 500 MB/s": statistics.median(downloads) >= 500,
            "peak RSS flat (< 32 MB growth) over a 100 MB multi-part upload": after - before < 32,
        },
    }


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench files", description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    result = run(args.repeats)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"upload 20 MiB single part   {result['upload_20mib_mb_s']:>8} MB/s")
    print(f"download 20 MiB signed URL  {result['download_20mib_mb_s']:>8} MB/s")
    print(f"server CPU: {result['upload_mb_per_server_cpu_s']} MB uploaded, {result['download_mb_per_server_cpu_s']} MB "
          f"downloaded per CPU second (load average {result['load_average']:.1f} on {os.cpu_count()} cores)")
    print(f"multi-part 100 MB (10 parts) {result['multi_part_100mb_s']:>7} s")
    print(f"server peak RSS             {result['peak_rss_before_mb']} MB before, {result['peak_rss_after_mb']} MB after")
    print("targets:")
    for name, met in result["targets"].items():
        print(f"  {'met ' if met else 'MISSED'} {name}")
    return 0
