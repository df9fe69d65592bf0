"""The document's verdict, computed by a child while the files are emitted, still blocks a bad run."""

from __future__ import annotations

import gc
import os
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
