"""Pool venues: borrow fees (GMX v1, Jupiter Perps), GMX v2 borrowing, funding and adaptive funding.

Golden values come from the GMX Synthetics README's own example or from derivations written
out in each test's docstring; the properties check what the mechanism promises (payers and
receivers balance, the pool only ever receives borrow fees, bounds hold).
"""

from __future__ import annotations

import doctest
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from perpcalc import pools
from perpcalc.pools import (
    gmx_adaptive_funding_step,
    gmx_borrowing_factor_per_second,
    gmx_funding_factor_per_second,
    gmx_funding_rates,
    gmx_imbalance_factor,
    pool_borrow_fee,
    pool_borrow_rate,
)

usd = st.decimals(min_value=D(1), max_value=D(10) ** 9, places=2, allow_nan=False, allow_infinity=False)


def test_docstring_examples() -> None:
    assert doctest.testmod(pools).failed == 0


def test_gmx_readme_borrowing_example() -> None:
    """GMX Synthetics README, "Borrowing Fees": 1/50,000 × (150,000 + 50,000) / 250,000 = 0.0016 %."""
    rate = gmx_borrowing_factor_per_second(D(150000) + D(50000), D(250000), D(1) / D(50000))
    assert rate == D("0.000016")


def test_gmx_v1_borrow_fee_derivation() -> None:
    """GMX v1: 0.01 %/h × utilisation. 50,000 USD long, pool 25 % lent, 8 hours:
    50,000 × 0.25 × 0.0001 × 8 = 10 USD paid."""
    assert pool_borrow_fee(D(50000), D(25), D(100), D("0.0001"), D(8)) == D(-10)


def test_jupiter_borrow_fee_derivation() -> None:
    """Jupiter Perps: tokens borrowed / tokens in pool × hourly rate × size. SOL custody with
    1.2 M of 3 M SOL lent, an hourly rate of 0.012 % and a 20,000 USD position:
    0.4 × 0.00012 × 20,000 = 0.96 USD an hour."""
    assert pool_borrow_fee(D(20000), D(1200000), D(3000000), D("0.00012")) == D("-0.96")


def test_borrow_rejects_overlent_pool() -> None:
    with pytest.raises(ValueError):
        pool_borrow_rate(D(101), D(100), D("0.0001"))
    with pytest.raises(ValueError):
        pool_borrow_rate(D(1), D(0), D("0.0001"))


@given(size=usd, borrowed=usd, extra=usd, rate=st.decimals(min_value=0, max_value=D("0.01"), places=6),
       hours=st.decimals(min_value=0, max_value=1000, places=2))
def test_borrow_fee_is_never_received_and_bounded(size, borrowed, extra, rate, hours) -> None:
    """The pool only receives: the fee is ≤ 0 and never more than the full rate would charge."""
    fee = pool_borrow_fee(size, borrowed, borrowed + extra, rate, hours)
    assert fee <= 0
    assert -fee <= size * rate * hours


def test_gmx_funding_derivation() -> None:
    """Longs 1.5 M, shorts 1 M, factor 2e-8, exponent 1: f = 0.5/2.5 = 0.2, longs pay
    2e-8 × 0.2 = 4e-9 per second (4e-9 × 31,536,000 = 12.6144 % a year); shorts receive
    4e-9 × 1.5/1 = 6e-9 per second."""
    f = gmx_funding_factor_per_second(D(1500000), D(1000000), D("2e-8"))
    assert f == D("4e-9")
    assert f * pools.SECONDS_PER_YEAR == D("0.126144")
    assert gmx_funding_rates(D(1500000), D(1000000), f) == (D("-4e-9"), D("6e-9"))


def test_gmx_funding_cap_and_empty_side() -> None:
    assert gmx_funding_factor_per_second(D(3), D(1), D(1), max_factor_per_second=D("0.1")) == D("0.1")
    assert gmx_funding_rates(D(100), D(0), D("1e-8")) == (D(0), D(0))
    assert gmx_imbalance_factor(D(5), D(5)) == 0
    with pytest.raises(ValueError):
        gmx_imbalance_factor(D(0), D(0))


@given(long_oi=usd, short_oi=usd, factor=st.decimals(min_value=D("1e-10"), max_value=D("1e-6"), places=12))
@settings(max_examples=examples(200))
def test_gmx_funding_payers_equal_receivers(long_oi, short_oi, factor) -> None:
    """What the payers pay per second is exactly what the receivers get: the pool keeps nothing."""
    f = gmx_funding_factor_per_second(long_oi, short_oi, factor)
    lr, sr = gmx_funding_rates(long_oi, short_oi, f)
    assert lr * long_oi + sr * short_oi == pytest.approx(0, abs=1e-18 * float(long_oi + short_oi))
    if long_oi > short_oi:
        assert lr <= 0 <= sr
    elif short_oi > long_oi:
        assert sr <= 0 <= lr


