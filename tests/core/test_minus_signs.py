"""One minus sign in a sentence (issue 20): summaries write negatives with the display layer's
minus (U+2212), never a hyphen, also in the branches the worked examples do not reach."""

from __future__ import annotations

import re

import perpcalc
import pytest
from perpcalc import InputError

HYPHEN_NEGATIVE = re.compile(r"(?:^|[\s(=:])-\d")


def test_funding_series_summary_with_negative_rates() -> None:
    """A run of negative rates: negative mean, negative annualised mean and a negative φ."""
    example = perpcalc.get("funding_series").examples["default"]
    rates = "\n".join(["-0.01", "-0.02", "-0.015", "-0.01", "-0.03"] * 2)
    summary = perpcalc.run("funding_series", {**example, "source": "input", "rates": rates})["summary"]
    assert "\u2212" in summary and "φ = \u2212" in summary
    assert not HYPHEN_NEGATIVE.search(summary), summary


def test_adl_ranking_summary_with_losing_scores() -> None:
    """BitMEX scores a losing position negative (PnL % ÷ leverage): the summary says so with a minus."""
    book = "id, side, size, entry_price, mark_price, margin\nA, long, 2, 110, 100, 40\nB, long, 1, 120, 100, 50\n" \
           "C, short, 1, 90, 100, 20\nD, short, 2, 95, 100, 40"
    out = perpcalc.run("adl_ranking", {"method": "bitmex", "positions": book})
    text = " ".join(v for v in out.values() if isinstance(v, str))
    assert "score \u2212" in text, text
    assert not HYPHEN_NEGATIVE.search(text), text


def test_fair_price_refusal_names_a_negative_spread_with_a_minus() -> None:
    with pytest.raises(InputError) as err:
        perpcalc.run("perp_fair_price", {"funding_intensity": "0.5", "quote_rate": "0.1", "base_rate": "-0.6"})
    assert not HYPHEN_NEGATIVE.search(err.value.message), err.value.message
