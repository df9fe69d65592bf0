"""The document serves the tools downstream implementers use (issue 13), tried as such an implementer would.

Each tool reads generated/openapi/openapi.json only; what it generates is made inside the test, in a temporary
folder, and never committed. The clients walk our server over TLS with a real token: create a folder, create
objects (multipart with an attachment; as JSON where the tool generates that form), read one, read its payload,
set a flag, search by it, copy it, bulk-delete, and read an error body with its messageId.

* OpenAPI Generator 7.26 (PyPI ``openapi-generator-cli``, Java) ``-g python`` and ``-g typescript-fetch``: it
  generates one request media type per operation (the first, multipart/form-data for CreateObject), so these
  walks create objects as multipart only. Its python client picks ``application/json`` as the Content-Type of
  such an operation while it builds form fields; each call passes the generated method's own ``_content_type``
  parameter.
* openapi-python-client 0.29.1: ``content_type_overrides`` (its documented setting) reads the ``*/*`` payload
  answers as octet streams; and its endpoint template makes a body of two media types optional without
  importing ``Unset`` (a Jinja scoping slip: no document with two media types avoids it), so the test hands it
  the tool's own template with that one line fixed through ``--custom-template-path``.
* openapi-typescript 7 + openapi-fetch, type-checked by tsc 5.9 (strict), and Prism 5 (npm, package.json).
* Schemathesis CLI (pinned in pyproject): every phase, stateful included.

Marked ``external``: ``pytest -m "not external"`` is the quick set.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import ROOT
from ..https_server import Running, ServerOptions
from ..support import ALICE, Keys, user_token

pytestmark = pytest.mark.external

DOC = ROOT / "generated" / "openapi" / "openapi.json"
HERE = Path(__file__).resolve().parent / "interop"
BIN = Path(sys.executable).parent
NODE_BIN = ROOT / "node_modules" / ".bin"
KEYS = Keys()
STORE = "myStore"
FLAG = "\\Seen"


def _run(cmd: list[str], cwd: Path, timeout: int = 600, env: dict[str, str] | None = None) -> str:
    r = subprocess.run(
        cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False, env={**os.environ, **(env or {})}
    )
    assert r.returncode == 0, f"{' '.join(cmd[:3])}... exited {r.returncode}\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    return r.stdout


def _need(path: Path, what: str) -> None:
    if not path.exists():
        pytest.skip(f"needs {what} ({path.name}); .ci/run installs it")


@pytest.fixture(scope="module")
def server_options() -> ServerOptions:
    return ServerOptions(KEYS)


@pytest.fixture(scope="module")
def token() -> str:
    return user_token(KEYS, ALICE, exp=int(time.time()) + 6 * 3600)


def _import_from(folder: Path, package: str) -> Any:
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(folder))


def _forget(package: str) -> None:
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[name]


# ------------------------------------------------------------------------------------------ OpenAPI Generator


def _openapi_generator(generator: str, out: Path, *extra: str) -> None:
    exe = BIN / "openapi-generator-cli"
    _need(exe, "openapi-generator-cli from PyPI")
    if shutil.which("java") is None:
        pytest.skip("needs Java for OpenAPI Generator")
    _run([str(exe), "generate", "-g", generator, "-i", str(DOC), "-o", str(out), *extra], out.parent)


def test_openapi_generator_python_walk(running: Running, token: str, tmp_path: Path) -> None:
    _openapi_generator("python", tmp_path / "oag", "--package-name", "nms_oag")
    try:
        pkg = _import_from(tmp_path / "oag", "nms_oag")
        models = pkg.models
        api = pkg.ApiClient(
            pkg.Configuration(
                host=running.base_url.removesuffix("/" + STORE), access_token=token, ssl_ca_cert=str(running.ca_file)
            )
        )

        def op(name: str) -> Callable[..., Any]:  # the generated API classes group operations by tag
            cls = next(c for n, c in vars(pkg).items() if n.endswith("Api") and hasattr(c, name))
            return getattr(cls(api), name)  # type: ignore[no-any-return]

        folder = op("create_folder_with_http_info")(
            STORE,
            ALICE,
            models.FolderRequestBody(
                folder=models.FolderRequest(
                    parent_folder_path="/", name="OAG python", attributes=models.AttributeList()
                )
            ),
        )
        assert folder.status_code == 201
        folder_url = folder.data.actual_instance.reference.resource_url
        root = models.ObjectBody(
            object=models.Object(
                parent_folder=folder_url,
                attributes=models.AttributeList(attribute=[models.Attribute(name="Subject", value=["walk"])]),
                flags=models.FlagList(flag=[]),
            )
        )
        created = op("create_object_with_http_info")(
            STORE, ALICE, root_fields=root, attachments=("note.txt", b"hello"), _content_type="multipart/form-data"
        )
        assert created.status_code == 201
        object_url = created.data.actual_instance.reference.resource_url
        object_id = object_url.rsplit("/", 1)[1]
        bare = op("create_object_with_http_info")(STORE, ALICE, root_fields=root, _content_type="multipart/form-data")
        assert bare.status_code == 201

        got = op("get_object")(STORE, ALICE, object_id).object
        assert got.parent_folder == folder_url and got.attributes.attribute[0].value == ["walk"]
        assert op("get_object_payload_with_http_info")(STORE, ALICE, object_id).raw_data == b"hello"
        assert op("set_object_flag_with_http_info")(STORE, ALICE, object_id, FLAG).status_code in (201, 204)
        assert FLAG in op("get_object_flags")(STORE, ALICE, object_id).flag_list.flag
        criteria = models.SelectionCriteria(
            max_entries=10,
            search_scope=models.Reference(resource_url=folder_url),
            search_criteria=models.SearchCriteria(
                criterion=[models.SearchCriterion(type=models.SearchTypeEnum.FLAG, name=FLAG, value="true")]
            ),
        )
        found = op("search_objects")(STORE, ALICE, models.SelectionCriteriaBody(selection_criteria=criteria))
        assert [o.resource_url for o in found.actual_instance.object_list.object] == [object_url]
        refs = models.ObjectReferenceList(object_reference=[models.Reference(resource_url=object_url)])
        copy = models.TargetSourceRef(
            target_ref=models.Reference(resource_url=folder_url),
            source_refs=models.ReferenceList(folders=models.FolderReferenceList(folder_reference=[]), objects=refs),
        )
        copied = op("copy_to_folder")(STORE, ALICE, models.TargetSourceRefBody(target_source_ref=copy))
        assert [r.code for r in copied.bulk_response_list.response] == [201]
        deleted = op("bulk_delete_objects")(
            STORE, ALICE, models.BulkDeleteBody(bulk_delete=models.BulkDelete(objects=refs))
        )
        assert [(r.code, r.success.resource_url) for r in deleted.bulk_response_list.response] == [(200, object_url)]
        with pytest.raises(pkg.ApiException) as gone:
            op("get_object")(STORE, ALICE, object_id)
        assert gone.value.status == 404
        assert gone.value.data.request_error.service_exception.message_id == "SVC0004"
    finally:
        _forget("nms_oag")


# ------------------------------------------------------------------------------------------ openapi-python-client


def _fixed_template(folder: Path) -> Path:
    """openapi-python-client's endpoint template with its scoping slip fixed (``body_required`` set inside a
    for loop never leaves it), handed back through the tool's --custom-template-path."""
    import openapi_python_client  # noqa: PLC0415

    name = "endpoint_macros.py.jinja"
    text = (Path(openapi_python_client.__file__).parent / "templates" / name).read_text()
    slip = "{% set body_required = body_required and body.prop.required %}"
    assert slip in text, "the tool's template changed: check whether the fix is still needed"
    text = text.replace(
        "{%- for body in endpoint.bodies -%}" + slip,
        "{%- set ns = namespace(required=true) -%}"
        "{%- for body in endpoint.bodies -%}{% set ns.required = ns.required and body.prop.required %}",
    )
    text = text.replace("{% if not body_required %} | Unset = UNSET", "{% if not ns.required %} | Unset = UNSET")
    folder.mkdir()
    (folder / name).write_text(text)
    return folder


