"""A trader's own ADL score (``adl_outlook`` and the ``adl_score`` calculator), and the ranking's
refusal to call anyone first in line without a queue.

Golden numbers come from the venues' published cases where one exists (named in each test) and
are derived by hand in the docstrings otherwise; the properties check what lowering leverage and
closing part of a position can and cannot do to a score.
"""

from __future__ import annotations

from decimal import Decimal as D

import perpcalc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from perpcalc import InputError
from perpcalc.insolvency import ADL_METHODS, adl_outlook, bankruptcy_price, rank_positions
from perpcalc.venues import ADL_VENUES, VENUES

FAST = settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
DEFAULT = dict(perpcalc.get("adl_score").examples["default"])


def run(**changes: object) -> dict:
    return perpcalc.run("adl_score", {**DEFAULT, **changes})


# ------------------------------------------------------------------ golden cases


def test_binance_forum_case_dev_binance_vision_17801() -> None:
    """dev.binance.vision thread 17801 (Binance's developer forum, 2023): UPnL 40.2 and wallet
    4.27 give PnLPercent 9.41; with a margin ratio of 13.42 % LeveragePnL = 1.26. Built as a long
    of 1 from 59.8 to 100 with 4.27 of margin (equity 44.47), the MMR chosen so that
    MM / equity = 13.42 %."""
    mmr = 0.1342 * 44.47 / 100
    out = run(venue="binance", side="long", size="1", entry_price="59.8", mark_price="100", margin="4.27",
              mmr=repr(mmr))
    assert round(out["score"], 2) == 1.26
    assert "Binance" in out["venue_rule"] and "estimate" not in out["venue_rule"]


def test_bitmex_effective_leverage_is_mark_value_over_mark_minus_bankrupt_value() -> None:
    """BitMEX "Auto-Deleveraging": EffLev = MarkValue / (MarkValue − BankruptValue) and
    PnL% = (MarkValue − EntryValue) / EntryValue. Long 1 at 60,000, mark 66,000, 10x (margin
    6,000): bankruptcy price 54,000, EffLev = 66,000 / 12,000 = 5.5, PnL% = 10 %, score 0.55."""
    out = run()
    bankrupt_value = float(bankruptcy_price("long", D(1), D(60000), D(6000)))
    assert out["effective_leverage"] == pytest.approx(66000 / (66000 - bankrupt_value), rel=1e-12)
    assert out["pnl_percent"] == pytest.approx(0.1, rel=1e-12)
    assert out["score"] == pytest.approx(0.55, rel=1e-12)
    assert out["margin_used"] == 6000
    # adding margin equal to the equity (12,000) halves EffLev, and with it a winner's score
    assert out["margin_to_halve"] == pytest.approx(12000)
    assert out["score_half_leverage"] == pytest.approx(0.275, rel=1e-12)


def test_bitmex_losing_score_is_divided_by_leverage() -> None:
    """BitMEX: PnL% ÷ EffLev when losing. Long 1 at 60,000 marked at 57,000 with 6,000 of margin:
    PnL% = −5 %, equity 3,000, EffLev = 57,000 / 3,000 = 19, score = −0.05 / 19. Halving EffLev
    doubles the magnitude of a losing score: it moves further back."""
    out = run(mark_price="57000")
    assert out["score"] == pytest.approx(-0.05 / 19, rel=1e-12)
    assert out["score_half_leverage"] == pytest.approx(-0.05 / 9.5, rel=1e-12)
    assert "behind every winner" in out["summary"]


def test_hyperliquid_sort_key_by_hand() -> None:
    """Hyperliquid docs "Auto-deleveraging" give the key (mark/entry) × (notional/account value)
    and no numeric example, so this is by hand: long 2 at 100, mark 110, margin 20: account value
    40, notional 220 → 1.1 × 5.5 = 6.05."""
    out = run(venue="hyperliquid", side="long", size="2", entry_price="100", mark_price="110", margin="20")
    assert out["score"] == pytest.approx(6.05, rel=1e-12)
    assert out["formula"].startswith("(mark ÷ entry)")


def test_inverse_bitmex_by_hand() -> None:
    """Inverse (XBTUSD-style, 1 USD contracts): long 10,000 contracts at 10,000, mark 11,000,
    0.1 BTC margin. upnl = 10,000 × (1/10,000 − 1/11,000) = 1/11 BTC; PnL% = (1/11) / 1 = 1/11;
    equity = 0.1 + 1/11; EffLev = (10/11) / equity; score = PnL% × EffLev."""
    out = run(side="long", size="10000", entry_price="10000", mark_price="11000", margin="0.1", contract="inverse")
    equity = 0.1 + 1 / 11
    assert out["score"] == pytest.approx((1 / 11) * (10 / 11) / equity, rel=1e-12)


