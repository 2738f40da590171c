"""MkDocs hook: a table of text reads as one card a row on a phone.

A page's table whose cells are sentences (the venue comparisons, the calculator index, the hosts on
the deployment page) is several screens wide on a phone: its text columns wrap a word or two a line
and the columns past the second scroll out of sight. Such a table, a *text table* (``is_text_table``:
three columns or more, two of them averaging ``TEXT_CELL`` characters or more a cell), is marked
``data-cards``, each of its cells is named after its column (``data-label``) and its parts get the
roles of a table (a table laid out as blocks is no longer announced as a table by some screen
readers); ``assets/css/site.css`` lays it out as one card a row below 45em, each cell under its
column's name, and leaves it a table above. Tables of figures (short cells) stay tables everywhere:
their rows are compared down a column.

Only the tables Python-Markdown writes from a page's Markdown are read: a ``<table>`` tag without
attributes, its cells' tags without attributes or with only an alignment ``style``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import Any

from mkdocs.exceptions import PluginError
from templates import text_of

TEXT_CELL = 20  # characters: the average cell length of a column of text (a phrase, not a figure)
TEXT_COLUMNS = 2  # such columns, in a table of three columns or more, that make it a text table

_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_HEAD = re.compile(r"<th(?: style=\"[^\"]*\")?>(.*?)</th>", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CELL = re.compile(r"<td((?: style=\"[^\"]*\")?)>(.*?)</td>", re.S)


class TableError(PluginError):
    pass


def is_text_table(heads: list[str], rows: list[list[str]]) -> bool:
    """Whether a table (its headings, and its rows' cells as text) is a text table: three columns or
    more, ``TEXT_COLUMNS`` of them averaging ``TEXT_CELL`` characters a cell or more.

    >>> fund = "one fund fed by liquidation fees"
    >>> is_text_table(["Venue", "Fund", "Losses"], [["A", fund, "shared pro rata"]])
    False
    >>> is_text_table(["Venue", "Fund", "Losses"], [["A", fund, "shared pro rata by size"]])
    True
    >>> is_text_table(["Time", "Rate", "Payment"], [["2026-01-01 00:00", "0.01 %", "-1.25"]] * 3)
    False
    """
    if len(heads) < 3 or not rows:
        return False
    lengths = [sum(len(row[i]) for row in rows if i < len(row)) / len(rows) for i in range(len(heads))]
    return sum(length >= TEXT_CELL for length in lengths) >= TEXT_COLUMNS


def label_table(body: str) -> str | None:
    """A table's inner HTML with its cells named after their columns and its roles set, or ``None``
    when it is not a text table (or has no header row). A body row with another number of cells than
    the header, a heading with math in it or a first column that repeats a cell is a ``TableError``: its
    cards would name cells after the wrong columns, show the heading's TeX or share a title."""
    head, _, rest = body.partition("</thead>")
    heads = [text_of(h) for h in _HEAD.findall(head)]
    rows = [[text_of(c) for _, c in _CELL.findall(r)] for r in _ROW.findall(rest)]
    if not rest or not is_text_table(heads, rows):
        return None
    if "arithmatex" in head:  # math is drawn by KaTeX in the page, never in a data-label
        raise TableError(f"a heading of a table of text holds math, which its cards would show as TeX: {heads}; "
                         "write it in plain text (κ, not $\\kappa$)")
    for cells in rows:
        if len(cells) != len(heads):
            raise TableError(f"a table row has {len(cells)} cells for {len(heads)} columns: {cells[:2]}")
    titles = [cells[0] for cells in rows]
    if len(set(titles)) != len(titles):
        raise TableError(f"the first column of a table of text repeats a cell, and a card is titled by its row's first "
                         f"cell: put a column of distinct cells first ({heads[0]!r}: {titles[:4]})")

    def cells(m: re.Match[str]) -> str:  # one body row: each cell's column named on it
        labels = iter(heads)
        return _after("td", m.group(0), lambda: f' role="cell" data-label="{escape(next(labels))}"')

    # (a th keeps its own role, a column's header, under these: a th with role="columnheader" set is what the
    # theme styles as a sortable column, a pointer and a sort mark that do nothing here)
    head = _after("tr", _after("thead", head, ' role="rowgroup"'), ' role="row"')
    rest = _after("tr", _after("tbody", _ROW.sub(cells, rest), ' role="rowgroup"'), ' role="row"')
    return f"{head}</thead>{rest}"


def _after(tag: str, html: str, attributes: str | Callable[[], str]) -> str:
    """``html`` with ``attributes`` added to each of its ``tag`` elements, right after the tag's name
    (a function gives each element's own): the hook adds attributes to the tags Python-Markdown wrote,
    it writes none."""
    add = attributes if callable(attributes) else lambda: attributes
    return re.sub(rf"(?<=<{tag})(?=[ >])", lambda _: add(), html)


def label_tables(html: str) -> str:
    """Every text table of a page's HTML marked for cards (``data-cards``), its cells labelled."""

    def table(m: re.Match[str]) -> str:
        body = label_table(m.group(1))
        return m.group(0) if body is None else _after("table", m.group(0).replace(m.group(1), body, 1),
                                                        ' role="table" data-cards')

    return _TABLE.sub(table, html)


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    try:
        return label_tables(html)
    except TableError as exc:
        raise TableError(f"{page.file.src_path}: {exc}") from None
