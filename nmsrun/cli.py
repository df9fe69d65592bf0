"""``nmsgen serve``: the command line of the runtime.

The ``nmsgen`` command (:mod:`generator.cli`) loads this module by its entry point (group ``nmsgen.commands``)
only when ``serve`` is asked for, so the generator never imports the runtime, the generated package or the
reference store. Running it needs the ``serve`` extra and the generated package: ``pip install 'nmsgen[serve]'
./generated``; without them it says so in one line.
"""

from __future__ import annotations

import sys
from importlib.util import find_spec
from pathlib import Path

import click

# what the serve extra installs (pip install 'nmsgen[serve]'): import name -> distribution
SERVE_EXTRA = {
    "fastapi": "fastapi",
    "uvicorn": "uvicorn",
    "jwt": "pyjwt",
    "cryptography": "cryptography",
    "httpx": "httpx",
    "python_multipart": "python-multipart",
}
GENERATED_PACKAGE = "mcdata_store"


def missing() -> str:
    """What `nmsgen serve` lacks to run, in one line ("" when nothing): the serve extra, or the generated package."""
    absent = [dist for name, dist in SERVE_EXTRA.items() if find_spec(name) is None]
    if absent:
        return f"nmsgen serve needs the serve extra ({', '.join(absent)} not installed): pip install 'nmsgen[serve]'"
    if find_spec(GENERATED_PACKAGE) is None:
        return (
            f"nmsgen serve runs the generated package {GENERATED_PACKAGE}, which is not installed: "
            "pip install ./generated (the output folder of nmsgen generate)"
        )
    return ""


@click.command(
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
@click.option(
    "--store",
    "store_location",
    metavar="URL",
    help="The store, instead of --db: a SQLite file (a path or sqlite:///path) or a PostgreSQL database "
    "(postgresql://user@host:port/database, needs the postgresql extra). The schema is created or upgraded at "
    "start.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes accepting on the one port, each with its own store connections; notifications are "
    "delivered once across them. For PostgreSQL; on SQLite they serialise on the one file.",
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
    help="Token validation profile: 3gpp (TS 33.180 as read second-hand) or rfc9068 (adds typ, iss, aud, jti, ...). "
    "Our choice: OP-TOKEN-CLAIMS.",
)
@click.option("--issuer", help="Expected iss (required by rfc9068; checked when set). Open point: OP-TOKEN-CLAIMS.")
@click.option(
    "--audience",
    help="This store's identifier that aud must contain (required by rfc9068; checked when set). "
    "Open point: OP-TOKEN-CLAIMS.",
)
@click.option(
    "--all-accounts-scope",
    help="The scope that lets MCData servers (MCData-8) reach every box; 3GPP defines none, so MCData-8 is "
    "refused until it is set. Open point: OP-MCDATA8-SCOPE.",
)
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
    help="Clock-skew leeway for exp/nbf/iat in seconds (at most 30). Our choice (TS 33.180): OP-LEEWAY.",
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
@click.option(
    "--notify-timeout",
    type=click.FloatRange(min=0.5, max=300),
    default=10.0,
    show_default=True,
    help="Seconds a notification POST may take (connect, send, answer each). A sender's lease on a subscription "
    "lasts 3 x this + 5 s: a worker killed mid-delivery leaves the subscription to another after that.",
)
@click.pass_context
def serve(
    click_ctx: click.Context,
    db: Path,
    store_location: str | None,
    workers: int,
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
    notify_timeout: float,
) -> None:
    """Run the generated server on the reference store (SQLite or PostgreSQL) over HTTPS (TLS 1.2 or 1.3)."""
    lacking = missing()
    if lacking:
        sys.stderr.write(f"serve: error: {lacking}\n")
        sys.exit(2)
    from . import serve as serving  # noqa: PLC0415 - uvicorn and the generated package load only to serve

    if not (jwks or jwks_url or pem_keys or dev):
        sys.stderr.write(
            "serve: error: no token keys: give --jwks, --jwks-url or --pem-key, or try it out with --dev "
            "(DEVELOPMENT ONLY: a development token service, CA and certificate)\n"
        )
        sys.exit(2)
    if store_location is not None and click_ctx.get_parameter_source("db") is not click.core.ParameterSource.DEFAULT:
        sys.stderr.write("serve: error: --db and --store name the store twice: give one (--store takes a URL)\n")
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
        store=store_location,
        workers=workers,
        notify_timeout=notify_timeout,
    )
    try:
        serving.run(options)
    except serving.ServeError as e:
        sys.stderr.write(f"serve: error: {e}\n")
        sys.exit(2)
    except serving.StoreUnusable as e:
        sys.stderr.write(f"{e}\n")
        sys.exit(1)
