from __future__ import annotations

from decimal import Decimal
from typing import Any

from .._errors import InputError
from .._num import ZERO, opposite
from .._spec import REQUIRED, Calculator, Field, Output
from ..display import format_number, format_percent, format_significant
from ..insolvency import (
    MARGIN_MODES,
    SIDES,
    SOCIAL_METHODS,
    TOLERANCE,
    adl_execution,
    adl_outlook,
    insolvency_waterfall,
    liquidation_outcome,
    rank_position_columns,
    socialized_loss,
)
from ..parse import Columns
from ..venues import (
    ADL_VENUES,
    VENUES,
    binance,
    bitmex,
    bybit,
    dydx,
    hyperliquid,
    okx,
    quote_label,
    settlement_label,
)
from .fields import CURRENCY_OUTPUT, QUOTE_OUTPUT, field, with_currency

#: the venues whose ADL ranking is modelled (the choice of ranking formula)
ADL_CHOICES = tuple(ADL_VENUES)
SIDE = field("side", label="Side of the liquidated position")


CONTRACT = field("contract", advanced=True)  # inverse contracts are the rarer case


CONTRACT_VALUE = field("contract_value")


PRICE = {"unit": "quote", "min": 0, "min_open": True}


def _liquidation_outcome_calc(v: dict[str, Any]) -> dict[str, Any]:
    side, entry, bp = v["side"], v["entry_price"], v["bankruptcy_price"]
    if side == "long" and bp >= entry:
        raise InputError("bankruptcy_price", "a long's bankruptcy price must be below its entry price")
    if side == "short" and bp <= entry:
        raise InputError("bankruptcy_price", "a short's bankruptcy price must be above its entry price")
    out = liquidation_outcome(
        side, v["size"], bp, v["fill_price"], v["contract"], v["contract_value"], v["insurance_fund"]
    )
    unit = "base coin" if v["contract"] == "inverse" else "quote"
    if out["surplus"] > 0:
        text = (
            f"The fill is better than bankruptcy: {format_number(out['surplus'], 6)} ({unit}) of leftover margin goes "
            f"to the insurance fund, which grows to {format_number(out['insurance_fund_after'], 6)}."
        )
    elif out["deficit"] == 0:
        text = "The fill is exactly at the bankruptcy price: the margin is used up and nobody else pays."
    elif out["uncovered_loss"] == 0:
        text = (
            f"The fill is worse than bankruptcy: a deficit of {format_number(out['deficit'], 6)} ({unit}), paid "
            f"in full "
            f"by the insurance fund, which falls to {format_number(out['insurance_fund_after'], 6)}."
        )
    else:
        text = (
            f"The fill is worse than bankruptcy: a deficit of {format_number(out['deficit'], 6)} ({unit}); the "
            f"fund pays "
            f"{format_number(v['insurance_fund'], 6)} and {format_number(out['uncovered_loss'], 6)} is left "
            f"uncovered: the venue "
            "now turns to auto-deleveraging (or, historically, a socialised loss)."
        )
    return {**out, "summary": text}


liquidation_outcome_calculator = Calculator(
    name="liquidation_outcome",
    title="Liquidation surplus or deficit",
    summary=(
        "Where a liquidation fills against the bankruptcy price decides who pays: a better fill leaves a surplus "
        "for the insurance fund, a worse one a deficit the fund must cover, and what it cannot cover goes on to "
        "auto-deleveraging."
    ),
    terms=("liquidation-deficit", "forced-liquidation-patterns", "socialized-loss"),
    function="perpcalc.insolvency.liquidation_outcome",
    notes=(
        "The whole surplus goes to the insurance fund (BitMEX, Binance); venues that hand leftover margin "
        "back to the trader differ. Inverse contracts settle in the base coin."
    ),
    inputs=(
        SIDE,
        field("size"),
        Field("entry_price", "Entry price", **PRICE),
        Field("bankruptcy_price", "Bankruptcy price", help="where the position's equity is zero", **PRICE),
        Field("fill_price", "Liquidation fill price", help="the average price the liquidation order got", **PRICE),
        CONTRACT,
        CONTRACT_VALUE,
        Field("insurance_fund", "Insurance fund before", unit="settlement currency", default=ZERO, min=0),
        field("settle"),
    ),
    outputs=(
        Output("surplus", "Surplus to the insurance fund (fill better than bankruptcy)", unit="settlement currency"),
        Output("deficit", "Deficit (fill worse than bankruptcy)", unit="settlement currency"),
        Output("insurance_fund_after", "Insurance fund after", unit="settlement currency"),
        Output("uncovered_loss", "Loss the fund cannot cover (goes to ADL)", unit="settlement currency"),
        Output("summary", "In short", format="text"),
        CURRENCY_OUTPUT,
        QUOTE_OUTPUT,
    ),
    compute=with_currency(_liquidation_outcome_calc),
    examples={
        "default": {
            "side": "long",
            "size": "1",
            "entry_price": "20000",
            "bankruptcy_price": "19600",
            "fill_price": "19400",
            "insurance_fund": "150",
        },
        "surplus": {
            "side": "long",
            "size": "1",
            "entry_price": "20000",
            "bankruptcy_price": "19600",
            "fill_price": "19700",
            "insurance_fund": "150",
        },
        "inverse_short": {
            "side": "short",
            "size": "10000",
            "entry_price": "10000",
            "bankruptcy_price": "10500",
            "fill_price": "10600",
            "contract": "inverse",
            "insurance_fund": "0.005",
        },
    },
)


