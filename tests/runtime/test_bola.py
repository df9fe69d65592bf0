"""Object-level authorization through the generated server on the reference store (security.md Z7-2, Z7-3).

Alice, on her own box, uses Bob's object, folder, subscription, flag and payload-part ids in the path
(generated over the operation list: every operation with a resource id is covered), and Bob's resource
URLs and paths in bodies. Every answer is a refusal or "not found", nothing of Bob's is returned, and a
snapshot of Bob's box in the database is byte-identical before and after.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from mcdata_store.server import create_app
from refstore import SqliteStore

from ..conftest import ROOT
from ..support import ALICE, BOB, Keys, example_body, user_token

DOC = json.loads((ROOT / "generated" / "openapi" / "openapi.json").read_text())
OPS = [
    (path, meth, op)
    for path, item in DOC["paths"].items()
    for meth, op in item.items()
    if meth in ("get", "put", "post", "delete")
]
KEYS = Keys()
BASE = "/nms/v1/myStore"
MIXED = b"--b1\r\nContent-Type: text/plain\r\n\r\nsecret of bob\r\n--b1--\r\n"


def box_url(box: str) -> str:
    return f"{BASE}/{quote(box, safe='')}"


class World:
    def __init__(self, tmp: Path) -> None:
        self.db = tmp / "store.sqlite"
        self.store = SqliteStore(self.db)
        self.client = TestClient(create_app(self.store, KEYS.settings()), base_url="https://testserver")
        self.alice = {"Authorization": f"Bearer {user_token(KEYS, ALICE)}"}
        bob = {"Authorization": f"Bearer {user_token(KEYS, BOB)}"}
        b = box_url(BOB)
        c = self.client
        self.bob_folder_url = c.post(
            f"{b}/folders", headers=bob, json={"folder": {"parentFolderPath": "/", "name": "Private", "attributes": {}}}
        ).headers["location"]
        root = {
            "object": {
                "parentFolder": self.bob_folder_url,
                "flags": {"flag": ["\\Seen"]},
                "attributes": {"attribute": [{"name": "Subject", "value": ["bob's secret"]}]},
            }
        }
        r = c.post(
            f"{b}/objects",
            headers=bob,
            files={
                "root-fields": (None, json.dumps(root), "application/json"),
                "attachments": ("", MIXED, "multipart/mixed; boundary=b1"),
            },
        )
        self.bob_object_url = r.headers["location"]
        sub = c.post(
            f"{b}/subscriptions",
            headers=bob,
            json={"nmsSubscription": {"callbackReference": {"notifyURL": "https://bob.example.test/n"}}},
        ).json()
        self.bob_subscription_url = sub["nmsSubscription"]["resourceURL"]
        obj = c.get(self.bob_object_url.replace("https://testserver", ""), headers=bob).json()["object"]
        self.bob_object_path = obj["path"]
        self.ids = {
            "objectId": tail(self.bob_object_url),
            "folderId": tail(self.bob_folder_url),
            "subscriptionId": tail(self.bob_subscription_url),
            "flagName": "\\Seen",
            "payloadPartId": "1",
        }
        c.get(f"{box_url(ALICE)}/folders/operations/pathToId", headers=self.alice)  # alice's box exists too

    def snapshot(self) -> list[Any]:
        """Every row that belongs to Bob's box."""
        con = sqlite3.connect(self.db)
        try:
            (pk,) = con.execute("SELECT pk FROM box WHERE box_id = ?", (BOB,)).fetchone()
            rows: list[Any] = [con.execute("SELECT * FROM box WHERE pk = ?", (pk,)).fetchall()]
            for table in ("folder", "object", "subscription", "tombstone", "used_id"):
                rows.append(con.execute(f"SELECT * FROM {table} WHERE box_pk = ? ORDER BY 1, 2", (pk,)).fetchall())
            for table in ("flag", "payload_part"):
                rows.append(
                    con.execute(
                        f"SELECT * FROM {table} WHERE object_pk IN "
                        "(SELECT pk FROM object WHERE box_pk = ?) ORDER BY 1, 2",
                        (pk,),
                    ).fetchall()
                )
            return rows
        finally:
            con.close()

    def secrets(self) -> list[str]:
        return [self.ids["objectId"], self.ids["folderId"], self.ids["subscriptionId"], "bob's secret", "secret of bob"]


