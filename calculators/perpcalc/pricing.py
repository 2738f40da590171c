"""Pricing: the no-arbitrage perpetual price, the mark price and how a basis decays.

* [`perp_fair_price`][perpcalc.pricing.perp_fair_price]: the frictionless perp/spot ratio κ /
(κ − r_quote + r_base) when
  funding pays a fraction κ of the perp–spot gap per unit time (He, Manela, Ross and von
  Wachter; Ackerer, Hugonnier and Jermann).
* [`mark_price`][perpcalc.pricing.mark_price]: how venues mark positions: Binance's median of three prices (Bybit's
  variant with a literal /8) and BitMEX's fair price, index × (1 + funding basis).
* [`basis_after`][perpcalc.pricing.basis_after]: the basis left after t years when funding closes the gap at intensity
  κ, b(t) = b₀·e^(−κt), with half-life ln 2 / κ.

Rates here are per year (fractions: 0.05 = 5 %) unless named per interval; prices are in the
quote currency. ``Decimal`` arithmetic throughout (its ``exp`` and ``ln`` are exact to the
context precision and identical in CPython and Pyodide).
"""

from __future__ import annotations

from decimal import Decimal

from ._errors import InputError
from ._num import DAYS_PER_YEAR, EIGHT, ONE, ZERO
from .venues import MARK_METHODS

__all__ = ["basis_after", "basis_half_life_days", "funding_basis", "mark_price", "perp_fair_price", "price_ratio"]

LN2 = Decimal(2).ln()


# ------------------------------------------------------------------ no-arbitrage price


def price_ratio(funding_intensity: Decimal, quote_rate: Decimal = ZERO, base_rate: Decimal = ZERO) -> Decimal:
    """No-arbitrage ratio of perp to spot price with continuous funding.

    F / S = κ / (κ − r_a + r_b),   defined only when κ > r_a − r_b

    κ is the funding intensity (the fraction of the perp–spot gap paid per year: about
    1,095 when an 8-hourly settlement pays the whole gap), r_a the quote (dollar) interest
    rate and r_b the rate earned on the base coin, both per year. Equivalently the perp is
    worth spot sampled at a random time θ ~ Exponential(κ): F = E[S_θ] = S κ / (κ − μ) with
    drift μ = r_a − r_b. Equal rates give F = S; a faster anchor (larger κ) pulls F toward S.
    When κ ≤ r_a − r_b no finite price exists: ``InputError`` on ``funding_intensity``.

    Source: He, Manela, Ross and von Wachter, "Fundamentals of Perpetual Futures" (arXiv
    2212.06888, v6 2024-08); Ackerer, Hugonnier and Jermann, "Perpetual Futures Pricing"
    (arXiv 2310.11771, Mathematical Finance 2025). The form matches AHJ's random-maturity
    result; He et al.'s discrete-time version may carry extra (1 + r) factors.

    Parameters
    ----------
    funding_intensity : Decimal
        κ, how strongly funding pulls the perp to spot, per year.
    quote_rate : Decimal
        Interest rate of the quote currency, per year.
    base_rate : Decimal
        Interest rate of the base currency, per year.

    Returns
    -------
    Decimal
        Perp price / spot price (unitless, 1 when the two rates are equal); above 1 when the
        quote rate exceeds the base rate.

    Examples
    --------
    Κ = 1,095, r_a = 5 %, r_b = 0 → 1.0000457; κ = 1 → 1/0.95 = 1.0526316.

    >>> round(price_ratio(Decimal(1095), Decimal("0.05")), 7)
    Decimal('1.0000457')
    >>> round(price_ratio(Decimal(1), Decimal("0.05")), 7)
    Decimal('1.0526316')
    """
    if funding_intensity <= 0:
        raise InputError("funding_intensity", "funding intensity must be > 0")
    denominator = funding_intensity - quote_rate + base_rate
    if denominator <= 0:
        raise InputError(
            "funding_intensity",
            "no finite fair price: funding intensity must exceed quote rate − base rate "
            f"({(quote_rate - base_rate).normalize():f} a year)",
        )
    return funding_intensity / denominator


def perp_fair_price(
    spot_price: Decimal, funding_intensity: Decimal, quote_rate: Decimal = ZERO, base_rate: Decimal = ZERO
) -> Decimal:
    """No-arbitrage perpetual price: spot × [`price_ratio`][perpcalc.pricing.price_ratio].

    Parameters
    ----------
    spot_price : Decimal
        Spot (index) price.
    funding_intensity : Decimal
        κ, how strongly funding pulls the perp to spot, per year.
    quote_rate : Decimal
        Interest rate of the quote currency, per year.
    base_rate : Decimal
        Interest rate of the base currency, per year.

    Returns
    -------
    Decimal
        The fair perpetual price in the spot price's currency.

    Examples
    --------
    Spot 100,000, κ = 1,095, r_a = 5 %, r_b = 0 → 100,004.57.

    >>> round(perp_fair_price(Decimal(100000), Decimal(1095), Decimal("0.05")), 2)
    Decimal('100004.57')
    """
    return spot_price * price_ratio(funding_intensity, quote_rate, base_rate)


# ------------------------------------------------------------------ mark price



def funding_basis(funding_rate: Decimal, time_until_funding: Decimal, interval_hours: Decimal = EIGHT) -> Decimal:
    """The funding basis: rate × time until funding / funding interval.

    It decays linearly to zero at settlement, when the funding is paid. Source: BitMEX fair
    price marking. Example: 0.01 % with 4 h left of 8 → 0.005 %.

    >>> funding_basis(Decimal("0.0001"), Decimal(4))
    Decimal('0.00005')
    """
    if interval_hours <= 0:
        raise InputError("interval_hours", "funding interval must be > 0")
    if not ZERO <= time_until_funding <= interval_hours:
        raise InputError("time_until_funding", "time until funding must be between 0 and the funding interval")
    return funding_rate * time_until_funding / interval_hours


