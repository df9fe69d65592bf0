"""Statements on a PostgreSQL connection in the shared dialect of the concern modules (``refstore/tx.py``):
``?`` placeholders become psycopg's ``%s``; rows are read by name or position (:class:`PgRow`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, ClassVar

import psycopg
from psycopg.pq import TransactionStatus
from psycopg.rows import RowMaker

from ..tx import Cursor, Db, Dialect, Tx

__all__ = ["PgDb", "PgRow", "PgTx", "StatementLog", "pg_row", "to_psycopg"]

# what a test or an operator sees of every statement the store runs: (SQL as written, parameters)
StatementLog = Callable[[str, Sequence[Any]], None]


class PgRow:
    """A result row: ``row["name"]`` or ``row[0]`` (and slices), iterable (what ``sqlite3.Row`` offers)."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = tuple(values)
        self._index = index

    def __getitem__(self, key: Any, /) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._index)


def pg_row(cursor: psycopg.Cursor[Any]) -> RowMaker[PgRow]:
    """psycopg row factory of :class:`PgRow`."""
    index = {column.name: i for i, column in enumerate(cursor.description or [])}

    def make(values: Sequence[Any]) -> PgRow:
        return PgRow(values, index)

    return make


@lru_cache(maxsize=2048)
def to_psycopg(sql: str) -> str:
    """The shared dialect's SQL for psycopg: ``%`` doubled, each ``?`` a ``%s`` (no statement of the store
    has a ``?`` or ``%`` inside a literal: values are always bound)."""
    return sql.replace("%", "%%").replace("?", "%s")


@dataclass
class PgDb(Db):
    """Statements on one PostgreSQL connection (autocommit off by explicit ``BEGIN``: see ``pg/store.py``)."""

    log: StatementLog | None = field(default=None, kw_only=True)
    dialect: ClassVar[Dialect] = "postgresql"

    def run(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        if self.log is not None:
            self.log(sql, tuple(params))
        cursor: Cursor = self.conn.execute(to_psycopg(sql), tuple(params))
        return cursor

    def run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = [tuple(r) for r in rows]
        if not batch:
            return
        if self.log is not None:
            for r in batch:
                self.log(sql, r)
        with self.conn.cursor() as cursor:
            cursor.executemany(to_psycopg(sql), batch)

    def in_transaction(self) -> bool:
        return self.conn.info.transaction_status in (TransactionStatus.INTRANS, TransactionStatus.INERROR)


@dataclass
class PgTx(PgDb, Tx):
    """One transaction on one box of the PostgreSQL store."""
