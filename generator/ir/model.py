"""The intermediate representation (IR): the whole model merged, ordered and located.

Built by :mod:`generator.frontend.build` from the parsed files; read by ``validate`` and the emitters.
Input elements (``schema.*In``) are kept as ``spec`` beside what the build computed, and every
node knows the :class:`Position` it came from, so any later stage can point a person at it.
Collections are ordered once here (registry order for clauses, resource id order for
resources), so every emitter is deterministic without sorting again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Position
from ..frontend import schema as s

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


@dataclass
class Clause:
    spec: s.ClauseIn
    position: Position


@dataclass
class OpenPoint:
    spec: s.OpenPointIn
    position: Position


@dataclass
class ExceptionDef:
    id: str
    spec: s.ExceptionIn
    position: Position


@dataclass
class Enum:
    name: str
    spec: s.EnumIn
    position: Position


@dataclass
class Field:
    name: str
    spec: s.FieldIn
    position: Position


@dataclass
class Type:
    name: str
    spec: s.TypeIn
    position: Position
    fields: list[Field]

    @property
    def is_empty(self) -> bool:
        """An empty complex type encodes as JSON null (``{"empty": null}``)."""
        return self.spec.kind == "complex" and not self.spec.fields


@dataclass
class Parameter:
    spec: s.ParameterIn
    position: Position


@dataclass
class Response:
    spec: s.ResponseIn
    position: Position
    origin: str  # "operation", "common", "auth", "method-not-allowed"


@dataclass
class Operation:
    spec: s.OperationIn
    position: Position
    resource: Resource
    path_parameters: list[Parameter]  # base parameters first, then the resource's
    query_parameters: list[Parameter]

    @property
    def id(self) -> str:
        return self.spec.operation_id

    @property
    def method(self) -> str:
        return self.spec.method


@dataclass
class Resource:
    spec: s.ResourceIn
    position: Position
    path: str  # the path in the OpenAPI document (base variables that stay, plus the resource path)
    operations: list[Operation] = field(default_factory=list)


@dataclass
class Example:
    spec: s.ExampleIn
    position: Position
    value_positions: dict[tuple[str | int, ...], Position] = field(default_factory=dict)  # path in value -> where

    def where(self, path: tuple[str | int, ...]) -> Position:
        """Position of ``path`` inside the example value, or of its nearest located ancestor."""
        p = path
        while p and p not in self.value_positions:
            p = p[:-1]
        return self.value_positions.get(p, self.position)


@dataclass
class Model:
    api: s.ApiIn
    api_position: Position
    auth: s.AuthIn
    auth_position: Position
    clauses: dict[str, Clause]
    open_points: dict[str, OpenPoint]
    exceptions: dict[str, ExceptionDef]
    enums: dict[str, Enum]
    types: dict[str, Type]
    resources: list[Resource]
    examples: list[Example]
    refs: list[Ref]  # every cross-reference, for validation and traceability
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
        return [op for r in self.resources if r.spec.kind == "server" for op in r.operations]

    @property
    def callbacks(self) -> dict[str, Resource]:
        return {r.spec.id: r for r in self.resources if r.spec.kind == "callback"}

    def root_types(self) -> list[Type]:
        return [t for t in self.types.values() if t.spec.root]
