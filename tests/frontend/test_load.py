"""Stage load: YAML -> data with positions; bounded, no tracebacks (property-tested)."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pytest import MonkeyPatch

from generator.diagnostics import Diagnostics, Position
from generator.frontend.load import MAX_DEPTH, _compose_cached, _resolve_plain, compose

from ..conftest import ROOT


def load(text: str) -> tuple[object, Diagnostics]:
    d = Diagnostics()
    f = compose(text, "m.yaml", d)
    return (f.data if f else None), d


def test_positions_point_at_keys() -> None:
    d = Diagnostics()
    f = compose("types:\n  Object:\n    fields:\n      flags: {type: FlagList}\n", "m.yaml", d)
    assert f is not None and not d.items
    assert f.where(("types", "Object", "fields", "flags")) == Position("m.yaml", 4, 7)
    assert f.where(("types", "Object", "fields", "flags", "type")) == Position("m.yaml", 4, 15)
    assert f.where(("types", "Object", "nope", "deeper")) == Position("m.yaml", 2, 3)  # nearest ancestor


def test_yaml_1_2_scalars() -> None:
    data, d = load("a: no\nb: yes\nc: on\nd: true\ne: 1.10\nf: 0755\ng: 22:22\nh: null\ni: '1'\nj: 0x1f\n")
    assert not d.items
    assert data == {
        "a": "no",
        "b": "yes",
        "c": "on",
        "d": True,
        "e": 1.1,
        "f": 755,
        "g": "22:22",
        "h": None,
        "i": "1",
        "j": 31,
    }


def test_duplicate_key_is_reported_with_both_lines() -> None:
    _, d = load("a: 1\nb: 2\na: 3\n")
    (diag,) = d.items
    assert diag.code == "yaml-duplicate-key" and diag.position == Position("m.yaml", 3, 1)
    assert "line 1" in diag.message


def test_aliases_within_budget_are_expanded() -> None:
    data, d = load("base: &b {x: 1}\ncopy: *b\n")
    assert not d.items and data == {"base": {"x": 1}, "copy": {"x": 1}}


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    data, d = load("\n".join(lines) + "\n")
    assert data is None and [x.code for x in d.items] == ["yaml-alias-bomb"]


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    data, d = load("a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert data is None and [x.code for x in d.items] == ["yaml-too-deep"]
    ok, d2 = load("a: " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2) + "\n")
    assert not d2.items and ok is not None


def test_tags_and_multiple_documents_are_refused() -> None:
    for text in ("a: !!python/object/apply:os.system [id]\n", "a: !custom 1\n", "a: 1\n---\nb: 2\n"):
        data, d = load(text)
        assert data is None and [x.code for x in d.items] == ["yaml-unsupported"], text


def test_complex_keys_are_refused() -> None:
    data, d = load("? [a, b]\n: 1\n")
    assert data is None and d.items[0].code == "yaml-unsupported"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_data_or_diagnostics_never_an_exception(text: str) -> None:
    d = Diagnostics()
    f = compose(text, "m.yaml", d)
    assert (f is None) == d.has_errors
    for diag in d.items:
        assert diag.position is not None and diag.position.line >= 1 and diag.position.column >= 1


def _read_differently_by_yaml_1_2(value: object) -> bool:
    if isinstance(value, str):
        return _resolve_plain(value) != value
    if isinstance(value, dict):
        return any(_read_differently_by_yaml_1_2(k) or _read_differently_by_yaml_1_2(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_read_differently_by_yaml_1_2(v) for v in value)
    return False


def test_yaml_1_2_numbers_pyyaml_leaves_unquoted() -> None:
    data, _ = load("a: 1e5\nb: 0E0\n")
    assert data == {"a": 100000.0, "b": 0.0}


# model text: control characters other than tab and line breaks are refused by the loader (test_model_text.py)
text_chars = st.characters(blacklist_categories=["Cs", "Cc"], whitelist_characters="\t\n\r")
scalars = st.one_of(st.text(text_chars, max_size=20), st.integers(-(10**6), 10**6), st.booleans(), st.none())
trees = st.recursive(
    scalars,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4), st.dictionaries(st.text(text_chars, min_size=1, max_size=8), kids, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(trees)
def test_agrees_with_pyyaml_on_what_its_dumper_writes(value: object) -> None:
    """Same data as PyYAML's own loader (the oracle) for any tree its dumper writes, except where
    YAML 1.1 and 1.2 disagree (PyYAML leaves "1e5" unquoted as a 1.1 string; 1.2 reads a number)."""
    assume(not _read_differently_by_yaml_1_2(value))
    text = yaml.safe_dump({"root": value}, allow_unicode=True)
    data, d = load(text)
    assert not d.items
    assert data == yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def test_a_file_from_the_cache_places_nodes_as_the_composed_one(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    """A file read from the cache keeps its positions as (line, column) pairs until the mapping is asked for:
    where() and under() answer as for the file just composed, for every node, an unknown path (its nearest
    located ancestor) and the root; asking for the mapping gives the same Positions."""
    monkeypatch.setenv("NMSGEN_CACHE_DIR", str(tmp_path))
    text = (ROOT / "spec" / "resources" / "objects.yaml").read_text()
    composed = _compose_cached(text, "objects.yaml", Diagnostics())
    cached = _compose_cached(text, "objects.yaml", Diagnostics())
    assert composed is not None and cached is not None and cached._located is not None  # read from the cache
    paths = [*composed.positions, ("resources", 0, "no-such-key", 3), ("no-such-section",), ()]
    assert [cached.where(p) for p in paths] == [composed.where(p) for p in paths]
    prefix = ("resources", 0, "operations")
    assert cached.under(prefix) == composed.under(prefix) and cached.under(prefix)
    assert cached.positions == composed.positions and cached.data == composed.data
    assert cached.where(("resources", 0, "no-such-key")) == composed.where(("resources", 0, "no-such-key"))
