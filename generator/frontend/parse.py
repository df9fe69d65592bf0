"""Stage 2 — parse: loaded data -> typed input models (``schema.SpecFile``), one per file.

Shape errors (unknown fields, wrong value types, missing required fields) become diagnostics at
the position of the offending key, with what was expected.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ..diagnostics import Diagnostics
from .load import LoadedFile
from .schema import SpecFile

_FRIENDLY = {
    "extra_forbidden": "unknown field",
    "missing": "missing required field",
}


def _describe(err: Any) -> tuple[str, str]:
    kind = err["type"]
    loc = [p for p in err["loc"] if not isinstance(p, str) or not p.startswith("function-")]
    name = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        return f"unknown field {name!r}", "remove it or check its spelling against spec/README.md"
    if kind == "missing":
        return f"missing required field {name!r}", "add it"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{name!r} has value {err['input']!r}", f"expected one of {expected}"
    if kind.endswith("_type"):
        got = type(err["input"]).__name__
        want = kind.removesuffix("_type").replace("dict", "mapping").replace("list", "list")
        if kind == "model_type":
            want = "mapping"
        return f"{name!r} must be a {want}, not {got}", f"write a {want} here"
    return f"{name!r}: {err['msg']}", ""


def parse(files: list[LoadedFile], diags: Diagnostics) -> list[tuple[LoadedFile, SpecFile]]:
    out: list[tuple[LoadedFile, SpecFile]] = []
    for f in files:
        if f.data is None:
            continue  # an empty file contributes nothing
        if not isinstance(f.data, dict):
            diags.error(
                "schema",
                "a model file must be a mapping of sections",
                f.where(()),
                "start with a section such as 'types:' or 'resources:'",
            )
            continue
        try:
            out.append((f, SpecFile.model_validate(f.data)))
        except ValidationError as e:
            for err in e.errors():
                loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
                message, hint = _describe(err)
                # "missing" points at the element that lacks the field, the rest at the field itself
                path = loc[:-1] if err["type"] == "missing" else loc
                diags.error("schema", message, f.where(path), hint)
    return out
