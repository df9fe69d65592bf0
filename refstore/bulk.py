"""Bulk operations on objects in SQLite (TS14 6.9, 6.10, 6.12): one transaction per request, each item
in a savepoint (a failed item leaves no trace, the others stay), one answer item per request item."""

from __future__ import annotations

from mcdata_store import models
from mcdata_store.store import Payload, StoreError

from . import flags, objects, search
from .core.answers import PAGE_MAX, bad, failure, not_found, success
from .core.criteria import refuse_vanished_selection
from .core.urls import object_url
from .tree import object_by_pk, object_from_ref, object_row, scope
from .tx import Row, Tx

__all__ = ["bulk_create_objects", "bulk_delete_objects", "bulk_update_objects"]


def bulk_create_objects(tx: Tx, items: list[models.Object], payloads: list[Payload | None]) -> models.BulkResponseList:
    """Create each object (201 + Reference, or its refusal); every creation refused: the first refusal is
    raised (TS14 6.9.2: 4xx/5xx)."""
    responses: list[models.Response] = []
    errors: list[StoreError] = []
    for obj, payload in zip(items, payloads, strict=True):
        try:
            with tx.savepoint():
                responses.append(success(201, objects.insert(tx, obj, payload)))
        except StoreError as exc:
            errors.append(exc)
            responses.append(failure(exc))
    if len(errors) == len(items):
        raise errors[0]
    return models.BulkResponseList(response=responses)


def bulk_update_objects(tx: Tx, body: models.BulkUpdate, names: list[str]) -> models.BulkResponseList:
    """Add or remove the flags ``names`` (normalised) on each object the request names or selects."""
    adding = body.operation == models.OperationEnum.AddFlag
    responses = []
    for url, row in _targets(tx, body.objects, body.selectionCriteria):
        if row is None:
            responses.append(failure(not_found(url)))
            continue
        flags.change(tx, int(row["pk"]), names if adding else [], [] if adding else names)
        responses.append(success(200, models.Reference(resourceURL=object_url(tx.box_url, str(row["id"])))))
    return models.BulkResponseList(response=responses)


def bulk_delete_objects(tx: Tx, body: models.BulkDelete) -> models.BulkResponseList:
    """Delete each object the request names or selects."""
    responses = []
    for url, target in _targets(tx, body.objects, body.selectionCriteria):
        # a reference given twice: the second time the object is gone
        row = object_row(tx, str(target["id"])) if target is not None else None
        if row is None:
            responses.append(failure(not_found(url)))
            continue
        objects.delete_rows(tx, [row])
        responses.append(success(200, models.Reference(resourceURL=object_url(tx.box_url, str(row["id"])))))
    return models.BulkResponseList(response=responses)


def _targets(
    tx: Tx, references: models.ObjectReferenceList | None, criteria: models.SelectionCriteria | None
) -> list[tuple[str, Row | None]]:
    """(URL, row or None when it names no object of the box) per item: the references in request order,
    or the objects selected by the criteria in their sort order (at most maxEntries, capped at 1000)."""
    if references is not None:
        refs = references.objectReference or []
        if not refs:  # as an empty selection below: nothing named is "not found"
            raise not_found("objects")
        if len(refs) > PAGE_MAX:
            raise bad("objects")
        return [(ref.resourceURL, object_from_ref(tx, ref.resourceURL)) for ref in refs]
    assert criteria is not None  # the model's choice: objects or selectionCriteria
    refuse_vanished_selection(criteria)
    pks, _ = search.search(tx, "object", criteria, scope(tx, criteria), PAGE_MAX)
    if not pks:  # a BulkResponseList holds at least one response: nothing selected is "not found"
        raise not_found("selectionCriteria")
    rows = [object_by_pk(tx, pk) for pk in pks]
    return [(object_url(tx.box_url, str(r["id"])), r) for r in rows]
