"""Clause-21 auth of the generated server: the token attacks AUTH-1..16 and the box attacks Z7 and S8
of shared/reference/security.md, generated over the operation list of the document (a new operation is
covered without new test code), with real signed tokens.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import hmac
import json
import re
import time
from typing import Any
from urllib.parse import quote

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient

from mcdata_store.server import create_app

from ..conftest import ROOT
from ..support import (
    ALICE,
    ALL_ACCOUNTS,
    AUDIENCE,
    BOB,
    ISSUER,
    Keys,
    RecordingStore,
    example_body,
    server_token,
    token,
    user_token,
)

DOC = json.loads((ROOT / "generated" / "openapi" / "openapi.json").read_text())
SERVER_PATH = "/nms/v1"
METHODS = ("get", "put", "post", "delete")
OPS = [(path, meth, op) for path, item in DOC["paths"].items() for meth, op in item.items() if meth in METHODS]
IDS = [op["operationId"] for _, _, op in OPS]
KEYS = Keys()


def url(path: str, box: str = ALICE, store: str = "myStore") -> str:
    filled = path.replace("{storeName}", quote(store, safe="")).replace("{boxId}", quote(box, safe=""))
    return SERVER_PATH + re.sub(r"\{[^}]+\}", "id1", filled)


@pytest.fixture
def store() -> RecordingStore:
    return RecordingStore()


@pytest.fixture
def client(store: RecordingStore) -> TestClient:
    return TestClient(create_app(store, KEYS.settings()), base_url="https://testserver")  # type: ignore[arg-type]


def call(
    client: TestClient,
    meth: str,
    path: str,
    token_: str | None = None,
    box: str = ALICE,
    headers: dict[str, str] | None = None,
    **kw: Any,
) -> Any:
    hdrs = dict(headers or {})
    if token_ is not None:
        hdrs["Authorization"] = f"Bearer {token_}"
    return client.request(meth.upper(), url(path, box), headers=hdrs, **kw)


def challenge(resp: Any) -> str:
    return str(resp.headers.get("www-authenticate", ""))


def error_id(resp: Any) -> str:
    err = resp.json()["requestError"]
    return str((err.get("serviceException") or err.get("policyException"))["messageId"])


# ---------------------------------------------------------------- every operation


@pytest.mark.clause("RFC6750-3-R1", "RFC6750-3-R2", "23.282-7.13-R4")
@pytest.mark.parametrize(("path", "meth", "op"), OPS, ids=IDS)
def test_auth1_no_token(client: TestClient, store: RecordingStore, path: str, meth: str, op: dict[str, Any]) -> None:
    r = call(client, meth, path)
    assert r.status_code == 401
    assert challenge(r) == 'Bearer realm="store.example.test"'  # no error code without credentials
    assert error_id(r) == "SVC2003"
    assert store.calls == []


@pytest.mark.clause("23.282-7.13.1-R2", "23.282-7.13.1-R3", "23.282-5.10-R1", "23.282-7.13-R3")
@pytest.mark.parametrize(("path", "meth", "op"), OPS, ids=IDS)
def test_z7_1_another_users_box(
    client: TestClient, store: RecordingStore, path: str, meth: str, op: dict[str, Any]
) -> None:
    """Each user's storage area is secured: another user's valid token is refused on it, before the store."""
    r = call(client, meth, path, user_token(KEYS, ALICE), box=BOB)
    assert r.status_code == 403
    assert challenge(r) == 'Bearer realm="store.example.test"'
    assert store.calls == []


@pytest.mark.clause("23.282-7.13.1-R4")
@pytest.mark.parametrize(("path", "meth", "op"), OPS, ids=IDS)
def test_own_box_reaches_the_store(
    client: TestClient, store: RecordingStore, path: str, meth: str, op: dict[str, Any]
) -> None:
    r = call(client, meth, path, user_token(KEYS, ALICE), box=ALICE, **example_body(op))
    assert r.status_code not in (401, 403), r.text
    assert store.calls or r.status_code == 400  # reached the store, or refused as invalid input first


@pytest.mark.clause("24.282-21.1-CR1", "24.282-21.1-CR2", "RFC6750-3.1-R3", "23.282-7.13-R2")
@pytest.mark.parametrize(("path", "meth", "op"), OPS, ids=IDS)
def test_s8_server_token_reaches_every_operation_on_any_box(
    client: TestClient, store: RecordingStore, path: str, meth: str, op: dict[str, Any]
) -> None:
    """S8-1: the all-accounts token reaches every operation on any box (the seed CR: the entire accounts; the
    MCData server manages stored objects as the client does); S8-2: a server token without the all-accounts
    scope gets 403 insufficient_scope."""
    assert "MCData-8" in op["x-nmsgen-interfaces"] and {"oAuth2ClientCredentials": []} in op["security"]
    r = call(client, meth, path, server_token(KEYS), box=BOB, **example_body(op))
    assert r.status_code not in (401, 403), r.text  # S8-1
    assert store.calls or r.status_code == 400  # reached the store, or refused as invalid input first
    r2 = call(client, meth, path, server_token(KEYS, scope="some:other"), box=BOB)
    assert r2.status_code == 403  # S8-2
    assert challenge(r2) == f'Bearer realm="store.example.test", error="insufficient_scope", scope="{ALL_ACCOUNTS}"'


DEPOSIT = {"CreateObject", "BulkCreateObjects", "CreateFolder", "GetFolderIdByPath", "GetFolderIdsByPaths"}


@pytest.mark.clause("23.282-7.13.1-R5", "RFC8725-3.12", "23.282-7.13.1-R4")
@pytest.mark.parametrize(("path", "meth", "op"), OPS, ids=IDS)
def test_s8_6_a_deposit_only_deployment_refuses_every_other_operation(
    store: RecordingStore, path: str, meth: str, op: dict[str, Any]
) -> None:
    """S8-6 as a deployment choice (mcdata8_operations = deposit): the MCData server may deposit and find
    folders, every other operation is 403 POL0001 (wrong-interface) before the store; the user still manages
    the user's stored objects with every operation over MCData-7."""
    client = TestClient(
        create_app(store, KEYS.settings(mcdata8_operations="deposit")),  # type: ignore[arg-type]
        base_url="https://testserver",
    )
    r = call(client, meth, path, server_token(KEYS), box=BOB, **example_body(op))
    if op["operationId"] in DEPOSIT:
        assert r.status_code not in (401, 403), r.text
    else:
        assert r.status_code == 403 and error_id(r) == "POL0001" and store.calls == []
        assert challenge(r) == 'Bearer realm="store.example.test"'
    r = call(client, meth, path, user_token(KEYS, BOB), box=BOB, **example_body(op))
    assert r.status_code not in (401, 403), r.text


