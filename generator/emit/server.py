"""Stage 5d — emit the store interface, the auth module and the server: IR -> ``<package>/*.py``.

Templates read the index's operation views (:mod:`generator.ir.index`) and plain tables built here. Deny by default: an
operation that names no interface cannot be generated (``validate`` reports it; this stage refuses
it again, so a template change cannot silently drop the rule).
"""

from __future__ import annotations

import re
from typing import Any

from .. import escape
from ..ir import answers
from ..ir import model as m
from ..ir.index import Index
from ..ir.names import body_schema_name, operation_body_name, request_schema_name
from .render import Unformatted, format_python, render


class GenerationError(Exception):
    pass


# Which part of the model a mutant switches off (``nmsgen trace --verify``): ("rule", id), ("challenge", id)
# or ("interface", name); None for the real server.
Switch = tuple[str, str] | None

# a switched-off challenge: its failures get the generic answer of an unexpected error instead of its own
_NO_CHALLENGE = (500, "", "SVC0001")


def _setting_annotation(setting: m.Setting) -> escape.Code:
    """The Python annotation of a setting: a Literal of its values (escaped literals), or its type."""
    if setting.values:
        return escape.Code("Literal[" + escape.py_literals(setting.values) + "]")
    if setting.default is None:
        return escape.Code("str | None")
    return escape.Code(type(setting.default).__name__)


# settings AuthSettings carries under its own names and types (keys, algorithms, profile, ...)
_RUNTIME_SETTINGS = {
    "jwks",
    "allowed_algorithms",
    "validation_profile",
    "realm",
    "leeway_seconds",
    "issuer",
    "audience",
}


def _tls_rule(rule: m.ValidationRule, settings: dict[str, m.Setting]) -> dict[str, str]:
    name = str(rule.parameters.get("min_tls_version_setting", ""))
    setting = settings.get(name)
    return {"setting": name, "default": str(setting.default) if setting and setting.default else "1.2"}


def _auth_data(ix: Index, switched_off: Switch = None) -> dict[str, Any]:
    """The auth module's tables, from the model; ``switched_off`` leaves one rule, challenge or interface rule
    out of the generated code (a mutant for citation verification)."""
    model = ix.model
    a = model.auth
    off_kind, off_id = switched_off or ("", "")
    rules = [r for r in a.validation if not (off_kind == "rule" and r.id == off_id)]
    by_check: dict[str, list[m.ValidationRule]] = {}
    for r in rules:
        by_check.setdefault(r.check, []).append(r)
    expiry = next((r for r in a.validation if r.check == "expiry"), None)
    max_leeway = int(expiry.parameters.get("max_leeway_seconds", 30)) if expiry else 30  # type: ignore[arg-type]
    claims9068 = next(
        (r.parameters.get("required") for r in rules if r.check == "claims" and r.profiles == ("rfc9068",)), []
    )
    typ = next((r for r in a.validation if r.check == "type"), None)
    tls = next((r for r in rules if r.check == "transport"), None)
    checks = {kind: False for kind in CHECK_KINDS}
    for r in rules:
        if r.check == "claims" and r.profiles == ("rfc9068",):
            continue  # the RFC 9068 required claims: RFC9068_REQUIRED_CLAIMS
        checks[r.check] = True
    interfaces = {}
    for i in a.interfaces:
        off = off_kind == "interface" and i.name == off_id
        interfaces[i.name] = {
            "scheme": i.scheme,
            "required_scopes": [] if off else list(i.required_scopes),
            "box_binding": "any-box" if off else i.box_binding,
            "box_claim": "" if off else i.box_claim,
            "required_claims": [] if off else [c for c in i.required_claims if c not in ("exp",)],
            "operations_setting": "" if off else i.operations_setting,
            "operation_sets": {} if off else {k: sorted(v.operations) for k, v in sorted(i.operation_sets.items())},
        }
    user = next((i for i in a.interfaces if i.box_binding == "claim-equals-box"), None)
    server = next((i for i in a.interfaces if i.box_binding == "any-box"), None)
    settings = ix.settings
    realm = settings.get("realm")
    challenges = []
    for c in a.challenges:
        status, header, exception = (
            _NO_CHALLENGE if off_kind == "challenge" and c.id == off_id else (c.status, c.www_authenticate, c.exception)
        )
        challenges.append(
            {
                "id": c.id,
                "status": status,
                "www_authenticate": header,
                "exception": exception,
                "variant_of": c.variant_of,
                "when": dict(c.when),
            }
        )
    return {
        "max_leeway": max_leeway,
        "profiles": tuple(p.name for p in a.profiles),
        "rfc9068_claims": list(claims9068) if isinstance(claims9068, list) else [],
        "rfc9068_types": tuple(typ.parameters.get("accepted", [])) if typ else (),  # type: ignore[arg-type]
        "user_token_claim": user.box_claim if user else "",
        "user_interface": user.name if user else "",
        "server_interface": server.name if server else "",
        "interfaces": a.interfaces,
        "interfaces_data": interfaces,
        "challenges": a.challenges,
        "challenges_data": challenges,
        "rules": a.validation,
        "checks": checks,
        "bearer_rule": any(r.check == "bearer" for r in rules),
        "tls_rule": _tls_rule(tls, settings) if tls else None,
        "realm_default": realm.default if realm and realm.default is not None else "mcdata-message-store",
        "extra_settings": [
            {
                "name": name,
                "annotation": _setting_annotation(v),
                "default": v.default,
                "summary": v.description.split(". ")[0],
            }
            for name, v in settings.items()
            if name not in _RUNTIME_SETTINGS
        ],
        "setting_values": {name: tuple(v.values) for name, v in settings.items() if v.values},
        "scopes_not_checked": sorted(n for n, v in settings.items() if v.when_empty == "not-checked"),
        "choices": [
            {"name": n, "default": v.default, "open_points": v.open_points}
            for n, v in settings.items()
            if v.open_points and v.default is not None
        ],
        "disabled": f"{off_kind} {off_id}" if switched_off else "",
        "challenge_variables": {
            c.id: ("500",) if off_kind == "challenge" and c.id == off_id else answers.challenge_variables(model, c)
            for c in a.challenges
        },
        # the check of the switched-off rule: its mutant trusts the token's alg including "none" (unsigned), which
        # PyJWT alone would still refuse; a model that has no such rule is generated as before
        "off_check": next((r.check for r in a.validation if off_kind == "rule" and r.id == off_id), ""),
    }


