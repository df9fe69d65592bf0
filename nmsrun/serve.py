"""``nmsgen serve``: the generated server on the reference store (SQLite or PostgreSQL), over TLS (1.2 minimum).

Everything here is deployment glue: settings from the command line -> AuthSettings, a TLS context
with a floor of TLS 1.2 (TS 33.210 section 6.2: TLS 1.0 and 1.1 shall not be supported), uvicorn.
"""

from __future__ import annotations

import logging
import ssl
import sys
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Literal

INSECURE_FLAG = "--insecure-dev-http"

# The request line and headers uvicorn (h11) reads before it refuses a request with its own text/plain 400:
# above the longest URL the OpenAPI document allows (percent-encoded, about 220 KB), so that every request
# the document allows reaches the application and its NMS error answers (README, "For the tools ...").
MAX_REQUEST_HEAD = 512 * 1024


@dataclass(frozen=True)
class ServeOptions:
    db: Path
    host: str
    port: int
    cert: Path | None
    key: Path | None
    insecure_dev_http: bool
    jwks: Path | None
    jwks_url: str | None
    jwks_ca: Path | None
    pem_keys: tuple[Path, ...]
    algorithms: tuple[str, ...]
    realm: str
    profile: Literal["3gpp", "rfc9068"]
    issuer: str | None
    audience: str | None
    all_accounts_scope: str | None
    leeway: int
    dev: bool = False  # the development token service (and certificate), never for production
    dev_dir: Path = Path(".nmsgen-dev")
    notify_ca: Path | None = None  # CA bundle for the subscriptions' notifyURL servers (None: system trust store)
    # further deployment settings of the model (spec/auth.yaml settings), by their model names
    settings: Mapping[str, Any] = field(default_factory=dict)
    store: str | None = None  # --store: a SQLite path, sqlite:///path or postgresql://… (None: --db)
    workers: int = 1  # --workers: server processes on the one listening socket
    notify_timeout: float = 10.0  # --notify-timeout: seconds per notification POST (the lease is 3 x this + 5 s)

    @property
    def location(self) -> str:
        return self.store if self.store is not None else str(self.db)


class ServeError(Exception):
    pass


class StoreUnusable(Exception):
    """The store file cannot be used: one line, ``{path}: error {code}: {message}`` (exit status 1)."""


