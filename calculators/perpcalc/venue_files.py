"""Reading a reader's own files: venue funding-history exports and positions CSV files.

Standard library only, so the browser (Pyodide, no pandas) and the optional pandas layer
[`perpcalc.frames`][perpcalc.frames] share one reading of every format: column names per
venue, response envelopes, times, rates and the inference of the funding interval.

Funding-history formats (JSON as the API returns it, envelope or bare list, or the same
records as CSV with the API's field names as the header):

* Binance USDⓈ-M ``GET /fapi/v1/fundingRate``: ``symbol``, ``fundingTime`` (ms),
  ``fundingRate`` (``markPrice`` is ignored); and the website's funding-history CSV
  export: ``Time``, ``Contracts``, ``Funding Interval``, ``Funding Rate`` (e.g.
  ``2025-06-18 16:00:00,BTCUSDT Perpetual,8h,0.003694%``).
* Bybit v5 ``GET /v5/market/funding/history``: ``symbol``, ``fundingRate``,
  ``fundingRateTimestamp`` (ms), inside ``{"result": {"list": [...]}}``.
* OKX ``GET /api/v5/public/funding-rate-history``: ``instId``, ``fundingTime`` (ms),
  ``realizedRate`` (the rate actually settled; ``fundingRate`` when it is missing),
  inside ``{"data": [...]}``.
* Hyperliquid ``POST /info`` ``{"type": "fundingHistory"}``: ``coin``, ``time`` (ms),
  ``fundingRate`` (per hour; ``premium`` is ignored).

The interval is taken from the file when it says (Binance's website export); otherwise it
is the time since the symbol's previous settlement, to the nearest minute, and the first
settlement takes the interval after it. A malformed file raises
[`FileFormatError`][perpcalc.venue_files.FileFormatError] naming the column and the line
(CSV, header = line 1) or the record (JSON, first = 1) at fault.

Example::

    >>> text = "symbol,fundingRate,fundingRateTimestamp\\n" \\
    ...        "ETHUSDT,0.0001,1714608000000\\nETHUSDT,-0.00005,1714579200000\\n"
    >>> [(s.time.isoformat(), s.interval_hours, str(s.rate)) for s in read_funding_history(text)]
    [('2024-05-01T16:00:00+00:00', 8.0, '-0.00005'), ('2024-05-02T00:00:00+00:00', 8.0, '0.0001')]
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from ._errors import InputError
from ._spec import get
from .parse import cell_text, coerce, rows_to_text
from .venues import EXPORT_FORMATS
from .venues import VENUES as _RECORDS

__all__ = [
    "FILE_KINDS",
    "VENUES",
    "FileFormatError",
    "FundingFileError",
    "Record",
    "Settlement",
    "decode",
    "detect_venue",
    "funding_inputs",
    "import_file",
    "import_file_json",
    "parse_rate",
    "parse_time",
    "read_funding_history",
    "read_positions",
    "read_records",
    "settlements",
]

#: the venues whose funding-history files are read (their records' ``export``), in display order
VENUES = tuple(EXPORT_FORMATS)
FILE_KINDS = ("funding_history", "positions")

# venue -> (symbol field, time field, rate fields in order of preference)
API_FIELDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    k: (f.symbol, f.time, f.rates) for k, f in EXPORT_FORMATS.items()
}
_DETECT = sorted(EXPORT_FORMATS.items(), key=lambda kf: kf[1].detect_order)
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(h|hr|hrs|hours?)?\s*$", re.I)
_MS_FROM, _MS_TO = 946_684_800_000, 4_102_444_800_000  # 2000-01-01 .. 2100-01-01
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d")

Progress = Callable[[int, int], Any]


class FileFormatError(ValueError):
    """A file that cannot be read.

    ``column`` names the field at fault (``None`` when it is the file as a whole) and
    ``line`` the CSV line (header = line 1) or the JSON record (first = 1), when known.
    """

    def __init__(self, message: str, column: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.column = column
        self.line = line


class FundingFileError(FileFormatError):
    """A funding-history file that cannot be read (see ``FileFormatError``)."""


@dataclass(frozen=True)
class Record:
    """One settlement as the file gives it, before sorting and interval inference."""

    time: datetime
    symbol: str
    rate: Decimal
    given_hours: float | None
    line: int


@dataclass(frozen=True)
class Settlement:
    """One funding settlement: UTC time, symbol, the interval it covers and its rate.

    ``rate`` is the fraction per interval (+ = longs pay shorts); ``line`` is where the
    file held it (CSV line or JSON record)."""

    time: datetime
    symbol: str
    interval_hours: float
    rate: Decimal
    line: int


# ------------------------------------------------------------------ text and JSON


def decode(raw: bytes | str) -> str | list | dict:
    """A file's content as text (CSV) or parsed JSON (a leading ``[`` or ``{``).

    Raises ``FileFormatError`` for bytes that are not UTF-8, for binary content (NUL
    characters) and for invalid JSON (naming its line).

    >>> decode(b'\\xef\\xbb\\xbf[{"a": 1}]')
    [{'a': 1}]
    >>> decode("Time,Funding Rate\\n")
    'Time,Funding Rate\\n'
    """
    if isinstance(raw, (bytes, bytearray, memoryview)):
        try:
            raw = bytes(raw).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FileFormatError(f"the file is not UTF-8 text (byte {exc.start})") from None
    text = raw.lstrip("\ufeff")
    if "\x00" in text:
        raise FileFormatError("the file is binary, not text (it holds NUL bytes)")
    head = text.lstrip()[:1]
    if head in ("[", "{"):
        _check_depth(text)
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise FileFormatError(
                f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", line=exc.lineno
            ) from None
        except RecursionError:
            raise FileFormatError("invalid JSON: nested too deeply") from None
    return text


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_OPENS = re.compile(r"[\[{]+")
MAX_JSON_DEPTH = 32


def _check_depth(text: str) -> None:
    """Refuse JSON nested deeper than ``MAX_JSON_DEPTH`` before parsing it: the parser
    recurses, and in the browser a deep enough file exhausts the stack of the WebAssembly
    runtime itself (a fatal error, not an exception). Venue exports nest 3 levels."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    for _ in range(MAX_JSON_DEPTH):  # strip the innermost pairs, one level a round
        shorter = brackets.replace("[]", "").replace("{}", "")
        if shorter == brackets:
            break
        brackets = shorter
    # what is left: pairs deeper than the limit, or brackets never closed (which the parser
    # would also recurse into before finding the file cut short)
    deep = brackets.replace("[]", "").replace("{}", "") != brackets
    if deep or max(map(len, _OPENS.findall(brackets)), default=0) > MAX_JSON_DEPTH:
        raise FileFormatError(f"invalid JSON: nested more than {MAX_JSON_DEPTH} levels deep")


