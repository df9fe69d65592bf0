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
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio.to_thread
import httpx
import httpx_auth
from pydantic import BaseModel

from . import models
from ._base import NmsModel, tolerant
from .store import Answer, Payload

# operationId -> {status: (body types, payload?)} of its outcomes
OUTCOMES: dict[str, dict[int, tuple[tuple[str, ...], bool]]] = {
    "CreateObject": {201: (("Reference", "Object"), False)},
    "GetObject": {200: (("Object",), False)},
    "DeleteObject": {204: ((), False)},
    "GetObjectFlags": {200: (("FlagList",), False)},
    "ReplaceObjectFlags": {200: (("FlagList",), False)},
    "GetObjectFlag": {204: ((), False), 404: (("Empty",), False)},
    "SetObjectFlag": {201: (("Empty",), False), 204: ((), False)},
    "DeleteObjectFlag": {204: ((), False), 404: (("Empty",), False)},
    "GetObjectPayload": {200: ((), True)},
    "GetObjectPayloadPart": {200: ((), True)},
    "SearchObjects": {200: (("ObjectList", "ObjectReferenceList"), False)},
    "GetObjectIdByPath": {200: (("Reference",), False)},
    "GetObjectIdsByPaths": {200: (("BulkResponseList",), False)},
    "BulkCreateObjects": {200: (("BulkResponseList",), False)},
    "CreateFolder": {201: (("Reference", "Folder"), False)},
    "GetFolder": {200: (("Folder",), False)},
    "DeleteFolder": {204: ((), False)},
    "GetFolderName": {200: (("FolderName",), False)},
    "RenameFolder": {200: (("FolderName",), False)},
    "SearchFolders": {200: (("FolderList", "FolderReferenceList"), False)},
    "GetFolderIdByPath": {200: (("Reference",), False)},
    "GetFolderIdsByPaths": {200: (("BulkResponseList",), False)},
    "CopyToFolder": {200: (("BulkResponseList",), False)},
    "MoveToFolder": {200: (("BulkResponseList",), False)},
    "ListSubscriptions": {200: (("NmsSubscriptionList",), False)},
    "CreateSubscription": {201: (("NmsSubscription",), False)},
    "GetSubscription": {200: (("NmsSubscription",), False)},
    "UpdateSubscription": {200: (("NmsSubscription",), False)},
    "DeleteSubscription": {204: ((), False)},
    "BulkUpdateObjects": {200: (("BulkResponseList",), False)},
    "BulkDeleteObjects": {200: (("BulkResponseList",), False)},
}
# JSON root element -> (body class, NMS type)
ROOTS: dict[str, tuple[type[BaseModel], str]] = {
    "bulkDelete": (models.BulkDeleteBody, "BulkDelete"),
    "bulkResponseList": (models.BulkResponseListBody, "BulkResponseList"),
    "bulkUpdate": (models.BulkUpdateBody, "BulkUpdate"),
    "empty": (models.EmptyBody, "Empty"),
    "flagList": (models.FlagListBody, "FlagList"),
    "folder": (models.FolderBody, "Folder"),
    "folderList": (models.FolderListBody, "FolderList"),
    "name": (models.FolderNameBody, "FolderName"),
    "folderReferenceList": (models.FolderReferenceListBody, "FolderReferenceList"),
    "nmsEventList": (models.NmsEventListBody, "NmsEventList"),
    "nmsSubscription": (models.NmsSubscriptionBody, "NmsSubscription"),
    "nmsSubscriptionList": (models.NmsSubscriptionListBody, "NmsSubscriptionList"),
    "nmsSubscriptionUpdate": (models.NmsSubscriptionUpdateBody, "NmsSubscriptionUpdate"),
    "object": (models.ObjectBody, "Object"),
    "objectList": (models.ObjectListBody, "ObjectList"),
    "objectReferenceList": (models.ObjectReferenceListBody, "ObjectReferenceList"),
    "pathList": (models.PathListBody, "PathList"),
    "reference": (models.ReferenceBody, "Reference"),
    "requestError": (models.RequestErrorBody, "RequestError"),
    "selectionCriteria": (models.SelectionCriteriaBody, "SelectionCriteria"),
    "targetSourceRef": (models.TargetSourceRefBody, "TargetSourceRef"),
}


