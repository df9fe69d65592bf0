"""The ``nmsgen`` command line: a thin shell over :mod:`generator.pipeline`.

The pipeline and what it runs are imported inside the commands: ``generate`` on an output folder that its
manifest shows up to date (:mod:`generator.incremental.manifest`) answers before importing them.
"""

from __future__ import annotations

import atexit
import contextlib
import difflib
import gc
import json
import os
import sys
from collections.abc import Callable
from contextlib import ExitStack
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import bundled
from .diagnostics import Diagnostics, Progress
from .incremental import cache, manifest

if TYPE_CHECKING:
    from .frontend import sources
    from .ir.model import Model
    from .reports import trace as tracing

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


def _model(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    """The --spec given, else ./spec, else the model bundled with nmsgen."""
    if value is not None:
        return value
    return DEFAULT_SPEC if DEFAULT_SPEC.exists() else bundled("spec")


spec_option = click.option(
    "--spec",
    "spec",
    type=click.Path(path_type=Path),
    callback=_model,
    help="Model folder (or one YAML file). Default: ./spec, or the model bundled with nmsgen when there is none.",
)


class _Commands(click.Group):
    """The generator's commands, and those other packages add under the entry point group ``nmsgen.commands``
    (``serve``, from the runtime package ``nmsrun``): loaded only when asked for, so the generator never imports
    the runtime or what it runs."""

    GROUP = "nmsgen.commands"

    def _plugins(self) -> dict[str, EntryPoint]:
        # an editable install may list the same distribution twice (site-packages and the source tree): first wins
        found: dict[str, EntryPoint] = {}
        for ep in entry_points(group=self.GROUP):
            found.setdefault(ep.name, ep)
        return found

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._plugins()})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is not None or name not in self._plugins():
            return command
        loaded = self._plugins()[name].load()
        assert isinstance(loaded, click.Command)
        return loaded


def _runtime(name: str) -> Any:
    """A module of the runtime package, by its entry point in the group ``nmsgen.runtime`` (nmsrun registers
    ``verify``, the mutation runs of ``nmsgen trace --verify``): the generator never imports the runtime."""
    found = next((ep for ep in entry_points(group="nmsgen.runtime") if ep.name == name), None)
    if found is None:
        sys.stderr.write(f"error: the runtime's {name!r} is not installed (entry point group nmsgen.runtime)\n")
        sys.exit(2)
    return found.load()


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
    from . import pipeline  # noqa: PLC0415

    result = pipeline.check(spec, with_, without)
    sys.stderr.write(result.diagnostics.render())
    if result.diagnostics.has_errors:
        sys.exit(1)
    click.echo(f"ok: {result.summary}")


