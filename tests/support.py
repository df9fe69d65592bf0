"""Test support: signing keys, real signed tokens, and auth settings for the generated server."""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from mcdata_store.auth import AuthSettings, VerificationKey
from mcdata_store.store import StoreError

ISSUER = "https://idms.example.test"
AUDIENCE = "https://store.example.test"
ALL_ACCOUNTS = "mcdata-ms-all-accounts"
USER_SCOPE = "3gpp:mc:data_service"
ALICE = "alice@example.test"
BOB = "bob@example.test"


@dataclass
class Keys:
    ec: EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    other_ec: EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    rsa: RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def settings(self, **overrides: Any) -> AuthSettings:
        values: dict[str, Any] = {
            "keys": [
                VerificationKey(self.ec.public_key(), "ES256", "k1"),
                VerificationKey(self.rsa.public_key(), "RS256", "k2"),
            ],
            "algorithms": ["ES256", "RS256"],
            "realm": "store.example.test",
            "all_accounts_scope": ALL_ACCOUNTS,
        }
        values.update(overrides)
        return AuthSettings(**values)


def token(
    keys: Keys,
    *,
    alg: str = "ES256",
    kid: str | None = "k1",
    key: Any = None,
    headers: dict[str, Any] | None = None,
    drop: tuple[str, ...] = (),
    **claims: Any,
) -> str:
    now = int(time.time())
    body: dict[str, Any] = {"exp": now + 300, "iat": now, "iss": ISSUER, "aud": AUDIENCE, "jti": f"j{now}"}
    body.update(claims)
    for name in drop:
        body.pop(name, None)
    hdr = {"typ": "at+jwt", **(headers or {})}
    if kid:
        hdr["kid"] = kid
    signing = key if key is not None else (keys.ec if alg.startswith("ES") else keys.rsa)
    return jwt.encode(body, signing, algorithm=alg, headers=hdr)


def user_token(keys: Keys, mcdata_id: str = ALICE, **kw: Any) -> str:
    kw.setdefault("scope", f"openid {USER_SCOPE}")
    return token(keys, mcdata_id=mcdata_id, sub=mcdata_id, client_id="mcdata-ue", **kw)


def server_token(keys: Keys, **kw: Any) -> str:
    kw.setdefault("scope", ALL_ACCOUNTS)
    return token(keys, sub="mcdata-server-1", client_id="mcdata-server-1", **kw)


class RecordingStore:
    """Answers every operation with 404 SVC0004 and records that it was reached."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        def method(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            raise StoreError("SVC0004", ["Request-URI"])

        return method


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def example_body(op: dict[str, Any]) -> dict[str, Any]:
    """httpx keyword arguments sending the first JSON request example the document gives ``op`` (if any)."""
    rb = op.get("requestBody")
    if not rb or "application/json" not in rb["content"]:
        return {}
    examples = rb["content"]["application/json"].get("examples", {})
    return {"json": next(iter(sorted(examples.items())))[1]["value"]} if examples else {}
