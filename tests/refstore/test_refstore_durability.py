"""Data safety of the reference store called directly: the connection pragmas, concurrent writers, a full
disk, and `kill -9` in the middle of writes."""

from __future__ import annotations

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
from mcdata_store.store import Context, Payload, StoreError
from refstore import SqliteStore

from ..conftest import ROOT
from .direct import A, create, criteria, refusal

# ------------------------------------------------------------------------------------------ data safety


@pytest.mark.clause("23.282-5.10-R1")
def test_every_connection_has_the_data_safety_pragmas(sqlite_store: SqliteStore) -> None:
    """DATA-3: WAL, synchronous=FULL, foreign_keys=ON and busy_timeout on every thread's connection."""
    results: list[dict[str, int | str]] = []

    def work() -> None:
        create(sqlite_store)  # a real operation on this thread's connection
        results.append(sqlite_store.pragmas())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.append(sqlite_store.pragmas())
    assert len(results) == 5
    assert len(sqlite_store._connections) == 5
    for r in results:
        assert r == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 5000}


@pytest.mark.clause("23.282-5.10-R1")
def test_concurrent_writers_lose_nothing(store: SqliteStore) -> None:
    """DATA-9: writers on several threads, no 'database is locked', no lost update."""
    oid = create(store)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(15):
                store.set_object_flag(A, oid, f"$t{n}-{i}")
                create(store, parentFolderPath=f"/T{n}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.get_object_flags(A, oid).flag or []) == 90
    found = store.search_objects(A, criteria(max_entries=1000))
    assert isinstance(found, models.ObjectList) and len(found.object or []) == 91


@pytest.mark.clause("23.282-5.10-R1", "OMA-COMMON-Exceptions")
def test_disk_full_rolls_back_cleanly(sqlite_store: SqliteStore) -> None:
    """DATA-7: a write that fails inside SQLite leaves no partial state and the connection usable; the
    refusal is 503 SVC2001 (no server resources), not SQLite's error."""
    conn = sqlite_store._conn()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={pages}")
    with pytest.raises(StoreError) as refused:
        create(sqlite_store, parentFolderPath="/Big", payload=Payload(b"x" * 200_000, "application/octet-stream"))
    assert refusal(refused) == ("SVC2001", []) and refused.value.status is None
    assert isinstance(refused.value.__cause__, sqlite3.OperationalError)
    assert refused.value.__cause__.sqlite_errorname == "SQLITE_FULL"
    assert not conn.in_transaction
    conn.execute("PRAGMA max_page_count=1073741823")
    with pytest.raises(StoreError):
        sqlite_store.get_folder_id_by_path(A, "/Big")  # the implicitly created folder went with the object
    assert create(sqlite_store)


WRITER = r"""
import sys
from mcdata_store import models
from mcdata_store.store import Context, Payload
from refstore import SqliteStore

store = SqliteStore(sys.argv[1])
ctx = Context("s", "b", "MCData-7", "u", "https://h/nms/v1/s/b")
live = []
i = 0
while True:
    body = models.Object.model_validate({"parentFolderPath": f"/F{i % 3}", "attributes": {}, "flags": {"flag": []}})
    ref = store.create_object(ctx, body, Payload(b"x" * (i % 97 + 1), "text/plain"))
    oid = ref.resourceURL.rsplit("/", 1)[1]
    print("C", oid, flush=True)
    if i % 3 == 0:
        store.set_object_flag(ctx, oid, "\\Seen")
        print("F", oid, flush=True)
    if i % 7 == 6:
        moved = store.move_to_folder(ctx, models.TargetSourceRef.model_validate({
            "targetRef": {"resourceURL": store.get_folder_id_by_path(ctx, "/F0").resourceURL},
            "sourceRefs": {"folders": {}, "objects": {"objectReference": [{"resourceURL": ref.resourceURL}]}},
        }))
        assert moved.response[0].code == 200
        print("M", oid, flush=True)
    else:
        live.append(oid)
    if i % 5 == 4:
        victim = live.pop(0)
        print("d", victim, flush=True)  # about to delete: from here on it may be gone
        store.delete_object(ctx, victim)
        print("D", victim, flush=True)
    i += 1
"""


@pytest.mark.slow  # kill -9 trials on child processes
@pytest.mark.clause("23.282-5.10-R1", "OMA-NMS-5.1.4")
def test_kill_9_loses_no_acknowledged_write(tmp_path: Path) -> None:
    """DATA-1/2: SIGKILL a writer at random moments; every acknowledged write survives, the file is sound.

    The writer prints a line after each committed operation (C create, F flag, M move, D delete) and a
    "d" line before each delete: a delete may commit just before the kill, unacknowledged, so only objects
    never announced for deletion must be present (acknowledged ⊆ present; acknowledged deletes absent).
    """
    rng = random.Random(20240611)
    db = tmp_path / "crash.db"
    ctx = Context("s", "b", "MCData-7", "u", "https://h/nms/v1/s/b")
    created: set[str] = set()
    deleting: set[str] = set()
    deleted: set[str] = set()
    flagged: set[str] = set()
    moved: set[str] = set()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    deadline = time.monotonic() + 120
    trials = 10
    for _ in range(trials):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
        )
        lines: list[str] = []
        first = threading.Event()

        def read(stream: Any = proc.stdout, out: list[str] = lines, got: threading.Event = first) -> None:
            for line in stream:
                out.append(line)
                got.set()

        reader = threading.Thread(target=read)
        reader.start()
        assert first.wait(60), "the writer acknowledged nothing"
        time.sleep(rng.uniform(0.01, 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        reader.join(30)
        assert proc.returncode == -signal.SIGKILL
        for line in lines:
            if not line.endswith("\n"):
                continue  # a torn last line is no acknowledgement
            kind, oid = line.split()
            {"C": created, "d": deleting, "D": deleted, "F": flagged, "M": moved}[kind].add(oid)
        assert time.monotonic() < deadline

        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            (box_seq,) = conn.execute("SELECT mod_seq FROM box").fetchone()
            seqs = [
                r[0] for r in conn.execute("SELECT last_mod_seq FROM object UNION ALL SELECT last_mod_seq FROM folder")
            ]
            assert max(seqs) <= box_seq and len(seqs) == len(set(seqs))
        store = SqliteStore(db)
        try:
            for oid in created - deleting:  # acknowledged and never touched by a delete: present
                got = store.get_object(ctx, oid)
                if oid in flagged:
                    assert got.flags.to_wire()["flag"] == ["\\Seen"]
                if oid in moved:
                    assert (got.path or "").startswith("/F0/")
            for oid in deleted:
                with pytest.raises(StoreError):
                    store.get_object(ctx, oid)
        finally:
            store.close()
    assert len(created) > trials  # the writer got somewhere
