"""MkDocs hook: embed perpcalc calculators in pages and pre-render their worked examples.

Markers (in any Markdown page):

* ``[[calculator NAME]]`` or ``[[calculator NAME example=KEY]]`` on a line of its own:
  the calculator's form, built from its spec, with the example's outputs computed now in
  CPython by the same ``perpcalc`` the browser runs later;
* ``[[value NAME.FIELD]]`` or ``[[value NAME@KEY.FIELD]]`` inline: the formatted value of
  an output (or input) of that example, so prose never retypes a computed number;
* the same with settings and claims, for prose that tells the reader to change an input
  and says what happens: ``[[value NAME[@KEY].FIELD INPUT=VALUE ... CLAIM ...]]``. Each
  ``INPUT=VALUE`` changes one input of the example, typed as a reader types it in the form
  (rates in percent, the ``%`` optional; quote a value with spaces); the marker shows FIELD
  as the calculator computes it with those changes. Each claim is checked against that
  result, and a false one fails the build: ``is=X`` (the value: a number in the unit the
  page shows, a text such as ``short``, or ``example``, ``-example``, ``2*example`` for the
  example's own value, negated or scaled), ``is>X``, ``is<X``, ``is~X`` (within 2 %) and
  ``sign=+``, ``sign=-`` or ``sign=0``; ``is=refused`` claims the calculator refuses the
  inputs, and the marker then shows its message. Choosing a preset (``venue=binance``) fills
  the fields the example set as the form does: from the preset, or the field's default. So
  "set the premium index to −1 % and the short side pays" is written
  ``[[value funding_rate.premium_index premium_index=-1]] ... the
  [[value funding_rate.payer premium_index=-1 is=short]] side pays``.

Unknown calculators, examples or fields fail the build. The form is drawn by the Jinja template
``overrides/partials/perpcalc-form.html`` from what :func:`form_context` gathers, and follows the page
contract (see the README): ``form.perpcalc[data-calculator][data-state]``, one control per
input named after the field, one ``<output>`` per output with ``data-value`` holding the
raw JSON, and ``[data-error-for=FIELD]`` beside each field. The values in prose and the list of a
page's calculators are drawn by ``perpcalc-value.html`` and ``perpcalc-jump.html`` beside it (every
template through ``scripts/hooks/templates.py``: autoescaped, one line of HTML).
"""

from __future__ import annotations

import json
import math
import os
import re
import shlex
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "calculators"))

import markers  # noqa: E402
import perpcalc  # noqa: E402
import templates  # noqa: E402
from perpcalc import display  # noqa: E402
from perpcalc import page as page_entry  # noqa: E402
from perpcalc._spec import Calculator, Field  # noqa: E402
from perpcalc.parse import coerce, parse_rows, plain, rows_to_text, value_to_text  # noqa: E402
from perpcalc.venues import VENUES  # noqa: E402

BLOCK = markers.CALCULATOR
VALUE = markers.VALUE
PLACEHOLDER = "PERPCALC-FORM-{}-END"


@dataclass
class BuildState:
    """What the hook gathers during one build. ``on_config`` starts a new one: ``mkdocs serve``
    rebuilds in the same process, and nothing of a previous build may stand in for this one's."""

    #: (calculator, example) → its outputs, computed once per build
    results: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    #: (calculator, example, settings) → the outputs with a marker's settings
    changed: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    #: page → its forms (id, calculator title, HTML), from its Markdown until its content places them
    pending: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)


state = BuildState()


class CalculatorMarkupError(PluginError):
    pass


# Writers' preview only (never in tests or CI): PERPCALC_DRAFT=1 shows a marked gap where a
# page names a calculator, example or output that is not built yet, instead of failing.
DRAFT = os.environ.get("PERPCALC_DRAFT") == "1"
# The page's start-up steps (the progress bar's max), from the worker protocol's one spelling.
STEPS = int(re.search(r"^export const STEPS = (\d+);$", (ROOT / "docs/assets/perpcalc/protocol.js")
                      .read_text(encoding="utf-8"), re.M).group(1))


def _draft_gap(what: str) -> str:
    return templates.render("perpcalc-draft.html", what=what.replace("[[", "").replace("]]", ""))


