"""The models module made by a forked child while the run emits the document's texts (generator/pipeline.py,
``start_models``): the same module as made in this process, a child only when the cache lacks it and this
process has imported datamodel-code-generator (which the child inherits), and a failure in the child raised
here."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline
from generator.emit import models
from generator.ir import index

from ..conftest import ROOT


@pytest.fixture(scope="module")
def checked() -> tuple[index.Index, dict[str, Any]]:
    result = pipeline.check(ROOT / "spec")
    assert result.model is not None and result.document is not None
    return index.of(result.model), result.document


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    started: list[object] = []
    start = pipeline.background.start
    monkeypatch.setattr(pipeline.background, "start", lambda fn, **kw: started.append(fn) or start(fn, **kw))
    return started


def test_a_child_makes_the_models_only_when_the_cache_lacks_them(
    checked: tuple[index.Index, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ix, document = checked
    monkeypatch.setenv("NMSGEN_CACHE_DIR", "off")
    expected = models.generate_models(document, ix.model.api.package)  # in this process
    started = _spy(monkeypatch)
    assert pipeline.start_models(ix, document)() == expected
    assert len(started) == 1, "no cache: every run makes the models, in a child"
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path))
    assert pipeline.start_models(ix, document)() == expected
    assert len(started) == 2
    assert pipeline.start_models(ix, document)() == expected, "read back from the cache the child filled"
    assert len(started) == 2, "the models in the cache: no child"


def test_a_process_without_datamodel_code_generator_makes_the_models_itself(
    checked: tuple[index.Index, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child would import it and lose it; a process that emits many models in a row runs it faster from its
    second run on (tests/emit/test_golden.py: 40 emissions)."""
    ix, document = checked
    monkeypatch.setenv("NMSGEN_CACHE_DIR", "off")
    expected = models.generate_models(document, ix.model.api.package)
    started = _spy(monkeypatch)
    with monkeypatch.context() as m:
        m.delitem(sys.modules, "datamodel_code_generator")
        made = pipeline.start_models(ix, document)
    assert started == [], "made when asked, in this process"
    assert made() == expected


def test_a_failure_in_the_child_is_raised_here(
    checked: tuple[index.Index, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ix, document = checked
    monkeypatch.setenv("NMSGEN_CACHE_DIR", "off")

    def broken(view: str, package: str) -> str:
        raise RuntimeError("datamodel-code-generator failed")

    models.preload()  # imported, as a run of the CLI has it: a child makes the models
    monkeypatch.setattr(models, "_datamodel_codegen", broken)
    started = _spy(monkeypatch)
    made = pipeline.start_models(ix, document)
    assert len(started) == 1
    with pytest.raises(RuntimeError, match="datamodel-code-generator failed"):
        made()
