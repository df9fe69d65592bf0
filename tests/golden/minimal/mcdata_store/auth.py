# generated from spec/ by nmsgen - do not edit
"""Clause-21 authentication and authorization, generated from the model's auth rules.

Bearer tokens are validated with PyJWT: the algorithm allow-list comes from settings (never from the
token), keys only from the configured key set (a JWKS file or URL, or PEM public keys), ``exp`` is
required and the leeway is at most 30 s. Two validation profiles: ``3gpp`` (the TS 33.180
access-token profile: exp, scope and the interface's claims; iss/aud checked when configured) and
``rfc9068`` (adds typ at+jwt and the RFC 9068 required claims). Then the interface rules:
* MCData-7 (userToken): scopes 3gpp:mc:data_service; the mcdata_id claim must equal the percent-decoded boxId exactly.
* MCData-8 (serverToken): scopes ${all_accounts_scope}; may name any box.

Every failure is an :class:`AuthFailure` naming one of the model's challenges, answered with its status,
``WWW-Authenticate`` value and requestError exception:
* missing-token: 401, SVC2003, ``Bearer realm="{realm}\"``.
* box-mismatch: 403, POL0001, ``Bearer realm="{realm}\"``.
* wrong-interface: 403, POL0001, ``Bearer realm="{realm}\"``.
"""

from __future__ import annotations

import json
import re
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from jwt.algorithms import get_default_algorithms

MAX_LEEWAY_SECONDS = 30
PROFILES = ("3gpp",)
RFC9068_REQUIRED_CLAIMS = []
RFC9068_TYPES = ()
USER_TOKEN_CLAIM = "mcdata_id"  # a token carrying it is a user (MCData-7) token

# interface -> what a caller over it must present (from spec/auth.yaml)
INTERFACES: dict[str, dict[str, Any]] = {
    "MCData-7": {
        "scheme": "userToken",
        "required_scopes": ["3gpp:mc:data_service"],
        "box_binding": "claim-equals-box",
        "box_claim": "mcdata_id",
        "required_claims": [],
    },
    "MCData-8": {
        "scheme": "serverToken",
        "required_scopes": ["${all_accounts_scope}"],
        "box_binding": "any-box",
        "box_claim": "",
        "required_claims": [],
    },
}

# challenge id -> (status, WWW-Authenticate template, exception id) (from spec/auth.yaml)
CHALLENGES: dict[str, tuple[int, str, str]] = {
    "missing-token": (401, 'Bearer realm="{realm}"', "SVC2003"),
    "box-mismatch": (403, 'Bearer realm="{realm}"', "POL0001"),
    "wrong-interface": (403, 'Bearer realm="{realm}"', "POL0001"),
}

# The model's rules, with the clauses each realises (spec/auth.yaml): what this module enforces and why.
RULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "exp": ("exp is required.", ("C-1",)),
}
INTERFACE_CLAUSES: dict[str, tuple[str, ...]] = {
    "MCData-7": ("C-1",),
    "MCData-8": ("C-1",),
}
CHALLENGE_CLAUSES: dict[str, tuple[str, ...]] = {
    "missing-token": ("C-1",),
    "box-mismatch": ("C-1",),
    "wrong-interface": ("C-1",),
}

_B64TOKEN = re.compile(r"^[A-Za-z0-9\-._~+/]+=*$")  # RFC 6750 section 2.1


@dataclass(frozen=True)
class VerificationKey:
    key: Any  # a public key object (or HMAC secret bytes) PyJWT accepts
    algorithm: str  # the one algorithm this key may verify (RFC 8725 section 3.1)
    kid: str | None = None


