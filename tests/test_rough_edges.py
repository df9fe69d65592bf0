"""What a new user hits first (issue 15, item 4): each edge with the behaviour it now has."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, run_nmsgen


def test_version() -> None:
    r = run_nmsgen("--version")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().startswith("nmsgen ") and r.stdout.strip().split()[1][0].isdigit()


def test_trace_of_a_section_number_suggests_the_clause_ids() -> None:
    r = run_nmsgen("trace", "21.1")
    assert r.returncode == 2
    assert "'21.1' is not a clause id of the registry; did you mean 24.282-21.1-" in r.stderr
    assert "Traceback" not in r.stderr
    r = run_nmsgen("trace", "OMA-NMS-6.l0")  # a typo: the close ids
    assert r.returncode == 2 and "did you mean OMA-NMS-6.10" in r.stderr


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
