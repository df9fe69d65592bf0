# generated from spec/ by nmsgen - do not edit
"""Typed clients of the message store API: :class:`MessageStoreClient` (sync) and
:class:`AsyncMessageStoreClient` (async), one method per operation, NMS models in and out.

* The base URL is ``{apiRoot}``; the client adds ``/nms/v1/{storeName}/{boxId}``.
* TLS is always verified (``ca_bundle`` names extra CAs); ``http://`` is refused. Only the explicitly named
  test switch ``insecure_http_for_tests`` allows plain HTTP.
* Failures raise :class:`NmsApiError` subclasses carrying the HTTP status and the ``requestError``
  (message id, text, variables).
* Tokens: pass ``auth=`` :class:`BearerTokenAuth` (MCData-7: a user's MCData access token, refreshed through
  a callback) or :class:`ClientCredentialsAuth` (MCData-8: OAuth 2.0 client credentials, RFC 6749 section 4.4).
"""

from __future__ import annotations

import json
import secrets
import ssl
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar, overload
from urllib.parse import quote

import anyio.to_thread
import httpx
import httpx_auth
from pydantic import BaseModel

from . import models
from ._base import NmsModel, tolerant
from ._runtime.errors import NmsApiError as NmsApiError  # noqa: PLC0414 - re-exported: the clients' errors
from ._runtime.errors import TokenError as TokenError  # noqa: PLC0414
from ._runtime.tokens import BearerTokenAuth as BearerTokenAuth  # noqa: PLC0414 - re-exported: MCData-7 auth
from ._runtime.tokens import grant_error, invalid_token
from ._runtime.values import Answer, Body, Outcome, Payload

T = TypeVar("T")
U = TypeVar("U")
V = TypeVar("V")

# fmt: off
# The clauses this module realises: the MCData-8 token grant (ClientCredentialsAuth) and each operation's client
# methods (sync and async), by operationId.
CLAUSES: dict[str, tuple[str, ...]] = {
    "ClientCredentialsAuth": ("C-1",),
    "CreateThing": ("C-1",),
    "GetThing": ("C-1",),
    "DeleteThing": ("C-1",),
}
# operationId -> its outcomes by HTTP status
OUTCOMES: dict[str, dict[int, Outcome]] = {
    "CreateThing": {201: Outcome((models.Thing,), location=True)},
    "GetThing": {200: Outcome((models.Thing,))},
    "DeleteThing": {204: Outcome()},
}
# fmt: on
# the NMS types that travel as JSON bodies
BODIES: tuple[Body, ...] = (
    Body(models.RequestError, models.RequestErrorBody, "requestError"),
    Body(models.Thing, models.ThingBody, "thing"),
)
EMPTY: type[BaseModel] | None = None  # the dummy body written as {"empty": null}
_BODY_AT = {b.root: b for b in BODIES}


class Unauthorized(NmsApiError):
    """HTTP 401."""


class Forbidden(NmsApiError):
    """HTTP 403."""


class NotFound(NmsApiError):
    """HTTP 404."""


class MethodNotAllowed(NmsApiError):
    """HTTP 405."""


ERRORS: dict[int, type[NmsApiError]] = {401: Unauthorized, 403: Forbidden, 404: NotFound, 405: MethodNotAllowed}


