"""Stage 7 — diff: two built models (IR) -> the changes between them, classified for API consumers.

In: the old and the new :class:`~generator.ir.model.Model` (each loaded, overlaid, built and validated by the
normal pipeline) and, optionally, the files each one generates. Out: a :class:`Report` — every change to
clauses, open points, operations, parameters, request bodies, responses, types, fields, enumerations,
exceptions and the auth model, each with the clauses behind it, the generated files it touches and an
impact:

* ``breaking`` — a client or server written against OLD can fail against NEW;
* ``compatible`` — the wire contract grows in a way existing clients and servers accept;
* ``editorial`` — text, citations and open points: no effect on the wire.

Direction matters, so types are classified by where they travel: **request** (client -> store; a
new required field, a removed optional one in a closed type, a narrower constraint or a removed enum
value break clients), **response** (store -> client, and the R19 notification the store sends; a
removed field, a field that becomes optional, a wider constraint or a new enum value break clients —
our own generated client validates enums strictly, so a new value it does not know fails it), or both.
The rules are the methods of ``_Differ`` below, one comparison each. Examples are not compared (they
are documentation, and a changed example that no longer fits its type fails validation anyway).

"The generated files it touches" are the files that differ between the two sides whose changed parts
(a def or class of a Python module; an operation or component of the OpenAPI document) mention the
element: computed from the emitters' output, never from a hand list. The traceability files
(``trace/``), the manifest and the README change with almost anything and are not attributed.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from .. import escape
from ..ir import index
from ..ir import model as m
from ..ir.names import snake

Impact = Literal["breaking", "compatible", "editorial"]
IMPACTS: tuple[Impact, ...] = ("breaking", "compatible", "editorial")
# report sections, in output order: the element kinds they hold
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Operations", ("resource", "operation")),
    ("Parameters", ("parameter",)),
    ("Request bodies", ("request",)),
    ("Responses", ("response",)),
    ("Types and fields", ("type", "field")),
    ("Enumerations", ("enum", "enum-value")),
    ("Exceptions", ("exception",)),
    ("API and auth", ("api", "interface", "scheme", "profile", "rule", "challenge", "setting")),
    ("Clauses", ("clause",)),
    ("Open points", ("open-point",)),
)
NO_FILES = ("trace/", ".nmsgen-manifest", "README.md")  # change with everything; not attributed


@dataclass(frozen=True)
class Change:
    kind: str  # "operation", "field", "enum-value", ...
    key: str  # "operation:CreateThing", "field:Thing.name", "enum-value:Colour.Green"
    action: Literal["added", "removed", "changed"]
    impact: Impact
    what: str  # one line for people
    why: str = ""  # the rule that classified it
    clauses: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()  # names that find it in generated files

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
        }


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


# ---------------------------------------------------------------- comparison


class _Differ:
    def __init__(self, old: m.Model, new: m.Model) -> None:
        self.old, self.new = old, new
        self.dir_old, self.dir_new = index.of(old).directions, index.of(new).directions
        self.out: list[Change] = []

    def add(
        self,
        kind: str,
        key: str,
        action: Literal["added", "removed", "changed"],
        impact: Impact,
        what: str,
        why: str,
        clauses: Sequence[str],
        tokens: tuple[str, ...],
    ) -> None:
        self.out.append(Change(kind, key, action, impact, what, why, tuple(sorted(set(clauses))), (), tokens))

    def direction(self, name: str) -> set[str]:
        return set(self.dir_old.get(name, frozenset()) | self.dir_new.get(name, frozenset()))

    # -------------------------------------------------------- clauses and open points
    def clauses(self) -> None:
        o, n = self.old.clauses, self.new.clauses
        for cid in sorted(set(o) | set(n)):
            tok = (cid,)
            if cid not in n:
                self.add("clause", f"clause:{cid}", "removed", "editorial", f"clause {cid} removed", "", [cid], tok)
            elif cid not in o:
                c = n[cid]
                self.add(
                    "clause",
                    f"clause:{cid}",
                    "added",
                    "editorial",
                    f"clause {cid} added ({c.source} {c.clause}, {c.kind}, {c.status})",
                    "",
                    [cid],
                    tok,
                )
            else:
                a, b = o[cid], n[cid]
                for attr in ("status", "kind", "source", "clause"):
                    va, vb = getattr(a, attr), getattr(b, attr)
                    if va != vb:
                        note = " (FFS resolved)" if attr == "status" and va == "ffs" else ""
                        self.add(
                            "clause",
                            f"clause:{cid}",
                            "changed",
                            "editorial",
                            f"clause {cid} {attr}: {va} -> {vb}{note}",
                            "",
                            [cid],
                            tok,
                        )
                if a.text != b.text:
                    self.add(
                        "clause", f"clause:{cid}", "changed", "editorial", f"clause {cid} text changed", "", [cid], tok
                    )
                if a.evidence != b.evidence:
                    self.add(
                        "clause",
                        f"clause:{cid}",
                        "changed",
                        "editorial",
                        f"clause {cid} evidence changed",
                        "",
                        [cid],
                        tok,
                    )

    def open_points(self) -> None:
        o, n = self.old.open_points, self.new.open_points
        for pid in sorted(set(o) | set(n)):
            key, tok = f"open-point:{pid}", (pid,)
            if pid not in n:
                self.add(
                    "open-point",
                    key,
                    "removed",
                    "editorial",
                    f"open point {pid} removed (closed)",
                    "",
                    o[pid].clauses,
                    tok,
                )
            elif pid not in o:
                self.add(
                    "open-point",
                    key,
                    "added",
                    "editorial",
                    f"open point {pid} added: {n[pid].title}",
                    "",
                    n[pid].clauses,
                    tok,
                )
            else:
                a, b = o[pid], n[pid]
                if a != b:
                    detail = f"status {a.status} -> {b.status}; " if a.status != b.status else ""
                    self.add(
                        "open-point",
                        key,
                        "changed",
                        "editorial",
                        f"open point {pid} {detail}{_textual(a, b)}",
                        "",
                        b.clauses,
                        tok,
                    )

    # -------------------------------------------------------- operations
    def resources(self) -> None:
        o = {r.id: r for r in self.old.resources}
        n = {r.id: r for r in self.new.resources}
        for rid in sorted(set(o) | set(n)):
            key = f"resource:{rid}"
            if rid not in n or rid not in o:
                r = o.get(rid) or n[rid]
                gone = rid not in n
                self.add(
                    "resource",
                    key,
                    "removed" if gone else "added",
                    "breaking" if gone else "compatible",
                    f"resource {rid} ({r.path}) {'removed' if gone else 'added'}",
                    "its URLs answer 404" if gone else "",
                    r.clauses,
                    (r.path,),
                )
                continue
            a, b = o[rid], n[rid]
            if a.path != b.path:
                self.add(
                    "resource",
                    key,
                    "changed",
                    "breaking",
                    f"resource {rid} path: {a.path} -> {b.path}",
                    "clients call the old URL",
                    b.clauses,
                    (a.path, b.path),
                )
            if a.allow != b.allow:
                self.add(
                    "resource",
                    key,
                    "changed",
                    "compatible",
                    f"resource {rid} Allow: {', '.join(a.allow)} -> {', '.join(b.allow)}",
                    "the Allow header of 405 answers follows the methods, which are classified as operations; "
                    "clients do not depend on its value",
                    b.clauses,
                    (b.path,),
                )
            if (a.name, a.description, a.clauses, a.open_points) != (
                b.name,
                b.description,
                b.clauses,
                b.open_points,
            ):
                self.add(
                    "resource",
                    key,
                    "changed",
                    "editorial",
                    f"resource {rid} {_textual(a, b)}",
                    "",
                    b.clauses,
                    (b.path,),
                )

    def operations(self) -> None:
        o = {op.id: op for r in self.old.resources for op in r.operations}
        n = {op.id: op for r in self.new.resources for op in r.operations}
        for oid in sorted(set(o) | set(n)):
            key = f"operation:{oid}"
            tok = (oid, snake(oid))
            if oid not in n:
                op = o[oid]
                self.add(
                    "operation",
                    key,
                    "removed",
                    "breaking",
                    f"operation {oid} removed ({op.method} {op.path})",
                    "a client calling it gets 404/405; a store implementing it keeps dead code",
                    op.clauses,
                    tok,
                )
                continue
            if oid not in o:
                op = n[oid]
                self.add(
                    "operation",
                    key,
                    "added",
                    "compatible",
                    f"operation {oid} added ({op.method} {op.path})",
                    "existing clients do not call it; stores must implement it",
                    op.clauses,
                    tok,
                )
                continue
            self.operation(o[oid], n[oid], key, tok)

    def operation(self, a: m.Operation, b: m.Operation, key: str, tok: tuple[str, ...]) -> None:
        oid = a.id
        cl = b.clauses
        if (a.method, a.path) != (b.method, b.path):
            self.add(
                "operation",
                key,
                "changed",
                "breaking",
                f"operation {oid} moved: {a.method} {a.path} -> {b.method} {b.path}",
                "clients call the old method and path",
                cl,
                tok,
            )
        gone = sorted(set(a.interfaces) - set(b.interfaces))
        new = sorted(set(b.interfaces) - set(a.interfaces))
        if gone:
            self.add(
                "operation",
                key,
                "changed",
                "breaking",
                f"operation {oid}: interface {', '.join(gone)} may no longer call it",
                "changed auth requirement: those callers are now refused",
                cl,
                tok,
            )
        if new:
            self.add(
                "operation",
                key,
                "changed",
                "compatible",
                f"operation {oid}: interface {', '.join(new)} may now call it",
                "existing callers keep their access; stores must accept the new caller",
                cl,
                tok,
            )
        if a.conformance != b.conformance:
            weaker = b.conformance != "mandatory" and a.conformance == "mandatory"
            self.add(
                "operation",
                key,
                "changed",
                "breaking" if weaker else "compatible",
                f"operation {oid} conformance: {a.conformance} -> {b.conformance}",
                "a store may now omit it" if weaker else "stores must now implement it",
                cl,
                tok,
            )
        if a.request_required != b.request_required:
            self.add(
                "operation",
                key,
                "changed",
                "breaking" if b.request_required else "compatible",
                f"operation {oid}: request body required {a.request_required} -> {b.request_required}",
                "clients that send no body are refused" if b.request_required else "a body may be omitted",
                cl,
                tok,
            )
        gone_cb = sorted(set(a.callbacks) - set(b.callbacks))
        new_cb = sorted(set(b.callbacks) - set(a.callbacks))
        for c in gone_cb:
            self.add(
                "operation",
                key,
                "changed",
                "breaking",
                f"operation {oid}: callback {c} removed",
                "subscribers stop receiving it",
                cl,
                tok,
            )
        for c in new_cb:
            self.add("operation", key, "changed", "compatible", f"operation {oid}: callback {c} added", "", cl, tok)
        if any(
            getattr(a, f) != getattr(b, f) for f in ("summary", "description", "clauses", "open_points", "oma_scope")
        ):
            self.add("operation", key, "changed", "editorial", f"operation {oid} {_textual(a, b)}", "", cl, tok)
        self.parameters(a, b, tok)
        self.requests(a, b, tok)
        self.responses(a, b, tok)

    def parameters(self, a: m.Operation, b: m.Operation, tok: tuple[str, ...]) -> None:
        """The operation's own parameters; the base path's (storeName, boxId) are compared once, in ``auth``."""
        base = {p.name for p in [*self.old.api.base_parameters, *self.new.api.base_parameters]}
        o = {p.name: p for p in [*a.path_parameters, *a.query_parameters] if p.name not in base}
        n = {p.name: p for p in [*b.path_parameters, *b.query_parameters] if p.name not in base}
        for name in sorted(set(o) | set(n)):
            key = f"parameter:{a.id}.{name}"
            if name not in n:
                p = o[name]
                self.add(
                    "parameter",
                    key,
                    "removed",
                    "breaking",
                    f"{p.location} parameter {name} of {a.id} removed",
                    "clients that send it are refused or silently ignored",
                    p.clauses or a.clauses,
                    tok,
                )
                continue
            p = n[name]
            if name not in o:
                req = p.required
                self.add(
                    "parameter",
                    key,
                    "added",
                    "breaking" if req else "compatible",
                    f"{'required' if req else 'optional'} {p.location} parameter {name} of {a.id} added",
                    "new required parameter: existing calls lack it" if req else "",
                    p.clauses or b.clauses,
                    tok,
                )
                continue
            q = o[name]
            cl = p.clauses or b.clauses
            if q.location != p.location or q.type != p.type or q.array != p.array:
                self.add(
                    "parameter",
                    key,
                    "changed",
                    "breaking",
                    f"parameter {name} of {a.id}: {_ptype(q)} -> {_ptype(p)}",
                    "clients send the old form",
                    cl,
                    tok,
                )
            if q.required != p.required:
                self.add(
                    "parameter",
                    key,
                    "changed",
                    "breaking" if p.required else "compatible",
                    f"parameter {name} of {a.id}: {'optional -> required' if p.required else 'required -> optional'}",
                    "new required parameter: existing calls lack it" if p.required else "",
                    cl,
                    tok,
                )
            for attr, wider in (("max_length", _wider_max), ("max_items", _wider_max), ("pattern", _same)):
                va, vb = getattr(q, attr), getattr(p, attr)
                if va != vb:
                    ok = wider(va, vb)
                    self.add(
                        "parameter",
                        key,
                        "changed",
                        "compatible" if ok else "breaking",
                        f"parameter {name} of {a.id} {attr}: {va} -> {vb}",
                        "" if ok else "narrowed: values clients send today may be refused",
                        cl,
                        tok,
                    )
            if q.description != p.description or q.clauses != p.clauses:
                self.add(
                    "parameter", key, "changed", "editorial", f"parameter {name} of {a.id} text changed", "", cl, tok
                )

    def requests(self, a: m.Operation, b: m.Operation, tok: tuple[str, ...]) -> None:
        o = {x.media: x for x in a.request}
        n = {x.media: x for x in b.request}
        for media in sorted(set(o) | set(n)):
            key = f"request:{a.id}.{media}"
            if media not in n:
                self.add(
                    "request",
                    key,
                    "removed",
                    "breaking",
                    f"request body {media} of {a.id} removed",
                    "clients sending it are refused",
                    b.clauses,
                    tok,
                )
            elif media not in o:
                self.add(
                    "request",
                    key,
                    "added",
                    "compatible",
                    f"request body {media} of {a.id} added",
                    "",
                    b.clauses,
                    tok,
                )
            elif _body_shape(o[media]) != _body_shape(n[media]):
                self.add(
                    "request",
                    key,
                    "changed",
                    "breaking",
                    f"request body {media} of {a.id}: {_body_shape(o[media])} -> {_body_shape(n[media])}",
                    "clients send the old body",
                    b.clauses,
                    tok,
                )

    def responses(self, a: m.Operation, b: m.Operation, tok: tuple[str, ...]) -> None:
        o = {r.status: r for r in a.responses}
        n = {r.status: r for r in b.responses}
        for status in sorted(set(o) | set(n)):
            key = f"response:{a.id}.{status}"
            if status not in n:
                r = o[status]
                self.add(
                    "response",
                    key,
                    "removed",
                    "breaking",
                    f"response {status} of {a.id} removed",
                    "changed status code: clients expecting it see another",
                    r.clauses or a.clauses,
                    tok,
                )
                continue
            r = n[status]
            cl = r.clauses or b.clauses
            if status not in o:
                success = status < 400
                self.add(
                    "response",
                    key,
                    "added",
                    "breaking" if success else "compatible",
                    f"response {status} of {a.id} added",
                    "changed status code: a success clients do not expect"
                    if success
                    else "a documented failure; clients handle error statuses generically",
                    cl,
                    tok,
                )
                continue
            q = o[status]
            qb = {x.media: _body_shape(x) for x in q.bodies}
            rb = {x.media: _body_shape(x) for x in r.bodies}
            for media in sorted(set(qb) | set(rb)):
                if media not in rb:
                    self.add(
                        "response",
                        key,
                        "changed",
                        "breaking",
                        f"response {status} of {a.id}: body {media} removed",
                        "clients read a body that is no longer sent",
                        cl,
                        tok,
                    )
                elif media not in qb:
                    self.add(
                        "response",
                        key,
                        "changed",
                        "breaking",
                        f"response {status} of {a.id}: body {media} added",
                        "clients receive a media type they do not parse",
                        cl,
                        tok,
                    )
                elif qb[media] != rb[media]:
                    self.add(
                        "response",
                        key,
                        "changed",
                        "breaking",
                        f"response {status} of {a.id}: body {qb[media]} -> {rb[media]}",
                        "clients parse the old body",
                        cl,
                        tok,
                    )
            for h in sorted(set(q.headers) | set(r.headers)):
                if h not in r.headers:
                    self.add(
                        "response",
                        key,
                        "changed",
                        "breaking",
                        f"response {status} of {a.id}: header {h} removed",
                        "clients read it",
                        cl,
                        tok,
                    )
                elif h not in q.headers:
                    self.add(
                        "response",
                        key,
                        "changed",
                        "compatible",
                        f"response {status} of {a.id}: header {h} added",
                        "",
                        cl,
                        tok,
                    )
            if q.exceptions != r.exceptions:
                self.add(
                    "response",
                    key,
                    "changed",
                    "compatible",
                    f"response {status} of {a.id}: exceptions {', '.join(q.exceptions) or '-'} -> "
                    f"{', '.join(r.exceptions) or '-'}",
                    "error bodies keep their shape",
                    cl,
                    tok,
                )
            if q.description != r.description or q.clauses != r.clauses:
                self.add(
                    "response", key, "changed", "editorial", f"response {status} of {a.id} text changed", "", cl, tok
                )

    # -------------------------------------------------------- types, fields, enums, exceptions
    def types(self) -> None:
        o, n = self.old.types, self.new.types
        for name in sorted(set(o) | set(n)):
            key, tok = f"type:{name}", (name,)
            if name not in n:
                used = bool(self.dir_old.get(name))
                self.add(
                    "type",
                    key,
                    "removed",
                    "breaking" if used else "compatible",
                    f"type {name} removed",
                    "bodies of this type are no longer understood" if used else "it was not used by any operation",
                    o[name].clauses,
                    tok,
                )
                continue
            if name not in o:
                self.add("type", key, "added", "compatible", f"type {name} added", "", n[name].clauses, tok)
                continue
            self.type(o[name], n[name], key, tok)

    def type(self, a: m.Type, b: m.Type, key: str, tok: tuple[str, ...]) -> None:
        name, cl = a.name, b.clauses
        d = self.direction(name)
        for attr in ("kind", "base", "root"):
            if getattr(a, attr) != getattr(b, attr):
                self.add(
                    "type",
                    key,
                    "changed",
                    "breaking",
                    f"type {name} {attr}: {getattr(a, attr)} -> {getattr(b, attr)}",
                    "the JSON shape changes",
                    cl,
                    tok,
                )
        for attr, wider in (("max_length", _wider_max), ("pattern", _same)):
            va, vb = getattr(a, attr), getattr(b, attr)
            if va != vb:
                self.add(
                    "type",
                    key,
                    "changed",
                    _narrowing(d, wider(va, vb)),
                    f"type {name} {attr}: {va} -> {vb}",
                    _narrowing_why(d, wider(va, vb)),
                    cl,
                    tok,
                )
        if a.closed != b.closed:
            opened = not b.closed
            impact: Impact = (
                ("breaking" if "response" in d else "compatible")
                if opened
                else ("breaking" if "request" in d else "compatible")
            )
            self.add(
                "type",
                key,
                "changed",
                impact,
                f"type {name} additionalProperties: {'closed -> open' if opened else 'open -> closed'}",
                "strict clients meet unknown members" if opened else "clients sending extra members are refused",
                cl,
                tok,
            )
        if a.choices != b.choices:
            self.add(
                "type",
                key,
                "changed",
                "breaking",
                f"type {name} choice groups changed",
                "which members may appear together changes",
                cl,
                tok,
            )
        if a.description != b.description or a.clauses != b.clauses:
            self.add("type", key, "changed", "editorial", f"type {name} text changed", "", cl, tok)
        fo = {f.name: f for f in a.fields}
        fn = {f.name: f for f in b.fields}
        for fname in sorted(set(fo) | set(fn)):
            self.field(name, d, fname, fo.get(fname), fn.get(fname), a.closed, cl)

    def field(
        self,
        tname: str,
        d: set[str],
        fname: str,
        a: m.Field | None,
        b: m.Field | None,
        closed: bool,
        type_clauses: Sequence[str],
    ) -> None:
        """A field cites its own clauses, or else its type's."""
        key, tok = f"field:{tname}.{fname}", (tname,)
        if a is not None and not a.clauses:
            a = dataclasses.replace(a, clauses=tuple(type_clauses))
        if b is not None and not b.clauses:
            b = dataclasses.replace(b, clauses=tuple(type_clauses))
        label = f"field {tname}.{fname}"
        if b is None:
            assert a is not None
            dirs = _field_dirs(d, a)
            breaking = "response" in dirs or ("request" in dirs and closed)
            self.add(
                "field",
                key,
                "removed",
                "breaking" if breaking else "compatible",
                f"{label} removed",
                "removed response field: clients read it"
                if "response" in dirs
                else "clients still send it and the closed type refuses it"
                if breaking
                else "",
                a.clauses,
                tok,
            )
            return
        if a is None:
            dirs = _field_dirs(d, b)
            breaking = b.required and "request" in dirs
            self.add(
                "field",
                key,
                "added",
                "breaking" if breaking else "compatible",
                f"{'required' if b.required else 'optional'} {label} added",
                "new required request field: clients do not send it"
                if breaking
                else "a new required response field is compatible: clients ignore what they do not read"
                if b.required
                else "",
                b.clauses,
                tok,
            )
            return
        dirs = _field_dirs(d, a) | _field_dirs(d, b)
        cl = b.clauses
        if (a.type, a.array) != (b.type, b.array):
            self.add(
                "field",
                key,
                "changed",
                "breaking",
                f"{label}: {_ftype(a)} -> {_ftype(b)}",
                "the member's JSON type changes",
                cl,
                tok,
            )
        if a.required != b.required:
            if b.required:  # optional -> required
                impact: Impact = "breaking" if "request" in dirs else "compatible"
                why = (
                    "new required request field"
                    if impact == "breaking"
                    else "always sent now; clients that read it still work"
                )
            else:
                impact = "breaking" if "response" in dirs else "compatible"
                why = "clients may rely on it being present" if impact == "breaking" else "clients may omit it now"
            self.add(
                "field",
                key,
                "changed",
                impact,
                f"{label}: {'optional -> required' if b.required else 'required -> optional'}",
                why,
                cl,
                tok,
            )
        if a.access != b.access:
            self.add(
                "field",
                key,
                "changed",
                "breaking",
                f"{label} access: {a.access} -> {b.access}",
                "who may send or read it changes",
                cl,
                tok,
            )
        if a.nullable != b.nullable:
            impact = (
                ("breaking" if "response" in dirs else "compatible")
                if b.nullable
                else ("breaking" if "request" in dirs else "compatible")
            )
            self.add(
                "field",
                key,
                "changed",
                impact,
                f"{label} nullable: {a.nullable} -> {b.nullable}",
                "null now appears in answers" if b.nullable else "clients sending null are refused",
                cl,
                tok,
            )
        for attr, wider in (
            ("max_length", _wider_max),
            ("max_items", _wider_max),
            ("min_items", _wider_min),
            ("pattern", _same),
        ):
            va, vb = getattr(a, attr), getattr(b, attr)
            if va != vb:
                w = wider(va, vb)
                self.add(
                    "field",
                    key,
                    "changed",
                    _narrowing(dirs, w),
                    f"{label} {attr}: {va} -> {vb}",
                    _narrowing_why(dirs, w),
                    cl,
                    tok,
                )
        if a.default != b.default:
            self.add(
                "field",
                key,
                "changed",
                "breaking",
                f"{label} default: {a.default} -> {b.default}",
                "an omitted member now means something else",
                cl,
                tok,
            )
        if a.description != b.description or a.clauses != b.clauses:
            self.add("field", key, "changed", "editorial", f"{label} text changed", "", cl, tok)

    def enums(self) -> None:
        o, n = self.old.enums, self.new.enums
        for name in sorted(set(o) | set(n)):
            key, tok = f"enum:{name}", (name,)
            if name not in n:
                used = bool(self.dir_old.get(name))
                self.add(
                    "enum",
                    key,
                    "removed",
                    "breaking" if used else "compatible",
                    f"enumeration {name} removed",
                    "values of it are no longer understood" if used else "it was not used",
                    o[name].clauses,
                    tok,
                )
                continue
            if name not in o:
                self.add("enum", key, "added", "compatible", f"enumeration {name} added", "", n[name].clauses, tok)
                continue
            d = self.direction(name)
            va = [v.value for v in o[name].values]
            vb = [v.value for v in n[name].values]
            cl = n[name].clauses
            for v in sorted(set(va) - set(vb)):
                breaking = "request" in d or not d
                self.add(
                    "enum-value",
                    f"enum-value:{name}.{v}",
                    "removed",
                    "breaking" if breaking else "compatible",
                    f"value {v} of {name} removed",
                    "narrowed enumeration: clients sending it are refused"
                    if breaking
                    else "only the store sends it: clients never see it again",
                    cl,
                    tok,
                )
            for v in sorted(set(vb) - set(va)):
                breaking = "response" in d
                self.add(
                    "enum-value",
                    f"enum-value:{name}.{v}",
                    "added",
                    "breaking" if breaking else "compatible",
                    f"value {v} of {name} added",
                    "a new value in answers fails strict clients (the generated client validates enums)"
                    if breaking
                    else "clients may send it; stores must accept it",
                    cl,
                    tok,
                )
            if o[name].description != n[name].description or o[name].clauses != cl:
                self.add("enum", key, "changed", "editorial", f"enumeration {name} text changed", "", cl, tok)

    def exceptions(self) -> None:
        o, n = self.old.exceptions, self.new.exceptions
        for eid in sorted(set(o) | set(n)):
            key, tok = f"exception:{eid}", (eid,)
            if eid not in n:
                self.add(
                    "exception",
                    key,
                    "removed",
                    "compatible",
                    f"exception {eid} removed",
                    "no longer answered",
                    o[eid].clauses,
                    tok,
                )
            elif eid not in o:
                self.add(
                    "exception",
                    key,
                    "added",
                    "compatible",
                    f"exception {eid} added",
                    "a new failure reason in the same requestError body",
                    n[eid].clauses,
                    tok,
                )
            else:
                a, b = o[eid], n[eid]
                if a.http_status != b.http_status:
                    self.add(
                        "exception",
                        key,
                        "changed",
                        "breaking",
                        f"exception {eid} status: {a.http_status} -> {b.http_status}",
                        "changed status code",
                        b.clauses,
                        tok,
                    )
                if (a.text, a.variables, a.kind) != (b.text, b.variables, b.kind):
                    self.add(
                        "exception", key, "changed", "editorial", f"exception {eid} text changed", "", b.clauses, tok
                    )

    # -------------------------------------------------------- auth
    def auth(self) -> None:
        a, b = self.old.auth, self.new.auth
        self.named("interface", {i.name: i for i in a.interfaces}, {i.name: i for i in b.interfaces}, self.interface)
        self.named("scheme", a.schemes, b.schemes, self.scheme)
        self.named("profile", {p.name: p for p in a.profiles}, {p.name: p for p in b.profiles}, None)
        self.named("rule", {r.id: r for r in a.validation}, {r.id: r for r in b.validation}, self.rule)
        self.named("challenge", {c.id: c for c in a.challenges}, {c.id: c for c in b.challenges}, self.challenge)
        for name in sorted(set(a.settings) | set(b.settings)):
            key = f"setting:{name}"
            if name not in b.settings:
                self.add(
                    "setting",
                    key,
                    "removed",
                    "compatible",
                    f"deployment setting {name} removed",
                    "operators drop it",
                    b.clauses,
                    (name,),
                )
            elif name not in a.settings:
                self.add(
                    "setting",
                    key,
                    "added",
                    "compatible",
                    f"deployment setting {name} added",
                    "operators configure it; the API does not change",
                    b.clauses,
                    (name,),
                )
            else:
                self.setting(name, a.settings[name], b.settings[name], b.clauses)
        if a.clauses != b.clauses:
            self.add(
                "api",
                "section:auth",
                "changed",
                "editorial",
                f"auth section clauses {_delta(a.clauses, b.clauses)}",
                "",
                b.clauses,
                (),
            )
        ob = {p.name: p for p in self.old.api.base_parameters}
        nb = {p.name: p for p in self.new.api.base_parameters}
        for name in sorted(set(ob) | set(nb)):
            key = f"base-parameter:{name}"
            if name not in nb or name not in ob:
                self.add(
                    "api",
                    key,
                    "removed" if name not in nb else "added",
                    "breaking",
                    f"base path parameter {name} {'removed' if name not in nb else 'added'}",
                    "every URL changes",
                    self.new.api.clauses,
                    (name,),
                )
            elif (ob[name].type, ob[name].pattern, ob[name].max_length) != (
                nb[name].type,
                nb[name].pattern,
                nb[name].max_length,
            ):
                self.add(
                    "api",
                    key,
                    "changed",
                    "breaking",
                    f"base path parameter {name} type or limits changed",
                    "values clients send today may be refused",
                    nb[name].clauses,
                    (name,),
                )
            elif ob[name] != nb[name]:
                self.add(
                    "api",
                    key,
                    "changed",
                    "editorial",
                    f"base path parameter {name} {_textual(ob[name], nb[name])}",
                    "",
                    nb[name].clauses,
                    (name,),
                )
        if (self.old.api.base_path, self.old.api.server_url) != (self.new.api.base_path, self.new.api.server_url):
            self.add(
                "api",
                "api",
                "changed",
                "breaking",
                f"base path {self.old.api.base_path} -> {self.new.api.base_path}",
                "every URL changes",
                self.new.api.clauses,
                (),
            )
        self.api_defaults()

    def api_defaults(self) -> None:
        """Default limits and the responses every operation documents (the api section)."""
        a, b = self.old.api, self.new.api
        cl = b.clauses
        for attr in (f.name for f in dataclasses.fields(m.Limits)):
            va, vb = getattr(a.limits, attr), getattr(b.limits, attr)
            if va != vb:
                both = {"request", "response"}  # a default limit applies wherever a field sets none
                self.add(
                    "api",
                    "section:api",
                    "changed",
                    _narrowing(both, _wider_max(va, vb)),
                    f"default {attr} limit: {va} -> {vb}",
                    _narrowing_why(both, _wider_max(va, vb)),
                    cl,
                    (),
                )
        common_a = {r.status: r for r in [*a.common_responses, a.method_not_allowed]}
        common_b = {r.status: r for r in [*b.common_responses, b.method_not_allowed]}
        for status in sorted(set(common_a) | set(common_b)):
            if status not in common_b:
                self.add(
                    "api",
                    "section:api",
                    "changed",
                    "breaking",
                    f"common response {status} removed",
                    "changed status code on every operation",
                    cl,
                    (),
                )
            elif status not in common_a:
                self.add(
                    "api",
                    "section:api",
                    "changed",
                    "breaking" if status < 400 else "compatible",
                    f"common response {status} added",
                    "" if status >= 400 else "a success clients do not expect",
                    cl,
                    (),
                )
            elif common_a[status].bodies != common_b[status].bodies:
                self.add(
                    "api",
                    "section:api",
                    "changed",
                    "breaking",
                    f"common response {status}: body changed",
                    "clients parse the old body",
                    cl,
                    (),
                )
        if (a.title, a.version, a.description) != (b.title, b.version, b.description):
            self.add(
                "api",
                "section:api",
                "changed",
                "editorial",
                f"api {'version ' + a.version + ' -> ' + b.version if a.version != b.version else 'text changed'}",
                "",
                cl,
                (),
            )

    _ADDED_IMPACT: dict[str, tuple[Impact, str]] = {  # noqa: RUF012 - a table, read only
        "interface": ("compatible", "a new kind of caller; existing callers keep their access"),
        "scheme": ("compatible", "a new way to authenticate; existing tokens keep working"),
        "profile": ("compatible", "a new validation profile a deployment may choose"),
        "rule": ("breaking", "changed auth requirement: tokens accepted today may be refused"),
        "challenge": ("compatible", "a new documented failure answer"),
    }
    _REMOVED_IMPACT: dict[str, tuple[Impact, str]] = {  # noqa: RUF012
        "interface": ("breaking", "changed auth requirement: its callers are refused"),
        "scheme": ("breaking", "tokens of this scheme are refused"),
        "profile": ("breaking", "deployments using it must change"),
        "rule": ("compatible", "token validation becomes more lenient (review the security impact)"),
        "challenge": ("compatible", "a failure answer is no longer documented"),
    }

    def named(self, kind: str, o: dict[str, Any], n: dict[str, Any], compare: Any) -> None:
        for name in sorted(set(o) | set(n)):
            key, tok = f"{kind}:{name}", (f'"{name}"', f"'{name}'")
            if name not in n:
                impact, why = self._REMOVED_IMPACT[kind]
                self.add(kind, key, "removed", impact, f"{kind} {name} removed", why, o[name].clauses, tok)
            elif name not in o:
                impact, why = self._ADDED_IMPACT[kind]
                if kind == "rule" and n[name].check == "interface" and len(self.old.auth.interfaces) < 2:
                    impact, why = (
                        "compatible",
                        "it tells interfaces apart; OLD had one interface, whose tokens still pass",
                    )
                self.add(kind, key, "added", impact, f"{kind} {name} added", why, n[name].clauses, tok)
            else:
                if compare is not None:
                    compare(o[name], n[name], key, tok)
                skip = {"description", "caller", "rule", "condition", "clauses", "open_points"}
                fields = [f.name for f in dataclasses.fields(n[name])]
                if any(f in skip and getattr(o[name], f) != getattr(n[name], f) for f in fields):
                    self.add(
                        kind,
                        key,
                        "changed",
                        "editorial",
                        f"{kind} {name} {_textual(o[name], n[name])}",
                        "",
                        n[name].clauses,
                        tok,
                    )

    def interface(self, a: m.Interface, b: m.Interface, key: str, tok: tuple[str, ...]) -> None:
        for attr in ("scheme", "required_scopes", "box_binding", "box_claim"):
            va, vb = getattr(a, attr), getattr(b, attr)
            if va != vb:
                self.add(
                    "interface",
                    key,
                    "changed",
                    "breaking",
                    f"interface {a.name} {attr}: {_shown(va)} -> {_shown(vb)}",
                    "changed auth requirement",
                    b.clauses,
                    tok,
                )
        more = sorted(set(b.required_claims) - set(a.required_claims))
        less = sorted(set(a.required_claims) - set(b.required_claims))
        if more:
            self.add(
                "interface",
                key,
                "changed",
                "breaking",
                f"interface {a.name} requires claims {', '.join(more)}",
                "tokens without them are refused",
                b.clauses,
                tok,
            )
        if less:
            self.add(
                "interface",
                key,
                "changed",
                "compatible",
                f"interface {a.name} no longer requires {', '.join(less)}",
                "",
                b.clauses,
                tok,
            )
        if a.operations_setting != b.operations_setting:
            self.add(
                "interface",
                key,
                "changed",
                "compatible",
                f"interface {a.name} operations setting: {a.operations_setting or '-'} -> "
                f"{b.operations_setting or '-'}",
                "which deployment setting may restrict the interface",
                b.clauses,
                tok,
            )
        for name in sorted(set(a.operation_sets) | set(b.operation_sets)):
            old_ops = set(a.operation_sets[name].operations) if name in a.operation_sets else set()
            new_ops = set(b.operation_sets[name].operations) if name in b.operation_sets else set()
            if name not in b.operation_sets or old_ops - new_ops:
                gone = "removed" if name not in b.operation_sets else f"loses {', '.join(sorted(old_ops - new_ops))}"
                self.add(
                    "interface",
                    key,
                    "changed",
                    "breaking",
                    f"interface {a.name} operation set {name} {gone}",
                    "deployments restricted to the set lose operations (or fail to start)",
                    b.clauses,
                    tok,
                )
            elif name not in a.operation_sets or new_ops - old_ops:
                what = "added" if name not in a.operation_sets else f"gains {', '.join(sorted(new_ops - old_ops))}"
                self.add(
                    "interface",
                    key,
                    "changed",
                    "compatible",
                    f"interface {a.name} operation set {name} {what}",
                    "a deployment may restrict the interface to it",
                    b.clauses,
                    tok,
                )

    def setting(self, name: str, sa: m.Setting, sb: m.Setting, clauses: Sequence[str]) -> None:
        key, tok = f"setting:{name}", (name,)
        removed = [v for v in sa.values if v not in sb.values] if sb.values else []
        if removed:
            self.add(
                "setting",
                key,
                "changed",
                "breaking",
                f"deployment setting {name} no longer takes {', '.join(map(str, removed))}",
                "a store configured with a removed value does not start",
                clauses,
                tok,
            )
        for attr, why in (
            ("default", "deployments that keep the default change behaviour; set it to keep the old one"),
            ("when_empty", "what an empty value means changes"),
        ):
            va, vb = getattr(sa, attr), getattr(sb, attr)
            if va != vb:
                self.add(
                    "setting", key, "changed", "compatible", f"deployment setting {name} {attr}: {va} -> {vb}", why,
                    clauses, tok,
                )  # fmt: skip
        if (sa.description, sa.open_points) != (sb.description, sb.open_points):
            self.add("setting", key, "changed", "editorial", f"deployment setting {name} described differently", "",
                     clauses, tok)  # fmt: skip

    def scheme(self, a: m.Scheme, b: m.Scheme, key: str, tok: tuple[str, ...]) -> None:
        for attr in ("type", "bearer_format", "token_url", "scopes"):
            va, vb = getattr(a, attr), getattr(b, attr)
            if va != vb:
                self.add(
                    "scheme",
                    key,
                    "changed",
                    "breaking",
                    f"scheme {key.split(':', 1)[1]} {attr}: {va} -> {vb}",
                    "clients obtain or present tokens differently",
                    b.clauses,
                    tok,
                )

    def rule(self, a: m.ValidationRule, b: m.ValidationRule, key: str, tok: tuple[str, ...]) -> None:
        for attr in ("check", "parameters", "profiles"):
            va, vb = getattr(a, attr), getattr(b, attr)
            if va != vb:
                self.add(
                    "rule",
                    key,
                    "changed",
                    "breaking",
                    f"auth rule {a.id} {attr}: {_short(va)} -> {_short(vb)}",
                    "changed auth requirement: which tokens pass changes",
                    b.clauses,
                    tok,
                )

    def challenge(self, a: m.Challenge, b: m.Challenge, key: str, tok: tuple[str, ...]) -> None:
        for attr in ("status", "www_authenticate", "exception", "applies_to", "variant_of", "when"):
            va, vb = getattr(a, attr), getattr(b, attr)
            if va != vb:
                self.add(
                    "challenge",
                    key,
                    "changed",
                    "breaking",
                    f"auth challenge {a.id} {attr}: {va} -> {vb}",
                    "changed status code or challenge: clients react to the old answer",
                    b.clauses,
                    tok,
                )

    def run(self) -> list[Change]:
        self.clauses()
        self.open_points()
        self.resources()
        self.operations()
        self.types()
        self.enums()
        self.exceptions()
        self.auth()
        return self.out


