"""Stage 3 — build: parsed files (input models) -> one IR :class:`~generator.ir.model.Model`.

Merges the sections of every file, reports names defined twice, computes the document paths
and path parameters of each operation, and records every cross-reference (types, clauses,
interfaces, exceptions, open points, ...) as a :class:`~generator.ir.model.Ref` for ``validate``.
The IR nodes are new frozen dataclasses: each takes its input element's fields (lists as tuples) and
what the build computed; no input model survives into the IR. Returns None when the model lacks what
every later stage needs (the api and auth sections).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any, TypeVar

from ..diagnostics import Diagnostics, Position
from ..ir import model as m
from . import schema as s
from .load import LoadedFile

_VAR = re.compile(r"\{([^{}]*)\}")


N = TypeVar("N")


def _node(cls: type[N], spec: Any, **given: Any) -> N:
    """The IR node ``cls`` of an input element: ``given`` values, and for the other fields the element's
    same-named ones, lists as tuples."""
    values = {}
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]  # IR dataclass
    for name in names:
        if name in given:
            values[name] = given[name]
        elif hasattr(spec, name):
            v = getattr(spec, name)
            values[name] = tuple(v) if isinstance(v, list) else v
    return cls(**values)


_FIELDS: dict[type, tuple[str, ...]] = {}  # an IR node class -> its field names (dataclasses.fields costs)


def _body(b: s.BodyIn, rule_positions: Sequence[Position] = ()) -> m.Body:
    rules = tuple(_rule(r, pos) for r, pos in zip(b.rules, rule_positions, strict=True)) if rule_positions else ()
    return _node(m.Body, b, parts=tuple(_node(m.Part, p) for p in b.parts), rules=rules)


def _rule(r: s.RuleIn, pos: Position) -> m.Rule:
    at = tuple(r.at.split(".")) if r.at is not None else ()
    return m.Rule(
        r.when.field, tuple(r.when.values), tuple(r.require), tuple(sorted(r.match.items())), pos, at, r.refuse
    )


def _request(r: s.RequestIn | None) -> m.RequestRule | None:
    return None if r is None else _node(m.RequestRule, r)


def _response(r: s.ResponseIn) -> m.Response:
    return _node(
        m.Response,
        r,
        bodies=tuple(_body(b) for b in r.bodies),
        headers={k: _node(m.Header, h) for k, h in r.headers.items()},
    )


def _parameter(p: s.ParameterIn, pos: Position) -> m.Parameter:
    return _node(m.Parameter, p, position=pos)


def _setting(setting: s.SettingIn | str) -> m.Setting:
    if isinstance(setting, str):
        return _node(m.Setting, s.SettingIn(description=setting), plain=True)
    return _node(m.Setting, setting, plain=False)


def _auth(a: s.AuthIn) -> m.Auth:
    return _node(
        m.Auth,
        a,
        settings={k: _setting(v) for k, v in a.settings.items()},
        schemes={k: _node(m.Scheme, v) for k, v in a.schemes.items()},
        interfaces=tuple(
            _node(m.Interface, i, operation_sets={k: _node(m.OperationSet, v) for k, v in i.operation_sets.items()})
            for i in a.interfaces
        ),
        profiles=tuple(_node(m.Profile, p) for p in a.profiles),
        validation=tuple(_node(m.ValidationRule, r, parameters=dict(r.parameters)) for r in a.validation),
        challenges=tuple(_node(m.Challenge, c, when=dict(c.when)) for c in a.challenges),
    )


def _resource_order(rid: str) -> tuple[int, str]:
    digits = re.sub(r"\D", "", rid)
    return (int(digits) if digits else 10**6, rid)


class _Builder:
    def __init__(self, diags: Diagnostics) -> None:
        self.d = diags
        self.refs: list[m.Ref] = []
        self.positions: dict[str, Position] = {}
        self.values: dict[str, Position] = {}  # Model.value_positions

    def define(self, key: str, pos: Position, what: str) -> bool:
        """Register a model-wide name; report a second definition."""
        if key in self.positions:
            first = self.positions[key]
            self.d.error(
                "duplicate-definition",
                f"{what} is defined twice (first at {first})",
                pos,
                "rename one of them or remove the duplicate",
            )
            return False
        self.positions[key] = pos
        return True

    def ref(self, kind: str, names: Sequence[str], pos: Position, context: str) -> None:
        for n in names:
            self.refs.append(m.Ref(kind, n, pos, context))

    def cite(self, clauses: Sequence[str], pos: Position, context: str) -> None:
        self.ref("clause", clauses, pos, context)

    def type_ref(self, name: str | None, pos: Position, context: str) -> None:
        if name is not None:
            self.refs.append(m.Ref("type", name, pos, context))


def build(parsed: list[tuple[LoadedFile, s.SpecFile]], diags: Diagnostics) -> m.Model | None:
    b = _Builder(diags)
    api: tuple[s.ApiIn, Position] | None = None
    auth: tuple[s.AuthIn, Position] | None = None
    clauses: dict[str, m.Clause] = {}
    open_points: dict[str, m.OpenPoint] = {}
    exceptions: dict[str, m.ExceptionDef] = {}
    enums: dict[str, m.Enum] = {}
    types: dict[str, m.Type] = {}
    resources: list[m.Resource] = []
    examples: list[m.Example] = []
    pending_resources: list[tuple[LoadedFile, int, s.ResourceIn]] = []

    for f, spec in parsed:
        if spec.api is not None:
            pos = f.where(("api",))
            if api is None:
                api = (spec.api, pos)
                b.define("api", pos, "the api section")
            else:
                b.define("api", pos, "the api section")
        if spec.auth is not None:
            pos = f.where(("auth",))
            if auth is None:
                auth = (spec.auth, pos)
            b.define("auth", pos, "the auth section")
        for i, c in enumerate(spec.clauses):
            pos = f.where(("clauses", i, "id"))
            if b.define(f"clause:{c.id}", pos, f"clause {c.id!r}"):
                clauses[c.id] = _node(m.Clause, c, position=pos)
                for j, src in enumerate(c.derived_from):
                    b.ref("element", [f"clause:{src}"], f.where(("clauses", i, "derived_from", j)), f"clause {c.id!r}")
        for i, opt in enumerate(spec.open_points):
            pos = f.where(("open_points", i, "id"))
            if b.define(f"open-point:{opt.id}", pos, f"open point {opt.id!r}"):
                open_points[opt.id] = _node(m.OpenPoint, opt, position=pos)
                b.cite(opt.clauses, f.where(("open_points", i, "clauses")), f"open point {opt.id!r}")
                for j, target in enumerate(opt.affects):
                    b.ref("element", [target], f.where(("open_points", i, "affects", j)), f"open point {opt.id!r}")
        for eid, e in spec.exceptions.items():
            pos = f.where(("exceptions", eid))
            if b.define(f"exception:{eid}", pos, f"exception {eid!r}"):
                exceptions[eid] = _node(m.ExceptionDef, e, id=eid, position=pos)
                b.cite(e.clauses, pos, f"exception {eid!r}")
        for name, en in spec.enums.items():
            pos = f.where(("enums", name))
            if b.define(f"type:{name}", pos, f"type or enum {name!r}"):
                enums[name] = _node(
                    m.Enum, en, name=name, values=tuple(_node(m.EnumValue, v) for v in en.values), position=pos
                )
                b.positions[f"enum:{name}"] = pos
                b.cite(en.clauses, pos, f"enum {name!r}")
        for name, t in spec.types.items():
            pos = f.where(("types", name))
            if not b.define(f"type:{name}", pos, f"type or enum {name!r}"):
                continue
            fields = []
            for fname, fs in t.fields.items():
                fpos = f.where(("types", name, "fields", fname))
                fields.append(_node(m.Field, fs, name=fname, position=fpos, request=_request(fs.request)))
                b.type_ref(
                    fs.type, f.where(("types", name, "fields", fname, "type")), f"field {fname!r} of type {name!r}"
                )
                b.cite(fs.clauses, fpos, f"field {fname!r} of type {name!r}")
            if t.kind == "simple":
                b.type_ref(t.base or "string", f.where(("types", name, "base")), f"base of type {name!r}")
            types[name] = _node(
                m.Type,
                t,
                name=name,
                fields=tuple(fields),
                choices=tuple(_node(m.Choice, c) for c in t.choices),
                position=pos,
                request=_request(t.request),
                rules=tuple(_rule(r, f.where(("types", name, "rules", i))) for i, r in enumerate(t.rules)),
            )
            b.cite(t.clauses, pos, f"type {name!r}")
            if t.root:
                b.define(f"root:{t.root}", f.where(("types", name, "root")), f"JSON root element {t.root!r}")
        for i, r in enumerate(spec.resources):
            pending_resources.append((f, i, r))
        for i, ex in enumerate(spec.examples):
            pos = f.where(("examples", i, "name"))
            if b.define(f"example:{ex.name}", pos, f"example {ex.name!r}"):
                vpath = ("examples", i, "value")
                located = f.under(vpath)
                examples.append(_node(m.Example, ex, value=ex.value, position=pos, value_positions=located))
                b.type_ref(ex.type, f.where(("examples", i, "type")), f"example {ex.name!r}")
                b.ref("operation", ex.operations, f.where(("examples", i, "operations")), f"example {ex.name!r}")

    if api is None:
        diags.error(
            "missing-section",
            "the model has no 'api' section",
            Position(parsed[0][0].path, 1, 1) if parsed else None,
            "add spec/api.yaml",
        )
    if auth is None:
        diags.error(
            "missing-section",
            "the model has no 'auth' section",
            Position(parsed[0][0].path, 1, 1) if parsed else None,
            "add spec/auth.yaml",
        )
    if api is None or auth is None:
        return None

    api_spec, api_pos = api
    prefix = _path_prefix(api_spec, api_pos, diags)
    api_file = next(f for f, sp in parsed if sp.api is api_spec)
    for key in ("package", "version", "base_path", "server_url", "base_variables", "publication"):
        b.values[f"api.{key}"] = api_file.where(("api", key))
    base_params: list[m.Parameter] = []
    for i, p in enumerate(api_spec.base_parameters):
        ppos = api_file.where(("api", "base_parameters", i))
        base_params.append(_parameter(p, ppos))
        b.type_ref(p.type, ppos, f"base parameter {p.name!r}")
        b.cite(p.clauses, ppos, f"base parameter {p.name!r}")
    b.cite(api_spec.clauses, api_pos, "the api section")
    api_responses: dict[int, Position] = {}
    for i, resp in enumerate([*api_spec.common_responses, api_spec.method_not_allowed]):
        rpos = (
            api_file.where(("api", "common_responses", i))
            if i < len(api_spec.common_responses)
            else api_file.where(("api", "method_not_allowed"))
        )
        api_responses.setdefault(resp.status, rpos)
        _response_refs(b, resp, rpos, f"common {resp.status} response")

    for f, i, r in pending_resources:
        rpos = f.where(("resources", i, "id"))
        if not b.define(f"resource:{r.id}", rpos, f"resource {r.id!r}"):
            continue
        b.cite(r.clauses, rpos, f"resource {r.id!r}")
        b.ref("open-point", r.open_points, f.where(("resources", i, "open_points")), f"resource {r.id!r}")
        path = r.path if r.kind == "callback" else prefix + r.path
        b.values.setdefault(f"resource.{r.id}.path", f.where(("resources", i, "path")))
        own_params = [_parameter(p, f.where(("resources", i, "parameters", k))) for k, p in enumerate(r.parameters)]
        for prm in own_params:
            b.type_ref(prm.type, prm.position, f"parameter {prm.name!r} of resource {r.id!r}")
            b.cite(prm.clauses, prm.position, f"parameter {prm.name!r}")
        operations: list[m.Operation] = []
        for j, op in enumerate(r.operations):
            opath = ("resources", i, "operations", j)
            opos = f.where((*opath, "operation_id"))
            b.positions.setdefault(f"operation:{op.operation_id}", opos)  # duplicates: validate.duplicate_operation_id
            ctx = f"operation {op.operation_id!r}"
            b.cite(op.clauses, opos, ctx)
            b.ref("interface", op.interfaces, f.where((*opath, "interfaces")), ctx)
            b.ref("open-point", op.open_points, f.where((*opath, "open_points")), ctx)
            b.ref("callback", op.callbacks, f.where((*opath, "callbacks")), ctx)
            query = [_parameter(p, f.where((*opath, "parameters", k))) for k, p in enumerate(op.parameters)]
            for prm in query:
                b.type_ref(prm.type, prm.position, f"parameter {prm.name!r} of {ctx}")
                b.cite(prm.clauses, prm.position, f"parameter {prm.name!r} of {ctx}")
            for k, body in enumerate(op.request):
                _body_refs(b, body, f.where((*opath, "request", k)), f"request of {ctx}")
            for k, resp in enumerate(op.responses):
                _response_refs(b, resp, f.where((*opath, "responses", k)), f"{resp.status} response of {ctx}")
            params = (base_params if r.kind == "server" else []) + own_params
            operations.append(
                _node(
                    m.Operation,
                    op,
                    id=op.operation_id,
                    resource=r.id,
                    path=path,
                    path_parameters=tuple(params),
                    query_parameters=tuple(query),
                    request=tuple(
                        _body(x, [f.where((*opath, "request", k, "rules", i)) for i in range(len(x.rules))])
                        for k, x in enumerate(op.request)
                    ),
                    responses=tuple(_response(x) for x in op.responses),
                    position=opos,
                )
            )
        resources.append(
            _node(
                m.Resource,
                r,
                path=path,
                declared_path=r.path,
                parameters=tuple(own_params),
                operations=tuple(operations),
                position=rpos,
            )
        )
    resources.sort(key=lambda r: _resource_order(r.id))

    auth_spec, auth_pos = auth
    auth_file = next(f for f, sp in parsed if sp.auth is auth_spec)
    b.cite(auth_spec.clauses, auth_pos, "the auth section")
    for name, setting in auth_spec.settings.items():
        pos = auth_file.where(("auth", "settings", name))
        b.define(f"setting:{name}", pos, f"deployment setting {name!r}")
        if isinstance(setting, s.SettingIn):
            b.ref("open-point", setting.open_points, pos, f"deployment setting {name!r}")
        b.values[f"setting.{name}"] = pos
    for name, sch in auth_spec.schemes.items():
        pos = auth_file.where(("auth", "schemes", name))
        b.define(f"scheme:{name}", pos, f"security scheme {name!r}")
        b.values[f"scheme.{name}.scopes"] = auth_file.where(("auth", "schemes", name, "scopes"))
        b.cite(sch.clauses, pos, f"security scheme {name!r}")
    for i, itf in enumerate(auth_spec.interfaces):
        pos = auth_file.where(("auth", "interfaces", i, "name"))
        b.define(f"interface:{itf.name}", pos, f"interface {itf.name!r}")
        for key in ("box_claim", "required_scopes", "required_claims"):
            b.values.setdefault(f"interface.{itf.name}.{key}", auth_file.where(("auth", "interfaces", i, key)))
        b.cite(itf.clauses, pos, f"interface {itf.name!r}")
        b.ref("scheme", [itf.scheme], auth_file.where(("auth", "interfaces", i, "scheme")), f"interface {itf.name!r}")
        b.ref("open-point", itf.open_points, pos, f"interface {itf.name!r}")
        for scope in itf.required_scopes:
            for var in re.findall(r"\$\{([^}]*)\}", scope):
                b.ref("setting", [var], pos, f"scope of interface {itf.name!r}")
        if itf.operations_setting:
            where = auth_file.where(("auth", "interfaces", i, "operations_setting"))
            b.ref("setting", [itf.operations_setting], where, f"interface {itf.name!r}")
        for set_name, op_set in itf.operation_sets.items():
            where = auth_file.where(("auth", "interfaces", i, "operation_sets", set_name))
            ctx = f"operation set {set_name!r} of interface {itf.name!r}"
            b.cite(op_set.clauses, where, ctx)
            b.ref("operation", op_set.operations, where, ctx)
    for i, prof in enumerate(auth_spec.profiles):
        pos = auth_file.where(("auth", "profiles", i, "name"))
        b.define(f"profile:{prof.name}", pos, f"validation profile {prof.name!r}")
        b.cite(prof.clauses, pos, f"validation profile {prof.name!r}")
    for i, rule in enumerate(auth_spec.validation):
        pos = auth_file.where(("auth", "validation", i, "id"))
        b.define(f"auth:{rule.id}", pos, f"auth rule {rule.id!r}")
        b.cite(rule.clauses, pos, f"auth rule {rule.id!r}")
        b.ref(
            "profile", rule.profiles, auth_file.where(("auth", "validation", i, "profiles")), f"auth rule {rule.id!r}"
        )
        b.ref("open-point", rule.open_points, pos, f"auth rule {rule.id!r}")
    for i, ch in enumerate(auth_spec.challenges):
        pos = auth_file.where(("auth", "challenges", i, "id"))
        b.define(f"auth:{ch.id}", pos, f"auth challenge {ch.id!r}")
        b.cite(ch.clauses, pos, f"auth challenge {ch.id!r}")
        b.type_ref(m.ERROR_BODY_TYPE, pos, f"the body of auth challenge {ch.id!r}")
        b.ref(
            "exception",
            [ch.exception],
            auth_file.where(("auth", "challenges", i, "exception")),
            f"auth challenge {ch.id!r}",
        )
        b.ref("open-point", ch.open_points, pos, f"auth challenge {ch.id!r}")
        if ch.variant_of:
            where = auth_file.where(("auth", "challenges", i, "variant_of"))
            b.ref("element", [f"auth:{ch.variant_of}"], where, f"auth challenge {ch.id!r}")
        if ch.when:
            b.ref(
                "setting",
                list(ch.when),
                auth_file.where(("auth", "challenges", i, "when")),
                f"auth challenge {ch.id!r}",
            )
        for var in _VAR.findall(ch.www_authenticate):
            if var not in ("scope",):
                b.ref("setting", [var], pos, f"auth challenge {ch.id!r}")

    api_ir = _node(
        m.Api,
        api_spec,
        limits=_node(m.Limits, api_spec.limits),
        base_parameters=tuple(base_params),
        common_responses=tuple(_response(x) for x in api_spec.common_responses),
        method_not_allowed=_response(api_spec.method_not_allowed),
        publication=_node(m.Publication, api_spec.publication) if api_spec.publication else None,
    )
    return m.Model(
        api=api_ir,
        api_position=api_pos,
        auth=_auth(auth_spec),
        auth_position=auth_pos,
        clauses=clauses,
        open_points=open_points,
        exceptions=exceptions,
        enums=enums,
        types=types,
        resources=tuple(resources),
        examples=tuple(examples),
        refs=tuple(b.refs),
        positions=b.positions,
        api_response_positions=api_responses,
        value_positions=b.values,
    )


def _body_refs(b: _Builder, body: s.BodyIn, pos: Position, ctx: str) -> None:
    b.type_ref(body.type, pos, ctx)
    for part in body.parts:
        b.type_ref(part.type, pos, f"part {part.name!r} of {ctx}")


def _response_refs(b: _Builder, resp: s.ResponseIn, pos: Position, ctx: str) -> None:
    b.cite(resp.clauses, pos, ctx)
    b.ref("exception", resp.exceptions, pos, ctx)
    for body in resp.bodies:
        _body_refs(b, body, pos, ctx)


def _path_prefix(api: s.ApiIn, pos: Position, diags: Diagnostics) -> str:
    """The part of the base path that stays in every document path, e.g. ``/{storeName}/{boxId}``."""
    substituted = _VAR.sub(lambda mt: api.base_variables.get(mt.group(1), mt.group(0)), api.base_path)
    server_path = _VAR.sub("", api.server_url.split("}", 1)[-1]) if api.server_url.startswith("{") else ""
    if not substituted.startswith(server_path):
        diags.error(
            "invalid-value",
            f"server_url path {server_path!r} is not a prefix of base_path {substituted!r}",
            pos,
            "make server_url end with the fixed start of base_path",
        )
        return substituted
    return substituted[len(server_path) :]
