"""Jinja rendering for code targets. Templates only read data; model text is data, never a template.

Environment: StrictUndefined (a missing attribute fails generation), keep_trailing_newline,
trim_blocks, lstrip_blocks. Escaping is on by default, the way autoescape works for HTML: every
``{{ ... }}`` must print a number or :class:`~generator.escape.Code`, the result of one of the escaping
filters of :mod:`generator.escape` (``pyrepr``, ``pyargs``, ``pystr``, ``pystrings``, ``fstr``, ``docstring``,
``comment``, ``ident``, ``name_part``; ``md`` and ``mdcode`` for Markdown templates) or a fragment an
emitter built from such results. A raw string is refused (:class:`~generator.escape.EscapeError`), so a
template cannot write model text without choosing its escaping. Macros and ``{% set %}`` blocks yield
already-printed template text and are accepted as such.
"""

from __future__ import annotations

import subprocess
from functools import cache
from typing import Any

import jinja2
import markupsafe
from ruff import find_ruff_bin  # type: ignore[import-untyped]  # ruff ships no type information

from .. import bundled, escape
from ..escape import Code, EscapeError

TEMPLATES = bundled("templates")


def _finalize(value: Any) -> Any:
    """What a ``{{ ... }}`` may print: escaped text (Code), template text (macro output), or a number."""
    if isinstance(value, markupsafe.Markup):  # a macro call or a {% set %} block: template text, already checked
        return value
    if isinstance(value, Code):
        return markupsafe.Markup(value)
    if isinstance(value, (int, jinja2.Undefined)):  # bool included (True/False); Undefined raises its own error
        return value
    raise EscapeError(
        f"a template prints {type(value).__name__} {value!r:.80} without an escaping filter "
        "(pyrepr, docstring, comment, ident, ... see generator/escape.py)"
    )


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=True,  # with _finalize: nothing prints unless escaped for its context
        finalize=_finalize,
    )
    env.filters.update(
        pyrepr=escape.py_literal,
        pyargs=escape.py_literals,
        pystr=escape.py_string,
        pystrings=escape.py_strings,
        fstr=lambda text: escape.py_string(text, fstring=True),
        docstring=escape.py_docstring,
        comment=escape.py_comment,
        ident=escape.py_identifier,
        name_part=escape.py_name_part,
        md=escape.markdown,
        mdcode=escape.markdown_code,
        tuple=tuple,
    )
    return env


def render(template: str, **data: Any) -> str:
    return environment().get_template(template).render(**data)


@cache
def _ruff() -> str:
    """The pinned ruff's binary, run directly (``python -m ruff`` would start an interpreter per file)."""
    return str(find_ruff_bin())


def format_python(files: dict[str, str], first_party: str) -> dict[str, str]:
    """Sort imports and format every ``.py`` file with the pinned ruff (line length 120), in memory.

    ``first_party`` is the generated package, so its imports sort as the project's own. First, every
    non-printable character left inside a string literal (by datamodel-code-generator, which writes
    descriptions and enum values as they are) becomes an escape (``escape.py_source_strings``).
    A formatter failure is a generator bug and raises.
    """
    settings = ["--isolated", "--line-length", "120", "--config", f"lint.isort.known-first-party = [{first_party!r}]"]
    out = {}
    for path, text in files.items():
        formatted = text
        if path.endswith(".py") and text:
            formatted = escape.py_source_strings(text)
            for step in (["check", "--select", "I", "--fix", "--exit-zero", "--quiet"], ["format"]):
                r = subprocess.run(
                    [_ruff(), *step, *settings, "--stdin-filename", path, "-"],
                    input=formatted, capture_output=True, text=True, check=False, timeout=60,
                )  # fmt: skip
                if r.returncode != 0:
                    raise RuntimeError(f"ruff {step[0]} failed on generated {path}: {r.stderr.strip()}")
                formatted = r.stdout
        out[path] = formatted
    return out
