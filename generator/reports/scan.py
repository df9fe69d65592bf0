"""The clause and open point ids in the generated Python files, each attributed to the innermost def or class (or
module-level table row) that holds it: the artifacts of the traceability matrix (reports/trace.py) found in code.

A file's scan is kept in the cache by its text and the ids looked for, and in memory for the run: the child that
makes the code scans it (:func:`prefetch`) and the process that computes the matrix takes the scans
(:func:`remember`)."""

from __future__ import annotations

import json
import re
from typing import Any

from ..incremental import cache
from ..ir import model as m
from . import pyblocks

Location = dict[str, Any]  # {"file", "symbol", "line"}
KIT = "conformance/"  # the generated conformance kit: tests, not realisations


class Ids:
    """Finds clause and open point ids in a line, with the boundaries of ``(?<![\\w.-])ID(?![\\w-]|\\.\\w)`` (an id is
    not part of a longer word, version or dotted name) and, where several ids start at one place, the longest.

    One pass per line with set lookups: an id made of word characters, dots and hyphens can only start where a
    run of such characters starts, and only end at the run's end or before a dot that no word character follows,
    so each run offers a handful of candidates. A registry with other ids falls back to one alternation."""

    RUN = re.compile(r"[\w.-]+")
    WORDISH = re.compile(r"[\w.-]+")

    def __init__(self, ids: list[str]) -> None:
        self.ids = set(ids)
        self.digest = cache.key(*sorted(self.ids))
        self.alternation: re.Pattern[str] | None = None
        if not all(self.WORDISH.fullmatch(i) for i in ids):
            alternatives = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
            self.alternation = re.compile(rf"(?<![\w.-])({alternatives})(?![\w-]|\.\w)")

    def findall(self, line: str) -> list[str]:
        if self.alternation is not None:
            return self.alternation.findall(line)
        found = []
        for run in self.RUN.finditer(line):
            token = run.group()
            if token in self.ids:
                found.append(token)
                continue
            # a shorter id ends before a dot followed by no word character: inside the run, "." then "." or "-"
            for end in range(len(token) - 1, 0, -1):
                if token[end] == "." and (end + 1 == len(token) or token[end + 1] in ".-") and token[:end] in self.ids:
                    found.append(token[:end])
                    break
        return found


def _innermost(spans: list[tuple[int, int, str]], lines: int) -> list[str]:
    """For each line (1-based; index 0 unused), the name of the smallest span that holds it (the first listed of
    equally small ones), or "(module)": spans painted from the largest to the smallest."""
    out = ["(module)"] * (lines + 2)
    order = sorted(range(len(spans)), key=lambda i: (-(spans[i][1] - spans[i][0]), -i))
    for i in order:
        start, end, name = spans[i]
        out[start : min(end, lines + 1) + 1] = [name] * (min(end, lines + 1) - start + 1)
    return out


def python_artifacts(path: str, text: str, ids: Ids) -> list[tuple[str, Location]]:
    """(clause, location) for each clause id in a Python file, attributed to the innermost def/class, or to the
    entry of a module-level table that holds it (``CLAUSES["CreateObject"]`` for the row of ``CreateObject`` in
    the generated modules' clause tables); cached by the file and the ids looked for (an edit elsewhere in the
    model leaves most files as they were)."""
    _, rows = _rows(path, text, ids)
    return [(i, {"file": path, "symbol": symbol, "line": line}) for i, symbol, line in rows]


def _rows(path: str, text: str, ids: Ids) -> tuple[str, list[tuple[str, str, int]]]:
    """The key of a Python file's scan and its (id, symbol, line) rows: from this process's memory, the cache, or
    scanned now."""
    k = cache.key(cache.source_digest(), path, text, ids.digest)
    rows = _SCANNED.get(k)
    if rows is None:
        found = cache.get("trace-python", k)
        if found is not None:
            rows = [(i, symbol, line) for i, symbol, line in json.loads(found)]
        else:
            rows = [(i, loc["symbol"], loc["line"]) for i, loc in _scan_python(path, text, ids)]
            cache.put("trace-python", k, json.dumps(rows).encode())
        if len(_SCANNED) >= 256:  # a long-lived process (the tests, a server) keeps a few runs' scans
            _SCANNED.clear()
        _SCANNED[k] = rows
    return k, rows


_SCANNED: dict[str, list[tuple[str, str, int]]] = {}  # this process's scans of Python files, by their key


def ids_of(model: m.Model) -> Ids:
    """The clause and open point ids the matrix looks for in the generated files."""
    return Ids(list(model.clauses) + [op.id for op in model.open_points.values()])


def scanned(path: str) -> bool:
    """Does the matrix read ``path`` for artifacts (and not for test citations)?"""
    return not path.startswith(("trace/", "docs/", KIT)) and (path.endswith(".py") or path.endswith("openapi.yaml"))


Scans = dict[str, list[tuple[str, str, int]]]  # a file's key -> its (id, symbol, line) rows


def prefetch(model: m.Model, files: dict[str, str]) -> Scans:
    """Scan the Python ``files`` for the matrix now (a child of a run does this for the code it made): the scans,
    for :func:`remember` in the process that computes the matrix."""
    ids = ids_of(model)
    return dict(_rows(path, text, ids) for path, text in files.items() if _wanted_python(path))


def remember(scans: Scans) -> None:
    """Scans made by :func:`prefetch` (in a child): :func:`trace.compute <generator.reports.trace.compute>`
    finds them instead of scanning again."""
    _SCANNED.update(scans)


def _wanted_python(path: str) -> bool:
    return scanned(path) and path.endswith(".py")


def _scan_python(path: str, text: str, ids: Ids) -> list[tuple[str, Location]]:
    lines = text.splitlines()
    symbols = _innermost(pyblocks.spans(path, text), len(lines))
    out = []
    for lineno, line in enumerate(lines, 1):
        for found in ids.findall(line):
            out.append((found, {"file": path, "symbol": symbols[lineno], "line": lineno}))
    return out
