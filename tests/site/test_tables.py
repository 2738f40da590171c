"""Tables of text read as one card a row on a phone (scripts/hooks/tables.py marks them, site.css lays
them out; the 360 px walk in tests/browser/test_reader.py looks at them): which tables are marked,
the labels and roles the hook writes, and what it refuses. No build needed."""

from __future__ import annotations

import doctest
import re

import markdown
import pytest
from hook_loader import load_hook  # tests/ (pyproject's pythonpath)

tables = load_hook("tables", "tables_hook")
venue_tables = load_hook("venue_tables", "tables_venue_tables")


def html_of(text: str) -> str:
    """A page's Markdown as the build writes it (the tables extension), then through the hook."""
    return tables.label_tables(markdown.markdown(text, extensions=["tables", "md_in_html"]))


def test_the_hooks_examples() -> None:
    result = doctest.testmod(tables, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 3 and result.failed == 0


def test_a_venue_table_is_cards_with_each_cell_named_after_its_column() -> None:
    html = html_of(venue_tables.render("[[venues loss columns=fund,pool]]"))
    heads = ["Venue", "Insurance fund", "Pool whose depositors absorb losses", "Record"]
    assert html.count("<table role=\"table\" data-cards>") == 1
    assert re.findall(r"<th>(.*?)</th>", html) == heads  # a th keeps its own role (not the theme's sortable look)
    labels = re.findall(r'<td role="cell" data-label="([^"]*)">', html)
    venues = re.findall(r'data-label="Venue">([^<]*)</td>', html)
    assert len(venues) >= 8 and labels == heads * len(venues) and "<td>" not in html
    assert html.count('<tr role="row">') == len(venues) + 1 and html.count('role="rowgroup"') == 2


def test_a_table_of_figures_stays_a_table() -> None:
    figures = "| Time | Rate | Payment |\n|---|---:|---:|\n| 2026-01-01 00:00 | 0.01 % | −1.25 |\n" * 1
    two_columns = "| Venue | What it does |\n|---|---|\n| A | " + "a long sentence about it " * 4 + "|\n"
    for text in (figures, two_columns):
        html = html_of(text)
        assert "data-cards" not in html and "data-label" not in html and "role=" not in html


def test_labels_are_text_and_alignment_is_kept() -> None:
    """A heading's markup is dropped from its label and its quotes escaped; a column's alignment stays."""
    text = ('| Venue | **What "it" does** | Why |\n|---|:---:|---|\n'
            '| A | one fund fed by liquidation fees | the reasons given by the venue |\n')
    html = html_of(text)
    assert '<td role="cell" data-label="What &quot;it&quot; does" style="text-align: center;">' in html
    assert '<th style="text-align: center;">' in html


def test_what_cards_would_show_wrong_is_refused() -> None:
    """A row with fewer cells than headings would put cells under the wrong names, a heading with math
    would show its TeX, and a first column that repeats a cell would give two cards one title (the
    deployment page's headers were titled "every path" three times): each stops the build."""
    row = "| A | one fund fed by liquidation fees | the reasons given by the venue |\n"
    short = ('<table>\n<thead>\n<tr>\n<th>Venue</th>\n<th>Fund</th>\n<th>Why</th>\n</tr>\n</thead>\n<tbody>\n'
             '<tr>\n<td>A</td>\n<td>one fund fed by liquidation fees</td>\n</tr>\n'
             '<tr>\n<td>B</td>\n<td>one fund fed by liquidation fees</td>\n<td>the reasons the venue gives in its own rules</td>\n</tr>\n'
             '</tbody>\n</table>')
    with pytest.raises(tables.TableError, match="2 cells for 3 columns"):
        tables.label_tables(short)
    math = markdown.markdown("| Venue | Fund | Implied $\\kappa$ |\n|---|---|---|\n" + row, extensions=["tables"])
    math = math.replace("Implied $\\kappa$", 'Implied <span class="arithmatex">\\(\\kappa\\)</span>')
    with pytest.raises(tables.TableError, match="math"):
        tables.label_tables(math)
    row = "| every path | a header a reader needs | the reason it is sent |\n"
    repeated = markdown.markdown("| Path | Header | Why |\n|---|---|---|\n" + row * 2, extensions=["tables"])
    with pytest.raises(tables.TableError, match="repeats a cell"):
        tables.label_tables(repeated)
