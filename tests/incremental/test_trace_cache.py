"""The matrix's files come from the cache only for an equal matrix: any change to it (a row's text, an artifact,
a citation marked unverified, test results) writes them anew, as without the cache."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import pipeline
from generator.reports import trace

from ..conftest import FIXTURES


@pytest.fixture(scope="module")
def matrix() -> trace.Trace:
    result = pipeline.check(FIXTURES / "minimal")
    assert result.ok and result.model is not None
    return pipeline.traceability(result.model, result.document)


def uncached(m: trace.Trace, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    with monkeypatch.context() as mp:
        mp.setenv("NMSGEN_CACHE_DIR", "off")
        return trace.emit(m)


def _text(m: trace.Trace) -> None:
    m.rows[0].text += " (edited)"


def _artifact(m: trace.Trace) -> None:
    m.rows[0].artifacts.append({"file": "mcdata_store/server.py", "symbol": "elsewhere", "line": 7})


def _unverified(m: trace.Trace) -> None:
    cited = next(c for c in m.citations if m.row(c.clause) is not None and c.location in m.row(c.clause).tests)  # type: ignore[union-attr]
    trace.mark_unverified(m, cited)


def _results(m: trace.Trace) -> None:
    m.rows[0].results = {"passed": 1, "failed": 0, "skipped": 0}


@pytest.mark.parametrize("change", [_text, _artifact, _unverified, _results], ids=lambda f: f.__name__[1:])
def test_a_changed_matrix_is_written_anew(
    matrix: trace.Trace, change: Callable[[trace.Trace], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path))
    before = trace.emit(matrix)
    assert before == uncached(matrix, monkeypatch)
    edited = copy.deepcopy(matrix)
    change(edited)
    after = trace.emit(edited)
    assert after == uncached(edited, monkeypatch) != before


def test_an_equal_matrix_comes_from_the_cache(
    matrix: trace.Trace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path))
    first = trace.emit(matrix)
    calls: list[str] = []
    real = trace.to_markdown

    def spy(m: trace.Trace) -> str:
        calls.append("md")
        return real(m)

    monkeypatch.setattr(trace, "to_markdown", spy)
    assert trace.emit(copy.deepcopy(matrix)) == first and calls == []
