"""``nmsgen serve --store postgresql://… --workers 2`` over TLS, run as a user runs it: the conformance kit and the
whole API (every operation of both interfaces, auth, box isolation, bad input) pass as on the SQLite store, with
requests spread over two server processes on one port; a notification reaches its receiver exactly once; a worker
killed with ``kill -9`` is replaced while the other goes on serving. Bad store locations are one line each.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import jwt
import pytest
import trustme

from ..conftest import child_env, nmsgen_serve
from ..crosschecks.test_conformance_kit import KEYS, run_kit
from ..https_server import Running
from ..notify_receiver import Receiver, receiver
from ..support import ALICE, ALL_ACCOUNTS, AUDIENCE, BOB, ISSUER, free_port, server_token, user_token
from .test_e2e_https import OPS, Api, _every_operation

pytestmark = [pytest.mark.slow, pytest.mark.external]  # `nmsgen serve` on PostgreSQL, two workers, the kit

# The auth and API clauses these tests exercise again are cited (and proven by mutation, `nmsgen trace --verify`)
# by the tests of the same generated server on SQLite (tests/runtime/test_e2e_https.py, the kit's own cases);
# here the subject is the PostgreSQL store and the workers behind it, so only the notification test cites.

OPEN: list[Api] = []  # closed before the server stops (uvicorn waits for keep-alive connections)


def api(served: Served, token: str, box: str = ALICE) -> Api:
    made = Api(served.running, token, box)
    OPEN.append(made)
    return made


@pytest.fixture(scope="module")
def rec(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Receiver]:
    with receiver(tmp_path_factory.mktemp("receiver")) as r:
        yield r


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Server certificate, its CA, and the JWK set of the key the kit and the tests sign tokens with."""
    d = tmp_path_factory.mktemp("pki")
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    cert.private_key_pem.write_to_path(str(d / "server.key"))
    cert.private_key_and_cert_chain_pem.write_to_path(str(d / "server.pem"))
    ca.cert_pem.write_to_path(str(d / "ca.pem"))
    jwk = jwt.algorithms.ECAlgorithm.to_jwk(KEYS.ec.public_key(), as_dict=True)
    (d / "jwks.json").write_text(json.dumps({"keys": [{**jwk, "kid": "k1", "alg": "ES256", "use": "sig"}]}))
    return {"cert": d / "server.pem", "key": d / "server.key", "ca": d / "ca.pem", "jwks": d / "jwks.json", "dir": d}


@dataclass
class Served:
    proc: subprocess.Popen[str]
    running: Running
    banner: str

    def workers(self) -> list[int]:
        """The pids of the server's worker processes."""
        return worker_pids(self.proc)


def worker_pids(proc: subprocess.Popen[str]) -> list[int]:
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    return sorted(int(c) for c in children)


@pytest.fixture(scope="module")
def served(pki: dict[str, Path], pg_cluster: Any, rec: Receiver) -> Iterator[Served]:
    url = pg_cluster.create_database()  # an empty database: serve creates the schema before the workers start
    port = free_port()
    args = [
        "--store", url, "--workers", "2", "--port", str(port), "--cert", str(pki["cert"]), "--key", str(pki["key"]),
        "--jwks", str(pki["jwks"]), "--issuer", ISSUER, "--audience", AUDIENCE, "--all-accounts-scope", ALL_ACCOUNTS,
        "--notify-ca", str(rec.ca_file),
    ]  # fmt: skip
    with nmsgen_serve(args, pki["dir"]) as (proc, banner):
        yield Served(proc, Running(f"https://localhost:{port}/nms/v1/myStore", pki["ca"], None), banner)
        while OPEN:
            OPEN.pop().http.close()
    pg_cluster.drop_database(url)


def test_two_workers_on_one_port(served: Served) -> None:
    assert len(served.workers()) == 2
    assert "with 2 workers" in served.banner and "(store postgresql://nms@127.0.0.1" in served.banner


def test_conformance_kit_passes_on_postgresql_with_two_workers(served: Served, tmp_path: Path) -> None:
    proc, out = run_kit(served.running, tmp_path)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert out["failed"] == [], out["failed"]
    assert len(out["passed"]) > 300


def test_every_operation_of_both_interfaces_with_two_workers(served: Served) -> None:
    user = api(served, user_token(KEYS, ALICE))
    _every_operation(user)
    assert sorted({i for i, (_, _, op) in OPS.items() if "MCData-7" in op["x-nmsgen-interfaces"]} - user.seen) == []
    server = api(served, server_token(KEYS), box=BOB)
    _every_operation(server)
    assert sorted({i for i, (_, _, op) in OPS.items() if "MCData-8" in op["x-nmsgen-interfaces"]} - server.seen) == []


