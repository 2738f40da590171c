"""Margin: maintenance tiers, liquidation and bankruptcy prices by venue, position PnL.

Every liquidation price here solves one condition, the margin condition

    equity(p) = maintenance margin(p)

where equity is the collateral backing the position plus its unrealised PnL at price p,
and venues differ only in how they value the maintenance margin (at the mark price, or
at the entry value), which fees they add, and how they write the result. The bankruptcy
price solves equity(p) = 0: there the position's collateral is gone.

Notation: s = +1 long, −1 short; Q = size (base units for linear contracts, contracts
for inverse ones); EP = entry price; K = Q × contract value (quote units, inverse);
C = collateral (isolated margin plus extra margin, or for cross margin the wallet
balance plus the other positions' unrealised PnL minus their maintenance margin);
m = maintenance margin rate; cum = maintenance amount ("cum", Bybit's "MM deduction").

Linear value of a position at price p is Q·p (quote); inverse value is K/p (base coin).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from ._spec import Calculator, Field, InputError, Output, calculator
from .funding import SIDE, _sign

ZERO = Decimal(0)
ONE = Decimal(1)
TWO = Decimal(2)

VENUES = ("generic", "binance", "bybit", "okx", "bitmex", "hyperliquid", "dydx")
#: venues whose maintenance margin is valued at the mark (liquidation) price; Bybit and
#: BitMEX value it on the position's entry value.
AT_MARK = ("generic", "binance", "okx", "hyperliquid", "dydx")


# ------------------------------------------------------------------ tiers


def maintenance_amounts(tiers: Sequence[tuple[Decimal, Decimal]]) -> list[Decimal]:
    """Maintenance amount (Binance "cum") of each tier of a tiered margin table.

    cum₁ = 0,   cumₙ = floorₙ × (mmrₙ − mmrₙ₋₁) + cumₙ₋₁

    ``tiers`` is a list of (floor, mmr) pairs, floors ascending from 0. The recurrence is
    what makes the maintenance margin notional × mmr − cum continuous at every floor: at
    notional = floorₙ both tiers n − 1 and n give the same requirement.

    Source: Binance "How to calculate the maintenance amount" (FAQ ceccfcfb…, 2021-02-05).

    Example: Binance's COIN-M BTCUSD level 5 from level 4 (cum 0.56 BTC, MMR 2.5 %) at a
    floor of 50 BTC and MMR 5 %: 50 × (5 % − 2.5 %) + 0.56 = 1.81 BTC.
    """
    cums: list[Decimal] = []
    prev_mmr = ZERO
    prev_cum = ZERO
    for i, (floor, mmr) in enumerate(tiers):
        cum = ZERO if i == 0 else floor * (mmr - prev_mmr) + prev_cum
        cums.append(cum)
        prev_mmr, prev_cum = mmr, cum
    return cums


def tier_index(notional: Decimal, tiers: Sequence[tuple[Decimal, Decimal]]) -> int:
    """0-based index of the tier holding ``notional``: the last tier whose floor ≤ notional.

    At a floor itself the upper tier is chosen; the recurrence makes the maintenance
    margin the same either way.
    """
    k = 0
    for i, (floor, _mmr) in enumerate(tiers):
        if notional >= floor:
            k = i
    return k


def maintenance_margin(notional: Decimal, mmr: Decimal, maintenance_amount: Decimal = ZERO) -> Decimal:
    """Maintenance margin = notional × mmr − maintenance amount.

    Source: Binance USDⓈ-M liquidation FAQ (the "cum" term); Bybit "MM deduction".

    Example: 3,500,032.458 × 2.5 % − 16,300 = 71,200.81145 (Binance's BTCUSDT example).
    """
    return notional * mmr - maintenance_amount


def check_tiers(rows: Sequence[tuple[Decimal, Decimal]], field: str = "tiers") -> None:
    """InputError unless floors start at 0 and rise strictly and rates never fall."""
    if not rows:
        return
    if rows[0][0] != 0:
        raise InputError(field, "the first tier's floor must be 0 (tiers start at a notional of 0)")
    for i in range(1, len(rows)):
        if rows[i][0] <= rows[i - 1][0]:
            raise InputError(field, f"tier floors must rise: row {i + 1} starts at or below row {i}")
        if rows[i][1] < rows[i - 1][1]:
            raise InputError(field, f"maintenance rates must not fall from tier to tier (row {i + 1})")


# ------------------------------------------------------------------ the margin condition


def position_value(size: Decimal, price: Decimal, contract: str = "linear", contract_value: Decimal = ONE) -> Decimal:
    """Position value: Q × p (linear, quote) or Q × contract_value / p (inverse, base coin)."""
    if contract == "inverse":
        return size * contract_value / price
    return size * price


def unrealized_pnl(side: str, size: Decimal, entry_price: Decimal, price: Decimal, contract: str = "linear",
                   contract_value: Decimal = ONE) -> Decimal:
    """Unrealised PnL at ``price``: s·Q·(p − EP) (linear, quote) or s·K·(1/EP − 1/p) (inverse, coin).

    Source: Binance USDⓈ-M / COIN-M PnL FAQ; BitMEX perpetual guide (15,000 XBTUSD from
    750 to 800 earn 15,000 × (1/750 − 1/800) = 1.25 XBT).
    """
    s = _sign(side)
    if contract == "inverse":
        return s * size * contract_value * (ONE / entry_price - ONE / price)
    return s * size * (price - entry_price)


def liquidation_price_at_mark(side: str, size: Decimal, entry_price: Decimal, collateral: Decimal,
                              mmr: Decimal, maintenance_amount: Decimal = ZERO, fee_rate: Decimal = ZERO,
                              contract: str = "linear", contract_value: Decimal = ONE) -> Decimal | None:
    """Price at which equity equals the maintenance margin valued at that same price.

    With m = mmr + fee_rate (a fee to close charged on the value at liquidation):

    linear:  C + s·Q·(p − EP) = m·Q·p − cum   ⇒  p = (s·Q·EP − C − cum) / (Q·(s − m))
    inverse: C + s·K·(1/EP − 1/p) = m·K/p − cum  ⇒  1/p = (C + cum + s·K/EP) / (K·(s + m))

    Returns ``None`` when no positive price satisfies the condition: a linear long whose
    collateral covers a fall to zero, or an inverse short whose collateral is at least the
    position's coin value (the price can rise without limit). With m = 0 and cum = 0 this
    is the bankruptcy price.

    Source: the margin condition of Binance (USDⓈ-M FAQ b3c689c1…, 2020-08-14), OKX
    (margin ratio = equity / (maintenance + liquidation fee), 2025), Hyperliquid
    (liquidations doc) and dYdX (net collateral vs maintenance requirement).

    Example: long 1 BTC at 50,000 with 5,000 margin and m = 1 %:
    p = (50,000 − 5,000) / 0.99 = 45,454.55.
    """
    s = _sign(side)
    m = mmr + fee_rate
    if contract == "inverse":
        k = size * contract_value
        inv = (collateral + maintenance_amount + s * k / entry_price) / (k * (s + m))
        return ONE / inv if inv > 0 else None
    p = (s * size * entry_price - collateral - maintenance_amount) / (size * (s - m))
    return p if p > 0 else None


def bankruptcy_price(side: str, size: Decimal, entry_price: Decimal, collateral: Decimal,
                     contract: str = "linear", contract_value: Decimal = ONE,
                     fee_rate: Decimal = ZERO) -> Decimal | None:
    """Price at which the position's equity is zero (optionally after a fee to close).

    linear:  p = EP − s·C/Q                 (no fee; with fee t: (s·Q·EP − C)/(Q·(s − t)))
    inverse: 1/p = 1/EP + s·C/K             (with fee t: p = K·(s + t) / (C + s·K/EP))

    ``None`` when no positive price exists (a linear long with C ≥ Q·EP, an inverse short
    with C ≥ K/EP).

    Source: Bybit "Bankruptcy Price (USDT Contract)": long 1 BTC at 10,000, 50x →
    10,000 × (1 − 1/50) = 9,800; BitMEX liquidation examples; Bybit inverse cross example
    (fee 0.075 %: 0.5 BTC, long 10,000 contracts at 8,000 → 1.00075 × 10,000 / 1.75 =
    5,718.57).
    """
    return liquidation_price_at_mark(side, size, entry_price, collateral, ZERO, ZERO, fee_rate, contract,
                                     contract_value)


def binance_liquidation_price(side: str, size: Decimal, entry_price: Decimal, wallet_balance: Decimal,
                              mmr: Decimal, maintenance_amount: Decimal = ZERO,
                              other_maintenance_margin: Decimal = ZERO,
                              other_unrealized_pnl: Decimal = ZERO) -> Decimal | None:
    """Binance USDⓈ-M liquidation price, one-way mode, in Binance's own arrangement.

    LP = (WB − TMM1 + UPNL1 + cum − s·Q·EP) / (Q·MMR − s·Q)

    WB is the cross wallet balance (isolated: the position's isolated wallet, with
    TMM1 = UPNL1 = 0); TMM1 and UPNL1 are the maintenance margin and unrealised PnL of
    every *other* position sharing the wallet, held fixed. Multiplying top and bottom by
    −1 gives :func:`liquidation_price_at_mark` with C = WB − TMM1 + UPNL1: Binance values
    the maintenance margin at the mark price. Hedge mode adds the L and S legs of the same
    symbol to both sums; it is not modelled here.

    Source: Binance FAQ "How to calculate liquidation price of USDⓈ-M contracts"
    (b3c689c1f50a44cabb3a84e663b81d93, 2020-08-14; formula published as an image, this
    transcription reproduces Binance's example, as do freqtrade and Jesse).

    Example (Binance's two-position cross account): WB 1,535,443.01; BTCUSDT long 109.488
    at 32,481.98, MMR 2.5 %, cum 16,300; the ETHUSDT position has maintenance 356,512.508
    and unrealised PnL −448,192.89 → LP = 26,316.89.
    """
    s = _sign(side)
    top = wallet_balance - other_maintenance_margin + other_unrealized_pnl + maintenance_amount - s * size * entry_price
    lp = top / (size * mmr - s * size)
    return lp if lp > 0 else None


def bybit_liquidation_price(side: str, size: Decimal, entry_price: Decimal, collateral: Decimal,
                            mmr: Decimal, mm_deduction: Decimal = ZERO, fee_to_close: Decimal = ZERO,
                            contract: str = "linear", contract_value: Decimal = ONE) -> Decimal | None:
    """Bybit liquidation price, maintenance margin valued at the entry value.

    linear:  LP = EP − s·(C − MM)/Q,        MM = Q·EP·MMR − deduction + fee to close
    inverse: LP = K / (PV + s·(C − MM)),    PV = K/EP, MM = PV·MMR − deduction

    C is the position margin plus margin added (isolated; Bybit writes IM + ExtraMargin),
    or what the account can lose (cross). With MM_deduction = 0 and C = Q·EP/L this is
    Bybit's older EP·(1 − 1/L + MMR) for a long. The unified account adds an estimated
    fee to close to both initial and maintenance margin, so at a given leverage it cancels.

    Source: Bybit "Liquidation Price (USDT Contract)" (current and ~2020 versions);
    "Liquidation Price Calculation under Isolated Mode (UTA)" (2024-09-10, inverse form).

    Examples: long 1 BTC at 20,000, 50x, MMR 0.5 %: IM 400, MM 100 → 19,700; the short
    with 3,000 USDT added → 23,300; inverse 8,000 at 50x, MMR 0.5 % → 7,881.77 (long),
    8,121.83 (short).
    """
    s = _sign(side)
    if contract == "inverse":
        pv = size * contract_value / entry_price
        mm = pv * mmr - mm_deduction + fee_to_close
        den = pv + s * (collateral - mm)
        return size * contract_value / den if den > 0 else None
    mm = size * entry_price * mmr - mm_deduction + fee_to_close
    lp = entry_price - s * (collateral - mm) / size
    return lp if lp > 0 else None


def bybit_inverse_cross(side: str, size: Decimal, entry_price: Decimal, balance: Decimal, mmr: Decimal,
                        taker_fee: Decimal, contract_value: Decimal = ONE,
                        mm_deduction: Decimal = ZERO) -> tuple[Decimal | None, Decimal | None]:
    """Bybit inverse cross margin: (liquidation price, bankruptcy price) with the fee to close.

    BP:  C + s·K/EP − s·K/BP − t·K/BP = 0            ⇒  BP = K·(s + t) / (C + s·K/EP)
    LP:  s·K·(1/EP − 1/LP) = −(C − PV·MMR + deduction − t·K/BP)

    Source: Bybit help centre "How to calculate Liquidation Price (Inverse Contract)"
    (cross example, about 2020).

    Example: balance 0.5 BTC, long 10,000 contracts at 8,000, MMR 0.5 %, taker 0.075 %:
    BP = 10,007.5 / 1.75 = 5,718.57; LP = 5,739.08 (Bybit shows 5,739.50, rounded up to
    the 0.5 tick).
    """
    s = _sign(side)
    k = size * contract_value
    bp = liquidation_price_at_mark(side, size, entry_price, balance, ZERO, ZERO, taker_fee, "inverse",
                                   contract_value)
    fee = taker_fee * k / bp if bp is not None else ZERO
    avail = balance - (k / entry_price * mmr - mm_deduction) - fee
    inv = ONE / entry_price + s * avail / k
    return (ONE / inv if inv > 0 else None), bp


def bitmex_liquidation_price(side: str, size: Decimal, entry_price: Decimal, collateral: Decimal,
                             mmr: Decimal, taker_fee: Decimal = ZERO, contract: str = "inverse",
                             contract_value: Decimal = ONE) -> tuple[Decimal | None, Decimal | None]:
    """BitMEX (liquidation, bankruptcy) price in the bankruptcy-price form.

    BP:  1/BP = 1/EP + s·C/K  (inverse; with C = K/(EP·L): BP = EP/(1 + s/L))
         BP = EP − s·C/Q      (linear)
    LP = BP + s·EP·(MM% + taker fee)

    BitMEX publishes no closed form; this is the form support staff give (maintenance
    includes the exit taker fee; they also add the next funding rate, left out here).
    For linear contracts it is exact; for inverse ones it is the price-space shortcut.

    Source: BitMEX liquidation examples (testnet.bitmex.com/app/liquidationExamples):
    long 1 contract at 100.00, bankruptcy 99.00, liquidation 99.50 (MM 0.5 %); base MM
    0.5 % for XBT from 2024-03-19.
    """
    s = _sign(side)
    if contract == "inverse":
        inv = ONE / entry_price + s * collateral / (size * contract_value)
        bp = ONE / inv if inv > 0 else None
    else:
        bp = entry_price - s * collateral / size
        bp = bp if bp > 0 else None
    if bp is None:
        return None, None
    lp = bp + s * entry_price * (mmr + taker_fee)
    return (lp if lp > 0 else None), bp


def hyperliquid_liquidation_price(side: str, size: Decimal, price: Decimal, margin_available: Decimal,
                                  maintenance_leverage_inverse: Decimal) -> Decimal | None:
    """Hyperliquid liquidation price, as its docs write it.

    liq = price − s · margin_available / size / (1 − l·s)

    l = 1 / maintenance leverage = half the initial margin at the asset's *maximum*
    leverage, i.e. l = 1 / (2 × max leverage) (1 % for 50x assets); margin_available =
    isolated margin (or cross account value) − l × size × price. At liq, equity equals
    l × size × liq: the maintenance margin is valued at the mark, and the result does not
    depend on which current price is used.

    Source: Hyperliquid docs, "Liquidations" (hyperliquid.gitbook.io, read 2025–26).

    Example: long 1 BTC at 50,000, margin 5,000, l = 1 %: margin available 4,500,
    liq = 50,000 − 4,500 / 0.99 = 45,454.55.
    """
    s = _sign(side)
    lp = price - s * margin_available / size / (ONE - maintenance_leverage_inverse * s)
    return lp if lp > 0 else None


def round_toward_entry(price: Decimal | None, entry_price: Decimal, tick: Decimal | None) -> Decimal | None:
    """Round a liquidation or bankruptcy price to the tick, toward the entry price.

    A long's price below entry is rounded up, a short's above entry down: the cautious
    side, liquidating no later than the exact price. Inferred from Bybit's inverse
    examples (5,739.08 shown as 5,739.50; 7,735.37 as 7,735.50 on a 0.5 tick); no venue
    documents its rule, so treat it as an assumption.
    """
    if price is None or tick is None:
        return price
    q = price / tick
    mode = ROUND_CEILING if price <= entry_price else ROUND_FLOOR
    return q.to_integral_value(rounding=mode) * tick


# ------------------------------------------------------------------ the calculator


def _collateral(v: dict[str, Any], initial_margin: Decimal) -> Decimal:
    """C: what stands between the position and bankruptcy (see module docstring)."""
    if v["margin_mode"] == "cross":
        wb = v["wallet_balance"]
        if wb is None:
            if v["margin"] is None:
                raise InputError("wallet_balance", "cross margin needs the wallet balance")
            wb = v["margin"]
        c = wb + v["extra_margin"] + v["other_unrealized_pnl"] - v["other_maintenance_margin"]
        if c <= 0:
            raise InputError("wallet_balance", "the wallet balance plus other PnL, less other positions' "
                             "maintenance margin, must be > 0")
        return c
    c = initial_margin + v["extra_margin"]
    if c <= 0:
        raise InputError("extra_margin", "margin after the extra margin (added or removed) must be > 0")
    return c


def _liquidate(v: dict[str, Any], mmr: Decimal, cum: Decimal, leverage: Decimal | None = None,
               margin: Decimal | None = None) -> dict[str, Any]:
    """Liquidation and bankruptcy price for one venue, leverage/margin and tier (unrounded)."""
    venue, contract = v["venue"], v["contract"]
    side, q, ep, cv = v["side"], v["size"], v["entry_price"], v["contract_value"]
    t = v["taker_fee"]
    value = position_value(q, ep, contract, cv)
    s = _sign(side)
    im = margin if margin is not None else value / leverage
    fee_close = ZERO
    if venue == "bybit" and contract == "linear" and t > 0:
        bp0 = ep - s * (im + v["extra_margin"]) / q
        fee_close = t * q * max(bp0, ZERO)
        if margin is None:
            im = im + fee_close
    c = _collateral(v, im)
    if venue == "binance" and contract == "linear":
        if v["margin_mode"] == "cross":
            wb = (v["wallet_balance"] if v["wallet_balance"] is not None else v["margin"]) + v["extra_margin"]
        else:
            wb = c
        other_mm = v["other_maintenance_margin"] if v["margin_mode"] == "cross" else ZERO
        other_pnl = v["other_unrealized_pnl"] if v["margin_mode"] == "cross" else ZERO
        lp = binance_liquidation_price(side, q, ep, wb, mmr, cum, other_mm, other_pnl)
        bp = bankruptcy_price(side, q, ep, c, contract, cv)
        mm = maintenance_margin(value, mmr, cum)
    elif venue == "bybit":
        if contract == "inverse" and v["margin_mode"] == "cross":
            lp, bp = bybit_inverse_cross(side, q, ep, c, mmr, t, cv, cum)
            mm = maintenance_margin(value, mmr, cum)
        else:
            lp = bybit_liquidation_price(side, q, ep, c, mmr, cum, fee_close, contract, cv)
            bp = bankruptcy_price(side, q, ep, c - fee_close, contract, cv)
            mm = maintenance_margin(value, mmr, cum) + fee_close
    elif venue == "bitmex":
        lp, bp = bitmex_liquidation_price(side, q, ep, c, mmr, t, contract, cv)
        mm = value * (mmr + t)
    elif venue == "hyperliquid":
        available = c - mmr * value
        lp = hyperliquid_liquidation_price(side, q, ep, available, mmr)
        bp = bankruptcy_price(side, q, ep, c, contract, cv)
        mm = mmr * value
    else:  # generic, okx, dydx, binance COIN-M: the condition at the mark
        fee = t if venue in ("generic", "okx") else ZERO
        amount = ZERO if venue == "dydx" else cum
        lp = liquidation_price_at_mark(side, q, ep, c, mmr, amount, fee, contract, cv)
        bp = bankruptcy_price(side, q, ep, c, contract, cv)
        mm = maintenance_margin(value, mmr + fee, amount)
    if v["margin_mode"] == "cross" and v["other_maintenance_margin"]:
        # bankruptcy: all equity gone, the other positions' maintenance margin included
        c_bp = c + v["other_maintenance_margin"]
        if venue == "bitmex":
            bp = bitmex_liquidation_price(side, q, ep, c_bp, mmr, t, contract, cv)[1]
        elif venue == "bybit" and contract == "inverse":
            bp = bankruptcy_price(side, q, ep, c_bp, contract, cv, t)
        else:
            bp = bankruptcy_price(side, q, ep, c_bp - fee_close, contract, cv)
    return {"lp": lp, "bp": bp, "im": im, "mm": mm, "value": value}


def _beyond_entry(side: str, lp: Decimal | None, ep: Decimal) -> bool:
    return lp is not None and _sign(side) * (ep - lp) <= 0


FORMULAS = {
    "generic": ("Textbook margin condition: equity = maintenance margin valued at the liquidation price, "
                "C + s·Q·(LP − EP) = (MMR + fee)·Q·LP − cum (linear); inverse: in 1/LP with value K/LP."),
    "binance": ("Binance USDⓈ-M (one-way): LP = (WB − TMM1 + UPNL1 + cum − s·Q·EP) / (Q·MMR − s·Q); "
                "maintenance at the mark; other positions' MM and PnL held fixed."),
    "binance_inverse": ("Binance COIN-M, reconstructed from the margin condition (Binance prints it as an "
                        "image): 1/LP = (WB + cum + s·K/EP) / (K·(s + MMR)); derived, not verified."),
    "bybit": ("Bybit linear: LP = EP − s·(IM + extra − MM)/Q with MM = Q·EP·MMR − MM deduction (+ fee to close "
              "on the unified account): maintenance on the entry value."),
    "bybit_inverse": ("Bybit inverse isolated (2024-09 text): LP = K / (PV + s·(IM + extra − MM)), PV = K/EP, "
                      "MM = PV·MMR − deduction."),
    "bybit_inverse_cross": ("Bybit inverse cross: BP = K·(s + t)/(balance + s·PV); "
                            "s·K·(1/EP − 1/LP) = −(balance − PV·MMR − t·K/BP)."),
    "okx": ("OKX: margin ratio = (margin + UPL) / (value × (MMR + liquidation fee rate)) reaches 100 %: "
            "LP = (s·Q·EP − C)/(Q·(s − MMR − fee)); derived from OKX's margin ratio, no published closed form."),
    "bitmex": ("BitMEX bankruptcy-price form (support formula, no official closed form): 1/BP = 1/EP + s·C/K "
               "(inverse) or BP = EP − s·C/Q (linear); LP = BP + s·EP·(MM% + taker fee); funding left out."),
    "hyperliquid": ("Hyperliquid: LP = EP − s·(C − l·Q·EP) / Q / (1 − l·s), l = maintenance fraction = "
                    "1/(2 × max leverage); maintenance at the mark."),
    "dydx": ("dYdX v4: liquidatable when net collateral < maintenance margin fraction × |size| × oracle price: "
             "LP = (s·Q·EP − C)/(Q·(s − MMF)); no maintenance amount."),
}


def _formula(v: dict[str, Any], mmr: Decimal, ignored: list[str]) -> str:
    venue, contract, mode = v["venue"], v["contract"], v["margin_mode"]
    key = venue
    if venue == "binance" and contract == "inverse":
        key = "binance_inverse"
    elif venue == "bybit" and contract == "inverse":
        key = "bybit_inverse_cross" if mode == "cross" else "bybit_inverse"
    text = FORMULAS[key]
    if mode == "cross":
        text += " Cross: C = wallet balance + extra − other positions' maintenance margin + their unrealised PnL."
    else:
        text += " Isolated: C = position margin + extra margin."
    text += f" MMR used: {_pct(mmr)}."
    if ignored:
        text += " Not used by this venue's formula: " + ", ".join(ignored) + "."
    return text


def _pct(x: Decimal) -> str:
    return f"{float(x) * 100:.4g} %"


def _num(x: Decimal | None) -> str:
    return "none" if x is None else f"{float(x):,.2f}"


def _resolve_margin_inputs(v: dict[str, Any]) -> tuple[Decimal | None, Decimal | None]:
    if v["margin"] is not None:
        return None, v["margin"]
    if v["leverage"] is None:
        raise InputError("leverage", "give a leverage or a margin")
    return v["leverage"], None


def _liquidation_calc(v: dict[str, Any]) -> dict[str, Any]:
    venue, contract, side = v["venue"], v["contract"], v["side"]
    ep, q = v["entry_price"], v["size"]
    if venue in ("hyperliquid", "dydx") and contract == "inverse":
        raise InputError("contract", f"{venue} lists only linear (USDC-margined) perpetuals")
    mmr, cum = v["mmr"], v["maintenance_amount"]
    ignored: list[str] = []
    if venue == "hyperliquid":
        if v["max_leverage"] is not None:
            mmr = ONE / (TWO * v["max_leverage"])
            if v["leverage"] is not None and v["margin"] is None and v["leverage"] > v["max_leverage"]:
                raise InputError("leverage", f"leverage must be ≤ the asset's maximum leverage ({v['max_leverage']}x)")
        if cum:
            ignored.append("maintenance amount")
    if venue in ("hyperliquid", "dydx", "binance") and v["taker_fee"]:
        ignored.append("taker fee")
    if venue == "bitmex" and cum:
        ignored.append("maintenance amount")
    if venue == "dydx" and cum:
        ignored.append("maintenance amount")
    if mmr + v["taker_fee"] >= 1:
        raise InputError("mmr", "maintenance rate plus fee must be below 100 %")
    leverage, margin = _resolve_margin_inputs(v)

    # tiers: pick the tier at entry, then the one consistent at the liquidation price
    rows = [(r["floor"], r["mmr"]) for r in (v["tiers"] or [])]
    check_tiers(rows)
    tier_note = "No tier table given: the MMR and maintenance amount above apply at every notional."
    res = None
    if rows and venue in ("hyperliquid", "dydx"):
        rows = []
        ignored.append("tier table")
    if rows:
        cums = maintenance_amounts(rows)
        value = position_value(q, ep, contract, v["contract_value"])
        k0 = tier_index(value, rows)
        mmr, cum = rows[k0][1], cums[k0]
        res = _liquidate(v, mmr, cum, leverage, margin)
        if venue in AT_MARK and res["lp"] is not None:
            k_lp = tier_index(position_value(q, res["lp"], contract, v["contract_value"]), rows)
            if k_lp == k0:
                tier_note = (f"Tier {k0 + 1} (MMR {_pct(mmr)}, maintenance amount {_num(cum)}) holds both at entry "
                             f"and at the liquidation price.")
            else:
                mm_entry = res["mm"]
                found = False
                for k in range(len(rows)):
                    trial = _liquidate(v, rows[k][1], cums[k], leverage, margin)
                    if trial["lp"] is not None and tier_index(
                            position_value(q, trial["lp"], contract, v["contract_value"]), rows) == k:
                        res, mmr, cum, found = trial, rows[k][1], cums[k], True
                        res["mm"] = mm_entry
                        break
                tier_note = (f"The notional at entry is in tier {k0 + 1} (MMR {_pct(rows[k0][1])}), but at the "
                             f"liquidation price it falls in tier {k_lp + 1}; ")
                if found:
                    tier_note += (f"recomputed with the tier that holds at the liquidation price (MMR {_pct(mmr)}, "
                                  f"maintenance amount {_num(cum)}), as Binance does.")
                else:
                    tier_note += "no tier is consistent at its own liquidation price; the entry tier is shown."
        elif venue in AT_MARK:
            tier_note = f"Tier {k0 + 1} at entry (MMR {_pct(mmr)}); no liquidation price to re-check the tier at."
        else:
            tier_note = (f"Tier {k0 + 1} by the position value at entry (MMR {_pct(mmr)}); {venue} values maintenance "
                         f"on the entry value, so the tier does not move with the price.")
    else:
        res = _liquidate(v, mmr, cum, leverage, margin)
        if venue == "hyperliquid":
            tier_note = "Maintenance fraction = 1/(2 × max leverage), from the asset's maximum leverage."

    lp, bp = res["lp"], res["bp"]
    if _beyond_entry(side, lp, ep):
        field = "wallet_balance" if v["margin_mode"] == "cross" else ("margin" if margin is not None else "leverage")
        limit = ""
        if leverage is not None and mmr > 0:
            limit = f"; at MMR {_pct(mmr)} keep leverage below about {float(ONE / (mmr + v['taker_fee'])):.4g}x"
        raise InputError(field, "the margin does not cover the maintenance margin: the position would be "
                         f"liquidated at once (liquidation price {_num(lp)} at or beyond the entry {_num(ep)}){limit}")
    if res["mm"] < 0 or (lp is not None and bp is not None and _sign(side) * (lp - bp) < 0):
        raise InputError("maintenance_amount", "the maintenance amount is larger than notional × MMR here, which "
                         "makes the maintenance margin negative; it belongs to a higher tier")
    tick = v["tick_size"]
    lp_r = round_toward_entry(lp, ep, tick)
    bp_r = round_toward_entry(bp, ep, tick)
    if _beyond_entry(side, lp_r, ep):
        raise InputError("tick_size", f"rounded to the {tick.normalize():f} tick the liquidation price reaches the "
                         "entry price: use a finer tick or less leverage")
    formula = _formula(v, mmr, ignored)
    if lp is None:
        formula += " No liquidation price: the collateral covers any price move against the position."
    if tick is not None:
        formula += f" Prices rounded to the {tick.normalize():f} tick toward entry (assumed; inferred from Bybit)."
    distance = None if lp_r is None else _sign(side) * (ep - lp_r) / ep
    return {
        "liquidation_price": lp_r,
        "bankruptcy_price": bp_r,
        "initial_margin": res["im"],
        "maintenance_margin": res["mm"],
        "distance": distance,
        "formula": formula,
        "tier_note": tier_note,
        "by_leverage": _by_leverage(v, mmr, cum),
    }


LEVERAGES = tuple(Decimal(x) for x in (
    "1", "1.5", "2", "3", "4", "5", "6", "8", "10", "12.5", "15", "20", "25", "30", "35", "40", "50", "60", "75",
    "100", "125", "150", "200"))


def _by_leverage(v: dict[str, Any], mmr: Decimal, cum: Decimal) -> list[dict[str, Any]]:
    """Isolated liquidation and bankruptcy prices at standard leverages, up to the venue's limit."""
    iso = dict(v, margin_mode="isolated", margin=None)
    rows = []
    for lev in LEVERAGES:
        if v["max_leverage"] is not None and lev > v["max_leverage"]:
            break
        try:
            res = _liquidate(iso, mmr, cum, lev, None)
        except InputError:
            continue
        if res["lp"] is None:
            continue
        if _beyond_entry(v["side"], res["lp"], v["entry_price"]):
            break
        rows.append({"leverage": lev, "liquidation_price": res["lp"], "bankruptcy_price": res["bp"]})
    return rows


PRESETS = {
    "venue": {
        # Bybit BTCUSDT risk limit 1: MMR 0.5 % (help-centre examples, current 2024-26)
        "bybit": {"mmr": Decimal("0.005")},
        # Binance BTCUSDT tier 1, 2020-21 snapshot: MMR 0.4 %, cum 0
        "binance": {"mmr": Decimal("0.004"), "maintenance_amount": ZERO},
        # OKX BTC-USDT tier 1 base MMR 0.5 % (2020-01-17 schedule)
        "okx": {"mmr": Decimal("0.005")},
        # BitMEX XBTUSD inverse, base MM 0.5 % from 2024-03-19
        "bitmex": {"mmr": Decimal("0.005"), "contract": "inverse"},
        # Hyperliquid, a 40x-max asset (later docs): maintenance = half of 1/40 = 1.25 %
        "hyperliquid": {"mmr": Decimal("0.0125")},
    }
}

TIER_COLUMNS = (
    Field("floor", "Floor (notional from)", unit="settlement currency", min=0),
    Field("mmr", "Maintenance rate", unit="fraction", percent=True, min=0, max=1, max_open=True),
)

liquidation_price_calculator = calculator(
    Calculator(
        name="liquidation_price",
        title="Liquidation price by venue",
        summary=(
            "Where a position is liquidated and where it goes bankrupt, with each venue's published formula: "
            "Binance, Bybit, OKX, BitMEX, Hyperliquid, dYdX or the textbook margin condition; isolated or cross, "
            "linear or inverse."
        ),
        terms=("forced-liquidation-patterns", "liquidation-deficit", "margin-liquidation-cascades"),
        function="perpcalc.margin.liquidation_price_at_mark",
        inputs=(
            Field("venue", "Venue formula", type="choice", choices=VENUES, default="generic",
                  help="selects the venue's published formula and fills its dated MMR default"),
            Field("contract", "Contract", type="choice", choices=("linear", "inverse"), default="linear",
                  help="linear: size in base units, margin in quote; inverse: size in contracts, margin in coin"),
            Field("contract_value", "Contract value (inverse)", unit="quote per contract", default=ONE, min=0,
                  min_open=True),
            Field("margin_mode", "Margin mode", type="choice", choices=("isolated", "cross"), default="isolated"),
            SIDE,
            Field("entry_price", "Entry price", unit="quote", min=0, min_open=True),
            Field("size", "Position size", unit="base units (linear) or contracts (inverse)", min=0, min_open=True),
            Field("leverage", "Leverage", unit="x", default=Decimal(10), min=0, min_open=True, max=1000,
                  help="initial margin = position value / leverage (ignored when a margin is given)"),
            Field("margin", "Margin", unit="settlement currency", default=None, min=0, min_open=True,
                  help="collateral posted for the position; wins over leverage when given"),
            Field("extra_margin", "Extra margin", unit="settlement currency", default=ZERO, min=-(10**15),
                  max=10**15, help="added margin (+) or margin taken out, e.g. funding paid from it (−)"),
            Field("mmr", "Maintenance margin rate", unit="fraction", percent=True, default=Decimal("0.005"), min=0,
                  max=1, max_open=True, help="0.005 = 0.5 %; a tier table below overrides it"),
            Field("maintenance_amount", "Maintenance amount (cum)", unit="settlement currency", default=ZERO, min=0,
                  help="Binance cum / Bybit MM deduction of the tier"),
            Field("wallet_balance", "Wallet balance (cross)", unit="settlement currency", default=None, min=0,
                  help="cross margin: the whole wallet backing the position"),
            Field("other_maintenance_margin", "Other positions' maintenance margin", unit="settlement currency",
                  default=ZERO, min=0, help="cross margin: TMM1 in Binance's formula"),
            Field("other_unrealized_pnl", "Other positions' unrealised PnL", unit="settlement currency",
                  default=ZERO, min=-(10**15), max=10**15, help="cross margin: UPNL1 (− = loss)"),
            Field("taker_fee", "Taker / liquidation fee rate", unit="fraction", percent=True, default=ZERO, min=0,
                  max=Decimal("0.1"), help="fee to close where the venue counts it (generic, Bybit, OKX, BitMEX)"),
            Field("tick_size", "Tick size", unit="quote", default=None, min=0, min_open=True,
                  help="round prices to this tick, toward entry"),
            Field("max_leverage", "Asset's max leverage (Hyperliquid)", unit="x", default=None, min=1, max=1000,
                  help="Hyperliquid: maintenance fraction = 1/(2 × max leverage); overrides the MMR"),
            Field("tiers", "Tier table", type="list", default=None, columns=TIER_COLUMNS, max_items=50,
                  help="optional: floor, mmr rows from 0 up; the tier is chosen as the venue does"),
        ),
        outputs=(
            Output("liquidation_price", "Liquidation price", unit="quote", places=4),
            Output("bankruptcy_price", "Bankruptcy price (margin = 0)", unit="quote", places=4),
            Output("initial_margin", "Initial (position) margin", unit="settlement currency", places=8),
            Output("maintenance_margin", "Maintenance margin at entry", unit="settlement currency", places=8),
            Output("distance", "Adverse move to liquidation (fraction of entry)", format="percent", places=4),
            Output("formula", "Formula and assumptions", format="text"),
            Output("tier_note", "Tier", format="text"),
            Output(
                "by_leverage",
                "Liquidation price against leverage (isolated)",
                format="series",
                columns=(
                    Output("leverage", "Leverage", unit="x", places=2),
                    Output("liquidation_price", "Liquidation price", unit="quote", places=4),
                    Output("bankruptcy_price", "Bankruptcy price", unit="quote", places=4),
                ),
                chart={"x": "leverage", "y": ["liquidation_price", "bankruptcy_price"],
                       "title": "Liquidation price against leverage"},
            ),
        ),
        compute=_liquidation_calc,
        presets=PRESETS,
        notes=(
            "MMR defaults by venue are dated snapshots (Bybit BTCUSDT risk limit 1: 0.5 %; Binance BTCUSDT tier 1 "
            "2020–21: 0.4 %; OKX BTC-USDT 2020: 0.5 %; BitMEX XBT from 2024-03-19: 0.5 %; Hyperliquid 40x-max asset: "
            "1.25 %; dYdX: none, set the market's maintenance fraction). Live tiers come from each venue's API. "
            "Liquidation and bankruptcy prices are rounded toward entry when a tick is given (inferred from Bybit)."
        ),
        examples={
            "default": {"venue": "bybit", "side": "long", "entry_price": "20000", "size": "1", "leverage": "50",
                        "mmr": "0.005"},
            "bybit_short_added_margin": {"venue": "bybit", "side": "short", "entry_price": "20000", "size": "1",
                                         "leverage": "50", "mmr": "0.005", "extra_margin": "3000"},
            "binance_cross": {"venue": "binance", "margin_mode": "cross", "side": "long", "entry_price": "32481.98",
                              "size": "109.488", "mmr": "0.025", "maintenance_amount": "16300",
                              "wallet_balance": "1535443.01", "other_maintenance_margin": "356512.508",
                              "other_unrealized_pnl": "-448192.89"},
            "hyperliquid": {"venue": "hyperliquid", "side": "long", "entry_price": "50000", "size": "1",
                            "margin": "5000", "mmr": "0.01"},
            "bitmex_inverse": {"venue": "bitmex", "contract": "inverse", "side": "long", "entry_price": "10000",
                               "size": "10000", "leverage": "25", "mmr": "0.005", "taker_fee": "0.00075",
                               "tick_size": "0.5"},
            "bybit_inverse_cross": {"venue": "bybit", "contract": "inverse", "margin_mode": "cross", "side": "long",
                                    "entry_price": "8000", "size": "10000", "wallet_balance": "0.5",
                                    "mmr": "0.005", "taker_fee": "0.00075", "tick_size": "0.5"},
            "tiered": {"venue": "binance", "side": "short", "entry_price": "30000", "size": "33", "leverage": "20",
                       "tiers": [{"floor": "0", "mmr": "0.004"}, {"floor": "50000", "mmr": "0.005"},
                                 {"floor": "250000", "mmr": "0.01"}, {"floor": "1000000", "mmr": "0.025"}]},
        },
    )
)


# ------------------------------------------------------------------ margin_tier

#: Dated tier tables (floor, mmr). Live tables come from each venue's API.
TIER_TABLES: dict[str, dict[str, Any]] = {
    "binance_btcusdt_2021": {
        "source": "Binance USDⓈ-M BTCUSDT brackets about 2020–21, as transcribed in GitHub "
                  "Jay-Pak/BinanceBot (Code/temp.py); every row satisfies the cum recurrence. "
                  "Live: GET /fapi/v1/leverageBracket.",
        "as_of": "2021",
        "tiers": [("0", "0.004"), ("50000", "0.005"), ("250000", "0.01"), ("1000000", "0.025"),
                  ("10000000", "0.05"), ("20000000", "0.1"), ("50000000", "0.125"), ("100000000", "0.15"),
                  ("200000000", "0.25"), ("300000000", "0.5")],
    },
}

TABLES = ("custom", *TIER_TABLES)


def _tier_rows(name: str) -> list[dict[str, str]]:
    return [{"floor": f, "mmr": m} for f, m in TIER_TABLES[name]["tiers"]]


def _margin_tier_calc(v: dict[str, Any]) -> dict[str, Any]:
    rows = [(r["floor"], r["mmr"]) for r in (v["tiers"] or [])]
    notional = v["notional"]
    if not rows:
        if v["mmr"] is None:
            raise InputError("mmr", "give a tier table or a maintenance margin rate")
        mmr, cum = v["mmr"], v["maintenance_amount"]
        return {"mmr": mmr, "maintenance_amount": cum, "maintenance_margin": maintenance_margin(notional, mmr, cum),
                "tier": 1,
                "tiers_table": [{"tier": 1, "floor": ZERO, "mmr": mmr, "maintenance_amount": cum,
                                 "current": "yes"}]}
    check_tiers(rows)
    cums = maintenance_amounts(rows)
    k = tier_index(notional, rows)
    table = [{"tier": i + 1, "floor": f, "mmr": m, "maintenance_amount": cums[i], "current": "yes" if i == k else ""}
             for i, (f, m) in enumerate(rows)]
    return {"mmr": rows[k][1], "maintenance_amount": cums[k],
            "maintenance_margin": maintenance_margin(notional, rows[k][1], cums[k]), "tier": k + 1,
            "tiers_table": table}


margin_tier_calculator = calculator(
    Calculator(
        name="margin_tier",
        title="Maintenance margin tier",
        summary=(
            "The maintenance margin rate and amount for a position's notional from a tiered table, with each "
            "tier's maintenance amount built by the recurrence that keeps the requirement continuous."
        ),
        terms=("forced-liquidation-patterns", "margin-liquidation-cascades"),
        function="perpcalc.margin.maintenance_amounts",
        inputs=(
            Field("table", "Tier table", type="choice", choices=TABLES, default="custom",
                  help="custom: the rows below; others are dated snapshots, not live tables"),
            Field("notional", "Position notional", unit="settlement currency", min=0),
            Field("tiers", "Tiers (floor, mmr)", type="list", default=None, columns=TIER_COLUMNS, max_items=50,
                  help="rows ascending from floor 0; leave empty to use the rate and amount below"),
            Field("mmr", "Maintenance margin rate", unit="fraction", percent=True, default=None, min=0, max=1,
                  max_open=True),
            Field("maintenance_amount", "Maintenance amount", unit="settlement currency", default=ZERO, min=0),
        ),
        outputs=(
            Output("mmr", "Maintenance margin rate", format="percent", places=4),
            Output("maintenance_amount", "Maintenance amount (cum)", unit="settlement currency", places=8),
            Output("maintenance_margin", "Maintenance margin = notional × rate − amount", unit="settlement currency",
                   places=8),
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
        ),
        compute=_margin_tier_calc,
        presets={"table": {name: {"tiers": _tier_rows(name)} for name in TIER_TABLES}},
        notes=("binance_btcusdt_2021: " + TIER_TABLES["binance_btcusdt_2021"]["source"]),
        examples={
            "default": {"table": "binance_btcusdt_2021", "notional": "3500032.458"},
            "flat": {"notional": "4918775.081", "mmr": "0.1", "maintenance_amount": "135365"},
        },
    )
)


# ------------------------------------------------------------------ position_pnl


def pnl_and_fees(side: str, size: Decimal, entry_price: Decimal, exit_price: Decimal, contract: str = "linear",
                 contract_value: Decimal = ONE, taker_fee: Decimal = ZERO,
                 funding_paid: Decimal = ZERO) -> tuple[Decimal, Decimal]:
    """Net PnL of a round trip and its fees, in the settlement currency.

    PnL = s·Q·(X − EP) − t·Q·(EP + X) − F                       (linear, quote)
    PnL = s·K·(1/EP − 1/X) − t·K·(1/EP + 1/X) − F               (inverse, coin)

    Fees are taker fees on the value at entry and at exit; F is the funding the holder
    paid over the life of the position (negative when received).

    Source: Binance / Bybit PnL FAQ; BitMEX perpetual guide example (15,000 contracts long
    from 750 to 800: 1.25 XBT, 1.20 XBT after 0.05 XBT of funding).
    """
    fees = taker_fee * (position_value(size, entry_price, contract, contract_value)
                        + position_value(size, exit_price, contract, contract_value))
    gross = unrealized_pnl(side, size, entry_price, exit_price, contract, contract_value)
    return gross - fees - funding_paid, fees


def exit_price_for_pnl(side: str, size: Decimal, entry_price: Decimal, pnl: Decimal, contract: str = "linear",
                       contract_value: Decimal = ONE, taker_fee: Decimal = ZERO,
                       funding_paid: Decimal = ZERO) -> Decimal | None:
    """Exit price that leaves a net PnL of ``pnl`` after fees and funding.

    linear:  X = (s·EP + t·EP + (F + pnl)/Q) / (s − t)
    inverse: X = (s + t) / ((s − t)/EP − (F + pnl)/K)

    ``pnl = 0`` gives the break-even price. ``None`` when no positive price reaches the
    target (an inverse long cannot earn more than K/EP coin; a linear short no more than
    its entry value).

    Example: long 1 BTC at 20,000, taker 0.05 % each way, no funding: break-even
    X = 20,000 × 1.0005 / 0.9995 = 20,020.01.
    """
    s = _sign(side)
    g = funding_paid + pnl
    if contract == "inverse":
        k = size * contract_value
        den = (s - taker_fee) / entry_price - g / k
        x = (s + taker_fee) / den if den != 0 else None
    else:
        x = (s * entry_price + taker_fee * entry_price + g / size) / (s - taker_fee)
    return x if x is not None and x > 0 else None


def _position_pnl_calc(v: dict[str, Any]) -> dict[str, Any]:
    side, contract, cv = v["side"], v["contract"], v["contract_value"]
    q, ep, x, t, f = v["size"], v["entry_price"], v["exit_price"], v["taker_fee"], v["funding_paid"]
    if t >= 1:
        raise InputError("taker_fee", "taker fee must be below 100 %")
    im = position_value(q, ep, contract, cv) / v["leverage"]
    pnl, fees = pnl_and_fees(side, q, ep, x, contract, cv, t, f)
    lp = liquidation_price_at_mark(side, q, ep, im, v["mmr"], ZERO, t, contract, cv)
    if _beyond_entry(side, lp, ep):
        raise InputError("leverage", "at this leverage the margin is below the maintenance margin: the position "
                         "would be liquidated at once")
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


position_pnl_calculator = calculator(
    Calculator(
        name="position_pnl",
        title="Position PnL, break-even and target price",
        summary=(
            "Profit of a perpetual position after taker fees and funding, its return on margin, the exit price "
            "that breaks even, the one that reaches a target return, and how linear and inverse PnL differ."
        ),
        terms=("funding-rate-exposure", "forced-liquidation-patterns"),
        function="perpcalc.margin.pnl_and_fees",
        inputs=(
            SIDE,
            Field("contract", "Contract", type="choice", choices=("linear", "inverse"), default="linear"),
            Field("contract_value", "Contract value (inverse)", unit="quote per contract", default=ONE, min=0,
                  min_open=True),
            Field("entry_price", "Entry price", unit="quote", min=0, min_open=True),
            Field("exit_price", "Exit price", unit="quote", min=0, min_open=True),
            Field("size", "Position size", unit="base units (linear) or contracts (inverse)", min=0, min_open=True),
            Field("leverage", "Leverage", unit="x", default=Decimal(10), min=0, min_open=True, max=1000),
            Field("taker_fee", "Taker fee rate (each way)", unit="fraction", percent=True, default=Decimal("0.0005"),
                  min=0, max=Decimal("0.1")),
            Field("funding_paid", "Funding paid so far (+ = you paid, − = you received)",
                  unit="settlement currency", default=ZERO, min=-(10**15), max=10**15),
            Field("target_roe", "Target return on margin", unit="fraction", percent=True, default=Decimal("0.5"),
                  min=-1, max=1000, help="0.5 = 50 % of the initial margin"),
            Field("mmr", "Maintenance margin rate", unit="fraction", percent=True, default=Decimal("0.005"), min=0,
                  max=1, max_open=True),
        ),
        outputs=(
            Output("pnl", "Net PnL (+ = profit), after fees and funding", unit="settlement currency", places=8),
            Output("roe", "Return on initial margin", format="percent", places=4),
            Output("fees", "Taker fees, entry and exit", unit="settlement currency", places=8),
            Output("currency", "Settlement currency", format="text"),
            Output("break_even_price", "Break-even exit price (fees and funding included)", unit="quote", places=4),
            Output("target_price", "Exit price for the target return", unit="quote", places=4),
            Output("liquidation_price", "Liquidation price (maintenance at the mark, fee to close)", unit="quote",
                   places=4),
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
                chart={"x": "exit_price", "y": ["pnl_linear", "pnl_inverse"],
                       "marks": ["liquidation_price", "break_even_price"],
                       "title": "PnL against exit price, linear and inverse"},
            ),
        ),
        compute=_position_pnl_calc,
        examples={
            "default": {"side": "long", "entry_price": "20000", "exit_price": "21000", "size": "1", "leverage": "10",
                        "taker_fee": "0.0005", "funding_paid": "12", "target_roe": "0.5"},
            "bitmex_inverse": {"side": "long", "contract": "inverse", "entry_price": "750", "exit_price": "800",
                               "size": "15000", "leverage": "10", "taker_fee": "0", "funding_paid": "0.05"},
        },
    )
)


# ------------------------------------------------------------------ size-dependent margin, open limits, stages
# (pure functions; their calculator specs live with the other specs)


def deribit_margin_rate(size: Decimal, base_rate: Decimal, rate_per_unit: Decimal) -> Decimal:
    """Deribit linear-perpetual margin rate, growing with the position's size.

    rate = base rate + rate per unit × |size|

    Deribit's linear perpetuals (BTC_USDC, ETH_USDC, SOL_USDC…) have no tiers: every extra
    coin of position adds a fixed slice to both the initial and the maintenance rate. The
    same form gives both, with different base rates (BTC_USDC: initial 2 % and maintenance
    1 %, each + 0.005 % per BTC; SOL_USDC: 4 % and 2 %, each + 0.0005 % per SOL).

    Parameters
    ----------
    size : Decimal
        Position size in coins (sign ignored).
    base_rate, rate_per_unit : Decimal
        Fractions; ≥ 0.

    Source: Deribit support, "Linear Perpetual" (article 25944738177565, 2025).

    Examples
    --------
    25 BTC on BTC_USDC: initial 2 % + 0.005 % × 25 = 2.125 %.

    >>> deribit_margin_rate(Decimal(25), Decimal("0.02"), Decimal("0.00005"))
    Decimal('0.02125')
    """
    if base_rate < 0 or rate_per_unit < 0:
        raise ValueError("rates must be ≥ 0")
    return base_rate + rate_per_unit * abs(size)


def deribit_margin(size: Decimal, price: Decimal, base_rate: Decimal,
                   rate_per_unit: Decimal) -> tuple[Decimal, Decimal]:
    """Deribit linear margin in coin and in USDC: (rate × |size|, rate × |size| × price).

    Source: Deribit support, "Linear Perpetual": 25 BTC at 100,000 → initial 0.53125 BTC =
    53,125 USDC, maintenance 1.125 % → 28,125 USDC; 6,000 SOL at 200 → initial 7 % = 84,000 USDC.

    Examples
    --------
    >>> deribit_margin(Decimal(25), Decimal(100000), Decimal("0.01"), Decimal("0.00005"))
    (Decimal('0.28125'), Decimal('28125.00000'))
    """
    if price <= 0:
        raise ValueError("price must be > 0")
    coin = deribit_margin_rate(size, base_rate, rate_per_unit) * abs(size)
    return coin, coin * price


def deribit_max_size(equity: Decimal, price: Decimal, base_rate: Decimal, rate_per_unit: Decimal) -> Decimal:
    """Largest position whose size-dependent initial margin fits in ``equity`` (USDC).

    Solves (b + k·q) × q × price = E for q ≥ 0:

        q = (−b + √(b² + 4·k·E/price)) / (2·k)        (k > 0)
        q = E / (price × b)                           (k = 0, flat rate)

    Because the rate grows with size, the largest position grows only with the square root
    of equity once k·q dominates b: quadrupling equity roughly doubles it. Derived from
    :func:`deribit_margin_rate`; Deribit publishes no closed form.

    Examples
    --------
    With 1,312,500 USDC at 100,000 on BTC_USDC (2 % + 0.005 %/BTC) the limit is 350 BTC,
    Deribit's own 3.75 % example read backwards:

    >>> print(f'{deribit_max_size(Decimal(1312500), Decimal(100000), Decimal("0.02"), Decimal("0.00005")):f}')
    350
    """
    if equity < 0:
        raise ValueError("equity must be ≥ 0")
    if price <= 0:
        raise ValueError("price must be > 0")
    if rate_per_unit == 0:
        if base_rate <= 0:
            raise ValueError("base_rate and rate_per_unit cannot both be 0")
        return equity / (price * base_rate)
    disc = base_rate * base_rate + 4 * rate_per_unit * equity / price
    return ((-base_rate + disc.sqrt()) / (2 * rate_per_unit)).normalize()


def order_cost(side: str, size: Decimal, order_price: Decimal, mark_price: Decimal, leverage: Decimal) -> Decimal:
    """Binance's cost to open: initial margin plus the "open loss" of buying above (selling below) the mark.

    cost = Q × P / L + Q × max(0, s × (P − M))

    A long ordered above the mark, or a short below it, starts with an unrealised loss that
    Binance asks the wallet to cover up front; an order on the favourable side of the mark
    costs only its initial margin. (Market orders use an assumed fill price slightly worse
    than the best quote; pass that as ``order_price``.)

    Source: Binance USDⓈ-M FAQ "How to calculate the cost required to open a position"
    (initial margin + open loss), through copies of its text.

    Examples
    --------
    Long 1 BTC at 10,000 with the mark at 9,950, 25x: 400 of margin + 50 of open loss.

    >>> order_cost("long", Decimal(1), Decimal(10000), Decimal(9950), Decimal(25))
    Decimal('450')
    """
    if leverage <= 0:
        raise ValueError("leverage must be > 0")
    s = _sign(side)
    return size * order_price / leverage + size * max(ZERO, s * (order_price - mark_price))


def max_open_position(side: str, available: Decimal, order_price: Decimal, leverage: Decimal,
                      mark_price: Decimal | None = None, max_notional: Decimal | None = None) -> Decimal:
    """Binance's "max open": the largest size whose cost to open fits the available balance.

    Q_max = min( available / (P / L + max(0, s × (P − M))),  max notional at L / P )

    The first term inverts :func:`order_cost`; the second is the leverage bracket's limit:
    at leverage L only notionals up to the largest bracket that allows L can be opened.
    Without a mark price the open loss is taken as zero (limit order at the mark).

    Source: Binance futures calculator ("Max open" tab) and its cost-to-open FAQ; the bracket
    limit from Binance's leverage-and-margin tables. The closed form is derived here.

    Examples
    --------
    1,000 USDT at 20x, buying at 25,000 with the mark at 25,000: 1,000 × 20 / 25,000 = 0.8 BTC.

    >>> max_open_position("long", Decimal(1000), Decimal(25000), Decimal(20))
    Decimal('0.8')
    """
    if available < 0:
        raise ValueError("available must be ≥ 0")
    if order_price <= 0:
        raise ValueError("order_price must be > 0")
    per_unit = order_cost(side, ONE, order_price, order_price if mark_price is None else mark_price, leverage)
    q = available / per_unit
    if max_notional is not None:
        q = min(q, max_notional / order_price)
    return q


def return_on_equity(side: str, size: Decimal, entry_price: Decimal, mark_price: Decimal, leverage: Decimal,
                     contract: str = "linear", contract_value: Decimal = ONE) -> Decimal:
    """PnL % (ROE): unrealised PnL over the initial margin at entry.

    ROE = s × Q × (M − EP) / (Q × EP / L) = s × (M / EP − 1) × L                   (linear)
    ROE = s × K × (1/EP − 1/M) / (K / EP / L) = s × (1 − EP / M) × L              (inverse)

    The price move multiplied by the leverage: a 1 % move at 20x is ±20 %. Binance shows
    it on every position and ranks profitable positions for auto-deleveraging by PnL %
    combined with leverage, so a high ROE puts a position near the front of the ADL queue.

    Source: Binance futures calculator (PnL tab: ROE = PnL / initial margin); Binance ADL FAQ.

    Examples
    --------
    >>> return_on_equity("long", Decimal(1), Decimal(20000), Decimal(21000), Decimal(20))
    Decimal('1')
    >>> return_on_equity("short", Decimal(1), Decimal(20000), Decimal(21000), Decimal(20))
    Decimal('-1')
    """
    if leverage <= 0 or entry_price <= 0 or mark_price <= 0:
        raise ValueError("leverage and prices must be > 0")
    margin = position_value(size, entry_price, contract, contract_value) / leverage
    return unrealized_pnl(side, size, entry_price, mark_price, contract, contract_value) / margin


def price_at_equity_share(side: str, size: Decimal, entry_price: Decimal, collateral: Decimal,
                          mmr: Decimal, share: Decimal) -> Decimal | None:
    """Linear price at which equity = share × maintenance margin (valued at that price).

    p = (s·Q·EP − C) / (Q·(s − share·m))

    share = 1 is the liquidation price, share = 0 the bankruptcy price; Hyperliquid hands
    the position to its backstop liquidator once equity falls below 2/3 of maintenance,
    i.e. share = 2/3. ``None`` when no positive price satisfies it. A special case of
    :func:`liquidation_price_at_mark`.

    Source: Hyperliquid docs, "Liquidations" (backstop below 2/3 of maintenance margin).

    Examples
    --------
    Long 1 BTC at 50,000 with 5,000 of margin, maintenance 1 %: backstop at
    45,000 / (1 − 0.01 × 2/3).

    >>> round(price_at_equity_share("long", Decimal(1), Decimal(50000), Decimal(5000), Decimal("0.01"),
    ...                             Decimal(2) / 3), 2)
    Decimal('45302.01')
    """
    if share < 0:
        raise ValueError("share must be ≥ 0")
    return liquidation_price_at_mark(side, size, entry_price, collateral, share * mmr)


def dydx_fillable_price(side: str, oracle_price: Decimal, mmf: Decimal, net_collateral: Decimal,
                        maintenance_requirement: Decimal, smmr: Decimal = Decimal("1.5"),
                        bankruptcy_adjustment: Decimal = ONE) -> Decimal:
    """dYdX v4's fillable price: the worst price a liquidation order of this position may trade at.

    ABR = clamp( BA × (1 − TNC / TMMR), 0, 1 )
    fillable = oracle × (1 − s × SMMR × MMF × ABR)

    TNC is the account's net collateral, TMMR its maintenance requirement. Just at the
    liquidation threshold (TNC = TMMR) the order must fill at the oracle price; as the
    account sinks toward bankruptcy (TNC → 0) the allowed spread widens to the maximum
    liquidation spread SMMR × MMF (1.5 × MMF by default: 7.5 % when MMF = 5 %). Whatever
    the fill loses beyond the bankruptcy price is paid by the insurance fund.

    Source: dYdX v4 ``x/clob`` liquidations keeper (``GetFillablePrice``) and its fillable
    price config; dYdX help "Contract loss mechanisms on dYdX Chain" (1.5 × MMR default).

    Examples
    --------
    Long at oracle 100, MMF 5 %, net collateral half the requirement: 100 × (1 − 1.5 × 5 % × 0.5).

    >>> dydx_fillable_price("long", Decimal(100), Decimal("0.05"), Decimal(5), Decimal(10))
    Decimal('96.2500')
    """
    if oracle_price <= 0:
        raise ValueError("oracle_price must be > 0")
    if maintenance_requirement <= 0:
        raise ValueError("maintenance_requirement must be > 0")
    abr = min(max(bankruptcy_adjustment * (ONE - net_collateral / maintenance_requirement), ZERO), ONE)
    return oracle_price * (ONE - _sign(side) * smmr * mmf * abr)


def dydx_insurance_threshold(side: str, bankruptcy: Decimal, mmf: Decimal, smmr: Decimal = Decimal("1.5"),
                             bankruptcy_adjustment: Decimal = ONE) -> Decimal:
    """Oracle price beyond which a dYdX v4 liquidation may fill worse than bankruptcy.

    For one isolated linear position, equity = s·Q·(p − BP) and TMMR = MMF·Q·p, so with
    k = SMMR × BA the fillable price equals the bankruptcy price at

        p* = BP × (1 + k) / (1 + k − s·k·MMF)

    Between the liquidation price and p* the order can still fill at or better than
    bankruptcy (any surplus goes to the insurance fund); beyond p* the allowed fill is worse
    than bankruptcy and the insurance fund pays the gap. Derived here from
    :func:`dydx_fillable_price` (valid while ABR ≤ 1, which holds up to bankruptcy when BA = 1).

    Examples
    --------
    Long with bankruptcy at 95, MMF 5 %: p* = 95 × 2.5 / (2.5 − 0.075).

    >>> round(dydx_insurance_threshold("long", Decimal(95), Decimal("0.05")), 4)
    Decimal('97.9381')
    """
    if bankruptcy <= 0:
        raise ValueError("bankruptcy must be > 0")
    k = smmr * bankruptcy_adjustment
    return bankruptcy * (1 + k) / (1 + k - _sign(side) * k * mmf)


def okx_tier(contracts: Decimal, tiers: Sequence[tuple[Decimal, Decimal, Decimal]], step: Decimal,
             mmr_step: Decimal = Decimal("0.005"), imr_step: Decimal = Decimal("0.005")
             ) -> tuple[int, Decimal, Decimal, Decimal]:
    """OKX position tier by number of contracts: (tier, max contracts, MMR, IMR).

    OKX lists the first few tiers explicitly, as (max contracts, maintenance rate, initial
    rate), then "increase by ``step`` contracts, 0.5 % and 0.5 % from the previous tier":

        limit_n = limit_k + (n − k) × step,  MMR_n = MMR_k + (n − k) × mmr_step,
        IMR_n = IMR_k + (n − k) × imr_step,  for n > k (k = last listed tier)

    With one listed tier this is OKX's 2020 rule, tier n limit = tier-1 limit + (n − 1) ×
    step. The tier is set by the contract count (long and short added together in cross
    mode), not by notional, so unlike Binance's it does not move with the price. A size at
    a limit belongs to that tier.

    Source: OKX "Adjustment of USDT-margined futures / perpetual swap tiered maintenance
    margin ratio schedule" (2020-01-17: BTC tier 3 = 50,000 + 2 × 500,000); OKX "position
    tiers to be adjusted" notices (2021-06-11 ETHUSDT table).

    Examples
    --------
    >>> okx_tier(Decimal(1000000), [(Decimal(50000), Decimal("0.005"), Decimal("0.01"))], Decimal(500000))[:2]
    (3, Decimal('1050000'))
    """
    if contracts < 0:
        raise ValueError("contracts must be ≥ 0")
    if not tiers:
        raise ValueError("tiers must list at least one tier")
    if step <= 0:
        raise ValueError("step must be > 0")
    for i, (limit, mmr, imr) in enumerate(tiers, start=1):
        if contracts <= limit:
            return i, limit, mmr, imr
    k = len(tiers)
    limit, mmr, imr = tiers[-1]
    n = int(((contracts - limit) / step).to_integral_value(rounding=ROUND_CEILING))
    return k + n, limit + n * step, mmr + n * mmr_step, imr + n * imr_step