def example_result(name: str, key: str) -> dict[str, Any]:
    """Outputs of a calculator's named example, computed once per build."""
    if (name, key) not in state.results:
        calc = perpcalc.get(name)
        if key not in calc.examples:
            raise CalculatorMarkupError(f"calculator {name!r} has no example {key!r}")
        result = page_entry.compute(name, calc.examples[key], page_rows=None)  # every row, for readers without JS
        if not result["ok"]:
            raise CalculatorMarkupError(f"example {name}@{key} is invalid: {result['error']}")
        result["form"] = page_entry.form_values(name, key)
        state.results[(name, key)] = result
    return state.results[(name, key)]


def _is_percent(f: Field) -> bool:
    """Rate fields are typed and shown in percent, as venues print them (the API keeps fractions)."""
    return f.percent and f.type == "decimal"


def to_percent_text(text: str) -> str:
    """``"-0.0003"`` → ``"-0.03"``: a fraction's form text in percent, exactly (no float)."""
    if text == "":
        return ""
    return plain(Decimal(text).scaleb(2))


def percent_columns(f: Field) -> tuple[str, ...]:
    """The columns of a list field that hold rates: typed and shown in percent, like rate fields."""
    return tuple(c.name for c in f.columns if c.percent and c.type == "decimal") if f.type == "list" else ()


def form_text(f: Field, text: str) -> str:
    """A field's text in the API's units (``value_to_text``) as the form shows it: rate fields
    and the rate columns of lists in percent (``"rate\\n0.0001"`` → ``"rate\\n0.01"``)."""
    if _is_percent(f):
        return to_percent_text(text)
    rates = percent_columns(f)
    if not rates or not text:
        return text
    rows = [{k: to_percent_text(v) if k in rates and v else v for k, v in row.items()} for row in parse_rows(text, f)]
    return rows_to_text(f, rows)


def _list_typical(f: Field) -> Decimal | None:
    """The plausibility limit of a list's rate column (the first with one), in percent."""
    for c in f.columns:
        if c.typical is not None and c.name in percent_columns(f):
            return Decimal(str(c.typical)).scaleb(2)
    return None


#: A file box's words by the first kind of file its field accepts: (button label, what it reads).
FILE_WORDS = {
    "funding_history": (
        "Read a funding-history file",
        "a venue's funding-history export: Binance (API JSON or the website's CSV), Bybit, OKX or Hyperliquid; "
        "it fills in the rates and the interval between them (and the first one's time, where the form asks)",
    ),
    "positions": ("Read a positions file", "a CSV file whose header names the columns above"),
    "funding_payments": (
        "Read your funding payments",
        "your venue's ledger: Binance's futures Transaction History export, income history (GET /fapi/v1/income) "
        "or account statement, Bybit's transaction log or OKX's bills; only its funding payments are kept",
    ),
    "rate_history": (
        "Read a funding-rate history",
        "a venue's funding-rate history (Binance, Bybit, OKX, Hyperliquid, dYdX, Deribit or ccxt's output) for "
        "the same symbols",
    ),
}


_FRACTION_EQ = re.compile(r"(?<![\d.])(-?\d*\.\d+|\d+) = (-?[\d.]+) ?%")


def _percent_help(text: str) -> str:
    """A rate field's help as the form shows it: in percent first, the API's fraction second."""
    text = re.sub(r"\s*\(you may type [^)]*\)|;?\s*you may type [^);]*", "", text)
    text = text.replace("fraction per funding interval: ", "per funding interval: ").replace(", as a fraction", "")
    text = _FRACTION_EQ.sub(lambda m: f"{m.group(2)} % = {m.group(1)} as a fraction", text)
    lead = "In percent, as venues print it: 0.01 means 0.01 %"
    return f"{lead}. {text[:1].upper() + text[1:]}" if text else f"{lead}."


def _applies(f: Field, values: dict[str, str]) -> bool:
    return not f.when or all(values.get(k) in v for k, v in f.when.items())


def _check_when(calc: Calculator) -> None:
    choices = {f.name: f.choices for f in calc.inputs if f.type == "choice"}
    for f in calc.inputs:
        for key, allowed in (f.when or {}).items():
            if key not in choices or not set(allowed) <= set(choices[key]):
                raise CalculatorMarkupError(f"{calc.name}.{f.name}: when={{{key!r}: {allowed!r}}} names no such choice")
    # a form does not send a field that does not apply, so no example may rely on one
    for key, example in calc.examples.items():
        values = page_entry.form_values(calc.name, key)
        for f in calc.inputs:
            if f.name in example and not _applies(f, values):
                raise CalculatorMarkupError(f"{calc.name}@{key} sets {f.name}, which does not apply to it")