def _ptype(p: m.Parameter) -> str:
    return f"{p.location} {p.type}{'[]' if p.array else ''}"


def _ftype(f: m.Field) -> str:
    return f"{f.type}{'[]' if f.array else ''}"


def _delta(a: Sequence[str], b: Sequence[str]) -> str:
    """'+X -Y' for two lists of ids."""
    plus = [f"+{x}" for x in b if x not in a]
    minus = [f"-{x}" for x in a if x not in b]
    return " ".join(plus + minus) or "reordered"


_TEXT_FIELDS = (
    "name",
    "caller",
    "summary",
    "description",
    "title",
    "question",
    "chosen",
    "alternatives",
    "sources",
    "rule",
    "condition",
    "text",
    "evidence",
    "oma_scope",
)


def _textual(a: Any, b: Any) -> str:
    """What changed in the text and citations of two versions of an element: 'clauses +X; description'."""
    parts = []
    for f in ("clauses", "open_points", "affects"):
        va, vb = getattr(a, f, None), getattr(b, f, None)
        if va != vb and isinstance(va, tuple) and isinstance(vb, tuple):
            parts.append(f"{f.replace('_', ' ')} {_delta(va, vb)}")
    changed = [f for f in _TEXT_FIELDS if getattr(a, f, None) != getattr(b, f, None)]
    if changed:
        parts.append(", ".join(changed) + " changed")
    return "; ".join(parts)