# Ranking is computed in floats (see rank_positions), so the number columns stay floats
# (exact=False): 100,000 rows skip a Decimal conversion they would not use.
POSITION_COLUMNS = (
    Field("id", "Id", type="text"),
    field("side", default=REQUIRED),
    field("size", label="Size", unit="base units or contracts", exact=False),
    Field("entry_price", "Entry price", **PRICE, exact=False),
    Field("mark_price", "Mark price", **PRICE, exact=False),
    Field(
        "margin",
        "Margin",
        unit="settlement currency",
        min=0,
        exact=False,
        help="collateral backing the position (isolated margin, or its share of a cross account)",
    ),
)


ADL_SCORE_CALCULATOR = "adl_score"


def _adl_ranking_calc(v: dict[str, Any]) -> dict[str, Any]:
    # the positions come from the reader as POSITION_COLUMNS say: finite floats, sizes and prices > 0, margins ≥ 0
    ranked = rank_position_columns(v["positions"], ADL_VENUES[v["method"]], v["contract"], v["contract_value"],
                                   v["mmr"], read=True)
    counts = {side: ranked["side"].count(side) for side in SIDES}  # two passes in C, no dict update a row
    if max(counts.values()) < 2:
        raise InputError(
            "positions",
            "a ranking needs the other traders' positions: with one position per side there is no queue to "
            "place anyone in, so nobody here can be called first in line. Add the other positions of the book, "
            f"or see your own score and what lowers it in “Your ADL score” ({ADL_SCORE_CALCULATOR}, on the ADL "
            "ranking page).",
        )
    # the ranking lists each side's queue whole, longs first: a side's rows start here
    start = {"long": 0, "short": counts["long"]}
    ids, scores = ranked["id"], ranked["score"]
    heads = "; ".join(f"{side}s: {ids[start[side]]} (score {format_significant(float(scores[start[side]]))})"
                      for side in SIDES if counts[side] >= 2)
    parts = [f"First in line to be deleveraged among these positions — {heads}."]
    for side in SIDES:
        if counts[side] == 1:
            alone = ids[start[side]]
            parts.append(f"{alone} is the only {side} here: a queue of one ranks nothing, so its place and lights "
                         f"say nothing until the other {side}s are added.")
        elif counts[side] == 0:
            parts.append(f"Nobody here is {side}: this book's {opposite(side)}s can only be deleveraged against a "
                         f"bankrupt {side} from outside it.")
    parts.append("A long is only deleveraged against a bankrupt short, and a short against a bankrupt long.")
    text = " ".join(parts)
    # the chart: each side's scores in queue order (the first 500 places of each queue)
    by_side = {side: scores[start[side]:start[side] + min(500, counts[side])] for side in SIDES}
    queue = [
        {
            "place": i + 1,
            "long": by_side["long"][i] if i < len(by_side["long"]) else None,
            "short": by_side["short"][i] if i < len(by_side["short"]) else None,
        }
        for i in range(max(len(q) for q in by_side.values()))
    ]
    return {"ranking": Columns(ranked), "queue": queue, "summary": text}


