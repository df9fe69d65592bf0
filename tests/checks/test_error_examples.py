"""Error examples agree with their status, and with what the server sends.

The document shows, under each error status of each operation (and callback), only bodies that the server
sends for that status: an example's exception (``requestError.serviceException/policyException.messageId``)
is one of the exceptions the model maps to that status for that operation (its own responses, the auth
challenges, the 405 answer, the common responses), read here from the model and not from the document;
no operation shows one error body under two statuses; every error response has an example; and an
example's text is its exception's text with every %N filled by its variables, as the server writes it.

Then the server itself: the bodies the generated server builds from the model alone (every auth challenge,
the 405 answer, the 500 answer) are exactly examples of the document under their status, every exception the
generated server or the reference store sends fills each %N of its text, and the hand-written examples are
what the reference store answers in their situation.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from generator import pipeline
from generator.ir.model import Model, Operation
from mcdata_store.server import create_app
from mcdata_store.store import StoreError
from refstore import SqliteStore

from ..conftest import ROOT
from ..support import ALICE, BOB, Keys, RecordingStore, example_body, server_token, user_token

DOC = json.loads((ROOT / "generated" / "openapi" / "openapi.json").read_text())
METHODS = ("get", "put", "post", "delete", "patch")
KEYS = Keys()
PLACEHOLDER = re.compile(r"%(\d+)")


@pytest.fixture(scope="module")
def model() -> Model:
    result = pipeline.check(ROOT / "spec")
    assert result.model is not None
    return result.model


def _operation(model: Model, op_id: str) -> Operation:
    ops = [*model.operations, *(o for r in model.callbacks.values() for o in r.operations)]
    return next(o for o in ops if o.id == op_id)


def sent_by_status(model: Model, op_id: str) -> dict[int, set[str]]:
    """status -> the exceptions the model says the server answers ``op_id`` with under that status.

    A callback is answered by the notified client: only its own responses count."""
    op = _operation(model, op_id)
    out: dict[int, set[str]] = defaultdict(set)
    for r in op.responses:
        out[r.status] |= set(r.exceptions)
    if model.resource(op.resource).kind == "server":
        for ch in model.auth.challenges:
            out[ch.status].add(ch.exception)
        for r in [model.api.method_not_allowed, *model.api.common_responses]:
            out[r.status] |= set(r.exceptions)
    return out


def _operations(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every operation of the document, then the operations of its callbacks."""
    for item in doc["paths"].values():
        for meth in METHODS:
            if meth in item:
                yield item[meth]
                for callback in item[meth].get("callbacks", {}).values():
                    for cb_item in callback.values():
                        yield from (cb_item[m] for m in METHODS if m in cb_item)


def error_examples(doc: dict[str, Any]) -> Iterator[tuple[str, int, str, dict[str, Any]]]:
    """(operationId, status, example name, example value) of every requestError example of every response."""
    for op in _operations(doc):
        for status, resp in op["responses"].items():
            for content in resp.get("content", {}).values():
                for name, ex in content.get("examples", {}).items():
                    if isinstance(ex["value"], dict) and "requestError" in ex["value"]:
                        yield op["operationId"], int(status), name, ex["value"]


def detail(value: dict[str, Any]) -> dict[str, Any]:
    err = value["requestError"]
    return dict(err.get("serviceException") or err.get("policyException"))


def placeholders(text: str) -> int:
    return max((int(n) for n in PLACEHOLDER.findall(text)), default=0)


def examples_under(op_id: str, status: int) -> list[dict[str, Any]]:
    return [v for o, s, _, v in error_examples(DOC) if o == op_id and s == status]


# ---------------------------------------------------------------- the document


@pytest.mark.clause("OMA-COMMON-RequestError", "OMA-NMS-App.D")
def test_every_error_example_shows_an_exception_of_its_status(model: Model) -> None:
    wrong = []
    seen = 0
    for op_id, status, name, value in error_examples(DOC):
        seen += 1
        sent = sent_by_status(model, op_id)
        if detail(value)["messageId"] not in sent.get(status, set()):
            wrong.append(f"{op_id} {status} {name}: {detail(value)['messageId']} (sent: {sorted(sent[status])})")
    assert seen > 0
    assert wrong == []


