"""The console script's process (generator.cli.run): the collector's threshold raised for one run, and an exit
that skips the interpreter's teardown but keeps what a normal exit gives: the status, the flushed output, the
exit handlers."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from generator import cli

from ..conftest import ROOT


def _run(code: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # a pipe's output is held in a buffer
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


PRELUDE = (
    "import atexit, sys\n"
    "from generator import cli\n"
    "atexit.register(lambda: print('exit handler ran', file=sys.stderr))\n"
    "print('buffered before the run', end='')\n"  # stdout is a pipe: block-buffered, lost without a flush
)


@pytest.mark.parametrize(
    ("args", "status", "said"),
    [
        (["--version"], 0, "nmsgen "),
        (["generate", "--no-such-option"], 2, "No such option"),
        (["validate", "--spec", "/no/such/folder"], 1, "does not exist"),
    ],
)
def test_run_keeps_status_output_and_exit_handlers(args: list[str], status: int, said: str) -> None:
    r = _run(PRELUDE + f"cli.run({args!r})\n")
    assert r.returncode == status, r.stderr
    assert r.stdout.startswith("buffered before the run")
    assert said in r.stdout + r.stderr
    assert r.stderr.rstrip().endswith("exit handler ran")


def test_a_text_status_is_printed_and_fails() -> None:
    r = _run(PRELUDE + "cli._leave('stopped: reason')\n")
    assert r.returncode == 1
    assert "stopped: reason" in r.stderr and r.stdout == "buffered before the run"


def test_run_raises_the_collector_threshold() -> None:
    r = _run("import gc, sys\nfrom generator import cli\nsys.argv = ['nmsgen', '--version']\n"
             "import atexit\natexit.register(lambda: print(gc.get_threshold()))\ncli.run()\n")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == str(cli.GC_THRESHOLD)
