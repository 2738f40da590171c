"""The fast paths for 100,000-row lists give exactly what the general code gave.

`parse.coerce_list` reads each column's kind once and reads a float cell's text with
``float()``; `display.format_number` writes a float or Decimal that needs no rounding straight
from its shortest text. Each is compared here, on random rows and numbers, with the code it
replaced, kept below as the reference (issue 25's budgets: `python scripts/bench.py budgets`).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import operator
from collections.abc import Mapping, Sequence
from decimal import MAX_EMAX, MIN_EMIN, ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any

import perpcalc
from hypothesis import example, given
from hypothesis import strategies as st
from perpcalc import InputError
from perpcalc import parse as _spec
from perpcalc.display import _SUPERSCRIPT, MAX_PLACES, SCIENTIFIC_FROM, _decimal, format_number


def reference_format_number(value: float | int | Decimal, places: int = 8, min_places: int = 0) -> str:
    """format_number before the fast path."""
    d = _decimal(value)
    if not d.is_finite():
        return "—"
    places = min(places, MAX_PLACES)
    if not d:
        d = Decimal(0)
    if d and (d.adjusted() >= SCIENTIFIC_FROM or (places < 0 and d.adjusted() < -SCIENTIFIC_FROM)):
        mantissa, exponent = format(d, ".6e").split("e")
        mantissa = mantissa.rstrip("0").rstrip(".").replace("-", "\u2212")
        return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    with localcontext() as ctx:
        ctx.prec = max(28, SCIENTIFIC_FROM + max(places, 0) + 2)
        ctx.Emax, ctx.Emin = MAX_EMAX, MIN_EMIN
        q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN) if places >= 0 else d
    if q == 0:
        q = abs(q)
    text = f"{q:,f}"
    if "." in text:
        whole, frac = text.split(".")
        frac = frac.rstrip("0")
        frac = frac + "0" * max(0, min_places - len(frac))
        text = f"{whole}.{frac}" if frac else whole
    return text.replace("-", "\u2212")


def _reference_text_number(c: Any, v: str) -> Any:
    text = v.strip()
    if not _spec._PLAIN_CELL.fullmatch(text):
        return None
    number = Decimal(text)
    return _spec._within(c, number if c.exact else float(number))


def reference_coerce_list(f: Any, value: Any) -> list[dict[str, Any]] | _spec.Columns:
    """_spec.coerce_list before the column plan (a columnar field's rows as their columns)."""
    if isinstance(value, str):
        value = _spec.parse_rows(value, f)
    if isinstance(value, Mapping) or not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
        raise InputError(f.name, f"{f.label} must be a list of rows")
    if len(value) < f.min_items:
        raise InputError(f.name, f"{f.label} needs at least {f.min_items} row{'s' if f.min_items != 1 else ''}")
    if len(value) > f.max_items:
        raise InputError(f.name, f"{f.label} takes at most {f.max_items:,} rows")
    rows = []
    names = {c.name for c in f.columns}
    for i, item in enumerate(value, start=1):
        if isinstance(item, (int, float, str, Decimal)) and len(f.columns) == 1:
            item = {f.columns[0].name: item}
        if not isinstance(item, Mapping):
            raise InputError(f.name, f"{f.label} row {i} must be a record with {', '.join(c.name for c in f.columns)}")
        extra = [k for k in item if k not in names]
        if extra:
            raise InputError(f.name, f"{f.label} row {i}: unknown column {_spec.shown(extra[0])!r}")
        row = {}
        for c in f.columns:
            v = item.get(c.name)
            kind = type(v)
            if c.type == "decimal" and kind in (int, float):
                number = _spec._fast_number(c, v)
                if number is not None:
                    row[c.name] = number
                    continue
            elif c.type == "decimal" and kind is str:
                number = _reference_text_number(c, v)
                if number is not None:
                    row[c.name] = number
                    continue
            elif kind is str and c.type == "choice":
                choice = v.strip().lower()
                if choice in c.choices:
                    row[c.name] = choice
                    continue
            elif kind is str and c.type == "text" and 0 < len(v) <= 200 and v.strip():
                row[c.name] = v.strip()
                continue
            if _spec.is_blank(v):
                if c.required:
                    raise InputError(f.name, f"{f.label} row {i}: {c.label} is required")
                row[c.name] = _spec.coerce(c, c.default, i, f) if c.default is not None else None
            else:
                row[c.name] = _spec.coerce(c, v, i, f)
                if not c.exact and isinstance(row[c.name], Decimal):
                    row[c.name] = float(row[c.name])
        rows.append(row)
    if f.columnar:
        return _spec.Columns((c.name, [r[c.name] for r in rows]) for c in f.columns)
    return rows


LIST_FIELDS = [
    f
    for name in ("adl_ranking", "socialized_loss", "insolvency_waterfall", "funding_payments", "adl_execution")
    for f in perpcalc.get(name).inputs
    if f.type == "list"
]

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e6, max_value=1e6),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.decimals(),
)
number_texts = st.one_of(
    numbers.map(str),
    st.from_regex(r"\s?[+-]?\d{1,19}(\.\d{0,19})?\s?", fullmatch=True),
    st.sampled_from(["", " ", "1e5", "1,5", "abc", "0.1.2", "-0", "+0.0", "٣", "1_000"]),
)
cells = st.one_of(
    numbers,
    number_texts,
    st.sampled_from(["long", " SHORT ", "Long", "x", "", None, True, False, [], {}]),
    st.text(max_size=5),
    st.text(min_size=199, max_size=202),
)


