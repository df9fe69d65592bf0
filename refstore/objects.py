"""Objects in SQLite: their rows, payloads and payload parts, the Object model answered, creation and
deletion (a tombstone per deleted object), and the operations on ``/objects`` that read or write one
object: get, delete, payload, payload parts, search, pathToId."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mcdata_store import models
from mcdata_store.store import Payload

from . import flags, search
from .core.answers import PAGE_MAX, bad, failure, not_found, success
from .core.attributes import attribute_list, pairs, stored_pairs
from .core.criteria import asks_vanished, check_vanished
from .core.flags import flag_names
from .core.ids import OBJECT_PREFIX, creation_cursor
from .core.paths import MalformedPath
from .core.payloads import payload_texts, split_payload
from .core.urls import folder_url, object_url, part_url, payload_url
from .tree import folder_path, object_at, object_by_pk, object_ref, object_row, parent_for_create, require_object, scope
from .tx import Row, Tx

__all__ = [
    "delete_object",
    "delete_rows",
    "get_object",
    "get_object_id_by_path",
    "get_object_ids_by_paths",
    "get_object_payload",
    "get_object_payload_part",
    "insert",
    "model",
    "search_objects",
]


def model(tx: Tx, row: Row) -> models.Object:
    """The Object answered for an object row (``tree.OBJECT_SELECT``)."""
    object_id = str(row["id"])
    url = object_url(tx.box_url, object_id)
    fields: dict[str, Any] = {
        "parentFolder": folder_url(tx.box_url, str(row["folder_id"])),
        "attributes": attribute_list(stored_pairs(str(row["attributes"]))),
        "flags": models.FlagList(flag=[models.Flag(f) for f in flags.names(tx, int(row["pk"]))]),
        "resourceURL": url,
        "path": f"{folder_path(tx, int(row['folder_pk']))}/{object_id}",
    }
    if row["payload"] is not None:
        fields["payloadURL"] = payload_url(tx.box_url, object_id)
        parts = tx.all(
            "SELECT part_id, content_type, content_id, content_location, length(content) AS size"
            " FROM payload_part WHERE box_pk = ? AND object_pk = ? ORDER BY seq",
            (tx.box, int(row["pk"])),
        )
        if parts:
            fields["payloadPart"] = [_part_info(tx.box_url, object_id, p) for p in parts]
    fields["lastModSeq"] = int(row["last_mod_seq"])
    if row["correlation_id"] is not None:
        fields["correlationId"] = str(row["correlation_id"])
    if row["correlation_tag"] is not None:
        fields["correlationTag"] = str(row["correlation_tag"])
    return models.Object(**fields)


def _part_info(box_url: str, object_id: str, part: Row) -> models.PayloadPartInfo:
    fields: dict[str, Any] = {"contentType": str(part["content_type"])}
    if part["content_id"] is not None:
        fields["contentId"] = str(part["content_id"])
    if part["content_location"] is not None:
        fields["contentLocation"] = str(part["content_location"])
    fields["size"] = int(part["size"])
    fields["href"] = part_url(box_url, object_id, str(part["part_id"]))
    return models.PayloadPartInfo(**fields)


def insert(tx: Tx, body: models.Object, attachment: Payload | None) -> models.Reference:
    """Create an object with its flags, payload (split into parts when multipart) and search index rows,
    in the folder the body names (created if missing) or the root folder; its Reference."""
    names = flag_names(body.flags)
    parts = None
    if attachment is not None and attachment.content:
        parts = split_payload(attachment)
    folder_pk = parent_for_create(tx, body.parentFolder, body.parentFolderPath, required=False)
    object_id = tx.new_id(OBJECT_PREFIX)
    seq = tx.bump()
    has_payload = attachment is not None and bool(attachment.content)
    object_pk = int(
        tx.run(
            "INSERT INTO object (box_pk, id, folder_pk, attributes, correlation_id, correlation_tag, payload,"
            " payload_type, last_mod_seq, created_seq, created_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING pk",
            (
                tx.box,
                object_id,
                folder_pk,
                body.attributes.model_dump_json(exclude_unset=True),
                body.correlationId,
                body.correlationTag,
                attachment.content if attachment is not None and has_payload else None,
                attachment.media_type if attachment is not None and has_payload else None,
                seq,
                seq,
                tx.now_us(),
            ),
        ).fetchone()[0]
    )
    flags.add(tx, object_pk, names)
    texts = payload_texts(attachment, parts) if has_payload and attachment is not None else []
    search.index_object(tx, tx.box, object_pk, pairs(body.attributes), texts)
    tx.run_many(
        "INSERT INTO payload_part (box_pk, object_pk, part_id, seq, content_type, content_id, content_location,"
        " content) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (tx.box, object_pk, str(i), i, p.content_type, p.content_id, p.content_location, p.content)
            for i, p in enumerate(parts or [], 1)
        ],
    )
    return object_ref(tx, object_id, folder_pk)


def delete_rows(tx: Tx, rows: Sequence[Row]) -> None:
    """Delete objects (flags and payload parts cascade), leaving a tombstone with its own lastModSeq."""
    if not rows:
        return
    last = tx.bump(len(rows))
    now = tx.now_us()
    tx.run_many(
        "INSERT INTO tombstone (box_pk, kind, id, last_mod_seq, correlation_id, correlation_tag, deleted_us)"
        " VALUES (?, 'object', ?, ?, ?, ?, ?)",
        [
            (tx.box, r["id"], last - len(rows) + 1 + i, r["correlation_id"], r["correlation_tag"], now)
            for i, r in enumerate(rows)
        ],
    )
    tx.run_many("DELETE FROM object WHERE box_pk = ? AND pk = ?", [(tx.box, int(r["pk"])) for r in rows])


# ------------------------------------------------------------------------------------------ operations


def get_object(tx: Tx, object_id: str) -> models.Object:
    return model(tx, require_object(tx, object_id))


def delete_object(tx: Tx, object_id: str) -> None:
    delete_rows(tx, [require_object(tx, object_id)])


def get_object_payload(tx: Tx, object_id: str) -> Payload:
    row = require_object(tx, object_id, "/payload")
    if row["payload"] is None:
        raise not_found(payload_url(tx.box_url, object_id))
    return Payload(bytes(row["payload"]), str(row["payload_type"]))


def get_object_payload_part(tx: Tx, object_id: str, payload_part_id: str) -> Payload:
    row = object_row(tx, object_id)
    part = (
        tx.one(
            "SELECT content, content_type FROM payload_part WHERE box_pk = ? AND object_pk = ? AND part_id = ?",
            (tx.box, int(row["pk"]), payload_part_id),
        )
        if row is not None
        else None
    )
    if part is None:
        raise not_found(part_url(tx.box_url, object_id, payload_part_id))
    return Payload(bytes(part["content"]), str(part["content_type"]))


def search_objects(tx: Tx, body: models.SelectionCriteria) -> models.ObjectList | models.ObjectReferenceList:
    """One batch of the objects the criteria select (with its cursor), or the deleted objects asked for by
    VanishedObjects (oldest first, no cursor)."""
    if asks_vanished(body.searchCriteria):
        return _vanished(tx, body)
    pks, cursor = search.search(tx, "object", body, scope(tx, body), PAGE_MAX)
    fields: dict[str, Any] = {"object": [model(tx, object_by_pk(tx, pk)) for pk in pks]}
    if cursor is not None:
        fields["cursor"] = cursor
    if body.searchCriteria is not None and any(
        c.type == models.SearchTypeEnum.CreatedObjects for c in body.searchCriteria.criterion
    ):
        fields["creationCursor"] = creation_cursor(tx.mod_seq())  # objects created later have a higher seq
    return models.ObjectList(**fields)


def _vanished(tx: Tx, body: models.SelectionCriteria) -> models.ObjectReferenceList:
    check_vanished(body)
    rows = tx.all(
        "SELECT id FROM tombstone WHERE box_pk = ? AND kind = 'object' ORDER BY last_mod_seq LIMIT ?",
        (tx.box, min(body.maxEntries, PAGE_MAX)),
    )
    return models.ObjectReferenceList(
        objectReference=[models.Reference(resourceURL=object_url(tx.box_url, str(r[0]))) for r in rows]
    )


def get_object_id_by_path(tx: Tx, path: str) -> models.Reference:
    try:
        row = object_at(tx, path)
    except MalformedPath:
        row = None
    if row is None:
        raise not_found(path)  # TS14 6.8.3: malformed and unknown paths alike (SVC0004)
    return object_ref(tx, str(row["id"]), int(row["folder_pk"]))


def get_object_ids_by_paths(tx: Tx, body: models.PathList) -> models.BulkResponseList:
    """Per path in request order: 200 + Reference; malformed 400 SVC0002; unknown 404 SVC0004."""
    responses = []
    for item in body.path:
        path = item.root
        try:
            row = object_at(tx, path)
        except MalformedPath:
            responses.append(failure(bad(path)))
            continue
        if row is None:
            responses.append(failure(not_found(path)))
        else:
            responses.append(success(200, object_ref(tx, str(row["id"]), int(row["folder_pk"]))))
    return models.BulkResponseList(response=responses)
