"""Pricing: the no-arbitrage perpetual price, the mark price and how a basis decays.

* :func:`perp_fair_price`: the frictionless perp/spot ratio κ / (κ − r_quote + r_base) when
  funding pays a fraction κ of the perp–spot gap per unit time (He, Manela, Ross and von
  Wachter; Ackerer, Hugonnier and Jermann).
* :func:`mark_price`: how venues mark positions: Binance's median of three prices (Bybit's
  variant with a literal /8) and BitMEX's fair price, index × (1 + funding basis).
* :func:`basis_after`: the basis left after t years when funding closes the gap at intensity
  κ, b(t) = b₀·e^(−κt), with half-life ln 2 / κ.

Rates here are per year (fractions: 0.05 = 5 %) unless named per interval; prices are in the
quote currency. ``Decimal`` arithmetic throughout (its ``exp`` and ``ln`` are exact to the
context precision and identical in CPython and Pyodide).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ._spec import Calculator, Field, InputError, Output, calculator

__all__ = ["basis_after", "basis_half_life_days", "funding_basis", "mark_price", "perp_fair_price", "price_ratio"]

ZERO = Decimal(0)
ONE = Decimal(1)
EIGHT = Decimal(8)
DAYS_PER_YEAR = Decimal(365)
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

    Examples: κ = 1,095, r_a = 5 %, r_b = 0 → 1.0000457; κ = 1 → 1/0.95 = 1.0526316.
    """
    if funding_intensity <= 0:
        raise InputError("funding_intensity", "funding intensity must be > 0")
    denominator = funding_intensity - quote_rate + base_rate
    if denominator <= 0:
        raise InputError(
            "funding_intensity",
            "no finite fair price: funding intensity must exceed quote rate − base rate "
            f"({_plain(quote_rate - base_rate)} a year)",
        )
    return funding_intensity / denominator


def perp_fair_price(
    spot_price: Decimal, funding_intensity: Decimal, quote_rate: Decimal = ZERO, base_rate: Decimal = ZERO
) -> Decimal:
    """No-arbitrage perpetual price: spot × :func:`price_ratio`.

    Example: spot 100,000, κ = 1,095, r_a = 5 %, r_b = 0 → 100,004.57.
    """
    return spot_price * price_ratio(funding_intensity, quote_rate, base_rate)


def _plain(d: Decimal) -> str:
    return format(d.normalize(), "f")


def _fair_price_calc(v: dict[str, Any]) -> dict[str, Any]:
    ratio = price_ratio(v["funding_intensity"], v["quote_rate"], v["base_rate"])
    return {
        "fair_price": v["spot_price"] * ratio,
        "price_ratio": ratio,
        "basis": ratio - ONE,
        "mean_horizon_days": DAYS_PER_YEAR / v["funding_intensity"],
    }


RATE_YEAR_HELP = "per year, as a fraction: 0.05 = 5 % (you may type 5%)"

perp_fair_price_calculator = calculator(
    Calculator(
        name="perp_fair_price",
        title="No-arbitrage perpetual price",
        summary=(
            "The frictionless fair price of a perpetual: spot × κ / (κ − r_quote + r_base), where κ is "
            "how fast funding closes the gap to spot."
        ),
        terms=("perpetual-futures-peg", "convergence-dynamics"),
        function="perpcalc.pricing.perp_fair_price",
        inputs=(
            Field("spot_price", "Spot (index) price", unit="quote", default=ONE, min=0, min_open=True),
            Field("funding_intensity", "Funding intensity κ", unit="per year", min=0, min_open=True,
                  max=1_000_000, help="fraction of the perp–spot gap paid per year; 1,095 ≈ the whole gap every 8 h"),
            Field("quote_rate", "Quote-currency rate r_a", unit="per year", percent=True, default=ZERO, min=-1,
                  max=10, help=RATE_YEAR_HELP),
            Field("base_rate", "Base-coin rate r_b", unit="per year", percent=True, default=ZERO, min=-1, max=10,
                  help="what holding the coin earns (staking, lending); " + RATE_YEAR_HELP),
        ),
        outputs=(
            Output("fair_price", "Fair perpetual price", unit="quote"),
            Output("price_ratio", "Perp / spot", places=10),
            Output("basis", "Basis (+ = perp above spot)", format="percent", places=6),
            Output("mean_horizon_days", "Mean random maturity 1/κ", unit="days", places=4),
        ),
        compute=_fair_price_calc,
        examples={
            "default": {"spot_price": "1", "funding_intensity": "1095", "quote_rate": "0.05", "base_rate": "0"},
            "slow_anchor": {"spot_price": "1", "funding_intensity": "1", "quote_rate": "0.05", "base_rate": "0"},
            "staking_yield": {"spot_price": "3000", "funding_intensity": "1095", "quote_rate": "0.05",
                              "base_rate": "0.03"},
        },
        notes=(
            "Frictionless model: no fees, margin or funding caps, constant rates, funding paid "
            "continuously. Venue interest terms and clamps are left out. The closed form is checked "
            "against Ackerer–Hugonnier–Jermann's random-maturity result; He et al.'s printed "
            "proposition was not read."
        ),
    )
)


