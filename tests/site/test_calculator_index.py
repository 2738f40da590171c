"""The generated calculator index keeps one row per calculator even when a summary holds a ``|``."""

from __future__ import annotations

import sys
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]

import terms as hook  # noqa: E402


def test_pipe_in_a_summary_stays_in_its_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = {"name": "abs_premium", "title": "Premium size", "terms": [],
            "summary": "the size |P| of the premium, as a|b"}
    monkeypatch.setattr(hook.perpcalc, "catalog", lambda: [spec])
    page = hook.calculators_markdown({}, {}).split("---\n", 2)[2]
    soup = BeautifulSoup(markdown.markdown(page, extensions=["tables"]), "html.parser")
    cells = [td.get_text() for td in soup.select("tbody tr td")]
    assert cells == ["Premium size abs_premium", "the size |P| of the premium, as a|b", "—"]
