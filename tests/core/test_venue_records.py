"""Venue rules are data: every per-venue choice in the calculators comes from a record.

Sources of the records are in perpcalc/venues/<venue>.py; these tests check that the records are
complete and that the calculators derive from them (choices, presets, formula dispatch,
formula text, ignored inputs), and that a preset never beats a field the reader set.

The on-chain venues (Drift, GMX v2, Jupiter Perps) through the calculators that read them:
Jupiter's liquidation formula (docs, "Liquidation") on a worked position written out in the
docstring; Drift's hourly P/24 (its funding docs); the rest are derivations.
"""

from __future__ import annotations

import ast
import re
from dataclasses import MISSING, fields
from decimal import Decimal
from pathlib import Path

import perpcalc
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from perpcalc import margin, venues
from perpcalc.insolvency import ADL_METHODS
from perpcalc.margin import entry_value_liquidation_price, unrealized_pnl
from perpcalc.venues import (
    FUNDING_VENUES,
    LOSS_VENUES,
    MARGIN_VENUES,
    VENUES,
    BorrowRule,
    LossRule,
    Venue,
    margin_preset,
)

D = Decimal
LIQ = perpcalc.get("liquidation_price")


def test_every_record_part_is_dated_and_sourced() -> None:
    for key, venue in VENUES.items():
        assert venue.key == key and venue.name
        parts = [p for p in (venue.funding, venue.margin, venue.loss, venue.borrow) if p is not None]
        assert parts, key
        for part in parts:
            assert part.source.startswith("https://"), (key, type(part).__name__)
            assert part.as_of and part.confidence, (key, type(part).__name__)


def test_margin_records_name_a_formula_the_math_has() -> None:
    for key, rule in MARGIN_VENUES.items():
        assert rule.formula in margin.FORMULAS, key
        assert rule.valued_at in ("mark", "entry"), key
        assert "linear" in rule.formula_text, key
        assert rule.tier_table is None or rule.tier_table in venues.TIER_TABLES, key
    assert margin.LIQUIDATION_FORMULAS.keys() == MARGIN_VENUES.keys()


def test_loss_records_name_a_ranking_the_math_has() -> None:
    for key, rule in LOSS_VENUES.items():
        assert rule.adl is None or rule.adl in ADL_METHODS, key
    assert {r.adl for r in LOSS_VENUES.values() if r.adl} == set(ADL_METHODS)


def test_liquidation_choices_and_presets_come_from_the_records() -> None:
    spec = LIQ.spec()
    venue = next(f for f in spec["inputs"] if f["name"] == "venue")
    assert venue["choices"] == list(MARGIN_VENUES)
    presets = spec["presets"]["venue"]
    for key in MARGIN_VENUES:
        expected = {k: float(v) if isinstance(v, Decimal) else v for k, v in margin_preset(key).items()}
        assert presets.get(key, {}) == expected, key
    assert spec["preset_rule"] == "fill_unset"


@pytest.mark.parametrize("key", [k for k in MARGIN_VENUES if MARGIN_VENUES[k].default_mmr is not None])
def test_a_field_the_reader_set_beats_the_preset(key: str) -> None:
    """Same rule as the browser's: the reader's MMR wins; an unset MMR takes the record's."""
    base = {"venue": key, "side": "long", "entry_price": "50000", "size": "1", "leverage": "10"}
    if MARGIN_VENUES[key].default_contract == "inverse":
        base["size"] = "50000"
    preset = perpcalc.run("liquidation_price", base)["formula"]
    mmr = MARGIN_VENUES[key].default_mmr
    assert f"MMR used: {mmr * 100:f}".rstrip("0").rstrip(".") in preset
    mine = perpcalc.run("liquidation_price", {**base, "mmr": "0.02"})["formula"]
    assert "MMR used: 2 %" in mine


def test_formula_text_is_the_records() -> None:
    base = {"side": "long", "entry_price": "50000", "size": "1", "leverage": "10"}
    for key, rule in MARGIN_VENUES.items():
        text = perpcalc.run("liquidation_price", {**base, "venue": key, "contract": "linear"})["formula"]
        assert text.startswith(rule.text("linear")), key


