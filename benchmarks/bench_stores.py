"""The SQLite and the PostgreSQL store side by side (issue 16, item 6), in one run:

(a) **requests per second** of ``nmsgen serve`` (plain HTTP on 127.0.0.1, ``--insecure-dev-http``, so that
    TLS does not hide the store) for one request mix - 20 % deposit (CreateObject, multipart with a text
    payload), 40 % read (GetObject), 20 % search (SearchObjects, one sender), 20 % flag (SetObjectFlag
    ``\\Flagged``) - on SQLite with 1 worker, PostgreSQL with 1 worker and PostgreSQL with 2 workers. The load
    generator is ``wrk`` with a Lua script (``benchmarks/.work/mix.lua``, written per run: a Bearer token, the
    four requests with their bodies, every answer's status counted); every request of the mix is sent once
    with httpx and its status checked before the load.
(b) **search latency** p50 / p99 / min / max at 10k, 100k and 1M objects in one box on both stores, with the
    queries of ``bench_search.py`` (imported, not copied: its ``criteria``, ``selection`` and the rows of its
    box, ``batches``), and the growth per 10x. SQLite is loaded by ``bench_search.load``; PostgreSQL by
    ``COPY`` of the same rows; both through the store's own schema (PostgreSQL: every migration, then
    ``VACUUM ANALYZE``). The query plans of PostgreSQL at the largest size end the report.
(c) **notification throughput** of ``nmsgen serve --store postgresql://… --workers 2``: subscriptions on
    several boxes, objects created in them over HTTP, every event received by a local HTTPS receiver; events/s
    and notifications/s from the first write to the last event, and exactly once checked (each created
    object in exactly one event, every subscription's ``index`` 1, 2, 3, … without gap or repeat).

A throwaway PostgreSQL cluster (``tests/pg_cluster.py``: initdb + pg_ctl, loopback port, fsync on) is made
for the run and removed after it. Usage (from the repository root):

    .venv/bin/python benchmarks/bench_stores.py                        # everything; about 40 minutes
    .venv/bin/python benchmarks/bench_stores.py --sizes 10000 100000 --sqlite-max 100000
    .venv/bin/python benchmarks/bench_stores.py --sizes 200 --duration 2 --rounds 1 --runs 3   # a smoke run

The Markdown report goes to stdout and to ``benchmarks/results-stores.md`` (``--out``); server logs to
``benchmarks/.work/logs/``. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import bench_search as bs  # noqa: E402
import httpx  # noqa: E402
import jwt  # noqa: E402
import psycopg  # noqa: E402

from mcdata_store import models  # noqa: E402
from refstore import SqliteStore  # noqa: E402
from refstore import search as engine  # noqa: E402
from refstore.core.ids import box_key  # noqa: E402
from refstore.pg import PgStore  # noqa: E402
from refstore.pg.tx import PgTx, pg_row  # noqa: E402
from refstore.tx import Tx  # noqa: E402
from tests.notify_receiver import receiver  # noqa: E402
from tests.pg_cluster import Cluster, pg_available, pg_bin  # noqa: E402
from tests.support import ALL_ACCOUNTS, AUDIENCE, ISSUER, Keys, server_token, user_token  # noqa: E402

WORK = REPO / "benchmarks" / ".work"
LOGS = WORK / "logs"
STORE = "myStore"
BOX = "alice@example.test"
MIX = {"deposit": 2, "read": 4, "search": 2, "flag": 2}  # of 10 requests (mix.lua cycles through them)
SEEDED = 200  # objects in the box before the load (what read and flag address)
BOUNDARY = "nmsbenchXyZ"
FLAG = quote("\\Flagged", safe="")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def quantile(values: list[float], q: float) -> float:
    """Nearest-rank quantile (p99 of 30 samples is the largest but none)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


# ------------------------------------------------------------------------------------------ servers


@dataclass
class Served:
    proc: subprocess.Popen[bytes]
    base: str  # http://127.0.0.1:PORT/nms/v1/myStore
    log_file: Path


