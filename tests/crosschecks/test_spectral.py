"""The generated document passes Spectral (spectral:oas + the OWASP API ruleset) with zero errors.

Rules turned off are turned off in the committed .spectral.yaml, each with its reason beside it.
Spectral comes from npm (`npm ci`, part of the README's test command).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ..conftest import ROOT

SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"
RULESET = ROOT / ".spectral.yaml"


def lint(document: Path) -> list[dict[str, Any]]:
    if not SPECTRAL.exists():
        pytest.fail(f"Spectral is not installed at {SPECTRAL}: run `npm ci` (needs node and npm)")
    r = subprocess.run(
        [str(SPECTRAL), "lint", str(document), "--ruleset", str(RULESET), "-f", "json", "-q"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    start = r.stdout.find("[")
    assert start >= 0, f"no JSON from Spectral (exit {r.returncode}): {r.stdout[-2000:]} {r.stderr[-2000:]}"
    result: list[dict[str, Any]] = json.loads(r.stdout[start:])
    return result


@pytest.mark.external
@pytest.mark.parametrize("name", ["openapi.json", "openapi.yaml"])
def test_zero_spectral_errors(name: str) -> None:
    findings = lint(ROOT / "generated" / "openapi" / name)
    errors = [f"{f['code']}: {f['message']} at {'/'.join(map(str, f['path']))}" for f in findings if f["severity"] == 0]
    assert errors == []


@pytest.mark.external
def test_spectral_catches_a_broken_document(tmp_path: Path) -> None:
    """The lint is live: an http server URL and an unbounded string are errors."""
    doc = json.loads((ROOT / "generated" / "openapi" / "openapi.json").read_text())
    doc["servers"][0]["url"] = "http://example.com/nms/v1"
    doc["components"]["schemas"]["Flag"].pop("maxLength")
    broken = tmp_path / "openapi.json"
    broken.write_text(json.dumps(doc))
    codes = {f["code"] for f in lint(broken) if f["severity"] == 0}
    assert "owasp:api8:2023-no-server-http" in codes
    assert "owasp:api4:2023-string-limit" in codes


def test_every_disabled_rule_says_why() -> None:
    lines = RULESET.read_text().splitlines()
    for i, line in enumerate(lines):
        if re.search(r':\s*"?off"?\s*$', line):
            above = [ln.strip() for ln in lines[max(0, i - 6) : i]]
            assert any(ln.startswith("#") for ln in above), f"rule turned off without a reason: {line.strip()}"
