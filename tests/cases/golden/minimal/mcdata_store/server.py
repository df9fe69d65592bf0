# generated from spec/ by nmsgen - do not edit
"""The FastAPI application of the message store: HTTP, auth and error mapping around a MessageStore.

``create_app(store, auth)`` routes every operation of the document. Each route authenticates the
caller with the clause-21 rules (``auth.py``) before anything else, parses and validates the request
against the generated models, calls the store in a worker thread and writes the NMS JSON encoding.
Every failure is an NMS ``requestError``: invalid input 400 SVC0002, unknown resource 404 SVC0004,
unsupported method 405 with the exact ``Allow`` value of the resource, store refusals with their
exception's status, anything unexpected 500 SVC0001 without internals.

Clauses: C-1.
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
    "RequestError": (models.RequestErrorBody, "requestError"),
    "Thing": (models.ThingBody, "thing"),
}
# operationId -> interfaces allowed to call it (deny by default: every route is listed)
OPERATION_INTERFACES: dict[str, tuple[str, ...]] = {
    "CreateThing": ("MCData-7", "MCData-8"),
    "GetThing": ("MCData-7",),
    "DeleteThing": ("MCData-7",),
}
# operationId -> {status: (body types, payload?, Location?)} of its outcomes
OUTCOMES: dict[str, dict[int, tuple[tuple[str, ...], bool, bool]]] = {
    "CreateThing": {201: (("Thing",), False, True)},
    "GetThing": {200: (("Thing",), False, False)},
    "DeleteThing": {204: ((), False, False)},
}
# NMS type -> its read-only members (the server assigns them; a request that sends one is refused)
READ_ONLY: dict[str, tuple[str, ...]] = {"Thing": ("size",)}
# resource path -> its Allow value (OMA NMS)
ALLOW: dict[str, str] = {
    "/nms/v1/{storeName}/{boxId}/things": "POST",
    "/nms/v1/{storeName}/{boxId}/things/{thingId}": "GET, DELETE",
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
    app = FastAPI(title="Minimal store", version="0.0.1", openapi_url=None, docs_url=None, redoc_url=None)

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

    @app.api_route("/nms/v1/{storeName}/{boxId}/things", methods=["POST"], include_in_schema=False)
    async def create_thing(request: Request) -> Response:
        """Create a thing. (CreateThing; clauses C-1)."""
        ctx = context(request, "CreateThing")
        body = await _json(request, models.ThingBody, limits)
        result = await run_in_threadpool(store.create_thing, ctx, body=body)
        return _reply("CreateThing", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/things/{thingId}", methods=["GET"], include_in_schema=False)
    async def get_thing(request: Request) -> Response:
        """Read a thing. (GetThing; clauses C-1)."""
        ctx = context(request, "GetThing")
        thing_id = _path(request, "thingId", 256, None)
        colour = _query_enum(request, "colour", models.Colour)
        result = await run_in_threadpool(store.get_thing, ctx, thing_id=thing_id, colour=colour)
        return _reply("GetThing", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/things/{thingId}", methods=["DELETE"], include_in_schema=False)
    async def delete_thing(request: Request) -> Response:
        """Delete a thing. (DeleteThing; clauses C-1)."""
        ctx = context(request, "DeleteThing")
        thing_id = _path(request, "thingId", 256, None)
        await run_in_threadpool(store.delete_thing, ctx, thing_id=thing_id)
        return _reply("DeleteThing", request, None)

    # C-1: after the operations, every other method of a resource
    # (known or not, e.g. QUERY) gets 405 with its exact Allow value
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/things", NotAllowed("POST")))
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/things/{thingId}", NotAllowed("GET, DELETE")))
    return app
