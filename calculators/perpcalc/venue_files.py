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
* Read field by field (``READERS``, each venue's ``FieldReader``): Binance's public-data monthly funding CSV
  (``calc_time``, ``funding_interval_hours``, ``last_funding_rate``; the symbol is in the
  file's name), Hyperliquid ``userFunding`` (rates under ``delta``), dYdX v4's indexer
  ``historicalFunding``, Deribit ``public/get_funding_rate_history`` (``interest_1h``,
  hourly) and ccxt's ``fetch_funding_rate_history`` output saved as JSON.

A format is recognised by its whole set of fields (``FUNDING_FORMATS``: the ``funding_files`` of
each venue's record in [`perpcalc.venues`][perpcalc.venues], and ccxt's format); a file that is
none of them is named when it is a known other file (an account statement, a payment
ledger, a deposit history). API pages appended into one file are read as one history.
Spreadsheets' versions are read too: UTF-16 text, semicolon or tab separators with
decimal commas, US or day-first slash dates; times rewritten in scientific notation are
refused, and rates rounded to 0.01 % are warned of. Times written without a zone are read
in the ``timezone`` given (the page passes the reader's choice, by default the browser's).

Payment ledgers (``PAYMENT_FORMATS``, the venues' ``payment_files``; ``read_payments``): Binance
``GET /fapi/v1/income`` (``FUNDING_FEE``), Binance's futures Transaction History CSV export
(``Date(UTC)``, ``type``, ``Amount``, ``Asset``, ``Symbol``, ``Transaction ID``; newer downloads
write ``Time`` in the zone the account displays, named in the file's name, ``…(UTC+8).csv``),
Binance's account statement, Bybit's transaction log and OKX's bills.

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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from datetime import timezone as _fixed_zone
from decimal import Decimal, InvalidOperation
from itertools import pairwise, repeat
from typing import Any

from ._errors import InputError
from ._spec import get
from .parse import (
    Columns,
    _typed_column,
    cell_text,
    coerce,
    parse_decimal,
    rows_from_columns,
    rows_to_text,
    shown,
)
from .venues import EXPORT_FORMATS, FUNDING_FILES, PAYMENT_FILES, FieldReader, FundingFile
from .venues import VENUES as _RECORDS

__all__ = [
    "FILE_KINDS",
    "VENUES",
    "FileFormatError",
    "FundingFileError",
    "FundingRead",
    "Record",
    "Settlement",
    "decode",
    "detect_format",
    "detect_payments",
    "detect_venue",
    "funding_inputs",
    "import_file",
    "import_file_json",
    "parse_rate",
    "parse_time",
    "read_funding_file",
    "read_funding_history",
    "read_payments",
    "read_positions",
    "read_records",
    "settlements",
    "symbol_from_name",
    "usual_interval_hours",
]

FILE_KINDS = ("funding_history", "positions", "funding_payments", "rate_history")

#: ccxt's ``fetch_funding_rate_history`` output saved as JSON: the library's unified structure
#: (``info``, ``symbol``, ``fundingRate``, ``timestamp``, ``datetime``), whatever the venue
CCXT = FundingFile(key="ccxt", what="ccxt's fetch_funding_rate_history output",
                   fields=frozenset({"symbol", "fundingrate", "timestamp", "datetime"}), detect_order=10,
                   reader=FieldReader(path=(), symbol="symbol", time="timestamp", rate="fundingRate", interval=None))

#: format -> (the venue it is read as, the file): every venue's funding-rate history files, then
#: ccxt's, in the order they are tried (``detect_order``)
FUNDING_FORMATS: dict[str, tuple[str, FundingFile]] = dict(
    sorted({**FUNDING_FILES, CCXT.key: (CCXT.key, CCXT)}.items(), key=lambda item: item[1][1].detect_order))
#: the venues (and ccxt) whose funding-history files are read, in the order of their first format
VENUES = tuple(dict.fromkeys(venue for venue, _ in FUNDING_FORMATS.values()))
#: the formats read field by field, by format key
READERS: dict[str, FieldReader] = {k: f.reader for k, (_, f) in FUNDING_FORMATS.items() if f.reader is not None}
#: each venue's funding-rate API format: the first of its files read through its ``ExportFormat``
#: (the others so read are its website exports)
_API_FORMAT: dict[str, str] = {v: k for k, (v, f) in reversed(FUNDING_FORMATS.items()) if f.reader is None}

# venue -> (symbol field, time field, rate fields in order of preference)
API_FIELDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    k: (f.symbol, f.time, f.rates) for k, f in EXPORT_FORMATS.items()
}
#: the header of a website CSV export (Binance's; see ``ExportFormat.web_header``)
WEB_HEADER = next(f.web_header for f in EXPORT_FORMATS.values() if f.web_header)

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(h|hr|hrs|hours?)?\s*$", re.I)
_MS_FROM, _MS_TO = 946_684_800_000, 4_102_444_800_000  # 2000-01-01 .. 2100-01-01
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y")
# a spreadsheet's own dates: 6/18/2025 16:00 (US, month first) or 18/6/2025 16:00 (day first)
_SLASH_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?\s*$")
_SCIENTIFIC = re.compile(r"^\s*[+-]?\d(?:[.,]\d+)?[eE]\+?\d+\s*$")
_DECIMAL_COMMA = re.compile(r"^\s*[+-\u2212]?\d{1,3}(?:\.\d{3})*,\d+\s*%?\s*$|^\s*[+-\u2212]?\d+,\d+\s*%?\s*$"
                            r"|^\s*[+-\u2212]?\d{1,3}(?:\.\d{3})+\s*$")  # 0,01 % · 65.000,5 · 1.000
_ROUNDED_PERCENT = re.compile(r"^\s*[+-\u2212]?\d+(?:\.\d{1,2})?\s*%\s*$")

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
    zoneless: bool = False


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
        raw = _bytes_to_text(bytes(raw))
    text = raw.lstrip("\ufeff")
    if "\x00" in text:
        raise FileFormatError("the file is binary, not text (it holds NUL bytes)")
    head = text.lstrip()[:1]
    if head in ("[", "{"):
        _check_depth(text)
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            if exc.msg == "Extra data":
                return _join_pages(text)
            raise FileFormatError(
                f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", line=exc.lineno
            ) from None
        except RecursionError:
            raise FileFormatError("invalid JSON: nested too deeply") from None
        except ValueError:  # an integer of more than 4,300 digits
            raise FileFormatError("invalid JSON: it holds a number of more than 4,300 digits") from None
    return text


def _bytes_to_text(raw: bytes) -> str:
    """UTF-8 (with or without a BOM) or UTF-16, as spreadsheets save "Unicode text": with
    its BOM, or without one when every other byte of the start is NUL (plain ASCII text)."""
    encoding = "utf-8-sig"
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
    elif len(raw) >= 4 and raw[1:64:2].count(0) == len(raw[1:64:2]) and raw[0:64:2].count(0) == 0:
        encoding = "utf-16-le"
    elif len(raw) >= 4 and raw[0:64:2].count(0) == len(raw[0:64:2]) and raw[1:64:2].count(0) == 0:
        encoding = "utf-16-be"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        what = "UTF-8" if encoding == "utf-8-sig" else "UTF-16"
        raise FileFormatError(f"the file is not {what} text (byte {exc.start}); save it as CSV UTF-8") from None


_PAGE_LISTS = (("result", "list"), ("data",), ("historicalFunding",), ("result",))


def _join_pages(text: str) -> list | dict:
    """Several JSON documents one after another (API pages saved into one file, or JSON
    Lines): their records as one response. The pages may overlap (settlements dedupes).

    >>> _join_pages('[{"a": 1}]\\n[{"a": 2}]')
    [{'a': 1}, {'a': 2}]
    >>> _join_pages('{"code": "0", "data": [{"a": 1}]}{"code": "0", "data": [{"a": 2}]}')
    {'code': '0', 'data': [{'a': 1}, {'a': 2}]}
    """
    decoder = json.JSONDecoder()
    pages: list[Any] = []
    at = 0
    while True:
        while at < len(text) and text[at] in " \t\r\n,":
            at += 1
        if at >= len(text):
            break
        try:
            value, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            raise FileFormatError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                                  line=exc.lineno) from None
        pages.append(value)
    if all(isinstance(p, list) for p in pages):
        return [r for p in pages for r in p]
    if all(isinstance(p, dict) for p in pages):
        if all(not any(isinstance(v, (list, dict)) for v in p.values()) for p in pages):
            return pages  # JSON Lines: one record a line
        for path in _PAGE_LISTS:
            lists = [_at_path(p, path) for p in pages]
            if all(isinstance(x, list) for x in lists):
                joined = json.loads(json.dumps(pages[0]))
                _at_path(joined, path[:-1])[path[-1]] = [r for x in lists for r in x]  # type: ignore[index]
                return joined
    raise FileFormatError(f"the file holds {len(pages)} JSON documents one after another that are not pages of one "
                          "funding history")


def _at_path(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


_ESCAPE = re.compile(r"\\.", re.S)
_JSON_STRING = re.compile(r'"[^"]*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_OPENS = re.compile(r"[\[{]+")
MAX_JSON_DEPTH = 32


def _check_depth(text: str) -> None:
    """Refuse JSON nested deeper than ``MAX_JSON_DEPTH`` before parsing it: the parser
    recurses, and in the browser a deep enough file exhausts the stack of the WebAssembly
    runtime itself (a fatal error, not an exception). Venue exports nest 3 levels.

    Linear in the size of the text: escapes (a backslash and the character after it) go
    first, so that a string is a quote, anything but a quote, and a quote; neither pattern
    can rescan text it has passed (a string regex that allows escapes rescans the rest of
    the file from every escaped quote of an unclosed string: quadratic).

    >>> _check_depth('{"a": [[1, "]]]]"], {"b": "\\\\"}]}')
    >>> _check_depth("[" * 33 + "]" * 33)
    Traceback (most recent call last):
    ...
    perpcalc.venue_files.FileFormatError: invalid JSON: nested more than 32 levels deep
    """
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", _ESCAPE.sub("", text)))
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


def _lines(text: str) -> io.StringIO:
    """CSV text to read with any line ends: LF, CRLF or CR alone (Excel for Mac's "CSV
    (Macintosh)")."""
    return io.StringIO(text, newline=None)


def _line_count(text: str) -> int:
    return max(text.count("\n"), text.count("\r"))


def _delimiter(text: str) -> str:
    """The CSV separator of ``text``, from its first line: a comma, or the semicolon of a
    spreadsheet saved where the decimal mark is a comma, or the tab of "Unicode text"."""
    first = re.split(r"\r\n|\r|\n", text[:4096], maxsplit=1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _keys(data: Any) -> set[str]:
    if isinstance(data, str):
        try:
            first = next(csv.reader(_lines(data.lstrip()[:4096]), delimiter=_delimiter(data.lstrip())), [])
        except csv.Error as exc:
            raise FundingFileError(f"line 1 is not readable as CSV ({exc})", line=1) from None
        return {h.strip().lower() for h in first}
    if isinstance(data, dict):
        if isinstance(data.get("result"), dict):
            return _keys(data["result"].get("list"))
        if isinstance(data.get("result"), list):
            return _keys(data["result"])
        if isinstance(data.get("historicalFunding"), list):
            return _keys(data["historicalFunding"])
        if "data" in data:
            return _keys(data["data"])
        return {str(k).lower() for k in data}
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return {str(k).lower() for k in data[0]}
    return set()


_RATES_ADVICE = (
    "download a funding-rate history instead: Binance's Funding Rate History page (Export) or GET "
    "/fapi/v1/fundingRate, Bybit GET /v5/market/funding/history, OKX GET /api/v5/public/funding-rate-history or "
    "Hyperliquid's fundingHistory"
)

# Files readers take for a funding history that are something else: (the fields they always
# have, what the file is). Their shapes: Binance's "Generate all statements" CSV (header as
# tax tools that read it list it), Binance GET /fapi/v1/income, Bybit GET
# /v5/account/transaction-log, OKX GET /api/v5/account/bills, venues' deposit histories.
OTHER_FILES: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"user_id", "utc_time", "account", "operation", "coin", "change"}),
     "a Binance account statement (transaction records: payments and transfers, not rates; read its funding "
     "payments in Your funding payments)"),
    (frozenset({"incometype", "income", "asset", "time"}),
     "a Binance income history (GET /fapi/v1/income: payments, not rates; use it in Your funding payments)"),
    (frozenset({"type", "amount", "asset", "symbol", "transaction id"}),
     "a Binance futures transaction history (the website's Transaction History export: payments, not rates; "
     "use it in Your funding payments)"),
    (frozenset({"time", "account", "operation", "coin", "change"}),
     "a Binance account statement (transaction records: payments and transfers, not rates; read its funding "
     "payments in Your funding payments)"),
    (frozenset({"transactiontime", "cashflow", "funding"}),
     "a Bybit transaction log (payments, not rates; use it in Your funding payments)"),
    (frozenset({"billid", "subtype", "balchg"}),
     "an OKX bills file (payments, not rates; use it in Your funding payments)"),
    (frozenset({"txid"}), "a deposit or withdrawal history"),
)


def detect_format(data: str | list | dict) -> str:
    """The key in ``FUNDING_FORMATS`` of the funding-history format ``data`` is in, from
    its whole set of fields (a ``Coin`` column alone makes no Hyperliquid file).

    >>> detect_format("Time,Contracts,Funding Interval,Funding Rate\\n")
    'binance_web'
    >>> try:
    ...     detect_format("User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\\n")
    ... except FundingFileError as exc:
    ...     print(str(exc)[:55])
    this is a Binance account statement (transaction record
    """
    if isinstance(data, str) and not data.strip():
        raise FundingFileError("the file is empty")
    answer = _response_format(data, errors_only=True)  # an error response; reading it says so
    if answer:
        return answer
    keys = _keys(data)
    for key, (_venue, f) in FUNDING_FORMATS.items():
        if f.fields <= keys and (not f.one_of or f.one_of & keys):
            return key
    answer = _response_format(data, errors_only=False)
    if answer:
        return answer
    if isinstance(data, list) and not data:
        raise FundingFileError("the file holds no funding records")
    for needed, what in OTHER_FILES:
        if needed <= keys:
            raise FundingFileError(f"this is {what}, not a funding-rate history; {_RATES_ADVICE}")
    near = max((f for _, f in FUNDING_FORMATS.values()), key=lambda f: len((f.fields | f.one_of) & keys))
    shown = ", ".join(sorted(keys)[:8]) or "none"
    message = f"this is not a funding-rate history (the fields found: {shown[:160]})"
    if len((near.fields | near.one_of) & keys) >= 2:
        names = {n.lower(): n for fields in API_FIELDS.values() for n in (fields[0], fields[1], *fields[2])}
        names.update({n.lower(): n for n in WEB_HEADER})
        missing = ", ".join(names.get(k, k) for k in sorted(near.fields - keys) or sorted(near.one_of))
        message += f"; it looks like {near.what}, without its field {missing}"
    raise FundingFileError(f"{message}; {_RATES_ADVICE}")


def _response_format(data: Any, *, errors_only: bool) -> str | None:
    """The API format of the venue whose response object ``data`` is, from the keys that
    mark its envelope (``Envelope.markers``) or its bare error object (``error_keys``).

    With ``errors_only``, only an envelope that holds no list of records where the venue
    puts it (an error response) is named; envelopes are tried before bare error objects.
    """
    if not isinstance(data, dict):
        return None
    for venue, export in EXPORT_FORMATS.items():
        env = export.envelope
        if env is not None and all(m in data for m in env.markers):
            head, _, rest = env.path.partition(".")
            if not errors_only or not isinstance(data.get(head), dict if rest else list):
                return _API_FORMAT[venue]
    if not errors_only:
        for venue, export in EXPORT_FORMATS.items():
            if export.error_keys and all(k in data for k in export.error_keys):
                return _API_FORMAT[venue]
    return None


def detect_venue(data: str | list | dict) -> str:
    """The venue whose funding-history format ``data`` (from ``decode``) is in.

    >>> detect_venue([{"coin": "BTC", "fundingRate": "0.00001", "time": 1725148800000}])
    'hyperliquid'
    >>> detect_venue("Time,Contracts,Funding Interval,Funding Rate\\n")
    'binance'
    """
    return FUNDING_FORMATS[detect_format(data)][0]


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
    timezone: str | tzinfo = "UTC",
    *,
    max_records: int | None = None,
    progress: Progress | None = None,
    notes: list[str] | None = None,
) -> list[Record]:
    """The settlements of a decoded file, in file order (see ``read_funding_history``).

    ``notes`` receives sentences about how a spreadsheet's file was read (separators,
    dates, rounded rates)."""
    tz = _zone(timezone)
    if isinstance(data, str):
        return _csv_records(data, venue, tz, max_records, progress, [] if notes is None else notes)
    rows = _unwrap_at(data, READERS[venue].path) if venue in READERS else _unwrap(data, venue)
    _too_many(len(rows), max_records)
    out = []
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise FundingFileError(f"record {i} is not an object", line=i)
        out.append(_read_record(row, venue, tz, i, "record") if venue in READERS
                   else _api_record(row, venue, tz, i, "record"))
        if progress is not None and i % 10_000 == 0:
            progress(i, len(rows))
    return out


