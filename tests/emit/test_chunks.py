"""The OpenAPI document joined from cached pieces is byte for byte the text of one dump of the whole."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import pipeline
from generator.emit import chunks
from generator.emit.chunks import yaml_dump

from ..conftest import FIXTURES, ROOT


def whole(doc: dict[str, Any]) -> tuple[str, str]:
    return json.dumps(doc, indent=2, ensure_ascii=False), yaml_dump(doc)


def joined(doc: dict[str, Any]) -> tuple[str, str]:
    return chunks.json_text(doc), chunks.yaml_text(doc, yaml_dump)


def test_the_real_documents() -> None:
    for spec in (ROOT / "spec", FIXTURES / "minimal"):
        doc = pipeline.check(spec).document
        assert doc
        assert joined(doc) == whole(doc)
        assert joined(doc) == whole(doc)  # the second time from the cache


TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=150)
SCALAR = st.one_of(TEXT, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=12,
)
MAPPING = st.dictionaries(TEXT, VALUE, max_size=4)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    MAPPING,
    st.one_of(MAPPING, st.dictionaries(st.integers(), VALUE, max_size=2)),
    MAPPING,
    st.sampled_from(["paths", "components"]),
)
def test_any_document(top: dict[str, Any], paths: dict[Any, Any], schemas: dict[str, Any], first: str) -> None:
    """Odd keys and texts (quotes, line breaks, long lines, non-ASCII), empty and non-text-keyed mappings."""
    doc: dict[str, Any] = {first: {}, **top}
    doc["paths"] = paths
    doc["components"] = {"schemas": schemas, "other": top}
    assert joined(doc) == whole(doc)


@given(VALUE)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_indented_json_is_json_dumps(value: Any) -> None:
    assert chunks.json_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_indented_json_of_what_json_writes_otherwise() -> None:
    odd: list[Any] = [
        {2: "int key", None: 2.5, True: [float("inf"), float("-inf"), float("nan")]},
        ("a", ("b",), {}),
        [[], {}, "", 0, -0.0, 1e300, 2**70, '\u2028\x00"\\'],
    ]
    for value in odd:
        assert chunks.json_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)
    with pytest.raises(TypeError):
        chunks.json_indented({"a": object()})