ADAPTIVE = {"increase_factor_per_second": D("1e-12"), "decrease_factor_per_second": D("1e-13"),
            "threshold_stable": D("0.04"), "threshold_decrease": D("0.02"),
            "min_factor_per_second": D("3e-10"), "max_factor_per_second": D("2e-8")}


def test_gmx_adaptive_increase_hold_decrease_flip_reset() -> None:
    """Derivation, one hour per step (Δt = 3,600 s):
    * from 0 with longs 1.5 M / shorts 1 M (f = 0.2 > 0.04): +0.2 × 1e-12 × 3,600 = 7.2e-10;
    * f = 0.03 (between 0.02 and 0.04) with longs still larger: hold at 7.2e-10;
    * f = 0.01 < 0.02: decrease by 1e-13 × 3,600 = 3.6e-10 → 3.6e-10;
    * shorts now larger (f = 0.2): skew flipped, increase toward shorts: 3.6e-10 − 7.2e-10 = −3.6e-10;
    * balanced: reset to 0."""
    hour = D(3600)
    s1 = gmx_adaptive_funding_step(D(0), D(1500000), D(1000000), hour, **ADAPTIVE)
    assert (s1.change, s1.saved, s1.rate) == ("increase", D("7.2e-10"), D("7.2e-10"))
    s2 = gmx_adaptive_funding_step(s1.saved, D("1030000"), D("970000"), hour, **ADAPTIVE)
    assert (s2.change, s2.saved) == ("hold", D("7.2e-10"))
    s3 = gmx_adaptive_funding_step(s2.saved, D("1010000"), D("990000"), hour, **ADAPTIVE)
    assert (s3.change, s3.saved) == ("decrease", D("3.6e-10"))
    s4 = gmx_adaptive_funding_step(s3.saved, D(1000000), D(1500000), hour, **ADAPTIVE)
    assert (s4.change, s4.saved) == ("increase", D("-3.6e-10"))
    assert s4.rate == D("-3.6e-10")  # magnitude above the 3e-10 floor
    s5 = gmx_adaptive_funding_step(s4.saved, D(1), D(1), hour, **ADAPTIVE)
    assert (s5.change, s5.saved, s5.rate) == ("reset", D(0), D(0))


def test_gmx_adaptive_decay_keeps_sign_and_floor() -> None:
    """A decrease larger than the stored rate leaves one fixed-point unit of the same sign; the
    applied rate is then lifted to the minimum, still on the same side (longs keep paying)."""
    s = gmx_adaptive_funding_step(D("1e-11"), D("1005000"), D("995000"), D(3600), **ADAPTIVE)
    assert s.change == "decrease"
    assert s.saved == pools.GMX_EPSILON
    assert s.rate == ADAPTIVE["min_factor_per_second"]


@given(saved=st.decimals(min_value=D("-2e-8"), max_value=D("2e-8"), places=14), long_oi=usd, short_oi=usd,
       seconds=st.integers(min_value=0, max_value=7 * 86400))
@settings(max_examples=examples(200))
def test_gmx_adaptive_bounds(saved, long_oi, short_oi, seconds) -> None:
    s = gmx_adaptive_funding_step(saved, long_oi, short_oi, D(seconds), **ADAPTIVE)
    assert abs(s.saved) <= ADAPTIVE["max_factor_per_second"]
    if s.change != "reset":
        assert ADAPTIVE["min_factor_per_second"] <= abs(s.rate) <= ADAPTIVE["max_factor_per_second"]
    if s.change == "increase" and long_oi != short_oi:
        # an increase always moves the stored rate toward the larger side
        assert (s.saved - saved) * (1 if long_oi > short_oi else -1) >= 0


def test_pools_module_keeps_the_math_layer_rules() -> None:
    """Like tests/core/test_layers.py for the other topic modules: no spec import, and every
    InputError names one of the raising function's own parameters."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(pools.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.module not in ("_spec", "display", "calculators")
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef):
            params = {a.arg for a in [*fn.args.args, *fn.args.kwonlyargs]}
            for node in ast.walk(fn):
                if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "InputError"
                        and isinstance(node.args[0], ast.Constant)):
                    assert node.args[0].value in params, (fn.name, node.args[0].value)
