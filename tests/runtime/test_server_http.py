"""HTTP behaviour of the generated server: NMS error bodies for every failure, exact Allow on 405,
404 SVC0004 for unknown resources, invalid input 400 SVC0002 (never FastAPI's 422), size limits,
no internals in 500 answers. Error bodies validate against the document's own RequestErrorBody.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30ReadValidator

from mcdata_store.server import Limits, create_app
from mcdata_store.store import StoreError

from ..conftest import ROOT
from ..support import ALICE, Keys, RecordingStore, user_token

DOC = json.loads((ROOT / "generated" / "openapi" / "openapi.json").read_text())
ERROR_SCHEMA = OAS30ReadValidator(
    {"$ref": "#/components/schemas/RequestErrorBody", "components": DOC["components"]}, format_checker=FormatChecker()
)
KEYS = Keys()
# minted at import: valid for a day, so it outlives a long test session (exp is validated)
TOKEN = user_token(KEYS, ALICE, exp=int(time.time()) + 86_400)
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ALL = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")
RESOURCES = [(path, item["x-nmsgen-allow"]) for path, item in DOC["paths"].items()]


def url(path: str) -> str:
    return "/nms/v1" + re.sub(r"\{[^}]+\}", "id1", path.replace("{boxId}", ALICE))


def app(store: Any = None, **kw: Any) -> TestClient:
    return TestClient(
        create_app(store or RecordingStore(), KEYS.settings(), **kw),
        base_url="https://testserver",
        raise_server_exceptions=False,
    )


def assert_request_error(r: Any, message_id: str, status: int) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert list(ERROR_SCHEMA.iter_errors(body)) == []
    err = body["requestError"]
    assert (err.get("serviceException") or err.get("policyException"))["messageId"] == message_id


@pytest.mark.clause("OMA-COMMON-HTTP-405")
@pytest.mark.parametrize(("path", "allow"), RESOURCES, ids=[a for a, _ in RESOURCES])
def test_405_with_the_exact_allow_value(path: str, allow: list[str]) -> None:
    client = app()
    for method in ALL:
        if method in allow:
            continue
        r = client.request(method, url(path), headers=AUTH)
        assert r.status_code == 405, f"{method} {path}"
        assert r.headers["allow"] == ", ".join(allow)
        if method != "HEAD":
            assert_request_error(r, "SVC0001", 405)


@pytest.mark.clause("OMA-COMMON-HTTP-405")
@pytest.mark.parametrize(("path", "allow"), RESOURCES, ids=[a for a, _ in RESOURCES])
def test_a_method_http_does_not_define_is_405_with_the_allow_value_too(path: str, allow: list[str]) -> None:
    """QUERY (an HTTP method registered after the OMA specs) and an extension method: the same 405 answer,
    never a 405 without Allow."""
    client = app()
    for method in ("QUERY", "FROB"):
        r = client.request(method, url(path), headers=AUTH)
        assert r.headers.get("allow") == ", ".join(allow), f"{method} {path}"
        assert_request_error(r, "SVC0001", 405)


@pytest.mark.clause("OMA-NMS-5.2")
@pytest.mark.parametrize(
    "path",
    ["/nms/v1/myStore", "/nms/v2/myStore/a/objects", "/nms/v1/s/b/unknown", "/nms/v1/s/b/objects/o/flags/f/extra", "/"],
)
def test_unknown_resource_is_404_svc0004(path: str) -> None:
    assert_request_error(app().get(path, headers=AUTH), "SVC0004", 404)


@pytest.mark.clause("OMA-COMMON-Exceptions", "OMA-COMMON-ServiceException")
@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"{not json", {"Content-Type": "application/json"}),
        (b'{"selectionCriteria": {}}', {"Content-Type": "application/json"}),  # maxEntries is mandatory
        (b'{"selectionCriteria": {"maxEntries": -1}}', {"Content-Type": "application/json"}),
        (b'{"selectionCriteria": {"maxEntries": 1, "owner": "bob"}}', {"Content-Type": "application/json"}),
        (b'{"objectList": {}}', {"Content-Type": "application/json"}),  # the wrong root element
        (b'{"selectionCriteria": {"maxEntries": 1}}', {"Content-Type": "text/plain"}),
        (b"", {"Content-Type": "application/json"}),
    ],
)
def test_invalid_input_is_400_svc0002_never_422(body: bytes, headers: dict[str, str]) -> None:
    store = RecordingStore()
    r = app(store).post(
        url("/{storeName}/{boxId}/objects/operations/search"), content=body, headers={**AUTH, **headers}
    )
    assert_request_error(r, "SVC0002", 400)
    assert store.calls == []


@pytest.mark.clause("OMA-COMMON-ServiceException")
def test_invalid_query_parameters_are_400() -> None:
    client = app()
    base = url("/{storeName}/{boxId}/folders/{folderId}")
    for query in ("maxEntries=-1", "maxEntries=abc", "maxEntries=99999999999", "listFilter=Everything", "path=No"):
        assert_request_error(client.get(f"{base}?{query}", headers=AUTH), "SVC0002", 400)


def test_body_size_limit() -> None:
    client = app(limits=Limits(max_json_bytes=1000))
    big = json.dumps({"selectionCriteria": {"maxEntries": 1, "fromCursor": "x" * 2000}})
    r = client.post(
        url("/{storeName}/{boxId}/objects/operations/search"),
        content=big,
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert_request_error(r, "SVC0002", 400)


def test_string_limits_from_the_model() -> None:
    r = app().post(
        url("/{storeName}/{boxId}/folders"),
        json={"folder": {"parentFolderPath": "/", "name": "x" * 5000, "attributes": {}}},
        headers=AUTH,
    )
    assert_request_error(r, "SVC0002", 400)


class Exploding:
    def __getattr__(self, name: str) -> Any:
        def method(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("secret internal detail /var/lib/db")

        return method


@pytest.mark.clause("OMA-COMMON-RequestError")
def test_500_reveals_nothing() -> None:
    r = app(Exploding()).get(url("/{storeName}/{boxId}/objects/{objectId}"), headers=AUTH)
    assert_request_error(r, "SVC0001", 500)
    assert "secret" not in r.text and "Traceback" not in r.text


class Refusing:
    def __getattr__(self, name: str) -> Any:
        def method(*args: Any, **kwargs: Any) -> Any:
            raise StoreError("POL1031", ["/Trash"], links=[("folder", "https://s/f/1")])

        return method


@pytest.mark.clause("OMA-NMS-7", "OMA-COMMON-PolicyException", "OMA-COMMON-Link")
def test_store_refusals_use_the_exception_registry() -> None:
    r = app(Refusing()).post(
        url("/{storeName}/{boxId}/folders/operations/moveToFolder"),
        headers=AUTH,
        json={
            "targetSourceRef": {
                "targetRef": {"resourceURL": "https://s/f/1"},
                "sourceRefs": {"folders": {"folderReference": []}, "objects": {"objectReference": []}},
            }
        },
    )
    assert_request_error(r, "POL1031", 403)
    err = r.json()["requestError"]
    assert err["policyException"]["text"] == "Attempt to create objects or folders under /Trash is prohibited"
    assert err["link"] == [{"rel": "folder", "href": "https://s/f/1"}]


def test_xml_bodies_are_refused_as_the_open_point_chose() -> None:
    """OP-XML-BODIES: JSON only. An XML body is invalid input naming Content-Type, before the store is asked."""
    store = RecordingStore()
    r = app(store).post(
        url("/{storeName}/{boxId}/folders"),
        content=b"<folder><name>x</name></folder>",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/xml"},
    )
    assert r.status_code == 400
    assert r.json()["requestError"]["serviceException"]["variables"] == ["Content-Type (application/json expected)"]
    assert store.calls == []
