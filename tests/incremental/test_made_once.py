"""cache.made_once: an entry asked for by several processes at once is made by one of them (the two sides of
an impact report, made by two processes, have the same models); a maker that stopped without writing it, or
that takes too long, never leaves the others without the value."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.incremental import cache

from ..conftest import ROOT

MAKE = """
import os, sys, time
from pathlib import Path
from generator.incremental import cache
calls = Path(sys.argv[1])

def make():
    with calls.open("a") as fh:
        fh.write(f"{os.getpid()}\\n")
    time.sleep(0.6)
    return b"the value"

print(cache.made_once("models", "k" * 64, make).decode())
"""


def test_two_processes_asking_at_once_make_it_once(tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    env = {**os.environ, "NMSGEN_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    runs = [
        subprocess.Popen([sys.executable, "-c", MAKE, str(calls)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [r.communicate(timeout=60)[0] for r in runs]
    assert outs == ["the value\n", "the value\n"]
    assert len(calls.read_text().splitlines()) == 1
    assert not list((tmp_path / "cache").rglob("*.lock"))


def _lock(tmp_path: Path, pid: int) -> Path:
    root = tmp_path / "cache"
    lock = Path(cache._path(root, "models", "k" * 64) + ".lock")
    lock.parent.mkdir(parents=True)
    lock.write_text(str(pid))
    return lock


def test_a_lock_left_by_a_stopped_process_is_taken_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path / "cache"))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    lock = _lock(tmp_path, int(gone.stdout))
    started = time.monotonic()
    assert cache.made_once("models", "k" * 64, lambda: b"made here") == b"made here"
    assert time.monotonic() - started < 5 and not lock.exists()
    assert cache.get("models", "k" * 64) == b"made here"


def test_a_maker_that_takes_too_long_is_not_waited_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "WAIT", 0.3)
    _lock(tmp_path, os.getppid())  # a live process that will never write the entry
    assert cache.made_once("models", "k" * 64, lambda: b"made here") == b"made here"


def test_without_a_cache_it_is_made_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", "off")
    made: list[int] = []
    for _ in range(2):
        assert cache.made_once("models", "k" * 64, lambda: made.append(1) or b"v") == b"v"
    assert len(made) == 2
