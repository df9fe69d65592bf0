"""The pipeline, as a table of contents (``generator/README.md`` draws it):

    check:    load -> overlay -> parse -> build -> validate -> index -> OpenAPI document -> verify
    emit:     realise (document, models, server, clients, conformance kit) -> trace matrix -> docs page
    generate: check -> emit -> impact reports of the change requests -> write

Each stage lives in its own package (frontend/, checks/, ir/, emit/, reports/) and hands the next one a
typed value; diagnostics collect along the way, and any error stops the run before anything is written.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import escape
from .checks.validate import validate
from .checks.verify import Verdict, preload_validators, start_openapi_verdict, verify
from .diagnostics import QUIET, Diagnostics, Progress
from .emit import client as emit_client
from .emit import conformance as emit_conformance
from .emit import models as emit_models
from .emit import openapi as emit_openapi
from .emit import openapi_3gpp as emit_openapi_3gpp
from .emit import package as emit_package
from .emit import runtime as emit_runtime
from .emit import server as emit_server
from .emit.render import compile_templates, format_python
from .frontend import overlay as overlays
from .frontend.build import build
from .frontend.load import load
from .frontend.overlay import overlay
from .frontend.parse import parse
from .frontend.sources import Side
from .incremental import background, cache, manifest
from .ir import index
from .ir.model import Model
from .reports import diff as diffing
from .reports import docs, mutants, scan, trace
from .write import Plan, plan, with_manifest, write


@dataclass
class Result:
    diagnostics: Diagnostics
    model: Model | None = None
    index: index.Index | None = None  # the facts derived from the model, once
    document: dict[str, Any] = field(default_factory=dict)  # the OpenAPI document, verified
    files: dict[str, bytes] = field(default_factory=dict)
    plan: Plan | None = None
    verify: Callable[[], None] = lambda: None  # the checks of the document still to finish (check(verify_later))
    code: Callable[[], Code] | None = None  # the code, made by a child meanwhile (check(code_meanwhile))
    start_verify: Callable[[], None] = lambda: None  # start the document's verdict now (check(verify_later))

    @property
    def ok(self) -> bool:
        return self.model is not None and not self.diagnostics.has_errors

    @property
    def summary(self) -> str:
        if self.model is None:
            return "no model"
        md = self.model
        return (
            f"{len(md.clauses)} clauses, {len(md.open_points)} open points, {len(md.types)} types, "
            f"{len(md.enums)} enums, {len(md.resources)} resources, {len(md.operations)} operations"
        )


def check(
    spec: Path,
    with_: Sequence[str] = (),
    without: Sequence[str] = (),
    verify_later: bool = False,
    code_meanwhile: bool = False,
) -> Result:
    """The model and its document: load -> overlay -> parse -> build -> validate -> OpenAPI document -> verify.

    ``without`` reverts incorporated change requests of ``spec/changes/``, ``with_`` applies proposed ones.
    ``verify_later``: the document's verdict is left to a child, started by ``Result.start_verify`` (when a core
    is free) or else by ``Result.verify``, which finishes the checks (the caller emits meanwhile, and writes
    nothing before). ``code_meanwhile``: once the model is valid, a child makes the code that reads only the IR
    (:func:`code`, for :func:`emit`: ``Result.code``) while the document is built."""
    diags = Diagnostics()
    files = load(spec, diags)
    if with_ or without:
        files = overlay(spec, files, list(with_), list(without), diags)
    parsed = parse(files, diags)
    if diags.has_errors:
        return Result(diags)
    model = build(parsed, diags)
    if model is None or diags.has_errors:  # duplicates: rules would judge an arbitrary copy
        return Result(diags, model)
    validate(model, diags)
    if diags.has_errors:
        return Result(diags, model)
    ix = index.of(model)
    made = start_code(ix) if code_meanwhile else None
    document = emit_openapi.build_document(ix)
    if verify_later:
        started: list[Callable[[], Verdict]] = []

        def start() -> None:
            if not started:
                started.append(start_openapi_verdict(document))

        def finish() -> None:
            start()
            verify(model, document, diags, started[0])

        return Result(diags, model, ix, document, verify=finish, code=made, start_verify=start)
    verify(model, document, diags)
    return Result(diags, model, ix, document, code=made)


@dataclass
class Output:
    files: dict[str, str]  # every generated file, in memory
    matrix: trace.Trace  # the traceability matrix they hold (trace/, docs/); its problems: clause markers


def realise(ix: index.Index, document: dict[str, Any], made: Callable[[], Code] | None = None) -> dict[str, str]:
    """The files that realise the model: the document, the models, the store interface, auth and server, their
    static runtime, the clients, the package's own pyproject.toml, and the conformance kit; the traceability
    matrix finds its artifacts and kit tests in them. Up to four processes share the work (two cores): a child
    makes the code that reads only the IR (:func:`code`; ``made``: started before, by :func:`check`) and scans it
    for the matrix, a second child the 3GPP profile of the document, which nothing else reads, a third the models
    when the cache lacks them, and this process the document's texts."""
    published = background.start(functools.partial(emit_openapi_3gpp.emit, ix.model, document))
    made = made or start_code(ix)
    models_made = start_models(ix, document)
    document_files = emit_openapi.emit(document)
    models = format_python(emit_models.sources(ix, document, models_made()))
    python, scans = made()
    scan.remember(scans)
    return {
        **document_files,
        **published(),
        **emit_runtime.emit(ix),  # verbatim files, formatted already
        **models,
        **python,
        **emit_package.emit(ix),
    }


