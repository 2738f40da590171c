from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from .._errors import InputError
from .._num import ONE, ZERO, side_sign
from .._spec import REQUIRED, Calculator, Field, Output
from ..display import format_money, format_number, format_percent
from ..margin import (
    Liquidation,
    Position,
    TierChoice,
    bankruptcy_price,
    check_tiers,
    exit_price_for_pnl,
    liquidation_price,
    liquidation_price_at_mark,
    liquidation_with_tiers,
    maintenance_amounts,
    maintenance_margin,
    pnl_and_fees,
    position_value,
    round_toward_entry,
    tier_index,
    unrealized_pnl,
)
from ..venues import (
    MARGIN_VENUES,
    TIER_TABLE_VENUE,
    TIER_TABLES,
    VENUES,
    MarginRule,
    binance,
    bitmex,
    bybit,
    hyperliquid,
    margin_preset,
    quote_label,
    settlement_label,
)
from .fields import CURRENCY_OUTPUT, QUOTE_OUTPUT, field, with_currency


def _beyond_entry(side: str, lp: Decimal | None, ep: Decimal) -> bool:
    return lp is not None and side_sign(side) * (ep - lp) <= 0


def _position(v: dict[str, Any]) -> Position:
    return Position(v["side"], v["size"], v["entry_price"], v["contract"], v["contract_value"], v["margin_mode"],
                    v["extra_margin"], v["wallet_balance"], v["other_maintenance_margin"], v["other_unrealized_pnl"],
                    v["taker_fee"])


def _formula(v: dict[str, Any], rule: MarginRule, mmr: Decimal, ignored: list[str]) -> str:
    text = rule.text(v["contract"], v["margin_mode"])
    if v["margin_mode"] == "cross":
        text += " Cross: C = wallet balance + extra − other positions' maintenance margin + their unrealised PnL."
    else:
        text += " Isolated: C = position margin + extra margin."
    text += f" MMR used: {format_percent(mmr, fixed=False)}."
    if ignored:
        text += " Not used by this venue's formula: " + ", ".join(ignored) + "."
    return text


def _resolve_margin_inputs(v: dict[str, Any]) -> tuple[Decimal | None, Decimal | None]:
    if v["margin"] is not None:
        return None, v["margin"]
    if v["leverage"] is None:
        raise InputError("leverage", "give a leverage or a margin")
    return v["leverage"], None


def _venue_rates(v: dict[str, Any], rule: MarginRule) -> tuple[Decimal, list[str]]:
    """Guards on the venue's rule, the MMR it applies and the inputs its formula ignores."""
    if v["contract"] == "inverse" and not rule.inverse:
        raise InputError("contract", rule.refuse_inverse(v["venue"]))
    mmr = v["mmr"]
    if rule.mmr_from_max_leverage and v["max_leverage"] is not None:
        mmr = rule.maintenance_fraction(v["max_leverage"])
        if v["leverage"] is not None and v["margin"] is None and v["leverage"] > v["max_leverage"]:
            raise InputError("leverage", f"leverage must be ≤ the asset's maximum leverage ({v['max_leverage']}x)")
    ignored = []
    if not rule.maintenance_amount and v["maintenance_amount"]:
        ignored.append("maintenance amount")
    if not rule.fee_to_close and v["taker_fee"]:
        ignored.append("taker fee")
    if v["tiers"] and not rule.tiers:
        ignored.append("tier table")
    if mmr is not None and mmr + v["taker_fee"] >= 1:
        raise InputError("mmr", "maintenance rate plus fee must be below 100 %")
    return mmr, ignored


def _tier_rows_for(v: dict[str, Any], rule: MarginRule,
                   mmr: Decimal | None) -> tuple[list[tuple[Decimal, Decimal]], str]:
    """The tier table that applies and where it came from (``"given"``, a ``TIER_TABLES``
    key, or ``""`` for a flat MMR). A typed table wins; the venue's dated table applies when
    it is selected and no MMR was given; otherwise the flat MMR does."""
    rows = [(r["floor"], r["mmr"]) for r in (v["tiers"] or [])]
    check_tiers(rows)
    if rows:
        return (rows, "given") if rule.tiers else ([], "")
    table = v["tier_table"]
    if mmr is None and table != "none" and table == rule.tier_table:
        return [(Decimal(f), Decimal(m)) for f, m in TIER_TABLES[table].tiers], table
    if mmr is None:
        raise InputError("mmr", "give a maintenance margin rate (or, on Binance, choose the dated tier table)")
    return [], ""


