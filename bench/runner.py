"""`python -m bench`: load a fresh store, start Blockyard and the floor, drive both over HTTP, report.

Each workload runs twice against each server: a latency pass with one connection (p50/p99 are the
service time, not queueing) and a throughput pass with `--connections` connections (requests/s).
The floor (bench/floor.py) answers the same bytes under the same uvicorn settings, so every figure
is also given as a ratio to the floor measured minutes apart on the same machine."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import data, floor, machine

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
LUA = BENCH / "lua" / "rotate.lua"
VERSION = "2026-03-11"
PG_BASE = "postgresql://postgres@127.0.0.1:5432/test"
WRK_MISSING = (
    "wrk is not installed. Install it with:  apt-get update && apt-get install -y wrk\n"
    "(or run with --loadgen python for a rough, much weaker Python load generator)"
)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- workloads --------------------------------------------------------------------------------------

@dataclass
class Workload:
    name: str
    label: str
    method: str
    path: str  # {id} is replaced by each ID in turn
    ids: list[str]
    body: str | None = None  # JSON text; {n} is replaced by a request counter (0-999)
    writes: bool = False
    target_p50_ms: float | None = None


def _body(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":")).replace('"{n}"', "{n}")


def workloads(ds: data.Dataset) -> list[Workload]:
    out = [
        Workload("get_page", "GET page", "GET", "/v1/pages/{id}", ds.pages),
        Workload("get_children", "GET block children (100)", "GET", "/v1/blocks/{id}/children?page_size=100",
                 ds.children_parents),
    ]
    for rows, source in sorted(ds.query_ds.items(), key=lambda kv: int(kv[0])):
        n = int(rows)
        label = f"query {n // 1000}k rows" if n >= 1000 else f"query {n} rows"
        out.append(Workload(f"query_{rows}", label, "POST", "/v1/data_sources/{id}/query", [source],
                            _body(data.QUERY_BODY), target_p50_ms=20.0 if n >= 100_000 else None))
    out += [
        Workload("search", "search", "POST", "/v1/search", ["-"], _body(data.SEARCH_BODY)),
        Workload("patch_page", "PATCH page properties", "PATCH", "/v1/pages/{id}", ds.task_rows,
                 _body({"properties": {"Priority": {"number": "{n}"}, "Status": {"select": {"name": "Review"}}}}),
                 writes=True),
        Workload("append_100", "append 100 blocks", "PATCH", "/v1/blocks/{id}/children", ds.append_parents,
                 _body({"children": [data.paragraph(f"appended block {j}") for j in range(100)]}), writes=True,
                 target_p50_ms=30.0),
        Workload("create_row", "create page in data source", "POST", "/v1/pages", ["-"],
                 _body({"parent": {"data_source_id": ds.tasks_ds}, "properties": {
                     "Name": {"title": data.text("new row")}, "Status": {"select": {"name": "Todo"}},
                     "Priority": {"number": "{n}"}}}), writes=True),
    ]
    return out


# --- servers ----------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, token: str | None, body: str | None = None,
            timeout: float = 30) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Notion-Version": VERSION}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if body is not None:
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=body.encode() if body is not None else None, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


class Server:
    """A server process we started, and how long it took to answer its first request."""

    def __init__(self, argv: list[str], port: int, env: dict[str, str], probe: tuple[str, str | None],
                 cpus: set[int] | None = None) -> None:
        self.port = port
        self.probe = probe
        started = time.perf_counter()
        self.proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True, preexec_fn=_on_cpus(cpus))
        deadline = started + 60
        path, token = probe
        while True:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                raise RuntimeError(f"server exited with {self.proc.returncode}: {' '.join(argv)}\n{err[-3000:]}")
            try:
                status, _ = request(port, "GET", path, token, timeout=5)
                if status == 200:
                    break
            except OSError:
                pass
            if time.perf_counter() > deadline:
                self.stop()
                raise RuntimeError(f"server did not answer within 60 s: {' '.join(argv)}")
            time.sleep(0.005)
        self.startup_s = time.perf_counter() - started
        self.startup_cpu_s = self.cpu_seconds()  # CPU the server used to get there (robust to a busy machine)

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server and its workers so far."""
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
            except (OSError, IndexError, ValueError):
                pass
        return total / os.sysconf("SC_CLK_TCK")

    def settle(self, timeout: float = 120) -> None:
        """Wait until requests a load generator left in flight are done (the server answers again)."""
        path, token = self.probe
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            try:
                if request(self.port, "GET", path, token, timeout=timeout)[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)

    def pids(self) -> list[int]:
        """The server process and its descendants (uvicorn workers)."""
        out, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    kids = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
                    todo.extend(int(k) for k in kids)
            except OSError:
                pass
        return out

    def memory(self) -> dict[str, Any]:
        procs = []
        for pid in self.pids():
            info: dict[str, Any] = {"pid": pid}
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith(("VmHWM:", "VmRSS:")):
                        key, value = line.split(":", 1)
                        info[key.lower() + "_mb"] = round(int(value.split()[0]) / 1024, 1)
            except OSError:
                continue
            procs.append(info)
        workers = [p for p in procs if p["pid"] != self.proc.pid] or procs
        return {
            "processes": procs,
            "peak_rss_mb": round(sum(p.get("vmhwm_mb", 0) for p in procs), 1),
            "rss_mb": round(sum(p.get("vmrss_mb", 0) for p in procs), 1),
            "peak_rss_per_worker_mb": max((p.get("vmhwm_mb", 0) for p in workers), default=0),
        }

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # our own session: the server and its workers
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.proc.stderr:
            self.proc.stderr.close()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("BENCH_SRC"), str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def pinning(workers: int) -> tuple[set[int] | None, set[int] | None]:
    """(server CPUs, load generator CPUs) for a one-worker run on a machine with two or more CPUs;
    (None, None), no pinning, otherwise.

    Kept apart, the server and wrk stop trading places on the same CPU, which on a small VM moved
    the floor by a quarter from one pass to the next; both servers get the same CPU."""
    if workers != 1 or not hasattr(os, "sched_getaffinity"):
        return None, None
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None, None
    return {cpus[0]}, set(cpus[1:])


