"""Ready to shard by box: every SQL statement the PostgreSQL store sends is bound to one box, except the few
that are global by design (refstore/SCALING.md, "What stays global").

Every statement that reaches the server is recorded where psycopg sends it (``Cursor.execute`` and
``executemany``, so nothing the store runs escapes: its own transaction control, the box row lock, the notifier,
the retention job). A workload of every kind of operation runs on two boxes; each data statement must carry the
key of a box among its bound parameters (the value a distributed engine routes it by), and a statement of a
box's operation the key of that box.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import psycopg
import pytest

from mcdata_store import models
from mcdata_store.store import Payload
from refstore.core.ids import box_key
from refstore.notify import NotifySettings

from ..notify_receiver import Receiver, receiver
from .direct import MULTIPART, MULTIPART_TYPE, A, B, create, criteria, furl, last, mkfolder, refs, target_source

STORES = ("postgresql",)

# transaction control, session statements and the pool's empty liveness check: no data, nothing to route
CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|LISTEN|SET)\b|^\s*$", re.IGNORECASE)
# global by design (SCALING.md): the notifier's look for due deliveries and the retention job's look for boxes
# with old deletions scan every box (on Citus: a query on every node, then one box's work per statement)
GLOBAL = (
    re.compile(r"^SELECT s\.box_pk, s\.pk, s\.next_index, s\.restart_token, d\.generation"),  # notify: what is due
    re.compile(r"^SELECT DISTINCT box_pk FROM tombstone WHERE deleted_us < \?"),  # retention: which boxes
)


class Recorder:
    """Every statement psycopg sends, with its parameters and the thread that sent it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: list[tuple[str, tuple[Any, ...]]] = []

    def add(self, sql: Any, params: Sequence[Any] | None) -> None:
        text = sql.as_string(None) if hasattr(sql, "as_string") else str(sql)
        with self.lock:
            self.seen.append((" ".join(text.split()).replace("%s", "?"), tuple(params or ())))


