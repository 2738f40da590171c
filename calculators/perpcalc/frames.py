"""Optional pandas layer: calculator outputs as DataFrames, venue funding exports as one schema.

Needs pandas (``pip install "perpcalc[pandas]"``). Nothing else in perpcalc imports this
module, so the browser, which has no pandas, never loads it; import it yourself::

    from perpcalc import frames
    rates = frames.read_funding_history("BTCUSDT-funding.json", "binance")

Funding histories from the four venues below become one tidy table, oldest first per
symbol, with the columns of ``SCHEMA``:

* ``time``: settlement time, ``datetime64`` in UTC;
* ``venue``: ``binance``, ``bybit``, ``okx`` or ``hyperliquid``;
* ``symbol``: the venue's symbol (``BTCUSDT``, ``BTC-USDT-SWAP``, ``BTC``);
* ``interval_hours``: the hours the rate covers (float);
* ``rate``: the rate per interval as a fraction, + = longs pay shorts (float).

Formats read (JSON as the API returns it, envelope or bare list, or the same records as
CSV with the API's field names as the header):

* Binance USDⓈ-M ``GET /fapi/v1/fundingRate``: ``symbol``, ``fundingTime`` (ms),
  ``fundingRate`` (``markPrice`` is ignored); and the website's funding-history CSV
  export: ``Time``, ``Contracts``, ``Funding Interval``, ``Funding Rate`` (e.g.
  ``2025-06-18 16:00:00,BTCUSDT Perpetual,8h,0.003694%``).
* Bybit v5 ``GET /v5/market/funding/history``: ``symbol``, ``fundingRate``,
  ``fundingRateTimestamp`` (ms), inside ``{"result": {"list": [...]}}``.
* OKX ``GET /api/v5/public/funding-rate-history``: ``instId``, ``fundingTime`` (ms),
  ``realizedRate`` (the rate actually settled; ``fundingRate`` is used when it is
  missing), inside ``{"data": [...]}``.
* Hyperliquid ``POST /info`` ``{"type": "fundingHistory"}``: ``coin``, ``time`` (ms),
  ``fundingRate`` (per hour; ``premium`` is ignored).
* Also: Binance's public-data monthly funding CSV (the symbol from the file's name),
  Hyperliquid ``userFunding``, dYdX v4 ``historicalFunding``, Deribit
  ``get_funding_rate_history`` and ccxt's ``fetch_funding_rate_history`` saved as JSON
  (venues ``dydx``, ``deribit``, ``ccxt``); API pages appended into one file.

Times written without a zone (Binance's website export) need ``timezone=``.

The funding a trader paid and received, from a payment ledger (Binance
``GET /fapi/v1/income``, its futures Transaction History export, its account statement,
Bybit's transaction log, OKX's bills):
[`read_funding_payments`][perpcalc.frames.read_funding_payments] gives one row per payment
(``time``, ``symbol``, ``amount``: + received, − paid, ``asset``); the calculator
``funding_payments`` sums them.

The interval is taken from the file when it says (Binance's website export); otherwise
it is the time since the symbol's previous settlement, to the nearest minute, and the
first settlement takes the interval after it. Venues shorten the interval when the rate
hits its cap, and that shows up here; a gap in the file (missing settlements) shows up as
a longer interval too, so pass ``interval_hours`` when you know it is fixed.

A malformed file raises [`FundingFileError`][perpcalc.venue_files.FundingFileError] naming the column and the line
(CSV) or record (JSON) at fault. The reading itself is [`perpcalc.venue_files`][perpcalc.venue_files] (standard
library only), which the site's calculators use on a file dropped in the browser: both read every format alike.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from . import venue_files
from ._spec import get
from .display import format_significant
from .venue_files import VENUES, FileFormatError, FundingFileError

__all__ = [
    "SCHEMA",
    "VENUES",
    "Chart",
    "FundingFileError",
    "funding_series_inputs",
    "line_chart",
    "read_funding_history",
    "read_funding_payments",
    "to_frame",
]

SCHEMA = ("time", "venue", "symbol", "interval_hours", "rate")


# ------------------------------------------------------------------ calculator outputs


def to_frame(name: str, outputs: Mapping[str, Any], output: str | None = None) -> pd.DataFrame:
    """A calculator's outputs as a DataFrame.

    With ``output`` naming a table or series output, its rows become a frame whose columns
    follow the calculator's spec (percent columns stay fractions, like every output).
    Without ``output``: the single-valued outputs as rows (index = output name; columns
    ``label``, ``value``, ``unit``). Each frame's ``attrs["labels"]`` maps column names to
    the spec's labels.

    Example::

        out = perpcalc.run("funding_series", perpcalc.get("funding_series").examples["reversal"])
        to_frame("funding_series", out, "reversals")   # one row per sign reversal
    """
    calc = get(name)
    specs = {o.name: o for o in calc.outputs}
    missing = [o for o in specs if o not in outputs]
    if missing:
        raise ValueError(f"these are not {name}'s outputs: missing {', '.join(missing)}")
    if output is None:
        rows = [
            {"output": o.name, "label": o.label, "value": outputs[o.name], "unit": o.unit}
            for o in calc.outputs
            if o.format not in ("table", "series")
        ]
        frame = pd.DataFrame(rows, columns=["output", "label", "value", "unit"]).set_index("output")
        frame.attrs["labels"] = {"label": "Output", "value": "Value", "unit": "Unit"}
        return frame
    if output not in specs:
        raise ValueError(f"{name} has no output {output!r}; its outputs: {', '.join(specs)}")
    spec = specs[output]
    if spec.format not in ("table", "series"):
        raise ValueError(f"{name}.{output} is a single {spec.format} value, not a table or series")
    columns = [c.name for c in spec.columns]
    frame = pd.DataFrame(list(outputs[output]), columns=columns)
    frame.attrs["labels"] = {c.name: c.label + (f" ({c.unit})" if c.unit else "") for c in spec.columns}
    return frame


def funding_series_inputs(frame: pd.DataFrame, symbol: str | None = None) -> dict[str, Any]:
    """Inputs for the ``funding_series`` / ``funding_forecast`` calculators from a frame
    read by [`read_funding_history`][perpcalc.frames.read_funding_history]
    (one symbol; ``symbol`` picks it when there are
    several). The calculators take one fixed interval: the most common one is used."""
    if symbol is not None:
        frame = frame[frame["symbol"] == symbol]
    symbols = sorted(set(frame["symbol"]))
    if len(symbols) != 1:
        raise ValueError(f"pick one symbol (found {', '.join(symbols) or 'none'})")
    frame = frame.sort_values("time")
    interval = Counter(frame["interval_hours"]).most_common(1)[0][0]
    start = frame["time"].iloc[0].strftime("%Y-%m-%dT%H:%MZ")
    return {
        "source": "input",
        "rates": [{"rate": repr(float(r))} for r in frame["rate"]],
        "interval_hours": repr(float(interval)),
        "start": start,
    }


# ------------------------------------------------------------------ charts without matplotlib

PALETTE = ("#3f51b5", "#ef6c00", "#00897b", "#8e24aa", "#757575", "#c62828")


class Chart:
    """An SVG chart; Jupyter shows it inline, ``str()`` gives the markup.

    It is offered as HTML first (inline SVG), so text drawn in ``currentColor`` follows the
    page's colours; as an image an SVG would lose them."""

    def __init__(self, svg: str) -> None:
        self.svg = svg

    def _repr_html_(self) -> str:
        return f'<div class="perpcalc-chart">{self.svg}</div>'

    def _repr_svg_(self) -> str:
        return self.svg

    def __str__(self) -> str:
        return self.svg


