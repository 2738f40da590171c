"""MkDocs hook: embed perpcalc calculators in pages and pre-render their worked examples.

Markers (in any Markdown page):

* ``[[calculator NAME]]`` or ``[[calculator NAME example=KEY]]`` on a line of its own:
  the calculator's form, built from its spec, with the example's outputs computed now in
  CPython by the same ``perpcalc`` the browser runs later;
* ``[[value NAME.FIELD]]`` or ``[[value NAME@KEY.FIELD]]`` inline: the formatted value of
  an output (or input) of that example, so prose never retypes a computed number.

Unknown calculators, examples or fields fail the build. The form follows the page
contract of DESIGN.md: ``form.perpcalc[data-calculator][data-state]``, one control per
input named after the field, one ``<output>`` per output with ``data-value`` holding the
raw JSON, and ``[data-error-for=FIELD]`` beside each field.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "calculators"))

import perpcalc  # noqa: E402
from perpcalc import display  # noqa: E402
from perpcalc._spec import Calculator, Field  # noqa: E402

BLOCK = re.compile(r"^[ \t]*\[\[calculator\s+([a-z0-9_]+)(?:\s+example=([a-z0-9_]+))?\s*\]\][ \t]*$", re.M)
VALUE = re.compile(r"\[\[value\s+([a-z0-9_]+)(?:@([a-z0-9_]+))?\.([a-z0-9_]+)\s*\]\]")
PLACEHOLDER = "PERPCALC-FORM-{}-END"

_results: dict[tuple[str, str], dict[str, Any]] = {}
_pending: dict[str, list[str]] = {}
usage: dict[str, list[str]] = {}  # calculator name -> page URLs embedding it


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
        result = display.compute(name, calc.examples[key])
        if not result["ok"]:
            raise CalculatorMarkupError(f"example {name}@{key} is invalid: {result['error']}")
        result["form"] = display.form_values(name, key)
        _results[(name, key)] = result
    return _results[(name, key)]


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _control(calc: Calculator, f: Field, value: str, uid: str) -> str:
    ident = f"{uid}-{f.name}"
    described = f"{ident}-err" + (f" {ident}-help" if f.help else "")
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
    mode = "numeric" if f.type == "integer" else "decimal" if f.type == "decimal" else "text"
    placeholder = ' placeholder="none"' if not f.required and f.default is None else ""
    return (
        f'<input {common} type="text" inputmode="{mode}" value="{_esc(value)}"'
        f' autocomplete="off" spellcheck="false"{placeholder}>'
    )


def _output_html(o: perpcalc.Output, raw: Any, shown: dict[str, Any], uid: str) -> str:
    ident = f"{uid}-out-{o.name}"
    has_unit = o.unit and o.format not in ("table", "series")
    unit = f'<span class="perpcalc__unit">{_esc(o.unit)}</span>' if has_unit else ""
    value_json = _esc(json.dumps(raw, separators=(",", ":"), allow_nan=False))
    # Sentences (summaries, formulas, notes) read as prose across the panel, not as a figure.
    prose = " perpcalc__out--prose" if o.format == "text" and len(str(shown["text"])) > 32 else ""
    out = (
        f'<div class="perpcalc__out perpcalc__out--{o.format}{prose}">'
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


def render_form(name: str, key: str, uid: str) -> str:
    """The whole calculator block for one marker."""
    calc = perpcalc.get(name)
    result = example_result(name, key)
    values = result["form"]
    fields = []
    for f in calc.inputs:
        ident = f"{uid}-{f.name}"
        unit = f' <span class="perpcalc__unit">({_esc(f.unit)})</span>' if f.unit and f.type != "list" else ""
        hint = f'<small class="perpcalc__help" id="{ident}-help">{_esc(f.help)}</small>' if f.help else ""
        if f.type == "list":
            cols = ", ".join(c.name for c in f.columns)
            extra = f" {_esc(f.help[:1].upper() + f.help[1:])}." if f.help else ""
            hint = (
                f'<small class="perpcalc__help" id="{ident}-help">One row per line after the header '
                f"({_esc(cols)}).{extra.replace('..', '.')}</small>"
            )
        fields.append(
            f'<div class="perpcalc__field perpcalc__field--{f.type}" data-field="{f.name}">'
            f'<label for="{ident}">{_esc(f.label)}{unit}</label>'
            f'<div class="perpcalc__control">{_control(calc, f, values[f.name], uid)}</div>'
            f"{hint}"
            f'<span class="perpcalc__error" id="{ident}-err" data-error-for="{f.name}"></span>'
            "</div>"
        )
    outputs = "".join(
        _output_html(o, result["outputs"][o.name], result["display"][o.name], uid) for o in calc.outputs
    )
    spec = {
        "name": name,
        "example": key,
        "values": values,
        "presets": calc.spec()["presets"],
        "function": calc.function,
        "charts": {o.name: o.chart_spec() for o in calc.outputs if o.format == "series"},
    }
    # an attribute, not a <script> data block: Material's instant navigation re-creates inline
    # scripts as executable ones, which the CSP (rightly) refuses
    spec_json = _esc(json.dumps(spec, separators=(",", ":"), ensure_ascii=True))
    notes = f'<p class="perpcalc__notes">{_esc(calc.notes)}</p>' if calc.notes else ""
    return (
        f'<form class="perpcalc" id="{uid}" data-calculator="{name}" data-example="{key}" data-state="static"'
        f' novalidate autocomplete="off" aria-labelledby="{uid}-title" data-spec="{spec_json}">'
        f'<div class="perpcalc__head"><p class="perpcalc__title" id="{uid}-title">{_esc(calc.title)}</p>'
        f'<p class="perpcalc__summary">{_esc(calc.summary)}</p></div>'
        f'<div class="perpcalc__body"><fieldset class="perpcalc__inputs"><legend>Inputs</legend>{"".join(fields)}'
        '<span class="perpcalc__error perpcalc__error--form" data-error-for=""></span></fieldset>'
        f'<div class="perpcalc__outputs" aria-live="polite" aria-atomic="false">'
        f'<p class="perpcalc__legend">Results</p>{outputs}{notes}</div></div>'
        '<div class="perpcalc__foot">'
        '<p class="perpcalc__status" data-status role="status">Worked example, computed with perpcalc when this'
        " page was built. Change any input to recalculate in your browser.</p>"
        '<progress class="perpcalc__progress" max="4" value="0" hidden></progress>'
        '<div class="perpcalc__actions">'
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


def _value_text(match: re.Match[str]) -> str:
    name, key, fieldname = match.group(1), match.group(2) or "default", match.group(3)
    try:
        calc = perpcalc.get(name)
    except perpcalc.InputError as exc:
        raise CalculatorMarkupError(str(exc)) from None
    result = example_result(name, key)
    if fieldname in result["display"]:
        return _esc(result["display"][fieldname]["text"]) + _unit_suffix(calc, fieldname)
    if fieldname in result["form"]:
        return _esc(result["form"][fieldname])
    raise CalculatorMarkupError(f"{name}@{key} has no output or input {fieldname!r}")


def _unit_suffix(calc: Calculator, name: str) -> str:
    return ""


def on_pre_build(config: Any) -> None:
    _results.clear()
    usage.clear()


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
        usage.setdefault(name, []).append(page.url)
        return "\n" + PLACEHOLDER.format(len(forms) - 1) + "\n"

    try:
        markdown = BLOCK.sub(block, markdown)
        markdown = VALUE.sub(_value, markdown)
    except CalculatorMarkupError as exc:
        raise CalculatorMarkupError(f"{page.file.src_path}: {exc}") from None
    if "[[calculator" in markdown or "[[value" in markdown:
        raise CalculatorMarkupError(f"{page.file.src_path}: malformed calculator marker")
    _pending[page.file.src_path] = forms
    if forms:
        page.meta.setdefault("calculators_embedded", [])
    return markdown


def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    forms = _pending.pop(page.file.src_path, [])
    for i, form in enumerate(forms):
        token = PLACEHOLDER.format(i)
        content, n = re.subn(rf"<p>\s*{token}\s*</p>|{token}", lambda _m, f=form: f, content, count=1)
        if n != 1:
            raise CalculatorMarkupError(f"{page.file.src_path}: calculator marker {i} was not placed")
    return content
