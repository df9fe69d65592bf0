"""Looking into a store's database from a test, whichever the store: SQLite file or PostgreSQL database."""

from __future__ import annotations

import sqlite3
from typing import Any

from refstore import SqliteStore

__all__ = ["foreign_key_problems", "query", "query_at"]


def query(store: Any, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The rows of a read-only query (``?`` placeholders) on the store's database, outside the store."""
    if isinstance(store, SqliteStore):
        with sqlite3.connect(store._path) as conn:
            return [tuple(r) for r in conn.execute(sql, params).fetchall()]
    import psycopg  # noqa: PLC0415

    from refstore.pg.tx import to_psycopg  # noqa: PLC0415

    with psycopg.connect(store._conninfo) as conn:
        return [tuple(r) for r in conn.execute(to_psycopg(sql), params).fetchall()]


def foreign_key_problems(store: Any) -> list[tuple[Any, ...]]:
    """Rows that break a foreign key: SQLite's foreign_key_check; PostgreSQL enforces every key on every
    statement (none deferred), so a committed state never has any."""
    if isinstance(store, SqliteStore):
        return query(store, "PRAGMA foreign_key_check")
    return []


def query_at(location: str, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """The rows (as dicts) of a read-only query (``?`` placeholders) on the database at ``location``: a
    SQLite file or a ``postgresql://`` URL."""
    if not location.startswith("postgresql://"):
        with sqlite3.connect(location) as conn:
            conn.row_factory = sqlite3.Row
            return [dict(r) for r in conn.execute(sql, params).fetchall()]
    import psycopg  # noqa: PLC0415
    from psycopg.rows import dict_row  # noqa: PLC0415

    from refstore.pg.tx import to_psycopg  # noqa: PLC0415

    with psycopg.connect(location, row_factory=dict_row) as conn:
        return [dict(r) for r in conn.execute(to_psycopg(sql), params).fetchall()]