def _tier_label(source: str, rows: list[tuple[Decimal, Decimal]], choice: TierChoice | None,
                mmr: Decimal) -> str:
    """Which tier applied, for the ``tier`` output: venue, symbol, notional band, MMR, date."""
    if choice is None:
        return f"Flat MMR {format_percent(mmr, fixed=False)} at every notional (no tier table)"
    k = choice.tier
    lo = format_number(rows[k][0], 2)
    band = f"notional {lo}–{format_number(rows[k + 1][0], 2)}" if k + 1 < len(rows) else f"notional ≥ {lo}"
    rate = f"MMR {format_percent(choice.mmr, fixed=False)}"
    if source == "given":
        return f"Tier {k + 1} of the table given ({band}; {rate})"
    t = TIER_TABLES[source]
    return f"{TIER_TABLE_VENUE[source]} {t.symbol} tier {k + 1} ({band} {t.currency}; {rate}; table dated {t.as_of})"


def _tier_note(rule: MarginRule, venue: str, choice: TierChoice | None) -> str:
    """What the reader is told about the tier applied."""
    if choice is None:
        if rule.mmr_from_max_leverage:
            return "Maintenance fraction = 1/(2 × max leverage), from the asset's maximum leverage."
        return "No tier table given: the MMR and maintenance amount above apply at every notional."
    k0, mmr = choice.entry_tier + 1, format_percent(choice.mmr, fixed=False)
    if rule.valued_at != "mark":
        return (f"Tier {k0} by the position value at entry (MMR {mmr}); {venue} values maintenance "
                "on the entry value, so the tier does not move with the price.")
    if choice.price_tier is None:
        return f"Tier {k0} at entry (MMR {mmr}); no liquidation price to re-check the tier at."
    if choice.price_tier == choice.entry_tier:
        return (f"Tier {k0} (MMR {mmr}, maintenance amount {format_money(choice.maintenance_amount)}) holds both "
                "at entry and at the liquidation price.")
    note = (f"The notional at entry is in tier {k0} (MMR {format_percent(choice.entry_mmr, fixed=False)}), but at "
            f"the liquidation price it falls in tier {choice.price_tier + 1}; ")
    if not choice.consistent:
        return note + "no tier is consistent at its own liquidation price; the entry tier is shown."
    return note + (f"recomputed with the tier that holds at the liquidation price (MMR {mmr}, maintenance amount "
                   f"{format_money(choice.maintenance_amount)}), as Binance does.")


def _check_prices(v: dict[str, Any], res: Liquidation, mmr: Decimal, leverage: Decimal | None,
                  margin: Decimal | None) -> None:
    """The position must not be liquidated at once, nor its maintenance margin be negative."""
    side, ep = v["side"], v["entry_price"]
    lp, bp = res.liquidation_price, res.bankruptcy_price
    if _beyond_entry(side, lp, ep):
        field = "wallet_balance" if v["margin_mode"] == "cross" else ("margin" if margin is not None else "leverage")
        limit = ""
        if leverage is not None and mmr > 0:
            limit = (f"; at MMR {format_percent(mmr, fixed=False)} keep leverage below about "
                     f"{float(ONE / (mmr + v['taker_fee'])):.4g}x")
        raise InputError(
            field,
            "the margin does not cover the maintenance margin: the position would be "
            f"liquidated at once (liquidation price {format_money(lp)} at or beyond the entry "
            f"{format_money(ep)}){limit}",
        )
    if res.maintenance_margin < 0 or (lp is not None and bp is not None and side_sign(side) * (lp - bp) < 0):
        raise InputError(
            "maintenance_amount",
            "the maintenance amount is larger than notional × MMR here, which "
            "makes the maintenance margin negative; it belongs to a higher tier",
        )


