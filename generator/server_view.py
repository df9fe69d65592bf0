"""What the server and store templates read: per-operation names, Python types and outcomes.

Derived once from the IR so that templates contain no logic: snake_case names, parameter
annotations, how the request body arrives (JSON, multipart, none), what the store returns
(a model, a union, ``None``, a :class:`Payload`, or an ``Answer`` when the operation has several
outcomes), and the auth and error tables as plain Python data.

Code fragments (names, annotations, argument lists, expressions) are :class:`~generator.escape.Code` built
here from checked identifiers (``py_identifier``) and Python literals (``py_literal``) only; model text
(summaries, paths, ids) stays plain ``str`` and the templates escape it for where they put it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .escape import NO_CODE, Code, py_identifier, py_literal
from .ir import model as m
from .ir.names import body_schema_name, py_type, snake


@dataclass
class Param:
    name: str  # wire name
    py: Code  # Python name
    annotation: Code
    required: bool
    array: bool
    location: str
    parse: Code = NO_CODE  # the server's expression that reads and checks a query parameter
    client_value: Code = NO_CODE  # the client's expression that puts it into the query


@dataclass
class Outcome:
    status: int
    bodies: list[str]  # body classes (root-wrapped), e.g. ["ReferenceBody", "ObjectBody"]
    inner: list[Code]  # the NMS types the store returns, e.g. ["models.Reference", "models.Object"]
    payload: bool  # a binary payload instead of JSON
    location: bool  # the answer carries a Location header

    @property
    def inner_names(self) -> list[str]:
        return [i.removeprefix("models.") for i in self.inner]


@dataclass
class OperationView:
    id: str
    method: str
    name: Code  # the store method and route function
    path: str  # FastAPI path, including the server URL's path
    summary: str
    clauses: tuple[str, ...]
    interfaces: tuple[str, ...]
    path_params: list[Param]
    query_params: list[Param]
    request: str  # "none", "json", "multipart", "json-or-multipart", "optional-json"
    request_body: str  # JSON body class, e.g. "SelectionCriteriaBody" ("" when none)
    request_inner: Code  # the NMS type handed to the store, e.g. "models.SelectionCriteria"
    request_root: str  # its JSON root element
    parts: list[dict[str, Any]]  # multipart parts: name, body class, inner, array, required
    outcomes: list[Outcome]
    returns: Code  # the store method's return annotation
    answer: bool  # the store returns an Answer (several outcomes)
    store_args: list[Code] = field(default_factory=list)  # the store method's parameters after ctx
    call_args: list[Code] = field(default_factory=list)  # keyword arguments of the server's store call
    # the client's method (emit_client fills these)
    client_args: list[Code] = field(default_factory=list)
    client_path: Code = NO_CODE  # Python expression of the path below the box
    client_kwargs: Code = NO_CODE  # the rest of the request: body, files, params

    @property
    def root_part(self) -> dict[str, Any]:
        return next(p for p in self.parts if p["body"])

    @property
    def payload_parts(self) -> list[dict[str, Any]]:
        return [p for p in self.parts if not p["body"]]

    @property
    def success_statuses(self) -> list[int]:
        return [o.status for o in self.outcomes]


def _outcomes(model: m.Model, op: m.Operation) -> list[Outcome]:
    out = []
    for r in op.responses:
        types = [b.type for b in r.bodies if b.type and b.type != m.ERROR_BODY_TYPE]
        payload = any(b.type is None and b.media != "multipart/form-data" for b in r.bodies)
        if r.status >= 300 and not types:
            continue  # an error answer: raised by the store as a StoreError
        out.append(
            Outcome(
                r.status,
                [body_schema_name(t) for t in types],
                [py_type(t) for t in types],
                payload,
                "Location" in r.headers,
            )
        )
    return out


def _returns(outcomes: list[Outcome]) -> tuple[Code, bool]:
    if len(outcomes) != 1:
        return Code("Answer"), True
    o = outcomes[0]
    if o.payload:
        return Code("Payload"), False
    if not o.inner:
        return Code("None"), False
    return Code(" | ".join(o.inner)), False


def operation_view(model: m.Model, op: m.Operation, server_path: str) -> OperationView:
    def param(p: m.Parameter) -> Param:
        ann = py_type(p.type)
        if p.array:
            ann = Code(f"list[{ann}]")
        return Param(
            p.name,
            py_identifier(snake(p.name)),
            ann,
            p.required or p.location == "path",
            p.array,
            p.location,
        )

    def parse(q: Param, p: m.Parameter) -> Code:
        t = p.type
        name = py_literal(q.name)
        if q.array:
            return Code(f"_query_list(request, {name}, {py_literal(p.max_items or model.api.limits.array)})")
        if t in model.enums:
            return Code(f"_query_enum(request, {name}, models.{py_identifier(t)})")
        if t in ("unsignedInt", "unsignedLong", "unsignedShort"):
            maximum = {"unsignedShort": 2**16 - 1, "unsignedInt": 2**32 - 1, "unsignedLong": 2**63 - 1}[t]
            return Code(f"_query_int(request, {name}, {maximum})")
        if q.required:
            return Code(f"_query_required(request, {name})")
        return Code(f"_query_str(request, {name})")

    base = {bp.name for bp in model.api.base_parameters}
    path_params = [param(p) for p in op.path_parameters if p.name not in base]
    query = [param(p) for p in op.query_parameters]
    for q, p in zip(query, op.query_parameters, strict=True):
        q.parse = parse(q, p)
    media = {b.media: b for b in op.request}
    json_body = media.get("application/json")
    multipart = media.get("multipart/form-data")
    if json_body and multipart:
        request = "json-or-multipart"
    elif multipart:
        request = "multipart"
    elif json_body:
        request = "json" if op.request_required else "optional-json"
    else:
        request = "none"
    body_type = json_body.type if json_body and json_body.type else ""
    parts: list[dict[str, Any]] = []
    if multipart:
        for part in multipart.parts:
            parts.append(
                {
                    "name": part.name,
                    "py": py_identifier(snake(part.name.replace("-", "_"))),
                    "array": part.array,
                    "annotation": Code("list[Payload | None]" if part.array else "Payload | None"),
                    "required": part.required,
                    "body": body_schema_name(part.type) if part.type else "",
                    "inner": py_type(part.type) if part.type else Code("Payload"),
                    "root": model.types[part.type].root if part.type else "",
                }
            )
    outcomes = _outcomes(model, op)
    returns, answer = _returns(outcomes)
    view = OperationView(
        id=op.id,
        method=op.method,
        name=py_identifier(snake(op.id)),
        path=server_path + op.path,
        summary=op.summary,
        clauses=op.clauses,
        interfaces=op.interfaces,
        path_params=path_params,
        query_params=query,
        request=request,
        request_body=body_schema_name(body_type) if body_type else "",
        request_inner=py_type(body_type) if body_type else Code(),
        request_root=(model.types[body_type].root or "") if body_type else "",
        parts=parts,
        outcomes=outcomes,
        returns=returns,
        answer=answer,
    )
    args = [(p.py, p.annotation) for p in path_params]
    if request in ("json", "json-or-multipart") and body_type:
        args.append((Code("body"), view.request_inner))
    elif request == "multipart":
        args.append((Code("body"), view.root_part["inner"]))
    args += [(part["py"], part["annotation"]) for part in view.payload_parts]
    for q in query:
        ann = q.annotation if q.required else (q.annotation if q.array else Code(f"{q.annotation} | None"))
        args.append((q.py, ann))
    view.store_args = [Code(f"{name}: {ann}") for name, ann in args]
    view.call_args = [Code(f"{name}={name}") for name, _ in args]
    return view


def server_path(model: m.Model) -> str:
    """The path part of the server URL ('{apiRoot}/nms/v1' -> '/nms/v1')."""
    url = model.api.server_url
    return url.split("}", 1)[1] if url.startswith("{") else url


def operations(model: m.Model) -> list[OperationView]:
    prefix = server_path(model)
    return [operation_view(model, op, prefix) for op in model.operations]