def _unwrap_at(data: Any, path: tuple[str, ...]) -> list:
    """The list of records at ``path`` inside a response (the response itself for ``()``)."""
    where = data
    for key in path:
        if isinstance(where, list):
            return where  # the bare list, saved without its envelope
        if not isinstance(where, dict) or key not in where:
            if isinstance(where, dict) and "error" in where:
                raise FundingFileError(f"the file is an error response: {str(where['error'])[:160]}", "error")
            raise FundingFileError(f"expected {'.'.join(path)} in the response", ".".join(path))
        where = where[key]
    if not isinstance(where, list):
        raise FundingFileError(f"expected a list of records{' in ' + '.'.join(path) if path else ''}",
                               ".".join(path) or None)
    return where


def _dotted(row: Mapping[str, Any], name: str, where: str, line: int) -> Any:
    head, _, rest = name.partition(".")
    if not rest:
        return _field(row, name, where, line)
    inner = _field(row, head, where, line)
    if not isinstance(inner, Mapping):
        raise FundingFileError(f"{where} {line}: {head} is not an object", head, line)
    return _dotted(inner, rest, where, line)


_UNNAMED = "the file's contract"
_NAMED_FILE = re.compile(r"^([A-Za-z0-9]+)-fundingRate-\d{4}-\d{2}(?:-\d{2})?\b")


