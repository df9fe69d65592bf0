"""Concurrency and durability of the reference store (security.md DATA-1/2/9; OMA NMS §5.1.4).

* Writers on several threads, and in several processes on the same database file, never see
  "database is locked" and lose no update; lastModSeq values are unique and increase.
* Multi-row operations (bulk creation, bulk flag update, move of many objects, move of a folder tree,
  copy of a folder tree, bulk delete, recursive folder delete) are all-or-nothing under kill -9.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from mcdata_store import models
from mcdata_store.store import Context
from refstore import open_store

from ..conftest import ROOT
from ..stores import query_at

CTX = Context("s", "b", "MCData-7", "u", "https://h/nms/v1/s/b")
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def obj(**fields: Any) -> models.Object:
    return models.Object.model_validate({"attributes": {}, "flags": {"flag": []}, **fields})


def check_sequences(db: Path | str) -> None:
    """Every change has its own lastModSeq (rows and tombstones), none beyond the box's counter; SQLite's
    file passes its integrity and foreign key checks (PostgreSQL checks every key on every statement)."""
    location = str(db)
    if not location.startswith("postgresql://"):
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    for box in query_at(location, "SELECT pk, mod_seq FROM box"):
        seqs = [
            r["last_mod_seq"]
            for r in query_at(
                location,
                "SELECT last_mod_seq FROM object WHERE box_pk = ? UNION ALL"
                " SELECT last_mod_seq FROM folder WHERE box_pk = ? UNION ALL"
                " SELECT last_mod_seq FROM tombstone WHERE box_pk = ?",
                (box["pk"],) * 3,
            )
        ]
        assert len(seqs) == len(set(seqs)), "two changes share a lastModSeq"
        assert max(seqs) <= box["mod_seq"]


@pytest.mark.clause("23.282-5.10-R1", "OMA-NMS-5.1.4")
def test_threads_lose_no_update_and_sequences_strictly_increase(store_location: str) -> None:
    store = open_store(store_location)
    try:
        shared = store.create_object(CTX, obj(), None).resourceURL.rsplit("/", 1)[1]
        errors: list[BaseException] = []
        seen: list[list[int]] = []
        threads_n, rounds = 8, 25

        def work(n: int) -> None:
            mine: list[int] = []
            try:
                for i in range(rounds):
                    store.set_object_flag(CTX, shared, f"$t{n}-{i}")
                    mine.append(store.get_object(CTX, shared).lastModSeq or 0)
                    ref = store.create_object(CTX, obj(parentFolderPath=f"/T{n}"), None)
                    store.set_object_flag(CTX, ref.resourceURL.rsplit("/", 1)[1], "\\Seen")
                seen.append(mine)
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(threads_n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        flags = store.get_object_flags(CTX, shared).flag or []
        assert len(flags) == threads_n * rounds  # no lost update of the shared flag list
        for mine in seen:
            assert mine == sorted(mine) and len(mine) == len(set(mine))  # each thread saw it strictly increase
        for n in range(threads_n):
            folder = store.get_folder_id_by_path(CTX, f"/T{n}").resourceURL.rsplit("/", 1)[1]
            listing = store.get_folder(CTX, folder, None, 1000, models.ListFilterEnum.Objects, None, [])
            assert len(listing.objects.objectReference or []) == rounds if listing.objects else False
    finally:
        store.close()
    check_sequences(store_location)


PROCESS_WRITER = r"""
import sys
from mcdata_store import models
from mcdata_store.store import Context
from refstore import open_store

store = open_store(sys.argv[1])
ctx = Context("s", "b", "MCData-7", "u", "https://h/nms/v1/s/b")
n, rounds, shared = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
for i in range(rounds):
    store.set_object_flag(ctx, shared, f"$p{n}-{i}")
    body = models.Object.model_validate({"parentFolderPath": f"/P{n}", "attributes": {}, "flags": {"flag": []}})
    store.create_object(ctx, body, None)
