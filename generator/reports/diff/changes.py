"""What a diff report holds: the classified changes, what store implementers must do, the files that differ."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Impact = Literal["breaking", "compatible", "editorial"]
Action = Literal["added", "removed", "changed"]
IMPACTS: tuple[Impact, ...] = ("breaking", "compatible", "editorial")
# report sections, in output order: the element kinds they hold
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Operations", ("resource", "operation")),
    ("Parameters", ("parameter",)),
    ("Request bodies", ("request", "request-rules")),
    ("Responses", ("response",)),
    ("Types and fields", ("type", "field")),
    ("Enumerations", ("enum", "enum-value")),
    ("Exceptions", ("exception",)),
    ("API and auth", ("api", "interface", "scheme", "profile", "rule", "challenge", "setting")),
    ("Clauses", ("clause",)),
    ("Open points", ("open-point",)),
)


@dataclass(frozen=True)
class Change:
    kind: str  # "operation", "field", "enum-value", ...
    key: str  # "operation:CreateThing", "field:Thing.name", "enum-value:Colour.Green"
    action: Action
    impact: Impact
    what: str  # one line for people
    why: str = ""  # the rule that classified it
    clauses: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()  # names that find it in generated files
    # a compatible change our generated client accepts but a strict third-party client may not: what it does
    strict: str = ""

    def sort_key(self) -> tuple[int, str, int, str]:
        section = next(i for i, (_, kinds) in enumerate(SECTIONS) if self.kind in kinds)
        return (section, self.key, IMPACTS.index(self.impact), self.what)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "action": self.action,
            "impact": self.impact,
            "what": self.what,
            "why": self.why,
            "clauses": list(self.clauses),
            "files": list(self.files),
        } | ({"strict_clients": {"impact": "breaking", "why": self.strict}} if self.strict else {})


@dataclass
class StoreDelta:
    """The generated ``MessageStore`` Protocol: the methods implementers must add, change or may drop."""

    add: list[str] = field(default_factory=list)
    change: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.add or self.change or self.remove)


@dataclass
class Report:
    old: str
    new: str
    changes: list[Change]
    store: StoreDelta = field(default_factory=StoreDelta)
    files: list[str] = field(default_factory=list)  # every generated file that differs

    @property
    def breaking(self) -> bool:
        return any(c.impact == "breaking" for c in self.changes)

    def count(self, impact: Impact) -> int:
        return sum(1 for c in self.changes if c.impact == impact)

    @property
    def strict_only(self) -> int:
        """Compatible changes that only the generated (forward-compatible) client is known to accept."""
        return sum(1 for c in self.changes if c.strict)