def symbol_from_name(filename: str | None) -> str | None:
    """The symbol a Binance public-data file names in its file name (the file holds none).

    >>> symbol_from_name("BTCUSDT-fundingRate-2024-01.csv"), symbol_from_name("export.csv")
    ('BTCUSDT', None)
    """
    m = _NAMED_FILE.match(str(filename or "").rsplit("/", 1)[-1])
    return m.group(1).upper() if m else None


_ZONE_IN_NAME = re.compile(r"\(UTC([+-]?)([+-]?\d{1,2})(?::?(\d{2}))?\)", re.I)


def zone_from_name(filename: str | None) -> str | None:
    """The time zone a Binance download names in its file name (``…(UTC--6)_ab12cd34.csv``:
    UTC−6; ``(UTC+8)``: UTC+8), as ``UTC±H[:MM]``; ``None`` when the name gives none.

    >>> zone_from_name("Binance-Futures-Transaction-History-202603230525(UTC--6).csv")
    'UTC-6'
    >>> zone_from_name("Binance-Futures-Transaction-History-202603230525(UTC+8)_ab12cd34.csv"), zone_from_name("a.csv")
    ('UTC+8', None)
    """
    m = _ZONE_IN_NAME.search(str(filename or "").rsplit("/", 1)[-1])
    if not m:
        return None
    outer, hours, minutes = m.group(1), m.group(2), int(m.group(3) or 0)
    negative = hours.startswith("-") or (outer == "-" and not hours.startswith("+"))
    total = int(hours.lstrip("+-")) * 60 + minutes
    return zone_label(-total if negative else total) if total <= 14 * 60 and minutes < 60 else None


def _read_record(row: Mapping[str, Any], fmt: str, tz: tzinfo | tuple | None, line: int, where: str) -> Record:
    reader = READERS[fmt]
    sym_f, time_f, rate_f, hours = reader.symbol, reader.time, reader.rate, reader.interval
    symbol = _symbol(_dotted(row, sym_f, where, line), sym_f, line, where) if sym_f else _UNNAMED
    when, zoneless = _time(_dotted(row, time_f, where, line), time_f, line, where, tz)
    rate = parse_rate(_dotted(row, rate_f, where, line), rate_f, line, where)
    given = None
    if isinstance(hours, float):
        given = hours
    elif isinstance(hours, str):
        text = str(_dotted(row, hours, where, line))
        given = _hours(text)
        if given is None:
            raise FundingFileError(f"{where} {line}: {hours} {text[:30]!r} is not a number of hours", hours, line)
    return Record(when, symbol, rate, given, line, zoneless)


def _csv_records(text: str, venue: str, tz: tzinfo | None, limit: int | None, progress: Progress | None,
                 notes: list[str]) -> list:
    if limit is not None and _line_count(text) > 2 * (limit + 1):  # refuse a million-line file unread
        _too_many(limit + 1, limit)
    text = text.lstrip("\r\n")
    delimiter = _delimiter(text)
    dayfirst = _day_first(text, notes)
    reader = csv.reader(_lines(text), delimiter=delimiter)
    try:
        try:
            header = next(reader)
        except StopIteration:
            raise FundingFileError("the file is empty") from None
        header = [h.strip() for h in header]
        lowered = [h.lower() for h in header]
        # the venue's website export (Time, Contracts, Funding Interval, Funding Rate)
        web = venue in EXPORT_FORMATS and bool(EXPORT_FORMATS[venue].web_header) and "time" in lowered \
            and "funding rate" in lowered
        rate_at = _rate_column(lowered, venue, web)
        total = _line_count(text)
        out = []
        rounded = 0
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise FundingFileError(f"line {line} has {len(row)} fields, the header has {len(header)}", line=line)
            if delimiter != ",":
                row = [_point_decimal(cell) for cell in row]
            if rate_at is not None and _ROUNDED_PERCENT.match(row[rate_at]):
                rounded += 1
            record = dict(zip(header, row, strict=True))
            tz_or_order = (tz, dayfirst)
            if venue in READERS:
                out.append(_read_record(record, venue, tz_or_order, line, "line"))
            else:
                out.append(_web_record(record, tz_or_order, line) if web
                           else _api_record(record, venue, tz_or_order, line, "line"))
            _too_many(len(out), limit)
            if progress is not None and line % 10_000 == 0:
                progress(line, total)
    except csv.Error as exc:
        raise FundingFileError(f"line {reader.line_num} is not readable as CSV ({exc})", line=reader.line_num) \
            from None
    if delimiter != ",":
        notes.append("The file's values are separated by " + ("semicolons (decimal commas read as points)"
                                                               if delimiter == ";" else "tabs") + ".")
    if out and rounded == len(out) and len(out) >= 2:
        notes.append(
            "Warning: every rate in the file is rounded to 0.01 % (as a spreadsheet shows percentages with two "
            "decimals), so small rates read as 0.00 % or 0.01 %: the results are not the venue's. Export the "
            "history again and open it without saving, or format the rate column with 6 decimals first."
        )
    return out