def test_openapi_python_client_walk(running: Running, token: str, tmp_path: Path) -> None:
    exe = BIN / "openapi-python-client"
    _need(exe, "openapi-python-client from PyPI")
    (tmp_path / "config.yaml").write_text('content_type_overrides:\n  "*/*": application/octet-stream\n')
    _run(
        [
            str(exe),
            "generate",
            "--path",
            str(DOC),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "opc"),
            "--config",
            str(tmp_path / "config.yaml"),
            "--custom-template-path",
            str(_fixed_template(tmp_path / "tpl")),
        ],
        tmp_path,
    )
    try:
        pkg = _import_from(tmp_path, "opc")
        m = importlib.import_module("opc.models")
        types = importlib.import_module("opc.types")
        ops = {
            mod.rsplit(".", 1)[1]: importlib.import_module(mod)
            for mod in (
                f"opc.api.{p.parent.name}.{p.stem}"
                for p in (tmp_path / "opc" / "api").glob("*/*.py")
                if p.stem != "__init__"
            )
        }
        import ssl  # noqa: PLC0415

        client = pkg.AuthenticatedClient(
            base_url=running.base_url.removesuffix("/" + STORE),
            token=token,
            verify_ssl=ssl.create_default_context(cafile=str(running.ca_file)),
        )

        def call(name: str, *args: Any, **kw: Any) -> Any:
            return ops[name].sync_detailed(STORE, ALICE, *args, client=client, **kw)

        folder = call(
            "create_folder",
            body=m.FolderRequestBody.from_dict({"folder": {"parentFolderPath": "/", "name": "opc", "attributes": {}}}),
        )
        assert folder.status_code == 201, folder.content
        folder_url = folder.headers["location"]
        fields = {
            "object": {
                "parentFolder": folder_url,
                "flags": {"flag": []},
                "attributes": {"attribute": [{"name": "Subject", "value": ["walk"]}]},
            }
        }
        as_json = call("create_object", body=m.ObjectBody.from_dict(fields))
        assert as_json.status_code == 201, as_json.content
        multipart = m.CreateObjectFilesBody(
            root_fields=m.ObjectBody.from_dict(fields),
            attachments=types.File(
                payload=__import__("io").BytesIO(b"hello"), file_name="note.txt", mime_type="text/plain"
            ),
        )
        created = call("create_object", body=multipart)
        assert created.status_code == 201, created.content
        object_url = created.headers["location"]
        object_id = object_url.rsplit("/", 1)[1]
        got = call("get_object", object_id)
        assert got.status_code == 200 and got.parsed.to_dict()["object"]["parentFolder"] == folder_url
        payload = call("get_object_payload", object_id)
        assert payload.status_code == 200 and payload.content == b"hello"
        assert call("set_object_flag", object_id, FLAG).status_code in (201, 204)
        assert FLAG in call("get_object_flags", object_id).parsed.to_dict()["flagList"]["flag"]
        search = {
            "selectionCriteria": {
                "maxEntries": 10,
                "searchScope": {"resourceURL": folder_url},
                "searchCriteria": {"criterion": [{"type": "Flag", "name": FLAG, "value": "true"}]},
            }
        }
        found = call("search_objects", body=m.SelectionCriteriaBody.from_dict(search))
        assert [o["resourceURL"] for o in found.parsed.to_dict()["objectList"]["object"]] == [object_url]
        refs = {"objectReference": [{"resourceURL": object_url}]}
        copy = {
            "targetSourceRef": {
                "targetRef": {"resourceURL": folder_url},
                "sourceRefs": {"folders": {"folderReference": []}, "objects": refs},
            }
        }
        copied = call("copy_to_folder", body=m.TargetSourceRefBody.from_dict(copy))
        assert [r["code"] for r in copied.parsed.to_dict()["bulkResponseList"]["response"]] == [201]
        deleted = call("bulk_delete_objects", body=m.BulkDeleteBody.from_dict({"bulkDelete": {"objects": refs}}))
        assert [r["code"] for r in deleted.parsed.to_dict()["bulkResponseList"]["response"]] == [200]
        gone = call("get_object", object_id)
        assert gone.status_code == 404
        assert gone.parsed.to_dict()["requestError"]["serviceException"]["messageId"] == "SVC0004"
    finally:
        _forget("opc")


