"""Reader-first specs (issue 11): fields that do not apply are hidden without changing a result,
money results name their currency, and every chart axis says what it counts and in which unit."""

from __future__ import annotations

import re
from decimal import Decimal

import perpcalc
import pytest
from perpcalc import page as page_entry
from perpcalc._spec import Calculator, Field

CALCS = [perpcalc.get(c["name"]) for c in perpcalc.catalog()]
# their x axis is being given times by another change; their y axis is labelled by its unit
TIME_AXES = {"funding_series", "funding_forecast"}


def _applies(f: Field, values: dict[str, str]) -> bool:
    return not f.when or all(values.get(k) in v for k, v in f.when.items())


@pytest.mark.parametrize("calc", CALCS, ids=lambda c: c.name)
def test_when_names_a_choice_and_no_example_needs_a_hidden_field(calc: Calculator) -> None:
    choices = {f.name: f.choices for f in calc.inputs if f.type == "choice"}
    for f in calc.inputs:
        for key, allowed in (f.when or {}).items():
            assert key in choices and set(allowed) <= set(choices[key]), (f.name, key)
    for key, example in calc.examples.items():
        values = page_entry.form_values(calc.name, key)
        hidden = [f.name for f in calc.inputs if f.name in example and not _applies(f, values)]
        assert not hidden, f"{calc.name}@{key} sets {hidden}, which the form hides"
        # the form sends only what applies: the same result as the whole example
        sent = {f.name: values[f.name] for f in calc.inputs if _applies(f, values) and values[f.name] != ""}
        assert perpcalc.run(calc.name, sent) == perpcalc.run(calc.name, example)


def test_a_field_that_does_not_apply_does_not_change_the_result() -> None:
    """For every numeric field with ``when`` and every example: choose an option for which the
    field does not apply, then change the field's value: the outputs stay the same (so hiding it
    and not sending it loses nothing)."""
    checked = 0
    for calc in CALCS:
        for f in calc.inputs:
            if not f.when or f.type not in ("decimal", "integer"):
                continue
            for example in calc.examples.values():
                for key, allowed in f.when.items():
                    for other in (c for c in calc.field(key).choices if c not in allowed):
                        inputs = {**example, key: other}
                        try:
                            base = perpcalc.run(calc.name, inputs)
                        except perpcalc.InputError:
                            continue  # that option needs inputs this example does not give
                        value = calc.resolve(inputs)[f.name]
                        if value is None:
                            value = Decimal(1) if f.type == "decimal" else 1
                        for new in (value * 2 + 1, value / 2 if f.type == "decimal" else value - 1):
                            try:
                                changed = perpcalc.run(calc.name, {**inputs, f.name: str(new)})
                            except perpcalc.InputError as err:
                                assert err.field == f.name, (calc.name, f.name, err)
                                continue
                            assert changed == base, f"{calc.name}.{f.name} changes the result when {key}={other}"
                            checked += 1
    assert checked >= 20, checked


def test_phone_forms_keep_to_a_few_inputs_before_the_results() -> None:
    """On a phone the results come after the inputs: with each example, at most 12 inputs are
    shown outside "More inputs" (liquidation_price had 19 before fields were hidden or folded)."""
    for calc in CALCS:
        for key in calc.examples:
            values = page_entry.form_values(calc.name, key)
            shown = [f.name for f in calc.inputs if not f.advanced and _applies(f, values)]
            assert len(shown) <= 12, (calc.name, key, shown)
            assert any(f.type != "choice" for f in calc.inputs if f.name in shown), calc.name


SETTLED = [c for c in CALCS if any(f.name == "settle" for f in c.inputs)]


def test_money_results_name_their_currency() -> None:
    """A calculator whose money outputs are in the settlement currency says which one
    (currency_label), from the venue it is given or from its settle field."""
    for calc in CALCS:
        if any(o.unit == "settlement currency" for o in calc.outputs):
            assert any(o.name == "currency_label" for o in calc.outputs), calc.name
    assert len(SETTLED) >= 10


@pytest.mark.parametrize("calc", SETTLED, ids=lambda c: c.name)
def test_the_settle_field_names_the_currency_and_changes_nothing_else(calc: Calculator) -> None:
    example = calc.examples["default"]
    base = perpcalc.run(calc.name, example)
    default = calc.field("settle").default
    assert base["currency_label"] == {"usdt": "USDT", "quote currency": "quote currency"}[default]
    for settle, label in (("usdc", "USDC"), ("usd", "USD"), ("usdt", "USDT")):
        result = perpcalc.run(calc.name, {**example, "settle": settle})
        # only the currency's name changes (in its own output and in sentences that name it)
        renamed = {k: v.replace(base["currency_label"], label) if isinstance(v, str) else v for k, v in base.items()}
        assert result == renamed
    if any(f.name == "contract" for f in calc.inputs):
        inverse = next((ex for ex in calc.examples.values() if ex.get("contract") == "inverse"), None)
        if inverse is not None:
            assert perpcalc.run(calc.name, {**inverse, "settle": "usdc"})["currency_label"] == "base coin"


def _axis_unit(text: str) -> bool:
    return bool(re.search(r"\([^()]+\)\s*$", text))


@pytest.mark.parametrize(
    "calc", [c for c in CALCS if any(o.format == "series" for o in c.outputs)], ids=lambda c: c.name
)
def test_every_chart_axis_says_what_it_counts_and_its_unit(calc: Calculator) -> None:
    names = {f.name for f in calc.inputs} | {o.name for o in calc.outputs}
    for out in (o for o in calc.outputs if o.format == "series"):
        chart = out.chart_spec()
        x = chart.get("x_label") or chart["labels"][chart["x"]]
        units = {m.group(1) for y in chart["y"] if (m := re.search(r"\(([^()]*)\)$", chart["labels"][y]))}
        y = chart.get("y_label") or (units.pop() if len(units) == 1 and len(chart["y"]) > 1 else "")
        if calc.name not in TIME_AXES:
            assert _axis_unit(x), f"{calc.name}.{out.name}: x axis {x!r} has no unit"
        assert y and (_axis_unit(y) or calc.name in TIME_AXES), f"{calc.name}.{out.name}: y axis {y!r}"
        for text in (x, y):
            for placeholder in re.findall(r"\{(\w+)\}", text):
                assert placeholder in names, f"{calc.name}.{out.name}: {{{placeholder}}} names nothing"