class ClientCredentialsAuth(httpx.Auth):
    """MCData-8: an OAuth 2.0 client credentials grant (RFC 6749 section 4.4) through httpx-auth: the token
    request authenticates the client (HTTP Basic), asks for ``scope``, and the token is cached until
    ``early_expiry`` seconds before it expires. On ``401 invalid_token`` the cached token is dropped and the
    request retried once with a fresh one. Refusals of the token endpoint raise :class:`TokenError`."""

    requires_response_body = True

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        scope: str,
        *,
        ca_bundle: str | Path | None = None,
        early_expiry: float = 30.0,
        timeout: float = 30.0,
        insecure_http_for_tests: bool = False,
    ) -> None:
        _check_url(token_url, insecure_http_for_tests)
        self._client = httpx.Client(verify=_tls(ca_bundle), timeout=timeout)
        self._grant = httpx_auth.OAuth2ClientCredentials(
            token_url,
            client_id=client_id,
            client_secret=client_secret,
            scope=scope,
            early_expiry=early_expiry,
            client=self._client,
        )

    def _authorized(self, request: httpx.Request) -> httpx.Request:
        try:
            return next(self._grant.auth_flow(request))  # the cached token, or a new one from the token endpoint
        except httpx_auth.InvalidGrantRequest as e:
            raise TokenError(*grant_error(e)) from e

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        response = yield self._authorized(request)
        if invalid_token(response):  # revoked or rotated keys: one retry with a fresh token
            httpx_auth.OAuth2.token_cache.clear()
            yield self._authorized(request)

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        # the token request is blocking: it runs in a worker thread, never on the event loop
        response = yield await anyio.to_thread.run_sync(self._authorized, request)
        if invalid_token(response):
            httpx_auth.OAuth2.token_cache.clear()
            yield await anyio.to_thread.run_sync(self._authorized, request)

    def close(self) -> None:
        self._client.close()


def _check_url(url: str, insecure_http_for_tests: bool) -> None:
    if url.startswith("https://"):
        return
    if url.startswith("http://") and insecure_http_for_tests:
        return
    raise ValueError(f"{url!r}: only https:// URLs are allowed (TLS, TS 24.282 clause 21.1)")


def _tls(ca_bundle: str | Path | None) -> ssl.SSLContext:
    """Certificate verification is always on; ``ca_bundle`` adds the CAs to trust (e.g. a private PKI)."""
    context = ssl.create_default_context()
    if ca_bundle is not None:
        context.load_verify_locations(cafile=str(ca_bundle))
    return context


def _seg(value: str) -> str:
    return quote(value, safe="")


def _payload_part(value: Payload | Sequence[Payload]) -> tuple[None, bytes, str]:
    """A payload part as sent: one ``Payload`` as it is (its Content-Type exactly as given); several as one nested
    ``multipart/mixed`` entity with a part per payload, each with its own Content-Type (OMA NMS 6.1: the
    "attachments" part carries one part per payload part)."""
    if isinstance(value, Payload):
        return (None, value.content, value.media_type)
    for p in value:
        if any(c in p.media_type for c in "\r\n"):
            raise ValueError(f"{p.media_type!r}: a media type is one line")
    boundary = "nmsgen-" + secrets.token_hex(16)
    while any(boundary.encode() in p.content for p in value):  # never inside a payload
        boundary = "nmsgen-" + secrets.token_hex(16)
    body = b"".join(
        f"--{boundary}\r\nContent-Type: {p.media_type}\r\n\r\n".encode() + p.content + b"\r\n" for p in value
    )
    return (None, body + f"--{boundary}--\r\n".encode(), f"multipart/mixed; boundary={boundary}")


def _json_body(root: str, value: BaseModel) -> bytes:
    """``{root: value}`` in the NMS JSON encoding (a simple type such as FolderName is a bare value)."""
    wire = value.to_wire() if isinstance(value, NmsModel) else value.model_dump(mode="json")
    return json.dumps({root: wire}, separators=(",", ":")).encode()


def _decode(op_id: str, response: httpx.Response) -> object:
    """The operation's outcome (a model, None, a Payload or an Answer), or a raised NmsApiError."""
    outcomes = OUTCOMES[op_id]
    status = response.status_code
    outcome = outcomes.get(status)
    if outcome is None:
        error = None
        try:
            with tolerant():
                error = models.RequestErrorBody.model_validate_json(response.content).requestError
        except ValueError:
            pass
        raise ERRORS.get(status, NmsApiError)(status, error, response.headers.get("www-authenticate", ""))
    if outcome.payload:
        return Payload(response.content, response.headers.get("content-type", "application/octet-stream"))
    body: NmsModel | None = None
    if outcome.types and response.content:
        data = json.loads(response.content)
        known = [k for k in data if k in _BODY_AT] if isinstance(data, dict) else []
        if len(known) != 1:  # members beside the root element are a later version's: kept in model_extra
            raise NmsApiError(status, None)
        root = known[0]
        body_of = _BODY_AT[root]
        if body_of.inner not in outcome.types:
            raise NmsApiError(status, None)
        with tolerant():  # unknown members and enumeration values are kept, not refused (_base.py)
            body = getattr(body_of.wrapper.model_validate(data), root)
        if body_of.inner is EMPTY:
            body = None  # the dummy body {"empty": null}: no value
    if len(outcomes) > 1:
        return Answer(status, body, response.headers.get("location"))
    return body


