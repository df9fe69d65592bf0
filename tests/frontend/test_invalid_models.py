"""Bad models get clear errors: file:line:col: error CODE: message, exit 1, nothing written.

Each folder under tests/cases/invalid/ holds files that replace or join the minimal valid model
(tests/cases/minimal) and ``expected.errors``, the exact stderr of ``nmsgen validate``. The cases run the
command in this process (click's runner: the same command, its exit code and stderr, without an interpreter
start per case); ``test_bad_model_keeps_previous_output`` runs it as a user does, in a child process.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

from ..conftest import REGEN_HINT, run_nmsgen

CASES = sorted(p for p in (Path(__file__).parent.parent / "cases" / "invalid").iterdir() if p.is_dir())
LINE = re.compile(r"^[^:\s]+\.yaml:\d+:\d+: error [a-z0-9-]+: .+$")


class Ran:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def nmsgen_here(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Ran:
    """``nmsgen ARGS`` run in this process from ``cwd``; an exception other than the command's exit is a
    traceback a user would see, so it fails the test."""
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"Traceback: nmsgen {' '.join(args)} raised") from result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


def _overlay(case: Path, model: Path) -> None:
    for f in case.iterdir():
        if f.name != "expected.errors":
            shutil.copy(f, model / f.name)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_model_golden(case: Path, minimal_model: Path, regen: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    _overlay(case, minimal_model)
    result = nmsgen_here(["validate", "--spec", "."], minimal_model, monkeypatch)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    expected_file = case / "expected.errors"
    if regen or not expected_file.exists():
        expected_file.write_text(result.stderr)
    assert result.stderr == expected_file.read_text(), f"{case.name}: error text changed; {REGEN_HINT}"
    for line in result.stderr.splitlines():
        assert LINE.match(line), f"not file:line:col: error CODE: message -> {line!r}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_model_writes_nothing(
    case: Path, minimal_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _overlay(case, minimal_model)
    out = tmp_path / "out"
    result = nmsgen_here(["generate", "--spec", ".", "--out", str(out)], minimal_model, monkeypatch)
    assert result.returncode == 1
    assert "nothing written" in result.stderr
    assert not out.exists()


def test_bad_model_keeps_previous_output(minimal_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_nmsgen("generate", "--spec", ".", "--out", str(out), cwd=minimal_model).returncode == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    _overlay(Path(__file__).parent.parent / "cases" / "invalid" / "unknown-type", minimal_model)
    assert run_nmsgen("generate", "--spec", ".", "--out", str(out), cwd=minimal_model).returncode == 1
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert before == after
