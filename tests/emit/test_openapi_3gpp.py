"""The 3GPP publication profile (``nmsgen openapi --profile 3gpp``, generated/openapi/TS24282_MCData_MessageStore.yaml).

What a CT1/CT3 delegate checks (3.0.0, API name, copyright line, externalDocs with the TS version, {apiRoot},
'{tokenUrl}', no extension, no internal id, shared responses in components/responses), what the linters say
(openapi-spec-validator, Spectral's oas ruleset, `redocly lint`: no error, every warning explained in the
README), that nothing but the extensions is lost against our own profile, and that every status it lists is
one the generated server really sends.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from generator import pipeline
from mcdata_store import server as generated_server
from mcdata_store.server import create_app
from mcdata_store.store import StoreError

from ..conftest import ROOT, run_nmsgen
from ..support import ALICE, BOB, Keys, RecordingStore, example_body, user_token

PUBLISHED = ROOT / "generated" / "openapi" / "TS24282_MCData_MessageStore.yaml"
OURS = json.loads((ROOT / "generated" / "openapi" / "openapi.json").read_text())
DOC = yaml.safe_load(PUBLISHED.read_text())
MODEL = pipeline.check(ROOT / "spec").model
assert MODEL is not None
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
README = (ROOT / "README.md").read_text()

# Warnings that stay, with the reason the README gives (section "The 3GPP publication profile").
SPECTRAL_WARNINGS = {"info-contact"}
REDOCLY_WARNINGS = {"info-license", "no-required-schema-properties-undefined", "operation-4xx-response"}


def operations(doc: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {
        op["operationId"]: (path, method, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }


def walk(value: Any, where: str = "#") -> Any:
    if isinstance(value, dict):
        for k, v in value.items():
            yield where, k, v
            yield from walk(v, f"{where}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, f"{where}/{i}")


# ------------------------------------------------------------------ what a delegate checks


def test_passes_openapi_spec_validator_as_3_0_0() -> None:
    validate(DOC)
    assert DOC["openapi"] == "3.0.0"


def test_info_external_docs_servers_and_token_url_as_3gpp_writes_them() -> None:
    pub = MODEL.api.publication
    assert pub is not None
    assert DOC["info"]["title"] == pub.name == PUBLISHED.stem
    assert re.fullmatch(r"TS\d{5}_\w+", DOC["info"]["title"])
    last = DOC["info"]["description"].splitlines()[-1]
    assert last == (
        f"© {pub.copyright_year}, 3GPP Organizational Partners (ARIB, ATIS, CCSA, ETSI, TSDSI, TTA, TTC). "
        "All rights reserved."
    )
    assert DOC["externalDocs"] == {
        "description": "3GPP TS 24.282 V18.0.0; Mission Critical Data (MCData) signalling control; "
        "Protocol specification",
        "url": "https://www.3gpp.org/ftp/Specs/archive/24_series/24.282/",
    }
    (server,) = DOC["servers"]
    assert server["url"].startswith("{apiRoot}/") and "apiRoot" in server["variables"]
    flow = DOC["components"]["securitySchemes"]["oAuth2ClientCredentials"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "{tokenUrl}"
    assert "tokenUrl: '{tokenUrl}'" in PUBLISHED.read_text()


def test_no_extension_and_no_internal_id() -> None:
    assert [f"{where}/{k}" for where, k, _ in walk(DOC) if isinstance(k, str) and k.startswith("x-")] == []
    text = PUBLISHED.read_text()
    ids = set(MODEL.clauses) | set(MODEL.open_points)
    found = sorted(i for i in ids if re.search(rf"(?<![\w.-]){re.escape(i)}(?![\w-]|\.\w)", text))
    assert found == []
    assert "Clauses:" not in text and "Open points:" not in text


def test_the_published_profile_drops_asides_naming_an_internal_id() -> None:
    """Model text points at open points in asides ("(see OP-FLAG-CASE)"): ours keeps them, the 3GPP file not."""
    assert "see OP-FLAG-CASE" in json.dumps(OURS)
    assert "case-insensitive elsewhere." in PUBLISHED.read_text()


def test_shared_error_answers_are_components_responses() -> None:
    responses = DOC["components"]["responses"]
    assert sorted(responses) == ["400", "401", "403", "404", "405", "500", "503"]
    uses: dict[str, int] = {}
    for _, _, op in operations(DOC).values():
        for status, r in op["responses"].items():
            if "$ref" in r:
                assert r["$ref"] == f"#/components/responses/{status}"
                uses[status] = uses.get(status, 0) + 1
    assert sorted(uses) == sorted(responses) and min(uses.values()) >= 2
    # every operation refers to the common 401, 500 and 503 (they are the same answer everywhere)
    for op_id, (_, _, op) in operations(DOC).items():
        if op_id != "NotifyStorageChanges":
            assert {op["responses"][s].get("$ref") for s in ("401", "500", "503")} == {
                f"#/components/responses/{s}" for s in ("401", "500", "503")
            }, op_id


# ------------------------------------------------------------------ nothing lost but the extensions


def _plain(value: Any, components: dict[str, Any]) -> Any:
    """A part of a document compared across profiles: references to components/responses resolved, extensions,
    descriptions and summaries of responses dropped (descriptions lose only our traceability paragraphs)."""
    if isinstance(value, dict):
        if set(value) == {"$ref"} and value["$ref"].startswith("#/components/responses/"):
            return _plain(components["responses"][value["$ref"].rsplit("/", 1)[1]], components)
        return {
            k: _plain(v, components)
            for k, v in value.items()
            if not (isinstance(k, str) and k.startswith("x-")) and k != "description"
        }
    if isinstance(value, list):
        return [_plain(v, components) for v in value]
    return value


def test_operations_schemas_and_security_are_those_of_our_profile() -> None:
    ours, theirs = operations(OURS), operations(DOC)
    assert sorted(ours) == sorted(theirs)
    for op_id, (path, method, op) in ours.items():
        t_path, t_method, t_op = theirs[op_id]
        assert (t_path, t_method) == (path, method)
        for key in ("parameters", "requestBody", "responses", "security", "callbacks", "tags", "summary"):
            assert _plain(t_op.get(key), DOC["components"]) == _plain(op.get(key), OURS["components"]), (op_id, key)
    assert _plain(DOC["components"]["schemas"], DOC) == _plain(OURS["components"]["schemas"], OURS)
    assert _plain(DOC["components"]["securitySchemes"], DOC) == _plain(OURS["components"]["securitySchemes"], OURS)
    assert DOC["security"] == OURS["security"]
    assert [t["name"] for t in DOC["tags"]] == [t["name"] for t in OURS["tags"]]
    # and the comparison is live: a dropped response status is seen
    broken = copy.deepcopy(DOC)
    del broken["paths"]["/{storeName}/{boxId}/objects"]["post"]["responses"]["503"]
    assert _plain(operations(broken)["CreateObject"][2]["responses"], DOC["components"]) != _plain(
        ours["CreateObject"][2]["responses"], OURS["components"]
    )


# ------------------------------------------------------------------ the command and the model


@pytest.mark.slow
def test_nmsgen_openapi_profile_3gpp_prints_the_generated_file(tmp_path: Path) -> None:
    r = run_nmsgen("openapi", "--profile", "3gpp")
    assert r.returncode == 0, r.stderr
    assert r.stdout == PUBLISHED.read_text()
    r = run_nmsgen("openapi", "--profile", "3gpp", "--format", "json", "-o", str(tmp_path / "a.json"))
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "a.json").read_text()) == DOC


def test_a_model_without_publication_refuses_the_3gpp_profile(minimal_model: Path) -> None:
    r = run_nmsgen("openapi", "--profile", "3gpp", "--spec", str(minimal_model))
    assert r.returncode == 2
    assert "--profile 3gpp needs api.publication" in r.stderr and "Traceback" not in r.stderr


def test_a_publication_name_that_is_no_file_name_is_refused(minimal_model: Path) -> None:
    api = yaml.safe_load((minimal_model / "api.yaml").read_text())
    api["api"]["publication"] = {
        "name": "../evil name",
        "spec": "3GPP TS 24.282",
        "spec_version": "18.0.0",
        "spec_version_source": "test",
        "spec_title": "t",
        "spec_url": "https://example.org/",
        "description": "d",
        "copyright_year": 2026,
    }
    (minimal_model / "api.yaml").write_text(yaml.safe_dump(api))
    r = run_nmsgen("validate", "--spec", str(minimal_model))
    assert r.returncode == 1
    assert re.search(r"api\.yaml:\d+:\d+: error unsafe-name: api\.publication\.name '\.\./evil name'", r.stderr)


# ------------------------------------------------------------------ the linters


def _node_tool(name: str) -> Path:
    tool = ROOT / "node_modules" / ".bin" / name
    if not tool.exists():
        pytest.fail(f"{name} is not installed at {tool}: run `npm ci` (needs node and npm)")
    return tool


def _json_out(r: subprocess.CompletedProcess[str], opener: str) -> Any:
    start = r.stdout.find(opener)
    assert start >= 0, f"no JSON (exit {r.returncode}): {r.stdout[-2000:]} {r.stderr[-2000:]}"
    return json.loads(r.stdout[start:])


@pytest.mark.external  # Spectral and Redocly (npm ci)
def test_spectral_oas_no_error_and_only_explained_warnings() -> None:
    r = subprocess.run(
        [str(_node_tool("spectral")), "lint", str(PUBLISHED), "--ruleset", str(ROOT / ".spectral-3gpp.yaml"),
         "-f", "json", "-q"],
        capture_output=True, text=True, timeout=300, cwd=ROOT, check=False,
    )  # fmt: skip
    findings = _json_out(r, "[")
    assert [f"{f['code']}: {f['message']}" for f in findings if f["severity"] == 0] == []
    warnings = {f["code"] for f in findings if f["severity"] == 1}
    assert warnings == SPECTRAL_WARNINGS
    for code in warnings:
        assert f"`{code}`" in README, f"the README does not explain Spectral's {code}"


@pytest.mark.external  # Spectral and Redocly (npm ci)
def test_redocly_lint_no_error_and_only_explained_warnings() -> None:
    r = subprocess.run(
        [str(_node_tool("redocly")), "lint", str(PUBLISHED), "--format=json"],
        capture_output=True, text=True, timeout=300, cwd=ROOT, check=False,
        env={"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    problems = _json_out(r, "{")["problems"]
    assert [f"{p['ruleId']}: {p['message']}" for p in problems if p["severity"] == "error"] == []
    warnings = {p["ruleId"] for p in problems if p["severity"] == "warn"}
    assert warnings == REDOCLY_WARNINGS
    for code in warnings:
        assert f"`{code}`" in README, f"the README does not explain Redocly's {code}"


# ------------------------------------------------------------------ every listed status is really sent

KEYS = Keys()
TOKEN = user_token(KEYS, ALICE, exp=int(time.time()) + 86_400)
OTHER = user_token(KEYS, BOB, exp=int(time.time()) + 86_400)
BULK = {"objectList": {"object": [{"parentFolder": "/x", "attributes": {}, "flags": {}}]}}


class Raising:
    """A store whose every method raises ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __getattr__(self, name: str) -> Any:
        def method(*args: Any, **kwargs: Any) -> Any:
            raise self.error

        return method


