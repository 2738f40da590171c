"""The hostile grid for file import: every format the page's file reader accepts, each
cell of a small valid file replaced in turn by each hostile value, plus whole-file
hostility (deep and broken JSON, quote storms, line ends, BOM, NUL, non-UTF-8 bytes).

``file_cases()`` yields (label, calculator, field, bytes or text); ``check_file_case``
imports one through ``venue_files.import_file_json`` (what the browser's worker calls)
and, when the file is accepted, runs the calculator on the imported values through
``page.compute_json``: the import must answer JSON (never raise), with output text
in proportion to the file (no number written out as a million digits), and the values
it accepts must be ones the calculator reads (same row count: nothing merged or lost).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from perpcalc._spec import get
from perpcalc.page import compute_json
from perpcalc.parse import parse_rows
from perpcalc.venue_files import import_file_json

T0 = 1_725_148_800_000
H = 8 * 3_600_000

# Each value replaces one cell. Strings go into JSON as strings and into CSV as they are;
# the non-strings only into JSON.
CELLS: list[Any] = [
    "1e-999999", "-1E+999999", "1e1000000", "0E-999999999", "NaN", "-Infinity", "sNaN", "1" * 5001,
    "0." + "0" * 40 + "1", "9" * 40, "\u22120.01%", "0.01 %", "%", "1,000", "", " ", "\u0661",
    "\uff10.01", "=cmd|' /C calc'!A0", "\u202eabc", "<img src=x onerror=alert(1)>", "x" * 100_000,
    '"', '""', 'a"b', "a,b", "a\nb", "a\rb", "\x00", "\ud800", "2025-13-45 99:99:99", "99999999999999999999",
    "1725148800000.5", "-1725148800000",
    None, True, 1e308, -1e-308, [], {}, [[[[]]]], {"a": {"b": 1}},
]
# JSON numbers that Python's json module cannot write: put in place of this string's quotes
RAW_NUMBERS = ["1" * 5001, "1e999999", "-0.0e-999999", "1" + "0" * 400]

FUNDING = ("funding_series", "rates")
POSITIONS = ("adl_ranking", "positions")
WATERFALL = ("insolvency_waterfall", "positions")


def _records(venue: str, n: int = 3) -> list[dict[str, Any]]:
    rows = []
    for k in range(n):
        t, r = T0 + k * H, f"{(k % 3 - 1) * 1e-4:.6f}"
        rows.append({
            "binance": {"symbol": "BTCUSDT", "fundingTime": t, "fundingRate": r, "markPrice": "60000"},
            "bybit": {"symbol": "BTCUSDT", "fundingRate": r, "fundingRateTimestamp": str(t)},
            "okx": {"instId": "BTC-USDT-SWAP", "fundingTime": str(t), "realizedRate": r, "fundingRate": r},
            "hyperliquid": {"coin": "BTC", "fundingRate": r, "premium": "0", "time": t},
        }[venue])
    return rows


def _envelope(venue: str, rows: list[dict[str, Any]]) -> Any:
    if venue == "bybit":
        return {"retCode": 0, "retMsg": "OK", "result": {"category": "linear", "list": rows}}
    if venue == "okx":
        return {"code": "0", "msg": "", "data": rows}
    return rows


def _csv(header: list[str], rows: list[list[Any]], end: str = "\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=end)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


BINANCE_WEB = ["Time", "Contracts", "Funding Interval", "Funding Rate"]
POSITION_HEADER = ["id", "side", "size", "entry_price", "mark_price", "margin"]


def _web_rows() -> list[list[Any]]:
    return [["2025-06-18 16:00:00", "BTCUSDT Perpetual", "8h", "0.003694%"],
            ["2025-06-18 08:00:00", "BTCUSDT Perpetual", "8h", "-0.001752%"],
            ["2025-06-18 00:00:00", "BTCUSDT Perpetual", "8h", "0.01%"]]


def _position_rows() -> list[list[Any]]:
    return [["A", "long", "1", "100", "110", "10"], ["B", "short", "2", "100", "90", "10"],
            ["C", "long", "3", "100", "105", "10"]]


def _cell_files() -> Iterator[tuple[str, tuple[str, str], str]]:
    """Each format with one cell replaced by each hostile value."""
    for venue in ("binance", "bybit", "okx", "hyperliquid"):
        keys = list(_records(venue)[0])
        for key in keys:
            for i, value in enumerate(CELLS):
                rows = _records(venue)
                rows[1][key] = value
                yield f"{venue} json {key}={i}", FUNDING, json.dumps(_envelope(venue, rows))
                if isinstance(value, str):
                    table = [[str(r[k]) for k in keys] for r in _records(venue)]
                    table[1][keys.index(key)] = value
                    yield f"{venue} csv {key}={i}", FUNDING, _csv(keys, table)
            for i, number in enumerate(RAW_NUMBERS):
                rows = _records(venue)
                rows[1][key] = "@raw@"
                text = json.dumps(_envelope(venue, rows)).replace('"@raw@"', number)
                yield f"{venue} json {key}=raw{i}", FUNDING, text
    for col in range(4):
        for i, value in enumerate(v for v in CELLS if isinstance(v, str)):
            table = _web_rows()
            table[1][col] = value
            yield f"binance web {BINANCE_WEB[col]}={i}", FUNDING, _csv(BINANCE_WEB, table)
    for col in range(6):
        for i, value in enumerate(v for v in CELLS if isinstance(v, str)):
            table = _position_rows()
            table[1][col] = value
            yield f"positions {POSITION_HEADER[col]}={i}", POSITIONS, _csv(POSITION_HEADER, table)


def _whole_files() -> Iterator[tuple[str, tuple[str, str], str | bytes]]:
    hl = json.dumps(_records("hyperliquid"))
    web = _csv(BINANCE_WEB, _web_rows())
    pos = _csv(POSITION_HEADER, _position_rows())
    n = 200_000
    yield from (
        ("deep list", FUNDING, "[" * 100_000 + "]" * 100_000),
        ("deep unclosed", FUNDING, "[" * 200_000),
        ("deep objects", FUNDING, '{"a":' * 50_000 + "1" + "}" * 50_000),
        ("deep inside record", FUNDING, hl[:-1] + ', {"x": ' + "[" * 40 + "]" * 40 + "}]"),
        ("escaped quote storm", FUNDING, '["' + '\\"' * n),
        ("backslash storm", FUNDING, '["' + "\\\\" * n),
        ("quote storm json", FUNDING, "[" + '"' * n),
        ("quote storm csv", FUNDING, "Time,Funding Rate\n" + '"' * n),
        ("quote storm positions", POSITIONS, "id,side\n" + '"' * n),
        ("unclosed quote positions", POSITIONS, pos + '"A,long,1,100,110,10\n' * 1000),
        ("truncated json", FUNDING, hl[: len(hl) // 2]),
        ("trailing garbage", FUNDING, hl + "}"),
        ("json scalar", FUNDING, "[1, 2, 3]"),
        ("empty", FUNDING, ""), ("blank lines", FUNDING, "\n\n\r\n"), ("bom only", FUNDING, "\ufeff"),
        ("bom csv", FUNDING, "\ufeff" + web), ("bom bytes", FUNDING, b"\xef\xbb\xbf" + web.encode()),
        ("utf-16", FUNDING, web.encode("utf-16")),
        ("latin-1", FUNDING, "Time,Funding Rate\n\xe9,1\n".encode("latin-1")),
        ("nul", FUNDING, web.replace("BTCUSDT", "BTC\x00USDT")),
        ("cr only web", FUNDING, web.replace("\n", "\r")), ("crlf web", FUNDING, web.replace("\n", "\r\n")),
        ("cr only positions", POSITIONS, pos.replace("\n", "\r")),
        ("mixed line ends", POSITIONS, pos.replace("\n", "\r", 1).replace("\n", "\r\n", 1)),
        ("cr only waterfall", WATERFALL, "id,side,size,entry_price,margin\rA,long,1,100,5\rB,short,1,100,50\r"),
        ("json positions", POSITIONS, json.dumps([{"id": "A"}])),
        ("header only", POSITIONS, "id,side,size,entry_price,mark_price,margin\n"),
        ("million commas", POSITIONS, "id," + "," * 1_000_000 + "\n"),
        ("long line", FUNDING, "Time,Funding Rate\n" + "1" * 1_000_000 + "\n"),
        ("many symbols", FUNDING,
         json.dumps([{**r, "coin": f"C{i}"} for i, r in enumerate(_records("hyperliquid", 50))])),
        ("error response", FUNDING, '{"code": -1121, "msg": "Invalid symbol."}'),
        ("bybit error", FUNDING, '{"retCode": 10001, "retMsg": "<b>x</b>", "result": {}}'),
    )


def file_cases() -> Iterator[tuple[str, str, str, str | bytes]]:
    """Every case of the file grid: (label, calculator, field, content)."""
    for label, (calculator, field), content in (*_cell_files(), *_whole_files()):
        yield label, calculator, field, content


def check_file_case(calculator: str, field: str, content: str | bytes) -> list[str]:
    """Problems found for one file (empty when it behaved)."""
    problems: list[str] = []
    try:
        out = json.loads(import_file_json(calculator, field, content))
    except BaseException as exc:  # the point is to catch anything
        if isinstance(exc, KeyboardInterrupt):
            raise
        return [f"import raised {type(exc).__name__}: {str(exc)[:120]}"]
    size = len(content)
    shown = json.dumps(out)
    if len(shown) > 2 * size + 2000:
        problems.append(f"import answer of {len(shown):,} characters for a file of {size:,}")
    if not out.get("ok"):
        error = out.get("error") or {}
        if not isinstance(error.get("message"), str) or not error["message"]:
            problems.append("import error without a message")
        elif len(error["message"]) > 400:
            problems.append(f"import error message of {len(error['message']):,} characters")
        return problems
    values = out["values"]
    calc = get(calculator)
    f = calc.field(field)
    rows = parse_rows(values[field], f)
    wanted = int(out["message"].split()[0].replace(",", ""))
    if len(rows) != wanted:
        problems.append(f"import said {wanted} rows, the field's text holds {len(rows)}")
    result = json.loads(compute_json(calculator, json.dumps(values)))
    if not result.get("ok") and "internal error" in str(result.get("error")):
        problems.append(f"the calculator failed on imported values: {result['error']}")
    return problems
