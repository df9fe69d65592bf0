"""Stage 5g — emit the conformance kit: IR -> ``conformance/`` (a pytest suite any NMS server can be run against).

One happy-path test per operation (and one more per operation the server interface may call), an
unknown-resource test per operation that names a resource, a malformed-body test per JSON operation, a
method-not-allowed test per path, and the clause-21 auth tests over every operation. Each test cites only the
clauses its assertions check (``clause`` marker, or one per ``pytest.param`` case), at most four, and is
named after the first; the traceability matrix reads those markers. What a test checks is written once, here
(auth tests) and in ``scenarios.py`` (happy paths), and a clause is cited only while the model holds it (an auth
test's clause: while the rule, challenge or exception behind the test cites it).

The happy paths are NMS knowledge written once in ``templates/conformance/scenarios.py``; this stage
refuses to emit a kit in which an operation of the model has no scenario.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from ..escape import Code
from ..ir import model as m
from ..ir.index import Index, OperationView
from ..ir.names import slug, snake
from .render import TEMPLATES, Unformatted, format_python, render

RESOURCE_IDS = ("objectId", "folderId", "subscriptionId")


def _unique(*groups: list[str]) -> list[str]:
    out: list[str] = []
    for g in groups:
        out += [c for c in g if c not in out]
    return out


_USER_FIXTURE = Code("user: Api")  # the happy path's fixtures and scenario arguments: code, not model text
_USER_ARGS = Code("user, user")


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


def scenario_checks(source: str) -> dict[str, tuple[str, ...]]:
    """The scenarios module's ``CHECKS``: operationId -> the clauses its happy path checks besides the
    operation's defining clause and its caller's interface clauses."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "CHECKS":
            value: dict[str, tuple[str, ...]] = ast.literal_eval(node.value) if node.value else {}
            return value
    return {}


def happy_clauses(model: m.Model, op: OperationView, caller: m.Interface, extra: tuple[str, ...]) -> list[str]:
    """What a happy path of ``op`` by ``caller`` cites: the operation's defining (first) clause, those of its
    clauses that belong to the caller's interface (e.g. a user manages their stored objects over MCData-7), and
    the clauses its scenario declares (``extra``) that the registry holds."""
    own = [op.clauses[0], *(c for c in op.clauses[1:] if c in caller.clauses)]
    return _unique(own, [c for c in extra if c in model.clauses])


# What the assertions of each auth test check, first clause first (it names the test). A test cites those of
# them that the model's rule, challenge or exception behind it cites; when none is left (a model with other
# clause ids) it cites the first clause of that rule or challenge, the one the test exercises.
AUTH_CHECKS: dict[str, tuple[str, ...]] = {
    "missing": ("RFC6750-3-R1", "23.282-7.13-R4", "OMA-COMMON-Exceptions"),  # 401, Bearer challenge, SVC2003
    "basic": ("RFC6750-3-R1", "RFC6750-2.1-R1"),  # another scheme is no Bearer credential
    "query": ("24.282-21.1-R7", "RFC6750-2.3-R1"),  # the token counts only in the Authorization header
    "garbage": ("RFC6750-3.1-R2", "24.282-21.1-R8", "24.482-A.2.3-R2"),  # 401 error="invalid_token"
    "expired": ("33.180-B.12-R1", "RFC7519-4.1.4", "33.180-B.10-R3"),
    "no_box_claim": ("33.180-B.2.2.3-F1", "24.282-21.1-N1"),  # the MCData ID claim is required
    "no_scope": ("RFC6750-3.1-R3", "33.180-B.4.2.2-F1", "33.180-B.10-R3"),  # 403 insufficient_scope
    "server_scope": ("24.282-21.1-CR1", "RFC6750-3.1-R3"),  # a server token needs the all-accounts scope
    "other_box": ("23.282-7.13.1-R2", "23.282-7.13.1-R3", "23.282-5.10-R3"),
    "confusion": ("RFC8725-3.12", "23.282-7.13.1-R3"),  # a user token stays one, whatever its scope
    "interface": ("RFC8725-3.12",),  # a server token on an operation the store does not let it call
    "tls_ok": ("24.282-21.1-R3", "33.210-6.2-R1"),
    "tls_old": ("33.210-6.2-R1",),
    "tls_plain": ("24.282-21.1-R3", "33.210-6.2-R1"),
}
# the forged-token test, per forgery (a pytest.param case each)
FORGERY_CHECKS: dict[str, tuple[str, ...]] = {
    "alg-none": ("33.180-B.2.2.1-F2", "RFC8725-3.2"),  # an unsigned token is refused
    "foreign-key": ("24.282-21.1-R8", "RFC9068-4-R1"),  # the signature is verified with the IdMS key
    "edited-payload": ("24.282-21.1-R8", "RFC9068-4-R1"),
}
API_CHECKS = ("OMA-NMS-5.2", "OMA-NMS-6")  # the percent-encoded box; JSON answered in JSON


