"""The OpenAPI document generated from spec/ (stage: emit_openapi).

Realises the document requirements: 3GPP envelope, every NMS resource and method, auth answers,
clause ids on every operation and schema, validation by openapi-spec-validator.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from generator import pipeline
from generator.emit import openapi as emit_openapi
from generator.ir import index

from ..conftest import ROOT

SPEC = ROOT / "spec"
METHODS = ("get", "put", "post", "delete", "patch")

# oma-nms.md §1.2–1.3: resource -> (path below the box, Allow)
NMS_RESOURCES = {
    "R1": ("/objects", "POST"),
    "R2": ("/objects/{objectId}", "GET, DELETE"),
    "R3": ("/objects/{objectId}/flags", "GET, PUT"),
    "R4": ("/objects/{objectId}/flags/{flagName}", "GET, PUT, DELETE"),
    "R5": ("/objects/{objectId}/payload", "GET"),
    "R6": ("/objects/{objectId}/payloadParts/{payloadPartId}", "GET"),
    "R7": ("/objects/operations/search", "POST"),
    "R8": ("/objects/operations/pathToId", "GET, POST"),
    "R9": ("/objects/operations/bulkCreation", "POST"),
    "R10": ("/folders", "POST"),
    "R11": ("/folders/{folderId}", "GET, DELETE"),
    "R12": ("/folders/{folderId}/folderName", "GET, PUT"),
    "R13": ("/folders/operations/search", "POST"),
    "R14": ("/folders/operations/pathToId", "GET, POST"),
    "R15": ("/folders/operations/copyToFolder", "POST"),
    "R16": ("/folders/operations/moveToFolder", "POST"),
    "R17": ("/subscriptions", "GET, POST"),
    "R18": ("/subscriptions/{subscriptionId}", "GET, POST, DELETE"),
    "R20": ("/objects/operations/bulkUpdate", "POST"),
    "R21": ("/objects/operations/bulkDelete", "DELETE"),
}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    result = pipeline.check(SPEC)
    assert result.model is not None and not result.diagnostics.has_errors, result.diagnostics.render()
    return emit_openapi.build_document(index.of(result.model))


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, meth, op) for path, item in doc["paths"].items() for meth, op in item.items() if meth in METHODS]


def test_passes_openapi_spec_validator(doc: dict[str, Any]) -> None:
    validate(doc)


@pytest.mark.clause("24.282-21.1-R3")
def test_3gpp_envelope(doc: dict[str, Any]) -> None:
    assert doc["openapi"].startswith("3.0.")
    assert doc["info"]["title"] and doc["info"]["version"]
    assert "24.282" in doc["externalDocs"]["description"]
    assert doc["externalDocs"]["url"].startswith("https://www.3gpp.org/")
    for server in doc["servers"]:
        assert server["url"].startswith("{apiRoot}")
        assert server["variables"]["apiRoot"]["default"].startswith("https://")
        assert not re.search(r"http://", json.dumps(server))


@pytest.mark.clause("24.282-21.1-CR3", "OMA-NMS-5.2", "OMA-COMMON-HTTP-405")
@pytest.mark.parametrize("rid", sorted(NMS_RESOURCES, key=lambda r: int(r[1:])))
def test_every_nms_resource_and_method(doc: dict[str, Any], rid: str) -> None:
    rel, allow = NMS_RESOURCES[rid]
    item = doc["paths"][f"/{{storeName}}/{{boxId}}{rel}"]
    assert item["x-nmsgen-resource"] == rid
    assert sorted(m for m in item if m in METHODS) == sorted(a.strip().lower() for a in allow.split(","))
    for meth in (m for m in item if m in METHODS):
        assert item[meth]["responses"]["405"]["headers"]["Allow"]["schema"]["enum"] == [allow]


@pytest.mark.clause("OMA-NMS-6.19")
def test_notification_callback_r19(doc: dict[str, Any]) -> None:
    """R19 is client-side (the notifyURL), so it is a callback of the subscription operations."""
    for op_id in ("CreateSubscription",):
        op = next(o for _, _, o in operations(doc) if o["operationId"] == op_id)
        ((expr, item),) = op["callbacks"]["notifyStorageChanges"].items()
        assert "notifyURL" in expr
        assert item["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("NmsEventListBody")
        assert "204" in item["post"]["responses"]


@pytest.mark.clause("24.282-21.1-CR3", "24.282-21.1-N3")
def test_21_resources(doc: dict[str, Any]) -> None:
    server = {item["x-nmsgen-resource"] for item in doc["paths"].values()}
    callbacks = {"R19"} if any("callbacks" in o for _, _, o in operations(doc)) else set()
    assert len(server | callbacks) == 21


def test_operation_ids_unique_and_present(doc: dict[str, Any]) -> None:
    """Unique across the document, callbacks included (OpenAPI 3.0.3 section 4.7.10)."""
    ids = [op["operationId"] for _, _, op in operations(doc)]
    callback_ids = [
        cb_op["operationId"]
        for _, _, op in operations(doc)
        for cb in op.get("callbacks", {}).values()
        for item in cb.values()
        for cb_op in item.values()
    ]
    assert len(ids) == 31
    assert len(ids + callback_ids) == len(set(ids + callback_ids))
    assert all(re.fullmatch(r"[A-Z][A-Za-z0-9]+", i) for i in ids + callback_ids)


def test_no_unused_components(doc: dict[str, Any]) -> None:
    text = json.dumps(doc)
    unused = [n for n in doc["components"]["schemas"] if f'"#/components/schemas/{n}"' not in text]
    assert unused == []


@pytest.mark.clause("RFC6750-3-R1", "RFC6750-3.1-R2", "RFC6750-3.1-R3")
def test_every_operation_documents_auth_and_errors(doc: dict[str, Any]) -> None:
    for path, meth, op in operations(doc):
        responses = op["responses"]
        for status in ("401", "403", "404", "405"):
            assert status in responses, f"{meth.upper()} {path} lacks {status}"
            assert "application/json" in responses[status]["content"], f"{status} of {op['operationId']} has no body"
        assert "WWW-Authenticate" in responses["401"]["headers"]
        assert op["security"], f"{op['operationId']} has no security requirement"


@pytest.mark.clause("24.282-21.1-R7", "24.282-21.1-CR1")
def test_security_schemes(doc: dict[str, Any]) -> None:
    schemes = doc["components"]["securitySchemes"]
    bearer = [s for s in schemes.values() if s["type"] == "http"]
    oauth = [s for s in schemes.values() if s["type"] == "oauth2"]
    assert len(bearer) == 1 and bearer[0]["scheme"] == "bearer" and bearer[0]["bearerFormat"] == "JWT"
    assert len(oauth) == 1 and "clientCredentials" in oauth[0]["flows"]
    for s in schemes.values():
        assert "RFC8725" in s["description"]


@pytest.mark.clause("24.282-21.1-CR1")
def test_both_interfaces_on_every_operation(doc: dict[str, Any]) -> None:
    """The seed CR: MCData-7 and MCData-8 are the OMA NMS API and the MCData server's token reaches the entire
    accounts, so every box-scoped operation lists both security schemes; the token endpoint is the variable
    {tokenUrl}, not an invented host."""
    schemes = doc["components"]["securitySchemes"]
    oauth_name = next(n for n, s in schemes.items() if s["type"] == "oauth2")
    bearer_name = next(n for n, s in schemes.items() if s["type"] == "http")
    for _, _, op in operations(doc):
        assert op["security"] == [{bearer_name: []}, {oauth_name: []}], op["operationId"]
        assert op["x-nmsgen-interfaces"] == ["MCData-7", "MCData-8"], op["operationId"]
    assert schemes[oauth_name]["flows"]["clientCredentials"]["tokenUrl"] == "{tokenUrl}"
    assert "expected scope" in schemes[bearer_name]["description"]
    assert "unverified here" in schemes[bearer_name]["description"]


def test_every_operation_and_schema_cites_clauses(doc: dict[str, Any]) -> None:
    result = pipeline.check(SPEC)
    assert result.model is not None
    registry = set(result.model.clauses)
    for _, _, op in operations(doc):
        assert op["x-nmsgen-clauses"], op["operationId"]
        assert set(op["x-nmsgen-clauses"]) <= registry
        assert "Clauses: " + ", ".join(op["x-nmsgen-clauses"]) in op["description"]
    for name, schema in doc["components"]["schemas"].items():
        assert schema["x-nmsgen-clauses"], name
        assert set(schema["x-nmsgen-clauses"]) <= registry
        assert "Clauses: " in schema["description"], name


def test_objects_closed_and_bounded(doc: dict[str, Any]) -> None:
    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node and "additionalProperties" in node:
                assert node["additionalProperties"] is False, where
            if node.get("type") == "string" and "enum" not in node:
                assert "maxLength" in node, f"unbounded string at {where}"
            if node.get("type") == "array":
                assert "maxItems" in node, f"unbounded array at {where}"
            if node.get("type") == "integer":
                assert "maximum" in node and "format" in node, f"unbounded integer at {where}"
            for k, v in node.items():
                walk(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}/{i}")

    walk(doc, "#")
    for name, schema in doc["components"]["schemas"].items():
        if schema.get("type") == "object" and "properties" in schema:
            assert schema.get("additionalProperties") is False, f"{name} is open"


@pytest.mark.clause("OMA-COMMON-JSON")
def test_root_element_wrapping(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    assert schemas["ObjectBody"]["required"] == ["object"]
    assert schemas["ObjectBody"]["properties"]["object"] == {"$ref": "#/components/schemas/Object"}
    assert schemas["EmptyBody"]["properties"]["empty"] == {"$ref": "#/components/schemas/Empty"}
    assert schemas["Empty"]["nullable"] is True


def test_open_points_are_visible(doc: dict[str, Any]) -> None:
    marked = [op for _, _, op in operations(doc) if op.get("x-nmsgen-open-points")]
    assert marked
    for op in marked:
        assert "Open points: " in op["description"]


def test_committed_yaml_and_json_agree() -> None:
    out = ROOT / "generated" / "openapi"
    assert yaml.safe_load((out / "openapi.yaml").read_text()) == json.loads((out / "openapi.json").read_text())


def test_committed_document_is_current(doc: dict[str, Any]) -> None:
    committed = json.loads((ROOT / "generated" / "openapi" / "openapi.json").read_text())
    assert committed == doc, "generated/ is stale: run `nmsgen generate`"


def test_parses_as_yaml_without_aliases() -> None:
    text = (ROOT / "generated" / "openapi" / "openapi.yaml").read_text()
    assert "&id" not in text and "*id" not in text


def _tuples(value: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Where ``value`` holds a tuple."""
    found = [path] if isinstance(value, tuple) else []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, (list, tuple)) else []
    for k, v in items:
        found += _tuples(v, (*path, str(k)))
    return found


@pytest.mark.parametrize("model", ["spec", "tests/cases/minimal"])
def test_the_document_is_plain_json_data(model: str) -> None:
    """build_document makes JSON data itself (no round trip through json): no tuple anywhere (the IR's lists are
    copied into lists), nothing JSON would write otherwise, and the same texts as its JSON round trip."""
    result = pipeline.check(ROOT / model)
    assert result.model is not None and not result.diagnostics.has_errors, result.diagnostics.render()
    doc = emit_openapi.build_document(index.of(result.model))
    assert _tuples(doc) == []
    plain = json.loads(json.dumps(doc))
    assert doc == plain
    assert emit_openapi.emit(doc) == emit_openapi.emit(plain)
