"""Carry: what funding costs or pays over time, and the trades built on it.

* [`funding_exposure`][perpcalc.carry.funding_exposure]: funding over a holding period, at a constant rate or along a
  path of rates, for either side of a linear or inverse contract;
* [`funding_arbitrage`][perpcalc.carry.funding_arbitrage]: the same asset funded differently on two venues, put on a
  common clock, traded short-the-dearer / long-the-cheaper, net of four taker fills;
* [`carry_trade`][perpcalc.carry.carry_trade]: long spot, short perp (the "perpetual swap yield") and what a spell
  of negative funding does to it;
* [`leverage_cost`][perpcalc.carry.leverage_cost]: funding as the price of leverage, against borrowing for the same
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

from ._errors import InputError
from ._num import DAYS_PER_YEAR, EIGHT, ONE, ZERO
from .funding import funding_payment, notional_value, periods_per_year

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

HOURS_PER_DAY = Decimal(24)
MAX_POINTS = 500
MAX_INTERVALS = 100_000


# ------------------------------------------------------------------ funding exposure


@dataclass(frozen=True)
class ExposureResult:
    """Funding over a holding period (see [`funding_exposure`][perpcalc.carry.funding_exposure])."""

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

    with notional from [`perpcalc.funding.notional_value`][perpcalc.funding.notional_value] (size × mark for linear
    contracts, in quote; size × contract_value / mark for inverse ones, in the base coin)
    and the mark price held constant over the period. A constant rate r over n intervals
    is the path r, r, …, r, so its total is −s × notional × r × n: linear in n. The sum is
    taken in ``Decimal`` and is exact for linear contracts; the long's total is exactly
    minus the short's (funding is peer to peer). An interval with a zero rate is neither
    paid nor received. An empty path is an error.

    Source: Binance USDⓈ-M funding FAQ ("funding fee = notional × funding rate" each
    settlement; accessed 2026); BitMEX perpetual contracts guide (inverse notional).

    Parameters
    ----------
    side : str
        ``"long"`` or ``"short"``.
    size : Decimal
        Position size: base units (linear) or contracts (inverse).
    mark_price : Decimal
        Mark price, in quote.
    rates : Sequence[Decimal]
        Funding rates per interval, oldest first.
    contract : str
        ``"linear"`` or ``"inverse"``.
    contract_value : Decimal
        Quote value of one inverse contract (1 USD for XBTUSD).

    Returns
    -------
    ExposureResult
        ``total_payment`` (signed from the holder's view: negative = paid, in the settlement
        currency), each interval's ``payments``, the ``average_rate`` per interval, the
        ``notional`` and how many intervals were paid and received (a zero rate counts as neither).

    Examples
    --------
    A 1 BTC long marked at 60,000 pays 60,000 × 0.01 % = 6 USDT per 8-hour
    settlement; held 30 days (90 settlements) it pays 540 USDT, the short receives 540.

    >>> res = funding_exposure("long", Decimal(1), Decimal(60000), [Decimal("0.0001")] * 90)
    >>> res.total_payment
    Decimal('-540.0000')
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
    ``perpcalc.margin``), to first order in mmr.

    Parameters
    ----------
    leverage : Decimal
        Leverage: initial margin = position value / leverage.
    mmr : Decimal
        Maintenance margin rate (0.005 = 0.5 %).
    field : str
        Form field to name in errors.

    Returns
    -------
    Decimal
        The adverse move as a fraction of the entry price (0.05 = the price may move 5 % against the
        leg before it is liquidated).

    Examples
    --------
    3× leverage, mmr 0.5 % → 1/3 − 0.005 = 32.83 % of the entry price.

    >>> round(liquidation_buffer(Decimal(3), Decimal("0.005")), 6)
    Decimal('0.328333')
    """
    buffer = ONE / leverage - mmr
    if buffer <= 0:
        raise InputError(field, f"at {leverage}× the leg starts below its maintenance margin; "
                                     f"use leverage below {ONE / mmr:,.1f}×")
    return buffer


@dataclass(frozen=True)
class ArbitrageResult:
    """Cross-venue funding arbitrage (see [`funding_arbitrage`][perpcalc.carry.funding_arbitrage])."""

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
    [`liquidation_buffer`][perpcalc.carry.liquidation_buffer].

    Source: Binance USDⓈ-M funding FAQ (8-hour settlement, scaled N/8 since 2025-09-18);
    Hyperliquid funding docs (hourly settlement at one eighth of the 8-hour rate); He,
    Manela, Ross and von Wachter, "Fundamentals of Perpetual Futures" (arXiv 2212.06888).

    Example: 0.01 % per 8 h on venue A and 0.003 % per hour on venue B are 0.00125 % and
    0.003 % an hour: short B, long A, carry 0.00175 % an hour (15.33 % a year). On 10,000
    a leg for 30 days that is 126; four fills at 0.05 % and 0.045 % cost 19 and a 0.02 %
    entry gap 2, so the trade nets 105 and breaks even after 5 days.

    >>> res = funding_arbitrage(Decimal("0.0001"), Decimal(8), Decimal("0.00003"), Decimal(1), Decimal(10000),
    ...                         Decimal(0), Decimal(0), Decimal(0), Decimal(30), Decimal(3))
    >>> res.short_venue, res.hourly_carry
    ('B', Decimal('0.0000175'))
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


# ------------------------------------------------------------------ cash-and-carry


@dataclass(frozen=True)
class CarryResult:
    """Long spot / short perp carry (see [`carry_trade`][perpcalc.carry.carry_trade])."""

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

    >>> res = carry_trade(Decimal(10000), Decimal("0.0001"), Decimal(8), Decimal(30), Decimal("0.001"),
    ...                   Decimal("0.0005"), Decimal(1), Decimal("0.0001"), 0, 0)
    >>> res.fees, res.net_pnl
    (Decimal('30.0000'), Decimal('60.0000'))
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


# ------------------------------------------------------------------ funding vs borrowing


@dataclass(frozen=True)
class LeverageCostResult:
    """Funding against borrowing for the same exposure (see [`leverage_cost`][perpcalc.carry.leverage_cost])."""

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

    >>> res = leverage_cost("long", Decimal(10000), Decimal("0.0001"), Decimal(8), Decimal(30), Decimal("0.08"))
    >>> res.funding_cost, round(res.borrow_cost, 2)
    (Decimal('90.0000'), Decimal('65.75'))
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