class NmsApiError(Exception):
    """An answer that is not a success of the operation: the HTTP status and the NMS requestError."""

    def __init__(self, status: int, error: models.RequestError | None, www_authenticate: str = "") -> None:
        self.status = status
        self.error = error
        self.www_authenticate = www_authenticate
        detail = (error.serviceException or error.policyException) if error is not None else None
        self.message_id = detail.messageId if detail is not None else ""
        self.text = detail.text if detail is not None else ""
        self.variables = [v.root for v in detail.variables or []] if detail is not None else []
        super().__init__(f"{status} {self.message_id}: {self.text}".strip())


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


class TokenError(Exception):
    """The token endpoint refused to issue a token (RFC 6749 section 5.2): ``error`` is its error code."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.description = description


class BearerTokenAuth(httpx.Auth):
    """MCData-7: the user's MCData access token (from the identity management server), sent as a Bearer
    token. On ``401 invalid_token`` the ``refresh`` callback is asked once for a new token and the request
    is retried."""

    def __init__(self, token: str | Callable[[], str], refresh: Callable[[], str] | None = None) -> None:
        self._token = token if callable(token) else (lambda: token)
        self._refresh = refresh
        self._current: str | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._current is None:
            self._current = self._token()
        request.headers["Authorization"] = f"Bearer {self._current}"
        response = yield request
        if self._refresh is not None and _invalid_token(response):
            self._current = self._refresh()
            request.headers["Authorization"] = f"Bearer {self._current}"
            yield request


class ClientCredentialsAuth(httpx.Auth):
    """MCData-8: an OAuth 2.0 client credentials grant (RFC 6749 section 4.4) through httpx-auth: the token
    request authenticates the client (HTTP Basic), asks for ``scope``, and the token is cached until
    ``early_expiry`` seconds before it expires. On ``401 invalid_token`` the cached token is dropped and the
    request retried once with a fresh one. Refusals of the token endpoint raise :class:`TokenError`.

    Clauses: 24.282-21.1-CR1, 24.282-21.1-CR5, 24.282-21.1-EN1, RFC6749-4.4-R1, RFC6749-4.4.2-R1, RFC6749-4.4.3-R1, RFC6749-5.2-R1, RFC6749-5.2-R2, RFC6749-5.2-R3, 33.180-B.10-R2, RFC8725-3.1."""

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
            raise TokenError(*_grant_error(e)) from e

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        response = yield self._authorized(request)
        if _invalid_token(response):  # revoked or rotated keys: one retry with a fresh token
            httpx_auth.OAuth2.token_cache.clear()
            yield self._authorized(request)

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        # the token request is blocking: it runs in a worker thread, never on the event loop
        response = yield await anyio.to_thread.run_sync(self._authorized, request)
        if _invalid_token(response):
            httpx_auth.OAuth2.token_cache.clear()
            yield await anyio.to_thread.run_sync(self._authorized, request)

    def close(self) -> None:
        self._client.close()


def _grant_error(e: Exception) -> tuple[str, str]:
    text = str(e)
    code = text.split(":", 1)[0].strip() if ":" in text else "invalid_request"
    known = (
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
    )
    found = next((k for k in known if k in text), code)
    return found, text


def _invalid_token(response: httpx.Response) -> bool:
    return response.status_code == 401 and 'error="invalid_token"' in response.headers.get("www-authenticate", "")


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


def _decode(op_id: str, response: httpx.Response) -> Any:
    """The operation's outcome, or a raised NmsApiError."""
    outcomes = OUTCOMES[op_id]
    status = response.status_code
    if status not in outcomes:
        error = None
        try:
            with tolerant():
                error = models.RequestErrorBody.model_validate_json(response.content).requestError
        except ValueError:
            pass
        raise ERRORS.get(status, NmsApiError)(status, error, response.headers.get("www-authenticate", ""))
    types, payload = outcomes[status]
    if payload:
        return Payload(response.content, response.headers.get("content-type", "application/octet-stream"))
    body: Any = None
    if types and response.content:
        data = json.loads(response.content)
        known = [k for k in data if k in ROOTS] if isinstance(data, dict) else []
        if len(known) != 1:  # members beside the root element are a later version's: kept in model_extra
            raise NmsApiError(status, None)
        root = known[0]
        cls, type_name = ROOTS[root]
        if type_name not in types:
            raise NmsApiError(status, None)
        with tolerant():  # unknown members and enumeration values are kept, not refused (_base.py)
            body = getattr(cls.model_validate(data), root)
        if type_name == "Empty":
            body = None
    if len(outcomes) > 1:
        return Answer(status, body, response.headers.get("location"))
    return body


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

    def _call(self, op_id: str, method: str, path: str, **kw: Any) -> Any:
        response = self._http.request(method, self.box_url + path, **kw)
        return _decode(op_id, response)

    def create_object(
        self, body: models.Object, *, attachments: Payload | Sequence[Payload] | None = None
    ) -> models.Reference | models.Object:
        """Create (store) an object with its payload. (CreateObject; clauses OMA-NMS-6.1, 24.282-21.1-CR3, 23.282-7.13.1-R4, 23.282-7.13.1-R5, 23.282-7.13.3.8-R1, 23.282-7.13.3.16-R1)."""
        return self._call(  # type: ignore[no-any-return]
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

    def get_object(self, object_id: str) -> models.Object:
        """Retrieve a stored object. (GetObject; clauses OMA-NMS-6.2, 24.282-21.1-CR3, 23.282-7.13.1-R4, 23.282-7.13-R1)."""
        return self._call(  # type: ignore[no-any-return]
            "GetObject", "GET", "/objects/" + _seg(object_id)
        )

    def delete_object(self, object_id: str) -> None:
        """Delete a stored object. (DeleteObject; clauses OMA-NMS-6.2, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return self._call(  # type: ignore[no-any-return]
            "DeleteObject", "DELETE", "/objects/" + _seg(object_id)
        )

    def get_object_flags(self, object_id: str) -> models.FlagList:
        """Retrieve the flags of a stored object. (GetObjectFlags; clauses OMA-NMS-6.3, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        return self._call(  # type: ignore[no-any-return]
            "GetObjectFlags", "GET", "/objects/" + _seg(object_id) + "/flags"
        )

    def replace_object_flags(self, object_id: str, body: models.FlagList) -> models.FlagList:
        """Create or update the flags of a stored object. (ReplaceObjectFlags; clauses OMA-NMS-6.3, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return self._call(  # type: ignore[no-any-return]
            "ReplaceObjectFlags",
            "PUT",
            "/objects/" + _seg(object_id) + "/flags",
            content=_json_body("flagList", body),
            headers={"Content-Type": "application/json"},
        )

    def get_object_flag(self, object_id: str, flag_name: str) -> Answer:
        """Test whether a flag is set on a stored object. (GetObjectFlag; clauses OMA-NMS-6.4, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        return self._call(  # type: ignore[no-any-return]
            "GetObjectFlag", "GET", "/objects/" + _seg(object_id) + "/flags/" + _seg(flag_name)
        )

    def set_object_flag(self, object_id: str, flag_name: str) -> Answer:
        """Set a flag on a stored object. (SetObjectFlag; clauses OMA-NMS-6.4, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return self._call(  # type: ignore[no-any-return]
            "SetObjectFlag",
            "PUT",
            "/objects/" + _seg(object_id) + "/flags/" + _seg(flag_name),
            content=b'{"empty":null}',
            headers={"Content-Type": "application/json"},
        )

    def delete_object_flag(self, object_id: str, flag_name: str) -> Answer:
        """Clear a flag of a stored object. (DeleteObjectFlag; clauses OMA-NMS-6.4, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return self._call(  # type: ignore[no-any-return]
            "DeleteObjectFlag", "DELETE", "/objects/" + _seg(object_id) + "/flags/" + _seg(flag_name)
        )

    def get_object_payload(self, object_id: str) -> Payload:
        """Download the payload of a stored object. (GetObjectPayload; clauses OMA-NMS-6.5, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        return self._call(  # type: ignore[no-any-return]
            "GetObjectPayload", "GET", "/objects/" + _seg(object_id) + "/payload"
        )

    def get_object_payload_part(self, object_id: str, payload_part_id: str) -> Payload:
        """Download one payload part of a stored object. (GetObjectPayloadPart; clauses OMA-NMS-6.6, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        return self._call(  # type: ignore[no-any-return]
            "GetObjectPayloadPart", "GET", "/objects/" + _seg(object_id) + "/payloadParts/" + _seg(payload_part_id)
        )

    def search_objects(self, body: models.SelectionCriteria) -> models.ObjectList | models.ObjectReferenceList:
        """Search stored objects. (SearchObjects; clauses OMA-NMS-6.7, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.10, 23.282-7.13-R5)."""
        return self._call(  # type: ignore[no-any-return]
            "SearchObjects",
            "POST",
            "/objects/operations/search",
            content=_json_body("selectionCriteria", body),
            headers={"Content-Type": "application/json"},
        )

    def get_object_id_by_path(self, path: str) -> models.Reference:
        """Resolve one object path to its resource URL. (GetObjectIdByPath; clauses OMA-NMS-6.8, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        params: dict[str, Any] = {}
        if path is not None:
            params["path"] = path
        return self._call(  # type: ignore[no-any-return]
            "GetObjectIdByPath", "GET", "/objects/operations/pathToId", params=params
        )

    def get_object_ids_by_paths(self, body: models.PathList) -> models.BulkResponseList:
        """Resolve several object paths to their resource URLs. (GetObjectIdsByPaths; clauses OMA-NMS-6.8, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        return self._call(  # type: ignore[no-any-return]
            "GetObjectIdsByPaths",
            "POST",
            "/objects/operations/pathToId",
            content=_json_body("pathList", body),
            headers={"Content-Type": "application/json"},
        )

    def bulk_create_objects(
        self, body: models.ObjectList, *, attachments: tuple[Payload | None, ...] = ()
    ) -> models.BulkResponseList:
        """Create (store) several objects in one request. (BulkCreateObjects; clauses OMA-NMS-6.9, 24.282-21.1-CR3, 23.282-7.13.1-R4, 23.282-7.13.1-R5, 23.282-7.13.3.8-R1, 23.282-7.13.3.16-R1)."""
        return self._call(  # type: ignore[no-any-return]
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

    def create_folder(self, body: models.Folder) -> models.Reference | models.Folder:
        """Create a folder. (CreateFolder; clauses OMA-NMS-6.10, 24.282-21.1-CR3, 23.282-7.13.1-R4, 23.282-7.13.1-R5, 23.282-7.13.3.16-R1, OMA-NMS-5.1.4)."""
        return self._call(  # type: ignore[no-any-return]
            "CreateFolder",
            "POST",
            "/folders",
            content=_json_body("folder", body),
            headers={"Content-Type": "application/json"},
        )

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
        """Retrieve a folder, optionally with its subfolders and objects. (GetFolder; clauses OMA-NMS-6.11, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.10)."""
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
        return self._call(  # type: ignore[no-any-return]
            "GetFolder", "GET", "/folders/" + _seg(folder_id), params=params
        )

    def delete_folder(self, folder_id: str) -> None:
        """Delete a folder and everything in it. (DeleteFolder; clauses OMA-NMS-6.11, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return self._call(  # type: ignore[no-any-return]
            "DeleteFolder", "DELETE", "/folders/" + _seg(folder_id)
        )

    def get_folder_name(self, folder_id: str) -> models.FolderName:
        """Retrieve the name of a folder. (GetFolderName; clauses OMA-NMS-6.12, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        return self._call(  # type: ignore[no-any-return]
            "GetFolderName", "GET", "/folders/" + _seg(folder_id) + "/folderName"
        )

    def rename_folder(self, folder_id: str, body: models.FolderName) -> models.FolderName:
        """Rename a folder. (RenameFolder; clauses OMA-NMS-6.12, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return self._call(  # type: ignore[no-any-return]
            "RenameFolder",
            "PUT",
            "/folders/" + _seg(folder_id) + "/folderName",
            content=_json_body("name", body),
            headers={"Content-Type": "application/json"},
        )

    def search_folders(self, body: models.SelectionCriteria) -> models.FolderList | models.FolderReferenceList:
        """Search folders. (SearchFolders; clauses OMA-NMS-6.13, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.10)."""
        return self._call(  # type: ignore[no-any-return]
            "SearchFolders",
            "POST",
            "/folders/operations/search",
            content=_json_body("selectionCriteria", body),
            headers={"Content-Type": "application/json"},
        )

    def get_folder_id_by_path(self, *, path: str | None = None) -> models.Reference:
        """Resolve one folder path (or the root folder) to its resource URL. (GetFolderIdByPath; clauses OMA-NMS-6.14, 24.282-21.1-CR3, 23.282-7.13.1-R4, 23.282-7.13.1-R5)."""
        params: dict[str, Any] = {}
        if path is not None:
            params["path"] = path
        return self._call(  # type: ignore[no-any-return]
            "GetFolderIdByPath", "GET", "/folders/operations/pathToId", params=params
        )

    def get_folder_ids_by_paths(self, body: models.PathList) -> models.BulkResponseList:
        """Resolve several folder paths to their resource URLs. (GetFolderIdsByPaths; clauses OMA-NMS-6.14, 24.282-21.1-CR3, 23.282-7.13.1-R4, 23.282-7.13.1-R5)."""
        return self._call(  # type: ignore[no-any-return]
            "GetFolderIdsByPaths",
            "POST",
            "/folders/operations/pathToId",
            content=_json_body("pathList", body),
            headers={"Content-Type": "application/json"},
        )

    def copy_to_folder(self, body: models.TargetSourceRef) -> models.BulkResponseList:
        """Copy objects and folders into a folder. (CopyToFolder; clauses OMA-NMS-6.15, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        return self._call(  # type: ignore[no-any-return]
            "CopyToFolder",
            "POST",
            "/folders/operations/copyToFolder",
            content=_json_body("targetSourceRef", body),
            headers={"Content-Type": "application/json"},
        )

    def move_to_folder(self, body: models.TargetSourceRef) -> models.BulkResponseList:
        """Move objects and folders into a folder. (MoveToFolder; clauses OMA-NMS-6.16, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return self._call(  # type: ignore[no-any-return]
            "MoveToFolder",
            "POST",
            "/folders/operations/moveToFolder",
            content=_json_body("targetSourceRef", body),
            headers={"Content-Type": "application/json"},
        )

    def list_subscriptions(self) -> models.NmsSubscriptionList:
        """List the subscriptions of the box. (ListSubscriptions; clauses OMA-NMS-6.17, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4, 23.282-7.13-R5)."""
        return self._call(  # type: ignore[no-any-return]
            "ListSubscriptions", "GET", "/subscriptions"
        )

    def create_subscription(self, body: models.NmsSubscription) -> models.NmsSubscription:
        """Subscribe to notifications about changes in the box. (CreateSubscription; clauses OMA-NMS-6.17, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return self._call(  # type: ignore[no-any-return]
            "CreateSubscription",
            "POST",
            "/subscriptions",
            content=_json_body("nmsSubscription", body),
            headers={"Content-Type": "application/json"},
        )

    def get_subscription(self, subscription_id: str) -> models.NmsSubscription:
        """Retrieve a subscription. (GetSubscription; clauses OMA-NMS-6.18, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return self._call(  # type: ignore[no-any-return]
            "GetSubscription", "GET", "/subscriptions/" + _seg(subscription_id)
        )

    def update_subscription(self, subscription_id: str, body: models.NmsSubscriptionUpdate) -> models.NmsSubscription:
        """Extend or restart a subscription. (UpdateSubscription; clauses OMA-NMS-6.18, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return self._call(  # type: ignore[no-any-return]
            "UpdateSubscription",
            "POST",
            "/subscriptions/" + _seg(subscription_id),
            content=_json_body("nmsSubscriptionUpdate", body),
            headers={"Content-Type": "application/json"},
        )

    def delete_subscription(self, subscription_id: str) -> None:
        """End a subscription. (DeleteSubscription; clauses OMA-NMS-6.18, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return self._call(  # type: ignore[no-any-return]
            "DeleteSubscription", "DELETE", "/subscriptions/" + _seg(subscription_id)
        )

    def bulk_update_objects(self, body: models.BulkUpdate) -> models.BulkResponseList:
        """Add or remove a flag on several objects. (BulkUpdateObjects; clauses OMA-NMS-LATER-bulkUpdate, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return self._call(  # type: ignore[no-any-return]
            "BulkUpdateObjects",
            "POST",
            "/objects/operations/bulkUpdate",
            content=_json_body("bulkUpdate", body),
            headers={"Content-Type": "application/json"},
        )

    def bulk_delete_objects(self, body: models.BulkDelete) -> models.BulkResponseList:
        """Delete several objects. (BulkDeleteObjects; clauses OMA-NMS-LATER-bulkDelete, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return self._call(  # type: ignore[no-any-return]
            "BulkDeleteObjects",
            "DELETE",
            "/objects/operations/bulkDelete",
            content=_json_body("bulkDelete", body),
            headers={"Content-Type": "application/json"},
        )

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

    async def _call(self, op_id: str, method: str, path: str, **kw: Any) -> Any:
        response = await self._http.request(method, self.box_url + path, **kw)
        return _decode(op_id, response)

    async def create_object(
        self, body: models.Object, *, attachments: Payload | Sequence[Payload] | None = None
    ) -> models.Reference | models.Object:
        """Create (store) an object with its payload. (CreateObject; clauses OMA-NMS-6.1, 24.282-21.1-CR3, 23.282-7.13.1-R4, 23.282-7.13.1-R5, 23.282-7.13.3.8-R1, 23.282-7.13.3.16-R1)."""
        return await self._call(  # type: ignore[no-any-return]
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

    async def get_object(self, object_id: str) -> models.Object:
        """Retrieve a stored object. (GetObject; clauses OMA-NMS-6.2, 24.282-21.1-CR3, 23.282-7.13.1-R4, 23.282-7.13-R1)."""
        return await self._call(  # type: ignore[no-any-return]
            "GetObject", "GET", "/objects/" + _seg(object_id)
        )

    async def delete_object(self, object_id: str) -> None:
        """Delete a stored object. (DeleteObject; clauses OMA-NMS-6.2, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return await self._call(  # type: ignore[no-any-return]
            "DeleteObject", "DELETE", "/objects/" + _seg(object_id)
        )

    async def get_object_flags(self, object_id: str) -> models.FlagList:
        """Retrieve the flags of a stored object. (GetObjectFlags; clauses OMA-NMS-6.3, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        return await self._call(  # type: ignore[no-any-return]
            "GetObjectFlags", "GET", "/objects/" + _seg(object_id) + "/flags"
        )

    async def replace_object_flags(self, object_id: str, body: models.FlagList) -> models.FlagList:
        """Create or update the flags of a stored object. (ReplaceObjectFlags; clauses OMA-NMS-6.3, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return await self._call(  # type: ignore[no-any-return]
            "ReplaceObjectFlags",
            "PUT",
            "/objects/" + _seg(object_id) + "/flags",
            content=_json_body("flagList", body),
            headers={"Content-Type": "application/json"},
        )

    async def get_object_flag(self, object_id: str, flag_name: str) -> Answer:
        """Test whether a flag is set on a stored object. (GetObjectFlag; clauses OMA-NMS-6.4, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        return await self._call(  # type: ignore[no-any-return]
            "GetObjectFlag", "GET", "/objects/" + _seg(object_id) + "/flags/" + _seg(flag_name)
        )

    async def set_object_flag(self, object_id: str, flag_name: str) -> Answer:
        """Set a flag on a stored object. (SetObjectFlag; clauses OMA-NMS-6.4, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return await self._call(  # type: ignore[no-any-return]
            "SetObjectFlag",
            "PUT",
            "/objects/" + _seg(object_id) + "/flags/" + _seg(flag_name),
            content=b'{"empty":null}',
            headers={"Content-Type": "application/json"},
        )

    async def delete_object_flag(self, object_id: str, flag_name: str) -> Answer:
        """Clear a flag of a stored object. (DeleteObjectFlag; clauses OMA-NMS-6.4, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return await self._call(  # type: ignore[no-any-return]
            "DeleteObjectFlag", "DELETE", "/objects/" + _seg(object_id) + "/flags/" + _seg(flag_name)
        )

    async def get_object_payload(self, object_id: str) -> Payload:
        """Download the payload of a stored object. (GetObjectPayload; clauses OMA-NMS-6.5, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        return await self._call(  # type: ignore[no-any-return]
            "GetObjectPayload", "GET", "/objects/" + _seg(object_id) + "/payload"
        )

    async def get_object_payload_part(self, object_id: str, payload_part_id: str) -> Payload:
        """Download one payload part of a stored object. (GetObjectPayloadPart; clauses OMA-NMS-6.6, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        return await self._call(  # type: ignore[no-any-return]
            "GetObjectPayloadPart", "GET", "/objects/" + _seg(object_id) + "/payloadParts/" + _seg(payload_part_id)
        )

    async def search_objects(self, body: models.SelectionCriteria) -> models.ObjectList | models.ObjectReferenceList:
        """Search stored objects. (SearchObjects; clauses OMA-NMS-6.7, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.10, 23.282-7.13-R5)."""
        return await self._call(  # type: ignore[no-any-return]
            "SearchObjects",
            "POST",
            "/objects/operations/search",
            content=_json_body("selectionCriteria", body),
            headers={"Content-Type": "application/json"},
        )

    async def get_object_id_by_path(self, path: str) -> models.Reference:
        """Resolve one object path to its resource URL. (GetObjectIdByPath; clauses OMA-NMS-6.8, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        params: dict[str, Any] = {}
        if path is not None:
            params["path"] = path
        return await self._call(  # type: ignore[no-any-return]
            "GetObjectIdByPath", "GET", "/objects/operations/pathToId", params=params
        )

    async def get_object_ids_by_paths(self, body: models.PathList) -> models.BulkResponseList:
        """Resolve several object paths to their resource URLs. (GetObjectIdsByPaths; clauses OMA-NMS-6.8, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        return await self._call(  # type: ignore[no-any-return]
            "GetObjectIdsByPaths",
            "POST",
            "/objects/operations/pathToId",
            content=_json_body("pathList", body),
            headers={"Content-Type": "application/json"},
        )

    async def bulk_create_objects(
        self, body: models.ObjectList, *, attachments: tuple[Payload | None, ...] = ()
    ) -> models.BulkResponseList:
        """Create (store) several objects in one request. (BulkCreateObjects; clauses OMA-NMS-6.9, 24.282-21.1-CR3, 23.282-7.13.1-R4, 23.282-7.13.1-R5, 23.282-7.13.3.8-R1, 23.282-7.13.3.16-R1)."""
        return await self._call(  # type: ignore[no-any-return]
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

    async def create_folder(self, body: models.Folder) -> models.Reference | models.Folder:
        """Create a folder. (CreateFolder; clauses OMA-NMS-6.10, 24.282-21.1-CR3, 23.282-7.13.1-R4, 23.282-7.13.1-R5, 23.282-7.13.3.16-R1, OMA-NMS-5.1.4)."""
        return await self._call(  # type: ignore[no-any-return]
            "CreateFolder",
            "POST",
            "/folders",
            content=_json_body("folder", body),
            headers={"Content-Type": "application/json"},
        )

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
        """Retrieve a folder, optionally with its subfolders and objects. (GetFolder; clauses OMA-NMS-6.11, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.10)."""
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
        return await self._call(  # type: ignore[no-any-return]
            "GetFolder", "GET", "/folders/" + _seg(folder_id), params=params
        )

    async def delete_folder(self, folder_id: str) -> None:
        """Delete a folder and everything in it. (DeleteFolder; clauses OMA-NMS-6.11, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return await self._call(  # type: ignore[no-any-return]
            "DeleteFolder", "DELETE", "/folders/" + _seg(folder_id)
        )

    async def get_folder_name(self, folder_id: str) -> models.FolderName:
        """Retrieve the name of a folder. (GetFolderName; clauses OMA-NMS-6.12, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        return await self._call(  # type: ignore[no-any-return]
            "GetFolderName", "GET", "/folders/" + _seg(folder_id) + "/folderName"
        )

    async def rename_folder(self, folder_id: str, body: models.FolderName) -> models.FolderName:
        """Rename a folder. (RenameFolder; clauses OMA-NMS-6.12, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return await self._call(  # type: ignore[no-any-return]
            "RenameFolder",
            "PUT",
            "/folders/" + _seg(folder_id) + "/folderName",
            content=_json_body("name", body),
            headers={"Content-Type": "application/json"},
        )

    async def search_folders(self, body: models.SelectionCriteria) -> models.FolderList | models.FolderReferenceList:
        """Search folders. (SearchFolders; clauses OMA-NMS-6.13, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.10)."""
        return await self._call(  # type: ignore[no-any-return]
            "SearchFolders",
            "POST",
            "/folders/operations/search",
            content=_json_body("selectionCriteria", body),
            headers={"Content-Type": "application/json"},
        )

    async def get_folder_id_by_path(self, *, path: str | None = None) -> models.Reference:
        """Resolve one folder path (or the root folder) to its resource URL. (GetFolderIdByPath; clauses OMA-NMS-6.14, 24.282-21.1-CR3, 23.282-7.13.1-R4, 23.282-7.13.1-R5)."""
        params: dict[str, Any] = {}
        if path is not None:
            params["path"] = path
        return await self._call(  # type: ignore[no-any-return]
            "GetFolderIdByPath", "GET", "/folders/operations/pathToId", params=params
        )

    async def get_folder_ids_by_paths(self, body: models.PathList) -> models.BulkResponseList:
        """Resolve several folder paths to their resource URLs. (GetFolderIdsByPaths; clauses OMA-NMS-6.14, 24.282-21.1-CR3, 23.282-7.13.1-R4, 23.282-7.13.1-R5)."""
        return await self._call(  # type: ignore[no-any-return]
            "GetFolderIdsByPaths",
            "POST",
            "/folders/operations/pathToId",
            content=_json_body("pathList", body),
            headers={"Content-Type": "application/json"},
        )

    async def copy_to_folder(self, body: models.TargetSourceRef) -> models.BulkResponseList:
        """Copy objects and folders into a folder. (CopyToFolder; clauses OMA-NMS-6.15, 24.282-21.1-CR3, 23.282-7.13.1-R4)."""
        return await self._call(  # type: ignore[no-any-return]
            "CopyToFolder",
            "POST",
            "/folders/operations/copyToFolder",
            content=_json_body("targetSourceRef", body),
            headers={"Content-Type": "application/json"},
        )

    async def move_to_folder(self, body: models.TargetSourceRef) -> models.BulkResponseList:
        """Move objects and folders into a folder. (MoveToFolder; clauses OMA-NMS-6.16, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return await self._call(  # type: ignore[no-any-return]
            "MoveToFolder",
            "POST",
            "/folders/operations/moveToFolder",
            content=_json_body("targetSourceRef", body),
            headers={"Content-Type": "application/json"},
        )

    async def list_subscriptions(self) -> models.NmsSubscriptionList:
        """List the subscriptions of the box. (ListSubscriptions; clauses OMA-NMS-6.17, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4, 23.282-7.13-R5)."""
        return await self._call(  # type: ignore[no-any-return]
            "ListSubscriptions", "GET", "/subscriptions"
        )

    async def create_subscription(self, body: models.NmsSubscription) -> models.NmsSubscription:
        """Subscribe to notifications about changes in the box. (CreateSubscription; clauses OMA-NMS-6.17, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return await self._call(  # type: ignore[no-any-return]
            "CreateSubscription",
            "POST",
            "/subscriptions",
            content=_json_body("nmsSubscription", body),
            headers={"Content-Type": "application/json"},
        )

    async def get_subscription(self, subscription_id: str) -> models.NmsSubscription:
        """Retrieve a subscription. (GetSubscription; clauses OMA-NMS-6.18, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return await self._call(  # type: ignore[no-any-return]
            "GetSubscription", "GET", "/subscriptions/" + _seg(subscription_id)
        )

    async def update_subscription(
        self, subscription_id: str, body: models.NmsSubscriptionUpdate
    ) -> models.NmsSubscription:
        """Extend or restart a subscription. (UpdateSubscription; clauses OMA-NMS-6.18, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return await self._call(  # type: ignore[no-any-return]
            "UpdateSubscription",
            "POST",
            "/subscriptions/" + _seg(subscription_id),
            content=_json_body("nmsSubscriptionUpdate", body),
            headers={"Content-Type": "application/json"},
        )

    async def delete_subscription(self, subscription_id: str) -> None:
        """End a subscription. (DeleteSubscription; clauses OMA-NMS-6.18, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return await self._call(  # type: ignore[no-any-return]
            "DeleteSubscription", "DELETE", "/subscriptions/" + _seg(subscription_id)
        )

    async def bulk_update_objects(self, body: models.BulkUpdate) -> models.BulkResponseList:
        """Add or remove a flag on several objects. (BulkUpdateObjects; clauses OMA-NMS-LATER-bulkUpdate, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return await self._call(  # type: ignore[no-any-return]
            "BulkUpdateObjects",
            "POST",
            "/objects/operations/bulkUpdate",
            content=_json_body("bulkUpdate", body),
            headers={"Content-Type": "application/json"},
        )

    async def bulk_delete_objects(self, body: models.BulkDelete) -> models.BulkResponseList:
        """Delete several objects. (BulkDeleteObjects; clauses OMA-NMS-LATER-bulkDelete, 24.282-21.1-CR3, 23.282-7.13.1-R4, OMA-NMS-5.1.4)."""
        return await self._call(  # type: ignore[no-any-return]
            "BulkDeleteObjects",
            "DELETE",
            "/objects/operations/bulkDelete",
            content=_json_body("bulkDelete", body),
            headers={"Content-Type": "application/json"},
        )

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
