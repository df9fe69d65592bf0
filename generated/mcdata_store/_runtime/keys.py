# copied unchanged from nmsgen's templates/runtime/ - do not edit
"""The keys the server verifies tokens with: each bound to the one algorithm it may verify (RFC 8725 section
3.1), from a JWK set (a mapping, JSON text, a file or an HTTPS URL) or a PEM public key."""

from __future__ import annotations

import json
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key


@dataclass(frozen=True)
class VerificationKey:
    key: Any  # a public key object (or HMAC secret bytes) PyJWT accepts
    algorithm: str  # the one algorithm this key may verify (RFC 8725 section 3.1)
    kid: str | None = None


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
