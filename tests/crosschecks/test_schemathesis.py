"""Schemathesis against the generated server on the reference store (ASGI, real tokens).

Checks: not_a_server_error, status_code_conformance, response_schema_conformance,
allow_header_conformance, ignored_auth, and object_level_authorization with two peers (alice, bob):
every successful read alice makes is replayed as bob. The box is pinned to alice (the token owner).
Schemathesis' coverage phase is off for the two multipart operations only: it crashes on their
binary parts (schemathesis 4.32 "Unsupported type: 'Binary'"), a tool limitation, not a document error.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.responses import JSONResponse
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    ignored_auth,
    object_level_authorization,
    response_schema_conformance,
    status_code_conformance,
)

from mcdata_store.server import create_app
from refstore import SqliteStore

from ..conftest import ROOT
from ..support import ALICE, BOB, Keys, user_token

DOC = json.loads((ROOT / "generated" / "openapi" / "openapi.json").read_text())
KEYS = Keys()
WORK = Path(tempfile.mkdtemp(prefix="nmsgen-st-"))
atexit.register(shutil.rmtree, WORK, ignore_errors=True)
STORE = SqliteStore(WORK / "store.sqlite")
APP = create_app(STORE, KEYS.settings())
APP.add_api_route("/openapi.json", lambda: JSONResponse(DOC), include_in_schema=False)
EXP = int(time.time()) + 6 * 3600
(WORK / "auth.json").write_text(
    json.dumps(
        {
            "auth": [
                {
                    "name": "alice",
                    "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {user_token(KEYS, ALICE, exp=EXP)}"}],
                },
                {
                    "name": "bob",
                    "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {user_token(KEYS, BOB, exp=EXP)}"}],
                },
            ]
        }
    )
)
CONFIG = SchemathesisConfig.from_str(f"""
[auth.wfc]
path = {json.dumps(str(WORK / "auth.json"))}
peers = ["alice", "bob"]

[[operations]]
include-operation-id = ["CreateObject", "BulkCreateObjects"]
phases.coverage.enabled = false

[parameters]
"path.boxId" = {json.dumps(ALICE)}
"path.storeName" = "myStore"
""")
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    allow_header_conformance,
    ignored_auth,
    object_level_authorization,
]
OUTCOMES: list[tuple[str, str | None, int]] = []


@pytest.mark.slow
@pytest.mark.clause("23.282-7.13.1-R3", "23.282-7.13-R4", "OMA-COMMON-HTTP-405")
@SCHEMA.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api(case: Any) -> None:
    response = case.call_and_validate(checks=CHECKS)
    OUTCOMES.append((case.operation.label, case.auth_identity, response.status_code))


@pytest.mark.slow  # reads what test_api recorded
def test_the_run_reached_the_store_and_the_auth_check() -> None:
    """The fuzzing is not vacuous: as alice it got successes, and unauthenticated calls were refused."""
    if not OUTCOMES:
        pytest.skip("run together with test_api")
    assert any(who == "alice" and 200 <= status < 300 for _, who, status in OUTCOMES)
    assert any(who is None and status == 401 for _, who, status in OUTCOMES)
    assert not any(status >= 500 for _, _, status in OUTCOMES)