def _liquidate(v: dict[str, Any]) -> dict[str, Any]:
    """One venue's liquidation of the position in ``v``: the prices (rounded to the tick), the
    rates applied and what the reader is told about them."""
    venue, side, ep = v["venue"], v["side"], v["entry_price"]
    rule = MARGIN_VENUES[venue]
    mmr, ignored = _venue_rates(v, rule)
    cum = v["maintenance_amount"]
    leverage, margin = _resolve_margin_inputs(v)
    position = _position(v)
    rows, source = _tier_rows_for(v, rule, mmr)
    choice = liquidation_with_tiers(venue, position, rows, leverage, margin) if rows else None
    if choice is not None:
        res, mmr, cum = choice.liquidation, choice.mmr, choice.maintenance_amount
    else:
        res = liquidation_price(venue, position, mmr, cum, leverage, margin)
    _check_prices(v, res, mmr, leverage, margin)
    tick = v["tick_size"]
    lp_r = round_toward_entry(res.liquidation_price, ep, tick)
    bp_r = round_toward_entry(res.bankruptcy_price, ep, tick)
    if _beyond_entry(side, lp_r, ep):
        raise InputError(
            "tick_size",
            f"rounded to the {tick.normalize():f} tick the liquidation price reaches the "
            "entry price: use a finer tick or less leverage",
        )
    return {"res": res, "lp": lp_r, "bp": bp_r, "rule": rule, "mmr": mmr, "cum": cum, "ignored": ignored,
            "rows": rows, "source": source, "choice": choice, "leverage": leverage}


def _by_venue(v: dict[str, Any], mmr: Decimal, cum: Decimal) -> list[dict[str, Any]]:
    """The same position by every venue formula the core implements, at the maintenance rate and
    amount this run applied (so the rows differ by formula only, not by a venue's MMR default):
    each row is what the calculator gives with ``venue`` set to it, the same contract, ``mmr``
    and ``maintenance_amount`` set to those values and no tier table. A venue whose formula refuses the
    position (an inverse contract it does not list, a leverage above its limit) says why."""
    rows = []
    for key, rule in MARGIN_VENUES.items():
        name = VENUES[key].name if key in VENUES else "Textbook (no venue)"
        row: dict[str, Any] = {"venue": name, "as_of": rule.as_of or None}
        try:
            got = _liquidate({**v, "venue": key, "mmr": mmr, "maintenance_amount": cum, "tiers": None,
                              "tier_table": "none"})
        except InputError as exc:
            rows.append({**row, "liquidation_price": None, "bankruptcy_price": None, "mmr": None,
                         "note": exc.message})
            continue
        rows.append({**row, "liquidation_price": got["lp"], "bankruptcy_price": got["bp"], "mmr": got["mmr"],
                     "note": ", ".join(got["ignored"]).capitalize() + " not used" if got["ignored"] else ""})
    return rows


def _liquidation_calc(v: dict[str, Any]) -> dict[str, Any]:
    side, ep = v["side"], v["entry_price"]
    got = _liquidate(v)
    res, lp_r, bp_r, rule, mmr, cum = got["res"], got["lp"], got["bp"], got["rule"], got["mmr"], got["cum"]
    formula = _formula(v, rule, mmr, got["ignored"])
    if res.liquidation_price is None:
        formula += " No liquidation price: the collateral covers any price move against the position."
    tick = v["tick_size"]
    if tick is not None:
        formula += f" Prices rounded to the {tick.normalize():f} tick toward entry (assumed; inferred from Bybit)."
    return {
        "liquidation_price": lp_r,
        "bankruptcy_price": bp_r,
        "initial_margin": res.initial_margin,
        "maintenance_margin": res.maintenance_margin,
        "distance": None if lp_r is None else side_sign(side) * (ep - lp_r) / ep,
        "formula": formula,
        "tier_note": _tier_note(rule, v["venue"], got["choice"]),
        "tier": _tier_label(got["source"], got["rows"], got["choice"], mmr),
        "currency_label": settlement_label(v["venue"], v["contract"]),
        "quote_label": quote_label(v["venue"], v["contract"]),
        "by_leverage": _by_leverage(v, mmr, cum, got["leverage"] or _leverage_of(v, res.initial_margin)),
        "by_venue": _by_venue(v, mmr, cum),
    }


