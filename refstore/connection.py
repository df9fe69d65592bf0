"""Connections and transactions of the SQLite store, and what SQLite's failures become.

One connection per thread (``SqliteStore._conn``), each opened by :func:`open_connection` with the
data-safety pragmas. One transaction per operation (:func:`transaction`): ``BEGIN IMMEDIATE`` for writes
(retried while the database is busy), a deferred ``BEGIN`` for reads; any exception rolls it back.
:func:`box_transaction` is the path of every ``MessageStore`` operation: the box is created on first
contact, and SQLite failing for lack of a resource becomes 503 SVC2001. A file the store cannot use at
start-up is diagnosed by :func:`file_error`.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from mcdata_store import models
from mcdata_store.store import Context, StoreError

from . import search, tree
from .core.answers import StoreFileError
from .tx import Tx

__all__ = [
    "BUSY_RETRIES",
    "begin",
    "box_transaction",
    "file_error",
    "no_resources_as_svc2001",
    "open_connection",
    "rollback",
    "sqlite_codes",
    "transaction",
]

BUSY_RETRIES = 3
_log = logging.getLogger(__name__)

# SQLite primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF) that say the store lacks a resource
# (space, working I/O, write access to its files, a lock, memory), not that the request or the data is wrong
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_NOMEM, _SQLITE_READONLY = 5, 6, 7, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 10, 11, 13, 14, 26
_NO_RESOURCES = frozenset(
    {_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_NOMEM, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN}
)


# ------------------------------------------------------------------------------------------ connections


def open_connection(path: str) -> sqlite3.Connection:
    """A new connection to the store file: autocommit (transactions are explicit), rows by name, WAL,
    synchronous=FULL, foreign keys on, busy_timeout=5000, and the search engine's SQL functions."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5.0)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout=5000")
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise RuntimeError(f"cannot put {path} in WAL mode (journal_mode={mode})")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        search.register_functions(conn)
    except BaseException:
        conn.close()
        raise
    return conn


# ------------------------------------------------------------------------------------------ transactions


def begin(conn: sqlite3.Connection, write: bool) -> None:
    """``BEGIN IMMEDIATE`` (write) or ``BEGIN``; SQLite's busy handler waits, then up to 3 attempts."""
    for attempt in range(BUSY_RETRIES):
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            return
        except sqlite3.OperationalError as exc:
            if attempt == BUSY_RETRIES - 1 or not ("locked" in str(exc) or "busy" in str(exc)):
                raise


def rollback(conn: sqlite3.Connection) -> None:
    """End a failed transaction without hiding its error. SQLite may have rolled back already (e.g. disk
    full); a ROLLBACK that fails as well (I/O error) leaves the transaction open, and the store replaces
    such a connection on its thread's next call."""
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            _log.warning("rolling back a failed transaction failed", exc_info=True)


@contextmanager
def transaction(conn: sqlite3.Connection, write: bool) -> Iterator[None]:
    """One transaction: committed when the block ends, rolled back by any exception."""
    begin(conn, write)
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise


@contextmanager
def box_transaction(
    connect: Callable[[], sqlite3.Connection], ctx: Context, write: bool, clock: Callable[[], float]
) -> Iterator[Tx]:
    """One transaction on ctx's box on the connection ``connect`` gives; the box (and its root folder) is
    created on first contact, also by a read. SQLite failing for lack of a resource becomes 503 SVC2001."""
    with no_resources_as_svc2001():
        conn = connect()
        if not write and _box_pk(conn, ctx) is None:
            with transaction(conn, write=True):
                if _box_pk(conn, ctx) is None:
                    _create_box(conn, ctx, clock)
        with transaction(conn, write):
            box = _box_pk(conn, ctx)
            if box is None:
                if not write:  # pragma: no cover - boxes are never deleted
                    raise RuntimeError("box vanished")
                box = _create_box(conn, ctx, clock)
            yield Tx(conn, ctx=ctx, box=box, clock=clock)