def _preload() -> None:
    from . import pipeline  # noqa: PLC0415

    pipeline.preload()


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
    help="Write nothing; exit 1 and name each stale file (and each changed input) when the output folder is out "
    "of date.",
)
@tests_option
@with_option
@without_option
@click.option("--quiet", "-q", is_flag=True, help="Do not print the stages of a run that takes over a second.")
def generate(
    spec: Path,
    out: Path,
    check_only: bool,
    tests: Path,
    with_: tuple[str, ...],
    without: tuple[str, ...],
    quiet: bool,
) -> None:
    """Generate the OpenAPI document, models, store interface, auth, server, clients, traceability matrix and
    the impact report of each change request. With --with/--without it writes a preview of the model with
    (without) change requests, and then needs an explicit --out other than generated/.

    Nothing is generated when the output folder holds what its manifest lists and every input (model, change
    requests, templates, the generator, the tests' clause markers, tool versions) is as recorded there; work
    already done is kept in a cache (NMSGEN_CACHE_DIR, default ~/.cache/nmsgen; NMSGEN_CACHE_DIR=off: none)."""
    if (with_ or without) and (
        click.get_current_context().get_parameter_source("out") != click.core.ParameterSource.COMMANDLINE
        or out.resolve() == DEFAULT_OUT.resolve()
    ):
        sys.stderr.write(
            "generate: error: --with/--without write a preview, never the baseline generated/: "
            "give --out (e.g. --out build/preview)\n"
        )
        sys.exit(2)
    test_dir = tests if tests.is_dir() else None

    def meanwhile(known: manifest.Inputs) -> Callable[[], None] | None:
        """While a child reads the test markers a cold cache lacks: when the inputs known so far already differ
        from the manifest's (a run will follow), import and compile what the run and its children need."""
        recorded = manifest.read(out)
        if recorded is not None and all(recorded.inputs.get(k) == v for k, v in known.items()):
            return None  # only the markers can tell: perhaps up to date
        return _preload

    inputs = manifest.inputs(spec, test_dir, with_, without, meanwhile=meanwhile)
    if not check_only:
        from .write import recover  # noqa: PLC0415

        recover(out.absolute())  # a swap a crash interrupted is finished (or undone) before the folder is judged
    count = manifest.fresh(out, inputs)
    if count is not None:
        click.echo(
            f"{out}: up to date ({count} files)" if check_only else f"{out}: 0 written, 0 removed, {count} unchanged"
        )
        return
    progress = Progress(enabled=not quiet)
    from . import pipeline  # noqa: PLC0415
    from .write import WriteError  # noqa: PLC0415

    try:
        result = pipeline.generate(spec, out, check_only, test_dir, with_, without, inputs, progress)
    except WriteError as e:
        sys.stderr.write(f"{out}: error write: {e}\n")
        sys.exit(1)
    finally:
        progress.done()
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
        recorded = manifest.read(out)
        if recorded is not None and recorded.inputs and recorded.inputs != inputs:
            changed = manifest.changed(recorded.inputs, inputs)
            sys.stderr.write(f"{out / manifest.MANIFEST}: inputs changed since it was written: {'; '.join(changed)}\n")
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
    from . import pipeline  # noqa: PLC0415
    from .emit import openapi as emit_openapi  # noqa: PLC0415
    from .emit import openapi_3gpp as emit_openapi_3gpp  # noqa: PLC0415
    from .write import write_file  # noqa: PLC0415

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
    from . import pipeline  # noqa: PLC0415
    from .write import write_file  # noqa: PLC0415

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
@click.option(
    "--verify",
    is_flag=True,
    help="Mutation-check the citations: switch each auth rule, challenge and interface of the model off in turn, "
    "run the tests citing its clauses against that server, and require one to fail; prints `citations verified: "
    "N/M` and compares the verdicts with the committed evidence (TESTS/verified-citations.json).",
)
@click.option("--update", is_flag=True, help="With --verify: write the evidence file instead of comparing it.")
@click.option(
    "--jobs", type=click.IntRange(1, 16), default=2, show_default=True, help="With --verify: mutants at a time."
)
@click.option(
    "--mutant",
    "only",
    multiple=True,
    metavar="KIND:ID",
    help="With --verify, while working on a test: run only this mutant (e.g. rule:critical, repeatable); the "
    "evidence is neither compared nor written.",
)
def trace_command(
    clause: str | None,
    spec: Path,
    tests: Path,
    fmt: str,
    junit: Path | None,
    verify: bool,
    update: bool,
    jobs: int,
    only: tuple[str, ...],
) -> None:
    """Traceability: exit 1 when a normative clause that is not open (FFS/unverified) and not outside nmsgen's
    reach (a reason in the registry) is unrealised or untested. A citation of an auth rule's, challenge's or
    interface's clause counts only when the committed mutation evidence shows it verified (--verify)."""
    from . import pipeline  # noqa: PLC0415
    from .reports import trace as tracing  # noqa: PLC0415

    if (update or only) and not verify:
        sys.stderr.write("trace: error: --update and --mutant go with --verify\n")
        sys.exit(2)
    result = pipeline.check(spec)
    sys.stderr.write(result.diagnostics.render())
    if not result.ok or result.model is None:
        sys.exit(1)
    tests_dir = tests if tests.is_dir() else None
    if verify:  # the runs need every generated file (the package, the kit) and the matrix emit computes with them
        output = pipeline.emit(result.model, result.document, tests_dir)
        matrix, files = output.matrix, output.files
    else:
        matrix, files = pipeline.traceability(result.model, result.document, tests_dir), {}
    for problem in matrix.problems:  # blanket or uncapped clause markers: not counted, and the trace fails
        sys.stderr.write(problem.render() + "\n")
    if verify:
        _verify(result.model, files, matrix, tests, update, jobs, only)
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


