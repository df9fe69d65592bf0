"""Stage 5f — the traceability matrix, computed (never written by hand).

For every clause of the registry: the model elements that cite it (from the IR's references), the
generated artifacts that name it (file, symbol, line: found in the emitted files themselves), and the
tests that cite it (``pytest.mark.clause`` markers, read statically from the test files). Test results are
not part of ``generated/`` (they change with every run): ``nmsgen trace --junit`` adds them to its report.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import escape
from . import model as m

Location = dict[str, Any]  # {"file", "symbol", "line"}


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

    def row(self, clause: str) -> Row | None:
        return next((r for r in self.rows if r.clause == clause), None)


def _id_pattern(ids: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    return re.compile(rf"(?<![\w.-])({alternatives})(?![\w-]|\.\w)")


def _python_artifacts(path: str, text: str, pattern: re.Pattern[str]) -> list[tuple[str, Location]]:
    """(clause, location) for each clause id in a Python file, attributed to the innermost def/class."""
    tree = ast.parse(text)
    spans: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                spans.append((child.lineno, child.end_lineno or child.lineno, name))
                visit(child, name + ".")
            elif isinstance(child, (ast.Assign, ast.AnnAssign)) and not prefix:
                targets = child.targets if isinstance(child, ast.Assign) else [child.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                if names:
                    spans.append((child.lineno, child.end_lineno or child.lineno, names[0]))

    visit(tree, "")
    out = []
    for lineno, line in enumerate(text.splitlines(), 1):
        for found in pattern.findall(line):
            inner = [s for s in spans if s[0] <= lineno <= s[1]]
            symbol = min(inner, key=lambda s: s[1] - s[0])[2] if inner else "(module)"
            out.append((found, {"file": path, "symbol": symbol, "line": lineno}))
    return out


def _openapi_artifacts(
    path: str, text: str, document: dict[str, Any], key: str = "x-nmsgen-clauses"
) -> list[tuple[str, Location]]:
    """(id, location) for each id that the document, its operations, callbacks and components list under ``key``
    (clauses, or open points with ``x-nmsgen-open-points``)."""
    lines = text.splitlines()

    def line_of(needle: str) -> int:
        return next((i for i, ln in enumerate(lines, 1) if ln.strip() == needle), 0)

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


def _marker_args(node: ast.AST) -> list[str]:
    """Clause ids of ``pytest.mark.clause("a", "b")`` expressions inside ``node``."""
    ids = []
    for call in ast.walk(node):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "clause":
            ids += [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return ids


def _citations(rel: str, text: str) -> tuple[list[tuple[str, Location]], list[Location]]:
    cited: list[tuple[str, Location]] = []
    uncited: list[Location] = []
    tree = ast.parse(text)
    module_ids = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in stmt.targets):
            module_ids += _marker_args(stmt.value)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            ids = sorted(set(module_ids + [i for d in node.decorator_list for i in _marker_args(d)]))
            loc = {"file": rel, "symbol": node.name}  # no line: editing a test elsewhere changes nothing here
            if ids:
                cited += [(i, loc) for i in ids]
            else:
                uncited.append(loc)
    return cited, uncited


def test_citations(tests_dir: Path, root: Path) -> tuple[list[tuple[str, Location]], list[Location]]:
    """(clause, test) for every clause marker in tests_dir, and the tests that cite no clause."""
    cited: list[tuple[str, Location]] = []
    uncited: list[Location] = []
    generated = {m.parent for m in tests_dir.rglob(".nmsgen-manifest")}  # golden copies of generated trees
    for path in sorted(tests_dir.rglob("test_*.py")):
        if any(g in path.parents for g in generated):
            continue
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
        c, u = _citations(rel, path.read_text(encoding="utf-8"))
        cited += c
        uncited += u
    return cited, uncited


KIT = "conformance/"  # the generated conformance kit: tests, not realisations


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


def compute(
    model: m.Model, files: dict[str, str], document: dict[str, Any], tests_dir: Path | None, root: Path
) -> Trace:
    rows = {
        cid: Row(cid, c.spec.source, c.spec.clause, c.spec.kind, c.spec.status, c.spec.text, c.spec.outside)
        for cid, c in model.clauses.items()
    }
    for ref in model.refs:
        if ref.kind == "clause" and ref.name in rows:
            loc = {"file": ref.position.file, "symbol": ref.context, "line": ref.position.line}
            if loc not in rows[ref.name].elements:
                rows[ref.name].elements.append(loc)
    for op in model.open_points.values():
        for cid in op.spec.clauses:
            if cid in rows:
                rows[cid].open_points.append(op.spec.id)
    points = {
        op.spec.id: OpenPointRow(op.spec.id, op.spec.title, op.spec.status, list(op.spec.clauses))
        for op in model.open_points.values()
    }
    pattern = _id_pattern(list(rows) + list(points))  # one scan of each file finds clause and open point ids
    without: list[str] = []
    for path, text in sorted(files.items()):
        if path.startswith(("trace/", "docs/", KIT)) or not (path.endswith(".py") or path.endswith("openapi.yaml")):
            continue
        if path.endswith("openapi.yaml"):
            hits = _openapi_artifacts(path, text, document)
            hits += _openapi_artifacts(path, text, document, "x-nmsgen-open-points")
        else:
            hits = _python_artifacts(path, text, pattern)
        if text.strip() and path.endswith(".py") and not any(i in rows for i, _ in hits):
            without.append(path)
        for found, loc in hits:
            target = rows[found].artifacts if found in rows else points[found].artifacts if found in points else None
            if target is not None and loc not in target:
                target.append(loc)
    cited: list[tuple[str, Location]] = []
    uncited: list[Location] = []
    for path, text in sorted(files.items()):
        if path.startswith(KIT) and path.rsplit("/", 1)[-1].startswith("test_") and path.endswith(".py"):
            c, u = _citations("generated/" + path, text)
            cited += c
            uncited += u
    if tests_dir is not None and tests_dir.is_dir():
        c, u = test_citations(tests_dir, root)
        cited += c
        uncited += u
    for cid, loc in cited:
        if cid in rows and loc not in rows[cid].tests:
            rows[cid].tests.append(loc)
    for point in points.values():  # and the artifacts that realise its clauses
        for cid in point.clauses:
            if cid in rows:
                point.artifacts += [a for a in rows[cid].artifacts if a not in point.artifacts]
    return Trace(list(rows.values()), uncited, without, list(points.values()))


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
        "generated_files_citing_no_clause": trace.files_without_clauses,
    }


def _loc(loc: Location) -> str:
    return f"{loc['file']}:{loc['line']} {loc['symbol']}" if "line" in loc else f"{loc['file']}::{loc['symbol']}"


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
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


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
        ]
    )
    for r in trace.rows:
        w.writerow(
            [
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
        f"Open (FFS or unverified): {len(s['open'])}. Tests citing no clause: {s['tests_citing_no_clause']}.",
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
    return {"trace/trace.md": to_markdown(trace), "trace/trace.csv": to_csv(trace), "trace/trace.json": to_json(trace)}


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
    return "\n".join(lines)


def chain(row: Row) -> str:
    """One clause: its text, the model elements, artifacts and tests that realise it, and their results."""
    out = [f"{row.clause}: {row.source} {row.section} ({row.kind}, {row.status})", f"  {row.text}"]
    for title, items in (("model", row.elements), ("artifacts", row.artifacts), ("tests", row.tests)):
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