def _leverage_of(v: dict[str, Any], initial_margin: Decimal | None) -> Decimal | None:
    """The position's leverage when the reader gave its margin instead: value / initial margin."""
    if not initial_margin or initial_margin <= 0:
        return None
    return position_value(v["size"], v["entry_price"], v["contract"], v["contract_value"]) / initial_margin


LEVERAGES = tuple(
    Decimal(x)
    for x in (
        "1",
        "1.5",
        "2",
        "3",
        "4",
        "5",
        "6",
        "8",
        "10",
        "12.5",
        "15",
        "20",
        "25",
        "30",
        "35",
        "40",
        "50",
        "60",
        "75",
        "100",
        "125",
        "150",
        "200",
    )
)


def _by_leverage(
    v: dict[str, Any], mmr: Decimal, cum: Decimal, around: Decimal | None = None
) -> list[dict[str, Any]]:
    """Isolated liquidation and bankruptcy prices at standard leverages, up to the venue's limit
    and, around the reader's leverage ``around``, to 2.5 times it (at least 20x): a chart out to
    200x would leave the usual 5-20x a sliver."""
    iso = replace(_position(v), margin_mode="isolated")
    top = max(Decimal(20), around * Decimal("2.5")) if around is not None else None
    rows = []
    for lev in LEVERAGES:
        if v["max_leverage"] is not None and lev > v["max_leverage"]:
            break
        if top is not None and lev > top:
            break
        try:
            res = liquidation_price(v["venue"], iso, mmr, cum, lev)
        except InputError:
            continue
        if res.liquidation_price is None:
            continue
        if _beyond_entry(v["side"], res.liquidation_price, v["entry_price"]):
            break
        rows.append(
            {"leverage": lev, "liquidation_price": res.liquidation_price, "bankruptcy_price": res.bankruptcy_price}
        )
    return rows


TIER_COLUMNS = (
    Field("floor", "Floor (notional from)", unit="settlement currency", min=0),
    field("mmr", label="Maintenance rate", default=REQUIRED),
)


