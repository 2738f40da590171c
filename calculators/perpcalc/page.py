"""The page's entry point: run a calculator and format its outputs for a form.

The site build calls [`compute`][perpcalc.page.compute] in CPython to pre-render each worked
example, and the browser's worker calls [`compute_json`][perpcalc.page.compute_json] in Pyodide
on every input change, so a value is formatted identically before and after the runtime loads.
Numbers become text in [`perpcalc.display`][perpcalc.display].
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ._spec import InputError, get
from .display import display
from .parse import value_to_text

__all__ = ["compute", "compute_json", "form_values"]


def compute(name: str, inputs: Mapping[str, Any] | None) -> dict[str, Any]:
    """Run a calculator and format its outputs; never raises for bad input.

    Returns ``{"ok": True, "outputs": raw, "display": {output: shown}}`` or
    ``{"ok": False, "error": {"field": …, "message": …}}``.
    """
    try:
        calc = get(name)
        raw = calc(inputs)
    except InputError as exc:
        return {"ok": False, "error": exc.to_dict()}
    except RecursionError:  # a structure nested deeper than the interpreter's stack
        return {"ok": False, "error": {"field": None, "message": "the inputs are nested too deeply"}}
    shown = {o.name: display(o, raw[o.name]) for o in calc.outputs}
    return {"ok": True, "outputs": raw, "display": shown}


def compute_json(name: str, inputs_json: str) -> str:
    """[`compute`][perpcalc.page.compute] with JSON in and out (what the browser worker calls)."""
    try:
        inputs = json.loads(inputs_json)
    except (ValueError, TypeError, RecursionError):
        return json.dumps({"ok": False, "error": {"field": None, "message": "inputs are not valid JSON"}})
    return json.dumps(compute(name, inputs), allow_nan=False)


def form_values(name: str, example: str = "default") -> dict[str, str]:
    """The text each form field shows for a named example (defaults and presets filled)."""
    calc = get(name)
    values = calc.resolve(calc.examples[example])
    return {f.name: value_to_text(f, values[f.name]) for f in calc.inputs}