def start_models(ix: index.Index, document: dict[str, Any]) -> Callable[[], str]:
    """The models module (:func:`emit_models.generate_models`): read from the cache now, or made by a child while
    this process emits the document's texts (datamodel-code-generator takes 0.3-0.8 s); the returned function
    gives it, waiting for the child. A process that has not imported datamodel-code-generator yet makes them
    itself when asked: a child would import it and lose it, while a process that emits many models in a row
    (a library caller, a test) runs it 0.5 s faster from its second run on, and its children inherit that."""
    package = ix.model.api.package
    found = emit_models.cached(document, package)
    if found is not None:
        return lambda: found
    make = functools.partial(emit_models.generate_models, document, package)
    if "datamodel_code_generator" not in sys.modules:  # imported by preload() in a run of the CLI
        return make
    made: Callable[[], str] = background.start(make)
    return made


Code = tuple[dict[str, str], scan.Scans]  # the code's files and their scans for the matrix


def start_code(ix: index.Index) -> Callable[[], Code]:
    """:func:`code` with its scans, made by a child (the returned function waits for it)."""
    made: Callable[[], Code] = background.start(functools.partial(code, ix, with_scans=True), pickled=True)
    return made


def code(ix: index.Index, with_scans: bool = False) -> Code:
    """The store interface, auth, server, clients and conformance kit (formatted: one ruff run for all of them),
    and with ``with_scans`` their scans for the traceability matrix (:func:`scan.prefetch`)."""
    python = format_python(emit_server.sources(ix), emit_client.sources(ix), emit_conformance.sources(ix))
    return python, scan.prefetch(ix.model, python) if with_scans else {}


def emit(
    model: Model,
    document: dict[str, Any],
    tests: Path | None = None,
    spec: Path | None = None,
    made: Callable[[], Code] | None = None,
    realised: Callable[[], None] = lambda: None,
) -> Output:
    """IR (and its OpenAPI document) -> every generated file, in memory; the traceability matrix and the HTML
    docs last, as they read the others (and the clause markers of the tests in ``tests``; the docs list the change
    requests of ``spec``). Clause markers that break the citation rules (blanket, more than four ids without a
    reason) are the matrix's problems. ``made``: the code, started by :func:`check` (``Result.code``);
    ``realised``: called once the files are made, before the matrix (``Result.start_verify``: the children are
    done, a core is free)."""
    ix = index.of(model)
    files = realise(ix, document, made)
    realised()
    matrix = trace_matrix(model, files, document, tests)
    files.update(trace.emit(matrix))
    files.update(docs.emit(ix, document, matrix, spec))
    files["README.md"] = GENERATED_README
    return Output(files, matrix)


def matrix_inputs(ix: index.Index, document: dict[str, Any]) -> dict[str, str]:
    """What the traceability matrix reads, and no more: the document and code targets (the artifacts realising
    each clause, by file, symbol and line) and the conformance kit's test modules (their clause markers count
    as tests). Not the kit's support files and README, trace files, docs page, README or impact reports."""
    return {
        **emit_openapi.emit(document),
        **emit_runtime.emit(ix),
        **format_python(
            emit_models.sources(ix, document),
            emit_server.sources(ix),
            emit_client.sources(ix),
            emit_conformance.sources(ix, tests_only=True),
        ),
    }