def _shown(v: object) -> object:
    """A value as the model writes it (a list, not the IR's tuple)."""
    return list(v) if isinstance(v, tuple) else v


def _short(v: Any) -> str:
    return json.dumps(v, sort_keys=True) if not isinstance(v, str) else v


def _body_shape(b: m.Body) -> str:
    parts = ",".join(f"{p.name}:{p.type or p.media}{'?' if not p.required else ''}" for p in b.parts)
    return f"{b.type or b.media}" + (f"[{parts}]" if parts else "")


def _wider_max(a: int | None, b: int | None) -> bool:
    """True when limit b accepts everything limit a accepted (None = no limit)."""
    return b is None or (a is not None and b >= a)


def _wider_min(a: int | None, b: int | None) -> bool:
    return b is None or (a is not None and b <= a)


def _same(a: object, b: object) -> bool:
    return a == b  # a changed pattern is never known to be wider


def _field_dirs(d: set[str], f: m.Field) -> set[str]:
    if f.access == "read-only":
        return d & {"response"}
    if f.access == "write-only":
        return d & {"request"}
    return d


def _narrowing(d: set[str], wider: bool) -> Impact:
    """Wider limits break readers (responses), narrower ones break writers (requests)."""
    if wider:
        return "breaking" if "response" in d else "compatible"
    return "breaking" if "request" in d or not d else "compatible"


