"""The intermediate representation (IR): the whole model merged, resolved, ordered and located.

Built by :mod:`generator.frontend.build` from the parsed files; read by the checks, the index, the
emitters and the reports. The IR is its own set of frozen dataclasses, not the input schema's models:
what the build computed (document paths, path and query parameters of each operation, positions) sits
beside what the model wrote, lists are tuples, and nothing later changes a node. Every located node
knows the :class:`Position` it came from (not part of its equality: the same element written elsewhere
is the same element), so any later stage can point a person at it. Collections are ordered once here
(registry order for clauses, resource id order for resources), so every emitter is deterministic
without sorting again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..diagnostics import Position

ERROR_BODY_TYPE = "RequestError"  # the NMS error body (OMA REST_NetAPI_Common), used by every failure answer
PRIMITIVES = ("string", "anyURI", "boolean", "unsignedLong", "unsignedInt", "unsignedShort", "dateTime")

# The challenges the generated auth code raises, by the check kind of a validation rule (the code of a check is
# generated only when the model has a rule of that kind), and those it raises whatever the rules: a request
# without a token, and a token that is not a JWS. ``validate`` makes sure each is a challenge of the model.
CHECK_CHALLENGES: dict[str, tuple[str, ...]] = {
    "signature": ("invalid-token",),
    "algorithm": ("invalid-token",),
    "expiry": ("invalid-token",),
    "not-before": ("invalid-token",),
    "scope": ("insufficient-scope",),
    "claims": ("invalid-token",),
    "type": ("invalid-token",),
    "audience": ("invalid-token",),
    "issuer": ("invalid-token",),
    "critical": ("invalid-token",),
    "key-source": ("invalid-token",),
    "box": ("box-mismatch",),
    "interface": ("wrong-interface",),
    "bearer": ("invalid-request",),
    "transport": (),
}
ALWAYS_RAISED_CHALLENGES = ("missing-token", "invalid-token")


@dataclass(frozen=True)
class Ref:
    """A reference from one model element to another, with where it was written."""

    kind: str  # "type", "clause", "interface", "exception", "open-point", "scheme", "profile", ...
    name: str
    position: Position
    context: str  # for messages: "field 'flags' of type 'Object'"


Strings = tuple[str, ...]


# ---------------------------------------------------------------- clauses, open points, exceptions


@dataclass(frozen=True)
class Clause:
    id: str
    source: str  # e.g. "3GPP TS 24.282"
    clause: str  # e.g. "21.1"
    kind: str  # normative, provisional, note, editors-note, informative
    status: str  # stable, ffs, unverified
    text: str
    derived_from: Strings
    evidence: Strings
    outside: str  # why nmsgen cannot realise it ("" when it can)
    position: Position = field(compare=False)


@dataclass(frozen=True)
class OpenPoint:
    id: str
    title: str
    status: str  # open, ffs, unverified
    question: str
    chosen: str
    alternatives: Strings
    sources: Strings
    clauses: Strings
    affects: Strings  # "operation:Id", "type:Name", "auth:rule-id", ...
    position: Position = field(compare=False)


@dataclass(frozen=True)
class ExceptionDef:
    id: str
    kind: str  # service, policy
    text: str  # with %1, %2 placeholders
    variables: Strings  # meaning of %1, %2, ...
    http_status: int
    evidence: Strings
    clauses: Strings
    position: Position = field(compare=False)


# ---------------------------------------------------------------- enums, types


@dataclass(frozen=True)
class EnumValue:
    value: str
    description: str


@dataclass(frozen=True)
class Enum:
    name: str
    description: str
    values: tuple[EnumValue, ...]
    evidence: Strings
    clauses: Strings
    position: Position = field(compare=False)


@dataclass(frozen=True)
class RequestRule:
    """Constraints that only requests must meet (the server refuses requests that break them)."""

    required: bool
    min_items: int | None
    min_length: int | None
    pattern: str | None


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # a primitive, an enum or a type
    description: str
    required: bool
    array: bool  # a repeated element: always a JSON array
    min_items: int | None
    max_items: int | None
    max_length: int | None
    pattern: str | None
    nullable: bool
    access: str  # read-write, read-only, write-only
    default: str | int | bool | None
    clauses: Strings
    position: Position = field(compare=False)
    request: RequestRule | None = None  # constraints of requests only


@dataclass(frozen=True)
class Choice:
    """An xsd:choice: at most one member present (exactly one when ``required``; exactly one in requests
    when ``required_in_requests``)."""

    members: Strings
    required: bool
    required_in_requests: bool = False


@dataclass(frozen=True)
class Rule:
    """When member ``field`` has one of ``values``: each of ``require`` is present and not empty, each
    string member of ``match`` that is present matches its pattern, and with ``refuse`` the value is refused.
    With ``at`` (a path of field names) the rule holds for every value that path reaches (each item of an
    array on the way), not for the value itself."""

    field: str
    values: Strings
    require: Strings
    match: tuple[tuple[str, str], ...] = ()
    position: Position | None = dataclasses.field(default=None, compare=False)  # where the model writes it
    at: Strings = ()
    refuse: bool = False


@dataclass(frozen=True)
class Type:
    name: str
    description: str
    kind: str  # complex, simple
    base: str | None  # simple types: the primitive they restrict
    max_length: int | None
    pattern: str | None
    root: str | None  # the JSON root element wrapping bodies of this type
    fields: tuple[Field, ...]
    choices: tuple[Choice, ...]
    closed: bool  # additionalProperties: false
    since: str
    evidence: Strings
    clauses: Strings
    position: Position = field(compare=False)
    request: RequestRule | None = None  # simple types: constraints of requests only
    rules: tuple[Rule, ...] = ()

    @property
    def is_empty(self) -> bool:
        """An empty complex type encodes as JSON null (``{"empty": null}``)."""
        return self.kind == "complex" and not self.fields

    @property
    def field_names(self) -> Strings:
        return tuple(f.name for f in self.fields)


# ---------------------------------------------------------------- resources and operations


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path, query
    type: str
    description: str
    required: bool
    array: bool  # a repeatable query parameter (attrFilter=X&attrFilter=Y)
    max_items: int | None
    max_length: int | None
    pattern: str | None
    clauses: Strings
    position: Position = field(compare=False)


@dataclass(frozen=True)
class Part:
    """One part of a multipart/form-data body."""

    name: str  # Content-Disposition name
    description: str
    type: str | None  # a model type (sent as application/json, root-wrapped); None: a payload
    media: str
    required: bool
    array: bool  # the part may repeat (one per object)


@dataclass(frozen=True)
class Body:
    media: str  # application/json, multipart/form-data, or a payload media range such as */*
    type: str | None  # the root-wrapped model type of a JSON body
    parts: tuple[Part, ...]  # multipart/form-data only
    description: str
    rules: tuple[Rule, ...] = ()  # a request JSON body: the rules of this operation's requests only


@dataclass(frozen=True)
class Header:
    description: str
    required: bool
    max_length: int


@dataclass(frozen=True)
class Response:
    status: int
    description: str
    bodies: tuple[Body, ...]
    headers: dict[str, Header]
    exceptions: Strings  # for error responses: the exception ids used
    # the values of %1, %2, ... of the one exception of an answer the server makes by itself; None: each %N is
    # the HTTP status (see :mod:`generator.ir.answers`)
    variables: Strings | None
    clauses: Strings


@dataclass(frozen=True)
class Operation:
    id: str  # the operationId
    method: str
    resource: str  # the id of its resource
    path: str  # its resource's path in the OpenAPI document
    summary: str
    description: str
    interfaces: Strings  # which interfaces (auth model) may call it
    oma_scope: str
    conformance: str
    path_parameters: tuple[Parameter, ...]  # the base path's first (server resources), then the resource's
    query_parameters: tuple[Parameter, ...]
    request: tuple[Body, ...]  # alternatives by media type
    request_required: bool
    responses: tuple[Response, ...]
    callbacks: Strings  # ids of callback resources (R19)
    open_points: Strings
    clauses: Strings
    position: Position = field(compare=False)


@dataclass(frozen=True)
class Resource:
    id: str  # R1..R19, R20 bulkUpdate, R21 bulkDelete
    name: str
    path: str  # the path in the OpenAPI document (base variables that stay, plus the declared path)
    declared_path: str  # as the model writes it: relative to the base path, or the callback expression
    kind: str  # server, callback
    description: str
    allow: Strings  # the Allow header value of a 405 answer, as the source gives it
    parameters: tuple[Parameter, ...]  # its own path parameters
    operations: tuple[Operation, ...]
    since: str
    evidence: Strings
    open_points: Strings
    clauses: Strings
    position: Position = field(compare=False)


# ---------------------------------------------------------------- api


@dataclass(frozen=True)
class Limits:
    """Default size limits applied where a field does not set its own."""

    string: int
    uri: int
    array: int
    path_parameter: int
    payload: int  # bytes of a payload or attachment


@dataclass(frozen=True)
class Publication:
    """How the API is published as a 3GPP OpenAPI file (``nmsgen openapi --profile 3gpp``)."""

    name: str  # the API name: info.title and the file name
    spec: str
    spec_version: str
    spec_version_source: str
    spec_title: str
    spec_url: str
    description: str
    copyright_year: int


@dataclass(frozen=True)
class Api:
    title: str
    version: str
    description: str
    package: str  # the generated Python package
    base_path: str
    base_variables: dict[str, str]  # fixed values of base-path variables that go into the server URL
    server_url: str
    server_variables: dict[str, str]  # variable -> description
    external_docs: dict[str, str]
    clauses: Strings
    limits: Limits
    base_parameters: tuple[Parameter, ...]  # the path variables of base_path that stay in the paths
    common_responses: tuple[Response, ...]  # added to every operation
    method_not_allowed: Response  # the 405 answer, documented on every operation with its Allow value
    license: dict[str, str]
    publication: Publication | None = None


# ---------------------------------------------------------------- auth


@dataclass(frozen=True)
class Scheme:
    type: str  # http-bearer, oauth2-client-credentials
    description: str
    bearer_format: str
    token_url: str
    scopes: dict[str, str]
    clauses: Strings


@dataclass(frozen=True)
class OperationSet:
    """A named subset of the operations an interface may call, for a deployment that restricts it."""

    description: str
    operations: Strings
    clauses: Strings


@dataclass(frozen=True)
class Interface:
    name: str
    description: str
    scheme: str
    caller: str
    required_scopes: Strings  # literal scope values; "${setting}" for deployment-set values
    box_binding: str  # claim-equals-box, any-box
    box_claim: str
    required_claims: Strings
    open_points: Strings
    operation_sets: dict[str, OperationSet]
    operations_setting: str
    clauses: Strings


@dataclass(frozen=True)
class ValidationRule:
    id: str
    rule: str  # the rule in one sentence
    check: str  # signature, algorithm, expiry, ... (see CHECK_CHALLENGES)
    parameters: dict[str, str | int | bool | list[str]]  # as the model writes them
    profiles: Strings
    open_points: Strings
    clauses: Strings


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    clauses: Strings


@dataclass(frozen=True)
class Challenge:
    """How a failure is answered: status, WWW-Authenticate and the NMS error body."""

    id: str
    condition: str
    status: int
    www_authenticate: str  # "" = no header
    exception: str
    variables: Strings | None  # None: each %N of the exception is the challenge id
    applies_to: str  # every-operation, restricted-operations (or its former name reserved-operations)
    variant_of: str
    when: dict[str, str | int]
    open_points: Strings
    clauses: Strings


@dataclass(frozen=True)
class Setting:
    """A deployment setting. With ``open_points`` its default is our choice where the sources are silent."""

    description: str
    default: str | int | None
    values: tuple[str | int, ...]  # the allowed values, when a closed set
    when_empty: str  # refuse, not-checked
    open_points: Strings
    plain: bool  # the model gave a description only: nothing generated reads it


@dataclass(frozen=True)
class Auth:
    settings: dict[str, Setting]
    schemes: dict[str, Scheme]
    interfaces: tuple[Interface, ...]
    profiles: tuple[Profile, ...]
    validation: tuple[ValidationRule, ...]
    challenges: tuple[Challenge, ...]
    clauses: Strings


# ---------------------------------------------------------------- examples and the model


@dataclass(frozen=True)
class Example:
    name: str
    type: str
    summary: str
    use: str  # request, response, both
    operations: Strings
    status: int | None
    value: object  # the root-wrapped JSON body, as the model writes it
    position: Position = field(compare=False)
    value_positions: dict[tuple[str | int, ...], Position] = field(default_factory=dict, compare=False)

    def where(self, path: tuple[str | int, ...]) -> Position:
        """Position of ``path`` inside the example value, or of its nearest located ancestor."""
        p = path
        while p and p not in self.value_positions:
            p = p[:-1]
        return self.value_positions.get(p, self.position)


@dataclass(frozen=True, eq=False)
class Model:
    api: Api
    api_position: Position
    auth: Auth
    auth_position: Position
    clauses: dict[str, Clause]
    open_points: dict[str, OpenPoint]
    exceptions: dict[str, ExceptionDef]
    enums: dict[str, Enum]
    types: dict[str, Type]
    resources: tuple[Resource, ...]
    examples: tuple[Example, ...]
    refs: tuple[Ref, ...]  # every cross-reference, for validation and traceability
    positions: dict[str, Position]  # "operation:Id", "type:Name", "auth:rule-id", ... -> where defined
    api_response_positions: dict[int, Position] = field(default_factory=dict)  # status -> the 405 or common response
    # single values the validation rules check by name -> where written: "api.package", "resource.R1.path",
    # "interface.MCData-7.box_claim", "setting.realm", ...
    value_positions: dict[str, Position] = field(default_factory=dict)

    @property
    def package_dir(self) -> str:
        """The generated package's folder in the output: ``api.package`` with '.' as '/' (``validate`` made it
        a dotted identifier)."""
        return self.api.package.replace(".", "/")

    @property
    def operations(self) -> list[Operation]:
        return [op for r in self.resources if r.kind == "server" for op in r.operations]

    @property
    def callbacks(self) -> dict[str, Resource]:
        return {r.id: r for r in self.resources if r.kind == "callback"}

    def resource(self, rid: str) -> Resource:
        return next(r for r in self.resources if r.id == rid)

    def root_types(self) -> list[Type]:
        return [t for t in self.types.values() if t.root]
