"""The runs of ``nmsgen trace --verify``: every mutant's citing tests, in fresh pytest processes against the
mutant package (first on PYTHONPATH), the kit's against a store started with it, then the failed ones again
against the real package (the baseline). What a mutant is, how a failure becomes a verified citation and the
evidence are the generator's (:mod:`generator.reports.mutants`); starting servers is the runtime's, so the
generator loads this module by its entry point (group ``nmsgen.runtime``) and never imports it. It needs the
serve extra and the generated package (:func:`missing` says what is lacking).
"""

from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from generator.ir import model as m
from generator.reports.mutants import (
    CLAUSES_ENV,
    PACKAGE_ENV,
    PASSES,
    Failed,
    Mutant,
    Outcome,
    Report,
    RunResult,
    Selection,
    key,
    mutable_clauses,
    mutant_files,
    mutants,
    read_report,
    select,
    verdicts,
)
from generator.reports.trace import Citation

from . import mutant_plugin as plugin
from .cli import missing

__all__ = ["missing", "verify"]


@dataclass(frozen=True)
class KitServer:
    """What the kit's store (``python -m generator serve``) and the kit itself are started with."""

    folder: Path
    issuer: str = "https://idms.nmsgen-verify.invalid"
    audience: str = "https://store.nmsgen-verify.invalid"
    scope: str = "nmsgen-verify-all-accounts"
    kid: str = "k1"

    @property
    def signing_key(self) -> Path:
        return self.folder / "idms-key.pem"

    @property
    def jwks(self) -> Path:
        return self.folder / "jwks.json"

    def prepare(self) -> tuple[Path, Path, Path]:
        """An IdMS signing key with its JWK set, a CA and a certificate for localhost: (ca, cert, key)."""
        import jwt  # noqa: PLC0415 - only the verify run needs these
        from cryptography.hazmat.primitives import serialization  # noqa: PLC0415
        from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415

        from .devtokens import dev_certificate  # noqa: PLC0415 - the serve extra

        self.folder.mkdir(parents=True, exist_ok=True)
        private = ec.generate_private_key(ec.SECP256R1())
        self.signing_key.write_bytes(
            private.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        jwk = jwt.algorithms.ECAlgorithm.to_jwk(private.public_key(), as_dict=True)
        self.jwks.write_text(json.dumps({"keys": [{**jwk, "kid": self.kid, "alg": "ES256", "use": "sig"}]}))
        return dev_certificate(self.folder, "127.0.0.1")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


PYTEST_TIMEOUT = 900  # seconds for one pytest run (a hung mutant must not hang CI)


def _imports(path: Path) -> set[str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return set()
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and not n.level}
    return {n.split(".")[0] for n in names}


def plugin_args(cwd: Path, node_ids: Sequence[str]) -> list[str]:
    """``-p`` options for the installed pytest plugins (entry points) whose package the selected test files or
    their conftest.py files import."""
    files = {cwd / n.split("::", 1)[0] for n in node_ids}
    imported: set[str] = set()
    conftests = {d / "conftest.py" for f in files for d in f.parents if d.is_relative_to(cwd)}
    for path in files | conftests:
        imported |= _imports(path) if path.is_file() else set()
    out = []
    for ep in sorted(entry_points(group="pytest11"), key=lambda e: e.name):
        dist = (ep.dist.name if ep.dist else ep.value.split(".")[0]).lower().replace("-", "_")
        if dist in imported:
            out += ["-p", ep.value]
    return out


class Runner:
    """Runs selections against packages, ``jobs`` at a time, in one temporary folder."""

    def __init__(self, files: dict[str, str], package: str, root: Path, work: Path) -> None:
        self.files = files  # every generated file, in memory (the real package and the kit come from here)
        self.package = package
        self.root = root
        self.work = work
        self.kit_base = work / "generated"  # the kit and the OpenAPI document it reads
        for rel, text in files.items():
            if rel.startswith("conformance/") or rel.startswith("openapi/"):
                target = self.kit_base / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        self.kit = KitServer(work / "kit-keys")
        self.ca, self.cert, self.key = self.kit.prepare()

    def write_package(self, folder: Path, overrides: dict[str, str]) -> Path:
        prefix = self.package + "/"
        for rel, text in {**{k: v for k, v in self.files.items() if k.startswith(prefix)}, **overrides}.items():
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        (folder / self.package / "py.typed").touch()
        return folder / self.package

    def env(self, pythonpath: Path, package: Path, clauses: Sequence[str]) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NMSGEN_VERIFY_"))}
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), str(self.root), *filter(None, [env.get("PYTHONPATH")])])
        env[PACKAGE_ENV] = str(package)
        env[CLAUSES_ENV] = " ".join(clauses)
        return env

    def pytest(self, args: list[str], cwd: Path, env: dict[str, str], report: Path, temp: Path) -> str:
        """Run pytest; "" when it ran its tests (some may fail), else what went wrong. Installed pytest plugins
        are loaded only when a test file (or its conftest) imports their package: starting pytest with all of
        them (hypothesis, schemathesis, ...) costs seconds, and a run happens twice per mutant."""
        cmd = [sys.executable, "-m", "pytest", "-p", plugin.__name__, "-p", "no:cacheprovider", "-q",
               *plugin_args(cwd, [a for a in args if "::" in a]), "--basetemp", str(temp), "--junitxml", str(report),
               *args]  # fmt: skip
        try:
            proc = subprocess.run(cmd, cwd=cwd, env={**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
                                  capture_output=True, text=True, timeout=PYTEST_TIMEOUT, check=False)  # fmt: skip
        except subprocess.TimeoutExpired:
            return f"pytest did not finish within {PYTEST_TIMEOUT} s: {' '.join(args[:3])} ..."
        if proc.returncode not in (0, 1) or not report.exists():
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-15:]
            return f"pytest exited {proc.returncode} in {cwd}:\n    " + "\n    ".join(tail)
        return ""

    def start_store(
        self, work: Path, env: dict[str, str], settings: Sequence[str]
    ) -> tuple[subprocess.Popen[str], str]:
        work.mkdir(parents=True, exist_ok=True)
        port = _free_port()
        log = work / f"store-{port}.log"
        cmd = [sys.executable, "-m", "generator", "serve", "--db", str(work / f"store-{port}.sqlite"),
               "--host", "127.0.0.1", "--port", str(port), "--cert", str(self.cert), "--key", str(self.key),
               "--jwks", str(self.kit.jwks), "--algorithm", "ES256", "--issuer", self.kit.issuer,
               "--audience", self.kit.audience, "--all-accounts-scope", self.kit.scope, *settings]  # fmt: skip
        with log.open("w") as out:
            proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=out, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = log.read_text()
            if "Uvicorn running" in text:  # logged once the socket listens
                return proc, f"https://localhost:{port}/nms/v1/myStore"
            if proc.poll() is not None:
                break
            time.sleep(0.1)
        proc.kill()
        proc.wait()
        raise RuntimeError("the store did not start:\n" + log.read_text()[-2000:])

    def run_kit(self, work: Path, env: dict[str, str], ids: Sequence[str], deposit: bool) -> RunResult:
        tag = "kit-deposit" if deposit else "kit"
        settings = ["--mcdata8-operations", "deposit"] if deposit else []
        try:
            proc, base_url = self.start_store(work, env, settings)
        except RuntimeError as e:
            return RunResult(error=str(e))
        report = work / f"{tag}.xml"
        try:
            error = self.pytest(
                ["--base-url", base_url, "--ca-bundle", str(self.ca), "--signing-key", str(self.kit.signing_key),
                 "--key-id", self.kit.kid, "--issuer", self.kit.issuer, "--audience", self.kit.audience,
                 "--scope", self.kit.scope, *settings, *ids],
                self.kit_base / "conformance", env, report, work / f"{tag}-tmp",
            )  # fmt: skip
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if error:
            return RunResult(error=error)
        return read_report(report, self.kit_base, "generated/", tag)

    def run(self, name: str, selection: Selection, overrides: dict[str, str]) -> RunResult:
        """The selection's tests against the package with ``overrides`` (the mutant's files; none = the real
        package): project tests, then the kit against the default deployment and, for the kit tests that had
        to skip there, against the deployment that restricts MCData-8 to the deposit set."""
        start = time.monotonic()
        work = self.work / name.replace(" ", "-")
        package = self.write_package(work / "pkg", overrides)
        env = self.env(work / "pkg", package, selection.clauses)
        result = RunResult()
        if selection.project:
            report = work / "project.xml"
            error = self.pytest(list(selection.project), self.root, env, report, work / "project-tmp")
            result.merge(RunResult(error=error) if error else read_report(report, self.root, "", "project"))
        if selection.kit:
            kit = self.run_kit(work, env, selection.kit, deposit=False)
            skipped = sorted({n.split("::", 1)[1].split("[", 1)[0] for n in kit.skipped})
            result.merge(kit)
            if skipped and not kit.error:
                ids = [i for i in selection.kit if i.split("::", 1)[1] in skipped]
                result.merge(self.run_kit(work, env, ids, deposit=True))
        result.seconds = time.monotonic() - start
        return result

    def rerun(self, name: str, failed: Sequence[Failed], clauses: Sequence[str], jobs: int) -> RunResult:
        """Exactly the ``failed`` items again, each where it failed, against the real package (its three
        places ``jobs`` at a time)."""
        start = time.monotonic()
        work = self.work / name
        package = self.write_package(work / "pkg", {})
        env = self.env(work / "pkg", package, clauses)
        nodes = {where: sorted({f.node for f in failed if f.where == where}) for where in PASSES}

        def part(where: str) -> RunResult:
            if where != "project":
                return self.run_kit(work / where, env, nodes[where], deposit=where == "kit-deposit")
            error = self.pytest(nodes[where], self.root, env, work / "project.xml", work / "project-tmp")
            return RunResult(error=error) if error else read_report(work / "project.xml", self.root, "", where)

        result = RunResult()
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for r in pool.map(part, [w for w in PASSES if nodes[w]]):
                result.merge(r)
        result.seconds = time.monotonic() - start
        return result


