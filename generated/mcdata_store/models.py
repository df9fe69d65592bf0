# generated from spec/ by nmsgen - do not edit
# pydantic v2 models of the NMS types, made by datamodel-code-generator.

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field, RootModel

from mcdata_store._base import NmsEnum, NmsModel


class ValueItem(RootModel[str]):
    root: Annotated[str, Field(max_length=65536)]


class Attribute(NmsModel):
    """
    A named attribute of an object or folder with zero or more values. Names are case-insensitive; values are case-sensitive unless stated otherwise, unencoded Unicode (RFC 2047 encoding removed), and their order SHOULD be preserved.

    Clauses: OMA-NMS-5.3.2.5, OMA-NMS-App.I, OMA-NMS-App.J.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    name: Annotated[
        str,
        Field(
            description="Attribute name (case-insensitive), e.g. Date, From, To, Subject, TextContent, Root, Name.",
            max_length=1024,
        ),
    ]
    value: Annotated[
        list[ValueItem] | None,
        Field(
            description="The attribute's values, in order. Long values are plausible (TextContent carries inline message text).",
            max_length=1000,
        ),
    ] = None


class AttributeList(NmsModel):
    """
    A list of attributes of an object or folder. No JSON root element.

    Clauses: OMA-NMS-5.3.2.6, OMA-COMMON-JSON.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    attribute: Annotated[list[Attribute] | None, Field(description="The attributes.", max_length=1000)] = None


class ChangedFolder(NmsModel):
    """
    A new or changed folder - its full mutable state (parent folder and name) with its resource URL.

    Clauses: OMA-NMS-5.3.2.28, OMA-NMS-5.1.4.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    parentFolder: Annotated[str, Field(description="Resource URL of the parent folder.", max_length=2048)]
    resourceURL: Annotated[str, Field(description="Resource URL of the folder.", max_length=2048)]
    name: Annotated[str, Field(description="The folder's current name.", max_length=1024, pattern="^[^/]*$")]
    lastModSeq: Annotated[
        int | None,
        Field(
            description="Modification sequence of the folder after the change.\n\nClauses: OMA-NMS-5.1.4.",
            ge=0,
            le=9223372036854775807,
        ),
    ] = None


class DeletedFolder(NmsModel):
    """
    A deleted or expired folder (user deletion vs expiry is told by the NmsEvent member).

    Clauses: OMA-NMS-5.3.2.26, OMA-NMS-5.1.4.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    resourceURL: Annotated[str, Field(description="Resource URL of the deleted folder.", max_length=2048)]
    lastModSeq: Annotated[
        int | None,
        Field(
            description="Modification sequence of the deletion.\n\nClauses: OMA-NMS-5.1.4.",
            ge=0,
            le=9223372036854775807,
        ),
    ] = None


class DeletedObject(NmsModel):
    """
    A deleted or expired object (user deletion vs expiry is told by the NmsEvent member).

    Clauses: OMA-NMS-5.3.2.25, OMA-NMS-5.1.4.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    resourceURL: Annotated[str, Field(description="Resource URL of the deleted object.", max_length=2048)]
    lastModSeq: Annotated[
        int | None,
        Field(
            description="Modification sequence of the deletion.\n\nClauses: OMA-NMS-5.1.4.",
            ge=0,
            le=9223372036854775807,
        ),
    ] = None
    correlationId: Annotated[str | None, Field(description="The object's correlationId.", max_length=1024)] = None
    correlationTag: Annotated[str | None, Field(description="The object's correlationTag.", max_length=1024)] = None


class Empty(RootModel[dict[str, Any]]):
    """
    A dummy body without content, e.g. the answer of the individual-flag operations. Encoded as {"empty": null}. JSON root element `empty`.

    Clauses: OMA-NMS-5.3.2.33, OMA-COMMON-JSON.

    Encoded as JSON null (an empty XML element).
    """

    root: Annotated[dict[str, Any], Field(max_length=0)]


class EmptyBody(NmsModel):
    """
    The JSON body carrying a Empty in its root element `empty` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.33.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"x-nmsgen-nullable": ["empty"]},
    )
    empty: Empty | None


class Flag(RootModel[str]):
    root: Annotated[
        str,
        Field(
            description='A flag name (e.g. \\Seen, $MDNSent). Flag names are case-insensitive; duplicates are ignored and the order is not preserved. In JSON the backslash is escaped ("\\\\Seen"). JSON root element `flag`.\n\nClauses: OMA-NMS-5.3.2.3, OMA-NMS-App.H, OMA-COMMON-JSON.',
            max_length=256,
            pattern="^[^\\x00-\\x1F\\x7F]+$",
        ),
    ]


class FlagList(NmsModel):
    """
    The flags of an object, with the object's flags resource URL in responses. JSON root element `flagList`. Also used in ChangedObject and BulkUpdate.

    Clauses: OMA-NMS-5.3.2.4, OMA-NMS-App.H, OMA-COMMON-JSON.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    flag: Annotated[
        list[Flag] | None,
        Field(
            description="The flags; case-insensitive names, duplicates ignored, order not preserved.", max_length=1000
        ),
    ] = None
    resourceURL: Annotated[
        str | None,
        Field(
            description="Self-referring URL of the flags resource; same rules as Object.resourceURL.", max_length=2048
        ),
    ] = None


class FlagListBody(NmsModel):
    """
    The JSON body carrying a FlagList in its root element `flagList` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.4.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    flagList: FlagList


class FolderName(RootModel[str]):
    root: Annotated[
        str,
        Field(
            description='The folderName light-weight resource (/folders/{folderId}/folderName): the folder\'s name as a string with JSON root element `name`, e.g. {"name": "Work"}. MUST NOT contain "/".\n\nClauses: OMA-NMS-6.12, OMA-NMS-5.3.2.8, OMA-COMMON-JSON.',
            max_length=1024,
            pattern="^[^/]*$",
        ),
    ]


class FolderNameBody(NmsModel):
    """
    The JSON body carrying a FolderName in its root element `name` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-6.12.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    name: FolderName


class FolderNameRequest(RootModel[str]):
    root: Annotated[
        str,
        Field(
            description='FolderName as a request must carry it: the server refuses a request that breaks these constraints, which answers (schema FolderName) need not meet.\n\nThe folderName light-weight resource (/folders/{folderId}/folderName): the folder\'s name as a string with JSON root element `name`, e.g. {"name": "Work"}. MUST NOT contain "/".\n\nClauses: OMA-NMS-6.12, OMA-NMS-5.3.2.8, OMA-COMMON-JSON.',
            max_length=1024,
            pattern="^[^/]+$",
        ),
    ]


class FolderNameRequestBody(NmsModel):
    """
    The JSON body carrying a FolderName as requests must carry it, in its root element `name` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-6.12.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    name: FolderNameRequest


