"""Where a cold ``nmsgen generate`` spends its CPU (issue 14): the budget behind the cold goal.

``bench_speed.py`` times a cold run as users see it (two cores, forked children). This script asks what the
work is: each run is a new process that generates ``spec/`` into an empty folder with an empty cache
(``NMSGEN_CACHE_DIR``), with every background child's work done in the process itself when its result is
asked for (``background.start`` made inline: the same work, in the same order of need, none of it
overlapped), so the CPU of this process (and of ruff, its only child) is all of it. Each stage's CPU is
exclusive (the stages it calls are counted as themselves); the work done for the change request's other
side (its check, files and verdict) is counted apart. Usage (from the repository root):

    .venv/bin/python benchmarks/cold_budget.py --runs 5

The report goes to stdout and ``benchmarks/results-cold-budget.md`` (``--out``). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_generate import CHILD_ENV, REPO, git_state, load_average

DEFAULT_OUT = REPO / "benchmarks" / "results-cold-budget.md"
START = "start-up and imports (CLI and pipeline)"
REST = "the rest (the steps between the stages)"
OTHER = "the other side: "  # the prefix of the work done for the change request's other side
# (module, function, stage): the functions whose calls are timed; a module attribute, looked up when called
STAGES = [
    ("generator.incremental.manifest", "inputs", "inputs: hashes and the tests' clause markers"),
    ("generator.pipeline", "preload", "preload: templates compiled, validators imported"),
    ("generator.pipeline", "check", "check: load, overlay, parse, build, validate, the document"),
    ("generator.checks.verify", "_openapi_verdict", "the document's verdict (openapi-spec-validator)"),
    ("generator.checks.verify", "example_errors", "the examples against their schemas"),
    ("generator.emit.openapi", "emit", "the document's texts (JSON, YAML)"),
    ("generator.emit.models", "sources", "the models (datamodel-code-generator)"),
    ("generator.emit.models", "generate_models", "the models (datamodel-code-generator)"),  # started before sources
    ("generator.pipeline", "code", "store, auth, server, clients, kit (ruff, scans)"),
    ("generator.emit.openapi_3gpp", "emit", "the 3GPP profile"),
    ("generator.pipeline", "trace_matrix", "the traceability matrix"),
    ("generator.reports.trace", "emit", "the matrix's files"),
    ("generator.reports.docs", "emit", "the docs page"),
    ("generator.reports.diff", "diff", "the impact report's diff"),
    ("generator.pipeline", "with_manifest", "the manifest and the write"),
    ("generator.pipeline", "write", "the manifest and the write"),
]


def _cpu() -> float:
    """CPU seconds of this process and of the children it waited for (ruff; in clock ticks)."""
    t = os.times()
    return time.process_time() + t.children_user + t.children_system


def one_run(out: Path) -> dict[str, float]:
    """In this process (a fresh one): generate ``spec/`` into ``out``; each stage's exclusive CPU seconds."""
    started = _cpu()
    from generator import cli, pipeline  # noqa: F401, PLC0415  # counted as start-up
    from generator.incremental import background  # noqa: PLC0415

    cpu: dict[str, float] = {START: _cpu() - started}
    stack: list[list[Any]] = []  # [stage, started, CPU of the stages it called]

    def timed(fn: Callable[..., Any], stage: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            side = OTHER if any(s[0] == OTHER for s in stack) else ""
            stack.append([stage if stage == OTHER else side + stage, _cpu(), 0.0])
            try:
                return fn(*args, **kwargs)
            finally:
                name, begun, inner = stack.pop()
                spent = _cpu() - begun
                cpu[name] = cpu.get(name, 0.0) + spent - inner
                if stack:
                    stack[-1][2] += spent

        return call

    def inline(fn: Callable[[], Any], pickled: bool = False) -> Callable[[], Any]:
        return background._inline(fn)  # the work done when asked for, in this process

    background.start = inline
    for module_name, name, stage in STAGES:
        module = importlib.import_module(module_name)
        setattr(module, name, timed(getattr(module, name), stage))
    pipeline._other_side = timed(pipeline._other_side, OTHER)
    result = pipeline.generate(REPO / "spec", out, tests=REPO / "tests")
    assert result.ok and not result.diagnostics.has_errors, "spec/ does not generate"
    cpu["total"] = _cpu() - started
    cpu[OTHER + REST] = cpu.pop(OTHER, 0.0)
    cpu[REST] = cpu["total"] - sum(v for k, v in cpu.items() if k != "total")
    return cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # a child: one run into this folder
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(one_run(args.one)))
        return
    runs: list[dict[str, float]] = []
    load_before = load_average()
    for i in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="nmsgen-budget-") as tmp:
            env = {**CHILD_ENV, "NMSGEN_CACHE_DIR": str(Path(tmp) / "cache")}
            done = subprocess.run(
                [sys.executable, __file__, "--one", str(Path(tmp) / "out")],
                env=env,
                cwd=REPO,
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(done.stdout.splitlines()[-1]))
            print(f"run {i + 1}: {runs[-1]['total']:.2f} s of CPU", file=sys.stderr)
    report = render(runs, load_before, load_average())
    print(report)
    args.out.write_text(report)


def render(runs: list[dict[str, float]], load_before: str, load_after: str) -> str:
    order = [START, *dict.fromkeys(stage for _, _, stage in STAGES), REST]
    stages = [k for k in [*order, *(OTHER + k for k in order)] if any(k in r for r in runs)]
    median = {k: statistics.median(r.get(k, 0.0) for r in runs) for k in [*stages, "total"]}
    total = median["total"]
    lines = [
        "# The CPU of a cold `nmsgen generate` (issue 14)",
        "",
        f"Produced by `benchmarks/cold_budget.py --runs {len(runs)}`: `spec/` into an empty folder with an empty "
        "cache, in one process (every background child's work done inline, when its result is asked for); each "
        "stage's CPU seconds, exclusive of the stages it calls, median of the runs. See benchmarks/README.md.",
        "",
        "| stage | CPU s | share |",
        "|---|---:|---:|",
        *(f"| {k} | {median[k]:.3f} | {median[k] / total:.0%} |" for k in stages),
        f"| **total** (min {min(r['total'] for r in runs):.2f}, max {max(r['total'] for r in runs):.2f}) "
        f"| **{total:.3f}** | 100% |",
        "",
        f"The other side of the change request: {sum(median[k] for k in stages if k.startswith(OTHER)):.3f} s "
        "of the total. Half the total (two cores, nothing serial, nothing done twice): "
        f"{total / 2:.2f} s.",
        "",
        f"- nmsgen {git_state()}",
        f"- date (UTC): {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())}",
        f"- Python {sys.version.split()[0]}; load average at start {load_before}, at end {load_after}",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
