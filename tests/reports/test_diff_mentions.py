"""The diff's mention index (one scan of the changed units) answers what one look-behind search per unit and
token answered before."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from generator.reports.diff.attribute import Mentions, _mentions

# name characters, the separators tokens hold (paths, dotted names, quoted values) and a non-ASCII letter
CHARS = st.sampled_from(list("ab1_-./{} '\"\né"))
TEXTS = st.lists(st.text(CHARS, max_size=40), max_size=4)
TOKENS = st.lists(st.text(CHARS, max_size=6), max_size=6)


@given(TEXTS, TOKENS)
def test_index_answers_what_the_search_answers(texts: list[str], tokens: list[str]) -> None:
    index = Mentions(texts)
    for token in tokens:
        assert index(token) == any(_mentions(text, token) for text in texts), token


@given(TEXTS, st.lists(st.tuples(st.integers(0, 160), st.integers(1, 8)), max_size=8))
def test_tokens_cut_from_the_texts(texts: list[str], cuts: list[tuple[int, int]]) -> None:
    """Tokens cut out of the texts themselves, so that most are mentioned somewhere or nearly."""
    joined = "\n".join(texts)
    tokens = [joined[i : i + n] for i, n in cuts] + joined.split()
    index = Mentions(texts)
    for token in tokens:
        assert index(token) == any(_mentions(text, token) for text in texts), token


def test_whole_names_only() -> None:
    index = Mentions(["def get_object(x): return ObjectList", "path: /objects/{objectId}"])
    assert index("get_object") and index("ObjectList") and index("/objects/{objectId}")
    assert not index("get_obj") and not index("Object") and not index("objects/{objectI")
    assert not Mentions(["ab-c", "x_ab"])("ab") and Mentions(["(ab-c)"])("ab-c")
    assert index("'x") is False and Mentions(["a 'x' b"])("'x'")