@pytest.mark.clause("24.282-21.1-R8")
def test_every_route_carries_the_auth_check() -> None:
    """Each generated route authenticates first: its first statement calls context(request, <its operationId>)."""
    tree = ast.parse((ROOT / "generated" / "mcdata_store" / "server.py").read_text())
    routes = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.AsyncFunctionDef) and any(
            isinstance(d, ast.Call) and getattr(d.func, "attr", "") == "api_route" for d in node.decorator_list
        ):
            first = node.body[1] if isinstance(node.body[0], ast.Expr) else node.body[0]  # after the docstring
            assert isinstance(first, ast.Assign) and isinstance(first.value, ast.Call), node.name
            assert getattr(first.value.func, "id", "") == "context", f"{node.name} does not authenticate first"
            op_id = first.value.args[1]
            assert isinstance(op_id, ast.Constant)
            routes[op_id.value] = node.name
    assert sorted(routes) == sorted(IDS)


# ---------------------------------------------------------------- token attacks on one operation per interface

GET_OBJECT = next((p, m) for p, m, o in OPS if o["operationId"] == "GetObject")
CREATE_OBJECT = next((p, m, o) for p, m, o in OPS if o["operationId"] == "CreateObject")


def _get(client: TestClient, token_: str | None, box: str = ALICE, **kw: Any) -> Any:
    return call(client, GET_OBJECT[1], GET_OBJECT[0], token_, box=box, **kw)


def _invalid(r: Any) -> None:
    assert r.status_code == 401, r.text
    assert challenge(r) == 'Bearer realm="store.example.test", error="invalid_token"'


