"""Stage 5d — emit the store interface, the auth module and the server: IR -> ``<package>/*.py``.

Templates read :mod:`generator.server_view` and plain tables built here. Deny by default: an
operation that names no interface cannot be generated (``validate`` reports it; this stage refuses
it again, so a template change cannot silently drop the rule).
"""

from __future__ import annotations

import re
from typing import Any

from . import model as m
from . import server_view as sv
from .emit_openapi import body_schema_name, body_types
from .render import format_python, render


class GenerationError(Exception):
    pass


def _auth_data(model: m.Model) -> dict[str, Any]:
    a = model.auth
    rules = {r.check: r for r in a.validation}
    expiry = rules.get("expiry")
    max_leeway = int(expiry.parameters.get("max_leeway_seconds", 30)) if expiry else 30  # type: ignore[arg-type]
    claims9068 = next(
        (r.parameters.get("required") for r in a.validation if r.check == "claims" and r.profiles == ["rfc9068"]), []
    )
    typ = rules.get("type")
    interfaces = {
        i.name: {
            "scheme": i.scheme,
            "required_scopes": list(i.required_scopes),
            "box_binding": i.box_binding,
            "box_claim": i.box_claim,
            "required_claims": [c for c in i.required_claims if c not in ("exp",)],
        }
        for i in a.interfaces
    }
    user_claim = next((i.box_claim for i in a.interfaces if i.box_binding == "claim-equals-box"), "")
    return {
        "max_leeway": max_leeway,
        "profiles": tuple(p.name for p in a.profiles),
        "rfc9068_claims": list(claims9068) if isinstance(claims9068, list) else [],
        "rfc9068_types": tuple(typ.parameters.get("accepted", [])) if typ else (),  # type: ignore[arg-type]
        "user_token_claim": user_claim,
        "interfaces": a.interfaces,
        "interfaces_data": interfaces,
        "challenges": a.challenges,
        "rules": a.validation,
        "challenges_data": {c.id: (c.status, c.www_authenticate, c.exception) for c in a.challenges},
    }


def emit(model: m.Model) -> dict[str, str]:
    ops = sv.operations(model)
    for op in ops:
        if not op.interfaces:
            raise GenerationError(f"operation {op.id} has no auth rule (no interface may call it)")
    package, folder = model.api.package, model.package_dir
    prefix = sv.server_path(model)
    bodies = sorted(body_types(model))
    allow = {prefix + r.path: ", ".join(r.spec.allow) for r in model.resources if r.spec.kind == "server"}
    methods = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE")
    not_allowed = [(path, value, [x for x in methods if x not in value.split(", ")]) for path, value in allow.items()]
    auth = _auth_data(model)
    exceptions = {x.id: (x.spec.kind, x.spec.text, x.spec.http_status) for x in model.exceptions.values()}
    files = {
        f"{folder}/store.py": render(
            "server/store.py.jinja",
            operations=ops,
            interfaces=[i.name for i in model.auth.interfaces],
            exceptions=exceptions,
            exception_clauses=[(x.id, x.spec.clauses) for x in model.exceptions.values()],
            string_limit=model.api.limits.string,
            variable_limit=min(256, model.api.limits.string),
            uri_limit=model.api.limits.uri,
        ),
        f"{folder}/auth.py": render("server/auth.py.jinja", **auth),
        f"{folder}/server.py": render(
            "server/server.py.jinja",
            operations=ops,
            bodies=[{"name": t, "body": body_schema_name(t), "root": model.types[t].spec.root} for t in bodies],
            allow=allow,
            not_allowed=not_allowed,
            title=model.api.title,
            version=model.api.version,
            payload_limit=model.api.limits.payload,
            string_limit=model.api.limits.string,
            server_path=prefix,
            base_pattern="^" + re.escape(prefix) + "/([^/?]+)/([^/?]+)(?:/|$)",
            not_allowed_clauses=model.api.method_not_allowed.clauses,
            app_clauses=list(dict.fromkeys([*model.api.clauses, *model.auth.clauses])),
            challenges_with_header={c.id: bool(c.www_authenticate) for c in model.auth.challenges},
        ),
    }
    return format_python(files, package)
