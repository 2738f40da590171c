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

Unknown calculators, examples or fields fail the build. The form follows the page
contract (see the README): ``form.perpcalc[data-calculator][data-state]``, one control per
input named after the field, one ``<output>`` per output with ``data-value`` holding the
raw JSON, and ``[data-error-for=FIELD]`` beside each field.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import shlex
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "calculators"))

import markers  # noqa: E402
import perpcalc  # noqa: E402
from perpcalc import display  # noqa: E402
from perpcalc import page as page_entry  # noqa: E402
from perpcalc._spec import Calculator, Field  # noqa: E402
from perpcalc.parse import coerce, parse_rows, plain, rows_to_text, value_to_text  # noqa: E402

BLOCK = markers.CALCULATOR
VALUE = markers.VALUE
PLACEHOLDER = "PERPCALC-FORM-{}-END"

_results: dict[tuple[str, str], dict[str, Any]] = {}
_pending: dict[str, list[str]] = {}


class CalculatorMarkupError(PluginError):
    pass


# Writers' preview only (never in tests or CI): PERPCALC_DRAFT=1 shows a marked gap where a
# page names a calculator, example or output that is not built yet, instead of failing.
DRAFT = os.environ.get("PERPCALC_DRAFT") == "1"
# The page's start-up steps (the progress bar's max), from the worker protocol's one spelling.
STEPS = int(re.search(r"^export const STEPS = (\d+);$", (ROOT / "docs/assets/perpcalc/protocol.js")
                      .read_text(encoding="utf-8"), re.M).group(1))


def _draft_gap(what: str) -> str:
    what = what.replace("[[", "").replace("]]", "")
    return f"<mark>draft: {_esc(what)} is not built yet</mark>"


def example_result(name: str, key: str) -> dict[str, Any]:
    """Outputs of a calculator's named example, computed once per build."""
    if (name, key) not in _results:
        calc = perpcalc.get(name)
        if key not in calc.examples:
            raise CalculatorMarkupError(f"calculator {name!r} has no example {key!r}")
        result = page_entry.compute(name, calc.examples[key])
        if not result["ok"]:
            raise CalculatorMarkupError(f"example {name}@{key} is invalid: {result['error']}")
        result["form"] = page_entry.form_values(name, key)
        _results[(name, key)] = result
    return _results[(name, key)]


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _control(f: Field, value: str, uid: str, has_help: bool) -> str:
    ident = f"{uid}-{f.name}"
    described = f"{ident}-err {ident}-note" + (f" {ident}-help" if has_help else "")
    common = f'id="{ident}" name="{f.name}" aria-describedby="{described}"'
    if f.type == "choice":
        opts = "".join(
            f'<option value="{_esc(c)}"{" selected" if c == value else ""}>{_esc(c)}</option>' for c in f.choices
        )
        return f"<select {common}>{opts}</select>"
    if f.type == "list":
        rows = max(3, min(12, value.count("\n") + 2))
        cols = ", ".join(c.name for c in f.columns)
        rates = percent_columns(f)
        marked = f' data-percent-columns="{_esc(", ".join(rates))}"' if rates else ""
        return (
            f'<textarea {common} rows="{rows}" spellcheck="false" autocapitalize="off" '
            f'data-columns="{_esc(cols)}"{marked}>{_esc(value)}</textarea>'
        )
    # Phone keyboards: iOS's decimal pad has no minus key, so a field that takes negative
    # values gets the full keyboard (inputmode=text) with a pattern that documents the shape;
    # a field that is never negative gets the decimal pad. The form is novalidate: the
    # pattern never blocks, perpcalc's own checks word the errors.
    lo = f.bounds[0] if f.type in ("decimal", "integer") else None
    negative = lo is None or lo < 0
    if f.type in ("decimal", "integer") and negative:
        mode = 'inputmode="text" pattern="[\\-\u2212+]?[0-9.,_ eE]*%?"'
    else:
        mode = f'inputmode="{"numeric" if f.type == "integer" else "decimal" if f.type == "decimal" else "text"}"'
    placeholder = ' placeholder="none"' if not f.required and f.default is None else ""
    percent = " data-percent" if _is_percent(f) else ""
    return (
        f'<input {common} type="text" {mode} value="{_esc(value)}"'
        f' autocomplete="off" spellcheck="false"{placeholder}{percent}>'
    )


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


