"""Large spec-driven fuzz of perpcalc.run over the whole catalogue (CPython only).

At least 4,000 generated cases per run: valid, boundary and junk values for every field of
every calculator (the deterministic hostile grid in test_hostile_grid.py adds some 42,000
fixed cases, so this random part stays small enough for `make test`). Only InputError may
escape, and every result must be JSON with finite numbers. (tests/core runs a lighter
version of the same property in Pyodide too.)
"""

from __future__ import annotations

import json

import perpcalc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from perpcalc import InputError
from spec_strategies import example_variants, inputs_for
from test_contract import finite_json

NAMES = [c["name"] for c in perpcalc.catalog()]
TOTAL = examples(4_000)
PER_CALCULATOR = max(examples(100), -(-TOTAL // max(1, len(NAMES))))
@pytest.mark.parametrize("name", NAMES)
def test_run_survives_anything(name: str) -> None:
    """Each calculator gets its own share of the budget, counted here (no state shared
    between tests, so the result does not depend on which tests ran before)."""
    calc = perpcalc.get(name)
    count = 0

    @settings(max_examples=PER_CALCULATOR, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        nonlocal count
        inputs = data.draw(st.one_of(inputs_for(calc), example_variants(calc)))
        count += 1
        try:
            out = perpcalc.run(name, inputs)
        except InputError as exc:
            assert exc.message and (exc.field is None or isinstance(exc.field, str))
            return
        assert finite_json(out), out
        json.dumps(out, allow_nan=False)

    fuzz()
    assert count >= PER_CALCULATOR, f"{name}: {count} cases of {PER_CALCULATOR}"


def test_fuzz_budget_covers_the_catalogue() -> None:
    """Every calculator's share times the catalogue reaches the 4,000-case budget."""
    assert PER_CALCULATOR * len(NAMES) >= TOTAL