liquidation_price_calculator = Calculator(
    name="liquidation_price",
    title="Liquidation price by venue",
    summary=(
        "Where a position is liquidated and where it goes bankrupt, with each venue's published formula: "
        "Binance, Bybit, OKX, BitMEX, Hyperliquid, dYdX or the textbook margin condition; isolated or cross, "
        "linear or inverse."
    ),
    terms=("forced-liquidation-patterns", "liquidation-deficit", "margin-liquidation-cascades"),
    function="perpcalc.margin.liquidation_price",
    inputs=(
        field(
            "venue",
            label="Venue formula",
            default="generic",
            choices=tuple(MARGIN_VENUES),
            help="selects the venue's published formula and fills its dated MMR default",
        ),
        field(
            "contract", help="linear: size in base units, margin in quote; inverse: size in contracts, margin in coin"
        ),
        field("contract_value"),
        Field("margin_mode", "Margin mode", type="choice", choices=("isolated", "cross"), default="isolated"),
        field("side"),
        field("entry_price"),
        field("size"),
        field("leverage", help="initial margin = position value / leverage (ignored when a margin is given)"),
        Field(
            "margin",
            "Margin",
            unit="settlement currency",
            default=None,
            min=0,
            min_open=True,
            help="collateral posted for the position; wins over leverage when given",
        ),
        Field(
            "extra_margin",
            "Extra margin",
            unit="settlement currency",
            default=ZERO,
            min=-(10**15),
            max=10**15,
            help="added margin (+) or margin taken out, e.g. funding paid from it (−)",
            advanced=True,
        ),
        field(
            "mmr",
            help="0.005 = 0.5 %; wins over the dated tier table; a tier table typed below overrides it",
        ),
        Field(
            "maintenance_amount",
            "Maintenance amount (cum)",
            unit="settlement currency",
            default=ZERO,
            min=0,
            help="Binance cum / Bybit MM deduction of the tier",
            advanced=True,
        ),
        Field(
            "wallet_balance",
            "Wallet balance (cross)",
            unit="settlement currency",
            default=None,
            min=0,
            help="cross margin: the whole wallet backing the position",
            when={"margin_mode": ("cross",)},
        ),
        Field(
            "other_maintenance_margin",
            "Other positions' maintenance margin",
            unit="settlement currency",
            default=ZERO,
            min=0,
            help="cross margin: TMM1 in Binance's formula",
            when={"margin_mode": ("cross",)},
            advanced=True,
        ),
        Field(
            "other_unrealized_pnl",
            "Other positions' unrealised PnL",
            unit="settlement currency",
            default=ZERO,
            min=-(10**15),
            max=10**15,
            help="cross margin: UPNL1 (− = loss)",
            when={"margin_mode": ("cross",)},
            advanced=True,
        ),
        field(
            "taker_fee",
            label="Taker / liquidation fee rate",
            default=ZERO,
            help="fee to close where the venue counts it (generic, Bybit, OKX, BitMEX)",
        ),
        Field(
            "tick_size",
            "Tick size",
            unit="quote",
            default=None,
            min=0,
            min_open=True,
            help="round prices to this tick, toward entry",
            advanced=True,
        ),
        Field(
            "max_leverage",
            "Asset's max leverage (Hyperliquid)",
            unit="x",
            default=None,
            min=1,
            max=1000,
            help="Hyperliquid: maintenance fraction = 1/(2 × max leverage); overrides the MMR",
            advanced=True,
        ),
        Field(
            "tier_table",
            "Dated tier table",
            type="choice",
            choices=("none", *TIER_TABLES),
            default="none",
            help="with the MMR left empty, the tier is picked from the position's notional and re-checked at "
            "the liquidation price, as the venue does; a typed MMR wins",
            when={"venue": tuple(k for k, r in MARGIN_VENUES.items() if r.tier_table)},
        ),
        Field(
            "tiers",
            "Tier table",
            type="list",
            default=None,
            columns=TIER_COLUMNS,
            max_items=50,
            help="optional: each floor is the notional where its tier starts, from 0 up; where the venue's rule uses "
            "tiers, a table typed here replaces its dated table and the flat rate",
            advanced=True,
        ),
    ),
    outputs=(
        Output("liquidation_price", "Liquidation price", unit="quote", places=4),
        Output("bankruptcy_price", "Bankruptcy price (margin = 0)", unit="quote", places=4),
        Output("initial_margin", "Initial (position) margin", unit="settlement currency", places=8),
        Output("maintenance_margin", "Maintenance margin at entry", unit="settlement currency", places=8),
        Output("distance", "Adverse move to liquidation (from entry)", format="percent", places=4),
        Output("formula", "Formula and assumptions", format="text"),
        Output("tier_note", "Tier", format="text"),
        Output("tier", "Tier applied", format="text"),
        Output("currency_label", "Margins are in", format="text"),
        QUOTE_OUTPUT,
        Output(
            "by_leverage",
            "Liquidation price against leverage (isolated)",
            format="series",
            columns=(
                Output("leverage", "Leverage", unit="x", places=2),
                Output("liquidation_price", "Liquidation price", unit="quote", places=4),
                Output("bankruptcy_price", "Bankruptcy price", unit="quote", places=4),
            ),
            chart={
                "x": "leverage",
                "y": ["liquidation_price", "bankruptcy_price"],
                "title": "Liquidation price against leverage",
                "x_label": "Leverage (× position value / margin)",
                "y_label": "Price ({quote_label})",
                # a vertical line at the reader's own leverage (an input: marks name outputs or inputs)
                "marks": ["leverage"],
            },
        ),
        Output(
            "by_venue",
            "The same position by each venue's formula (at the MMR above)",
            format="table",
            columns=(
                Output("venue", "Venue formula", format="text"),
                Output("liquidation_price", "Liquidation price", unit="quote", places=4),
                Output("bankruptcy_price", "Bankruptcy price", unit="quote", places=4),
                Output("mmr", "MMR", format="percent", places=4),
                Output("as_of", "Formula record dated", format="text"),
                Output("note", "Note", format="text"),
            ),
        ),
    ),
    compute=_liquidation_calc,
    presets={"venue": {key: margin_preset(key) for key in MARGIN_VENUES if margin_preset(key)}},
    notes=(
        "MMR defaults by venue are dated snapshots (Bybit BTCUSDT risk limit 1: 0.5 %; Binance: with the MMR left "
        "empty, the tier of the dated 2020–21 BTCUSDT table that holds the notional, re-checked at the "
        "liquidation price (the output 'Tier applied' names it); OKX BTC-USDT 2020: 0.5 %; BitMEX XBT from "
        "2024-03-19: 0.5 %; Hyperliquid 40x-max asset: "
        "1.25 %; dYdX: none, set the market's maintenance fraction). Live tiers come from each venue's API. "
        "Liquidation and bankruptcy prices are rounded toward entry when a tick is given (inferred from Bybit)."
    ),
    examples={
        "default": {
            "venue": bybit.KEY,
            "side": "long",
            "entry_price": "20000",
            "size": "1",
            "leverage": "50",
            "mmr": "0.005",
        },
        "bybit_short_added_margin": {
            "venue": bybit.KEY,
            "side": "short",
            "entry_price": "20000",
            "size": "1",
            "leverage": "50",
            "mmr": "0.005",
            "extra_margin": "3000",
        },
        "binance_cross": {
            "venue": binance.KEY,
            "margin_mode": "cross",
            "side": "long",
            "entry_price": "32481.98",
            "size": "109.488",
            "mmr": "0.025",
            "maintenance_amount": "16300",
            "wallet_balance": "1535443.01",
            "other_maintenance_margin": "356512.508",
            "other_unrealized_pnl": "-448192.89",
        },
        hyperliquid.KEY: {
            # BTC, whose maximum leverage is 40x: maintenance is half the initial margin at that
            # leverage, 1 / (2 x 40) = 1.25 % (the venue record's default)
            "venue": hyperliquid.KEY,
            "side": "long",
            "entry_price": "50000",
            "size": "1",
            "margin": "5000",
            "mmr": "0.0125",
        },
        "bitmex_inverse": {
            "venue": bitmex.KEY,
            "contract": "inverse",
            "side": "long",
            "entry_price": "10000",
            "size": "10000",
            "leverage": "25",
            "mmr": "0.005",
            "taker_fee": "0.00075",
            "tick_size": "0.5",
        },
        "bybit_inverse_cross": {
            "venue": bybit.KEY,
            "contract": "inverse",
            "margin_mode": "cross",
            "side": "long",
            "entry_price": "8000",
            "size": "10000",
            "wallet_balance": "0.5",
            "mmr": "0.005",
            "taker_fee": "0.00075",
            "tick_size": "0.5",
        },
        "tiered": {
            "venue": binance.KEY,
            "side": "short",
            "entry_price": "30000",
            "size": "33",
            "leverage": "20",
            "tiers": [
                {"floor": "0", "mmr": "0.004"},
                {"floor": "50000", "mmr": "0.005"},
                {"floor": "250000", "mmr": "0.01"},
                {"floor": "1000000", "mmr": "0.025"},
            ],
        },
    },
)


