# generated from spec/ by nmsgen - do not edit
"""The FastAPI application of the message store: HTTP, auth and error mapping around a MessageStore.

``create_app(store, auth)`` routes every operation of the document. Each route authenticates the
caller with the clause-21 rules (``auth.py``) before anything else, parses and validates the request
against the generated models (reading it with the static runtime, ``_runtime/requests.py``), calls the
store in a worker thread and writes the NMS JSON encoding. Every failure is an NMS ``requestError``:
invalid input 400 SVC0002, unknown resource 404 SVC0004, unsupported method 405 with the exact ``Allow``
value of the resource, store refusals with their exception's status, anything unexpected 500 SVC0001
without internals. The clauses each part realises are in ``CLAUSES``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import quote, unquote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from . import models
from ._runtime.requests import (
    BadRequest,
    BodyReader,
    part_payload,
    path_param,
    query_enum,
    query_int,
    query_list,
    query_required,
    query_str,
)
from ._runtime.values import Answer, Body, Outcome, Payload
from .auth import AuthFailure, AuthSettings, TokenValidator, bearer_token
from .store import EXCEPTIONS, Context, MessageStore, StoreError, request_error

# fmt: off
# The clauses this module realises: the application's as a whole (create_app), the answer to every other method
# of a resource (NotAllowed), and each operation's route, by operationId.
CLAUSES: dict[str, tuple[str, ...]] = {
    "create_app": ("24.282-21.1-CR3", "OMA-NMS-5.2", "OMA-NMS-6", "23.282-7.13.1-R1", "24.282-21.1-R6", "24.282-21.1-R7", "24.282-21.1-R8", "24.282-21.1-CR1", "24.282-21.1-CR4", "23.282-7.13-R4", "23.282-7.13.1-R2"),
    "NotAllowed": ("OMA-COMMON-HTTP-405",),
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
}
# fmt: on
# the NMS types that travel as JSON bodies
BODIES: tuple[Body, ...] = (
    Body(models.BulkDelete, models.BulkDeleteBody, "bulkDelete"),
    Body(models.BulkResponseList, models.BulkResponseListBody, "bulkResponseList"),
    Body(models.BulkUpdate, models.BulkUpdateBody, "bulkUpdate"),
    Body(models.Empty, models.EmptyBody, "empty"),
    Body(models.FlagList, models.FlagListBody, "flagList"),
    Body(models.Folder, models.FolderBody, "folder"),
    Body(models.FolderList, models.FolderListBody, "folderList"),
    Body(models.FolderName, models.FolderNameBody, "name"),
    Body(models.FolderReferenceList, models.FolderReferenceListBody, "folderReferenceList"),
    Body(models.NmsEventList, models.NmsEventListBody, "nmsEventList"),
    Body(models.NmsSubscription, models.NmsSubscriptionBody, "nmsSubscription"),
    Body(models.NmsSubscriptionList, models.NmsSubscriptionListBody, "nmsSubscriptionList"),
    Body(models.NmsSubscriptionUpdate, models.NmsSubscriptionUpdateBody, "nmsSubscriptionUpdate"),
    Body(models.Object, models.ObjectBody, "object"),
    Body(models.ObjectList, models.ObjectListBody, "objectList"),
    Body(models.ObjectReferenceList, models.ObjectReferenceListBody, "objectReferenceList"),
    Body(models.PathList, models.PathListBody, "pathList"),
    Body(models.Reference, models.ReferenceBody, "reference"),
    Body(models.RequestError, models.RequestErrorBody, "requestError"),
    Body(models.SelectionCriteria, models.SelectionCriteriaBody, "selectionCriteria"),
    Body(models.TargetSourceRef, models.TargetSourceRefBody, "targetSourceRef"),
)
EMPTY: type[BaseModel] | None = models.Empty  # the dummy body written as {"empty": null}
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
# fmt: off
# operationId -> its outcomes by HTTP status
OUTCOMES: dict[str, dict[int, Outcome]] = {
    "CreateObject": {201: Outcome((models.Reference, models.Object), location=True)},
    "GetObject": {200: Outcome((models.Object,))},
    "DeleteObject": {204: Outcome()},
    "GetObjectFlags": {200: Outcome((models.FlagList,))},
    "ReplaceObjectFlags": {200: Outcome((models.FlagList,))},
    "GetObjectFlag": {204: Outcome(), 404: Outcome((models.Empty,))},
    "SetObjectFlag": {201: Outcome((models.Empty,), location=True), 204: Outcome()},
    "DeleteObjectFlag": {204: Outcome(), 404: Outcome((models.Empty,))},
    "GetObjectPayload": {200: Outcome(payload=True)},
    "GetObjectPayloadPart": {200: Outcome(payload=True)},
    "SearchObjects": {200: Outcome((models.ObjectList, models.ObjectReferenceList))},
    "GetObjectIdByPath": {200: Outcome((models.Reference,))},
    "GetObjectIdsByPaths": {200: Outcome((models.BulkResponseList,))},
    "BulkCreateObjects": {200: Outcome((models.BulkResponseList,))},
    "CreateFolder": {201: Outcome((models.Reference, models.Folder), location=True)},
    "GetFolder": {200: Outcome((models.Folder,))},
    "DeleteFolder": {204: Outcome()},
    "GetFolderName": {200: Outcome((models.FolderName,))},
    "RenameFolder": {200: Outcome((models.FolderName,))},
    "SearchFolders": {200: Outcome((models.FolderList, models.FolderReferenceList))},
    "GetFolderIdByPath": {200: Outcome((models.Reference,))},
    "GetFolderIdsByPaths": {200: Outcome((models.BulkResponseList,))},
    "CopyToFolder": {200: Outcome((models.BulkResponseList,))},
    "MoveToFolder": {200: Outcome((models.BulkResponseList,))},
    "ListSubscriptions": {200: Outcome((models.NmsSubscriptionList,))},
    "CreateSubscription": {201: Outcome((models.NmsSubscription,), location=True)},
    "GetSubscription": {200: Outcome((models.NmsSubscription,))},
    "UpdateSubscription": {200: Outcome((models.NmsSubscription,))},
    "DeleteSubscription": {204: Outcome()},
    "BulkUpdateObjects": {200: Outcome((models.BulkResponseList,))},
    "BulkDeleteObjects": {200: Outcome((models.BulkResponseList,))},
}
# fmt: on
# NMS type -> its read-only members (the server assigns them; a request that sends one is refused)
READ_ONLY: dict[type[BaseModel], tuple[str, ...]] = {
    models.Folder: ("resourceURL", "path", "lastModSeq", "cursor", "subFolders", "objects"),
    models.FolderList: ("cursor",),
    models.Object: ("resourceURL", "path", "payloadURL", "payloadPart", "lastModSeq"),
    models.ObjectList: ("cursor", "creationCursor"),
    models.FlagList: ("resourceURL",),
    models.NmsSubscription: ("resourceURL", "index"),
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


class OwnAnswer(NamedTuple):
    """An answer the server makes by itself (spec/api.yaml): its exception and the values of its %1.."""

    exception: str
    variables: list[str]


NOT_FOUND = OwnAnswer("SVC0004", ["Request-URI"])
NOT_ALLOWED = OwnAnswer("SVC0001", ["405"])
INTERNAL_ERROR = OwnAnswer("SVC0001", ["500"])
_BODY_OF = {b.inner: b for b in BODIES}
_BASE = re.compile("^/nms/v1/([^/?]+)/([^/?]+)(?:/|$)")


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
    return _json_response(
        status or EXCEPTIONS[exception_id].status, error_body(exception_id, variables, links), headers
    )


def _wrap(inner: BaseModel) -> dict[str, Any]:
    """An NMS value in its root element, as the NMS JSON encoding."""
    body = _BODY_OF[type(inner)]
    return body.wrapper(**{body.root: inner}).to_wire()


def _reply(op_id: str, request: Request, result: object) -> Response:
    """The answer of ``op_id`` for what the store returned: one of the operation's outcomes, else an error."""
    outcomes = OUTCOMES[op_id]
    body: object
    if isinstance(result, Answer):
        status, body, location = result.status, result.body, result.location
    else:
        (status,) = outcomes
        body, location = result, None
    outcome = outcomes.get(status)
    if outcome is None:
        raise RuntimeError(f"the store answered {op_id} with {status}, which the API does not define")
    headers: dict[str, str] = {}
    if outcome.location:
        headers["Location"] = location or getattr(body, "resourceURL", None) or str(request.url)
    if outcome.payload:
        if not isinstance(body, Payload):
            raise RuntimeError(f"the store answered {op_id} without a Payload")
        # the Content-Type exactly as stored (media_type= would add "; charset=utf-8" to text/*)
        return Response(body.content, status_code=status, headers={**headers, "Content-Type": body.media_type})
    if body is None or (EMPTY is not None and type(body) is EMPTY):
        if EMPTY in outcome.types:
            return _json_response(status, {"empty": None}, headers)
        if outcome.types:
            raise RuntimeError(f"the store answered {op_id} {status} without a body")
        return Response(status_code=status, headers=headers)
    if not isinstance(body, BaseModel) or type(body) not in outcome.types:
        raise RuntimeError(f"the store answered {op_id} {status} with a {type(body).__name__}")
    return _json_response(status, _wrap(body), headers)


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
    read = BodyReader(limits.max_json_bytes, limits.max_body_bytes, limits.max_parts, READ_ONLY)
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
        """Create (store) an object with its payload. (CreateObject)."""
        ctx = context(request, "CreateObject")
        if request.headers.get("content-type", "").lower().startswith("application/json"):
            body = await read.json(request, models.ObjectBody)
            attachments: Payload | None = None
        else:
            items = await read.multipart(request)
            roots = [p for p in items if p.name == "root-fields"]
            if len(roots) != 1:
                raise BadRequest("root-fields")
            body = read.part_json(roots[0], models.ObjectBody)
            found = [x for x in items if x.name == "attachments"]
            if len(found) > 1:
                raise BadRequest("attachments")
            attachments = part_payload(found[0]) if found else None
        result = await run_in_threadpool(store.create_object, ctx, body=body, attachments=attachments)
        return _reply("CreateObject", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/objects/{objectId}", methods=["GET"], include_in_schema=False)
    async def get_object(request: Request) -> Response:
        """Retrieve a stored object. (GetObject)."""
        ctx = context(request, "GetObject")
        object_id = path_param(request, "objectId", 256, None)
        result = await run_in_threadpool(store.get_object, ctx, object_id=object_id)
        return _reply("GetObject", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/objects/{objectId}", methods=["DELETE"], include_in_schema=False)
    async def delete_object(request: Request) -> Response:
        """Delete a stored object. (DeleteObject)."""
        ctx = context(request, "DeleteObject")
        object_id = path_param(request, "objectId", 256, None)
        await run_in_threadpool(store.delete_object, ctx, object_id=object_id)
        return _reply("DeleteObject", request, None)

    @app.api_route("/nms/v1/{storeName}/{boxId}/objects/{objectId}/flags", methods=["GET"], include_in_schema=False)
    async def get_object_flags(request: Request) -> Response:
        """Retrieve the flags of a stored object. (GetObjectFlags)."""
        ctx = context(request, "GetObjectFlags")
        object_id = path_param(request, "objectId", 256, None)
        result = await run_in_threadpool(store.get_object_flags, ctx, object_id=object_id)
        return _reply("GetObjectFlags", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/objects/{objectId}/flags", methods=["PUT"], include_in_schema=False)
    async def replace_object_flags(request: Request) -> Response:
        """Create or update the flags of a stored object. (ReplaceObjectFlags)."""
        ctx = context(request, "ReplaceObjectFlags")
        object_id = path_param(request, "objectId", 256, None)
        body = await read.json(request, models.FlagListBody)
        result = await run_in_threadpool(store.replace_object_flags, ctx, object_id=object_id, body=body)
        return _reply("ReplaceObjectFlags", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/objects/{objectId}/flags/{flagName}", methods=["GET"], include_in_schema=False
    )
    async def get_object_flag(request: Request) -> Response:
        """Test whether a flag is set on a stored object. (GetObjectFlag)."""
        ctx = context(request, "GetObjectFlag")
        object_id = path_param(request, "objectId", 256, None)
        flag_name = path_param(request, "flagName", 256, re.compile("^[^\\x00-\\x1F\\x7F]+$"))
        result = await run_in_threadpool(store.get_object_flag, ctx, object_id=object_id, flag_name=flag_name)
        return _reply("GetObjectFlag", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/objects/{objectId}/flags/{flagName}", methods=["PUT"], include_in_schema=False
    )
    async def set_object_flag(request: Request) -> Response:
        """Set a flag on a stored object. (SetObjectFlag)."""
        ctx = context(request, "SetObjectFlag")
        object_id = path_param(request, "objectId", 256, None)
        flag_name = path_param(request, "flagName", 256, re.compile("^[^\\x00-\\x1F\\x7F]+$"))
        await read.json(request, models.EmptyBody, optional=True)
        result = await run_in_threadpool(store.set_object_flag, ctx, object_id=object_id, flag_name=flag_name)
        return _reply("SetObjectFlag", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/objects/{objectId}/flags/{flagName}", methods=["DELETE"], include_in_schema=False
    )
    async def delete_object_flag(request: Request) -> Response:
        """Clear a flag of a stored object. (DeleteObjectFlag)."""
        ctx = context(request, "DeleteObjectFlag")
        object_id = path_param(request, "objectId", 256, None)
        flag_name = path_param(request, "flagName", 256, re.compile("^[^\\x00-\\x1F\\x7F]+$"))
        result = await run_in_threadpool(store.delete_object_flag, ctx, object_id=object_id, flag_name=flag_name)
        return _reply("DeleteObjectFlag", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/objects/{objectId}/payload", methods=["GET"], include_in_schema=False)
    async def get_object_payload(request: Request) -> Response:
        """Download the payload of a stored object. (GetObjectPayload)."""
        ctx = context(request, "GetObjectPayload")
        object_id = path_param(request, "objectId", 256, None)
        result = await run_in_threadpool(store.get_object_payload, ctx, object_id=object_id)
        return _reply("GetObjectPayload", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/objects/{objectId}/payloadParts/{payloadPartId}",
        methods=["GET"],
        include_in_schema=False,
    )
    async def get_object_payload_part(request: Request) -> Response:
        """Download one payload part of a stored object. (GetObjectPayloadPart)."""
        ctx = context(request, "GetObjectPayloadPart")
        object_id = path_param(request, "objectId", 256, None)
        payload_part_id = path_param(request, "payloadPartId", 256, None)
        result = await run_in_threadpool(
            store.get_object_payload_part, ctx, object_id=object_id, payload_part_id=payload_part_id
        )
        return _reply("GetObjectPayloadPart", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/objects/operations/search", methods=["POST"], include_in_schema=False)
    async def search_objects(request: Request) -> Response:
        """Search stored objects. (SearchObjects)."""
        ctx = context(request, "SearchObjects")
        body = await read.json(request, models.SelectionCriteriaBody)
        result = await run_in_threadpool(store.search_objects, ctx, body=body)
        return _reply("SearchObjects", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/objects/operations/pathToId", methods=["GET"], include_in_schema=False)
    async def get_object_id_by_path(request: Request) -> Response:
        """Resolve one object path to its resource URL. (GetObjectIdByPath)."""
        ctx = context(request, "GetObjectIdByPath")
        path = query_required(request, "path", 1024)
        result = await run_in_threadpool(store.get_object_id_by_path, ctx, path=path)
        return _reply("GetObjectIdByPath", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/objects/operations/pathToId", methods=["POST"], include_in_schema=False)
    async def get_object_ids_by_paths(request: Request) -> Response:
        """Resolve several object paths to their resource URLs. (GetObjectIdsByPaths)."""
        ctx = context(request, "GetObjectIdsByPaths")
        body = await read.json(request, models.PathListBody)
        result = await run_in_threadpool(store.get_object_ids_by_paths, ctx, body=body)
        return _reply("GetObjectIdsByPaths", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/objects/operations/bulkCreation", methods=["POST"], include_in_schema=False
    )
    async def bulk_create_objects(request: Request) -> Response:
        """Create (store) several objects in one request. (BulkCreateObjects)."""
        ctx = context(request, "BulkCreateObjects")
        items = await read.multipart(request)
        roots = [p for p in items if p.name == "root-fields"]
        if len(roots) != 1:
            raise BadRequest("root-fields")
        body = read.part_json(roots[0], models.ObjectListBody, models.ObjectListRequestBody)
        attachments = [part_payload(x) for x in items if x.name == "attachments"]
        result = await run_in_threadpool(store.bulk_create_objects, ctx, body=body, attachments=attachments)
        return _reply("BulkCreateObjects", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/folders", methods=["POST"], include_in_schema=False)
    async def create_folder(request: Request) -> Response:
        """Create a folder. (CreateFolder)."""
        ctx = context(request, "CreateFolder")
        body = await read.json(request, models.FolderBody, check=models.FolderRequestBody)
        result = await run_in_threadpool(store.create_folder, ctx, body=body)
        return _reply("CreateFolder", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/folders/{folderId}", methods=["GET"], include_in_schema=False)
    async def get_folder(request: Request) -> Response:
        """Retrieve a folder, optionally with its subfolders and objects. (GetFolder)."""
        ctx = context(request, "GetFolder")
        folder_id = path_param(request, "folderId", 256, None)
        from_cursor = query_str(request, "fromCursor", 1024)
        max_entries = query_int(request, "maxEntries", 4294967295)
        list_filter = query_enum(request, "listFilter", models.ListFilterEnum)
        path = query_enum(request, "path", models.YesEnum)
        attr_filter = query_list(request, "attrFilter", 16, 1024)
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
        """Delete a folder and everything in it. (DeleteFolder)."""
        ctx = context(request, "DeleteFolder")
        folder_id = path_param(request, "folderId", 256, None)
        await run_in_threadpool(store.delete_folder, ctx, folder_id=folder_id)
        return _reply("DeleteFolder", request, None)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/folders/{folderId}/folderName", methods=["GET"], include_in_schema=False
    )
    async def get_folder_name(request: Request) -> Response:
        """Retrieve the name of a folder. (GetFolderName)."""
        ctx = context(request, "GetFolderName")
        folder_id = path_param(request, "folderId", 256, None)
        result = await run_in_threadpool(store.get_folder_name, ctx, folder_id=folder_id)
        return _reply("GetFolderName", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/folders/{folderId}/folderName", methods=["PUT"], include_in_schema=False
    )
    async def rename_folder(request: Request) -> Response:
        """Rename a folder. (RenameFolder)."""
        ctx = context(request, "RenameFolder")
        folder_id = path_param(request, "folderId", 256, None)
        body = await read.json(request, models.FolderNameBody, check=models.FolderNameRequestBody)
        result = await run_in_threadpool(store.rename_folder, ctx, folder_id=folder_id, body=body)
        return _reply("RenameFolder", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/folders/operations/search", methods=["POST"], include_in_schema=False)
    async def search_folders(request: Request) -> Response:
        """Search folders. (SearchFolders)."""
        ctx = context(request, "SearchFolders")
        body = await read.json(request, models.SelectionCriteriaBody, check=models.SearchFoldersRequestBody)
        result = await run_in_threadpool(store.search_folders, ctx, body=body)
        return _reply("SearchFolders", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/folders/operations/pathToId", methods=["GET"], include_in_schema=False)
    async def get_folder_id_by_path(request: Request) -> Response:
        """Resolve one folder path (or the root folder) to its resource URL. (GetFolderIdByPath)."""
        ctx = context(request, "GetFolderIdByPath")
        path = query_str(request, "path", 1024)
        result = await run_in_threadpool(store.get_folder_id_by_path, ctx, path=path)
        return _reply("GetFolderIdByPath", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/folders/operations/pathToId", methods=["POST"], include_in_schema=False)
    async def get_folder_ids_by_paths(request: Request) -> Response:
        """Resolve several folder paths to their resource URLs. (GetFolderIdsByPaths)."""
        ctx = context(request, "GetFolderIdsByPaths")
        body = await read.json(request, models.PathListBody)
        result = await run_in_threadpool(store.get_folder_ids_by_paths, ctx, body=body)
        return _reply("GetFolderIdsByPaths", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/folders/operations/copyToFolder", methods=["POST"], include_in_schema=False
    )
    async def copy_to_folder(request: Request) -> Response:
        """Copy objects and folders into a folder. (CopyToFolder)."""
        ctx = context(request, "CopyToFolder")
        body = await read.json(request, models.TargetSourceRefBody)
        result = await run_in_threadpool(store.copy_to_folder, ctx, body=body)
        return _reply("CopyToFolder", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/folders/operations/moveToFolder", methods=["POST"], include_in_schema=False
    )
    async def move_to_folder(request: Request) -> Response:
        """Move objects and folders into a folder. (MoveToFolder)."""
        ctx = context(request, "MoveToFolder")
        body = await read.json(request, models.TargetSourceRefBody)
        result = await run_in_threadpool(store.move_to_folder, ctx, body=body)
        return _reply("MoveToFolder", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/subscriptions", methods=["GET"], include_in_schema=False)
    async def list_subscriptions(request: Request) -> Response:
        """List the subscriptions of the box. (ListSubscriptions)."""
        ctx = context(request, "ListSubscriptions")
        result = await run_in_threadpool(store.list_subscriptions, ctx)
        return _reply("ListSubscriptions", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/subscriptions", methods=["POST"], include_in_schema=False)
    async def create_subscription(request: Request) -> Response:
        """Subscribe to notifications about changes in the box. (CreateSubscription)."""
        ctx = context(request, "CreateSubscription")
        body = await read.json(request, models.NmsSubscriptionBody, check=models.CreateSubscriptionRequestBody)
        result = await run_in_threadpool(store.create_subscription, ctx, body=body)
        return _reply("CreateSubscription", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/subscriptions/{subscriptionId}", methods=["GET"], include_in_schema=False
    )
    async def get_subscription(request: Request) -> Response:
        """Retrieve a subscription. (GetSubscription)."""
        ctx = context(request, "GetSubscription")
        subscription_id = path_param(request, "subscriptionId", 256, None)
        result = await run_in_threadpool(store.get_subscription, ctx, subscription_id=subscription_id)
        return _reply("GetSubscription", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/subscriptions/{subscriptionId}", methods=["POST"], include_in_schema=False
    )
    async def update_subscription(request: Request) -> Response:
        """Extend or restart a subscription. (UpdateSubscription)."""
        ctx = context(request, "UpdateSubscription")
        subscription_id = path_param(request, "subscriptionId", 256, None)
        body = await read.json(request, models.NmsSubscriptionUpdateBody)
        result = await run_in_threadpool(store.update_subscription, ctx, subscription_id=subscription_id, body=body)
        return _reply("UpdateSubscription", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/subscriptions/{subscriptionId}", methods=["DELETE"], include_in_schema=False
    )
    async def delete_subscription(request: Request) -> Response:
        """End a subscription. (DeleteSubscription)."""
        ctx = context(request, "DeleteSubscription")
        subscription_id = path_param(request, "subscriptionId", 256, None)
        await run_in_threadpool(store.delete_subscription, ctx, subscription_id=subscription_id)
        return _reply("DeleteSubscription", request, None)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/objects/operations/bulkUpdate", methods=["POST"], include_in_schema=False
    )
    async def bulk_update_objects(request: Request) -> Response:
        """Add or remove a flag on several objects. (BulkUpdateObjects)."""
        ctx = context(request, "BulkUpdateObjects")
        body = await read.json(request, models.BulkUpdateBody)
        result = await run_in_threadpool(store.bulk_update_objects, ctx, body=body)
        return _reply("BulkUpdateObjects", request, result)

    @app.api_route(
        "/nms/v1/{storeName}/{boxId}/objects/operations/bulkDelete", methods=["DELETE"], include_in_schema=False
    )
    async def bulk_delete_objects(request: Request) -> Response:
        """Delete several objects. (BulkDeleteObjects)."""
        ctx = context(request, "BulkDeleteObjects")
        body = await read.json(request, models.BulkDeleteBody)
        result = await run_in_threadpool(store.bulk_delete_objects, ctx, body=body)
        return _reply("BulkDeleteObjects", request, result)

    # after the operations, every other method of a resource (known or not, e.g. QUERY) gets 405 with its exact
    # Allow value
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
