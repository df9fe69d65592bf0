"""Two distributions that install as users install them.

nmsgen's own ships its templates and the bundled model as package data and depends only on what generation
needs; ``nmsgen serve`` needs the ``serve`` extra and the generated package, and says so in one line. The
generated package (``generated/pyproject.toml``, generated) installs without nmsgen. The ``slow`` tests do it
for real, in fresh virtual environments with non-editable installs (the package index must be reachable).
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions, requires
from pathlib import Path

import pytest
from click.testing import CliRunner
from packaging.requirements import Requirement

from generator import bundled
from generator.cli import main
from nmsrun import cli as runtime

from ..conftest import FIXTURES, ROOT, run_nmsgen

GENERATED = ROOT / "generated"
POSITIONED = re.compile(r"^\S+\.yaml:\d+:\d+: error [a-z0-9-]+: .+$")


def packages_under(root: Path) -> set[str]:
    return {
        ".".join(p.parent.relative_to(ROOT).parts) for p in root.rglob("__init__.py") if "__pycache__" not in p.parts
    }


def test_the_distribution_ships_every_package_and_its_data() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    code = packages_under(ROOT / "generator") | packages_under(ROOT / "nmsrun") | packages_under(ROOT / "refstore")
    assert sorted(code - listed) == [], "packages missing from pyproject.toml [tool.setuptools] packages"
    assert setuptools["package-dir"] == {"generator.templates": "templates", "generator.spec": "spec"}
    assert "mcdata_store" not in listed  # the generated package is a distribution of its own
    assert bundled("templates") == ROOT / "templates" and bundled("spec") == ROOT / "spec"  # a source checkout


def test_the_static_runtime_is_copied_verbatim_and_packaged() -> None:
    """templates/runtime/ lands in the generated package byte for byte (copied, never rendered), and the generated
    package's pyproject.toml ships it."""
    source = {p.name: p.read_bytes() for p in (ROOT / "templates" / "runtime").glob("*.py")}
    copied = {p.name: p.read_bytes() for p in (GENERATED / "mcdata_store" / "_runtime").glob("*.py")}
    assert source and copied == source
    packages = tomllib.loads((GENERATED / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    assert "mcdata_store._runtime" in packages


def test_nmsgen_depends_only_on_what_generation_needs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    needs = {Requirement(r).name for r in project["dependencies"]}
    assert not needs & {"fastapi", "uvicorn", "httpx", "pyjwt", "cryptography", "python-multipart", "httpx-auth"}
    serve = {Requirement(r).name for r in project["optional-dependencies"]["serve"]}
    assert {runtime.SERVE_EXTRA[name] for name in runtime.SERVE_EXTRA} <= serve


def _generated_imports(package: Path) -> set[str]:
    found: set[str] = set()
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {package.name}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503


def test_the_generated_package_requires_what_its_code_imports() -> None:
    project = tomllib.loads((GENERATED / "pyproject.toml").read_text())["project"]
    assert project["name"] == "mcdata-store" and project["version"] == "1.0.0-alpha.1"
    declared = [Requirement(r) for r in project["dependencies"]]
    provided = {_norm(r.name) for r in declared} | {"starlette"}  # fastapi is built on starlette and pins it
    for r in declared:  # and what their extras bring (pyjwt[crypto]: cryptography)
        for dep in map(Requirement, requires(r.name) or []):
            if dep.marker is not None and any(dep.marker.evaluate({"extra": e}) for e in r.extras):
                provided.add(_norm(dep.name))
    owners = packages_distributions()
    imported = _generated_imports(GENERATED / "mcdata_store")
    needed = {name: {_norm(d) for d in owners.get(name, [name])} for name in imported}
    assert {"fastapi", "pydantic", "httpx", "jwt"} <= set(needed)
    assert {name: dists for name, dists in needed.items() if not dists & provided} == {}


@pytest.mark.parametrize(
    ("gone", "says"),
    [
        ("uvicorn", "nmsgen serve needs the serve extra (uvicorn not installed): pip install 'nmsgen[serve]'"),
        ("jwt", "nmsgen serve needs the serve extra (pyjwt not installed): pip install 'nmsgen[serve]'"),
        (
            "mcdata_store",
            "nmsgen serve runs the generated package mcdata_store, which is not installed: pip install ./generated "
            "(the output folder of nmsgen generate)",
        ),
    ],
)
def test_serve_says_in_one_line_what_to_install(gone: str, says: str, monkeypatch: pytest.MonkeyPatch) -> None:
    real = runtime.find_spec
    monkeypatch.setattr(runtime, "find_spec", lambda name: None if name == gone else real(name))
    result = CliRunner().invoke(main, ["serve", "--dev"])
    assert result.exit_code == 2
    assert result.stderr == f"serve: error: {says}\n"
    assert isinstance(result.exception, SystemExit)  # an exit with the message, no traceback


def test_without_a_spec_folder_the_bundled_model_is_used(tmp_path: Path) -> None:
    r = run_nmsgen("openapi", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == (GENERATED / "openapi" / "openapi.yaml").read_text()


# ---------------------------------------------------------------- for real: fresh environments, non-editable installs


def _venv(where: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True, timeout=300)
    return where / "bin"


def _run(*cmd: str | Path, cwd: Path = ROOT, timeout: int = 1200) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _tree(root: Path) -> dict[str, bytes]:
    byproducts = ("build", "mcdata_store.egg-info")  # of an install of the output folder (pip builds in place)
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] not in byproducts and "__pycache__" not in p.parts
    }


@pytest.mark.slow
def test_a_wheel_install_generates_the_committed_output(tmp_path: Path) -> None:
    """pip install . (not editable) in a fresh venv; then nmsgen generate --out DIR reproduces generated/ byte for
    byte, a bad model gets file:line:col and no traceback, and serve names its extra."""
    source = tmp_path / "src"  # what an sdist holds: no build/ leftovers of earlier builds can reach the wheel
    source.mkdir()
    for part in ("generator", "nmsrun", "refstore", "templates", "spec", "pyproject.toml", "README.md"):
        if (ROOT / part).is_dir():
            shutil.copytree(ROOT / part, source / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / part, source / part)
    bin_ = _venv(tmp_path / "venv")
    r = _run(bin_ / "pip", "install", "-q", source)
    assert r.returncode == 0, r.stderr[-3000:]
    r = _run(bin_ / "python", "-c", "import generator; print(generator.bundled('templates'))", cwd=tmp_path)
    templates = Path(r.stdout.strip())  # package data of the installed package, not the checkout's templates/
    assert templates.parts[-3:] == ("site-packages", "generator", "templates") and templates.is_relative_to(tmp_path)

    out = tmp_path / "out"
    r = _run(bin_ / "nmsgen", "generate", "--out", out)  # in the project: its spec/ and tests/, as generated/ was
    assert r.returncode == 0, r.stderr[-3000:]
    assert _tree(out) == _tree(GENERATED)

    bad = tmp_path / "bad"
    shutil.copytree(FIXTURES / "minimal", bad)
    shutil.copy(ROOT / "tests" / "cases" / "invalid" / "unknown-type" / "types.yaml", bad / "types.yaml")
    r = _run(bin_ / "nmsgen", "generate", "--spec", bad, "--out", tmp_path / "bad-out", cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    errors = [line for line in r.stderr.splitlines() if " error " in line]
    assert errors and all(POSITIONED.match(line) for line in errors), r.stderr
    assert not (tmp_path / "bad-out").exists()

    r = _run(bin_ / "nmsgen", "serve", "--dev", cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.count("\n") == 1 and "pip install 'nmsgen[serve]'" in r.stderr, r.stderr


@pytest.mark.slow
def test_the_generated_package_installs_and_imports_without_nmsgen(tmp_path: Path) -> None:
    package = tmp_path / "generated"  # a copy: pip builds in place, and generated/ is nmsgen's
    shutil.copytree(GENERATED, package, ignore=shutil.ignore_patterns("*.egg-info", "build", "__pycache__"))
    bin_ = _venv(tmp_path / "venv")
    r = _run(bin_ / "pip", "install", "-q", package)
    assert r.returncode == 0, r.stderr[-3000:]
    script = (
        "import importlib.util\n"
        "from mcdata_store import models\n"
        "from mcdata_store.client import AsyncMessageStoreClient, BearerTokenAuth, MessageStoreClient\n"
        "from mcdata_store.server import create_app\n"
        "from mcdata_store.store import MessageStore\n"
        "assert importlib.util.find_spec('generator') is None and importlib.util.find_spec('nmsrun') is None\n"
        "print(models.Folder.__name__, MessageStoreClient.__name__, create_app.__name__)\n"
    )
    r = _run(bin_ / "python", "-c", script, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.split() == ["Folder", "MessageStoreClient", "create_app"]
    assert _run(bin_ / "pip", "show", "nmsgen").returncode != 0
