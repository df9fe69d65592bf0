"""Happy paths of the conformance kit: one function per operation, named after its operationId.

``setup`` (always an MCData-7 caller on the test user's box) creates what the operation needs; ``api``
performs the operation under test (the same caller, or an MCData-8 caller on the same box). Every call
goes through ``Api``, which checks status, body and headers against the OpenAPI document. Every resource
is created under a fresh folder with a unique name, so runs never depend on each other or on what the
box held before.

nmsgen refuses to generate the kit when an operation of the model has no scenario here.
"""

from __future__ import annotations

import json
from typing import Any

from _kit import Api, unique

MIXED = (
    b"--b1\r\nContent-Type: text/plain\r\n\r\nHello Bob\r\n"
    b"--b1\r\nContent-Type: image/png\r\nContent-ID: <img1>\r\n\r\n\x89PNG\r\n--b1--\r\n"
)


# What a happy path checks besides its operation's defining clause and its caller's interface clause (nmsgen
# cites these on the kit's test, each while the model's registry holds it): what its assertions look at.
CHECKS: dict[str, tuple[str, ...]] = {
    "SearchFolders": ("OMA-NMS-App.J",),  # exactly one folder has the attribute Root = Yes
    "GetFolderIdsByPaths": ("OMA-NMS-5.3.2.32",),  # one result per path, in request order
    "CopyToFolder": ("OMA-NMS-5.3.2.32",),
    "MoveToFolder": ("OMA-NMS-5.3.2.32",),
    "BulkCreateObjects": ("OMA-NMS-5.3.2.32",),
    "GetObject": ("23.282-7.13-R1",),  # the object is reached directly by its identifier
    "GetObjectFlags": ("OMA-NMS-5.3.2.4",),  # the flags as set, in order
    "SearchObjects": ("OMA-NMS-5.3.2.15", "OMA-NMS-5.3.3.1"),  # a scope and a Flag criterion select the object
    "GetObjectIdsByPaths": ("OMA-NMS-5.3.2.32",),
    "BulkUpdateObjects": ("OMA-NMS-5.3.2.32",),
    "GetSubscription": ("OMA-COMMON-CallbackReference",),  # the notifyURL as sent
    "ListSubscriptions": ("OMA-NMS-5.3.2.21",),  # the list holds the new subscription
}