class Link(NmsModel):
    """
    A typed link to a related resource. In XML rel and href are attributes; in JSON ordinary members {"rel": ..., "href": ...}.

    Clauses: OMA-COMMON-Link, OMA-COMMON-JSON.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    rel: Annotated[
        str, Field(description='The relation, e.g. "folder" or "nmsSubscription" (TS14 §5.3.4).', max_length=1024)
    ]
    href: Annotated[str, Field(description="URL of the related resource.", max_length=2048)]


class ListFilterEnum(NmsEnum):
    """
    Values of the listFilter query parameter of GET /folders/{folderId}: which child lists the response includes (absent = neither subFolders nor objects).

    - `Subfolders`: Include only subFolders.
    - `Objects`: Include only objects.
    - `All`: Include both subFolders and objects.

    Clauses: OMA-NMS-6.11.
    """

    Subfolders = "Subfolders"
    Objects = "Objects"
    All = "All"


class LogicalOperatorEnum(NmsEnum):
    """
    How the criteria of a SearchCriteria are combined (absent = And).

    - `And`: All criteria must match.
    - `Or`: At least one criterion must match.
    - `Not`: The criterion must not match; with more than one criterion NOT(c1 AND ... AND cN).

    Clauses: OMA-NMS-5.3.3.2.
    """

    And = "And"
    Or = "Or"
    Not = "Not"


class NmsSubscriptionUpdate(NmsModel):
    """
    Request to extend a subscription and/or restart its notifications from a restart token. Allowed only while the subscription has not timed out; does not reset index. JSON root element `nmsSubscriptionUpdate`.

    Clauses: OMA-NMS-5.3.2.22, OMA-NMS-5.1.4.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    duration: Annotated[
        int | None,
        Field(description="New requested validity in seconds; 0 or absent = server policy.", ge=0, le=4294967295),
    ] = None
    restartToken: Annotated[
        str | None,
        Field(
            description="Restart notifications from this point (the token received before a detected gap).\n\nClauses: OMA-NMS-5.1.4.",
            max_length=1024,
        ),
    ] = None


class NmsSubscriptionUpdateBody(NmsModel):
    """
    The JSON body carrying a NmsSubscriptionUpdate in its root element `nmsSubscriptionUpdate` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.22.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    nmsSubscriptionUpdate: NmsSubscriptionUpdate


class NotificationFormat(NmsEnum):
    """
    Format of the notification bodies of a subscription (REST_NetAPI_Common).

    - `XML`: Notifications are sent as XML.
    - `JSON`: Notifications are sent as JSON.

    Clauses: OMA-COMMON-NotificationFormat.
    """

    XML = "XML"
    JSON = "JSON"


class OperationEnum(NmsEnum):
    """
    Flag operation of a bulkUpdate request (later NMS version, implementations only).

    - `AddFlag`: Add the given flags to each object.
    - `RemoveFlag`: Remove the given flags from each object.

    Clauses: OMA-NMS-LATER-bulkUpdate.
    """

    AddFlag = "AddFlag"
    RemoveFlag = "RemoveFlag"


class PathItem(RootModel[str]):
    root: Annotated[str, Field(max_length=4096)]


class PathList(NmsModel):
    """
    Request of the bulk pathToId operations (objects and folders): the paths to resolve. JSON root element `pathList`.

    Clauses: OMA-NMS-5.3.2.30, OMA-COMMON-JSON.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    path: Annotated[
        list[PathItem],
        Field(
            description="The object or folder paths; always a JSON array, even with one path.",
            max_length=1000,
            min_length=1,
        ),
    ]


class PathListBody(NmsModel):
    """
    The JSON body carrying a PathList in its root element `pathList` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.30.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    pathList: PathList


class PayloadPartInfo(NmsModel):
    """
    Information about one first-level part of a multipart object payload: content type, Content-ID, Content-Location, approximate size and the URL where the part can be fetched.

    Clauses: OMA-NMS-5.3.2.7.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    contentType: Annotated[str, Field(description="Media type of the part (Content-Type).", max_length=1024)]
    contentId: Annotated[
        str | None, Field(description="Content-ID of the part, without angle brackets.", max_length=1024)
    ] = None
    contentLocation: Annotated[str | None, Field(description="Content-Location of the part.", max_length=2048)] = None
    size: Annotated[
        int | None, Field(description="Size of the part in bytes; MAY be approximate.", ge=0, le=9223372036854775807)
    ] = None
    href: Annotated[
        str,
        Field(
            description="URL of the part content (inside the NMS tree /objects/{objectId}/payloadParts/{payloadPartId}, or any URL chosen by the server).",
            max_length=2048,
        ),
    ]


class Variable(RootModel[str]):
    root: Annotated[str, Field(max_length=1024)]


class PolicyException(NmsModel):
    """
    A policy exception: message id (POLnnnn), text with %1, %2 placeholders and the values of the variables.

    Clauses: OMA-COMMON-PolicyException.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    messageId: Annotated[
        str, Field(description="The exception id, e.g. POL1031.", max_length=1024, pattern="^POL[0-9]{4}$")
    ]
    text: Annotated[str, Field(description="The exception text with %1, %2, ... placeholders.", max_length=1024)]
    variables: Annotated[
        list[Variable] | None, Field(description="The values replacing %1, %2, ... in text, in order.", max_length=1000)
    ] = None


class Reference(NmsModel):
    """
    A reference to an object or folder: its resource URL and, optionally, its path. Answer of object and folder creation and of pathToId GET; JSON root element `reference`.

    Clauses: OMA-NMS-5.3.2.11, OMA-COMMON-JSON.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"x-nmsgen-nullable": ["path"]},
    )
    resourceURL: Annotated[str, Field(description="Resource URL of the referenced object or folder.", max_length=2048)]
    path: Annotated[
        str | None,
        Field(
            description="Path of the referenced object or folder; null for a root folder (empty path element).",
            max_length=4096,
        ),
    ] = None


