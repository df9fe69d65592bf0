"""The ``nmsgen`` command line: a thin shell over :mod:`generator.pipeline`."""

from __future__ import annotations

import difflib
import importlib
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import ClassVar

import click

from . import pipeline
from .diagnostics import Diagnostics
from .emit import openapi as emit_openapi
from .emit import openapi_3gpp as emit_openapi_3gpp
from .frontend import sources
from .reports import diff as diffing
from .reports import trace as tracing
from .write import WriteError, write_file

DEFAULT_SPEC = Path("spec")
DEFAULT_OUT = Path("generated")

tests_option = click.option(
    "--tests",
    "tests",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("tests"),
    show_default=True,
    help="Test folder whose pytest.mark.clause markers feed the traceability matrix (skipped if absent).",
)
spec_option = click.option(
    "--spec",
    "spec",
    type=click.Path(path_type=Path),
    default=DEFAULT_SPEC,
    show_default=True,
    help="Model folder (or one YAML file).",
)


class _Commands(click.Group):
    """The generator's commands, and ``serve`` from the runtime package (``nmsrun``), imported by name only
    when it is asked for: the generator itself never imports the runtime or what it runs."""

    RUNTIME: ClassVar[dict[str, str]] = {"serve": "nmsrun.cli"}  # command -> module

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.RUNTIME])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.RUNTIME:
            return super().get_command(ctx, name)
        command = getattr(importlib.import_module(self.RUNTIME[name]), name)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nmsgen", prog_name="nmsgen", message="%(prog)s %(version)s")
def main() -> None:
    """nmsgen: the MCData message store API (3GPP TS 24.282 clause 21, OMA NMS) as code."""


with_option = click.option(
    "--with",
    "with_",
    multiple=True,
    metavar="CHANGE",
    help="Apply the proposed change request spec/changes/CHANGE.yaml (repeatable).",
)
without_option = click.option(
    "--without",
    multiple=True,
    metavar="CHANGE",
    help="Revert the incorporated change request spec/changes/CHANGE.yaml (repeatable).",
)


@main.command()
@spec_option
@with_option
@without_option
def validate(spec: Path, with_: tuple[str, ...], without: tuple[str, ...]) -> None:
    """Check the model (with or without change requests); print diagnostics as file:line:col: error CODE: message."""
    result = pipeline.check(spec, with_, without)
    sys.stderr.write(result.diagnostics.render())
    if result.diagnostics.has_errors:
        sys.exit(1)
    click.echo(f"ok: {result.summary}")


@main.command()
@spec_option
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
@tests_option
@with_option
@without_option
def generate(
    spec: Path, out: Path, check_only: bool, tests: Path, with_: tuple[str, ...], without: tuple[str, ...]
) -> None:
    """Generate the OpenAPI document, models, store interface, auth, server, clients, traceability matrix and
    the impact report of each change request. With --with/--without it writes a preview of the model with
    (without) change requests, and then needs an explicit --out other than generated/."""
    if (with_ or without) and (
        click.get_current_context().get_parameter_source("out") != click.core.ParameterSource.COMMANDLINE
        or out.resolve() == DEFAULT_OUT.resolve()
    ):
        sys.stderr.write(
            "generate: error: --with/--without write a preview, never the baseline generated/: "
            "give --out (e.g. --out build/preview)\n"
        )
        sys.exit(2)
    try:
        result = pipeline.generate(spec, out, check_only, tests if tests.is_dir() else None, with_, without)
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


@main.command()
@spec_option
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.option(
    "--profile",
    type=click.Choice(["nmsgen", "3gpp"]),
    default="nmsgen",
    show_default=True,
    help="nmsgen: our document, with the clause trace in x-nmsgen-* extensions; 3gpp: the file to publish as "
    "3GPP does (OpenAPI 3.0.0, API name as title, copyright line, no extensions, shared responses factored out).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File to write (atomically); standard output when absent.",
)
def openapi(spec: Path, fmt: str, profile: str, output: Path | None) -> None:
    """Write only the OpenAPI document (validated and self-checked), e.g. to publish it."""
    result = pipeline.check(spec)
    sys.stderr.write(result.diagnostics.render())
    if not result.ok or result.model is None:
        sys.stderr.write("nothing written: the model has errors\n")
        sys.exit(1)
    document = result.document
    if profile == "3gpp":
        if result.model.api.publication is None:
            sys.stderr.write(
                "openapi: error: --profile 3gpp needs api.publication in the model (the API name, the "
                "specification and its version; see spec/README.md)\n"
            )
            sys.exit(2)
        document = emit_openapi_3gpp.transform(result.model, document)
    text = emit_openapi.emit(document)[f"openapi/openapi.{fmt}"]
    if output is None:
        sys.stdout.write(text)
        return
    try:
        write_file(output, text.encode())
    except OSError as e:
        sys.stderr.write(f"{output}: error write: {e.strerror}\n")
        sys.exit(1)
    click.echo(f"{output}: written")


