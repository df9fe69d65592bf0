"""Requests per second of the generated server for GET of one stored object, next to a bare FastAPI route.

Configurations, each served by its own uvicorn process (1 worker, access log off) on 127.0.0.1, all reading
the same object of the same SQLite file (``refstore.SqliteStore``):

* ``generated``: ``create_app(SqliteStore(db), settings)``: routing, Bearer token validation (ES256),
  box check, store read in the threadpool, NMS JSON encoding. Plain HTTP.
* ``bare``: a hand-written FastAPI app with one route ``GET /nms/v1/{storeName}/{boxId}/objects/{objectId}``
  (a sync route, so FastAPI runs it in the threadpool as the generated server runs the store) calling the
  same ``SqliteStore.get_object(ctx, object_id)`` with a hand-made ``Context``, no auth, answering
  ``JSONResponse({"object": obj.to_wire()})``. Plain HTTP.
* ``generated-tls`` (``--tls``, on by default): ``generated`` over TLS, to show what TLS adds.

The load generator is a separate process: ``wrk`` (closed loop, ``--connections`` keep-alive connections,
``--duration`` seconds), or a Python httpx closed-loop client when wrk is missing. One warm-up run per
configuration, then ``--rounds`` rounds, each running every configuration once (order rotated each round).
Every round also times ``TokenValidator(settings).authorize(...)`` in-process: the per-request cost of
token validation.

Usage (from the repository root):

    .venv/bin/python benchmarks/bench_server.py --duration 10 --rounds 3

The Markdown report goes to stdout and to ``benchmarks/results-server.md`` (``--out``); the servers' logs
go to ``benchmarks/.work/logs/``. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import util
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
# The token keys and claims are the test suite's (tests/support.py), which lives next to the packages.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from fastapi import FastAPI, Request  # noqa: E402
from fastapi.responses import JSONResponse  # noqa: E402
from jwt.utils import base64url_decode, raw_to_der_signature  # noqa: E402
from server_report import HOST, STORE_NAME, Config, LoadSample, environment, load_average, report  # noqa: E402

from mcdata_store import models  # noqa: E402
from mcdata_store.auth import AuthSettings, TokenValidator  # noqa: E402
from mcdata_store.store import Context, Payload  # noqa: E402
from refstore import SqliteStore  # noqa: E402
from tests.support import ALICE, Keys, user_token  # noqa: E402

WORK = REPO / "benchmarks" / ".work"
LOGS = WORK / "logs"
DEFAULT_RESULTS = REPO / "benchmarks" / "results-server.md"
BOX_ID = ALICE
INTERFACES = ("MCData-7",)  # who may call GetObject (server.OPERATION_INTERFACES)
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

# A small multipart payload like the test suite's: a text part and a tiny binary part.
PAYLOAD = (
    b"--frontier\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-ID: <body@example.test>\r\n"
    b"\r\n"
    b"Meet at the north gate at 10:00\r\n"
    b"--frontier\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b"Content-Location: blob.bin\r\n"
    b"\r\n"
    b"\x00\x01\x02\x03binary\r\n"
    b"--frontier--\r\n"
)
PAYLOAD_TYPE = 'multipart/related; boundary="frontier"; type="text/plain"'

# wrk script: counts every response whose status is not 200 (per thread, summed in done()) and prints
# one JSON line with the totals and the latency percentiles (microseconds).
WRK_LUA = """\
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  non200 = 0
  statuses = ""
end
function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    if #statuses < 200 then statuses = statuses .. status .. " " end
  end
end
function done(summary, latency, requests)
  local bad, seen = 0, ""
  for _, t in ipairs(threads) do
    bad = bad + t:get("non200")
    seen = seen .. t:get("statuses")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_s": %.6f, "non200": %d, "statuses": "%s", ' ..
    '"socket_errors": %d, "timeouts": %d, "p50_ms": %.4f, "p90_ms": %.4f, "p99_ms": %.4f, ' ..
    '"mean_ms": %.4f, "max_ms": %.4f}\\n',
    summary.requests, summary.duration / 1e6, bad, seen, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3,
    latency.mean / 1e3, latency.max / 1e3))
