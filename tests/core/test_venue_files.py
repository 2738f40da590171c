"""perpcalc.venue_files: the standard-library reader of a reader's own files (funding-history
exports, positions CSV) that the browser's worker uses. Runs in CPython and inside Pyodide.

The venue shapes are the documented ones (field names as Binance GET /fapi/v1/fundingRate and
its website export, Bybit GET /v5/market/funding/history, OKX GET
/api/v5/public/funding-rate-history and Hyperliquid info {"type": "fundingHistory"} name
them; values invented). tests/pandas/test_venue_files_fixtures.py reads the fixture files.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal

import perpcalc
import pytest
from perpcalc import venue_files as vf
from perpcalc.venue_files import FileFormatError, FundingFileError

H = 3_600_000  # one hour in ms
T0 = 1_709_251_200_000  # 2024-03-01 00:00 UTC


def hyperliquid(n: int, step: int = H) -> str:
    return json.dumps([{"coin": "BTC", "fundingRate": f"{(k % 7 - 3) * 1e-6:.8f}", "premium": "0",
                        "time": T0 + k * step + (k % 3)} for k in range(n)])


def test_each_venue_is_recognised_from_its_fields() -> None:
    cases = {
        "binance": '[{"symbol": "BTCUSDT", "fundingTime": 1709251200000, "fundingRate": "0.0001"}]',
        "bybit": '{"retCode": 0, "retMsg": "OK", "result": {"list": [{"symbol": "ETHUSDT", "fundingRate": "0.0001",'
                 ' "fundingRateTimestamp": "1714608000000"}]}}',
        "okx": '{"code": "0", "msg": "", "data": [{"instId": "BTC-USDT-SWAP", "fundingTime": "1719907200000",'
               ' "realizedRate": "0.0001"}]}',
        "hyperliquid": '[{"coin": "BTC", "fundingRate": "0.0000125", "time": 1725148800048}]',
    }
    for venue, text in cases.items():
        assert vf.detect_venue(vf.decode(text)) == venue
    assert vf.detect_venue("Time,Contracts,Funding Interval,Funding Rate\n") == "binance"
    assert vf.detect_venue("symbol,fundingRate,fundingRateTimestamp\n") == "bybit"
    assert vf.detect_venue("instId,fundingTime,realizedRate\n") == "okx"


def test_binance_web_export_newest_first_percent_and_given_interval() -> None:
    text = ("Time,Contracts,Funding Interval,Funding Rate\n2025-06-18 16:00:00,BTCUSDT Perpetual,8h,0.003694%\n"
            "2025-06-18 08:00:00,BTCUSDT Perpetual,8h,-0.001752%\n2025-06-18 00:00:00,BTCUSDT Perpetual,4h,0.01%\n")
    rows = vf.read_funding_history(text, timezone="UTC")
    assert [r.time.strftime("%H") for r in rows] == ["00", "08", "16"]
    assert [r.rate for r in rows] == [Decimal("0.0001"), Decimal("-0.00001752"), Decimal("0.00003694")]
    assert [r.interval_hours for r in rows] == [4.0, 8.0, 8.0]  # the file says: not inferred
    assert {r.symbol for r in rows} == {"BTCUSDT"} and [r.line for r in rows] == [4, 3, 2]


def test_interval_inferred_to_the_minute_and_fixed_on_request() -> None:
    rows = vf.read_funding_history(hyperliquid(5))
    assert [r.interval_hours for r in rows] == [1.0] * 5  # millisecond jitter is rounded away
    times = [T0, T0 + 8 * H, T0 + 16 * H, T0 + 20 * H, T0 + 24 * H]  # 8 h, then 4 h after a capped rate
    data = [{"symbol": "BTCUSDT", "fundingTime": t, "fundingRate": "0.0001"} for t in times]
    assert [r.interval_hours for r in vf.read_funding_history(data)] == [8.0, 8.0, 8.0, 4.0, 4.0]
    assert [r.interval_hours for r in vf.read_funding_history(data, interval_hours=8)] == [8.0] * 5


def test_funding_inputs_fill_the_series_calculator_and_round_trip_through_run() -> None:
    values, message = vf.funding_inputs(vf.read_funding_history(hyperliquid(30)))
    assert values["interval_hours"] == "1" and values["start"] == "2024-03-01T00:00Z"
    assert "30 settlements of BTC" in message and "every 1 h" in message
    out = perpcalc.run("funding_series", values)
    assert out["count"] == 30
    # the chart's time axis: one UTC time per point, an hour apart
    assert out["chart"][0]["time"] == "2024-03-01T00:00Z" and out["chart"][1]["time"] == "2024-03-01T01:00Z"
    assert perpcalc.run("funding_series", {**values, "start": None})["chart"][0]["time"] is None


def test_varying_intervals_are_named_and_the_most_common_is_used() -> None:
    times = [T0 + k * 8 * H for k in range(6)] + [T0 + 44 * H]
    data = [{"symbol": "BTCUSDT", "fundingTime": t, "fundingRate": "0.0001"} for t in times]
    values, message = vf.funding_inputs(vf.read_funding_history(data))
    assert values["interval_hours"] == "8" and "vary (also 4 h" in message


def test_several_symbols_are_refused_by_name() -> None:
    data = [{"symbol": s, "fundingTime": T0 + k * 8 * H, "fundingRate": "0.0001"} for s in ("A", "B") for k in range(2)]
    with pytest.raises(FundingFileError, match=r"2 symbols \(A, B\)") as err:
        vf.funding_inputs(vf.read_funding_history(data))
    assert err.value.column == "symbol"


@pytest.mark.parametrize(
    ("text", "column", "line", "words"),
    [
        ("symbol,fundingRate,fundingRateTimestamp\nETHUSDT,0.0001,1714608000000\nETHUSDT,0.0x1,1714579200000\n",
         "fundingRate", 3, "line 3: fundingRate must be a number (got '0.0x1')"),
        ("symbol,fundingRate,fundingRateTimestamp\nETHUSDT,0.0001,1714608000000\nETHUSDT,0.0001,tomorrow\n",
         "fundingRateTimestamp", 3, "not a time"),
        ('[{"coin": "BTC", "fundingRate": "0.00001", "time": 1725148800000}, {"coin": "BTC", "time": 1725152400000}]',
         "fundingRate", 2, "record 2: no 'fundingRate' field"),
        ('{"code": "0", "data": [{"instId": "X", "fundingTime": "1719907200000", "realizedRate": "2"}]}',
         "realizedRate", 1, "not a rate"),
        ("Time,Contracts,Funding Rate\n2025-06-18 16:00:00,BTCUSDT Perpetual\n", None, 2, "2 fields, the header has 3"),
        ('[{"coin": "BTC", "fundingRate": "0.00001", "time": 1725148800000}\n,', None, 2, "invalid JSON at line 2"),
    ],
)
def test_malformed_files_name_line_and_column(text: str, column: str | None, line: int, words: str) -> None:
    with pytest.raises(FundingFileError) as err:
        vf.read_funding_history(text)
    assert (err.value.column, err.value.line) == (column, line)
    assert words in str(err.value)


def test_positions_csv_is_checked_cell_by_cell() -> None:
    cols = perpcalc.get("adl_ranking").field("positions").columns
    good = "ID, Side, size, entry_price, mark_price, margin\nA, long, 2, 100, 110, 20\n\nB, short, 1, 100, 110, 50\n"
    assert [r["id"] for r in vf.read_positions(good, cols)] == ["A", "B"]
    bad = "id,side,size,entry_price,mark_price,margin\nA,long,2,100,110,20\nB,sideways,1,100,110,50\n"
    with pytest.raises(FileFormatError) as err:
        vf.read_positions(bad, cols)
    assert (err.value.column, err.value.line) == ("side", 3) and "line 3, column side" in str(err.value)
    with pytest.raises(FileFormatError) as err:
        vf.read_positions("id,side,size,entry,mark_price,margin\n", cols)
    assert (err.value.column, err.value.line) == ("entry", 1)
    with pytest.raises(FileFormatError, match="line 2, column size"):
        vf.read_positions("id,side,size,entry_price,mark_price,margin\nA,long,-1,100,110,20\n", cols)


def test_positions_csv_names_its_first_error_in_reading_order() -> None:
    """The cells are checked a column at a time, after the reading: a bad cell is still named before
    a later line's broken structure, a row past the limit or a CSV error, and the first of two bad cells
    (by line, then by column) is the one named."""
    cols = perpcalc.get("adl_ranking").field("positions").columns
    head = "id,side,size,entry_price,mark_price,margin\n"
    cases = [  # (the rows, the most the calculator takes) -> the column and line named
        ("A,long,2,100,110,20\nB,long,x,100,110,20\nC,long,2,100\n", 100, ("size", 3)),
        ("A,long,2,100,110,20\nB,long,2,100,110,20\nC,long,2,100\n", 100, (None, 4)),
        ("A,long,2,100,110,-1\nB,long,-2,100,110,20\n", 100, ("margin", 2)),
        ("A,long,2,100,110,20\nB,long,2,100,,20\n", 100, ("mark_price", 3)),
        ("A,long,2,100,110,20\nB,long,2,100,110,20\nC,long,2,100,110,x\n", 2, ("margin", 4)),
    ]
    for body, most, where in cases:
        with pytest.raises(FileFormatError) as err:
            vf.read_positions(head + body, cols, max_rows=most)
        assert (err.value.column, err.value.line) == where, body
    with pytest.raises(FileFormatError, match="more than 2 positions"):
        vf.read_positions(head + "A,long,2,100,110,20\nB,long,2,100,110,20\nC,long,2,100,110,20\n", cols, max_rows=2)


def test_import_file_fills_the_form_and_reports_errors_as_json() -> None:
    out = json.loads(vf.import_file_json("funding_exposure", "rates", hyperliquid(10).encode()))
    assert out["ok"] and set(out["values"]) == {"rates", "interval_hours"}  # exposure has no start or source
    assert perpcalc.run("funding_exposure", {**out["values"], "side": "long", "mark_price": 100})["intervals"] == 10
    pos = "id,side,size,entry_price,margin\nL1,long,10,100,100\nS1,short,10,100,500\n"
    out = json.loads(vf.import_file_json("insolvency_waterfall", "positions", pos.encode()))
    assert out["ok"] and out["values"]["positions"].count("\n") == 2
    run = perpcalc.run("insolvency_waterfall", {"positions": out["values"]["positions"], "mark_price": 50})
    assert run["liquidated"]
    out = json.loads(vf.import_file_json("adl_ranking", "positions", b"id,side\nA,long\n"))
    assert not out["ok"] and out["error"]["field"] == "positions" and out["error"]["line"] == 1
    assert "Traceback" not in out["error"]["message"]


# ------------------------------------------------------------------ hostile files


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
        (b"\x00\x01\x02\x03" * 100, "binary"),
        (b"[]", "no funding records"),
        (b"{}", "not a funding-rate history"),
        (b"id,side,size,entry_price,margin\nA,long,1,100,10\n", "not a funding-rate history"),  # positions file
        (b"[" * 100_000 + b"]" * 100_000, "nested more than 32 levels"),  # would overflow Pyodide's stack
        (b"[" * 100_000, "nested more than 32 levels"),
        (b'[{"coin": "BTC", "time": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}]', "without its field fundingRate"),
        (b'"just a string"', "not a funding-rate history"),
    ],
)
def test_hostile_files_are_refused_in_words(data: bytes, words: str) -> None:
    out = json.loads(vf.import_file_json("funding_series", "rates", data))
    assert not out["ok"] and words in out["error"]["message"] and out["error"]["field"] == "rates"


def test_a_wrong_venue_is_named() -> None:
    okx = '{"code": "0", "data": [{"instId": "BTC-USDT-SWAP", "fundingTime": "1719907200000", "realizedRate": "0"}]}'
    with pytest.raises(FundingFileError, match="expected a list of records in the binance response"):
        vf.read_funding_history(okx, "binance")


def test_a_million_lines_are_refused_quickly() -> None:
    text = "symbol,fundingRate,fundingRateTimestamp\n" + "ETHUSDT,0.0001,1714608000000\n" * 1_000_000
    t = time.process_time()
    out = json.loads(vf.import_file_json("funding_series", "rates", text.encode()))
    assert not out["ok"] and "more than 100,000 settlements" in out["error"]["message"]
    # a guard against reading the whole file before refusing (about 0.3 s of CPU): CPU time, not wall
    # time, so a busy machine cannot fail it; a quadratic or whole-file read takes minutes
    assert time.process_time() - t < 10
    pos = "id,side,size,entry_price,margin\n" + "A,long,1,100,10\n" * 1_000_000
    out = json.loads(vf.import_file_json("insolvency_waterfall", "positions", pos.encode()))
    assert not out["ok"] and "more than" in out["error"]["message"]


def test_a_huge_cell_and_a_huge_number_stay_errors() -> None:
    big = "symbol,fundingRate,fundingRateTimestamp\nETHUSDT," + "9" * 100_000 + ",1714608000000\n"
    out = json.loads(vf.import_file_json("funding_series", "rates", big.encode()))
    assert not out["ok"] and out["error"]["line"] == 2 and out["error"]["column"] == "fundingRate"
    far = '[{"coin": "BTC", "fundingRate": "0", "time": 99999999999999999999999}]'
    out = json.loads(vf.import_file_json("funding_series", "rates", far.encode()))
    assert not out["ok"] and "between 2000 and 2100" in out["error"]["message"]


def test_a_long_file_is_read_with_progress() -> None:
    """Every 10,000 records (the browser test reads 100,000 through the page)."""
    seen: list[tuple[int, int]] = []
    out = json.loads(vf.import_file_json("funding_series", "rates", hyperliquid(30_000).encode(),
                                         lambda done, total: seen.append((done, total))))
    assert out["ok"] and out["values"]["rates"].count("\n") == 30_000
    assert seen == [(10_000, 30_000), (20_000, 30_000), (30_000, 30_000)]


# ------------------------------------------------------------ files as venues and spreadsheets write them

WEB = "Time,Contracts,Funding Interval,Funding Rate\n"
FIRST = 1_568_102_400_000  # Binance's first BTCUSDT settlement, 2019-09-10 08:00 UTC


def zone_database() -> bool:
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo("Asia/Shanghai")
    except Exception:  # no zone database (Pyodide)
        return False
    return True


def web(*rows: str) -> str:
    return WEB + "".join(f"{r}\n" for r in rows)


def test_zoneless_times_are_read_in_the_zone_given_and_said() -> None:
    text = web("2019-09-10 16:00:00,BTCUSDT Perpetual,8h,0.010000%")
    for zone in ("UTC+8", "+08:00", "GMT+8", "UTC+08:00"):
        read = vf.read_funding_file(text, timezone=zone)
        assert read.settlements[0].time.timestamp() * 1000 == FIRST, zone
        assert read.zoneless and read.format == "binance_web"
    assert vf.read_funding_file(text, timezone="UTC+8").timezone == "UTC+8"
    if zone_database():  # CPython with the system's zones; Pyodide ships none (the page passes the browser's)
        read = vf.read_funding_file(text, timezone="Asia/Shanghai")
        assert read.settlements[0].time.timestamp() * 1000 == FIRST and read.timezone == "Asia/Shanghai"
    else:
        with pytest.raises(FundingFileError, match="unknown time zone 'Asia/Shanghai'"):
            vf.read_funding_file(text, timezone="Asia/Shanghai")
    # the browser's own zone database, as the worker passes it (Pyodide has none): wall time in, offset out
    calls: list[tuple] = []
    zone = vf.CallbackZone("Asia/Shanghai", lambda *a: calls.append(a) or 480)
    read = vf.read_funding_file(text + "2019-09-10 08:00:00,BTCUSDT Perpetual,8h,0.01%\n", timezone=zone)
    assert [r.time.timestamp() * 1000 for r in read.settlements] == [FIRST - 8 * H, FIRST]
    assert calls == [("Asia/Shanghai", 2019, 9, 10, 16, 0), ("Asia/Shanghai", 2019, 9, 10, 8, 0)]
    assert read.timezone == "Asia/Shanghai"
    # without a zone such a file is refused where the first such time is; API files need none
    with pytest.raises(FundingFileError, match="line 2, column Time: the file's times carry no time zone"):
        vf.read_funding_file(text)
    assert not vf.read_funding_file(hyperliquid(3)).zoneless
    for bad in ("Mars/Olympus", "UTC+15", "../../etc/passwd"):
        with pytest.raises(FundingFileError, match="time zone") as info:
            vf.read_funding_file(text, timezone=bad)
        assert info.value.column == "timezone"


def test_the_page_import_says_which_zone_it_read_and_takes_the_browsers() -> None:
    data = web("2025-06-18 16:00:00,BTCUSDT Perpetual,8h,0.003694%",
               "2025-06-18 08:00:00,BTCUSDT Perpetual,8h,-0.001752%").encode()
    out = json.loads(vf.import_file_json("funding_series", "rates", data, None, json.dumps({"timezone": "UTC+8"})))
    assert out["ok"] and out["zoneless"] and out["timezone"] == "UTC+8"
    assert out["values"]["start"] == "2025-06-18T00:00Z"
    assert "times carry no time zone: they were read as UTC+8 time" in out["message"]
    js_offsets = lambda name, *wall: 480 if name == "Asia/Shanghai" else 0  # noqa: E731
    out = json.loads(vf.import_file_json("funding_series", "rates", data, None,
                                         json.dumps({"timezone": "Asia/Shanghai"}), js_offsets))
    assert out["values"]["start"] == "2025-06-18T00:00Z" and out["timezone"] == "Asia/Shanghai"
    api = json.loads(vf.import_file_json("funding_series", "rates", hyperliquid(3).encode(), None,
                                         json.dumps({"timezone": "Asia/Shanghai"}), js_offsets))
    assert api["ok"] and not api["zoneless"] and "time zone" not in api["message"]


@pytest.mark.parametrize(
    ("venue", "data", "usual"),
    [  # the venues' own documentation examples hold one record
        ("bybit", '{"retCode": 0, "retMsg": "OK", "result": {"category": "linear", "list": [{"symbol": "ETHPERP", '
                  '"fundingRate": "0.0001", "fundingRateTimestamp": "1672041600000"}]}, "retExtInfo": {}, '
                  '"time": 1672051897447}', "8"),
        ("hyperliquid", '[{"coin": "ETH", "fundingRate": "-0.00022196", "premium": "-0.00052196", '
                        '"time": 1683849600076}]', "1"),
    ],
)
def test_one_settlement_takes_the_forms_interval_or_the_venues_usual_one(venue: str, data: str, usual: str) -> None:
    with pytest.raises(FundingFileError, match="only one settlement") as info:
        vf.read_funding_history(data)
    assert info.value.column == "interval_hours" and "pass interval_hours=" not in str(info.value)
    out = json.loads(vf.import_file_json("funding_series", "rates", data.encode()))
    assert out["ok"] and out["values"]["interval_hours"] == usual
    assert f"taken as {usual} h ({venue.title()}'s usual interval" in out["message"]
    out = json.loads(vf.import_file_json("funding_series", "rates", data.encode(), None, '{"interval_hours": "4"}'))
    assert out["values"]["interval_hours"] == "4" and "taken as 4 h (the form's interval" in out["message"]
    assert out["message"].startswith("1 settlement of ")
    assert perpcalc.run("funding_series", out["values"])["count"] == 1


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n1,2025-06-18 08:00:00,USD-M Futures,Funding Fee,"
         "USDT,-0.5,\n", "this is a Binance account statement (transaction records: payments"),
        ('[{"symbol": "BTCUSDT", "incomeType": "FUNDING_FEE", "income": "-0.37500000", "asset": "USDT", '
         '"info": "FUNDING_FEE", "time": 1570636800000, "tranId": 9689322392, "tradeId": ""}]',
         "this is a Binance income history"),
        ("Coin,Network,Amount,Address,TXID,Status,Date\nUSDT,TRX,100,T9y,ab12,Completed,2025-06-18\n",
         "this is a deposit or withdrawal history"),
        ("Coin,Time,Amount\nBTC,1725148800000,1\n", "it looks like a Hyperliquid funding history (info "
         "fundingHistory), without its field fundingRate"),
    ],
)
def test_a_file_is_recognised_by_all_its_fields_and_named_when_it_is_no_funding_history(data: str,
                                                                                        words: str) -> None:
    out = json.loads(vf.import_file_json("funding_series", "rates", data.encode()))
    assert not out["ok"] and words in out["error"]["message"], out
    assert "download a funding-rate history instead" in out["error"]["message"]


def test_positions_with_thousands_separators_import_and_round_trip() -> None:
    # as Excel writes numbers with a thousands format: quoted, with commas
    # (two positions a side: the ranking refuses a side of one)
    text = ('id,side,size,entry_price,mark_price,margin\n"Desk A, main",long,"1,250",'
            '"65,000.00","66,000.00","1,000"\nB,short,2,"65,000.00","66,000.00","12,500.5"\n'
            'C,long,3,"64,000.00","66,000.00","2,000"\nD,short,1,"64,500.00","66,000.00","2,000"\n')
    out = vf.import_file("adl_ranking", "positions", text.encode())
    assert out["message"] == "4 positions."
    rows = perpcalc.run("adl_ranking", {"method": "bitmex", "positions": out["values"]["positions"]})["ranking"]
    assert sorted(r["id"] for r in rows) == ["B", "C", "D", "Desk A, main"]
    from perpcalc._spec import get
    from perpcalc.parse import parse_rows

    parsed = parse_rows(out["values"]["positions"], get("adl_ranking").field("positions"))
    assert parsed[0] == {"id": "Desk A, main", "side": "long", "size": "1250", "entry_price": "65000.00",
                         "mark_price": "66000.00", "margin": "1000"}
    assert parsed[1]["margin"] == "12500.5"


def test_a_german_spreadsheet_csv_semicolons_and_decimal_commas() -> None:
    text = ("Time;Contracts;Funding Interval;Funding Rate\n18.06.2025 16:00;BTCUSDT Perpetual;8h;0,003694%\n"
            "18.06.2025 08:00;BTCUSDT Perpetual;8h;-0,001752%\n")
    read = vf.read_funding_file(text.encode("cp1252"), timezone="UTC")
    assert [r.rate for r in read.settlements] == [Decimal("-0.00001752"), Decimal("0.00003694")]
    assert read.settlements[0].time.isoformat() == "2025-06-18T08:00:00+00:00"
    assert any("semicolons" in n for n in read.notes)
    positions = "id;side;size;entry_price;mark_price;margin\nA;long;1,5;65.000,00;66.000,5;1.000\n"
    rows = vf.read_positions(positions, perpcalc_columns())
    assert rows[0] == {"id": "A", "side": "long", "size": "1.5", "entry_price": "65000.00", "mark_price": "66000.5",
                       "margin": "1000"}


def perpcalc_columns():  # the ADL ranking's positions columns
    from perpcalc._spec import get

    return get("adl_ranking").field("positions").columns


def test_utf16_unicode_text_with_tabs() -> None:
    text = ("symbol\tfundingRate\tfundingRateTimestamp\r\nETHUSDT\t0.0001\t1714608000000\r\n"
            "ETHUSDT\t-0.00005\t1714579200000\r\n")
    for raw in (text.encode("utf-16"), b"\xff\xfe" + text.encode("utf-16-le"), text.encode("utf-16-le")):
        read = vf.read_funding_file(raw)
        assert [str(r.rate) for r in read.settlements] == ["-0.00005", "0.0001"] and read.venue == "bybit"
    with pytest.raises(FileFormatError, match="not UTF-16 text"):
        vf.decode(b"\xff\xfe" + b"\x00\xd8")  # a lone surrogate


def test_us_and_day_first_slash_dates() -> None:
    us = web("6/18/2025 16:00,BTCUSDT Perpetual,8h,0.003694%", "6/18/2025 8:00,BTCUSDT Perpetual,8h,-0.001752%",
             "6/9/2025 0:00,BTCUSDT Perpetual,8h,0.01%")
    read = vf.read_funding_file(us, timezone="UTC")
    assert [r.time.strftime("%Y-%m-%d %H:%M") for r in read.settlements] == [
        "2025-06-09 00:00", "2025-06-18 08:00", "2025-06-18 16:00"]
    assert any("month/day/year" in n for n in read.notes)
    eu = web("18/6/2025 16:00,BTCUSDT Perpetual,8h,0.003694%", "9/6/2025 0:00,BTCUSDT Perpetual,8h,0.01%")
    read = vf.read_funding_file(eu, timezone="UTC")
    assert [r.time.strftime("%m-%d") for r in read.settlements] == ["06-09", "06-18"]
    ampm = web("6/18/2025 4:00 PM,BTCUSDT Perpetual,8h,0.003694%", "6/18/2025 12:00 AM,BTCUSDT Perpetual,8h,0.01%")
    assert [r.time.hour for r in vf.read_funding_file(ampm, timezone="UTC").settlements] == [0, 16]
    mixed = web("18/6/2025 16:00,BTCUSDT Perpetual,8h,0.01%", "6/13/2025 0:00,BTCUSDT Perpetual,8h,0.01%")
    with pytest.raises(FundingFileError, match="both day/month/year and month/day/year"):
        vf.read_funding_file(mixed, timezone="UTC")
    with pytest.raises(FundingFileError, match=r"line 2, column Time: '6/31/2025 16:00' is not a date"):
        vf.read_funding_file(web("6/31/2025 16:00,BTCUSDT Perpetual,8h,0.01%"), timezone="UTC")


def test_excel_scientific_timestamps_are_refused_with_why() -> None:
    text = "symbol,fundingRate,fundingRateTimestamp\nETHUSDT,0.0001,1714608000000\nETHUSDT,0.0001,1.70988E+12\n"
    with pytest.raises(FundingFileError) as info:
        vf.read_funding_file(text)
    message = str(info.value)
    assert message.startswith("line 3, column fundingRateTimestamp: '1.70988E+12' is a time a spreadsheet rewrote "
                              "in scientific notation")
    assert "up to 2.8 hours off" in message and info.value.line == 3
    assert info.value.column == "fundingRateTimestamp"


def test_rates_rounded_by_a_spreadsheet_are_warned_of() -> None:
    rounded = web("2025-06-18 16:00:00,BTCUSDT Perpetual,8h,0.00%",
                  "2025-06-18 08:00:00,BTCUSDT Perpetual,8h,0.01%", "2025-06-18 00:00:00,BTCUSDT Perpetual,8h,0.01%")
    out = json.loads(vf.import_file_json("funding_series", "rates", rounded.encode()))
    assert out["ok"] and "every rate in the file is rounded to 0.01 %" in out["message"]
    exact = web("2025-06-18 16:00:00,BTCUSDT Perpetual,8h,0.003694%", "2025-06-18 08:00:00,BTCUSDT Perpetual,8h,"
                "0.010000%")
    assert "rounded" not in json.loads(vf.import_file_json("funding_series", "rates", exact.encode()))["message"]


def test_gaps_in_a_history_are_said() -> None:
    times = [T0, T0 + 8 * H, T0 + 80 * H, T0 + 88 * H]
    data = [{"symbol": "BTCUSDT", "fundingTime": t, "fundingRate": "0.0001"} for t in times]
    _, message = vf.funding_inputs(vf.read_funding_history(data, interval_hours=8))
    assert "The file has 1 gap (the first from 2024-03-01 08:00 to 2024-03-04 08:00 UTC)" in message


def test_api_pages_appended_into_one_file_are_one_history() -> None:
    page = ('{{"retCode": 0, "retMsg": "OK", "result": {{"category": "linear", "list": [{rows}]}}, '
            '"retExtInfo": {{}}, "time": 1714610000000}}')
    row = '{{"symbol": "ETHUSDT", "fundingRate": "{rate}", "fundingRateTimestamp": "{t}"}}'
    newer = page.format(rows=", ".join(row.format(rate=r, t=T0 + k * 8 * H) for k, r in ((2, "0.0001"),
                                                                                          (1, "0.0002"))))
    older = page.format(rows=", ".join(row.format(rate=r, t=T0 + k * 8 * H) for k, r in ((1, "0.0002"),
                                                                                          (0, "-0.0001"))))
    read = vf.read_funding_file(newer + "\n" + older + "\n")
    assert [str(r.rate) for r in read.settlements] == ["-0.0001", "0.0002", "0.0001"]  # the overlap kept once
    lines = "\n".join(json.dumps({"coin": "BTC", "fundingRate": "0.00001", "time": T0 + k * H}) for k in range(3))
    assert len(vf.read_funding_history(lines)) == 3  # JSON Lines
    with pytest.raises(FundingFileError, match="not pages of one funding history"):
        vf.read_funding_history('[{"coin": "BTC", "fundingRate": "0.00001", "time": 1}]{"code": "0"}')
    with pytest.raises(FundingFileError, match="invalid JSON at line 2, column 2"):
        vf.read_funding_history('[{"coin": "BTC", "fundingRate": "0.00001", "time": 1725148800000}]\n{oops')


def test_more_formats_are_recognised_by_their_fields() -> None:
    cases = {
        "binance_data": "calc_time,funding_interval_hours,last_funding_rate\n1704067200000,8,0.00037409\n",
        "hyperliquid_user": '[{"delta": {"coin": "ETH", "fundingRate": "0.0000417", "szi": "49.1477", "type": '
                            '"funding", "usdc": "-3.625312"}, "hash": "0xa1", "time": 1681222254710}]',
        "dydx_indexer": '{"historicalFunding": [{"ticker": "BTC-USD", "rate": "0", "price": "116302.62419", '
                '"effectiveAtHeight": "44865196", "effectiveAt": "2025-07-25T11:00:00.013Z"}]}',
        "deribit_api": '{"jsonrpc": "2.0", "id": 7617, "result": [{"timestamp": 1569891600000, "index_price": 8222.87, '
                   '"prev_index_price": 8305.72, "interest_8h": -0.00009234260068476106, '
                   '"interest_1h": -4.739622041017375e-7}]}',
        "ccxt": '[{"info": {}, "symbol": "BTC/USDT:USDT", "fundingRate": 0.0001, "timestamp": 1709251200000, '
                '"datetime": "2024-03-01T00:00:00.000Z"}]',
    }
    for fmt, text in cases.items():
        assert vf.detect_format(vf.decode(text)) == fmt
        read = vf.read_funding_file(text, default_interval_hours=8)
        assert read.format == fmt and len(read.settlements) == 1
    assert vf.read_funding_file(cases["deribit_api"]).settlements[0].interval_hours == 1.0  # hourly by the format
    assert vf.read_funding_file(cases["dydx_indexer"], default_interval_hours=1).settlements[0].time.isoformat() == \
        "2025-07-25T11:00:00.013000+00:00"
    bad = cases["hyperliquid_user"].replace('"fundingRate": "0.0000417"', '"fundingRate": "x"')
    with pytest.raises(FundingFileError, match=r"record 1: delta\.fundingRate must be a number \(got 'x'\)"):
        vf.read_funding_file(bad, default_interval_hours=1)


# ------------------------------------------------------------------ payment ledgers refused in words

ADVICE = "download your funding payments instead: Binance's futures Transaction History (Export), GET /fapi/v1/income"
INCOME = ('{{"symbol": "BTCUSDT", "incomeType": "{kind}", "income": "{amount}", "asset": "USDT", "info": "", '
          '"time": {time}, "tranId": 9689322392, "tradeId": ""}}')
BYBIT_LOG = ('{{"retCode": 0, "retMsg": "OK", "result": {{"list": [{{"symbol": "XRPUSDT", "funding": "-0.003676", '
             '"change": "-0.003676", "transactionTime": "{time}", "type": "SETTLEMENT", "currency": "USDT"}}]}}}}')
OKX_BILLS = ('{{"code": "0", "msg": "", "data": [{{"balChg": "{amount}", "billId": "623950854533513219", '
             '"ccy": "USDT", "instId": "BTC-USDT-SWAP", "subType": "173", "ts": "1695033600013", "type": "8"}}]}}')
STATEMENT = "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n"
FUTURES = "Date(UTC),type,Amount,Asset,Symbol,Transaction ID\n"


@pytest.mark.parametrize(
    ("data", "line", "column", "words", "advised"),
    [
        ("", None, None, "the file is empty", True),
        ('{"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}', None, "code",
         "the file is an error response of the venue's API (Invalid API-key, IP, or permissions for action.), "
         "not a ledger", True),
        ('{"retCode": 10003, "retMsg": "API key is invalid.", "result": {}, "retExtInfo": {}, "time": 1}', None,
         "code", "the file is an error response of the venue's API (API key is invalid.)", True),
        ('{"code": "50111", "msg": "Invalid OK-ACCESS-KEY", "data": []}', None, "code",
         "the file is an error response of the venue's API (Invalid OK-ACCESS-KEY)", True),
        ("[" + INCOME.format(kind="COMMISSION", amount="-0.01", time=1570636800000) + "]", None, "incomeType",
         "this is a Binance income history (GET /fapi/v1/income) without funding payments (incomeType "
         "'FUNDING_FEE'): it holds other entries only", True),
        (STATEMENT + "1,2024-03-01 00:00:00,Spot,Deposit,USDT,5,\n", None, "Operation",
         "this is a Binance account statement without funding payments (Operation 'Funding Fee')", True),
        (FUTURES + "2024-03-01 03:12:45,REALIZED_PNL,52.3,USDT,BTCUSDT,5\n", None, "type",
         "this is a Binance futures transaction history (the website's Transaction History export) without "
         "funding payments (type 'FUNDING_FEE')", True),
        ("[" + INCOME.format(kind="FUNDING_FEE", amount="-0.37500000", time=1570636800000) + ", "
         + INCOME.format(kind="FUNDING_FEE", amount="n/a", time=1570665600000) + "]", 2, "income",
         "record 2, column income: 'n/a' is not an amount", False),
        (STATEMENT + "1,2024-03-01 00:00:00,USD-M Futures,Funding Fee,USDT,-0.5,\n"
         "1,2024-03-01 08:00,USD-M Futures,Funding Fee,USDT,-0.5\n"
         "1,someday,USD-M Futures,Funding Fee,USDT,-0.5,\n", 4, "UTC_Time", "line 4: UTC_Time 'someday' is not "
         "a time", False),
        (FUTURES + "2024-03-01 00:00:00,FUNDING_FEE,\u22121.5,USDT,BTCUSDT,1\n"
         "2024-03-01 08:00:00,FUNDING_FEE,-1.4982 USDT,USDT,BTCUSDT,2\n", 3, "Amount",
         "line 3, column Amount: '-1.4982 USDT' is not an amount", False),
        (BYBIT_LOG.format(time="1.67213E+12"), 1, "transactionTime", "record 1, column transactionTime: "
         "'1.67213E+12' is a time a spreadsheet rewrote in scientific notation", False),
        (OKX_BILLS.format(amount=""), 1, "balChg", "record 1: balChg is empty", False),
        ('[{"symbol": "BTCUSDT", "fundingTime": 1570608000000, "fundingRate": "-0.00030000"}]', None, None,
         "this is a Binance funding-rate history (GET /fapi/v1/fundingRate): rates, not payments; use it in the "
         "rate history field", True),
        ("Date,Pair,Side,Price\n2024-03-01,BTCUSDT,BUY,1\n", None, None,
         "this is not a ledger of funding payments (the fields found: date, pair, price, side)", True),
    ],
)
def test_a_refused_ledger_says_where_what_it_is_and_what_to_download(data: str, line: int | None,
                                                                     column: str | None, words: str,
                                                                     advised: bool) -> None:
    out = json.loads(vf.import_file_json("funding_payments", "payments", data.encode()))
    assert not out["ok"], out
    error = out["error"]
    assert error["message"].startswith(words), error["message"]
    assert (error["line"], error["column"], error["field"]) == (line, column, "payments")
    assert (ADVICE in error["message"]) is advised


def test_binances_newer_statement_is_read_in_the_zone_of_its_name() -> None:
    # "User ID,Time,…" (the zone no longer in the header): the third-party importer's tests that
    # record the newer futures download record the statement so too
    text = ("User ID,Time,Account,Operation,Coin,Change,Remark\n"
            "1,2024-03-01 08:00:00,USD-M Futures,Funding Fee,USDT,-0.5,\n"
            "1,2024-03-01 08:03:10,Spot,Deposit,USDT,10,\n")
    out = json.loads(vf.import_file_json("funding_payments", "payments", text.encode(), None,
                                         json.dumps({"timezone": "UTC", "filename": "statement(UTC+8).csv"})))
    assert out["ok"], out
    assert out["values"]["payments"].splitlines()[1] == "2024-03-01T00:00:00Z, (no symbol in the file), -0.5, USDT"
    with pytest.raises(FileFormatError, match="carry no time zone"):
        vf.read_payments(text)
    out = json.loads(vf.import_file_json("funding_series", "rates", text.encode()))
    assert "this is a Binance account statement (transaction records: payments" in out["error"]["message"]
