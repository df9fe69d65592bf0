"""Stage 4 — validate: IR -> diagnostics. One function per rule; its docstring is the rule.

Every rule reads the model and reports; none changes it. Errors block emission.
"""

from __future__ import annotations

import difflib
import keyword
import re
import sys
from collections.abc import Callable, Iterator, Sequence

from .diagnostics import Diagnostics, Position
from .frontend import schema as s
from .ir import answers
from .ir import model as m

# Every pattern is matched whole (fullmatch): a trailing line break is not part of a name.
_UPPER_CAMEL = re.compile(r"[A-Z][A-Za-z0-9]*")
_LOWER_CAMEL = re.compile(r"[a-z][A-Za-z0-9]*")
_CLAUSE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_EXAMPLE = re.compile(r"[a-z][A-Za-z0-9]*")
_ENUM_VALUE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_VAR = re.compile(r"\{([^{}]*)\}")
_MEDIA = re.compile(r"[a-z*]+/[A-Za-z0-9.+*-]+")
_HEADER = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
# names of the auth model, resource ids (letters, digits, '.', '_', '-'; OpenAPI component keys allow no more)
_NAME = _CLAUSE_ID
_SETTING = re.compile(r"[a-z][a-z0-9_]*")  # a deployment setting: {realm}, ${all_accounts_scope}
_EXCEPTION_ID = re.compile(r"(?:SVC|POL)[0-9]{4}")  # OMA REST NetAPI Common
_SCOPE = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")  # RFC 6749 section 3.3 scope-token
_SETTING_REF = re.compile(r"\$\{([^}]*)\}")
_CLAIM = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]*")  # a JWT claim name
_PART = re.compile(r"[a-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")  # a form-data part name: root-fields -> root_fields
# paths: '/'-separated segments of unreserved URL characters (RFC 3986) and {variables}
_SEGMENT = r"(?:[A-Za-z0-9._~-]|\{[A-Za-z][A-Za-z0-9]*\})+"
_PATH = re.compile(rf"(?:/{_SEGMENT})+/?|/")
_VALUE_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")
_SERVER_URL = re.compile(rf"(?:\{{[A-Za-z][A-Za-z0-9]*\}})?(?:/{_SEGMENT})+")
_CALLBACK_PATH = re.compile(r"\{\$request\.body#(?:/[A-Za-z0-9._~-]+)+\}")
# what a generated package must not be named: it would shadow an import of the generated code or of its
# tests, or share a folder of the output (generated/<package>/ beside conformance/, docs/, ...)
DEPENDENCIES = frozenset(
    {
        "fastapi", "starlette", "pydantic", "pydantic_core", "annotated_types", "typing_extensions",
        "typing_inspection", "httpx", "httpcore", "h11", "anyio", "sniffio", "idna", "certifi", "jwt",
        "cryptography", "cffi", "python_multipart", "multipart", "uvicorn", "httpx_auth", "pytest", "_pytest",
        "pluggy", "jsonschema", "jsonschema_specifications", "referencing", "rpds", "openapi_schema_validator",
        "yaml", "markupsafe", "jinja2", "click",
    }
)  # fmt: skip
RESERVED_PACKAGES = frozenset(
    {"conformance", "openapi", "docs", "trace", "changes", "scenarios", "conftest", "_kit", "generator", "refstore",
     "tests"}
)  # fmt: skip

Rule = Callable[[m.Model, Diagnostics], None]
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


def validate(model: m.Model, diags: Diagnostics) -> None:
    for r in RULES:
        r(model, diags)


def _refs(model: m.Model, kind: str) -> Iterator[m.Ref]:
    return (r for r in model.refs if r.kind == kind)


@rule
def unknown_type(model: m.Model, d: Diagnostics) -> None:
    """A type reference must name a primitive, a declared type or a declared enum."""
    known = set(m.PRIMITIVES) | set(model.types) | set(model.enums)
    for r in _refs(model, "type"):
        if r.name not in known:
            d.error(
                "unknown-type",
                f"{r.context} refers to unknown type {r.name!r}",
                r.position,
                _suggest(r.name, known, "a primitive, type or enum"),
            )


@rule
def unknown_clause(model: m.Model, d: Diagnostics) -> None:
    """A clause reference must name a clause of the registry."""
    for r in _refs(model, "clause"):
        if r.name not in model.clauses:
            d.error(
                "unknown-clause",
                f"{r.context} cites unknown clause {r.name!r}",
                r.position,
                _suggest(r.name, set(model.clauses), "a clause id of the registry"),
            )


@rule
def unknown_reference(model: m.Model, d: Diagnostics) -> None:
    """A reference to an interface, scheme, exception, open point, profile, setting, callback,
    operation or model element must resolve."""
    tables: dict[str, set[str]] = {
        "interface": {i.name for i in model.auth.interfaces},
        "scheme": set(model.auth.schemes),
        "exception": set(model.exceptions),
        "open-point": set(model.open_points),
        "profile": {p.name for p in model.auth.profiles},
        "setting": set(model.auth.settings),
        "callback": set(model.callbacks),
        "operation": {op.id for r in model.resources for op in r.operations},
        "element": set(model.positions),
    }
    for kind, known in tables.items():
        for r in _refs(model, kind):
            if r.name not in known:
                d.error(
                    "unknown-reference",
                    f"{r.context} refers to unknown {kind} {r.name!r}",
                    r.position,
                    _suggest(r.name, known, f"a declared {kind}"),
                )


