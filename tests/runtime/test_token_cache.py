"""The generated auth module remembers verified tokens, and the cache never accepts what validation would refuse.

A repeated token skips the signature and claim checks only: an expired, not-yet-valid or re-keyed token is
refused despite the cache, a refusal is never remembered, and the rules that depend on the request
(operation, interface, boxId) run on every call.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcdata_store import auth
from mcdata_store.auth import AuthFailure, TokenValidator

from ..support import ALICE, BOB, Keys, server_token, user_token

KEYS = Keys()
OTHER = Keys()
USER = ("MCData-7",)


class Counting(TokenValidator):
    """Counts the full validations (signature and claims)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validations = 0

    def claims(self, token: str) -> dict[str, Any]:
        self.validations += 1
        return super().claims(token)


def refused(v: TokenValidator, token: str, op: str = "GetObject", ifs: tuple[str, ...] = USER, box: str = ALICE) -> str:
    with pytest.raises(AuthFailure) as e:
        v.authorize(token, op, ifs, box)
    return e.value.challenge


def test_a_repeated_token_is_verified_once() -> None:
    v = Counting(KEYS.settings())
    token = user_token(KEYS)
    first = v.authorize(token, "GetObject", USER, ALICE)
    again = v.authorize(token, "GetObject", USER, ALICE)
    assert v.validations == 1
    assert first == again and first.subject == ALICE


@pytest.mark.clause("RFC7519-4.1.4")
def test_an_expired_token_is_refused_despite_the_cache() -> None:
    v = Counting(KEYS.settings(leeway_seconds=0))
    token = user_token(KEYS, exp=int(time.time()) + 1)
    v.authorize(token, "GetObject", USER, ALICE)
    v.authorize(token, "GetObject", USER, ALICE)
    assert v.validations == 1
    while time.time() < jwt.decode(token, options={"verify_signature": False})["exp"] + 0.05:
        time.sleep(0.05)
    assert refused(v, token) == "invalid-token"
    assert v.validations == 2  # validated again, and refused
    assert refused(v, token) == "invalid-token" and v.validations == 3  # the refusal was not remembered


@pytest.mark.clause("RFC7519-4.1.4")
def test_the_leeway_extends_a_cached_token_as_it_extends_a_fresh_one() -> None:
    v = Counting(KEYS.settings(leeway_seconds=30))
    token = user_token(KEYS, exp=int(time.time()) - 5)  # expired, within the leeway
    v.authorize(token, "GetObject", USER, ALICE)
    v.authorize(token, "GetObject", USER, ALICE)
    assert v.validations == 1


@pytest.mark.clause("RFC7519-4.1.5")
def test_a_token_not_yet_valid_is_never_remembered() -> None:
    v = Counting(KEYS.settings(leeway_seconds=0))
    token = user_token(KEYS, nbf=int(time.time()) + 60)
    assert refused(v, token) == "invalid-token"
    assert refused(v, token) == "invalid-token"
    assert v.validations == 2


@pytest.mark.clause("24.282-21.1-R8")
def test_a_rekeyed_validator_refuses_a_cached_token() -> None:
    """JWKS rotation: new settings without the key that signed the token, or the key list changed in place."""
    settings = KEYS.settings()
    v = Counting(settings)
    token = user_token(KEYS)
    v.authorize(token, "GetObject", USER, ALICE)
    v.settings = replace(settings, keys=OTHER.settings().keys)
    assert refused(v, token) == "invalid-token" and v.validations == 2
    v.settings = settings
    v.authorize(token, "GetObject", USER, ALICE)
    keys = list(settings.keys)
    v.settings = replace(settings, keys=keys)  # equal settings: the remembered verdicts still hold
    v.authorize(token, "GetObject", USER, ALICE)
    assert v.validations == 3
    keys[:] = OTHER.settings().keys  # the same settings object, its key list rotated in place
    assert refused(v, token) == "invalid-token" and v.validations == 4


@pytest.mark.clause("23.282-7.13.1-R2", "23.282-7.13.1-R3")
def test_a_cached_token_still_meets_the_box_rule() -> None:
    v = Counting(KEYS.settings())
    token = user_token(KEYS, ALICE)
    v.authorize(token, "GetObject", USER, ALICE)
    assert refused(v, token, box=BOB) == "box-mismatch"
    assert v.validations == 1  # the box rule ran on the cached claims


@pytest.mark.clause("23.282-7.13.1-R5", "RFC8725-3.12")
def test_a_cached_token_still_meets_the_interface_and_operation_rules() -> None:
    v = Counting(KEYS.settings(mcdata8_operations="deposit"))
    user = user_token(KEYS, ALICE)
    v.authorize(user, "GetObject", USER, ALICE)
    assert refused(v, user, ifs=("MCData-8",)) == "wrong-interface"
    server = server_token(KEYS)
    deposit = sorted(auth.INTERFACES["MCData-8"].operation_sets["deposit"])[0]
    v.authorize(server, deposit, ("MCData-7", "MCData-8"), BOB)
    assert refused(v, server, op="GetObject", ifs=("MCData-7", "MCData-8"), box=BOB) == "wrong-interface"
    assert v.validations == 2


def test_the_cache_is_bounded_and_forgets_the_least_recently_used() -> None:
    v = Counting(KEYS.settings(), cache_size=2)
    a, b, c = (user_token(KEYS, jti=f"t{i}") for i in range(3))
    for token in (a, b, a, c):  # c pushes out b, the least recently used
        v.authorize(token, "GetObject", USER, ALICE)
    assert v.validations == 3
    v.authorize(a, "GetObject", USER, ALICE)
    assert v.validations == 3
    v.authorize(b, "GetObject", USER, ALICE)
    assert v.validations == 4
    assert len(v._verified) == 2


def test_a_cached_token_hands_out_read_only_claims() -> None:
    v = TokenValidator(KEYS.settings())
    caller = v.authorize(user_token(KEYS), "GetObject", USER, ALICE)
    with pytest.raises(TypeError):
        caller.claims["mcdata_id"] = BOB  # type: ignore[index]


NOW = 1_800_000_000
TIMES = st.one_of(st.integers(NOW - 100, NOW + 100), st.floats(NOW - 100, NOW + 100), st.text(max_size=3))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # the machine is shared
@given(
    st.dictionaries(st.sampled_from(["exp", "nbf", "iat"]), TIMES),
    st.integers(0, 30),
    st.floats(NOW - 150, NOW + 150),
)
def test_a_remembered_verdict_holds_exactly_while_pyjwt_would_accept(
    claims: dict[str, Any], leeway: int, now: float
) -> None:
    """The window of a verified token, against PyJWT's own time checks at any later (or earlier) moment."""
    window = auth._window(claims, leeway)
    checks = jwt.PyJWT()
    try:
        checks._validate_exp(claims, now, leeway)
        for name, check in (("nbf", checks._validate_nbf), ("iat", checks._validate_iat)):
            if name in claims:
                check(claims, now, leeway)
        accepted = True
    except (jwt.PyJWTError, KeyError):
        accepted = False
    if window is None:
        return  # not remembered: every request is validated
    assert (window[0] <= now < window[1]) == accepted
