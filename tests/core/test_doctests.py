"""Every docstring example in perpcalc is a doctest, run here in CPython (and inside Pyodide
by tests/pyodide/run_core_tests.mjs). Collected as ordinary tests, one per module, so the
whole suite is one pytest run: ``--doctest-modules`` over ``tests/`` would import the two
``conftest.py`` files as plain modules and collide."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import sys

import perpcalc
import pytest

# perpcalc.frames is the optional pandas layer: Pyodide (where this file also runs) has no
# pandas, and the browser never imports it; CPython runs its examples.
MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(perpcalc.__path__, prefix="perpcalc.")
    if not (m.name == "perpcalc.frames" and sys.platform == "emscripten")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_the_core_has_examples() -> None:
    """The modules with public math carry worked examples (a doctest suite that ran none would pass)."""
    attempted = {
        name: doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE).attempted
        for name in ("perpcalc.funding", "perpcalc.margin", "perpcalc.insolvency", "perpcalc.pricing",
                     "perpcalc.carry", "perpcalc.series", "perpcalc.pools", "perpcalc.display")
    }
    assert all(n > 0 for n in attempted.values()), attempted


def test_returns_sections_say_more_than_the_summary() -> None:
    """A numpydoc ``Returns`` section states what the value means (units, ``None`` and empty
    cases), so it never just repeats the summary line above it."""
    repeated = []
    for name in MODULES:
        module = importlib.import_module(name)
        for obj in vars(module).values():
            doc = getattr(obj, "__doc__", None) or ""
            if getattr(obj, "__module__", None) != name or "\nReturns\n" not in inspect.cleandoc(doc):
                continue
            doc = inspect.cleandoc(doc)
            summary = " ".join(doc.split("\n\n")[0].split())
            returned = doc.split("\nReturns\n", 1)[1].split("\n\n")[0].splitlines()[2:]
            if " ".join(" ".join(returned).split()).rstrip(".") == summary.rstrip("."):
                repeated.append(f"{name}.{getattr(obj, '__name__', '?')}")
    assert not repeated, repeated