def _rate_column(lowered: Sequence[str], venue: str, web: bool) -> int | None:
    if venue in READERS:
        names: tuple[str, ...] = (READERS[venue].rate.lower(),)
    else:
        names = ("funding rate",) if web else tuple(f.lower() for f in API_FIELDS[venue][2])
    return next((lowered.index(n) for n in names if n in lowered), None)


def _point_decimal(cell: str) -> str:
    """A number written with a decimal comma (``0,0100%``, ``65.000,5``, ``1.000``) with a
    decimal point: in a file whose separator is a semicolon, a point groups thousands."""
    if _DECIMAL_COMMA.match(cell):
        return cell.replace(".", "").replace(",", ".")
    return cell


def _day_first(text: str, notes: list[str]) -> bool:
    """Whether the file's slash dates (``6/18/2025``) put the day first: yes when a first
    number is above 12, no (the US order, as US Excel writes) otherwise; both orders in
    one file are an error. A note says which order was read when the dates have slashes."""
    firsts, seconds = set(), set()
    for m in re.finditer(r"(?<![\d/])(\d{1,2})/(\d{1,2})/\d{4}\b", text[:2_000_000]):
        firsts.add(int(m.group(1)))
        seconds.add(int(m.group(2)))
    if not firsts:
        return False
    if max(firsts) > 12 and max(seconds) > 12:
        raise FundingFileError("the file's dates are written both day/month/year and month/day/year; save it "
                               "with dates as year-month-day", "time")
    dayfirst = max(firsts) > 12
    order = "day/month/year" if dayfirst else "month/day/year (as US spreadsheets write them)"
    notes.append(f"Dates like {m.group(0)} were read as {order}.")
    return dayfirst


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


def _api_record(row: Mapping[str, Any], venue: str, tz: tzinfo | tuple | None, line: int, where: str) -> Record:
    sym_f, time_f, rate_fs = API_FIELDS[venue]
    rate_f = rate_fs[0] if len(rate_fs) == 1 else next(
        (f for f in rate_fs if any(isinstance(k, str) and k.lower() == f.lower() and str(v).strip()
                                   for k, v in row.items())),
        rate_fs[-1],
    )
    symbol = _symbol(_field(row, sym_f, where, line), sym_f, line, where)
    when, zoneless = _time(_field(row, time_f, where, line), time_f, line, where, tz)
    rate = parse_rate(_field(row, rate_f, where, line), rate_f, line, where)
    return Record(when, symbol, rate, None, line, zoneless)


def _web_record(row: Mapping[str, Any], tz: tzinfo | tuple | None, line: int) -> Record:
    when, zoneless = _time(_field(row, "Time", "line", line), "Time", line, "line", tz)
    symbol = _symbol(_field(row, "Contracts", "line", line), "Contracts", line, "line")
    symbol = re.sub(r"\s+perpetual$", "", symbol, flags=re.I).strip()
    rate = parse_rate(_field(row, "Funding Rate", "line", line), "Funding Rate", line, "line")
    interval = None
    if any(k.strip().lower() == "funding interval" for k in row):
        text = str(_field(row, "Funding Interval", "line", line))
        interval = _hours(text)
        if interval is None:
            raise FundingFileError(f"line {line}: Funding Interval {text[:30]!r} is not a number of hours like 8h",
                                   "Funding Interval", line)
    return Record(when, symbol, rate, interval, line, zoneless)


def _hours(text: str) -> float | None:
    """An interval such as ``8h`` in hours, within the sensible range and > 0, else ``None``."""
    m = _INTERVAL.match(text)
    try:
        hours = float(parse_decimal(m.group(1), "interval")) if m else 0.0
    except InputError:
        return None
    return hours if hours > 0 else None


MAX_SYMBOL = 60


def _symbol(value: Any, column: str, line: int, where: str) -> str:
    """A symbol as text, at most ``MAX_SYMBOL`` characters (venues' are under 30), so that no
    message or table repeats a file's 100,000-character "symbol"."""
    if not isinstance(value, (str, int)) or isinstance(value, bool) or (
            isinstance(value, int) and value.bit_length() > 200):
        raise FundingFileError(f"{where} {line}: {column} is not a symbol", column, line)
    text = shown(value, MAX_SYMBOL + 1).strip()
    if len(text) > MAX_SYMBOL:
        raise FundingFileError(f"{where} {line}: {column} is longer than {MAX_SYMBOL} characters", column, line)
    return text


def parse_rate(value: Any, column: str, line: int, where: str = "line") -> Decimal:
    """A rate as a fraction: ``"0.0001"`` or ``"0.01%"``; ``|rate| ≤ 1``.

    The number is read as every number a reader gives is (``_spec.parse_decimal``): a
    magnitude outside 1e-30 … 1e30
    (``1e-999999``, which would be written out as a million digits) is refused.

    >>> parse_rate("-0.001752%", "Funding Rate", 2)
    Decimal('-0.00001752')
    >>> parse_rate("1e-999999", "fundingRate", 3, "record")
    Traceback (most recent call last):
    ...
    perpcalc.venue_files.FundingFileError: record 3: fundingRate is out of any sensible range
    """
    if isinstance(value, bool):
        raise FundingFileError(f"{where} {line}: {column} is true/false, not a rate", column, line)
    try:
        number = parse_decimal(value, column, column, percent=True)
    except InputError as exc:
        raise FundingFileError(f"{where} {line}: {exc.message}", column, line) from None
    if abs(number) > 1:
        raise FundingFileError(f"{where} {line}: {column} {str(value)[:30]!r} is not a rate (|rate| ≤ 1 = 100 %)",
                               column, line)
    return number


_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-\u2212])\s*(\d{1,2})(?::?(\d{2}))?$", re.I)


class CallbackZone(tzinfo):
    """A time zone whose offsets come from a function: in the browser, its own time-zone
    database (``Intl``), called as ``offset_minutes(name, year, month, day, hour, minute)``
    with a wall time in the zone. Pyodide ships no zone database of its own."""

    def __init__(self, name: str, offset_minutes: Callable[..., Any]) -> None:
        self.name = name
        self._offset = offset_minutes
        self._cache: dict[tuple[int, int, int, int, int], timedelta] = {}

    def utcoffset(self, dt: datetime | None) -> timedelta:
        if dt is None:
            return timedelta(0)
        key = (dt.year, dt.month, dt.day, dt.hour, dt.minute)
        if key not in self._cache:
            self._cache[key] = timedelta(minutes=float(self._offset(self.name, *key)))
        return self._cache[key]

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str:
        return self.name


