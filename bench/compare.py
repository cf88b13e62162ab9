"""`python -m bench compare A.json B.json`: what changed between two result files.

Absolute figures move with the machine's load; the ratios to the floor (measured in the same run)
are the figures to compare across runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _pct(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "-"
    return f"{(b - a) / a * 100:+.0f}%"


def _get(w: dict[str, Any] | None, *keys: str) -> Any:
    cur: Any = w
    for k in keys:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(k)
    return cur


def compare(a_path: str, b_path: str) -> str:
    a = json.loads(Path(a_path).read_text())
    b = json.loads(Path(b_path).read_text())
    lines = [f"A: {a_path}  ({a['started']}, commit {str(a['machine'].get('git_commit'))[:10]}, {a['config']['store']})",
             f"B: {b_path}  ({b['started']}, commit {str(b['machine'].get('git_commit'))[:10]}, {b['config']['store']})"]
    if a["machine"].get("cpu_model") != b["machine"].get("cpu_model"):
        lines.append("note: different CPUs; compare the x-floor ratios, not absolute figures")
    runs_b = {r["workers"]: r for r in b.get("runs", [])}
    for ra in a.get("runs", []):
        rb = runs_b.get(ra["workers"])
        if rb is None:
            continue
        lines.append("")
        lines.append(f"workers={ra['workers']}")
        head = ("workload", "req/s A", "req/s B", "change", "x floor A", "x floor B", "p50 A", "p50 B", "change",
                "p50 x floor A", "p50 x floor B")
        rows = [head]
        names = [w["name"] for w in ra["workloads"]] + [w["name"] for w in rb["workloads"]
                                                         if w["name"] not in {x["name"] for x in ra["workloads"]}]
        for name in names:
            wa = next((w for w in ra["workloads"] if w["name"] == name), None)
            wb = next((w for w in rb["workloads"] if w["name"] == name), None)
            label = (wa or wb)["label"]  # type: ignore[index]
            if (wa or {}).get("status") != "ok" or (wb or {}).get("status") != "ok":
                rows.append((label, (wa or {}).get("status", "absent"), (wb or {}).get("status", "absent"),
                             "", "", "", "", "", "", "", ""))
                continue
            ta, tb = _get(wa, "blockyard", "throughput", "rps"), _get(wb, "blockyard", "throughput", "rps")
            la, lb = _get(wa, "blockyard", "latency", "p50_ms"), _get(wb, "blockyard", "latency", "p50_ms")
            rows.append((label, f"{ta:,.1f}", f"{tb:,.1f}", _pct(ta, tb),
                         f"{_get(wa, 'ratio', 'throughput')}x", f"{_get(wb, 'ratio', 'throughput')}x",
                         f"{la:.2f}", f"{lb:.2f}", _pct(la, lb),
                         f"{_get(wa, 'ratio', 'p50')}x", f"{_get(wb, 'ratio', 'p50')}x"))
        widths = [max(len(str(r[i])) for r in rows) for i in range(len(head))]
        for i, row in enumerate(rows):
            lines.append("  ".join(str(c).ljust(widths[j]) if j == 0 else str(c).rjust(widths[j])
                                   for j, c in enumerate(row)).rstrip())
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
        lines.append(f"start-up: {ra['startup_s']['median']} s -> {rb['startup_s']['median']} s; "
                     f"peak RSS per worker: {_get(ra, 'memory', 'peak_rss_per_worker_mb')} MB -> "
                     f"{_get(rb, 'memory', 'peak_rss_per_worker_mb')} MB")
    ta = {t["name"]: t for t in a.get("targets", [])}
    lines.append("")
    lines.append("targets (A -> B):")
    for t in b.get("targets", []):
        old = ta.get(t["name"], {})
        mark = {True: "met", False: "MISSED", None: "n/a"}
        lines.append(f"  {t['name']}: {old.get('value')} ({mark.get(old.get('met'), '-')}) -> {t['value']} ({mark[t['met']]})")
    return "\n".join(lines)