@overload
def _expect(value: object, first: type[T], /) -> T: ...
@overload
def _expect(value: object, first: type[T], second: type[U], /) -> T | U: ...
@overload
def _expect(value: object, first: type[T], second: type[U], third: type[V], /) -> T | U | V: ...
def _expect(value: object, *types: type[object]) -> object:
    """``value`` as one of ``types``, the classes a method's return annotation names (``_decode`` checked the
    answer against the operation's outcomes: a mismatch here is a generator bug)."""
    if not isinstance(value, types):
        raise TypeError(f"{type(value).__name__} is none of {', '.join(t.__name__ for t in types)}")
    return value


class _Base:
    def __init__(
        self,
        api_root: str,
        store_name: str,
        box_id: str,
        *,
        auth: httpx.Auth,
        ca_bundle: str | Path | None = None,
        timeout: float = 30.0,
        insecure_http_for_tests: bool = False,
        transport: Any = None,
    ) -> None:
        _check_url(api_root, insecure_http_for_tests)
        self.box_url = f"{api_root.rstrip('/')}/nms/v1/{_seg(store_name)}/{_seg(box_id)}"
        self._options: dict[str, Any] = {"auth": auth, "timeout": timeout, "verify": _tls(ca_bundle)}
        if transport is not None:
            self._options["transport"] = transport


class MessageStoreClient(_Base):
    """Synchronous client of the message store: one method per operation."""

    def __init__(self, api_root: str, store_name: str, box_id: str, **options: Any) -> None:
        super().__init__(api_root, store_name, box_id, **options)
        self._http = httpx.Client(**self._options)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> MessageStoreClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, op_id: str, method: str, path: str, **kw: Any) -> object:
        response = self._http.request(method, self.box_url + path, **kw)
        return _decode(op_id, response)

    def create_thing(self, body: models.Thing) -> models.Thing:
        """Create a thing. (CreateThing)."""
        result = self._call(
            "CreateThing",
            "POST",
            "/things",
            content=_json_body("thing", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.Thing)

    def get_thing(self, thing_id: str, *, colour: models.Colour | None = None) -> models.Thing:
        """Read a thing. (GetThing)."""
        params: dict[str, Any] = {}
        if colour is not None:
            params["colour"] = colour.value
        result = self._call("GetThing", "GET", "/things/" + _seg(thing_id), params=params)
        return _expect(result, models.Thing)

    def delete_thing(self, thing_id: str) -> None:
        """Delete a thing. (DeleteThing)."""
        self._call("DeleteThing", "DELETE", "/things/" + _seg(thing_id))


class AsyncMessageStoreClient(_Base):
    """Asynchronous client of the message store: one method per operation."""

    def __init__(self, api_root: str, store_name: str, box_id: str, **options: Any) -> None:
        super().__init__(api_root, store_name, box_id, **options)
        self._http = httpx.AsyncClient(**self._options)

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncMessageStoreClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _call(self, op_id: str, method: str, path: str, **kw: Any) -> object:
        response = await self._http.request(method, self.box_url + path, **kw)
        return _decode(op_id, response)

    async def create_thing(self, body: models.Thing) -> models.Thing:
        """Create a thing. (CreateThing)."""
        result = await self._call(
            "CreateThing",
            "POST",
            "/things",
            content=_json_body("thing", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.Thing)

    async def get_thing(self, thing_id: str, *, colour: models.Colour | None = None) -> models.Thing:
        """Read a thing. (GetThing)."""
        params: dict[str, Any] = {}
        if colour is not None:
            params["colour"] = colour.value
        result = await self._call("GetThing", "GET", "/things/" + _seg(thing_id), params=params)
        return _expect(result, models.Thing)

    async def delete_thing(self, thing_id: str) -> None:
        """Delete a thing. (DeleteThing)."""
        await self._call("DeleteThing", "DELETE", "/things/" + _seg(thing_id))
