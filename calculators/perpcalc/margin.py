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

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from ._errors import InputError
from ._num import ONE, ZERO, side_sign
from .venues import MARGIN_VENUES, MarginRule

# ------------------------------------------------------------------ tiers


def maintenance_amounts(tiers: Sequence[tuple[Decimal, Decimal]]) -> list[Decimal]:
    """Maintenance amount (Binance "cum") of each tier of a tiered margin table.

    cum₁ = 0,   cumₙ = floorₙ × (mmrₙ − mmrₙ₋₁) + cumₙ₋₁

    ``tiers`` is a list of (floor, mmr) pairs, floors ascending from 0. The recurrence is
    what makes the maintenance margin notional × mmr − cum continuous at every floor: at
    notional = floorₙ both tiers n − 1 and n give the same requirement.

    Source: Binance "How to calculate the maintenance amount" (FAQ ceccfcfb…, 2021-02-05).

    Parameters
    ----------
    tiers : Sequence[tuple[Decimal, Decimal]]
        (floor, mmr) pairs, floors ascending from 0.

    Returns
    -------
    list[Decimal]
        One maintenance amount per tier, in the notional's currency, in the table's order: 0 for
        the first tier, never negative while the rates rise.

    Examples
    --------
    Binance's COIN-M BTCUSD level 5 from level 4 (cum 0.56 BTC, MMR 2.5 %) at a
    floor of 50 BTC and MMR 5 %: 50 × (5 % − 2.5 %) + 0.56 = 1.81 BTC.

    >>> maintenance_amounts([(Decimal(0), Decimal("0.004")), (Decimal(50000), Decimal("0.005"))])
    [Decimal('0'), Decimal('50.000')]
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

    Parameters
    ----------
    notional : Decimal
        Position notional.
    mmr : Decimal
        Maintenance margin rate (0.005 = 0.5 %).
    maintenance_amount : Decimal
        Maintenance amount of the tier (Binance's cum, Bybit's MM deduction).

    Returns
    -------
    Decimal
        The maintenance margin in the settlement currency (quote for linear contracts); negative
        only if the maintenance amount exceeds notional × rate.

    Examples
    --------
    3,500,032.458 × 2.5 % − 16,300 = 71,200.81145 (Binance's BTCUSDT example).

    >>> maintenance_margin(Decimal("3500032.458"), Decimal("0.025"), Decimal(16300))
    Decimal('71200.811450')
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
    s = side_sign(side)
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

    Parameters
    ----------
    side : str
        ``"long"`` or ``"short"``.
    size : Decimal
        Position size: base units (linear) or contracts (inverse).
    entry_price : Decimal
        Average entry price, in quote.
    collateral : Decimal
        C, the collateral backing the position.
    mmr : Decimal
        Maintenance margin rate (0.005 = 0.5 %).
    maintenance_amount : Decimal
        Maintenance amount of the tier (Binance's cum, Bybit's MM deduction).
    fee_rate : Decimal
        Fee to close, as a rate of the value at the price.
    contract : str
        ``"linear"`` or ``"inverse"``.
    contract_value : Decimal
        Quote value of one inverse contract (1 USD for XBTUSD).

    Returns
    -------
    Decimal | None
        The liquidation price in quote; ``None`` when no positive price satisfies the condition
        (the position cannot be liquidated at any price).

    Examples
    --------
    Long 1 BTC at 50,000 with 5,000 margin and m = 1 %:
    p = (50,000 − 5,000) / 0.99 = 45,454.55.

    >>> round(liquidation_price_at_mark("long", Decimal(1), Decimal(50000), Decimal(5000), Decimal("0.01")), 2)
    Decimal('45454.55')
    """
    s = side_sign(side)
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
    −1 gives [`liquidation_price_at_mark`][perpcalc.margin.liquidation_price_at_mark] with C = WB − TMM1 +
    UPNL1: Binance values
    the maintenance margin at the mark price. Hedge mode adds the L and S legs of the same
    symbol to both sums; it is not modelled here.

    Source: Binance FAQ "How to calculate liquidation price of USDⓈ-M contracts"
    (b3c689c1f50a44cabb3a84e663b81d93, 2020-08-14; formula published as an image, this
    transcription reproduces Binance's example, as do freqtrade and Jesse).

    Parameters
    ----------
    side : str
        ``"long"`` or ``"short"``.
    size : Decimal
        Position size: base units (linear) or contracts (inverse).
    entry_price : Decimal
        Average entry price, in quote.
    wallet_balance : Decimal
        Wallet balance backing the position (cross: the whole wallet).
    mmr : Decimal
        Maintenance margin rate (0.005 = 0.5 %).
    maintenance_amount : Decimal
        Maintenance amount of the tier (Binance's cum, Bybit's MM deduction).
    other_maintenance_margin : Decimal
        Maintenance margin of the other positions sharing the wallet.
    other_unrealized_pnl : Decimal
        Unrealised PnL of the other positions sharing the wallet.

    Returns
    -------
    Decimal | None
        The liquidation price in quote; ``None`` when the formula gives no positive price (the
        position cannot be liquidated).

    Examples
    --------
    Binance's two-position cross account: WB 1,535,443.01; BTCUSDT long 109.488
    at 32,481.98, MMR 2.5 %, cum 16,300; the ETHUSDT position has maintenance 356,512.508
    and unrealised PnL −448,192.89 → LP = 26,316.89.

    >>> lp = binance_liquidation_price("long", Decimal("109.488"), Decimal("32481.98"), Decimal("1535443.01"),
    ...     Decimal("0.025"), Decimal(16300), Decimal("356512.508"), Decimal("-448192.89"))
    >>> round(lp, 2)
    Decimal('26316.89')
    """
    s = side_sign(side)
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

    Parameters
    ----------
    side : str
        ``"long"`` or ``"short"``.
    size : Decimal
        Position size: base units (linear) or contracts (inverse).
    entry_price : Decimal
        Average entry price, in quote.
    collateral : Decimal
        C, the collateral backing the position.
    mmr : Decimal
        Maintenance margin rate (0.005 = 0.5 %).
    mm_deduction : Decimal
        Maintenance margin deduction of the risk-limit tier.
    fee_to_close : Decimal
        Fee to close counted in the maintenance margin.
    contract : str
        ``"linear"`` or ``"inverse"``.
    contract_value : Decimal
        Quote value of one inverse contract (1 USD for XBTUSD).

    Returns
    -------
    Decimal | None
        The liquidation price in quote; ``None`` when the formula gives no positive price (the
        position cannot be liquidated).

    Examples
    --------
    Long 1 BTC at 20,000, 50x, MMR 0.5 %: IM 400, MM 100 → 19,700; the short
    with 3,000 USDT added → 23,300; inverse 8,000 at 50x, MMR 0.5 % → 7,881.77 (long),
    8,121.83 (short).

    >>> bybit_liquidation_price("long", Decimal(1), Decimal(20000), Decimal(400), Decimal("0.005"))
    Decimal('19700.000')
    >>> bybit_liquidation_price("short", Decimal(1), Decimal(20000), Decimal(3400), Decimal("0.005"))
    Decimal('23300.000')
    """
    s = side_sign(side)
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

    Parameters
    ----------
    side : str
        ``"long"`` or ``"short"``.
    size : Decimal
        Position size: base units (linear) or contracts (inverse).
    entry_price : Decimal
        Average entry price, in quote.
    balance : Decimal
        Wallet balance backing the position (cross).
    mmr : Decimal
        Maintenance margin rate (0.005 = 0.5 %).
    taker_fee : Decimal
        Taker fee rate per fill.
    contract_value : Decimal
        Quote value of one inverse contract (1 USD for XBTUSD).
    mm_deduction : Decimal
        Maintenance margin deduction of the risk-limit tier.

    Returns
    -------
    tuple[Decimal | None, Decimal | None]
        The liquidation and bankruptcy prices in USD; either is ``None`` when no positive price
        solves its equation.

    Examples
    --------
    Balance 0.5 BTC, long 10,000 contracts at 8,000, MMR 0.5 %, taker 0.075 %:
    BP = 10,007.5 / 1.75 = 5,718.57; LP = 5,739.08 (Bybit shows 5,739.50, rounded up to
    the 0.5 tick).

    >>> lp, bp = bybit_inverse_cross("long", Decimal(10000), Decimal(8000), Decimal("0.5"), Decimal("0.005"),
    ...                              Decimal("0.00075"))
    >>> round(lp, 2), round(bp, 2)
    (Decimal('5739.08'), Decimal('5718.57'))
    """
    s = side_sign(side)
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

    >>> bitmex_liquidation_price("long", Decimal(1), Decimal(100), Decimal(1), Decimal("0.005"), contract="linear")
    (Decimal('99.500'), Decimal('99'))
    """
    s = side_sign(side)
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
    isolated margin (or cross account value) − (l × size × price − the tier's maintenance
    deduction, 0 in the first tier). At liq, equity equals
    l × size × liq: the maintenance margin is valued at the mark, and the result does not
    depend on which current price is used.

    Source: Hyperliquid docs, "Liquidations" (hyperliquid.gitbook.io, read 2025–26).

    Parameters
    ----------
    side : str
        ``"long"`` or ``"short"``.
    size : Decimal
        Position size: base units (linear) or contracts (inverse).
    price : Decimal
        Price, in quote.
    margin_available : Decimal
        Collateral minus the maintenance margin at the current price.
    maintenance_leverage_inverse : Decimal
        l = 1 / maintenance leverage (the maintenance fraction).

    Returns
    -------
    Decimal | None
        The liquidation price in quote; ``None`` when the formula gives no positive price (the
        position cannot be liquidated).

    Examples
    --------
    Long 1 BTC at 50,000, margin 5,000, l = 1 %: margin available 4,500,
    liq = 50,000 − 4,500 / 0.99 = 45,454.55.

    >>> round(hyperliquid_liquidation_price("long", Decimal(1), Decimal(50000), Decimal(4500), Decimal("0.01")), 2)
    Decimal('45454.55')

    Above the first margin tier the maintenance margin is value × rate − deduction (Hyperliquid's
    "Margin tiers" page). BTC: 40x up to 150 M USDC, 20x above, so l = 2.5 % and the deduction is
    150 M × (2.5 % − 1.25 %) = 1.875 M. A 200 M long at 100,000 with 10 M of margin has
    margin available 10 M − (5 M − 1.875 M) = 6.875 M, and liq = 100,000 − 3,437.5 / 0.975:

    >>> round(hyperliquid_liquidation_price("long", Decimal(2000), Decimal(100000), Decimal(6875000),
    ...                                     Decimal("0.025")), 2)
    Decimal('96474.36')
    """
    s = side_sign(side)
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


# ------------------------------------------------------------------ one formula per venue, chosen by its record


@dataclass(frozen=True)
class Position:
    """A position and the account backing it, as the liquidation formulas see it.

    ``extra_margin`` is margin added (+) or taken out (−); for cross margin,
    ``wallet_balance`` backs the position and the account's *other* positions contribute
    their maintenance margin and unrealised PnL (held fixed); ``taker_fee`` is the fee to
    close where a venue counts it.
    """

    side: str
    size: Decimal
    entry_price: Decimal
    contract: str = "linear"
    contract_value: Decimal = ONE
    margin_mode: str = "isolated"
    extra_margin: Decimal = ZERO
    wallet_balance: Decimal | None = None
    other_maintenance_margin: Decimal = ZERO
    other_unrealized_pnl: Decimal = ZERO
    taker_fee: Decimal = ZERO

    @property
    def value(self) -> Decimal:
        """Position value at entry (see [`position_value`][perpcalc.margin.position_value])."""
        return position_value(self.size, self.entry_price, self.contract, self.contract_value)


@dataclass(frozen=True)
class Liquidation:
    """What a liquidation formula returns: prices (``None`` = no positive price) and margins."""

    liquidation_price: Decimal | None
    bankruptcy_price: Decimal | None
    initial_margin: Decimal
    maintenance_margin: Decimal
    value: Decimal


def collateral(margin_mode: str, initial_margin: Decimal, extra_margin: Decimal = ZERO,
               wallet_balance: Decimal | None = None, margin: Decimal | None = None,
               other_unrealized_pnl: Decimal = ZERO, other_maintenance_margin: Decimal = ZERO) -> Decimal:
    """C, what stands between the position and bankruptcy.

    isolated: C = initial margin + extra margin;
    cross:    C = wallet balance + extra margin + other positions' unrealised PnL − their
              maintenance margin (``margin`` stands in for a missing wallet balance).

    >>> collateral("isolated", Decimal(5000), Decimal(-500))
    Decimal('4500')
    """
    if margin_mode == "cross":
        wb = wallet_balance
        if wb is None:
            if margin is None:
                raise InputError("wallet_balance", "cross margin needs the wallet balance")
            wb = margin
        c = wb + extra_margin + other_unrealized_pnl - other_maintenance_margin
        if c <= 0:
            raise InputError(
                "wallet_balance",
                "the wallet balance plus other PnL, less other positions' maintenance margin, must be > 0",
            )
        return c
    c = initial_margin + extra_margin
    if c <= 0:
        raise InputError("extra_margin", "margin after the extra margin (added or removed) must be > 0")
    return c


def _collateral(p: Position, initial_margin: Decimal, margin: Decimal | None) -> Decimal:
    return collateral(p.margin_mode, initial_margin, p.extra_margin, p.wallet_balance, margin,
                      p.other_unrealized_pnl, p.other_maintenance_margin)


def _cross_bankruptcy(p: Position, c: Decimal, bp: Decimal | None, fee_close: Decimal = ZERO) -> Decimal | None:
    """Cross margin: bankruptcy comes when all equity is gone, the other positions'
    maintenance margin included."""
    if p.margin_mode == "cross" and p.other_maintenance_margin:
        return bankruptcy_price(p.side, p.size, p.entry_price, c + p.other_maintenance_margin - fee_close,
                                p.contract, p.contract_value)
    return bp


def _at_mark(p: Position, rule: MarginRule, mmr: Decimal, cum: Decimal, im: Decimal,
             margin: Decimal | None) -> Liquidation:
    """The margin condition at the mark (generic, OKX, dYdX, Binance COIN-M), with the fee to
    close and the maintenance amount where the venue's record counts them."""
    fee = p.taker_fee if rule.fee_to_close else ZERO
    amount = cum if rule.maintenance_amount else ZERO
    c = _collateral(p, im, margin)
    lp = liquidation_price_at_mark(p.side, p.size, p.entry_price, c, mmr, amount, fee, p.contract, p.contract_value)
    bp = bankruptcy_price(p.side, p.size, p.entry_price, c, p.contract, p.contract_value)
    return Liquidation(lp, _cross_bankruptcy(p, c, bp), im, maintenance_margin(p.value, mmr + fee, amount), p.value)


def _wallet_cum(p: Position, rule: MarginRule, mmr: Decimal, cum: Decimal, im: Decimal,
             margin: Decimal | None) -> Liquidation:
    """Binance USDⓈ-M in its own arrangement
    ([`binance_liquidation_price`][perpcalc.margin.binance_liquidation_price]); COIN-M at the mark."""
    if p.contract != "linear":
        return _at_mark(p, rule, mmr, cum, im, margin)
    c = _collateral(p, im, margin)
    if p.margin_mode == "cross":
        wb = (p.wallet_balance if p.wallet_balance is not None else margin) + p.extra_margin
        other_mm, other_pnl = p.other_maintenance_margin, p.other_unrealized_pnl
    else:
        wb, other_mm, other_pnl = c, ZERO, ZERO
    lp = binance_liquidation_price(p.side, p.size, p.entry_price, wb, mmr, cum, other_mm, other_pnl)
    bp = bankruptcy_price(p.side, p.size, p.entry_price, c, p.contract, p.contract_value)
    return Liquidation(lp, _cross_bankruptcy(p, c, bp), im, maintenance_margin(p.value, mmr, cum), p.value)


def _entry_deduction(p: Position, rule: MarginRule, mmr: Decimal, cum: Decimal, im: Decimal,
           margin: Decimal | None) -> Liquidation:
    """Bybit: maintenance on the entry value; the unified account's fee to close (linear)
    is added to initial and maintenance margin; inverse cross has its own form."""
    s, t = side_sign(p.side), p.taker_fee
    fee_close = ZERO
    if p.contract == "linear" and t > 0:
        bp0 = p.entry_price - s * (im + p.extra_margin) / p.size
        fee_close = t * p.size * max(bp0, ZERO)
        if margin is None:
            im = im + fee_close
    c = _collateral(p, im, margin)
    if p.contract == "inverse" and p.margin_mode == "cross":
        lp, bp = bybit_inverse_cross(p.side, p.size, p.entry_price, c, mmr, t, p.contract_value, cum)
        if p.other_maintenance_margin:
            bp = bankruptcy_price(p.side, p.size, p.entry_price, c + p.other_maintenance_margin, p.contract,
                                  p.contract_value, t)
        return Liquidation(lp, bp, im, maintenance_margin(p.value, mmr, cum), p.value)
    lp = bybit_liquidation_price(p.side, p.size, p.entry_price, c, mmr, cum, fee_close, p.contract, p.contract_value)
    bp = bankruptcy_price(p.side, p.size, p.entry_price, c - fee_close, p.contract, p.contract_value)
    mm = maintenance_margin(p.value, mmr, cum) + fee_close
    return Liquidation(lp, _cross_bankruptcy(p, c, bp, fee_close), im, mm, p.value)


def _bankruptcy_offset(p: Position, rule: MarginRule, mmr: Decimal, cum: Decimal, im: Decimal,
            margin: Decimal | None) -> Liquidation:
    """BitMEX's bankruptcy-price form ([`bitmex_liquidation_price`][perpcalc.margin.bitmex_liquidation_price]);
    no maintenance amount."""
    c = _collateral(p, im, margin)
    args = (p.side, p.size, p.entry_price)
    lp, bp = bitmex_liquidation_price(*args, c, mmr, p.taker_fee, p.contract, p.contract_value)
    if p.margin_mode == "cross" and p.other_maintenance_margin:
        c_bp = c + p.other_maintenance_margin
        bp = bitmex_liquidation_price(*args, c_bp, mmr, p.taker_fee, p.contract, p.contract_value)[1]
    return Liquidation(lp, bp, im, p.value * (mmr + p.taker_fee), p.value)


def _margin_available(p: Position, rule: MarginRule, mmr: Decimal, cum: Decimal, im: Decimal,
                 margin: Decimal | None) -> Liquidation:
    """Hyperliquid's own form
    ([`hyperliquid_liquidation_price`][perpcalc.margin.hyperliquid_liquidation_price]); ``mmr`` is its
    maintenance fraction l, and margin available = C − (l × value − d), where d is the tier's
    maintenance deduction (its margin-tiers page: maintenance = value × rate − deduction) when the
    record counts one."""
    c = _collateral(p, im, margin)
    deduction = cum if rule.maintenance_amount else ZERO
    mm = maintenance_margin(p.value, mmr, deduction)
    lp = hyperliquid_liquidation_price(p.side, p.size, p.entry_price, c - mm, mmr)
    bp = bankruptcy_price(p.side, p.size, p.entry_price, c, p.contract, p.contract_value)
    return Liquidation(lp, _cross_bankruptcy(p, c, bp), im, mm, p.value)


def entry_value_liquidation_price(side: str, size: Decimal, entry_price: Decimal, collateral: Decimal,
                                  mmr: Decimal, fee_rate: Decimal = ZERO) -> Decimal | None:
    """Liquidation price when the maintenance requirement is a share of the position's USD size at entry.

    C − t·Q·EP + s·Q·(p − EP) = m·Q·EP    ⇒    p = EP − s·(C − t·Q·EP − m·Q·EP) / Q

    Pool venues record a position's size in USD when it opens and require the collateral,
    after losses and the fee to close, to stay above a fixed share of that size: Jupiter
    Perps 1/500 of it (its protocol maximum leverage of 500x), GMX v2 the market's minimum
    collateral factor. The requirement does not move with the price, so the result is linear
    in the collateral. ``None`` when no positive price satisfies it.

    Source: Jupiter docs, "Liquidation" (LP = price − (collateral − close fee − borrow fee −
    size / 500) × price / size for a long; the page wraps the bracket in an absolute value,
    which would put an already liquidatable position's price on the wrong side, so it is
    left out here); gmx-io/gmx-synthetics ``PositionUtils.isPositionLiquidatable``
    (remaining collateral vs size in USD × min collateral factor).

    Examples
    --------
    Jupiter long, 10,000 USD at 100 (Q = 100), collateral 1,000 less 6 of close fee and 4 of
    borrow fee: p = 100 − (990 − 20) / 100 = 90.3.

    >>> entry_value_liquidation_price("long", Decimal(100), Decimal(100), Decimal(990), Decimal("0.002"))
    Decimal('90.300')
    """
    s = side_sign(side)
    value = size * entry_price
    lp = entry_price - s * (collateral - fee_rate * value - mmr * value) / size
    return lp if lp > 0 else None


def _at_entry(p: Position, rule: MarginRule, mmr: Decimal, cum: Decimal, im: Decimal,
              margin: Decimal | None) -> Liquidation:
    """Maintenance as a share of the USD size at entry, fee to close taken from the collateral
    (GMX v2, Jupiter Perps: [`entry_value_liquidation_price`][perpcalc.margin.entry_value_liquidation_price])."""
    fee = p.taker_fee if rule.fee_to_close else ZERO
    c = _collateral(p, im, margin)
    lp = entry_value_liquidation_price(p.side, p.size, p.entry_price, c, mmr, fee)
    bp = bankruptcy_price(p.side, p.size, p.entry_price, c - fee * p.value, p.contract, p.contract_value)
    return Liquidation(lp, _cross_bankruptcy(p, c, bp, fee * p.value), im, p.value * (mmr + fee), p.value)


Formula = Callable[[Position, MarginRule, Decimal, Decimal, Decimal, Decimal | None], Liquidation]

#: the liquidation formulas a venue record may name in ``MarginRule.formula``
FORMULAS: dict[str, Formula] = {
    "at_mark": _at_mark,
    "wallet_cum": _wallet_cum,
    "entry_deduction": _entry_deduction,
    "bankruptcy_offset": _bankruptcy_offset,
    "margin_available": _margin_available,
    "at_entry": _at_entry,
}

#: venue key → its formula, built from the records in ``perpcalc.venues.MARGIN_VENUES``
LIQUIDATION_FORMULAS: dict[str, Formula] = {key: FORMULAS[rule.formula] for key, rule in MARGIN_VENUES.items()}


def liquidation_price(venue: str, position: Position, mmr: Decimal, maintenance_amount: Decimal = ZERO,
                      leverage: Decimal | None = None, margin: Decimal | None = None) -> Liquidation:
    """Liquidation and bankruptcy price of ``position`` by ``venue``'s published formula.

    The venue's record (``perpcalc.venues.MARGIN_VENUES``; ``generic`` is the textbook
    margin condition) names the formula; initial margin = ``margin`` when given, else
    position value / ``leverage``. Prices are unrounded
    (see [`round_toward_entry`][perpcalc.margin.round_toward_entry]).

    Parameters
    ----------
    venue : str
        Key of a record in ``perpcalc.venues``.
    position : Position
        The position and its account.
    mmr : Decimal
        Maintenance margin rate (0.005 = 0.5 %).
    maintenance_amount : Decimal
        Maintenance amount of the tier (Binance's cum, Bybit's MM deduction).
    leverage : Decimal | None
        Leverage: initial margin = position value / leverage.
    margin : Decimal | None
        Collateral backing the position.

    Returns
    -------
    Liquidation
        The liquidation and bankruptcy prices (quote; ``None`` where no positive price exists),
        the initial and maintenance margins used and the position's value.

    Examples
    --------
    >>> position = Position("long", Decimal(1), Decimal(20000))
    >>> res = liquidation_price("bybit", position, Decimal("0.005"), leverage=Decimal(50))
    >>> res.liquidation_price, res.bankruptcy_price
    (Decimal('19700.000'), Decimal('19600'))
    """
    if venue not in LIQUIDATION_FORMULAS:
        raise InputError("venue", f"venue must be one of: {', '.join(LIQUIDATION_FORMULAS)}")
    rule = MARGIN_VENUES[venue]
    if position.contract == "inverse" and not rule.inverse:
        raise InputError("position", rule.refuse_inverse(venue))
    if margin is not None:
        im = margin
    elif leverage is not None and leverage > 0:
        im = position.value / leverage
    else:
        raise InputError("leverage", "give a leverage or a margin")
    return LIQUIDATION_FORMULAS[venue](position, rule, mmr, maintenance_amount, im, margin)


@dataclass(frozen=True)
class TierChoice:
    """The tier a venue applies and the liquidation it gives
    (see [`liquidation_with_tiers`][perpcalc.margin.liquidation_with_tiers]).

    Tiers are 0-based: ``entry_tier`` holds the position value at entry, ``tier`` is the
    one applied, ``price_tier`` the one holding the value at the liquidation price (``None``
    when the venue does not re-check, or there is no liquidation price); ``consistent`` is
    False when no tier holds at its own liquidation price (the entry tier is then kept).
    """

    liquidation: Liquidation
    mmr: Decimal
    maintenance_amount: Decimal
    tier: int
    entry_tier: int
    entry_mmr: Decimal
    price_tier: int | None
    consistent: bool


def liquidation_with_tiers(venue: str, position: Position, tiers: Sequence[tuple[Decimal, Decimal]],
                           leverage: Decimal | None = None, margin: Decimal | None = None) -> TierChoice:
    """Liquidation with a tiered maintenance table, the tier chosen as the venue does.

    The tier holding the position value at entry comes first. A venue that values the
    maintenance margin at the mark (its record's ``valued_at == "mark"``) re-checks the tier
    at the liquidation price; when that price falls in another tier, the first tier k whose
    own liquidation price lies in tier k is applied (Binance's rule), and the maintenance
    margin reported stays the entry tier's. A venue valuing on the entry value keeps the
    entry tier: its maintenance margin does not move with the price.

    Parameters
    ----------
    venue : str
        Key of a margin record (``perpcalc.venues.MARGIN_VENUES``).
    position : Position
        The position and its account.
    tiers : Sequence[tuple[Decimal, Decimal]]
        (floor, mmr) pairs, floors ascending from 0 (see [`check_tiers`][perpcalc.margin.check_tiers]).
    leverage, margin : Decimal | None
        As in [`liquidation_price`][perpcalc.margin.liquidation_price].

    Returns
    -------
    TierChoice
        The liquidation with the tier applied, and which tiers were considered.

    Examples
    --------
    >>> tiers = [(Decimal(0), Decimal("0.004")), (Decimal(50000), Decimal("0.005"))]
    >>> choice = liquidation_with_tiers("binance", Position("long", Decimal(1), Decimal(60000)), tiers,
    ...                                 leverage=Decimal(20))
    >>> choice.entry_tier, choice.price_tier, choice.tier
    (1, 1, 1)
    """
    rule = MARGIN_VENUES[venue]
    cums = maintenance_amounts(tiers)
    k0 = tier_index(position.value, tiers)
    res = liquidation_price(venue, position, tiers[k0][1], cums[k0], leverage, margin)
    entry = TierChoice(res, tiers[k0][1], cums[k0], k0, k0, tiers[k0][1], None, True)
    if rule.valued_at != "mark" or res.liquidation_price is None:
        return entry

    def tier_at(price: Decimal) -> int:
        return tier_index(position_value(position.size, price, position.contract, position.contract_value), tiers)

    k_lp = tier_at(res.liquidation_price)
    if k_lp == k0:
        return replace(entry, price_tier=k_lp)
    for k in range(len(tiers)):
        trial = liquidation_price(venue, position, tiers[k][1], cums[k], leverage, margin)
        if trial.liquidation_price is not None and tier_at(trial.liquidation_price) == k:
            kept = replace(trial, maintenance_margin=res.maintenance_margin)
            return TierChoice(kept, tiers[k][1], cums[k], k, k0, tiers[k0][1], k_lp, True)
    return replace(entry, price_tier=k_lp, consistent=False)


# ------------------------------------------------------------------ the calculator


# ------------------------------------------------------------------ margin_tier


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

    Parameters
    ----------
    side : str
        ``"long"`` or ``"short"``.
    size : Decimal
        Position size: base units (linear) or contracts (inverse).
    entry_price : Decimal
        Average entry price, in quote.
    pnl : Decimal
        Target net PnL, in the settlement currency.
    contract : str
        ``"linear"`` or ``"inverse"``.
    contract_value : Decimal
        Quote value of one inverse contract (1 USD for XBTUSD).
    taker_fee : Decimal
        Taker fee rate per fill.
    funding_paid : Decimal
        Funding paid while the position was open (− = received).

    Returns
    -------
    Decimal | None
        The exit price in quote; ``None`` when no positive price gives that net PnL.

    Examples
    --------
    Long 1 BTC at 20,000, taker 0.05 % each way, no funding: break-even
    X = 20,000 × 1.0005 / 0.9995 = 20,020.01.

    >>> round(exit_price_for_pnl("long", Decimal(1), Decimal(20000), Decimal(0), taker_fee=Decimal("0.0005")), 2)
    Decimal('20020.01')
    """
    s = side_sign(side)
    g = funding_paid + pnl
    if contract == "inverse":
        k = size * contract_value
        den = (s - taker_fee) / entry_price - g / k
        x = (s + taker_fee) / den if den != 0 else None
    else:
        x = (s * entry_price + taker_fee * entry_price + g / size) / (s - taker_fee)
    return x if x is not None and x > 0 else None


# ------------------------------------------------------------------ size-dependent margin, open limits, stages


def deribit_margin_rate(size: Decimal, base_rate: Decimal, rate_per_unit: Decimal) -> Decimal:
    """Deribit linear-perpetual margin rate, growing with the position's size.

    rate = base rate + rate per unit × |size|

    Deribit's linear perpetuals (BTC_USDC, ETH_USDC, SOL_USDC…) have no tiers: every extra
    coin of position adds a fixed slice to both the initial and the maintenance rate. The
    same form gives both, with different base rates (BTC_USDC: initial 2 % and maintenance
    1 %, each + 0.005 % per BTC; SOL_USDC: 4 % and 2 %, each + 0.0005 % per SOL).

    Source: Deribit support, "Linear Perpetual" (article 25944738177565, 2025).

    Parameters
    ----------
    size : Decimal
        Position size in coins (sign ignored).
    base_rate, rate_per_unit : Decimal
        Fractions; ≥ 0.

    Examples
    --------
    25 BTC on BTC_USDC: initial 2 % + 0.005 % × 25 = 2.125 %.

    >>> deribit_margin_rate(Decimal(25), Decimal("0.02"), Decimal("0.00005"))
    Decimal('0.02125')
    """
    if base_rate < 0 or rate_per_unit < 0:
        raise InputError("base_rate" if base_rate < 0 else "rate_per_unit", "rates must be ≥ 0")
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
        raise InputError("price", "price must be > 0")
    coin = deribit_margin_rate(size, base_rate, rate_per_unit) * abs(size)
    return coin, coin * price


def deribit_max_size(equity: Decimal, price: Decimal, base_rate: Decimal, rate_per_unit: Decimal) -> Decimal:
    """Largest position whose size-dependent initial margin fits in ``equity`` (USDC).

    Solves (b + k·q) × q × price = E for q ≥ 0:

        q = (−b + √(b² + 4·k·E/price)) / (2·k)        (k > 0)
        q = E / (price × b)                           (k = 0, flat rate)

    Because the rate grows with size, the largest position grows only with the square root
    of equity once k·q dominates b: quadrupling equity roughly doubles it. Derived from
    [`deribit_margin_rate`][perpcalc.margin.deribit_margin_rate]; Deribit publishes no closed form.

    Examples
    --------
    With 1,312,500 USDC at 100,000 on BTC_USDC (2 % + 0.005 %/BTC) the limit is 350 BTC,
    Deribit's own 3.75 % example read backwards:

    >>> print(f'{deribit_max_size(Decimal(1312500), Decimal(100000), Decimal("0.02"), Decimal("0.00005")):f}')
    350
    """
    if equity < 0:
        raise InputError("equity", "equity must be ≥ 0")
    if price <= 0:
        raise InputError("price", "price must be > 0")
    if rate_per_unit == 0:
        if base_rate <= 0:
            raise InputError("base_rate", "base_rate and rate_per_unit cannot both be 0")
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
        raise InputError("leverage", "leverage must be > 0")
    s = side_sign(side)
    return size * order_price / leverage + size * max(ZERO, s * (order_price - mark_price))


def max_open_position(side: str, available: Decimal, order_price: Decimal, leverage: Decimal,
                      mark_price: Decimal | None = None, max_notional: Decimal | None = None) -> Decimal:
    """Binance's "max open": the largest size whose cost to open fits the available balance.

    Q_max = min( available / (P / L + max(0, s × (P − M))),  max notional at L / P )

    The first term inverts [`order_cost`][perpcalc.margin.order_cost]; the second is the leverage bracket's limit:
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
        raise InputError("available", "available must be ≥ 0")
    if order_price <= 0:
        raise InputError("order_price", "order_price must be > 0")
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
    for name, value in (("leverage", leverage), ("entry_price", entry_price), ("mark_price", mark_price)):
        if value <= 0:
            raise InputError(name, f"{name} must be > 0")
    margin = position_value(size, entry_price, contract, contract_value) / leverage
    return unrealized_pnl(side, size, entry_price, mark_price, contract, contract_value) / margin


def price_at_equity_share(side: str, size: Decimal, entry_price: Decimal, collateral: Decimal,
                          mmr: Decimal, share: Decimal) -> Decimal | None:
    """Linear price at which equity = share × maintenance margin (valued at that price).

    p = (s·Q·EP − C) / (Q·(s − share·m))

    share = 1 is the liquidation price, share = 0 the bankruptcy price; Hyperliquid hands
    the position to its backstop liquidator once equity falls below 2/3 of maintenance,
    i.e. share = 2/3. ``None`` when no positive price satisfies it. A special case of
    [`liquidation_price_at_mark`][perpcalc.margin.liquidation_price_at_mark].

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
        raise InputError("share", "share must be ≥ 0")
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
        raise InputError("oracle_price", "oracle_price must be > 0")
    if maintenance_requirement <= 0:
        raise InputError("maintenance_requirement", "maintenance_requirement must be > 0")
    abr = min(max(bankruptcy_adjustment * (ONE - net_collateral / maintenance_requirement), ZERO), ONE)
    return oracle_price * (ONE - side_sign(side) * smmr * mmf * abr)


def dydx_insurance_threshold(side: str, bankruptcy: Decimal, mmf: Decimal, smmr: Decimal = Decimal("1.5"),
                             bankruptcy_adjustment: Decimal = ONE) -> Decimal:
    """Oracle price beyond which a dYdX v4 liquidation may fill worse than bankruptcy.

    For one isolated linear position, equity = s·Q·(p − BP) and TMMR = MMF·Q·p, so with
    k = SMMR × BA the fillable price equals the bankruptcy price at

        p* = BP × (1 + k) / (1 + k − s·k·MMF)

    Between the liquidation price and p* the order can still fill at or better than
    bankruptcy (any surplus goes to the insurance fund); beyond p* the allowed fill is worse
    than bankruptcy and the insurance fund pays the gap. Derived here from
    [`dydx_fillable_price`][perpcalc.margin.dydx_fillable_price] (valid while ABR ≤ 1, which holds up
    to bankruptcy when BA = 1).

    Examples
    --------
    Long with bankruptcy at 95, MMF 5 %: p* = 95 × 2.5 / (2.5 − 0.075).

    >>> round(dydx_insurance_threshold("long", Decimal(95), Decimal("0.05")), 4)
    Decimal('97.9381')
    """
    if bankruptcy <= 0:
        raise InputError("bankruptcy", "bankruptcy must be > 0")
    k = smmr * bankruptcy_adjustment
    return bankruptcy * (1 + k) / (1 + k - side_sign(side) * k * mmf)


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
        raise InputError("contracts", "contracts must be ≥ 0")
    if not tiers:
        raise InputError("tiers", "tiers must list at least one tier")
    if step <= 0:
        raise InputError("step", "step must be > 0")
    for i, (limit, mmr, imr) in enumerate(tiers, start=1):
        if contracts <= limit:
            return i, limit, mmr, imr
    k = len(tiers)
    limit, mmr, imr = tiers[-1]
    n = int(((contracts - limit) / step).to_integral_value(rounding=ROUND_CEILING))
    return k + n, limit + n * step, mmr + n * mmr_step, imr + n * imr_step