def _export_header(o: perpcalc.Output, units: dict[str, str]) -> str:
    """A download's column name: the output's name and its unit, as pandas users want them
    (``mean (%)``, ``payment ({currency_label})``: the page puts that output's text in the braces)."""
    if o.format == "percent":
        return f"{o.name} (%)"
    if o.unit in units:
        return f"{o.name} ({{{units[o.unit]}}})"
    return f"{o.name} ({o.unit})" if o.unit else o.name


def export_spec(calc: Calculator) -> list[dict[str, Any]]:
    """What the downloads write, output by output: column names with units, and which values
    are rates (fractions in perpcalc, written in percent as the page shows them)."""
    units = display.money_units(calc)
    out = []
    for o in calc.outputs:
        item: dict[str, Any] = {"name": o.name, "header": _export_header(o, units), "format": o.format}
        if o.format in ("table", "series"):
            item["label"] = o.label
            item["columns"] = [{"name": c.name, "header": _export_header(c, units), "format": c.format}
                               for c in o.columns]
        out.append(item)
    return out


def main_output(calc: Calculator) -> perpcalc.Output:
    """The result the sticky summary keeps on screen: the first amount or rate, else the first
    count (a count such as "Rates 270" is rarely the answer: the mean after it is), else the
    first sentence; never a table or chart."""
    for formats in (("number", "percent"), ("integer",), ("text",)):
        for o in calc.outputs:
            if o.format in formats:
                return o
    return calc.outputs[0]


# ------------------------------------------------------------------ the form (overrides/partials/perpcalc-form.html)

FORM_TEMPLATE = "partials/perpcalc-form.html"


_TEMPLATES = templates.ENV


def _control_context(f: Field, value: str, ident: str, has_help: bool) -> dict[str, Any]:
    """What the template needs to draw one field's control (a select, a textarea or an input)."""
    control: dict[str, Any] = {
        "described": f"{ident}-err {ident}-note" + (f" {ident}-help" if has_help else ""),
        "value": value,
    }
    if f.type == "choice":
        control["choices"] = list(f.choices)
    elif f.type == "list":
        control["rows"] = max(3, min(12, value.count("\n") + 2))
        control["columns"] = ", ".join(c.name for c in f.columns)
        control["percent_columns"] = ", ".join(percent_columns(f))
    else:
        # a field that takes negative values gets the full keyboard (iOS's decimal pad has no minus)
        lo = f.bounds[0] if f.type in ("decimal", "integer") else None
        control["negative"] = f.type in ("decimal", "integer") and (lo is None or lo < 0)
        control["inputmode"] = "numeric" if f.type == "integer" else "decimal" if f.type == "decimal" else "text"
        control["placeholder"] = not f.required and f.default is None
        control["percent"] = _is_percent(f)
    return control


def _list_hint(f: Field) -> str:
    """A list field's help: how rows are written, its own help, and which columns are in percent."""
    cols = ", ".join(c.name for c in f.columns)
    extra = f" {f.help[:1].upper() + f.help[1:]}." if f.help else ""
    rates = percent_columns(f)
    if rates:
        # a single rate column called "rate" is named once ("Rates", not "Rates (rate)")
        which = (f"{f.columns[0].label}s" if len(f.columns) == 1 else "Rates" if rates == ("rate",)
                 else f"Rates ({', '.join(rates)})")
        extra += f" {which} in percent, as venues print them: 0.01 means 0.01 % (the % sign is optional)."
    # a list of one column takes values one per line or separated by commas, header optional
    # the limit's number and noun kept on one line (a no-break space)
    lead = (f"One value per line, or several separated by commas (a first line {cols!r} is optional): "
            f"at most {f.max_items:,}\u00a0values." if len(f.columns) == 1
            else f"One row per line after the header ({cols}), at most {f.max_items:,}\u00a0rows.")
    return lead + extra.replace("..", ".")


