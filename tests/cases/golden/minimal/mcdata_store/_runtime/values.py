# copied unchanged from nmsgen's templates/runtime/ - do not edit
"""What a store returns besides NMS models, and the rows of the tables the generated server and clients read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from pydantic import BaseModel

from .._base import NmsModel


@dataclass(frozen=True)
class Payload:
    """Binary content: an object payload, a payload part, or an uploaded attachment."""

    content: bytes
    media_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Answer:
    """An operation outcome when the operation has several (status and body chosen by the store)."""

    status: int
    body: NmsModel | None = None  # None for no body, and for the Empty dummy ({"empty": null}) the server writes
    location: str | None = None  # for 201 answers without a resourceURL in the body


class Outcome(NamedTuple):
    """One outcome of an operation, for one HTTP status."""

    types: tuple[type[BaseModel], ...] = ()  # the NMS types its JSON body may carry; () = no JSON body
    payload: bool = False  # the body is binary content (a Payload)
    location: bool = False  # the answer carries a Location header


class Body(NamedTuple):
    """An NMS type that travels as a JSON body: in its root element, through its root-wrapped body class."""

    inner: type[BaseModel]  # the NMS type
    wrapper: type[NmsModel]
    root: str