@pytest.mark.clause("OMA-COMMON-RequestError", "OMA-NMS-App.D")
def test_no_operation_shows_one_error_body_under_two_statuses() -> None:
    statuses: dict[tuple[str, str], set[int]] = defaultdict(set)
    for op_id, status, _, value in error_examples(DOC):
        statuses[(op_id, json.dumps(value, sort_keys=True))].add(status)
    assert {k: v for k, v in statuses.items() if len(v) > 1} == {}


@pytest.mark.clause("OMA-COMMON-RequestError", "OMA-NMS-App.D")
def test_every_error_response_has_an_example() -> None:
    missing = [
        f"{op['operationId']} {status}"
        for op in _operations(DOC)
        for status, resp in op["responses"].items()
        if int(status) >= 400 and "application/json" in resp.get("content", {})
        if not resp["content"]["application/json"].get("examples")
    ]
    assert missing == []


@pytest.mark.clause("OMA-COMMON-Exceptions", "OMA-COMMON-ServiceException", "OMA-COMMON-PolicyException")
def test_error_examples_fill_every_placeholder_as_the_server_does(model: Model) -> None:
    wrong = []
    for op_id, status, name, value in error_examples(DOC):
        err = value["requestError"]
        kind = "service" if "serviceException" in err else "policy"
        d = detail(value)
        exc = model.exceptions[d["messageId"]]
        variables = d.get("variables", [])
        text = exc.text
        for i, v in enumerate(variables, 1):
            text = text.replace(f"%{i}", v)
        if exc.kind != kind or len(variables) != placeholders(exc.text) or d["text"] != text:
            wrong.append(f"{op_id} {status} {name}: {d}")
    assert wrong == []


# ---------------------------------------------------------------- the generated server, from the model alone


def url(path: str, box: str = ALICE) -> str:
    filled = path.replace("{storeName}", "myStore").replace("{boxId}", box)
    return "/nms/v1" + re.sub(r"\{[^}]+\}", "id1", filled)


SERVER_OPS = [(path, meth, item[meth]) for path, item in DOC["paths"].items() for meth in METHODS if meth in item]


DEPOSIT = {"CreateObject", "BulkCreateObjects", "CreateFolder", "GetFolderIdByPath", "GetFolderIdsByPaths"}


def _recipes() -> dict[str, Any]:
    """challenge id -> (deployment settings, request headers, box), or None where the challenge does not apply
    to the operation."""
    user = user_token(KEYS, ALICE)
    unscoped = user_token(KEYS, ALICE, scope="openid")

    def wrong_interface(op: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str], str] | None:
        if op["operationId"] in DEPOSIT:
            return None  # the deposit set stays open to MCData-8 on every deployment
        return {"mcdata8_operations": "deposit"}, {"Authorization": f"Bearer {server_token(KEYS)}"}, BOB

    return {
        "missing-token": lambda op: ({}, {}, ALICE),
        "missing-token-forbidden": lambda op: ({"missing_token_status": 403}, {}, ALICE),
        "invalid-request": lambda op: ({}, {"Authorization": "Bearer"}, ALICE),
        "invalid-token": lambda op: ({}, {"Authorization": "Bearer not.a.token"}, ALICE),
        "insufficient-scope": lambda op: ({}, {"Authorization": f"Bearer {unscoped}"}, ALICE),
        "box-mismatch": lambda op: ({}, {"Authorization": f"Bearer {user}"}, BOB),
        "wrong-interface": wrong_interface,
    }


@pytest.mark.clause("OMA-COMMON-Exceptions", "OMA-COMMON-RequestError")
@pytest.mark.parametrize(("path", "meth", "op"), SERVER_OPS, ids=[op["operationId"] for _, _, op in SERVER_OPS])
def test_every_challenge_answers_with_an_example_of_its_status(
    model: Model, path: str, meth: str, op: dict[str, Any]
) -> None:
    recipes = _recipes()
    assert sorted(recipes) == sorted(c.id for c in model.auth.challenges), "a challenge without a recipe here"
    for ch in model.auth.challenges:
        recipe = recipes[ch.id](op)
        if recipe is None:
            continue
        settings, headers, box = recipe
        client = TestClient(create_app(RecordingStore(), KEYS.settings(**settings)), base_url="https://testserver")  # type: ignore[arg-type]
        r = client.request(meth.upper(), url(path, box), headers=headers, **example_body(op))
        assert r.status_code == ch.status, (ch.id, r.text)
        body = r.json()
        assert detail(body)["messageId"] == ch.exception
        assert len(detail(body).get("variables", [])) == placeholders(model.exceptions[ch.exception].text), ch.id
        assert body in examples_under(op["operationId"], ch.status), (ch.id, body)


