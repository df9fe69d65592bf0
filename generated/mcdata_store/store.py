# generated from spec/ by nmsgen - do not edit
"""The message store interface: one method per operation of the API, NMS types in and out.

The generated server (``server.py``) does HTTP, authentication and error mapping, then calls the
store; the store does semantics. Implement :class:`MessageStore`; when the spec grows, a type
checker names the methods to add. A store signals a refusal by raising :class:`StoreError` with an
NMS exception id and one value per %N of its text (the server answers with a ``requestError`` and the
exception's HTTP status).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from . import models

# what a store returns besides NMS models is static runtime, re-exported here as part of the store interface
from ._runtime.values import Answer as Answer  # noqa: PLC0414
from ._runtime.values import Payload as Payload  # noqa: PLC0414

# fmt: off
# The clauses this module realises, by operationId (its MessageStore method) and by exception id (EXCEPTIONS).
CLAUSES: dict[str, tuple[str, ...]] = {
    "CreateObject": ("OMA-NMS-6.1", "24.282-21.1-CR3", "23.282-7.13.1-R4", "23.282-7.13.1-R5", "23.282-7.13.3.8-R1", "23.282-7.13.3.16-R1"),
    "GetObject": ("OMA-NMS-6.2", "24.282-21.1-CR3", "23.282-7.13.1-R4", "23.282-7.13-R1"),
    "DeleteObject": ("OMA-NMS-6.2", "24.282-21.1-CR3", "23.282-7.13.1-R4", "OMA-NMS-5.1.4"),
    "GetObjectFlags": ("OMA-NMS-6.3", "24.282-21.1-CR3", "23.282-7.13.1-R4"),
    "ReplaceObjectFlags": ("OMA-NMS-6.3", "24.282-21.1-CR3", "23.282-7.13.1-R4", "OMA-NMS-5.1.4"),
    "GetObjectFlag": ("OMA-NMS-6.4", "24.282-21.1-CR3", "23.282-7.13.1-R4"),
    "SetObjectFlag": ("OMA-NMS-6.4", "24.282-21.1-CR3", "23.282-7.13.1-R4", "OMA-NMS-5.1.4"),
    "DeleteObjectFlag": ("OMA-NMS-6.4", "24.282-21.1-CR3", "23.282-7.13.1-R4", "OMA-NMS-5.1.4"),
    "GetObjectPayload": ("OMA-NMS-6.5", "24.282-21.1-CR3", "23.282-7.13.1-R4"),
    "GetObjectPayloadPart": ("OMA-NMS-6.6", "24.282-21.1-CR3", "23.282-7.13.1-R4"),
    "SearchObjects": ("OMA-NMS-6.7", "24.282-21.1-CR3", "23.282-7.13.1-R4", "OMA-NMS-5.1.10", "23.282-7.13-R5"),
    "GetObjectIdByPath": ("OMA-NMS-6.8", "24.282-21.1-CR3", "23.282-7.13.1-R4"),
    "GetObjectIdsByPaths": ("OMA-NMS-6.8", "24.282-21.1-CR3", "23.282-7.13.1-R4"),
    "BulkCreateObjects": ("OMA-NMS-6.9", "24.282-21.1-CR3", "23.282-7.13.1-R4", "23.282-7.13.1-R5", "23.282-7.13.3.8-R1", "23.282-7.13.3.16-R1"),
    "CreateFolder": ("OMA-NMS-6.10", "24.282-21.1-CR3", "23.282-7.13.1-R4", "23.282-7.13.1-R5", "23.282-7.13.3.16-R1", "OMA-NMS-5.1.4"),
    "GetFolder": ("OMA-NMS-6.11", "24.282-21.1-CR3", "23.282-7.13.1-R4", "OMA-NMS-5.1.10"),
    "DeleteFolder": ("OMA-NMS-6.11", "24.282-21.1-CR3", "23.282-7.13.1-R4", "OMA-NMS-5.1.4"),
    "GetFolderName": ("OMA-NMS-6.12", "24.282-21.1-CR3", "23.282-7.13.1-R4"),
    "RenameFolder": ("OMA-NMS-6.12", "24.282-21.1-CR3", "23.282-7.13.1-R4", "OMA-NMS-5.1.4"),
    "SearchFolders": ("OMA-NMS-6.13", "24.282-21.1-CR3", "23.282-7.13.1-R4", "OMA-NMS-5.1.10"),
    "GetFolderIdByPath": ("OMA-NMS-6.14", "24.282-21.1-CR3", "23.282-7.13.1-R4", "23.282-7.13.1-R5"),
    "GetFolderIdsByPaths": ("OMA-NMS-6.14", "24.282-21.1-CR3", "23.282-7.13.1-R4", "23.282-7.13.1-R5"),
    "CopyToFolder": ("OMA-NMS-6.15", "24.282-21.1-CR3", "23.282-7.13.1-R4"),
    "MoveToFolder": ("OMA-NMS-6.16", "24.282-21.1-CR3", "23.282-7.13.1-R4", "OMA-NMS-5.1.4"),
    "ListSubscriptions": ("OMA-NMS-6.17", "24.282-21.1-CR3", "23.282-7.13.1-R4", "OMA-NMS-5.1.4", "23.282-7.13-R5"),
    "CreateSubscription": ("OMA-NMS-6.17", "24.282-21.1-CR3", "23.282-7.13.1-R4", "OMA-NMS-5.1.4"),
    "GetSubscription": ("OMA-NMS-6.18", "24.282-21.1-CR3", "23.282-7.13.1-R4", "OMA-NMS-5.1.4"),
    "UpdateSubscription": ("OMA-NMS-6.18", "24.282-21.1-CR3", "23.282-7.13.1-R4", "OMA-NMS-5.1.4"),
    "DeleteSubscription": ("OMA-NMS-6.18", "24.282-21.1-CR3", "23.282-7.13.1-R4", "OMA-NMS-5.1.4"),
    "BulkUpdateObjects": ("OMA-NMS-LATER-bulkUpdate", "24.282-21.1-CR3", "23.282-7.13.1-R4", "OMA-NMS-5.1.4"),
    "BulkDeleteObjects": ("OMA-NMS-LATER-bulkDelete", "24.282-21.1-CR3", "23.282-7.13.1-R4", "OMA-NMS-5.1.4"),
    "SVC1009": ("OMA-NMS-7",),
    "POL1030": ("OMA-NMS-7",),
    "POL1031": ("OMA-NMS-7",),
    "SVC0001": ("OMA-COMMON-Exceptions", "OMA-COMMON-ServiceException"),
    "SVC0002": ("OMA-COMMON-Exceptions", "OMA-COMMON-ServiceException"),
    "SVC0003": ("OMA-COMMON-Exceptions", "OMA-COMMON-ServiceException"),
    "SVC0004": ("OMA-COMMON-Exceptions", "OMA-COMMON-ServiceException"),
    "SVC0005": ("OMA-COMMON-Exceptions", "OMA-COMMON-ServiceException"),
    "SVC0006": ("OMA-COMMON-Exceptions", "OMA-COMMON-ServiceException"),
    "SVC0007": ("OMA-COMMON-Exceptions", "OMA-COMMON-ServiceException"),
    "SVC0008": ("OMA-COMMON-Exceptions", "OMA-COMMON-ServiceException"),
    "SVC2000": ("OMA-COMMON-Exceptions", "OMA-COMMON-ServiceException"),
    "SVC2001": ("OMA-COMMON-Exceptions", "OMA-COMMON-ServiceException"),
    "SVC2002": ("OMA-COMMON-Exceptions", "OMA-COMMON-ServiceException"),
    "SVC2003": ("OMA-COMMON-Exceptions", "OMA-COMMON-ServiceException", "RFC6750-3.1-R2"),
    "SVC2008": ("OMA-COMMON-Exceptions", "OMA-COMMON-ServiceException"),
    "POL0001": ("OMA-COMMON-Exceptions", "OMA-COMMON-PolicyException"),
    "POL0002": ("OMA-COMMON-Exceptions", "OMA-COMMON-PolicyException"),
    "POL0003": ("OMA-COMMON-Exceptions", "OMA-COMMON-PolicyException"),
    "POL0004": ("OMA-COMMON-Exceptions", "OMA-COMMON-PolicyException"),
    "POL0006": ("OMA-COMMON-Exceptions", "OMA-COMMON-PolicyException"),
    "POL0007": ("OMA-COMMON-Exceptions", "OMA-COMMON-PolicyException"),
    "POL0008": ("OMA-COMMON-Exceptions", "OMA-COMMON-PolicyException"),
    "POL0009": ("OMA-COMMON-Exceptions", "OMA-COMMON-PolicyException"),
    "POL0010": ("OMA-COMMON-Exceptions", "OMA-COMMON-PolicyException"),
    "POL0011": ("OMA-COMMON-Exceptions", "OMA-COMMON-PolicyException"),
    "POL0012": ("OMA-COMMON-Exceptions", "OMA-COMMON-PolicyException"),
    "POL0013": ("OMA-COMMON-Exceptions", "OMA-COMMON-PolicyException"),
}
# fmt: on


@dataclass(frozen=True)
class Context:
    """Who calls, on which box, as the server established it before calling the store."""

    store_name: str
    box_id: str  # the boxId path variable, percent-decoded once
    interface: str  # MCData-7 or MCData-8
    subject: str  # the caller: the MCData ID (MCData-7) or the client id (MCData-8)
    box_url: str  # absolute URL of the box, for building resourceURLs: https://host/nms/v1/{storeName}/{boxId}


@dataclass
class StoreError(Exception):
    """A refusal: the NMS exception id, one value per %1, %2, ... of its text, and links (e.g. rel "folder")."""

    exception_id: str
    variables: list[str] = field(default_factory=list)
    status: int | None = None  # default: the exception's HTTP status from the model
    links: list[tuple[str, str]] = field(default_factory=list)  # (rel, href)

    def __post_init__(self) -> None:
        known = EXCEPTIONS.get(self.exception_id)
        if known is not None and len(self.variables) != placeholders(known.text):
            raise ValueError(
                f"{self.exception_id} {known.text!r} takes {placeholders(known.text)} variable(s), "
                f"not {len(self.variables)}"
            )

    def __str__(self) -> str:
        return f"{self.exception_id} {self.variables}"


class ExceptionEntry(NamedTuple):
    """An NMS exception of the model (spec/exceptions.yaml)."""

    kind: str  # "service" (ServiceException) or "policy" (PolicyException)
    text: str  # with %1, %2, ... for its variables
    status: int  # the HTTP status it is answered with


EXCEPTIONS: dict[str, ExceptionEntry] = {
    "SVC1009": ExceptionEntry(
        "service",
        "Folder's path is missing. When more than one root folder exists, folder's path must be provided.",
        400,
    ),
    "POL1030": ExceptionEntry("policy", "Renaming this folder is not allowed.", 403),
    "POL1031": ExceptionEntry("policy", "Attempt to create objects or folders under %1 is prohibited", 403),
    "SVC0001": ExceptionEntry("service", "A service error occurred. Error code is %1", 400),
    "SVC0002": ExceptionEntry("service", "Invalid input value for message part %1", 400),
    "SVC0003": ExceptionEntry("service", "Invalid input value for message part %1, valid values are %2", 400),
    "SVC0004": ExceptionEntry("service", "No valid addresses provided in message part %1", 404),
    "SVC0005": ExceptionEntry("service", "Correlator %1 specified in message part %2 is a duplicate", 409),
    "SVC0006": ExceptionEntry("service", "Group %1 in message part %2 is not a valid group", 400),
    "SVC0007": ExceptionEntry("service", "Invalid charging information", 400),
    "SVC0008": ExceptionEntry("service", "Overlapped criteria %1", 400),
    "SVC2000": ExceptionEntry("service", "Service error with description", 400),
    "SVC2001": ExceptionEntry("service", "No server resources available to process the request", 503),
    "SVC2002": ExceptionEntry("service", "Requested information not available", 404),
    "SVC2003": ExceptionEntry("service", "Invalid access token", 401),
    "SVC2008": ExceptionEntry("service", "Unknown %1 %2", 404),
    "POL0001": ExceptionEntry("policy", "A policy error occurred. Error code is %1", 403),
    "POL0002": ExceptionEntry("policy", "Privacy verification failed for address %1, request is refused", 403),
    "POL0003": ExceptionEntry("policy", "Too many addresses specified in message part %1", 403),
    "POL0004": ExceptionEntry("policy", "Unlimited notification request not supported", 403),
    "POL0006": ExceptionEntry("policy", "Group specified in message part %1 not allowed", 403),
    "POL0007": ExceptionEntry("policy", "Nested groups specified in message part %1 not allowed", 403),
    "POL0008": ExceptionEntry("policy", "Charging is not supported", 403),
    "POL0009": ExceptionEntry("policy", "Invalid frequency requested", 403),
    "POL0010": ExceptionEntry(
        "policy", "Requested information unavailable as the retention time interval has expired", 404
    ),
    "POL0011": ExceptionEntry("policy", "Media type not supported", 403),
    "POL0012": ExceptionEntry("policy", "Too many description entries specified in message part %1", 403),
    "POL0013": ExceptionEntry("policy", "Duplicated addresses %1", 400),
}
MAX_TEXT = 1024  # the model's limit for ServiceException/PolicyException text and variables
MAX_VARIABLE = 256  # a variable echoed into an answer is clipped to this many characters
MAX_HREF = 2048


def placeholders(text: str) -> int:
    """How many variables an exception's text takes: its highest %N."""
    return max((int(n) for n in re.findall(r"%(\d+)", text)), default=0)


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "\u2026"


