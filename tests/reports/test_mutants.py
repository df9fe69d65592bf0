"""``nmsgen trace --verify``: clause citations proven by mutation (generator/reports/mutants.py; the runs:
nmsrun/verify.py). The runner's logic — which mutants exist, which tests a mutant runs, how a failed test becomes
a verified citation, the evidence file — is checked here on small inputs; the whole run (minutes) is the one
``slow`` test at the end."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import pipeline
from generator.emit import client as emit_client
from generator.emit import server as emit_server
from generator.reports import mutants as mu
from generator.reports import trace as tracing
from generator.reports.trace import Citation
from nmsrun import mutant_plugin as plugin
from nmsrun import verify as runs

from ..conftest import ROOT, run_nmsgen


@pytest.fixture(scope="module")
def project() -> pipeline.Result:
    result = pipeline.check(ROOT / "spec")
    assert result.model is not None
    return result


def test_every_rule_challenge_and_interface_of_the_model_is_a_mutant(project: pipeline.Result) -> None:
    assert project.model is not None
    auth = project.model.auth
    items = mu.mutants(project.model)
    assert [m.name for m in items] == (
        [f"rule {r.id}" for r in auth.validation]
        + [f"challenge {c.id}" for c in auth.challenges]
        + [f"interface {i.name}" for i in auth.interfaces]
    )
    assert len(items) >= 16 + 7 + 2
    by_name = {m.name: m for m in items}
    assert by_name["rule critical"].clauses == ("RFC7515-4.1.11",)
    # an interface carries its own clauses and those of its operation sets, which its mutant drops with it
    mcdata8 = next(i for i in auth.interfaces if i.operation_sets)
    carried = set(by_name[f"interface {mcdata8.name}"].clauses)
    assert set(mcdata8.clauses) <= carried
    assert {c for s in mcdata8.operation_sets.values() for c in s.clauses} <= carried


def test_each_mutant_generates_a_different_auth_module_that_compiles(project: pipeline.Result) -> None:
    """A mutant changes the auth module (and, for the transport rule, the client's TLS rules), nothing else."""
    assert project.model is not None
    assert project.index is not None
    real = {**emit_server.emit(project.index), **emit_client.emit(project.index)}
    for item in mu.mutants(project.model):
        files = mu.mutant_files(project.model, item)
        assert set(files) == set(real)
        auth = files["mcdata_store/auth.py"]
        assert auth != real["mcdata_store/auth.py"], item.name
        assert f"generated with {item.kind} {item.id} switched off" in auth
        changed = sorted(f for f in files if files[f] != real[f])
        transport = item.switch == ("rule", "tls")
        assert changed == ["mcdata_store/auth.py", *(["mcdata_store/client.py"] if transport else [])], item.name
        for name in changed:
            compile(files[name], f"{item.name}/{name}", "exec")


CITES = [
    Citation("C-1", "tests/test_a.py", "test_one"),
    Citation("C-2", "tests/test_a.py", "test_one"),
    Citation("C-2", "tests/test_a.py", "test_cases", "'x'"),
    Citation("C-3", "tests/test_a.py", "test_cases", "'y'"),
    Citation("C-1", "generated/conformance/test_auth.py", "test_kit"),
    Citation("C-9", "tests/test_b.py", "test_other"),
]


def test_a_mutant_runs_the_functions_citing_its_clauses_project_and_kit_apart() -> None:
    s = mu.select(["C-1", "C-2"], CITES)
    assert s.clauses == ("C-1", "C-2")
    assert s.project == ("tests/test_a.py::test_cases", "tests/test_a.py::test_one")
    assert s.kit == ("test_auth.py::test_kit",)  # relative to the kit folder, where the kit runs
    assert mu.select(["C-7"], CITES).empty


def _outcome(clauses: tuple[str, ...], *failed: tuple[str, str, str]) -> mu.Outcome:
    mutant = mu.Mutant("rule", "r-" + "-".join(clauses), clauses)
    keys = frozenset(failed)
    result = mu.RunResult(ran=["x"], failed=[mu.Failed("project", "n", "x", keys)] if failed else [])
    return mu.Outcome(mutant, mu.select(clauses, CITES), result)


def test_a_citation_is_verified_by_a_failure_against_a_mutant_of_its_own_clause() -> None:
    one = _outcome(("C-1",), ("tests/test_a.py", "test_one", ""))
    two = _outcome(("C-2", "C-3"), ("tests/test_a.py", "test_cases", ""), ("tests/test_a.py", "test_cases", "'y'"))
    got = mu.verdicts([one, two], CITES, {"C-1", "C-2", "C-3"})
    assert got == {
        Citation("C-1", "tests/test_a.py", "test_one"): True,
        # test_one failed, but against the mutant of C-1: it proves nothing about C-2
        Citation("C-2", "tests/test_a.py", "test_one"): False,
        Citation("C-2", "tests/test_a.py", "test_cases", "'x'"): False,  # only case 'y' failed
        Citation("C-3", "tests/test_a.py", "test_cases", "'y'"): True,
        Citation("C-1", "generated/conformance/test_auth.py", "test_kit"): False,  # never failed
    }  # C-9 is on no mutable element: no verdict, it stays a declared citation
    assert one.killed and not _outcome(("C-1",)).killed


def test_junit_report_of_the_plugin_maps_failures_to_the_matrix(tmp_path: Path) -> None:
    def case(name: str, test: str, cases: list[str], outcome: str = "") -> str:
        props = (
            f'<property name="{plugin.TEST_PROPERTY}" value="{tmp_path}/kit/conformance/test_auth.py::{test}"/>'
            f'<property name="{plugin.CASES_PROPERTY}" value="{json.dumps(cases).replace(chr(34), "&quot;")}"/>'
            f'<property name="{plugin.NODE_PROPERTY}" value="test_auth.py::{name}"/>'
        )
        return f'<testcase classname="test_auth" name="{name}"><properties>{props}</properties>{outcome}</testcase>'

    report = tmp_path / "r.xml"
    report.write_text(
        "<testsuites><testsuite>"
        + case("test_f[GetObject-alg-none]", "test_f", ["'alg-none'"], '<failure message="x"/>')
        + case("test_f[GetObject-foreign-key]", "test_f", ["'foreign-key'"])
        + case("test_g[1]", "test_g", [], "<skipped/>")
        + case("test_h", "test_h", [], '<error message="setup"/>')
        + '<testcase classname="x" name="collection error"><error message="boom"/></testcase>'
        + "</testsuite></testsuites>"
    )
    r = mu.read_report(report, tmp_path / "kit", "generated/", "kit")
    f = "generated/conformance/test_auth.py"
    assert r.ran == [f"{f}::test_f[GetObject-alg-none]", f"{f}::test_f[GetObject-foreign-key]",
                     f"{f}::test_g[1]", f"{f}::test_h"]  # fmt: skip
    assert r.skipped == [f"{f}::test_g[1]"]
    assert [(x.where, x.node) for x in r.failed] == [("kit", "test_auth.py::test_f[GetObject-alg-none]"),
                                                     ("kit", "test_auth.py::test_h")]  # fmt: skip
    assert r.failed_keys == {(f, "test_f", ""), (f, "test_f", "'alg-none'"), (f, "test_h", "")}


PLUGIN_TESTS = """
import pytest

OTHER = "other"


@pytest.mark.clause("C-1")
def test_function(): assert False


@pytest.mark.parametrize("x", [
    pytest.param("a", marks=pytest.mark.clause("C-2")),
    pytest.param("b", id="bee", marks=pytest.mark.clause("C-2")),
    pytest.param(OTHER, marks=pytest.mark.clause("C-3")),
    "plain",
])
def test_cases(x): assert x not in ("b", OTHER)


@pytest.mark.clause("C-9")
def test_unrelated(): pass
"""


def test_the_plugin_runs_only_citing_cases_and_names_them_as_the_matrix_does(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini("[pytest]\nmarkers =\n    clause(*ids): clause ids\n")
    pytester.makepyfile(test_p=PLUGIN_TESTS)
    monkeypatch.setenv(plugin.CLAUSES_ENV, "C-1 C-2 C-3")
    monkeypatch.delenv(plugin.PACKAGE_ENV, raising=False)
    result = pytester.runpytest_inprocess("-p", plugin.__name__, "--junitxml", "r.xml", "test_p.py")
    result.assert_outcomes(passed=1, failed=3, deselected=2)  # the plain case, C-9's test
    r = mu.read_report(pytester.path / "r.xml", pytester.path, "tests/", "project")
    cited, _, _ = tracing._citations("tests/test_p.py", PLUGIN_TESTS)
    keys = {(c.file, c.test, c.case) for c in cited}
    assert r.failed_keys & keys == {  # a failed case stands for the names the static reader gives it
        ("tests/test_p.py", "test_function", ""),
        ("tests/test_p.py", "test_cases", "bee"),
        ("tests/test_p.py", "test_cases", "case 3"),  # its value is a name in the source: "case 3", not 'other'
    }
    assert ("tests/test_p.py", "test_cases", "'a'") in keys  # passed: not among the failed


def test_the_plugin_refuses_a_run_that_imports_the_real_package(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytester.makepyfile(test_p="def test_a(): pass\n")
    monkeypatch.setenv(plugin.PACKAGE_ENV, str(tmp_path / "mutant" / "mcdata_store"))
    result = pytester.runpytest_inprocess("-p", plugin.__name__)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "not from the mutant" in "\n".join(result.errlines)


def test_the_mutant_package_reaches_imports_and_the_served_tls_context(
    project: pipeline.Result, tmp_path: Path
) -> None:
    """PYTHONPATH puts the mutant first: in the process and in `python -m generator serve` children, whose TLS
    context (nmsrun.serve.tls_context, as tests/https_server.py uses) is the mutant's."""
    assert project.model is not None
    assert project.index is not None
    files = pipeline.emit(project.model, project.document).files
    runner = runs.Runner(files, project.model.api.package, ROOT, tmp_path)
    package = runner.write_package(tmp_path / "pkg", emit_server.emit(project.index, switched_off=("rule", "tls")))
    env = runner.env(tmp_path / "pkg", package, ["C-1"])
    script = (
        "import ssl, mcdata_store.auth as a; from nmsrun.serve import tls_context; "
        f"ctx = tls_context({str(runner.cert)!r}, {str(runner.key)!r}); "
        "print(a.__file__); print(ctx.minimum_version == ssl.TLSVersion.TLSv1)"
    )
    r = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    where, tls10 = r.stdout.split()
    assert Path(where).parent == package and tls10 == "True"
    real = {**os.environ, "PYTHONPATH": str(ROOT)}  # without the mutant: the committed package, TLS 1.2 floor
    r = subprocess.run([sys.executable, "-c", script], env=real, capture_output=True, text=True, check=False)
    assert r.stdout.split()[1] == "False" and "generated/mcdata_store" in r.stdout


def test_evidence_is_sorted_and_decides_what_the_matrix_counts(project: pipeline.Result, tmp_path: Path) -> None:
    assert project.model is not None
    files = pipeline.emit(project.model, project.document).files
    matrix = tracing.compute(project.model, files, project.document, ROOT / "tests", ROOT)
    items = mu.mutants(project.model)
    crit = next(m for m in items if m.name == "rule critical")
    cited = [c for c in matrix.citations if c.clause == "RFC7515-4.1.11"]
    assert cited, "a test cites the critical rule's clause"
    outcome = mu.Outcome(crit, mu.select(crit.clauses, cited), mu.RunResult())  # survived: nothing failed
    verdict = mu.verdicts([outcome], matrix.citations, set(crit.clauses))
    text = mu.evidence_text([outcome], verdict)
    assert text == mu.evidence_text([outcome], dict(reversed(list(verdict.items()))))  # order-independent
    data = json.loads(text)
    assert data["mutants"] == [{"mutant": "rule critical", "clauses": ["RFC7515-4.1.11"], "killed_by": []}]
    assert all(not c["verified"] for c in data["citations"])
    path = tmp_path / mu.EVIDENCE
    path.write_text(text)
    evidence = mu.read_evidence(path)
    assert evidence is not None and not evidence.verified and not evidence.killed
    row = matrix.row("RFC7515-4.1.11")
    assert row is not None and row.tested
    declared = matrix.row("OMA-NMS-6.2")  # an operation's clause: on no mutable element
    assert declared is not None and declared.tests
    before = list(declared.tests)
    mu.apply_evidence(matrix, project.model, evidence)
    assert not row.tested and row.unverified  # shown as an unverified citation, not counted
    assert declared.tests == before  # a declared citation stays one
    # every mutable clause's citation absent from the evidence is unverified too; N/M counts the model's mutants
    assert matrix.verified == (0, len(items))
    assert "unverified citation: tests/runtime/test_auth.py::test_auth15_crit" in tracing.to_markdown(matrix)
    assert f"citations verified: 0/{len(items)}" in tracing.summary_text(matrix)
    assert mu.stale_lines(text, text) == []
    changed = text.replace('"verified": false', '"verified": true', 1)
    assert re.search(r"-> RFC7515-4\.1\.11: recorded True, now False", "\n".join(mu.stale_lines(changed, text)))


@pytest.mark.slow
def test_verify_options_are_checked_before_anything_runs() -> None:
    r = run_nmsgen("trace", "--update")
    assert r.returncode == 2 and "--update and --mutant go with --verify" in r.stderr
    r = run_nmsgen("trace", "--verify", "--mutant", "rule:nope")
    assert r.returncode == 2 and "no mutant rule:nope; one of " in r.stderr and "rule:critical" in r.stderr


@pytest.mark.slow  # nmsgen trace --verify: `nmsgen serve` and kit processes
def test_two_mutants_end_to_end_reach_the_server_its_children_the_client_and_the_kit() -> None:
    """The transport rule's mutant is caught in every place that runs it: the generated client (in-process),
    a `python -m generator serve` child of tests/runtime/test_serve_tls.py and the kit's store; the failures pass on
    the real package (baseline); --mutant neither compares nor writes the evidence."""
    evidence = ROOT / "tests" / mu.EVIDENCE
    before = evidence.read_bytes() if evidence.exists() else None
    r = subprocess.run(
        [sys.executable, "-m", "generator", "trace", "--verify", "--mutant", "rule:tls", "--mutant", "rule:critical"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=600,
        check=False,
    )  # fmt: skip
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    killed = next(line for line in r.stdout.splitlines() if line.startswith("killed: rule tls by "))
    for where in (
        "tests/emit/test_client.py::test_tls_is_verified_and_http_refused",
        "tests/runtime/test_serve_tls.py::test_tls_1_0_and_1_1_refused",
        "generated/conformance/test_auth.py::test_33_210_6_2_r1__old_tls_refused",
    ):
        assert where in killed, killed
    assert "killed: rule critical by tests/runtime/test_auth.py::test_auth15_crit" in r.stdout
    assert re.search(r"baseline \(no mutant\): the \d+ tests that failed against a mutant, 0 failed again", r.stderr)
    assert "citations verified: 2/2" in r.stdout
    assert (evidence.read_bytes() if evidence.exists() else None) == before


@pytest.mark.slow
def test_every_auth_rule_challenge_and_interface_is_killed_by_its_citing_tests() -> None:
    """CI's gate for the evidence: `nmsgen trace --verify` exits 0 (N = M, the committed evidence current)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    r = subprocess.run(
        [sys.executable, "-m", "generator", "trace", "--verify"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-4000:]
    found = re.search(r"^citations verified: (\d+)/(\d+)$", r.stdout, re.M)
    assert found, r.stdout
    assert found[1] == found[2] and int(found[2]) >= 16
