"""Insolvency: liquidation surplus/deficit, ADL ranking and execution, socialised loss, the waterfall.

Golden numbers come from the venues' own examples (named in each test) and are derived by
hand in the docstrings; the properties check the invariants any venue's rules must keep.
"""

from __future__ import annotations

import itertools
import random
from decimal import Decimal as D
from decimal import localcontext

import perpcalc
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from perpcalc import InputError
from perpcalc.insolvency import (
    SOCIAL_METHODS,
    adl_execution,
    adl_quantiles,
    adl_score,
    bankruptcy_price,
    insolvency_waterfall,
    liquidation_outcome,
    rank_position_columns,
    rank_positions,
    socialized_loss,
)
from perpcalc.venues import ADL_METHODS

FAST = settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------ liquidation outcome


def test_bybit_50x_long_filled_at_liquidation_price_leaves_the_maintenance_margin() -> None:
    """Bybit (older help page): 1 BTC long at 10,000, 50x, MMR 0.5 % → liquidation 9,850,
    bankruptcy 9,800. Filled at 9,850, the margin left is 1 × (9,850 − 9,800) = 50, which is
    0.5 % of the 10,000 entry notional: a surplus for the fund."""
    out = liquidation_outcome("long", D(1), D(9800), D(9850), insurance_fund=D(1000))
    assert out == {"surplus": D(50), "deficit": D(0), "insurance_fund_after": D(1050), "uncovered_loss": D(0)}


def test_deficit_larger_than_fund_leaves_uncovered_loss() -> None:
    """The calculator's default: long 1, bankruptcy 19,600, fill 19,400 → deficit 200;
    a fund of 150 pays 150 and 50 is uncovered; the fund ends at 0."""
    out = perpcalc.run("liquidation_outcome", perpcalc.get("liquidation_outcome").examples["default"])
    assert (out["surplus"], out["deficit"], out["insurance_fund_after"], out["uncovered_loss"]) == (0, 200, 0, 50)


def test_bybit_inverse_long_deficit_is_loss_minus_margin() -> None:
    """Bybit inverse: 12,000 USD of contracts at 8,000, 50x → initial margin 12,000/8,000/50
    = 0.03 BTC. Bankruptcy: 12,000 × (1/bp − 1/8,000) = 0.03 → 1/bp = 0.0001275. Filled at
    7,800 the loss is 12,000 × (1/7,800 − 1/8,000) = 0.0384615… BTC, so the deficit is that
    minus the 0.03 margin = 0.0084615… BTC."""
    bp = 1 / D("0.0001275")
    out = liquidation_outcome("long", D(12000), bp, D(7800), contract="inverse")
    loss = D(12000) * (1 / D(7800) - 1 / D(8000))
    assert abs(out["deficit"] - (loss - D("0.03"))) < D("1e-25")
    assert float(out["deficit"]) == pytest.approx(0.00846153846, rel=1e-9)


sides = st.sampled_from(["long", "short"])
prices = st.decimals(min_value=D("0.01"), max_value=D(1_000_000), places=4)
sizes = st.decimals(min_value=D("0.0001"), max_value=D(1_000_000), places=4)


@FAST
@given(side=sides, size=sizes, bp=prices, fill=prices, fund=st.decimals(min_value=0, max_value=10**9, places=2),
       contract=st.sampled_from(["linear", "inverse"]))
def test_surplus_minus_deficit_matches_the_fill(side, size, bp, fill, fund, contract) -> None:
    out = liquidation_outcome(side, size, bp, fill, contract=contract, insurance_fund=fund)
    s = 1 if side == "long" else -1
    gap = s * size * (fill - bp) if contract == "linear" else s * size * (1 / bp - 1 / fill)
    assert out["surplus"] - out["deficit"] == gap
    assert min(out["surplus"], out["deficit"]) == 0
    # the fund takes every surplus and pays what it can; nothing is lost in between
    assert out["insurance_fund_after"] - out["uncovered_loss"] == fund + out["surplus"] - out["deficit"]


def test_liquidation_outcome_rejects_a_bankruptcy_price_on_the_wrong_side() -> None:
    ex = dict(perpcalc.get("liquidation_outcome").examples["default"], bankruptcy_price="20100")
    with pytest.raises(InputError) as err:
        perpcalc.run("liquidation_outcome", ex)
    assert err.value.field == "bankruptcy_price"


# ------------------------------------------------------------------ ADL ranking


def test_bitmex_score_profitable_and_losing() -> None:
    """BitMEX: PnL% = upnl / entry value; EffLev = mark value / (mark value − bankrupt value).
    Long 1 at 100, mark 110, margin 10: PnL% = 10 %, bankrupt price 90, EffLev = 110 / 20 = 5.5
    → 0.55. Long 1 at 120, mark 110, margin 30: PnL% = −10/120, bankrupt 90, EffLev 5.5 →
    −(1/12)/5.5 = −0.0151515…"""
    assert adl_score("pnl_times_leverage", "long", 1, 100, 110, 10) == pytest.approx(0.55, rel=1e-15)
    assert adl_score("pnl_times_leverage", "long", 1, 120, 110, 30) == pytest.approx(-1 / 12 / 5.5, rel=1e-15)
    # BitMEX's own form of EffLev gives the same number
    mark_value, bankrupt_value = 110.0, float(bankruptcy_price("long", D(1), D(120), D(30)))
    assert 110 / (mark_value - bankrupt_value) == pytest.approx(5.5)


def test_binance_forum_leverage_pnl_case() -> None:
    """dev.binance.vision thread 17801: UPnL 40.2, wallet 4.27 → PnLPercent = 40.2/4.27 = 9.41;
    with a margin ratio of 13.42 % LeveragePnL = 9.41 × 0.1342 = 1.26. Built here as a long of
    1 from 59.8 to 100 with margin 4.27 (equity 44.47) and an MMR that makes MM/equity 13.42 %."""
    mmr = 0.1342 * 44.47 / 100
    score = adl_score("pnl_over_margin", "long", 1, 59.8, 100, 4.27, mmr=mmr)
    assert round(40.2 / 4.27, 2) == 9.41
    assert round(score, 2) == 1.26
    # a losing position scores 0 under Binance's formula
    assert adl_score("pnl_over_margin", "long", 1, 120, 110, 30) == 0


def test_hyperliquid_key_and_short_mirror() -> None:
    """Hyperliquid: (mark/entry) × (notional/account value). Long 2 at 100, mark 110, margin 20:
    account value 40, notional 220 → 1.1 × 5.5 = 6.05. For shorts we mirror the price ratio
    (entry/mark): a profitable short outranks a losing short of the same leverage."""
    assert adl_score("price_ratio_leverage", "long", 2, 100, 110, 20) == pytest.approx(6.05)
    winner = adl_score("price_ratio_leverage", "short", 1, 110, 100, 10)
    loser = adl_score("price_ratio_leverage", "short", 1, 100, 110, 30)
    assert winner > loser


def test_bitmex_adl_example_lights() -> None:
    """BitMEX ADL examples page: six longs sorted by score hold 10 (acct 2), 20 (acct 5), 30 (4),
    10 (1), 10 (6), 20 (3) contracts; percentiles 20, 40, 60, 80, 80, 100 % → lights 5,4,3,2,2,1."""
    assert adl_quantiles([10, 20, 30, 10, 10, 20]) == [5, 4, 3, 2, 2, 1]


