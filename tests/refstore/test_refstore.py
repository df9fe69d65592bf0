"""The reference store (refstore.SqliteStore) called directly, as the generated server calls it."""

from __future__ import annotations

import base64
import inspect
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from mcdata_store import models
from mcdata_store.store import Answer, Context, MessageStore, Payload, StoreError
from refstore import SqliteStore, folders

from ..conftest import ROOT

BASE = "https://example.com/nms/v1"
A = Context("myStore", "mcdata:alice@example.org", "MCData-7", "alice", f"{BASE}/myStore/mcdata%3Aalice%40example.org")
B = Context("myStore", "mcdata:bob@example.org", "MCData-7", "bob", f"{BASE}/myStore/mcdata%3Abob%40example.org")
A_OTHER_STORE = Context("otherStore", A.box_id, "MCData-8", "server", f"{BASE}/otherStore/mcdata%3Aalice%40example.org")

MULTIPART = (
    b"--frontier\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-ID: <body@example.org>\r\n"
    b"\r\n"
    b"Meet at the gate\r\n"
    b"--frontier\r\n"
    b"Content-Type: image/jpeg\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b"Content-Location: photo.jpg\r\n"
    b"\r\n"
    b"/9j/4AAQSkZJRgABAQ==\r\n"
    b"--frontier\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b"\r\n"
    b"\x00\x01\xff\r\n\r\nbinary\r\n"
    b"--frontier--\r\n"
)
MULTIPART_TYPE = 'multipart/related; boundary="frontier"; type="text/plain"'
JPEG = base64.b64decode("/9j/4AAQSkZJRgABAQ==")
BINARY = b"\x00\x01\xff\r\n\r\nbinary"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path / "store.db")
    yield s
    s.close()


def obj(**fields: Any) -> models.Object:
    data: dict[str, Any] = {"attributes": {"attribute": []}, "flags": {"flag": []}}
    data.update(fields)
    return models.Object.model_validate(data)


def unchecked_obj(**fields: Any) -> models.Object:
    """An Object the model would refuse (built without validation): what only the store's own checks see."""
    base = {"attributes": models.AttributeList(attribute=[]), "flags": models.FlagList(flag=[])}
    return models.Object.model_construct(_fields_set={*base, *fields}, **base, **fields)


def folder(**fields: Any) -> models.Folder:
    data: dict[str, Any] = {"attributes": {"attribute": []}}
    data.update(fields)
    return models.Folder.model_validate(data)


def last(url: str) -> str:
    return url.rsplit("/", 1)[1]


def create(store: SqliteStore, ctx: Context = A, payload: Payload | None = None, **fields: Any) -> str:
    ref = store.create_object(ctx, obj(**fields), payload)
    assert isinstance(ref, models.Reference)
    return last(ref.resourceURL)


def mkfolder(store: SqliteStore, ctx: Context = A, **fields: Any) -> str:
    ref = store.create_folder(ctx, folder(**fields))
    assert isinstance(ref, models.Reference)
    return last(ref.resourceURL)


def root_id(store: SqliteStore, ctx: Context = A) -> str:
    return last(store.get_folder_id_by_path(ctx, None).resourceURL)


def refusal(exc: pytest.ExceptionInfo[StoreError]) -> tuple[str, list[str]]:
    return exc.value.exception_id, exc.value.variables


def criteria(
    *crits: dict[str, str], operator: str = "And", max_entries: int = 100, **more: Any
) -> models.SelectionCriteria:
    data: dict[str, Any] = {"maxEntries": max_entries, **more}
    if crits:
        data["searchCriteria"] = {"criterion": list(crits), "operator": operator}
    return models.SelectionCriteria.model_validate(data)


def refs(*urls: str) -> dict[str, Any]:
    return {"objectReference": [{"resourceURL": u} for u in urls]}


def target_source(target: str, folders: Sequence[str] = (), objects: Sequence[str] = ()) -> models.TargetSourceRef:
    return models.TargetSourceRef.model_validate(
        {
            "targetRef": {"resourceURL": target},
            "sourceRefs": {
                "folders": {"folderReference": [{"resourceURL": u} for u in folders]},
                "objects": {"objectReference": [{"resourceURL": u} for u in objects]},
            },
        }
    )


def furl(ctx: Context, fid: str) -> str:
    return f"{ctx.box_url}/folders/{fid}"


def ourl(ctx: Context, oid: str) -> str:
    return f"{ctx.box_url}/objects/{oid}"


# ------------------------------------------------------------------------------------------ conformance


def test_sqlite_store_has_every_operation_of_the_protocol_with_its_signature() -> None:
    operations = [n for n, v in vars(MessageStore).items() if inspect.isfunction(v) and not n.startswith("_")]
    assert "create_object" in operations
    for name in operations:
        expected = inspect.signature(getattr(MessageStore, name))
        actual = inspect.signature(getattr(SqliteStore, name))
        assert list(actual.parameters) == list(expected.parameters), name
        assert str(actual) == str(expected), name