#: Outputs the page shows only as the units of other outputs, not as a row of their own.
UNIT_ONLY_OUTPUTS = frozenset({"quote_label"})

Currency = dict[str, tuple[str, str]]  # unit → (output that names it, its text in the example)


def _unit_text(unit: str, currency: Currency) -> str:
    """A unit as HTML: a money unit shows the currency and follows it when results change."""
    if unit in currency:
        output, name = currency[unit]
        return f'<span data-unit-from="{output}">{_esc(name)}</span>'
    return _esc(unit)


def _output_html(
    o: perpcalc.Output, raw: Any, shown: dict[str, Any], uid: str, currency: Currency | None = None
) -> str:
    ident = f"{uid}-out-{o.name}"
    has_unit = o.unit and o.format not in ("table", "series")
    unit = f'<span class="perpcalc__unit">{_unit_text(o.unit, currency or {})}</span>' if has_unit else ""
    value_json = _esc(json.dumps(raw, separators=(",", ":"), allow_nan=False))
    # Sentences (summaries, formulas, notes) read as prose across the panel, not as a figure.
    prose = " perpcalc__out--prose" if o.format == "text" and len(str(shown["text"])) > 32 else ""
    # an output that only names the unit of others (prices in USD…) is shown as those units
    hidden = " hidden" if o.name in UNIT_ONLY_OUTPUTS else ""
    out = (
        f'<div class="perpcalc__out perpcalc__out--{o.format}{prose}"{hidden}>'
        f'<span class="perpcalc__label" id="{ident}-label">{_esc(o.label)}</span>'
        f'<span class="perpcalc__value"><output name="{o.name}" id="{ident}" aria-labelledby="{ident}-label"'
        f' data-value="{value_json}">{_esc(shown["text"])}</output>{unit}</span>'
    )
    if o.format == "series":
        out += (
            f'<figure class="perpcalc__chart" data-chart-for="{o.name}" aria-label="{_esc(o.label)} chart"></figure>'
            f'<details class="perpcalc__details"><summary>{_esc(o.label)}: table</summary>'
            f'<div class="perpcalc__table" data-table-for="{o.name}" {_region(o)}>{table_html(shown)}</div></details>'
        )
    elif "rows" in shown:
        out += f'<div class="perpcalc__table" data-table-for="{o.name}" {_region(o)}>{table_html(shown)}</div>'
    return out + "</div>"


def _region(o: perpcalc.Output) -> str:
    """A table box scrolls (wide or long tables): focusable, so the keyboard can scroll it too."""
    return f'tabindex="0" role="region" aria-label="{_esc(o.label)} (table)"'


