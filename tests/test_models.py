"""Generated pydantic models (generated/mcdata_store/models.py, datamodel-code-generator, pinned).

Round-trip of the NMS JSON encoding (root-element wrapping, arrays, ``{"empty": null}``), choices
enforced, lenient numbers (sent as strings), strict output, closed objects.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from generator import emit_openapi, pipeline
from generator.model import Model

from .conftest import ROOT

pytestmark = pytest.mark.clause("OMA-COMMON-JSON")

models = importlib.import_module("mcdata_store.models")


@pytest.fixture(scope="module")
def model() -> Model:
    result = pipeline.check(ROOT / "spec")
    assert result.model is not None
    return result.model


def body_class(type_name: str) -> type[BaseModel]:
    cls = getattr(models, emit_openapi.body_schema_name(type_name))
    assert issubclass(cls, BaseModel)
    return cls


def test_models_come_from_the_committed_package() -> None:
    assert models.__file__ is not None
    assert models.__file__.startswith(str(ROOT / "generated" / "mcdata_store"))


def test_every_example_round_trips(model: Model) -> None:
    for ex in model.examples:
        parsed = body_class(ex.spec.type).model_validate(ex.spec.value)
        assert parsed.to_wire() == ex.spec.value, ex.spec.name  # type: ignore[attr-defined]


def test_empty_element_is_null() -> None:
    assert models.EmptyBody.model_validate({"empty": None}).to_wire() == {"empty": None}
    event = models.NmsEvent.model_validate({"resetBox": None})
    assert event.to_wire() == {"resetBox": None}


@pytest.mark.clause("OMA-NMS-5.3.2.1")
def test_numbers_sent_as_strings_are_read_and_written_as_numbers() -> None:
    obj = models.DeletedObject.model_validate({"resourceURL": "https://s/o/1", "lastModSeq": "48"})
    assert obj.to_wire() == {"resourceURL": "https://s/o/1", "lastModSeq": 48}
    resp = models.Response.model_validate(
        {"code": "201", "reason": "Created", "success": {"resourceURL": "https://s/o/1"}}
    )
    assert resp.to_wire()["code"] == 201


@pytest.mark.parametrize(
    ("cls", "value", "why"),
    [
        ("RequestError", {}, "exactly one"),
        (
            "RequestError",
            {
                "serviceException": {"messageId": "SVC0001", "text": "x"},
                "policyException": {"messageId": "POL0001", "text": "y"},
            },
            "at most one",
        ),
        ("NmsEvent", {}, "exactly one"),
        ("NmsEvent", {"resetBox": None, "deletedObject": {"resourceURL": "https://s/o/1"}}, "at most one"),
        (
            "Object",
            {"parentFolder": "https://s/f/1", "parentFolderPath": "/a", "attributes": {}, "flags": {}},
            "at most one",
        ),
        ("Response", {"code": 200, "reason": "OK"}, "exactly one"),
    ],
)
@pytest.mark.clause("OMA-NMS-5.3.2.23", "OMA-COMMON-RequestError")
def test_xsd_choices_are_enforced(cls: str, value: dict[str, Any], why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        getattr(models, cls).model_validate(value)


def test_objects_are_closed() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        models.Reference.model_validate({"resourceURL": "https://s/o/1", "owner": "bob"})
    with pytest.raises(ValidationError):
        models.ObjectBody.model_validate({"object": {"attributes": {}, "flags": {}}, "boxId": "bob"})


def test_repeated_elements_are_arrays() -> None:
    with pytest.raises(ValidationError):
        models.FlagList.model_validate({"flag": "\\Seen"})
    assert models.FlagList.model_validate({"flag": ["\\Seen"]}).to_wire() == {"flag": ["\\Seen"]}


def test_limits_are_enforced() -> None:
    with pytest.raises(ValidationError):
        models.PathList.model_validate({"path": []})  # [1..n]
    with pytest.raises(ValidationError):
        models.Reference.model_validate({"resourceURL": "x" * 5000})


def test_enums_and_defaults() -> None:
    crit = models.SortCriterion.model_validate({"type": "Date"})
    assert crit.order == models.SortOrderEnum.Descending  # TS: absent = Descending
    assert crit.to_wire() == {"type": "Date"}  # defaults are not written
    with pytest.raises(ValidationError):
        models.SearchCriterion.model_validate({"type": "Conversation", "value": ""})


def test_null_only_where_the_model_allows_it() -> None:
    """An optional member is absent, not null; null is allowed for empty elements and nullable fields."""
    sub = {"callbackReference": {"notifyURL": "https://c.example.test/n"}}
    with pytest.raises(ValidationError, match="clientCorrelator must not be null"):
        models.NmsSubscription.model_validate({**sub, "clientCorrelator": None})
    assert models.NmsSubscription.model_validate(sub).to_wire() == sub
    assert models.Reference.model_validate({"resourceURL": "https://s/f/1", "path": None}).to_wire()["path"] is None
    assert models.EmptyBody.model_validate({"empty": None}).to_wire() == {"empty": None}


NOTIFY_EXAMPLES = ("nmsEventListNotification", "nmsEventListFolderChanges", "nmsEventListResetBox")


@pytest.mark.clause(
    "OMA-NMS-5.3.2.24",
    "OMA-NMS-5.3.2.25",
    "OMA-NMS-5.3.2.26",
    "OMA-NMS-5.3.2.27",
    "OMA-NMS-5.3.2.28",
    "OMA-NMS-5.3.2.29",
    "OMA-NMS-5.3.4",
    "OMA-COMMON-Link",
)
def test_notification_bodies_round_trip_and_refuse_missing_members(model: Model) -> None:
    """The NmsEventList examples (every event kind, links, resetBox) parse with the generated models and come
    back byte-identical on the wire; an event without its mandatory resourceURL, a link without rel, and an
    event with two choices at once are refused."""
    values = {e.spec.name: e.spec.value for e in model.examples if e.spec.name in NOTIFY_EXAMPLES}
    assert sorted(values) == sorted(NOTIFY_EXAMPLES)
    kinds: set[str] = set()
    for value in values.values():
        parsed = models.NmsEventListBody.model_validate(value)
        assert parsed.to_wire() == value
        kinds |= {k for event in value["nmsEventList"]["nmsEvent"] for k in event}
    assert kinds >= {"changedObject", "deletedObject", "changedFolder", "deletedFolder", "resetBox"}
    good = values["nmsEventListNotification"]
    broken_event = {"nmsEventList": {**good["nmsEventList"], "nmsEvent": [{"deletedObject": {"lastModSeq": 1}}]}}
    broken_link = {"nmsEventList": {**good["nmsEventList"], "link": [{"href": "https://x.example/s"}]}}
    two_choices = {
        "nmsEventList": {
            **good["nmsEventList"],
            "nmsEvent": [{"deletedObject": {"resourceURL": "u"}, "deletedFolder": {"resourceURL": "v"}}],
        }
    }
    for bad in (broken_event, broken_link, two_choices):
        with pytest.raises(ValidationError):
            models.NmsEventListBody.model_validate(bad)
