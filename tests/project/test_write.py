"""Writing is safe and repeatable (stage: write)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.write import MANIFEST, WriteError, plan, recover, safe_relpath, with_manifest, write

from ..conftest import ROOT


def files(**texts: str) -> dict[str, bytes]:
    return with_manifest({k.replace("__", "/"): v for k, v in texts.items()})


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_writes_exactly_the_files(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    write(files(a="1\n", d__b="2\n"), out)
    assert snapshot(out) == files(a="1\n", d__b="2\n")


def test_unchanged_files_are_not_rewritten(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    write(files(a="1\n", b="2\n"), out)
    before = (out / "a").stat()
    os.utime(out / "a", ns=(before.st_atime_ns, before.st_mtime_ns - 10**9))
    old_mtime = (out / "a").stat().st_mtime_ns
    result = write(files(a="1\n", b="3\n"), out)
    assert result.unchanged == ["a"]
    assert sorted(result.changed) == [MANIFEST, "b"]
    assert (out / "a").stat().st_mtime_ns == old_mtime
    assert (out / "a").stat().st_ino == before.st_ino


def test_no_change_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    write(files(a="1\n"), out)
    inode = out.stat().st_ino
    result = write(files(a="1\n"), out)
    assert result.clean and not result.changed
    assert out.stat().st_ino == inode  # the folder was not swapped


def test_stale_files_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    write(files(a="1\n", d__old="x\n"), out)
    (out / "stray").write_text("left by hand\n")
    result = write(files(a="1\n"), out)
    assert sorted(result.stale) == ["d/old", "stray"]
    assert snapshot(out) == files(a="1\n")


def test_what_installing_the_output_leaves_is_not_stale(tmp_path: Path) -> None:
    """pip install ./generated builds in place (build/, <name>.egg-info/); importing from it writes __pycache__/:
    not nmsgen's files, so --check does not call the output out of date for them."""
    out = tmp_path / "gen"
    write(files(a="1\n", pkg__m="2\n"), out)
    for leftover in ("build/lib/pkg/m.py", "pkg.egg-info/PKG-INFO", "pkg/__pycache__/m.cpython-311.pyc"):
        (out / leftover).parent.mkdir(parents=True, exist_ok=True)
        (out / leftover).write_text("x")
    (out / "builder").write_text("left by hand\n")
    p = plan(files(a="1\n", pkg__m="2\n"), out)
    assert p.stale == ["builder"] and not p.changed


@pytest.mark.parametrize("bad", ["../x", "/etc/x", "a/../../b", "a\\..\\b", "a\x00b", "", "a//b", "./a"])
def test_paths_cannot_escape(bad: str, tmp_path: Path) -> None:
    with pytest.raises(WriteError):
        safe_relpath(bad)
    with pytest.raises(WriteError):
        write({bad: b"x"}, tmp_path / "gen")
    assert not (tmp_path / "x").exists()


def test_refuses_a_folder_nmsgen_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "project"
    out.mkdir()
    (out / "precious.txt").write_text("mine\n")
    with pytest.raises(WriteError, match="not empty"):
        write(files(a="1\n"), out)
    assert (out / "precious.txt").read_text() == "mine\n"


def test_refuses_a_symlinked_output_folder(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere"
    write(files(a="1\n"), real)
    link = tmp_path / "gen"
    link.symlink_to(real)
    with pytest.raises(WriteError, match="symbolic link"):
        write(files(a="2\n"), link)
    assert (real / "a").read_text() == "1\n"


def test_symlink_inside_output_is_replaced_not_followed(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    write(files(a="1\n"), out)
    victim = tmp_path / "victim"
    victim.write_text("keep\n")
    (out / "a").unlink()
    (out / "a").symlink_to(victim)
    write(files(a="2\n"), out)
    assert victim.read_text() == "keep\n"
    assert not (out / "a").is_symlink() and (out / "a").read_text() == "2\n"


def test_crash_midway_leaves_the_old_tree(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    old = files(a="old\n", b="old\n", c="old\n")
    write(old, out)
    with pytest.raises(SystemExit):
        write(files(a="new\n", b="new\n", c="new\n"), out, crash_after=2)
    assert snapshot(out) == old
    recover(out)  # the next run clears the leftover staging tree
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gen"]


@pytest.mark.slow
def test_kill_9_leaves_old_or_new_never_a_mix(tmp_path: Path) -> None:
    """A real SIGKILL at many moments of a large write: the folder is always one whole tree."""
    out = tmp_path / "gen"
    old = files(**{f"f{i}": "old\n" * 50 for i in range(300)})
    new = files(**{f"f{i}": "new\n" * 50 for i in range(300)})
    script = textwrap.dedent(f"""
        import sys; sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from generator.write import with_manifest, write
        files = with_manifest({{f"f{{i}}": "new\\n" * 50 for i in range(300)}})
        print("go", flush=True)
        write(files, Path({str(out)!r}))
    """)
    outcomes = set()
    for delay in (0.0, 0.01, 0.02, 0.04, 0.08, 0.15, 0.3):
        write(old, out)
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
        assert proc.stdout is not None
        proc.stdout.readline()
        if delay:
            subprocess.run(["sleep", str(delay)], check=True)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        recover(out)
        state = snapshot(out)
        assert state in (old, new), f"mixed tree after SIGKILL at {delay}s"
        outcomes.add("new" if state == new else "old")
    assert outcomes  # which one depends on timing; both are acceptable


def test_plan_reports_changes(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    write(files(a="1\n", b="2\n"), out)
    (out / "extra").write_text("x")
    p = plan(files(a="1\n", b="9\n", c="3\n"), out)
    assert sorted(p.changed) == [MANIFEST, "b", "c"]
    assert p.stale == ["extra"]
    assert p.unchanged == ["a"]