end
"""

# Runs a program pinned to one CPU: argv = [cpu, program, args...].
PIN_EXEC = "import os, sys; os.sched_setaffinity(0, {int(sys.argv[1])}); os.execv(sys.argv[2], sys.argv[2:])"


CONFIGS = (
    Config(
        "generated",
        "generated server (route + ES256 token + box check + store read + NMS JSON), HTTP",
        "generated",
        False,
    ),
    Config("bare", "bare FastAPI route (same store read, no auth), HTTP", "bare", False),
    Config("generated-tls", "generated server, HTTPS (TLS, keep-alive)", "generated", True),
)


@dataclass
class Server:
    config: Config
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    base: str  # scheme://127.0.0.1:port
    warmup: LoadSample | None = None
    samples: list[LoadSample] = field(default_factory=list)
    probe_body: Any = None
    probe_bytes: int = 0

    @property
    def url(self) -> str:
        return f"{self.base}/nms/v1/{STORE_NAME}/{BOX_ID}/objects/"


@dataclass
class Setup:
    tmp: Path
    db: Path
    keys_dir: Path
    object_id: str
    token: str
    settings: AuthSettings
    cafile: Path | None


def fail(message: str) -> NoReturn:
    sys.exit(f"bench_server: {message}")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------ server side


def bare_app(store: SqliteStore) -> FastAPI:
    """The hand-written comparison: one route, the same store read, no auth, the same NMS JSON."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/nms/v1/{storeName}/{boxId}/objects/{objectId}")
    def get_object(storeName: str, boxId: str, objectId: str, request: Request) -> JSONResponse:
        base = str(request.base_url).rstrip("/")  # as the generated server builds resourceURLs
        box_url = f"{base}/nms/v1/{quote(storeName, safe='')}/{quote(boxId, safe='')}"
        ctx = Context(storeName, boxId, "MCData-7", boxId, box_url)
        obj = store.get_object(ctx, objectId)
        return JSONResponse({"object": obj.to_wire()})

    return app


def serve(app_kind: str, db: Path, port: int, keys_dir: Path, tls: bool, cpu: int | None) -> None:
    """The server process: one uvicorn, one worker, access log off, on 127.0.0.1."""
    import uvicorn  # noqa: PLC0415

    from mcdata_store.server import create_app  # noqa: PLC0415
    from nmsrun.serve import tls_context  # noqa: PLC0415

    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    store = SqliteStore(db)
    app = create_app(store, load_keys(keys_dir).settings()) if app_kind == "generated" else bare_app(store)
    config = uvicorn.Config(
        app, host=HOST, port=port, workers=1, log_level="warning", access_log=False, server_header=False
    )
    config.load()
    if tls:
        config.ssl = tls_context(keys_dir / "server.pem", keys_dir / "server.key")
    uvicorn.Server(config).run()
    store.close()


# ------------------------------------------------------------------------------------------ setup


def write_keys(keys: Keys, folder: Path) -> None:
    for name in ("ec", "other_ec", "rsa"):
        pem = getattr(keys, name).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        (folder / f"{name}.pem").write_bytes(pem)


def load_keys(folder: Path) -> Keys:
    def load(name: str) -> Any:
        return serialization.load_pem_private_key((folder / f"{name}.pem").read_bytes(), None)

    return Keys(ec=load("ec"), other_ec=load("other_ec"), rsa=load("rsa"))


def tls_files(folder: Path) -> Path | None:
    """A throwaway CA and a certificate for 127.0.0.1 (trustme, as tests/https_server.py); None if missing."""
    try:
        import trustme  # noqa: PLC0415
    except ImportError:
        return None
    ca = trustme.CA()
    cert = ca.issue_cert(HOST, "localhost")
    cert.private_key_and_cert_chain_pem.write_to_path(str(folder / "server.pem"))
    cert.private_key_pem.write_to_path(str(folder / "server.key"))
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    return folder / "ca.pem"


def seed(db: Path) -> str:
    """One box (alice) with one object and a small multipart payload; returns the object id."""
    store = SqliteStore(db)
    try:
        ctx = Context(STORE_NAME, BOX_ID, "MCData-7", BOX_ID, f"http://{HOST}/nms/v1/{STORE_NAME}/{quote(BOX_ID)}")
        body = models.Object.model_validate(
            {
                "attributes": {
                    "attribute": [
                        {"name": "Subject", "value": ["gate"]},
                        {"name": "From", "value": ["bob@example.test"]},
                        {"name": "To", "value": [ALICE]},
                    ]
                },
                "flags": {"flag": ["\\Seen"]},
                "correlationId": "corr-1",
            }
        )
        ref = store.create_object(ctx, body, Payload(PAYLOAD, PAYLOAD_TYPE))
        assert isinstance(ref, models.Reference)
        return ref.resourceURL.rsplit("/", 1)[1]
    finally:
        store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def cpu_plan(pin: bool) -> tuple[int | None, int | None]:
    """(server CPU, load generator CPU): two different CPUs when pinning and two are usable."""
    if not pin or not hasattr(os, "sched_getaffinity"):
        return None, None
    usable = sorted(os.sched_getaffinity(0))
    if len(usable) < 2:
        return None, None
    return usable[0], usable[1]