def checked(checks: tuple[str, ...], available: list[str]) -> list[str]:
    """The clauses of ``checks`` that ``available`` (the clauses of the model elements behind a test) holds, or
    the first of ``available`` when it holds none of them."""
    return [c for c in checks if c in available] or available[:1]


def _auth_clauses(
    model: m.Model,
) -> tuple[dict[str, list[str]], dict[str, str], list[tuple[str, list[str]]]]:
    """(clauses each auth test cites, the name prefix of each test the model allows, the forgery cases with the
    clauses each cites). A test is generated only when the model has the rule and the challenge it checks."""
    a = model.auth
    rules = {r.id: list(r.clauses) for r in a.validation}
    challenges = {  # a challenge's clauses and those of the exception its body carries
        c.id: _unique(
            list(c.clauses), list(model.exceptions[c.exception].clauses) if c.exception in model.exceptions else []
        )
        for c in a.challenges
    }
    user_if = next(i for i in a.interfaces if i.box_binding == "claim-equals-box")  # emit() checked it exists
    server_if = next((i for i in a.interfaces if i is not user_if), None)

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
        "server_scope": _unique(rule("scope"), challenge("insufficient-scope")),
        "box": _unique(rule("box"), challenge("box-mismatch"), list(user_if.clauses)),
        "confusion": _unique(rule("interface"), challenge("box-mismatch")),
        "interface": _unique(rule("interface"), challenge("wrong-interface")),
        "tls": rule("tls"),
    }
    # a test is generated only when the model has the rule and the challenge it checks
    needs: dict[str, list[object]] = {
        "missing": [challenges.get("missing-token")],
        "header": [rules.get("bearer-header"), challenges.get("missing-token")],
        "invalid": [challenges.get("invalid-token")],
        "signature": [rules.get("signature"), challenges.get("invalid-token")],
        "expiry": [rules.get("expiry"), challenges.get("invalid-token")],
        "claims": [rules.get("claims"), challenges.get("invalid-token")],
        "scope": [rules.get("scope"), challenges.get("insufficient-scope")],
        "server_scope": [rules.get("scope"), challenges.get("insufficient-scope"), server_if],
        "box": [challenges.get("box-mismatch")],
        "confusion": [rules.get("interface"), challenges.get("box-mismatch")],
        "interface": [challenges.get("wrong-interface")],
        "tls": [rules.get("tls")],
    }
    c = {k: (v if all(x is not None for x in needs[k]) else []) for k, v in c.items()}
    group = {"basic": "missing", "query": "header", "garbage": "invalid", "expired": "expiry",
             "no_box_claim": "claims", "no_scope": "scope", "other_box": "box",
             "tls_ok": "tls", "tls_old": "tls", "tls_plain": "tls"}  # fmt: skip
    cited = {k: checked(checks, c[group.get(k, k)]) for k, checks in AUTH_CHECKS.items()}  # [] = no such test
    forgeries = [(f, [x for x in checks if x in c["signature"]]) for f, checks in FORGERY_CHECKS.items()]
    by_case = [x for _, ids in forgeries for x in ids]
    cited["forged"] = c["signature"][:1] if c["signature"] and not by_case else []  # else each case cites its own
    names = {k: slug(v[0]) for k, v in cited.items() if v}
    names["forged"] = (
        slug(next((x for x in c["signature"] if x in by_case), c["signature"][0])) if c["signature"] else ""
    )
    return cited, names, forgeries if c["signature"] else []


def _resolved(scope: str, a: m.Auth) -> str:
    """A required scope as a token carries it: "${setting}" is the setting's default ("" when it has none)."""
    if scope.startswith("${") and scope.endswith("}"):
        setting = a.settings.get(scope[2:-1])
        return str(setting.default or "") if setting is not None else ""
    return scope


def emit(ix: Index, tests_only: bool = False) -> dict[str, str]:
    return format_python(sources(ix, tests_only))


