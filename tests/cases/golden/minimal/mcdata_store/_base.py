# generated from spec/ by nmsgen - do not edit
"""Base class of every generated NMS model.

* Enforces the xsd:choice groups of the model (``x-nmsgen-choices`` in the OpenAPI document): at most
  one member present, exactly one when the group is required. Presence is by field, not by value,
  because an empty element is ``null`` on the wire (``{"resetBox": null}`` is a present member).
* Enforces the rules of the model (``x-nmsgen-rules``): a member that must be present when another
  member has one of some values, present and not empty (a search criterion of type Attribute names its
  attribute), a string member that must match a pattern then (the value of a Date criterion), or the value
  refused altogether; a rule with a path (``at``) tests each value the path reaches (each criterion of a bulk
  selection), and its refusal says where the value is.
* Refuses JSON null for a member the model does not make nullable (``x-nmsgen-nullable``): an optional
  member is absent, not null (``{"clientCorrelator": null}`` is invalid input).
* :meth:`NmsModel.to_wire` writes the NMS JSON encoding: only the members that were set, by name.
* Forward compatibility of what a client *reads*: inside ``with tolerant():`` (the generated client parses every
  answer so) a member the model does not know is kept in ``model_extra`` instead of refused, and an enumeration
  value it does not know becomes a member of its own (``value`` is the string the server sent), so a
  vendor-extended server or a later version of the API does not break the client. Outside it (the server
  reading requests) unknown members and values are refused, as the NMS schema says.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Self

from pydantic import BaseModel, Field, ModelWrapValidatorHandler, TypeAdapter, ValidationError, model_validator

_TOLERANT: ContextVar[bool] = ContextVar("nms_tolerant", default=False)


@contextmanager
def tolerant() -> Iterator[None]:
    """Read NMS values as a forward-compatible client does: unknown members kept in ``model_extra``, unknown
    enumeration values kept as they are. Never used to read a request."""
    token = _TOLERANT.set(True)
    try:
        yield
    finally:
        _TOLERANT.reset(token)


class NmsEnum(StrEnum):
    """Base of every generated enumeration: a value it does not know is refused, or inside :func:`tolerant`
    read as a new member whose ``value`` (and ``name``) is the string received."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not _TOLERANT.get() or not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member


CHOICES_KEY = "x-nmsgen-choices"
RULES_KEY = "x-nmsgen-rules"
NULLABLE_KEY = "x-nmsgen-nullable"


@cache
def _pattern(pattern: str) -> TypeAdapter[str]:
    """A string constrained by ``pattern``, checked by pydantic's regex engine like every field pattern (``$``
    is the end of the text, as in the OpenAPI document's ECMA-262 patterns)."""
    return TypeAdapter(Annotated[str, Field(pattern=pattern)])


def _matches(pattern: str, text: str) -> bool:
    try:
        _pattern(pattern).validate_python(text)
    except ValidationError:
        return False
    return True


def _reached(value: Any, at: list[str], where: str = "") -> Iterator[tuple[str, Any]]:
    """The values the path ``at`` (field names) reaches from ``value``, each item of a list on the way, with
    where they are (``searchCriteria.criterion[2]``)."""
    if not at:
        yield where, value
        return
    alias = {f.alias or k: k for k, f in type(value).model_fields.items()} if isinstance(value, BaseModel) else {}
    name = alias.get(at[0])
    if name is None or name not in value.model_fields_set:
        return
    here = f"{where}.{at[0]}" if where else at[0]
    found = getattr(value, name)
    for i, item in enumerate(found) if isinstance(found, list) else [(-1, found)]:
        yield from _reached(item, at[1:], f"{here}[{i}]" if i >= 0 else here)


def _apply(rule: Any, where: str, value: Any) -> None:
    """Check one rule on one value (a model), naming where the value is when it is not the model itself."""
    field, values = rule["when"]["field"], rule["when"]["values"]
    given = getattr(value, field, None)
    if getattr(given, "value", given) not in values:
        return
    shown = getattr(given, "value", given)
    at = f"{where}: " if where else ""
    if rule.get("refuse"):
        raise ValueError(f"{at}{field} {shown} is not allowed here")
    for name in rule["require"]:
        if name not in value.model_fields_set or getattr(value, name) in ("", []):
            raise ValueError(f"{at}{name} must be given when {field} is {shown}")
    for name, pattern in rule.get("match", {}).items():
        text = getattr(value, name, None)
        if name in value.model_fields_set and isinstance(text, str) and not _matches(pattern, text):
            raise ValueError(  # the pattern is in the document; it can be long (a date range)
                f"{at}{name} {text[:80]!r} does not match the pattern of {name} when {field} is {shown}"
            )


class NmsModel(BaseModel):
    @model_validator(mode="wrap")
    @classmethod
    def _keep_unknown(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        if not _TOLERANT.get() or not isinstance(data, dict):
            return handler(data)
        known = set(cls.model_fields) | {f.alias for f in cls.model_fields.values() if f.alias}
        unknown = {k: v for k, v in data.items() if k not in known}
        if not unknown:
            return handler(data)
        value = handler({k: v for k, v in data.items() if k in known})
        object.__setattr__(value, "__pydantic_extra__", unknown)  # read by model_extra; never written back
        return value

    @model_validator(mode="before")
    @classmethod
    def _refuse_null(cls, data: Any) -> Any:
        if isinstance(data, dict):
            extra = cls.model_config.get("json_schema_extra")
            nullable: Any = extra.get(NULLABLE_KEY, []) if isinstance(extra, dict) else []
            for name, value in data.items():
                if value is None and name not in nullable:
                    raise ValueError(f"{name} must not be null (leave it out instead)")
        return data

    @model_validator(mode="after")
    def _check_choices(self) -> Self:
        extra = self.model_config.get("json_schema_extra")
        groups: Any = extra.get(CHOICES_KEY, []) if isinstance(extra, dict) else []
        for group in groups:
            members = list(group["members"])
            present = [m for m in members if m in self.model_fields_set]
            if len(present) > 1:
                raise ValueError(f"at most one of {', '.join(members)} may be present, not {', '.join(present)}")
            if group["required"] and not present:
                raise ValueError(f"exactly one of {', '.join(members)} must be present")
        rules: Any = extra.get(RULES_KEY, []) if isinstance(extra, dict) else []
        for rule in rules:
            for where, item in _reached(self, rule.get("at", [])):
                _apply(rule, where, item)
        return self

    def to_wire(self) -> dict[str, Any]:
        """The NMS JSON encoding of this value (members that were set; numbers as numbers)."""
        return self.model_dump(mode="json", exclude_unset=True)