def request_error(
    exception_id: str, variables: Sequence[str] = (), links: Sequence[tuple[str, str]] = (), *, expand: bool = True
) -> models.RequestError:
    """A valid requestError for an exception of the model: values echoed from the request are clipped to the
    model's limits and over-long links left out, so an error answer always matches the document.
    ``expand`` substitutes %1, %2, ... in the text (bulk answer items keep the placeholders, as TS14 App. D)."""
    kind, text, _ = EXCEPTIONS[exception_id]
    values = [_clip(v, MAX_VARIABLE) for v in variables]
    if expand:
        for i, value in enumerate(values, 1):
            text = text.replace(f"%{i}", value)
    detail: dict[str, object] = {"messageId": exception_id, "text": _clip(text, MAX_TEXT)}
    if values:
        detail["variables"] = values
    error: dict[str, object] = {}
    kept = [{"rel": rel, "href": href} for rel, href in links if len(href) <= MAX_HREF]
    if kept:
        error["link"] = kept
    error["serviceException" if kind == "service" else "policyException"] = detail
    return models.RequestError.model_validate(error)


class MessageStore(Protocol):
    def create_object(
        self, ctx: Context, body: models.Object, attachments: Payload | None
    ) -> models.Reference | models.Object:
        """Create (store) an object with its payload. (POST /nms/v1/{storeName}/{boxId}/objects; CreateObject).

        Outcomes: 201 Reference or Object.
        """
        ...

    def get_object(self, ctx: Context, object_id: str) -> models.Object:
        """Retrieve a stored object. (GET /nms/v1/{storeName}/{boxId}/objects/{objectId}; GetObject).

        Outcomes: 200 Object.
        """
        ...

    def delete_object(self, ctx: Context, object_id: str) -> None:
        """Delete a stored object. (DELETE /nms/v1/{storeName}/{boxId}/objects/{objectId}; DeleteObject).

        Outcomes: 204.
        """
        ...

    def get_object_flags(self, ctx: Context, object_id: str) -> models.FlagList:
        """Retrieve the flags of a stored object. (GET /nms/v1/{storeName}/{boxId}/objects/{objectId}/flags; GetObjectFlags).

        Outcomes: 200 FlagList.
        """
        ...

    def replace_object_flags(self, ctx: Context, object_id: str, body: models.FlagList) -> models.FlagList:
        """Create or update the flags of a stored object. (PUT /nms/v1/{storeName}/{boxId}/objects/{objectId}/flags; ReplaceObjectFlags).

        Outcomes: 200 FlagList.
        """
        ...

    def get_object_flag(self, ctx: Context, object_id: str, flag_name: str) -> Answer:
        """Test whether a flag is set on a stored object. (GET /nms/v1/{storeName}/{boxId}/objects/{objectId}/flags/{flagName}; GetObjectFlag).

        Outcomes: 204; 404 Empty.
        """
        ...

    def set_object_flag(self, ctx: Context, object_id: str, flag_name: str) -> Answer:
        """Set a flag on a stored object. (PUT /nms/v1/{storeName}/{boxId}/objects/{objectId}/flags/{flagName}; SetObjectFlag).

        Outcomes: 201 Empty; 204.
        """
        ...

    def delete_object_flag(self, ctx: Context, object_id: str, flag_name: str) -> Answer:
        """Clear a flag of a stored object. (DELETE /nms/v1/{storeName}/{boxId}/objects/{objectId}/flags/{flagName}; DeleteObjectFlag).

        Outcomes: 204; 404 Empty.
        """
        ...

    def get_object_payload(self, ctx: Context, object_id: str) -> Payload:
        """Download the payload of a stored object. (GET /nms/v1/{storeName}/{boxId}/objects/{objectId}/payload; GetObjectPayload).

        Outcomes: 200 payload.
        """
        ...

    def get_object_payload_part(self, ctx: Context, object_id: str, payload_part_id: str) -> Payload:
        """Download one payload part of a stored object. (GET /nms/v1/{storeName}/{boxId}/objects/{objectId}/payloadParts/{payloadPartId}; GetObjectPayloadPart).

        Outcomes: 200 payload.
        """
        ...

    def search_objects(
        self, ctx: Context, body: models.SelectionCriteria
    ) -> models.ObjectList | models.ObjectReferenceList:
        """Search stored objects. (POST /nms/v1/{storeName}/{boxId}/objects/operations/search; SearchObjects).

        Outcomes: 200 ObjectList or ObjectReferenceList.
        """
        ...

    def get_object_id_by_path(self, ctx: Context, path: str) -> models.Reference:
        """Resolve one object path to its resource URL. (GET /nms/v1/{storeName}/{boxId}/objects/operations/pathToId; GetObjectIdByPath).

        Outcomes: 200 Reference.
        """
        ...

    def get_object_ids_by_paths(self, ctx: Context, body: models.PathList) -> models.BulkResponseList:
        """Resolve several object paths to their resource URLs. (POST /nms/v1/{storeName}/{boxId}/objects/operations/pathToId; GetObjectIdsByPaths).

        Outcomes: 200 BulkResponseList.
        """
        ...

    def bulk_create_objects(
        self, ctx: Context, body: models.ObjectList, attachments: list[Payload | None]
    ) -> models.BulkResponseList:
        """Create (store) several objects in one request. (POST /nms/v1/{storeName}/{boxId}/objects/operations/bulkCreation; BulkCreateObjects).

        Outcomes: 200 BulkResponseList.
        """
        ...

    def create_folder(self, ctx: Context, body: models.Folder) -> models.Reference | models.Folder:
        """Create a folder. (POST /nms/v1/{storeName}/{boxId}/folders; CreateFolder).

        Outcomes: 201 Reference or Folder.
        """
        ...

    def get_folder(
        self,
        ctx: Context,
        folder_id: str,
        from_cursor: str | None,
        max_entries: int | None,
        list_filter: models.ListFilterEnum | None,
        path: models.YesEnum | None,
        attr_filter: list[str],
    ) -> models.Folder:
        """Retrieve a folder, optionally with its subfolders and objects. (GET /nms/v1/{storeName}/{boxId}/folders/{folderId}; GetFolder).

        Outcomes: 200 Folder.
        """
        ...

    def delete_folder(self, ctx: Context, folder_id: str) -> None:
        """Delete a folder and everything in it. (DELETE /nms/v1/{storeName}/{boxId}/folders/{folderId}; DeleteFolder).

        Outcomes: 204.
        """
        ...

    def get_folder_name(self, ctx: Context, folder_id: str) -> models.FolderName:
        """Retrieve the name of a folder. (GET /nms/v1/{storeName}/{boxId}/folders/{folderId}/folderName; GetFolderName).

        Outcomes: 200 FolderName.
        """
        ...

    def rename_folder(self, ctx: Context, folder_id: str, body: models.FolderName) -> models.FolderName:
        """Rename a folder. (PUT /nms/v1/{storeName}/{boxId}/folders/{folderId}/folderName; RenameFolder).

        Outcomes: 200 FolderName.
        """
        ...

    def search_folders(
        self, ctx: Context, body: models.SelectionCriteria
    ) -> models.FolderList | models.FolderReferenceList:
        """Search folders. (POST /nms/v1/{storeName}/{boxId}/folders/operations/search; SearchFolders).

        Outcomes: 200 FolderList or FolderReferenceList.
        """
        ...

    def get_folder_id_by_path(self, ctx: Context, path: str | None) -> models.Reference:
        """Resolve one folder path (or the root folder) to its resource URL. (GET /nms/v1/{storeName}/{boxId}/folders/operations/pathToId; GetFolderIdByPath).

        Outcomes: 200 Reference.
        """
        ...

    def get_folder_ids_by_paths(self, ctx: Context, body: models.PathList) -> models.BulkResponseList:
        """Resolve several folder paths to their resource URLs. (POST /nms/v1/{storeName}/{boxId}/folders/operations/pathToId; GetFolderIdsByPaths).

        Outcomes: 200 BulkResponseList.
        """
        ...

    def copy_to_folder(self, ctx: Context, body: models.TargetSourceRef) -> models.BulkResponseList:
        """Copy objects and folders into a folder. (POST /nms/v1/{storeName}/{boxId}/folders/operations/copyToFolder; CopyToFolder).

        Outcomes: 200 BulkResponseList.
        """
        ...

    def move_to_folder(self, ctx: Context, body: models.TargetSourceRef) -> models.BulkResponseList:
        """Move objects and folders into a folder. (POST /nms/v1/{storeName}/{boxId}/folders/operations/moveToFolder; MoveToFolder).

        Outcomes: 200 BulkResponseList.
        """
        ...

    def list_subscriptions(self, ctx: Context) -> models.NmsSubscriptionList:
        """List the subscriptions of the box. (GET /nms/v1/{storeName}/{boxId}/subscriptions; ListSubscriptions).

        Outcomes: 200 NmsSubscriptionList.
        """
        ...

    def create_subscription(self, ctx: Context, body: models.NmsSubscription) -> models.NmsSubscription:
        """Subscribe to notifications about changes in the box. (POST /nms/v1/{storeName}/{boxId}/subscriptions; CreateSubscription).

        Outcomes: 201 NmsSubscription.
        """
        ...

    def get_subscription(self, ctx: Context, subscription_id: str) -> models.NmsSubscription:
        """Retrieve a subscription. (GET /nms/v1/{storeName}/{boxId}/subscriptions/{subscriptionId}; GetSubscription).

        Outcomes: 200 NmsSubscription.
        """
        ...

    def update_subscription(
        self, ctx: Context, subscription_id: str, body: models.NmsSubscriptionUpdate
    ) -> models.NmsSubscription:
        """Extend or restart a subscription. (POST /nms/v1/{storeName}/{boxId}/subscriptions/{subscriptionId}; UpdateSubscription).

        Outcomes: 200 NmsSubscription.
        """
        ...

    def delete_subscription(self, ctx: Context, subscription_id: str) -> None:
        """End a subscription. (DELETE /nms/v1/{storeName}/{boxId}/subscriptions/{subscriptionId}; DeleteSubscription).

        Outcomes: 204.
        """
        ...

    def bulk_update_objects(self, ctx: Context, body: models.BulkUpdate) -> models.BulkResponseList:
        """Add or remove a flag on several objects. (POST /nms/v1/{storeName}/{boxId}/objects/operations/bulkUpdate; BulkUpdateObjects).

        Outcomes: 200 BulkResponseList.
        """
        ...

    def bulk_delete_objects(self, ctx: Context, body: models.BulkDelete) -> models.BulkResponseList:
        """Delete several objects. (DELETE /nms/v1/{storeName}/{boxId}/objects/operations/bulkDelete; BulkDeleteObjects).

        Outcomes: 200 BulkResponseList.
        """
        ...
