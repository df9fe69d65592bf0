"""Change-request overlays (spec/changes/<id>.yaml): applied, reverted, previewed, and checked like the model.

Each folder under tests/cases/overlays/ holds ``cr.yaml`` (an overlay on tests/cases/minimal) and
``expected.errors``, the exact stderr of ``nmsgen validate --with cr`` (or ``--without`` for an
incorporated one); an optional ``change-id`` file names the change (the file name in changes/) when it
is not ``cr``. `pytest --regen` rewrites them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import pipeline

from ..conftest import FIXTURES, REGEN_HINT, ROOT, run_nmsgen

SEED = "ts24282_mcdata8"
BAD = sorted(p for p in (ROOT / "tests" / "cases" / "overlays").iterdir() if p.is_dir())
LINE = re.compile(r"^[^:\n]+\.yaml:\d+:\d+: error [a-z0-9-]+: .+$")


def with_change(model: Path, change: Path, name: str | None = None) -> str:
    (model / "changes").mkdir(exist_ok=True)
    cid = name or change.stem
    shutil.copy(change, model / "changes" / f"{cid}.yaml")
    return cid


@pytest.mark.parametrize("case", BAD, ids=[c.name for c in BAD])
def test_bad_overlay_golden(case: Path, minimal_model: Path, regen: bool) -> None:
    named = case / "change-id"
    cid = with_change(minimal_model, case / "cr.yaml", named.read_text().strip() if named.exists() else "cr")
    state = yaml.safe_load((case / "cr.yaml").read_text())["change"]["state"]
    flag = "--without" if state == "incorporated" else "--with"
    result = run_nmsgen("validate", "--spec", ".", flag, cid, cwd=minimal_model)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    expected = case / "expected.errors"
    if regen or not expected.exists():
        expected.write_text(result.stderr)
    assert result.stderr == expected.read_text(), f"{case.name}: error text changed; {REGEN_HINT}"
    for line in result.stderr.splitlines():
        assert LINE.match(line), f"not file:line:col: error CODE: message -> {line!r}"
    assert f"changes/{cid}.yaml:" in result.stderr  # the overlay itself is named


def test_bad_overlay_writes_nothing(minimal_model: Path, tmp_path: Path) -> None:
    with_change(minimal_model, ROOT / "tests" / "cases" / "overlays" / "remove-unknown" / "cr.yaml")
    out = tmp_path / "out"
    r = run_nmsgen("generate", "--spec", ".", "--with", "cr", "--out", str(out), cwd=minimal_model)
    assert r.returncode == 1 and "nothing written" in r.stderr
    assert not out.exists()


def test_unknown_change_is_named(minimal_model: Path) -> None:
    r = run_nmsgen("validate", "--spec", ".", "--with", "nope", cwd=minimal_model)
    assert r.returncode == 1
    assert "error overlay-unknown-change: no change 'nope'" in r.stderr


def test_a_broken_baseline_overlay_blocks_generate(minimal_model: Path, tmp_path: Path) -> None:
    """Every overlay in spec/changes/ is checked by `nmsgen generate` (its impact report is generated)."""
    with_change(minimal_model, ROOT / "tests" / "cases" / "overlays" / "add-existing" / "cr.yaml")
    r = run_nmsgen("generate", "--spec", ".", "--out", str(tmp_path / "out"), cwd=minimal_model)
    assert r.returncode == 1
    assert "changes/cr.yaml:" in r.stderr and "overlay-duplicate-element" in r.stderr


def test_a_badly_named_change_file_blocks_generate(minimal_model: Path, tmp_path: Path) -> None:
    """A change file whose name is no change id (`a b.yaml`) is reported at its position by generate too (it
    lists spec/changes/ for the impact reports), not as an unknown change."""
    cid = with_change(minimal_model, ROOT / "tests" / "cases" / "overlays" / "change-id-with-space" / "cr.yaml", "a b")
    r = run_nmsgen("generate", "--spec", ".", "--out", str(tmp_path / "out"), cwd=minimal_model)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"changes/{cid}.yaml:1:" in r.stderr and "error unsafe-name: change id 'a b'" in r.stderr
    assert "overlay-unknown-change" not in r.stderr
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- previews: generate --with


def test_generate_with_requires_an_explicit_out(minimal_model: Path) -> None:
    cid = with_change(minimal_model, FIXTURES / "changes" / "replace_thing.yaml")
    for args in (("--with", cid), ("--with", cid, "--out", "generated")):
        r = run_nmsgen("generate", "--spec", ".", *args, cwd=minimal_model)
        assert r.returncode == 2 and "give --out" in r.stderr
    assert not (minimal_model / "generated").exists()


@pytest.mark.slow
def test_generate_with_writes_the_model_as_if_approved(minimal_model: Path, tmp_path: Path) -> None:
    cid = with_change(minimal_model, FIXTURES / "changes" / "replace_thing.yaml")
    base, preview = tmp_path / "base", tmp_path / "preview"
    assert run_nmsgen("generate", "--spec", ".", "--out", str(base), cwd=minimal_model).returncode == 0
    r = run_nmsgen("generate", "--spec", ".", "--with", cid, "--out", str(preview), cwd=minimal_model)
    assert r.returncode == 0, r.stderr
    store = (preview / "mcdata_store" / "store.py").read_text()
    assert (
        "def replace_thing(" in store and "def replace_thing(" not in (base / "mcdata_store" / "store.py").read_text()
    )
    doc = json.loads((preview / "openapi" / "openapi.json").read_text())
    assert "colour" in doc["components"]["schemas"]["Thing"]["properties"]
    # the baseline's impact report of the proposed change
    report = (base / "changes" / f"{cid}.md").read_text()
    assert "| CR | 0042 |" in report and "operation ReplaceThing added" in report
    assert not (preview / "changes").exists()  # a preview holds the model's files, not reports


@pytest.mark.slow  # the full model through the CLI, mypy or a server in child processes
def test_diff_with_a_proposed_change(minimal_model: Path) -> None:
    cid = with_change(minimal_model, FIXTURES / "changes" / "replace_thing.yaml")
    a = run_nmsgen("diff", ".", f".+{cid}", "--format", "json", cwd=minimal_model)
    b = run_nmsgen("diff", ".", ".", "--with", cid, "--format", "json", cwd=minimal_model)
    assert a.returncode == b.returncode == 0, a.stderr + b.stderr
    ja, jb = json.loads(a.stdout), json.loads(b.stdout)
    assert ja["changes"] == jb["changes"]
    assert [m.split("(")[0] for m in ja["store_interface"]["add"]] == ["replace_thing"]
    assert {c["key"] for c in ja["changes"]} == {
        "resource:R2",
        "operation:ReplaceThing",
        "field:Thing.colour",
        "clause:C-9",
    }


# ---------------------------------------------------------------- the seed change request


def test_seed_overlay_reverts_to_a_valid_pre_cr_model() -> None:
    pre = pipeline.check(ROOT / "spec", without=[SEED])
    assert pre.ok and pre.model is not None, pre.diagnostics.render()
    assert [i.name for i in pre.model.auth.interfaces] == ["MCData-7"]
    assert "oAuth2ClientCredentials" not in pre.model.auth.schemes
    assert all(op.interfaces == ("MCData-7",) for op in pre.model.operations)
    assert not {"24.282-21.1-CR1", "24.282-21.1-CR2", "24.282-21.1-N2"} & set(pre.model.clauses)


# Every change of the seed CR, anchored in its text: (a fragment of the seed, the change keys that must be in the
# report, the action). CR3 and NOTE 32 are only moved by the CR ("Moved to the top"): they are on both sides.
SEED_CHANGES = [
    ("as specified in subclause 7.13.1 of 3GPP TS 23.282", ["clause:24.282-21.1-CR6"], "added"),
    ("is part of MCData access token", ["clause:24.282-21.1-N1"], "changed"),
    (
        "following the Client Credentials Grant type as specified in RFC 6749 [x]",
        ["clause:RFC6749-4.4-R1", "clause:RFC6749-4.4.2-R1", "scheme:oAuth2ClientCredentials"],
        "added",
    ),
    (
        "have access to the entire MCData message store accounts",
        ["clause:24.282-21.1-CR1", "interface:MCData-8", "setting:all_accounts_scope", "rule:interface"],
        "added",
    ),
    (
        "MCData server shall include the access token (with the \u201cBearer\u201d authentication scheme)",
        ["clause:24.282-21.1-CR5"],
        "added",
    ),
    ('the resource URL variable, "boxId"', ["clause:24.282-21.1-N2", "clause:24.282-21.1-CR2"], "added"),
    ("Network Element to Network Element authorization", ["clause:24.282-21.1-EN1"], "added"),
    ("shall validate the MCData access token as specified in 3GPP TS 24.482", ["clause:24.282-21.1-CR4"], "added"),
    ("How the user is identified in communication between the MCData Server", ["clause:24.282-21.1-EN2"], "added"),
]


@pytest.mark.slow  # the full model through the CLI, mypy or a server in child processes
def test_seed_impact_report_covers_the_whole_cr() -> None:
    """Each change of the seed CR (scope pointer, NOTE 1 moved and completed, the RFC 6749 reference, the
    MCData-8 paragraph, NOTE 2, both editor's notes) is in the report, and on the wire MCData-8 reaches every
    operation without breaking anything for MCData-7 clients. The committed report is what `diff` prints."""
    seed = " ".join((ROOT / "spec" / "changes" / f"{SEED}.txt").read_text(encoding="utf-8").split())
    r = run_nmsgen("diff", f"spec-{SEED}", "spec", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    changes = {(c["key"], c["action"]) for c in doc["changes"]}
    for fragment, keys, action in SEED_CHANGES:
        assert fragment in seed, fragment  # the CR's own words (spaces normalised)
        for key in keys:
            assert (key, action) in changes, f"{fragment!r}: {key} {action} is not in the impact report"
    got = {(c["key"], c["impact"]) for c in doc["changes"] if c["impact"] != "editorial"}
    every = pipeline.check(ROOT / "spec").model
    assert every is not None
    assert got == {(f"operation:{op.id}", "compatible") for op in every.operations} | {
        (f"operation:{cb.operations[0].id}", "compatible") for cb in every.callbacks.values()
    } | {
        ("interface:MCData-8", "compatible"),
        ("scheme:oAuth2ClientCredentials", "compatible"),
        ("setting:all_accounts_scope", "compatible"),
        ("setting:mcdata8_operations", "compatible"),
        ("rule:interface", "compatible"),
        ("challenge:wrong-interface", "compatible"),
    }
    md = run_nmsgen("diff", f"spec-{SEED}", "spec", "--format", "markdown").stdout
    committed = (ROOT / "generated" / "changes" / f"{SEED}.md").read_text()
    assert md.split("Compared:", 1)[1] == committed.split("Compared:", 1)[1]
    for words in ("7.13.1", "NOTE 1", "RFC 6749", "boxId", "NOTE 32", "moved", "entire"):
        assert words in committed, words


PRE_CR_CALLS = """
import json, sys, time
import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient
from mcdata_store.auth import AuthSettings, VerificationKey
from mcdata_store.server import create_app
from mcdata_store.store import StoreError

class Store:
    def __getattr__(self, name):
        def method(*a, **k):
            raise StoreError("SVC0004", ["Request-URI"])
        return method

key = ec.generate_private_key(ec.SECP256R1())
app = create_app(Store(), AuthSettings(keys=[VerificationKey(key.public_key(), "ES256")], algorithms=["ES256"]))
client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
now = int(time.time())
def tok(**claims):
    return jwt.encode({"exp": now + 300, **claims}, key, algorithm="ES256")
cases = {
    "user": tok(mcdata_id="alice@example.test", scope="3gpp:mc:data_service"),
    "no mcdata_id": tok(scope="3gpp:mc:data_service", sub="alice@example.test"),
    "server-like": tok(scope="all-accounts", client_id="mcdata-server"),
    "no token": None,
}
out = {}
for name, t in cases.items():
    headers = {"Authorization": f"Bearer {t}"} if t else {}
    r = client.get("/nms/v1/myStore/alice%40example.test/objects/o1", headers=headers)
    out[name] = [r.status_code, r.json()["requestError"]]
print(json.dumps(out))
"""


@pytest.mark.slow  # the full model through the CLI, mypy or a server in child processes
@pytest.mark.clause("24.282-21.1-R8", "24.282-21.1-N1")
def test_the_pre_cr_server_answers_and_never_500s(tmp_path: Path) -> None:
    """The model before the seed CR (MCData-7 only) generates a server whose auth code raises only challenges
    that model has: a token without mcdata_id is an invalid user token (401), not an unknown challenge (500)."""
    out = tmp_path / "pre-cr"
    r = run_nmsgen("generate", "--without", SEED, "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "wrong-interface" not in (out / "mcdata_store" / "auth.py").read_text()
    env = {**os.environ, "PYTHONPATH": str(out)}
    run = subprocess.run([sys.executable, "-c", PRE_CR_CALLS], env=env, capture_output=True, text=True, check=False,
                         cwd=tmp_path, timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    assert got["user"][0] == 404  # reached the store
    assert got["no mcdata_id"][0] == 401 and got["no token"][0] == 401
    # without MCData-8 a token without mcdata_id is a user token: here one without the user scope
    assert got["server-like"] == [403, {"policyException": got["server-like"][1]["policyException"]}]
    assert got["server-like"][1]["policyException"]["messageId"] == "POL0001"
    assert all(status != 500 for status, _ in got.values())


def test_incorporated_overlay_refuses_a_model_that_moved_on(tmp_path: Path) -> None:
    """If spec/ is edited so that a recorded value no longer holds, reverting names both places."""
    spec = tmp_path / "spec"
    shutil.copytree(ROOT / "spec", spec)
    objects = spec / "resources" / "objects.yaml"
    objects.write_text(
        objects.read_text().replace("interfaces: [MCData-7, MCData-8]", "interfaces: [MCData-8, MCData-7]", 1)
    )
    r = run_nmsgen("validate", "--spec", str(spec), "--without", SEED, cwd=tmp_path)
    assert r.returncode == 1
    line = next(ln for ln in r.stderr.splitlines() if "overlay-mismatch" in ln)
    assert re.match(
        r"^spec/resources/objects\.yaml:\d+:\d+: error overlay-mismatch: operation:CreateObject\.interfaces", line
    )
    assert f"spec/changes/{SEED}.yaml:" in line


# ---------------------------------------------------------------- implementers: the type checker names the method


@pytest.mark.slow  # the full model through the CLI, mypy or a server in child processes
def test_mypy_flags_the_method_the_reference_store_lacks(tmp_path: Path) -> None:
    """A CR that adds an operation: the diff names the store method, and mypy on refstore/ against the
    preview's MessageStore Protocol reports it missing (and passes against the baseline's)."""
    spec = tmp_path / "spec"
    shutil.copytree(ROOT / "spec", spec)
    cid = with_change(spec, FIXTURES / "changes" / "touch_object.yaml")
    preview = tmp_path / "preview"
    r = run_nmsgen("generate", "--spec", str(spec), "--with", cid, "--out", str(preview), "--tests", str(tmp_path))
    assert r.returncode == 0, r.stderr
    d = run_nmsgen("diff", str(spec), f"{spec}+{cid}", "--format", "json")
    assert d.returncode == 0, d.stderr
    assert [m.split("(")[0] for m in json.loads(d.stdout)["store_interface"]["add"]] == ["touch_object"]

    def mypy(package_root: Path) -> subprocess.CompletedProcess[str]:
        """mypy --strict on refstore/ (its _conforms() returns a SqliteStore as a MessageStore)."""
        env = {**os.environ, "MYPYPATH": str(package_root)}
        cache = str(tmp_path / f"cache-{package_root.name}")
        return subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--cache-dir", cache, "refstore"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    after = mypy(preview)
    assert after.returncode == 1, after.stdout
    assert re.search(
        r"refstore/sqlite\.py:\d+: error: Incompatible return value type \(got \"SqliteStore\", "
        r"expected \"MessageStore\"\)",
        after.stdout,
    ), after.stdout
    assert re.search(r"note:\s+touch_object$", after.stdout, re.M), after.stdout
    before = mypy(ROOT / "generated")
    assert before.returncode == 0, before.stdout