@pytest.mark.clause("RFC6750-2.1-R1", "RFC6750-3-R1")
@pytest.mark.parametrize("value", ["Basic YWxpY2U6cHc=", "Token abc", "bearerx abc", "Digest x"])
def test_auth2_other_schemes(client: TestClient, value: str) -> None:
    r = client.get(url(GET_OBJECT[0]), headers={"Authorization": value})
    assert r.status_code == 401 and challenge(r) == 'Bearer realm="store.example.test"'


@pytest.mark.clause("RFC6750-2.1-R1", "RFC6750-3.1-R1", "RFC6750-3.1-R2", "33.179-B.1.2.0-F1")
def test_auth3_malformed_bearer(client: TestClient) -> None:
    for value in ("Bearer", "Bearer    ", "Bearer a b", "Bearer %%%"):
        r = client.get(url(GET_OBJECT[0]), headers={"Authorization": value})
        assert r.status_code == 400 and 'error="invalid_request"' in challenge(r), value
    for garbage in ("abc", "a.b", "a.b.c", "eyJhbGciOiJFUzI1NiJ9.e30"):
        _invalid(_get(client, garbage))


@pytest.mark.clause("RFC6750-2.3-R1", "33.180-B.10-R1")
def test_auth4_token_in_query(client: TestClient) -> None:
    """The bearer token travels in the Authorization header (TS 33.180 B.10, RFC 6750 2.1) and only there."""
    tok = user_token(KEYS)
    assert client.get(url(GET_OBJECT[0]), headers={"Authorization": f"Bearer {tok}"}).status_code == 404
    r = client.get(url(GET_OBJECT[0]) + f"?access_token={tok}")
    assert r.status_code == 401 and challenge(r) == 'Bearer realm="store.example.test"'
    r = client.get(url(GET_OBJECT[0]) + f"?access_token={tok}", headers={"Authorization": f"Bearer {tok}"})
    assert r.status_code == 400 and 'error="invalid_request"' in challenge(r)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.mark.clause("RFC8725-3.1", "RFC8725-3.2", "33.180-B.2.2.1-F2")
def test_auth5_alg_none(client: TestClient) -> None:
    claims = {"mcdata_id": ALICE, "scope": "3gpp:mc:data_service", "exp": int(time.time()) + 300}
    _invalid(_get(client, f"{_b64({'alg': 'none', 'typ': 'at+jwt'})}.{_b64(claims)}."))


@pytest.mark.clause("RFC8725-3.1")
def test_auth6_hmac_with_the_public_key(client: TestClient) -> None:
    pem = KEYS.rsa.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = {"mcdata_id": ALICE, "scope": "3gpp:mc:data_service", "exp": int(time.time()) + 300}
    header = _b64({"alg": "HS256", "typ": "at+jwt", "kid": "k2"})
    signing_input = f"{header}.{_b64(claims)}"
    sig = base64.urlsafe_b64encode(hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()).rstrip(b"=")
    _invalid(_get(client, f"{signing_input}.{sig.decode()}"))


@pytest.mark.clause("RFC8725-3.1")
def test_auth7_algorithm_outside_the_allow_list(store: RecordingStore) -> None:
    client = TestClient(
        create_app(
            store,
            KEYS.settings(
                algorithms=["ES256"],  # type: ignore[arg-type]
                keys=KEYS.settings().keys[:1],
            ),
        ),
        base_url="https://testserver",
    )
    _invalid(_get(client, user_token(KEYS, alg="RS256", kid="k2")))
    _invalid(
        _get(
            client,
            user_token(
                KEYS,
                alg="ES384",
                kid="k1",
                key=ec.generate_private_key(ec.SECP384R1()),
            ),
        )
    )


@pytest.mark.clause("RFC8725-3.1")
@pytest.mark.parametrize("alg", ["RS512", "PS256"])
def test_a_key_verifies_only_with_its_own_algorithm(client: TestClient, store: RecordingStore, alg: str) -> None:
    """The RSA key k2 is configured for RS256: a token its private key signs with another RSA algorithm (a valid
    signature, an algorithm outside the allow-list) is refused; the same key with RS256 is accepted."""
    assert _get(client, user_token(KEYS, alg="RS256", kid="k2")).status_code == 404
    assert store.calls == ["get_object"]
    _invalid(_get(client, user_token(KEYS, alg=alg, kid="k2")))
    assert store.calls == ["get_object"]


