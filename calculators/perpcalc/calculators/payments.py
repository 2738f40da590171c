"""Your funding payments: a venue's payment ledger summed per symbol, per day and in total,
beside the rates that caused them when a rate history is given."""

from __future__ import annotations

from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

from .._errors import InputError
from .._num import MAX_YEAR, parse_start, thin_buckets
from .._spec import Calculator, Field, Output
from ..display import format_number
from ..payments import Payment, RateAt, summarize_payments

CHART_POINTS = 500
TABLE_ROWS = 1000

PAYMENT_HELP = ("a payment a row, its time in UTC and its amount + when received, − when paid; or read your "
                "venue's ledger with the file button")
RATE_HELP = "optional: time (UTC), symbol and rate of each settlement, to set each payment beside its rate"


def _when(text: str, field: str, row: int):
    when = parse_start(text, field)
    if when is None:
        raise InputError(field, f"row {row}: the time is empty")
    return when


def _times(texts: list[str], field: str, label: str) -> list[datetime]:
    """Each row's time (``texts``, the time column) as a UTC datetime, as ``parse_start`` reads it.
    Times that are all ISO text in UTC (``Z`` or ``+00:00``, as the file button writes them) are read
    in one pass; otherwise row by row, which names the first row that cannot be read."""
    try:
        whens = list(map(datetime.fromisoformat, texts))
    except (TypeError, ValueError):
        whens = []
    if whens and set(map(attrgetter("tzinfo"), whens)) == {UTC} and max(whens).year <= MAX_YEAR:
        return whens
    out = []
    for i, text in enumerate(texts, start=1):
        try:
            out.append(_when(text, field, i))
        except InputError as exc:
            raise InputError(field, f"{label} row {i}: {exc.message}") from None
    return out


def _funding_payments_calc(v: dict[str, Any]) -> dict[str, Any]:
    rows = v["payments"]  # both lists come as columns (name → cells)
    if rows is None or not rows["time"]:
        raise InputError("payments", "enter your funding payments, or read your venue's ledger with the file button")
    whens = _times(rows["time"], "payments", "Payments")
    assets = [asset or "" for asset in rows["asset"]]
    payments = list(map(Payment, whens, rows["symbol"], rows["amount"], assets))
    given = v["rates"]
    rates = list(map(RateAt, _times(given["time"], "rates", "Rates"), given["symbol"], given["rate"])) \
        if given is not None else []
    s = summarize_payments(payments, rates, rows=TABLE_ROWS)  # rows only for the payments the table shows
    total, assets = s["total"], s["assets"]
    one_asset = len(assets) <= 1
    asset = assets[0] if assets and assets[0] else ""
    unit = f" {asset}" if asset else ""
    iso = "%Y-%m-%dT%H:%MZ"
    keep = thin_buckets(len(s["running"]), CHART_POINTS)
    chart = [{"index": i, "time": s["running"][i]["time"].strftime(iso), "net": s["running"][i]["net"]}
             for i in keep] if one_asset else []
    table = [{**p, "time": p["time"].strftime("%Y-%m-%d %H:%M UTC")} for p in s["payments"]]
    first, last = min(whens), max(whens)
    if one_asset:
        verdict = "you received more than you paid" if total["net"] > 0 else \
            "you paid more than you received" if total["net"] < 0 else "you paid as much as you received"
        summary = (f"{total['count']:,} funding payments from {first:%Y-%m-%d} to {last:%Y-%m-%d}: paid "
                   f"{format_number(total['paid'])}{unit}, received {format_number(total['received'])}{unit}, net "
                   f"{format_number(total['net'])}{unit}: {verdict}.")
    else:
        names = ", ".join(a or "?" for a in assets)
        summary = (f"{total['count']:,} funding payments in {len(assets)} assets ({names}): the totals are per "
                   "symbol and per day, since amounts in different assets do not add up.")
    if rates:
        summary += f" {s['matched']:,} of them have a rate from the rate history beside them."
    if total["count"] > TABLE_ROWS:
        summary += f" The payments table lists the first {TABLE_ROWS:,}; the totals count all."
    return {
        "summary": summary,
        "count": total["count"],
        "paid": total["paid"] if one_asset else None,
        "received": total["received"] if one_asset else None,
        "net": total["net"] if one_asset else None,
        "asset": asset if one_asset else "several",
        "matched": s["matched"],
        "by_symbol": s["by_symbol"],
        "by_day": s["by_day"],
        "payments_table": table,
        "chart": chart,
    }


SUMS = (
    Output("paid", "Paid", unit="in the asset", places=8),
    Output("received", "Received", unit="in the asset", places=8),
    Output("net", "Net (+ = received)", unit="in the asset", places=8),
    Output("count", "Payments", format="integer"),
)

