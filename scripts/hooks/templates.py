"""The Jinja templates the build hooks draw their markup with (``overrides/partials/``), in one
environment: autoescaped (a title, a label, a number's text or a source's name is text, never
markup), strict (a name the template uses and the hook did not give fails the build).

Whitespace: the loader drops every line break of a template and the indentation after it, so what
a template draws is one line of HTML (a line break between inline elements would show as a space,
and inline markup lands inside a Markdown paragraph). Keep an element's opening tag and a sentence
on one line; write a space where one is wanted.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import jinja2

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "overrides"


class OneLine(jinja2.FileSystemLoader):
    """A template without its line breaks and the indentation after them (see the module's head)."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        return re.sub(r"\n\s*", "", source), filename, uptodate


ENV = jinja2.Environment(loader=OneLine(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined)


def render(template: str, /, **context: Any) -> str:
    """``overrides/partials/<template>`` drawn with ``context``.

    >>> render("perpcalc-draft.html", what="calculator a<b")
    '<mark>draft: calculator a&lt;b is not built yet</mark>'
    """
    return ENV.get_template(f"partials/{template}").render(**context)


def text_of(markup: str) -> str:
    """A fragment of HTML as the text a reader sees: its tags dropped, its entities read, each run of
    white space one space (a page's lead paragraph for its preview, a table heading as a cell's label).

    >>> text_of('A <em>"b"</em>   &amp; c')
    'A "b" & c'
    """
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup)).split())
