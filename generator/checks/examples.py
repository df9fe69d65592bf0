"""Validation rules: examples and the answers the model fixes agree with the operations and exceptions they
show."""

from __future__ import annotations

from collections.abc import Sequence

from ..diagnostics import Diagnostics, Position, suggest
from ..ir import answers
from ..ir import model as m


def example_status(model: m.Model, d: Diagnostics) -> None:
    """A response example is shown under a status its operations answer with; a requestError example names
    that status, and its exception is one its operations answer with under that status."""
    ops = {op.id: op for r in model.resources for op in r.operations}
    for ex in model.examples:
        e = ex
        if e.use == "request":
            continue
        shown = answers.shown_exception(e.value) if e.type == m.ERROR_BODY_TYPE else None
        if e.status is None:
            if e.type == m.ERROR_BODY_TYPE:
                d.error(
                    "example-status",
                    f"error example {e.name!r} names no status, so it would be shown under every error status of "
                    f"{', '.join(e.operations) or 'its operations'}",
                    ex.position,
                    f"add 'status: N', the status under which the server sends {shown[1] if shown else 'it'}",
                )
            continue
        for op_id in e.operations:
            op = ops.get(op_id)
            if op is None:
                continue  # unknown-reference reports it
            sent = answers.error_answers(model, op)
            statuses = sorted({r.status for r in op.responses} | {a.status for a in sent})
            if e.status not in statuses:
                d.error(
                    "example-status",
                    f"example {e.name!r} is shown under status {e.status} of {op_id}, which {op_id} never answers",
                    ex.position,
                    f"use one of {', '.join(map(str, statuses))}",
                )
                continue
            if shown is None:
                continue
            member, mid = shown
            here = sorted({a.exception for a in sent if a.status == e.status})
            if mid not in here:
                elsewhere = sorted({a.status for a in sent if a.exception == mid})
                d.error(
                    "example-status",
                    f"example {e.name!r} shows {mid} under status {e.status} of {op_id}, but {op_id} answers "
                    f"{e.status} only with {', '.join(here) or 'no exception'}",
                    ex.where(("requestError", member, "messageId")),
                    (
                        f"set 'status: {elsewhere[0]}', where {op_id} sends {mid}"
                        if len(elsewhere) == 1
                        else f"show {mid} under one of {', '.join(map(str, elsewhere))}"
                        if elsewhere
                        else f"{op_id} never sends {mid}: show one of {', '.join(here) or 'its exceptions'}"
                    ),
                )


def example_exception(model: m.Model, d: Diagnostics) -> None:
    """A requestError example shows a declared exception as the server writes it: in the member of its kind,
    with one variable per %N of its text and the text with them filled in."""
    for ex in model.examples:
        e = ex
        shown = answers.shown_exception(e.value) if e.type == m.ERROR_BODY_TYPE else None
        if shown is None:
            continue  # not an error example, or example-invalid reports its shape
        member, mid = shown
        at = ("requestError", member)
        x = model.exceptions.get(mid)
        if x is None:
            d.error(
                "example-exception",
                f"example {e.name!r} shows {mid!r}, which is not a declared exception",
                ex.where((*at, "messageId")),
                suggest(mid, set(model.exceptions), "an exception of spec/exceptions.yaml"),
            )
            continue
        if member != f"{x.kind}Exception":
            d.error(
                "example-exception",
                f"example {e.name!r} shows {mid} as a {member}, but {mid} is a {x.kind} exception",
                ex.where(at),
                f"put it under {x.kind}Exception",
            )
        detail = e.value["requestError"][member]  # type: ignore[index]
        variables = detail.get("variables", [])
        if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables):
            continue  # example-invalid reports it
        need = answers.placeholders(x.text)
        text = answers.fill(x.text, variables)
        if len(variables) != need:
            d.error(
                "example-exception",
                f"example {e.name!r} gives {mid} {len(variables)} variable(s), but its text {x.text!r} needs {need}",
                ex.where((*at, "variables")),
                "give one value per %N, as the server does",
            )
        elif detail.get("text") != text:
            d.error(
                "example-exception",
                f"example {e.name!r} has the text {detail.get('text')!r}, but the server writes {text!r}",
                ex.where((*at, "text")),
                "write the exception's text with its variables filled in",
            )


def answer_variables(model: m.Model, d: Diagnostics) -> None:
    """An answer the model fixes (a challenge, a response that gives variables) gives one value per %N of
    its one exception's text."""
    fixed: list[tuple[str, Sequence[str], Sequence[str], Position]] = [
        (
            f"auth challenge {c.id!r}",
            [c.exception],
            c.variables,
            model.positions.get(f"auth:{c.id}", model.auth_position),
        )
        for c in model.auth.challenges
        if c.variables is not None
    ]
    api = [("the 405 answer", model.api.method_not_allowed)] + [
        (f"common response {r.status}", r) for r in model.api.common_responses
    ]
    fixed += [
        (what, r.exceptions, r.variables, model.api_response_positions.get(r.status, model.api_position))
        for what, r in api
        if r.variables is not None
    ]
    fixed += [
        (f"{op.id} response {r.status}", r.exceptions, r.variables, op.position)
        for res in model.resources
        for op in res.operations
        for r in op.responses
        if r.variables is not None
    ]
    for what, exceptions, variables, pos in fixed:
        if len(exceptions) != 1:
            d.error(
                "answer-variables",
                f"{what} gives variables for {len(exceptions)} exceptions; variables fix the answer of exactly one",
                pos,
                "name one exception, or drop 'variables'",
            )
            continue
        x = model.exceptions.get(exceptions[0])
        if x is None:
            continue  # unknown-reference reports it
        need = answers.placeholders(x.text)
        if len(variables) != need:
            d.error(
                "answer-variables",
                f"{what} gives {exceptions[0]} {len(variables)} variable(s), but its text {x.text!r} needs {need}",
                pos,
                f"give {need} value(s), one per %N" if need else "drop 'variables'",
            )