def _field_context(f: Field, value: str, uid: str, applies: bool) -> dict[str, Any]:
    """What the template needs to draw one field: label, unit, help, control, notes, file box."""
    ident = f"{uid}-{f.name}"
    percent = _is_percent(f)
    shown_unit = "%" if percent else f.unit
    help_text = _percent_help(f.help) if percent else f.help
    hint = _list_hint(f) if f.type == "list" else help_text
    typical = None
    if f.typical is not None:
        typical = plain(Decimal(str(f.typical)).scaleb(2 if percent else 0))
    elif f.type == "list" and _list_typical(f) is not None:
        typical = plain(_list_typical(f))
    file = None
    if f.accepts:
        label, what = FILE_WORDS[f.accepts[0]]
        file = {"accepts": " ".join(f.accepts), "label": label, "what": what}
    return {
        "name": f.name,
        "type": f.type,
        "ident": ident,
        "label": f.label,
        "unit": shown_unit if shown_unit and f.type != "list" else "",
        "hint": hint,
        "hidden": not applies,
        "when": json.dumps({k: list(v) for k, v in f.when.items()}) if f.when else None,
        "typical": typical,
        "file": file,
        **_control_context(f, form_text(f, value), ident, bool(help_text) or f.type == "list"),
    }


#: Outputs the page shows only as the units of other outputs, not as a row of their own.
UNIT_ONLY_OUTPUTS = frozenset({"quote_label"})


def _output_context(o: perpcalc.Output, raw: Any, shown: dict[str, Any], uid: str) -> dict[str, Any]:
    """What the template needs to draw one output: its figure (raw JSON in data-value), unit, table, chart."""
    return {
        "name": o.name,
        "ident": f"{uid}-out-{o.name}",
        "label": o.label,
        "format": o.format,
        "shown": shown,
        "value": json.dumps(raw, separators=(",", ":"), allow_nan=False),
        "unit": o.unit if o.unit and o.format not in ("table", "series") else "",
        # sentences (summaries, formulas, notes) read as prose across the panel, not as a figure
        "prose": o.format == "text" and len(str(shown["text"])) > 32,
        # an output that only names the unit of others (prices in USD…) is shown as those units
        "hidden": o.name in UNIT_ONLY_OUTPUTS,
    }


def form_context(name: str, key: str, uid: str) -> dict[str, Any]:
    """Everything the form template draws for one marker: the example's values and outputs, the
    spec the page's scripts read (data-spec), money units that follow the results' currency."""
    calc = perpcalc.get(name)
    _check_when(calc)
    result = example_result(name, key)
    values = result["form"]
    fields = [_field_context(f, values[f.name], uid, _applies(f, values)) for f in calc.inputs]
    outputs = [_output_context(o, result["outputs"][o.name], result["display"][o.name], uid) for o in calc.outputs]
    main = main_output(calc)
    tables = [o for o in calc.outputs if o.format in ("table", "series")]
    spec = {
        "name": name,
        "example": key,
        "values": {f.name: form_text(f, values[f.name]) for f in calc.inputs},
        # what a field shows when the chosen preset has no value for it (as run() fills it)
        "defaults": {
            f.name: _default_text(f) for f in calc.inputs
            if any(f.name in table for tables in calc.presets.values() for table in tables.values())
        },
        "presets": preset_texts(calc),
        "function": calc.function,
        "charts": {o.name: o.chart_spec() for o in calc.outputs if o.format == "series"},
        "exports": export_spec(calc),
    }
    return {
        "uid": uid,
        "name": name,
        "key": key,
        "title": calc.title,
        "summary": calc.summary,
        "notes": calc.notes or "",
        "spec": json.dumps(spec, separators=(",", ":"), ensure_ascii=True),
        "fields": [c for f, c in zip(calc.inputs, fields, strict=True) if not f.advanced],
        "more": [c for f, c in zip(calc.inputs, fields, strict=True) if f.advanced],
        "outputs": [c for c in outputs if c["format"] not in ("table", "series")],
        "wide": [c for c in outputs if c["format"] in ("table", "series")],
        "main": {"name": main.name, "format": main.format, "label": main.label,
                 "text": result["display"][main.name]["text"]},
        # unit → (the output that names it, its text in the example): money units follow the results
        "currency": {unit: (out, str(result["outputs"].get(out, "")))
                     for unit, out in display.money_units(calc).items()},
        "csv_example": f"{name}-{tables[0].name}.csv" if tables else f"{name}-summary.csv",
        "steps": STEPS,
    }