def test_refstore_passes_mypy_strict_and_ruff() -> None:
    for cmd in (
        ["mypy", "--strict", "refstore"],
        ["ruff", "check", "refstore"],
        ["ruff", "format", "--check", "refstore"],
    ):
        r = subprocess.run(
            [sys.executable, "-m", *cmd], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
        )
        assert r.returncode == 0, " ".join(cmd) + "\n" + r.stdout + r.stderr


# ------------------------------------------------------------------------------------------ objects


@pytest.mark.clause(
    "OMA-NMS-6.1",
    "OMA-NMS-6.2",
    "OMA-NMS-6.5",
    "OMA-NMS-6.6",
    "OMA-NMS-5.3.2.7",
    reason="one object's whole life: created with a multipart payload (6.1), read back with the info of each part "
    "(6.2, 5.3.2.7), its payload (6.5) and every part (6.6) fetched, then deleted with them (6.2)",
)
def test_create_read_delete_object_with_multipart_payload(store: SqliteStore) -> None:
    ref = store.create_object(
        A,
        obj(
            attributes={"attribute": [{"name": "Subject", "value": ["gate"]}, {"name": "To", "value": ["a", "b"]}]},
            flags={"flag": ["\\Seen"]},
            correlationId="corr-1",
            correlationTag="tag-1",
        ),
        Payload(MULTIPART, MULTIPART_TYPE),
    )
    assert isinstance(ref, models.Reference)
    oid = last(ref.resourceURL)
    url = ourl(A, oid)
    assert ref.resourceURL == url and ref.path == f"/{oid}"  # no parent given: the root folder (default folder)
    assert oid != "operations"

    got = store.get_object(A, oid)
    wire = got.to_wire()
    assert wire["resourceURL"] == url
    assert wire["parentFolder"] == store.get_folder_id_by_path(A, None).resourceURL
    assert wire["path"] == f"/{oid}"
    assert wire["attributes"] == {
        "attribute": [{"name": "Subject", "value": ["gate"]}, {"name": "To", "value": ["a", "b"]}]
    }
    assert wire["flags"] == {"flag": ["\\Seen"]}
    assert wire["payloadURL"] == f"{url}/payload"
    assert wire["correlationId"] == "corr-1" and wire["correlationTag"] == "tag-1"
    assert isinstance(wire["lastModSeq"], int) and wire["lastModSeq"] > 0
    assert "parentFolderPath" not in wire
    assert wire["payloadPart"] == [
        {
            "contentType": "text/plain; charset=utf-8",
            "contentId": "body@example.org",
            "size": len(b"Meet at the gate"),
            "href": f"{url}/payloadParts/1",
        },
        {
            "contentType": "image/jpeg",
            "contentLocation": "photo.jpg",
            "size": len(JPEG),
            "href": f"{url}/payloadParts/2",
        },
        {"contentType": "application/octet-stream", "size": len(BINARY), "href": f"{url}/payloadParts/3"},
    ]

    assert store.get_object_payload(A, oid) == Payload(MULTIPART, MULTIPART_TYPE)
    assert store.get_object_payload_part(A, oid, "1") == Payload(b"Meet at the gate", "text/plain; charset=utf-8")
    assert store.get_object_payload_part(A, oid, "2") == Payload(JPEG, "image/jpeg")
    assert store.get_object_payload_part(A, oid, "3") == Payload(BINARY, "application/octet-stream")
    with pytest.raises(StoreError) as exc:
        store.get_object_payload_part(A, oid, "4")
    assert refusal(exc) == ("SVC0004", [f"{url}/payloadParts/4"])

    store.delete_object(A, oid)
    for call in (
        lambda: store.get_object(A, oid),
        lambda: store.get_object_payload(A, oid),
        lambda: store.get_object_payload_part(A, oid, "1"),
        lambda: store.get_object_flags(A, oid),
        lambda: store.delete_object(A, oid),
    ):
        with pytest.raises(StoreError) as exc:
            call()
        assert exc.value.exception_id == "SVC0004"
    with sqlite3.connect(store._path) as conn:  # flags and payload parts went with the object
        assert conn.execute("SELECT count(*) FROM flag").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM payload_part").fetchone()[0] == 0


@pytest.mark.clause("OMA-NMS-6.1", "OMA-NMS-6.2", "OMA-NMS-6.5")
def test_single_part_and_empty_payloads(store: SqliteStore) -> None:
    text = create(store, payload=Payload(b"hello", "text/plain"))
    wire = store.get_object(A, text).to_wire()
    assert wire["payloadURL"].endswith(f"/objects/{text}/payload") and "payloadPart" not in wire
    assert store.get_object_payload(A, text) == Payload(b"hello", "text/plain")

    for payload in (None, Payload(b"", "text/plain")):
        empty = create(store, payload=payload)
        wire = store.get_object(A, empty).to_wire()
        assert "payloadURL" not in wire and "payloadPart" not in wire
        with pytest.raises(StoreError) as exc:
            store.get_object_payload(A, empty)
        assert exc.value.exception_id == "SVC0004"