def test_ranking_orders_each_side_and_breaks_ties_by_size_then_id() -> None:
    base = {"entry_price": 100, "mark_price": 110, "margin": 10}
    positions = [
        {"id": "b", "side": "long", "size": 1, **base},
        {"id": "a", "side": "long", "size": 1, **base},
        {"id": "c", "side": "long", "size": 1, "entry_price": 100, "mark_price": 110, "margin": 100},
        {"id": "s", "side": "short", "size": 1, "entry_price": 120, "mark_price": 110, "margin": 10},
    ]
    ranking = rank_positions(positions)
    assert [(r["side"], r["id"]) for r in ranking] == [("long", "a"), ("long", "b"), ("long", "c"), ("short", "s")]
    assert [r["rank"] for r in ranking] == [1, 2, 3, 1]
    # same score, same size → id decides (larger size would go first)
    bigger = [dict(positions[0], size=2, margin=20), positions[1]]
    assert [r["id"] for r in rank_positions(bigger)] == ["b", "a"]


position_rows = st.lists(
    st.tuples(
        st.sampled_from(["long", "short"]),
        st.integers(min_value=1, max_value=50),
        st.integers(min_value=50, max_value=150),
        st.integers(min_value=50, max_value=150),
        st.integers(min_value=1, max_value=200),
    ),
    min_size=1,
    max_size=30,
)


def _positions(rows):
    out = []
    for i, (side, size, entry, mark, margin) in enumerate(rows):
        s = 1 if side == "long" else -1
        margin = max(margin, -s * size * (mark - entry) + 1)  # keep every position solvent
        out.append({"id": f"p{i}", "side": side, "size": size, "entry_price": entry, "mark_price": mark,
                    "margin": margin})
    return out


@FAST
@given(rows=position_rows, method=st.sampled_from(list(ADL_METHODS)), seed=st.integers(0, 10**6))
def test_ranking_is_deterministic_and_ignores_input_order(rows, method, seed) -> None:
    positions = _positions(rows)
    shuffled = positions[:]
    random.Random(seed).shuffle(shuffled)
    first = rank_positions(positions, method)
    assert first == rank_positions(shuffled, method)
    for side in ("long", "short"):
        queue = [r for r in first if r["side"] == side]
        assert all(a["score"] >= b["score"] for a, b in itertools.pairwise(queue))
        lights = [r["quantile"] for r in queue]
        assert lights == sorted(lights, reverse=True) and all(1 <= q <= 5 for q in lights)
        if queue:
            assert lights[-1] == 1


@FAST
@given(rows=position_rows, method=st.sampled_from(list(ADL_METHODS)),
       contract=st.sampled_from(["linear", "inverse"]))
def test_ranking_scores_are_adl_score(rows, method, contract) -> None:
    """rank_positions inlines adl_score for speed: both must give the same number, bit for bit."""
    positions = _positions(rows) if contract == "linear" else _inverse_positions(rows)
    by_id = {p["id"]: p for p in positions}
    for r in rank_positions(positions, method, contract):
        p = by_id[r["id"]]
        assert r["score"] == adl_score(method, p["side"], p["size"], p["entry_price"], p["mark_price"], p["margin"],
                                       contract)


def _inverse_positions(rows):
    out = []
    for i, (side, size, entry, mark, margin) in enumerate(rows):
        s = 1 if side == "long" else -1
        upnl = s * size * 100 * (1 / entry - 1 / mark)
        out.append({"id": f"p{i}", "side": side, "size": size * 100, "entry_price": entry, "mark_price": mark,
                    "margin": max(margin / 100, -upnl + 0.01)})
    return out


def test_rank_100k_positions_is_a_complete_ordered_ranking() -> None:
    """The bench's input size (its timing is measured by `make bench`, not asserted here): every
    position ranked once, scores non-increasing within each side, lights 1–5 on each side."""
    rng = random.Random(5)
    positions = []
    for i in range(100_000):
        side = "long" if rng.random() < 0.5 else "short"
        entry, size = rng.uniform(80, 120), rng.uniform(0.01, 10)
        s = 1 if side == "long" else -1
        margin = max(size * entry / rng.uniform(1, 50), -s * size * (100 - entry) + 1)
        positions.append({"id": i, "side": side, "size": size, "entry_price": entry, "mark_price": 100.0,
                          "margin": margin})
    ranking = rank_positions(positions)
    assert len(ranking) == 100_000
    assert sorted(str(r["id"]) for r in ranking) == sorted(str(p["id"]) for p in positions)
    for side in ("long", "short"):
        scores = [r["score"] for r in ranking if r["side"] == side]
        assert all(a >= b for a, b in itertools.pairwise(scores))
        assert {r["quantile"] for r in ranking if r["side"] == side} == {1, 2, 3, 4, 5}


@pytest.mark.parametrize(
    "rows, message",
    [
        ("id, side, size, entry_price, mark_price, margin\nA, long, 0, 100, 110, 10", "Size must be > 0"),
        ("id, side, size, entry_price, mark_price, margin\nA, long, -1, 100, 110, 10", "Size must be > 0"),
        ("id, side, size, entry_price, mark_price, margin\nA, long, nan, 100, 110, 10", "number"),
        ("id, side, size, entry_price, mark_price, margin\nA, long, 1, 100, 110, 10\nA, short, 1, 100, 90, 10",
         "appears twice"),
        ("id, side, size, entry_price, mark_price, margin\nA, long, 1, 100, 50, 10", "bankrupt"),
        ([], "at least 1 row"),
        ("", "required"),
    ],
)
def test_adl_ranking_junk_names_positions(rows: object, message: str) -> None:
    with pytest.raises(InputError) as err:
        perpcalc.run("adl_ranking", {"positions": rows})
    assert err.value.field == "positions"
    assert message in err.value.message


# Cells that tie scores (few prices and sizes), now and then one the column check must leave to the
# row reading (each row check's failure: a bad size, price, margin or side, a duplicate id, a
# bankrupt position, a cell that is not a float, NaN, infinity, numbers whose score overflows).
_TIE_NUMBERS = st.sampled_from([1.0, 2.0, 2.5, 100.0, 110.0, 90.0, 0.1])
_ODD_CELLS = st.sampled_from([0.0, -1.0, float("nan"), float("inf"), 1e308, 5e-324, 3, "7", True, None, "up", "p0"])


@st.composite
def _book(draw: st.DrawFn) -> dict[str, list]:
    n = draw(st.integers(1, 40))
    sides = draw(st.lists(st.sampled_from(["long", "short"]), min_size=n, max_size=n))
    book = {"id": [f"p{i}" for i in range(n)] if draw(st.booleans()) else list(range(n)), "side": sides,
            **{k: draw(st.lists(_TIE_NUMBERS, min_size=n, max_size=n)) for k in ("size", "entry_price", "mark_price")},
            "margin": draw(st.lists(st.sampled_from([0.0, 1.0, 50.0, 1000.0, 1e6]), min_size=n, max_size=n))}
    if draw(st.integers(0, 3)) == 0:  # one odd cell somewhere
        book[draw(st.sampled_from(list(book)))][draw(st.integers(0, n - 1))] = draw(_ODD_CELLS)
    return book


def _ranked_or_refused(fn, *args):
    try:
        return "ok", fn(*args)
    except InputError as exc:
        return "error", exc.field, exc.message


@settings(max_examples=examples(300), deadline=None)
@given(book=_book(), method=st.sampled_from(list(ADL_METHODS)), contract=st.sampled_from(["linear", "inverse"]))
@example(book={"id": [0], "side": ["long"], "size": [1e308], "entry_price": [1.0], "mark_price": [1.0],
               "margin": [1.0]}, method="pnl_times_leverage", contract="linear")  # 5 × its size overflows