def trace_matrix(model: Model, files: dict[str, str], document: dict[str, Any], tests: Path | None) -> trace.Trace:
    """The traceability matrix of ``files`` and of the clause markers in ``tests``, with the committed mutation
    evidence of ``tests`` applied: a citation it does not show verified is listed, not counted (reports/mutants.py)."""
    matrix = trace.compute(model, files, document, tests, Path.cwd())
    if tests is not None:
        mutants.apply_evidence(matrix, model, mutants.read_evidence(tests / mutants.EVIDENCE))
    return matrix


def traceability(model: Model, document: dict[str, Any], tests: Path | None = None) -> trace.Trace:
    """Only the traceability matrix (``nmsgen trace``, ``nmsgen docs``): computed from :func:`matrix_inputs`,
    made in memory; the same matrix :func:`emit` computes from every file."""
    return trace_matrix(model, matrix_inputs(index.of(model), document), document, tests)


def docs_page(model: Model, document: dict[str, Any], tests: Path | None = None, spec: Path | None = None) -> str:
    """Only the HTML reference (``nmsgen docs``): the document and the matrix, which reads the realising files
    (the page shows where in the generated code each clause is realised); no trace files, README or reports."""
    return docs.emit(index.of(model), document, traceability(model, document, tests), spec)[docs.PATH]


def generate(
    spec: Path,
    out: Path,
    check_only: bool = False,
    tests: Path | None = None,
    with_: Sequence[str] = (),
    without: Sequence[str] = (),
    inputs: manifest.Inputs | None = None,
    progress: Progress = QUIET,
) -> Result:
    """check, emit every file in memory (and the impact report of each change request of the baseline),
    then compare with ``out`` (``check_only``) or write it, with the manifest of the files and of ``inputs``
    (every input of the run: :func:`generator.incremental.manifest.inputs`, computed here when not given)."""
    if inputs is None:
        inputs = manifest.inputs(spec, tests, with_, without)
    # the other side of each change request not in the cache is checked and emitted by a child meanwhile (the
    # longest path of a cold run: started first; dropped unasked if the baseline does not check)
    started = start_impact_reports(spec, tests, inputs) if not with_ and not without else None
    with progress.stage("check the model (load, overlay, build, validate)"):
        result = check(spec, with_, without, verify_later=True, code_meanwhile=True)
    if result.ok and result.model is not None:
        with progress.stage("generate the files, the traceability matrix and the docs page"):
            try:
                output = emit(result.model, result.document, tests, spec, result.code, result.start_verify)
            except Exception:
                result.verify()  # an invalid document explains a failure to emit it
                if result.diagnostics.has_errors:
                    return result
                raise
        with progress.stage("verify the OpenAPI document (openapi-spec-validator, examples)"):
            result.verify()
        if result.diagnostics.has_errors:
            return result
        result.diagnostics.items += output.matrix.problems
        files = output.files
        if not with_ and not without:
            files.update(impact_reports(spec, result, files, tests, inputs, progress, started))
        if result.diagnostics.has_errors:
            return result
        result.files = with_manifest(files, inputs)
        with progress.stage(f"compare with {out}" if check_only else f"write {out}"):
            result.plan = plan(result.files, out) if check_only else write(result.files, out)
    return result


def compare(old: Side, new: Side, with_files: bool = True) -> tuple[diffing.Report | None, Diagnostics]:
    """Both sides through check (load -> overlay -> ... -> verify), then diff their IR (and generated files)."""
    diags = Diagnostics()
    a = check(old.spec, old.with_, old.without)
    b = check(new.spec, new.with_, new.without)
    diags.extend(a.diagnostics)
    diags.extend(b.diagnostics)
    if not (a.ok and b.ok) or a.model is None or b.model is None:
        return None, diags
    files_a = side_files(old, a.model, a.document) if with_files else None
    files_b = side_files(new, b.model, b.document) if with_files else None
    return diffing.diff(a.model, b.model, old.label, new.label, files_a, files_b), diags