def test_auth_box_isolation_and_bad_input_with_two_workers(served: Served) -> None:
    base = served.running.base_url
    with httpx.Client(verify=served.running.client_context()) as anonymous:
        r = anonymous.get(f"{base}/{quote(ALICE, safe='')}/folders/fld-x")
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    alice = api(served, user_token(KEYS, ALICE))
    made = alice("CreateFolder", 201, json={"folder": {"parentFolderPath": "/", "name": "Mine", "attributes": {}}})
    folder_id = made.headers["location"].rsplit("/", 1)[1]
    bob_token = {"Authorization": f"Bearer {user_token(KEYS, BOB)}"}
    with httpx.Client(verify=served.running.client_context(), headers=bob_token) as bob:
        assert bob.get(f"{base}/{quote(ALICE, safe='')}/folders/{folder_id}").status_code == 403  # not his box
        assert bob.get(f"{base}/{quote(BOB, safe='')}/folders/{folder_id}").status_code == 404  # not in his box
        bad = bob.post(f"{base}/{quote(BOB, safe='')}/folders", json={"folder": {"name": "x/y"}})
        assert bad.status_code == 400 and "requestError" in bad.json()
    for _ in range(20):  # answered by either worker, the same store behind both
        alice("GetFolder", 200, {"folderId": folder_id})


@pytest.mark.clause("OMA-NMS-6.19")
def test_each_notification_arrives_once_across_two_workers(served: Served, rec: Receiver) -> None:
    """Both workers deliver (each has its notifier); the lease in the database lets one of them send each
    notification: the indices are 1, 2, 3, … once each and every change is in exactly one of them."""
    carol = "carol@example.test"  # a box of her own: only this test's changes are notified
    user = api(served, user_token(KEYS, carol), box=carol)
    sub = {"nmsSubscription": {"callbackReference": {"notifyURL": rec.url("workers"), "callbackData": "w"}}}
    user("CreateSubscription", 201, json=sub)
    urls = []
    for i in range(12):  # each request reaches either worker (the kernel picks): both run a notifier
        made = user("CreateFolder", 201, json={"folder": {"parentFolderPath": "/", "name": f"F{i}", "attributes": {}}})
        urls.append(made.headers["location"])

    def events() -> list[dict[str, Any]]:
        return [e for n in rec.received.get("workers", []) for e in n["nmsEventList"]["nmsEvent"]]

    def all_seen() -> bool:
        return set(urls) <= {e.get("changedFolder", {}).get("resourceURL") for e in events()}

    assert rec.wait_for(all_seen, 60)
    notes = [n["nmsEventList"] for n in rec.received["workers"]]
    assert [n["index"] for n in notes] == list(range(1, len(notes) + 1))
    changed = [e["changedFolder"]["resourceURL"] for e in events() if "changedFolder" in e]
    assert sorted(changed) == sorted(urls)  # each change in exactly one notification


def test_a_killed_worker_is_replaced_and_the_other_serves_meanwhile(served: Served) -> None:
    alice = api(served, user_token(KEYS, ALICE))
    before = served.workers()
    os.kill(before[0], signal.SIGKILL)
    for _ in range(10):  # the surviving worker answers at once
        alice("GetFolderIdByPath", 200, params={"path": "/"})
    end = time.monotonic() + 30
    while time.monotonic() < end and (len(served.workers()) < 2 or before[0] in served.workers()):
        time.sleep(0.2)
    after = served.workers()
    assert len(after) == 2 and before[0] not in after and before[1] in after


