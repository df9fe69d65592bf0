"""Stage 5f — the traceability matrix, computed (never written by hand).

For every clause of the registry: the model elements that cite it (from the IR's references), the
generated artifacts that name it (file, symbol, line: found in the emitted files themselves), and the
tests that cite it (``pytest.mark.clause`` markers, read statically from the test files). Test results are
not part of ``generated/`` (they change with every run): ``nmsgen trace --junit`` adds them to its report.
"""

from __future__ import annotations

import ast
import bisect
import csv
import io
import json
import pickle
import xml.etree.ElementTree as ET
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import Any

from .. import escape
from ..diagnostics import Diagnostic, Position
from ..emit import chunks
from ..incremental import cache, manifest
from ..ir import model as m
from ..ir.names import CLAUSES_KEY, OPEN_POINTS_KEY
from . import scan
from .scan import KIT, Location


@dataclass
class Row:
    clause: str
    source: str
    section: str
    kind: str
    status: str
    text: str
    outside: str = ""  # why nmsgen cannot realise or test it (from the registry), "" when it can
    elements: list[Location] = field(default_factory=list)
    artifacts: list[Location] = field(default_factory=list)
    tests: list[Location] = field(default_factory=list)
    unverified: list[Location] = field(default_factory=list)  # citations a check found hollow: not counted
    open_points: list[str] = field(default_factory=list)
    results: dict[str, int] = field(default_factory=dict)  # passed/failed/skipped, from a JUnit report

    @property
    def realised(self) -> bool:
        return bool(self.artifacts)

    @property
    def tested(self) -> bool:
        return bool(self.tests)


@dataclass
class OpenPointRow:
    id: str
    title: str
    status: str
    clauses: list[str]
    artifacts: list[Location] = field(default_factory=list)  # where it is named, or realised through its clauses


@dataclass
class Trace:
    rows: list[Row]
    uncited_tests: list[Location]
    files_without_clauses: list[str]
    open_points: list[OpenPointRow] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)  # every (test, clause) citation counted above
    problems: list[Diagnostic] = field(default_factory=list)  # markers that break the citation rules: not counted
    # (mutants killed, mutants) of the committed mutation evidence (reports/mutants.py); None without evidence
    verified: tuple[int, int] | None = None

    def row(self, clause: str) -> Row | None:
        return next((r for r in self.rows if r.clause == clause), None)


def _first_lines(text: str) -> dict[str, int]:
    """Each stripped line -> the number of the first line that reads so."""
    first: dict[str, int] = {}
    for i, ln in enumerate(text.splitlines(), 1):
        first.setdefault(ln.strip(), i)
    return first


def _openapi_artifacts(
    path: str, text: str, document: dict[str, Any], key: str = CLAUSES_KEY, first: dict[str, int] | None = None
) -> list[tuple[str, Location]]:
    """(id, location) for each id that the document, its operations, callbacks and components list under ``key``
    (clauses, or open points with ``x-nmsgen-open-points``); ``first``: :func:`_first_lines` of ``text``."""
    lines = _first_lines(text) if first is None else first

    def line_of(needle: str) -> int:
        return lines.get(needle, 0)

    out = [
        (c, {"file": path, "symbol": "document (info, servers, base path)", "line": 1}) for c in document.get(key, [])
    ]
    for p, item in document.get("paths", {}).items():
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op:
                loc = {
                    "file": path,
                    "symbol": f"operation {op['operationId']} ({method.upper()} {p})",
                    "line": line_of(f"operationId: {op['operationId']}"),
                }
                out += [(c, loc) for c in op.get(key, [])]
                for cb in op.get("callbacks", {}).values():
                    for cb_item in cb.values():
                        for cb_op in cb_item.values():
                            cb_loc = {
                                "file": path,
                                "symbol": f"callback {cb_op['operationId']}",
                                "line": line_of(f"operationId: {cb_op['operationId']}"),
                            }
                            out += [(c, cb_loc) for c in cb_op.get(key, [])]
    for section in ("schemas", "securitySchemes"):
        for name, schema in document.get("components", {}).get(section, {}).items():
            loc = {"file": path, "symbol": f"{section[:-1]} {name}", "line": line_of(f"{name}:")}
            out += [(c, loc) for c in schema.get(key, [])]
    return out


