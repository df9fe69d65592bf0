"""Example bodies written by us (spec/examples) against the document's own schemas.

Every JSON request and response body type has an example; each example validates against its
root-wrapped body schema (write rules for requests, read rules for responses); and wrong bodies
built from each example (unwrapped, extra members, a missing required member, a number sent as a
string, a single element instead of an array) are rejected.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator

from generator import pipeline
from generator.emit import openapi as emit_openapi
from generator.ir import index
from generator.ir.model import Model
from generator.ir.names import body_schema_name

from ..conftest import ROOT


@pytest.fixture(scope="module")
def model() -> Model:
    result = pipeline.check(ROOT / "spec")
    assert result.model is not None
    return result.model


@pytest.fixture(scope="module")
def doc(model: Model) -> dict[str, Any]:
    return emit_openapi.build_document(index.of(model))


def body_types(model: Model) -> tuple[set[str], set[str]]:
    """JSON body types used by requests and by responses (multipart parts count as requests)."""
    req: set[str] = set()
    resp: set[str] = set()
    for op in [*model.operations, *(o for r in model.callbacks.values() for o in r.operations)]:
        for b in op.request:
            if b.type:
                req.add(b.type)
            req.update(p.type for p in b.parts if p.type)
        for r in op.responses:
            resp.update(b.type for b in r.bodies if b.type)
    return req, resp


def validator(doc: dict[str, Any], type_name: str, write: bool) -> Any:
    schema = {
        "$ref": f"#/components/schemas/{body_schema_name(type_name)}",
        "components": doc["components"],
    }
    cls = OAS30WriteValidator if write else OAS30ReadValidator
    return cls(schema, format_checker=FormatChecker())


def test_every_body_type_has_an_example(model: Model) -> None:
    req, resp = body_types(model)
    have = {e.type for e in model.examples}
    assert sorted((req | resp) - have) == []


def _cases(model: Model) -> list[tuple[str, str, bool]]:
    """(example, type, write?): requests follow the write rules, responses the read rules."""
    modes = {"request": [True], "response": [False], "both": [True, False]}
    return [(e.name, e.type, write) for e in model.examples for write in modes[e.use]]


def test_examples_are_used_as_their_types_are(model: Model) -> None:
    """An example marked request (response) names only operations whose requests (responses) carry its type."""
    req, resp = body_types(model)
    for e in model.examples:
        if e.use in ("request", "both"):
            assert e.type in req, e.name
        if e.use in ("response", "both"):
            assert e.type in resp or e.type not in req, e.name


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "example_case" in metafunc.fixturenames:
        result = pipeline.check(ROOT / "spec")
        assert result.model is not None
        cases = _cases(result.model)
        metafunc.parametrize("example_case", cases, ids=[f"{n}-{'write' if w else 'read'}" for n, _, w in cases])


def _example(model: Model, name: str) -> Any:
    return next(e.value for e in model.examples if e.name == name)


@pytest.mark.clause("OMA-COMMON-JSON", "OMA-NMS-App.D")
def test_example_is_valid(example_case: tuple[str, str, bool], model: Model, doc: dict[str, Any]) -> None:
    name, type_name, write = example_case
    errors = sorted(str(e.message) for e in validator(doc, type_name, write).iter_errors(_example(model, name)))
    assert errors == [], f"example {name!r} ({'request' if write else 'response'}) does not match {type_name}"


def _wrong_bodies(model: Model, name: str, type_name: str) -> list[tuple[str, Any]]:
    value = _example(model, name)
    root = model.types[type_name].root
    assert root is not None and isinstance(value, dict) and list(value) == [root]
    inner = value[root]
    wrong: list[tuple[str, Any]] = [("unwrapped", inner), ("extra root member", {**value, "boxId": "bob"})]
    t = model.types[type_name]
    if isinstance(inner, dict):
        wrong.append(("extra member", {root: {**inner, "owner": "bob"}}))
        for f in t.fields:
            if f.required and f.name in inner:
                wrong.append((f"missing {f.name}", {root: {k: v for k, v in inner.items() if k != f.name}}))
            if f.name in inner and f.type in ("unsignedLong", "unsignedInt", "unsignedShort") and not f.array:
                bad = copy.deepcopy(value)
                bad[root][f.name] = str(inner[f.name])
                wrong.append((f"{f.name} as a string", bad))
            if f.name in inner and f.array and isinstance(inner[f.name], list) and inner[f.name]:
                bad = copy.deepcopy(value)
                bad[root][f.name] = inner[f.name][0]
                wrong.append((f"{f.name} not an array", bad))
    elif inner is None and not t.is_empty:
        pass
    else:
        wrong.append(("wrong JSON type", {root: 12345} if isinstance(inner, (str, type(None))) else {root: "x"}))
    return wrong


@pytest.mark.clause("OMA-COMMON-JSON")
def test_wrong_bodies_are_rejected(example_case: tuple[str, str, bool], model: Model, doc: dict[str, Any]) -> None:
    name, type_name, write = example_case
    v = validator(doc, type_name, write)
    wrong = _wrong_bodies(model, name, type_name)
    assert len(wrong) >= 2
    accepted = [what for what, body in wrong if v.is_valid(body)]
    assert accepted == [], f"example {name!r}: these wrong bodies were accepted: {accepted}"