CHECK_KINDS = tuple(m.CHECK_CHALLENGES)


def emit(ix: Index, switched_off: Switch = None) -> dict[str, str]:
    return format_python(sources(ix, switched_off))


def sources(ix: Index, switched_off: Switch = None) -> Unformatted:
    """The files before formatting (``format_python`` formats the files of every emitter at once)."""
    model, ops = ix.model, ix.operations
    for op in ops:
        if not op.interfaces:
            raise GenerationError(f"operation {op.id} has no auth rule (no interface may call it)")
    package, folder = model.api.package, model.package_dir
    prefix = ix.server_path
    allow = {prefix + r.path: ", ".join(r.allow) for r in model.resources if r.kind == "server"}
    methods = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE")
    not_allowed = [(path, value, [x for x in methods if x not in value.split(", ")]) for path, value in allow.items()]
    auth = _auth_data(ix, switched_off)
    variants = ix.request_types
    # operationId -> the body classes its requests are checked against first: the request variants of the
    # document (request-only constraints), "" where the body type has none; and each path parameter's limits
    request_checks: dict[str, dict[str, str]] = {}
    path_limits: dict[str, dict[str, tuple[int, str | None]]] = {}
    base = {p.name for p in model.api.base_parameters}
    for r in model.resources:
        for mop in r.operations:
            checks = {"json": "", "part": ""}
            for b in mop.request:
                for kind, t in [("json", b.type), *[("part", p.type) for p in b.parts]]:
                    if t in variants:
                        checks[kind] = body_schema_name(request_schema_name(t))
                if b.rules:  # rules of this operation's requests only: its own body component
                    checks["json"] = operation_body_name(mop.id)
            request_checks[mop.id] = checks
            path_limits[mop.id] = {
                p.name: (p.max_length or model.api.limits.path_parameter, p.pattern)
                for p in mop.path_parameters
                if p.name not in base
            }
    exceptions = {x.id: (x.kind, x.text, x.http_status) for x in model.exceptions.values()}
    # the runtime's request readers the routes call (an import of one no route calls would be unused)
    readers = {"BadRequest", "BodyReader"} | {str(q.parse).split("(")[0] for op in ops for q in op.query_params}
    readers |= {"path_param"} if any(op.path_params for op in ops) else set()
    readers |= {"part_payload"} if any(op.payload_parts for op in ops if op.parts) else set()
    files = {
        f"{folder}/store.py": render(
            "server/store.py.jinja",
            operations=ops,
            interfaces=[i.name for i in model.auth.interfaces],
            exceptions=exceptions,
            exception_clauses=[(x.id, x.clauses) for x in model.exceptions.values()],
            string_limit=model.api.limits.string,
            variable_limit=min(256, model.api.limits.string),
            uri_limit=model.api.limits.uri,
        ),
        f"{folder}/auth.py": render("server/auth.py.jinja", **auth),
        f"{folder}/server.py": render(
            "server/server.py.jinja",
            operations=ops,
            bodies=ix.bodies,
            empty=escape.Code("models.Empty" if any(t.name == "Empty" for t in ix.bodies) else "None"),
            readers=escape.Code(", ".join(sorted(readers))),
            allow=allow,
            not_allowed=not_allowed,
            request_checks=request_checks,
            read_only={
                t.name: tuple(f.name for f in t.fields if f.access == "read-only")
                for t in model.types.values()
                if any(f.access == "read-only" for f in t.fields)
            },
            path_limits=path_limits,
            title=model.api.title,
            version=model.api.version,
            payload_limit=model.api.limits.payload,
            string_limit=model.api.limits.string,
            server_path=prefix,
            base_pattern="^" + re.escape(prefix) + "/([^/?]+)/([^/?]+)(?:/|$)",
            not_allowed_clauses=model.api.method_not_allowed.clauses,
            app_clauses=list(dict.fromkeys([*model.api.clauses, *model.auth.clauses])),
            not_found=answers.server_answer(model, 404, ("SVC0004", ["Request-URI"])),
            internal_error=answers.server_answer(model, 500, ("SVC0001", ["500"])),
            not_allowed_answer=answers.server_answer(model, 405, ("SVC0001", ["405"])),
        ),
    }
    return Unformatted(files, package)
