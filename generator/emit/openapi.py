"""Stage 5a — emit the OpenAPI document: IR -> a dict, built as data, serialised once.

OpenAPI 3.0.3 as 3GPP publishes its APIs: ``info``, ``externalDocs`` naming TS 24.282, ``servers``
with an ``{apiRoot}`` variable (https only), both security schemes, an operationId on every
operation. NMS wire names are kept (root-element wrapping: each body type ``T`` with root ``r`` is
carried by a ``TBody`` schema ``{"r": T}``). Every operation and schema names its clauses in
``x-nmsgen-clauses`` and in its description; open points in ``x-nmsgen-open-points``.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Sequence
from typing import Any

from ..ir import answers
from ..ir import model as m
from ..ir.index import Index
from ..ir.names import (
    ALLOW_KEY,
    CHOICES_KEY,
    CLAUSES_KEY,
    DEFAULT_KEY,
    EXCEPTIONS_KEY,
    INTERFACES_KEY,
    NULLABLE_KEY,
    OPEN_POINTS_KEY,
    RESOURCE_KEY,
    RULES_KEY,
    body_schema_name,
    operation_body_name,
    request_schema_name,
)
from . import chunks
from . import openapi_rules as rules

OPENAPI_VERSION = "3.0.3"
INT64_MAX = 2**63 - 1

Json = dict[str, Any]


def _ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def _cites(clauses: Sequence[str]) -> str:
    return f"Clauses: {', '.join(clauses)}." if clauses else ""


def _describe(
    text: str, clauses: Sequence[str], open_points: Sequence[str] | None = None, model: m.Model | None = None
) -> str:
    parts = [text.strip()] if text.strip() else []
    if clauses:
        parts.append(_cites(clauses))
    if open_points and model is not None:
        ops = [
            f"{o} ({model.open_points[o].status}: {model.open_points[o].title})"
            for o in open_points
            if o in model.open_points
        ]
        parts.append("Open points: " + "; ".join(ops) + ".")
    return "\n\n".join(parts)


def _request_only(out: Json, rule: m.RequestRule | None) -> Json:
    """``out`` (a primitive's schema) with the request-only string constraints of ``rule``."""
    if rule is None or "$ref" in out:
        return out
    extra: Json = {}
    if rule.min_length is not None:
        extra["minLength"] = rule.min_length
    if rule.pattern is not None:
        extra["pattern"] = rule.pattern  # it implies the type's own pattern (the model says so)
    return {**out, **extra}


class _Emitter:
    def __init__(self, ix: Index) -> None:
        self.ix = ix
        self.m = ix.model
        self.lim = ix.model.api.limits
        self.request_types = ix.request_types
        # looked up per operation and status: kept by key, so a model ten times larger costs ten times, not 100
        self.resources = {r.id: r for r in reversed(ix.model.resources)}  # the first of a duplicated id
        self.examples: dict[str, list[m.Example]] = {}
        for ex in ix.model.examples:
            for op_id in dict.fromkeys(ex.operations):
                self.examples.setdefault(op_id, []).append(ex)
        self._auth: dict[int, list[tuple[m.Response, str]]] = {}  # by id(): the IR outlives the emitter
        self._values: dict[int, Any] = {}

    # ------------------------------------------------------------------ schemas

    def primitive(self, name: str, max_length: int | None = None, pattern: str | None = None) -> Json:
        lim = self.lim
        if name == "string":
            out: Json = {"type": "string", "maxLength": max_length or lim.string}
        elif name == "anyURI":
            out = {"type": "string", "format": "uri-reference", "maxLength": max_length or lim.uri}
        elif name == "dateTime":
            out = {"type": "string", "format": "date-time", "maxLength": max_length or 64}
        elif name == "boolean":
            out = {"type": "boolean"}
        elif name == "unsignedLong":
            out = {"type": "integer", "format": "int64", "minimum": 0, "maximum": INT64_MAX}
        elif name == "unsignedInt":
            out = {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**32 - 1}
        elif name == "unsignedShort":
            out = {"type": "integer", "format": "int32", "minimum": 0, "maximum": 2**16 - 1}
        else:  # pragma: no cover - validate rejects unknown primitives first
            raise ValueError(name)
        if pattern:
            out["pattern"] = pattern
        return out

    def type_ref(
        self, name: str, max_length: int | None = None, pattern: str | None = None, request: bool = False
    ) -> Json:
        if name in m.PRIMITIVES:
            return self.primitive(name, max_length, pattern)
        if request and name in self.request_types:
            return _ref(request_schema_name(name))
        return _ref(name)

    def field_schema(self, f: m.Field, request: bool = False) -> Json:
        fs = f
        rule = fs.request if request else None
        item = _request_only(self.type_ref(fs.type, fs.max_length, fs.pattern, request), rule)
        if fs.nullable:
            item = {**item, "nullable": True} if "$ref" not in item else {"allOf": [item], "nullable": True}
        if fs.array:
            out: Json = {"type": "array", "items": item, "maxItems": fs.max_items or self.lim.array}
            min_items = max(fs.min_items or 0, (rule.min_items or 0) if rule else 0)
            if min_items:
                out["minItems"] = min_items
        else:
            out = item
        extra: Json = {}
        if fs.access == "read-only":
            extra["readOnly"] = True
        elif fs.access == "write-only":
            extra["writeOnly"] = True
        # The default is stated in the text and in x-nmsgen-default, not as `default`: typed clients
        # (openapi-typescript) make a field with a `default` required in request types; the models apply it.
        text = fs.description
        if fs.default is not None:
            extra[DEFAULT_KEY] = fs.default
            if f"{fs.default}" not in text:
                text = f"{text.rstrip()} Absent means `{fs.default}`.".strip()
        if "$ref" not in out:
            if text:
                extra["description"] = _describe(text, fs.clauses)
            out = {**out, **extra}
        elif extra or text:
            # siblings of $ref are ignored in OpenAPI 3.0: wrap to keep description and access
            out = {"allOf": [out], "description": _describe(text, fs.clauses), **extra}
        return out

    def type_schema(self, t: m.Type, request: bool = False) -> Json:
        ts = t
        base: Json = {CLAUSES_KEY: list(ts.clauses)}
        text = ts.description
        if request:
            text = (
                f"{t.name} as a request must carry it: the server refuses a request that breaks these constraints, "
                f"which answers (schema {t.name}) need not meet.\n\n{text}"
            )
        desc = _describe(text, ts.clauses)
        if ts.kind == "simple":
            prim = _request_only(
                self.primitive(ts.base or "string", ts.max_length, ts.pattern), t.request if request else None
            )
            return {**prim, "description": desc, **base}
        if t.is_empty:
            return {
                "type": "object",
                "nullable": True,
                "additionalProperties": False,
                "maxProperties": 0,
                "description": desc + "\n\nEncoded as JSON null (an empty XML element).",
                **base,
            }
        out: Json = {"type": "object", "description": desc}
        required = [
            f.name for f in t.fields if f.required or (request and f.request is not None and f.request.required)
        ]
        if required:
            out["required"] = required
        out["properties"] = {f.name: self.field_schema(f, request) for f in t.fields}
        if ts.closed:
            out["additionalProperties"] = False
        out.update(self.choices_schema(t, request))
        if ts.choices:  # the same groups, machine-readable (generated models enforce them from this)
            out[CHOICES_KEY] = [
                {"members": list(c.members), "required": c.required or (request and c.required_in_requests)}
                for c in ts.choices
            ]
        if ts.rules:  # the same rules, machine-readable (generated models enforce them from this)
            out[RULES_KEY] = [rules.rule_data(r) for r in ts.rules]
        nullable = [f.name for f in t.fields if f.nullable or self._is_empty_type(f.type)]
        if nullable:
            out[NULLABLE_KEY] = nullable
        return {**out, **base}

    def _is_empty_type(self, name: str) -> bool:
        t = self.m.types.get(name)
        return t is not None and t.is_empty

    def choices_schema(self, t: m.Type, request: bool = False) -> Json:
        """The xsd:choice groups of ``t`` as keywords that leave ``properties`` the only shape of the type.

        Every member stays a plain optional property. "At most one" excludes each pair of members
        (``not: {required: [a, b]}``); "at least one" excludes the object with none of them (``not`` of a
        schema whose members are each ``{not: {}}``, i.e. absent). All exclusions of all groups go into one
        ``not: {anyOf: [...]}``. A required group that is every field of a closed type is simply
        ``minProperties: 1, maxProperties: 1``. A rule excludes, while its field has one of its values, a
        required member that is absent or empty and a matched member that does not match its pattern. No
        ``oneOf``/``anyOf``/``allOf`` at the top: code generators (OpenAPI Generator, openapi-python-client) read
        those as variants and drop the properties.
        """
        out: Json = {}
        excluded: list[Json] = []
        names = [f.name for f in t.fields]
        for c in t.choices:
            members = list(c.members)
            required = c.required or (request and c.required_in_requests)
            if required and t.closed and sorted(members) == sorted(names) and len(t.choices) == 1:
                out.update({"minProperties": 1, "maxProperties": 1})
                continue
            excluded += [{"required": [a, b]} for i, a in enumerate(members) for b in members[i + 1 :]]
            if required:
                excluded.append({"properties": {x: {"not": {}} for x in members}})
        excluded += rules.excluded(self.m, t, t.rules)
        if len(excluded) == 1:
            out["not"] = excluded[0]
        elif excluded:
            out["not"] = {"anyOf": excluded}
        return out

    def ruled_body(self, op: m.Operation, body: m.Body) -> Json:
        """The JSON request body of ``op`` with the rules that hold for its requests only: the body component
        of its type (its request variant), and the rules as exclusions the type's own schema does not have."""
        t = self.m.types[body.type or ""]
        out = self.body_wrapper(t, request=t.name in self.request_types)
        assert t.root is not None
        excluded = rules.excluded(self.m, t, body.rules, [(t.root, False)])
        clauses = list(dict.fromkeys([*op.clauses[:1], *out[CLAUSES_KEY]]))
        return {
            **out,
            "not": excluded[0] if len(excluded) == 1 else {"anyOf": excluded},
            RULES_KEY: [rules.rule_data(r, (t.root,)) for r in body.rules],
            "description": f"The JSON body of a {op.id} request: a {t.name} in its root element `{t.root}`, with "
            f"rules that hold for the requests of this operation only (the server refuses a request that breaks "
            f"one):\n\n{rules.rules_text(body.rules)}\n\n{_cites(clauses)}",
            CLAUSES_KEY: clauses,
        }

    def enum_schema(self, e: m.Enum) -> Json:
        values = "\n".join(f"- `{v.value}`: {v.description}" for v in e.values if v.description)
        desc = _describe(e.description + (f"\n\n{values}" if values else ""), e.clauses)
        return {
            "type": "string",
            "enum": [v.value for v in e.values],
            "description": desc,
            CLAUSES_KEY: list(e.clauses),
        }

    def body_wrapper(self, t: m.Type, request: bool = False) -> Json:
        root = t.root
        assert root is not None
        inner = _ref(request_schema_name(t.name) if request else t.name)
        nullable = {NULLABLE_KEY: [root]} if t.is_empty else {}  # {"empty": null}
        return {
            "type": "object",
            "required": [root],
            "properties": {root: inner},
            "additionalProperties": False,
            **nullable,
            "description": f"The JSON body carrying a {t.name}{' as requests must carry it,' if request else ''} in "
            f"its root element `{root}` (OMA NMS JSON encoding).\n\n{_cites(['OMA-COMMON-JSON', *t.clauses[:1]])}",
            CLAUSES_KEY: ["OMA-COMMON-JSON", *t.clauses[:1]],
        }

    def components_schemas(self) -> Json:
        out: Json = {}
        bodies = set(self.ix.body_types)
        for e in self.m.enums.values():
            out[e.name] = self.enum_schema(e)
        for t in self.m.types.values():
            out[t.name] = self.type_schema(t)
            if t.root and t.name in bodies:
                out[body_schema_name(t.name)] = self.body_wrapper(t)
            if t.name in self.request_types:
                variant = request_schema_name(t.name)
                if variant in self.m.types or body_schema_name(variant) in out:  # pragma: no cover - names differ
                    raise ValueError(f"the request variant {variant} of {t.name} clashes with a type")
                out[variant] = self.type_schema(t, request=True)
                if t.root and t.name in bodies:
                    out[body_schema_name(variant)] = self.body_wrapper(t, request=True)
        for op in self.m.operations:
            for body in op.request:
                if body.rules:
                    name = operation_body_name(op.id)
                    if name in out or name in self.m.types:  # pragma: no cover - names differ
                        raise ValueError(f"the request body {name} of {op.id} clashes with a type")
                    out[name] = self.ruled_body(op, body)
        return dict(sorted(out.items()))

    # ------------------------------------------------------------------ operations

    def parameter(self, p: m.Parameter) -> Json:
        schema = self.type_ref(
            p.type, p.max_length or (self.lim.path_parameter if p.location == "path" else None), p.pattern
        )
        if p.array:
            schema = {"type": "array", "items": schema, "maxItems": p.max_items or self.lim.array}
        out: Json = {
            "name": p.name,
            "in": p.location,
            "description": _describe(p.description, p.clauses),
            "required": p.required or p.location == "path",
            "schema": schema,
        }
        if p.array:
            out["style"] = "form"
            out["explode"] = True
        return out

    def request_body_name(self, type_name: str, request: bool) -> str:
        """The body component of ``type_name``: its request variant's in a request, where it has one."""
        if request and type_name in self.request_types:
            return body_schema_name(request_schema_name(type_name))
        return body_schema_name(type_name)

    def body_content(
        self, body: m.Body, examples: dict[str, Json], request: bool = False, op_id: str = ""
    ) -> tuple[str, Json]:
        if body.media == "multipart/form-data":
            props: Json = {}
            encoding: Json = {}
            required = []
            for part in body.parts:
                if part.type is not None:
                    one: Json = _ref(self.request_body_name(part.type, request))
                else:
                    one = {"type": "string", "format": "binary", "maxLength": self.lim.payload}
                if part.array:
                    props[part.name] = {
                        "type": "array",
                        "items": one,
                        "maxItems": self.lim.array,
                        "description": part.description,
                    }
                elif "$ref" in one:
                    props[part.name] = {"allOf": [one], "description": part.description}
                else:
                    props[part.name] = {**one, "description": part.description}
                encoding[part.name] = {"contentType": part.media}
                if part.required:
                    required.append(part.name)
            schema: Json = {"type": "object", "properties": props}
            if required:
                schema["required"] = required
            content: Json = {"schema": schema, "encoding": encoding}
        elif body.type is not None and request and body.rules:
            content = {"schema": _ref(operation_body_name(op_id))}  # the operation's own rules
        elif body.type is not None:
            content = {"schema": _ref(self.request_body_name(body.type, request))}  # every body type has a root
        else:
            content = {"schema": {"type": "string", "format": "binary", "maxLength": self.lim.payload}}
        if body.type is not None and body.media == "application/json":
            mine = {k: v for k, v in examples.items() if v["x-type"] == body.type}
            if mine:
                content["examples"] = {
                    k: {kk: vv for kk, vv in v.items() if kk != "x-type"} for k, v in sorted(mine.items())
                }
        return body.media, content

    def examples_for(self, op_id: str, use: str, status: int | None = None) -> dict[str, Json]:
        out: dict[str, Json] = {}
        for ex in self.examples.get(op_id, ()):
            if ex.use in (use, "both") and ex.status in (None, status):
                out[ex.name] = {"summary": ex.summary, "value": self.value(ex), "x-type": ex.type}
        return out

    def value(self, ex: m.Example) -> Any:
        """An example's value as JSON data (the model's YAML may hold what JSON writes otherwise: a tuple, a
        key that is not a string), made once per example; a value JSON has no text for keeps it (its tuples
        become lists), as the document's round trip through json did."""
        if id(ex) not in self._values:
            try:
                self._values[id(ex)] = json.loads(json.dumps(ex.value, ensure_ascii=False, allow_nan=False))
            except (TypeError, ValueError):
                self._values[id(ex)] = _json(ex.value)
        return self._values[id(ex)]

    def response_examples(self, op: m.Operation, status: int) -> dict[str, Json]:
        """The examples shown under ``status``: those of spec/examples for it, then one derived from each answer
        whose body the model fixes (auth challenges, the 405 answer, common responses), as the server sends it.
        A hand-written example says more (a link, a path): it replaces the derived one of a non-auth answer with
        the same exception; every challenge keeps its own (its error code differs)."""
        out = self.examples_for(op.id, "response", status)
        written = {shown[1] for v in out.values() if (shown := answers.shown_exception(v["value"]))}
        for a in self.ix.error_answers[op.id]:
            if a.status != status or a.variables is None or (a.origin != "auth" and a.exception in written):
                continue
            x = self.m.exceptions[a.exception]
            extra = (
                f", with Allow: {', '.join(self.resources[op.resource].allow)}"
                if a.origin == "method-not-allowed"
                else ""
            )
            out[a.example_name] = {
                "summary": f"{a.status} {a.label}: {a.exception} ({x.kind} exception) as the server sends it{extra}; "
                "derived from the model.",
                "value": answers.body(self.m, a.exception, a.variables),
                "x-type": m.ERROR_BODY_TYPE,
            }
        return out

    def exceptions_text(self, ids: list[str]) -> str:
        lines = []
        for i in ids:
            x = self.m.exceptions.get(i)
            if x is not None:
                lines.append(f"- `{i}` ({x.kind} exception): {x.text}")
        return "\n".join(lines)

    def responses(self, op: m.Operation) -> Json:
        """Operation responses, then auth answers, 405 and common ones, merged by status.

        A status reached under several conditions lists each condition with its exception and challenge.
        """
        merged: dict[int, dict[str, Any]] = {}

        def add(resp: m.Response, challenge: str = "") -> None:
            slot = merged.setdefault(
                resp.status, {"conditions": [], "bodies": [], "headers": {}, "exceptions": [], "clauses": []}
            )
            condition = resp.description.strip()
            notes = [f"`{x}`" for x in resp.exceptions] + ([f"WWW-Authenticate: `{challenge}`"] if challenge else [])
            if notes:
                condition = f"{condition.rstrip('.')} ({'; '.join(notes)})."
            if condition not in slot["conditions"]:
                slot["conditions"].append(condition)
            for b in resp.bodies:
                if all((b.media, b.type) != (x.media, x.type) for x in slot["bodies"]):
                    slot["bodies"].append(b)
            for k, v in resp.headers.items():
                prev = slot["headers"].get(k)
                slot["headers"][k] = (
                    v if prev is None else dataclasses.replace(v, required=prev.required and v.required)
                )
            slot["exceptions"] += [x for x in resp.exceptions if x not in slot["exceptions"]]
            slot["clauses"] += [c for c in resp.clauses if c not in slot["clauses"]]

        for r in op.responses:
            add(r)
        for resp, challenge in self.auth_responses(op):
            add(resp, challenge)
        mna = self.m.api.method_not_allowed
        allow = ", ".join(self.resources[op.resource].allow)
        add(dataclasses.replace(mna, description=f"{mna.description} Allow: {allow}."))
        for c in self.m.api.common_responses:
            add(c)
        # a header that one condition of a status sends and another does not is optional
        for status, slot in merged.items():
            for name in slot["headers"]:
                if any(name not in r.headers for r in self._all_responses(op, status)):
                    slot["headers"][name] = dataclasses.replace(slot["headers"][name], required=False)

        out: Json = {}
        for status in sorted(merged):
            slot = merged[status]
            conditions = slot["conditions"]
            desc = conditions[0] if len(conditions) == 1 else "One of:\n" + "\n".join(f"- {c}" for c in conditions)
            exc_text = self.exceptions_text(slot["exceptions"])
            if exc_text:
                desc += "\n\nExceptions:\n" + exc_text
            entry: Json = {"description": _describe(desc, slot["clauses"])}
            if slot["headers"]:
                entry["headers"] = {k: self.header(k, v, op) for k, v in sorted(slot["headers"].items())}
            if slot["bodies"]:
                entry["content"] = self.contents(slot["bodies"], self.response_examples(op, status))
            links = self.links(op) if 200 <= status < 300 else {}
            if links:
                entry["links"] = links
            if slot["exceptions"]:
                entry[EXCEPTIONS_KEY] = slot["exceptions"]
            if slot["clauses"]:
                entry[CLAUSES_KEY] = slot["clauses"]
            out[str(status)] = entry
        return out

    def links(self, op: m.Operation) -> Json:
        """Links from a successful answer of ``op`` to the operations on the resources its request URL names:
        the same resource, the resources below it and those above it (a flag names its object), with each path
        parameter passed on from the request (``$request.path.<name>``). A target needs at least one path
        parameter besides the base path's, all of them in ``op``'s URL. Ids that are only inside a URL (the
        Location of a created resource, a resourceURL) cannot be linked: OpenAPI runtime expressions take whole
        values, not URL segments."""
        mine = {p.name for p in op.path_parameters}
        segments = tuple(op.path.split("/"))
        out: Json = {}
        for k in range(1, len(segments) + 1):
            for target, names in self._link_targets.get(segments[:k], ()):
                if target.id == op.id or not names.keys() <= mine:
                    continue
                out[target.id] = {
                    "operationId": target.id,
                    "parameters": {n: f"$request.path.{n}" for n in names},
                    "description": f"{target.summary.rstrip('.')} ({target.method} on the resource named by this "
                    "request's URL).",
                }
        return dict(sorted(out.items()))

    @functools.cached_property
    def _link_targets(self) -> dict[tuple[str, ...], list[tuple[m.Operation, dict[str, None]]]]:
        """The operations :meth:`links` may name, by their path up to their last own path parameter (one with
        a path parameter besides the base path's), with their path parameter names in order."""
        base = {p.name for p in self.m.api.base_parameters}
        out: dict[tuple[str, ...], list[tuple[m.Operation, dict[str, None]]]] = {}
        for r in self.m.resources:
            if r.kind != "server":
                continue
            for target in r.operations:
                names = dict.fromkeys(p.name for p in target.path_parameters)
                own = [n for n in names if n not in base]
                segments = target.path.split("/")
                last = max((i for i, seg in enumerate(segments) if own and seg == "{" + own[-1] + "}"), default=None)
                if last is not None:
                    out.setdefault(tuple(segments[: last + 1]), []).append((target, names))
        return out

    def _all_responses(self, op: m.Operation, status: int) -> list[m.Response]:
        rows = [r for r in op.responses if r.status == status]
        rows += [r for r, _ in self.auth_responses(op) if r.status == status]
        rows += [r for r in [self.m.api.method_not_allowed, *self.m.api.common_responses] if r.status == status]
        return rows

    def contents(self, bodies: list[m.Body], examples: dict[str, Json]) -> Json:
        """One entry per media type; several body types under one media type become a oneOf."""
        out: Json = {}
        for b in bodies:
            media, content = self.body_content(b, examples)
            if media not in out:
                out[media] = content
                continue
            prev = out[media]
            schemas = prev["schema"]["oneOf"] if "oneOf" in prev["schema"] else [prev["schema"]]
            merged: Json = {"schema": {"oneOf": [*schemas, content["schema"]]}}
            exs = {**prev.get("examples", {}), **content.get("examples", {})}
            if exs:
                merged["examples"] = dict(sorted(exs.items()))
            out[media] = merged
        return out

    def header(self, name: str, h: m.Header, op: m.Operation) -> Json:
        schema: Json = {"type": "string", "maxLength": h.max_length}
        if name == "Location":
            schema["format"] = "uri"
        if name == "Allow":
            schema["enum"] = [", ".join(self.resources[op.resource].allow)]
        return {"description": h.description, "required": h.required, "schema": schema}

    def auth_responses(self, op: m.Operation) -> list[tuple[m.Response, str]]:
        """The auth model's failure answers that apply to ``op``, with their challenge (made once per operation)."""
        known = self._auth.get(id(op))
        if known is not None:
            return known
        rows = self._auth[id(op)] = []
        for ch in self.m.auth.challenges:
            if not answers.challenge_applies(self.m, ch, op):
                continue
            headers: dict[str, m.Header] = {}
            if ch.www_authenticate:
                headers["WWW-Authenticate"] = m.Header(
                    description="The Bearer challenge of RFC 6750 section 3; its value for each condition is "
                    "given in the response description.",
                    required=True,
                    max_length=1024,
                )
            resp = m.Response(
                status=ch.status,
                description=ch.condition,
                bodies=(m.Body(media="application/json", type=m.ERROR_BODY_TYPE, parts=(), description=""),),
                headers=headers,
                exceptions=(ch.exception,),
                variables=None,
                clauses=ch.clauses,
            )
            rows.append((resp, ch.www_authenticate))
        return rows

    def security(self, op: m.Operation) -> list[Json]:
        itfs = {i.name: i for i in self.m.auth.interfaces}
        out = []
        for name in op.interfaces:
            itf = itfs.get(name)
            if itf is None:
                continue
            sch = self.m.auth.schemes[itf.scheme]
            scopes = [sc for sc in itf.required_scopes if sch.type == "oauth2-client-credentials" and sc in sch.scopes]
            out.append({itf.scheme: scopes})
        return out

    def operation(self, op: m.Operation) -> Json:
        spec = op
        itf_text = ", ".join(spec.interfaces)
        desc = (
            f"{spec.description.strip()}\n\nInterfaces: {itf_text}. OMA NMS scope: oma_rest_nms.{spec.oma_scope}. "
            f"Conformance (OMA SCR): {spec.conformance}."
        )
        out: Json = {
            "operationId": spec.id,
            "summary": spec.summary,
            "description": _describe(desc, spec.clauses, spec.open_points, self.m),
            "tags": [self.tag_name(self.resources[op.resource])],
        }
        params = [self.parameter(p) for p in op.path_parameters] + [self.parameter(p) for p in op.query_parameters]
        if params:
            out["parameters"] = params
        if spec.request:
            examples = self.examples_for(op.id, "request")
            out["requestBody"] = {
                "required": spec.request_required,
                "content": dict(self.body_content(b, examples, request=True, op_id=spec.id) for b in spec.request),
            }
            descs = [b.description for b in spec.request if b.description]
            if descs:
                out["requestBody"]["description"] = " ".join(descs)
        out["responses"] = self.responses(op)
        if spec.callbacks:
            out["callbacks"] = {
                self.callback_name(cb): self.callback(self.m.callbacks[cb])
                for cb in spec.callbacks
                if cb in self.m.callbacks
            }
        if self.resources[op.resource].kind == "server":
            out["security"] = self.security(op)
        out[CLAUSES_KEY] = list(spec.clauses)
        out[INTERFACES_KEY] = list(spec.interfaces)
        if spec.open_points:
            out[OPEN_POINTS_KEY] = list(spec.open_points)
        return out

    def callback_name(self, rid: str) -> str:
        r = self.m.callbacks[rid]
        return r.operations[0].id[0].lower() + r.operations[0].id[1:] if r.operations else rid

    def callback(self, r: m.Resource) -> Json:
        item: Json = {}
        for op in r.operations:
            o = self.operation(op)
            o["responses"] = {
                k: v for k, v in o["responses"].items() if int(k) < 400 or k in {str(x.status) for x in op.responses}
            }
            item[op.method.lower()] = o
        return {r.path: item}

    def tag_name(self, r: m.Resource) -> str:
        return f"{r.name} ({r.id})"

    def paths(self) -> Json:
        out: Json = {}
        for r in self.m.resources:
            if r.kind != "server":
                continue
            item: Json = {
                "summary": f"{r.name} ({r.id})",
                "description": _describe(
                    f"{r.description.strip()}\n\nAllow: {', '.join(r.allow)}.",
                    r.clauses,
                    r.open_points,
                    self.m,
                ),
                RESOURCE_KEY: r.id,
                ALLOW_KEY: list(r.allow),
                CLAUSES_KEY: list(r.clauses),
            }
            for op in r.operations:
                item[op.method.lower()] = self.operation(op)
            out[r.path] = item
        return dict(sorted(out.items()))

    # ------------------------------------------------------------------ document

    def security_schemes(self) -> Json:
        out: Json = {}
        for name, sch in sorted(self.m.auth.schemes.items()):
            desc = _describe(sch.description, sch.clauses)
            if sch.type == "http-bearer":
                out[name] = {"type": "http", "scheme": "bearer", "bearerFormat": sch.bearer_format, "description": desc}
            else:
                out[name] = {
                    "type": "oauth2",
                    "description": desc,
                    "flows": {"clientCredentials": {"tokenUrl": sch.token_url, "scopes": dict(sch.scopes)}},
                }
            out[name][CLAUSES_KEY] = list(sch.clauses)
        return out

    def tags(self) -> list[Json]:
        return [
            {"name": self.tag_name(r), "description": _describe(r.description, r.clauses)}
            for r in self.m.resources
            if r.kind == "server"
        ]

    def document(self) -> Json:
        api = self.m.api
        server_vars = {
            k: {"default": "https://example.com", "description": v} for k, v in sorted(api.server_variables.items())
        }
        info: Json = {
            "title": api.title,
            "version": api.version,
            "description": _describe(api.description, api.clauses),
        }
        if api.license:
            info["license"] = dict(api.license)
        doc: Json = {
            "openapi": OPENAPI_VERSION,
            "info": info,
            "externalDocs": dict(api.external_docs),
            "servers": [
                {
                    "url": api.server_url,
                    "description": "The production MCData message store (deployment-specific apiRoot; https only).",
                    "variables": server_vars,
                    "x-internal": False,
                }
            ],
            "security": [{name: []} for name in sorted(self.m.auth.schemes)],
            "tags": self.tags(),
            "paths": self.paths(),
            "components": {"schemas": self.components_schemas(), "securitySchemes": self.security_schemes()},
            CLAUSES_KEY: list(api.clauses),
        }
        return doc


def _json(value: Any) -> Any:
    """The document as JSON data: the IR's tuples become lists (arrays for the validators and serialisers)."""
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    return value


def build_document(ix: Index) -> Json:
    """The OpenAPI document of the IR, as JSON data: the emitter copies the IR's tuples into lists and model
    values (examples) into JSON data (:meth:`_Emitter.value`), so no round trip through json is needed
    (tests/emit/test_openapi.py holds the document equal to its round trip)."""
    return _Emitter(ix).document()


def emit(doc: Json) -> dict[str, str]:
    """The OpenAPI document ``doc`` as ``{relative path: text}`` (JSON and YAML), joined from the cached texts of
    its path items and schemas (:mod:`.chunks`: the same bytes as one dump)."""
    json_text, yaml_text = chunks.documents(doc)
    return {"openapi/openapi.json": json_text, "openapi/openapi.yaml": yaml_text}