adl_ranking_calculator = Calculator(
    name="adl_ranking",
    title="ADL ranking",
    summary=(
        "Who is deleveraged first: each side's positions ranked by the venue's score of profit and leverage, "
        "with the five-light indicator venues show."
    ),
    terms=("adl-ranking", "auto-deleveraging"),
    function="perpcalc.insolvency.rank_position_columns",
    notes=(
        "bitmex: PnL% × effective leverage (÷ when losing); hyperliquid: (mark/entry) × (notional/account value), "
        "entry/mark for shorts (our reading); binance: max(0, PnL)/max(1, wallet) × maintenance/equity (2019 "
        "FAQ). Ties go to the larger position, then the lower id. Lights: cumulative size share rounded up "
        "to 20 % (5 = the first 20 %)."
    ),
    inputs=(
        Field("method", "Ranking formula", type="choice", choices=ADL_CHOICES, default=bitmex.KEY),
        Field(
            "positions",
            "Positions",
            type="list",
            columns=POSITION_COLUMNS,
            min_items=1,
            help="side long or short; size in base units or contracts, prices in the quote currency, margin in the "
            "settlement currency",
            accepts=("positions",),
            columnar=True,
        ),
        CONTRACT,
        CONTRACT_VALUE,
        field(
            "mmr", label="Maintenance margin rate (binance)", max_open=False, help="used by the binance formula only",
            when={"method": tuple(k for k, m in ADL_VENUES.items() if m == "pnl_over_margin")},
        ),
    ),
    outputs=(
        Output(
            "ranking",
            "ADL queues (first = deleveraged first)",
            format="table",
            columns=(
                Output("side", "Side", format="text"),
                Output("rank", "Place in queue", format="integer"),
                Output("id", "Id", format="text"),
                Output("score", "Score", places=6),
                Output("quantile", "Lights (5 = first in line)", format="integer"),
                Output("size", "Size", places=8),
            ),
        ),
        Output(
            "queue",
            "Score by place in each queue",
            format="series",
            columns=(
                Output("place", "Place in queue", format="integer"),
                Output("long", "Longs' score", places=6),
                Output("short", "Shorts' score", places=6),
            ),
            chart={
                "x": "place",
                "y": ["long", "short"],
                "kind": "bar",
                "title": "ADL queues: score by place (place 1 is deleveraged first)",
                "x_label": "Place in queue (1 = deleveraged first)",
                "y_label": "ADL score (formula's units)",
            },
        ),
        Output("summary", "In short", format="text"),
    ),
    compute=_adl_ranking_calc,
    examples={
        "default": {
            "method": bitmex.KEY,
            "positions": (
                "id, side, size, entry_price, mark_price, margin\n"
                "A, long, 2, 100, 110, 20\n"
                "B, long, 1, 100, 110, 5\n"
                "C, long, 3, 105, 110, 60\n"
                "D, long, 1, 120, 110, 30\n"
                "E, short, 2, 100, 110, 40\n"
                "F, short, 1, 115, 110, 10"
            ),
        },
        hyperliquid.KEY: {
            "method": hyperliquid.KEY,
            "positions": (
                "id, side, size, entry_price, mark_price, margin\n"
                "A, long, 2, 100, 110, 20\nB, long, 1, 100, 110, 5\nC, short, 1, 115, 110, 10\n"
                "D, short, 2, 100, 110, 40"
            ),
        },
        binance.KEY: {
            "method": binance.KEY,
            "mmr": "0.01",
            "positions": (
                "id, side, size, entry_price, mark_price, margin\n"
                "A, long, 2, 100, 110, 20\nB, long, 1, 100, 110, 5\nC, long, 1, 120, 110, 30"
            ),
        },
    },
)


#: Venues whose loss records describe a queue ranked by profit and leverage; the score's
#: formula is the venue's own where its record names one (``ADL_VENUES``), else BitMEX's.
OWN_SCORE_VENUES = tuple(m.KEY for m in (bitmex, binance, bybit, okx, hyperliquid) if VENUES[m.KEY].loss)
#: each ranking kernel's formula, as the reader reads it
METHOD_TEXT = {
    "pnl_times_leverage": "PnL % × effective leverage (PnL % ÷ effective leverage when losing)",
    "price_ratio_leverage": "(mark ÷ entry) × (notional ÷ account value); entry ÷ mark for a short (this site's "
    "reading)",
    "pnl_over_margin": "max(0, PnL) ÷ max(1, wallet) × maintenance margin ÷ equity",
}


