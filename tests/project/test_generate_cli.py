"""`nmsgen generate`: determinism across runs and hash seeds, `--check`, `--out`, the README's claims."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT, run_nmsgen

pytestmark = pytest.mark.slow  # runs `nmsgen generate` on the full model in fresh interpreters


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    outs = []
    for seed in ("0", "1", "4242"):
        out = tmp_path / f"out{seed}"
        # no cache: every run does all the work under its own hash seed
        r = run_nmsgen("generate", "--out", str(out), env={"PYTHONHASHSEED": seed, "NMSGEN_CACHE_DIR": "off"})
        assert r.returncode == 0, r.stderr
        outs.append(tree(out))
    assert outs[0] == outs[1] == outs[2]
    assert all(b"\r\n" not in data for data in outs[0].values())


def test_generated_folder_is_current() -> None:
    """The committed generated/ is what spec/ produces today (what CI and new users rely on)."""
    r = run_nmsgen("generate", "--check")
    assert r.returncode == 0, r.stderr


def test_check_names_each_stale_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_nmsgen("generate", "--out", str(out)).returncode == 0
    (out / "openapi" / "openapi.json").write_text("{}\n")
    (out / "openapi" / "openapi.yaml").unlink()
    (out / "leftover.txt").write_text("x\n")
    before = tree(out)
    r = run_nmsgen("generate", "--check", "--out", str(out))
    assert r.returncode == 1
    assert f"{out}/openapi/openapi.json: stale" in r.stderr
    assert f"{out}/openapi/openapi.yaml: missing" in r.stderr
    assert f"{out}/leftover.txt: stale: no longer generated" in r.stderr
    assert tree(out) == before  # --check writes nothing


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_nmsgen("generate", "--out", str(out)).returncode == 0
    r = run_nmsgen("generate", "--out", str(out))
    assert r.returncode == 0
    assert "0 written, 0 removed" in r.stdout


def test_refuses_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep\n")
    r = run_nmsgen("generate", "--out", str(tmp_path))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and "not empty" in r.stderr
    assert (tmp_path / "mine.txt").read_text() == "keep\n"


@pytest.mark.parametrize("args", [["validate"], ["generate", "--check"]])
def test_python_dash_m_entry_point(args: list[str]) -> None:
    r = run_nmsgen(*args)
    assert r.returncode == 0, r.stderr


def test_missing_spec_is_a_clear_error(tmp_path: Path) -> None:
    r = run_nmsgen("validate", "--spec", str(tmp_path / "nope"))
    assert r.returncode == 1
    assert "error io-error" in r.stderr and "Traceback" not in r.stderr


def test_readme_opens_with_the_two_commands() -> None:
    lines = [ln for ln in (ROOT / "README.md").read_text().splitlines() if ln.strip()]
    first = "\n".join(lines[:12])
    assert "nmsgen generate" in first and "pytest" in first
    ci = (ROOT / ".ci" / "run").read_text()
    test_cmd = next(
        ln for ln in (ROOT / "README.md").read_text().splitlines() if "pytest" in ln and "pip install" in ln
    )
    assert test_cmd.strip().strip("`") in ci


def test_openapi_command_writes_only_the_document(tmp_path: Path) -> None:
    out = tmp_path / "doc.json"
    r = run_nmsgen("openapi", "--format", "json", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == (ROOT / "generated" / "openapi" / "openapi.json").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.json"]  # no temporary file left
    r = run_nmsgen("openapi")
    assert r.stdout == (ROOT / "generated" / "openapi" / "openapi.yaml").read_text()


def test_openapi_command_refuses_a_bad_model(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text("types: [\n")
    out = tmp_path / "doc.json"
    r = run_nmsgen("openapi", "--spec", str(tmp_path / "m.yaml"), "-o", str(out))
    assert r.returncode == 1 and "error yaml-syntax" in r.stderr and not out.exists()


def test_generation_needs_no_test_dependency(tmp_path: Path) -> None:
    """The README's first command installs nmsgen without its `test` extra: generation must not import pytest,
    hypothesis or any other test-only package (the mutation runner's pytest plugin once did, at import)."""
    blocked = ["pytest", "hypothesis", "trustme", "schemathesis", "openapi_python_client", "mypy"]
    code = (
        "import sys\n"
        f"sys.modules.update(dict.fromkeys({blocked!r}))\n"  # None in sys.modules: import raises ImportError
        "from generator.cli import main\n"
        f"main(['generate', '--out', {str(tmp_path / 'out')!r}])\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr[-2000:]
    assert (tmp_path / "out" / "openapi" / "openapi.json").is_file()