@st.composite
def rows_for(draw: st.DrawFn, field: Any) -> list[Any]:
    names = [c.name for c in field.columns]
    keys = st.sampled_from([*names, "extra"]) if draw(st.integers(0, 9)) == 0 else st.sampled_from(names)
    row = st.dictionaries(keys, cells, max_size=len(names) + 1)
    full = st.fixed_dictionaries({n: cells for n in names})
    return draw(st.lists(st.one_of(full, row, cells), max_size=6))


def _outcome(fn: Any, *args: Any) -> Any:
    try:
        return "ok", repr(fn(*args))
    except InputError as exc:
        return "error", exc.field, exc.message


@given(st.data())
def test_coerce_list_matches_reference(data: st.DataObject) -> None:
    field = data.draw(st.sampled_from(LIST_FIELDS))
    rows = data.draw(rows_for(field))
    assert _outcome(_spec.coerce_list, field, rows) == _outcome(reference_coerce_list, field, rows)
    if rows and all(isinstance(r, dict) for r in rows):  # the same rows pasted as CSV text
        out = io.StringIO()
        names = [c.name for c in field.columns]
        csv.writer(out).writerows([names, *([str(r.get(n, "")) for n in names] for r in rows)])
        text = out.getvalue()
        assert _outcome(_spec.coerce_list, field, text) == _outcome(reference_coerce_list, field, text)


def good_cell(c: Any) -> st.SearchStrategy[Any]:
    """A cell the column reading takes (a plain number, a choice, a short text), or now and
    then one it must leave to the row reading (a number out of bounds, an exponent, a NaN)."""
    if c.type == "choice":
        usual = st.sampled_from([*c.choices, *(x.upper() for x in c.choices), *(f" {x} " for x in c.choices)])
    elif c.type == "text":
        usual = st.text(st.characters(codec="utf-8", exclude_characters=",\"\r\n"), min_size=1, max_size=8)
    else:
        usual = st.one_of(
            st.decimals(min_value=-1000, max_value=10**6, places=4, allow_nan=False).map(str),
            st.floats(min_value=0, max_value=1e6),
            st.integers(min_value=0, max_value=10**6),
        )
    odd = st.sampled_from(["-1", "0", "1e3", "nan", " ", "", "1" * 18, 1e-31, 1e31, float("inf"), 10**31, True])
    return st.one_of(usual, usual, usual, usual, usual, usual, usual, usual, usual, odd)


@st.composite
def good_rows_for(draw: st.DrawFn, field: Any) -> list[dict[str, Any]]:
    """Rows of every column (some optional ones left out), mostly well formed, ids unique."""
    left_out = {c.name for c in field.columns if not c.required and draw(st.booleans())}
    columns = [c for c in field.columns if c.name not in left_out]
    rows = draw(st.lists(st.fixed_dictionaries({c.name: good_cell(c) for c in columns}), min_size=1, max_size=8))
    unique = [draw(st.integers(0, 5)) for _ in rows]
    return [{k: f"r{i}" if k == "id" and unique[i] else v for k, v in r.items()} for i, r in enumerate(rows)]


@given(st.data())
def test_column_reading_matches_reference(data: st.DataObject) -> None:
    """Mostly well-formed rows, as dicts and as CSV text: the column reading (taken whenever every cell
    is one it reads) gives exactly the rows, or the error, of the row-by-row reference."""
    field = data.draw(st.sampled_from([f for f in LIST_FIELDS if len(f.columns) > 1]))
    rows = data.draw(good_rows_for(field))
    assert _outcome(_spec.coerce_list, field, rows) == _outcome(reference_coerce_list, field, rows)
    out = io.StringIO()
    names = list(rows[0])
    csv.writer(out).writerows([names, *([str(r[n]) for n in names] for r in rows)])
    text = out.getvalue()
    assert _outcome(_spec.coerce_list, field, text) == _outcome(reference_coerce_list, field, text)