def _ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    lo, hi = min(lo, hi), max(lo, hi)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    return [round(first + i * step, 12) for i in range(int((hi - first) / step + 1e-9) + 1)]



def line_chart(
    frame: pd.DataFrame,
    x: str,
    y: str | Sequence[str],
    title: str = "",
    *,
    kind: str = "line",
    scale: float = 1.0,
    y_label: str = "",
    width: int = 720,
    height: int = 300,
) -> Chart:
    """A small SVG line (or ``kind="bar"``) chart of columns ``y`` against ``x``.

    For notebooks without matplotlib: text and axes use ``currentColor``, so the chart
    follows the page's light or dark theme. ``scale`` multiplies the y values (100 shows
    fractions as percent). Missing values break a line. The ``<svg>`` carries
    ``data-search-exclude``: a site search should not index tick labels.
    """
    ys = [y] if isinstance(y, str) else list(y)
    xs = [float(v) for v in frame[x]]
    series = {c: [None if pd.isna(v) else float(v) * scale for v in frame[c]] for c in ys}
    values = [v for col in series.values() for v in col if v is not None]
    if not xs or not values:
        raise ValueError("nothing to draw")
    left, right, top, bottom = 72, 16, 40 + 16 * ((len(ys) - 1) // 4), 36
    x0, x1 = min(xs), max(xs)
    if x0 == x1:
        x0, x1 = x0 - 1, x1 + 1
    y_ticks = _ticks(min(*values, 0.0) if kind == "bar" else min(values), max(*values, 0.0) if kind == "bar"
                     else max(values))
    y0, y1 = min(y_ticks[0], min(values)), max(y_ticks[-1], max(values))
    if y0 == y1:
        y0, y1 = y0 - 1, y1 + 1
    pw, ph = width - left - right, height - top - bottom

    def px(v: float) -> float:
        return left + (v - x0) / (x1 - x0) * pw

    def py(v: float) -> float:
        return top + (y1 - v) / (y1 - y0) * ph

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
           f'style="max-width:{width}px;font:12px sans-serif" role="img" aria-label="{_esc(title)}"'
           # tick labels are not words: keep them out of the site's search index (MkDocs Material)
           ' data-search-exclude>']
    if title:
        out.append(f'<text x="{left}" y="16" fill="currentColor" font-weight="bold">{_esc(title)}</text>')
    for i, col in enumerate(ys):
        lx, ly = left + (i % 4) * 160, 32 + 16 * (i // 4)
        out.append(f'<rect x="{lx}" y="{ly - 9}" width="12" height="3" fill="{PALETTE[i % len(PALETTE)]}"/>'
                   f'<text x="{lx + 16}" y="{ly - 4}" fill="currentColor">{_esc(col)}</text>')
    for t in y_ticks:
        if y0 <= t <= y1:
            out.append(f'<line x1="{left}" x2="{width - right}" y1="{py(t):.1f}" y2="{py(t):.1f}" '
                       f'stroke="currentColor" stroke-opacity="{0.5 if t == 0 else 0.15}"/>'
                       f'<text x="{left - 6}" y="{py(t) + 4:.1f}" fill="currentColor" text-anchor="end">'
                       f'{format_significant(t)}</text>')
    for t in _ticks(x0, x1, 6):
        if x0 <= t <= x1:
            out.append(f'<text x="{px(t):.1f}" y="{height - bottom + 16}" fill="currentColor" '
                       f'text-anchor="middle">{format_significant(t)}</text>')
    out.append(f'<text x="{left + pw / 2}" y="{height - 4}" fill="currentColor" text-anchor="middle">'
               f'{_esc(x)}</text>')
    if y_label:
        out.append(f'<text transform="translate(12 {top + ph / 2}) rotate(-90)" fill="currentColor" '
                   f'text-anchor="middle">{_esc(y_label)}</text>')
    for i, col in enumerate(ys):
        colour = PALETTE[i % len(PALETTE)]
        if kind == "bar":
            bw = max(1.0, pw / len(xs) * 0.8 / len(ys))
            for xv, yv in zip(xs, series[col], strict=True):
                if yv is not None:
                    top_y, base = sorted((py(yv), py(0.0)))
                    out.append(f'<rect x="{px(xv) - bw * len(ys) / 2 + i * bw:.1f}" y="{top_y:.1f}" '
                               f'width="{bw:.1f}" height="{max(base - top_y, 0.5):.1f}" fill="{colour}"/>')
            continue
        parts, current = [], []
        for xv, yv in zip(xs, series[col], strict=True):
            if yv is None:
                parts, current = ([*parts, current] if current else parts), []
            else:
                current.append(f"{px(xv):.1f},{py(yv):.1f}")
        parts = [*parts, current] if current else parts
        out.extend(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{" ".join(p)}"/>'
                   for p in parts)
    out.append("</svg>")
    return Chart("".join(out))


def _esc(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# ------------------------------------------------------------------ reading venue exports
# The formats themselves (fields per venue, envelopes, times, rates, intervals) live in
# perpcalc.venue_files, which the browser uses too: this layer only makes the table.


def read_funding_history(
    path_or_buffer: Any,
    venue: str,
    *,
    interval_hours: float | None = None,
    timezone: str | None = None,
) -> pd.DataFrame:
    """Read a venue's funding-history export into the tidy schema (see the module doc).

    ``path_or_buffer``: a path, a file object (text or bytes), the file's bytes, or the
    already-parsed JSON (a list or dict). JSON is recognised by a leading ``[`` or ``{``,
    anything else is read as CSV. ``interval_hours`` fixes the interval instead of
    inferring it. ``timezone`` is the zone of times written without one (the Binance website
    export writes the account's display time zone without saying which, e.g.
    ``timezone="Asia/Shanghai"`` or ``"UTC+8"``); such a file is refused without it. The
    APIs write UTC milliseconds and need none.

    Raises [`FundingFileError`][perpcalc.venue_files.FundingFileError] for a malformed file (naming column and
    line), and when the interval cannot be inferred (a single settlement and no ``interval_hours``).
    """
    venue = str(venue).strip().lower()
    if venue not in VENUES:
        raise FundingFileError(f"unknown venue {venue!r}; expected one of: {', '.join(VENUES)}", "venue")
    if interval_hours is not None and not (math.isfinite(interval_hours) and interval_hours > 0):
        raise FundingFileError("interval_hours must be a positive number of hours", "interval_hours")
    name = os.fspath(path_or_buffer) if isinstance(path_or_buffer, (str, os.PathLike)) else None
    rows = venue_files.read_funding_file(_load(path_or_buffer), venue, interval_hours=interval_hours,
                                         timezone=timezone, symbol=venue_files.symbol_from_name(name)).settlements
    frame = pd.DataFrame(
        {
            "time": pd.to_datetime([r.time for r in rows], utc=True),
            "venue": venue,
            "symbol": [r.symbol for r in rows],
            "interval_hours": [float(r.interval_hours) for r in rows],
            "rate": [float(r.rate) for r in rows],
        },
        columns=list(SCHEMA),
    )
    return frame.astype({"venue": str, "symbol": str, "rate": float, "interval_hours": float})


def read_funding_payments(path_or_buffer: Any, *, timezone: str | None = None) -> pd.DataFrame:
    """The funding payments of a venue's ledger, one row each: ``time`` (UTC), ``symbol``,
    ``amount`` (+ received, − paid; float) and ``asset``, oldest first.

    Other entries of the ledger (trades, fees, transfers) are left out. ``timezone`` is the
    zone of Binance's newer downloads, whose times carry none (``Time``, in the zone the
    account displays); a path whose file name gives it (``…(UTC+8)….csv``) needs none. Raises
    [`FileFormatError`][perpcalc.venue_files.FileFormatError] naming the file (when given a
    path), the line or record and the column, what the file is and what to download instead.
    """
    data = _load(path_or_buffer)
    name = os.path.basename(os.fspath(path_or_buffer)) if isinstance(path_or_buffer, (str, os.PathLike)) else None
    try:
        _fmt, rows = venue_files.read_payments(data, timezone=timezone or venue_files.zone_from_name(name))
    except FileFormatError as exc:
        if name is None:
            raise
        raise type(exc)(f"{name}: {exc}", exc.column, exc.line) from None
    rows = sorted(rows, key=lambda r: (r["time"], r["symbol"]))
    frame = pd.DataFrame(
        {
            "time": pd.to_datetime([r["time"] for r in rows], utc=True),
            "symbol": [r["symbol"] for r in rows],
            "amount": [float(r["amount"]) for r in rows],
            "asset": [r["asset"] for r in rows],
        }
    )
    return frame.astype({"symbol": str, "amount": float, "asset": str})


def _load(source: Any) -> bytes | str | list | dict:
    if isinstance(source, (list, dict, bytes, bytearray)):
        return source
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as fh:
                return fh.read()
        except OSError as exc:
            raise FundingFileError(f"cannot read {os.fspath(source)!r}: {exc.strerror or exc}") from None
    if hasattr(source, "read"):
        return source.read()
    raise FundingFileError("give a path, a file object, bytes, or parsed JSON (list or dict)")
