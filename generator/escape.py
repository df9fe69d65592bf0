"""Escaping: model text -> the syntax of one target, one function per context. Model text is data.

Every string of the model reaches a generated file through exactly one of these:

* Python (templates under ``templates/`` except ``docs/``, and the code fragments the emitters build):
  ``py_literal`` (a whole literal: ``repr`` of str/int/bool/None and of tuples, lists and dicts of them,
  so every quote, backslash and non-printable character is an escape), ``py_string`` (characters inside a
  double-quoted literal a template writes, f-string aware), ``py_docstring`` (text inside ``\"\"\"...\"\"\"``),
  ``py_comment`` (one ``#`` comment line). Names that become code are not escaped but checked:
  ``py_identifier`` and ``py_name_part`` raise :class:`EscapeError` for anything else, which is a generator bug
  (``validate`` refuses such names with a position first). All of them return :class:`Code`; the Python
  templates' environment (:mod:`generator.emit.render`) prints nothing else (and numbers). Python written by
  another tool (datamodel-code-generator's models) goes through ``py_source_strings``.
* HTML (``templates/docs/``): ``html``, markupsafe's escaping, the docs environment's finalize (and autoescape).
* Markdown (the traceability matrix, impact reports and their cover pages, the conformance kit's README):
  ``markdown`` for inline text (table cells, list items, paragraphs) and ``markdown_code`` for a code span.
* YAML: ``yaml_scalar``, one double-quoted scalar (the OpenAPI document itself is written by PyYAML's
  emitter, which quotes and escapes every scalar the same way).

Non-printable characters (controls, line and paragraph separators U+2028/U+2029, bidi controls, zero-width
characters, unassigned code points) become ``\\xNN``/``\\uNNNN``/``\\UNNNNNNNN`` escapes in Python text,
so a generated file shows no invisible text; HTML and Markdown keep them as characters (they cannot
change the markup there).
"""

from __future__ import annotations

import ast
import functools
import io
import json
import keyword
import re
import tokenize
from collections.abc import Iterable
from typing import Any

import markupsafe
import yaml
from markdown_it import MarkdownIt


class Code(str):
    """Target syntax (Python code or Markdown) that is safe to print as is: the result of an escaping function
    of this module, or a fragment an emitter built only from such results and names checked by ``validate``."""

    __slots__ = ()


NO_CODE = Code()  # an empty fragment (a dataclass default)


class EscapeError(ValueError):
    """A generator bug: a name that must be a Python identifier (part) is not one (``validate`` should have
    refused it), or a Python template printed a value without an escaping filter."""


_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(c: str) -> str:
    """``c`` as a Python string escape (the spelling ``repr`` uses)."""
    if c in _SHORT:
        return _SHORT[c]
    o = ord(c)
    if o < 0x100:
        return f"\\x{o:02x}"
    if o < 0x10000:
        return f"\\u{o:04x}"
    return f"\\U{o:08x}"


def _visible(c: str) -> bool:
    """A character that may stand for itself in generated Python text (``str.isprintable``: no controls,
    separators other than the space, format characters such as bidi controls and zero-width characters,
    surrogates, private-use or unassigned code points)."""
    return c.isprintable()


# ---------------------------------------------------------------- Python


def _literal_ok(value: Any) -> bool:
    if value is None or isinstance(value, (str, int)):  # bool is an int
        return True
    if isinstance(value, (tuple, list)):
        return all(_literal_ok(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, (str, int)) and _literal_ok(v) for k, v in value.items())
    return False


def py_literal(value: Any) -> Code:
    """A Python literal of ``value``: ``repr`` of a str, int, bool or None, or of tuples, lists and dicts of
    them. ``repr`` writes every quote, backslash and non-printable character (NUL, CR, U+2028, bidi and
    zero-width characters...) as an escape, and its result survives ``ruff format`` (which only changes the
    quote character). Other values (objects, floats, sets) are refused: their repr is no literal, or not
    deterministic."""
    if not _literal_ok(value):
        raise TypeError(f"no Python literal for {type(value).__name__} {value!r:.80}")
    return Code(repr(value))


def py_literals(values: Iterable[Any]) -> Code:
    """Comma-separated Python literals (call arguments such as ``pytest.mark.clause('A', 'B')``)."""
    return Code(", ".join(py_literal(v) for v in values))


def py_string(text: str, fstring: bool = False) -> Code:
    """The characters of ``text`` inside a double-quoted literal a template writes (``f"{base}TEXT/..."``):
    backslashes and double quotes escaped, non-printable characters as escapes, and in an f-string the
    braces doubled."""
    out = []
    for c in text:
        if c in {"\\", '"'}:
            out.append("\\" + c)
        elif fstring and c in "{}":
            out.append(c + c)
        elif _visible(c):
            out.append(c)
        else:
            out.append(_escape_char(c))
    return Code("".join(out))


