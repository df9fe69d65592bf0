# generated from spec/ by nmsgen - do not edit
"""The FastAPI application of the message store: HTTP, auth and error mapping around a MessageStore.

``create_app(store, auth)`` routes every operation of the document. Each route authenticates the
caller with the clause-21 rules (``auth.py``) before anything else, parses and validates the request
against the generated models, calls the store in a worker thread and writes the NMS JSON encoding.
Every failure is an NMS ``requestError``: invalid input 400 SVC0002, unknown resource 404 SVC0004,
unsupported method 405 with the exact ``Allow`` value of the resource, store refusals with their
exception's status, anything unexpected 500 SVC0001 without internals.

Clauses: 24.282-21.1-CR3, OMA-NMS-5.2, OMA-NMS-6, 23.282-7.13.1-R1, 24.282-21.1-R6, 24.282-21.1-R7, 24.282-21.1-R8, 24.282-21.1-CR1, 24.282-21.1-CR4, 23.282-7.13-R4, 23.282-7.13.1-R2.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from . import models
from .auth import AuthFailure, AuthSettings, TokenValidator, bearer_token
from .store import EXCEPTIONS, Answer, Context, MessageStore, Payload, StoreError, request_error

# NMS type -> (its root-wrapped body class, root element)
BODIES: dict[str, tuple[type[BaseModel], str]] = {
    "BulkDelete": (models.BulkDeleteBody, "bulkDelete"),
    "BulkResponseList": (models.BulkResponseListBody, "bulkResponseList"),
    "BulkUpdate": (models.BulkUpdateBody, "bulkUpdate"),
    "Empty": (models.EmptyBody, "empty"),
    "FlagList": (models.FlagListBody, "flagList"),
    "Folder": (models.FolderBody, "folder"),
    "FolderList": (models.FolderListBody, "folderList"),
    "FolderName": (models.FolderNameBody, "name"),
    "FolderReferenceList": (models.FolderReferenceListBody, "folderReferenceList"),
    "NmsEventList": (models.NmsEventListBody, "nmsEventList"),
    "NmsSubscription": (models.NmsSubscriptionBody, "nmsSubscription"),
    "NmsSubscriptionList": (models.NmsSubscriptionListBody, "nmsSubscriptionList"),
    "NmsSubscriptionUpdate": (models.NmsSubscriptionUpdateBody, "nmsSubscriptionUpdate"),
    "Object": (models.ObjectBody, "object"),
    "ObjectList": (models.ObjectListBody, "objectList"),
    "ObjectReferenceList": (models.ObjectReferenceListBody, "objectReferenceList"),
    "PathList": (models.PathListBody, "pathList"),
    "Reference": (models.ReferenceBody, "reference"),
    "RequestError": (models.RequestErrorBody, "requestError"),
    "SelectionCriteria": (models.SelectionCriteriaBody, "selectionCriteria"),
    "TargetSourceRef": (models.TargetSourceRefBody, "targetSourceRef"),
}
# operationId -> interfaces allowed to call it (deny by default: every route is listed)
OPERATION_INTERFACES: dict[str, tuple[str, ...]] = {
    "CreateObject": ("MCData-7", "MCData-8"),
    "GetObject": ("MCData-7", "MCData-8"),
    "DeleteObject": ("MCData-7", "MCData-8"),
    "GetObjectFlags": ("MCData-7", "MCData-8"),
    "ReplaceObjectFlags": ("MCData-7", "MCData-8"),
    "GetObjectFlag": ("MCData-7", "MCData-8"),
    "SetObjectFlag": ("MCData-7", "MCData-8"),
    "DeleteObjectFlag": ("MCData-7", "MCData-8"),
    "GetObjectPayload": ("MCData-7", "MCData-8"),
    "GetObjectPayloadPart": ("MCData-7", "MCData-8"),
    "SearchObjects": ("MCData-7", "MCData-8"),
    "GetObjectIdByPath": ("MCData-7", "MCData-8"),
    "GetObjectIdsByPaths": ("MCData-7", "MCData-8"),
    "BulkCreateObjects": ("MCData-7", "MCData-8"),
    "CreateFolder": ("MCData-7", "MCData-8"),
    "GetFolder": ("MCData-7", "MCData-8"),
    "DeleteFolder": ("MCData-7", "MCData-8"),
    "GetFolderName": ("MCData-7", "MCData-8"),
    "RenameFolder": ("MCData-7", "MCData-8"),
    "SearchFolders": ("MCData-7", "MCData-8"),
    "GetFolderIdByPath": ("MCData-7", "MCData-8"),
    "GetFolderIdsByPaths": ("MCData-7", "MCData-8"),
    "CopyToFolder": ("MCData-7", "MCData-8"),
    "MoveToFolder": ("MCData-7", "MCData-8"),
    "ListSubscriptions": ("MCData-7", "MCData-8"),
    "CreateSubscription": ("MCData-7", "MCData-8"),
    "GetSubscription": ("MCData-7", "MCData-8"),
    "UpdateSubscription": ("MCData-7", "MCData-8"),
    "DeleteSubscription": ("MCData-7", "MCData-8"),
    "BulkUpdateObjects": ("MCData-7", "MCData-8"),
    "BulkDeleteObjects": ("MCData-7", "MCData-8"),
}
# operationId -> {status: (body types, payload?, Location?)} of its outcomes
OUTCOMES: dict[str, dict[int, tuple[tuple[str, ...], bool, bool]]] = {
    "CreateObject": {201: (("Reference", "Object"), False, True)},
    "GetObject": {200: (("Object",), False, False)},
    "DeleteObject": {204: ((), False, False)},
    "GetObjectFlags": {200: (("FlagList",), False, False)},
    "ReplaceObjectFlags": {200: (("FlagList",), False, False)},
    "GetObjectFlag": {204: ((), False, False), 404: (("Empty",), False, False)},
    "SetObjectFlag": {201: (("Empty",), False, True), 204: ((), False, False)},
    "DeleteObjectFlag": {204: ((), False, False), 404: (("Empty",), False, False)},
    "GetObjectPayload": {200: ((), True, False)},
    "GetObjectPayloadPart": {200: ((), True, False)},
    "SearchObjects": {200: (("ObjectList", "ObjectReferenceList"), False, False)},
    "GetObjectIdByPath": {200: (("Reference",), False, False)},
    "GetObjectIdsByPaths": {200: (("BulkResponseList",), False, False)},
    "BulkCreateObjects": {200: (("BulkResponseList",), False, False)},
    "CreateFolder": {201: (("Reference", "Folder"), False, True)},
    "GetFolder": {200: (("Folder",), False, False)},
    "DeleteFolder": {204: ((), False, False)},
    "GetFolderName": {200: (("FolderName",), False, False)},
    "RenameFolder": {200: (("FolderName",), False, False)},
    "SearchFolders": {200: (("FolderList", "FolderReferenceList"), False, False)},
    "GetFolderIdByPath": {200: (("Reference",), False, False)},
    "GetFolderIdsByPaths": {200: (("BulkResponseList",), False, False)},
    "CopyToFolder": {200: (("BulkResponseList",), False, False)},
    "MoveToFolder": {200: (("BulkResponseList",), False, False)},
    "ListSubscriptions": {200: (("NmsSubscriptionList",), False, False)},
    "CreateSubscription": {201: (("NmsSubscription",), False, True)},
    "GetSubscription": {200: (("NmsSubscription",), False, False)},
    "UpdateSubscription": {200: (("NmsSubscription",), False, False)},
    "DeleteSubscription": {204: ((), False, False)},
    "BulkUpdateObjects": {200: (("BulkResponseList",), False, False)},
    "BulkDeleteObjects": {200: (("BulkResponseList",), False, False)},
}
# NMS type -> its read-only members (the server assigns them; a request that sends one is refused)
READ_ONLY: dict[str, tuple[str, ...]] = {
    "Folder": ("resourceURL", "path", "lastModSeq", "cursor", "subFolders", "objects"),
    "FolderList": ("cursor",),
    "Object": ("resourceURL", "path", "payloadURL", "payloadPart", "lastModSeq"),
    "ObjectList": ("cursor", "creationCursor"),
    "FlagList": ("resourceURL",),
    "NmsSubscription": ("resourceURL", "index"),
}
# resource path -> its Allow value (OMA NMS)
ALLOW: dict[str, str] = {
    "/nms/v1/{storeName}/{boxId}/objects": "POST",
    "/nms/v1/{storeName}/{boxId}/objects/{objectId}": "GET, DELETE",
    "/nms/v1/{storeName}/{boxId}/objects/{objectId}/flags": "GET, PUT",
    "/nms/v1/{storeName}/{boxId}/objects/{objectId}/flags/{flagName}": "GET, PUT, DELETE",
    "/nms/v1/{storeName}/{boxId}/objects/{objectId}/payload": "GET",
    "/nms/v1/{storeName}/{boxId}/objects/{objectId}/payloadParts/{payloadPartId}": "GET",
    "/nms/v1/{storeName}/{boxId}/objects/operations/search": "POST",
    "/nms/v1/{storeName}/{boxId}/objects/operations/pathToId": "GET, POST",
    "/nms/v1/{storeName}/{boxId}/objects/operations/bulkCreation": "POST",
    "/nms/v1/{storeName}/{boxId}/folders": "POST",
    "/nms/v1/{storeName}/{boxId}/folders/{folderId}": "GET, DELETE",
    "/nms/v1/{storeName}/{boxId}/folders/{folderId}/folderName": "GET, PUT",
    "/nms/v1/{storeName}/{boxId}/folders/operations/search": "POST",
    "/nms/v1/{storeName}/{boxId}/folders/operations/pathToId": "GET, POST",
    "/nms/v1/{storeName}/{boxId}/folders/operations/copyToFolder": "POST",
    "/nms/v1/{storeName}/{boxId}/folders/operations/moveToFolder": "POST",
    "/nms/v1/{storeName}/{boxId}/subscriptions": "GET, POST",
    "/nms/v1/{storeName}/{boxId}/subscriptions/{subscriptionId}": "GET, POST, DELETE",
    "/nms/v1/{storeName}/{boxId}/objects/operations/bulkUpdate": "POST",
    "/nms/v1/{storeName}/{boxId}/objects/operations/bulkDelete": "DELETE",
}
# the answers the server makes by itself, with the values of their %1.. (spec/api.yaml): exception, variables
NOT_FOUND: tuple[str, list[str]] = ("SVC0004", ["Request-URI"])
NOT_ALLOWED: tuple[str, list[str]] = ("SVC0001", ["405"])
INTERNAL_ERROR: tuple[str, list[str]] = ("SVC0001", ["500"])


@dataclass(frozen=True)
class Limits:
    max_json_bytes: int = 1024 * 1024
    max_body_bytes: int = 67108864
    max_parts: int = 1000


class NotAllowed:
    """The 405 answer with the exact Allow value of a resource. An ASGI app, not a request function: a route to
    it takes every method, known or not (a route to a function takes only GET)."""

    def __init__(self, allow: str) -> None:
        self.allow = allow

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await error_response(*NOT_ALLOWED, 405, {"Allow": self.allow})(scope, receive, send)


class BadRequest(Exception):
    """Invalid input: answered 400 SVC0002 naming the offending part."""

    def __init__(self, part: str) -> None:
        super().__init__(part)
        self.part = part


def error_body(exception_id: str, variables: list[str], links: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    return {"requestError": request_error(exception_id, variables, links).to_wire()}


def _json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status_code=status,
        headers=headers,
        media_type="application/json",
    )


def error_response(
    exception_id: str,
    variables: list[str],
    status: int | None = None,
    headers: dict[str, str] | None = None,
    links: Sequence[tuple[str, str]] = (),
) -> Response:
    return _json_response(status or EXCEPTIONS[exception_id][2], error_body(exception_id, variables, links), headers)


def _wrap(inner: Any) -> dict[str, Any]:
    """An NMS value in its root element, as the NMS JSON encoding."""
    cls, root = BODIES[type(inner).__name__]
    return cls(**{root: inner}).to_wire()  # type: ignore[attr-defined, no-any-return]


def _reply(op_id: str, request: Request, result: Any) -> Response:
    outcomes = OUTCOMES[op_id]
    if isinstance(result, Answer):
        status, body, location = result.status, result.body, result.location
    else:
        (status,) = outcomes
        body, location = result, None
    if status not in outcomes:
        raise RuntimeError(f"the store answered {op_id} with {status}, which the API does not define")
    types, payload, wants_location = outcomes[status]
    headers: dict[str, str] = {}
    if wants_location:
        headers["Location"] = location or getattr(body, "resourceURL", None) or str(request.url)
    if payload:
        if not isinstance(body, Payload):
            raise RuntimeError(f"the store answered {op_id} without a Payload")
        # the Content-Type exactly as stored (media_type= would add "; charset=utf-8" to text/*)
        return Response(body.content, status_code=status, headers={**headers, "Content-Type": body.media_type})
    if body is None or type(body).__name__ == "Empty":
        if "Empty" in types:
            return _json_response(status, {"empty": None}, headers)
        if types:
            raise RuntimeError(f"the store answered {op_id} {status} without a body")
        return Response(status_code=status, headers=headers)
    if type(body).__name__ not in types:
        raise RuntimeError(f"the store answered {op_id} {status} with a {type(body).__name__}")
    return _json_response(status, _wrap(body), headers)


async def _read(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise BadRequest("body (too large)")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise BadRequest("body (too large)")
    return bytes(data)


def _refuse_read_only(value: Any, where: str) -> None:
    """Refuse a member the server assigns (``readOnly`` in the document) anywhere in a request value."""
    if isinstance(value, list):
        for item in value:
            _refuse_read_only(item, where)
    elif isinstance(value, BaseModel):
        read_only = READ_ONLY.get(type(value).__name__, ())
        for name in sorted(value.model_fields_set):
            if name in read_only:
                raise BadRequest(f"{where}{name} (read-only)")
            _refuse_read_only(getattr(value, name), f"{where}{name}/")


def _parse(raw: bytes, cls: type[BaseModel], check: type[BaseModel] | None, where: str = "") -> Any:
    """The root element's value of the JSON ``raw`` as ``cls`` (a root-wrapped body class), after it passed
    ``check``: the document's request variant of the body, with the constraints only requests must meet.
    JSON types are taken strictly (no 0 for false, no "5" for 5), and no read-only member may be sent."""
    try:
        if check is not None:
            check.model_validate_json(raw, strict=True)
        body = cls.model_validate_json(raw, strict=True)
    except ValidationError as e:
        raise BadRequest(where + _where(e)) from e
    (root,) = type(body).model_fields
    value = getattr(body, root)
    _refuse_read_only(value, f"{where}{root}/")
    return value


async def _json(
    request: Request,
    cls: type[BaseModel],
    limits: Limits,
    *,
    optional: bool = False,
    check: type[BaseModel] | None = None,
) -> Any:
    """The root element's value of a JSON body of ``cls`` (a root-wrapped body class) that passed ``check``."""
    raw = await _read(request, limits.max_json_bytes)
    if optional and not raw.strip():
        return None
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise BadRequest("Content-Type (application/json expected)")
    return _parse(raw, cls, check)


