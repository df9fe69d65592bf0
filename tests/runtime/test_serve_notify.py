"""`nmsgen serve` delivers notifications: the CLI's reference store POSTs to a TLS receiver whose CA is
given with --notify-ca (the wiring of refstore/notify.py into the command users run)."""

from __future__ import annotations

import json
import signal
import ssl
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import jwt
import pytest
import trustme

from ..conftest import nmsgen_serve
from ..notify_receiver import Receiver, receiver
from ..support import ALICE, Keys, free_port, user_token

pytestmark = pytest.mark.slow  # starts an `nmsgen serve` process

KEYS = Keys()


@pytest.fixture(scope="module")
def rec(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Receiver]:
    with receiver(tmp_path_factory.mktemp("receiver")) as r:
        yield r


@pytest.mark.clause("OMA-NMS-6.19", "24.282-21.1-R3")
def test_nmsgen_serve_delivers_to_a_notify_url_trusted_by_notify_ca(tmp_path: Path, rec: Receiver) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    cert.private_key_pem.write_to_path(str(tmp_path / "server.key"))
    cert.private_key_and_cert_chain_pem.write_to_path(str(tmp_path / "server.pem"))
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    jwk = jwt.algorithms.ECAlgorithm.to_jwk(KEYS.ec.public_key(), as_dict=True)
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [{**jwk, "kid": "k1", "alg": "ES256", "use": "sig"}]}))
    port = free_port()
    args = ["--db", str(tmp_path / "store.sqlite"), "--port", str(port), "--cert", str(tmp_path / "server.pem")]
    args += ["--key", str(tmp_path / "server.key"), "--jwks", str(tmp_path / "jwks.json")]
    with nmsgen_serve([*args, "--notify-ca", str(rec.ca_file)], tmp_path) as (proc, _):  # the command itself
        box = f"https://localhost:{port}/nms/v1/myStore/{quote(ALICE, safe='')}"
        http = httpx.Client(
            verify=ssl.create_default_context(cafile=str(tmp_path / "ca.pem")),
            headers={"Authorization": f"Bearer {user_token(KEYS, ALICE)}"},
        )
        try:
            sub = {"nmsSubscription": {"callbackReference": {"notifyURL": rec.url("serve"), "callbackData": "cli"}}}
            assert http.post(f"{box}/subscriptions", json=sub).status_code == 201
            root = {"object": {"parentFolderPath": "/Inbox", "attributes": {}, "flags": {"flag": ["\\Seen"]}}}
            made = http.post(f"{box}/objects", files={"root-fields": (None, json.dumps(root), "application/json")})
            assert made.status_code == 201
            url = made.headers["location"]

            def has_object() -> bool:
                events = [e for n in rec.received.get("serve", []) for e in n["nmsEventList"]["nmsEvent"]]
                return any(e.get("changedObject", {}).get("resourceURL") == url for e in events)

            assert rec.wait_for(has_object, 60)
            first = rec.received["serve"][0]["nmsEventList"]
            assert first["index"] == 1 and first["callbackData"] == "cli"
        finally:
            http.close()  # uvicorn waits for open keep-alive connections before it stops
            proc.terminate()  # uvicorn stops; the lifespan's store.close() stops the notifier threads
            assert proc.wait(timeout=30) in (0, -signal.SIGTERM)
            assert proc.stderr is not None and "Application shutdown complete" in proc.stderr.read()