def _keys(data: Any) -> set[str]:
    if isinstance(data, str):
        first = next(csv.reader(io.StringIO(data[:4096])), [])
        return {h.strip().lower() for h in first}
    if isinstance(data, dict):
        if isinstance(data.get("result"), dict):
            return _keys(data["result"].get("list"))
        if "data" in data:
            return _keys(data["data"])
        return {str(k).lower() for k in data}
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return {str(k).lower() for k in data[0]}
    return set()


def detect_venue(data: str | list | dict) -> str:
    """The venue whose funding-history format ``data`` (from ``decode``) is in.

    >>> detect_venue([{"coin": "BTC", "fundingRate": "0.00001", "time": 1725148800000}])
    'hyperliquid'
    >>> detect_venue("Time,Contracts,Funding Interval,Funding Rate\\n")
    'binance'
    """
    if isinstance(data, str) and not data.strip():
        raise FundingFileError("the file is empty")
    if isinstance(data, dict):
        for venue, fmt in _DETECT:
            if fmt.envelope is not None and all(k in data for k in fmt.envelope.markers):
                return venue
    keys = _keys(data)
    for venue, fmt in _DETECT:
        if any(sig <= keys for sig in fmt.signatures):
            return venue
    if isinstance(data, dict):
        for venue, fmt in _DETECT:
            if fmt.error_keys and all(k in data for k in fmt.error_keys):
                return venue  # an error response; reading it says so
    if isinstance(data, list) and not data:
        raise FundingFileError("the file holds no funding records")
    shown = ", ".join(sorted(keys)[:8]) or "none"
    raise FundingFileError(
        "this is not a funding history from Binance, Bybit, OKX or Hyperliquid (the fields found: "
        f"{shown[:160]})"
    )