def mark_price(
    method: str,
    index_price: Decimal,
    funding_rate: Decimal,
    time_until_funding: Decimal,
    interval_hours: Decimal = EIGHT,
    basis_average: Decimal = ZERO,
    last_price: Decimal | None = None,
) -> tuple[Decimal, list[tuple[str, Decimal]]]:
    """Mark price by a venue's rule; returns (mark, [(component, price)]).

    ``method`` is one of ``perpcalc.venues.MARK_METHODS``; a venue's record names its
    own (``perpcalc.venues.MARK_VENUES``):

    * ``fair_price`` (BitMEX's fair price marking): Mark = Index × (1 + F × t / T). The order
      book does not enter.
    * ``median_of_three`` (Binance USDⓈ-M): Mark = median(Price1, Price2, last price) with
      Price1 = Index × (1 + F × t / T) and Price2 = Index + MA(mid − Index).
    * ``median_of_three_8h`` (Bybit USDT/USDC perpetual, 2024-10-16): as ``median_of_three``
      but Price1 uses t / 8 literally, whatever the interval.

    F is the last funding rate, t the hours until the next funding and T the interval in
    hours; ``basis_average`` is the moving average of (mid − index) in quote units (Binance:
    30 one-second samples since 2025-09-18; Bybit: a 5-minute average). The median of three
    makes the mark ignore a single outlier, e.g. a last trade spiking on a thin book.

    Sources: BitMEX "Fair Price Marking"; Binance "What are mark price and price index";
    Bybit "What is Dual-Price mechanism".

    Parameters
    ----------
    method : str
        Which rule to apply: ``fair_price``, ``median_of_three`` or ``median_of_three_8h``.
    index_price : Decimal
        Index (oracle) price, in quote.
    funding_rate : Decimal
        Funding rate per interval (0.0001 = 0.01 %).
    time_until_funding : Decimal
        Hours until the next settlement.
    interval_hours : Decimal
        Hours between two settlements.
    basis_average : Decimal
        Moving average of the basis (the median-of-three rules).
    last_price : Decimal | None
        Last traded price (``fair_price`` ignores it).

    Returns
    -------
    tuple[Decimal, list[tuple[str, Decimal]]]
        The mark price in quote, and the prices it was chosen from, each with its label
        (the index and the fair price for ``fair_price``; the three candidates and the
        median otherwise).

    Examples
    --------
    BitMEX: index 10,000, funding 0.01 %, 4 h left of 8 → 10,000 × 1.00005 = 10,000.5.

    >>> mark_price("fair_price", Decimal(10000), Decimal("0.0001"), Decimal(4))[0]
    Decimal('10000.50000')
    """
    if method not in MARK_METHODS:
        raise InputError("method", f"method must be one of: {', '.join(MARK_METHODS)}")
    if index_price <= 0:
        raise InputError("index_price", "index price must be > 0")
    if method == "median_of_three_8h":
        if not ZERO <= time_until_funding <= interval_hours:
            raise InputError("time_until_funding", "time until funding must be between 0 and the funding interval")
        basis = funding_rate * time_until_funding / EIGHT
    else:
        basis = funding_basis(funding_rate, time_until_funding, interval_hours)
    price1 = index_price * (ONE + basis)
    if method == "fair_price":
        return price1, [("Index price", index_price), ("Fair price = index × (1 + funding basis)", price1)]
    if last_price is None:
        raise InputError("last_price", "last traded price is required for the median-of-three mark")
    price2 = index_price + basis_average
    mark = sorted((price1, price2, last_price))[1]
    return mark, [
        ("Price 1: index × (1 + funding basis)", price1),
        ("Price 2: index + moving-average basis", price2),
        ("Last traded price", last_price),
        ("Mark = median of the three", mark),
    ]


# ------------------------------------------------------------------ basis convergence


def basis_after(initial_basis: Decimal, funding_intensity: Decimal, years: Decimal) -> Decimal:
    """Basis left after ``years`` when funding removes it at intensity κ: b(t) = b₀·e^(−κt).

    A stylised model: the basis is not refreshed by new demand, and each instant funding
    pays (and so removes) a share κ·dt of it. κ = 0 leaves it unchanged; t = 0 gives b₀.

    Source: the funding-intensity model of He, Manela, Ross and von Wachter (arXiv 2212.06888),
    in which κ is the anchoring speed.

    Parameters
    ----------
    initial_basis : Decimal
        Basis (perp / spot − 1) at the start.
    funding_intensity : Decimal
        κ, how strongly funding pulls the perp to spot, per year.
    years : Decimal
        Elapsed time, in years.

    Returns
    -------
    Decimal
        The basis left after ``years``, as a fraction of spot, with the sign of b₀.

    Examples
    --------
    B₀ = 1 %, κ = 1,095 a year, one day → 0.01 × e^(−3) = 0.0498 %.

    >>> round(basis_after(Decimal("0.01"), Decimal(1095), Decimal(1) / 365), 6)
    Decimal('0.000498')
    """
    exponent = funding_intensity * years
    if exponent > 2000:
        return ZERO
    return initial_basis * (-exponent).exp()


def basis_half_life_days(funding_intensity: Decimal) -> Decimal:
    """Days for the basis to halve: ln 2 / κ × 365. Example: κ = 1,095 → 0.2310 days (5.5 h).

    >>> round(basis_half_life_days(Decimal(1095)), 4)
    Decimal('0.2310')
    """
    if funding_intensity <= 0:
        raise InputError("funding_intensity", "funding intensity must be > 0")
    return LN2 / funding_intensity * DAYS_PER_YEAR


