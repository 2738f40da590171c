"""Funding: premium index, funding rate, funding payment and annualisation.

Conventions (the whole package uses them):

* rates are fractions per funding interval (0.0001 = 0.01 %);
* a positive funding rate means longs pay shorts, a negative one means shorts pay longs;
* a payment is signed from the holder's view: negative means the holder pays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ._errors import InputError
from ._num import EIGHT, ONE, ZERO, clamp, side_sign, thin_even
from .venues import FUNDING_METHODS, FUNDING_VENUES, SCALINGS, CapRule, Contract, Side


def payer_of(rate: Decimal) -> str:
    """Which side pays at ``rate``: ``"long"`` (rate > 0), ``"short"`` (rate < 0) or ``"none"``."""
    return "long" if rate > 0 else "short" if rate < 0 else "none"


# ------------------------------------------------------------------ premium index


def premium_index(index_price: Decimal, impact_bid: Decimal, impact_ask: Decimal) -> Decimal:
    """Premium of the perpetual's order book over the index, one sample.

    P = [max(0, impact_bid − index) − max(0, index − impact_ask)] / index

    Positive when even a sell of the impact size fills above the index (the perp is rich),
    negative when even a buy fills below it (the perp is cheap), and zero whenever the index
    lies between the impact bid and the impact ask.

    Source: Binance USDⓈ-M funding FAQ; Bybit "What is funding rate"; Hyperliquid funding
    docs; dYdX v4 (all use this form, with impact prices for the venue's impact notional).

    Parameters
    ----------
    index_price : Decimal
        Index (oracle) price, in quote.
    impact_bid : Decimal
        Average fill price of selling the impact notional.
    impact_ask : Decimal
        Average fill price of buying the impact notional.

    Returns
    -------
    Decimal
        The premium as a fraction of the index (0.0001 = 0.01 %): positive when the perp is rich,
        negative when it is cheap, exactly 0 while the index lies between the impact prices.

    Examples
    --------
    Index 10,000, impact bid 10,100, impact ask 10,110 (Hyperliquid's example)
    gives P = 100 / 10,000 = 0.01.

    >>> premium_index(Decimal(10000), Decimal(10100), Decimal(10110))
    Decimal('0.01')
    """
    if index_price <= 0:
        raise InputError("index_price", "index price must be > 0")
    if impact_ask < impact_bid:
        raise InputError("impact_ask", "impact ask must be ≥ impact bid")
    rich = max(ZERO, impact_bid - index_price)
    cheap = max(ZERO, index_price - impact_ask)
    return (rich - cheap) / index_price


# ------------------------------------------------------------------ funding rate

METHODS = FUNDING_METHODS


def funding_rate(
    premium: Decimal,
    method: str = "clamp",
    interest_rate: Decimal = Decimal("0.0001"),
    clamp_limit: Decimal = Decimal("0.0005"),
    dead_band: Decimal = Decimal("0.00025"),
    interval_hours: Decimal = EIGHT,
    cap: Decimal | None = None,
    scaling: str = "n_over_8",
) -> Decimal:
    """Funding rate for one interval from the interval's average premium.

    8-hour rate, by method:

    * ``clamp`` (Binance, Bybit, BitMEX, Hyperliquid): F₈ = P + clamp(I − P, −c, c)
    * ``dead_band`` (Deribit): F₈ = P − clamp(P, −d, d)
    * ``premium`` (OKX, dYdX v4): F₈ = P

    then F = F₈ × N / 8 for an N-hour interval, and last F = clamp(F, −cap, cap).

    Drift is not one of these: it settles hourly at P/24 (a daily convention), which no N/8
    scaling expresses; ``scaling="n_over_24"`` gives it: the formula's result is then a rate
    per 24 hours and an N-hour settlement pays N/24 of it.

    With ``scaling="per_interval"`` (Bybit and OKX publish no N/8 factor) the formula is
    applied per settlement instead, with only the interest split across the day:
    F = P + clamp(I × N/8 − P, −c, c), F = P − clamp(P, −d, d) or F = P. Both scalings agree
    at N = 8.

    With the clamp method the rate equals I exactly while P lies in [I − c, I + c]
    (for the usual I = 0.01 % and c = 0.05 %: P between −0.04 % and +0.06 %), and moves
    one-for-one with P outside that zone. With the dead band the rate is 0 while
    |P| ≤ d. A zero premium gives I, 0 and 0 respectively. The cap binds last, after the
    interval scaling, because venues publish caps per settlement.

    Sources: Binance funding FAQ (formula change of 2025-09-18 adds the N/8 scaling);
    BitMEX perpetual contracts guide; Deribit funding specifications; Hyperliquid
    funding docs (hourly, 4 % cap per hour).

    Parameters
    ----------
    premium : Decimal
        Average premium index of the interval.
    method : str
        Which formula or venue rule to apply.
    interest_rate : Decimal
        Interest component I per 8 h.
    clamp_limit : Decimal
        Half-width c of the clamp band, per 8 h.
    dead_band : Decimal
        Half-width d of Deribit's dead band, per 8 h.
    interval_hours : Decimal
        Hours between two settlements.
    cap : Decimal | None
        Absolute cap on the per-interval rate, applied last (``None``: none).
    scaling : str
        ``"n_over_8"`` or ``"per_interval"``.

    Returns
    -------
    Decimal
        The rate for one settlement as a fraction of the notional (0.0001 = 0.01 %), after the
        method, the scaling to the interval and the cap; positive means longs pay shorts.

    Examples
    --------
    Hyperliquid, P = 0.01, I = 0.0001, c = 0.0005, hourly:
    F₈ = 0.01 + clamp(−0.0099, −0.0005, 0.0005) = 0.0095; F = 0.0095 / 8 = 0.0011875.

    >>> funding_rate(Decimal("0.01"), interval_hours=Decimal(1))
    Decimal('0.0011875')
    """
    if scaling not in SCALINGS:
        raise InputError("scaling", f"scaling must be one of: {', '.join(SCALINGS)}")
    per_interval = scaling == "per_interval"
    if per_interval:
        interest_rate = interest_rate * interval_hours / EIGHT
    if method == "clamp":
        rate_8h = premium + clamp(interest_rate - premium, -clamp_limit, clamp_limit)
    elif method == "dead_band":
        rate_8h = premium - clamp(premium, -dead_band, dead_band)
    elif method == "premium":
        rate_8h = premium
    else:
        raise InputError("method", f"method must be one of: {', '.join(METHODS)}")
    if per_interval:
        rate = rate_8h
    elif scaling == "n_over_24":
        rate = rate_8h * interval_hours / 24
    else:
        rate = rate_8h * interval_hours / EIGHT
    if cap is not None:
        rate = clamp(rate, -cap, cap)
    return rate


def periods_per_year(interval_hours: Decimal, days_per_year: Decimal = Decimal(365)) -> Decimal:
    """Funding settlements in a year: days_per_year × 24 / interval_hours."""
    return days_per_year * 24 / interval_hours


# ------------------------------------------------------------------ payment


def notional_value(
    size: Decimal, mark_price: Decimal, contract: str = "linear", contract_value: Decimal = ONE
) -> Decimal:
    """Position value on which funding is charged, in the settlement currency.

    linear:  size × mark_price                     (quote currency; size in base units)
    inverse: size × contract_value / mark_price    (base coin; size in contracts)

    Source: Binance USDⓈ-M / COIN-M funding FAQ; BitMEX perpetual guide (XBTUSD:
    15,000 contracts of 1 USD at 750 are worth 20 XBT).
    """
    if contract == "inverse":
        return size * contract_value / mark_price
    return size * mark_price


def funding_payment(
    side: Side,
    size: Decimal,
    mark_price: Decimal,
    rate: Decimal,
    intervals: Decimal = ONE,
    contract: Contract = "linear",
    contract_value: Decimal = ONE,
) -> Decimal:
    """Funding cash flow of a perpetual position, seen from its holder.

    payment = −s × notional × rate × intervals,   s = +1 long, −1 short

    where notional is [`notional_value`][perpcalc.funding.notional_value] (quote currency for linear contracts, base
    coin for inverse ones). A positive rate takes money from longs and gives it to shorts;
    a negative rate does the reverse. ``intervals`` may be fractional where a venue
    accrues continuously (Deribit, dYdX v3). A zero rate, size or interval count pays
    nothing. Funding is peer to peer: the venue keeps no part of it.

    Source: Binance USDⓈ-M funding FAQ; BitMEX perpetual contracts guide, examples.

    Parameters
    ----------
    side : Side
        ``"long"`` or ``"short"``.
    size : Decimal
        Position size: base units (linear) or contracts (inverse).
    mark_price : Decimal
        Mark price, in quote.
    rate : Decimal
        Funding rate per interval (0.0001 = 0.01 %).
    intervals : Decimal
        Number of intervals (fractions allowed for continuous accrual).
    contract : Contract
        ``"linear"`` or ``"inverse"``.
    contract_value : Decimal
        Quote value of one inverse contract (1 USD for XBTUSD).

    Returns
    -------
    Decimal
        The cash flow in the settlement currency (quote for linear contracts, base coin for
        inverse ones), signed from the holder's view: negative = the holder pays; 0 at a zero rate.

    Examples
    --------
    A 10 BTC long marked at 10,000 with an hourly rate of 0.11875 % pays
    118.75 USDC for the hour; the matching short receives the same. A BitMEX long of
    15,000 XBTUSD contracts marked at 750 (20 XBT) pays 0.05 XBT at a 0.25 % rate.

    >>> funding_payment("long", Decimal(10), Decimal(10000), Decimal("0.0011875"))
    Decimal('-118.7500000')
    >>> funding_payment("long", Decimal(15000), Decimal(750), Decimal("0.0025"), contract="inverse")
    Decimal('-0.0500')
    """
    notional = notional_value(size, mark_price, contract, contract_value)
    return -side_sign(side) * notional * rate * intervals


def annualized(
    rate: Decimal, interval_hours: Decimal = EIGHT, days_per_year: Decimal = Decimal(365)
) -> tuple[Decimal, Decimal, Decimal]:
    """Annualised funding: periods per year n, simple APR = F × n, compounded APY.

    n = days_per_year × 24 / interval_hours;  APR = F × n;  APY = (1 + F)ⁿ − 1

    APR is what a position earns (or pays) in a year of constant funding when payments
    are not reinvested; APY assumes each payment is added to the position. APY exists
    only for F > −1 (a rate of −100 % per interval wipes out the position). At F = 0 both
    are 0; for small F, APY ≈ APR.

    Source: arithmetic; Drift documents APR = rate × 24 × 365.25 and APY = (1 + rate)^(24 × 365.25) − 1.

    Parameters
    ----------
    rate : Decimal
        Funding rate per interval (0.0001 = 0.01 %).
    interval_hours : Decimal
        Hours between two settlements.
    days_per_year : Decimal
        Days in a year (365 by default).

    Returns
    -------
    tuple[Decimal, Decimal, Decimal]
        Settlements per year n, the simple APR F × n and the compounded APY (1 + F)ⁿ − 1, as
        fractions per year (negative when the rate is).

    Examples
    --------
    0.01 % per 8 h → 1,095 periods, APR 10.95 %, APY 11.57 %.

    >>> n, apr, apy = annualized(Decimal("0.0001"))
    >>> n, apr, round(apy, 6)
    (Decimal('1095'), Decimal('0.1095'), Decimal('0.115714'))
    """
    n = periods_per_year(interval_hours, days_per_year)
    apr = rate * n
    if rate <= -1:
        raise InputError("rate", "funding rate must be > −100 % per interval to compound")
    growth = (ONE + rate) ** n
    return n, apr, growth - ONE


# ------------------------------------------------------------------ calculator specs


# ------------------------------------------------------------------ averaging and predicted rate

WEIGHTINGS = ("time_weighted", "mean")
PATH_POINTS = 400


def mean_premium(samples: Sequence[Decimal]) -> Decimal:
    """Simple average of premium samples: P̄ = (P₁ + … + Pₙ) / n.

    BitMEX (minutely premium over 8 h), OKX (rolling N-hour window since 2024-03-05),
    Hyperliquid and dYdX average this way. No samples: ``InputError``.
    """
    if not samples:
        raise InputError("samples", "give at least one premium sample")
    return sum(samples, ZERO) / len(samples)


def time_weighted_premium(samples: Sequence[Decimal]) -> Decimal:
    """Time-weighted average premium with linear weights, later samples counting more.

    P̄ = (1·P₁ + 2·P₂ + … + n·Pₙ) / (1 + 2 + … + n),  and 1 + … + n = n(n + 1)/2

    Equal samples give that value back; one sample gives itself. The last sample weighs n
    times the first, so a premium that builds up near settlement moves the rate more than
    one that fades.

    Source: Bybit "What is funding rate and predicted rate" (2024-05-12: 480 one-minute
    samples for 8 h); Binance USDⓈ-M funding FAQ (5,760 five-second samples).

    Parameters
    ----------
    samples : Sequence[Decimal]
        Premium samples, oldest first.

    Returns
    -------
    Decimal
        The weighted mean premium as a fraction of the index; with one sample, that sample.

    Examples
    --------
    Samples 0.0002, 0.0004, …, 0.0012 (rising) → (0.0002 × 91) / 21 = 0.000866667,
    against a simple mean of 0.0007.

    >>> round(time_weighted_premium([Decimal(k) / 5000 for k in range(1, 7)]), 9)
    Decimal('0.000866667')
    """
    if not samples:
        raise InputError("samples", "give at least one premium sample")
    n = len(samples)
    weighted = sum((i * p for i, p in enumerate(samples, start=1)), ZERO)
    return weighted * 2 / (n * (n + 1))


def average_premium(samples: Sequence[Decimal], weighting: str = "time_weighted") -> Decimal:
    """The interval's average premium by ``weighting`` (``time_weighted`` or ``mean``)."""
    if weighting == "time_weighted":
        return time_weighted_premium(samples)
    if weighting == "mean":
        return mean_premium(samples)
    raise InputError("weighting", f"weighting must be one of: {', '.join(WEIGHTINGS)}")


def running_averages(samples: Sequence[Decimal], weighting: str = "time_weighted") -> list[Decimal]:
    """The average premium after each sample: element k averages samples 1…k.

    This is the "predicted rate" a venue shows during the interval, before the last sample:
    its last element equals [`average_premium`][perpcalc.funding.average_premium] of all samples.
    """
    if weighting not in WEIGHTINGS:
        raise InputError("weighting", f"weighting must be one of: {', '.join(WEIGHTINGS)}")
    out: list[Decimal] = []
    total = ZERO
    for k, p in enumerate(samples, start=1):
        if weighting == "time_weighted":
            total += k * p
            out.append(total * 2 / (k * (k + 1)))
        else:
            total += p
            out.append(total / k)
    return out


@dataclass(frozen=True)
class RateRules:
    """The formula parameters shared by the funding calculators
    (see [`funding_rate`][perpcalc.funding.funding_rate])."""

    method: str = "clamp"
    interest_rate: Decimal = Decimal("0.0001")
    clamp_limit: Decimal = Decimal("0.0005")
    dead_band: Decimal = Decimal("0.00025")
    cap: Decimal | None = None
    scaling: str = "n_over_8"

    def rate(self, premium: Decimal, interval_hours: Decimal, capped: bool = True) -> Decimal:
        return funding_rate(premium, self.method, self.interest_rate, self.clamp_limit, self.dead_band,
                            interval_hours, self.cap if capped else None, self.scaling)


def predicted_funding(
    samples: Sequence[Decimal],
    weighting: str = "time_weighted",
    rules: RateRules = RateRules(),
    interval_hours: Decimal = EIGHT,
) -> tuple[Decimal, Decimal, list[tuple[int, Decimal, Decimal]]]:
    """Predicted funding rate from the premium samples seen so far in the interval.

    P̄ₖ = average of samples 1…k (time-weighted or simple), Fₖ = funding_rate(P̄ₖ)

    Returns (P̄, F, path) with path = [(k, P̄ₖ, Fₖ)]; the last point is the final predicted
    rate, which becomes the settled rate if no further sample arrives. With equal samples
    both weightings agree.

    Source: Bybit "What is funding rate and predicted rate"; Binance funding FAQ.

    Parameters
    ----------
    samples : Sequence[Decimal]
        Premium samples, oldest first.
    weighting : str
        ``"time_weighted"`` or ``"mean"``.
    rules : RateRules
        Formula parameters (method, interest, band, cap, scaling).
    interval_hours : Decimal
        Hours between two settlements.

    Returns
    -------
    tuple[Decimal, Decimal, list[tuple[int, Decimal, Decimal]]]
        The average premium so far P̄ and the predicted rate F (fractions per interval), and the
        path [(k, P̄ₖ, Fₖ)] after each sample k.

    Examples
    --------
    Six rising samples 0.02 % … 0.12 % with Binance's rules: time-weighted
    P̄ = 0.086667 %, F = 0.086667 % − 0.05 % = 0.036667 %; the simple mean 0.07 % would give 0.02 %.

    >>> avg, rate, path = predicted_funding([Decimal(k) / 5000 for k in range(1, 7)])
    >>> round(avg, 8), round(rate, 8)
    (Decimal('0.00086667'), Decimal('0.00036667'))
    """
    path_avgs = running_averages(samples, weighting)
    if not path_avgs:
        raise InputError("samples", "give at least one premium sample")
    keep = thin_even(len(path_avgs), PATH_POINTS)
    path = [(k + 1, path_avgs[k], rules.rate(path_avgs[k], interval_hours)) for k in keep]
    return path_avgs[-1], path[-1][2], path


# ------------------------------------------------------------------ interval shortening

SHORTENINGS = ("jump", "step", "none")


@dataclass(frozen=True)
class Settlement:
    """One settlement of [`funding_schedule`][perpcalc.funding.funding_schedule]: ``offset_hours`` after the start."""

    number: int
    offset_hours: int
    interval_hours: int
    average_premium: Decimal
    funding_rate: Decimal
    capped: bool


def hourly_block_average(hourly: Sequence[Decimal], weighting: str = "mean") -> Decimal:
    """Average of an interval's hourly average premiums.

    ``mean``: the simple mean. ``time_weighted``: hour h of the block weighs 2h − 1, which is
    the limit of linear per-sample weights (1…n) when each hour holds many equal samples, so
    it reproduces Binance/Bybit averaging when the premium is steady within each hour.
    """
    if weighting == "mean":
        return mean_premium(hourly)
    if weighting != "time_weighted":
        raise InputError("weighting", f"weighting must be one of: {', '.join(WEIGHTINGS)}")
    n = len(hourly)
    if n == 0:
        raise InputError("hourly", "give at least one hourly premium")
    return sum(((2 * h - 1) * p for h, p in enumerate(hourly, start=1)), ZERO) / (n * n)


def funding_schedule(
    hourly: Sequence[Decimal],
    interval_hours: int = 8,
    rules: RateRules = RateRules(),
    shortening: str = "jump",
    shortest_interval_hours: int = 1,
    weighting: str = "mean",
) -> tuple[list[Settlement], int, int]:
    """Settlements when the interval shortens after a rate settles at its cap.

    Starting at the base interval N, each settlement averages the hourly premiums of its
    interval and applies the formula; the rate is capped last. After a settlement at the
    cap (|uncapped rate| ≥ cap) the next interval is

    * ``jump``: the shortest interval at once (Bybit since 2025-10-30; OKX before 2026-04-14);
    * ``step``: half the current one, not below the shortest (OKX from 2026-04-14: 8 → 4 → 2 → 1 h);
    * ``none``: unchanged.

    After a settlement below the cap a shortened schedule returns to the base interval,
    aligned to the base clock (the start time is taken as a regular settlement time). The cap
    is per settlement and does not change with the interval (Binance kept ±3 % when it moved
    BANUSDT from 4 h to 2 h). Returns (settlements, next interval, hours left over after the
    last settlement).

    Sources: Bybit dynamic settlement frequency announcement (2025-10); OKX announcement on
    the upgrade of automatic funding fee settlement (2026-04-14). When Bybit returns to a
    longer interval is not published: the return rule here is an assumption.

    Parameters
    ----------
    hourly : Sequence[Decimal]
        Hourly average premiums, oldest first.
    interval_hours : int
        Hours between two settlements.
    rules : RateRules
        Formula parameters (method, interest, band, cap, scaling).
    shortening : str
        ``"jump"``, ``"step"`` or ``"none"``.
    shortest_interval_hours : int
        Shortest interval the venue shortens to, in hours.
    weighting : str
        ``"time_weighted"`` or ``"mean"``.

    Returns
    -------
    tuple[list[Settlement], int, int]
        The settlements in order, the interval (hours) the next settlement would use, and the
        hours after the last settlement that did not fill an interval (0 when the period ends on
        a settlement).

    Examples
    --------
    OKX's: a 4-hour contract with a ±0.375 % cap settles at the cap at 16:00 UTC;
    the next settlement is at 18:00, and after another capped settlement at 19:00.

    >>> rules = RateRules("premium", Decimal(0), Decimal(0), Decimal(0), Decimal("0.00375"), "per_interval")
    >>> hourly = [Decimal("0.005")] * 6 + [Decimal("0.004"), Decimal("0.002")] + [Decimal("0.001")] * 4
    >>> settled, next_interval, left = funding_schedule(hourly, 4, rules, "step")
    >>> [(s.offset_hours, s.interval_hours, s.capped) for s in settled]
    [(4, 4, True), (6, 2, True), (7, 1, True), (8, 1, False), (12, 4, False)]
    """
    if shortening not in SHORTENINGS:
        raise InputError("shortening", f"shortening must be one of: {', '.join(SHORTENINGS)}")
    if not 1 <= shortest_interval_hours <= interval_hours:
        raise InputError("shortest_interval_hours", "the shortest interval must be from 1 hour to the base interval")
    base = interval_hours
    current = base
    offset = 0
    out: list[Settlement] = []
    n = len(hourly)
    while offset + current <= n:
        block = hourly[offset:offset + current]
        avg = hourly_block_average(block, weighting)
        raw = rules.rate(avg, Decimal(current), capped=False)
        rate = raw if rules.cap is None else clamp(raw, -rules.cap, rules.cap)
        capped = rules.cap is not None and abs(raw) >= rules.cap
        offset += current
        out.append(Settlement(len(out) + 1, offset, current, avg, rate, capped))
        if capped:
            if shortening == "jump":
                current = shortest_interval_hours
            elif shortening == "step":
                current = max(shortest_interval_hours, current // 2)
        elif current != base:
            current = base - offset % base
    return out, current, n - offset


# ------------------------------------------------------------------ venues side by side


def funding_by_venue(premium: Decimal) -> list[dict[str, Any]]:
    """The rate each venue would set for the same average premium, with its own rules.

    For each venue in ``perpcalc.venues.FUNDING_VENUES``: F = funding_rate(P) with its
    method, interest, band, interval, cap and scaling; the 8-hour equivalent F × 8 / N; and
    the simple APR F × settlements per year. Caps are illustrative per-venue figures.

    Parameters
    ----------
    premium : Decimal
        Average premium index of the interval.

    Returns
    -------
    list[dict[str, Any]]
        One row per venue with a funding record, in display order: its rate per settlement, the
        8-hour equivalent and the simple APR (fractions), interval, method, cap (``None`` when no
        figure is recorded), whether the cap bound, and the price payments use.

    Examples
    --------
    P = 0.01 (1 %): Hyperliquid 0.11875 % per hour (0.95 % per 8 h, under its 4 %
    cap); Binance 0.95 % capped to 0.30 %; OKX 1 % capped to 0.375 %; Deribit 0.975 %.

    >>> {r["venue"]: r["funding_rate"] for r in funding_by_venue(Decimal("0.01"))}["hyperliquid"]
    Decimal('0.0011875')
    """
    rows = []
    for key, r in FUNDING_VENUES.items():
        rules = RateRules(r.method, r.interest_rate, r.clamp, r.dead_band, r.cap, r.scaling)
        rate = rules.rate(premium, r.interval_hours)
        rows.append({
            "venue": key,
            "name": r.name,
            "interval_hours": r.interval_hours,
            "method": r.method,
            "funding_rate": rate,
            "rate_8h": rate * EIGHT / r.interval_hours,
            "apr": rate * periods_per_year(r.interval_hours),
            "cap": r.cap,
            "capped": "yes" if r.cap is not None and abs(rules.rate(premium, r.interval_hours, False)) >= r.cap
            else "no",
            "payment_price": r.payment_price,
            "as_of": r.as_of,
        })
    return rows


# ------------------------------------------------------------------ interest, impact notional, Drift


def interest_component(quote_rate: Decimal, base_rate: Decimal, settlements_per_day: Decimal = Decimal(3)) -> Decimal:
    """Interest component I per settlement from the two currencies' daily rates.

    I = (quote rate − base rate) / settlements per day

    The perpetual's fair funding, absent any premium, is the cost of carrying the position:
    borrowing the quote currency to buy the base, lending out the base. BitMEX built its
    interest term this way (quote and base interest indices, three fundings a day), Bybit's
    older inverse contracts too. Equal rates give I = 0; a base rate above the quote rate
    gives a negative I (shorts pay longs while the premium is zero). Most venues today
    fix I at 0.01 % per 8 h instead (0.03 % a day), which is this formula with a quote
    rate 0.03 % a day above the base rate.

    Source: BitMEX perpetual contracts guide and its examples page; Bybit help centre
    "What is funding rate" (older inverse text).

    Parameters
    ----------
    quote_rate, base_rate : Decimal
        Daily interest rates of the quote and base currencies, as fractions (0.01 = 1 %/day).
    settlements_per_day : Decimal
        Fundings a day (3 for 8-hour intervals); > 0.

    Examples
    --------
    BitMEX's example: USD 1 %/day, XBT 0.25 %/day, three fundings a day:

    >>> interest_component(Decimal("0.01"), Decimal("0.0025"))
    Decimal('0.0025')
    """
    if settlements_per_day <= 0:
        raise InputError("settlements_per_day", "settlements_per_day must be > 0")
    return (quote_rate - base_rate) / settlements_per_day


def impact_margin_notional(initial_margin_rate: Decimal, impact_margin: Decimal = Decimal(200)) -> Decimal:
    """Impact margin notional: the order size whose average fill gives the impact bid and ask.

    IMN = impact margin / initial margin rate

    Binance uses 200 USDT (200 USD on COIN-M) of margin at the symbol's maximum leverage,
    i.e. the initial margin rate there (1 / max leverage); dYdX v4 uses 500 USDC over the
    market's initial margin fraction. Higher maximum leverage means a deeper sample of the
    book, so thin books cannot set the premium with a tiny order.

    Source: Binance funding FAQ (360033525031; BNBUSDT at 20x: 200 / 5 % = 4,000 USDT),
    read through copies of its text; dYdX v4 funding docs (500 USDC / IMF: 5,000 at 10 %).

    Examples
    --------
    >>> print(f'{impact_margin_notional(Decimal("0.05")):f}')
    4000
    >>> print(f'{impact_margin_notional(Decimal("0.1"), Decimal(500)):f}')
    5000
    """
    if initial_margin_rate <= 0 or initial_margin_rate > 1:
        raise InputError("initial_margin_rate", "initial_margin_rate must lie in (0, 1]")
    if impact_margin <= 0:
        raise InputError("impact_margin", "impact_margin must be > 0")
    return impact_margin / initial_margin_rate


def impact_quantity(impact_notional: Decimal, bid: Decimal, ask: Decimal) -> Decimal:
    """The impact notional as a base-coin quantity at the mid price: IMN / ((bid + ask) / 2).

    Source: Bybit funding article (the impact margin notional converted to a quantity at
    the best bid/ask mid), through a copy of its text.

    Examples
    --------
    >>> print(f'{impact_quantity(Decimal(4000), Decimal("399.9"), Decimal("400.1")):f}')
    10
    """
    if bid <= 0 or ask < bid:
        raise InputError("ask" if bid > 0 else "bid", "need 0 < bid ≤ ask")
    return impact_notional / ((bid + ask) / 2)


def drift_funding_rate(mark_twap: Decimal, oracle_twap: Decimal, cap: Decimal | None = None) -> Decimal:
    """Drift's hourly funding rate: one 24th of the mark–oracle premium, capped by contract tier.

    F = clamp( (mark TWAP − oracle TWAP) / oracle TWAP / 24, −cap, +cap )

    The premium is a daily figure paid out in 24 hourly slices: a mark steadily 0.24 %
    above the oracle costs longs 0.01 % an hour, 0.24 % a day. There is no interest term
    and no band. The TWAPs are one-hour exponential averages (the mark TWAP is the mean of
    the bid and ask TWAPs). Caps: 0.125 %/h for tier B or better, 0.208 % for tier C,
    0.4167 % below C (the Drift record's ``funding_caps`` in ``perpcalc.venues.drift``).

    Source: drift-labs/drift-protocol-v2-docs, "Funding rates" (commit f1021e4).

    Examples
    --------
    >>> drift_funding_rate(Decimal("100.24"), Decimal(100))
    Decimal('0.0001')
    >>> drift_funding_rate(Decimal(110), Decimal(100), Decimal("0.00125"))
    Decimal('0.00125')
    """
    if oracle_twap <= 0 or mark_twap <= 0:
        raise InputError("oracle_twap" if oracle_twap <= 0 else "mark_twap", "TWAPs must be > 0")
    rate = (mark_twap - oracle_twap) / oracle_twap / 24
    if cap is not None:
        if cap < 0:
            raise InputError("cap", "cap must be ≥ 0")
        rate = clamp(rate, -cap, cap)
    return rate


def drift_symmetric_funding(rate: Decimal, long_notional: Decimal, short_notional: Decimal,
                            pool_balance: Decimal, pool_share: Decimal = Decimal(2) / Decimal(3)
                            ) -> dict[str, Decimal]:
    """Drift's capped symmetric funding for one hour: who pays, who receives, what the pool covers.

    The paying side pays |F| × its notional. The receiving side is owed |F| × its notional.
    When the payers outnumber the receivers the surplus goes to the market's fee pool; when
    they are fewer, the pool makes up the shortfall from at most ``pool_share`` (2/3) of
    its balance, and if that is not enough every receiver gets the same reduced rate.

    Returns ``paid`` (by the paying side, ≥ 0), ``owed`` (to the receivers), ``received``,
    ``pool_flow`` (+ = into the pool), and ``long_rate`` / ``short_rate``: the rate each side
    actually gets, signed from the holder's view (negative = pays).

    Source: drift-labs/drift-protocol-v2-docs, "Funding rates" (capped symmetric funding).

    Examples
    --------
    Longs pay 0.01 % on 1 M; shorts are owed 0.01 % on 3 M = 300 but only 100 comes from the
    longs; the pool (balance 150) can give 2/3 × 150 = 100, so shorts receive 200 (0.00667 %).

    >>> out = drift_symmetric_funding(Decimal("0.0001"), Decimal(1000000), Decimal(3000000), Decimal(150))
    >>> out["received"], out["pool_flow"]
    (Decimal('200.0000000000000000000000000'), Decimal('-100.0000000000000000000000000'))
    """
    for name, value in (("long_notional", long_notional), ("short_notional", short_notional),
                        ("pool_balance", pool_balance)):
        if value < 0:
            raise InputError(name, f"{name} must be ≥ 0")
    if not 0 <= pool_share <= 1:
        raise InputError("pool_share", "pool_share must lie in [0, 1]")
    payer_notional, receiver_notional = (long_notional, short_notional) if rate >= 0 else (short_notional,
                                                                                          long_notional)
    r = abs(rate)
    paid = r * payer_notional
    owed = r * receiver_notional
    if paid >= owed:
        received, pool_flow = owed, paid - owed
    else:
        draw = min(owed - paid, pool_share * pool_balance)
        received, pool_flow = paid + draw, -draw
    receiver_rate = received / receiver_notional if receiver_notional else ZERO
    pay_rate = r if payer_notional else ZERO
    if rate >= 0:
        long_rate, short_rate = -pay_rate, receiver_rate
    else:
        long_rate, short_rate = receiver_rate, -pay_rate
    return {"paid": paid, "owed": owed, "received": received, "pool_flow": pool_flow,
            "long_rate": long_rate, "short_rate": short_rate}


def funding_cap_from_margin(rule: CapRule, mmr: Decimal, imr: Decimal | None = None,
                            multiplier: Decimal = Decimal("0.75"),
                            interval_hours: Decimal = EIGHT) -> tuple[Decimal, Decimal]:
    """Funding cap (per settlement, per 8 h) that a venue derives from the contract's margin rates.

    ``rule`` is a venue's [`CapRule`][perpcalc.venues.CapRule] (``perpcalc.venues.CAP_RULES``):

    * basis ``mmr``: cap = k × first-tier MMR per settlement, k = ``multiplier`` (Binance, 0.75
      by default);
    * basis ``im_minus_mm`` per ``8h``: cap = factor × (IMR − MMR) per 8 h (BitMEX, 75 %);
    * basis ``im_minus_mm`` per ``settlement``: |8-hour rate| ≤ factor × (IMR − MMR),
      pro-rated to the settlement (dYdX v4, 600 %).

    The rule's ``per`` sets which of the two figures is primary; the other is the same cap
    restated (× 8 / N or × N / 8).

    Returns
    -------
    tuple[Decimal, Decimal]
        The cap as a fraction per settlement of ``interval_hours``, and the same cap per
        8 hours (equal at 8-hour intervals).

    Examples
    --------
    BitMEX's example, IM 1 %, MM 0.5 %: 0.375 % per 8 h.

    >>> from perpcalc.venues import CAP_RULES
    >>> funding_cap_from_margin(CAP_RULES["bitmex"], Decimal("0.005"), Decimal("0.01"))
    (Decimal('0.00375'), Decimal('0.00375'))
    """
    if interval_hours <= 0:
        raise InputError("interval_hours", "interval_hours must be > 0")
    if rule.basis == "mmr":
        cap = multiplier * mmr
        return cap, cap * EIGHT / interval_hours
    if imr is None:
        raise InputError("imr", "this rule needs the initial margin rate")
    if imr < mmr:
        raise InputError("imr", "the initial margin rate must be at least the maintenance rate")
    factor = rule.factor if rule.factor is not None else multiplier
    if rule.per == "8h":
        cap_8h = factor * (imr - mmr)
        return cap_8h * interval_hours / EIGHT, cap_8h
    cap = factor * (imr - mmr) * interval_hours / 8
    return cap, cap * EIGHT / interval_hours
