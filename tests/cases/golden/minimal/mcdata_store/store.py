# generated from spec/ by nmsgen - do not edit
"""The message store interface: one method per operation of the API, NMS types in and out.

The generated server (``server.py``) does HTTP, authentication and error mapping, then calls the
store; the store does semantics. Implement :class:`MessageStore`; when the spec grows, a type
checker names the methods to add. A store signals a refusal by raising :class:`StoreError` with an
NMS exception id and one value per %N of its text (the server answers with a ``requestError`` and the
exception's HTTP status).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from . import models

# what a store returns besides NMS models is static runtime, re-exported here as part of the store interface
from ._runtime.values import Answer as Answer  # noqa: PLC0414
from ._runtime.values import Payload as Payload  # noqa: PLC0414

# fmt: off
# The clauses this module realises, by operationId (its MessageStore method) and by exception id (EXCEPTIONS).
CLAUSES: dict[str, tuple[str, ...]] = {
    "CreateThing": ("C-1",),
    "GetThing": ("C-1",),
    "DeleteThing": ("C-1",),
    "SVC0001": ("C-1",),
    "SVC0004": ("C-1",),
    "SVC2003": ("C-1",),
    "POL0001": ("C-1",),
}
# fmt: on


@dataclass(frozen=True)
class Context:
    """Who calls, on which box, as the server established it before calling the store."""

    store_name: str
    box_id: str  # the boxId path variable, percent-decoded once
    interface: str  # MCData-7 or MCData-8
    subject: str  # the caller: the MCData ID (MCData-7) or the client id (MCData-8)
    box_url: str  # absolute URL of the box, for building resourceURLs: https://host/nms/v1/{storeName}/{boxId}


@dataclass
class StoreError(Exception):
    """A refusal: the NMS exception id, one value per %1, %2, ... of its text, and links (e.g. rel "folder")."""

    exception_id: str
    variables: list[str] = field(default_factory=list)
    status: int | None = None  # default: the exception's HTTP status from the model
    links: list[tuple[str, str]] = field(default_factory=list)  # (rel, href)

    def __post_init__(self) -> None:
        known = EXCEPTIONS.get(self.exception_id)
        if known is not None and len(self.variables) != placeholders(known.text):
            raise ValueError(
                f"{self.exception_id} {known.text!r} takes {placeholders(known.text)} variable(s), "
                f"not {len(self.variables)}"
            )

    def __str__(self) -> str:
        return f"{self.exception_id} {self.variables}"


class ExceptionEntry(NamedTuple):
    """An NMS exception of the model (spec/exceptions.yaml)."""

    kind: str  # "service" (ServiceException) or "policy" (PolicyException)
    text: str  # with %1, %2, ... for its variables
    status: int  # the HTTP status it is answered with


EXCEPTIONS: dict[str, ExceptionEntry] = {
    "SVC0001": ExceptionEntry("service", "A service error occurred. Error code is %1", 400),
    "SVC0004": ExceptionEntry("service", "No valid addresses provided in message part %1", 404),
    "SVC2003": ExceptionEntry("service", "Invalid access token", 401),
    "POL0001": ExceptionEntry("policy", "A policy error occurred. Error code is %1", 403),
}
MAX_TEXT = 1024  # the model's limit for ServiceException/PolicyException text and variables
MAX_VARIABLE = 256  # a variable echoed into an answer is clipped to this many characters
MAX_HREF = 2048


def placeholders(text: str) -> int:
    """How many variables an exception's text takes: its highest %N."""
    return max((int(n) for n in re.findall(r"%(\d+)", text)), default=0)


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "\u2026"


def request_error(
    exception_id: str, variables: Sequence[str] = (), links: Sequence[tuple[str, str]] = (), *, expand: bool = True
) -> models.RequestError:
    """A valid requestError for an exception of the model: values echoed from the request are clipped to the
    model's limits and over-long links left out, so an error answer always matches the document.
    ``expand`` substitutes %1, %2, ... in the text (bulk answer items keep the placeholders, as TS14 App. D)."""
    kind, text, _ = EXCEPTIONS[exception_id]
    values = [_clip(v, MAX_VARIABLE) for v in variables]
    if expand:
        for i, value in enumerate(values, 1):
            text = text.replace(f"%{i}", value)
    detail: dict[str, object] = {"messageId": exception_id, "text": _clip(text, MAX_TEXT)}
    if values:
        detail["variables"] = values
    error: dict[str, object] = {}
    kept = [{"rel": rel, "href": href} for rel, href in links if len(href) <= MAX_HREF]
    if kept:
        error["link"] = kept
    error["serviceException" if kind == "service" else "policyException"] = detail
    return models.RequestError.model_validate(error)


class MessageStore(Protocol):
    def create_thing(self, ctx: Context, body: models.Thing) -> models.Thing:
        """Create a thing. (POST /nms/v1/{storeName}/{boxId}/things; CreateThing).

        Outcomes: 201 Thing.
        """
        ...

    def get_thing(self, ctx: Context, thing_id: str, colour: models.Colour | None) -> models.Thing:
        """Read a thing. (GET /nms/v1/{storeName}/{boxId}/things/{thingId}; GetThing).

        Outcomes: 200 Thing.
        """
        ...

    def delete_thing(self, ctx: Context, thing_id: str) -> None:
        """Delete a thing. (DELETE /nms/v1/{storeName}/{boxId}/things/{thingId}; DeleteThing).

        Outcomes: 204.
        """
        ...