def _adl_score_calc(v: dict[str, Any]) -> dict[str, Any]:
    size, entry, mark = float(v["size"]), float(v["entry_price"]), float(v["mark_price"])
    if v["margin"] is not None:
        margin = float(v["margin"])
    else:
        entry_value = size * float(v["contract_value"]) / entry if v["contract"] == "inverse" else size * entry
        margin = entry_value / float(v["leverage"])
    method, venue = v["method"], VENUES[v["venue"]]
    try:
        out = adl_outlook(ADL_VENUES[method], v["side"], size, entry, mark, margin, v["margin_mode"],
                          v["contract"], float(v["contract_value"]), float(v["mmr"]))
    except InputError as exc:
        if exc.field == "margin" and v["margin"] is None:
            raise InputError("leverage", exc.message + " (lower the leverage or give a margin)") from None
        raise
    loss = venue.loss
    assert loss is not None  # ADL_VENUES holds venues with a loss record only
    rule = f"{venue.name}: {loss.adl_text} (as of {loss.as_of}; confidence {loss.confidence})."
    if v["venue"] not in ADL_VENUES:
        if method != bitmex.KEY:
            raise InputError("method", f"{venue.name} publishes no formula this site can reproduce, so its score is "
                             "only estimated with the bitmex form; choose bitmex, or choose the venue whose formula "
                             "you want to use")
        rule += (f" This site's record for {venue.name} names no formula it can reproduce exactly, so the score here "
                 f"uses the {method} formula: read it as an estimate of how {venue.name} ranks you.")
    elif v["venue"] != method:
        rule += f" The score here uses the {method} formula, not {venue.name}'s own."
    score, half_lev, half_closed = out["score"], out["score_half_leverage"], out["score_half_closed"]
    coin = " in the base coin" if v["contract"] == "inverse" else ""
    if out["upnl"] > 0:
        gain = format_percent(out["pnl_percent"], 2, fixed=False)
        standing = (f"You are in profit ({gain} of the entry value), so you are in your side's queue: the higher "
                    "your score, the nearer the front.")
    elif score > 0:
        standing = ("You are not in profit, but this formula still gives you a positive score (it weighs leverage "
                    "as well as profit), so you are not necessarily at the back of the queue.")
    else:
        standing = ("You are not in profit, so this formula puts you behind every winner on your side: the queue "
                    "reaches you only after all of them have been closed.")
    if half_closed == score:
        closed_note = "the same score on half the size: the same place in the queue, with half as much to close"
    elif v["margin_mode"] == "cross":
        closed_note = "the realised profit stays in the account behind the rest, so its leverage falls"
    else:
        closed_note = "a lower score"
    summary = (
        f"ADL score {format_number(score, 6)} by the {method} formula, at an effective leverage of "
        f"{format_number(out['effective_leverage'], 2)}x. {standing} Halving your effective leverage (adding "
        f"{format_number(out['margin_to_halve'], 2)} of margin{coin}) takes the score to "
        f"{format_number(half_lev, 6)}; closing half the position at the mark takes it to "
        f"{format_number(half_closed, 6)} ({closed_note})."
    )
    indicator = (
        "A venue's lights or quantile compare your score with every other score on your side: five lights (or "
        "the top quantile) means you are in the front fifth of your side's queue, a fifth of the position size on "
        "BitMEX (as this site reads its text) and a fifth of the traders on Binance. A score alone cannot give "
        "your lights, because the other traders' positions are known only to the venue, so none is shown here; "
        "the venue's own indicator is the place to read it. Lower leverage (more margin) and less unrealised "
        "profit move you back. The queue is used when a position on the other side goes bankrupt with a loss the "
        "venue stops carrying: on BitMEX and Binance once the insurance fund cannot cover it, on Bybit, OKX and "
        "Hyperliquid already when a drawdown threshold is crossed, while the fund still holds money."
    )
    return {**{k: out[k] for k in ("score", "pnl_percent", "effective_leverage", "margin_to_halve",
                                   "score_half_leverage", "score_half_closed")},
            "margin_used": margin, "formula": METHOD_TEXT[ADL_VENUES[method]], "venue_rule": rule, "summary": summary,
            "indicator": indicator, "currency_label": settlement_label(v["venue"], v["contract"]),
            "quote_label": quote_label(v["venue"], v["contract"])}


adl_score_calculator = Calculator(
    name=ADL_SCORE_CALCULATOR,
    title="Your ADL score",
    summary=(
        "How your own position stands in the auto-deleveraging queue: its score by your venue's formula, what "
        "the venue's lights mean, and how much lowering leverage or closing half moves you back."
    ),
    terms=("adl-ranking", "auto-deleveraging"),
    function="perpcalc.insolvency.adl_outlook",
    notes=(
        "Scores come from the same kernel as the ADL ranking. Halving leverage adds margin equal to the equity; "
        "closing half keeps half the margin in isolated mode, and the realised PnL in the account in cross mode. "
        "Bybit publishes no formula, and OKX's (PnL % × effective leverage) says nothing of losing positions: "
        "both are scored with the bitmex form only, as an estimate, and another formula is refused for them."
    ),
    inputs=(
        field("venue", label="Venue", choices=OWN_SCORE_VENUES, default=bitmex.KEY,
              help="whose ranking rule to use; the formula follows the venue where its record names one"),
        field("side"),
        field("size"),
        field("entry_price"),
        field("mark_price"),
        field("leverage", help="initial margin = entry value / leverage (ignored when a margin is given)"),
        Field(
            "margin",
            "Margin",
            unit="settlement currency",
            default=None,
            min=0,
            min_open=True,
            help="the isolated margin, or in cross the wallet balance without unrealised PnL (BitMEX's wallet "
            "balance, Binance's wallet balance; not a margin balance or account value, which already hold the "
            "profit); wins over leverage when given",
        ),
        Field("margin_mode", "Margin mode", type="choice", choices=MARGIN_MODES, default="isolated",
              help="where the profit goes when you close part: out of the position (isolated) or into the account "
              "behind it (cross)"),
        Field("method", "Ranking formula", type="choice", choices=ADL_CHOICES, default=bitmex.KEY, advanced=True,
              help="set by the venue where its record names one; otherwise bitmex, PnL % × effective leverage (the "
              "only formula accepted for venues without their own)"),
        CONTRACT,
        CONTRACT_VALUE,
        field("mmr", label="Maintenance margin rate (binance)", max_open=False,
              help="used by the binance formula only; above the first bracket give the effective rate, maintenance "
              "margin ÷ notional after the maintenance amount",
              when={"method": tuple(k for k, m in ADL_VENUES.items() if m == "pnl_over_margin")}),
    ),
    outputs=(
        Output("score", "Your ADL score (higher = nearer the front)", places=6),
        Output("effective_leverage", "Effective leverage (mark value ÷ equity)", unit="x", places=2),
        Output("pnl_percent", "Unrealised PnL as % of entry value", format="percent", places=2),
        Output("score_half_leverage", "Score after halving effective leverage (adding margin)", places=6),
        Output("margin_to_halve", "Margin to add to halve effective leverage", unit="settlement currency",
               places=4),
        Output("score_half_closed", "Score after closing half at the mark", places=6),
        Output("margin_used", "Margin behind the position", unit="settlement currency", places=4),
        Output("summary", "In short", format="text"),
        Output("indicator", "What the lights mean, and why none is shown", format="text"),
        Output("venue_rule", "Your venue's rule", format="text"),
        Output("formula", "Formula used", format="text"),
        CURRENCY_OUTPUT,
        QUOTE_OUTPUT,
    ),
    compute=_adl_score_calc,
    presets={"venue": {k: {"method": k if k in ADL_VENUES else bitmex.KEY} for k in OWN_SCORE_VENUES}},
    examples={
        "default": {"venue": bitmex.KEY, "side": "long", "size": "1", "entry_price": "60000",
                    "mark_price": "66000", "leverage": "10"},
        "cross": {"venue": bitmex.KEY, "side": "long", "size": "1", "entry_price": "60000", "mark_price": "66000",
                  "margin": "6000", "margin_mode": "cross"},
        hyperliquid.KEY: {"venue": hyperliquid.KEY, "side": "short", "size": "10", "entry_price": "3000",
                        "mark_price": "2700", "leverage": "20"},
        "losing": {"venue": bitmex.KEY, "side": "long", "size": "1", "entry_price": "60000",
                   "mark_price": "57000", "leverage": "10"},
    },
)