@given(st.data())
def test_the_positions_reader_gives_what_the_ranking_takes_unchecked(data: st.DataObject) -> None:
    """``rank_position_columns(read=True)`` (the calculator's call) does not check the numbers again:
    every positions table the reader takes, as dicts or as CSV text, hostile cells or not, holds
    finite floats, sizes and prices > 0 and margins ≥ 0, and ranks (or is refused) exactly as with
    every check made."""
    from perpcalc.insolvency import rank_position_columns

    field = perpcalc.get("adl_ranking").field("positions")
    rows = data.draw(st.one_of(good_rows_for(field), rows_for(field)))
    given_rows: list[Any] = [rows]
    if rows and all(isinstance(r, dict) for r in rows):
        out = io.StringIO()
        names = [c.name for c in field.columns]
        csv.writer(out).writerows([names, *([str(r.get(n, "")) for n in names] for r in rows)])
        given_rows.append(out.getvalue())
    for source in given_rows:
        try:
            read = _spec.coerce_list(field, source)
        except InputError:
            continue
        for name, lowest in (("size", 0.0), ("entry_price", 0.0), ("mark_price", 0.0), ("margin", None)):
            assert all(type(x) is float and math.isfinite(x) for x in read[name])
            assert all(x > 0 for x in read[name]) if lowest is not None else all(x >= 0 for x in read[name])
        assert (_outcome(lambda c: rank_position_columns(c, read=True), read)
                == _outcome(rank_position_columns, read))


def test_the_column_reading_is_taken() -> None:
    """100 well-formed rows, as text and as dicts, are read by the column reading (not the row reading)."""
    field = perpcalc.get("adl_ranking").field("positions")
    rows = [{"id": f"p{i}", "side": "long" if i % 2 else " SHORT", "size": 0.5 + i, "entry_price": 100,
             "mark_price": "110.25", "margin": 10} for i in range(100)]
    text = "id, side, size, entry_price, mark_price, margin\n" + "\n".join(
        ", ".join(str(r[k]) for k in rows[0]) for r in rows)
    assert field.columnar  # the ranking takes its positions as columns
    for given_rows in (rows, _spec._records(text, field)):
        read = _spec._column_cells(field, given_rows)
        assert read is not None
        assert read == reference_coerce_list(field, rows)
        assert read.rows() == _spec._columns(field, given_rows)


@given(
    st.one_of(
        numbers,
        st.floats(min_value=-1e21, max_value=1e21),
        number_texts.filter(_spec._PLAIN_CELL.fullmatch).map(Decimal),
    ),
    st.integers(min_value=-2, max_value=45),
    st.integers(min_value=0, max_value=10),
)
def test_format_number_matches_reference(value: Any, places: int, min_places: int) -> None:
    assert format_number(value, places, min_places) == reference_format_number(value, places, min_places)


def test_the_fast_path_is_taken_and_exact() -> None:
    # rows that the fast paths read (a plain number text, a float, a choice, a text) and a tie
    # that binary rounding would get wrong (2.675 is 2.67499… as a double; the text says 2.675)
    assert format_number(2.675, 2) == reference_format_number(2.675, 2) == "2.68"
    assert format_number(-1234.5, 8, 2) == "\u22121,234.50"
    field = perpcalc.get("adl_ranking").inputs
    positions = next(f for f in field if f.name == "positions")
    rows = [{"id": " a ", "side": "LONG", "size": "0.1", "entry_price": 3, "mark_price": 2.5, "margin": "7"}]
    assert _spec.coerce_list(positions, rows).rows() == [  # columnar: the ranking reads columns
        {"id": "a", "side": "long", "size": 0.1, "entry_price": 3.0, "mark_price": 2.5, "margin": 7.0}
    ]