store.close()
print("done", flush=True)
"""


@pytest.mark.clause("23.282-5.10-R1", "OMA-NMS-5.1.4")
def test_processes_on_one_store_lose_no_update(store_location: str) -> None:
    db = store_location
    store = open_store(db)
    shared = store.create_object(CTX, obj(), None).resourceURL.rsplit("/", 1)[1]
    procs_n, rounds = 4, 40
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", PROCESS_WRITER, str(db), str(n), str(rounds), shared],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
            cwd=ROOT,
        )
        for n in range(procs_n)
    ]
    try:
        for p in procs:
            out, err = p.communicate(timeout=300)
            assert p.returncode == 0 and out == "done\n", err  # e.g. no "database is locked"
        assert len(store.get_object_flags(CTX, shared).flag or []) == procs_n * rounds
        for n in range(procs_n):
            folder = store.get_folder_id_by_path(CTX, f"/P{n}").resourceURL.rsplit("/", 1)[1]
            listing = store.get_folder(CTX, folder, None, 1000, models.ListFilterEnum.Objects, None, [])
            assert listing.objects is not None and len(listing.objects.objectReference or []) == rounds
    finally:
        store.close()
    check_sequences(db)


# A child that runs multi-row operations in a loop, each on its own batch b of K objects or its own
# tree; it prints "<op> <b>" after each operation returned (the parent does not need it to judge
# all-or-nothing, only to know a tree was completely built before it was copied or deleted).
MULTI_WRITER = r"""
import sys
from mcdata_store import models
from mcdata_store.store import Context, StoreError
from refstore import open_store

K = 12
store = open_store(sys.argv[1])
ctx = Context("s", "b", "MCData-7", "u", "https://h/nms/v1/s/b")
b = int(sys.argv[2])


def fid(path):
    return store.get_folder_id_by_path(ctx, path).resourceURL


def refs(urls):
    return {"objectReference": [{"resourceURL": u} for u in urls]}


def batch_urls(b):
    crit = models.SelectionCriteria.model_validate({"maxEntries": 1000, "searchCriteria": {"criterion": [
        {"type": "Attribute", "name": "Batch", "value": str(b)}]}})
    return [o.resourceURL for o in store.search_objects(ctx, crit).object]


def object_body(b, path):
    return {"parentFolderPath": path, "attributes": {"attribute": [{"name": "Batch", "value": [str(b)]}]},
            "flags": {"flag": []}}


for path in ("/Bulk", "/Moved", "/Trees", "/Copies", "/Parked"):
    try:
        fid(path)
    except StoreError:
        store.create_folder(ctx, models.Folder.model_validate({"parentFolderPath": "/", "name": path[1:],
                                                              "attributes": {}}))
while True:
    # bulk creation of K objects, all or none
    body = models.ObjectList.model_validate({"object": [object_body(b, "/Bulk") for _ in range(K)]})
    store.bulk_create_objects(ctx, body, [None] * K)
    print("created", b, flush=True)
    urls = batch_urls(b)
    store.bulk_update_objects(ctx, models.BulkUpdate.model_validate(
        {"objects": refs(urls), "operation": "AddFlag", "flags": {"flag": [f"$u{b}"]}}))
    print("flagged", b, flush=True)
    store.move_to_folder(ctx, models.TargetSourceRef.model_validate(
        {"targetRef": {"resourceURL": fid("/Moved")}, "sourceRefs": {"folders": {}, "objects": refs(urls)}}))
    print("moved", b, flush=True)
    store.bulk_delete_objects(ctx, models.BulkDelete.model_validate({"objects": refs(urls)}))
    print("deleted", b, flush=True)
    # a tree t{b}: 2 objects, subfolders s1 and s2 with 3 objects each (3 folders, 8 objects)
    for sub in ("", "/s1", "/s2"):
        for _ in range(2 if not sub else 3):
            store.create_object(ctx, models.Object.model_validate(object_body(b, f"/Trees/t{b}{sub}")), None)
    print("built", b, flush=True)
    tree = fid(f"/Trees/t{b}")
    store.copy_to_folder(ctx, models.TargetSourceRef.model_validate(
        {"targetRef": {"resourceURL": fid("/Copies")},
         "sourceRefs": {"folders": {"folderReference": [{"resourceURL": tree}]}, "objects": {}}}))
    print("copied", b, flush=True)
    store.move_to_folder(ctx, models.TargetSourceRef.model_validate(
        {"targetRef": {"resourceURL": fid("/Parked")},
         "sourceRefs": {"folders": {"folderReference": [{"resourceURL": tree}]}, "objects": {}}}))
    print("parked", b, flush=True)
    store.delete_folder(ctx, tree.rsplit("/", 1)[1])
    print("removed", b, flush=True)
    b += 1
