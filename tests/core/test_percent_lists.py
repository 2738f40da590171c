"""Rates in list fields through the Python contract (issue 20, trap 1).

``perpcalc.run`` keeps fractions: a bare number in a list of rates is a fraction per
interval, and ``0.01%`` is a percent, as in a single rate field. The page sends what a reader
types in percent with ``%`` on each rate, so both spellings must give the same answer. A list
of one column takes its values one per line or separated by commas.
"""

from __future__ import annotations

from decimal import Decimal

import perpcalc
import pytest
from hypothesis import given
from hypothesis import strategies as st
from perpcalc import InputError
from perpcalc.parse import parse_rows

BINANCE = ["0.01", "0.012", "-0.005", "0.008"]  # as Binance prints them, in percent


def test_bare_list_rates_are_fractions_and_marked_ones_percent() -> None:
    bare = perpcalc.run("funding_series", {"source": "input", "rates": ", ".join(BINANCE)})
    marked = perpcalc.run("funding_series", {"source": "input", "rates": ", ".join(r + "%" for r in BINANCE)})
    # (0.01 + 0.012 − 0.005 + 0.008) / 4 = 0.00625: a fraction read bare, a percentage with %
    assert bare["count"] == marked["count"] == 4
    assert bare["mean"] == 0.00625 and marked["mean"] == 0.0000625
    assert marked["min"] == -0.00005 and marked["max"] == 0.00012


@pytest.mark.parametrize(
    ("name", "field", "extra"),
    [
        ("funding_series", "rates", {"source": "input"}),
        ("funding_forecast", "rates", {"source": "input", "holdout": 2, "horizon": 1}),
        ("funding_exposure", "rates", {}),
        ("predicted_funding", "premiums", {}),
        ("funding_schedule", "premiums", {}),
    ],
)
def test_every_list_of_rates_reads_percent_as_the_same_fractions(name: str, field: str, extra: dict) -> None:
    """Every calculator with a list of rates or premium samples: ``x%`` in the list is x/100."""
    calc = perpcalc.get(name)
    column = calc.field(field).columns[0]
    assert column.percent and column.unit == "fraction"
    fractions = ["0.0001", "0.00012", "-0.00005", "0.00008"] * 4
    percents = [f"{Decimal(r) * 100}%" for r in fractions]
    example = {**{k: v for k, v in calc.examples["default"].items() if k != field}, **extra}
    header = column.name
    as_fractions = perpcalc.run(name, {**example, field: header + "\n" + "\n".join(fractions)})
    as_percent = perpcalc.run(name, {**example, field: header + "\n" + "\n".join(percents)})
    on_one_line = perpcalc.run(name, {**example, field: ", ".join(percents)})
    as_rows = perpcalc.run(name, {**example, field: [{column.name: p} for p in percents]})
    assert as_fractions == as_percent == on_one_line == as_rows


def test_tier_rates_in_a_list_read_percent_too() -> None:
    fractions = perpcalc.run("margin_tier", {"notional": 100000, "tiers": "floor, mmr\n0, 0.004\n50000, 0.005"})
    percents = perpcalc.run("margin_tier", {"notional": 100000, "tiers": "floor, mmr\n0, 0.4%\n50000, 0.5%"})
    assert fractions == percents and fractions["mmr"] == 0.005


def test_one_column_takes_comma_separated_values_and_refuses_a_second_column() -> None:
    f = perpcalc.get("funding_series").field("rates")
    assert parse_rows("0.01, 0.012,\n-0.005", f) == [{"rate": "0.01"}, {"rate": "0.012"}, {"rate": "-0.005"}]
    assert parse_rows("rate\n0.01, 0.012", f) == [{"rate": "0.01"}, {"rate": "0.012"}]
    with pytest.raises(perpcalc.InputError, match="unknown column 'x'"):
        parse_rows("rate, x\n1, 2", f)
    with pytest.raises(perpcalc.InputError, match="at most"):
        parse_rows(", ".join(["0.01"] * (f.max_items + 1)), f)


@given(st.lists(st.decimals(min_value=-1, max_value=1, places=6), min_size=1, max_size=40))
def test_a_list_in_percent_means_the_fractions_a_hundred_times_smaller(values: list[Decimal]) -> None:
    """Property: for any rates, the list typed in percent (as the page sends it) gives the
    statistics of the same rates as fractions."""
    percent = ", ".join(f"{v}%" for v in values)
    fractions = ", ".join(str(v / 100) for v in values)
    a = perpcalc.run("funding_series", {"source": "input", "rates": percent})
    b = perpcalc.run("funding_series", {"source": "input", "rates": fractions})
    assert a["mean"] == b["mean"] and a["min"] == b["min"] and a["count"] == len(values)


@pytest.mark.parametrize("text, shown", [("0,01", "0,01"), ("0,01%", "0,01%"), ("-0,005", "-0,005"),
                                         ("0.01\n1,5", "1,5"), ("65,000.00", "65,000.00"), ("0%,01%", "0%,01%")])
def test_a_decimal_comma_in_a_one_column_list_is_refused(text: str, shown: str) -> None:
    """Review of issue 20: typed as a German-locale export writes it, '0,01' was read as two settlements,
    0 % and 1 % (a comma separates values in a one-column list). A comma between a whole number and a
    digit is a decimal comma or a thousands separator: refused, naming the line and the text."""
    example = dict(perpcalc.get("funding_exposure").examples["default"])
    with pytest.raises(InputError) as err:
        perpcalc.run("funding_exposure", dict(example, rates=text))
    assert err.value.field == "rates" and repr(shown) in err.value.message, err.value.message


@pytest.mark.parametrize("text, count", [("0.01, 0.012, -0.005", 3), ("0.01,0.012,-0.005", 3), ("1%, 5%", 2),
                                         ("rate\n0.01\n0.02", 2), ("0.01%,0.02%", 2)])
def test_separating_commas_still_separate(text: str, count: int) -> None:
    example = dict(perpcalc.get("funding_exposure").examples["default"])
    assert perpcalc.run("funding_exposure", dict(example, rates=text))["intervals"] == count
