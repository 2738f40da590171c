"""One rule for how far a float result may be from the exact value, for the property tests.

perpcalc computes in ``Decimal`` and returns JSON floats: each output is the exact value rounded to
the nearest double, off by at most half a unit in the last place (2**-53 of itself). A property
test often feeds one such output back in (exit at the returned break-even price) and checks a
second output against an exact target (a PnL of zero). The rounding then travels: the second result
is off by a few units of 2**-52 of the largest quantity the float passed through (the notional at
that price), not of the result itself, which may be zero. A fixed absolute tolerance is wrong both
ways: 1e-9 is below one unit in the last place of a 9.6-million notional (1.9e-9), and far too loose
for a notional of 0.01. So the tolerance is stated in units of the magnitudes involved.

The factor of 64 leaves room for a chain of a few dozen rounded operations; a real error in a
formula (a fee or a funding term left out) is of the order of the fee or the funding, many orders
of magnitude above it.
"""

from __future__ import annotations

from decimal import Decimal

EPS = 2.0**-52
ULPS = 64


def float_tolerance(*magnitudes: float | Decimal | int) -> float:
    """Absolute tolerance for a result computed from floats of these magnitudes.

    tolerance = ULPS × 2**-52 × Σ |m|

    Pass every quantity the float result went through: for a PnL at a returned price, the notional
    at that price and at entry, the fees and the funding. All zero gives zero (the result must then
    be exact).

    >>> float_tolerance(1076.73 * 8941.04) > 1.15e-9  # the CI failure of issue 27: 1.14e-9 off
    True
    >>> float_tolerance(0.01) < 1e-15
    True
    """
    return ULPS * EPS * sum(abs(float(m)) for m in magnitudes)