@pytest.mark.clause("OMA-NMS-6.1")
@pytest.mark.parametrize(
    "media_type",
    ["multipart/mixed", "multipart/mixed; boundary=nope", "multipart/mixed; boundary=x\r\nX-Injected: 1"],
)
def test_malformed_multipart_is_refused(store: SqliteStore, media_type: str) -> None:
    with pytest.raises(StoreError) as exc:
        store.create_object(A, obj(), Payload(b"no parts here", media_type))
    assert refusal(exc) == ("SVC0002", ["attachments"])


@pytest.mark.clause("OMA-NMS-6.2")
def test_ids_are_server_assigned_and_never_reused(store: SqliteStore) -> None:
    seen: set[str] = set()
    for _ in range(30):
        oid = create(store)
        fid = mkfolder(store, parentFolderPath="/")
        assert oid not in seen and fid not in seen and "operations" not in (oid, fid)
        seen |= {oid, fid}
        store.delete_object(A, oid)
        store.delete_folder(A, fid)
    with sqlite3.connect(store._path) as conn:
        used = {r[0] for r in conn.execute("SELECT id FROM used_id")}
    assert seen <= used  # the record that keeps deleted ids from coming back


@pytest.mark.clause("OMA-NMS-6.1", "OMA-NMS-5.3.2.1", "23.282-7.13.3.16-R1")
def test_parent_folder_path_creates_missing_folders(store: SqliteStore) -> None:
    first = create(store, parentFolderPath="/Incidents/2024/North")
    second = create(store, parentFolderPath="/Incidents/2024/North")
    third = create(store, parentFolderPath="/Incidents/2024")
    north = store.get_folder_id_by_path(A, "/Incidents/2024/North")
    assert north.path == "/Incidents/2024/North"
    assert store.get_object(A, first).parentFolder == north.resourceURL
    assert store.get_object(A, second).path == f"/Incidents/2024/North/{second}"
    assert store.get_object(A, third).path == f"/Incidents/2024/{third}"
    root = store.get_folder(A, root_id(store), None, None, models.ListFilterEnum.Subfolders, None, [])
    assert [r.path for r in (root.subFolders.folderReference or [])] == ["/Incidents"]  # type: ignore[union-attr]
    with pytest.raises(ValueError):  # the model's pattern refuses an empty folder name in a path
        obj(parentFolderPath="/Incidents//North")
    with pytest.raises(StoreError) as exc:  # and the store checks anyway
        store.create_object(A, unchecked_obj(parentFolderPath="/Incidents//North"), None)
    assert refusal(exc) == ("SVC0002", ["parentFolderPath"])
    with pytest.raises(StoreError) as exc:
        store.create_object(A, obj(parentFolder=f"{A.box_url}/folders/fld-unknown"), None)
    assert refusal(exc) == ("SVC0004", [f"{A.box_url}/folders/fld-unknown"])


# ------------------------------------------------------------------------------------------ flags


@pytest.mark.clause("OMA-NMS-6.3", "OMA-NMS-5.3.2.3", "OMA-NMS-5.3.2.4")
def test_flag_list_replace_and_case_insensitive_duplicates(store: SqliteStore) -> None:
    oid = create(store, flags={"flag": ["\\Seen", "\\SEEN", "$MDNSent"]})
    flags = store.get_object_flags(A, oid)
    assert flags.to_wire() == {"flag": ["\\Seen", "$MDNSent"], "resourceURL": f"{ourl(A, oid)}/flags"}
    replaced = store.replace_object_flags(
        A, oid, models.FlagList.model_validate({"flag": ["\\Flagged", "\\flagged", "\\Draft"]})
    )
    assert replaced.to_wire() == {"flag": ["\\Flagged", "\\Draft"], "resourceURL": f"{ourl(A, oid)}/flags"}
    assert store.get_object_flags(A, oid).to_wire() == replaced.to_wire()
    emptied = store.replace_object_flags(A, oid, models.FlagList.model_validate({"flag": []}))
    assert emptied.to_wire()["flag"] == []


COMMON_FLAGS = ["\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft", "\\Recent", "$MDNSent", "$Forwarded"]
COMMON_FLAGS += ["\\read-report-sent"]  # TS14 App. H


@pytest.mark.clause("OMA-NMS-App.H")
def test_the_common_flags_and_others_are_kept_and_found(store: SqliteStore) -> None:
    """Each of the most common flags, and a flag of the client's own (other flags MAY be supported), is set,
    read back, listed in the order set and found by a Flag search."""
    oid = create(store)
    other = create(store)
    flags = [*COMMON_FLAGS, "$KitOwn"]
    for flag in flags:
        assert store.set_object_flag(A, oid, flag).status == 201, flag
        assert store.get_object_flag(A, oid, flag) == Answer(204), flag
    assert store.get_object_flags(A, oid).to_wire()["flag"] == flags
    for flag in flags:
        found = store.search_objects(A, criteria({"type": "Flag", "name": flag, "value": "true"}))
        assert isinstance(found, models.ObjectList)
        assert [last(o.resourceURL or "") for o in found.object or []] == [oid], flag
    assert store.get_object_flags(A, other).to_wire()["flag"] == []


