"""Clause citations that are honest: a test cites the clauses its assertions check, on its own decorator or on
a ``pytest.param`` case, at most four unless the marker says why (``reason=``). Blanket markers (a module's
``pytestmark``, a class) are refused at collection (tests/conftest.py) and by the traceability matrix, which
reads the markers without running the tests (generator/reports/trace.py) and never counts them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator import pipeline
from generator.reports import trace as tracing

from ..conftest import ROOT, run_nmsgen

REGISTRY = {f"C-{i}" for i in range(1, 8)}
CONFTEST = """
from tests.conftest import check_citations


def pytest_collection_modifyitems(config, items):
    check_citations(items, {registry!r})
"""
INI = "[pytest]\nmarkers =\n    clause(*ids): clause ids\n"


@pytest.fixture
def collect(pytester: pytest.Pytester) -> pytest.Pytester:
    """A folder whose conftest applies this project's collection rules with the registry C-1..C-7."""
    pytester.makeconftest(CONFTEST.format(registry=REGISTRY))
    pytester.makeini(INI)
    return pytester


def collected(pytester: pytest.Pytester, source: str) -> tuple[int, str]:
    pytester.makepyfile(test_x=textwrap.dedent(source))
    result = pytester.runpytest_inprocess("--collect-only", "-q")
    return int(result.ret), "\n".join(result.outlines + result.errlines)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            """
            import pytest
            pytestmark = pytest.mark.clause("C-1")
            def test_a(): pass
            """,
            "test_x.py: blanket clause marker on a module (C-1)",
        ),
        (
            """
            import pytest
            @pytest.mark.clause("C-1")
            class TestA:
                def test_a(self): pass
            """,
            "test_x.py::TestA: blanket clause marker on a class (C-1)",
        ),
        (
            """
            import pytest
            @pytest.mark.clause("C-1", "C-2", "C-3", "C-4", "C-5")
            def test_a(): pass
            """,
            "test_x.py::test_a cites 5 clauses (C-1, C-2, C-3, C-4, C-5): cite at most 4",
        ),
        (
            """
            import pytest
            @pytest.mark.clause("C-1", "C-2", "C-3")
            @pytest.mark.parametrize("x", [1, pytest.param(2, marks=pytest.mark.clause("C-4", "C-5"))])
            def test_a(x): pass
            """,
            "test_x.py::test_a[2] cites 5 clauses",
        ),
        (
            """
            import pytest
            @pytest.mark.clause("C-1", why="a typo of reason")
            def test_a(): pass
            """,
            'a clause marker takes clause ids and reason="..." (a non-empty text) only',
        ),
        (
            """
            import pytest
            @pytest.mark.clause("C-9")
            def test_a(): pass
            """,
            "test_x.py::test_a -> C-9 (not a clause of the registry)",
        ),
    ],
    ids=["module", "class", "cap", "cap-with-a-case", "keyword", "unknown"],
)
def test_collection_refuses_markers_that_break_the_rules(collect: pytest.Pytester, source: str, message: str) -> None:
    code, out = collected(collect, source)
    assert code == pytest.ExitCode.USAGE_ERROR, out
    assert "clause markers break the citation rules" in out and message in out, out


def test_collection_accepts_a_reason_and_markers_per_case(collect: pytest.Pytester) -> None:
    code, out = collected(
        collect,
        """
        import pytest
        @pytest.mark.clause("C-1", "C-2", "C-3", "C-4", "C-5", reason="one scenario walks all five")
        def test_a(): pass
        @pytest.mark.clause("C-1")
        @pytest.mark.parametrize("x", [pytest.param(1, marks=pytest.mark.clause("C-2", "C-3", "C-4")), 2])
        def test_b(x): pass
        """,
    )
    assert code == pytest.ExitCode.OK, out
    assert "3 tests collected" in out


READER_SOURCE = """import pytest

pytestmark = pytest.mark.clause("C-1")
SHARED = pytest.mark.clause("C-2")
CASES = [pytest.param("a", marks=pytest.mark.clause("C-3")),
         pytest.param("b", id="bee", marks=[pytest.mark.clause("C-4")])]


@pytest.mark.clause("C-5")
@pytest.mark.parametrize("x", CASES)
def test_cases(x): pass


@pytest.mark.clause("C-1", "C-2", "C-3", "C-4", "C-5", reason="walks all five")
def test_reason(): pass


@pytest.mark.clause("C-1", "C-2", "C-3", "C-4", "C-6")
def test_too_many(): pass


@pytest.mark.clause("C-6")
class TestGroup:
    @pytest.mark.clause(NAME)
    def test_method(self): pass


def test_nothing(): pass
"""


