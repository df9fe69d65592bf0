"""The trace's one-pass scans find exactly what the per-line alternation and per-lookup scans found before."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from generator.reports.scan import Ids as _Ids
from generator.reports.scan import _innermost
from generator.reports.trace import _openapi_artifacts

# ids shaped like the registry's (OMA-NMS-6.2, 24.282-21.1-CR2, OP-X) and short ones that collide often
ID_CHARS = st.sampled_from(list("AB12.-_x"))
IDS = st.lists(st.text(ID_CHARS, min_size=1, max_size=6), min_size=1, max_size=8, unique=True)
LINE = st.text(st.sampled_from(list("AB12.-_x #:/()'\"é")), max_size=60)


def alternation(ids: list[str]) -> re.Pattern[str]:
    """The rule as the trace stated it before: the longest id with its boundaries, per line."""
    alternatives = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    return re.compile(rf"(?<![\w.-])({alternatives})(?![\w-]|\.\w)")


@given(IDS, st.lists(LINE, max_size=5))
def test_id_scan_finds_what_the_alternation_finds(ids: list[str], lines: list[str]) -> None:
    scan, rule = _Ids(ids), alternation(ids)
    assert scan.alternation is None
    for line in lines:
        assert scan.findall(line) == rule.findall(line)


@given(IDS, st.lists(LINE, max_size=5))
def test_id_scan_with_ids_in_the_text(ids: list[str], words: list[str]) -> None:
    """Lines built from the ids themselves, so that most runs hold candidates."""
    line = " ".join(w + i for w, i in zip(words, ids, strict=False)) + " " + ".".join(ids) + ". " + "-".join(ids)
    assert _Ids(ids).findall(line) == alternation(ids).findall(line)


def test_ids_with_other_characters_fall_back_to_the_alternation() -> None:
    ids = ["RFC 6750 2.1", "OMA-NMS-6.2"]
    line = "see RFC 6750 2.1 and OMA-NMS-6.2. and OMA-NMS-6.2.1"
    assert _Ids(ids).findall(line) == alternation(ids).findall(line) == ["RFC 6750 2.1", "OMA-NMS-6.2"]


SPANS = st.lists(
    st.tuples(st.integers(1, 30), st.integers(0, 10), st.sampled_from(["a", "b", "c", "d"])).map(
        lambda t: (t[0], t[0] + t[1], t[2])
    ),
    max_size=8,
)


@given(SPANS)
def test_innermost_span_is_the_smallest_first_listed(spans: list[tuple[int, int, str]]) -> None:
    symbols = _innermost(spans, 40)
    for line in range(1, 41):
        inner = [s for s in spans if s[0] <= line <= s[1]]
        assert symbols[line] == (min(inner, key=lambda s: s[1] - s[0])[2] if inner else "(module)")


def test_openapi_lines_are_the_first_that_read_so() -> None:
    text = "paths:\n  /a:\n    get:\n      operationId: getA\n  Thing:\ncomponents:\n  schemas:\n    Thing:\n"
    document = {
        "x-nmsgen-clauses": ["C-1"],
        "paths": {"/a": {"get": {"operationId": "getA", "x-nmsgen-clauses": ["C-2"]}}},
        "components": {"schemas": {"Thing": {"x-nmsgen-clauses": ["C-3"]}, "Gone": {"x-nmsgen-clauses": ["C-4"]}}},
    }
    lines = {c: loc["line"] for c, loc in _openapi_artifacts("openapi.yaml", text, document)}
    assert lines == {"C-1": 1, "C-2": 4, "C-3": 5, "C-4": 0}
