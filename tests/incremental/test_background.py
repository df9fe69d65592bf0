"""The document's verdict, computed by a child while the files are emitted, still blocks a bad run."""

from __future__ import annotations

import functools
import gc
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline
from generator.checks import verify
from generator.incremental import background

from ..conftest import FIXTURES


def test_a_child_computes_the_result() -> None:
    parent = os.getpid()
    pending = background.start(lambda: ["from", os.getpid()])
    assert pending()[1] != parent and pending() == pending()


def test_a_failing_child_leaves_the_work_to_the_parent() -> None:
    calls: list[int] = []

    def work() -> int:
        calls.append(os.getpid())
        if os.getpid() != parent:
            raise RuntimeError("fails in the child")
        return 42

    parent = os.getpid()
    assert background.start(work)() == 42
    assert calls == [parent]  # the child's attempt died with it; the parent did the work


def test_an_invalid_document_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path / "cache"))

    def invalid(document: dict[str, Any]) -> verify.Verdict:
        return ("paths", "a planted error")

    monkeypatch.setattr(verify, "_validate", invalid)
    out = tmp_path / "out"
    result = pipeline.generate(FIXTURES / "minimal", out)
    assert [d.code for d in result.diagnostics.items] == ["openapi-invalid"]
    assert "a planted error" in result.diagnostics.render()
    assert result.plan is None and not out.exists()


def test_a_result_never_asked_for_stops_its_child() -> None:
    pending = background.start(lambda: time.sleep(60))
    started = time.perf_counter()
    del pending
    gc.collect()
    assert time.perf_counter() - started < 10  # the child was stopped, not waited for


def test_a_child_returns_any_picklable_value() -> None:
    parent = os.getpid()
    pending = background.start(lambda: (os.getpid(), {1, 2}, Path("x")), pickled=True)
    pid, numbers, path = pending()
    assert pid != parent and numbers == {1, 2} and path == Path("x")


def test_a_failing_pickled_child_leaves_the_work_to_the_parent() -> None:
    parent = os.getpid()

    def work(answer: int, dies: bool) -> int:
        if os.getpid() != parent:
            if dies:
                os._exit(3)
            raise RuntimeError("fails in the child")
        return answer

    assert background.start(functools.partial(work, 7, False), pickled=True)() == 7
    assert background.start(functools.partial(work, 8, True), pickled=True)() == 8


def test_the_impact_report_takes_the_other_side_from_its_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The child checks and emits the model with the change request; the parent checks only the baseline (it
    checked the other side again before) and writes the same report as a run without children."""
    spec = tmp_path / "spec"
    shutil.copytree(FIXTURES / "minimal", spec)
    (spec / "changes").mkdir()
    shutil.copy(FIXTURES / "changes" / "replace_thing.yaml", spec / "changes")
    monkeypatch.setenv("NMSGEN_CACHE_DIR", "off")
    parent, checked = os.getpid(), []
    real_check = pipeline.check

    def counted(*args: Any, **kwargs: Any) -> pipeline.Result:
        if os.getpid() == parent:
            checked.append(kwargs.get("with_") or kwargs.get("without") or ())
        return real_check(*args, **kwargs)

    monkeypatch.setattr(pipeline, "check", counted)
    result = pipeline.generate(spec, tmp_path / "out")
    assert result.ok and checked == [()], checked
    report = (tmp_path / "out" / "changes" / "replace_thing.md").read_text()
    assert "operation ReplaceThing added" in report
    monkeypatch.setattr(background, "start", lambda fn, pickled=False: background._inline(fn))
    checked.clear()
    assert pipeline.generate(spec, tmp_path / "inline").ok and checked == [(), ["replace_thing"]]
    assert (tmp_path / "inline" / "changes" / "replace_thing.md").read_text() == report
