"""Pool venues: borrow fees (GMX v1, Jupiter Perps) and GMX v2 funding from open interest.

On an order-book venue longs and shorts pay each other funding. On a pool venue the
traders' counterparty is a liquidity pool, and two other charges appear:

* a **borrow fee**: every position pays the pool for the assets it reserves, whatever its
  side; it never receives anything (GMX v1, Jupiter Perps, GMX v2's borrowing fee);
* on GMX v2, a **funding fee driven by open-interest imbalance**: the side with more open
  interest pays the other side, at a rate set by the imbalance, not by a price premium.

Units: open interest, pool assets and position sizes in USD; a borrow rate per hour and a
GMX funding factor per second, both fractions of the position's size. Payments are signed
from the holder's view (negative = the holder pays), as everywhere in perpcalc.

This module holds only the pure functions; it imports no calculator spec.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ._errors import InputError

__all__ = [
    "SECONDS_PER_HOUR",
    "SECONDS_PER_YEAR",
    "AdaptiveStep",
    "gmx_adaptive_funding_step",
    "gmx_borrowing_factor_per_second",
    "gmx_funding_factor_per_second",
    "gmx_funding_rates",
    "gmx_imbalance_factor",
    "pool_borrow_fee",
    "pool_borrow_rate",
    "pool_utilization",
]

ZERO = Decimal(0)
ONE = Decimal(1)
SECONDS_PER_HOUR = Decimal(3600)
#: GMX's contracts and front end annualise with 365-day years (SECONDS_PER_YEAR in the repository's utils).
SECONDS_PER_YEAR = Decimal(365 * 24 * 3600)
#: One unit of GMX's 30-decimal fixed point: where the code keeps a sign while a rate decays to "zero".
GMX_EPSILON = Decimal("1e-30")


# ------------------------------------------------------------------ borrow fees


def pool_utilization(borrowed: Decimal, pool_assets: Decimal) -> Decimal:
    """Share of the pool's assets lent out to open positions: u = borrowed / pool assets.

    Parameters
    ----------
    borrowed : Decimal
        Assets reserved by open positions (GMX v1 "reserved", Jupiter "tokens locked"), ≥ 0.
    pool_assets : Decimal
        Assets the pool holds for that token (> 0), in the same unit as ``borrowed``.

    Returns
    -------
    Decimal
        u in [0, 1]. A pool cannot lend more than it holds, so ``borrowed > pool_assets``
        raises ``InputError``, as does a pool with no assets.

    Examples
    --------
    >>> pool_utilization(Decimal(300), Decimal(1000))
    Decimal('0.3')
    """
    if pool_assets <= 0:
        raise InputError("pool_assets", "pool_assets must be > 0")
    if borrowed < 0 or borrowed > pool_assets:
        raise InputError("borrowed", "borrowed must lie between 0 and pool_assets")
    return borrowed / pool_assets


def pool_borrow_rate(borrowed: Decimal, pool_assets: Decimal, hourly_rate: Decimal) -> Decimal:
    """Borrow rate per hour charged on a position's size: utilisation × the hourly rate.

    rate = (borrowed / pool assets) × hourly_rate

    GMX v1 applies 0.01 % per hour at full utilisation; Jupiter Perps publishes an hourly
    borrow rate per custody token. An idle pool charges nothing; a fully lent one charges
    the whole hourly rate.

    Source: GMX v1 fee documentation as restated by GMX forks (the v1 docs page itself was
    not read); Jupiter Perps "How it works" (hourly borrow fee).

    Examples
    --------
    GMX v1 with 40 % of the pool lent out:

    >>> pool_borrow_rate(Decimal(40), Decimal(100), Decimal("0.0001"))
    Decimal('0.00004')
    """
    if hourly_rate < 0:
        raise InputError("hourly_rate", "hourly_rate must be ≥ 0")
    return pool_utilization(borrowed, pool_assets) * hourly_rate


def pool_borrow_fee(size: Decimal, borrowed: Decimal, pool_assets: Decimal, hourly_rate: Decimal,
                    hours: Decimal = ONE) -> Decimal:
    """Borrow fee of a pool-venue position over ``hours``, seen from its holder (negative: paid).

    fee = −size × (borrowed / pool assets) × hourly_rate × hours

    Longs and shorts both pay; the fee goes to the pool (its liquidity providers), never to
    the other side, so unlike funding it is never received. Utilisation is held fixed over
    the period: venues accrue it hourly from the utilisation at each update, so over a long
    period use the average utilisation.

    Source: Jupiter Perps guide (hourly fee = tokens borrowed / tokens in pool × hourly
    borrow rate × position size); GMX v1 fees (0.01 % per hour × utilisation).

    Parameters
    ----------
    size : Decimal
        Position size in USD (notional), ≥ 0.
    borrowed, pool_assets : Decimal
        See [`pool_utilization`][perpcalc.pools.pool_utilization].
    hourly_rate : Decimal
        Fraction per hour at full utilisation (GMX v1: 0.0001).
    hours : Decimal
        Length of the period; fractions allowed.

    Examples
    --------
    A 10,000 USD position, pool 60 % lent, 0.01 %/h, for one day: 10,000 × 0.6 × 0.0001 × 24.

    >>> pool_borrow_fee(Decimal(10000), Decimal(60), Decimal(100), Decimal("0.0001"), Decimal(24))
    Decimal('-14.40000')
    """
    if size < 0:
        raise InputError("size", "size must be ≥ 0")
    if hours < 0:
        raise InputError("hours", "hours must be ≥ 0")
    return -size * pool_borrow_rate(borrowed, pool_assets, hourly_rate) * hours


def gmx_borrowing_factor_per_second(reserved_usd: Decimal, pool_usd: Decimal, borrowing_factor: Decimal,
                                    exponent: Decimal = ONE) -> Decimal:
    """GMX v2 borrowing fee per second per USD of position (curve model): factor × reserved^e / pool.

    ``reserved_usd`` is what one side's positions reserve from the pool (open interest, in
    older versions plus pending PnL), ``pool_usd`` the pool's value for that side. Both sides
    pay their own side's rate to the pool; it is a borrow fee, never received by traders.
    (GMX v2 also offers a kinked model by usage; not modelled here.)

    Source: gmx-io/gmx-synthetics README, "Borrowing Fees": factor 1/50,000 per second,
    longs reserving 150,000 + 50,000 of pending PnL against a 250,000 pool →
    (1/50,000) × 200,000 / 250,000 = 0.000016 per second.

    Examples
    --------
    >>> gmx_borrowing_factor_per_second(Decimal(200000), Decimal(250000), Decimal(1) / Decimal(50000))
    Decimal('0.000016')
    """
    if reserved_usd < 0:
        raise InputError("reserved_usd", "reserved_usd must be ≥ 0")
    if borrowing_factor < 0:
        raise InputError("borrowing_factor", "borrowing_factor must be ≥ 0")
    if pool_usd <= 0:
        raise InputError("pool_usd", "pool_usd must be > 0")
    scaled = reserved_usd if exponent == ONE else Decimal(float(reserved_usd) ** float(exponent))
    return borrowing_factor * scaled / pool_usd


# ------------------------------------------------------------------ GMX v2 funding


def gmx_imbalance_factor(long_oi: Decimal, short_oi: Decimal, exponent: Decimal = ONE) -> Decimal:
    """GMX v2's imbalance measure: |L − S|^e / (L + S) (``diffUsdToOpenInterestFactor``).

    With e = 1 it is the imbalance as a share of all open interest, between 0 (balanced)
    and 1 (one side empty). With e ≠ 1 the USD difference is raised to e before dividing,
    as the contract does, so the value depends on the size of the market, not only on its
    shape. No open interest at all raises ``InputError`` (the contract reverts).

    Source: gmx-io/gmx-synthetics, ``MarketUtils.getNextFundingFactorPerSecond`` and the
    README's funding section.

    Examples
    --------
    >>> gmx_imbalance_factor(Decimal(1500000), Decimal(1000000))
    Decimal('0.2')
    """
    if long_oi < 0 or short_oi < 0:
        raise InputError("long_oi" if long_oi < 0 else "short_oi", "open interest must be ≥ 0")
    total = long_oi + short_oi
    if total == 0:
        raise InputError("long_oi", "open interest must be > 0 on at least one side")
    diff = abs(long_oi - short_oi)
    if diff == 0:
        return ZERO
    scaled = diff if exponent == ONE else Decimal(float(diff) ** float(exponent))
    return scaled / total


def gmx_funding_factor_per_second(long_oi: Decimal, short_oi: Decimal, funding_factor: Decimal,
                                  exponent: Decimal = ONE,
                                  max_factor_per_second: Decimal | None = None) -> Decimal:
    """GMX v2 funding rate of the larger side, per second (static mode): factor × |L − S|^e / (L + S).

    The rate is a fraction of each position's size paid every second by the side with more
    open interest, capped at ``max_factor_per_second`` when given. Balanced open interest
    pays nothing.

    Source: gmx-io/gmx-synthetics README ("the funding fee per second for the larger side");
    ``MarketUtils.getNextFundingFactorPerSecond`` (used when the adaptive increase factor
    is 0).

    Examples
    --------
    Longs 1.5 M USD, shorts 1 M, factor 2e-8: 2e-8 × 0.5 M / 2.5 M = 4e-9 per second,
    about 12.6 % a year for the longs.

    >>> gmx_funding_factor_per_second(Decimal(1500000), Decimal(1000000), Decimal("2e-8"))
    Decimal('4E-9')
    """
    if funding_factor < 0:
        raise InputError("funding_factor", "funding_factor must be ≥ 0")
    rate = funding_factor * gmx_imbalance_factor(long_oi, short_oi, exponent)
    if max_factor_per_second is not None and rate > max_factor_per_second:
        rate = max_factor_per_second
    return rate


def gmx_funding_rates(long_oi: Decimal, short_oi: Decimal, factor_per_second: Decimal,
                      longs_pay: bool | None = None) -> tuple[Decimal, Decimal]:
    """Funding per second per USD of position for (longs, shorts), holder's view (negative = pays).

    payer:    −f
    receiver: +f × OI_payer / OI_receiver

    The payer side is the larger side unless ``longs_pay`` says otherwise (adaptive funding
    can keep the old direction for a while after the skew flips). The receivers share what
    the payers pay, so the smaller side earns more per dollar than the larger side pays:
    f × OI_payer = (f × OI_payer / OI_receiver) × OI_receiver, and the pool keeps nothing.
    If either side has no open interest nobody pays: the contract skips funding then, as
    there is no one to pay it to.

    Source: gmx-io/gmx-synthetics ``MarketUtils.getNextFundingAmountPerSize`` (funding USD =
    larger side's size × duration × factor, credited per unit of the other side's size).

    Examples
    --------
    >>> gmx_funding_rates(Decimal(1500000), Decimal(1000000), Decimal("4e-9"))
    (Decimal('-4E-9'), Decimal('6E-9'))
    """
    if long_oi < 0 or short_oi < 0:
        raise InputError("long_oi" if long_oi < 0 else "short_oi", "open interest must be ≥ 0")
    if factor_per_second < 0:
        raise InputError("factor_per_second", "factor_per_second must be ≥ 0")
    if long_oi == 0 or short_oi == 0 or factor_per_second == 0:
        return ZERO, ZERO
    if longs_pay is None:
        if long_oi == short_oi:
            return ZERO, ZERO
        longs_pay = long_oi > short_oi
    if longs_pay:
        return -factor_per_second, factor_per_second * long_oi / short_oi
    return factor_per_second * short_oi / long_oi, -factor_per_second


@dataclass(frozen=True)
class AdaptiveStep:
    """One update of GMX v2's adaptive funding.

    See [`gmx_adaptive_funding_step`][perpcalc.pools.gmx_adaptive_funding_step].
    """

    change: str  # "increase", "decrease", "hold" or "reset"
    saved: Decimal  # the stored, signed factor per second after the update (+ = longs pay)
    rate: Decimal  # the signed factor per second applied (min and max bounds on its magnitude)


def _bound_magnitude(value: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    """GMX ``Calc.boundMagnitude``: clamp |value| into [lo, hi], keeping the sign (0 counts as +)."""
    magnitude = min(max(abs(value), lo), hi)
    return -magnitude if value < 0 else magnitude


def gmx_adaptive_funding_step(saved: Decimal, long_oi: Decimal, short_oi: Decimal, seconds: Decimal,
                              increase_factor_per_second: Decimal, decrease_factor_per_second: Decimal,
                              threshold_stable: Decimal, threshold_decrease: Decimal,
                              min_factor_per_second: Decimal, max_factor_per_second: Decimal,
                              exponent: Decimal = ONE) -> AdaptiveStep:
    """One update of GMX v2's adaptive funding factor over ``seconds`` of constant open interest.

    With f = |L − S|^e / (L + S) and F₀ the stored signed factor (+ = longs pay):

    * skew on the side that already pays and f > threshold_stable: **increase**,
      F = F₀ + sign(L − S) × f × increase_factor × Δt;
    * skew on the paying side and f < threshold_decrease: **decrease**,
      |F| = |F₀| − decrease_factor × Δt, keeping the sign (floored at one fixed-point unit);
    * skew on the paying side and f between the thresholds: **hold**, F = F₀;
    * skew against the paying side (it flipped) or no stored rate: **increase** towards the
      new larger side, at the same f × increase_factor × Δt;
    * no imbalance at all: **reset** to 0.

    The stored factor is bounded to |F| ≤ max; the rate applied has its magnitude bounded to
    [min, max]. So funding ramps up while the imbalance stays large, holds in a dead zone
    and bleeds away once the market is close to balanced.

    Source: gmx-io/gmx-synthetics README (adaptive funding) and
    ``MarketUtils.getNextFundingFactorPerSecond`` (change type, bounds with ``boundMagnitude``).

    Examples
    --------
    From zero, longs 1.5 M vs shorts 1 M (f = 0.2) for one hour at an increase factor of
    1e-12 per second²: F = 0.2 × 1e-12 × 3,600 = 7.2e-10 per second.

    >>> step = gmx_adaptive_funding_step(Decimal(0), Decimal(1500000), Decimal(1000000), Decimal(3600),
    ...     Decimal("1e-12"), Decimal(0), Decimal("0.04"), Decimal(0), Decimal(0), Decimal("2e-8"))
    >>> step.change, step.saved.normalize()
    ('increase', Decimal('7.2E-10'))
    """
    for name, value in (("seconds", seconds), ("increase_factor_per_second", increase_factor_per_second),
                        ("decrease_factor_per_second", decrease_factor_per_second),
                        ("threshold_stable", threshold_stable), ("threshold_decrease", threshold_decrease),
                        ("min_factor_per_second", min_factor_per_second),
                        ("max_factor_per_second", max_factor_per_second)):
        if value < 0:
            raise InputError(name, f"{name} must be ≥ 0")
    if min_factor_per_second > max_factor_per_second:
        raise InputError("min_factor_per_second", "min_factor_per_second must be ≤ max_factor_per_second")
    f = gmx_imbalance_factor(long_oi, short_oi, exponent)
    if f == 0:
        return AdaptiveStep("reset", ZERO, ZERO)
    skew_same = (saved > 0 and long_oi > short_oi) or (saved < 0 and short_oi > long_oi)
    if not skew_same:
        change = "increase"
    elif f > threshold_stable:
        change = "increase"
    elif f < threshold_decrease:
        change = "decrease"
    else:
        change = "hold"
    nxt = saved
    if change == "increase":
        delta = f * increase_factor_per_second * seconds
        nxt = saved + (delta if long_oi > short_oi else -delta)
    elif change == "decrease" and saved != 0:
        cut = decrease_factor_per_second * seconds
        sign = ONE if saved > 0 else -ONE
        nxt = sign * GMX_EPSILON if abs(saved) <= cut else sign * (abs(saved) - cut)
    nxt = _bound_magnitude(nxt, ZERO, max_factor_per_second)
    return AdaptiveStep(change, nxt, _bound_magnitude(nxt, min_factor_per_second, max_factor_per_second))
