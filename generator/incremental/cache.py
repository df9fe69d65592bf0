"""Work already done, kept on disk by the hash of what it was computed from: safe to delete at any time.

What is kept (``kind``): the formatted text of each generated Python file (``ruff``: by the generator's source,
ruff's version, its settings and the file as rendered), the pydantic models (``models``: by
datamodel-code-generator's version, the generator's source and the models view of the document),
openapi-spec-validator's verdict (``openapi-verdict``: by its version, the generator's source and the
document), the examples' mismatches (``example-errors``: by the generator's source, the validators' versions,
the document and the examples checked), the clause markers of each test file (``markers``: by the generator's
source, the file's path and text), the impact reports (``impact``: by every input of the run and the change,
when making it raised no diagnostic), the generated files of each side of a diff (``side-files``: by the
generator's source and every input the manifest records for the side), the output of ``nmsgen diff`` (``diff``:
by those inputs of both sides, their labels and folders, the working folder, the format and ``--no-files``, when
the run raised no diagnostic), the units that differ between two
versions of a generated file (``units``: by the generator's source, the path and both texts), the HTML of the
Markdown texts of the last docs page (``markdown``: one table text -> HTML, by the generator's source and
markdown-it-py's, mdurl's and markupsafe's versions; a text not in it is rendered), the HTML of the docs page's
operation and schema sections (``docs-sections``: one entry per model folder, each section in it by the
generator's source, the renderers' versions, the text of its templates and its data; a section not in it is
rendered) and the compiled templates
(``jinja``: by the jinja2 environment, the generator's source and the template's name; jinja2 checks an entry
against the template's source and compiles it again when that differs).

Where: ``$NMSGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/nmsgen``, else ``~/.cache/nmsgen``; ``NMSGEN_CACHE_DIR=off``
turns caching off. An entry is ``<kind>/<key[:2]>/<key>``: the SHA-256 of its payload, then the payload, written
to a temporary file and renamed into place, so readers see a whole entry or none. A missing, unreadable or
damaged entry is a miss, and a miss only costs the work again: the key holds everything the value depends on,
so a hit is the value the work would produce. An entry several processes of one run need at once (the models
of both sides of an impact report) is made by one of them (:func:`made_once`: a ``<key>.lock`` file beside it
while it is made).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Callable
from functools import cache as memo
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

OFF = "off"
PACKAGE = Path(__file__).resolve().parents[1]  # the generator's own source
PACKAGE_DATA = ("templates", "spec")  # folders of the installed package that hold data (pyproject package-dir)


def directory() -> Path | None:
    """The cache folder, or None when caching is off."""
    env = os.environ
    return _directory(env.get("NMSGEN_CACHE_DIR"), env.get("XDG_CACHE_HOME"), env.get("HOME"))


@memo
def _directory(chosen: str | None, xdg: str | None, home: str | None) -> Path | None:
    """:func:`directory` of these environment variables (a run asks thousands of times)."""
    if chosen is not None:
        return None if chosen.strip().lower() in ("", OFF) else Path(chosen)
    base = xdg or str(Path.home() / ".cache")
    return Path(base) / "nmsgen"


def key(*parts: str | bytes) -> str:
    """The key of a value computed from ``parts`` (each length-prefixed, so no two part lists collide)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def _path(root: Path, kind: str, k: str) -> str:
    """Where an entry is (a string: a run reads thousands of entries, and pathlib costs more than the read)."""
    return os.path.join(root, kind, k[:2], k)