def _adl_execution_calc(v: dict[str, Any]) -> dict[str, Any]:
    seen: set[str] = set()
    for row in v["queue"]:
        if row["id"] in seen:
            raise InputError("queue", f"queue id {row['id']!r} appears twice")
        seen.add(row["id"])
    out = adl_execution(v["size"], v["bankruptcy_price"], v["queue"])
    other = opposite(v["side"])
    if out["unfilled"] > 0:
        tail = (
            f"The queue holds only {format_number(out['closed'], 8)}: {format_number(out['unfilled'], 8)} stays "
            f"unfilled and "
            "must be met another way (insurance fund, a socialised loss)."
        )
    else:
        tail = "The bankrupt position is fully covered."
    text = (
        f"{len(out['fills'])} {other} position{'s' if len(out['fills']) != 1 else ''} closed for "
        f"{format_number(out['closed'], 8)} at the bankruptcy price {format_number(v['bankruptcy_price'])}. {tail}"
    )
    return {**out, "summary": text}


adl_execution_calculator = Calculator(
    name="adl_execution",
    title="ADL execution",
    summary=(
        "Closes a bankrupt position against the ranked queue of opposite positions at its bankruptcy price, "
        "from the front of the queue, until it is covered."
    ),
    terms=("auto-deleveraging", "adl-ranking"),
    function="perpcalc.insolvency.adl_execution",
    notes="Closes at the bankruptcy price (BitMEX, Binance, Bybit, dYdX). OKX's 2025 rules use the mark price "
    "unless the fund is nearly empty; Hyperliquid's current docs say the previous mark price.",
    inputs=(
        field("side", label="Side of the bankrupt position", default="short"),
        field("size", label="Bankrupt size to close", unit="base units or contracts"),
        Field("bankruptcy_price", "Bankruptcy price", **PRICE),
        Field(
            "queue",
            "Opposite positions, in ADL order",
            type="list",
            min_items=1,
            columns=(
                Field("id", "Id", type="text"),
                field("size", label="Size", unit="base units or contracts"),
            ),
            help="the positions in ADL order: the first row is deleveraged first (see ADL ranking)",
        ),
    ),
    outputs=(
        Output(
            "fills",
            "ADL fills",
            format="table",
            columns=(
                Output("id", "Id", format="text"),
                Output("size_closed", "Size closed"),
                Output("price", "Price (the bankruptcy price)"),
                Output("remaining", "Position left open"),
            ),
        ),
        Output("unfilled", "Bankrupt size the queue could not take"),
        Output("closed", "Total size closed"),
        Output("summary", "In short", format="text"),
    ),
    compute=_adl_execution_calc,
    examples={
        "default": {
            "side": "short",
            "size": "20",
            "bankruptcy_price": "650",
            "queue": "id, size\n2, 10\n5, 20\n4, 30\n1, 10\n6, 10\n3, 20",
        },
        "short_queue": {"side": "long", "size": "50", "bankruptcy_price": "1.2", "queue": "id, size\nA, 30"},
    },
)