def table_html(shown: dict[str, Any]) -> str:
    head = "".join(f'<th scope="col">{_esc(c)}</th>' for c in shown["columns"])
    body = "".join("<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>" for row in shown["rows"])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _field_html(f: Field, value: str, uid: str, currency: Currency | None = None) -> str:
    ident = f"{uid}-{f.name}"
    percent = _is_percent(f)
    shown_unit = "%" if percent else f.unit
    unit = (
        f' <span class="perpcalc__unit">({_unit_text(shown_unit, currency or {})})</span>'
        if shown_unit and f.type != "list"
        else ""
    )
    help_text = _percent_help(f.help) if percent else f.help
    hint = f'<small class="perpcalc__help" id="{ident}-help">{_esc(help_text)}</small>' if help_text else ""
    if f.type == "list":
        cols = ", ".join(c.name for c in f.columns)
        extra = f" {_esc(f.help[:1].upper() + f.help[1:])}." if f.help else ""
        rates = percent_columns(f)
        if rates:
            which = f"{f.columns[0].label}s" if len(f.columns) == 1 else f"Rates ({', '.join(rates)})"
            extra += f" {which} in percent, as venues print them: 0.01 means 0.01 % (the % sign is optional)."
        # a list of one column takes values one per line or separated by commas, header optional
        lead = (f"One value per line, or several separated by commas (a first line {_esc(cols)!r} is optional)."
                if len(f.columns) == 1 else f"One row per line after the header ({_esc(cols)}).")
        hint = f'<small class="perpcalc__help" id="{ident}-help">{lead}{extra.replace("..", ".")}</small>'

    control_value = form_text(f, value)
    files = _file_box(f, ident) if f.accepts else ""
    attrs = ""
    if f.when:
        attrs += f' data-when="{_esc(json.dumps({k: list(v) for k, v in f.when.items()}))}"'
    if f.typical is not None:
        attrs += f' data-typical="{_esc(plain(Decimal(str(f.typical)).scaleb(2 if percent else 0)))}"'
    elif f.type == "list" and _list_typical(f) is not None:
        attrs += f' data-typical="{_esc(plain(_list_typical(f)))}"'
    # A field that applies only to some choices (a pasted series, not a simulated one) keeps its
    # file button outside it, always in view: reading a file makes the field apply (files.js).
    inside, outside = (files, "") if not f.when else ("", files)
    return (
        f'<div class="perpcalc__field perpcalc__field--{f.type}" data-field="{f.name}"{attrs}>'
        f'<label for="{ident}">{_esc(f.label)}{unit}</label>'
        f'<div class="perpcalc__control">{_control(f, control_value, uid, bool(help_text) or f.type == "list")}</div>'
        f"{hint}{inside}"
        f'<span class="perpcalc__note" id="{ident}-note" data-note-for="{f.name}"></span>'
        f'<span class="perpcalc__error" id="{ident}-err" data-error-for="{f.name}"></span>'
        f"</div>{outside}"
    )


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


def _file_box(f: Field, ident: str) -> str:
    """The file control of a list field that accepts files (files.js wires it): a labelled
    file button (keyboard and phones), drop and paste on the field, progress and status."""
    label, what = FILE_WORDS[f.accepts[0]]
    return (
        f'<div class="perpcalc__file" data-file-for="{f.name}" data-accepts="{_esc(" ".join(f.accepts))}">'
        f'<label class="perpcalc__file-label" for="{ident}-file">{_esc(label)}</label> '
        f'<input type="file" id="{ident}-file" class="perpcalc__file-input" '
        f'accept=".csv,.json,.txt,text/csv,application/json,text/plain" aria-describedby="{ident}-file-help">'
        f'<small class="perpcalc__help" id="{ident}-file-help">Choose, drop or paste {_esc(what)}. It is read '
        "in your browser and never uploaded.</small>"
        '<progress class="perpcalc__file-progress" hidden></progress>'
        '<span class="perpcalc__file-status" data-file-status role="status" aria-live="polite"></span>'
        f'<span class="perpcalc__file-zone" data-file-zone-box hidden><label for="{ident}-zone">The file\'s times '
        f'carry no time zone; they are in</label> <select id="{ident}-zone" data-file-zone></select> '
        '<small data-file-zone-note></small></span>'
        "</div>"
    )


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


def _downloads(name: str, calc: Calculator) -> str:
    """The download buttons (one CSV for the single figures, one per table or chart, JSON), the
    line that says why they are off while the results are not the reader's, and a pandas recipe."""
    tables = [o for o in calc.outputs if o.format in ("table", "series")]
    buttons = '<button type="button" class="md-button" data-action="csv" data-export>Summary CSV</button>'
    for o in tables:
        buttons += (f'<button type="button" class="md-button" data-action="csv-table" data-table="{o.name}"'
                    f' data-export>CSV: {_esc(o.label)}</button>')
    buttons += '<button type="button" class="md-button" data-action="json" data-export>JSON</button>'
    example = f"{name}-{tables[0].name}.csv" if tables else f"{name}-summary.csv"
    return (
        f'<div class="perpcalc__downloads"><span class="perpcalc__downloads-title">Download</span>{buttons}'
        '<p class="perpcalc__export-why" data-export-why role="status"></p>'
        '<p class="perpcalc__recipe">Each file reads as it is in pandas: '
        f'<code>pd.read_csv("{_esc(example)}")</code>, <code>pd.read_json("{_esc(name)}.json")</code>. '
        "Units are in the column names; rates are in percent, as on this page.</p></div>"
    )