#: Dated tier tables (floor, mmr). Live tables come from each venue's API.
TABLES = ("custom", *TIER_TABLES)


def _tier_rows(name: str) -> list[dict[str, str]]:
    return [{"floor": f, "mmr": m} for f, m in TIER_TABLES[name].tiers]


def _margin_tier_calc(v: dict[str, Any]) -> dict[str, Any]:
    rows = [(r["floor"], r["mmr"]) for r in (v["tiers"] or [])]
    notional = v["notional"]
    if not rows:
        if v["mmr"] is None:
            raise InputError("mmr", "give a tier table or a maintenance margin rate")
        mmr, cum = v["mmr"], v["maintenance_amount"]
        return {
            "mmr": mmr,
            "maintenance_amount": cum,
            "maintenance_margin": maintenance_margin(notional, mmr, cum),
            "tier": 1,
            "tiers_table": [{"tier": 1, "floor": ZERO, "mmr": mmr, "maintenance_amount": cum, "current": "yes"}],
        }
    check_tiers(rows)
    cums = maintenance_amounts(rows)
    k = tier_index(notional, rows)
    table = [
        {"tier": i + 1, "floor": f, "mmr": m, "maintenance_amount": cums[i], "current": "yes" if i == k else ""}
        for i, (f, m) in enumerate(rows)
    ]
    return {
        "mmr": rows[k][1],
        "maintenance_amount": cums[k],
        "maintenance_margin": maintenance_margin(notional, rows[k][1], cums[k]),
        "tier": k + 1,
        "tiers_table": table,
    }


