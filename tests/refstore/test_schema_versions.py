"""Schema versions and their ordered migrations, on both stores: a database of the first version, holding what
that version wrote, is brought to the latest version when the store opens it (each step once, in order), its data
intact and found by every search; a database of a newer version than the store knows is refused in one line.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from mcdata_store import models
from mcdata_store.store import Context
from refstore import StoreFileError, open_store
from refstore import schema as sqlite_schema
from refstore.core.ids import box_key
from refstore.pg import schema as pg_schema
from refstore.pg.tx import pg_row, to_psycopg

from ..conftest import pg_database

CTX = Context("st", "alice", "MCData-7", "alice", "https://h/nms/v1/st/alice")
OBJECT_URL = "https://h/nms/v1/st/alice/objects/obj-0000000000000001"
SUBJECT = '{"attribute":[{"name":"Subject","value":["Old times"]}]}'


def version_1(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A database of schema version 1 with one box, its root folder and one object, as version 1 wrote them
    (the box key as version 1 computed it); its location."""
    if store_kind == "sqlite":
        path = tmp_path / "old.db"
        conn = sqlite3.connect(path, isolation_level=None)
        sqlite_schema.create_schema(conn, str(path), up_to=1)
        box = 1
        rows: Callable[[str, tuple[Any, ...]], Any] = conn.execute
        location = str(path)
    else:
        location = pg_database_empty(request)
        pconn = psycopg.connect(location, autocommit=True, row_factory=pg_row)
        pg_schema.migrate(pconn, location, up_to=1)
        box = box_key(CTX.store_name, CTX.box_id)

        def rows(sql: str, params: tuple[Any, ...]) -> Any:
            return pconn.execute(to_psycopg(sql), params)

    rows("INSERT INTO box (pk, store_name, box_id, mod_seq) VALUES (?, ?, ?, 2)", (box, CTX.store_name, CTX.box_id))
    rows(
        "INSERT INTO folder (pk, box_pk, id, parent_pk, name, attributes, last_mod_seq, created_us)"
        " VALUES (1, ?, 'fld-0000000000000001', NULL, '', '{\"attribute\":[]}', 1, 0)",
        (box,),
    )
    rows(
        "INSERT INTO object (pk, box_pk, id, folder_pk, attributes, payload, payload_type, last_mod_seq, created_seq,"
        " created_us) VALUES (1, ?, 'obj-0000000000000001', 1, ?, ?, 'text/plain', 2, 2, 0)",
        (box, SUBJECT, b"plain words here"),
    )
    if store_kind == "sqlite":
        conn.close()
    else:
        pconn.execute("SELECT setval('folder_pk_seq', 1), setval('object_pk_seq', 1)")
        pconn.close()
    return location


def pg_database_empty(request: pytest.FixtureRequest) -> str:
    """A new database without the store's tables (not the migrated template)."""
    url: str = request.getfixturevalue("pg_cluster").create_database()
    return url


def sort_plan(location: str, body: dict[str, Any]) -> list[str]:
    """PostgreSQL's plan of the batch query of a search (sequential scans off: a tiny table is read whole
    otherwise, whatever the indexes)."""
    from refstore import search  # noqa: PLC0415
    from refstore.pg.tx import PgDb  # noqa: PLC0415

    with psycopg.connect(location, autocommit=True, row_factory=pg_row) as conn:
        conn.execute("SET enable_seqscan = off")
        criteria = models.SelectionCriteria.model_validate({**body, "maxEntries": 10})
        return search.explain(PgDb(conn), "object", box_key(CTX.store_name, CTX.box_id), criteria, None, 10)


def recorded_version(location: str) -> int:
    if location.startswith("postgresql://"):
        with psycopg.connect(location) as conn:
            row = conn.execute("SELECT version FROM schema_version").fetchone()
    else:
        with sqlite3.connect(location) as sconn:
            row = sconn.execute("PRAGMA user_version").fetchone()
    assert row is not None
    return int(row[0])


