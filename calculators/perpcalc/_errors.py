"""The one exception of the package, defined below every other module.

[`InputError`][perpcalc.InputError] is raised for any bad input. Two layers raise it, with one rule each:

* the pure functions (``perpcalc.funding`` and the other topic modules) name **their own
  parameter** in ``field`` (``funding_rate(..., scaling="x")`` → ``field == "scaling"``);
* the calculators layer (``perpcalc.calculators``) names the **form field**; its adapters
  rename a function's parameter to the field it came from where the two differ.

It lives here, not in ``perpcalc._spec``, so that the math imports no spec code;
``perpcalc._spec`` and ``perpcalc`` re-export it.
"""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """Bad input for a calculator or a function.

    ``field`` names the input at fault (``None`` when no single field is), and the
    message is written for a reader: ``"leverage must be > 0"``.
    """

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def to_dict(self) -> dict[str, str | None]:
        return {"field": self.field, "message": self.message}
