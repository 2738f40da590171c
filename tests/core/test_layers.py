"""The core's layers keep their contract: math apart from specs, one ordered registry.

* the topic modules (``perpcalc/<topic>.py``) import no spec code, and every
  ``InputError`` they raise names one of the raising function's own parameters;
* every ``Calculator`` defined in ``perpcalc.calculators`` is in the ordered registry
  ``CALCULATORS`` (a spec left out would silently vanish from the site), once;
* only ``display.py`` turns numbers into text for outputs: no per-module formatter.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from pathlib import Path

import perpcalc
import perpcalc.calculators as layer
from perpcalc._spec import Calculator

PACKAGE = Path(perpcalc.__file__).parent
#: the package's modules that are not math: errors, shared helpers, the spec model and parsing,
#: numbers as text, the page's entry point, reading files and the pandas layer
NOT_MATH = {"_errors", "_num", "_spec", "parse", "display", "page", "venue_files", "frames"}
#: the topic modules, found (a new one is checked without being listed here)
MATH = sorted(m.name for m in pkgutil.iter_modules(perpcalc.__path__) if not m.ispkg and m.name not in NOT_MATH)


def test_the_math_modules_are_found() -> None:
    assert {"funding", "margin", "pools"} <= set(MATH)


def _tree(name: str) -> ast.Module:
    return ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))


def test_math_modules_import_no_spec_code() -> None:
    for name in MATH:
        for node in ast.walk(_tree(name)):
            if isinstance(node, ast.ImportFrom):
                assert node.module not in ("_spec", "parse", "display", "page", "calculators"), (name, node.module)
                assert not (node.module or "").startswith("calculators"), (name, node.module)


def test_math_errors_name_their_own_parameters() -> None:
    """``raise InputError("x", …)`` inside a function whose parameters do not include ``x``
    would put the message next to the wrong field, or next to none."""
    wrong = []
    for name in MATH:
        for fn in ast.walk(_tree(name)):
            if not isinstance(fn, ast.FunctionDef):
                continue
            params = {a.arg for a in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]}
            for node in ast.walk(fn):
                if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "InputError" and node.args
                        and isinstance(node.args[0], ast.Constant) and node.args[0].value not in params):
                    wrong.append(f"{name}.{fn.name}: {node.args[0].value!r}")
    assert not wrong, wrong


def _defined_specs() -> dict[str, Calculator]:
    found: dict[str, Calculator] = {}
    for info in pkgutil.iter_modules(layer.__path__):
        module = importlib.import_module(f"{layer.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, Calculator):
                found[value.name] = value
    return found


def test_every_defined_calculator_is_in_the_registry_once() -> None:
    defined = _defined_specs()
    listed = [c.name for c in layer.CALCULATORS]
    assert len(listed) == len(set(listed)), "a calculator is listed twice"
    missing = sorted(set(defined) - set(listed))
    assert not missing, f"defined but not in perpcalc.calculators.CALCULATORS: {missing}"
    assert [c["name"] for c in perpcalc.catalog()] == listed


def test_registry_is_the_catalogue_order() -> None:
    assert [c["name"] for c in perpcalc.catalog()][:3] == ["premium_index", "funding_rate", "funding_payment"]


def test_no_number_formatter_outside_display() -> None:
    """Summary text formats numbers with display's functions, not a local ``_pct``/``_money``."""
    local = []
    for path in [*PACKAGE.glob("*.py"), *(PACKAGE / "calculators").glob("*.py")]:
        if path.name in ("display.py", "parse.py"):  # parse writes a typed value back into its form field
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name in ("_pct", "_money", "_fmt", "_fmt_pct", "_num",
                                                                   "_plain"):
                local.append(f"{path.name}:{node.name}")
    assert not local, local


def _called_code(calc: Calculator, inputs: dict) -> set:
    """Code objects of every Python function that runs while ``calc`` computes ``inputs``."""
    seen: set = set()

    def profile(frame, event, _arg):
        if event == "call":
            seen.add(frame.f_code)

    sys.setprofile(profile)
    try:
        calc(inputs)
    finally:
        sys.setprofile(None)
    return seen


def _resolve(dotted: str):
    module, _, attr = dotted.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def test_each_spec_names_the_function_it_calls() -> None:
    """``function`` is what "Copy as Python" shows: it must exist, be public math (not the
    calculators layer) and actually run for the default example."""
    wrong = []
    for calc in layer.CALCULATORS:
        assert calc.function.startswith("perpcalc.") and ".calculators." not in calc.function, calc.name
        code = _resolve(calc.function).__code__
        if code not in _called_code(calc, dict(calc.examples["default"])):
            wrong.append(f"{calc.name} never calls {calc.function}")
    assert not wrong, wrong