def start_server(config: Config, s: Setup, cpu: int | None) -> Server:
    port = free_port()
    log_path = LOGS / f"server-{config.key}.log"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--serve", config.app, "--db", str(s.db)]
    cmd += ["--port", str(port), "--keys-dir", str(s.keys_dir)]
    cmd += ["--serve-tls"] if config.tls else []
    cmd += ["--cpu", str(cpu)] if cpu is not None else []
    with log_path.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    scheme = "https" if config.tls else "http"
    return Server(config, port, proc, log_path, f"{scheme}://{HOST}:{port}")


def request(server: Server, s: Setup, token: str | None) -> tuple[int, bytes]:
    """One GET of the object (stdlib client; over TLS the certificate is verified against the test CA)."""
    conn: http.client.HTTPConnection
    if server.config.tls:
        assert s.cafile is not None
        ctx = ssl.create_default_context(cafile=str(s.cafile))
        conn = http.client.HTTPSConnection(HOST, server.port, context=ctx, timeout=10)
    else:
        conn = http.client.HTTPConnection(HOST, server.port, timeout=10)
    try:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        conn.request("GET", f"/nms/v1/{STORE_NAME}/{BOX_ID}/objects/{s.object_id}", headers=headers)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def wait_ready(server: Server, s: Setup, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            fail(f"{server.config.key} server exited with {server.process.returncode}; see {server.log}")
        try:
            status, body = request(server, s, s.token)
            if status != 200:
                fail(f"{server.config.key}: GET answered {status}: {body[:300]!r}")
            server.probe_body = json.loads(body.replace(server.base.encode(), b"<base>"))
            server.probe_bytes = len(body)
            return
        except OSError:
            if time.monotonic() > deadline:
                fail(f"{server.config.key} server did not answer within {timeout:.0f} s; see {server.log}")
            time.sleep(0.1)


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()  # uvicorn shuts down on SIGTERM
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


def checks(servers: list[Server], s: Setup) -> list[str]:
    """What the servers answer, proved before timing: same body; the generated one refuses no token."""
    lines = []
    bodies = {srv.config.key: srv.probe_body for srv in servers}
    ref = bodies["generated"]
    for srv in servers:
        same = "identical to" if srv.probe_body == ref else "DIFFERENT from"
        lines.append(
            f"`{srv.config.key}` with the token: 200, {srv.probe_bytes} bytes of JSON, {same} the generated "
            "server's body once parsed and with the base URL normalised"
        )
    for srv in servers:
        status, _ = request(srv, s, None)
        lines.append(f"`{srv.config.key}` without a token: {status}")
    obj = ref["object"]
    lines.append(
        f"the object: {len(obj.get('attributes', {}).get('attribute', []))} attributes, "
        f"{len(obj.get('payloadPart', []))} payload parts (multipart/related payload of {len(PAYLOAD)} bytes)"
    )
    return lines


# ------------------------------------------------------------------------------------------ load


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process and all its threads so far (Linux /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return float("nan")
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def pinned(argv: list[str], cpu: int | None) -> list[str]:
    if cpu is None:
        return argv
    return [sys.executable, "-I", "-c", PIN_EXEC, str(cpu), *argv]


def run_wrk(server: Server, s: Setup, seconds: float, args: argparse.Namespace, cpu: int | None) -> LoadSample:
    wrk = shutil.which("wrk")
    assert wrk is not None
    lua = WORK / "count-status.lua"
    lua.write_text(WRK_LUA)
    argv = [wrk, "-t", str(args.client_threads), "-c", str(args.connections), "-d", f"{seconds:g}s"]
    argv += ["--timeout", "10s", "-s", str(lua), "-H", f"Authorization: Bearer {s.token}", server.url + s.object_id]
    return run_load(pinned(argv, cpu), server, seconds)


def run_python_client(
    server: Server, s: Setup, seconds: float, args: argparse.Namespace, cpu: int | None
) -> LoadSample:
    argv = [sys.executable, str(Path(__file__).resolve()), "--load", server.url + s.object_id]
    argv += ["--token", s.token, "--connections", str(args.connections), "--seconds", f"{seconds:g}"]
    argv += ["--cafile", str(s.cafile)] if server.config.tls and s.cafile else []
    return run_load(pinned(argv, cpu), server, seconds)


def run_load(argv: list[str], server: Server, seconds: float) -> LoadSample:
    cpu0 = process_cpu_s(server.process.pid)
    r = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=seconds + 120, check=False)
    cpu1 = process_cpu_s(server.process.pid)
    found = re.search(r"^BENCH-JSON (.+)$", r.stdout, re.MULTILINE)
    if r.returncode != 0 or found is None:
        fail(f"load generator failed on {server.config.key} (exit {r.returncode}):\n{r.stdout}\n{r.stderr}")
    sample = LoadSample(**json.loads(found.group(1)))
    sample.server_cpu_s = cpu1 - cpu0
    return sample


def python_client(url: str, token: str, connections: int, seconds: float, cafile: str | None) -> None:
    """Fallback load generator: ``connections`` tasks, each one request at a time (closed loop), httpx."""
    import httpx  # noqa: PLC0415

    async def main() -> dict[str, Any]:
        verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=cafile) if cafile else True
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        latencies: list[float] = []
        bad: list[int] = []
        errors = 0
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(limits=limits, verify=verify, timeout=10) as client:
            start = time.perf_counter()
            stop = start + seconds

            async def worker() -> None:
                nonlocal errors
                while time.perf_counter() < stop:
                    t0 = time.perf_counter()
                    try:
                        r = await client.get(url, headers=headers)
                    except httpx.HTTPError:
                        errors += 1
                        continue
                    latencies.append(time.perf_counter() - t0)
                    if r.status_code != 200:
                        bad.append(r.status_code)

            await asyncio.gather(*(worker() for _ in range(connections)))
            elapsed = time.perf_counter() - start
        ms = sorted(x * 1e3 for x in latencies) or [0.0]

        def pct(p: float) -> float:
            return ms[min(len(ms) - 1, int(p / 100 * len(ms)))]

        return {
            "requests": len(latencies),
            "duration_s": elapsed,
            "non200": len(bad),
            "statuses": " ".join(str(x) for x in bad[:40]),
            "socket_errors": errors,
            "timeouts": 0,
            "p50_ms": pct(50),
            "p90_ms": pct(90),
            "p99_ms": pct(99),
            "mean_ms": statistics.fmean(ms),
            "max_ms": ms[-1],
        }

    print("BENCH-JSON " + json.dumps(asyncio.run(main())), flush=True)