class ReferenceBody(NmsModel):
    """
    The JSON body carrying a Reference in its root element `reference` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.11.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    reference: Reference


class ResetBox(RootModel[dict[str, Any]]):
    """
    The box was reset (comparable to an IMAP UIDVALIDITY change). An empty type in this version: encoded as null ("resetBox": null).

    Clauses: OMA-NMS-5.3.2.29, OMA-NMS-5.1.4, OMA-COMMON-JSON.

    Encoded as JSON null (an empty XML element).
    """

    root: Annotated[dict[str, Any], Field(max_length=0)]


class SearchTypeEnum(NmsEnum):
    """
    Kind of a search criterion (object search, folder search, subscription filter). The TS14 list, with PresetSearch and without Conversation.

    - `Date`: NMS internal date; value "minDate={d}" (inclusive), "maxDate={d}" (exclusive) or both joined by "&".
    - `Attribute`: Attribute named by `name` equals `value` (To excludes Cc/Bcc).
    - `AllTextAttributes`: Case-insensitive substring of `value` in any searchable text attribute.
    - `Flag`: Flag named by `name` is set ("true", the default) or not set ("false").
    - `WholeWord`: Whole-word full-text search over text attributes and textual payload parts.
    - `VanishedObjects`: Deleted or expired objects; value ""; cannot be negated or combined; answered with ObjectReferenceList.
    - `CreatedObjects`: Objects created since the creationCursor in `value` ("" = all existing objects).
    - `PresetSearch`: A server-defined preset search named by `name`, with `value` as its argument string ("" = none).

    Clauses: OMA-NMS-5.3.3.1, OMA-NMS-6.7.
    """

    Date = "Date"
    Attribute = "Attribute"
    AllTextAttributes = "AllTextAttributes"
    Flag = "Flag"
    WholeWord = "WholeWord"
    VanishedObjects = "VanishedObjects"
    CreatedObjects = "CreatedObjects"
    PresetSearch = "PresetSearch"


class ServiceException(NmsModel):
    """
    A service exception: message id (SVCnnnn), text with %1, %2 placeholders and the values of the variables.

    Clauses: OMA-COMMON-ServiceException.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    messageId: Annotated[
        str, Field(description="The exception id, e.g. SVC0004.", max_length=1024, pattern="^SVC[0-9]{4}$")
    ]
    text: Annotated[str, Field(description="The exception text with %1, %2, ... placeholders.", max_length=1024)]
    variables: Annotated[
        list[Variable] | None, Field(description="The values replacing %1, %2, ... in text, in order.", max_length=1000)
    ] = None


class SortOrderEnum(NmsEnum):
    """
    Sort order of a sort criterion (absent = Descending).

    - `Ascending`: Smallest (oldest) first.
    - `Descending`: Largest (newest) first; the default.

    Clauses: OMA-NMS-5.3.3.4.
    """

    Ascending = "Ascending"
    Descending = "Descending"


class SortTypeEnum(NmsEnum):
    """
    What a sort criterion sorts by.

    - `Date`: The NMS internal date of the object.
    - `Attribute`: The value of the attribute named in the criterion.

    Clauses: OMA-NMS-5.3.3.3.
    """

    Date = "Date"
    Attribute = "Attribute"


class YesEnum(NmsEnum):
    """
    Value of the path query parameter of GET /folders/{folderId}: include the folder's path (absent = no path in the response).

    - `Yes`: Include the folder's path in the response.

    Clauses: OMA-NMS-6.11.
    """

    Yes = "Yes"


class CallbackReference(NmsModel):
    """
    Where and how the server delivers notifications of a subscription.

    Clauses: OMA-COMMON-CallbackReference, OMA-COMMON-NotificationFormat.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    notifyURL: Annotated[
        str,
        Field(
            description="The client-side notification URL, or the server-side URL of an OMA Notification Channel created beforehand.",
            max_length=2048,
        ),
    ]
    callbackData: Annotated[
        str | None, Field(description="Opaque data echoed in every NmsEventList of the subscription.", max_length=1024)
    ] = None
    notificationFormat: Annotated[
        NotificationFormat | None, Field(description="Format of the notification bodies (XML or JSON).")
    ] = None


class ChangedObject(NmsModel):
    """
    A new or changed object: its full mutable state (parent folder and flags) with its resource URL.

    Clauses: OMA-NMS-5.3.2.27, OMA-NMS-5.1.4.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    parentFolder: Annotated[
        str, Field(description="Resource URL of the folder now holding the object.", max_length=2048)
    ]
    flags: Annotated[FlagList, Field(description="The object's current flags.")]
    resourceURL: Annotated[str, Field(description="Resource URL of the object.", max_length=2048)]
    lastModSeq: Annotated[
        int | None,
        Field(
            description="Modification sequence of the object after the change.\n\nClauses: OMA-NMS-5.1.4.",
            ge=0,
            le=9223372036854775807,
        ),
    ] = None
    correlationId: Annotated[str | None, Field(description="The object's correlationId.", max_length=1024)] = None
    correlationTag: Annotated[str | None, Field(description="The object's correlationTag.", max_length=1024)] = None


class FolderReferenceList(NmsModel):
    """
    A list of folder references: subfolders of a folder, source folders of a copy/move, or the optional alternative answer of a folder search. JSON root element `folderReferenceList`.

    Clauses: OMA-NMS-5.3.2.10, OMA-COMMON-JSON.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    folderReference: Annotated[list[Reference] | None, Field(description="The folder references.", max_length=1000)] = (
        None
    )


class FolderReferenceListBody(NmsModel):
    """
    The JSON body carrying a FolderReferenceList in its root element `folderReferenceList` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.10.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    folderReferenceList: FolderReferenceList


