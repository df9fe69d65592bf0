"""Folders of the reference store called directly: creation, listing, deletion, names and paths; bulk
creation, copy, move, bulk update and delete."""

from __future__ import annotations

from typing import Any

import pytest

from mcdata_store import models
from mcdata_store.store import Payload, StoreError
from refstore import SqliteStore, folders

from ..stores import foreign_key_problems, query
from .direct import (
    MULTIPART,
    MULTIPART_TYPE,
    A,
    create,
    folder,
    furl,
    last,
    mkfolder,
    ourl,
    refs,
    refusal,
    root_id,
    target_source,
    unchecked_obj,
)

# ------------------------------------------------------------------------------------------ folders


@pytest.mark.clause("OMA-NMS-6.10", "OMA-NMS-App.J", "OMA-NMS-5.3.2.8")
def test_create_folder_rules(store: SqliteStore) -> None:
    with pytest.raises(StoreError) as exc:
        store.create_folder(A, folder(name="Orphan"))
    assert refusal(exc) == ("SVC0002", ["parentFolder"])
    with pytest.raises(StoreError) as exc:  # the model forbids "/", the store checks anyway
        store.create_folder(
            A, models.Folder.model_construct(parentFolderPath="/", name="a/b", attributes=models.AttributeList())
        )
    assert refusal(exc) == ("SVC0002", ["name"])
    with pytest.raises(StoreError) as exc:
        store.create_folder(
            A, folder(parentFolderPath="/", name="X", attributes={"attribute": [{"name": "Name", "value": ["Y"]}]})
        )
    assert refusal(exc) == ("SVC0002", ["attributes"])

    work = mkfolder(store, parentFolder=furl(A, root_id(store)), name="Work")
    ref = store.create_folder(
        A,
        folder(parentFolderPath="/Work", name="Team", attributes={"attribute": [{"name": "Colour", "value": ["red"]}]}),
    )
    assert isinstance(ref, models.Reference) and ref.path == "/Work/Team"
    with pytest.raises(StoreError) as exc:
        store.create_folder(A, folder(parentFolder=furl(A, work), name="Team"))
    assert refusal(exc) == ("SVC0002", ["name"])

    unnamed = mkfolder(store, parentFolder=furl(A, work))
    got = store.get_folder(A, unnamed, None, None, None, models.YesEnum.Yes, [])
    assert got.name and "/" not in got.name and got.path == f"/Work/{got.name}"

    team = store.get_folder(A, last(ref.resourceURL), None, None, None, None, []).to_wire()
    assert team["parentFolder"] == furl(A, work)
    assert team["name"] == "Team" and "path" not in team
    assert team["attributes"]["attribute"] == [
        {"name": "Root", "value": ["No"]},
        {"name": "Colour", "value": ["red"]},
        {"name": "Name", "value": ["Team"]},
    ]
    filtered = store.get_folder(A, last(ref.resourceURL), None, None, None, None, ["colour"]).to_wire()
    assert filtered["attributes"]["attribute"] == [{"name": "Colour", "value": ["red"]}]

    root = store.get_folder(A, root_id(store), None, None, None, models.YesEnum.Yes, []).to_wire()
    assert "parentFolder" not in root and root["path"] is None and root["name"] == ""