@pytest.mark.clause("OMA-COMMON-HTTP-405")
def test_405_answers_with_the_example_of_every_operation_of_the_resource() -> None:
    client = TestClient(create_app(RecordingStore(), KEYS.settings()), base_url="https://testserver")  # type: ignore[arg-type]
    token = {"Authorization": f"Bearer {user_token(KEYS, ALICE)}"}
    checked = 0
    for path, item in DOC["paths"].items():
        allow = item["x-nmsgen-allow"]
        other = next(m for m in ("PUT", "PATCH", "DELETE", "POST", "GET") if m not in allow)
        r = client.request(other, url(path), headers=token)
        assert r.status_code == 405 and r.headers["allow"] == ", ".join(allow)
        for meth in METHODS:
            if meth in item:
                assert r.json() in examples_under(item[meth]["operationId"], 405), (path, r.text)
                checked += 1
    assert checked == len(SERVER_OPS)


class Exploding:
    def __getattr__(self, name: str) -> Any:
        def method(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("internal")

        return method


@pytest.mark.clause("OMA-COMMON-RequestError")
def test_500_answers_with_the_example_of_every_operation() -> None:
    client = TestClient(
        create_app(Exploding(), KEYS.settings()),  # type: ignore[arg-type]
        base_url="https://testserver",
        raise_server_exceptions=False,
    )
    token = {"Authorization": f"Bearer {user_token(KEYS, ALICE)}"}
    reached = 0
    for path, meth, op in SERVER_OPS:
        r = client.request(meth.upper(), url(path), headers=token, **example_body(op))
        if r.status_code == 400:
            continue  # refused as invalid input before the store was asked
        assert r.status_code == 500, (op["operationId"], r.text)
        assert r.json() in examples_under(op["operationId"], 500), op["operationId"]
        reached += 1
    assert reached >= len(SERVER_OPS) // 2


@pytest.mark.clause("OMA-COMMON-Exceptions")
def test_a_store_error_must_fill_every_placeholder() -> None:
    with pytest.raises(ValueError, match="POL0001"):
        StoreError("POL0001")
    with pytest.raises(ValueError, match="SVC0004"):
        StoreError("SVC0004", ["a", "b"])
    assert StoreError("POL1030").variables == []


# ---------------------------------------------------------------- the reference store

A = "mcdata:alice@example.org"  # the box of the hand-written examples
BASE = "/nms/v1/myStore/mcdata%3Aalice%40example.org"


@pytest.fixture
def refstore(tmp_path: Path) -> Iterator[TestClient]:
    store = SqliteStore(tmp_path / "store.sqlite")
    client = TestClient(create_app(store, KEYS.settings()), base_url="https://example.com")  # type: ignore[arg-type]
    client.headers["Authorization"] = f"Bearer {user_token(KEYS, A)}"
    try:
        yield client
    finally:
        store.close()


def _folder(client: TestClient, parent: str, name: str) -> str:
    r = client.post(f"{BASE}/folders", json={"folder": {"parentFolderPath": parent, "name": name, "attributes": {}}})
    assert r.status_code == 201, r.text
    return str(r.json()["reference"]["resourceURL"])


def _move(target: str, folder: str) -> dict[str, Any]:
    """A moveToFolder/copyToFolder body moving one folder."""
    refs = {"folders": {"folderReference": [{"resourceURL": folder}]}, "objects": {"objectReference": []}}
    return {"json": {"targetSourceRef": {"targetRef": {"resourceURL": target}, "sourceRefs": refs}}}


def _search(**criteria: Any) -> dict[str, Any]:
    return {"json": {"selectionCriteria": {"maxEntries": 5, **criteria}}}


def _hand_written(model: Model, name: str) -> tuple[int, dict[str, Any], list[str]]:
    ex = next(e for e in model.examples if e.name == name)
    assert ex.status is not None
    return ex.status, ex.value, ex.operations  # type: ignore[return-value]


@pytest.mark.clause("OMA-NMS-App.D", "OMA-COMMON-Link", "OMA-NMS-7")
def test_hand_written_examples_are_what_the_reference_store_answers(model: Model, refstore: TestClient) -> None:
    """Each hand-written error example, replayed: the reference store answers its operations with exactly it."""
    root = refstore.get(f"{BASE}/folders/operations/pathToId").json()["reference"]["resourceURL"]
    archive = _folder(refstore, "/", "Archive")
    locked = _folder(refstore, "/Archive", "Locked")
    move = _move(locked, archive)
    update = example_body(DOC["paths"]["/{storeName}/{boxId}/subscriptions/{subscriptionId}"]["post"])
    requests: dict[str, list[tuple[str, str, str, dict[str, Any]]]] = {
        "requestErrorObjectNotFound": [
            ("GetObject", "GET", "/objects/obj-gone", {}),
            ("DeleteObject", "DELETE", "/objects/obj-gone", {}),
        ],
        "requestErrorFolderNotFound": [
            ("GetFolder", "GET", "/folders/fld-gone", {}),
            ("DeleteFolder", "DELETE", "/folders/fld-gone", {}),
        ],
        "requestErrorSubscriptionNotFound": [
            ("GetSubscription", "GET", "/subscriptions/sub-0099", {}),
            ("UpdateSubscription", "POST", "/subscriptions/sub-0099", update),
            ("DeleteSubscription", "DELETE", "/subscriptions/sub-0099", {}),
        ],
        "requestErrorTargetFolderProhibited": [
            ("MoveToFolder", "POST", "/folders/operations/moveToFolder", move),
            ("CopyToFolder", "POST", "/folders/operations/copyToFolder", move),
        ],
        "requestErrorRenameNotAllowed": [
            ("RenameFolder", "PUT", f"/folders/{root.rsplit('/', 1)[1]}/folderName", {"json": {"name": "Top"}}),
        ],
    }
    replayed = set()
    for name, calls in requests.items():
        status, value, operations = _hand_written(model, name)
        assert sorted(op for op, *_ in calls) == sorted(operations), name
        for op_id, meth, path, kw in calls:
            r = refstore.request(meth, BASE + path, **kw)
            assert (r.status_code, r.json()) == (status, value), (name, op_id)
        replayed.add(name)
    # SVC1009 needs more than one root folder; the reference store keeps exactly one
    written = {e.name for e in model.examples if e.type == "RequestError"}
    assert written - replayed == {"requestErrorRootPathMissing"}


@pytest.mark.clause("OMA-COMMON-Exceptions", "OMA-NMS-7")
def test_reference_store_refusals_are_documented_and_filled(model: Model, refstore: TestClient) -> None:
    """Every refusal of the reference store over HTTP: an exception the model maps to that status for the
    operation, each %N of its text filled."""
    root = refstore.get(f"{BASE}/folders/operations/pathToId").json()["reference"]["resourceURL"]
    root_id = root.rsplit("/", 1)[1]
    src = _folder(refstore, "/", "Src")
    sub = _folder(refstore, "/Src", "Sub")
    preset = _search(searchCriteria={"criterion": [{"type": "PresetSearch", "name": "x", "value": ""}]})
    new_folder = {"json": {"folder": {"parentFolderPath": "/Src", "name": "a/b", "attributes": {}}}}
    cases = [
        ("GetObject", "GET", "/objects/obj-gone", {}, "SVC0004"),
        ("GetObjectFlags", "GET", "/objects/obj-gone/flags", {}, "SVC0004"),
        ("GetFolderName", "GET", "/folders/fld-gone/folderName", {}, "SVC0004"),
        ("GetObjectIdByPath", "GET", "/objects/operations/pathToId?path=/Nope/x", {}, "SVC0004"),
        ("SearchObjects", "POST", "/objects/operations/search", preset, "SVC0003"),
        ("SearchFolders", "POST", "/folders/operations/search", preset, "SVC0003"),
        ("SearchObjects", "POST", "/objects/operations/search", _search(fromCursor="zz"), "SVC0002"),
        ("CreateFolder", "POST", "/folders", new_folder, "SVC0002"),
        ("DeleteFolder", "DELETE", f"/folders/{root_id}", {}, "POL0001"),
        ("RenameFolder", "PUT", f"/folders/{root_id}/folderName", {"json": {"name": "Top"}}, "POL1030"),
        ("MoveToFolder", "POST", "/folders/operations/moveToFolder", _move(sub, src), "POL1031"),
    ]
    for op_id, meth, path, kw, expected in cases:
        r = refstore.request(meth, BASE + path, **kw)
        d = detail(r.json())
        assert d["messageId"] == expected, (op_id, r.text)
        assert expected in sent_by_status(model, op_id).get(r.status_code, set()), (op_id, r.status_code)
        assert len(d.get("variables", [])) == placeholders(model.exceptions[expected].text), (op_id, d)
