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
    "ClientCredentialsAuth": ("24.282-21.1-CR1", "24.282-21.1-CR5", "24.282-21.1-EN1", "RFC6749-4.4-R1", "RFC6749-4.4.2-R1", "RFC6749-4.4.3-R1", "RFC6749-5.2-R1", "RFC6749-5.2-R2", "RFC6749-5.2-R3", "33.180-B.10-R2", "RFC8725-3.1"),
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
_BODY_AT = {b.root: b for b in BODIES}


class BadRequest(NmsApiError):
    """HTTP 400."""


class Unauthorized(NmsApiError):
    """HTTP 401."""


class Forbidden(NmsApiError):
    """HTTP 403."""


class NotFound(NmsApiError):
    """HTTP 404."""


class MethodNotAllowed(NmsApiError):
    """HTTP 405."""


class ServerError(NmsApiError):
    """HTTP 500."""


class ServiceUnavailable(NmsApiError):
    """HTTP 503."""


ERRORS: dict[int, type[NmsApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    500: ServerError,
    503: ServiceUnavailable,
}


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

    def create_object(
        self, body: models.Object, *, attachments: Payload | Sequence[Payload] | None = None
    ) -> models.Reference | models.Object:
        """Create (store) an object with its payload. (CreateObject)."""
        result = self._call(
            "CreateObject",
            "POST",
            "/objects",
            **(
                {
                    "files": [
                        ("root-fields", (None, _json_body("object", body), "application/json")),
                        *([("attachments", _payload_part(attachments))] if attachments is not None else []),
                    ]
                }
                if attachments is not None
                else {"content": _json_body("object", body), "headers": {"Content-Type": "application/json"}}
            ),
        )
        return _expect(result, models.Reference, models.Object)

    def get_object(self, object_id: str) -> models.Object:
        """Retrieve a stored object. (GetObject)."""
        result = self._call("GetObject", "GET", "/objects/" + _seg(object_id))
        return _expect(result, models.Object)

    def delete_object(self, object_id: str) -> None:
        """Delete a stored object. (DeleteObject)."""
        self._call("DeleteObject", "DELETE", "/objects/" + _seg(object_id))

    def get_object_flags(self, object_id: str) -> models.FlagList:
        """Retrieve the flags of a stored object. (GetObjectFlags)."""
        result = self._call("GetObjectFlags", "GET", "/objects/" + _seg(object_id) + "/flags")
        return _expect(result, models.FlagList)

    def replace_object_flags(self, object_id: str, body: models.FlagList) -> models.FlagList:
        """Create or update the flags of a stored object. (ReplaceObjectFlags)."""
        result = self._call(
            "ReplaceObjectFlags",
            "PUT",
            "/objects/" + _seg(object_id) + "/flags",
            content=_json_body("flagList", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.FlagList)

    def get_object_flag(self, object_id: str, flag_name: str) -> Answer:
        """Test whether a flag is set on a stored object. (GetObjectFlag)."""
        result = self._call("GetObjectFlag", "GET", "/objects/" + _seg(object_id) + "/flags/" + _seg(flag_name))
        return _expect(result, Answer)

    def set_object_flag(self, object_id: str, flag_name: str) -> Answer:
        """Set a flag on a stored object. (SetObjectFlag)."""
        result = self._call(
            "SetObjectFlag",
            "PUT",
            "/objects/" + _seg(object_id) + "/flags/" + _seg(flag_name),
            content=b'{"empty":null}',
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, Answer)

    def delete_object_flag(self, object_id: str, flag_name: str) -> Answer:
        """Clear a flag of a stored object. (DeleteObjectFlag)."""
        result = self._call("DeleteObjectFlag", "DELETE", "/objects/" + _seg(object_id) + "/flags/" + _seg(flag_name))
        return _expect(result, Answer)

    def get_object_payload(self, object_id: str) -> Payload:
        """Download the payload of a stored object. (GetObjectPayload)."""
        result = self._call("GetObjectPayload", "GET", "/objects/" + _seg(object_id) + "/payload")
        return _expect(result, Payload)

    def get_object_payload_part(self, object_id: str, payload_part_id: str) -> Payload:
        """Download one payload part of a stored object. (GetObjectPayloadPart)."""
        result = self._call(
            "GetObjectPayloadPart", "GET", "/objects/" + _seg(object_id) + "/payloadParts/" + _seg(payload_part_id)
        )
        return _expect(result, Payload)

    def search_objects(self, body: models.SelectionCriteria) -> models.ObjectList | models.ObjectReferenceList:
        """Search stored objects. (SearchObjects)."""
        result = self._call(
            "SearchObjects",
            "POST",
            "/objects/operations/search",
            content=_json_body("selectionCriteria", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.ObjectList, models.ObjectReferenceList)

    def get_object_id_by_path(self, path: str) -> models.Reference:
        """Resolve one object path to its resource URL. (GetObjectIdByPath)."""
        params: dict[str, Any] = {}
        if path is not None:
            params["path"] = path
        result = self._call("GetObjectIdByPath", "GET", "/objects/operations/pathToId", params=params)
        return _expect(result, models.Reference)

    def get_object_ids_by_paths(self, body: models.PathList) -> models.BulkResponseList:
        """Resolve several object paths to their resource URLs. (GetObjectIdsByPaths)."""
        result = self._call(
            "GetObjectIdsByPaths",
            "POST",
            "/objects/operations/pathToId",
            content=_json_body("pathList", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.BulkResponseList)

    def bulk_create_objects(
        self, body: models.ObjectList, *, attachments: tuple[Payload | None, ...] = ()
    ) -> models.BulkResponseList:
        """Create (store) several objects in one request. (BulkCreateObjects)."""
        result = self._call(
            "BulkCreateObjects",
            "POST",
            "/objects/operations/bulkCreation",
            files=[
                ("root-fields", (None, _json_body("objectList", body), "application/json")),
                *(
                    (
                        "attachments",
                        (None, x.content, x.media_type) if x is not None else (None, b"", "application/octet-stream"),
                    )
                    for x in attachments
                ),
            ],
        )
        return _expect(result, models.BulkResponseList)

    def create_folder(self, body: models.Folder) -> models.Reference | models.Folder:
        """Create a folder. (CreateFolder)."""
        result = self._call(
            "CreateFolder",
            "POST",
            "/folders",
            content=_json_body("folder", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.Reference, models.Folder)

    def get_folder(
        self,
        folder_id: str,
        *,
        from_cursor: str | None = None,
        max_entries: int | None = None,
        list_filter: models.ListFilterEnum | None = None,
        path: models.YesEnum | None = None,
        attr_filter: list[str] | None = None,
    ) -> models.Folder:
        """Retrieve a folder, optionally with its subfolders and objects. (GetFolder)."""
        params: dict[str, Any] = {}
        if from_cursor is not None:
            params["fromCursor"] = from_cursor
        if max_entries is not None:
            params["maxEntries"] = max_entries
        if list_filter is not None:
            params["listFilter"] = list_filter.value
        if path is not None:
            params["path"] = path.value
        if attr_filter is not None and attr_filter:
            params["attrFilter"] = attr_filter
        result = self._call("GetFolder", "GET", "/folders/" + _seg(folder_id), params=params)
        return _expect(result, models.Folder)

    def delete_folder(self, folder_id: str) -> None:
        """Delete a folder and everything in it. (DeleteFolder)."""
        self._call("DeleteFolder", "DELETE", "/folders/" + _seg(folder_id))

    def get_folder_name(self, folder_id: str) -> models.FolderName:
        """Retrieve the name of a folder. (GetFolderName)."""
        result = self._call("GetFolderName", "GET", "/folders/" + _seg(folder_id) + "/folderName")
        return _expect(result, models.FolderName)

    def rename_folder(self, folder_id: str, body: models.FolderName) -> models.FolderName:
        """Rename a folder. (RenameFolder)."""
        result = self._call(
            "RenameFolder",
            "PUT",
            "/folders/" + _seg(folder_id) + "/folderName",
            content=_json_body("name", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.FolderName)

    def search_folders(self, body: models.SelectionCriteria) -> models.FolderList | models.FolderReferenceList:
        """Search folders. (SearchFolders)."""
        result = self._call(
            "SearchFolders",
            "POST",
            "/folders/operations/search",
            content=_json_body("selectionCriteria", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.FolderList, models.FolderReferenceList)

    def get_folder_id_by_path(self, *, path: str | None = None) -> models.Reference:
        """Resolve one folder path (or the root folder) to its resource URL. (GetFolderIdByPath)."""
        params: dict[str, Any] = {}
        if path is not None:
            params["path"] = path
        result = self._call("GetFolderIdByPath", "GET", "/folders/operations/pathToId", params=params)
        return _expect(result, models.Reference)

    def get_folder_ids_by_paths(self, body: models.PathList) -> models.BulkResponseList:
        """Resolve several folder paths to their resource URLs. (GetFolderIdsByPaths)."""
        result = self._call(
            "GetFolderIdsByPaths",
            "POST",
            "/folders/operations/pathToId",
            content=_json_body("pathList", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.BulkResponseList)

    def copy_to_folder(self, body: models.TargetSourceRef) -> models.BulkResponseList:
        """Copy objects and folders into a folder. (CopyToFolder)."""
        result = self._call(
            "CopyToFolder",
            "POST",
            "/folders/operations/copyToFolder",
            content=_json_body("targetSourceRef", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.BulkResponseList)

    def move_to_folder(self, body: models.TargetSourceRef) -> models.BulkResponseList:
        """Move objects and folders into a folder. (MoveToFolder)."""
        result = self._call(
            "MoveToFolder",
            "POST",
            "/folders/operations/moveToFolder",
            content=_json_body("targetSourceRef", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.BulkResponseList)

    def list_subscriptions(self) -> models.NmsSubscriptionList:
        """List the subscriptions of the box. (ListSubscriptions)."""
        result = self._call("ListSubscriptions", "GET", "/subscriptions")
        return _expect(result, models.NmsSubscriptionList)

    def create_subscription(self, body: models.NmsSubscription) -> models.NmsSubscription:
        """Subscribe to notifications about changes in the box. (CreateSubscription)."""
        result = self._call(
            "CreateSubscription",
            "POST",
            "/subscriptions",
            content=_json_body("nmsSubscription", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.NmsSubscription)

    def get_subscription(self, subscription_id: str) -> models.NmsSubscription:
        """Retrieve a subscription. (GetSubscription)."""
        result = self._call("GetSubscription", "GET", "/subscriptions/" + _seg(subscription_id))
        return _expect(result, models.NmsSubscription)

    def update_subscription(self, subscription_id: str, body: models.NmsSubscriptionUpdate) -> models.NmsSubscription:
        """Extend or restart a subscription. (UpdateSubscription)."""
        result = self._call(
            "UpdateSubscription",
            "POST",
            "/subscriptions/" + _seg(subscription_id),
            content=_json_body("nmsSubscriptionUpdate", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.NmsSubscription)

    def delete_subscription(self, subscription_id: str) -> None:
        """End a subscription. (DeleteSubscription)."""
        self._call("DeleteSubscription", "DELETE", "/subscriptions/" + _seg(subscription_id))

    def bulk_update_objects(self, body: models.BulkUpdate) -> models.BulkResponseList:
        """Add or remove a flag on several objects. (BulkUpdateObjects)."""
        result = self._call(
            "BulkUpdateObjects",
            "POST",
            "/objects/operations/bulkUpdate",
            content=_json_body("bulkUpdate", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.BulkResponseList)

    def bulk_delete_objects(self, body: models.BulkDelete) -> models.BulkResponseList:
        """Delete several objects. (BulkDeleteObjects)."""
        result = self._call(
            "BulkDeleteObjects",
            "DELETE",
            "/objects/operations/bulkDelete",
            content=_json_body("bulkDelete", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.BulkResponseList)

    def iter_search_objects(self, body: models.SelectionCriteria) -> Iterator[models.Object | models.Reference]:
        """Every Object or Reference entry of SearchObjects, following the cursor (OMA NMS 5.1.10): the same criteria, one batch
        after another, until the answer has no cursor."""
        cursor: str | None = None
        while True:
            page = self.search_objects(body.model_copy(update={"fromCursor": cursor}) if cursor else body)
            yield from (
                [*(page.object or [])] if isinstance(page, models.ObjectList) else [*(page.objectReference or [])]
            )
            cursor = page.cursor if isinstance(page, models.ObjectList) else None
            if not cursor:
                return

    def iter_get_folder(self, folder_id: str, **query: Any) -> Iterator[models.Reference]:
        """Every Reference entry of GetFolder, following the cursor (OMA NMS 5.1.10): the same criteria, one batch
        after another, until the answer has no cursor."""
        cursor: str | None = None
        while True:
            page = self.get_folder(folder_id, from_cursor=cursor, **query)
            yield from [
                *((page.subFolders.folderReference or []) if page.subFolders is not None else []),
                *((page.objects.objectReference or []) if page.objects is not None else []),
            ]
            cursor = page.cursor
            if not cursor:
                return

    def iter_search_folders(self, body: models.SelectionCriteria) -> Iterator[models.Folder | models.Reference]:
        """Every Folder or Reference entry of SearchFolders, following the cursor (OMA NMS 5.1.10): the same criteria, one batch
        after another, until the answer has no cursor."""
        cursor: str | None = None
        while True:
            page = self.search_folders(body.model_copy(update={"fromCursor": cursor}) if cursor else body)
            yield from (
                [*(page.folder or [])] if isinstance(page, models.FolderList) else [*(page.folderReference or [])]
            )
            cursor = page.cursor if isinstance(page, models.FolderList) else None
            if not cursor:
                return


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

    async def create_object(
        self, body: models.Object, *, attachments: Payload | Sequence[Payload] | None = None
    ) -> models.Reference | models.Object:
        """Create (store) an object with its payload. (CreateObject)."""
        result = await self._call(
            "CreateObject",
            "POST",
            "/objects",
            **(
                {
                    "files": [
                        ("root-fields", (None, _json_body("object", body), "application/json")),
                        *([("attachments", _payload_part(attachments))] if attachments is not None else []),
                    ]
                }
                if attachments is not None
                else {"content": _json_body("object", body), "headers": {"Content-Type": "application/json"}}
            ),
        )
        return _expect(result, models.Reference, models.Object)

    async def get_object(self, object_id: str) -> models.Object:
        """Retrieve a stored object. (GetObject)."""
        result = await self._call("GetObject", "GET", "/objects/" + _seg(object_id))
        return _expect(result, models.Object)

    async def delete_object(self, object_id: str) -> None:
        """Delete a stored object. (DeleteObject)."""
        await self._call("DeleteObject", "DELETE", "/objects/" + _seg(object_id))

    async def get_object_flags(self, object_id: str) -> models.FlagList:
        """Retrieve the flags of a stored object. (GetObjectFlags)."""
        result = await self._call("GetObjectFlags", "GET", "/objects/" + _seg(object_id) + "/flags")
        return _expect(result, models.FlagList)

    async def replace_object_flags(self, object_id: str, body: models.FlagList) -> models.FlagList:
        """Create or update the flags of a stored object. (ReplaceObjectFlags)."""
        result = await self._call(
            "ReplaceObjectFlags",
            "PUT",
            "/objects/" + _seg(object_id) + "/flags",
            content=_json_body("flagList", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.FlagList)

    async def get_object_flag(self, object_id: str, flag_name: str) -> Answer:
        """Test whether a flag is set on a stored object. (GetObjectFlag)."""
        result = await self._call("GetObjectFlag", "GET", "/objects/" + _seg(object_id) + "/flags/" + _seg(flag_name))
        return _expect(result, Answer)

    async def set_object_flag(self, object_id: str, flag_name: str) -> Answer:
        """Set a flag on a stored object. (SetObjectFlag)."""
        result = await self._call(
            "SetObjectFlag",
            "PUT",
            "/objects/" + _seg(object_id) + "/flags/" + _seg(flag_name),
            content=b'{"empty":null}',
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, Answer)

    async def delete_object_flag(self, object_id: str, flag_name: str) -> Answer:
        """Clear a flag of a stored object. (DeleteObjectFlag)."""
        result = await self._call(
            "DeleteObjectFlag", "DELETE", "/objects/" + _seg(object_id) + "/flags/" + _seg(flag_name)
        )
        return _expect(result, Answer)

    async def get_object_payload(self, object_id: str) -> Payload:
        """Download the payload of a stored object. (GetObjectPayload)."""
        result = await self._call("GetObjectPayload", "GET", "/objects/" + _seg(object_id) + "/payload")
        return _expect(result, Payload)

    async def get_object_payload_part(self, object_id: str, payload_part_id: str) -> Payload:
        """Download one payload part of a stored object. (GetObjectPayloadPart)."""
        result = await self._call(
            "GetObjectPayloadPart", "GET", "/objects/" + _seg(object_id) + "/payloadParts/" + _seg(payload_part_id)
        )
        return _expect(result, Payload)

    async def search_objects(self, body: models.SelectionCriteria) -> models.ObjectList | models.ObjectReferenceList:
        """Search stored objects. (SearchObjects)."""
        result = await self._call(
            "SearchObjects",
            "POST",
            "/objects/operations/search",
            content=_json_body("selectionCriteria", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.ObjectList, models.ObjectReferenceList)

    async def get_object_id_by_path(self, path: str) -> models.Reference:
        """Resolve one object path to its resource URL. (GetObjectIdByPath)."""
        params: dict[str, Any] = {}
        if path is not None:
            params["path"] = path
        result = await self._call("GetObjectIdByPath", "GET", "/objects/operations/pathToId", params=params)
        return _expect(result, models.Reference)

    async def get_object_ids_by_paths(self, body: models.PathList) -> models.BulkResponseList:
        """Resolve several object paths to their resource URLs. (GetObjectIdsByPaths)."""
        result = await self._call(
            "GetObjectIdsByPaths",
            "POST",
            "/objects/operations/pathToId",
            content=_json_body("pathList", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.BulkResponseList)

    async def bulk_create_objects(
        self, body: models.ObjectList, *, attachments: tuple[Payload | None, ...] = ()
    ) -> models.BulkResponseList:
        """Create (store) several objects in one request. (BulkCreateObjects)."""
        result = await self._call(
            "BulkCreateObjects",
            "POST",
            "/objects/operations/bulkCreation",
            files=[
                ("root-fields", (None, _json_body("objectList", body), "application/json")),
                *(
                    (
                        "attachments",
                        (None, x.content, x.media_type) if x is not None else (None, b"", "application/octet-stream"),
                    )
                    for x in attachments
                ),
            ],
        )
        return _expect(result, models.BulkResponseList)

    async def create_folder(self, body: models.Folder) -> models.Reference | models.Folder:
        """Create a folder. (CreateFolder)."""
        result = await self._call(
            "CreateFolder",
            "POST",
            "/folders",
            content=_json_body("folder", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.Reference, models.Folder)

    async def get_folder(
        self,
        folder_id: str,
        *,
        from_cursor: str | None = None,
        max_entries: int | None = None,
        list_filter: models.ListFilterEnum | None = None,
        path: models.YesEnum | None = None,
        attr_filter: list[str] | None = None,
    ) -> models.Folder:
        """Retrieve a folder, optionally with its subfolders and objects. (GetFolder)."""
        params: dict[str, Any] = {}
        if from_cursor is not None:
            params["fromCursor"] = from_cursor
        if max_entries is not None:
            params["maxEntries"] = max_entries
        if list_filter is not None:
            params["listFilter"] = list_filter.value
        if path is not None:
            params["path"] = path.value
        if attr_filter is not None and attr_filter:
            params["attrFilter"] = attr_filter
        result = await self._call("GetFolder", "GET", "/folders/" + _seg(folder_id), params=params)
        return _expect(result, models.Folder)

    async def delete_folder(self, folder_id: str) -> None:
        """Delete a folder and everything in it. (DeleteFolder)."""
        await self._call("DeleteFolder", "DELETE", "/folders/" + _seg(folder_id))

    async def get_folder_name(self, folder_id: str) -> models.FolderName:
        """Retrieve the name of a folder. (GetFolderName)."""
        result = await self._call("GetFolderName", "GET", "/folders/" + _seg(folder_id) + "/folderName")
        return _expect(result, models.FolderName)

    async def rename_folder(self, folder_id: str, body: models.FolderName) -> models.FolderName:
        """Rename a folder. (RenameFolder)."""
        result = await self._call(
            "RenameFolder",
            "PUT",
            "/folders/" + _seg(folder_id) + "/folderName",
            content=_json_body("name", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.FolderName)

    async def search_folders(self, body: models.SelectionCriteria) -> models.FolderList | models.FolderReferenceList:
        """Search folders. (SearchFolders)."""
        result = await self._call(
            "SearchFolders",
            "POST",
            "/folders/operations/search",
            content=_json_body("selectionCriteria", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.FolderList, models.FolderReferenceList)

    async def get_folder_id_by_path(self, *, path: str | None = None) -> models.Reference:
        """Resolve one folder path (or the root folder) to its resource URL. (GetFolderIdByPath)."""
        params: dict[str, Any] = {}
        if path is not None:
            params["path"] = path
        result = await self._call("GetFolderIdByPath", "GET", "/folders/operations/pathToId", params=params)
        return _expect(result, models.Reference)

    async def get_folder_ids_by_paths(self, body: models.PathList) -> models.BulkResponseList:
        """Resolve several folder paths to their resource URLs. (GetFolderIdsByPaths)."""
        result = await self._call(
            "GetFolderIdsByPaths",
            "POST",
            "/folders/operations/pathToId",
            content=_json_body("pathList", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.BulkResponseList)

    async def copy_to_folder(self, body: models.TargetSourceRef) -> models.BulkResponseList:
        """Copy objects and folders into a folder. (CopyToFolder)."""
        result = await self._call(
            "CopyToFolder",
            "POST",
            "/folders/operations/copyToFolder",
            content=_json_body("targetSourceRef", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.BulkResponseList)

    async def move_to_folder(self, body: models.TargetSourceRef) -> models.BulkResponseList:
        """Move objects and folders into a folder. (MoveToFolder)."""
        result = await self._call(
            "MoveToFolder",
            "POST",
            "/folders/operations/moveToFolder",
            content=_json_body("targetSourceRef", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.BulkResponseList)

    async def list_subscriptions(self) -> models.NmsSubscriptionList:
        """List the subscriptions of the box. (ListSubscriptions)."""
        result = await self._call("ListSubscriptions", "GET", "/subscriptions")
        return _expect(result, models.NmsSubscriptionList)

    async def create_subscription(self, body: models.NmsSubscription) -> models.NmsSubscription:
        """Subscribe to notifications about changes in the box. (CreateSubscription)."""
        result = await self._call(
            "CreateSubscription",
            "POST",
            "/subscriptions",
            content=_json_body("nmsSubscription", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.NmsSubscription)

    async def get_subscription(self, subscription_id: str) -> models.NmsSubscription:
        """Retrieve a subscription. (GetSubscription)."""
        result = await self._call("GetSubscription", "GET", "/subscriptions/" + _seg(subscription_id))
        return _expect(result, models.NmsSubscription)

    async def update_subscription(
        self, subscription_id: str, body: models.NmsSubscriptionUpdate
    ) -> models.NmsSubscription:
        """Extend or restart a subscription. (UpdateSubscription)."""
        result = await self._call(
            "UpdateSubscription",
            "POST",
            "/subscriptions/" + _seg(subscription_id),
            content=_json_body("nmsSubscriptionUpdate", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.NmsSubscription)

    async def delete_subscription(self, subscription_id: str) -> None:
        """End a subscription. (DeleteSubscription)."""
        await self._call("DeleteSubscription", "DELETE", "/subscriptions/" + _seg(subscription_id))

    async def bulk_update_objects(self, body: models.BulkUpdate) -> models.BulkResponseList:
        """Add or remove a flag on several objects. (BulkUpdateObjects)."""
        result = await self._call(
            "BulkUpdateObjects",
            "POST",
            "/objects/operations/bulkUpdate",
            content=_json_body("bulkUpdate", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.BulkResponseList)

    async def bulk_delete_objects(self, body: models.BulkDelete) -> models.BulkResponseList:
        """Delete several objects. (BulkDeleteObjects)."""
        result = await self._call(
            "BulkDeleteObjects",
            "DELETE",
            "/objects/operations/bulkDelete",
            content=_json_body("bulkDelete", body),
            headers={"Content-Type": "application/json"},
        )
        return _expect(result, models.BulkResponseList)

    async def iter_search_objects(
        self, body: models.SelectionCriteria
    ) -> AsyncIterator[models.Object | models.Reference]:
        """Every Object or Reference entry of SearchObjects, following the cursor (OMA NMS 5.1.10): the same criteria, one batch
        after another, until the answer has no cursor."""
        cursor: str | None = None
        while True:
            page = await self.search_objects(body.model_copy(update={"fromCursor": cursor}) if cursor else body)
            for item in (
                [*(page.object or [])] if isinstance(page, models.ObjectList) else [*(page.objectReference or [])]
            ):
                yield item
            cursor = page.cursor if isinstance(page, models.ObjectList) else None
            if not cursor:
                return

    async def iter_get_folder(self, folder_id: str, **query: Any) -> AsyncIterator[models.Reference]:
        """Every Reference entry of GetFolder, following the cursor (OMA NMS 5.1.10): the same criteria, one batch
        after another, until the answer has no cursor."""
        cursor: str | None = None
        while True:
            page = await self.get_folder(folder_id, from_cursor=cursor, **query)
            for item in [
                *((page.subFolders.folderReference or []) if page.subFolders is not None else []),
                *((page.objects.objectReference or []) if page.objects is not None else []),
            ]:
                yield item
            cursor = page.cursor
            if not cursor:
                return

    async def iter_search_folders(
        self, body: models.SelectionCriteria
    ) -> AsyncIterator[models.Folder | models.Reference]:
        """Every Folder or Reference entry of SearchFolders, following the cursor (OMA NMS 5.1.10): the same criteria, one batch
        after another, until the answer has no cursor."""
        cursor: str | None = None
        while True:
            page = await self.search_folders(body.model_copy(update={"fromCursor": cursor}) if cursor else body)
            for item in (
                [*(page.folder or [])] if isinstance(page, models.FolderList) else [*(page.folderReference or [])]
            ):
                yield item
            cursor = page.cursor if isinstance(page, models.FolderList) else None
            if not cursor:
                return