def _on_cpus(cpus: set[int] | None) -> Any:
    if not cpus:
        return None
    return lambda: os.sched_setaffinity(0, cpus)


def start_blockyard(database: str, workers: int, token: str) -> Server:
    port = free_port()
    exe = Path(sys.executable).with_name("blockyard")
    cmd = [str(exe)] if exe.exists() and not os.environ.get("BENCH_SRC") else [sys.executable, "-m", "blockyard.cli"]
    argv = [*cmd, "serve", "--database", database, "--port", str(port), "--log-level", "warning",
            "--workers", str(workers)]
    return Server(argv, port, _env(), ("/v1/users/me", token), pinning(workers)[0])


def start_floor(db_path: str, workers: int) -> Server:
    port = free_port()
    env = _env()
    env["BENCH_FLOOR_DB"] = db_path
    # The same uvicorn settings `blockyard serve` uses: default loop/http (uvloop, httptools when
    # installed), lifespan on, no access log, the same worker count.
    argv = [sys.executable, "-m", "uvicorn", "bench.floor:app", "--host", "127.0.0.1", "--port", str(port),
            "--log-level", "warning", "--no-access-log", "--lifespan", "on"]
    if workers > 1:
        argv += ["--workers", str(workers)]
    return Server(argv, port, env, ("/__ready", None), pinning(workers)[0])


# --- load generators ----------------------------------------------------------------------------------

def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, int(round(q / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def run_wrk(port: int, wl: Workload, token: str, connections: int, duration: float, workdir: Path,
            cpus: set[int] | None = None) -> dict[str, Any]:
    ids_file = workdir / f"{wl.name}.ids"
    ids_file.write_text("\n".join(wl.ids) + "\n")
    body_file = "-"
    if wl.body is not None:
        (workdir / f"{wl.name}.body").write_text(wl.body)
        body_file = str(workdir / f"{wl.name}.body")
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", "10s",
            "-s", str(LUA), f"http://127.0.0.1:{port}", "--", str(ids_file), wl.path, wl.method, body_file,
            token, VERSION]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60, preexec_fn=_on_cpus(cpus))
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stdout[-2000:]} {out.stderr[-2000:]}")
    raw = json.loads(line[len("BENCH_JSON "):])
    seconds = raw["duration_us"] / 1e6
    errors = sum(raw[k] for k in raw if k.startswith("errors_"))
    return {
        "requests": raw["requests"], "seconds": round(seconds, 3),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 2), "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2), "max_ms": round(raw["max_us"] / 1000, 2),
        "errors": errors, "timeouts": raw["errors_timeout"], "non_2xx": raw["errors_status"],
        "connections": connections, "loadgen": "wrk",
    }