def test_the_column_ranking_is_the_row_ranking(book, method, contract) -> None:
    """rank_position_columns (the calculator's path: a book checked and scored column by column, its
    queues sorted by score alone, then ties by size and id) gives exactly rank_positions' rows, or its
    error word for word, on books full of equal scores and now and then a cell it must refuse."""
    rows = [dict(zip(book, cells, strict=True)) for cells in zip(*book.values(), strict=True)]
    by_rows = _ranked_or_refused(rank_positions, rows, method, contract, 10.0)
    by_columns = _ranked_or_refused(rank_position_columns, book, method, contract, 10.0)
    if by_columns[0] == "ok":
        ranked = by_columns[1]
        by_columns = "ok", [dict(zip(ranked, cells, strict=True)) for cells in zip(*ranked.values(), strict=True)]
    assert repr(by_columns) == repr(by_rows)


def test_rank_positions_pure_function_rejects_junk() -> None:
    good = {"id": 1, "side": "long", "size": 1.0, "entry_price": 100.0, "mark_price": 110.0, "margin": 10.0}
    for bad in ({"size": float("nan")}, {"size": True}, {"side": "up"}, {"margin": -1.0}, {"mark_price": 0.0}):
        with pytest.raises(InputError) as err:
            rank_positions([dict(good, **bad)])
        assert err.value.field == "positions"
    with pytest.raises(InputError) as err:
        rank_positions([good], method="random")
    assert err.value.field == "method"


# ------------------------------------------------------------------ ADL execution


def test_bitmex_adl_execution_example() -> None:
    """BitMEX ADL examples page: a short of 20 bankrupt at 650 against the long queue 2 (10),
    5 (20), … → account 2 closed for all 10 and account 5 for 10 of its 20, both at 650."""
    out = perpcalc.run("adl_execution", perpcalc.get("adl_execution").examples["default"])
    assert out["fills"] == [
        {"id": "2", "size_closed": 10, "price": 650, "remaining": 0},
        {"id": "5", "size_closed": 10, "price": 650, "remaining": 10},
    ]
    assert out["unfilled"] == 0 and out["closed"] == 20


@FAST
@given(size=sizes, queue=st.lists(sizes, min_size=1, max_size=20))
def test_adl_never_closes_more_than_the_queue_holds(size, queue) -> None:
    rows = [{"id": str(i), "size": q} for i, q in enumerate(queue)]
    out = adl_execution(size, D(650), rows)
    assert out["closed"] == min(size, sum(queue))
    assert out["closed"] + out["unfilled"] == size
    for fill, row in zip(out["fills"], rows, strict=False):
        assert 0 < fill["size_closed"] <= row["size"]
        assert fill["remaining"] == row["size"] - fill["size_closed"]
    # only the last fill may be partial
    assert all(f["remaining"] == 0 for f in out["fills"][:-1])


@pytest.mark.parametrize(
    "field, inputs",
    [
        ("queue", {"queue": ""}),
        ("queue", {"queue": "id, size\nA, 0"}),
        ("queue", {"queue": "id, size\nA, 1\nA, 2"}),
        ("size", {"size": "-5"}),
        ("size", {"size": float("nan")}),
        ("bankruptcy_price", {"bankruptcy_price": 0}),
    ],
)
def test_adl_execution_junk(field: str, inputs: dict) -> None:
    ex = dict(perpcalc.get("adl_execution").examples["default"], **inputs)
    with pytest.raises(InputError) as err:
        perpcalc.run("adl_execution", ex)
    assert err.value.field == field


# ------------------------------------------------------------------ socialised loss


def test_okx_2018_clawback_rate() -> None:
    """OKEx, Aug 2018 (press reports): after the fund (~10 BTC) and OKEx's 2,500 BTC injection,
    about 1,200 BTC was clawed back at a reported ~18 %. With 6,700 BTC of net profits:
    (3,710 − 10 − 2,500) / 6,700 = 17.9 %."""
    out = perpcalc.run("socialized_loss", perpcalc.get("socialized_loss").examples["okx_2018"])
    assert out["total_haircut"] == pytest.approx(1200)
    assert out["haircut_rate"] == pytest.approx(1200 / 6700)
    assert round(out["haircut_rate"], 2) == 0.18


def test_bitmex_dpe_24_percent() -> None:
    """BitMEX's first DPE cut winners' profit by 24 %: ProfitAdjustment = loss / profit = 24/100."""
    out = perpcalc.run("socialized_loss", perpcalc.get("socialized_loss").examples["bitmex_2015_dpe"])
    assert out["haircut_rate"] == 0.24
    assert [h["profit_after"] for h in out["haircuts"]] == [38, 22.8, 15.2]


@FAST
@given(deficit=st.decimals(min_value=0, max_value=10**9, places=4),
       profits=st.lists(st.decimals(min_value=-(10**6), max_value=10**6, places=4), min_size=1, max_size=25),
       method=st.sampled_from(["pro_rata", "bitmex_2015_dpe"]))
def test_haircuts_sum_to_min_of_deficit_and_total_profit(deficit, profits, method) -> None:
    rows = [{"id": str(i), "profit": p} for i, p in enumerate(profits)]
    out = socialized_loss(deficit, rows, method)
    total = sum((max(p, D(0)) for p in profits), D(0))
    assert out["total_haircut"] == sum((h["haircut"] for h in out["haircuts"]), D(0))
    assert abs(out["total_haircut"] - min(deficit, total)) <= D("1e-20")
    for h, p in zip(out["haircuts"], profits, strict=True):
        assert 0 <= h["haircut"] <= max(p, D(0)) + D("1e-20")
    if total > 0:
        assert out["haircut_rate"] == min(D(1), deficit / total)


def test_socialized_loss_junk() -> None:
    with pytest.raises(InputError) as err:
        perpcalc.run("socialized_loss", {"deficit": 10, "profits": "id, profit\nA, 5\nA, 6"})
    assert err.value.field == "profits"
    with pytest.raises(InputError) as err:
        perpcalc.run("socialized_loss", {"deficit": -1, "profits": "id, profit\nA, 5"})
    assert err.value.field == "deficit"
    with pytest.raises(InputError) as err:
        perpcalc.run("socialized_loss", {"deficit": 1, "profits": ""})
    assert err.value.field == "profits"


# ------------------------------------------------------------------ waterfall


def test_dydx_deleveraging_story() -> None:
    """dYdX "contract loss mechanisms": A and B each deposit 100; A long, B short 500 at 1;
    the price jumps to 2. B's bankruptcy price is 1 + 100/500 = 1.2; with nothing on the book
    and an empty fund, A's 500 are closed against B at 1.2: A realises 500 × 0.2 = +100 and
    ends with 200, B ends with 0."""
    assert bankruptcy_price("short", D(500), D(1), D(100)) == D("1.2")
    positions = [{"id": "A", "side": "long", "size": D(500), "entry_price": D(1), "margin": D(100)},
                 {"id": "B", "side": "short", "size": D(500), "entry_price": D(1), "margin": D(100)}]
    out = insolvency_waterfall(positions, D(2), fill_price=D(2), insurance_fund=D(0), mmr=D(0))
    assert out["final_equity"] == {"A": D(200), "B": D(0)}
    assert out["adl_fills"] == [{"id": "A", "against": "B", "side": "long", "size_closed": D(500),
                                 "price": D("1.2"), "remaining": D(0)}]
    assert out["total_deficit"] == 400 and out["adl_absorbed"] == 400 and out["socialized"] == 0
    assert out["imbalance"] == 0


