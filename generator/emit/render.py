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
import tempfile
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

import jinja2
import markupsafe
from ruff import find_ruff_bin  # type: ignore[import-untyped]  # ruff ships no type information

from .. import bundled, escape
from ..escape import Code, EscapeError
from ..incremental import cache as nmscache

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
        bytecode_cache=nmscache.jinja_bytecode("code"),  # compiled once, kept in the cache
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


def compile_templates() -> None:
    """Compile the code templates now (the docs page's: ``generator.reports.docs``), so that the children forked
    next inherit them instead of compiling them again."""
    env = environment()
    for name in env.list_templates(extensions=["jinja"]):
        if not name.startswith("docs/"):
            env.get_template(name)


@cache
def _ruff() -> str:
    """The pinned ruff's binary, run directly (``python -m ruff`` would start an interpreter per run)."""
    return str(find_ruff_bin())


class Unformatted(NamedTuple):
    """What an emitter renders: its files, the Python ones not formatted yet, and the package whose imports
    sort as the project's own. :func:`format_python` formats the Python files of any number of them at once."""

    files: dict[str, str]
    first_party: str


def _settings(first_party: str) -> list[str]:
    return ["--isolated", "--line-length", "120", "--config", f"lint.isort.known-first-party = [{first_party!r}]"]


def _run_ruff(files: dict[str, str], first_party: str) -> dict[str, str]:
    """Sort the imports of and format ``files`` (path -> source) with one ``ruff check`` and one ``ruff format``
    over a temporary copy, instead of two processes per file."""
    with tempfile.TemporaryDirectory(prefix="nmsgen-ruff-") as tmp:
        root = Path(tmp)
        names = []
        for i, (path, text) in enumerate(files.items()):
            # one folder per file keeps its name (ruff's rules look at it) and keeps paths apart
            target = root / str(i) / PurePosixPath(path).name
            target.parent.mkdir()
            target.write_bytes(text.encode("utf-8"))
            names.append(str(target.relative_to(root)))
        settings = [*_settings(first_party), "--no-cache"]
        for step in (["check", "--select", "I", "--fix", "--exit-zero", "--quiet"], ["format", "--quiet"]):
            r = subprocess.run(
                [_ruff(), *step, *settings, "--", *names],
                cwd=root, capture_output=True, text=True, check=False, timeout=300,
            )  # fmt: skip
            if r.returncode != 0:
                raise RuntimeError(f"ruff {step[0]} failed on generated {', '.join(files)}: {r.stderr.strip()}")
        return {path: (root / name).read_bytes().decode("utf-8") for path, name in zip(files, names, strict=True)}


def format_python(*parts: Unformatted) -> dict[str, str]:
    """Sort imports and format every ``.py`` file of ``parts`` with the pinned ruff (line length 120), in memory;
    other files pass unchanged. Each file formatted before (the same text, ruff and settings) comes from the
    cache (:mod:`generator.incremental.cache`); the others go to one ruff run per first-party package (normally one).

    First, every non-printable character left inside a string literal (by datamodel-code-generator, which writes
    descriptions and enum values as they are) becomes an escape (``escape.py_source_strings``).
    A formatter failure is a generator bug and raises.
    """
    out: dict[str, str] = {}
    todo: dict[str, dict[str, str]] = {}  # first party -> path -> source
    keys: dict[str, str] = {}
    for files, first_party in parts:
        for path, text in files.items():
            out[path] = text
            if not (path.endswith(".py") and text):
                continue
            keys[path] = k = nmscache.key(nmscache.source_digest(), _version(), *_settings(first_party), path, text)
            done = nmscache.get_text("ruff", k)
            if done is None:
                # only a file with a non-printable character can need escapes: tokenizing costs, testing does not
                printable = text.replace("\n", "").isprintable()
                todo.setdefault(first_party, {})[path] = text if printable else escape.py_source_strings(text)
            else:
                out[path] = done
    for first_party, files in todo.items():
        for path, formatted in _run_ruff(files, first_party).items():
            out[path] = formatted
            nmscache.put_text("ruff", keys[path], formatted)
    return out


def _version() -> str:
    return nmscache.version("ruff")
