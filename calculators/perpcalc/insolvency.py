"""Insolvency: what happens after a liquidation fills worse than the bankruptcy price.

A liquidated position that fills better than its bankruptcy price leaves a **surplus**
(at BitMEX, Binance, Bybit and OKX it goes to the insurance fund); one that fills worse
leaves a **deficit** that the insurance fund pays. What the fund cannot pay is met by
**auto-deleveraging** (ADL: profitable opposite positions are closed at the bankrupt
position's bankruptcy price, ranked by profit and leverage) or, historically, by a
**socialised loss** (a pro-rata haircut on winners' profits).

Pure functions first, then the calculators ``liquidation_outcome``, ``adl_ranking``,
``adl_execution``, ``socialized_loss`` and ``insolvency_waterfall``.

Money amounts are exact (``Decimal``). The ADL ranking score is a sort key, not money:
[`rank_positions`][perpcalc.insolvency.rank_positions] computes it in floats so that 100,000 positions rank in
a fraction
of a second; only +, −, × and ÷ are used, so the score is bit-identical on every Python.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from functools import partial, reduce
from itertools import accumulate, chain, compress, count, filterfalse, pairwise, repeat
from operator import add, and_, eq, gt, itemgetter, le, lt, mul, ne, neg, not_, sub, truediv
from typing import Any

from ._errors import InputError
from ._num import ONE, ZERO, side_sign
from .venues import ADL_METHODS, SIDES

RESIDUE = Decimal("1e-18")
TOLERANCE = Decimal("1e-9")



# ------------------------------------------------------------------ liquidation outcome


def liquidation_outcome(
    side: str,
    size: Decimal,
    bankruptcy_price: Decimal,
    fill_price: Decimal,
    contract: str = "linear",
    contract_value: Decimal = ONE,
    insurance_fund: Decimal = ZERO,
) -> dict[str, Decimal]:
    """Surplus or deficit of one liquidation, and what it does to the insurance fund.

    The gap between the liquidation fill and the bankruptcy price (where the position's
    equity is exactly zero), signed so that + is a surplus:

    linear:  gap = s × size × (fill − bankruptcy)                       (quote currency)
    inverse: gap = s × size × contract_value × (1/bankruptcy − 1/fill)  (base coin)

    with s = +1 for a long, −1 for a short. Then surplus = max(gap, 0),
    deficit = max(−gap, 0), fund after = max(fund + surplus − deficit, 0) and
    uncovered loss = max(deficit − fund, 0): the part that goes on to ADL or a
    socialised loss. A fill exactly at the bankruptcy price leaves neither.

    This follows the BitMEX/Binance rule that the whole surplus goes to the fund; venues
    that return leftover margin to the trader (Hyperliquid above maintenance) differ.

    Source: BitMEX "Liquidation" guide (surplus to the fund, fund pays the deficit, then
    ADL); Binance "Insurance Fund" FAQ (2019, updated 2025-05-06).

    Parameters
    ----------
    side : str
        ``"long"`` or ``"short"``.
    size : Decimal
        Position size: base units (linear) or contracts (inverse).
    bankruptcy_price : Decimal
        Price at which the position's equity is zero.
    fill_price : Decimal
        Price at which the liquidation filled.
    contract : str
        ``"linear"`` or ``"inverse"``.
    contract_value : Decimal
        Quote value of one inverse contract (1 USD for XBTUSD).
    insurance_fund : Decimal
        Insurance fund balance before the event.

    Returns
    -------
    dict[str, Decimal]
        ``surplus`` and ``deficit`` (≥ 0, at most one non-zero), ``insurance_fund_after`` (≥ 0) and
        ``uncovered_loss`` (≥ 0: what passes to ADL or a socialised loss), in quote for linear
        contracts and in the base coin for inverse ones.

    Examples
    --------
    A 1 BTC long with bankruptcy price 19,600 sold at 19,400 leaves a deficit of
    200 USDT; a fund of 150 pays 150 and 50 is uncovered. Sold at 19,700 instead it leaves
    a 100 USDT surplus and the fund grows to 250.

    >>> out = liquidation_outcome("long", Decimal(1), Decimal(19600), Decimal(19400), insurance_fund=Decimal(150))
    >>> out["deficit"], out["uncovered_loss"]
    (Decimal('200'), Decimal('50'))
    """
    s = side_sign(side)
    if contract == "inverse":
        gap = s * size * contract_value * (ONE / bankruptcy_price - ONE / fill_price)
    else:
        gap = s * size * (fill_price - bankruptcy_price)
    surplus = max(gap, ZERO)
    deficit = max(-gap, ZERO)
    return {
        "surplus": surplus,
        "deficit": deficit,
        "insurance_fund_after": max(insurance_fund + surplus - deficit, ZERO),
        "uncovered_loss": max(deficit - insurance_fund, ZERO),
    }


# ------------------------------------------------------------------ ADL ranking


Kernel = Callable[[float, float, float, float, float], float | None]
#: a position in its queue, as the queue is sorted: (−score, −size, id as text, id)
Queued = tuple[float, float, str, Any]


def score_kernel(method: str, contract: str = "linear", contract_value: float = 1.0, mmr: float = 0.005) -> Kernel:
    """The ADL score of one ranking method, as a function of one position's numbers.

    Returns ``score(s, size, entry, mark, margin)`` with ``s`` = +1 long, −1 short, which
    gives the score of [`adl_score`][perpcalc.insolvency.adl_score], or ``None`` when
    equity = margin + upnl ≤ 0 (a bankrupt position is liquidated, not ranked). Both
    [`adl_score`][perpcalc.insolvency.adl_score] and the 100,000-row path of
    [`rank_positions`][perpcalc.insolvency.rank_positions] call it, so the two cannot
    disagree; the contract and method are chosen once, outside the per-row call.

    >>> score = score_kernel("pnl_times_leverage")
    >>> round(score(1.0, 1.0, 100.0, 110.0, 10.0), 6)
    0.55
    """
    cv = float(contract_value)
    mmr_f = float(mmr)

    # upnl, value at the mark and value at entry, for the contract chosen here (not on every row)
    if contract == "inverse":
        def values(s: float, size: float, entry: float, mark: float) -> tuple[float, float, float]:
            return s * size * cv * (1.0 / entry - 1.0 / mark), size * cv / mark, size * cv / entry
    else:
        def values(s: float, size: float, entry: float, mark: float) -> tuple[float, float, float]:
            return s * size * (mark - entry), size * mark, size * entry

    def pnl_times_leverage(s: float, size: float, entry: float, mark: float, margin: float) -> float | None:
        upnl, mark_value, entry_value = values(s, size, entry, mark)
        equity = margin + upnl
        if not equity > 0:
            return None
        pnl_pct = upnl / entry_value
        lev = mark_value / equity
        return pnl_pct * lev if pnl_pct > 0 else pnl_pct / lev

    def price_ratio_leverage(s: float, size: float, entry: float, mark: float, margin: float) -> float | None:
        upnl, mark_value, _ = values(s, size, entry, mark)
        equity = margin + upnl
        if not equity > 0:
            return None
        return (mark / entry if s > 0 else entry / mark) * mark_value / equity

    def pnl_over_margin(s: float, size: float, entry: float, mark: float, margin: float) -> float | None:
        upnl, mark_value, _ = values(s, size, entry, mark)
        equity = margin + upnl
        if not equity > 0:
            return None
        # max(0, upnl) / max(1, margin), written without max(): a builtin call per row costs more than the rest
        return (upnl if upnl > 0.0 else 0.0) / (margin if margin > 1.0 else 1.0) * (mmr_f * mark_value / equity)

    kernels = {"pnl_times_leverage": pnl_times_leverage, "price_ratio_leverage": price_ratio_leverage,
               "pnl_over_margin": pnl_over_margin}
    if method not in kernels:
        raise InputError("method", f"method must be one of: {', '.join(ADL_METHODS)}")
    return kernels[method]


def adl_score(
    method: str,
    side: str,
    size: float,
    entry_price: float,
    mark_price: float,
    margin: float,
    contract: str = "linear",
    contract_value: float = 1.0,
    mmr: float = 0.005,
) -> float:
    """ADL ranking score of one position: the higher, the sooner it is deleveraged.

    With s = ±1 for long/short, unrealised PnL, position values and equity are

    linear:  upnl = s·size·(mark − entry), value(p) = size·p
    inverse: upnl = s·size·cv·(1/entry − 1/mark), value(p) = size·cv/p   (base coin)
    equity = margin + upnl   (must be > 0: a position at or past bankruptcy is not ranked)

    ``method`` is one of ``perpcalc.venues.ADL_METHODS``; a venue's loss record names
    its own (``perpcalc.venues.ADL_VENUES``):

    * ``pnl_times_leverage`` (BitMEX): PnL% = upnl / value(entry); EffLev = value(mark) / equity (BitMEX's
      MarkValue / (MarkValue − BankruptValue), which is the same thing, since the
      bankrupt value is where equity is zero); score = PnL% × EffLev when PnL% > 0,
      PnL% ÷ EffLev otherwise, so a loser with high leverage sits at the very back.
    * ``price_ratio_leverage`` (Hyperliquid): score = r × value(mark) / equity, r = mark/entry for a long. The
      published key is written for a long; for a short we use r = entry/mark so that a
      profitable short ranks ahead of a losing one (our reading: applying mark/entry to a
      short would push the most-losing shorts to the front, the opposite of the rule's
      intent).
    * ``pnl_over_margin`` (Binance FAQ 360033525471, 2019, still quoted in 2023):
      PnLPercent = max(0, upnl) / max(1, wallet), MarginRatio = MM / equity with
      MM = mmr × value(mark) and wallet = margin; score = PnLPercent × MarginRatio. Every
      losing position scores 0 and they tie (broken by size, then id).

    Sources: BitMEX "Auto-Deleveraging" page; Hyperliquid docs "Auto-deleveraging"
    (current version); Binance FAQ 360033525471 and dev.binance.vision thread 17801.

    Parameters
    ----------
    method : str
        Which formula or venue rule to apply.
    side : str
        ``"long"`` or ``"short"``.
    size : float
        Position size: base units (linear) or contracts (inverse).
    entry_price : float
        Average entry price, in quote.
    mark_price : float
        Mark price, in quote.
    margin : float
        Collateral backing the position.
    contract : str
        ``"linear"`` or ``"inverse"``.
    contract_value : float
        Quote value of one inverse contract (1 USD for XBTUSD).
    mmr : float
        Maintenance margin rate (0.005 = 0.5 %).

    Returns
    -------
    float
        The score as a float (the higher, the sooner deleveraged; unitless): negative for a losing
        position under ``pnl_times_leverage``, 0 for one under ``pnl_over_margin``.

    Examples
    --------
    BitMEX, linear: long 1 at entry 100, mark 110, margin 10:
    upnl 10, PnL% 10 %, equity 20, EffLev 110/20 = 5.5, score 0.55.

    >>> round(adl_score("pnl_times_leverage", "long", 1, 100, 110, 10), 6)
    0.55
    """
    score = score_kernel(method, contract, contract_value, mmr)(1.0 if side == "long" else -1.0, size, entry_price,
                                                                mark_price, margin)
    if score is None:
        raise InputError("margin", "margin + unrealised PnL must be > 0: a bankrupt position is liquidated, "
                                   "not ranked for ADL")
    return score


MARGIN_MODES = ("isolated", "cross")


def adl_outlook(
    method: str,
    side: str,
    size: float,
    entry_price: float,
    mark_price: float,
    margin: float,
    margin_mode: str = "isolated",
    contract: str = "linear",
    contract_value: float = 1.0,
    mmr: float = 0.005,
) -> dict[str, float]:
    """One trader's own ADL score, and the score after each of two moves that lower it.

    With upnl, value(p) and equity = margin + upnl as in
    [`adl_score`][perpcalc.insolvency.adl_score]:

    pnl_percent        = upnl / value(entry)
    effective_leverage = value(mark) / equity
    score              = adl_score(method, …)

    *Halving the effective leverage* at the same size means doubling the equity, i.e. adding
    margin equal to the equity: margin' = margin + equity (``margin_to_halve`` = equity).

    *Closing half* at the mark leaves size/2. In isolated margin the rest keeps half the
    margin (the released half and the realised PnL go to the wallet): margin' = margin/2. In
    cross margin the realised PnL stays in the account that backs the rest:
    margin' = margin + upnl/2, so the equity is unchanged.

    Consequences worth knowing (they follow from the formulas, not from any venue's text):
    the BitMEX and Hyperliquid scores are ratios, so closing half in isolated margin leaves
    them unchanged (the same PnL % on half the margin): you keep your place but have half as
    much at the front. In cross margin closing half halves them for a winner. Adding margin
    never raises a score under any of the three formulas.

    The score only orders a queue: where it puts a trader (the lights or quantile venues
    show) depends on everyone else's scores on the same side, which this function does not
    know and does not guess.

    Sources: as [`adl_score`][perpcalc.insolvency.adl_score] (BitMEX "Auto-Deleveraging";
    Hyperliquid docs "Auto-deleveraging"; Binance FAQ 360033525471).

    Parameters
    ----------
    method : str
        An ``AdlMethod`` of ``perpcalc.venues`` (see ``adl_score``).
    side : str
        ``"long"`` or ``"short"``.
    size : float
        Position size: base units (linear) or contracts (inverse).
    entry_price : float
        Average entry price, in quote.
    mark_price : float
        Mark price, in quote.
    margin : float
        Collateral backing the position: the isolated margin, or for cross the wallet balance
        without unrealised PnL (the function adds the PnL itself).
    margin_mode : str
        ``"isolated"`` or ``"cross"``: where realised PnL goes when half is closed.
    contract : str
        ``"linear"`` or ``"inverse"``.
    contract_value : float
        Quote value of one inverse contract.
    mmr : float
        Maintenance margin rate (binance formula only).

    Returns
    -------
    dict[str, float]
        ``score``, ``pnl_percent`` (fraction), ``effective_leverage``, ``upnl``,
        ``margin_to_halve``, ``score_half_leverage`` and ``score_half_closed``.

    Examples
    --------
    BitMEX, long 1 at 60,000 marked at 66,000 with 6,000 of isolated margin (10x):
    upnl 6,000, PnL% 10 %, equity 12,000, EffLev 66,000/12,000 = 5.5, score 0.55. Adding
    12,000 halves EffLev and the score; closing half keeps 0.55.

    >>> out = adl_outlook("pnl_times_leverage", "long", 1, 60000, 66000, 6000)
    >>> [round(out[k], 6) for k in ("score", "effective_leverage", "score_half_leverage", "score_half_closed")]
    [0.55, 5.5, 0.275, 0.55]
    """
    if margin_mode not in MARGIN_MODES:
        raise InputError("margin_mode", "margin_mode must be isolated or cross")
    kernel = score_kernel(method, contract, contract_value, mmr)
    s = 1.0 if side == "long" else -1.0
    if contract == "inverse":
        cv = float(contract_value)
        upnl = s * size * cv * (1.0 / entry_price - 1.0 / mark_price)
        mark_value, entry_value = size * cv / mark_price, size * cv / entry_price
    else:
        upnl = s * size * (mark_price - entry_price)
        mark_value, entry_value = size * mark_price, size * entry_price
    score = adl_score(method, side, size, entry_price, mark_price, margin, contract, contract_value, mmr)
    equity = margin + upnl
    kept = margin / 2.0 if margin_mode == "isolated" else margin + upnl / 2.0
    half_leverage = kernel(s, size, entry_price, mark_price, margin + equity)
    half_closed = kernel(s, size / 2.0, entry_price, mark_price, kept)
    if half_leverage is None or half_closed is None:  # cannot happen: both keep equity > 0
        raise InputError("margin", "margin + unrealised PnL must be > 0")
    return {
        "score": score,
        "pnl_percent": upnl / entry_value,
        "effective_leverage": mark_value / equity,
        "upnl": upnl,
        "margin_to_halve": equity,
        "score_half_leverage": half_leverage,
        "score_half_closed": half_closed,
    }


def adl_quantiles(sizes: Sequence[float]) -> list[int]:
    """ADL indicator lights (1–5, 5 = first in line) for a queue already in ADL order.

    quantile = 6 − ⌈5 × cumulative size / total size⌉

    i.e. the cumulative share of the side's size, rounded up to the next 20 %: the first
    20 % of size shows 5 lights, the last 20 % shows 1. (A tolerance of 1e-9 keeps a share
    of exactly 60 % from rounding up to 80 % through float error.)

    Source: BitMEX "ADL examples" page; the rounding rule is inferred from its table.

    Parameters
    ----------
    sizes : Sequence[float]
        Position sizes in ranking order.

    Returns
    -------
    list[int]
        One light per position, in the queue's order, by the queue's cumulative size share: 5
        within the first fifth of the total size, down to 1 within the last; empty for an empty queue.

    Examples
    --------
    Sizes 10, 20, 30, 10, 10, 20 (BitMEX's six longs in score order) have
    cumulative shares 10 %, 30 %, 60 %, 70 %, 80 %, 100 % and show 5, 4, 3, 2, 2, 1 lights.

    >>> adl_quantiles([10, 20, 30, 10, 10, 20])
    [5, 4, 3, 2, 2, 1]
    """
    total = math.fsum(sizes)
    if not total > 0:
        return [1] * len(sizes)  # as 6 − 5: every position in the last bucket
    if math.isfinite(total) and not math.isfinite(5.0 * total):
        # 5 × a cumulative size would overflow (sizes near the float maximum): the shares of the sizes scaled by a
        # power of two, an exact scaling, instead of an OverflowError from ceil(inf)
        return adl_quantiles([size * 0.0625 for size in sizes])
    ceil = math.ceil

    def light(cum: float) -> int:
        return min(5, max(1, 6 - ceil(5.0 * cum / total - 1e-9)))

    cums = list(accumulate(sizes, initial=0.0))[1:]
    if not (math.isfinite(total) and min(sizes) >= 0):
        return list(map(light, cums))
    # No size is negative: the cumulative sizes only rise and the lights only fall (each step of
    # light() is monotonic in floats too), so each light's run ends where a bisection finds it,
    # with light() called a few dozen times instead of once a position.
    ends = [bisect_left(cums, 1 - n, key=lambda cum: -light(cum)) for n in range(5, 1, -1)]  # first light < n
    runs = [b - a for a, b in pairwise([0, *ends, len(cums)])]
    return list(chain.from_iterable(map(repeat, range(5, 0, -1), runs)))


def _queues_checked(positions: Iterable[Mapping[str, Any]], kernel: Kernel) -> dict[str, list[Queued]]:
    """Score every row and split the sides, with a precise error for the first bad row."""
    sides: dict[str, list[Queued]] = {"long": [], "short": []}
    seen: set[str] = set()
    isfinite = math.isfinite
    for i, p in enumerate(positions, start=1):
        try:
            pid, side = p["id"], p["side"]
            size, entry, mark, margin = raw = p["size"], p["entry_price"], p["mark_price"], p["margin"]
        except (KeyError, TypeError):
            raise InputError(
                "positions", f"position {i} needs id, side, size, entry_price, mark_price, margin"
            ) from None
        key = str(pid)
        if key in seen:
            raise InputError("positions", f"position id {key!r} appears twice")
        seen.add(key)
        queue = sides.get(side)
        if queue is None:
            raise InputError("positions", f"position {key!r}: side must be long or short")
        if not (type(size) is float and type(entry) is float and type(mark) is float and type(margin) is float):
            try:  # floats already (as the calculator's form reads them) need no conversion
                if bool in (type(raw[0]), type(raw[1]), type(raw[2]), type(raw[3])):
                    raise TypeError
                size, entry, mark, margin = float(raw[0]), float(raw[1]), float(raw[2]), float(raw[3])
            except (TypeError, ValueError):
                raise InputError("positions", f"position {key!r}: size, prices and margin must be numbers") from None
        if not isfinite(size + entry + mark + margin):  # any NaN or infinity makes the sum non-finite
            raise InputError("positions", f"position {key!r}: size, prices and margin must be finite numbers")
        if size <= 0:
            raise InputError("positions", f"position {key!r}: size must be > 0")
        if entry <= 0 or mark <= 0:
            raise InputError("positions", f"position {key!r}: prices must be > 0")
        if margin < 0:
            raise InputError("positions", f"position {key!r}: margin must be ≥ 0")
        try:
            score = kernel(1.0 if side == "long" else -1.0, size, entry, mark, margin)
        except (OverflowError, ZeroDivisionError):
            raise InputError("positions", f"position {key!r}: numbers out of range") from None
        if score is None:
            raise InputError("positions", f"position {key!r}: margin + unrealised PnL must be > 0: a bankrupt "
                                          "position is liquidated, not ranked for ADL")
        if not isfinite(score):
            raise InputError("positions", f"position {key!r}: numbers out of range")
        queue.append((-score, -size, key, pid))
    return sides


def rank_positions(
    positions: Iterable[Mapping[str, Any]],
    method: str = "pnl_times_leverage",
    contract: str = "linear",
    contract_value: float = 1.0,
    mmr: float = 0.005,
) -> list[dict[str, Any]]:
    """ADL queues: each side's positions, first = deleveraged first, with score and lights.

    Every position is a mapping with ``id``, ``side``, ``size``, ``entry_price``,
    ``mark_price`` and ``margin`` (numbers may be int, float, Decimal or numeric strings).
    Scores come from [`adl_score`][perpcalc.insolvency.adl_score]; each side is sorted by score (highest first), then
    by larger size, then by id (as text), so the result does not depend on the input
    order. Lights come from [`adl_quantiles`][perpcalc.insolvency.adl_quantiles] on each side's queue. Longs are listed
    before shorts; ``rank`` counts from 1 within each side.
    [`rank_position_columns`][perpcalc.insolvency.rank_position_columns] gives the same ranking
    for positions given column by column.

    Raises ``InputError("positions", …)`` for a missing or non-positive size or price, a
    negative margin, a bankrupt position, a bad side or a duplicate id.

    Floats are used on purpose: the score only orders the queue. 100,000 positions rank
    in well under a second in CPython.
    """
    kernel = _kernel(method, contract, contract_value, mmr)
    ranked = _ranked(_queues_checked(positions, kernel))
    return [{"id": pid, "side": side, "rank": rank, "score": score, "quantile": light, "size": size}
            for pid, side, rank, score, light, size in zip(*ranked.values(), strict=True)]


def rank_position_columns(
    positions: Mapping[str, Sequence[Any]],
    method: str = "pnl_times_leverage",
    contract: str = "linear",
    contract_value: float = 1.0,
    mmr: float = 0.005,
    *,
    read: bool = False,
) -> dict[str, list[Any]]:
    """[`rank_positions`][perpcalc.insolvency.rank_positions]' ranking of positions given column by
    column (``id``, ``side``, ``size``, ``entry_price``, ``mark_price``, ``margin`` → cells, as the
    calculator's reader gives them: ``perpcalc.parse.Columns``), as columns (``id``, ``side``,
    ``rank``, ``score``, ``quantile``, ``size`` → cells, the rows' order), with the same errors.

    A book of float cells, distinct ids and known sides is checked column by column and scored
    by the same kernel without building a row (100,000 positions come from a paste this way);
    any other book is read row by row, which words the error of its first bad row. ``read=True``
    says that the four number columns come from the calculator's reader (``perpcalc.parse``, fields
    with ``exact=False``, each required, sizes and prices > 0, margins ≥ 0): every cell is a finite
    float within those bounds already, so only the ids, the sides and the scores are checked (the
    reader's checks are not made a second time on 400,000 cells).

    >>> book = {"id": ["A", "B", "C"], "side": ["long", "long", "short"], "size": [2.0, 1.0, 3.0],
    ...         "entry_price": [100.0, 100.0, 120.0], "mark_price": [110.0, 110.0, 110.0],
    ...         "margin": [20.0, 5.0, 30.0]}
    >>> ranked = rank_position_columns(book)
    >>> ranked["id"], ranked["rank"], ranked["quantile"]
    (['B', 'A', 'C'], [1, 2, 1], [4, 1, 1])
    >>> rows = [dict(zip(book, cells)) for cells in zip(*book.values())]
    >>> rank_positions(rows) == [dict(zip(ranked, cells)) for cells in zip(*ranked.values())]
    True
    """
    kernel = _kernel(method, contract, contract_value, mmr)
    ranked = _ranked_columns(positions, kernel, read)
    if ranked is None:
        columns = [list(cells) for cells in positions.values()]
        if len(set(map(len, columns))) > 1:
            raise InputError("positions", "the positions' columns are not all as long")
        rows = map(dict, map(zip, repeat(tuple(positions)), zip(*columns, strict=True)))
        ranked = _ranked(_queues_checked(rows, kernel))
    return ranked


def _kernel(method: str, contract: str, contract_value: float, mmr: float) -> Kernel:
    if method not in ADL_METHODS:
        raise InputError("method", f"method must be one of: {', '.join(ADL_METHODS)}")
    return score_kernel(method, contract, contract_value, mmr)


_SIGNS = {"long": 1.0, "short": -1.0}
_BOOK_KEYS = ("id", "side", "size", "entry_price", "mark_price", "margin")


def _ranked_columns(positions: Mapping[str, Sequence[Any]], kernel: Kernel,
                    read: bool = False) -> dict[str, list[Any]] | None:
    """``_ranked``' ranking of a book given by columns, when every row passes ``_queues_checked``'
    checks as it stands (float cells, distinct ids, known sides: each check made once on a whole
    column); else ``None``, and the caller reads the rows one by one (which words the error).

    The scores are the kernel's, called on the columns' cells as ``_queues_checked`` calls it on a
    row's. The queues are sorted as ``_ranked`` sorts its tuples (−score, −size, id as text): the
    positions by −score alone, a sort of floats, then each run of equal scores by (−size, id)."""
    try:
        pids, sides, sizes, entries, marks, margins = columns = [positions[k] for k in _BOOK_KEYS]
        count = len(pids)
        # a side that cannot be hashed, or a column that has no length, is left to the row reading
        if not count or set(map(len, columns)) != {count} or not set(sides) <= _SIGNS.keys():
            return None
    except (KeyError, TypeError):
        return None
    keys = pids if set(map(type, pids)) == {str} else list(map(str, pids))
    numbers = (sizes, entries, marks, margins)
    if len(set(keys)) != count:
        return None
    # no cell is negative, so every row's sum of its numbers is finite when the sum of them all is
    # (which also finds a NaN or an infinity anywhere); the reader's columns (``read``) hold such floats
    if not read and (any(set(map(type, column)) != {float} for column in numbers)
                     or not (min(sizes) > 0 and min(entries) > 0 and min(marks) > 0 and min(margins) >= 0
                             and math.isfinite(sum(sizes) + sum(entries) + sum(marks) + sum(margins)))):
        return None
    try:
        scores = list(map(kernel, map(_SIGNS.__getitem__, sides), sizes, entries, marks, margins))
    except (OverflowError, ZeroDivisionError):
        return None
    if None in scores or not math.isfinite(sum(scores)):  # a bankrupt position, a score out of range
        return None
    longs = list(map(eq, sides, repeat("long")))
    ranked: dict[str, list[Any]] = {"id": [], "side": [], "rank": [], "score": [], "quantile": [], "size": []}
    for side, mask in zip(SIDES, (longs, list(map(not_, longs))), strict=True):
        mine = _picker(list(compress(range(count), mask)))  # this side's rows, in the book's order
        side_scores, side_sizes = mine(scores), mine(sizes)
        queue = _queue_order(side_scores, side_sizes, partial(mine, keys))
        place = _picker(queue)
        queue_sizes = place(side_sizes)
        ranked["id"] += place(mine(pids))
        ranked["side"] += repeat(side, len(queue))
        ranked["rank"] += range(1, len(queue) + 1)
        ranked["score"] += map(add, place(side_scores), repeat(0.0))  # −0.0 is written 0.0
        ranked["quantile"] += adl_quantiles(queue_sizes)
        ranked["size"] += queue_sizes
    return ranked


def _picker(indices: list[int]) -> Callable[[Sequence[Any]], list[Any]]:
    """A function that takes the cells at ``indices`` of a column, in their order (one
    ``itemgetter`` for every column: no Python call a cell)."""
    if len(indices) > 1:
        take = itemgetter(*indices)
        return lambda cells: list(take(cells))
    return lambda cells: [cells[i] for i in indices]


def _queue_order(scores: list[float], sizes: list[float], keys: Callable[[], list[str]]) -> list[int]:
    """The indices of one side's positions in ``_ranked``' order of their tuples (−score, −size,
    id as text; the ids, ``keys()``, are distinct): a sort of the scores alone, highest first,
    then each run of equal scores sorted by (−size, id).

    >>> _queue_order([1.0, 2.0, 1.0, 0.0, -0.0], [1.0, 1.0, 3.0, 1.0, 1.0], lambda: ["a", "b", "c", "d", "e"])
    [1, 2, 0, 3, 4]
    """
    order = sorted(range(len(scores)), key=scores.__getitem__, reverse=True)
    if len(set(scores)) == len(scores):  # no two scores equal (0.0 and −0.0 are equal)
        return order
    ordered, ids, larger = list(map(scores.__getitem__, order)), keys(), list(map(neg, sizes))
    # where a run of equal scores ends: a score unlike the one before it (== is transitive on finite floats)
    ends = compress(range(1, len(order)), map(ne, ordered[1:], ordered))
    for start, end in pairwise(chain((0,), ends, (len(order),))):
        if end - start > 1:  # by id, then (a stable sort) by −size: the order of (−size, id)
            tied = sorted(order[start:end], key=ids.__getitem__)
            tied.sort(key=larger.__getitem__)
            order[start:end] = tied
    return order


def _ranked(sides: Mapping[str, list[Queued]]) -> dict[str, list[Any]]:
    """The ranking of ``rank_positions`` from each side's queue, as columns: longs first, each side
    sorted by its queue's order (score, larger size, id), with its place and lights."""
    ranked: dict[str, list[Any]] = {"id": [], "side": [], "rank": [], "score": [], "quantile": [], "size": []}
    for side in SIDES:
        queue = sorted(sides[side])
        sizes = list(map(neg, map(itemgetter(1), queue)))
        ranked["id"] += map(itemgetter(3), queue)
        ranked["side"] += repeat(side, len(queue))
        ranked["rank"] += range(1, len(queue) + 1)
        ranked["score"] += map(add, map(neg, map(itemgetter(0), queue)), repeat(0.0))  # −0.0 is written 0.0
        ranked["quantile"] += adl_quantiles(sizes)
        ranked["size"] += sizes
    return ranked


# ------------------------------------------------------------------ ADL execution


def adl_execution(
    size: Decimal, bankruptcy_price: Decimal, queue: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """Close a bankrupt position against the ranked ADL queue at its bankruptcy price.

    Walk the queue from the front: each entry closes min(its size, what is left) at the
    bankruptcy price of the liquidated position, until the bankrupt size is covered or the
    queue runs out. closed = Σ size_closed ≤ min(size, Σ queue sizes), and
    unfilled = size − closed (the part left for the insurance fund or a socialised loss
    when the queue is too short). A queue entry is never closed beyond its own size.

    Source: BitMEX "ADL examples" page; Binance "Counterparty liquidation" FAQ; Bybit ADL
    help (all close at the bankruptcy price of the liquidated order; OKX's 2025 text uses
    the mark price unless the fund is nearly empty).

    Parameters
    ----------
    size : Decimal
        Position size: base units (linear) or contracts (inverse).
    bankruptcy_price : Decimal
        Price at which the position's equity is zero.
    queue : Sequence[Mapping[str, Any]]
        Ranked opposite positions, each with ``id`` and ``size``.

    Returns
    -------
    dict[str, Any]
        ``fills`` (id, size closed, price = the bankruptcy price, size remaining) in queue order,
        ``closed`` and ``unfilled`` sizes (``unfilled`` > 0 only when the queue is too short).

    Examples
    --------
    BitMEX: a short of 20 contracts is bankrupt at 650; the long queue starts
    with account 2 (10 contracts) and account 5 (20). Account 2 is closed for all 10 and
    account 5 for 10 of its 20, both at 650; nothing is unfilled.

    >>> out = adl_execution(Decimal(20), Decimal(650), [{"id": 2, "size": Decimal(10)}, {"id": 5, "size": Decimal(20)}])
    >>> [(f["id"], f["size_closed"]) for f in out["fills"]]
    [(2, Decimal('10')), (5, Decimal('10'))]
    """
    left = size
    fills = []
    for entry in queue:
        if left <= 0:
            break
        take = min(entry["size"], left)
        left -= take
        fills.append({"id": entry["id"], "size_closed": take, "price": bankruptcy_price,
                      "remaining": entry["size"] - take})
    return {"fills": fills, "unfilled": left, "closed": size - left}


# ------------------------------------------------------------------ socialised loss

SOCIAL_METHODS = ("pro_rata", "okx_2018_clawback", "bitmex_2015_dpe")


def socialized_loss(
    deficit: Decimal,
    profits: Sequence[Mapping[str, Any]],
    method: str = "pro_rata",
    insurance_fund: Decimal = ZERO,
    venue_injection: Decimal = ZERO,
) -> dict[str, Any]:
    """Share a loss over winners as an equal percentage haircut of their profits.

    loss = deficit                                           (pro_rata, bitmex_2015_dpe)
    loss = max(deficit − insurance_fund − venue_injection, 0)  (okx_2018_clawback)
    haircut_rate = min(1, loss / Σ positive profits);  haircut_i = rate × max(profit_i, 0)

    Accounts with zero or negative profit pay nothing. The haircuts add up to
    min(loss, total profit) exactly (the last payer takes the rounding residue, at most
    a few units of the 34th digit); anything beyond total profit stays uncovered.

    * ``pro_rata``: the plain rule, as Deribit describes its fallback (losses spread over
      the day's winning traders).
    * ``bitmex_2015_dpe``: BitMEX's Dynamic Profit Equalisation (replaced by ADL on
      2016-10-03): ProfitAdjustment = TotalSystemLoss / TotalSystemProfit, cut from each
      winner's realised profit at settlement; enter realised profits.
    * ``okx_2018_clawback``: OKEx, 3 Aug 2018: the loss was first met by the insurance
      fund and the venue's own injection (2,500 BTC), and the rest clawed back as an equal
      share of each net-profitable account's realised plus unrealised weekly profit across
      its BTC futures; enter each account's net weekly profit.

    Sources: BitMEX blog "Dynamic Profit Equalisation"; OKEx contract billing terms and
    CoinDesk, 2018-08-03; Deribit "Insurance fund" docs.

    Parameters
    ----------
    deficit : Decimal
        Loss left after the bankrupt positions are closed.
    profits : Sequence[Mapping[str, Any]]
        Winners, each with ``id`` and ``profit``.
    method : str
        Which formula or venue rule to apply.
    insurance_fund : Decimal
        Insurance fund balance before the event.
    venue_injection : Decimal
        Venue's own funds put in before the clawback.

    Returns
    -------
    dict[str, Any]
        The ``loss`` to share, the ``haircut_rate`` (fraction of profit, ≤ 1), each account's
        ``haircuts``, their total, the ``uncovered`` rest (0 unless the loss exceeds total profit)
        and the ``total_profit`` of the winners, in the loss's currency.

    Examples
    --------
    A 1,200 BTC loss over winners with 6,700 BTC of profit: rate 17.9 %; a
    winner with 100 BTC of profit gives up 17.91 BTC.

    >>> winners = [{"id": "a", "profit": Decimal(100)}, {"id": "b", "profit": Decimal(6600)}]
    >>> out = socialized_loss(Decimal(1200), winners)
    >>> round(out["haircut_rate"], 4)
    Decimal('0.1791')
    """
    if method == "okx_2018_clawback":
        loss = max(deficit - insurance_fund - venue_injection, ZERO)
    else:
        loss = deficit
    given = [p["profit"] for p in profits]
    positive = [x if x >= ZERO else ZERO for x in given]  # max(x, 0), keeping x's own zero
    total = sum(positive, ZERO)
    rate = min(ONE, loss / total) if total > 0 else (ONE if loss > 0 else ZERO)
    target = min(loss, total)
    last = max((i for i, x in enumerate(positive) if x > 0), default=-1)
    if rate == ONE:
        cuts = positive
    else:
        cuts = [pos * rate for pos in positive]
        if last >= 0:  # the last payer takes the residue: what is left of the target after the others
            cuts[last] = target - sum(cuts[:last], ZERO)
    paid = sum(cuts, ZERO)
    haircuts = [{"id": p["id"], "profit": x, "haircut": h, "profit_after": x - h}
                for p, x, h in zip(profits, given, cuts, strict=True)]
    return {
        "loss": loss,
        "haircut_rate": rate,
        "haircuts": haircuts,
        "total_haircut": paid,
        "uncovered": loss - paid,
        "total_profit": total,
    }


# ------------------------------------------------------------------ insolvency waterfall


def bankruptcy_price(side: str, size: Decimal, entry_price: Decimal, margin: Decimal) -> Decimal:
    """Linear bankruptcy price: where margin + unrealised PnL is zero.

    long: entry − margin / size;  short: entry + margin / size. A long whose margin is
    at least its notional can never go bankrupt; its bankruptcy price is ≤ 0.

    Parameters
    ----------
    side : str
        ``"long"`` or ``"short"``.
    size : Decimal
        Position size: base units (linear) or contracts (inverse).
    entry_price : Decimal
        Average entry price, in quote.
    margin : Decimal
        Collateral backing the position.

    Returns
    -------
    Decimal
        The price in quote at which margin + unrealised PnL is zero (below entry for a long, above
        for a short); it can be ≤ 0 for a long with margin ≥ its value.

    Examples
    --------
    DYdX: a 500-unit short entered at 1 with 100 of margin: 1 + 100/500 = 1.2.

    >>> bankruptcy_price("short", Decimal(500), Decimal(1), Decimal(100))
    Decimal('1.2')
    """
    return entry_price - side_sign(side) * margin / size


@dataclass(slots=True)
class Book:
    """The positions of a waterfall in columns, marked at the mark price: row ``i`` of every
    column is the ``i``-th position in input order (the calculator takes up to its ``WATERFALL_MAX``, and
    no object is made for each). ``longs[i]`` is True for a long; ``equities[i]`` is
    margin + s·size·(mark − entry)."""

    keys: list[str]
    sides: list[str]
    longs: list[bool]
    sizes: list[Decimal]
    entries: list[Decimal]
    margins: list[Decimal]
    equities: list[Decimal]


@dataclass(slots=True)
class Liquidations:
    """The liquidated positions in columns, in input order: ``rows`` are their rows in the
    [`Book`][perpcalc.insolvency.Book]; then the fill price, the result at the fill (+ surplus,
    − deficit), the maintenance margin and the bankruptcy price of each, and what the fund and
    ADL then took of its deficit (filled in by [`deleverage`][perpcalc.insolvency.deleverage])."""

    rows: list[int]
    fill: list[Decimal]
    result: list[Decimal]
    mm: list[Decimal]
    bp: list[Decimal]
    insurance: list[Decimal]
    adl_size: list[Decimal]


@dataclass
class Ledger:
    """Every unit of money in the market, which no stage may create or destroy.

    ``equity`` holds each trader's equity (at the mark, or cash once closed), ``fund`` the
    insurance fund, ``book`` the order book's mark-to-market on what it bought, and
    ``shortfall`` the unpaid deficits (≤ 0). [`check`][perpcalc.insolvency.Ledger.check] records the largest drift of
    their total from the start in ``imbalance``.
    """

    equity: dict[str, Decimal]
    fund: Decimal
    book: Decimal = ZERO
    shortfall: Decimal = ZERO
    imbalance: Decimal = ZERO
    start: Decimal = ZERO
    equity_total: Decimal = field(default=ZERO, init=False, repr=False)  # Σ equity at the last full total

    def __post_init__(self) -> None:
        self.start = self.total()

    def total(self, equity_unchanged: bool = False) -> Decimal:
        """Σ equity + fund + book + shortfall. ``equity_unchanged`` (for a stage that touches no
        trader's equity) takes Σ equity from the last full total instead of adding 100,000
        equities again: the same sum, since the same values are added in the same order."""
        if not equity_unchanged:
            self.equity_total = sum(self.equity.values(), ZERO)
        return self.equity_total + self.fund + self.book + self.shortfall

    def check(self, equity_unchanged: bool = False) -> Decimal:
        """Record the drift of the total since the start; return the largest seen."""
        self.imbalance = max(self.imbalance, abs(self.total(equity_unchanged) - self.start))
        return self.imbalance


#: an ADL fill's fields: the winner closed, the bankrupt position it serves, the winner's side,
#: the size closed, the price (the bankrupt position's bankruptcy price) and the winner's size left
FILL_KEYS = ("id", "against", "side", "size_closed", "price", "remaining")
#: a liquidated position's fields, as ``insolvency_waterfall`` reports them
LIQUIDATED_KEYS = ("id", "side", "size", "equity_at_mark", "maintenance_margin", "bankruptcy_price", "fill_price",
                   "result", "insurance_used", "adl_size")


@dataclass
class Deleveraging:
    """What stage 3 did: its fills in columns (``FILL_KEYS`` → cells, in fill order: ``fills``
    gives them as rows), the size closed, the deficit absorbed, and the (liquidation, size)
    pairs the queue could not take (each liquidation a row of the
    [`Liquidations`][perpcalc.insolvency.Liquidations])."""

    fill_columns: dict[str, list[Any]]
    closed: Decimal
    absorbed: Decimal
    residual: list[tuple[int, Decimal]]

    @property
    def fills(self) -> list[dict[str, Any]]:
        return list(map(dict, map(zip, repeat(FILL_KEYS), zip(*self.fill_columns.values(), strict=True))))


Positions = Sequence[Mapping[str, Any]] | Mapping[str, Sequence[Any]]


def mark_book(positions: Positions, mark_price: Decimal, *, read: bool = False) -> Book:
    """Stage 0: the positions in columns, each marked at ``mark_price``.

    ``positions`` are rows (``id``, ``side``, ``size``, ``entry_price``, ``margin``) or those
    five columns (column name → cells, what the calculator's reader gives,
    ``perpcalc.parse.Columns``). A position that is not valid is refused by ``_refuse_position``,
    which names the first. ``read=True`` says that the columns come from the calculator's reader
    (``perpcalc.parse``: sides long or short, sizes and entry prices > 0, margins ≥ 0, each checked
    there): only the ids' being distinct is checked again."""
    if isinstance(positions, Mapping):
        keys, sides, sizes, entries, margins = (list(positions[k]) for k in _POSITION_KEYS)
        keys = list(map(str, keys))
        if len(set(map(len, (keys, sides, sizes, entries, margins)))) != 1:
            raise InputError("positions", "the positions' columns are not all as long")
    else:
        keys = list(map(str, map(itemgetter("id"), positions)))
        sides, sizes, entries, margins = (list(map(itemgetter(k), positions)) for k in _POSITION_KEYS[1:])
    if not keys:
        raise InputError("positions", "enter at least one position")
    if len(set(keys)) != len(keys) or (not read and (
            sides.count("long") + sides.count("short") != len(sides) or min(sizes) <= 0 or min(entries) <= 0
            or min(margins) < 0)):
        _refuse_position([dict(zip(_POSITION_KEYS, row, strict=True))
                          for row in zip(keys, sides, sizes, entries, margins, strict=True)])
    pnls = map(mul, sizes, map(sub, repeat(mark_price), entries))  # size·(mark − entry), signed below
    longs = [side == "long" for side in sides]
    equities = [m + pnl if long else m - pnl for long, m, pnl in zip(longs, margins, pnls, strict=False)]
    return Book(keys, sides, longs, sizes, entries, margins, equities)


_POSITION_KEYS = ("id", "side", "size", "entry_price", "margin")


def _refuse_position(positions: Sequence[Mapping[str, Any]]) -> None:
    """``InputError`` naming the first position, in order, with an id seen before, a side other
    than long or short, a size or entry price ≤ 0 or a margin < 0."""
    ids: set[str] = set()
    for p in positions:
        key = str(p["id"])
        if key in ids:
            raise InputError("positions", f"position id {key!r} appears twice")
        ids.add(key)
        if p["side"] not in SIDES:
            raise InputError("positions", f"position {key!r}: side must be long or short")
        if p["size"] <= 0:
            raise InputError("positions", f"position {key!r}: size must be > 0")
        if p["entry_price"] <= 0:
            raise InputError("positions", f"position {key!r}: entry price must be > 0")
        if p["margin"] < 0:
            raise InputError("positions", f"position {key!r}: margin must be ≥ 0")


def _exact(compute: Callable[[], list[Decimal]]) -> list[Decimal] | None:
    """``compute()`` in a copy of the current context when none of its operations rounded, or
    signalled anything else (``Rounded``, ``Clamped``, …: every result is then the exact one,
    whatever the order of the operations that made it); else ``None``.

    >>> _exact(lambda: [Decimal(1) / Decimal(4)]), _exact(lambda: [Decimal(1) / Decimal(3)])
    ([Decimal('0.25')], None)
    """
    with localcontext() as ctx:
        ctx.clear_flags()
        try:
            values = compute()
        except ArithmeticError:  # (a trap): the caller's own operations say what
            return None
        return None if any(ctx.flags.values()) else values


def liquidate_at_fill(book: Book, ledger: Ledger, mark_price: Decimal, mmr: Decimal,
                      fills: Mapping[str, Decimal]) -> Liquidations:
    """Stage 1: close every position whose equity ≤ mmr × size × mark at its side's fill price.

    result = margin + s·size·(fill − entry): a surplus goes to the fund, a deficit to the
    ledger's shortfall; the book books s·size·(mark − fill) on what it bought. The bankruptcy
    price is entry − s·margin/size ([`bankruptcy_price`][perpcalc.insolvency.bankruptcy_price]).

    Column by column: the same products, and the same additions to the ledger in the same
    order, as a loop over the positions would make.
    """
    # (mmr·size)·mark, as size·(mmr·mark) where no product rounds: then both are the exact product (the same
    # digits and exponent), at one multiplication a position instead of two
    mms = _exact(lambda: list(map(mul, book.sizes, repeat(mmr * mark_price)))) or \
        list(map(mul, map(mul, repeat(mmr), book.sizes), repeat(mark_price)))
    rows = list(compress(count(), map(le, book.equities, mms)))
    keys, sizes, entries, margins = (list(map(column.__getitem__, rows)) for column in
                                     (book.keys, book.sizes, book.entries, book.margins))
    longs = list(map(book.longs.__getitem__, rows))
    at = list(map({True: fills["long"], False: fills["short"]}.__getitem__, longs))
    s_sizes = [q if long else q.copy_negate() for long, q in zip(longs, sizes, strict=True)]  # s·size: no digit moves
    results = list(map(add, margins, map(mul, s_sizes, map(sub, at, entries))))
    # mark − fill is one number a side
    book_units = {True: mark_price - fills["long"], False: mark_price - fills["short"]}
    ledger.book = sum(map(mul, s_sizes, map(book_units.__getitem__, longs)), ledger.book)
    ledger.equity.update(zip(keys, repeat(ZERO)))
    ledger.fund = sum(filter(ZERO.__le__, results), ledger.fund)  # surpluses (≥ 0), in order
    ledger.shortfall = sum(filter(ZERO.__gt__, results), ledger.shortfall)  # deficits (< 0), in order
    s_margins = [m if long else m.copy_negate() for long, m in zip(longs, margins, strict=True)]
    bps = list(map(sub, entries, map(truediv, s_margins, sizes)))
    ledger.check()
    n = len(rows)
    return Liquidations(rows, at, results, list(map(mms.__getitem__, rows)), bps, [ZERO] * n, [ZERO] * n)


def cover_from_fund(ledger: Ledger) -> tuple[Decimal, Decimal]:
    """Stage 2: the fund pays the same share c = min(1, fund / Σ deficits) of every deficit.

    Returns (c, amount paid).
    """
    total_deficit = -ledger.shortfall
    cover = min(ONE, ledger.fund / total_deficit) if total_deficit > 0 else ZERO
    used = min(ledger.fund, total_deficit)
    ledger.fund -= used
    ledger.shortfall += used
    ledger.check(equity_unchanged=True)  # only the fund and the shortfall moved
    return cover, used


def adl_queues(book: Book, survivors: Sequence[int], mark_price: Decimal, adl_method: str,
               mmr: Decimal) -> dict[str, list[int]]:
    """Each side's profitable survivors (rows of the book), in ADL order.

    The order is [`rank_positions`][perpcalc.insolvency.rank_positions]'s (score from the same
    kernel, then larger size, then id), scored straight from the book's columns, which
    [`mark_book`][perpcalc.insolvency.mark_book] has checked; a score that cannot be had
    (numbers out of range) is refused by ``_scores_one_by_one``, which names the first such
    position."""
    kernel = score_kernel(adl_method, "linear", 1.0, mmr)
    mark = float(mark_price)
    keys, sizes, entries, margins, longs = book.keys, book.sizes, book.entries, book.margins, book.longs
    # a survivor is profitable when the mark is past its entry its way: above a long's, below a short's
    # (each comparison made once, in C: a comprehension over 100,000 survivors per side cost more)
    long_of = list(map(longs.__getitem__, survivors))
    entry_of = list(map(entries.__getitem__, survivors))
    gains = {"long": map(lt, entry_of, repeat(mark_price)), "short": map(gt, entry_of, repeat(mark_price))}
    sides = {"long": long_of, "short": list(map(not_, long_of))}
    queues: dict[str, list[int]] = {}
    for side in SIDES:
        winners = list(compress(survivors, map(and_, sides[side], gains[side])))
        size_f = list(map(float, map(sizes.__getitem__, winners)))
        args = (repeat(1.0 if side == "long" else -1.0), size_f, map(float, map(entries.__getitem__, winners)),
                repeat(mark), map(float, map(margins.__getitem__, winners)))
        try:
            scores = list(map(kernel, *args))
        except (OverflowError, ZeroDivisionError):
            scores = []
        if len(scores) != len(winners) or None in scores or not all(map(math.isfinite, scores)):
            scores = _scores_one_by_one(book, winners, kernel, mark)
        # the order of the tuples (−score, −size, id) (the ids are distinct), without a tuple a position
        order = _queue_order(scores, size_f, lambda winners=winners: list(map(keys.__getitem__, winners)))
        queues[side] = list(map(winners.__getitem__, order))
    return queues


def _scores_one_by_one(book: Book, positions: Sequence[int], kernel: Kernel, mark: float) -> list[float]:
    """Each position's ADL score (``positions``: rows of the book), or ``InputError`` naming the first that has
    none."""
    scores = []
    for i in positions:
        key = book.keys[i]
        try:
            score = kernel(1.0 if book.longs[i] else -1.0, float(book.sizes[i]), float(book.entries[i]), mark,
                           float(book.margins[i]))
        except (OverflowError, ZeroDivisionError):
            raise InputError("positions", f"position {key!r}: numbers out of range") from None
        if score is None:
            raise InputError("positions", f"position {key!r}: margin + unrealised PnL must be > 0: a bankrupt "
                                          "position is liquidated, not ranked for ADL")
        if not math.isfinite(score):
            raise InputError("positions", f"position {key!r}: numbers out of range")
        scores.append(score)
    return scores


def deleverage(liquidations: Liquidations, book: Book, survivors: Sequence[int], ledger: Ledger,
               mark_price: Decimal, cover: Decimal, adl_method: str = "pnl_times_leverage",
               mmr: Decimal = Decimal("0.005")) -> Deleveraging:
    """Stage 3: the unpaid part of each deficit becomes ADL at the bankruptcy price.

    The fund pays insurance = c × deficit of each. Instead of selling x = (1 − c) × size to
    the book, that size is closed at the position's bankruptcy price against the opposite
    side's profitable survivors, ranked by ``adl_method``
    ([`adl_queues`][perpcalc.insolvency.adl_queues]); bankrupt positions are served in id
    order from one shared queue per side. Each fill of ``take`` against a winner:

    * undoes the book's purchase: book −= take × s·(mark − fill);
    * closes the winner at the bankruptcy price: its equity += take × (−s)·(bp − mark);
    * cancels deficit: take × deficit/size, except that the position's last fill takes what is
      left of its unpaid deficit (the division's rounding residue with it).

    What the queue cannot take stays in ``residual``.
    """
    keys, sizes, longs = book.keys, book.sizes, book.longs
    queues = adl_queues(book, survivors, mark_price, adl_method, mmr)
    lefts = {side: list(map(sizes.__getitem__, queue)) for side, queue in queues.items()}
    # each side's queue is walked once in all: a winner closed in full stays closed, so the
    # next bankrupt position starts where the previous one stopped (a rescan from the front
    # made 100,000 positions quadratic: a minute of CPU)
    heads = dict.fromkeys(SIDES, 0)
    # the fills one after another, five cells each: (liquidation, winner's row, size closed, winner's size
    # left, deficit absorbed), taken apart by slices (a tuple a fill and zip(*) cost twice as much)
    fills: list[Any] = []
    extend = fills.extend
    residual: list[tuple[int, Decimal]] = []
    keep = ONE - cover
    rows, results, bps = liquidations.rows, liquidations.result, liquidations.bp
    insurance, adl_sizes = liquidations.insurance, liquidations.adl_size
    winner_units = [ZERO] * len(rows)  # (−s)·(bp − mark): a winner's gain per unit closed, for each served
    # the deficits (result < 0) in id order, and each one's numbers before the walk, column by column: the same
    # operations on the same numbers as one deficit at a time (none depends on the walk)
    by_id = sorted(range(len(rows)), key=list(map(keys.__getitem__, rows)).__getitem__)
    owed = list(compress(by_id, map(ZERO.__gt__, map(results.__getitem__, by_id))))  # (a Decimal 0: an int is made one)
    losses = list(map(neg, map(results.__getitem__, owed)))
    paid_each = list(map(mul, losses, repeat(cover)))
    owed_rows = list(map(rows.__getitem__, owed))
    owed_sizes = list(map(sizes.__getitem__, owed_rows))
    xs = map(mul, owed_sizes, repeat(keep))
    unpaids = map(sub, losses, paid_each)
    gaps = map(sub, map(bps.__getitem__, owed), repeat(mark_price))  # bp − mark; a long's winners gain −(bp − mark)
    for j, long, size, loss, paid, x, unpaid, gap in zip(owed, map(longs.__getitem__, owed_rows), owed_sizes, losses,
                                                         paid_each, xs, unpaids, gaps, strict=True):
        insurance[j] = paid
        if not x:  # x = size·(1 − c) ≥ 0: 0 when the fund paid all
            continue
        per_unit = None  # deficit per unit, needed only before a last fill
        if long:  # a sign changes no digit: copy_negate, as s·x would give
            other, winner_units[j] = "short", gap.copy_negate()
        else:
            other, winner_units[j] = "long", gap
        queue, left_of, head = queues[other], lefts[other], heads[other]
        end, adl_size = len(queue), ZERO
        # x and every size left stay ≥ 0 (a fill takes at most either), so "not x" is "x is 0"; the queue's
        # entries from the head on have size left (> 0: a winner's size), those before it none
        while head < end:
            left = left_of[head]
            if x < left:  # the last fill: it takes all of x, and the rest of the deficit (the rounding residue)
                left_of[head] = rest = left - x
                extend((j, queue[head], x, rest, unpaid))
                adl_size += x
                x = ZERO
                break
            # min(left, x) = left: the winner is closed in full, and the walk goes on after it
            left_of[head] = rest = left - left
            x -= left
            adl_size += left
            if not x:
                extend((j, queue[head], left, rest, unpaid))
                head += 1
                break
            if per_unit is None:
                per_unit = loss / size
            absorbed = left * per_unit
            unpaid -= absorbed
            extend((j, queue[head], left, rest, absorbed))
            head += 1
        heads[other] = head
        adl_sizes[j] = adl_size
        if x > ZERO:
            residual.append((j, x))
    served, winners, takes, rests, absorbed_each = (fills[k::5] for k in range(5))
    bankrupt = list(map(rows.__getitem__, served))
    # the ledger's running sums, each over the fills in fill order (as a loop over them adds them); the book's
    # move per unit, s·(mark − fill), is one number for each side (one fill price a side)
    fill_of = dict(zip(map(longs.__getitem__, rows), liquidations.fill, strict=True))
    book_unit = {long: (mark_price - fill if long else (mark_price - fill).copy_negate())
                 for long, fill in fill_of.items()}
    ledger.book = reduce(sub, map(mul, takes, map(book_unit.__getitem__, map(longs.__getitem__, bankrupt))),
                         ledger.book)
    ledger.shortfall = sum(absorbed_each, ledger.shortfall)
    equity = ledger.equity
    winner_keys = list(map(keys.__getitem__, winners))
    gains = map(mul, takes, map(winner_units.__getitem__, served))
    # equity[key] += gain for each fill, in fill order, without a Python loop: update() takes the pairs one at a
    # time and sets each before it asks for the next, whose equity is read only then (lazily), so a winner
    # closed by several fills adds their gains in turn, as the loop did
    equity.update(zip(winner_keys, map(add, map(equity.__getitem__, winner_keys), gains), strict=True))
    ledger.check()
    columns = dict(zip(FILL_KEYS, (winner_keys, list(map(keys.__getitem__, bankrupt)),
                                   list(map(book.sides.__getitem__, winners)), takes,
                                   list(map(bps.__getitem__, served)), rests), strict=True))
    return Deleveraging(columns, sum(takes, ZERO), sum(absorbed_each, ZERO), residual)


def socialise(book: Book, survivors: Sequence[int], ledger: Ledger) -> tuple[dict[str, Any] | None, Decimal]:
    """Stage 4: what ADL could not take is a pro-rata haircut on every survivor's profit.

    A shortfall below 1e-18 is Decimal division residue (34 significant digits), not money:
    it is written off so that no 1e-32 "loss" is socialised (the ledger check still sees
    it). Returns ([`socialized_loss`][perpcalc.insolvency.socialized_loss]'s result or
    ``None``, the amount taken).
    """
    if abs(ledger.shortfall) < RESIDUE:
        ledger.shortfall = ZERO
    to_socialise = -ledger.shortfall
    equity = ledger.equity
    social = None
    if to_socialise > 0:  # the survivors' profits are only needed then, in id order
        keys, margins = book.keys, book.margins
        profits = [{"id": keys[i], "profit": equity[keys[i]] - margins[i]}
                   for i in sorted(survivors, key=keys.__getitem__)]
        social = socialized_loss(to_socialise, profits)
    taken = ZERO
    if social is not None:
        for h in social["haircuts"]:
            equity[h["id"]] -= h["haircut"]
            taken += h["haircut"]
        ledger.shortfall += taken
    ledger.check(equity_unchanged=social is None)  # with no haircut, at most the shortfall's residue moved
    return social, taken


def insolvency_waterfall(
    positions: Positions,
    mark_price: Decimal,
    fill_price: Decimal | None = None,
    slippage: Decimal = ZERO,
    insurance_fund: Decimal = ZERO,
    mmr: Decimal = Decimal("0.005"),
    adl_method: str = "pnl_times_leverage",
    columns: bool = False,
    *,
    read: bool = False,
) -> dict[str, Any]:
    """Who is liquidated after a price move, and who pays each deficit, in order.

    A toy clearing house for one linear market (floats nowhere: money is exact):

    1. Mark every position at ``mark_price``: equity = margin + s·size·(mark − entry).
       A position is liquidated when equity ≤ mmr × size × mark.
    2. Liquidated positions are sold to the order book at ``fill_price`` (or the mark
       moved against them by ``slippage``: longs sell at mark·(1 − slip), shorts buy at
       mark·(1 + slip)). result = margin + s·size·(fill − entry): a surplus (≥ 0) goes to
       the insurance fund; a deficit (< 0) is owed.
    3. The fund (after surpluses) pays the same share c = min(1, fund / Σ deficits) of
       every deficit.
    4. The unpaid part of each deficit is turned into ADL: instead of selling x = (1 − c)
       × size to the book, that quantity is closed at the position's bankruptcy price
       against the opposite side's profitable, not-liquidated positions, ranked by
       ``adl_method`` ([`rank_positions`][perpcalc.insolvency.rank_positions]). Bankrupt positions are served in id
       order; the queue is shared.
    5. What the queue cannot take is sold to the book after all, and its deficit is
       socialised: a pro-rata haircut on every surviving winner's profit
       ([`socialized_loss`][perpcalc.insolvency.socialized_loss]). Anything beyond all profits is bad debt.

    A ledger (every trader's equity at mark or in cash, the fund, the book's
    mark-to-market on what it bought, and the unpaid shortfall) must hold the same
    total after each step; ``imbalance`` is the largest difference seen.

    Sources: BitMEX "Liquidation" and "Auto-Deleveraging" pages; dYdX "Contract loss
    mechanisms" (fund first, then deleveraging at the bankruptcy price).

    Each stage is its own function over one [`Ledger`][perpcalc.insolvency.Ledger] and the positions in
    columns, a [`Book`][perpcalc.insolvency.Book] ([`mark_book`][perpcalc.insolvency.mark_book], 1; no object is
    made for each position: the calculator takes up to its ``WATERFALL_MAX``):
    [`liquidate_at_fill`][perpcalc.insolvency.liquidate_at_fill] (1–2),
    [`cover_from_fund`][perpcalc.insolvency.cover_from_fund] (3),
    [`deleverage`][perpcalc.insolvency.deleverage] (4) and
    [`socialise`][perpcalc.insolvency.socialise] (5).

    ``positions`` are rows (``id``, ``side``, ``size``, ``entry_price``, ``margin``) or those five
    columns (column name → cells, as the calculator's reader gives them: no row is built).

    ``liquidated`` (a row of ``LIQUIDATED_KEYS`` for each liquidated position, in input order)
    and ``adl_fills`` (a row of ``FILL_KEYS`` for each fill, in fill order) are lists of rows;
    with ``columns=True`` each is instead a dict of columns (key → list of cells), the same
    numbers without a row built for each (a waterfall can liquidate tens of thousands of positions).
    ``read=True`` says that the positions are the calculator's reader's columns, checked there
    ([`mark_book`][perpcalc.insolvency.mark_book]).

    Examples
    --------
    dYdX's: A long and B short 500 at 1, each with 100; mark 2, no book (fill at 2, an
    empty fund): B's deficit is 400; A is closed for 500 at 1.2 and ends with 200 (+100),
    B with 0, and nothing is socialised.

    >>> out = insolvency_waterfall(
    ...     [{"id": "A", "side": "long", "size": Decimal(500), "entry_price": Decimal(1), "margin": Decimal(100)},
    ...      {"id": "B", "side": "short", "size": Decimal(500), "entry_price": Decimal(1), "margin": Decimal(100)}],
    ...     mark_price=Decimal(2), fill_price=Decimal(2))
    >>> out["total_deficit"], out["adl_absorbed"], out["final_equity"]["A"], out["socialized"], out["imbalance"]
    (Decimal('400'), Decimal('400'), Decimal('200.0'), Decimal('0'), Decimal('0'))
    """
    if mark_price <= 0:
        raise InputError("mark_price", "mark price must be > 0")
    book = mark_book(positions, mark_price, read=read)
    fills = {side: fill_price if fill_price is not None else
             (mark_price * (ONE - slippage) if side == "long" else mark_price * (ONE + slippage)) for side in SIDES}
    if any(f <= 0 for f in fills.values()):
        raise InputError("slippage", "slippage must leave the fill price above 0")
    ledger = Ledger(dict(zip(book.keys, book.equities, strict=True)), insurance_fund)

    liquidated = liquidate_at_fill(book, ledger, mark_price, mmr, fills)
    surplus_total = sum(filter(ZERO.__lt__, liquidated.result), ZERO)
    total_deficit = -ledger.shortfall
    fund_before_cover = ledger.fund
    cover, insurance_used = cover_from_fund(ledger)
    survivors = list(filterfalse(set(liquidated.rows).__contains__, range(len(book.keys))))
    adl = deleverage(liquidated, book, survivors, ledger, mark_price, cover, adl_method, mmr)
    social, socialised = socialise(book, survivors, ledger)
    bad_debt = -ledger.shortfall if abs(ledger.shortfall) >= RESIDUE else ZERO

    # the liquidated positions in input order, column by column
    table = [list(map(column.__getitem__, liquidated.rows)) for column in (book.keys, book.sides, book.sizes,
                                                                           book.equities)] + [
        liquidated.mm, liquidated.bp, liquidated.fill, liquidated.result, liquidated.insurance, liquidated.adl_size]
    if columns:
        rows: Any = dict(zip(LIQUIDATED_KEYS, table, strict=True))
        fill_table: Any = adl.fill_columns
    else:
        rows = list(map(dict, map(zip, repeat(LIQUIDATED_KEYS), zip(*table, strict=True))))
        fill_table = adl.fills
    steps = [
        {"step": 1, "stage": "Deficits at the fill", "amount": -total_deficit, "unpaid": total_deficit},
        {"step": 2, "stage": "Insurance fund", "amount": insurance_used, "unpaid": total_deficit - insurance_used},
        {"step": 3, "stage": "ADL at the bankruptcy price", "amount": adl.absorbed,
         "unpaid": total_deficit - insurance_used - adl.absorbed},
        {"step": 4, "stage": "Socialised haircut", "amount": socialised, "unpaid": bad_debt},
    ]
    return {
        "liquidated": rows,
        "surplus": surplus_total,
        "total_deficit": total_deficit,
        "insurance_fund_before": fund_before_cover,
        "insurance_used": insurance_used,
        "insurance_fund_after": ledger.fund,
        "adl_closed": adl.closed,
        "adl_absorbed": adl.absorbed,
        "adl_fills": fill_table,
        "socialized": socialised,
        "haircut_rate": social["haircut_rate"] if social else ZERO,
        "bad_debt": bad_debt,
        "imbalance": ledger.imbalance,
        "final_equity": ledger.equity,
        "book": ledger.book,
        "steps": steps,
        "residual_size": sum((x for _j, x in adl.residual), ZERO),
    }


# ------------------------------------------------------------------ calculator specs


