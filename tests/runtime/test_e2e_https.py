"""Every operation of the document answers over HTTPS (TLS) on the reference store, for both interfaces,
with real signed tokens; every answer matches the document (status documented, body schema valid).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30ReadValidator

from ..conftest import ROOT, StartServer
from ..https_server import Running, ServerOptions
from ..support import ALICE, Keys, server_token, user_token

DOC = json.loads((ROOT / "generated" / "openapi" / "openapi.json").read_text())
OPS = {
    op["operationId"]: (path, meth, op)
    for path, item in DOC["paths"].items()
    for meth, op in item.items()
    if isinstance(op, dict) and "operationId" in op
}
KEYS = Keys()
MIXED = (
    b"--b1\r\nContent-Type: text/plain\r\n\r\nHello Bob\r\n"
    b"--b1\r\nContent-Type: image/png\r\nContent-ID: <img1>\r\n\r\n\x89PNG\r\n--b1--\r\n"
)


class Api:
    """Calls operations by operationId and checks each answer against the document."""

    def __init__(self, running: Running, token: str, box: str = ALICE) -> None:
        self.box_url = f"{running.base_url}/{quote(box, safe='')}"
        self.http = httpx.Client(verify=running.client_context(), headers={"Authorization": f"Bearer {token}"})
        self.seen: set[str] = set()

    def __call__(self, op_id: str, expect: int, ids: dict[str, str] | None = None, **kw: Any) -> httpx.Response:
        path, meth, op = OPS[op_id]
        rel = path.split("{boxId}", 1)[1]
        for name, value in (ids or {}).items():
            rel = rel.replace("{" + name + "}", quote(value, safe=""))
        r = self.http.request(meth.upper(), self.box_url + rel, **kw)
        assert r.status_code == expect, f"{op_id}: {r.status_code} {r.text[:400]}"
        documented = op["responses"].get(str(r.status_code))
        assert documented is not None, f"{op_id}: {r.status_code} is not documented"
        media = r.headers.get("content-type", "").split(";")[0]
        if media == "application/json":
            schema = documented["content"]["application/json"]["schema"]
            v = OAS30ReadValidator({**schema, "components": DOC["components"]}, format_checker=FormatChecker())
            errors = [e.message for e in v.iter_errors(r.json())]
            assert errors == [], f"{op_id} {r.status_code}: {errors}"
        for header, spec in documented.get("headers", {}).items():
            if spec.get("required"):
                assert header.lower() in r.headers, f"{op_id}: missing {header}"
        self.seen.add(op_id)
        return r


def last_segment(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture(scope="module")
def server_options() -> ServerOptions:
    return ServerOptions(KEYS)


def _every_operation(api: Api) -> None:
    """Every operation of the document once, in a fresh box, each answer checked against the document."""
    inbox = api("CreateFolder", 201, json={"folder": {"parentFolderPath": "/", "name": "Inbox", "attributes": {}}})
    inbox_url = inbox.headers["location"]
    folder_id = last_segment(inbox_url)
    archive = api(
        "CreateFolder", 201, json={"folder": {"parentFolder": inbox_url, "name": "Archive", "attributes": {}}}
    ).headers["location"]
    root_fields = {
        "object": {
            "parentFolderPath": "/Inbox",
            "flags": {"flag": ["\\Seen"]},
            "attributes": {"attribute": [{"name": "Subject", "value": ["hi"]}]},
        }
    }
    created = api(
        "CreateObject",
        201,
        files={
            "root-fields": (None, json.dumps(root_fields), "application/json"),
            "attachments": ("", MIXED, "multipart/mixed; boundary=b1"),
        },
    )
    obj_url = created.headers["location"]
    obj = last_segment(obj_url)
    got = api("GetObject", 200, {"objectId": obj}).json()["object"]
    assert got["attributes"]["attribute"][0]["value"] == ["hi"]
    assert [p["contentType"].split(";")[0] for p in got["payloadPart"]] == ["text/plain", "image/png"]
    assert api("GetObjectPayload", 200, {"objectId": obj}).content == MIXED
    part = last_segment(got["payloadPart"][0]["href"])
    assert api("GetObjectPayloadPart", 200, {"objectId": obj, "payloadPartId": part}).content == b"Hello Bob"
    assert api("GetObjectFlags", 200, {"objectId": obj}).json()["flagList"]["flag"] == ["\\Seen"]
    api("ReplaceObjectFlags", 200, {"objectId": obj}, json={"flagList": {"flag": ["\\Seen", "\\Flagged"]}})
    api("GetObjectFlag", 204, {"objectId": obj, "flagName": "\\seen"})
    assert api("SetObjectFlag", 201, {"objectId": obj, "flagName": "$Forwarded"}, json={"empty": None}).json() == {
        "empty": None
    }
    api("SetObjectFlag", 204, {"objectId": obj, "flagName": "$Forwarded"})
    api("DeleteObjectFlag", 204, {"objectId": obj, "flagName": "$Forwarded"})
    assert api("DeleteObjectFlag", 404, {"objectId": obj, "flagName": "$Forwarded"}).json() == {"empty": None}
    api("GetObjectFlag", 404, {"objectId": obj, "flagName": "$Forwarded"})
    found = api(
        "SearchObjects",
        200,
        json={
            "selectionCriteria": {
                "maxEntries": 10,
                "searchCriteria": {"criterion": [{"type": "Flag", "name": "\\Flagged", "value": "true"}]},
            }
        },
    ).json()
    assert [o["resourceURL"] for o in found["objectList"]["object"]] == [obj_url]
    path = got["path"]
    assert api("GetObjectIdByPath", 200, params={"path": path}).json()["reference"]["resourceURL"] == obj_url
    bulk = api("GetObjectIdsByPaths", 200, json={"pathList": {"path": [path, "/Inbox/nope"]}}).json()
    assert [x["code"] for x in bulk["bulkResponseList"]["response"]] == [200, 404]
    objects = {
        "objectList": {
            "object": [
                {"parentFolder": inbox_url, "attributes": {}, "flags": {}},
                {"parentFolder": inbox_url, "attributes": {}, "flags": {}},
            ]
        }
    }
    made = api(
        "BulkCreateObjects",
        200,
        files=[
            ("root-fields", (None, json.dumps(objects), "application/json")),
            ("attachments", ("", b"one", "text/plain")),
            ("attachments", ("", b"", "text/plain")),
        ],
    ).json()
    assert [x["code"] for x in made["bulkResponseList"]["response"]] == [201, 201]
    listing = api("GetFolder", 200, {"folderId": folder_id}, params={"listFilter": "All", "path": "Yes"}).json()
    assert listing["folder"]["path"] == "/Inbox"
    assert api("GetFolderName", 200, {"folderId": folder_id}).json() == {"name": "Inbox"}
    api("RenameFolder", 200, {"folderId": folder_id}, json={"name": "Mail"})
    roots = api(
        "SearchFolders",
        200,
        json={
            "selectionCriteria": {
                "maxEntries": 5,
                "searchCriteria": {"criterion": [{"type": "Attribute", "name": "Root", "value": "Yes"}]},
            }
        },
    ).json()
    assert len(roots["folderList"]["folder"]) == 1
    assert api("GetFolderIdByPath", 200, params={"path": "/Mail"}).json()["reference"]["resourceURL"] == inbox_url
    api("GetFolderIdsByPaths", 200, json={"pathList": {"path": ["/Mail", "/Mail/Archive"]}})
    refs = {"folders": {"folderReference": []}, "objects": {"objectReference": [{"resourceURL": obj_url}]}}
    api("CopyToFolder", 200, json={"targetSourceRef": {"targetRef": {"resourceURL": archive}, "sourceRefs": refs}})
    api("MoveToFolder", 200, json={"targetSourceRef": {"targetRef": {"resourceURL": archive}, "sourceRefs": refs}})
    sub = api(
        "CreateSubscription",
        201,
        json={
            "nmsSubscription": {
                "callbackReference": {"notifyURL": "https://client.example.test/notify"},
                "duration": 3600,
            }
        },
    ).json()
    sub_id = last_segment(sub["nmsSubscription"]["resourceURL"])
    assert sub["nmsSubscription"]["index"] == 1
    api("ListSubscriptions", 200)
    api("GetSubscription", 200, {"subscriptionId": sub_id})
    api("UpdateSubscription", 200, {"subscriptionId": sub_id}, json={"nmsSubscriptionUpdate": {"duration": 60}})
    api("DeleteSubscription", 204, {"subscriptionId": sub_id})
    api("GetSubscription", 404, {"subscriptionId": sub_id})
    one = {"objectReference": [{"resourceURL": obj_url}]}
    api(
        "BulkUpdateObjects",
        200,
        json={"bulkUpdate": {"objects": one, "operation": "AddFlag", "flags": {"flag": ["\\Answered"]}}},
    )
    made_url = made["bulkResponseList"]["response"][0]["success"]["resourceURL"]
    api("BulkDeleteObjects", 200, json={"bulkDelete": {"objects": {"objectReference": [{"resourceURL": made_url}]}}})
    api("DeleteObject", 204, {"objectId": obj})
    api("GetObject", 404, {"objectId": obj})
    api("DeleteFolder", 204, {"folderId": folder_id})


@pytest.mark.clause("24.282-21.1-CR3", "23.282-7.13.1-R4", "24.282-21.1-R3", "24.282-21.1-R7")
def test_every_mcdata7_operation_over_https(running: Running) -> None:
    api = Api(running, user_token(KEYS, ALICE))
    _every_operation(api)
    mcdata7 = {i for i, (_, _, op) in OPS.items() if "MCData-7" in op["x-nmsgen-interfaces"]}
    assert sorted(mcdata7 - api.seen) == []


@pytest.mark.clause("24.282-21.1-CR1", "24.282-21.1-CR2", "24.282-21.1-CR3", "23.282-7.13-R2")
def test_every_mcdata8_operation_over_https(running: Running) -> None:
    """An all-accounts MCData server token reaches the whole box, as the seed CR says: it creates, reads,
    searches, flags, moves, subscribes and deletes on any user's box named by boxId; the user sees what it
    deposited."""
    for box in ("bob@example.test", "carol@example.test"):
        api = Api(running, server_token(KEYS), box=box)
        _every_operation(api)
        mcdata8 = {i for i, (_, _, op) in OPS.items() if "MCData-8" in op["x-nmsgen-interfaces"]}
        assert sorted(mcdata8 - api.seen) == []
    api = Api(running, server_token(KEYS), box="bob@example.test")
    api("CreateFolder", 201, json={"folder": {"parentFolderPath": "/", "name": "Deposits", "attributes": {}}})
    ref = api("GetFolderIdByPath", 200, params={"path": "/Deposits"}).json()["reference"]["resourceURL"]
    obj = {"object": {"parentFolder": ref, "flags": {"flag": []}, "attributes": {}}}
    api("CreateObject", 201, json=obj)
    user = Api(running, user_token(KEYS, "bob@example.test"), box="bob@example.test")
    found = user("SearchObjects", 200, json={"selectionCriteria": {"maxEntries": 10}}).json()["objectList"]["object"]
    assert [o["parentFolder"] for o in found] == [ref]


@pytest.mark.clause("23.282-7.13.1-R5", "23.282-7.13.3.8-R1", "RFC8725-3.12")
def test_mcdata8_restricted_to_deposit_by_the_deployment(start_server: StartServer) -> None:
    """With the deployment setting mcdata8_operations = deposit (nmsgen serve --mcdata8-operations deposit), an
    MCData server deposits (create objects and folders, find folders) and nothing else: every other operation
    answers 403 POL0001 (wrong-interface) before the store is reached; the user's own token is unaffected."""
    deposit = {"CreateObject", "BulkCreateObjects", "CreateFolder", "GetFolderIdByPath", "GetFolderIdsByPaths"}
    with start_server(KEYS, mcdata8_operations="deposit") as running:
        server = Api(running, server_token(KEYS), box="bob@example.test")
        server("CreateFolder", 201, json={"folder": {"parentFolderPath": "/", "name": "In", "attributes": {}}})
        server("GetFolderIdByPath", 200, params={"path": "/In"})
        made = server("CreateObject", 201, json={"object": {"parentFolderPath": "/In", "flags": {}, "attributes": {}}})
        obj = last_segment(made.headers["location"])
        refused = 0
        for op_id, (path, meth, _) in sorted(OPS.items()):
            if op_id in deposit or "{" in path.split("{boxId}", 1)[1]:
                continue  # deposit operations, and those needing an id (GetObject below)
            r = server.http.request(meth.upper(), server.box_url + path.split("{boxId}", 1)[1], json={})
            assert r.status_code == 403, f"{op_id}: {r.status_code} {r.text[:200]}"
            assert r.json()["requestError"]["policyException"]["messageId"] == "POL0001"
            refused += 1
        r = server.http.get(f"{server.box_url}/objects/{obj}")
        assert r.status_code == 403 and r.headers["www-authenticate"].startswith("Bearer realm=")
        assert refused >= 5
        user = Api(running, user_token(KEYS, "bob@example.test"), box="bob@example.test")
        assert user("GetObject", 200, {"objectId": obj}).json()["object"]["resourceURL"] == made.headers["location"]
