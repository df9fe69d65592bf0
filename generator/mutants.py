"""``nmsgen trace --verify`` — clause citations proven by mutation, not only declared.

Every validation rule, challenge and interface of the model's auth part is a **mutable element**: the
generator can emit the server with exactly that element switched off (:func:`generator.emit_server.emit`,
``switched_off``). For each such mutant this module

1. writes the generated package ``mcdata_store`` with that element off into a temporary folder (the auth
   module, and for the transport rule the client, see :func:`mutant_files`);
2. runs the tests that cite any clause of the element — project tests (tests/) and the generated conformance
   kit's cases, found by the static reader of generator/trace.py — in fresh pytest processes whose PYTHONPATH
   puts the mutant first (in-process imports, ``python -m generator serve`` subprocesses and the kit's store
   all get the mutant; :mod:`generator.mutant_plugin` refuses a run that does not), each with a JUnit report;
3. calls the mutant **killed** when at least one of those tests fails.

Every test that failed against some mutant runs once more against the unmutated package (the baseline): a
test that fails there too proves nothing, so its failures do not count and the run fails.

A (test, clause) citation of a clause carried by a mutable element is **verified** when that test failed
against a mutant of an element carrying the clause, and **unverified** otherwise; the verdicts are committed
as evidence (``tests/verified-citations.json``) that ``nmsgen generate`` and ``nmsgen trace`` read, so the
matrix does not count an unverified citation as testing its clause.
"""

from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from . import model as m
from . import mutant_plugin as plugin
from .trace import Citation, Trace, mark_unverified
from .write import write_file

KIT_FILES = "generated/conformance/"  # how the matrix names the kit's test files (generator/trace.py)
EVIDENCE = "verified-citations.json"  # in the tests folder
KINDS = ("rule", "challenge", "interface")

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
    from . import emit_client, emit_server  # noqa: PLC0415 - the emitters import much; `trace` needs none

    return {**emit_server.emit(model, switched_off=mutant.switch), **emit_client.emit(model, mutant.switch)}


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
        place, _, function = props.get(plugin.TEST_PROPERTY, "").rpartition("::")
        if not place:
            continue  # not an item of the plugin (a collection error is reported without properties)
        path = Path(place)
        file = prefix + (path.relative_to(base).as_posix() if path.is_relative_to(base) else path.as_posix())
        name = f"{file}::{case.get('name', function)}"
        out.ran.append(name)
        kinds = {child.tag for child in case}
        if kinds & {"failure", "error"}:
            cases = json.loads(props.get(plugin.CASES_PROPERTY, "[]"))
            keys = frozenset({(file, function, "")} | {(file, function, c) for c in cases})
            out.failed.append(Failed(where, props.get(plugin.NODE_PROPERTY, ""), name, keys))
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


# ---------------------------------------------------------------- running the tests against a mutant


