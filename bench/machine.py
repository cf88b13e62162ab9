"""The machine description saved with every result: hardware, versions and load at the start."""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_mb() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
        return out.stdout.strip() if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def wrk_version() -> str | None:
    path = shutil.which("wrk")
    if path is None:
        return None
    try:
        out = subprocess.run([path, "-v"], capture_output=True, text=True, timeout=10)
        return (out.stdout or out.stderr).splitlines()[0].strip()
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


def postgres_version(url: str = "host=127.0.0.1 port=5432 user=postgres dbname=test") -> str | None:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=1) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception:
        return None


def describe(store: str) -> dict[str, Any]:
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    status = _git("status", "--porcelain", "--untracked-files=no")
    import uvicorn

    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_mb": _mem_total_mb(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version() if store == "postgres" else None,
        "uvicorn": uvicorn.__version__,
        "wrk": wrk_version(),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(status) if status is not None else None,
        "load_average_at_start": list(load) if load else None,
    }