def _log_to_stderr(name: str) -> None:
    """Warnings of the logger ``name`` on stderr as ``WARNING:  message`` (uvicorn's style), once."""
    log = logging.getLogger(name)
    if any(getattr(h, "nmsgen", False) for h in log.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s:  %(message)s"))
    handler.nmsgen = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.setLevel(logging.WARNING)
    log.propagate = False


def tls_context(cert: Path, key: Path, settings: Any = None) -> ssl.SSLContext:
    """The generated server's TLS context (the model's transport rule: the min_tls_version floor)."""
    from mcdata_store.auth import tls_context as generated  # noqa: PLC0415

    try:
        ctx: ssl.SSLContext = generated(cert, key, settings)
    except (OSError, ssl.SSLError) as e:
        raise ServeError(f"cannot load the certificate {cert} and key {key}: {e}") from e
    return ctx


def auth_settings(o: ServeOptions, extra_keys: tuple[Any, ...] = ()) -> Any:
    from mcdata_store.auth import AuthSettings, key_from_pem, keys_from_jwks, keys_from_jwks_url  # noqa: PLC0415

    keys = list(extra_keys)
    default_alg = o.algorithms[0] if len(o.algorithms) == 1 else None
    try:
        if o.jwks:
            keys += keys_from_jwks(o.jwks, default_alg)
        if o.jwks_url:
            keys += keys_from_jwks_url(o.jwks_url, default_alg, ca_file=o.jwks_ca)
        for pem in o.pem_keys:
            if default_alg is None:
                raise ServeError("a PEM key needs exactly one --algorithm to bind it to")
            keys.append(key_from_pem(pem, default_alg))
        return AuthSettings(
            keys=keys,
            algorithms=list(o.algorithms),
            realm=o.realm,
            profile=o.profile,
            issuer=o.issuer,
            audience=o.audience,
            all_accounts_scope=o.all_accounts_scope,
            leeway_seconds=o.leeway,
            **dict(o.settings),
        )
    except ServeError:
        raise
    except (OSError, ValueError, KeyError) as e:
        raise ServeError(f"token validation settings: {e}") from e


def run(o: ServeOptions) -> None:
    try:
        import uvicorn  # noqa: PLC0415

        from mcdata_store.auth import VerificationKey  # noqa: PLC0415
        from mcdata_store.server import create_app  # noqa: PLC0415
        from refstore import StoreFileError, open_store  # noqa: PLC0415
        from refstore.notify import NotifySettings  # noqa: PLC0415
        from refstore.open import is_postgresql  # noqa: PLC0415

        from .devtokens import DevTokens, dev_certificate  # noqa: PLC0415
    except ModuleNotFoundError as e:
        raise ServeError(
            f"{e.name} is not installed: serving needs the runtime's dependencies and the generated package "
            "(pip install 'nmsgen[serve]' ./generated)"
        ) from e

    cert, key, ca = o.cert, o.key, None
    dev = None
    extra: tuple[Any, ...] = ()
    if o.dev:
        dev = DevTokens.load(o.dev_dir, o.all_accounts_scope or "nmsgen-dev-all-accounts")
        o = replace(
            o, all_accounts_scope=dev.all_accounts_scope, algorithms=tuple(dict.fromkeys((*o.algorithms, "ES256")))
        )
        extra = (VerificationKey(dev.public_key(), "ES256", "nmsgen-dev"),)
        if not (cert or key or o.insecure_dev_http):
            ca, cert, key = dev_certificate(o.dev_dir, o.host)
    if o.insecure_dev_http:
        if cert or key:
            raise ServeError(f"{INSECURE_FLAG} and --cert/--key exclude each other")
    elif not (cert and key):
        raise ServeError(
            f"--cert and --key are required (TLS); --dev makes a development CA and certificate, "
            f"{INSECURE_FLAG} serves plain HTTP for development"
        )
    settings = auth_settings(o, extra)
    ctx = tls_context(cert, key, settings) if cert and key else None
    _log_to_stderr("refstore")  # failed notification deliveries, as uvicorn writes its own lines
    if is_postgresql(o.location) and find_spec("psycopg_pool") is None:
        raise ServeError(
            "a PostgreSQL store needs psycopg 3 and its pool, which are not installed: pip install 'nmsgen[postgresql]'"
        )

    class Server(uvicorn.Server):
        """uvicorn's server, telling ``started`` once it listens (what --workers waits for)."""

        def __init__(self, config: Any, started: Callable[[], None] | None) -> None:
            super().__init__(config)
            self._on_started = started

        async def startup(self, sockets: list[Any] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started and self._on_started is not None:
                self._on_started()

    def server(started: Callable[[], None] | None = None) -> tuple[Server, Any]:
        """The store (delivering notifications in background threads) and the server on it: in this process,
        or in each worker of --workers."""
        try:
            store = open_store(o.location, notify=NotifySettings(ca_file=o.notify_ca, timeout=o.notify_timeout))
        except ssl.SSLError as e:
            raise ServeError(f"cannot load the notify CA bundle {o.notify_ca}: {e}") from e
        except StoreFileError as e:  # before anything listens; the store closed what it had opened
            raise StoreUnusable(str(e)) from e
        app = create_app(store, settings)
        inner_lifespan = app.router.lifespan_context

        @asynccontextmanager
        async def lifespan(a: Any) -> AsyncIterator[Any]:
            async with inner_lifespan(a) as state:
                yield state
            store.close()  # at shutdown: stop the notification threads (uvicorn re-raises SIGTERM after it)

        app.router.lifespan_context = lifespan
        if dev is not None:
            app.mount("/dev", dev.app())
        config = uvicorn.Config(
            app,
            host=o.host,
            port=o.port,
            log_level="info",
            server_header=False,
            h11_max_incomplete_event_size=MAX_REQUEST_HEAD,
        )
        config.load()
        if ctx is not None:
            config.ssl = ctx
        return Server(config, started), store

    sock = None
    if o.workers > 1:
        from .workers import listen  # noqa: PLC0415

        try:  # the schema is created or upgraded once, before any worker starts; no thread runs at the fork
            open_store(o.location).close()
        except StoreFileError as e:
            raise StoreUnusable(str(e)) from e
        if o.notify_ca is not None:  # what a worker would fail on, said once here rather than by each worker
            try:
                ssl.create_default_context(cafile=str(o.notify_ca))
            except ssl.SSLError as e:
                raise ServeError(f"cannot load the notify CA bundle {o.notify_ca}: {e}") from e
        try:
            sock = listen(o.host, o.port)
        except OSError as e:
            raise ServeError(f"cannot listen on {o.host}:{o.port}: {e.strerror or e}") from e
    else:
        uv_server, store = server()
    scheme = "https" if ctx else "http"
    host = f"[{o.host}]" if ":" in o.host else o.host
    if o.insecure_dev_http:
        sys.stderr.write(
            "WARNING: plain HTTP without TLS: development only, never on a network (TS 24.282 21.1 "
            "requires HTTP over TLS)\n"
        )
    if dev is not None:
        sys.stderr.write(
            "WARNING: DEVELOPMENT token service enabled (--dev): anyone with the printed client secret "
            "gets tokens for every box. Never use in production.\n"
        )
        sys.stderr.write(dev.summary(f"{scheme}://{host}:{o.port}", ca))
    workers = f", {o.workers} workers" if o.workers > 1 else ""
    sys.stderr.write(
        f"nmsgen serve: listening on {scheme}://{host}:{o.port}/nms/v1/{{storeName}}/{{boxId}} "
        f"(store {shown_location(o.location)}, profile {o.profile}{workers})\n"
    )
    sys.stderr.flush()
    if sock is not None:
        from .workers import serve_workers  # noqa: PLC0415

        serve_workers(sock, o.workers, server, f"{scheme}://{host}:{o.port}")
        return
    try:
        uv_server.run()
    finally:
        store.close()  # stops the notification threads


def shown_location(location: str) -> str:
    """The store's location without a password (``postgresql://user:secret@host/db`` -> ``postgresql://user@host/db``)."""
    if "://" in location and "@" in location:
        scheme, rest = location.split("://", 1)
        credentials, where = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{where}"
    return location
