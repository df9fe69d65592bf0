"""The document is enough: an independent generator (openapi-python-client) builds a client from
generated/openapi/openapi.json alone, inside this test, and that client creates, reads and deletes
against our server over TLS with a real token.
"""

from __future__ import annotations

import importlib
import shutil
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import ROOT
from ..https_server import Running, ServerOptions
from ..support import ALICE, Keys, user_token

pytestmark = pytest.mark.external  # openapi-python-client generates a client

KEYS = Keys()


@pytest.fixture(scope="module")
def independent_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    out = tmp_path_factory.mktemp("held-apart")
    exe = Path(sys.executable).with_name("openapi-python-client")
    r = subprocess.run(
        [
            str(exe),
            "generate",
            "--path",
            str(ROOT / "generated" / "openapi" / "openapi.json"),
            "--meta",
            "none",
            "--output-path",
            str(out / "heldapart"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert (out / "heldapart" / "client.py").is_file(), r.stdout + r.stderr
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("heldapart")
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == "heldapart" or m.startswith("heldapart.")]:
            del sys.modules[name]
        shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="module")
def server_options() -> ServerOptions:
    return ServerOptions(KEYS)


@pytest.mark.clause("OMA-NMS-6.10", "OMA-NMS-6.11")
def test_independent_client_creates_reads_and_deletes(independent_client: Any, running: Running) -> None:
    """A folder is created, read back as sent, deleted, and then not found.

    (openapi-python-client 0.29.1 emits a module that does not import for operations with two request media
    types, such as CreateObject: a NameError on ``Unset`` inside that tool's output. The folder operations
    have one media type each.)
    """
    pkg = independent_client
    create_folder = importlib.import_module("heldapart.api.resource_containing_all_folders_r10.create_folder")
    get_folder = importlib.import_module("heldapart.api.a_folder_r11.get_folder")
    delete_folder = importlib.import_module("heldapart.api.a_folder_r11.delete_folder")
    m = importlib.import_module("heldapart.models")
    client = pkg.AuthenticatedClient(
        base_url=running.base_url.removesuffix("/myStore"),
        token=user_token(KEYS, ALICE),
        verify_ssl=ssl.create_default_context(cafile=str(running.ca_file)),
    )
    attributes = {"attribute": [{"name": "Conversation-ID", "value": ["c-42"]}]}
    sent = {"folder": {"parentFolderPath": "/", "name": "Held apart", "attributes": attributes}}
    created = create_folder.sync_detailed("myStore", ALICE, client=client, body=m.FolderBody.from_dict(sent))
    assert created.status_code == 201, created.content
    folder_id = created.headers["location"].rsplit("/", 1)[1]
    got = get_folder.sync_detailed("myStore", ALICE, folder_id, client=client)
    assert got.status_code == 200, got.content
    back = got.parsed.to_dict()["folder"]
    assert back["name"] == "Held apart"
    assert {"name": "Conversation-ID", "value": ["c-42"]} in back["attributes"]["attribute"]
    assert delete_folder.sync_detailed("myStore", ALICE, folder_id, client=client).status_code == 204
    gone = get_folder.sync_detailed("myStore", ALICE, folder_id, client=client)
    assert gone.status_code == 404
    assert gone.parsed.to_dict()["requestError"]["serviceException"]["messageId"] == "SVC0004"
