"""``nmsgen trace --verify`` — clause citations proven by mutation, not only declared.

Every validation rule, challenge and interface of the model's auth part is a **mutable element**: the
generator can emit the server with exactly that element switched off (:func:`generator.emit.server.emit`,
``switched_off``). For each such mutant the runs (the runtime's :mod:`nmsrun.verify`, which starts servers)

1. writes the generated package ``mcdata_store`` with that element off into a temporary folder (the auth
   module, and for the transport rule the client, see :func:`mutant_files`);
2. runs the tests that cite any clause of the element — project tests (tests/) and the generated conformance
   kit's cases, found by the static reader of generator/reports/trace.py — in fresh pytest processes whose PYTHONPATH
   puts the mutant first (in-process imports, ``python -m generator serve`` subprocesses and the kit's store
   all get the mutant; :mod:`nmsrun.mutant_plugin` refuses a run that does not), each with a JUnit report;
3. calls the mutant **killed** when at least one of those tests fails.

Every test that failed against some mutant runs once more against the unmutated package (the baseline): a
test that fails there too proves nothing, so its failures do not count and the run fails.

A (test, clause) citation of a clause carried by a mutable element is **verified** when that test failed
against a mutant of an element carrying the clause, and **unverified** otherwise; the verdicts are committed
as evidence (``tests/verified-citations.json``) that ``nmsgen generate`` and ``nmsgen trace`` read, so the
matrix does not count an unverified citation as testing its clause.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..emit import client as emit_client
from ..emit import server as emit_server
from ..incremental import manifest
from ..ir import index
from ..ir import model as m
from ..write import write_file
from .trace import Citation, Trace, mark_unverified

EVIDENCE = manifest.EVIDENCE  # in the tests folder; an input of every run the manifest records

KIT_FILES = "generated/conformance/"  # how the matrix names the kit's test files (reports/trace.py)
KINDS = ("rule", "challenge", "interface")

# between the runs and their pytest plugin (nmsrun/mutant_plugin.py): the environment it reads, and the JUnit
# properties it writes for read_report
PACKAGE_ENV = "NMSGEN_VERIFY_PACKAGE"
CLAUSES_ENV = "NMSGEN_VERIFY_CLAUSES"
TEST_PROPERTY = "nmsgen-test"
NODE_PROPERTY = "nmsgen-node"
CASES_PROPERTY = "nmsgen-cases"

CaseKey = tuple[str, str, str]  # (test file, test function, case): what a citation names besides its clause


@dataclass(frozen=True)
class Mutant:
    """One element of spec/auth.yaml switched off, and the clauses that element carries."""

    kind: str  # rule | challenge | interface
    id: str
    clauses: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.kind} {self.id}"

    @property
    def switch(self) -> tuple[str, str]:
        return (self.kind, self.id)


def mutants(model: m.Model) -> list[Mutant]:
    """The model's mutable elements, in model order: validation rules, challenges, interfaces. An interface
    carries its own clauses and those of its operation sets (which its mutant drops with it)."""
    a = model.auth
    out = [Mutant("rule", r.id, tuple(dict.fromkeys(r.clauses))) for r in a.validation]
    out += [Mutant("challenge", c.id, tuple(dict.fromkeys(c.clauses))) for c in a.challenges]
    for i in a.interfaces:
        sets = [c for s in i.operation_sets.values() for c in s.clauses]
        out.append(Mutant("interface", i.name, tuple(dict.fromkeys([*i.clauses, *sets]))))
    return out


def mutant_files(model: m.Model, mutant: Mutant) -> dict[str, str]:
    """The files of the generated package that the mutant changes: the auth module (rules, challenges,
    interfaces) and the client (whose TLS rules come from the transport rule), with the element switched off."""
    ix = index.of(model)
    return {**emit_server.emit(ix, switched_off=mutant.switch), **emit_client.emit(ix, mutant.switch)}


def mutable_clauses(items: Iterable[Mutant]) -> set[str]:
    return {c for mu in items for c in mu.clauses}


def key(c: Citation) -> CaseKey:
    return (c.file, c.test, c.case)


@dataclass(frozen=True)
class Selection:
    """The tests a run against ``clauses`` starts: node ids of functions (the plugin keeps, of a parametrized
    function, only the cases whose own markers cite one of ``clauses``)."""

    clauses: tuple[str, ...]
    project: tuple[str, ...]  # "tests/test_x.py::test_y", relative to the project root
    kit: tuple[str, ...]  # "test_auth.py::test_y", relative to the conformance kit folder

    @property
    def empty(self) -> bool:
        return not (self.project or self.kit)


def select(clauses: Iterable[str], citations: Iterable[Citation]) -> Selection:
    wanted = set(clauses)
    cited = [c for c in citations if c.clause in wanted]
    project = sorted({f"{c.file}::{c.test}" for c in cited if not c.file.startswith(KIT_FILES)})
    kit = sorted({f"{c.file[len(KIT_FILES) :]}::{c.test}" for c in cited if c.file.startswith(KIT_FILES)})
    return Selection(tuple(sorted(wanted)), tuple(project), tuple(kit))


@dataclass(frozen=True)
class Failed:
    """A test item that failed: where it ran (``PASSES``), its pytest node id there, its name for people and
    the (file, test, case) keys of the matrix it stands for (its function's, with case "", and its case's)."""

    where: str
    node: str
    name: str
    keys: frozenset[CaseKey]


PASSES = ("project", "kit", "kit-deposit")  # tests/, the kit against the default store, against a deposit store


@dataclass
class RunResult:
    """What the tests of one run did: the items that ran (names), the failed and the skipped ones."""

    ran: list[str] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    error: str = ""  # the run itself went wrong (no report, usage error, store did not start): no verdict
    seconds: float = 0.0

    @property
    def failed_keys(self) -> set[CaseKey]:
        return {k for f in self.failed for k in f.keys}

    def merge(self, other: RunResult) -> None:
        self.ran += other.ran
        self.failed += other.failed
        self.skipped += other.skipped
        self.error = "; ".join(e for e in (self.error, other.error) if e)


def read_report(report: Path, base: Path, prefix: str, where: str) -> RunResult:
    """A JUnit report written with the plugin: its properties name each item's file (below ``base``, shown
    with ``prefix``), function, case names and node id."""
    out = RunResult()
    for case in ET.parse(report).getroot().iter("testcase"):
        props = {p.get("name", ""): p.get("value", "") for p in case.iter("property")}
        place, _, function = props.get(TEST_PROPERTY, "").rpartition("::")
        if not place:
            continue  # not an item of the plugin (a collection error is reported without properties)
        path = Path(place)
        file = prefix + (path.relative_to(base).as_posix() if path.is_relative_to(base) else path.as_posix())
        name = f"{file}::{case.get('name', function)}"
        out.ran.append(name)
        kinds = {child.tag for child in case}
        if kinds & {"failure", "error"}:
            cases = json.loads(props.get(CASES_PROPERTY, "[]"))
            keys = frozenset({(file, function, "")} | {(file, function, c) for c in cases})
            out.failed.append(Failed(where, props.get(NODE_PROPERTY, ""), name, keys))
        elif "skipped" in kinds:
            out.skipped.append(name)
    return out


@dataclass
class Outcome:
    mutant: Mutant
    selection: Selection
    result: RunResult

    @property
    def killed(self) -> bool:
        return bool(self.result.failed) and not self.result.error


def verdicts(outcomes: Sequence[Outcome], citations: Iterable[Citation], clauses: set[str]) -> dict[Citation, bool]:
    """Each citation of a mutable clause -> verified: its test (or its case) failed against the mutant of an
    element carrying that clause."""
    out: dict[Citation, bool] = {}
    for c in citations:
        if c.clause not in clauses:
            continue
        bare = Citation(c.clause, c.file, c.test, c.case)
        out[bare] = out.get(bare, False) or any(
            c.clause in o.mutant.clauses and key(c) in o.result.failed_keys for o in outcomes
        )
    return out


def _killers(o: Outcome) -> list[str]:
    """The tests that failed against the mutant: a function, or its cases when they carry their own markers."""
    cases = {(f, t) for f, t, c in o.result.failed_keys if c}
    return sorted(
        f"{f}::{t}" + (f"[{c}]" if c else "") for f, t, c in o.result.failed_keys if bool(c) == ((f, t) in cases)
    )


def evidence_text(outcomes: Sequence[Outcome], verdict: dict[Citation, bool]) -> str:
    """The committed evidence: deterministic, sorted, one verdict per citation."""
    data = {
        "about": (
            "Written by `nmsgen trace --verify --update`, compared by `nmsgen trace --verify`, read by `nmsgen "
            "generate`: the mutants of spec/auth.yaml (one element switched off), the tests that failed against "
            "each, and every citation of a clause those elements carry, verified when its test failed against a "
            "mutant of an element carrying the clause. Do not edit."
        ),
        "mutants": [
            {"mutant": o.mutant.name, "clauses": list(o.mutant.clauses), "killed_by": _killers(o)}
            for o in sorted(outcomes, key=lambda o: (KINDS.index(o.mutant.kind), o.mutant.id))
        ],
        "citations": [
            {"file": c.file, "test": c.test, "case": c.case, "clause": c.clause, "verified": v}
            for c, v in sorted(verdict.items(), key=lambda cv: (cv[0].file, cv[0].test, cv[0].case, cv[0].clause))
        ],
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class Evidence:
    """The committed evidence, read back: the mutants it killed, and the verified citations."""

    killed: frozenset[str]  # mutant names ("rule tls")
    verified: frozenset[tuple[str, str, str, str]]  # (clause, file, test, case)
    recorded: frozenset[tuple[str, str, str, str]]  # every citation it has a verdict for


def read_evidence(path: Path) -> Evidence | None:
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    cits = [(c["clause"], c["file"], c["test"], c["case"], bool(c["verified"])) for c in data.get("citations", [])]
    return Evidence(
        frozenset(x["mutant"] for x in data.get("mutants", []) if x.get("killed_by")),
        frozenset(c[:4] for c in cits if c[4]),
        frozenset(c[:4] for c in cits),
    )


def apply_evidence(trace: Trace, model: m.Model, evidence: Evidence | None) -> None:
    """Mark as unverified every citation of a mutable clause that the evidence does not show verified (a
    citation added since the last ``--verify --update`` is not proven either); record N/M in the trace."""
    if evidence is None:
        return
    items = mutants(model)
    clauses = mutable_clauses(items)
    for c in trace.citations:
        if c.clause in clauses and (c.clause, c.file, c.test, c.case) not in evidence.verified:
            mark_unverified(trace, c)
    trace.verified = (sum(1 for mu in items if mu.name in evidence.killed), len(items))


@dataclass
class Report:
    outcomes: list[Outcome]
    baseline: RunResult
    verdicts: dict[Citation, bool]
    seconds: float

    @property
    def killed(self) -> int:
        return sum(o.killed for o in self.outcomes)

    @property
    def errors(self) -> list[str]:
        out = [f"{o.mutant.name}: {o.result.error}" for o in self.outcomes if o.result.error]
        if self.baseline.error:
            out.insert(0, f"baseline (no mutant): {self.baseline.error}")
        if self.baseline.failed:
            out.insert(0, "baseline (no mutant): these tests fail without any mutant, so they prove nothing: "
                       + ", ".join(f.name for f in self.baseline.failed))  # fmt: skip
        return out

    @property
    def ok(self) -> bool:
        return not self.errors and self.killed == len(self.outcomes)


def report_text(report: Report) -> str:
    lines = []
    for o in report.outcomes:
        if o.killed:
            killers = _killers(o)
            more = f", ... {len(killers) - 3} more" if len(killers) > 3 else ""
            lines.append(f"killed: {o.mutant.name} by {', '.join(killers[:3])}{more}")
            continue
        lines.append(f"survivor: {o.mutant.name} (clauses {', '.join(o.mutant.clauses)})")
        lines += [f"    ran: {name}" for name in o.result.ran] or ["    ran: no test cites these clauses"]
    unverified = sorted((c for c, v in report.verdicts.items() if not v), key=lambda c: (c.file, c.test, c.case))
    lines.append(
        f"mutation-checked citations: {sum(report.verdicts.values())} verified, {len(unverified)} unverified "
        "(not counted as tested)"
    )
    lines += [f"    unverified: {c.file}::{c.test}{f'[{c.case}]' if c.case else ''} -> {c.clause}" for c in unverified]
    lines.append(f"citations verified: {report.killed}/{len(report.outcomes)}")
    lines.append(f"({len(report.outcomes)} mutants in {report.seconds:.0f} s)")
    return "\n".join(lines) + "\n"


def stale_lines(old: str, new: str) -> list[str]:
    """What changed between two evidence texts, in a few lines (verdicts and killers)."""
    if old == new:
        return []
    try:
        a, b = json.loads(old), json.loads(new)
    except json.JSONDecodeError:
        return ["the file is not the evidence JSON"]
    out = []
    va = {(c["file"], c["test"], c["case"], c["clause"]): c["verified"] for c in a.get("citations", [])}
    vb = {(c["file"], c["test"], c["case"], c["clause"]): c["verified"] for c in b.get("citations", [])}
    for k in sorted(set(va) | set(vb)):
        if va.get(k) != vb.get(k):
            out.append(f"{k[0]}::{k[1]}{f'[{k[2]}]' if k[2] else ''} -> {k[3]}: recorded {va.get(k)}, now {vb.get(k)}")
    ma = {x["mutant"]: x for x in a.get("mutants", [])}
    mb = {x["mutant"]: x for x in b.get("mutants", [])}
    for k in sorted(set(ma) | set(mb)):
        if ma.get(k) != mb.get(k):
            out.append(f"{k}: recorded {json.dumps(ma.get(k, {}).get('killed_by'))}, now "
                       f"{json.dumps(mb.get(k, {}).get('killed_by'))}")  # fmt: skip
    return out or ["the text differs (format)"]


def write_evidence(path: Path, text: str) -> None:
    write_file(path, text.encode())