@pytest.mark.clause("RFC9068-4-R1", "24.282-21.1-R8", "33.179-B.1.2.0-F1")
def test_auth8_tampered(client: TestClient) -> None:
    """The token is a JWT with a JWS whose signature must verify: a flipped signature byte, or a payload edited
    under the original signature, is an invalid token."""
    good = user_token(KEYS)
    head, payload, sig = good.split(".")
    flipped_sig = sig[:-2] + ("A" if sig[-2] != "A" else "B") + sig[-1]
    _invalid(_get(client, f"{head}.{payload}.{flipped_sig}"))
    evil = _b64({**jwt.decode(good, options={"verify_signature": False}), "mcdata_id": BOB})
    _invalid(_get(client, f"{head}.{evil}.{sig}", box=BOB))


@pytest.mark.clause("33.180-B.12-R1", "33.180-B.2.1-F1", "RFC7519-4.1.4")
def test_auth9_expiry_and_leeway(client: TestClient, store: RecordingStore) -> None:
    now = int(time.time())
    _invalid(_get(client, user_token(KEYS, exp=now - 31)))
    r = _get(client, user_token(KEYS, exp=now - 25))
    assert r.status_code == 404 and store.calls == ["get_object"]  # within 30 s leeway: accepted


@pytest.mark.clause("33.180-B.2.1-F1")
def test_leeway_over_30_seconds_is_refused() -> None:
    with pytest.raises(ValueError, match="leeway"):
        KEYS.settings(leeway_seconds=31)


@pytest.mark.clause("RFC9068-2.2-R1", "33.180-B.2.2.2-F1")
def test_auth10_no_exp(client: TestClient) -> None:
    _invalid(_get(client, user_token(KEYS, drop=("exp",))))


@pytest.mark.clause("RFC7519-4.1.5")
def test_auth11_not_yet_valid(client: TestClient) -> None:
    now = int(time.time())
    _invalid(_get(client, user_token(KEYS, nbf=now + 120)))
    _invalid(_get(client, user_token(KEYS, iat=now + 120)))


def _strict(store: RecordingStore) -> TestClient:
    settings = KEYS.settings(profile="rfc9068", issuer=ISSUER, audience=AUDIENCE)
    return TestClient(create_app(store, settings), base_url="https://testserver")  # type: ignore[arg-type]


@pytest.mark.clause("RFC9068-4-R1", "RFC8725-3.9")
def test_auth12_audience(store: RecordingStore) -> None:
    client = _strict(store)
    assert _get(client, user_token(KEYS)).status_code == 404  # the strict profile accepts a good token
    _invalid(_get(client, user_token(KEYS, drop=("aud",))))
    _invalid(_get(client, user_token(KEYS, aud="https://other.example.test")))
    _invalid(_get(client, user_token(KEYS, aud=["https://a.example.test", "https://b.example.test"])))


@pytest.mark.clause("RFC9068-4-R1", "RFC8725-3.8")
def test_auth13_issuer(store: RecordingStore) -> None:
    client = _strict(store)
    _invalid(_get(client, user_token(KEYS, drop=("iss",))))
    _invalid(_get(client, user_token(KEYS, iss="https://evil.example.test")))
    _invalid(_get(client, user_token(KEYS, iss="https://idms.example")))  # a prefix of ours


@pytest.mark.clause("RFC9068-2.1-R1", "RFC8725-3.11", "RFC8725-3.12")
def test_auth14_type(store: RecordingStore) -> None:
    client = _strict(store)
    _invalid(_get(client, user_token(KEYS, headers={"typ": "JWT"})))
    _invalid(_get(client, user_token(KEYS, headers={"typ": "id+jwt"})))
    assert _get(client, user_token(KEYS, headers={"typ": "application/at+jwt"})).status_code == 404


@pytest.mark.clause("RFC9068-2.2-R1")
@pytest.mark.parametrize("claim", ["sub", "client_id", "iat", "jti"])
def test_rfc9068_profile_requires_its_claims(store: RecordingStore, claim: str) -> None:
    """The rfc9068 profile refuses a token lacking one of the RFC 9068 required claims that no other rule asks
    for (iss, aud and exp have their own rules); the 3gpp profile accepts the same token."""
    assert _get(_strict(store), user_token(KEYS)).status_code == 404
    _invalid(_get(_strict(store), user_token(KEYS, drop=(claim,))))
    client = TestClient(create_app(store, KEYS.settings()), base_url="https://testserver")  # type: ignore[arg-type]
    assert _get(client, user_token(KEYS, drop=(claim,))).status_code == 404


