"""A throwaway PostgreSQL cluster for the tests: ``initdb`` and ``pg_ctl`` (Debian's ``postgresql`` package,
which ``.ci/run`` installs) in a temporary folder, listening on a free loopback port only.

initdb refuses to run as root: as root the cluster runs as the ``postgres`` user of the package (or
``nobody``), through ``runuser``; as any other user, as that user. ``PG_BIN`` names the folder of the
binaries when they are not on PATH (Debian puts them in /usr/lib/postgresql/<version>/bin).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

__all__ = ["Cluster", "pg_available", "pg_bin"]


def pg_bin(name: str) -> str | None:
    """The path of a PostgreSQL server binary, or None."""
    folder = os.environ.get("PG_BIN")
    candidates = [str(Path(folder) / name)] if folder else []
    found = shutil.which(name)
    if found:
        candidates.append(found)
    candidates += sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return next((c for c in candidates if os.access(c, os.X_OK)), None)


def pg_available() -> bool:
    return pg_bin("initdb") is not None and pg_bin("pg_ctl") is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as() -> str | None:
    """The user to run the cluster as when we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and no 'postgres' or 'nobody' user to run PostgreSQL as")


class Cluster:
    """One cluster: ``start()``, ``url(db)``, ``create_database()``, ``stop(mode)``, ``destroy()``."""

    def __init__(self, *, durable: bool = True) -> None:
        self.user = _run_as()
        self.folder = Path(tempfile.mkdtemp(prefix="nms-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = _free_port()
        self.durable = durable
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self._cmd(
            pg_bin("initdb") or "initdb",
            "-D",
            str(self.data),
            "-U",
            "nms",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        settings = [
            "listen_addresses = '127.0.0.1'",
            f"port = {self.port}",
            "unix_socket_directories = ''",
            "max_connections = 200",
            "shared_buffers = 128MB",
        ]
        if not durable:  # the store tests' cluster: a crash of the machine may lose it, that is fine
            settings += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n".join(settings) + "\n")
        if self.user is not None:
            subprocess.run(["chown", "-R", self.user, str(self.data)], check=True)

    def _cmd(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        full = ["runuser", "-u", self.user, "--", *args] if self.user is not None else list(args)
        return subprocess.run(full, check=check, capture_output=True, text=True, timeout=120, cwd=self.folder)

    def start(self) -> None:
        if self.user is not None and self.log.exists():
            subprocess.run(["chown", self.user, str(self.log)], check=True)
        elif self.user is not None:
            self.log.touch()
            subprocess.run(["chown", self.user, str(self.log)], check=True)
        self._cmd(pg_bin("pg_ctl") or "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._cmd(pg_bin("pg_ctl") or "pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop", check=False)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://nms@127.0.0.1:{self.port}/{database}"

    def create_database(self, template: str | None = None) -> str:
        """A new empty database (or a copy of ``template``); its URL."""
        import psycopg  # noqa: PLC0415

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            if template is None:
                conn.execute(f'CREATE DATABASE "{name}"')
            else:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        import psycopg  # noqa: PLC0415

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def wait_ready(self, timeout: float = 30.0) -> None:
        import psycopg  # noqa: PLC0415

        end = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.url(), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.2)

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
