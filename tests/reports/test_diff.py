"""`nmsgen diff`: golden reports for each kind of change, their classification, the CLI's exit codes.

Each folder under tests/cases/diff/ is a model pair derived from tests/cases/minimal: ``old/`` and ``new/``
hold the files that replace the minimal model's (a missing side is the minimal model itself), and
``expected.txt``, ``expected.md``, ``expected.json`` are the report in each format. `pytest --regen`
rewrites them. ``EXPECT`` below states, independently of the goldens, the classification each case
must produce.
"""

from __future__ import annotations

import json
import shutil
from contextlib import chdir
from pathlib import Path

import pytest

from generator import pipeline
from generator.frontend.sources import Side
from generator.reports import diff as diffing

from ..conftest import FIXTURES, REGEN_HINT, ROOT, run_nmsgen

CASES_DIR = ROOT / "tests" / "cases" / "diff"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir())

# case -> (key, impact) pairs that must be in its report, and whether the report is breaking
EXPECT: dict[str, tuple[list[tuple[str, str]], bool]] = {
    "operation-removed": ([("operation:DeleteThing", "breaking")], True),
    "operation-added": ([("operation:ReplaceThing", "compatible")], False),
    "parameter-required-added": ([("parameter:GetThing.shape", "breaking")], True),
    "parameter-optional-added": ([("parameter:GetThing.shape", "compatible")], False),
    "response-status-changed": (
        [("response:DeleteThing.204", "breaking"), ("response:DeleteThing.200", "breaking")],
        True,
    ),
    "operation-interface-removed": ([("operation:CreateThing", "breaking")], True),
    "field-required-added-request": ([("field:Thing.colour", "breaking")], True),
    "field-required-added-response": ([("field:ExceptionDetail.code", "compatible")], False),
    "field-removed": ([("field:Thing.tags", "breaking")], True),
    "field-narrowed": ([("field:Thing.name", "breaking")], True),
    "type-rule-added": ([("type:Thing", "breaking")], True),
    "request-rule-added": ([("request:CreateThing.application/json", "breaking")], True),
    "request-rule-removed": ([("request:CreateThing.application/json", "compatible")], False),
    "enum-value-removed": ([("enum-value:Colour.Blue", "breaking")], True),
    "enum-value-added-request": ([("enum-value:Colour.Green", "compatible")], False),
    "enum-value-added-response": ([("enum-value:Severity.High", "compatible")], False),
    "type-added": ([("type:Label", "compatible"), ("field:Thing.label", "compatible")], False),
    "auth-rule-added": ([("rule:nbf", "breaking"), ("challenge:box-mismatch", "breaking")], True),
    "clause-changed": ([("clause:C-2", "editorial"), ("clause:C-3", "editorial")], False),
    "api-limit-narrowed": ([("section:api", "breaking")], True),
    "unchanged": ([], False),
}


def compose(case: str, side: str, dst: Path) -> Path:
    """The minimal model with the case's files for ``side`` laid over it."""
    shutil.copytree(FIXTURES / "minimal", dst)
    overrides = CASES_DIR / case / side
    if overrides.is_dir():
        shutil.copytree(overrides, dst, dirs_exist_ok=True)
    return dst


def report_for(case: str, tmp: Path) -> diffing.Report:
    compose(case, "old", tmp / "old")
    compose(case, "new", tmp / "new")
    with chdir(tmp):  # labels and paths relative to the pair
        report, diags = pipeline.compare(Side("old", Path("old")), Side("new", Path("new")))
    assert report is not None, diags.render()
    return report


def check_golden(path: Path, text: str, regen: bool) -> None:
    if regen or not path.exists():
        path.write_text(text)
    assert text == path.read_text(), f"{path.relative_to(ROOT)} changed; {REGEN_HINT}"


def test_every_case_has_an_expectation() -> None:
    assert sorted(EXPECT) == CASES


