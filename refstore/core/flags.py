"""Flags of objects: case-insensitive names (casefold), kept in the spelling first given, no duplicates."""

from __future__ import annotations

from collections.abc import Iterable

from mcdata_store import models

from .answers import bad

__all__ = ["FLAG_VALUES", "flag_key", "flag_names", "normalise_flags"]

# the values of a Flag criterion (TS14 6.7): set, or not set
FLAG_VALUES = {"": True, "true": True, "1": True, "false": False, "0": False}


def flag_key(name: str) -> str:
    """The form a flag name is compared in."""
    return name.casefold()


def normalise_flags(names: Iterable[str]) -> list[str]:
    """Flags as given, without case-insensitive duplicates (the first spelling wins); an empty name is
    SVC0002 ``flag``."""
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        if not name:
            raise bad("flag")
        key = flag_key(name)
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out


def flag_names(flags: models.FlagList | None) -> list[str]:
    """The normalised flag names of a FlagList (none when absent)."""
    return normalise_flags(f.root for f in (flags.flag or [])) if flags is not None else []
