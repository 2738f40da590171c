"""The tolerance rule of the property tests (``tolerance.py``) keeps its own examples."""

import doctest

import tolerance


def test_tolerance_examples() -> None:
    result = doctest.testmod(tolerance)
    assert result.attempted == 2 and result.failed == 0