def sources(ix: Index, tests_only: bool = False) -> Unformatted:
    """The conformance kit before formatting (``format_python`` formats the files of every emitter at once);
    with ``tests_only``, only its test modules (what the traceability matrix reads: their clause markers),
    without the support files and README."""
    model, ops = ix.model, ix.operations
    scenarios_source = (TEMPLATES / "conformance" / "scenarios.py").read_text(encoding="utf-8")
    scenarios = scenario_names(scenarios_source)
    checks = scenario_checks(scenarios_source)
    without = sorted({o.id for o in ops} - scenarios)  # listed in the kit's README; no test claims their clauses
    a = model.auth
    user_if = next((i for i in a.interfaces if i.box_binding == "claim-equals-box"), None)
    if user_if is None:  # the kit tests a user's own box: without such an interface there is nothing to run
        return Unformatted({} if tests_only else {"conformance/README.md": NO_KIT}, "mcdata_store")
    server_if = next((i for i in a.interfaces if i is not user_if), None)
    rel = {o.id: o.path.split("{boxId}", 1)[1] for o in ops}
    svc0004 = list(model.exceptions["SVC0004"].clauses) if "SVC0004" in model.exceptions else []
    svc0002 = list(model.exceptions["SVC0002"].clauses) if "SVC0002" in model.exceptions else []
    happy: list[KitTest] = []
    unknown: list[KitTest] = []
    malformed: list[KitTest] = []
    for o in ops:
        first = slug(o.clauses[0])
        if o.id in scenarios:
            q = happy_clauses(model, o, user_if, checks.get(o.id, ()))
            happy.append(KitTest(f"test_{first}__{o.name}", o.id, q, f"{o.id} ({o.method} {rel[o.id]}): {o.summary}"))
        if o.id in scenarios and server_if is not None and server_if.name in o.interfaces:
            happy.append(
                KitTest(
                    f"test_{first}__{o.name}__{slug(server_if.name)}",
                    o.id,
                    happy_clauses(model, o, server_if, ()),
                    f"{o.id} called by an MCData server over {server_if.name}, on the test user's box.",
                    Code("user: Api, server: Api"),
                    Code("user, server"),
                )
            )
        id_param = next((p.name for p in o.path_params if p.name in RESOURCE_IDS), None)
        if id_param:
            unknown.append(
                KitTest(
                    f"test_{first}__{o.name}__unknown_{snake(id_param)}",
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
    api_clauses = checked(API_CHECKS, list(model.api.clauses))
    api_test = {"name": f"test_{slug(api_clauses[0])}__json_and_percent_encoded_box", "clauses": api_clauses}
    allow = {r.path.split("{boxId}", 1)[1]: ", ".join(r.allow) for r in model.resources if r.kind == "server"}
    c, n, forgeries = _auth_clauses(model)
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
        "user_scope": " ".join(_resolved(sc, a) for sc in user_if.required_scopes),
        "challenges": {x.id: (x.status, x.exception) for x in a.challenges},
        "user_ops": sorted(o.id for o in ops if user_if.name in o.interfaces),
        "server_ops": sorted(o.id for o in ops if server_if and server_if.name in o.interfaces),
        "restrictable_ops": sorted(
            o.id
            for o in ops
            if server_if
            and (
                server_if.name not in o.interfaces
                or any(o.id not in op_set.operations for op_set in server_if.operation_sets.values())
            )
        ),
        "server_sets": {k: sorted(v.operations) for k, v in sorted(server_if.operation_sets.items())}
        if server_if
        else {},
        "c": c,
        "n": n,
        "forgeries": forgeries,
    }
    tests = {
        "conformance/test_operations.py": render(
            "conformance/test_operations.py.jinja",
            happy=happy,
            unknown=unknown,
            malformed=malformed,
            not_allowed=not_allowed,
            api_test=api_test,
        ),
        "conformance/test_auth.py": render("conformance/test_auth.py.jinja", **data),
    }
    if tests_only:
        return Unformatted(tests, "mcdata_store")
    files = {
        "conformance/_kit.py": render("conformance/_kit.py.jinja", **data),
        "conformance/conftest.py": render("conformance/conftest.py.jinja"),
        "conformance/scenarios.py": scenarios_source,
        **tests,
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
    return Unformatted(files, "mcdata_store")


NO_KIT = (
    "# Conformance kit\n\nNot generated: the model has no interface whose token names its box (box_binding: "
    "claim-equals-box), which every kit test uses.\n"
)
KIT_INI = """\
# The conformance kit's own pytest settings (generated by nmsgen), so it runs the same from any folder.
[pytest]
addopts = -ra --strict-markers -p no:cacheprovider
markers =
    clause(*ids): the specification clauses a test realises
junit_family = xunit2
"""