def _socialized_loss_calc(v: dict[str, Any]) -> dict[str, Any]:
    ids = [row["id"] for row in v["profits"]]
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        for i in ids:
            if i in seen:
                raise InputError("profits", f"id {i!r} appears twice")
            seen.add(i)
    out = socialized_loss(v["deficit"], v["profits"], v["method"], v["insurance_fund"], v["venue_injection"])
    rows = list(map(dict, out["haircuts"]))  # each with id, profit, haircut, profit_after
    if out["total_profit"] == 0:
        text = "Nobody has a profit to share the loss: all of it stays uncovered."
    else:
        text = (
            f"Every winner gives up {float(out['haircut_rate']) * 100:.4g} % of their profit: "
            f"{format_number(out['total_haircut'])} in all."
        )
        if out["uncovered"] > 0:
            text += f" Profits are not enough: {format_number(out['uncovered'])} stays uncovered."
    if v["method"] == "okx_2018_clawback":
        text = f"After the fund and the venue's injection, {format_number(out['loss'])} is clawed back. " + text
    return {
        "haircut_rate": out["haircut_rate"],
        "haircuts": rows,
        "total_haircut": out["total_haircut"],
        "uncovered": out["uncovered"],
        "summary": text,
    }


socialized_loss_calculator = Calculator(
    name="socialized_loss",
    title="Socialised loss (profit haircut)",
    summary=(
        "Shares a loss the insurance fund cannot pay over the winners, as the same percentage of every "
        "winner's profit: the rule behind BitMEX's 2015 profit equalisation and OKEx's 2018 clawback."
    ),
    terms=("socialized-loss", "bad-debt-mutualization"),
    function="perpcalc.insolvency.socialized_loss",
    notes=(
        "okx_2018_clawback subtracts the fund and the venue's injection first (OKEx put in 2,500 BTC); "
        "bitmex_2015_dpe cut realised profit at settlement (replaced by ADL on 2016-10-03). Rows with zero "
        "or negative profit pay nothing."
    ),
    inputs=(
        Field("deficit", "Loss to share", unit="settlement currency", min=0),
        Field(
            "profits",
            "Winners' profits",
            type="list",
            min_items=1,
            columns=(
                Field("id", "Id", type="text"),
                Field("profit", "Profit", unit="settlement currency"),
            ),
            help="profits in the settlement currency; an account with a negative profit is a net loser and pays "
            "nothing",
        ),
        Field("method", "Rule", type="choice", choices=SOCIAL_METHODS, default="pro_rata"),
        Field(
            "insurance_fund",
            "Insurance fund cover (okx_2018_clawback)",
            unit="settlement currency",
            default=ZERO,
            min=0,
            when={"method": ("okx_2018_clawback",)},
        ),
        Field(
            "venue_injection",
            "Venue's own injection (okx_2018_clawback)",
            unit="settlement currency",
            default=ZERO,
            min=0,
            when={"method": ("okx_2018_clawback",)},
        ),
        field("settle", default="quote currency"),
    ),
    outputs=(
        Output("haircut_rate", "Haircut rate (share of each profit taken)", format="percent", places=4),
        Output(
            "haircuts",
            "Haircuts",
            format="table",
            columns=(
                Output("id", "Id", format="text"),
                Output("profit", "Profit before"),
                Output("haircut", "Haircut (taken)"),
                Output("profit_after", "Profit after"),
            ),
        ),
        Output("total_haircut", "Total taken from winners", unit="settlement currency"),
        Output("uncovered", "Left uncovered (beyond all profits)", unit="settlement currency"),
        Output("summary", "In short", format="text"),
        CURRENCY_OUTPUT,
    ),
    compute=with_currency(_socialized_loss_calc),
    examples={
        "default": {"deficit": "300", "profits": "id, profit\nA, 1000\nB, 500\nC, 1500\nD, -200"},
        "okx_2018": {
            "method": "okx_2018_clawback",
            "deficit": "3710",
            "insurance_fund": "10",
            "venue_injection": "2500",
            "profits": "id, profit\nfund_1, 2500\ndesk_2, 1800\nwhale_3, 1400\nretail, 1000",
        },
        "bitmex_2015_dpe": {"method": "bitmex_2015_dpe", "deficit": "24", "profits": "id, profit\nA, 50\nB, 30\nC, 20"},
    },
)


WATERFALL_COLUMNS = (
    Field("id", "Id", type="text"),
    field("side", default=REQUIRED),
    field("size", label="Size", unit="base units"),
    Field("entry_price", "Entry price", **PRICE),
    Field("margin", "Margin", unit="quote", min=0),
)


#: at most this many positions (not the 100,000 of other lists): each liquidation with a deficit is replayed
#: fill by fill in exact 34-digit arithmetic, about 12 µs of CPU a position in CPython and 19 µs in the browser's
#: Pyodide, so 100,000 positions of distinct numbers took 1.23 s and 1.94 s (2026-12-07), over the 1 s of CPU a
#: calculator may take at its declared maximum (`make bench`'s budgets); 50,000 take 0.59–0.72 s and 0.92 s
WATERFALL_MAX = 50_000