def test_inputs_a_venue_does_not_use_are_named() -> None:
    base = {"side": "long", "entry_price": "50000", "size": "1", "leverage": "10", "maintenance_amount": "5",
            "taker_fee": "0.0005", "contract": "linear"}
    for key, rule in MARGIN_VENUES.items():
        text = perpcalc.run("liquidation_price", {**base, "venue": key})["formula"]
        assert ("maintenance amount" in text.split("Not used")[-1]) == (not rule.maintenance_amount), key
        assert ("taker fee" in text.split("Not used")[-1]) == (not rule.fee_to_close), key


def test_linear_only_venues_refuse_inverse() -> None:
    for key, rule in MARGIN_VENUES.items():
        inputs = {"venue": key, "contract": "inverse", "side": "long", "entry_price": "50000", "size": "50000"}
        if rule.inverse:
            assert perpcalc.run("liquidation_price", inputs)["liquidation_price"] > 0
        else:
            with pytest.raises(perpcalc.InputError) as err:
                perpcalc.run("liquidation_price", inputs)
            assert err.value.field == "contract"
            # a venue that lists inverse contracts is not said to list linear ones only
            said = str(err.value)
            assert ("lists only linear" in said) == (not rule.inverse_gap), said


def test_deribit_inverse_perpetuals_are_listed_but_not_modelled() -> None:
    """Deribit's BTC-PERPETUAL is coin-margined: the record must not claim linear-only."""
    rule = MARGIN_VENUES["deribit"]
    assert not rule.inverse and "inverse" in rule.inverse_gap
    with pytest.raises(perpcalc.InputError, match="BTC-PERPETUAL") as err:
        margin.liquidation_price("deribit", margin.Position("long", Decimal(1), Decimal(50000), "inverse"),
                                 Decimal("0.01"), leverage=Decimal(10))
    assert err.value.field == "position"


def test_dispatch_reproduces_the_published_example_by_venue() -> None:
    """Bybit "Liquidation Price (USDT Contract)": long 1 BTC at 20,000, 50x, MMR 0.5 % → 19,700;
    Hyperliquid docs: long 1 at 50,000, margin 5,000, l = 1 % → 45,454.55 (both via the table)."""
    long = margin.Position("long", D(1), D(20000))
    assert margin.liquidation_price("bybit", long, D("0.005"), leverage=D(50)).liquidation_price == D(19700)
    hl = margin.liquidation_price("hyperliquid", margin.Position("long", D(1), D(50000)), D("0.01"), margin=D(5000))
    assert round(hl.liquidation_price, 2) == D("45454.55")
    with pytest.raises(perpcalc.InputError) as err:
        margin.liquidation_price("nowhere", long, D("0.005"), leverage=D(5))
    assert err.value.field == "venue"


def test_a_pool_venue_fits_the_schema() -> None:
    """Pool venues (a borrow fee instead of or besides funding; a pool absorbs losses) need
    no funding or margin part."""
    pool = Venue(
        key="pool",
        name="A pool venue",
        borrow=BorrowRule(model="utilisation", rate_rule="hourly rate × utilisation", paid_to="pool",
                          source="https://example.org", as_of="2026", confidence="L"),
        loss=LossRule(insurance_fund="none", adl=None, adl_text="none", socialisation="none",
                      pool="liquidity providers take the other side of every trade",
                      source="https://example.org", as_of="2026", confidence="L"),
    )
    assert pool.funding is None and pool.margin is None
    required = {f.name for f in fields(Venue) if f.default is MISSING and f.default_factory is MISSING}
    assert required == {"key", "name"}


# ------------------------------------------------------------------ one module per venue

PACKAGE = Path(perpcalc.__file__).parent


