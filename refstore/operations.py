"""The ``MessageStore`` operations, once for every store: each checks its request with ``core/``, runs one
transaction on the box (``_op``, which each store implements: SQLite in ``sqlite.py``, PostgreSQL in
``pg/store.py``) and hands it to the module of its concern."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from mcdata_store import models
from mcdata_store.store import Answer, Context, Payload

from . import bulk, copymove, flags, folders, objects, retention, subscriptions
from .changes import ChangeBatch, change_batch
from .core.answers import bad
from .core.attributes import check_client_folder_attributes
from .core.flags import flag_names, normalise_flags
from .core.paths import valid_folder_name
from .core.payloads import bulk_payloads
from .core.subscriptions import Item, Lifetimes, SubscriptionFilter, stored_request
from .tx import Tx

__all__ = ["Operations"]

T = TypeVar("T")


class Operations:
    """The operations of the generated ``MessageStore`` Protocol (and the change-tracking calls) on
    ``_op``: one transaction on ctx's box, write or read, running ``step`` and returning its result."""

    _lifetimes: Lifetimes

    def _op(self, ctx: Context, write: bool, step: Callable[[Tx], T]) -> T:
        raise NotImplementedError

    # ======================================================================= MessageStore: objects

    def create_object(
        self, ctx: Context, body: models.Object, attachments: Payload | None
    ) -> models.Reference | models.Object:
        return self._op(ctx, True, lambda tx: objects.insert(tx, body, attachments))

    def get_object(self, ctx: Context, object_id: str) -> models.Object:
        return self._op(ctx, False, lambda tx: objects.get_object(tx, object_id))

    def delete_object(self, ctx: Context, object_id: str) -> None:
        self._op(ctx, True, lambda tx: objects.delete_object(tx, object_id))

    def get_object_flags(self, ctx: Context, object_id: str) -> models.FlagList:
        return self._op(ctx, False, lambda tx: flags.get_object_flags(tx, object_id))

    def replace_object_flags(self, ctx: Context, object_id: str, body: models.FlagList) -> models.FlagList:
        wanted = flag_names(body)
        return self._op(ctx, True, lambda tx: flags.replace_object_flags(tx, object_id, wanted))

    def get_object_flag(self, ctx: Context, object_id: str, flag_name: str) -> Answer:
        return self._op(ctx, False, lambda tx: flags.get_object_flag(tx, object_id, flag_name))

    def set_object_flag(self, ctx: Context, object_id: str, flag_name: str) -> Answer:
        (name,) = normalise_flags([flag_name])
        return self._op(ctx, True, lambda tx: flags.set_object_flag(tx, object_id, name))

    def delete_object_flag(self, ctx: Context, object_id: str, flag_name: str) -> Answer:
        return self._op(ctx, True, lambda tx: flags.delete_object_flag(tx, object_id, flag_name))

    def get_object_payload(self, ctx: Context, object_id: str) -> Payload:
        return self._op(ctx, False, lambda tx: objects.get_object_payload(tx, object_id))

    def get_object_payload_part(self, ctx: Context, object_id: str, payload_part_id: str) -> Payload:
        return self._op(ctx, False, lambda tx: objects.get_object_payload_part(tx, object_id, payload_part_id))

    def search_objects(
        self, ctx: Context, body: models.SelectionCriteria
    ) -> models.ObjectList | models.ObjectReferenceList:
        return self._op(ctx, False, lambda tx: objects.search_objects(tx, body))

    def get_object_id_by_path(self, ctx: Context, path: str) -> models.Reference:
        return self._op(ctx, False, lambda tx: objects.get_object_id_by_path(tx, path))

    def get_object_ids_by_paths(self, ctx: Context, body: models.PathList) -> models.BulkResponseList:
        return self._op(ctx, False, lambda tx: objects.get_object_ids_by_paths(tx, body))

    def bulk_create_objects(
        self, ctx: Context, body: models.ObjectList, attachments: list[Payload | None]
    ) -> models.BulkResponseList:
        items = body.object or []
        payloads = bulk_payloads(items, attachments)
        return self._op(ctx, True, lambda tx: bulk.bulk_create_objects(tx, items, payloads))

    def bulk_update_objects(self, ctx: Context, body: models.BulkUpdate) -> models.BulkResponseList:
        names = flag_names(body.flags)
        return self._op(ctx, True, lambda tx: bulk.bulk_update_objects(tx, body, names))

    def bulk_delete_objects(self, ctx: Context, body: models.BulkDelete) -> models.BulkResponseList:
        return self._op(ctx, True, lambda tx: bulk.bulk_delete_objects(tx, body))

    # ======================================================================= MessageStore: folders

    def create_folder(self, ctx: Context, body: models.Folder) -> models.Reference | models.Folder:
        if body.name is not None and not valid_folder_name(body.name):
            raise bad("name")
        check_client_folder_attributes(body.attributes)
        return self._op(ctx, True, lambda tx: folders.create_folder(tx, body))

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
        return self._op(
            ctx,
            False,
            lambda tx: folders.get_folder(tx, folder_id, from_cursor, max_entries, list_filter, path, attr_filter),
        )

    def delete_folder(self, ctx: Context, folder_id: str) -> None:
        self._op(ctx, True, lambda tx: folders.delete_folder(tx, folder_id))

    def get_folder_name(self, ctx: Context, folder_id: str) -> models.FolderName:
        return self._op(ctx, False, lambda tx: folders.get_folder_name(tx, folder_id))

    def rename_folder(self, ctx: Context, folder_id: str, body: models.FolderName) -> models.FolderName:
        return self._op(ctx, True, lambda tx: folders.rename_folder(tx, folder_id, body.root))

    def search_folders(
        self, ctx: Context, body: models.SelectionCriteria
    ) -> models.FolderList | models.FolderReferenceList:
        return self._op(ctx, False, lambda tx: folders.search_folders(tx, body))

    def get_folder_id_by_path(self, ctx: Context, path: str | None) -> models.Reference:
        return self._op(ctx, False, lambda tx: folders.get_folder_id_by_path(tx, path))

    def get_folder_ids_by_paths(self, ctx: Context, body: models.PathList) -> models.BulkResponseList:
        return self._op(ctx, False, lambda tx: folders.get_folder_ids_by_paths(tx, body))

    def copy_to_folder(self, ctx: Context, body: models.TargetSourceRef) -> models.BulkResponseList:
        return self._op(ctx, True, lambda tx: copymove.copy_to_folder(tx, body))

    def move_to_folder(self, ctx: Context, body: models.TargetSourceRef) -> models.BulkResponseList:
        return self._op(ctx, True, lambda tx: copymove.move_to_folder(tx, body))

    # ======================================================================= MessageStore: subscriptions

    def list_subscriptions(self, ctx: Context) -> models.NmsSubscriptionList:
        return self._op(ctx, False, subscriptions.list_subscriptions)

    def create_subscription(self, ctx: Context, body: models.NmsSubscription) -> models.NmsSubscription:
        request = stored_request(body)
        SubscriptionFilter(body.filter, 0)  # refuses criteria a filter cannot use (SVC0002 filter)
        return self._op(ctx, True, lambda tx: subscriptions.create_subscription(tx, body, request, self._lifetimes))

    def get_subscription(self, ctx: Context, subscription_id: str) -> models.NmsSubscription:
        return self._op(ctx, False, lambda tx: subscriptions.get_subscription(tx, subscription_id))

    def update_subscription(
        self, ctx: Context, subscription_id: str, body: models.NmsSubscriptionUpdate
    ) -> models.NmsSubscription:
        return self._op(
            ctx, True, lambda tx: subscriptions.update_subscription(tx, subscription_id, body, self._lifetimes)
        )

    def delete_subscription(self, ctx: Context, subscription_id: str) -> None:
        self._op(ctx, True, lambda tx: subscriptions.delete_subscription(tx, subscription_id))

    # ======================================================================= change tracking (not in the Protocol)

    def current_restart_token(self, ctx: Context) -> str:
        """The box's current point: the restartToken a notification carries once every change is delivered."""
        return self._op(ctx, False, lambda tx: tx.restart_token())

    def changes(self, ctx: Context, since: int | None, keep: Callable[[Item], bool] = lambda _: True) -> ChangeBatch:
        """The changes of the box after point ``since`` as the notifier sends them (one read transaction)."""
        return self._op(ctx, False, lambda tx: change_batch(tx, tx.box, tx.box_url, since, keep=keep))

    def purge_tombstones(self, ctx: Context, up_to: str | None = None) -> int:
        """Forget the deletions of the box up to a restart token (default: all); how many were purged.

        Restart tokens before that point can no longer be served: their next notification is a resetBox.
        VanishedObjects searches no longer find the purged objects.
        """
        return self._op(ctx, True, lambda tx: retention.purge_box(tx, up_to))
