"""Beanie's own test suite as data-bridge's compatibility specification.

``make compat`` (``python -m compat.beanie_suite``) downloads the ``beanie==2.1.0`` sdist from PyPI
into ``~/.cache/data-bridge/beanie-suite`` (Beanie's files are never committed here), and runs its
``tests/`` twice on the same server: against data-bridge, through the import-forwarding ``beanie``
package in ``compat/shim`` (``import beanie.a.b`` is ``data_bridge.a.b``), and against the real
Beanie installed in the venv. It prints both pass counts per test file and in total, and every test
that passes on Beanie and fails on data-bridge, with its first error line.

The server is ``MONGODB_URI`` when set, otherwise an ``EmbeddedServer`` (``secantusd-rs`` when
built). Each run is its own pytest process, started in the extracted suite with Beanie's own pytest
settings (``asyncio_mode = "auto"``, a session event loop, warnings as errors), so this repository's
pytest configuration never applies to it. ``compat/plugin/beanie_suite_plugin.py`` is loaded into
both runs: it records the results, and retries index creation without text indexes when, and only
when, the server refuses them.

``compat/passing.txt`` lists the suite's tests that pass on data-bridge; the ratchet test
(``tests/test_beanie_suite.py``, part of ``make test``) fails when one of them stops passing.
``make compat-update`` (``--update``) rewrites the list from a data-bridge run.

Example:
    >>> from compat import beanie_suite
    >>> beanie_suite.suite_dsn("mongodb://127.0.0.1:27017/", "beanie_db")
    'mongodb://127.0.0.1:27017/beanie_db'

"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tarfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

SUITE_VERSION = "2.1.0"
CACHE_DIR = Path.home() / ".cache" / "data-bridge" / "beanie-suite"
HERE = Path(__file__).resolve().parent
SHIM_DIR = HERE / "shim"
PLUGIN_DIR = HERE / "plugin"
PASSING_FILE = HERE / "passing.txt"

Odm = Literal["data-bridge", "beanie"]
ODMS: tuple[Odm, ...] = ("data-bridge", "beanie")

# Beanie's own [tool.pytest] settings; its `addopts = ["--cov"]` and `minversion` are left out.
_SUITE_SETTINGS = (
    "asyncio_mode",
    "asyncio_default_fixture_loop_scope",
    "asyncio_default_test_loop_scope",
)
_SUITE_DEFAULTS = {
    "testpaths": ["tests"],
    "filterwarnings": ["error"],
    "asyncio_mode": "auto",
    "asyncio_default_fixture_loop_scope": "session",
    "asyncio_default_test_loop_scope": "session",
}
_PASSED = frozenset({"passed", "xpassed"})


@dataclass
class TestResult:
    """One suite test's outcome in one run: passed, failed, error, skipped, xfailed, not run."""

    outcome: str
    error: str = ""

    @property
    def passed(self) -> bool:
        """Whether every phase of the test passed."""
        return self.outcome in _PASSED


@dataclass
class RunResult:
    """Every suite test's outcome in one run, keyed by pytest node id, and how long it took."""

    odm: Odm
    tests: dict[str, TestResult] = field(default_factory=dict)
    collect_errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    log: Path | None = None

    def passing(self) -> set[str]:
        """Node ids of the tests that passed."""
        return {node for node, result in self.tests.items() if result.passed}

    def result(self, nodeid: str) -> TestResult:
        """Return the outcome of ``nodeid``; a test that never ran carries its collection error."""
        if nodeid in self.tests:
            return self.tests[nodeid]
        for prefix, error in self.collect_errors.items():
            if nodeid.startswith(prefix.rstrip("/")) or prefix in ("", "."):
                return TestResult("not run", f"collection: {error}")
        return TestResult("not run", "not collected")


def fetch_suite(cache_dir: Path = CACHE_DIR) -> Path:
    """Download the sdist once and extract its ``tests/`` and ``pyproject.toml``; their directory.

    Only those are extracted, into a directory of their own: the sdist's ``beanie/`` package
    must never sit next to the suite, where pytest's rootdir on ``sys.path`` would import it
    instead of the ODM under test.
    """
    suite_dir = cache_dir / f"suite-{SUITE_VERSION}"
    if (suite_dir / "tests" / "conftest.py").exists() and (suite_dir / "pyproject.toml").exists():
        return suite_dir
    cache_dir.mkdir(parents=True, exist_ok=True)
    archive = cache_dir / f"beanie-{SUITE_VERSION}.tar.gz"
    if not archive.exists():
        subprocess.run(
            [
                sys.executable,
                *("-m", "pip", "download", "--quiet", "--no-deps"),
                *("--no-binary", ":all:", f"beanie=={SUITE_VERSION}", "-d", str(cache_dir)),
            ],
            check=True,
        )
    top = f"beanie-{SUITE_VERSION}/"
    with tarfile.open(archive) as sdist:
        members = []
        for member in sdist.getmembers():
            if member.name.startswith(top + "tests/") or member.name == top + "pyproject.toml":
                member.name = member.name[len(top) :]
                members.append(member)
        sdist.extractall(suite_dir, members=members, filter="data")
    return suite_dir


