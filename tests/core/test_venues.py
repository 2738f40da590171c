"""perpcalc.venues: the funding rules are complete, documented, and match the venues' own figures."""

from __future__ import annotations

import ast
import dataclasses
from decimal import Decimal
from pathlib import Path

import perpcalc
import pytest
from perpcalc import venues
from perpcalc.funding import METHODS, SCALINGS, SHORTENINGS, WEIGHTINGS
from perpcalc.venues import FUNDING_VENUES, binance_cap, bitmex_cap, dydx_cap, funding_preset

D = Decimal
SEVEN = {"binance", "bybit", "okx", "bitmex", "deribit", "hyperliquid", "dydx"}


def test_seven_venues() -> None:
    # the seven order-book venues, plus Drift (hourly funding at P/24); GMX v2 and Jupiter Perps
    # have a borrow record instead of a funding record
    assert set(FUNDING_VENUES) == SEVEN | {"drift"}
    assert all(k == r.key for k, r in FUNDING_VENUES.items())


@pytest.mark.parametrize("key", sorted(SEVEN | {"drift"}))
def test_every_record_is_well_formed(key: str) -> None:
    r = FUNDING_VENUES[key]
    assert r.method in METHODS and r.scaling in SCALINGS and r.averaging in WEIGHTINGS
    assert r.shortening in SHORTENINGS
    assert r.interval_hours > 0 and 1 <= r.shortest_interval_hours <= r.interval_hours
    assert r.cap is None or 0 < r.cap < 1
    assert r.payment_price in {"mark", "oracle"}
    assert r.source.startswith("https://") and r.as_of and r.confidence and r.cap_rule and r.note
    assert all(isinstance(x, Decimal) for x in (r.interest_rate, r.clamp, r.dead_band, r.interval_hours))


def test_module_docstring_explains_every_field() -> None:
    doc = venues.__doc__ or ""
    for f in dataclasses.fields(venues.FundingRules):
        if f.name in {"key", "name", "cap_rule", "sampling", "shortest_interval_hours"}:
            continue
        assert f"``{f.name}``" in doc, f.name


def test_venues_imports_no_calculator_module() -> None:
    """funding.py imports venues; the venues package must stay pure data: its modules import
    the standard library's data types and each other, nothing else of perpcalc."""
    package = Path(venues.__file__).parent
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        outside = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0}
        outside |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert outside <= {"__future__", "collections.abc", "dataclasses", "decimal", "types", "typing"}, path.name
        assert all(n.level == 1 for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level), path.name


def test_bitmex_cap_from_margins() -> None:
    """BitMEX guide: 75 % × (IM 1 % − MM 0.5 %) = 0.375 %."""
    assert bitmex_cap(D("0.01"), D("0.005")) == D("0.00375") == FUNDING_VENUES["bitmex"].cap


def test_binance_cap_from_mmr() -> None:
    """Binance ADAUSDT example: 0.75 × MMR 0.65 % = 0.4875 %; 0.75 × 0.40 % = the 0.30 % used for BTC."""
    assert binance_cap(D("0.0065")) == D("0.004875")
    assert binance_cap(D("0.004")) == FUNDING_VENUES["binance"].cap


def test_dydx_cap_from_margin_fractions() -> None:
    """dYdX v4: |R₈| ≤ 600 % × (IMF − MMF): 5 % and 3 % → 12 % per 8 h, 1.5 % per hourly settlement."""
    assert dydx_cap(D("0.05"), D("0.03"), D(8)) == D("0.12")
    assert dydx_cap(D("0.05"), D("0.03")) == FUNDING_VENUES["dydx"].cap


def test_hyperliquid_and_interest_figures() -> None:
    hl = FUNDING_VENUES["hyperliquid"]
    assert hl.interval_hours == 1 and hl.cap == D("0.04") and hl.payment_price == "oracle"
    # 0.01 % per 8 h is 0.00125 % an hour, 10.95 % a year simple
    assert hl.interest_rate / 8 == D("0.0000125") and hl.interest_rate / 8 * 8760 == D("0.1095")
    assert FUNDING_VENUES["okx"].interest_rate == 0 and FUNDING_VENUES["okx"].method == "premium"
    assert FUNDING_VENUES["deribit"].dead_band == D("0.00025") and FUNDING_VENUES["deribit"].cap is None


def test_shakey_figures_are_flagged() -> None:
    for key in ("binance", "bybit", "dydx"):
        assert "L" in FUNDING_VENUES[key].confidence


def test_presets_name_real_fields() -> None:
    for calc_name in ("funding_rate", "predicted_funding", "funding_schedule"):
        calc = perpcalc.get(calc_name)
        names = {f.name for f in calc.inputs}
        for table in calc.presets.values():
            for values in table.values():
                assert set(values) <= names, calc_name
    assert set(funding_preset("binance")) <= {f.name for f in perpcalc.get("funding_rate").inputs}


def test_cap_8h() -> None:
    assert FUNDING_VENUES["hyperliquid"].cap_8h == D("0.32")
    assert FUNDING_VENUES["deribit"].cap_8h is None
