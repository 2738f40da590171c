"""Numeric helpers shared by the topic modules and the calculators layer.

Constants, the sign of a side, clamping, thinning long paths for charts, rounding floats
to the digits every Python build agrees on, and reading a start time. Nothing here
formats a number as text: that is ``perpcalc.display``'s job.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from ._errors import InputError

__all__ = [
    "DAYS_PER_YEAR",
    "EIGHT",
    "MAX_YEAR",
    "ONE",
    "TWO",
    "ZERO",
    "clamp",
    "number_sign",
    "opposite",
    "parse_start",
    "round_sig",
    "sample_steps",
    "side_sign",
    "thin_buckets",
    "thin_even",
]

ZERO = Decimal(0)
ONE = Decimal(1)
TWO = Decimal(2)
EIGHT = Decimal(8)
DAYS_PER_YEAR = Decimal(365)
MAX_YEAR = 9000  # a start or a ledger time later than this is a typo


def side_sign(side: str) -> int:
    """+1 for ``"long"``, −1 for ``"short"`` (the s of every signed formula)."""
    return 1 if side == "long" else -1


def opposite(side: str) -> str:
    """The other side: ``"long"`` ↔ ``"short"``."""
    return "short" if side == "long" else "long"


def number_sign(x: Decimal | float) -> int:
    """+1, −1 or 0: the strict sign of a number (a zero rate has no sign)."""
    return 1 if x > 0 else -1 if x < 0 else 0


def clamp(x: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    """``min(max(x, lo), hi)``: ``x`` limited to the band [lo, hi]."""
    return min(max(x, lo), hi)


# ------------------------------------------------------------------ thinning paths for charts
# Three rules, each kept because a calculator's tested output depends on it.


def thin_even(count: int, points: int) -> list[int]:
    """Indices 0…count−1 thinned to about ``points`` evenly spaced ones, always keeping the
    first and the last (a smooth path: the predicted funding rate)."""
    if count <= points:
        return list(range(count))
    step = (count - 1) / (points - 1)
    return sorted({round(i * step) for i in range(points)} | {count - 1})


def thin_buckets(count: int, limit: int, weight: Callable[[int], float] | None = None) -> list[int]:
    """At most ``limit`` indices out of range(count): every index when few; otherwise one per
    equal bucket, the one with the largest ``weight`` (so spikes stay visible) or the
    bucket's first without a weight (a noisy path: funding series)."""
    if count <= limit:
        return list(range(count))
    size = -(-count // limit)
    out = []
    for lo in range(0, count, size):
        bucket = range(lo, min(lo + size, count))
        out.append(max(bucket, key=weight) if weight else bucket[0])
    return out


def sample_steps(n: int, limit: int) -> list[int]:
    """Interval numbers 1…n to chart: all of them, or every k-th plus the last (≤ limit
    points; a cumulative path: funding exposure and carry)."""
    if n <= limit:
        return list(range(1, n + 1))
    step = math.ceil(n / (limit - 1))
    points = list(range(step, n + 1, step))
    if points[-1] != n:
        points.append(n)
    return points


def round_sig(x: float | None, digits: int = 12) -> float | None:
    """``x`` kept to ``digits`` significant digits; ``None`` for ``None``, NaN or infinity.

    ``math.log`` and friends may differ in the last bit between C libraries (CPython's
    and Pyodide's); a value rounded this way is the same on both.
    """
    if x is None or not math.isfinite(x):
        return None
    return float(f"{x:.{digits}g}")


def parse_start(text: str | None, field: str = "start") -> datetime | None:
    """A UTC datetime from ISO text (``2026-05-01T12:00Z``, ``… UTC`` or naive = UTC);
    ``None`` for empty text; ``InputError`` naming ``field`` otherwise."""
    if not text:
        return None
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    if raw.upper().endswith(" UTC"):
        raw = raw[:-4]
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise InputError(field, f"start time must be a date and time like 2026-05-01T12:00Z (got {text[:40]!r})") \
            from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    if when.year > MAX_YEAR:
        raise InputError(field, "start time is too far in the future")
    return when