@pytest.mark.clause("OMA-NMS-6.4", "OMA-NMS-5.3.2.3")
def test_individual_flag_outcomes(store: SqliteStore) -> None:
    oid = create(store, flags={"flag": ["\\Seen"]})
    flag_url = f"{ourl(A, oid)}/flags/%5CAnswered"
    assert store.get_object_flag(A, oid, "\\seen") == Answer(204)
    assert store.get_object_flag(A, oid, "\\Answered") == Answer(404)
    assert store.set_object_flag(A, oid, "\\Answered") == Answer(201, location=flag_url)
    assert store.set_object_flag(A, oid, "\\ANSWERED") == Answer(204)  # already set, whatever the case
    assert store.get_object_flags(A, oid).to_wire()["flag"] == ["\\Seen", "\\Answered"]  # stored as first given
    assert store.delete_object_flag(A, oid, "\\answered") == Answer(204)
    assert store.delete_object_flag(A, oid, "\\Answered") == Answer(404)
    assert store.get_object_flag(A, oid, "\\Answered") == Answer(404)
    for call in (
        lambda: store.get_object_flag(A, "obj-nope", "\\Seen"),
        lambda: store.set_object_flag(A, "obj-nope", "\\Seen"),
        lambda: store.delete_object_flag(A, "obj-nope", "\\Seen"),
        lambda: store.get_object_flags(A, "obj-nope"),
        lambda: store.replace_object_flags(A, "obj-nope", models.FlagList(flag=[])),
    ):
        with pytest.raises(StoreError) as exc:
            call()
        assert refusal(exc) == ("SVC0004", [f"{ourl(A, 'obj-nope')}/flags"])


@pytest.mark.clause("OMA-NMS-5.1.4")
def test_last_mod_seq_strictly_increases_with_every_change(store: SqliteStore) -> None:
    seqs: list[int] = []

    def seq_of(oid: str) -> int:
        value = store.get_object(A, oid).lastModSeq
        assert value is not None
        return value

    oid = create(store, parentFolderPath="/Inbox")
    seqs.append(seq_of(oid))
    store.set_object_flag(A, oid, "\\Seen")
    seqs.append(seq_of(oid))
    unchanged = seq_of(oid)
    store.set_object_flag(A, oid, "\\seen")  # no change, no new value
    assert seq_of(oid) == unchanged
    store.replace_object_flags(A, oid, models.FlagList.model_validate({"flag": ["\\Flagged"]}))
    seqs.append(seq_of(oid))
    store.delete_object_flag(A, oid, "\\Flagged")
    seqs.append(seq_of(oid))
    other = mkfolder(store, parentFolderPath="/", name="Other")
    folder_seq = store.get_folder(A, other, None, None, None, None, []).lastModSeq
    assert folder_seq is not None and folder_seq > seqs[-1]  # box-wide counter: folders share it
    seqs.append(folder_seq)
    store.move_to_folder(A, target_source(furl(A, other), objects=[ourl(A, oid)]))
    seqs.append(seq_of(oid))
    store.rename_folder(A, other, models.FolderName("Renamed"))
    renamed = store.get_folder(A, other, None, None, None, None, []).lastModSeq
    assert renamed is not None
    seqs.append(renamed)
    second = create(store)
    seqs.append(seq_of(second))
    assert seqs == sorted(set(seqs)), seqs  # strictly increasing


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
    with sqlite3.connect(store._path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT count(*) FROM payload_part").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM flag").fetchone()[0] == 0
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


# ------------------------------------------------------------------------------------------ isolation