def _ident_ok(name: str, pattern: re.Pattern[str]) -> bool:
    return name.isascii() and name.isidentifier() and not keyword.iskeyword(name) and bool(pattern.fullmatch(name))


@rule
def unsafe_identifier(model: m.Model, d: Diagnostics) -> None:
    """Names that become code are ASCII identifiers, not Python keywords, in the expected case:
    types, enums and operationIds UpperCamel; fields and parameters lowerCamel; enum values identifiers;
    ids plain."""
    for t in model.types.values():
        if not _ident_ok(t.name, _UPPER_CAMEL):
            d.error(
                "unsafe-identifier",
                f"type name {t.name!r} is not an UpperCamel identifier",
                t.position,
                "use letters and digits, starting with a capital",
            )
        for f in t.fields:
            if not _ident_ok(f.name, _LOWER_CAMEL):
                d.error(
                    "unsafe-identifier",
                    f"field name {f.name!r} of type {t.name!r} is not a lowerCamel identifier",
                    f.position,
                    "use letters and digits, starting with a lower-case letter",
                )
    for e in model.enums.values():
        if not _ident_ok(e.name, _UPPER_CAMEL):
            d.error(
                "unsafe-identifier",
                f"enum name {e.name!r} is not an UpperCamel identifier",
                e.position,
                "use letters and digits, starting with a capital",
            )
        for v in e.spec.values:  # each value is also the name of its Python enum member
            if not _ident_ok(v.value, _ENUM_VALUE):
                d.error(
                    "unsafe-identifier",
                    f"value {v.value!r} of enum {e.name!r} is not an identifier",
                    e.position,
                    "use letters, digits and '_', starting with a letter, e.g. AddFlag",
                )
    for r in model.resources:
        for op in r.operations:
            if not _ident_ok(op.id, _UPPER_CAMEL):
                d.error(
                    "unsafe-identifier",
                    f"operationId {op.id!r} is not an UpperCamel identifier",
                    op.position,
                    "use letters and digits, starting with a capital, e.g. GetObject",
                )
            for p in [*op.path_parameters, *op.query_parameters]:
                if not _ident_ok(p.spec.name, _LOWER_CAMEL):
                    d.error(
                        "unsafe-identifier",
                        f"parameter name {p.spec.name!r} is not a lowerCamel identifier",
                        p.position,
                        "use letters and digits, starting with a lower-case letter",
                    )
    for c in model.clauses.values():
        if not _CLAUSE_ID.fullmatch(c.spec.id):
            d.error(
                "unsafe-identifier",
                f"clause id {c.spec.id!r} has characters other than letters, digits, '.', '_' and '-'",
                c.position,
                "e.g. 24.282-21.1-R1",
            )
    for op_ in model.open_points.values():
        if not _CLAUSE_ID.fullmatch(op_.spec.id):
            d.error(
                "unsafe-identifier",
                f"open point id {op_.spec.id!r} has unsafe characters",
                op_.position,
                "e.g. OP-MISSING-TOKEN-STATUS",
            )
    for ex in model.examples:
        if not _ident_ok(ex.spec.name, _EXAMPLE):
            d.error(
                "unsafe-identifier",
                f"example name {ex.spec.name!r} is not a lowerCamel identifier",
                ex.position,
                "e.g. objectCreateRequest",
            )


