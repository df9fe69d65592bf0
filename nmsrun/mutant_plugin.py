"""The pytest plugin of ``nmsgen trace --verify`` (loaded with ``-p nmsrun.mutant_plugin`` in the runs it starts).

It does three things, from environment variables the runner sets:

* ``NMSGEN_VERIFY_PACKAGE``: refuses the run unless ``mcdata_store`` is imported from that folder (the mutant,
  first on PYTHONPATH), so a run can never silently test the real server;
* ``NMSGEN_VERIFY_CLAUSES``: keeps only the tests and parametrized cases whose own clause markers (the function's
  and, for a case, its ``pytest.param`` marks) cite one of these clauses; the runner names functions, this
  narrows them to their citing cases;
* writes, as JUnit properties of each test, the test's file and function, the names the traceability matrix
  gives its case and its node id (``nmsgen-test``, ``nmsgen-cases``, ``nmsgen-node``), so the runner maps a
  failed test back to the citations of generator/reports/trace.py without guessing from pytest's ids, and can run
  exactly that test again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pytest is a test dependency: nmsgen itself imports this module without it
    import pytest

from generator.reports.mutants import CASES_PROPERTY, CLAUSES_ENV, NODE_PROPERTY, PACKAGE_ENV, TEST_PROPERTY

__all__ = ["CASES_PROPERTY", "CLAUSES_ENV", "NODE_PROPERTY", "PACKAGE_ENV", "TEST_PROPERTY"]
_CONSTANTS = (str, int, float, bool, bytes, type(None))


def pytest_configure(config: pytest.Config) -> None:
    package = os.environ.get(PACKAGE_ENV)
    if not package:
        return
    import mcdata_store  # noqa: PLC0415 - the import this check is about

    where = Path(mcdata_store.__file__).resolve().parent
    if where != Path(package).resolve():
        import pytest  # noqa: PLC0415

        raise pytest.UsageError(f"mcdata_store is imported from {where}, not from the mutant {package}")


def case_names(item: pytest.Item) -> list[str]:
    """The names generator/reports/trace.py gives the ``pytest.param`` cases of ``item`` that carry clause markers: the
    param's ``id``, else the repr of its first value, else "case N" (both candidates when the first value is a
    constant, since the matrix reads the source and sees a constant only when it is written as one)."""
    callspec: Any = getattr(item, "callspec", None)
    if callspec is None:
        return []
    names: list[str] = []
    for mark in item.iter_markers("parametrize"):
        argnames = mark.args[0] if mark.args else mark.kwargs.get("argnames", "")
        first = (argnames.split(",")[0] if isinstance(argnames, str) else argnames[0]).strip()
        values = mark.args[1] if len(mark.args) > 1 else mark.kwargs.get("argvalues", [])
        index = callspec.indices.get(first)
        if index is None or not isinstance(values, (list, tuple)) or index >= len(values):
            continue
        value = values[index]
        marks = getattr(value, "marks", None)
        if marks is None or not any(getattr(mk, "name", "") == "clause" for mk in marks):
            continue
        if value.id:
            names.append(str(value.id))
            continue
        if value.values and isinstance(value.values[0], _CONSTANTS):
            names.append(repr(value.values[0]))
        names.append(f"case {index + 1}")
    return names


def _cites(item: pytest.Item, clauses: set[str]) -> bool:
    return any(str(c) in clauses for mark in item.iter_markers("clause") for c in mark.args)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = os.environ.get(CLAUSES_ENV)
    if wanted is not None:
        clauses = set(wanted.split())
        kept = [i for i in items if _cites(i, clauses)]
        dropped = [i for i in items if not _cites(i, clauses)]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept
    for item in items:
        function = getattr(item, "originalname", None) or item.name.split("[", 1)[0]
        item.user_properties.append((TEST_PROPERTY, f"{item.path}::{function}"))
        item.user_properties.append((NODE_PROPERTY, item.nodeid))
        item.user_properties.append((CASES_PROPERTY, json.dumps(case_names(item))))