# ------------------------------------------------------------------ mark price

MARK_METHODS = ("binance", "bybit", "bitmex")


def funding_basis(funding_rate: Decimal, time_until_funding: Decimal, interval_hours: Decimal = EIGHT) -> Decimal:
    """The funding basis: rate × time until funding / funding interval.

    It decays linearly to zero at settlement, when the funding is paid. Source: BitMEX fair
    price marking. Example: 0.01 % with 4 h left of 8 → 0.005 %.
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

    * ``bitmex`` (fair price marking): Mark = Index × (1 + F × t / T). The order book does
      not enter.
    * ``binance`` (USDⓈ-M): Mark = median(Price1, Price2, last price) with
      Price1 = Index × (1 + F × t / T) and Price2 = Index + MA(mid − Index).
    * ``bybit`` (USDT/USDC perpetual, 2024-10-16): as Binance but Price1 uses t / 8 literally,
      whatever the interval.

    F is the last funding rate, t the hours until the next funding and T the interval in
    hours; ``basis_average`` is the moving average of (mid − index) in quote units (Binance:
    30 one-second samples since 2025-09-18; Bybit: a 5-minute average). The median of three
    makes the mark ignore a single outlier, e.g. a last trade spiking on a thin book.

    Sources: BitMEX "Fair Price Marking"; Binance "What are mark price and price index";
    Bybit "What is Dual-Price mechanism".

    Example (BitMEX): index 10,000, funding 0.01 %, 4 h left of 8 → 10,000 × 1.00005 = 10,000.5.
    """
    if method not in MARK_METHODS:
        raise InputError("method", f"method must be one of: {', '.join(MARK_METHODS)}")
    if index_price <= 0:
        raise InputError("index_price", "index price must be > 0")
    if method == "bybit":
        if not ZERO <= time_until_funding <= interval_hours:
            raise InputError("time_until_funding", "time until funding must be between 0 and the funding interval")
        basis = funding_rate * time_until_funding / EIGHT
    else:
        basis = funding_basis(funding_rate, time_until_funding, interval_hours)
    price1 = index_price * (ONE + basis)
    if method == "bitmex":
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


def _mark_price_calc(v: dict[str, Any]) -> dict[str, Any]:
    mark, parts = mark_price(v["method"], v["index_price"], v["funding_rate"], v["time_until_funding"],
                             v["interval_hours"], v["basis_average"], v["last_price"])
    if mark <= 0:
        field = "funding_rate" if v["method"] == "bitmex" else "basis_average"
        raise InputError(field, "these inputs give a mark price ≤ 0")
    return {
        "mark_price": mark,
        "components": [{"component": name, "price": price} for name, price in parts],
        "basis": mark / v["index_price"] - ONE,
    }


mark_price_calculator = calculator(
    Calculator(
        name="mark_price",
        title="Mark price",
        summary=(
            "The price a venue values positions at: BitMEX's fair price (index plus a decaying funding "
            "basis) or Binance's median of three prices. Not a spot average: that is the index."
        ),
        terms=("perpetual-futures-peg", "market-manipulation-techniques"),
        function="perpcalc.pricing.mark_price",
        inputs=(
            Field("method", "Venue rule", type="choice", choices=MARK_METHODS, default="binance",
                  help="binance: median of three; bybit: same with time/8; bitmex: index × (1 + funding basis)"),
            Field("index_price", "Index price", unit="quote", min=0, min_open=True),
            Field("funding_rate", "Last funding rate", unit="fraction", percent=True, min=-1, max=1,
                  help="per interval; 0.0001 = 0.01 %"),
            Field("time_until_funding", "Time until next funding", unit="hours", min=0, max=24 * 7),
            Field("interval_hours", "Funding interval", unit="hours", default=EIGHT, min=0, min_open=True,
                  max=24 * 7),
            Field("basis_average", "Moving-average basis (mid − index)", unit="quote", default=ZERO,
                  min=-1_000_000_000, max=1_000_000_000,
                  help="Binance/Bybit only: average of (best bid + best ask)/2 − index"),
            Field("last_price", "Last traded price", unit="quote", default=None, min=0, min_open=True,
                  help="Binance/Bybit only"),
        ),
        outputs=(
            Output("mark_price", "Mark price", unit="quote"),
            Output(
                "components",
                "How the mark is built",
                format="table",
                columns=(Output("component", "Component", format="text"), Output("price", "Price", unit="quote")),
            ),
            Output("basis", "Mark vs index (+ = above)", format="percent", places=6),
        ),
        compute=_mark_price_calc,
        examples={
            "default": {"method": "binance", "index_price": "10000", "funding_rate": "0.0001",
                        "time_until_funding": "4", "interval_hours": "8", "basis_average": "3",
                        "last_price": "10010"},
            "bitmex": {"method": "bitmex", "index_price": "10000", "funding_rate": "0.0001",
                       "time_until_funding": "4", "interval_hours": "8"},
            "last_price_spike": {"method": "binance", "index_price": "10000", "funding_rate": "0.0001",
                                 "time_until_funding": "4", "interval_hours": "8", "basis_average": "3",
                                 "last_price": "9000"},
        },
        notes=(
            "Binance's Price 2 window has changed several times (30-minute, 2.5-minute, 1-minute, and "
            "30 seconds since 2025-09-18). Bybit's page writes time until funding / 8 even for symbols "
            "on other intervals; that is unexplained. Hyperliquid and OKX use other rules."
        ),
    )
)


