"""Calculators for venue margin details: Deribit's size-dependent margin, Binance's max open
position and PnL % (ROE), and the stages of a liquidation on Hyperliquid and dYdX."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .._errors import InputError
from .._num import ONE, ZERO, side_sign
from .._spec import Calculator, Field, Output
from ..display import format_money, format_number, format_percent
from ..margin import (
    bankruptcy_price,
    deribit_margin,
    deribit_margin_rate,
    deribit_max_size,
    dydx_fillable_price,
    dydx_insurance_threshold,
    max_open_position,
    okx_tier,
    order_cost,
    position_value,
    price_at_equity_share,
    return_on_equity,
    unrealized_pnl,
)
from ..venues import STAGE_VENUES, TIER_SCHEDULES, VENUES, deribit, dydx, hyperliquid
from ._adapt import fields_for
from .fields import CURRENCY_OUTPUT, QUOTE_OUTPUT, currency_of, field, with_currency

PRICE = {"unit": "quote", "min": 0, "min_open": True}
RATE = {"unit": "fraction", "percent": True, "min": 0, "max": 1}

# ------------------------------------------------------------------ deribit_margin

#: Deribit linear perpetuals' size-dependent rates, from its record (as field presets)
DERIBIT_LINEAR = {product: vars(rates) for product, rates in deribit.VENUE.size_margins.items()}
CURVE_POINTS = 60


@fields_for(base_rate="im_base", rate_per_unit="rate_per_unit", equity="equity", price="price")
def _deribit_calc(v: dict[str, Any]) -> dict[str, Any]:
    q, p, k = v["size"], v["price"], v["rate_per_unit"]
    if v["im_base"] < v["mm_base"]:
        raise InputError("im_base", "the initial base rate must be at least the maintenance base rate")
    im_rate = deribit_margin_rate(q, v["im_base"], k)
    mm_rate = deribit_margin_rate(q, v["mm_base"], k)
    if im_rate > 1:
        raise InputError("size", "at this size the initial margin rate passes 100 %: the position cannot be opened")
    im_coin, im_quote = deribit_margin(q, p, v["im_base"], k)
    mm_coin, mm_quote = deribit_margin(q, p, v["mm_base"], k)
    max_size = None if v["equity"] is None else deribit_max_size(v["equity"], p, v["im_base"], k)
    top = max(q * 2, max_size or ZERO)
    curve = []
    for i in range(CURVE_POINTS + 1):
        s = top * i / CURVE_POINTS
        curve.append({"size": s, "im_rate": deribit_margin_rate(s, v["im_base"], k),
                      "mm_rate": deribit_margin_rate(s, v["mm_base"], k)})
    summary = (
        f"{format_money(q, 4)} coins at {format_money(p)}: initial margin {format_percent(im_rate, 4, False)} = "
        f"{format_money(im_coin, 6)} coins = {format_money(im_quote)} USDC; maintenance "
        f"{format_percent(mm_rate, 4, False)} = {format_money(mm_quote)} USDC. Every extra coin adds "
        f"{format_percent(k, 5, False)} to both rates, so the highest leverage shrinks as the position grows "
        f"(here {format_money(ONE / im_rate, 2)}x)."
    )
    if max_size is not None:
        summary += (f" With {format_money(v['equity'])} USDC of equity the largest position is "
                    f"{format_money(max_size, 4)} coins.")
    return {"im_rate": im_rate, "mm_rate": mm_rate, "im_coin": im_coin, "im_quote": im_quote, "mm_coin": mm_coin,
            "mm_quote": mm_quote, "max_leverage": ONE / im_rate, "max_size": max_size, "curve": curve,
            "summary": summary}


deribit_margin_calculator = Calculator(
    name="deribit_margin",
    title="Deribit linear margin that grows with size",
    summary=(
        "Initial and maintenance margin of Deribit's linear perpetuals (BTC_USDC, SOL_USDC…): rate = base "
        "rate + a fixed rate per coin of position, in coin and in USDC, and the largest position an equity allows."
    ),
    terms=("forced-liquidation-patterns", "margin-liquidation-cascades"),
    function="perpcalc.margin.deribit_margin_rate",
    inputs=(
        Field("instrument", "Instrument", type="choice", choices=("custom", *DERIBIT_LINEAR), default="custom",
              help="fills Deribit's published rates (2025); your own values win"),
        field("size", label="Position size", unit="coins"),
        Field("price", "Price", help="index price used to value the position", **PRICE),
        Field("im_base", "Initial margin base rate", default=Decimal("0.02"), **RATE, advanced=True),
        Field("mm_base", "Maintenance margin base rate", default=Decimal("0.01"), **RATE, advanced=True),
        Field("rate_per_unit", "Added rate per coin", unit="fraction per coin", percent=True,
                  advanced=True,
              default=Decimal("0.00005"), min=0, max=Decimal("0.1"), help="BTC_USDC: 0.005 % per BTC"),
        Field("equity", "Your equity (optional)", unit="USDC", default=None, min=0, max=10**13,
              help="to find the largest position it can open"),
    ),
    outputs=(
        Output("im_rate", "Initial margin rate", format="percent", places=4),
        Output("mm_rate", "Maintenance margin rate", format="percent", places=4),
        Output("im_coin", "Initial margin", unit="coins", places=8),
        Output("im_quote", "Initial margin", unit="USDC", places=4),
        Output("mm_coin", "Maintenance margin", unit="coins", places=8),
        Output("mm_quote", "Maintenance margin", unit="USDC", places=4),
        Output("max_leverage", "Highest leverage at this size", unit="x", places=4),
        Output("max_size", "Largest position for your equity", unit="coins", places=6),
        Output("curve", "Margin rates by position size", format="series", columns=(
            Output("size", "Size", unit="coins", places=4),
            Output("im_rate", "Initial rate", format="percent", places=4),
            Output("mm_rate", "Maintenance rate", format="percent", places=4),
        ), chart={"x_label": "Position size (coins)", "y_label": "Margin rate (fraction of value: 0.01 = 1 %)"}),
        Output("summary", "In words", format="text"),
    ),
    compute=_deribit_calc,
    presets={"instrument": DERIBIT_LINEAR},
    notes=(
        "Source: Deribit support, Linear Perpetual (2025): BTC_USDC 2 % / 1 % + 0.005 % per BTC, SOL_USDC 4 % / 2 % "
        "+ 0.0005 % per SOL. Deribit's inverse perpetuals and portfolio margin follow other rules."
    ),
    examples={
        "default": {"instrument": "btc_usdc", "size": "25", "price": "100000"},
        "btc_350": {"instrument": "btc_usdc", "size": "350", "price": "100000", "equity": "1312500"},
        "sol": {"instrument": "sol_usdc", "size": "25", "price": "200"},
    },
)


# ------------------------------------------------------------------ max_open_position


@fields_for(available="available", order_price="order_price", leverage="leverage")
def _max_open_calc(v: dict[str, Any]) -> dict[str, Any]:
    side, p, lev = v["side"], v["order_price"], v["leverage"]
    mark = v["mark_price"] if v["mark_price"] is not None else p
    q = max_open_position(side, v["available"], p, lev, mark, v["max_notional"])
    unit_cost = order_cost(side, ONE, p, mark, lev)
    open_loss = max(ZERO, side_sign(side) * (p - mark))
    by_balance = v["available"] / unit_cost
    limited = v["max_notional"] is not None and q < by_balance
    summary = (
        f"Each coin costs {format_money(p / lev)} of initial margin"
        + (f" plus {format_money(open_loss)} of open loss (ordered on the wrong side of the mark)" if open_loss else "")
        + f": {format_money(v['available'])} opens at most {format_money(q, 6)} coins "
        + f"({format_money(q * p)} notional)."
    )
    if limited:
        summary += " The leverage bracket's notional limit binds before the balance does."
    return {"max_size": q, "max_notional": q * p, "initial_margin": q * p / lev, "open_loss": q * open_loss,
            "cost_per_unit": unit_cost, "limited_by": "bracket" if limited else "balance", "summary": summary}


max_open_position_calculator = Calculator(
    name="max_open_position",
    title="Maximum open position",
    summary=(
        "The largest position a balance can open at a leverage, as Binance's calculator computes it: the cost to "
        "open is initial margin plus any open loss, and the leverage bracket caps the notional."
    ),
    terms=("forced-liquidation-patterns", "funding-rate-management"),
    function="perpcalc.margin.max_open_position",
    inputs=(
        field("side"),
        Field("available", "Available balance", unit="quote", min=0, max=10**13),
        Field("order_price", "Order price", help="for a market order, the expected fill", **PRICE),
        Field("mark_price", "Mark price (optional)", default=None, help="empty: taken equal to the order price",
              **PRICE),
        field("leverage", max=200),
        Field("max_notional", "Bracket limit at this leverage (optional)", unit="quote", default=None, min=0,
              min_open=True, help="the largest notional the venue's leverage bracket allows at this leverage"),
        field("settle"),
    ),
    outputs=(
        Output("max_size", "Maximum size", unit="base", places=8),
        Output("max_notional", "Maximum notional", unit="quote", places=4),
        Output("initial_margin", "Initial margin at that size", unit="quote", places=4),
        Output("open_loss", "Open loss at that size", unit="quote", places=4),
        Output("cost_per_unit", "Cost to open per coin", unit="quote", places=6),
        Output("limited_by", "Limited by", format="text"),
        Output("summary", "In words", format="text"),
        CURRENCY_OUTPUT,
    ),
    compute=with_currency(_max_open_calc),
    notes=(
        "Cost to open = initial margin + open loss (Binance's FAQ on the cost required to open a position, "
        "through copies of its text). Fees are not reserved here; Binance's live calculator also applies "
        "the symbol's current leverage brackets."
    ),
    examples={
        "default": {"side": "long", "available": "1000", "order_price": "25000", "leverage": "20"},
        "above_mark": {"side": "long", "available": "1000", "order_price": "25100", "mark_price": "25000",
                       "leverage": "20"},
        "bracket": {"side": "short", "available": "100000", "order_price": "25000", "leverage": "50",
                    "max_notional": "1000000"},
    },
)


# ------------------------------------------------------------------ pnl_percent


def _roe_calc(v: dict[str, Any]) -> dict[str, Any]:
    side, q, ep, mark, lev = v["side"], v["size"], v["entry_price"], v["mark_price"], v["leverage"]
    contract, cv = v["contract"], v["contract_value"]
    margin = position_value(q, ep, contract, cv) / lev
    pnl = unrealized_pnl(side, q, ep, mark, contract, cv)
    roe = return_on_equity(side, q, ep, mark, lev, contract, cv)
    move = side_sign(side) * (mark / ep - ONE)
    unit = "coins" if contract == "inverse" else currency_of(v)
    summary = (
        f"A {format_percent(move, 2, False)} move in the position's favour at {format_number(lev)}x is "
        f"{format_percent(roe, 2, False)} on the initial margin ({format_number(pnl)} on "
        f"{format_number(margin)} {unit}). Venues that rank ADL by PnL % and leverage put a high ROE near the "
        "front of the queue."
    )
    return {"pnl": pnl, "initial_margin": margin, "roe": roe, "price_move": move, "summary": summary}


pnl_percent_calculator = Calculator(
    name="pnl_percent",
    title="PnL % (ROE)",
    summary=(
        "Unrealised PnL as a share of the initial margin, as Binance shows it on every position: the price move "
        "times the leverage. It is the PnL % that ADL rankings combine with leverage."
    ),
    terms=("adl-ranking", "auto-deleveraging"),
    function="perpcalc.margin.return_on_equity",
    inputs=(
        field("side"),
        field("contract"),
        field("contract_value"),
        field("entry_price"),
        field("mark_price"),
        field("size"),
        field("leverage"),
        field("settle"),
    ),
    outputs=(
        Output("pnl", "Unrealised PnL (+ = profit)", unit="settlement currency", places=8),
        Output("initial_margin", "Initial margin at entry", unit="settlement currency", places=8),
        Output("roe", "PnL % (ROE)", format="percent", places=4),
        Output("price_move", "Price move in the position's favour", format="percent", places=4),
        Output("summary", "In words", format="text"),
        CURRENCY_OUTPUT,
        QUOTE_OUTPUT,
    ),
    compute=with_currency(_roe_calc),
    notes=("ROE = PnL / initial margin, with the initial margin at the entry price (Binance's calculator). "
           "Binance's own ADL text ranks by PnL over wallet balance times margin ratio; see adl_ranking."),
    examples={
        "default": {"side": "long", "entry_price": "20000", "mark_price": "21000", "size": "1", "leverage": "20"},
        "inverse": {"side": "long", "contract": "inverse", "entry_price": "750", "mark_price": "800",
                    "size": "15000", "leverage": "10"},
    },
)


# ------------------------------------------------------------------ liquidation_stages


#: venues where a vault takes the position over (backstop), and where the fill may reach a
#: fillable price with the insurance fund paying beyond bankruptcy
BACKSTOP_VENUES = tuple(k for k, r in STAGE_VENUES.items() if r.kind == "backstop")
FILLABLE_VENUES = tuple(k for k, r in STAGE_VENUES.items() if r.kind == "fillable")


@fields_for(share="backstop_share", smmr="smmr")
def _stages_calc(v: dict[str, Any]) -> dict[str, Any]:
    venue, side, q, ep = v["venue"], v["side"], v["size"], v["entry_price"]
    s = side_sign(side)
    mmr = v["mmr"]
    rule, margin_rule = STAGE_VENUES[venue], VENUES[venue].margin
    if margin_rule is not None and margin_rule.mmr_from_max_leverage and v["max_leverage"] is not None:
        mmr = margin_rule.maintenance_fraction(v["max_leverage"])
    if v["margin"] is not None:
        c = v["margin"]
    elif v["leverage"] is not None:
        c = q * ep / v["leverage"]
    else:
        raise InputError("leverage", "give a leverage or a margin")
    if c <= mmr * q * ep:
        raise InputError("margin" if v["margin"] is not None else "leverage",
                         "the margin is at or below the maintenance margin: the position is liquidatable at entry")
    lp = price_at_equity_share(side, q, ep, c, mmr, ONE)
    bp = bankruptcy_price(side, q, ep, c)
    backstop = insurance = None
    rows = [{"stage": "liquidation", "price": lp, "equity_share": ONE,
             "what_happens": rule.first_stage}]
    if rule.kind == "backstop":
        backstop = price_at_equity_share(side, q, ep, c, mmr, v["backstop_share"])
        rows.append({"stage": "backstop", "price": backstop, "equity_share": v["backstop_share"],
                     "what_happens": "the liquidator vault takes over the position and what margin is left"})
        rows.append({"stage": "bankruptcy", "price": bp, "equity_share": ZERO,
                     "what_happens": "beyond it the vault carries the loss; ADL if the account value goes negative"})
    else:
        if bp is not None:
            insurance = dydx_insurance_threshold(side, bp, mmr, v["smmr"])
            rows.append({"stage": "insurance", "price": insurance, "equity_share": None,
                         "what_happens": "the allowed fill is worse than bankruptcy: the insurance fund pays the gap"})
        rows.append({"stage": "bankruptcy", "price": bp, "equity_share": ZERO,
                     "what_happens": f"the fill may be {format_percent(v['smmr'] * mmr, 2, False)} from the oracle; "
                                     "unfilled, the account is deleveraged at its bankruptcy price"})
    for r in rows:
        r["distance"] = None if r["price"] is None else s * (ep - r["price"]) / ep
    prices = [r["price"] for r in rows if r["price"] is not None]
    lo, hi = min([*prices, ep]), max([*prices, ep])
    pad = (hi - lo) * Decimal("0.15") or ep * Decimal("0.01")
    lo, hi = max(lo - pad, ep * Decimal("0.001")), hi + pad
    curve = []
    for i in range(81):
        px = lo + (hi - lo) * i / 80
        equity = c + unrealized_pnl(side, q, ep, px)
        mm = mmr * q * px
        point = {"price": px, "equity": equity, "maintenance": mm, "fillable": None}
        if rule.kind == "fillable":
            point["fillable"] = (dydx_fillable_price(side, px, mmr, equity, mm, v["smmr"]) - px) * q * s + equity
        curve.append(point)
    summary = (
        f"Maintenance {format_percent(mmr, 4, False)}: liquidation at {format_money(lp)}"
        + (f", backstop at {format_money(backstop)} ({format_money(v['backstop_share'] * 100, 2)} % of maintenance)"
           if backstop is not None else "")
        + (f", the insurance fund starts paying beyond {format_money(insurance)}" if insurance is not None else "")
        + f", bankruptcy at {format_money(bp)}."
    )
    return {"liquidation_price": lp, "backstop_price": backstop, "insurance_price": insurance,
            "bankruptcy_price": bp, "mmr_used": mmr, "stages": rows, "curve": curve, "summary": summary}


liquidation_stages_calculator = Calculator(
    name="liquidation_stages",
    title="Liquidation stages: book, backstop, insurance fund",
    summary=(
        "Where a position's liquidation starts, where the venue's backstop takes over (Hyperliquid: below two "
        "thirds of maintenance) or the insurance fund starts paying (dYdX: the maximum liquidation spread, "
        "1.5 × the maintenance fraction), and where it is bankrupt."
    ),
    terms=("liquidation-deficit", "forced-liquidation-patterns"),
    function="perpcalc.margin.price_at_equity_share",
    inputs=(
        Field("venue", "Venue", type="choice", choices=tuple(STAGE_VENUES), default=hyperliquid.KEY),
        field("side"),
        field("entry_price"),
        field("size"),
        field("leverage", default=None,
              help="initial margin = position value / leverage (ignored if a margin is given)"),
        Field("margin", "Isolated margin (optional)", unit="USDC", default=None, min=0, min_open=True),
        field("mmr", label="Maintenance fraction", default=Decimal("0.0125"),
              help="Hyperliquid: half the initial margin at max leverage; dYdX: the market's MMF"),
        Field("max_leverage", "Asset's maximum leverage (Hyperliquid, optional)", unit="x", default=None, min=1,
                  when={"venue": BACKSTOP_VENUES},
              max=200, help="sets the maintenance fraction to 1 / (2 × max leverage)"),
        Field("backstop_share", "Backstop below this share of maintenance", unit="fraction", percent=True,
                  when={"venue": BACKSTOP_VENUES},
              default=Decimal(2) / Decimal(3), min=0, max=1, help="Hyperliquid: two thirds (0.6667 = 66.67 %)"),
        Field("smmr", "Max spread / maintenance fraction", default=Decimal("1.5"), min=0, max=10,
                  when={"venue": FILLABLE_VENUES},
              help="dYdX's help page: 1.5 (the v4 chain code's default is 0.1; a governance parameter)"),
    ),
    outputs=(
        Output("liquidation_price", "Liquidation price (equity = maintenance)", unit="quote", places=4),
        Output("backstop_price", "Backstop liquidation price (Hyperliquid)", unit="quote", places=4),
        Output("insurance_price", "Insurance fund pays beyond (dYdX)", unit="quote", places=4),
        Output("bankruptcy_price", "Bankruptcy price (equity = 0)", unit="quote", places=4),
        Output("mmr_used", "Maintenance fraction used", format="percent", places=4),
        Output("stages", "Stages", format="table", columns=(
            Output("stage", "Stage", format="text"),
            Output("price", "Price", unit="quote", places=4),
            Output("distance", "Move from entry", format="percent", places=3),
            Output("equity_share", "Equity / maintenance", format="percent", places=2),
            Output("what_happens", "What happens", format="text"),
        )),
        Output("curve", "Equity against price", format="series", columns=(
            Output("price", "Price", unit="quote", places=4),
            Output("equity", "Equity", unit="USDC", places=4),
            Output("maintenance", "Maintenance margin", unit="USDC", places=4),
            Output("fillable", "Equity if filled at the fillable price (dYdX)", unit="USDC", places=4),
        ), chart={"x": "price", "y": ["equity", "maintenance", "fillable"],
                  "marks": ["liquidation_price", "backstop_price", "insurance_price", "bankruptcy_price"],
                  "title": "Equity and maintenance margin against price",
                  "x_label": "Oracle (mark) price (USDC)", "y_label": "Margin (USDC)"}),
        Output("summary", "In words", format="text"),
    ),
    compute=_stages_calc,
    notes=(
        "One isolated linear position, maintenance valued at the oracle/mark price. Hyperliquid: liquidations "
        "docs (backstop below 2/3 of maintenance margin). dYdX v4: fillable price = oracle × (1 − s × SMMR × MMF "
        "× ABR), ABR = clamp(1 − TNC / TMMR, 0, 1), from the chain's liquidation code; the insurance threshold "
        "is derived here."
    ),
    examples={
        "default": {"venue": hyperliquid.KEY, "side": "long", "entry_price": "50000", "size": "1", "margin": "5000",
                    "mmr": "0.01"},
        dydx.KEY: {"venue": dydx.KEY, "side": "long", "entry_price": "100", "size": "1000", "leverage": "10",
                 "mmr": "0.05"},
        "dydx_short": {"venue": dydx.KEY, "side": "short", "entry_price": "3000", "size": "10", "leverage": "5",
                       "mmr": "0.03"},
    },
)


# ------------------------------------------------------------------ okx_liquidation_price

OKX_TIER_COLUMNS = (
    Field("max_contracts", "Max contracts", min=0, min_open=True),
    Field("mmr", "Maintenance rate", unit="fraction", percent=True, min=0, max=1),
    Field("imr", "Initial rate", unit="fraction", percent=True, min=0, max=1, min_open=True),
)
SCHEDULE_ROWS = 6


def _okx_presets() -> dict[str, dict[str, Any]]:
    return {key: {"tiers": [{"max_contracts": limit, "mmr": mmr, "imr": imr} for limit, mmr, imr in s.tiers],
                  "step": s.step, "mmr_step": s.mmr_step, "imr_step": s.imr_step, "face_value": s.face_value}
            for key, s in TIER_SCHEDULES.items()}


def _listed_or_stepped(rows: list[tuple[Decimal, Decimal, Decimal]], k: int, step: Decimal, mmr_step: Decimal,
                       imr_step: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """Tier k's (max contracts, MMR, IMR): a listed row, or the last listed row plus steps."""
    if k <= len(rows):
        return rows[k - 1]
    extra = k - len(rows)
    limit, mmr, imr = rows[-1]
    return limit + extra * step, mmr + extra * mmr_step, imr + extra * imr_step