def test_waterfall_default_example_by_hand() -> None:
    """Default example: mark 90, fill 87, fund 20, mmr 0.5 %. L1 (long 10 at 100, margin 100)
    has equity 0 ≤ 4.5 → liquidated; bankruptcy 90; at 87 its result is 100 − 130 = −30. L2
    (long 5, margin 60) has equity 10 > 2.25 and survives. The fund pays 20 (two thirds), so
    10/3 units are closed by ADL at 90 against the top short, absorbing the last 10."""
    out = perpcalc.run("insolvency_waterfall", perpcalc.get("insolvency_waterfall").examples["default"])
    assert [r["id"] for r in out["liquidated"]] == ["L1"]
    assert out["total_deficit"] == 30 and out["insurance_used"] == 20 and out["insurance_fund_after"] == 0
    assert out["adl_closed"] == pytest.approx(10 / 3)
    assert out["socialized"] == 0 and out["bad_debt"] == 0
    assert out["conserved"].startswith("yes")
    assert [s["unpaid"] for s in out["steps"]] == [30, 10, 0, 0]


def test_waterfall_socialises_what_the_queue_cannot_take() -> None:
    """Long L (10 at 100, margin 50) liquidated at mark 94 (equity −10), filled at 94: deficit 10,
    no fund. The only short winner S holds 2, so ADL closes 2 of the 10 units at bankruptcy 95
    (absorbing 2 × 1 = 2); the 8 left are sold at 94 and their deficit of 8 is socialised over
    S's remaining profit."""
    positions = [{"id": "L", "side": "long", "size": D(10), "entry_price": D(100), "margin": D(50)},
                 {"id": "S", "side": "short", "size": D(2), "entry_price": D(100), "margin": D(50)}]
    out = insolvency_waterfall(positions, D(94), fill_price=D(94), insurance_fund=D(0), mmr=D(0))
    assert out["adl_closed"] == 2 and out["adl_absorbed"] == 2
    # S closed at 95: profit 2 × 5 = 10; the haircut takes 8 of it
    assert out["socialized"] == 8 and out["bad_debt"] == 0
    assert out["final_equity"]["S"] == D(52)
    assert out["imbalance"] == 0


waterfall_rows = st.lists(
    st.tuples(
        st.sampled_from(["long", "short"]),
        st.decimals(min_value=D("0.1"), max_value=100, places=2),
        st.decimals(min_value=50, max_value=150, places=2),
        st.decimals(min_value=0, max_value=3000, places=2),
    ),
    min_size=1,
    max_size=12,
)



# the market a random waterfall book meets: mark, the fill's distance from it, the fund, the mmr
MARKET = dict(mark=st.decimals(min_value=40, max_value=160, places=2),
              fill_shift=st.decimals(min_value=-20, max_value=20, places=2),
              fund=st.decimals(min_value=0, max_value=500, places=2),
              mmr=st.sampled_from([D(0), D("0.005"), D("0.05")]))


def _book(rows: list[tuple[str, D, D, D]]) -> list[dict[str, object]]:
    """A drawn book's (side, size, entry, margin) rows as positions with ids p00, p01, ..."""
    return [{"id": f"p{i:02d}", "side": s, "size": q, "entry_price": e, "margin": m}
            for i, (s, q, e, m) in enumerate(rows)]


@FAST
@given(rows=waterfall_rows, **MARKET,
       method=st.sampled_from(list(ADL_METHODS)))
def test_waterfall_conserves_money(rows, mark, fill_shift, fund, mmr, method) -> None:
    positions = [{"id": f"p{i}", "side": s, "size": q, "entry_price": e, "margin": m}
                 for i, (s, q, e, m) in enumerate(rows)]
    fill = max(mark + fill_shift, D("0.01"))
    out = insolvency_waterfall(positions, mark, fill_price=fill, insurance_fund=fund, mmr=mmr, adl_method=method)
    assert out["imbalance"] <= D("1e-9")
    paid = out["insurance_used"] + out["adl_absorbed"] + out["socialized"] + out["bad_debt"]
    assert abs(paid - out["total_deficit"]) <= D("1e-9")
    assert out["insurance_fund_after"] >= 0 and out["bad_debt"] >= -D("1e-20")
    assert out["insurance_used"] <= fund + out["surplus"]


def test_waterfall_junk() -> None:
    ex = perpcalc.get("insolvency_waterfall").examples["default"]
    dup = "id, side, size, entry_price, margin\nA, long, 1, 100, 10\nA, short, 1, 100, 10"
    for field, bad in (("positions", {"positions": dup}), ("positions", {"positions": ""}),
                       ("mark_price", {"mark_price": "nan"}), ("slippage", {"slippage": 1, "fill_price": None})):
        with pytest.raises(InputError) as err:
            perpcalc.run("insolvency_waterfall", dict(ex, **bad))
        assert err.value.field == field


@pytest.mark.parametrize("row, words", [("B, long, 0, 100, 10", "Size must be > 0"),
                                        ("B, long, 1, 0, 10", "Entry price must be > 0"),
                                        ("B, long, 1, 100, -1", "Margin must be ≥ 0"),
                                        ("B, flat, 1, 100, 10", "Side"),
                                        ("A, short, 1, 100, 10", "position id 'A' appears twice")])
def test_waterfall_reader_refuses_what_the_math_takes_as_read(row: str, words: str) -> None:
    """run() hands the waterfall its reader's columns with read=True, and mark_book then checks only that
    the ids are distinct: every other bad position is refused by the reader, in the positions field."""
    text = f"id, side, size, entry_price, margin\nA, long, 1, 100, 10\n{row}"
    with pytest.raises(InputError) as err:
        perpcalc.run("insolvency_waterfall", {"positions": text, "mark_price": "90"})
    assert err.value.field == "positions" and words in err.value.message, err.value.message


@pytest.mark.parametrize("method", list(ADL_METHODS))
@pytest.mark.parametrize("contract", ["linear", "inverse"])
def test_fast_ranking_and_adl_score_share_one_kernel(method: str, contract: str) -> None:
    """rank_positions' 100,000-row path and adl_score give the same score for every row."""
    rows = [
        {"id": i, "side": "long" if i % 2 else "short", "size": 1.0 + i, "entry_price": 100.0 + 3 * i,
         "mark_price": 110.0 - 2 * i, "margin": 300.0 + 7 * i}
        for i in range(8)
    ]
    ranked = {r["id"]: r["score"] for r in rank_positions(rows, method, contract, 1.0, 0.005)}
    for r in rows:
        expected = adl_score(method, r["side"], r["size"], r["entry_price"], r["mark_price"], r["margin"], contract)
        assert ranked[r["id"]] == expected


# ------------------------------------------------------------------ the waterfall, stage by stage


def _dydx_pair() -> tuple[object, object]:
    """dYdX "Contract loss mechanisms": A long and B short 500 at 1, each with 100 of margin;
    the mark moves to 2, so B's equity is 100 − 500 = −400 and A's 600."""
    from perpcalc.insolvency import Ledger, mark_book

    book = mark_book([{"id": "A", "side": "long", "size": D(500), "entry_price": D(1), "margin": D(100)},
                      {"id": "B", "side": "short", "size": D(500), "entry_price": D(1), "margin": D(100)}], D(2))
    return book, Ledger(dict(zip(book.keys, book.equities, strict=True)), D(0))


def test_stage_0_marks_each_position_in_columns() -> None:
    book, ledger = _dydx_pair()
    assert book.keys == ["A", "B"] and book.longs == [True, False]
    assert book.equities == [D(600), D(-400)] and ledger.start == D(200)


def test_stage_1_liquidates_at_the_fill_and_books_the_deficit() -> None:
    from perpcalc.insolvency import liquidate_at_fill

    book, ledger = _dydx_pair()
    closed = liquidate_at_fill(book, ledger, D(2), D("0.005"), {"long": D(2), "short": D(2)})
    assert closed.rows == [1] and closed.fill == [D(2)] and closed.mm == [D("5.000")]
    assert closed.result == [D(-400)] and closed.bp == [D("1.2")]
    assert ledger.shortfall == D(-400) and ledger.equity["B"] == 0 and ledger.check() == 0