@dataclass(frozen=True)
class KitServer:
    """What the kit's store (``python -m generator serve``) and the kit itself are started with."""

    folder: Path
    issuer: str = "https://idms.nmsgen-verify.invalid"
    audience: str = "https://store.nmsgen-verify.invalid"
    scope: str = "nmsgen-verify-all-accounts"
    kid: str = "k1"

    @property
    def signing_key(self) -> Path:
        return self.folder / "idms-key.pem"

    @property
    def jwks(self) -> Path:
        return self.folder / "jwks.json"

    def prepare(self) -> tuple[Path, Path, Path]:
        """An IdMS signing key with its JWK set, a CA and a certificate for localhost: (ca, cert, key)."""
        import jwt  # noqa: PLC0415 - only the verify run needs these
        from cryptography.hazmat.primitives import serialization  # noqa: PLC0415
        from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415

        from .devtokens import dev_certificate  # noqa: PLC0415

        self.folder.mkdir(parents=True, exist_ok=True)
        private = ec.generate_private_key(ec.SECP256R1())
        self.signing_key.write_bytes(
            private.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        jwk = jwt.algorithms.ECAlgorithm.to_jwk(private.public_key(), as_dict=True)
        self.jwks.write_text(json.dumps({"keys": [{**jwk, "kid": self.kid, "alg": "ES256", "use": "sig"}]}))
        return dev_certificate(self.folder, "127.0.0.1")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


PYTEST_TIMEOUT = 900  # seconds for one pytest run (a hung mutant must not hang CI)


def _imports(path: Path) -> set[str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return set()
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and not n.level}
    return {n.split(".")[0] for n in names}


def plugin_args(cwd: Path, node_ids: Sequence[str]) -> list[str]:
    """``-p`` options for the installed pytest plugins (entry points) whose package the selected test files or
    their conftest.py files import."""
    files = {cwd / n.split("::", 1)[0] for n in node_ids}
    imported: set[str] = set()
    conftests = {d / "conftest.py" for f in files for d in f.parents if d.is_relative_to(cwd)}
    for path in files | conftests:
        imported |= _imports(path) if path.is_file() else set()
    out = []
    for ep in sorted(entry_points(group="pytest11"), key=lambda e: e.name):
        dist = (ep.dist.name if ep.dist else ep.value.split(".")[0]).lower().replace("-", "_")
        if dist in imported:
            out += ["-p", ep.value]
    return out


class Runner:
    """Runs selections against packages, ``jobs`` at a time, in one temporary folder."""

    def __init__(self, files: dict[str, str], package: str, root: Path, work: Path) -> None:
        self.files = files  # every generated file, in memory (the real package and the kit come from here)
        self.package = package
        self.root = root
        self.work = work
        self.kit_base = work / "generated"  # the kit and the OpenAPI document it reads
        for rel, text in files.items():
            if rel.startswith("conformance/") or rel.startswith("openapi/"):
                target = self.kit_base / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        self.kit = KitServer(work / "kit-keys")
        self.ca, self.cert, self.key = self.kit.prepare()

    def write_package(self, folder: Path, overrides: dict[str, str]) -> Path:
        prefix = self.package + "/"
        for rel, text in {**{k: v for k, v in self.files.items() if k.startswith(prefix)}, **overrides}.items():
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        (folder / self.package / "py.typed").touch()
        return folder / self.package

    def env(self, pythonpath: Path, package: Path, clauses: Sequence[str]) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NMSGEN_VERIFY_"))}
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), str(self.root), *filter(None, [env.get("PYTHONPATH")])])
        env[plugin.PACKAGE_ENV] = str(package)
        env[plugin.CLAUSES_ENV] = " ".join(clauses)
        return env

    def pytest(self, args: list[str], cwd: Path, env: dict[str, str], report: Path, temp: Path) -> str:
        """Run pytest; "" when it ran its tests (some may fail), else what went wrong. Installed pytest plugins
        are loaded only when a test file (or its conftest) imports their package: starting pytest with all of
        them (hypothesis, schemathesis, ...) costs seconds, and a run happens twice per mutant."""
        cmd = [sys.executable, "-m", "pytest", "-p", plugin.__name__, "-p", "no:cacheprovider", "-q",
               *plugin_args(cwd, [a for a in args if "::" in a]), "--basetemp", str(temp), "--junitxml", str(report),
               *args]  # fmt: skip
        try:
            proc = subprocess.run(cmd, cwd=cwd, env={**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
                                  capture_output=True, text=True, timeout=PYTEST_TIMEOUT, check=False)  # fmt: skip
        except subprocess.TimeoutExpired:
            return f"pytest did not finish within {PYTEST_TIMEOUT} s: {' '.join(args[:3])} ..."
        if proc.returncode not in (0, 1) or not report.exists():
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-15:]
            return f"pytest exited {proc.returncode} in {cwd}:\n    " + "\n    ".join(tail)
        return ""

    def start_store(
        self, work: Path, env: dict[str, str], settings: Sequence[str]
    ) -> tuple[subprocess.Popen[str], str]:
        work.mkdir(parents=True, exist_ok=True)
        port = _free_port()
        log = work / f"store-{port}.log"
        cmd = [sys.executable, "-m", "generator", "serve", "--db", str(work / f"store-{port}.sqlite"),
               "--host", "127.0.0.1", "--port", str(port), "--cert", str(self.cert), "--key", str(self.key),
               "--jwks", str(self.kit.jwks), "--algorithm", "ES256", "--issuer", self.kit.issuer,
               "--audience", self.kit.audience, "--all-accounts-scope", self.kit.scope, *settings]  # fmt: skip
        with log.open("w") as out:
            proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=out, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = log.read_text()
            if "Uvicorn running" in text:  # logged once the socket listens
                return proc, f"https://localhost:{port}/nms/v1/myStore"
            if proc.poll() is not None:
                break
            time.sleep(0.1)
        proc.kill()
        proc.wait()
        raise RuntimeError("the store did not start:\n" + log.read_text()[-2000:])

    def run_kit(self, work: Path, env: dict[str, str], ids: Sequence[str], deposit: bool) -> RunResult:
        tag = "kit-deposit" if deposit else "kit"
        settings = ["--mcdata8-operations", "deposit"] if deposit else []
        try:
            proc, base_url = self.start_store(work, env, settings)
        except RuntimeError as e:
            return RunResult(error=str(e))
        report = work / f"{tag}.xml"
        try:
            error = self.pytest(
                ["--base-url", base_url, "--ca-bundle", str(self.ca), "--signing-key", str(self.kit.signing_key),
                 "--key-id", self.kit.kid, "--issuer", self.kit.issuer, "--audience", self.kit.audience,
                 "--scope", self.kit.scope, *settings, *ids],
                self.kit_base / "conformance", env, report, work / f"{tag}-tmp",
            )  # fmt: skip
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if error:
            return RunResult(error=error)
        return read_report(report, self.kit_base, "generated/", tag)

    def run(self, name: str, selection: Selection, overrides: dict[str, str]) -> RunResult:
        """The selection's tests against the package with ``overrides`` (the mutant's files; none = the real
        package): project tests, then the kit against the default deployment and, for the kit tests that had
        to skip there, against the deployment that restricts MCData-8 to the deposit set."""
        start = time.monotonic()
        work = self.work / name.replace(" ", "-")
        package = self.write_package(work / "pkg", overrides)
        env = self.env(work / "pkg", package, selection.clauses)
        result = RunResult()
        if selection.project:
            report = work / "project.xml"
            error = self.pytest(list(selection.project), self.root, env, report, work / "project-tmp")
            result.merge(RunResult(error=error) if error else read_report(report, self.root, "", "project"))
        if selection.kit:
            kit = self.run_kit(work, env, selection.kit, deposit=False)
            skipped = sorted({n.split("::", 1)[1].split("[", 1)[0] for n in kit.skipped})
            result.merge(kit)
            if skipped and not kit.error:
                ids = [i for i in selection.kit if i.split("::", 1)[1] in skipped]
                result.merge(self.run_kit(work, env, ids, deposit=True))
        result.seconds = time.monotonic() - start
        return result

    def rerun(self, name: str, failed: Sequence[Failed], clauses: Sequence[str], jobs: int) -> RunResult:
        """Exactly the ``failed`` items again, each where it failed, against the real package (its three
        places ``jobs`` at a time)."""
        start = time.monotonic()
        work = self.work / name
        package = self.write_package(work / "pkg", {})
        env = self.env(work / "pkg", package, clauses)
        nodes = {where: sorted({f.node for f in failed if f.where == where}) for where in PASSES}

        def part(where: str) -> RunResult:
            if where != "project":
                return self.run_kit(work / where, env, nodes[where], deposit=where == "kit-deposit")
            error = self.pytest(nodes[where], self.root, env, work / "project.xml", work / "project-tmp")
            return RunResult(error=error) if error else read_report(work / "project.xml", self.root, "", where)

        result = RunResult()
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for r in pool.map(part, [w for w in PASSES if nodes[w]]):
                result.merge(r)
        result.seconds = time.monotonic() - start
        return result


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