def render_form(name: str, key: str, uid: str) -> str:
    """The whole calculator block for one marker (overrides/partials/perpcalc-form.html)."""
    return _TEMPLATES.get_template(FORM_TEMPLATE).render(form=form_context(name, key, uid))


def preset_texts(calc: Calculator) -> dict[str, dict[str, dict[str, str]]]:
    """Each preset's values as the form shows them (rates in percent, lists as text), so the page
    fills a field with exactly what a reader would type."""
    return {
        chooser: {
            choice: {
                name: "" if value is None else form_text(calc.field(name), value_to_text(calc.field(name),
                                                                                  coerce(calc.field(name), value)))
                for name, value in values.items()
            }
            for choice, values in table.items()
        }
        for chooser, table in calc.presets.items()
    }


def _value(match: re.Match[str]) -> str:
    try:
        return _value_text(match)
    except CalculatorMarkupError:
        if DRAFT:
            return _draft_gap(match.group(0))
        raise


def _default_text(f: Field) -> str:
    """A field's own default as the form shows it (percent fields in percent)."""
    if f.required or f.default is None:
        return ""
    text = plain(Decimal(str(f.default))) if f.type == "decimal" else str(f.default)
    return form_text(f, text)


def _value_text(match: re.Match[str]) -> str:
    name, key, fieldname = match.group(1), match.group(2) or "default", match.group(3)
    return value_marker(name, key, fieldname, match.group(4) or "")


_CLAIM = re.compile(r"^(is|sign)([=<>~])(.+)$")
_SETTING = re.compile(r"^([a-z0-9_]+)=(.*)$")
_SIGNS = {"+": 1, "positive": 1, "-": -1, "negative": -1, "0": 0, "zero": 0}


def parse_marker_args(calc: Calculator, args: str) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """The settings (input → value as the form takes it) and claims (kind, operator, operand)
    of a ``[[value]]`` marker's arguments: ``premium_index=-1 is=short sign=-``."""
    try:
        tokens = shlex.split(args.replace("\u2212", "-"))
    except ValueError as exc:
        raise CalculatorMarkupError(f"cannot read the marker's arguments {args.strip()!r} ({exc})") from None
    settings: dict[str, str] = {}
    claims: list[tuple[str, str, str]] = []
    for token in tokens:
        claim, setting = _CLAIM.match(token), _SETTING.match(token)
        if claim:
            claims.append((claim.group(1), claim.group(2), claim.group(3)))
            if claim.group(1) == "sign" and (claim.group(2) != "=" or claim.group(3) not in _SIGNS):
                raise CalculatorMarkupError(f"{token!r}: a sign claim is sign=+, sign=- or sign=0")
        elif setting:
            try:
                f = calc.field(setting.group(1))
            except KeyError:
                raise CalculatorMarkupError(f"{calc.name} has no input {setting.group(1)!r} to set") from None
            if percent_columns(f):
                raise CalculatorMarkupError(f"{calc.name}.{f.name}: a marker does not set lists of rates "
                                            "(give the calculator an example instead)")
            value = setting.group(2).strip().replace("\\n", "\n")  # a list's rows: "id, profit\\nA, 10"
            # as the page sends it: rate fields are typed in percent, "%" optional
            settings[f.name] = f"{value.removesuffix('%')}%" if _is_percent(f) and value else value
        else:
            raise CalculatorMarkupError(f"{token!r} is neither INPUT=VALUE nor a claim (is=, is>, is<, is~, sign=)")
    return settings, claims


