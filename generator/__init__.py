"""nmsgen: the MCData message store API as code. The stages are packages (``frontend``, ``ir``, ``checks``,
``emit``, ``reports``); ``pipeline`` is their table of contents (see ``generator/README.md``)."""

from __future__ import annotations

from pathlib import Path


def bundled(name: str) -> Path:
    """``templates`` or ``spec`` (the bundled model): inside the installed package, where the distribution ships
    them as package data, or beside it in a source checkout."""
    here = Path(__file__).resolve().parent
    inside = here / name
    return inside if inside.is_dir() else here.parent / name
