"""The hostile grid for file import (tests/fuzz/file_grid.py), in CPython: every accepted
format with hostile cells, deep and broken JSON, quote storms and CR-only line ends. Each
file must be read or refused in plain words, never raise, and never cost more than
``CASE_CPU_S`` of CPU (a hang guard: the whole grid takes a few seconds)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from file_grid import check_file_case, file_cases

CASE_CPU_S = 2.0


def test_file_grid() -> None:
    problems: list[str] = []
    count = 0
    for label, calculator, field, content in file_cases():
        began = time.process_time()
        found = check_file_case(calculator, field, content)
        cpu = time.process_time() - began
        if cpu > CASE_CPU_S:
            found.append(f"{cpu:.2f} s of CPU")
        problems += [f"{label}: {p}" for p in found]
        count += 1
    assert count > 800
    assert not problems, f"{len(problems)} problems of {count} files, first ones:\n" + "\n".join(problems[:25])