@dataclass(frozen=True)
class AuthSettings:
    """Deployment settings of token validation (spec/auth.yaml settings)."""

    keys: Sequence[VerificationKey]
    algorithms: Sequence[str]  # the allow-list; "none" is never allowed
    realm: str = "mcdata-message-store"
    leeway_seconds: int = MAX_LEEWAY_SECONDS
    profile: Literal["3gpp", "rfc9068"] = "3gpp"
    issuer: str | None = None
    audience: str | None = None
    all_accounts_scope: str | None = None  # MCData-8 is refused while this is unset

    def __post_init__(self) -> None:
        if not self.keys:
            raise ValueError("no verification keys configured: set a JWKS file or URL, or a PEM public key")
        if not self.algorithms or any(a.lower() == "none" for a in self.algorithms):
            raise ValueError("the algorithm allow-list must be non-empty and must not contain 'none'")
        unknown = set(self.algorithms) - set(get_default_algorithms())
        if unknown:
            raise ValueError(f"unknown JWS algorithms in the allow-list: {sorted(unknown)}")
        if not 0 <= self.leeway_seconds <= MAX_LEEWAY_SECONDS:
            raise ValueError(f"leeway must be between 0 and {MAX_LEEWAY_SECONDS} seconds")
        if self.profile not in PROFILES:
            raise ValueError(f"unknown validation profile {self.profile!r}; one of {PROFILES}")
        if self.profile == "rfc9068" and not (self.issuer and self.audience):
            raise ValueError("the rfc9068 profile needs the issuer and the audience")
        for k in self.keys:
            if k.algorithm not in self.algorithms:
                raise ValueError(f"key {k.kid or '(no kid)'} is bound to {k.algorithm}, which is not allowed")
            if k.algorithm.startswith("HS") and (not isinstance(k.key, bytes) or len(k.key) < 32):
                raise ValueError("an HMAC key must be at least 32 bytes")


def keys_from_jwks(jwks: Mapping[str, Any] | str | Path, default_algorithm: str | None = None) -> list[VerificationKey]:
    """Keys of a JWK set (a mapping, JSON text or a file). Each key is bound to its ``alg`` (or the default)."""
    if isinstance(jwks, Path):
        jwks = jwks.read_text()
    data = json.loads(jwks) if isinstance(jwks, str) else jwks
    out = []
    for jwk in data.get("keys", []):
        alg = jwk.get("alg") or default_algorithm
        if not alg:
            raise ValueError(f"JWK {jwk.get('kid', '(no kid)')} has no alg and no default algorithm was given")
        out.append(VerificationKey(jwt.PyJWK(jwk, algorithm=alg).key, alg, jwk.get("kid")))
    return out


def keys_from_jwks_url(
    url: str, default_algorithm: str | None = None, timeout: float = 10.0, ca_file: Path | None = None
) -> list[VerificationKey]:
    """Fetch a JWK set over HTTPS once, at start-up. The certificate is always verified: against the
    system's trust store, or against ``ca_file`` (e.g. the CA of a mission-critical IdMS)."""
    if not url.startswith("https://"):
        raise ValueError("the JWKS URL must be https://")
    context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    client = jwt.PyJWKClient(url, cache_keys=False, timeout=timeout, ssl_context=context)
    try:
        data = client.fetch_data()
    except jwt.PyJWKClientError as e:
        raise ValueError(f"cannot fetch the JWK set from {url}: {e}") from e
    return keys_from_jwks(data, default_algorithm)


def key_from_pem(pem: bytes | str | Path, algorithm: str, kid: str | None = None) -> VerificationKey:
    """A PEM public key bound to one algorithm."""
    data = pem.read_bytes() if isinstance(pem, Path) else pem.encode() if isinstance(pem, str) else pem
    return VerificationKey(load_pem_public_key(data), algorithm, kid)


@dataclass
class AuthFailure(Exception):
    """A refused request: the challenge of the model that answers it."""

    challenge: str
    scope: str = ""
    detail: str = ""

    def __post_init__(self) -> None:
        if self.challenge not in CHALLENGES:
            raise ValueError(f"unknown challenge {self.challenge!r}")

    @property
    def status(self) -> int:
        return CHALLENGES[self.challenge][0]

    @property
    def exception_id(self) -> str:
        return CHALLENGES[self.challenge][2]

    def www_authenticate(self, realm: str) -> str:
        template = CHALLENGES[self.challenge][1]
        return template.replace("{realm}", realm.replace('"', "")).replace("{scope}", self.scope.replace('"', ""))


@dataclass(frozen=True)
class Caller:
    interface: str
    subject: str  # the MCData ID (MCData-7) or the client (MCData-8)
    claims: Mapping[str, Any] = field(default_factory=dict)


