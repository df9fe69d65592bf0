"""The rule table: what each kind of difference between two models means to API consumers.

A :class:`Rule` says when an element changed in a way that matters (it was removed, added, or one of its
attributes differs) and what that change means to a client or store written against OLD: its impact,
one line for people, and why. Where the impact depends on the direction a type travels (request,
response) or on the change itself (a wider or narrower limit, optional -> required), the rule names the
function that decides. :mod:`.compare` pairs the elements of both models and applies the rules of each
pair's kind.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...ir import index
from ...ir import model as m
from .changes import Action, Change, Impact

BREAKING: Impact = "breaking"
COMPATIBLE: Impact = "compatible"
EDITORIAL: Impact = "editorial"
REMOVED: Action = "removed"
ADDED: Action = "added"
CHANGED: Action = "changed"

# Kinds of pair that are parts of another element: their changes are reported under the holder's kind (and key,
# given by the walk); a part that appears or disappears is a change of its holder.
PART_OF = {
    "callback": "operation",
    "response-body": "response",
    "response-header": "response",
    "operation-set": "interface",
    "common-response": "api",
}
REPORTED_AS = {**PART_OF, "base-parameter": "api", "base-path": "api", "limits": "api", "auth-section": "api"}


@dataclass(frozen=True)
class Pair:
    """One element in both models: ``a`` in OLD and ``b`` in NEW (``None`` on the side where it is absent)."""

    kind: str  # the rules that apply: "field", "response-body", ...
    key: str  # the key of its changes: "field:Thing.name"
    name: str  # how the rules' text names it: "Thing.name", "200", "application/json"
    a: Any
    b: Any
    clauses: Sequence[str]
    tokens: tuple[str, ...]  # names that find it in generated files
    owner: str = ""  # the element holding it, in the rules' text: the operation of a parameter
    dirs: frozenset[str] = frozenset()  # where its values travel: request, response
    holder: Pair | None = None  # the pair of the element holding it
    old: m.Model | None = None  # the OLD model, for rules that ask what it had

    @property
    def action(self) -> Action:
        return REMOVED if self.b is None else ADDED if self.a is None else CHANGED


@dataclass(frozen=True)
class Hit:
    """A rule that fired on a pair: the attribute that differs (``attr``: ``old`` -> ``new``), or what the rule's
    test found (``found``)."""

    pair: Pair
    attr: str = ""
    old: Any = None
    new: Any = None
    found: Any = None

    @property
    def name(self) -> str:
        return self.pair.name

    @property
    def owner(self) -> str:
        return self.pair.owner

    @property
    def a(self) -> Any:
        return self.pair.a

    @property
    def b(self) -> Any:
        return self.pair.b

    @property
    def dirs(self) -> frozenset[str]:
        return self.pair.dirs

    @property
    def textual(self) -> str:
        return _textual(self.a, self.b)

    @property
    def wider(self) -> bool:
        """The limit ``attr`` accepts in NEW everything it accepted in OLD."""
        return WIDER[self.attr](self.old, self.new)


class _Fields(Mapping[str, Any]):
    """A hit as the fields of a rule's text: ``"{name} {attr}: {old} -> {new}"``, ``"{b.path}"``."""

    def __init__(self, hit: Hit) -> None:
        self.hit = hit

    def __getitem__(self, key: str) -> Any:
        return getattr(self.hit, key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


Judge = Callable[[Hit], Any]


@dataclass(frozen=True)
class Rule:
    """When a ``kind`` of element is ``on`` (removed, added, changed), a change of ``impact``, told as ``what``,
    because ``why``. A changed element fires the rule once for each attribute of ``each`` that differs, once when
    any of ``any_of`` differs, or when ``when`` finds something. Texts are format strings over the :class:`Hit`
    (or functions of it); so is ``impact`` when it depends on the hit.

    ``impact`` is what the change means to the generated client and server (the client reads answers
    forward-compatibly, the server checks requests strictly: templates/models/_base.py.jinja); where a
    compatible change is one only a forward-compatible client accepts, ``strict`` tells what a strict
    third-party client does with it (the report shows it; the exit status follows ``impact``)."""

    kind: str
    on: Action
    impact: Impact | Judge
    what: str | Judge
    why: str | Judge = ""
    each: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    when: Callable[[Pair], Any] | None = None
    tokens: Judge | None = None  # names that find this change, when not the pair's
    strict: str | Judge = ""  # a compatible change that breaks strict third-party clients: how ('' when it does not)

    def hits(self, p: Pair) -> Iterator[Hit]:
        if self.on != p.action:
            return
        if p.action != CHANGED:
            yield Hit(p)
            return
        for attr in self.each:
            old, new = getattr(p.a, attr), getattr(p.b, attr)
            if old != new:
                yield Hit(p, attr, old, new)
        if self.any_of:
            old, new = (tuple(getattr(x, attr) for attr in self.any_of) for x in (p.a, p.b))
            if old != new:
                yield Hit(p, "", old, new)
        if self.when is not None:
            found = self.when(p)
            if found:
                yield Hit(p, found=found)

    def change(self, hit: Hit) -> Change:
        p = hit.pair
        holder_kind = PART_OF.get(p.kind)
        return Change(
            REPORTED_AS.get(p.kind, p.kind),
            p.key,
            CHANGED if holder_kind else p.action,
            _told(self.impact, hit),
            _told(self.what, hit),
            _told(self.why, hit),
            tuple(sorted(set(p.clauses))),
            (),
            self.tokens(hit) if self.tokens else p.tokens,
            _told(self.strict, hit),
        )


def _told(value: str | Judge, hit: Hit) -> Any:
    return value.format_map(_Fields(hit)) if isinstance(value, str) else value(hit)


# ---------------------------------------------------------------- what the rules decide with


def _wider_max(a: int | None, b: int | None) -> bool:
    """True when limit b accepts everything limit a accepted (None = no limit)."""
    return b is None or (a is not None and b >= a)


def _wider_min(a: int | None, b: int | None) -> bool:
    return b is None or (a is not None and b <= a)


def _same(a: object, b: object) -> bool:
    return a == b  # a changed pattern is never known to be wider


# the limits rules compare, and when a new value accepts everything the old one did
WIDER: dict[str, Callable[[Any, Any], bool]] = {
    "max_length": _wider_max,
    "max_items": _wider_max,
    "min_items": _wider_min,
    "pattern": _same,
    **{f.name: _wider_max for f in dataclasses.fields(m.Limits)},  # the api's default limits
}


def narrowing(h: Hit) -> Impact:
    """Wider limits break readers (responses), narrower ones break writers (requests)."""
    if h.wider:
        return BREAKING if "response" in h.dirs else COMPATIBLE
    return BREAKING if "request" in h.dirs or not h.dirs else COMPATIBLE


def narrowing_why(h: Hit) -> str:
    if h.wider:
        return (
            "wider values in answers: the generated client checks the limit on answers too and refuses them"
            if "response" in h.dirs
            else "accepts more"
        )
    return (
        "narrowed: the server refuses values clients send today"
        if "request" in h.dirs or not h.dirs
        else "answers stay within"
    )


def _breaking_if(test: Callable[[Hit], bool]) -> Judge:
    return lambda h: BREAKING if test(h) else COMPATIBLE


def _travels(direction: str) -> Callable[[Hit], bool]:
    return lambda h: direction in h.dirs


def _used_in_old(h: Hit) -> bool:
    assert h.pair.old is not None
    return bool(index.of(h.pair.old).directions.get(h.name))


def _field_removal_breaks(h: Hit) -> bool:
    """A required member missing from answers fails the generated client; an optional one it reads as absent.
    A closed request type refuses the member clients still send."""
    assert h.pair.holder is not None
    return ("response" in h.dirs and h.a.required) or ("request" in h.dirs and h.pair.holder.a.closed)


def _implied(groups: Sequence[m.Choice], g: m.Choice, required: Callable[[m.Choice], bool]) -> bool:
    """Every value that meets ``groups`` meets choice ``g``: at most one of its members (they are all members of
    one of ``groups``), and at least one when ``required`` (it holds all members of a required one)."""
    at_most = len(g.members) < 2 or any(set(g.members) <= set(x.members) for x in groups)
    at_least = not required(g) or any(required(x) and set(x.members) <= set(g.members) for x in groups)
    return at_most and at_least


def _choices_accept_all(a: Sequence[m.Choice], b: Sequence[m.Choice]) -> bool:
    """Choice groups ``b`` accept every value groups ``a`` accept, in answers and in requests."""
    return all(_implied(a, g, required) for g in b for required in _REQUIRED_IN)


# when a choice needs a member present: in answers, in requests
_REQUIRED_IN: tuple[Callable[[m.Choice], bool], ...] = (
    lambda c: c.required,
    lambda c: c.required or c.required_in_requests,
)


def _restriction_judged(h: Hit, wider: bool, narrower: bool, texts: tuple[str, str, str, str]) -> tuple[Impact, str]:
    """Like a limit: a restriction accepting more breaks readers (the generated client checks it on answers), one
    accepting less breaks writers (the server checks it on requests), a change both ways breaks both. ``texts``:
    why when unchanged, when wider in answers, when narrower for writers, when both ways."""
    same, readers, writers, both = texts
    if wider and narrower:
        return COMPATIBLE, same
    if wider:
        return (BREAKING, readers) if "response" in h.dirs else (COMPATIBLE, "the server accepts more")
    if narrower:
        return (BREAKING, writers) if _for_writers(h) else (COMPATIBLE, "answers stay within")
    return BREAKING, both


def _choices_judged(h: Hit) -> tuple[Impact, str]:
    """Choice groups: which members may appear together."""
    return _restriction_judged(
        h,
        _choices_accept_all(h.old, h.new),
        _choices_accept_all(h.new, h.old),
        (
            "the same members may appear together",
            "answers may carry members together that the generated client refuses (it checks the groups)",
            "the server refuses combinations clients send today",
            "which members may appear together changes both ways",
        ),
    )


def _rules_judged(h: Hit) -> tuple[Impact, str]:
    """Conditional rules (``rules:``) restrict values: rules only removed accept more, rules only added less."""
    old, new = set(h.old), set(h.new)
    return _restriction_judged(
        h,
        new <= old,
        old <= new,
        (
            "the same rules",
            "answers may carry values the generated client refuses (it checks the rules)",
            "the server refuses values clients send today",
            "which values are allowed changes both ways",
        ),
    )


def _rule_added(h: Hit) -> Impact:
    assert h.pair.old is not None
    if h.b.check == "interface" and len(h.pair.old.auth.interfaces) < 2:
        return COMPATIBLE  # it tells interfaces apart; OLD had one interface, whose tokens still pass
    return BREAKING


def _gone(attr: str) -> Callable[[Pair], str]:
    """The members of list ``attr`` that NEW no longer has, as text ('' when none)."""
    return lambda p: ", ".join(sorted(set(getattr(p.a, attr)) - set(getattr(p.b, attr))))


def _new(attr: str) -> Callable[[Pair], str]:
    return lambda p: ", ".join(sorted(set(getattr(p.b, attr)) - set(getattr(p.a, attr))))


def _differs(p: Pair) -> bool:
    return bool(p.a != p.b)


def _loses(p: Pair) -> str:
    return ", ".join(sorted(set(p.a.operations) - set(p.b.operations)))


def _gains(p: Pair) -> str:
    return "" if _loses(p) else ", ".join(sorted(set(p.b.operations) - set(p.a.operations)))


def _values_dropped(p: Pair) -> str:
    return ", ".join(str(v) for v in p.a.values if v not in p.b.values) if p.b.values else ""


def _base_form(p: m.Parameter) -> tuple[object, ...]:
    return (p.type, p.pattern, p.max_length)


def _ptype(p: m.Parameter) -> str:
    return f"{p.location} {p.type}{'[]' if p.array else ''}"


def _ftype(f: m.Field) -> str:
    return f"{f.type}{'[]' if f.array else ''}"


def _delta(a: Sequence[str], b: Sequence[str]) -> str:
    """'+X -Y' for two lists of ids."""
    plus = [f"+{x}" for x in b if x not in a]
    minus = [f"-{x}" for x in a if x not in b]
    return " ".join(plus + minus) or "reordered"


_TEXT_FIELDS = (
    "name",
    "caller",
    "summary",
    "description",
    "title",
    "question",
    "chosen",
    "alternatives",
    "sources",
    "rule",
    "condition",
    "text",
    "evidence",
    "oma_scope",
)


def _textual(a: Any, b: Any) -> str:
    """What changed in the text and citations of two versions of an element: 'clauses +X; description'."""
    parts = []
    for f in ("clauses", "open_points", "affects"):
        va, vb = getattr(a, f, None), getattr(b, f, None)
        if va != vb and isinstance(va, tuple) and isinstance(vb, tuple):
            parts.append(f"{f.replace('_', ' ')} {_delta(va, vb)}")
    changed = [f for f in _TEXT_FIELDS if getattr(a, f, None) != getattr(b, f, None)]
    if changed:
        parts.append(", ".join(changed) + " changed")
    return "; ".join(parts)


def _shown(v: object) -> object:
    """A value as the model writes it (a list, not the IR's tuple)."""
    return list(v) if isinstance(v, tuple) else v


def _short(v: Any) -> str:
    return json.dumps(v, sort_keys=True) if not isinstance(v, str) else v


def body_shape(b: m.Body) -> str:
    parts = ",".join(f"{p.name}:{p.type or p.media}{'?' if not p.required else ''}" for p in b.parts)
    return f"{b.type or b.media}" + (f"[{parts}]" if parts else "")


def field_dirs(d: frozenset[str], f: m.Field) -> frozenset[str]:
    if f.access == "read-only":
        return d & {"response"}
    if f.access == "write-only":
        return d & {"request"}
    return d


def _optionality(h: Hit) -> str:
    return "optional -> required" if h.new else "required -> optional"


def _required(x: Any) -> str:
    return "required" if x.required else "optional"


# ---------------------------------------------------------------- texts and impacts that need a function


def _rule_added_why(h: Hit) -> str:
    if _rule_added(h) == COMPATIBLE:
        return "it tells interfaces apart; OLD had one interface, whose tokens still pass"
    return "changed auth requirement: tokens accepted today may be refused"


def _open_point_changed(h: Hit) -> str:
    status = f"status {h.a.status} -> {h.b.status}; " if h.a.status != h.b.status else ""
    return f"open point {h.name} {status}{h.textual}"


def _field_removed_why(h: Hit) -> str:
    assert h.pair.holder is not None
    if "response" in h.dirs and h.a.required:
        return "removed required response field: the generated client refuses answers without it"
    if "request" in h.dirs and h.pair.holder.a.closed:
        return "clients still send it and the closed type refuses it"
    if "response" in h.dirs:
        return "it was optional: the generated client reads it as absent; code that used its value loses it"
    return ""


def _field_added_why(h: Hit) -> str:
    if h.b.required and "request" in h.dirs:
        return "new required request field: clients do not send it"
    if "response" in h.dirs:
        return "the generated client keeps a member it does not know in model_extra"
    return ""


def _strict_meet_unknown_member(h: Hit) -> str:
    """A new member in answers of a type OLD closed: a client validating additionalProperties: false refuses it."""
    assert h.pair.holder is not None
    if _required_in_request(h) or "response" not in h.dirs or not h.pair.holder.a.closed:
        return ""
    return "a client validating additionalProperties: false refuses the new member in answers"


def _field_required_why(h: Hit) -> str:
    if h.new:  # optional -> required
        return (
            "new required request field: the server refuses requests without it"
            if "request" in h.dirs
            else "always sent now; clients that read it still work"
        )
    return (
        "the generated client refuses answers without a member its model requires"
        if "response" in h.dirs
        else "clients may omit it now"
    )


def _clause_changed(h: Hit) -> str:
    resolved = " (FFS resolved)" if h.attr == "status" and h.old == "ffs" else ""
    return f"clause {h.name} {h.attr}: {h.old} -> {h.new}{resolved}"


def _api_text(h: Hit) -> str:
    return f"api {'version ' + h.a.version + ' -> ' + h.b.version if h.a.version != h.b.version else 'text changed'}"


def _either(test: Callable[[Hit], bool], yes: str, no: str) -> Judge:
    return lambda h: yes if test(h) else no


_was_mandatory: Callable[[Hit], bool] = lambda h: h.old == "mandatory"  # noqa: E731
_new_value: Callable[[Hit], bool] = lambda h: bool(h.new)  # noqa: E731
_success: Callable[[Hit], bool] = lambda h: h.b.status < 400  # noqa: E731
_not_wider: Callable[[Hit], bool] = lambda h: not h.wider  # noqa: E731
_required_in_request: Callable[[Hit], bool] = lambda h: h.b.required and "request" in h.dirs  # noqa: E731
_for_writers: Callable[[Hit], bool] = lambda h: "request" in h.dirs or not h.dirs  # noqa: E731

# the named elements of the auth model: what adding or removing one means, and the attributes that are its text
_AUTH_NAMED: tuple[tuple[str, tuple[Impact | Judge, str | Judge], tuple[Impact, str], tuple[str, ...]], ...] = (
    ("interface", (COMPATIBLE, "a new kind of caller; existing callers keep their access"),
     (BREAKING, "changed auth requirement: its callers are refused"),
     ("description", "caller", "open_points", "clauses")),
    ("scheme", (COMPATIBLE, "a new way to authenticate; existing tokens keep working"),
     (BREAKING, "tokens of this scheme are refused"), ("description", "clauses")),
    ("profile", (COMPATIBLE, "a new validation profile a deployment may choose"),
     (BREAKING, "deployments using it must change"), ("description", "clauses")),
    ("rule", (_rule_added, _rule_added_why),
     (COMPATIBLE, "token validation becomes more lenient (review the security impact)"),
     ("rule", "open_points", "clauses")),
    ("challenge", (COMPATIBLE, "a new documented failure answer"),
     (COMPATIBLE, "a failure answer is no longer documented"), ("condition", "open_points", "clauses")),
)  # fmt: skip

_TEXT = ("description", "clauses")
_NARROWED = "narrowed: the server refuses values clients send today"
_SET_LOST = "deployments restricted to the set lose operations (or fail to start)"
_SET_GAINED = "a deployment may restrict the interface to it"

# ---------------------------------------------------------------- the rule table
# Rule(kind, on, impact, what, why, each= / any_of= / when=): see Rule. {name} is the element, {owner} what holds it.

# fmt: off
RULES: tuple[Rule, ...] = (
    # ------------------------------------------------ clauses and open points: text, no effect on the wire
    Rule("clause", REMOVED, EDITORIAL, "clause {name} removed"),
    Rule("clause", ADDED, EDITORIAL, "clause {name} added ({b.source} {b.clause}, {b.kind}, {b.status})"),
    Rule("clause", CHANGED, EDITORIAL, _clause_changed, each=("status", "kind", "source", "clause")),
    Rule("clause", CHANGED, EDITORIAL, "clause {name} text changed", each=("text",)),
    Rule("clause", CHANGED, EDITORIAL, "clause {name} evidence changed", each=("evidence",)),
    Rule("open-point", REMOVED, EDITORIAL, "open point {name} removed (closed)"),
    Rule("open-point", ADDED, EDITORIAL, "open point {name} added: {b.title}"),
    Rule("open-point", CHANGED, EDITORIAL, _open_point_changed, when=_differs),
    # ------------------------------------------------ resources and operations
    Rule("resource", REMOVED, BREAKING, "resource {name} ({a.path}) removed", "its URLs answer 404"),
    Rule("resource", ADDED, COMPATIBLE, "resource {name} ({b.path}) added"),
    Rule("resource", CHANGED, BREAKING, "resource {name} path: {old} -> {new}", "clients call the old URL",
         each=("path",), tokens=lambda h: (h.old, h.new)),
    Rule("resource", CHANGED, COMPATIBLE,
         lambda h: f"resource {h.name} Allow: {', '.join(h.old)} -> {', '.join(h.new)}",
         "the Allow header of 405 answers follows the methods, which are classified as operations; "
         "clients do not depend on its value", each=("allow",)),
    Rule("resource", CHANGED, EDITORIAL, "resource {name} {textual}",
         any_of=("name", "description", "clauses", "open_points")),
    Rule("operation", REMOVED, BREAKING, "operation {name} removed ({a.method} {a.path})",
         "a client calling it gets 404/405; a store implementing it keeps dead code"),
    Rule("operation", ADDED, COMPATIBLE, "operation {name} added ({b.method} {b.path})",
         "existing clients do not call it; stores must implement it"),
    Rule("operation", CHANGED, BREAKING, "operation {name} moved: {a.method} {a.path} -> {b.method} {b.path}",
         "clients call the old method and path", any_of=("method", "path")),
    Rule("operation", CHANGED, BREAKING, "operation {name}: interface {found} may no longer call it",
         "changed auth requirement: those callers are now refused", when=_gone("interfaces")),
    Rule("operation", CHANGED, COMPATIBLE, "operation {name}: interface {found} may now call it",
         "existing callers keep their access; stores must accept the new caller", when=_new("interfaces")),
    Rule("operation", CHANGED, _breaking_if(_was_mandatory), "operation {name} conformance: {old} -> {new}",
         _either(_was_mandatory, "a store may now omit it", "stores must now implement it"),
         each=("conformance",)),
    Rule("operation", CHANGED, _breaking_if(_new_value), "operation {name}: request body required {old} -> {new}",
         _either(_new_value, "clients that send no body are refused", "a body may be omitted"),
         each=("request_required",)),
    Rule("operation", CHANGED, EDITORIAL, "operation {name} {textual}",
         any_of=("summary", "description", "clauses", "open_points", "oma_scope")),
    Rule("callback", REMOVED, BREAKING, "operation {owner}: callback {name} removed", "subscribers stop receiving it"),
    Rule("callback", ADDED, COMPATIBLE, "operation {owner}: callback {name} added"),
    # ------------------------------------------------ an operation's parameters, request bodies and responses
    Rule("parameter", REMOVED, BREAKING, "{a.location} parameter {name} of {owner} removed",
         "clients that send it are refused or silently ignored"),
    Rule("parameter", ADDED, _breaking_if(lambda h: h.b.required),
         lambda h: f"{_required(h.b)} {h.b.location} parameter {h.name} of {h.owner} added",
         _either(lambda h: h.b.required, "new required parameter: existing calls lack it", "")),
    Rule("parameter", CHANGED, BREAKING, lambda h: f"parameter {h.name} of {h.owner}: {_ptype(h.a)} -> {_ptype(h.b)}",
         "clients send the old form", any_of=("location", "type", "array")),
    Rule("parameter", CHANGED, _breaking_if(_new_value),
         lambda h: f"parameter {h.name} of {h.owner}: {_optionality(h)}",
         _either(_new_value, "new required parameter: existing calls lack it", ""), each=("required",)),
    Rule("parameter", CHANGED, _breaking_if(_not_wider), "parameter {name} of {owner} {attr}: {old} -> {new}",
         _either(_not_wider, _NARROWED, ""), each=("max_length", "max_items", "pattern")),
    Rule("parameter", CHANGED, EDITORIAL, "parameter {name} of {owner} text changed", any_of=_TEXT),
    # request bodies by media type (a, b: the shape of the body)
    Rule("request", REMOVED, BREAKING, "request body {name} of {owner} removed", "clients sending it are refused"),
    Rule("request", ADDED, COMPATIBLE, "request body {name} of {owner} added"),
    Rule("request-rules", CHANGED, lambda h: _rules_judged(h)[0], "request body {name} of {owner}: rules changed",
         lambda h: _rules_judged(h)[1], each=("rules",)),
    Rule("request", CHANGED, BREAKING, "request body {name} of {owner}: {a} -> {b}", "clients send the old body",
         when=_differs),
    Rule("response", REMOVED, BREAKING, "response {name} of {owner} removed",
         "changed status code: clients expecting it see another"),
    Rule("response", ADDED, _breaking_if(_success), "response {name} of {owner} added",
         _either(_success, "changed status code: a success the generated client does not expect (NmsApiError)",
                 "a documented failure; the generated client raises the error of its status")),
    Rule("response", CHANGED, COMPATIBLE,
         lambda h: f"response {h.name} of {h.owner}: exceptions {', '.join(h.old) or '-'} -> {', '.join(h.new) or '-'}",
         "error bodies keep their shape", each=("exceptions",)),
    Rule("response", CHANGED, EDITORIAL, "response {name} of {owner} text changed", any_of=_TEXT),
    # a response's bodies by media type (a, b: the shape of the body) and its headers; {owner}: "200 of GetThing"
    Rule("response-body", REMOVED, BREAKING, "response {owner}: body {name} removed",
         "clients read a body that is no longer sent"),
    Rule("response-body", ADDED, BREAKING, "response {owner}: body {name} added",
         "clients receive a media type they do not parse"),
    Rule("response-body", CHANGED, BREAKING, "response {owner}: body {a} -> {b}", "clients parse the old body",
         when=_differs),
    Rule("response-header", REMOVED, BREAKING, "response {owner}: header {name} removed", "clients read it"),
    Rule("response-header", ADDED, COMPATIBLE, "response {owner}: header {name} added"),
    # ------------------------------------------------ types and fields ({dirs}: where the type's values travel)
    Rule("type", REMOVED, _breaking_if(_used_in_old), "type {name} removed",
         _either(_used_in_old, "bodies of this type are no longer understood", "it was not used by any operation")),
    Rule("type", ADDED, COMPATIBLE, "type {name} added"),
    Rule("type", CHANGED, BREAKING, "type {name} {attr}: {old} -> {new}", "the JSON shape changes",
         each=("kind", "base", "root")),
    Rule("type", CHANGED, narrowing, "type {name} {attr}: {old} -> {new}", narrowing_why,
         each=("max_length", "pattern")),
    Rule("type", CHANGED, COMPATIBLE, "type {name} additionalProperties: closed -> open",
         _either(_travels("response"), "the generated client keeps members it does not know in model_extra",
                 "the server accepts more"), when=lambda p: p.a.closed and not p.b.closed,
         strict=_either(_travels("response"), "a client validating additionalProperties: false refuses unknown "
                        "members in answers", "")),
    Rule("type", CHANGED, _breaking_if(_travels("request")), "type {name} additionalProperties: open -> closed",
         _either(_travels("request"), "the server refuses the extra members clients send today",
                 "answers stay within"), when=lambda p: not p.a.closed and p.b.closed),
    Rule("type", CHANGED, lambda h: _choices_judged(h)[0], "type {name} choice groups changed",
         lambda h: _choices_judged(h)[1], each=("choices",)),
    Rule("type", CHANGED, lambda h: _rules_judged(h)[0], "type {name} conditional rules changed",
         lambda h: _rules_judged(h)[1], each=("rules",)),
    Rule("type", CHANGED, EDITORIAL, "type {name} text changed", any_of=_TEXT),
    Rule("field", REMOVED, _breaking_if(_field_removal_breaks), "field {owner}.{name} removed", _field_removed_why),
    Rule("field", ADDED, _breaking_if(_required_in_request),
         lambda h: f"{_required(h.b)} field {h.owner}.{h.name} added", _field_added_why,
         strict=_strict_meet_unknown_member),
    Rule("field", CHANGED, BREAKING, lambda h: f"field {h.owner}.{h.name}: {_ftype(h.a)} -> {_ftype(h.b)}",
         "the member's JSON type changes", any_of=("type", "array")),
    Rule("field", CHANGED, _breaking_if(lambda h: ("request" if h.new else "response") in h.dirs),
         lambda h: f"field {h.owner}.{h.name}: {_optionality(h)}", _field_required_why, each=("required",)),
    Rule("field", CHANGED, BREAKING, "field {owner}.{name} access: {old} -> {new}", "who may send or read it changes",
         each=("access",)),
    Rule("field", CHANGED, _breaking_if(lambda h: ("response" if h.new else "request") in h.dirs),
         "field {owner}.{name} nullable: {old} -> {new}",
         _either(_new_value, "null now appears in answers: the generated client refuses null where its model does "
                 "not allow it", "the server refuses the null clients send today"), each=("nullable",)),
    Rule("field", CHANGED, narrowing, "field {owner}.{name} {attr}: {old} -> {new}", narrowing_why,
         each=("max_length", "max_items", "min_items", "pattern")),
    Rule("field", CHANGED, BREAKING, "field {owner}.{name} default: {old} -> {new}",
         "an omitted member now means something else", each=("default",)),
    Rule("field", CHANGED, EDITORIAL, "field {owner}.{name} text changed", any_of=_TEXT),
    # ------------------------------------------------ enumerations and exceptions
    Rule("enum", REMOVED, _breaking_if(_used_in_old), "enumeration {name} removed",
         _either(_used_in_old, "values of it are no longer understood", "it was not used")),
    Rule("enum", ADDED, COMPATIBLE, "enumeration {name} added"),
    Rule("enum", CHANGED, EDITORIAL, "enumeration {name} text changed", any_of=_TEXT),
    Rule("enum-value", REMOVED, _breaking_if(_for_writers), "value {name} of {owner} removed",
         _either(_for_writers, "narrowed enumeration: the server refuses the value clients send today",
                 "only the store sends it: clients never see it again")),
    Rule("enum-value", ADDED, COMPATIBLE, "value {name} of {owner} added",
         _either(_travels("response"), "the generated client keeps a value it does not know (NmsEnum)",
                 "clients may send it; stores must accept it"),
         strict=_either(_travels("response"), "a client validating the enumeration refuses the new value in "
                        "answers", "")),
    Rule("exception", REMOVED, COMPATIBLE, "exception {name} removed", "no longer answered"),
    Rule("exception", ADDED, COMPATIBLE, "exception {name} added",
         "a new failure reason in the same requestError body; the generated client raises it with its messageId"),
    Rule("exception", CHANGED, BREAKING, "exception {name} status: {old} -> {new}", "changed status code",
         each=("http_status",)),
    Rule("exception", CHANGED, EDITORIAL, "exception {name} text changed", any_of=("text", "variables", "kind")),
    # ------------------------------------------------ the auth model
    Rule("interface", CHANGED, BREAKING, lambda h: f"interface {h.name} {h.attr}: {_shown(h.old)} -> {_shown(h.new)}",
         "changed auth requirement", each=("scheme", "required_scopes", "box_binding", "box_claim")),
    Rule("interface", CHANGED, BREAKING, "interface {name} requires claims {found}", "tokens without them are refused",
         when=_new("required_claims")),
    Rule("interface", CHANGED, COMPATIBLE, "interface {name} no longer requires {found}",
         when=_gone("required_claims")),
    Rule("interface", CHANGED, COMPATIBLE,
         lambda h: f"interface {h.name} operations setting: {h.old or '-'} -> {h.new or '-'}",
         "which deployment setting may restrict the interface", each=("operations_setting",)),
    Rule("operation-set", REMOVED, BREAKING, "interface {owner} operation set {name} removed", _SET_LOST),
    Rule("operation-set", CHANGED, BREAKING, "interface {owner} operation set {name} loses {found}", _SET_LOST,
         when=_loses),
    Rule("operation-set", ADDED, COMPATIBLE, "interface {owner} operation set {name} added", _SET_GAINED),
    Rule("operation-set", CHANGED, COMPATIBLE, "interface {owner} operation set {name} gains {found}", _SET_GAINED,
         when=_gains),
    Rule("scheme", CHANGED, BREAKING, "scheme {name} {attr}: {old} -> {new}",
         "clients obtain or present tokens differently", each=("type", "bearer_format", "token_url", "scopes")),
    Rule("rule", CHANGED, BREAKING, lambda h: f"auth rule {h.name} {h.attr}: {_short(h.old)} -> {_short(h.new)}",
         "changed auth requirement: which tokens pass changes", each=("check", "parameters", "profiles")),
    Rule("challenge", CHANGED, BREAKING, "auth challenge {name} {attr}: {old} -> {new}",
         "changed status code or challenge: clients react to the old answer",
         each=("status", "www_authenticate", "exception", "applies_to", "variant_of", "when")),
    *(
        rule
        for kind, (added, added_why), (removed, removed_why), text in _AUTH_NAMED
        for rule in (
            Rule(kind, REMOVED, removed, f"{kind} {{name}} removed", removed_why),
            Rule(kind, ADDED, added, f"{kind} {{name}} added", added_why),
            Rule(kind, CHANGED, EDITORIAL, f"{kind} {{name}} {{textual}}", any_of=text),
        )
    ),
    Rule("setting", REMOVED, COMPATIBLE, "deployment setting {name} removed", "operators drop it"),
    Rule("setting", ADDED, COMPATIBLE, "deployment setting {name} added",
         "operators configure it; the API does not change"),
    Rule("setting", CHANGED, BREAKING, "deployment setting {name} no longer takes {found}",
         "a store configured with a removed value does not start", when=_values_dropped),
    Rule("setting", CHANGED, COMPATIBLE, "deployment setting {name} {attr}: {old} -> {new}",
         "deployments that keep the default change behaviour; set it to keep the old one", each=("default",)),
    Rule("setting", CHANGED, COMPATIBLE, "deployment setting {name} {attr}: {old} -> {new}",
         "what an empty value means changes", each=("when_empty",)),
    Rule("setting", CHANGED, EDITORIAL, "deployment setting {name} described differently",
         any_of=("description", "open_points")),
    Rule("auth-section", CHANGED, EDITORIAL, lambda h: f"auth section clauses {_delta(h.old, h.new)}",
         each=("clauses",)),
    # ------------------------------------------------ the api section: base path, default limits, common answers
    Rule("base-parameter", REMOVED, BREAKING, "base path parameter {name} removed", "every URL changes"),
    Rule("base-parameter", ADDED, BREAKING, "base path parameter {name} added", "every URL changes"),
    Rule("base-parameter", CHANGED, BREAKING, "base path parameter {name} type or limits changed",
         "values clients send today may be refused", any_of=("type", "pattern", "max_length")),
    Rule("base-parameter", CHANGED, EDITORIAL, "base path parameter {name} {textual}",
         when=lambda p: p.a != p.b and _base_form(p.a) == _base_form(p.b)),
    Rule("base-path", CHANGED, BREAKING, "base path {a.base_path} -> {b.base_path}", "every URL changes",
         any_of=("base_path", "server_url")),
    Rule("limits", CHANGED, narrowing, "default {attr} limit: {old} -> {new}", narrowing_why,
         each=tuple(f.name for f in dataclasses.fields(m.Limits))),
    Rule("common-response", REMOVED, BREAKING, "common response {name} removed",
         "changed status code on every operation"),
    Rule("common-response", ADDED, _breaking_if(_success), "common response {name} added",
         _either(_success, "a success clients do not expect", "")),
    Rule("common-response", CHANGED, BREAKING, "common response {name}: body changed", "clients parse the old body",
         when=lambda p: p.a.bodies != p.b.bodies),
    Rule("api", CHANGED, EDITORIAL, _api_text, any_of=("title", "version", "description")),
)
# fmt: on
RULES_OF: dict[str, list[Rule]] = {}  # kind -> its rules, in table order
for _rule in RULES:
    RULES_OF.setdefault(_rule.kind, []).append(_rule)
