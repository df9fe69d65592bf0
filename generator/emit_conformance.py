"""Stage 5g — emit the conformance kit: IR -> ``conformance/`` (a pytest suite any NMS server can be run against).

One happy-path test per operation (and one more per operation the server interface may call), an
unknown-resource test per operation that names a resource, a malformed-body test per JSON operation, a
method-not-allowed test per path, and the clause-21 auth tests over every operation. Test names start with
the first clause they realise and every test carries a ``clause`` marker with all of them, computed here
from the model; the traceability matrix reads those markers.

The happy paths are NMS knowledge written once in ``templates/conformance/scenarios.py``; this stage
refuses to emit a kit in which an operation of the model has no scenario.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

from . import model as m
from . import server_view as sv
from .escape import Code
from .render import TEMPLATES, format_python, render

RESOURCE_IDS = ("objectId", "folderId", "subscriptionId")
_USER_FIXTURE = Code("user: Api")  # a happy-path test's fixtures, and its scenario's (caller, box owner) arguments
_USER_ARGS = Code("user, user")


def slug(clause: str) -> str:
    """'OMA-NMS-6.10' -> 'oma_nms_6_10' (a clause id as part of a Python name)."""
    return re.sub(r"[^0-9a-zA-Z]+", "_", clause).strip("_").lower()


def _unique(*groups: list[str]) -> list[str]:
    out: list[str] = []
    for g in groups:
        out += [c for c in g if c not in out]
    return out


@dataclass
class KitTest:
    name: str
    op: str
    clauses: list[str]
    doc: str
    fixtures: Code = _USER_FIXTURE
    args: Code = _USER_ARGS
    param: str = ""


def scenario_names(source: str) -> set[str]:
    """The functions of the scenarios module: one per operationId that has a happy path."""
    tree = ast.parse(source)
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def _auth_clauses(model: m.Model) -> tuple[dict[str, list[str]], dict[str, str]]:
    a = model.auth
    rules = {r.id: list(r.clauses) for r in a.validation}
    challenges = {  # a challenge's clauses and those of the exception its body carries
        c.id: _unique(
            list(c.clauses), list(model.exceptions[c.exception].spec.clauses) if c.exception in model.exceptions else []
        )
        for c in a.challenges
    }
    user_if = next(i for i in a.interfaces if i.box_binding == "claim-equals-box")  # emit() checked it exists

    def rule(name: str) -> list[str]:
        return rules.get(name, [])

    def challenge(name: str) -> list[str]:
        return challenges.get(name, [])

    c = {
        "missing": _unique(challenge("missing-token"), rule("bearer-header")),
        "header": _unique(rule("bearer-header"), challenge("missing-token")),
        "invalid": challenge("invalid-token"),
        "signature": _unique(rule("signature"), rule("algorithm"), challenge("invalid-token")),
        "expiry": _unique(rule("expiry"), challenge("invalid-token")),
        "claims": _unique(rule("claims"), challenge("invalid-token")),
        "scope": _unique(rule("scope"), challenge("insufficient-scope")),
        "box": _unique(rule("box"), challenge("box-mismatch"), list(user_if.clauses)),
        "confusion": _unique(rule("interface"), challenge("box-mismatch")),
        "interface": _unique(rule("interface"), challenge("wrong-interface")),
        "tls": rule("tls"),
    }
    # a test is generated only when the model has the rule and the challenge it checks
    needs = {
        "missing": [challenges.get("missing-token")],
        "header": [rules.get("bearer-header"), challenges.get("missing-token")],
        "invalid": [challenges.get("invalid-token")],
        "signature": [rules.get("signature"), challenges.get("invalid-token")],
        "expiry": [rules.get("expiry"), challenges.get("invalid-token")],
        "claims": [rules.get("claims"), challenges.get("invalid-token")],
        "scope": [rules.get("scope"), challenges.get("insufficient-scope")],
        "box": [challenges.get("box-mismatch")],
        "confusion": [rules.get("interface"), challenges.get("box-mismatch")],
        "interface": [challenges.get("wrong-interface")],
        "tls": [rules.get("tls")],
    }
    c = {k: (v if all(x is not None for x in needs[k]) else []) for k, v in c.items()}
    return c, {k: slug(v[0]) for k, v in c.items() if v}


def body_type_clauses(model: m.Model, op: m.Operation) -> list[str]:
    """Clauses of every type a happy path of ``op`` sends or gets back (request bodies and parts, success
    answers), transitively through their fields and enums: the kit checks each of those bodies against its
    schema, so its happy-path test tests those types' clauses."""
    bodies = list(op.spec.request) + [b for r in op.spec.responses if r.status < 300 for b in r.bodies]
    todo = [b.type for b in bodies if b.type] + [p.type for b in bodies for p in b.parts if p.type]
    seen: list[str] = []
    while todo:
        name = todo.pop(0)
        if name in seen or name == m.ERROR_BODY_TYPE:
            continue
        seen.append(name)
        if name in model.types:
            todo += [f.spec.type for f in model.types[name].fields]
    out: list[str] = []
    for name in seen:
        spec = (
            model.types[name].spec if name in model.types else model.enums[name].spec if name in model.enums else None
        )
        if spec is not None:
            out += [c for c in spec.clauses if c not in out]
    return out


