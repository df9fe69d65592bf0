"""Stage 4 — validate: IR -> diagnostics. One function per rule; its docstring is the rule.

Every rule reads the model and reports; none changes it. Errors block emission. The rules live in one
module per concern; :data:`RULES` is their table, in the order they run.
"""

from __future__ import annotations

from collections.abc import Callable

from ..diagnostics import Diagnostics
from ..ir import model as m
from . import auth, examples, naming, references, values

Rule = Callable[[m.Model, Diagnostics], None]

RULES: tuple[Rule, ...] = (
    references.unknown_type,
    references.unknown_clause,
    references.unknown_reference,
    naming.unsafe_identifier,
    naming.unsafe_name,
    naming.unsafe_path,
    naming.unsafe_package,
    naming.unversionable_package,
    naming.unsafe_publication_name,
    naming.invalid_pattern,
    references.duplicate_operation_id,
    references.undeclared_path_parameter,
    references.allow_mismatch,
    references.missing_auth,
    references.uncited,
    values.invalid_values,
    values.body_types_have_roots,
    values.callbacks_are_callbacks,
    examples.example_status,
    examples.example_exception,
    examples.answer_variables,
    auth.auth_challenge_missing,
    auth.auth_settings_consistent,
    references.provisional_clause,
)


def validate(model: m.Model, diags: Diagnostics) -> None:
    for rule in RULES:
        rule(model, diags)
