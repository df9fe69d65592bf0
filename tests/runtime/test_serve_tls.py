"""`nmsgen serve`: the generated server on the reference store over TLS (TS 24.282 21.1, TS 33.210 6.2).

TLS 1.0 and 1.1 are refused (the client is allowed to offer them, and a control server shows it can),
TLS 1.2 and 1.3 are accepted; plain HTTP only behind the loudly named development flag.
"""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest
import trustme

from ..conftest import child_env, nmsgen_serve
from ..support import ALICE, Keys, free_port, user_token

pytestmark = pytest.mark.slow  # starts `nmsgen serve` processes

KEYS = Keys()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def pki(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("pki")
    cert = ca.issue_cert("localhost", "127.0.0.1")
    cert.private_key_pem.write_to_path(str(d / "server.key"))
    cert.private_key_and_cert_chain_pem.write_to_path(str(d / "server.pem"))
    ca.cert_pem.write_to_path(str(d / "ca.pem"))
    jwk = jwt.algorithms.ECAlgorithm.to_jwk(KEYS.ec.public_key(), as_dict=True)
    (d / "jwks.json").write_text(json.dumps({"keys": [{**jwk, "kid": "k1", "alg": "ES256", "use": "sig"}]}))
    return {"cert": d / "server.pem", "key": d / "server.key", "ca": d / "ca.pem", "jwks": d / "jwks.json", "dir": d}


@pytest.fixture(scope="module")
def server(pki: dict[str, Path]) -> Iterator[tuple[int, str]]:
    """`nmsgen serve` in a process, as a user starts it (these tests are about the command's TLS), not the
    in-process server of the other tests."""
    port = free_port()
    args = ["--db", str(pki["dir"] / "store.sqlite"), "--port", str(port), "--cert", str(pki["cert"])]
    with nmsgen_serve([*args, "--key", str(pki["key"]), "--jwks", str(pki["jwks"])], pki["dir"]) as (_, banner):
        yield port, banner


def handshake(port: int, version: ssl.TLSVersion, cafile: Path) -> str:
    ctx = ssl.create_default_context(cafile=str(cafile))
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")  # let the client offer old TLS, so a refusal is the server's
    ctx.minimum_version = ctx.maximum_version = version
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as s,
        ctx.wrap_socket(s, server_hostname="localhost") as t,
    ):
        return str(t.version())


def test_prints_where_it_listens(server: tuple[int, str]) -> None:
    port, banner = server
    assert f"listening on https://127.0.0.1:{port}/nms/v1/" in banner


@pytest.mark.clause("33.210-6.2-R1", "24.282-21.1-R3")
@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3], ids=["TLSv1.2", "TLSv1.3"])
def test_tls_1_2_and_1_3_accepted(server: tuple[int, str], pki: dict[str, Path], version: ssl.TLSVersion) -> None:
    assert handshake(server[0], version, pki["ca"]) == {"TLSv1_2": "TLSv1.2", "TLSv1_3": "TLSv1.3"}[version.name]


@pytest.mark.clause("33.210-6.2-R1")
@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1:DeprecationWarning")
@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1], ids=["TLSv1.0", "TLSv1.1"])
def test_tls_1_0_and_1_1_refused(
    server: tuple[int, str], pki: dict[str, Path], ca: trustme.CA, version: ssl.TLSVersion
) -> None:
    # control: the same client completes an old-TLS handshake with a server that allows it
    permissive = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    permissive.set_ciphers("DEFAULT:@SECLEVEL=0")
    permissive.minimum_version = ssl.TLSVersion.TLSv1
    ca.issue_cert("localhost").configure_cert(permissive)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve_once() -> None:
        conn, _ = listener.accept()
        try:
            with permissive.wrap_socket(conn, server_side=True) as t:
                t.recv(1)
        except (ssl.SSLError, OSError):
            pass

    thread = threading.Thread(target=serve_once, daemon=True)
    thread.start()
    try:
        control = handshake(port, version, pki["ca"])
    except ssl.SSLError:
        pytest.skip(f"this OpenSSL cannot offer {version.name} at all")
    finally:
        listener.close()
    assert control.startswith("TLSv1")
    with pytest.raises((ssl.SSLError, ConnectionResetError)):
        handshake(server[0], version, pki["ca"])


@pytest.mark.clause("24.282-21.1-R3", "24.282-21.1-R6")
def test_https_request_with_a_real_token(server: tuple[int, str], pki: dict[str, Path]) -> None:
    port = server[0]
    tok = user_token(KEYS, ALICE)
    with httpx.Client(verify=ssl.create_default_context(cafile=str(pki["ca"]))) as client:
        r = client.get(
            f"https://localhost:{port}/nms/v1/myStore/{ALICE}/objects/nope", headers={"Authorization": f"Bearer {tok}"}
        )
        assert r.status_code == 404
        assert r.json()["requestError"]["serviceException"]["messageId"] == "SVC0004"
        r = client.get(f"https://localhost:{port}/nms/v1/myStore/{ALICE}/objects/nope")
        assert r.status_code == 401


@pytest.mark.clause("24.282-21.1-R3", "33.210-6.2-R1")
def test_plain_http_to_the_tls_port_gets_no_http_answer(server: tuple[int, str]) -> None:
    with socket.create_connection(("127.0.0.1", server[0]), timeout=5) as s:
        s.sendall(b"GET /nms/v1/s/b/objects/o HTTP/1.1\r\nHost: localhost\r\n\r\n")
        data = s.recv(100)
    assert not data.startswith(b"HTTP/")


@pytest.mark.clause("24.282-21.1-R3")
def test_refuses_to_start_without_tls(pki: dict[str, Path]) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "generator", "serve", "--jwks", str(pki["jwks"]), "--port", str(free_port())],
        cwd=pki["dir"],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert r.returncode == 2
    assert "--cert and --key are required" in r.stderr and "Traceback" not in r.stderr


def test_refuses_to_start_without_token_keys(pki: dict[str, Path]) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "generator", "serve", "--cert", str(pki["cert"]), "--key", str(pki["key"])],
        cwd=pki["dir"],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert r.returncode == 2 and "no token keys" in r.stderr


def test_dev_http_flag_is_loud(pki: dict[str, Path]) -> None:
    port = free_port()
    args = ["--db", str(pki["dir"] / "dev.sqlite"), "--port", str(port), "--insecure-dev-http"]
    with nmsgen_serve([*args, "--jwks", str(pki["jwks"])], pki["dir"]) as (_, banner):
        assert "WARNING: plain HTTP without TLS" in banner
        assert f"listening on http://127.0.0.1:{port}" in banner


def test_help_says_how_to_use_the_idms_keys() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "generator", "serve", "--help"],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert r.returncode == 0
    assert "--jwks-url" in r.stdout and "identity management server" in r.stdout
