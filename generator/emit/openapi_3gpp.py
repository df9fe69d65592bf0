"""Stage 5a' — the 3GPP publication profile: our OpenAPI document -> the file a CT1/CT3 delegate would publish.

A transformation of the verified document (``emit/openapi.py`` builds it; nothing here reads the templates):

* ``openapi: 3.0.0``; ``info.title`` the API name (``api.publication.name``, also the file name); the
  description ends with the 3GPP copyright line; ``externalDocs`` names the specification with its version;
* ``servers`` with ``{apiRoot}``; the OAuth2 client credentials flow with ``tokenUrl: '{tokenUrl}'``;
* no extension (``x-nmsgen-*`` and the others), no "Clauses:" or "Open points:" paragraph: the clause ids and
  open points are our traceability, kept in our own profile (``openapi/openapi.yaml``);
* responses factored into ``components/responses`` as 3GPP files do: for each status, the answer that most
  operations share word for word is ``#/components/responses/<status>`` (only when two or more share it);
  answers particular to an operation (a 405's ``Allow``, a 404 naming the operation's resource) stay inline.
  The statuses are the document's, which lists only those the generated server sends
  (``tests/test_openapi_3gpp.py`` provokes each one on the server).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from ..ir import model as m
from . import chunks

OPENAPI_VERSION = "3.0.0"
COPYRIGHT = "© {year}, 3GPP Organizational Partners (ARIB, ATIS, CCSA, ETSI, TSDSI, TTA, TTC). All rights reserved."
FOLDER = "openapi"

Json = dict[str, Any]
_TRAILERS = ("Clauses:", "Open points:")


def path(pub: m.Publication) -> str:
    """The published file's path in the output: ``openapi/<name>.yaml``, as 3GPP names its API files."""
    return f"{FOLDER}/{pub.name}.yaml"


_ASIDE = re.compile(r"\s*(\([^()]*\)|\[[^\[\]]*\])")  # a parenthesis or a bracket, with the space before it


def _prose(text: str, internal: frozenset[str] = frozenset()) -> str:
    """A description without our traceability paragraphs ("Clauses: ...", "Open points: ...") and without the
    asides that point at an internal id ("(see OP-FLAG-CASE)", "[INFERENCE, see OP-...]")."""
    paras = [p for p in text.split("\n\n") if not p.strip().startswith(_TRAILERS)]
    out = "\n\n".join(paras).strip()
    if internal:
        out = _ASIDE.sub(
            lambda mt: "" if _ID.findall(mt.group(1)) and set(_ID.findall(mt.group(1))) & internal else mt.group(0), out
        )
    return out


_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]")


def _strip(value: Any, internal: frozenset[str], prose: dict[str, str]) -> Any:
    """Every extension key (``x-...``) removed and every description without our traceability paragraphs
    (``prose``: the descriptions done, many repeat). Example values are data and are left as they are: shared
    with ``value``, which neither is changed afterwards."""
    if isinstance(value, dict):
        out: Json = {}
        for k, v in value.items():
            if isinstance(k, str) and k.startswith("x-"):
                continue
            if k == "description" and isinstance(v, str):
                done = prose.get(v)
                if done is None:
                    done = prose[v] = _prose(v, internal)
                out[k] = done
            elif k in ("example", "value"):
                out[k] = v
            else:
                out[k] = _strip(v, internal, prose)
        return out
    if isinstance(value, list):
        return [_strip(v, internal, prose) for v in value]
    return value


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _factor_responses(doc: Json) -> Json:
    """Move the answer shared by most operations under each status to ``components/responses/<status>``."""
    seen: dict[str, Counter[str]] = {}
    values: dict[str, Json] = {}
    for item in doc["paths"].values():
        for op in item.values():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            for status, resp in op["responses"].items():
                k = _key(resp)
                seen.setdefault(status, Counter())[k] += 1
                values[k] = resp
    shared: dict[str, str] = {}  # status -> key of the shared answer
    for status, counts in seen.items():
        if int(status) < 400:  # success answers are particular to their operation
            continue
        # the most shared answer; ties by the text, so the choice does not depend on the order of operations
        key, n = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if n >= 2:
            shared[status] = key
    responses = {status: values[key] for status, key in sorted(shared.items())}
    for item in doc["paths"].values():
        for op in item.values():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            op["responses"] = {
                status: {"$ref": f"#/components/responses/{status}"} if shared.get(status) == _key(resp) else resp
                for status, resp in op["responses"].items()
            }
    if responses:
        doc["components"] = {"responses": responses, **doc["components"]}
    return doc


def transform(model: m.Model, document: Json) -> Json:
    """Our verified document -> the 3GPP publication profile of it (a new dict that shares the example values;
    ``document`` is not changed)."""
    pub = model.api.publication
    if pub is None:
        raise ValueError("the model has no api.publication")
    internal = frozenset(model.clauses) | frozenset(model.open_points)  # our ids, never in the published file
    doc: Json = _strip(document, internal, {})
    spec_line = f"{pub.spec} V{pub.spec_version}; {pub.spec_title}"
    description = _prose(pub.description, internal)
    info: Json = {
        "title": pub.name,
        "version": doc["info"]["version"],
        "description": f"{description}\n\n{COPYRIGHT.format(year=pub.copyright_year)}",
    }
    server = doc["servers"][0]
    out: Json = {
        "openapi": OPENAPI_VERSION,
        "info": info,
        "externalDocs": {"description": spec_line, "url": pub.spec_url},
        "servers": [{"url": server["url"], "variables": server.get("variables", {})}],
        "security": doc["security"],
        "tags": doc["tags"],
        "paths": doc["paths"],
        "components": doc["components"],
    }
    return _factor_responses(out)


def emit(model: m.Model, document: Json) -> dict[str, str]:
    """``{openapi/<name>.yaml: text}``, or nothing when the model names no publication."""
    pub = model.api.publication
    if pub is None:
        return {}
    text = chunks.yaml_document(transform(model, document))
    return {path(pub): text}