@pytest.mark.parametrize("case", CASES)
def test_diff_golden(case: str, tmp_path: Path, regen: bool) -> None:
    report = report_for(case, tmp_path)
    must, breaking = EXPECT[case]
    got = {(c.key, c.impact) for c in report.changes}
    for pair in must:
        assert pair in got, f"{case}: expected {pair} in {sorted(got)}"
    assert report.breaking is breaking
    if case == "unchanged":
        assert report.changes == [] and report.files == []
    folder = CASES_DIR / case
    check_golden(folder / "expected.txt", diffing.to_text(report), regen)
    check_golden(folder / "expected.md", diffing.to_markdown(report), regen)
    check_golden(folder / "expected.json", diffing.to_json(report), regen)


def test_report_names_the_store_methods_to_implement(tmp_path: Path) -> None:
    report = report_for("operation-added", tmp_path)
    assert [m.split("(")[0] for m in report.store.add] == ["replace_thing"]
    text = diffing.to_text(report)
    assert (
        "implementers must" in text
        and "  add: replace_thing(self, ctx: Context, thing_id: str, body: models.Thing)" in text
    )
    removed = report_for("operation-removed", tmp_path / "r")
    assert [m.split("(")[0] for m in removed.store.remove] == ["delete_thing"]


def test_changes_name_clauses_and_generated_files(tmp_path: Path) -> None:
    report = report_for("field-removed", tmp_path)
    change = next(c for c in report.changes if c.key == "field:Thing.tags")
    assert change.clauses == ("C-1",)
    assert "mcdata_store/models.py" in change.files and "openapi/openapi.json" in change.files
    assert set(change.files) <= set(report.files)


# ---------------------------------------------------------------- the command line


@pytest.mark.slow
def test_cli_exit_status_breaking_compatible_and_bad_input(tmp_path: Path) -> None:
    for case, want in (("operation-removed", 1), ("operation-added", 0), ("unchanged", 0)):
        compose(case, "old", tmp_path / case / "old")
        compose(case, "new", tmp_path / case / "new")
        r = run_nmsgen("diff", "old", "new", "--no-files", cwd=tmp_path / case)
        assert r.returncode == want, (case, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr
    # a bad model on one side: its diagnostics, exit 2, no report
    bad = tmp_path / "bad"
    compose("unchanged", "new", bad / "old")
    compose("unchanged", "new", bad / "new")
    shutil.copy(ROOT / "tests" / "cases" / "invalid" / "unknown-type" / "types.yaml", bad / "new" / "types.yaml")
    r = run_nmsgen("diff", "old", "new", cwd=bad)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.startswith("new/types.yaml:8:14: error unknown-type: ")
    assert "Traceback" not in r.stderr
    r = run_nmsgen("diff", "old", "no-such-folder-or-revision", cwd=bad)
    assert r.returncode == 2 and "error source-unknown:" in r.stderr


@pytest.mark.slow
def test_cli_formats(tmp_path: Path) -> None:
    compose("enum-value-removed", "old", tmp_path / "old")
    compose("enum-value-removed", "new", tmp_path / "new")
    r = run_nmsgen("diff", "old", "new", "--format", "json", cwd=tmp_path)
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert doc["breaking"] is True and doc["summary"]["breaking"] == 1
    assert r.stdout == (CASES_DIR / "enum-value-removed" / "expected.json").read_text()
    r = run_nmsgen("diff", "old", "new", "--format", "markdown", cwd=tmp_path)
    assert r.stdout == (CASES_DIR / "enum-value-removed" / "expected.md").read_text()


@pytest.mark.slow
def test_cli_git_revisions(tmp_path: Path) -> None:
    """A side may be a git revision: its spec/ tree is read with git archive; HEAD vs the work tree's spec/."""
    r = run_nmsgen("diff", "HEAD", "HEAD", "--no-files", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["changes"] == []
    r = run_nmsgen("diff", "HEAD-ts24282_mcdata8", "HEAD", "--no-files", "--format", "json")
    assert r.returncode == 0, r.stderr
    keys = {c["key"] for c in json.loads(r.stdout)["changes"]}
    assert "interface:MCData-8" in keys


def test_report_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    compose("type-added", "old", tmp_path / "old")
    compose("type-added", "new", tmp_path / "new")
    outs = {
        seed: run_nmsgen("diff", "old", "new", "--format", "json", cwd=tmp_path, env={"PYTHONHASHSEED": seed}).stdout
        for seed in ("0", "12345")
    }
    assert outs["0"] == outs["12345"] == (CASES_DIR / "type-added" / "expected.json").read_text()