margin_tier_calculator = Calculator(
    name="margin_tier",
    title="Maintenance margin tier",
    summary=(
        "The maintenance margin rate and amount for a position's notional from a tiered table, with each "
        "tier's maintenance amount built by the recurrence that keeps the requirement continuous."
    ),
    terms=("forced-liquidation-patterns", "margin-liquidation-cascades"),
    function="perpcalc.margin.maintenance_amounts",
    inputs=(
        Field(
            "table",
            "Tier table",
            type="choice",
            choices=TABLES,
            default="custom",
            help="custom: the rows below; others are dated snapshots, not live tables",
        ),
        Field("notional", "Position notional", unit="settlement currency", min=0),
        Field(
            "tiers",
            "Tiers (floor, mmr)",
            type="list",
            default=None,
            columns=TIER_COLUMNS,
            max_items=50,
            help="rows ascending from floor 0; leave empty to use the rate and amount below",
        ),
        field("mmr", default=None),
        Field("maintenance_amount", "Maintenance amount", unit="settlement currency", default=ZERO, min=0),
        field("settle"),
    ),
    outputs=(
        Output("mmr", "Maintenance margin rate", format="percent", places=4),
        Output("maintenance_amount", "Maintenance amount (cum)", unit="settlement currency", places=8),
        Output(
            "maintenance_margin", "Maintenance margin = notional × rate − amount", unit="settlement currency", places=8
        ),
        Output("tier", "Tier", format="integer"),
        Output(
            "tiers_table",
            "Tiers with computed maintenance amounts",
            format="table",
            columns=(
                Output("tier", "Tier", format="integer"),
                Output("floor", "Floor", unit="notional", places=2),
                Output("mmr", "Rate", format="percent", places=4),
                Output("maintenance_amount", "Maintenance amount", places=8),
                Output("current", "Your tier", format="text"),
            ),
        ),
        CURRENCY_OUTPUT,
    ),
    compute=with_currency(_margin_tier_calc),
    presets={"table": {name: {"tiers": _tier_rows(name)} for name in TIER_TABLES}},
    notes="; ".join(f"{name}: {table.source}" for name, table in TIER_TABLES.items()),
    examples={
        "default": {"table": "binance_btcusdt_2021", "notional": "3500032.458"},
        "flat": {"notional": "4918775.081", "mmr": "0.1", "maintenance_amount": "135365"},
    },
)


def _position_pnl_calc(v: dict[str, Any]) -> dict[str, Any]:
    side, contract, cv = v["side"], v["contract"], v["contract_value"]
    q, ep, x, t, f = v["size"], v["entry_price"], v["exit_price"], v["taker_fee"], v["funding_paid"]
    if t >= 1:
        raise InputError("taker_fee", "taker fee must be below 100 %")
    im = position_value(q, ep, contract, cv) / v["leverage"]
    pnl, fees = pnl_and_fees(side, q, ep, x, contract, cv, t, f)
    lp = liquidation_price_at_mark(side, q, ep, im, v["mmr"], ZERO, t, contract, cv)
    if _beyond_entry(side, lp, ep):
        raise InputError(
            "leverage",
            "at this leverage the margin is below the maintenance margin: the position would be liquidated at once",
        )
    bp = bankruptcy_price(side, q, ep, im, contract, cv)
    target = exit_price_for_pnl(side, q, ep, v["target_roe"] * im, contract, cv, t, f)
    # curve: the same notional as linear (base units) and inverse (1-quote contracts), gross
    base = q if contract == "linear" else q * cv / ep
    points = [p for p in (ep, x, lp, bp, target) if p is not None]
    lo, hi = min(points) * Decimal("0.9"), max(points) * Decimal("1.1")
    n = 100
    curve = []
    for i in range(n + 1):
        px = lo + (hi - lo) * i / n
        lin = unrealized_pnl(side, base, ep, px)
        inv = unrealized_pnl(side, base * ep, ep, px, "inverse") * ep
        curve.append({"exit_price": px, "pnl_linear": lin, "pnl_inverse": inv})
    return {
        "pnl": pnl,
        "roe": pnl / im,
        "fees": fees,
        "currency": "base" if contract == "inverse" else "quote",
        "break_even_price": exit_price_for_pnl(side, q, ep, ZERO, contract, cv, t, f),
        "target_price": target,
        "liquidation_price": lp,
        "bankruptcy_price": bp,
        "curve": curve,
    }


