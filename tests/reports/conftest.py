"""Fixtures shared by the report tests (trace, citations)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from ..conftest import FIXTURES

TEST_FILE = """import pytest


@pytest.mark.clause("C-1")
def test_one() -> None:
    assert True


@pytest.mark.clause("C-3")
def test_three() -> None:
    assert True
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The minimal model plus a normative clause C-3 cited by one type only, and tests citing C-1 and C-3."""
    model = tmp_path / "model"
    shutil.copytree(FIXTURES / "minimal", model)
    clauses = yaml.safe_load((model / "clauses.yaml").read_text())
    clauses["clauses"].append(
        {"id": "C-3", "source": "Test", "clause": "3", "kind": "normative", "status": "stable", "text": "A third rule."}
    )
    (model / "clauses.yaml").write_text(yaml.safe_dump(clauses))
    types = yaml.safe_load((model / "types.yaml").read_text())
    types["types"]["Empty"]["clauses"] = ["C-3"]
    (model / "types.yaml").write_text(yaml.safe_dump(types))
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_minimal.py").write_text(TEST_FILE)
    return tmp_path