@rule
def unsafe_name(model: m.Model, d: Diagnostics) -> None:
    """Names that reach generated code, documents and tests use only their documented characters: resource
    ids, interface, scheme, profile, rule and challenge names letters, digits, '.', '_', '-'; settings
    lower_snake; exception ids SVCnnnn or POLnnnn; scopes RFC 6749 scope-tokens (or ${setting}); claim names
    letters, digits, '_', '.', ':', '-'; JSON root elements lowerCamel identifiers; form-data part names
    lowerCamel words joined by '-'."""
    a = model.auth
    auth_at = model.auth_position

    def check(ok: bool, what: str, pos: Position | None, hint: str) -> None:
        if not ok:
            d.error("unsafe-name", what, pos or auth_at, hint)

    plain = "use letters, digits, '.', '_' and '-', starting with a letter or digit"
    for r in model.resources:
        check(
            bool(_NAME.fullmatch(r.spec.id)), f"resource id {r.spec.id!r} has unsafe characters", r.position, "e.g. R21"
        )
        for op in r.operations:
            for body in op.spec.request:
                for part in body.parts:
                    ok = bool(_PART.fullmatch(part.name)) and not keyword.iskeyword(part.name.replace("-", "_"))
                    check(
                        ok,
                        f"form-data part name {part.name!r} of {op.id!r} is not a lowerCamel name or a '-'-joined one",
                        op.position,
                        "e.g. root-fields or attachments",
                    )
    for name, scheme in a.schemes.items():
        check(
            bool(_NAME.fullmatch(name)),
            f"security scheme name {name!r} has unsafe characters",
            model.positions.get(f"scheme:{name}"),
            plain,
        )
        for scope in scheme.scopes:
            check(
                bool(_SCOPE.fullmatch(scope)),
                f"scope {scope!r} of security scheme {name!r} is not an RFC 6749 scope-token",
                model.value_positions.get(f"scheme.{name}.scopes"),
                "use printable ASCII but space, '\"' and '\\'",
            )
    for name in a.settings:
        check(
            bool(_SETTING.fullmatch(name)),
            f"setting name {name!r} is not lower_snake",
            model.value_positions.get(f"setting.{name}"),
            "e.g. all_accounts_scope",
        )
    for i in a.interfaces:
        at = model.positions.get(f"interface:{i.name}")
        check(
            bool(_NAME.fullmatch(i.name)),
            f"interface name {i.name!r} has unsafe characters",
            at,
            f"{plain}, e.g. MCData-7",
        )
        for scope in i.required_scopes:
            ok = bool(_SCOPE.fullmatch(scope)) and all(_SETTING.fullmatch(v) for v in _SETTING_REF.findall(scope))
            check(
                ok,
                f"required scope {scope!r} of interface {i.name!r} is not an RFC 6749 scope-token or a ${{setting}}",
                model.value_positions.get(f"interface.{i.name}.required_scopes", at),
                "use printable ASCII but space, '\"' and '\\', e.g. 3gpp:mc:data_service",
            )
        for key, claims in (
            ("box_claim", [i.box_claim] if i.box_claim else []),
            ("required_claims", i.required_claims),
        ):
            for claim in claims:
                check(
                    bool(_CLAIM.fullmatch(claim)),
                    f"claim name {claim!r} ({key} of interface {i.name!r}) has unsafe characters",
                    model.value_positions.get(f"interface.{i.name}.{key}", at),
                    "use letters, digits, '_', '.', ':' and '-', e.g. mcdata_id",
                )
    for p in a.profiles:
        check(
            bool(_NAME.fullmatch(p.name)),
            f"validation profile name {p.name!r} has unsafe characters",
            model.positions.get(f"profile:{p.name}"),
            plain,
        )
    for v in a.validation:
        check(
            bool(_NAME.fullmatch(v.id)),
            f"auth rule id {v.id!r} has unsafe characters",
            model.positions.get(f"auth:{v.id}"),
            plain,
        )
    for c in a.challenges:
        check(
            bool(_NAME.fullmatch(c.id)),
            f"auth challenge id {c.id!r} has unsafe characters",
            model.positions.get(f"auth:{c.id}"),
            f"{plain}, e.g. invalid-token",
        )
    for x in model.exceptions.values():
        check(
            bool(_EXCEPTION_ID.fullmatch(x.id)),
            f"exception id {x.id!r} is not SVCnnnn or POLnnnn",
            x.position,
            "OMA exception ids: SVC or POL and four digits, e.g. SVC0002",
        )
    for t in model.types.values():
        if t.spec.root is not None:
            check(
                _ident_ok(t.spec.root, _LOWER_CAMEL),
                f"JSON root element {t.spec.root!r} of type {t.name!r} is not a lowerCamel identifier",
                t.position,
                "e.g. object, folderList",
            )


@rule
def unsafe_path(model: m.Model, d: Diagnostics) -> None:
    """Paths are '/'-separated segments of letters, digits, '-', '.', '_', '~' and {variables}: the resource
    paths, api.base_path (and the values of api.base_variables put into it) and the path of api.server_url
    ('{apiRoot}/nms/v1'); a callback's path is a request body runtime expression ({$request.body#/a/b})."""
    api = model.api
    for key, value, pattern, example in (
        ("base_path", api.base_path, _PATH, "/nms/{apiVersion}/{storeName}/{boxId}"),
        ("server_url", api.server_url, _SERVER_URL, "{apiRoot}/nms/v1"),
    ):
        if not pattern.fullmatch(value):
            d.error(
                "unsafe-path",
                f"api.{key} {value!r} is not a URL path of letters, digits, '-', '.', '_', '~' and {{variables}}",
                model.value_positions.get(f"api.{key}", model.api_position),
                f"e.g. {example}",
            )
    for name, value in api.base_variables.items():
        if not _VALUE_SEGMENT.fullmatch(value):
            d.error(
                "unsafe-path",
                f"api.base_variables value {value!r} of {{{name}}} is not a URL path segment of letters, digits, "
                "'-', '.', '_' and '~'",
                model.value_positions.get("api.base_variables", model.api_position),
                "e.g. apiVersion: v1",
            )
    for r in model.resources:
        callback = r.spec.kind == "callback"
        if not (_CALLBACK_PATH if callback else _PATH).fullmatch(r.spec.path):
            d.error(
                "unsafe-path",
                f"path {r.spec.path!r} of resource {r.spec.id!r} is not "
                + (
                    "a request-body runtime expression of letters, digits, '-', '.', '_' and '~'"
                    if callback
                    else "a URL path of letters, digits, '-', '.', '_', '~' and {variables}"
                ),
                model.value_positions.get(f"resource.{r.spec.id}.path", r.position),
                "e.g. {$request.body#/nmsSubscription/callbackReference/notifyURL}"
                if callback
                else "e.g. /objects/{objectId}/flags",
            )