def test_cross_margin_closing_half_keeps_the_profit_behind_the_rest() -> None:
    """Cross: closing half at the mark leaves the equity (12,000) behind half the size, so EffLev
    and a winner's BitMEX score halve; isolated: half the margin goes with the closed half, and
    the score (a ratio) is unchanged."""
    assert run(margin_mode="cross")["score_half_closed"] == pytest.approx(0.275, rel=1e-12)
    isolated = run()
    assert isolated["score_half_closed"] == pytest.approx(isolated["score"], rel=1e-12)
    assert "same place in the queue" in isolated["summary"]


# ------------------------------------------------------------------ venues and honesty


def test_venue_presets_follow_the_loss_records() -> None:
    for venue in ("bitmex", "binance", "hyperliquid"):
        out = run(venue=venue)
        assert VENUES[venue].loss.adl == ADL_VENUES[venue]
        assert f"by the {venue} formula" in out["summary"]
        assert "estimate" not in out["venue_rule"]
    for venue in ("bybit", "okx"):  # their records name no reproducible formula
        assert VENUES[venue].loss.adl is None
        out = run(venue=venue)
        assert "by the bitmex formula" in out["summary"] and "estimate" in out["venue_rule"]
    # a formula the reader chose wins over the venue's, and the text says so
    assert "not BitMEX's own" in run(venue="bitmex", method="hyperliquid")["venue_rule"]


@pytest.mark.parametrize("venue", ["bybit", "okx"])
@pytest.mark.parametrize("method", ["binance", "hyperliquid"])
def test_a_venue_without_its_own_formula_is_never_scored_by_another_venues(venue, method) -> None:
    """OKX and Bybit have no formula of their own here: their preset is the bitmex form, and
    another venue's formula under their name is refused rather than shown as their score."""
    calc = next(c for c in perpcalc.catalog() if c["name"] == "adl_score")
    assert calc["presets"]["venue"][venue] == {"method": "bitmex"}
    with pytest.raises(InputError) as exc:
        run(venue=venue, method=method)
    assert exc.value.field == "method"


def test_the_trigger_text_names_the_drawdown_threshold_venues() -> None:
    """ADL can fire on Bybit, OKX and Hyperliquid while the insurance fund still holds money."""
    text = run()["indicator"]
    assert "Bybit, OKX and Hyperliquid" in text and "drawdown threshold" in text
    assert "only used when" not in text


def test_no_lights_or_quantile_are_invented() -> None:
    """The score alone cannot place a trader in the queue: no output carries lights or a
    quantile, and the text says why."""
    out = run()
    assert not {k for k in out if "quantile" in k or "light" in k}
    assert "cannot give your lights" in out["indicator"]


# ------------------------------------------------------------------ properties

POSITION = st.fixed_dictionaries({
    "side": st.sampled_from(["long", "short"]),
    "size": st.floats(0.01, 1000),
    "entry_price": st.floats(1, 100_000),
    "move": st.floats(-0.5, 0.5),
    "margin_share": st.floats(0.01, 2),
})


def _args(p: dict) -> tuple[str, float, float, float, float]:
    mark = p["entry_price"] * (1 + p["move"])
    margin = p["size"] * p["entry_price"] * p["margin_share"]
    return p["side"], p["size"], p["entry_price"], mark, margin


def _solvent(side: str, size: float, entry: float, mark: float, margin: float) -> bool:
    upnl = (1 if side == "long" else -1) * size * (mark - entry)
    return margin + upnl > 1e-6 * size * entry


@FAST
@given(POSITION, st.sampled_from(ADL_METHODS), st.sampled_from(["isolated", "cross"]))
def test_lowering_leverage_or_closing_half_never_moves_you_forward(p, method, mode) -> None:
    side, size, entry, mark, margin = _args(p)
    if not _solvent(side, size, entry, mark, margin):
        return
    out = adl_outlook(method, side, size, entry, mark, margin, mode)
    tol = 1e-12 * max(1.0, abs(out["score"]))
    assert out["score_half_leverage"] <= out["score"] + tol
    assert out["score_half_closed"] <= out["score"] + tol
    # halving leverage means what it says
    more = adl_outlook(method, side, size, entry, mark, margin + out["margin_to_halve"], mode)
    assert more["effective_leverage"] == pytest.approx(out["effective_leverage"] / 2, rel=1e-9)