def record(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """From now on (until the test ends), every statement psycopg sends in this process is recorded."""
    rec = Recorder()
    execute, executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany

    def recorded_execute(self: Any, query: Any, params: Any = None, **kw: Any) -> Any:
        rec.add(query, params)
        return execute(self, query, params, **kw)

    def recorded_executemany(self: Any, query: Any, params_seq: Any, **kw: Any) -> Any:
        rows = list(params_seq)
        for row in rows:
            rec.add(query, row)
        return executemany(self, query, rows, **kw)

    monkeypatch.setattr(psycopg.Cursor, "execute", recorded_execute)
    monkeypatch.setattr(psycopg.Cursor, "executemany", recorded_executemany)
    return rec


@pytest.fixture
def rec(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Receiver]:
    with receiver(tmp_path_factory.mktemp("receiver")) as r:
        yield r


def workload(store: Any, rec: Receiver) -> None:
    """Every kind of operation, on two boxes: objects with payloads and parts, flags, folders and paths,
    copy and move, bulk operations, every search type with paging and sorting, change tracking, subscriptions
    and their delivery, retention."""
    for ctx in (A, B):
        store.create_subscription(
            ctx, models.NmsSubscription.model_validate({"callbackReference": {"notifyURL": rec.url(ctx.subject)}})
        )
        inbox = mkfolder(store, ctx, parentFolderPath="/", name="Inbox")
        oid = create(store, ctx, parentFolderPath="/Inbox/Team", payload=Payload(MULTIPART, MULTIPART_TYPE))
        other = create(
            store,
            ctx,
            attributes={"attribute": [{"name": "Subject", "value": ["Hello world"]}]},
            flags={"flag": ["\\Flagged"]},
        )
        store.get_object(ctx, oid)
        store.get_object_payload(ctx, oid)
        store.get_object_payload_part(ctx, oid, "1")
        store.set_object_flag(ctx, oid, "\\Seen")
        store.get_object_flags(ctx, oid)
        store.delete_object_flag(ctx, oid, "\\Seen")
        store.get_folder(ctx, inbox, None, 2, models.ListFilterEnum.All, models.YesEnum.Yes, [])
        store.get_folder_id_by_path(ctx, "/Inbox/Team")
        store.get_object_id_by_path(ctx, f"/{other}")
        store.rename_folder(ctx, inbox, models.FolderName("Received"))
        archive = mkfolder(store, ctx, parentFolderPath="/", name="Archive")
        store.copy_to_folder(ctx, target_source(furl(ctx, archive), folders=[furl(ctx, inbox)]))
        store.move_to_folder(ctx, target_source(furl(ctx, archive), objects=[f"{ctx.box_url}/objects/{other}"]))
        for crit in (
            {"type": "Attribute", "name": "Subject", "value": "Hello world"},
            {"type": "AllTextAttributes", "value": "hello"},
            {"type": "WholeWord", "value": "gate"},
            {"type": "Flag", "name": "\\Flagged", "value": "true"},
            {"type": "Date", "value": "minDate=2000-01-01T00:00:00Z"},
            {"type": "CreatedObjects", "value": ""},
            {"type": "VanishedObjects", "value": ""},
        ):
            store.search_objects(ctx, criteria(crit, max_entries=1))
        sorted_ = criteria(
            {"type": "AllTextAttributes", "value": "o"},
            {"type": "Flag", "name": "\\Flagged", "value": "true"},
            operator="Or",
            max_entries=1,
            sortCriteria={"criterion": [{"type": "Attribute", "name": "Subject", "order": "Ascending"}]},
        )
        page = store.search_objects(ctx, sorted_)
        if page.cursor:
            store.search_objects(ctx, criteria(max_entries=1, fromCursor=page.cursor))
        store.search_folders(ctx, criteria({"type": "AllTextAttributes", "value": "arch"}))
        made = store.bulk_create_objects(
            ctx,
            models.ObjectList.model_validate(
                {"object": [{"parentFolderPath": "/Bulk", "attributes": {}, "flags": {"flag": []}}] * 3}
            ),
            [None, None, None],
        )
        urls = [r.success.resourceURL for r in made.response if r.success]  # type: ignore[union-attr]
        store.bulk_update_objects(
            ctx,
            models.BulkUpdate.model_validate(
                {"objects": refs(*urls), "operation": "AddFlag", "flags": {"flag": ["$Done"]}}
            ),
        )
        store.bulk_delete_objects(ctx, models.BulkDelete.model_validate({"objects": refs(*urls)}))
        store.delete_object(ctx, oid)
        store.delete_folder(ctx, last(store.get_folder_id_by_path(ctx, "/Archive").resourceURL))
        store.current_restart_token(ctx)
        store.list_subscriptions(ctx)
    for ctx in (A, B):  # every box's changes delivered (the notifier's statements are recorded too)
        token = store.current_restart_token(ctx)
        assert rec.wait_for(
            lambda c=ctx, t=token: (
                bool(rec.received.get(c.subject)) and rec.received[c.subject][-1]["nmsEventList"]["restartToken"] == t
            ),
            60,
        )
    store.purge_tombstones_before(1e12)


def test_every_statement_of_the_postgresql_store_is_bound_to_a_box(
    make_store: Callable[..., Any], rec: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From the store's first operation to its close (the schema's creation and upgrade at start-up is DDL,
    run once by whoever deploys: on Citus by the coordinator)."""
    store = make_store(notify=NotifySettings(ca_file=rec.ca_file, retry_base=0.05, poll_interval=0.1))
    recorder = record(monkeypatch)
    try:
        workload(store, rec)
    finally:
        store.close()
    keys = {box_key(ctx.store_name, ctx.box_id) for ctx in (A, B)}
    data = [(sql, params) for sql, params in recorder.seen if not CONTROL.match(sql)]
    assert len(data) > 300  # the workload reached the database
    unbound = sorted({sql for sql, params in data if not keys & set(params) and not any(g.match(sql) for g in GLOBAL)})
    assert unbound == [], "statements not bound to a box:\n" + "\n".join(unbound)
    used = {g.pattern for g in GLOBAL for sql, _ in data if g.match(sql)}
    assert used == {g.pattern for g in GLOBAL}  # the allowed global statements are the store's (none stale)
    both = {sql for sql, params in data if len(keys & set(params)) > 1}
    assert both == set(), "statements that name two boxes:\n" + "\n".join(sorted(both))
