"""Time ``nmsgen generate`` side by side with two OpenAPI code generators run on its output.

Each tool runs as a cold subprocess, ``--runs`` times, round-robin (run 1 of every tool, then run 2, ...),
each time into a fresh empty temporary folder. Every measurement goes through a tiny Python wrapper
process that starts the tool, waits for it and reports the wall time and ``getrusage(RUSAGE_CHILDREN)``
of that one tool, so the peak RSS belongs to that tool alone (for openapi-generator-cli: the Python
shim and the JVM it waits for).

Usage (from the repository root):

    .venv/bin/python benchmarks/bench_generate.py --runs 5

The Markdown report goes to stdout and to ``benchmarks/results.md`` (``--out``); the tools' own output
goes to ``benchmarks/.work/logs/``. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import NoReturn

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "benchmarks" / ".work"
LOGS = WORK / "logs"
SPEC = REPO / "spec"
DOCUMENT = REPO / "generated" / "openapi" / "openapi.json"
DEFAULT_RESULTS = REPO / "benchmarks" / "results.md"
# The tools are the console scripts of the venv that runs this file (not whatever is first on PATH).
VENV_BIN = Path(sys.executable).parent
INSTALL_HINT = "pip install -e '.[bench]'"
# The tools run as after a normal install: Python may cache bytecode (the probe run writes nmsgen's own
# generator/__pycache__, as pip already did for the installed packages), whatever this shell says.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

# Run by ``python -I -c`` as the parent of one tool: argv = [log file, tool argv...].
# Prints one JSON line; ru_maxrss is in KiB on Linux and covers only this wrapper's descendants.
WRAPPER = """\
import json, resource, subprocess, sys, time
with open(sys.argv[1], "wb") as log:
    t0 = time.perf_counter()
    rc = subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT).returncode
    wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "maxrss_kib": ru.ru_maxrss}))
