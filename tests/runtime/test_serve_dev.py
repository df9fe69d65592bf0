"""`nmsgen serve --dev`: the development token service and certificate — the README's two-minute walk-through,
run as written: start the server, read what it prints, use the generated client on both interfaces.
"""

from __future__ import annotations

import re
import ssl
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from mcdata_store import models
from mcdata_store.client import BearerTokenAuth, ClientCredentialsAuth, Forbidden, MessageStoreClient

from ..conftest import ROOT, StartServer, child_env, nmsgen_serve
from ..support import free_port

pytestmark = pytest.mark.slow  # starts `nmsgen serve` processes


@contextmanager
def dev_serve(tmp: Path, *options: str) -> Iterator[dict[str, str]]:
    """`nmsgen serve --dev` as a user starts it, with `options` added; yields what its banner says. A process, not
    the in-process server of the other tests: what is tested is the command and what it prints."""
    port = free_port()
    with nmsgen_serve(["--dev", "--port", str(port), "--db", str(tmp / "store.sqlite"), *options], tmp) as (_, banner):
        info = dict(re.findall(r"^  ([^:]+): (\S+)", banner, re.MULTILINE))
        info["banner"] = banner
        info["root"] = f"https://localhost:{port}"
        info["cwd"] = str(tmp)
        yield info


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with dev_serve(tmp_path_factory.mktemp("dev")) as info:
        yield info


def test_dev_mode_is_loud(dev_server: dict[str, str]) -> None:
    assert "WARNING: DEVELOPMENT token service enabled" in dev_server["banner"]
    assert Path(dev_server["CA to trust"]).is_file()


@pytest.mark.clause("24.282-21.1-CR1")
def test_walkthrough_both_interfaces(dev_server: dict[str, str]) -> None:
    root, ca = dev_server["root"], dev_server["CA to trust"]
    server_auth = ClientCredentialsAuth(
        dev_server["token URL (MCData-8, client credentials)"],
        dev_server["client id"],
        dev_server["client secret"],
        dev_server["all-accounts scope"],
        ca_bundle=ca,
    )
    with MessageStoreClient(root, "myStore", "alice@example.org", auth=server_auth, ca_bundle=ca) as mcdata_server:
        folder = mcdata_server.create_folder(
            models.Folder(parentFolderPath="/", name="Inbox", attributes=models.AttributeList())
        )
        mcdata_server.create_object(
            models.Object(parentFolder=folder.resourceURL, flags=models.FlagList(), attributes=models.AttributeList())
        )
    server_auth.close()
    token = httpx.post(
        f"{root}/dev/user-token",
        data={"mcdata_id": "alice@example.org"},
        verify=ssl.create_default_context(cafile=ca),
        auth=(dev_server["client id"], dev_server["client secret"]),
    ).json()["access_token"]
    with MessageStoreClient(root, "myStore", "alice@example.org", auth=BearerTokenAuth(token), ca_bundle=ca) as alice:
        found = alice.search_objects(models.SelectionCriteria(maxEntries=10))
        assert isinstance(found, models.ObjectList) and len(found.object or []) == 1
    with MessageStoreClient(root, "myStore", "bob@example.org", auth=BearerTokenAuth(token), ca_bundle=ca) as mallory:
        with pytest.raises(Forbidden):
            mallory.search_objects(models.SelectionCriteria(maxEntries=10))


def test_dev_token_service_needs_the_client_secret(dev_server: dict[str, str]) -> None:
    ca = dev_server["CA to trust"]
    r = httpx.post(
        f"{dev_server['root']}/dev/user-token",
        data={"mcdata_id": "x@example.org"},
        verify=ssl.create_default_context(cafile=ca),
        auth=(dev_server["client id"], "guess"),
    )
    assert r.status_code == 401 and r.json() == {"error": "invalid_client"}