def test_stage_2_the_fund_pays_one_share_of_every_deficit() -> None:
    from perpcalc.insolvency import Ledger, cover_from_fund

    ledger = Ledger({"A": D(0)}, D(150), shortfall=D(-400))
    start = ledger.start
    cover, used = cover_from_fund(ledger)
    assert (cover, used) == (D("0.375"), D(150))
    assert ledger.fund == 0 and ledger.shortfall == D(-250) and ledger.total() == start


def test_stage_3_deleverages_the_winner_at_the_bankruptcy_price() -> None:
    """dYdX's example: with no fund, A is closed for 500 at 1.2 and ends with 200."""
    from perpcalc.insolvency import deleverage, liquidate_at_fill

    book, ledger = _dydx_pair()
    closed = liquidate_at_fill(book, ledger, D(2), D("0.005"), {"long": D(2), "short": D(2)})
    adl = deleverage(closed, book, [0], ledger, D(2), D(0))
    assert adl.closed == D(500) and adl.absorbed == D(400) and not adl.residual
    assert adl.fills == [{"id": "A", "against": "B", "side": "long", "size_closed": D(500), "price": D("1.2"),
                          "remaining": D(0)}]
    assert closed.insurance == [D(0)] and closed.adl_size == [D(500)]
    assert ledger.equity["A"] == D(200) and ledger.shortfall == 0 and ledger.check() == 0


def test_stage_4_socialises_what_is_left_over_survivors_profits() -> None:
    from perpcalc.insolvency import Ledger, mark_book, socialise

    book = mark_book([{"id": "A", "side": "long", "size": D(10), "entry_price": D(100), "margin": D(50)}], D(110))
    ledger = Ledger({"A": D(150)}, D(0), shortfall=D(-25))
    social, taken = socialise(book, [0], ledger)
    assert taken == D(25) and social["haircut_rate"] == D("0.25")
    assert ledger.equity["A"] == D(125) and ledger.shortfall == 0 and ledger.check() == 0


def test_ledger_check_sees_money_created_from_nothing() -> None:
    from perpcalc.insolvency import Ledger

    ledger = Ledger({"A": D(10)}, D(5))
    ledger.equity["A"] += D(1)
    assert ledger.check() == D(1)


def test_ledger_check_after_a_stage_that_moves_no_equity() -> None:
    """A stage that moves only the fund and the shortfall (the fund's cover) checks without adding
    every equity again: its total is the full total, and money it creates is still seen."""
    from perpcalc.insolvency import Ledger

    ledger = Ledger({"A": D(10), "B": D("2.5")}, D(5), shortfall=D(-3))
    ledger.fund -= D(2)
    ledger.shortfall += D(2)
    assert ledger.check(equity_unchanged=True) == 0
    assert ledger.total(equity_unchanged=True) == ledger.total() == ledger.start
    ledger.fund += D("0.5")
    assert ledger.check(equity_unchanged=True) == D("0.5")


# ------------------------------------------------------------------ the waterfall against a plain reference


def _reference_waterfall(positions, mark_price, fill_price=None, slippage=D(0), insurance_fund=D(0),
                         mmr=D("0.005"), adl_method="pnl_times_leverage"):
    """The waterfall written the plain way, from its docstring: a loop over the positions at each
    stage, an object per position, the ADL queues ranked by ``rank_positions`` (the public
    function, rows and all) and walked from the front by every bankrupt position (quadratic),
    and the plain ``_reference_socialized_loss``. The waterfall, which does each stage column by
    column and walks each queue once, must give exactly this, every Decimal with its exponent."""
    if mark_price <= 0:
        raise InputError("mark_price", "mark price must be > 0")
    traders, ids = [], set()
    for p in positions:  # stage 0: check, then mark
        key = str(p["id"])
        if key in ids:
            raise InputError("positions", f"position id {key!r} appears twice")
        ids.add(key)
        if p["side"] not in ("long", "short"):
            raise InputError("positions", f"position {key!r}: side must be long or short")
        if p["size"] <= 0:
            raise InputError("positions", f"position {key!r}: size must be > 0")
        if p["entry_price"] <= 0:
            raise InputError("positions", f"position {key!r}: entry price must be > 0")
        if p["margin"] < 0:
            raise InputError("positions", f"position {key!r}: margin must be ≥ 0")
        s = 1 if p["side"] == "long" else -1
        pnl = p["size"] * (mark_price - p["entry_price"])
        traders.append({"key": key, "side": p["side"], "s": s, "size": p["size"], "entry": p["entry_price"],
                        "margin": p["margin"], "equity": p["margin"] + pnl if s == 1 else p["margin"] - pnl})
    if not traders:
        raise InputError("positions", "enter at least one position")
    fills = {"long": fill_price if fill_price is not None else mark_price * (1 - slippage),
             "short": fill_price if fill_price is not None else mark_price * (1 + slippage)}
    if min(fills.values()) <= 0:
        raise InputError("slippage", "slippage must leave the fill price above 0")
    equity = {t["key"]: t["equity"] for t in traders}
    ledger = {"fund": insurance_fund, "book": D(0), "shortfall": D(0), "imbalance": D(0)}

    def check():
        total = sum(equity.values(), D(0)) + ledger["fund"] + ledger["book"] + ledger["shortfall"]
        ledger["imbalance"] = max(ledger["imbalance"], abs(total - start))

    start = sum(equity.values(), D(0)) + ledger["fund"] + ledger["book"] + ledger["shortfall"]
    liquidated = []
    for t in traders:  # stage 1: liquidate at the fill
        mm = mmr * t["size"] * mark_price
        if t["equity"] > mm:
            continue
        f = fills[t["side"]]
        result = t["margin"] + t["s"] * t["size"] * (f - t["entry"])
        ledger["book"] += t["s"] * t["size"] * (mark_price - f)
        equity[t["key"]] = D(0)
        ledger["fund" if result >= 0 else "shortfall"] += result
        liquidated.append({"t": t, "fill": f, "result": result, "mm": mm, "insurance": D(0), "adl": D(0),
                           "bp": bankruptcy_price(t["side"], t["size"], t["entry"], t["margin"])})
    check()
    surplus = sum((r["result"] for r in liquidated if r["result"] > 0), D(0))
    total_deficit = -ledger["shortfall"]
    fund_before = ledger["fund"]
    cover = min(D(1), ledger["fund"] / total_deficit) if total_deficit > 0 else D(0)  # stage 2: the fund
    used = min(ledger["fund"], total_deficit)
    ledger["fund"] -= used
    ledger["shortfall"] += used
    check()
    closed_keys = {r["t"]["key"] for r in liquidated}
    survivors = [t for t in traders if t["key"] not in closed_keys]
    queues = {}  # stage 3: ADL, each side's winners in rank_positions' order
    for side in ("long", "short"):
        winners = {t["key"]: t for t in survivors if t["side"] == side and t["s"] * (mark_price - t["entry"]) > 0}
        ranked = rank_positions([{"id": t["key"], "side": side, "size": t["size"], "entry_price": t["entry"],
                                  "mark_price": mark_price, "margin": t["margin"]} for t in winners.values()],
                                method=adl_method, mmr=mmr) if winners else []
        queues[side] = [{"t": winners[r["id"]], "left": winners[r["id"]]["size"]} for r in ranked]
    adl_fills, adl_closed, absorbed_total, residual = [], D(0), D(0), D(0)
    for r in sorted(liquidated, key=lambda r: r["t"]["key"]):
        p = r["t"]
        if r["result"] >= 0:
            continue
        r["insurance"] = -r["result"] * cover
        x = p["size"] * (1 - cover)
        if x <= 0:
            continue
        per_unit, unpaid = -r["result"] / p["size"], -r["result"] - r["insurance"]
        for q in queues["short" if p["side"] == "long" else "long"]:
            if x <= 0:
                break
            if q["left"] <= 0:
                continue
            take = min(q["left"], x)
            x -= take
            q["left"] -= take
            c = q["t"]
            absorbed = unpaid if x == 0 else take * per_unit
            unpaid -= absorbed
            ledger["book"] -= p["s"] * take * (mark_price - r["fill"])
            ledger["shortfall"] += absorbed
            equity[c["key"]] += c["s"] * take * (r["bp"] - mark_price)
            adl_closed += take
            absorbed_total += absorbed
            r["adl"] += take
            adl_fills.append({"id": c["key"], "against": p["key"], "side": c["side"], "size_closed": take,
                              "price": r["bp"], "remaining": q["left"]})
        if x > 0:
            residual += x
    check()
    if abs(ledger["shortfall"]) < D("1e-18"):  # stage 4: socialise
        ledger["shortfall"] = D(0)
    social, taken = None, D(0)
    if -ledger["shortfall"] > 0:
        social = _reference_socialized_loss(-ledger["shortfall"], [
            {"id": t["key"], "profit": equity[t["key"]] - t["margin"]} for t in sorted(survivors,
                                                                                       key=lambda t: t["key"])])
        for h in social["haircuts"]:
            equity[h["id"]] -= h["haircut"]
            taken += h["haircut"]
        ledger["shortfall"] += taken
    check()
    bad_debt = -ledger["shortfall"] if abs(ledger["shortfall"]) >= D("1e-18") else D(0)
    return {
        "liquidated": [{"id": r["t"]["key"], "side": r["t"]["side"], "size": r["t"]["size"],
                        "equity_at_mark": r["t"]["equity"], "maintenance_margin": r["mm"], "bankruptcy_price": r["bp"],
                        "fill_price": r["fill"], "result": r["result"], "insurance_used": r["insurance"],
                        "adl_size": r["adl"]} for r in liquidated],
        "surplus": surplus, "total_deficit": total_deficit, "insurance_fund_before": fund_before,
        "insurance_used": used, "insurance_fund_after": ledger["fund"], "adl_closed": adl_closed,
        "adl_absorbed": absorbed_total, "adl_fills": adl_fills, "socialized": taken,
        "haircut_rate": social["haircut_rate"] if social else D(0), "bad_debt": bad_debt,
        "imbalance": ledger["imbalance"], "final_equity": equity, "book": ledger["book"],
        "steps": [
            {"step": 1, "stage": "Deficits at the fill", "amount": -total_deficit, "unpaid": total_deficit},
            {"step": 2, "stage": "Insurance fund", "amount": used, "unpaid": total_deficit - used},
            {"step": 3, "stage": "ADL at the bankruptcy price", "amount": absorbed_total,
             "unpaid": total_deficit - used - absorbed_total},
            {"step": 4, "stage": "Socialised haircut", "amount": taken, "unpaid": bad_debt}],
        "residual_size": residual,
    }