def test_the_migrations_are_one_step_per_version() -> None:
    assert len(sqlite_schema.MIGRATIONS) == sqlite_schema.SCHEMA_VERSION
    assert len(pg_schema.MIGRATIONS) == pg_schema.SCHEMA_VERSION


def test_a_first_version_database_is_upgraded_to_the_latest_on_open(
    store_kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    location = version_1(store_kind, tmp_path, request)
    assert recorded_version(location) == 1
    store = open_store(location)
    try:
        latest = sqlite_schema.SCHEMA_VERSION if store_kind == "sqlite" else pg_schema.SCHEMA_VERSION
        assert recorded_version(location) == latest
        for criterion in (
            {"type": "WholeWord", "value": "words"},  # the search tables of a later version, filled from the rows
            {"type": "AllTextAttributes", "value": "OLD T"},
            {"type": "Attribute", "name": "subject", "value": "Old times"},
        ):
            body = {"searchCriteria": {"criterion": [criterion], "operator": "And"}, "maxEntries": 10}
            found = store.search_objects(CTX, models.SelectionCriteria.model_validate(body))
            assert isinstance(found, models.ObjectList)
            assert [o.resourceURL for o in found.object or []] == [OBJECT_URL], criterion
        by_subject = {"sortCriteria": {"criterion": [{"type": "Attribute", "name": "Subject", "order": "Descending"}]}}
        found = store.search_objects(CTX, models.SelectionCriteria.model_validate({**by_subject, "maxEntries": 10}))
        assert isinstance(found, models.ObjectList) and [o.resourceURL for o in found.object or []] == [OBJECT_URL]
        if store_kind == "postgresql":  # version 3's index serves the sort by an attribute
            assert "object_attr_sort" in "\n".join(sort_plan(location, by_subject))
        assert store.get_object_payload(CTX, "obj-0000000000000001").content == b"plain words here"
        store.set_object_flag(CTX, "obj-0000000000000001", "\\Seen")  # the later versions' flag rows work
        made = store.create_object(
            CTX, models.Object.model_validate({"parentFolderPath": "/New", "attributes": {}, "flags": {}}), None
        )
        assert made.resourceURL != OBJECT_URL
    finally:
        store.close()
    again = open_store(location)  # a second open finds the latest version: nothing to run
    again.close()
    assert recorded_version(location) == latest


def test_a_newer_schema_is_refused_in_one_line(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if store_kind == "sqlite":
        location = str(tmp_path / "new.db")
        open_store(location).close()
        with sqlite3.connect(location) as conn:
            conn.execute(f"PRAGMA user_version = {sqlite_schema.SCHEMA_VERSION + 1}")
    else:
        location = pg_database(request)
        with psycopg.connect(location, autocommit=True) as pconn:
            pconn.execute("UPDATE schema_version SET version = version + 1")
    with pytest.raises(StoreFileError) as refused:
        open_store(location).close()
    line = str(refused.value)
    assert "error store-newer-schema" in line and "\n" not in line, line


def test_an_objects_flags_are_read_through_the_object_on_sqlite(tmp_path: Path) -> None:
    """SQLite keeps no statistics: with only flag_key (box, key, object) it read an object's flags by scanning
    every flag of the box. Version 4's flag_object serves the lookups by object (reads, deletes, change batches)."""
    path = tmp_path / "s.db"
    open_store(str(path)).close()
    with sqlite3.connect(path) as conn:
        for sql in (
            "SELECT name FROM flag WHERE box_pk = ? AND object_pk = ? ORDER BY pk",
            "DELETE FROM flag WHERE box_pk = ? AND object_pk = ?",
            "SELECT object_pk, name FROM flag WHERE box_pk = ? AND object_pk IN (?, ?) ORDER BY pk",
        ):
            plan = " ".join(str(r[3]) for r in conn.execute("EXPLAIN QUERY PLAN " + sql, (1,) * sql.count("?")))
            assert "flag_object (box_pk=? AND object_pk=?)" in plan, (sql, plan)
