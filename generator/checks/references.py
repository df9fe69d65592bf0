"""Validation rules: references resolve, and the model is consistent with itself (operationIds, path
parameters, Allow values, deny by default, citations, provisional clauses)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ..diagnostics import Diagnostics, Position, suggest
from ..ir import model as m


def _refs(model: m.Model, kind: str) -> Iterator[m.Ref]:
    return (r for r in model.refs if r.kind == kind)


def unknown_type(model: m.Model, d: Diagnostics) -> None:
    """A type reference must name a primitive, a declared type or a declared enum."""
    known = set(m.PRIMITIVES) | set(model.types) | set(model.enums)
    for r in _refs(model, "type"):
        if r.name not in known:
            d.error(
                "unknown-type",
                f"{r.context} refers to unknown type {r.name!r}",
                r.position,
                suggest(r.name, known, "a primitive, type or enum"),
            )


def unknown_clause(model: m.Model, d: Diagnostics) -> None:
    """A clause reference must name a clause of the registry."""
    for r in _refs(model, "clause"):
        if r.name not in model.clauses:
            d.error(
                "unknown-clause",
                f"{r.context} cites unknown clause {r.name!r}",
                r.position,
                suggest(r.name, set(model.clauses), "a clause id of the registry"),
            )


def unknown_reference(model: m.Model, d: Diagnostics) -> None:
    """A reference to an interface, scheme, exception, open point, profile, setting, callback,
    operation or model element must resolve."""
    tables: dict[str, set[str]] = {
        "interface": {i.name for i in model.auth.interfaces},
        "scheme": set(model.auth.schemes),
        "exception": set(model.exceptions),
        "open-point": set(model.open_points),
        "profile": {p.name for p in model.auth.profiles},
        "setting": set(model.auth.settings),
        "callback": set(model.callbacks),
        "operation": {op.id for r in model.resources for op in r.operations},
        "element": set(model.positions),
    }
    for kind, known in tables.items():
        for r in _refs(model, kind):
            if r.name not in known:
                d.error(
                    "unknown-reference",
                    f"{r.context} refers to unknown {kind} {r.name!r}",
                    r.position,
                    suggest(r.name, known, f"a declared {kind}"),
                )


_VAR = re.compile(r"\{([^{}]*)\}")


def duplicate_operation_id(model: m.Model, d: Diagnostics) -> None:
    """An operationId is used by one operation only."""
    seen: dict[str, Position] = {}
    for r in model.resources:
        for op in r.operations:
            if op.id in seen:
                d.error(
                    "duplicate-operation-id",
                    f"operationId {op.id!r} is already used at {seen[op.id]}",
                    op.position,
                    "give each operation its own operationId",
                )
            else:
                seen[op.id] = op.position


def undeclared_path_parameter(model: m.Model, d: Diagnostics) -> None:
    """Every {variable} of a path is a declared path parameter, and every path parameter is in the path."""
    for r in model.resources:
        if r.kind == "callback":
            continue
        in_path = _VAR.findall(r.path)
        declared = [p.name for p in (r.operations[0].path_parameters if r.operations else [])]
        for var in in_path:
            if var not in declared:
                d.error(
                    "undeclared-path-parameter",
                    f"path {r.path!r} of resource {r.id!r} uses {{{var}}} but declares no such path parameter",
                    r.position,
                    f"add a parameter 'name: {var}, in: path' to the resource",
                )
        for name in declared:
            if name not in in_path:
                d.error(
                    "undeclared-path-parameter",
                    f"path parameter {name!r} does not appear in path {r.path!r}",
                    r.position,
                    "remove the parameter or add it to the path",
                )
        for p in r.parameters:
            if p.location != "path":
                d.error(
                    "invalid-value",
                    f"resource parameter {p.name!r} must be 'in: path'",
                    r.position,
                    "declare query parameters on the operation",
                )
        for op in r.operations:
            for qp in op.query_parameters:
                if qp.location != "query":
                    d.error(
                        "invalid-value",
                        f"operation parameter {qp.name!r} of {op.id!r} must be 'in: query'",
                        qp.position,
                        "declare path parameters on the resource",
                    )


def allow_mismatch(model: m.Model, d: Diagnostics) -> None:
    """A resource's Allow value lists exactly the methods it defines, each once."""
    for r in model.resources:
        methods = [op.method for op in r.operations]
        for meth in sorted({x for x in methods if methods.count(x) > 1}):
            d.error(
                "duplicate-method",
                f"resource {r.id!r} defines {meth} more than once",
                r.position,
                "merge the operations",
            )
        if sorted(set(r.allow)) != sorted(set(methods)) or len(r.allow) != len(set(r.allow)):
            d.error(
                "allow-mismatch",
                f"resource {r.id!r} has Allow {', '.join(r.allow)} but defines {', '.join(methods) or 'no method'}",
                r.position,
                "the Allow value must list exactly the defined methods",
            )


