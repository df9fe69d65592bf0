"""The ``nmsgen`` command line: a thin shell over :mod:`generator.pipeline`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import pipeline
from .write import WriteError

DEFAULT_SPEC = Path("spec")
DEFAULT_OUT = Path("generated")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """nmsgen: the MCData message store API (3GPP TS 24.282 clause 21, OMA NMS) as code."""


@main.command()
@click.option(
    "--spec",
    "spec",
    type=click.Path(path_type=Path),
    default=DEFAULT_SPEC,
    show_default=True,
    help="Model folder (or one YAML file).",
)
def validate(spec: Path) -> None:
    """Check the model; print diagnostics as file:line:col: error CODE: message."""
    result = pipeline.check(spec)
    sys.stderr.write(result.diagnostics.render())
    if result.diagnostics.has_errors:
        sys.exit(1)
    click.echo(f"ok: {result.summary}")


@main.command()
@click.option(
    "--spec",
    "spec",
    type=click.Path(path_type=Path),
    default=DEFAULT_SPEC,
    show_default=True,
    help="Model folder (or one YAML file).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Output folder; nmsgen owns it (stale files are removed).",
)
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; exit 1 and name each stale file when the output folder is out of date.",
)
def generate(spec: Path, out: Path, check_only: bool) -> None:
    """Generate the OpenAPI document (and later artifacts) from the model."""
    try:
        result = pipeline.generate(spec, out, check_only)
    except WriteError as e:
        sys.stderr.write(f"{out}: error write: {e}\n")
        sys.exit(1)
    sys.stderr.write(result.diagnostics.render())
    if result.plan is None:
        errors = sum(1 for d in result.diagnostics.items if d.severity == "error")
        sys.stderr.write(f"nothing written: the model has {errors} error(s)\n")
        sys.exit(1)
    p = result.plan
    if check_only:
        if p.clean:
            click.echo(f"{out}: up to date ({len(result.files)} files)")
            return
        for rel in p.changed:
            what = "missing" if not (out / rel).exists() else "stale"
            sys.stderr.write(f"{out / rel}: {what}: differs from what spec/ generates\n")
        for rel in p.stale:
            sys.stderr.write(f"{out / rel}: stale: no longer generated\n")
        sys.stderr.write(f"{out} is out of date: run `nmsgen generate`\n")
        sys.exit(1)
    click.echo(f"{out}: {len(p.changed)} written, {len(p.stale)} removed, {len(p.unchanged)} unchanged")
