"""``python -m benches``: data-bridge beside every peer, in one interleaved run, one report.

Server: ``--uri``, else ``MONGODB_URI``, else an embedded SecantusDB server
(``data_bridge.embedded``, which prefers the Rust ``secantusd-rs``; `make bench` builds it).

Writes ``benches/results/<date>.json`` (every timing, machine facts, versions), ``<date>.md``
(ratio and detail tables), ``<date>.png`` (chart) and regenerates the Results section of
benches/README.md (full profile only).

Examples:
    python -m benches                      # everything, full sizes (what `make bench` runs)
    python -m benches --profile smoke      # every task at toy sizes, 2 iterations
    python -m benches --only find_table/flat/100000 --iterations 9
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from benches import chart, codec_group, machine, memory, report
from benches.catalogue import PROFILES, plan
from benches.model import Context
from benches.runner import run_task

BENCHES = Path(__file__).resolve().parent
RESULTS = BENCHES / "results"
CODEC_ID = "codec/offline-decode"


def _log(message: str) -> None:
    print(message, flush=True)


@contextlib.contextmanager
def _server(uri: str | None) -> Iterator[tuple[str, Path | None, str]]:
    """(uri, binary we started or None, kind): the given server, or a fresh embedded one."""
    if uri:
        yield uri, None, "external (MONGODB_URI / --uri)"
        return
    try:
        from data_bridge.embedded import EmbeddedServer, find_server_binary
    except ImportError as error:
        raise SystemExit(
            f"cannot start the embedded server ({error}): run `make build` first, or set "
            "MONGODB_URI to an existing server"
        ) from None
    binary = find_server_binary("rust")
    with EmbeddedServer(binary=binary.path, startup_timeout=60) as server:
        yield server.uri, binary.path, server.kind


def _save(results: dict[str, Any], path: Path) -> None:
    # Written after every task: an interrupted run keeps what it measured.
    partial = path.with_suffix(".json.tmp")
    partial.write_text(json.dumps(results, indent=1, default=str))
    partial.replace(path)


def _warnings(build: dict[str, Any], kind: str) -> list[str]:
    found = []
    if build.get("debug_build"):
        found.append("data_bridge is a DEBUG build: run `make build` (release) before measuring")
    if kind == "python":
        found.append(
            "running against the Python SecantusDB server (2.6-5.5x slower than secantusd-rs): "
            "absolute times are the server's; build the Rust one with `make bench`"
        )
    return found


def matches(pattern: str, task_id: str) -> bool:
    """Whether ``pattern`` names whole parts of ``task_id``: "flat/100000" is not in ".../1000000".

    Example: "find_table", "arrow", "nested", "find_table-arrow/flat/100000" and "codec" all match
    at "/" and "-" boundaries of ids such as "find_table-arrow/flat/100000".
    """
    return re.search(rf"(^|[/-]){re.escape(pattern)}($|[/-])", task_id) is not None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benches", description=__doc__.split("\n")[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="full")
    parser.add_argument("--iterations", type=int, help="timed rounds (default: the profile's)")
    parser.add_argument("--warmup", type=int, help="untimed runs per contender first")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="run tasks whose id has these parts, e.g. find_table-arrow/flat (repeatable)",
    )
    parser.add_argument(
        "--skip", action="append", default=[], help="skip tasks whose id has these parts"
    )
    parser.add_argument("--write-rows", type=int, help="rows of the pandas write task")
    parser.add_argument("--no-gil", action="store_true", help="skip the GIL probe runs")
    parser.add_argument("--no-rss", action="store_true", help="skip the peak-RSS subprocess runs")
    parser.add_argument("--uri", default=os.environ.get("MONGODB_URI"), help="server to use")
    parser.add_argument("--db", default=None, help="database name (default: a fresh one)")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database after")
    parser.add_argument("--out", type=Path, help="results JSON path (default: results/<date>.json)")
    parser.add_argument(
        "--readme",
        choices=("auto", "yes", "no"),
        default="auto",
        help="regenerate benches/README.md's results (auto: full profile, all tasks)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    profile = PROFILES[args.profile]
    profile = replace(
        profile,
        iterations=args.iterations or profile.iterations,
        warmup=profile.warmup if args.warmup is None else args.warmup,
        write_rows=args.write_rows or profile.write_rows,
    )

    def wanted(task_id: str) -> bool:
        chosen = not args.only or any(matches(part, task_id) for part in args.only)
        return chosen and not any(matches(part, task_id) for part in args.skip)

    started = dt.datetime.now(dt.timezone.utc)
    stem = started.strftime("%Y-%m-%d") + ("" if profile.name == "full" else f"-{profile.name}")
    out: Path = args.out or RESULTS / f"{stem}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    db_name = args.db or f"bench_{uuid.uuid4().hex[:8]}"
    command = "python -m benches " + " ".join(argv if argv is not None else sys.argv[1:])

    with _server(args.uri) as (uri, binary, kind):
        build = machine.data_bridge_build()
        results: dict[str, Any] = {
            "started": started.strftime("%Y-%m-%d %H:%M UTC"),
            "profile": profile.name,
            "command": command.strip(),
            "settings": {
                "iterations": profile.iterations,
                "warmup": profile.warmup,
                "gil_probe": not args.no_gil,
                "rss": not args.no_rss,
                "database": db_name,
            },
            "machine": machine.machine(),
            "server": machine.server(uri, binary, kind),
            "versions": machine.versions(),
            "data_bridge_build": build,
            "warnings": _warnings(build, kind),
            "tasks": [],
        }
        for warning in results["warnings"]:
            _log(f"WARNING: {warning}")
        _log(f"server: {results['server']}  database: {db_name}  profile: {profile}")
        ctx = Context(uri, db_name)

        def rss(task: Any, peer: str) -> dict[str, Any] | None:
            if not any(part in task.id for part in profile.rss_tasks):
                return None
            return memory.measure_in_subprocess(task, peer, uri, db_name)

        begun = time.perf_counter()
        try:
            _log("loading data")
            tasks = plan(profile, ctx, wanted, _log)
            for task in tasks:
                _log(f"{task.title}  [{task.id}]")
                task_started = time.perf_counter()
                results["tasks"].append(
                    run_task(
                        task,
                        ctx,
                        iterations=profile.iterations,
                        warmup=profile.warmup if task.count <= profile.warmup_max_count else 0,
                        gil_seconds=(
                            None
                            if args.no_gil or task.count > profile.gil_max_count
                            else profile.gil_seconds
                        ),
                        rss=None if args.no_rss else rss,
                        log=_log,
                    )
                )
                _save(results, out)
                _log(f"    ({time.perf_counter() - task_started:.1f} s)")
            if wanted(CODEC_ID):
                _log("offline decode (benches/codec.py)")
                results["codec"] = codec_group.run(
                    profile.decode, profile.iterations, profile.warmup
                )
                _log(f"    {results['codec']['status']} {results['codec'].get('reason', '')}")
        finally:
            if not args.keep_db:
                ctx.client.drop_database(db_name)
            ctx.close()
            results["seconds"] = time.perf_counter() - begun
            results["load_average_after"] = list(os.getloadavg())
            _save(results, out)

    report_path = out.with_suffix(".md")
    report_path.write_text(report.markdown(results) + "\n")
    chart_path = chart.render(results, out.with_suffix(".png"))
    _log(f"wrote {out}, {report_path}, {chart_path} in {results['seconds']:.0f} s")
    full_run = profile.name == "full" and not args.only and not args.skip
    if args.readme == "yes" or (args.readme == "auto" and full_run):
        section = report.readme_section(results, report_path.name, chart_path.name)
        report.update_readme(BENCHES / "README.md", section)
        _log("updated benches/README.md")
    _log("")
    _log(report.ratio_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
