"""Token keys fetched from the identity management server's JWKS URL over verified HTTPS."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
import trustme

from mcdata_store.auth import AuthSettings, TokenValidator, keys_from_jwks_url

from ..support import ALICE, Keys, user_token

KEYS = Keys()


@pytest.fixture(scope="module")
def idms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("idms")
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(tmp / "ca.pem"))
    jwk = jwt.algorithms.ECAlgorithm.to_jwk(KEYS.ec.public_key(), as_dict=True)
    body = json.dumps({"keys": [{**jwk, "kid": "k1", "alg": "ES256", "use": "sig"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(ctx)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://localhost:{server.server_address[1]}/.well-known/jwks.json", tmp / "ca.pem"
    server.shutdown()


@pytest.mark.clause("24.282-21.1-R8")
def test_keys_from_the_jwks_url_validate_tokens(idms: tuple[str, Path]) -> None:
    url, ca = idms
    keys = keys_from_jwks_url(url, ca_file=ca)
    assert [(k.kid, k.algorithm) for k in keys] == [("k1", "ES256")]
    validator = TokenValidator(AuthSettings(keys=keys, algorithms=["ES256"]))
    assert validator.authorize(user_token(KEYS, ALICE), "GetObject", ("MCData-7",), ALICE).subject == ALICE


def test_the_jwks_server_certificate_is_verified(idms: tuple[str, Path]) -> None:
    url, _ = idms
    with pytest.raises(ValueError, match="cannot fetch the JWK set"):
        keys_from_jwks_url(url)  # the test CA is not in the system trust store


def test_plain_http_jwks_url_is_refused() -> None:
    with pytest.raises(ValueError, match="https"):
        keys_from_jwks_url("http://localhost/jwks.json")
