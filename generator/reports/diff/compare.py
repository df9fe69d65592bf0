"""Two IRs -> the changes between them, each classified by a row of the rule table (:mod:`.rules`).

The walk pairs the elements of both models by their key (clause id, operation id, ``Type.field``, status
code, media type, ...), works out what the rules need to know about each pair (its clauses, the tokens
that find it in generated files, where its values travel) and applies the rules of the pair's kind.
Parts of an element (an operation's callbacks, a response's bodies and headers, an interface's
operation sets) are pairs of their own, reported under the element that holds them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from ...ir import index
from ...ir import model as m
from ...ir.names import snake
from .changes import Change
from .rules import RULES_OF, Pair, body_shape, field_dirs

K = TypeVar("K", str, int)
T = TypeVar("T")


def _pairs(old: Mapping[K, T], new: Mapping[K, T]) -> Iterator[tuple[K, T | None, T | None]]:
    """Each key of either side, sorted, with its element on each side (None where absent)."""
    for k in sorted(set(old) | set(new)):
        yield k, old.get(k), new.get(k)


def _side(a: T | None, b: T | None) -> T:
    """The element as NEW has it, or as OLD had it when NEW dropped it."""
    x = b if b is not None else a
    assert x is not None
    return x


def _fields(t: m.Type, clauses: tuple[str, ...]) -> dict[str, m.Field]:
    """The fields of a type; each cites its own clauses, or else ``clauses`` (its type's, as NEW cites them)."""
    return {f.name: f if f.clauses else dataclasses.replace(f, clauses=clauses) for f in t.fields}


class Comparison:
    """Pairs the elements of two models and applies the rules of each pair's kind."""

    def __init__(self, old: m.Model, new: m.Model) -> None:
        self.old, self.new = old, new
        self.dir_old, self.dir_new = index.of(old).directions, index.of(new).directions
        self.out: list[Change] = []

    def direction(self, name: str) -> frozenset[str]:
        return self.dir_old.get(name, frozenset()) | self.dir_new.get(name, frozenset())

    def compare(self, pair: Pair) -> Pair:
        pair = dataclasses.replace(pair, old=self.old)
        for rule in RULES_OF[pair.kind]:
            self.out += [rule.change(hit) for hit in rule.hits(pair)]
        return pair

    def run(self) -> list[Change]:
        o, n = self.old, self.new
        for cid, c1, c2 in _pairs(o.clauses, n.clauses):
            self.compare(Pair("clause", f"clause:{cid}", cid, c1, c2, [cid], (cid,)))
        for pid, p1, p2 in _pairs(o.open_points, n.open_points):
            self.compare(Pair("open-point", f"open-point:{pid}", pid, p1, p2, _side(p1, p2).clauses, (pid,)))
        for rid, r1, r2 in _pairs({r.id: r for r in o.resources}, {r.id: r for r in n.resources}):
            r = _side(r1, r2)
            self.compare(Pair("resource", f"resource:{rid}", rid, r1, r2, r.clauses, (r.path,)))
        self.operations()
        self.types()
        for name, e1, e2 in _pairs(o.enums, n.enums):
            self.enum(name, e1, e2)
        for eid, x1, x2 in _pairs(o.exceptions, n.exceptions):
            self.compare(Pair("exception", f"exception:{eid}", eid, x1, x2, _side(x1, x2).clauses, (eid,)))
        self.auth()
        self.api()
        return self.out

    # -------------------------------------------------------- operations
    def operations(self) -> None:
        old = {op.id: op for r in self.old.resources for op in r.operations}
        new = {op.id: op for r in self.new.resources for op in r.operations}
        for oid, a, b in _pairs(old, new):
            key, tok = f"operation:{oid}", (oid, snake(oid))
            op = self.compare(Pair("operation", key, oid, a, b, _side(a, b).clauses, tok))
            if a is None or b is None:
                continue
            for c, c1, c2 in _pairs({c: c for c in a.callbacks}, {c: c for c in b.callbacks}):
                self.compare(Pair("callback", key, c, c1, c2, b.clauses, tok, oid, holder=op))
            self.parameters(op, a, b)
            shapes = [{body.media: body_shape(body) for body in x.request} for x in (a, b)]
            for media, s1, s2 in _pairs(*shapes):
                self.compare(Pair("request", f"request:{oid}.{media}", media, s1, s2, b.clauses, tok, oid, holder=op))
            bodies = [{body.media: body for body in x.request} for x in (a, b)]
            for media, b1, b2 in _pairs(*bodies):
                if b1 is not None and b2 is not None:  # the rules of this operation's requests only
                    key = f"request:{oid}.{media}"
                    self.compare(Pair("request-rules", key, media, b1, b2, b.clauses, tok, oid, frozenset({"request"})))
            for status, r1, r2 in _pairs({r.status: r for r in a.responses}, {r.status: r for r in b.responses}):
                self.response(op, status, r1, r2)

    def parameters(self, op: Pair, a: m.Operation, b: m.Operation) -> None:
        """The operation's own parameters; the base path's (storeName, boxId) are compared once, in ``api``."""
        base = {p.name for p in [*self.old.api.base_parameters, *self.new.api.base_parameters]}
        old = {p.name: p for p in [*a.path_parameters, *a.query_parameters] if p.name not in base}
        new = {p.name: p for p in [*b.path_parameters, *b.query_parameters] if p.name not in base}
        for name, p1, p2 in _pairs(old, new):
            clauses = _side(p1, p2).clauses or (b if p2 else a).clauses
            key = f"parameter:{a.id}.{name}"
            self.compare(Pair("parameter", key, name, p1, p2, clauses, op.tokens, a.id, frozenset({"request"}), op))

    def response(self, op: Pair, status: int, r1: m.Response | None, r2: m.Response | None) -> None:
        a, b = op.a, op.b
        key = f"response:{a.id}.{status}"
        clauses = _side(r1, r2).clauses or (b if r2 else a).clauses
        pair = self.compare(Pair("response", key, str(status), r1, r2, clauses, op.tokens, a.id, holder=op))
        if r1 is None or r2 is None:
            return
        owner = f"{status} of {a.id}"
        shapes = [{body.media: body_shape(body) for body in r.bodies} for r in (r1, r2)]
        for media, s1, s2 in _pairs(*shapes):
            self.compare(Pair("response-body", key, media, s1, s2, clauses, op.tokens, owner, holder=pair))
        for h, h1, h2 in _pairs(r1.headers, r2.headers):
            self.compare(Pair("response-header", key, h, h1, h2, clauses, op.tokens, owner, holder=pair))

    # -------------------------------------------------------- types, fields, enums
    def types(self) -> None:
        for name, a, b in _pairs(self.old.types, self.new.types):
            d = self.direction(name)
            tp = self.compare(Pair("type", f"type:{name}", name, a, b, _side(a, b).clauses, (name,), dirs=d))
            if a is None or b is None:
                continue
            for fname, f1, f2 in _pairs(_fields(a, b.clauses), _fields(b, b.clauses)):
                dirs = frozenset().union(*(field_dirs(d, f) for f in (f1, f2) if f is not None))
                key = f"field:{name}.{fname}"
                self.compare(Pair("field", key, fname, f1, f2, _side(f1, f2).clauses, (name,), name, dirs, tp))

    def enum(self, name: str, a: m.Enum | None, b: m.Enum | None) -> None:
        d = self.direction(name)
        en = self.compare(Pair("enum", f"enum:{name}", name, a, b, _side(a, b).clauses, (name,), dirs=d))
        if a is None or b is None:
            return
        for v, v1, v2 in _pairs({v.value: v for v in a.values}, {v.value: v for v in b.values}):
            self.compare(Pair("enum-value", f"enum-value:{name}.{v}", v, v1, v2, b.clauses, (name,), name, d, en))

    # -------------------------------------------------------- auth and api
    def auth(self) -> None:
        a, b = self.old.auth, self.new.auth
        named: tuple[tuple[str, Mapping[str, Any], Mapping[str, Any]], ...] = (
            ("interface", {i.name: i for i in a.interfaces}, {i.name: i for i in b.interfaces}),
            ("scheme", a.schemes, b.schemes),
            ("profile", {p.name: p for p in a.profiles}, {p.name: p for p in b.profiles}),
            ("rule", {r.id: r for r in a.validation}, {r.id: r for r in b.validation}),
            ("challenge", {c.id: c for c in a.challenges}, {c.id: c for c in b.challenges}),
        )
        for kind, old, new in named:
            for name, x, y in _pairs(old, new):
                tok = (f'"{name}"', f"'{name}'")
                pair = self.compare(Pair(kind, f"{kind}:{name}", name, x, y, _side(x, y).clauses, tok))
                if kind == "interface" and x is not None and y is not None:
                    for s, s1, s2 in _pairs(x.operation_sets, y.operation_sets):
                        self.compare(Pair("operation-set", pair.key, s, s1, s2, y.clauses, tok, name, holder=pair))
        for name, t1, t2 in _pairs(a.settings, b.settings):
            self.compare(Pair("setting", f"setting:{name}", name, t1, t2, b.clauses, (name,)))
        self.compare(Pair("auth-section", "section:auth", "auth", a, b, b.clauses, ()))

    def api(self) -> None:
        a, b = self.old.api, self.new.api
        old = {p.name: p for p in a.base_parameters}
        new = {p.name: p for p in b.base_parameters}
        for name, p1, p2 in _pairs(old, new):
            clauses = p2.clauses if p1 is not None and p2 is not None else b.clauses
            self.compare(Pair("base-parameter", f"base-parameter:{name}", name, p1, p2, clauses, (name,)))
        self.compare(Pair("base-path", "api", "api", a, b, b.clauses, ()))
        both = frozenset({"request", "response"})  # a default limit applies wherever a field sets none
        self.compare(Pair("limits", "section:api", "limits", a.limits, b.limits, b.clauses, (), dirs=both))
        old_common = {r.status: r for r in [*a.common_responses, a.method_not_allowed]}
        new_common = {r.status: r for r in [*b.common_responses, b.method_not_allowed]}
        for status, r1, r2 in _pairs(old_common, new_common):
            self.compare(Pair("common-response", "section:api", str(status), r1, r2, b.clauses, ()))
        self.compare(Pair("api", "section:api", "api", a, b, b.clauses, ()))


def compare(old: m.Model, new: m.Model) -> list[Change]:
    """Every change from ``old`` to ``new``, classified, in the walk's order (not yet attributed to files)."""
    return Comparison(old, new).run()
