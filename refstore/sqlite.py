"""SQLite reference implementation of :class:`mcdata_store.store.MessageStore`.

One SQLite file holds every box of every store. Each call opens one transaction (``BEGIN IMMEDIATE``
for writes, a deferred ``BEGIN`` for reads) on the calling thread's own connection, so the store can be
shared by the threads of a FastAPI threadpool. See ``refstore/README.md`` for the policies chosen where
OMA NMS leaves the choice to the server, and for the modules :class:`SqliteStore` composes: this class
owns the connections and the store's lifecycle; each operation checks its request (``core/``), opens
one transaction on the box (``connection.box_transaction``) and hands it to the module of its concern.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from mcdata_store.store import Context, MessageStore

from . import retention
from .connection import box_transaction, file_error, open_connection, transaction
from .core.answers import StoreFileError
from .core.delivery import NotifySettings
from .core.subscriptions import Lifetimes
from .notify import Notifier
from .operations import Operations
from .schema import create_schema
from .tx import Db, Tx

T = TypeVar("T")

__all__ = ["SqliteStore", "StoreFileError"]


class SqliteStore(Operations):
    """The reference message store: every box of every store in one SQLite file (WAL, synchronous=FULL).

    ``path`` must name a file (``:memory:`` would give every connection its own database). The schema is
    created if missing. Thread-safe: each thread uses its own connection; :meth:`close` closes them all.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Callable[[], float] = time.time,
        default_subscription_duration: int = 24 * 3600,
        max_subscription_duration: int = 30 * 24 * 3600,
        notify: NotifySettings | None = None,
    ) -> None:
        self._path = str(path)
        if self._path == ":memory:" or self._path.startswith("file::memory:") or not self._path:
            raise ValueError("SqliteStore needs a database file, not an in-memory database")
        self._clock = clock
        self._lifetimes = Lifetimes(default_subscription_duration, max_subscription_duration)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False
        # notification delivery in background threads (refstore/notify.py); None: subscriptions are only stored
        self._notifier: Notifier | None = None
        try:
            create_schema(self._conn(), self._path)
        except StoreFileError:
            self.close()
            raise
        except (sqlite3.Error, RuntimeError, OSError) as exc:  # no half-open store: nothing stays open
            self.close()
            raise file_error(self._path, exc) from exc
        if notify is not None:
            try:
                self._notifier = Notifier(self._session, notify, clock)
            except BaseException:  # e.g. an unreadable CA bundle: no half-open store
                self.close()
                raise

    # ----------------------------------------------------------------------- connections, transactions

    def _conn(self) -> sqlite3.Connection:
        """The calling thread's connection (a new one after a failed ROLLBACK left its transaction open)."""
        if self._closed:
            raise RuntimeError("the store is closed")
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and conn.in_transaction:  # a ROLLBACK failed (I/O error): start again on a new one
            self._local.conn = None
            with self._lock:
                if conn in self._connections:
                    self._connections.remove(conn)
            conn.close()  # closing rolls the transaction back
            conn = None
        if conn is None:
            conn = open_connection(self._path)
            with self._lock:
                if self._closed:
                    conn.close()
                    raise RuntimeError("the store is closed")
                self._connections.append(conn)
            self._local.conn = conn
        return conn

    def close(self) -> None:
        """Stop delivering notifications, close every connection of every thread; the store is unusable after."""
        if self._notifier is not None:
            self._notifier.stop()
        with self._lock:
            self._closed = True
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()

    def pragmas(self) -> dict[str, int | str]:
        """The data-safety settings of the calling thread's connection (DATA-3)."""
        conn = self._conn()
        return {
            name: conn.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }

    @contextmanager
    def _session(self, write: bool) -> Iterator[Db]:
        """One transaction on the calling thread's connection, not bound to a box (the notifier's)."""
        conn = self._conn()
        with transaction(conn, write):
            yield Db(conn)

    def _op(self, ctx: Context, write: bool, step: Callable[[Tx], T]) -> T:
        with self._tx(ctx, write=write) as tx:
            return step(tx)

    @contextmanager
    def _tx(self, ctx: Context, *, write: bool = False) -> Iterator[Tx]:
        """One transaction on ctx's box (created on first contact); SQLite failing for lack of a resource
        becomes 503 SVC2001. A committed write wakes the notifier."""
        with box_transaction(self._conn, ctx, write, self._clock) as tx:
            yield tx
        if write and self._notifier is not None:
            self._notifier.wake()  # committed: deliver what changed (in the background)

    def purge_tombstones_before(self, when: float) -> int:
        """Retention for every box: forget deletions made before ``when`` (seconds since the epoch, the store's
        clock); how many were purged. Each box's purge point moves to its newest purged deletion, so restart
        tokens before it get a resetBox. Meant for a periodic job (cron) with the deployment's retention.
        """
        with self._session(True) as db:
            purged = sum(retention.purge_box_before(db, box, when) for box in retention.boxes_to_purge(db, when))
        if self._notifier is not None:
            self._notifier.wake()
        return purged


def _conforms(store: SqliteStore) -> MessageStore:
    """Type-checked conformance: mypy fails here when SqliteStore drifts from the generated Protocol."""
    return store
