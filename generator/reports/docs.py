"""The published documentation: IR + OpenAPI document + traceability matrix -> ``docs/index.html``.

One self-contained HTML file (inline CSS and a few lines of inline script, no network, no CDN): every
operation with its parameters, request bodies, examples, responses, security (the interfaces that may call
it) and the clauses it realises, each clause linked to its row of the traceability matrix in the same file;
every schema; every open point, visibly flagged wherever it touches an operation, schema or clause.

Text from the model is data: the HTML template autoescapes everything it prints (``escape.html``,
markupsafe's escaping: ``& < > " '`` as character references, in text and quoted attribute values).
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import jinja2

from .. import escape
from ..emit.render import TEMPLATES
from ..ir.index import Index
from ..ir.names import CLAUSES_KEY, INTERFACES_KEY, OPEN_POINTS_KEY
from . import trace as tracing

PATH = "docs/index.html"
METHOD_ORDER = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@cache  # one environment: its templates are compiled once per process
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        finalize=escape.html,  # what autoescape does, named: every printed value is HTML-escaped text
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["anchor"] = anchor
    return env


def anchor(kind: str, name: str) -> str:
    """A stable element id: ``anchor('clause', 'OMA-NMS-6.10')`` -> ``clause-OMA-NMS-6.10``."""
    return f"{kind}-" + re.sub(r"[^0-9A-Za-z._-]", "_", name)


def _prose(text: str) -> list[str]:
    """Description paragraphs without the 'Clauses:' / 'Open points:' trailers (shown as links instead)."""
    paras = [p.strip() for p in (text or "").split("\n\n")]
    return [p for p in paras if p and not p.startswith(("Clauses:", "Open points:"))]


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref") or next((s.get("$ref") for s in schema.get("allOf", []) if "$ref" in s), None)
    return ref.rsplit("/", 1)[1] if isinstance(ref, str) else None


def _type_label(schema: dict[str, Any]) -> dict[str, Any]:
    """{'ref': schema name or None, 'text': a short type description} of a property or parameter schema."""
    name = _ref_name(schema)
    if name:
        return {"ref": name, "text": name}
    if schema.get("type") == "array":
        inner = _type_label(schema.get("items", {}))
        return {"ref": inner["ref"], "text": f"array of {inner['text']}"}
    text = schema.get("type", "any")
    if "enum" in schema:
        text += " (" + " | ".join(str(v) for v in schema["enum"]) + ")"
    if "format" in schema:
        text += f" ({schema['format']})"
    return {"ref": None, "text": text}


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for path, item in document["paths"].items():
        for method in METHOD_ORDER:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            params = [
                {
                    "name": p["name"],
                    "in": p["in"],
                    "required": p.get("required", False),
                    "type": _type_label(p.get("schema", {})),
                    "prose": _prose(p.get("description", "")),
                }
                for p in op.get("parameters", [])
            ]
            bodies = []
            for media, content in op.get("requestBody", {}).get("content", {}).items():
                bodies.append(
                    {
                        "media": media,
                        "type": _type_label(content.get("schema", {})),
                        "examples": [
                            {"name": n, "summary": e.get("summary", ""), "json": json.dumps(e["value"], indent=2)}
                            for n, e in sorted(content.get("examples", {}).items())
                        ],
                    }
                )
            responses = []
            for status, r in op.get("responses", {}).items():
                responses.append(
                    {
                        "status": status,
                        "prose": _prose(r.get("description", "")),
                        "bodies": [
                            {"media": media, "type": _type_label(c.get("schema", {}))}
                            for media, c in r.get("content", {}).items()
                        ],
                        "headers": sorted(r.get("headers", {})),
                    }
                )
            out.append(
                {
                    "id": op["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "tag": (op.get("tags") or [""])[0],
                    "summary": op.get("summary", ""),
                    "prose": _prose(op.get("description", "")),
                    "interfaces": op.get(INTERFACES_KEY, []),
                    "security": [name for s in op.get("security", []) for name in s],
                    "params": params,
                    "bodies": bodies,
                    "responses": responses,
                    "clauses": op.get(CLAUSES_KEY, []),
                    "open_points": op.get(OPEN_POINTS_KEY, []),
                    "callbacks": sorted(op.get("callbacks", {})),
                }
            )
    return out


def _schemas(document: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for name, s in document["components"]["schemas"].items():
        required = set(s.get("required", []))
        out.append(
            {
                "name": name,
                "prose": _prose(s.get("description", "")),
                "enum": s.get("enum", []),
                "fields": [
                    {
                        "name": f,
                        "required": f in required,
                        "type": _type_label(p),
                        "prose": _prose(p.get("description", "")),
                    }
                    for f, p in s.get("properties", {}).items()
                ],
                "clauses": s.get(CLAUSES_KEY, []),
                "open_points": s.get(OPEN_POINTS_KEY, []),
            }
        )
    return out


def emit(ix: Index, document: dict[str, Any], trace: tracing.Trace) -> dict[str, str]:
    model = ix.model
    summary = tracing.summary(trace)
    ops = _operations(document)
    tags: dict[str, list[dict[str, Any]]] = {}
    for op in ops:
        tags.setdefault(op["tag"], []).append(op)
    open_points = [
        {
            "id": p.id,
            "title": p.title,
            "status": p.status,
            "question": p.question,
            "chosen": p.chosen,
            "alternatives": p.alternatives,
            "sources": p.sources,
            "clauses": p.clauses,
            "affects": p.affects,
        }
        for p in model.open_points.values()
    ]
    op_ids = {op["id"] for op in ops}
    schema_names = set(document["components"]["schemas"])

    def affect_link(target: str) -> str | None:
        kind, _, name = target.partition(":")
        if kind == "operation" and name in op_ids:
            return "#" + anchor("operation", name)
        if kind == "type" and name in schema_names:
            return "#" + anchor("schema", name)
        if kind == "setting" and name in model.auth.settings:
            return "#" + anchor("setting", name)
        return None

    html = (
        _env()
        .get_template("docs/index.html.jinja")
        .render(
            api=model.api,
            document=document,
            schemes=document["components"].get("securitySchemes", {}),
            interfaces=model.auth.interfaces,
            settings=model.auth.settings,
            tags=tags,
            operations=ops,
            schemas=_schemas(document),
            rows=trace.rows,
            summary=summary,
            failing=[r.clause for r in tracing.failing(trace)],
            open_points=open_points,
            open_point_status={p["id"]: p["status"] for p in open_points},
            affect_link=affect_link,
            loc=tracing.location_text,
        )
    )
    return {PATH: html}
