"""MkDocs hook: render the site's TeX to HTML at build time with the pinned KaTeX.

The reader's browser gets finished math: no KaTeX script, no render after each page load or
instant navigation, no raw TeX shown while it loads. Only KaTeX's stylesheet and fonts are
served (``scripts/hooks/assets.py`` copies them), and the stylesheet applies on pages with math
only (``NO_MATH``).

What is math, and how it is drawn, is what KaTeX's auto-render found in the browser before:
``pymdownx.arithmatex`` in generic mode wraps each formula of a Markdown page, and of an executed
notebook's Markdown cells, in ``<span class="arithmatex">\\(…\\)</span>`` (inline) or
``<div class="arithmatex">\\[…\\]</div>`` (display), whichever syntax the source used.

Each formula becomes ``<span>`` + KaTeX's HTML and MathML + ``</span>``, as auto-render wrote it.
All the formulas of a build go to one Node process (``scripts/katex_render.mjs``), a page at a time;
a formula KaTeX cannot parse fails the build, naming the page.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
RENDERER = ROOT / "scripts" / "katex_render.mjs"

Delimiter = tuple[str, str, bool]  # left, right, display
# pymdownx.arithmatex (generic mode) writes every formula of a page, and of a notebook's Markdown cells,
# with these, whichever syntax the source used ($, $$, \(, \[, \begin{…})
DELIMITERS: list[Delimiter] = [("\\(", "\\)", False), ("\\[", "\\]", True)]


def find_end_of_math(delimiter: str, text: str, start: int) -> int:
    """Index of the closing delimiter at brace level 0, skipping escaped characters; -1 if none.

    Examples
    --------
    >>> find_end_of_math("$", "$a_{$}$ b", 1)
    6
    >>> find_end_of_math("\\\\)", "\\\\(x", 2)
    -1
    """
    index, level = start, 0
    while index < len(text):
        if level <= 0 and text.startswith(delimiter, index):
            return index
        char = text[index]
        if char == "\\":
            index += 1
        elif char == "{":
            level += 1
        elif char == "}":
            level -= 1
        index += 1
    return -1


def split_at_delimiters(text: str, delimiters: list[Delimiter]) -> list[tuple[str, bool | None]]:
    """Split text into ``(text, None)`` and ``(tex, display)`` parts, as KaTeX's auto-render does.

    Examples
    --------
    >>> split_at_delimiters("cost \\\\(p \\\\times q\\\\) or \\\\[x\\\\].", DELIMITERS)
    [('cost ', None), ('p \\\\times q', False), (' or ', None), ('x', True), ('.', None)]
    >>> split_at_delimiters("a \\\\(5 fee", DELIMITERS)  # no closing delimiter: text
    [('a ', None), ('\\\\(5 fee', None)]
    """
    lefts = re.compile("|".join(re.escape(left) for left, _, _ in delimiters))
    parts: list[tuple[str, bool | None]] = []
    while True:
        found = lefts.search(text)
        if not found:
            break
        if found.start() > 0:
            parts.append((text[:found.start()], None))
            text = text[found.start():]
        left, right, display = next(d for d in delimiters if text.startswith(d[0]))
        end = find_end_of_math(right, text, len(left))
        if end == -1:
            break
        parts.append((text[len(left):end], display))
        text = text[end + len(right):]
    if text:
        parts.append((text, None))
    return parts


@dataclass
class BuildState:
    """What the hook holds during one build; ``on_config`` starts a new one (``mkdocs serve``
    rebuilds in the same process)."""

    #: each formula's HTML by (TeX, display mode), drawn once per build
    drawn: dict[tuple[str, bool], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # the build's Node process (scripts/katex_render.mjs), started at its first formula
        self.node: subprocess.Popen[str] | None = None

    def render(self, formulas: list[tuple[str, bool]], where: str) -> list[str]:
        todo = sorted({f for f in formulas if f not in self.drawn})
        if todo:
            if self.node is None:
                try:
                    self.node = subprocess.Popen(["node", str(RENDERER)], stdin=subprocess.PIPE,
                                                 stdout=subprocess.PIPE, text=True, encoding="utf-8")
                except FileNotFoundError as err:
                    raise PluginError("node is missing: the build draws the site's math with KaTeX under "
                                      "Node (see the README's requirements)") from err
            assert self.node.stdin and self.node.stdout
            self.node.stdin.write(json.dumps(todo) + "\n")
            self.node.stdin.flush()
            line = self.node.stdout.readline()
            if not line:
                raise PluginError(f"{RENDERER.name} stopped (is `katex` in node_modules? run `npm ci`)")
            answer = json.loads(line)
            if "error" in answer:
                tex, display = todo[answer["index"]]
                raise PluginError(f"{where}: KaTeX cannot render {'display' if display else 'inline'} math "
                                  f"{tex!r}: {answer['error']}")
            self.drawn.update(zip(todo, answer["html"], strict=True))
        return [self.drawn[f] for f in formulas]

    def close(self) -> None:
        if self.node is not None:
            assert self.node.stdin
            self.node.stdin.close()
            self.node.wait(timeout=30)
            self.node = None


state = BuildState()
ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)
# KaTeX's stylesheet as the theme links it on every page (mkdocs.yml's extra_css)
KATEX_CSS = re.compile(r'(<link rel="stylesheet" href="[^"]*assets/katex/katex\.min\.css")>')
# On a page without math the stylesheet applies to nothing: it is linked for no media (not
# render-blocking; the browser fetches it at low priority), and the theme's instant navigation
# to a page with math finds it loaded: page.js switches its media as it swaps the page in.
NO_MATH = ' media="not all"'


def on_post_page(output: str, page: Any, config: Any) -> str:
    where = page.file.src_uri
    found = []
    for match in ARITHMATEX.finditer(output):
        if "<" in match.group(2):
            raise PluginError(f"{where}: markup inside a formula: {match.group(0)[:200]!r}")
        parts = split_at_delimiters(html.unescape(match.group(2)), DELIMITERS)
        if not any(display is not None for _, display in parts):
            raise PluginError(f"{where}: no formula in {match.group(0)[:200]!r}")
        found.append((match, parts))
    if not found:
        return KATEX_CSS.sub(rf"\1{NO_MATH}>", output, count=1)
    wanted = [(piece, display) for _, parts in found for piece, display in parts if display is not None]
    drawn = dict(zip(wanted, state.render(wanted, where), strict=True))
    pieces, last = [], 0
    for match, parts in found:
        pieces.append(output[last:match.start(2)])
        # text as text, each formula in a <span> as auto-render put it
        pieces.extend(html.escape(piece, quote=False) if display is None else f"<span>{drawn[(piece, display)]}</span>"
                      for piece, display in parts)
        last = match.end(2)
    pieces.append(output[last:])
    return "".join(pieces)


def on_config(config: Any) -> Any:
    global state
    state.close()
    state = BuildState()
    return config


def on_post_build(config: Any) -> None:
    state.close()


def on_build_error(error: Exception) -> None:
    state.close()