def tail(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = World(tmp_path_factory.mktemp("bola"))
    yield w
    w.store.close()


WITH_IDS = [(p, m, o) for p, m, o in OPS if re.search(r"\{(objectId|folderId|subscriptionId)\}", p)]


@pytest.mark.clause("23.282-7.13.1-R3", "23.282-5.10-R3")
@pytest.mark.parametrize(("path", "meth", "op"), WITH_IDS, ids=[o["operationId"] for _, _, o in WITH_IDS])
def test_z7_2_bobs_ids_in_alices_box(world: World, path: str, meth: str, op: dict[str, Any]) -> None:
    before = world.snapshot()
    rel = path.split("{boxId}", 1)[1]
    for name, value in world.ids.items():
        rel = rel.replace("{" + name + "}", quote(value, safe=""))
    r = world.client.request(meth.upper(), box_url(ALICE) + rel, headers=world.alice, **example_body(op))
    assert r.status_code in (400, 404), f"{op['operationId']}: {r.status_code} {r.text[:300]}"
    assert not any(s in r.text for s in world.secrets()[3:])
    assert world.snapshot() == before


def _refs(urls: list[str]) -> dict[str, Any]:
    return {"objectReference": [{"resourceURL": u} for u in urls]}


@pytest.mark.clause("23.282-7.13.1-R3", "23.282-5.10-R3")
def test_z7_3_bobs_urls_and_paths_in_bodies(world: World) -> None:
    before = world.snapshot()
    a = box_url(ALICE)
    alice_root = world.client.get(f"{a}/folders/operations/pathToId", headers=world.alice).json()
    alice_root_url = alice_root["reference"]["resourceURL"]
    empty = {"folders": {"folderReference": []}, "objects": {"objectReference": []}}
    calls: list[tuple[str, str, dict[str, Any], bool]] = [  # method, path, kwargs, bulk (per-item answers)
        (
            "POST",
            "/objects",
            {"json": {"object": {"parentFolder": world.bob_folder_url, "attributes": {}, "flags": {}}}},
            False,
        ),
        (
            "POST",
            "/folders",
            {"json": {"folder": {"parentFolder": world.bob_folder_url, "name": "x", "attributes": {}}}},
            False,
        ),
        (
            "POST",
            "/folders/operations/copyToFolder",
            {
                "json": {
                    "targetSourceRef": {
                        "targetRef": {"resourceURL": alice_root_url},
                        "sourceRefs": {**empty, "objects": _refs([world.bob_object_url])},
                    }
                }
            },
            True,
        ),
        (
            "POST",
            "/folders/operations/moveToFolder",
            {
                "json": {
                    "targetSourceRef": {
                        "targetRef": {"resourceURL": alice_root_url},
                        "sourceRefs": {
                            "folders": {"folderReference": [{"resourceURL": world.bob_folder_url}]},
                            "objects": {"objectReference": []},
                        },
                    }
                }
            },
            True,
        ),
        (
            "POST",
            "/folders/operations/moveToFolder",
            {"json": {"targetSourceRef": {"targetRef": {"resourceURL": world.bob_folder_url}, "sourceRefs": empty}}},
            False,
        ),
        (
            "POST",
            "/objects/operations/bulkUpdate",
            {
                "json": {
                    "bulkUpdate": {
                        "objects": _refs([world.bob_object_url]),
                        "operation": "RemoveFlag",
                        "flags": {"flag": ["\\Seen"]},
                    }
                }
            },
            True,
        ),
        (
            "DELETE",
            "/objects/operations/bulkDelete",
            {"json": {"bulkDelete": {"objects": _refs([world.bob_object_url])}}},
            True,
        ),
        (
            "POST",
            "/objects/operations/search",
            {"json": {"selectionCriteria": {"maxEntries": 10, "searchScope": {"resourceURL": world.bob_folder_url}}}},
            False,
        ),
        ("POST", "/objects/operations/pathToId", {"json": {"pathList": {"path": [world.bob_object_path]}}}, True),
        ("GET", "/objects/operations/pathToId", {"params": {"path": world.bob_object_path}}, False),
        ("GET", "/folders/operations/pathToId", {"params": {"path": "/Private"}}, False),
        ("POST", "/folders/operations/pathToId", {"json": {"pathList": {"path": ["/Private"]}}}, True),
    ]
    for method, rel, kwargs, bulk in calls:
        r = world.client.request(method, a + rel, headers=world.alice, **kwargs)
        if bulk and r.status_code == 200:
            codes = [x["code"] for x in r.json()["bulkResponseList"]["response"]]
            assert codes and all(c >= 400 for c in codes), f"{method} {rel}: {r.text[:300]}"
        else:
            assert 400 <= r.status_code < 500, f"{method} {rel}: {r.status_code} {r.text[:300]}"
        sent = json.dumps(kwargs)  # what alice sent may be echoed back (e.g. in error variables); nothing else
        leaked = [x for x in world.secrets() if x in r.text and x not in sent]
        assert leaked == [], f"{method} {rel} leaked {leaked}: {r.text[:300]}"
    assert world.snapshot() == before
