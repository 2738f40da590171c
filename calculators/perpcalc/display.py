"""Numbers as text: the one place that turns a number into what a reader sees.

The formatters for outputs ([`format_value`][perpcalc.display.format_value],
[`display`][perpcalc.display.display]) and for numbers inside summary text
([`format_percent`][perpcalc.display.format_percent], [`format_money`][perpcalc.display.format_money]).
Running a calculator for a page is [`perpcalc.page`][perpcalc.page]'s job.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from decimal import MAX_EMAX, MIN_EMIN, ROUND_HALF_EVEN, Context, Decimal, localcontext
from typing import Any

from ._spec import Output
from .parse import Columns, table_length, table_rows_of

__all__ = [
    "display",
    "format_money",
    "format_number",
    "format_percent",
    "format_significant",
    "format_value",
    "money_units",
    "table_rows",
    "visible_text",
]


# Beyond this magnitude a number is shown as "1.234568 × 10²³" rather than as 24+ digits.
SCIENTIFIC_FROM = 21
# The most decimals a number is ever written with (a text's length is bounded by this).
MAX_PLACES = 40
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
# Rounding to ``places`` decimals of a number under 10²¹ needs at most 21 + places digits: one
# context wide enough for every allowed ``places`` (a localcontext per cell costs more than the
# rounding), and the quanta 1, 0.1, 0.01, … made once.
_ROUNDING = Context(prec=SCIENTIFIC_FROM + MAX_PLACES + 2, Emax=MAX_EMAX, Emin=MIN_EMIN)
_QUANTUM = [Decimal((0, (1,), -places)) for places in range(MAX_PLACES + 1)]


def _decimal(value: float | int | Decimal) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def format_number(value: float | int | Decimal, places: int = 8, min_places: int = 0) -> str:
    """``1234.5`` → ``"1,234.5"``: grouped thousands, at most ``places`` decimals, no
    trailing zeros beyond ``min_places``, a true minus sign.

    Never raises: rounding runs in a local decimal context wide enough for the number
    (the default 28 digits are not: 1e20 at 8 places needs 29), magnitudes of 10²¹ and
    more are shown as ``1.234568 × 10²³``, and a non-finite value as ``—``. The text is
    bounded whatever the number: at most ``MAX_PLACES`` decimals, and with ``places < 0``
    (no rounding) a magnitude below 10⁻²¹ is shown as ``1 × 10⁻⁹⁹⁹⁹⁹⁹``, never as a
    million zeros.

    >>> format_number(1234.5), format_number(-0.000000001), format_number(1.5932446968008818e23)
    ('1,234.5', '0', '1.593245 × 10²³')
    >>> format_number(Decimal("1e-999999"), -1), len(format_number(Decimal("1e-999999"), 10**6))
    ('1 × 10⁻⁹⁹⁹⁹⁹⁹', 1)
    """
    places = min(places, MAX_PLACES)
    plain = _plain(value, places, min_places)
    if plain is not None:
        return plain
    d = _decimal(value)
    if not d.is_finite():
        return "—"
    if not d:
        d = Decimal(0)  # 0E-999999999 too: no exponent to write out
    if d and (d.adjusted() >= SCIENTIFIC_FROM or (places < 0 and d.adjusted() < -SCIENTIFIC_FROM)):
        mantissa, exponent = format(d, ".6e").split("e")  # rounds 9.9999999e22 to 1.000000e+23
        mantissa = mantissa.rstrip("0").rstrip(".").replace("-", "\u2212")
        return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    q = d.quantize(_QUANTUM[places], rounding=ROUND_HALF_EVEN, context=_ROUNDING) if places >= 0 else d
    if q == 0:
        q = abs(q)
    text = f"{q:,f}"
    if "." in text:
        whole, frac = text.split(".")
        frac = frac.rstrip("0")
        frac = frac + "0" * max(0, min_places - len(frac))
        text = f"{whole}.{frac}" if frac else whole
    return text.replace("-", "\u2212")


def _plain(value: float | int | Decimal, places: int, min_places: int) -> str | None:
    """``format_number``'s text for a non-zero finite float or Decimal whose shortest text is
    positional, under 10²⁰, with no more than ``places`` decimals (so nothing to round), read
    off that text directly; else ``None``. Tables of 100,000 rows are 400,000 such cells."""
    kind = type(value)
    if kind is float:
        if not value or value != value or abs(value) == _INF:
            return None
        text = repr(value)
    elif kind is Decimal:
        if not value or not value.is_finite():
            return None
        text = str(value)
    elif kind is int:
        if not value or abs(value) >= _INT_PLAIN:
            return None
        text = str(value)
    else:
        return None
    if "e" in text or "E" in text or places < 0:
        return None
    negative = text[0] == "-"
    whole, _, frac = text.lstrip("-").partition(".")
    if len(whole) > SCIENTIFIC_FROM - 1 or len(frac) > places:
        return None
    frac = frac.rstrip("0")
    if places:  # as after quantize: no point, no padding, at 0 places
        frac += "0" * (min_places - len(frac))
    out = f"{int(whole):,}.{frac}" if frac else f"{int(whole):,}"
    return "\u2212" + out if negative else out


_INF = float("inf")
_INT_PLAIN = 10**SCIENTIFIC_FROM // 10


# Characters that change how text around them is shown (bidi overrides and isolates, zero-
# width and other format characters) or are not text at all (controls but tab and newline,
# lone surrogates, line/paragraph separators): outputs show each as a visible code, e.g.
# "⟨U+202E⟩", so a value cannot display as something else ("Trojan Source").
_INVISIBLE = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))
_KEPT = frozenset("\n\t")


def visible_text(text: str) -> str:
    """``text`` with every control (but tab and newline) or format (bidi) character written as
    ``⟨U+XXXX⟩``, so what a reader sees is what the text holds.

    >>> visible_text("id\u202eevil")
    'id⟨U+202E⟩evil'
    """
    if text.isprintable():
        return text
    return "".join(
        f"⟨U+{ord(ch):04X}⟩" if ch not in _KEPT and unicodedata.category(ch) in _INVISIBLE else ch for ch in text
    )


def format_value(o: Output, value: Any) -> str:
    """Text for one scalar output value."""
    if value is None:
        return "—"
    if o.format == "text" or isinstance(value, (str, bool)):
        return visible_text(str(value))
    if not isinstance(value, (int, float, Decimal)):
        return visible_text(str(value))[:200]
    if o.format == "percent":
        with localcontext() as ctx:
            ctx.Emax, ctx.Emin = MAX_EMAX, MIN_EMIN
            return format_number(_decimal(value) * 100, o.places) + " %"
    if o.format == "integer":
        return format_number(value, 0)
    if o.unit == "quote":
        return format_number(value, price_places(value, o.places))
    return format_number(value, o.places)


def price_places(value: float | int | Decimal, places: int) -> int:
    """Decimals for a price (or an amount) in the quote currency: at most ``places``, and
    beyond 6 significant digits none (but always 2), so a 60,000 price is shown to the cent,
    never to 4 decimals, while a 0.5 price keeps all ``places``.

    >>> price_places(60123.4567, 4), price_places(1234.5, 4), price_places(0.51234, 4), price_places(2e6, 8)
    (2, 2, 4, 2)
    """
    d = _decimal(value)
    if not d or not d.is_finite():
        return places
    return min(places, max(2, 5 - d.adjusted()))


def money_units(calc: Any) -> dict[str, str]:
    """Units that name a currency one of the calculator's outputs gives, and that output:
    "settlement currency" follows ``currency_label`` (USDT, USDC, base coin); "quote" follows
    ``quote_label`` (USDT for a linear USDT contract, USD for an inverse one) where the
    calculator has it, or ``currency_label`` where it has no inverse contracts (its prices and
    money are then in the same currency)."""
    outputs = {o.name for o in calc.outputs}
    if "currency_label" not in outputs:
        return {}
    units = {"settlement currency": "currency_label"}
    if "quote_label" in outputs:
        units["quote"] = "quote_label"
    elif not any(f.name == "contract" for f in calc.inputs):
        units["quote"] = "currency_label"
    return units


def display(
    o: Output, value: Any, units: Mapping[str, str] | None = None, limit: int | None = None
) -> dict[str, Any]:
    """What the page shows for one output: ``{"text": …}`` or, for tables and series,
    ``{"columns": [labels], "rows": [[text, …], …], "text": summary, "total": rows}``; a
    column's money unit ("quote", "settlement currency") is written as ``units`` names it
    ("USDT"). With ``limit``, only a table's first ``limit`` rows are written (the page shows
    a page of rows at a time and asks for the others with [`table_rows`][perpcalc.display.table_rows])."""
    if o.format in ("table", "series") and isinstance(value, (list, Columns)):
        names = units or {}
        total = table_length(value)
        shown = table_rows_of(value, 0, limit)
        return {
            "columns": [c.label + (f" ({names.get(c.unit, c.unit)})" if c.unit else "") for c in o.columns],
            "rows": table_rows(o, shown),
            "text": f"{total} row{'s' if total != 1 else ''}",
            "total": total,
        }
    return {"text": format_value(o, value)}


def table_rows(o: Output, rows: list[Mapping[str, Any]]) -> list[list[str]]:
    """The text of each cell of a table's (or series') ``rows``, one list per row, in the order
    of ``o.columns``.

    >>> from perpcalc import get
    >>> table_rows(get("adl_ranking").outputs[0], [{"side": "long", "rank": 1234, "id": "A", "score": 0.5,
    ...                                            "quantile": 5, "size": 2.0}])
    [['long', '1,234', 'A', '0.5', '5', '2']]
    """
    cols = o.columns
    texts = [_column_text(c, [row.get(c.name) for row in rows]) for c in cols]
    return list(map(list, zip(*texts, strict=True))) if cols else [[] for _ in rows]


def _column_text(c: Output, cells: list[Any]) -> list[str]:
    """``format_value`` of each cell of a table column. A column of ints shown as integers (a
    place in a queue, a light) is written with ``format``'s grouping at once: the same text as
    ``format_number(v, 0)`` gives an int under 10²⁰ ("0", "1,234", "−5")."""
    if c.format == "integer" and set(map(type, cells)) == {int} and max(map(abs, cells)) < _INT_PLAIN:
        return [f"{v:,}".replace("-", "\u2212") if v else "0" for v in cells]
    return [format_value(c, v) for v in cells]


# ---------------------------------------------------------------- numbers inside summary text


def format_percent(fraction: float | int | Decimal, places: int = 4, fixed: bool = True) -> str:
    """A fraction as a percentage for prose: ``0.0001`` → ``"0.0100 %"`` (``fixed``: always
    ``places`` decimals) or ``"0.01 %"`` (``fixed=False``: trailing zeros dropped)."""
    d = Decimal(repr(fraction)) if isinstance(fraction, float) else Decimal(fraction)
    return format_number(d * 100, places, places if fixed else 0) + " %"


def format_money(value: float | int | Decimal | None, places: int = 2) -> str:
    """An amount for prose with exactly ``places`` decimals: ``-1234.5`` → ``"−1,234.50"``;
    ``None`` → ``"none"``."""
    return "none" if value is None else format_number(value, places, places)


def format_significant(value: float, digits: int = 6) -> str:
    """``digits`` significant digits, grouped, a true minus: axis ticks (``-12500.0`` → ``"−12,500"``)."""
    return f"{value:,.{digits}g}".replace("-", "\u2212")
