"""The escaping functions of generator/escape.py, one per target context, and the Python templates' discipline
(nothing is printed unless escaped). Each property is checked against the target's own parser: Python's
compiler and tokenizer (warnings as errors), markdown-it (CommonMark + GFM tables), html.parser, PyYAML and the
model loader."""

from __future__ import annotations

import ast
import io
import tokenize
import warnings
from html.parser import HTMLParser

import jinja2
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from generator import escape
from generator.diagnostics import Diagnostics
from generator.emit.render import environment
from generator.frontend.load import compose

# text with everything that has a meaning somewhere: quotes, backslashes and escape starts, separators,
# bidi and zero-width characters, controls, template and f-string syntax, markup
PIECES = [
    '"', "'", '"""', "'''", "\\", "\\N", "\\x", "\\u", "\\N{DASH}", "\\x4", "\\\n", "\u2028", "\u2029", "\x85",
    "\x00", "\x0b", "\x0c", "\r", "\r\n", "\n", "\t", "\u202e", "\u2066", "\u200b", "\ufeff", "\xa0", "{{ x }}",
    "{% if x %}", "{#", "{x}", "}", "f'{x}'", "<script>alert(1)</script>", '"><b data-pwn=1>', "&amp;", "`", "``",
    "|", "# ", "> ", "- ", "1. ", "*x*", "_x_", "[x](javascript:x)", "![x](y)", "<http://x>", "\U0001f600",
]  # fmt: skip
TEXT = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(st.characters(blacklist_categories=["Cs"]), max_size=6)),
    max_size=12,
).map("".join)


def compiles(source: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return ast.parse(source)


def visible(text: str) -> bool:
    return all(c == "\n" or c.isprintable() for c in text)


# ---------------------------------------------------------------- Python


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_py_literal_is_the_value(text: str) -> None:
    code = escape.py_literal(text)
    assert ast.literal_eval(compiles(f"x = {code}\n").body[0].value) == text  # type: ignore[attr-defined]
    assert visible(code) and "\n" not in code
    data = {"k": (text, 1, True, None), text: [text]}
    assert ast.literal_eval(escape.py_literal(data)) == data


@pytest.mark.parametrize("value", [{1, 2}, 1.5, object(), b"x", (1, {2})])
def test_py_literal_refuses_what_has_no_deterministic_literal(value: object) -> None:
    with pytest.raises(TypeError):
        escape.py_literal(value)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.sampled_from(["", "x", " (", "\n    "]), st.sampled_from(["", "x", ") ", "\n    "]))
def test_py_docstring_holds_any_text_wherever_it_stands(text: str, before: str, after: str) -> None:
    """Whatever the template writes around it, the docstring compiles (no invalid escape, no closing quote)
    and its value is the text."""
    body = escape.py_docstring(text)
    tree = compiles(f'def f() -> None:\n    """{before}{body}{after}"""\n')
    assert ast.get_docstring(tree.body[0], clean=False) == before + text + after  # type: ignore[arg-type]
    assert visible(body)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_py_string_inside_a_template_literal(text: str) -> None:
    plain = compiles(f'x = "{escape.py_string(text)}"\n')
    assert ast.literal_eval(plain.body[0].value) == text  # type: ignore[attr-defined]
    namespace: dict[str, object] = {"base": "B"}
    exec(compile(f'x = f"{{base}}{escape.py_string(text, fstring=True)}/"\n', "<f>", "exec"), namespace)
    assert namespace["x"] == f"B{text}/"


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, max_size=3))
def test_py_strings_is_a_tuple_of_the_texts(texts: list[str]) -> None:
    tree = compiles(f"x = {escape.py_strings(texts)}\n")
    assert ast.literal_eval(tree.body[0].value) == tuple(texts)  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_py_comment_stays_one_comment(text: str) -> None:
    source = f"x = 1  # {escape.py_comment(text)}\ny = 2\n"
    comments = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.COMMENT]
    assert len(comments) == 1
    assert [type(s).__name__ for s in compiles(source).body] == ["Assign", "Assign"]
    assert visible(source)


@pytest.mark.parametrize("name", ["", "a b", "class", "x-y", "ünï", "a\n", "1a", 'a"'])
def test_identifiers_are_checked_not_changed(name: str) -> None:
    with pytest.raises(escape.EscapeError):
        escape.py_identifier(name)
    assert escape.py_identifier("get_object") == "get_object"


