"""Where a model comes from, for ``nmsgen diff``: a model folder or a git revision, plus change requests.

A side is written ``SOURCE[+ID|-ID]...``: SOURCE is a model folder (``spec``, ``tests/cases/diff/x/old``) or a
git revision of this repository (``HEAD~3``, ``main``: its ``spec/`` tree is read with ``git archive``
into a temporary folder); ``+ID`` applies the proposed change ``SOURCE/changes/ID.yaml`` and ``-ID``
reverts the incorporated one. The longest prefix that names an existing folder or revision is SOURCE.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostics

_OPS = re.compile(r"^(?:[+-][A-Za-z0-9_.]+)*$")
_OP = re.compile(r"([+-])([A-Za-z0-9_.]+)")
SPEC_IN_REPO = "spec"


@dataclass
class Side:
    label: str  # as the user wrote it
    spec: Path
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)


def _is_revision(rev: str, repo: Path) -> bool:
    if not rev or rev.startswith("-"):
        return False
    done = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
        cwd=repo,
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def _extract(rev: str, repo: Path, stack: ExitStack) -> Path:
    """The ``spec/`` tree of revision ``rev``, in a temporary folder that lives as long as ``stack``."""
    tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nmsgen-diff-")))
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev, SPEC_IN_REPO], cwd=repo, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tmp, filter="data")
    return tmp / SPEC_IN_REPO


def resolve(text: str, stack: ExitStack, diags: Diagnostics, repo: Path | None = None) -> Side | None:
    repo = repo or Path.cwd()
    cuts = [len(text), *sorted((i for i, ch in enumerate(text) if ch in "+-" and i > 0), reverse=True)]
    for cut in cuts:
        source, rest = text[:cut], text[cut:]
        if not _OPS.match(rest):
            continue
        side = Side(text, Path(source))
        for sign, cid in _OP.findall(rest):
            (side.with_ if sign == "+" else side.without).append(cid)
        if Path(source).exists():
            return side
        if _is_revision(source, repo):
            try:
                side.spec = _extract(source, repo, stack)
            except subprocess.CalledProcessError as e:
                diags.error("source-unknown", f"{source}: git archive failed: {e.stderr.decode().strip()}")
                return None
            return side
    diags.error(
        "source-unknown",
        f"{text!r} is neither a model folder nor a git revision (optionally followed by +CHANGE or -CHANGE)",
    )
    return None
