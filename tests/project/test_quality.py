"""The generator is checked like any code: ruff, ruff format, mypy --strict; and no unsafe calls."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from ..conftest import ROOT


def run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *cmd], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


def test_ruff_check() -> None:
    r = run("ruff", "check", "generator", "nmsrun", "tests", "generated", "refstore", "benchmarks")
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_format() -> None:
    r = run("ruff", "format", "--check", "generator", "nmsrun", "tests", "generated", "refstore", "benchmarks")
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_strict() -> None:
    """The generator, the runtime, the reference store and the benchmarks (pyproject's mypy files)."""
    r = run("mypy", "--strict")
    assert r.returncode == 0, r.stdout + r.stderr


def test_generated_code_passes_mypy_strict() -> None:
    r = run("mypy", "--strict", "generated/mcdata_store")
    assert r.returncode == 0, r.stdout + r.stderr


def test_generated_conformance_kit_passes_mypy_strict() -> None:
    r = run("mypy", "--strict", "generated/conformance")
    assert r.returncode == 0, r.stdout + r.stderr


BANNED = {
    r"\byaml\.load\((?![^)]*Loader=_?[A-Za-z.]*(CSafeLoader|SafeLoader))": "yaml.load without a safe loader",
    r"\bLoader=yaml\.(Full|Unsafe)?Loader\b": "an unsafe YAML loader",
    r"\bfrom_string\(": "model text used as a template",
    r"\beval\(|\bexec\(": "eval/exec",
    r"verify\s*=\s*False": "TLS verification off",
}


@pytest.mark.parametrize("pattern", sorted(BANNED))
def test_no_unsafe_calls(pattern: str) -> None:
    hits = [
        f"{p.relative_to(ROOT)}:{i}"
        for package in ("generator", "nmsrun")
        for p in sorted((ROOT / package).rglob("*.py"))
        for i, line in enumerate(p.read_text().splitlines(), 1)
        if re.search(pattern, line)
    ]
    assert hits == [], f"{BANNED[pattern]}: {hits}"
