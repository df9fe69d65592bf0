"""What a new user hits first (issue 15, item 4): each edge with the behaviour it now has."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mcdata_store import models
from mcdata_store.client import BearerTokenAuth, MessageStoreClient
from mcdata_store.store import Payload

from ..conftest import ROOT, run_nmsgen
from ..https_server import Running, ServerOptions
from ..support import ALICE, Keys, user_token


def test_version() -> None:
    r = run_nmsgen("--version")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().startswith("nmsgen ") and r.stdout.strip().split()[1][0].isdigit()


@pytest.mark.slow
def test_trace_of_a_section_number_suggests_the_clause_ids() -> None:
    r = run_nmsgen("trace", "21.1")
    assert r.returncode == 2
    assert "'21.1' is not a clause id of the registry; did you mean 24.282-21.1-" in r.stderr
    assert "Traceback" not in r.stderr
    r = run_nmsgen("trace", "OMA-NMS-6.l0")  # a typo: the close ids
    assert r.returncode == 2 and "did you mean OMA-NMS-6.10" in r.stderr


@pytest.mark.slow
def test_docs_refuses_to_overwrite_a_page_it_did_not_write(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html>the team's landing page</html>")
    r = run_nmsgen("docs", "-o", str(site))
    assert r.returncode == 1
    assert "index.html: error write: the file exists and nmsgen did not write it" in r.stderr
    assert (site / "index.html").read_text() == "<html>the team's landing page</html>"
    (site / "index.html").unlink()
    assert run_nmsgen("docs", "-o", str(site)).returncode == 0
    assert run_nmsgen("docs", "-o", str(site)).returncode == 0  # its own page: rewritten


def _serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "serve", *args], cwd=ROOT, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip


def test_serve_without_keys_names_dev() -> None:
    r = _serve()
    assert r.returncode == 2
    assert "no token keys" in r.stderr and "--dev" in r.stderr and "Traceback" not in r.stderr


def test_serve_without_certificate_names_dev(tmp_path: Path) -> None:
    jwks = tmp_path / "jwks.json"
    jwks.write_text('{"keys": []}')
    r = _serve("--jwks", str(jwks), "--db", str(tmp_path / "s.sqlite"), "--all-accounts-scope", "x")
    assert r.returncode != 0
    assert "--cert and --key are required" in r.stderr and "--dev" in r.stderr, r.stderr


def test_the_default_store_file_is_ignored_by_git() -> None:
    r = run_nmsgen("serve", "--help")
    assert "store.sqlite" in r.stdout
    for name in ("store.sqlite", "store.sqlite-wal", "store.sqlite-shm", ".nmsgen-dev/dev-ca.pem"):
        ignored = subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT, check=False)
        assert ignored.returncode == 0, f"{name} is not ignored by git"


def _readme_block(marker: str) -> str:
    text = (ROOT / "README.md").read_text()
    after = text.split(f"<!-- {marker} -->\n```bash\n", 1)[1]
    return after.split("```", 1)[0]


@pytest.mark.slow
def test_the_readme_change_request_walkthrough_runs_twice() -> None:
    """The README's change-request example is runnable (it used to name a CR0042 that does not exist), and
    running it again works as well (it leaves nothing behind)."""
    script = _readme_block("cr-walkthrough")
    assert "CR0042" not in (ROOT / "README.md").read_text()
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", "/"),
    }
    for _ in range(2):
        r = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=300, check=False)  # fmt: skip
        assert r.returncode == 0, r.stderr[-3000:]
        assert "0 breaking, 1 compatible" in r.stdout
        assert "optional field Folder.colour added" in r.stdout
        assert "colour" in r.stdout.split("written")[-1]


def test_the_readme_says_how_to_run_nmsgen_and_where_dev_secrets_are() -> None:
    text = (ROOT / "README.md").read_text()
    assert ". .venv/bin/activate" in text and ".venv/bin/nmsgen" in text
    for name in ("dev-signing-key.pem", "dev-client-secret.txt", "dev-ca.pem", "--notify-ca"):
        assert name in text


# ------------------------------------------------------------------ several attachments, exact Content-Type

KEYS = Keys()


@pytest.fixture(scope="module")
def server_options() -> ServerOptions:
    return ServerOptions(KEYS)


@pytest.fixture(scope="module")
def store(running: Running) -> Running:
    return running


def _client(r: Running) -> MessageStoreClient:
    token = user_token(KEYS, ALICE, exp=int(time.time()) + 3600)
    root = r.base_url.removesuffix("/nms/v1/myStore")
    return MessageStoreClient(root, "myStore", ALICE, auth=BearerTokenAuth(token), ca_bundle=r.ca_file)


def _object(c: MessageStoreClient) -> models.Object:
    return models.Object(parentFolderPath="/Inbox", flags=models.FlagList(), attributes=models.AttributeList())


@pytest.mark.clause("OMA-NMS-6.1", "OMA-NMS-6.6")
def test_create_object_with_several_attachments(store: Running) -> None:
    parts = [
        Payload(b"Hello", "text/plain"),
        Payload(b"\x89PNG\r\n\x1a\n--not-a-boundary", "image/png"),
        Payload(b'{"a": 1}', "application/json"),
    ]
    with _client(store) as c:
        made = c.create_object(_object(c), attachments=parts)
        object_id = made.resourceURL.rsplit("/", 1)[1]
        got = c.get_object(object_id)
        infos = got.payloadPart or []
        assert [i.contentType for i in infos] == ["text/plain", "image/png", "application/json"]
        for info, sent in zip(infos, parts, strict=True):
            part = c.get_object_payload_part(object_id, info.href.rsplit("/", 1)[1])
            assert (part.content, part.media_type) == (sent.content, sent.media_type)


@pytest.mark.clause("OMA-NMS-6.5")
@pytest.mark.parametrize("media_type", ["text/plain", "text/plain; charset=iso-8859-1", "application/octet-stream"])
def test_a_stored_payload_comes_back_with_the_content_type_sent(store: Running, media_type: str) -> None:
    with _client(store) as c:
        made = c.create_object(_object(c), attachments=Payload(b"caf\xe9", media_type))
        payload = c.get_object_payload(made.resourceURL.rsplit("/", 1)[1])
    assert payload.media_type == media_type and payload.content == b"caf\xe9"


def test_a_media_type_with_a_line_break_is_refused_by_the_client(store: Running) -> None:
    with _client(store) as c, pytest.raises(ValueError, match="one line"):
        c.create_object(_object(c), attachments=[Payload(b"x", "text/plain\r\nX-Evil: 1")])