CITATION_CAP = 4  # clause ids per test function or parametrized case, unless the marker gives a reason
CITATION_CODE = "clause-citation"


@dataclass(frozen=True)
class Citation:
    """One clause a test cites: the test (file and function), the parametrized case whose ``pytest.param``
    carries the marker ("" when the function's own decorator does), and the marker's reason ("" without).
    ``nmsgen trace --verify`` can later mark single (test, clause) citations unverified."""

    clause: str
    file: str
    test: str
    case: str = ""
    reason: str = ""

    @property
    def location(self) -> Location:
        loc: Location = {"file": self.file, "symbol": self.test}  # no line: editing a test elsewhere changes nothing
        if self.case:
            loc["case"] = self.case
        return loc


@dataclass
class _Marker:
    ids: list[str]
    reason: str
    node: ast.Call


def _clause_call(node: ast.AST) -> ast.Call | None:
    """``node`` when it is a ``pytest.mark.clause(...)`` call (or ``mark.clause(...)``)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "clause":
        return node
    return None


class _CitationReader:
    """Reads the clause markers of one test file statically (the matrix never imports tests). A marker counts
    only on a test function's own decorators or on a ``pytest.param(..., marks=...)`` case of its
    ``parametrize``; a module-level ``pytestmark``, a class decorator or anything else is a blanket marker:
    reported, never counted."""

    def __init__(self, rel: str, text: str) -> None:
        self.rel = rel
        self.tree = ast.parse(text)
        self.problems: list[Diagnostic] = []
        self.used: set[int] = set()  # id() of the marker calls attributed to a test
        self.names = {  # module-level NAME = [...] assignments, for parametrize("x", NAME)
            t.id: stmt.value
            for stmt in self.tree.body
            if isinstance(stmt, ast.Assign)
            for t in stmt.targets
            if isinstance(t, ast.Name)
        }

    def problem(self, node: ast.AST, message: str) -> None:
        pos = Position(self.rel, getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1)
        self.problems.append(Diagnostic(CITATION_CODE, message, pos))

    def marker(self, call: ast.Call) -> _Marker:
        self.used.add(id(call))
        ids = []
        for a in call.args:
            if isinstance(a, ast.Constant) and isinstance(a.value, str):
                ids.append(a.value)
            else:
                self.problem(a, "a clause marker lists clause ids as string literals (the matrix reads them "
                             "without running the test), e.g. pytest.mark.clause(\"OMA-NMS-6.2\")")  # fmt: skip
        reason = ""
        for kw in call.keywords:
            if kw.arg == "reason" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                reason = kw.value.value.strip()
            if kw.arg != "reason" or not reason:
                self.problem(kw, "a clause marker takes only clause ids and reason=\"why this test checks all "
                             "of them\" (a non-empty string literal)")  # fmt: skip
        return _Marker(ids, reason, call)

    def cases(self, decorator: ast.AST) -> list[tuple[str, list[_Marker]]]:
        """(case name, its clause markers) for each ``pytest.param`` of a ``parametrize`` decorator."""
        if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
            return []
        if decorator.func.attr != "parametrize":
            return []
        values = next((kw.value for kw in decorator.keywords if kw.arg == "argvalues"), None)
        values = decorator.args[1] if values is None and len(decorator.args) > 1 else values
        if isinstance(values, ast.Name) and values.id in self.names:
            values = self.names[values.id]
        if not isinstance(values, (ast.List, ast.Tuple)):
            return []
        out = []
        for i, v in enumerate(values.elts):
            if not (isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and v.func.attr == "param"):
                continue
            marks = next((kw.value for kw in v.keywords if kw.arg == "marks"), None)
            found = [] if marks is None else marks.elts if isinstance(marks, (ast.List, ast.Tuple)) else [marks]
            calls = [c for c in (_clause_call(x) for x in found) if c is not None]
            if calls:
                case = next(
                    (str(kw.value.value) for kw in v.keywords if kw.arg == "id" and isinstance(kw.value, ast.Constant)),
                    "",
                ) or (repr(v.args[0].value) if v.args and isinstance(v.args[0], ast.Constant) else f"case {i + 1}")
                out.append((case, [self.marker(c) for c in calls]))
        return out

    def check_cap(self, node: ast.AST, what: str, markers: list[_Marker]) -> None:
        ids = sorted({i for mk in markers for i in mk.ids})
        if len(ids) > CITATION_CAP and not any(mk.reason for mk in markers):
            self.problem(
                node,
                f"{what} cites {len(ids)} clauses ({', '.join(ids)}): cite at most {CITATION_CAP}, the ones its "
                'assertions check, or give the marker reason="why this test checks all of them"',
            )

    def read(self) -> tuple[list[Citation], list[Location]]:
        cited: list[Citation] = []
        uncited: list[Location] = []
        tests: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        calls: list[ast.Call] = []  # every clause marker call, in the order of ast.walk
        for node in ast.walk(self.tree):  # one walk: the tests and the marker calls
            if isinstance(node, ast.Call):
                if _clause_call(node) is not None:
                    calls.append(node)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                tests.append(node)
        for node in tests:
            own = [self.marker(c) for c in (_clause_call(d) for d in node.decorator_list) if c is not None]
            cases = [c for d in node.decorator_list for c in self.cases(d)]
            self.check_cap(node, node.name, own)
            for case, markers in cases:
                self.check_cap(markers[0].node, f"{node.name}[{case}]", own + markers)
            for case, markers in [("", own), *cases]:
                for mk in markers:
                    cited += [Citation(i, self.rel, node.name, case, mk.reason) for i in mk.ids]
            if not any(mk.ids for _, markers in [("", own), *cases] for mk in markers):
                uncited.append({"file": self.rel, "symbol": node.name})
        # whatever marker is left tags no single test: named by the module-level statement holding it (the
        # statements in order, each one's markers in the order of a walk of it, which the walk above keeps)
        body = self.tree.body
        starts = [_start(stmt) for stmt in body]
        left = sorted(
            ((bisect.bisect_right(starts, (c.lineno, c.col_offset)) - 1, i) for i, c in enumerate(calls)
             if id(c) not in self.used)
        )  # fmt: skip
        for at, i in left:
            stmt = body[at]
            where = "a shared variable or another place outside a test's decorators"
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "pytestmark" for t in stmt.targets
            ):
                where = "the module (pytestmark)"
            elif isinstance(stmt, ast.ClassDef):
                where = f"class {stmt.name}"
            self.problem(
                calls[i],
                f"blanket clause marker on {where}: it would tag tests that do not check its clauses; put "
                "each clause on the test functions (or pytest.param cases) whose assertions check it",
            )
        return cited, uncited


def _start(stmt: ast.stmt) -> tuple[int, int]:
    """Where a module-level statement starts: its first decorator's line for a decorated def or class."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and stmt.decorator_list:
        return min(d.lineno for d in stmt.decorator_list), 0
    return stmt.lineno, stmt.col_offset


