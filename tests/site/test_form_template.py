"""The calculator form's template (overrides/partials/perpcalc-form.html), rendered by the build hook
for every example of every calculator, holds the page contract for each field and output of the
spec: one control of the field's kind named after it, its label, its note and error slots, the
example's value; one <output> per output with its raw JSON; the spec the page's scripts read. No
build needed (the built pages are checked against CPython in test_build.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import perpcalc
import pytest
from bs4 import BeautifulSoup
from hook_loader import load_hook  # tests/ (pyproject's pythonpath)
from perpcalc import page as page_entry

ROOT = Path(__file__).resolve().parents[2]
HOOKS = ROOT / "scripts" / "hooks"


hook = load_hook("calculators", "form_template_hook")
EXAMPLES = [(c["name"], key) for c in perpcalc.catalog() for key in perpcalc.get(c["name"]).examples]
KIND = {"choice": "select", "list": "textarea"}


def test_every_calculator_has_examples_to_render() -> None:
    assert len({name for name, _ in EXAMPLES}) == len(perpcalc.catalog()) and len(EXAMPLES) > len(perpcalc.catalog())


@pytest.mark.parametrize(("name", "key"), EXAMPLES, ids=[f"{n}@{k}" for n, k in EXAMPLES])
def test_the_form_holds_every_field_and_output_of_its_spec(name: str, key: str) -> None:
    calc = perpcalc.get(name)
    uid = f"calc-{name}-{key}"
    html = hook.render_form(name, key, uid)
    # one line: a line break between inline elements would show as a space (only a list's rows hold them)
    assert "\n" not in re.sub(r"<textarea[^>]*>[^<]*</textarea>", "", html)
    form = BeautifulSoup(html, "html.parser").select_one("form.perpcalc")
    assert form["id"] == uid and form["data-calculator"] == name and form["data-example"] == key
    assert form["data-state"] == "static"
    spec = json.loads(form["data-spec"])
    assert spec["name"] == name and spec["example"] == key and spec["function"] == calc.function
    values = page_entry.form_values(name, key)
    for f in calc.inputs:
        controls = form.select(f':is(input, select, textarea)[name="{f.name}"]')
        assert len(controls) == 1, f"{name}.{f.name}: one control"
        control = controls[0]
        assert control.name == KIND.get(f.type, "input"), f"{name}.{f.name} is a {f.type}"
        assert control["id"] == f"{uid}-{f.name}"
        assert form.select_one(f'label[for="{control["id"]}"]').get_text().startswith(f.label)
        box = form.select_one(f'.perpcalc__field[data-field="{f.name}"]')
        assert box is not None and control in box.descendants
        assert box.select_one(f'[data-error-for="{f.name}"]') is not None
        assert box.select_one(f'[data-note-for="{f.name}"]') is not None
        described = control["aria-describedby"].split()
        assert all(form.find(id=i) is not None for i in described), f"{name}.{f.name}: {described}"
        if f.type == "choice":
            assert [o["value"] for o in control.select("option")] == list(f.choices)
            assert control.select_one("option[selected]")["value"] == values[f.name]
            current = values[f.name]
        elif f.type == "list":
            assert control["data-columns"] == ", ".join(c.name for c in f.columns)
            current = control.get_text()
        else:
            assert control["type"] == "text"
            assert control.has_attr("data-percent") == (f.percent and f.type == "decimal")
            current = control["value"]
        assert current == spec["values"][f.name], f"{name}.{f.name}: the box shows the spec's value"
        assert box.has_attr("hidden") == (not hook._applies(f, values))
        assert box.has_attr("data-when") == bool(f.when)
        assert (form.select_one(f'[data-file-for="{f.name}"]') is not None) == bool(f.accepts)
    assert form.select_one('[data-error-for=""]') is not None
    result = hook.example_result(name, key)
    for o in calc.outputs:
        outs = form.select(f'output[name="{o.name}"]')
        assert len(outs) == 1, f"{name}.{o.name}: one <output>"
        assert json.loads(outs[0]["data-value"]) == json.loads(json.dumps(result["outputs"][o.name]))
        assert outs[0].get_text() == result["display"][o.name]["text"]
        if o.format == "series":
            assert form.select_one(f'[data-chart-for="{o.name}"]') is not None
    tables = [o.name for o in calc.outputs if o.format in ("table", "series")]
    assert [b["data-table"] for b in form.select('[data-action="csv-table"]')] == tables
    for action in ("link", "python", "reset", "csv", "json"):
        assert len(form.select(f'[data-action="{action}"]')) == 1


def test_the_template_escapes_what_it_is_given() -> None:
    """Text from a spec is text: a title with markup shows as written, and runs nothing."""
    context = hook.form_context("funding_payment", "default", "calc-x")
    context["title"] = '<img src=x onerror="alert(1)">'
    context["fields"][0]["label"] = "a & b <i>"
    html = hook._TEMPLATES.get_template(hook.FORM_TEMPLATE).render(form=context)
    assert "<img" not in html and "<i>" not in html
    form = BeautifulSoup(html, "html.parser")
    assert form.select_one(".perpcalc__anchor").get_text() == context["title"]
    assert form.select_one(f'label[for="calc-x-{context["fields"][0]["name"]}"]').get_text().startswith("a & b <i>")


def _percent_fields() -> list[tuple[str, str, str]]:
    found = []
    for c in perpcalc.catalog():
        for f in perpcalc.get(c["name"]).inputs:
            for name, x in [(f.name, f)] + [(f"{f.name}.{col.name}", col) for col in (f.columns or ())]:
                if getattr(x, "percent", False) and x.help:
                    found.append((c["name"], name, x.help))
    return found


@pytest.mark.parametrize(("name", "field", "help_text"), _percent_fields(), ids=lambda v: v if " " not in v else "")
def test_a_rate_fields_help_reads_in_percent(name: str, field: str, help_text: str) -> None:
    """A rate field reads what the reader types in percent, so its help on the page may not give
    an example in fractions: the cascade's shock said "−0.05 = a 5 % fall" in a field that reads
    −0.05 as −0.05 %. The API's "0.05 = 5 %" is written "5 % = 0.05 as a fraction" on the page;
    any other "number =" or "as a fraction" left in the page's help is the API's wording."""
    text = hook._percent_help(help_text)
    fraction_first = re.findall(r"(?<![\w.%])[-−+]?\d[\d.,]*\s*=\s", text)
    assert not fraction_first, (text, fraction_first)
    stray = re.findall(r"(?<![\d.]) as a fraction", text)
    assert not stray, text
    assert not re.search(r"\d/\d", text), text  # "2/3" would be typed as 2 %, or refused


LIST_FIELDS = [(c["name"], f) for c in perpcalc.catalog() for f in perpcalc.get(c["name"]).inputs if f.type == "list"]


@pytest.mark.parametrize(("name", "field"), LIST_FIELDS, ids=[f"{n}.{f.name}" for n, f in LIST_FIELDS])
def test_a_list_fields_hint_names_its_columns_once(name: str, field: perpcalc.Field) -> None:
    """The hint under a list box leads with its columns ("One row per line after the header (id, side,
    …)"); the field's own help then says what the hint does not. Three boxes repeated their columns in
    their help ("… (id, side, size, entry_price, margin). One row per position: id, side, size,
    entry_price, margin."), and the rate column of payments was named "Rates (rate)"."""
    hint = hook._list_hint(field)
    names = [c.name for c in field.columns]
    if len(names) > 1:
        listed = ", ".join(names)
        assert hint.count(listed) == 1, hint
        assert ": " + listed not in (field.help or ""), field.help
    assert "(rate)" not in hint, hint
    noun = "values" if len(names) == 1 else "rows"
    assert f"at most {field.max_items:,}\u00a0{noun}." in hint, hint  # a paste past it is refused: the reader is told first