@main.command(name="docs")
@spec_option
@tests_option
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("site"),
    show_default=True,
    help="Folder to write index.html into (created if missing).",
)
def docs_command(spec: Path, tests: Path, output: Path) -> None:
    """Write the API reference as one self-contained HTML file (no network, no CDN) to publish: every
    operation, schema and open point, and the traceability matrix. generated/docs/index.html is the same
    file, kept current by `nmsgen generate`."""
    result = pipeline.check(spec)
    sys.stderr.write(result.diagnostics.render())
    if not result.ok or result.model is None:
        sys.stderr.write("nothing written: the model has errors\n")
        sys.exit(1)
    html = pipeline.docs_page(result.model, result.document, tests if tests.is_dir() else None, spec)
    target = output / "index.html"
    if target.is_file() and not _written_by_nmsgen(target):
        sys.stderr.write(
            f"{target}: error write: the file exists and nmsgen did not write it (no "
            f'<meta name="generator" content="nmsgen">); move it away or choose another -o folder\n'
        )
        sys.exit(1)
    try:
        output.mkdir(parents=True, exist_ok=True)
        write_file(target, html.encode())
    except OSError as e:
        sys.stderr.write(f"{target}: error write: {e.strerror}\n")
        sys.exit(1)
    click.echo(f"{target}: written")


def _written_by_nmsgen(page: Path) -> bool:
    """The docs page carries ``<meta name="generator" content="nmsgen">`` in its head."""
    try:
        head = page.read_bytes()[:4096]
    except OSError:
        return False
    return b'<meta name="generator" content="nmsgen">' in head


@main.command(name="trace")
@click.argument("clause", required=False)
@spec_option
@tests_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["summary", "md", "csv", "json"]),
    default="summary",
    show_default=True,
    help="What to print: the coverage summary or the whole matrix.",
)
@click.option(
    "--junit",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="A JUnit XML report of the last test run, to add pass/fail counts per clause.",
)
def trace_command(clause: str | None, spec: Path, tests: Path, fmt: str, junit: Path | None) -> None:
    """Traceability: exit 1 when a normative clause that is not open (FFS/unverified) and not outside nmsgen's
    reach (a reason in the registry) is unrealised or untested."""
    result = pipeline.check(spec)
    sys.stderr.write(result.diagnostics.render())
    if not result.ok or result.model is None:
        sys.exit(1)
    matrix = pipeline.traceability(result.model, result.document, tests if tests.is_dir() else None)
    for problem in matrix.problems:  # blanket or uncapped clause markers: not counted, and the trace fails
        sys.stderr.write(problem.render() + "\n")
    if junit is not None:
        tracing.add_results(matrix, junit)
    if clause is not None:
        row = matrix.row(clause)
        if row is None:
            ids = [r.clause for r in matrix.rows]
            near = [i for i in ids if clause.lower() in i.lower()] or difflib.get_close_matches(clause, ids, 5, 0.5)
            hint = f"; did you mean {', '.join(near[:8])}{', …' if len(near) > 8 else ''}?" if near else ""
            sys.stderr.write(f"trace: error: {clause!r} is not a clause id of the registry{hint}\n")
            sys.exit(2)
        click.echo(tracing.chain(row))
        sys.exit(
            0
            if not matrix.problems and (row.kind != "normative" or row.outside or (row.realised and row.tested))
            else 1
        )
    if fmt != "summary":
        click.echo({"md": tracing.to_markdown, "csv": tracing.to_csv, "json": tracing.to_json}[fmt](matrix), nl=False)
    failing = tracing.failing(matrix)
    if fmt == "summary":
        click.echo(tracing.summary_text(matrix))
    for row in failing:
        what = " and ".join(x for x, ok in (("unrealised", row.realised), ("untested", row.tested)) if not ok)
        sys.stderr.write(f"trace: {row.clause} ({row.source} {row.section}) is normative and {what}\n")
    sys.exit(1 if failing or matrix.problems else 0)


@main.command(name="diff")
@click.argument("old")
@click.argument("new")
@click.option(
    "--with",
    "with_",
    multiple=True,
    metavar="CHANGE",
    help="Apply the proposed change request CHANGE to NEW (same as writing NEW+CHANGE); repeatable.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
)
@click.option(
    "--no-files",
    is_flag=True,
    help="Skip generating both sides (faster): no generated files or store methods in the report.",
)
def diff_command(old: str, new: str, with_: tuple[str, ...], fmt: str, no_files: bool) -> None:
    """Compare two models: OLD and NEW are model folders or git revisions, optionally with +CHANGE (apply a
    proposed change request) or -CHANGE (revert an incorporated one), e.g. `nmsgen diff main spec`,
    `nmsgen diff spec spec+CR0001`, `nmsgen diff HEAD~3 HEAD`.

    \b
    Exit status: 0 no breaking change, 1 breaking changes found, 2 the models cannot be compared
    (bad model, unknown revision or change: file:line:col: error CODE: message on stderr)."""
    diags = Diagnostics()
    with ExitStack() as stack:
        a = sources.resolve(old, stack, diags)
        b = sources.resolve(new, stack, diags)
        if a is None or b is None:
            sys.stderr.write(diags.render())
            sys.exit(2)
        b.with_ += list(with_)
        if with_:
            b.label += "".join(f"+{c}" for c in with_)
        report, diags = pipeline.compare(a, b, with_files=not no_files)
    sys.stderr.write(diags.render())
    if report is None:
        sys.stderr.write("diff: the models cannot be compared\n")
        sys.exit(2)
    render = {"text": diffing.to_text, "markdown": diffing.to_markdown, "json": diffing.to_json}[fmt]
    click.echo(render(report), nl=False)
    sys.exit(1 if report.breaking else 0)