def _request(op: dict[str, Any], path: str, store_name: str = "myStore") -> tuple[str, dict[str, Any]]:
    url = "/nms/v1/" + store_name + re.sub(r"\{[^}]+\}", "id1", path.replace("/{storeName}", "").replace(
        "{boxId}", ALICE))  # fmt: skip
    kw: dict[str, Any] = example_body(op)
    params = {p["name"]: "x" for p in op.get("parameters", []) if p["in"] == "query" and p.get("required")}
    if params:
        kw["params"] = params
    if not kw.get("json") and "multipart/form-data" in op.get("requestBody", {}).get("content", {}):
        kw["files"] = [("root-fields", (None, json.dumps(BULK), "application/json"))]
    return url, kw


def _send(store: Any, method: str, url: str, token: str | None, **kw: Any) -> Any:
    app = create_app(store, KEYS.settings())
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.request(method.upper(), url, headers=headers, **kw)


def provoke(op_id: str, status: int) -> int:
    """Make the generated server answer ``status`` to ``op_id`` the way a client or a store would; the status
    it answered."""
    path, method, op = operations(DOC)[op_id]
    url, kw = _request(op, path)
    if status == 400:  # a box name that is not percent-encoded UTF-8
        url, kw = _request(op, path, store_name="%FF")
        return int(_send(RecordingStore(), method, url, TOKEN, **kw).status_code)
    if status == 401:
        return int(_send(RecordingStore(), method, url, None, **kw).status_code)
    if status == 403:  # bob's token on alice's box
        return int(_send(RecordingStore(), method, url, OTHER, **kw).status_code)
    if status == 405:
        allow = {m.upper() for m in DOC["paths"][path] if m in METHODS}
        other = next(m for m in ("PATCH", "PUT", "POST", "DELETE", "GET") if m not in allow)
        return int(_send(RecordingStore(), other, url, TOKEN).status_code)
    store = {404: RecordingStore(), 500: Raising(RuntimeError("boom")), 503: Raising(StoreError("SVC2001", []))}
    return int(_send(store[status], method, url, TOKEN, **kw).status_code)


CASES = [
    (op_id, int(status))
    for op_id, (_, _, op) in sorted(operations(DOC).items())
    for status in op["responses"]
    if int(status) >= 400 and op_id != "NotifyStorageChanges"  # the callback is served by the subscriber
]


@pytest.mark.clause("OMA-COMMON-RequestError")
@pytest.mark.parametrize(("op_id", "status"), CASES, ids=[f"{o}-{s}" for o, s in CASES])
def test_every_error_status_listed_is_one_the_server_sends(op_id: str, status: int) -> None:
    assert provoke(op_id, status) == status


def test_every_success_status_listed_is_one_the_server_answers_with() -> None:
    """The server's own outcome table (its ``_reply`` refuses to send any status outside it) holds every listed
    success status, and each of its outcomes is listed; the conformance kit and tests/runtime/test_e2e_https.py reach
    each on the reference store."""
    for op_id, (_, _, op) in operations(DOC).items():
        if op_id == "NotifyStorageChanges":
            continue
        outcomes = set(generated_server.OUTCOMES[op_id])
        assert {int(s) for s in op["responses"] if int(s) < 400} <= outcomes, op_id
        assert outcomes <= {int(s) for s in op["responses"]}, op_id