@rule
def unsafe_package(model: m.Model, d: Diagnostics) -> None:
    """api.package is a dotted Python identifier (the generated files go to its folder) whose first name
    shadows neither the standard library, nor a dependency of the generated code or its tests, nor a folder
    of the output."""
    package = model.api.package
    parts = package.split(".")
    pos = model.value_positions.get("api.package", model.api_position)
    hint = "e.g. mcdata_store"
    if not all(p.isascii() and p.isidentifier() and not keyword.iskeyword(p) for p in parts):
        d.error(
            "unsafe-package",
            f"api.package {package!r} is not a dotted Python identifier",
            pos,
            f"letters, digits and '_' in names joined by '.', {hint}",
        )
        return
    top = parts[0].lower()
    what = (
        "a module of the standard library"
        if top in {x.lower() for x in sys.stdlib_module_names}
        else "a dependency of the generated code"
        if top in DEPENDENCIES
        else "a folder or module of the generated output or of nmsgen"
        if top in RESERVED_PACKAGES
        else ""
    )
    if what:
        d.error(
            "unsafe-package",
            f"api.package {package!r} would shadow {parts[0]!r}, {what}",
            pos,
            f"choose a name of your own, {hint}",
        )


@rule
def invalid_pattern(model: m.Model, d: Diagnostics) -> None:
    """A pattern (of a type, field or parameter) is a regular expression."""
    found: list[tuple[str, str, Position]] = []
    for t in model.types.values():
        if t.spec.pattern is not None:
            found.append((t.spec.pattern, f"type {t.name!r}", t.position))
        found += [(f.spec.pattern, f"field {f.name!r} of {t.name!r}", f.position) for f in t.fields if f.spec.pattern]
    for r in model.resources:
        for op in r.operations:
            found += [
                (p.spec.pattern, f"parameter {p.spec.name!r}", p.position)
                for p in [*op.path_parameters, *op.query_parameters]
                if p.spec.pattern
            ]
    for pattern, what, pos in found:
        try:
            re.compile(pattern)
        except (re.error, OverflowError, RecursionError) as e:
            d.error("invalid-value", f"pattern {pattern!r} of {what} is not a regular expression: {e}", pos)


@rule
def duplicate_operation_id(model: m.Model, d: Diagnostics) -> None:
    """An operationId is used by one operation only."""
    seen: dict[str, Position] = {}
    for r in model.resources:
        for op in r.operations:
            if op.id in seen:
                d.error(
                    "duplicate-operation-id",
                    f"operationId {op.id!r} is already used at {seen[op.id]}",
                    op.position,
                    "give each operation its own operationId",
                )
            else:
                seen[op.id] = op.position


@rule
def undeclared_path_parameter(model: m.Model, d: Diagnostics) -> None:
    """Every {variable} of a path is a declared path parameter, and every path parameter is in the path."""
    for r in model.resources:
        if r.spec.kind == "callback":
            continue
        in_path = _VAR.findall(r.path)
        declared = [p.spec.name for p in (r.operations[0].path_parameters if r.operations else [])]
        for var in in_path:
            if var not in declared:
                d.error(
                    "undeclared-path-parameter",
                    f"path {r.path!r} of resource {r.spec.id!r} uses {{{var}}} but declares no such path parameter",
                    r.position,
                    f"add a parameter 'name: {var}, in: path' to the resource",
                )
        for name in declared:
            if name not in in_path:
                d.error(
                    "undeclared-path-parameter",
                    f"path parameter {name!r} does not appear in path {r.path!r}",
                    r.position,
                    "remove the parameter or add it to the path",
                )
        for p in r.spec.parameters:
            if p.location != "path":
                d.error(
                    "invalid-value",
                    f"resource parameter {p.name!r} must be 'in: path'",
                    r.position,
                    "declare query parameters on the operation",
                )
        for op in r.operations:
            for qp in op.query_parameters:
                if qp.spec.location != "query":
                    d.error(
                        "invalid-value",
                        f"operation parameter {qp.spec.name!r} of {op.id!r} must be 'in: query'",
                        qp.position,
                        "declare path parameters on the resource",
                    )


@rule
def allow_mismatch(model: m.Model, d: Diagnostics) -> None:
    """A resource's Allow value lists exactly the methods it defines, each once."""
    for r in model.resources:
        methods = [op.method for op in r.operations]
        for meth in sorted({x for x in methods if methods.count(x) > 1}):
            d.error(
                "duplicate-method",
                f"resource {r.spec.id!r} defines {meth} more than once",
                r.position,
                "merge the operations",
            )
        if sorted(set(r.spec.allow)) != sorted(set(methods)) or len(r.spec.allow) != len(set(r.spec.allow)):
            d.error(
                "allow-mismatch",
                f"resource {r.spec.id!r} has Allow {', '.join(r.spec.allow)} but defines "
                f"{', '.join(methods) or 'no method'}",
                r.position,
                "the Allow value must list exactly the defined methods",
            )


@rule
def missing_auth(model: m.Model, d: Diagnostics) -> None:
    """Every operation names at least one interface allowed to call it (deny by default)."""
    for r in model.resources:
        for op in r.operations:
            if not op.spec.interfaces:
                d.error(
                    "missing-auth",
                    f"operation {op.id!r} names no interface that may call it",
                    op.position,
                    "add 'interfaces: [MCData-7]', plus MCData-8 where the MCData server may call it",
                )


