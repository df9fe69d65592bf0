"""Statements on one connection (:class:`Db`) and one transaction on one box (:class:`Tx`): what every
concern module works in, whichever database is behind it.

The concern modules write their SQL once, in the dialect both databases understand (``?`` placeholders,
``INSERT … ON CONFLICT DO NOTHING``, ``RETURNING``, ``TRUE``/``FALSE``), and every statement names the
box (``box_pk = ?``). :class:`Db` runs them on a SQLite connection; ``refstore.pg.tx.PgDb`` on a
PostgreSQL one (placeholders rewritten for psycopg). ``dialect`` names the database where a statement
cannot be shared (the search engine's text matching, ``search.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol

from mcdata_store.store import Context

from .core.ids import candidate_id, restart_token

__all__ = ["Cursor", "Db", "Dialect", "Row", "Tx"]

Dialect = Literal["sqlite", "postgresql"]


class Row(Protocol):
    """A result row: by column name or position (``sqlite3.Row``, ``refstore.pg.tx.PgRow``)."""

    def __getitem__(self, key: Any, /) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> Any: ...


@dataclass
class Db:
    """Statements on one connection, in the shared dialect (SQLite here; ``PgDb`` for PostgreSQL)."""

    conn: Any
    dialect: ClassVar[Dialect] = "sqlite"

    def run(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        cursor: Cursor = self.conn.execute(sql, params)
        return cursor

    def run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row: Row | None = self.run(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(self.run(sql, params).fetchall())

    def in_transaction(self) -> bool:
        return bool(self.conn.in_transaction)


@dataclass
class Tx(Db):
    """One transaction on the box of ``ctx`` (``box``: its key), opened by the store's box transaction.

    ``clock`` is the store's clock (seconds since the epoch); ``paths`` caches folder paths by folder key
    for this transaction (cleared whenever a rename or move changes them).
    """

    ctx: Context = field(kw_only=True)
    box: int = field(kw_only=True)
    clock: Callable[[], float] = field(kw_only=True)
    paths: dict[int, str] = field(default_factory=dict, kw_only=True)

    @property
    def box_url(self) -> str:
        return self.ctx.box_url

    def now_us(self) -> int:
        """The store's clock in microseconds (the NMS internal date of what is created now)."""
        return int(self.clock() * 1_000_000)

    # ----------------------------------------------------------------------- box-wide bookkeeping

    def bump(self, n: int = 1) -> int:
        """Advance the box's modification sequence by n; the last new value."""
        return int(
            self.run("UPDATE box SET mod_seq = mod_seq + ? WHERE pk = ? RETURNING mod_seq", (n, self.box)).fetchone()[0]
        )

    def mod_seq(self) -> int:
        row = self.one("SELECT mod_seq FROM box WHERE pk = ?", (self.box,))
        assert row is not None
        return int(row[0])

    def restart_token(self) -> str:
        """The box's current point (opaque to clients): its modification sequence."""
        return restart_token(self.mod_seq())

    def new_id(self, prefix: str) -> str:
        """A fresh id, never used before in the box (objects, folders, subscriptions share the record)."""
        while True:
            new = candidate_id(prefix)
            inserted = self.run(
                "INSERT INTO used_id (box_pk, id) VALUES (?, ?) ON CONFLICT DO NOTHING", (self.box, new)
            ).rowcount
            if inserted == 1:
                return new

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A bulk item: if it fails, it leaves no trace; the transaction goes on with the next item."""
        self.run("SAVEPOINT item")
        try:
            yield
        except BaseException:
            if self.in_transaction():  # else the database rolled the whole transaction back (e.g. disk full)
                self.run("ROLLBACK TO SAVEPOINT item")
                self.run("RELEASE SAVEPOINT item")
            self.paths.clear()
            raise
        self.run("RELEASE SAVEPOINT item")
