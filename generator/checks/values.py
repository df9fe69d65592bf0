"""Validation rules: values are meaningful for their place (statuses, media types, limits, body types,
callbacks)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..diagnostics import Diagnostics, Position, suggest
from ..ir import model as m
from ..ir.index import rule_target
from ..ir.names import body_schema_name, operation_body_name, request_schema_name

_MEDIA = re.compile(r"[a-z*]+/[A-Za-z0-9.+*-]+")
_HEADER = re.compile(r"[A-Za-z][A-Za-z0-9-]*")


def invalid_values(model: m.Model, d: Diagnostics) -> None:
    """Statuses are HTTP statuses, media types are well-formed, 201 answers carry Location, limits are
    positive and min_items does not exceed max_items."""
    for r in model.resources:
        for op in r.operations:
            for resp in op.responses:
                if not 100 <= resp.status <= 599:
                    d.error(
                        "invalid-value",
                        f"{op.id}: {resp.status} is not an HTTP status",
                        op.position,
                        "use a status between 100 and 599",
                    )
                if resp.status == 201 and r.kind == "server" and "Location" not in resp.headers:
                    d.error(
                        "invalid-value",
                        f"{op.id}: a 201 response must document the Location header",
                        op.position,
                        "add headers: {Location: {description: ...}}",
                    )
                if resp.status >= 400 and not resp.exceptions and any(b.type == m.ERROR_BODY_TYPE for b in resp.bodies):
                    d.error(
                        "invalid-value",
                        f"{op.id}: error response {resp.status} names no exception",
                        op.position,
                        "add 'exceptions: [SVC0002]' or the ids it uses",
                    )
                for name in resp.headers:
                    if not _HEADER.fullmatch(name):
                        d.error("invalid-value", f"{op.id}: header name {name!r} is not a token", op.position)
                for body in resp.bodies:
                    _check_body(body.media, body.type, body.parts, f"{op.id} {resp.status}", op.position, d)
            for body in op.request:
                _check_body(body.media, body.type, body.parts, f"{op.id} request", op.position, d)
                for rule in body.rules:
                    pos = rule.position or op.position
                    t = model.types.get(body.type or "")
                    if t is None or body.media != "application/json":
                        d.error(
                            "invalid-value",
                            f"{op.id}: only a JSON body of a model type can have rules",
                            pos,
                            "move the rules to a request body with 'media: application/json' and a type",
                        )
                    else:
                        _check_rule(model, t, rule, f"a rule of the {op.id} request", pos, d)
                if body.rules and operation_body_name(op.id) in _component_names(model):
                    d.error(
                        "duplicate-definition",
                        f"{op.id}: the document component of its request rules, {operation_body_name(op.id)!r}, "
                        "is already the name of a type or of a type's body component",
                        body.rules[0].position or op.position,
                        "rename the type or the operation",
                    )
    api = model.api
    for resp in [*api.common_responses, api.method_not_allowed]:
        ctx = f"common {resp.status} response"
        for name in resp.headers:
            if not _HEADER.fullmatch(name):
                d.error("invalid-value", f"{ctx}: header name {name!r} is not a token", model.api_position)
        for body in resp.bodies:
            _check_body(body.media, body.type, body.parts, ctx, model.api_position, d)
    for t in model.types.values():
        for f in t.fields:
            fs = f
            for lim in ("min_items", "max_items", "max_length"):
                v = getattr(fs, lim)
                if v is not None and v < (0 if lim == "min_items" else 1):
                    d.error("invalid-value", f"{lim} of field {f.name!r} of {t.name!r} must be positive", f.position)
            if fs.min_items is not None and fs.max_items is not None and fs.min_items > fs.max_items:
                d.error("invalid-value", f"field {f.name!r} of {t.name!r}: min_items exceeds max_items", f.position)
            if (fs.min_items or fs.max_items) and not fs.array:
                d.error(
                    "invalid-value",
                    f"field {f.name!r} of {t.name!r} sets item limits but is not an array",
                    f.position,
                    "add 'array: true' or drop the limits",
                )
        for mem in (x for ch in t.choices for x in ch.members):
            if mem not in t.field_names:
                d.error(
                    "unknown-reference",
                    f"choice of type {t.name!r} names unknown field {mem!r}",
                    t.position,
                    suggest(mem, set(t.field_names), "a field of the type"),
                )
        for rule in t.rules:
            _check_rule(model, t, rule, f"a rule of type {t.name!r}", rule.position or t.position, d)
        if t.kind == "simple" and t.field_names:
            d.error(
                "invalid-value",
                f"simple type {t.name!r} cannot have fields",
                t.position,
                "make it complex or drop the fields",
            )
    for chal in model.auth.challenges:
        if not 400 <= chal.status <= 499:
            d.error(
                "invalid-value",
                f"auth challenge {chal.id!r} answers {chal.status}, not a 4xx status",
                model.positions.get(f"auth:{chal.id}", model.auth_position),
            )
    for rule_ in model.auth.validation:
        leeway = rule_.parameters.get("max_leeway_seconds")
        if isinstance(leeway, int) and not 0 <= leeway <= 30:
            d.error(
                "invalid-value",
                f"auth rule {rule_.id!r} allows {leeway} s of leeway; at most 30 s",
                model.positions.get(f"auth:{rule_.id}", model.auth_position),
                "TS 33.180 caps clock skew at 30 s",
            )
    for i in model.auth.interfaces:
        if i.box_binding == "claim-equals-box" and not i.box_claim:
            d.error(
                "invalid-value",
                f"interface {i.name!r} binds the box to a claim but names no box_claim",
                model.positions.get(f"interface:{i.name}", model.auth_position),
                "e.g. box_claim: mcdata_id",
            )


def _check_rule(model: m.Model, start: m.Type, rule: m.Rule, ctx: str, pos: Position, d: Diagnostics) -> None:
    """A rule names fields of the values it tests (those its ``at`` path reaches from ``start``), says what
    holds (require, match) or refuses the values, and matches only single strings."""
    t, problem, _ = rule_target(model, start, rule.at)
    if t is None:
        d.error(
            "unknown-reference", f"{ctx} cannot be applied: {problem}", pos, "give 'at' as field names joined by '.'"
        )
        return
    for mem in (rule.field, *rule.require, *(x for x, _ in rule.match)):
        if mem not in t.field_names:
            d.error(
                "unknown-reference",
                f"{ctx} names unknown field {mem!r} of {t.name!r}",
                pos,
                suggest(mem, set(t.field_names), "a field of the type"),
            )
    field = next((f for f in t.fields if f.name == rule.field), None)
    enum = model.enums.get(field.type) if field is not None else None
    if enum is not None:
        known = {v.value for v in enum.values}
        for value in (v for v in rule.values if v not in known):
            d.error(
                "unknown-reference",
                f"{ctx} tests {rule.field} for {value!r}, which is not a value of {enum.name!r}",
                pos,
                suggest(value, known, f"a value of {enum.name}"),
            )
    when = f"(when {rule.field} is {', '.join(rule.values)})"
    if rule.refuse and (rule.require or rule.match):
        d.error(
            "invalid-value",
            f"{ctx} {when} refuses the value and also requires or matches members of it",
            pos,
            "a refused value needs nothing more: drop 'require' and 'match', or drop 'refuse'",
        )
    elif not (rule.require or rule.match or rule.refuse):
        d.error(
            "invalid-value",
            f"{ctx} {when} neither requires, matches nor refuses",
            pos,
            "give 'require: [member, ...]', 'match: {member: pattern}' or 'refuse: true'",
        )
    by_name = {f.name: f for f in t.fields}
    for x, _ in rule.match:
        matched = by_name.get(x)
        if matched is not None and (matched.array or matched.type != "string"):
            d.error(
                "invalid-value",
                f"{ctx} matches field {x!r} with a pattern, but it is not a single string",
                pos,
                "match a field of type string (not an array)",
            )


def _component_names(model: m.Model) -> set[str]:
    """The names the document gives the model's types: each type, its body and its request variants."""
    out = set(model.enums)
    for name in model.types:
        out |= {name, body_schema_name(name), request_schema_name(name), body_schema_name(request_schema_name(name))}
    return out


