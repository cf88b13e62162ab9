"""python -m bench [run options]  |  python -m bench compare A.json B.json  |  python -m bench testing

Run from the repository root with the project's virtualenv: `.venv/bin/python -m bench --help`."""

from __future__ import annotations

import argparse
import sys


def _ints(value: str) -> list[int]:
    return [int(v.replace("_", "").replace("k", "000")) for v in value.split(",") if v.strip()]


def _src(argv: list[str]) -> None:
    """--src DIR (or --src=DIR): import blockyard from DIR, here and in servers we start."""
    import os

    for i, a in enumerate(argv):
        if a == "--src" or a.startswith("--src="):
            src = a.split("=", 1)[1] if "=" in a else argv.pop(i + 1)
            src = os.path.abspath(src)
            sys.path.insert(0, src)
            os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p)
            os.environ["BENCH_SRC"] = src
            return


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "compare":
        p = argparse.ArgumentParser(prog="python -m bench compare", description="Compare two result files.")
        p.add_argument("a")
        p.add_argument("b")
        args = p.parse_args(argv[1:])
        from .compare import compare

        print(compare(args.a, args.b))
        return 0
    if argv and argv[0] == "profile":
        _src(argv)
        from .profile import main as profile_main

        return profile_main([a for a in argv[1:] if not a.startswith("--src")])
    if argv and argv[0] == "files":
        from .files_bench import main as files_main

        return files_main(argv[1:])
    if argv and argv[0] == "web":
        from .web_bench import main as web_main

        return web_main(argv[1:])
    if argv and argv[0] == "testing":
        from .testing_bench import main as testing_main

        return testing_main(argv[1:])
    if argv and argv[0] == "run":
        argv = argv[1:]
    p = argparse.ArgumentParser(prog="python -m bench", description=(
        "Benchmark Blockyard over real HTTP against a raw-ASGI floor. "
        "Subcommands: run (default), compare A.json B.json, web (the web UI rendering)."))
    p.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--workers", type=_ints, default=None, help="worker counts, e.g. 1 or 1,2 (default 1)")
    p.add_argument("--rows", type=_ints, default=None, help="database sizes to query (default 10k,100k)")
    p.add_argument("--duration", type=float, default=None, help="seconds per pass (default 2; wrk rounds to whole seconds)")
    p.add_argument("--repeats", type=int, default=None, help="passes per workload and server, alternating floor and "
                                                             "Blockyard; medians are reported, ratios are "
                                                             "medians of adjacent pairs (default 5)")
    p.add_argument("--connections", type=int, default=None, help="connections for the throughput pass (default 8)")
    p.add_argument("--only", default=None, help="comma-separated workload names (get_page,get_children,query_10000,"
                                                 "query_100000,search,patch_page,append_100,create_row)")
    p.add_argument("--loadgen", choices=("auto", "wrk", "python"), default=None, help="default: wrk if installed")
    p.add_argument("--startup-trials", type=int, default=None)
    p.add_argument("--smoke", action="store_true", help="the smallest configuration (what the smoke test runs)")
    p.add_argument("--out", default=None, help="result file (default bench/results/<time>-<store>-w<workers>.json)")
    p.add_argument("--json", action="store_true", help="print the result JSON instead of the table")
    p.add_argument("--src", default=None, help="benchmark the blockyard package under this directory instead of "
                                               "the installed one (e.g. a copy of src/ taken while others edit)")
    args = p.parse_args(argv)
    if args.src:
        import os

        src = os.path.abspath(args.src)
        sys.path.insert(0, src)
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p)
        os.environ["BENCH_SRC"] = src

    from .runner import Config, run, save, table

    overrides = dict(store=args.store, workers=args.workers, rows=args.rows, duration=args.duration, repeats=args.repeats,
                     connections=args.connections, loadgen=args.loadgen, startup_trials=args.startup_trials,
                     only=args.only.split(",") if args.only else None)
    if args.smoke:
        cfg = Config.smoke_config(**overrides)
    else:
        cfg = Config(**{k: v for k, v in overrides.items() if v is not None})
    if cfg.store == "postgres" and args.workers is None and not args.smoke:
        cfg.workers = [1, 2]
    result = run(cfg)
    path = save(result, args.out)
    if args.json:
        import json

        print(json.dumps(result, indent=2))
    else:
        print(table(result))
    print(f"\nsaved {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