# ------------------------------------------------------------------------------------------ token validation


def time_calls(fn: Callable[[], object], n: int) -> float:
    """Microseconds per call of ``fn``, over ``n`` calls."""
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n * 1e6


def validation_timers(s: Setup, keys: Keys) -> dict[str, Callable[[], object]]:
    validator = TokenValidator(s.settings)
    token = s.token

    def authorize() -> object:
        return validator.authorize(token, "GetObject", INTERFACES, BOX_ID)

    # The cryptographic floor: one ECDSA P-256/SHA-256 verification of the same token's signature.
    signing_input, _, signature = token.rpartition(".")
    der = raw_to_der_signature(base64url_decode(signature), ec.SECP256R1())
    public = keys.ec.public_key()
    data = signing_input.encode()

    def ecdsa() -> object:
        public.verify(der, data, ec.ECDSA(hashes.SHA256()))
        return None

    authorize()  # proves the token is accepted before timing
    return {"authorize": authorize, "ecdsa": ecdsa}


# ------------------------------------------------------------------------------------------ run


@contextmanager
def on_cpu(cpu: int | None) -> Iterator[None]:
    if cpu is None:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


@contextmanager
def servers_running(configs: list[Config], s: Setup, cpu: int | None) -> Iterator[list[Server]]:
    started: list[Server] = []
    try:
        for config in configs:
            started.append(start_server(config, s, cpu))
        for srv in started:
            wait_ready(srv, s)
        yield started
    finally:
        for srv in started:
            stop_server(srv)


