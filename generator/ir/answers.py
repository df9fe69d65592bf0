"""The error answers of an operation, derived once from the model: which exception under which status.

An operation is answered with an error by the store (its own responses' ``exceptions``), by the auth model
(each challenge that applies: status, exception), by the 405 answer and by the common responses of
``api.yaml``. Where the model fixes the whole body (every challenge, the 405 answer, the common responses)
it also fixes the values of the exception's %1, %2, ...: the challenge's ``variables`` (default: the
challenge id, the policy error code of POL0001), a response's ``variables`` (default: its HTTP status, the
error code of SVC0001). ``validate`` checks examples against this table, the OpenAPI emitter derives an
example from each fixed answer, and the server emitter hands the same values to the generated server, so
the document shows what the server sends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Literal

from . import model as m

_PLACEHOLDER = re.compile(r"%(\d+)")

Origin = Literal["operation", "auth", "method-not-allowed", "common"]


@dataclass(frozen=True)
class Answer:
    status: int
    exception: str
    origin: Origin
    label: str  # the challenge id, or the status's reason phrase ("Not Found")
    variables: tuple[str, ...] | None  # fixed by the model; None: chosen when answering (by the store)

    @property
    def example_name(self) -> str:
        """The key of its example in the document: starts with the status, so no lowerCamel name of
        spec/examples can take it."""
        label = self.label if self.origin == "auth" else self.label.lower().replace(" ", "-")
        return f"{self.status}-{label}" + (f"-{self.exception}" if self.origin == "operation" else "")


def placeholders(text: str) -> int:
    """How many variables a text needs: its highest %N."""
    return max((int(n) for n in _PLACEHOLDER.findall(text)), default=0)


def fill(text: str, variables: tuple[str, ...] | list[str]) -> str:
    """The text as the server sends it: %1, %2, ... replaced by the variables."""
    for i, value in enumerate(variables, 1):
        text = text.replace(f"%{i}", value)
    return text


def _needed(model: m.Model, exception: str) -> int:
    x = model.exceptions.get(exception)
    return placeholders(x.text) if x is not None else 0


def challenge_variables(model: m.Model, ch: m.Challenge) -> tuple[str, ...]:
    """The values of a challenge's %1..%N: as the model gives them, else the challenge id for each."""
    if ch.variables is not None:
        return tuple(ch.variables)
    return (ch.id,) * _needed(model, ch.exception)


def response_variables(model: m.Model, resp: m.Response) -> tuple[str, ...] | None:
    """The values of a server-made answer's %1..%N: as the model gives them, else its status for each."""
    if resp.variables is not None:
        return tuple(resp.variables)
    if len(resp.exceptions) != 1:
        return None
    return (str(resp.status),) * _needed(model, resp.exceptions[0])


def challenge_applies(model: m.Model, ch: m.Challenge, op: m.Operation) -> bool:
    """A challenge for restricted operations applies only where some interface may not call: the operation is
    reserved to other interfaces, or outside an operation set a deployment can restrict an interface to."""
    if ch.applies_to in ("restricted-operations", "reserved-operations"):
        itfs = model.auth.interfaces
        return set(op.interfaces) != {i.name for i in itfs} or any(
            op.id not in op_set.operations for i in itfs for op_set in i.operation_sets.values()
        )
    return True


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"status {status}"


def error_answers(model: m.Model, op: m.Operation) -> list[Answer]:
    """Every (status, exception) ``op`` can be answered with; a callback only with its own responses."""
    out = []
    for r in op.responses:
        if r.status >= 400:
            fixed = tuple(r.variables) if r.variables is not None and len(r.exceptions) == 1 else None
            out += [Answer(r.status, x, "operation", _phrase(r.status), fixed) for x in r.exceptions]
    if model.resource(op.resource).kind != "server":
        return out
    for ch in model.auth.challenges:
        if challenge_applies(model, ch, op):
            out.append(Answer(ch.status, ch.exception, "auth", ch.id, challenge_variables(model, ch)))
    mna = model.api.method_not_allowed
    fixed = response_variables(model, mna)
    out += [Answer(mna.status, x, "method-not-allowed", _phrase(mna.status), fixed) for x in mna.exceptions]
    for c in model.api.common_responses:
        fixed = response_variables(model, c)
        out += [Answer(c.status, x, "common", _phrase(c.status), fixed) for x in c.exceptions]
    return out


def server_answer(model: m.Model, status: int, default: tuple[str, list[str]]) -> tuple[str, list[str]]:
    """(exception, variables) of the 405 answer or common response with ``status``, for the generated
    server's own answers (method not allowed, unknown resource, internal error); ``default`` where the model
    has none."""
    for c in [model.api.method_not_allowed, *model.api.common_responses]:
        fixed = response_variables(model, c)
        if c.status == status and fixed is not None:
            return c.exceptions[0], list(fixed)
    return default


def body(model: m.Model, exception: str, variables: tuple[str, ...]) -> dict[str, Any]:
    """The requestError body the server writes for ``exception`` with ``variables``."""
    x = model.exceptions[exception]
    detail: dict[str, Any] = {"messageId": exception, "text": fill(x.text, variables)}
    if variables:
        detail["variables"] = list(variables)
    return {"requestError": {f"{x.kind}Exception": detail}}


def shown_exception(value: object) -> tuple[str, str] | None:
    """(member, messageId) of a requestError body (member: serviceException or policyException)."""
    err = value.get("requestError") if isinstance(value, dict) else None
    if not isinstance(err, dict):
        return None
    for member in ("serviceException", "policyException"):
        d = err.get(member)
        if isinstance(d, dict) and isinstance(d.get("messageId"), str):
            return member, d["messageId"]
    return None