class NmsEvent(NmsModel):
    """
    One storage event: exactly one of deletedObject, deletedFolder, expiredObject, expiredFolder, changedObject (also creation), changedFolder (also creation) or resetBox.

    Clauses: OMA-NMS-5.3.2.23, OMA-NMS-5.1.4, OMA-COMMON-JSON.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "x-nmsgen-choices": [
                {
                    "members": [
                        "deletedObject",
                        "deletedFolder",
                        "expiredObject",
                        "expiredFolder",
                        "changedObject",
                        "changedFolder",
                        "resetBox",
                    ],
                    "required": True,
                }
            ],
            "x-nmsgen-nullable": ["resetBox"],
        },
    )
    deletedObject: Annotated[DeletedObject | None, Field(description="An object deleted by the user.")] = None
    deletedFolder: Annotated[DeletedFolder | None, Field(description="A folder deleted by the user.")] = None
    expiredObject: Annotated[DeletedObject | None, Field(description="An object deleted because it expired.")] = None
    expiredFolder: Annotated[DeletedFolder | None, Field(description="A folder deleted because it expired.")] = None
    changedObject: Annotated[
        ChangedObject | None, Field(description="A new or changed object (creation is reported as changedObject).")
    ] = None
    changedFolder: Annotated[ChangedFolder | None, Field(description="A new or changed folder.")] = None
    resetBox: Annotated[
        ResetBox | None,
        Field(
            description="The box was reset: the client disposes of all object, folder and subscription references (except the notifying subscription) and re-reads the box. Encoded as null."
        ),
    ] = None


class NmsEventList(NmsModel):
    """
    Body of a storage-change notification POSTed to the client's notifyURL: the events, echoed callbackData, the notification index and the box restart token after these changes, and a link to the subscription. JSON root element `nmsEventList`.

    Clauses: OMA-NMS-5.3.2.24, OMA-NMS-5.1.4, OMA-NMS-5.3.4, OMA-COMMON-Link.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    nmsEvent: Annotated[
        list[NmsEvent] | None,
        Field(
            description="The events; each describes the resulting full mutable state of one object or folder.",
            max_length=1000,
        ),
    ] = None
    callbackData: Annotated[
        str | None, Field(description="Echo of callbackReference.callbackData of the subscription.", max_length=1024)
    ] = None
    index: Annotated[
        int | None,
        Field(
            description="Index of this notification: 1 for the first per subscription, +1 per NmsEventList. Servers supporting Strict Synchronization MUST provide it.\n\nClauses: OMA-NMS-5.1.4.",
            ge=0,
            le=9223372036854775807,
        ),
    ] = None
    restartToken: Annotated[
        str | None,
        Field(description="The box restart token after these changes.\n\nClauses: OMA-NMS-5.1.4.", max_length=1024),
    ] = None
    link: Annotated[
        list[Link] | None,
        Field(
            description="Links; the server SHOULD link to the subscription.\n\nClauses: OMA-NMS-5.3.4.", max_length=1000
        ),
    ] = None


class NmsEventListBody(NmsModel):
    """
    The JSON body carrying a NmsEventList in its root element `nmsEventList` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.24.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    nmsEventList: NmsEventList


class Object(NmsModel):
    """
    A stored object (message, file, ...) of a box: its parent folder, attributes, flags and, in responses, its resource URL, path, payload URL and payload parts. JSON root element `object`. In POST /objects it is the "root-fields" part of the multipart/form-data request.

    Clauses: OMA-NMS-5.3.2.1, OMA-COMMON-JSON.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"x-nmsgen-choices": [{"members": ["parentFolder", "parentFolderPath"], "required": False}]},
    )
    parentFolder: Annotated[
        str | None,
        Field(
            description="Resource URL of the folder holding the object. If neither parentFolder nor parentFolderPath is in a create request the server places the object per its policy. The server MUST include it in responses.",
            max_length=2048,
        ),
    ] = None
    parentFolderPath: Annotated[
        str | None,
        Field(
            description="Create-only alternative to parentFolder: the path of the parent folder. The server resolves it and SHALL implicitly create missing folders; it MUST NOT include this field in responses.",
            max_length=4096,
            pattern="^(/|(/[^/]{1,1024})*)$",
        ),
    ] = None
    attributes: Annotated[
        AttributeList,
        Field(
            description="The object's attributes (e.g. the RCS attributes of Appendix I).\n\nClauses: OMA-NMS-App.I."
        ),
    ]
    flags: Annotated[
        FlagList, Field(description="The object's flags (e.g. \\Seen, see Appendix H).\n\nClauses: OMA-NMS-App.H.")
    ]
    resourceURL: Annotated[
        str | None,
        Field(
            description="Self-referring URL of the object. SHALL NOT be in a client POST; MUST be in responses with a body and in notifications embedding the full resource.",
            max_length=2048,
        ),
    ] = None
    path: Annotated[
        str | None,
        Field(
            description='Path of the object: the folder names from the root folder joined by "/", then "/" and the objectId. SHALL NOT be in a client POST; MAY be in responses.',
            max_length=4096,
        ),
    ] = None
    payloadURL: Annotated[
        str | None,
        Field(
            description="URL of the object's payload (inside the NMS tree /objects/{objectId}/payload, or external). MUST be present if the object is non-empty, unless the inline (TextContent attribute) representation is used.",
            max_length=2048,
        ),
    ] = None
    payloadPart: Annotated[
        list[PayloadPartInfo] | None,
        Field(
            description="Server-only: for a multipart MIME payload, one entry per first-level body part. Omitted if the payload is empty or represented inline.",
            max_length=1000,
        ),
    ] = None
    lastModSeq: Annotated[
        int | None,
        Field(
            description="Modification sequence of the object, strictly increasing per object. A server supporting Strict Synchronization MUST provide it; a client MUST NOT send it.\n\nClauses: OMA-NMS-5.1.4.",
            ge=0,
            le=9223372036854775807,
        ),
    ] = None
    correlationId: Annotated[
        str | None,
        Field(
            description="Correlation identifier; MAY be supplied by the client and is returned unchanged; the server MAY generate it.",
            max_length=1024,
        ),
    ] = None
    correlationTag: Annotated[
        str | None,
        Field(
            description="Correlation tag; MAY be supplied by the client and is returned unchanged; the server MAY generate it.",
            max_length=1024,
        ),
    ] = None


class ObjectBody(NmsModel):
    """
    The JSON body carrying a Object in its root element `object` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.1.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    object: Object


class ObjectList(NmsModel):
    """
    A list of objects: the answer of an object search, or the root fields of a bulk creation request. JSON root element `objectList`.

    Clauses: OMA-NMS-5.3.2.2, OMA-NMS-5.1.10, OMA-COMMON-JSON.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    object: Annotated[
        list[Object] | None,
        Field(description="The objects; their number MAY be limited by the server.", max_length=1000),
    ] = None
    cursor: Annotated[
        str | None,
        Field(
            description="Server-only batch cursor: present when the list may be incomplete; pass it as fromCursor with identical criteria to get the next batch. Absent = the list is complete.\n\nClauses: OMA-NMS-5.1.10.",
            max_length=1024,
        ),
    ] = None
    creationCursor: Annotated[
        str | None,
        Field(
            description="Cursor the server MUST return in the response to a CreatedObjects search; a later CreatedObjects search with this value returns only objects created since (simplified synchronisation, TS §5.1.5.2).",
            max_length=1024,
        ),
    ] = None


