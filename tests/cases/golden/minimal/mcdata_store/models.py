# generated from spec/ by nmsgen - do not edit
# pydantic v2 models of the NMS types, made by datamodel-code-generator.

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field, RootModel

from mcdata_store._base import NmsEnum, NmsModel


class Colour(NmsEnum):
    """
    A colour.

    Clauses: C-1.
    """

    Red = "Red"
    Blue = "Blue"


class Empty(RootModel[dict[str, Any]]):
    """
    Nothing.

    Clauses: C-1.

    Encoded as JSON null (an empty XML element).
    """

    root: Annotated[dict[str, Any], Field(max_length=0)]


class Variable(RootModel[str]):
    root: Annotated[str, Field(max_length=1024)]


class ExceptionDetail(NmsModel):
    """
    Exception details.

    Clauses: C-1.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    messageId: Annotated[str, Field(description="Id.", max_length=1024)]
    text: Annotated[str, Field(description="Text.", max_length=1024)]
    variables: Annotated[list[Variable] | None, Field(description="Variables.", max_length=1000)] = None


class RequestError(NmsModel):
    """
    An error.

    Clauses: C-1.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "x-nmsgen-choices": [{"members": ["serviceException", "policyException"], "required": True}]
        },
    )
    serviceException: Annotated[ExceptionDetail | None, Field(description="A service exception.")] = None
    policyException: Annotated[ExceptionDetail | None, Field(description="A policy exception.")] = None


class RequestErrorBody(NmsModel):
    """
    The JSON body carrying a RequestError in its root element `requestError` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, C-1.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    requestError: RequestError


class Tag(RootModel[str]):
    root: Annotated[str, Field(max_length=1024)]


class Thing(NmsModel):
    """
    A thing.

    Clauses: C-1.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    name: Annotated[str, Field(description="Its name.", max_length=1024)]
    tags: Annotated[list[Tag] | None, Field(description="Its tags.", max_length=1000)] = None
    size: Annotated[int | None, Field(description="Its size.", ge=0, le=9223372036854775807)] = None


class ThingBody(NmsModel):
    """
    The JSON body carrying a Thing in its root element `thing` (OMA NMS JSON encoding).

    Clauses: OMA-COMMON-JSON, C-1.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    thing: Thing
