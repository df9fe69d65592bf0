# copied unchanged from nmsgen's templates/runtime/ - do not edit
"""How the generated server reads a request. Every check that fails raises :class:`BadRequest` naming the
offending part, which the server answers 400 SVC0002.

Bodies are read within a byte limit (the declared Content-Length first, then what arrives); JSON is taken
strictly (no 0 for false, no "5" for 5) and may not send a member the server assigns (``readOnly`` in the
document); multipart/form-data parts keep their own Content-Type and bytes; path and query parameters are
checked against the document's limits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from .values import Payload

E = TypeVar("E", bound=Enum)
ReadOnly = Mapping[type[BaseModel], tuple[str, ...]]  # NMS type -> its members only the server assigns


class BadRequest(Exception):
    """Invalid input: answered 400 SVC0002 naming the offending part."""

    def __init__(self, part: str) -> None:
        super().__init__(part)
        self.part = part


@dataclass
class Part:
    """One part of a multipart/form-data body, with its own headers and raw bytes."""

    name: str
    content_type: str
    data: bytes


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused when it is (or is declared) longer than ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise BadRequest("body (too large)")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise BadRequest("body (too large)")
    return bytes(data)


def refuse_read_only(value: Any, where: str, read_only: ReadOnly) -> None:
    """Refuse a member the server assigns (``readOnly`` in the document) anywhere in a request value."""
    if isinstance(value, list):
        for item in value:
            refuse_read_only(item, where, read_only)
    elif isinstance(value, BaseModel):
        assigned = read_only.get(type(value), ())
        for name in sorted(value.model_fields_set):
            if name in assigned:
                raise BadRequest(f"{where}{name} (read-only)")
            refuse_read_only(getattr(value, name), f"{where}{name}/", read_only)


def error_location(e: ValidationError) -> str:
    """Where the first error of ``e`` is, as a path ("body" when pydantic names none)."""
    first = e.errors()[0]
    return "/".join(str(p) for p in first["loc"]) or "body"


def parse_json(
    raw: bytes, cls: type[BaseModel], check: type[BaseModel] | None, read_only: ReadOnly, where: str = ""
) -> Any:
    """The root element's value of the JSON ``raw`` as ``cls`` (a root-wrapped body class), after it passed
    ``check``: the document's request variant of the body, with the constraints only requests must meet.
    JSON types are taken strictly (no 0 for false, no "5" for 5), and no read-only member may be sent."""
    try:
        if check is not None:
            check.model_validate_json(raw, strict=True)
        body = cls.model_validate_json(raw, strict=True)
    except ValidationError as e:
        raise BadRequest(where + error_location(e)) from e
    (root,) = type(body).model_fields
    value = getattr(body, root)
    refuse_read_only(value, f"{where}{root}/", read_only)
    return value


async def multipart(request: Request, max_body_bytes: int, max_parts: int) -> list[Part]:
    """The parts of a multipart/form-data body. Unlike form parsing, a part without a filename keeps its
    Content-Type and bytes (NMS sends its payload part so: name="attachments", no filename)."""
    media, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if media.lower() != b"multipart/form-data" or not boundary:
        raise BadRequest("Content-Type (multipart/form-data with a boundary expected)")
    raw = await read_body(request, max_body_bytes)
    parts: list[Part] = []
    headers: dict[str, str] = {}
    field: list[bytes] = []
    value: list[bytes] = []
    data = bytearray()

    def on_part_begin() -> None:
        headers.clear()
        data.clear()

    def on_header_field(b: bytes, start: int, end: int) -> None:
        field.append(b[start:end])

    def on_header_value(b: bytes, start: int, end: int) -> None:
        value.append(b[start:end])

    def on_header_end() -> None:
        headers[b"".join(field).decode("latin-1").lower()] = b"".join(value).decode("latin-1")
        field.clear()
        value.clear()

    def on_part_data(b: bytes, start: int, end: int) -> None:
        data.extend(b[start:end])

    def on_part_end() -> None:
        if len(parts) >= max_parts:
            raise BadRequest("multipart body (too many parts)")
        _, disposition = parse_options_header(headers.get("content-disposition", ""))
        name = disposition.get(b"name", b"").decode("utf-8", "replace")
        parts.append(Part(name, headers.get("content-type", ""), bytes(data)))

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    try:
        parser.write(raw)
        parser.finalize()
    except (ValueError, MultipartParseError) as e:
        raise BadRequest("multipart body") from e
    return parts


@dataclass(frozen=True)
class BodyReader:
    """Reads the request bodies of one application within its limits."""

    max_json_bytes: int
    max_body_bytes: int  # a multipart body, payloads included
    max_parts: int
    read_only: ReadOnly = field(default_factory=dict)

    async def json(
        self, request: Request, cls: type[BaseModel], *, optional: bool = False, check: type[BaseModel] | None = None
    ) -> Any:
        """The root element's value of a JSON body of ``cls`` (a root-wrapped body class) that passed ``check``;
        None for an ``optional`` body that is empty."""
        raw = await read_body(request, self.max_json_bytes)
        if optional and not raw.strip():
            return None
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/json":
            raise BadRequest("Content-Type (application/json expected)")
        return parse_json(raw, cls, check, self.read_only)

    async def multipart(self, request: Request) -> list[Part]:
        return await multipart(request, self.max_body_bytes, self.max_parts)

    def part_json(self, part: Part, cls: type[BaseModel], check: type[BaseModel] | None = None) -> Any:
        """The root element's value of a JSON part (the root fields of a multipart request)."""
        return parse_json(part.data, cls, check, self.read_only, "root-fields/")


def part_payload(part: Part) -> Payload | None:
    """The content of a payload part; None for an empty part."""
    if not part.data:
        return None  # an object without payload: an empty part (OMA NMS 6.9.5)
    return Payload(part.data, part.content_type or "application/octet-stream")


def path_param(request: Request, name: str, max_length: int, pattern: re.Pattern[str] | None) -> str:
    """A path parameter within the document's limits (its maxLength and pattern)."""
    value: str = request.path_params[name]
    if len(value) > max_length or (pattern is not None and pattern.search(value) is None):
        raise BadRequest(name)
    return value


def query_int(request: Request, name: str, maximum: int) -> int | None:
    """An optional non-negative integer query parameter, at most ``maximum``."""
    value = request.query_params.get(name)
    if value is None:
        return None
    if not value.isdigit() or int(value) > maximum:
        raise BadRequest(name)
    return int(value)


def query_str(request: Request, name: str, max_length: int) -> str | None:
    """An optional string query parameter of at most ``max_length`` characters."""
    value = request.query_params.get(name)
    if value is not None and len(value) > max_length:
        raise BadRequest(name)
    return value


def query_required(request: Request, name: str, max_length: int) -> str:
    """A required string query parameter of at most ``max_length`` characters."""
    value = query_str(request, name, max_length)
    if value is None:
        raise BadRequest(name)
    return value


def query_enum(request: Request, name: str, enum: type[E]) -> E | None:
    """An optional query parameter that takes one of the values of ``enum``."""
    value = request.query_params.get(name)
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError as e:
        raise BadRequest(name) from e


def query_list(request: Request, name: str, max_items: int, max_length: int) -> list[str]:
    """A repeated query parameter: at most ``max_items`` values of at most ``max_length`` characters."""
    values = request.query_params.getlist(name)
    if len(values) > max_items or any(len(v) > max_length for v in values):
        raise BadRequest(name)
    return values