@pytest.mark.parametrize("part", ["", "a b", "x-y", "ünï", "a\n", 'a"', "a.b"])
def test_identifier_parts_are_checked_not_changed(part: str) -> None:
    with pytest.raises(escape.EscapeError):
        escape.py_name_part(part)
    assert escape.py_name_part("24_282_r1") == "24_282_r1"


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_py_source_strings_spells_invisible_characters_as_escapes(text: str) -> None:
    """Python written by another tool (datamodel-code-generator keeps bidi controls and U+2028 raw in docstrings
    and enum values): the same values, every character visible."""
    visible_text = "".join(c for c in text if c not in "\x00\r")  # what a source file can hold raw at all
    doc = visible_text.replace("\\", "\\\\").replace('"', '\\"')
    source = f'class A:\n    """{doc}"""\n\n    R = {escape.py_literal(text)}\n    P = r"a\u202e\u200b"\n'
    out = escape.py_source_strings(source)
    assert visible(out)
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    exec(compile(source, "<before>", "exec"), before)
    exec(compile(out, "<after>", "exec"), after)
    a, b = before["A"], after["A"]
    assert (a.__doc__, a.R, a.P) == (b.__doc__, b.R, b.P)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- Markdown, HTML, YAML

MD = MarkdownIt("commonmark").enable("table")


def _inline_types(tokens: list[object]) -> set[str]:
    return {c.type for t in tokens for c in (getattr(t, "children", None) or [])}


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_markdown_cell_is_one_cell_of_text(text: str) -> None:
    escaped = escape.markdown(text)
    tokens = MD.parse(f"| a | b |\n|---|---|\n| {escaped} | z |\n")
    cells = [t for t in tokens if t.type == "td_open"]
    assert len(cells) == 2, escaped  # the text stayed in its cell, on its row
    assert not _inline_types(tokens) & {"html_inline", "link_open", "image", "code_inline"}


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_markdown_paragraph_makes_no_block(text: str) -> None:
    tokens = MD.parse(escape.markdown(text, block=True) + "\n")
    assert {t.type for t in tokens} <= {"paragraph_open", "inline", "paragraph_close"}
    assert not _inline_types(tokens) & {"html_inline", "link_open", "image", "code_inline"}


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_markdown_code_span_holds_the_text(text: str) -> None:
    tokens = MD.parse(f"| a |\n|---|\n| {escape.markdown_code(text)} |\n")
    spans = [c.content for t in tokens for c in (t.children or []) if c.type == "code_inline"]
    flat = " ".join(text.splitlines())
    if flat and "\x00" not in text:  # markdown-it reads NUL as U+FFFD
        one_space = len(flat) > 1 and flat[0] == flat[-1] == " " and flat.strip(" ")
        assert spans == [flat[1:-1] if one_space else flat]  # CommonMark drops one space on both sides


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.data = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.data += data


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_html_text_and_attribute(text: str) -> None:
    parser = _Tags()
    parser.convert_charrefs = True
    parser.feed(f'<p title="{escape.html(text)}">{escape.html(text)}</p>')
    parser.close()
    assert parser.tags == ["p"]
    assert parser.data == text


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_yaml_scalar_reads_back(text: str) -> None:
    scalar = escape.yaml_scalar(text)
    assert yaml.safe_load(f"k: {scalar}\n") == {"k": text}
    loaded = compose(f"k: {scalar}\n", "t.yaml", Diagnostics())  # the model loader (YAML 1.2 core schema)
    assert loaded is not None and loaded.data == {"k": text}


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_csv_cell_never_starts_like_a_formula(text: str) -> None:
    cell = escape.csv_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell == text or cell == "'" + text  # the text itself, behind the quote a spreadsheet hides


# ---------------------------------------------------------------- the templates' environment


def test_templates_print_nothing_unescaped() -> None:
    env = environment()
    with pytest.raises(escape.EscapeError, match="without an escaping filter"):
        env.from_string("x = {{ text }}\n").render(text='a" + evil() + "')
    with pytest.raises(escape.EscapeError):
        env.from_string("{{ items | join(', ') }}").render(items=["a", "b"])
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
    out = env.from_string(
        '{% macro m(t) %}x = {{ t | pyrepr }}{% endmacro %}{{ m(text) }}\n"""{{ text | docstring }}"""\n'
        "# {{ text | comment }}\nn = {{ 3 }}\nclass {{ name | ident }}: ...\n"
    ).render(text='a"""\\N\u2028', name="Thing")
    tree = compiles(out)
    assert ast.literal_eval(tree.body[0].value) == 'a"""\\N\u2028'  # type: ignore[attr-defined]
    assert [type(s).__name__ for s in tree.body] == ["Assign", "Expr", "Assign", "ClassDef"]


def test_every_template_filter_is_an_escaping_function() -> None:
    """The only filters a Python template may end an expression with are those of generator/escape.py (and
    ``tuple``, which feeds ``pyrepr``); none marks arbitrary text as safe."""
    env = environment()
    own = {name for name in env.filters if name not in jinja2.Environment().filters}
    assert own == {
        "pyrepr", "pyargs", "pystr", "pystrings", "fstr", "docstring", "comment", "ident", "name_part", "md", "mdcode",
        "tuple",
    }  # fmt: skip
    assert all(env.filters[f].__module__ == "generator.escape" for f in own - {"fstr", "tuple"})