@pytest.mark.clause("33.180-B.2.2-F4")
def test_3gpp_profile_accepts_tokens_without_aud_iss_typ(client: TestClient, store: RecordingStore) -> None:
    """The 3gpp profile (TS 33.180 as read) does not require aud, iss or typ (OP-TOKEN-CLAIMS)."""
    r = _get(client, user_token(KEYS, drop=("aud", "iss", "jti", "iat"), headers={"typ": "JWT"}))
    assert r.status_code == 404 and store.calls == ["get_object"]


@pytest.mark.clause("RFC7515-4.1.11")
def test_auth15_crit(client: TestClient) -> None:
    _invalid(_get(client, user_token(KEYS, headers={"crit": ["x-foo"], "x-foo": 1})))
    # b64 (RFC 7797) is an extension PyJWT itself understands; this store understands none, so it refuses it too.
    # jwt.encode drops "b64": true, so the token is signed by hand
    claims = jwt.decode(user_token(KEYS), options={"verify_signature": False})
    signing_input = (
        f"{_b64({'alg': 'ES256', 'typ': 'at+jwt', 'kid': 'k1', 'crit': ['b64'], 'b64': True})}.{_b64(claims)}"
    )
    sig = jwt.algorithms.ECAlgorithm(jwt.algorithms.ECAlgorithm.SHA256).sign(signing_input.encode(), KEYS.ec)
    b64_token = f"{signing_input}.{base64.urlsafe_b64encode(sig).rstrip(b'=').decode()}"
    assert jwt.decode(b64_token, KEYS.ec.public_key(), algorithms=["ES256"], options={"verify_aud": False})
    _invalid(_get(client, b64_token))


@pytest.mark.clause("RFC8725-3.10")
def test_auth16_keys_named_by_the_token_are_not_used(client: TestClient) -> None:
    attacker = KEYS.other_ec
    pub = jwt.algorithms.ECAlgorithm.to_jwk(attacker.public_key(), as_dict=True)
    for hdr in ({"jwk": pub}, {"jku": "https://evil.example.test/jwks"}, {"x5u": "https://evil.example.test/x"}):
        _invalid(_get(client, user_token(KEYS, key=attacker, headers=hdr)))
    _invalid(_get(client, user_token(KEYS, key=attacker, kid="../../dev/null")))
    _invalid(_get(client, user_token(KEYS, key=attacker, kid="k1")))


# ---------------------------------------------------------------- MCData-7 box binding


@pytest.mark.clause("23.282-7.13.1-R3", "23.282-5.10-R2")
@pytest.mark.parametrize(
    "box",
    [
        "Alice@example.test",
        "alice%40example.test",
        "alice%2540example.test",
        "alice@example.test ",
        "alice@example.test\x00",
        "аlice@example.test",
        "sip:alice@example.test",
        "bob@example.test",
    ],
)
def test_z7_4_box_variants_never_match(client: TestClient, store: RecordingStore, box: str) -> None:
    """The storage area is identified by the MCData ID itself: no variant of it (case, encoding, spaces, a
    homoglyph, a URI scheme) names Alice's box for Alice's token."""
    r = _get(client, user_token(KEYS, ALICE), box=box)
    assert r.status_code in (403, 404)
    assert store.calls == []


@pytest.mark.clause("OMA-NMS-5.2", "23.282-5.10-R2")
def test_percent_encoded_box_is_decoded_once(client: TestClient, store: RecordingStore) -> None:
    r = client.get(
        f"{SERVER_PATH}/myStore/tel%3A%2B19585550100/objects/o1",
        headers={"Authorization": f"Bearer {user_token(KEYS, 'tel:+19585550100')}"},
    )
    assert r.status_code == 404 and store.calls == ["get_object"]


@pytest.mark.clause("23.282-7.13.1-R3")
@pytest.mark.parametrize("box", ["alice@example.test%2F..%2Fbob@example.test", "..", "%2E%2E"])
def test_z7_5_traversal(client: TestClient, store: RecordingStore, box: str) -> None:
    r = client.get(
        f"{SERVER_PATH}/myStore/{box}/objects/o1", headers={"Authorization": f"Bearer {user_token(KEYS, ALICE)}"}
    )
    assert r.status_code in (400, 403, 404)
    assert store.calls == []


