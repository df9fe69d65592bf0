"""Generated pydantic models (generated/mcdata_store/models.py, datamodel-code-generator, pinned).

Round-trip of the NMS JSON encoding (root-element wrapping, arrays, ``{"empty": null}``), choices
enforced, lenient numbers (sent as strings), strict output, closed objects.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from generator import pipeline
from generator.ir.model import Model
from generator.ir.names import body_schema_name

from ..conftest import ROOT

models = importlib.import_module("mcdata_store.models")


@pytest.fixture(scope="module")
def model() -> Model:
    result = pipeline.check(ROOT / "spec")
    assert result.model is not None
    return result.model


def body_class(type_name: str) -> type[BaseModel]:
    cls = getattr(models, body_schema_name(type_name))
    assert issubclass(cls, BaseModel)
    return cls


def test_models_come_from_the_committed_package() -> None:
    assert models.__file__ is not None
    assert models.__file__.startswith(str(ROOT / "generated" / "mcdata_store"))


@pytest.mark.clause("OMA-COMMON-JSON")
def test_every_example_round_trips(model: Model) -> None:
    for ex in model.examples:
        parsed = body_class(ex.type).model_validate(ex.value)
        assert parsed.to_wire() == ex.value, ex.name  # type: ignore[attr-defined]


@pytest.mark.clause("OMA-COMMON-JSON", "OMA-NMS-5.3.2.33", "OMA-NMS-5.3.2.29")
def test_empty_element_is_null() -> None:
    assert models.EmptyBody.model_validate({"empty": None}).to_wire() == {"empty": None}
    event = models.NmsEvent.model_validate({"resetBox": None})
    assert event.to_wire() == {"resetBox": None}


@pytest.mark.clause("OMA-COMMON-JSON")
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
        pytest.param("RequestError", {}, "exactly one", marks=pytest.mark.clause("OMA-COMMON-RequestError")),
        pytest.param(
            "RequestError",
            {
                "serviceException": {"messageId": "SVC0001", "text": "x"},
                "policyException": {"messageId": "POL0001", "text": "y"},
            },
            "at most one",
            marks=pytest.mark.clause("OMA-COMMON-RequestError"),
        ),
        pytest.param("NmsEvent", {}, "exactly one", marks=pytest.mark.clause("OMA-NMS-5.3.2.23")),
        pytest.param(
            "NmsEvent",
            {"resetBox": None, "deletedObject": {"resourceURL": "https://s/o/1"}},
            "at most one",
            marks=pytest.mark.clause("OMA-NMS-5.3.2.23"),
        ),
        pytest.param(
            "Object",
            {"parentFolder": "https://s/f/1", "parentFolderPath": "/a", "attributes": {}, "flags": {}},
            "at most one",
            marks=pytest.mark.clause("OMA-NMS-5.3.2.1"),
        ),
        pytest.param(
            "Response", {"code": 200, "reason": "OK"}, "exactly one", marks=pytest.mark.clause("OMA-NMS-5.3.2.31")
        ),
    ],
)
def test_xsd_choices_are_enforced(cls: str, value: dict[str, Any], why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        getattr(models, cls).model_validate(value)


def test_objects_are_closed() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        models.Reference.model_validate({"resourceURL": "https://s/o/1", "owner": "bob"})
    with pytest.raises(ValidationError):
        models.ObjectBody.model_validate({"object": {"attributes": {}, "flags": {}}, "boxId": "bob"})


@pytest.mark.clause("OMA-COMMON-JSON")
def test_repeated_elements_are_arrays() -> None:
    with pytest.raises(ValidationError):
        models.FlagList.model_validate({"flag": "\\Seen"})
    assert models.FlagList.model_validate({"flag": ["\\Seen"]}).to_wire() == {"flag": ["\\Seen"]}


@pytest.mark.clause("OMA-NMS-5.3.2.30")
def test_limits_are_enforced() -> None:
    with pytest.raises(ValidationError):
        models.PathList.model_validate({"path": []})  # [1..n]
    assert models.PathList.model_validate({"path": ["/a"]}).to_wire() == {"path": ["/a"]}
    with pytest.raises(ValidationError):
        models.Reference.model_validate({"resourceURL": "x" * 5000})


@pytest.mark.clause("OMA-NMS-5.3.2.19", "OMA-NMS-5.3.3.1")
def test_enums_and_defaults() -> None:
    crit = models.SortCriterion.model_validate({"type": "Date"})
    assert crit.order == models.SortOrderEnum.Descending  # TS: absent = Descending
    assert crit.to_wire() == {"type": "Date"}  # defaults are not written
    with pytest.raises(ValidationError):
        models.SearchCriterion.model_validate({"type": "Conversation", "value": ""})


@pytest.mark.clause("OMA-COMMON-JSON", "OMA-NMS-5.3.2.11")
def test_null_only_where_the_model_allows_it() -> None:
    """An optional member is absent, not null; null is allowed for empty elements and nullable fields."""
    sub = {"callbackReference": {"notifyURL": "https://c.example.test/n"}}
    with pytest.raises(ValidationError, match="clientCorrelator must not be null"):
        models.NmsSubscription.model_validate({**sub, "clientCorrelator": None})
    assert models.NmsSubscription.model_validate(sub).to_wire() == sub
    assert models.Reference.model_validate({"resourceURL": "https://s/f/1", "path": None}).to_wire()["path"] is None
    assert models.EmptyBody.model_validate({"empty": None}).to_wire() == {"empty": None}


NOTIFY_EXAMPLES = ("nmsEventListNotification", "nmsEventListFolderChanges", "nmsEventListResetBox")


@pytest.mark.clause("OMA-NMS-5.3.2.24", "OMA-NMS-5.3.2.23", "OMA-COMMON-Link")
def test_notification_bodies_round_trip_and_refuse_missing_members(model: Model) -> None:
    """The NmsEventList examples (every event kind, links, resetBox) parse with the generated models and come
    back byte-identical on the wire; an event without its mandatory resourceURL, a link without rel, and an
    event with two choices at once are refused (each event kind's own members: the test below)."""
    values = {e.name: e.value for e in model.examples if e.name in NOTIFY_EXAMPLES}
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


OBJ, FOLDER = "https://s.example/nms/v1/st/b/objects/o1", "https://s.example/nms/v1/st/b/folders/f1"
DELETED_OBJECT = {"resourceURL": OBJ, "lastModSeq": 3, "correlationId": "c-1", "correlationTag": "t-1"}
CHANGED_OBJECT = {**DELETED_OBJECT, "parentFolder": FOLDER, "flags": {"flag": ["\\Seen"]}}


@pytest.mark.parametrize(
    ("kind", "event", "mandatory"),
    [
        pytest.param("deletedObject", DELETED_OBJECT, ["resourceURL"], marks=pytest.mark.clause("OMA-NMS-5.3.2.25")),
        pytest.param("expiredObject", DELETED_OBJECT, ["resourceURL"], marks=pytest.mark.clause("OMA-NMS-5.3.2.25")),
        pytest.param(
            "deletedFolder",
            {"resourceURL": FOLDER, "lastModSeq": 4},
            ["resourceURL"],
            marks=pytest.mark.clause("OMA-NMS-5.3.2.26"),
        ),
        pytest.param(
            "expiredFolder",
            {"resourceURL": FOLDER, "lastModSeq": 4},
            ["resourceURL"],
            marks=pytest.mark.clause("OMA-NMS-5.3.2.26"),
        ),
        pytest.param(
            "changedObject",
            CHANGED_OBJECT,
            ["parentFolder", "flags", "resourceURL"],
            marks=pytest.mark.clause("OMA-NMS-5.3.2.27"),
        ),
        pytest.param(
            "changedFolder",
            {"parentFolder": FOLDER, "resourceURL": FOLDER + "x", "name": "Inbox", "lastModSeq": 5},
            ["parentFolder", "resourceURL", "name"],
            marks=pytest.mark.clause("OMA-NMS-5.3.2.28"),
        ),
        pytest.param("resetBox", None, [], marks=pytest.mark.clause("OMA-NMS-5.3.2.29")),
    ],
)
def test_each_event_kind_has_exactly_its_members(kind: str, event: Any, mandatory: list[str]) -> None:
    """Each event kind carries every member its type defines (and comes back identical on the wire), is
    refused without any of its mandatory members, and accepts no member of another kind (resetBox: none)."""
    assert models.NmsEvent.model_validate({kind: event}).to_wire() == {kind: event}
    for name in mandatory:
        with pytest.raises(ValidationError):
            models.NmsEvent.model_validate({kind: {k: v for k, v in event.items() if k != name}})
    foreign = {"name": "x"} if event is None else {**event, "name" if "name" not in event else "flags": "x"}
    with pytest.raises(ValidationError):
        models.NmsEvent.model_validate({kind: foreign})


@pytest.mark.clause("OMA-COMMON-NotificationFormat", "OMA-COMMON-CallbackReference")
def test_notification_format_is_xml_or_json() -> None:
    """A callback reference names its notifyURL (mandatory), optional callbackData and a notification format
    that is XML or JSON, nothing else."""
    assert [f.value for f in models.NotificationFormat] == ["XML", "JSON"]
    for fmt in ("XML", "JSON"):
        ref = {"notifyURL": "https://c.example.test/n", "callbackData": "d", "notificationFormat": fmt}
        assert models.CallbackReference.model_validate(ref).to_wire() == ref
    for bad in ({"notifyURL": "https://c.example.test/n", "notificationFormat": "json"}, {"callbackData": "d"}):
        with pytest.raises(ValidationError):
            models.CallbackReference.model_validate(bad)


@pytest.mark.clause("OMA-NMS-5.3.2.6", "OMA-NMS-5.3.2.14")
def test_lists_without_a_root_element() -> None:
    """AttributeList and ReferenceList appear only inside other bodies: no body of their own (no root element).
    An attribute list keeps its attributes and values in order; a reference list needs both its lists."""
    assert not hasattr(models, "AttributeListBody") and not hasattr(models, "ReferenceListBody")
    attrs = {"attribute": [{"name": "To", "value": ["b", "a"]}, {"name": "Subject", "value": ["x"]}]}
    assert models.AttributeList.model_validate(attrs).to_wire() == attrs
    both = {"folders": {"folderReference": []}, "objects": {"objectReference": [{"resourceURL": OBJ}]}}
    assert models.ReferenceList.model_validate(both).to_wire() == both
    for missing in ("folders", "objects"):
        with pytest.raises(ValidationError):
            models.ReferenceList.model_validate({k: v for k, v in both.items() if k != missing})
