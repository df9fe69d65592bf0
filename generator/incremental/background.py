"""Work done in a forked child while the run goes on: openapi-spec-validator's verdict on the document, the
longest single step of a regeneration, overlaps the emission of the files (a second core does it).

The child computes, writes its result as JSON to a pipe and exits; :func:`start` returns the function that
waits for it. Where ``fork`` is missing or fails, or the child dies, the work runs in this process when its
result is asked for (a failure then raises here, with its traceback).
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import signal
import weakref
from collections.abc import Callable
from typing import Any


def _inline(fn: Callable[[], Any]) -> Callable[[], Any]:
    done: list[Any] = []

    def result() -> Any:
        if not done:
            done.append(fn())
        return done[0]

    return result


def start(fn: Callable[[], Any], pickled: bool = False) -> Callable[[], Any]:
    """Start ``fn`` (its result JSON data, or any picklable value with ``pickled``: the child is this program,
    forked) in a child; the returned function waits for the result. A result never asked for is dropped: the
    pipe is closed and the child stopped and reaped when the returned function is garbage collected."""
    if not hasattr(os, "fork"):
        return _inline(fn)
    r, w = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(r)
        os.close(w)
        return _inline(fn)
    if pid == 0:  # the child: compute, answer, leave without running the parent's exit handlers
        try:
            os.close(r)
            data = pickle.dumps(fn(), pickle.HIGHEST_PROTOCOL) if pickled else json.dumps({"result": fn()}).encode()
            with os.fdopen(w, "wb") as out:
                out.write(data)
        finally:
            os._exit(0)
    os.close(w)
    state: dict[str, Any] = {"fd": r, "pid": pid}
    done: list[Any] = []

    def result() -> Any:
        if not done:
            with os.fdopen(state.pop("fd"), "rb") as fh:
                data = fh.read()
            os.waitpid(state.pop("pid"), 0)
            try:
                done.append(pickle.loads(data) if pickled else json.loads(data)["result"])  # our own child
            except (ValueError, KeyError, TypeError, EOFError, pickle.UnpicklingError):  # the child failed: work here
                done.append(fn())
        return done[0]

    weakref.finalize(result, _drop, state)
    return result


def balance(cost: dict[str, float]) -> tuple[list[str], list[str]]:
    """The names of ``cost`` shared between this process and a child: the dearest first, each to the side with
    less work so far (greedy: the two loads end within the dearest item's cost of each other)."""
    sides: tuple[list[str], list[str]] = ([], [])
    load = [0.0, 0.0]
    for name in sorted(cost, key=lambda n: (-cost[n], n)):
        side = 0 if load[0] <= load[1] else 1
        sides[side].append(name)
        load[side] += cost[name]
    return sides


def _drop(state: dict[str, Any]) -> None:
    """A result nobody will read: stop the child (its cache entries are whole or absent) and reap it."""
    if "fd" in state:
        os.close(state["fd"])
    if "pid" in state:
        with contextlib.suppress(ProcessLookupError):
            os.kill(state["pid"], signal.SIGTERM)
        os.waitpid(state["pid"], 0)
