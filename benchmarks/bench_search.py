"""Search latency of the reference store at 10k, 100k and 1M objects in one box, with the query plans.

For each size a fresh store file is created under ``benchmarks/.work/`` and filled directly with
``executemany`` (objects, flags and the search tables exactly as the store writes them, built with the
same ``refstore.search`` helpers; fixed seed, so every run loads the same box). Then every query of
``QUERIES`` runs ``--runs`` times through ``SqliteStore.search_objects`` (what the server calls: the
SQL batch plus the Object models of the batch) and through the engine alone (``refstore.search.search``:
the SQL batch, row keys only); the report gives medians, the growth between sizes and the
``EXPLAIN QUERY PLAN`` of each query at the largest size.

Usage (from the repository root):

    .venv/bin/python benchmarks/bench_search.py                  # 10k, 100k, 1M; about 6 minutes
    .venv/bin/python benchmarks/bench_search.py --sizes 10000    # a quick look

The Markdown report goes to stdout and to ``benchmarks/results-search.md`` (``--out``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mcdata_store import models  # noqa: E402
from mcdata_store.store import Context  # noqa: E402
from refstore import SqliteStore  # noqa: E402
from refstore import search as engine  # noqa: E402
from refstore.tx import Tx  # noqa: E402

WORK = REPO / "benchmarks" / ".work"
SEED = 20261127
T0_US = 1_700_000_000 * 1_000_000
STEP_US = 60_000_000  # one object a minute
CTX = Context("bench", "tel:+15550100", "MCData-7", "bench", "https://bench.example/nms/v1/bench/tel%3A%2B15550100")
FOLDERS = ["/Inbox", "/Inbox/Work", "/Sent", "/Archive"]
FOLDER_WEIGHTS = [50, 5, 30, 15]
SENDERS = 1000  # "From" values: one sender is 0.1 % of the box
VOCABULARY = 5000  # subject words; word k is drawn with probability ~ 1/(k+1) (Zipf-like)
BATCH = 20_000
PLANTED = 20  # objects carrying PLANTED_SENDER and PLANTED_WORD, spread over the box, at every size
PLANTED_SENDER = "tel:+19990000001"
PLANTED_WORD = "zyzzyva"


def stamp(us: int) -> str:
    return dt.datetime.fromtimestamp(us / 1e6, dt.UTC).isoformat().replace("+00:00", "Z")


def word(k: int) -> str:
    letters = "bcdfghjklmnpqrstvwxz"
    out = ""
    k += 400  # at least three letters
    while k:
        k, r = divmod(k, len(letters))
        out += letters[r] + "aeiou"[r % 5]
    return out


def criteria(n: int) -> dict[str, dict[str, Any]]:
    """The representative searches at box size n (dates chosen inside the box's time span)."""
    end = T0_US + n * STEP_US
    middle = T0_US + n * STEP_US // 2
    hour = 3600 * 1_000_000
    rare = word(VOCABULARY - 7)
    return {
        "everything, newest first": {},
        "Attribute From = one sender (0.1 %)": {"searchCriteria": {"criterion": [attr("From", "tel:+1555000042")]}},
        "Attribute From = a sender of 20 objects": {"searchCriteria": {"criterion": [attr("From", PLANTED_SENDER)]}},
        "Attribute Direction = in (50 %), Date ascending": {
            "searchCriteria": {"criterion": [attr("Direction", "in")]},
            "sortCriteria": {"criterion": [{"type": "Date", "order": "Ascending"}]},
        },
        "Flag \\Flagged = true (1 %)": {
            "searchCriteria": {"criterion": [{"type": "Flag", "name": "\\Flagged", "value": "true"}]}
        },
        "Flag \\Seen = false (30 %)": {
            "searchCriteria": {"criterion": [{"type": "Flag", "name": "\\Seen", "value": "false"}]}
        },
        "Date: one hour in the middle": {
            "searchCriteria": {
                "criterion": [{"type": "Date", "value": f"minDate={stamp(middle)}&maxDate={stamp(middle + hour)}"}]
            }
        },
        "AllTextAttributes: substring of a rare word": {
            "searchCriteria": {"criterion": [{"type": "AllTextAttributes", "value": rare[1:].upper()}]}
        },
        "WholeWord: a rare word": {"searchCriteria": {"criterion": [{"type": "WholeWord", "value": rare}]}},
        "AllTextAttributes: a word of 20 objects": {
            "searchCriteria": {"criterion": [{"type": "AllTextAttributes", "value": PLANTED_WORD[1:6].upper()}]}
        },
        "WholeWord: a word of 20 objects": {
            "searchCriteria": {"criterion": [{"type": "WholeWord", "value": PLANTED_WORD}]}
        },
        "And: Direction in, \\Seen false, last day": {
            "searchCriteria": {
                "criterion": [
                    attr("Direction", "In"),
                    {"type": "Flag", "name": "\\Seen", "value": "false"},
                    {"type": "Date", "value": f"minDate={stamp(end - 24 * hour)}"},
                ]
            }
        },
        "Or: two senders": {
            "searchCriteria": {
                "criterion": [attr("From", "tel:+1555000007"), attr("From", "tel:+1555000008")],
                "operator": "Or",
            }
        },
        "Not: not Direction in": {"searchCriteria": {"criterion": [attr("Direction", "In")], "operator": "Not"}},
        "CreatedObjects since the last 100": {
            "searchCriteria": {"criterion": [{"type": "CreatedObjects", "value": f"cc-{n - 100 + 10}"}]}
        },
        "scope /Inbox/Work, non-recursive": {"_scope": ("/Inbox/Work", False)},
        "scope /Inbox, recursive": {"_scope": ("/Inbox", True)},
        "sort by Attribute Subject (whole box)": {
            "sortCriteria": {"criterion": [{"type": "Attribute", "name": "Subject", "order": "Ascending"}]}
        },
        "11th batch of 100 (fromCursor)": {"_pages": 10},
    }


def attr(name: str, value: str) -> dict[str, str]:
    return {"type": "Attribute", "name": name, "value": value}


# ------------------------------------------------------------------------------------------ loading


@dataclass
class Batch:
    """Rows of up to BATCH objects as the SQLite store writes them (other stores' loaders adapt them):
    object (pk, box, id, folder, attributes, last_mod_seq, created_seq, created_us), flag (object, key, name),
    object_attr (object, box, ord, name_key, value, value_key), object_word (box, word, object), object_text
    (object, casefolded text)."""

    objects: list[tuple[Any, ...]]
    flags: list[tuple[Any, ...]]
    attrs: list[tuple[Any, ...]]
    words: list[tuple[Any, ...]]
    texts: list[tuple[Any, ...]]


def batches(n: int, first_pk: int, box: int, folder_pks: list[int]) -> Iterator[Batch]:
    """The box of n objects (fixed seed: the same objects for every store and every run), BATCH at a time."""
    rng = random.Random(SEED)
    zipf = [1 / (k + 1) for k in range(VOCABULARY)]
    words = [word(k) for k in range(VOCABULARY)]
    for start in range(0, n, BATCH):
        objects, flags, attrs, word_rows, texts = [], [], [], [], []
        for i in range(start, min(n, start + BATCH)):
            pk = first_pk + i
            subject = " ".join(rng.choices(words, weights=zipf, k=3))
            pairs = [
                ("Direction", ["In" if rng.random() < 0.5 else "Out"]),
                ("From", [f"tel:+1555{rng.randrange(SENDERS):06d}"]),
                ("Subject", [subject]),
            ]
            if i % (n // PLANTED) == 7:  # PLANTED objects at every size: a fixed number of matches
                pairs[1] = ("From", [PLANTED_SENDER])
                pairs[2] = ("Subject", [f"{subject} {PLANTED_WORD}"])
            pairs += [
                ("Message-Context", ["pager-message" if rng.random() < 0.8 else "multimedia-message"]),
            ]
            attributes = json.dumps({"attribute": [{"name": k, "value": v} for k, v in pairs]})
            objects.append(
                (
                    pk,
                    box,
                    f"obj-{i:016x}",
                    rng.choices(folder_pks, FOLDER_WEIGHTS)[0],
                    attributes,
                    i + 10,
                    i + 10,
                    T0_US + i * STEP_US,
                )
            )
            if rng.random() < 0.7:
                flags.append((pk, "\\seen", "\\Seen"))
            if rng.random() < 0.01:
                flags.append((pk, "\\flagged", "\\Flagged"))
            ordinal = 0
            for name, values in pairs:
                for value in values:
                    attrs.append((pk, box, ordinal, name.casefold(), value, engine.value_key(name, value)))
                    ordinal += 1
            values = [v for _, vs in pairs for v in vs]
            word_rows += [(box, w, pk) for w in engine.words(" ".join(values))]
            texts.append((pk, "\n".join(v.casefold() for v in values)))
        yield Batch(objects, flags, attrs, word_rows, texts)


def load(path: Path, n: int) -> tuple[float, int]:
    """A store file with n objects in one box; (seconds taken, file size in bytes)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    store = SqliteStore(path)
    for folder in FOLDERS:  # through the store: the box, its root and the folders as the store makes them
        parent, _, name = folder.rpartition("/")
        store.create_folder(
            CTX, models.Folder.model_validate({"parentFolderPath": parent or "/", "name": name, "attributes": {}})
        )
    store.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")  # loading only; the store itself always runs synchronous=FULL
    conn.execute("PRAGMA cache_size=-262144")
    box = conn.execute("SELECT pk FROM box").fetchone()[0]
    folder_pks = []
    for folder in FOLDERS:
        pk = conn.execute("SELECT pk FROM folder WHERE parent_pk IS NULL").fetchone()[0]
        for name in folder.strip("/").split("/"):
            pk = conn.execute("SELECT pk FROM folder WHERE parent_pk = ? AND name = ?", (pk, name)).fetchone()[0]
        folder_pks.append(pk)
    first_pk = (conn.execute("SELECT max(pk) FROM object").fetchone()[0] or 0) + 1
    conn.execute("BEGIN")
    for b in batches(n, first_pk, box, folder_pks):
        conn.executemany(
            "INSERT INTO object (pk, box_pk, id, folder_pk, attributes, last_mod_seq, created_seq, created_us)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            b.objects,
        )
        conn.executemany(
            "INSERT INTO flag (object_pk, key, name, box_pk) VALUES (?, ?, ?, ?)", [(*f, box) for f in b.flags]
        )
        conn.executemany(
            "INSERT INTO object_attr (object_pk, box_pk, ord, name_key, value, value_key) VALUES (?, ?, ?, ?, ?, ?)",
            b.attrs,
        )
        conn.executemany("INSERT INTO object_word (box_pk, word, object_pk) VALUES (?, ?, ?)", b.words)
        conn.executemany("INSERT INTO object_text (rowid, text) VALUES (?, ?)", b.texts)
    conn.execute("UPDATE box SET mod_seq = ? WHERE pk = ?", (n + 10, box))
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return time.perf_counter() - started, path.stat().st_size


# ------------------------------------------------------------------------------------------ timing


@dataclass
class Result:
    store_ms: float
    engine_ms: float
    found: int
    plan: list[str]


def selection(store: SqliteStore, body: dict[str, Any], cursor: str | None = None) -> models.SelectionCriteria:
    data = {k: v for k, v in body.items() if not k.startswith("_")}
    data["maxEntries"] = 100
    if "_scope" in body:
        path, recursive = body["_scope"]
        data["searchScope"] = {"resourceURL": store.get_folder_id_by_path(CTX, path).resourceURL}
        data["nonRecursiveScope"] = not recursive
    if cursor:
        data["fromCursor"] = cursor
    return models.SelectionCriteria.model_validate(data)


def median_ms(run: Callable[[], object], runs: int) -> float:
    run()  # warm the page cache and the statement cache alike for every query
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(path: Path, n: int, runs: int) -> dict[str, Result]:
    store = SqliteStore(path)
    conn = sqlite3.connect(path)
    engine.register_functions(conn)
    box = conn.execute("SELECT pk FROM box").fetchone()[0]
    results = {}
    try:
        for label, body in criteria(n).items():
            cursor = None
            for _ in range(body.get("_pages", 0)):  # walk to the batch measured
                page = store.search_objects(CTX, selection(store, body, cursor))
                assert isinstance(page, models.ObjectList)
                cursor = page.cursor
            chosen = selection(store, body, cursor)
            scope = None
            if chosen.searchScope is not None:
                folder_id = chosen.searchScope.resourceURL.rsplit("/", 1)[1]
                scope_pk = conn.execute("SELECT pk FROM folder WHERE id = ?", (folder_id,)).fetchone()[0]
                scope = engine.Scope(scope_pk, recursive=not chosen.nonRecursiveScope)
            answer = store.search_objects(CTX, chosen)
            found = len(answer.object or []) if isinstance(answer, models.ObjectList) else 0
            store_ms = median_ms(partial(store.search_objects, CTX, chosen), runs)
            tx = Tx(conn, ctx=CTX, box=box, clock=time.time)
            engine_ms = median_ms(partial(engine.search, tx, "object", chosen, scope, 1000), runs)
            plan = engine.explain(tx, "object", box, chosen, scope, 100)
            results[label] = Result(store_ms, engine_ms, found, plan)
            print(
                f"  {n:>9,} {label}: {store_ms:.2f} ms store, {engine_ms:.2f} ms engine, {found} found", file=sys.stderr
            )
    finally:
        conn.close()
        store.close()
    return results


# ------------------------------------------------------------------------------------------ report


def report(
    sizes: list[int], loads: dict[int, tuple[float, int]], results: dict[int, dict[str, Result]], runs: int
) -> str:
    lines = [
        "# Search latency of the reference store",
        "",
        f"Generated by `benchmarks/bench_search.py` (seed {SEED}, {runs} timed runs per query after one warm-up;"
        " medians). One box holding all objects; every search asks for `maxEntries: 100`.",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version},"
        f" {os.cpu_count()} CPUs (shared with other work while measured).",
        "",
        "- **store ms**: `SqliteStore.search_objects` (the SQL batch and the `Object` models of up to 100 hits,"
        " with their flags and paths) - what the server waits for.",
        "- **engine ms**: `refstore.search.search` alone (the SQL batch: row keys and sort keys).",
        "- **growth**: engine time at this size / at the previous size (10x more objects each step).",
        "",
        "## Loads",
        "",
        "| objects | load s | file MB |",
        "|---:|---:|---:|",
    ]
    for n in sizes:
        seconds, size = loads[n]
        lines.append(f"| {n:,} | {seconds:.1f} | {size / 1e6:.0f} |")
    lines += ["", "## Latency (median ms)", ""]
    header = "| search | " + " | ".join(f"{n:,}: store / engine" for n in sizes)
    header += "".join(f" | growth {a // 1000}k→{b // 1000}k" for a, b in itertools.pairwise(sizes)) + " |"
    lines += [header, "|---|" + "---:|" * (len(sizes) + len(sizes) - 1)]
    for label in results[sizes[0]]:
        row = f"| {label} | " + " | ".join(
            f"{results[n][label].store_ms:.2f} / {results[n][label].engine_ms:.2f}" for n in sizes
        )
        for a, b in itertools.pairwise(sizes):
            ratio = results[b][label].engine_ms / max(results[a][label].engine_ms, 1e-6)
            row += f" | {ratio:.1f}x"
        lines.append(row + " |")
    biggest = sizes[-1]
    lines += ["", f"Hits returned (at most 100) at {biggest:,}: "]
    lines.append(", ".join(f"{label}: {r.found}" for label, r in results[biggest].items()))
    lines += ["", f"## Query plans (`EXPLAIN QUERY PLAN`, {biggest:,} objects)", ""]
    for label, r in results[biggest].items():
        full_scan = "SCAN o" in r.plan  # the object table read row by row, no index
        lines += [f"### {label}" + (" - full scan of `object`" if full_scan else ""), "", "```"]
        lines += r.plan
        lines += ["```", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results-search.md")
    parser.add_argument("--keep", action="store_true", help="keep the store files in benchmarks/.work/")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    loads, results = {}, {}
    for n in args.sizes:
        path = WORK / f"search-{n}.db"
        print(f"loading {n:,} objects ...", file=sys.stderr)
        loads[n] = load(path, n)
        print(f"  loaded in {loads[n][0]:.1f} s", file=sys.stderr)
        results[n] = measure(path, n, args.runs)
        if not args.keep:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
    text = report(args.sizes, loads, results, args.runs)
    args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
