"""The traceability matrix is computed: deleting a test or a model reference makes `nmsgen trace` fail."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from generator import pipeline
from generator.reports import scan
from generator.reports import trace as tracing

from ..conftest import ROOT, run_nmsgen


def trace(project: Path) -> tuple[int, str, str]:
    r = run_nmsgen("trace", "--spec", "model", "--tests", "tests", cwd=project)
    return r.returncode, r.stdout, r.stderr


def test_complete_project_passes(project: Path) -> None:
    code, out, err = trace(project)
    assert code == 0, err
    assert "normative: 2 clauses, 2 realised, 2 tested" in out


def test_deleting_a_test_fails(project: Path) -> None:
    source = (project / "tests" / "test_minimal.py").read_text()
    (project / "tests" / "test_minimal.py").write_text(source.split('@pytest.mark.clause("C-3")')[0])
    code, _, err = trace(project)
    assert code == 1
    assert "trace: C-3 (Test 3) is normative and untested" in err


def test_deleting_a_model_reference_fails(project: Path) -> None:
    types = yaml.safe_load((project / "model" / "types.yaml").read_text())
    types["types"]["Empty"]["clauses"] = ["C-1"]
    (project / "model" / "types.yaml").write_text(yaml.safe_dump(types))
    code, _, err = trace(project)
    assert code == 1
    assert "trace: C-3 (Test 3) is normative and unrealised" in err


@pytest.mark.slow
def test_one_clause_chain(project: Path) -> None:
    r = run_nmsgen("trace", "C-3", "--spec", "model", "--tests", "tests", cwd=project)
    assert r.returncode == 0
    assert "model: 1" in r.stdout and "schema Empty" in r.stdout and "test_three" in r.stdout
    assert run_nmsgen("trace", "C-9", "--spec", "model", cwd=project).returncode == 2


@pytest.mark.slow
def test_formats(project: Path) -> None:
    r = run_nmsgen("trace", "--format", "json", "--spec", "model", "--tests", "tests", cwd=project)
    data = json.loads(r.stdout)
    assert {c["id"] for c in data["clauses"]} == {"C-1", "C-2", "C-3"}
    r = run_nmsgen("trace", "--format", "csv", "--spec", "model", "--tests", "tests", cwd=project)
    assert r.stdout.splitlines()[0].startswith("clause,source,section,kind,status,realised,tested")


def test_junit_results_are_counted(project: Path) -> None:
    (project / "report.xml").write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.test_minimal" name="test_one" />'
        '<testcase classname="tests.test_minimal" name="test_three"><failure message="no"/></testcase>'
        "</testsuite></testsuites>"
    )
    r = run_nmsgen("trace", "C-3", "--spec", "model", "--tests", "tests", "--junit", "report.xml", cwd=project)
    assert "last run: 0 passed, 1 failed, 0 skipped" in r.stdout


def test_every_artifact_location_names_its_clause() -> None:
    """The matrix points at real places: each artifact's file and line carry the clause id it is listed under."""
    data = json.loads((ROOT / "generated" / "trace" / "trace.json").read_text())
    checked = 0
    for row in data["clauses"]:
        for art in row["artifacts"]:
            lines = (ROOT / "generated" / art["file"]).read_text().splitlines()
            if art["file"].endswith(".py"):
                assert row["id"] in lines[art["line"] - 1], (row["id"], art)
                checked += 1
            else:
                assert art["line"] > 0
    assert checked > 100


def test_a_row_of_a_clause_table_is_its_own_artifact() -> None:
    """Generated modules list their clauses in one table (``CLAUSES``): a clause id in a row is attributed to that
    row, not to the whole table or the module."""
    text = 'X = 1\nCLAUSES = {\n    "Op": ("C-1",),\n    "Other": (\n        "C-2",\n    ),\n}\n'
    hits = scan.python_artifacts("m.py", text, scan.Ids(["C-1", "C-2"]))
    assert hits == [
        ("C-1", {"file": "m.py", "symbol": "CLAUSES['Op']", "line": 3}),
        ("C-2", {"file": "m.py", "symbol": "CLAUSES['Other']", "line": 5}),
    ]


def test_matrix_covers_the_registry() -> None:
    result = pipeline.check(ROOT / "spec")
    assert result.model is not None
    data = json.loads((ROOT / "generated" / "trace" / "trace.json").read_text())
    assert [c["id"] for c in data["clauses"]] == list(result.model.clauses)
    assert tracing.summary  # the summary is part of the JSON
    assert set(data["summary"]["by_kind"]) <= {"normative", "provisional", "note", "editors-note", "informative"}


