"""Shared test helpers. ``pytest --regen`` rewrites golden files instead of comparing them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest

from .https_server import Running, ServerOptions, https_server

pytest_plugins = ("pytester",)  # tests/reports/test_citations.py runs the collection rules on small test files

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "cases"  # case data: the minimal model, change requests, goldens, bad models
REGEN_HINT = "run `pytest --regen` to accept the new output, then review the diff"

# A cache of the generator's work for this session only (subprocesses inherit it): runs start cold, tests
# never read what another checkout or an older generator left in the user's cache.
if "NMSGEN_CACHE_DIR" not in os.environ:
    os.environ["NMSGEN_CACHE_DIR"] = SESSION_CACHE = tempfile.mkdtemp(prefix="nmsgen-test-cache-")
else:
    SESSION_CACHE = ""


def pytest_unconfigure(config: pytest.Config) -> None:
    if SESSION_CACHE:
        shutil.rmtree(SESSION_CACHE, ignore_errors=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen", action="store_true", help="rewrite golden files from the current output")


@pytest.fixture
def regen(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen"))


def child_env() -> dict[str, str]:
    """The environment of a child process: this project importable, after whatever PYTHONPATH already lists
    (``nmsgen trace --verify`` puts a mutant ``mcdata_store`` first; a child must test that one too)."""
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def run_nmsgen(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user does, in a fresh interpreter."""
    full_env = {**os.environ, **(env or {})}
    full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


StartServer = Callable[..., AbstractContextManager[Running]]


@pytest.fixture(scope="session")
def start_server(tmp_path_factory: pytest.TempPathFactory) -> StartServer:
    """The one way a test starts the generated server: on the reference store, over real TLS, in a thread of
    this process (tests/https_server.py). ``with start_server(keys, store_options, **settings) as running:``;
    ``folder=`` puts its certificate and database in a given folder (a fresh one otherwise)."""

    def start(
        signing: Any, store_options: dict[str, Any] | None = None, *, folder: Path | None = None, **kw: Any
    ) -> AbstractContextManager[Running]:
        return https_server(folder or tmp_path_factory.mktemp("server"), signing, store_options, **kw)

    return start


@pytest.fixture(scope="module")
def server_options() -> ServerOptions:
    """What the module's ``running`` server is: a test module that uses ``running`` overrides this fixture."""
    raise pytest.UsageError("a module using the `running` server defines a `server_options` fixture")


@pytest.fixture(scope="module")
def running(start_server: StartServer, server_options: ServerOptions) -> Iterator[Running]:
    """The generated server on the reference store over TLS, one per test module, as ``server_options`` says."""
    with start_server(server_options.keys, server_options.store_options, **server_options.settings) as r:
        yield r
        if server_options.before_stop is not None:
            server_options.before_stop()


@contextmanager
def nmsgen_serve(args: list[str], cwd: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`nmsgen serve ARGS` as a user starts it, in a child process: yields it and what it printed up to
    "Uvicorn running" (logged once the socket listens); stopped at the end. For the tests of the command itself;
    every other test runs the server in process (``running``, ``start_server``)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", *args],
        cwd=cwd,
        env=child_env(),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (lines and "Uvicorn running" in lines[-1]):
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
    if not (lines and "Uvicorn running" in lines[-1]):
        proc.kill()
        raise AssertionError("server did not start:\n" + "".join(lines))
    try:
        yield proc, "".join(lines)
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)


@pytest.fixture
def minimal_model(tmp_path: Path) -> Path:
    """A copy of the minimal valid model, to overlay defects on."""
    dst = tmp_path / "model"
    shutil.copytree(FIXTURES / "minimal", dst)
    return dst


CITATION_CAP = 4  # the same cap as generator/reports/trace.py, which reads the markers statically


def citation_problems(items: list[pytest.Item], registry: set[str]) -> list[str]:
    """What is wrong with the clause markers of ``items``: unknown ids, blanket markers (module pytestmark,
    class), more than CITATION_CAP ids on one test or parametrized case without a reason, stray keywords."""
    problems: set[str] = set()
    for item in items:
        ids: set[str] = set()
        reasons = []
        for node, mark in item.iter_markers_with_node("clause"):
            if node is not item:
                problems.add(
                    f"{node.nodeid}: blanket clause marker on a {type(node).__name__.lower()} "
                    f"({', '.join(map(str, mark.args))}): it tags tests that do not check its clauses; put each "
                    "clause on the test functions (or pytest.param cases) whose assertions check it"
                )
                continue
            problems.update(
                f"{item.nodeid} -> {c} (not a clause of the registry)" for c in mark.args if c not in registry
            )
            ids.update(map(str, mark.args))
            extra = set(mark.kwargs) - {"reason"}
            reason = mark.kwargs.get("reason", "")
            if extra or not isinstance(reason, str) or ("reason" in mark.kwargs and not reason.strip()):
                problems.add(
                    f'{item.nodeid}: a clause marker takes clause ids and reason="..." (a non-empty text) only'
                )
            reasons.append(reason)
        if len(ids) > CITATION_CAP and not any(reasons):
            problems.add(
                f"{item.nodeid} cites {len(ids)} clauses ({', '.join(sorted(ids))}): cite at most {CITATION_CAP}, "
                'the ones its assertions check, or give the marker reason="why this test checks all of them"'
            )
    return sorted(problems)


def check_citations(items: list[pytest.Item], registry: set[str]) -> None:
    """Refuse the run (a usage error naming every problem) when a clause marker breaks the citation rules."""
    problems = citation_problems(items, registry)
    if problems:
        raise pytest.UsageError("clause markers break the citation rules:\n  " + "\n  ".join(problems))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test cites only clauses of the registry (a typo is a failure), on its own decorator or its
    pytest.param cases (no blanket markers), at most CITATION_CAP of them unless the marker says why."""
    from generator import pipeline  # noqa: PLC0415 - the registry is read once, at collection

    result = pipeline.check(ROOT / "spec")
    check_citations(items, set(result.model.clauses) if result.model else set())


# ------------------------------------------------------------------------------------------ PostgreSQL

STORE_KINDS = ("sqlite", "postgresql")  # the stores the store tests run on (tests/refstore/conftest.py)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    """A throwaway PostgreSQL cluster for the session (tests/pg_cluster.py: initdb + pg_ctl in a temporary folder
    on a loopback port). Skipped when no initdb is found, except in CI (CI=true), where ``.ci/run`` installs
    Debian's postgresql and its absence is a failure."""
    from tests.pg_cluster import Cluster, pg_available  # noqa: PLC0415

    if not pg_available():
        reason = "PostgreSQL (initdb, pg_ctl) is not installed: apt-get install postgresql (or set PG_BIN)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    cluster = Cluster(durable=False)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="session")
def pg_template(pg_cluster: Any) -> str:
    """The name of a database with the latest schema, copied for each store (CREATE DATABASE … TEMPLATE)."""
    import psycopg  # noqa: PLC0415

    from refstore.pg.schema import migrate  # noqa: PLC0415
    from refstore.pg.tx import pg_row  # noqa: PLC0415

    url = pg_cluster.create_database()
    with psycopg.connect(url, autocommit=True, row_factory=pg_row) as conn:
        migrate(conn, url)
    return str(url.rsplit("/", 1)[1])


def pg_database(request: pytest.FixtureRequest) -> str:
    """The URL of a new database with the latest schema on the session's cluster."""
    url: str = request.getfixturevalue("pg_cluster").create_database(request.getfixturevalue("pg_template"))
    return url