def _where(e: ValidationError) -> str:
    first = e.errors()[0]
    return "/".join(str(p) for p in first["loc"]) or "body"


@dataclass
class Part:
    """One part of a multipart/form-data body, with its own headers and raw bytes."""

    name: str
    content_type: str
    data: bytes


async def _multipart(request: Request, limits: Limits) -> list[Part]:
    """The parts of a multipart/form-data body. Unlike form parsing, a part without a filename keeps its
    Content-Type and bytes (NMS sends its payload part so: name="attachments", no filename)."""
    media, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if media.lower() != b"multipart/form-data" or not boundary:
        raise BadRequest("Content-Type (multipart/form-data with a boundary expected)")
    raw = await _read(request, limits.max_body_bytes)
    parts: list[Part] = []
    headers: dict[str, str] = {}
    field: list[bytes] = []
    value: list[bytes] = []
    data = bytearray()

    def on_part_begin() -> None:
        headers.clear()
        data.clear()

    def on_header_field(b: bytes, start: int, end: int) -> None:
        field.append(b[start:end])

    def on_header_value(b: bytes, start: int, end: int) -> None:
        value.append(b[start:end])

    def on_header_end() -> None:
        headers[b"".join(field).decode("latin-1").lower()] = b"".join(value).decode("latin-1")
        field.clear()
        value.clear()

    def on_part_data(b: bytes, start: int, end: int) -> None:
        data.extend(b[start:end])

    def on_part_end() -> None:
        if len(parts) >= limits.max_parts:
            raise BadRequest("multipart body (too many parts)")
        _, disposition = parse_options_header(headers.get("content-disposition", ""))
        name = disposition.get(b"name", b"").decode("utf-8", "replace")
        parts.append(Part(name, headers.get("content-type", ""), bytes(data)))

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    try:
        parser.write(raw)
        parser.finalize()
    except (ValueError, MultipartParseError) as e:
        raise BadRequest("multipart body") from e
    return parts


