# generated from spec/ by nmsgen - do not edit
"""Clause-21 authentication and authorization, generated from the model's auth rules.

Bearer tokens are validated with PyJWT: the algorithm allow-list comes from settings (never from the
token), keys only from the configured key set (a JWKS file or URL, or PEM public keys), ``exp`` is
required and the leeway is at most 30 s. Two validation profiles: ``3gpp`` (the TS 33.180
access-token profile: exp, scope and the interface's claims; iss/aud checked when configured) and
``rfc9068`` (adds typ at+jwt and the RFC 9068 required claims). Then the interface rules:
* MCData-7 (mcdataAccessToken): scopes ${user_scope}; the mcdata_id claim must equal the percent-decoded boxId exactly.
* MCData-8 (oAuth2ClientCredentials): scopes ${all_accounts_scope}; may name any box; the deployment setting mcdata8_operations may restrict it to an operation set.

A token that passed is remembered (by its SHA-256, at most ``TOKEN_CACHE_SIZE``, least recently used first
out) while its ``exp``, ``nbf`` and ``iat`` still hold under the leeway and the settings and keys are the ones
it was checked with: a repeated token skips the signature and claim checks, never the interface rules of the
request (operation, interface, boxId). A refused token is never remembered.

Every failure is an :class:`AuthFailure` naming one of the model's challenges, answered with its status,
``WWW-Authenticate`` value and requestError exception:
* missing-token: 401, SVC2003, ``Bearer realm="{realm}\"``.
* missing-token-forbidden: 403, POL0001 (instead of missing-token when missing_token_status = 403).
* invalid-request: 400, SVC0002, ``Bearer realm="{realm}", error="invalid_request\"``.
* invalid-token: 401, SVC2003, ``Bearer realm="{realm}", error="invalid_token\"``.
* insufficient-scope: 403, POL0001, ``Bearer realm="{realm}", error="insufficient_scope", scope="{scope}\"``.
* box-mismatch: 403, POL0001, ``Bearer realm="{realm}\"``.
* wrong-interface: 403, POL0001, ``Bearer realm="{realm}\"``.

Deployment settings whose default is our choice, not the standard's (each with its open point):
* user_scope = '3gpp:mc:data_service' (OP-USER-SCOPE).
* missing_token_status = 401 (OP-MISSING-TOKEN-STATUS).
* mcdata8_operations = 'all' (OP-MCDATA8-OPERATIONS).
* min_tls_version = '1.2' (OP-MCDATA8-TRANSPORT).
* leeway_seconds = 30 (OP-LEEWAY).
* validation_profile = '3gpp' (OP-TOKEN-CLAIMS).
"""

from __future__ import annotations

import hashlib
import re
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

import jwt
from jwt.algorithms import get_default_algorithms

# the verification keys and their loaders are static runtime, re-exported here as part of the auth API
from ._runtime.keys import VerificationKey as VerificationKey  # noqa: PLC0414
from ._runtime.keys import key_from_pem as key_from_pem  # noqa: PLC0414
from ._runtime.keys import keys_from_jwks as keys_from_jwks  # noqa: PLC0414
from ._runtime.keys import keys_from_jwks_url as keys_from_jwks_url  # noqa: PLC0414

