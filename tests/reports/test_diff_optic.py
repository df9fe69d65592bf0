"""A second opinion on `nmsgen diff`'s classification: Optic (`@useoptic/optic`, pinned) `optic diff --check`.

Optic's standard breaking-change rules run on the generated documents of every model pair under
tests/cases/diff/ (telemetry off). Each rule Optic fails must be accounted for by a breaking change of ours of
the kinds listed in ``ACCOUNTS``; where Optic and we disagree, the reason is below. Optic checks fewer
things than Redocly (no security requirements, no maxLength, no enum values in responses), so this test
only runs that direction: what Optic calls breaking, we call breaking.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ..conftest import ROOT
from .test_diff import CASES, report_for
from .test_diff_redocly import documents

OPTIC = ROOT / "node_modules" / ".bin" / "optic"
pytestmark = [pytest.mark.external, pytest.mark.skipif(not OPTIC.exists(), reason="needs `npm ci` (@useoptic/optic)")]

# Optic rule -> the kinds of our breaking changes that account for it
ACCOUNTS: dict[str, set[str]] = {
    "prevent operation removal": {"operation"},
    "prevent response status code removal": {"operation", "response", "challenge"},
    "prevent removing response property": {"operation", "field", "challenge"},
    "prevent query parameters enum breaking changes": {"enum-value"},
    "prevent changing request property to required": {"field"},
    "prevent new required query parameters": {"parameter"},
}
# Optic says breaking, we do not: (case, rule) -> why
OPTIC_ONLY: dict[tuple[str, str], str] = {
    ("type-added", "prevent changing request property to required"): (
        "the new optional member `label` is an object whose own member `text` is required; Optic reads the "
        "required `text` of a member that did not exist before as a property made required. Requests that "
        "omit `label` (all existing ones) stay valid, so we classify the addition as compatible."
    ),
}


def optic_breaking(old: Path, new: Path) -> set[str]:
    """The names of the Optic rules that fail (each printed as `x [rule name] ...`)."""
    env = {**os.environ, "OPTIC_TELEMETRY_LEVEL": "off", "NO_COLOR": "1"}
    r = subprocess.run(
        [str(OPTIC), "diff", old.name, new.name, "--check"],
        cwd=old.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert r.returncode in (0, 1), r.stdout + r.stderr
    return set(re.findall(r"x \[([^\]]+)\]", r.stdout + r.stderr))


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
@pytest.mark.parametrize("case", CASES)
def test_optic_breaking_changes_are_ours_too(case: str, tmp_path: Path) -> None:
    old, new, _, _ = documents(case, tmp_path)
    rules = optic_breaking(old, new)
    unknown = rules - set(ACCOUNTS)
    assert not unknown, f"{case}: Optic rules this test does not map yet: {unknown}"
    ours = {c.kind for c in report_for(case, tmp_path / "ours").changes if c.impact == "breaking"}
    unaccounted = sorted(r for r in rules if not ACCOUNTS[r] & ours and (case, r) not in OPTIC_ONLY)
    assert unaccounted == [], f"{case}: Optic finds breaking changes ({unaccounted}) and we find none of {ours}"
    for (c, rule), _why in OPTIC_ONLY.items():
        if c == case:  # the explained difference still happens
            assert rule in rules and not ACCOUNTS[rule] & ours
