"""The published documentation: IR + OpenAPI document + traceability matrix -> ``docs/index.html``.

One self-contained HTML file (inline CSS and a few lines of inline script, no network, no CDN): every
operation with its parameters, request bodies, examples, responses, security (the interfaces that may call
it) and the clauses it realises, each clause linked to its row of the traceability matrix in the same file;
every schema; every open point, visibly flagged wherever it touches an operation, schema or clause.

Text from the model is data: the HTML template autoescapes everything it prints (``escape.html``,
markupsafe's escaping: ``& < > " '`` as character references, in text and quoted attribute values);
descriptions are Markdown rendered by markdown-it-py with raw HTML, images and links off
(``escape.markdown_html``), and the search index is JSON escaped for a script element (``escape.json_script``).

What a reader gets beyond the document: a search box (operations, schemas, clauses, open points, change
requests), the sidebar in resource order (R1...R21) with the schemas each resource carries, the parts of
multipart bodies, a curl example and the generated Python client's call per operation, and each change request
of ``spec/changes/`` with links to and from the operations it touches.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from .. import escape
from ..diagnostics import Diagnostics
from ..emit.render import TEMPLATES
from ..frontend import overlay as overlays
from ..incremental import cache as nmscache
from ..ir import model as m
from ..ir.index import Index
from ..ir.names import CLAUSES_KEY, INTERFACES_KEY, OPEN_POINTS_KEY
from . import trace as tracing

PATH = "docs/index.html"
METHOD_ORDER = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
PAGE = "docs/index.html.jinja"
OPERATION = "docs/_operation.html.jinja"  # one operation's section: its macro ``section``
SCHEMA = "docs/_schema.html.jinja"  # one schema's section
TRACE_ROW = "docs/_trace_row.html.jinja"  # one row of the traceability matrix
MACROS = "docs/_macros.html.jinja"  # what the page and the sections call
SECTIONS = "docs-sections"  # the cache kind of the sections' HTML
SHARDS = 16  # entries of sections per model folder: a section rendered anew rewrites one, not all


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
        bytecode_cache=nmscache.jinja_bytecode("docs"),  # compiled once, kept in the cache
    )
    env.filters["anchor"] = anchor
    env.filters["md"] = escape.markdown_html
    env.filters["wbr"] = breakable
    return env


def compile_template() -> None:
    """Compile the page's templates now, so that the children forked next inherit them."""
    _env().get_template(PAGE)
    for name in (OPERATION, SCHEMA, TRACE_ROW):
        _env().get_template(name).module  # noqa: B018  # the sections' macros, made once


def breakable(text: str) -> markupsafe.Markup:
    """``text`` escaped, with a line-break opportunity (``<wbr>``) after each ``/``, ``::`` and ``_`` of a long
    token (a path, a test id), so a table column need not be as wide as the whole token."""
    parts = re.split(r"(?<=/)|(?<=::)|(?<=_)", text)
    return markupsafe.Markup("<wbr>").join(escape.html(p) for p in parts if p)


def anchor(kind: str, name: str) -> str:
    """A stable element id: ``anchor('clause', 'OMA-NMS-6.10')`` -> ``clause-OMA-NMS-6.10``."""
    return f"{kind}-" + re.sub(r"[^0-9A-Za-z._-]", "_", name)


def _prose(text: str) -> str:
    """A description (Markdown) without the 'Clauses:' / 'Open points:' trailers (shown as links instead)."""
    paras = [p.strip() for p in (text or "").split("\n\n")]
    return "\n\n".join(p for p in paras if p and not p.startswith(("Clauses:", "Open points:")))


def _shell(text: str) -> str:
    """``text`` as one single-quoted shell word."""
    return "'" + text.replace("'", "'\\''") + "'"


