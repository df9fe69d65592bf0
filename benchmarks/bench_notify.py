"""Change batches and notification delivery of the reference store at 10k, 100k and 1M objects in one box.

For each box size a fresh SQLite file is bulk-loaded directly with SQL (fixed seed): 100 folders, N objects
(30 % flagged \\Seen), and N/100 deletions (tombstones) spread over the change log; every row has its
own lastModSeq, as the store assigns them. Then:

* **change batch**: ``refstore.notify.change_batch`` (what a notification is built from) in one read
  transaction, for a restart token 10 changes back, 1000 back, in the middle of the log and at its
  start (the first 1000 of N changes); median of ``--repeat`` runs, and its ratio to the 10k box;
* **delivery**: a subscription created with a restart token ``--backlog`` changes back, delivered by the
  store's notifier over HTTPS (TLS verified) to a local uvicorn receiver: events per second from the
  subscription's creation to the last event received (batches of up to 1000 events per NmsEventList);
* **live delivery** (10k box only): ``--live`` objects created one per transaction by a writer thread
  while the notifier delivers: events per second and events per notification;
* ``EXPLAIN QUERY PLAN`` of the change queries: each scan uses an index.

Usage (from the repository root; under a minute on a 2-core machine, ~10 s of it loading the 1M box):

    .venv/bin/python benchmarks/bench_notify.py

The Markdown report goes to stdout and to ``benchmarks/results-notify.md`` (``--out``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # the notification receiver is the test suite's (tests/notify_receiver.py)
    sys.path.insert(0, str(REPO))

from mcdata_store import models  # noqa: E402
from mcdata_store.store import Context  # noqa: E402
from refstore import SqliteStore  # noqa: E402
from refstore.notify import CHANGES_SQL, NotifySettings, change_batch, restart_token  # noqa: E402
from refstore.tx import Db  # noqa: E402
from tests.notify_receiver import Receiver, receiver  # noqa: E402

SEED = 20261127
CTX = Context("bench", "box", "MCData-7", "u", "https://bench.example/nms/v1/bench/box")
SIZES = (10_000, 100_000, 1_000_000)


def load(db: Path, n: int, seed: int) -> tuple[int, int]:
    """A box of n objects written with SQL; (box pk, its mod_seq)."""
    store = SqliteStore(db)
    store.create_folder(CTX, models.Folder.model_validate({"parentFolderPath": "/", "name": "F0", "attributes": {}}))
    store.close()
    rng = random.Random(seed)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")  # loading only; the store itself runs with synchronous=FULL
    conn.execute("BEGIN")
    box, seq = conn.execute("SELECT pk, mod_seq FROM box").fetchone()
    root = conn.execute("SELECT pk FROM folder WHERE parent_pk IS NULL").fetchone()[0]
    folders = [conn.execute("SELECT pk FROM folder WHERE name = 'F0'").fetchone()[0]]
    for i in range(1, 100):
        seq += 1
        folders.append(
            conn.execute(
                "INSERT INTO folder (box_pk, id, parent_pk, name, attributes, last_mod_seq, created_us)"
                " VALUES (?, ?, ?, ?, '{\"attribute\":[]}', ?, 0) RETURNING pk",
                (box, f"fld-{i:016x}", root, f"F{i}", seq),
            ).fetchone()[0]
        )
    attrs = json.dumps({"attribute": [{"name": "Subject", "value": ["benchmark message"]}]})
    chunk: list[tuple[Any, ...]] = []
    tombs: list[tuple[Any, ...]] = []
    flags: list[tuple[int, str, str]] = []
    first_pk = (conn.execute("SELECT coalesce(max(pk), 0) FROM object").fetchone()[0] or 0) + 1
    for i in range(n):
        seq += 1
        if rng.random() < 0.01:  # a deletion between the changes
            tombs.append((box, f"obj-d{i:015x}", seq))
            seq += 1
        chunk.append((first_pk + i, box, f"obj-{i:016x}", rng.choice(folders), attrs, seq, seq, i))
        if rng.random() < 0.3:
            flags.append((first_pk + i, "\\seen", "\\Seen"))
        if len(chunk) >= 50_000:
            _flush(conn, chunk, tombs, flags)
    _flush(conn, chunk, tombs, flags)
    conn.execute("UPDATE box SET mod_seq = ? WHERE pk = ?", (seq, box))
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return int(box), int(seq)


def _flush(conn: sqlite3.Connection, chunk: list[Any], tombs: list[Any], flags: list[Any]) -> None:
    conn.executemany(
        "INSERT INTO object (pk, box_pk, id, folder_pk, attributes, last_mod_seq, created_seq, created_us)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        chunk,
    )
    conn.executemany(
        "INSERT INTO tombstone (box_pk, kind, id, last_mod_seq, deleted_us) VALUES (?, 'object', ?, ?, 0)", tombs
    )
    conn.executemany("INSERT INTO flag (object_pk, key, name) VALUES (?, ?, ?)", flags)
    chunk.clear()
    tombs.clear()
    flags.clear()


def time_batch(db: Path, box: int, since: int, repeat: int) -> tuple[float, float, int]:
    """Median ms of one change batch after ``since`` (one read transaction each), of its change query
    alone (the index range scans), and the batch's size; the two are timed alternately."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.row_factory = sqlite3.Row
    times, query_times, size = [], [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        conn.execute("BEGIN")
        batch = change_batch(Db(conn), box, CTX.box_url, since)
        conn.execute("COMMIT")
        times.append((time.perf_counter() - start) * 1000)
        size = len(batch.events)
        start = time.perf_counter()
        conn.execute(CHANGES_SQL, (box, since, box, since, box, since, 1001)).fetchall()
        query_times.append((time.perf_counter() - start) * 1000)
    conn.close()
    return statistics.median(times), statistics.median(query_times), size


def plans(db: Path, box: int, since: int) -> list[str]:
    conn = sqlite3.connect(db)
    out = ["CHANGES_SQL (the change log after a point):"]
    for row in conn.execute("EXPLAIN QUERY PLAN " + CHANGES_SQL, (box, since, box, since, box, since, 1001)):
        out.append(f"  {row[3]}")
    details = {
        "objects of the batch": "SELECT o.pk FROM object o JOIN folder f ON f.pk = o.folder_pk WHERE o.pk IN (1, 2)",
        "their flags": "SELECT object_pk, name FROM flag WHERE object_pk IN (1, 2) ORDER BY pk",
        "folders of the batch": "SELECT f.id FROM folder f JOIN folder p ON p.pk = f.parent_pk WHERE f.pk IN (1, 2)",
        "tombstones of the batch": "SELECT kind, id FROM tombstone WHERE pk IN (1, 2)",
    }
    for what, sql in details.items():
        out.append(f"{what}:")
        out += [f"  {row[3]}" for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    conn.close()
    return out


def wait_events(rec: Receiver, name: str, total: int, timeout: float) -> float:
    def count() -> int:
        return sum(len(b["nmsEventList"].get("nmsEvent", [])) for b in rec.received.get(name, []))

    if not rec.wait_for(lambda: count() >= total, timeout):
        raise SystemExit(f"only {count()} of {total} events arrived within {timeout} s")
    return time.perf_counter()


def delivery(db: Path, rec: Receiver, name: str, since: int, events: int) -> tuple[float, int]:
    """Events per second of delivering ``events`` changes after ``since`` to the receiver, and notifications.

    Timed from the subscription's creation to the last event's arrival (the store is opened before).
    """
    store = SqliteStore(db, notify=NotifySettings(ca_file=rec.ca_file, poll_interval=0.5))
    try:
        start = time.perf_counter()
        store.create_subscription(
            CTX,
            models.NmsSubscription.model_validate(
                {"callbackReference": {"notifyURL": rec.url(name)}, "restartToken": restart_token(since)}
            ),
        )
        end = wait_events(rec, name, events, 600)
    finally:
        store.close()
    return events / (end - start), len(rec.received[name])


def live(db: Path, rec: Receiver, name: str, writes: int) -> tuple[float, float, int]:
    """Objects created one per transaction while delivering: (writes/s, delivered events/s, notifications)."""
    store = SqliteStore(db, notify=NotifySettings(ca_file=rec.ca_file, poll_interval=0.5))
    try:
        store.create_subscription(
            CTX, models.NmsSubscription.model_validate({"callbackReference": {"notifyURL": rec.url(name)}})
        )
        body = models.Object.model_validate({"parentFolderPath": "/F1", "attributes": {}, "flags": {"flag": []}})
        done = threading.Event()
        written = [0.0]

        def write() -> None:
            t0 = time.perf_counter()
            for _ in range(writes):
                store.create_object(CTX, body, None)
            written[0] = time.perf_counter() - t0
            done.set()

        start = time.perf_counter()
        threading.Thread(target=write).start()
        end = wait_events(rec, name, writes, 600)
        done.wait(600)
    finally:
        store.close()
    return writes / written[0], writes / (end - start), len(rec.received[name])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--repeat", type=int, default=31)
    parser.add_argument("--rounds", type=int, default=5, help="deliveries of the backlog per box size (median)")
    parser.add_argument("--backlog", type=int, default=10_000)
    parser.add_argument("--live", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results-notify.md")
    args = parser.parse_args()
    load_start = os.getloadavg()[0]

    points = {"10 back": 10, "1000 back": 1000, "middle": None, "start (first 1000)": 0}
    batch_rows: list[tuple[int, str, float, float, int]] = []
    deliver_rows: list[tuple[int, float, int, float, float]] = []
    live_row: tuple[float, float, int] | None = None
    plan_text: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-notify-") as tmp, receiver(Path(tmp)) as rec:
        for n in args.sizes:
            db = Path(tmp) / f"box-{n}.db"
            t0 = time.perf_counter()
            box, mod_seq = load(db, n, SEED)
            load_s = time.perf_counter() - t0
            sys.stderr.write(f"{n}: loaded in {load_s:.1f} s (mod_seq {mod_seq})\n")
            for label, back in points.items():
                since = mod_seq // 2 if back is None else (0 if back == 0 else mod_seq - back)
                ms, query_ms, size = time_batch(db, box, since, args.repeat)
                batch_rows.append((n, label, ms, query_ms, size))
            runs = [delivery(db, rec, f"d{n}-{r}", mod_seq - args.backlog, args.backlog) for r in range(args.rounds)]
            rates = sorted(rate for rate, _ in runs)
            deliver_rows.append((n, statistics.median(rates), runs[0][1], rates[0], rates[-1]))
            sys.stderr.write(f"{n}: delivered {args.backlog} events at {rates}/s\n")
            if n == min(args.sizes):
                live_row = live(db, rec, "live", args.live)
            if n == max(args.sizes):
                plan_text = plans(db, box, mod_seq - 1000)
            db.unlink()

    base = {label: (ms, q) for n, label, ms, q, _ in batch_rows if n == min(args.sizes)}
    lines = [
        "# Notification benchmark: change batches and delivery (refstore)",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, Python {platform.python_version()},"
        f" SQLite {sqlite3.sqlite_version}; seed {SEED}; `{' '.join(['benchmarks/bench_notify.py', *sys.argv[1:]])}`.",
        f"Load average (1 min) {load_start:.2f} at the start, {os.getloadavg()[0]:.2f} at the end: a shared 2-core"
        " machine (other work was running), so read the ratios more than the absolute numbers.",
        "",
        "## Cost of computing one change batch (`change_batch`, at most 1000 events, one read transaction)",
        "",
        "The whole batch (query, detail reads, event models) and, apart, the change query alone (the three",
        "index range scans of `CHANGES_SQL`, at most 1001 rows); medians, and their ratio to the smallest box.",
        "",
        "| objects in the box | restart token | events | batch ms | × | change query ms | × |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for n, label, ms, q, size in batch_rows:
        b_ms, b_q = base[label]
        lines.append(f"| {n:,} | {label} | {size} | {ms:.2f} | {ms / b_ms:.2f} | {q:.3f} | {q / b_q:.2f} |")
    lines += [
        "",
        f"## Delivery over HTTPS to a local receiver (a backlog of {args.backlog:,} changes, batches of ≤ 1000 events)",
        "",
        f"| objects in the box | events/s (median of {args.rounds}) | min – max | notifications | × the 10k box |",
        "|---:|---:|---:|---:|---:|",
    ]
    first_rate = deliver_rows[0][1]
    lines += [
        f"| {n:,} | {rate:,.0f} | {low:,.0f} – {high:,.0f} | {notes} | {rate / first_rate:.2f} |"
        for n, rate, notes, low, high in deliver_rows
    ]
    if live_row is not None:
        lines += [
            "",
            f"## Live delivery ({args.live:,} objects created one per transaction, synchronous=FULL,"
            f" {min(args.sizes):,} box)",
            "",
            "| writes/s | delivered events/s (first write to last event) | notifications | events per notification |",
            "|---:|---:|---:|---:|",
            f"| {live_row[0]:,.0f} | {live_row[1]:,.0f} | {live_row[2]} | {args.live / live_row[2]:.1f} |",
        ]
    lines += ["", f"## Query plans ({max(args.sizes):,} box)", "", "```", *plan_text, "```", ""]
    report = "\n".join(lines)
    sys.stdout.write(report)
    args.out.write_text(report)


if __name__ == "__main__":
    main()
