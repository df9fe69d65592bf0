"""The NMS events a notification carries (OMA NMS 5.1.4, 6.19) and the notification itself, built from
the plain values of the changed items, whatever store they come from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mcdata_store import models

from .urls import folder_url, object_url, subscription_url

__all__ = ["changed_folder", "changed_object", "deleted_folder", "deleted_object", "notification", "reset_box"]


def _correlation(fields: dict[str, Any], correlation_id: str | None, correlation_tag: str | None) -> None:
    if correlation_id is not None:
        fields["correlationId"] = correlation_id
    if correlation_tag is not None:
        fields["correlationTag"] = correlation_tag


def reset_box() -> models.NmsEvent:
    """The event telling a client to resynchronise the whole box (the store cannot give the changes)."""
    return models.NmsEvent.model_validate({"resetBox": None})  # the empty element: JSON null


def changed_object(
    box_url: str,
    object_id: str,
    folder_id: str,
    flags: Sequence[str],
    last_mod_seq: int,
    correlation_id: str | None,
    correlation_tag: str | None,
) -> models.NmsEvent:
    fields: dict[str, Any] = {
        "parentFolder": folder_url(box_url, folder_id),
        "flags": models.FlagList(flag=[models.Flag(n) for n in flags]),
        "resourceURL": object_url(box_url, object_id),
        "lastModSeq": last_mod_seq,
    }
    _correlation(fields, correlation_id, correlation_tag)
    return models.NmsEvent(changedObject=models.ChangedObject(**fields))


def changed_folder(box_url: str, folder_id: str, parent_id: str, name: str, last_mod_seq: int) -> models.NmsEvent:
    return models.NmsEvent(
        changedFolder=models.ChangedFolder(
            parentFolder=folder_url(box_url, parent_id),
            resourceURL=folder_url(box_url, folder_id),
            name=name,
            lastModSeq=last_mod_seq,
        )
    )


def deleted_object(
    box_url: str, object_id: str, last_mod_seq: int, correlation_id: str | None, correlation_tag: str | None
) -> models.NmsEvent:
    fields: dict[str, Any] = {"resourceURL": object_url(box_url, object_id), "lastModSeq": last_mod_seq}
    _correlation(fields, correlation_id, correlation_tag)
    return models.NmsEvent(deletedObject=models.DeletedObject(**fields))


def deleted_folder(box_url: str, folder_id: str, last_mod_seq: int) -> models.NmsEvent:
    return models.NmsEvent(
        deletedFolder=models.DeletedFolder(resourceURL=folder_url(box_url, folder_id), lastModSeq=last_mod_seq)
    )


def notification(
    events: list[models.NmsEvent],
    callback: dict[str, Any],
    index: int,
    token: str,
    box_url: str,
    subscription_id: str,
) -> dict[str, Any]:
    """The JSON body POSTed to the notifyURL: the events, the subscription's callbackData, the notification
    index, the restart token after these events, and a link to the subscription."""
    body: dict[str, Any] = {"nmsEvent": events}
    if callback.get("callbackData") is not None:
        body["callbackData"] = callback["callbackData"]
    body["index"] = index
    body["restartToken"] = token
    body["link"] = [models.Link(rel="nmsSubscription", href=subscription_url(box_url, subscription_id))]
    return models.NmsEventListBody(nmsEventList=models.NmsEventList(**body)).to_wire()