def verify(
    model: m.Model,
    files: dict[str, str],
    citations: Sequence[Citation],
    root: Path,
    jobs: int = 2,
    only: Sequence[str] = (),
    progress: Callable[[str], Any] = lambda line: None,
) -> Report:
    """Run every mutant (or those named in ``only``, as "kind id"), ``jobs`` at a time, the longest first; then
    run every test that failed against a mutant once more against the real package (the baseline): a failure
    there is no evidence against any mutant."""
    started = time.monotonic()
    items = [mu for mu in mutants(model) if not only or mu.name in only]
    selections = {mu.name: select(mu.clauses, citations) for mu in items}
    known = {key(c) for c in citations} | {(c.file, c.test, "") for c in citations}
    clauses = sorted(mutable_clauses(items))
    with tempfile.TemporaryDirectory(prefix="nmsgen-verify-") as tmp:
        runner = Runner(files, model.api.package, root, Path(tmp))

        def job(mu: Mutant) -> tuple[Mutant, RunResult]:
            selection = selections[mu.name]
            try:
                result = RunResult() if selection.empty else runner.run(mu.name, selection, mutant_files(model, mu))
            except (OSError, RuntimeError, ValueError, ET.ParseError) as e:  # one broken run: an error, not a crash
                result = RunResult(error=f"{type(e).__name__}: {e}")
            result.failed = [replace(f, keys=f.keys & known) for f in result.failed]  # the matrix's names only
            verdict = "killed" if result.failed and not result.error else "error" if result.error else "SURVIVED"
            progress(f"{mu.name}: {verdict}, {len(result.failed)} of {len(result.ran)} tests failed "
                     f"({result.seconds:.0f} s)")  # fmt: skip
            return mu, result

        longest_first = sorted(items, key=lambda mu: -len(selections[mu.name].project + selections[mu.name].kit))
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            done = dict(pool.map(job, longest_first))
        failed = list({(f.where, f.node): f for r in done.values() for f in r.failed}.values())
        try:
            baseline = runner.rerun("baseline", failed, clauses, jobs) if failed else RunResult()
        except (OSError, RuntimeError, ValueError, ET.ParseError) as e:
            baseline = RunResult(error=f"{type(e).__name__}: {e}")
        progress(f"baseline (no mutant): the {len(failed)} tests that failed against a mutant, "
                 f"{len(baseline.failed)} failed again ({baseline.seconds:.0f} s)")  # fmt: skip
    outcomes = [Outcome(mu, selections[mu.name], done[mu]) for mu in items]
    again = {(f.where, f.node) for f in baseline.failed}
    for o in outcomes:  # a failure the real package shows too is no evidence against the mutant
        o.result.failed = [f for f in o.result.failed if (f.where, f.node) not in again]
    return Report(outcomes, baseline, verdicts(outcomes, citations, set(clauses)), time.monotonic() - started)
