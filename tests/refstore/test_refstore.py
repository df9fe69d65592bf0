"""The reference store (refstore.SqliteStore) called directly, as the generated server calls it: the protocol,
objects and payloads, flags, box isolation and search."""

from __future__ import annotations

import inspect
import subprocess
import sys
from collections.abc import Callable

import pytest
from pydantic import ValidationError

from mcdata_store import models
from mcdata_store.store import Answer, MessageStore, Payload, StoreError
from refstore import SqliteStore

from ..conftest import ROOT
from ..stores import query
from .direct import (
    A_OTHER_STORE,
    BINARY,
    JPEG,
    MULTIPART,
    MULTIPART_TYPE,
    A,
    B,
    create,
    criteria,
    folder,
    furl,
    last,
    mkfolder,
    obj,
    ourl,
    refs,
    refusal,
    root_id,
    target_source,
    unchecked_obj,
)

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
    # flags and payload parts went with the object
    assert query(store, "SELECT count(*) FROM flag") == [(0,)]
    assert query(store, "SELECT count(*) FROM payload_part") == [(0,)]


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
    used = {r[0] for r in query(store, "SELECT id FROM used_id")}
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
def test_search_objects_criteria_sorting_and_batches(make_store: Callable[..., SqliteStore]) -> None:
    now = [1_700_000_000.0]
    store = make_store("s.db", clock=lambda: now[0])
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
        with pytest.raises(ValidationError, match="does not match"):  # no zone: the model refuses it
            criteria({"type": "Date", "value": "minDate=2024-01-01T00:00:00"})
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