@fields_for(contracts="contracts", step="step")
def _okx_calc(v: dict[str, Any]) -> dict[str, Any]:
    rows = [(r["max_contracts"], r["mmr"], r["imr"]) for r in v["tiers"]]
    for i in range(1, len(rows)):
        if rows[i][0] <= rows[i - 1][0]:
            raise InputError("tiers", f"tier limits must rise: row {i + 1} is not above row {i}")
        if rows[i][1] < rows[i - 1][1] or rows[i][2] < rows[i - 1][2]:
            raise InputError("tiers", f"rates must not fall from tier to tier (row {i + 1})")
    for i, (_limit, mmr, imr) in enumerate(rows, start=1):
        if mmr >= imr:
            raise InputError("tiers", f"row {i}: the maintenance rate must be below the initial rate")
    side, ep, n = v["side"], v["entry_price"], v["contracts"]
    tier, limit, mmr, imr = okx_tier(n, rows, v["step"], v["mmr_step"], v["imr_step"])
    if imr >= 1 or mmr + v["fee_rate"] >= 1:
        raise InputError("contracts", f"at tier {tier} the margin rates reach 100 %: OKX does not allow this size")
    q = n * v["face_value"]
    max_lev = ONE / imr
    if v["margin"] is not None:
        c = v["margin"]
    else:
        if v["leverage"] is None:
            raise InputError("leverage", "give a leverage or a margin")
        if v["leverage"] > max_lev:
            raise InputError("leverage", f"tier {tier} allows at most {format_money(max_lev, 2)}x "
                                         f"(initial rate {format_percent(imr, 2, False)})")
        c = q * ep / v["leverage"]
    if c <= (mmr + v["fee_rate"]) * q * ep:
        raise InputError("margin" if v["margin"] is not None else "leverage",
                         "the margin does not cover maintenance plus the liquidation fee: liquidated at once")
    lp = price_at_equity_share(side, q, ep, c, mmr + v["fee_rate"], ONE)
    bp = bankruptcy_price(side, q, ep, c)
    table = []
    for k in range(1, max(SCHEDULE_ROWS, tier + 1) + 1):
        lim, m, i = _listed_or_stepped(rows, k, v["step"], v["mmr_step"], v["imr_step"])
        prev = ZERO if k == 1 else _listed_or_stepped(rows, k - 1, v["step"], v["mmr_step"], v["imr_step"])[0] + 1
        table.append({"tier": k, "from": prev, "to": lim, "mmr": m, "imr": i, "max_leverage": ONE / i,
                      "current": "yes" if k == tier else ""})
    summary = (
        f"{format_money(n, 0)} contracts ({format_money(q, 4)} coins) fall in tier {tier} (up to "
        f"{format_money(limit, 0)} contracts): maintenance {format_percent(mmr, 2, False)}, initial "
        f"{format_percent(imr, 2, False)}, at most {format_money(max_lev, 2)}x. OKX sets the tier by contract "
        f"count, so it does not move with the price; the liquidation price, where equity meets maintenance "
        f"plus the {format_percent(v['fee_rate'], 3, False)} fee, is {format_money(lp)}."
    )
    return {"tier": tier, "max_contracts": limit, "mmr": mmr, "imr": imr, "max_leverage": max_lev,
            "initial_margin": c, "maintenance_margin": (mmr + v["fee_rate"]) * q * ep, "liquidation_price": lp,
            "bankruptcy_price": bp, "tiers_table": table, "summary": summary}


