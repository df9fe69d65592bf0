"""`nmsgen diff` classifies changes by what the generated client and server really do.

Each test is one rule of generator/reports/diff/rules.py (named in its docstring as ``kind action``): it edits
the minimal model of tests/cases/minimal into an OLD and a NEW side, generates both with the pipeline into a
temporary folder, imports their packages side by side, and

* checks the classification ``nmsgen diff`` gives the change (impact, and the note for strict clients);
* proves it on the generated code: the OLD client calls the NEW server (an ``httpx.MockTransport`` hands its
  requests to the NEW server's ASGI app, with a real signed token) and reads what the NEW server answers, and
  where the rule speaks of strict third-party clients, the OLD models read the same answer strictly (outside
  ``tolerant()``, as the generated server reads requests and as a strict client would).

The models' ``_base`` is the same file whatever the model (asserted), so both sides share the installed one.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import json
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pydantic
import pytest
import yaml
from fastapi.testclient import TestClient

import mcdata_store._base
from generator import pipeline
from generator.ir.model import Model
from generator.reports import diff as diffing

from ..conftest import FIXTURES
from ..support import Keys, user_token

KEYS = Keys()
BOX = "alice@example.test"
ROOT_URL = "https://store.example.test"
_names = itertools.count()

Spec = dict[str, Any]  # the minimal model's files by name ("types", "resources", "auth"), as YAML data
Edit = Callable[[Spec], None]


@dataclass
class Side:
    model: Model
    models: ModuleType
    client: ModuleType
    server: ModuleType
    auth: ModuleType
    store: ModuleType


def _load(name: str, folder: Path) -> ModuleType:
    base = Path(mcdata_store._base.__file__)
    assert (folder / "_base.py").read_text() == base.read_text(), "the models' _base differs from the installed one"
    sys.modules[f"{name}._base"] = mcdata_store._base  # the one models.py imports (tolerant() is its ContextVar)
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    return package


def generate(tmp: Path, label: str, *edits: Edit) -> Side:
    """The minimal model with ``edits`` applied, generated and imported as a package of its own."""
    folder = tmp / f"{label}-model"
    shutil.copytree(FIXTURES / "minimal", folder)
    data = {name: yaml.safe_load((folder / f"{name}.yaml").read_text()) for name in ("types", "resources", "auth")}
    data["types"].pop("examples")  # the fixture's example is of the unedited Thing
    bad_request = {"kind": "service", "text": "Invalid input value for message part %1", "variables": ["part"],
                   "http_status": 400, "clauses": ["C-1"]}  # fmt: skip
    data["auth"]["exceptions"]["SVC0002"] = bad_request  # what the server answers to a request it refuses
    for edit in edits:
        edit(data)
    for name, value in data.items():
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(value, sort_keys=False))
    result = pipeline.check(folder)
    assert result.ok and result.model is not None and result.index is not None, result.diagnostics.render()
    name = f"nmsdiff_{label}_{next(_names)}"
    package = tmp / name
    for path, text in pipeline.realise(result.index, result.document).items():
        if path.startswith("mcdata_store/"):
            target = package / path.removeprefix("mcdata_store/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    _load(name, package)
    mods = {m: importlib.import_module(f"{name}.{m}") for m in ("models", "client", "server", "auth", "store")}
    return Side(result.model, **mods)


@pytest.fixture
def sides(tmp_path: Path) -> Iterator[Callable[..., tuple[Side, Side, list[diffing.Change]]]]:
    loaded = set(sys.modules)

    def make(common: tuple[Edit, ...], old: tuple[Edit, ...], new: tuple[Edit, ...]) -> tuple[Side, Side, Any]:
        a = generate(tmp_path, "old", *common, *old)
        b = generate(tmp_path, "new", *common, *new)
        return a, b, diffing.diff(a.model, b.model, "old", "new").changes

    yield make
    for name in set(sys.modules) - loaded:
        if name.startswith("nmsdiff_"):
            del sys.modules[name]


def change(changes: list[diffing.Change], key: str, what: str = "") -> diffing.Change:
    found = [c for c in changes if c.key == key and what in c.what]
    assert len(found) == 1, f"{key} {what!r}: {[(c.key, c.what) for c in changes]}"
    return found[0]


# ---------------------------------------------------------------- the two sides talking


class Store:
    """A store answering every operation with ``answer`` (a function of the NEW side's models), or raising it."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        def method(ctx: Any, **kw: Any) -> Any:
            self.calls.append((name, kw))
            if isinstance(self.answer, Exception):
                raise self.answer
            return self.answer

        return method


TOKEN = user_token(KEYS, BOX, scope="3gpp:mc:data_service", exp=2**40)
THINGS = f"{ROOT_URL}/nms/v1/store/{BOX}/things"


def serving(side: Side, answer: Any = None) -> tuple[TestClient, Store]:
    """``side``'s server on a store answering ``answer``."""
    store = Store(answer)
    settings = side.auth.AuthSettings(
        keys=[side.auth.VerificationKey(KEYS.ec.public_key(), "ES256", "k1")], algorithms=["ES256"]
    )
    return TestClient(side.server.create_app(store, settings), base_url=ROOT_URL), store


def reading(side: Side, body: bytes) -> Any:
    """``side``'s client on a server answering ``body`` (JSON) to everything."""
    c = side.client
    answer = httpx.Response(200, content=body, headers={"content-type": "application/json"})
    transport = httpx.MockTransport(lambda request: answer)
    return c.MessageStoreClient(ROOT_URL, "store", BOX, auth=c.BearerTokenAuth(TOKEN), transport=transport)


@contextmanager
def calling(client_side: Side, server_side: Side, answer: Any = None) -> Iterator[tuple[Any, Store]]:
    """``client_side``'s client talking to ``server_side``'s server, whose store answers ``answer``."""
    app, store = serving(server_side, answer)

    def forward(request: httpx.Request) -> httpx.Response:
        r = app.request(request.method, str(request.url), headers=request.headers, content=request.content)
        return httpx.Response(r.status_code, headers=r.headers, content=r.content)

    c = client_side.client
    with c.MessageStoreClient(
        ROOT_URL, "store", BOX, auth=c.BearerTokenAuth(TOKEN), transport=httpx.MockTransport(forward)
    ) as client:
        yield client, store


def answer_of(side: Side, thing: Any) -> bytes:
    """The JSON body ``side``'s server answers for ``thing``."""
    return json.dumps({"thing": thing.to_wire()}).encode()


# ---------------------------------------------------------------- model edits


def thing_field(name: str, **field: Any) -> Edit:
    def edit(spec: Spec) -> None:
        spec["types"]["types"]["Thing"]["fields"][name] = {"description": f"The {name}.", **field}

    return edit


def thing_field_set(name: str, **attrs: Any) -> Edit:
    def edit(spec: Spec) -> None:
        spec["types"]["types"]["Thing"]["fields"][name].update(attrs)

    return edit


def drop_thing_field(name: str) -> Edit:
    def edit(spec: Spec) -> None:
        del spec["types"]["types"]["Thing"]["fields"][name]

    return edit


def thing_set(**attrs: Any) -> Edit:
    def edit(spec: Spec) -> None:
        spec["types"]["types"]["Thing"].update(attrs)

    return edit


def colours(*values: str) -> Edit:
    def edit(spec: Spec) -> None:
        spec["types"]["enums"]["Colour"]["values"] = [{"value": v} for v in values]

    return edit


def operation(spec: Spec, op_id: str) -> dict[str, Any]:
    for resource in spec["resources"]["resources"]:
        for op in resource["operations"]:
            if op["operation_id"] == op_id:
                found: dict[str, Any] = op
                return found
    raise KeyError(op_id)


def add_response(op_id: str, response: dict[str, Any]) -> Edit:
    return lambda spec: operation(spec, op_id)["responses"].append(response)


# ---------------------------------------------------------------- enumerations


def test_enum_value_added_to_answers_is_compatible_for_the_generated_client(sides: Any) -> None:
    """Rule ``enum-value added``: compatible; strict clients: breaking."""
    old, new, changes = sides((thing_field("colour", type="Colour"),), (), (colours("Red", "Blue", "Green"),))
    c = change(changes, "enum-value:Colour.Green")
    assert c.impact == "compatible" and "NmsEnum" in c.why
    assert "refuses the new value in answers" in c.strict
    with calling(old, new, new.models.Thing(name="a", colour=new.models.Colour.Green)) as (client, _):
        got = client.get_thing("t1")
    assert got.colour.value == "Green" and isinstance(got.colour, old.models.Colour)
    answer = answer_of(new, new.models.Thing(name="a", colour=new.models.Colour.Green))
    with pytest.raises(pydantic.ValidationError):  # a strict reader of OLD
        old.models.ThingBody.model_validate_json(answer)


def test_enum_value_removed_from_requests_breaks_the_old_client(sides: Any) -> None:
    """Rule ``enum-value removed``: breaking where clients send it (here a query parameter)."""
    old, new, changes = sides((), (), (colours("Red"),))
    c = change(changes, "enum-value:Colour.Blue")
    assert c.impact == "breaking" and "server refuses" in c.why and not c.strict
    with calling(old, old, old.models.Thing(name="a")) as (client, _):
        assert client.get_thing("t1", colour=old.models.Colour.Blue).name == "a"  # OLD server: fine
    with (
        calling(old, new, new.models.Thing(name="a")) as (client, store),
        pytest.raises(old.client.NmsApiError) as refused,
    ):
        client.get_thing("t1", colour=old.models.Colour.Blue)
    assert refused.value.status == 400 and refused.value.message_id == "SVC0002" and store.calls == []


def test_enum_value_removed_from_answers_only_is_compatible(sides: Any) -> None:
    """Rule ``enum-value removed``: compatible where only the store sends it (a read-only member of its own)."""

    def shade(*values: str) -> Edit:
        def edit(spec: Spec) -> None:
            spec["types"]["enums"]["Shade"] = {
                "description": "A shade.",
                "clauses": ["C-1"],
                "values": [{"value": v} for v in values],
            }

        return edit

    common = (thing_field("shade", type="Shade", access="read-only"),)
    old, new, changes = sides(common, (shade("Light", "Dark"),), (shade("Light"),))
    c = change(changes, "enum-value:Shade.Dark")
    assert c.impact == "compatible" and not c.strict
    with calling(old, new, new.models.Thing(name="a", shade=new.models.Shade.Light)) as (client, _):
        assert client.get_thing("t1").shade is old.models.Shade.Light


# ---------------------------------------------------------------- fields


@pytest.mark.parametrize("required", [False, True], ids=["optional", "required"])
def test_field_added_to_answers_is_compatible_for_the_generated_client(sides: Any, required: bool) -> None:
    """Rule ``field added``: compatible in answers (a closed type: strict clients: breaking)."""
    member = thing_field("weight", type="unsignedInt", access="read-only", required=required)
    old, new, changes = sides((), (), (member,))
    c = change(changes, "field:Thing.weight")
    assert c.impact == "compatible" and "model_extra" in c.why
    assert "additionalProperties: false" in c.strict
    thing = new.models.Thing(name="a", weight=7)
    with calling(old, new, thing) as (client, _):
        got = client.get_thing("t1")
    assert got.name == "a" and got.model_extra == {"weight": 7}
    with pytest.raises(pydantic.ValidationError):
        old.models.ThingBody.model_validate_json(answer_of(new, thing))


def test_required_field_added_to_requests_breaks_the_old_client(sides: Any) -> None:
    """Rule ``field added``: a new required request member is breaking; the NEW server refuses requests without it."""
    old, new, changes = sides((), (), (thing_field("owner", type="string", required=True),))
    c = change(changes, "field:Thing.owner")
    assert c.impact == "breaking" and not c.strict
    with calling(old, new, new.models.Thing(name="a", owner="o")) as (client, store):
        with pytest.raises(old.client.NmsApiError) as refused:
            client.create_thing(old.models.Thing(name="a"))
    assert refused.value.status == 400 and store.calls == []


@pytest.mark.parametrize("required", [False, True], ids=["optional", "required"])
def test_field_removed_from_answers(sides: Any, required: bool) -> None:
    """Rule ``field removed``: an optional answer member is read as absent (compatible), a required one is
    missed by the OLD models (breaking)."""
    old, new, changes = sides(
        (), (thing_field("weight", type="unsignedInt", access="read-only", required=required),), ()
    )
    c = change(changes, "field:Thing.weight")
    assert c.impact == ("breaking" if required else "compatible") and not c.strict
    with calling(old, new, new.models.Thing(name="a")) as (client, _):
        if required:
            with pytest.raises(pydantic.ValidationError):
                client.get_thing("t1")
        else:
            assert client.get_thing("t1").weight is None


def test_field_removed_from_a_closed_request_type_breaks_the_old_client(sides: Any) -> None:
    """Rule ``field removed``: OLD clients still send the member and the NEW (closed) type refuses it."""
    old, new, changes = sides((), (), (drop_thing_field("tags"),))
    c = change(changes, "field:Thing.tags")
    assert c.impact == "breaking" and "closed type refuses" in c.why
    with calling(old, new, new.models.Thing(name="a")) as (client, store):
        with pytest.raises(old.client.NmsApiError) as refused:
            client.create_thing(old.models.Thing(name="a", tags=[old.models.Tag("x")]))
    assert refused.value.status == 400 and store.calls == []


def test_field_required_becoming_optional_in_answers_breaks_the_old_client(sides: Any) -> None:
    """Rule ``field changed required``: required -> optional in answers is breaking: the OLD models require it."""
    weight = thing_field("weight", type="unsignedInt", access="read-only")
    old, new, changes = sides((weight,), (thing_field_set("weight", required=True),), ())
    c = change(changes, "field:Thing.weight", "required -> optional")
    assert c.impact == "breaking" and "refuses answers without" in c.why
    with calling(old, new, new.models.Thing(name="a")) as (client, _), pytest.raises(pydantic.ValidationError):
        client.get_thing("t1")


def test_field_optional_becoming_required_in_requests_breaks_the_old_client(sides: Any) -> None:
    """Rule ``field changed required``: optional -> required in requests is breaking: the NEW server refuses."""
    old, new, changes = sides((), (), (thing_field_set("tags", required=True),))
    c = change(changes, "field:Thing.tags", "optional -> required")
    assert c.impact == "breaking" and "server refuses" in c.why
    with calling(old, new, new.models.Thing(name="a", tags=[])) as (client, store):
        with pytest.raises(old.client.NmsApiError) as refused:
            client.create_thing(old.models.Thing(name="a"))
    assert refused.value.status == 400 and store.calls == []


def test_field_becoming_nullable_in_answers_breaks_the_old_client(sides: Any) -> None:
    """Rule ``field changed nullable``: false -> true in answers is breaking: the OLD models refuse null."""
    weight = thing_field("weight", type="unsignedInt", access="read-only")
    old, new, changes = sides((weight,), (), (thing_field_set("weight", nullable=True),))
    c = change(changes, "field:Thing.weight", "nullable")
    assert c.impact == "breaking" and "refuses null" in c.why
    with calling(old, new, new.models.Thing(name="a", weight=None)) as (client, _):
        with pytest.raises(pydantic.ValidationError, match="must not be null"):
            client.get_thing("t1")


def test_field_no_longer_nullable_in_requests_breaks_the_old_client(sides: Any) -> None:
    """Rule ``field changed nullable``: true -> false in requests is breaking: the NEW server refuses null."""
    note = thing_field("note", type="string")
    old, new, changes = sides((note,), (thing_field_set("note", nullable=True),), ())
    c = change(changes, "field:Thing.note", "nullable")
    assert c.impact == "breaking" and "server refuses the null" in c.why
    with calling(old, old, old.models.Thing(name="a")) as (client, _):
        client.create_thing(old.models.Thing(name="a", note=None))  # OLD server: fine
    with calling(old, new, new.models.Thing(name="a")) as (client, store):
        with pytest.raises(old.client.NmsApiError) as refused:
            client.create_thing(old.models.Thing(name="a", note=None))
    assert refused.value.status == 400 and store.calls == []


def test_a_wider_limit_in_answers_breaks_the_old_client(sides: Any) -> None:
    """Rule ``field changed max_length`` (narrowing): wider in answers is breaking: the OLD models check it."""
    old, new, changes = sides((), (thing_field_set("name", max_length=8),), (thing_field_set("name", max_length=16),))
    c = change(changes, "field:Thing.name", "max_length")
    assert c.impact == "breaking" and "checks the limit on answers" in c.why
    with calling(old, new, new.models.Thing(name="twelve chars")) as (client, _):
        with pytest.raises(pydantic.ValidationError):
            client.get_thing("t1")


def test_a_narrower_limit_in_requests_breaks_the_old_client(sides: Any) -> None:
    """Rule ``field changed max_length`` (narrowing): narrower in requests is breaking: the NEW server checks it."""
    old, new, changes = sides((), (thing_field_set("name", max_length=16),), (thing_field_set("name", max_length=8),))
    c = change(changes, "field:Thing.name", "max_length")
    assert c.impact == "breaking" and "server refuses" in c.why
    with calling(old, new, new.models.Thing(name="short")) as (client, store):
        with pytest.raises(old.client.NmsApiError) as refused:
            client.create_thing(old.models.Thing(name="twelve chars"))
    assert refused.value.status == 400 and store.calls == []


# ---------------------------------------------------------------- types: additionalProperties, choice groups


def test_a_type_opened_in_answers_is_compatible_for_the_generated_client(sides: Any) -> None:
    """Rule ``type changed`` additionalProperties closed -> open: compatible; strict clients: breaking. (The
    generated models of an open type drop unknown members, so the answer is one a vendor's NEW server may send.)"""
    old, new, changes = sides((), (), (thing_set(closed=False),))
    c = change(changes, "type:Thing", "closed -> open")
    assert c.impact == "compatible" and "model_extra" in c.why and "additionalProperties: false" in c.strict
    answer = json.dumps({"thing": {"name": "a", "vendorHint": "x"}}).encode()
    assert new.models.ThingBody.model_validate_json(answer, strict=True).thing.name == "a"  # NEW allows it
    with reading(old, answer) as client:
        got = client.get_thing("t1")
    assert got.name == "a" and got.model_extra == {"vendorHint": "x"}
    with pytest.raises(pydantic.ValidationError):
        old.models.ThingBody.model_validate_json(answer)


def test_a_type_closed_in_requests_is_breaking(sides: Any) -> None:
    """Rule ``type changed`` additionalProperties open -> closed: breaking in requests: the NEW server refuses
    extra members the OLD one accepted (the generated client itself sends only the members its model defines)."""
    old, new, changes = sides((), (thing_set(closed=False),), ())
    c = change(changes, "type:Thing", "open -> closed")
    assert c.impact == "breaking" and "server refuses the extra members" in c.why
    sent = {"thing": {"name": "a", "vendorHint": "x"}}
    headers = {"Authorization": f"Bearer {TOKEN}"}
    app, _ = serving(old, old.models.Thing(name="a"))
    assert app.post(THINGS, json=sent, headers=headers).status_code == 201  # OLD server: fine
    app, store = serving(new, new.models.Thing(name="a"))
    refused = app.post(THINGS, json=sent, headers=headers)
    assert refused.status_code == 400 and store.calls == []
    assert "vendorHint" not in old.models.Thing(name="a", vendorHint="x").to_wire()  # type: ignore[call-arg]


def _pair_fields(spec: Spec) -> None:
    thing_field("left", type="string")(spec)
    thing_field("right", type="string")(spec)


GROUP = [{"members": ["left", "right"], "required": False}]


def test_choice_groups_accepting_more_in_answers_break_the_old_client(sides: Any) -> None:
    """Rule ``type changed choices``: a group dropped lets answers carry both members; the OLD models refuse."""
    old, new, changes = sides((_pair_fields,), (thing_set(choices=GROUP),), ())
    c = change(changes, "type:Thing", "choice groups")
    assert c.impact == "breaking" and "generated client refuses" in c.why
    with calling(old, new, new.models.Thing(name="a", left="l", right="r")) as (client, _):
        with pytest.raises(pydantic.ValidationError, match="at most one of left, right"):
            client.get_thing("t1")


def test_choice_groups_accepting_less_in_requests_break_the_old_client(sides: Any) -> None:
    """Rule ``type changed choices``: a group added refuses requests carrying both members."""
    old, new, changes = sides((_pair_fields,), (), (thing_set(choices=GROUP),))
    c = change(changes, "type:Thing", "choice groups")
    assert c.impact == "breaking" and "server refuses combinations" in c.why
    with calling(old, new, new.models.Thing(name="a")) as (client, store):
        with pytest.raises(old.client.NmsApiError) as refused:
            client.create_thing(old.models.Thing(name="a", left="l", right="r"))
    assert refused.value.status == 400 and store.calls == []


def test_choice_groups_accepting_less_in_answers_only_are_compatible(sides: Any) -> None:
    """Rule ``type changed choices``: answers of a type only the store sends stay within what OLD accepted."""

    def stats(spec: Spec) -> None:
        spec["types"]["types"]["Stats"] = {
            "description": "Counters.",
            "clauses": ["C-1"],
            "fields": {
                "left": {"type": "string", "description": "L."},
                "right": {"type": "string", "description": "R."},
            },
        }
        thing_field("stats", type="Stats", access="read-only")(spec)

    def grouped(spec: Spec) -> None:
        spec["types"]["types"]["Stats"]["choices"] = GROUP

    old, new, changes = sides((stats,), (), (grouped,))
    c = change(changes, "type:Stats", "choice groups")
    assert c.impact == "compatible" and c.why == "answers stay within"
    with calling(old, new, new.models.Thing(name="a", stats=new.models.Stats(left="l"))) as (client, _):
        assert client.get_thing("t1").stats.left == "l"
    with pytest.raises(pydantic.ValidationError):  # what NEW no longer answers
        new.models.Stats(left="l", right="r")


# ---------------------------------------------------------------- responses and exceptions


def test_a_new_success_status_breaks_the_old_client(sides: Any) -> None:
    """Rule ``response added``: a success status the OLD client does not expect is breaking (NmsApiError)."""
    ok = {
        "status": 200,
        "description": "Deleted, the thing.",
        "bodies": [{"media": "application/json", "type": "Thing"}],
    }
    old, new, changes = sides((), (), (add_response("DeleteThing", ok),))
    c = change(changes, "response:DeleteThing.200")
    assert c.impact == "breaking" and "NmsApiError" in c.why
    answer = new.store.Answer(200, new.models.Thing(name="a"))
    with calling(old, new, answer) as (client, _), pytest.raises(old.client.NmsApiError) as unexpected:
        client.delete_thing("t1")
    assert unexpected.value.status == 200


def test_a_new_failure_status_and_exception_are_compatible(sides: Any) -> None:
    """Rules ``response added`` (a failure) and ``exception added``: the OLD client raises the error of the
    status, with the new exception's messageId."""

    def conflict(spec: Spec) -> None:
        spec["auth"]["exceptions"]["SVC0099"] = {
            "kind": "service",
            "text": "In use",
            "http_status": 409,
            "clauses": ["C-1"],
        }
        refused = {"status": 409, "description": "In use.", "exceptions": ["SVC0099"],
                   "bodies": [{"media": "application/json", "type": "RequestError"}]}  # fmt: skip
        operation(spec, "DeleteThing")["responses"].append(refused)

    old, new, changes = sides((), (), (conflict,))
    assert change(changes, "response:DeleteThing.409").impact == "compatible"
    assert change(changes, "exception:SVC0099").impact == "compatible"
    with calling(old, new, new.store.StoreError("SVC0099")) as (client, _):
        with pytest.raises(old.client.NmsApiError) as refused:
            client.delete_thing("t1")
    assert refused.value.status == 409 and refused.value.message_id == "SVC0099"
