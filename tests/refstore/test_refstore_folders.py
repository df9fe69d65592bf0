"""Folder listing attributes of the reference store over HTTPS through the generated server: the counts and
sizes of TS14 App. K, computed only when attrFilter names them (TS14 1.4: never without attrFilter)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from ..https_server import Running, ServerOptions
from ..support import ALICE, Keys, user_token

KEYS = Keys()
COUNTS = ["MsgCount", "UnreadMsgCount", "Size", "SubtreeMsgCount", "SubtreeUnreadMsgCount", "SubtreeSize"]


@pytest.fixture(scope="module")
def server_options() -> ServerOptions:
    return ServerOptions(KEYS)


@pytest.fixture(scope="module")
def api(running: Running) -> Iterator[tuple[httpx.Client, str]]:
    box = f"{running.base_url}/{quote(ALICE, safe='')}"
    headers = {"Authorization": f"Bearer {user_token(KEYS, ALICE)}"}
    with httpx.Client(verify=running.client_context(), headers=headers) as client:
        yield client, box


def folder(client: httpx.Client, box: str, parent: str, name: str) -> str:
    r = client.post(f"{box}/folders", json={"folder": {"parentFolderPath": parent, "name": name, "attributes": {}}})
    assert r.status_code == 201, r.text
    return str(r.headers["location"]).rsplit("/", 1)[1]


def obj(client: httpx.Client, box: str, path: str, payload: bytes, flags: list[str]) -> None:
    root = {"object": {"parentFolderPath": path, "flags": {"flag": flags}, "attributes": {}}}
    files: Any = {"root-fields": (None, json.dumps(root), "application/json")}
    if payload:
        files["attachments"] = ("", payload, "text/plain")
    r = client.post(f"{box}/objects", files=files)
    assert r.status_code == 201, r.text


def attributes(client: httpx.Client, box: str, fid: str, attr_filter: list[str]) -> dict[str, list[str]]:
    r = client.get(f"{box}/folders/{fid}", params={"attrFilter": attr_filter})
    assert r.status_code == 200, r.text
    return {a["name"]: a["value"] for a in r.json()["folder"]["attributes"].get("attribute", [])}


@pytest.mark.clause("OMA-NMS-6.11", "OMA-NMS-App.J")
def test_attr_filter_counts_and_sizes_of_a_folder_and_its_subtree(api: tuple[httpx.Client, str]) -> None:
    client, box = api
    top = folder(client, box, "/", "Counts")
    folder(client, box, "/Counts", "Sub")
    obj(client, box, "/Counts", b"12345", ["\\Seen"])
    obj(client, box, "/Counts", b"abc", [])
    obj(client, box, "/Counts", b"", ["\\seen", "\\Flagged"])  # flag names are case-insensitive
    obj(client, box, "/Counts/Sub", b"0123456789", [])
    obj(client, box, "/Counts/Sub", b"x", ["\\Flagged"])
    got = attributes(client, box, top, COUNTS)
    assert got == {
        "MsgCount": ["3"],
        "UnreadMsgCount": ["1"],
        "Size": ["8"],
        "SubtreeMsgCount": ["5"],
        "SubtreeUnreadMsgCount": ["3"],
        "SubtreeSize": ["19"],
    }
    # only what is asked for, names matched case-insensitively, alongside the App. J attributes
    assert attributes(client, box, top, ["subtreemsgcount", "Name"]) == {"Name": ["Counts"], "SubtreeMsgCount": ["5"]}


@pytest.mark.clause("OMA-NMS-6.11", "OMA-NMS-App.J")
def test_no_counts_without_attr_filter(api: tuple[httpx.Client, str]) -> None:
    client, box = api
    fid = folder(client, box, "/", "Plain")
    obj(client, box, "/Plain", b"abc", [])
    got = attributes(client, box, fid, [])
    assert not set(got) & set(COUNTS)
    assert got["Name"] == ["Plain"] and got["Root"] == ["No"]


@pytest.mark.clause("OMA-NMS-6.11")
def test_counts_follow_changes(api: tuple[httpx.Client, str]) -> None:
    client, box = api
    fid = folder(client, box, "/", "Moving")
    obj(client, box, "/Moving", b"abcd", [])
    assert attributes(client, box, fid, ["UnreadMsgCount", "Size"]) == {"UnreadMsgCount": ["1"], "Size": ["4"]}
    listing = client.get(f"{box}/folders/{fid}", params={"listFilter": "Objects"}).json()
    url = listing["folder"]["objects"]["objectReference"][0]["resourceURL"]
    oid = url.rsplit("/", 1)[1]
    assert client.put(f"{box}/objects/{oid}/flags/%5CSeen", json={"empty": None}).status_code == 201
    assert attributes(client, box, fid, ["UnreadMsgCount"]) == {"UnreadMsgCount": ["0"]}
    assert client.delete(f"{box}/objects/{oid}").status_code == 204
    assert attributes(client, box, fid, ["MsgCount", "Size"]) == {"MsgCount": ["0"], "Size": ["0"]}