def _curl(method: str, path: str, op: dict[str, Any]) -> str:
    """A curl command for ``op``: path variables as shell variables, the first JSON example as the body."""
    url = "$API_ROOT/nms/v1" + re.sub(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", r"${\1}", path)
    query = [p["name"] for p in op.get("parameters", []) if p["in"] == "query" and p.get("required")]
    if query:
        url += "?" + "&".join(f"{q}=${{{q}}}" for q in query)
    lines = [f'curl -X {method} "{url}"', '-H "Authorization: Bearer $TOKEN"']
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        examples = content["application/json"].get("examples", {})
        value = next(iter(sorted(examples.items())))[1]["value"] if examples else {}
        lines += ['-H "Content-Type: application/json"', "-d " + _shell(json.dumps(value, separators=(",", ":")))]
    elif "multipart/form-data" in content:
        media = content["multipart/form-data"]
        for name in media["schema"].get("properties", {}):
            ctype = media.get("encoding", {}).get(name, {}).get("contentType", "application/octet-stream")
            if ctype.startswith("application/json"):
                lines.append("-F " + _shell(f"{name}=<{name}.json;type={ctype}"))
            else:
                lines.append("-F " + _shell(f"{name}=@{name}.bin;type={ctype.split(',')[0].strip()}"))
    return " \\\n  ".join(lines)


def _parts(content: dict[str, Any]) -> list[dict[str, Any]]:
    """The parts of a multipart/form-data body: name, content type, type, required, description."""
    schema = content.get("schema", {})
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "media": content.get("encoding", {}).get(name, {}).get("contentType", ""),
            "type": _type_label(prop),
            "required": name in required,
            "array": prop.get("type") == "array",
            "prose": _prose(prop.get("description", "")),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


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
                        "parts": _parts(content) if media.startswith("multipart/") else [],
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
                    "curl": _curl(method.upper(), path, op),
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


def _schema_refs(op: dict[str, Any]) -> list[str]:
    """The schemas an operation carries (request bodies and their parts, success answers), in order."""
    names: list[str] = []
    for b in op["bodies"]:
        names += [x for x in [b["type"]["ref"], *(p["type"]["ref"] for p in b["parts"])] if x]
    for r in op["responses"]:
        if r["status"].startswith("2"):
            names += [b["type"]["ref"] for b in r["bodies"] if b["type"]["ref"]]
    return list(dict.fromkeys(names))


def _touched(model: m.Model, ov: overlays.Overlay, ops: list[dict[str, Any]]) -> list[str]:
    """The operations a change request touches: those it names, and those that cite a clause, list an interface
    or use a security scheme it adds or changes (or every operation, for the base parameters and the auth
    section)."""
    keys = [(o.key.partition(":")[0], o.key.partition(":")[2]) for o in ov.ops]
    out = []
    for op in ops:
        for kind, name in keys:
            if (
                (kind == "operation" and name == op["id"])
                or (kind == "clause" and name in op["clauses"])
                or (kind == "interface" and name in op["interfaces"])
                or (kind == "scheme" and name in op["security"])
                or kind in ("base-parameter", "section")
            ):
                out.append(op["id"])
                break
    return out


def _changes(model: m.Model, spec: Path | None, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each change request of ``spec/changes/`` with the operations it touches (none without ``spec``)."""
    if spec is None:
        return []
    out = []
    for cid in overlays.available(spec):
        ov = overlays.read(spec, cid, Diagnostics())
        if ov is None:
            continue
        c = ov.change
        out.append(
            {
                "id": c.id,
                "title": c.title,
                "rows": [
                    ("Specification", c.spec),
                    ("CR", c.cr),
                    ("Revision", c.revision),
                    ("Category", c.category or "-"),
                    ("Release", c.release or "-"),
                    ("Source meeting", c.meeting),
                    ("Source TDoc", c.tdoc),
                    ("State", c.state),
                ],
                "summary": c.summary,
                "state": c.state,
                "operations": _touched(model, ov, ops),
                "report": f"generated/changes/{c.id}.md",
                "command": f"nmsgen diff spec-{c.id} spec"
                if c.state == "incorporated"
                else f"nmsgen diff spec spec+{c.id}",
            }
        )
    return out


def _search_index(
    ops: list[dict[str, Any]],
    schemas: list[dict[str, Any]],
    rows: list[Any],
    open_points: list[dict[str, Any]],
    changes: list[dict[str, Any]],
) -> list[list[str]]:
    """[kind, label, anchor, text searched] for the page's search box."""
    out = [["operation", f"{o['id']} — {o['method']} {o['path']}", anchor("operation", o["id"]),
            f"{o['summary']} {o['tag']}"] for o in ops]  # fmt: skip
    out += [["schema", s["name"], anchor("schema", s["name"]), s["prose"][:300]] for s in schemas]
    out += [["clause", f"{r.clause} ({r.source} {r.section})", anchor("clause", r.clause), r.text[:300]] for r in rows]
    out += [["open point", f"{p['id']}: {p['title']}", anchor("openpoint", p["id"]), p["question"][:300]]
            for p in open_points]  # fmt: skip
    out += [["change request", f"{c['id']}: {c['title']}", anchor("change", c["id"]), c["summary"][:300]]
            for c in changes]  # fmt: skip
    return out


def _row(r: tracing.Row) -> dict[str, Any]:
    """What the docs page shows of a row of the matrix (its section's data): the first eight artifacts and tests
    as location texts, and how many there are."""
    return {
        "clause": r.clause,
        "source": r.source,
        "section": r.section,
        "text": r.text,
        "open_points": r.open_points,
        "outside": r.outside,
        "kind": r.kind,
        "status": r.status,
        "artifacts": [tracing.location_text(a) for a in r.artifacts[:8]],
        "artifact_count": len(r.artifacts),
        "tests": [tracing.location_text(t) for t in r.tests[:8]],
        "test_count": len(r.tests),
    }


def _render_section(template: jinja2.Template, data: dict[str, Any], *args: Any) -> str:
    """One section's HTML: the macro ``section`` of ``template`` called with the section's data and ``args``."""
    return str(template.module.section(data, *args))  # type: ignore[attr-defined]


def _pack(entries: dict[str, tuple[str, tuple[str, ...]]]) -> bytes:
    """Sections as one cache entry: a line of JSON ([key, length of the HTML, the Markdown texts it rendered] per
    section), then their HTML, one after the other."""
    head = json.dumps([[k, len(html), texts] for k, (html, texts) in entries.items()])
    return "\n".join([head, "".join(html for html, _ in entries.values())]).encode("utf-8", "surrogatepass")


def _unpack(data: bytes | None) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The sections of a cache entry (none when it is missing or not what :func:`_pack` writes)."""
    if data is None:
        return {}
    try:
        head, _, body = data.decode("utf-8", "surrogatepass").partition("\n")
        out: dict[str, tuple[str, tuple[str, ...]]] = {}
        at = 0
        for k, n, texts in json.loads(head):
            out[str(k)] = (body[at : at + n], tuple(str(t) for t in texts))
            at += n
    except (ValueError, TypeError):
        return {}
    return out if at == len(body) else {}


def _sections(wanted: list[tuple[str, dict[str, Any], tuple[Any, ...]]], spec: Path | None) -> list[markupsafe.Markup]:
    """The HTML of each section ``(template, data, args)`` of the page of the model ``spec``, from the cache where it
    holds it.

    A section is kept by everything its text depends on: the generator's source (the filters ``anchor``, ``wbr``
    and ``md``), jinja2's, markupsafe's and the Markdown renderer's versions, the text of its template and of the
    macros it imports, and its data and arguments as JSON (the macro reads nothing else). The sections of the pages
    of a model folder are a few cache entries (by the key's first digit; other projects' pages evict none of
    them), one written when a section of it was rendered anew: this page's sections, and up to as many again of
    the entry written last (the other side's page, rendered meanwhile by an impact child), so neither evicts the
    other. A one-section edit writes one sixteenth of the page's HTML."""
    env = _env()
    templates = {name: env.get_template(name) for name in dict.fromkeys(w[0] for w in wanted)}
    if nmscache.directory() is None:
        return [markupsafe.Markup(_render_section(templates[n], data, *args)) for n, data, args in wanted]
    loader = env.loader
    assert loader is not None
    versions = [nmscache.version(d) for d in ("jinja2", "markupsafe", "markdown-it-py", "mdurl")]
    prefix = {
        name: nmscache.key(
            nmscache.source_digest(), *versions, *(x for t in (name, MACROS) for x in (t, loader.get_source(env, t)[0]))
        )
        for name in templates
    }
    folder = "" if spec is None else str(spec.resolve())
    where = [nmscache.key(nmscache.source_digest(), SECTIONS, folder, f"{i:x}") for i in range(SHARDS)]
    read = [nmscache.get(SECTIONS, w) for w in where]
    known = [_unpack(data) for data in read]
    kept: list[dict[str, tuple[str, tuple[str, ...]]]] = [{} for _ in range(SHARDS)]
    rendered: set[int] = set()  # the shards to write
    out = []
    for name, data, args in wanted:
        k = nmscache.key(prefix[name], json.dumps([data, *args], separators=(",", ":"), check_circular=False))
        shard = int(k[0], 16) % SHARDS
        hit = kept[shard].get(k) or known[shard].get(k)
        if hit is None:  # rendered, noting the Markdown texts it renders (kept in the Markdown table with the page's)
            page_texts = escape.MARKDOWN_USED
            escape.MARKDOWN_USED = set()
            try:
                html = _render_section(templates[name], data, *args)
            finally:
                texts, escape.MARKDOWN_USED = escape.MARKDOWN_USED, page_texts
            page_texts |= texts
            hit = (html, tuple(sorted(texts)))
            rendered.add(shard)
        else:
            escape.MARKDOWN_USED.update(t for t in hit[1] if t in escape.MARKDOWN_MEMO)
        kept[shard][k] = hit
        out.append(markupsafe.Markup(hit[0]))
    for shard in sorted(rendered):
        mine = kept[shard]
        size = 2 * len(mine)
        latest = nmscache.get(SECTIONS, where[shard])  # read again: written meanwhile by another page's render?
        for k, entry in (known[shard] if latest == read[shard] else _unpack(latest)).items():
            if len(mine) >= size:
                break
            mine.setdefault(k, entry)
        nmscache.put(SECTIONS, where[shard], _pack(mine))
    return out


def emit(ix: Index, document: dict[str, Any], trace: tracing.Trace, spec: Path | None = None) -> dict[str, str]:
    model = ix.model
    summary = tracing.summary(trace)
    ops = _operations(document)
    by_id = {op["id"]: op for op in ops}
    views = {v.id: v for v in ix.operations}
    for op in ops:
        view = views.get(op["id"])
        if view is not None:
            args = [a.split(":")[0].split("=")[0].strip() for a in view.client_args]
            op["python"] = f"c.{view.name}({', '.join(a for a in args if a != '*')})"
            op["python_signature"] = f"def {view.name}({', '.join(view.client_args)})"
    callback_of: dict[str, list[str]] = {}  # resource id -> the operations it is a callback of, in model order
    for res in model.resources:
        for o in res.operations:
            for cb in dict.fromkeys(o.callbacks):
                callback_of.setdefault(cb, []).append(o.id)
    resources: list[dict[str, Any]] = []
    for r in model.resources:
        mine = [by_id[o.id] for o in r.operations if o.id in by_id]
        resources.append(
            {
                "id": r.id,
                "name": r.name,
                "kind": r.kind,
                "anchor": anchor("resource", r.id),
                "operations": mine,
                "schemas": list(dict.fromkeys(x for op in mine for x in _schema_refs(op))),
                "callback_of": callback_of.get(r.id, []),
            }
        )
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
    changes = _changes(model, spec, ops)
    changes_of: dict[str, list[dict[str, Any]]] = {}
    for c in changes:
        for o in c["operations"]:
            changes_of.setdefault(o, []).append(c)
    schemas = _schemas(document)

    def affect_link(target: str) -> str | None:
        kind, _, name = target.partition(":")
        if kind == "operation" and name in op_ids:
            return "#" + anchor("operation", name)
        if kind == "type" and name in schema_names:
            return "#" + anchor("schema", name)
        if kind == "setting" and name in model.auth.settings:
            return "#" + anchor("setting", name)
        return None

    memo_key = nmscache.key(
        nmscache.source_digest(), *(nmscache.version(d) for d in ("markdown-it-py", "mdurl", "markupsafe"))
    )
    known = nmscache.get("markdown", memo_key)
    if known is not None:
        for text, rendered in json.loads(known).items():
            escape.MARKDOWN_MEMO.setdefault(text, rendered)
    escape.MARKDOWN_USED.clear()
    statuses = {p.id: p.status for p in model.open_points.values()}

    def shown(ids: list[str]) -> dict[str, str]:  # the statuses of the open points a section flags
        return {p: statuses[p] for p in ids if p in statuses}

    wanted: list[tuple[str, dict[str, Any], tuple[Any, ...]]] = [
        (OPERATION, op, ([{"id": c["id"], "state": c["state"]} for c in changes_of.get(op["id"], [])],
                         shown(op["open_points"])))
        for shown_in in resources for op in shown_in["operations"]
    ] + [(SCHEMA, s, (shown(s["open_points"]),)) for s in schemas]  # fmt: skip
    gaps = {r.clause for r in tracing.failing(trace)}
    wanted += [(TRACE_ROW, _row(r), (r.clause in gaps, shown(r.open_points))) for r in trace.rows]
    sections = _sections(wanted, spec)
    at = 0
    for shown_in in resources:
        shown_in["sections"], at = sections[at : at + len(shown_in["operations"])], at + len(shown_in["operations"])
    schema_sections, trace_rows = sections[at : at + len(schemas)], sections[at + len(schemas) :]
    html = (
        _env()
        .get_template(PAGE)
        .render(
            api=model.api,
            document=document,
            schemes=document["components"].get("securitySchemes", {}),
            interfaces=model.auth.interfaces,
            settings=model.auth.settings,
            resources=resources,
            operations=ops,
            schemas=schemas,
            summary=summary,
            failing=sorted(gaps),
            open_points=open_points,
            open_point_status=statuses,
            affect_link=affect_link,
            changes=changes,
            schema_sections=schema_sections,
            trace_rows=trace_rows,
            search_index=escape.json_script(_search_index(ops, schemas, trace.rows, open_points, changes)),
        )
    )
    used = {t: escape.MARKDOWN_MEMO[t] for t in sorted(escape.MARKDOWN_USED)}
    if len(escape.MARKDOWN_MEMO) > escape.MARKDOWN_MEMO_LIMIT:  # a long-lived process: keep this page's texts
        escape.MARKDOWN_MEMO.clear()
        escape.MARKDOWN_MEMO.update(used)
    # the Markdown of this page, for the next; and, up to as many again, the texts of the page written last (read
    # now: a run's impact children render the other side's page meanwhile), so that neither evicts the other
    latest = nmscache.get("markdown", memo_key)
    kept = dict(used)
    if latest is not None:
        try:
            for text, rendered in json.loads(latest).items():
                if len(kept) >= 2 * len(used):
                    break
                kept.setdefault(text, rendered)
        except ValueError:  # damaged: this page's texts only
            pass
    table = json.dumps(dict(sorted(kept.items())), ensure_ascii=False, separators=(",", ":"))
    if table.encode("utf-8", "surrogatepass") != latest:
        nmscache.put("markdown", memo_key, table.encode("utf-8", "surrogatepass"))
    return {PATH: html}
