"""Hypothesis strategies driven by calculator specs: valid, boundary and junk inputs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from perpcalc._spec import Calculator, Field

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.just(float("nan")),
    st.just(float("inf")),
    st.just(float("-inf")),
    st.sampled_from(["", " ", "nan", "NaN", "inf", "-Infinity", "1e999", "-1e999", "abc", "1,2", "0x10", "1/2",
                     "--1", "1e-999", "<script>alert(1)</script>", "5%", "١٢", "1_000", "1,000.5", "−3"]),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
)


def _bound(value: Any, fallback: Decimal) -> Decimal:
    return Decimal(str(value)) if value is not None else fallback


def valid_number(f: Field) -> st.SearchStrategy[Any]:
    lo = _bound(f.min, Decimal(-1_000_000))
    hi = _bound(f.max, Decimal(1_000_000))
    hi = min(hi, lo + Decimal(10_000_000))
    if f.type == "integer":
        return st.integers(min_value=int(lo), max_value=int(hi))
    numbers = st.decimals(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False, places=6)
    edges = st.sampled_from([lo, hi, Decimal(0), Decimal(1), Decimal("0.0001")]).filter(lambda d: lo <= d <= hi)
    return st.one_of(numbers.map(str), numbers.map(float), edges.map(str))


def field_value(f: Field, junk: bool = True) -> st.SearchStrategy[Any]:
    if f.type == "choice":
        good: st.SearchStrategy[Any] = st.sampled_from(f.choices)
    elif f.type == "text":
        good = st.text(max_size=20)
    elif f.type == "list":
        row = st.fixed_dictionaries({c.name: field_value(c, junk=False) for c in f.columns})
        good = st.lists(row, min_size=0, max_size=6)
    else:
        good = valid_number(f)
    return st.one_of(good, good, good, JUNK) if junk else good


def inputs_for(calc: Calculator) -> st.SearchStrategy[dict[str, Any]]:
    """Mostly-valid input mappings for ``calc``: each field may be valid, junk or left out."""
    fields = {f.name: st.one_of(field_value(f), st.just(_OMIT)) for f in calc.inputs}
    extra = st.one_of(st.just({}), st.dictionaries(st.sampled_from(["bogus", "SIZE", ""]), st.integers(), max_size=1))
    return st.tuples(st.fixed_dictionaries(fields), extra).map(
        lambda pair: {**{k: v for k, v in pair[0].items() if v is not _OMIT}, **pair[1]}
    )


def example_variants(calc: Calculator) -> st.SearchStrategy[dict[str, Any]]:
    """The default example with one field replaced by a valid, boundary or junk value."""
    base = dict(calc.examples["default"])
    return st.sampled_from(calc.inputs).flatmap(
        lambda f: field_value(f).map(lambda v, f=f: {**base, f.name: v})
    )


_OMIT = object()
