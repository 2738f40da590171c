from __future__ import annotations

from decimal import Decimal
from typing import Any

from .._errors import InputError
from .._num import round_sig
from .._spec import REQUIRED, Calculator, Field, Output
from ..cascade import bucket_positions, simulate_cascade
from .fields import CURRENCY_OUTPUT, field, with_currency


def _r(x: float) -> float:
    """12 significant digits (the same on every Python build); 0 for a non-finite value."""
    return round_sig(x) or 0.0


def _cascade_calc(v: dict[str, Any]) -> dict[str, Any]:
    price = float(v["price"])
    mmr = float(v["mmr"])
    if v["input"] == "buckets":
        rows = v["buckets"] or []
        if not rows:
            raise InputError("buckets", "enter at least one leverage bucket")
        positions = bucket_positions(
            price,
            [(float(r["leverage"]), float(r["long_notional"]), float(r["short_notional"])) for r in rows],
            float(v["entry_spread"]),
            mmr,
        )
    else:
        rows = v["positions"] or []
        if not rows:
            raise InputError("positions", "enter at least one position")
        positions = []
        for r in rows:
            liq = float(r["liquidation_price"])
            bp = liq * (1.0 - mmr) if r["side"] == "long" else liq * (1.0 + mmr)
            positions.append((r["side"], float(r["size"]), liq, bp))
    out = simulate_cascade(
        price, float(v["shock"]), float(v["depth"]), positions, float(v["insurance_fund"]), int(v["max_rounds"])
    )
    direction = "fall" if float(v["shock"]) <= 0 else "rise"
    hurt = "longs" if direction == "fall" else "shorts"
    adl = "yes" if out["adl_round"] else "no"
    move = f"{out['price_move'] * 100:+.3g}".replace("-", "\u2212")
    text = (
        f"A {abs(float(v['shock'])) * 100:.4g} % {direction} set off {out['rounds']} round"
        f"{'s' if out['rounds'] != 1 else ''} of forced orders from {hurt}: {out['liquidated_positions']} "
        f"position{'s' if out['liquidated_positions'] != 1 else ''}, {out['liquidated_notional']:,.0f} quote in "
        f"all, taking the price to {out['final_price']:,.6g} ({move} % in total)."
    )
    if out["adl_round"]:
        text += (
            f" The insurance fund ran dry in round {out['adl_round']}, so ADL fires: "
            f"{out['uncovered']:,.2f} of deficits are left for opposite winners."
        )
    elif out["deficit"] > 0:
        text += f" The insurance fund paid {out['deficit']:,.2f} of deficits and ADL did not fire."
    else:
        text += " Every liquidation filled before bankruptcy, so the fund only grew."
    text += " A toy model: constant depth, no new buyers, no refill."
    path = [
        {
            "round": row["round"],
            "price": _r(row["price"]),
            "liquidated_notional": _r(row["liquidated_notional"]),
            "insurance_fund": _r(row["insurance_fund"]),
        }
        for row in out["path"]
    ]
    return {
        "rounds": out["rounds"],
        "final_price": _r(out["final_price"]),
        "price_move": _r(out["price_move"]),
        "liquidated_notional": _r(out["liquidated_notional"]),
        "deficit": _r(out["deficit"]),
        "insurance_fund_after": _r(out["insurance_fund_after"]),
        "adl_fired": adl,
        "path": path,
        "volume": [{"round": row["round"], "liquidated_notional": row["liquidated_notional"]} for row in path],
        "summary": text,
    }


BUCKETS_DEFAULT = (
    "leverage, long_notional, short_notional\n"
    "3, 20000000, 10000000\n5, 15000000, 8000000\n10, 12000000, 6000000\n"
    "20, 8000000, 4000000\n50, 4000000, 2000000\n100, 2000000, 1000000"
)


SPIRAL = "leverage, long_notional, short_notional\n" + "\n".join(
    f"{lev}, {notional}, 2000000"
    for lev, notional in (
        (5, 20_000_000),
        (8, 20_000_000),
        (10, 25_000_000),
        (12, 25_000_000),
        (15, 25_000_000),
        (20, 25_000_000),
        (25, 20_000_000),
        (33, 15_000_000),
        (50, 10_000_000),
        (100, 5_000_000),
    )
)

#: SPIRAL's mirror image: the same book with its long and short columns swapped, crowded on the
#: short side (a squeeze: shorts forced to buy on the way up)
SQUEEZE = "leverage, long_notional, short_notional\n" + "\n".join(
    f"{lev}, {short}, {long}" for lev, long, short in (row.split(", ") for row in SPIRAL.splitlines()[1:])
)


def _capitulation_positions() -> str:
    """A grind of mid-sized longs every 0.75 % down to 81, a crowded level near 80, then little below."""
    lines = ["side, size, liquidation_price"]
    for k in range(20):
        lines.append(f"long, {9000 + 300 * k}, {95.5 - 0.75 * k:.2f}")
    lines += ["long, 40000, 80.6", "long, 60000, 80.2", "long, 30000, 79.8", "long, 15000, 60", "short, 20000, 110"]
    return "\n".join(lines)