class ObjectListBody(NmsModel):
    """
    The JSON body carrying a ObjectList in its root element `objectList` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.2.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    objectList: ObjectList


class ObjectListRequest(NmsModel):
    """
    ObjectList as a request must carry it: the server refuses a request that breaks these constraints, which answers (schema ObjectList) need not meet.

    A list of objects: the answer of an object search, or the root fields of a bulk creation request. JSON root element `objectList`.

    Clauses: OMA-NMS-5.3.2.2, OMA-NMS-5.1.10, OMA-COMMON-JSON.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    object: Annotated[
        list[Object],
        Field(description="The objects; their number MAY be limited by the server.", max_length=1000, min_length=1),
    ]
    cursor: Annotated[
        str | None,
        Field(
            description="Server-only batch cursor: present when the list may be incomplete; pass it as fromCursor with identical criteria to get the next batch. Absent = the list is complete.\n\nClauses: OMA-NMS-5.1.10.",
            max_length=1024,
        ),
    ] = None
    creationCursor: Annotated[
        str | None,
        Field(
            description="Cursor the server MUST return in the response to a CreatedObjects search; a later CreatedObjects search with this value returns only objects created since (simplified synchronisation, TS §5.1.5.2).",
            max_length=1024,
        ),
    ] = None


class ObjectListRequestBody(NmsModel):
    """
    The JSON body carrying a ObjectList as requests must carry it, in its root element `objectList` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.2.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    objectList: ObjectListRequest


class ObjectReferenceList(NmsModel):
    """
    A list of object references: objects of a folder, source objects of a copy/move or of a bulk operation, or the answer of a VanishedObjects search. JSON root element `objectReferenceList`.

    Clauses: OMA-NMS-5.3.2.12, OMA-COMMON-JSON.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    objectReference: Annotated[list[Reference] | None, Field(description="The object references.", max_length=1000)] = (
        None
    )


class ObjectReferenceListBody(NmsModel):
    """
    The JSON body carrying a ObjectReferenceList in its root element `objectReferenceList` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.12.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    objectReferenceList: ObjectReferenceList


class ReferenceList(NmsModel):
    """
    Folder and object references together (the sources of a copy/move). No JSON root element in the 2014-06-19 XSD.

    Clauses: OMA-NMS-5.3.2.14, OMA-COMMON-JSON.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    folders: Annotated[FolderReferenceList, Field(description="The folders (may be an empty list).")]
    objects: Annotated[ObjectReferenceList, Field(description="The objects (may be an empty list).")]


class RequestError(NmsModel):
    """
    The error body of every failed request: optional links, then exactly one service exception or policy exception. JSON root element `requestError`; also the `failure` of a bulk Response.

    Clauses: OMA-COMMON-RequestError, OMA-COMMON-JSON.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "x-nmsgen-choices": [{"members": ["serviceException", "policyException"], "required": True}]
        },
    )
    link: Annotated[
        list[Link] | None, Field(description="Links to resources related to the error.", max_length=1000)
    ] = None
    serviceException: Annotated[
        ServiceException | None, Field(description="A service error (SVCnnnn), e.g. invalid input or unknown resource.")
    ] = None
    policyException: Annotated[
        PolicyException | None, Field(description="A policy error (POLnnnn), e.g. a forbidden rename or target folder.")
    ] = None


class RequestErrorBody(NmsModel):
    """
    The JSON body carrying a RequestError in its root element `requestError` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-COMMON-RequestError.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    requestError: RequestError


class Response(NmsModel):
    """
    The outcome of one item of a bulk operation: HTTP status code and reason, then either the reference of the created/found/changed resource or the error.

    Clauses: OMA-NMS-5.3.2.31, OMA-COMMON-RequestError, OMA-COMMON-JSON.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"x-nmsgen-choices": [{"members": ["success", "failure"], "required": True}]},
    )
    code: Annotated[int, Field(description="HTTP status code of this item (e.g. 200, 201, 403, 404).", ge=0, le=65535)]
    reason: Annotated[
        str, Field(description='HTTP reason phrase of this item (e.g. "OK", "Created", "Not Found").', max_length=1024)
    ]
    success: Annotated[Reference | None, Field(description="On success, the reference of the resource concerned.")] = (
        None
    )
    failure: Annotated[
        RequestError | None, Field(description="On failure, the error (service or policy exception).")
    ] = None


class SearchCriterion(NmsModel):
    """
    One search criterion: its type, a name where the type needs one (attribute or flag name, preset search name) and a value whose syntax depends on the type.

    Clauses: OMA-NMS-5.3.2.17.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "x-nmsgen-rules": [
                {"when": {"field": "type", "values": ["Attribute", "Flag"]}, "require": ["name"]},
                {
                    "when": {"field": "type", "values": ["Date"]},
                    "require": [],
                    "match": {
                        "value": "^(minDate=((000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29)T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)(&maxDate=((000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29)T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00))?|maxDate=((000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29)T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)(&minDate=((000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29)T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00))?)$"
                    },
                },
                {
                    "when": {"field": "type", "values": ["Flag"]},
                    "require": [],
                    "match": {"value": "^[ \\t\\r\\n]*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)?[ \\t\\r\\n]*$"},
                },
            ]
        },
    )
    type: Annotated[SearchTypeEnum, Field(description="The kind of criterion.")]
    name: Annotated[
        str | None,
        Field(
            description="Attribute name (Attribute), flag name (Flag) or preset search name (PresetSearch); not used by the other types.",
            max_length=1024,
        ),
    ] = None
    value: Annotated[
        str,
        Field(
            description='The value, exact and case-sensitive unless the type says otherwise: e.g. "minDate=...&maxDate=..." (Date), the attribute value (Attribute), "true"/"false" (Flag), "" (VanishedObjects), "" or a creationCursor (CreatedObjects).',
            max_length=1024,
        ),
    ]