def py_strings(values: Iterable[str]) -> Code:
    """A tuple of string literals written as the formatter writes them (double quotes), for the one-row-per-line
    tables a generated module keeps out of the formatter (``# fmt: off``)."""
    items = [f'"{py_string(v)}"' for v in values]
    return Code("(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")")


def py_docstring(text: str) -> Code:
    """``text`` inside a (non-raw) triple-double-quoted docstring, wherever the template puts it.

    Backslashes are doubled (no ``\\N``, ``\\x``, ``\\u`` or invalid escape can form, and a final backslash cannot
    escape the closing quotes); a double quote is escaped when another follows it or it ends the text (so
    neither ``\"\"\"`` nor a quote run into the closing quotes); non-printable characters but the line feed
    (NUL, CR, tab, U+2028/U+2029, bidi and zero-width characters, ...) become escapes. The docstring's
    value is then ``text`` itself."""
    out = []
    last = len(text) - 1
    for i, c in enumerate(text):
        if c == "\\":
            out.append("\\\\")
        elif c == '"' and (i == last or text[i + 1] == '"'):
            out.append('\\"')
        elif c == "\n" or _visible(c):
            out.append(c)
        else:
            out.append(_escape_char(c))
    return Code("".join(out))


def py_comment(text: str) -> Code:
    """``text`` as the rest of one ``#`` comment line: every run of whitespace (line breaks of any kind
    included: LF, CR, U+2028, ...) becomes one space, and any other non-printable character is written as
    its escape (a comment shows text; nothing in it is interpreted)."""
    return Code("".join(c if _visible(c) else _escape_char(c) for c in " ".join(text.split())))


def py_source_strings(source: str) -> str:
    """``source`` with every non-printable character inside a string literal written as an escape (the line
    feed of a triple-quoted string excepted): for Python made by another tool (datamodel-code-generator writes
    descriptions into docstrings and enum values as they are, bidi controls and U+2028 included). A raw or
    bytes literal holding one is rewritten as ``repr`` of its value; source that does not tokenize is
    returned unchanged (ruff reports it)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return source
    lines = io.StringIO(source).readlines()  # the lines the tokenizer numbered (split at LF only)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    edits: list[tuple[int, int, str]] = []
    for tok in tokens:
        text = tok.string
        if tok.type != tokenize.STRING or all(c == "\n" or _visible(c) for c in text):
            continue
        begin = starts[tok.start[0] - 1] + tok.start[1]
        end = starts[tok.end[0] - 1] + tok.end[1]
        prefix = text[: len(text) - len(text.lstrip("rRbBuUfF"))].lower()
        if "f" in prefix:
            continue  # generated f-strings carry no model text; left to the formatter
        if "r" in prefix or "b" in prefix:
            edits.append((begin, end, repr(ast.literal_eval(text))))
            continue
        out, i = [], 0
        while i < len(text):
            c = text[i]
            if c == "\\" and i + 1 < len(text):
                nxt = text[i + 1]
                out.append(c + nxt if nxt == "\n" or _visible(nxt) else "\\\\" + _escape_char(nxt))
                i += 2
                continue
            out.append(c if c == "\n" or _visible(c) else _escape_char(c))
            i += 1
        edits.append((begin, end, "".join(out)))
    for begin, end, new in reversed(edits):
        source = source[:begin] + new + source[end:]
    return source


def py_identifier(name: str) -> Code:
    """``name`` as a Python identifier (a function, class, parameter or test name): checked, not changed."""
    if not (isinstance(name, str) and name.isascii() and name.isidentifier() and not keyword.iskeyword(name)):
        raise EscapeError(f"{name!r} is not a Python identifier (a model name validate should have refused)")
    return Code(name)


_NAME_PART = re.compile(r"[A-Za-z0-9_]+")


def py_name_part(text: str) -> Code:
    """``text`` as part of a Python identifier (``test_{part}__...``): ASCII letters, digits and ``_`` only."""
    if not (isinstance(text, str) and _NAME_PART.fullmatch(text)):
        raise EscapeError(f"{text!r} cannot be part of a Python identifier")
    return Code(text)


# ---------------------------------------------------------------- HTML


def html(text: str) -> markupsafe.Markup:
    """``text`` as HTML character data or a quoted attribute value: ``& < > " '`` as character references."""
    return markupsafe.escape(text)


# ---------------------------------------------------------------- Markdown

_MD_SPECIAL = frozenset("\\`<[|")
_MD_BLOCK_START = re.compile(r"(?:[#>+*=_~-]|\d+[.)])")


