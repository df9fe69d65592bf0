"""The value grammar of Date and Flag criteria (TS14 6.7) is written once, as patterns of the model's rules
(spec/types/search.yaml): the OpenAPI document carries them (so tools generate only values the server takes),
the generated models enforce them, and the store reads every value they allow. Hypothesis draws values from
the document's own patterns; a value the pattern refuses is refused by the model before any store sees it."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from mcdata_store import models
from refstore.core.criteria import date_bounds
from refstore.core.flags import FLAG_VALUES

from ..conftest import ROOT

DOC = ROOT / "generated" / "openapi" / "openapi.json"


SCHEMA = json.loads(DOC.read_text())["components"]["schemas"]["SearchCriterion"]  # read once, for every example
EXCLUSION = jsonschema.Draft4Validator({"not": SCHEMA["not"]})


def _patterns() -> dict[str, str]:
    """Criterion type -> the pattern its value must match, read from the document's machine-readable rules."""
    found: dict[str, str] = {}
    for rule in SCHEMA["x-nmsgen-rules"]:
        for kind in rule["when"]["values"]:
            if "value" in rule.get("match", {}):
                found[kind] = rule["match"]["value"]
    return found


PATTERNS = _patterns()


def _excluded(criterion: dict[str, Any]) -> bool:
    """Whether the document's ``not`` of SearchCriterion excludes this criterion (the JSON Schema view)."""
    return not EXCLUSION.is_valid(criterion)


def test_date_and_flag_values_have_a_pattern_in_the_document() -> None:
    assert set(PATTERNS) == {"Date", "Flag"}


@pytest.mark.clause("OMA-NMS-6.7")
@settings(max_examples=100, deadline=None)
@given(st.data())
def test_every_date_value_the_document_allows_is_read_by_the_store(data: st.DataObject) -> None:
    value = data.draw(st.from_regex(PATTERNS["Date"], fullmatch=True))
    low, high = date_bounds(value, "searchCriteria")
    assert low is not None or high is not None
    models.SearchCriterion.model_validate({"type": "Date", "value": value})
    assert not _excluded({"type": "Date", "value": value})


@pytest.mark.clause("OMA-NMS-6.7")
@settings(max_examples=100, deadline=None)
@given(st.data())
def test_every_flag_value_the_document_allows_is_read_by_the_store(data: st.DataObject) -> None:
    value = data.draw(st.from_regex(PATTERNS["Flag"], fullmatch=True))
    assert value.strip().lower() in FLAG_VALUES
    models.SearchCriterion.model_validate({"type": "Flag", "name": "\\Seen", "value": value})


@pytest.mark.clause("OMA-NMS-6.7")
@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("Date", "2026-01-01T00:00:00Z"),  # no minDate=/maxDate=
        ("Date", "minDate=2026-01-01T00:00:00"),  # no time zone: not an xsd:dateTimeStamp
        ("Date", "minDate=2025-02-29T00:00:00Z"),  # 2025 is no leap year
        ("Date", "minDate=2026-04-31T00:00:00Z"),  # April has 30 days
        ("Date", "minDate=2026-01-01T24:00:00Z"),
        ("Date", "minDate=0000-01-01T00:00:00Z"),
        ("Date", "minDate=2026-01-01T00:00:00+15:00"),
        ("Date", "minDate=2026-01-01T00:00:00Z&minDate=2026-01-02T00:00:00Z"),  # each bound at most once
        ("Date", "minDate=2026-01-01T00:00:00Z\n"),  # $ is the end of the text
        ("Date", ""),
        ("Flag", "yes"),
        ("Flag", "truefalse"),
    ],
)
def test_a_value_outside_the_pattern_is_refused_by_document_and_model(kind: str, value: str) -> None:
    """The model refuses it (400 before any store sees it), as the document does."""
    criterion = {"type": kind, "name": "\\Seen", "value": value} if kind == "Flag" else {"type": kind, "value": value}
    if not value.endswith("\n"):  # Python's re lets $ match before a final line break; ECMA-262 and the models don't
        assert _excluded(criterion)
    with pytest.raises(ValidationError, match="does not match"):
        models.SearchCriterion.model_validate(criterion)


@pytest.mark.clause("OMA-NMS-6.7")
def test_leap_days_follow_the_gregorian_rule() -> None:
    for year, leap in (("2024", True), ("2000", True), ("1900", False), ("2100", False), ("0004", True)):
        value = f"minDate={year}-02-29T12:00:00.5+14:00&maxDate=9999-12-31T23:59:59Z"
        assert _excluded({"type": "Date", "value": value}) is not leap, year