# ------------------------------------------------------------------ records


def _unwrap(data: Any, venue: str) -> list:
    """The list of records inside a venue's response envelope (or the bare list)."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise FundingFileError("expected a JSON list of records or the venue's response object")
    fmt = EXPORT_FORMATS[venue]
    env, name = fmt.envelope, _RECORDS[venue].name
    if env is not None and env.path.split(".")[0] in data:
        if str(data.get(env.status, env.ok)) != env.ok:
            raise FundingFileError(f"{name} returned an error: {data.get(env.message) or data.get(env.status)}",
                                   env.status)
        found: Any = data
        for part in env.path.split("."):
            found = found.get(part) if isinstance(found, dict) else None
        if not isinstance(found, list):
            raise FundingFileError(f"{name} response has no {env.path}", env.path)
        return found
    code, msg = fmt.error_keys or ("code", "msg")
    if code in data and msg in data:  # a bare error object
        raise FundingFileError(f"the file is an error response: {data[msg]} (code {data[code]})", code)
    expected = env.path if env is not None else "a list of records"
    raise FundingFileError(f"expected {expected} in the {venue} response")


def _too_many(count: int, limit: int | None) -> None:
    if limit is not None and count > limit:
        raise FundingFileError(f"the file holds more than {limit:,} settlements, the most a calculator takes")


def read_records(
    data: str | list | dict,
    venue: str,
    timezone: str = "UTC",
    *,
    max_records: int | None = None,
    progress: Progress | None = None,
) -> list[Record]:
    """The settlements of a decoded file, in file order (see ``read_funding_history``)."""
    tz = _zone(timezone)
    if isinstance(data, str):
        return _csv_records(data, venue, tz, max_records, progress)
    rows = _unwrap(data, venue)
    _too_many(len(rows), max_records)
    out = []
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise FundingFileError(f"record {i} is not an object", line=i)
        out.append(_api_record(row, venue, tz, i, "record"))
        if progress is not None and i % 10_000 == 0:
            progress(i, len(rows))
    return out


def _csv_records(text: str, venue: str, tz: tzinfo | None, limit: int | None, progress: Progress | None) -> list:
    if limit is not None and text.count("\n") > 2 * (limit + 1):  # refuse a million-line file unread
        _too_many(limit + 1, limit)
    reader = csv.reader(io.StringIO(text))
    try:
        try:
            header = next(reader)
        except StopIteration:
            raise FundingFileError("the file is empty") from None
        header = [h.strip() for h in header]
        lowered = [h.lower() for h in header]
        # the venue's website export (Time, Contracts, Funding Interval, Funding Rate)
        web = bool(EXPORT_FORMATS[venue].web_header) and "time" in lowered and "funding rate" in lowered
        total = text.count("\n")
        out = []
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise FundingFileError(f"line {line} has {len(row)} fields, the header has {len(header)}", line=line)
            record = dict(zip(header, row, strict=True))
            out.append(_web_record(record, tz, line) if web else _api_record(record, venue, tz, line, "line"))
            _too_many(len(out), limit)
            if progress is not None and line % 10_000 == 0:
                progress(line, total)
    except csv.Error as exc:
        raise FundingFileError(f"line {reader.line_num} is not readable as CSV ({exc})", line=reader.line_num) \
            from None
    return out


def _field(row: Mapping[str, Any], name: str, where: str, line: int) -> Any:
    if name in row:
        value = row[name]
    else:
        match = [k for k in row if isinstance(k, str) and k.strip().lower() == name.lower()]
        if not match:
            raise FundingFileError(f"{where} {line}: no {name!r} field", name, line)
        value = row[match[0]]
    if value is None or (isinstance(value, str) and not value.strip()):
        raise FundingFileError(f"{where} {line}: {name} is empty", name, line)
    return value


def _api_record(row: Mapping[str, Any], venue: str, tz: tzinfo | None, line: int, where: str) -> Record:
    sym_f, time_f, rate_fs = API_FIELDS[venue]
    rate_f = rate_fs[0] if len(rate_fs) == 1 else next(
        (f for f in rate_fs if any(isinstance(k, str) and k.lower() == f.lower() and str(v).strip()
                                   for k, v in row.items())),
        rate_fs[-1],
    )
    symbol = str(_field(row, sym_f, where, line)).strip()
    when = parse_time(_field(row, time_f, where, line), time_f, line, where, tz)
    rate = parse_rate(_field(row, rate_f, where, line), rate_f, line, where)
    return Record(when, symbol, rate, None, line)


def _web_record(row: Mapping[str, Any], tz: tzinfo | None, line: int) -> Record:
    when = parse_time(_field(row, "Time", "line", line), "Time", line, "line", tz)
    symbol = str(_field(row, "Contracts", "line", line)).strip()
    symbol = re.sub(r"\s+perpetual$", "", symbol, flags=re.I).strip()
    rate = parse_rate(_field(row, "Funding Rate", "line", line), "Funding Rate", line, "line")
    interval = None
    if any(k.strip().lower() == "funding interval" for k in row):
        text = str(_field(row, "Funding Interval", "line", line))
        m = _INTERVAL.match(text)
        if not m or float(m.group(1)) <= 0:
            raise FundingFileError(f"line {line}: Funding Interval {text[:30]!r} is not a number of hours like 8h",
                                   "Funding Interval", line)
        interval = float(m.group(1))
    return Record(when, symbol, rate, interval, line)


def parse_rate(value: Any, column: str, line: int, where: str = "line") -> Decimal:
    """A rate as a fraction: ``"0.0001"`` or ``"0.01%"``; ``|rate| ≤ 1``.

    >>> parse_rate("-0.001752%", "Funding Rate", 2)
    Decimal('-0.00001752')
    """
    if isinstance(value, bool):
        raise FundingFileError(f"{where} {line}: {column} is true/false, not a rate", column, line)
    text = str(value).strip().replace("\u2212", "-")
    scale = Decimal(1)
    if text.endswith("%"):
        text, scale = text[:-1].strip(), Decimal("0.01")
    try:
        number = Decimal(text[:60]) * scale if len(text) <= 60 else Decimal("nan")
    except InvalidOperation:
        raise FundingFileError(f"{where} {line}: {column} {str(value)[:30]!r} is not a number", column, line) from None
    if not number.is_finite() or abs(number) > 1:
        raise FundingFileError(f"{where} {line}: {column} {str(value)[:30]!r} is not a rate (|rate| ≤ 1 = 100 %)",
                               column, line)
    return number


def _zone(name: str) -> tzinfo | None:
    """The time zone for times written without one (``None`` = UTC)."""
    if str(name).strip().upper() in ("UTC", "Z", "ETC/UTC"):
        return None
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(str(name))
    except Exception:  # unknown name, malformed key, no time-zone database
        raise FundingFileError(f"unknown time zone {name!r}", "timezone") from None


def parse_time(value: Any, column: str, line: int, where: str = "line", tz: tzinfo | None = None) -> datetime:
    """A settlement time in UTC: epoch milliseconds (2000–2100) or a date and time.

    Times written without a zone are in ``tz`` (``None`` = UTC).

    >>> parse_time("1725148800048", "time", 1, "record").isoformat()
    '2024-09-01T00:00:00.048000+00:00'
    >>> parse_time("2025-06-18 16:00:00", "Time", 2).isoformat()
    '2025-06-18T16:00:00+00:00'
    """
    bad = FundingFileError(
        f"{where} {line}: {column} {str(value)[:40]!r} is not a time (epoch milliseconds or a date like "
        "2024-01-01 08:00:00)", column, line
    )
    if isinstance(value, bool):
        raise bad
    text = str(value).strip()
    if isinstance(value, (int, float)) or text.isdigit():
        try:
            ms = int(text) if text.isdigit() else int(value)
        except (ValueError, OverflowError):
            raise bad from None
        if not _MS_FROM <= ms <= _MS_TO:
            raise FundingFileError(f"{where} {line}: {column} {text[:20]} is not epoch milliseconds between 2000 "
                                   "and 2100", column, line)
        return _EPOCH + timedelta(milliseconds=ms)
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    when = None
    if len(iso) <= 40:
        try:
            when = datetime.fromisoformat(iso)
        except ValueError:
            for fmt in _TIME_FORMATS:
                try:
                    when = datetime.strptime(iso, fmt)
                    break
                except ValueError:
                    continue
    if when is None:
        raise bad
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz or UTC)
    return when.astimezone(UTC)


# ------------------------------------------------------------------ settlements


def settlements(records: Sequence[Record], fixed_hours: float | None = None) -> list[Settlement]:
    """Records sorted by symbol then time, duplicates dropped, each with its interval.

    The same settlement twice (overlapping pages) is kept once; two different rates for
    it are an error. The interval is ``fixed_hours`` when given, else the file's own
    (Binance's website export), else inferred from the time since the previous
    settlement (to the minute; the first takes the interval after it).
    """
    groups: dict[tuple[str, datetime], list[Record]] = {}
    for r in records:
        groups.setdefault((r.symbol, r.time), []).append(r)
    clashes = sorted(k for k, g in groups.items() if len({float(r.rate) for r in g}) > 1)
    if clashes:
        sym, when = clashes[0]
        lines = [r.line for r in groups[clashes[0]]]
        raise FundingFileError(
            f"two different rates for {sym} at {when:%Y-%m-%d %H:%M} UTC (lines/records {lines[0]} and "
            f"{lines[1]})", "rate", lines[1],
        )
    unique = sorted((g[0] for g in groups.values()), key=lambda r: (r.symbol, r.time))
    out: list[Settlement] = []
    start = 0
    while start < len(unique):
        end = start
        while end < len(unique) and unique[end].symbol == unique[start].symbol:
            end += 1
        out.extend(_with_intervals(unique[start:end], fixed_hours))
        start = end
    return out


def _with_intervals(part: Sequence[Record], fixed: float | None) -> list[Settlement]:
    if fixed is not None:
        hours = [float(fixed)] * len(part)
    elif all(r.given_hours is not None for r in part):
        hours = [float(r.given_hours) for r in part]  # type: ignore[arg-type]
    else:
        sym = part[0].symbol
        if len(part) < 2:
            raise FundingFileError(
                f"only one settlement for {sym}: pass interval_hours= (the interval cannot be inferred)",
                "interval_hours",
            )
        gaps = [round((b.time - a.time).total_seconds() / 60) / 60 for a, b in pairwise(part)]
        inferred = [gaps[0], *gaps]
        for r, h in zip(part, inferred, strict=True):
            if h <= 0:
                raise FundingFileError(
                    f"{sym}: two settlements less than a minute apart (line/record {r.line}); pass interval_hours=",
                    "time", r.line,
                )
        hours = [r.given_hours if r.given_hours is not None else h for r, h in zip(part, inferred, strict=True)]
    return [Settlement(r.time, r.symbol, h, r.rate, r.line) for r, h in zip(part, hours, strict=True)]


def read_funding_history(
    data: bytes | str | list | dict,
    venue: str | None = None,
    *,
    interval_hours: float | None = None,
    timezone: str = "UTC",
    max_records: int | None = None,
    progress: Progress | None = None,
) -> list[Settlement]:
    """Read a venue's funding-history export (see the module doc) into settlements.

    Parameters
    ----------
    data : bytes, str, list or dict
        The file's bytes or text, or its already-parsed JSON.
    venue : str, optional
        ``binance``, ``bybit``, ``okx`` or ``hyperliquid``; recognised from the file's
        fields when omitted.
    interval_hours : float, optional
        Fixes the interval instead of reading or inferring it.
    timezone : str
        Applies to times written without a zone (Binance's website export).
    max_records : int, optional
        Refuse files with more settlements (a million-line file is refused unread).
    progress : callable, optional
        Called as ``progress(done, total)`` every 10,000 lines or records.

    Returns
    -------
    list of Settlement
        Sorted by symbol, then time.

    Raises
    ------
    FundingFileError
        For a malformed file, naming column and line (or record).
    """
    if interval_hours is not None and not (interval_hours == interval_hours and 0 < interval_hours < float("inf")):
        raise FundingFileError("interval_hours must be a positive number of hours", "interval_hours")
    try:
        decoded = data if isinstance(data, (list, dict)) else decode(data)
    except FundingFileError:
        raise
    except FileFormatError as exc:
        raise FundingFileError(str(exc), exc.column, exc.line) from None
    if venue is None:
        venue = detect_venue(decoded)
    venue = str(venue).strip().lower()
    if venue not in VENUES:
        raise FundingFileError(f"unknown venue {venue!r}; expected one of: {', '.join(VENUES)}", "venue")
    records = read_records(decoded, venue, timezone, max_records=max_records, progress=progress)
    if not records:
        raise FundingFileError(f"the {venue} file holds no funding records")
    return settlements(records, interval_hours)


def funding_inputs(rows: Sequence[Settlement]) -> tuple[dict[str, str], str]:
    """Calculator inputs (``rates`` as CSV text, ``interval_hours``, ``start``) and a sentence
    describing them, from the settlements of one symbol.

    The calculators take one fixed interval: the most common one is used, and the
    sentence says so when the file's intervals vary.

    >>> s = read_funding_history('[{"coin": "BTC", "fundingRate": "0.0000125", "time": 1725148800000},'
    ...                          ' {"coin": "BTC", "fundingRate": "-0.00001", "time": 1725152400000}]')
    >>> funding_inputs(s)[0]
    {'rates': 'rate\\n0.0000125\\n-0.00001', 'interval_hours': '1', 'start': '2024-09-01T00:00Z', 'source': 'input'}
    """
    symbols = sorted({r.symbol for r in rows})
    if len(symbols) != 1:
        shown = ", ".join(symbols[:5]) + (", …" if len(symbols) > 5 else "")
        raise FundingFileError(f"the file holds {len(symbols)} symbols ({shown}): export one symbol at a time",
                               "symbol")
    counts = Counter(r.interval_hours for r in rows)
    interval = counts.most_common(1)[0][0]
    values = {
        "rates": "rate\n" + "\n".join(cell_text(r.rate) for r in rows),
        "interval_hours": cell_text(interval),
        "start": rows[0].time.strftime("%Y-%m-%dT%H:%MZ"),
        "source": "input",
    }
    first, last = rows[0].time, rows[-1].time
    text = (f"{len(rows):,} settlements of {symbols[0]}, {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} UTC, "
            f"every {cell_text(interval)} h.")
    if len(counts) > 1:
        others = ", ".join(f"{cell_text(h)} h" for h, _ in counts.most_common()[1:4])
        text += (f" The file's intervals vary (also {others}: shortened at the cap, or a gap); the calculator "
                 f"takes one, the most common.")
    return values, text


# ------------------------------------------------------------------ positions


def read_positions(data: bytes | str, columns: Sequence[Any], *, max_rows: int = 100_000,
                   progress: Progress | None = None) -> list[dict[str, str]]:
    """Rows of a positions CSV file whose header names the list field's ``columns``.

    Each cell is checked the way the calculator checks it; an error names the line
    (header = line 1) and the column.

    >>> cols = get("adl_ranking").field("positions").columns
    >>> read_positions("id,side,size,entry_price,mark_price,margin\\nA,long,1,100,110,10\\n", cols)
    [{'id': 'A', 'side': 'long', 'size': '1', 'entry_price': '100', 'mark_price': '110', 'margin': '10'}]
    """
    text = decode(data) if not isinstance(data, str) or data[:1] == "\ufeff" else data
    if not isinstance(text, str):
        raise FileFormatError("a positions file is CSV text with a header line, not JSON")
    if text.count("\n") > 2 * (max_rows + 1):
        raise FileFormatError(f"the file holds more than {max_rows:,} positions, the most a calculator takes")
    by_name = {c.name: c for c in columns}
    reader = csv.reader(io.StringIO(text), skipinitialspace=True)
    rows: list[dict[str, str]] = []
    total = text.count("\n")
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        if not any(header):
            raise FileFormatError("the file is empty")
        for h in header:
            if h not in by_name:
                raise FileFormatError(f"line 1: unknown column {h[:30]!r}; the columns are {', '.join(by_name)}", h, 1)
        for c in columns:
            if c.required and c.name not in header:
                raise FileFormatError(f"line 1: the column {c.name!r} is missing", c.name, 1)
        for raw in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in raw):
                continue
            if len(raw) != len(header):
                raise FileFormatError(f"line {line} has {len(raw)} fields, the header has {len(header)}", line=line)
            row = {h: v.strip() for h, v in zip(header, raw, strict=True)}
            for h, v in row.items():
                c = by_name[h]
                if not v:
                    if c.required:
                        raise FileFormatError(f"line {line}, column {h}: empty", h, line)
                    continue
                try:
                    coerce(c, v)
                except InputError as exc:
                    raise FileFormatError(f"line {line}, column {h}: {exc.message}", h, line) from None
            rows.append(row)
            if len(rows) > max_rows:
                raise FileFormatError(f"the file holds more than {max_rows:,} positions, the most a calculator takes")
            if progress is not None and line % 10_000 == 0:
                progress(line, total)
    except csv.Error as exc:
        raise FileFormatError(f"line {reader.line_num} is not readable as CSV ({exc})", line=reader.line_num) from None
    if not rows:
        raise FileFormatError("the file holds no positions (only a header line)")
    return rows


# ------------------------------------------------------------------ into a calculator's form


def import_file(calculator: str, field: str, data: bytes | str, progress: Progress | None = None) -> dict[str, Any]:
    """Form values for a calculator from a reader's file dropped on its ``field``.

    Returns ``{"values": {field name: form text}, "message": sentence}``: the funding
    history's rates (with ``interval_hours``, ``start`` and ``source`` where the calculator
    has them), or the positions as CSV text. Raises ``FileFormatError``.
    """
    calc = get(calculator)
    f = calc.field(field)
    if "funding_history" in f.accepts:
        rows = read_funding_history(data, max_records=f.max_items, progress=progress)
        values, message = funding_inputs(rows)
        names = {i.name for i in calc.inputs}
        values = {(field if k == "rates" else k): v for k, v in values.items() if k in names or k == "rates"}
        return {"values": values, "message": message}
    if "positions" in f.accepts:
        positions = read_positions(data, f.columns, max_rows=f.max_items, progress=progress)
        return {"values": {field: rows_to_text(f, positions)}, "message": f"{len(positions):,} positions."}
    raise FileFormatError(f"{calculator}.{field} takes no file", field)


def import_file_json(calculator: str, field: str, data: bytes | str, progress: Progress | None = None) -> str:
    """``import_file`` as JSON for the browser's worker; never raises.

    ``{"ok": true, "values": …, "message": …}`` or ``{"ok": false, "error": {"field",
    "message", "column", "line"}}`` with the error in plain words.
    """
    try:
        out: dict[str, Any] = {"ok": True, **import_file(calculator, field, data, progress)}
    except FileFormatError as exc:
        out = {"ok": False, "error": {"field": field, "message": str(exc), "column": exc.column, "line": exc.line}}
    except (InputError, KeyError, ValueError, RecursionError, MemoryError) as exc:
        out = {"ok": False, "error": {"field": field, "message": f"the file cannot be read: {str(exc)[:200]}",
                                      "column": None, "line": None}}
    return json.dumps(out, ensure_ascii=False)