@pytest.mark.clause("23.282-7.13.1-R3", "23.282-7.13.1-R2", "23.282-7.13-R3")
def test_boxes_are_isolated(store: SqliteStore) -> None:
    a_obj = create(
        store, A, parentFolderPath="/Secret", flags={"flag": ["\\Seen"]}, payload=Payload(MULTIPART, MULTIPART_TYPE)
    )
    a_folder = last(store.get_folder_id_by_path(A, "/Secret").resourceURL)
    b_obj = create(store, B, parentFolderPath="/Mine")
    b_folder = last(store.get_folder_id_by_path(B, "/Mine").resourceURL)

    for ctx in (B, A_OTHER_STORE):  # another box of the store, the same box id in another store
        for call in (
            lambda c=ctx: store.get_object(c, a_obj),
            lambda c=ctx: store.delete_object(c, a_obj),
            lambda c=ctx: store.get_object_flags(c, a_obj),
            lambda c=ctx: store.get_object_flag(c, a_obj, "\\Seen"),
            lambda c=ctx: store.set_object_flag(c, a_obj, "\\Flagged"),
            lambda c=ctx: store.get_object_payload(c, a_obj),
            lambda c=ctx: store.get_object_payload_part(c, a_obj, "1"),
            lambda c=ctx: store.get_folder(c, a_folder, None, None, None, None, []),
            lambda c=ctx: store.delete_folder(c, a_folder),
            lambda c=ctx: store.rename_folder(c, a_folder, models.FolderName("Mine")),
            lambda c=ctx: store.get_folder_id_by_path(c, "/Secret"),
            lambda c=ctx: store.get_object_id_by_path(c, f"/Secret/{a_obj}"),
        ):
            with pytest.raises(StoreError) as exc:
                call()
            assert exc.value.exception_id == "SVC0004"

    # URLs of A's box in B's requests name nothing: they are never looked up outside B's box (not found there,
    # as any well-formed URL that names no resource of the box)
    with pytest.raises(StoreError) as exc:
        store.create_object(B, obj(parentFolder=furl(A, a_folder)), None)
    assert refusal(exc) == ("SVC0004", [furl(A, a_folder)])
    with pytest.raises(StoreError) as exc:
        store.create_folder(B, folder(parentFolder=furl(A, a_folder), name="x"))
    assert refusal(exc) == ("SVC0004", [furl(A, a_folder)])
    with pytest.raises(StoreError) as exc:  # A's id dressed as a URL of B's box: unknown in B
        store.create_object(B, obj(parentFolder=furl(B, a_folder)), None)
    assert exc.value.exception_id == "SVC0004"
    with pytest.raises(StoreError) as exc:
        store.move_to_folder(B, target_source(furl(A, a_folder), objects=[ourl(B, b_obj)]))
    assert refusal(exc) == ("SVC0004", [furl(A, a_folder)])
    moved = store.move_to_folder(
        B, target_source(furl(B, b_folder), objects=[ourl(A, a_obj), ourl(B, a_obj)], folders=[furl(A, a_folder)])
    )
    assert [r.code for r in moved.response] == [400, 400, 400]
    copied = store.copy_to_folder(B, target_source(furl(B, b_folder), objects=[ourl(A, a_obj)]))
    assert [r.code for r in copied.response] == [400]
    updated = store.bulk_update_objects(
        B,
        models.BulkUpdate.model_validate(
            {"objects": refs(ourl(A, a_obj)), "operation": "RemoveFlag", "flags": {"flag": ["\\Seen"]}}
        ),
    )
    deleted = store.bulk_delete_objects(B, models.BulkDelete.model_validate({"objects": refs(ourl(A, a_obj))}))
    assert [r.code for r in updated.response + deleted.response] == [404, 404]
    with pytest.raises(StoreError) as exc:
        store.search_objects(B, criteria(searchScope={"resourceURL": furl(A, a_folder)}))
    assert refusal(exc) == ("SVC0004", [furl(A, a_folder)])
    found = store.search_objects(B, criteria())
    assert isinstance(found, models.ObjectList)
    assert [last(o.resourceURL or "") for o in found.object or []] == [b_obj]
    b_paths = store.get_object_ids_by_paths(B, models.PathList.model_validate({"path": [f"/Secret/{a_obj}"]}))
    assert b_paths.response[0].code == 404

    # A's box is untouched
    a_wire = store.get_object(A, a_obj).to_wire()
    assert a_wire["path"] == f"/Secret/{a_obj}" and a_wire["flags"]["flag"] == ["\\Seen"]
    assert store.get_folder_name(A, a_folder).root == "Secret"


# ------------------------------------------------------------------------------------------ search


