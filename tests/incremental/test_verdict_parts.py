"""openapi-spec-validator's verdict, cached part by part (generator/checks/openapi_parts.py): an edit of one path
item validates that path item alone, and the verdict is always the one the whole document gets (its first error,
in the validator's words), whatever is planted where."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import pipeline
from generator.checks import openapi_parts, verify

from ..conftest import ROOT

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def document() -> Doc:
    result = pipeline.check(ROOT / "spec")
    assert result.ok
    return result.document


def counting(monkeypatch: pytest.MonkeyPatch) -> list[Doc]:
    """Every document openapi-spec-validator is given from now on."""
    seen: list[Doc] = []
    real = verify._validate

    def spy(doc: Doc) -> verify.Verdict:
        seen.append(doc)
        return real(doc)

    monkeypatch.setattr(verify, "_validate", spy)
    return seen


def test_the_parts_cover_the_document(document: Doc) -> None:
    parts = openapi_parts.split(document)
    assert parts is not None and [p.name for p in parts] == ["skeleton", *(f"paths/{u}" for u in document["paths"])]
    skeleton = parts[0].document()
    assert skeleton["paths"] == {} and skeleton["components"] == document["components"]
    for part in parts[1:]:
        doc = part.document()
        (url,) = doc["paths"]
        assert doc["paths"][url] is document["paths"][url]
        reached = {(s, n) for s, members in doc["components"].items() for n in members}
        refs = json.dumps(doc["paths"][url])
        for s, n in reached:  # only what the path item reaches, and all of it
            assert doc["components"][s][n] is document["components"][s][n]
        for ref in openapi_parts._REF.findall(refs):
            assert ref in reached
    assert all(verify._validate(p.document()) is None for p in parts)


def test_an_edited_path_item_is_validated_alone(document: Doc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path))
    seen = counting(monkeypatch)
    assert verify.openapi_verdict(document) is None
    assert seen == [document]  # a cold cache: the whole document, once
    seen.clear()
    assert verify.openapi_verdict(copy.deepcopy(document)) is None
    assert seen == []  # every part known valid: no validator runs

    doc = copy.deepcopy(document)
    url = sorted(doc["paths"])[3]
    verb = next(v for v in doc["paths"][url] if v in openapi_parts._OPERATIONS)
    doc["paths"][url][verb]["summary"] += " (edited)"
    assert verify.openapi_verdict(doc) is None
    assert [list(d["paths"]) for d in seen] == [[url]]  # that path item's part, nothing else
    seen.clear()
    assert verify.openapi_verdict(doc) is None and seen == []


def test_a_part_is_known_by_its_order_too(document: Doc) -> None:
    """The validator walks mappings in order (a schema's rules run at its first visit): a part whose members
    are reordered is a new part, not one judged before."""
    parts = openapi_parts.split(document)
    doc = copy.deepcopy(document)
    name, schema = next((n, s) for n, s in doc["components"]["schemas"].items() if len(s.get("properties", {})) > 1)
    schema["properties"] = dict(reversed(list(schema["properties"].items())))
    reordered = openapi_parts.split(doc)
    assert parts is not None and reordered is not None
    changed = [a.name for a, b in zip(parts, reordered, strict=True) if a.texts != b.texts]
    assert "skeleton" in changed and all(f"{name}=" in "".join(p.texts) for p in reordered if p.name in changed), (
        changed
    )


def test_most_parts_new_is_the_whole_document(document: Doc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path))
    assert verify.openapi_verdict(document) is None
    seen = counting(monkeypatch)
    doc = copy.deepcopy(document)
    for item in doc["paths"].values():
        for verb, op in item.items():
            if verb in openapi_parts._OPERATIONS:
                op["summary"] += " (edited)"
    assert verify.openapi_verdict(doc) is None
    assert seen == [doc]


def _nth_operation(doc: Doc, index: int) -> dict[str, Any]:
    items = doc["paths"].values()
    ops: list[dict[str, Any]] = [op for item in items for v, op in item.items() if v in openapi_parts._OPERATIONS]
    return ops[index % len(ops)]


def _nth_schema(doc: Doc, index: int, test: Callable[[dict[str, Any]], bool] = lambda s: True) -> dict[str, Any]:
    schemas: list[dict[str, Any]] = [s for s in doc["components"]["schemas"].values() if test(s)]
    return schemas[index % len(schemas)]


def _no_responses(doc: Doc, i: int) -> None:
    _nth_operation(doc, i).pop("responses", None)


def _duplicate_id(doc: Doc, i: int) -> None:
    _nth_operation(doc, i)["operationId"] = _nth_operation(doc, i + 1)["operationId"]


def _unknown_path_parameter(doc: Doc, i: int) -> None:
    url = sorted(doc["paths"])[i % len(doc["paths"])]
    doc["paths"][url + "/{nowhere}"] = doc["paths"].pop(url)


def _bad_default(doc: Doc, i: int) -> None:
    schema = _nth_schema(doc, i, lambda s: s.get("type") == "object")
    schema.setdefault("properties", {})["planted"] = {"type": "integer", "default": "not a number"}


def _allof_required(doc: Doc, i: int) -> None:
    schema = _nth_schema(doc, i, lambda s: "$ref" not in s)
    doc["components"]["schemas"]["Planted"] = {"allOf": [schema], "required": ["notAMember"]}
    _nth_operation(doc, i).setdefault("responses", {})["299"] = {
        "description": "planted",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Planted"}}},
    }


def _missing_component(doc: Doc, i: int) -> None:
    op = _nth_operation(doc, i)
    op.setdefault("responses", {})["299"] = {
        "description": "planted",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Nowhere"}}},
    }


def _bad_type(doc: Doc, i: int) -> None:
    _nth_schema(doc, i)["type"] = "text"


def _orphan_schema(doc: Doc, i: int) -> None:
    """A schema no path reaches: only the skeleton shows it."""
    doc["components"]["schemas"][f"Orphan{i}"] = {
        "type": "object",
        "properties": {"n": {"type": "integer", "default": "x"}},
    }


def _edit_summary(doc: Doc, i: int) -> None:
    _nth_operation(doc, i)["summary"] = f"edited {i}"


PLANTS = [
    _no_responses,
    _duplicate_id,
    _unknown_path_parameter,
    _bad_default,
    _allof_required,
    _missing_component,
    _bad_type,
    _orphan_schema,
    _edit_summary,
]


def _whole(doc: Doc) -> Any:
    try:
        return ("verdict", verify._validate(doc))
    except Exception as e:  # a document the validator cannot read: the same failure either way
        return ("raises", type(e).__name__)


def _check(document: Doc, cache_dir: Path, plants: list[tuple[Callable[[Doc, int], None], int]]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NMSGEN_CACHE_DIR", str(cache_dir))
        assert verify.openapi_verdict(document) is None
        doc = copy.deepcopy(document)
        for plant, i in plants:
            plant(doc, i)
        expected = _whole(doc)
        try:
            got: Any = ("verdict", verify.openapi_verdict(doc))
        except Exception as e:
            got = ("raises", type(e).__name__)
        assert got == expected, [p.__name__ for p, _ in plants]
        if expected == ("verdict", None):  # remembered: the next run says the same without a validator
            assert verify.openapi_verdict(doc) is None


@pytest.mark.parametrize("plant", [_orphan_schema, _allof_required, _edit_summary], ids=lambda p: p.__name__)
def test_a_planted_error_is_the_whole_documents(
    document: Doc, tmp_path: Path, plant: Callable[[Doc, int], None]
) -> None:
    _check(document, tmp_path, [(plant, 5)])


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plants=st.lists(st.tuples(st.sampled_from(PLANTS), st.integers(0, 200)), min_size=1, max_size=3))
def test_the_verdict_is_the_whole_documents(
    document: Doc, tmp_path_factory: pytest.TempPathFactory, plants: list[tuple[Callable[[Doc, int], None], int]]
) -> None:
    """Whatever is planted (on a cache that knows every part of the valid document): the verdict by parts is
    openapi-spec-validator's on the whole document, and a valid document is never judged invalid or back."""
    _check(document, tmp_path_factory.mktemp("cache"), plants)


def test_a_document_it_cannot_cut_is_judged_whole(document: Doc) -> None:
    doc = copy.deepcopy(document)
    url = next(iter(doc["paths"]))
    doc["paths"]["/elsewhere"] = {"$ref": f"#/paths/{url}"}
    assert openapi_parts.split(doc) is None
    doc = copy.deepcopy(document)
    _duplicate_id(doc, 0)
    assert openapi_parts.split(doc) is None  # unique operation ids: a rule across parts