waterfall_digits = st.lists(
    st.tuples(
        st.sampled_from(["long", "short"]),
        st.one_of(st.decimals(min_value=D("0.1"), max_value=100, places=2), st.sampled_from([D("1E+1"), D("3.000")])),
        st.decimals(min_value=50, max_value=150, places=3),
        st.one_of(st.decimals(min_value=0, max_value=3000, places=2), st.sampled_from([D(0), D("0.000")])),
    ),
    min_size=1,
    max_size=40,
)


@FAST
@given(rows=waterfall_digits, **MARKET,
       method=st.sampled_from(list(ADL_METHODS)),
       slippage=st.sampled_from([None, D("0.01"), D("0.0137")]))
@example(rows=[("long", D(10), D(100), D(100)), ("short", D(10), D(100), D(500))], mark=D(90), fill_shift=D(-2),
         fund=D(100), mmr=D(0), method="pnl_times_leverage", slippage=None)  # equity exactly at maintenance: liquidated
@example(rows=[("long", D(10), D(100), D(100)), ("short", D(3), D(100), D(500)), ("short", D(3), D(101), D(500))],
         mark=D(90), fill_shift=D(-3), fund=D(7), mmr=D("0.005"), method="pnl_times_leverage",
         slippage=None)  # an inexact cover (7/30): 34-digit sizes, a queue shorter than the deficit
@example(rows=[("long", D("5.831498307984830220594026797"), D(100), D(0)), ("short", D(10), D(100), D(500))],
         mark=D(90), fill_shift=D(-2), fund=D(0), mmr=D("0.005"), method="pnl_times_leverage",
         slippage=None)  # a maintenance margin that rounds: (mmr·size)·mark as the loop has it, not size·(mmr·mark)
def test_waterfall_matches_the_plain_reference(rows, mark, fill_shift, fund, mmr, method, slippage) -> None:
    """Random books (sizes and margins with trailing zeros and exponents among them): the
    waterfall gives exactly what the plain reference above gives, every output and every
    Decimal with its exponent; and money is conserved through every stage."""
    positions = _book(rows)
    args = dict(fill_price=None if slippage else max(mark + fill_shift, D("0.01")), slippage=slippage or D(0),
                insurance_fund=fund, mmr=mmr, adl_method=method)
    got = insolvency_waterfall(positions, mark, **args)
    assert repr(got) == repr(_reference_waterfall(positions, mark, **args))
    assert got["imbalance"] <= D("1e-9")


@FAST
@given(rows=waterfall_digits, mark=st.decimals(min_value=40, max_value=160, places=2),
       mmr=st.sampled_from([D(0), D("0.005"), D("0.05")]), method=st.sampled_from(list(ADL_METHODS)))
def test_waterfall_adl_queues_in_rank_positions_order(rows, mark, mmr, method) -> None:
    """The waterfall scores its winners from the book's columns, without rows: each queue is
    exactly rank_positions' order (ties in score and size included: the sizes repeat)."""
    from perpcalc.insolvency import adl_queues, mark_book

    book = mark_book(_book(rows), mark)
    queues = adl_queues(book, range(len(book.keys)), mark, method, mmr)
    for side in ("long", "short"):
        winners = [{"id": k, "side": side, "size": q, "entry_price": e, "mark_price": mark, "margin": m}
                   for k, s, q, e, m in zip(book.keys, book.sides, book.sizes, book.entries, book.margins, strict=True)
                   if s == side and (mark > e if side == "long" else mark < e)]
        ranked = rank_positions(winners, method=method, mmr=mmr) if winners else []
        assert [book.keys[i] for i in queues[side]] == [r["id"] for r in ranked]