def bearer_token(authorization: list[str], query_token: bool, form_token: bool) -> str:
    """The token of the request's Authorization header (RFC 6750 sections 2.1 and 2.3)."""
    if len(authorization) > 1 or (authorization and (query_token or form_token)):
        raise AuthFailure("invalid-request", detail="the token is sent more than once or by more than one method")
    if not authorization:
        raise AuthFailure("missing-token", detail="no Authorization header")
    scheme, _, token = authorization[0].strip().partition(" ")
    if scheme.lower() != "bearer":
        raise AuthFailure("missing-token", detail="not the Bearer scheme")
    token = token.strip()
    if not token or not _B64TOKEN.match(token):
        raise AuthFailure("invalid-request", detail="malformed Bearer credentials")
    return token


class TokenValidator:
    def __init__(self, settings: AuthSettings) -> None:
        self.settings = settings

    def claims(self, token: str) -> dict[str, Any]:
        """Verify the token and return its claims, or raise AuthFailure("invalid-token")."""
        s = self.settings
        try:
            header = jwt.get_unverified_header(token)  # only to choose among configured keys
        except jwt.PyJWTError as e:
            raise AuthFailure("invalid-token", detail="not a JWS") from e
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in s.algorithms:
            raise AuthFailure("invalid-token", detail="algorithm not allowed")
        if "crit" in header:
            raise AuthFailure("invalid-token", detail="unsupported critical header parameters")
        if s.profile == "rfc9068" and str(header.get("typ", "")).lower() not in RFC9068_TYPES:
            raise AuthFailure("invalid-token", detail="not an access token (typ)")
        kid = header.get("kid")
        candidates = [k for k in s.keys if k.algorithm == alg and (kid is None or k.kid == kid)]
        if not candidates:
            raise AuthFailure("invalid-token", detail="no configured key for this token")
        required = ["exp"] + (RFC9068_REQUIRED_CLAIMS if s.profile == "rfc9068" else [])
        options: Any = {"require": required, "verify_aud": s.audience is not None, "verify_iss": s.issuer is not None}
        last: Exception | None = None
        for key in candidates:
            try:
                claims: dict[str, Any] = jwt.decode(
                    token,
                    key.key,
                    algorithms=[key.algorithm],
                    leeway=s.leeway_seconds,
                    options=options,
                    audience=s.audience,
                    issuer=s.issuer,
                )
                if "iat" in claims and not isinstance(claims["iat"], (int, float)):
                    raise jwt.InvalidTokenError("iat is not a NumericDate")
                return claims
            except jwt.PyJWTError as e:
                last = e
        raise AuthFailure("invalid-token", detail=type(last).__name__ if last else "invalid")

    def authorize(self, token: str, interfaces: Sequence[str], box_id: str) -> Caller:
        """Apply the interface rules of an operation that ``interfaces`` may call, for box ``box_id``."""
        claims = self.claims(token)
        scopes = claims.get("scope")
        granted = set(scopes.split()) if isinstance(scopes, str) else set()
        kind = next((n for n, i in INTERFACES.items() if i["box_binding"] == "claim-equals-box"), "")
        server = next((n for n, i in INTERFACES.items() if i["box_binding"] == "any-box"), "")
        interface = kind if USER_TOKEN_CLAIM in claims else server
        if interface not in interfaces:
            raise AuthFailure("wrong-interface", detail=f"{interface} tokens may not call this operation")
        rules = INTERFACES[interface]
        needed = [self._scope(sc) for sc in rules["required_scopes"]]
        if any(sc is None for sc in needed):
            raise AuthFailure("insufficient-scope", detail=f"{interface} is not configured on this store")
        missing = [sc for sc in needed if sc not in granted]
        if missing:
            raise AuthFailure("insufficient-scope", scope=" ".join(str(sc) for sc in needed))
        for claim in rules["required_claims"]:
            value = claims.get(claim)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise AuthFailure("invalid-token", detail=f"claim {claim} missing")
        if rules["box_binding"] == "claim-equals-box":
            owner = claims.get(rules["box_claim"])
            if not isinstance(owner, str) or not owner:
                raise AuthFailure("invalid-token", detail=f"claim {rules['box_claim']} is not a string")
            if owner != box_id:
                raise AuthFailure("box-mismatch")
            return Caller(interface, owner, claims)
        subject = claims.get("client_id") or claims.get("sub") or ""
        return Caller(interface, str(subject), claims)

    def _scope(self, value: str) -> str | None:
        if value.startswith("${") and value.endswith("}"):
            setting = getattr(self.settings, value[2:-1], None)  # a deployment setting named by the model
            return setting if isinstance(setting, str) and setting else None
        return value