def run_python(port: int, wl: Workload, token: str, connections: int, duration: float,
               max_requests: int | None = None) -> dict[str, Any]:
    """A tiny closed-loop load generator for CI and machines without wrk. Far weaker than wrk."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    counter = [0]
    deadline = time.perf_counter() + duration
    per_thread = None if max_requests is None else max(1, max_requests // connections)

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Notion-Version": VERSION, "Authorization": f"Bearer {token}"}
        if wl.body is not None:
            headers["Content-Type"] = "application/json"
        done = 0
        i = offset * 7919
        mine: list[float] = []
        while time.perf_counter() < deadline and (per_thread is None or done < per_thread):
            i += 1
            path = wl.path.replace("{id}", wl.ids[i % len(wl.ids)])
            body = wl.body.replace("{n}", str(i % 1000)).encode() if wl.body is not None else None
            t0 = time.perf_counter()
            try:
                conn.request(wl.method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status < 400
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - t0)
            done += 1
            if not ok:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            counter[0] += done

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    lat = sorted(latencies)
    return {
        "requests": counter[0], "seconds": round(seconds, 3),
        "rps": round(counter[0] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(_percentile(lat, 50) * 1000, 2), "p90_ms": round(_percentile(lat, 90) * 1000, 2),
        "p99_ms": round(_percentile(lat, 99) * 1000, 2), "max_ms": round((lat[-1] if lat else 0) * 1000, 2),
        "errors": errors[0], "connections": connections, "loadgen": "python",
    }


# --- the run ----------------------------------------------------------------------------------------

@dataclass
class Config:
    store: str = "sqlite"
    workers: list[int] = field(default_factory=lambda: [1])
    rows: list[int] = field(default_factory=lambda: [10_000, 100_000])
    duration: float = 2.0  # seconds per pass
    repeats: int = 5  # passes per workload, server and kind, alternating floor and Blockyard
    connections: int = 8
    only: list[str] | None = None
    loadgen: str = "auto"  # auto | wrk | python
    max_requests: int | None = None  # python load generator only
    startup_trials: int = 3
    pages: int = 200
    children_parents: int = 20
    append_parents: int = 50
    task_rows: int = 500
    out: str | None = None
    smoke: bool = False

    @classmethod
    def smoke_config(cls, **overrides: Any) -> "Config":
        base = dict(rows=[200], duration=1.0, repeats=1, connections=2, loadgen="python", max_requests=20, startup_trials=1,
                    pages=10, children_parents=2, append_parents=3, task_rows=20, smoke=True)
        base.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**base)  # type: ignore[arg-type]


def probe(port: int, wl: Workload, token: str) -> tuple[str, str | None, dict[str, tuple[bytes, bool]]]:
    """One request per ID (reads) or one in all (writes): is it served, and what bytes does it answer?"""
    responses: dict[str, tuple[bytes, bool]] = {}
    ids = wl.ids if not wl.writes else wl.ids[:1]
    body = wl.body.replace("{n}", "1") if wl.body is not None else None
    first: bytes = b""
    return_note: str | None = None
    for i, id_ in enumerate(ids):
        path = wl.path.replace("{id}", id_)
        status, payload = request(port, wl.method, path, token, body)
        if status != 200:
            try:
                err = json.loads(payload)
            except ValueError:
                err = {}
            if err.get("code") == "invalid_request_url" or (status == 404 and not err.get("code")):
                return "not served", f"{status} {err.get('code', '')}".strip(), {}
            return "error", f"{status} {err.get('code', '')}: {err.get('message', payload[:200])}", {}
        if i == 0:
            first = payload
            try:
                doc = json.loads(payload)
            except ValueError:
                doc = {}
            if doc.get("object") == "list" and not doc.get("results"):
                note = "returned no results: the figures measure an empty answer"
                return_note = note
            else:
                return_note = None
        responses[f"{wl.method} {path.split('?')[0]}"] = (payload, wl.writes)
    if wl.writes:
        for id_ in wl.ids:
            responses[f"{wl.method} {wl.path.replace('{id}', id_).split('?')[0]}"] = (first, True)
    return "ok", return_note, responses


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if a and b else None


def run(cfg: Config) -> dict[str, Any]:
    if cfg.loadgen == "auto":
        cfg.loadgen = "wrk" if shutil.which("wrk") else "python"
        if cfg.loadgen == "python":
            log("warning: " + WRK_MISSING.replace("\n", "\n  ") + "\n  falling back to --loadgen python")
    if cfg.loadgen == "wrk" and not shutil.which("wrk"):
        raise SystemExit(WRK_MISSING)

    result: dict[str, Any] = {
        "schema": 1,
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine.describe(cfg.store),
        "config": {**{k: v for k, v in cfg.__dict__.items() if k != "out"}, "src": os.environ.get("BENCH_SRC")},
    }
    # SIGTERM (e.g. a CI timeout) unwinds like Ctrl-C, so servers stop and temporary stores are removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="blockyard-bench-"))
    if cfg.store == "postgres":
        database = f"{PG_BASE}?schema=bench_{uuid.uuid4().hex[:10]}"
    else:
        database = str(workdir / "blockyard.db")
    empty_db = f"{PG_BASE}?schema=bench_{uuid.uuid4().hex[:10]}" if cfg.store == "postgres" else str(workdir / "empty.db")
    try:
        # Start-up on a store holding only a workspace and its integration, before the big load.
        tiny = data.load(empty_db, [], pages=0, children_parents=0, append_parents=0, task_rows=0)
        trials, cpus = [], []
        for _ in range(max(1, cfg.startup_trials)):
            srv = start_blockyard(empty_db, cfg.workers[0], tiny.token)
            trials.append(srv.startup_s)
            cpus.append(srv.startup_cpu_s)
            srv.stop()
        result["startup_empty_s"] = {"median": round(statistics.median(trials), 3), "trials": [round(t, 3) for t in trials],
                                     "cpu_median": round(statistics.median(cpus), 3)}
        log(f"start-up on an empty store: median {statistics.median(trials):.3f}s")
        log(f"loading data into {cfg.store} store ({', '.join(map(str, cfg.rows))} database rows)...")
        ds = data.load(database, cfg.rows, pages=cfg.pages, children_parents=cfg.children_parents,
                       append_parents=cfg.append_parents, task_rows=cfg.task_rows, progress=lambda s: log("  " + s))
        log(f"  loaded {ds.total_pages} pages in {ds.load_seconds:.1f}s")
        result["dataset"] = {"total_pages": ds.total_pages, "rows": cfg.rows, "load_seconds": round(ds.load_seconds, 1)}
        result["runs"] = []
        floor_db = str(workdir / "floor.db")
        for w_index, workers in enumerate(cfg.workers):
            result["runs"].append(_run_workers(cfg, ds, database, floor_db, workers, workdir, w_index == 0, result))
    finally:
        if cfg.store == "postgres":
            try:
                from blockyard.store import Store

                for url in (database, empty_db):
                    s = Store(url)
                    s.drop_schema()
                    s.dispose()
            except Exception as exc:  # pragma: no cover - best effort
                log(f"warning: could not drop the bench schema: {exc}")
        shutil.rmtree(workdir, ignore_errors=True)
    result["targets"] = targets(result)
    result["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return result


def _run_workers(cfg: Config, ds: data.Dataset, database: str, floor_db: str, workers: int, workdir: Path,
                 first: bool, result: dict[str, Any]) -> dict[str, Any]:
    server_cpus, loadgen_cpus = pinning(workers)
    run_out: dict[str, Any] = {"workers": workers, "workloads": [], "cpus": None if server_cpus is None else
                               {"server": sorted(server_cpus), "loadgen": sorted(loadgen_cpus or ())}}
    trials, cpus = [], []
    server: Server | None = None
    for trial in range(max(1, cfg.startup_trials)):
        if server is not None:
            server.stop()
        server = start_blockyard(database, workers, ds.token)
        trials.append(server.startup_s)
        cpus.append(server.startup_cpu_s)
    assert server is not None
    run_out["startup_s"] = {"median": round(statistics.median(trials), 3), "trials": [round(t, 3) for t in trials],
                            "cpu_median": round(statistics.median(cpus), 3)}
    log(f"[workers={workers}] start-up (process start to first 200): median {statistics.median(trials):.3f}s")
    floor_srv: Server | None = None
    try:
        wls = [w for w in workloads(ds) if cfg.only is None or w.name in cfg.only]
        probes = {}
        responses: dict[str, tuple[bytes, bool]] = {}
        for wl in wls:
            if first or wl.name not in result.get("_probes", {}):
                probes[wl.name] = probe(server.port, wl, ds.token)
                responses.update(probes[wl.name][2])
        if first:
            result["_probes"] = {k: v[:2] for k, v in probes.items()}
            floor.build(floor_db, responses)
        floor_srv = start_floor(floor_db, workers)
        for wl in wls:
            status, note = result["_probes"][wl.name] if wl.name in result.get("_probes", {}) else probes[wl.name][:2]
            entry: dict[str, Any] = {"name": wl.name, "label": wl.label, "method": wl.method, "path": wl.path,
                                     "status": status, "note": note}
            run_out["workloads"].append(entry)
            if status != "ok":
                log(f"  {wl.label}: {status} ({note})")
                continue
            # Alternate floor and Blockyard in short passes so both see the same machine load.
            samples: dict[tuple[str, str], list[dict[str, Any]]] = {}
            cpu: dict[str, list[float]] = {"floor": [0.0, 0], "blockyard": [0.0, 0]}
            for _rep in range(max(1, cfg.repeats)):
                for kind, conns in (("latency", 1), ("throughput", cfg.connections)):
                    for who, srv in (("floor", floor_srv), ("blockyard", server)):
                        before = srv.cpu_seconds()
                        got = _load(cfg, srv.port, wl, ds.token, conns, workdir, loadgen_cpus)
                        srv.settle()  # requests still in flight when wrk stopped must not spill into the next pass
                        cpu[who][0] += srv.cpu_seconds() - before
                        cpu[who][1] += got["requests"] + 1
                        samples.setdefault((who, kind), []).append(got)
            for (who, kind), got in samples.items():
                entry.setdefault(who, {})[kind] = _merge(got)
            for who, (seconds, count) in cpu.items():
                # Server CPU per request: far less sensitive to other processes than wall-clock latency.
                entry[who]["cpu_ms_per_request"] = round(seconds / count * 1000, 3) if count else None
            b, f = entry["blockyard"], entry["floor"]
            entry["ratio"] = {
                # Each pass against the floor pass just before it, then the median: slow drift in the
                # machine's speed moves both sides of a pair alike.
                "throughput": _paired(samples, "throughput", "rps", floor_over=True),
                "p50": _paired(samples, "latency", "p50_ms"),
                "p99": _paired(samples, "latency", "p99_ms"),
                "cpu": _ratio(b["cpu_ms_per_request"], f["cpu_ms_per_request"]),
            }
            log(f"  {wl.label}: {b['throughput']['rps']} req/s (floor {f['throughput']['rps']}), "
                f"p50 {b['latency']['p50_ms']} ms (floor {f['latency']['p50_ms']}), "
                f"errors {b['latency']['errors'] + b['throughput']['errors']}")
        run_out["memory"] = server.memory()
    finally:
        server.stop()
        if floor_srv is not None:
            floor_srv.stop()
    return run_out


def _paired(samples: dict[tuple[str, str], list[dict[str, Any]]], kind: str, key: str,
            floor_over: bool = False) -> float | None:
    """Median over repeats of Blockyard / floor (floor / Blockyard for rates, where more is better)."""
    ratios = []
    for f, b in zip(samples[("floor", kind)], samples[("blockyard", kind)]):
        num, den = (f[key], b[key]) if floor_over else (b[key], f[key])
        if num and den:
            ratios.append(num / den)
    return round(statistics.median(ratios), 2) if ratios else None


def _merge(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """Median of repeated passes; requests and errors are summed."""
    if len(samples) == 1:
        return samples[0]
    out = dict(samples[0])
    for key in ("rps", "p50_ms", "p90_ms", "p99_ms"):
        out[key] = round(statistics.median(s[key] for s in samples), 2)
    out["max_ms"] = max(s["max_ms"] for s in samples)
    out["requests"] = sum(s["requests"] for s in samples)
    out["errors"] = sum(s["errors"] for s in samples)
    for key in ("timeouts", "non_2xx"):
        if key in out:
            out[key] = sum(s.get(key, 0) for s in samples)
    out["seconds"] = round(sum(s["seconds"] for s in samples), 3)
    out["repeats"] = len(samples)
    out["rps_passes"] = [s["rps"] for s in samples]
    return out


MIN_REQUESTS = 10  # a pass with fewer completed requests is rerun for longer


def _load(cfg: Config, port: int, wl: Workload, token: str, connections: int, workdir: Path,
          cpus: set[int] | None = None) -> dict[str, Any]:
    duration = cfg.duration
    while True:
        if cfg.loadgen == "wrk":
            got = run_wrk(port, wl, token, connections, duration, workdir, cpus)
        else:
            got = run_python(port, wl, token, connections, duration, cfg.max_requests)
        if got["requests"] >= MIN_REQUESTS or cfg.max_requests is not None or duration >= 20:
            return got
        duration = min(20.0, duration * 4)  # slow workload: too few requests for percentiles


# --- targets and the table -----------------------------------------------------------------------------

def _find(run: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((w for w in run["workloads"] if w["name"] == name), None)


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    runs = result.get("runs", [])
    out: list[dict[str, Any]] = []
    if not runs:
        return out
    first = runs[0]

    def add(name: str, target: str, value: Any, met: bool | None, note: str | None = None) -> None:
        out.append({"name": name, "target": target, "value": value, "met": met, "note": note})

    def measured(w: dict[str, Any] | None) -> bool:
        return bool(w and w["status"] == "ok" and w["blockyard"]["latency"]["requests"] > 0
                    and w["blockyard"]["throughput"]["requests"] > 0)

    gp = _find(first, "get_page")
    if gp and gp["status"] == "ok" and measured(gp):
        r = gp["ratio"]
        add("GET page vs floor", "<= 1.5x floor latency and throughput",
            f"p50 {r['p50']}x, throughput {r['throughput']}x",
            bool(r["p50"] and r["throughput"] and r["p50"] <= 1.5 and r["throughput"] <= 1.5))
    q = _find(first, "query_100000")
    if q is None:
        add("query 100k p50", "< 20 ms", None, None, "not run (needs --rows including 100000)")
    elif q["status"] != "ok":
        add("query 100k p50", "< 20 ms", q["status"], False, q["note"])
    elif not measured(q):
        add("query 100k p50", "< 20 ms", "no request completed", False, "slower than the pass duration")
    else:
        p50 = q["blockyard"]["latency"]["p50_ms"]
        add("query 100k p50", "< 20 ms", f"{p50} ms", p50 < 20)
    ap = _find(first, "append_100")
    if ap and measured(ap):
        p50 = ap["blockyard"]["latency"]["p50_ms"]
        add("append 100 blocks p50", "< 30 ms", f"{p50} ms", p50 < 30)
    st = first["startup_s"]["median"]
    empty = result.get("startup_empty_s", {}).get("median")
    st_cpu = first["startup_s"].get("cpu_median")
    add("start-up (loaded store)", "< 1 s", f"{st} s (server CPU {st_cpu} s)", st < 1.0)
    if empty is not None:
        add("start-up (empty store)", "< 1 s", f"{empty} s (server CPU {result['startup_empty_s'].get('cpu_median')} s)",
            empty < 1.0)
    mem = first.get("memory", {}).get("peak_rss_per_worker_mb")
    if mem is not None:
        big = 100_000 in result.get("dataset", {}).get("rows", [])
        add("server memory (peak RSS, per worker)", "< 200 MB with 100k pages", f"{mem} MB",
            mem < 200 if big else None, None if big else "dataset smaller than 100k pages")
    by_workers = {r["workers"]: r for r in runs}
    if 1 in by_workers and 2 in by_workers:
        one, two = _find(by_workers[1], "get_page"), _find(by_workers[2], "get_page")
        if measured(one) and measured(two):
            s = _ratio(two["blockyard"]["throughput"]["rps"], one["blockyard"]["throughput"]["rps"])
            add(f"{result['config']['store']} 2 workers vs 1 (GET page)", ">= 1.7x throughput", f"{s}x",
                bool(s and s >= 1.7))
    return out


def _fmt(v: Any, suffix: str = "") -> str:
    if v is None or v == 0:
        return "-"
    if isinstance(v, float):
        return f"{v:,.1f}{suffix}" if v >= 100 else f"{v:.2f}{suffix}"
    return f"{v}{suffix}"


def table(result: dict[str, Any]) -> str:
    lines = []
    m = result["machine"]
    lines.append(f"Blockyard benchmark  {result['started']}  store={result['config']['store']}  "
                 f"commit={(m.get('git_commit') or '?')[:10]}{' (dirty)' if m.get('git_dirty') else ''}")
    lines.append(f"{m['cpu_model']}, {m['cores']} cores, {m['memory_mb']} MB, Python {m['python']}, "
                 f"SQLite {m['sqlite']}" + (f", PostgreSQL {m['postgresql']}" if m.get("postgresql") else "")
                 + f", load avg {m.get('load_average_at_start')}")
    c = result["config"]
    lines.append(f"loadgen={c['loadgen']}  latency: 1 connection; throughput: {c['connections']} connections; "
                 f"{c.get('repeats', 1)} x {c['duration']}s passes, medians  dataset: {result.get('dataset', {}).get('total_pages')} pages")
    by_workers = {r["workers"]: r for r in result.get("runs", [])}
    for run in result.get("runs", []):
        lines.append("")
        lines.append(f"workers={run['workers']}")
        head = ("workload", "req/s", "floor req/s", "x floor", "p50 ms", "p99 ms", "floor p50", "x floor",
                "CPU ms/req", "floor CPU", "x floor", "errors")
        rows = [head]
        for w in run["workloads"]:
            if w["status"] != "ok":
                rows.append((w["label"], w["status"], "", "", "", "", "", "", "", "", "", "",
                             f"  ({w['note']})" if w["note"] else ""))
                continue
            b, f, r = w["blockyard"], w["floor"], w["ratio"]
            rows.append((w["label"], _fmt(b["throughput"]["rps"]), _fmt(f["throughput"]["rps"]), _fmt(r["throughput"], "x"),
                         _fmt(b["latency"]["p50_ms"]), _fmt(b["latency"]["p99_ms"]), _fmt(f["latency"]["p50_ms"]),
                         _fmt(r["p50"], "x"), _fmt(b.get("cpu_ms_per_request")), _fmt(f.get("cpu_ms_per_request")),
                         _fmt(r.get("cpu"), "x"), str(b["latency"]["errors"] + b["throughput"]["errors"]),
                         f"  ({w['note']})" if w.get("note") else ""))
        widths = [max(len(str(row[i])) for row in rows) for i in range(len(head))]
        for i, row in enumerate(rows):
            lines.append(("  ".join(str(cell).ljust(widths[j]) if j == 0 else str(cell).rjust(widths[j])
                                    for j, cell in enumerate(row[:len(head)])) + "".join(row[len(head):])).rstrip())
            if i == 0:
                lines.append("  ".join("-" * wd for wd in widths))
        mem = run.get("memory", {})
        if run is result["runs"][0] and result.get("startup_empty_s"):
            lines.append(f"start-up on an empty store {result['startup_empty_s']['median']} s "
                         f"(trials {result['startup_empty_s']['trials']}; server CPU {result['startup_empty_s'].get('cpu_median')} s)")
        lines.append(f"start-up on the loaded store {run['startup_s']['median']} s (trials {run['startup_s']['trials']}; "
                     f"server CPU {run['startup_s'].get('cpu_median')} s); "
                     f"peak RSS {mem.get('peak_rss_mb')} MB (per worker {mem.get('peak_rss_per_worker_mb')} MB), "
                     f"RSS at end {mem.get('rss_mb')} MB")
    if 1 in by_workers and 2 in by_workers:
        lines.append("")
        lines.append("scaling, 2 workers / 1 worker (throughput):")
        for w in by_workers[2]["workloads"]:
            one = _find(by_workers[1], w["name"])
            if w["status"] == "ok" and one and one["status"] == "ok":
                lines.append(f"  {w['label']}: {_ratio(w['blockyard']['throughput']['rps'], one['blockyard']['throughput']['rps'])}x"
                             f"  (floor {_ratio(w['floor']['throughput']['rps'], one['floor']['throughput']['rps'])}x)")
    lines.append("")
    lines.append("targets:")
    for t in result.get("targets", []):
        mark = {True: "MET ", False: "MISS", None: "n/a "}[t["met"]]
        lines.append(f"  [{mark}] {t['name']}: {t['value']} (target {t['target']})" + (f" - {t['note']}" if t["note"] else ""))
    return "\n".join(lines)


def save(result: dict[str, Any], out: str | None) -> Path:
    result.pop("_probes", None)
    if out is None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        workers = "-".join(str(r["workers"]) for r in result.get("runs", []))
        out = str(BENCH / "results" / f"{stamp}-{result['config']['store']}-w{workers}.json")
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    return path
