"""The funding a trader actually paid and received: a venue's payment ledger summed.

A funding payment is signed from its holder's view, as everywhere in perpcalc: negative =
the holder paid, positive = the holder received, which is how Binance's ``income``, OKX's
``balChg`` and Bybit's ``change`` are signed; [`perpcalc.venue_files`][perpcalc.venue_files]
reads each ledger into this sign.

With the rate history of the same symbol, each payment is set beside the rate settled at
its time, and the position it implies follows from the payment formula of
[`funding_payment`][perpcalc.funding.funding_payment]:

    payment = −s · notional · rate   ⇒   s · notional = −payment / rate

(s = +1 long, −1 short). The notional is the size times the price the venue used (mark
or index at settlement), in the payment's currency; a zero rate implies nothing.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate, filterfalse
from operator import attrgetter
from typing import NamedTuple

from ._num import ZERO

__all__ = ["Payment", "RateAt", "implied_notional", "summarize_payments"]

MATCH_WINDOW = timedelta(minutes=5)  # a payment is booked within seconds to a minute of its settlement


class Payment(NamedTuple):
    """One funding payment: UTC time, symbol, signed amount (+ received) and its asset.

    (Named tuples, not frozen dataclasses: a ledger holds up to 100,000 payments.)"""

    time: datetime
    symbol: str
    amount: Decimal
    asset: str = ""


class RateAt(NamedTuple):
    """One settled rate (fraction per interval, + = longs pay) of a symbol at a UTC time."""

    time: datetime
    symbol: str
    rate: Decimal


def implied_notional(payment: Decimal, rate: Decimal) -> Decimal | None:
    """The signed position notional a payment implies at a rate: −payment / rate.

    Positive = long, negative = short; ``None`` for a zero rate (any position pays 0).

    Examples
    --------
    A long paying 3.625312 USDC at 0.00417 % held 86,937.94 USDC of the asset:

    >>> implied_notional(Decimal("-3.625312"), Decimal("0.0000417")).quantize(Decimal("0.01"))
    Decimal('86937.94')
    >>> implied_notional(Decimal("5"), Decimal("0.0001"))  # received at a positive rate: short
    Decimal('-5E+4')
    """
    if rate == 0:
        return None
    return -payment / rate


def summarize_payments(payments: Sequence[Payment], rates: Iterable[RateAt] = (), rows: int | None = None) -> dict:
    """Paid, received and net funding per symbol, per UTC day and in total.

    ``paid`` and ``received`` are both positive sums (of the payments below and above
    zero); ``net = received − paid``. Per symbol, the net is also given per asset when a
    symbol settles in more than one. Each payment whose symbol has a rate within five minutes of
    it gets that ``rate`` and the ``implied_notional`` (``None`` without one).

    Parameters
    ----------
    payments : sequence of Payment
        In any order; the result lists them by time.
    rates : iterable of RateAt
        The rate history of some or all of the symbols (optional).
    rows : int, optional
        List only the first ``rows`` payments in ``payments`` (a page shows a thousand of a
        ledger's 100,000; everything else counts them all).

    Returns
    -------
    dict
        ``total`` {paid, received, net, count}, ``by_symbol`` and ``by_day`` (lists of
        the same with ``symbol``/``asset`` or ``day``), ``payments`` (each with ``rate``
        and ``implied_notional``), ``matched`` (payments with a rate) and ``running``
        (the cumulative net after each payment).

    Examples
    --------
    >>> from datetime import UTC
    >>> t = datetime(2024, 3, 1, tzinfo=UTC)
    >>> s = summarize_payments([Payment(t, "BTCUSDT", Decimal("-1.5"), "USDT"),
    ...                         Payment(t + timedelta(hours=8), "BTCUSDT", Decimal("0.5"), "USDT")])
    >>> s["total"]
    {'paid': Decimal('1.5'), 'received': Decimal('0.5'), 'net': Decimal('-1.0'), 'count': 2}
    """
    summary, columns = _summarize_columns(payments, rates)
    return {
        **{key: summary[key] for key in ("total", "assets", "by_symbol", "by_day")},
        "payments": _payment_rows(columns, slice(rows)),
        "matched": summary["matched"],
        "running": [{"time": t, "net": net} for t, net in zip(columns.time, columns.net, strict=True)],
    }


class _PaymentColumns(NamedTuple):
    """The payments in order (by time, then symbol), a list per column: the ``rate`` settled
    beside each (``None`` without one) and the ``net`` received so far after each."""

    time: list[datetime]
    symbol: list[str]
    asset: list[str]
    amount: list[Decimal]
    rate: list[Decimal | None]
    net: list[Decimal]


def _summarize_columns(payments: Sequence[Payment], rates: Iterable[RateAt] = ()) -> tuple[dict, _PaymentColumns]:
    """``summarize_payments`` without a dict a payment: its ``total``, ``assets``, ``by_symbol``,
    ``by_day`` and ``matched``, and the payments as columns (a ledger holds up to 100,000
    payments, and a page shows a thousand of them)."""
    # by time, then symbol: two stable sorts on one attribute each (no key tuple a payment)
    ordered = sorted(sorted(payments, key=attrgetter("symbol")), key=_TIME)
    # column by column (a ledger holds up to 100,000 payments): no dict or call per payment
    # but the rate lookup; the sums add the same numbers in the same order as a loop would
    times = list(map(_TIME, ordered))
    symbols = list(map(attrgetter("symbol"), ordered))
    amounts = list(map(attrgetter("amount"), ordered))
    assets = list(map(attrgetter("asset"), ordered))
    by_rate: dict[str, list[RateAt]] = {}
    for r in rates:
        by_rate.setdefault(r.symbol, []).append(r)
    for group in by_rate.values():
        group.sort(key=_TIME)
    rate_times = {symbol: list(map(_TIME, group)) for symbol, group in by_rate.items()}

    groups: dict[tuple[str, str], list[Decimal]] = {}
    for key, amount in zip(zip(symbols, assets, strict=True), amounts, strict=True):
        groups.setdefault(key, []).append(amount)
    by_date: dict[tuple[date, str], list[Decimal]] = {}
    for key, amount in zip(zip(map(datetime.date, times), assets, strict=True), amounts, strict=True):
        by_date.setdefault(key, []).append(amount)
    # each day written once, not once per payment (the groups keep their order of first payment)
    days = {(d.strftime("%Y-%m-%d"), a): g for (d, a), g in by_date.items()}

    found: list[Decimal | None] = []
    for when, symbol in zip(times, symbols, strict=True):
        found.append(_rate_at(by_rate[symbol], rate_times[symbol], when) if symbol in by_rate else None)
    nets = accumulate(amounts, initial=ZERO)
    next(nets)  # the net before any payment
    summary = {
        "total": _sums(amounts),
        "assets": sorted(set(assets)),
        "by_symbol": [{"symbol": s, "asset": a, **_sums(g)} for (s, a), g in sorted(groups.items())],
        "by_day": [{"day": d, "asset": a, **_sums(g)} for (d, a), g in sorted(days.items())],
        "matched": len(found) - found.count(None),
    }
    return summary, _PaymentColumns(times, symbols, assets, amounts, found, list(nets))


def _payment_rows(columns: _PaymentColumns, rows: slice) -> list[dict]:
    """``summarize_payments``' ``payments`` (the ``rows`` slice of them): each payment in
    order, with its ``rate`` and ``implied_notional``."""
    picked = [c[rows] for c in columns[:5]]
    return [{"time": t, "symbol": s, "asset": a, "amount": x, "rate": r,
             "implied_notional": implied_notional(x, r) if r is not None else None}
            for t, s, a, x, r in zip(*picked, strict=True)]


def _sums(amounts: Sequence[Decimal]) -> dict:
    """paid (the payments below zero), received (the others), net and count of ``amounts``.

    The same additions, in the same order, as ``paid -= a`` / ``received += a`` in a loop from
    0: ``paid`` is the negated sum of the negative amounts (rounding is symmetric in sign).
    """
    negative = sum(filter(ZERO.__gt__, amounts), ZERO)
    paid = -negative if negative else ZERO
    received = sum(filterfalse(ZERO.__gt__, amounts), ZERO)
    return {"paid": paid, "received": received, "net": received - paid, "count": len(amounts)}


_TIME = attrgetter("time")


def _rate_at(rates: Sequence[RateAt], times: Sequence[datetime], when: datetime) -> Decimal | None:
    """The rate settled within ``MATCH_WINDOW`` of ``when`` (binary search in ``times``, the
    rates' times in order)."""
    lo = bisect_left(times, when - MATCH_WINDOW)  # the first settled no earlier than the window
    if lo < len(times) and abs(times[lo] - when) <= MATCH_WINDOW:
        return rates[lo].rate
    return None