def side_files(side: Side, model: Model, document: dict[str, Any]) -> dict[str, str]:
    """The generated files of one side of a diff (no test markers, no change requests' docs), from the cache
    when a run before emitted them from the same inputs (every input the manifest records for the side: its
    model files, overlays and options, the templates, the generator's source, the pinned tools)."""
    inputs = manifest.inputs(side.spec, None, side.with_, side.without)
    k = cache.key(cache.source_digest(), manifest.inputs_json(inputs))
    found = cache.get_text("side-files", k)
    if found is not None:
        files: dict[str, str] = json.loads(found)
        return files
    files = emit(model, document).files
    cache.put_text("side-files", k, json.dumps(files, ensure_ascii=False, sort_keys=True))
    return files


Started = dict[str, Callable[[], Any]]  # change id -> its other side, checked and emitted by a child


@dataclass
class OtherSide:
    """The model with (without) a change request, checked, and its files when it checks."""

    diagnostics: Diagnostics
    model: Model | None
    files: dict[str, str] | None


def _impact_key(inputs: manifest.Inputs | None, cid: str) -> str:
    return cache.key(cache.source_digest(), manifest.inputs_json(inputs), cid) if inputs is not None else ""


def preload() -> None:
    """Compile the templates and import datamodel-code-generator and the validators, so that the children forked
    next inherit them (a run that makes them anew needs them all; each costs 0.1-0.3 s)."""
    compile_templates()
    docs.compile_template()
    emit_models.preload()
    preload_validators()


def start_impact_reports(spec: Path, tests: Path | None, inputs: manifest.Inputs | None) -> Started:
    """For each change request whose report is not in the cache: a child process that checks and emits the
    model with (without) it, while the caller emits the baseline. The templates are compiled and
    datamodel-code-generator and the validators imported first, so the children (this one, and the one that
    validates the baseline's document) inherit them instead of loading them again."""
    missing = [cid for cid in overlays.available(spec) if cache.get("impact", _impact_key(inputs, cid) or "-") is None]
    if missing:
        preload()
    return {cid: background.start(functools.partial(_other_side, spec, cid, tests), pickled=True) for cid in missing}


def _other_side(spec: Path, cid: str, tests: Path | None) -> OtherSide | None:
    """The model with the proposed (without the incorporated) change request ``cid``, checked, and its files;
    None when the change request cannot be read (the report then reads it again and says why)."""
    ov = overlays.read(spec, cid, Diagnostics())
    if ov is None:
        return None
    other = check(spec, without=[cid]) if ov.change.state == "incorporated" else check(spec, with_=[cid])
    ok = other.ok and other.model is not None
    files = emit(other.model, other.document, tests, spec).files if ok and other.model is not None else None
    return OtherSide(other.diagnostics, other.model if ok else None, files)


def impact_reports(
    spec: Path,
    baseline: Result,
    baseline_files: dict[str, str],
    tests: Path | None = None,
    inputs: manifest.Inputs | None = None,
    progress: Progress = QUIET,
    started: Started | None = None,
) -> dict[str, str]:
    """``changes/<id>.md``: the API impact of each change request in ``spec/changes/`` (model before -> after).

    ``baseline_files`` are the baseline's generated files (already emitted by the caller, with the clause
    markers of ``tests``); the other side is emitted the same way (or was, by the children ``started``).
    Problems of an overlay are added to ``baseline.diagnostics`` (and so block the run). With the run's
    ``inputs``, a report made before from the same inputs (they include the change request) without any
    diagnostic comes from the cache."""
    out: dict[str, str] = {}
    for cid in overlays.available(spec):
        k = _impact_key(inputs, cid)
        report_text = cache.get_text("impact", k) if k else None
        if report_text is not None:
            out[f"changes/{cid}.md"] = report_text
            continue
        with progress.stage(f"impact report of {cid}"):
            before_diagnostics = len(baseline.diagnostics.items)
            other_side = (started or {}).get(cid, lambda: None)()
            report_text = _impact_report(spec, cid, baseline, baseline_files, tests, other_side)
        if report_text is not None:
            out[f"changes/{cid}.md"] = report_text
            if k and len(baseline.diagnostics.items) == before_diagnostics:
                cache.put_text("impact", k, report_text)
    return out


