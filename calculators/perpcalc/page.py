"""The page's entry point: run a calculator and format its outputs for a form.

The site build calls [`compute`][perpcalc.page.compute] in CPython to pre-render each worked
example, and the browser's worker calls [`compute_page`][perpcalc.page.compute_page] in Pyodide
on every input change, so a value is formatted identically before and after the runtime loads.
Numbers become text in [`perpcalc.display`][perpcalc.display].

A table of 100,000 rows is not formatted whole: the page shows ``PAGE_ROWS`` rows at a time, so
only those are written as text. A long table (``format="table"``) does not even leave the worker:
[`compute_page`][perpcalc.page.compute_page] keeps its rows and the page asks for one page of them
as text, or for all of them as JSON (a download), with [`kept_rows`][perpcalc.page.kept_rows]. A
long series (charted: the chart needs every point) goes to the page whole, as JSON, and the page
asks for the text of a page of its rows with [`table_page_json`][perpcalc.page.table_page_json],
sending back that page's raw rows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from itertools import accumulate, count
from typing import Any

from ._spec import InputError, get
from .display import display, money_units, table_rows
from .parse import Columns, table_length, table_rows_of, value_to_text

__all__ = ["PAGE_ROWS", "compute", "compute_json", "compute_page", "form_values", "kept_rows", "table_page_json"]

#: how many rows of a table the page shows at once (and so formats at once)
PAGE_ROWS = 200

#: the long tables of each calculator's last answer from compute_page, kept for the page to ask
#: for (kept_rows): calculator name -> (the answer's number, {output name: its rows or columns})
_KEPT: dict[str, tuple[int, dict[str, list[Any] | Columns]]] = {}
_ANSWERS = count(1)


def compute(name: str, inputs: Mapping[str, Any] | None, page_rows: int | None = PAGE_ROWS,
            columns: bool = False) -> dict[str, Any]:
    """Run a calculator and format its outputs; never raises for bad input.

    Returns ``{"ok": True, "outputs": raw, "display": {output: shown}}`` or
    ``{"ok": False, "error": {"field": …, "message": …}}``. A table's display holds the text of
    its first ``page_rows`` rows (``None``: all of them, as the build pre-renders an example)
    and its number of rows, ``total``. With ``columns``, a table the calculator gives column by
    column stays so in ``outputs`` (``perpcalc.parse.Columns``, as ``Calculator.__call__`` leaves it).
    """
    try:
        calc = get(name)
        raw = calc(inputs, columns)
    except InputError as exc:
        return {"ok": False, "error": exc.to_dict()}
    except RecursionError:  # a structure nested deeper than the interpreter's stack
        return {"ok": False, "error": {"field": None, "message": "the inputs are nested too deeply"}}
    units = {unit: str(raw[out]) for unit, out in money_units(calc).items() if raw.get(out)}
    shown = {o.name: display(o, raw[o.name], units, page_rows) for o in calc.outputs}
    return {"ok": True, "outputs": raw, "display": shown}


def compute_json(name: str, inputs_json: str) -> str:
    """[`compute`][perpcalc.page.compute] with JSON in and out (what the browser worker calls)."""
    try:
        inputs = json.loads(inputs_json)
    except (ValueError, TypeError, RecursionError):
        return json.dumps({"ok": False, "error": {"field": None, "message": "inputs are not valid JSON"}})
    return json.dumps(compute(name, inputs), allow_nan=False)


def compute_page(name: str, inputs_json: str) -> list[str]:
    """[`compute_json`][perpcalc.page.compute_json] as the browser's worker calls it, with each
    output of more than ``PAGE_ROWS`` rows left out of ``outputs``: ``[answer, name, rows, …]``.

    A long table is kept here (until this calculator's next answer) and its display gets
    ``kept``, the answer's number, with which the page asks
    [`kept_rows`][perpcalc.page.kept_rows] for any page of it, or for all of it: 100,000 rows
    are neither written as JSON nor sent unless a download asks for them.

    A long series (charted) is sent apart, as ``name, rows``: its display gets ``offsets``, and
    ``rows`` is its value as JSON (ASCII: a character is a byte), in which the raw rows of page
    ``k`` are ``rows[offsets[k]:offsets[k + 1] - 1]`` (rows separated by commas, without
    brackets). The worker hands each ``rows`` to the page as bytes, untouched.

    >>> profits = "id, profit\\n" + "\\n".join(f"t{i}, {i + 1}" for i in range(450))
    >>> [answer] = compute_page("socialized_loss", json.dumps({"deficit": 10, "profits": profits}))
    >>> shown = json.loads(answer).get("display").get("haircuts")
    >>> third_page = json.loads(kept_rows("socialized_loss", "haircuts", shown.get("kept"), 2))
    >>> first = third_page[0]
    >>> shown.get("total"), len(shown.get("rows")), len(third_page), first[0]
    (450, 200, 50, 't400')
    """
    try:
        inputs = json.loads(inputs_json)
    except (ValueError, TypeError, RecursionError):
        return [compute_json(name, inputs_json)]
    _KEPT.pop(name, None)  # the last answer's rows are freed before this one's are made
    result = compute(name, inputs, columns=True)
    parts = []
    kept: dict[str, list[Any] | Columns] = {}
    answer = next(_ANSWERS)
    tables = {o.name for o in get(name).outputs if o.format == "table"} if result.get("ok") else set()
    for key, value in list(result.get("outputs", {}).items()):
        if isinstance(value, Columns):  # a long table is kept as its columns; anything else leaves as rows
            if key in tables and value.row_count() > PAGE_ROWS:
                kept[key] = value
                result["display"][key]["kept"] = answer
                del result["outputs"][key]
                continue
            value = result["outputs"][key] = value.rows()
        if not (isinstance(value, list) and len(value) > PAGE_ROWS
                and isinstance(result["display"][key].get("rows"), list)):
            continue
        if key in tables:
            kept[key] = value
            result["display"][key]["kept"] = answer
        else:
            pages = [json.dumps(value[i:i + PAGE_ROWS], separators=(",", ":"), allow_nan=False)[1:-1]
                     for i in range(0, len(value), PAGE_ROWS)]
            result["display"][key]["offsets"] = list(accumulate((len(p) + 1 for p in pages), initial=1))
            parts += [key, "[" + ",".join(pages) + "]"]
        del result["outputs"][key]
    if kept:
        _KEPT[name] = (answer, kept)
    return [json.dumps(result, allow_nan=False), *parts]


def kept_rows(name: str, output: str, answer: int, page: int | None = None) -> str:
    """A long table that [`compute_page`][perpcalc.page.compute_page] kept from its answer
    number ``answer``: the text of page ``page`` of its rows (one list of cell texts a row, as
    [`compute`][perpcalc.page.compute] writes them), or with ``page`` None all its rows as JSON
    (as ``compute_json`` writes them); ``"null"`` when that answer is no longer kept (the
    calculator answered again since) or the page is past the end.

    >>> kept_rows("socialized_loss", "haircuts", 0, 0)
    'null'
    """
    number, tables = _KEPT.get(name, (None, {}))
    rows = tables.get(output) if number == answer else None
    if rows is None:
        return "null"
    if page is None:
        return json.dumps(table_rows_of(rows), allow_nan=False)
    if not 0 <= page * PAGE_ROWS < table_length(rows):
        return "null"
    o = next(o for o in get(name).outputs if o.name == output)
    return json.dumps(table_rows(o, table_rows_of(rows, page * PAGE_ROWS, (page + 1) * PAGE_ROWS)))


def table_page_json(name: str, output: str, rows_json: str) -> str:
    """The text of a page of a table's raw rows (JSON, as ``compute_page`` sent them), as JSON:
    one list of cell texts a row, exactly as [`compute`][perpcalc.page.compute] writes them.

    >>> table_page_json("socialized_loss", "haircuts", '[{"id": "a", "profit": 1234.5, "haircut": 1.5,'
    ...                 ' "profit_after": 1233}]')
    '[["a", "1,234.5", "1.5", "1,233"]]'
    """
    try:
        calc = get(name)
        o = next(o for o in calc.outputs if o.name == output and o.columns)
        rows = json.loads(rows_json)
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise TypeError
    except (InputError, StopIteration, ValueError, TypeError, RecursionError):
        return json.dumps(None)
    return json.dumps(table_rows(o, rows))


def form_values(name: str, example: str = "default") -> dict[str, str]:
    """The text each form field shows for a named example (defaults and presets filled)."""
    calc = get(name)
    values = calc.resolve(calc.examples[example])
    return {f.name: value_to_text(f, values[f.name]) for f in calc.inputs}