def _part_payload(part: Part) -> Payload | None:
    if not part.data:
        return None  # an object without payload: an empty part (OMA NMS 6.9.5)
    return Payload(part.data, part.content_type or "application/octet-stream")


def _part_json(part: Part, cls: type[BaseModel], check: type[BaseModel] | None = None) -> Any:
    return _parse(part.data, cls, check, "root-fields/")


def _path(request: Request, name: str, max_length: int, pattern: re.Pattern[str] | None) -> str:
    """A path parameter within the document's limits (its maxLength and pattern), else 400 SVC0002."""
    value: str = request.path_params[name]
    if len(value) > max_length or (pattern is not None and pattern.search(value) is None):
        raise BadRequest(name)
    return value


def _query_int(request: Request, name: str, maximum: int) -> int | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    if not value.isdigit() or int(value) > maximum:
        raise BadRequest(name)
    return int(value)


def _query_str(request: Request, name: str, required: bool = False) -> str | None:
    value = request.query_params.get(name)
    if (value is None and required) or (value is not None and len(value) > 1024):
        raise BadRequest(name)
    return value


def _query_required(request: Request, name: str) -> str:
    value = _query_str(request, name, required=True)
    assert value is not None
    return value


def _query_enum(request: Request, name: str, enum: Any) -> Any:
    value = request.query_params.get(name)
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError as e:
        raise BadRequest(name) from e