# Four 8-hourly BTCUSDT payments of a long, then two of a short ETHUSDT position (invented,
# in the shape of Binance GET /fapi/v1/income FUNDING_FEE records as read by the file button).
EXAMPLE_PAYMENTS = (
    "time,symbol,amount,asset\n2024-03-01T00:00Z,BTCUSDT,-6.1234,USDT\n2024-03-01T08:00Z,BTCUSDT,-19.3781,USDT\n"
    "2024-03-01T16:00Z,BTCUSDT,1.5468,USDT\n2024-03-02T00:00Z,BTCUSDT,-6.1890,USDT\n"
    "2024-03-01T08:00Z,ETHUSDT,2.1000,USDT\n2024-03-01T16:00Z,ETHUSDT,-0.5250,USDT"
)
EXAMPLE_RATES = (
    "time,symbol,rate\n2024-03-01T00:00Z,BTCUSDT,0.0001\n2024-03-01T08:00Z,BTCUSDT,0.0003125\n"
    "2024-03-01T16:00Z,BTCUSDT,-0.000025\n2024-03-02T00:00Z,BTCUSDT,0.0001"
)

funding_payments_calculator = Calculator(
    name="funding_payments",
    title="Your funding payments",
    summary=(
        "What you actually paid and received in funding, per symbol, per day and in total, from your venue's "
        "payment ledger; with a rate history, each payment beside the rate that caused it and the position "
        "size it implies. Your files are read in your browser and never uploaded."
    ),
    terms=("funding-rate-exposure", "funding-rate-as-proxy-for-cost"),
    function="perpcalc.payments.summarize_payments",
    notes=(
        "Amounts are signed from your view: − paid, + received (a ledger's own sign is turned into this one on "
        "reading). The implied position is −payment / rate: + long, − short, in the payment's asset; a payment "
        "is matched to a rate settled within five minutes of it."
    ),
    inputs=(
        Field(
            "payments",
            "Funding payments",
            type="list",
            default=None,
            max_items=100_000,
            help=PAYMENT_HELP,
            accepts=("funding_payments",),
            columnar=True,
            columns=(
                Field("time", "Time", type="text"),
                Field("symbol", "Symbol", type="text"),
                Field("amount", "Amount (+ received, − paid)", min=-10**12, max=10**12),
                Field("asset", "Asset", type="text", default=None),
            ),
        ),
        Field(
            "rates",
            "Rate history (optional)",
            type="list",
            default=None,
            max_items=100_000,
            help=RATE_HELP,
            accepts=("rate_history",),
            columnar=True,
            columns=(
                Field("time", "Time", type="text"),
                Field("symbol", "Symbol", type="text"),
                Field("rate", "Rate", unit="fraction", percent=True, min=-1, max=1),
            ),
        ),
    ),
    outputs=(
        Output("summary", "In short", format="text"),
        *SUMS,
        Output("asset", "Asset", format="text"),
        Output("matched", "Payments with a rate beside them", format="integer"),
        Output(
            "by_symbol",
            "Per symbol",
            format="table",
            columns=(Output("symbol", "Symbol", format="text"), Output("asset", "Asset", format="text"), *SUMS),
        ),
        Output(
            "by_day",
            "Per day (UTC)",
            format="table",
            columns=(Output("day", "Day", unit="UTC", format="text"), Output("asset", "Asset", format="text"),
                     *SUMS),
        ),
        Output(
            "payments_table",
            "Each payment",
            format="table",
            columns=(
                Output("time", "Time", format="text"),
                Output("symbol", "Symbol", format="text"),
                Output("amount", "Amount (+ received, − paid)", unit="in the asset", places=8),
                Output("asset", "Asset", format="text"),
                Output("rate", "Rate at that settlement (+ = longs pay)", format="percent", places=6),
                Output("implied_notional", "Implied position (+ long, − short)", unit="notional, in the asset",
                       places=2),
            ),
        ),
        Output(
            "chart",
            "Net funding over time",
            format="series",
            columns=(
                Output("index", "Payment #", unit="0 = first", format="integer"),
                Output("time", "Time", unit="UTC", format="text"),
                Output("net", "Net so far (+ = received)", unit="in the asset", places=8),
            ),
            chart={"x": "index", "time": "time", "y": ["net"], "title": "Net funding received (− = paid)",
                   "x_label": "Payment (time, UTC)", "y_label": "Net so far ({asset})"},
        ),
    ),
    compute=_funding_payments_calc,
    examples={"default": {"payments": EXAMPLE_PAYMENTS, "rates": EXAMPLE_RATES}},
)
