"""Shared test helpers. ``pytest --regen`` rewrites golden files instead of comparing them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
REGEN_HINT = "run `pytest --regen` to accept the new output, then review the diff"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen", action="store_true", help="rewrite golden files from the current output")


@pytest.fixture
def regen(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen"))


def run_nmsgen(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user does, in a fresh interpreter."""
    full_env = {**os.environ, **(env or {})}
    full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def minimal_model(tmp_path: Path) -> Path:
    """A copy of the minimal valid model, to overlay defects on."""
    dst = tmp_path / "model"
    shutil.copytree(FIXTURES / "minimal", dst)
    return dst


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test may only cite clauses of the registry: a typo in a clause marker is a failure."""
    from generator import pipeline  # noqa: PLC0415 - the registry is read once, at collection

    result = pipeline.check(ROOT / "spec")
    registry = set(result.model.clauses) if result.model else set()
    unknown = sorted(
        {(item.nodeid, c) for item in items for m in item.iter_markers("clause") for c in m.args if c not in registry}
    )
    if unknown:
        raise pytest.UsageError(
            "tests cite clauses that are not in the registry: " + ", ".join(f"{n} -> {c}" for n, c in unknown)
        )