class SortCriterion(NmsModel):
    """
    One sort criterion - by NMS internal date or by an attribute, ascending or descending (default Descending).

    Clauses: OMA-NMS-5.3.2.19.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "x-nmsgen-rules": [{"when": {"field": "type", "values": ["Attribute"]}, "require": ["name"]}]
        },
    )
    type: Annotated[SortTypeEnum, Field(description="Sort by Date (NMS internal date) or by Attribute.")]
    name: Annotated[
        str | None, Field(description="The attribute name; needed for an Attribute sort.", max_length=1024)
    ] = None
    order: Annotated[SortOrderEnum, Field(description="Sort order; absent = Descending.")] = SortOrderEnum.Descending


class TargetSourceRef(NmsModel):
    """
    Request of copyToFolder / moveToFolder: the target folder and the source folders and objects. JSON root element `targetSourceRef`.

    Clauses: OMA-NMS-5.3.2.13.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    targetRef: Annotated[Reference, Field(description="The target folder.")]
    sourceRefs: Annotated[ReferenceList, Field(description="The folders and objects to copy or move.")]


class TargetSourceRefBody(NmsModel):
    """
    The JSON body carrying a TargetSourceRef in its root element `targetSourceRef` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.13.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    targetSourceRef: TargetSourceRef


class BulkResponseList(NmsModel):
    """
    Answer of the bulk operations (pathToId POST, bulkCreation, copyToFolder, moveToFolder, bulkUpdate, bulkDelete): one Response per item. For bulk pathToId and bulkCreation the order is the request's. JSON root element `bulkResponseList`.

    Clauses: OMA-NMS-5.3.2.32, OMA-COMMON-JSON.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    response: Annotated[list[Response], Field(description="One response per item.", max_length=1000, min_length=1)]


class BulkResponseListBody(NmsModel):
    """
    The JSON body carrying a BulkResponseList in its root element `bulkResponseList` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.32.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    bulkResponseList: BulkResponseList


class Folder(NmsModel):
    """
    A folder of a box: parent folder, attributes, resource URL, path, name, modification sequence and, when requested on GET (listFilter), references to its subfolders and objects. JSON root element `folder`.

    Clauses: OMA-NMS-5.3.2.8, OMA-NMS-App.J, OMA-NMS-5.1.10.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "x-nmsgen-choices": [{"members": ["parentFolder", "parentFolderPath"], "required": False}],
            "x-nmsgen-nullable": ["path"],
        },
    )
    parentFolder: Annotated[
        str | None,
        Field(
            description="Resource URL of the parent folder. The server MUST include it in responses, except for a top-level (root) folder.",
            max_length=2048,
        ),
    ] = None
    parentFolderPath: Annotated[
        str | None,
        Field(
            description="Create-only alternative to parentFolder: the path of the parent folder. The server never returns it.",
            max_length=4096,
            pattern="^(/|(/[^/]{1,1024})*)$",
        ),
    ] = None
    attributes: Annotated[
        AttributeList,
        Field(
            description='The folder\'s attributes (Appendix J: Root, Name; Appendix K: RCS counters such as MsgCount). The read-only attribute "Name" MUST NOT be sent in a POST.\n\nClauses: OMA-NMS-App.J.'
        ),
    ]
    resourceURL: Annotated[
        str | None,
        Field(description="Self-referring URL of the folder; not sent by the client on create.", max_length=2048),
    ] = None
    path: Annotated[
        str | None,
        Field(
            description='Path of the folder (folder names from the root joined by "/"). On GET /folders/{folderId} only when requested with path=Yes. The root folder\'s path is rendered as null (an empty element; TS14 D.43).',
            max_length=4096,
        ),
    ] = None
    name: Annotated[
        str | None,
        Field(
            description='Folder name (the folderName light-weight resource), mirrored by the read-only attribute "Name". MUST NOT contain "/". If absent on create the server assigns a unique name; a root folder\'s name defaults to "".',
            max_length=1024,
            pattern="^[^/]*$",
        ),
    ] = None
    lastModSeq: Annotated[
        int | None,
        Field(
            description="Modification sequence of the folder, strictly increasing; the server MUST provide it in responses.\n\nClauses: OMA-NMS-5.1.4.",
            ge=0,
            le=9223372036854775807,
        ),
    ] = None
    cursor: Annotated[
        str | None,
        Field(
            description="Present if the subFolders and/or objects lists are incomplete; pass as fromCursor to continue.\n\nClauses: OMA-NMS-5.1.10.",
            max_length=1024,
        ),
    ] = None
    subFolders: Annotated[
        FolderReferenceList | None,
        Field(
            description="References to the direct subfolders. Never in a client POST/PUT; returned on GET when requested (listFilter Subfolders or All); MUST be in root-folder search responses."
        ),
    ] = None
    objects: Annotated[
        ObjectReferenceList | None,
        Field(
            description="References to the objects directly in the folder. Never in a client POST/PUT; returned on GET when requested (listFilter Objects or All); MUST be in root-folder search responses."
        ),
    ] = None


class FolderBody(NmsModel):
    """
    The JSON body carrying a Folder in its root element `folder` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.8.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    folder: Folder


class FolderList(NmsModel):
    """
    A list of folders, the answer of a folder search. JSON root element `folderList`.

    Clauses: OMA-NMS-5.3.2.9, OMA-NMS-5.1.10.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    folder: Annotated[list[Folder] | None, Field(description="The folders found.", max_length=1000)] = None
    cursor: Annotated[
        str | None,
        Field(
            description="Present when the list may be incomplete; pass as fromCursor with identical criteria to continue.\n\nClauses: OMA-NMS-5.1.10.",
            max_length=1024,
        ),
    ] = None


