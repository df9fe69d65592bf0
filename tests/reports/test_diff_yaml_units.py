"""The diff cuts a YAML document into its units by lines and parses only the units whose text differs; the
changed units are those of the documents parsed whole."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.emit.chunks import yaml_document
from generator.reports.diff.changes import Change

from ..conftest import ROOT

attribute = importlib.import_module("generator.reports.diff.attribute")

DOCUMENTS = ["openapi/openapi.yaml", "openapi/TS24282_MCData_MessageStore.yaml"]


def whole(old: str | None, new: str | None) -> list[str]:
    """The changed units of both documents parsed whole (what the diff computed before)."""
    units = attribute._units
    return attribute._changed(units(".yaml", old) if old else {}, units(".yaml", new) if new else {})


@pytest.mark.slow
@pytest.mark.parametrize("path", DOCUMENTS)
def test_our_documents_are_cut_not_parsed(path: str) -> None:
    text = (ROOT / "generated" / path).read_text(encoding="utf-8")
    slices = attribute._yaml_slices(text)  # raises when the layout is not the one the writer makes
    units = attribute._units(path, text)
    assert sorted(slices) == sorted(units)
    assert {k: attribute._slice_unit(k, *v) for k, v in slices.items()} == units
    edited = text.replace("    get:\n", "    get:\n      x-edited: true\n", 1)
    assert attribute._changed_yaml(text, edited) == whole(text, edited) != []


KEYS = st.sampled_from(["a", "B_1", "/x/{id}", "true", "200", "a: b", "x y", "'q'", "-d", "é", "null", "#h", ""])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 300),
    st.text(st.sampled_from(list("ab :#-'\"\n\t{}é")), max_size=30),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)),
    max_leaves=8,
)
OPERATIONS = st.dictionaries(KEYS, st.dictionaries(KEYS, VALUES, max_size=3), max_size=3)
DOCS = st.fixed_dictionaries(
    {"openapi": st.just("3.0.3"), "paths": st.dictionaries(KEYS, OPERATIONS, max_size=3)},
    optional={
        "info": st.dictionaries(KEYS, VALUES, max_size=2),
        "components": st.dictionaries(st.sampled_from(["schemas", "x y", "200"]), OPERATIONS, max_size=2),
        "tags": st.lists(VALUES, max_size=2),
    },
)


def edit(doc: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """A copy of ``doc`` with one unit (or the rest of the document) changed, added or removed."""
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in doc.items()}
    where = data.draw(st.sampled_from(["paths", "components", "info"]))
    group = out.setdefault(where, {})
    if not isinstance(group, dict):
        return out
    key = data.draw(KEYS)
    group[key] = data.draw(VALUES if where == "info" else OPERATIONS)
    for k in data.draw(st.lists(st.sampled_from(sorted(group) or [""]), max_size=1)):
        group.pop(k, None)
    return out


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(DOCS, st.data())
def test_cut_units_are_the_parsed_units(doc: dict[str, Any], data: st.DataObject) -> None:
    old = yaml_document(doc)
    new = yaml_document(edit(doc, data))
    for a, b in [(old, new), (new, old), (old, None), (None, new), (old, old)]:
        assert attribute._changed_yaml(a, b) == whole(a, b)


def test_a_layout_of_another_writer_is_parsed_whole() -> None:
    flow = "paths: {/a: {get: {summary: one}}}\n"
    indented = "paths:\n    /a:\n        get:\n            summary: two\n"
    with pytest.raises(attribute._Unsplittable):
        attribute._yaml_slices(flow)
    assert attribute._changed_yaml(flow, indented) == whole(flow, indented) != []


def test_the_yaml_document_has_the_units_of_its_json_twin(monkeypatch: pytest.MonkeyPatch) -> None:
    """The diff answers for openapi.yaml with openapi.json's units: written from one value, they have the same;
    the files a change touches are the same as when each is cut on its own."""
    files = {
        p: (ROOT / "generated" / p).read_text(encoding="utf-8")
        for p in ("openapi/openapi.yaml", "openapi/openapi.json")
    }
    for yaml_path, json_path in attribute.TWINS.items():
        assert attribute._units(yaml_path, files[yaml_path]) == attribute._units(json_path, files[json_path])
    edited = {p: t.replace("MCData-8", "MCData-9") for p, t in files.items()}
    changes = [
        Change("operation", "operation:X", "changed", "breaking", "X changed", tokens=(token,))
        for token in ("MCData-9", "MCData-8", '"MCData-9"', "nothing-of-this")
    ]
    monkeypatch.setenv("NMSGEN_CACHE_DIR", "off")
    twinned = attribute.attribute(changes, files, edited)
    monkeypatch.setattr(attribute, "TWINS", {})
    assert attribute.attribute(changes, files, edited) == twinned
    assert [c.files for c in twinned] == [tuple(sorted(files)), tuple(sorted(files)), tuple(sorted(files)), ()]
