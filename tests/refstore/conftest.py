"""The reference store on a fresh file, for the tests that call it directly (a module may override it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from refstore import SqliteStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path / "store.db")
    yield s
    s.close()
