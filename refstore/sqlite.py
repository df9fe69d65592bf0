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

from mcdata_store import models
from mcdata_store.store import Answer, Context, MessageStore, Payload

from . import bulk, copymove, flags, folders, objects, retention, subscriptions
from .connection import box_transaction, file_error, open_connection
from .core.answers import StoreFileError, bad
from .core.attributes import check_client_folder_attributes
from .core.delivery import NotifySettings
from .core.flags import flag_names, normalise_flags
from .core.paths import valid_folder_name
from .core.payloads import bulk_payloads
from .core.subscriptions import Lifetimes, SubscriptionFilter, stored_request
from .notify import Notifier
from .schema import create_schema
from .tx import Tx

__all__ = ["SqliteStore", "StoreFileError"]


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
                self._notifier = Notifier(self._conn, notify, clock)
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
    def _tx(self, ctx: Context, *, write: bool = False) -> Iterator[Tx]:
        """One transaction on ctx's box (created on first contact); SQLite failing for lack of a resource
        becomes 503 SVC2001. A committed write wakes the notifier."""
        with box_transaction(self._conn, ctx, write, self._clock) as tx:
            yield tx
        if write and self._notifier is not None:
            self._notifier.wake()  # committed: deliver what changed (in the background)

    # ======================================================================= MessageStore: objects

    def create_object(
        self, ctx: Context, body: models.Object, attachments: Payload | None
    ) -> models.Reference | models.Object:
        with self._tx(ctx, write=True) as tx:
            return objects.insert(tx, body, attachments)

    def get_object(self, ctx: Context, object_id: str) -> models.Object:
        with self._tx(ctx) as tx:
            return objects.get_object(tx, object_id)

    def delete_object(self, ctx: Context, object_id: str) -> None:
        with self._tx(ctx, write=True) as tx:
            objects.delete_object(tx, object_id)

    def get_object_flags(self, ctx: Context, object_id: str) -> models.FlagList:
        with self._tx(ctx) as tx:
            return flags.get_object_flags(tx, object_id)

    def replace_object_flags(self, ctx: Context, object_id: str, body: models.FlagList) -> models.FlagList:
        wanted = flag_names(body)
        with self._tx(ctx, write=True) as tx:
            return flags.replace_object_flags(tx, object_id, wanted)

    def get_object_flag(self, ctx: Context, object_id: str, flag_name: str) -> Answer:
        with self._tx(ctx) as tx:
            return flags.get_object_flag(tx, object_id, flag_name)

    def set_object_flag(self, ctx: Context, object_id: str, flag_name: str) -> Answer:
        (name,) = normalise_flags([flag_name])
        with self._tx(ctx, write=True) as tx:
            return flags.set_object_flag(tx, object_id, name)

    def delete_object_flag(self, ctx: Context, object_id: str, flag_name: str) -> Answer:
        with self._tx(ctx, write=True) as tx:
            return flags.delete_object_flag(tx, object_id, flag_name)

    def get_object_payload(self, ctx: Context, object_id: str) -> Payload:
        with self._tx(ctx) as tx:
            return objects.get_object_payload(tx, object_id)

    def get_object_payload_part(self, ctx: Context, object_id: str, payload_part_id: str) -> Payload:
        with self._tx(ctx) as tx:
            return objects.get_object_payload_part(tx, object_id, payload_part_id)

    def search_objects(
        self, ctx: Context, body: models.SelectionCriteria
    ) -> models.ObjectList | models.ObjectReferenceList:
        with self._tx(ctx) as tx:
            return objects.search_objects(tx, body)

    def get_object_id_by_path(self, ctx: Context, path: str) -> models.Reference:
        with self._tx(ctx) as tx:
            return objects.get_object_id_by_path(tx, path)

    def get_object_ids_by_paths(self, ctx: Context, body: models.PathList) -> models.BulkResponseList:
        with self._tx(ctx) as tx:
            return objects.get_object_ids_by_paths(tx, body)

    def bulk_create_objects(
        self, ctx: Context, body: models.ObjectList, attachments: list[Payload | None]
    ) -> models.BulkResponseList:
        items = body.object or []
        payloads = bulk_payloads(items, attachments)
        with self._tx(ctx, write=True) as tx:
            return bulk.bulk_create_objects(tx, items, payloads)

    def bulk_update_objects(self, ctx: Context, body: models.BulkUpdate) -> models.BulkResponseList:
        names = flag_names(body.flags)
        with self._tx(ctx, write=True) as tx:
            return bulk.bulk_update_objects(tx, body, names)

    def bulk_delete_objects(self, ctx: Context, body: models.BulkDelete) -> models.BulkResponseList:
        with self._tx(ctx, write=True) as tx:
            return bulk.bulk_delete_objects(tx, body)

    # ======================================================================= MessageStore: folders

    def create_folder(self, ctx: Context, body: models.Folder) -> models.Reference | models.Folder:
        if body.name is not None and not valid_folder_name(body.name):
            raise bad("name")
        check_client_folder_attributes(body.attributes)
        with self._tx(ctx, write=True) as tx:
            return folders.create_folder(tx, body)

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
            return folders.get_folder(tx, folder_id, from_cursor, max_entries, list_filter, path, attr_filter)

    def delete_folder(self, ctx: Context, folder_id: str) -> None:
        with self._tx(ctx, write=True) as tx:
            folders.delete_folder(tx, folder_id)

    def get_folder_name(self, ctx: Context, folder_id: str) -> models.FolderName:
        with self._tx(ctx) as tx:
            return folders.get_folder_name(tx, folder_id)

    def rename_folder(self, ctx: Context, folder_id: str, body: models.FolderName) -> models.FolderName:
        with self._tx(ctx, write=True) as tx:
            return folders.rename_folder(tx, folder_id, body.root)

    def search_folders(
        self, ctx: Context, body: models.SelectionCriteria
    ) -> models.FolderList | models.FolderReferenceList:
        with self._tx(ctx) as tx:
            return folders.search_folders(tx, body)

    def get_folder_id_by_path(self, ctx: Context, path: str | None) -> models.Reference:
        with self._tx(ctx) as tx:
            return folders.get_folder_id_by_path(tx, path)

    def get_folder_ids_by_paths(self, ctx: Context, body: models.PathList) -> models.BulkResponseList:
        with self._tx(ctx) as tx:
            return folders.get_folder_ids_by_paths(tx, body)

    def copy_to_folder(self, ctx: Context, body: models.TargetSourceRef) -> models.BulkResponseList:
        with self._tx(ctx, write=True) as tx:
            return copymove.copy_to_folder(tx, body)

    def move_to_folder(self, ctx: Context, body: models.TargetSourceRef) -> models.BulkResponseList:
        with self._tx(ctx, write=True) as tx:
            return copymove.move_to_folder(tx, body)

    # ======================================================================= MessageStore: subscriptions

    def list_subscriptions(self, ctx: Context) -> models.NmsSubscriptionList:
        with self._tx(ctx) as tx:
            return subscriptions.list_subscriptions(tx)

    def create_subscription(self, ctx: Context, body: models.NmsSubscription) -> models.NmsSubscription:
        request = stored_request(body)
        SubscriptionFilter(body.filter, 0)  # refuses criteria a filter cannot use (SVC0002 filter)
        with self._tx(ctx, write=True) as tx:
            return subscriptions.create_subscription(tx, body, request, self._lifetimes)

    def get_subscription(self, ctx: Context, subscription_id: str) -> models.NmsSubscription:
        with self._tx(ctx) as tx:
            return subscriptions.get_subscription(tx, subscription_id)

    def update_subscription(
        self, ctx: Context, subscription_id: str, body: models.NmsSubscriptionUpdate
    ) -> models.NmsSubscription:
        with self._tx(ctx, write=True) as tx:
            return subscriptions.update_subscription(tx, subscription_id, body, self._lifetimes)

    def delete_subscription(self, ctx: Context, subscription_id: str) -> None:
        with self._tx(ctx, write=True) as tx:
            subscriptions.delete_subscription(tx, subscription_id)

    # ======================================================================= change tracking (not in the Protocol)

    def current_restart_token(self, ctx: Context) -> str:
        """The box's current point: the restartToken a notification carries once every change is delivered."""
        with self._tx(ctx) as tx:
            return tx.restart_token()

    def purge_tombstones(self, ctx: Context, up_to: str | None = None) -> int:
        """Forget the deletions of the box up to a restart token (default: all); how many were purged.

        Restart tokens before that point can no longer be served: their next notification is a resetBox.
        VanishedObjects searches no longer find the purged objects.
        """
        with self._tx(ctx, write=True) as tx:
            return retention.purge_box(tx, up_to)

    def purge_tombstones_before(self, when: float) -> int:
        """Retention for every box: forget deletions made before ``when`` (seconds since the epoch, the store's
        clock); how many were purged. Each box's purge point moves to its newest purged deletion, so restart
        tokens before it get a resetBox. Meant for a periodic job (cron) with the deployment's retention.
        """
        purged = retention.purge_before(self._conn(), when)
        if self._notifier is not None:
            self._notifier.wake()
        return purged


def _conforms(store: SqliteStore) -> MessageStore:
    """Type-checked conformance: mypy fails here when SqliteStore drifts from the generated Protocol."""
    return store
