"""The generated clients (sync and async) against the generated server on the reference store, over TLS.

One scenario drives every operation through the client; it runs once through MessageStoreClient and once
through AsyncMessageStoreClient. MCData-8 uses the client credentials grant against a token endpoint that
stands in for the identity management server here (RFC 6749 4.4: HTTP Basic client authentication,
scope, expires_in; 5.2 error answers).
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import trustme
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from mcdata_store import models
from mcdata_store.client import (
    AsyncMessageStoreClient,
    BearerTokenAuth,
    ClientCredentialsAuth,
    Forbidden,
    MessageStoreClient,
    NotFound,
    TokenError,
    Unauthorized,
)
from mcdata_store.store import Answer, Payload
from nmsrun.serve import tls_context

from ..conftest import ROOT, StartServer
from ..https_server import Running, ServerOptions
from ..support import ALICE, ALL_ACCOUNTS, BOB, Keys, free_port, user_token

KEYS = Keys()
MIXED = b"--b1\r\nContent-Type: text/plain\r\n\r\nHello\r\n--b1\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n--b1--\r\n"


@pytest.fixture(scope="module")
def server_options() -> ServerOptions:
    return ServerOptions(KEYS, settings={"all_accounts_scope": ALL_ACCOUNTS})


def api_root(r: Running) -> str:
    return r.base_url.removesuffix("/nms/v1/myStore")


DOC = json.loads((ROOT / "generated" / "openapi" / "openapi.json").read_text())


def operations_of(interface: str) -> set[str]:
    """The client method names of the document's operations that ``interface`` may call."""
    return {
        re.sub(r"(?<!^)(?=[A-Z])", "_", op["operationId"]).lower()
        for item in DOC["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and interface in op.get("x-nmsgen-interfaces", [])
    }


class Sync:
    def __init__(self, client: MessageStoreClient) -> None:
        self.client = client
        self.called: set[str] = set()

    def __getattr__(self, name: str) -> Callable[..., Any]:
        self.called.add(name)
        return getattr(self.client, name)  # type: ignore[no-any-return]

    def collect(self, name: str, *args: Any, **kw: Any) -> list[Any]:
        self.called.add(name.removeprefix("iter_"))
        return list(getattr(self.client, name)(*args, **kw))


class Async:
    """Runs the async client's coroutines on one event loop, so one scenario serves both clients."""

    def __init__(self, client: AsyncMessageStoreClient, loop: asyncio.AbstractEventLoop) -> None:
        self.client = client
        self.loop = loop
        self.called: set[str] = set()

    def __getattr__(self, name: str) -> Callable[..., Any]:
        self.called.add(name)
        method = getattr(self.client, name)
        return lambda *a, **kw: self.loop.run_until_complete(method(*a, **kw))

    def collect(self, name: str, *args: Any, **kw: Any) -> list[Any]:
        self.called.add(name.removeprefix("iter_"))

        async def gather() -> list[Any]:
            return [x async for x in getattr(self.client, name)(*args, **kw)]

        return self.loop.run_until_complete(gather())


def scenario(c: Any) -> None:
    """Every MCData-7 operation, through the client; what comes back is what was sent."""
    ref = c.create_folder(models.Folder(parentFolderPath="/", name="Inbox", attributes=models.AttributeList()))
    inbox = ref.resourceURL
    folder_id = inbox.rsplit("/", 1)[1]
    sub = c.create_folder(models.Folder(parentFolder=inbox, name="Sub", attributes=models.AttributeList()))
    obj = models.Object(
        parentFolderPath="/Inbox",
        flags=models.FlagList(flag=["\\Seen"]),
        attributes=models.AttributeList(attribute=[models.Attribute(name="Subject", value=["hi"])]),
    )
    created = c.create_object(obj, attachments=Payload(MIXED, "multipart/mixed; boundary=b1"))
    object_id = created.resourceURL.rsplit("/", 1)[1]
    got = c.get_object(object_id)
    assert got.attributes.attribute[0].value[0].root == "hi"
    assert c.get_object_payload(object_id).content == MIXED
    part = got.payloadPart[0].href.rsplit("/", 1)[1]
    assert c.get_object_payload_part(object_id, part).content == b"Hello"
    assert [f.root for f in c.get_object_flags(object_id).flag] == ["\\Seen"]
    c.replace_object_flags(object_id, models.FlagList(flag=["\\Seen", "\\Flagged"]))
    assert c.get_object_flag(object_id, "\\Seen") == Answer(204, None, None)
    assert c.set_object_flag(object_id, "$Forwarded").status == 201
    assert c.set_object_flag(object_id, "$Forwarded").status == 204
    assert c.delete_object_flag(object_id, "$Forwarded").status == 204
    assert c.get_object_flag(object_id, "$Forwarded").status == 404
    plain = c.create_object(
        models.Object(parentFolder=inbox, flags=models.FlagList(), attributes=models.AttributeList())
    )
    criteria = models.SelectionCriteria(maxEntries=1)
    everything = c.collect("iter_search_objects", criteria)  # two objects, one per batch, via the cursor
    assert sorted(o.resourceURL for o in everything) == sorted([created.resourceURL, plain.resourceURL])
    assert c.get_object_id_by_path(path=got.path).resourceURL == created.resourceURL
    bulk = c.get_object_ids_by_paths(models.PathList(path=[got.path, "/Inbox/none"]))
    assert [r.code for r in bulk.response] == [200, 404]
    made = c.bulk_create_objects(
        models.ObjectList(
            object=[models.Object(parentFolder=inbox, flags=models.FlagList(), attributes=models.AttributeList())]
        ),
        attachments=(Payload(b"one", "text/plain"),),
    )
    assert [r.code for r in made.response] == [201]
    folder = c.get_folder(folder_id, list_filter=models.ListFilterEnum.All, path=models.YesEnum.Yes)
    assert folder.path == "/Inbox"
    entries = c.collect("iter_get_folder", folder_id, list_filter=models.ListFilterEnum.All, max_entries=1)
    assert len(entries) == 4  # the subfolder and three objects, one batch each
    assert c.get_folder_name(folder_id).root == "Inbox"
    c.rename_folder(folder_id, models.FolderName("Mail"))
    roots = c.search_folders(
        models.SelectionCriteria(
            maxEntries=5,
            searchCriteria=models.SearchCriteria(
                criterion=[models.SearchCriterion(type=models.SearchTypeEnum.Attribute, name="Root", value="Yes")]
            ),
        )
    )
    assert len(roots.folder) == 1
    assert c.get_folder_id_by_path(path="/Mail").resourceURL == inbox
    c.get_folder_ids_by_paths(models.PathList(path=["/Mail"]))
    refs = models.ReferenceList(
        folders=models.FolderReferenceList(),
        objects=models.ObjectReferenceList(objectReference=[models.Reference(resourceURL=plain.resourceURL)]),
    )
    target = models.Reference(resourceURL=sub.resourceURL)
    c.copy_to_folder(models.TargetSourceRef(targetRef=target, sourceRefs=refs))
    c.move_to_folder(models.TargetSourceRef(targetRef=target, sourceRefs=refs))
    s = c.create_subscription(
        models.NmsSubscription(
            callbackReference=models.CallbackReference(notifyURL="https://client.example.test/n"), duration=60
        )
    )
    sub_id = s.resourceURL.rsplit("/", 1)[1]
    assert s.index == 1 and len(c.list_subscriptions().subscription) >= 1
    assert c.get_subscription(sub_id).resourceURL == s.resourceURL
    c.update_subscription(sub_id, models.NmsSubscriptionUpdate(duration=30))
    c.delete_subscription(sub_id)
    with pytest.raises(NotFound) as e:
        c.get_subscription(sub_id)
    assert e.value.message_id == "SVC0004" and e.value.status == 404
    one = models.ObjectReferenceList(objectReference=[models.Reference(resourceURL=created.resourceURL)])
    c.bulk_update_objects(
        models.BulkUpdate(
            objects=one, operation=models.OperationEnum.AddFlag, flags=models.FlagList(flag=["\\Answered"])
        )
    )
    c.bulk_delete_objects(
        models.BulkDelete(
            objects=models.ObjectReferenceList(
                objectReference=[models.Reference(resourceURL=made.response[0].success.resourceURL)]
            )
        )
    )
    c.delete_object(object_id)
    c.delete_folder(folder_id)
    with pytest.raises(NotFound):
        c.get_object(object_id)


@pytest.mark.clause("24.282-21.1-CR3", "24.282-21.1-R7", "23.282-7.13.1-R4")
def test_sync_client_every_operation(running: Running) -> None:
    with MessageStoreClient(
        api_root(running), "myStore", ALICE, auth=BearerTokenAuth(user_token(KEYS, ALICE)), ca_bundle=running.ca_file
    ) as client:
        adapter = Sync(client)
        scenario(adapter)
    assert sorted(operations_of("MCData-7") - adapter.called) == []


@pytest.mark.clause("24.282-21.1-CR3", "24.282-21.1-R7", "23.282-7.13.1-R4")
def test_async_client_every_operation(running: Running) -> None:
    loop = asyncio.new_event_loop()
    client = AsyncMessageStoreClient(
        api_root(running),
        "myStore",
        "carol@example.test",
        auth=BearerTokenAuth(user_token(KEYS, "carol@example.test")),
        ca_bundle=running.ca_file,
    )
    adapter = Async(client, loop)
    try:
        scenario(adapter)
        assert sorted(operations_of("MCData-7") - adapter.called) == []
    finally:
        loop.run_until_complete(client.close())
        loop.close()


def test_errors_are_typed(running: Running) -> None:
    with MessageStoreClient(
        api_root(running), "myStore", BOB, auth=BearerTokenAuth(user_token(KEYS, ALICE)), ca_bundle=running.ca_file
    ) as client:
        with pytest.raises(Forbidden) as e:
            client.get_object("o1")
    assert e.value.status == 403 and e.value.message_id == "POL0001"
    with MessageStoreClient(
        api_root(running), "myStore", ALICE, auth=BearerTokenAuth("not-a-jwt"), ca_bundle=running.ca_file
    ) as client:
        with pytest.raises(Unauthorized) as u:
            client.get_object("o1")
    assert 'error="invalid_token"' in u.value.www_authenticate


@pytest.mark.clause("RFC6750-3.1-R2")
def test_bearer_refresh_once_on_invalid_token(running: Running) -> None:
    calls: list[str] = []

    def refresh() -> str:
        calls.append("refresh")
        return user_token(KEYS, ALICE)

    expired = user_token(KEYS, ALICE, exp=int(time.time()) - 120)
    with MessageStoreClient(
        api_root(running), "myStore", ALICE, auth=BearerTokenAuth(expired, refresh=refresh), ca_bundle=running.ca_file
    ) as client:
        with pytest.raises(NotFound):
            client.get_object("nope")  # the refreshed token worked: the store answered
    assert calls == ["refresh"]


@pytest.mark.clause("24.282-21.1-R3", "24.482-A.2.1-R1", "24.482-A.2.1-R2", "33.180-6.1.2-R1")
def test_tls_is_verified_and_http_refused(running: Running) -> None:
    auth = BearerTokenAuth(user_token(KEYS, ALICE))
    with pytest.raises(ValueError, match="https"):
        MessageStoreClient("http://localhost:1", "myStore", ALICE, auth=auth)
    with MessageStoreClient(api_root(running), "myStore", ALICE, auth=auth) as client:  # no CA bundle
        with pytest.raises(Exception, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
            client.get_object("o1")


# ---------------------------------------------------------------- MCData-8: client credentials


class TokenEndpoint:
    """RFC 6749 4.4 client credentials with HTTP Basic client authentication; ES256 JWTs (RFC 9068 style)."""

    def __init__(self, secret: str, lifetime: int) -> None:
        self.secret = secret
        self.lifetime = lifetime
        self.issued = 0
        self.delay = 0.0
        app = FastAPI()

        @app.post("/token")
        async def token(request: Request) -> JSONResponse:
            await asyncio.sleep(self.delay)
            form = await request.form()
            auth = request.headers.get("authorization", "")
            try:
                cid, _, secret_ = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
            except ValueError:
                cid, secret_ = "", ""
            if not auth.startswith("Basic ") or secret_ != self.secret:
                return JSONResponse({"error": "invalid_client"}, 401, {"WWW-Authenticate": 'Basic realm="idms"'})
            if form.get("grant_type") != "client_credentials":
                return JSONResponse({"error": "unsupported_grant_type"}, 400)
            if form.get("scope") != ALL_ACCOUNTS:
                return JSONResponse({"error": "invalid_scope"}, 400)
            self.issued += 1
            now = int(time.time())
            tok = jwt.encode(
                {
                    "iss": "https://idms.example.test",
                    "sub": cid,
                    "client_id": cid,
                    "scope": ALL_ACCOUNTS,
                    "iat": now,
                    "exp": now + self.lifetime,
                    "jti": f"t{self.issued}",
                },
                KEYS.ec,
                algorithm="ES256",
                headers={"kid": "k1", "typ": "at+jwt"},
            )
            return JSONResponse(
                {"access_token": tok, "token_type": "Bearer", "expires_in": self.lifetime},
                headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
            )

        self.app = app


@pytest.fixture
def idms(tmp_path: Path) -> Iterator[tuple[str, TokenEndpoint, Path]]:
    endpoint = TokenEndpoint("s3cret", lifetime=3600)
    ca = trustme.CA()
    cert = ca.issue_cert("localhost")
    cert.private_key_and_cert_chain_pem.write_to_path(str(tmp_path / "idms.pem"))
    cert.private_key_pem.write_to_path(str(tmp_path / "idms.key"))
    ca.cert_pem.write_to_path(str(tmp_path / "idms-ca.pem"))
    port = free_port()
    config = uvicorn.Config(endpoint.app, host="127.0.0.1", port=port, log_level="warning")
    config.load()
    config.ssl = tls_context(tmp_path / "idms.pem", tmp_path / "idms.key")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield f"https://localhost:{port}/token", endpoint, tmp_path / "idms-ca.pem"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.clause("24.282-21.1-CR1", "RFC6749-4.4.2-R1", "24.282-21.1-CR5")
def test_mcdata8_client_credentials(running: Running, idms: tuple[str, TokenEndpoint, Path]) -> None:
    url, endpoint, ca = idms
    auth = ClientCredentialsAuth(url, "mcdata-server-1", "s3cret", ALL_ACCOUNTS, ca_bundle=ca)
    with MessageStoreClient(
        api_root(running), "myStore", "dave@example.test", auth=auth, ca_bundle=running.ca_file
    ) as client:
        folder = client.create_folder(
            models.Folder(parentFolderPath="/", name="Deposits", attributes=models.AttributeList())
        )
        client.create_object(
            models.Object(parentFolder=folder.resourceURL, flags=models.FlagList(), attributes=models.AttributeList())
        )
        assert client.get_folder_id_by_path(path="/Deposits").resourceURL == folder.resourceURL
        assert endpoint.issued == 1  # one token, cached for every call
        with pytest.raises(NotFound):
            client.get_object("x")  # the server token reaches every operation: an unknown object is 404
    auth.close()


@pytest.mark.clause("RFC6749-5.2-R1", "RFC6749-5.2-R2", "RFC6749-5.2-R3")
def test_token_endpoint_errors_are_clear(running: Running, idms: tuple[str, TokenEndpoint, Path]) -> None:
    url, _, ca = idms
    for secret, scope, code in (("wrong", ALL_ACCOUNTS, "invalid_client"), ("s3cret", "other", "invalid_scope")):
        auth = ClientCredentialsAuth(url, f"client-{code}", secret, scope, ca_bundle=ca)
        with MessageStoreClient(
            api_root(running), "myStore", "dave@example.test", auth=auth, ca_bundle=running.ca_file
        ) as client:
            with pytest.raises(TokenError) as e:
                client.get_folder_id_by_path(path="/")
        assert e.value.error == code
        auth.close()


@pytest.mark.clause("RFC6749-4.4.3-R1", "33.180-B.12-R1", "33.180-B.10-R2")
def test_client_credentials_token_expiry_and_refresh(running: Running, idms: tuple[str, TokenEndpoint, Path]) -> None:
    url, endpoint, ca = idms
    endpoint.lifetime = 32  # with early_expiry=30 the cached token counts as expired after about 2 s
    auth = ClientCredentialsAuth(url, "mcdata-server-exp", "s3cret", ALL_ACCOUNTS, ca_bundle=ca)
    with MessageStoreClient(
        api_root(running), "myStore", "erin@example.test", auth=auth, ca_bundle=running.ca_file
    ) as client:
        client.get_folder_id_by_path(path="/")
        client.get_folder_id_by_path(path="/")
        assert endpoint.issued == 1  # cached
        time.sleep(2.5)
        client.get_folder_id_by_path(path="/")
        assert endpoint.issued == 2  # refreshed shortly before expiry
    auth.close()


@pytest.mark.clause("RFC6750-3.1-R2", "RFC9068-4-R1")
def test_rejected_token_is_retried_once_then_raised(
    start_server: StartServer, idms: tuple[str, TokenEndpoint, Path]
) -> None:
    """A store that wants another audience refuses every token of this endpoint: one fresh token, then 401."""
    url, endpoint, ca = idms
    with start_server(
        KEYS,
        all_accounts_scope=ALL_ACCOUNTS,
        profile="rfc9068",
        issuer="https://idms.example.test",
        audience="https://other-store.example.test",
    ) as strict:
        auth = ClientCredentialsAuth(url, "mcdata-server-aud", "s3cret", ALL_ACCOUNTS, ca_bundle=ca)
        with MessageStoreClient(
            api_root(strict), "myStore", "erin@example.test", auth=auth, ca_bundle=strict.ca_file
        ) as client:
            with pytest.raises(Unauthorized) as e:
                client.get_folder_id_by_path(path="/")
        auth.close()
    assert 'error="invalid_token"' in e.value.www_authenticate
    assert endpoint.issued == 2  # the first token and exactly one retry


@pytest.mark.clause("24.282-21.1-R7", "24.282-21.1-CR5", "33.180-B.10-R1", "RFC6750-2.1-R1")
def test_tokens_travel_only_in_the_authorization_header(
    running: Running, idms: tuple[str, TokenEndpoint, Path]
) -> None:
    """Both clients put their access token in the Authorization header with the Bearer scheme, and nowhere
    else: the user's token (MCData-7) and the MCData server's client-credentials token (MCData-8)."""
    url, _, ca = idms
    user = user_token(KEYS, ALICE)
    server_auth = ClientCredentialsAuth(url, "mcdata-server-hdr", "s3cret", ALL_ACCOUNTS, ca_bundle=ca)
    sent: list[tuple[str, str, str]] = []  # (who, Authorization, URL)
    for who, auth in (("user", BearerTokenAuth(user)), ("server", server_auth)):
        with MessageStoreClient(api_root(running), "myStore", ALICE, auth=auth, ca_bundle=running.ca_file) as c:
            c._http.event_hooks["request"].append(
                lambda r, who=who: sent.append((who, r.headers.get("authorization", ""), str(r.url)))
            )
            c.get_folder_id_by_path(path="/")
    server_auth.close()
    assert [who for who, _, _ in sent] == ["user", "server"]
    for who, header, target in sent:
        scheme, _, credential = header.partition(" ")
        assert scheme == "Bearer" and re.fullmatch(r"[A-Za-z0-9\-._~+/]+=*", credential), (who, header)
        assert credential.count(".") == 2, f"{who}: not a JWS compact token"
        assert credential not in target and "access_token" not in target, f"{who}: token in the URL {target}"
    assert sent[0][1] == f"Bearer {user}"


def mcdata8_scenario(c: Any, user: Any) -> None:
    """The MCData server deposits (folders, objects, bulk), then the user reads back exactly what was deposited."""
    folder = c.create_folder(models.Folder(parentFolderPath="/", name="SDS", attributes=models.AttributeList()))
    assert c.get_folder_id_by_path(path="/SDS").resourceURL == folder.resourceURL
    assert (
        c.get_folder_ids_by_paths(models.PathList(path=["/SDS"])).response[0].success.resourceURL == folder.resourceURL
    )
    attrs = models.AttributeList(attribute=[models.Attribute(name="Message-Context", value=["pager-message"])])
    one = c.create_object(
        models.Object(parentFolder=folder.resourceURL, flags=models.FlagList(), attributes=attrs),
        attachments=Payload(b"SDS body", "text/plain"),
    )
    made = c.bulk_create_objects(
        models.ObjectList(
            object=[models.Object(parentFolder=folder.resourceURL, flags=models.FlagList(), attributes=attrs)]
        ),
        attachments=(Payload(b"second", "text/plain"),),
    )
    second = made.response[0].success.resourceURL
    for url, content in ((one.resourceURL, b"SDS body"), (second, b"second")):
        object_id = url.rsplit("/", 1)[1]
        got = user.get_object(object_id)
        assert got.attributes.attribute[0].value[0].root == "pager-message"
        assert user.get_object_payload(object_id).content == content


@pytest.mark.clause("24.282-21.1-CR1", "24.282-21.1-CR2", "23.282-7.13-R2", "23.282-7.13.1-R5")
def test_mcdata8_every_operation_sync_and_async(running: Running, idms: tuple[str, TokenEndpoint, Path]) -> None:
    url, _, ca = idms
    box = "grace@example.test"
    user_auth = BearerTokenAuth(user_token(KEYS, box))
    auth = ClientCredentialsAuth(url, "mcdata-server-2", "s3cret", ALL_ACCOUNTS, ca_bundle=ca)
    with (
        MessageStoreClient(api_root(running), "myStore", box, auth=auth, ca_bundle=running.ca_file) as c,
        MessageStoreClient(api_root(running), "myStore", box, auth=user_auth, ca_bundle=running.ca_file) as u,
    ):
        server = Sync(c)
        scenario(server)  # every operation, on the user's box: the token's scope covers the entire accounts
        mcdata8_scenario(server, Sync(u))
    assert sorted(operations_of("MCData-8") - server.called) == []
    loop = asyncio.new_event_loop()
    ac = AsyncMessageStoreClient(
        api_root(running), "myStore", "heidi@example.test", auth=auth, ca_bundle=running.ca_file
    )
    au = AsyncMessageStoreClient(
        api_root(running),
        "myStore",
        "heidi@example.test",
        auth=BearerTokenAuth(user_token(KEYS, "heidi@example.test")),
        ca_bundle=running.ca_file,
    )
    try:
        server_async = Async(ac, loop)
        scenario(server_async)
        mcdata8_scenario(server_async, Async(au, loop))
        assert sorted(operations_of("MCData-8") - server_async.called) == []
    finally:
        loop.run_until_complete(ac.close())
        loop.run_until_complete(au.close())
        loop.close()
    auth.close()


def test_async_token_fetch_does_not_block_the_event_loop(
    running: Running, idms: tuple[str, TokenEndpoint, Path]
) -> None:
    url, endpoint, ca = idms
    endpoint.delay = 0.5
    auth = ClientCredentialsAuth(url, "mcdata-server-slow", "s3cret", ALL_ACCOUNTS, ca_bundle=ca)

    async def main() -> int:
        ticks = 0
        done = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not done.is_set():
                await asyncio.sleep(0.01)
                ticks += 1

        async with AsyncMessageStoreClient(
            api_root(running), "myStore", "ivan@example.test", auth=auth, ca_bundle=running.ca_file
        ) as client:
            task = asyncio.create_task(ticker())
            await client.get_folder_id_by_path(path="/")
            done.set()
            await task
        return ticks

    assert asyncio.run(main()) >= 20  # the loop kept running during the 0.5 s token request
    auth.close()
