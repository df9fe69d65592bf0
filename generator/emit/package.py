"""The generated package as a distribution of its own: ``pyproject.toml`` at the top of the output, so that a
downstream implementer installs it without nmsgen (``pip install ./generated``).

Its dependencies are what the generated modules import, with the ranges they are generated and tested
against (``tests/project/test_packaging.py`` checks the list against the imports of the generated code). Model text
(the API's title and version) reaches the file through :func:`~generator.escape.toml_string`; the version
is a PEP 440 version (``validate`` checks it), the package name a dotted identifier.
"""

from __future__ import annotations

from ..escape import toml_string
from ..ir.index import Index

PATH = "pyproject.toml"
# what the generated modules import: requirement, and who needs it
REQUIRES: tuple[tuple[str, str], ...] = (
    ("pydantic>=2.7,<3", "models"),
    ("fastapi>=0.115,<1", "server"),
    ("python-multipart>=0.0.18", "server: multipart/form-data request bodies"),
    ("pyjwt[crypto]>=2.12,<3", "auth: token validation"),
    ("httpx>=0.28,<1", "clients"),
    ("httpx-auth>=0.23,<0.24", "clients: MCData-8 client credentials"),
    ("anyio>=4,<5", "clients: the async client"),
)


def distribution_name(package: str) -> str:
    """The distribution of package ``mcdata_store`` is ``mcdata-store`` (PEP 503 normalised)."""
    return package.replace("_", "-").replace(".", "-").lower()


def emit(ix: Index) -> dict[str, str]:
    api = ix.model.api
    requires = "".join(f"    {toml_string(r)},  # {who}\n" for r, who in REQUIRES)
    package = toml_string(api.package)
    runtime = toml_string(f"{api.package}._runtime")  # the static runtime (emit/runtime.py)
    text = f"""\
# generated from spec/ by nmsgen - do not edit
# The generated package on its own: pip install . (the conformance kit in conformance/ has its own README).
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = {toml_string(distribution_name(api.package))}
version = {toml_string(api.version)}
description = {toml_string(" ".join(api.title.split()))}
requires-python = ">=3.11"
dependencies = [
{requires}]

[tool.setuptools]
packages = [{package}, {runtime}]

[tool.setuptools.package-data]
{package} = ["py.typed"]
"""
    return {PATH: text}
