"""Adapters between form values and the pure functions.

An adapter takes the validated form values (a dict of field name → value) and calls the
math. The math names its own parameters in [`InputError`][perpcalc.InputError]; where a
parameter's name is not the form field it came from, ``fields_for`` renames it, so the
page shows the message next to the right input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from .._errors import InputError

Adapter = Callable[[dict[str, Any]], Mapping[str, Any]]

__all__ = ["Adapter", "fields_for"]


def fields_for(**parameters: str) -> Callable[[Adapter], Adapter]:
    """Decorate an adapter: an ``InputError`` naming a math parameter in ``parameters``
    (``samples="premiums"``) is raised again naming the form field instead."""

    def decorate(adapter: Adapter) -> Adapter:
        @wraps(adapter)
        def run(values: dict[str, Any]) -> Mapping[str, Any]:
            try:
                return adapter(values)
            except InputError as exc:
                if exc.field in parameters:
                    raise InputError(parameters[exc.field], exc.message) from None
                raise

        return run

    return decorate
