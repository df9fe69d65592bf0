"""The criteria a folder search, a subscription filter and a bulk selection take are rules of the model
(OP-CRITERIA-CONTEXTS): the document states them (a ``not`` in the operation's request body or in the type), and
the generated server on the reference store refuses exactly the requests the document refuses. Hypothesis draws
criterion lists of every type with values the store reads (no preset names, no creation cursors other than a
filter's "": those the store decides, and the document says so in words)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30WriteValidator

from mcdata_store.server import create_app
from refstore import SqliteStore

from ..conftest import ROOT
from ..support import ALICE, Keys, user_token

DOC = json.loads((ROOT / "generated" / "openapi" / "openapi.json").read_text())
KEYS = Keys()
AUTH = {"Authorization": f"Bearer {user_token(KEYS, ALICE, exp=int(time.time()) + 86_400)}"}
BASE = f"/nms/v1/myStore/{ALICE}"

# one criterion of each type, with a value the store reads (the value grammar itself: test_criterion_values.py)
CRITERIA: list[dict[str, str]] = [
    {"type": "Date", "value": "minDate=2026-01-01T00:00:00Z"},
    {"type": "Attribute", "name": "Subject", "value": "hello"},
    {"type": "AllTextAttributes", "value": "hello"},
    {"type": "Flag", "name": "\\Seen", "value": "true"},
    {"type": "WholeWord", "value": "hello"},
    {"type": "VanishedObjects", "value": ""},
    {"type": "CreatedObjects", "value": ""},
    {"type": "CreatedObjects", "value": "not-a-cursor"},
]


def _request_schema(method: str, path: str) -> OAS30WriteValidator:
    content = DOC["paths"][path][method]["requestBody"]["content"]["application/json"]
    return OAS30WriteValidator({**content["schema"], "components": DOC["components"]}, format_checker=FormatChecker())


def _selection(crits: list[dict[str, str]]) -> dict[str, Any]:
    return {"maxEntries": 10, "searchCriteria": {"criterion": crits}}


# operation -> (method, document path, body of the drawn criteria)
CONTEXTS = {
    "SearchFolders": (
        "post",
        "/{storeName}/{boxId}/folders/operations/search",
        lambda c: {"selectionCriteria": _selection(c)},
    ),
    "CreateSubscription": (
        "post",
        "/{storeName}/{boxId}/subscriptions",
        lambda c: {
            "nmsSubscription": {
                "callbackReference": {"notifyURL": "https://client.example/notify"},
                "filter": {"criterion": c},
            }
        },
    ),
    "BulkDeleteObjects": (
        "delete",
        "/{storeName}/{boxId}/objects/operations/bulkDelete",
        lambda c: {"bulkDelete": {"selectionCriteria": _selection(c)}},
    ),
    "BulkUpdateObjects": (
        "post",
        "/{storeName}/{boxId}/objects/operations/bulkUpdate",
        lambda c: {
            "bulkUpdate": {"selectionCriteria": _selection(c), "operation": "AddFlag", "flags": {"flag": ["\\Seen"]}}
        },
    ),
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = SqliteStore(Path(tmp_path_factory.mktemp("contexts")) / "store.db")
    with TestClient(create_app(store, KEYS.settings()), base_url="https://testserver") as c:
        yield c


def _send(client: TestClient, op: str, body: dict[str, Any]) -> Any:
    method, path, _ = CONTEXTS[op]
    url = BASE + path.removeprefix("/{storeName}/{boxId}")
    return client.request(method.upper(), url, headers={**AUTH, "Content-Type": "application/json"}, json=body)


def _store_decides(op: str, crits: list[dict[str, str]]) -> bool:
    """Requests the store refuses for reasons the document gives in words (TS14 6.7): a creation cursor only
    the server issues (in a search or bulk selection; a filter's value is "" by the document), VanishedObjects
    combined with other criteria."""
    vanished = any(c["type"] == "VanishedObjects" for c in crits)
    cursor = op != "CreateSubscription" and any(c["type"] == "CreatedObjects" and c["value"] for c in crits)
    return cursor or (vanished and len(crits) > 1)


@pytest.mark.clause("OMA-NMS-6.13", "OMA-NMS-6.17", "OMA-NMS-6.7")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(op=st.sampled_from(sorted(CONTEXTS)), crits=st.lists(st.sampled_from(CRITERIA), min_size=1, max_size=3))
def test_the_server_refuses_exactly_the_criteria_the_document_refuses(
    client: TestClient, op: str, crits: list[dict[str, str]]
) -> None:
    method, path, make = CONTEXTS[op]
    body = make(crits)
    allowed = _request_schema(method, path).is_valid(body)
    if allowed and _store_decides(op, crits):
        return
    r = _send(client, op, body)
    assert (r.status_code != 400) == allowed, (
        f"{op} {crits}: document allows={allowed}, server {r.status_code} {r.text}"
    )
    if not allowed:
        assert r.json()["requestError"]["serviceException"]["messageId"] == "SVC0002"


@pytest.mark.clause("OMA-NMS-6.13")
@pytest.mark.parametrize("kind", ["Flag", "CreatedObjects", "VanishedObjects"])
def test_a_folder_search_refuses_criteria_of_objects(client: TestClient, kind: str) -> None:
    crit = next(c for c in CRITERIA if c["type"] == kind)
    r = _send(client, "SearchFolders", {"selectionCriteria": _selection([crit])})
    assert r.status_code == 400
    error = r.json()["requestError"]["serviceException"]
    assert error["messageId"] == "SVC0002"
    assert not _request_schema(*CONTEXTS["SearchFolders"][:2]).is_valid({"selectionCriteria": _selection([crit])})


@pytest.mark.clause("OMA-NMS-6.17")
def test_a_filter_takes_created_objects_with_an_empty_value_only(client: TestClient) -> None:
    ok = CONTEXTS["CreateSubscription"][2]([{"type": "CreatedObjects", "value": ""}])
    bad = CONTEXTS["CreateSubscription"][2]([{"type": "CreatedObjects", "value": "c1"}])
    assert _send(client, "CreateSubscription", ok).status_code == 201
    assert _send(client, "CreateSubscription", bad).status_code == 400
    schema = _request_schema(*CONTEXTS["CreateSubscription"][:2])
    assert schema.is_valid(ok) and not schema.is_valid(bad)


@pytest.mark.clause("OMA-NMS-6.7")
def test_object_search_still_takes_every_criterion_type(client: TestClient) -> None:
    """The rules are of their operations only: the same criteria in an object search are the type's business."""
    schema = _request_schema("post", "/{storeName}/{boxId}/objects/operations/search")
    for crit in CRITERIA:
        assert schema.is_valid({"selectionCriteria": _selection([crit])}), crit