def verify(
    model: m.Model,
    files: dict[str, str],
    citations: Sequence[Citation],
    root: Path,
    jobs: int = 2,
    only: Sequence[str] = (),
    progress: Callable[[str], Any] = lambda line: None,
) -> Report:
    """Run every mutant (or those named in ``only``, as "kind id"), ``jobs`` at a time, the longest first; then
    run every test that failed against a mutant once more against the real package (the baseline): a failure
    there is no evidence against any mutant."""
    started = time.monotonic()
    items = [mu for mu in mutants(model) if not only or mu.name in only]
    selections = {mu.name: select(mu.clauses, citations) for mu in items}
    known = {key(c) for c in citations} | {(c.file, c.test, "") for c in citations}
    clauses = sorted(mutable_clauses(items))
    with tempfile.TemporaryDirectory(prefix="nmsgen-verify-") as tmp:
        runner = Runner(files, model.api.package, root, Path(tmp))

        def job(mu: Mutant) -> tuple[Mutant, RunResult]:
            selection = selections[mu.name]
            try:
                result = RunResult() if selection.empty else runner.run(mu.name, selection, mutant_files(model, mu))
            except (OSError, RuntimeError, ValueError, ET.ParseError) as e:  # one broken run: an error, not a crash
                result = RunResult(error=f"{type(e).__name__}: {e}")
            result.failed = [replace(f, keys=f.keys & known) for f in result.failed]  # the matrix's names only
            verdict = "killed" if result.failed and not result.error else "error" if result.error else "SURVIVED"
            progress(f"{mu.name}: {verdict}, {len(result.failed)} of {len(result.ran)} tests failed "
                     f"({result.seconds:.0f} s)")  # fmt: skip
            return mu, result

        longest_first = sorted(items, key=lambda mu: -len(selections[mu.name].project + selections[mu.name].kit))
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            done = dict(pool.map(job, longest_first))
        failed = list({(f.where, f.node): f for r in done.values() for f in r.failed}.values())
        try:
            baseline = runner.rerun("baseline", failed, clauses, jobs) if failed else RunResult()
        except (OSError, RuntimeError, ValueError, ET.ParseError) as e:
            baseline = RunResult(error=f"{type(e).__name__}: {e}")
        progress(f"baseline (no mutant): the {len(failed)} tests that failed against a mutant, "
                 f"{len(baseline.failed)} failed again ({baseline.seconds:.0f} s)")  # fmt: skip
    outcomes = [Outcome(mu, selections[mu.name], done[mu]) for mu in items]
    again = {(f.where, f.node) for f in baseline.failed}
    for o in outcomes:  # a failure the real package shows too is no evidence against the mutant
        o.result.failed = [f for f in o.result.failed if (f.where, f.node) not in again]
    return Report(outcomes, baseline, verdicts(outcomes, citations, set(clauses)), time.monotonic() - started)


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
