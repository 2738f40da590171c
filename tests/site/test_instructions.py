"""Prose that tells the reader to change an input and says what happens is a checked marker.

``[[value NAME.FIELD INPUT=VALUE ... CLAIM]]`` (scripts/hooks/calculators.py) computes the
result of the change with the calculator at build time and fails the build when a claim
does not hold. These tests check the marker on its own (no site build) and that no page
gives such an instruction in plain words: every sentence that opens with an instruction verb
("Change …", "Set …", "Switch …") carries a marker that sets an input.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hook_loader import load_hook  # tests/ (pyproject's pythonpath)
from terms import split_front_matter  # scripts/hooks (pyproject's pythonpath)

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


hook = load_hook("calculators", "calculators_hook")

# Verbs that open an instruction to change an input ("Set the side to short and …").
VERBS = ("Change", "Set", "Try", "Switch", "Raise", "Lower", "Flip", "Enter", "Type", "Increase", "Decrease",
         "Double", "Halve", "Make", "Add", "Choose", "Select", "Pick", "Move", "Cut", "Replace", "Turn", "Drop",
         "Push", "Widen", "Narrow", "Shorten", "Lengthen", "Put", "Give", "Paste", "Remove", "Reduce", "Edit")
OPENS = re.compile(rf"^(?:\*\*)?(?:{'|'.join(VERBS)})\b")


def sets_an_input(sentence: str) -> bool:
    """Whether a sentence holds a [[value]] marker with a setting (markers.VALUE, the hook's own grammar)."""
    return any(re.search(r"\b[a-z0-9_]+=", m.group(4)) for m in hook.markers.VALUE.finditer(sentence))


def prose(text: str) -> str:
    """A page's Markdown without front matter, code, math blocks, comments and HTML tags."""
    text = split_front_matter(text)[1]
    text = re.sub(r"^(```|~~~).*?^\1", "", text, flags=re.S | re.M)
    text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.S)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    return text


def sentences(text: str) -> list[str]:
    """Sentences of every paragraph and list item (lines joined, markers kept whole)."""
    out = []
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+\.)\s)", prose(text)):
        flat = " ".join(line.strip() for line in block.splitlines())
        flat = re.sub(r"^(?:[-*+]|\d+\.|#+|>)\s+", "", flat)
        # split after . ! ? : followed by a capital, outside [[…]] markers
        parts = re.split(r"(?<=[.!?:])\s+(?=(?:\*\*)?[A-Z])(?![^\[]*\]\])", flat)
        out += [p.strip() for p in parts if p.strip()]
    return out


def instructions_without_marker(text: str) -> list[str]:
    return [s for s in sentences(text) if OPENS.match(s) and not sets_an_input(s)]


def test_every_instruction_on_every_page_is_a_checked_marker() -> None:
    found = []
    for path in sorted(DOCS.rglob("*.md")):
        for sentence in instructions_without_marker(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(ROOT)}: {sentence[:160]}")
    assert not found, "instructions in plain words (use [[value NAME.FIELD INPUT=VALUE CLAIM]]):\n" + "\n".join(found)


def test_the_instruction_finder_finds_instructions_and_passes_markers() -> None:
    page = ("The rate is 0.01 %. Change the premium index to −1 and the short side pays.\n\n"
            "- Switch the side to short: the payment flips.\n\n"
            "Set the premium index to [[value funding_rate.premium_index premium_index=-1]] and the "
            "[[value funding_rate.payer premium_index=-1 is=short]] side pays. Lower leverage is safer? "
            "No: a sentence about lower leverage is fine when it is not an order.")
    assert instructions_without_marker(page) == [
        "Change the premium index to −1 and the short side pays.",
        "Switch the side to short: the payment flips.",
        "Lower leverage is safer?",
    ]


def test_a_marker_with_a_setting_shows_the_changed_result_with_its_source() -> None:
    html = hook.value_marker("funding_rate", "default", "funding_rate", "premium_index=-1 sign=- is=-example")
    example = hook.value_marker("funding_rate", "default", "funding_rate")
    assert 'data-source="calculator:funding_rate"' in html and 'data-source="calculator:funding_rate"' in example
    assert ">−0.11875 %</span>" in html and ">0.11875 %</span>" in example
    assert ">short</span>" in hook.value_marker("funding_rate", "default", "payer", "premium_index=-1 is=short")
    # an input under a setting reads as the form shows it: rates in percent
    assert ">−1 %</span>" in hook.value_marker("funding_rate", "default", "premium_index", "premium_index=−1%")


@pytest.mark.parametrize("args", [
    "premium_index=-1 is=long",          # the short side pays
    "premium_index=-1 sign=+",           # the rate is negative
    "premium_index=-1 is=example",       # it changed
    "premium_index=-1 is>0",
    "premium_index=1 is<example",        # +1 % gives the example's own positive rate
])
def test_a_false_claim_fails_the_build(args: str) -> None:
    output = "payer" if "long" in args else "funding_rate"
    with pytest.raises(hook.CalculatorMarkupError, match=r"claims|gives"):
        hook.value_marker("funding_rate", "default", output, args)


@pytest.mark.parametrize("args", ["premium_index=abc", "no_such_input=1", "is=", "premium_index=-1 sign=up"])
def test_a_bad_setting_fails_the_build(args: str) -> None:
    with pytest.raises(hook.CalculatorMarkupError):
        hook.value_marker("funding_rate", "default", "funding_rate", args)


def test_the_marker_is_read_inside_a_page() -> None:
    text = "Then [[value funding_rate.payer premium_index=-1 is=short]] pays."
    out = hook.VALUE.sub(hook._value, text)
    assert out.startswith("Then <span class=\"perpcalc-try-value\"") and out.endswith(">short</span> pays.")
    with pytest.raises(hook.CalculatorMarkupError):
        hook.VALUE.sub(hook._value, "[[value funding_rate.payer premium_index=-1 is=long]]")