@FAST
@given(POSITION, st.sampled_from(ADL_METHODS), st.floats(1.01, 10))
def test_a_winners_score_rises_with_leverage(p, method, factor) -> None:
    """Same winning position, less margin behind it (higher leverage): the score never falls,
    and under BitMEX's and Hyperliquid's formulas it strictly rises."""
    side, size, entry, mark, margin = _args(p)
    thin = margin / factor
    upnl = (1 if side == "long" else -1) * size * (mark - entry)
    if upnl <= 1e-9 * size * entry or not _solvent(side, size, entry, mark, thin):
        return
    high = adl_outlook(method, side, size, entry, mark, thin)["score"]
    low = adl_outlook(method, side, size, entry, mark, margin)["score"]
    if method == "pnl_over_margin":  # Binance's max(1, wallet) floor can leave it flat
        assert high >= low * (1 - 1e-12)
    else:
        assert high > low


@FAST
@given(POSITION, st.sampled_from(ADL_METHODS))
def test_isolated_close_half_keeps_a_ratio_score(p, method) -> None:
    """BitMEX's and Hyperliquid's scores depend on ratios only, so half the size with half the
    margin scores the same; Binance's max(1, wallet) floor may lower it."""
    side, size, entry, mark, margin = _args(p)
    if not _solvent(side, size, entry, mark, margin):
        return
    out = adl_outlook(method, side, size, entry, mark, margin)
    if method != "pnl_over_margin":
        assert out["score_half_closed"] == pytest.approx(out["score"], rel=1e-9, abs=1e-15)


@FAST
@given(POSITION, st.sampled_from(["bitmex", "hyperliquid", "binance"]))
def test_own_score_is_the_score_the_ranking_uses(p, venue) -> None:
    side, size, entry, mark, margin = _args(p)
    if not _solvent(side, size, entry, mark, margin):
        return
    row = {"id": "me", "side": side, "size": size, "entry_price": entry, "mark_price": mark, "margin": margin}
    ranked = rank_positions([row], method=ADL_VENUES[venue])[0]["score"]
    own = perpcalc.run("adl_score", {"venue": venue, "side": side, "size": repr(size), "entry_price": repr(entry),
                                     "mark_price": repr(mark), "margin": repr(margin)})["score"]
    assert own == pytest.approx(ranked, rel=1e-12, abs=1e-300)


def test_leverage_and_the_margin_it_implies_agree() -> None:
    assert run(leverage="10") == run(margin="6000")
    assert run(leverage="4", margin="6000") == run(margin="6000")  # a margin wins over leverage


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"size": "0"}, "size"),
        ({"size": "-1"}, "size"),
        ({"entry_price": "0"}, "entry_price"),
        ({"mark_price": "nan"}, "mark_price"),
        ({"leverage": "0"}, "leverage"),
        ({"margin": "-5"}, "margin"),
        ({"side": "up"}, "side"),
        ({"venue": "deribit"}, "venue"),
        ({"margin_mode": "portfolio"}, "margin_mode"),
        ({"method": "random"}, "method"),
        ({"mark_price": "50000", "leverage": "100"}, "leverage"),  # bankrupt at the mark: not ranked
        ({"mark_price": "50000", "margin": "100"}, "margin"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_fields_name_themselves(changes: dict, field: str) -> None:
    with pytest.raises(InputError) as err:
        run(**changes)
    assert err.value.field == field
    assert err.value.message


# ------------------------------------------------------------------ the ranking's refusal

HEADER = "id, side, size, entry_price, mark_price, margin\n"


@pytest.mark.parametrize(
    "rows",
    [
        HEADER + "ME, long, 1, 100, 110, 10",
        HEADER + "ME, long, 1, 100, 110, 10\nB, short, 2, 100, 110, 50",
    ],
)
def test_ranking_refuses_a_book_without_a_queue(rows: str) -> None:
    """Issue 20: entering only one's own position gave "First in line to be deleveraged: ME"."""
    with pytest.raises(InputError) as err:
        perpcalc.run("adl_ranking", {"positions": rows})
    assert err.value.field == "positions"
    assert "other traders' positions" in err.value.message
    assert "adl_score" in err.value.message


def test_ranking_says_when_a_side_is_alone_or_empty() -> None:
    rows = HEADER + "ME, long, 1, 100, 110, 10\nB, long, 1, 100, 110, 20\nC, short, 1, 100, 90, 10"
    summary = perpcalc.run("adl_ranking", {"positions": rows})["summary"]
    assert "longs: ME" in summary and "shorts:" not in summary
    assert "C is the only short here" in summary
    longs = HEADER + "A, long, 1, 100, 110, 10\nB, long, 1, 100, 110, 5"
    only_longs = perpcalc.run("adl_ranking", {"positions": longs})
    assert "Nobody here is short" in only_longs["summary"]