def free_port() -> int:
    import socket  # noqa: PLC0415

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(store: str, workers: int, keys_dir: Path, name: str, notify_ca: Path | None = None) -> Iterator[Served]:
    """``nmsgen serve --store STORE --workers N`` as a user runs it, on plain HTTP (development flag)."""
    port = free_port()
    LOGS.mkdir(parents=True, exist_ok=True)
    log_file = LOGS / f"stores-{name}.log"
    args = [
        sys.executable, "-m", "generator", "serve", "--store", store, "--workers", str(workers),
        "--port", str(port), "--insecure-dev-http", "--jwks", str(keys_dir / "jwks.json"), "--issuer", ISSUER,
        "--audience", AUDIENCE, "--all-accounts-scope", ALL_ACCOUNTS,
    ]  # fmt: skip
    if notify_ca is not None:
        args += ["--notify-ca", str(notify_ca)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with open(log_file, "wb") as out:
        proc = subprocess.Popen(args, cwd=keys_dir, stdout=out, stderr=subprocess.STDOUT, env=env)
    served = Served(proc, f"http://127.0.0.1:{port}/nms/v1/{STORE}", log_file)
    try:
        deadline = time.monotonic() + 60
        while "Uvicorn running" not in log_file.read_text(errors="replace") or (
            workers > 1 and log_file.read_text(errors="replace").count("Application startup complete") < workers
        ):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server {name} did not start:\n{log_file.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield served
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def write_keys(keys: Keys, folder: Path) -> None:
    jwk = jwt.algorithms.ECAlgorithm.to_jwk(keys.ec.public_key(), as_dict=True)
    (folder / "jwks.json").write_text(json.dumps({"keys": [{**jwk, "kid": "k1", "alg": "ES256", "use": "sig"}]}))


# ------------------------------------------------------------------------------------------ (a) request mix


def deposit_body(i: int) -> bytes:
    root = {
        "object": {
            "parentFolderPath": "/Inbox",
            "flags": {},
            "attributes": {
                "attribute": [
                    {"name": "Direction", "value": ["In"]},
                    {"name": "From", "value": [f"tel:+1555{i % 50:06d}"]},
                    {"name": "Subject", "value": [f"bench message {i}"]},
                ]
            },
        }
    }
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="root-fields"\r\n'
        f"Content-Type: application/json\r\n\r\n{json.dumps(root)}\r\n"
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="attachments"; filename=""\r\n'
        f"Content-Type: text/plain\r\n\r\nhello from the benchmark {i}\r\n--{BOUNDARY}--\r\n"
    ).encode()


SEARCH_BODY = {
    "selectionCriteria": {
        "maxEntries": 20,
        "searchCriteria": {"criterion": [{"type": "Attribute", "name": "From", "value": "tel:+1555000007"}]},
    }
}


def seed_box(served: Served, token: str) -> list[str]:
    """The box's objects before the load (SEEDED, through the server); their ids. Each request of the mix
    is sent once here and must succeed."""
    box = f"{served.base}/{quote(BOX, safe='')}"
    headers = {"Authorization": f"Bearer {token}"}
    ids = []
    with httpx.Client(headers=headers, timeout=30) as http:
        for i in range(SEEDED):
            r = http.post(
                f"{box}/objects",
                content=deposit_body(i),
                headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
            )
            if r.status_code != 201:
                raise SystemExit(f"deposit refused: {r.status_code} {r.text[:500]}")
            ids.append(r.headers["location"].rsplit("/", 1)[1])
        checks = [
            http.get(f"{box}/objects/{ids[0]}"),
            http.post(f"{box}/objects/operations/search", json=SEARCH_BODY),
            http.put(f"{box}/objects/{ids[1]}/flags/{FLAG}", json={"empty": None}),
        ]
        for r in checks:
            if r.status_code not in (200, 201, 204):
                raise SystemExit(f"{r.request.method} {r.request.url} answered {r.status_code} {r.text[:300]}")
    return ids


def lua_script(base: str, token: str, ids: list[str]) -> str:
    path = f"/nms/v1/{STORE}/{quote(BOX, safe='')}"
    seq = [k for k, n in MIX.items() for _ in range(n)]
    return f"""-- generated by benchmarks/bench_stores.py: the request mix, one cycle of {len(seq)} requests
local token = "Bearer {token}"
local base = "{path}"
local ids = {{{", ".join(f'"{i}"' for i in ids)}}}
local seq = {{{", ".join(f'"{k}"' for k in seq)}}}
local search = '{json.dumps(SEARCH_BODY)}'
local n = 0
statuses = {{}}
local threads = {{}}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  n = math.random(1, #seq)
  math.randomseed(os.time() + n)
end

local function deposit(i)
  return "--{BOUNDARY}\\r\\nContent-Disposition: form-data; name=\\"root-fields\\"\\r\\n"
    .. "Content-Type: application/json\\r\\n\\r\\n"
    .. '{{"object": {{"parentFolderPath": "/Inbox", "flags": {{}}, "attributes": {{"attribute": ['
    .. '{{"name": "Direction", "value": ["In"]}}, {{"name": "From", "value": ["tel:+1555'
    .. string.format("%06d", i % 50) .. '"]}}, {{"name": "Subject", "value": ["bench message ' .. i .. '"]}}]}}}}}}'
    .. "\\r\\n--{BOUNDARY}\\r\\nContent-Disposition: form-data; name=\\"attachments\\"; filename=\\"\\"\\r\\n"
    .. "Content-Type: text/plain\\r\\n\\r\\nhello from the benchmark " .. i .. "\\r\\n--{BOUNDARY}--\\r\\n"
end

function request()
  n = n + 1
  local kind = seq[(n % #seq) + 1]
  local id = ids[math.random(1, #ids)]
  if kind == "deposit" then
    return wrk.format("POST", base .. "/objects", {{["Authorization"] = token,
      ["Content-Type"] = "multipart/form-data; boundary={BOUNDARY}"}}, deposit(n))
  elseif kind == "read" then
    return wrk.format("GET", base .. "/objects/" .. id, {{["Authorization"] = token}})
  elseif kind == "search" then
    return wrk.format("POST", base .. "/objects/operations/search", {{["Authorization"] = token,
      ["Content-Type"] = "application/json"}}, search)
  else
    return wrk.format("PUT", base .. "/objects/" .. id .. "/flags/{FLAG}", {{["Authorization"] = token,
      ["Content-Type"] = "application/json"}}, '{{"empty": null}}')
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {{}}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for k, v in pairs(s) do merged[k] = (merged[k] or 0) + v end
  end
  local parts = {{}}
  for k, v in pairs(merged) do table.insert(parts, '"' .. k .. '": ' .. v) end
  io.write(string.format('RESULT {{"requests": %d, "seconds": %f, "p50_ms": %f, "p99_ms": %f, '
    .. '"max_ms": %f, "errors": %d, "statuses": {{%s}}}}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, table.concat(parts, ", ")))
end
"""


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    bad: int  # answers other than 200/201/204 and socket errors


def run_wrk(base: str, seconds: float, connections: int, script: Path) -> Load:
    wrk = shutil.which("wrk")
    assert wrk is not None
    out = subprocess.run(
        [wrk, "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "-s", str(script), base],
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"wrk failed: {out.stderr}{out.stdout}")
    found = re.search(r"^RESULT (.*)$", out.stdout, re.M)
    if found is None:
        raise SystemExit("wrk printed no result:\n" + out.stdout)
    r = json.loads(found.group(1))
    bad = r["errors"] + sum(v for k, v in r["statuses"].items() if k not in ("200", "201", "204"))
    return Load(r["requests"] / r["seconds"], r["p50_ms"], r["p99_ms"], r["max_ms"], bad)


def http_mix(cluster: Cluster, keys: Keys, keys_dir: Path, args: argparse.Namespace) -> dict[str, list[Load]]:
    token = user_token(keys, BOX, exp=int(time.time()) + 4 * 3600)
    configs = {"SQLite, 1 worker": ("sqlite", 1), "PostgreSQL, 1 worker": ("pg", 1), "PostgreSQL, 2 workers": ("pg", 2)}
    loads: dict[str, list[Load]] = {label: [] for label in configs}
    for round_no in range(args.rounds):
        order = list(configs)
        order = order[round_no % len(order) :] + order[: round_no % len(order)]
        for label in order:
            kind, workers = configs[label]
            if kind == "sqlite":
                location = str(keys_dir / f"mix-{round_no}-{workers}.sqlite")
            else:
                location = cluster.create_database()
            with serve(location, workers, keys_dir, f"mix-{kind}-{workers}") as served:
                ids = seed_box(served, token)
                script = WORK / "mix.lua"
                script.write_text(lua_script(served.base, token, ids))
                load = run_wrk(served.base.split("/nms/")[0], args.duration, args.connections, script)
            loads[label].append(load)
            log(f"  mix {label}: {load.rps:.0f} req/s, p50 {load.p50_ms:.1f} ms, p99 {load.p99_ms:.1f} ms")
            if kind == "pg":
                cluster.drop_database(location)
    return loads


# ------------------------------------------------------------------------------------------ (b) search


@dataclass
class Timing:
    p50: float  # store.search_objects: the batch and its Object models (what the server waits for)
    p99: float
    low: float
    high: float
    engine: float  # refstore.search.search alone (the SQL of the batch), p50
    found: int


def load_pg(url: str, n: int) -> float:
    """The box of bench_search at size n in a PostgreSQL database, by COPY; seconds taken."""
    started = time.perf_counter()
    store = PgStore(url)
    for folder in bs.FOLDERS:
        parent, _, name = folder.rpartition("/")
        store.create_folder(
            bs.CTX, models.Folder.model_validate({"parentFolderPath": parent or "/", "name": name, "attributes": {}})
        )
    store.close()
    box = box_key(bs.CTX.store_name, bs.CTX.box_id)
    with psycopg.connect(url, autocommit=True) as conn:
        folder_pks = []
        for folder in bs.FOLDERS:
            row = conn.execute("SELECT pk FROM folder WHERE box_pk = %s AND parent_pk IS NULL", (box,)).fetchone()
            assert row is not None
            pk = row[0]
            for name in folder.strip("/").split("/"):
                row = conn.execute(
                    "SELECT pk FROM folder WHERE box_pk = %s AND parent_pk = %s AND name = %s", (box, pk, name)
                ).fetchone()
                assert row is not None
                pk = row[0]
            folder_pks.append(pk)
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '256MB'")
        conn.execute("SET session_replication_role = replica")  # the rows are consistent by construction: no FK checks
        first = conn.execute("SELECT coalesce(max(pk), 0) + 1 FROM object WHERE box_pk = %s", (box,)).fetchone()
        assert first is not None
        with conn.transaction(), conn.cursor() as cur:
            for b in bs.batches(n, int(first[0]), box, folder_pks):
                with cur.copy(
                    "COPY object (pk, box_pk, id, folder_pk, attributes, last_mod_seq, created_seq, created_us)"
                    " FROM STDIN"
                ) as cp:
                    for row in b.objects:
                        cp.write_row(row)
                with cur.copy("COPY flag (box_pk, object_pk, key, name) FROM STDIN") as cp:
                    for pk, key, name in b.flags:
                        cp.write_row((box, pk, key, name))
                with cur.copy(
                    "COPY object_attr (object_pk, box_pk, ord, name_key, value, value_key, value_fold) FROM STDIN"
                ) as cp:
                    for row in b.attrs:
                        cp.write_row((*row, row[4].casefold()))
                with cur.copy("COPY object_word (box_pk, word, object_pk) FROM STDIN") as cp:
                    for row in b.words:
                        cp.write_row(row)
            cur.execute("SELECT setval('object_pk_seq', (SELECT max(pk) FROM object))")
            cur.execute("UPDATE box SET mod_seq = %s WHERE pk = %s", (n + 10, box))
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def _timed(call: Any, runs: int) -> list[float]:
    call()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _scope(tx: Tx, chosen: models.SelectionCriteria) -> engine.Scope | None:
    if chosen.searchScope is None:
        return None
    folder_id = chosen.searchScope.resourceURL.rsplit("/", 1)[1]
    row = tx.one("SELECT pk FROM folder WHERE box_pk = ? AND id = ?", (tx.box, folder_id))
    assert row is not None
    return engine.Scope(int(row[0]), recursive=not chosen.nonRecursiveScope)


def time_searches(store: Any, tx: Tx, n: int, runs: int) -> tuple[dict[str, Timing], dict[str, list[str]]]:
    """Every query of bench_search through ``store.search_objects`` and through the engine alone (on ``tx``);
    the plans of the engine's queries."""
    out, plans = {}, {}
    for label, body in bs.criteria(n).items():
        cursor = None
        for _ in range(body.get("_pages", 0)):
            page = store.search_objects(bs.CTX, bs.selection(store, body, cursor))
            cursor = page.cursor
        chosen = bs.selection(store, body, cursor)
        answer = store.search_objects(bs.CTX, chosen)
        found = len(answer.object or []) if isinstance(answer, models.ObjectList) else 0
        times = _timed(lambda chosen=chosen: store.search_objects(bs.CTX, chosen), runs)
        scope = _scope(tx, chosen)
        engine_times = _timed(lambda c=chosen, s=scope: engine.search(tx, "object", c, s, 1000), runs)
        out[label] = Timing(
            statistics.median(times),
            quantile(times, 0.99),
            min(times),
            max(times),
            statistics.median(engine_times),
            found,
        )
        plans[label] = engine.explain(tx, "object", tx.box, chosen, scope, 100)
        log(f"  {n:>9,} {label}: {out[label].p50:.2f} ms store, {out[label].engine:.2f} ms engine, {found} found")
    return out, plans


def searches(
    cluster: Cluster, args: argparse.Namespace
) -> tuple[dict[tuple[str, int], dict[str, Timing]], dict[tuple[str, int], float], dict[str, list[str]]]:
    results: dict[tuple[str, int], dict[str, Timing]] = {}
    loads: dict[tuple[str, int], float] = {}
    plans: dict[str, list[str]] = {}
    for n in args.sizes:
        if n <= args.sqlite_max:
            path = WORK / f"stores-{n}.db"
            log(f"SQLite: loading {n:,} objects ...")
            loads["SQLite", n] = bs.load(path, n)[0]
            store = SqliteStore(path)
            conn = sqlite3.connect(path)
            engine.register_functions(conn)
            try:
                box = conn.execute("SELECT pk FROM box").fetchone()[0]
                tx = Tx(conn, ctx=bs.CTX, box=box, clock=time.time)
                results["SQLite", n], _ = time_searches(store, tx, n, args.runs)
            finally:
                conn.close()
                store.close()
                for suffix in ("", "-wal", "-shm"):
                    Path(str(path) + suffix).unlink(missing_ok=True)
            log(f"  done: {loads['SQLite', n]:.0f} s load")
        url = cluster.create_database()
        log(f"PostgreSQL: loading {n:,} objects ...")
        loads["PostgreSQL", n] = load_pg(url, n)
        pg = PgStore(url, pool_size=2)
        try:
            with psycopg.connect(url, autocommit=True, row_factory=pg_row) as pconn:
                tx = PgTx(pconn, ctx=bs.CTX, box=box_key(bs.CTX.store_name, bs.CTX.box_id), clock=time.time)
                results["PostgreSQL", n], plans = time_searches(pg, tx, n, args.runs)
        finally:
            pg.close()
        cluster.drop_database(url)
        log(f"  done: {loads['PostgreSQL', n]:.0f} s load")
    return results, loads, plans


# ------------------------------------------------------------------------------------------ (c) notifications


@dataclass
class Delivery:
    events: int
    notifications: int
    seconds: float
    writes_s: float
    exactly_once: bool
    problems: list[str]


async def _writes(base: str, token: str, boxes: list[str], per_box: int) -> list[str]:
    made: list[str] = []
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:

        async def fill(box: str) -> None:
            for i in range(per_box):
                r = await http.post(
                    f"{base}/{quote(box, safe='')}/objects",
                    content=deposit_body(i),
                    headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
                )
                if r.status_code != 201:
                    raise SystemExit(f"deposit refused: {r.status_code} {r.text[:300]}")
                made.append(r.headers["location"])

        await asyncio.gather(*(fill(b) for b in boxes))
    return made


def notifications(cluster: Cluster, keys: Keys, keys_dir: Path, args: argparse.Namespace) -> Delivery:
    token = server_token(keys, exp=int(time.time()) + 3600)
    boxes = [f"user{i}@example.test" for i in range(args.notify_boxes)]
    url = cluster.create_database()
    with receiver(Path(tempfile.mkdtemp(dir=WORK))) as rec, serve(url, 2, keys_dir, "notify", rec.ca_file) as served:
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
            for box in boxes:
                sub = {"nmsSubscription": {"callbackReference": {"notifyURL": rec.url(box), "callbackData": box}}}
                r = http.post(f"{served.base}/{quote(box, safe='')}/subscriptions", json=sub)
                if r.status_code != 201:
                    raise SystemExit(f"subscription refused: {r.status_code} {r.text[:300]}")
        expected = args.notify_boxes * args.notify_writes
        started = time.perf_counter()
        made = asyncio.run(_writes(served.base, token, boxes, args.notify_writes))
        writes_s = time.perf_counter() - started

        def events() -> list[str]:
            return [
                e["changedObject"]["resourceURL"]
                for box in boxes
                for note in rec.received.get(box, [])
                for e in note["nmsEventList"]["nmsEvent"]
                if "changedObject" in e
            ]

        arrived = rec.wait_for(lambda: len(set(events())) >= expected, 300)
        seconds = time.perf_counter() - started
        time.sleep(2)  # anything sent twice would arrive now
        problems = []
        if not arrived:
            problems.append("not every event arrived within 300 s")
        got = events()
        if sorted(got) != sorted(made):
            problems.append(f"{len(got)} events for {len(made)} objects ({len(set(got))} distinct)")
        notes = 0
        for box in boxes:
            indices = [n["nmsEventList"]["index"] for n in rec.received.get(box, [])]
            notes += len(indices)
            if indices != list(range(1, len(indices) + 1)):
                problems.append(f"{box}: indices {indices[:10]}")
    cluster.drop_database(url)
    return Delivery(len(got), notes, seconds, len(made) / writes_s, not problems, problems)


# ------------------------------------------------------------------------------------------ report


def machine() -> str:
    pg_version = subprocess.run(
        [pg_bin("postgres") or "postgres", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False).stdout.splitlines()
    return (
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs (shared with other work while measured), Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, {pg_version} (throwaway cluster, fsync on,"
        f" shared_buffers 128MB), {(wrk or ['wrk ?'])[0].split(' [')[0]}."
    )


def spread(values: list[float], fmt: str = "{:.0f}") -> str:
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def report(
    args: argparse.Namespace,
    mix: dict[str, list[Load]],
    results: dict[tuple[str, int], dict[str, Timing]],
    loads: dict[tuple[str, int], float],
    plans: dict[str, list[str]],
    delivery: Delivery | None,
) -> str:
    lines = [
        "# The SQLite and the PostgreSQL store side by side",
        "",
        f"Generated by `benchmarks/bench_stores.py` ({' '.join(sys.argv[1:]) or 'defaults'}). {machine()}",
        "",
    ]
    if mix:
        base = statistics.median(x.rps for x in mix["SQLite, 1 worker"])
        lines += [
            "## (a) Requests per second, one request mix",
            "",
            f"`nmsgen serve` on plain HTTP, one box, {SEEDED} objects deposited first; wrk {args.connections}"
            f" connections, 2 threads, {args.duration:g} s per run, {args.rounds} rounds (configurations rotated)."
            f" Mix per 10 requests: {', '.join(f'{v} {k}' for k, v in MIX.items())} (`benchmarks/.work/mix.lua`)."
            " Median (min–max) over the rounds; latency from wrk.",
            "",
            "| configuration | req/s | × SQLite | p50 ms | p99 ms | bad answers |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for label, runs in mix.items():
            rps = [x.rps for x in runs]
            lines.append(
                f"| {label} | {spread(rps)} | {statistics.median(rps) / base:.2f} | "
                f"{spread([x.p50_ms for x in runs], '{:.1f}')} | {spread([x.p99_ms for x in runs], '{:.1f}')} | "
                f"{sum(x.bad for x in runs)} |"
            )
        lines.append("")
    if delivery is not None:
        lines += [
            "## (c) Notification throughput, PostgreSQL, 2 workers",
            "",
            f"{args.notify_boxes} boxes with a subscription each (local HTTPS receiver), {args.notify_writes} objects"
            " deposited in each over HTTP (concurrently, one connection per box); from the first deposit to the last"
            " event received.",
            "",
            "| events | notifications (POSTs) | seconds | events/s | notifications/s | deposits/s | exactly once |",
            "|---:|---:|---:|---:|---:|---:|---|",
            f"| {delivery.events} | {delivery.notifications} | {delivery.seconds:.1f} |"
            f" {delivery.events / delivery.seconds:.0f} | {delivery.notifications / delivery.seconds:.0f} |"
            f" {delivery.writes_s:.0f} | {'yes' if delivery.exactly_once else 'NO: ' + '; '.join(delivery.problems)} |",
            "",
        ]
    sizes = args.sizes
    stores = ["SQLite", "PostgreSQL"]
    lines += [
        "## (b) Search latency",
        "",
        f"One box of n objects (the box of `bench_search.py`), `maxEntries: 100`, {args.runs} timed runs per query"
        " after one warm-up. p50 / p99 (nearest rank) ms of `search_objects` (the batch and its `Object` models:"
        " what the server waits for), and in brackets the p50 of the engine alone (`refstore.search.search`: the"
        " SQL of the batch). Growth: p50 at 10× the objects / p50 at the size before, store / engine; a search"
        " that grows no faster than the data stays at or below 10×.",
        "",
        "| store | " + " | ".join(f"{n:,} load s" for n in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for s in stores:
        lines.append(f"| {s} | " + " | ".join(f"{loads[s, n]:.0f}" if (s, n) in loads else "-" for n in sizes) + " |")
    lines.append("")
    pairs = list(itertools.pairwise(sizes))
    header = "| search | store | " + " | ".join(f"{n:,}: p50 / p99 (engine)" for n in sizes)
    header += "".join(f" | ×{b // a}: store / engine" for a, b in pairs) + " | min–max at largest |"
    lines += [header, "|---|---|" + "---:|" * (len(sizes) + len(pairs) + 1)]
    worst: dict[str, tuple[float, str]] = {}
    for label in bs.criteria(sizes[0]):
        for s in stores:
            cells = []
            for n in sizes:
                t = results.get((s, n), {}).get(label)
                cells.append(f"{t.p50:.2f} / {t.p99:.2f} ({t.engine:.2f})" if t else "-")
            growths = []
            for a, b in pairs:
                ta, tb = results.get((s, a), {}).get(label), results.get((s, b), {}).get(label)
                if ta and tb:
                    g = tb.engine / max(ta.engine, 1e-6)
                    growths.append(f"{tb.p50 / max(ta.p50, 1e-6):.1f}× / {g:.1f}×")
                    if b == sizes[-1] and (s not in worst or g > worst[s][0]):
                        worst[s] = (g, label)
                else:
                    growths.append("-")
            largest = next((results[s, n][label] for n in reversed(sizes) if (s, n) in results), None)
            extent = f"{largest.low:.2f}–{largest.high:.2f}" if largest else "-"
            lines.append(f"| {label} | {s} | " + " | ".join(cells + growths) + f" | {extent} |")
    lines.append("")
    for s, (g, label) in worst.items():
        lines.append(f"- {s}: the largest engine growth into {sizes[-1]:,} objects: {g:.1f}× ({label}).")
    lines.append("")
    if plans:
        lines += [f"## PostgreSQL query plans at {sizes[-1]:,} objects (`EXPLAIN`)", ""]
        for label, plan in plans.items():
            lines += [f"### {label}", "", "```", *plan, "```", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--sqlite-max", type=int, default=10**9, help="largest size also run on SQLite")
    parser.add_argument("--runs", type=int, default=25, help="timed runs per search")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per configuration")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--notify-boxes", type=int, default=20)
    parser.add_argument("--notify-writes", type=int, default=50, help="objects deposited per box")
    parser.add_argument("--skip", nargs="*", default=[], choices=["mix", "notify", "search"])
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results-stores.md")
    args = parser.parse_args()
    if not pg_available() or shutil.which("wrk") is None:
        raise SystemExit("needs PostgreSQL's initdb and pg_ctl (Debian: postgresql) and wrk")
    WORK.mkdir(parents=True, exist_ok=True)
    keys = Keys()
    keys_dir = Path(tempfile.mkdtemp(prefix="stores-", dir=WORK))
    write_keys(keys, keys_dir)
    cluster = Cluster(durable=True)
    cluster.start()
    try:
        cluster.wait_ready()
        mix = http_mix(cluster, keys, keys_dir, args) if "mix" not in args.skip else {}
        delivery = notifications(cluster, keys, keys_dir, args) if "notify" not in args.skip else None
        if "notify" not in args.skip:
            log(f"  notify: {delivery}")
        results, loads, plans = searches(cluster, args) if "search" not in args.skip else ({}, {}, {})
    finally:
        cluster.destroy()
        shutil.rmtree(keys_dir, ignore_errors=True)
    text = report(args, mix, results, loads, plans, delivery)
    args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