FILL_COLUMNS = ("id", "against", "size_closed", "price", "remaining")  # of each ADL fill, as the table shows it


def _waterfall_tables(out: dict[str, Any]) -> tuple[Columns, Columns]:
    """The liquidated positions and the ADL fills as the math gave them, in columns (``WATERFALL_MAX``
    rows each at most), the fills without their side.

    Each number is written as ``output_json`` writes a Decimal, ``float()``, but only once
    where the same number is in many cells: a fill's price is the bankruptcy price of the
    position it serves (written once in that position's row), and every fill price is one of
    the two sides' fill prices. A fill that closes its winner in full leaves it 0, and closes
    what the winner's previous fill left it (the same number, or the winner's size if it had none)."""
    liquidated = Columns(out["liquidated"])
    fills = Columns((k, out["adl_fills"][k]) for k in FILL_COLUMNS)
    liquidated["bankruptcy_price"] = bps = list(map(float, liquidated["bankruptcy_price"]))
    fills["price"] = list(map(dict(zip(liquidated["id"], bps, strict=True)).__getitem__, fills["against"]))
    fill_prices = {price: float(price) for price in set(liquidated["fill_price"])}
    liquidated["fill_price"] = list(map(fill_prices.__getitem__, liquidated["fill_price"]))
    closed: list[float] = []
    remaining: list[float] = []
    left: dict[str, float] = {}  # each winner's size left after its last fill so far, written
    for winner, size, rest in zip(fills["id"], fills["size_closed"], fills["remaining"], strict=True):
        if rest:
            left[winner] = rest_f = float(rest)
            closed.append(float(size))
            remaining.append(rest_f)
        else:  # rest = left − left, +0
            closed.append(left[winner] if winner in left else float(size))
            remaining.append(0.0)
    fills["size_closed"], fills["remaining"] = closed, remaining
    return liquidated, fills


def _waterfall_calc(v: dict[str, Any]) -> dict[str, Any]:
    out = insolvency_waterfall(
        v["positions"], v["mark_price"], v["fill_price"], v["slippage"], v["insurance_fund"], v["mmr"],
        ADL_VENUES[v["adl_method"]], columns=True, read=True,
    )  # the positions come from the reader as WATERFALL_COLUMNS say: checked there
    ok = out["imbalance"] <= TOLERANCE
    # the check's tolerance (TOLERANCE, a billionth) is the code's business, not the reader's
    conserved = (
        "yes: the ledger (traders, fund, book, shortfall) holds the same total after every step"
        if ok
        else f"NO: the ledger's total (traders, fund, book, shortfall) moved by {format_number(out['imbalance'])}"
        " at one step"
    )
    n = len(out["liquidated"]["id"])
    parts = [f"{n} position{'s' if n != 1 else ''} liquidated"]
    if out["surplus"] > 0:
        parts.append(f"surpluses of {format_number(out['surplus'])} go to the fund")
    if out["total_deficit"] > 0:
        parts.append(
            f"deficits of {format_number(out['total_deficit'])}: the fund pays {format_number(out['insurance_used'])}"
        )
        if out["adl_absorbed"] > 0:
            parts.append(
                f"ADL closes {format_number(out['adl_closed'], 6)} of winners' positions at the bankruptcy price, "
                f"absorbing {format_number(out['adl_absorbed'])}"
            )
        if out["socialized"] > 0:
            parts.append(f"{format_number(out['socialized'])} is socialised over the remaining winners")
        if out["bad_debt"] > 0:
            parts.append(f"{format_number(out['bad_debt'])} is left as bad debt")
    elif n:
        parts.append("no deficit, so no ADL")
    liquidated, fills = _waterfall_tables(out)
    return {
        "liquidated": liquidated,
        "total_deficit": out["total_deficit"],
        "insurance_used": out["insurance_used"],
        "insurance_fund_after": out["insurance_fund_after"],
        "adl_closed": out["adl_closed"],
        "adl_fills": fills,
        "socialized": out["socialized"],
        "bad_debt": out["bad_debt"],
        "conserved": conserved,
        "steps": [{**s, "amount": float(s["amount"]), "unpaid": float(s["unpaid"])} for s in out["steps"]],
        "summary": "; ".join(parts) + ".",
    }


