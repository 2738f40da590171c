"""perpcalc.payments and the funding_payments calculator: the funding a trader paid and
received, summed per symbol, per day and in total, and the position a payment implies.
Ledger shapes are read by perpcalc.venue_files (tests/pandas/test_venue_files_fixtures.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import perpcalc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from perpcalc.funding import funding_payment
from perpcalc.payments import Payment, RateAt, implied_notional, summarize_payments

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def test_hyperliquid_user_funding_example_implies_its_position() -> None:
    # Hyperliquid's API documentation, userFunding: ETH, szi 49.1477, fundingRate 0.0000417,
    # usdc -3.625312: the long paid; the notional is szi times the oracle price it used
    notional = implied_notional(Decimal("-3.625312"), Decimal("0.0000417"))
    assert notional > 0  # a long
    price = notional / Decimal("49.1477")
    assert Decimal("1768") < price < Decimal("1770")  # ETH near 1,769 USD on 2023-04-11
    # and back through the payment formula: the same payment
    paid = funding_payment("long", Decimal("49.1477"), price, Decimal("0.0000417"))
    assert abs(paid - Decimal("-3.625312")) < Decimal("1e-12")
    assert implied_notional(Decimal("1"), Decimal(0)) is None


amounts = st.decimals(min_value=-1000, max_value=1000, places=4, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(st.integers(0, 200), st.sampled_from(["BTCUSDT", "ETHUSDT", "SOLUSDT"]), amounts),
                min_size=1, max_size=60))
def test_totals_add_up_every_way(rows: list) -> None:
    payments = [Payment(T0 + timedelta(hours=8 * k), s, a, "USDT") for k, s, a in rows]
    out = summarize_payments(payments)
    total = out["total"]
    assert total["net"] == sum(a for _, _, a in rows) == total["received"] - total["paid"]
    assert total["paid"] >= 0 and total["received"] >= 0 and total["count"] == len(rows)
    for part in ("by_symbol", "by_day"):
        assert sum(r["net"] for r in out[part]) == total["net"]
        assert sum(r["count"] for r in out[part]) == len(rows)
    assert out["running"][-1]["net"] == total["net"]
    assert [r["time"] for r in out["payments"]] == sorted(r["time"] for r in out["payments"])


def test_a_payment_meets_the_rate_settled_within_five_minutes() -> None:
    p = [Payment(T0 + timedelta(seconds=54), "ETH", Decimal("-3.625312"), "USDC"),
         Payment(T0 + timedelta(hours=1, minutes=7), "ETH", Decimal("-1"), "USDC")]
    rates = [RateAt(T0, "ETH", Decimal("0.0000417")), RateAt(T0 + timedelta(hours=1), "ETH", Decimal("0.00001")),
             RateAt(T0, "BTC", Decimal("0.5"))]
    out = summarize_payments(p, rates)
    assert [r["rate"] for r in out["payments"]] == [Decimal("0.0000417"), None]  # 7 minutes off: no rate
    assert out["matched"] == 1


def test_the_calculator_on_its_example_and_in_words() -> None:
    spec = perpcalc.get("funding_payments")
    out = perpcalc.run("funding_payments", spec.examples["default"])
    assert out["count"] == 6 and out["asset"] == "USDT"
    assert out["paid"] == pytest.approx(32.2155) and out["received"] == pytest.approx(3.6468)
    assert out["net"] == pytest.approx(-28.5687)
    assert out["summary"].startswith("6 funding payments from 2024-03-01 to 2024-03-02: paid 32.2155 USDT")
    assert "you paid more than you received" in out["summary"]
    assert out["matched"] == 4 and len(out["chart"]) == 6 and out["chart"][-1]["net"] == pytest.approx(-28.5687)


def test_several_assets_are_not_added_together() -> None:
    text = "time,symbol,amount,asset\n2024-03-01T00:00Z,BTCUSD,-0.0001,BTC\n2024-03-01T00:00Z,BTCUSDT,-5,USDT\n"
    out = perpcalc.run("funding_payments", {"payments": text})
    assert out["net"] is None and out["asset"] == "several" and "do not add up" in out["summary"]
    assert {(r["symbol"], r["net"]) for r in out["by_symbol"]} == {("BTCUSD", -0.0001), ("BTCUSDT", -5.0)}


@pytest.mark.parametrize(
    ("inputs", "field", "words"),
    [
        ({}, "payments", "enter your funding payments"),
        ({"payments": "time,symbol,amount\nyesterday,BTCUSDT,-1\n"}, "payments", "Payments row 1"),
        ({"payments": "time,symbol,amount\n2024-03-01T00:00Z,BTCUSDT,abc\n"}, "payments", "Amount"),
        ({"payments": "time,symbol,amount\n2024-03-01T00:00Z,BTCUSDT,-1\n", "rates": "time,symbol,rate\nx,B,0.1\n"},
         "rates", "Rates row 1"),
    ],
)
def test_bad_input_names_its_field(inputs: dict, field: str, words: str) -> None:
    with pytest.raises(perpcalc.InputError) as info:
        perpcalc.run("funding_payments", inputs)
    assert info.value.field == field and words in info.value.message


def _reference_summarize_payments(payments, rates=()):
    """summarize_payments written payment by payment (before its column form): the reference it
    must match digit for digit."""
    from bisect import bisect_left
    from operator import attrgetter

    ordered = sorted(payments, key=attrgetter("time", "symbol"))
    by_rate = {}
    for r in rates:
        by_rate.setdefault(r.symbol, []).append(r)
    for group in by_rate.values():
        group.sort(key=lambda r: r.time)

    def rate_at(group, when):
        lo = bisect_left(group, when - timedelta(minutes=5), key=lambda r: r.time)
        return group[lo].rate if lo < len(group) and abs(group[lo].time - when) <= timedelta(minutes=5) else None

    def sums(items):
        paid = received = Decimal(0)
        for p in items:
            if p.amount < 0:
                paid -= p.amount
            else:
                received += p.amount
        return {"paid": paid, "received": received, "net": received - paid, "count": len(items)}

    groups, by_date = {}, {}
    for p in ordered:
        groups.setdefault((p.symbol, p.asset), []).append(p)
        by_date.setdefault((p.time.strftime("%Y-%m-%d"), p.asset), []).append(p)
    rows, running, acc = [], [], Decimal(0)
    for p in ordered:
        rate = rate_at(by_rate.get(p.symbol, []), p.time)
        acc += p.amount
        rows.append({"time": p.time, "symbol": p.symbol, "asset": p.asset, "amount": p.amount, "rate": rate,
                     "implied_notional": None if rate is None else implied_notional(p.amount, rate)})
        running.append({"time": p.time, "net": acc})
    return {
        "total": sums(ordered),
        "assets": sorted({p.asset for p in ordered}),
        "by_symbol": [{"symbol": s, "asset": a, **sums(g)} for (s, a), g in sorted(groups.items())],
        "by_day": [{"day": d, "asset": a, **sums(g)} for (d, a), g in sorted(by_date.items())],
        "payments": rows,
        "matched": sum(r["rate"] is not None for r in rows),
        "running": running,
    }


ledger_amounts = st.one_of(
    st.decimals(min_value=-10**12, max_value=10**12, places=8, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal("0"), Decimal("-0"), Decimal("0.000"), Decimal("1E+3"), Decimal("-1E+3"),
                     Decimal("123456789012.12345678901234567"), Decimal("-1E-30")]),
)


@settings(max_examples=examples(60), deadline=None)
@given(payments=st.lists(st.tuples(st.integers(0, 3 * 24 * 60), st.sampled_from(["BTC", "ETH", "SOL"]),
                                   ledger_amounts, st.sampled_from(["USDT", "USDC", ""])), max_size=40),
       rates=st.lists(st.tuples(st.integers(0, 3 * 24 * 60), st.sampled_from(["BTC", "ETH"]),
                                st.decimals(min_value=-1, max_value=1, places=6)), max_size=20))
def test_summarize_payments_matches_the_payment_by_payment_reference(payments: list, rates: list) -> None:
    """Random ledgers (minutes apart, so payments meet rates at, inside and past the five-minute
    window, several a minute, several assets): the column form gives exactly what the plain loop
    gives, every Decimal with its exponent."""
    ps = [Payment(T0 + timedelta(minutes=m), s, a, asset) for m, s, a, asset in payments]
    rs = [RateAt(T0 + timedelta(minutes=m), s, r) for m, s, r in rates]
    want = _reference_summarize_payments(ps, rs)
    assert repr(summarize_payments(ps, rs)) == repr(want)
    first = summarize_payments(ps, rs, rows=3)  # rows for the first three payments, everything else for all
    assert repr(first) == repr({**want, "payments": want["payments"][:3]})


def test_the_table_lists_the_first_payments_and_the_totals_count_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """The calculator writes rows only for the payments its table shows: with room for four,
    the table is the first four rows of the whole table, and the summary says so."""
    import perpcalc.calculators.payments as calc

    spec = perpcalc.get("funding_payments")
    whole = perpcalc.run("funding_payments", spec.examples["default"])
    monkeypatch.setattr(calc, "TABLE_ROWS", 4)
    first = perpcalc.run("funding_payments", spec.examples["default"])
    assert len(whole["payments_table"]) == 6 and first["payments_table"] == whole["payments_table"][:4]
    assert first["payments_table"][1]["implied_notional"] == pytest.approx(19.3781 / 0.0003125)
    assert "The payments table lists the first 4; the totals count all." in first["summary"]
    assert first["count"] == whole["count"] == 6 and first["chart"] == whole["chart"]