def last_segment(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def new_folder(setup: Api, parent_path: str = "/") -> tuple[str, str, str]:
    """(resource URL, id, path) of a new folder."""
    name = unique("kit")
    r = setup("CreateFolder", 201, json={"folder": {"parentFolderPath": parent_path, "name": name, "attributes": {}}})
    url = r.headers["location"]
    return url, last_segment(url), parent_path.rstrip("/") + "/" + name


def new_object(setup: Api, folder_url: str, flags: tuple[str, ...] = ("\\Seen",)) -> tuple[str, str]:
    """(resource URL, id) of a new object with a two-part payload."""
    root = {
        "object": {
            "parentFolder": folder_url,
            "flags": {"flag": list(flags)},
            "attributes": {"attribute": [{"name": "Subject", "value": ["conformance"]}]},
        }
    }
    files = {
        "root-fields": (None, json.dumps(root), "application/json"),
        "attachments": ("", MIXED, "multipart/mixed; boundary=b1"),
    }
    url = setup("CreateObject", 201, files=files).headers["location"]
    return url, last_segment(url)


def new_subscription(setup: Api) -> str:
    body = {"nmsSubscription": {"callbackReference": {"notifyURL": "https://client.example.invalid/notify"}}}
    r = setup("CreateSubscription", 201, json={**body, "nmsSubscription": {**body["nmsSubscription"], "duration": 600}})
    return last_segment(r.json()["nmsSubscription"]["resourceURL"])


# ----------------------------------------------------------------------------------------------- folders


def CreateFolder(setup: Api, api: Api) -> None:
    parent_url, _, parent_path = new_folder(setup)
    name = unique("child")
    r = api("CreateFolder", 201, json={"folder": {"parentFolder": parent_url, "name": name, "attributes": {}}})
    child = r.headers["location"]
    got = setup("GetFolderIdByPath", 200, params={"path": f"{parent_path}/{name}"}).json()
    assert got["reference"]["resourceURL"] == child, "the created folder is not found at its path"


def GetFolder(setup: Api, api: Api) -> None:
    url, fid, path = new_folder(setup)
    obj_url, _ = new_object(setup, url)
    body = api("GetFolder", 200, {"folderId": fid}, params={"listFilter": "All", "path": "Yes"}).json()
    assert body["folder"]["resourceURL"] == url
    assert body["folder"]["path"] == path, f"path {body['folder'].get('path')!r}, expected {path!r}"
    listed = [o["resourceURL"] for o in body["folder"].get("objects", {}).get("objectReference", [])]
    assert listed == [obj_url], f"the folder lists {listed}, expected the one object created in it"


def DeleteFolder(setup: Api, api: Api) -> None:
    _, fid, _ = new_folder(setup)
    api("DeleteFolder", 204, {"folderId": fid})
    setup("GetFolder", 404, {"folderId": fid})


def GetFolderName(setup: Api, api: Api) -> None:
    _, fid, path = new_folder(setup)
    assert api("GetFolderName", 200, {"folderId": fid}).json() == {"name": path.rsplit("/", 1)[1]}


def RenameFolder(setup: Api, api: Api) -> None:
    _, fid, _ = new_folder(setup)
    name = unique("renamed")
    api("RenameFolder", 200, {"folderId": fid}, json={"name": name})
    assert setup("GetFolderName", 200, {"folderId": fid}).json() == {"name": name}


def SearchFolders(setup: Api, api: Api) -> None:
    criteria = {"criterion": [{"type": "Attribute", "name": "Root", "value": "Yes"}]}
    body = api("SearchFolders", 200, json={"selectionCriteria": {"maxEntries": 5, "searchCriteria": criteria}}).json()
    assert len(body["folderList"]["folder"]) == 1, "a box has exactly one root folder"


def GetFolderIdByPath(setup: Api, api: Api) -> None:
    url, _, path = new_folder(setup)
    assert api("GetFolderIdByPath", 200, params={"path": path}).json()["reference"]["resourceURL"] == url


def GetFolderIdsByPaths(setup: Api, api: Api) -> None:
    url, _, path = new_folder(setup)
    body = api("GetFolderIdsByPaths", 200, json={"pathList": {"path": [path, path + "/" + unique("none")]}}).json()
    codes = [x["code"] for x in body["bulkResponseList"]["response"]]
    assert codes == [200, 404], f"per-path results in request order: {codes}"
    assert body["bulkResponseList"]["response"][0]["success"]["resourceURL"] == url


def _copy_move(setup: Api, api: Api, op: str) -> None:
    source_url, _, _ = new_folder(setup)
    target_url, target_id, _ = new_folder(setup)
    obj_url, _ = new_object(setup, source_url)
    refs = {"folders": {"folderReference": []}, "objects": {"objectReference": [{"resourceURL": obj_url}]}}
    body = api(op, 200, json={"targetSourceRef": {"targetRef": {"resourceURL": target_url}, "sourceRefs": refs}})
    codes = [x["code"] for x in body.json()["bulkResponseList"]["response"]]
    assert len(codes) == 1 and 200 <= codes[0] < 300, f"{op}: item results {codes}"
    listing = setup("GetFolder", 200, {"folderId": target_id}, params={"listFilter": "All"}).json()
    assert len(listing["folder"].get("objects", {}).get("objectReference", [])) == 1, f"{op}: target holds no object"


def CopyToFolder(setup: Api, api: Api) -> None:
    _copy_move(setup, api, "CopyToFolder")


def MoveToFolder(setup: Api, api: Api) -> None:
    _copy_move(setup, api, "MoveToFolder")


# ----------------------------------------------------------------------------------------------- objects


def CreateObject(setup: Api, api: Api) -> None:
    folder_url, _, _ = new_folder(setup)
    url, oid = new_object(api, folder_url)
    got = setup("GetObject", 200, {"objectId": oid}).json()["object"]
    assert got["resourceURL"] == url
    assert got["parentFolder"] == folder_url


def BulkCreateObjects(setup: Api, api: Api) -> None:
    folder_url, _, _ = new_folder(setup)
    objects = {"objectList": {"object": [{"parentFolder": folder_url, "attributes": {}, "flags": {}}] * 2}}
    files = [
        ("root-fields", (None, json.dumps(objects), "application/json")),
        ("attachments", ("", b"one", "text/plain")),
        ("attachments", ("", b"two", "text/plain")),
    ]
    body = api("BulkCreateObjects", 200, files=files).json()
    assert [x["code"] for x in body["bulkResponseList"]["response"]] == [201, 201]


def GetObject(setup: Api, api: Api) -> None:
    folder_url, _, _ = new_folder(setup)
    url, oid = new_object(setup, folder_url)
    got = api("GetObject", 200, {"objectId": oid}).json()["object"]
    assert got["resourceURL"] == url
    assert got["flags"]["flag"] == ["\\Seen"]


def DeleteObject(setup: Api, api: Api) -> None:
    folder_url, _, _ = new_folder(setup)
    _, oid = new_object(setup, folder_url)
    api("DeleteObject", 204, {"objectId": oid})
    setup("GetObject", 404, {"objectId": oid})


def GetObjectFlags(setup: Api, api: Api) -> None:
    folder_url, _, _ = new_folder(setup)
    _, oid = new_object(setup, folder_url, ("\\Seen", "\\Flagged"))
    assert api("GetObjectFlags", 200, {"objectId": oid}).json()["flagList"]["flag"] == ["\\Seen", "\\Flagged"]


def ReplaceObjectFlags(setup: Api, api: Api) -> None:
    folder_url, _, _ = new_folder(setup)
    _, oid = new_object(setup, folder_url)
    api("ReplaceObjectFlags", 200, {"objectId": oid}, json={"flagList": {"flag": ["\\Flagged"]}})
    assert setup("GetObjectFlags", 200, {"objectId": oid}).json()["flagList"]["flag"] == ["\\Flagged"]


def GetObjectFlag(setup: Api, api: Api) -> None:
    folder_url, _, _ = new_folder(setup)
    _, oid = new_object(setup, folder_url)
    api("GetObjectFlag", 204, {"objectId": oid, "flagName": "\\Seen"})
    api("GetObjectFlag", 404, {"objectId": oid, "flagName": "$Forwarded"})


def SetObjectFlag(setup: Api, api: Api) -> None:
    folder_url, _, _ = new_folder(setup)
    _, oid = new_object(setup, folder_url)
    api("SetObjectFlag", 201, {"objectId": oid, "flagName": "$Forwarded"}, json={"empty": None})
    api("SetObjectFlag", 204, {"objectId": oid, "flagName": "$Forwarded"})
    setup("GetObjectFlag", 204, {"objectId": oid, "flagName": "$Forwarded"})


def DeleteObjectFlag(setup: Api, api: Api) -> None:
    folder_url, _, _ = new_folder(setup)
    _, oid = new_object(setup, folder_url)
    api("DeleteObjectFlag", 204, {"objectId": oid, "flagName": "\\Seen"})
    setup("GetObjectFlag", 404, {"objectId": oid, "flagName": "\\Seen"})


def GetObjectPayload(setup: Api, api: Api) -> None:
    folder_url, _, _ = new_folder(setup)
    _, oid = new_object(setup, folder_url)
    assert api("GetObjectPayload", 200, {"objectId": oid}).content == MIXED


def GetObjectPayloadPart(setup: Api, api: Api) -> None:
    folder_url, _, _ = new_folder(setup)
    _, oid = new_object(setup, folder_url)
    parts = setup("GetObject", 200, {"objectId": oid}).json()["object"]["payloadPart"]
    first = last_segment(parts[0]["href"])
    assert api("GetObjectPayloadPart", 200, {"objectId": oid, "payloadPartId": first}).content == b"Hello Bob"


def SearchObjects(setup: Api, api: Api) -> None:
    folder_url, _, _ = new_folder(setup)
    url, _ = new_object(setup, folder_url)
    criteria = {
        "maxEntries": 10,
        "searchScope": {"resourceURL": folder_url},
        "searchCriteria": {"criterion": [{"type": "Flag", "name": "\\Seen", "value": "true"}]},
    }
    body = api("SearchObjects", 200, json={"selectionCriteria": criteria}).json()
    assert [o["resourceURL"] for o in body["objectList"]["object"]] == [url]


def GetObjectIdByPath(setup: Api, api: Api) -> None:
    folder_url, _, _ = new_folder(setup)
    _, oid = new_object(setup, folder_url)
    path = setup("GetObject", 200, {"objectId": oid}).json()["object"]["path"]
    assert api("GetObjectIdByPath", 200, params={"path": path}).json()["reference"]["path"] == path


def GetObjectIdsByPaths(setup: Api, api: Api) -> None:
    folder_url, _, _ = new_folder(setup)
    _, oid = new_object(setup, folder_url)
    path = setup("GetObject", 200, {"objectId": oid}).json()["object"]["path"]
    body = api("GetObjectIdsByPaths", 200, json={"pathList": {"path": [path, path + "-none"]}}).json()
    assert [x["code"] for x in body["bulkResponseList"]["response"]] == [200, 404]


def BulkUpdateObjects(setup: Api, api: Api) -> None:
    folder_url, _, _ = new_folder(setup)
    url, oid = new_object(setup, folder_url)
    one = {"objectReference": [{"resourceURL": url}]}
    bulk = {"bulkUpdate": {"objects": one, "operation": "AddFlag", "flags": {"flag": ["\\Answered"]}}}
    body = api("BulkUpdateObjects", 200, json=bulk).json()
    assert [x["code"] for x in body["bulkResponseList"]["response"]] == [200]
    setup("GetObjectFlag", 204, {"objectId": oid, "flagName": "\\Answered"})


def BulkDeleteObjects(setup: Api, api: Api) -> None:
    folder_url, _, _ = new_folder(setup)
    url, oid = new_object(setup, folder_url)
    body = api("BulkDeleteObjects", 200, json={"bulkDelete": {"objects": {"objectReference": [{"resourceURL": url}]}}})
    assert [x["code"] for x in body.json()["bulkResponseList"]["response"]] == [200]
    setup("GetObject", 404, {"objectId": oid})


# ----------------------------------------------------------------------------------------- subscriptions


def CreateSubscription(setup: Api, api: Api) -> None:
    sub_id = new_subscription(api)
    setup("GetSubscription", 200, {"subscriptionId": sub_id})


def ListSubscriptions(setup: Api, api: Api) -> None:
    sub_id = new_subscription(setup)
    listed = api("ListSubscriptions", 200).json()["nmsSubscriptionList"].get("subscription", [])
    assert any(s["resourceURL"].endswith("/" + sub_id) for s in listed), "the new subscription is not listed"


def GetSubscription(setup: Api, api: Api) -> None:
    sub_id = new_subscription(setup)
    got = api("GetSubscription", 200, {"subscriptionId": sub_id}).json()["nmsSubscription"]
    assert got["callbackReference"]["notifyURL"] == "https://client.example.invalid/notify"


def UpdateSubscription(setup: Api, api: Api) -> None:
    sub_id = new_subscription(setup)
    api("UpdateSubscription", 200, {"subscriptionId": sub_id}, json={"nmsSubscriptionUpdate": {"duration": 60}})


def DeleteSubscription(setup: Api, api: Api) -> None:
    sub_id = new_subscription(setup)
    api("DeleteSubscription", 204, {"subscriptionId": sub_id})
    setup("GetSubscription", 404, {"subscriptionId": sub_id})


def real_ids(setup: Api, id_params: tuple[str, ...]) -> dict[str, str]:
    """Ids of resources created for the occasion, one for each path parameter in ``id_params``."""
    ids: dict[str, str] = {}
    if {"objectId", "folderId"} & set(id_params):
        folder_url, fid, _ = new_folder(setup)
        ids["folderId"] = fid
        if "objectId" in id_params:
            ids.update(objectId=new_object(setup, folder_url)[1], flagName="\\Seen", payloadPartId="1")
    if "subscriptionId" in id_params:
        ids["subscriptionId"] = new_subscription(setup)
    return {k: v for k, v in ids.items() if k in id_params}


def request_for(op_id: str, id_params: tuple[str, ...]) -> tuple[dict[str, str], dict[str, Any]]:
    """httpx arguments of a well-formed request for ``op_id`` (the auth tests send it with bad or
    misplaced credentials: the store must refuse it before it looks at ids or bodies)."""
    values = {"objectId": "obj-kit0", "folderId": "fld-kit0", "subscriptionId": "sub-kit0", "flagName": "\\Seen"}
    ids = {name: values.get(name, "1") for name in id_params}
    return ids, dict(_BODIES.get(op_id, {}))


_BODIES: dict[str, dict[str, Any]] = {
    "CreateFolder": {"json": {"folder": {"parentFolderPath": "/", "name": "kit-refused", "attributes": {}}}},
    "RenameFolder": {"json": {"name": "kit-refused"}},
    "CreateObject": {"json": {"object": {"parentFolderPath": "/kit-refused", "attributes": {}, "flags": {}}}},
    "BulkCreateObjects": {
        "files": [
            ("root-fields", (None, json.dumps({"objectList": {"object": [{"attributes": {}}]}}), "application/json"))
        ]
    },
    "ReplaceObjectFlags": {"json": {"flagList": {"flag": ["\\Flagged"]}}},
    "SetObjectFlag": {"json": {"empty": None}},
    "SearchObjects": {"json": {"selectionCriteria": {"maxEntries": 1}}},
    "SearchFolders": {"json": {"selectionCriteria": {"maxEntries": 1}}},
    "GetFolderIdByPath": {"params": {"path": "/"}},
    "GetObjectIdByPath": {"params": {"path": "/none"}},
    "GetFolderIdsByPaths": {"json": {"pathList": {"path": ["/"]}}},
    "GetObjectIdsByPaths": {"json": {"pathList": {"path": ["/none"]}}},
    "CopyToFolder": {"json": {"targetSourceRef": {"targetRef": {"resourceURL": "x"}, "sourceRefs": {}}}},
    "MoveToFolder": {"json": {"targetSourceRef": {"targetRef": {"resourceURL": "x"}, "sourceRefs": {}}}},
    "BulkUpdateObjects": {
        "json": {"bulkUpdate": {"objects": {"objectReference": []}, "operation": "AddFlag", "flags": {"flag": ["a"]}}}
    },
    "BulkDeleteObjects": {"json": {"bulkDelete": {"objects": {"objectReference": []}}}},
    "CreateSubscription": {
        "json": {"nmsSubscription": {"callbackReference": {"notifyURL": "https://client.example.invalid/n"}}}
    },
    "UpdateSubscription": {"json": {"nmsSubscriptionUpdate": {"duration": 60}}},
}