insolvency_waterfall_calculator = Calculator(
    name="insolvency_waterfall",
    title="Insolvency waterfall",
    summary=(
        "A price move liquidates some positions: see each surplus or deficit, what the insurance fund pays, "
        "which winners are auto-deleveraged at the bankruptcy price, and what is left to socialise, with a "
        "money ledger checked at every step."
    ),
    terms=("liquidation-deficit", "auto-deleveraging", "socialized-loss", "bad-debt-mutualization"),
    function="perpcalc.insolvency.insolvency_waterfall",
    notes=(
        "A toy clearing house for one linear market. Liquidation: equity ≤ mmr × notional at the mark. The fund "
        "pays the same share of every deficit; the unpaid quantity is closed against opposite winners at the "
        "bankruptcy price (ranked by the ADL formula) instead of on the book; what the queue cannot take is "
        "socialised pro rata over surviving winners' profits."
    ),
    inputs=(
        Field(
            "positions",
            "Positions",
            type="list",
            columns=WATERFALL_COLUMNS,
            min_items=1,
            help="side long or short; size in base units, entry price and margin in the quote currency",
            accepts=("positions",),
            columnar=True,
            max_items=WATERFALL_MAX,
        ),
        Field("mark_price", "New mark price", **PRICE),
        Field(
            "fill_price",
            "Liquidation fill price",
            default=None,
            unit="quote",
            min=0,
            min_open=True,
            help="average price the liquidation orders get on the book; leave empty to use slippage",
        ),
        Field(
            "slippage",
            "Slippage from the mark",
            unit="fraction",
            percent=True,
            default=Decimal("0.01"),
            min=0,
            max=1,
            max_open=True,
            help="used when no fill price is given: longs sell at mark × (1 − "
            "slippage), shorts buy at mark × (1 + slippage)",
            advanced=True,
        ),
        Field("insurance_fund", "Insurance fund", unit="quote", default=ZERO, min=0),
        field("mmr", max_open=False, advanced=True),
        Field("adl_method", "ADL ranking formula", type="choice", choices=ADL_CHOICES, default=bitmex.KEY,
              advanced=True),
        field("settle", default="quote currency"),
    ),
    outputs=(
        Output(
            "liquidated",
            "Liquidated positions",
            format="table",
            columns=(
                Output("id", "Id", format="text"),
                Output("side", "Side", format="text"),
                Output("size", "Size"),
                Output("equity_at_mark", "Equity at the mark"),
                Output("maintenance_margin", "Maintenance margin"),
                Output("bankruptcy_price", "Bankruptcy price"),
                Output("fill_price", "Fill price"),
                Output("result", "Surplus (+) or deficit (−) at the fill"),
                Output("insurance_used", "Paid by the fund"),
                Output("adl_size", "Size closed by ADL"),
            ),
        ),
        Output("total_deficit", "Total deficit at the fill", unit="quote"),
        Output("insurance_used", "Insurance fund used", unit="quote"),
        Output("insurance_fund_after", "Insurance fund after", unit="quote"),
        Output("adl_closed", "Winners' size closed by ADL", unit="base units"),
        Output(
            "adl_fills",
            "ADL fills",
            format="table",
            columns=(
                Output("id", "Winner closed", format="text"),
                Output("against", "Bankrupt position", format="text"),
                Output("size_closed", "Size closed"),
                Output("price", "Price (bankruptcy price)"),
                Output("remaining", "Winner's size left"),
            ),
        ),
        Output("socialized", "Socialised over winners' profits", unit="quote"),
        Output("bad_debt", "Bad debt left (beyond all profits)", unit="quote"),
        Output("conserved", "Money conserved", format="text"),
        Output(
            "steps",
            "Who pays the deficit",
            format="series",
            columns=(
                Output("step", "Step", format="integer"),
                Output("stage", "Stage", format="text"),
                Output("amount", "Amount", unit="quote", places=6),
                Output("unpaid", "Still unpaid", unit="quote", places=6),
            ),
            chart={
                "x": "step",
                "y": ["unpaid"],
                "kind": "bar",
                "title": "Deficit still unpaid after each step",
                "x_label": "Step (in paying order)",
                "x_names": "stage",
                "y_label": "Still unpaid ({currency_label})",
            },
        ),
        Output("summary", "In short", format="text"),
        CURRENCY_OUTPUT,
    ),
    compute=with_currency(_waterfall_calc),
    examples={
        "default": {
            "positions": (
                "id, side, size, entry_price, margin\n"
                "L1, long, 10, 100, 100\nL2, long, 5, 100, 60\nL3, long, 4, 95, 200\n"
                "S1, short, 8, 100, 200\nS2, short, 6, 98, 150\nS3, short, 5, 92, 300"
            ),
            "mark_price": "90",
            "fill_price": "87",
            "insurance_fund": "20",
            "mmr": "0.005",
        },
        dydx.KEY: {
            "positions": "id, side, size, entry_price, margin\nA, long, 500, 1, 100\nB, short, 500, 1, 100",
            "mark_price": "2",
            "fill_price": "2",
            "insurance_fund": "0",
            "mmr": "0",
        },
        "fund_covers": {
            "positions": ("id, side, size, entry_price, margin\nL1, long, 10, 100, 100\nS1, short, 10, 100, 500"),
            "mark_price": "90",
            "slippage": "0.02",
            "insurance_fund": "100",
        },
    },
)