@pytest.mark.clause("OMA-NMS-6.11", "OMA-NMS-5.1.10", "OMA-NMS-5.3.2.10")
def test_get_folder_lists_children_in_batches(store: SqliteStore) -> None:
    parent = mkfolder(store, parentFolderPath="/", name="Big")
    subs = [mkfolder(store, parentFolder=furl(A, parent), name=f"s{i}") for i in range(3)]
    objs = [create(store, parentFolder=furl(A, parent)) for _ in range(4)]

    def listing(list_filter: models.ListFilterEnum, max_entries: int) -> tuple[list[str], list[str], int]:
        folders: list[str] = []
        objects: list[str] = []
        cursor: str | None = None
        batches = 0
        while True:
            got = store.get_folder(A, parent, cursor, max_entries, list_filter, None, [])
            batches += 1
            wire = got.to_wire()
            page = wire.get("subFolders", {}).get("folderReference", []) + wire.get("objects", {}).get(
                "objectReference", []
            )
            assert len(page) <= max_entries
            folders += [last(r["resourceURL"]) for r in wire.get("subFolders", {}).get("folderReference", [])]
            objects += [last(r["resourceURL"]) for r in wire.get("objects", {}).get("objectReference", [])]
            cursor = got.cursor
            if cursor is None:
                return folders, objects, batches

    assert listing(models.ListFilterEnum.All, 3) == (subs, objs, 3)
    assert listing(models.ListFilterEnum.All, 100) == (subs, objs, 1)
    assert listing(models.ListFilterEnum.Subfolders, 2)[:2] == (subs, [])
    assert listing(models.ListFilterEnum.Objects, 1) == ([], objs, 4)
    plain = store.get_folder(A, parent, None, None, None, None, []).to_wire()
    assert "subFolders" not in plain and "objects" not in plain and "cursor" not in plain
    empty = store.get_folder(A, subs[0], None, None, models.ListFilterEnum.All, None, []).to_wire()
    assert empty["subFolders"] == {"folderReference": []} and empty["objects"] == {"objectReference": []}
    with pytest.raises(StoreError) as exc:
        store.get_folder(A, parent, "not a cursor", 2, models.ListFilterEnum.All, None, [])
    assert refusal(exc) == ("SVC0002", ["fromCursor"])
    with pytest.raises(StoreError) as exc:
        store.get_folder(A, "fld-nope", None, None, None, None, [])
    assert exc.value.exception_id == "SVC0004" and exc.value.links == [("folder", furl(A, "fld-nope"))]


@pytest.mark.clause("OMA-NMS-6.11")
def test_delete_folder_is_recursive_and_leaves_the_rest(store: SqliteStore) -> None:
    keep = create(store, parentFolderPath="/Keep")
    doomed_objects = [
        create(store, parentFolderPath=p, flags={"flag": ["\\Seen"]}, payload=Payload(MULTIPART, MULTIPART_TYPE))
        for p in ("/Old", "/Old/A", "/Old/A/B", "/Old/C")
    ]
    old = last(store.get_folder_id_by_path(A, "/Old").resourceURL)
    below = [last(store.get_folder_id_by_path(A, p).resourceURL) for p in ("/Old/A", "/Old/A/B", "/Old/C")]
    store.delete_folder(A, old)
    for oid in doomed_objects:
        with pytest.raises(StoreError):
            store.get_object(A, oid)
    for fid in [old, *below]:
        with pytest.raises(StoreError):
            store.get_folder(A, fid, None, None, None, None, [])
    assert store.get_object(A, keep).path == f"/Keep/{keep}"
    assert foreign_key_problems(store) == []
    assert query(store, "SELECT count(*) FROM payload_part") == [(0,)]
    assert query(store, "SELECT count(*) FROM flag") == [(0,)]
    with pytest.raises(StoreError) as exc:
        store.delete_folder(A, root_id(store))
    assert exc.value.exception_id == "POL0001"


