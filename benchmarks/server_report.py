"""The Markdown report of ``bench_server.py``: what one load run measured (:class:`LoadSample`), the
environment it ran in, and the tables and notes of ``results-server.md``."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata, util
from pathlib import Path
from typing import Protocol

HOST = "127.0.0.1"  # loopback only
STORE_NAME = "myStore"
SATURATED_PERCENT = 90  # server CPU busy below this: the load generator, not the server, set the pace


@dataclass(frozen=True)
class Config:
    key: str
    label: str
    app: str  # "generated" or "bare"
    tls: bool


@dataclass
class LoadSample:
    requests: int
    duration_s: float
    non200: int
    statuses: str
    socket_errors: int
    timeouts: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    server_cpu_s: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0


class Measured(Protocol):
    """What the report reads of a server that was measured."""

    @property
    def config(self) -> Config: ...

    @property
    def warmup(self) -> LoadSample | None: ...

    @property
    def samples(self) -> list[LoadSample]: ...


def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def git_state(repo: Path) -> str:
    def git(*a: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *a], cwd=repo, capture_output=True, text=True, check=False)

    head = git("rev-parse", "--short", "HEAD")
    if head.returncode != 0:
        return "not a git checkout"
    paths = ["generated", "refstore", "generator", "spec", "templates", "pyproject.toml"]
    dirty = git("status", "--porcelain", "--", *paths)
    if not dirty.stdout.strip():
        return f"commit {head.stdout.strip()} (clean)"
    diff = git("diff", "HEAD", "--", *paths).stdout.encode()
    return (
        f"commit {head.stdout.strip()} with uncommitted changes in {', '.join(paths)} "
        f"(`git diff HEAD` of those: sha256 {hashlib.sha256(diff).hexdigest()[:16]}…)"
    )


def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def environment(
    args: argparse.Namespace, client: str, cpus: tuple[int | None, int | None], repo: Path
) -> dict[str, str]:
    cpu_model = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu_model = found.group(1).strip() if found else "?"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if client == "wrk":
        wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
        first = (wrk.stdout + wrk.stderr).splitlines()[0].split(" Copyright")[0].strip()
        loadgen = f"{first}, {args.client_threads} thread(s), on PATH at {shutil.which('wrk')}"
    else:
        loadgen = f"Python httpx {version('httpx')} closed-loop client (wrk not found on PATH)"
    server_cpu, client_cpu = cpus  # bench_server.cpu_plan: where the servers and the load generator run
    pinning = (
        f"server processes on CPU {server_cpu}, load generator on CPU {client_cpu}"
        if server_cpu is not None
        else "none (fewer than 2 usable CPUs, or --no-pin)"
    )
    loop = "uvloop" if util.find_spec("uvloop") else "asyncio"
    http = "httptools" if util.find_spec("httptools") else "h11"
    return {
        "date (UTC)": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "nmsgen": f"{version('nmsgen')}, {git_state(repo)}",
        "Python": f"{platform.python_version()} ({sys.executable})",
        "server stack": (
            f"uvicorn {version('uvicorn')} (event loop {loop}, HTTP parser {http}; 1 worker, access log off), "
            f"FastAPI {version('fastapi')}, Starlette {version('starlette')}, pydantic {version('pydantic')}"
        ),
        "token stack": f"PyJWT {version('PyJWT')}, cryptography {version('cryptography')}",
        "SQLite": sqlite3.sqlite_version,
        "load generator": loadgen,
        "CPUs": f"{os.cpu_count()} ({usable} usable), {cpu_model}",
        "CPU pinning": pinning,
        "OS": f"{platform.system()} {platform.release()} {platform.machine()}",
        "load average at start (1/5/15 min)": load_average(),
    }


def fmt_ratio(x: float) -> str:
    return f"{x:.1f}×" if x >= 10 else f"{x:.2f}×"


def report(
    servers: Sequence[Measured],
    validation: dict[str, list[float]],
    found: list[str],
    args: argparse.Namespace,
    env: dict[str, str],
    client: str,
    box_id: str,
) -> str:
    by_key = {srv.config.key: srv for srv in servers}
    med_rps = {k: statistics.median(x.rps for x in srv.samples) for k, srv in by_key.items()}
    base = med_rps["generated"]
    rows = []
    for srv in servers:
        rps = [x.rps for x in srv.samples]
        cpu_us = statistics.median(x.server_cpu_s / x.requests * 1e6 for x in srv.samples if x.requests)
        busy = statistics.median(x.server_cpu_s / x.duration_s * 100 for x in srv.samples)
        non200 = sum(x.non200 for x in srv.samples)
        errors = sum(x.socket_errors + x.timeouts for x in srv.samples)
        requests = sum(x.requests for x in srv.samples)
        ratio = "1× (baseline)" if srv.config.key == "generated" else fmt_ratio(med_rps[srv.config.key] / base)
        rows.append(
            f"| {srv.config.label} | {med_rps[srv.config.key]:,.0f} | {min(rps):,.0f} | {max(rps):,.0f} "
            f"| {1e6 / med_rps[srv.config.key]:,.0f} | {cpu_us:,.0f} | {busy:.0f} % "
            f"| {statistics.median(x.p50_ms for x in srv.samples):.2f} "
            f"| {statistics.median(x.p99_ms for x in srv.samples):.2f} | {ratio} | {requests:,} "
            f"| {non200} | {errors} |"
        )
    auth_us = statistics.median(validation["authorize"])
    ecdsa_us = statistics.median(validation["ecdsa"])
    per_req_a = 1e6 / base
    per_req_b = 1e6 / med_rps["bare"]
    gap = per_req_a - per_req_b
    bare_ratio = med_rps["bare"] / base
    all_non200 = sum(x.non200 for srv in servers for x in [*srv.samples, *([srv.warmup] if srv.warmup else [])])
    all_errors = sum(
        x.socket_errors + x.timeouts for srv in servers for x in [*srv.samples, *([srv.warmup] if srv.warmup else [])]
    )
    status_seen = " ".join(x.statuses for srv in servers for x in srv.samples if x.statuses).strip()
    cpu_a = statistics.median(x.server_cpu_s / x.requests * 1e6 for x in by_key["generated"].samples)
    rounds = f"{args.rounds} round{'s' if args.rounds != 1 else ''}"
    gap_text = (
        f" and {auth_us / gap * 100:.0f} % of the {gap:,.0f} µs per request that separate it from the bare route"
        if gap > 0
        else ""
    )
    headline = (
        f"The generated server serves **{1 / bare_ratio:.2f}× the requests per second** of the bare FastAPI "
        f"route ({base:,.0f} vs {med_rps['bare']:,.0f} req/s, medians of {rounds} of {args.duration:g} s, "
        f"plain HTTP; issue 14 asks for ≥ 0.85×). Validating the token costs **{auth_us:.0f} µs per request** "
        "in-process (every request carries the same token, so after the first one the verified-token cache "
        f"answers; a token not seen before also pays the ES256 signature check, at least {ecdsa_us:.0f} µs): "
        f"**{auth_us / per_req_a * 100:.0f} %** of the generated server's per-request time "
        f"(1 / {base:,.0f} req/s = {per_req_a:,.0f} µs){gap_text}."
    )
    if gap <= 0:
        split = "The generated server was not slower than the bare route in this run, so there is no gap to split."
    elif auth_us <= gap:
        split = (
            f"Token validation accounts for {auth_us:,.0f} µs of the {gap:,.0f} µs difference; the other "
            f"{gap - auth_us:,.0f} µs are what else the generated route does (Authorization header parsing, "
            "raw-path decoding, the root-wrapped body model, `json.dumps`) net of what only the bare route "
            "does (FastAPI's typed path parameters)."
        )
    else:
        split = (
            f"Token validation alone ({auth_us:,.0f} µs) is larger than the {gap:,.0f} µs difference: the rest "
            "of the generated route costs no more than the bare route's FastAPI parameter handling, within noise."
        )
    busy_by_key = {
        k: statistics.median(x.server_cpu_s / x.duration_s * 100 for x in srv.samples) for k, srv in by_key.items()
    }
    idle = [k for k, v in busy_by_key.items() if v < SATURATED_PERCENT]
    saturation = (
        f"**Warning:** server CPU busy below {SATURATED_PERCENT} % for {', '.join(idle)}: that server was not "
        "saturated (the load generator, or waiting, limited it), so its req/s understates it and 1 / req/s is not "
        "its service time; prefer the server CPU µs/request column, or use wrk."
        if idle
        else f"Every server was saturated (server CPU busy ≥ {SATURATED_PERCENT} % of one core in the median run)."
    )
    tls_text = ""
    if "generated-tls" in med_rps:
        tls_us = 1e6 / med_rps["generated-tls"] - per_req_a
        tls_text = (
            f" TLS is measured apart so it does not mask the difference (plain HTTP for both main rows); over "
            f"kept-alive TLS connections the generated server spends {tls_us:,.0f} µs more per request."
        )
    else:
        tls_text = " Both rows are plain HTTP, so TLS cost does not mask the difference."
    lines = [
        "# Generated server benchmark: GET of one stored object",
        "",
        headline,
        "",
        f"Responses: {'every response was 200' if all_non200 == 0 else f'**{all_non200} non-200 responses**'}"
        f"{'' if all_errors == 0 else f', **{all_errors} socket errors/timeouts**'} "
        f"(warm-up runs included){f'; statuses seen: {status_seen}' if status_seen else ''}. {saturation}",
        "",
        "| configuration | median req/s | min req/s | max req/s | µs/request (1 / median req/s) "
        "| server CPU µs/request (median) | server CPU busy (median) | latency p50 ms (median) "
        "| latency p99 ms (median) | req/s ÷ generated HTTP req/s | requests (timed) | non-200 | socket errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"Token validation in-process (no HTTP), median over the rounds of {args.validations:,} calls each:",
        "",
        "| call | µs per call (median) | min | max |",
        "|---|---:|---:|---:|",
        f'| `TokenValidator(settings).authorize(token, "GetObject", ("MCData-7",), "{box_id}")` (PyJWT, ES256; '
        "the token verified before: a cache hit) "
        f"| {auth_us:.1f} | {min(validation['authorize']):.1f} | {max(validation['authorize']):.1f} |",
        f"| a token not verified before pays at least: one ECDSA P-256/SHA-256 `verify` (cryptography) of its "
        "signature "
        f"| {ecdsa_us:.1f} | {min(validation['ecdsa']):.1f} | {max(validation['ecdsa']):.1f} |",
        "",
        f"Per request, the generated server spends {per_req_a:,.0f} µs and the bare route {per_req_b:,.0f} µs "
        f"(1 / median req/s; each server is one process kept busy by {args.connections} connections, so this is "
        f"its service time; by its CPU time the generated server spends {cpu_a:,.0f} µs per request, of which "
        f"token validation is {auth_us / cpu_a * 100:.0f} %). {split}{tls_text}",
        "",
        "## Checks before timing",
        "",
        *(f"- {line}" for line in found),
        "",
        "## Environment",
        "",
        *(f"- {k}: {v}" for k, v in env.items()),
        f"- load: {args.connections} concurrent keep-alive connections, closed loop, {args.duration:g} s per run, "
        f"{args.warmup:g} s warm-up per configuration (untimed), {args.rounds} rounds, configuration order "
        "rotated each round",
        f"- token validation: {args.validations:,} calls per round, in the benchmark process (on the servers' CPU "
        "when pinning)",
        "",
        "## Commands",
        "",
        "- the servers: `.venv/bin/python benchmarks/bench_server.py --serve {generated|bare} --db <tmp>/store.sqlite "
        "--port <free port> --keys-dir <tmp> [--serve-tls] --cpu <n>`",
    ]
    if client == "wrk":
        lines.append(
            f"- the load: `wrk -t {args.client_threads} -c {args.connections} -d {args.duration:g}s --timeout 10s "
            "-s benchmarks/.work/count-status.lua -H 'Authorization: Bearer <token>' "
            f"http://{HOST}:<port>/nms/v1/{STORE_NAME}/{box_id}/objects/<objectId>` "
            "(the Lua script counts non-200 responses)"
        )
    else:
        lines.append(
            f"- the load: `.venv/bin/python benchmarks/bench_server.py --load <url> --token <token> "
            f"--connections {args.connections} --seconds {args.duration:g}`"
        )
    return "\n".join(lines) + "\n"
