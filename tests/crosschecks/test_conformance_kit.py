"""The generated conformance kit (generated/conformance) run the way a user runs it: pytest in a separate
process against a store over TLS. It passes against the reference store with every test run (the kit
mints its tokens from the IdMS key), its JUnit report feeds ``nmsgen trace``, and it fails — naming the
violated clause — against deliberately broken variants of the server.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from mcdata_store import auth

from ..conftest import FIXTURES, ROOT, StartServer, run_nmsgen
from ..https_server import Running, ServerOptions
from ..support import ALL_ACCOUNTS, AUDIENCE, ISSUER, Keys

pytestmark = pytest.mark.slow  # runs the generated kit in pytest processes

KIT = ROOT / "generated" / "conformance"
KEYS = Keys()


def run_kit(running: Running, tmp: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    key = tmp / "idms-key.pem"
    key.write_bytes(
        KEYS.ec.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    report = tmp / "kit.xml"
    args = [
        sys.executable, "-m", "pytest", str(KIT), "-p", "no:cacheprovider", "-q",
        "--base-url", running.base_url, "--ca-bundle", str(running.ca_file), "--signing-key", str(key),
        "--key-id", "k1", "--issuer", ISSUER, "--audience", AUDIENCE, "--scope", ALL_ACCOUNTS,
        "--junitxml", str(report), *extra,
    ]  # fmt: skip
    proc = subprocess.run(args, cwd=tmp, capture_output=True, text=True, timeout=600, check=False)
    outcomes: dict[str, Any] = {"passed": [], "failed": [], "skipped": []}
    if report.exists():
        for case in ET.parse(report).getroot().iter("testcase"):
            kinds = {child.tag for child in case}
            key_ = "failed" if kinds & {"failure", "error"} else "skipped" if "skipped" in kinds else "passed"
            outcomes[key_].append(case.get("name", ""))
    outcomes["report"] = report
    return proc, outcomes


@pytest.fixture(scope="module")
def server_options() -> ServerOptions:
    return ServerOptions(KEYS)


def test_kit_passes_against_the_reference_store(
    running: Running, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, start_server: StartServer
) -> None:
    """Run against both deployments of MCData-8 (every operation, the default; the deposit set, with
    --mcdata8-operations deposit): every kit test passes on at least one, and skips only what the other
    deployment's setting rules out."""
    proc, out = run_kit(running, tmp_path)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert out["failed"] == [], out["failed"]
    assert {n.split("[")[0] for n in out["skipped"]} <= {"test_rfc8725_3_12__server_token_on_operation_it_may_not_call"}
    assert len(out["passed"]) > 300
    with start_server(KEYS, mcdata8_operations="deposit") as deposit:
        proc2, out2 = run_kit(deposit, tmp_path_factory.mktemp("kit2"), "--mcdata8-operations", "deposit")
    assert proc2.returncode == 0, proc2.stdout[-4000:] + proc2.stderr[-2000:]
    assert out2["failed"] == [], out2["failed"]
    assert all(n.endswith("__mcdata_8") or "server_token" in n for n in out2["skipped"]), out2["skipped"]
    assert set(out["skipped"]) <= set(out2["passed"]) and set(out2["skipped"]) <= set(out["passed"])
    # its results feed the matrix: every kit test's clause gets a passed count
    r = run_nmsgen("trace", "23.282-7.13.1-R2", "--junit", str(out["report"]))
    assert "last run:" in r.stdout and " 0 failed" in r.stdout, r.stdout


def test_kit_refuses_plain_http_base_url(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", str(KIT), "-q", "--base-url", "http://localhost:1/nms/v1/s",
         "--user-token", "x.y.z"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 4
    assert "--base-url must be https://" in proc.stdout + proc.stderr


def _created_as_ok(app: Any) -> Any:
    """A broken variant: folder creation answers 200 instead of 201 (wrong status)."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def patched(message: dict[str, Any]) -> None:
            if (
                message["type"] == "http.response.start"
                and message["status"] == 201
                and scope["method"] == "POST"
                and scope["path"].endswith("/folders")
            ):
                message = {**message, "status": 200}
            await send(message)

        await app(scope, receive, patched)

    return wrapped


def test_kit_catches_a_store_that_ignores_the_box(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_server: StartServer
) -> None:
    """A broken variant: the store serves a user whatever box the URL names (the box check is skipped)."""

    original = auth.TokenValidator.authorize

    def no_box_check(self: Any, token: str, op_id: str, interfaces: Any, box_id: str) -> Any:
        owner = self.claims(token).get(auth.USER_TOKEN_CLAIM)
        return original(self, token, op_id, interfaces, owner if isinstance(owner, str) and owner else box_id)

    monkeypatch.setattr(auth.TokenValidator, "authorize", no_box_check)
    with start_server(KEYS) as broken:
        proc, out = run_kit(broken, tmp_path, "-k", "box or all_accounts or create_folder")
    assert proc.returncode == 1
    assert out["failed"], "the kit passed a store that ignores the box"
    assert {name.split("[")[0] for name in out["failed"]} == {
        "test_23_282_7_13_1_r2__other_users_box",
        "test_rfc8725_3_12__user_token_with_all_accounts_scope",
    }, out["failed"]
    assert "this test realises: 23.282-7.13.1-R2" in proc.stdout


def test_kit_catches_a_wrong_status(tmp_path: Path, start_server: StartServer) -> None:
    with start_server(KEYS, wrap=_created_as_ok) as broken:
        proc, out = run_kit(broken, tmp_path, "-k", "create_folder or get_folder_name")
    assert proc.returncode == 1
    assert "test_oma_nms_6_10__create_folder" in out["failed"]
    assert "test_oma_nms_6_10__create_folder__mcdata_8" in out["failed"]
    assert "CreateFolder answered 200, expected 201" in proc.stdout
    assert "this test realises: OMA-NMS-6.10" in proc.stdout


def test_a_model_without_a_box_bound_interface_gets_no_kit_and_no_traceback(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(FIXTURES / "minimal", model)
    auth = (model / "auth.yaml").read_text()
    (model / "auth.yaml").write_text(
        auth.replace("box_binding: claim-equals-box, box_claim: mcdata_id,", "box_binding: any-box,")
    )
    r = run_nmsgen("generate", "--spec", str(model), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert sorted(p.name for p in (tmp_path / "out" / "conformance").iterdir()) == ["README.md"]
    assert "Not generated" in (tmp_path / "out" / "conformance" / "README.md").read_text()
