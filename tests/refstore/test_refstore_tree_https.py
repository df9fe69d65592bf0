"""Folder-tree behaviour of the reference store over HTTPS through the generated server: move and copy with
TargetSourceRef (recursive, paths updated, cycles refused with POL1031 and nothing moved), the root's rename
refused with POL1030, per-item bulk results in request order, pathToId, and folder listing pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from ..https_server import Running, ServerOptions
from ..support import ALICE, BOB, Keys, user_token

KEYS = Keys()


class Box:
    def __init__(self, client: httpx.Client, url: str) -> None:
        self.client, self.url = client, url

    def raw(self, method: str, rel: str, expect: int, **kw: Any) -> httpx.Response:
        r = self.client.request(method, self.url + rel, **kw)
        assert r.status_code == expect, f"{method} {rel}: {r.status_code} {r.text[:300]}"
        return r

    def call(self, method: str, rel: str, expect: int, **kw: Any) -> Any:
        return self.raw(method, rel, expect, **kw).json()

    def folder(self, parent: str, name: str) -> str:
        body = {"folder": {"parentFolderPath": parent, "name": name, "attributes": {}}}
        return str(self.raw("POST", "/folders", 201, json=body).headers["location"])

    def obj(self, parent: str) -> str:
        body = {"object": {"parentFolderPath": parent, "attributes": {}, "flags": {}}}
        return str(self.raw("POST", "/objects", 201, json=body).headers["location"])

    def path_of(self, url: str) -> str:
        kind, oid = url.rsplit("/", 2)[1:]
        got = self.call("GET", f"/{kind}/{oid}", 200, params={"path": "Yes"} if kind == "folders" else None)
        return str(got["folder" if kind == "folders" else "object"]["path"])


@pytest.fixture(scope="module")
def server_options() -> ServerOptions:
    return ServerOptions(KEYS)


@pytest.fixture(scope="module")
def box(running: Running) -> Iterator[Box]:
    headers = {"Authorization": f"Bearer {user_token(KEYS, ALICE)}"}
    with httpx.Client(verify=running.client_context(), headers=headers) as client:
        yield Box(client, f"{running.base_url}/{quote(ALICE, safe='')}")


def tsr(target: str, folders: list[str] = [], objects: list[str] = []) -> dict[str, Any]:  # noqa: B006
    return {
        "targetSourceRef": {
            "targetRef": {"resourceURL": target},
            "sourceRefs": {
                "folders": {"folderReference": [{"resourceURL": u} for u in folders]},
                "objects": {"objectReference": [{"resourceURL": u} for u in objects]},
            },
        }
    }


@pytest.mark.clause("OMA-NMS-6.16", "OMA-NMS-7")
def test_move_a_tree_updates_paths_and_refuses_cycles(box: Box) -> None:
    projects = box.folder("/", "Projects")
    box.folder("/Projects", "Alpha")
    deep = box.obj("/Projects/Alpha")
    archive = box.folder("/", "Archive")
    moved = box.call("POST", "/folders/operations/moveToFolder", 200, json=tsr(archive, folders=[projects]))
    assert [(x["code"], x["success"]["path"]) for x in moved["bulkResponseList"]["response"]] == [
        (200, "/Archive/Projects")
    ]
    assert box.path_of(deep) == f"/Archive/Projects/Alpha/{deep.rsplit('/', 1)[1]}"
    alpha = box.call("GET", "/folders/operations/pathToId", 200, params={"path": "/Archive/Projects/Alpha"})
    for target in (alpha["reference"]["resourceURL"], projects):  # below itself, or itself
        refused = box.call("POST", "/folders/operations/moveToFolder", 403, json=tsr(target, folders=[projects]))
        assert refused["requestError"]["policyException"]["messageId"] == "POL1031"
    assert box.path_of(projects) == "/Archive/Projects"  # nothing moved


@pytest.mark.clause("OMA-NMS-6.15", "OMA-NMS-7")
def test_copy_is_recursive_and_keeps_the_original(box: Box) -> None:
    src = box.folder("/", "Src")
    box.folder("/Src", "Sub")
    box.obj("/Src/Sub")
    dst = box.folder("/", "Dst")
    copied = box.call("POST", "/folders/operations/copyToFolder", 200, json=tsr(dst, folders=[src]))
    item = copied["bulkResponseList"]["response"][0]
    assert item["code"] == 201 and item["success"]["path"] == "/Dst/Src"
    sub = box.call("GET", "/folders/operations/pathToId", 200, params={"path": "/Dst/Src/Sub"})
    listing = box.call("GET", "/folders/" + sub["reference"]["resourceURL"].rsplit("/", 1)[1], 200,
                       params={"listFilter": "Objects"})  # fmt: skip
    assert len(listing["folder"]["objects"]["objectReference"]) == 1
    assert box.path_of(src) == "/Src"
    into_itself = box.call("POST", "/folders/operations/copyToFolder", 403, json=tsr(src, folders=[src]))
    assert into_itself["requestError"]["policyException"]["messageId"] == "POL1031"


@pytest.mark.clause("OMA-NMS-6.12", "OMA-NMS-7", "OMA-NMS-6.14")
def test_root_rename_refused_and_root_by_path(box: Box) -> None:
    root = box.call("GET", "/folders/operations/pathToId", 200)["reference"]["resourceURL"]
    refused = box.call("PUT", f"/folders/{root.rsplit('/', 1)[1]}/folderName", 403, json={"name": "Top"})
    assert refused["requestError"]["policyException"]["messageId"] == "POL1030"


@pytest.mark.clause("OMA-NMS-LATER-bulkUpdate", "OMA-NMS-LATER-bulkDelete", "OMA-NMS-6.8")
def test_bulk_results_are_per_item_in_request_order(box: Box) -> None:
    one, two = box.obj("/Bulk"), box.obj("/Bulk")
    nope = one.rsplit("/", 1)[0] + "/obj-nope"
    body = {
        "bulkUpdate": {
            "objects": {"objectReference": [{"resourceURL": u} for u in (one, nope, two)]},
            "operation": "AddFlag",
            "flags": {"flag": ["\\Seen"]},
        }
    }
    updated = box.call("POST", "/objects/operations/bulkUpdate", 200, json=body)
    assert [x["code"] for x in updated["bulkResponseList"]["response"]] == [200, 404, 200]
    paths = [box.path_of(two), "/Bulk/obj-none", box.path_of(one)]
    found = box.call("POST", "/objects/operations/pathToId", 200, json={"pathList": {"path": paths}})
    assert [x["code"] for x in found["bulkResponseList"]["response"]] == [200, 404, 200]
    assert found["bulkResponseList"]["response"][0]["success"]["resourceURL"] == two
    deleted = box.call(
        "DELETE", "/objects/operations/bulkDelete", 200,
        json={"bulkDelete": {"objects": {"objectReference": [{"resourceURL": two}, {"resourceURL": two}]}}},
    )  # fmt: skip
    assert [x["code"] for x in deleted["bulkResponseList"]["response"]] == [200, 404]


@pytest.mark.clause("OMA-NMS-6.11", "OMA-NMS-5.1.10")
def test_folder_listing_pages_neither_skip_nor_repeat(box: Box) -> None:
    fid = box.folder("/", "Paged").rsplit("/", 1)[1]
    for i in range(3):
        box.folder("/Paged", f"f{i}")
    made = {box.obj("/Paged") for _ in range(5)}
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"listFilter": "All", "maxEntries": 3, **({"fromCursor": cursor} if cursor else {})}
        page = box.call("GET", f"/folders/{fid}", 200, params=params)["folder"]
        entries = page.get("subFolders", {}).get("folderReference", []) + page.get("objects", {}).get(
            "objectReference", []
        )
        assert len(entries) <= 3
        seen += [e["resourceURL"] for e in entries]
        if len(seen) == 3:
            made.add(box.obj("/Paged"))  # the box changes between pages
        cursor = page.get("cursor")
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 9
    assert made <= set(seen)


@pytest.mark.clause("23.282-7.13.1-R1")
def test_every_box_is_a_tree_below_the_common_root(running: Running, box: Box) -> None:
    """A user's storage area is one tree: from an object, parentFolder leads up folder by folder to the box's
    only root folder (no parent, path null). Every box hangs below the same store root; only the boxId differs."""
    deep = box.obj("/Tree/A/B")
    url = box.call("GET", "/objects/" + deep.rsplit("/", 1)[1], 200)["object"]["parentFolder"]
    chain = []
    for _ in range(10):
        got = box.call("GET", "/folders/" + url.rsplit("/", 1)[1], 200, params={"path": "Yes"})["folder"]
        chain.append(got["path"])
        if "parentFolder" not in got:
            break
        url = got["parentFolder"]
    assert chain == ["/Tree/A/B", "/Tree/A", "/Tree", None]
    criteria = {"criterion": [{"type": "Attribute", "name": "Root", "value": "Yes"}]}
    roots = box.call(
        "POST",
        "/folders/operations/search",
        200,
        json={"selectionCriteria": {"maxEntries": 5, "searchCriteria": criteria}},
    )
    root_urls = [f["resourceURL"] for f in roots["folderList"]["folder"]]
    assert root_urls == [url] == [box.call("GET", "/folders/operations/pathToId", 200)["reference"]["resourceURL"]]
    headers = {"Authorization": f"Bearer {user_token(KEYS, BOB)}"}
    with httpx.Client(verify=running.client_context(), headers=headers) as client:
        bob = Box(client, f"{running.base_url}/{quote(BOB, safe='')}")
        bob_root = bob.call("GET", "/folders/operations/pathToId", 200)["reference"]["resourceURL"]
    for root, who in ((url, ALICE), (bob_root, BOB)):
        assert root.startswith(f"{running.base_url}/{quote(who, safe='')}/folders/"), root