def main_output(calc: Calculator) -> perpcalc.Output:
    """The result the sticky summary keeps on screen: the first amount or rate, else the first
    count (a count such as "Rates 270" is rarely the answer: the mean after it is), else the
    first sentence; never a table or chart."""
    for formats in (("number", "percent"), ("integer",), ("text",)):
        for o in calc.outputs:
            if o.format in formats:
                return o
    return calc.outputs[0]


def render_form(name: str, key: str, uid: str) -> str:
    """The whole calculator block for one marker."""
    calc = perpcalc.get(name)
    _check_when(calc)
    result = example_result(name, key)
    values = result["form"]
    currency = {unit: (out, str(result["outputs"].get(out, ""))) for unit, out in display.money_units(calc).items()}
    fields, more = [], []
    for f in calc.inputs:
        html_field = _field_html(f, values[f.name], uid, currency)
        if not _applies(f, values):
            html_field = html_field.replace('data-field=', "hidden data-field=", 1)
        (more if f.advanced else fields).append(html_field)
    if more:
        fields.append(
            '<details class="perpcalc__more"><summary>More inputs</summary>' + "".join(more) + "</details>"
        )
    main = main_output(calc)
    main_text = result["display"][main.name]["text"]
    summary_bar = (
        f'<div class="perpcalc__sticky perpcalc__sticky--{main.format}" aria-hidden="true" data-main="{main.name}">'
        f'<span class="perpcalc__sticky-label">{_esc(main.label)}</span> '
        f'<span class="perpcalc__sticky-value">{_esc(main_text)}</span></div>'
    )
    # tables and charts get the form's full width, below the inputs and the single results
    def outputs_html(wide: bool) -> str:
        return "".join(
            _output_html(o, result["outputs"][o.name], result["display"][o.name], uid, currency)
            for o in calc.outputs
            if (o.format in ("table", "series")) == wide
        )

    outputs, wide_outputs = outputs_html(False), outputs_html(True)
    wide = f'<div class="perpcalc__wide" aria-live="polite" aria-atomic="false">{wide_outputs}</div>'
    if not wide_outputs:
        wide = ""
    form_values = {f.name: form_text(f, values[f.name]) for f in calc.inputs}
    spec = {
        "name": name,
        "example": key,
        "values": form_values,
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
    # an attribute, not a <script> data block: Material's instant navigation re-creates inline
    # scripts as executable ones, which the CSP (rightly) refuses
    spec_json = _esc(json.dumps(spec, separators=(",", ":"), ensure_ascii=True))
    notes = f'<p class="perpcalc__notes">{_esc(calc.notes)}</p>' if calc.notes else ""
    # data-search-exclude: the form's labels and numbers stay out of the search index. The theme's
    # indexer glues adjacent cells ("rate0.3", "−118.75quote"): no use to a searcher, and those digit
    # tokens tripped lunr's token-set minimisation, so "funding rate" found nothing. It sits on the
    # <form> because the indexer ends an exclusion at the first closing tag of the same name.
    return (
        f'<form class="perpcalc" id="{uid}" data-calculator="{name}" data-example="{key}" data-state="static"'
        f' data-stale="false" novalidate autocomplete="off" aria-labelledby="{uid}-title" data-search-exclude'
        f' data-spec="{spec_json}">'
        f'<div class="perpcalc__head"><p class="perpcalc__title" id="{uid}-title">'
        f'<a class="perpcalc__anchor" href="#{uid}">{_esc(calc.title)}</a></p>'
        f'<p class="perpcalc__summary">{_esc(calc.summary)}</p></div>'
        f'<div class="perpcalc__body"><fieldset class="perpcalc__inputs"><legend>Inputs</legend>{"".join(fields)}'
        f'<span class="perpcalc__error perpcalc__error--form" data-error-for=""></span>{summary_bar}</fieldset>'
        f'<div class="perpcalc__outputs" aria-live="polite" aria-atomic="false">'
        '<p class="perpcalc__legend">Results: <span data-results-note>worked example</span></p>'
        '<p class="perpcalc__nojs">Not your inputs: this calculator needs JavaScript, which has not run on'
        " this page, so the results stay those of the worked example.</p>"
        f"{outputs}{notes}</div></div>{wide}"
        '<div class="perpcalc__foot">'
        '<p class="perpcalc__status" data-status role="status">Worked example, computed when this page was'
        " built. This calculator needs JavaScript to recalculate.</p>"
        f'<progress class="perpcalc__progress" max="{STEPS}" value="0" hidden></progress>'
        '<div class="perpcalc__actions">'
        '<button type="button" class="md-button" data-action="link">Copy link</button>'
        '<button type="button" class="md-button" data-action="python">Copy as Python</button>'
        '<button type="button" class="md-button" data-action="reset">Reset to example</button>'
        f"</div>{_downloads(name, calc)}</div>"
        "</form>"
    )


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


_changed: dict[tuple[str, str, str], dict[str, Any]] = {}


def changed_result(name: str, key: str, settings: dict[str, str]) -> dict[str, Any]:
    """A named example's outputs with some inputs set otherwise (as in a marker), once per build."""
    ident = (name, key, json.dumps(settings, sort_keys=True))
    if ident not in _changed:
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
        _changed[ident] = result
    return _changed[ident]


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
    source = f'data-source="calculator:{name}" data-calculator="{name}" data-example="{key}"'
    if not settings:
        # The worked example's number: when the reader changes that calculator on this page, the
        # front end marks it as the example's (it never silently stands for the reader's inputs).
        return (f'<span class="perpcalc-example-value" {source} title="From the worked example '
                f'({_esc(calc.title)}), not from inputs you change">{_esc(text)}</span>')
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
    return (f'<span class="perpcalc-try-value" data-source="calculator:{calc.name}" data-calculator="{calc.name}"'
            f' data-example="{key}" data-inputs="{_esc(json.dumps(settings))}"'
            f' title="Computed by {_esc(calc.title)} from the worked example with {_esc(typed)}">{_esc(text)}</span>')


def on_pre_build(config: Any) -> None:
    _results.clear()
    _changed.clear()


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    forms: list[str] = []

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
        forms.append(render_form(name, key, uid))
        return "\n" + PLACEHOLDER.format(len(forms) - 1) + "\n"

    try:
        markdown = BLOCK.sub(block, markdown)
        markdown = VALUE.sub(_value, markdown)
    except CalculatorMarkupError as exc:
        raise CalculatorMarkupError(f"{page.file.src_path}: {exc}") from None
    if "[[calculator" in markdown or "[[value" in markdown:
        raise CalculatorMarkupError(f"{page.file.src_path}: malformed calculator marker")
    _pending[page.file.src_path] = forms
    return markdown


_FORM_HEAD = re.compile(
    r'<form class="perpcalc" id="([^"]+)"[^>]*>.*?<a class="perpcalc__anchor"[^>]*>([^<]*)</a>', re.S
)


def jump_list(forms: list[str]) -> str:
    """"Calculators on this page": one link per embedded form, to its own anchor."""
    items = []
    for form in forms:
        m = _FORM_HEAD.search(form)
        if m:
            items.append(f'<li><a href="#{m.group(1)}">{m.group(2)}</a></li>')
    return (
        '<nav class="perpcalc-jump" aria-label="Calculators on this page"><p class="perpcalc-jump__title">'
        f"Calculators on this page</p><ul>{''.join(items)}</ul></nav>"
    )


def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    forms = _pending.pop(page.file.src_path, [])
    if forms:
        nav = jump_list(forms)
        head = re.search(r"</h1>", content)
        content = content[: head.end()] + nav + content[head.end():] if head else nav + content
    for i, form in enumerate(forms):
        token = PLACEHOLDER.format(i)
        content, n = re.subn(rf"<p>\s*{token}\s*</p>|{token}", lambda _m, f=form: f, content, count=1)
        if n != 1:
            raise CalculatorMarkupError(f"{page.file.src_path}: calculator marker {i} was not placed")
    return content
