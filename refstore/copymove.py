"""Copy and move of objects and folder trees in SQLite (TS14 6.14, 6.15): one transaction per request;
a source folder containing the target refuses the whole request (POL1031); otherwise each source in a
savepoint, with its own answer item (a bad reference or a name clash is a 400 item)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from mcdata_store import models
from mcdata_store.store import StoreError

from . import flags, search
from .core.answers import PAGE_MAX, bad, failure, not_found, success
from .core.ids import OBJECT_PREFIX
from .core.urls import ref_id
from .tree import (
    check_path_room,
    display_path,
    find_folder,
    folder_at_url,
    folder_by_pk,
    folder_ref,
    insert_folder,
    object_from_ref,
    object_ref,
    sibling_exists,
    subtree,
)
from .tx import Row, Tx

__all__ = ["copy_to_folder", "move_to_folder"]

Kind = Literal["folders", "objects"]


def copy_to_folder(tx: Tx, body: models.TargetSourceRef) -> models.BulkResponseList:
    """Copy each source (objects with their flags and payload, folders with their whole tree) into the
    target folder: 201 + the copy's Reference."""

    def copy(kind: Kind, row: Row, target_pk: int, url: str) -> models.Reference:
        return _copy_object(tx, row, target_pk) if kind == "objects" else _copy_folder(tx, row, target_pk, url)

    return _each_source(tx, body, 201, copy)


def move_to_folder(tx: Tx, body: models.TargetSourceRef) -> models.BulkResponseList:
    """Move each source into the target folder: 200 + its Reference there."""

    def move(kind: Kind, row: Row, target_pk: int, url: str) -> models.Reference:
        return _move(tx, kind, row, target_pk, url)

    return _each_source(tx, body, 200, move)


def _each_source(
    tx: Tx,
    body: models.TargetSourceRef,
    status: int,
    act: Callable[[Kind, Row, int, str], models.Reference],
) -> models.BulkResponseList:
    """``act`` on each source in a savepoint of its own: ``status`` + its Reference, or its refusal (an
    invalid source reference: 400, TS14 D.54)."""
    target_pk, items = _prepare(tx, body)
    responses = []
    for kind, url, row in items:
        if row is None:
            responses.append(failure(bad(url)))
            continue
        try:
            with tx.savepoint():
                ref = act(kind, row, target_pk, url)
            responses.append(success(status, ref))
        except StoreError as exc:
            responses.append(failure(exc))
    return models.BulkResponseList(response=responses)


def _prepare(tx: Tx, body: models.TargetSourceRef) -> tuple[int, list[tuple[Kind, str, Row | None]]]:
    """The target folder's key and the sources; POL1031 when a source folder contains the target."""
    target_pk = int(folder_at_url(tx, body.targetRef.resourceURL, "targetRef")["pk"])
    items = _sources(tx, body)
    for kind, _, row in items:  # TS14 D.57: the whole request is refused
        if kind == "folders" and row is not None and target_pk in {p for p, _ in subtree(tx, int(row["pk"]))}:
            raise StoreError("POL1031", [display_path(tx, target_pk)])
    return target_pk, items


def _sources(tx: Tx, body: models.TargetSourceRef) -> list[tuple[Kind, str, Row | None]]:
    """(kind, URL, row or None when it names nothing in this box) in request order: folders, then objects."""
    refs = body.sourceRefs
    items: list[tuple[Kind, str, Row | None]] = []
    for ref in refs.folders.folderReference or []:
        folder_id = ref_id(tx.box_url, ref.resourceURL, "folders")
        items.append(("folders", ref.resourceURL, find_folder(tx, folder_id) if folder_id else None))
    for ref in refs.objects.objectReference or []:
        items.append(("objects", ref.resourceURL, object_from_ref(tx, ref.resourceURL)))
    if not items:  # a BulkResponseList holds at least one response: nothing named is "not found"
        raise not_found("sourceRefs")
    if len(items) > PAGE_MAX:
        raise bad("sourceRefs")
    return items


def _copy_object(tx: Tx, row: Row, folder_pk: int) -> models.Reference:
    object_id = tx.new_id(OBJECT_PREFIX)
    seq = tx.bump()
    new_pk = int(
        tx.run(
            "INSERT INTO object (box_pk, id, folder_pk, attributes, correlation_id, correlation_tag, payload,"
            " payload_type, last_mod_seq, created_seq, created_us)"
            " SELECT box_pk, ?, ?, attributes, correlation_id, correlation_tag, payload, payload_type, ?, ?, ?"
            " FROM object WHERE box_pk = ? AND pk = ? RETURNING pk",
            (object_id, folder_pk, seq, seq, tx.now_us(), tx.box, int(row["pk"])),
        ).fetchone()[0]
    )
    flags.copy(tx, int(row["pk"]), new_pk)
    search.copy_object_index(tx, int(row["pk"]), new_pk)
    tx.run(
        "INSERT INTO payload_part (box_pk, object_pk, part_id, seq, content_type, content_id, content_location,"
        " content) SELECT box_pk, ?, part_id, seq, content_type, content_id, content_location, content"
        " FROM payload_part WHERE box_pk = ? AND object_pk = ?",
        (new_pk, tx.box, int(row["pk"])),
    )
    return object_ref(tx, object_id, folder_pk)


def _copy_folder(tx: Tx, row: Row, target_pk: int, url: str) -> models.Reference:
    name = str(row["name"])
    if row["parent_pk"] is None or sibling_exists(tx, target_pk, name):
        raise bad(url)  # the root folder, or a name clash in the target folder
    check_path_room(tx, target_pk, name, subtree_pk=int(row["pk"]))
    mapping: dict[int, int] = {}
    for pk, depth in subtree(tx, int(row["pk"])):
        source = folder_by_pk(tx, pk)
        parent = target_pk if depth == 0 else mapping[int(source["parent_pk"])]
        attributes = models.AttributeList.model_validate_json(str(source["attributes"]))
        mapping[pk] = insert_folder(tx, parent, str(source["name"]), attributes)[0]
        for obj in tx.all("SELECT * FROM object WHERE box_pk = ? AND folder_pk = ? ORDER BY pk", (tx.box, pk)):
            _copy_object(tx, obj, mapping[pk])
    return folder_ref(tx, folder_by_pk(tx, mapping[int(row["pk"])]))


def _move(tx: Tx, kind: Kind, row: Row, target_pk: int, url: str) -> models.Reference:
    pk = int(row["pk"])
    if kind == "objects":
        if int(row["folder_pk"]) != target_pk:
            tx.run(
                "UPDATE object SET folder_pk = ?, last_mod_seq = ? WHERE box_pk = ? AND pk = ?",
                (target_pk, tx.bump(), tx.box, pk),
            )
        return object_ref(tx, str(row["id"]), target_pk)
    if row["parent_pk"] is None:
        raise bad(url)  # the root folder stays the root
    if int(row["parent_pk"]) != target_pk:
        name = str(row["name"])
        if sibling_exists(tx, target_pk, name):
            raise bad(url)  # a folder of that name is already in the target folder
        check_path_room(tx, target_pk, name, subtree_pk=pk)
        tx.run(
            "UPDATE folder SET parent_pk = ?, last_mod_seq = ? WHERE box_pk = ? AND pk = ?",
            (target_pk, tx.bump(), tx.box, pk),
        )
        tx.paths.clear()
    return folder_ref(tx, folder_by_pk(tx, pk))