def run_benchmark(
    args: argparse.Namespace, s: Setup, keys: Keys, configs: list[Config], client: str
) -> tuple[list[Server], dict[str, list[float]], list[str]]:
    server_cpu, client_cpu = cpu_plan(args.pin)
    load = run_wrk if client == "wrk" else run_python_client
    timers = validation_timers(s, keys)
    validation: dict[str, list[float]] = {name: [] for name in timers}
    with servers_running(configs, s, server_cpu) as servers:
        found = checks(servers, s)
        for srv in servers:
            log(f"warm-up: {srv.config.key} ({args.warmup:g} s) ...")
            srv.warmup = load(srv, s, args.warmup, args, client_cpu)
        for i in range(args.rounds):
            order = servers[i % len(servers) :] + servers[: i % len(servers)]
            for srv in order:
                sample = load(srv, s, args.duration, args, client_cpu)
                srv.samples.append(sample)
                log(
                    f"round {i + 1}/{args.rounds}: {srv.config.key:<14} {sample.rps:8.0f} req/s  "
                    f"p50 {sample.p50_ms:6.2f} ms  non-200 {sample.non200}"
                )
            with on_cpu(server_cpu):  # the servers' CPU (idle now), so the µs compare with theirs
                for name, fn in timers.items():
                    fn()
                    validation[name].append(time_calls(fn, args.validations))
            log(f"round {i + 1}/{args.rounds}: token validation {validation['authorize'][-1]:.1f} µs")
    return servers, validation, found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per timed run (default: 10)")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs per configuration (default: 3)")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per configuration (default: 3)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default: 16)")
    parser.add_argument("--client-threads", type=int, default=1, help="wrk threads (default: 1)")
    parser.add_argument(
        "--validations", type=int, default=2000, help="token validations timed per round (default: 2000)"
    )
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto", help="load generator")
    parser.add_argument("--no-tls", dest="tls", action="store_false", help="skip the generated-server-over-TLS row")
    parser.add_argument("--no-pin", dest="pin", action="store_false", help="do not pin server and client to CPUs")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_RESULTS, help="where to write the Markdown report (default: %(default)s)"
    )
    # internal: the server and the fallback client processes
    parser.add_argument("--serve", choices=["generated", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--serve-tls", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--keys-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cpu", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--load", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--cafile", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.serve:
        serve(args.serve, args.db, args.port, args.keys_dir, args.serve_tls, args.cpu)
        return
    if args.load:
        python_client(args.load, args.token, args.connections, args.seconds, args.cafile)
        return
    if args.rounds < 1 or args.duration <= 0 or args.warmup < 0 or args.connections < 1 or args.validations < 1:
        parser.error("--rounds, --duration, --connections and --validations must be positive")

    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    if client == "wrk" and not shutil.which("wrk"):
        fail("wrk not found on PATH (Debian: apt-get install -y wrk); or use --client python")
    if client == "python" and util.find_spec("httpx") is None:
        fail("neither wrk nor httpx is available: apt-get install -y wrk, or pip install -e '.[test]'")
    if client == "python":
        log("wrk not used: falling back to the Python httpx client (it may saturate before the servers do)")

    LOGS.mkdir(parents=True, exist_ok=True)
    env = environment(args, client, cpu_plan(args.pin), REPO)
    with tempfile.TemporaryDirectory(prefix="nmsgen-bench-server-") as tmp_name:
        tmp = Path(tmp_name)
        keys = Keys()
        write_keys(keys, tmp)
        cafile = tls_files(tmp)
        configs = [c for c in CONFIGS if not c.tls or (args.tls and cafile is not None)]
        if args.tls and cafile is None:
            log("trustme is not installed: the TLS row is skipped (pip install -e '.[test]')")
        db = tmp / "store.sqlite"
        object_id = seed(db)
        # Valid for the whole run (the test helper's default is 5 minutes).
        budget = (args.warmup + args.duration * args.rounds) * len(configs) + 600
        token = user_token(keys, ALICE, exp=int(time.time() + budget))
        s = Setup(tmp, db, tmp, object_id, token, keys.settings(), cafile)
        servers, validation, found = run_benchmark(args, s, keys, configs, client)
    env["load average at end"] = load_average()
    text = report(servers, validation, found, args, env, client, BOX_ID)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text, end="")


if __name__ == "__main__":
    main()
