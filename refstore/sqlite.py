"""SQLite reference implementation of :class:`mcdata_store.store.MessageStore`.

One SQLite file holds every box of every store. Each call opens one transaction (``BEGIN IMMEDIATE``
for writes, a deferred ``BEGIN`` for reads) on the calling thread's own connection, so the store can be
shared by the threads of a FastAPI threadpool. See ``refstore/README.md`` for the policies chosen where
OMA NMS leaves the choice to the server.
"""

from __future__ import annotations

import base64
import json
import math
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import errors as email_errors
from email import policy as email_policy
from email.message import Message
from email.parser import BytesParser
from http import HTTPStatus
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, unquote, urlsplit

from mcdata_store import models
from mcdata_store.store import EXCEPTIONS, Answer, Context, MessageStore, Payload, StoreError, request_error

from . import search
from .notify import Notifier, NotifySettings, SubscriptionFilter, parse_token, restart_token
from .schema import SCHEMA_VERSION, STATEMENTS
from .search import decode_cursor as _unb64

__all__ = ["SqliteStore", "StoreFileError"]

PAGE_MAX = 1000  # the models' list limit: no page (search, folder listing, bulk answer) is longer
MAX_FOLDER_PATH = 4096 - 64  # room for "/" + an object id under the deepest folder (Reference.path <= 4096)
BUSY_RETRIES = 3

READ_ONLY_FOLDER_ATTRIBUTES = frozenset({"name", "root"})  # App. J: server-maintained
MAX_CLIENT_FOLDER_ATTRIBUTES = 1000 - len(READ_ONLY_FOLDER_ATTRIBUTES)  # AttributeList holds at most 1000


class _MalformedPath(Exception):
    """A path that is not a path (empty component, too long name)."""


class StoreFileError(Exception):
    """The store file cannot be used (raised by the constructor): which file, what is wrong, what would be right.

    ``str()`` is one line: ``{path}: error {code}: {message}``.
    """

    def __init__(self, path: str, code: str, message: str) -> None:
        super().__init__(f"{path}: error {code}: {message}")
        self.path, self.code, self.message = path, code, message


# ------------------------------------------------------------------------------------------ SQLite failures

# SQLite primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF) that say the store lacks a resource
# (space, working I/O, write access to its files, a lock, memory), not that the request or the data is wrong
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_NOMEM, _SQLITE_READONLY = 5, 6, 7, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 10, 11, 13, 14, 26
_NO_RESOURCES = frozenset(
    {_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_NOMEM, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN}
)


def _sqlite_codes(exc: BaseException) -> Iterator[int]:
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
def _no_resources_as_svc2001() -> Iterator[None]:
    """SQLite failing for lack of a resource (disk full, I/O error, read-only file, lock, memory) becomes
    503 SVC2001 "No server resources available to process the request" (no internals); the transaction it
    hit was rolled back. Other errors pass unchanged."""
    try:
        yield
    except sqlite3.Error as exc:
        if any(code in _NO_RESOURCES for code in _sqlite_codes(exc)):
            raise StoreError("SVC2001", []) from exc
        raise


def _file_error(path: str, exc: BaseException) -> StoreFileError:
    """What is wrong with the store file at start-up, from SQLite's error and a look at the file system."""
    file = Path(path)
    folder = file.parent
    codes = list(_sqlite_codes(exc))
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


# ------------------------------------------------------------------------------------------ helpers


def _bad(part: str) -> StoreError:
    return StoreError("SVC0002", [part])


def _not_found(part: str, links: Sequence[tuple[str, str]] = ()) -> StoreError:
    return StoreError("SVC0004", [part], links=list(links))


def _object_url(ctx: Context, object_id: str) -> str:
    return f"{ctx.box_url}/objects/{quote(object_id, safe='')}"


def _folder_url(ctx: Context, folder_id: str) -> str:
    return f"{ctx.box_url}/folders/{quote(folder_id, safe='')}"


def _subscriptions_url(ctx: Context) -> str:
    return f"{ctx.box_url}/subscriptions"


def _ref_id(ctx: Context, url: str | None, kind: Literal["objects", "folders"]) -> str | None:
    """The id named by a resource URL of ctx's box (``{box_url}/{kind}/{id}``), else None.

    Matched on the percent-decoded path segments, so that scheme and host spellings do not matter; a URL
    of another box (another storeName or boxId) never matches: ids are only ever looked up in ctx's box.
    """
    if not url:
        return None
    try:
        target, base = urlsplit(url), urlsplit(ctx.box_url)
    except ValueError:
        return None
    if target.query or target.fragment:
        return None
    segments = [unquote(s) for s in target.path.split("/")]
    box_segments = [unquote(s) for s in base.path.rstrip("/").split("/")]
    n = len(box_segments)
    if len(segments) != n + 2 or segments[:n] != box_segments or segments[n] != kind or not segments[n + 1]:
        return None
    return segments[n + 1]


def _now_us(clock: Callable[[], float]) -> int:
    return int(clock() * 1_000_000)


def _flag_key(name: str) -> str:
    return name.casefold()


def _normalise_flags(names: Iterable[str]) -> list[str]:
    """Flags as given, without case-insensitive duplicates (the first spelling wins)."""
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        if not name:
            raise _bad("flag")
        key = _flag_key(name)
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out


def _flag_names(flags: models.FlagList | None) -> list[str]:
    return _normalise_flags(f.root for f in (flags.flag or [])) if flags is not None else []


def _attributes(raw: str) -> list[tuple[str, list[str]]]:
    stored = models.AttributeList.model_validate_json(raw)
    return [(a.name, [v.root for v in (a.value or [])]) for a in (stored.attribute or [])]


def _attribute_list(pairs: Iterable[tuple[str, list[str]]]) -> models.AttributeList:
    return models.AttributeList(attribute=[models.Attribute(name=n, value=v) for n, v in pairs])


def _failure(err: StoreError) -> models.Response:
    """A bulk answer item for a refusal (text with its placeholders, variables apart, as in TS14 App. D)."""
    status = err.status or EXCEPTIONS[err.exception_id][2]
    failure = request_error(err.exception_id, err.variables, err.links, expand=False)
    return models.Response(code=status, reason=HTTPStatus(status).phrase, failure=failure)


def _success(status: int, reference: models.Reference) -> models.Response:
    return models.Response(code=status, reason=HTTPStatus(status).phrase, success=reference)


# ------------------------------------------------------------------------------------------ payloads


@dataclass(frozen=True)
class _Part:
    content_type: str
    content_id: str | None
    content_location: str | None
    content: bytes


def _header(message: Message, name: str) -> str | None:
    value = message.get(name)
    if value is None:
        return None
    return " ".join(str(value).split())


def _split_payload(payload: Payload) -> list[_Part] | None:
    """The first-level parts of a multipart payload (None when the payload is not multipart)."""
    media_type = payload.media_type.strip()
    if not media_type.lower().startswith("multipart/"):
        return None
    if "\r" in media_type or "\n" in media_type or not media_type.isascii():
        raise _bad("attachments")
    message = BytesParser().parsebytes(b"Content-Type: " + media_type.encode() + b"\r\n\r\n" + payload.content)
    broken = (email_errors.NoBoundaryInMultipartDefect, email_errors.StartBoundaryNotFoundDefect)
    if not message.is_multipart() or any(isinstance(d, broken) for d in message.defects):
        raise _bad("attachments")
    parts: list[_Part] = []
    for part in message.get_payload():
        assert isinstance(part, Message)
        if part.is_multipart():  # a nested multipart: its body, re-serialised with CRLF line ends
            flat = part.as_bytes(policy=email_policy.compat32.clone(linesep="\r\n"))
            content = flat.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in flat else b""
        else:
            decoded = part.get_payload(decode=True)
            content = decoded if isinstance(decoded, bytes) else b""
        content_id = _header(part, "Content-ID")
        if content_id is not None:
            content_id = content_id.strip().removeprefix("<").removesuffix(">")
        parts.append(
            _Part(_header(part, "Content-Type") or "text/plain", content_id, _header(part, "Content-Location"), content)
        )
    return parts


def _payload_texts(payload: Payload, parts: list[_Part] | None = None) -> list[str]:
    """The textual content of a payload for WholeWord searches: a text/* payload, or its text/* parts."""
    if parts is None:
        parts = _split_payload(payload)
    if parts is None:
        found = [(payload.media_type, payload.content)]
    else:
        found = [(p.content_type, p.content) for p in parts]
    texts = []
    for media_type, content in found:
        if media_type.strip().lower().startswith("text/"):
            message = Message()
            message["Content-Type"] = media_type
            charset = message.get_content_charset() or "utf-8"
            try:
                texts.append(content.decode(charset, errors="replace"))
            except LookupError:  # an unknown charset: read it as UTF-8
                texts.append(content.decode("utf-8", errors="replace"))
    return texts


