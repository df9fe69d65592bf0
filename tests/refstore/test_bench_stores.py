"""A smoke run of ``benchmarks/bench_stores.py`` (issue 16's side-by-side benchmark) at 200 objects: the script
runs end to end on both stores and its report holds every part, every request of the mix answered well and every
notification delivered once. The benchmark itself never runs in the test suite (benchmarks/README.md)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import child_env
from ..pg_cluster import pg_available

pytestmark = [pytest.mark.slow, pytest.mark.external]  # a PostgreSQL cluster, wrk, three servers

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_stores.py"


def queries() -> dict[str, object]:
    """The searches of benchmarks/bench_search.py (which bench_stores.py imports)."""
    spec = importlib.util.spec_from_file_location("bench_search", SCRIPT.with_name("bench_search.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_search", module)  # its dataclasses look their module up
    spec.loader.exec_module(sys.modules["bench_search"])
    module = sys.modules["bench_search"]
    found: dict[str, object] = module.criteria(200)
    return found


def test_the_store_benchmark_runs_end_to_end_at_200_objects(tmp_path: Path) -> None:
    if not pg_available() or shutil.which("wrk") is None:
        pytest.skip("needs PostgreSQL's initdb and pg_ctl and wrk")
    out = tmp_path / "results.md"
    args = ["--sizes", "200", "--duration", "1", "--rounds", "1", "--runs", "2"]
    args += ["--notify-boxes", "2", "--notify-writes", "3", "--out", str(out)]
    run = subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=600, env=child_env(), check=False
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = out.read_text()
    mix = re.findall(r"^\| ((?:SQLite|PostgreSQL), \d workers?) \| (\d+) .* \| (\d+) \|$", report, re.M)
    assert [m[0] for m in mix] == ["SQLite, 1 worker", "PostgreSQL, 1 worker", "PostgreSQL, 2 workers"], report
    assert all(int(rps) > 0 and bad == "0" for _, rps, bad in mix), mix  # every request of the mix answered 2xx
    assert re.search(r"^\| 6 \| \d+ \| [\d.]+ \| \d+ \| \d+ \| \d+ \| yes \|$", report, re.M), report  # 2 x 3, once
    rows = re.findall(r"^\| (.+?) \| (SQLite|PostgreSQL) \| ([\d.]+) / ([\d.]+) \(([\d.]+)\) \|", report, re.M)
    assert len(rows) == 2 * len(queries()), report  # every query of bench_search on both stores, with numbers
    assert "## PostgreSQL query plans at 200 objects" in report