# ------------------------------------------------------------------ basis convergence

PATH_STEPS = 120


def basis_after(initial_basis: Decimal, funding_intensity: Decimal, years: Decimal) -> Decimal:
    """Basis left after ``years`` when funding removes it at intensity κ: b(t) = b₀·e^(−κt).

    A stylised model: the basis is not refreshed by new demand, and each instant funding
    pays (and so removes) a share κ·dt of it. κ = 0 leaves it unchanged; t = 0 gives b₀.

    Source: the funding-intensity model of He, Manela, Ross and von Wachter (arXiv 2212.06888),
    in which κ is the anchoring speed.

    Example: b₀ = 1 %, κ = 1,095 a year, one day → 0.01 × e^(−3) = 0.0498 %.
    """
    exponent = funding_intensity * years
    if exponent > 2000:
        return ZERO
    return initial_basis * (-exponent).exp()


def basis_half_life_days(funding_intensity: Decimal) -> Decimal:
    """Days for the basis to halve: ln 2 / κ × 365. Example: κ = 1,095 → 0.2310 days (5.5 h)."""
    if funding_intensity <= 0:
        raise InputError("funding_intensity", "funding intensity must be > 0")
    return LN2 / funding_intensity * DAYS_PER_YEAR


def _basis_convergence_calc(v: dict[str, Any]) -> dict[str, Any]:
    b0, kappa, days = v["initial_basis"], v["funding_intensity"], v["days"]
    path = []
    for i in range(PATH_STEPS + 1):
        day = days * i / PATH_STEPS
        path.append({"day": day, "basis": basis_after(b0, kappa, day / DAYS_PER_YEAR)})
    return {
        "half_life_days": basis_half_life_days(kappa),
        "basis_after": path[-1]["basis"],
        "share_remaining": basis_after(ONE, kappa, days / DAYS_PER_YEAR),
        "path": path,
    }


basis_convergence_calculator = calculator(
    Calculator(
        name="basis_convergence",
        title="Basis convergence under funding",
        summary=(
            "How fast funding pulls a perpetual back to its index: with intensity κ a gap decays as "
            "b₀·e^(−κt) and halves every ln 2 / κ."
        ),
        terms=("convergence-dynamics", "perpetual-futures-peg"),
        function="perpcalc.pricing.basis_after",
        inputs=(
            Field("initial_basis", "Initial basis (perp / index − 1)", unit="fraction", percent=True, min=-1, max=10,
                  help="0.01 = perp 1 % above the index (you may type 1%)"),
            Field("funding_intensity", "Funding intensity κ", unit="per year", default=Decimal(1095), min=0,
                  min_open=True, max=1_000_000, help="1,095 ≈ the whole gap paid every 8 h; 8,760 ≈ every hour"),
            Field("days", "Horizon", unit="days", default=ONE, min=0, min_open=True, max=3650),
        ),
        outputs=(
            Output("half_life_days", "Half-life", unit="days", places=6),
            Output("basis_after", "Basis at the horizon", format="percent", places=6),
            Output("share_remaining", "Share of the gap left", format="percent", places=4),
            Output(
                "path",
                "Basis over time",
                format="series",
                columns=(Output("day", "Day", unit="days", places=4),
                         Output("basis", "Basis", format="percent", places=6)),
                chart={"x": "day", "y": ["basis"], "title": "Basis decaying under funding"},
            ),
        ),
        compute=_basis_convergence_calc,
        examples={
            "default": {"initial_basis": "0.01", "funding_intensity": "1095", "days": "1"},
            "slow_anchor": {"initial_basis": "0.01", "funding_intensity": "1", "days": "730"},
            "hourly": {"initial_basis": "-0.02", "funding_intensity": "8760", "days": "0.5"},
        },
        notes=(
            "A stylised path with no new shocks; real premiums are refreshed by order flow, and clamps "
            "and caps make funding weaker than proportional for small and very large gaps."
        ),
    )
)
