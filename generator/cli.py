"""The ``nmsgen`` command line: a thin shell over :mod:`generator.pipeline`."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

import click

from . import pipeline
from .diagnostics import Diagnostics
from .emit import openapi as emit_openapi
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


@main.command(
    epilog="""\b
Token keys: point the store at your identity management server (IdMS, TS 33.180 annex B):
  --jwks-url https://idms.example.org/.well-known/jwks.json   fetched once at start-up (https only)
  --jwks keys.json                                            a JWK set exported from the IdMS
  --pem-key idms-public.pem --algorithm ES256                 one PEM public key bound to one algorithm
The allowed algorithms come only from --algorithm (never from the token). MCData-8 callers (MCData
servers, client credentials) are accepted only when --all-accounts-scope names the scope your
authorization server puts into their tokens; they reach every operation on every box unless
--mcdata8-operations deposit restricts them.

Settings marked "our choice" have defaults the sources do not fix; each names its open point
(spec/open-points.yaml)."""
)
@click.option(
    "--db",
    type=click.Path(path_type=Path, readable=False),  # the store says what is wrong with it, in one line
    default=Path("store.sqlite"),
    show_default=True,
    help="SQLite file of the reference store (created if missing).",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8443, show_default=True)
@click.option(
    "--cert", type=click.Path(path_type=Path, exists=True, dir_okay=False), help="TLS certificate chain (PEM)."
)
@click.option("--key", type=click.Path(path_type=Path, exists=True, dir_okay=False), help="TLS private key (PEM).")
@click.option(
    "--insecure-dev-http", is_flag=True, help="DEVELOPMENT ONLY: serve plain HTTP without TLS. Never use on a network."
)
@click.option(
    "--jwks",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="JWK set file with the token verification keys.",
)
@click.option("--jwks-url", help="https URL of the JWK set of the identity management server.")
@click.option(
    "--jwks-ca",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="CA certificate(s) to verify the --jwks-url server with (default: the system trust store).",
)
@click.option(
    "--pem-key",
    "pem_keys",
    multiple=True,
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="PEM public key verifying tokens (repeatable; needs exactly one --algorithm).",
)
@click.option(
    "--algorithm",
    "algorithms",
    multiple=True,
    default=("ES256",),
    show_default=True,
    help="Allowed JWS algorithm (repeatable). 'none' is never allowed.",
)
@click.option("--realm", default="mcdata-message-store", show_default=True, help="realm of the Bearer challenges.")
@click.option(
    "--profile",
    type=click.Choice(["3gpp", "rfc9068"]),
    default="3gpp",
    show_default=True,
    help="Token validation profile: 3gpp (TS 33.180) or rfc9068 (adds typ, iss, aud, jti, ...).",
)
@click.option("--issuer", help="Expected iss (required by rfc9068).")
@click.option("--audience", help="This store's identifier that aud must contain (required by rfc9068).")
@click.option("--all-accounts-scope", help="The scope that lets MCData servers (MCData-8) reach every box.")
@click.option(
    "--mcdata8-operations",
    type=click.Choice(["all", "deposit"]),
    default="all",
    show_default=True,
    help="What MCData-8 tokens may call: every operation (the seed CR's entire accounts) or only the deposit set "
    "(least privilege). Our choice: OP-MCDATA8-OPERATIONS.",
)
@click.option(
    "--user-scope",
    default="3gpp:mc:data_service",
    show_default=True,
    help="Scope an MCData-7 token must carry; '' = not checked. Our choice (TS 33.180, unverified): OP-USER-SCOPE.",
)
@click.option(
    "--missing-token-status",
    type=click.Choice(["401", "403"]),
    default="401",
    show_default=True,
    help="Answer to a request without a token: 401 + Bearer challenge (RFC 6750) or 403 (TS 24.482 A.2.3 as "
    "reported). Our choice: OP-MISSING-TOKEN-STATUS.",
)
@click.option(
    "--min-tls-version",
    type=click.Choice(["1.2", "1.3"]),
    default="1.2",
    show_default=True,
    help="Lowest TLS version accepted. Our deployment default (TS 33.210 6.2): OP-MCDATA8-TRANSPORT.",
)
@click.option(
    "--leeway",
    type=click.IntRange(0, 30),
    default=30,
    show_default=True,
    help="Clock-skew leeway for exp/nbf/iat in seconds (at most 30).",
)
@click.option(
    "--dev",
    is_flag=True,
    help="DEVELOPMENT ONLY: a token service at /dev/token (client credentials) and /dev/user-token, signed with "
    "a development key; without --cert/--key also a development CA and certificate. Never use in production.",
)
@click.option(
    "--dev-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path(".nmsgen-dev"),
    show_default=True,
    help="Where --dev keeps its key, client secret and certificates.",
)
@click.option(
    "--notify-ca",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="CA certificate(s) to verify the notifyURL servers of subscriptions with (default: the system trust "
    "store). Notifications are POSTed over https only.",
)
def serve(
    db: Path,
    host: str,
    port: int,
    cert: Path | None,
    key: Path | None,
    insecure_dev_http: bool,
    jwks: Path | None,
    jwks_url: str | None,
    jwks_ca: Path | None,
    pem_keys: tuple[Path, ...],
    algorithms: tuple[str, ...],
    realm: str,
    profile: str,
    issuer: str | None,
    audience: str | None,
    all_accounts_scope: str | None,
    mcdata8_operations: str,
    user_scope: str,
    missing_token_status: str,
    min_tls_version: str,
    leeway: int,
    dev: bool,
    dev_dir: Path,
    notify_ca: Path | None,
) -> None:
    """Run the generated server on the SQLite reference store over HTTPS (TLS 1.2 or 1.3)."""
    from . import serve as serving  # noqa: PLC0415 - keeps uvicorn and FastAPI out of `generate`

    if not (jwks or jwks_url or pem_keys or dev):
        sys.stderr.write("serve: error: no token keys: give --jwks, --jwks-url or --pem-key\n")
        sys.exit(2)
    options = serving.ServeOptions(
        db,
        host,
        port,
        cert,
        key,
        insecure_dev_http,
        jwks,
        jwks_url,
        jwks_ca,
        pem_keys,
        tuple(algorithms),
        realm,
        "rfc9068" if profile == "rfc9068" else "3gpp",
        issuer,
        audience,
        all_accounts_scope,
        leeway,
        dev,
        dev_dir,
        notify_ca,
        settings={
            "mcdata8_operations": mcdata8_operations,
            "user_scope": user_scope,
            "missing_token_status": int(missing_token_status),
            "min_tls_version": min_tls_version,
        },
    )
    try:
        serving.run(options)
    except serving.ServeError as e:
        sys.stderr.write(f"serve: error: {e}\n")
        sys.exit(2)
    except serving.StoreUnusable as e:
        sys.stderr.write(f"{e}\n")
        sys.exit(1)


@main.command()
@spec_option
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File to write (atomically); standard output when absent.",
)
def openapi(spec: Path, fmt: str, output: Path | None) -> None:
    """Write only the OpenAPI document (validated and self-checked), e.g. to publish it."""
    result = pipeline.check(spec)
    sys.stderr.write(result.diagnostics.render())
    if not result.ok or result.model is None:
        sys.stderr.write("nothing written: the model has errors\n")
        sys.exit(1)
    text = emit_openapi.emit(result.model, result.document)[f"openapi/openapi.{fmt}"]
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
    files = pipeline.emit(result.model, result.document, tests if tests.is_dir() else None)
    target = output / "index.html"
    try:
        output.mkdir(parents=True, exist_ok=True)
        write_file(target, files["docs/index.html"].encode())
    except OSError as e:
        sys.stderr.write(f"{target}: error write: {e.strerror}\n")
        sys.exit(1)
    click.echo(f"{target}: written")


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
    files = pipeline.emit(result.model, result.document)
    matrix = tracing.compute(result.model, files, result.document, tests if tests.is_dir() else None, Path.cwd())
    for problem in matrix.problems:  # blanket or uncapped clause markers: not counted, and the trace fails
        sys.stderr.write(problem.render() + "\n")
    if junit is not None:
        tracing.add_results(matrix, junit)
    if clause is not None:
        row = matrix.row(clause)
        if row is None:
            sys.stderr.write(f"trace: error: {clause!r} is not a clause of the registry\n")
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