def test_each_venue_lives_in_its_own_module() -> None:
    """``perpcalc.venues.MODULES`` lists one module per venue, named by the venue's key, and
    every module of the package except the shared types is a venue."""
    assert [m.VENUE.key for m in venues.MODULES] == list(VENUES)
    for module in venues.MODULES:
        assert module.__name__ == f"perpcalc.venues.{module.KEY}" and module.VENUE.key == module.KEY
    files = {p.stem for p in (PACKAGE / "venues").glob("*.py")} - {"__init__", "_types"}
    assert files == set(VENUES)


def test_every_record_is_consistent_with_its_parts() -> None:
    for key, v in VENUES.items():
        if v.funding is not None:
            f = v.funding
            assert f.key == key and f.interval_hours > 0 and f.shortest_interval_hours <= f.interval_hours, key
            assert f.method in venues.FUNDING_METHODS and f.scaling in venues.SCALINGS, key
            assert f.averaging in venues.AVERAGINGS and f.shortening in venues.SHORTENINGS, key
            assert f.cap is None or f.cap > 0, key
        if v.margin is not None:
            assert v.margin.default_contract in venues.CONTRACTS, key
            assert v.margin.tier_table is None or v.margin.tier_table in v.tier_tables, key
            assert not v.margin.mmr_from_max_leverage or v.margin.maintenance_fraction(D(50)) == D("0.01"), key
        assert v.settles_in in (None, "USDT", "USDC"), key
        assert v.mark_method is None or v.mark_method in venues.MARK_METHODS, key
        assert v.cap_from_margin is None or (v.funding is not None and v.cap_from_margin.text), key
        assert all(m > 0 for m in v.impact_margin.values()) and all(c > 0 for c in v.funding_caps.values()), key
        for table in v.tier_tables.values():
            floors = [D(f) for f, _ in table.tiers]
            assert floors[0] == 0 and floors == sorted(floors) and table.source and table.as_of, key
        for schedule in v.tier_schedules.values():
            assert schedule.source.startswith("https://") and schedule.as_of, key
        if v.export is not None:
            # a venue whose API fields are recorded has a file read through them
            assert v.export.rates and any(f.reader is None for f in v.funding_files), key
        for f in v.funding_files:
            assert f.key.startswith(f"{key}_") and f.what and f.fields, key
            assert f.reader is not None or v.export is not None, key
            assert all(name == name.lower() for name in f.fields | f.one_of), f.key
        for ledger in v.payment_files:
            assert ledger.key.startswith(f"{key}_") and ledger.what and ledger.sign in (1, -1), key
            assert all(name == name.lower() for name in ledger.fields), ledger.key
    files = [f for v in VENUES.values() for f in v.funding_files]
    assert len({f.key for f in files}) == len(files) and len({f.detect_order for f in files}) == len(files)


