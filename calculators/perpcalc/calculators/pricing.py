from __future__ import annotations

from decimal import Decimal
from typing import Any

from .._errors import InputError
from .._num import DAYS_PER_YEAR, ONE, ZERO
from .._spec import Calculator, Field, Output
from ..pricing import basis_after, basis_half_life_days, mark_price, perp_fair_price, price_ratio
from ..venues import MARK_VENUES, binance, bitmex
from .fields import field


def _fair_price_calc(v: dict[str, Any]) -> dict[str, Any]:
    ratio = price_ratio(v["funding_intensity"], v["quote_rate"], v["base_rate"])
    return {
        "fair_price": perp_fair_price(v["spot_price"], v["funding_intensity"], v["quote_rate"], v["base_rate"]),
        "price_ratio": ratio,
        "basis": ratio - ONE,
        "mean_horizon_days": DAYS_PER_YEAR / v["funding_intensity"],
    }


RATE_YEAR_HELP = "per year, as a fraction: 0.05 = 5 % (you may type 5%)"


perp_fair_price_calculator = Calculator(
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
        Field(
            "funding_intensity",
            "Funding intensity κ",
            unit="per year",
            min=0,
            min_open=True,
            max=1_000_000,
            help="fraction of the perp–spot gap paid per year; 1,095 ≈ the whole gap every 8 h",
        ),
        Field(
            "quote_rate",
            "Quote-currency rate r_a",
            unit="per year",
            percent=True,
            default=ZERO,
            min=-1,
            max=10,
            help=RATE_YEAR_HELP,
        ),
        Field(
            "base_rate",
            "Base-coin rate r_b",
            unit="per year",
            percent=True,
            default=ZERO,
            min=-1,
            max=10,
            help="what holding the coin earns (staking, lending); " + RATE_YEAR_HELP,
        ),
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
        "staking_yield": {"spot_price": "3000", "funding_intensity": "1095", "quote_rate": "0.05", "base_rate": "0.03"},
    },
    notes=(
        "Frictionless model: no fees, margin or funding caps, constant rates, funding paid "
        "continuously. Venue interest terms and clamps are left out. The closed form is checked "
        "against Ackerer–Hugonnier–Jermann's random-maturity result; He et al.'s printed "
        "proposition was not read."
    ),
)


#: venues whose mark takes the median of three prices (a basis average and a last price)
MEDIAN_VENUES = tuple(k for k, m in MARK_VENUES.items() if m != "fair_price")
#: venues whose funding basis decays over the interval (not over a fixed 8 hours)
INTERVAL_VENUES = tuple(k for k, m in MARK_VENUES.items() if m != "median_of_three_8h")


def _mark_price_calc(v: dict[str, Any]) -> dict[str, Any]:
    mark, parts = mark_price(
        MARK_VENUES[v["method"]],
        v["index_price"],
        v["funding_rate"],
        v["time_until_funding"],
        v["interval_hours"],
        v["basis_average"],
        v["last_price"],
    )
    if mark <= 0:
        field = "funding_rate" if MARK_VENUES[v["method"]] == "fair_price" else "basis_average"
        raise InputError(field, "these inputs give a mark price ≤ 0")
    return {
        "mark_price": mark,
        "components": [{"component": name, "price": price} for name, price in parts],
        "basis": mark / v["index_price"] - ONE,
    }


mark_price_calculator = Calculator(
    name="mark_price",
    title="Mark price",
    summary=(
        "The price a venue values positions at: BitMEX's fair price (index plus a decaying funding "
        "basis) or Binance's median of three prices. Not a spot average: that is the index."
    ),
    terms=("perpetual-futures-peg", "market-manipulation-techniques"),
    function="perpcalc.pricing.mark_price",
    inputs=(
        Field(
            "method",
            "Venue rule",
            type="choice",
            choices=tuple(MARK_VENUES),
            default=binance.KEY,
            help="binance: median of three; bybit: same with time/8; bitmex: index × (1 + funding basis)",
        ),
        field("index_price"),
        field("funding_rate", label="Last funding rate", help="per interval; 0.0001 = 0.01 %"),
        Field("time_until_funding", "Time until next funding", unit="hours", min=0, max=24 * 7),
        field("interval_hours", when={"method": INTERVAL_VENUES}),
        Field(
            "basis_average",
            "Moving-average basis (mid − index)",
            unit="quote",
            default=ZERO,
            min=-1_000_000_000,
            max=1_000_000_000,
            help="Binance/Bybit only: average of (best bid + best ask)/2 − index",
            when={"method": MEDIAN_VENUES},
        ),
        Field(
            "last_price",
            "Last traded price",
            unit="quote",
            default=None,
            min=0,
            min_open=True,
            help="Binance/Bybit only",
            when={"method": MEDIAN_VENUES},
        ),
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
        "default": {
            "method": binance.KEY,
            "index_price": "10000",
            "funding_rate": "0.0001",
            "time_until_funding": "4",
            "interval_hours": "8",
            "basis_average": "3",
            "last_price": "10010",
        },
        bitmex.KEY: {
            "method": bitmex.KEY,
            "index_price": "10000",
            "funding_rate": "0.0001",
            "time_until_funding": "4",
            "interval_hours": "8",
        },
        "last_price_spike": {
            "method": binance.KEY,
            "index_price": "10000",
            "funding_rate": "0.0001",
            "time_until_funding": "4",
            "interval_hours": "8",
            "basis_average": "3",
            "last_price": "9000",
        },
    },
    notes=(
        "Binance's Price 2 window has changed several times (30-minute, 2.5-minute, 1-minute, and "
        "30 seconds since 2025-09-18). Bybit's page writes time until funding / 8 even for symbols "
        "on other intervals; that is unexplained. Hyperliquid and OKX use other rules."
    ),
)


PATH_STEPS = 120


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


basis_convergence_calculator = Calculator(
    name="basis_convergence",
    title="Basis convergence under funding",
    summary=(
        "How fast funding pulls a perpetual back to its index: with intensity κ a gap decays as "
        "b₀·e^(−κt) and halves every ln 2 / κ."
    ),
    terms=("convergence-dynamics", "perpetual-futures-peg"),
    function="perpcalc.pricing.basis_after",
    inputs=(
        Field(
            "initial_basis",
            "Initial basis (perp / index − 1)",
            unit="fraction",
            percent=True,
            min=-1,
            max=10,
            help="the perp's premium over the index: positive above it, negative below (0.01 = 1 %)",
        ),
        Field(
            "funding_intensity",
            "Funding intensity κ",
            unit="per year",
            default=Decimal(1095),
            min=0,
            min_open=True,
            max=1_000_000,
            help="1,095 ≈ the whole gap paid every 8 h; 8,760 ≈ every hour",
        ),
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
            columns=(Output("day", "Day", unit="days", places=4), Output("basis", "Basis", format="percent", places=6)),
            chart={
                "x": "day",
                "y": ["basis"],
                "title": "Basis decaying under funding",
                "x_label": "Time (days)",
                "y_label": "Basis (fraction of spot: 0.01 = 1 %)",
            },
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