@pytest.mark.clause("33.180-B.2.2.3-F1", "24.282-21.1-N1", "33.180-B.2.1-F2")
@pytest.mark.parametrize("claim", [None, "", "   ", 42, ["alice@example.test"]])
def test_z7_6_mcdata_id_claim(client: TestClient, store: RecordingStore, claim: Any) -> None:
    """A token without mcdata_id names no user: refused as a server token without the all-accounts scope. A
    mcdata_id that is not a non-empty string is an invalid token (never compared with the box, never sub)."""
    extra = {} if claim is None else {"mcdata_id": claim}
    tok = token(KEYS, scope="3gpp:mc:data_service", sub=ALICE, **extra)
    r = _get(client, tok)
    if claim is None:
        assert r.status_code == 403 and 'error="insufficient_scope"' in challenge(r)
    else:
        _invalid(r)
    assert store.calls == []


@pytest.mark.clause("33.180-B.4.2.2-F1", "RFC6750-3.1-R3")
def test_user_token_without_the_data_service_scope(client: TestClient) -> None:
    r = _get(client, user_token(KEYS, scope="openid 3gpp:mc:ptt_service"))
    assert r.status_code == 403
    assert challenge(r) == 'Bearer realm="store.example.test", error="insufficient_scope", scope="3gpp:mc:data_service"'


@pytest.mark.clause("RFC6749-3.3-R1")
@pytest.mark.parametrize(
    "scope", ["3gpp:mc:data_service", "openid 3gpp:mc:data_service", "3gpp:mc:data_service   openid x:y"]
)
def test_scope_is_a_set_of_space_delimited_values(client: TestClient, store: RecordingStore, scope: str) -> None:
    """The required scope value counts wherever it stands in the list; a value that only contains it, or differs
    in case, does not (scope values are case-sensitive strings, not substrings)."""
    assert _get(client, user_token(KEYS, scope=scope)).status_code == 404 and store.calls == ["get_object"]
    store.calls.clear()
    for wrong in ("openid 3gpp:mc:data_service_x", "3GPP:MC:DATA_SERVICE", "openid,3gpp:mc:data_service"):
        assert _get(client, user_token(KEYS, scope=wrong)).status_code == 403, wrong
    assert store.calls == []


# ---------------------------------------------------------------- MCData-8


@pytest.mark.clause("24.282-21.1-N2")
@pytest.mark.parametrize("box", ["", "*", "%2A"])
def test_s8_3_no_wildcard_box(client: TestClient, store: RecordingStore, box: str) -> None:
    r = client.post(
        f"{SERVER_PATH}/myStore/{box}/objects",
        json={"object": {"attributes": {}, "flags": {}}},
        headers={"Authorization": f"Bearer {server_token(KEYS)}"},
    )
    if box in ("*", "%2A"):
        assert r.status_code != 200 and store.calls in ([], ["create_object"])  # a box literally named "*"
    else:
        assert r.status_code == 404 and store.calls == []


@pytest.mark.clause("RFC9068-2.2-R1", "RFC8725-3.12")
def test_s8_4_server_token_whose_sub_is_a_user(store: RecordingStore) -> None:
    """sub (or client_id) naming a user does not make a server token a user token: on a deployment that keeps
    MCData-8 to the deposit set it still may not read, and it is never bound to that user's box."""
    tok = token(KEYS, scope=ALL_ACCOUNTS, sub=ALICE, client_id=ALICE)
    client = TestClient(
        create_app(store, KEYS.settings(mcdata8_operations="deposit")),  # type: ignore[arg-type]
        base_url="https://testserver",
    )
    r = _get(client, tok)  # GetObject is outside the deposit set
    assert r.status_code == 403 and error_id(r) == "POL0001" and store.calls == []


@pytest.mark.clause("RFC8725-3.12", "23.282-7.13.1-R3")
def test_s8_7_user_token_with_the_all_accounts_scope_stays_in_its_box(
    client: TestClient, store: RecordingStore
) -> None:
    tok = user_token(KEYS, ALICE, scope=f"{ALL_ACCOUNTS} 3gpp:mc:data_service")
    path, meth, _ = CREATE_OBJECT
    r = call(client, meth, path, tok, box=BOB, json={"object": {"attributes": {}, "flags": {}}})
    assert r.status_code == 403 and store.calls == []