def emit(model: m.Model) -> dict[str, str]:
    ops = sv.operations(model)
    scenarios_source = (TEMPLATES / "conformance" / "scenarios.py").read_text(encoding="utf-8")
    scenarios = scenario_names(scenarios_source)
    without = sorted({o.id for o in ops} - scenarios)  # listed in the kit's README; no test claims their clauses
    a = model.auth
    user_if = next((i for i in a.interfaces if i.box_binding == "claim-equals-box"), None)
    if user_if is None:  # the kit tests a user's own box: without such an interface there is nothing to run
        return {"conformance/README.md": "# Conformance kit\n\nNot generated: the model has no interface whose token "
                "names its box (box_binding: claim-equals-box), which every kit test uses.\n"}  # fmt: skip
    server_if = next((i for i in a.interfaces if i is not user_if), None)
    rel = {o.id: o.path.split("{boxId}", 1)[1] for o in ops}
    svc0004 = list(model.exceptions["SVC0004"].spec.clauses) if "SVC0004" in model.exceptions else []
    svc0002 = list(model.exceptions["SVC0002"].spec.clauses) if "SVC0002" in model.exceptions else []
    happy: list[KitTest] = []
    unknown: list[KitTest] = []
    malformed: list[KitTest] = []
    by_id = {op.id: op for op in model.operations}
    for o in ops:
        first = slug(o.clauses[0])
        q = _unique(list(o.clauses), body_type_clauses(model, by_id[o.id]))
        if o.id in scenarios:
            happy.append(KitTest(f"test_{first}__{o.name}", o.id, q, f"{o.id} ({o.method} {rel[o.id]}): {o.summary}"))
        if o.id in scenarios and server_if is not None and server_if.name in o.interfaces:
            happy.append(
                KitTest(
                    f"test_{first}__{o.name}__{slug(server_if.name)}",
                    o.id,
                    _unique(list(o.clauses), list(server_if.clauses)),
                    f"{o.id} called by an MCData server over {server_if.name}, on the test user's box.",
                    Code("user: Api, server: Api"),
                    Code("user, server"),
                )
            )
        id_param = next((p.name for p in o.path_params if p.name in RESOURCE_IDS), None)
        if id_param:
            unknown.append(
                KitTest(
                    f"test_{first}__{o.name}__unknown_{sv.snake(id_param)}",
                    o.id,
                    _unique([o.clauses[0]], svc0004),
                    f"{o.id} on a {id_param} the box never issued: 404 with ServiceException SVC0004.",
                    param=id_param,
                )
            )
        if o.request == "json":
            malformed.append(
                KitTest(
                    f"test_{first}__{o.name}__malformed_body",
                    o.id,
                    _unique([o.clauses[0]], svc0002),
                    f"{o.id} with a body that is not JSON: 400 with ServiceException SVC0002.",
                )
            )
    mna = model.api.method_not_allowed
    not_allowed = {
        "name": f"test_{slug(mna.clauses[0])}__method_not_allowed",
        "clauses": list(mna.clauses),
        "doc": "A method a resource does not support: 405 with the exact Allow header of the document.",
    }
    api_test = {
        "name": f"test_{slug(model.api.clauses[0])}__json_and_percent_encoded_box",
        "clauses": list(model.api.clauses),
    }
    allow = {r.path.split("{boxId}", 1)[1]: ", ".join(r.spec.allow) for r in model.resources if r.spec.kind == "server"}
    c, n = _auth_clauses(model)
    data: dict[str, Any] = {
        "operations": [
            {
                "id": o.id,
                "method": o.method,
                "rel_path": rel[o.id],
                "interfaces": o.interfaces,
                "success": o.success_statuses,
                "clauses": o.clauses,
                "id_params": [p.name for p in o.path_params],
                "json_request": o.request == "json",
            }
            for o in ops
        ],
        "allow": allow,
        "user_interface": user_if.name,
        "server_interface": server_if.name if server_if else "",
        "user_claim": user_if.box_claim,
        "user_scope": " ".join(user_if.required_scopes),
        "challenges": {x.id: (x.status, x.exception) for x in a.challenges},
        "user_ops": sorted(o.id for o in ops if user_if.name in o.interfaces),
        "user_only_ops": sorted(o.id for o in ops if o.interfaces == [user_if.name]),
        "c": c,
        "n": n,
    }
    files = {
        "conformance/_kit.py": render("conformance/_kit.py.jinja", **data),
        "conformance/conftest.py": render("conformance/conftest.py.jinja"),
        "conformance/scenarios.py": scenarios_source,
        "conformance/test_operations.py": render(
            "conformance/test_operations.py.jinja",
            happy=happy,
            unknown=unknown,
            malformed=malformed,
            not_allowed=not_allowed,
            api_test=api_test,
        ),
        "conformance/test_auth.py": render("conformance/test_auth.py.jinja", **data),
        "conformance/pytest.ini": KIT_INI,
        "conformance/README.md": render(
            "conformance/README.md.jinja",
            title=model.api.title,
            server_url=model.api.server_url,
            user_interface=user_if.name,
            server_interface=server_if.name if server_if else "",
            without=without,
            user_claim=user_if.box_claim,
            counts={"happy": len(happy), "unknown": len(unknown), "malformed": len(malformed)},
        ),
    }
    return format_python(files, "mcdata_store")


KIT_INI = """\
# The conformance kit's own pytest settings (generated by nmsgen), so it runs the same from any folder.
[pytest]
addopts = -ra --strict-markers -p no:cacheprovider
markers =
    clause(*ids): the specification clauses a test realises
junit_family = xunit2
"""
