"""A deterministic hostile grid over the whole catalogue (standard library + perpcalc only,
so the same module also runs inside Pyodide).

Every top-level field and every list cell of every calculator's default example is
replaced, one at a time, by each hostile value below (typed values: NaN, infinities,
-0.0, subnormals, huge and tiny numbers, Decimal specials, None, bools, containers,
bytes; strings: huge exponents, 100,000 digits, Unicode digits and minus signs, percent
forms, thousands separators, NUL, bidi controls, calendar ends, hostile CSV texts). Each
list field also gets a hostile value in place of a whole row.

:func:`check_case` runs one case through ``perpcalc.run``, ``page.compute_json`` and
``page.compute_page`` (the worker's call; ``page.compute`` when the value is not JSON) and
returns a list of problems: any exception other than ``InputError`` out of ``run``, an
``InputError`` naming no real field, any exception at all out of ``compute``/``compute_json``/
``compute_page``, JSON that is not strict (NaN/Infinity), a non-finite number, or a
disagreement between the paths (``compute_page``'s answer with its long outputs put back must
be ``compute_json``'s).
"""

from __future__ import annotations

import json
import math
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from typing import Any

import perpcalc
from perpcalc import InputError
from perpcalc.page import compute, compute_json, compute_page, kept_rows
from perpcalc.parse import parse_rows

MILLION_ROWS = "id,profit\n" + "a,1\n" * 1_000_000
LONG_CELL = "id,profit\n" + "x" * 131_073 + ",1\n"

TYPED: list[Any] = [
    math.nan, -math.nan, math.inf, -math.inf, -0.0, 0.0, 5e-324, -5e-324, 2.2250738585072014e-308,
    1e-300, 1e-31, 1e-30, 1e30, 1e31, 1e20, 1e308, -1e308, 1.7976931348623157e308, 0.05, -0.05,
    0, 1, -1, 2**53 + 1, 2**64, -(2**64), 2**1000, 10**5000, -(10**5000),
    Decimal("NaN"), Decimal("-NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"),
    Decimal("1E+999999"), Decimal("-1E+999999"), Decimal("1E-999999"), Decimal("-0"), Decimal("1E-30"),
    Decimal("1E+30"), Decimal("1." + "0" * 100 + "1"), Decimal("12345678901234567890.123456789012345678"),
    None, True, False, [], [1], [[[]]], {}, {"a": 1}, b"1", bytearray(b"1"), (1, 2), {1}, 1 + 2j, Fraction(1, 3),
]

STRINGS: list[str] = [
    "1e1000000", "-1e1000000", "1e-1000000", "1E999999999999999999999", "9" * 100_000,
    "0." + "0" * 99_998 + "1", "1." + "0" * 99_998, "NaN", "-nan", "sNaN", "Infinity", "-inf",
    "\u0661\u0662\u0663", "\uff11\uff12", "\u0663.\u0665", "\u22125", "\u20105", "\ufe635", "\uff0d5",
    "5%", "0.01%", "%", "-0.03 %", "1e400%", "1,000", "1,000.5", "1.000,5", "1 000", "1_000", "1'000",
    "\x00", "1\x00", "\u202e1", "1\u202e", "\u2066abc\u2069", "\u200b", "\ufeff1", "0x10", "1e", ".",
    "-", "", "   ", "0001", "1e-30", "1e30", "1e31", "1e-31", "0001-01-01", "9999-12-31T23:59:59",
    "10000-01-01", "1970-01-01T00:00:00Z", "long", "LONG ", "x" * 201,
    '=cmd|\' /C calc\'!A0', '"unterminated', "id,profit", "a,b\n1", "id,profit\r\nx,1\r\ny,\u202e2",
    'id,profit\n"multi\nline",1',
]
# Very large texts go to top-level fields, not to list cells (they are about size); the
# million-row text (~4 MB) to every list field and to the first field of each calculator.
HEAVY: list[str] = ["x" * 100_000, LONG_CELL]


@dataclass(frozen=True)
class Case:
    calculator: str
    where: str  # "field", "field[row].column" or "field[row]"
    value: Any

    def label(self) -> str:
        value = self.value
        big = isinstance(value, int) and value.bit_length() > 1000
        shown = f"<{value.bit_length()}-bit int>" if big else repr(value)
        return f"{self.calculator} {self.where} = {shown[:60]}{'…' if len(shown) > 60 else ''}"


def _rows(field: perpcalc.Field, value: Any) -> list[dict[str, Any]]:
    if isinstance(value, str):
        return [dict(r) for r in parse_rows(value, field)]
    return [dict(r) if isinstance(r, dict) else {field.columns[0].name: r} for r in value]


TOP = "top"


def slots(name: str) -> Iterator[tuple[str, Any, Any]]:
    """(where, a function building the inputs for a value, which values it takes): ``TOP``
    for a top-level field (every value, the heavy texts too), ``None`` for every value
    but the heavy texts, ``(k, n)`` for the k-th of n middle rows of a list, which takes
    every n-th value from the k-th on (so each cell gets values and each value reaches
    the middle rows once, without multiplying the grid by the length of the example)."""
    calc = perpcalc.get(name)
    example = dict(calc.examples["default"])
    for f in calc.inputs:
        def top(v: Any, f: perpcalc.Field = f) -> dict[str, Any]:
            return {**example, f.name: v}

        yield f.name, top, TOP
        if f.type != "list" or example.get(f.name) is None:
            continue
        rows = _rows(f, example[f.name])
        for i in range(len(rows)):
            for c in f.columns:
                def cell(
                    v: Any, f: perpcalc.Field = f, i: int = i, c: str = c.name, rows: list[dict[str, Any]] = rows
                ) -> dict[str, Any]:
                    new = [dict(r) for r in rows]
                    new[i][c] = v
                    return {**example, f.name: new}

                # first and last rows take every value; the rows between share them out
                share = None if i in (0, len(rows) - 1) else (i - 1, len(rows) - 2)
                yield f"{f.name}[{i}].{c.name}", cell, share
        if rows:
            def whole_row(v: Any, f: perpcalc.Field = f, rows: list[dict[str, Any]] = rows) -> dict[str, Any]:
                return {**example, f.name: [v, *rows[1:]]}

            yield f"{f.name}[0]", whole_row, None


