"""Validation rules: names that become code, file names, URL paths or document keys are checked, with their
position (identifiers, ids, scopes, paths, the generated package's name, patterns)."""

from __future__ import annotations

import keyword
import re
import sys

from ..diagnostics import Diagnostics, Position
from ..ir import model as m

# Every pattern is matched whole (fullmatch): a trailing line break is not part of a name.
_UPPER_CAMEL = re.compile(r"[A-Z][A-Za-z0-9]*")
_LOWER_CAMEL = re.compile(r"[a-z][A-Za-z0-9]*")
_CLAUSE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_EXAMPLE = re.compile(r"[a-z][A-Za-z0-9]*")
_ENUM_VALUE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
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
    {"conformance", "openapi", "docs", "trace", "changes", "scenarios", "conftest", "_kit", "generator", "nmsrun",
     "refstore", "tests"}
)  # fmt: skip


def _ident_ok(name: str, pattern: re.Pattern[str]) -> bool:
    return name.isascii() and name.isidentifier() and not keyword.iskeyword(name) and bool(pattern.fullmatch(name))


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
        for v in e.values:  # each value is also the name of its Python enum member
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
                if not _ident_ok(p.name, _LOWER_CAMEL):
                    d.error(
                        "unsafe-identifier",
                        f"parameter name {p.name!r} is not a lowerCamel identifier",
                        p.position,
                        "use letters and digits, starting with a lower-case letter",
                    )
    for c in model.clauses.values():
        if not _CLAUSE_ID.fullmatch(c.id):
            d.error(
                "unsafe-identifier",
                f"clause id {c.id!r} has characters other than letters, digits, '.', '_' and '-'",
                c.position,
                "e.g. 24.282-21.1-R1",
            )
    for op_ in model.open_points.values():
        if not _CLAUSE_ID.fullmatch(op_.id):
            d.error(
                "unsafe-identifier",
                f"open point id {op_.id!r} has unsafe characters",
                op_.position,
                "e.g. OP-MISSING-TOKEN-STATUS",
            )
    for ex in model.examples:
        if not _ident_ok(ex.name, _EXAMPLE):
            d.error(
                "unsafe-identifier",
                f"example name {ex.name!r} is not a lowerCamel identifier",
                ex.position,
                "e.g. objectCreateRequest",
            )


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
        check(bool(_NAME.fullmatch(r.id)), f"resource id {r.id!r} has unsafe characters", r.position, "e.g. R21")
        for op in r.operations:
            for body in op.request:
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
        if t.root is not None:
            check(
                _ident_ok(t.root, _LOWER_CAMEL),
                f"JSON root element {t.root!r} of type {t.name!r} is not a lowerCamel identifier",
                t.position,
                "e.g. object, folderList",
            )


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
        callback = r.kind == "callback"
        if not (_CALLBACK_PATH if callback else _PATH).fullmatch(r.declared_path):
            d.error(
                "unsafe-path",
                f"path {r.declared_path!r} of resource {r.id!r} is not "
                + (
                    "a request-body runtime expression of letters, digits, '-', '.', '_' and '~'"
                    if callback
                    else "a URL path of letters, digits, '-', '.', '_', '~' and {variables}"
                ),
                model.value_positions.get(f"resource.{r.id}.path", r.position),
                "e.g. {$request.body#/nmsSubscription/callbackReference/notifyURL}"
                if callback
                else "e.g. /objects/{objectId}/flags",
            )


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


# PEP 440 (the regular expression of its appendix B, as the packaging library has it)
_PEP440 = re.compile(
    r"""v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*
    (?:[-_.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_.]?[0-9]*)?
    (?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?
    (?:[-_.]?dev[-_.]?[0-9]*)?
    (?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?""",
    re.VERBOSE | re.IGNORECASE,
)


def unversionable_package(model: m.Model, d: Diagnostics) -> None:
    """api.version is a PEP 440 version: it is the version of the generated package's distribution (its
    pyproject.toml)."""
    version = model.api.version
    if not _PEP440.fullmatch(version):
        d.error(
            "invalid-version",
            f"api.version {version!r} is not a PEP 440 version, which the generated package's pyproject.toml needs",
            model.value_positions.get("api.version", model.api_position),
            "e.g. 1.0.0, 1.0.0-alpha.1 or 2.1.0rc1",
        )


def invalid_pattern(model: m.Model, d: Diagnostics) -> None:
    """A pattern (of a type, field or parameter) is a regular expression."""
    found: list[tuple[str, str, Position]] = []
    for t in model.types.values():
        if t.pattern is not None:
            found.append((t.pattern, f"type {t.name!r}", t.position))
        found += [(f.pattern, f"field {f.name!r} of {t.name!r}", f.position) for f in t.fields if f.pattern]
        if t.request is not None and t.request.pattern is not None:
            found.append((t.request.pattern, f"request pattern of type {t.name!r}", t.position))
        found += [
            (p, f"rule of {t.name!r} for field {x!r}", r.position or t.position) for r in t.rules for x, p in r.match
        ]
        found += [
            (f.request.pattern, f"request pattern of field {f.name!r} of {t.name!r}", f.position)
            for f in t.fields
            if f.request is not None and f.request.pattern is not None
        ]
    for r in model.resources:
        for op in r.operations:
            found += [
                (p.pattern, f"parameter {p.name!r}", p.position)
                for p in [*op.path_parameters, *op.query_parameters]
                if p.pattern
            ]
            found += [
                (p, f"rule of the {op.id} request for field {x!r}", rule.position or op.position)
                for b in op.request
                for rule in b.rules
                for x, p in rule.match
            ]
    for pattern, what, pos in found:
        try:
            re.compile(pattern)
        except (re.error, OverflowError, RecursionError) as e:
            d.error("invalid-value", f"pattern {pattern!r} of {what} is not a regular expression: {e}", pos)


PUBLICATION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,99}")


def unsafe_publication_name(model: m.Model, d: Diagnostics) -> None:
    """api.publication.name becomes a file name (generated/openapi/<name>.yaml) and the document's title: letters,
    digits and '_', starting with a letter, as 3GPP names its API files."""
    pub = model.api.publication
    if pub is None or PUBLICATION_NAME.fullmatch(pub.name):
        return
    d.error(
        "unsafe-name",
        f"api.publication.name {pub.name!r} is not a 3GPP API file name",
        model.value_positions.get("api.publication", model.api_position),
        "letters, digits and '_', starting with a letter, e.g. TS24282_MCData_MessageStore",
    )
