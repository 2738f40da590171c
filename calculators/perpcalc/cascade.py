"""Liquidation cascades: a deterministic toy model of forced selling feeding on itself.

This is an illustration, not a market model. A shock moves the price; every position whose
liquidation price the price has crossed is closed with a market order; those orders walk a
book of constant depth (a fixed quote amount moves the price 1 %), which moves the price
further, which crosses more liquidation prices, round after round, until a round
liquidates nobody. Deficits of fills beyond the bankruptcy price are paid by the insurance
fund; if it runs dry, ADL would fire. The book never refills, nobody buys the dip, and
only the side the shock hurts is liquidated (a fall liquidates longs, a rise shorts), so
the price path is monotone by construction.

The model uses floats on purpose: it is a toy, and 10,000 positions run in a few
milliseconds (one sort, then a pointer sweep down the sorted liquidation prices).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from ._spec import Calculator, Field, InputError, Output, calculator

MAX_MOVE = 0.99  # a single round never moves the price by more than 99 %: the book is treated as empty beyond


def _r(x: float, digits: int = 12) -> float:
    """12 significant digits: keeps shown values identical across Python builds."""
    return float(f"{x:.{digits}g}") if math.isfinite(x) else 0.0


def simulate_cascade(
    price: float,
    shock: float,
    depth: float,
    positions: Iterable[tuple[str, float, float, float]],
    insurance_fund: float = 0.0,
    max_rounds: int = 100,
) -> dict[str, Any]:
    """Rounds of forced orders after a price shock, on a book of constant depth.

    ``positions`` are ``(side, size, liquidation_price, bankruptcy_price)`` tuples (size in
    base units, linear contracts). With p₁ = price × (1 + shock), round k:

    * liquidate every position on the hurt side whose liquidation price is crossed by pₖ
      (longs with liq ≥ pₖ on a fall, shorts with liq ≤ pₖ on a rise);
    * their market orders, notional Nₖ = Σ size × pₖ, move the price by Nₖ / depth per cent
      (``depth`` = quote needed to move the price 1 %, the same on both sides), capped at a
      99 % move: pₖ₊₁ = pₖ × (1 ∓ 0.01 × Nₖ / depth);
    * each order fills at the midpoint (pₖ + pₖ₊₁)/2, as a linear walk through the book;
      a fill beyond the bankruptcy price leaves a deficit size × |bankruptcy − fill|
      that the insurance fund pays, and a better one a surplus added to the fund; once
      the fund cannot pay, ADL fires (and the rest of the deficit is counted as uncovered).

    The run stops after the first round with no liquidation, or after ``max_rounds``.
    A zero shock still liquidates positions already past their liquidation price. The
    price path never moves against the shock. Positions on the side the shock helps are
    ignored.

    Source: a teaching model in the spirit of the liquidation-spiral literature (e.g.
    Brunnermeier & Pedersen 2009, "Market liquidity and funding liquidity"); not a venue
    rule. The depth parameter is the only market input.

    Example: three 1-unit longs liquidated at 96, 94.5 and 90 and a fall from 100 to 95
    with depth 100 quote per 1 %: round 1 sells 1 × 95, a 0.95 % move, to 94.0975;
    round 2 sells the long at 94.5 for 94.0975, a 0.940975 % move, to about 93.2121;
    round 3 finds nothing there, so the long at 90 survives: 2 rounds, 189.0975 sold.
    """
    if not price > 0:
        raise InputError("price", "price must be > 0")
    if not depth > 0:
        raise InputError("depth", "depth must be > 0")
    if not shock > -1:
        raise InputError("shock", "shock must be above −100 %")
    down = shock <= 0
    hurt = "long" if down else "short"
    book = []
    for side, size, liq, bp in positions:
        if side == hurt:
            book.append((liq, size, bp))
    # longs: highest liquidation price first; shorts: lowest first
    book.sort(key=lambda t: -t[0] if down else t[0])
    n = len(book)
    i = 0
    p = price * (1.0 + shock)
    fund = float(insurance_fund)
    uncovered = 0.0
    deficit_total = 0.0
    surplus_total = 0.0
    total_notional = 0.0
    adl_round = 0
    path = [{"round": 0, "price": price, "liquidated_notional": 0.0, "positions": 0, "insurance_fund": fund}]
    rounds = 0
    for k in range(1, max_rounds + 1):
        j = i
        if down:
            while j < n and book[j][0] >= p:
                j += 1
        else:
            while j < n and book[j][0] <= p:
                j += 1
        if j == i:
            break
        batch = book[i:j]
        i = j
        size = math.fsum(b[1] for b in batch)
        notional = size * p
        move = min(MAX_MOVE, 0.01 * notional / depth)
        p_next = p * (1.0 - move) if down else p * (1.0 + move)
        fill = 0.5 * (p + p_next)
        # per-position surpluses and deficits: surpluses go to the fund, the fund pays deficits
        if down:
            surplus = math.fsum(max(0.0, fill - b[2]) * b[1] for b in batch)
            deficit = math.fsum(max(0.0, b[2] - fill) * b[1] for b in batch)
        else:
            surplus = math.fsum(max(0.0, b[2] - fill) * b[1] for b in batch)
            deficit = math.fsum(max(0.0, fill - b[2]) * b[1] for b in batch)
        fund += surplus
        paid = min(fund, deficit)
        fund -= paid
        if deficit > paid:
            uncovered += deficit - paid
            if not adl_round:
                adl_round = k
        deficit_total += deficit
        surplus_total += surplus
        total_notional += notional
        rounds = k
        path.append({"round": k, "price": p, "liquidated_notional": notional, "positions": len(batch),
                     "insurance_fund": fund})
        p = p_next
    path.append({"round": rounds + 1, "price": p, "liquidated_notional": 0.0, "positions": 0, "insurance_fund": fund})
    return {
        "rounds": rounds,
        "final_price": p,
        "price_move": p / price - 1.0,
        "liquidated_notional": total_notional,
        "liquidated_positions": i,
        "insurance_fund_after": fund,
        "deficit": deficit_total,
        "surplus": surplus_total,
        "uncovered": uncovered,
        "adl_round": adl_round,
        "path": path,
    }


def bucket_positions(
    price: float,
    buckets: Sequence[tuple[float, float, float]],
    entry_spread: float = 0.02,
    mmr: float = 0.005,
    slices: int = 20,
) -> list[tuple[str, float, float, float]]:
    """Positions from leverage buckets: (leverage, long notional, short notional) rows.

    Each bucket's notional is split into ``slices`` equal positions whose entries are
    spread evenly over the recent range: longs from price × (1 − entry_spread) up to the
    price, shorts from the price up to price × (1 + entry_spread), so every position is
    flat or in profit at the start. Isolated linear margin, margin = notional / leverage:

    long:  bankruptcy = e(1 − 1/L), liquidation = e(1 − 1/L)/(1 − mmr)
    short: bankruptcy = e(1 + 1/L), liquidation = e(1 + 1/L)/(1 + mmr)

    (the liquidation price is where equity equals mmr × notional at that price).
    """
    out = []
    for lev, long_notional, short_notional in buckets:
        for side, notional in (("long", long_notional), ("short", short_notional)):
            if notional <= 0:
                continue
            for m in range(slices):
                frac = (m + 0.5) / slices
                entry = price * (1.0 - entry_spread * frac) if side == "long" else price * (1.0 + entry_spread * frac)
                size = notional / slices / entry
                if side == "long":
                    bp = entry * (1.0 - 1.0 / lev)
                    liq = bp / (1.0 - mmr)
                else:
                    bp = entry * (1.0 + 1.0 / lev)
                    liq = bp / (1.0 + mmr)
                out.append((side, size, liq, bp))
    return out


# ------------------------------------------------------------------ calculator


def _cascade_calc(v: dict[str, Any]) -> dict[str, Any]:
    price = float(v["price"])
    mmr = float(v["mmr"])
    if v["input"] == "buckets":
        rows = v["buckets"] or []
        if not rows:
            raise InputError("buckets", "enter at least one leverage bucket")
        positions = bucket_positions(
            price, [(float(r["leverage"]), float(r["long_notional"]), float(r["short_notional"])) for r in rows],
            float(v["entry_spread"]), mmr)
    else:
        rows = v["positions"] or []
        if not rows:
            raise InputError("positions", "enter at least one position")
        positions = []
        for r in rows:
            liq = float(r["liquidation_price"])
            bp = liq * (1.0 - mmr) if r["side"] == "long" else liq * (1.0 + mmr)
            positions.append((r["side"], float(r["size"]), liq, bp))
    out = simulate_cascade(price, float(v["shock"]), float(v["depth"]), positions, float(v["insurance_fund"]),
                           int(v["max_rounds"]))
    direction = "fall" if float(v["shock"]) <= 0 else "rise"
    hurt = "longs" if direction == "fall" else "shorts"
    adl = "yes" if out["adl_round"] else "no"
    move = f"{out['price_move'] * 100:+.3g}".replace("-", "\u2212")
    text = (f"A {abs(float(v['shock'])) * 100:.4g} % {direction} set off {out['rounds']} round"
            f"{'s' if out['rounds'] != 1 else ''} of forced orders from {hurt}: {out['liquidated_positions']} "
            f"position{'s' if out['liquidated_positions'] != 1 else ''}, {out['liquidated_notional']:,.0f} quote in "
            f"all, taking the price to {out['final_price']:,.6g} ({move} % in total).")
    if out["adl_round"]:
        text += (f" The insurance fund ran dry in round {out['adl_round']}, so ADL fires: "
                 f"{out['uncovered']:,.2f} of deficits are left for opposite winners.")
    elif out["deficit"] > 0:
        text += f" The insurance fund paid {out['deficit']:,.2f} of deficits and ADL did not fire."
    else:
        text += " Every liquidation filled before bankruptcy, so the fund only grew."
    text += " A toy model: constant depth, no new buyers, no refill."
    path = [{"round": row["round"], "price": _r(row["price"]), "liquidated_notional": _r(row["liquidated_notional"]),
             "insurance_fund": _r(row["insurance_fund"])} for row in out["path"]]
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
    for lev, notional in ((5, 20_000_000), (8, 20_000_000), (10, 25_000_000), (12, 25_000_000), (15, 25_000_000),
                          (20, 25_000_000), (25, 20_000_000), (33, 15_000_000), (50, 10_000_000), (100, 5_000_000))
)


def _capitulation_positions() -> str:
    """A grind of mid-sized longs every 0.75 % down to 81, a crowded level near 80, then little below."""
    lines = ["side, size, liquidation_price"]
    for k in range(20):
        lines.append(f"long, {9000 + 300 * k}, {95.5 - 0.75 * k:.2f}")
    lines += ["long, 40000, 80.6", "long, 60000, 80.2", "long, 30000, 79.8", "long, 15000, 60", "short, 20000, 110"]
    return "\n".join(lines)


liquidation_cascade_calculator = calculator(
    Calculator(
        name="liquidation_cascade",
        title="Liquidation cascade (toy model)",
        summary=(
            "A deterministic toy model of a liquidation cascade: a shock crosses liquidation prices, the forced "
            "orders move the price through a book of fixed depth, which crosses more, round after round."
        ),
        terms=("margin-liquidation-cascades", "leverage-deleveraging-spirals", "market-deleveraging-patterns",
               "capitulation-dynamics", "forced-liquidation-patterns"),
        function="perpcalc.cascade.simulate_cascade",
        notes=(
            "Illustration only: constant book depth on both sides, no refill, no new buyers, only the side the shock "
            "hurts is liquidated, fills at the midpoint of each round's move, floats throughout. Bucket positions "
            "are isolated linear positions opened over the recent range (flat or in profit at the start)."
        ),
        inputs=(
            Field("price", "Price before the shock", unit="quote", default=Decimal(100), min=0, min_open=True),
            Field("shock", "Initial shock", unit="fraction", percent=True, default=Decimal("-0.05"), min=-0.9,
                  max=10, help="−0.05 = a 5 % fall (liquidates longs); +0.05 = a 5 % rise (liquidates shorts)"),
            Field("depth", "Book depth", unit="quote per 1 % move", default=Decimal(5_000_000), min=0, min_open=True,
                  help="how much quote of market orders moves the price 1 % (the same on both sides)"),
            Field("input", "Positions given as", type="choice", choices=("buckets", "list"), default="buckets",
                  help="buckets: notional per leverage level around the price; list: each position's size and "
                  "liquidation price"),
            Field("buckets", "Leverage buckets", type="list", default=BUCKETS_DEFAULT, columns=(
                Field("leverage", "Leverage", unit="x", min=1, max=1000, min_open=True),
                Field("long_notional", "Long notional", unit="quote", min=0),
                Field("short_notional", "Short notional", unit="quote", min=0),
            ), max_items=200, help="used when positions are given as buckets"),
            Field("entry_spread", "Entry range", unit="fraction", percent=True, default=Decimal("0.02"), min=0,
                  max=0.5, help="bucket positions were opened over this range below (longs) or above (shorts) "
                  "the price"),
            Field("positions", "Positions", type="list", default=None, columns=(
                Field("side", "Side", type="choice", choices=("long", "short")),
                Field("size", "Size", unit="base units", min=0, min_open=True, exact=False),
                Field("liquidation_price", "Liquidation price", unit="quote", min=0, min_open=True, exact=False),
            ), max_items=20_000, help="used when positions are given as a list"),
            Field("mmr", "Maintenance margin rate", unit="fraction", percent=True, default=Decimal("0.005"), min=0,
                  max=0.5, max_open=True, help="sets liquidation vs bankruptcy price: bankruptcy = liquidation × "
                  "(1 ∓ mmr)"),
            Field("insurance_fund", "Insurance fund", unit="quote", default=Decimal(100_000), min=0),
            Field("max_rounds", "Most rounds", type="integer", default=100, min=1, max=400),
        ),
        outputs=(
            Output("rounds", "Rounds of forced orders", format="integer"),
            Output("final_price", "Price at the end", unit="quote", places=6),
            Output("price_move", "Total move from the start (shock included)", format="percent", places=3),
            Output("liquidated_notional", "Notional liquidated", unit="quote", places=2),
            Output("deficit", "Deficits beyond bankruptcy", unit="quote", places=2),
            Output("insurance_fund_after", "Insurance fund after", unit="quote", places=2),
            Output("adl_fired", "Does ADL fire?", format="text"),
            Output("path", "Price and forced volume by round", format="series", columns=(
                Output("round", "Round", format="integer"),
                Output("price", "Price", unit="quote", places=6),
                Output("liquidated_notional", "Liquidated notional", unit="quote", places=2),
                Output("insurance_fund", "Insurance fund", unit="quote", places=2),
            ), chart={"x": "round", "y": ["price"], "title": "Price by round"}),
            Output("volume", "Forced volume by round", format="series", columns=(
                Output("round", "Round", format="integer"),
                Output("liquidated_notional", "Liquidated notional", unit="quote", places=2),
            ), chart={"x": "round", "y": ["liquidated_notional"], "kind": "bar",
                      "title": "Notional liquidated in each round"}),
            Output("summary", "In short", format="text"),
        ),
        compute=_cascade_calc,
        examples={
            "default": {"price": "100", "shock": "-0.05", "depth": "5000000", "input": "buckets",
                        "buckets": BUCKETS_DEFAULT, "entry_spread": "0.05", "mmr": "0.005",
                        "insurance_fund": "250000"},
            "spiral": {"price": "100", "shock": "-0.03", "depth": "5000000", "input": "buckets", "buckets": SPIRAL,
                       "entry_spread": "0.1", "mmr": "0.005", "insurance_fund": "200000"},
            "deleveraging": {"price": "100", "shock": "-0.05", "depth": "10000000", "input": "buckets",
                             "buckets": BUCKETS_DEFAULT, "entry_spread": "0.05", "mmr": "0.005",
                             "insurance_fund": "250000"},
            "capitulation": {"price": "100", "shock": "-0.05", "depth": "1200000", "input": "list",
                             "positions": _capitulation_positions(), "mmr": "0.005", "insurance_fund": "600000"},
        },
    )
)
