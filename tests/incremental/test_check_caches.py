"""The cached verdict on the examples (verify): a run whose document and examples were checked before imports
no validator, and a change to either (an example's value or use, a schema of the document) is checked anew."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline
from generator.checks import verify
from generator.ir.model import Model

from ..conftest import ROOT


@pytest.fixture(scope="module")
def checked() -> tuple[Model, dict[str, Any]]:
    result = pipeline.check(ROOT / "spec")
    assert result.ok and result.model is not None
    return result.model, result.document


def uncached(model: Model, document: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    with monkeypatch.context() as m:
        m.setenv("NMSGEN_CACHE_DIR", "off")
        return verify.example_errors(model, document)


def with_example(model: Model, i: int, **changes: Any) -> Model:
    examples = list(model.examples)
    examples[i] = dataclasses.replace(examples[i], **changes)
    return dataclasses.replace(model, examples=examples)


def test_example_errors_follow_the_examples_and_the_document(
    checked: tuple[Model, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model, document = checked
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path))
    assert verify.example_errors(model, document) == []
    assert [p for p in (tmp_path / "example-errors").rglob("*") if p.is_file()], "the verdict is kept"
    assert verify.example_errors(model, document) == []

    # an example's value: a member the schema does not allow
    i, ex = next((i, e) for i, e in enumerate(model.examples) if isinstance(e.value, dict) and len(e.value) == 1)
    root = next(iter(ex.value))
    bad_value = {root: {**ex.value[root], "notAMember": 1}}
    bad = with_example(model, i, value=bad_value)
    found = verify.example_errors(bad, document)
    assert found == uncached(bad, document, monkeypatch) != []
    assert {e[0] for e in found} == {i}

    # the document: the example's body schema requires a member the example lacks
    doc = copy.deepcopy(document)
    schemas = doc["components"]["schemas"]
    name = next(n for n, s in schemas.items() if root in s.get("properties", {}) and len(s["properties"]) == 1)
    ref = schemas[name]["properties"][root].get("$ref", "")
    inner = schemas[ref.rsplit("/", 1)[-1]] if ref else schemas[name]["properties"][root]
    inner.setdefault("properties", {})["newRequired"] = {"type": "string"}
    inner["required"] = [*inner.get("required", []), "newRequired"]
    found = verify.example_errors(model, doc)
    assert found == uncached(model, doc, monkeypatch) != [], name

    # the rules an example is checked under: the wrong example read as a request (or as a response)
    bad_errors = verify.example_errors(bad, document)
    use = "request" if ex.use == "response" else "response"
    other = with_example(bad, i, use=use)
    found = verify.example_errors(other, document)
    assert found == uncached(other, document, monkeypatch) != bad_errors


def test_an_edit_of_the_paths_keeps_the_example_verdict(
    checked: tuple[Model, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The examples are validated against the components alone: an operation's new summary is no reason to
    validate them again (the verdict comes from the cache, no validator runs)."""
    model, document = checked
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path))
    assert verify.example_errors(model, document) == []
    doc = copy.deepcopy(document)
    op = next(o for item in doc["paths"].values() for o in item.values() if isinstance(o, dict) and "summary" in o)
    op["summary"] = "An edited summary."
    with monkeypatch.context() as m:
        m.setattr("openapi_schema_validator.OAS30ReadValidator", None)  # a validator run would fail
        m.setattr("openapi_schema_validator.OAS30WriteValidator", None)
        assert verify.example_errors(model, doc) == []
