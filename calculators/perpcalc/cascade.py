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
from typing import Any

from ._errors import InputError

MAX_MOVE = 0.99  # a single round never moves the price by more than 99 %: the book is treated as empty beyond


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

    Parameters
    ----------
    price : float
        Price, in quote.
    shock : float
        Initial price move as a fraction (−0.05 = a 5 % fall).
    depth : float
        Book depth: quote notional that moves the price by 1 %.
    positions : Iterable[tuple[str, float, float, float]]
        Positions, each a mapping of the named fields.
    insurance_fund : float
        Insurance fund balance before the event.
    max_rounds : int
        Most rounds of forced orders to simulate.

    Returns
    -------
    dict[str, Any]
        The per-round log (``rounds``), the ``final_price`` and its relative ``price_move``, the
        liquidated notional (quote) and count, the insurance fund after, the deficits, surpluses
        and uncovered loss (quote), and the round in which ADL fired (0 if it did not).

    Examples
    --------
    Three 1-unit longs liquidated at 96, 94.5 and 90 and a fall from 100 to 95
    with depth 100 quote per 1 %: round 1 sells 1 × 95, a 0.95 % move, to 94.0975;
    round 2 sells the long at 94.5 for 94.0975, a 0.940975 % move, to about 93.2121;
    round 3 finds nothing there, so the long at 90 survives: 2 rounds, 189.0975 sold.

    >>> longs = [("long", 1.0, liq, liq * 0.995) for liq in (96.0, 94.5, 90.0)]
    >>> out = simulate_cascade(100.0, -0.05, 100.0, longs, insurance_fund=1e9)
    >>> out["rounds"]
    2
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