def _impact_report(
    spec: Path,
    cid: str,
    baseline: Result,
    baseline_files: dict[str, str],
    tests: Path | None,
    other_side: OtherSide | None = None,
) -> str | None:
    """The impact report of one change request: the other side checked and emitted (unless ``other_side``
    holds it already), then both compared."""
    ov = overlays.read(spec, cid, baseline.diagnostics)
    if ov is None:
        return None
    incorporated = ov.change.state == "incorporated"
    if other_side is None:
        other_side = _other_side(spec, cid, tests)
    if other_side is None:
        return None
    baseline.diagnostics.extend(other_side.diagnostics)
    if other_side.model is None or other_side.files is None or baseline.model is None:
        return None
    base_label, cr_label = (f"spec-{cid}", "spec") if incorporated else ("spec", f"spec+{cid}")
    models = (other_side.model, baseline.model) if incorporated else (baseline.model, other_side.model)
    files = (other_side.files, baseline_files) if incorporated else (baseline_files, other_side.files)
    report = diffing.diff(*models, base_label, cr_label, *files)
    return diffing.to_markdown(
        report,
        f"Impact of {escape.markdown(f'{ov.change.spec} CR {ov.change.cr}: {ov.change.title}')}",
        cover_page(ov.change, incorporated),
    )


def cover_page(c: overlays.ChangeIn, incorporated: bool) -> str:
    state = (
        "incorporated: `spec/` already contains it; the report compares `spec/` without it (`spec-ID`) with `spec/`"
        if incorporated
        else "proposed: the report compares `spec/` with `spec/` plus the change (`spec+ID`)"
    )
    md = escape.markdown
    rows = [
        ("Change", f"{escape.markdown_code(c.id)} ({escape.markdown_code(f'spec/changes/{c.id}.yaml')})"),
        ("Specification", md(c.spec)),
        ("CR", md(c.cr)),
        ("Revision", md(c.revision)),
        ("Category", md(c.category or "-")),
        ("Release", md(c.release or "-")),
        ("Source meeting", md(c.meeting)),
        ("Source TDoc", md(c.tdoc)),
        ("State", state),
    ]
    table = "\n".join(f"| {k} | {v} |" for k, v in rows)
    return (
        "<!-- generated from spec/ by nmsgen - do not edit -->\n\n"
        f"| | |\n|---|---|\n{table}\n\n{md(c.summary.strip(), block=True)}\n\n"
        "Impacts: **breaking** = a client or store written for the model before the change can fail after it; "
        "**compatible** = the contract grows in a way existing clients and stores accept; **editorial** = "
        "text, citations and open points only. Regenerate with `nmsgen generate`; the same report on the "
        f"command line: `nmsgen diff {f'spec-{c.id} spec' if incorporated else f'spec spec+{c.id}'} --format markdown`."
    )


GENERATED_README = """\
# generated/ — do not edit

Every file in this folder is generated by `nmsgen generate` from the model in `spec/`.
Edit the model and regenerate; `nmsgen generate --check` fails when this folder is out of date.

| path | what |
|---|---|
| `openapi/openapi.yaml`, `openapi/openapi.json` | the OpenAPI 3.0 document of the MCData message store |
| `openapi/TS24282_MCData_MessageStore.yaml` | the same API as 3GPP publishes (`nmsgen openapi --profile 3gpp`) |
| `mcdata_store/models.py` | pydantic v2 models of every NMS type and body (datamodel-code-generator) |
| `mcdata_store/_base.py` | their base class: xsd:choice groups enforced, `to_wire()` writes the NMS JSON encoding |
| `mcdata_store/store.py` | the store interface (`MessageStore`, one typed method per operation) and `request_error()` |
| `mcdata_store/auth.py` | clause-21 token validation and authorization, from spec/auth.yaml |
| `mcdata_store/server.py` | the FastAPI application: `create_app(store, auth_settings)` |
| `mcdata_store/client.py` | typed clients, sync and async, with MCData-7 and MCData-8 token handling |
| `mcdata_store/_runtime/` | the static runtime server and clients share, copied verbatim (the same for every model) |
| `pyproject.toml` | the package as a distribution of its own: `pip install ./generated` (needs no nmsgen) |
| `conformance/` | the conformance kit: a pytest suite to run against any store (`--base-url`, tokens, CA bundle) |
| `docs/index.html` | the API reference: one self-contained HTML file (operations, schemas, open points, the matrix) |
| `trace/trace.md`, `.csv`, `.json` | traceability: clause -> model elements -> generated artifacts -> tests |
| `changes/<id>.md` | the API impact report of each change request in spec/changes/ (`nmsgen diff`) |
| `.nmsgen-manifest` | the list of generated files with their SHA-256; marks this folder as nmsgen's |
"""
