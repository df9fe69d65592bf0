"""`nmsgen serve`'s setting options say what the model says: the deployment settings of spec/auth.yaml
(values, defaults, open points) are written once, in the model; the command line repeats them, and this test
fails when the two drift apart."""

from __future__ import annotations

import click
import pytest

from generator import pipeline
from generator.ir.model import Setting
from nmsrun.cli import serve

from ..conftest import ROOT

SPEC = ROOT / "spec"

# model setting -> the serve option that sets it
OPTIONS = {
    "mcdata8_operations": "mcdata8_operations",
    "user_scope": "user_scope",
    "missing_token_status": "missing_token_status",
    "min_tls_version": "min_tls_version",
    "leeway_seconds": "leeway",
    "realm": "realm",
    "allowed_algorithms": "algorithms",
    "issuer": "issuer",
    "audience": "audience",
    "jwks": "jwks",
    "all_accounts_scope": "all_accounts_scope",
    "validation_profile": "profile",
}


def _option(name: str) -> click.Option:
    (opt,) = [p for p in serve.params if isinstance(p, click.Option) and p.name == name]
    return opt


@pytest.fixture(scope="module")
def settings() -> dict[str, Setting]:
    result = pipeline.check(SPEC)
    assert result.ok and result.model is not None, result.diags
    return dict(result.model.auth.settings)


@pytest.mark.parametrize("setting", sorted(OPTIONS))
def test_serve_option_repeats_the_model_setting(setting: str, settings: dict[str, Setting]) -> None:
    model = settings[setting]
    opt = _option(OPTIONS[setting])
    if model.default is not None:
        assert str(opt.default) == str(model.default), f"--{opt.name}: default differs from spec/auth.yaml"
    if model.values:
        assert isinstance(opt.type, click.Choice), f"--{opt.name} should offer the setting's values"
        assert list(opt.type.choices) == [str(v) for v in model.values]
    for point in model.open_points:
        assert point in (opt.help or ""), f"--{opt.name}'s help should name its open point {point}"


def test_every_setting_has_an_option(settings: dict[str, Setting]) -> None:
    """Every deployment setting of the model can be set from the command line."""
    assert sorted(settings) == sorted(OPTIONS)