def _narrowing_why(d: set[str], wider: bool) -> str:
    if wider:
        return "wider values in answers may fail strict clients" if "response" in d else "accepts more"
    return "narrowed: values clients send today may be refused" if "request" in d or not d else "answers stay within"


# ---------------------------------------------------------------- generated files and the store interface


def _python_units(text: str) -> dict[str, str]:
    """Each line of a module belongs to its innermost def or class (or the module): name -> those lines."""
    lines = text.splitlines()
    owner = ["(module)"] * len(lines)

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                start = min([child.lineno] + [d.lineno for d in child.decorator_list])
                for i in range(start - 1, child.end_lineno or child.lineno):
                    owner[i] = name
                visit(child, name + ".")

    visit(ast.parse(text), "")
    units: dict[str, list[str]] = {}
    for name, line in zip(owner, lines, strict=True):
        units.setdefault(name, []).append(line)
    return {k: "\n".join(v) for k, v in units.items()}


_CSafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where present


def _document_units(doc: Any) -> dict[str, str]:
    """An OpenAPI document as units: each operation, each component, and the rest."""
    units: dict[str, str] = {}
    rest = dict(doc)
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            units[f"{method} {path}"] = json.dumps(op, sort_keys=True)
    for section, entries in doc.get("components", {}).items():
        for name, value in entries.items():
            units[f"{section} {name}"] = f"{name} " + json.dumps(value, sort_keys=True)
    rest.pop("paths", None)
    rest.pop("components", None)
    units["(document)"] = json.dumps(rest, sort_keys=True)
    return units


