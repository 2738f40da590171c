"""Issue 20, trap 3, on a phone: a trader asks "how likely am I to be auto-deleveraged?", enters
their own position and reads their score and what it means; the ranking calculator beside it
refuses a book of one instead of calling that position first in line."""

from __future__ import annotations

import perpcalc
import pytest
from helpers import Tab, page_of

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "service_workers": "block"}
FRESH = "n => { const f = document.querySelector(`form.perpcalc[data-calculator=\"${n}\"]`); " \
        "return f.dataset.state === 'ready' && f.dataset.stale === 'false'; }"
# the reader's own position: a 20x Hyperliquid short, 10 % in profit
MINE = {"venue": "hyperliquid", "side": "short", "size": "2", "entry_price": "3000", "mark_price": "2700",
        "leverage": "20"}


def _on_screen(locator: object) -> bool:
    box = locator.bounding_box()
    return box is not None and box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_phone_reader_enters_own_position_and_sees_score_and_meaning(
    browser: object, server: str, built_site: dict
) -> None:
    ctx = browser.new_context(**PHONE)
    tab = Tab(ctx, server)
    try:
        path = page_of(built_site, "adl_score")
        assert path == page_of(built_site, "adl_ranking"), "the own-score calculator sits beside the ranking"
        tab.goto(path)
        tab.wait_ready("adl_score")
        form = tab.form("adl_score")
        form.locator('[name="venue"]').select_option(MINE["venue"])
        form.locator('[name="side"]').select_option(MINE["side"])
        for name in ("size", "entry_price", "mark_price", "leverage"):
            form.locator(f'[name="{name}"]').fill(MINE[name])
        tab.wait(FRESH, "adl_score", timeout=30)
        expected = perpcalc.run("adl_score", MINE)
        out = tab.outputs("adl_score")
        assert out["score"]["value"] == pytest.approx(expected["score"], rel=1e-12)
        assert out["score_half_leverage"]["value"] == pytest.approx(expected["score_half_leverage"], rel=1e-12)
        # what the reader reads: the score, the moves that lower it, and why no lights are given
        summary = out["summary"]["text"]
        assert summary.startswith("ADL score ") and "by the hyperliquid formula" in summary
        assert "Halving your effective leverage" in summary and "closing half" in summary
        assert "cannot give your lights" in out["indicator"]["text"]
        assert out["venue_rule"]["text"].startswith("Hyperliquid:")
        for name in ("score", "summary", "indicator"):
            output = form.locator(f'output[name="{name}"]')
            output.scroll_into_view_if_needed()
            assert _on_screen(output), f"{name} is not within the phone's width"
        assert not {k for k in out if "quantile" in k or "light" in k}, "a score alone never shows lights"

        # the same reader tries the ranking with only their own position: refused, next to the field
        ranking = tab.form("adl_ranking")
        ranking.locator('[name="positions"]').fill(
            "id, side, size, entry_price, mark_price, margin\nME, short, 2, 3000, 2700, 300")
        tab.wait("() => document.querySelector('form.perpcalc[data-calculator=\"adl_ranking\"] "
                 "[data-error-for=\"positions\"]').textContent.includes(\"other traders' positions\")", timeout=30)
        error = ranking.locator('[data-error-for="positions"]')
        error.scroll_into_view_if_needed()
        assert _on_screen(error) and "Your ADL score" in error.inner_text()
        assert ranking.get_attribute("data-stale") == "true", "the old ranking must not pass for the reader's"
        assert tab.errors == [], tab.errors[:5]
    finally:
        ctx.close()
