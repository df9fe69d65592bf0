"""The manifest records every input; `generate --check` trusts it only while every input and output matches.

Each kind of input is changed in a copy of the project (model, change request, template, the generator's own
code, a test's clause markers, a tool's version, a preview option) and `--check` must exit 1 naming it; a
change that feeds nothing (a test's body) must not. The cache is a shortcut only: emptied or damaged, the
output is the same.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import cli
from generator.incremental import manifest

from ..conftest import FIXTURES, ROOT

TEST_FILE = """import pytest


@pytest.mark.clause("C-1")
def test_thing() -> None:
    assert 1 + 1 == 2
"""


def nmsgen(project: Path, *args: str, cache: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI of the project's own copy of the generator, run from the project."""
    env = {**os.environ, "PYTHONPATH": str(project)}
    if cache is not None:
        env["NMSGEN_CACHE_DIR"] = str(cache)
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project (the generator and its templates, the minimal model with a change request, one test file)
    and its generated folder ``out``."""
    project = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "generator", project / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(FIXTURES / "minimal", project / "spec")
    (project / "spec" / "changes").mkdir()
    shutil.copy(FIXTURES / "changes" / "replace_thing.yaml", project / "spec" / "changes")
    (project / "tests").mkdir()
    (project / "tests" / "test_thing.py").write_text(TEST_FILE)
    r = nmsgen(project, "generate", "--out", "out")
    assert r.returncode == 0, r.stderr
    r = nmsgen(project, "generate", "--out", "out", "--check")
    assert r.returncode == 0 and r.stdout.startswith("out: up to date"), r.stderr
    return project


@pytest.fixture
def project(generated: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(generated, copy, symlinks=True)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


MUTATIONS = [
    pytest.param(
        lambda p: edit(p / "spec" / "types.yaml", "description: A thing.", "description: A thing, changed."),
        "spec/types.yaml: changed",
        "out/openapi/openapi.yaml: stale",
        id="model",
    ),
    pytest.param(
        lambda p: edit(p / "spec" / "changes" / "replace_thing.yaml", "title: Replace a thing", "title: Swap a thing"),
        "spec/changes/replace_thing.yaml: changed",
        "out/changes/replace_thing.md: stale",
        id="change-request",
    ),
    pytest.param(
        lambda p: edit(p / "templates" / "server" / "store.py.jinja", '"""', '"""Edited. '),
        "templates/server/store.py.jinja: changed",
        "out/mcdata_store/store.py: stale",
        id="template",
    ),
    pytest.param(
        lambda p: edit(p / "generator" / "pipeline.py", "# generated/ — do not edit", "# generated/ — hands off"),
        "generator/pipeline.py: changed",
        "out/README.md: stale",
        id="generator-source",
    ),
    pytest.param(
        lambda p: edit(p / "tests" / "test_thing.py", '"C-1"', '"C-2"'),
        "tests/test_thing.py (clause markers): changed",
        "out/trace/trace.json: stale",
        id="clause-marker",
    ),
    pytest.param(
        lambda p: (p / "tests" / "test_more.py").write_text("def test_more() -> None:\n    assert True\n"),
        "tests/test_more.py (clause markers): new",
        "out/trace/trace.json: stale",
        id="new-test",
    ),
    pytest.param(
        lambda p: (p / "tests" / "verified-citations.json").write_text('{"mutants": [], "citations": []}\n'),
        "tests/verified-citations.json (mutation evidence): new",
        "out/trace/trace.json: stale",
        id="mutation-evidence",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("mutate", "input_named", "output_named"), MUTATIONS)
def test_check_names_the_changed_input_and_the_stale_files(
    project: Path, mutate: object, input_named: str, output_named: str
) -> None:
    assert callable(mutate)
    mutate(project)
    r = nmsgen(project, "generate", "--out", "out", "--check")
    assert r.returncode == 1, r.stdout
    assert input_named in r.stderr and output_named in r.stderr, r.stderr
    assert "out/.nmsgen-manifest: stale" in r.stderr


@pytest.mark.slow
def test_an_input_change_that_alters_no_file_still_makes_the_manifest_stale(project: Path) -> None:
    (project / "generator" / "emit" / "models.py").write_text(
        (project / "generator" / "emit" / "models.py").read_text() + "\n# a comment changes no output\n"
    )
    r = nmsgen(project, "generate", "--out", "out", "--check")
    assert r.returncode == 1
    assert "generator/emit/models.py: changed" in r.stderr
    stale = [line for line in r.stderr.splitlines() if ": stale: " in line or ": missing: " in line]
    assert stale == ["out/.nmsgen-manifest: stale: differs from what spec/ generates"], r.stderr
    assert nmsgen(project, "generate", "--out", "out").returncode == 0
    assert nmsgen(project, "generate", "--out", "out", "--check").returncode == 0


@pytest.mark.slow
def test_a_test_body_edit_changes_nothing(project: Path) -> None:
    edit(project / "tests" / "test_thing.py", "1 + 1 == 2", "2 + 2 == 4")
    r = nmsgen(project, "generate", "--out", "out", "--check")
    assert r.returncode == 0, r.stderr


@pytest.mark.slow
def test_an_edited_output_is_not_trusted(project: Path) -> None:
    (project / "out" / "mcdata_store" / "auth.py").write_text("# edited by hand\n")
    r = nmsgen(project, "generate", "--out", "out", "--check")
    assert r.returncode == 1 and "out/mcdata_store/auth.py: stale" in r.stderr
    r = nmsgen(project, "generate", "--out", "out")
    assert r.returncode == 0 and "1 written" in r.stdout


@pytest.mark.slow
def test_a_changed_tool_version_is_noticed(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    runner = CliRunner()
    args = ["generate", "--out", "out", "--check"]
    assert runner.invoke(cli.main, args).exit_code == 0
    real = manifest.version
    monkeypatch.setattr(manifest, "version", lambda tool: "9.9.9" if tool == "ruff" else real(tool))
    r = runner.invoke(cli.main, args)
    assert r.exit_code == 1
    assert "ruff (version): changed" in r.stderr


@pytest.mark.slow
def test_a_preview_records_its_options(project: Path) -> None:
    r = nmsgen(project, "generate", "--with", "replace_thing", "--out", "preview")
    assert r.returncode == 0, r.stderr
    assert "option applied  --with replace_thing" in (project / "preview" / manifest.MANIFEST).read_text()
    assert nmsgen(project, "generate", "--with", "replace_thing", "--out", "preview", "--check").returncode == 0
    r = nmsgen(project, "generate", "--out", "preview", "--check")
    assert r.returncode == 1 and "--with replace_thing: gone" in r.stderr


@pytest.mark.slow
def test_up_to_date_check_stops_before_the_heavy_imports(project: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(project)}
    r = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "generator", "generate", "--out", "out", "--check"],
        cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert r.returncode == 0 and "up to date" in r.stdout, r.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert "generator.incremental.manifest" in imported
    heavy = {"generator.pipeline", "jinja2", "pydantic", "datamodel_code_generator", "openapi_spec_validator"}
    assert not heavy & imported


@pytest.mark.slow
def test_up_to_date_despite_what_importing_and_installing_the_output_leave(project: Path) -> None:
    """``__pycache__/`` (importing the generated package), ``build/`` and ``*.egg-info/`` (``pip install``) are
    not nmsgen's files: the up-to-date check still stops after hashing; an unknown file does not."""
    out = project / "out"
    for left in ("mcdata_store/__pycache__/auth.cpython-311.pyc", "build/lib/x.py", "mcdata_store.egg-info/PKG-INFO"):
        (out / left).parent.mkdir(parents=True, exist_ok=True)
        (out / left).write_bytes(b"left behind")
    env = {**os.environ, "PYTHONPATH": str(project)}
    argv = [sys.executable, "-X", "importtime", "-m", "generator", "generate", "--out", "out", "--check"]
    r = subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0 and "up to date" in r.stdout, r.stderr
    assert "generator.pipeline" not in r.stderr, "stopped after hashing"
    (out / "mcdata_store" / "unknown.py").write_text("x = 1\n")
    r = nmsgen(project, "generate", "--out", "out", "--check")
    assert r.returncode == 1 and "out/mcdata_store/unknown.py" in r.stderr, r.stderr


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_a_damaged_or_missing_cache_changes_no_byte(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    r = nmsgen(project, "generate", "--out", "cold", cache=cache)
    assert r.returncode == 0, r.stderr
    entries = [p for p in cache.rglob("*") if p.is_file()]
    kinds = {p.relative_to(cache).parts[0] for p in entries}
    assert kinds >= {
        "ruff",
        "models",
        "openapi-verdict",
        "example-errors",
        "markers",
        "impact",
        "markdown",
        "jinja",
        "units",
    }
    for p in entries:  # every entry damaged: its checksum fails, it is a miss
        data = bytearray(p.read_bytes())
        data[-1] ^= 0xFF
        p.write_bytes(bytes(data))
    assert nmsgen(project, "generate", "--out", "damaged", cache=cache).returncode == 0
    assert nmsgen(project, "generate", "--out", "warm", cache=cache).returncode == 0
    shutil.rmtree(cache)
    assert nmsgen(project, "generate", "--out", "gone", cache=cache).returncode == 0
    assert tree(project / "cold") == tree(project / "damaged") == tree(project / "warm") == tree(project / "gone")
    assert tree(project / "cold") == tree(project / "out")


@pytest.mark.slow
def test_progress_on_a_long_run_and_quiet(project: Path) -> None:
    r = nmsgen(project, "generate", "--out", "slow", cache=Path("off"))  # no cache: well over a second
    assert r.returncode == 0, r.stderr
    assert "nmsgen: check the model" in r.stderr and "nmsgen: done in" in r.stderr, r.stderr
    r = nmsgen(project, "generate", "--out", "quiet", "--quiet", cache=Path("off"))
    assert r.returncode == 0 and "nmsgen:" not in r.stderr, r.stderr


def test_markers_read_on_two_cores_are_those_read_on_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a cold cache a forked child reads every other test file's clause markers (or all of them, while
    this process does the work given as ``meanwhile``): the inputs are those read by one process (a file that
    is not UTF-8 or does not parse is hashed by its bytes in each), and the child's entries are the ones the
    next run finds; with a warm cache the work meanwhile is not done."""
    tests = tmp_path / "tests"
    shutil.copytree(ROOT / "tests" / "incremental", tests / "incremental")
    shutil.copytree(ROOT / "tests" / "emit", tests / "emit")
    (tests / "test_broken.py").write_text("def test_x(:\n")
    (tests / "test_latin1.py").write_bytes(b"# caf\xe9\ndef test_y():\n    pass\n")
    counts = []
    known: list[manifest.Inputs] = []
    work: list[str] = []

    def meanwhile(inputs: manifest.Inputs) -> Callable[[], None]:
        known.append(inputs)
        return lambda: work.append("done")

    for shared, cache_dir, then in ((2, "two", None), (10**9, "one", None), (2, "two", None), (2, "all", meanwhile)):
        monkeypatch.setattr(manifest, "SHARED", shared)
        monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path / cache_dir))
        counts.append(manifest.inputs(ROOT / "spec", tests, root=tmp_path, meanwhile=then))
    assert counts[0] == counts[1] == counts[2] == counts[3]
    assert work == ["done"] and known and not any(kind == "markers" for kind, _ in known[0])
    monkeypatch.setattr(manifest, "SHARED", 2)
    assert manifest.inputs(ROOT / "spec", tests, root=tmp_path, meanwhile=meanwhile) == counts[0]
    assert work == ["done"]  # a warm cache: no child, no work meanwhile
    marked = {name: sha for (kind, name), sha in counts[0].items() if kind == "markers"}
    assert len(marked) > 10  # so the child read some
    assert marked["tests/test_broken.py"] == manifest._sha(b"def test_x(:\n")
    assert marked["tests/test_latin1.py"] == manifest._sha(b"# caf\xe9\ndef test_y():\n    pass\n")
    assert len(list((tmp_path / "two" / "markers").rglob("*"))) >= len(marked) - 2  # the child's entries kept


@pytest.mark.slow
def test_a_cold_cache_prepares_a_run_only_when_one_follows(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a child reads the test markers of a cold cache, generate imports and compiles what a run needs, but
    only when the inputs known without the markers already differ from the manifest's: an up-to-date check
    stays light."""
    monkeypatch.chdir(project)
    monkeypatch.setattr(manifest, "SHARED", 1)
    calls: list[str] = []
    monkeypatch.setattr(cli, "_preload", lambda: calls.append("preload"))
    runner = CliRunner()
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path / "cold-1"))
    r = runner.invoke(cli.main, ["generate", "--out", "out", "--check"])
    assert r.exit_code == 0 and "up to date" in r.stdout and calls == []
    edit(project / "spec" / "types.yaml", "description: A thing.", "description: A thing, changed.")
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path / "cold-2"))
    r = runner.invoke(cli.main, ["generate", "--out", "out"])
    assert r.exit_code == 0 and "written" in r.stdout and calls == ["preload"]