@rule
def uncited(model: m.Model, d: Diagnostics) -> None:
    """Every resource, operation, type, enum, exception and auth rule cites at least one clause."""
    items: list[tuple[str, list[str], Position]] = []
    items += [(f"resource {r.spec.id!r}", r.spec.clauses, r.position) for r in model.resources]
    items += [(f"operation {op.id!r}", op.spec.clauses, op.position) for r in model.resources for op in r.operations]
    items += [(f"type {t.name!r}", t.spec.clauses, t.position) for t in model.types.values()]
    items += [(f"enum {e.name!r}", e.spec.clauses, e.position) for e in model.enums.values()]
    items += [(f"exception {x.id!r}", x.spec.clauses, x.position) for x in model.exceptions.values()]
    a = model.auth
    items += [
        (f"auth rule {v.id!r}", v.clauses, model.positions.get(f"auth:{v.id}", model.auth_position))
        for v in a.validation
    ]
    items += [
        (f"auth challenge {c.id!r}", c.clauses, model.positions.get(f"auth:{c.id}", model.auth_position))
        for c in a.challenges
    ]
    items += [
        (f"interface {i.name!r}", i.clauses, model.positions.get(f"interface:{i.name}", model.auth_position))
        for i in a.interfaces
    ]
    for what, clauses, pos in items:
        if not clauses:
            d.error("uncited", f"{what} cites no clause", pos, "add 'clauses: [...]' naming what it realises")


@rule
def invalid_values(model: m.Model, d: Diagnostics) -> None:
    """Statuses are HTTP statuses, media types are well-formed, 201 answers carry Location, limits are
    positive and min_items does not exceed max_items."""
    for r in model.resources:
        for op in r.operations:
            for resp in op.spec.responses:
                if not 100 <= resp.status <= 599:
                    d.error(
                        "invalid-value",
                        f"{op.id}: {resp.status} is not an HTTP status",
                        op.position,
                        "use a status between 100 and 599",
                    )
                if resp.status == 201 and r.spec.kind == "server" and "Location" not in resp.headers:
                    d.error(
                        "invalid-value",
                        f"{op.id}: a 201 response must document the Location header",
                        op.position,
                        "add headers: {Location: {description: ...}}",
                    )
                if resp.status >= 400 and not resp.exceptions and any(b.type == m.ERROR_BODY_TYPE for b in resp.bodies):
                    d.error(
                        "invalid-value",
                        f"{op.id}: error response {resp.status} names no exception",
                        op.position,
                        "add 'exceptions: [SVC0002]' or the ids it uses",
                    )
                for name in resp.headers:
                    if not _HEADER.fullmatch(name):
                        d.error("invalid-value", f"{op.id}: header name {name!r} is not a token", op.position)
                for body in resp.bodies:
                    _check_body(body.media, body.type, body.parts, f"{op.id} {resp.status}", op.position, d)
            for body in op.spec.request:
                _check_body(body.media, body.type, body.parts, f"{op.id} request", op.position, d)
    api = model.api
    for resp in [*api.common_responses, api.method_not_allowed]:
        ctx = f"common {resp.status} response"
        for name in resp.headers:
            if not _HEADER.fullmatch(name):
                d.error("invalid-value", f"{ctx}: header name {name!r} is not a token", model.api_position)
        for body in resp.bodies:
            _check_body(body.media, body.type, body.parts, ctx, model.api_position, d)
    for t in model.types.values():
        for f in t.fields:
            fs = f.spec
            for lim in ("min_items", "max_items", "max_length"):
                v = getattr(fs, lim)
                if v is not None and v < (0 if lim == "min_items" else 1):
                    d.error("invalid-value", f"{lim} of field {f.name!r} of {t.name!r} must be positive", f.position)
            if fs.min_items is not None and fs.max_items is not None and fs.min_items > fs.max_items:
                d.error("invalid-value", f"field {f.name!r} of {t.name!r}: min_items exceeds max_items", f.position)
            if (fs.min_items or fs.max_items) and not fs.array:
                d.error(
                    "invalid-value",
                    f"field {f.name!r} of {t.name!r} sets item limits but is not an array",
                    f.position,
                    "add 'array: true' or drop the limits",
                )
        for ch in t.spec.choices:
            for mem in ch.members:
                if mem not in t.spec.fields:
                    d.error(
                        "unknown-reference",
                        f"choice of type {t.name!r} names unknown field {mem!r}",
                        t.position,
                        _suggest(mem, set(t.spec.fields), "a field of the type"),
                    )
        if t.spec.kind == "simple" and t.spec.fields:
            d.error(
                "invalid-value",
                f"simple type {t.name!r} cannot have fields",
                t.position,
                "make it complex or drop the fields",
            )
    for chal in model.auth.challenges:
        if not 400 <= chal.status <= 499:
            d.error(
                "invalid-value",
                f"auth challenge {chal.id!r} answers {chal.status}, not a 4xx status",
                model.positions.get(f"auth:{chal.id}", model.auth_position),
            )
    for rule_ in model.auth.validation:
        leeway = rule_.parameters.get("max_leeway_seconds")
        if isinstance(leeway, int) and not 0 <= leeway <= 30:
            d.error(
                "invalid-value",
                f"auth rule {rule_.id!r} allows {leeway} s of leeway; at most 30 s",
                model.positions.get(f"auth:{rule_.id}", model.auth_position),
                "TS 33.180 caps clock skew at 30 s",
            )
    for i in model.auth.interfaces:
        if i.box_binding == "claim-equals-box" and not i.box_claim:
            d.error(
                "invalid-value",
                f"interface {i.name!r} binds the box to a claim but names no box_claim",
                model.positions.get(f"interface:{i.name}", model.auth_position),
                "e.g. box_claim: mcdata_id",
            )