def _verify(
    model: Model,
    files: dict[str, str],
    matrix: tracing.Trace,
    tests: Path,
    update: bool,
    jobs: int,
    only: tuple[str, ...],
) -> None:
    """``nmsgen trace --verify``: run the mutants, print the verdicts, compare (or write) the evidence; exits."""
    from .reports import mutants as mutation  # noqa: PLC0415
    from .write import write_file  # noqa: PLC0415

    if matrix.problems:
        sys.stderr.write("trace: error: fix the clause markers above before verifying them\n")
        sys.exit(1)
    names = {mu.name for mu in mutation.mutants(model)}
    wanted = [o.replace(":", " ", 1) for o in only]
    unknown = [o for o, w in zip(only, wanted, strict=True) if w not in names]
    if unknown:
        choices = ", ".join(sorted(n.replace(" ", ":", 1) for n in names))
        sys.stderr.write(f"trace: error: no mutant {', '.join(unknown)}; one of {choices}\n")
        sys.exit(2)
    runtime = _runtime("verify")  # the runs start servers: the runtime package's, with the serve extra
    lacking = runtime.missing()
    if lacking:
        sys.stderr.write(f"trace: error: --verify runs the citing tests against mutant servers: {lacking}\n")
        sys.exit(2)
    report = runtime.verify(
        model, files, matrix.citations, Path.cwd(), jobs, wanted, progress=lambda line: sys.stderr.write(line + "\n")
    )
    click.echo(mutation.report_text(report), nl=False)
    for error in report.errors:
        sys.stderr.write(f"trace: error: {error}\n")
    if report.errors or only:
        sys.exit(0 if report.ok else 1)
    path = tests / mutation.EVIDENCE
    text = mutation.evidence_text(report.outcomes, report.verdicts)
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    if update:
        if old != text:
            write_file(path, text.encode())
        click.echo(f"{path}: {'written' if old != text else 'unchanged'}")
    elif old != text:
        for line in mutation.stale_lines(old, text)[:40] if old else ["missing"]:
            sys.stderr.write(f"{path}: stale: {line}\n")
        sys.stderr.write(f"{path} does not record this run: run `nmsgen trace --verify --update` and commit it\n")
        sys.exit(1)
    sys.exit(0 if report.ok else 1)


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
    from .frontend import sources  # noqa: PLC0415

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
        k = _diff_key(a, b, fmt, no_files)
        found = cache.get_text("diff", k)
        if found is not None:  # the same comparison of the same inputs, made before without a diagnostic
            answer = json.loads(found)
            click.echo(answer["report"], nl=False)
            sys.exit(1 if answer["breaking"] else 0)
        from . import pipeline  # noqa: PLC0415
        from .reports import diff as diffing  # noqa: PLC0415

        report, diags = pipeline.compare(a, b, with_files=not no_files)
    sys.stderr.write(diags.render())
    if report is None:
        sys.stderr.write("diff: the models cannot be compared\n")
        sys.exit(2)
    render = {"text": diffing.to_text, "markdown": diffing.to_markdown, "json": diffing.to_json}[fmt]
    text = render(report)
    if not diags.items:  # a warning is shown on every run, so a run that has one is not kept
        cache.put_text("diff", k, json.dumps({"report": text, "breaking": bool(report.breaking)}, ensure_ascii=False))
    click.echo(text, nl=False)
    sys.exit(1 if report.breaking else 0)


def _diff_key(a: sources.Side, b: sources.Side, fmt: str, no_files: bool) -> str:
    """The key of a rendered ``nmsgen diff``: every input each side's generation records (its model files and
    change requests by hash, the templates, the generator's source, the pinned tools, the change requests applied
    or reverted), each side's label and folder, the folder the names are relative to, and the options."""
    return cache.key(
        "diff",
        str(Path.cwd()),
        fmt,
        "no-files" if no_files else "files",
        *(
            part
            for side in (a, b)
            for part in (
                side.label,
                str(side.spec),
                manifest.inputs_json(manifest.inputs(side.spec, None, side.with_, side.without)),
            )
        ),
    )


GC_THRESHOLD = (200_000, 30, 30)  # the collector's young generation: a run's allocations before it looks


def run(args: list[str] | None = None) -> None:
    """The ``nmsgen`` console script (and ``python -m generator``): :func:`main`, in a process tuned for one run.

    A run builds a large, long-lived and nearly acyclic heap (the IR, the OpenAPI document, the file texts). With
    the default threshold (700 allocations) the cyclic collector walks that growing heap hundreds of times: a
    sixth of a one-edit regeneration of a 10x model, for no garbage (mypy raises its threshold the same way).
    At the end the process leaves without tearing that heap down (another 0.2 s at 10x), as :func:`_leave`
    says. An exception other than :class:`SystemExit` ends the process the usual way."""
    gc.set_threshold(*GC_THRESHOLD)
    try:
        main.main(args, prog_name="nmsgen")
    except SystemExit as e:
        _leave(e.code)
    _leave(0)


def _leave(code: object) -> None:
    """Exit as :class:`SystemExit` ``code`` does (None is status 0; a text is printed and is status 1), in the
    same order: the text, the exit handlers (which stop any background child whose result nobody read), the
    output streams flushed; but without the interpreter's teardown of the heap."""
    status = 0 if code is None else code if isinstance(code, int) else 1
    if not isinstance(code, int | None):
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(f"{code}\n")
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed or broken pipe: nothing more can be said
            status = status or 1
    os._exit(status)
