"""Every property test runs under the suite's Hypothesis profile (``hypothesis_profiles``): in CI
(``CI=true``) derandomized, so the same commit draws the same examples and a red run can be replayed;
with no deadline anywhere, so a busy machine cannot fail a test. A test whose ``@settings`` was made
before the profile was loaded, or that sets a deadline of its own, is listed."""

from __future__ import annotations

import importlib
from pathlib import Path

import hypothesis_profiles
import pytest

HERE = Path(__file__).resolve().parent
MODULES = sorted(p.stem for p in HERE.glob("test_*.py"))


def _property_tests() -> list[tuple[str, object]]:
    found = []
    for name in MODULES:
        module = importlib.import_module(name)
        for attr, fn in vars(module).items():
            if attr.startswith("test_") and hasattr(fn, "hypothesis"):
                found.append((f"{name}.{attr}", fn))
    return found


def test_the_tests_are_found() -> None:
    assert len(_property_tests()) >= 40


@pytest.mark.parametrize("name, fn", _property_tests(), ids=lambda x: x if isinstance(x, str) else "")
def test_every_property_test_follows_the_profile(name: str, fn: object) -> None:
    chosen = fn._hypothesis_internal_use_settings  # type: ignore[attr-defined]
    assert chosen.derandomize == hypothesis_profiles.in_ci(), f"{name}: derandomize={chosen.derandomize}"
    assert chosen.deadline is None, f"{name}: deadline {chosen.deadline}"
    assert chosen.print_blob, name