def _check_body(
    media: str, type_: str | None, parts: Sequence[s.PartIn], ctx: str, pos: Position, d: Diagnostics
) -> None:
    for m_ in [media, *(p.media for p in parts)]:
        if not _MEDIA.fullmatch(m_):
            d.error("invalid-value", f"{ctx}: {m_!r} is not a media type", pos, "e.g. application/json")
    if media == "application/json" and type_ is None:
        d.error("invalid-value", f"{ctx}: a JSON body needs a type", pos, "add 'type: <TypeName>'")
    if media == "multipart/form-data" and not parts:
        d.error("invalid-value", f"{ctx}: a multipart/form-data body needs parts", pos, "list its parts")


@rule
def body_types_have_roots(model: m.Model, d: Diagnostics) -> None:
    """A type sent as a JSON body or form part has a JSON root element (NMS wraps every body in one)."""
    for r in model.resources:
        for op in r.operations:
            bodies = [*op.spec.request, *(b for resp in op.spec.responses for b in resp.bodies)]
            for name in sorted({x for b in bodies for x in [b.type, *(p.type for p in b.parts)] if x}):
                t = model.types.get(name)
                if t is not None and not t.spec.root:
                    d.error(
                        "invalid-value",
                        f"{op.id} carries {name!r} as a body, but {name!r} has no JSON root element",
                        op.position,
                        f"add 'root: <element name>' to type {name!r}",
                    )


@rule
def callbacks_are_callbacks(model: m.Model, d: Diagnostics) -> None:
    """A callback's path is a runtime expression into the request body of the one operation that
    attaches it (so its operationId stays unique in the document and the expression resolves)."""
    users: dict[str, list[m.Operation]] = {}
    for op in model.operations:
        for cb in op.spec.callbacks:
            users.setdefault(cb, []).append(op)
    for r in model.callbacks.values():
        ops = users.get(r.spec.id, [])
        expr = re.fullmatch(r"\{\$request\.body#/([^/}]+)(?:/[^}]*)?\}", r.spec.path)
        if expr is None:
            d.error(
                "invalid-value",
                f"callback resource {r.spec.id!r} path {r.spec.path!r} is not a request-body runtime expression",
                r.position,
                "e.g. {$request.body#/nmsSubscription/callbackReference/notifyURL}",
            )
            continue
        if len(ops) != 1:
            d.error(
                "invalid-value",
                f"callback resource {r.spec.id!r} is attached to {len(ops)} operations "
                f"({', '.join(o.id for o in ops) or 'none'}); a callback belongs to exactly one",
                r.position,
                "attach it to the operation whose request carries the callback URL",
            )
            continue
        roots = {model.types[b.type].spec.root for b in ops[0].spec.request if b.type in model.types}
        if expr.group(1) not in roots:
            d.error(
                "invalid-value",
                f"callback resource {r.spec.id!r} reads #/{expr.group(1)} but the request of "
                f"{ops[0].id!r} has root {', '.join(sorted(x for x in roots if x)) or 'none'}",
                r.position,
                "point the expression into that operation's request body",
            )


@rule
def example_status(model: m.Model, d: Diagnostics) -> None:
    """A response example is shown under a status its operations answer with; a requestError example names
    that status, and its exception is one its operations answer with under that status."""
    ops = {op.id: op for r in model.resources for op in r.operations}
    for ex in model.examples:
        e = ex.spec
        if e.use == "request":
            continue
        shown = answers.shown_exception(e.value) if e.type == m.ERROR_BODY_TYPE else None
        if e.status is None:
            if e.type == m.ERROR_BODY_TYPE:
                d.error(
                    "example-status",
                    f"error example {e.name!r} names no status, so it would be shown under every error status of "
                    f"{', '.join(e.operations) or 'its operations'}",
                    ex.position,
                    f"add 'status: N', the status under which the server sends {shown[1] if shown else 'it'}",
                )
            continue
        for op_id in e.operations:
            op = ops.get(op_id)
            if op is None:
                continue  # unknown-reference reports it
            sent = answers.error_answers(model, op)
            statuses = sorted({r.status for r in op.spec.responses} | {a.status for a in sent})
            if e.status not in statuses:
                d.error(
                    "example-status",
                    f"example {e.name!r} is shown under status {e.status} of {op_id}, which {op_id} never answers",
                    ex.position,
                    f"use one of {', '.join(map(str, statuses))}",
                )
                continue
            if shown is None:
                continue
            member, mid = shown
            here = sorted({a.exception for a in sent if a.status == e.status})
            if mid not in here:
                elsewhere = sorted({a.status for a in sent if a.exception == mid})
                d.error(
                    "example-status",
                    f"example {e.name!r} shows {mid} under status {e.status} of {op_id}, but {op_id} answers "
                    f"{e.status} only with {', '.join(here) or 'no exception'}",
                    ex.where(("requestError", member, "messageId")),
                    (
                        f"set 'status: {elsewhere[0]}', where {op_id} sends {mid}"
                        if len(elsewhere) == 1
                        else f"show {mid} under one of {', '.join(map(str, elsewhere))}"
                        if elsewhere
                        else f"{op_id} never sends {mid}: show one of {', '.join(here) or 'its exceptions'}"
                    ),
                )