def _zone(name: str | tzinfo, offset_minutes: Callable[..., Any] | None = None) -> tzinfo | None:
    """The time zone for times written without one (``None`` = UTC): an IANA name
    (``Asia/Shanghai``), a fixed offset (``UTC+8``, ``+08:00``) or a ``tzinfo``."""
    if isinstance(name, tzinfo):
        return name
    text = str(name).strip()
    if text.upper() in ("UTC", "Z", "ETC/UTC", "GMT", "UTC+0", "UTC+00:00"):
        return None
    m = _OFFSET.match(text)
    if m:
        minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
        if minutes > 14 * 60 or int(m.group(3) or 0) >= 60:
            raise FundingFileError(f"time zone {text!r} is not an offset between UTC-14 and UTC+14", "timezone")
        sign = -1 if m.group(1) in "-\u2212" else 1
        return _fixed_zone(sign * timedelta(minutes=minutes), zone_label(sign * minutes))
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(text)
    except Exception:  # unknown name, malformed key, no time-zone database
        if offset_minutes is not None and re.fullmatch(r"[A-Za-z][A-Za-z0-9_+\-/]{0,60}", text):
            return CallbackZone(text, offset_minutes)
        raise FundingFileError(f"unknown time zone {text[:60]!r}", "timezone") from None


def zone_label(minutes: float) -> str:
    """A UTC offset as people write it.

    >>> zone_label(480), zone_label(-210), zone_label(0)
    ('UTC+8', 'UTC-3:30', 'UTC')
    """
    if not minutes:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    h, m = divmod(abs(int(minutes)), 60)
    return f"UTC{sign}{h}" + (f":{m:02d}" if m else "")


def _time(value: Any, column: str, line: int, where: str, tz: tzinfo | tuple | None) -> tuple[datetime, bool]:
    """``parse_time`` with whether the time was written without a zone; ``tz`` may be a
    pair (zone, whether slash dates put the day first)."""
    zone, dayfirst = tz if isinstance(tz, tuple) else (tz, False)
    text = str(value).strip()
    if isinstance(value, str) and _SCIENTIFIC.match(text):
        digits = len(re.sub(r"[eE].*|[^0-9]", "", text))
        lost = 10 ** max(0, 13 - digits) / 3_600_000
        raise FundingFileError(
            f"{where} {line}, column {column}: {text[:20]!r} is a time a spreadsheet rewrote in scientific notation, "
            f"keeping {digits} digits of the epoch milliseconds: the times are lost (up to {lost:,.1f} hours off). "
            "Export the file again and do not save it from the spreadsheet, or format the column as a whole number "
            "before saving", column, line)
    m = _SLASH_DATE.match(text) if isinstance(value, str) else None
    if m:
        first, second, year, hour, minute, second_s, ampm = m.groups()
        day, month = (int(first), int(second)) if dayfirst else (int(second), int(first))
        h = int(hour or 0)
        if ampm:
            if not 1 <= h <= 12:
                raise FundingFileError(f"{where} {line}, column {column}: {text[:40]!r} is not a time", column, line)
            h = h % 12 + (12 if ampm.lower() == "pm" else 0)
        try:
            when = datetime(int(year), month, day, h, int(minute or 0), int(second_s or 0))
        except ValueError:
            raise FundingFileError(f"{where} {line}, column {column}: {text[:40]!r} is not a date", column,
                                   line) from None
        return when.replace(tzinfo=zone or UTC).astimezone(UTC), True
    when = parse_time(value, column, line, where, zone)
    zoneless = isinstance(value, str) and not text.isdigit() and not _HAS_ZONE.search(text)
    return when, zoneless


_HAS_ZONE = re.compile(r"(?:[zZ]|[+-]\d{2}:?\d{2}|UTC|GMT)\s*$")


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