@pytest.mark.clause("OMA-NMS-6.7", "OMA-NMS-5.1.10")
def test_search_objects_criteria_sorting_and_batches(tmp_path: Path) -> None:
    now = [1_700_000_000.0]
    store = SqliteStore(tmp_path / "s.db", clock=lambda: now[0])
    try:
        made = []
        for i in range(7):
            now[0] += 60
            made.append(
                create(
                    store,
                    parentFolderPath="/In" if i % 2 else "/Out",
                    attributes={
                        "attribute": [
                            {"name": "Direction", "value": ["In" if i % 2 else "Out"]},
                            {"name": "Subject", "value": [f"s{i}"]},
                        ]
                    },
                    flags={"flag": ["\\Seen"] if i < 3 else []},
                )
            )

        def ids(result: models.ObjectList | models.ObjectReferenceList) -> list[str]:
            assert isinstance(result, models.ObjectList)
            return [last(o.resourceURL or "") for o in result.object or []]

        assert ids(store.search_objects(A, criteria())) == made[::-1]  # default: newest first
        assert ids(store.search_objects(A, criteria({"type": "Attribute", "name": "direction", "value": "in"}))) == [
            made[5],
            made[3],
            made[1],
        ]
        assert (
            ids(
                store.search_objects(
                    A,
                    criteria(
                        {"type": "Flag", "name": "\\SEEN", "value": "true"},
                        sortCriteria={"criterion": [{"type": "Date", "order": "Ascending"}]},
                    ),
                )
            )
            == made[:3]
        )
        assert ids(
            store.search_objects(
                A,
                criteria(
                    {"type": "Flag", "name": "\\Seen", "value": "false"},
                    {"type": "Attribute", "name": "Subject", "value": "s0"},
                    operator="Or",
                ),
            )
        ) == [*made[3:][::-1], made[0]]
        assert (
            ids(store.search_objects(A, criteria({"type": "Flag", "name": "\\Seen", "value": "true"}, operator="Not")))
            == made[3:][::-1]
        )
        start = "2023-11-14T22:15:21+00:00"  # just after the second object (22:15:20Z), before the third
        assert ids(
            store.search_objects(
                A, criteria({"type": "Date", "value": f"minDate={start}&maxDate=2023-11-14T22:18:00Z"})
            )
        ) == [made[3], made[2]]
        by_subject = criteria(sortCriterion={"type": "Attribute", "name": "Subject", "order": "Descending"})
        assert ids(store.search_objects(A, by_subject)) == made[::-1]
        out = criteria(searchScope={"resourceURL": store.get_folder_id_by_path(A, "/Out").resourceURL})
        assert ids(store.search_objects(A, out)) == [made[6], made[4], made[2], made[0]]

        # batches: never more than maxEntries, every match exactly once, even with changes in between
        seen: list[str] = []
        body = criteria(max_entries=3)
        while True:
            page = store.search_objects(A, body)
            assert isinstance(page, models.ObjectList)
            assert len(page.object or []) <= 3
            seen += ids(page)
            if page.cursor is None:
                break
            if len(seen) == 3:
                store.delete_object(A, made[0])  # not yet returned: simply missing later
            body = criteria(max_entries=3, fromCursor=page.cursor)
        assert seen == made[1:][::-1]
        zero = store.search_objects(A, criteria(max_entries=0))
        assert isinstance(zero, models.ObjectList) and zero.object == [] and zero.cursor is not None
        assert ids(store.search_objects(A, criteria(max_entries=2, fromCursor=zero.cursor))) == made[1:][::-1][:2]

        with pytest.raises(StoreError) as exc:  # a cursor of other criteria
            store.search_objects(
                A, criteria({"type": "Flag", "name": "\\Seen", "value": "true"}, max_entries=3, fromCursor=zero.cursor)
            )
        assert refusal(exc) == ("SVC0002", ["fromCursor"])
        with pytest.raises(StoreError) as exc:  # no preset searches are configured (TS14 6.7 defines none)
            store.search_objects(A, criteria({"type": "PresetSearch", "name": "x", "value": "gate"}))
        assert exc.value.exception_id == "SVC0003"
        with pytest.raises(StoreError) as exc:
            store.search_objects(A, criteria({"type": "Date", "value": "minDate=2024-01-01T00:00:00"}))  # no zone
        assert refusal(exc) == ("SVC0002", ["searchCriteria"])
    finally:
        store.close()


@pytest.mark.clause("OMA-NMS-6.7", "OMA-NMS-5.3.2.2")
def test_vanished_and_created_objects_searches(store: SqliteStore) -> None:
    first = create(store)
    gone = create(store, correlationId="c")
    store.delete_object(A, gone)
    vanished = store.search_objects(A, criteria({"type": "VanishedObjects", "value": ""}))
    assert isinstance(vanished, models.ObjectReferenceList)
    assert vanished.to_wire() == {"objectReference": [{"resourceURL": ourl(A, gone)}]}
    with pytest.raises(StoreError):
        store.search_objects(
            A, criteria({"type": "VanishedObjects", "value": ""}, {"type": "Flag", "name": "\\Seen", "value": "true"})
        )

    everything = store.search_objects(A, criteria({"type": "CreatedObjects", "value": ""}))
    assert isinstance(everything, models.ObjectList) and everything.creationCursor
    assert [last(o.resourceURL or "") for o in everything.object or []] == [first]
    newer = create(store)
    since = store.search_objects(A, criteria({"type": "CreatedObjects", "value": everything.creationCursor}))
    assert isinstance(since, models.ObjectList)
    assert [last(o.resourceURL or "") for o in since.object or []] == [newer]


