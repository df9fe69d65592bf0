"""The index: the facts derived from the IR, computed once per model and frozen.

What several emitters and reports need, so that none of them recomputes it or writes into a shared
view (as Smithy's knowledge indexes do): per operation its Python names, parameters, how the request
body arrives (JSON, multipart, none), what the store returns (a model, a union, ``None``, a ``Payload``,
or an ``Answer`` when the operation has several outcomes), the store method's signature, and how the
client sends it; the types carried as bodies; where each type travels (request, response); the error
answers of each operation; the deployment settings. Templates read these views and contain no logic.

Code fragments (names, annotations, argument lists, expressions) are :class:`~generator.escape.Code` built
here from checked identifiers (``py_identifier``) and Python literals (``py_literal``) only; model text
(summaries, paths, ids) stays plain ``str`` and the templates escape it for where they put it.

:func:`of` builds the index of a model once and returns the same one afterwards; build it only for a model
that ``validate`` accepted (the names it turns into code must be identifiers).
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..escape import Code, py_identifier, py_literal
from . import answers
from . import model as m
from .names import body_schema_name, py_type, snake

RequestKind = Literal["none", "json", "multipart", "json-or-multipart", "optional-json"]


@dataclass(frozen=True)
class Param:
    name: str  # wire name
    py: Code  # Python name
    annotation: Code
    required: bool
    array: bool
    location: str
    parse: Code  # the server's expression that reads and checks a query parameter ("" for path parameters)
    client_value: Code  # the client's expression that puts it into the query ("" for path parameters)


@dataclass(frozen=True)
class Outcome:
    status: int
    bodies: tuple[str, ...]  # body classes (root-wrapped), e.g. ("ReferenceBody", "ObjectBody")
    inner: tuple[Code, ...]  # the NMS types the store returns, e.g. ("models.Reference", "models.Object")
    payload: bool  # a binary payload instead of JSON
    location: bool  # the answer carries a Location header

    @property
    def inner_names(self) -> list[str]:
        return [i.removeprefix("models.") for i in self.inner]

    @property
    def row(self) -> Code:
        """This outcome as a row of the generated OUTCOMES tables (the runtime's ``Outcome``)."""
        args = ["(" + ", ".join(self.inner) + ("," if len(self.inner) == 1 else "") + ")"] if self.inner else []
        args += ["payload=True"] if self.payload else []
        args += ["location=True"] if self.location else []
        return Code(f"Outcome({', '.join(args)})")


@dataclass(frozen=True)
class PartView:
    """One part of a multipart request body, as the server reads it and the client sends it."""

    name: str  # Content-Disposition name
    py: Code  # the store method's argument
    array: bool
    annotation: Code
    required: bool
    body: str  # the root-wrapped body class of a JSON part ("" for a payload part)
    inner: Code  # the NMS type (or Payload) handed to the store
    root: str  # the JSON root element of a JSON part


@dataclass(frozen=True)
class BodyView:
    """A type carried as a root-wrapped body: its class, and the root element that wraps it."""

    name: str  # the NMS type
    body: str  # the body class, e.g. "ObjectBody"
    root: str | None  # its JSON root element


@dataclass(frozen=True)
class OperationView:
    id: str
    method: str
    name: Code  # the store method, the route function and the client method
    path: str  # FastAPI path, including the server URL's path
    summary: str
    clauses: tuple[str, ...]
    interfaces: tuple[str, ...]
    path_params: tuple[Param, ...]  # those below the base path (storeName and boxId are the server's)
    query_params: tuple[Param, ...]
    request: RequestKind
    request_body: str  # JSON body class, e.g. "SelectionCriteriaBody" ("" when none)
    request_inner: Code  # the NMS type handed to the store, e.g. "models.SelectionCriteria"
    request_root: str  # its JSON root element
    parts: tuple[PartView, ...]  # multipart parts
    outcomes: tuple[Outcome, ...]
    returns: Code  # the store method's return annotation
    answer: bool  # the store returns an Answer (several outcomes)
    store_args: tuple[Code, ...]  # the store method's parameters after ctx
    call_args: tuple[Code, ...]  # keyword arguments of the server's store call
    client_args: tuple[Code, ...]  # the client method's parameters after self
    client_path: Code  # Python expression of the path below the box
    client_kwargs: Code  # the rest of the client's request: body, files, params

    @property
    def root_part(self) -> PartView:
        return next(p for p in self.parts if p.body)

    @property
    def payload_parts(self) -> list[PartView]:
        return [p for p in self.parts if not p.body]

    @property
    def success_statuses(self) -> list[int]:
        return [o.status for o in self.outcomes]

    @property
    def result_types(self) -> Code:
        """The classes of the store method's return annotation, as arguments ("" for None): what a client
        method checks the decoded answer against."""
        if self.answer:
            return Code("Answer")
        if self.outcomes[0].payload:
            return Code("Payload")
        return Code(", ".join(self.outcomes[0].inner))

    @property
    def store_signature(self) -> str:
        """The ``MessageStore`` method as the generated ``store.py`` declares it (what implementers write)."""
        return f"{self.name}({', '.join(['self', 'ctx: Context', *self.store_args])}) -> {self.returns}"


@dataclass(frozen=True, eq=False)
class Index:
    model: m.Model
    server_path: str  # the path part of the server URL ('{apiRoot}/nms/v1' -> '/nms/v1')
    operations: tuple[OperationView, ...]  # every operation of the server resources, in model order
    body_types: tuple[str, ...]  # types carried as root-wrapped bodies or multipart parts, sorted
    bodies: tuple[BodyView, ...]  # the same, with their body class and root element
    directions: dict[str, frozenset[str]]  # type or enum -> where its values travel: request, response
    error_answers: dict[str, tuple[answers.Answer, ...]]  # operationId (callbacks included) -> its error answers
    settings: dict[str, m.Setting]  # the deployment settings generated code reads (no description-only ones)
    request_types: frozenset[str]  # types with a request variant (``<Type>Request``: request-only constraints)

    @property
    def store_methods(self) -> dict[str, str]:
        """The generated ``MessageStore`` Protocol: method name -> signature."""
        return {op.name: op.store_signature for op in self.operations}


_INDEXES: weakref.WeakKeyDictionary[m.Model, Index] = weakref.WeakKeyDictionary()


def of(model: m.Model) -> Index:
    """The index of ``model``, built on first use and the same afterwards."""
    found = _INDEXES.get(model)
    if found is None:
        found = _INDEXES[model] = _build(model)
    return found


def _build(model: m.Model) -> Index:
    prefix = server_path(model)
    carried = tuple(sorted(body_types(model)))
    return Index(
        model=model,
        server_path=prefix,
        operations=tuple(_operation(model, op, prefix) for op in model.operations),
        body_types=carried,
        bodies=tuple(BodyView(t, body_schema_name(t), model.types[t].root) for t in carried),
        directions=directions(model),
        error_answers={op.id: tuple(answers.error_answers(model, op)) for r in model.resources for op in r.operations},
        settings={k: v for k, v in model.auth.settings.items() if not v.plain},
        request_types=request_types(model),
    )


def request_types(model: m.Model) -> frozenset[str]:
    """The types with a request variant (``<Type>Request``): those that requests carry and that have request-only
    constraints (on a field, a choice or a simple type) or a field of such a type."""
    sent = {b.type for r in model.resources for op in r.operations for b in op.request if b.type}
    sent |= {p.type for r in model.resources for op in r.operations for b in op.request for p in b.parts if p.type}
    todo = list(sent)
    while todo:
        t = model.types.get(todo.pop())
        for f in t.fields if t else ():
            if f.type in model.types and f.type not in sent:
                sent.add(f.type)
                todo.append(f.type)
    need = {
        t.name
        for t in model.types.values()
        if t.request is not None
        or any(f.request is not None for f in t.fields)
        or any(c.required_in_requests for c in t.choices)
    }
    grown = True
    while grown:
        more = {t.name for t in model.types.values() if t.name not in need and any(f.type in need for f in t.fields)}
        need |= more
        grown = bool(more)
    return frozenset(need & sent)


def rule_target(model: m.Model, t: m.Type, at: Sequence[str]) -> tuple[m.Type | None, str, tuple[m.Field, ...]]:
    """The type of the values the path ``at`` reaches from ``t`` (each step a field whose type is a complex
    type), or None and what is wrong; and the fields of the path walked."""
    here = t
    walked: tuple[m.Field, ...] = ()
    for i, step in enumerate(at):
        f = next((x for x in here.fields if x.name == step), None)
        if f is None:
            return (
                None,
                f"its path {'.'.join(at)!r} names {step!r}, which is not a field of {here.name!r}"
                + (f" (fields: {', '.join(here.field_names)})" if here.field_names else ""),
                walked,
            )
        walked += (f,)
        nxt = model.types.get(f.type)
        if nxt is None or nxt.kind != "complex":
            rest = ".".join(at[: i + 1])
            return None, f"its path reaches {rest!r}, of type {f.type!r}, which has no fields to test", walked
        here = nxt
    return here, "", walked


def server_path(model: m.Model) -> str:
    """The path part of the server URL ('{apiRoot}/nms/v1' -> '/nms/v1')."""
    url = model.api.server_url
    return url.split("}", 1)[1] if url.startswith("{") else url


def body_types(model: m.Model) -> set[str]:
    """Types carried as (root-wrapped) bodies or multipart parts by some operation or callback."""
    out: set[str] = set()
    for r in model.resources:
        for op in r.operations:
            for b in [*op.request, *(b for resp in op.responses for b in resp.bodies)]:
                out.update(x for x in [b.type, *(p.type for p in b.parts)] if x)
    for resp in [*model.api.common_responses, model.api.method_not_allowed]:
        out.update(b.type for b in resp.bodies if b.type)
    if model.auth.challenges:
        out.add(m.ERROR_BODY_TYPE)  # every auth failure answers with a requestError body
    return out


def _closure(model: m.Model, roots: set[str], stays: str = "") -> set[str]:
    """The types and enums reached from ``roots`` through fields, except those of ``stays`` access (a read-only
    member never travels in requests: the server refuses it; a write-only one never in answers)."""
    seen: set[str] = set()
    todo = [r for r in roots if r]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        t = model.types.get(name)
        if t is not None:
            todo += [f.type for f in t.fields if f.access != stays]
            if t.base:
                todo.append(t.base)
    return seen


def directions(model: m.Model) -> dict[str, frozenset[str]]:
    """type or enum name -> {"request", "response"}: where values of it travel (a notification, the body
    of a callback, travels to the client)."""
    req: set[str] = set()
    resp: set[str] = set()
    for r in model.resources:
        for op in r.operations:
            for b in op.request:
                names = {b.type or ""} | {p.type or "" for p in b.parts}
                (resp if r.kind == "callback" else req).update(names)
            for p in [*op.path_parameters, *op.query_parameters]:
                req.add(p.type)
            for rs in op.responses:
                resp.update({b.type or "" for b in rs.bodies} | {p.type or "" for b in rs.bodies for p in b.parts})
    for rs in [*model.api.common_responses, model.api.method_not_allowed]:
        resp.update(b.type or "" for b in rs.bodies)
    out: dict[str, set[str]] = {}
    for name in _closure(model, req, "read-only"):
        out.setdefault(name, set()).add("request")
    for name in _closure(model, resp, "write-only"):
        out.setdefault(name, set()).add("response")
    return {k: frozenset(v) for k, v in out.items()}


# ---------------------------------------------------------------- one operation


def _outcomes(op: m.Operation) -> tuple[Outcome, ...]:
    out = []
    for r in op.responses:
        types = [b.type for b in r.bodies if b.type and b.type != m.ERROR_BODY_TYPE]
        payload = any(b.type is None and b.media != "multipart/form-data" for b in r.bodies)
        if r.status >= 300 and not types:
            continue  # an error answer: raised by the store as a StoreError
        out.append(
            Outcome(
                r.status,
                tuple(body_schema_name(t) for t in types),
                tuple(py_type(t) for t in types),
                payload,
                "Location" in r.headers,
            )
        )
    return tuple(out)


def _returns(outcomes: tuple[Outcome, ...]) -> tuple[Code, bool]:
    if len(outcomes) != 1:
        return Code("Answer"), True
    o = outcomes[0]
    if o.payload:
        return Code("Payload"), False
    if not o.inner:
        return Code("None"), False
    return Code(" | ".join(o.inner)), False


def _parse(model: m.Model, p: m.Parameter, name: str, required: bool) -> Code:
    """The server's expression that reads query parameter ``p`` and checks it (with the runtime's readers)."""
    wire = py_literal(name)
    longest = py_literal(model.api.limits.string)
    if p.array:
        return Code(f"query_list(request, {wire}, {py_literal(p.max_items or model.api.limits.array)}, {longest})")
    if p.type in model.enums:
        return Code(f"query_enum(request, {wire}, models.{py_identifier(p.type)})")
    if p.type in ("unsignedInt", "unsignedLong", "unsignedShort"):
        maximum = {"unsignedShort": 2**16 - 1, "unsignedInt": 2**32 - 1, "unsignedLong": 2**63 - 1}[p.type]
        return Code(f"query_int(request, {wire}, {maximum})")
    if required:
        return Code(f"query_required(request, {wire}, {longest})")
    return Code(f"query_str(request, {wire}, {longest})")


def _param(model: m.Model, p: m.Parameter) -> Param:
    py = py_identifier(snake(p.name))
    ann = py_type(p.type)
    if p.array:
        ann = Code(f"list[{ann}]")
    required = p.required or p.location == "path"
    if p.location != "query":
        return Param(p.name, py, ann, required, p.array, p.location, Code(), Code())
    client_value = Code(f"{py}.value" if ann.startswith("models.") else py)  # an enum goes as its value
    return Param(p.name, py, ann, required, p.array, p.location, _parse(model, p, p.name, required), client_value)


def _request_kind(op: m.Operation) -> RequestKind:
    media = {b.media for b in op.request}
    if "application/json" in media and "multipart/form-data" in media:
        return "json-or-multipart"
    if "multipart/form-data" in media:
        return "multipart"
    if "application/json" in media:
        return "json" if op.request_required else "optional-json"
    return "none"


def _request_body(op: m.Operation, media: str) -> m.Body | None:
    """The request body of ``op`` with ``media`` (the last one, should the model give several)."""
    return {b.media: b for b in op.request}.get(media)


def _parts(model: m.Model, op: m.Operation) -> tuple[PartView, ...]:
    multipart = _request_body(op, "multipart/form-data")
    if multipart is None:
        return ()
    return tuple(
        PartView(
            name=part.name,
            py=py_identifier(snake(part.name.replace("-", "_"))),
            array=part.array,
            annotation=Code("list[Payload | None]" if part.array else "Payload | None"),
            required=part.required,
            body=body_schema_name(part.type) if part.type else "",
            inner=py_type(part.type) if part.type else Code("Payload"),
            root=(model.types[part.type].root or "") if part.type else "",
        )
        for part in multipart.parts
    )


def _operation(model: m.Model, op: m.Operation, prefix: str) -> OperationView:
    base = {bp.name for bp in model.api.base_parameters}
    path_params = tuple(_param(model, p) for p in op.path_parameters if p.name not in base)
    query = tuple(_param(model, p) for p in op.query_parameters)
    request = _request_kind(op)
    json_body = _request_body(op, "application/json")
    body_type = json_body.type if json_body and json_body.type else ""
    request_inner = py_type(body_type) if body_type else Code()
    parts = _parts(model, op)
    outcomes = _outcomes(op)
    returns, answer = _returns(outcomes)
    args = [(p.py, p.annotation) for p in path_params]
    if request in ("json", "json-or-multipart") and body_type:
        args.append((Code("body"), request_inner))
    elif request == "multipart":
        args.append((Code("body"), next(p for p in parts if p.body).inner))
    args += [(part.py, part.annotation) for part in parts if not part.body]
    for q in query:
        ann = q.annotation if q.required else (q.annotation if q.array else Code(f"{q.annotation} | None"))
        args.append((q.py, ann))
    view = OperationView(
        id=op.id,
        method=op.method,
        name=py_identifier(snake(op.id)),
        path=prefix + op.path,
        summary=op.summary,
        clauses=op.clauses,
        interfaces=op.interfaces,
        path_params=path_params,
        query_params=query,
        request=request,
        request_body=body_schema_name(body_type) if body_type else "",
        request_inner=request_inner,
        request_root=(model.types[body_type].root or "") if body_type else "",
        parts=parts,
        outcomes=outcomes,
        returns=returns,
        answer=answer,
        store_args=tuple(Code(f"{name}: {ann}") for name, ann in args),
        call_args=tuple(Code(f"{name}={name}") for name, _ in args),
        client_args=(),
        client_path=Code(),
        client_kwargs=Code(),
    )
    client_args, client_kwargs = _client_call(view)
    client_path = _client_path(view, prefix + "/{storeName}/{boxId}")
    return dataclasses.replace(view, client_args=client_args, client_path=client_path, client_kwargs=client_kwargs)


# ---------------------------------------------------------------- how the client sends it


def _client_path(op: OperationView, prefix: str) -> Code:
    """The Python expression of the request path below the box."""
    rel = op.path[len(prefix) :]
    out: list[str] = []
    for piece in rel.replace("}", "{").split("{"):
        if not piece:
            continue
        if piece in {p.name for p in op.path_params}:
            py = next(p.py for p in op.path_params if p.name == piece)
            out.append(f"_seg({py})")
        else:
            out.append(py_literal(piece))
    return Code(" + ".join(out) or "''")


def _client_call(op: OperationView) -> tuple[tuple[Code, ...], Code]:
    """The client method's parameters, and the keyword arguments of its request (body, files, params)."""
    args = [f"{p.py}: str" for p in op.path_params]
    if op.request in ("json", "json-or-multipart"):
        args.append(f"body: {op.request_inner}")
    elif op.request == "multipart":
        args.append(f"body: {op.root_part.inner}")
    keyword = [
        f"{p.py}: {'Payload | Sequence[Payload] | None' if not p.array else p.annotation}"
        + (" = ()" if p.array else " = None")
        for p in op.payload_parts
    ]  # a single payload part may carry several payloads: the client nests them (multipart/mixed)
    keyword = [k.replace("list[Payload | None] = ()", "tuple[Payload | None, ...] = ()") for k in keyword]
    for q in op.query_params:
        if q.required:
            keyword.append(f"{q.py}: {q.annotation}")
        else:
            keyword.append(f"{q.py}: {q.annotation} | None = None")
    required_kw = [k for k in keyword if "=" not in k]
    optional_kw = [k for k in keyword if "=" in k]
    if required_kw:
        args += required_kw
    if optional_kw:
        args += ["*", *optional_kw]
    kwargs = ""
    json_kw = ""
    root_literal = py_literal(op.request_root)
    if op.request_root:
        json_kw = f'content=_json_body({root_literal}, body), headers={{"Content-Type": "application/json"}}'
    if op.request == "json":
        kwargs = ", " + json_kw
    elif op.request == "optional-json":
        kwargs = ', content=b\'{"empty":null}\', headers={"Content-Type": "application/json"}'
    elif op.request in ("multipart", "json-or-multipart"):
        root = op.root_part
        parts = [f'({py_literal(root.name)}, (None, _json_body({py_literal(root.root)}, body), "application/json"))']
        for p in op.payload_parts:
            name = py_literal(p.name)
            if p.array:
                parts.append(
                    f'*(({name}, (None, x.content, x.media_type) if x is not None else (None, b"", '
                    f'"application/octet-stream")) for x in {p.py})'
                )
            else:
                parts.append(f"*([({name}, _payload_part({p.py}))] if {p.py} is not None else [])")
        files = "files=[" + ", ".join(parts) + "]"
        if op.request == "json-or-multipart":
            cond = " or ".join(f"{p.py} is not None" for p in op.payload_parts) or "False"
            kwargs = (
                f", **({{{files.replace('files=', chr(34) + 'files' + chr(34) + ': ', 1)}}} if {cond} else "
                f'{{"content": _json_body({root_literal}, body), "headers": {{"Content-Type": '
                f'"application/json"}}}})'
            )
        else:
            kwargs = ", " + files
    if op.query_params:
        kwargs += ", params=params"
    return tuple(Code(a) for a in args), Code(kwargs)