position_pnl_calculator = Calculator(
    name="position_pnl",
    title="Position PnL, break-even and target price",
    summary=(
        "Profit of a perpetual position after taker fees and funding, its return on margin, the exit price "
        "that breaks even, the one that reaches a target return, and how linear and inverse PnL differ."
    ),
    terms=("funding-rate-exposure", "forced-liquidation-patterns"),
    function="perpcalc.margin.pnl_and_fees",
    inputs=(
        field("side"),
        field("contract", advanced=True),
        field("contract_value"),
        field("entry_price"),
        Field("exit_price", "Exit price", unit="quote", min=0, min_open=True),
        field("size"),
        field("leverage"),
        field("taker_fee", label="Taker fee rate (each way)"),
        Field(
            "funding_paid",
            "Funding paid so far (+ = you paid, − = you received)",
            unit="settlement currency",
            default=ZERO,
            min=-(10**15),
            max=10**15,
            advanced=True,
        ),
        Field(
            "target_roe",
            "Target return on margin",
            unit="fraction",
            percent=True,
            default=Decimal("0.5"),
            min=-1,
            max=1000,
            help="0.5 = 50 % of the initial margin",
            advanced=True,
        ),
        field("mmr", advanced=True),
        field("settle"),
    ),
    outputs=(
        Output("pnl", "Net PnL (+ = profit), after fees and funding", unit="settlement currency", places=8),
        Output("roe", "Return on initial margin", format="percent", places=4),
        Output("fees", "Taker fees, entry and exit", unit="settlement currency", places=8),
        Output("currency", "Settlement currency", format="text"),
        Output("break_even_price", "Break-even exit price (fees and funding included)", unit="quote", places=4),
        Output("target_price", "Exit price for the target return", unit="quote", places=4),
        Output(
            "liquidation_price", "Liquidation price (maintenance at the mark, fee to close)", unit="quote", places=4
        ),
        Output("bankruptcy_price", "Bankruptcy price", unit="quote", places=4),
        Output(
            "curve",
            "PnL against exit price: linear vs inverse, same notional, before fees",
            format="series",
            columns=(
                Output("exit_price", "Exit price", unit="quote", places=4),
                Output("pnl_linear", "Linear PnL", unit="quote", places=4),
                Output("pnl_inverse", "Inverse PnL × entry price", unit="quote at entry", places=4),
            ),
            chart={
                "x": "exit_price",
                "y": ["pnl_linear", "pnl_inverse"],
                "marks": ["liquidation_price", "break_even_price"],
                "title": "PnL against exit price, linear and inverse",
                "x_label": "Exit price ({quote_label})",
                "y_label": "PnL ({currency_label})",
            },
        ),
        CURRENCY_OUTPUT,
        QUOTE_OUTPUT,
    ),
    compute=with_currency(_position_pnl_calc),
    examples={
        "default": {
            "side": "long",
            "entry_price": "20000",
            "exit_price": "21000",
            "size": "1",
            "leverage": "10",
            "taker_fee": "0.0005",
            "funding_paid": "12",
            "target_roe": "0.5",
        },
        "bitmex_inverse": {
            "side": "long",
            "contract": "inverse",
            "entry_price": "750",
            "exit_price": "800",
            "size": "15000",
            "leverage": "10",
            "taker_fee": "0",
            "funding_paid": "0.05",
        },
    },
)