def test_waterfall_adl_walks_each_queue_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every winner closed by a different bankrupt position: the stage reads each queue
    entry a bounded number of times (the walk from the front read the closed ones again for
    every bankrupt position: 2,000 positions made about a million reads; 100,000, the
    list's maximum, about a minute of CPU). `make bench` times each calculator at its
    maximum size."""
    import perpcalc.insolvency as ins

    reads = [0]

    class Counted(list):
        def __getitem__(self, index):
            reads[0] += 1
            return super().__getitem__(index)

    plain = ins.adl_queues
    monkeypatch.setattr(ins, "adl_queues", lambda *a: {side: Counted(queue) for side, queue in plain(*a).items()})
    n = 2000
    positions = []
    for i in range(n // 2):
        positions.append({"id": f"L{i:06d}", "side": "long", "size": D(1), "entry_price": D(100), "margin": D(5)})
        positions.append({"id": f"S{i:06d}", "side": "short", "size": D(1), "entry_price": D(100),
                          "margin": D(50)})
    out = insolvency_waterfall(positions, D(90), fill_price=D(90), insurance_fund=D(0), mmr=D(0))
    assert len(out["liquidated"]) == n // 2 and len(out["adl_fills"]) == n // 2
    assert out["imbalance"] <= D("1e-9")
    assert 0 < reads[0] <= 10 * n


def _reference_socialized_loss(deficit, profits, method="pro_rata", insurance_fund=D(0), venue_injection=D(0)):
    """socialized_loss written row by row (before its column form): the reference it must match digit for digit."""
    loss = max(deficit - insurance_fund - venue_injection, D(0)) if method == "okx_2018_clawback" else deficit
    positive = [max(p["profit"], D(0)) for p in profits]
    total = sum(positive, D(0))
    rate = min(D(1), loss / total) if total > 0 else (D(1) if loss > 0 else D(0))
    target = min(loss, total)
    haircuts, paid = [], D(0)
    last = max((i for i, x in enumerate(positive) if x > 0), default=-1)
    for i, (p, pos) in enumerate(zip(profits, positive, strict=True)):
        h = pos if rate == 1 else (target - paid if i == last else pos * rate)
        paid += h
        haircuts.append({"id": p["id"], "profit": p["profit"], "haircut": h, "profit_after": p["profit"] - h})
    return {"loss": loss, "haircut_rate": rate, "haircuts": haircuts, "total_haircut": paid,
            "uncovered": loss - paid, "total_profit": total}


@FAST
@given(deficit=st.decimals(min_value=0, max_value=10**6, places=3),
       profits=st.lists(st.one_of(st.decimals(min_value=-1000, max_value=10**5, places=4),
                                  st.sampled_from([D("0"), D("-0"), D("0.00"), D("1E-30")])), max_size=30),
       method=st.sampled_from(list(SOCIAL_METHODS)),
       fund=st.decimals(min_value=0, max_value=1000, places=2))
def test_socialized_loss_matches_the_row_by_row_reference(deficit, profits, method, fund) -> None:
    rows = [{"id": f"a{i}", "profit": x} for i, x in enumerate(profits)]
    got = socialized_loss(deficit, rows, method, fund, D(1))
    want = _reference_socialized_loss(deficit, rows, method, fund, D(1))
    assert repr(got) == repr(want)  # the same Decimals, exponent and all


# ------------------------------------------------------------------ the waterfall's inputs: rows or columns, refusals


@FAST
@given(rows=waterfall_digits, **MARKET, method=st.sampled_from(list(ADL_METHODS)))
def test_waterfall_reads_its_positions_as_rows_or_as_columns(rows, mark, fill_shift, fund, mmr, method) -> None:
    """The calculator hands the waterfall its positions as columns (the reader's Columns): every
    output is exactly what the same positions give as rows, every Decimal with its exponent."""
    from perpcalc.parse import Columns

    positions = _book(rows)
    columns = Columns((k, [p[k] for p in positions]) for k in ("id", "side", "size", "entry_price", "margin"))
    args = dict(fill_price=max(mark + fill_shift, D("0.01")), insurance_fund=fund, mmr=mmr, adl_method=method)
    assert repr(insolvency_waterfall(columns, mark, **args)) == repr(insolvency_waterfall(positions, mark, **args))


def test_waterfall_refuses_the_first_bad_position_as_the_loop_did() -> None:
    good = {"side": "long", "size": D(1), "entry_price": D(100), "margin": D(10)}
    for bad, words in ((dict(good, size=D(0)), "'b': size must be > 0"),
                       (dict(good, entry_price=D(0)), "'b': entry price must be > 0"),
                       (dict(good, margin=D(-1)), "'b': margin must be ≥ 0"),
                       (dict(good, side="flat"), "'b': side must be long or short"),
                       (dict(good, id="a"), "position id 'a' appears twice")):
        positions = [dict(good, id="a"), {"id": "b", **bad} if "id" not in bad else bad, dict(good, id="c", size=D(0))]
        columns = {k: [p[k] for p in positions] for k in ("id", "side", "size", "entry_price", "margin")}
        for fn, book in ((insolvency_waterfall, positions), (insolvency_waterfall, columns),
                         (_reference_waterfall, positions)):
            with pytest.raises(InputError) as err:
                fn(book, mark_price=D(100))
            assert err.value.field == "positions" and words in err.value.message


# ------------------------------------------------------------------ the waterfall's outputs, frozen


def _golden_books() -> list[tuple[list[dict[str, object]], D, dict[str, object]]]:
    """Sixty books drawn from one seed, a few of each kind: plain, every position near
    bankruptcy, one side only, a fund of 0 or of 10⁹ (every deficit covered), fills on either
    side of the mark or from slippage up to 99.9 %, mmr up to 50 %, ids as text or numbers out
    of input order, sizes and margins with trailing zeros and exponents, two books of 400."""
    rng = random.Random(20261206)

    def dec(lo: int, hi: int, places: int) -> D:
        return D(rng.randint(lo * 10**places, hi * 10**places)).scaleb(-places)

    books = []
    for k in range(60):
        kind = ("plain", "bankrupt", "one side", "plain")[k % 4]
        n = 400 if k in (17, 42) else rng.randint(1, 40)
        order = rng.sample(range(n), n)
        rows = []
        for i in range(n):
            size = rng.choice([dec(1, 100, rng.randint(0, 4)), D("1E+1"), D("3.000"), dec(1, 1000, 0)])
            entry = dec(50, 150, rng.randint(0, 3))
            margin = (rng.choice([D(0), D("0.000"), dec(0, 5, 2)]) if kind == "bankrupt" else
                      rng.choice([D(0), D("0.000"), dec(0, 3000, rng.randint(0, 3)), dec(0, 50, 2), size * entry]))
            rows.append({"id": rng.choice([f"p{order[i]:03d}", order[i], f"{order[i] * 7 % 1000}-{i}"]),
                         "side": "long" if kind == "one side" else rng.choice(["long", "short"]),
                         "size": size, "entry_price": entry, "margin": margin})
        mark = rng.choice([dec(40, 160, 2), D(100), D(90)])
        args: dict[str, object] = {
            "mmr": rng.choice([D(0), D("0.005"), D("0.05"), D("0.5"), D("0.0137")]),
            "adl_method": ADL_METHODS[k % len(ADL_METHODS)],
            "insurance_fund": rng.choice([D(0), dec(0, 50, 2), D(10**9), dec(0, 5000, 3)])}
        if k % 2:
            args["fill_price"] = max(mark + rng.choice([D(0), dec(-20, 20, 2), dec(-60, 60, 3)]), D("0.01"))
        else:
            args["slippage"] = rng.choice([D(0), D("0.01"), D("0.0137"), D("0.3"), D("0.999")])
        books.append((rows, mark, args))
    return books


#: SHA-256 (first 16 hex digits) of repr(insolvency_waterfall(...)) for each of _golden_books(), as the
#: waterfall gave them (at run()'s precision, 34 digits) on 2026-12-06 before its stages were rewritten column by
#: column
GOLDEN_WATERFALLS = (
    "64f577b69f0490d3", "4d434c757b0941e6", "97ca6c68d6a8fa7f", "2d3d975a572e7b69",
    "65680c6f739cd694", "b5c800018219ce93", "29dadee948186a08", "8aa06d5f788844e6",
    "3e0b8c2ceaaa0fa3", "e438dcf852a923b5", "6beb98b7a74c65b2", "e1411a198de6276c",
    "112282bb30aacc6b", "519f9b5d87ada4b9", "0d31fc7bc5740801", "452e6c0c33eda136",
    "4dec31949d5d8823", "bd74e1da77b59342", "18ab2943df3b8efa", "b655188df5274113",
    "a586060d3e71b48c", "f5333ee512965cfa", "3a8b33d3733f3a5d", "d5052d7da1721b15",
    "9537f8bd9445dafd", "5e3734214012d6ea", "4238d138b4d9db71", "8c21c167200c7e29",
    "c4ff708ef4164741", "beca008a96d6dea4", "2eb422979ce51e18", "5055b296a3dca9b3",
    "e02cb6cfab19583c", "c5b3eea8304b0e37", "06bbba8c5f0d4c04", "01db1558ee5a8253",
    "f7b68ec79fb65834", "4f7057b5d14b977b", "e6a45463459143df", "3cf028e2b9f08a2f",
    "e5f6359f0056e849", "b40d4ff5079e6b6a", "f5e2a8da404fb6da", "cc3265b5c1f8313f",
    "f77fce91a685013c", "0b8a4eaafc364183", "b641412d5cbd78d4", "219b6ea294965bc0",
    "8b37339bd7d874b0", "65b93e1b8c7e7c6b", "680cac6dfd3340b2", "d1ea3bc37319f4f4",
    "c778f8683f0f390c", "771e5871297f28b9", "c4c19f9203a888f0", "77d8dad88f4d4d47",
    "7686d84d3fe2d1e0", "dd80f5813a24174e", "7d2aec572c4ba60f", "1994faf62f58eb07",
)


def test_waterfall_outputs_are_frozen() -> None:
    """Sixty generated books give, to the last digit and exponent, what they gave before the
    waterfall's rewrite; the books cover every stage: their summary counts are asserted too."""
    import hashlib

    seen = {"liquidated": 0, "fund": 0, "adl": 0, "socialised": 0, "bad debt": 0, "fully covered": 0}
    digests = []
    for rows, mark, args in _golden_books():
        with localcontext() as ctx:
            ctx.prec = 34  # as run() computes
            out = insolvency_waterfall(rows, mark, **args)
        digests.append(hashlib.sha256(repr(out).encode()).hexdigest()[:16])
        seen["liquidated"] += bool(out["liquidated"])
        seen["fund"] += out["insurance_used"] > 0
        seen["adl"] += out["adl_absorbed"] > 0
        seen["socialised"] += out["socialized"] > 0
        seen["bad debt"] += out["bad_debt"] > 0
        seen["fully covered"] += out["total_deficit"] > 0 and out["insurance_used"] == out["total_deficit"]
    assert tuple(digests) == GOLDEN_WATERFALLS
    assert min(seen.values()) >= 3, seen


# ------------------------------------------------------------------ the waterfall's tables, written column by column


#: five longs liquidated in turn against three shorts: the first winner filled twice, then closed in full by the
#: third (the size its last fill left), the second filled, then closed in full, and the third closed in full by its
#: first fill, with some size left over (the residual)
_FILLS_OF_EVERY_KIND = [("long", D(10), D(100), D(50))] * 5 + [
    ("short", D(15), D(100), D(500)), ("short", D(3), D(101), D(500)), ("short", D(30), D(100), D(100))]


@FAST
@given(rows=waterfall_digits, **MARKET,
       slippage=st.sampled_from([None, D("0.01"), D("0.0137")]))
@example(rows=_FILLS_OF_EVERY_KIND, mark=D(90), fill_shift=D(-3), fund=D(0), mmr=D(0), slippage=None)
@example(rows=_FILLS_OF_EVERY_KIND, mark=D(90), fill_shift=D(-4), fund=D(7), mmr=D(0), slippage=None)  # 34 digits
def test_waterfall_tables_are_the_rows_written_plainly(rows, mark, fill_shift, fund, mmr, slippage) -> None:
    """run() writes the liquidated positions and the ADL fills as columns, each shared number
    (a fill's price, the two fill prices, the size a fill leaves its winner and the next fill
    closes) written once: the tables are exactly the math's rows written cell by cell as
    output_json writes any rows (fills without their side)."""
    from perpcalc.parse import output_json

    calc = perpcalc.get("insolvency_waterfall")
    text = "id, side, size, entry_price, margin\n" + "\n".join(
        f"p{i:02d}, {s}, {q}, {e}, {m}" for i, (s, q, e, m) in enumerate(rows))
    inputs = {"positions": text, "mark_price": str(mark), "insurance_fund": str(fund), "mmr": str(mmr)}
    if slippage is None:
        inputs["fill_price"] = str(max(mark + fill_shift, D("0.01")))
    else:
        inputs["slippage"] = str(slippage)
    got = perpcalc.run("insolvency_waterfall", inputs)
    v = calc.resolve(inputs)
    with localcontext() as ctx:
        ctx.prec = 34
        out = insolvency_waterfall(v["positions"], v["mark_price"], v["fill_price"], v["slippage"], v["insurance_fund"],
                                   v["mmr"], "pnl_times_leverage")
    tables = {o.name: o for o in calc.outputs if o.columns}
    fills = [{k: f[k] for k in ("id", "against", "size_closed", "price", "remaining")} for f in out["adl_fills"]]
    assert repr(got["liquidated"]) == repr(output_json(tables["liquidated"], out["liquidated"]))
    assert repr(got["adl_fills"]) == repr(output_json(tables["adl_fills"], fills))
    n = len(out["liquidated"])
    assert got["summary"].startswith(f"{n} position{'s' if n != 1 else ''} liquidated")


@FAST
@given(rows=waterfall_digits, **MARKET,
       method=st.sampled_from(list(ADL_METHODS)))
def test_waterfall_columns_are_its_rows(rows, mark, fill_shift, fund, mmr, method) -> None:
    """insolvency_waterfall(columns=True) gives the liquidated positions and the ADL fills as
    columns holding exactly the cells of its rows (every Decimal with its exponent), and the
    same everything else."""
    positions = _book(rows)
    args = dict(fill_price=max(mark + fill_shift, D("0.01")), insurance_fund=fund, mmr=mmr, adl_method=method)
    by_rows = insolvency_waterfall(positions, mark, **args)
    by_columns = insolvency_waterfall(positions, mark, columns=True, **args)
    for table in ("liquidated", "adl_fills"):
        columns = by_columns.pop(table)
        rows_again = [dict(zip(columns, cells, strict=True)) for cells in zip(*columns.values(), strict=True)]
        assert repr(rows_again) == repr(by_rows.pop(table))
        assert len(set(map(len, columns.values()))) == 1
    assert repr(by_columns) == repr(by_rows)


def test_the_waterfall_takes_at_most_its_declared_positions() -> None:
    """The calculator's positions stop at WATERFALL_MAX (50,000, below other lists' 100,000: each deficit is
    replayed fill by fill in exact arithmetic), and one more is refused with the field named and the
    limit given, before any position is marked."""
    from perpcalc.calculators.insolvency import WATERFALL_MAX

    field = next(f for f in perpcalc.get("insolvency_waterfall").inputs if f.name == "positions")
    assert field.max_items == WATERFALL_MAX == 50_000
    assert next(i for i in perpcalc.get("insolvency_waterfall").spec()["inputs"]
                if i["name"] == "positions")["max_items"] == WATERFALL_MAX
    text = "id, side, size, entry_price, margin\n" + "\n".join(
        f"p{i}, {'long' if i % 2 else 'short'}, 1, 100, 10" for i in range(WATERFALL_MAX + 1))
    with pytest.raises(InputError) as err:
        perpcalc.run("insolvency_waterfall", {"positions": text, "mark_price": "90"})
    assert err.value.field == "positions" and "at most 50,000 rows" in str(err.value)
