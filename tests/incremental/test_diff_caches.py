"""The caches of `nmsgen diff` with files: the generated files of each side (by every input the manifest records
for it) and the changed units of a file (by both texts). A side whose model, change request or option changed is
generated anew; the report equals an uncached one."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import cli, pipeline
from generator.frontend.sources import Side
from generator.reports import diff as diffing
from generator.reports.diff.attribute import changed_units

from ..conftest import FIXTURES


def report(old: Side, new: Side) -> str:
    found, diags = pipeline.compare(old, new)
    assert found is not None, diags.items
    return diffing.to_json(found)


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    spec = shutil.copytree(FIXTURES / "minimal", tmp_path / "spec")
    (spec / "changes").mkdir()
    shutil.copy(FIXTURES / "changes" / "replace_thing.yaml", spec / "changes")
    return spec


def entries(root: Path, kind: str) -> list[Path]:
    return [p for p in (root / kind).rglob("*") if p.is_file()]


def test_side_files_follow_the_model_and_the_options(
    spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(cache))
    old, new = Side("spec", spec), Side("spec+replace_thing", spec, with_=["replace_thing"])
    first = report(old, new)
    assert len(entries(cache, "side-files")) == 2, "one entry per side"
    assert report(old, new) == first
    assert len(entries(cache, "side-files")) == 2, "read, not made again"

    types = spec / "types.yaml"  # both sides' model: the files of both change
    types.write_text(types.read_text().replace("description: A thing.", "description: A thing, edited."))
    edited = report(old, new)
    assert len(entries(cache, "side-files")) == 4
    monkeypatch.setenv("NMSGEN_CACHE_DIR", "off")
    assert edited == report(old, new)
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(cache))

    change = spec / "changes" / "replace_thing.yaml"  # a change request (each side records them all)
    change.write_text(change.read_text().replace("title: Replace a thing", "title: Swap a thing"))
    swapped = report(old, new)
    assert len(entries(cache, "side-files")) == 6
    monkeypatch.setenv("NMSGEN_CACHE_DIR", "off")
    assert swapped == report(old, new)
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(cache))

    files = pipeline.side_files(new, *checked(new))
    monkeypatch.setenv("NMSGEN_CACHE_DIR", "off")
    assert files == pipeline.side_files(new, *checked(new))


def checked(side: Side) -> tuple[object, dict[str, object]]:
    result = pipeline.check(side.spec, side.with_, side.without)
    assert result.ok and result.model is not None
    return result.model, result.document  # type: ignore[return-value]


TEXTS = {
    "m.py": ("def f():\n    return 1\n\n\nclass A:\n    x = 1\n", "def f():\n    return 2\n\n\nclass A:\n    x = 1\n"),
    "d.yaml": ("paths:\n  /a:\n    get: {summary: one}\n", "paths:\n  /a:\n    get: {summary: two}\n"),
    "d.json": ('{"components": {"schemas": {"A": {"type": "string"}}}}', '{"components": {"schemas": {}}}'),
    "x.html": ("<p>one</p>", "<p>two</p>"),
}


@pytest.mark.parametrize("path", sorted(TEXTS))
def test_changed_units_follow_both_texts(path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = TEXTS[path]
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path))
    pairs = [(old, new), (new, old), (old, None), (None, new), (old, old), (new, new + "\n")]
    warm = [changed_units(a, b, path) for a, b in pairs]
    assert [changed_units(a, b, path) for a, b in pairs] == warm, "read back from the cache"
    assert entries(tmp_path, "units")
    monkeypatch.setenv("NMSGEN_CACHE_DIR", "off")
    assert [changed_units(a, b, path) for a, b in pairs] == warm
    assert warm[0] != warm[1] and warm[2] != warm[3] and warm[4] == []


def run_diff(*args: str) -> tuple[int, str]:
    done = CliRunner().invoke(cli.main, ["diff", *args])
    assert done.exit_code in (0, 1), done.output
    return done.exit_code, done.stdout


@pytest.mark.slow  # about a dozen diffs of the whole model (7 s): the quick set keeps the cheaper cache tests
@pytest.mark.parametrize("no_files", [False, True], ids=["files", "no-files"])
def test_a_diff_is_kept_by_every_input_of_both_sides(
    no_files: bool, spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`nmsgen diff` answers a comparison made before from its kept output; any input of either side, the
    change applied, the format or --no-files changed, it compares again, and says what an uncached run says."""
    cache = tmp_path / "cache"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(cache))
    flags = ["--no-files"] if no_files else []

    def fresh(*args: str) -> tuple[int, str]:
        monkeypatch.setenv("NMSGEN_CACHE_DIR", "off")
        try:
            return run_diff(*args, *flags)
        finally:
            monkeypatch.setenv("NMSGEN_CACHE_DIR", str(cache))

    first = run_diff("spec", "spec+replace_thing", *flags)
    assert first == fresh("spec", "spec+replace_thing") and "compatible" in first[1], first
    assert len(entries(cache, "diff")) == 1
    assert run_diff("spec", "spec+replace_thing", *flags) == first
    assert len(entries(cache, "diff")) == 1, "read, not made again"
    (entry,) = entries(cache, "diff")  # a hit prints what was kept: a planted answer proves the read
    saved = entry.read_bytes()
    planted = b'{"report": "planted\\n", "breaking": false}'
    entry.write_bytes(hashlib.sha256(planted).digest() + planted)
    assert run_diff("spec", "spec+replace_thing", *flags) == (0, "planted\n")
    entry.write_bytes(saved[:40] + b"damaged")  # a damaged entry is a miss
    assert run_diff("spec", "spec+replace_thing", *flags) == first

    def again(*args: str) -> None:
        before = len(entries(cache, "diff"))
        got = run_diff(*args, *flags)
        assert len(entries(cache, "diff")) == before + 1, "a miss"
        assert got == fresh(*args)

    types = spec / "types.yaml"  # the model both sides read
    types.write_text(types.read_text().replace("description: A thing.", "description: A thing, edited."))
    again("spec", "spec+replace_thing")
    change = spec / "changes" / "replace_thing.yaml"  # the change request one side applies
    change.write_text(change.read_text().replace("title: Replace a thing", "title: Swap a thing"))
    again("spec", "spec+replace_thing")
    again("spec+replace_thing", "spec")  # the sides swapped
    assert run_diff("spec+replace_thing", "spec", *flags) == fresh("spec+replace_thing", "spec"), "its exit status"
    again("spec", "spec+replace_thing", "--format", "json")  # another format
    assert run_diff("spec", "spec+replace_thing", "--format", "json", *flags) == fresh(
        "spec", "spec+replace_thing", "--format", "json"
    )
    before = len(entries(cache, "diff"))
    run_diff("spec", "spec+replace_thing", *([] if no_files else ["--no-files"]))
    assert len(entries(cache, "diff")) == before + 1, "with and without files are kept apart"
