"""The generated server on the reference store, served by uvicorn over real TLS in a thread.

Tests reach it through the fixtures of tests/conftest.py: ``running`` (one server per test module, configured by the
module's ``server_options``) and ``start_server`` (more servers inside a test)."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trustme
import uvicorn

from mcdata_store.server import create_app
from nmsrun.serve import MAX_REQUEST_HEAD, tls_context
from refstore import SqliteStore

from .support import Keys, free_port


@dataclass
class Running:
    base_url: str  # https://localhost:PORT/nms/v1/myStore
    ca_file: Path
    store: Any  # SqliteStore or PgStore

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))


@dataclass
class ServerOptions:
    """The server a test module runs (its ``server_options`` fixture): the keys its tokens are signed with, the
    reference store's options (e.g. ``{"notify": NotifySettings(...)}``), the deployment's auth settings (e.g.
    ``all_accounts_scope``, ``mcdata8_operations="deposit"``, ``profile``), and what to do before the server stops
    (close the module's HTTP clients: uvicorn waits for open keep-alive connections)."""

    keys: Keys
    store_options: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    before_stop: Callable[[], None] | None = None


@contextmanager
def https_server(
    tmp: Path,
    signing: Keys,
    store_options: dict[str, Any] | None = None,
    *,
    wrap: Callable[[Any], Any] | None = None,
    store_class: type[SqliteStore] = SqliteStore,
    pg_url: str | None = None,
    **settings: Any,
) -> Iterator[Running]:
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    cert.private_key_and_cert_chain_pem.write_to_path(str(tmp / "server.pem"))
    cert.private_key_pem.write_to_path(str(tmp / "server.key"))
    ca.cert_pem.write_to_path(str(tmp / "ca.pem"))
    store: Any
    if pg_url is not None:  # the PostgreSQL store on a database of the tests' cluster (tests/conftest.py)
        from refstore.pg import PgStore  # noqa: PLC0415

        store = PgStore(pg_url, **(store_options or {}))
    else:
        store = store_class(tmp / "store.sqlite", **(store_options or {}))
    app = create_app(store, signing.settings(**settings))
    if wrap is not None:  # a deliberately broken variant, for tests that must catch it
        app = wrap(app)
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        h11_max_incomplete_event_size=MAX_REQUEST_HEAD,
        timeout_graceful_shutdown=1,  # a client a test left open keeps its connection 1 s at the end, not 10
    )
    config.load()
    config.ssl = tls_context(tmp / "server.pem", tmp / "server.key")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield Running(f"https://localhost:{port}/nms/v1/myStore", tmp / "ca.pem", store)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.close()
