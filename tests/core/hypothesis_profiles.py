"""Hypothesis profiles for the whole suite, in CPython and inside Pyodide.

``ci``   chosen when the environment says ``CI=true`` (``.ci/run``, and the Pyodide core run, which passes
         ``CI`` on): ``derandomize=True``, so the same commit draws the same examples on every run and a
         red CI run is reproducible; no example database (a fresh clone has none); ``print_blob=True``,
         so a failure prints the line that replays it.
``dev``  every other run: random examples, which keeps exploring. An example it finds that fails is
         added to its test with ``@example(...)`` before the fix, so it is checked on every run after.
``check`` ``make check``, the fast loop (``PERPCALC_CHECK=1``, outside CI): ``dev`` drawing a quarter of
         the examples (``examples``: a test that asks for 200 draws 50 there, one that names no number
         25); ``make test`` in CPython draws them all.
``ci-pyodide``, ``dev-pyodide``: the same suite inside Pyodide (``make test``'s parity run) draws a quarter
         of ``ci``'s or ``dev``'s examples. That run is there to show that the browser's runtime gives the
         same answers as CPython on the same code: every test runs there, each property on 25 or more
         draws (with ``CI=true`` the same derandomized ones on every run), while the logic itself is
         explored by CPython's run, with all of them, at a quarter of the cost. Drawing them all in Pyodide
         took 113 s of CPU on 2026-12-06 against 32 s, and ``make test`` waited for it.

Both turn off what depends on the machine's speed rather than on the code: the per-example deadline
and the ``too_slow`` health check (a loaded 2-core machine is several times slower than an idle one).
Hang and blow-up guards measure CPU time in the tests that need them; speed is measured by
``make bench``, not asserted here.
"""

from __future__ import annotations

import os
import sys

from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow], "print_blob": True}
settings.register_profile("ci", derandomize=True, database=None, **_COMMON)
# derandomize stated both ways: Hypothesis's own default turns it on whenever a variable named CI exists,
# whatever its value
settings.register_profile("dev", derandomize=False, **_COMMON)
#: the share of each property test's examples the fast loop draws
CHECK_SHARE = 4
settings.register_profile("check", derandomize=False, max_examples=100 // CHECK_SHARE, **_COMMON)


def in_ci() -> bool:
    """True when the environment says this is a CI run (``CI=true``, as CI services and ``.ci/run`` set it)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def in_check() -> bool:
    """True in ``make check``'s fast loop (``PERPCALC_CHECK=1``) outside CI."""
    return os.environ.get("PERPCALC_CHECK", "").strip() == "1" and not in_ci()


def in_pyodide() -> bool:
    """True inside Pyodide (the parity run of ``make test``, tests/pyodide/run_core_tests.mjs)."""
    return sys.platform == "emscripten"


def examples(n: int) -> int:
    """The examples a property test that asks for ``n`` draws in this run: all of them, except in
    the fast loop (``in_check``) and inside Pyodide (``in_pyodide``), which draw a quarter (at least 10).

    >>> examples(200) in (50, 200)
    True
    """
    return max(10, n // CHECK_SHARE) if in_check() or in_pyodide() else n


def name() -> str:
    """The profile this run loads: ``ci``, ``check`` or ``dev``, with ``-pyodide`` inside Pyodide."""
    base = "ci" if in_ci() else "check" if in_check() else "dev"
    return f"{base}-pyodide" if in_pyodide() and base != "check" else base


def load() -> str:
    """Load the profile for this run (before any test module is imported) and return its name."""
    chosen = name()
    if chosen.endswith("-pyodide"):
        settings.register_profile(chosen, settings.get_profile(chosen.removesuffix("-pyodide")),
                                  max_examples=100 // CHECK_SHARE)
    settings.load_profile(chosen)
    return chosen