VENUE_KEY = re.compile("|".join(sorted(VENUES)))


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (module, class, function)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def test_no_venue_key_is_quoted_outside_the_venues_package() -> None:
    """Code outside ``perpcalc.venues`` reaches a venue through its record or its module
    (``binance.KEY``), never by writing its key: a venue is added or renamed in one file.
    Docstrings (doctest calls with a key) are prose and are not scanned."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "venues" in path.relative_to(PACKAGE).parts[:1]:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
                    and VENUE_KEY.fullmatch(node.value)):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}")
    assert not found, "\n".join(found)


# ------------------------------------------------------------------ the on-chain venues


def test_every_venue_answers_three_questions() -> None:
    """What it charges to hold a position (funding or a borrow fee), when it liquidates, and
    who pays a loss beyond the margin: every record answers all three."""
    for key, v in VENUES.items():
        assert v.loss is not None and v.margin is not None, key
        assert v.funding is not None or v.borrow is not None, key
    assert "drift" in FUNDING_VENUES and "gmx_v2" not in FUNDING_VENUES
    assert {"drift", "gmx_v2", "jupiter", "deribit"} <= set(MARGIN_VENUES)
    assert LOSS_VENUES["jupiter"].pool and LOSS_VENUES["gmx_v2"].pool


def test_drift_preset_pays_one_24th_an_hour() -> None:
    """Drift: premium 0.24 % → 0.01 % per hour (0.08 % per 8 h); a 10 % premium hits the 0.125 % tier-B cap."""
    out = perpcalc.run("funding_rate", {"venue": "drift", "premium_index": "0.0024"})
    assert out["funding_rate"] == pytest.approx(0.0001)
    assert out["rate_8h"] == pytest.approx(0.0008)
    assert perpcalc.run("funding_rate", {"venue": "drift", "premium_index": "0.1"})["funding_rate"] == 0.00125


def test_funding_by_venue_lists_drift_correctly() -> None:
    rows = {r["venue"]: r for r in perpcalc.run("funding_by_venue", {"premium_index": "0.0024"})["venues"]}
    assert rows["drift"]["funding_rate"] == pytest.approx(0.0001)


def test_jupiter_liquidation_price_from_its_formula() -> None:
    """Jupiter docs: LP(long) = price − (collateral − close fee − borrow fee − size/500) × price / size.
    Size 10,000 USD at 100, collateral 1,000, close fee 6 (0.06 %), borrow fee 4:
    100 − (1,000 − 6 − 4 − 20) × 100 / 10,000 = 90.3. Through the calculator the close fee is the
    taker fee on the size and the borrow fee is taken off the margin (996)."""
    out = perpcalc.run("liquidation_price", {"venue": "jupiter", "side": "long", "entry_price": 100, "size": 100,
                                             "margin": 996, "taker_fee": "0.0006"})
    assert out["liquidation_price"] == pytest.approx(90.3)
    short = perpcalc.run("liquidation_price", {"venue": "jupiter", "side": "short", "entry_price": 100,
                                               "size": 100, "margin": 996, "taker_fee": "0.0006"})
    assert short["liquidation_price"] == pytest.approx(109.7)


@given(side=st.sampled_from(["long", "short"]), ep=st.decimals(min_value=1, max_value=10**5, places=2),
       lev=st.decimals(min_value=1, max_value=200, places=1),
       m=st.decimals(min_value=D("0.001"), max_value=D("0.02"), places=4),
       t=st.decimals(min_value=0, max_value=D("0.001"), places=5))
@settings(max_examples=examples(200))
def test_entry_value_condition_holds_at_the_price(side, ep, lev, m, t) -> None:
    """At the entry-value liquidation price, collateral − fee + PnL = m × size at entry."""
    q = D(5)
    c = q * ep / lev
    assume(c > (m + t) * q * ep)
    lp = entry_value_liquidation_price(side, q, ep, c, m, t)
    assume(lp is not None)
    equity = c - t * q * ep + unrealized_pnl(side, q, ep, lp)
    assert float(equity) == pytest.approx(float(m * q * ep), rel=1e-9, abs=1e-9)


def test_gmx_v2_and_drift_in_the_liquidation_calculator() -> None:
    """GMX v2 short 100 at 100, 10x, min collateral 1 %, close fee 0.06 %: LP = 100 + (1,000 − 6 − 100) / 100 = 108.94.
    Drift long at the mark: (100 × 100 − 1,000) / (100 × (1 − 0.05)) = 94.7368."""
    gmx = perpcalc.run("liquidation_price", {"venue": "gmx_v2", "side": "short", "entry_price": 100, "size": 100,
                                             "leverage": 10, "mmr": "0.01", "taker_fee": "0.0006"})
    assert gmx["liquidation_price"] == pytest.approx(108.94)
    drift = perpcalc.run("liquidation_price", {"venue": "drift", "side": "long", "entry_price": 100, "size": 100,
                                               "leverage": 10, "mmr": "0.05"})
    assert drift["liquidation_price"] == pytest.approx(9000 / 95)


def test_deribit_margin_record_points_to_the_size_rule() -> None:
    rule = MARGIN_VENUES["deribit"]
    assert "0.005 % per BTC" in rule.mmr_rule
    out = perpcalc.run("liquidation_price", {"venue": "deribit", "side": "long", "entry_price": 100000, "size": 25,
                                             "leverage": 20, "mmr": "0.01125"})
    assert out["liquidation_price"] == pytest.approx((25 * 100000 - 125000) / (25 * (1 - 0.01125)))