@pytest.mark.slow
def test_outside_reason_turns_a_gap_into_a_listed_open_clause(project: Path) -> None:
    """A normative clause nothing realises fails the trace until the registry says why nmsgen cannot realise
    it; then it is listed (with the reason) and the trace passes."""
    clauses = yaml.safe_load((project / "model" / "clauses.yaml").read_text())
    clauses["clauses"].append(
        {"id": "C-9", "source": "Test", "clause": "9", "kind": "normative", "status": "stable", "text": "UE config."}
    )
    (project / "model" / "clauses.yaml").write_text(yaml.safe_dump(clauses))
    code, _, err = trace(project)
    assert code == 1 and "C-9 (Test 9) is normative and unrealised and untested" in err
    clauses["clauses"][-1]["outside"] = "Configuration of the UE, not of the store."
    (project / "model" / "clauses.yaml").write_text(yaml.safe_dump(clauses))
    code, out, err = trace(project)
    assert code == 0, err
    assert "outside nmsgen (with reason): 1" in out
    r = run_nmsgen("trace", "C-9", "--spec", "model", "--tests", "tests", cwd=project)
    assert r.returncode == 0 and "outside nmsgen: Configuration of the UE, not of the store." in r.stdout


def test_csv_cells_from_model_text_do_not_start_a_formula(project: Path) -> None:
    """A spreadsheet opening trace.csv runs a cell that starts with = + - @ as a formula (CSV injection):
    model text in such a cell is written behind a ' (shown as text)."""
    clauses = yaml.safe_load((project / "model" / "clauses.yaml").read_text())
    formula = '=HYPERLINK("https://example.invalid/x","UE")'
    clauses["clauses"].append(
        {
            "id": "C-9",
            "source": "@Test",
            "clause": "9",
            "kind": "normative",
            "status": "stable",
            "text": "UE.",
            "outside": formula,
        }
    )
    (project / "model" / "clauses.yaml").write_text(yaml.safe_dump(clauses))
    r = run_nmsgen("trace", "--format", "csv", "--spec", "model", "--tests", "tests", cwd=project)
    row = next(row for row in csv.DictReader(io.StringIO(r.stdout)) if row["clause"] == "C-9")
    assert row["outside"] == "'" + formula and row["source"] == "'@Test"


def test_the_project_itself_has_no_stable_normative_gap() -> None:
    """CI's gate: every stable normative clause of spec/ is realised and tested, or outside with a reason."""
    r = run_nmsgen("trace", cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "stable normative gaps: 0" in r.stdout


def test_readme_shows_the_current_coverage_line() -> None:
    """The README's coverage block is `nmsgen trace`'s: tested counts without unverified citations, and the
    mutation figures of the committed evidence (citations verified: N/M)."""
    r = run_nmsgen("trace", cwd=ROOT)
    lines = r.stdout.strip().splitlines()
    readme = (ROOT / "README.md").read_text()
    stale = "README's coverage block is stale: paste the last lines of `nmsgen trace`"
    assert next(line for line in lines if line.startswith("normative:")) in readme, stale
    opened = next(line for line in lines if line.startswith("open (FFS"))
    assert opened.rsplit("; tests citing no clause", 1)[0] in readme, stale  # that count moves with tooling tests
    verified = next(line for line in lines if line.startswith("citations verified:"))
    assert verified in readme, stale
    n, m = re.match(r"citations verified: (\d+)/(\d+);", verified).groups()  # type: ignore[union-attr]
    assert n == m


def test_ffs_open_points_are_listed_with_the_artifacts_they_touch() -> None:
    data = json.loads((ROOT / "generated" / "trace" / "trace.json").read_text())
    points = {p["id"]: p for p in data["open_points"]}
    user_id = points["OP-MCDATA8-USER-ID"]
    assert user_id["status"] == "ffs"
    files = {a["file"] for a in user_id["artifacts"]}
    assert {"mcdata_store/auth.py", "openapi/openapi.yaml"} <= files
    md = (ROOT / "generated" / "trace" / "trace.md").read_text()
    section = md.split("## Open points and the artifacts they touch", 1)[1]
    assert section.index("**OP-MCDATA8-USER-ID**") < section.index("**OP-XML-BODIES**")  # FFS before open
