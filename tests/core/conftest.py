"""The core suite's Hypothesis profile (``hypothesis_profiles``). This file is also the profile's loader
inside Pyodide, where only ``tests/core`` is mounted (``tests/pyodide/run_core_tests.mjs``)."""

from __future__ import annotations

import hypothesis_profiles
import pytest

PROFILE = hypothesis_profiles.load()


def pytest_report_header(config: pytest.Config) -> str:
    return f"hypothesis profile: {PROFILE} (CI={hypothesis_profiles.in_ci()})"