def test_the_reader_counts_what_each_test_and_case_cites_and_reports_the_rest() -> None:
    cited, uncited, problems = tracing._citations("tests/test_x.py", READER_SOURCE)
    got = sorted((c.clause, c.test, c.case, bool(c.reason)) for c in cited)
    assert got == [
        ("C-1", "test_reason", "", True),
        ("C-1", "test_too_many", "", False),  # counted, and reported below: the trace fails until it is fixed
        ("C-2", "test_reason", "", True),
        ("C-2", "test_too_many", "", False),
        ("C-3", "test_cases", "'a'", False),
        ("C-3", "test_reason", "", True),
        ("C-3", "test_too_many", "", False),
        ("C-4", "test_cases", "bee", False),
        ("C-4", "test_reason", "", True),
        ("C-4", "test_too_many", "", False),
        ("C-5", "test_cases", "", False),
        ("C-5", "test_reason", "", True),
        ("C-6", "test_too_many", "", False),
    ]  # never C-1 from pytestmark, C-2 from SHARED, C-6 from the class
    assert sorted(u["symbol"] for u in uncited) == ["test_method", "test_nothing"]
    blanket = "blanket clause marker on {}: it would tag tests that do not check its clauses"
    got_problems = [(d.position.line, d.message) for d in sorted(problems, key=lambda d: d.sort_key()) if d.position]
    assert [(line, message.split(";")[0].split(": cite")[0]) for line, message in got_problems] == [
        (3, blanket.format("the module (pytestmark)")),
        (4, blanket.format("a shared variable or another place outside a test's decorators")),
        (19, "test_too_many cites 5 clauses (C-1, C-2, C-3, C-4, C-6)"),
        (22, blanket.format("class TestGroup")),
        (
            24,
            "a clause marker lists clause ids as string literals (the matrix reads them without running the test), "
            'e.g. pytest.mark.clause("OMA-NMS-6.2")',
        ),
    ]
    assert all(d.render().startswith("tests/test_x.py:") and " error clause-citation: " in d.render() for d in problems)


@pytest.mark.slow
def test_trace_refuses_a_blanket_marker_and_does_not_count_it(project: Path) -> None:
    assert run_nmsgen("trace", "--spec", "model", "--tests", "tests", cwd=project).returncode == 0
    (project / "tests" / "test_minimal.py").write_text(
        'import pytest\n\npytestmark = pytest.mark.clause("C-3")\n\n\n'
        '@pytest.mark.clause("C-1")\ndef test_one() -> None:\n    assert True\n'
    )
    r = run_nmsgen("trace", "--spec", "model", "--tests", "tests", cwd=project)
    assert r.returncode == 1
    assert "tests/test_minimal.py:3:14: error clause-citation: blanket clause marker" in r.stderr, r.stderr
    assert "trace: C-3 (Test 3) is normative and untested" in r.stderr  # the blanket citation counts for nothing
    assert "Traceback" not in r.stderr


def test_generate_writes_nothing_while_a_test_breaks_the_citation_rules(project: Path) -> None:
    (project / "tests" / "test_minimal.py").write_text(
        'import pytest\n\n\n@pytest.mark.clause("C-1", "C-2", "C-3", "C-4", "C-5")\n'
        "def test_one() -> None:\n    assert True\n"
    )
    r = run_nmsgen("generate", "--spec", "model", "--tests", "tests", "--out", "out", cwd=project)
    assert r.returncode == 1 and not (project / "out").exists()
    assert "tests/test_minimal.py:5:1: error clause-citation: test_one cites 5 clauses (C-1, C-2, C-3, C-4, C-5)" in (
        r.stderr
    ), r.stderr
    assert "nothing written" in r.stderr and "Traceback" not in r.stderr


def test_an_unverified_citation_no_longer_counts_as_testing_its_clause(project: Path) -> None:
    result = pipeline.check(project / "model")
    assert result.model is not None and result.document is not None
    files = pipeline.emit(result.model, result.document).files
    matrix = tracing.compute(result.model, files, result.document, project / "tests", project)
    (three,) = [c for c in matrix.citations if c.clause == "C-3" and c.file.startswith("tests/")]
    assert matrix.row("C-3").tested  # type: ignore[union-attr]
    tracing.mark_unverified(matrix, three)
    row = matrix.row("C-3")
    assert row is not None and not row.tested and row.unverified == [three.location]
    assert [r.clause for r in tracing.failing(matrix)] == ["C-3"]
    assert '"unverified_citations"' in tracing.to_json(matrix)


def test_the_project_and_its_conformance_kit_follow_the_rules() -> None:
    """No test of tests/ or of the generated kit breaks the citation rules, and none cites more than four
    clauses without a reason, per test or per case."""
    result = pipeline.check(ROOT / "spec")
    assert result.model is not None and result.document is not None
    files = pipeline.emit(result.model, result.document).files
    matrix = tracing.compute(result.model, files, result.document, ROOT / "tests", ROOT)
    assert [d.render() for d in matrix.problems] == []
    per_case: dict[tuple[str, str, str], set[str]] = {}
    reasons = set()
    for c in matrix.citations:
        per_case.setdefault((c.file, c.test, c.case), set()).add(c.clause)
        if c.reason:
            reasons.add((c.file, c.test))
    for (file, test, case), ids in per_case.items():
        own = per_case.get((file, test, ""), set()) if case else set()
        assert len(ids | own) <= tracing.CITATION_CAP or (file, test) in reasons, (file, test, case, ids | own)
    kit = {(c.test, c.case) for c in matrix.citations if c.file.startswith("generated/conformance/")}
    assert len(kit) > 80 and any(case for _, case in kit)  # the kit cites per forgery case too