def settlements(records: Sequence[Record], fixed_hours: float | None = None, *,
                default_hours: float | None = None) -> list[Settlement]:
    """Records sorted by symbol then time, duplicates dropped, each with its interval.

    The same settlement twice (overlapping pages) is kept once; two different rates for
    it are an error. The interval is ``fixed_hours`` when given, else the file's own
    (Binance's website export), else inferred from the time since the previous
    settlement (to the minute; the first takes the interval after it). A symbol with one
    settlement, whose interval cannot be inferred, takes ``default_hours`` (an error
    without it).
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
        out.extend(_with_intervals(unique[start:end], fixed_hours, default_hours))
        start = end
    return out


def _with_intervals(part: Sequence[Record], fixed: float | None, default: float | None = None) -> list[Settlement]:
    if fixed is not None:
        hours = [float(fixed)] * len(part)
    elif all(r.given_hours is not None for r in part):
        hours = [float(r.given_hours) for r in part]  # type: ignore[arg-type]
    elif len(part) < 2 and default is not None:
        hours = [float(default)]
    else:
        sym = part[0].symbol
        if len(part) < 2:
            raise FundingFileError(
                f"only one settlement for {sym}: the interval between settlements cannot be read from one "
                "(give interval_hours)", "interval_hours",
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


@dataclass(frozen=True)
class FundingRead:
    """A funding-history file as read: its settlements and what the reader should know.

    ``format`` is the key of ``FUNDING_FORMATS``; ``zoneless`` says the file's times carry
    no zone and were read in ``timezone`` (a label such as ``Asia/Shanghai`` or
    ``UTC+8``); ``notes`` are sentences on how it was read (the interval given to a lone
    settlement, a spreadsheet's separators and date order, rounded rates)."""

    settlements: list[Settlement]
    venue: str
    format: str
    zoneless: bool
    timezone: str
    notes: tuple[str, ...]


def read_funding_file(
    data: bytes | str | list | dict,
    venue: str | None = None,
    *,
    interval_hours: float | None = None,
    default_interval_hours: float | None = None,
    timezone: str | tzinfo | None = None,
    offset_minutes: Callable[..., Any] | None = None,
    max_records: int | None = None,
    progress: Progress | None = None,
    symbol: str | None = None,
) -> FundingRead:
    """``read_funding_history`` with what was assumed: see ``FundingRead``.

    ``timezone`` is the zone of times written without one (an IANA name such as
    ``Asia/Shanghai``, an offset such as ``UTC+8``); without it such a file is refused,
    since its times cannot be placed. ``default_interval_hours`` is the interval of a
    symbol with a single settlement (the page passes its form's interval);
    ``offset_minutes`` gives the offsets of a zone the
    Python runtime does not know (see ``CallbackZone``). ``symbol`` names the contract of a
    file that holds no symbol (Binance's public-data files name it in the file's name).

    >>> text = "Time,Contracts,Funding Interval,Funding Rate\\n2019-09-10 16:00:00,BTCUSDT Perpetual,8h,0.010000%\\n"
    >>> read = read_funding_file(text, timezone="UTC+8")
    >>> read.settlements[0].time.isoformat(), read.zoneless, read.timezone
    ('2019-09-10T08:00:00+00:00', True, 'UTC+8')
    """
    for name, hours in (("interval_hours", interval_hours), ("default_interval_hours", default_interval_hours)):
        if hours is not None and not (hours == hours and 0 < hours < float("inf")):
            raise FundingFileError(f"{name} must be a positive number of hours", "interval_hours")
    try:
        decoded = data if isinstance(data, (list, dict)) else decode(data)
    except FundingFileError:
        raise
    except FileFormatError as exc:
        raise FundingFileError(str(exc), exc.column, exc.line) from None
    if venue is None:
        fmt = detect_format(decoded)
        venue = FUNDING_FORMATS[fmt][0]
    else:
        venue = str(venue).strip().lower()
        try:
            fmt = detect_format(decoded)
        except FundingFileError:  # reading it as the venue named says what is wrong
            fmt = ""
        if FUNDING_FORMATS.get(fmt, ("",))[0] != venue:
            fmt = next((k for k, (v, _) in FUNDING_FORMATS.items() if v == venue), venue)
    if venue not in VENUES:
        raise FundingFileError(f"unknown venue {venue!r}; expected one of: {', '.join(VENUES)}", "venue")
    zone = _zone("UTC" if timezone is None else timezone, offset_minutes)
    notes: list[str] = []
    reader = fmt if fmt in READERS else venue
    records = read_records(decoded, reader, zone or "UTC", max_records=max_records, progress=progress, notes=notes)
    if symbol and any(r.symbol == _UNNAMED for r in records):
        records = [r if r.symbol != _UNNAMED else Record(r.time, symbol, r.rate, r.given_hours, r.line, r.zoneless)
                   for r in records]
    if not records:
        raise FundingFileError(f"the {venue} file holds no funding records")
    rows = settlements(records, interval_hours, default_hours=default_interval_hours)
    if interval_hours is None and default_interval_hours is not None:
        lone = sorted({r.symbol for r in rows} - {r.symbol for r in records if r.given_hours is not None}
                      - {s for s, n in Counter(r.symbol for r in rows).items() if n > 1})
        if lone:
            notes.append(f"The file holds one settlement of {', '.join(lone[:3])}: the interval between settlements "
                         f"cannot be read from it, so it is taken as {cell_text(default_interval_hours)} h.")
    zoneless = any(r.zoneless for r in records)
    if zoneless and timezone is None:
        first = next(r for r in records if r.zoneless)
        column = (READERS[fmt].time if fmt in READERS else API_FIELDS[venue][1] if fmt == _API_FORMAT.get(venue)
                  else WEB_HEADER[0])
        raise FundingFileError(
            f"{'line' if isinstance(decoded, str) else 'record'} {first.line}, column {column}: the file's times "
            "carry no time zone (Binance's website export "
            "writes them in the zone the account displays); give the zone, e.g. timezone='Asia/Shanghai' or "
            "'UTC+8'", "timezone", first.line)
    label = "UTC" if zone is None else getattr(zone, "name", None) or getattr(zone, "key", None) or str(zone)
    return FundingRead(rows, venue, fmt, zoneless, label, tuple(notes))


def read_funding_history(
    data: bytes | str | list | dict,
    venue: str | None = None,
    *,
    interval_hours: float | None = None,
    timezone: str | None = None,
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
    timezone : str, optional
        The zone of times written without one (Binance's website export writes the
        account's display time zone): an IANA name (``Asia/Shanghai``) or an offset
        (``UTC+8``). Required for such a file (it is refused without it); times in
        epoch milliseconds or with a zone need none.
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
    return read_funding_file(data, venue, interval_hours=interval_hours, timezone=timezone,
                             max_records=max_records, progress=progress).settlements


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
            f"every {cell_text(interval)} h.") if len(rows) > 1 else \
        f"1 settlement of {symbols[0]}, at {first:%Y-%m-%d %H:%M} UTC, for {cell_text(interval)} h."
    gaps = [(a, b) for a, b in pairwise(rows) if (b.time - a.time).total_seconds() > 5400 * b.interval_hours]
    if gaps:
        a, b = gaps[0]
        text += (f" The file has {len(gaps):,} gap{'s' if len(gaps) > 1 else ''} (the first from "
                 f"{a.time:%Y-%m-%d %H:%M} to {b.time:%Y-%m-%d %H:%M} UTC): the calculator takes its rates as "
                 "consecutive settlements, so its times after a gap are not the file's. Export one unbroken period.")
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
    header, cells = _position_cells(data, columns, max_rows=max_rows, progress=progress)
    return rows_from_columns(header, cells)


def _position_cells(data: bytes | str, columns: Sequence[Any], *, max_rows: int,
                    progress: Progress | None) -> tuple[list[str], list[list[str]]]:
    """``read_positions``' rows as the file's header and its columns' cells (no row built)."""
    text = decode(data) if not isinstance(data, str) or data[:1] == "\ufeff" else data
    if not isinstance(text, str):
        raise FileFormatError("a positions file is CSV text with a header line, not JSON")
    total = _line_count(text)
    if total > 2 * (max_rows + 1):
        raise FileFormatError(f"the file holds more than {max_rows:,} positions, the most a calculator takes")
    by_name = {c.name: c for c in columns}
    text = text.lstrip("\r\n")
    delimiter = _delimiter(text)
    reader = csv.reader(_lines(text), skipinitialspace=True, delimiter=delimiter)
    raws: list[list[str]] = []  # the rows' cells as read
    lines: list[int] = []  # the file's line of each row
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
            if not any(map(str.strip, raw)):
                continue
            if len(raw) != len(header):
                _form_cells(raws, lines, header, by_name, delimiter)  # a bad cell on an earlier line is named first
                raise FileFormatError(f"line {line} has {len(raw)} fields, the header has {len(header)}", line=line)
            raws.append(raw)
            lines.append(line)
            if len(raws) > max_rows:
                _form_cells(raws, lines, header, by_name, delimiter)
                raise FileFormatError(f"the file holds more than {max_rows:,} positions, the most a calculator takes")
            if progress is not None and line % 10_000 == 0:
                progress(line, total)
    except csv.Error as exc:
        _form_cells(raws, lines, header, by_name, delimiter)
        raise FileFormatError(f"line {reader.line_num} is not readable as CSV ({exc})", line=reader.line_num) from None
    if not raws:
        raise FileFormatError("the file holds no positions (only a header line)")
    return header, _form_cells(raws, lines, header, by_name, delimiter)


def _form_cells(raws: list[list[str]], lines: list[int], header: list[str], by_name: Mapping[str, Any],
                delimiter: str) -> list[list[str]]:
    """The columns of ``raws`` (read from ``lines`` of the file, in ``header``'s columns) as the form takes
    them (``_plain_number``), each checked as the calculator checks
    it, or ``FileFormatError`` naming the first bad one, line by line and in each line column by column.

    All of it a column at a time: the columns are checked whole by the calculator's own reading of a
    column (``parse._typed_column``, which takes a column only when every cell is one its check takes);
    only a column it does not take is read again cell by cell, to name the cell. 100,000 positions are a
    few passes over each column, not 600,000 cells checked one at a time."""
    if not raws:
        return []
    columns = [_plain_numbers(cells, by_name[h].type, delimiter)
               for h, cells in zip(header, zip(*raws, strict=True), strict=True)]
    named = dict(zip(header, columns, strict=True))  # a column named twice: its last, as in the rows
    if all(_typed_column(by_name[h], cells) is not None for h, cells in named.items()):
        return columns
    for line, row in zip(lines, rows_from_columns(header, columns), strict=True):
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
    return columns


def _plain_numbers(cells: Sequence[str], kind: str, delimiter: str) -> list[str]:
    """``_plain_number`` of each cell of a column: only stripped when there is nothing more to do (not
    a number, or no comma in a comma-separated file's column), which is found a column at a time."""
    stripped = list(map(str.strip, cells))
    if kind not in ("decimal", "integer") or (delimiter == "," and "," not in "".join(stripped)):
        return stripped
    return list(map(_plain_number, cells, repeat(kind), repeat(delimiter)))


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def _plain_number(cell: str, kind: str, delimiter: str) -> str:
    """A number cell as the form takes it: without the thousands separators a spreadsheet
    writes (``"65,000.00"`` → ``65000.00``), with a decimal point where the file's
    separator is a semicolon (``65.000,5`` → ``65000.5``). Other cells are only stripped.

    >>> _plain_number(" 65,000.00 ", "decimal", ","), _plain_number("65.000,5", "decimal", ";")
    ('65000.00', '65000.5')
    """
    text = cell.strip()
    if kind not in ("decimal", "integer"):
        return text
    if delimiter != ",":
        return _point_decimal(text)
    return text.replace(",", "") if _THOUSANDS.match(text) else text


# ------------------------------------------------------------------ payment ledgers

#: ledger -> how it is read (each venue's ``payment_files``), in the order they are tried
PAYMENT_FORMATS = PAYMENT_FILES
#: where a JSON ledger keeps its records, for a response whose top level names no fields
_PAYMENT_PATHS = tuple(dict.fromkeys(f.path for f in PAYMENT_FORMATS.values() if f.path))

_PAYMENTS_ADVICE = (
    "download your funding payments instead: Binance's futures Transaction History (Export), GET /fapi/v1/income "
    "(incomeType FUNDING_FEE) or its account statement, Bybit's transaction log (GET /v5/account/transaction-log) "
    "or OKX's bills (GET /api/v5/account/bills)"
)


def _api_error(data: Any) -> str | None:
    """The message of a venue API's error response (an envelope whose status is not its
    ``ok``, as Bybit's ``retCode`` and OKX's ``code``, or a bare error object as Binance's
    ``{"code": -2015, "msg": …}``: the venues' ``Envelope`` and ``error_keys``); ``None``
    for anything else.

    >>> _api_error({"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."})
    'Invalid API-key, IP, or permissions for action.'
    >>> _api_error({"code": "0", "msg": "", "data": []}) is None
    True
    """
    if not isinstance(data, dict):
        return None
    for export in EXPORT_FORMATS.values():
        env = export.envelope
        if env is not None and all(m in data for m in env.markers):
            status = data.get(env.status, env.ok)
            return None if str(status) == env.ok else str(data.get(env.message) or f"error code {status}")
    for export in EXPORT_FORMATS.values():
        if export.error_keys and all(k in data for k in export.error_keys):
            code, message = export.error_keys
            return str(data[message] or f"error code {data[code]}")
    return None


def detect_payments(data: str | list | dict) -> str:
    """The key in ``PAYMENT_FORMATS`` of the ledger ``data`` (from ``decode``) is in.

    A funding-rate history is named for what it is ("rates, not payments").

    >>> detect_payments("User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\\n")
    'binance_statement'
    """
    if isinstance(data, str) and not data.strip():
        raise FileFormatError(f"the file is empty; {_PAYMENTS_ADVICE}")
    error = _api_error(data)
    if error is not None:
        raise FileFormatError(f"the file is an error response of the venue's API ({error[:160]}), not a ledger: "
                              f"request it again; {_PAYMENTS_ADVICE}", "code")
    keys = _keys(data)
    if isinstance(data, dict) and not keys:
        for path in _PAYMENT_PATHS:
            keys = _keys(_at_path(data, path)) or keys
    for key, ledger in PAYMENT_FORMATS.items():
        if ledger.fields <= keys:
            return key
    try:
        fmt = detect_format(data)
    except FundingFileError:
        fmt = ""
    if fmt:
        raise FileFormatError(f"this is {FUNDING_FORMATS[fmt][1].what}: rates, not payments; use it in the rate "
                              f"history field below (or in a funding-rate calculator); {_PAYMENTS_ADVICE}")
    shown = ", ".join(sorted(keys)[:8]) or "none"
    raise FileFormatError(f"this is not a ledger of funding payments (the fields found: {shown[:160]}); "
                          f"{_PAYMENTS_ADVICE}")


def read_payments(data: bytes | str | list | dict, *, timezone: str | tzinfo | None = None,
                  max_records: int | None = None, progress: Progress | None = None,
                  offset_minutes: Callable[..., Any] | None = None) -> tuple[str, list[dict]]:
    """The funding payments of a venue's ledger: ``(format, rows)``, each row ``{time (UTC
    datetime), symbol, amount (Decimal, + received, − paid), asset, line}``, other entries
    (trades, fees, transfers) left out. Errors name the line (CSV) or record (JSON).

    ``timezone`` is the zone of a ledger whose times carry none (``PaymentFile.local_time``:
    Binance's newer downloads, in the zone the account displays, which ``zone_from_name``
    reads from the downloaded file's name); such a ledger is refused without it. The other
    ledgers write UTC (``Date(UTC)``, ``UTC_Time``, epoch milliseconds) and ignore it.

    >>> fmt, rows = read_payments('[{"symbol": "BTCUSDT", "incomeType": "FUNDING_FEE", "income": "-0.37500000", '
    ...                           '"asset": "USDT", "info": "FUNDING_FEE", "time": 1570636800000, '
    ...                           '"tranId": 9689322392, "tradeId": ""}]')
    >>> first = rows[0]
    >>> fmt, first.get("amount"), first.get("time").isoformat()
    ('binance_income', Decimal('-0.37500000'), '2019-10-09T16:00:00+00:00')
    """
    decoded = data if isinstance(data, (list, dict)) else decode(data)
    fmt = detect_payments(decoded)
    ledger = PAYMENT_FORMATS[fmt]
    path, kind_f, kind_v, time_f = ledger.path, ledger.kind, ledger.kind_value, ledger.time
    sym_f, amount_f, sign, asset_f = ledger.symbol, ledger.amount, ledger.sign, ledger.asset
    tz = None
    if ledger.local_time:
        if timezone is None:
            raise FileFormatError(
                f"column {time_f}: the file's times carry no time zone (Binance writes them in the zone the account "
                "displays and names it in the downloaded file's name, e.g. '(UTC+8)'); give the zone, e.g. "
                "timezone='UTC+8' or 'Asia/Shanghai'", "timezone")
        tz = _zone(timezone, offset_minutes)
    if isinstance(decoded, str):
        text = decoded.lstrip("\r\n")
        reader = csv.reader(_lines(text), delimiter=_delimiter(text))
        header = [h.strip() for h in next(reader, [])]
        records: Iterable[tuple[int, Mapping[str, Any]]] = (
            (reader.line_num, dict(zip(header, row, strict=False))) for row in reader if any(c.strip() for c in row))
        where, total = "line", _line_count(text)
    else:
        items = _unwrap_at(decoded, path)
        records = enumerate(items, start=1)
        where, total = "record", len(items)
    out: list[dict] = []
    try:
        for line, row in records:
            if not isinstance(row, Mapping):
                raise FileFormatError(f"record {line} is not an object", line=line)
            if str(_field(row, kind_f, where, line)).strip() != kind_v:
                continue
            when, _ = _time(_field(row, time_f, where, line), time_f, line, where, tz)
            raw = str(_field(row, amount_f, where, line)).strip().replace("\u2212", "-")
            try:
                amount = Decimal(_point_decimal(raw) if len(raw) <= 60 else "nan")
            except InvalidOperation:
                amount = Decimal("nan")
            if not amount.is_finite():
                raise FileFormatError(f"{where} {line}, column {amount_f}: {raw[:30]!r} is not an amount", amount_f,
                                      line)
            symbol = str(_field(row, sym_f, where, line)).strip() if sym_f else "(no symbol in the file)"
            asset = str(row.get(asset_f) or "").strip()
            out.append({"time": when, "symbol": symbol, "amount": amount * sign, "asset": asset, "line": line})
            if max_records is not None and len(out) > max_records:
                raise FileFormatError(f"the file holds more than {max_records:,} funding payments, the most a "
                                      "calculator takes")
            if progress is not None and line % 10_000 == 0:
                progress(line, total)
    except csv.Error as exc:
        raise FileFormatError(f"line {reader.line_num} is not readable as CSV ({exc})", line=reader.line_num) \
            from None
    if not out:
        raise FileFormatError(f"this is {ledger.what} without funding payments ({kind_f} "
                              f"{kind_v!r}): it holds other entries only; export a period in which you held a "
                              f"position at a funding time, or {_PAYMENTS_ADVICE}", kind_f)
    return fmt, out


# ------------------------------------------------------------------ into a calculator's form


def usual_interval_hours(venue: str) -> float | None:
    """The funding interval a venue's record gives (``None`` when none is recorded)."""
    record = _RECORDS.get(venue)
    funding = getattr(record, "funding", None)
    return float(funding.interval_hours) if funding is not None else None


def import_file(calculator: str, field: str, data: bytes | str, progress: Progress | None = None, *,
                timezone: str = "UTC", interval_hours: Any = None,
                offset_minutes: Callable[..., Any] | None = None, filename: str | None = None) -> dict[str, Any]:
    """Form values for a calculator from a reader's file dropped on its ``field``.

    Returns ``{"values": {field name: form text}, "message": sentence, "zoneless": bool,
    "timezone": label}``: the funding history's rates (with ``interval_hours``, ``start``
    and ``source`` where the calculator has them), or the positions as CSV text. Times
    written without a zone are read in ``timezone``; a lone settlement takes the form's
    ``interval_hours`` (else the venue's usual interval). Raises ``FileFormatError``.
    """
    calc = get(calculator)
    f = calc.field(field)
    if "funding_history" in f.accepts:
        decoded = decode(data)
        try:
            form_hours = float(str(interval_hours).strip()) if interval_hours not in (None, "") else None
        except ValueError:
            form_hours = None
        if form_hours is not None and not 0 < form_hours < float("inf"):
            form_hours = None
        venue = detect_venue(decoded)
        usual = usual_interval_hours(venue)
        default = form_hours if form_hours is not None else usual
        read = read_funding_file(decoded, default_interval_hours=default, timezone=timezone,
                                 offset_minutes=offset_minutes, max_records=f.max_items, progress=progress,
                                 symbol=symbol_from_name(filename))
        values, message = funding_inputs(read.settlements)
        names = {i.name for i in calc.inputs}
        values = {(field if k == "rates" else k): v for k, v in values.items() if k in names or k == "rates"}
        notes = list(read.notes)
        lone = next((k for k, n in enumerate(notes) if n.startswith("The file holds one settlement")), None)
        if lone is not None and default is not None:
            whose = "the form's interval" if form_hours is not None else f"{venue.title()}'s usual interval"
            notes[lone] = notes[lone][:-1] + f" ({whose}: change it in the form if it differs)."
            if "interval_hours" in values:
                values["interval_hours"] = cell_text(default)
        if read.zoneless:
            notes.insert(0, f"The file's times carry no time zone: they were read as {read.timezone} time.")
        return {"values": values, "message": " ".join([message, *notes]), "zoneless": read.zoneless,
                "timezone": read.timezone}
    if "funding_payments" in f.accepts:
        named = zone_from_name(filename)
        fmt, rows = read_payments(data, max_records=f.max_items, progress=progress, timezone=named or timezone,
                                  offset_minutes=offset_minutes)
        local = PAYMENT_FORMATS[fmt].local_time
        zone = _zone(named or timezone, offset_minutes) if local else None
        label = "UTC" if zone is None else getattr(zone, "name", None) or getattr(zone, "key", None) or str(zone)
        listed = [{"time": r["time"].strftime("%Y-%m-%dT%H:%M:%SZ"), "symbol": r["symbol"], "amount": r["amount"],
                   "asset": r["asset"]} for r in rows]
        symbols = sorted({r["symbol"] for r in rows})
        first, last = min(r["time"] for r in rows), max(r["time"] for r in rows)
        message = (f"{len(rows):,} funding payment{'s' if len(rows) != 1 else ''} from "
                   f"{PAYMENT_FORMATS[fmt].what}, {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} UTC, "
                   f"{len(symbols):,} symbol{'s' if len(symbols) != 1 else ''} ({', '.join(symbols[:5])}"
                   f"{', …' if len(symbols) > 5 else ''}).")
        if local and named:
            message += f" Its times were read as {label} time, the zone in the file's name."
        elif local:
            message += f" The file's times carry no time zone: they were read as {label} time."
        return {"values": {field: rows_to_text(f, listed)}, "message": message, "zoneless": local and not named,
                "timezone": label}
    if "rate_history" in f.accepts:
        read = read_funding_file(decode(data), default_interval_hours=8, timezone=timezone,
                                 offset_minutes=offset_minutes, max_records=f.max_items, progress=progress,
                                 symbol=symbol_from_name(filename))
        listed = [{"time": r.time.strftime("%Y-%m-%dT%H:%M:%SZ"), "symbol": r.symbol, "rate": r.rate}
                  for r in read.settlements]
        symbols = sorted({r.symbol for r in read.settlements})
        message = f"{len(listed):,} settled rates of {', '.join(symbols[:5])}{', …' if len(symbols) > 5 else ''}."
        if read.zoneless:
            message += f" The file's times carry no time zone: they were read as {read.timezone} time."
        return {"values": {field: rows_to_text(f, listed)}, "message": message, "zoneless": read.zoneless,
                "timezone": read.timezone}
    if "positions" in f.accepts:
        header, cells = _position_cells(data, f.columns, max_rows=f.max_items, progress=progress)
        count = len(cells[0])  # the file holds a position at least
        return {"values": {field: rows_to_text(f, Columns(zip(header, cells, strict=True)))},
                "message": f"{count:,} position{'s' if count != 1 else ''}.",
                "zoneless": False, "timezone": "UTC"}
    raise FileFormatError(f"{calculator}.{field} takes no file", field)


def import_file_json(calculator: str, field: str, data: bytes | str, progress: Progress | None = None,
                     options: str | None = None, offset_minutes: Callable[..., Any] | None = None) -> str:
    """``import_file`` as JSON for the browser's worker; never raises.

    ``options`` is JSON: ``{"timezone": name, "interval_hours": the form's text, "filename":
    the file's name}``.
    ``{"ok": true, "values": …, "message": …, "zoneless": …, "timezone": …}`` or
    ``{"ok": false, "error": {"field", "message", "column", "line"}}`` with the error in
    plain words.
    """
    try:
        opts = json.loads(options) if options else {}
        if not isinstance(opts, dict):
            opts = {}
        out: dict[str, Any] = {"ok": True, **import_file(
            calculator, field, data, progress, timezone=str(opts.get("timezone") or "UTC"),
            interval_hours=opts.get("interval_hours"), offset_minutes=offset_minutes,
            filename=opts.get("filename"))}
    except FileFormatError as exc:
        out = {"ok": False, "error": {"field": field, "message": str(exc), "column": exc.column, "line": exc.line}}
    except (InputError, KeyError, ValueError, RecursionError, MemoryError) as exc:
        out = {"ok": False, "error": {"field": field, "message": f"the file cannot be read: {str(exc)[:200]}",
                                      "column": None, "line": None}}
    return json.dumps(out, ensure_ascii=False)