@pytest.mark.clause("24.282-21.1-CR4")
def test_server_token_is_validated_like_a_user_token(client: TestClient, store: RecordingStore) -> None:
    """The MCData server's client-credentials token is validated too: tampered, expired or unsigned, it is
    refused as an invalid token on an operation it may call, before the store is reached."""
    path, meth, _ = CREATE_OBJECT
    body = {"json": {"object": {"attributes": {}, "flags": {}}}}
    assert call(client, meth, path, server_token(KEYS), box=BOB, **body).status_code not in (401, 403)
    store.calls.clear()
    head, payload, sig = server_token(KEYS).split(".")
    claims = {"scope": ALL_ACCOUNTS, "client_id": "mcdata-server-1", "exp": int(time.time()) + 300}
    for bad in (
        f"{head}.{payload}.{sig[:-2] + ('A' if sig[-2] != 'A' else 'B') + sig[-1]}",
        server_token(KEYS, exp=int(time.time()) - 3600),
        f"{_b64({'alg': 'none', 'typ': 'at+jwt'})}.{_b64(claims)}.",
    ):
        _invalid(call(client, meth, path, bad, box=BOB, **body))
    assert store.calls == []


@pytest.mark.clause("24.282-21.1-CR1")
def test_mcdata8_refused_when_no_all_accounts_scope_is_configured(store: RecordingStore) -> None:
    client = TestClient(
        create_app(store, KEYS.settings(all_accounts_scope=None)),  # type: ignore[arg-type]
        base_url="https://testserver",
    )
    path, meth, _ = CREATE_OBJECT
    r = call(client, meth, path, server_token(KEYS), box=BOB, json={"object": {"attributes": {}, "flags": {}}})
    assert r.status_code == 403 and store.calls == []


# ---------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"keys": []}, "no verification keys"),
        ({"algorithms": ["none"]}, "none"),
        ({"algorithms": []}, "allow-list"),
        ({"profile": "rfc9068"}, "issuer"),
        ({"algorithms": ["ES256"]}, "not allowed"),
    ],
)
def test_auth19_settings_refused(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        KEYS.settings(**overrides)


# ---------------------------------------------------------------- our choices, as deployment settings


@pytest.mark.clause("33.180-B.4.2.2-F1")
def test_user_scope_is_a_setting(store: RecordingStore) -> None:
    """user_scope: the default requires 3gpp:mc:data_service; another value is required instead; "" turns the
    check off (OP-USER-SCOPE); a server token's scope is never unchecked."""
    other = TestClient(create_app(store, KEYS.settings(user_scope="ms:read")), base_url="https://testserver")  # type: ignore[arg-type]
    assert _get(other, user_token(KEYS, scope="3gpp:mc:data_service")).status_code == 403
    assert _get(other, user_token(KEYS, scope="ms:read")).status_code == 404  # reached the store
    off = TestClient(create_app(store, KEYS.settings(user_scope="")), base_url="https://testserver")  # type: ignore[arg-type]
    assert _get(off, user_token(KEYS, scope="openid")).status_code == 404
    assert _get(off, server_token(KEYS, scope="openid"), box=BOB).status_code == 403


@pytest.mark.clause("24.482-A.2.3-R1")
def test_missing_token_status_403_is_a_setting(store: RecordingStore) -> None:
    """missing_token_status 403 (TS 24.482 A.2.3 as reported): no token is 403 POL0001 without a challenge;
    an invalid token is still 401 invalid_token."""
    client = TestClient(create_app(store, KEYS.settings(missing_token_status=403)), base_url="https://testserver")  # type: ignore[arg-type]
    r = _get(client, None)
    assert r.status_code == 403 and error_id(r) == "POL0001" and "www-authenticate" not in r.headers
    r = _get(client, "not-a-jwt")
    assert r.status_code == 401 and 'error="invalid_token"' in challenge(r)
    assert store.calls == []


@pytest.mark.parametrize(
    ("name", "value"), [("mcdata8_operations", "read"), ("missing_token_status", 404), ("min_tls_version", "1.1")]
)
def test_closed_settings_refuse_other_values(name: str, value: Any) -> None:
    with pytest.raises(ValueError, match=name):
        KEYS.settings(**{name: value})