def suite_dsn(uri: str, db_name: str) -> str:
    """``uri`` with ``db_name`` as its path: the suite checks that its DSN ends with the name."""
    parts = urlsplit(uri)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db_name}", parts.query, parts.fragment))


def _pytest_config(suite_dir: Path) -> Path:
    """Write an ini holding Beanie's own pytest settings from its pyproject.toml."""
    try:
        import tomllib
    except ImportError:  # Python 3.10: the same settings, as the 2.1.0 sdist declares them
        settings = _SUITE_DEFAULTS
    else:
        settings = tomllib.loads((suite_dir / "pyproject.toml").read_text())["tool"]["pytest"]
    lines = ["[pytest]", f"testpaths = {' '.join(settings['testpaths'])}"]
    lines += [f"{key} = {settings[key]}" for key in _SUITE_SETTINGS]
    lines.append("filterwarnings =")
    lines += [f"    {rule}" for rule in settings["filterwarnings"]]
    ini = suite_dir / "pytest-compat.ini"
    ini.write_text("\n".join(lines) + "\n")
    return ini


def _suite_env(odm: Odm, uri: str, db_name: str, results: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    paths = [str(PLUGIN_DIR)]
    if odm == "data-bridge":
        paths.insert(0, str(SHIM_DIR))  # ahead of site-packages, where the real Beanie lives
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["MONGODB_DSN"] = suite_dsn(uri, db_name)
    env["MONGODB_DB_NAME"] = db_name
    env["BEANIE_SUITE_RESULTS"] = str(results)
    env["BEANIE_SUITE_ODM"] = odm
    return env


def _drop_database(uri: str, db_name: str) -> None:
    import pymongo

    with pymongo.MongoClient(uri, serverSelectionTimeoutMS=10_000) as client:
        client.drop_database(db_name)


def _read_results(odm: Odm, results: Path) -> RunResult:
    run = RunResult(odm)
    order = {"passed": 0, "xpassed": 0, "skipped": 1, "xfailed": 1, "failed": 2, "error": 3}
    if not results.exists():
        return run
    for line in results.read_text().splitlines():
        record = json.loads(line)
        outcome = record["outcome"]
        if record["when"] == "collect":
            run.collect_errors[record["nodeid"]] = record["error"]
            continue
        if outcome == "failed" and record["when"] != "call":
            outcome = "error"  # a fixture failed in setup or teardown
        current = run.tests.get(record["nodeid"])
        if current is None or order[outcome] > order[current.outcome]:
            run.tests[record["nodeid"]] = TestResult(outcome, record["error"])
    return run


def run_suite(
    odm: Odm,
    uri: str,
    *,
    db_name: str | None = None,
    pytest_args: list[str] | None = None,
    timeout: float = 3600.0,
    quiet: bool = False,
) -> RunResult:
    """Run the suite in its own pytest process against ``odm`` on the server at ``uri``.

    Example:
        >>> result = run_suite("data-bridge", "mongodb://127.0.0.1:27017/")  # doctest: +SKIP
        >>> len(result.passing())  # doctest: +SKIP
        400

    """
    suite_dir = fetch_suite()
    if (suite_dir / "beanie").exists():
        raise RuntimeError(f"{suite_dir / 'beanie'} would shadow the ODM under test: remove it")
    ini = _pytest_config(suite_dir)
    # Per process: runs started side by side (say, by two people) never share results or data.
    db_name = db_name or f"beanie_suite_{odm.replace('-', '_')}_{os.getpid()}"
    results = CACHE_DIR / f"results-{db_name}.jsonl"
    results.unlink(missing_ok=True)
    log = CACHE_DIR / f"run-{db_name}.log"
    _drop_database(uri, db_name)
    command = [
        sys.executable,
        *("-m", "pytest", "-c", str(ini), "--rootdir", str(suite_dir)),
        *("-p", "beanie_suite_plugin", "-p", "no:cacheprovider", "-q", "-rN"),
        "--continue-on-collection-errors",
        *(pytest_args or ["tests"]),
    ]
    if not quiet:
        print(f"[{odm}] running Beanie {SUITE_VERSION}'s suite; log: {log}", flush=True)
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            cwd=suite_dir,
            env=_suite_env(odm, uri, db_name, results),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            out.write(f"\n[compat] killed after {timeout:.0f} s\n")
    run = _read_results(odm, results)
    run.seconds = time.perf_counter() - started
    run.log = log
    with contextlib.suppress(Exception):
        _drop_database(uri, db_name)
    return run


def _test_file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def report(runs: dict[Odm, RunResult], out: object = sys.stdout) -> str:
    """Print the per-file table, the totals and the tests Beanie passes and data-bridge fails."""
    universe = sorted(set().union(*(set(run.tests) for run in runs.values())))
    files = sorted({_test_file(node) for node in universe})
    odms = [odm for odm in ODMS if odm in runs]
    width = max([len(f) for f in files] + [10])
    lines = [f"{'test file':<{width}}  " + "  ".join(f"{odm:>12}" for odm in odms)]
    for name in files:
        nodes = [node for node in universe if _test_file(node) == name]
        counts = [sum(runs[odm].result(n).passed for n in nodes) for odm in odms]
        lines.append(f"{name:<{width}}  " + "  ".join(f"{c:>7} / {len(nodes):<3}" for c in counts))
    totals = [len(runs[odm].passing() & set(universe)) for odm in odms]
    lines.append(
        f"{'total':<{width}}  " + "  ".join(f"{t:>7} / {len(universe):<3}" for t in totals)
    )
    for odm in odms:
        outcomes = Counter(runs[odm].result(n).outcome for n in universe)
        detail = ", ".join(f"{count} {name}" for name, count in sorted(outcomes.items()))
        lines.append(f"{odm}: {detail}; {runs[odm].seconds:.0f} s; log {runs[odm].log}")
    if "data-bridge" in runs and "beanie" in runs:
        ours, theirs = runs["data-bridge"], runs["beanie"]
        behind = [n for n in universe if theirs.result(n).passed and not ours.result(n).passed]
        lines.append(f"\npasses on Beanie, not on data-bridge ({len(behind)}):")
        lines += [f"  {n}\n      {ours.result(n).outcome}: {ours.result(n).error}" for n in behind]
        ahead = [n for n in universe if ours.result(n).passed and not theirs.result(n).passed]
        if ahead:
            lines.append(f"\npasses on data-bridge, not on Beanie ({len(ahead)}):")
            lines += [f"  {n}\n      {theirs.result(n).error}" for n in ahead]
    text = "\n".join(lines)
    print(text, file=out)  # type: ignore[call-overload]
    return text


def load_passing(path: Path = PASSING_FILE) -> list[str]:
    """Return the committed list of suite tests that pass on data-bridge (the ratchet)."""
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def write_passing(run: RunResult, path: Path = PASSING_FILE) -> None:
    """Rewrite the ratchet list from a data-bridge run."""
    header = (
        f"# Beanie {SUITE_VERSION}'s own tests that pass on data-bridge: the ratchet checked by\n"
        "# tests/test_beanie_suite.py. Regenerate with `make compat-update`.\n"
    )
    path.write_text(header + "".join(f"{node}\n" for node in sorted(run.passing())))


@contextlib.contextmanager
def server_uri() -> Iterator[str]:
    """``MONGODB_URI`` when set, otherwise a fresh embedded server (``secantusd-rs`` if built)."""
    uri = os.environ.get("MONGODB_URI")
    if uri:
        yield uri
        return
    from data_bridge.embedded import EmbeddedServer

    with EmbeddedServer() as server:
        print(f"[compat] embedded {server.kind} server {server.binary} at {server.uri}")
        yield server.uri


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m compat.beanie_suite [--odm ...] [--update] [-- PYTEST ARGS]``."""
    parser = argparse.ArgumentParser(prog="python -m compat.beanie_suite", description=__doc__)
    parser.add_argument("--odm", choices=[*ODMS, "both"], default="both")
    parser.add_argument(
        "--update", action="store_true", help=f"rewrite {PASSING_FILE.name} from data-bridge's run"
    )
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per run")
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest (default: tests)")
    args = parser.parse_args(argv)
    odms = ODMS if args.odm == "both" else (args.odm,)
    with server_uri() as uri:
        runs = {
            odm: run_suite(odm, uri, pytest_args=args.pytest_args or None, timeout=args.timeout)
            for odm in odms
        }
    report(runs)
    if args.update:
        if "data-bridge" not in runs or args.pytest_args:
            parser.error("--update needs the whole suite run against data-bridge")
        write_passing(runs["data-bridge"])
        print(f"wrote {len(runs['data-bridge'].passing())} tests to {PASSING_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