@rule
def example_exception(model: m.Model, d: Diagnostics) -> None:
    """A requestError example shows a declared exception as the server writes it: in the member of its kind,
    with one variable per %N of its text and the text with them filled in."""
    for ex in model.examples:
        e = ex.spec
        shown = answers.shown_exception(e.value) if e.type == m.ERROR_BODY_TYPE else None
        if shown is None:
            continue  # not an error example, or example-invalid reports its shape
        member, mid = shown
        at = ("requestError", member)
        x = model.exceptions.get(mid)
        if x is None:
            d.error(
                "example-exception",
                f"example {e.name!r} shows {mid!r}, which is not a declared exception",
                ex.where((*at, "messageId")),
                _suggest(mid, set(model.exceptions), "an exception of spec/exceptions.yaml"),
            )
            continue
        if member != f"{x.spec.kind}Exception":
            d.error(
                "example-exception",
                f"example {e.name!r} shows {mid} as a {member}, but {mid} is a {x.spec.kind} exception",
                ex.where(at),
                f"put it under {x.spec.kind}Exception",
            )
        detail = e.value["requestError"][member]  # type: ignore[index]
        variables = detail.get("variables", [])
        if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables):
            continue  # example-invalid reports it
        need = answers.placeholders(x.spec.text)
        text = answers.fill(x.spec.text, variables)
        if len(variables) != need:
            d.error(
                "example-exception",
                f"example {e.name!r} gives {mid} {len(variables)} variable(s), but its text {x.spec.text!r} "
                f"needs {need}",
                ex.where((*at, "variables")),
                "give one value per %N, as the server does",
            )
        elif detail.get("text") != text:
            d.error(
                "example-exception",
                f"example {e.name!r} has the text {detail.get('text')!r}, but the server writes {text!r}",
                ex.where((*at, "text")),
                "write the exception's text with its variables filled in",
            )


@rule
def answer_variables(model: m.Model, d: Diagnostics) -> None:
    """An answer the model fixes (a challenge, a response that gives variables) gives one value per %N of
    its one exception's text."""
    fixed: list[tuple[str, list[str], list[str], Position]] = [
        (
            f"auth challenge {c.id!r}",
            [c.exception],
            c.variables,
            model.positions.get(f"auth:{c.id}", model.auth_position),
        )
        for c in model.auth.challenges
        if c.variables is not None
    ]
    api = [("the 405 answer", model.api.method_not_allowed)] + [
        (f"common response {r.status}", r) for r in model.api.common_responses
    ]
    fixed += [
        (what, r.exceptions, r.variables, model.api_response_positions.get(r.status, model.api_position))
        for what, r in api
        if r.variables is not None
    ]
    fixed += [
        (f"{op.id} response {r.status}", r.exceptions, r.variables, op.position)
        for res in model.resources
        for op in res.operations
        for r in op.spec.responses
        if r.variables is not None
    ]
    for what, exceptions, variables, pos in fixed:
        if len(exceptions) != 1:
            d.error(
                "answer-variables",
                f"{what} gives variables for {len(exceptions)} exceptions; variables fix the answer of exactly one",
                pos,
                "name one exception, or drop 'variables'",
            )
            continue
        x = model.exceptions.get(exceptions[0])
        if x is None:
            continue  # unknown-reference reports it
        need = answers.placeholders(x.spec.text)
        if len(variables) != need:
            d.error(
                "answer-variables",
                f"{what} gives {exceptions[0]} {len(variables)} variable(s), but its text {x.spec.text!r} needs {need}",
                pos,
                f"give {need} value(s), one per %N" if need else "drop 'variables'",
            )


def _suggest(name: str, known: set[str], what: str) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"did you mean {close[0]!r}?" if close else f"expected {what}"


def _auth_pos(model: m.Model, key: str) -> Position:
    return model.positions.get(key, model.auth_position)


@rule
def auth_challenge_missing(model: m.Model, d: Diagnostics) -> None:
    """Every failure the generated auth code can raise has its challenge in the model: the answers to a request
    without a token and to a token that is not a JWS, and those of each validation rule's check
    (``model.CHECK_CHALLENGES``). A model with two interfaces has an interface rule (the generated code tells
    the token kinds apart only through it), and an interface's own requirements (box binding, scopes, claims)
    each have the validation rule that enforces them."""
    a = model.auth
    known = {c.id for c in a.challenges}
    for cid in m.ALWAYS_RAISED_CHALLENGES:
        if cid not in known:
            d.error(
                "auth-challenge-missing",
                f"the generated auth code answers with challenge {cid!r}, which the model does not define",
                model.auth_position,
                f"add a challenge with id {cid!r} (its status, WWW-Authenticate and exception)",
            )
    for r in a.validation:
        for cid in m.CHECK_CHALLENGES.get(r.check, ()):
            if cid not in known:
                d.error(
                    "auth-challenge-missing",
                    f"auth rule {r.id!r} (check {r.check}) fails with challenge {cid!r}, "
                    "which the model does not define",
                    _auth_pos(model, f"auth:{r.id}"),
                    f"add a challenge with id {cid!r}, or drop the rule",
                )
    checks = {r.check for r in a.validation}
    if len(a.interfaces) > 1 and "interface" not in checks:
        d.error(
            "auth-rule-missing",
            "the model has several interfaces but no validation rule with check 'interface' telling their tokens apart",
            model.auth_position,
            "add a rule with check: interface (a token carrying the user claim is a user token)",
        )
    for i in a.interfaces:
        needs = [
            ("box", i.box_binding == "claim-equals-box", "binds the box to a claim"),
            ("scope", bool(i.required_scopes), "requires scopes"),
            ("claims", bool(i.required_claims), "requires claims"),
        ]
        for check, needed, what in needs:
            if needed and check not in checks:
                d.error(
                    "auth-rule-missing",
                    f"interface {i.name!r} {what}, but no validation rule with check {check!r} enforces it",
                    _auth_pos(model, f"interface:{i.name}"),
                    f"add a rule with check: {check}",
                )