def _units(path: str, text: str) -> dict[str, str]:
    if path.endswith(".py"):
        return _python_units(text)
    if path.endswith(".json"):
        return _document_units(json.loads(text))
    if path.endswith((".yaml", ".yml")):
        return _document_units(yaml.load(text, Loader=_CSafeLoader))
    return {"(file)": text}


def changed_units(old: str | None, new: str | None, path: str) -> list[str]:
    """The text of every unit (def, class, operation, schema) that differs between two versions of a file."""
    a = _units(path, old) if old is not None else {}
    b = _units(path, new) if new is not None else {}
    return [f"{k}\n{a.get(k, '')}\n{b.get(k, '')}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]


def _mentions(text: str, token: str) -> bool:
    if token[:1] in "\"'":
        return token in text
    return re.search(rf"(?<![\w-]){re.escape(token)}(?![\w-])", text) is not None


def store_delta(old: m.Model, new: m.Model) -> StoreDelta:
    """What implementers of the generated ``MessageStore`` must add, change or may drop (the index knows each
    method's signature as ``store.py`` declares it)."""
    a, b = index.of(old).store_methods, index.of(new).store_methods
    return StoreDelta(
        add=[b[k] for k in sorted(set(b) - set(a))],
        change=[f"{a[k]}  =>  {b[k]}" for k in sorted(set(a) & set(b)) if a[k] != b[k]],
        remove=[a[k] for k in sorted(set(a) - set(b))],
    )


def diff(
    old: m.Model,
    new: m.Model,
    old_label: str,
    new_label: str,
    old_files: dict[str, str] | None = None,
    new_files: dict[str, str] | None = None,
) -> Report:
    """Compare two built models; with their generated files, attribute changes to the files they touch."""
    changes = _Differ(old, new).run()
    report = Report(old_label, new_label, [])
    if old_files is not None and new_files is not None:
        keep = [p for p in sorted(set(old_files) | set(new_files)) if not p.startswith(NO_FILES)]
        differing = [p for p in keep if old_files.get(p) != new_files.get(p)]
        units = {p: changed_units(old_files.get(p), new_files.get(p), p) for p in differing}
        changes = [
            Change(
                c.kind,
                c.key,
                c.action,
                c.impact,
                c.what,
                c.why,
                c.clauses,
                tuple(p for p in differing if any(_mentions(u, t) for u in units[p] for t in c.tokens)),
                c.tokens,
            )
            for c in changes
        ]
        report.files = differing
        report.store = store_delta(old, new)
    report.changes = sorted(changes, key=Change.sort_key)
    return report


# ---------------------------------------------------------------- rendering


STORE_UNCHANGED = "Store interface (MessageStore): no method added, changed or dropped."


def _summary_line(r: Report) -> str:
    return (
        f"{r.count('breaking')} breaking, {r.count('compatible')} compatible, {r.count('editorial')} editorial "
        f"change(s)"
    )


def _store_lines(r: Report) -> list[str]:
    lines = []
    for label, items in (("add", r.store.add), ("change", r.store.change), ("drop (no longer called)", r.store.remove)):
        for it in items:
            lines.append(f"{label}: {it}")
    return lines


def to_text(r: Report) -> str:
    out = [f"nmsgen diff {r.old} -> {r.new}", _summary_line(r), ""]
    for title, kinds in SECTIONS:
        rows = [c for c in r.changes if c.kind in kinds]
        if not rows:
            continue
        out.append(f"{title}:")
        for c in rows:
            out.append(f"  {c.impact.upper():<10} {c.what}")
            if c.why:
                out.append(f"  {'':<10} why: {c.why}")
            if c.clauses:
                out.append(f"  {'':<10} clauses: {', '.join(c.clauses)}")
            if c.files:
                out.append(f"  {'':<10} files: {', '.join(c.files)}")
        out.append("")
    if not r.store.empty:
        out.append("Store interface (MessageStore): implementers must")
        out += [f"  {line}" for line in _store_lines(r)]
        out.append("")
    elif r.files:
        out += [STORE_UNCHANGED, ""]
    if r.files:
        out.append(f"Generated files that change: {', '.join(r.files)}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


_md = escape.markdown  # model text in a table cell or list item


def to_markdown(r: Report, title: str = "", preamble: str = "") -> str:
    out = [f"# {title or 'API impact'}", ""]
    if preamble:
        out += [preamble.rstrip("\n"), ""]
    out += [f"Compared: `{r.old}` -> `{r.new}`.", "", f"**{_summary_line(r)}.**", ""]
    if not r.store.empty:
        out += ["## Store implementers must", ""]
        for label, items in (
            ("add", r.store.add),
            ("change", r.store.change),
            ("drop (no longer called)", r.store.remove),
        ):
            out += [f"- **{label}** {escape.markdown_code(it)}" for it in items]
        out.append("")
    elif r.files:
        out += [STORE_UNCHANGED, ""]
    api = [c for c in r.changes if c.impact != "editorial"]
    out += ["## API changes (breaking and compatible)", ""]
    if not api:
        out += ["None.", ""]
    for title_, kinds in SECTIONS:
        rows = [c for c in api if c.kind in kinds]
        if rows:
            out += [
                f"### {title_}",
                "",
                "| impact | change | why | clauses | generated files |",
                "|---|---|---|---|---|",
            ]
            out += [
                f"| **{c.impact}** | {_md(c.what)} | {_md(c.why)} | {', '.join(c.clauses)} | "
                f"{', '.join(f'`{f}`' for f in c.files)} |"
                for c in rows
            ]
            out.append("")
    editorial = [c for c in r.changes if c.impact == "editorial"]
    if editorial:
        out += ["## Editorial changes (text, citations, open points: no effect on the wire)", ""]
        for title_, kinds in SECTIONS:
            rows = [c for c in editorial if c.kind in kinds]
            if rows:
                out += [f"### {title_}", "", "| change | clauses |", "|---|---|"]
                out += [f"| {_md(c.what)} | {', '.join(c.clauses)} |" for c in rows]
                out.append("")
    if r.files:
        out += ["## Generated files that change", ""] + [f"- `{f}`" for f in r.files] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def to_json(r: Report) -> str:
    doc = {
        "old": r.old,
        "new": r.new,
        "breaking": r.breaking,
        "summary": {i: r.count(i) for i in IMPACTS},
        "changes": [c.to_json() for c in r.changes],
        "store_interface": {"add": r.store.add, "change": r.store.change, "remove": r.store.remove},
        "files": r.files,
    }
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"