class FolderListBody(NmsModel):
    """
    The JSON body carrying a FolderList in its root element `folderList` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.9.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    folderList: FolderList


class FolderRequest(NmsModel):
    """
    Folder as a request must carry it: the server refuses a request that breaks these constraints, which answers (schema Folder) need not meet.

    A folder of a box: parent folder, attributes, resource URL, path, name, modification sequence and, when requested on GET (listFilter), references to its subfolders and objects. JSON root element `folder`.

    Clauses: OMA-NMS-5.3.2.8, OMA-NMS-App.J, OMA-NMS-5.1.10.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "x-nmsgen-choices": [{"members": ["parentFolder", "parentFolderPath"], "required": True}],
            "x-nmsgen-nullable": ["path"],
        },
    )
    parentFolder: Annotated[
        str | None,
        Field(
            description="Resource URL of the parent folder. The server MUST include it in responses, except for a top-level (root) folder.",
            max_length=2048,
        ),
    ] = None
    parentFolderPath: Annotated[
        str | None,
        Field(
            description="Create-only alternative to parentFolder: the path of the parent folder. The server never returns it.",
            max_length=4096,
            pattern="^(/|(/[^/]{1,1024})*)$",
        ),
    ] = None
    attributes: Annotated[
        AttributeList,
        Field(
            description='The folder\'s attributes (Appendix J: Root, Name; Appendix K: RCS counters such as MsgCount). The read-only attribute "Name" MUST NOT be sent in a POST.\n\nClauses: OMA-NMS-App.J.'
        ),
    ]
    resourceURL: Annotated[
        str | None,
        Field(description="Self-referring URL of the folder; not sent by the client on create.", max_length=2048),
    ] = None
    path: Annotated[
        str | None,
        Field(
            description='Path of the folder (folder names from the root joined by "/"). On GET /folders/{folderId} only when requested with path=Yes. The root folder\'s path is rendered as null (an empty element; TS14 D.43).',
            max_length=4096,
        ),
    ] = None
    name: Annotated[
        str | None,
        Field(
            description='Folder name (the folderName light-weight resource), mirrored by the read-only attribute "Name". MUST NOT contain "/". If absent on create the server assigns a unique name; a root folder\'s name defaults to "".',
            max_length=1024,
            pattern="^[^/]+$",
        ),
    ] = None
    lastModSeq: Annotated[
        int | None,
        Field(
            description="Modification sequence of the folder, strictly increasing; the server MUST provide it in responses.\n\nClauses: OMA-NMS-5.1.4.",
            ge=0,
            le=9223372036854775807,
        ),
    ] = None
    cursor: Annotated[
        str | None,
        Field(
            description="Present if the subFolders and/or objects lists are incomplete; pass as fromCursor to continue.\n\nClauses: OMA-NMS-5.1.10.",
            max_length=1024,
        ),
    ] = None
    subFolders: Annotated[
        FolderReferenceList | None,
        Field(
            description="References to the direct subfolders. Never in a client POST/PUT; returned on GET when requested (listFilter Subfolders or All); MUST be in root-folder search responses."
        ),
    ] = None
    objects: Annotated[
        ObjectReferenceList | None,
        Field(
            description="References to the objects directly in the folder. Never in a client POST/PUT; returned on GET when requested (listFilter Objects or All); MUST be in root-folder search responses."
        ),
    ] = None


class FolderRequestBody(NmsModel):
    """
    The JSON body carrying a Folder as requests must carry it, in its root element `folder` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.8.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    folder: FolderRequest


class SearchCriteria(NmsModel):
    """
    One or more search criteria combined with a logical operator (absent = And). Also the filter of an NmsSubscription.

    Clauses: OMA-NMS-5.3.2.16.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    criterion: Annotated[
        list[SearchCriterion],
        Field(description="The criteria; their number MAY be limited by the server.", max_length=1000, min_length=1),
    ]
    operator: Annotated[LogicalOperatorEnum, Field(description="How the criteria are combined; absent = And.")] = (
        LogicalOperatorEnum.And
    )


class SortCriteria(NmsModel):
    """
    Sort criteria applied in order, the first most significant; the server MAY ignore extra ones.

    Clauses: OMA-NMS-5.3.2.18.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    criterion: Annotated[
        list[SortCriterion],
        Field(description="The sort criteria, most significant first.", max_length=1000, min_length=1),
    ]


class NmsSubscription(NmsModel):
    """
    A subscription to storage-change notifications: callback, duration, optional filter, client correlator and the synchronisation state (index of the next notification, restart token). JSON root element `nmsSubscription`.

    Clauses: OMA-NMS-5.3.2.20, OMA-NMS-5.1.4, OMA-COMMON-CallbackReference.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    callbackReference: Annotated[
        CallbackReference,
        Field(description="Where and how to notify (notifyURL, optional callbackData and notificationFormat)."),
    ]
    duration: Annotated[
        int | None,
        Field(
            description="Requested validity in seconds; 0 or absent = server policy. The server MUST return the remaining validity.",
            ge=0,
            le=4294967295,
        ),
    ] = None
    filter: Annotated[
        SearchCriteria | None,
        Field(
            description="Events about objects/folders not matching the filter are omitted; events not about an object or folder (resetBox) are always sent."
        ),
    ] = None
    clientCorrelator: Annotated[
        str | None,
        Field(
            description="Correlator for idempotent creation; the server SHALL NOT alter or generate it.",
            max_length=1024,
        ),
    ] = None
    resourceURL: Annotated[
        str | None, Field(description="Self-referring URL of the subscription.", max_length=2048)
    ] = None
    index: Annotated[
        int | None,
        Field(
            description="Server-only: index of the next notification (1 after creation). Servers supporting Strict Synchronization MUST provide it.\n\nClauses: OMA-NMS-5.1.4.",
            ge=0,
            le=9223372036854775807,
        ),
    ] = None
    restartToken: Annotated[
        str | None,
        Field(
            description="Request: the box-wide point to restart notifications from. Response: the current point.\n\nClauses: OMA-NMS-5.1.4.",
            max_length=1024,
        ),
    ] = None


class NmsSubscriptionBody(NmsModel):
    """
    The JSON body carrying a NmsSubscription in its root element `nmsSubscription` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.20.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    nmsSubscription: NmsSubscription


class NmsSubscriptionList(NmsModel):
    """
    The subscriptions of the box the client may access, with the URL of the subscriptions resource. JSON root element `nmsSubscriptionList`.

    Clauses: OMA-NMS-5.3.2.21.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    subscription: Annotated[list[NmsSubscription] | None, Field(description="The subscriptions.", max_length=1000)] = (
        None
    )
    resourceURL: Annotated[str, Field(description="Self-referring URL of the subscriptions resource.", max_length=2048)]


