"""The marker grammar writers use in Markdown, in one place: the hooks render the markers and the
tests read them with these same patterns.

Each marker is ``[[KIND ...]]``; ``MARKERS`` maps each kind to its pattern, so a new kind is one
entry here (and its renderer in the hook that owns it). Block markers stand alone on their line.
"""

from __future__ import annotations

import re

#: ``[[calculator NAME]]`` or ``[[calculator NAME example=KEY]]``: a live calculator (calculators hook)
CALCULATOR = re.compile(r"^[ \t]*\[\[calculator\s+([a-z0-9_]+)(?:\s+example=([a-z0-9_]+))?\s*\]\][ \t]*$", re.M)
#: ``[[value NAME.OUTPUT]]`` or ``[[value NAME@EXAMPLE.OUTPUT]]``: an example's output in prose; settings
#: and checked claims may follow the name (``premium_index=-1 is=short``: the calculators hook documents
#: them and checks each claim when the site is built)
VALUE = re.compile(r"\[\[value\s+([a-z0-9_]+)(?:@([a-z0-9_]+))?\.([a-z0-9_]+)((?:\s+[^\[\]]*?)?)\s*\]\]")
#: ``[[venues KIND]]`` or ``[[venues KIND columns=a,b]]``: a table of venue records (venue_tables hook)
VENUES = re.compile(r"^[ \t]*\[\[venues\s+([a-z]+)(?:\s+columns=([a-z_,]+))?\s*\]\][ \t]*$", re.M)
#: ``[[venue KEY.PART.FIELD]]``: one field of one venue record, inline
VENUE = re.compile(r"\[\[venue\s+([a-z0-9_]+)\.([a-z]+)\.([a-z0-9_]+)\s*\]\]")
#: ``[[python example NAME]]``: the Python that runs a calculator's default example (share hook)
PYTHON_EXAMPLE = re.compile(r"^\[\[python example ([a-z0-9_]+)\]\][ \t]*$", re.M)
#: ``[[site map]]``: the map of every term (terms hook)
SITE_MAP = re.compile(r"^\[\[site map\]\][ \t]*$", re.M)
#: ``[[wheel url]]``, ``[[wheel link]]``, ``[[wheel sha256]]``: the perpcalc wheel the site serves (share hook)
WHEEL = re.compile(r"\[\[wheel (url|link|sha256)\]\]")

#: ``[[cite KEY ...]]``: citations of the source registry (citations hook)
CITE = re.compile(r"\[\[cite((?:\s+[a-z0-9][a-z0-9-]*)+)\s*\]\]")
#: ``[[calc EXPRESSION; PLACES]]``: a figure computed from example outputs (citations hook)
CALC = re.compile(r"\[\[calc\s+([^\]\n;]+?)(?:;\s*(\d+))?\s*\]\]")

#: any ``[[...]]`` on one line, known or not
ANY = re.compile(r"\[\[[^\]\n]*\]\]")

MARKERS: dict[str, re.Pattern[str]] = {
    "calculator": CALCULATOR,
    "value": VALUE,
    "venues": VENUES,
    "venue": VENUE,
    "python example": PYTHON_EXAMPLE,
    "site map": SITE_MAP,
    "wheel": WHEEL,
    "cite": CITE,
    "calc": CALC,
}


def unknown_markers(markdown: str) -> list[str]:
    """The ``[[...]]`` in ``markdown`` that no marker kind matches (a misspelt marker).

    >>> unknown_markers("[[value funding_rate.funding_rate]] and [[valeu x.y]]")
    ['[[valeu x.y]]']
    """
    for pattern in MARKERS.values():
        markdown = pattern.sub("", markdown)
    return ANY.findall(markdown)


def calculator_names(markdown: str) -> list[str]:
    """The calculators a page embeds, in order of appearance.

    >>> calculator_names("Intro\\n\\n[[calculator funding_rate]]\\n\\n[[calculator mark_price example=bitmex]]\\n")
    ['funding_rate', 'mark_price']
    """
    return [m.group(1) for m in CALCULATOR.finditer(markdown)]