def test_no_token_service_without_dev(start_server: StartServer) -> None:
    from ..support import Keys  # noqa: PLC0415

    with start_server(Keys()) as store:
        root = store.base_url.removesuffix("/nms/v1/myStore")
        r = httpx.post(f"{root}/dev/token", verify=store.client_context())
        assert r.status_code == 404


def test_serve_options_set_the_deployment_settings(tmp_path: Path) -> None:
    """The deployment settings reach the server from the command line, as a user types them:
    `--mcdata8-operations deposit` keeps MCData-8 to the deposit operations (403 POL0001 on a search),
    `--missing-token-status 401` answers a request without a token with 401, `--min-tls-version 1.3` refuses
    a TLS 1.2 client, and `--user-scope` names the scope a user token must carry (403 insufficient_scope
    for a token with the default scope only)."""
    with dev_serve(
        tmp_path,
        "--mcdata8-operations",
        "deposit",
        "--missing-token-status",
        "401",
        "--min-tls-version",
        "1.3",
        "--user-scope",
        "example:other-scope",
    ) as dev:
        root, ca = dev["root"], dev["CA to trust"]
        assert "Uvicorn running" in dev["banner"], dev["banner"]
        tls = ssl.create_default_context(cafile=ca)
        box = f"{root}/nms/v1/myStore/alice@example.org"
        token = httpx.post(
            dev["token URL (MCData-8, client credentials)"],
            data={"grant_type": "client_credentials", "scope": dev["all-accounts scope"]},
            auth=(dev["client id"], dev["client secret"]),
            verify=tls,
        ).json()["access_token"]
        server = {"Authorization": f"Bearer {token}"}
        made = httpx.post(
            f"{box}/folders",
            json={"folder": {"parentFolderPath": "/", "name": "In", "attributes": {}}},
            headers=server,
            verify=tls,
        )
        assert made.status_code == 201, made.text
        search = httpx.post(f"{box}/objects/operations/search", json={}, headers=server, verify=tls)
        assert search.status_code == 403, search.text
        assert search.json()["requestError"]["policyException"]["messageId"] == "POL0001"
        bare = httpx.get(f"{box}/folders/operations/pathToId", params={"path": "/In"}, verify=tls)
        assert bare.status_code == 401 and bare.headers["www-authenticate"].startswith("Bearer")
        user = httpx.post(
            f"{root}/dev/user-token",
            data={"mcdata_id": "alice@example.org"},
            auth=(dev["client id"], dev["client secret"]),
            verify=tls,
        ).json()["access_token"]
        mine = httpx.post(
            f"{box}/objects/operations/search", json={}, headers={"Authorization": f"Bearer {user}"}, verify=tls
        )
        assert mine.status_code == 403 and 'error="insufficient_scope"' in mine.headers["www-authenticate"]
        old = ssl.create_default_context(cafile=ca)
        old.maximum_version = ssl.TLSVersion.TLSv1_2
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{box}/folders/operations/pathToId", params={"path": "/In"}, verify=old)


def readme_walkthrough() -> str:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Try it in two minutes", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


@pytest.mark.clause("24.282-21.1-CR1")
def test_the_readme_walkthrough_runs_twice_in_a_row(dev_server: dict[str, str]) -> None:
    """The README's code as written (only its server address is this test's port), run from the folder the dev
    server was started in (it reads the secret and CA from .nmsgen-dev/ there): twice, the second time on the
    Inbox the first one made, without error."""
    code = readme_walkthrough()
    assert 'ROOT, CA = "https://127.0.0.1:8443", ".nmsgen-dev/dev-ca.pem"' in code
    code = code.replace("https://127.0.0.1:8443", dev_server["root"])
    printed = []
    for _ in range(2):
        r = subprocess.run(
            [sys.executable, "-c", code], cwd=dev_server["cwd"], env=child_env(),
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert r.returncode == 0, r.stderr[-3000:]
        assert "Traceback" not in r.stderr
        printed.append(r.stdout.splitlines())
    assert len(printed[1]) == len(printed[0]) + 1  # one more object, in the same Inbox
    assert len({line.split()[1] for line in printed[1]}) == 1
