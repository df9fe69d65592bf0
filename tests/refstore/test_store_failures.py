"""The store fails cleanly (issue 17, reproduction 6).

* A full disk over real HTTPS: the reference store on a size-capped file (SQLite ``PRAGMA max_page_count``
  on every connection: SQLite itself answers SQLITE_FULL, nothing is simulated) behind the generated server.
  Writes get 503 SVC2001 with a valid requestError body, the same TLS connection then serves reads, every
  acknowledged object is still there, the refused requests left nothing behind, and once space is freed
  writes work again.
* An I/O error (injected as SQLite reports it, SQLITE_IOERR, with a ROLLBACK that fails too): 503 SVC2001,
  and the thread's next call works on a fresh connection; the notification dispatcher lives through it and
  delivers once the I/O works again.
* ``nmsgen serve`` on a store file it cannot use: one line ``{path}: error {code}: {message}``, exit status 1,
  no traceback, nothing listening (golden messages in tests/cases/golden/serve_store_errors.txt).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import jwt
import pytest
import trustme
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30ReadValidator

from mcdata_store import models
from mcdata_store.store import Context, Payload, StoreError
from refstore import SqliteStore
from refstore.notify import NotifySettings

from ..conftest import REGEN_HINT, ROOT, StartServer
from ..https_server import Running
from ..notify_receiver import Receiver, receiver
from ..support import ALICE, Keys, free_port, user_token

STORES = ("sqlite",)  # a size-capped SQLite file and injected SQLite I/O errors
KEYS = Keys()
DOC = json.loads((ROOT / "generated" / "openapi" / "openapi.json").read_text())
ERROR_SCHEMA = OAS30ReadValidator(
    {"$ref": "#/components/schemas/RequestErrorBody", "components": DOC["components"]}, format_checker=FormatChecker()
)
SVC2001_TEXT = "No server resources available to process the request"  # spec/exceptions.yaml, no %N
SQLITE_DEFAULT_MAX_PAGES = 1073741823
GOLDEN = ROOT / "tests" / "cases" / "golden" / "serve_store_errors.txt"


# ------------------------------------------------------------------------------------------ a full disk


class CappedStore(SqliteStore):
    """The reference store on a file SQLite lets grow to ``cap`` pages at most (every connection, every call)."""

    cap = SQLITE_DEFAULT_MAX_PAGES

    def _conn(self) -> sqlite3.Connection:
        conn = super()._conn()
        conn.execute(f"PRAGMA max_page_count={self.cap}")
        return conn


def pages(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("PRAGMA page_count").fetchone()[0])


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return list(conn.execute(sql).fetchall())
    finally:
        conn.close()


def local_address(r: httpx.Response) -> Any:
    """The client end of the TCP connection that carried r: the same value means the same connection."""
    return r.extensions["network_stream"].get_extra_info("client_addr")


def assert_svc2001(r: httpx.Response, method: str, template: str) -> None:
    assert r.status_code == 503, r.text
    assert r.headers.get("connection", "").lower() != "close"
    body = r.json()
    assert list(ERROR_SCHEMA.iter_errors(body)) == []
    assert body == {"requestError": {"serviceException": {"messageId": "SVC2001", "text": SVC2001_TEXT}}}
    documented = DOC["paths"][template][method]["responses"]["503"]  # the document says what the server sends
    assert documented["x-nmsgen-exceptions"] == ["SVC2001"]


def create_object(client: httpx.Client, box: str, folder: str, payload: bytes) -> httpx.Response:
    root = {"object": {"parentFolderPath": folder, "attributes": {}, "flags": {"flag": ["\\Seen"]}}}
    return client.post(
        f"{box}/objects",
        files={
            "root-fields": (None, json.dumps(root), "application/json"),
            "attachments": ("", payload, "application/octet-stream"),
        },
    )


@pytest.mark.clause("OMA-COMMON-Exceptions", "OMA-COMMON-RequestError", "OMA-COMMON-ServiceException", "23.282-5.10-R1")
def test_full_disk_answers_503_keeps_the_connection_and_loses_nothing(
    tmp_path: Path, start_server: StartServer
) -> None:
    running: Running
    with start_server(KEYS, folder=tmp_path, store_class=CappedStore) as running:
        store = running.store
        assert isinstance(store, CappedStore)
        db = tmp_path / "store.sqlite"
        box = f"{running.base_url}/{quote(ALICE, safe='')}"
        headers = {"Authorization": f"Bearer {user_token(KEYS, ALICE)}"}
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        with httpx.Client(verify=running.client_context(), headers=headers, limits=limits, timeout=30) as client:
            root = client.get(f"{box}/folders/operations/pathToId")  # creates the box
            assert root.status_code == 200, root.text
            connection = local_address(root)
            store.cap = pages(db) + 40  # about 160 KiB more: a handful of 8 KiB payloads

            acknowledged: dict[str, tuple[str, bytes]] = {}  # object URL -> (folder path, payload)
            refused = None
            for i in range(200):
                payload = secrets.token_bytes(8192)
                r = create_object(client, box, f"/F{i}", payload)  # a new folder each time: more to leave behind
                assert local_address(r) == connection
                if r.status_code != 201:
                    refused = r
                    break
                acknowledged[r.headers["location"]] = (f"/F{i}", payload)
            assert refused is not None, "the capped file never filled up"
            assert len(acknowledged) >= 3
            assert_svc2001(refused, "post", "/{storeName}/{boxId}/objects")

            # while full: more writes are refused whole, on the same connection; a bulk copy of every object
            # into the root folder is refused as a whole too (not item by item)
            again = create_object(client, box, "/Again", b"x" * 8192)
            assert_svc2001(again, "post", "/{storeName}/{boxId}/objects")
            root_url = root.json()["reference"]["resourceURL"]
            refs = [{"resourceURL": u} for u in acknowledged]
            copy = client.post(
                f"{box}/folders/operations/copyToFolder",
                json={
                    "targetSourceRef": {
                        "targetRef": {"resourceURL": root_url},
                        "sourceRefs": {"folders": {"folderReference": []}, "objects": {"objectReference": refs}},
                    }
                },
            )
            assert_svc2001(copy, "post", "/{storeName}/{boxId}/folders/operations/copyToFolder")
            assert local_address(copy) == connection

            # the same connection still serves reads; every acknowledged object is there, whole
            for url, (folder, payload) in acknowledged.items():
                got = client.get(url)
                assert got.status_code == 200, got.text
                assert got.json()["object"]["path"] == f"{folder}/{url.rsplit('/', 1)[1]}"
                content = client.get(f"{url}/payload")
                assert content.status_code == 200 and content.content == payload
                assert local_address(content) == connection

            # and nothing of the refused requests: no object, no folder, no flag beyond the acknowledged ones
            ids = {u.rsplit("/", 1)[1] for u in acknowledged}
            assert {r[0] for r in rows(db, "SELECT id FROM object")} == ids
            assert {r[0] for r in rows(db, "SELECT name FROM folder")} == {
                "",
                *(f[1:] for f, _ in acknowledged.values()),
            }
            assert rows(db, "SELECT count(*) FROM flag") == [(len(ids),)]
            assert rows(db, "PRAGMA integrity_check") == [("ok",)]

            # space freed: writes work again, on the same connection
            store.cap = SQLITE_DEFAULT_MAX_PAGES
            after = create_object(client, box, "/After", b"after")
            assert after.status_code == 201, after.text
            assert client.get(f"{after.headers['location']}/payload").content == b"after"
            assert local_address(after) == connection


# ------------------------------------------------------------------------------------------ an I/O error


def io_error() -> sqlite3.OperationalError:
    exc = sqlite3.OperationalError("disk I/O error")
    exc.sqlite_errorcode = 10  # SQLITE_IOERR, as SQLite reports a failing read or write
    exc.sqlite_errorname = "SQLITE_IOERR"
    return exc


class _FailingConnection:
    """A connection whose statements fail with SQLITE_IOERR while ``failing()``; BEGIN goes through, so the
    failure hits inside a transaction and the ROLLBACK fails as well (the worst case)."""

    def __init__(self, conn: sqlite3.Connection, failing: Callable[[], bool], failed: Callable[[], None]) -> None:
        self._conn, self._failing, self._failed = conn, failing, failed

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        if self._failing() and not sql.startswith("BEGIN"):
            self._failed()
            raise io_error()
        return self._conn.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


class FlakyStore(SqliteStore):
    """The reference store whose disk fails on demand, for the threads ``fail_on`` picks."""

    fail_on: Callable[[str], bool] = staticmethod(lambda thread_name: False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.failures = 0
        self.failed_once = threading.Event()
        super().__init__(*args, **kwargs)

    def _failed(self) -> None:
        self.failures += 1
        self.failed_once.set()

    def _conn(self) -> sqlite3.Connection:
        conn = super()._conn()
        name = threading.current_thread().name
        proxy: Any = _FailingConnection(conn, lambda: self.fail_on(name), self._failed)
        return proxy  # type: ignore[no-any-return]


CTX = Context("myStore", "io", "MCData-7", "io", "https://h/nms/v1/myStore/io")


def new_object(folder: str) -> models.Object:
    return models.Object.model_validate({"parentFolderPath": folder, "attributes": {}, "flags": {"flag": []}})


@pytest.mark.clause("OMA-COMMON-Exceptions", "23.282-5.10-R1")
def test_io_error_is_svc2001_and_the_next_call_works(tmp_path: Path) -> None:
    store = FlakyStore(tmp_path / "s.db")
    try:
        kept = store.create_object(CTX, new_object("/Kept"), Payload(b"kept", "text/plain"))
        assert isinstance(kept, models.Reference)
        store.fail_on = lambda name: True
        for write in (
            lambda: store.create_object(CTX, new_object("/Lost"), Payload(b"lost", "text/plain")),
            lambda: store.set_object_flag(CTX, kept.resourceURL.rsplit("/", 1)[1], "\\Seen"),
            lambda: store.get_object(CTX, kept.resourceURL.rsplit("/", 1)[1]),
        ):
            with pytest.raises(StoreError) as refused:
                write()
            assert (refused.value.exception_id, refused.value.variables) == ("SVC2001", [])
        assert store.failures >= 3
        store.fail_on = lambda name: False
        # the connection whose ROLLBACK failed was replaced: this thread carries on, nothing half-done
        got = store.get_object(CTX, kept.resourceURL.rsplit("/", 1)[1])
        assert got.flags is None or not got.flags.flag
        with pytest.raises(StoreError) as unknown:
            store.get_folder_id_by_path(CTX, "/Lost")
        assert unknown.value.exception_id == "SVC0004"
        assert isinstance(store.create_object(CTX, new_object("/Later"), None), models.Reference)
    finally:
        store.close()


@pytest.fixture
def rec(tmp_path: Path) -> Iterator[Receiver]:
    (tmp_path / "receiver").mkdir()
    with receiver(tmp_path / "receiver") as r:
        yield r


@pytest.mark.clause("OMA-NMS-6.19", "OMA-NMS-5.1.4")
def test_notification_delivery_survives_io_errors(tmp_path: Path, rec: Receiver) -> None:
    settings = NotifySettings(ca_file=rec.ca_file, retry_base=0.05, retry_max=0.2, poll_interval=0.05)
    store = FlakyStore(tmp_path / "s.db", notify=settings)
    try:
        store.create_subscription(
            CTX, models.NmsSubscription.model_validate({"callbackReference": {"notifyURL": rec.url("io")}})
        )
        store.fail_on = lambda name: name.startswith("nms-notify")  # the dispatcher and the senders only
        created = store.create_object(CTX, new_object("/"), None)
        assert isinstance(created, models.Reference)
        assert store.failed_once.wait(30)
        deadline = time.monotonic() + 30
        while store.failures < 5 and time.monotonic() < deadline:  # several rounds fail, the dispatcher lives on
            time.sleep(0.01)
        assert store.failures >= 5 and "io" not in rec.received
        store.fail_on = lambda name: False

        def delivered() -> bool:
            events = [e for n in rec.received.get("io", []) for e in n["nmsEventList"]["nmsEvent"]]
            return any(e.get("changedObject", {}).get("resourceURL") == created.resourceURL for e in events)

        assert rec.wait_for(delivered, 30)
    finally:
        store.close()


# ------------------------------------------------------------------------------------------ start-up


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("pki")
    cert = trustme.CA().issue_cert("localhost", "127.0.0.1")
    cert.private_key_pem.write_to_path(str(d / "server.key"))
    cert.private_key_and_cert_chain_pem.write_to_path(str(d / "server.pem"))
    jwk = jwt.algorithms.ECAlgorithm.to_jwk(KEYS.ec.public_key(), as_dict=True)
    (d / "jwks.json").write_text(json.dumps({"keys": [{**jwk, "kid": "k1", "alg": "ES256", "use": "sig"}]}))
    return {"cert": d / "server.pem", "key": d / "server.key", "jwks": d / "jwks.json"}


@contextmanager
def unwritable(path: Path) -> Iterator[None]:
    """path made read-only for this process: chmod for an ordinary user; root ignores permissions, so as root
    the file or folder is made immutable (chattr +i, undone afterwards), or the test is skipped. Both ways
    give the same line (checked here as root and, through ``unshare --user --map-user=1000``, as a user)."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(path)], capture_output=True, check=False).returncode:
        pytest.skip("running as root without chattr +i: cannot make a file read-only")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


