"""The deterministic hostile grid (tests/fuzz/hostile.py) over the whole catalogue, in
CPython, plus hypothesis on top for the parsers and the display.

Each calculator is one test; within it every case runs through ``perpcalc.run`` and
``page.compute_json`` and must behave: only ``InputError`` (naming a real field or
none) out of ``run``, strict JSON with finite numbers out of ``compute_json``, the two
paths agreeing, and no case taking more than ``CASE_CPU_S`` of CPU. Another test checks
the grid's size.
"""

from __future__ import annotations

import json
import math
import time
from decimal import Decimal

import perpcalc
import pytest
from hostile import Case, cases, check_case
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from perpcalc import InputError
from perpcalc.display import format_number, visible_text
from perpcalc.page import compute_json
from perpcalc.parse import parse_decimal

NAMES = [c["name"] for c in perpcalc.catalog()]
# a hang guard in CPU seconds (the slowest case takes about 0.1 s): CPU time, so that a busy machine,
# where wall time can be many times more, cannot fail it; wall time is reported, never asserted
CASE_CPU_S = 2.0


@pytest.mark.parametrize("name", NAMES)
def test_hostile_grid(name: str) -> None:
    problems: list[str] = []
    slow: list[str] = []
    count = 0
    for case, inputs in cases([name]):
        c0 = time.process_time()
        found, wall = check_case(case, inputs)
        cpu = time.process_time() - c0
        count += 1
        problems += [f"{case.label()}: {p}" for p in found]
        if cpu > CASE_CPU_S:
            slow.append(f"{case.label()}: {cpu:.2f} s CPU, {wall:.2f} s wall")
    assert count > 0, name
    assert not problems, f"{len(problems)} problems, first ones:\n" + "\n".join(problems[:25])
    assert not slow, "\n".join(slow[:25])


def test_hostile_grid_size() -> None:
    """The grid holds more than 25,000 cases (counted here, whatever ran before)."""
    assert sum(1 for _ in cases()) > 25_000


def test_the_grid_reaches_every_field_and_list_cell() -> None:
    wheres: dict[str, set[str]] = {}
    for case, _ in cases():
        wheres.setdefault(case.calculator, set()).add(case.where)
    assert set(wheres) == set(NAMES)
    for name in NAMES:
        calc = perpcalc.get(name)
        assert {f.name for f in calc.inputs} <= wheres[name], name
        for f in calc.inputs:
            if f.type == "list" and calc.examples["default"].get(f.name):
                cells = {w for w in wheres[name] if w.startswith(f"{f.name}[") and "." in w}
                assert {w.split(".", 1)[1] for w in cells} == {c.name for c in f.columns}, (name, f.name)


# ---------------------------------------------------------------- the findings, one by one


def test_display_rounds_long_results_without_crashing() -> None:
    """Finding 2: a notional of 1e20 and an APY of 1.6e23 crashed the 28-digit quantize."""
    out = json.loads(compute_json("funding_payment", json.dumps(
        {"side": "long", "size": "1e10", "mark_price": "1e10", "funding_rate": "0.0001"})))
    assert out["ok"] and out["display"]["notional"]["text"] == "100,000,000,000,000,000,000"
    out = json.loads(compute_json("funding_annualized", json.dumps({"funding_rate": "0.05"})))
    # (1.05 ** 1095 - 1) = 1.5932e23, shown in percent
    assert out["ok"] and out["display"]["apy"]["text"] == "1.593245 × 10²⁵ %"
    assert format_number(9.9999999e22) == "1 × 10²³"
    assert format_number(-1.7976931348623157e308, 8) == "\u22121.797693 × 10³⁰⁸"
    assert format_number(Decimal("NaN")) == "—"
    assert format_number(123456789012345678.123456789, 8) == "123,456,789,012,345,680"


@pytest.mark.parametrize("text", ["1e1000000", "-1e1000000", "1e-1000000", "1E999999999999999999999", "1e400%"])
def test_huge_exponents_are_input_errors(text: str) -> None:
    """Finding 6: '1e1000000' overflowed the decimal context past the range check."""
    with pytest.raises(InputError) as err:
        perpcalc.run("funding_payment", {"side": "long", "size": text, "mark_price": 1, "funding_rate": 0})
    assert err.value.field == "size"


def test_a_csv_cell_over_the_csv_limit_is_an_input_error() -> None:
    """Finding 7: a cell over 131,072 characters raised _csv.Error."""
    with pytest.raises(InputError) as err:
        perpcalc.run("socialized_loss", {"deficit": 1, "profits": "id,profit\n" + "x" * 131_073 + ",1"})
    assert err.value.field == "profits"