@pytest.mark.clause("OMA-NMS-6.13", "OMA-NMS-App.J", "OMA-NMS-5.3.2.9")
def test_search_folders(store: SqliteStore) -> None:
    create(store)
    mkfolder(store, parentFolderPath="/", name="Projects")
    mkfolder(store, parentFolderPath="/Archive", name="Projects")
    roots = store.search_folders(A, criteria({"type": "Attribute", "name": "Root", "value": "Yes"}))
    assert isinstance(roots, models.FolderList)
    (root,) = roots.folder or []
    wire = root.to_wire()
    assert wire["path"] is None and "parentFolder" not in wire
    assert sorted(r["path"] for r in wire["subFolders"]["folderReference"]) == [
        "/Archive",
        "/Projects",
    ]  # MUST for roots
    assert len(wire["objects"]["objectReference"]) == 1
    named = store.search_folders(
        A,
        criteria(
            {"type": "Attribute", "name": "Name", "value": "Projects"},
            sortCriteria={"criterion": [{"type": "Date", "order": "Ascending"}]},
        ),
    )
    assert isinstance(named, models.FolderList)
    assert [f.path for f in named.folder or []] == ["/Projects", "/Archive/Projects"]
    scoped = store.search_folders(
        A, criteria(searchScope={"resourceURL": store.get_folder_id_by_path(A, "/Archive").resourceURL})
    )
    assert isinstance(scoped, models.FolderList) and [f.path for f in scoped.folder or []] == ["/Archive/Projects"]
    page = store.search_folders(A, criteria(max_entries=1))
    assert isinstance(page, models.FolderList) and len(page.folder or []) == 1 and page.cursor
    with pytest.raises(StoreError) as exc:
        store.search_folders(A, criteria({"type": "Flag", "name": "\\Seen", "value": "true"}))
    assert refusal(exc) == ("SVC0002", ["searchCriteria"])


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
    with sqlite3.connect(store._path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []

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


# ------------------------------------------------------------------------------------------ subscriptions


@pytest.mark.clause("OMA-NMS-6.17", "OMA-NMS-6.18", "OMA-NMS-5.3.2.20", "OMA-NMS-5.3.2.22")
def test_subscription_lifecycle(tmp_path: Path) -> None:
    now = [1_000_000.0]
    store = SqliteStore(tmp_path / "s.db", clock=lambda: now[0])
    try:
        request = {
            "callbackReference": {"notifyURL": "https://client.example.org/cb", "callbackData": "abc"},
            "duration": 3600,
            "filter": {"criterion": [{"type": "Flag", "name": "\\Seen", "value": "false"}]},
        }
        made = store.create_subscription(
            A, models.NmsSubscription.model_validate({**request, "restartToken": "rt-from-client"})
        )
        wire = made.to_wire()
        assert wire["index"] == 1 and wire["restartToken"] == "rt-from-client" and wire["duration"] == 3600
        assert wire["callbackReference"] == request["callbackReference"] and wire["filter"] == request["filter"]
        sid = last(wire["resourceURL"])
        assert wire["resourceURL"] == f"{A.box_url}/subscriptions/{sid}"

        fresh = store.create_subscription(
            A, models.NmsSubscription.model_validate({"callbackReference": {"notifyURL": "https://c/2"}})
        )
        assert fresh.restartToken and fresh.index == 1 and fresh.duration == 24 * 3600  # server policy
        listed = store.list_subscriptions(A)
        assert listed.resourceURL == f"{A.box_url}/subscriptions" and len(listed.subscription or []) == 2
        assert store.list_subscriptions(B).to_wire() == {
            "subscription": [],
            "resourceURL": f"{B.box_url}/subscriptions",
        }

        now[0] += 600
        assert store.get_subscription(A, sid).duration == 3000  # remaining validity
        updated = store.update_subscription(
            A, sid, models.NmsSubscriptionUpdate(duration=7200, restartToken="rt-again")
        )
        assert (updated.index, updated.restartToken, updated.duration) == (1, "rt-again", 7200)
        kept = store.update_subscription(A, sid, models.NmsSubscriptionUpdate(duration=60))
        assert kept.restartToken == "rt-again"

        with pytest.raises(StoreError) as exc:
            store.get_subscription(B, sid)
        assert exc.value.exception_id == "SVC0004"
        store.delete_subscription(A, sid)
        for call in (
            lambda: store.get_subscription(A, sid),
            lambda: store.update_subscription(A, sid, models.NmsSubscriptionUpdate()),
            lambda: store.delete_subscription(A, sid),
        ):
            with pytest.raises(StoreError) as exc:
                call()
            assert exc.value.exception_id == "SVC0004"
            assert exc.value.links == [("NmsSubscription", f"{A.box_url}/subscriptions/{sid}")]

        now[0] += 24 * 3600  # the second one expired
        assert store.list_subscriptions(A).subscription == []

        corr = {"callbackReference": {"notifyURL": "https://c/3"}, "clientCorrelator": "corr-7"}
        one = store.create_subscription(A, models.NmsSubscription.model_validate(corr))
        two = store.create_subscription(A, models.NmsSubscription.model_validate(corr))
        assert one.resourceURL == two.resourceURL and two.clientCorrelator == "corr-7"
    finally:
        store.close()


# ------------------------------------------------------------------------------------------ data safety


@pytest.mark.clause("23.282-5.10-R1")
def test_every_connection_has_the_data_safety_pragmas(store: SqliteStore) -> None:
    """DATA-3: WAL, synchronous=FULL, foreign_keys=ON and busy_timeout on every thread's connection."""
    results: list[dict[str, int | str]] = []

    def work() -> None:
        create(store)  # a real operation on this thread's connection
        results.append(store.pragmas())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.append(store.pragmas())
    assert len(results) == 5
    assert len(store._connections) == 5
    for r in results:
        assert r == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 5000}


