"""Diagnostics: data, not exceptions; and :class:`Progress`, what a long run is doing.

Every stage reports problems as :class:`Diagnostic` values (code, severity, message, file, line,
column). They are collected, sorted by position and printed as
``path:line:col: error CODE: message``. Any error blocks emission.
The codes are declared once, in :data:`CODES`; a stage may only use a declared code.
"""

from __future__ import annotations

import difflib
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal, TextIO

Severity = Literal["error", "warning"]

# The one registry of diagnostic codes: code -> the rule in one sentence.
CODES: dict[str, str] = {
    "yaml-syntax": "A model file must be well-formed YAML.",
    "yaml-duplicate-key": "A mapping must not repeat a key.",
    "yaml-alias-bomb": "Aliases must not expand a model beyond the node budget.",
    "yaml-too-deep": "Model nesting must stay within the depth limit.",
    "yaml-too-large": "A model file must stay within the size limit.",
    "yaml-unsupported": "Model files use plain YAML: no tags, no complex keys, no multiple documents.",
    "io-error": "Every model file must be readable UTF-8.",
    "schema": "Every model element must have the fields its kind requires, and no others.",
    "duplicate-definition": "A name or id is defined once across the whole model.",
    "unknown-type": "A type reference must name a primitive, a declared type or a declared enum.",
    "unknown-clause": "A clause reference must name a clause of the registry.",
    "unknown-reference": "A reference to a model element (interface, exception, open point, ...) must resolve.",
    "unsafe-identifier": "Names that become code must be ASCII identifiers, not keywords, in the expected case.",
    "unsafe-name": "Ids and names that reach generated code, documents and tests use only their documented characters.",
    "unsafe-path": "A path is '/'-separated URL path segments (letters, digits, '-', '.', '_', '~') and {variables}.",
    "unsafe-package": "api.package is a dotted Python identifier shadowing no standard, dependency or output module.",
    "invalid-version": "api.version is a PEP 440 version (the generated package's distribution version).",
    "invalid-text": "Model text is Unicode text: no control characters but tab and line breaks, no lone surrogates.",
    "duplicate-operation-id": "An operationId is used by one operation only.",
    "undeclared-path-parameter": "Every {variable} in a path is a declared path parameter, and vice versa.",
    "allow-mismatch": "A resource's Allow value lists exactly the methods it defines.",
    "duplicate-method": "A resource defines each HTTP method once.",
    "missing-section": "A model defines its api section.",
    "invalid-value": "A value must be meaningful for its place (statuses, media types, limits).",
    "missing-auth": "Every operation names at least one interface allowed to call it (deny by default).",
    "auth-challenge-missing": "Every failure the generated auth code can raise has its challenge in the model.",
    "auth-rule-missing": "Every requirement of an interface has the validation rule that enforces it.",
    "uncited": "Every operation, type, enum and auth rule cites at least one clause.",
    "root-collision": "A JSON root element name belongs to one type only.",
    "example-invalid": "An example is a valid body of its type (write rules for requests, read rules for responses).",
    "example-status": "A response example names a status its operations answer with, and an error example's "
    "exception is one they answer with under that status.",
    "example-exception": "An error example shows a declared exception as the server writes it: its kind's member, "
    "one variable per %N, the text with them filled in.",
    "answer-variables": "An answer the model fixes gives one value per %N of its exception's text.",
    "openapi-invalid": "The emitted OpenAPI document passes openapi-spec-validator.",
    "overlay-unknown-change": "A change named on the command line has a file spec/changes/<id>.yaml.",
    "overlay-invalid": "A change-request overlay operation has the fields its verb and the change's state need.",
    "overlay-unknown-element": "An overlay replaces or removes only elements that exist.",
    "overlay-duplicate-element": "An overlay adds only elements that do not exist yet.",
    "overlay-mismatch": "An incorporated change holds the model's current values (else it cannot be reverted).",
    "source-unknown": "A diff side is a model folder or a git revision of this repository.",
    "clause-citation": "A test cites, on itself or a pytest.param case, at most 4 clauses it checks, or says why.",
}


@dataclass(frozen=True, order=True)
class Position:
    file: str
    line: int  # 1-based
    column: int  # 1-based

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    position: Position | None = None
    severity: Severity = "error"
    hint: str = ""

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"undeclared diagnostic code {self.code!r}")

    def sort_key(self) -> tuple[str, int, int, str, str]:
        p = self.position
        return (p.file, p.line, p.column, self.code, self.message) if p else ("", 0, 0, self.code, self.message)

    def render(self) -> str:
        where = f"{self.position}: " if self.position else ""
        text = f"{where}{self.severity} {self.code}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


@dataclass
class Diagnostics:
    items: list[Diagnostic] = field(default_factory=list)

    def add(self, d: Diagnostic) -> None:
        self.items.append(d)

    def error(self, code: str, message: str, position: Position | None = None, hint: str = "") -> None:
        self.items.append(Diagnostic(code, message, position, "error", hint))

    def extend(self, other: Diagnostics) -> None:
        self.items.extend(other.items)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        seen: set[tuple[str, int, int, str, str]] = set()
        out = []
        for d in sorted(self.items, key=Diagnostic.sort_key):
            if d.sort_key() not in seen:
                seen.add(d.sort_key())
                out.append(d)
        return out

    def render(self) -> str:
        return "".join(d.render() + "\n" for d in self.sorted())


def suggest(name: str, known: set[str], what: str) -> str:
    """The hint for an unknown name: the closest known one ("did you mean ...?"), else what was expected."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"did you mean {close[0]!r}?" if close else f"expected {what}"


class DiagnosticError(Exception):
    """Raised by a stage that cannot go on; carries what it found."""

    def __init__(self, diagnostics: Diagnostics) -> None:
        super().__init__(diagnostics.render())
        self.diagnostics = diagnostics


# What a long run is doing: each stage and its time on stderr, once the run has taken longer than a second.
# A run that ends sooner prints nothing (the usual case when nothing changed). Past ``after`` seconds the stages
# done so far are printed, then each stage as it starts and ends, and the total; a stage still running at that
# moment is named, so a user waiting on it knows what for.


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
