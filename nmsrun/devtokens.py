"""``nmsgen serve --dev``: a DEVELOPMENT token service and TLS certificate, so a newcomer can try the API.

Never for production. Everything lives in one folder (``--dev-dir``): an ES256 signing key, a client
secret, and (when no ``--cert``/``--key`` is given) a development CA with a certificate for localhost.
Endpoints, mounted beside the API:

* ``POST /dev/token`` — OAuth 2.0 client credentials (RFC 6749 4.4, HTTP Basic client authentication):
  an MCData-8 token with the all-accounts scope.
* ``POST /dev/user-token`` — the same client authentication, form field ``mcdata_id``: an MCData-7 user
  token (scope ``3gpp:mc:data_service``, claim ``mcdata_id``), as an identity management server would issue.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

CLIENT_ID = "nmsgen-dev-client"
ISSUER = "https://nmsgen-dev-token-service"
USER_SCOPE = "3gpp:mc:data_service"
TOKEN_LIFETIME = 600


@dataclass
class DevTokens:
    folder: Path
    key: ec.EllipticCurvePrivateKey
    secret: str
    all_accounts_scope: str

    @classmethod
    def load(cls, folder: Path, all_accounts_scope: str) -> DevTokens:
        folder.mkdir(parents=True, exist_ok=True)
        key_file, secret_file = folder / "dev-signing-key.pem", folder / "dev-client-secret.txt"
        if key_file.exists():
            key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
            assert isinstance(key, ec.EllipticCurvePrivateKey)
        else:
            key = ec.generate_private_key(ec.SECP256R1())
            key_file.write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            )
            key_file.chmod(0o600)
        if not secret_file.exists():
            secret_file.write_text(secrets.token_urlsafe(24) + "\n")
            secret_file.chmod(0o600)
        return cls(folder, key, secret_file.read_text().strip(), all_accounts_scope)

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self.key.public_key()

    def _sign(self, claims: dict[str, Any]) -> str:
        now = int(time.time())
        body = {"iss": ISSUER, "iat": now, "exp": now + TOKEN_LIFETIME, "jti": secrets.token_hex(8), **claims}
        return jwt.encode(body, self.key, algorithm="ES256", headers={"kid": "nmsgen-dev", "typ": "at+jwt"})

    def client_ok(self, authorization: str) -> bool:
        if not authorization.startswith("Basic "):
            return False
        try:
            cid, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        except ValueError:
            return False
        return cid == CLIENT_ID and secrets.compare_digest(secret, self.secret)

    def server_token(self) -> str:
        return self._sign({"sub": CLIENT_ID, "client_id": CLIENT_ID, "scope": self.all_accounts_scope})

    def user_token(self, mcdata_id: str) -> str:
        return self._sign(
            {"sub": mcdata_id, "mcdata_id": mcdata_id, "client_id": "nmsgen-dev-ue", "scope": f"openid {USER_SCOPE}"}
        )

    def app(self) -> FastAPI:
        app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

        def refuse(status: int, error: str) -> JSONResponse:
            headers = {"WWW-Authenticate": 'Basic realm="nmsgen-dev"'} if status == 401 else None
            return JSONResponse({"error": error}, status, headers)

        def issued(token: str) -> JSONResponse:
            return JSONResponse(
                {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME},
                headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
            )

        @app.post("/token")
        async def token(request: Request) -> JSONResponse:
            form = await request.form()
            if not self.client_ok(request.headers.get("authorization", "")):
                return refuse(401, "invalid_client")
            if form.get("grant_type") != "client_credentials":
                return refuse(400, "unsupported_grant_type")
            scope = str(form.get("scope") or self.all_accounts_scope)
            if scope != self.all_accounts_scope:
                return refuse(400, "invalid_scope")
            return issued(self.server_token())

        @app.post("/user-token")
        async def user_token(request: Request) -> JSONResponse:
            form = await request.form()
            if not self.client_ok(request.headers.get("authorization", "")):
                return refuse(401, "invalid_client")
            mcdata_id = str(form.get("mcdata_id") or "")
            if not mcdata_id:
                return refuse(400, "invalid_request")
            return issued(self.user_token(mcdata_id))

        return app

    def summary(self, base: str, ca: Path | None) -> str:
        lines = {
            "token URL (MCData-8, client credentials)": f"{base}/dev/token",
            "user tokens (MCData-7)": f"{base}/dev/user-token  (form field mcdata_id)",
            "client id": CLIENT_ID,
            "client secret": self.secret,
            "all-accounts scope": self.all_accounts_scope,
            "CA to trust": str(ca.resolve()) if ca else "(your --cert)",
        }
        return "".join(f"  {k}: {v}\n" for k, v in lines.items())


def dev_certificate(folder: Path, host: str) -> tuple[Path, Path, Path]:
    """A development CA and a certificate for localhost and ``host`` (made once, kept in ``folder``)."""
    ca_file, cert_file, key_file = folder / "dev-ca.pem", folder / "dev-server.pem", folder / "dev-server.key"
    if ca_file.exists() and cert_file.exists() and key_file.exists():
        return ca_file, cert_file, key_file
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "nmsgen development CA (not for production)")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    try:
        names.append(x509.IPAddress(ipaddress.ip_address(host)))
    except ValueError:
        names.append(x509.DNSName(host))
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(list(dict.fromkeys(names))), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_file.chmod(0o600)
    return ca_file, cert_file, key_file
