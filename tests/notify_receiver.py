"""A notification receiver (the client side of R19, the notifyURL) served by uvicorn over TLS in a thread.

Every POST to ``/notify/{name}`` is recorded under ``name``; ``answer[name]`` is the status it answers
(204 by default, as in TS14 D.64); tests wait on :meth:`Receiver.wait_for` (a condition, no sleeps).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import trustme
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from nmsrun.serve import tls_context

from .support import free_port


@dataclass
class Receiver:
    base_url: str  # https://localhost:PORT/notify
    ca_file: Path  # the CA of the receiver's certificate (the store verifies it)
    received: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    answer: dict[str, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)  # POSTs answered with an error, per name
    hold: dict[str, threading.Event] = field(default_factory=dict)  # answer only once the event is set
    waiting: dict[str, int] = field(default_factory=dict)  # POSTs being held, per name
    held_from: dict[str, list[int]] = field(default_factory=dict)  # the client ports of the held POSTs, per name
    abandoned: dict[str, int] = field(default_factory=dict)  # held POSTs whose sender was gone when released
    changed: threading.Condition = field(default_factory=threading.Condition)

    def __repr__(self) -> str:  # short: hypothesis prints the fixtures of a failing example
        return f"Receiver({self.base_url})"

    def url(self, name: str) -> str:
        return f"{self.base_url}/{name}"

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 60.0) -> bool:
        with self.changed:
            return self.changed.wait_for(predicate, timeout)

    async def _notify(self, request: Request) -> Response:
        name = request.path_params["name"]
        body = await request.json()
        held = self.hold.get(name)
        if held is not None:
            with self.changed:
                self.waiting[name] = self.waiting.get(name, 0) + 1
                self.held_from.setdefault(name, []).append(request.client.port if request.client else 0)
                self.changed.notify_all()
            gone = False
            while not held.is_set() and not gone:  # until released, or the sender is gone (killed meanwhile)
                await anyio.sleep(0.05)
                gone = await request.is_disconnected()
            with self.changed:
                self.waiting[name] -= 1
                if gone:
                    self.abandoned[name] = self.abandoned.get(name, 0) + 1
                    self.changed.notify_all()
            if gone:
                return Response(status_code=503)
        with self.changed:
            status = self.answer.get(name, 204)
            if 200 <= status < 300:
                self.received.setdefault(name, []).append(body)
            else:
                self.refused[name] = self.refused.get(name, 0) + 1
            self.changed.notify_all()
        return Response(status_code=status)


@contextmanager
def receiver(tmp: Path) -> Iterator[Receiver]:
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    cert.private_key_and_cert_chain_pem.write_to_path(str(tmp / "receiver.pem"))
    cert.private_key_pem.write_to_path(str(tmp / "receiver.key"))
    ca.cert_pem.write_to_path(str(tmp / "receiver-ca.pem"))
    port = free_port()
    rec = Receiver(f"https://localhost:{port}/notify", tmp / "receiver-ca.pem")
    app = Starlette(routes=[Route("/notify/{name}", rec._notify, methods=["POST"])])
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    config.load()
    config.ssl = tls_context(tmp / "receiver.pem", tmp / "receiver.key")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield rec
    finally:
        server.should_exit = True
        thread.join(timeout=10)