def get(kind: str, k: str) -> bytes | None:
    root = directory()
    if root is None:
        return None
    try:
        with open(_path(root, kind, k), "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    digest, payload = raw[:32], raw[32:]
    return payload if len(raw) >= 32 and hashlib.sha256(payload).digest() == digest else None


def put(kind: str, k: str, payload: bytes) -> None:
    """Keep ``payload``; a cache that cannot be written (read-only, full disk) is skipped silently."""
    root = directory()
    if root is None:
        return
    target = _path(root, kind, k)
    folder = os.path.dirname(target)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return


WAIT = 120.0  # seconds a process waits for another one making the same entry


def made_once(kind: str, k: str, make: Callable[[], bytes]) -> bytes:
    """The entry ``k``, made by ``make`` and kept when the cache lacks it, once among processes that ask for it
    at the same time (the two sides of a change request's impact report, made by two processes, often have the
    same models): the first takes a lock file beside the entry (holding its process id) and makes it; the others
    wait for the entry, and make it themselves when its maker has stopped without writing it or after
    :data:`WAIT` seconds."""
    found = get(kind, k)
    if found is not None:
        return found
    root = directory()
    if root is None:
        return make()
    lock = _path(root, kind, k) + ".lock"
    try:
        os.makedirs(os.path.dirname(lock), exist_ok=True)
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        found = _awaited(kind, k, lock)
        if found is not None:
            return found
        value = make()
        put(kind, k, value)
        return value
    except OSError:  # a cache that cannot be written
        return make()
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        value = make()
        put(kind, k, value)
        return value
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)


def _awaited(kind: str, k: str, lock: str) -> bytes | None:
    """The entry another process makes (its lock file ``lock`` names it), once written; None when it stops
    without writing it (the lock gone, or its process gone: the stale lock is removed) or after :data:`WAIT`."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = get(kind, k)
        if found is not None:
            return found
        try:
            with open(lock, "rb") as fh:
                holder = int(fh.read() or b"0")
        except (OSError, ValueError):
            holder = 0
        if holder <= 0 and not os.path.exists(lock):
            return get(kind, k)  # written just before the lock went, or never
        if holder > 0 and not _alive(holder):
            with contextlib.suppress(OSError):
                os.unlink(lock)
            return get(kind, k)
        time.sleep(0.02)
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by another user
        return True
    return True


@memo
def version(distribution: str) -> str:
    """The installed version of a tool whose output is cached ("absent" when it is not installed)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "absent"


@memo
def source_files() -> dict[str, str]:
    """The generator's modules: name -> sha256. Not the package data an installed generator holds (its
    templates, one of them a .py file, and the bundled model): the manifest records those as what they are."""
    return {
        f"generator/{p.relative_to(PACKAGE).as_posix()}": hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(PACKAGE.rglob("*.py"))
        if p.relative_to(PACKAGE).parts[0] not in PACKAGE_DATA
    }


@memo
def source_digest() -> str:
    """One hash of the generator's code, for the keys of work its code decides (a changed generator never reads
    what an older one computed)."""
    return key(*(f"{name} {sha}" for name, sha in source_files().items()))


def get_text(kind: str, k: str) -> str | None:
    data = get(kind, k)
    return None if data is None else data.decode("utf-8", "surrogatepass")


def put_text(kind: str, k: str, text: str) -> None:
    put(kind, k, text.encode("utf-8", "surrogatepass"))


def jinja_bytecode(environment: str) -> jinja2.BytecodeCache:
    """Where the jinja2 environment named ``environment`` keeps its compiled templates: entries of kind ``jinja``
    by the environment, the generator's source (its settings and filters decide the code) and jinja2's key of
    the template (its name); jinja2 checks each against the template's source, the entry against its hash."""
    import jinja2  # noqa: PLC0415  # only the commands that render import it

    class Bytecode(jinja2.BytecodeCache):
        def _key(self, bucket: jinja2.bccache.Bucket) -> str:
            return key(environment, source_digest(), bucket.key)

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            data = get("jinja", self._key(bucket))
            if data is not None:
                try:
                    bucket.bytecode_from_string(data)
                except Exception:  # whatever is wrong with it: compile again
                    bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            put("jinja", self._key(bucket), bucket.bytecode_to_string())

    return Bytecode()