def _scalar(o: perpcalc.Output, raw: Any) -> float | None:
    """An output's number in the unit the page shows (percent outputs × 100)."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None
    return float(raw) * 100 if o.format == "percent" else float(raw)


def _operand(text: str, o: perpcalc.Output, example_raw: Any) -> float | str:
    m = re.fullmatch(r"(-?(?:\d+(?:\.\d*)?|\.\d+)?)\*?example", text)
    if m:
        base = _scalar(o, example_raw)
        if base is None:
            raise CalculatorMarkupError(f"{o.name} of the example is not a number")
        factor = {"": 1.0, "-": -1.0}.get(m.group(1), None)
        return base * (factor if factor is not None else float(m.group(1)))
    try:
        return float(text.removesuffix("%").replace(",", ""))
    except ValueError:
        return text


def check_claim(o: perpcalc.Output, raw: Any, shown: str, example_raw: Any, claim: tuple[str, str, str]) -> bool:
    """Whether an output (``raw`` JSON value, ``shown`` text) satisfies one claim of a marker."""
    kind, op, operand = claim
    number = _scalar(o, raw)
    if kind == "sign":
        return number is not None and (number > 0) - (number < 0) == _SIGNS[operand]
    want = _operand(operand, o, example_raw)
    if isinstance(want, str) or number is None:
        return op == "=" and (str(raw) == operand or shown == operand)
    if op == "=":
        return math.isclose(number, want, rel_tol=1e-9, abs_tol=1e-12)
    if op == "~":
        return math.isclose(number, want, rel_tol=0.02, abs_tol=1e-12)
    return number > want if op == ">" else number < want


def changed_result(name: str, key: str, settings: dict[str, str]) -> dict[str, Any]:
    """A named example's outputs with some inputs set otherwise (as in a marker), once per build."""
    ident = (name, key, json.dumps(settings, sort_keys=True))
    if ident not in state.changed:
        calc = perpcalc.get(name)
        example_result(name, key)  # the example itself must exist and compute
        inputs = {**calc.examples[key], **settings}
        for chooser, table in calc.presets.items():
            if chooser in settings:  # as the form: a preset fills every field it (or any sibling) sets
                for field_name in {n for values in table.values() for n in values} - set(settings):
                    inputs.pop(field_name, None)
        result = page_entry.compute(name, inputs)
        if result["ok"]:
            values = calc.resolve(inputs)
            result["form"] = {f.name: value_to_text(f, values[f.name]) for f in calc.inputs}
        state.changed[ident] = result
    return state.changed[ident]


def _failed(name: str, key: str, settings: dict[str, str], result: dict[str, Any]) -> CalculatorMarkupError:
    err = result["error"]
    return CalculatorMarkupError(f"{name}@{key} with {settings}: {err.get('field') or ''} {err['message']}")


def _input_text(f: Field, text: str) -> str:
    """An input's value in prose, as the form shows it (rates in percent, with the sign)."""
    shown = form_text(f, text)
    if f.type in ("decimal", "integer") and shown:
        return display.format_number(Decimal(shown), 12) + (" %" if _is_percent(f) else "")
    return shown


def value_marker(name: str, key: str, fieldname: str, args: str = "") -> str:
    """The HTML of one ``[[value]]`` marker (see the module docstring); a false claim, an unknown
    name or a setting the calculator refuses raises ``CalculatorMarkupError``."""
    try:
        calc = perpcalc.get(name)
    except perpcalc.InputError as exc:
        raise CalculatorMarkupError(str(exc)) from None
    settings, claims = parse_marker_args(calc, args)
    example = example_result(name, key)
    result = changed_result(name, key, settings) if settings else example
    outputs = {o.name: o for o in calc.outputs}
    if fieldname in settings:  # the input the marker sets, as typed
        if claims and ("is", "=", "refused") not in claims:
            raise CalculatorMarkupError(f"{name}.{fieldname} is an input: claims are about outputs")
        text = _typed_text(calc.field(fieldname), settings[fieldname])
        return _try_span(calc, key, settings, text)
    refused = ("is", "=", "refused") in claims
    if refused != (not result["ok"]):
        if refused:
            raise CalculatorMarkupError(f"the page claims {name}@{key} refuses {settings}, but it computes")
        raise _failed(name, key, settings, result)
    if refused:
        text = result["error"]["message"]
    elif fieldname in outputs:
        text = result["display"][fieldname]["text"]
        for claim in claims:
            if not check_claim(outputs[fieldname], result["outputs"][fieldname], text,
                               example["outputs"][fieldname], claim):
                raise CalculatorMarkupError(
                    f"the page claims {fieldname} {claim[0]}{claim[1]}{claim[2]} for {name}@{key}"
                    f"{' with ' + str(settings) if settings else ''}, but the calculator gives {text}")
    elif fieldname in result["form"]:
        if claims:
            raise CalculatorMarkupError(f"{name}.{fieldname} is an input: claims are about outputs")
        text = _input_text(calc.field(fieldname), result["form"][fieldname])
    else:
        raise CalculatorMarkupError(f"{name}@{key} has no output or input {fieldname!r}")
    if not settings:
        # The worked example's number: when the reader changes that calculator on this page, the
        # front end marks it as the example's (it never silently stands for the reader's inputs).
        return templates.render("perpcalc-value.html", name=name, example=key, title=calc.title, text=text,
                                inputs=None)
    return _try_span(calc, key, settings, text)


