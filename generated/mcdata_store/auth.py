# generated from spec/ by nmsgen - do not edit
"""Clause-21 authentication and authorization, generated from the model's auth rules.

Bearer tokens are validated with PyJWT: the algorithm allow-list comes from settings (never from the
token), keys only from the configured key set (a JWKS file or URL, or PEM public keys), ``exp`` is
required and the leeway is at most 30 s. Two validation profiles: ``3gpp`` (the TS 33.180
access-token profile: exp, scope and the interface's claims; iss/aud checked when configured) and
``rfc9068`` (adds typ at+jwt and the RFC 9068 required claims). Then the interface rules:
* MCData-7 (mcdataAccessToken): scopes 3gpp:mc:data_service; the mcdata_id claim must equal the percent-decoded boxId exactly.
* MCData-8 (oAuth2ClientCredentials): scopes ${all_accounts_scope}; may name any box.

Every failure is an :class:`AuthFailure` naming one of the model's challenges, answered with its status,
``WWW-Authenticate`` value and requestError exception:
* missing-token: 401, SVC2003, ``Bearer realm="{realm}\"``.
* invalid-request: 400, SVC0002, ``Bearer realm="{realm}", error="invalid_request\"``.
* invalid-token: 401, SVC2003, ``Bearer realm="{realm}", error="invalid_token\"``.
* insufficient-scope: 403, POL0001, ``Bearer realm="{realm}", error="insufficient_scope", scope="{scope}\"``.
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
PROFILES = ("3gpp", "rfc9068")
RFC9068_REQUIRED_CLAIMS = ["iss", "exp", "aud", "sub", "client_id", "iat", "jti"]
RFC9068_TYPES = ("at+jwt", "application/at+jwt")
USER_TOKEN_CLAIM = "mcdata_id"  # a token carrying it is a user (MCData-7) token

# interface -> what a caller over it must present (from spec/auth.yaml)
INTERFACES: dict[str, dict[str, Any]] = {
    "MCData-7": {
        "scheme": "mcdataAccessToken",
        "required_scopes": ["3gpp:mc:data_service"],
        "box_binding": "claim-equals-box",
        "box_claim": "mcdata_id",
        "required_claims": ["mcdata_id", "scope"],
    },
    "MCData-8": {
        "scheme": "oAuth2ClientCredentials",
        "required_scopes": ["${all_accounts_scope}"],
        "box_binding": "any-box",
        "box_claim": "",
        "required_claims": ["scope"],
    },
}

# challenge id -> (status, WWW-Authenticate template, exception id) (from spec/auth.yaml)
CHALLENGES: dict[str, tuple[int, str, str]] = {
    "missing-token": (401, 'Bearer realm="{realm}"', "SVC2003"),
    "invalid-request": (400, 'Bearer realm="{realm}", error="invalid_request"', "SVC0002"),
    "invalid-token": (401, 'Bearer realm="{realm}", error="invalid_token"', "SVC2003"),
    "insufficient-scope": (403, 'Bearer realm="{realm}", error="insufficient_scope", scope="{scope}"', "POL0001"),
    "box-mismatch": (403, 'Bearer realm="{realm}"', "POL0001"),
    "wrong-interface": (403, 'Bearer realm="{realm}"', "POL0001"),
}

# The model's rules, with the clauses each realises (spec/auth.yaml): what this module enforces and why.
RULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "tls": (
        "Requests are served over TLS only (no plaintext listener, https server URLs), TLS 1.2 or 1.3 directly over TCP; SSL, TLS 1.0/1.1 and DTLS 1.0 are refused; applies to MCData-7 and MCData-8.",
        ("24.282-21.1-R3", "24.482-A.2.1-R1", "24.482-A.2.1-R2", "33.180-6.1.2-R1", "33.210-6.2-R1"),
    ),
    "bearer-header": (
        "The token is taken only from the Authorization header with the Bearer scheme (scheme name compared case-insensitively, b64token syntax); a token in the URI query or a form body is not accepted, and a request using more than one method or a malformed credential is answered invalid-request.",
        ("24.282-21.1-R7", "24.282-21.1-CR5", "33.180-B.10-R1", "RFC6750-2.1-R1", "RFC6750-2.3-R1", "RFC6750-3.1-R1"),
    ),
    "signature": (
        "The token is a JWS-signed JWT whose signature verifies with one of the configured keys (setting jwks); unsigned tokens and tokens that fail verification are answered invalid-token.",
        ("24.282-21.1-R8", "24.282-21.1-CR4", "33.179-B.1.2.0-F1", "33.180-B.2.2.1-F2", "RFC9068-4-R1"),
    ),
    "algorithm": (
        'The JWS algorithm must be in the allow-list of the setting allowed_algorithms, never taken from the token header alone, and each key is used only with its own algorithm; "none" is always refused (answer invalid-token).',
        ("RFC8725-3.1", "RFC8725-3.2", "RFC9068-2.1-R1", "33.180-B.2.2.1-F2"),
    ),
    "expiry": (
        "The exp claim is required and the current time must be before exp plus the leeway (setting leeway_seconds, at most 30 s); an expired or exp-less token is answered invalid-token.",
        ("33.180-B.12-R1", "33.180-B.10-R3", "33.180-B.2.1-F1", "33.180-B.2.2.2-F1", "RFC7519-4.1.4", "RFC9068-4-R1"),
    ),
    "not-before": (
        "When present, nbf must not be later than now plus the leeway, and iat must not lie in the future beyond the leeway; otherwise invalid-token.",
        ("RFC7519-4.1.5", "RFC7519-4.1.4"),
    ),
    "scope": (
        "The scope claim (space-delimited, case-sensitive, order-free) must contain every required scope of the interface: 3gpp:mc:data_service on MCData-7, the setting all_accounts_scope on MCData-8; otherwise insufficient-scope.",
        (
            "RFC6749-3.3-R1",
            "RFC6750-3.1-R3",
            "33.180-B.2.2.2-F1",
            "33.180-B.4.2.2-F1",
            "33.180-B.10-R3",
            "24.282-21.1-CR1",
        ),
    ),
    "claims": (
        "Every required claim of the interface is present and well-typed (MCData-7 mcdata_id a non-empty string, scope a string, exp a NumericDate; MCData-8 scope and exp); a token lacking one is answered invalid-token and never falls back to sub or a default box.",
        ("33.180-B.2.2.2-F1", "33.180-B.2.2.3-F1", "33.180-B.2.1-F2", "24.282-21.1-N1"),
    ),
    "claims-rfc9068": (
        "In the rfc9068 profile the RFC 9068 required claims iss, exp, aud, sub, client_id, iat and jti must also be present; sub of a client-credentials token identifies the client and is never used as a box owner.",
        ("RFC9068-2.2-R1", "RFC9068-4-R1"),
    ),
    "type": (
        "The verified JWS header typ must be at+jwt or application/at+jwt (compared case-insensitively); anything else, or no typ, is answered invalid-token. Not applied in the 3gpp profile.",
        ("RFC9068-2.1-R1", "RFC9068-4-R1", "RFC8725-3.11", "33.180-B.2.2-F4"),
    ),
    "audience": (
        "aud must contain the configured audience (setting audience); mandatory in the rfc9068 profile, in the 3gpp profile applied only when the setting is set; otherwise invalid-token.",
        ("RFC8725-3.9", "RFC9068-4-R1", "33.180-B.2.2-F4"),
    ),
    "issuer": (
        "iss must equal the configured issuer exactly (setting issuer, no prefix or case-folded match); mandatory in the rfc9068 profile, in the 3gpp profile applied only when the setting is set; otherwise invalid-token.",
        ("RFC8725-3.8", "RFC9068-4-R1", "33.180-B.2.2-F4"),
    ),
    "critical": (
        "A token whose JWS header carries crit naming any extension is refused (this store understands no JWS extensions); answer invalid-token.",
        ("RFC7515-4.1.11",),
    ),
    "key-source": (
        "Verification keys come only from the statically configured key set (setting jwks); kid may only select among those keys, and jku, x5u, jwk and x5c header parameters are never fetched or trusted.",
        ("RFC8725-3.10", "RFC9068-4-R1"),
    ),
    "box": (
        "MCData-7: the mcdata_id claim must equal the boxId path variable after exactly one percent-decoding, compared exactly (no case folding, trimming or Unicode normalisation); otherwise box-mismatch, with no side effect. MCData-8: the token names no user and boxId names the user's box (any box).",
        (
            "23.282-7.13.1-R2",
            "23.282-7.13.1-R3",
            "23.282-5.10-R2",
            "23.282-5.10-R3",
            "23.282-5.10-R1",
            "23.282-7.13-R3",
            "24.282-21.1-N1",
            "24.282-21.1-N2",
            "24.282-21.1-CR2",
            "33.180-B.2.2.3-F1",
        ),
    ),
    "interface": (
        "An operation reserved to one interface refuses callers of the other (wrong-interface). A token that carries mcdata_id is a user (MCData-7) token even if its scope contains the all-accounts scope string, and never gets MCData-8 access (token kind confusion); an MCData-8 token must carry all_accounts_scope and no mcdata_id.",
        ("RFC8725-3.12", "23.282-7.13.1-R4", "23.282-7.13.1-R5", "24.282-21.1-N1", "24.282-21.1-N2", "24.282-21.1-CR1"),
    ),
}
INTERFACE_CLAUSES: dict[str, tuple[str, ...]] = {
    "MCData-7": (
        "23.282-7.13.1-R4",
        "23.282-7.13.1-R2",
        "23.282-7.13.1-R3",
        "23.282-5.10-R2",
        "24.282-21.1-R3",
        "24.282-21.1-R7",
        "24.282-21.1-N1",
        "33.180-B.2.2.3-F1",
        "33.180-B.4.2.2-F1",
    ),
    "MCData-8": (
        "23.282-7.13.1-R5",
        "23.282-7.13.3.8-R1",
        "23.282-7.13-R2",
        "24.282-21.1-CR1",
        "24.282-21.1-CR2",
        "24.282-21.1-N2",
        "24.282-21.1-CR5",
    ),
}
CHALLENGE_CLAUSES: dict[str, tuple[str, ...]] = {
    "missing-token": ("RFC6750-3-R1", "RFC6750-3-R2", "24.482-A.2.3-R1", "24.282-21.1-R8", "23.282-7.13-R4"),
    "invalid-request": ("RFC6750-3.1-R1", "RFC6750-3-R3", "RFC6750-2.1-R1"),
    "invalid-token": (
        "RFC6750-3.1-R2",
        "RFC6750-3-R1",
        "RFC9068-4-R1",
        "33.180-B.10-R3",
        "33.180-B.12-R1",
        "24.482-A.2.3-R2",
        "24.282-21.1-R8",
    ),
    "insufficient-scope": ("RFC6750-3.1-R3", "RFC6750-3-R1", "33.180-B.10-R3"),
    "box-mismatch": ("23.282-7.13.1-R2", "23.282-7.13.1-R3", "23.282-5.10-R3"),
    "wrong-interface": ("RFC8725-3.12", "23.282-7.13.1-R4", "23.282-7.13.1-R5"),
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