def a_store(path: Path) -> Path:
    SqliteStore(path).close()
    return path


def serve(db: str, cwd: Path, tls: dict[str, Path]) -> tuple[subprocess.CompletedProcess[str], int]:
    """`nmsgen serve` as a user runs it, to the end: these cases are about how the command refuses to start."""
    port = free_port()
    args = ["--db", db, "--port", str(port), "--cert", str(tls["cert"]), "--key", str(tls["key"])]
    r = subprocess.run(
        [sys.executable, "-m", "generator", "serve", *args, "--jwks", str(tls["jwks"])],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return r, port


def golden() -> dict[str, str]:
    lines = GOLDEN.read_text().splitlines() if GOLDEN.exists() else []
    return dict(line.split(" | ", 1) for line in lines if line and not line.startswith("#"))


def write_golden(case: str, line: str) -> None:
    cases = {**golden(), case: line}
    head = "# nmsgen serve on an unusable --db: case | the one line it prints (pytest --regen rewrites)\n"
    GOLDEN.write_text(head + "".join(f"{k} | {v}\n" for k, v in sorted(cases.items())))


def prepare(case: str, folder: Path) -> str:
    """Set the working folder up for a case; the --db argument (relative to it)."""
    if case == "a folder":
        (folder / "store.sqlite").mkdir()
    elif case == "not a database":
        (folder / "store.sqlite").write_text("not SQLite\n" * 200)
    elif case == "missing folder":
        return "nowhere/store.sqlite"
    return "store.sqlite"


def check_one_line(r: subprocess.CompletedProcess[str], port: int, case: str, regen: bool) -> None:
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    if regen:
        write_golden(case, lines[0])
    assert lines[0] == golden().get(case), f"{case}: {lines[0]}; {REGEN_HINT}"
    with pytest.raises(httpx.ConnectError):  # nothing listens
        httpx.get(f"https://127.0.0.1:{port}/", verify=False, timeout=5)


@pytest.mark.slow  # `nmsgen serve` processes
@pytest.mark.parametrize("case", ["a folder", "missing folder", "not a database"])
def test_serve_refuses_an_unusable_store_in_one_line(
    tmp_path: Path, tls: dict[str, Path], case: str, regen: bool
) -> None:
    """A store path that cannot be read as a store: works as root too (no permissions involved)."""
    db = prepare(case, tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    r, port = serve(db, tmp_path, tls)
    check_one_line(r, port, case, regen)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # nothing created


@pytest.mark.slow  # `nmsgen serve` processes
def test_serve_refuses_a_read_only_store_in_one_line(tmp_path: Path, tls: dict[str, Path], regen: bool) -> None:
    a_store(tmp_path / "store.sqlite")
    with unwritable(tmp_path / "store.sqlite"):
        r, port = serve("store.sqlite", tmp_path, tls)
    check_one_line(r, port, "read-only file", regen)


@pytest.mark.slow  # `nmsgen serve` processes
def test_serve_refuses_a_store_in_a_read_only_folder_in_one_line(
    tmp_path: Path, tls: dict[str, Path], regen: bool
) -> None:
    (tmp_path / "ro").mkdir()
    a_store(tmp_path / "ro" / "store.sqlite")
    with unwritable(tmp_path / "ro"):
        r, port = serve("ro/store.sqlite", tmp_path, tls)
    check_one_line(r, port, "read-only folder", regen)


@pytest.mark.slow  # `nmsgen serve` processes
def test_serve_refuses_an_unreadable_store_in_one_line(tmp_path: Path, tls: dict[str, Path], regen: bool) -> None:
    """chmod 0: only for an ordinary user (root reads any file; the folder and not-a-database cases above are
    the unreadable stores root can have). Run as a user e.g. with ``unshare --user --map-user=1000 pytest``."""
    if os.geteuid() == 0:
        pytest.skip("root reads a file whatever its mode: the folder and not-a-database cases cover unreadable")
    path = a_store(tmp_path / "store.sqlite")
    path.chmod(0)
    try:
        r, port = serve("store.sqlite", tmp_path, tls)
    finally:
        path.chmod(0o600)
    check_one_line(r, port, "unreadable file", regen)
