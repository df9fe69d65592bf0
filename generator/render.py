"""Jinja rendering for code targets. Templates only read data; model text is data, never a template.

Environment: StrictUndefined (a missing attribute fails generation), keep_trailing_newline,
trim_blocks, lstrip_blocks, no autoescape (the output is Python, not HTML). Every string that lands
in Python code goes through the ``pyrepr`` filter (a Python literal) or ``docstring`` (safe text).
"""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _docstring(text: str) -> str:
    """Text safe inside a triple-quoted docstring: no closing quotes, no backslash escapes, no NUL/CR."""
    clean = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').replace("\r", "").replace("\x00", "")
    return clean


def _comment(text: str) -> str:
    """One comment line: line breaks and NUL/CR collapsed (a CR would end a # comment)."""
    return " ".join(text.replace("\x00", " ").split())


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["pyrepr"] = repr
    env.filters["tuple"] = tuple
    env.filters["docstring"] = _docstring
    env.filters["comment"] = _comment
    return env


def render(template: str, **data: Any) -> str:
    return environment().get_template(template).render(**data)


def format_python(files: dict[str, str], first_party: str) -> dict[str, str]:
    """Sort imports and format every ``.py`` file with the pinned ruff (line length 120), in memory.

    ``first_party`` is the generated package, so its imports sort as the project's own.
    A formatter failure is a generator bug and raises.
    """
    settings = ["--isolated", "--line-length", "120", "--config", f"lint.isort.known-first-party = [{first_party!r}]"]
    out = {}
    for path, text in files.items():
        formatted = text
        if path.endswith(".py") and text:
            for step in (["check", "--select", "I", "--fix", "--exit-zero", "--quiet"], ["format"]):
                r = subprocess.run(
                    [sys.executable, "-m", "ruff", *step, *settings, "--stdin-filename", path, "-"],
                    input=formatted, capture_output=True, text=True, check=False, timeout=60,
                )  # fmt: skip
                if r.returncode != 0:
                    raise RuntimeError(f"ruff {step[0]} failed on generated {path}: {r.stderr.strip()}")
                formatted = r.stdout
        out[path] = formatted
    return out
