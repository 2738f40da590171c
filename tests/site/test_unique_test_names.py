"""pytest imports test files by their base name (rootdir-based import mode): two files with the same
name in different folders stop a whole session at collection (a fresh-clone run lost its second session
to tests/browser/test_percent_lists.py beside tests/core/test_percent_lists.py)."""

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_every_test_module_has_a_name_of_its_own() -> None:
    names = Counter(p.name for p in TESTS.rglob("*.py") if p.name != "conftest.py" and "__pycache__" not in p.parts)
    assert [n for n, count in names.items() if count > 1] == []