def _sender_of(port: int, pids: list[int]) -> int:
    """The process among pids holding the TCP connection whose local port is ``port`` (/proc: the socket's
    inode in /proc/net/tcp*, then the process with a descriptor on it)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) in inodes:
                    return pid
            except OSError:
                continue
    raise AssertionError(f"no worker of {pids} holds the connection from port {port}")


@pytest.mark.clause("OMA-NMS-6.19")
def test_a_worker_killed_mid_delivery_leaves_the_notification_to_another_worker(
    pki: dict[str, Path], pg_cluster: Any, rec: Receiver
) -> None:
    """Inside `nmsgen serve --workers 2`: the worker whose POST is in flight is killed with ``kill -9``; its POST
    gets no answer, its lease runs out (3 x --notify-timeout + 5 s = 14 s here) and another worker delivers the
    notification, once: index 1 holding the change, and nothing after it."""
    url = pg_cluster.create_database()
    port = free_port()
    args = [
        "--store", url, "--workers", "2", "--port", str(port), "--cert", str(pki["cert"]), "--key", str(pki["key"]),
        "--jwks", str(pki["jwks"]), "--issuer", ISSUER, "--audience", AUDIENCE, "--notify-ca", str(rec.ca_file),
        "--notify-timeout", "3",
    ]  # fmt: skip
    name, dave = "killed", "dave@example.test"
    release = threading.Event()
    rec.hold[name] = release  # the first POST gets no answer while its sender lives
    with nmsgen_serve(args, pki["dir"]) as (proc, _):
        user = Api(Running(f"https://localhost:{port}/nms/v1/myStore", pki["ca"], None), user_token(KEYS, dave), dave)
        try:
            sub = {"nmsSubscription": {"callbackReference": {"notifyURL": rec.url(name), "callbackData": "k"}}}
            user("CreateSubscription", 201, json=sub)
            made = user("CreateFolder", 201, json={"folder": {"parentFolderPath": "/", "name": "K", "attributes": {}}})
            assert rec.wait_for(lambda: rec.waiting.get(name, 0) == 1, 30)  # a worker's POST is in flight, held
            sender = _sender_of(rec.held_from[name][0], worker_pids(proc))
            os.kill(sender, signal.SIGKILL)
            killed = time.monotonic()
            assert rec.wait_for(lambda: rec.abandoned.get(name, 0) == 1, 10)  # its POST never got an answer
            release.set()  # the next POST (another worker's, once the lease runs out) is answered at once
            assert rec.wait_for(lambda: bool(rec.received.get(name)), 60)
            took = time.monotonic() - killed
            time.sleep(3)  # a second delivery of the same change would arrive by now (poll interval 1 s)
        finally:
            user.http.close()
            release.set()
        assert sender not in worker_pids(proc)
    pg_cluster.drop_database(url)
    notes = [n["nmsEventList"] for n in rec.received[name]]
    assert [n["index"] for n in notes] == [1], notes
    changed = [e["changedFolder"]["resourceURL"] for e in notes[0]["nmsEvent"] if "changedFolder" in e]
    assert changed == [made.headers["location"]]
    assert rec.held_from[name][1:] and rec.held_from[name][1] != rec.held_from[name][0]  # a new connection
    assert took >= 5, took  # taken over only once the dead worker's lease ran out, not by a retry of its own


def refused(pki: dict[str, Path], *store: str) -> subprocess.CompletedProcess[str]:
    args = [
        sys.executable, "-m", "generator", "serve", *store, "--port", str(free_port()),
        "--cert", str(pki["cert"]), "--key", str(pki["key"]), "--jwks", str(pki["jwks"]),
    ]  # fmt: skip
    return subprocess.run(
        args, cwd=pki["dir"], env=child_env(), capture_output=True, text=True, timeout=60, check=False
    )


def test_an_unknown_store_scheme_is_one_line(pki: dict[str, Path]) -> None:
    r = refused(pki, "--store", "mysql://x@h/db")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0 and "error store-unknown-scheme" in r.stderr, r.stderr


def test_an_unreachable_database_is_one_line(pki: dict[str, Path]) -> None:
    r = refused(pki, "--store", f"postgresql://nms@127.0.0.1:{free_port()}/nothing", "--workers", "2")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0 and "error store-unreachable" in r.stderr, r.stderr


def test_db_and_store_together_are_refused(pki: dict[str, Path]) -> None:
    r = refused(pki, "--db", "a.sqlite", "--store", "sqlite:///b.sqlite")
    assert r.returncode == 2 and r.stderr.startswith("serve: error: --db and --store"), r.stderr


def test_a_sqlite_url_is_the_sqlite_store(pki: dict[str, Path], tmp_path: Path) -> None:
    port = free_port()
    args = ["--store", f"sqlite:///{tmp_path}/s.sqlite", "--port", str(port), "--cert", str(pki["cert"])]
    args += ["--key", str(pki["key"]), "--jwks", str(pki["jwks"])]
    with nmsgen_serve(args, pki["dir"]) as (_, banner):
        alice = Api(Running(f"https://localhost:{port}/nms/v1/myStore", pki["ca"], None), user_token(KEYS, ALICE))
        alice("GetFolderIdByPath", 200, params={"path": "/"})
        alice.http.close()
    assert f"(store sqlite:///{tmp_path}/s.sqlite" in banner
    assert (tmp_path / "s.sqlite").exists()
