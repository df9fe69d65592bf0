"""Stage 6 — write: ``{relative path: text}`` -> the output folder. The only code that touches disk.

Guarantees:
* every path is relative, normalised and stays inside the output folder (no ``..``, no absolute
  paths, no symlinks followed);
* a folder that is not empty and was not written by nmsgen (no manifest) is never touched;
* the new tree is built beside the old one (unchanged files hard-linked, so they are not
  rewritten and keep their timestamps), fsynced, then swapped in with one atomic
  ``renameat2(RENAME_EXCHANGE)`` where the kernel offers it: a crash leaves the old tree or the
  new one, never a mix. Elsewhere two renames are used and a leftover is recovered on the next run;
* stale files disappear with the old tree; a run that changes nothing writes nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .incremental.manifest import MANIFEST, Inputs, byproduct, render

_STAGING = ".nmsgen-staging-"
_OLD = ".nmsgen-old-"


class WriteError(Exception):
    pass


@dataclass
class Plan:
    changed: list[str] = field(default_factory=list)  # new or different content
    stale: list[str] = field(default_factory=list)  # present on disk, no longer generated
    unchanged: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.changed and not self.stale


def with_manifest(files: dict[str, str], inputs: Inputs | None = None) -> dict[str, bytes]:
    """Encode (UTF-8, LF) and add the manifest that marks the folder as nmsgen's (with the inputs the files were
    generated from, when given: see :mod:`generator.incremental.manifest`)."""
    out = {p: t.replace("\r\n", "\n").encode("utf-8") for p, t in files.items()}
    out[MANIFEST] = render(out, inputs)
    return dict(sorted(out.items()))


def safe_relpath(rel: str) -> PurePosixPath:
    p = PurePosixPath(rel)
    if (
        not rel
        or p.is_absolute()
        or "\\" in rel
        or "\x00" in rel
        or any(part in ("..", ".", "") for part in rel.split("/"))
    ):
        raise WriteError(f"refusing to write {rel!r}: output paths must be relative and stay inside the output folder")
    return p


def _existing(out: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    if not out.is_dir():
        return found
    for root, dirs, files in os.walk(out, followlinks=False):
        for name in files + [d for d in dirs if (Path(root) / d).is_symlink()]:
            full = Path(root) / name
            found[full.relative_to(out).as_posix()] = full
    return found


def plan(files: dict[str, bytes], out: Path) -> Plan:
    for rel in files:
        safe_relpath(rel)
    existing = _existing(out)
    result = Plan()
    for rel, data in files.items():
        cur = existing.get(rel)
        if cur is None or cur.is_symlink() or not cur.is_file() or cur.read_bytes() != data:
            result.changed.append(rel)
        else:
            result.unchanged.append(rel)
    result.stale = sorted(rel for rel in set(existing) - set(files) if not byproduct(rel))
    return result


def _guard(out: Path) -> None:
    if out.is_symlink():
        raise WriteError(f"refusing to write into {out}: it is a symbolic link")
    if out.exists() and not out.is_dir():
        raise WriteError(f"refusing to write into {out}: it is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise WriteError(
            f"refusing to write into {out}: it is not empty and holds no {MANIFEST}, so nmsgen did "
            "not write it; choose an empty folder or the previous output folder"
        )


def recover(out: Path) -> None:
    """Finish or undo a swap that a crash interrupted, and remove leftovers."""
    parent = out.parent
    if not parent.is_dir():
        return
    prefix = out.name
    for leftover in sorted(parent.glob(f"{prefix}{_OLD}*")):
        if not out.exists():
            os.replace(leftover, out)  # the crash fell between the two renames: the old tree comes back
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in parent.glob(f"{prefix}{_STAGING}*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2
_LIBC: dict[str, Any] = {}


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where unsupported."""
    if "renameat2" not in _LIBC:
        try:
            fn = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True).renameat2
            fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
            _LIBC["renameat2"] = fn
        except (OSError, AttributeError):
            _LIBC["renameat2"] = None
    renameat2 = _LIBC["renameat2"]
    if renameat2 is None:
        return False
    at_fdcwd = -100
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(rc == 0)


def write_file(path: Path, data: bytes) -> None:
    """One file, atomically: a temporary sibling, fsync, rename; a crash leaves the old file or the new one."""
    if path.is_symlink():
        raise WriteError(f"refusing to write {path}: it is a symbolic link")
    tmp = path.with_name(f".{path.name}{_STAGING}{os.getpid()}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent.absolute())


def write(files: dict[str, bytes], out: Path, crash_after: int | None = None) -> Plan:
    """Make ``out`` hold exactly ``files``. ``crash_after`` (tests only) aborts after N new files."""
    out = out.absolute()
    recover(out)
    _guard(out)
    result = plan(files, out)
    if result.clean:
        return result
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f"{out.name}{_STAGING}{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    written = 0
    try:
        unchanged = set(result.unchanged)
        dirs: set[Path] = {staging}
        for rel, data in files.items():
            target = staging / safe_relpath(rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            dirs.add(target.parent)
            if not target.resolve().is_relative_to(staging.resolve()):
                raise WriteError(f"refusing to write {rel!r}: it resolves outside the output folder")
            if rel in unchanged:
                try:
                    os.link(out / rel, target)
                    continue
                except OSError:
                    pass  # other filesystem: copy instead
            with open(target, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            written += 1
            if crash_after is not None and written >= crash_after:
                raise SystemExit("simulated crash")
        for d in sorted(dirs, key=lambda p: len(p.parts), reverse=True):
            _fsync_dir(d)
        if out.exists():
            if _exchange(staging, out):
                _fsync_dir(out.parent)
                shutil.rmtree(staging)
            else:
                old = out.parent / f"{out.name}{_OLD}{os.getpid()}"
                os.replace(out, old)
                os.replace(staging, out)
                _fsync_dir(out.parent)
                shutil.rmtree(old)
        else:
            os.replace(staging, out)
            _fsync_dir(out.parent)
    except BaseException:
        if crash_after is None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    return result
