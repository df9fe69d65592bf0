"""Time ``nmsgen diff`` on the full model and on synthetic models 10x and 100x larger.

A scaled model is ``spec/`` plus N-1 replicas of its clauses, types, enumerations and resources under new
names (``Object`` -> ``ObjectX3``, ``R7`` -> ``R307``, ``CreateObject`` -> ``CreateObjectX3``, clause
``OMA-NMS-6.2`` -> ``OMA-NMS-6.2-x3``, paths under ``/x3``), one file per replica; the replicas cite the
original clauses and use the original types, so every replica is valid on its own. OLD is the scaled model
with one change per replica (an optional field removed from its ``Object``, one operation summary edited,
one enumeration value added), NEW the scaled model, so the report grows with the model too.

Each measurement is a cold ``nmsgen diff OLD NEW`` process (wall time by ``perf_counter`` around it, peak
RSS of the child), ``--runs`` times; ``--no-files`` (compare the models only) and the default (also
generate both sides to name the generated files and store methods) are timed separately.

Usage (from the repository root):

    .venv/bin/python benchmarks/bench_diff.py --runs 3

The report goes to stdout and ``benchmarks/results-diff.md`` (``--out``). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "spec"
NMSGEN = [sys.executable, "-m", "generator"]
DEFAULT_OUT = REPO / "benchmarks" / "results-diff.md"


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _rename_type(name: str, names: set[str], k: int) -> str:
    return f"{name}X{k}" if name in names else name


def _rid(rid: str, k: int) -> str:
    return f"R{k * 100 + int(re.sub(r'[^0-9]', '', rid) or 0)}"


def replica(files: list[dict[str, Any]], k: int) -> dict[str, Any]:
    """Copy k of every clause, type, enumeration and resource, renamed so that nothing collides."""
    out: dict[str, Any] = {"clauses": [], "types": {}, "enums": {}, "resources": []}
    types = {n for f in files for n in f.get("types", {})} | {n for f in files for n in f.get("enums", {})}
    for f in files:
        for c in f.get("clauses", []):
            out["clauses"].append({**c, "id": f"{c['id']}-x{k}"})
        for name, e in f.get("enums", {}).items():
            out["enums"][f"{name}X{k}"] = copy.deepcopy(e)
        for name, t in f.get("types", {}).items():
            t2 = copy.deepcopy(t)
            if t2.get("root"):
                t2["root"] = f"{t2['root']}X{k}"
            for fld in t2.get("fields", {}).values():
                fld["type"] = _rename_type(fld["type"], types, k)
            out["types"][f"{name}X{k}"] = t2
        for r in f.get("resources", []):
            r2 = copy.deepcopy(r)
            r2["id"] = _rid(r["id"], k)
            if r2.get("kind", "server") == "server":  # a callback keeps its runtime expression
                r2["path"] = f"/x{k}{r2['path']}"
            for op in r2["operations"]:
                op["operation_id"] = f"{op['operation_id']}X{k}"
                op["callbacks"] = [_rid(c, k) for c in op.get("callbacks", [])]
            out["resources"].append(r2)
    return out


def mutate(rep: dict[str, Any], k: int) -> None:
    """The OLD side of replica k: differs from NEW by a removed optional field, a summary and an enum value."""
    obj = rep["types"].get(f"ObjectX{k}")
    if obj:
        optional = sorted(n for n, f in obj.get("fields", {}).items() if not f.get("required"))
        if optional:
            del obj["fields"][optional[-1]]
    if rep["resources"]:
        rep["resources"][0]["operations"][0]["summary"] += " (old)"
    enums = sorted(rep["enums"])
    if enums:
        rep["enums"][enums[0]]["values"] = rep["enums"][enums[0]]["values"][:-1]


def build(scale: int, dst: Path, old: bool) -> Path:
    shutil.copytree(SPEC, dst)
    shutil.rmtree(dst / "changes", ignore_errors=True)
    files = [_load(p) for p in sorted(SPEC.rglob("*.yaml")) if "changes" not in p.relative_to(SPEC).parts]
    for k in range(1, scale):
        rep = replica(files, k)
        if old:
            mutate(rep, k)
        (dst / f"replica-{k:03d}.yaml").write_text(yaml.safe_dump(rep, sort_keys=False, width=120))
    return dst


# The parent of one nmsgen process: its own RUSAGE_CHILDREN is that one process alone.
WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)\n"
    "w = time.perf_counter() - t\n"
    "sys.stderr.write(r.stderr[-3000:])\n"
    "print(w, r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def timed(args: list[str]) -> tuple[float, int, int]:
    """(wall seconds, exit status, peak RSS in MiB) of one cold nmsgen process."""
    r = subprocess.run(
        [sys.executable, "-I", "-c", WRAPPER, *args], cwd=REPO, capture_output=True, text=True, check=False
    )
    wall, status, rss = r.stdout.split()
    if int(status) not in (0, 1):
        sys.exit(f"nmsgen diff failed ({status}):\n{r.stderr}")
    return float(wall), int(status), int(rss) // 1024


def sizes(model: Path) -> str:
    sys.path.insert(0, str(REPO))
    from generator import pipeline  # noqa: PLC0415

    r = pipeline.check(model)
    assert r.model is not None, r.diagnostics.render()
    m = r.model
    return f"{len(m.clauses)} clauses, {len(m.types) + len(m.enums)} types+enums, {len(m.operations)} operations"


def stages(old_arg: str, new_arg: str) -> tuple[float, float, int]:
    """In this process: seconds to check both sides (load -> ... -> verify), seconds of the IR comparison
    alone, and the number of changes found."""
    sys.path.insert(0, str(REPO))
    from contextlib import ExitStack  # noqa: PLC0415

    from generator import pipeline  # noqa: PLC0415
    from generator.diagnostics import Diagnostics  # noqa: PLC0415
    from generator.frontend import sources  # noqa: PLC0415
    from generator.reports import diff as diffing  # noqa: PLC0415

    cwd = Path.cwd()
    os.chdir(REPO)
    try:
        with ExitStack() as stack:
            d = Diagnostics()
            a, b = sources.resolve(old_arg, stack, d), sources.resolve(new_arg, stack, d)
            assert a is not None and b is not None, d.render()
            t0 = time.perf_counter()
            ra = pipeline.check(a.spec, a.with_, a.without)
            rb = pipeline.check(b.spec, b.with_, b.without)
            t1 = time.perf_counter()
            assert ra.model is not None and rb.model is not None
            report = diffing.diff(ra.model, rb.model, old_arg, new_arg)
            t2 = time.perf_counter()
    finally:
        os.chdir(cwd)
    return t1 - t0, t2 - t1, len(report.changes)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scales", default="1,10,100")
    ap.add_argument("--full-max-scale", type=int, default=10, help="largest scale also timed without --no-files")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    a = ap.parse_args()
    rows = []
    inner: list[tuple[int, float, float, int]] = []
    with tempfile.TemporaryDirectory(prefix="nmsgen-bench-diff-") as tmp:
        for scale in [int(s) for s in a.scales.split(",")]:
            if scale == 1:  # the real model, OLD = before the seed change request
                old_arg, new_arg = "spec-ts24282_mcdata8", "spec"
                size = sizes(SPEC)
            else:
                old_arg = str(build(scale, Path(tmp) / f"old-{scale}", old=True))
                new_arg = str(build(scale, Path(tmp) / f"new-{scale}", old=False))
                size = sizes(Path(new_arg))
            check_s, compare_s, n = stages(old_arg, new_arg)
            inner.append((scale, check_s, compare_s, n))
            modes = [["--no-files"], []] if scale <= a.full_max_scale else [["--no-files"]]
            for mode in modes:
                runs = []
                for i in range(a.runs):
                    runs.append(timed([*NMSGEN, "diff", old_arg, new_arg, "--format", "json", *mode]))
                    print(f"scale {scale} {mode or 'files'} run {i + 1}: {runs[-1][0]:.2f} s", file=sys.stderr)
                walls = [w for w, _, _ in runs]
                rows.append((scale, size, "models only (--no-files)" if mode else "models + generated files",
                             statistics.median(walls), min(walls), max(walls), max(r for _, _, r in runs)))  # fmt: skip
    base = {mode: med for scale, _, mode, med, *_ in rows if scale == 1}
    lines = [
        "# `nmsgen diff`: time on the full model and on synthetic models 10x and 100x larger",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}, "
        f"{a.runs} cold runs each; median wall time (min-max). Produced by `benchmarks/bench_diff.py`.",
        "",
        "| scale | model (NEW) | what | median s | min-max s | x full model | peak RSS MiB |",
        "|---|---|---|---|---|---|---|",
    ]
    for scale, size, what, med, lo, hi, rss in rows:
        ratio = med / base[what] if what in base else float("nan")
        lines.append(f"| {scale}x | {size} | {what} | {med:.2f} | {lo:.2f}-{hi:.2f} | {ratio:.1f} | {rss} |")
    lines += [
        "",
        "Where the time goes (one in-process run per scale): checking both models (load, parse, build, validate,",
        "OpenAPI document, openapi-spec-validator) against the comparison of the two IRs alone.",
        "",
        "| scale | check both sides s | compare IRs s | changes found |",
        "|---|---|---|---|",
    ]
    lines += [f"| {sc}x | {c:.2f} | {d:.3f} | {n} |" for sc, c, d, n in inner]
    text = "\n".join(lines) + "\n"
    a.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
