"""Where users wait (issue 14): `generate --check`, cold, warm and one-file-changed generation at 1x and 10x,
and token validation with and without the verified-token cache, each side by side with its yardstick.

1. ``nmsgen generate --check`` on the up-to-date ``generated/``, paired with the import floor
   ``python -c 'import click, jinja2, yaml'`` (and ``python -c pass``).
2. ``nmsgen generate`` on ``spec/`` (1x) and on a 10x model (``spec/`` plus 9 renamed replicas, built as
   ``bench_diff.py`` builds them), round-robin with OpenAPI Generator's python client on our document:
   * cold: an empty output folder and an empty cache (``NMSGEN_CACHE_DIR``);
   * warm cache: an empty output folder, the cache of earlier runs;
   * one file changed: the previous output folder and cache, after one operation summary of one model file
     was edited (a new text each run, so that what it touches is never cached).
3. Token validation in this process: ``TokenValidator.authorize`` on a token it has verified before (cache
   hit), with the cache off (``cache_size=0``: every call verifies), and the ECDSA P-256 verification alone.

Every process is timed by the wrapper of ``bench_generate.py`` (wall time, CPU of the process and its
children, peak RSS). Usage (from the repository root; ``pip install -e '.[test,bench]'``, Java for OpenAPI
Generator):

    .venv/bin/python benchmarks/bench_speed.py --runs 5

The report goes to stdout and ``benchmarks/results-speed.md`` (``--out``). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench_diff
from bench_generate import CHILD_ENV, DOCUMENT, LOGS, REPO, VENV_BIN, WRAPPER, environment, load_average

DEFAULT_OUT = REPO / "benchmarks" / "results-speed.md"
NMSGEN = str(VENV_BIN / "nmsgen")
GOALS = {  # issue 14, "Done when"
    "check": ("`generate --check` up to date / import floor", 4.0),
    "cold": ("cold generate / OpenAPI Generator python", 0.5),
    "growth": ("cold generate 10x / 1x", 10.0),
    "one10": ("one file changed at 10x, seconds", 2.5),
    "hit": ("token cache hit, µs", 15.0),
}


@dataclass
class Series:
    label: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)


def timed(argv: list[str], env: dict[str, str] | None = None, cwd: Path = REPO, ok: tuple[int, ...] = (0,)) -> Any:
    """One cold process through the wrapper: (wall s, CPU s, peak RSS MiB)."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / "speed-last.log"
    r = subprocess.run(
        [sys.executable, "-I", "-c", WRAPPER, str(log), *argv],
        cwd=cwd, env={**CHILD_ENV, **(env or {})}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    data = json.loads(r.stdout)
    if data["rc"] not in ok:
        sys.exit(f"bench_speed: {' '.join(argv)} exited {data['rc']}:\n{log.read_text(errors='replace')[-3000:]}")
    return data["wall"], data["cpu"], data["maxrss_kib"] / 1024


def record(series: Series, sample: tuple[float, float, float]) -> None:
    series.wall.append(sample[0])
    series.cpu.append(sample[1])
    series.rss_mib.append(sample[2])
    print(f"  {series.label:<58} {sample[0]:7.3f} s", file=sys.stderr, flush=True)


def scaled_model(scale: int, dst: Path) -> Path:
    """``spec/`` plus ``scale - 1`` replicas (bench_diff.py's); a replica of a provisional clause becomes
    informative, since it is listed by no open point."""
    bench_diff.build(scale, dst, old=False)
    for path in sorted(dst.glob("replica-*.yaml")):
        data = yaml.safe_load(path.read_text())
        for c in data.get("clauses", []):
            if c.get("kind") == "provisional":
                c["kind"] = "informative"
                c.pop("derived_from", None)
        path.write_text(yaml.safe_dump(data, sort_keys=False, width=120))
    return dst


SUMMARY = re.compile(r"^(\s*summary: )(.*?)( \(edit \d+\))?$", re.MULTILINE)


def edit_one_file(path: Path, n: int) -> None:
    """A new text for the first operation summary of ``path``."""
    text = path.read_text()
    path.write_text(SUMMARY.sub(lambda m: f"{m.group(1)}{m.group(2)} (edit {n})", text, count=1))


def rounds(runs: int, steps: list[Callable[[int], None]]) -> None:
    """Round-robin, order rotated each round."""
    for i in range(runs):
        k = i % len(steps)
        for step in steps[k:] + steps[:k]:
            step(i)


# ------------------------------------------------------------------------------------------ measures


def bench_check(runs: int) -> list[Series]:
    check = subprocess.run([NMSGEN, "generate", "--check"], cwd=REPO, capture_output=True, text=True, check=False)
    if check.returncode != 0:
        sys.exit(f"bench_speed: generated/ is not up to date:\n{check.stderr}")
    series = [
        Series("python -c pass"),
        Series("import floor: python -c 'import click, jinja2, yaml'"),
        Series("nmsgen generate --check (up to date)"),
    ]
    argvs = [
        [sys.executable, "-c", "pass"],
        [sys.executable, "-c", "import click, jinja2, yaml"],
        [NMSGEN, "generate", "--check"],
    ]

    def step(s: Series, a: list[str]) -> Callable[[int], None]:
        return lambda i: record(s, timed(a))

    steps = [step(s, a) for s, a in zip(series, argvs, strict=True)]
    rounds(runs, steps)
    return series


def bench_generate(runs: int, work: Path, scales: list[int]) -> dict[str, Series]:
    out: dict[str, Series] = {}
    steps: list[Callable[[int], None]] = []
    for scale in scales:
        spec = shutil.copytree(REPO / "spec", work / "spec-1") if scale == 1 else scaled_model(scale, work / "m10")
        edited = spec / "resources" / "objects.yaml" if scale == 1 else spec / "replica-005.yaml"
        warm_cache, kept = work / f"cache-{scale}", work / f"kept-{scale}"
        # untimed: proves the run works, warms the OS file cache and the warm cache, makes the kept folder
        warm_env = {**CHILD_ENV, "NMSGEN_CACHE_DIR": str(warm_cache)}
        argv = [NMSGEN, "generate", "-q", "--spec", str(spec), "--out", str(kept)]
        subprocess.run(argv, cwd=REPO, env=warm_env, check=True, capture_output=True)
        cold = out[f"cold{scale}"] = Series(f"{scale}x cold (empty output folder, empty cache)")
        warm = out[f"warm{scale}"] = Series(f"{scale}x warm cache (empty output folder)")
        one = out[f"one{scale}"] = Series(f"{scale}x one file changed ({edited.name}: a summary)")

        def run_cold(i: int, spec: Path = spec, cold: Series = cold, scale: int = scale) -> None:
            folder = work / f"cold-{scale}-{i}"
            record(cold, timed([NMSGEN, "generate", "-q", "--spec", str(spec), "--out", str(folder / "out")],
                               {"NMSGEN_CACHE_DIR": str(folder / "cache")}))  # fmt: skip
            shutil.rmtree(folder)

        def run_warm(i: int, spec: Path = spec, warm: Series = warm, scale: int = scale) -> None:
            folder = work / f"warm-{scale}-{i}"
            record(warm, timed([NMSGEN, "generate", "-q", "--spec", str(spec), "--out", str(folder)],
                               {"NMSGEN_CACHE_DIR": str(work / f"cache-{scale}")}))  # fmt: skip
            shutil.rmtree(folder)

        def run_one(i: int, spec: Path = spec, one: Series = one, scale: int = scale, edited: Path = edited) -> None:
            edit_one_file(edited, time.time_ns())
            record(one, timed([NMSGEN, "generate", "-q", "--spec", str(spec), "--out", str(work / f"kept-{scale}")],
                              {"NMSGEN_CACHE_DIR": str(work / f"cache-{scale}")}))  # fmt: skip

        steps += [run_cold, run_warm, run_one]
    peer = out["og"] = Series("OpenAPI Generator 7.26.0 `-g python` on generated/openapi/openapi.json (cold)")

    def run_peer(i: int) -> None:
        folder = work / f"og-{i}"
        record(peer, timed([str(VENV_BIN / "openapi-generator-cli"), "generate", "-i", str(DOCUMENT), "-g",
                            "python", "-o", str(folder)]))  # fmt: skip
        shutil.rmtree(folder)

    run_peer(-1)  # untimed probe: the JVM's files in the OS cache, as for the others
    for values in (peer.wall, peer.cpu, peer.rss_mib):
        values.clear()
    rounds(runs, [*steps, run_peer])
    return out


def bench_tokens(rounds_: int, calls: int) -> dict[str, list[float]]:
    """µs per call, one value per round: cache hit, cache off, ECDSA verification alone."""
    from cryptography.hazmat.primitives import hashes  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature  # noqa: PLC0415
    from jwt.utils import base64url_decode  # noqa: PLC0415

    from mcdata_store.auth import TokenValidator  # noqa: PLC0415
    from tests.support import ALICE, Keys, user_token  # noqa: PLC0415

    keys = Keys()
    settings = keys.settings()
    token = user_token(keys, ALICE)
    cached, uncached = TokenValidator(settings), TokenValidator(settings, cache_size=0)
    signing_input, _, signature = token.rpartition(".")
    raw = base64url_decode(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public, data = keys.ec.public_key(), signing_input.encode()
    timers: dict[str, Callable[[], object]] = {
        "hit": lambda: cached.authorize(token, "GetObject", ("MCData-7",), ALICE),
        "miss": lambda: uncached.authorize(token, "GetObject", ("MCData-7",), ALICE),
        "ecdsa": lambda: public.verify(der, data, ec.ECDSA(hashes.SHA256())),
    }
    for fn in timers.values():
        fn()  # accepted, and the cache holds the token
    out: dict[str, list[float]] = {k: [] for k in timers}
    for i in range(rounds_):
        order = list(timers)[i % 3 :] + list(timers)[: i % 3]
        for name in order:
            n = calls if name == "hit" else max(calls // 20, 50)
            t0 = time.perf_counter()
            for _ in range(n):
                timers[name]()
            out[name].append((time.perf_counter() - t0) / n * 1e6)
    return out


# ------------------------------------------------------------------------------------------ report


def row(s: Series, base: float | None = None) -> str:
    ratio = f"{s.median / base:.2f}×" if base else ""
    return (
        f"| {s.label} | {s.median:.3f} | {min(s.wall):.3f} | {max(s.wall):.3f} | {statistics.median(s.cpu):.2f} "
        f"| {max(s.rss_mib):.0f} | {ratio} |"
    )


def met(value: float, goal: float) -> str:
    return "met" if value <= goal else "**not met**"


def report(
    env: dict[str, str], runs: int, check: list[Series], gen: dict[str, Series], tokens: dict[str, list[float]]
) -> str:
    head = (
        "| what | median s | min s | max s | CPU s (median) | peak RSS MiB | ratio |\n"
        "|---|---:|---:|---:|---:|---:|---:|"
    )
    floor = check[1].median
    og = gen["og"].median
    lines = [
        "# Speed where users wait (issue 14)",
        "",
        f"Produced by `benchmarks/bench_speed.py --runs {runs}`: cold processes, round-robin, medians "
        "(min/max beside); CPU counts the process and its children (ruff, the forked verdict). "
        "See benchmarks/README.md.",
        "",
        "## Goals",
        "",
        "| goal | measured | target | |",
        "|---|---:|---:|---|",
    ]
    ratios = {
        "check": check[2].median / floor,
        "cold": gen["cold1"].median / og,
        "growth": gen["cold10"].median / gen["cold1"].median if "cold10" in gen else float("nan"),
        "one10": gen["one10"].median if "one10" in gen else float("nan"),
        "hit": statistics.median(tokens["hit"]),
    }
    for key, (what, goal) in GOALS.items():
        lines.append(f"| {what} | {ratios[key]:.2f} | ≤ {goal:g} | {met(ratios[key], goal)} |")
    lines += [
        "",
        "## `generate --check`, nothing changed, against the import floor",
        "",
        head,
        *(row(s, floor) for s in check),
        "",
        "## Generation, 1x and 10x, beside OpenAPI Generator",
        "",
        "Ratios: to OpenAPI Generator's median. Growth (10x / 1x): "
        + ", ".join(
            f"{mode} {gen[f'{mode}10'].median / gen[f'{mode}1'].median:.1f}×"
            for mode in ("cold", "warm", "one")
            if f"{mode}10" in gen
        )
        + ".",
        "",
        head,
        *(row(s, og) for s in gen.values()),
        "",
        "## Token validation (in process, µs per call)",
        "",
        "| what | median µs | min µs | max µs | ratio to the cache hit |",
        "|---|---:|---:|---:|---:|",
    ]
    hit = statistics.median(tokens["hit"])
    names = {
        "hit": "authorize, token verified before (cache hit)",
        "miss": "authorize, cache off (signature and claims every call)",
        "ecdsa": "ECDSA P-256/SHA-256 verify alone (the floor of a miss)",
    }
    for k, label in names.items():
        v = tokens[k]
        lines.append(f"| {label} | {statistics.median(v):.1f} | {min(v):.1f} | {max(v):.1f} | "
                     f"{statistics.median(v) / hit:.1f}× |")  # fmt: skip
    lines += ["", "## Environment", "", *(f"- {k}: {v}" for k, v in env.items())]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="timed runs of each process (default 5)")
    ap.add_argument("--check-runs", type=int, default=15, help="timed runs of the --check pairs (default 15)")
    ap.add_argument("--scales", default="1,10", help="model scales to generate (default 1,10)")
    ap.add_argument("--token-rounds", type=int, default=7)
    ap.add_argument("--token-calls", type=int, default=20000, help="cache hits per round (misses: 1/20)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    a = ap.parse_args()
    env = environment()
    tokens = bench_tokens(a.token_rounds, a.token_calls)
    check = bench_check(a.check_runs)
    with tempfile.TemporaryDirectory(prefix="nmsgen-bench-speed-") as tmp:
        gen = bench_generate(a.runs, Path(tmp), [int(s) for s in a.scales.split(",")])
    env["load average at end"] = load_average()
    text = report(env, a.runs, check, gen, tokens)
    a.out.write_text(text, encoding="utf-8")
    print(text, end="")


if __name__ == "__main__":
    main()
