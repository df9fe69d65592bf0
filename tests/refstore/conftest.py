"""The store tests run on both stores: SQLite (a fresh file) and PostgreSQL (a fresh database on the session's
throwaway cluster, tests/conftest.py ``pg_cluster``). A module whose tests only make sense on one store sets
``STORES = ("sqlite",)``; a test that looks at what only SQLite has takes ``sqlite_store``."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from refstore import SqliteStore

from ..conftest import STORE_KINDS, StartServer, pg_database
from ..https_server import Running, ServerOptions


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_kind" in metafunc.fixturenames:
        kinds = getattr(metafunc.module, "STORES", STORE_KINDS)
        metafunc.parametrize("store_kind", kinds, indirect=True, scope="module")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test on PostgreSQL needs a server (the session's throwaway cluster): ``external``, so the quick set
    runs the store tests on SQLite and needs no PostgreSQL; CI runs both. The property tests on PostgreSQL
    also empty a database per example (TRUNCATE, tens of ms): ``slow`` as well."""
    here = Path(__file__).parent
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None or callspec.params.get("store_kind") != "postgresql" or here not in item.path.parents:
            continue
        item.add_marker(pytest.mark.external)
        if hasattr(getattr(item, "obj", None), "hypothesis"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="module")
def store_kind(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql``: the store this module's tests run on now."""
    return str(request.param)


@pytest.fixture
def make_store(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """``make_store(name="store.db", **options)``: a store of the parametrized kind; the same name is the same
    database (a SQLite file in tmp_path, or a PostgreSQL database). Closed (and dropped) after the test."""
    made: list[Any] = []
    urls: dict[str, str] = {}

    def make(name: str = "store.db", **options: Any) -> Any:
        store: Any
        if store_kind == "sqlite":
            store = SqliteStore(tmp_path / name, **options)
        else:
            from refstore.pg import PgStore  # noqa: PLC0415

            if name not in urls:
                urls[name] = pg_database(request)
            store = PgStore(urls[name], **options)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()
    for url in urls.values():
        request.getfixturevalue("pg_cluster").drop_database(url)


@pytest.fixture
def fresh_store(store_kind: str, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """``fresh_store(**options)``: an empty store of the parametrized kind each call, for property tests (one per
    hypothesis example): a new SQLite file, or the test's PostgreSQL database emptied. The caller closes it."""
    folders: list[tempfile.TemporaryDirectory[str]] = []
    url: list[str] = []

    def fresh(**options: Any) -> Any:
        if store_kind == "sqlite":
            folders.append(tempfile.TemporaryDirectory())
            return SqliteStore(Path(folders[-1].name) / "store.db", **options)
        import psycopg  # noqa: PLC0415

        from refstore.pg import PgStore  # noqa: PLC0415

        if not url:
            url.append(pg_database(request))
        with psycopg.connect(url[0], autocommit=True) as conn:
            tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            conn.execute("TRUNCATE " + ", ".join(t for t in tables if t != "schema_version") + " CASCADE")
        return PgStore(url[0], **options)

    yield fresh
    for folder in folders:
        folder.cleanup()
    if url:
        request.getfixturevalue("pg_cluster").drop_database(url[0])


@pytest.fixture
def store_location(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """Where a store of the parametrized kind lives, for child processes (``refstore.open_store``): a SQLite
    file path or a ``postgresql://`` URL of a new database."""
    if store_kind == "sqlite":
        yield str(tmp_path / "store.db")
        return
    url = pg_database(request)
    yield url
    request.getfixturevalue("pg_cluster").drop_database(url)


@pytest.fixture
def store(make_store: Callable[..., Any]) -> Any:
    """The store under test, on a fresh database: SQLite and PostgreSQL."""
    return make_store()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqliteStore]:
    """For what only the SQLite store has (pragmas, its file)."""
    s = SqliteStore(tmp_path / "store.db")
    yield s
    s.close()


@pytest.fixture(scope="module")
def running(
    start_server: StartServer, server_options: ServerOptions, store_kind: str, request: pytest.FixtureRequest
) -> Iterator[Running]:
    """The generated server over TLS on the store of the parametrized kind, one per test module and store."""
    pg_url = pg_database(request) if store_kind == "postgresql" else None
    with start_server(server_options.keys, server_options.store_options, pg_url=pg_url, **server_options.settings) as r:
        yield r
        if server_options.before_stop is not None:
            server_options.before_stop()
