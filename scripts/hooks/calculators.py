"""MkDocs hook: embed perpcalc calculators in pages and pre-render their worked examples.

Markers (in any Markdown page):

* ``[[calculator NAME]]`` or ``[[calculator NAME example=KEY]]`` on a line of its own:
  the calculator's form, built from its spec, with the example's outputs computed now in
  CPython by the same ``perpcalc`` the browser runs later;
* ``[[value NAME.FIELD]]`` or ``[[value NAME@KEY.FIELD]]`` inline: the formatted value of
  an output (or input) of that example, so prose never retypes a computed number.

Unknown calculators, examples or fields fail the build. The form follows the page
contract (see the README): ``form.perpcalc[data-calculator][data-state]``, one control per
input named after the field, one ``<output>`` per output with ``data-value`` holding the
raw JSON, and ``[data-error-for=FIELD]`` beside each field.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "calculators"))

import markers  # noqa: E402
import perpcalc  # noqa: E402
from perpcalc import page  # noqa: E402
from perpcalc._spec import Calculator, Field  # noqa: E402
from perpcalc.parse import plain  # noqa: E402

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


def _draft_gap(what: str) -> str:
    what = what.replace("[[", "").replace("]]", "")
    return f"<mark>draft: {_esc(what)} is not built yet</mark>"


def example_result(name: str, key: str) -> dict[str, Any]:
    """Outputs of a calculator's named example, computed once per build."""
    if (name, key) not in _results:
        calc = perpcalc.get(name)
        if key not in calc.examples:
            raise CalculatorMarkupError(f"calculator {name!r} has no example {key!r}")
        result = page.compute(name, calc.examples[key])
        if not result["ok"]:
            raise CalculatorMarkupError(f"example {name}@{key} is invalid: {result['error']}")
        result["form"] = page.form_values(name, key)
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
        return (
            f'<textarea {common} rows="{rows}" spellcheck="false" autocapitalize="off" '
            f'data-columns="{_esc(cols)}">{_esc(value)}</textarea>'
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


def money_units(calc: Calculator) -> dict[str, str]:
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
        hint = (
            f'<small class="perpcalc__help" id="{ident}-help">One row per line after the header '
            f"({_esc(cols)}).{extra.replace('..', '.')}</small>"
        )
    control_value = to_percent_text(value) if percent else value
    files = _file_box(f, ident) if f.accepts else ""
    attrs = ""
    if f.when:
        attrs += f' data-when="{_esc(json.dumps({k: list(v) for k, v in f.when.items()}))}"'
    if f.typical is not None:
        attrs += f' data-typical="{_esc(plain(Decimal(str(f.typical)).scaleb(2 if percent else 0)))}"'
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
        values = page.form_values(calc.name, key)
        for f in calc.inputs:
            if f.name in example and not _applies(f, values):
                raise CalculatorMarkupError(f"{calc.name}@{key} sets {f.name}, which does not apply to it")


def main_output(calc: Calculator) -> perpcalc.Output:
    """The result the sticky summary keeps on screen: the first figure (not a table, chart or sentence)."""
    for formats in (("number", "percent", "integer"), ("text",)):
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
    currency = {unit: (out, str(result["outputs"].get(out, ""))) for unit, out in money_units(calc).items()}
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
    outputs = "".join(
        _output_html(o, result["outputs"][o.name], result["display"][o.name], uid, currency) for o in calc.outputs
    )
    form_values = {
        f.name: to_percent_text(values[f.name]) if _is_percent(f) else values[f.name] for f in calc.inputs
    }
    spec = {
        "name": name,
        "example": key,
        "values": form_values,
        # what a field shows when the chosen preset has no value for it (as run() fills it)
        "defaults": {
            f.name: _default_text(f) for f in calc.inputs
            if any(f.name in table for tables in calc.presets.values() for table in tables.values())
        },
        "presets": calc.spec()["presets"],
        "function": calc.function,
        "charts": {o.name: o.chart_spec() for o in calc.outputs if o.format == "series"},
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
        f"{outputs}{notes}</div></div>"
        '<div class="perpcalc__foot">'
        '<p class="perpcalc__status" data-status role="status">Worked example, computed with perpcalc when this'
        " page was built. Change any input to recalculate in your browser.</p>"
        '<progress class="perpcalc__progress" max="4" value="0" hidden></progress>'
        '<div class="perpcalc__actions">'
        '<button type="button" class="md-button" data-action="link">Copy link</button>'
        '<button type="button" class="md-button" data-action="python">Copy as Python</button>'
        '<button type="button" class="md-button" data-action="csv">CSV</button>'
        '<button type="button" class="md-button" data-action="json">JSON</button>'
        '<button type="button" class="md-button" data-action="reset">Reset to example</button>'
        "</div></div>"
        "</form>"
    )


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
    return to_percent_text(text) if _is_percent(f) else text


def _value_text(match: re.Match[str]) -> str:
    name, key, fieldname = match.group(1), match.group(2) or "default", match.group(3)
    try:
        calc = perpcalc.get(name)
    except perpcalc.InputError as exc:
        raise CalculatorMarkupError(str(exc)) from None
    result = example_result(name, key)
    if fieldname in result["display"]:
        text = _esc(result["display"][fieldname]["text"])
    elif fieldname in result["form"]:
        text = _esc(result["form"][fieldname])
    else:
        raise CalculatorMarkupError(f"{name}@{key} has no output or input {fieldname!r}")
    # The worked example's number: when the reader changes that calculator on this page, the
    # front end marks it as the example's (it never silently stands for the reader's inputs).
    return (
        f'<span class="perpcalc-example-value" data-calculator="{name}" data-example="{key}"'
        f' title="From the worked example ({_esc(calc.title)}), not from inputs you change">{text}</span>'
    )


def on_pre_build(config: Any) -> None:
    _results.clear()


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