def reference_rows_json(o: Any, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """parse._rows_json before the column reading: every cell on its own."""
    out = []
    for row in rows:
        item = {}
        for k, v in row.items():
            c = _spec._column(o, k)
            if type(v) is float:
                if not math.isfinite(v):
                    raise InputError(None, "these inputs have no finite result")
                item[k] = _spec._integer(v) if c.format == "integer" else (v if v != 0 else 0.0)
            elif type(v) is str or v is None:
                item[k] = v
            elif type(v) is Decimal and c.format != "integer":
                number = float(v)
                if not math.isfinite(number):
                    raise InputError(None, "these inputs have no finite result")
                item[k] = number if number != 0 else 0.0
            else:
                item[k] = _spec.output_json(c, v)
        out.append(item)
    return out


TABLES = [o for spec in (perpcalc.get("adl_ranking"), perpcalc.get("insolvency_waterfall"))
          for o in spec.outputs if o.columns]
out_cells = st.one_of(
    st.floats(), st.decimals(allow_nan=False), st.integers(min_value=-(2**70), max_value=2**70),
    st.none(), st.text(max_size=3),
    st.sampled_from([0.0, -0.0, Decimal("-0"), Decimal("1e400"), Decimal("NaN"), 1e308, True]),
)


@given(st.data())
def test_rows_json_matches_reference(data: st.DataObject) -> None:
    """Output rows, column by column when all rows have the same keys, are written exactly as cell by cell."""
    o = data.draw(st.sampled_from(TABLES))
    names = [c.name for c in o.columns]
    same = data.draw(st.booleans())
    kinds = {n: data.draw(st.sampled_from([out_cells, st.floats(-1e6, 1e6), st.decimals(-10**6, 10**6, places=6)]))
             for n in names}
    row = st.fixed_dictionaries({n: kinds[n] for n in names}) if same else st.dictionaries(
        st.sampled_from(names), out_cells)
    rows = data.draw(st.lists(row, min_size=1, max_size=6))
    assert _outcome(_spec._rows_json, o, rows) == _outcome(reference_rows_json, o, rows)
    if len(set(map(tuple, rows))) == 1 and rows[0]:  # the same table by columns: the same rows (or error)
        columns = _spec.Columns((n, [row[n] for row in rows]) for n in rows[0])  # the rows' own key order
        assert _outcome(_spec.output_json, o, columns) == _outcome(reference_rows_json, o, rows)
        kept = _outcome(lambda o, c: _spec.columns_json(o, c).rows(), o, columns)  # the worker's path
        assert kept == _outcome(reference_rows_json, o, rows)



@given(st.lists(st.one_of(st.integers(min_value=-(10**21), max_value=10**21), st.integers(-5, 5)), min_size=1,
                max_size=8))
def test_integer_column_text_matches_format_value(cells: list[int]) -> None:
    """A table column of ints shown as integers, written at once, reads as format_value writes each cell."""
    from perpcalc.display import _column_text, format_value

    place = next(c for c in perpcalc.get("adl_ranking").outputs[0].columns if c.format == "integer")
    assert _column_text(place, cells) == [format_value(place, v) for v in cells]


# ---------------------------------------------------------------- plain CSV text, split at once

odd_cells = st.one_of(
    st.sampled_from(["", " ", "1e3", "a b", "1" * 18, " 12.5", "SHORT "]),
    st.text(st.sampled_from('ab1.-+ \t"\r\u2028\x00'), max_size=4),
    st.text(st.sampled_from("a "), min_size=198, max_size=202),
)


@st.composite
def csv_texts(draw: st.DrawFn, field: Any) -> str:
    """CSV texts mostly of the plain kind (a header of the field's columns, some optional ones left
    out, in any order and case; rows of as many cells, mostly well formed), now and then an unknown
    column, a line with a cell more or less, a blank line, a quote or a carriage return."""
    columns = [c for c in field.columns if c.required or draw(st.booleans())]
    columns = draw(st.permutations(columns))
    header = [draw(st.sampled_from([c.name, c.name.upper(), f" {c.name} "])) for c in columns]
    if draw(st.integers(0, 9)) == 0:
        header.append(draw(st.sampled_from(["x", "", header[0]])))
    good = {c.name: good_cell(c).map(str).filter(lambda t: "," not in t and "\n" not in t) for c in columns}
    row = st.tuples(*(st.one_of(*[good[c.name]] * 6, odd_cells) for c in columns))
    rows = draw(st.lists(row, max_size=6))
    lines = [",".join(header), *(",".join(r + ("1",) * (len(header) - len(r))) for r in rows)]
    if lines[1:] and draw(st.integers(0, 4)) == 0:
        at = draw(st.integers(1, len(lines) - 1))
        lines[at] = draw(st.sampled_from(["", " ", lines[at] + ",x", lines[at].partition(",")[2], " , , "]))
    return draw(st.sampled_from(["\n", "\n", "\r\n"])).join(lines) + draw(st.sampled_from(["", "\n", " \n"]))


@given(st.data())
def test_plain_text_split_matches_the_csv_reading(data: st.DataObject) -> None:
    """A plain CSV text split at once (parse._plain_text_columns) is read exactly as csv.reader's
    records are, and coerce_list of any text gives the reference's rows or error."""
    field = data.draw(st.sampled_from([f for f in LIST_FIELDS if len(f.columns) > 1]))
    text = data.draw(csv_texts(field))
    split = _spec._plain_text_columns(field, text)
    typed = None if split is None else _spec._typed_rows(field, *split)
    if typed is not None:  # None: the cells are not all plain (a blank row), and the records reading takes over
        assert typed == _outcome_rows(field, text)
    assert _outcome(_spec.coerce_list, field, text) == _outcome(reference_coerce_list, field, text)


def test_a_blank_row_in_a_plain_text_is_left_to_the_records_reading() -> None:
    """A line of blank cells (" ,") splits with the rest, but its cells are not typed: the rows come
    from the records reading, which skips it, as csv.reader's records do (a random draw of the test
    above once asked the split cells for rows and failed on this text)."""
    field = next(f for f in LIST_FIELDS if f.name == "profits")
    text = "profit,id\n0.0000,0\n ,\n0.0000,0\n0.0000,0"
    split = _spec._plain_text_columns(field, text)
    assert split is not None and split[1] == 4
    assert _spec._typed_rows(field, *split) is None
    assert _spec.coerce_list(field, text) == reference_coerce_list(field, text) == _outcome_rows(field, text)
    assert len(_outcome_rows(field, text)) == 3


def _outcome_rows(field: Any, text: str) -> Any:
    try:
        return _spec._columns(field, _spec._records(text, field))
    except InputError:
        return "error"


def test_the_plain_text_split_is_taken() -> None:
    field = perpcalc.get("adl_ranking").field("positions")
    text = "id, side, size, entry_price, mark_price, margin\n" + "\n".join(
        f"p{i}, {'long' if i % 2 else 'short'}, {1 + i}, 100, 110.5, 50" for i in range(300))
    split = _spec._plain_text_columns(field, text)
    # one space after each comma, which every reading takes off: taken off at once, the cells then stripped
    assert split is not None and split[1] == 300 and split[2] and split[0]["size"][:2] == ["1", "2"]
    assert _spec._typed_columns(field, *split) == reference_coerce_list(field, text)
    for spaced in (text.replace(", 100,", ",  100,"), text.replace(", 100,", " , 100,")):  # other spaces: stripped
        split = _spec._plain_text_columns(field, spaced)  # cell by cell
        assert split is not None and not split[2] and all(cell.startswith(" ") for cell in split[0]["entry_price"])
        assert _spec._typed_columns(field, *split) == reference_coerce_list(field, spaced)
    # no white space but the line breaks: the cells are taken as they are, to the same columns
    tight = text.replace(", ", ",")
    split = _spec._plain_text_columns(field, tight)
    assert split is not None and split[2]
    assert _spec._typed_columns(field, *split) == reference_coerce_list(field, tight) == reference_coerce_list(
        field, text)
    for odd in ("\t", "\x0b", "\x1f", "\u00a0", "\u2003"):  # white space str.strip takes off: not taken as is
        assert not _spec._plain_text_columns(field, tight.replace(",110.5,", f",{odd}110.5,"))[2]


def reference_plain_text_columns(f: Any, text: str) -> tuple[dict[str, list[str]], int, bool] | None:
    """parse._plain_text_columns before it split the lines with the cells: a list of the lines, the
    commas of each counted."""
    if '"' in text or "\r" in text or "\0" in text or len(f.columns) < 2:
        return None
    text = text.strip()
    lines = text.split("\n")
    header = [h.strip().lower() for h in lines[0].split(",")]
    n = len(header)
    body = lines[1:]
    if (not body or len(body) > f.max_items or len(set(header)) != n
            or not {c.name for c in f.columns}.issuperset(header)
            or set(map(str.count, body, itertools.repeat(","))) != {n - 1}):
        return None
    rest = text[len(lines[0]) + 1:]
    squeezed = rest.replace(", ", ",") if rest.isascii() else rest
    stripped = rest.isascii() and not any(map(squeezed.__contains__, " \t\x0b\x0c\x1c\x1d\x1e\x1f"))
    cells = (squeezed if stripped else rest).replace("\n", ",").split(",")
    return {h: cells[i::n] for i, h in enumerate(header)}, len(body), stripped


@given(st.lists(st.integers(0, 11), min_size=1, max_size=10), st.sampled_from([",", ", ", ",  ", " ,"]),
       st.sampled_from(["", " ", "\n", "\n\n", "\u2003"]), st.booleans(), st.integers(1, 12))
@example([1, 1, 1, 5], ",", "", False, 9)  # the line breaks of the 2nd row where 2 rows of 5 cells would have them
@example([5, 0, 5], ",", "", False, 9)  # a blank line
@example([5, 6, 4, 5], ", ", "", True, 9)  # a comma too many, then one too few
@example([5, 5, 5], ",", "\n", False, 2)  # more rows than the field takes
def test_the_plain_split_takes_the_lines_the_line_by_line_split_takes(
        widths: list[int], comma: str, end: str, wide: bool, max_items: int) -> None:
    """The lines of any number of cells (a blank line, one comma too many or too few, in any order,
    spaces around the commas, non-ASCII text, a blank end): parse._plain_text_columns takes the texts
    the line-by-line split took, as the same cells, and refuses the others."""
    field = perpcalc.Field("positions", "Positions", type="list", max_items=max_items,
                           columns=perpcalc.get("insolvency_waterfall").field("positions").columns)
    cell = "é{}_{}" if wide else "{}.{}"
    lines = [comma.join(cell.format(i, j) for j in range(w)) for i, w in enumerate(widths)]
    text = "id, side, size, entry_price, margin\n" + "\n".join(lines) + end
    assert _spec._plain_text_columns(field, text) == reference_plain_text_columns(field, text)


def test_a_list_of_blank_records_is_refused_by_its_field() -> None:
    """A text whose every line is blank cells (" , ,") has no records: an InputError on the field
    (it escaped run() as an IndexError)."""
    try:
        perpcalc.run("adl_ranking", {"positions": " , ,"})
    except InputError as exc:
        assert exc.field == "positions" and "at least 1 row" in exc.message
    else:
        raise AssertionError("no error")
    for field in LIST_FIELDS:
        assert _outcome(_spec.coerce_list, field, " , ,\n,") == _outcome(reference_coerce_list, field, " , ,\n,")


def test_columns_written_leave_the_calculators_lists_alone() -> None:
    """A Columns table's rows and kept columns hold new lists and dicts, whether a column needed
    writing or not: changing the output never changes what the calculator returned."""
    table = perpcalc.get("insolvency_waterfall").outputs[0]
    names = [c.name for c in table.columns]
    texts, floats, decimals = ["a", "b"], [1.5, 2.0], [Decimal("-0"), Decimal("0E-7")]
    columns = _spec.Columns(zip(names, [texts, texts, floats] + [decimals] * (len(names) - 3), strict=True))
    kept = _spec.columns_json(table, columns)
    assert list(kept) == names and not {id(texts), id(floats), id(decimals)} & set(map(id, kept.values()))
    assert kept["id"] == texts and kept["size"] == floats and repr(kept[names[-1]]) == "[0.0, 0.0]"
    rows = _spec.output_json(table, columns)
    assert rows == kept.rows() == reference_rows_json(table, columns.rows())
    assert (texts, floats, repr(decimals)) == (["a", "b"], [1.5, 2.0], "[Decimal('-0'), Decimal('0E-7')]")


def test_rows_already_json_come_back_as_they_are() -> None:
    """Ranked rows of floats, ints and texts need no cell written again: the same row objects."""
    table = perpcalc.get("adl_ranking").outputs[0]
    rows = [{"side": "long", "rank": i, "id": f"p{i}", "score": 0.5 + i, "quantile": 5, "size": 2.0}
            for i in range(1, 50)]
    out = _spec._rows_json(table, rows)
    assert out == reference_rows_json(table, rows) and all(map(operator.is_, out, rows))
    rows[3]["score"] = -0.0  # a negative zero is written as 0.0: new rows
    out = _spec._rows_json(table, rows)
    assert out == reference_rows_json(table, rows) and repr(out[3]["score"]) == "0.0" and out[3] is not rows[3]


# ---------------------------------------------------------------- a table's rows, a page at a time


def _full_and_paged(name: str, inputs: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[list[str]]]]:
    """compute's display of every row, and the rows a page gets through compute_page and table_page_json
    (a long series) or kept_rows (a long table, kept in the worker)."""
    from perpcalc.page import PAGE_ROWS, compute, compute_page, kept_rows, table_page_json

    full = compute(name, inputs, page_rows=None)
    answer, *parts = compute_page(name, json.dumps(inputs))
    shown = json.loads(answer)
    paged: dict[str, list[list[str]]] = {}
    for key, value in shown.get("outputs", {}).items():
        if isinstance(shown["display"][key].get("rows"), list):
            paged[key] = table_page_json_rows(name, key, json.dumps(value), PAGE_ROWS)
            assert shown["display"][key]["rows"] == paged[key][:PAGE_ROWS]
    for key, rows in zip(parts[::2], parts[1::2], strict=True):
        offsets = shown["display"][key]["offsets"]
        assert json.loads(rows) == full["outputs"][key] and offsets[-1] == len(rows)
        pages = [json.loads(table_page_json(name, key, "[" + rows[a:b - 1] + "]"))
                 for a, b in itertools.pairwise(offsets)]
        assert all(len(p) == PAGE_ROWS for p in pages[:-1]) and pages[0] == shown["display"][key]["rows"]
        paged[key] = [row for page in pages for row in page]
    for key, display in shown.get("display", {}).items():
        if "kept" in display:
            assert json.loads(kept_rows(name, key, display["kept"])) == full["outputs"][key]
            count = -(-display["total"] // PAGE_ROWS)
            pages = [json.loads(kept_rows(name, key, display["kept"], k)) for k in range(count)]
            assert all(len(p) == PAGE_ROWS for p in pages[:-1]) and pages[0] == display["rows"]
            assert kept_rows(name, key, display["kept"], len(pages)) == "null"
            paged[key] = [row for page in pages for row in page]
    return full, paged


def table_page_json_rows(name: str, key: str, rows_json: str, size: int) -> list[list[str]]:
    from perpcalc.page import table_page_json

    rows = json.loads(rows_json)
    pages = (json.loads(table_page_json(name, key, json.dumps(rows[i:i + size]))) for i in range(0, len(rows), size))
    return [r for page in pages for r in page]


def test_every_example_table_reads_the_same_a_page_at_a_time() -> None:
    """Every calculator's examples: the text of each table row sent a page at a time (first page
    with the answer, the others from the raw rows sent back) is the text compute writes for all."""
    for spec in perpcalc.catalog():
        calc = perpcalc.get(spec["name"])
        for inputs in calc.examples.values():
            full, paged = _full_and_paged(spec["name"], dict(inputs))
            if full["ok"]:
                assert {k: full["display"][k]["rows"] for k in paged} == paged, spec["name"]


Position = tuple[str, float, float, float, float]


@given(st.lists(st.tuples(st.sampled_from(["long", "short"]), st.floats(0.001, 1e6), st.floats(1, 1e5),
                          st.floats(1, 1e5), st.floats(0, 1e9)), min_size=2, max_size=700))
def test_a_long_ranking_reads_the_same_a_page_at_a_time(positions: list[Position]) -> None:
    """Up to 700 ranked positions (four pages): every page's text as compute writes the whole table."""
    text = "id,side,size,entry_price,mark_price,margin\n" + "\n".join(
        f"p{i},{side},{size!r},{entry!r},{mark!r},{margin!r}"
        for i, (side, size, entry, mark, margin) in enumerate(positions))
    full, paged = _full_and_paged("adl_ranking", {"positions": text})
    if full["ok"]:
        assert {k: full["display"][k]["rows"] for k in paged} == paged


@given(st.sampled_from([1.0, -1.0]), st.floats(allow_nan=True), st.floats(0.001, 1e9), st.floats(0.001, 1e9),
       st.one_of(st.floats(allow_nan=True), st.sampled_from([0.0, -0.0, 1.0, 0.5, 2.0])))
def test_binance_score_matches_its_plain_formula(s: float, size: float, entry: float, mark: float,
                                                 margin: float) -> None:
    """The binance kernel's max(0, upnl) / max(1, margin) written without max() gives the same float."""
    from perpcalc.insolvency import score_kernel

    mmr = 0.004
    upnl = s * size * (mark - entry)
    equity = margin + upnl
    want = max(0.0, upnl) / max(1.0, margin) * (mmr * (size * mark) / equity) if equity > 0 else None
    try:
        got = score_kernel("pnl_over_margin", mmr=mmr)(s, size, entry, mark, margin)
    except (OverflowError, ZeroDivisionError):
        return
    assert repr(got) == repr(want)


def reference_records(text: str, f: Any) -> list[list[str]]:
    """parse._records before it read in chunks: the line count checked, then record by record, each
    blank one skipped (the reading parse keeps, as ``_records_one_by_one``, to word a CSV error)."""
    if text.count("\n") > 2 * (f.max_items + 1):
        raise InputError(f.name, f"{f.label} takes at most {f.max_items:,} rows")
    return _spec._records_one_by_one(text, f)


@given(st.text(st.sampled_from(["a", "1", ",", " ", "\u2003", "\t", "\n", "\r", '"', "\x00"]), max_size=60),
       st.integers(min_value=1, max_value=4))
@example("\n\n\n\n\n", 1)  # more line ends than twice the rows allowed: refused unread
def test_records_read_in_chunks_match_the_record_by_record_reading(text: str, max_items: int) -> None:
    """The CSV records of a list's text, read a chunk at a time with blank records dropped at once, are
    exactly the record-by-record reading's: the same records, or the same error (too many rows, or
    unreadable near the same line)."""
    field = perpcalc.Field("rows", "Rows", type="list", max_items=max_items,
                           columns=(perpcalc.Field("id", "Id", type="text"), perpcalc.Field("x", "X")))
    assert _outcome(_spec._records, text, field) == _outcome(reference_records, text, field)


def test_a_csv_error_is_worded_as_before() -> None:
    """A cell past the csv module's limit: the chunked reading falls back on the record-by-record one,
    which says where."""
    field = perpcalc.get("socialized_loss").field("profits")
    text = "id, profit\na, 1\n" + "b" * 200_000 + ", 2\n"
    assert _outcome(_spec._records, text, field) == _outcome(reference_records, text, field)
    assert _outcome(_spec._records, text, field)[0] == "error"


def test_plain_number_columns_read_at_once_as_cell_by_cell() -> None:
    """A number column is checked in a few passes over the whole column (parse._plain_number_column):
    cells a regular expression per cell once left to the row reading ("1.", ".5", 18 digits), and those it
    must still leave (an exponent, "inf", a digit group, 35 characters, a magnitude past 1e31, a
    negative zero), read as the reference reads them."""
    field = perpcalc.get("adl_ranking").field("positions")
    odd = ["1.", ".5", "+7", "123456789012345678.5", "0.000000000000000000123", "00012", "1e3", "inf", "1_000",
           "1" * 35, "1" * 32, "-0.", "0.00", "-0", "0." + "0" * 31 + "1", "12.5", " 3 "]
    for cell, rows in itertools.product(odd, (3, 48)):  # 48 rows: each column's 2 texts read once (it repeats them)
        text = "id, side, size, entry_price, mark_price, margin\n" + "\n".join(
            f"p{i}, long, {cell if i % 3 == 1 else 2}, 100, 110, {cell}" for i in range(rows))
        assert _outcome(_spec.coerce_list, field, text) == _outcome(reference_coerce_list, field, text), cell
    assert _spec._plain_number_column(["1.", ".5", "123456789012345678.5"]) == [1.0, 0.5, 123456789012345678.5]
    assert _spec._plain_number_column(["1e3"]) is None and _spec._plain_number_column(["1" * 35]) is None


plain_cells = st.one_of(
    st.from_regex(r"[+-]?\d{0,20}(\.\d{0,20})?", fullmatch=True),
    st.sampled_from(["1.2.3", "", "-", "+-1", "-0", "0.000", "+0", "9" * 33, "9" * 31 + ".9", "1" + "0" * 30,
                     "0." + "0" * 29 + "1", "0." + "0" * 30 + "1", "0." + "0" * 31 + "1", "1" * 35, "."]),
)


@given(st.lists(plain_cells, min_size=1, max_size=8))
@example(["0", "1" * 18])
@example(["-0", "0.0", "-0.0"])
@example(["0." + "0" * 29 + "1", "-3"])
def test_an_exact_number_column_is_read_once_as_through_its_floats(cells: list[str]) -> None:
    """An exact column's cells are read to Decimals once (parse._plain_decimal_column), with the test
    ``_plain_number_column`` makes on their floats: the same columns are taken, and the floats of
    their extremes are the extremes of their floats."""
    floats = _spec._plain_number_column(cells)
    read = _spec._plain_decimal_column(cells)
    if floats is None:
        assert read is None
    else:
        assert read is not None
        numbers, low, high = read
        assert repr(numbers) == repr([Decimal(c) for c in cells])
        assert (repr(low), repr(high)) == (repr(min(floats)), repr(max(floats)))


def test_exact_plain_number_columns_read_at_once_as_cell_by_cell() -> None:
    """The waterfall's exact columns: odd cells read at once or left to the row reading, as the reference reads them."""
    field = perpcalc.get("insolvency_waterfall").field("positions")
    odd = ["1.", ".5", "+7", "123456789012345678.5", "0.000000000000000000123", "00012", "1e3", "inf", "1_000",
           "1" * 35, "1" * 32, "-0.", "0.00", "-0", "0." + "0" * 31 + "1", "12.5", " 3 ", "-2", "9" * 31 + ".5"]
    for cell, rows in itertools.product(odd, (3, 48)):  # 48 rows: each column's 2 texts read once (it repeats them)
        text = "id, side, size, entry_price, margin\n" + "\n".join(
            f"p{i}, long, {cell if i % 3 == 1 else 2}, 100, {cell}" for i in range(rows))
        assert _outcome(_spec.coerce_list, field, text) == _outcome(reference_coerce_list, field, text), cell
    text = "id, side, size, entry_price, margin\n" + "\n".join(f"p{i}, long, {i % 2 + 1}, 100, 1" for i in range(48))
    split = _spec._plain_text_columns(field, text)
    assert split is not None  # the column reading, with one Decimal for each text of a column
    read = _spec._typed_columns(field, *split)
    assert read == reference_coerce_list(field, text) and read["size"][0] is read["size"][2] is not read["size"][1]


@given(st.lists(plain_cells, min_size=1, max_size=4), st.randoms(use_true_random=False))
@example(["2", "-0", "0.00"], None)
@example(["0." + "0" * 29 + "1", "7"], None)
@example(["1" * 31, "-" + "9" * 30], None)
def test_a_column_of_repeated_texts_is_read_as_each_of_its_cells(cells: list[str], random: Any) -> None:
    """A column whose texts repeat (each of a few texts 64 times, in any order) is read through its
    distinct texts (parse._plain_decimal_column, parse._plain_number_column): the Decimals, by form too,
    and the floats of the extremes, or the floats, of the cell-by-cell reading, or ``None`` where it
    gives ``None``; each text's cells share one number."""
    column = cells * 64
    if random is not None:
        random.shuffle(column)
    assert _spec._distinct_texts(column) == list(dict.fromkeys(column))
    read = _spec._plain_decimal_column(column)
    floats = _spec._plain_number_column(column)
    assert repr(read) == repr(_spec._plain_decimals(column))
    assert repr(floats) == repr(_spec._plain_floats(column))
    for numbers in (read and read[0], floats):
        if numbers is not None:
            by_text = dict(zip(column, numbers, strict=True))
            assert all(map(operator.is_, numbers, map(by_text.__getitem__, column)))


def reference_rows_to_text(f: Any, rows: Sequence[Mapping[str, Any]]) -> str:
    """rows_to_text written row by row, cell by cell (before its column form)."""
    names = [c.name for c in f.columns]
    lines = [", ".join(names)]
    for r in rows:
        lines.append(", ".join(_spec._cell(_spec.cell_text(r.get(n))) for n in names))
    return "\n".join(lines)


text_cells = st.one_of(
    st.text(st.sampled_from(["a", "1", ".", ",", '"', " ", "\t", "\n", "\r", "\u2003", "\x1c", "-"]), max_size=6),
    st.none(),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**20), 10**20),
)


@given(st.data())
def test_rows_to_text_matches_the_cell_by_cell_writing(data: st.DataObject) -> None:
    """A list written back as CSV text (a file's positions into the form) column by column: exactly the text
    the row-by-row writing gives, quotes and all, with cells of any kind, missing ones among them."""
    field = data.draw(st.sampled_from(LIST_FIELDS))
    names = [c.name for c in field.columns]
    plain = st.fixed_dictionaries({n: st.text(st.sampled_from("ab1."), min_size=1, max_size=4) for n in names})
    rows = data.draw(st.lists(st.one_of(plain, st.dictionaries(st.sampled_from(names), text_cells)), max_size=6))
    assert _spec.rows_to_text(field, rows) == reference_rows_to_text(field, rows)
    given_names = [n for n in names if data.draw(st.booleans())] or names[:1]  # as columns, some left out
    table = _spec.Columns((n, [r.get(n) for r in rows]) for n in given_names)
    assert _spec.rows_to_text(field, table) == reference_rows_to_text(field, [{n: r.get(n) for n in given_names}
                                                                              for r in rows])
