"""Large spec-driven fuzz of perpcalc.run over the whole catalogue (CPython only).

At least 4,000 generated cases per run: valid, boundary and junk values for every field of
every calculator (the deterministic hostile grid in test_hostile_grid.py adds some 42,000
fixed cases, so this random part stays small enough for `make test`). Only InputError may
escape, and every result must be JSON with finite numbers.

tests/core/test_contract.py checks the same property with the same strategies on fewer cases
per calculator (``CONTRACT_DRAWS``), so that the Pyodide run of tests/core has it too; in
CPython both run, and this test draws only what the budget still needs beyond those cases
(until 2026-12-07 it drew its whole share on top of them: 2,220 of 6,220 cases per run spent
twice on the same property).
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
from test_contract import CONTRACT_DRAWS, finite_json

NAMES = [c["name"] for c in perpcalc.catalog()]
TOTAL = examples(4_000)
#: cases per calculator across both tests of the property
SHARE = max(examples(100), -(-TOTAL // max(1, len(NAMES))))
#: this test's draws: the share less test_contract's
PER_CALCULATOR = SHARE - CONTRACT_DRAWS
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
    """Every calculator's draws here and in test_contract reach the 4,000-case budget, each test
    drawing some."""
    assert PER_CALCULATOR > 0 and CONTRACT_DRAWS > 0
    assert (PER_CALCULATOR + CONTRACT_DRAWS) * len(NAMES) >= TOTAL
