"""The message store on PostgreSQL (psycopg 3 and psycopg_pool): the same operations as the SQLite store
(``refstore/operations.py`` and the concern modules), on a pool of connections shared by the threads of a
server worker, and by any number of workers (processes) on one database.

Transactions (one per operation):

* **writes** — ``READ COMMITTED``; the first statement locks the box row (``SELECT … FOR UPDATE``), so the
  writers of one box are serialised (as SQLite's ``BEGIN IMMEDIATE`` serialises the writers of a file) and
  writers of different boxes never wait for each other. Every change takes its ``lastModSeq`` from the
  locked row, so the sequence is monotone per box in commit order, whatever the number of workers.
* **reads** — ``REPEATABLE READ READ ONLY``: one snapshot for the whole answer (a search and its models).
* a serialization failure or deadlock (SQLSTATE 40001, 40P01) retries the whole operation (at most 5 times).
* the database away (connection refused or lost, server shutting down, no connection from the pool within
  ``pool_timeout``) is ``StoreError("SVC2001")``: 503 without internals. Nothing is retried after a failure
  that may have committed: what was acknowledged is committed, what failed is rolled back whole. Broken
  connections are dropped by the pool's check, so the store comes back by itself with the database.

A write to a box with live subscriptions sends ``NOTIFY nms_changes`` (delivered at commit): the
notifier of every worker listens, so delivery starts at once in whichever worker claims the subscription.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg
import psycopg_pool
from psycopg import errors

from mcdata_store import models
from mcdata_store.store import Context, MessageStore, StoreError

from .. import retention, tree
from ..core.answers import StoreFileError
from ..core.delivery import NotifySettings
from ..core.ids import box_key
from ..core.subscriptions import Lifetimes
from ..notify import Notifier
from ..operations import Operations
from ..tx import Db
from .schema import migrate
from .tx import PgDb, PgTx, StatementLog, pg_row

__all__ = ["CHANNEL", "PgStore"]

T = TypeVar("T")
CHANNEL = "nms_changes"
RETRIES = 5
_log = logging.getLogger(__name__)
_RETRY = (errors.SerializationFailure, errors.DeadlockDetected)
_AWAY = (psycopg.OperationalError, psycopg.InterfaceError, psycopg_pool.PoolTimeout, psycopg_pool.PoolClosed)


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.autocommit = True  # transactions are explicit (BEGIN … with the isolation each operation needs)


class PgStore(Operations):
    """The message store in a PostgreSQL database (``conninfo``: a ``postgresql://`` URL or key=value string).

    Creates or upgrades the schema on start (``pg/schema.py``). ``pool_size``: the connections of this
    process (one per concurrent operation). ``notify``: deliver notifications in background threads.
    ``statement_log``: called with every statement the store runs (tests check that each names its box).
    """

    def __init__(
        self,
        conninfo: str,
        *,
        clock: Callable[[], float] = time.time,
        default_subscription_duration: int = 24 * 3600,
        max_subscription_duration: int = 30 * 24 * 3600,
        notify: NotifySettings | None = None,
        pool_size: int = 8,
        pool_timeout: float = 5.0,
        connect_timeout: int = 3,
        statement_log: StatementLog | None = None,
    ) -> None:
        self._conninfo = conninfo
        self._clock = clock
        self._lifetimes = Lifetimes(default_subscription_duration, max_subscription_duration)
        self._log = statement_log
        self._pool_timeout = pool_timeout
        self._notifier: Notifier | None = None
        self._listener: _Listener | None = None
        self._pool = psycopg_pool.ConnectionPool(
            conninfo,
            min_size=1,
            max_size=max(1, pool_size),
            kwargs={"row_factory": pg_row, "connect_timeout": connect_timeout},
            configure=_configure,
            check=psycopg_pool.ConnectionPool.check_connection,
            timeout=pool_timeout,
            reconnect_timeout=0,  # never give up on the database: it comes back, the store with it
            open=False,
            name="nms-store",
        )
        where = _redacted(conninfo)
        try:
            with psycopg.connect(conninfo, autocommit=True, row_factory=pg_row, connect_timeout=connect_timeout) as c:
                migrate(c, where)
            self._pool.open(wait=False)
        except StoreFileError:
            self._pool.close()
            raise
        except psycopg.Error as exc:
            self._pool.close()
            raise StoreFileError(where, "store-unreachable", f"cannot use the database ({_first_line(exc)})") from exc
        if notify is not None:
            try:
                self._notifier = Notifier(self._session, notify, clock)
            except BaseException:
                self.close()
                raise
            self._listener = _Listener(conninfo, self._notifier.wake, connect_timeout)

    def close(self) -> None:
        """Stop delivering notifications and close the pool; the store is unusable after."""
        if self._listener is not None:
            self._listener.stop()
        if self._notifier is not None:
            self._notifier.stop()
        self._pool.close()

    # ----------------------------------------------------------------------- transactions

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        with self._pool.connection(timeout=self._pool_timeout) as conn:
            yield conn

    @contextmanager
    def _session(self, write: bool) -> Iterator[Db]:
        """One transaction not bound to a box (the notifier's), the database away → SVC2001."""
        with _away_as_svc2001(), self._connection() as conn:
            conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED" if write else "BEGIN ISOLATION LEVEL REPEATABLE READ")
            try:
                yield PgDb(conn, log=self._log)
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise

    def _op(self, ctx: Context, write: bool, step: Callable[[PgTx], T]) -> T:
        key = box_key(ctx.store_name, ctx.box_id)
        for attempt in range(RETRIES):
            try:
                with _away_as_svc2001(), self._connection() as conn:
                    return self._attempt(conn, ctx, key, write, step)
            except _RETRY:
                if attempt == RETRIES - 1:
                    raise StoreError("SVC2001", []) from None
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    def _attempt(
        self, conn: psycopg.Connection[Any], ctx: Context, key: int, write: bool, step: Callable[[PgTx], T]
    ) -> T:
        tx = PgTx(conn, ctx=ctx, box=key, clock=self._clock, log=self._log)
        if not write:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                found = tx.one("SELECT store_name, box_id FROM box WHERE pk = ?", (key,))
                if found is not None:
                    _same_box(found, ctx)
                    result = step(tx)
                    conn.execute("COMMIT")
                    return result
                conn.execute("ROLLBACK")
            except BaseException:
                _rollback(conn)
                raise
            # first contact by a read: create the box, then read in a new snapshot
            self._attempt(conn, ctx, key, True, lambda _: None)
            return self._attempt(conn, ctx, key, False, step)
        conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
        try:
            created = tx.one(
                "INSERT INTO box (pk, store_name, box_id) VALUES (?, ?, ?) ON CONFLICT (pk) DO NOTHING RETURNING pk",
                (key, ctx.store_name, ctx.box_id),
            )
            if created is not None:  # a new box and its root folder (name "", no parent, lastModSeq 1)
                tree.insert_folder(tx, None, "", models.AttributeList(attribute=[]))
            found = tx.one("SELECT store_name, box_id FROM box WHERE pk = ? FOR UPDATE", (key,))
            assert found is not None
            _same_box(found, ctx)
            result = step(tx)
            tx.run(
                "SELECT pg_notify(?, '') FROM box WHERE pk = ? AND EXISTS"
                " (SELECT 1 FROM subscription WHERE box_pk = ? AND expires_at > ?)",
                (CHANNEL, key, key, self._clock()),
            )
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise
        if self._notifier is not None:
            self._notifier.wake()
        return result

    # ======================================================================= retention (not in the Protocol)

    def purge_tombstones_before(self, when: float) -> int:
        """Retention for every box: forget deletions made before ``when`` (see ``SqliteStore``); one
        transaction per box (the boxes' rows may live on different nodes)."""
        with self._session(False) as db:
            boxes = retention.boxes_to_purge(db, when)
        purged = 0
        for box in boxes:
            with self._session(True) as db:
                db.run("SELECT pk FROM box WHERE pk = ? FOR UPDATE", (box,))
                purged += retention.purge_box_before(db, box, when)
        if self._notifier is not None:
            self._notifier.wake()
        return purged


def _same_box(row: Any, ctx: Context) -> None:
    if (row["store_name"], row["box_id"]) != (ctx.store_name, ctx.box_id):  # 2^-63: refuse rather than mix
        _log.error("box key clash: %r and %r", (row["store_name"], row["box_id"]), (ctx.store_name, ctx.box_id))
        raise StoreError("SVC2001", [])


def _rollback(conn: psycopg.Connection[Any]) -> None:
    if conn.closed or conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
        return
    try:
        conn.execute("ROLLBACK")
    except psycopg.Error:
        _log.warning("rolling back a failed transaction failed", exc_info=True)


@contextmanager
def _away_as_svc2001() -> Iterator[None]:
    """The database unreachable, shutting down or out of resources → 503 SVC2001 (no internals)."""
    try:
        yield
    except _AWAY as exc:
        _log.warning("the database is not available: %s", _first_line(exc))
        raise StoreError("SVC2001", []) from exc
    except (errors.InsufficientResources, errors.AdminShutdown, errors.CannotConnectNow) as exc:
        raise StoreError("SVC2001", []) from exc


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _redacted(conninfo: str) -> str:
    """The database's address without a password (for messages)."""
    try:
        params = psycopg.conninfo.conninfo_to_dict(conninfo)
    except psycopg.Error:
        return "postgresql"
    host, port, name = params.get("host", "localhost"), params.get("port", "5432"), params.get("dbname", "")
    return f"postgresql://{host}:{port}/{name}"


class _Listener:
    """LISTEN nms_changes on a connection of its own: each notification wakes the notifier (which also looks
    every poll_interval, so a lost connection only delays delivery until it is back)."""

    def __init__(self, conninfo: str, wake: Callable[[], None], connect_timeout: int) -> None:
        self._conninfo = conninfo
        self._wake = wake
        self._connect_timeout = connect_timeout
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="nms-notify-listen", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=self._connect_timeout) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._wake()  # changes made while not listening
                    while not self._stopping.is_set():
                        for _ in conn.notifies(timeout=0.5, stop_after=1):
                            self._wake()
            except psycopg.Error:
                self._stopping.wait(1.0)


def _conforms(store: PgStore) -> MessageStore:
    """Type-checked conformance: mypy fails here when PgStore drifts from the generated Protocol."""
    return store