# ------------------------------------------------------------------------------------------ the store


@dataclass
class _Tx:
    """One transaction on the box of ``ctx``."""

    conn: sqlite3.Connection
    ctx: Context
    box: int
    paths: dict[int, str] = field(default_factory=dict)  # folder pk -> path (cleared on rename/move)

    def one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return list(self.conn.execute(sql, params).fetchall())

    def run(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)


_OBJECT_SELECT = "SELECT o.*, f.id AS folder_id FROM object o JOIN folder f ON f.pk = o.folder_pk"
# TS14 App. K (RCS folder attributes, informative): computed on request through attrFilter
_COUNT_ATTRIBUTES = ("MsgCount", "UnreadMsgCount", "Size", "SubtreeMsgCount", "SubtreeUnreadMsgCount", "SubtreeSize")

_SUBTREE = """
    WITH RECURSIVE sub(pk, depth) AS (
        SELECT ?, 0 UNION ALL SELECT f.pk, sub.depth + 1 FROM folder f JOIN sub ON f.parent_pk = sub.pk
    )
"""


class SqliteStore:
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
        self._default_duration = default_subscription_duration
        self._max_duration = max_subscription_duration
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False
        # notification delivery in background threads (refstore/notify.py); None: subscriptions are only stored
        self._notifier: Notifier | None = None
        try:
            self._create_schema()
        except StoreFileError:
            self.close()
            raise
        except (sqlite3.Error, RuntimeError, OSError) as exc:  # no half-open store: nothing stays open
            self.close()
            raise _file_error(self._path, exc) from exc
        if notify is not None:
            try:
                self._notifier = Notifier(self._conn, notify, clock)
            except BaseException:  # e.g. an unreadable CA bundle: no half-open store
                self.close()
                raise

    # ----------------------------------------------------------------------- connections, transactions

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False, timeout=5.0)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout=5000")
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise RuntimeError(f"cannot put {self._path} in WAL mode (journal_mode={mode})")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            search.register_functions(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _conn(self) -> sqlite3.Connection:
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
            conn = self._open()
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

    @staticmethod
    def _begin(conn: sqlite3.Connection, write: bool) -> None:
        for attempt in range(BUSY_RETRIES):
            try:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                return
            except sqlite3.OperationalError as exc:
                if attempt == BUSY_RETRIES - 1 or not ("locked" in str(exc) or "busy" in str(exc)):
                    raise

    @contextmanager
    def _transaction(self, conn: sqlite3.Connection, write: bool) -> Iterator[None]:
        self._begin(conn, write)
        try:
            yield
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back already (e.g. disk full)
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:  # e.g. an I/O error: the thread's next call replaces the connection
                    pass
            raise

    def _create_schema(self) -> None:
        conn = self._conn()
        with self._transaction(conn, write=True):
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise StoreFileError(
                    self._path,
                    "store-newer-schema",
                    f"the store file has schema version {version}, newer than this store's {SCHEMA_VERSION};"
                    " open it with the version of the store that wrote it, or name another file",
                )
            for statement in STATEMENTS:
                conn.execute(statement)
            if version == 1:  # a version-1 file: build the search indexes of what it holds
                self._reindex(conn)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @staticmethod
    def _reindex(conn: sqlite3.Connection) -> None:
        """Fill the search tables from the objects and folders (schema version 1 had none)."""
        for row in conn.execute("SELECT pk, box_pk, name, attributes FROM folder").fetchall():
            search.index_folder(
                conn, int(row["box_pk"]), int(row["pk"]), str(row["name"]), _attributes(str(row["attributes"]))
            )
        for row in conn.execute("SELECT pk, box_pk, attributes, payload, payload_type FROM object").fetchall():
            texts = []
            if row["payload"] is not None:
                texts = _payload_texts(Payload(bytes(row["payload"]), str(row["payload_type"])))
            search.index_object(conn, int(row["box_pk"]), int(row["pk"]), _attributes(str(row["attributes"])), texts)

    def _box_pk(self, conn: sqlite3.Connection, ctx: Context) -> int | None:
        row = conn.execute(
            "SELECT pk FROM box WHERE store_name = ? AND box_id = ?", (ctx.store_name, ctx.box_id)
        ).fetchone()
        return None if row is None else int(row[0])

    def _create_box(self, conn: sqlite3.Connection, ctx: Context) -> int:
        """A new box with its root folder (name "", no parent, lastModSeq 1)."""
        box = int(
            conn.execute(
                "INSERT INTO box (store_name, box_id) VALUES (?, ?) RETURNING pk", (ctx.store_name, ctx.box_id)
            ).fetchone()[0]
        )
        tx = _Tx(conn, ctx, box)
        self._insert_folder(tx, None, "", models.AttributeList(attribute=[]))
        return box

    @contextmanager
    def _tx(self, ctx: Context, *, write: bool = False) -> Iterator[_Tx]:
        """One transaction on ctx's box; the box (and its root folder) is created on first contact.

        Every operation runs in one: SQLite failing for lack of a resource becomes 503 SVC2001 here.
        """
        with _no_resources_as_svc2001():
            conn = self._conn()
            if not write and self._box_pk(conn, ctx) is None:
                with self._transaction(conn, write=True):
                    if self._box_pk(conn, ctx) is None:
                        self._create_box(conn, ctx)
            with self._transaction(conn, write):
                box = self._box_pk(conn, ctx)
                if box is None:
                    if not write:  # pragma: no cover - boxes are never deleted
                        raise RuntimeError("box vanished")
                    box = self._create_box(conn, ctx)
                yield _Tx(conn, ctx, box)
        if write and self._notifier is not None:
            self._notifier.wake()  # committed: deliver what changed (in the background)

    @contextmanager
    def _savepoint(self, tx: _Tx) -> Iterator[None]:
        tx.run("SAVEPOINT item")
        try:
            yield
        except BaseException:
            if tx.conn.in_transaction:  # else SQLite rolled the whole transaction back (e.g. disk full)
                tx.run("ROLLBACK TO item")
                tx.run("RELEASE item")
            tx.paths.clear()
            raise
        tx.run("RELEASE item")

    # ----------------------------------------------------------------------- box-wide bookkeeping

    def _bump(self, tx: _Tx, n: int = 1) -> int:
        """Advance the box's modification sequence by n; the last new value."""
        return int(
            tx.run("UPDATE box SET mod_seq = mod_seq + ? WHERE pk = ? RETURNING mod_seq", (n, tx.box)).fetchone()[0]
        )

    def _mod_seq(self, tx: _Tx) -> int:
        row = tx.one("SELECT mod_seq FROM box WHERE pk = ?", (tx.box,))
        assert row is not None
        return int(row[0])

    def _restart_token(self, tx: _Tx) -> str:
        """The box's current point (opaque to clients): its modification sequence."""
        return restart_token(self._mod_seq(tx))

    def _new_id(self, tx: _Tx, prefix: str) -> str:
        """A fresh id, never used before in the box (objects, folders, subscriptions share the record)."""
        while True:
            new = prefix + secrets.token_hex(8)
            if tx.run("INSERT OR IGNORE INTO used_id (box_pk, id) VALUES (?, ?)", (tx.box, new)).rowcount == 1:
                return new

    # ----------------------------------------------------------------------- folders: lookup and paths

    def _folder(self, tx: _Tx, folder_id: str) -> sqlite3.Row | None:
        return tx.one("SELECT * FROM folder WHERE box_pk = ? AND id = ?", (tx.box, folder_id))

    def _folder_by_pk(self, tx: _Tx, pk: int) -> sqlite3.Row:
        row = tx.one("SELECT * FROM folder WHERE pk = ? AND box_pk = ?", (pk, tx.box))
        assert row is not None
        return row

    def _root(self, tx: _Tx) -> sqlite3.Row:
        row = tx.one("SELECT * FROM folder WHERE box_pk = ? AND parent_pk IS NULL", (tx.box,))
        assert row is not None, "every box has its root folder"
        return row

    def _folder_path(self, tx: _Tx, pk: int) -> str:
        """Folder names from the root joined by "/": "" for the root (named ""), "/Inbox/Team" below it."""
        if pk not in tx.paths:
            rows = tx.all(
                """
                WITH RECURSIVE up(pk, parent_pk, name, depth) AS (
                    SELECT pk, parent_pk, name, 0 FROM folder WHERE pk = ? AND box_pk = ?
                    UNION ALL
                    SELECT f.pk, f.parent_pk, f.name, up.depth + 1 FROM folder f JOIN up ON f.pk = up.parent_pk
                )
                SELECT name FROM up ORDER BY depth DESC
                """,
                (pk, tx.box),
            )
            tx.paths[pk] = "/".join(str(r[0]) for r in rows)
        return tx.paths[pk]

    def _folder_ref(self, tx: _Tx, row: sqlite3.Row) -> models.Reference:
        path = self._folder_path(tx, int(row["pk"]))
        return models.Reference(resourceURL=_folder_url(tx.ctx, str(row["id"])), path=path or None)

    def _object_ref(self, tx: _Tx, object_id: str, folder_pk: int) -> models.Reference:
        path = f"{self._folder_path(tx, folder_pk)}/{object_id}"
        return models.Reference(resourceURL=_object_url(tx.ctx, object_id), path=path)

    def _display_path(self, tx: _Tx, pk: int) -> str:
        return self._folder_path(tx, pk) or "/"

    @staticmethod
    def _split_path(path: str) -> list[str]:
        """The folder names of a folder path, the root's ("") first. "" and "/" name the root folder."""
        if path in ("", "/"):
            return [""]
        names = path.split("/")
        if any(not n or len(n) > 1024 for n in names[1:]):
            raise _MalformedPath(path)
        return names

    def _resolve_path(self, tx: _Tx, path: str, *, create: bool) -> int | None:
        """The folder at path in the box (created with its missing ancestors when create), else None."""
        names = self._split_path(path)
        root = tx.one("SELECT pk FROM folder WHERE box_pk = ? AND parent_pk IS NULL AND name = ?", (tx.box, names[0]))
        if root is None:
            return None
        pk = int(root[0])
        for name in names[1:]:
            child = tx.one("SELECT pk FROM folder WHERE parent_pk = ? AND name = ?", (pk, name))
            if child is not None:
                pk = int(child[0])
            elif create:
                self._check_path_room(tx, pk, name)
                pk = self._insert_folder(tx, pk, name, models.AttributeList(attribute=[]))[0]
            else:
                return None
        return pk

    def _check_path_room(self, tx: _Tx, parent_pk: int, name: str, subtree_pk: int | None = None) -> None:
        """Refuse a folder whose path (or a path below it) would not fit a Reference (4096 characters)."""
        below = 0
        if subtree_pk is not None:
            row = tx.one(
                """
                WITH RECURSIVE sub(pk, len) AS (
                    SELECT ?, 0 UNION ALL
                    SELECT f.pk, sub.len + 1 + length(f.name) FROM folder f JOIN sub ON f.parent_pk = sub.pk
                ) SELECT max(len) FROM sub
                """,
                (subtree_pk,),
            )
            below = int(row[0]) if row is not None and row[0] is not None else 0
        if len(self._folder_path(tx, parent_pk)) + 1 + len(name) + below > MAX_FOLDER_PATH:
            raise _bad("path (too long)")

    def _insert_folder(
        self, tx: _Tx, parent_pk: int | None, name: str | None, attributes: models.AttributeList
    ) -> tuple[int, str]:
        folder_id = self._new_id(tx, "fld-")
        if name is None:  # the server assigns a unique name: the folder id (suffixed if a sibling has it)
            name, n = folder_id, 1
            while tx.one("SELECT 1 FROM folder WHERE parent_pk = ? AND name = ?", (parent_pk, name)):
                n += 1
                name = f"{folder_id}-{n}"
        seq = self._bump(tx)
        row = tx.run(
            "INSERT INTO folder (box_pk, id, parent_pk, name, attributes, last_mod_seq, created_us)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING pk",
            (
                tx.box,
                folder_id,
                parent_pk,
                name,
                attributes.model_dump_json(exclude_unset=True),
                seq,
                _now_us(self._clock),
            ),
        ).fetchone()
        pairs = [(a.name, [v.root for v in (a.value or [])]) for a in (attributes.attribute or [])]
        search.index_folder(tx.conn, tx.box, int(row[0]), name, pairs)
        return int(row[0]), folder_id

    def _sibling_exists(self, tx: _Tx, parent_pk: int, name: str, except_pk: int | None = None) -> bool:
        row = tx.one("SELECT pk FROM folder WHERE parent_pk = ? AND name = ?", (parent_pk, name))
        return row is not None and int(row[0]) != except_pk

    def _subtree(self, tx: _Tx, pk: int) -> list[tuple[int, int]]:
        """(pk, depth) of the folder and every folder below it, parents before children."""
        return [
            (int(r[0]), int(r[1])) for r in tx.all(_SUBTREE + "SELECT pk, depth FROM sub ORDER BY depth, pk", (pk,))
        ]

    @staticmethod
    def _folder_attribute_pairs(row: sqlite3.Row) -> list[tuple[str, list[str]]]:
        """The client's attributes with the server-maintained Root (Yes/No) and Name (App. J)."""
        pairs = [("Root", ["No" if row["parent_pk"] is not None else "Yes"])]
        pairs += _attributes(str(row["attributes"]))
        pairs.append(("Name", [str(row["name"])]))
        return pairs

    def _folder_attributes(self, tx: _Tx, row: sqlite3.Row, attr_filter: Sequence[str] = ()) -> models.AttributeList:
        pairs = self._folder_attribute_pairs(row)
        if attr_filter:
            wanted = {a.casefold() for a in attr_filter}
            pairs = [p for p in pairs if p[0].casefold() in wanted]
            counted = [name for name in _COUNT_ATTRIBUTES if name.casefold() in wanted]
            if counted:  # computed only when asked for (TS14 1.4: never without attrFilter)
                values = self._folder_counts(tx, int(row["pk"]))
                pairs += [(name, [str(values[name])]) for name in counted]
        return _attribute_list(pairs)

    def _folder_counts(self, tx: _Tx, pk: int) -> dict[str, int]:
        """The RCS folder attributes of TS14 App. K: objects, unread objects (no \\Seen flag) and payload bytes,
        directly in the folder and in its whole subtree."""
        select = (
            "SELECT COUNT(*), COALESCE(SUM(NOT EXISTS (SELECT 1 FROM flag WHERE flag.object_pk = o.pk"
            " AND flag.key = ?)), 0), COALESCE(SUM(LENGTH(o.payload)), 0) FROM object o "
        )
        seen = _flag_key("\\Seen")
        here = tx.one(select + "WHERE o.folder_pk = ?", (seen, pk))
        tree = tx.one(_SUBTREE + select + "WHERE o.folder_pk IN (SELECT pk FROM sub)", (pk, seen))
        assert here is not None and tree is not None
        return {
            "MsgCount": int(here[0]),
            "UnreadMsgCount": int(here[1]),
            "Size": int(here[2]),
            "SubtreeMsgCount": int(tree[0]),
            "SubtreeUnreadMsgCount": int(tree[1]),
            "SubtreeSize": int(tree[2]),
        }

    def _folder_model(
        self,
        tx: _Tx,
        row: sqlite3.Row,
        *,
        with_path: bool,
        list_filter: models.ListFilterEnum | None = None,
        from_cursor: str | None = None,
        max_entries: int | None = None,
        attr_filter: Sequence[str] = (),
    ) -> models.Folder:
        fields: dict[str, Any] = {}
        if row["parent_pk"] is not None:
            fields["parentFolder"] = _folder_url(tx.ctx, str(self._folder_by_pk(tx, int(row["parent_pk"]))["id"]))
        fields["attributes"] = self._folder_attributes(tx, row, attr_filter)
        fields["resourceURL"] = _folder_url(tx.ctx, str(row["id"]))
        if with_path:
            fields["path"] = self._folder_path(tx, int(row["pk"])) or None
        fields["name"] = str(row["name"])
        fields["lastModSeq"] = int(row["last_mod_seq"])
        if list_filter is not None:
            fields.update(self._children(tx, int(row["pk"]), list_filter, from_cursor, max_entries))
        return models.Folder(**fields)

    def _children(
        self,
        tx: _Tx,
        pk: int,
        list_filter: models.ListFilterEnum,
        from_cursor: str | None,
        max_entries: int | None,
    ) -> dict[str, Any]:
        """subFolders then objects, by creation, at most max_entries in all; cursor = where to go on."""
        want_folders = list_filter in (models.ListFilterEnum.Subfolders, models.ListFilterEnum.All)
        want_objects = list_filter in (models.ListFilterEnum.Objects, models.ListFilterEnum.All)
        phase, after = ("F" if want_folders else "O"), 0
        if from_cursor:
            state = _unb64(from_cursor)
            if not (
                isinstance(state, list) and len(state) == 2 and state[0] in ("F", "O") and isinstance(state[1], int)
            ):
                raise _bad("fromCursor")
            phase, after = state[0], state[1]
            if phase == "F" and not want_folders:
                phase, after = "O", 0
        remaining = min(PAGE_MAX if max_entries is None else max_entries, PAGE_MAX)
        out: dict[str, Any] = {}
        folders: list[models.Reference] = []
        objects: list[models.Reference] = []
        cursor: list[Any] | None = None
        if want_folders and phase == "F":
            rows = tx.all(
                "SELECT * FROM folder WHERE parent_pk = ? AND pk > ? ORDER BY pk LIMIT ?", (pk, after, remaining + 1)
            )
            if len(rows) > remaining:
                rows = rows[:remaining]
                cursor = ["F", int(rows[-1]["pk"]) if rows else after]
            folders = [self._folder_ref(tx, r) for r in rows]
            remaining -= len(rows)
            phase, after = "O", 0
        if want_objects and cursor is None:
            rows = tx.all(
                "SELECT pk, id FROM object WHERE folder_pk = ? AND pk > ? ORDER BY pk LIMIT ?",
                (pk, after, remaining + 1),
            )
            if len(rows) > remaining:
                rows = rows[:remaining]
                cursor = ["O", int(rows[-1]["pk"]) if rows else after]
            objects = [self._object_ref(tx, str(r["id"]), pk) for r in rows]
        if cursor is not None:
            out["cursor"] = base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode().rstrip("=")
        if want_folders:
            out["subFolders"] = models.FolderReferenceList(folderReference=folders)
        if want_objects:
            out["objects"] = models.ObjectReferenceList(objectReference=objects)
        return out

    def _parent_for_create(self, tx: _Tx, parent_url: str | None, parent_path: str | None, *, required: bool) -> int:
        """The folder named by parentFolder (URL of this box) or parentFolderPath (created if missing)."""
        if parent_url is not None:
            folder_id = _ref_id(tx.ctx, parent_url, "folders")
            if folder_id is None:  # a URL that names no folder of this box (another box, host or kind)
                raise _not_found(parent_url)
            row = self._folder(tx, folder_id)
            if row is None:
                raise _not_found(parent_url)
            return int(row["pk"])
        if parent_path is not None:
            try:
                pk = self._resolve_path(tx, parent_path, create=True)
            except _MalformedPath:
                raise _bad("parentFolderPath") from None
            if pk is None:  # the path names a root folder that does not exist (only "" exists)
                raise _bad("parentFolderPath")
            return pk
        if required:
            raise _bad("parentFolder")
        return int(self._root(tx)["pk"])  # the default folder of objects: the root folder

    # ----------------------------------------------------------------------- objects: rows and models

    def _object_row(self, tx: _Tx, object_id: str) -> sqlite3.Row | None:
        return tx.one(_OBJECT_SELECT + " WHERE o.box_pk = ? AND o.id = ?", (tx.box, object_id))

    def _require_object(self, tx: _Tx, object_id: str, what: str = "") -> sqlite3.Row:
        row = self._object_row(tx, object_id)
        if row is None:
            raise _not_found(_object_url(tx.ctx, object_id) + what)
        return row

    def _flags(self, tx: _Tx, object_pk: int) -> list[str]:
        return [str(r[0]) for r in tx.all("SELECT name FROM flag WHERE object_pk = ? ORDER BY pk", (object_pk,))]

    def _object_model(self, tx: _Tx, row: sqlite3.Row) -> models.Object:
        object_id = str(row["id"])
        url = _object_url(tx.ctx, object_id)
        fields: dict[str, Any] = {
            "parentFolder": _folder_url(tx.ctx, str(row["folder_id"])),
            "attributes": _attribute_list(_attributes(str(row["attributes"]))),
            "flags": models.FlagList(flag=[models.Flag(f) for f in self._flags(tx, int(row["pk"]))]),
            "resourceURL": url,
            "path": f"{self._folder_path(tx, int(row['folder_pk']))}/{object_id}",
        }
        if row["payload"] is not None:
            fields["payloadURL"] = f"{url}/payload"
            parts = tx.all(
                "SELECT part_id, content_type, content_id, content_location, length(content) AS size"
                " FROM payload_part WHERE object_pk = ? ORDER BY seq",
                (int(row["pk"]),),
            )
            if parts:
                fields["payloadPart"] = [self._part_info(url, p) for p in parts]
        fields["lastModSeq"] = int(row["last_mod_seq"])
        if row["correlation_id"] is not None:
            fields["correlationId"] = str(row["correlation_id"])
        if row["correlation_tag"] is not None:
            fields["correlationTag"] = str(row["correlation_tag"])
        return models.Object(**fields)

    @staticmethod
    def _part_info(object_url: str, part: sqlite3.Row) -> models.PayloadPartInfo:
        fields: dict[str, Any] = {"contentType": str(part["content_type"])}
        if part["content_id"] is not None:
            fields["contentId"] = str(part["content_id"])
        if part["content_location"] is not None:
            fields["contentLocation"] = str(part["content_location"])
        fields["size"] = int(part["size"])
        fields["href"] = f"{object_url}/payloadParts/{quote(str(part['part_id']), safe='')}"
        return models.PayloadPartInfo(**fields)

    def _insert_object(self, tx: _Tx, body: models.Object, attachment: Payload | None) -> models.Reference:
        flags = _flag_names(body.flags)
        parts = None
        if attachment is not None and attachment.content:
            parts = _split_payload(attachment)
        folder_pk = self._parent_for_create(tx, body.parentFolder, body.parentFolderPath, required=False)
        object_id = self._new_id(tx, "obj-")
        seq = self._bump(tx)
        has_payload = attachment is not None and bool(attachment.content)
        object_pk = int(
            tx.run(
                "INSERT INTO object (box_pk, id, folder_pk, attributes, correlation_id, correlation_tag, payload,"
                " payload_type, last_mod_seq, created_seq, created_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " RETURNING pk",
                (
                    tx.box,
                    object_id,
                    folder_pk,
                    body.attributes.model_dump_json(exclude_unset=True),
                    body.correlationId,
                    body.correlationTag,
                    attachment.content if attachment is not None and has_payload else None,
                    attachment.media_type if attachment is not None and has_payload else None,
                    seq,
                    seq,
                    _now_us(self._clock),
                ),
            ).fetchone()[0]
        )
        tx.conn.executemany(
            "INSERT INTO flag (object_pk, key, name) VALUES (?, ?, ?)",
            [(object_pk, _flag_key(f), f) for f in flags],
        )
        pairs = [(a.name, [v.root for v in (a.value or [])]) for a in (body.attributes.attribute or [])]
        texts = _payload_texts(attachment, parts) if has_payload and attachment is not None else []
        search.index_object(tx.conn, tx.box, object_pk, pairs, texts)
        tx.conn.executemany(
            "INSERT INTO payload_part (object_pk, part_id, seq, content_type, content_id, content_location, content)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (object_pk, str(i), i, p.content_type, p.content_id, p.content_location, p.content)
                for i, p in enumerate(parts or [], 1)
            ],
        )
        return self._object_ref(tx, object_id, folder_pk)

    def _delete_objects(self, tx: _Tx, rows: Sequence[sqlite3.Row]) -> None:
        """Delete objects (flags and payload parts cascade), leaving a tombstone with its own lastModSeq."""
        if not rows:
            return
        last = self._bump(tx, len(rows))
        now = _now_us(self._clock)
        tx.conn.executemany(
            "INSERT INTO tombstone (box_pk, kind, id, last_mod_seq, correlation_id, correlation_tag, deleted_us)"
            " VALUES (?, 'object', ?, ?, ?, ?, ?)",
            [
                (tx.box, r["id"], last - len(rows) + 1 + i, r["correlation_id"], r["correlation_tag"], now)
                for i, r in enumerate(rows)
            ],
        )
        tx.conn.executemany("DELETE FROM object WHERE pk = ?", [(int(r["pk"]),) for r in rows])

    def _set_flags(self, tx: _Tx, object_pk: int, add: Sequence[str], remove: Sequence[str]) -> bool:
        """Add and remove flags (case-insensitively); bump the object's lastModSeq if anything changed."""
        changed = False
        for name in remove:
            changed |= (
                tx.run("DELETE FROM flag WHERE object_pk = ? AND key = ?", (object_pk, _flag_key(name))).rowcount > 0
            )
        for name in add:
            changed |= (
                tx.run(
                    "INSERT OR IGNORE INTO flag (object_pk, key, name) VALUES (?, ?, ?)",
                    (object_pk, _flag_key(name), name),
                ).rowcount
                > 0
            )
        if changed:
            tx.run("UPDATE object SET last_mod_seq = ? WHERE pk = ?", (self._bump(tx), object_pk))
        return changed

    # ======================================================================= MessageStore: objects

    def create_object(
        self, ctx: Context, body: models.Object, attachments: Payload | None
    ) -> models.Reference | models.Object:
        with self._tx(ctx, write=True) as tx:
            return self._insert_object(tx, body, attachments)

    def get_object(self, ctx: Context, object_id: str) -> models.Object:
        with self._tx(ctx) as tx:
            return self._object_model(tx, self._require_object(tx, object_id))

    def delete_object(self, ctx: Context, object_id: str) -> None:
        with self._tx(ctx, write=True) as tx:
            self._delete_objects(tx, [self._require_object(tx, object_id)])

    def get_object_flags(self, ctx: Context, object_id: str) -> models.FlagList:
        with self._tx(ctx) as tx:
            row = self._require_object(tx, object_id, "/flags")
            return models.FlagList(
                flag=[models.Flag(f) for f in self._flags(tx, int(row["pk"]))],
                resourceURL=f"{_object_url(ctx, object_id)}/flags",
            )

    def replace_object_flags(self, ctx: Context, object_id: str, body: models.FlagList) -> models.FlagList:
        wanted = _flag_names(body)
        with self._tx(ctx, write=True) as tx:
            row = self._require_object(tx, object_id, "/flags")
            pk = int(row["pk"])
            current = self._flags(tx, pk)
            keys = {_flag_key(f) for f in wanted}
            if {_flag_key(f) for f in current} != keys:
                tx.run("DELETE FROM flag WHERE object_pk = ?", (pk,))
                tx.conn.executemany(
                    "INSERT INTO flag (object_pk, key, name) VALUES (?, ?, ?)", [(pk, _flag_key(f), f) for f in wanted]
                )
                tx.run("UPDATE object SET last_mod_seq = ? WHERE pk = ?", (self._bump(tx), pk))
            return models.FlagList(
                flag=[models.Flag(f) for f in self._flags(tx, pk)], resourceURL=f"{_object_url(ctx, object_id)}/flags"
            )

    def _flag_url(self, ctx: Context, object_id: str, flag_name: str) -> str:
        return f"{_object_url(ctx, object_id)}/flags/{quote(flag_name, safe='')}"

    # The Empty outcomes (404 of GET/DELETE, 201 of PUT) answer body=None: models.Empty is a RootModel, not
    # an NmsModel, so Answer.body cannot carry it; the server renders {"empty": null} for them.

    def get_object_flag(self, ctx: Context, object_id: str, flag_name: str) -> Answer:
        with self._tx(ctx) as tx:
            row = self._require_object(tx, object_id, "/flags")
            found = tx.one("SELECT 1 FROM flag WHERE object_pk = ? AND key = ?", (int(row["pk"]), _flag_key(flag_name)))
            return Answer(204) if found else Answer(404)

    def set_object_flag(self, ctx: Context, object_id: str, flag_name: str) -> Answer:
        (name,) = _normalise_flags([flag_name])
        with self._tx(ctx, write=True) as tx:
            row = self._require_object(tx, object_id, "/flags")
            if self._set_flags(tx, int(row["pk"]), [name], []):
                return Answer(201, location=self._flag_url(ctx, object_id, name))
            return Answer(204)

    def delete_object_flag(self, ctx: Context, object_id: str, flag_name: str) -> Answer:
        with self._tx(ctx, write=True) as tx:
            row = self._require_object(tx, object_id, "/flags")
            return Answer(204) if self._set_flags(tx, int(row["pk"]), [], [flag_name]) else Answer(404)

    def get_object_payload(self, ctx: Context, object_id: str) -> Payload:
        with self._tx(ctx) as tx:
            row = self._require_object(tx, object_id, "/payload")
            if row["payload"] is None:
                raise _not_found(f"{_object_url(ctx, object_id)}/payload")
            return Payload(bytes(row["payload"]), str(row["payload_type"]))

    def get_object_payload_part(self, ctx: Context, object_id: str, payload_part_id: str) -> Payload:
        url = f"{_object_url(ctx, object_id)}/payloadParts/{quote(payload_part_id, safe='')}"
        with self._tx(ctx) as tx:
            row = self._object_row(tx, object_id)
            part = (
                tx.one(
                    "SELECT content, content_type FROM payload_part WHERE object_pk = ? AND part_id = ?",
                    (int(row["pk"]), payload_part_id),
                )
                if row is not None
                else None
            )
            if part is None:
                raise _not_found(url)
            return Payload(bytes(part["content"]), str(part["content_type"]))

    def _scope(self, tx: _Tx, body: models.SelectionCriteria) -> search.Scope | None:
        """The folder a search starts from (None: the whole box), recursive unless nonRecursiveScope."""
        if body.searchScope is None:
            return None
        folder_id = _ref_id(tx.ctx, body.searchScope.resourceURL, "folders")
        if folder_id is None:  # a URL that names no folder of this box
            raise _not_found(body.searchScope.resourceURL)
        row = self._folder(tx, folder_id)
        if row is None:
            raise _not_found(body.searchScope.resourceURL)
        return search.Scope(int(row["pk"]), recursive=not body.nonRecursiveScope)

    def _vanished(self, tx: _Tx, body: models.SelectionCriteria) -> models.ObjectReferenceList:
        criteria = body.searchCriteria
        assert criteria is not None
        if len(criteria.criterion) != 1 or criteria.operator == models.LogicalOperatorEnum.Not:
            raise _bad("searchCriteria")  # VanishedObjects cannot be negated or combined
        if body.searchScope is not None:
            raise _bad("searchScope")  # tombstones do not keep their folder
        rows = tx.all(
            "SELECT id FROM tombstone WHERE box_pk = ? AND kind = 'object' ORDER BY last_mod_seq LIMIT ?",
            (tx.box, min(body.maxEntries, PAGE_MAX)),
        )
        return models.ObjectReferenceList(
            objectReference=[models.Reference(resourceURL=_object_url(tx.ctx, str(r[0]))) for r in rows]
        )

    def search_objects(
        self, ctx: Context, body: models.SelectionCriteria
    ) -> models.ObjectList | models.ObjectReferenceList:
        criteria = body.searchCriteria
        types = {c.type for c in criteria.criterion} if criteria else set()
        with self._tx(ctx) as tx:
            if models.SearchTypeEnum.VanishedObjects in types:
                return self._vanished(tx, body)
            pks, cursor = search.search(tx.conn, "object", tx.box, body, self._scope(tx, body), PAGE_MAX)
            fields: dict[str, Any] = {"object": [self._object_model(tx, self._object_by_pk(tx, pk)) for pk in pks]}
            if cursor is not None:
                fields["cursor"] = cursor
            if models.SearchTypeEnum.CreatedObjects in types:
                fields["creationCursor"] = f"cc-{self._mod_seq(tx)}"  # objects created later have a higher seq
            return models.ObjectList(**fields)

    def _object_by_pk(self, tx: _Tx, pk: int) -> sqlite3.Row:
        row = tx.one(_OBJECT_SELECT + " WHERE o.pk = ? AND o.box_pk = ?", (pk, tx.box))
        assert row is not None
        return row

    def _object_at(self, tx: _Tx, path: str) -> sqlite3.Row | None:
        """The object at "{folder path}/{objectId}"; raises _MalformedPath for a malformed path."""
        folder_path, sep, object_id = path.rpartition("/")
        if not sep or not object_id:
            raise _MalformedPath(path)
        if folder_path == "/":
            raise _MalformedPath(path)  # "//{objectId}"
        if folder_path == "":
            folder_path = "/"  # an object of the root folder: "/{objectId}"
        folder_pk = self._resolve_path(tx, folder_path, create=False)
        if folder_pk is None:
            return None
        return tx.one(
            _OBJECT_SELECT + " WHERE o.box_pk = ? AND o.id = ? AND o.folder_pk = ?", (tx.box, object_id, folder_pk)
        )

    def get_object_id_by_path(self, ctx: Context, path: str) -> models.Reference:
        with self._tx(ctx) as tx:
            try:
                row = self._object_at(tx, path)
            except _MalformedPath:
                row = None
            if row is None:
                raise _not_found(path)  # TS14 6.8.3: malformed and unknown paths alike (SVC0004)
            return self._object_ref(tx, str(row["id"]), int(row["folder_pk"]))

    def get_object_ids_by_paths(self, ctx: Context, body: models.PathList) -> models.BulkResponseList:
        responses = []
        with self._tx(ctx) as tx:
            for item in body.path:
                path = item.root
                try:
                    row = self._object_at(tx, path)
                except _MalformedPath:
                    responses.append(_failure(_bad(path)))
                    continue
                if row is None:
                    responses.append(_failure(_not_found(path)))
                else:
                    responses.append(_success(200, self._object_ref(tx, str(row["id"]), int(row["folder_pk"]))))
        return models.BulkResponseList(response=responses)

    def bulk_create_objects(
        self, ctx: Context, body: models.ObjectList, attachments: list[Payload | None]
    ) -> models.BulkResponseList:
        objects = body.object or []
        if not objects:
            raise _bad("objectList")
        if len(attachments) > len(objects):
            raise _bad("attachments")
        payloads = list(attachments) + [None] * (len(objects) - len(attachments))
        responses: list[models.Response] = []
        errors: list[StoreError] = []
        with self._tx(ctx, write=True) as tx:
            for obj, payload in zip(objects, payloads, strict=True):
                try:
                    with self._savepoint(tx):
                        responses.append(_success(201, self._insert_object(tx, obj, payload)))
                except StoreError as exc:
                    errors.append(exc)
                    responses.append(_failure(exc))
            if len(errors) == len(objects):
                raise errors[0]  # TS14 6.9.2: 4xx/5xx when every creation failed
        return models.BulkResponseList(response=responses)

    def _bulk_targets(
        self, tx: _Tx, objects: models.ObjectReferenceList | None, criteria: models.SelectionCriteria | None
    ) -> list[tuple[str, sqlite3.Row | None]]:
        """(URL, row or None when it names no object of the box) per item: the references in request order,
        or the objects selected by the criteria in their sort order (at most maxEntries, capped at 1000)."""
        if objects is not None:
            refs = objects.objectReference or []
            if not refs:  # as an empty selection below: nothing named is "not found"
                raise _not_found("objects")
            if len(refs) > PAGE_MAX:
                raise _bad("objects")
            return [(ref.resourceURL, self._object_from_ref(tx, ref.resourceURL)) for ref in refs]
        assert criteria is not None  # the model's choice: objects or selectionCriteria
        if criteria.searchCriteria is not None and any(
            c.type == models.SearchTypeEnum.VanishedObjects for c in criteria.searchCriteria.criterion
        ):
            raise _bad("selectionCriteria")  # deleted objects can be neither updated nor deleted
        pks, _ = search.search(tx.conn, "object", tx.box, criteria, self._scope(tx, criteria), PAGE_MAX)
        if not pks:  # a BulkResponseList holds at least one response: nothing selected is "not found"
            raise _not_found("selectionCriteria")
        rows = [self._object_by_pk(tx, pk) for pk in pks]
        return [(_object_url(tx.ctx, str(r["id"])), r) for r in rows]

    def bulk_update_objects(self, ctx: Context, body: models.BulkUpdate) -> models.BulkResponseList:
        names = _flag_names(body.flags)
        adding = body.operation == models.OperationEnum.AddFlag
        responses = []
        with self._tx(ctx, write=True) as tx:
            for url, row in self._bulk_targets(tx, body.objects, body.selectionCriteria):
                if row is None:
                    responses.append(_failure(_not_found(url)))
                    continue
                self._set_flags(tx, int(row["pk"]), names if adding else [], [] if adding else names)
                responses.append(_success(200, models.Reference(resourceURL=_object_url(ctx, str(row["id"])))))
        return models.BulkResponseList(response=responses)

    def bulk_delete_objects(self, ctx: Context, body: models.BulkDelete) -> models.BulkResponseList:
        responses = []
        with self._tx(ctx, write=True) as tx:
            for url, target in self._bulk_targets(tx, body.objects, body.selectionCriteria):
                # a reference given twice: the second time the object is gone
                row = self._object_row(tx, str(target["id"])) if target is not None else None
                if row is None:
                    responses.append(_failure(_not_found(url)))
                    continue
                self._delete_objects(tx, [row])
                responses.append(_success(200, models.Reference(resourceURL=_object_url(ctx, str(row["id"])))))
        return models.BulkResponseList(response=responses)

    def _object_from_ref(self, tx: _Tx, url: str) -> sqlite3.Row | None:
        object_id = _ref_id(tx.ctx, url, "objects")
        return None if object_id is None else self._object_row(tx, object_id)

    # ======================================================================= MessageStore: folders

    def create_folder(self, ctx: Context, body: models.Folder) -> models.Reference | models.Folder:
        name = body.name
        if name is not None and (not name or "/" in name):
            raise _bad("name")
        attributes = body.attributes.attribute or []
        if any(a.name.casefold() in READ_ONLY_FOLDER_ATTRIBUTES for a in attributes):
            raise _bad("attributes")  # Name and Root are maintained by the server (App. J)
        if len(attributes) > MAX_CLIENT_FOLDER_ATTRIBUTES:
            raise _bad("attributes")  # room for Name and Root within the model's list limit
        with self._tx(ctx, write=True) as tx:
            parent = self._parent_for_create(tx, body.parentFolder, body.parentFolderPath, required=True)
            if name is not None:
                if self._sibling_exists(tx, parent, name):
                    raise _bad("name")
                self._check_path_room(tx, parent, name)
            else:
                self._check_path_room(tx, parent, "x" * 24)
            pk, _ = self._insert_folder(tx, parent, name, body.attributes)
            return self._folder_ref(tx, self._folder_by_pk(tx, pk))

    def _require_folder(self, tx: _Tx, folder_id: str, what: str = "") -> sqlite3.Row:
        row = self._folder(tx, folder_id)
        if row is None:
            url = _folder_url(tx.ctx, folder_id)
            raise _not_found(url + what, [("folder", url)])
        return row

    def get_folder(
        self,
        ctx: Context,
        folder_id: str,
        from_cursor: str | None,
        max_entries: int | None,
        list_filter: models.ListFilterEnum | None,
        path: models.YesEnum | None,
        attr_filter: list[str],
    ) -> models.Folder:
        with self._tx(ctx) as tx:
            return self._folder_model(
                tx,
                self._require_folder(tx, folder_id),
                with_path=path == models.YesEnum.Yes,
                list_filter=list_filter,
                from_cursor=from_cursor,
                max_entries=max_entries,
                attr_filter=attr_filter,
            )

    def delete_folder(self, ctx: Context, folder_id: str) -> None:
        with self._tx(ctx, write=True) as tx:
            row = self._require_folder(tx, folder_id)
            if row["parent_pk"] is None:
                raise StoreError("POL0001", ["root folder deletion"])
            self._delete_subtree(tx, int(row["pk"]))

    def _delete_subtree(self, tx: _Tx, pk: int) -> None:
        """Delete a folder with everything below it, in the current transaction (all or nothing)."""
        subtree = self._subtree(tx, pk)
        objects = tx.all(
            _SUBTREE + "SELECT o.* FROM object o JOIN sub ON o.folder_pk = sub.pk ORDER BY sub.depth DESC, o.pk", (pk,)
        )
        self._delete_objects(tx, objects)
        deepest_first = sorted(subtree, key=lambda pd: (-pd[1], pd[0]))
        last = self._bump(tx, len(deepest_first))
        now = _now_us(self._clock)
        ids = {
            int(r["pk"]): str(r["id"])
            for r in tx.all(_SUBTREE + "SELECT f.pk, f.id FROM folder f JOIN sub ON f.pk = sub.pk", (pk,))
        }
        tx.conn.executemany(
            "INSERT INTO tombstone (box_pk, kind, id, last_mod_seq, deleted_us) VALUES (?, 'folder', ?, ?, ?)",
            [(tx.box, ids[p], last - len(deepest_first) + 1 + i, now) for i, (p, _) in enumerate(deepest_first)],
        )
        tx.run(_SUBTREE + "DELETE FROM folder WHERE pk IN (SELECT pk FROM sub)", (pk,))
        tx.paths.clear()

    def get_folder_name(self, ctx: Context, folder_id: str) -> models.FolderName:
        with self._tx(ctx) as tx:
            return models.FolderName(str(self._require_folder(tx, folder_id, "/folderName")["name"]))

    def rename_folder(self, ctx: Context, folder_id: str, body: models.FolderName) -> models.FolderName:
        name = body.root
        with self._tx(ctx, write=True) as tx:
            row = self._require_folder(tx, folder_id, "/folderName")
            if row["parent_pk"] is None:
                raise StoreError("POL1030")
            if not name or "/" in name:
                raise _bad("name")
            pk, parent = int(row["pk"]), int(row["parent_pk"])
            if name != row["name"]:
                if self._sibling_exists(tx, parent, name, except_pk=pk):
                    raise _bad("name")
                self._check_path_room(tx, parent, name, subtree_pk=pk)
                tx.run("UPDATE folder SET name = ?, last_mod_seq = ? WHERE pk = ?", (name, self._bump(tx), pk))
                search.index_folder(tx.conn, tx.box, pk, name, _attributes(str(row["attributes"])))
                tx.paths.clear()
            return models.FolderName(name)

    def search_folders(
        self, ctx: Context, body: models.SelectionCriteria
    ) -> models.FolderList | models.FolderReferenceList:
        with self._tx(ctx) as tx:
            pks, cursor = search.search(tx.conn, "folder", tx.box, body, self._scope(tx, body), PAGE_MAX)
            found = []
            for pk in pks:
                row = self._folder_by_pk(tx, pk)
                is_root = row["parent_pk"] is None  # root folders come with their children (TS14 5.3.2.8)
                found.append(
                    self._folder_model(
                        tx, row, with_path=True, list_filter=models.ListFilterEnum.All if is_root else None
                    )
                )
            fields: dict[str, Any] = {"folder": found}
            if cursor is not None:
                fields["cursor"] = cursor
            return models.FolderList(**fields)

    def _folder_at(self, tx: _Tx, path: str) -> int | None:
        return self._resolve_path(tx, path, create=False)

    def get_folder_id_by_path(self, ctx: Context, path: str | None) -> models.Reference:
        with self._tx(ctx) as tx:
            if path is None:
                roots = tx.all("SELECT * FROM folder WHERE box_pk = ? AND parent_pk IS NULL", (tx.box,))
                if len(roots) != 1:
                    raise StoreError("SVC1009")
                return self._folder_ref(tx, roots[0])
            try:
                pk = self._folder_at(tx, path)
            except _MalformedPath:
                pk = None
            if pk is None:
                raise _not_found(path)
            return self._folder_ref(tx, self._folder_by_pk(tx, pk))

    def get_folder_ids_by_paths(self, ctx: Context, body: models.PathList) -> models.BulkResponseList:
        responses = []
        with self._tx(ctx) as tx:
            for item in body.path:
                path = item.root
                try:
                    pk = self._folder_at(tx, path)
                except _MalformedPath:
                    responses.append(_failure(_bad(path)))
                    continue
                if pk is None:
                    responses.append(_failure(StoreError("SVC2008", ["path", path])))  # as TS14 D.51
                else:
                    responses.append(_success(200, self._folder_ref(tx, self._folder_by_pk(tx, pk))))
        return models.BulkResponseList(response=responses)

    def _target(self, tx: _Tx, body: models.TargetSourceRef) -> sqlite3.Row:
        url = body.targetRef.resourceURL
        folder_id = _ref_id(tx.ctx, url, "folders")
        if folder_id is None:  # a URL that names no folder of this box
            raise _not_found(url)
        row = self._folder(tx, folder_id)
        if row is None:
            raise _not_found(url)
        return row

    def _sources(
        self, tx: _Tx, body: models.TargetSourceRef
    ) -> list[tuple[Literal["folders", "objects"], str, sqlite3.Row | None]]:
        """(kind, URL, row or None when it names nothing in this box) in request order: folders, then objects."""
        refs = body.sourceRefs
        items: list[tuple[Literal["folders", "objects"], str, sqlite3.Row | None]] = []
        for ref in refs.folders.folderReference or []:
            folder_id = _ref_id(tx.ctx, ref.resourceURL, "folders")
            items.append(("folders", ref.resourceURL, self._folder(tx, folder_id) if folder_id else None))
        for ref in refs.objects.objectReference or []:
            items.append(("objects", ref.resourceURL, self._object_from_ref(tx, ref.resourceURL)))
        if not items:  # a BulkResponseList holds at least one response: nothing named is "not found"
            raise _not_found("sourceRefs")
        if len(items) > PAGE_MAX:
            raise _bad("sourceRefs")
        return items

    def _refuse_cycles(
        self, tx: _Tx, target: sqlite3.Row, items: list[tuple[Literal["folders", "objects"], str, sqlite3.Row | None]]
    ) -> None:
        """POL1031 for the whole request when a source folder contains the target (TS14 D.57)."""
        target_pk = int(target["pk"])
        for kind, _, row in items:
            if kind == "folders" and row is not None:
                if target_pk in {p for p, _ in self._subtree(tx, int(row["pk"]))}:
                    raise StoreError("POL1031", [self._display_path(tx, target_pk)])

    def copy_to_folder(self, ctx: Context, body: models.TargetSourceRef) -> models.BulkResponseList:
        responses = []
        with self._tx(ctx, write=True) as tx:
            target = self._target(tx, body)
            target_pk = int(target["pk"])
            items = self._sources(tx, body)
            self._refuse_cycles(tx, target, items)
            for kind, url, row in items:
                if row is None:
                    responses.append(_failure(_bad(url)))  # TS14 D.54: an invalid source reference
                    continue
                try:
                    with self._savepoint(tx):
                        if kind == "objects":
                            ref = self._copy_object(tx, row, target_pk)
                        else:
                            ref = self._copy_folder(tx, row, target_pk, url)
                    responses.append(_success(201, ref))
                except StoreError as exc:
                    responses.append(_failure(exc))
        return models.BulkResponseList(response=responses)

    def _copy_object(self, tx: _Tx, row: sqlite3.Row, folder_pk: int) -> models.Reference:
        object_id = self._new_id(tx, "obj-")
        seq = self._bump(tx)
        new_pk = int(
            tx.run(
                "INSERT INTO object (box_pk, id, folder_pk, attributes, correlation_id, correlation_tag, payload,"
                " payload_type, last_mod_seq, created_seq, created_us)"
                " SELECT box_pk, ?, ?, attributes, correlation_id, correlation_tag, payload, payload_type, ?, ?, ?"
                " FROM object WHERE pk = ? RETURNING pk",
                (object_id, folder_pk, seq, seq, _now_us(self._clock), int(row["pk"])),
            ).fetchone()[0]
        )
        tx.run(
            "INSERT INTO flag (object_pk, key, name) SELECT ?, key, name FROM flag WHERE object_pk = ? ORDER BY pk",
            (new_pk, int(row["pk"])),
        )
        search.copy_object_index(tx.conn, int(row["pk"]), new_pk)
        tx.run(
            "INSERT INTO payload_part (object_pk, part_id, seq, content_type, content_id, content_location, content)"
            " SELECT ?, part_id, seq, content_type, content_id, content_location, content FROM payload_part"
            " WHERE object_pk = ?",
            (new_pk, int(row["pk"])),
        )
        return self._object_ref(tx, object_id, folder_pk)

    def _copy_folder(self, tx: _Tx, row: sqlite3.Row, target_pk: int, url: str) -> models.Reference:
        name = str(row["name"])
        if row["parent_pk"] is None or self._sibling_exists(tx, target_pk, name):
            raise _bad(url)  # the root folder, or a name clash in the target folder
        self._check_path_room(tx, target_pk, name, subtree_pk=int(row["pk"]))
        mapping: dict[int, int] = {}
        for pk, depth in self._subtree(tx, int(row["pk"])):
            source = self._folder_by_pk(tx, pk)
            parent = target_pk if depth == 0 else mapping[int(source["parent_pk"])]
            attributes = models.AttributeList.model_validate_json(str(source["attributes"]))
            mapping[pk] = self._insert_folder(tx, parent, str(source["name"]), attributes)[0]
            for obj in tx.all("SELECT * FROM object WHERE folder_pk = ? ORDER BY pk", (pk,)):
                self._copy_object(tx, obj, mapping[pk])
        return self._folder_ref(tx, self._folder_by_pk(tx, mapping[int(row["pk"])]))

    def move_to_folder(self, ctx: Context, body: models.TargetSourceRef) -> models.BulkResponseList:
        responses = []
        with self._tx(ctx, write=True) as tx:
            target = self._target(tx, body)
            target_pk = int(target["pk"])
            items = self._sources(tx, body)
            self._refuse_cycles(tx, target, items)
            for kind, url, row in items:
                if row is None:
                    responses.append(_failure(_bad(url)))
                    continue
                try:
                    with self._savepoint(tx):
                        ref = self._move(tx, kind, row, target_pk, url)
                    responses.append(_success(200, ref))
                except StoreError as exc:
                    responses.append(_failure(exc))
        return models.BulkResponseList(response=responses)

    def _move(
        self, tx: _Tx, kind: Literal["folders", "objects"], row: sqlite3.Row, target_pk: int, url: str
    ) -> models.Reference:
        pk = int(row["pk"])
        if kind == "objects":
            if int(row["folder_pk"]) != target_pk:
                tx.run(
                    "UPDATE object SET folder_pk = ?, last_mod_seq = ? WHERE pk = ?", (target_pk, self._bump(tx), pk)
                )
            return self._object_ref(tx, str(row["id"]), target_pk)
        if row["parent_pk"] is None:
            raise _bad(url)  # the root folder stays the root
        if int(row["parent_pk"]) != target_pk:
            name = str(row["name"])
            if self._sibling_exists(tx, target_pk, name):
                raise _bad(url)  # a folder of that name is already in the target folder
            self._check_path_room(tx, target_pk, name, subtree_pk=pk)
            tx.run("UPDATE folder SET parent_pk = ?, last_mod_seq = ? WHERE pk = ?", (target_pk, self._bump(tx), pk))
            tx.paths.clear()
        return self._folder_ref(tx, self._folder_by_pk(tx, pk))

    # ======================================================================= MessageStore: subscriptions

    def _live_subscription(self, tx: _Tx, subscription_id: str) -> sqlite3.Row:
        row = tx.one(
            "SELECT * FROM subscription WHERE box_pk = ? AND id = ? AND expires_at > ?",
            (tx.box, subscription_id, self._clock()),
        )
        if row is None:
            url = f"{_subscriptions_url(tx.ctx)}/{quote(subscription_id, safe='')}"
            raise _not_found(url, [("NmsSubscription", url)])
        return row

    def _subscription_model(self, tx: _Tx, row: sqlite3.Row) -> models.NmsSubscription:
        fields: dict[str, Any] = json.loads(str(row["request"]))
        fields["resourceURL"] = f"{_subscriptions_url(tx.ctx)}/{quote(str(row['id']), safe='')}"
        fields["duration"] = max(0, math.ceil(float(row["expires_at"]) - self._clock()))
        fields["index"] = int(row["next_index"])
        fields["restartToken"] = str(row["restart_token"])
        return models.NmsSubscription.model_validate(fields)

    def _expiry(self, duration: int | None) -> float:
        seconds = self._default_duration if not duration else min(duration, self._max_duration)
        return self._clock() + seconds

    def list_subscriptions(self, ctx: Context) -> models.NmsSubscriptionList:
        with self._tx(ctx) as tx:
            rows = tx.all(
                "SELECT * FROM subscription WHERE box_pk = ? AND expires_at > ? ORDER BY pk LIMIT ?",
                (tx.box, self._clock(), PAGE_MAX),
            )
            return models.NmsSubscriptionList(
                subscription=[self._subscription_model(tx, r) for r in rows], resourceURL=_subscriptions_url(ctx)
            )

    def create_subscription(self, ctx: Context, body: models.NmsSubscription) -> models.NmsSubscription:
        request = body.model_dump(
            mode="json", include={"callbackReference", "filter", "clientCorrelator"}, exclude_unset=True
        )
        SubscriptionFilter(body.filter, 0)  # refuses criteria a filter cannot use (SVC0002 filter)
        with self._tx(ctx, write=True) as tx:
            tx.run("DELETE FROM subscription WHERE box_pk = ? AND expires_at <= ?", (tx.box, self._clock()))
            if body.clientCorrelator is not None:  # idempotent creation: the same correlator, the same subscription
                existing = tx.one(
                    "SELECT * FROM subscription WHERE box_pk = ? AND client_correlator = ?",
                    (tx.box, body.clientCorrelator),
                )
                if existing is not None:
                    return self._subscription_model(tx, existing)
            subscription_id = self._new_id(tx, "sub-")
            tx.run(
                "INSERT INTO subscription (box_pk, id, request, client_correlator, subject, expires_at, next_index,"
                " restart_token) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
                (
                    tx.box,
                    subscription_id,
                    json.dumps(request),
                    body.clientCorrelator,
                    ctx.subject,
                    self._expiry(body.duration),
                    body.restartToken if body.restartToken is not None else self._restart_token(tx),
                ),
            )
            row = tx.one("SELECT * FROM subscription WHERE box_pk = ? AND id = ?", (tx.box, subscription_id))
            assert row is not None
            tx.run(
                "INSERT INTO delivery (subscription_pk, box_url, start_seq) VALUES (?, ?, ?)",
                (int(row["pk"]), ctx.box_url, self._mod_seq(tx)),
            )
            return self._subscription_model(tx, row)

    def get_subscription(self, ctx: Context, subscription_id: str) -> models.NmsSubscription:
        with self._tx(ctx) as tx:
            return self._subscription_model(tx, self._live_subscription(tx, subscription_id))

    def update_subscription(
        self, ctx: Context, subscription_id: str, body: models.NmsSubscriptionUpdate
    ) -> models.NmsSubscription:
        with self._tx(ctx, write=True) as tx:
            row = self._live_subscription(tx, subscription_id)
            token = body.restartToken if body.restartToken is not None else str(row["restart_token"])
            tx.run(
                "UPDATE subscription SET expires_at = ?, restart_token = ? WHERE pk = ?",
                (self._expiry(body.duration), token, int(row["pk"])),
            )
            # a delivery in flight keeps its index but no longer moves the restart point; retry at once
            tx.run(
                "UPDATE delivery SET generation = generation + 1, failures = 0, next_attempt = 0"
                " WHERE subscription_pk = ?",
                (int(row["pk"]),),
            )
            return self._subscription_model(tx, self._live_subscription(tx, subscription_id))

    def delete_subscription(self, ctx: Context, subscription_id: str) -> None:
        with self._tx(ctx, write=True) as tx:
            row = self._live_subscription(tx, subscription_id)
            tx.run("DELETE FROM subscription WHERE pk = ?", (int(row["pk"]),))

    # ======================================================================= change tracking (not in the Protocol)

    def current_restart_token(self, ctx: Context) -> str:
        """The box's current point: the restartToken a notification carries once every change is delivered."""
        with self._tx(ctx) as tx:
            return self._restart_token(tx)

    def purge_tombstones(self, ctx: Context, up_to: str | None = None) -> int:
        """Forget the deletions of the box up to a restart token (default: all); how many were purged.

        Restart tokens before that point can no longer be served: their next notification is a resetBox.
        VanishedObjects searches no longer find the purged objects.
        """
        with self._tx(ctx, write=True) as tx:
            point = self._mod_seq(tx) if up_to is None else parse_token(up_to)
            if point is None:
                raise _bad("restartToken")
            purged = tx.run("DELETE FROM tombstone WHERE box_pk = ? AND last_mod_seq <= ?", (tx.box, point)).rowcount
            tx.run(
                "INSERT INTO change_floor (box_pk, seq) VALUES (?, ?)"
                " ON CONFLICT (box_pk) DO UPDATE SET seq = max(seq, excluded.seq)",
                (tx.box, point),
            )
            return int(purged)

    def purge_tombstones_before(self, when: float) -> int:
        """Retention for every box: forget deletions made before ``when`` (seconds since the epoch, the store's
        clock); how many were purged. Each box's purge point moves to its newest purged deletion, so restart
        tokens before it get a resetBox. Meant for a periodic job (cron) with the deployment's retention.
        """
        conn = self._conn()
        with self._transaction(conn, write=True):
            cutoff = int(when * 1_000_000)
            rows = conn.execute(
                "SELECT box_pk, max(last_mod_seq) FROM tombstone WHERE deleted_us < ? GROUP BY box_pk", (cutoff,)
            ).fetchall()
            for box_pk, seq in rows:
                conn.execute(
                    "INSERT INTO change_floor (box_pk, seq) VALUES (?, ?)"
                    " ON CONFLICT (box_pk) DO UPDATE SET seq = max(seq, excluded.seq)",
                    (int(box_pk), int(seq)),
                )
            purged = conn.execute(
                "DELETE FROM tombstone WHERE box_pk IN (SELECT box_pk FROM change_floor) AND last_mod_seq <="
                " (SELECT seq FROM change_floor WHERE change_floor.box_pk = tombstone.box_pk)"
            ).rowcount
        if self._notifier is not None:
            self._notifier.wake()
        return int(purged)


def _conforms(store: SqliteStore) -> MessageStore:
    """Type-checked conformance: mypy fails here when SqliteStore drifts from the generated Protocol."""
    return store
