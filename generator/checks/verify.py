"""Stage 5b — verify: the emitted document checks itself before anything is written.

* the OpenAPI document passes openapi-spec-validator;
* every example of spec/examples matches its root-wrapped body schema in the document
  (request examples under the write rules, response examples under the read rules).
Problems are diagnostics at the model element that caused them; errors block writing.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from ..diagnostics import Diagnostics
from ..incremental import background, cache
from ..ir import model as m
from ..ir.names import body_schema_name
from . import openapi_parts

Verdict = tuple[str, str] | None  # None: valid; else where and what its first error is
ExampleError = tuple[int, bool, list[str | int], str]  # example (its index), write rules?, path, message


def openapi_verdict(document: dict[str, Any]) -> Verdict:
    """openapi-spec-validator's verdict on ``document``; cached part by part (:mod:`.openapi_parts`) with the
    validator's version (a verdict takes about a second at 10x; one edited path item a few milliseconds)."""
    return start_openapi_verdict(document, in_background=False)()


def start_openapi_verdict(document: dict[str, Any], in_background: bool = True) -> Callable[[], Verdict]:
    """The verdict, from the cache or else computed (``in_background``: all of it, the document's parts and their
    keys included, by a child process while the caller goes on): the returned function waits for it.

    Every part of the document judged valid before: valid, no validator runs. A few parts new: only those
    are validated. Most parts new (a cold run), or a document that cannot be cut: the whole document, and
    when it is valid every part is remembered as valid. Whenever a part is invalid the verdict is the whole
    document's (its first error, as openapi-spec-validator reports it)."""
    if not in_background:
        return functools.partial(_openapi_verdict, document)
    pending = background.start(functools.partial(_openapi_verdict, document))
    return lambda: _verdict(pending())


def _openapi_verdict(document: dict[str, Any]) -> Verdict:
    parts = openapi_parts.split(document)
    if parts is None:
        return _whole(document, [])
    base = (cache.version("openapi-spec-validator"), cache.source_digest())
    keys = [cache.key(*base, *part.texts) for part in parts]
    new = [(part, k) for part, k in zip(parts, keys, strict=True) if cache.get("openapi-verdict", k) != VALID]
    if not new:
        return None
    if 2 * len(new) > len(parts):
        return _whole(document, keys)
    return _by_parts(document, new)


VALID = b"valid"


def _verdict(data: Any) -> Verdict:
    return None if data is None else (str(data[0]), str(data[1]))


def _whole(document: dict[str, Any], keys: list[str]) -> Verdict:
    """The whole document's verdict; when valid, each of its parts (``keys``) is remembered as valid."""
    result = _validate(document)
    if result is None:
        for k in keys:
            cache.put("openapi-verdict", k, VALID)
    return result


def _by_parts(document: dict[str, Any], new: list[tuple[openapi_parts.Part, str]]) -> Verdict:
    """Validate the new parts; all valid: the document is valid. Else the whole document's verdict."""
    done: list[str] = []
    for part, k in new:
        if _validate(part.document()) is not None:
            return _whole(document, done)
        done.append(k)
    for k in done:
        cache.put("openapi-verdict", k, VALID)
    return None


def preload_validators() -> None:
    """Import the validators now (children forked next inherit them: 0.3 s of work each)."""
    import openapi_schema_validator  # noqa: F401, PLC0415
    import openapi_spec_validator  # noqa: F401, PLC0415


def _validate(document: dict[str, Any]) -> Verdict:
    from openapi_spec_validator import validate as validate_openapi  # noqa: PLC0415  # only on a miss
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError  # noqa: PLC0415

    try:
        validate_openapi(document)
    except OpenAPIValidationError as e:
        return ("/".join(str(p) for p in e.path), str(e.message))
    return None


def verify(
    model: m.Model, document: dict[str, Any], diags: Diagnostics, pending: Callable[[], Verdict] | None = None
) -> None:
    """The checks above; ``pending``: the document's verdict, started earlier (:func:`start_openapi_verdict`)."""
    verdict = openapi_verdict(document) if pending is None else pending()
    if verdict is not None:
        where, message = verdict
        diags.error(
            "openapi-invalid",
            f"the emitted OpenAPI document is invalid at #/{where}: {message}",
            model.api_position,
            "fix the model element that produces this part of the document",
        )
    errors: dict[int, list[ExampleError]] = {}
    for e in example_errors(model, document):
        errors.setdefault(e[0], []).append(e)
    for i, ex in enumerate(model.examples):
        t = model.types.get(ex.type)
        if t is None or not t.root:
            diags.error(
                "example-invalid",
                f"example {ex.name!r} has type {ex.type!r}, which has no JSON root element",
                ex.position,
                "give the type a 'root' or the example a body type",
            )
            continue
        for _, write, path, message in errors.get(i, []):
            at = "/".join(str(p) for p in path) or "(the body)"
            role = "request" if write else "response"
            diags.error(
                "example-invalid",
                f"example {ex.name!r} ({role}) does not match {t.name} at {at}: {message}",
                ex.where(tuple(path)),
                f"correct the example or the type {t.name}",
            )


def example_errors(model: m.Model, document: dict[str, Any]) -> list[ExampleError]:
    """Where each example with a body type does not match its root-wrapped body schema, in order; cached by
    the document's components (all the validation reads: an edit of an operation leaves them as they were), the
    examples (index, type, use, value) and the versions of the validators (so a run whose examples and
    components were checked before imports no validator)."""
    checked = [
        (i, ex.type, ex.use, ex.value)
        for i, ex in enumerate(model.examples)
        if (t := model.types.get(ex.type)) is not None and t.root
    ]
    k = cache.key(
        cache.source_digest(),
        cache.version("openapi-schema-validator"),
        cache.version("jsonschema"),
        json.dumps(document.get("components", {}), ensure_ascii=False),
        json.dumps(checked, ensure_ascii=False),
    )
    found = cache.get("example-errors", k)
    if found is not None:
        return [(int(i), bool(w), list(path), str(msg)) for i, w, path, msg in json.loads(found)]
    from jsonschema import FormatChecker  # noqa: PLC0415  # only on a miss: the validators take 0.2 s to import
    from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator  # noqa: PLC0415

    components = document.get("components", {})
    out: list[ExampleError] = []
    for i, type_name, use, value in checked:
        t = model.types[type_name]
        schema = {"$ref": f"#/components/schemas/{body_schema_name(t.name)}", "components": components}
        modes = {"request": [True], "response": [False], "both": [True, False]}[use]
        for write in modes:
            cls = OAS30WriteValidator if write else OAS30ReadValidator
            for err in sorted(
                cls(schema, format_checker=FormatChecker()).iter_errors(value),
                key=lambda e: list(map(str, e.absolute_path)),
            ):
                out.append((i, write, list(err.absolute_path), str(err.message)))
    cache.put("example-errors", k, json.dumps(out, ensure_ascii=False).encode())
    return out