MAX_LEEWAY_SECONDS = 30
PROFILES = ("3gpp", "rfc9068")
RFC9068_REQUIRED_CLAIMS: list[str] = ["iss", "exp", "aud", "sub", "client_id", "iat", "jti"]
RFC9068_TYPES = ("at+jwt", "application/at+jwt")
USER_TOKEN_CLAIM = "mcdata_id"  # a token carrying it is a user (MCData-7) token
TLS_VERSIONS = {"1.0": ssl.TLSVersion.TLSv1, "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}


class Interface(NamedTuple):
    """What a caller over one interface must present (spec/auth.yaml interfaces)."""

    scheme: str
    required_scopes: tuple[str, ...]  # literal values; "${setting}" names a deployment setting
    box_binding: Literal["claim-equals-box", "any-box"]
    box_claim: str  # the claim that must equal the percent-decoded boxId ("" for any-box)
    required_claims: tuple[str, ...]
    operations_setting: str  # the setting that may restrict the interface to an operation set ("" = none)
    operation_sets: Mapping[str, frozenset[str]]  # set name -> operationIds


class Challenge(NamedTuple):
    """How one failure is answered (spec/auth.yaml challenges)."""

    status: int
    www_authenticate: str  # template with {realm} and {scope}; "" = no header
    exception: str  # the requestError exception id
    variant_of: str  # a variant answers its base challenge's condition when ``when`` matches the settings
    when: Mapping[str, str | int]


INTERFACES: dict[str, Interface] = {
    "MCData-7": Interface(
        scheme="mcdataAccessToken",
        required_scopes=("${user_scope}",),
        box_binding="claim-equals-box",
        box_claim="mcdata_id",
        required_claims=("mcdata_id", "scope"),
        operations_setting="",
        operation_sets={},
    ),
    "MCData-8": Interface(
        scheme="oAuth2ClientCredentials",
        required_scopes=("${all_accounts_scope}",),
        box_binding="any-box",
        box_claim="",
        required_claims=("scope",),
        operations_setting="mcdata8_operations",
        operation_sets={
            "deposit": frozenset(
                ["BulkCreateObjects", "CreateFolder", "CreateObject", "GetFolderIdByPath", "GetFolderIdsByPaths"]
            ),
        },
    ),
}
USER_INTERFACE = "MCData-7"  # the interface whose tokens carry USER_TOKEN_CLAIM
SERVER_INTERFACE = "MCData-8"  # the interface whose tokens name no user ("" = none)

CHALLENGES: dict[str, Challenge] = {
    "missing-token": Challenge(
        status=401,
        www_authenticate='Bearer realm="{realm}"',
        exception="SVC2003",
        variant_of="",
        when={},
    ),
    "missing-token-forbidden": Challenge(
        status=403,
        www_authenticate="",
        exception="POL0001",
        variant_of="missing-token",
        when={"missing_token_status": 403},
    ),
    "invalid-request": Challenge(
        status=400,
        www_authenticate='Bearer realm="{realm}", error="invalid_request"',
        exception="SVC0002",
        variant_of="",
        when={},
    ),
    "invalid-token": Challenge(
        status=401,
        www_authenticate='Bearer realm="{realm}", error="invalid_token"',
        exception="SVC2003",
        variant_of="",
        when={},
    ),
    "insufficient-scope": Challenge(
        status=403,
        www_authenticate='Bearer realm="{realm}", error="insufficient_scope", scope="{scope}"',
        exception="POL0001",
        variant_of="",
        when={},
    ),
    "box-mismatch": Challenge(
        status=403,
        www_authenticate='Bearer realm="{realm}"',
        exception="POL0001",
        variant_of="",
        when={},
    ),
    "wrong-interface": Challenge(
        status=403,
        www_authenticate='Bearer realm="{realm}"',
        exception="POL0001",
        variant_of="",
        when={},
    ),
}
# challenge id -> the values of its exception's %1.. (spec/auth.yaml variables; default the challenge id)
CHALLENGE_VARIABLES: dict[str, tuple[str, ...]] = {
    "missing-token": (),
    "missing-token-forbidden": ("missing-token-forbidden",),
    "invalid-request": ("Authorization",),
    "invalid-token": (),
    "insufficient-scope": ("insufficient-scope",),
    "box-mismatch": ("box-mismatch",),
    "wrong-interface": ("wrong-interface",),
}


class Rule(NamedTuple):
    """A validation rule of the model (spec/auth.yaml validation): what this module enforces and why."""

    text: str
    clauses: tuple[str, ...]  # the clauses it realises


RULES: dict[str, Rule] = {
    "tls": Rule(
        "HTTP over TLS only (no plaintext listener, https server URLs). TS 24.482 annex A, to which the seed points, describes the UE side of MCData-7: the HTTP client in the UE supports HTTP over TLS (RFC 2818) and TLS as in TS 33.180, and reaches the HTTP server through a TLS tunnel to the home HTTP proxy (A.2.1); the message store acts as the HTTP server. The seed does not cover the transport of MCData-8 (OP-MCDATA8-TRANSPORT). The version floor is our deployment default, setting min_tls_version: TLS 1.2 or 1.3 (TS 33.210 section 6.2 profile); SSL, TLS 1.0/1.1 and DTLS 1.0 are refused on both interfaces.",
        ("24.282-21.1-R3", "24.482-A.2.1-R1", "24.482-A.2.1-R2", "33.180-6.1.2-R1", "33.210-6.2-R1"),
    ),
    "bearer-header": Rule(
        "The token is taken only from the Authorization header with the Bearer scheme (scheme name compared case-insensitively, b64token syntax); a token in the URI query or a form body is not accepted, and a request using more than one method or a malformed credential is answered invalid-request.",
        ("24.282-21.1-R7", "24.282-21.1-CR5", "33.180-B.10-R1", "RFC6750-2.1-R1", "RFC6750-2.3-R1", "RFC6750-3.1-R1"),
    ),
    "signature": Rule(
        "The token is a JWS-signed JWT whose signature verifies with one of the configured keys (setting jwks); unsigned tokens and tokens that fail verification are answered invalid-token.",
        ("24.282-21.1-R8", "24.282-21.1-CR4", "33.179-B.1.2.0-F1", "33.180-B.2.2.1-F2", "RFC9068-4-R1"),
    ),
    "algorithm": Rule(
        'The JWS algorithm must be in the allow-list of the setting allowed_algorithms, never taken from the token header alone, and each key is used only with its own algorithm; "none" is always refused (answer invalid-token).',
        ("RFC8725-3.1", "RFC8725-3.2", "RFC9068-2.1-R1", "33.180-B.2.2.1-F2"),
    ),
    "expiry": Rule(
        "The exp claim is required and the current time must be before exp plus the leeway (setting leeway_seconds, at most 30 s); an expired or exp-less token is answered invalid-token.",
        ("33.180-B.12-R1", "33.180-B.10-R3", "33.180-B.2.1-F1", "33.180-B.2.2.2-F1", "RFC7519-4.1.4", "RFC9068-4-R1"),
    ),
    "not-before": Rule(
        "When present, nbf must not be later than now plus the leeway, and iat must not lie in the future beyond the leeway; otherwise invalid-token.",
        ("RFC7519-4.1.5", "RFC7519-4.1.4"),
    ),
    "scope": Rule(
        'The scope claim (space-delimited, case-sensitive, order-free) must contain every required scope of the interface: the setting user_scope on MCData-7 (default 3gpp:mc:data_service, "" = not checked), the setting all_accounts_scope on MCData-8 (never unchecked: unset or "" refuses MCData-8); otherwise insufficient-scope.',
        (
            "RFC6749-3.3-R1",
            "RFC6750-3.1-R3",
            "33.180-B.2.2.2-F1",
            "33.180-B.4.2.2-F1",
            "33.180-B.10-R3",
            "24.282-21.1-CR1",
        ),
    ),
    "claims": Rule(
        "Every required claim of the interface is present and well-typed (MCData-7 mcdata_id a non-empty string, scope a string, exp a NumericDate; MCData-8 scope and exp); a token lacking one is answered invalid-token and never falls back to sub or a default box.",
        ("33.180-B.2.2.2-F1", "33.180-B.2.2.3-F1", "33.180-B.2.1-F2", "24.282-21.1-N1"),
    ),
    "claims-rfc9068": Rule(
        "In the rfc9068 profile the RFC 9068 required claims iss, exp, aud, sub, client_id, iat and jti must also be present; sub of a client-credentials token identifies the client and is never used as a box owner.",
        ("RFC9068-2.2-R1", "RFC9068-4-R1"),
    ),
    "type": Rule(
        "The verified JWS header typ must be at+jwt or application/at+jwt (compared case-insensitively); anything else, or no typ, is answered invalid-token. Not applied in the 3gpp profile.",
        ("RFC9068-2.1-R1", "RFC9068-4-R1", "RFC8725-3.11", "33.180-B.2.2-F4"),
    ),
    "audience": Rule(
        "aud must contain the configured audience (setting audience); mandatory in the rfc9068 profile, in the 3gpp profile applied only when the setting is set; otherwise invalid-token.",
        ("RFC8725-3.9", "RFC9068-4-R1", "33.180-B.2.2-F4"),
    ),
    "issuer": Rule(
        "iss must equal the configured issuer exactly (setting issuer, no prefix or case-folded match); mandatory in the rfc9068 profile, in the 3gpp profile applied only when the setting is set; otherwise invalid-token.",
        ("RFC8725-3.8", "RFC9068-4-R1", "33.180-B.2.2-F4"),
    ),
    "critical": Rule(
        "A token whose JWS header carries crit naming any extension is refused (this store understands no JWS extensions); answer invalid-token.",
        ("RFC7515-4.1.11",),
    ),
    "key-source": Rule(
        "Verification keys come only from the statically configured key set (setting jwks); kid may only select among those keys, and jku, x5u, jwk and x5c header parameters are never fetched or trusted.",
        ("RFC8725-3.10", "RFC9068-4-R1"),
    ),
    "box": Rule(
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
    "interface": Rule(
        "A token that carries mcdata_id is a user (MCData-7) token even if its scope contains the all-accounts scope string, and never gets MCData-8 access (token kind confusion); an MCData-8 token must carry all_accounts_scope and no mcdata_id. A caller may use only the operations its interface may call: an operation reserved to one interface, or outside the operation set a deployment restricts an interface to (setting mcdata8_operations), refuses callers of the other (wrong-interface).",
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
    "missing-token": ("RFC6750-3-R1", "RFC6750-3-R2", "24.282-21.1-R8", "23.282-7.13-R4"),
    "missing-token-forbidden": ("24.482-A.2.3-R1",),
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
# the allowed values of the closed deployment settings
SETTING_VALUES: dict[str, tuple[str | int, ...]] = {
    "missing_token_status": (401, 403),
    "mcdata8_operations": ("all", "deposit"),
    "min_tls_version": ("1.2", "1.3"),
    "validation_profile": ("3gpp", "rfc9068"),
}

_B64TOKEN = re.compile(r"^[A-Za-z0-9\-._~+/]+=*$")  # RFC 6750 section 2.1
TOKEN_CACHE_SIZE = 4096  # verified tokens remembered per validator (their claims, by the token's SHA-256)


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
    all_accounts_scope: str | None = (
        None  # The scope value that grants the MCData server access to the entire MCData message store accounts (MCData-8)
    )
    user_scope: str = "3gpp:mc:data_service"  # The scope an MCData access token (MCData-7) must carry
    missing_token_status: Literal[401, 403] = (
        401  # The answer to a request without a Bearer access token: 401 with a bare Bearer challenge and SVC2003 (RFC 6750 section 3; our default), or 403 with POL0001 and no challenge (TS 24.482 A.2.3 as reported second-hand; its text was not read).
    )
    mcdata8_operations: Literal["all", "deposit"] = "all"  # The operations an MCData server token (MCData-8) may call
    min_tls_version: Literal["1.2", "1.3"] = "1.2"  # The lowest TLS version the store accepts, on both interfaces

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
        for name, allowed in SETTING_VALUES.items():
            value = getattr(self, name, None)
            if value is not None and value not in allowed:
                raise ValueError(f"setting {name} is {value!r}; one of {', '.join(map(str, allowed))}")
        for k in self.keys:
            if k.algorithm not in self.algorithms:
                raise ValueError(f"key {k.kid or '(no kid)'} is bound to {k.algorithm}, which is not allowed")
            if k.algorithm.startswith("HS") and (not isinstance(k.key, bytes) or len(k.key) < 32):
                raise ValueError("an HMAC key must be at least 32 bytes")

    def setting(self, name: str) -> Any:
        """A deployment setting by its model name (spec/auth.yaml settings)."""
        return getattr(self, name, None)


def tls_context(cert: Path, key: Path, settings: AuthSettings | None = None) -> ssl.SSLContext:
    """The server's TLS context: nothing older than the setting min_tls_version (default 1.2)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    floor = settings.setting("min_tls_version") if settings is not None else None
    ctx.minimum_version = TLS_VERSIONS[str(floor or "1.2")]
    ctx.load_cert_chain(str(cert), str(key))
    return ctx


@dataclass
class AuthFailure(Exception):
    """A refused request: the challenge of the model that answers it."""

    challenge: str
    scope: str = ""
    detail: str = ""

    def __post_init__(self) -> None:
        if self.challenge not in CHALLENGES:
            raise ValueError(f"unknown challenge {self.challenge!r}")

    def answer(self, settings: AuthSettings) -> str:
        """The challenge that answers this failure under ``settings``: a variant whose settings match, or
        the challenge itself."""
        for cid, c in CHALLENGES.items():
            if c.variant_of == self.challenge and all(settings.setting(k) == v for k, v in c.when.items()):
                return cid
        return self.challenge

    def status_for(self, settings: AuthSettings) -> int:
        return CHALLENGES[self.answer(settings)].status

    def exception_for(self, settings: AuthSettings) -> str:
        return CHALLENGES[self.answer(settings)].exception

    def www_authenticate_for(self, settings: AuthSettings) -> str:
        """The WWW-Authenticate value of the answer ("" = no header)."""
        template = CHALLENGES[self.answer(settings)].www_authenticate
        realm = settings.realm.replace('"', "")
        return template.replace("{realm}", realm).replace("{scope}", self.scope.replace('"', ""))

    def variables_for(self, settings: AuthSettings) -> tuple[str, ...]:
        """What the answer fills %1.. with (from the model); ``detail`` (why, for debugging) is never sent."""
        return CHALLENGE_VARIABLES[self.answer(settings)]


@dataclass(frozen=True)
class Caller:
    interface: str
    subject: str  # the MCData ID (MCData-7) or the client (MCData-8)
    claims: Mapping[str, Any] = field(default_factory=dict)


def bearer_token(authorization: list[str], query_token: bool | str | None, form_token: bool) -> str:
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


class _Verified(NamedTuple):
    """A token that passed :meth:`TokenValidator.claims`, and the times between which that verdict holds."""

    claims: Mapping[str, Any]
    not_before: float  # nbf and iat minus the leeway (-inf without them)
    expires: float  # exp plus the leeway


def _window(claims: Mapping[str, Any], leeway: float) -> tuple[float, float] | None:
    """When the time claims of verified ``claims`` still hold, read as PyJWT reads them; None without an exp
    (such a token is not remembered)."""
    try:
        expires = int(claims["exp"]) + leeway
        starts = [int(claims[c]) - leeway for c in ("nbf", "iat") if c in claims]
    except (KeyError, ValueError, TypeError, OverflowError):
        return None
    return max(starts, default=float("-inf")), expires


class TokenValidator:
    """Validates Bearer tokens against ``settings``; replace ``settings`` (e.g. with the keys of a rotated JWK set)
    and every remembered token is checked again."""

    def __init__(self, settings: AuthSettings, cache_size: int = TOKEN_CACHE_SIZE) -> None:
        self.settings = settings
        self.cache_size = cache_size
        self._verified: OrderedDict[bytes, _Verified] = OrderedDict()
        self._verified_under: tuple[Any, ...] = ()  # the settings, keys and algorithms they were verified with
        self._lock = threading.Lock()

    def verified_claims(self, token: str) -> Mapping[str, Any]:
        """The claims of a valid token: :meth:`claims`, or its remembered result while the token's time claims
        hold and the settings, keys and algorithms are unchanged. Raises AuthFailure("invalid-token")."""
        s = self.settings
        under = (s, tuple(s.keys), tuple(s.algorithms))
        digest = hashlib.sha256(token.encode()).digest()
        now = time.time()
        with self._lock:
            if under != self._verified_under:
                self._verified.clear()
                self._verified_under = under
            known = self._verified.get(digest)
            if known is not None:
                if known.not_before <= now < known.expires:
                    self._verified.move_to_end(digest)
                    return known.claims
                del self._verified[digest]
        claims = MappingProxyType(self.claims(token))
        window = _window(claims, s.leeway_seconds)
        if window is not None and self.cache_size > 0:
            with self._lock:
                if under == self._verified_under:
                    self._verified[digest] = _Verified(claims, *window)
                    while len(self._verified) > self.cache_size:
                        self._verified.popitem(last=False)
        return claims

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
        options: Any = {
            "require": required,
            "verify_signature": True,
            "verify_exp": True,
            "verify_nbf": True,
            "verify_iat": True,
            "verify_aud": s.audience is not None,
            "verify_iss": s.issuer is not None,
        }
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

    def interface_of(self, claims: Mapping[str, Any], granted: set[str]) -> str:
        """The interface a token belongs to."""
        # token kind by the user claim, never by scope: a user token is never a server token (RFC 8725 3.12)
        return USER_INTERFACE if USER_TOKEN_CLAIM in claims or not SERVER_INTERFACE else SERVER_INTERFACE

    def authorize(self, token: str, op_id: str, interfaces: Sequence[str], box_id: str) -> Caller:
        """Apply the interface rules of operation ``op_id``, which ``interfaces`` may call, for box ``box_id``."""
        claims = self.verified_claims(token)
        scopes = claims.get("scope")
        granted = set(scopes.split()) if isinstance(scopes, str) else set()
        interface = self.interface_of(claims, granted)
        rules = INTERFACES[interface]
        if interface not in interfaces:
            raise AuthFailure("wrong-interface", detail=f"{interface} tokens may not call this operation")
        if rules.operations_setting:
            chosen = self.settings.setting(rules.operations_setting) or "all"
            if chosen != "all" and op_id not in rules.operation_sets.get(str(chosen), frozenset()):
                raise AuthFailure("wrong-interface", detail=f"this store restricts {interface} to {chosen} operations")
        needed = [self._scope(sc) for sc in rules.required_scopes]
        if any(sc is None for sc in needed):
            raise AuthFailure("insufficient-scope", detail=f"{interface} is not configured on this store")
        missing = [sc for sc in needed if sc and sc not in granted]
        if missing:
            raise AuthFailure("insufficient-scope", scope=" ".join(str(sc) for sc in needed if sc))
        for claim in rules.required_claims:
            value = claims.get(claim)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise AuthFailure("invalid-token", detail=f"claim {claim} missing")
        if rules.box_binding == "claim-equals-box":
            owner = claims.get(rules.box_claim)
            if not isinstance(owner, str) or not owner:
                raise AuthFailure("invalid-token", detail=f"claim {rules.box_claim} is not a string")
            if owner != box_id:
                raise AuthFailure("box-mismatch")
            return Caller(interface, str(owner or ""), claims)
        subject = claims.get("client_id") or claims.get("sub") or ""
        return Caller(interface, str(subject), claims)

    def _scope(self, value: str) -> str | None:
        """A required scope: the literal, or the value of the deployment setting "${name}" names. None: the
        setting is unset (the interface is refused); "": the setting turns the check off."""
        if value.startswith("${") and value.endswith("}"):
            name = value[2:-1]
            setting = self.settings.setting(name)
            if isinstance(setting, str) and setting:
                return setting
            return "" if name in SCOPES_NOT_CHECKED_WHEN_EMPTY else None
        return value


# scope settings whose empty value means "not checked" (spec/auth.yaml when_empty); any other empty or unset
# scope setting refuses its interface
SCOPES_NOT_CHECKED_WHEN_EMPTY: frozenset[str] = frozenset(["user_scope"])