def test_a_million_row_paste_is_refused_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding 13: a 1,000,000-row CSV was parsed whole before the row limit was checked. It is now
    refused before the CSV reader reads a record (a reader that fails if asked shows it: no timing)."""
    import perpcalc.parse

    def no_reading(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the CSV reader was asked to read a text past the limit")

    text = "id,profit\n" + "a,1\n" * 1_000_000
    with monkeypatch.context() as patched:
        patched.setattr(perpcalc.parse.csv, "reader", no_reading)
        with pytest.raises(InputError, match="at most 100,000 rows") as err:
            perpcalc.run("socialized_loss", {"deficit": 1, "profits": text})
    assert err.value.field == "profits"
    # just over the limit, with blank lines in between: read until the limit, then refused
    text = "id,profit\n" + "a,1\n\n" * 100_001
    with pytest.raises(InputError, match="at most 100,000 rows"):
        perpcalc.run("socialized_loss", {"deficit": 1, "profits": text})


def test_library_api_extremes() -> None:
    """Finding 13: huge ints in messages and float columns, a 1E-999999 rate, deep nesting."""
    with pytest.raises(InputError) as err:
        perpcalc.run("funding_payment", {"side": 10**5000, "size": 1, "mark_price": 1, "funding_rate": 0})
    assert err.value.field == "side" and "bit integer" in err.value.message
    rows = [{"id": "a", "side": "long", "size": 10**400, "entry_price": 1, "mark_price": 1, "margin": 1}]
    with pytest.raises(InputError) as err:
        perpcalc.run("adl_ranking", {"positions": rows})
    assert err.value.field == "positions"
    example = dict(perpcalc.get("carry_trade").examples["default"])
    t0 = time.process_time()
    with pytest.raises(InputError) as err:
        perpcalc.run("carry_trade", {**example, "funding_rate": Decimal("1E-999999")})
    assert err.value.field == "funding_rate" and time.process_time() - t0 < 0.5
    out = perpcalc.run("carry_trade", {**example, "funding_rate": Decimal("1E-30")})
    assert abs(out["breakeven_intervals"]) < 1e40 and math.isfinite(out["breakeven_intervals"])
    deep = "[" * 100_000 + "]" * 100_000
    answer = json.loads(compute_json("socialized_loss", '{"profits": ' + deep + "}"))
    assert answer["ok"] is False and answer["error"]["field"] is None


def test_controls_are_visible_in_outputs() -> None:
    """Finding 12: bidi and other control characters are shown, not obeyed, in outputs."""
    rows = [{"id": "ab\u202ecd", "profit": 10}, {"id": "x\u2066y\u0000", "profit": 5}]
    out = json.loads(compute_json("socialized_loss", json.dumps({"deficit": 3, "profits": rows})))
    assert out["ok"]
    shown = json.dumps(out["display"], ensure_ascii=False)
    assert "\u202e" not in shown and "\u2066" not in shown and "\u0000" not in shown
    assert "ab⟨U+202E⟩cd" in shown and "⟨U+2066⟩" in shown and "⟨U+0000⟩" in shown
    assert visible_text("line one\nline\ttwo") == "line one\nline\ttwo"


# ---------------------------------------------------------------- hypothesis on top


@settings(max_examples=examples(400), deadline=None, database=None)
@given(st.one_of(st.text(max_size=60), st.floats(), st.integers(), st.decimals(), st.none(), st.booleans()))
def test_parse_decimal_gives_a_bounded_decimal_or_input_error(value: object) -> None:
    try:
        number = parse_decimal(value, "x", percent=True)
    except InputError as exc:
        assert exc.field == "x" and exc.message
        return
    assert number.is_finite() and (not number or abs(number.adjusted()) <= 30)
    assert len(number.as_tuple().digits) <= 34


@settings(max_examples=examples(400), deadline=None, database=None)
@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(min_value=-(10**400), max_value=10**400),
                 st.decimals(allow_nan=True, allow_infinity=True)),
       st.integers(min_value=0, max_value=12))
def test_format_number_never_raises_and_reads_as_a_number(value: object, places: int) -> None:
    text = format_number(value, places)  # type: ignore[arg-type]
    assert text and "e" not in text.lower() and len(text) < 60


@settings(max_examples=examples(300), deadline=None, database=None)
@given(st.text(max_size=40))
def test_visible_text_leaves_no_invisible_character(text: str) -> None:
    import unicodedata

    shown = visible_text(text)
    assert all(ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in shown)


@settings(max_examples=examples(150), deadline=None, database=None)
@given(name=st.sampled_from(NAMES), data=st.data())
def test_compute_json_on_arbitrary_json(name: str, data: st.DataObject) -> None:
    calc = perpcalc.get(name)
    leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30))
    junk = st.recursive(leaf, lambda kids: st.one_of(st.lists(kids, max_size=3),
                                                      st.dictionaries(st.text(max_size=5), kids, max_size=3)),
                        max_leaves=8)
    example = dict(calc.examples["default"])
    field = data.draw(st.sampled_from([f.name for f in calc.inputs]))
    inputs = {**example, field: data.draw(junk)}
    problems, _ = check_case(Case(name, field, inputs[field]), inputs)
    assert not problems, problems