def _query_list(request: Request, name: str, max_items: int) -> list[str]:
    values = request.query_params.getlist(name)
    if len(values) > max_items or any(len(v) > 1024 for v in values):
        raise BadRequest(name)
    return values


_BASE = re.compile("^/nms/v1/([^/?]+)/([^/?]+)(?:/|$)")


def base_variables(request: Request) -> tuple[str, str]:
    """storeName and boxId as sent, percent-decoded exactly once (from the raw path, whatever the ASGI
    server did to the decoded one)."""
    raw = request.scope.get("raw_path")
    if isinstance(raw, bytes):
        found = _BASE.match(raw.decode("latin-1"))
        if found is None:
            raise BadRequest("Request-URI")
        try:
            return unquote(found.group(1), errors="strict"), unquote(found.group(2), errors="strict")
        except UnicodeDecodeError as e:
            raise BadRequest("Request-URI") from e
    return request.path_params["storeName"], request.path_params["boxId"]


def create_app(store: MessageStore, auth: AuthSettings, limits: Limits = Limits()) -> FastAPI:
    """The message store application: every operation of the API, on ``store``."""
    validator = TokenValidator(auth)
    app = FastAPI(
        title="MCData message store (OMA NMS as profiled by 3GPP TS 24.282 clause 21)",
        version="1.0.0-alpha.1",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )

    def context(request: Request, op_id: str) -> Context:
        """Authenticate and authorize the caller of ``op_id`` (deny by default) and name the box."""
        store_name, box_id = base_variables(request)
        token = bearer_token(request.headers.getlist("authorization"), request.query_params.get("access_token"), False)
        caller = validator.authorize(token, op_id, OPERATION_INTERFACES[op_id], box_id)
        base = str(request.base_url).rstrip("/")
        box_url = f"{base}/nms/v1/{quote(store_name, safe='')}/{quote(box_id, safe='')}"
        return Context(store_name, box_id, caller.interface, caller.subject, box_url)

    @app.exception_handler(AuthFailure)
    async def _auth_failure(request: Request, exc: AuthFailure) -> Response:
        challenge = exc.www_authenticate_for(auth)
        return error_response(
            exc.exception_for(auth),
            list(exc.variables_for(auth)),
            exc.status_for(auth),
            {"WWW-Authenticate": challenge} if challenge else None,
        )

    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError) -> Response:
        if exc.exception_id not in EXCEPTIONS:
            return error_response(*INTERNAL_ERROR, 500)
        return error_response(exc.exception_id, exc.variables, exc.status, links=exc.links)

    @app.exception_handler(BadRequest)
    async def _bad_request(request: Request, exc: BadRequest) -> Response:
        return error_response("SVC0002", [exc.part], 400)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return error_response("SVC0002", ["request"], 400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return error_response(*NOT_FOUND, 404)
        return error_response("SVC0001", [str(exc.status_code)], exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        return error_response(*INTERNAL_ERROR, 500)

    @app.api_route("/nms/v1/{storeName}/{boxId}/objects", methods=["POST"], include_in_schema=False)
    async def create_object(request: Request) -> Response:
        """Create (store) an object with its payload. (CreateObject; clauses OMA-NMS-6.1, 24.282-21.1-CR3, 23.282-7.13.1-R4, 23.282-7.13.1-R5, 23.282-7.13.3.8-R1, 23.282-7.13.3.16-R1)."""
        ctx = context(request, "CreateObject")
        if request.headers.get("content-type", "").lower().startswith("application/json"):
            body = await _json(request, models.ObjectBody, limits)
            attachments: Payload | None = None
        else:
            items = await _multipart(request, limits)
            roots = [p for p in items if p.name == "root-fields"]
            if len(roots) != 1:
                raise BadRequest("root-fields")
            body = _part_json(roots[0], models.ObjectBody)
            found = [x for x in items if x.name == "attachments"]
            if len(found) > 1:
                raise BadRequest("attachments")
            attachments = _part_payload(found[0]) if found else None
        result = await run_in_threadpool(store.create_object, ctx, body=body, attachments=attachments)
        return _reply("CreateObject", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/objects/{objectId}", methods=["GET"], include_in_schema=False)
    async def get_object(request: Request) -> Response:
        """Retrieve a stored object. (GetObject; clauses OMA-NMS-6.2, 24.282-21.1-CR3, 23.282-7.13.1-R4, 23.282-7.13-R1)."""
        ctx = context(request, "GetObject")
        object_id = _path(request, "objectId", 256, None)
        result = await run_in_threadpool(store.get_object, ctx, object_id=object_id)
        return _reply("GetObject", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/objects/{objectId}", methods=["DELETE"], include_in_schema=False)
    async def delete_object(request: Request) -> Response:
        """Delete a stored object. (DeleteObject; clauses OMA-NMS-6.2, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        ctx = context(request, "DeleteObject")
        object_id = _path(request, "objectId", 256, None)
        await run_in_threadpool(store.delete_object, ctx, object_id=object_id)
        return _reply("DeleteObject", request, None)

    @app.api_route("/nms/v1/{storeName}/{boxId}/objects/{objectId}/flags", methods=["GET"], include_in_schema=False)
    async def get_object_flags(request: Request) -> Response:
        """Retrieve the flags of a stored object. (GetObjectFlags; clauses OMA-NMS-6.3, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        ctx = context(request, "GetObjectFlags")
        object_id = _path(request, "objectId", 256, None)
        result = await run_in_threadpool(store.get_object_flags, ctx, object_id=object_id)
        return _reply("GetObjectFlags", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/objects/{objectId}/flags", methods=["PUT"], include_in_schema=False)
    async def replace_object_flags(request: Request) -> Response:
        """Create or update the flags of a stored object. (ReplaceObjectFlags; clauses OMA-NMS-6.3, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        ctx = context(request, "ReplaceObjectFlags")
        object_id = _path(request, "objectId", 256, None)
        body = await _json(request, models.FlagListBody, limits)
        result = await run_in_threadpool(store.replace_object_flags, ctx, object_id=object_id, body=body)
        return _reply("ReplaceObjectFlags", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/objects/{objectId}/flags/{flagName}", methods=["GET"], include_in_schema=False
    )
    async def get_object_flag(request: Request) -> Response:
        """Test whether a flag is set on a stored object. (GetObjectFlag; clauses OMA-NMS-6.4, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        ctx = context(request, "GetObjectFlag")
        object_id = _path(request, "objectId", 256, None)
        flag_name = _path(request, "flagName", 256, re.compile("^[^\\x00-\\x1F\\x7F]+$"))
        result = await run_in_threadpool(store.get_object_flag, ctx, object_id=object_id, flag_name=flag_name)
        return _reply("GetObjectFlag", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/objects/{objectId}/flags/{flagName}", methods=["PUT"], include_in_schema=False
    )
    async def set_object_flag(request: Request) -> Response:
        """Set a flag on a stored object. (SetObjectFlag; clauses OMA-NMS-6.4, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        ctx = context(request, "SetObjectFlag")
        object_id = _path(request, "objectId", 256, None)
        flag_name = _path(request, "flagName", 256, re.compile("^[^\\x00-\\x1F\\x7F]+$"))
        await _json(request, models.EmptyBody, limits, optional=True)
        result = await run_in_threadpool(store.set_object_flag, ctx, object_id=object_id, flag_name=flag_name)
        return _reply("SetObjectFlag", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/objects/{objectId}/flags/{flagName}", methods=["DELETE"], include_in_schema=False
    )
    async def delete_object_flag(request: Request) -> Response:
        """Clear a flag of a stored object. (DeleteObjectFlag; clauses OMA-NMS-6.4, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        ctx = context(request, "DeleteObjectFlag")
        object_id = _path(request, "objectId", 256, None)
        flag_name = _path(request, "flagName", 256, re.compile("^[^\\x00-\\x1F\\x7F]+$"))
        result = await run_in_threadpool(store.delete_object_flag, ctx, object_id=object_id, flag_name=flag_name)
        return _reply("DeleteObjectFlag", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/objects/{objectId}/payload", methods=["GET"], include_in_schema=False)
    async def get_object_payload(request: Request) -> Response:
        """Download the payload of a stored object. (GetObjectPayload; clauses OMA-NMS-6.5, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        ctx = context(request, "GetObjectPayload")
        object_id = _path(request, "objectId", 256, None)
        result = await run_in_threadpool(store.get_object_payload, ctx, object_id=object_id)
        return _reply("GetObjectPayload", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/objects/{objectId}/payloadParts/{payloadPartId}",
        methods=["GET"],
        include_in_schema=False,
    )
    async def get_object_payload_part(request: Request) -> Response:
        """Download one payload part of a stored object. (GetObjectPayloadPart; clauses OMA-NMS-6.6, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        ctx = context(request, "GetObjectPayloadPart")
        object_id = _path(request, "objectId", 256, None)
        payload_part_id = _path(request, "payloadPartId", 256, None)
        result = await run_in_threadpool(
            store.get_object_payload_part, ctx, object_id=object_id, payload_part_id=payload_part_id
        )
        return _reply("GetObjectPayloadPart", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/objects/operations/search", methods=["POST"], include_in_schema=False)
    async def search_objects(request: Request) -> Response:
        """Search stored objects. (SearchObjects; clauses OMA-NMS-6.7, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.10, 23.282-7.13-R5)."""
        ctx = context(request, "SearchObjects")
        body = await _json(request, models.SelectionCriteriaBody, limits)
        result = await run_in_threadpool(store.search_objects, ctx, body=body)
        return _reply("SearchObjects", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/objects/operations/pathToId", methods=["GET"], include_in_schema=False)
    async def get_object_id_by_path(request: Request) -> Response:
        """Resolve one object path to its resource URL. (GetObjectIdByPath; clauses OMA-NMS-6.8, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        ctx = context(request, "GetObjectIdByPath")
        path = _query_required(request, "path")
        result = await run_in_threadpool(store.get_object_id_by_path, ctx, path=path)
        return _reply("GetObjectIdByPath", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/objects/operations/pathToId", methods=["POST"], include_in_schema=False)
    async def get_object_ids_by_paths(request: Request) -> Response:
        """Resolve several object paths to their resource URLs. (GetObjectIdsByPaths; clauses OMA-NMS-6.8, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        ctx = context(request, "GetObjectIdsByPaths")
        body = await _json(request, models.PathListBody, limits)
        result = await run_in_threadpool(store.get_object_ids_by_paths, ctx, body=body)
        return _reply("GetObjectIdsByPaths", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/objects/operations/bulkCreation", methods=["POST"], include_in_schema=False
    )
    async def bulk_create_objects(request: Request) -> Response:
        """Create (store) several objects in one request. (BulkCreateObjects; clauses OMA-NMS-6.9, 24.282-21.1-CR3, 23.282-7.13.1-R4, 23.282-7.13.1-R5, 23.282-7.13.3.8-R1, 23.282-7.13.3.16-R1)."""
        ctx = context(request, "BulkCreateObjects")
        if True:
            items = await _multipart(request, limits)
            roots = [p for p in items if p.name == "root-fields"]
            if len(roots) != 1:
                raise BadRequest("root-fields")
            body = _part_json(roots[0], models.ObjectListBody, models.ObjectListRequestBody)
            attachments = [_part_payload(x) for x in items if x.name == "attachments"]
        result = await run_in_threadpool(store.bulk_create_objects, ctx, body=body, attachments=attachments)
        return _reply("BulkCreateObjects", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/folders", methods=["POST"], include_in_schema=False)
    async def create_folder(request: Request) -> Response:
        """Create a folder. (CreateFolder; clauses OMA-NMS-6.10, 24.282-21.1-CR3, 23.282-7.13.1-R4, 23.282-7.13.1-R5, 23.282-7.13.3.16-R1, OMA-NMS-5.1.4)."""
        ctx = context(request, "CreateFolder")
        body = await _json(request, models.FolderBody, limits, check=models.FolderRequestBody)
        result = await run_in_threadpool(store.create_folder, ctx, body=body)
        return _reply("CreateFolder", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/folders/{folderId}", methods=["GET"], include_in_schema=False)
    async def get_folder(request: Request) -> Response:
        """Retrieve a folder, optionally with its subfolders and objects. (GetFolder; clauses OMA-NMS-6.11, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.10)."""
        ctx = context(request, "GetFolder")
        folder_id = _path(request, "folderId", 256, None)
        from_cursor = _query_str(request, "fromCursor")
        max_entries = _query_int(request, "maxEntries", 4294967295)
        list_filter = _query_enum(request, "listFilter", models.ListFilterEnum)
        path = _query_enum(request, "path", models.YesEnum)
        attr_filter = _query_list(request, "attrFilter", 16)
        result = await run_in_threadpool(
            store.get_folder,
            ctx,
            folder_id=folder_id,
            from_cursor=from_cursor,
            max_entries=max_entries,
            list_filter=list_filter,
            path=path,
            attr_filter=attr_filter,
        )
        return _reply("GetFolder", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/folders/{folderId}", methods=["DELETE"], include_in_schema=False)
    async def delete_folder(request: Request) -> Response:
        """Delete a folder and everything in it. (DeleteFolder; clauses OMA-NMS-6.11, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        ctx = context(request, "DeleteFolder")
        folder_id = _path(request, "folderId", 256, None)
        await run_in_threadpool(store.delete_folder, ctx, folder_id=folder_id)
        return _reply("DeleteFolder", request, None)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/folders/{folderId}/folderName", methods=["GET"], include_in_schema=False
    )
    async def get_folder_name(request: Request) -> Response:
        """Retrieve the name of a folder. (GetFolderName; clauses OMA-NMS-6.12, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        ctx = context(request, "GetFolderName")
        folder_id = _path(request, "folderId", 256, None)
        result = await run_in_threadpool(store.get_folder_name, ctx, folder_id=folder_id)
        return _reply("GetFolderName", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/folders/{folderId}/folderName", methods=["PUT"], include_in_schema=False
    )
    async def rename_folder(request: Request) -> Response:
        """Rename a folder. (RenameFolder; clauses OMA-NMS-6.12, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        ctx = context(request, "RenameFolder")
        folder_id = _path(request, "folderId", 256, None)
        body = await _json(request, models.FolderNameBody, limits, check=models.FolderNameRequestBody)
        result = await run_in_threadpool(store.rename_folder, ctx, folder_id=folder_id, body=body)
        return _reply("RenameFolder", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/folders/operations/search", methods=["POST"], include_in_schema=False)
    async def search_folders(request: Request) -> Response:
        """Search folders. (SearchFolders; clauses OMA-NMS-6.13, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.10)."""
        ctx = context(request, "SearchFolders")
        body = await _json(request, models.SelectionCriteriaBody, limits)
        result = await run_in_threadpool(store.search_folders, ctx, body=body)
        return _reply("SearchFolders", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/folders/operations/pathToId", methods=["GET"], include_in_schema=False)
    async def get_folder_id_by_path(request: Request) -> Response:
        """Resolve one folder path (or the root folder) to its resource URL. (GetFolderIdByPath; clauses OMA-NMS-6.14, 24.282-21.1-CR3, 23.282-7.13.1-R4, 23.282-7.13.1-R5)."""
        ctx = context(request, "GetFolderIdByPath")
        path = _query_str(request, "path")
        result = await run_in_threadpool(store.get_folder_id_by_path, ctx, path=path)
        return _reply("GetFolderIdByPath", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/folders/operations/pathToId", methods=["POST"], include_in_schema=False)
    async def get_folder_ids_by_paths(request: Request) -> Response:
        """Resolve several folder paths to their resource URLs. (GetFolderIdsByPaths; clauses OMA-NMS-6.14, 24.282-21.1-CR3, 23.282-7.13.1-R4, 23.282-7.13.1-R5)."""
        ctx = context(request, "GetFolderIdsByPaths")
        body = await _json(request, models.PathListBody, limits)
        result = await run_in_threadpool(store.get_folder_ids_by_paths, ctx, body=body)
        return _reply("GetFolderIdsByPaths", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/folders/operations/copyToFolder", methods=["POST"], include_in_schema=False
    )
    async def copy_to_folder(request: Request) -> Response:
        """Copy objects and folders into a folder. (CopyToFolder; clauses OMA-NMS-6.15, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        ctx = context(request, "CopyToFolder")
        body = await _json(request, models.TargetSourceRefBody, limits)
        result = await run_in_threadpool(store.copy_to_folder, ctx, body=body)
        return _reply("CopyToFolder", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/folders/operations/moveToFolder", methods=["POST"], include_in_schema=False
    )
    async def move_to_folder(request: Request) -> Response:
        """Move objects and folders into a folder. (MoveToFolder; clauses OMA-NMS-6.16, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        ctx = context(request, "MoveToFolder")
        body = await _json(request, models.TargetSourceRefBody, limits)
        result = await run_in_threadpool(store.move_to_folder, ctx, body=body)
        return _reply("MoveToFolder", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/subscriptions", methods=["GET"], include_in_schema=False)
    async def list_subscriptions(request: Request) -> Response:
        """List the subscriptions of the box. (ListSubscriptions; clauses OMA-NMS-6.17, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4, 23.282-7.13-R5)."""
        ctx = context(request, "ListSubscriptions")
        result = await run_in_threadpool(store.list_subscriptions, ctx)
        return _reply("ListSubscriptions", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/subscriptions", methods=["POST"], include_in_schema=False)
    async def create_subscription(request: Request) -> Response:
        """Subscribe to notifications about changes in the box. (CreateSubscription; clauses OMA-NMS-6.17, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        ctx = context(request, "CreateSubscription")
        body = await _json(request, models.NmsSubscriptionBody, limits)
        result = await run_in_threadpool(store.create_subscription, ctx, body=body)
        return _reply("CreateSubscription", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/subscriptions/{subscriptionId}", methods=["GET"], include_in_schema=False
    )
    async def get_subscription(request: Request) -> Response:
        """Retrieve a subscription. (GetSubscription; clauses OMA-NMS-6.18, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        ctx = context(request, "GetSubscription")
        subscription_id = _path(request, "subscriptionId", 256, None)
        result = await run_in_threadpool(store.get_subscription, ctx, subscription_id=subscription_id)
        return _reply("GetSubscription", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/subscriptions/{subscriptionId}", methods=["POST"], include_in_schema=False
    )
    async def update_subscription(request: Request) -> Response:
        """Extend or restart a subscription. (UpdateSubscription; clauses OMA-NMS-6.18, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        ctx = context(request, "UpdateSubscription")
        subscription_id = _path(request, "subscriptionId", 256, None)
        body = await _json(request, models.NmsSubscriptionUpdateBody, limits)
        result = await run_in_threadpool(store.update_subscription, ctx, subscription_id=subscription_id, body=body)
        return _reply("UpdateSubscription", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/subscriptions/{subscriptionId}", methods=["DELETE"], include_in_schema=False
    )
    async def delete_subscription(request: Request) -> Response:
        """End a subscription. (DeleteSubscription; clauses OMA-NMS-6.18, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        ctx = context(request, "DeleteSubscription")
        subscription_id = _path(request, "subscriptionId", 256, None)
        await run_in_threadpool(store.delete_subscription, ctx, subscription_id=subscription_id)
        return _reply("DeleteSubscription", request, None)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/objects/operations/bulkUpdate", methods=["POST"], include_in_schema=False
    )
    async def bulk_update_objects(request: Request) -> Response:
        """Add or remove a flag on several objects. (BulkUpdateObjects; clauses OMA-NMS-LATER-bulkUpdate, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        ctx = context(request, "BulkUpdateObjects")
        body = await _json(request, models.BulkUpdateBody, limits)
        result = await run_in_threadpool(store.bulk_update_objects, ctx, body=body)
        return _reply("BulkUpdateObjects", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/objects/operations/bulkDelete", methods=["DELETE"], include_in_schema=False
    )
    async def bulk_delete_objects(request: Request) -> Response:
        """Delete several objects. (BulkDeleteObjects; clauses OMA-NMS-LATER-bulkDelete, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        ctx = context(request, "BulkDeleteObjects")
        body = await _json(request, models.BulkDeleteBody, limits)
        result = await run_in_threadpool(store.bulk_delete_objects, ctx, body=body)
        return _reply("BulkDeleteObjects", request, result)

    # OMA-COMMON-HTTP-405: after the operations, every other method of a resource
    # (known or not, e.g. QUERY) gets 405 with its exact Allow value
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/objects", NotAllowed("POST")))
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/objects/{objectId}", NotAllowed("GET, DELETE")))
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/objects/{objectId}/flags", NotAllowed("GET, PUT")))
    app.router.routes.append(
        Route("/nms/v1/{storeName}/{boxId}/objects/{objectId}/flags/{flagName}", NotAllowed("GET, PUT, DELETE"))
    )
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/objects/{objectId}/payload", NotAllowed("GET")))
    app.router.routes.append(
        Route("/nms/v1/{storeName}/{boxId}/objects/{objectId}/payloadParts/{payloadPartId}", NotAllowed("GET"))
    )
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/objects/operations/search", NotAllowed("POST")))
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/objects/operations/pathToId", NotAllowed("GET, POST")))
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/objects/operations/bulkCreation", NotAllowed("POST")))
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/folders", NotAllowed("POST")))
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/folders/{folderId}", NotAllowed("GET, DELETE")))
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/folders/{folderId}/folderName", NotAllowed("GET, PUT")))
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/folders/operations/search", NotAllowed("POST")))
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/folders/operations/pathToId", NotAllowed("GET, POST")))
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/folders/operations/copyToFolder", NotAllowed("POST")))
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/folders/operations/moveToFolder", NotAllowed("POST")))
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/subscriptions", NotAllowed("GET, POST")))
    app.router.routes.append(
        Route("/nms/v1/{storeName}/{boxId}/subscriptions/{subscriptionId}", NotAllowed("GET, POST, DELETE"))
    )
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/objects/operations/bulkUpdate", NotAllowed("POST")))
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/objects/operations/bulkDelete", NotAllowed("DELETE")))
    return app