liquidation_cascade_calculator = Calculator(
    name="liquidation_cascade",
    title="Liquidation cascade (toy model)",
    summary=(
        "A deterministic toy model of a liquidation cascade: a shock crosses liquidation prices, the forced "
        "orders move the price through a book of fixed depth, which crosses more, round after round."
    ),
    terms=(
        "margin-liquidation-cascades",
        "leverage-deleveraging-spirals",
        "market-deleveraging-patterns",
        "capitulation-dynamics",
        "forced-liquidation-patterns",
    ),
    function="perpcalc.cascade.simulate_cascade",
    notes=(
        "Illustration only: constant book depth on both sides, no refill, no new buyers, only the side the shock "
        "hurts is liquidated, fills at the midpoint of each round's move, floats throughout. Bucket positions "
        "are isolated linear positions opened over the recent range (flat or in profit at the start)."
    ),
    inputs=(
        Field("price", "Price before the shock", unit="quote", default=Decimal(100), min=0, min_open=True),
        Field(
            "shock",
            "Initial shock",
            unit="fraction",
            percent=True,
            default=Decimal("-0.05"),
            min=-0.9,
            max=10,
            help="negative: a fall, which liquidates longs; positive: a rise, which liquidates shorts (-0.05 = -5 %)",
        ),
        Field(
            "depth",
            "Book depth",
            unit="quote per 1 % move",
            default=Decimal(5_000_000),
            min=0,
            min_open=True,
            help="how much quote of market orders moves the price 1 % (the same on both sides)",
        ),
        Field(
            "input",
            "Positions given as",
            type="choice",
            choices=("buckets", "list"),
            default="buckets",
            help="buckets: notional per leverage level around the price; list: each position's size and "
            "liquidation price",
        ),
        Field(
            "buckets",
            "Leverage buckets",
            type="list",
            default=BUCKETS_DEFAULT,
            columns=(
                field("leverage", default=REQUIRED, min=1),
                Field("long_notional", "Long notional", unit="quote", min=0),
                Field("short_notional", "Short notional", unit="quote", min=0),
            ),
            max_items=200,
            help="used when positions are given as buckets",
            when={"input": ("buckets",)},
        ),
        Field(
            "entry_spread",
            "Entry range",
            unit="fraction",
            percent=True,
            default=Decimal("0.02"),
            min=0,
            max=0.5,
            help="bucket positions were opened over this range below (longs) or above (shorts) the price",
            when={"input": ("buckets",)},
        ),
        Field(
            "positions",
            "Positions",
            type="list",
            default=None,
            columns=(
                field("side", default=REQUIRED),
                field("size", label="Size", unit="base units", exact=False),
                Field("liquidation_price", "Liquidation price", unit="quote", min=0, min_open=True, exact=False),
            ),
            max_items=20_000,
            help="used when positions are given as a list",
            when={"input": ("list",)},
        ),
        field("mmr", max=0.5, help="sets liquidation vs bankruptcy price: bankruptcy = liquidation × (1 ∓ mmr)",
              advanced=True),
        Field("insurance_fund", "Insurance fund", unit="quote", default=Decimal(100_000), min=0),
        Field("max_rounds", "Most rounds", type="integer", default=100, min=1, max=400, advanced=True),
        field("settle", default="quote currency"),
    ),
    outputs=(
        Output("rounds", "Rounds of forced orders", format="integer"),
        Output("final_price", "Price at the end", unit="quote", places=6),
        Output("price_move", "Total move from the start (shock included)", format="percent", places=3),
        Output("liquidated_notional", "Notional liquidated", unit="quote", places=2),
        Output("deficit", "Deficits beyond bankruptcy", unit="quote", places=2),
        Output("insurance_fund_after", "Insurance fund after", unit="quote", places=2),
        Output("adl_fired", "Does ADL fire?", format="text"),
        Output(
            "path",
            "Price and forced volume by round",
            format="series",
            columns=(
                Output("round", "Round", format="integer"),
                Output("price", "Price", unit="quote", places=6),
                Output("liquidated_notional", "Liquidated notional", unit="quote", places=2),
                Output("insurance_fund", "Insurance fund", unit="quote", places=2),
            ),
            chart={
                "x": "round",
                "y": ["price"],
                "title": "Price by round",
                "x_label": "Round of forced orders (count)",
                "y_label": "Price ({currency_label})",
            },
        ),
        Output(
            "volume",
            "Forced volume by round",
            format="series",
            columns=(
                Output("round", "Round", format="integer"),
                Output("liquidated_notional", "Liquidated notional", unit="quote", places=2),
            ),
            chart={
                "x": "round",
                "y": ["liquidated_notional"],
                "kind": "bar",
                "title": "Notional liquidated in each round",
                "x_label": "Round of forced orders (count)",
                "y_label": "Liquidated ({currency_label})",
            },
        ),
        Output("summary", "In short", format="text"),
        CURRENCY_OUTPUT,
    ),
    compute=with_currency(_cascade_calc),
    examples={
        "default": {
            "price": "100",
            "shock": "-0.05",
            "depth": "5000000",
            "input": "buckets",
            "buckets": BUCKETS_DEFAULT,
            "entry_spread": "0.05",
            "mmr": "0.005",
            "insurance_fund": "250000",
        },
        "spiral": {
            "price": "100",
            "shock": "-0.03",
            "depth": "5000000",
            "input": "buckets",
            "buckets": SPIRAL,
            "entry_spread": "0.1",
            "mmr": "0.005",
            "insurance_fund": "200000",
        },
        "squeeze": {
            "price": "100",
            "shock": "0.03",
            "depth": "5000000",
            "input": "buckets",
            "buckets": SQUEEZE,
            "entry_spread": "0.1",
            "mmr": "0.005",
            "insurance_fund": "200000",
        },
        "deleveraging": {
            "price": "100",
            "shock": "-0.05",
            "depth": "10000000",
            "input": "buckets",
            "buckets": BUCKETS_DEFAULT,
            "entry_spread": "0.05",
            "mmr": "0.005",
            "insurance_fund": "250000",
        },
        "capitulation": {
            "price": "100",
            "shock": "-0.05",
            "depth": "1200000",
            "input": "list",
            "positions": _capitulation_positions(),
            "mmr": "0.005",
            "insurance_fund": "600000",
        },
    },
)
