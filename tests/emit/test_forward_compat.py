"""The generated client is forward compatible; the generated server stays strict.

A vendor-extended server or a later version of the API answers members and enumeration values our model does
not know: the client keeps the members in ``model_extra`` and the values as enumeration members of their own
(``templates/models/_base.py.jinja``, ``tolerant()``), and does not fail. What the server *reads* is still
checked against the NMS schema: an unknown request member or enumeration value is 400 SVC0002.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pydantic
import pytest
from fastapi.testclient import TestClient

from mcdata_store import models
from mcdata_store.client import AsyncMessageStoreClient, BearerTokenAuth, MessageStoreClient, NotFound
from mcdata_store.server import create_app

from ..conftest import StartServer
from ..https_server import Running
from ..support import ALICE, Keys, RecordingStore, user_token

KEYS = Keys()
ROOT_URL = "https://store.example.test"
SUBSCRIPTION = {
    "nmsSubscription": {
        "callbackReference": {"notifyURL": "https://client.example.test/n", "notificationFormat": "CBOR"},
        "duration": 60,
        "resourceURL": "https://store.example.test/nms/v1/myStore/alice/subscriptions/s1",
        "vendorPriority": 5,
    },
    "vendorTrace": "t-1",
}


def mock_client(answer: httpx.Response) -> MessageStoreClient:
    return MessageStoreClient(
        ROOT_URL, "myStore", ALICE, auth=BearerTokenAuth("t"), transport=httpx.MockTransport(lambda request: answer)
    )


def test_an_unknown_member_and_enum_value_are_kept_not_refused() -> None:
    with mock_client(httpx.Response(200, json=SUBSCRIPTION)) as c:
        sub = c.get_subscription("s1")
    assert sub.model_extra == {"vendorPriority": 5}
    assert sub.callbackReference.notificationFormat is not None
    assert sub.callbackReference.notificationFormat.value == "CBOR"
    assert isinstance(sub.callbackReference.notificationFormat, models.NotificationFormat)
    assert sub.duration == 60
    # what the client sends back carries the members it knows, never the unknown ones
    assert "vendorPriority" not in sub.to_wire()


def test_the_async_client_is_as_tolerant() -> None:
    async def main() -> models.NmsSubscription:
        transport = httpx.MockTransport(lambda request: httpx.Response(200, json=SUBSCRIPTION))
        async with AsyncMessageStoreClient(
            ROOT_URL, "myStore", ALICE, auth=BearerTokenAuth("t"), transport=transport
        ) as c:
            return await c.get_subscription("s1")

    assert asyncio.run(main()).model_extra == {"vendorPriority": 5}


def test_an_error_body_with_unknown_members_still_names_its_exception() -> None:
    body = {"requestError": {"serviceException": {"messageId": "SVC0004", "text": "No such object", "vendorCode": 7},
                             "vendorHint": "x"}}  # fmt: skip
    with mock_client(httpx.Response(404, json=body)) as c, pytest.raises(NotFound) as caught:
        c.get_object("o1")
    assert caught.value.message_id == "SVC0004"


def test_outside_the_client_the_models_stay_strict() -> None:
    with pytest.raises(pydantic.ValidationError):
        models.NmsSubscriptionBody.model_validate(SUBSCRIPTION)
    with pytest.raises(pydantic.ValidationError):
        models.CallbackReference.model_validate({"notifyURL": "https://x.test/n", "notificationFormat": "CBOR"})
    assert models.NotificationFormat("JSON") is models.NotificationFormat.JSON
    with pytest.raises(ValueError):
        models.NotificationFormat("CBOR")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"vendorPriority": 5}, id="unknown-member"),
        pytest.param({"callbackReference": {"notifyURL": "https://c.test/n", "notificationFormat": "CBOR"}},
                     id="unknown-enum-value"),
    ],
)  # fmt: skip
def test_the_server_refuses_what_the_nms_schema_forbids(change: dict[str, Any]) -> None:
    client = TestClient(create_app(RecordingStore(), KEYS.settings()), base_url="https://testserver")
    body = {"nmsSubscription": {"callbackReference": {"notifyURL": "https://c.test/n"}, "duration": 60, **change}}
    token = user_token(KEYS, ALICE, exp=int(time.time()) + 3600)
    r = client.post(f"/nms/v1/myStore/{ALICE}/subscriptions", json=body, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 400
    assert r.json()["requestError"]["serviceException"]["messageId"] == "SVC0002"


# ------------------------------------------------------------------ against a server answering extras


def _extend(value: Any) -> Any:
    """Every JSON object of an answer with a member of a later version; every notificationFormat a new value."""
    if isinstance(value, dict):
        out = {k: ("CBOR" if k == "notificationFormat" else _extend(v)) for k, v in value.items()}
        return {**out, "vendorExtension": {"since": "v2"}}
    if isinstance(value, list):
        return [_extend(v) for v in value]
    return value


def answering_extras(app: Any) -> Any:
    """The generated server as a vendor-extended (or later) server: its JSON answers carry more."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        body = bytearray()

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body"):
                return
            data = bytes(body)
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            if dict(headers).get(b"content-type", b"").startswith(b"application/json") and data:
                data = json.dumps(_extend(json.loads(data))).encode()
            await send({**start, "headers": [*headers, (b"content-length", str(len(data)).encode())]})
            await send({"type": "http.response.body", "body": data})

        await app(scope, receive, capture)

    return wrapped


@pytest.fixture(scope="module")
def extended(start_server: StartServer) -> Iterator[Running]:
    with start_server(KEYS, wrap=answering_extras) as r:  # a server whose answers carry vendor extras
        yield r


def test_the_client_works_against_a_server_answering_extras(extended: Running) -> None:
    token = user_token(KEYS, ALICE, exp=int(time.time()) + 3600)
    root = extended.base_url.removesuffix("/nms/v1/myStore")
    ca = Path(extended.ca_file)
    with MessageStoreClient(root, "myStore", ALICE, auth=BearerTokenAuth(token), ca_bundle=ca) as c:
        folder = c.create_folder(models.Folder(parentFolderPath="/", name="Inbox", attributes=models.AttributeList()))
        assert folder.model_extra == {"vendorExtension": {"since": "v2"}}
        made = c.create_object(
            models.Object(parentFolder=folder.resourceURL, flags=models.FlagList(), attributes=models.AttributeList())
        )
        got = c.get_object(made.resourceURL.rsplit("/", 1)[1])
        assert got.model_extra == {"vendorExtension": {"since": "v2"}}
        assert got.flags.model_extra == {"vendorExtension": {"since": "v2"}}
        sub = c.create_subscription(
            models.NmsSubscription(
                callbackReference=models.CallbackReference(
                    notifyURL="https://127.0.0.1:9/n", notificationFormat=models.NotificationFormat.JSON
                ),
                duration=60,
            )
        )
        assert sub.callbackReference.notificationFormat is not None
        assert sub.callbackReference.notificationFormat.value == "CBOR"
        found = list(c.iter_search_objects(models.SelectionCriteria(maxEntries=10)))
        assert [o.resourceURL for o in found] == [made.resourceURL]