def _citations(rel: str, text: str) -> tuple[list[Citation], list[Location], list[Diagnostic]]:
    reader = _CitationReader(rel, text)
    cited, uncited = reader.read()
    return cited, uncited, reader.problems


def markers_json(rel: str, text: str) -> bytes:
    """The clause markers of one test file as the matrix reads them (its citations, the tests that cite
    nothing, the markers that break the rules), as canonical JSON: what ``generator.incremental.manifest`` records and
    caches per file."""
    cited, uncited, problems = _citations(rel, text)
    data = {
        "cited": [[c.clause, c.file, c.test, c.case, c.reason] for c in cited],
        "uncited": uncited,
        "problems": [[p.message, *(astuple(p.position) if p.position else ())] for p in problems],
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _kit_citations(rel: str, text: str) -> tuple[list[Citation], list[Location], list[Diagnostic]]:
    """The citations of one generated kit test file: its markers from the cache by its text (the same entries as
    a test file's, :func:`generator.incremental.manifest.text_markers`), read and kept when not there."""
    return _from_markers(manifest.text_markers(rel, text))


def _from_markers(found: bytes) -> tuple[list[Citation], list[Location], list[Diagnostic]]:
    data = json.loads(found)
    return (
        [Citation(*c) for c in data["cited"]],
        data["uncited"],
        [Diagnostic(CITATION_CODE, p[0], Position(*p[1:])) for p in data["problems"]],
    )


def test_citations(tests_dir: Path, root: Path) -> tuple[list[Citation], list[Location], list[Diagnostic]]:
    """The clause citations of every test in tests_dir, the tests that cite no clause, and the markers that
    break the citation rules (blanket markers, more than CITATION_CAP ids without a reason). Each file is read
    once: afterwards its markers come from the cache, by its text."""
    cited: list[Citation] = []
    uncited: list[Location] = []
    problems: list[Diagnostic] = []
    for path, rel in manifest.test_files(tests_dir, root):
        c, u, p = _from_markers(manifest.markers(path, rel))
        cited += c
        uncited += u
        problems += p
    return cited, uncited, problems


def junit_results(report: Path) -> dict[tuple[str, str], dict[str, int]]:
    """(test file, function) -> counts of passed/failed/skipped cases in a JUnit XML report."""
    out: dict[tuple[str, str], dict[str, int]] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        path = case.get("classname", "").split("::")[0].replace(".", "/")  # tests.test_auth -> tests/test_auth
        name = case.get("name", "").split("[", 1)[0]
        kinds = {child.tag for child in case}
        outcome = "failed" if kinds & {"failure", "error"} else "skipped" if "skipped" in kinds else "passed"
        counts = out.setdefault((path + ".py", name), {"passed": 0, "failed": 0, "skipped": 0})
        counts[outcome] += 1
    return out


def _add(locations: list[Location], loc: Location, seen: dict[int, set[tuple[Any, ...]]]) -> None:
    """Append ``loc`` unless the list holds an equal location already (``seen``: each list's locations, as
    tuples, so that a clause cited from thousands of places costs a set lookup, not a scan)."""
    key = tuple(sorted(loc.items()))
    known = seen.get(id(locations))
    if known is None:
        known = seen[id(locations)] = {tuple(sorted(x.items())) for x in locations}
    if key not in known:
        known.add(key)
        locations.append(loc)


def compute(
    model: m.Model, files: dict[str, str], document: dict[str, Any], tests_dir: Path | None, root: Path
) -> Trace:
    rows = {cid: Row(cid, c.source, c.clause, c.kind, c.status, c.text, c.outside) for cid, c in model.clauses.items()}
    seen: dict[int, set[tuple[Any, ...]]] = {}  # the locations of each list, for _add
    for ref in model.refs:
        if ref.kind == "clause" and ref.name in rows:
            loc = {"file": ref.position.file, "symbol": ref.context, "line": ref.position.line}
            _add(rows[ref.name].elements, loc, seen)
    for op in model.open_points.values():
        for cid in op.clauses:
            if cid in rows:
                rows[cid].open_points.append(op.id)
    points = {op.id: OpenPointRow(op.id, op.title, op.status, list(op.clauses)) for op in model.open_points.values()}
    ids = scan.ids_of(model)  # one scan of each file finds clause and open point ids
    without: list[str] = []
    for path, text in sorted(files.items()):
        if not scan.scanned(path):
            continue
        if path.endswith("openapi.yaml"):
            first = _first_lines(text)  # one pass over the lines for both lookups
            hits = _openapi_artifacts(path, text, document, CLAUSES_KEY, first)
            hits += _openapi_artifacts(path, text, document, OPEN_POINTS_KEY, first)
        else:
            hits = scan.python_artifacts(path, text, ids)
        if text.strip() and path.endswith(".py") and not any(i in rows for i, _ in hits):
            without.append(path)
        for found, loc in hits:
            target = rows[found].artifacts if found in rows else points[found].artifacts if found in points else None
            if target is not None:
                _add(target, loc, seen)
    cited: list[Citation] = []
    uncited: list[Location] = []
    problems: list[Diagnostic] = []
    for path, text in sorted(files.items()):
        if path.startswith(KIT) and path.rsplit("/", 1)[-1].startswith("test_") and path.endswith(".py"):
            c, u, p = _kit_citations("generated/" + path, text)
            cited += c
            uncited += u
            problems += p
    if tests_dir is not None and tests_dir.is_dir():
        c, u, p = test_citations(tests_dir, root)
        cited += c
        uncited += u
        problems += p
    for citation in cited:
        loc = citation.location
        if citation.clause in rows:
            _add(rows[citation.clause].tests, loc, seen)
    for point in points.values():  # and the artifacts that realise its clauses
        for cid in point.clauses:
            if cid in rows:
                for a in rows[cid].artifacts:
                    _add(point.artifacts, a, seen)
    return Trace(list(rows.values()), uncited, without, list(points.values()), cited, problems)


def mark_unverified(trace: Trace, citation: Citation) -> None:
    """A citation a check found hollow (its test survives the removal of what the clause requires): listed
    under the clause as unverified, no longer counted as testing it."""
    row = trace.row(citation.clause)
    loc = citation.location
    if row is not None and loc in row.tests:
        row.tests.remove(loc)
        row.unverified.append(loc)


def add_results(trace: Trace, report: Path) -> None:
    """Pass/fail/skip counts per clause from a JUnit report. A report's test file matches a test of the matrix
    when it is a suffix of the test's path (the conformance kit runs from its own folder)."""
    results = junit_results(report)
    by_name: dict[str, list[tuple[str, dict[str, int]]]] = {}
    for (file, name), counts in results.items():
        by_name.setdefault(name, []).append((file, counts))
    for row in trace.rows:
        totals = {"passed": 0, "failed": 0, "skipped": 0}
        for t in row.tests:
            for file, counts in by_name.get(t["symbol"], []):
                if t["file"] == file or t["file"].endswith("/" + file):
                    for k, v in counts.items():
                        totals[k] += v
        row.results = totals


def summary(trace: Trace) -> dict[str, Any]:
    kinds: dict[str, dict[str, int]] = {}
    for r in trace.rows:
        k = kinds.setdefault(r.kind, {"clauses": 0, "realised": 0, "tested": 0})
        k["clauses"] += 1
        k["realised"] += r.realised
        k["tested"] += r.tested
    gaps = [r.clause for r in trace.rows if r.kind == "normative" and not (r.realised and r.tested) and not r.outside]
    return {
        "by_kind": dict(sorted(kinds.items())),
        "normative_gaps": gaps,
        "open": [r.clause for r in trace.rows if r.status in ("ffs", "unverified")],
        "outside": [r.clause for r in trace.rows if r.outside],
        "tests_citing_no_clause": len(trace.uncited_tests),
        "test_citations": len(set(trace.citations)),
        "unverified_citations": sum(len(r.unverified) for r in trace.rows),
        **({"citations_verified": list(trace.verified)} if trace.verified else {}),
        "tests_citing_clauses": len({(c.file, c.test) for c in trace.citations}),
        "generated_files_citing_no_clause": trace.files_without_clauses,
    }


def _loc(loc: Location) -> str:
    if "line" in loc:
        return f"{loc['file']}:{loc['line']} {loc['symbol']}"
    return f"{loc['file']}::{loc['symbol']}" + (f"[{loc['case']}]" if "case" in loc else "")


location_text = _loc  # "file:line symbol" of an artifact, "file::test" of a test


def to_json(trace: Trace) -> str:
    data = {
        "summary": summary(trace),
        "clauses": [
            {
                "id": r.clause,
                "source": r.source,
                "clause": r.section,
                "kind": r.kind,
                "status": r.status,
                "text": r.text,
                "open_points": r.open_points,
                **({"outside": r.outside} if r.outside else {}),
                "model": r.elements,
                "artifacts": r.artifacts,
                "tests": r.tests,
                **({"unverified_citations": r.unverified} if r.unverified else {}),
                **({"results": r.results} if r.results else {}),
            }
            for r in trace.rows
        ],
        "tests_citing_no_clause": trace.uncited_tests,
        "open_points": [
            {"id": p.id, "title": p.title, "status": p.status, "clauses": p.clauses, "artifacts": p.artifacts}
            for p in trace.open_points
        ],
    }
    return chunks.json_indented(data) + "\n"


def to_csv(trace: Trace) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(
        [
            "clause",
            "source",
            "section",
            "kind",
            "status",
            "realised",
            "tested",
            "open_points",
            "outside",
            "model",
            "artifacts",
            "tests",
            "passed",
            "failed",
            "skipped",
            "unverified_citations",
        ]
    )
    for r in trace.rows:
        w.writerow(
            escape.csv_cell(cell)
            for cell in [
                r.clause,
                r.source,
                r.section,
                r.kind,
                r.status,
                "yes" if r.realised else "no",
                "yes" if r.tested else "no",
                " ".join(r.open_points),
                r.outside,
                "; ".join(_loc(x) for x in r.elements),
                "; ".join(_loc(x) for x in r.artifacts),
                "; ".join(_loc(x) for x in r.tests),
                r.results.get("passed", ""),
                r.results.get("failed", ""),
                r.results.get("skipped", ""),
                "; ".join(_loc(x) for x in r.unverified),
            ]
        )
    return out.getvalue()


_md = escape.markdown  # model text and locations in a table cell


def to_markdown(trace: Trace) -> str:
    s = summary(trace)
    lines = [
        "# Traceability matrix",
        "",
        "Computed by nmsgen from spec/, the generated files and the tests' clause markers; do not edit.",
        "",
        "## Coverage",
        "",
        "| kind | clauses | realised | tested |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {k} | {v['clauses']} | {v['realised']} | {v['tested']} |" for k, v in s["by_kind"].items()]
    lines += [
        "",
        f"Normative clauses not realised or not tested: {len(s['normative_gaps'])}. "
        f"Outside what nmsgen can realise (reason given): {len(s['outside'])}. "
        f"Open (FFS or unverified): {len(s['open'])}. Tests citing no clause: {s['tests_citing_no_clause']}. "
        f"Clause citations: {s['test_citations']}, by {s['tests_citing_clauses']} tests."
        + (
            f" Citations verified: {trace.verified[0]}/{trace.verified[1]} (mutants of the auth rules, challenges "
            f"and interfaces killed by the tests citing their clauses); unverified citations (not counted as "
            f"tested): {s['unverified_citations']}."
            if trace.verified
            else ""
        ),
        "",
        "## Clauses",
        "",
        "| clause | kind | status | realised in | tested by | open points |",
        "|---|---|---|---|---|---|",
    ]
    for r in trace.rows:
        arts = "<br>".join(_md(_loc(a)) for a in r.artifacts[:6]) + (
            f"<br>… {len(r.artifacts) - 6} more" if len(r.artifacts) > 6 else ""
        )
        tests = "<br>".join(_md(_loc(t)) for t in r.tests[:6]) + (
            f"<br>… {len(r.tests) - 6} more" if len(r.tests) > 6 else ""
        )
        if r.unverified:
            tests += ("<br>" if tests else "") + "<br>".join(
                f"unverified citation: {_md(_loc(t))}" for t in r.unverified[:6]
            )
            tests += f"<br>… {len(r.unverified) - 6} more unverified" if len(r.unverified) > 6 else ""
        status = f"{r.status}<br>outside: {_md(r.outside)}" if r.outside else r.status
        lines.append(
            f"| **{r.clause}**<br>{_md(r.source)} {_md(r.section)}: {_md(r.text)} | {r.kind} | {status} "
            f"| {arts or '—'} | {tests or '—'} | {' '.join(r.open_points) or '—'} |"
        )
    lines += [
        "",
        "## Open points and the artifacts they touch",
        "",
        "FFS and unverified points first, each with the generated artifacts that name it or realise its clauses.",
        "",
        "| open point | status | clauses | artifacts |",
        "|---|---|---|---|",
    ]
    order = {"ffs": 0, "unverified": 1, "open": 2}
    for p in sorted(trace.open_points, key=lambda p: (order.get(p.status, 3), p.id)):
        arts = "<br>".join(_md(_loc(a)) for a in p.artifacts[:10]) + (
            f"<br>… {len(p.artifacts) - 10} more" if len(p.artifacts) > 10 else ""
        )
        lines.append(f"| **{p.id}**: {_md(p.title)} | {p.status} | {' '.join(p.clauses)} | {arts or '—'} |")
    return "\n".join(lines) + "\n"


def emit(trace: Trace) -> dict[str, str]:
    """The matrix's three files; from the cache when a run before wrote the same matrix (its pickle: the same
    bytes only for equal matrices; an edit of an operation's text most often leaves the matrix as it was)."""
    k = cache.key(cache.source_digest(), pickle.dumps(trace, pickle.HIGHEST_PROTOCOL))
    found = cache.get_text("trace-files", k)
    if found is not None:
        files: dict[str, str] = json.loads(found)
        return files
    files = {"trace/trace.md": to_markdown(trace), "trace/trace.csv": to_csv(trace), "trace/trace.json": to_json(trace)}
    cache.put_text("trace-files", k, json.dumps(files, ensure_ascii=False))
    return files


def failing(trace: Trace) -> list[Row]:
    """Normative clauses that are stable (not FFS, not unverified), not outside nmsgen's reach (a reason in the
    registry), and not both realised and tested."""
    return [
        r
        for r in trace.rows
        if r.kind == "normative" and r.status == "stable" and not r.outside and not (r.realised and r.tested)
    ]


def summary_text(trace: Trace) -> str:
    s = summary(trace)
    lines = [
        f"{kind}: {v['clauses']} clauses, {v['realised']} realised, {v['tested']} tested"
        for kind, v in s["by_kind"].items()
    ]
    lines.append(
        f"open (FFS or unverified): {len(s['open'])}; outside nmsgen (with reason): {len(s['outside'])}; "
        f"stable normative gaps: {len(failing(trace))}; "
        f"tests citing no clause: {s['tests_citing_no_clause']}"
    )
    if trace.verified:
        lines.append(
            f"citations verified: {trace.verified[0]}/{trace.verified[1]}; "
            f"unverified citations (not counted as tested): {s['unverified_citations']}"
        )
    return "\n".join(lines)


def chain(row: Row) -> str:
    """One clause: its text, the model elements, artifacts and tests that realise it, and their results."""
    out = [f"{row.clause}: {row.source} {row.section} ({row.kind}, {row.status})", f"  {row.text}"]
    for title, items in (
        ("model", row.elements),
        ("artifacts", row.artifacts),
        ("tests", row.tests),
        *((("unverified citations", row.unverified),) if row.unverified else ()),
    ):
        out.append(f"  {title}: {len(items)}")
        out += [f"    {_loc(x)}" for x in items]
    if row.open_points:
        out.append(f"  open points: {', '.join(row.open_points)}")
    if row.outside:
        out.append(f"  outside nmsgen: {row.outside}")
    if row.results:
        out.append(
            f"  last run: {row.results['passed']} passed, {row.results['failed']} failed, "
            f"{row.results['skipped']} skipped"
        )
    return "\n".join(out)
