"""Carry: what funding costs or pays over time, and the trades built on it.

* :func:`funding_exposure`: funding over a holding period, at a constant rate or along a
  path of rates, for either side of a linear or inverse contract;
* :func:`funding_arbitrage`: the same asset funded differently on two venues, put on a
  common clock, traded short-the-dearer / long-the-cheaper, net of four taker fills;
* :func:`carry_trade`: long spot, short perp (the "perpetual swap yield") and what a spell
  of negative funding does to it;
* :func:`leverage_cost`: funding as the price of leverage, against borrowing for the same
  exposure.

Conventions are the package's: rates are fractions per funding interval (0.0001 = 0.01 %),
a positive rate means longs pay shorts, and a *payment* is signed from the holder's view
(negative = the holder pays). Money is kept in ``Decimal``: sums of payments are exact for
linear contracts (inverse notionals divide by the price, to 34 significant digits).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ._spec import Calculator, Field, InputError, Output, calculator
from .funding import SIDE, _rate_field, funding_payment, notional_value, payer_of, periods_per_year

__all__ = [
    "ArbitrageResult",
    "CarryResult",
    "ExposureResult",
    "LeverageCostResult",
    "carry_trade",
    "funding_arbitrage",
    "funding_exposure",
    "leverage_cost",
    "liquidation_buffer",
]

ZERO = Decimal(0)
ONE = Decimal(1)
EIGHT = Decimal(8)
HOURS_PER_DAY = Decimal(24)
DAYS_PER_YEAR = Decimal(365)
MAX_POINTS = 500
MAX_INTERVALS = 100_000


def _sample(n: int, limit: int = MAX_POINTS) -> list[int]:
    """Interval numbers 1..n to chart: all of them, or every k-th plus the last (≤ limit points)."""
    if n <= limit:
        return list(range(1, n + 1))
    step = math.ceil(n / (limit - 1))
    points = list(range(step, n + 1, step))
    if points[-1] != n:
        points.append(n)
    return points


def _pct(x: Decimal, places: int = 4) -> str:
    return f"{x * 100:,.{places}f} %".replace("-", "−")


def _money(x: Decimal, places: int = 2) -> str:
    return f"{x:,.{places}f}".replace("-", "−")


# ------------------------------------------------------------------ funding exposure


@dataclass(frozen=True)
class ExposureResult:
    """Funding over a holding period (see :func:`funding_exposure`)."""

    total_payment: Decimal
    payments: list[Decimal]
    average_rate: Decimal
    notional: Decimal
    intervals_paid: int
    intervals_received: int


def funding_exposure(
    side: str,
    size: Decimal,
    mark_price: Decimal,
    rates: Sequence[Decimal],
    contract: str = "linear",
    contract_value: Decimal = ONE,
) -> ExposureResult:
    """Funding paid or received over a sequence of funding intervals, holder's view.

    paymentₜ = −s × notional × rₜ,   total = Σₜ paymentₜ,   s = +1 long, −1 short

    with notional from :func:`perpcalc.funding.notional_value` (size × mark for linear
    contracts, in quote; size × contract_value / mark for inverse ones, in the base coin)
    and the mark price held constant over the period. A constant rate r over n intervals
    is the path r, r, …, r, so its total is −s × notional × r × n: linear in n. The sum is
    taken in ``Decimal`` and is exact for linear contracts; the long's total is exactly
    minus the short's (funding is peer to peer). An interval with a zero rate is neither
    paid nor received. An empty path is an error.

    Source: Binance USDⓈ-M funding FAQ ("funding fee = notional × funding rate" each
    settlement; accessed 2026); BitMEX perpetual contracts guide (inverse notional).

    Example: a 1 BTC long marked at 60,000 pays 60,000 × 0.01 % = 6 USDT per 8-hour
    settlement; held 30 days (90 settlements) it pays 540 USDT, the short receives 540.
    """
    if not rates:
        raise InputError("rates", "the path needs at least one rate")
    notional = notional_value(size, mark_price, contract, contract_value)
    payments = [funding_payment(side, size, mark_price, r, ONE, contract, contract_value) for r in rates]
    total = sum(payments, ZERO)
    return ExposureResult(
        total_payment=total,
        payments=payments,
        average_rate=sum(rates, ZERO) / len(rates),
        notional=notional,
        intervals_paid=sum(1 for p in payments if p < 0),
        intervals_received=sum(1 for p in payments if p > 0),
    )


def _exposure_calc(v: dict[str, Any]) -> dict[str, Any]:
    if v["rates"]:
        rates = [row["rate"] for row in v["rates"]]
    elif v["funding_rate"] is not None:
        rates = [v["funding_rate"]] * v["intervals"]
    else:
        raise InputError("funding_rate", "enter a constant funding rate, or a path of rates (one per interval)")
    res = funding_exposure(v["side"], v["size"], v["mark_price"], rates, v["contract"], v["contract_value"])
    n = len(rates)
    apr = res.average_rate * periods_per_year(v["interval_hours"])
    sign = 1 if v["side"] == "long" else -1
    cumulative: list[Decimal] = []
    running = ZERO
    for p in res.payments:
        running += p
        cumulative.append(running)
    path = [
        {"interval": i, "rate": rates[i - 1], "payment": res.payments[i - 1], "cumulative": cumulative[i - 1]}
        for i in _sample(n)
    ]
    currency = "base" if v["contract"] == "inverse" else "quote"
    total = res.total_payment
    verb = "pays" if total < 0 else "receives" if total > 0 else "neither pays nor receives"
    amount = f" {_money(abs(total), 8 if currency == 'base' else 2)} ({currency} currency)" if total else ""
    hours = Decimal(n) * v["interval_hours"]
    summary = (
        f"Over {n:,} intervals ({_money(hours / HOURS_PER_DAY, 2)} days) the {v['side']} {verb}{amount}: "
        f"paid in {res.intervals_paid}, received in {res.intervals_received} intervals; "
        f"the average rate {_pct(res.average_rate, 6)} per interval is {_pct(apr, 2)} a year."
    )
    return {
        "total_payment": total,
        "intervals": n,
        "average_rate": res.average_rate,
        "intervals_paid": res.intervals_paid,
        "intervals_received": res.intervals_received,
        "apr_equivalent": apr,
        "holder_apr": -sign * apr,
        "notional": res.notional,
        "currency": currency,
        "summary": summary,
        "path": path,
    }


RATES_HELP = (
    "one funding rate per interval, oldest first (0.0001 = 0.01 %); paste a column of numbers. "
    "When given, it replaces the constant rate and the interval count"
)

funding_exposure_calculator = calculator(
    Calculator(
        name="funding_exposure",
        title="Funding exposure over a holding period",
        summary=(
            "What funding costs or pays one position over many intervals, at a constant rate or along a "
            "path of rates, with the running total interval by interval."
        ),
        terms=("funding-rate-exposure", "negative-funding-rates", "funding-rate-fluctuations"),
        function="perpcalc.carry.funding_exposure",
        inputs=(
            SIDE,
            Field("size", "Position size", unit="base units (linear) or contracts (inverse)", min=0, min_open=True,
                  default=ONE),
            Field("mark_price", "Mark price", unit="quote", min=0, min_open=True,
                  help="held constant over the period"),
            _rate_field("funding_rate", "Constant funding rate per interval", default=None,
                        help="+ = longs pay shorts; used when no path of rates is given (0.0001 = 0.01 %)"),
            Field("intervals", "Intervals held (constant rate)", type="integer", unit="intervals", default=90, min=1,
                  max=MAX_INTERVALS, help="90 eight-hour intervals = 30 days"),
            Field("rates", "Path of rates (optional)", type="list", default=None, max_items=MAX_INTERVALS,
                  help=RATES_HELP,
                  columns=(Field("rate", "Rate", unit="fraction", percent=True, min=-1, max=1),)),
            Field("interval_hours", "Funding interval", unit="hours", default=EIGHT, min=0, min_open=True,
                  max=24 * 7, help="8 on most venues, 1 on Hyperliquid and dYdX; used for the yearly figures"),
            Field("contract", "Contract", type="choice", choices=("linear", "inverse"), default="linear"),
            Field("contract_value", "Contract value (inverse)", unit="quote per contract", default=ONE, min=0,
                  min_open=True, help="quote value of one inverse contract, e.g. 1 USD for XBTUSD"),
        ),
        outputs=(
            Output("total_payment", "Total funding (− = you pay, + = you receive)", unit="settlement currency"),
            Output("intervals", "Intervals", format="integer"),
            Output("average_rate", "Average rate per interval (+ = longs pay shorts)", format="percent", places=6),
            Output("intervals_paid", "Intervals in which you paid", format="integer"),
            Output("intervals_received", "Intervals in which you received", format="integer"),
            Output("apr_equivalent", "Average rate, annualised (simple; + = longs pay)", format="percent", places=4),
            Output("holder_apr", "Your funding yield, annualised (− = cost to you)", format="percent", places=4),
            Output("notional", "Position value", unit="settlement currency"),
            Output("currency", "Settlement currency", format="text"),
            Output("summary", "In words", format="text"),
            Output(
                "path",
                "Funding interval by interval",
                format="series",
                columns=(
                    Output("interval", "Interval", format="integer"),
                    Output("rate", "Rate", format="percent", places=6),
                    Output("payment", "Payment (− = you pay)"),
                    Output("cumulative", "Running total (− = you pay)"),
                ),
                chart={"x": "interval", "y": ["cumulative"], "title": "Cumulative funding, holder's view"},
            ),
        ),
        compute=_exposure_calc,
        examples={
            "default": {"side": "long", "size": "1", "mark_price": "60000", "funding_rate": "0.0001",
                        "intervals": 90, "interval_hours": "8"},
            "negative": {
                "side": "long", "size": "1", "mark_price": "60000", "interval_hours": "8",
                "rates": [{"rate": r} for r in (
                    "0.0001", "0.0001", "0.00008", "0.00005", "0.00002", "0", "-0.00005",
                    "-0.0001", "-0.0002", "-0.0003", "-0.0002", "-0.0001",
                )],
            },
            "inverse": {"side": "long", "size": "15000", "mark_price": "750", "funding_rate": "0.0025",
                        "intervals": 3, "contract": "inverse"},
        },
        notes=(
            "The mark price is held constant, so the notional does not drift with the price. Funding is paid at "
            "each settlement on the position then open; the running total is the sum of those payments."
        ),
    )
)


# ------------------------------------------------------------------ cross-venue arbitrage


def liquidation_buffer(leverage: Decimal, mmr: Decimal, field: str = "leverage") -> Decimal:
    """Approximate adverse price move, as a fraction of entry, that liquidates a leg.

    buffer ≈ 1 / leverage − mmr

    The leg's margin is notional / leverage and liquidation comes when the loss leaves
    only the maintenance margin, mmr × notional. This ignores fees, funding paid out of
    margin, the maintenance margin's own change with price (exact linear formulas divide
    by 1 ∓ mmr) and tiered maintenance amounts, so it slightly misstates the true
    distance; use the liquidation-price calculator for a venue's exact figure. A buffer
    of zero or less means the leg starts at or below maintenance: an error.

    Source: isolated-margin liquidation formulas of Bybit and Binance (see
    :mod:`perpcalc.margin`), to first order in mmr.

    Example: 3× leverage, mmr 0.5 % → 1/3 − 0.005 = 32.83 % of the entry price.
    """
    buffer = ONE / leverage - mmr
    if buffer <= 0:
        raise InputError(field, f"at {leverage}× the leg starts below its maintenance margin; "
                                     f"use leverage below {_money(ONE / mmr, 1)}×")
    return buffer


@dataclass(frozen=True)
class ArbitrageResult:
    """Cross-venue funding arbitrage (see :func:`funding_arbitrage`)."""

    short_venue: str
    hourly_a: Decimal
    hourly_b: Decimal
    hourly_carry: Decimal
    funding_income: Decimal
    taker_fees: Decimal
    spread_cost: Decimal
    fees: Decimal
    net_pnl: Decimal
    breakeven_rate_8h: Decimal
    breakeven_days: Decimal | None
    capital_a: Decimal
    capital_b: Decimal
    liquidation_buffer: Decimal


def funding_arbitrage(
    rate_a: Decimal,
    interval_hours_a: Decimal,
    rate_b: Decimal,
    interval_hours_b: Decimal,
    notional: Decimal,
    taker_fee_a: Decimal,
    taker_fee_b: Decimal,
    entry_spread: Decimal,
    holding_days: Decimal,
    leverage: Decimal,
    mmr: Decimal = Decimal("0.005"),
) -> ArbitrageResult:
    """Short the venue that funds higher, long the one that funds lower, and collect the gap.

    On a common hourly clock:  hₐ = rₐ / Nₐ,  h_b = r_b / N_b   (N = interval in hours)

    carry per hour   c = |hₐ − h_b|          (fraction of notional; × 8 per 8 h, × 8,760 a year)
    funding income   = c × 24 × days × notional
    fees             = notional × (2 fₐ + 2 f_b) + notional × spread     (four taker fills + entry gap)
    net PnL          = income − fees
    break-even       c₈ = fees / (notional × 3 × days),   days* = fees / (c × 24 × notional)

    The short leg receives rₐ (or pays it when negative) and the long leg pays r_b, so the
    pair earns the difference whatever the signs; the price moves of the two legs cancel.
    Funding is accrued pro rata (a holding period that is not a whole number of intervals
    is counted in fractions of a settlement); the close fills are charged on the entry
    notional (prices unchanged); ``entry_spread`` is the price gap crossed between the two
    entry fills as a fraction of notional (negative when the gap is in your favour).
    Equal rates on the common clock carry nothing (net PnL = −fees, no break-even day).
    Each leg needs notional / leverage of margin on its own venue: the two venues do not
    share collateral, and the leg that loses must survive on its own; see
    :func:`liquidation_buffer`.

    Source: Binance USDⓈ-M funding FAQ (8-hour settlement, scaled N/8 since 2025-09-18);
    Hyperliquid funding docs (hourly settlement at one eighth of the 8-hour rate); He,
    Manela, Ross and von Wachter, "Fundamentals of Perpetual Futures" (arXiv 2212.06888).

    Example: 0.01 % per 8 h on venue A and 0.003 % per hour on venue B are 0.00125 % and
    0.003 % an hour: short B, long A, carry 0.00175 % an hour (15.33 % a year). On 10,000
    a leg for 30 days that is 126; four fills at 0.05 % and 0.045 % cost 19 and a 0.02 %
    entry gap 2, so the trade nets 105 and breaks even after 5 days.
    """
    if holding_days <= 0:
        raise InputError("holding_days", "holding period must be > 0 days")
    if leverage <= 0:
        raise InputError("leverage", "leverage must be > 0")
    hourly_a = rate_a / interval_hours_a
    hourly_b = rate_b / interval_hours_b
    short_venue = "A" if hourly_a > hourly_b else "B" if hourly_b > hourly_a else "either"
    carry = abs(hourly_a - hourly_b)
    hours = holding_days * HOURS_PER_DAY
    income = carry * hours * notional
    taker = notional * 2 * (taker_fee_a + taker_fee_b)
    spread = notional * entry_spread
    fees = taker + spread
    breakeven_days = fees / (carry * HOURS_PER_DAY * notional) if carry > 0 else None
    if breakeven_days is not None and breakeven_days < 0:
        breakeven_days = ZERO
    return ArbitrageResult(
        short_venue=short_venue,
        hourly_a=hourly_a,
        hourly_b=hourly_b,
        hourly_carry=carry,
        funding_income=income,
        taker_fees=taker,
        spread_cost=spread,
        fees=fees,
        net_pnl=income - fees,
        breakeven_rate_8h=fees / (notional * hours / EIGHT),
        breakeven_days=breakeven_days,
        capital_a=notional / leverage,
        capital_b=notional / leverage,
        liquidation_buffer=liquidation_buffer(leverage, mmr),
    )


def _arbitrage_calc(v: dict[str, Any]) -> dict[str, Any]:
    r = funding_arbitrage(
        v["rate_a"], v["interval_hours_a"], v["rate_b"], v["interval_hours_b"], v["notional"],
        v["taker_fee_a"], v["taker_fee_b"], v["entry_spread"], v["holding_days"], v["leverage"], v["mmr"],
    )
    per_year = HOURS_PER_DAY * DAYS_PER_YEAR
    if r.short_venue == "either":
        legs = "The two rates are equal on a common clock: there is no carry to collect"
    else:
        long_venue = "B" if r.short_venue == "A" else "A"
        hi, lo = (r.hourly_a, r.hourly_b) if r.short_venue == "A" else (r.hourly_b, r.hourly_a)
        legs = (
            f"Short venue {r.short_venue} ({_pct(hi * EIGHT, 4)} per 8 h) and long venue {long_venue} "
            f"({_pct(lo * EIGHT, 4)} per 8 h): the pair collects {_pct(r.hourly_carry * EIGHT, 4)} per 8 h, "
            f"{_pct(r.hourly_carry * per_year, 2)} a year"
        )
    if r.breakeven_days is None:
        be = "the fees are never earned back"
    else:
        be = f"the costs are earned back after {_money(r.breakeven_days, 1)} days"
    summary = (
        f"{legs}. Over {_money(v['holding_days'], 1)} days funding brings {_money(r.funding_income)}, "
        f"costs are {_money(r.fees)}, net {_money(r.net_pnl)}; {be}, if the rates hold. "
        f"Each leg ties up {_money(r.capital_a)} of margin and is liquidated after a move of about "
        f"{_pct(r.liquidation_buffer, 1)} against it."
    )
    return {
        "short_venue": r.short_venue,
        "rate_a_8h": r.hourly_a * EIGHT,
        "rate_b_8h": r.hourly_b * EIGHT,
        "hourly_carry": r.hourly_carry,
        "carry_8h": r.hourly_carry * EIGHT,
        "annual_carry": r.hourly_carry * per_year,
        "funding_income": r.funding_income,
        "fees": r.fees,
        "net_pnl": r.net_pnl,
        "breakeven_rate_8h": r.breakeven_rate_8h,
        "breakeven_days": r.breakeven_days,
        "capital_a": r.capital_a,
        "capital_b": r.capital_b,
        "liquidation_buffer": r.liquidation_buffer,
        "summary": summary,
    }


FEE_HELP = "taker fee per fill as a fraction (0.0005 = 0.05 %); the default is illustrative: use your own fee tier"

funding_arbitrage_calculator = calculator(
    Calculator(
        name="funding_arbitrage",
        title="Funding arbitrage across venues",
        summary=(
            "Two venues fund the same perpetual differently: put both rates on one clock, short the one that "
            "pays more, long the other, and see what is left after four taker fills and the entry spread."
        ),
        terms=("funding-rate-discrepancy", "perpetual-swap-yields"),
        function="perpcalc.carry.funding_arbitrage",
        inputs=(
            _rate_field("rate_a", "Venue A funding rate per interval", default=Decimal("0.0001"),
                        help="+ = longs pay shorts; e.g. Binance, per 8 h (0.0001 = 0.01 %)"),
            Field("interval_hours_a", "Venue A funding interval", unit="hours", default=EIGHT, min=0,
                  min_open=True, max=24 * 7, help="8 on Binance, Bybit and OKX by default"),
            _rate_field("rate_b", "Venue B funding rate per interval", default=Decimal("0.00003"),
                        help="+ = longs pay shorts; e.g. Hyperliquid, per hour"),
            Field("interval_hours_b", "Venue B funding interval", unit="hours", default=ONE, min=0, min_open=True,
                  max=24 * 7, help="1 on Hyperliquid and dYdX"),
            Field("notional", "Notional per leg", unit="quote", default=Decimal(10_000), min=0, min_open=True),
            Field("taker_fee_a", "Venue A taker fee", unit="fraction", percent=True, default=Decimal("0.0005"),
                  min=0, max=Decimal("0.1"), help=FEE_HELP),
            Field("taker_fee_b", "Venue B taker fee", unit="fraction", percent=True, default=Decimal("0.00045"),
                  min=0, max=Decimal("0.1"), help=FEE_HELP),
            Field("entry_spread", "Entry spread", unit="fraction", percent=True, default=Decimal("0.0002"),
                  min=Decimal("-0.1"), max=Decimal("0.1"),
                  help="price gap crossed between the two entry fills, as a fraction of notional (+ = cost)"),
            Field("holding_days", "Holding period", unit="days", default=Decimal(30), min=0, min_open=True,
                  max=3650),
            Field("leverage", "Leverage on each leg", unit="×", default=Decimal(3), min=0, min_open=True, max=200),
            Field("mmr", "Maintenance margin rate", unit="fraction", percent=True, default=Decimal("0.005"), min=0,
                  max=Decimal("0.5"), help="for the liquidation buffer; 0.005 = 0.5 %"),
        ),
        outputs=(
            Output("short_venue", "Venue to short (the one paying more)", format="text"),
            Output("rate_a_8h", "Venue A rate per 8 h", format="percent", places=6),
            Output("rate_b_8h", "Venue B rate per 8 h", format="percent", places=6),
            Output("hourly_carry", "Carry per hour (rate difference)", format="percent", places=6),
            Output("carry_8h", "Carry per 8 h", format="percent", places=6),
            Output("annual_carry", "Carry per year (simple, 365 days)", format="percent", places=4),
            Output("funding_income", "Funding collected over the holding period", unit="quote", places=2),
            Output("fees", "Costs: four taker fills + entry spread", unit="quote", places=2),
            Output("net_pnl", "Net PnL (+ = profit)", unit="quote", places=2),
            Output("breakeven_rate_8h", "Break-even funding difference per 8 h", format="percent", places=6),
            Output("breakeven_days", "Break-even holding period (— = never)", unit="days", places=2),
            Output("capital_a", "Margin on venue A", unit="quote", places=2),
            Output("capital_b", "Margin on venue B", unit="quote", places=2),
            Output("liquidation_buffer", "Liquidation buffer ≈ 1/leverage − mmr (price move against a leg)",
                   format="percent", places=2),
            Output("summary", "In words", format="text"),
        ),
        compute=_arbitrage_calc,
        examples={
            "default": {"rate_a": "0.0001", "interval_hours_a": "8", "rate_b": "0.00003", "interval_hours_b": "1",
                        "notional": "10000", "taker_fee_a": "0.0005", "taker_fee_b": "0.00045",
                        "entry_spread": "0.0002", "holding_days": "30", "leverage": "3"},
            "equal": {"rate_a": "0.0001", "interval_hours_a": "8", "rate_b": "0.0000125", "interval_hours_b": "1"},
            "negative": {"rate_a": "-0.0003", "interval_hours_a": "8", "rate_b": "0.0000125", "interval_hours_b": "1",
                         "holding_days": "7"},
        },
        notes=(
            "Rates are assumed to hold for the whole period and funding accrues pro rata; close fills are charged "
            "on the entry notional. The liquidation buffer is a first-order approximation that ignores fees, "
            "funding paid from margin and tiered maintenance. Fee defaults are illustrative, not a venue's "
            "published schedule."
        ),
    )
)


# ------------------------------------------------------------------ cash-and-carry


@dataclass(frozen=True)
class CarryResult:
    """Long spot / short perp carry (see :func:`carry_trade`)."""

    intervals: int
    fees: Decimal
    capital: Decimal
    base: list[Decimal]
    flip: list[Decimal]
    net_pnl: Decimal
    net_pnl_with_flip: Decimal
    breakeven_intervals: int | None
    carry_lost_at: int | None


def carry_trade(
    notional: Decimal,
    funding_rate: Decimal,
    interval_hours: Decimal,
    days: Decimal,
    spot_fee: Decimal,
    perp_fee: Decimal,
    perp_leverage: Decimal,
    flip_rate: Decimal,
    flip_after: int,
    flip_intervals: int,
) -> CarryResult:
    """Cash-and-carry: long spot, short the perpetual of the same size, collect funding.

    n = ⌊days × 24 / N⌋ settlements;  fees = 2 × notional × (spot_fee + perp_fee)  (open and close both legs)
    cumulativeₖ = −fees + Σₜ≤ₖ notional × rₜ          (the short receives rₜ × notional)
    capital = notional + notional / perp_leverage       (spot paid in full + perp margin)
    base path: rₜ = funding_rate;  flip path: rₜ = flip_rate for flip_after < t ≤ flip_after + flip_intervals

    The spot and perp legs cancel each other's price moves, so the PnL is funding less
    fees, with the price (and so the notional) held constant. Round-trip fees are booked
    at the start, so the path starts at −fees; ``breakeven_intervals`` is the first
    settlement at which the base path reaches zero (none when the rate does not pay the
    short). In the flip scenario a spell of ``flip_rate`` (typically negative: the short
    pays) replaces the normal rate; ``carry_lost_at`` is the first settlement after the flip
    starts at which the flip path is below zero and below the base path (the flip, not
    the fees alone, has put the trade under water). Since the short's income rises with the
    rate, the flip path never beats the base path when flip_rate < funding_rate.

    Source: Binance USDⓈ-M funding FAQ (settlement on notional); Ethena, "Funding risk"
    (docs.ethena.fi, accessed 2026) on negative spells for a short-perp book.

    Example: 10,000 a leg at 0.01 % per 8 h for 30 days (90 settlements) earns 90; fees at
    0.1 % spot and 0.05 % perp, in and out, cost 30; net 60 on 15,000 of capital at 2× is
    4.87 % a year. If funding turns to −0.03 % for 30 settlements after the 45th, the
    position is under water again from settlement 51 and ends at −60.
    """
    if days <= 0:
        raise InputError("days", "holding period must be > 0 days")
    if perp_leverage <= 0:
        raise InputError("perp_leverage", "perp leverage must be > 0")
    n = int(days * HOURS_PER_DAY / interval_hours)
    if n > MAX_INTERVALS:
        raise InputError("days", f"that is {n:,} settlements; keep it to {MAX_INTERVALS:,}")
    fees = 2 * notional * (spot_fee + perp_fee)
    capital = notional + notional / perp_leverage
    base_pay = funding_payment("short", notional, ONE, funding_rate)
    flip_pay = funding_payment("short", notional, ONE, flip_rate)
    base = [-fees]
    flip = [-fees]
    for t in range(1, n + 1):
        base.append(base[-1] + base_pay)
        in_flip = flip_after < t <= flip_after + flip_intervals
        flip.append(flip[-1] + (flip_pay if in_flip else base_pay))
    breakeven = None
    if fees <= 0:
        breakeven = 0
    elif base_pay > 0:
        breakeven = math.ceil(fees / base_pay)
    lost = next((t for t in range(flip_after + 1, n + 1) if flip[t] < 0 and flip[t] < base[t]), None)
    return CarryResult(
        intervals=n,
        fees=fees,
        capital=capital,
        base=base,
        flip=flip,
        net_pnl=base[-1],
        net_pnl_with_flip=flip[-1],
        breakeven_intervals=breakeven,
        carry_lost_at=lost,
    )


def _carry_calc(v: dict[str, Any]) -> dict[str, Any]:
    r = carry_trade(
        v["notional"], v["funding_rate"], v["interval_hours"], v["days"], v["spot_fee"], v["perp_fee"],
        v["perp_leverage"], v["flip_rate"], v["flip_after"], v["flip_intervals"],
    )
    days = v["days"]
    apr = r.net_pnl / r.capital * DAYS_PER_YEAR / days
    apr_flip = r.net_pnl_with_flip / r.capital * DAYS_PER_YEAR / days
    gross = v["funding_rate"] * periods_per_year(v["interval_hours"]) * v["notional"] / r.capital
    points = [0, *_sample(r.intervals, MAX_POINTS - 1)] if r.intervals else [0]
    path = [{"interval": t, "cumulative_base": r.base[t], "cumulative_flip": r.flip[t]} for t in points]
    be = (
        f"fees are covered after {r.breakeven_intervals} settlements"
        if r.breakeven_intervals is not None
        else "at this rate the fees are never covered"
    )
    if r.breakeven_intervals is not None and r.breakeven_intervals > r.intervals:
        be += f", more than the {r.intervals} in the holding period"
    flip_text = (
        f"With {v['flip_intervals']} settlements at {_pct(v['flip_rate'], 4)} after settlement {v['flip_after']}, "
        f"the trade ends at {_money(r.net_pnl_with_flip)}"
    )
    if r.carry_lost_at is not None:
        flip_text += f" and is under water from settlement {r.carry_lost_at}"
    summary = (
        f"Long spot and short perp on {_money(v['notional'])} for {r.intervals} settlements: funding brings "
        f"{_money(r.net_pnl + r.fees)}, fees cost {_money(r.fees)}, net {_money(r.net_pnl)} on "
        f"{_money(r.capital)} of capital ({_pct(apr, 2)} a year); {be}. {flip_text}."
    )
    return {
        "apr_on_capital": apr,
        "gross_apr": gross,
        "net_pnl": r.net_pnl,
        "net_pnl_with_flip": r.net_pnl_with_flip,
        "apr_with_flip": apr_flip,
        "fees": r.fees,
        "capital": r.capital,
        "intervals": r.intervals,
        "breakeven_intervals": r.breakeven_intervals,
        "carry_lost_at": r.carry_lost_at,
        "liquidation_buffer": liquidation_buffer(v["perp_leverage"], v["mmr"], "perp_leverage"),
        "summary": summary,
        "path": path,
    }


carry_trade_calculator = calculator(
    Calculator(
        name="carry_trade",
        title="Cash-and-carry yield and negative funding risk",
        summary=(
            "Long spot, short the perpetual: the funding yield on the capital the trade ties up, after fees, "
            "and what a spell of negative funding does to it."
        ),
        terms=("perpetual-swap-yields", "negative-funding-risk", "negative-funding-rates"),
        function="perpcalc.carry.carry_trade",
        inputs=(
            Field("notional", "Notional of each leg", unit="quote", default=Decimal(10_000), min=0, min_open=True),
            _rate_field("funding_rate", "Funding rate per interval", default=Decimal("0.0001"),
                        help="+ = longs pay shorts, so the short perp leg earns it (0.0001 = 0.01 %)"),
            Field("interval_hours", "Funding interval", unit="hours", default=EIGHT, min=0, min_open=True,
                  max=24 * 7),
            Field("days", "Holding period", unit="days", default=Decimal(30), min=0, min_open=True, max=3650),
            Field("spot_fee", "Spot taker fee", unit="fraction", percent=True, default=Decimal("0.001"), min=0,
                  max=Decimal("0.1"), help="per fill, paid on entry and exit; illustrative default (0.1 %)"),
            Field("perp_fee", "Perp taker fee", unit="fraction", percent=True, default=Decimal("0.0005"), min=0,
                  max=Decimal("0.1"), help="per fill, paid on entry and exit; illustrative default (0.05 %)"),
            Field("perp_leverage", "Perp leverage", unit="×", default=Decimal(2), min=0, min_open=True, max=200,
                  help="margin on the short = notional / leverage"),
            _rate_field("flip_rate", "Flip scenario: rate per interval", default=Decimal("-0.0003"),
                        help="the rate during the flip; negative = the short pays"),
            Field("flip_after", "Flip starts after", type="integer", unit="intervals", default=45, min=0,
                  max=MAX_INTERVALS),
            Field("flip_intervals", "Flip lasts", type="integer", unit="intervals", default=30, min=0,
                  max=MAX_INTERVALS),
            Field("mmr", "Maintenance margin rate", unit="fraction", percent=True, default=Decimal("0.005"), min=0,
                  max=Decimal("0.5"), help="for the perp leg's liquidation buffer"),
        ),
        outputs=(
            Output("apr_on_capital", "Net yield on capital, a year (simple)", format="percent", places=2),
            Output("gross_apr", "Funding yield on capital before fees, a year", format="percent", places=2),
            Output("net_pnl", "Net PnL at a constant rate (+ = profit)", unit="quote", places=2),
            Output("net_pnl_with_flip", "Net PnL with the flip (+ = profit)", unit="quote", places=2),
            Output("apr_with_flip", "Net yield on capital with the flip, a year", format="percent", places=2),
            Output("fees", "Fees, in and out of both legs", unit="quote", places=2),
            Output("capital", "Capital: spot + perp margin", unit="quote", places=2),
            Output("intervals", "Settlements in the holding period", format="integer"),
            Output("breakeven_intervals", "Settlements to cover the fees (— = never)", format="integer"),
            Output("carry_lost_at", "Flip: under water (and worse than constant) from settlement; — = never",
                   format="integer"),
            Output("liquidation_buffer", "Perp leg: price rise to liquidation ≈ 1/leverage − mmr",
                   format="percent", places=2),
            Output("summary", "In words", format="text"),
            Output(
                "path",
                "Cumulative PnL, settlement by settlement",
                format="series",
                columns=(
                    Output("interval", "Settlement", format="integer"),
                    Output("cumulative_base", "Constant rate", unit="quote", places=2),
                    Output("cumulative_flip", "With the flip", unit="quote", places=2),
                ),
                chart={"x": "interval", "y": ["cumulative_base", "cumulative_flip"],
                       "title": "Carry after fees: constant rate vs a negative spell"},
            ),
        ),
        compute=_carry_calc,
        examples={
            "default": {"notional": "10000", "funding_rate": "0.0001", "interval_hours": "8", "days": "30",
                        "spot_fee": "0.001", "perp_fee": "0.0005", "perp_leverage": "2", "flip_rate": "-0.0003",
                        "flip_after": 45, "flip_intervals": 30},
            "hourly": {"notional": "10000", "funding_rate": "0.0000125", "interval_hours": "1", "days": "90",
                       "flip_rate": "-0.00005", "flip_after": 720, "flip_intervals": 240},
        },
        notes=(
            "Prices are held constant: the legs' price moves cancel, but a rally still draws on the perp margin "
            "(see the liquidation buffer). Settlements are whole intervals; fees are booked at the start."
        ),
    )
)


# ------------------------------------------------------------------ funding vs borrowing


@dataclass(frozen=True)
class LeverageCostResult:
    """Funding against borrowing for the same exposure (see :func:`leverage_cost`)."""

    intervals: Decimal
    funding_cost: Decimal
    borrow_cost: Decimal
    funding_apr: Decimal
    difference: Decimal
    breakeven_rate: Decimal


def leverage_cost(
    side: str,
    notional: Decimal,
    funding_rate: Decimal,
    interval_hours: Decimal,
    days: Decimal,
    borrow_rate: Decimal,
) -> LeverageCostResult:
    """Funding as the price of leverage, against borrowing for the same exposure.

    k = days × 24 / N intervals (pro rata);   s = +1 long, −1 short
    funding_cost = s × notional × funding_rate × k
    borrow_cost  = notional × borrow_rate × days / 365            (simple interest)
    funding_apr  = s × funding_rate × 365 × 24 / N;  difference = funding_cost − borrow_cost

    Sign convention: **costs are positive** here (money you pay); a negative funding cost
    means the side is paid to hold the perp. A long perp stands in for buying spot with
    borrowed money, so ``borrow_rate`` is the annual rate on the borrowed quote currency;
    a short perp stands in for borrowing the coin and selling it, so it is the coin's
    borrow rate. The two cost the same when the rate per interval is
    s × borrow_rate × N / (24 × 365). Fees, margin and the collateral both routes need
    are left out.

    Source: arithmetic; Binance funding FAQ for the payment; the interpretation of funding
    as the price of leverage follows He, Manela, Ross and von Wachter (arXiv 2212.06888).

    Example: a 10,000 long at 0.01 % per 8 h costs 90 in 30 days (10.95 % a year);
    borrowing 10,000 at 8 % a year costs 65.75, so borrowing is cheaper by 24.25.
    """
    if days <= 0:
        raise InputError("days", "holding period must be > 0 days")
    s = 1 if side == "long" else -1
    k = days * HOURS_PER_DAY / interval_hours
    funding_cost = s * notional * funding_rate * k
    borrow_cost = notional * borrow_rate * days / DAYS_PER_YEAR
    funding_apr = s * funding_rate * periods_per_year(interval_hours)
    return LeverageCostResult(
        intervals=k,
        funding_cost=funding_cost,
        borrow_cost=borrow_cost,
        funding_apr=funding_apr,
        difference=funding_cost - borrow_cost,
        breakeven_rate=s * borrow_rate * interval_hours / (HOURS_PER_DAY * DAYS_PER_YEAR),
    )


def _leverage_cost_calc(v: dict[str, Any]) -> dict[str, Any]:
    r = leverage_cost(v["side"], v["notional"], v["funding_rate"], v["interval_hours"], v["days"], v["borrow_rate"])
    gap = abs(r.difference)
    gap_apr = abs(r.funding_apr - v["borrow_rate"])
    if r.difference > 0:
        cheaper = f"Borrowing is cheaper by {_money(gap)} over {_money(v['days'], 1)} days ({_pct(gap_apr, 2)} a year)"
    elif r.difference < 0:
        cheaper = (
            f"The perp's funding is cheaper by {_money(gap)} over {_money(v['days'], 1)} days "
            f"({_pct(gap_apr, 2)} a year)"
        )
    else:
        cheaper = "They cost the same"
    if r.funding_cost < 0:
        cheaper += "; the perp even pays you to hold it"
    return {
        "funding_cost": r.funding_cost,
        "borrow_cost": r.borrow_cost,
        "funding_apr": r.funding_apr,
        "difference": r.difference,
        "breakeven_rate": r.breakeven_rate,
        "payer": payer_of(v["funding_rate"]),
        "cheaper": cheaper + ".",
    }


leverage_cost_calculator = calculator(
    Calculator(
        name="leverage_cost",
        title="Funding as the cost of leverage",
        summary=(
            "What holding a perpetual costs in funding, set against borrowing money (or the coin) for the same "
            "exposure over the same days."
        ),
        terms=("funding-rate-as-proxy-for-cost",),
        function="perpcalc.carry.leverage_cost",
        inputs=(
            SIDE,
            Field("notional", "Exposure", unit="quote", default=Decimal(10_000), min=0, min_open=True),
            _rate_field("funding_rate", "Funding rate per interval", default=Decimal("0.0001"),
                        help="+ = longs pay shorts (0.0001 = 0.01 %)"),
            Field("interval_hours", "Funding interval", unit="hours", default=EIGHT, min=0, min_open=True,
                  max=24 * 7),
            Field("days", "Holding period", unit="days", default=Decimal(30), min=0, min_open=True, max=3650),
            Field("borrow_rate", "Borrow rate, a year", unit="fraction", percent=True, default=Decimal("0.08"),
                  min=-1, max=10, help="long: rate on borrowed money; short: rate to borrow the coin (0.08 = 8 %)"),
        ),
        outputs=(
            Output("funding_cost", "Funding cost (+ = you pay, − = you are paid)", unit="quote", places=2),
            Output("borrow_cost", "Borrowing cost (+ = you pay)", unit="quote", places=2),
            Output("funding_apr", "Funding cost, a year (simple; + = you pay)", format="percent", places=2),
            Output("difference", "Funding minus borrowing (+ = the perp costs more)", unit="quote", places=2),
            Output("breakeven_rate", "Funding rate per interval at which they cost the same", format="percent",
                   places=6),
            Output("payer", "Paying side at this rate", format="text"),
            Output("cheaper", "Which is cheaper", format="text"),
        ),
        compute=_leverage_cost_calc,
        examples={
            "default": {"side": "long", "notional": "10000", "funding_rate": "0.0001", "interval_hours": "8",
                        "days": "30", "borrow_rate": "0.08"},
            "negative": {"side": "long", "notional": "10000", "funding_rate": "-0.0001", "interval_hours": "8",
                         "days": "30", "borrow_rate": "0.08"},
        },
        notes="Costs are positive amounts paid. Funding accrues pro rata; interest is simple, on a 365-day year.",
    )
)
