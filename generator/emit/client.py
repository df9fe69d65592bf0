"""Stage 5e — emit the typed clients: IR -> ``<package>/client.py`` (sync and async, one template macro).

Everything a template needs is computed here: argument lists, the request path expression, how the
body is sent, the return annotation, and cursor iterators for the operations that page (a request
``fromCursor`` and an answer ``cursor``, OMA NMS 5.1.10). These are :class:`~generator.escape.Code`
fragments: model strings enter them only as Python literals (``py_literal``) or checked identifiers
(the names :mod:`generator.server_view` computed, ``py_identifier``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import server_view as sv
from ..escape import Code, py_identifier, py_literal
from ..ir import model as m
from ..ir.names import body_schema_name, error_class
from .openapi import body_types
from .render import format_python, render


@dataclass
class Iterator_:
    name: Code
    op: str
    what: str
    args: Code
    item: Code
    call: Code
    items: Code
    cursor: Code


def _path_expr(op: sv.OperationView, prefix: str) -> Code:
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


def _client(op: sv.OperationView, prefix: str) -> None:
    """Fill the client fields of ``op``."""
    args = [f"{p.py}: str" for p in op.path_params]
    if op.request in ("json", "json-or-multipart"):
        args.append(f"body: {op.request_inner}")
    elif op.request == "multipart":
        args.append(f"body: {op.root_part['inner']}")
    keyword = [f"{p['py']}: {p['annotation']}" + (" = ()" if p["array"] else " = None") for p in op.payload_parts]
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
    for q in op.query_params:
        q.client_value = Code(f"{q.py}.value" if q.annotation.startswith("models.") else q.py)
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
        parts = [
            f'({py_literal(root["name"])}, (None, _json_body({py_literal(root["root"])}, body), "application/json"))'
        ]
        for p in op.payload_parts:
            name = py_literal(p["name"])
            if p["array"]:
                parts.append(
                    f'*(({name}, (None, x.content, x.media_type) if x is not None else (None, b"", '
                    f'"application/octet-stream")) for x in {p["py"]})'
                )
            else:
                parts.append(
                    f"*([({name}, (None, {p['py']}.content, {p['py']}.media_type))] if {p['py']} is not None else [])"
                )
        files = "files=[" + ", ".join(parts) + "]"
        if op.request == "json-or-multipart":
            cond = " or ".join(f"{p['py']} is not None" for p in op.payload_parts) or "False"
            kwargs = (
                f", **({{{files.replace('files=', chr(34) + 'files' + chr(34) + ': ', 1)}}} if {cond} else "
                f'{{"content": _json_body({root_literal}, body), "headers": {{"Content-Type": '
                f'"application/json"}}}})'
            )
        else:
            kwargs = ", " + files
    if op.query_params:
        kwargs += ", params=params"
    op.client_args = [Code(a) for a in args]
    op.client_path = _path_expr(op, prefix)
    op.client_kwargs = Code(kwargs)


def _item_paths(model: m.Model, type_name: str) -> list[tuple[str, str | None, str]]:
    """Where the entries of a page are: (field, nested array field or None, item type)."""
    t = model.types[type_name]
    out: list[tuple[str, str | None, str]] = []
    for f in t.fields:
        ft = model.types.get(f.type)
        if f.array and ft is not None and ft.kind == "complex":
            out.append((f.name, None, f.type))
        elif ft is not None and f.type.endswith("ReferenceList"):
            inner = next((g for g in ft.fields if g.array), None)
            if inner is not None:
                out.append((f.name, inner.name, inner.type))
    return out


def _iterators(model: m.Model, ops: list[sv.OperationView], async_: bool) -> list[Iterator_]:
    out = []
    for op in ops:
        if len(op.outcomes) != 1:
            continue
        pages = [i.removeprefix("models.") for i in op.outcomes[0].inner]
        if not any("cursor" in model.types[p].field_names for p in pages):
            continue
        request_type = model.types.get(op.request_inner.removeprefix("models."))
        body_cursor = request_type is not None and "fromCursor" in request_type.field_names
        query_cursor = any(q.name == "fromCursor" for q in op.query_params)
        if not (body_cursor or query_cursor):
            continue
        aw = "await " if async_ else ""
        paths = {p: _item_paths(model, p) for p in pages}
        item_types = sorted({t for ps in paths.values() for _, _, t in ps})
        exprs = []
        for page_type, ps in paths.items():
            parts = []
            for field_name, nested_name, _ in ps:
                fld, nested = py_identifier(field_name), nested_name and py_identifier(nested_name)
                if not nested:
                    parts.append(f"*(page.{fld} or [])")
                else:
                    parts.append(f"*((page.{fld}.{nested} or []) if page.{fld} is not None else [])")
            exprs.append((page_type, "[" + ", ".join(parts) + "]"))
        if len(exprs) == 1:
            items = exprs[0][1]
        else:
            items = " if ".join(
                [exprs[0][1], f"isinstance(page, models.{py_identifier(exprs[0][0])}) else {exprs[1][1]}"]
            )
        cursor_types = [p for p in pages if "cursor" in model.types[p].field_names]
        cursor = (
            "page.cursor"
            if len(cursor_types) == len(pages)
            else f"page.cursor if isinstance(page, models.{py_identifier(cursor_types[0])}) else None"
        )
        path_args = [p.py for p in op.path_params]
        if body_cursor:
            args = ", ".join([*(f"{p}: str" for p in path_args), f"body: {op.request_inner}"])
            call = (
                f"page = {aw}self.{op.name}({''.join(p + ', ' for p in path_args)}"
                f"body.model_copy(update={{'fromCursor': cursor}}) if cursor else body)"
            )
        else:
            args = ", ".join([*(f"{p}: str" for p in path_args), "**query: Any"])
            call = f"page = {aw}self.{op.name}({''.join(p + ', ' for p in path_args)}from_cursor=cursor, **query)"
        out.append(
            Iterator_(
                name=py_identifier(f"iter_{op.name}"),
                op=op.id,
                what=" or ".join(item_types) + " entry",
                args=Code(args),
                item=Code(" | ".join(f"models.{py_identifier(t)}" for t in item_types)),
                call=Code(call),
                items=Code(items),
                cursor=Code(cursor),
            )
        )
    return out


def emit(model: m.Model) -> dict[str, str]:
    ops = sv.operations(model)
    prefix = sv.server_path(model)
    base = prefix + "/{storeName}/{boxId}"
    for op in ops:
        _client(op, base)
    bodies = sorted(body_types(model))
    statuses = sorted(
        {r.status for op in model.operations for r in op.responses if r.status >= 400}
        | {c.status for c in model.auth.challenges}
        | {model.api.method_not_allowed.status}
        | {r.status for r in model.api.common_responses}
    )
    text = render(
        "client/client.py.jinja",
        operations=ops,
        bodies=[{"name": t, "body": body_schema_name(t), "root": model.types[t].root} for t in bodies],
        server_path=prefix,
        error_classes=[(s, error_class(s)) for s in statuses],
        iterators=_iterators(model, ops, False),
        iterators_async=_iterators(model, ops, True),
        client_credentials_clauses=next(
            (sc.clauses for sc in model.auth.schemes.values() if sc.type == "oauth2-client-credentials"), []
        ),
    )
    return format_python({f"{model.package_dir}/client.py": text}, model.api.package)