@rule
def auth_settings_consistent(model: m.Model, d: Diagnostics) -> None:
    """Deployment settings are closed choices where they list values: a setting's default is one of its values,
    a challenge variant names a base challenge and setting values it can take, and an interface's operations
    setting takes "all" and the names of its operation sets, whose operations list that interface."""
    a = model.auth
    settings = {k: v for k, v in a.settings.items()}
    for name, setting in settings.items():  # their names are checked by unsafe_name
        pos = _auth_pos(model, f"setting:{name}")
        if isinstance(setting, str) or not setting.values or setting.default is None:
            continue
        if setting.default not in setting.values:
            d.error(
                "invalid-value",
                f"setting {name!r} defaults to {setting.default!r}, which is not one of its values",
                pos,
                f"one of {', '.join(map(repr, setting.values))}",
            )
    challenges = {c.id: c for c in a.challenges}
    for c in a.challenges:
        pos = _auth_pos(model, f"auth:{c.id}")
        base = challenges.get(c.variant_of)
        if c.variant_of and (base is None or base.variant_of):
            d.error(
                "invalid-value",
                f"auth challenge {c.id!r} is a variant of {c.variant_of!r}, which is not a base challenge",
                pos,
                "name a challenge that is not itself a variant",
            )
        if bool(c.variant_of) != bool(c.when):
            d.error(
                "invalid-value",
                f"auth challenge {c.id!r}: variant_of and when go together",
                pos,
                "give both (the base challenge and the settings that select the variant) or neither",
            )
        for key, value in c.when.items():
            chosen = settings.get(key)
            if isinstance(chosen, s.SettingIn) and chosen.values and value not in chosen.values:
                d.error(
                    "invalid-value",
                    f"auth challenge {c.id!r} applies when {key} = {value!r}, which the setting never takes",
                    pos,
                    f"one of {', '.join(map(repr, chosen.values))}",
                )
    ops = {op.id: op for op in model.operations}
    for i in a.interfaces:
        pos = _auth_pos(model, f"interface:{i.name}")
        if i.operation_sets and not i.operations_setting:
            d.error(
                "invalid-value",
                f"interface {i.name!r} has operation sets but no operations_setting choosing among them",
                pos,
                "name the deployment setting, e.g. operations_setting: mcdata8_operations",
            )
        restriction = settings.get(i.operations_setting)
        if isinstance(restriction, s.SettingIn):
            expected = {"all", *i.operation_sets}
            if set(map(str, restriction.values)) != expected:
                d.error(
                    "invalid-value",
                    f"setting {i.operations_setting!r} takes {sorted(map(str, restriction.values))}, but interface "
                    f"{i.name!r} can be restricted to {sorted(expected)}",
                    _auth_pos(model, f"setting:{i.operations_setting}"),
                    "values: all and the operation set names",
                )
        for set_name, op_set in i.operation_sets.items():
            for op_id in op_set.operations:
                op = ops.get(op_id)
                if op is not None and i.name not in op.spec.interfaces:
                    d.error(
                        "invalid-value",
                        f"operation set {set_name!r} of interface {i.name!r} lists {op_id}, "
                        f"which {i.name} may not call",
                        pos,
                        f"add {i.name} to the interfaces of {op_id}, or drop it from the set",
                    )


@rule
def provisional_clause(model: m.Model, d: Diagnostics) -> None:
    """A NOTE is informative: a rule read from one is ``provisional``, names the note(s) it is derived from
    (``derived_from``, clauses of kind note) and is listed by an open point, which says how long it holds. Only a
    provisional clause has ``derived_from``."""
    listed = {cid for op in model.open_points.values() for cid in op.spec.clauses}
    for c in model.clauses.values():
        spec = c.spec
        if spec.kind != "provisional":
            if spec.derived_from:
                d.error(
                    "invalid-value",
                    f"clause {spec.id!r} is {spec.kind} but names derived_from",
                    c.position,
                    "make it kind: provisional (a rule read from a note), or drop derived_from",
                )
            continue
        if not spec.derived_from:
            d.error(
                "invalid-value",
                f"provisional clause {spec.id!r} names no note it is derived from",
                c.position,
                "add derived_from: [<the note's clause id>]",
            )
        for src in spec.derived_from:
            origin = model.clauses.get(src)
            if origin is not None and origin.spec.kind != "note":
                d.error(
                    "invalid-value",
                    f"provisional clause {spec.id!r} is derived from {src!r}, which is {origin.spec.kind}, not a note",
                    c.position,
                    "derive provisional rules from notes; cite normative clauses directly",
                )
        if spec.id not in listed:
            d.error(
                "invalid-value",
                f"provisional clause {spec.id!r} is listed by no open point",
                c.position,
                "list it in the clauses of the open point that keeps it provisional",
            )