def _typed_text(f: Field, value: str) -> str:
    """A setting of a marker in prose, as the reader types it in the form (rates in percent)."""
    if f.type in ("decimal", "integer"):
        try:
            return display.format_number(Decimal(value.removesuffix("%")), 12) + (" %" if _is_percent(f) else "")
        except ArithmeticError:
            raise CalculatorMarkupError(f"{f.name}={value!r} is not a number") from None
    return value


def _try_span(calc: Calculator, key: str, settings: dict[str, str], text: str) -> str:
    """A value computed with settings: names its calculator and the change it stands for."""
    typed = ", ".join(f"{calc.field(k).label} = {_typed_text(calc.field(k), v)}" for k, v in settings.items())
    return templates.render("perpcalc-value.html", name=calc.name, example=key, title=calc.title, text=text,
                            inputs=json.dumps(settings), typed=typed)


def on_config(config: Any) -> Any:
    global state
    state = BuildState()
    return config


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    forms: list[tuple[str, str, str]] = []
    keys: list[str] = []  # each form's example

    def block(match: re.Match[str]) -> str:
        name, key = match.group(1), match.group(2) or "default"
        try:
            perpcalc.get(name)
            if DRAFT:
                example_result(name, key)
        except (perpcalc.InputError, CalculatorMarkupError) as exc:
            if DRAFT:
                return "\n" + _draft_gap(f"calculator {name}@{key}") + "\n"
            raise CalculatorMarkupError(f"{page.file.src_path}: {exc}") from None
        uid = f"calc-{name}" + (f"-{key}" if key != "default" else "") + (f"-{len(forms)}" if forms else "")
        forms.append((uid, perpcalc.get(name).title, render_form(name, key, uid)))
        keys.append(key)
        return "\n" + PLACEHOLDER.format(len(forms) - 1) + "\n"

    try:
        markdown = BLOCK.sub(block, markdown)
        markdown = VALUE.sub(_value, markdown)
    except CalculatorMarkupError as exc:
        raise CalculatorMarkupError(f"{page.file.src_path}: {exc}") from None
    if "[[calculator" in markdown or "[[value" in markdown:
        raise CalculatorMarkupError(f"{page.file.src_path}: malformed calculator marker")
    state.pending[page.file.src_path] = jump_titles(forms, keys)
    return markdown


def jump_titles(forms: list[tuple[str, str, str]], keys: list[str]) -> list[tuple[str, str, str]]:
    """The forms (id, title, HTML) with the titles their links in "Calculators on this page" show:
    a calculator embedded twice on a page is told apart by its example (``keys``, one a form):
    "Funding rate by venue (negative example)", a venue's key by the venue's name ("Deribit
    example"). Two identical links under a page's title left a reader to guess which was which."""
    counts: dict[str, int] = {}
    for _, title, _ in forms:
        counts[title] = counts.get(title, 0) + 1
    out = []
    for (uid, title, form), key in zip(forms, keys, strict=True):
        if counts[title] > 1 and key != "default":
            venue = VENUES.get(key)
            title = f"{title} ({venue.name if venue else key.replace('_', ' ')} example)"
        out.append((uid, title, form))
    return out


def jump_list(forms: list[tuple[str, str]]) -> str:
    """"Calculators on this page": one link per embedded form (its id, its calculator's title), to
    its own anchor (overrides/partials/perpcalc-jump.html)."""
    return templates.render("perpcalc-jump.html", forms=forms)


def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    pending = state.pending.pop(page.file.src_path, [])
    forms = [form for _, _, form in pending]
    if forms:
        nav = jump_list([(uid, title) for uid, title, _ in pending])
        head = re.search(r"</h1>", content)
        content = content[: head.end()] + nav + content[head.end():] if head else nav + content
    for i, form in enumerate(forms):
        token = PLACEHOLDER.format(i)
        content, n = re.subn(rf"<p>\s*{token}\s*</p>|{token}", lambda _m, f=form: f, content, count=1)
        if n != 1:
            raise CalculatorMarkupError(f"{page.file.src_path}: calculator marker {i} was not placed")
    return content