def _check_body(
    media: str, type_: str | None, parts: Sequence[m.Part], ctx: str, pos: Position, d: Diagnostics
) -> None:
    for m_ in [media, *(p.media for p in parts)]:
        if not _MEDIA.fullmatch(m_):
            d.error("invalid-value", f"{ctx}: {m_!r} is not a media type", pos, "e.g. application/json")
    if media == "application/json" and type_ is None:
        d.error("invalid-value", f"{ctx}: a JSON body needs a type", pos, "add 'type: <TypeName>'")
    if media == "multipart/form-data" and not parts:
        d.error("invalid-value", f"{ctx}: a multipart/form-data body needs parts", pos, "list its parts")


def body_types_have_roots(model: m.Model, d: Diagnostics) -> None:
    """A type sent as a JSON body or form part has a JSON root element (NMS wraps every body in one)."""
    for r in model.resources:
        for op in r.operations:
            bodies = [*op.request, *(b for resp in op.responses for b in resp.bodies)]
            for name in sorted({x for b in bodies for x in [b.type, *(p.type for p in b.parts)] if x}):
                t = model.types.get(name)
                if t is not None and not t.root:
                    d.error(
                        "invalid-value",
                        f"{op.id} carries {name!r} as a body, but {name!r} has no JSON root element",
                        op.position,
                        f"add 'root: <element name>' to type {name!r}",
                    )


def callbacks_are_callbacks(model: m.Model, d: Diagnostics) -> None:
    """A callback's path is a runtime expression into the request body of the one operation that
    attaches it (so its operationId stays unique in the document and the expression resolves)."""
    users: dict[str, list[m.Operation]] = {}
    for op in model.operations:
        for cb in op.callbacks:
            users.setdefault(cb, []).append(op)
    for r in model.callbacks.values():
        ops = users.get(r.id, [])
        expr = re.fullmatch(r"\{\$request\.body#/([^/}]+)(?:/[^}]*)?\}", r.declared_path)
        if expr is None:
            d.error(
                "invalid-value",
                f"callback resource {r.id!r} path {r.declared_path!r} is not a request-body runtime expression",
                r.position,
                "e.g. {$request.body#/nmsSubscription/callbackReference/notifyURL}",
            )
            continue
        if len(ops) != 1:
            d.error(
                "invalid-value",
                f"callback resource {r.id!r} is attached to {len(ops)} operations "
                f"({', '.join(o.id for o in ops) or 'none'}); a callback belongs to exactly one",
                r.position,
                "attach it to the operation whose request carries the callback URL",
            )
            continue
        roots = {model.types[b.type].root for b in ops[0].request if b.type in model.types}
        if expr.group(1) not in roots:
            d.error(
                "invalid-value",
                f"callback resource {r.id!r} reads #/{expr.group(1)} but the request of "
                f"{ops[0].id!r} has root {', '.join(sorted(x for x in roots if x)) or 'none'}",
                r.position,
                "point the expression into that operation's request body",
            )
