"""What a long run is doing: each stage and its time on stderr, once the run has taken longer than a second.

A run that ends sooner prints nothing (the usual case when nothing changed). Past ``after`` seconds the stages
done so far are printed, then each stage as it starts and ends, and the total; a stage still running at that
moment is named, so a user waiting on it knows what for.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, after: float = 1.0, enabled: bool = True) -> None:
        self.stream = stream
        self.after = after
        self.enabled = enabled
        self.start = time.perf_counter()
        self.pending: list[str] = []
        self.shown = False  # past ``after``: lines are printed as they come
        self.current = ""
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None
        if enabled:
            self.timer = threading.Timer(after, self._late)
            self.timer.daemon = True
            self.timer.start()

    def _print(self, line: str) -> None:
        stream = self.stream or sys.stderr
        stream.write(f"nmsgen: {line}\n")
        stream.flush()

    def _late(self) -> None:
        with self.lock:
            if self.shown:
                return
            self.shown = True
            for line in self.pending:
                self._print(line)
            self.pending.clear()
            if self.current:
                self._print(f"{self.current} ...")

    def _say(self, line: str) -> None:
        if not self.enabled:
            return
        with self.lock:
            if not self.shown and time.perf_counter() - self.start >= self.after:
                self.shown = True
                for earlier in self.pending:
                    self._print(earlier)
                self.pending.clear()
            if self.shown:
                self._print(line)
            else:
                self.pending.append(line)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t = time.perf_counter()
        with self.lock:
            self.current = name
            started = self.shown
        if started and self.enabled:
            self._say(f"{name} ...")
        try:
            yield
        finally:
            with self.lock:
                self.current = ""
            self._say(f"{name}: {time.perf_counter() - t:.2f} s")

    def done(self, summary: str = "done") -> None:
        """The total, when the run was long enough to show its stages; stops the timer."""
        if self.timer is not None:
            self.timer.cancel()
        if self.enabled and (self.shown or time.perf_counter() - self.start >= self.after):
            self._say(f"{summary} in {time.perf_counter() - self.start:.2f} s")


QUIET = Progress(enabled=False)
