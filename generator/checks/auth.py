"""Validation rules of the auth model: every failure the generated code raises has its challenge, and the
deployment settings are consistent."""

from __future__ import annotations

from ..diagnostics import Diagnostics, Position
from ..ir import model as m


def _auth_pos(model: m.Model, key: str) -> Position:
    return model.positions.get(key, model.auth_position)


def auth_challenge_missing(model: m.Model, d: Diagnostics) -> None:
    """Every failure the generated auth code can raise has its challenge in the model: the answers to a request
    without a token and to a token that is not a JWS, and those of each validation rule's check
    (``model.CHECK_CHALLENGES``). A model with two interfaces has an interface rule (the generated code tells
    the token kinds apart only through it), and an interface's own requirements (box binding, scopes, claims)
    each have the validation rule that enforces them."""
    a = model.auth
    known = {c.id for c in a.challenges}
    for cid in m.ALWAYS_RAISED_CHALLENGES:
        if cid not in known:
            d.error(
                "auth-challenge-missing",
                f"the generated auth code answers with challenge {cid!r}, which the model does not define",
                model.auth_position,
                f"add a challenge with id {cid!r} (its status, WWW-Authenticate and exception)",
            )
    for r in a.validation:
        for cid in m.CHECK_CHALLENGES.get(r.check, ()):
            if cid not in known:
                d.error(
                    "auth-challenge-missing",
                    f"auth rule {r.id!r} (check {r.check}) fails with challenge {cid!r}, "
                    "which the model does not define",
                    _auth_pos(model, f"auth:{r.id}"),
                    f"add a challenge with id {cid!r}, or drop the rule",
                )
    checks = {r.check for r in a.validation}
    if len(a.interfaces) > 1 and "interface" not in checks:
        d.error(
            "auth-rule-missing",
            "the model has several interfaces but no validation rule with check 'interface' telling their tokens apart",
            model.auth_position,
            "add a rule with check: interface (a token carrying the user claim is a user token)",
        )
    for i in a.interfaces:
        needs = [
            ("box", i.box_binding == "claim-equals-box", "binds the box to a claim"),
            ("scope", bool(i.required_scopes), "requires scopes"),
            ("claims", bool(i.required_claims), "requires claims"),
        ]
        for check, needed, what in needs:
            if needed and check not in checks:
                d.error(
                    "auth-rule-missing",
                    f"interface {i.name!r} {what}, but no validation rule with check {check!r} enforces it",
                    _auth_pos(model, f"interface:{i.name}"),
                    f"add a rule with check: {check}",
                )


def auth_settings_consistent(model: m.Model, d: Diagnostics) -> None:
    """Deployment settings are closed choices where they list values: a setting's default is one of its values,
    a challenge variant names a base challenge and setting values it can take, and an interface's operations
    setting takes "all" and the names of its operation sets, whose operations list that interface."""
    a = model.auth
    settings = dict(a.settings)

    def outside(setting: m.Setting | None, value: object, what: str, pos: Position) -> None:
        """An error when ``value`` is not one of ``setting``'s closed values (an open setting takes any)."""
        if setting is not None and setting.values and value not in setting.values:
            d.error("invalid-value", what, pos, f"one of {', '.join(map(repr, setting.values))}")

    for name, setting in settings.items():  # their names are checked by unsafe_name
        if setting.default is not None:
            what = f"setting {name!r} defaults to {setting.default!r}, which is not one of its values"
            outside(setting, setting.default, what, _auth_pos(model, f"setting:{name}"))
    challenges = {c.id: c for c in a.challenges}
    for c in a.challenges:
        pos = _auth_pos(model, f"auth:{c.id}")
        base = challenges.get(c.variant_of)
        if c.variant_of and (base is None or base.variant_of):
            d.error(
                "invalid-value",
                f"auth challenge {c.id!r} is a variant of {c.variant_of!r}, which is not a base challenge",
                pos,
                "name a challenge that is not itself a variant",
            )
        if bool(c.variant_of) != bool(c.when):
            d.error(
                "invalid-value",
                f"auth challenge {c.id!r}: variant_of and when go together",
                pos,
                "give both (the base challenge and the settings that select the variant) or neither",
            )
        for key, value in c.when.items():
            what = f"auth challenge {c.id!r} applies when {key} = {value!r}, which the setting never takes"
            outside(settings.get(key), value, what, pos)
    ops = {op.id: op for op in model.operations}
    for i in a.interfaces:
        pos = _auth_pos(model, f"interface:{i.name}")
        if i.operation_sets and not i.operations_setting:
            d.error(
                "invalid-value",
                f"interface {i.name!r} has operation sets but no operations_setting choosing among them",
                pos,
                "name the deployment setting, e.g. operations_setting: mcdata8_operations",
            )
        restriction = settings.get(i.operations_setting)
        if restriction is not None and not restriction.plain:
            expected = {"all", *i.operation_sets}
            if set(map(str, restriction.values)) != expected:
                d.error(
                    "invalid-value",
                    f"setting {i.operations_setting!r} takes {sorted(map(str, restriction.values))}, but interface "
                    f"{i.name!r} can be restricted to {sorted(expected)}",
                    _auth_pos(model, f"setting:{i.operations_setting}"),
                    "values: all and the operation set names",
                )
        for set_name, op_set in i.operation_sets.items():
            for op_id in op_set.operations:
                op = ops.get(op_id)
                if op is not None and i.name not in op.interfaces:
                    d.error(
                        "invalid-value",
                        f"operation set {set_name!r} of interface {i.name!r} lists {op_id}, "
                        f"which {i.name} may not call",
                        pos,
                        f"add {i.name} to the interfaces of {op_id}, or drop it from the set",
                    )
