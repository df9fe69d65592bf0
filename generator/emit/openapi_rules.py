"""Conditional rules (spec ``rules:``) in the OpenAPI document: as exclusions under ``not`` (what validators
and fuzzers read), as ``x-nmsgen-rules`` (what the generated models enforce) and in words (descriptions).

OpenAPI 3.0 has no ``contains``: a rule whose path (``at``) crosses an array says "some item breaks it" as
``not: {items: {not: ...}}`` (not every item keeps it). Everything stays inside the type's ``not``, which code
generators ignore, so they see the same members with or without rules."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..ir import model as m
from ..ir.index import rule_target

Json = dict[str, Any]


def rule_data(r: m.Rule, root: tuple[str, ...] = ()) -> Json:
    """A rule as the generated models read it (``x-nmsgen-rules``); ``root`` leads to the type from a body."""
    at = [*root, *r.at]
    return {
        "when": {"field": r.field, "values": list(r.values)},
        "require": list(r.require),
        **({"match": dict(r.match)} if r.match else {}),
        **({"at": at} if at else {}),
        **({"refuse": True} if r.refuse else {}),
    }


def rules_text(rules: Sequence[m.Rule]) -> str:
    """The rules in words, a Markdown list (the document's ``not`` says the same to validators)."""
    lines = []
    for r in rules:
        where = f"each {_code('.'.join(r.at))}" if r.at else "the value"
        values = " or ".join(_code(v) for v in r.values)
        musts = [f"{_code(x)} must be given, not empty" for x in r.require]
        musts += [f"{_code(x)} must match {_code(p)}" for x, p in r.match]
        said = "refused." if r.refuse else "; ".join(musts) + "."
        lines.append(f"- {where} whose {_code(r.field)} is {values}: {said}")
    return "\n".join(lines)


def _code(text: str) -> str:
    """``text`` as a Markdown code span (model text: a backtick in it cannot end the span)."""
    flat = " ".join(text.splitlines())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def excluded(model: m.Model, t: m.Type, rules: Sequence[m.Rule], steps: Sequence[tuple[str, bool]] = ()) -> list[Json]:
    """What ``rules`` of values of ``t`` exclude, as schemas of ``t`` that a value breaking one matches.

    A rule excludes, while its field has one of its values, a required member that is absent or empty (a
    string or a list), a matched member that does not match its pattern, or (``refuse``) the value itself. A
    rule with ``at`` tests the values its path reaches: its exclusions are wrapped in the path, an array step
    as "some item matches". ``steps`` is the path to ``t`` itself (a body's root element)."""
    grouped: dict[tuple[str, ...], list[Json]] = {}  # a path -> what the rules on it exclude
    walks: dict[tuple[str, ...], tuple[m.Field, ...]] = {}  # a path -> its fields
    for r in rules:
        target, _, walked = rule_target(model, t, r.at)
        assert target is not None  # validate refuses a path that reaches no type first
        fields = {f.name: f for f in target.fields}
        when = {r.field: {"enum": list(r.values)}}
        walks[r.at] = walked
        found = grouped.setdefault(r.at, [])
        if r.refuse:
            found.append({"required": [r.field], "properties": when})
        for x in r.require:
            found.append({"required": [r.field], "properties": {**when, x: {"not": {}}}})
            f = fields.get(x)
            empty = {"maxItems": 0} if f and f.array else {"maxLength": 0} if f and f.type == "string" else None
            if empty:
                found.append({"required": [r.field, x], "properties": {**when, x: empty}})
        for x, pattern in r.match:  # the member is present and does not match
            found.append({"required": [r.field, x], "properties": {**when, x: {"not": {"pattern": pattern}}}})
    out: list[Json] = []
    for at, found in grouped.items():
        path = [*steps, *((f.name, f.array) for f in walks[at])]
        if not path:
            out += found
            continue
        inner: Json = found[0] if len(found) == 1 else {"anyOf": found}
        for name, array in reversed(path):
            held = {"not": {"items": {"not": inner}}} if array else inner  # an array: some item matches
            inner = {"required": [name], "properties": {name: held}}
        out.append(inner)
    return out