def cases(names: list[str] | None = None) -> Iterator[tuple[Case, dict[str, Any]]]:
    """Every case of the grid, in a fixed order: (case, inputs)."""
    for name in names or [c["name"] for c in perpcalc.catalog()]:
        first = perpcalc.get(name).inputs[0].name
        for where, build, share in slots(name):
            values = [*TYPED, *STRINGS]
            if share == TOP:
                values += HEAVY
                if where == first or perpcalc.get(name).field(where).type == "list":
                    values.append(MILLION_ROWS)
            elif share is not None:
                values = values[share[0]::share[1]]
            for value in values:
                yield Case(name, where, value), build(value)


def _strict(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise ValueError(f"non-strict JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return value is None or isinstance(value, (str, int, bool))


def _hidden(text: str) -> bool:
    return any(ch not in "\n\t" and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in text)


def _jsonable(inputs: dict[str, Any]) -> str | None:
    try:
        return json.dumps(inputs, allow_nan=True)
    except (TypeError, ValueError):  # bytes, Decimal, sets, ints past 4,300 digits …
        return None


def _page_problems(calculator: str, text: str, result: dict[str, Any]) -> list[str]:
    """What ``compute_page`` (the worker's call) does wrong against ``compute_json``'s ``result``:
    an exception, a part that is not strict JSON, or an answer that, with its long outputs put
    back (each page's rows at its offsets, a kept table as kept_rows gives it whole), is not ``result``."""
    try:
        answer, *parts = compute_page(calculator, text)
        paged = _strict(answer)
        for name, rows in zip(parts[::2], parts[1::2], strict=True):
            value = _strict(rows)
            offsets = paged["display"][name].pop("offsets")
            pages = [_strict("[" + rows[a:b - 1] + "]") for a, b in pairwise(offsets)]
            if [row for page in pages for row in page] != value:
                return [f"compute_page: the pages of {name} are not its rows"]
            paged["outputs"][name] = value
        for name, shown in paged.get("display", {}).items():
            if "kept" in shown:  # a long table, kept in the worker: asked for whole, as a download does
                paged["outputs"][name] = _strict(kept_rows(calculator, name, shown.pop("kept")))
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        return [f"compute_page: {type(exc).__name__}: {str(exc)[:120]}"]
    return [] if paged == result else ["compute_page and compute_json disagree"]


def check_case(case: Case, inputs: dict[str, Any]) -> tuple[list[str], float]:
    """Problems found for one case (empty when it behaved) and the seconds it took."""
    calc = perpcalc.get(case.calculator)
    fields = {f.name for f in calc.inputs}
    problems: list[str] = []
    t0 = time.perf_counter()
    raw: dict[str, Any] | None = None
    try:
        raw = perpcalc.run(case.calculator, inputs)
    except InputError as exc:
        if exc.field is not None and exc.field not in fields:
            problems.append(f"run: InputError names no field of the calculator: {exc.field!r}")
        if not isinstance(exc.message, str) or not exc.message:
            problems.append("run: InputError without a message")
    except BaseException as exc:  # the point is to catch anything
        if isinstance(exc, KeyboardInterrupt):
            raise
        problems.append(f"run: {type(exc).__name__}: {str(exc)[:120]}")
    if raw is not None:
        try:
            json.dumps(raw, allow_nan=False)
        except (TypeError, ValueError) as exc:
            problems.append(f"run: output is not strict JSON: {exc}")
        if not _finite(raw):
            problems.append("run: a non-finite number in the output")
    text = _jsonable(inputs)
    try:
        if text is None:
            result = compute(case.calculator, inputs)
            result = _strict(json.dumps(result, allow_nan=False))
        else:
            result = _strict(compute_json(case.calculator, text))
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        problems.append(f"compute: {type(exc).__name__}: {str(exc)[:120]}")
        return problems, time.perf_counter() - t0
    if text is not None:
        problems += _page_problems(case.calculator, text, result)
    if result.get("ok"):
        if not _finite(result["outputs"]):
            problems.append("compute: a non-finite number in the output")
        if text is not None and raw is not None and result["outputs"] != _strict(json.dumps(raw)):
            problems.append("compute_json and run disagree")
        for name, shown in result["display"].items():
            if not isinstance(shown.get("text"), str):
                problems.append(f"compute: display of {name} has no text")
            texts = [shown.get("text", ""), *(cell for row in shown.get("rows", []) for cell in row)]
            if any(not t.isprintable() and _hidden(t) for t in texts):
                problems.append(f"compute: display of {name} carries an invisible control character")
    else:
        error = result.get("error") or {}
        if error.get("field") is not None and error["field"] not in fields:
            problems.append(f"compute: error names no field of the calculator: {error.get('field')!r}")
        if "internal error" in str(error.get("message", "")):
            problems.append(f"compute: {error.get('message')}")
        if text is not None and raw is not None:
            problems.append(f"compute_json failed where run succeeded: {error}")
    return problems, time.perf_counter() - t0
