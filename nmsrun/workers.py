"""``nmsgen serve --workers N``: N server processes accepting on one listening socket.

The parent binds the socket, then forks the workers; each opens its own store (its own connections and
notification threads: nothing of the parent's is shared but the socket and the settings) and runs uvicorn on the
socket. The parent says "Uvicorn running" once every worker listens. A worker that dies (``kill -9``, a crash) is
replaced; SIGTERM or SIGINT stops them all. The workers share the database, not memory: a notification is
delivered once across them by the lease each sender claims in the database (``refstore/notify.py``), and a
worker killed mid-delivery leaves its lease to run out, after which any worker takes the work over.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

__all__ = ["serve_workers"]


def listen(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """The one listening socket of every worker, inherited over fork."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def _worker(sock: socket.socket, ready: int, server: Callable[[Callable[[], None]], tuple[Any, Any]]) -> None:
    """In a forked child: its own store and server on the shared socket; writes a byte to ``ready`` once it
    listens. Never returns."""
    code = 0
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)

        def started() -> None:
            os.write(ready, b"!")
            os.close(ready)

        uv_server, store = server(started)
        try:
            uv_server.run(sockets=[sock])
        finally:
            store.close()  # stops the notification threads; an unfinished lease runs out by itself
    except BaseException as exc:  # a worker reports its failure in one line, never a traceback
        if not isinstance(exc, SystemExit | KeyboardInterrupt):
            sys.stderr.write(f"nmsgen serve: worker {os.getpid()}: {exc}\n")
            code = 1
    finally:
        sys.stderr.flush()
        os._exit(code)


def serve_workers(
    sock: socket.socket, count: int, server: Callable[[Callable[[], None]], tuple[Any, Any]], address: str
) -> None:
    """Run ``count`` workers on ``sock`` until SIGTERM/SIGINT; replace the ones that die. ``server(started)``
    makes a worker's uvicorn server and store (in the worker); the server calls ``started()`` once it listens."""
    children: set[int] = set()
    stopping = False
    born: dict[int, float] = {}
    read_end, write_end = os.pipe()

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            _worker(sock, write_end, server)
        children.add(pid)
        born[pid] = time.monotonic()

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(count):
        spawn()
    announced = 0
    while children:
        if announced < count:  # "Uvicorn running" once all workers listen (what a supervisor waits for)
            readable, _, _ = select.select([read_end], [], [], 0.2)
            if readable:
                announced += len(os.read(read_end, 64))
                if announced >= count:
                    # in uvicorn's words, so that what waits for uvicorn's line waits for all workers
                    sys.stderr.write(
                        f"INFO:     Uvicorn running on {address} with {count} workers (Press CTRL+C to quit)\n"
                    )
                    sys.stderr.flush()
        try:
            pid, status = os.waitpid(-1, os.WNOHANG if announced < count else 0)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if pid == 0:
            continue
        children.discard(pid)
        if stopping:
            continue
        sys.stderr.write(f"nmsgen serve: worker {pid} ended ({_how(status)}); starting another\n")
        sys.stderr.flush()
        if time.monotonic() - born.pop(pid, 0.0) < 1.0:
            time.sleep(1.0)  # a worker that cannot start is not restarted in a tight loop
        spawn()
    os.close(read_end)
    os.close(write_end)
    sock.close()


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
