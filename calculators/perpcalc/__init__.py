"""perpcalc: the mechanics of perpetual futures as small, exact, tested functions.

The calculator contract used by the site, the browser worker, notebooks and tests:

* [`catalog`][perpcalc.catalog] lists every calculator's spec (inputs, outputs, worked examples);
* [`run`][perpcalc.run] runs one by name on a JSON-like mapping of inputs;
* [`InputError`][perpcalc.InputError] is raised for any bad input, naming the field.

Conventions: rates are fractions per funding interval (0.0001 = 0.01 %); a positive rate
means longs pay shorts; a payment is signed from the holder's view (negative = pays).
The topic modules (``perpcalc.funding``, …) hold the pure functions behind each
calculator, usable directly with ``Decimal`` arguments.
"""

from __future__ import annotations

from . import carry, cascade, funding, insolvency, margin, pricing, series, venues
from ._errors import InputError
from ._spec import Calculator, Field, Output, catalog, get, install, run
from .calculators import CALCULATORS

install(CALCULATORS)  # the one ordered registry becomes the catalogue

__version__ = "0.1.0"

__all__ = [
    "Calculator",
    "Field",
    "InputError",
    "Output",
    "__version__",
    "carry",
    "cascade",
    "catalog",
    "funding",
    "get",
    "insolvency",
    "margin",
    "pricing",
    "run",
    "series",
    "venues",
]
