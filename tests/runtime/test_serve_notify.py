"""`nmsgen serve` delivers notifications: the CLI's reference store POSTs to a TLS receiver whose CA is
given with --notify-ca (the wiring of refstore/notify.py into the command users run)."""

from __future__ import annotations

import json
import signal
import ssl
import threading
import time
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


def serve_args(tmp_path: Path) -> tuple[int, list[str]]:
    """A port and the `nmsgen serve` options of a store with its own CA (``ca.pem``) and the test's token key."""
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
    return port, args


@pytest.mark.clause("OMA-NMS-6.19", "24.282-21.1-R3")
def test_nmsgen_serve_delivers_to_a_notify_url_trusted_by_notify_ca(tmp_path: Path, rec: Receiver) -> None:
    port, args = serve_args(tmp_path)
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


def test_nmsgen_serve_logs_a_failed_delivery_and_names_notify_ca(tmp_path: Path, rec: Receiver) -> None:
    """Without --notify-ca the receiver's private CA is not trusted: the failure is on stderr with the
    subscription, the notifyURL, the reason and the option that fixes it."""
    port, args = serve_args(tmp_path)
    with nmsgen_serve(args, tmp_path) as (proc, _):  # the command itself: its log on stderr
        box = f"https://localhost:{port}/nms/v1/myStore/{quote(ALICE, safe='')}"
        http = httpx.Client(
            verify=ssl.create_default_context(cafile=str(tmp_path / "ca.pem")),
            headers={"Authorization": f"Bearer {user_token(KEYS, ALICE)}"},
        )
        try:
            sub = {"nmsSubscription": {"callbackReference": {"notifyURL": rec.url("untrusted")}}}
            created = http.post(f"{box}/subscriptions", json=sub)
            assert created.status_code == 201
            root = {"object": {"parentFolderPath": "/Inbox", "attributes": {}, "flags": {}}}
            assert http.post(f"{box}/objects", files={"root-fields": (None, json.dumps(root), "application/json")})
        finally:
            http.close()
        assert proc.stderr is not None
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stderr or ()), daemon=True)
        reader.start()
        deadline = time.monotonic() + 60  # the warning comes from a sender thread, once the first delivery failed
        while time.monotonic() < deadline and not any("notification of subscription" in line for line in lines):
            time.sleep(0.1)
        proc.terminate()
        proc.wait(timeout=30)
        reader.join(10)
    seen = "".join(lines)
    sid = created.json()["nmsSubscription"]["resourceURL"].rsplit("/", 1)[1]
    assert f"WARNING:  notification of subscription {sid} to {rec.url('untrusted')} failed" in seen
    assert "CERTIFICATE_VERIFY_FAILED" in seen and "--notify-ca" in seen
