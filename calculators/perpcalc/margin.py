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
        Maintenance amount (Binance "cum") of each tier of a tiered margin table.

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
        Maintenance margin = notional × mmr − maintenance amount.

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
        Price at which equity equals the maintenance margin valued at that same price.

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
        Binance USDⓈ-M liquidation price, one-way mode, in Binance's own arrangement.

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
        Bybit liquidation price, maintenance margin valued at the entry value.

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
        Bybit inverse cross margin: (liquidation price, bankruptcy price) with the fee to close.

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
    isolated margin (or cross account value) − l × size × price. At liq, equity equals
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
        Hyperliquid liquidation price, as its docs write it.

    Examples
    --------
    Long 1 BTC at 50,000, margin 5,000, l = 1 %: margin available 4,500,
    liq = 50,000 − 4,500 / 0.99 = 45,454.55.

    >>> round(hyperliquid_liquidation_price("long", Decimal(1), Decimal(50000), Decimal(4500), Decimal("0.01")), 2)
    Decimal('45454.55')
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


def _binance(p: Position, rule: MarginRule, mmr: Decimal, cum: Decimal, im: Decimal,
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


def _bybit(p: Position, rule: MarginRule, mmr: Decimal, cum: Decimal, im: Decimal,
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


def _bitmex(p: Position, rule: MarginRule, mmr: Decimal, cum: Decimal, im: Decimal,
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


def _hyperliquid(p: Position, rule: MarginRule, mmr: Decimal, cum: Decimal, im: Decimal,
                 margin: Decimal | None) -> Liquidation:
    """Hyperliquid's own form
    ([`hyperliquid_liquidation_price`][perpcalc.margin.hyperliquid_liquidation_price]); ``mmr`` is its
    maintenance fraction l, and margin available = C − l × value."""
    c = _collateral(p, im, margin)
    lp = hyperliquid_liquidation_price(p.side, p.size, p.entry_price, c - mmr * p.value, mmr)
    bp = bankruptcy_price(p.side, p.size, p.entry_price, c, p.contract, p.contract_value)
    return Liquidation(lp, _cross_bankruptcy(p, c, bp), im, mmr * p.value, p.value)


Formula = Callable[[Position, MarginRule, Decimal, Decimal, Decimal, Decimal | None], Liquidation]

#: the liquidation formulas a venue record may name in ``MarginRule.formula``
FORMULAS: dict[str, Formula] = {
    "at_mark": _at_mark,
    "binance": _binance,
    "bybit": _bybit,
    "bitmex": _bitmex,
    "hyperliquid": _hyperliquid,
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
        Liquidation and bankruptcy price of ``position`` by ``venue``'s published formula.

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
        raise InputError("position", f"{venue} lists only linear (USDC-margined) perpetuals")
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
        Exit price that leaves a net PnL of ``pnl`` after fees and funding.

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


