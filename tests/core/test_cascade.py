"""Liquidation cascade (a deterministic toy model): hand-checked rounds, monotone paths, examples."""

from __future__ import annotations

import itertools
import random

import perpcalc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from perpcalc import InputError
from perpcalc.cascade import bucket_positions, simulate_cascade

FAST = settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_three_longs_by_hand() -> None:
    """Longs of 1 at liquidation prices 96, 94.5, 90; price 100, shock −5 %, depth 100 quote per 1 %.
    Round 1 at 95: the 96 long sells 95 of notional → a 0.95 % move to 95 × 0.9905 = 94.0975.
    Round 2 at 94.0975: the 94.5 long sells 94.0975 → × (1 − 0.00940975) = 93.21207…
    Round 3: 90 is not crossed, so it stops after 2 rounds with 189.0975 sold."""
    positions = [("long", 1.0, liq, liq * 0.995) for liq in (96.0, 94.5, 90.0)]
    out = simulate_cascade(100.0, -0.05, 100.0, positions, insurance_fund=1e9)
    assert out["rounds"] == 2
    assert out["liquidated_notional"] == pytest.approx(95 + 94.0975)
    assert out["final_price"] == pytest.approx(94.0975 * (1 - 0.00940975))
    assert [round(r["price"], 6) for r in out["path"]] == [100, 95, 94.0975, round(94.0975 * (1 - 0.00940975), 6)]
    assert out["adl_round"] == 0


def test_deficit_and_fund_by_hand() -> None:
    """One long of 10 with liquidation 99, bankruptcy 98; price 100 → 97 (shock −3 %), depth 970:
    it sells 10 × 97 = 970, a 1 % move to 96.03; it fills at the midpoint 96.515, 1.485 below
    bankruptcy: a deficit of 14.85. A fund of 10 pays 10 and ADL fires for the 4.85 left."""
    out = simulate_cascade(100.0, -0.03, 970.0, [("long", 10.0, 99.0, 98.0)], insurance_fund=10.0)
    assert out["deficit"] == pytest.approx(14.85)
    assert out["insurance_fund_after"] == 0
    assert out["uncovered"] == pytest.approx(4.85)
    assert out["adl_round"] == 1


def test_bucket_liquidation_price_is_where_equity_meets_maintenance() -> None:
    """10x long entered at 100 (one slice, no spread), MMR 0.5 %: bankruptcy 90; liquidation
    90 / 0.995 = 90.4523, where equity 10 + (90.4523 − 100) = 0.4523 = 0.5 % × 90.4523."""
    [(side, size, liq, bp)] = bucket_positions(100.0, [(10.0, 100.0, 0.0)], entry_spread=0.0, slices=1)
    assert side == "long" and size == pytest.approx(1.0)
    assert bp == pytest.approx(90.0)
    assert 10 + (liq - 100) == pytest.approx(0.005 * liq)
    [(side, _size, liq, bp)] = bucket_positions(100.0, [(10.0, 0.0, 100.0)], entry_spread=0.0, slices=1)
    assert side == "short" and bp == pytest.approx(110.0)
    assert 10 - (liq - 100) == pytest.approx(0.005 * liq)


position_sets = st.lists(
    st.tuples(st.sampled_from(["long", "short"]), st.floats(0.01, 1e5), st.floats(1.0, 300.0)),
    min_size=0,
    max_size=60,
)


@FAST
@given(positions=position_sets, shock=st.floats(-0.9, 2.0), depth=st.floats(1.0, 1e9),
       fund=st.floats(0, 1e7))
def test_price_path_is_monotone_in_the_shock_direction(positions, shock, depth, fund) -> None:
    rows = [(s, q, liq, liq * (0.99 if s == "long" else 1.01)) for s, q, liq in positions]
    out = simulate_cascade(100.0, shock, depth, rows, insurance_fund=fund)
    prices = [r["price"] for r in out["path"]]
    steps = list(itertools.pairwise(prices))
    if shock <= 0:
        assert all(b <= a for a, b in steps)
    else:
        assert all(b >= a for a, b in steps)
    assert all(p > 0 for p in prices)
    assert out["insurance_fund_after"] >= 0
    hurt = "long" if shock <= 0 else "short"
    assert out["liquidated_positions"] <= sum(1 for r in rows if r[0] == hurt)
    assert len(out["path"]) == out["rounds"] + 2


def test_examples_show_their_pattern() -> None:
    """The pages' examples: the default is a short cascade; the spiral accelerates (later
    rounds bigger than the first) and exhausts the fund; the squeeze, the spiral's book mirrored,
    runs upward and accelerates too, and stops at once when shocked downward; deleveraging is
    orderly (each round smaller, no ADL); capitulation grinds then ends on a volume spike."""
    calc = perpcalc.get("liquidation_cascade")
    runs = {k: perpcalc.run("liquidation_cascade", ex) for k, ex in calc.examples.items()}
    vols = {k: [r["liquidated_notional"] for r in out["path"] if r["liquidated_notional"] > 0]
            for k, out in runs.items()}
    assert runs["default"]["rounds"] >= 2
    assert max(vols["spiral"]) > 5 * vols["spiral"][0] and runs["spiral"]["adl_fired"] == "yes"
    assert runs["squeeze"]["price_move"] > 0 and max(vols["squeeze"]) > 5 * vols["squeeze"][0]
    down = perpcalc.run("liquidation_cascade", dict(calc.examples["squeeze"], shock="-0.03"))
    assert down["price_move"] < 0 and down["rounds"] < runs["squeeze"]["rounds"]
    assert vols["deleveraging"] == sorted(vols["deleveraging"], reverse=True)
    assert runs["deleveraging"]["adl_fired"] == "no"
    cap = vols["capitulation"]
    assert max(cap) == max(cap[-3:]) and max(cap) > 5 * sorted(cap)[len(cap) // 2]
    for out in runs.values():
        assert len(out["path"]) <= 500


def test_ten_thousand_positions_cascade_in_rounds() -> None:
    """The bench's input size (timed by `make bench`, not here)."""
    rng = random.Random(3)
    rows = []
    for i in range(10_000):
        side = "long" if i % 3 else "short"
        liq = rng.uniform(50, 99) if side == "long" else rng.uniform(101, 150)
        rows.append((side, rng.uniform(1, 100), liq, liq * (0.995 if side == "long" else 1.005)))
    out = simulate_cascade(100.0, -0.03, 1e6, rows, 1e5, 400)
    assert out["rounds"] > 1


def test_cascade_junk() -> None:
    with pytest.raises(InputError) as err:
        perpcalc.run("liquidation_cascade", {"input": "list"})
    assert err.value.field == "positions"
    with pytest.raises(InputError) as err:
        perpcalc.run("liquidation_cascade", {"input": "buckets", "buckets": []})
    assert err.value.field == "buckets"
    with pytest.raises(InputError) as err:
        perpcalc.run("liquidation_cascade",
                     {"input": "list", "positions": "side, size, liquidation_price\nlong, 0, 90"})
    assert err.value.field == "positions"
    with pytest.raises(InputError) as err:
        perpcalc.run("liquidation_cascade", dict(perpcalc.get("liquidation_cascade").examples["default"],
                                                 depth="nan"))
    assert err.value.field == "depth"
    with pytest.raises(InputError) as err:
        simulate_cascade(100.0, -0.1, 0.0, [])
    assert err.value.field == "depth"
