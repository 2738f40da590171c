"""Each number reaches the calculators through one range check, and nothing a reader sends
is turned into text or work out of proportion to its size (findings M1, M2, L5, L6 and L8 of
the 2026-12-06 security review).

A file's rates go through the same ``parse_decimal`` as a form's fields and a list's cells;
number-to-text (``_spec._plain`` for form text, ``display.format_number`` for outputs) is
bounded; the JSON depth check is linear; CR-only CSV files are read; ids with quotes or
commas survive the trip from a file into a list field's text; huge ints used as names are
``InputError``.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal

import perpcalc
import pytest
from perpcalc import InputError
from perpcalc import venue_files as vf
from perpcalc.display import format_number
from perpcalc.page import compute_json
from perpcalc.parse import parse_rows, plain, rows_to_text
from perpcalc.venue_files import FundingFileError

T0 = 1_725_148_800_000
H = 3_600_000


def hyperliquid(rates: list[str]) -> str:
    return json.dumps([{"coin": "BTC", "fundingRate": r, "time": T0 + k * H} for k, r in enumerate(rates)])


@pytest.mark.parametrize("rate", ["1e-999999", "-1E-31", "1e-40%", "0.0000000000000000000000000000001"])
def test_a_file_rate_outside_the_sensible_range_is_refused_like_a_typed_one(rate: str) -> None:
    with pytest.raises(InputError, match="out of any sensible range"):
        perpcalc.run("funding_series", {"rates": f"rate\n{rate}\n0.0001"})
    out = json.loads(vf.import_file_json("funding_series", "rates", hyperliquid([rate, "0.0001"])))
    assert out["ok"] is False and "out of any sensible range" in out["error"]["message"]
    assert out["error"]["column"] == "fundingRate" and out["error"]["line"] == 1


def test_a_small_hostile_file_cannot_amplify_into_megabytes_of_text() -> None:
    text = hyperliquid(["1e-999999"] * 400)  # 25 KB: it became 400 million characters
    out = vf.import_file_json("funding_series", "rates", text)
    assert len(out) < len(text)


def test_in_range_rates_from_a_file_still_read_exactly() -> None:
    out = json.loads(vf.import_file_json("funding_series", "rates", hyperliquid(["1e-30", "0.0000125", "-1"])))
    assert out["ok"], out
    assert out["values"]["rates"].split("\n")[1:] == ["0.000000000000000000000000000001", "0.0000125", "-1"]


def test_binance_web_interval_outside_the_range_is_refused() -> None:
    text = "Time,Contracts,Funding Interval,Funding Rate\n2025-06-18 16:00:00,BTCUSDT,{}h,0.01%\n"
    for interval in ("9" * 400, "0"):
        with pytest.raises(FundingFileError, match="Funding Interval"):
            vf.read_funding_history(text.format(interval), timezone="UTC")


def test_number_to_text_is_bounded_whatever_the_number() -> None:
    tiny, huge = Decimal("1e-999999"), Decimal("9.5e999999")
    assert plain(tiny) == "1E-999999" and plain(-huge) == "-9.5E+999999"
    assert plain(Decimal("1e-30")) == "0." + "0" * 29 + "1"  # inside the range: positional as before
    for places in (-1, 8, 10**6):
        assert len(format_number(tiny, places)) < 50
        assert len(format_number(huge, places)) < 50
    assert format_number(Decimal("-1e-999999"), -1) == "\u22121 × 10⁻⁹⁹⁹⁹⁹⁹"


def test_zero_with_a_huge_exponent_is_plain_zero_everywhere() -> None:
    # 0E-99999999 is in range (it is zero); written positionally it was a billion zeros
    out = json.loads(vf.import_file_json("funding_series", "rates", hyperliquid(["0E-99999999", "0.0001"])))
    assert out["ok"] and out["values"]["rates"] == "rate\n0\n0.0001"
    assert format_number(Decimal("0E-99999999"), -1) == "0" and plain(Decimal("0E+99999999")) == "0"
    assert perpcalc.run("funding_series", {"rates": "rate\n0E-99999999\n0.0001"})["count"] == 2


def test_a_symbol_is_short_text() -> None:
    data = json.loads(hyperliquid(["0.0001", "0.0002"]))
    for symbol, ok in (("x" * 60, True), ("x" * 61, False), (10**400, False), (["BTC"], False), (7, True)):
        rows = [dict(r, coin=symbol) for r in data]
        out = json.loads(vf.import_file_json("funding_series", "rates", json.dumps(rows)))
        assert out["ok"] is ok and len(json.dumps(out)) < 1000


def _hostile_json(n: int) -> str:
    return '["' + '\\"' * n  # an unclosed string of escaped quotes


@pytest.mark.parametrize("text", [_hostile_json(500_000), '["' + '\\\\"' * 300_000, '"' * 1_000_000,
                                  "[" + '"\\\\\\"",' * 150_000])
def test_json_depth_check_is_linear_on_a_megabyte_of_hostile_quotes(text: str) -> None:
    # the regex it replaced rescanned the rest of the text from every escaped quote: about
    # 4 hours for the first case; the watchdog below is a hang guard, not a benchmark
    began = time.process_time()
    out = json.loads(vf.import_file_json("funding_series", "rates", text))
    assert out["ok"] is False
    assert time.process_time() - began < 5.0


def test_json_depth_check_sees_through_strings_and_escapes() -> None:
    vf._check_depth('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "b": "\\\\", "c": ["\\"]]]]]]"]}')
    with pytest.raises(vf.FileFormatError, match="nested more than 32"):
        vf._check_depth('{"a": "\\\\", "b": ' + "[" * 40 + "]" * 40 + "}")
    with pytest.raises(vf.FileFormatError, match="nested more than 32"):
        vf._check_depth('["\\"", ' + "{" * 33)


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"])
def test_csv_files_with_any_line_ending_are_read(ending: str) -> None:
    lines = ["Time,Contracts,Funding Interval,Funding Rate", "2025-06-18 16:00:00,BTCUSDT Perpetual,8h,0.003694%",
             "2025-06-18 08:00:00,BTCUSDT Perpetual,8h,-0.001752%"]
    text = ending.join(lines) + ending
    assert [str(r.rate) for r in vf.read_funding_history(text, timezone="UTC")] == ["-0.00001752", "0.00003694"]
    positions = ending.join(["id,side,size,entry_price,mark_price,margin", "A,long,1,100,110,10",
                             "B,short,2,100,90,10"])
    out = json.loads(vf.import_file_json("adl_ranking", "positions", positions))
    assert out["ok"] and out["message"] == "2 positions."


def test_unreadable_csv_and_huge_json_numbers_are_the_readers_error_not_an_exception() -> None:
    with pytest.raises(vf.FundingFileError):
        vf.read_funding_history('[{"coin": "BTC", "fundingRate": "0.1", "time": ' + "1" * 5001 + "}]")
    with pytest.raises(vf.FundingFileError):
        vf.read_funding_history('time,"fundingRate\n' + "x" * 10)
    out = json.loads(vf.import_file_json("funding_series", "rates", 'coin,"time\rBTC,1\r'))
    assert out["ok"] is False and out["error"]["message"]


def test_quoted_ids_in_a_positions_file_stay_separate_positions() -> None:
    text = ('id,side,size,entry_price,mark_price,margin\n"""X",long,1,100,110,10\n"Z""",short,2,100,90,10\n'
            'W,long,3,100,110,10\n"a, b",long,1,100,120,10\n"c\nd",short,1,100,80,10\n')
    out = json.loads(vf.import_file_json("adl_ranking", "positions", text))
    assert out["ok"] and out["message"] == "5 positions."
    ranking = perpcalc.run("adl_ranking", {"positions": out["values"]["positions"]})["ranking"]
    assert sorted(r["id"] for r in ranking) == sorted(['"X', 'Z"', "W", "a, b", "c\nd"])


def test_rows_to_text_round_trips_any_id() -> None:
    f = perpcalc.get("socialized_loss").field("profits")
    ids = ['"', '""', ",", " lead", "trail ", "a\nb", "x,\"y\"", "plain"]
    rows = [{"id": i, "profit": Decimal(k + 1)} for k, i in enumerate(ids)]
    back = parse_rows(rows_to_text(f, rows), f)
    assert [r["id"] for r in back] == [i.strip() for i in ids]  # cells are stripped, as typed ones are
    assert [r["profit"] for r in back] == [str(k + 1) for k in range(len(ids))]


def test_huge_ints_as_names_and_keys_are_input_errors() -> None:
    big = 10**5000
    for args in [(big,), ("funding_payment", {big: 1}), ("adl_ranking", {"positions": [{big: 1}]}),
                 ("socialized_loss", {"deficit": 1, "profits": [{"id": "a", "profit": 1, big: 2}]})]:
        with pytest.raises(InputError):
            perpcalc.run(*args)


def test_list_cells_read_by_the_fast_path_keep_the_full_checks() -> None:
    # plain decimal cells skip parse_decimal; bounds, signs and everything else are unchanged
    for cell, ok in (("10", True), ("-1", False), ("0", False), ("1" * 18, True), ("1" * 32, False), ("1e3", True),
                     ("0." + "0" * 16 + "1", True), ("1.5%", False)):
        # a book of two (the ranking refuses a book of one: issue 20)
        text = ("id, side, size, entry_price, mark_price, margin\n"
                f"A, long, {cell}, 100, 110, 10\nB, long, 1, 100, 105, 10")
        result = json.loads(compute_json("adl_ranking", json.dumps({"positions": text})))
        assert result["ok"] is ok, (cell, result)
        if not ok:
            assert "row 1" in result["error"]["message"], result





def _bounded_rate_fields() -> list[tuple[str, str]]:
    return [(c["name"], f.name) for c in perpcalc.catalog() for f in perpcalc.get(c["name"]).inputs
            if f.type == "decimal" and f.percent and (f.bounds[0] is not None or f.bounds[1] is not None)]


@pytest.mark.parametrize(("name", "field"), _bounded_rate_fields())
def test_a_rate_out_of_range_is_refused_in_percent(name: str, field: str) -> None:
    """The page sends a rate as the reader typed it ("2000%"); the refusal gives the bound in
    percent first ("must be ≤ 1000 % (10 as a fraction)"), not the fraction alone, which a reader
    of the page takes for percent ("must be ≤ 10" read as 10 %)."""
    calc = perpcalc.get(name)
    f = calc.field(field)
    lo, hi = f.bounds
    bound, typed = (hi, hi * 100 + 1) if hi is not None else (lo, lo * 100 - 1)
    values = dict(perpcalc.page.form_values(name))
    values[field] = f"{typed}%"
    out = json.loads(compute_json(name, json.dumps(values)))
    assert not out["ok"] and out["error"]["field"] == field, out
    assert f"{plain(bound * 100)} % ({plain(bound)} as a fraction)" in out["error"]["message"], out
