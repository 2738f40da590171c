"""The ADL ranking by column gives exactly what the row-by-row ranking gives.

`insolvency.rank_positions` ranks a list of dicts, or rows a list field read column by column
(`parse.Rows`), from their columns at once (`_ranked_columns`: bulk checks, one sort key at a
time); anything its checks do not clear goes to the row reading (`_queues_checked`), which
words the error. Any other iterable (a generator here) is always read row by row, so it is
the reference: the same rows, in the same order, with the same numbers (compared as ``repr``:
``-0.0`` and ``0.0`` differ), or the same ``InputError``, on random and on hostile positions.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import perpcalc
from hypothesis import given
from hypothesis import strategies as st
from perpcalc import InputError
from perpcalc.insolvency import rank_positions
from perpcalc.parse import Rows, coerce_list
from perpcalc.venues import ADL_METHODS

KEYS = ("id", "side", "size", "entry_price", "mark_price", "margin")


def _outcome(fn: Any, *args: Any) -> Any:
    try:
        return "ok", repr(fn(*args))
    except InputError as exc:
        return "error", exc.field, exc.message
    except (TypeError, ValueError, OverflowError) as exc:  # the row reading's own, for hostile values
        return "raised", type(exc).__name__


# few distinct values, so that scores and sizes tie and ids repeat now and then
plain_numbers = st.sampled_from([0.5, 1.0, 2.0, 3, 10.0, 99.5, 100.0, 100, 110.0, 250.0])
hostile_numbers = st.sampled_from([0, 0.0, -0.0, -1.0, float("nan"), float("inf"), -float("inf"), 1e308,
                                   1e-320, 10**400, True, None, "5", Decimal("2.5"), [], 2**53 + 1])
ids = st.one_of(st.sampled_from([f"p{i}" for i in range(12)]), st.sampled_from([1, 2, None, "", " p1", "P1"]))
sides = st.one_of(st.sampled_from(["long", "short"]), st.sampled_from(["LONG", "buy", "", None, 1, ["long"]]))


@st.composite
def positions(draw: st.DrawFn, hostile: bool) -> list[Any]:
    number = st.one_of(plain_numbers, hostile_numbers) if hostile else st.one_of(
        plain_numbers, st.floats(min_value=0.01, max_value=1e6))
    row = st.fixed_dictionaries({"id": ids if hostile else st.sampled_from([f"p{i}" for i in range(40)]),
                                 "side": sides if hostile else st.sampled_from(["long", "short"]),
                                 "size": number, "entry_price": number, "mark_price": number,
                                 "margin": st.one_of(number, st.floats(min_value=0, max_value=1e4))})
    rows = draw(st.lists(row, max_size=30))
    if hostile and rows and draw(st.integers(0, 5)) == 0:  # a key left out, or a row that is no dict
        at = draw(st.integers(0, len(rows) - 1))
        rows[at] = draw(st.sampled_from([{k: v for k, v in rows[at].items() if k != "margin"}, ("a", "long"), None]))
    elif not hostile:  # distinct ids, as a valid book has
        rows = [{**r, "id": f"p{i}"} for i, r in enumerate(rows)]
    return rows


@given(st.data())
def test_ranking_by_column_matches_the_row_reading(data: st.DataObject) -> None:
    rows = data.draw(st.one_of(positions(hostile=False), positions(hostile=True)))
    method = data.draw(st.sampled_from(ADL_METHODS))
    contract = data.draw(st.sampled_from(["linear", "inverse"]))
    args = (method, contract, 1.0, 0.005)
    assert _outcome(rank_positions, rows, *args) == _outcome(lambda: rank_positions((r for r in rows), *args))


@given(st.data())
def test_rows_read_by_column_rank_as_the_row_reading(data: st.DataObject) -> None:
    """Rows a list field read column by column (as a paste is) rank from their columns as row by row."""
    field = perpcalc.get("adl_ranking").field("positions")
    rows = data.draw(positions(hostile=False))
    out = io.StringIO()
    csv.writer(out).writerows([KEYS, *([str(r[k]) for k in KEYS] for r in rows)])
    try:
        read = coerce_list(field, out.getvalue())
    except InputError:
        return
    if isinstance(read, Rows):  # else a cell the column reading leaves to the row reading (1e-22)
        assert all(read.columns[k] == [r[k] for r in read] for k in KEYS)
    method = data.draw(st.sampled_from(ADL_METHODS))
    assert _outcome(rank_positions, read, method) == _outcome(lambda: rank_positions(iter(list(read)), method))


def test_the_column_ranking_is_taken_and_ties_are_broken_as_the_rows_are() -> None:
    """Equal scores go to the larger size, then to the lower id (as text); a −0.0 score is written 0.0."""
    from perpcalc import insolvency

    rows = [{"id": i, "side": "short", "size": z, "entry_price": 100.0, "mark_price": 100.0, "margin": 5.0}
            for i, z in (("b", 1.0), ("a", 1.0), ("c", 2.0))]
    rows += [{"id": "l1", "side": "long", "size": 1.0, "entry_price": 90.0, "mark_price": 100.0, "margin": 5.0},
             {"id": "l2", "side": "long", "size": 1.0, "entry_price": 95.0, "mark_price": 100.0, "margin": 5.0}]
    ranked = insolvency._ranked_columns(*insolvency._position_columns(rows), insolvency.score_kernel(ADL_METHODS[0]))
    assert ranked is not None
    assert [(r["side"], r["id"]) for r in ranked] == [("long", "l1"), ("long", "l2"), ("short", "c"),
                                                       ("short", "a"), ("short", "b")]
    assert [repr(r["score"]) for r in ranked if r["side"] == "short"] == ["0.0"] * 3
    assert repr(ranked) == repr(rank_positions(iter(rows)))
    text = "id, side, size, entry_price, mark_price, margin\n" + "\n".join(
        ", ".join(str(r[k]) for k in KEYS) for r in rows)
    read = coerce_list(perpcalc.get("adl_ranking").field("positions"), text)
    assert isinstance(read, Rows) and repr(rank_positions(read)) == repr(ranked)