def test_delete_folder_is_all_or_nothing(store: SqliteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    oid = create(store, parentFolderPath="/Old/A")
    old = last(store.get_folder_id_by_path(A, "/Old").resourceURL)

    def boom(*args: Any) -> None:
        raise RuntimeError("crash in the middle")

    monkeypatch.setattr(folders, "delete_rows", lambda tx, rows: (tx.run("DELETE FROM object"), boom()))
    with pytest.raises(RuntimeError):
        store.delete_folder(A, old)
    monkeypatch.undo()
    assert store.get_object(A, oid).path == f"/Old/A/{oid}"


@pytest.mark.clause("OMA-NMS-6.12", "OMA-NMS-7")
def test_folder_name_and_rename_rules(store: SqliteStore) -> None:
    oid = create(store, parentFolderPath="/Inbox/Team")
    inbox = last(store.get_folder_id_by_path(A, "/Inbox").resourceURL)
    mkfolder(store, parentFolderPath="/", name="Archive")
    assert store.get_folder_name(A, inbox).root == "Inbox"
    assert store.rename_folder(A, inbox, models.FolderName("Received")).root == "Received"
    assert store.get_folder_name(A, inbox).root == "Received"
    assert store.get_object(A, oid).path == f"/Received/Team/{oid}"  # paths below follow the rename
    with pytest.raises(StoreError) as exc:
        store.rename_folder(A, root_id(store), models.FolderName("Top"))
    assert refusal(exc) == ("POL1030", [])
    with pytest.raises(StoreError) as exc:
        store.rename_folder(A, inbox, models.FolderName.model_construct("a/b"))
    assert refusal(exc) == ("SVC0002", ["name"])
    with pytest.raises(StoreError) as exc:
        store.rename_folder(A, inbox, models.FolderName("Archive"))  # a sibling's name
    assert refusal(exc) == ("SVC0002", ["name"])
    with pytest.raises(StoreError) as exc:
        store.get_folder_name(A, "fld-nope")
    assert exc.value.exception_id == "SVC0004"


@pytest.mark.clause("OMA-NMS-6.8", "OMA-NMS-5.3.2.31", "OMA-NMS-5.3.2.32")
def test_object_path_to_id(store: SqliteStore) -> None:
    oid = create(store, parentFolderPath="/Inbox")
    top = create(store)
    assert store.get_object_id_by_path(A, f"/Inbox/{oid}").to_wire() == {
        "resourceURL": ourl(A, oid),
        "path": f"/Inbox/{oid}",
    }
    assert store.get_object_id_by_path(A, f"/{top}").resourceURL == ourl(A, top)
    for bad in (f"/{oid}", f"/Inbox//{oid}", f"//{top}", "/Inbox/", "", f"Inbox/{oid}"):
        with pytest.raises(StoreError) as exc:
            store.get_object_id_by_path(A, bad)
        assert refusal(exc) == ("SVC0004", [bad])
    answer = store.get_object_ids_by_paths(
        A, models.PathList.model_validate({"path": [f"/Inbox/{oid}", "/Inbox/obj-gone", f"/Inbox//{oid}", f"/{top}"]})
    )
    wire = answer.to_wire()["response"]
    assert [(r["code"], r["reason"]) for r in wire] == [
        (200, "OK"),
        (404, "Not Found"),
        (400, "Bad Request"),
        (200, "OK"),
    ]
    assert wire[0]["success"] == {"resourceURL": ourl(A, oid), "path": f"/Inbox/{oid}"}
    assert wire[1]["failure"] == {
        "serviceException": {
            "messageId": "SVC0004",
            "text": "No valid addresses provided in message part %1",
            "variables": ["/Inbox/obj-gone"],
        }
    }
    assert wire[2]["failure"]["serviceException"]["messageId"] == "SVC0002"
    assert wire[3]["success"]["resourceURL"] == ourl(A, top)


@pytest.mark.clause("OMA-NMS-6.14", "OMA-NMS-5.3.2.11")
def test_folder_path_to_id(store: SqliteStore) -> None:
    root = store.get_folder_id_by_path(A, None)
    assert root.to_wire() == {"resourceURL": furl(A, root_id(store)), "path": None}  # one root, path null
    assert store.get_folder_id_by_path(A, "/").resourceURL == root.resourceURL
    mkfolder(store, parentFolderPath="/Work", name="Team")
    assert store.get_folder_id_by_path(A, "/Work/Team").path == "/Work/Team"
    with pytest.raises(StoreError) as exc:
        store.get_folder_id_by_path(A, "/Work/Nobody")
    assert refusal(exc) == ("SVC0004", ["/Work/Nobody"])
    answer = store.get_folder_ids_by_paths(
        A, models.PathList.model_validate({"path": ["/Work", "/Work//Team", "/Nope", "/"]})
    ).to_wire()
    responses = answer["response"]
    assert [r["code"] for r in responses] == [200, 400, 404, 200]
    assert responses[0]["success"]["path"] == "/Work"
    assert responses[1]["failure"]["serviceException"] == {
        "messageId": "SVC0002",
        "text": "Invalid input value for message part %1",
        "variables": ["/Work//Team"],
    }
    assert responses[2]["failure"]["serviceException"] == {
        "messageId": "SVC2008",
        "text": "Unknown %1 %2",
        "variables": ["path", "/Nope"],
    }
    assert responses[3]["success"] == {"resourceURL": root.resourceURL, "path": None}


# ------------------------------------------------------------------------------------------ bulk, copy, move


@pytest.mark.clause("OMA-NMS-6.9")
def test_bulk_creation_in_request_order(store: SqliteStore) -> None:
    body = models.ObjectList.model_validate(
        {
            "object": [
                {"parentFolderPath": "/Pictures", "attributes": {}, "flags": {"flag": ["\\Seen"]}},
                {"parentFolder": f"{A.box_url}/folders/fld-nope", "attributes": {}, "flags": {}},
                {"parentFolderPath": "/Pictures", "attributes": {}, "flags": {}},
            ]
        }
    )
    answer = store.bulk_create_objects(A, body, [Payload(MULTIPART, MULTIPART_TYPE), None, Payload(b"x", "text/plain")])
    codes = [(r.code, r.reason) for r in answer.response]
    assert codes == [(201, "Created"), (404, "Not Found"), (201, "Created")]
    first, third = answer.response[0].success, answer.response[2].success
    assert first is not None and third is not None and first.resourceURL != third.resourceURL
    assert (first.path or "").startswith("/Pictures/")
    assert store.get_object_payload(A, last(third.resourceURL)) == Payload(b"x", "text/plain")
    assert len(store.get_object(A, last(first.resourceURL)).payloadPart or []) == 3
    with pytest.raises(StoreError) as exc:  # every creation failed: the request fails (TS14 6.9.2)
        store.bulk_create_objects(
            A,
            models.ObjectList.model_construct(object=[unchecked_obj(parentFolderPath="//")]),
            [None],
        )
    assert exc.value.exception_id == "SVC0002"


@pytest.mark.clause("OMA-NMS-6.15", "OMA-NMS-7")
def test_copy_to_folder(store: SqliteStore) -> None:
    msg = create(
        store,
        parentFolderPath="/Src",
        flags={"flag": ["\\Flagged"]},
        payload=Payload(MULTIPART, MULTIPART_TYPE),
        correlationId="c1",
    )
    create(store, parentFolderPath="/Src/Sub")
    src = last(store.get_folder_id_by_path(A, "/Src").resourceURL)
    dst = mkfolder(store, parentFolderPath="/", name="Dst")
    answer = store.copy_to_folder(
        A, target_source(furl(A, dst), folders=[furl(A, src)], objects=[ourl(A, msg), ourl(A, "obj-nope")])
    )
    assert [r.code for r in answer.response] == [201, 201, 400]
    folder_ref, object_ref = answer.response[0].success, answer.response[1].success
    assert folder_ref is not None and folder_ref.path == "/Dst/Src"
    assert (
        object_ref is not None
        and last(object_ref.resourceURL) != msg
        and object_ref.path == f"/Dst/{last(object_ref.resourceURL)}"
    )
    copy = store.get_object(A, last(object_ref.resourceURL)).to_wire()
    assert copy["flags"]["flag"] == ["\\Flagged"] and copy["correlationId"] == "c1" and len(copy["payloadPart"]) == 3
    assert store.get_object_payload_part(A, last(object_ref.resourceURL), "1").content == b"Meet at the gate"
    copied_tree = store.get_folder(
        A, last(folder_ref.resourceURL), None, None, models.ListFilterEnum.All, None, []
    ).to_wire()
    assert [r["path"] for r in copied_tree["subFolders"]["folderReference"]] == ["/Dst/Src/Sub"]
    assert len(copied_tree["objects"]["objectReference"]) == 1
    assert store.get_object(A, msg).path == f"/Src/{msg}"  # the original stays
    with pytest.raises(StoreError) as exc:  # into its own subtree
        store.copy_to_folder(
            A, target_source(store.get_folder_id_by_path(A, "/Src/Sub").resourceURL, folders=[furl(A, src)])
        )
    assert refusal(exc) == ("POL1031", ["/Src/Sub"])


@pytest.mark.clause("OMA-NMS-6.16", "OMA-NMS-7", "OMA-NMS-5.3.2.13")
def test_move_to_folder(store: SqliteStore) -> None:
    msg = create(store, parentFolderPath="/Inbox")
    deep = create(store, parentFolderPath="/Projects/Alpha/Docs")
    projects = last(store.get_folder_id_by_path(A, "/Projects").resourceURL)
    archive = mkfolder(store, parentFolderPath="/", name="Archive")
    answer = store.move_to_folder(
        A, target_source(furl(A, archive), folders=[furl(A, projects)], objects=[ourl(A, msg)])
    )
    assert [(r.code, r.success.path if r.success else None) for r in answer.response] == [
        (200, "/Archive/Projects"),
        (200, f"/Archive/{msg}"),
    ]
    assert store.get_object(A, deep).path == f"/Archive/Projects/Alpha/Docs/{deep}"  # descendants follow
    assert store.get_object(A, msg).parentFolder == furl(A, archive)

    alpha = store.get_folder_id_by_path(A, "/Archive/Projects/Alpha")
    before = store.get_folder(A, projects, None, None, None, models.YesEnum.Yes, []).to_wire()
    for target in (alpha.resourceURL, furl(A, projects)):  # below itself, or itself
        with pytest.raises(StoreError) as exc:
            store.move_to_folder(A, target_source(target, folders=[furl(A, projects)], objects=[ourl(A, deep)]))
        assert exc.value.exception_id == "POL1031"
    assert exc.value.variables == ["/Archive/Projects"]
    assert store.get_folder(A, projects, None, None, None, models.YesEnum.Yes, []).to_wire() == before  # nothing moved
    assert store.get_object(A, deep).path == f"/Archive/Projects/Alpha/Docs/{deep}"
    assert foreign_key_problems(store) == []

    clash = mkfolder(store, parentFolderPath="/", name="Projects")
    again = store.move_to_folder(A, target_source(furl(A, archive), folders=[furl(A, clash)]))
    assert again.response[0].code == 400  # a folder of that name is already there


@pytest.mark.clause("OMA-NMS-LATER-bulkUpdate", "OMA-NMS-LATER-bulkDelete")
def test_bulk_update_and_delete(store: SqliteStore) -> None:
    one, two = create(store), create(store, flags={"flag": ["\\Seen"]})
    add = models.BulkUpdate.model_validate(
        {
            "objects": refs(ourl(A, one), ourl(A, two), ourl(A, "obj-nope")),
            "operation": "AddFlag",
            "flags": {"flag": ["\\seen", "$MDNSent"]},
        }
    )
    answer = store.bulk_update_objects(A, add)
    assert [r.code for r in answer.response] == [200, 200, 404]
    assert store.get_object_flags(A, one).to_wire()["flag"] == ["\\seen", "$MDNSent"]
    assert store.get_object_flags(A, two).to_wire()["flag"] == ["\\Seen", "$MDNSent"]
    remove = models.BulkUpdate.model_validate(
        {"objects": refs(ourl(A, one)), "operation": "RemoveFlag", "flags": {"flag": ["\\SEEN"]}}
    )
    store.bulk_update_objects(A, remove)
    assert store.get_object_flags(A, one).to_wire()["flag"] == ["$MDNSent"]

    deleted = store.bulk_delete_objects(
        A, models.BulkDelete.model_validate({"objects": refs(ourl(A, one), ourl(A, one))})
    )
    assert [r.code for r in deleted.response] == [200, 404]
    with pytest.raises(StoreError):
        store.get_object(A, one)
    assert store.get_object(A, two).resourceURL == ourl(A, two)
