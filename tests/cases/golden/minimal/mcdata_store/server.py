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
from ._runtime.requests import BadRequest, BodyReader, path_param, query_enum
from ._runtime.values import Answer, Body, Outcome, Payload
from .auth import AuthFailure, AuthSettings, TokenValidator, bearer_token
from .store import EXCEPTIONS, Context, MessageStore, StoreError, request_error

# fmt: off
# The clauses this module realises: the application's as a whole (create_app), the answer to every other method
# of a resource (NotAllowed), and each operation's route, by operationId.
CLAUSES: dict[str, tuple[str, ...]] = {
    "create_app": ("C-1",),
    "NotAllowed": ("C-1",),
    "CreateThing": ("C-1",),
    "GetThing": ("C-1",),
    "DeleteThing": ("C-1",),
}
# fmt: on
# the NMS types that travel as JSON bodies
BODIES: tuple[Body, ...] = (
    Body(models.RequestError, models.RequestErrorBody, "requestError"),
    Body(models.Thing, models.ThingBody, "thing"),
)
EMPTY: type[BaseModel] | None = None  # the dummy body written as {"empty": null}
# operationId -> interfaces allowed to call it (deny by default: every route is listed)
OPERATION_INTERFACES: dict[str, tuple[str, ...]] = {
    "CreateThing": ("MCData-7", "MCData-8"),
    "GetThing": ("MCData-7",),
    "DeleteThing": ("MCData-7",),
}
# fmt: off
# operationId -> its outcomes by HTTP status
OUTCOMES: dict[str, dict[int, Outcome]] = {
    "CreateThing": {201: Outcome((models.Thing,), location=True)},
    "GetThing": {200: Outcome((models.Thing,))},
    "DeleteThing": {204: Outcome()},
}
# fmt: on
# NMS type -> its read-only members (the server assigns them; a request that sends one is refused)
READ_ONLY: dict[type[BaseModel], tuple[str, ...]] = {
    models.Thing: ("size",),
}
# resource path -> its Allow value (OMA NMS)
ALLOW: dict[str, str] = {
    "/nms/v1/{storeName}/{boxId}/things": "POST",
    "/nms/v1/{storeName}/{boxId}/things/{thingId}": "GET, DELETE",
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
        """Create a thing. (CreateThing)."""
        ctx = context(request, "CreateThing")
        body = await read.json(request, models.ThingBody)
        result = await run_in_threadpool(store.create_thing, ctx, body=body)
        return _reply("CreateThing", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/things/{thingId}", methods=["GET"], include_in_schema=False)
    async def get_thing(request: Request) -> Response:
        """Read a thing. (GetThing)."""
        ctx = context(request, "GetThing")
        thing_id = path_param(request, "thingId", 256, None)
        colour = query_enum(request, "colour", models.Colour)
        result = await run_in_threadpool(store.get_thing, ctx, thing_id=thing_id, colour=colour)
        return _reply("GetThing", request, result)

    @app.api_route("/nms/v1/{storeName}/{boxId}/things/{thingId}", methods=["DELETE"], include_in_schema=False)
    async def delete_thing(request: Request) -> Response:
        """Delete a thing. (DeleteThing)."""
        ctx = context(request, "DeleteThing")
        thing_id = path_param(request, "thingId", 256, None)
        await run_in_threadpool(store.delete_thing, ctx, thing_id=thing_id)
        return _reply("DeleteThing", request, None)

    # after the operations, every other method of a resource (known or not, e.g. QUERY) gets 405 with its exact
    # Allow value
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/things", NotAllowed("POST")))
    app.router.routes.append(Route("/nms/v1/{storeName}/{boxId}/things/{thingId}", NotAllowed("GET, DELETE")))
    return app