"""

TREE_FOLDERS, TREE_OBJECTS, K = 3, 8, 12


SUB = (
    "WITH RECURSIVE sub(pk) AS (SELECT CAST(? AS BIGINT) UNION ALL SELECT f.pk FROM folder f JOIN sub"
    " ON f.parent_pk = sub.pk)"
)


def tree_shape(db: str, parent_path: tuple[str, ...], name: str) -> tuple[int, int] | None:
    """(folders, objects) of the tree named ``name`` under the folder at parent_path, None if absent (one
    box in the database)."""
    pk = query_at(db, "SELECT pk FROM folder WHERE parent_pk IS NULL")[0]["pk"]
    for part in (*parent_path, name):
        rows = query_at(db, "SELECT pk FROM folder WHERE parent_pk = ? AND name = ?", (pk, part))
        if not rows:
            return None
        pk = rows[0]["pk"]
    folders = query_at(db, SUB + " SELECT count(*) AS n FROM sub", (pk,))[0]["n"]
    objects = query_at(db, SUB + " SELECT count(*) AS n FROM object o JOIN sub ON o.folder_pk = sub.pk", (pk,))[0]["n"]
    return int(folders), int(objects)


def check_all_or_nothing(db: str, acknowledged: dict[str, set[int]], in_flight: set[int]) -> None:
    """No partial result of any multi-row operation; ``in_flight``: the trees a kill may have caught mid-way."""
    batches: dict[int, list[dict[str, Any]]] = {}
    for r in query_at(
        db, "SELECT o.pk, o.attributes, f.name AS folder FROM object o JOIN folder f ON f.pk = o.folder_pk"
    ):
        attrs = json.loads(r["attributes"]).get("attribute", [])
        if r["folder"] in ("Bulk", "Moved"):
            batches.setdefault(int(attrs[0]["value"][0]), []).append(r)
    flag_rows = query_at(db, "SELECT object_pk, name FROM flag")
    for b, rows in batches.items():
        assert len(rows) == K, f"batch {b}: {len(rows)} of {K} objects (bulk create or delete was partial)"
        flagged = {r["pk"] for r in rows if any(f["object_pk"] == r["pk"] and f["name"] == f"$u{b}" for f in flag_rows)}
        assert len(flagged) in (0, K), f"batch {b}: bulk update reached {len(flagged)} of {K}"
        moved = sum(r["folder"] == "Moved" for r in rows)
        assert moved in (0, K), f"batch {b}: move reached {moved} of {K}"
        assert not (moved and not flagged)
    for b in acknowledged["deleted"]:
        assert b not in batches
    for b in acknowledged["built"]:
        copy = tree_shape(db, ("Copies",), f"t{b}")
        assert copy in (None, (TREE_FOLDERS, TREE_OBJECTS)), f"tree {b}: partial copy {copy}"
        if b in acknowledged["copied"]:
            assert copy is not None
        here, parked = tree_shape(db, ("Trees",), f"t{b}"), tree_shape(db, ("Parked",), f"t{b}")
        assert [here, parked].count(None) >= 1, f"tree {b} is in two places"
        shape = here or parked
        assert shape in (None, (TREE_FOLDERS, TREE_OBJECTS)), f"tree {b}: partial delete {shape}"
        if b in acknowledged["removed"]:
            assert shape is None
        elif shape is None:  # deleted but not acknowledged: only the tree a kill interrupted
            assert b in in_flight, f"tree {b} vanished"


@pytest.mark.slow  # kill -9 trials on child processes
@pytest.mark.clause("23.282-5.10-R1", "OMA-NMS-6.11", "OMA-NMS-6.15")
def test_kill_9_leaves_multi_row_operations_all_or_nothing(store_location: str) -> None:
    rng = random.Random(4_2026)
    db = store_location
    acknowledged: dict[str, set[int]] = {
        k: set() for k in ("created", "flagged", "moved", "deleted", "built", "copied", "parked", "removed")
    }
    trials = 10  # the issue asks each fault to pass in 10 trials
    in_flight: set[int] = set()
    for trial in range(trials):
        proc = subprocess.Popen(
            [sys.executable, "-c", MULTI_WRITER, str(db), str(trial * 1000)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
            cwd=ROOT,
        )
        lines: list[str] = []
        first = threading.Event()

        def read(stream: Any = proc.stdout, out: list[str] = lines, got: threading.Event = first) -> None:
            for line in stream:
                out.append(line)
                got.set()

        reader = threading.Thread(target=read)
        reader.start()
        assert first.wait(120), "the writer acknowledged nothing: " + (proc.stderr.read() if proc.poll() else "")
        time.sleep(rng.uniform(0.0, 1.5))  # a random point of the loop (not a timing assertion)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        reader.join(30)
        assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
        for line in lines:
            if line.endswith("\n"):
                kind, b = line.split()
                acknowledged[kind].add(int(b))
        started = {b for b in acknowledged["created"] if b // 1000 == trial}
        if started:
            in_flight.add(max(started))  # the batch the kill interrupted (its later steps unacknowledged)
        check_sequences(db)
        check_all_or_nothing(db, acknowledged, in_flight)
        store = open_store(db)  # the store opens its database after the crash and works
        store.create_object(CTX, obj(), None)
        store.close()
    print({k: len(v) for k, v in acknowledged.items()})
    assert len(acknowledged["created"]) >= trials and all(acknowledged.values())  # every step was reached
