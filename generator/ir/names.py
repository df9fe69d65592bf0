"""Every name the generator derives from the model, decided once.

Python names (snake_case methods and arguments, annotations of NMS types, client error classes), the
OpenAPI document's derived names (root-wrapped body schemas, tags, callbacks), the document's ``x-nmsgen-*``
extension keys that the emitters and reports read back, and the conformance kit's clause slugs. Model
names reach these functions only after ``validate`` checked them; what becomes code goes through
:func:`~generator.escape.py_identifier`, which refuses anything else.
"""

from __future__ import annotations

import re

from ..escape import Code, py_identifier

# the OpenAPI document's extension keys
CLAUSES_KEY = "x-nmsgen-clauses"  # the clauses an operation, schema, scheme or the document realises
OPEN_POINTS_KEY = "x-nmsgen-open-points"  # the open points that touch an operation
INTERFACES_KEY = "x-nmsgen-interfaces"  # the interfaces that may call an operation
EXCEPTIONS_KEY = "x-nmsgen-exceptions"  # the exceptions a response status carries
RESOURCE_KEY = "x-nmsgen-resource"  # the resource id of a path
ALLOW_KEY = "x-nmsgen-allow"  # the Allow value of a path's 405 answer
CHOICES_KEY = "x-nmsgen-choices"  # xsd:choice groups of a type: [{"members": [...], "required": bool}]
NULLABLE_KEY = "x-nmsgen-nullable"  # the members of a type that may be JSON null (the others may not)
RULES_KEY = "x-nmsgen-rules"  # conditional rules: [{"when": ..., "require": ..., "match"?, "at"?, "refuse"?}]
# the value the server applies when a field is absent (not `default`: typed clients make such fields required)
DEFAULT_KEY = "x-nmsgen-default"

_PY_PRIMITIVE = {
    "string": "str",
    "anyURI": "str",
    "dateTime": "str",
    "boolean": "bool",
    "unsignedLong": "int",
    "unsignedInt": "int",
    "unsignedShort": "int",
}

# the generated client's exception class of each error status (others: Http<status>Error)
_ERROR_CLASSES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    500: "ServerError",
    503: "ServiceUnavailable",
}


def snake(name: str) -> str:
    """GetObjectIdByPath -> get_object_id_by_path; fromCursor -> from_cursor."""
    s = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    s = re.sub(r"(?<=[A-Z])([A-Z][a-z])", r"_\1", s)
    return s.lower()


def py_type(type_name: str) -> Code:
    """The Python annotation of a model type: a builtin for primitives, else ``models.<Type>``."""
    return Code(_PY_PRIMITIVE.get(type_name) or f"models.{py_identifier(type_name)}")


def body_schema_name(type_name: str) -> str:
    """The component carrying a root-wrapped body of ``type_name``."""
    return f"{type_name}Body"


def request_schema_name(type_name: str) -> str:
    """The component of ``type_name`` as requests must carry it (its request-only constraints applied)."""
    return f"{type_name}Request"


def operation_body_name(operation_id: str) -> str:
    """The component of an operation's JSON request body that carries the rules of that operation only."""
    return f"{operation_id}RequestBody"


def error_class(status: int) -> str:
    """The generated client's exception class for an error status."""
    return _ERROR_CLASSES.get(status, f"Http{status}Error")


def slug(clause: str) -> str:
    """'OMA-NMS-6.10' -> 'oma_nms_6_10' (a clause id as part of a Python name)."""
    return re.sub(r"[^0-9a-zA-Z]+", "_", clause).strip("_").lower()