"""


@dataclass(frozen=True)
class Tool:
    """One benchmarked command. ``argv`` builds the command for an empty output folder."""

    key: str
    name: str  # for the headline
    label: str  # for the table: what the tool turns into what
    executable: str
    package: str  # the PyPI distribution that provides ``executable``
    argv: Callable[[Path, Path], list[str]]  # (executable path, output folder) -> argv
    produced: Callable[[Path], bool]  # did the run leave its main artifact in the output folder?
    peer: bool = True  # a peer tool (in the headline) rather than another nmsgen command


@dataclass
class Sample:
    wall: float
    cpu: float
    maxrss_kib: int


@dataclass
class Outcome:
    tool: Tool
    samples: list[Sample] = field(default_factory=list)
    output_summary: str = ""
    failure: str = ""  # set when the probe run failed; such a tool is not timed
    notes: list[str] = field(default_factory=list)  # warnings the tool printed in its probe run


def _nmsgen_openapi_argv(exe: Path, out: Path) -> list[str]:
    return [str(exe), "openapi", "--spec", str(SPEC), "--format", "json", "-o", str(out / "openapi.json")]


def _nmsgen_argv(exe: Path, out: Path) -> list[str]:
    return [str(exe), "generate", "--spec", str(SPEC), "--out", str(out)]


def _openapi_generator_argv(exe: Path, out: Path) -> list[str]:
    # The generator validates the document first (it passes; see "Findings" in the report), as a user's run does.
    return [str(exe), "generate", "-i", str(DOCUMENT), "-g", "python", "-o", str(out)]


def _datamodel_codegen_argv(exe: Path, out: Path) -> list[str]:
    return [
        str(exe),
        "--input", str(DOCUMENT),
        "--input-file-type", "openapi",
        "--output-model-type", "pydantic_v2.BaseModel",
        "--output", str(out / "models.py"),
    ]  # fmt: skip


TOOLS = (
    Tool(
        key="nmsgen-openapi",
        name="nmsgen openapi",
        label="nmsgen openapi (spec/ → validated, self-checked OpenAPI JSON)",
        executable="nmsgen",
        package="nmsgen",
        argv=_nmsgen_openapi_argv,
        produced=lambda out: (out / "openapi.json").is_file(),
        peer=False,
    ),
    Tool(
        key="nmsgen",
        name="nmsgen generate",
        label="nmsgen generate (spec/ → OpenAPI YAML+JSON, pydantic models, store interface, auth, server)",
        executable="nmsgen",
        package="nmsgen",
        argv=_nmsgen_argv,
        produced=lambda out: (out / "mcdata_store" / "server.py").is_file(),
        peer=False,
    ),
    Tool(
        key="openapi-generator",
        name="OpenAPI Generator (Python client)",
        label="OpenAPI Generator, `-g python` (document → Python client)",
        executable="openapi-generator-cli",
        package="openapi-generator-cli",
        argv=_openapi_generator_argv,
        produced=lambda out: (out / "openapi_client" / "__init__.py").is_file(),
    ),
    Tool(
        key="datamodel-codegen",
        name="datamodel-code-generator (pydantic v2 models)",
        label="datamodel-code-generator (document → pydantic v2 models)",
        executable="datamodel-codegen",
        package="datamodel-code-generator",
        argv=_datamodel_codegen_argv,
        produced=lambda out: (out / "models.py").is_file() and (out / "models.py").stat().st_size > 0,
    ),
)


def fail(message: str) -> NoReturn:
    sys.exit(f"bench_generate: {message}")


def tool_path(tool: Tool) -> Path:
    return VENV_BIN / tool.executable


def check_prerequisites() -> None:
    missing = [t for t in TOOLS if not os.access(tool_path(t), os.X_OK)]
    if missing:
        names = ", ".join(f"{t.executable} (PyPI {t.package})" for t in missing)
        fail(
            f"not found in {VENV_BIN}: {names}.\n"
            f"Install the benchmark tools into this venv, from the repository root:\n"
            f"    {VENV_BIN / INSTALL_HINT}"
        )
    if shutil.which("java") is None:
        fail("openapi-generator-cli needs a Java runtime (11+) on PATH; none found (apt: openjdk-17-jre-headless)")
    if not DOCUMENT.is_file():
        fail(f"{DOCUMENT.relative_to(REPO)} is missing; run `nmsgen generate` first")


def capture(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, cwd=REPO, env=CHILD_ENV, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False
    )


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "?")


def environment() -> dict[str, str]:
    """Versions and machine facts that the numbers depend on."""
    og = capture([str(VENV_BIN / "openapi-generator-cli"), "version"])
    dmc = capture([str(VENV_BIN / "datamodel-codegen"), "--version"])
    java = capture(["java", "-version"])  # the java that openapi-generator-cli's shim finds on PATH
    cpu_model = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu_model = found.group(1).strip() if found else "?"
    usable_cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    env = {
        "date (UTC)": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "nmsgen": f"{metadata.version('nmsgen')}, {git_state()}",
        "openapi-generator-cli (PyPI)": metadata.version("openapi-generator-cli"),
        "OpenAPI Generator jar": first_line(og.stdout),
        "datamodel-code-generator": first_line(dmc.stdout),
        "Python": f"{platform.python_version()} ({sys.executable})",
        "Java": f"{first_line(java.stderr)}; {shutil.which('java')}",
        "CPUs": f"{os.cpu_count()} ({usable_cpus} usable), {cpu_model}",
        "OS": f"{platform.system()} {platform.release()} {platform.machine()}",
        "load average at start (1/5/15 min)": load_average(),
    }
    for var in ("JAVA_OPTS", "JAVA_TOOL_OPTIONS"):
        if os.environ.get(var):
            env[var] = os.environ[var]
    return env


def git_state() -> str:
    """The commit measured, and whether the code or model differ from it (nmsgen runs the working tree)."""
    head = capture(["git", "rev-parse", "--short", "HEAD"])
    if head.returncode != 0:
        return "not a git checkout"
    dirty = capture(["git", "status", "--porcelain", "--", "generator", "spec", "templates", "pyproject.toml"])
    changes = "with uncommitted changes in generator/, spec/ or templates/" if dirty.stdout.strip() else "clean"
    return f"commit {head.stdout.strip()} ({changes})"


def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def document_facts() -> dict[str, str]:
    data = DOCUMENT.read_bytes()
    check = capture([str(VENV_BIN / "nmsgen"), "generate", "--spec", str(SPEC), "--out", "generated", "--check"])
    fresh = "yes" if check.returncode == 0 else "NO: `nmsgen generate --check` failed, the peers read a stale document"
    rel = DOCUMENT.relative_to(REPO)
    return {
        "peers' input": f"`{rel}`, {len(data):,} bytes, sha256 {hashlib.sha256(data).hexdigest()[:16]}…",
        "input up to date with spec/": fresh,
    }


def measure(tool: Tool, log: Path) -> tuple[Sample, int, Path]:
    """One cold run of ``tool`` into a fresh empty folder; returns the sample, exit code and folder."""
    out = Path(tempfile.mkdtemp(prefix=f"nmsgen-bench-{tool.key}-"))
    cmd = [sys.executable, "-I", "-c", WRAPPER, str(log), *tool.argv(tool_path(tool), out)]
    wrapper = subprocess.run(cmd, cwd=REPO, env=CHILD_ENV, capture_output=True, text=True, check=False)
    if wrapper.returncode != 0:
        fail(f"measurement wrapper failed for {tool.key}:\n{wrapper.stderr}")
    r = json.loads(wrapper.stdout)
    return Sample(wall=r["wall"], cpu=r["cpu"], maxrss_kib=r["maxrss_kib"]), r["rc"], out


def summarise_output(out: Path) -> str:
    files = [p for p in out.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    return f"{len(files)} file{'s' if len(files) != 1 else ''}, {size / 1e6:.2f} MB"


NOTE_PATTERN = re.compile(r"warn|error|exception|deprecat|is repeated|unused model", re.IGNORECASE)
INFO_LINE = re.compile(r"\]\s+INFO\b")  # OpenAPI Generator's "[main] INFO ..." (names files like request_error.py)
HEADING = re.compile(r"^(Errors|Warnings):$")  # OpenAPI Generator's validation headings


def notable_lines(log: Path, out: Path) -> list[str]:
    """The distinct warning/error lines of a tool's output (most tools log plenty of INFO besides).

    Indented lines are continuations (a Python warning's source line, a Java stack frame) and are left
    out, except OpenAPI Generator's validation items (a tab, then "-attribute ... is repeated").
    """
    seen: dict[str, int] = {}
    for line in log.read_text(errors="replace").splitlines():
        text = line.strip().replace(str(out), "<out>").replace(str(REPO) + os.sep, "")[:400]
        if line[:1].isspace() and not text.startswith("-"):
            continue
        if NOTE_PATTERN.search(text) and not INFO_LINE.search(text) and not HEADING.match(text):
            seen[text] = seen.get(text, 0) + 1
    return [f"{text} (×{n})" if n > 1 else text for text, n in seen.items()]


def probe(tool: Tool) -> Outcome:
    """An untimed first run: proves the tool works on our input, warms the disk cache, collects warnings."""
    outcome = Outcome(tool)
    log = LOGS / f"{tool.key}-probe.log"
    _, rc, out = measure(tool, log)
    try:
        outcome.notes = notable_lines(log, out)
        if rc != 0 or not tool.produced(out):
            tail = log.read_text(errors="replace").strip().splitlines()[-15:]
            outcome.failure = f"exit code {rc}; see {log.relative_to(REPO)}:\n" + "\n".join(tail)
        else:
            outcome.output_summary = summarise_output(out)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return outcome


def openapi_generator_validation() -> str:
    """What OpenAPI Generator's own validator says about the document."""
    r = capture([str(VENV_BIN / "openapi-generator-cli"), "validate", "--recommend", "-i", str(DOCUMENT)])
    text = (r.stdout + r.stderr).strip().replace(str(REPO) + os.sep, "")
    return f"exit code {r.returncode}\n{text}"


def run_benchmark(runs: int) -> tuple[list[Outcome], str]:
    LOGS.mkdir(parents=True, exist_ok=True)
    validation = openapi_generator_validation()
    outcomes = []
    for tool in TOOLS:
        print(f"probe: {tool.key} ...", file=sys.stderr, flush=True)
        outcomes.append(probe(tool))
    if outcomes[0].failure:
        fail("nmsgen itself failed on the bundled spec/:\n" + outcomes[0].failure)
    timed = [o for o in outcomes if not o.failure]
    for i in range(runs):
        # Round-robin, and rotate the order each round so no tool always runs first (or right after the JVM).
        order = timed[i % len(timed) :] + timed[: i % len(timed)]
        for outcome in order:
            tool = outcome.tool
            log = LOGS / f"{tool.key}-run{i + 1}.log"
            sample, rc, out = measure(tool, log)
            ok = rc == 0 and tool.produced(out)
            shutil.rmtree(out, ignore_errors=True)
            if not ok:
                fail(f"{tool.key} run {i + 1} failed (exit code {rc}); see {log}")
            outcome.samples.append(sample)
            print(f"run {i + 1}/{runs}: {tool.key:<18} {sample.wall:7.3f} s", file=sys.stderr, flush=True)
    return outcomes, validation


def display_argv(tool: Tool) -> str:
    """The command as a reader would type it from the repository root."""
    argv = tool.argv(Path(tool.executable), Path("<out>"))
    return " ".join(a.replace(str(REPO) + os.sep, "") for a in argv)


def times(x: float) -> str:
    return f"{x:.1f}×" if x >= 10 else f"{x:.2f}×"


def report(outcomes: list[Outcome], validation: str, runs: int, env: dict[str, str], doc: dict[str, str]) -> str:
    base = statistics.median(s.wall for s in outcomes[0].samples)
    rows = []
    headline = []
    for o in outcomes:
        if o.failure:
            first = o.failure.splitlines()[0]
            rows.append(f"| {o.tool.label} | failed | | | | | | {first} |")
            continue
        walls = [s.wall for s in o.samples]
        med = statistics.median(walls)
        cpu = statistics.median(s.cpu for s in o.samples)
        rss = max(s.maxrss_kib for s in o.samples) / 1024
        ratio = "1× (baseline)" if o is outcomes[0] else times(med / base)
        rows.append(
            f"| {o.tool.label} | {med:.3f} | {min(walls):.3f} | {max(walls):.3f} | {cpu:.2f} | {rss:.0f} "
            f"| {ratio} | {o.output_summary} |"
        )
        if o.tool.peer:
            word = "faster" if med >= base else "slower"
            headline.append(f"**{times(max(med / base, base / med))} {word}** than {o.tool.name}")
    lines = [
        "# nmsgen generation benchmark",
        "",
        f"Median wall time of {runs} cold runs per tool: the OpenAPI document from the model (`nmsgen openapi`) is "
        + " and ".join(headline)
        + "."
        if headline
        else "No peer could be timed: see the failures below.",
        "",
        "`nmsgen openapi` builds the OpenAPI document from the YAML model; `nmsgen generate` also generates the "
        "pydantic models (it runs datamodel-code-generator itself), the store interface, auth module and server. "
        "The peers take the document and generate code from it. Read the ratios as the cost of one generation "
        "step of the same toolchain, not as equal work (see benchmarks/README.md).",
        "",
        "| tool | median s | min s | max s | CPU s (median) | peak RSS MiB | peer median / nmsgen median | output |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
        *rows,
        "",
        "## Environment",
        "",
        *(f"- {k}: {v}" for k, v in {**env, **doc}.items()),
        f"- runs per tool: {runs} timed (after 1 untimed probe run each), round-robin, order rotated each round",
        "",
        "## Commands (from the repository root; `<out>` is a fresh empty temporary folder per run)",
        "",
        *(f"- {o.tool.key}: `{display_argv(o.tool)}`" for o in outcomes),
        "",
        "## Findings about our document",
        "",
        "`openapi-generator-cli validate --recommend -i generated/openapi/openapi.json`:",
        "",
        "```text",
        validation,
        "```",
        "",
        "Warnings and errors each tool printed in its probe run (distinct lines, INFO left out; "
        "full logs in benchmarks/.work/logs/):",
        "",
    ]
    for o in outcomes:
        lines.append(f"- {o.tool.key}:" + ("" if o.notes else " none"))
        lines.extend(f"  - `{note}`" for note in o.notes)
        if o.failure:
            lines.extend(["", "```text", o.failure, "```", ""])
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed cold runs per tool (default: 5)")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_RESULTS, help="where to write the Markdown report (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    check_prerequisites()
    env = environment()
    doc = document_facts()
    outcomes, validation = run_benchmark(args.runs)
    env["load average at end"] = load_average()
    text = report(outcomes, validation, args.runs, env, doc)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text, end="")


if __name__ == "__main__":
    main()