def _box_pk(conn: sqlite3.Connection, ctx: Context) -> int | None:
    row = conn.execute(
        "SELECT pk FROM box WHERE store_name = ? AND box_id = ?", (ctx.store_name, ctx.box_id)
    ).fetchone()
    return None if row is None else int(row[0])


def _create_box(conn: sqlite3.Connection, ctx: Context, clock: Callable[[], float]) -> int:
    """A new box with its root folder (name "", no parent, lastModSeq 1)."""
    box = int(
        conn.execute(
            "INSERT INTO box (store_name, box_id) VALUES (?, ?) RETURNING pk", (ctx.store_name, ctx.box_id)
        ).fetchone()[0]
    )
    tree.insert_folder(Tx(conn, ctx=ctx, box=box, clock=clock), None, "", models.AttributeList(attribute=[]))
    return box


# ------------------------------------------------------------------------------------------ SQLite failures


def sqlite_codes(exc: BaseException) -> Iterator[int]:
    """The primary result codes of the SQLite errors in exc and the errors it was raised while handling."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "sqlite_errorcode", None) if isinstance(current, sqlite3.Error) else None
        if isinstance(code, int):
            yield code & 0xFF
        current = current.__cause__ or current.__context__


@contextmanager
def no_resources_as_svc2001() -> Iterator[None]:
    """SQLite failing for lack of a resource (disk full, I/O error, read-only file, lock, memory) becomes
    503 SVC2001 "No server resources available to process the request" (no internals); the transaction it
    hit was rolled back. Other errors pass unchanged."""
    try:
        yield
    except sqlite3.Error as exc:
        if any(code in _NO_RESOURCES for code in sqlite_codes(exc)):
            raise StoreError("SVC2001", []) from exc
        raise


def file_error(path: str, exc: BaseException) -> StoreFileError:
    """What is wrong with the store file at start-up, from SQLite's error and a look at the file system."""
    file = Path(path)
    folder = file.parent
    codes = list(sqlite_codes(exc))
    detail = f" (SQLite: {exc})" if codes else f" ({exc})"
    no_access = _SQLITE_READONLY in codes or _SQLITE_CANTOPEN in codes  # os.access tells why (root: immutable)
    code, message = "store-unusable", f"the file cannot be used as the store{detail}; name another file"
    if file.is_dir():
        code = "store-not-a-file"
        message = "the store path is a folder, not a file; name a store file (an existing one or a new name)"
    elif not folder.is_dir():
        code = "store-folder-missing"
        message = f"the folder {folder} does not exist; create it, or name a store file in an existing folder"
    elif _SQLITE_NOTADB in codes or _SQLITE_CORRUPT in codes:
        code = "store-not-sqlite"
        message = f"the store file is not a SQLite database{detail}; name a file this store wrote, or a new file"
    elif no_access and file.exists() and not os.access(file, os.R_OK):
        code = "store-unreadable"
        message = "the store file cannot be read; give this user read and write access to it, or name another file"
    elif no_access and file.exists() and not os.access(file, os.W_OK):
        code = "store-read-only"
        message = (
            "the store file is read-only; the store writes to it: make it writable for this user, or name a"
            " writable file"
        )
    elif no_access and not os.access(folder, os.W_OK | os.X_OK):
        code = "store-folder-unwritable"
        message = (
            f"the folder {folder} is not writable; the store writes the file and its -wal and -shm files there:"
            " make the folder writable for this user, or name a file in a writable folder"
        )
    elif _SQLITE_READONLY in codes:
        code = "store-read-only"
        message = f"the store file cannot be written{detail}; make it writable for this user, or name another file"
    elif _SQLITE_FULL in codes:
        code = "store-disk-full"
        message = f"the store file cannot be written{detail}; free space on its disk, or name a file on another disk"
    return StoreFileError(path, code, message)
