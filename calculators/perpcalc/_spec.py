"""Calculator specs and the registry behind ``run`` and ``catalog``.

Every calculator is one pure function in a topic module plus a [`Calculator`][perpcalc.Calculator]
spec in ``perpcalc.calculators``, listed there in the ordered registry that
``install`` makes the catalogue. The spec says what the inputs are (type,
unit, bounds, choices, defaults, venue presets) and what the outputs are (label, unit,
display format). [`run`][perpcalc.run] turns any JSON-like mapping into validated Python values
(``Decimal`` for numbers) or raises [`InputError`][perpcalc.InputError] naming the field, so the
calculator functions only ever see clean values; the reading and writing of values is in
``perpcalc.parse``.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, localcontext
from functools import cached_property
from typing import Any

from ._errors import InputError
from .parse import Columns, coerce, columns_json, is_blank, jsonable, output_json, shown

__all__ = [
    "Calculator",
    "Field",
    "InputError",
    "Output",
    "catalog",
    "get",
    "install",
    "run",
]


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()

FIELD_TYPES = ("decimal", "integer", "choice", "text", "list")
# the kinds of file a list field may accept (perpcalc.venue_files reads them)
FILE_KINDS = ("funding_history", "positions", "funding_payments", "rate_history")


@dataclass(frozen=True)
class Field:
    """One input of a calculator.

    ``type`` is ``decimal`` (exact ``Decimal``), ``integer``, ``choice`` (one of
    ``choices``), ``text`` or ``list`` (rows of ``columns``, given as a list of mappings
    or as CSV text with a header line). ``default`` is ``REQUIRED``, ``None`` (optional,
    no value) or a value. Bounds are inclusive unless ``min_open``/``max_open``.
    ``percent`` lets a reader type ``0.01%`` for 0.0001. ``exact=False`` (list columns of
    calculators that compute in floats, e.g. ranking 100,000 positions) keeps a number
    column as ``float`` instead of ``Decimal``: the same checks, without the conversion.
    ``columnar`` hands a list field's cells to the calculator as ``perpcalc.parse.Columns`` (column name →
    cells) instead of rows, for a calculator that reads its 100,000 rows column by column.

    Page hints (the core ignores them): ``when`` maps other choice fields to the values for
    which this field applies (``{"contract": ("inverse",)}``); the form hides it otherwise
    and does not send it. ``advanced`` folds a rarely used field under "More inputs".
    ``typical`` is the largest magnitude a venue plausibly uses (same unit as the value):
    beyond it the form shows a note, never an error. ``accepts`` names the kinds of file a
    reader may drop on a list field (``FILE_KINDS``; read by
    ``perpcalc.venue_files``): the form offers a file picker for them.
    """

    name: str
    label: str
    type: str = "decimal"
    unit: str = ""
    default: Any = REQUIRED
    min: Decimal | int | str | None = None
    max: Decimal | int | str | None = None
    min_open: bool = False
    max_open: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    percent: bool = False
    columns: tuple[Field, ...] = ()
    min_items: int = 0
    max_items: int = 100_000
    exact: bool = True
    columnar: bool = False
    when: Mapping[str, tuple[str, ...]] | None = None
    advanced: bool = False
    typical: Decimal | str | None = None
    accepts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"unknown field type {self.type!r}")
        if self.type == "choice" and not self.choices:
            raise ValueError(f"choice field {self.name!r} needs choices")
        if self.type == "list" and not self.columns:
            raise ValueError(f"list field {self.name!r} needs columns")
        if self.accepts and (self.type != "list" or not set(self.accepts) <= set(FILE_KINDS)):
            raise ValueError(f"field {self.name!r}: only list fields accept files ({', '.join(FILE_KINDS)})")

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @cached_property
    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        """(min, max) as ``Decimal`` (``None`` = unbounded), computed once per field."""
        return (None if self.min is None else Decimal(str(self.min)),
                None if self.max is None else Decimal(str(self.max)))

    @cached_property
    def float_bounds(self) -> tuple[float | None, float | None]:
        """The same bounds as floats, for ``exact=False`` list columns."""
        lo, hi = self.bounds
        return (None if lo is None else float(lo), None if hi is None else float(hi))

    def spec(self) -> dict[str, Any]:
        """JSON description of the field for the catalogue."""
        out: dict[str, Any] = {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "unit": self.unit,
            "required": self.required,
            "default": None if self.required else jsonable(self.default),
        }
        if self.min is not None:
            out["min"] = float(Decimal(str(self.min)))
            out["min_open"] = self.min_open
        if self.max is not None:
            out["max"] = float(Decimal(str(self.max)))
            out["max_open"] = self.max_open
        if self.choices:
            out["choices"] = list(self.choices)
        if self.help:
            out["help"] = self.help
        if self.columns:
            out["columns"] = [c.spec() for c in self.columns]
            out["min_items"] = self.min_items
            out["max_items"] = self.max_items
        if self.percent:
            out["percent"] = True
        if self.when:
            out["when"] = {k: list(v) for k, v in self.when.items()}
        if self.advanced:
            out["advanced"] = True
        if self.typical is not None:
            out["typical"] = float(Decimal(str(self.typical)))
        if self.accepts:
            out["accepts"] = list(self.accepts)
        return out


@dataclass(frozen=True)
class Output:
    """One output of a calculator.

    ``format`` tells the page how to show the value: ``number`` (up to ``places``
    decimals), ``percent`` (a fraction shown × 100 with a % sign), ``integer``, ``text``,
    ``table`` (a list of rows described by ``columns``) or ``series`` (a list of points
    for a chart, described by ``columns``).

    A ``series`` output is drawn as a chart: by default the first column is the x axis
    and every other numeric column a line. ``chart`` overrides that with a mapping:
    ``x`` (column), ``y`` (columns), ``kind`` (``line`` or ``bar``), ``marks`` (names of
    scalar outputs, or of inputs, drawn as vertical lines, e.g. a liquidation price or the
    reader's leverage), ``x_names`` (a text column that names each x value: the axis shows
    those words instead of numbers), ``title``, and
    ``time`` (a column of UTC times, ``YYYY-MM-DDTHH:MMZ``: when every point has one, the
    page draws the x axis as dates instead of ``x``).
    """

    name: str
    label: str
    unit: str = ""
    format: str = "number"
    places: int = 8
    columns: tuple[Output, ...] = ()
    chart: Mapping[str, Any] | None = None

    def spec(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "label": self.label,
            "unit": self.unit,
            "format": self.format,
        }
        if self.format in ("number", "percent"):
            out["places"] = self.places
        if self.columns:
            out["columns"] = [c.spec() for c in self.columns]
        if self.format == "series":
            out["chart"] = self.chart_spec()
        return out

    def chart_spec(self) -> dict[str, Any]:
        """How the page draws this series (defaults filled in)."""
        chart = dict(self.chart or {})
        names = [c.name for c in self.columns if c.format not in ("text",)]
        chart.setdefault("x", names[0] if names else "")
        chart.setdefault("y", [n for n in names if n != chart["x"]])
        chart.setdefault("kind", "line")
        chart.setdefault("marks", [])
        chart.setdefault("title", self.label)
        labels = {c.name: c.label + (f" ({c.unit})" if c.unit else "") for c in self.columns}
        keys = [chart["x"], *chart["y"], *([chart["time"]] if "time" in chart else [])]
        chart["labels"] = {k: labels.get(k, k) for k in keys}
        return chart


@dataclass(frozen=True)
class Calculator:
    """A calculator: its inputs, outputs, worked examples and the function behind it.

    ``compute`` receives the validated inputs (a dict with every field, numbers as
    ``Decimal``) and returns a dict with every output. ``presets`` maps a choice
    field's value to defaults for other fields (venue data, derived from
    ``perpcalc.venues``). ``examples`` holds named example inputs; ``"default"`` is the
    one pre-rendered on the page.

    Preset rule (``spec()["preset_rule"] == "fill_unset"``, the same in ``run`` and in the
    browser): a field the reader set always wins; a field the reader did not set takes the
    chosen preset's value, else its own default. A preset never overwrites a value the
    reader typed, and choosing another preset changes only the fields the reader left
    unset.
    """

    name: str
    title: str
    summary: str
    inputs: tuple[Field, ...]
    outputs: tuple[Output, ...]
    compute: Callable[[dict[str, Any]], Mapping[str, Any]]
    examples: Mapping[str, Mapping[str, Any]]
    terms: tuple[str, ...] = ()
    presets: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    function: str = ""
    notes: str = ""

    def field(self, name: str) -> Field:
        for f in self.inputs:
            if f.name == name:
                return f
        raise KeyError(name)

    def spec(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "summary": self.summary,
            "terms": list(self.terms),
            "function": self.function,
            "notes": self.notes,
            "inputs": [f.spec() for f in self.inputs],
            "outputs": [o.spec() for o in self.outputs],
            "examples": {
                key: {k: jsonable(v) for k, v in ex.items()} for key, ex in self.examples.items()
            },
            "presets": {
                fname: {choice: {k: jsonable(v) for k, v in vals.items()} for choice, vals in table.items()}
                for fname, table in self.presets.items()
            },
            "preset_rule": "fill_unset",
        }

    def resolve(self, inputs: Mapping[str, Any] | None) -> dict[str, Any]:
        """Validate ``inputs`` and fill defaults; every problem becomes ``InputError``."""
        if inputs is None:
            inputs = {}
        if not isinstance(inputs, Mapping):
            raise InputError(None, "inputs must be a mapping of field names to values")
        known = {f.name for f in self.inputs}
        for key in inputs:
            if not isinstance(key, str) or key not in known:
                raise InputError(
                    shown(key), f"unknown field {shown(key)!r} for {self.name}; expected one of: "
                    f"{', '.join(sorted(known))}"
                )
        given = {k: v for k, v in inputs.items() if not is_blank(v)}
        values: dict[str, Any] = {}
        # choice fields first, so presets can fill the rest
        ordered = sorted(self.inputs, key=lambda f: f.name not in self.presets)
        for f in ordered:
            if f.name in given:
                values[f.name] = coerce(f, given[f.name])
                continue
            preset = self._preset_value(f.name, values)
            if preset is not _MISSING:
                values[f.name] = coerce(f, preset) if preset is not None else None
            elif f.required:
                raise InputError(f.name, f"{f.label} is required")
            else:
                values[f.name] = coerce(f, f.default) if f.default is not None else None
        return values

    def _preset_value(self, name: str, values: Mapping[str, Any]) -> Any:
        for chooser, table in self.presets.items():
            choice = values.get(chooser)
            if choice is not None and name in table.get(choice, {}):
                return table[choice][name]
        return _MISSING

    def __call__(self, inputs: Mapping[str, Any] | None = None, columns: bool = False) -> dict[str, Any]:
        # The outputs, JSON-compatible; with ``columns``, a table the calculator gives as
        # ``perpcalc.parse.Columns`` stays one (its cells JSON-compatible: ``columns_json``). A comment,
        # not a docstring: the API page documents ``run``, not the dunder behind it.
        with gc_paused():
            return self._run(inputs, columns)

    def _run(self, inputs: Mapping[str, Any] | None, columns: bool = False) -> dict[str, Any]:
        values = self.resolve(inputs)
        try:
            with localcontext() as ctx:
                ctx.prec = 34
                raw = self.compute(values)
        except InputError:
            raise
        except (ArithmeticError, InvalidOperation) as exc:
            raise InputError(None, f"these inputs have no finite result ({type(exc).__name__})") from None
        out: dict[str, Any] = {}
        for o in self.outputs:
            if o.name not in raw:
                raise RuntimeError(f"{self.name} did not return output {o.name!r}")
            value = raw[o.name]
            out[o.name] = columns_json(o, value) if columns and isinstance(value, Columns) else output_json(o, value)
        return out


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: a run over 100,000 rows makes millions of objects
    that all stay alive until it returns, and the collector, started by their number, would
    walk them all again and again (a third of the CPU of such a run). What a run leaves as
    cyclic garbage is collected after it, as usual."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


_MISSING = object()
_REGISTRY: dict[str, Calculator] = {}


def install(calculators: Sequence[Calculator]) -> None:
    """Make ``calculators`` the catalogue, in this order.

    ``perpcalc/__init__.py`` calls it once with the ordered registry
    ``perpcalc.calculators.CALCULATORS``; defining a spec never registers it.
    """
    table: dict[str, Calculator] = {}
    for spec in calculators:
        if spec.name in table:
            raise ValueError(f"calculator {spec.name!r} listed twice")
        if "default" not in spec.examples:
            raise ValueError(f"calculator {spec.name!r} needs a 'default' example")
        table[spec.name] = spec
    _REGISTRY.clear()
    _REGISTRY.update(table)


def get(name: Any) -> Calculator:
    """The registered calculator called ``name``, or ``InputError``."""
    if not isinstance(name, str) or name not in _REGISTRY:
        raise InputError(None, f"unknown calculator {shown(name)!r}; see perpcalc.catalog()")
    return _REGISTRY[name]


def catalog() -> list[dict[str, Any]]:
    """Every calculator's spec (JSON-compatible), in catalogue order."""
    return [c.spec() for c in _REGISTRY.values()]


def run(name: str, inputs: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Run calculator ``name`` on ``inputs`` and return its outputs.

    Numbers may be given as int, float or decimal string; omitted optional inputs take
    their defaults (from the venue preset where one is chosen). Any bad input raises
    [`InputError`][perpcalc.InputError]; the result holds only JSON-compatible values and finite numbers.

    >>> run("funding_payment", {"side": "long", "size": 10, "mark_price": 10000,
    ...                         "funding_rate": "0.0011875"})["payment"]
    -118.75
    """
    return get(name)(inputs)