def missing_auth(model: m.Model, d: Diagnostics) -> None:
    """Every operation names at least one interface allowed to call it (deny by default)."""
    for r in model.resources:
        for op in r.operations:
            if not op.interfaces:
                d.error(
                    "missing-auth",
                    f"operation {op.id!r} names no interface that may call it",
                    op.position,
                    "add 'interfaces: [MCData-7]', plus MCData-8 where the MCData server may call it",
                )


def uncited(model: m.Model, d: Diagnostics) -> None:
    """Every resource, operation, type, enum, exception and auth rule cites at least one clause."""
    items: list[tuple[str, Sequence[str], Position]] = []
    items += [(f"resource {r.id!r}", r.clauses, r.position) for r in model.resources]
    items += [(f"operation {op.id!r}", op.clauses, op.position) for r in model.resources for op in r.operations]
    items += [(f"type {t.name!r}", t.clauses, t.position) for t in model.types.values()]
    items += [(f"enum {e.name!r}", e.clauses, e.position) for e in model.enums.values()]
    items += [(f"exception {x.id!r}", x.clauses, x.position) for x in model.exceptions.values()]
    a = model.auth
    items += [
        (f"auth rule {v.id!r}", v.clauses, model.positions.get(f"auth:{v.id}", model.auth_position))
        for v in a.validation
    ]
    items += [
        (f"auth challenge {c.id!r}", c.clauses, model.positions.get(f"auth:{c.id}", model.auth_position))
        for c in a.challenges
    ]
    items += [
        (f"interface {i.name!r}", i.clauses, model.positions.get(f"interface:{i.name}", model.auth_position))
        for i in a.interfaces
    ]
    for what, clauses, pos in items:
        if not clauses:
            d.error("uncited", f"{what} cites no clause", pos, "add 'clauses: [...]' naming what it realises")


def provisional_clause(model: m.Model, d: Diagnostics) -> None:
    """A NOTE is informative: a rule read from one is ``provisional``, names the note(s) it is derived from
    (``derived_from``, clauses of kind note) and is listed by an open point, which says how long it holds. Only a
    provisional clause has ``derived_from``."""
    listed = {cid for op in model.open_points.values() for cid in op.clauses}
    for c in model.clauses.values():
        spec = c
        if spec.kind != "provisional":
            if spec.derived_from:
                d.error(
                    "invalid-value",
                    f"clause {spec.id!r} is {spec.kind} but names derived_from",
                    c.position,
                    "make it kind: provisional (a rule read from a note), or drop derived_from",
                )
            continue
        if not spec.derived_from:
            d.error(
                "invalid-value",
                f"provisional clause {spec.id!r} names no note it is derived from",
                c.position,
                "add derived_from: [<the note's clause id>]",
            )
        for src in spec.derived_from:
            origin = model.clauses.get(src)
            if origin is not None and origin.kind != "note":
                d.error(
                    "invalid-value",
                    f"provisional clause {spec.id!r} is derived from {src!r}, which is {origin.kind}, not a note",
                    c.position,
                    "derive provisional rules from notes; cite normative clauses directly",
                )
        if spec.id not in listed:
            d.error(
                "invalid-value",
                f"provisional clause {spec.id!r} is listed by no open point",
                c.position,
                "list it in the clauses of the open point that keeps it provisional",
            )