# ------------------------------------------------------------------------------------------ TypeScript clients

TSCONFIG = {
    "compilerOptions": {
        "target": "ES2022",
        "module": "NodeNext",
        "moduleResolution": "NodeNext",
        "strict": True,
        "lib": ["ES2022", "DOM"],
        "types": [],
        "skipLibCheck": True,
        "outDir": "out",
    }
}


def _node_walk(folder: Path, walk: str, running: Running, token: str) -> None:
    """Type-check and compile ``walk`` (HERE) with tsc --strict in ``folder``, then run it on node."""
    _need(NODE_BIN / "tsc", "TypeScript (npm ci)")
    (folder / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    (folder / "package.json").write_text('{"type": "module"}\n')
    (folder / "tsconfig.json").write_text(json.dumps({**TSCONFIG, "files": [walk]}))
    shutil.copy(HERE / walk, folder / walk)
    _run([str(NODE_BIN / "tsc"), "-p", "tsconfig.json"], folder)
    out = _run(
        ["node", f"out/{walk.removesuffix('.ts')}.js"],
        folder,
        timeout=120,
        env={
            "NMS_ROOT": running.base_url.removesuffix("/" + STORE),
            "NMS_TOKEN": token,
            "NMS_BOX": ALICE,
            "NODE_EXTRA_CA_CERTS": str(running.ca_file),
        },
    )
    assert "walk complete" in out


def test_openapi_generator_typescript_fetch_walk(running: Running, token: str, tmp_path: Path) -> None:
    _openapi_generator("typescript-fetch", tmp_path / "client")
    # its runtime.ts ends in .ts imports without extensions: compiled as CommonJS-free ES modules they need them
    _node_walk_commonjs(tmp_path, "walk_typescript_fetch.ts", running, token)


def _node_walk_commonjs(folder: Path, walk: str, running: Running, token: str) -> None:
    """As :func:`_node_walk`, compiled to CommonJS: OpenAPI Generator's typescript-fetch output imports its
    modules without file extensions, which only CommonJS resolution accepts."""
    _need(NODE_BIN / "tsc", "TypeScript (npm ci)")
    (folder / "package.json").write_text('{"type": "commonjs"}\n')
    config = {
        **TSCONFIG,
        "compilerOptions": {**TSCONFIG["compilerOptions"], "module": "CommonJS", "moduleResolution": "Node10"},
        "files": [walk],
    }
    (folder / "tsconfig.json").write_text(json.dumps(config))
    shutil.copy(HERE / walk, folder / walk)
    _run([str(NODE_BIN / "tsc"), "-p", "tsconfig.json"], folder)
    out = _run(
        ["node", f"out/{walk.removesuffix('.ts')}.js"],
        folder,
        timeout=120,
        env={
            "NMS_ROOT": running.base_url.removesuffix("/" + STORE),
            "NMS_TOKEN": token,
            "NMS_BOX": ALICE,
            "NODE_EXTRA_CA_CERTS": str(running.ca_file),
        },
    )
    assert "walk complete" in out


def test_openapi_typescript_and_openapi_fetch_walk(running: Running, token: str, tmp_path: Path) -> None:
    _need(NODE_BIN / "openapi-typescript", "openapi-typescript (npm ci)")
    _run([str(NODE_BIN / "openapi-typescript"), str(DOC), "-o", str(tmp_path / "schema.d.ts")], tmp_path)
    _node_walk(tmp_path, "walk_openapi_fetch.ts", running, token)


# ------------------------------------------------------------------------------------------ Prism


def _free_port() -> int:
    from ..support import free_port  # noqa: PLC0415

    return int(free_port())


@pytest.fixture(scope="module")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Prism mocking the document (static answers: our examples), on a local port."""
    _need(NODE_BIN / "prism", "Prism (npm ci)")
    port = _free_port()
    log = tmp_path_factory.mktemp("prism") / "prism.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(NODE_BIN / "prism"), "mock", str(DOC), "-h", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while "Prism is listening" not in log.read_text():
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    doc = json.loads(DOC.read_text())
    return [
        (path, method, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in ("get", "put", "post", "delete")
    ]


OPERATIONS = _operations()
MULTIPART_ROOT = {"object": {"parentFolderPath": "/Inbox", "flags": {"flag": []}, "attributes": {"attribute": []}}}
MULTIPART_LIST = {"objectList": {"object": [MULTIPART_ROOT["object"]] * 2}}


def _url(prism: str, path: str) -> str:
    values = {"storeName": STORE, "boxId": "alice%40example.org", "flagName": "%5CSeen"}
    return prism + "".join(
        values.get(seg[1:-1], "id-1") if seg.startswith("{") else seg for seg in path.replace("}", "}\0").split("\0")
    ).replace("{", "")


def _multipart(root: dict[str, Any], attachments: int) -> tuple[bytes, str]:
    b = "nmsgen-prism"
    part = f'--{b}\r\nContent-Disposition: form-data; name="attachments"\r\nContent-Type: text/plain\r\n\r\nhello\r\n'
    body = (
        f'--{b}\r\nContent-Disposition: form-data; name="root-fields"\r\nContent-Type: application/json\r\n\r\n'
        f"{json.dumps(root)}\r\n{part * attachments}--{b}--\r\n"
    )
    return body.encode(), f"multipart/form-data; boundary={b}"


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=[op["operationId"] for _, _, op in OPERATIONS])
def test_prism_takes_our_request_examples_and_answers_our_response_examples(
    prism: str, path: str, method: str, op: dict[str, Any]
) -> None:
    """Prism validates each request example of the operation against the document (no violation), and serves
    each response example, which validates against its own schema (an error example is a full requestError).

    Prism 5 reads each multipart field as one text value (it ignores the part's ``encoding`` contentType and
    does not gather repeated parts), so it reports the JSON ``root-fields`` part of the two multipart
    operations as "must be object" and BulkCreateObjects' repeated ``attachments`` as "must be array"; there
    the test accepts those two reports and no other, and checks the response examples of a multipart-only
    operation (which Prism answers with a 400 then) against their schema itself. The walks above send these
    operations to our server."""
    import httpx  # noqa: PLC0415
    from jsonschema import FormatChecker  # noqa: PLC0415
    from openapi_schema_validator import OAS30ReadValidator  # noqa: PLC0415

    doc = json.loads(DOC.read_text())
    headers = {"Authorization": "Bearer prism"}
    requests: list[tuple[bytes | None, str | None]] = [(None, None)]
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        examples = content["application/json"].get("examples", {})
        requests = [(json.dumps(e["value"]).encode(), "application/json") for e in examples.values()] or requests
    elif "multipart/form-data" in content:
        requests = [_multipart(MULTIPART_LIST, 2) if "bulk" in path.lower() else _multipart(MULTIPART_ROOT, 1)]
    query = "&".join(f"{p['name']}=%2FInbox" for p in op.get("parameters", []) if p["in"] == "query" and p["required"])
    url = _url(prism, path) + (f"?{query}" if query else "")
    for body, media in requests:
        r = httpx.request(
            method.upper(), url, content=body, headers={**headers, **({"Content-Type": media} if media else {})}
        )
        found = json.loads(r.headers.get("sl-violations", "[]"))  # about the request and Prism's own answer
        violations = [v["message"] for v in found if v["location"][0] == "request"]
        if media and media.startswith("multipart/"):
            prism_reads_text = {
                "Request body property root-fields must be object",
                "Request body property attachments must be array",
            }
            assert set(violations) <= prism_reads_text, violations
        else:
            assert not violations, (op["operationId"], violations)
    for status, response in op["responses"].items():
        for entry in response.get("content", {}).values():
            for name, example in entry.get("examples", {}).items():
                schema = OAS30ReadValidator(
                    {**entry["schema"], "components": doc["components"]}, format_checker=FormatChecker()
                )
                if (requests[0][1] or "").startswith("multipart/"):  # Prism answers its misreading with a 400
                    assert not [e.message for e in schema.iter_errors(example["value"])], name
                    continue
                r = httpx.request(
                    method.upper(),
                    url,
                    content=requests[0][0],
                    headers={
                        **headers,
                        "Prefer": f"code={status}, example={name}",
                        **({"Content-Type": requests[0][1]} if requests[0][1] else {}),
                    },
                )
                assert r.status_code == int(status), (name, r.text[:300])
                assert r.json() == example["value"], name
                errors = [e.message for e in schema.iter_errors(r.json())]
                assert not errors, (name, errors[:3])


# ------------------------------------------------------------------------------------------ Schemathesis CLI

CHECKS = [
    "unsupported_method",
    "missing_required_header",
    "positive_data_acceptance",
    "negative_data_rejection",
    "not_a_server_error",
    "status_code_conformance",
    "response_schema_conformance",
]
MAX_EXAMPLES = 20  # per operation and phase: the whole run stays within a few minutes on two cores
HOOKS = HERE / "schemathesis_hooks.py"


def _prose_rules() -> dict[str, list[tuple[str, object, str]]]:
    spec = importlib.util.spec_from_file_location("nmsgen_schemathesis_hooks", HOOKS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rules: dict[str, list[tuple[str, object, str]]] = module.PROSE_RULES
    return rules


def test_every_prose_rule_names_an_operation_of_the_document() -> None:
    """A renamed operation must not silently leave the 400s of its prose rules unchecked."""
    doc = json.loads(DOC.read_text())
    ids = {op["operationId"] for item in doc["paths"].values() for op in item.values() if isinstance(op, dict)}
    rules = _prose_rules()
    assert rules and set(rules) <= ids, set(rules) - ids
    assert all(why for entries in rules.values() for _part, _test, why in entries)


def test_schemathesis_cli_finds_no_failure(running: Running, token: str, tmp_path: Path) -> None:
    """Schemathesis CLI, every phase (examples, coverage, fuzzing, stateful through the document's links and the
    Location headers), against our server over TLS: no failure of the checks above.

    Three settings of the tool, each documented here: its coverage phase is off for the two multipart operations
    (Schemathesis 4.32 raises "Unsupported type: 'Binary'" on their binary parts, whatever the document); the
    two payload reads are left out of the stateful phase and of the response schema check (their answer is
    the stored payload, any bytes under the media type its creator gave, schema ``format: binary``;
    Schemathesis decodes a ``text/*`` answer as UTF-8 and reports other bytes as a deserialization failure); and
    for the operations of ``interop/schemathesis_hooks.py``'s PROSE_RULES positive_data_acceptance also expects
    400, and that file's own check (``refusals_follow_prose_rules``) then fails every 400 of a schema-valid
    request that does not break one of the rules it lists for the operation, rules the document states in
    words (cursors and restart tokens the server issued, preset names, names already taken, payload parts
    beyond the objects; see the list)."""
    exe = BIN / "st"
    _need(exe, "Schemathesis CLI (pyproject test extra)")
    base = running.base_url.removesuffix("/" + STORE)
    (tmp_path / "schemathesis.toml").write_text(
        f"""
base-url = {json.dumps(base)}
hooks = {json.dumps(str(HOOKS))}
tls-verify = {json.dumps(str(running.ca_file))}
workers = 1
seed = 13
[generation]
max-examples = {MAX_EXAMPLES}
[auth.openapi.mcdataAccessToken]
bearer = {json.dumps(token)}
[parameters]
"path.boxId" = {json.dumps(ALICE)}
"path.storeName" = {json.dumps(STORE)}
[[operations]]
include-operation-id = ["CreateObject", "BulkCreateObjects"]
phases.coverage.enabled = false
[[operations]]
include-operation-id = ["GetObjectPayload", "GetObjectPayloadPart"]
checks.response_schema_conformance.enabled = false
phases.stateful.enabled = false
[[operations]]
include-operation-id = {json.dumps(sorted(_prose_rules()))}
checks.positive_data_acceptance.expected-statuses = ["2XX", "400", "401", "403", "404", "409"]
"""
    )
    r = subprocess.run(
        [
            str(exe),
            "run",
            str(DOC),
            "--checks",
            ",".join([*CHECKS, "refusals_follow_prose_rules"]),
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path / "report"),
            "--no-color",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    (tmp_path / "schemathesis.out").write_text(r.stdout + r.stderr)
    summary = r.stdout[r.stdout.rfind("SUMMARY") :] if "SUMMARY" in r.stdout else r.stdout[-3000:]
    assert r.returncode == 0, f"{tmp_path / 'schemathesis.out'}\n{r.stdout[-12000:]}"
    assert "Tested: 31" in summary and "Stateful" in summary, summary