@pytest.mark.clause("23.282-5.10-R1")
def test_concurrent_writers_lose_nothing(store: SqliteStore) -> None:
    """DATA-9: writers on several threads, no 'database is locked', no lost update."""
    oid = create(store)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(15):
                store.set_object_flag(A, oid, f"$t{n}-{i}")
                create(store, parentFolderPath=f"/T{n}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.get_object_flags(A, oid).flag or []) == 90
    found = store.search_objects(A, criteria(max_entries=1000))
    assert isinstance(found, models.ObjectList) and len(found.object or []) == 91


@pytest.mark.clause("23.282-5.10-R1", "OMA-COMMON-Exceptions")
def test_disk_full_rolls_back_cleanly(store: SqliteStore) -> None:
    """DATA-7: a write that fails inside SQLite leaves no partial state and the connection usable; the
    refusal is 503 SVC2001 (no server resources), not SQLite's error."""
    conn = store._conn()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={pages}")
    with pytest.raises(StoreError) as refused:
        create(store, parentFolderPath="/Big", payload=Payload(b"x" * 200_000, "application/octet-stream"))
    assert refusal(refused) == ("SVC2001", []) and refused.value.status is None
    assert isinstance(refused.value.__cause__, sqlite3.OperationalError)
    assert refused.value.__cause__.sqlite_errorname == "SQLITE_FULL"
    assert not conn.in_transaction
    conn.execute("PRAGMA max_page_count=1073741823")
    with pytest.raises(StoreError):
        store.get_folder_id_by_path(A, "/Big")  # the implicitly created folder went with the object
    assert create(store)


WRITER = r"""
import sys
from mcdata_store import models
from mcdata_store.store import Context, Payload
from refstore import SqliteStore

store = SqliteStore(sys.argv[1])
ctx = Context("s", "b", "MCData-7", "u", "https://h/nms/v1/s/b")
live = []
i = 0
while True:
    body = models.Object.model_validate({"parentFolderPath": f"/F{i % 3}", "attributes": {}, "flags": {"flag": []}})
    ref = store.create_object(ctx, body, Payload(b"x" * (i % 97 + 1), "text/plain"))
    oid = ref.resourceURL.rsplit("/", 1)[1]
    print("C", oid, flush=True)
    if i % 3 == 0:
        store.set_object_flag(ctx, oid, "\\Seen")
        print("F", oid, flush=True)
    if i % 7 == 6:
        moved = store.move_to_folder(ctx, models.TargetSourceRef.model_validate({
            "targetRef": {"resourceURL": store.get_folder_id_by_path(ctx, "/F0").resourceURL},
            "sourceRefs": {"folders": {}, "objects": {"objectReference": [{"resourceURL": ref.resourceURL}]}},
        }))
        assert moved.response[0].code == 200
        print("M", oid, flush=True)
    else:
        live.append(oid)
    if i % 5 == 4:
        victim = live.pop(0)
        print("d", victim, flush=True)  # about to delete: from here on it may be gone
        store.delete_object(ctx, victim)
        print("D", victim, flush=True)
    i += 1
"""


@pytest.mark.clause("23.282-5.10-R1", "OMA-NMS-5.1.4")
def test_kill_9_loses_no_acknowledged_write(tmp_path: Path) -> None:
    """DATA-1/2: SIGKILL a writer at random moments; every acknowledged write survives, the file is sound.

    The writer prints a line after each committed operation (C create, F flag, M move, D delete) and a
    "d" line before each delete: a delete may commit just before the kill, unacknowledged, so only objects
    never announced for deletion must be present (acknowledged ⊆ present; acknowledged deletes absent).
    """
    rng = random.Random(20240611)
    db = tmp_path / "crash.db"
    ctx = Context("s", "b", "MCData-7", "u", "https://h/nms/v1/s/b")
    created: set[str] = set()
    deleting: set[str] = set()
    deleted: set[str] = set()
    flagged: set[str] = set()
    moved: set[str] = set()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    deadline = time.monotonic() + 120
    trials = 10
    for _ in range(trials):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
        )
        lines: list[str] = []
        first = threading.Event()

        def read(stream: Any = proc.stdout, out: list[str] = lines, got: threading.Event = first) -> None:
            for line in stream:
                out.append(line)
                got.set()

        reader = threading.Thread(target=read)
        reader.start()
        assert first.wait(60), "the writer acknowledged nothing"
        time.sleep(rng.uniform(0.01, 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        reader.join(30)
        assert proc.returncode == -signal.SIGKILL
        for line in lines:
            if not line.endswith("\n"):
                continue  # a torn last line is no acknowledgement
            kind, oid = line.split()
            {"C": created, "d": deleting, "D": deleted, "F": flagged, "M": moved}[kind].add(oid)
        assert time.monotonic() < deadline

        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            (box_seq,) = conn.execute("SELECT mod_seq FROM box").fetchone()
            seqs = [
                r[0] for r in conn.execute("SELECT last_mod_seq FROM object UNION ALL SELECT last_mod_seq FROM folder")
            ]
            assert max(seqs) <= box_seq and len(seqs) == len(set(seqs))
        store = SqliteStore(db)
        try:
            for oid in created - deleting:  # acknowledged and never touched by a delete: present
                got = store.get_object(ctx, oid)
                if oid in flagged:
                    assert got.flags.to_wire()["flag"] == ["\\Seen"]
                if oid in moved:
                    assert (got.path or "").startswith("/F0/")
            for oid in deleted:
                with pytest.raises(StoreError):
                    store.get_object(ctx, oid)
        finally:
            store.close()
    assert len(created) > trials  # the writer got somewhere
