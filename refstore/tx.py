"""One transaction on one box (:class:`Tx`): what every concern module of the SQLite store works in."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from mcdata_store.store import Context

from .core.ids import candidate_id, restart_token

__all__ = ["Tx"]


@dataclass
class Tx:
    """One transaction on the box of ``ctx`` (``box``: its key), opened by ``connection.box_transaction``.

    ``clock`` is the store's clock (seconds since the epoch); ``paths`` caches folder paths by folder key
    for this transaction (cleared whenever a rename or move changes them).
    """

    conn: sqlite3.Connection
    ctx: Context
    box: int
    clock: Callable[[], float]
    paths: dict[int, str] = field(default_factory=dict)

    def one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return list(self.conn.execute(sql, params).fetchall())

    def run(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

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
            if self.run("INSERT OR IGNORE INTO used_id (box_pk, id) VALUES (?, ?)", (self.box, new)).rowcount == 1:
                return new

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A bulk item: if it fails, it leaves no trace; the transaction goes on with the next item."""
        self.run("SAVEPOINT item")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:  # else SQLite rolled the whole transaction back (e.g. disk full)
                self.run("ROLLBACK TO item")
                self.run("RELEASE item")
            self.paths.clear()
            raise
        self.run("RELEASE item")
