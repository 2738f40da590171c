"""The calculator contract: run, catalog, InputError — for every calculator in the catalogue."""

from __future__ import annotations

import json
import math
from decimal import Decimal

import perpcalc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from perpcalc import InputError
from perpcalc import page as page_entry
from perpcalc._spec import Field
from perpcalc.parse import parse_decimal
from spec_strategies import example_variants, inputs_for

NAMES = [c["name"] for c in perpcalc.catalog()]
CONTRACT = """premium_index funding_rate funding_payment funding_annualized perp_fair_price liquidation_price
margin_tier liquidation_outcome adl_ranking adl_execution socialized_loss""".split()


def finite_json(value: object) -> bool:
    """True when ``value`` is JSON made of finite numbers, strings, bools, None, lists, dicts."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, (int, str, bool)) or value is None:
        return True
    if isinstance(value, list):
        return all(finite_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and finite_json(v) for k, v in value.items())
    return False


def test_catalog_specs_are_complete_and_json() -> None:
    specs = perpcalc.catalog()
    json.dumps(specs, allow_nan=False)
    assert len({s["name"] for s in specs}) == len(specs)
    for s in specs:
        assert s["title"] and s["summary"] and s["inputs"] and s["outputs"]
        assert s["terms"], f"{s['name']} names no term page"
        for f in s["inputs"]:
            assert f["name"] and f["label"] and f["type"]
        for o in s["outputs"]:
            assert o["name"] and o["label"] and o["format"]


@pytest.mark.parametrize("name", NAMES)
def test_every_example_runs_and_is_finite_json(name: str) -> None:
    calc = perpcalc.get(name)
    for key, example in calc.examples.items():
        out = perpcalc.run(name, example)
        assert set(out) == {o.name for o in calc.outputs}, key
        assert finite_json(out), key
        json.dumps(out, allow_nan=False)
        shown = page_entry.compute(name, example)
        assert shown["ok"] and set(shown["display"]) == set(out)


def test_unknown_calculator_and_fields() -> None:
    with pytest.raises(InputError) as err:
        perpcalc.run("no_such_calculator", {})
    assert err.value.field is None and "unknown calculator" in str(err.value)
    with pytest.raises(InputError) as err:
        perpcalc.run("funding_payment", {"side": "long", "sise": 1})
    assert err.value.field == "sise"
    with pytest.raises(InputError) as err:
        perpcalc.run("funding_payment", {"side": "long", "mark_price": 1, "funding_rate": 0})
    assert err.value.field == "size" and "required" in str(err.value)
    with pytest.raises(InputError) as err:
        perpcalc.run("funding_payment", ["side", "long"])  # type: ignore[arg-type]
    assert err.value.field is None


@pytest.mark.parametrize(
    "value, message",
    [
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        ("nan", "number"),
        ("Infinity", "number"),
        ("1e999", "range"),
        (True, "not true/false"),
        ([1], "number"),
        ({"a": 1}, "number"),
        ("1,5", "dot for decimals"),
        ("5%", "without %"),
        ("<b>1</b>", "number"),
        (0, "> 0"),
        (-1, "> 0"),
    ],
)
def test_junk_numbers_name_the_field(value: object, message: str) -> None:
    inputs = dict(perpcalc.get("funding_payment").examples["default"], size=value)
    with pytest.raises(InputError) as err:
        perpcalc.run("funding_payment", inputs)
    assert err.value.field == "size"
    assert message in err.value.message


def test_numbers_accept_int_float_string_percent_and_thousands() -> None:
    f = Field("x", "x", percent=True)
    assert parse_decimal(3, "x") == 3
    assert parse_decimal(0.1, "x") == Decimal("0.1")
    assert parse_decimal(" 1,000.5 ", "x") == Decimal("1000.5")
    assert parse_decimal("1_000", "x") == 1000
    assert parse_decimal("−2", "x") == -2  # a typographic minus, as pasted from the page
    assert parse_decimal("0.01%", "x", percent=f.percent) == Decimal("0.0001")
    assert parse_decimal("1e-4", "x") == Decimal("0.0001")


def test_choices_are_case_insensitive_and_strict() -> None:
    ex = dict(perpcalc.get("funding_payment").examples["default"])
    assert perpcalc.run("funding_payment", dict(ex, side=" SHORT "))["payment"] > 0
    with pytest.raises(InputError) as err:
        perpcalc.run("funding_payment", dict(ex, side="sideways"))
    assert err.value.field == "side" and "long, short" in err.value.message


def test_compute_never_raises_and_reports_field() -> None:
    bad = page_entry.compute("funding_payment", {"side": "long", "size": "x", "mark_price": 1, "funding_rate": 0})
    assert bad == {"ok": False, "error": {"field": "size", "message": "Position size must be a number (got 'x')"}}
    assert json.loads(page_entry.compute_json("funding_payment", "{not json"))["ok"] is False
    assert page_entry.compute("nope", {})["error"]["field"] is None


@pytest.mark.parametrize("name", CONTRACT)
def test_contract_calculators_are_catalogued(name: str) -> None:
    assert name in NAMES


#: this test's cases per calculator; tests/fuzz/test_catalog_fuzz.py draws the rest of the run's budget
CONTRACT_DRAWS = examples(60)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=CONTRACT_DRAWS, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fuzz_only_input_error_escapes(name: str, data: st.DataObject) -> None:
    """Spec-driven fuzzing: valid, boundary and junk values; only InputError may escape and
    every result is JSON with finite numbers (in Pyodide too: tests/core runs there; in CPython
    tests/fuzz/test_catalog_fuzz.py draws more cases of the same property)."""
    calc = perpcalc.get(name)
    inputs = data.draw(st.one_of(inputs_for(calc), example_variants(calc)))
    try:
        out = perpcalc.run(name, inputs)
    except InputError as exc:
        assert exc.field is None or isinstance(exc.field, str)
        assert exc.message
        return
    assert finite_json(out)
    json.dumps(out, allow_nan=False)
