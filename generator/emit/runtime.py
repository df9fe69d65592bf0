"""Stage 5d' — copy the static runtime: ``templates/runtime/*.py`` -> ``<package>/_runtime/*.py``.

What the server and the clients need that does not depend on the model (reading requests, ``Payload`` and
``Answer``, the rows of the generated tables, the clients' errors and Bearer token auth, verification keys)
is written once as ordinary Python and copied byte for byte: never rendered, so no model text reaches it, and
a reader of the generated package finds it in one place instead of inside every generated module.
"""

from __future__ import annotations

from ..ir.index import Index
from .render import TEMPLATES

SOURCE = TEMPLATES / "runtime"
FOLDER = "_runtime"  # inside the generated package


def emit(ix: Index) -> dict[str, str]:
    folder = f"{ix.model.package_dir}/{FOLDER}"
    return {f"{folder}/{p.name}": p.read_text(encoding="utf-8") for p in sorted(SOURCE.glob("*.py"))}
