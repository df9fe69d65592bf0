"""Cross-check of `nmsgen diff` with an independent OpenAPI diff tool: Redocly CLI's `redocly diff`.

`@redocly/cli` (pinned in package.json) rates every change between two OpenAPI documents by the semver
bump it needs; "major" is its word for breaking. On the generated documents of every model pair under
tests/cases/diff/: each major verdict of Redocly must match a breaking change of ours, and each of our breaking
changes must match a major verdict of Redocly, except the differences listed below with their reason. Redocly
judges for strict clients: a major verdict may also match a change we call compatible for our forward-compatible
client and mark breaking for strict third-party clients (an enumeration value added to answers).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline
from generator.emit import openapi as emit_openapi
from generator.reports import diff as diffing

from ..conftest import ROOT
from .test_diff import CASES, report_for

pytestmark = [
    pytest.mark.external,
    pytest.mark.skipif(shutil.which("npx") is None, reason="needs Node.js (npm ci installs @redocly/cli)"),
]

# Redocly says major, we do not: (case, Redocly rule) -> why
REDOCLY_ONLY: dict[tuple[str, str], str] = {
    ("operation-added", "enum-values-added"): (
        "the 405 answer's Allow header is an enum in the document (the resource's methods); a new method adds a "
        "value. We classify the method itself (a new operation: compatible) and the Allow change as compatible: "
        "clients do not depend on the Allow value of a 405, and our generated client does not validate it."
    ),
    ("operation-removed", "enum-values-added"): (
        "the same Allow header enum, rewritten after a method was removed; the removal itself is breaking in both"
    ),
}
# We say breaking, Redocly does not: (case, our key) -> why
OURS_ONLY: dict[tuple[str, str], str] = {
    ("auth-rule-added", "rule:nbf"): (
        "token validation rules are not part of an OpenAPI document; a new rule can refuse tokens accepted before"
    ),
    ("auth-rule-added", "challenge:box-mismatch"): (
        "the box-mismatch answer moves from 403 to 404, but 403 stays documented on every operation (insufficient "
        "scope, wrong interface), so the document's response set Redocly compares does not change"
    ),
    ("operation-interface-removed", "interface:MCData-8"): (
        "an interface's operation sets are a deployment setting of the server, not part of the OpenAPI document"
    ),
    ("response-status-changed", "response:DeleteThing.200"): (
        "Redocly reports one change for 204 -> 200 ('Response 204 became 200', major); we report the removed 204 "
        "and the added 200 separately, both breaking, and match its verdict to the removed 204"
    ),
}


def redocly(old: Path, new: Path) -> dict[str, Any]:
    r = subprocess.run(
        ["npx", "--no-install", "redocly", "diff", str(old), str(new), "--format", "json", "--fail-on", "none"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    doc: dict[str, Any] = json.loads(r.stdout)
    return doc


def _operation(document: dict[str, Any], pointer: str) -> str:
    """operationId of the operation a JSON pointer is inside, or ''."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("#/").split("/")]
    if len(parts) >= 3 and parts[0] == "paths":
        op = document["paths"].get(parts[1], {}).get(parts[2], {})
        return str(op.get("operationId", "")) if isinstance(op, dict) else ""
    return ""


def matches(verdict: dict[str, Any], op_id: str, change: diffing.Change) -> bool:
    """Does one of our breaking changes account for a Redocly verdict?"""
    names = {n.lower() for n in re.findall(r"`([^`]+)`", verdict["message"])}
    parts = {p.lower() for p in re.split(r"[:.]", change.key)}
    rule = verdict["ruleId"]
    if rule in ("operation-removed", "security-requirement-changed"):
        return change.key == f"operation:{op_id}"
    if rule == "response-removed":  # "Response `403` became `404`": an operation's response or an auth challenge
        status = re.findall(r"\d{3}", verdict["message"])[:1]
        return (change.key.startswith(f"response:{op_id}.") and change.key.endswith(tuple(status))) or (
            change.kind == "challenge" and bool(status) and status[0] in change.what
        )
    if rule == "parameter-became-required":
        return change.kind == "parameter" and change.key.startswith(f"parameter:{op_id}.") and bool(names & parts)
    if change.key == "section:api" and "limit" in change.what:  # a default limit: every member without its own
        return rule == "schema-constraint-changed"
    if change.kind == "request-rules":  # an operation's request rules are in its own body component
        operation = change.key.removeprefix("request:").split(".")[0]
        return rule == "schema-constraint-changed" and f"{operation}RequestBody".lower() in names
    # schema rules: the type or enum and the member they name
    return change.kind in ("field", "enum-value", "type", "enum") and len(names & parts) >= 1


def documents(case: str, tmp: Path) -> tuple[Path, Path, dict[str, Any], dict[str, Any]]:
    from .test_diff import compose  # noqa: PLC0415

    docs = []
    paths = []
    for side in ("old", "new"):
        result = pipeline.check(compose(case, side, tmp / f"{side}-model"))
        assert result.model is not None and result.ok, result.diagnostics.render()
        path = tmp / f"{side}.json"
        path.write_text(emit_openapi.emit(result.document)["openapi/openapi.json"])
        docs.append(result.document)
        paths.append(path)
    return paths[0], paths[1], docs[0], docs[1]


@pytest.mark.parametrize("case", CASES)
def test_redocly_breaking_changes_are_ours_too(case: str, tmp_path: Path) -> None:
    old, new, old_doc, new_doc = documents(case, tmp_path)
    verdicts = [
        (v, _operation(old_doc, c["path"]) or _operation(new_doc, c["path"]))
        for c in redocly(old, new)["changes"]
        for v in c["verdicts"]
        if v["impact"] == "major"
    ]
    report = report_for(case, tmp_path / "ours")
    ours = [c for c in report.changes if c.impact == "breaking"]
    # compatible for our forward-compatible client, breaking for strict clients (Redocly's view): said in the report
    strict = [c for c in report.changes if c.strict]
    unmatched = [
        (v["ruleId"], v["message"])
        for v, op in verdicts
        if not any(matches(v, op, c) for c in ours + strict) and (case, v["ruleId"]) not in REDOCLY_ONLY
    ]
    assert unmatched == [], f"{case}: Redocly finds breaking changes we do not: {unmatched}"
    ours_only = [
        c.key for c in ours if not any(matches(v, op, c) for v, op in verdicts) and (case, c.key) not in OURS_ONLY
    ]
    assert ours_only == [], f"{case}: breaking for us, not for Redocly, and not explained: {ours_only}"
    # every listed difference still happens (a stale explanation fails)
    for (c, rule), _why in REDOCLY_ONLY.items():
        if c == case:
            assert any(v["ruleId"] == rule and not any(matches(v, op, x) for x in ours) for v, op in verdicts)
    for (c, key), _why in OURS_ONLY.items():
        if c == case:
            assert key in {x.key for x in ours}