def markdown(text: str, block: bool = False) -> Code:
    """``text`` as inline Markdown (a table cell, a list item, a paragraph): line breaks of any kind become
    spaces (a table row is one line) and the characters that would make markup of text are backslash-escaped:
    ``\\`` (so an escape stays an escape), ``|`` (a cell border), `````` ` `````` (a code span), ``<`` (raw HTML,
    autolinks) and ``[`` (links, images). With ``block``, where the text starts a line, its indentation is
    dropped and a leading block marker (``#``, ``>``, ``-``, ``+``, ``*``, ``=``, ``_``, ``~``, ``1.``)
    escaped. Emphasis characters are left alone: they style text but cannot make markup out of it."""
    out = "".join("\\" + c if c in _MD_SPECIAL else c for c in " ".join(text.splitlines()))
    if block:
        out = out.lstrip()  # an indented line would be a code block; a paragraph ignores the indentation anyway
        start = _MD_BLOCK_START.match(out)
        if start:
            out = out[: start.end() - 1] + "\\" + out[start.end() - 1 :]
    return Code(out)


def markdown_code(text: str) -> Code:
    """``text`` as a Markdown code span: fenced with one backtick more than its longest backtick run, line
    breaks as spaces, ``|`` escaped (GitHub tables split cells at ``|`` even inside code spans)."""
    flat = " ".join(text.splitlines()).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return Code(f"{fence}{pad}{flat}{pad}{fence}")


# ---------------------------------------------------------------- YAML


def yaml_scalar(text: str) -> str:
    """``text`` as one double-quoted YAML scalar (every non-printable character and quote escaped; YAML 1.1
    and 1.2 readers get ``text`` back, whatever it looks like: ``no``, ``1e5``, ``*a``, ``{x}``...)."""
    dumped: str = yaml.safe_dump(text, default_style='"', allow_unicode=False, width=2**31 - 1)
    return dumped.removesuffix("\n...\n").rstrip("\n")


# ---------------------------------------------------------------- TOML


def toml_string(text: str) -> Code:
    """``text`` as one TOML basic string: quote, backslash and every control character but tab escaped (JSON's
    string escapes are TOML's, and DEL is added)."""
    return Code(json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007F"))


# ---------------------------------------------------------------- CSV


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """``value`` as the text of a CSV cell a spreadsheet shows as text: a cell that starts like a formula
    (``=``, ``+``, ``-``, ``@``, tab, carriage return; OWASP "CSV injection") gets a leading ``'``, which
    spreadsheets read as "this is text" and do not display. Quoting is left to the csv module."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


# ---------------------------------------------------------------- Markdown as HTML, JSON in a script element


@functools.cache
def _markdown_it() -> Any:
    # CommonMark with raw HTML off (markdown-it escapes it as text), no images, links or autolinks: the page
    # loads nothing and links nowhere outside itself, whatever the model says
    md = MarkdownIt("commonmark", {"html": False}).disable(["image", "link", "autolink"])

    def breakable(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        # escaped as markdown-it does, with a line-break opportunity after each "/" of a long path
        text = str(markupsafe.escape(tokens[idx].content))
        return re.sub(r"(?<!&lt;)/(?=[\w{])", "/<wbr>", text) if len(text) > 24 else text

    def breakable_code(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        return f"<code>{breakable(renderer, tokens, idx, options, env)}</code>"

    md.add_render_rule("text", breakable)
    md.add_render_rule("code_inline", breakable_code)
    return md


def markdown_html(text: str) -> markupsafe.Markup:
    """Model text written in Markdown (code spans, "- " lists, emphasis, paragraphs) as HTML, rendered by
    markdown-it-py: every character of the text that is not Markdown syntax is escaped (``<b>`` stays the text
    ``<b>``), raw HTML is never passed through, and images and links are not rendered. Long runs of text get a
    ``<wbr>`` after each ``/`` (a path in prose may wrap on a phone)."""
    html = MARKDOWN_MEMO.get(text)
    if html is None:
        html = MARKDOWN_MEMO[text] = _markdown_it().render(text)
    MARKDOWN_USED.add(text)
    return markupsafe.Markup(html)


# text -> its HTML as markdown_html renders it: a text met again (the same description on many schemas, or on a
# page rendered before: generator/reports/docs.py keeps the table of the texts it used in the cache) is rendered
# once; and the texts rendered since the last MARKDOWN_USED.clear()
MARKDOWN_MEMO: dict[str, str] = {}
MARKDOWN_USED: set[str] = set()
MARKDOWN_MEMO_LIMIT = 20_000  # texts; beyond, a long-lived process keeps those of its last page only (docs.emit)


def json_script(value: Any) -> markupsafe.Markup:
    """``value`` as JSON inside ``<script type="application/json">``: a script element's text is not HTML-decoded,
    so ``<``, ``>`` and ``&`` are JSON escapes (``\\u003c`` ...), never ``</script>``."""
    text = json.dumps(value, ensure_ascii=True, sort_keys=False, separators=(",", ":"))
    return markupsafe.Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
