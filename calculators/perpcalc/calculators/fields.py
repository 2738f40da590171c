"""The shared field vocabulary: one label, unit, bounds and help per common input.

A calculator takes a common field with ``field`` (``field("size")``) and states only
what differs for it (``field("size", default=ONE)``), so the same input reads the same on
every form. Fields that belong to one calculator only are declared where they are used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from .._num import EIGHT, ONE
from .._spec import Field, Output

__all__ = [
    "CURRENCY_OUTPUT",
    "QUOTE_OUTPUT",
    "RATE_COLUMN",
    "SETTLE_CHOICES",
    "VOCABULARY",
    "currency_of",
    "field",
    "quote_of",
    "rate_field",
    "with_currency",
]

RATE_HELP = "fraction per funding interval: 0.0001 = 0.01 % (you may type 0.01%)"
SIDES = ("long", "short")
#: Settlement assets a reader can name on calculators without a venue input (a label only).
SETTLE_CHOICES = ("usdt", "usdc", "usd", "quote currency")
_SETTLE_NAMES = {"usdt": "USDT", "usdc": "USDC", "usd": "USD"}
CONTRACTS = ("linear", "inverse")

_POSITIVE = {"min": 0, "min_open": True}

VOCABULARY: dict[str, Field] = {
    f.name: f
    for f in (
        Field(
            "side",
            "Side",
            type="choice",
            choices=SIDES,
            default="long",
            help="long profits when the price rises, short when it falls",
        ),
        Field("size", "Position size", unit="base units (linear) or contracts (inverse)", **_POSITIVE),
        Field(
            "contract",
            "Contract",
            type="choice",
            choices=CONTRACTS,
            default="linear",
            help="linear: size in base units, money in quote; inverse: size in contracts, money in the base coin",
        ),
        Field(
            "contract_value",
            "Contract value (inverse)",
            unit="quote per contract",
            default=ONE,
            **_POSITIVE,
            help="quote value of one inverse contract, e.g. 1 USD for XBTUSD",
            when={"contract": ("inverse",)},
        ),
        Field(
            "mark_price",
            "Mark price",
            unit="quote",
            **_POSITIVE,
            help="the price the venue uses to value the position (Hyperliquid: the oracle price)",
        ),
        Field("entry_price", "Entry price", unit="quote", **_POSITIVE),
        Field("index_price", "Index price", unit="quote", **_POSITIVE),
        Field(
            "funding_rate",
            "Funding rate per interval",
            unit="fraction",
            percent=True,
            min=-1,
            max=1,
            help="positive: longs pay shorts; negative: shorts pay longs (0.0001 = 0.01 %)",
            # caps and typical extremes of the big venues stay within ±1 % per interval (page hint)
            typical=Decimal("0.01"),
        ),
        Field(
            "interval_hours",
            "Funding interval",
            unit="hours",
            default=EIGHT,
            max=24 * 7,
            **_POSITIVE,
            help="hours between two settlements: 8 on most venues, 1 on Hyperliquid and dYdX",
        ),
        Field(
            "leverage", "Leverage", unit="x", default=Decimal(10), max=1000, **_POSITIVE, help="position value / margin"
        ),
        Field(
            "mmr",
            "Maintenance margin rate",
            unit="fraction",
            percent=True,
            default=Decimal("0.005"),
            min=0,
            max=1,
            max_open=True,
            help="0.005 = 0.5 %",
        ),
        Field(
            "taker_fee",
            "Taker fee rate",
            unit="fraction",
            percent=True,
            default=Decimal("0.0005"),
            min=0,
            max=Decimal("0.1"),
            help="fee per fill, of the notional (0.0005 = 0.05 %)",
        ),
        Field(
            "settle",
            "Settlement currency",
            type="choice",
            choices=SETTLE_CHOICES,
            default="usdt",
            advanced=True,
            help="only names the currency of the money results: USDT on Binance, Bybit and OKX, USDC on "
            "Hyperliquid and dYdX; inverse contracts settle in the base coin whatever is chosen here",
        ),
        Field(
            "venue",
            "Venue preset",
            type="choice",
            choices=("custom",),
            default="custom",
            help="fills the venue's published rules; fields you set yourself win",
        ),
    )
}


#: A funding rate in a list (a column of rates per interval, fractions in the API): the page shows
#: and reads it in percent, with the same plausibility hint (``typical``) as the single field.
RATE_COLUMN = Field("rate", "Rate", unit="fraction", percent=True, min=-1, max=1, typical=Decimal("0.01"))


def field(name: str, **changes: Any) -> Field:
    """The vocabulary's field ``name``, with ``changes`` (e.g. another default) applied."""
    return replace(VOCABULARY[name], **changes) if changes else VOCABULARY[name]


def rate_field(name: str, label: str, default: Any = None, help: str = RATE_HELP, **kw: Any) -> Field:
    """A rate per funding interval, typed in percent or as a fraction (−100 % … +100 %)."""
    return Field(name, label, unit="fraction", default=default, percent=True, help=help, min=-1, max=1, **kw)


#: The output that names the currency of a calculator's money results; the page shows it as
#: their unit (USDT, USDC, USD, base coin).
CURRENCY_OUTPUT = Output("currency_label", "Money in", format="text")


def currency_of(values: Mapping[str, Any]) -> str:
    """The currency a calculator's money results are in, as the reader names it.

    Parameters
    ----------
    values : Mapping[str, Any]
        The calculator's resolved inputs: ``settle`` and, where the calculator has one,
        ``contract``.

    Returns
    -------
    str
        ``base coin`` for an inverse contract, else the chosen settlement currency.

    Examples
    --------
    >>> currency_of({"settle": "usdc"}), currency_of({"settle": "usdt", "contract": "inverse"})
    ('USDC', 'base coin')
    """
    if values.get("contract") == "inverse":
        return "base coin"
    return _SETTLE_NAMES.get(values["settle"], str(values["settle"]))


#: The output that names the currency prices are quoted in, on calculators that take inverse
#: contracts too (money and prices then differ): see ``quote_of``.
QUOTE_OUTPUT = Output("quote_label", "Prices in", format="text")


def quote_of(values: Mapping[str, Any]) -> str:
    """The currency a calculator's prices are quoted in, as the reader names it.

    A linear contract is quoted and settled in the same currency; an inverse one is quoted in
    US dollars and settled in the base coin (BTCUSD on Binance COIN-M, Bybit and OKX, XBTUSD on
    BitMEX, BTC-PERPETUAL on Deribit).

    Parameters
    ----------
    values : Mapping[str, Any]
        The calculator's resolved inputs: ``settle`` and ``contract``.

    Returns
    -------
    str
        ``USD`` for an inverse contract, else the settlement currency (``currency_of``).

    Examples
    --------
    >>> quote_of({"settle": "usdc", "contract": "linear"}), quote_of({"settle": "usdt", "contract": "inverse"})
    ('USDC', 'USD')
    """
    return "USD" if values.get("contract") == "inverse" else currency_of(values)


def with_currency(compute: Callable[[dict[str, Any]], Mapping[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """``compute`` with the ``currency_label`` output (see ``CURRENCY_OUTPUT``) added, and
    ``quote_label`` (``QUOTE_OUTPUT``) where the calculator has a ``contract`` input."""

    def labelled(values: dict[str, Any]) -> dict[str, Any]:
        out = {**compute(values), "currency_label": currency_of(values)}
        if "contract" in values:
            out["quote_label"] = quote_of(values)
        return out

    return labelled