class NmsSubscriptionListBody(NmsModel):
    """
    The JSON body carrying a NmsSubscriptionList in its root element `nmsSubscriptionList` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.21.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    nmsSubscriptionList: NmsSubscriptionList


class SelectionCriteria(NmsModel):
    """
    Request of an object or folder search (and of bulkUpdate/bulkDelete by criteria): batch size and cursor, search criteria, the folder where the search starts, recursion and sorting. JSON root element `selectionCriteria`.

    Clauses: OMA-NMS-5.3.2.15, OMA-NMS-5.1.10, OMA-COMMON-JSON.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"x-nmsgen-choices": [{"members": ["sortCriteria", "sortCriterion"], "required": False}]},
    )
    fromCursor: Annotated[
        str | None,
        Field(
            description="Cursor from a previous response, to get the next batch; the other criteria MUST be identical.\n\nClauses: OMA-NMS-5.1.10.",
            max_length=1024,
        ),
    ] = None
    maxEntries: Annotated[
        int,
        Field(
            description="Maximum number of entries in the response; the server MUST NOT exceed it.\n\nClauses: OMA-NMS-5.1.10.",
            ge=0,
            le=4294967295,
        ),
    ]
    searchCriteria: Annotated[
        SearchCriteria | None, Field(description="The search criteria; absent = all elements.")
    ] = None
    searchScope: Annotated[
        Reference | None, Field(description="The folder where the search starts; absent = the whole box.")
    ] = None
    nonRecursiveScope: Annotated[
        bool | None,
        Field(
            description="true = search only the searchScope folder itself, not its subfolders. TS14 table only (absent from the 2014-06-19 XSD); a JSON boolean."
        ),
    ] = None
    sortCriteria: Annotated[
        SortCriteria | None,
        Field(description="Sort criteria, applied in order (TS14 table and later implementations)."),
    ] = None
    sortCriterion: Annotated[
        SortCriterion | None,
        Field(
            description="Legacy single sort criterion of the 2014-06-19 XSD and the 2014 examples; tolerated on input as an alternative to sortCriteria."
        ),
    ] = None


class SelectionCriteriaBody(NmsModel):
    """
    The JSON body carrying a SelectionCriteria in its root element `selectionCriteria` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-5.3.2.15.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    selectionCriteria: SelectionCriteria


class BulkDelete(NmsModel):
    """
    Request of objects/operations/bulkDelete (later NMS version, sent as DELETE with a JSON body): the objects to delete, by reference or by selection criteria. JSON root element `bulkDelete`.

    Clauses: OMA-NMS-LATER-bulkDelete.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "x-nmsgen-choices": [{"members": ["objects", "selectionCriteria"], "required": True}],
            "x-nmsgen-rules": [
                {
                    "when": {"field": "type", "values": ["VanishedObjects"]},
                    "require": [],
                    "at": ["selectionCriteria", "searchCriteria", "criterion"],
                    "refuse": True,
                }
            ],
        },
    )
    objects: Annotated[ObjectReferenceList | None, Field(description="The objects to delete.")] = None
    selectionCriteria: Annotated[
        SelectionCriteria | None,
        Field(
            description="Alternative to objects - select the objects to delete by criteria. A VanishedObjects criterion is refused: the objects it finds are deleted already."
        ),
    ] = None


class BulkDeleteBody(NmsModel):
    """
    The JSON body carrying a BulkDelete in its root element `bulkDelete` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-LATER-bulkDelete.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    bulkDelete: BulkDelete


class BulkUpdate(NmsModel):
    """
    Request of objects/operations/bulkUpdate (later NMS version): add or remove flags on a set of objects given by reference or by selection criteria. JSON root element `bulkUpdate`.

    Clauses: OMA-NMS-LATER-bulkUpdate.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "x-nmsgen-choices": [{"members": ["objects", "selectionCriteria"], "required": True}],
            "x-nmsgen-rules": [
                {
                    "when": {"field": "type", "values": ["VanishedObjects"]},
                    "require": [],
                    "at": ["selectionCriteria", "searchCriteria", "criterion"],
                    "refuse": True,
                }
            ],
        },
    )
    objects: Annotated[ObjectReferenceList | None, Field(description="The objects to update.")] = None
    selectionCriteria: Annotated[
        SelectionCriteria | None,
        Field(
            description="Alternative to objects - select the objects to update by criteria. A VanishedObjects criterion is refused: the objects it finds are deleted already."
        ),
    ] = None
    operation: Annotated[OperationEnum, Field(description="What to do with the flags (AddFlag, RemoveFlag).")]
    flags: Annotated[FlagList, Field(description="The flags to add or remove.")]


class BulkUpdateBody(NmsModel):
    """
    The JSON body carrying a BulkUpdate in its root element `bulkUpdate` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, OMA-NMS-LATER-bulkUpdate.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    bulkUpdate: BulkUpdate


class CreateSubscriptionRequestBody(NmsModel):
    """
    The JSON body of a CreateSubscription request: a NmsSubscription in its root element `nmsSubscription`, with rules that hold for the requests of this operation only (the server refuses a request that breaks one):

    - each `filter.criterion` whose `type` is `CreatedObjects`: `value` must match `^$`.
    - each `filter.criterion` whose `type` is `AllTextAttributes` or `WholeWord`: refused.

    Clauses: OMA-NMS-6.17, OMA-COMMON-JSON, OMA-NMS-5.3.2.20.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "x-nmsgen-rules": [
                {
                    "when": {"field": "type", "values": ["CreatedObjects"]},
                    "require": [],
                    "match": {"value": "^$"},
                    "at": ["nmsSubscription", "filter", "criterion"],
                },
                {
                    "when": {"field": "type", "values": ["AllTextAttributes", "WholeWord"]},
                    "require": [],
                    "at": ["nmsSubscription", "filter", "criterion"],
                    "refuse": True,
                },
            ]
        },
    )
    nmsSubscription: NmsSubscription


class SearchFoldersRequestBody(NmsModel):
    """
    The JSON body of a SearchFolders request: a SelectionCriteria in its root element `selectionCriteria`, with rules that hold for the requests of this operation only (the server refuses a request that breaks one):

    - each `searchCriteria.criterion` whose `type` is `Flag` or `CreatedObjects` or `VanishedObjects`: refused.

    Clauses: OMA-NMS-6.13, OMA-COMMON-JSON, OMA-NMS-5.3.2.15.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "x-nmsgen-rules": [
                {
                    "when": {"field": "type", "values": ["Flag", "CreatedObjects", "VanishedObjects"]},
                    "require": [],
                    "at": ["selectionCriteria", "searchCriteria", "criterion"],
                    "refuse": True,
                }
            ]
        },
    )
    selectionCriteria: SelectionCriteria