okx_liquidation_price_calculator = Calculator(
    name="okx_liquidation_price",
    title="OKX liquidation price with position tiers",
    summary=(
        "OKX's tier for a position by its number of contracts (listed tiers, then a fixed step of contracts and "
        "+0.5 % a tier), its margin rates and highest leverage, and the isolated liquidation price where equity "
        "meets maintenance plus the liquidation fee."
    ),
    terms=("forced-liquidation-patterns", "margin-liquidation-cascades"),
    function="perpcalc.margin.okx_tier",
    inputs=(
        Field("schedule", "Tier schedule", type="choice", choices=("custom", *TIER_SCHEDULES), default="custom",
              help="dated OKX schedules; live tiers come from OKX's position-tiers API"),
        Field("tiers", "Listed tiers (max_contracts, mmr, imr)", type="list", columns=OKX_TIER_COLUMNS,
                  advanced=True,
              min_items=1, max_items=50, help="ascending; tiers beyond the last row follow the step below"),
        Field("step", "Contracts added per further tier", min=0, min_open=True, max=10**12, advanced=True),
        Field("mmr_step", "Maintenance rate added per further tier", unit="fraction", percent=True,
                  advanced=True,
              default=Decimal("0.005"), min=0, max=1),
        Field("imr_step", "Initial rate added per further tier", unit="fraction", percent=True,
                  advanced=True,
              default=Decimal("0.005"), min=0, max=1),
        Field("face_value", "Contract face value", unit="coins per contract", min=0, min_open=True,
                  advanced=True,
              help="coins per contract (check the instrument's contract value)"),
        field("side"),
        field("entry_price"),
        Field("contracts", "Position size", unit="contracts", min=0, min_open=True, max=10**12),
        field("leverage", default=None, help="initial margin = position value / leverage"),
        Field("margin", "Isolated margin (optional)", unit="USDT", default=None, min=0, min_open=True),
        Field("fee_rate", "Liquidation fee rate", unit="fraction", percent=True, default=Decimal("0.0005"), min=0,
              max=Decimal("0.1"), help="the taker fee rate OKX adds to maintenance in the margin ratio"),
    ),
    outputs=(
        Output("tier", "Tier", format="integer"),
        Output("max_contracts", "Tier holds up to", unit="contracts", places=0),
        Output("mmr", "Maintenance margin rate", format="percent", places=3),
        Output("imr", "Initial margin rate", format="percent", places=3),
        Output("max_leverage", "Highest leverage in this tier", unit="x", places=2),
        Output("initial_margin", "Position margin", unit="USDT", places=4),
        Output("maintenance_margin", "Maintenance margin + fee at entry", unit="USDT", places=4),
        Output("liquidation_price", "Liquidation price", unit="USDT", places=4),
        Output("bankruptcy_price", "Bankruptcy price", unit="USDT", places=4),
        Output("tiers_table", "Tiers", format="table", columns=(
            Output("tier", "Tier", format="integer"),
            Output("from", "From (contracts)", places=0),
            Output("to", "To (contracts)", places=0),
            Output("mmr", "Maintenance", format="percent", places=2),
            Output("imr", "Initial", format="percent", places=2),
            Output("max_leverage", "Max leverage", unit="x", places=2),
            Output("current", "Your tier", format="text"),
        )),
        Output("summary", "In words", format="text"),
    ),
    compute=_okx_calc,
    presets={"schedule": _okx_presets()},
    notes=" ".join(f"{key}: {s.source} ({s.as_of}; {s.note})" for key, s in TIER_SCHEDULES.items()),
    examples={
        "default": {"schedule": "okx_ethusdt_2021", "side": "long", "entry_price": "2500", "contracts": "10000",
                    "leverage": "20"},
        "higher_tier": {"schedule": "okx_ethusdt_2021", "side": "short", "entry_price": "2500",
                        "contracts": "30000", "leverage": "10"},
        "btc_2020": {"schedule": "okx_btcusdt_2020", "side": "long", "entry_price": "9000", "contracts": "1000000",
                     "leverage": "20"},
    },
)
