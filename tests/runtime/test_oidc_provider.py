"""MCData-8 against a real authorization server: node's oidc-provider issues client-credentials JWT access
tokens (RFC 9068) for the message store; the generated client gets them, the generated server validates them
from the provider's JWKS (strict rfc9068 profile: typ, iss, aud, ...).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
import trustme
from cryptography.hazmat.primitives.asymmetric import ec

from mcdata_store import models
from mcdata_store.auth import keys_from_jwks_url
from mcdata_store.client import ClientCredentialsAuth, MessageStoreClient, NotFound, TokenError, Unauthorized

from ..conftest import ROOT, StartServer
from ..support import Keys, free_port

pytestmark = pytest.mark.external  # node's oidc-provider (npm ci)

RESOURCE = "https://store.example.test/nms"
SCOPE = "mcdata-ms-all-accounts"
CLIENT_ID = "mcdata-server-1"
SECRET = "a-long-client-secret-for-the-test"
PROVIDER = ROOT / "tests" / "runtime" / "oidc" / "provider.mjs"


def start_provider(tmp: Path, ttl: int) -> tuple[subprocess.Popen[str], int, Path]:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("node and the npm package oidc-provider are needed: install Node.js, then run `npm ci`")
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    cert.private_key_and_cert_chain_pem.write_to_path(str(tmp / "idp.pem"))
    cert.private_key_pem.write_to_path(str(tmp / "idp.key"))
    ca.cert_pem.write_to_path(str(tmp / "idp-ca.pem"))
    signing = jwt.algorithms.ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP256R1()), as_dict=True)
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "CERT": str(tmp / "idp.pem"),
        "KEY": str(tmp / "idp.key"),
        "SIGNING_JWK": json.dumps({**signing, "kid": "idp-1", "alg": "ES256", "use": "sig"}),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": SECRET,
        "SCOPE": SCOPE,
        "RESOURCE": RESOURCE,
        "TTL": str(ttl),
        "NODE_PATH": str(ROOT / "node_modules"),
    }
    proc = subprocess.Popen(
        [node, str(PROVIDER)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "listening" in line:
            return proc, port, tmp / "idp-ca.pem"
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError(f"oidc-provider did not start: {proc.stderr.read() if proc.stderr else ''}")


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    proc, port, ca = start_provider(tmp_path_factory.mktemp("idp"), ttl=32)
    yield f"https://localhost:{port}", ca
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.clause("24.282-21.1-CR1", "RFC6749-4.4.2-R1", "RFC9068-2.2-R1", "33.180-B.10-R2")
def test_client_credentials_with_oidc_provider(provider: tuple[str, Path], start_server: StartServer) -> None:
    issuer, idp_ca = provider
    keys = keys_from_jwks_url(f"{issuer}/jwks", ca_file=idp_ca)
    with start_server(
        Keys(),
        keys=keys,
        algorithms=["ES256"],
        profile="rfc9068",
        issuer=issuer,
        audience=RESOURCE,
        all_accounts_scope=SCOPE,
    ) as store:
        auth = ClientCredentialsAuth(f"{issuer}/token", CLIENT_ID, SECRET, SCOPE, ca_bundle=idp_ca)
        root = store.base_url.removesuffix("/nms/v1/myStore")
        with MessageStoreClient(root, "myStore", "frank@example.test", auth=auth, ca_bundle=store.ca_file) as c:
            sent: list[str] = []
            c._http.event_hooks["request"].append(lambda r: sent.append(r.headers["authorization"]))
            folder = c.create_folder(
                models.Folder(parentFolderPath="/", name="Deposits", attributes=models.AttributeList())
            )
            ref = c.create_object(
                models.Object(
                    parentFolder=folder.resourceURL, flags=models.FlagList(), attributes=models.AttributeList()
                )
            )
            assert ref.resourceURL.startswith(folder.resourceURL.rsplit("/folders/", 1)[0])
            assert c.get_folder_id_by_path(path="/Deposits").resourceURL == folder.resourceURL
            with pytest.raises(NotFound):
                c.get_object("x")  # the server token reaches every operation: an unknown object is 404
            assert len(set(sent)) == 1  # one token, cached
            claims = jwt.decode(sent[0].split()[1], options={"verify_signature": False})
            assert claims["aud"] == RESOURCE and claims["client_id"] == CLIENT_ID and SCOPE in claims["scope"]
            time.sleep(2.5)  # past the early expiry of the 32 s token: a new one is fetched
            assert c.get_folder_id_by_path(path="/Deposits").resourceURL == folder.resourceURL
            assert len(set(sent)) == 2
        auth.close()


@pytest.mark.clause("RFC6749-4.4-R1", "RFC6749-5.2-R2")
def test_wrong_client_secret(provider: tuple[str, Path], start_server: StartServer) -> None:
    issuer, idp_ca = provider
    auth = ClientCredentialsAuth(f"{issuer}/token", CLIENT_ID, "wrong", SCOPE, ca_bundle=idp_ca)
    with start_server(Keys(), all_accounts_scope=SCOPE) as store:
        root = store.base_url.removesuffix("/nms/v1/myStore")
        with MessageStoreClient(root, "myStore", "frank@example.test", auth=auth, ca_bundle=store.ca_file) as c:
            with pytest.raises(TokenError) as e:
                c.get_folder_id_by_path(path="/")
    assert e.value.error == "invalid_client"
    auth.close()


@pytest.mark.clause("RFC9068-4-R1", "RFC6750-3.1-R2")
def test_wrong_audience_token_is_refused(provider: tuple[str, Path], start_server: StartServer) -> None:
    """A store that is another resource refuses the provider's tokens (aud), after one fresh retry."""
    issuer, idp_ca = provider
    keys = keys_from_jwks_url(f"{issuer}/jwks", ca_file=idp_ca)
    with start_server(
        Keys(),
        keys=keys,
        algorithms=["ES256"],
        profile="rfc9068",
        issuer=issuer,
        audience="https://another-store.example.test",
        all_accounts_scope=SCOPE,
    ) as store:
        auth = ClientCredentialsAuth(f"{issuer}/token", CLIENT_ID, SECRET, SCOPE, ca_bundle=idp_ca)
        root = store.base_url.removesuffix("/nms/v1/myStore")
        with MessageStoreClient(root, "myStore", "frank@example.test", auth=auth, ca_bundle=store.ca_file) as c:
            with pytest.raises(Unauthorized) as e:
                c.get_folder_id_by_path(path="/")
        auth.close()
    assert 'error="invalid_token"' in e.value.www_authenticate
