"""Stage 5e — emit the typed clients: IR -> ``<package>/client.py`` (sync and async, one template macro).

The index gives each operation's client method (argument list, request path expression, how the body
is sent, the return annotation); computed here are the cursor iterators of the operations that page (a
request ``fromCursor`` and an answer ``cursor``, OMA NMS 5.1.10) and the error classes. These are
:class:`~generator.escape.Code` fragments: model strings enter them only as Python literals
(``py_literal``) or checked identifiers (the names the index computed, ``py_identifier``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..escape import Code, py_identifier
from ..ir import model as m
from ..ir.index import Index, OperationView
from ..ir.names import error_class
from .render import Unformatted, format_python, render


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


def _iterators(model: m.Model, ops: tuple[OperationView, ...], async_: bool) -> list[Iterator_]:
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


def emit(ix: Index, switched_off: tuple[str, str] | None = None) -> dict[str, str]:
    return format_python(sources(ix, switched_off))


def sources(ix: Index, switched_off: tuple[str, str] | None = None) -> Unformatted:
    """The client module before formatting (``format_python`` formats the files of every emitter at once). Its
    TLS rules (https:// only, certificates verified) realise the client side of the model's transport rule;
    ``switched_off`` = ("rule", that rule's id) leaves them out (a mutant of ``nmsgen trace --verify``; a model
    without a transport rule keeps them)."""
    model, ops = ix.model, ix.operations
    statuses = sorted(
        {r.status for op in model.operations for r in op.responses if r.status >= 400}
        | {c.status for c in model.auth.challenges}
        | {model.api.method_not_allowed.status}
        | {r.status for r in model.api.common_responses}
    )
    text = render(
        "client/client.py.jinja",
        operations=ops,
        bodies=ix.bodies,
        empty=Code("models.Empty" if any(t.name == "Empty" for t in ix.bodies) else "None"),
        server_path=ix.server_path,
        error_classes=[(s, error_class(s)) for s in statuses],
        iterators=_iterators(model, ops, False),
        iterators_async=_iterators(model, ops, True),
        tls_rule=not any(r.check == "transport" and switched_off == ("rule", r.id) for r in model.auth.validation),
        client_credentials_clauses=next(
            (sc.clauses for sc in model.auth.schemes.values() if sc.type == "oauth2-client-credentials"), []
        ),
    )
    return Unformatted({f"{model.package_dir}/client.py": text}, model.api.package)
