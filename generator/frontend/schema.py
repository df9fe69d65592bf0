"""The model's input schema: what a file under ``spec/`` may contain.

Each model file is a mapping with any of these sections: ``api``, ``clauses``, ``open_points``,
``exceptions``, ``enums``, ``types``, ``resources``, ``auth``, ``examples``. Every element is
checked here for its fields (unknown fields are errors: ``extra="forbid"``) and plain value
shapes. Cross-references (types, clauses, interfaces, ...) are checked later, in ``validate``.
This module is the reference for people editing the spec; ``spec/README.md`` explains it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

HttpMethod = Literal["GET", "PUT", "POST", "DELETE", "PATCH"]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Cited(In):
    clauses: list[str] = Field(default_factory=list, description="ids of the registry clauses realised")


# ---------------------------------------------------------------- clauses, open points


class ClauseIn(In):
    id: str
    source: str  # e.g. "3GPP TS 24.282"
    clause: str  # e.g. "21.1"
    # provisional: a rule we derive from an informative NOTE; it holds only as long as the open point
    # that names it (``derived_from`` gives the note); 3GPP NOTEs themselves are never normative
    kind: Literal["normative", "provisional", "note", "editors-note", "informative"]
    status: Literal["stable", "ffs", "unverified"]
    text: str  # one-line paraphrase
    derived_from: list[str] = Field(default_factory=list)  # the clauses (notes) a provisional rule is read from
    evidence: list[str] = Field(default_factory=list)  # where it was read, with reference tags
    # why no artifact or test of nmsgen can realise it (another entity's duty, a scope sentence, ...);
    # ``nmsgen trace`` lists it as open with this reason instead of failing
    outside: str = ""


class OpenPointIn(In):
    id: str
    title: str
    status: Literal["open", "ffs", "unverified"]
    question: str
    chosen: str  # the behaviour the model takes
    alternatives: list[str]  # the behaviours it does not take, each with its argument
    sources: list[str]
    clauses: list[str]
    affects: list[str] = Field(default_factory=list)  # "operation:Id", "type:Name", "auth:rule-id", ...


# ---------------------------------------------------------------- exceptions, enums, types


class ExceptionIn(Cited):
    kind: Literal["service", "policy"]
    text: str  # with %1, %2 placeholders
    variables: list[str] = Field(default_factory=list)  # meaning of %1, %2, ...
    http_status: int
    evidence: list[str] = Field(default_factory=list)


class EnumValueIn(In):
    value: str
    description: str = ""


class EnumIn(Cited):
    description: str
    values: list[EnumValueIn]
    evidence: list[str] = Field(default_factory=list)


Access = Literal["read-write", "read-only", "write-only"]


class RequestIn(In):
    """Constraints that only requests must meet: the server refuses a request that breaks them, while answers
    need not meet them (e.g. an empty list in a search answer, the root folder's empty name). The document
    shows them in the request schemas (``<Type>Request``); the server validates requests against those."""

    required: bool = False  # fields: present in every request
    min_items: int | None = None
    min_length: int | None = None
    pattern: str | None = None


class FieldIn(Cited):
    type: str  # primitive (string, anyURI, boolean, unsignedLong, unsignedInt, unsignedShort, dateTime), enum or type
    description: str
    required: bool = False
    array: bool = False  # repeated element: always a JSON array
    min_items: int | None = None
    max_items: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    nullable: bool = False
    access: Access = "read-write"
    default: str | int | bool | None = None
    request: RequestIn | None = None  # constraints of requests only


class ChoiceIn(In):
    """An xsd:choice: at most one member present (exactly one when ``required``)."""

    members: list[str]
    required: bool = False
    required_in_requests: bool = False  # exactly one in requests, at most one in answers


class WhenIn(In):
    field: str
    values: list[str]


class RuleIn(In):
    """What must hold when another member has one of some values (a condition JSON Schema writes with
    ``not``): members present and not empty (``require``: a search criterion of type Attribute names the
    attribute), string members that match a pattern when present (``match``: the value of a Date criterion
    is a date range), or that no value has them at all (``refuse``: a folder search has no Flag criterion).
    ``at`` applies the rule to the values a path of fields reaches (``searchCriteria.criterion``: each
    criterion of the search) instead of the value itself."""

    when: WhenIn
    at: str | None = None
    require: list[str] = Field(default_factory=list)
    match: dict[str, str] = Field(default_factory=dict)
    refuse: bool = False


class TypeIn(Cited):
    description: str
    kind: Literal["complex", "simple"] = "complex"
    base: str | None = None  # simple types: the primitive they restrict
    max_length: int | None = None  # simple string types
    pattern: str | None = None
    root: str | None = None  # JSON root element wrapping request/response bodies of this type
    fields: dict[str, FieldIn] = Field(default_factory=dict)
    choices: list[ChoiceIn] = Field(default_factory=list)
    rules: list[RuleIn] = Field(default_factory=list)
    closed: bool = True  # additionalProperties: false
    request: RequestIn | None = None  # simple types: constraints of requests only
    since: str = "OMA-TS-REST_NetAPI_NMS-V1_0-20140715-C"
    evidence: list[str] = Field(default_factory=list)


# ---------------------------------------------------------------- resources


class ParameterIn(Cited):
    name: str
    location: Literal["path", "query"] = Field(alias="in")
    type: str
    description: str
    required: bool = False
    array: bool = False  # repeatable query parameter (attrFilter=X&attrFilter=Y)
    max_items: int | None = None
    max_length: int | None = None
    pattern: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


class PartIn(In):
    """One part of a multipart/form-data body."""

    name: str  # Content-Disposition name
    description: str
    type: str | None = None  # model type (sent as application/json, root-wrapped), None = payload
    media: str = "application/json"
    required: bool = True
    array: bool = False  # the part may repeat (one per object)


class BodyIn(In):
    media: str  # application/json, multipart/form-data, or a payload media range such as */*
    type: str | None = None  # root-wrapped model type for JSON bodies
    parts: list[PartIn] = Field(default_factory=list)  # multipart/form-data only
    description: str = ""
    rules: list[RuleIn] = Field(default_factory=list)  # request JSON bodies: rules of this operation only


class HeaderIn(In):
    description: str
    required: bool = True
    max_length: int = 2048


class ResponseIn(Cited):
    status: int
    description: str
    bodies: list[BodyIn] = Field(default_factory=list)
    headers: dict[str, HeaderIn] = Field(default_factory=dict)
    exceptions: list[str] = Field(default_factory=list)  # for error responses: the exception ids used
    # the values of %1, %2, ... of the one exception of an answer the server makes by itself (the 405 answer,
    # the common responses): sent by the generated server and shown by the document's example. None: each %N
    # is the HTTP status (the error code). An operation's own responses leave them to the store.
    variables: list[str] | None = None


class OperationIn(Cited):
    method: HttpMethod
    operation_id: str
    summary: str
    description: str
    interfaces: list[str]  # which interfaces (auth model) may call it
    oma_scope: Literal["create", "read", "modify", "subscription"]
    conformance: Literal["mandatory", "optional", "not-in-2014"]
    parameters: list[ParameterIn] = Field(default_factory=list)  # query parameters
    request: list[BodyIn] = Field(default_factory=list)  # alternatives by media type
    request_required: bool = True
    responses: list[ResponseIn]
    callbacks: list[str] = Field(default_factory=list)  # ids of callback resources (R19)
    open_points: list[str] = Field(default_factory=list)


class ResourceIn(Cited):
    id: str  # R1..R19, R20 bulkUpdate, R21 bulkDelete
    name: str
    path: str  # relative to the base path, or the callback expression for callbacks
    kind: Literal["server", "callback"] = "server"
    description: str
    allow: list[HttpMethod]  # the Allow header value of a 405 answer, as the source gives it
    parameters: list[ParameterIn] = Field(default_factory=list)  # path parameters
    operations: list[OperationIn]
    since: str = "OMA-TS-REST_NetAPI_NMS-V1_0-20140715-C"
    evidence: list[str] = Field(default_factory=list)
    open_points: list[str] = Field(default_factory=list)


# ---------------------------------------------------------------- api


class ServerIn(In):
    url: str
    description: str


class LimitsIn(In):
    """Default size limits applied where a field does not set its own."""

    string: int = 1024
    uri: int = 2048
    array: int = 1000
    path_parameter: int = 256
    payload: int = 64 * 1024 * 1024  # bytes of a payload or attachment


class PublicationIn(In):
    """How the API is published as a 3GPP OpenAPI file (``nmsgen openapi --profile 3gpp``)."""

    name: str  # the API name: info.title and the file name (<name>.yaml), e.g. TS24282_MCData_MessageStore
    spec: str  # the specification, e.g. "3GPP TS 24.282"
    spec_version: str  # its version the file is aligned with, e.g. "18.0.0"
    spec_version_source: str  # where that version comes from (not published; the README says it)
    spec_title: str  # "Mission Critical Data (MCData) signalling control; Protocol specification"
    spec_url: str  # the 3GPP archive folder of the specification
    description: str  # info.description of the published file (the copyright line is added after it)
    copyright_year: int  # the year of the (c) line (fixed in the model: the output is deterministic)


class ApiIn(In):
    title: str
    version: str
    description: str
    package: str = "mcdata_store"  # the generated Python package (models, store interface, server)
    base_path: str  # e.g. /nms/{apiVersion}/{storeName}/{boxId}
    base_variables: dict[str, str]  # fixed values of base-path variables that go into the server URL
    server_url: str  # e.g. {apiRoot}/nms/v1
    server_variables: dict[str, str]  # variable -> description (default https://example.com)
    external_docs: dict[str, str]  # description, url
    clauses: list[str] = Field(default_factory=list)
    limits: LimitsIn = LimitsIn()
    base_parameters: list[ParameterIn]  # the path variables of base_path that stay in the paths
    common_responses: list[ResponseIn] = Field(default_factory=list)  # added to every operation
    method_not_allowed: ResponseIn  # the 405 answer, documented on every operation with its Allow value
    license: dict[str, str] = Field(default_factory=dict)
    publication: PublicationIn | None = None  # the 3GPP publication profile; absent: `--profile 3gpp` refused


# ---------------------------------------------------------------- auth


class SecuritySchemeIn(Cited):
    type: Literal["http-bearer", "oauth2-client-credentials"]
    description: str
    bearer_format: str = "JWT"
    token_url: str = ""
    scopes: dict[str, str] = Field(default_factory=dict)


class OperationSetIn(Cited):
    """A named subset of the operations an interface may call, for a deployment that restricts it."""

    description: str
    operations: list[str]  # operationIds


class InterfaceIn(Cited):
    name: str  # "MCData-7"
    description: str
    scheme: str  # security scheme name
    caller: str  # who calls over it
    required_scopes: list[str]  # literal scope values; "${setting}" for deployment-set values
    box_binding: Literal["claim-equals-box", "any-box"]
    box_claim: str = ""  # the claim whose value must equal the percent-decoded boxId
    required_claims: list[str] = Field(default_factory=list)
    open_points: list[str] = Field(default_factory=list)
    # a deployment may restrict the interface to one of these sets (setting ``operations_setting``, whose
    # value is "all" or a set name); without one, the interface calls every operation that lists it
    operation_sets: dict[str, OperationSetIn] = Field(default_factory=dict)
    operations_setting: str = ""


class ValidationRuleIn(Cited):
    id: str
    rule: str  # the rule in one sentence
    check: Literal[
        "signature",
        "algorithm",
        "expiry",
        "not-before",
        "scope",
        "claims",
        "type",
        "audience",
        "issuer",
        "critical",
        "key-source",
        "box",
        "interface",
        "bearer",
        "transport",
    ]
    parameters: dict[str, str | int | bool | list[str]] = Field(default_factory=dict)
    profiles: list[str]  # validation profiles that apply the rule
    open_points: list[str] = Field(default_factory=list)


class ProfileIn(Cited):
    name: str
    description: str


class ChallengeIn(Cited):
    """How a failure is answered: status, WWW-Authenticate and the NMS error body."""

    id: str
    condition: str
    status: int
    www_authenticate: str = ""  # e.g. 'Bearer realm="{realm}", error="invalid_token"'; "" = no header
    exception: str  # exception id of the requestError body
    # the values of the exception's %1, %2, ...; None: each is the challenge id (the policy error code of
    # POL0001 "Error code is %1"). The server sends them and the document's example shows them.
    variables: list[str] | None = None
    # restricted: only operations that some interface may not call (reserved to another interface in the
    # model, or outside an operation set a deployment can restrict an interface to)
    # ("reserved-operations" is its former name, still read so that older models and git revisions load)
    applies_to: Literal["every-operation", "restricted-operations", "reserved-operations"] = "every-operation"
    # a variant answers the same condition as ``variant_of`` when the deployment settings match ``when``
    variant_of: str = ""
    when: dict[str, str | int] = Field(default_factory=dict)
    open_points: list[str] = Field(default_factory=list)


class SettingIn(In):
    """A deployment setting. With ``open_points`` its default is our choice where the sources are silent
    or second-hand, and the generated text says so."""

    description: str
    default: str | int | None = None  # None: no default (the deployment must set it, or the feature is off)
    values: list[str | int] = Field(default_factory=list)  # the allowed values, when a closed set
    # a scope setting set to "": refuse the interface (MCData-8 must never accept any token) or not check it
    when_empty: Literal["refuse", "not-checked"] = "refuse"
    open_points: list[str] = Field(default_factory=list)


class AuthIn(Cited):
    settings: dict[str, SettingIn | str] = Field(default_factory=dict)  # name -> setting (a str: description only)
    schemes: dict[str, SecuritySchemeIn]
    interfaces: list[InterfaceIn]
    profiles: list[ProfileIn]
    validation: list[ValidationRuleIn]
    challenges: list[ChallengeIn]


# ---------------------------------------------------------------- examples


class ExampleIn(In):
    """A body written by us from the encoding rules, shown in the OpenAPI document and tested."""

    name: str
    type: str  # the model type; the example is the root-wrapped JSON body
    summary: str
    use: Literal["request", "response", "both"]  # requests follow write rules, responses read rules
    operations: list[str] = Field(default_factory=list)  # operationIds it illustrates
    # responses: the status it is shown under (default: every response carrying its type). Required for a
    # requestError example, whose exception must be one the operations answer with under that status.
    status: int | None = None
    value: object


class SpecFile(In):
    api: ApiIn | None = None
    clauses: list[ClauseIn] = Field(default_factory=list)
    open_points: list[OpenPointIn] = Field(default_factory=list)
    exceptions: dict[str, ExceptionIn] = Field(default_factory=dict)
    enums: dict[str, EnumIn] = Field(default_factory=dict)
    types: dict[str, TypeIn] = Field(default_factory=dict)
    resources: list[ResourceIn] = Field(default_factory=list)
    auth: AuthIn | None = None
    examples: list[ExampleIn] = Field(default_factory=list)
