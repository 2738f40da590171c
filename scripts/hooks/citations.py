"""MkDocs hook: inline citations from the one registry of sources, and arithmetic in prose.

The registry is ``docs/sources.yml``: one entry per source, keyed by its id, with ``title``,
``publisher``, ``url``, ``date`` (when the source was published, or ``undated``), ``read`` (when
this site read it), ``kind`` (see :data:`KINDS`) and ``supports`` (what the site takes from it).

Markers (in any Markdown page):

* ``[[cite ID]]`` or ``[[cite ID ID2 …]]`` inline, right after the claim: a numbered reference
  (a superscript link to the page's Sources list, with the source named in its tooltip and its
  accessible name). A mirror, a relay or anonymous notes say so in the reference itself.
* ``[[calc EXPR]]`` or ``[[calc EXPR; PLACES]]`` inline: the value of a small arithmetic
  expression (numbers, ``+ - * /``, parentheses, ``%`` after a number meaning /100, and
  ``{NAME.FIELD}`` or ``{NAME@KEY.FIELD}``: an output or input of a calculator's example, as
  ``[[value]]`` names them), computed in ``Decimal`` and shown with ``PLACES`` decimals (default:
  as many as needed, up to 6) and thousands separators, so a sum in prose ("on 100,000 USDT,
  0.01 % is 10 USDT") is never typed.

Each page's "Sources" section lists what the page cites, in the order of first citation (the
term hook places it; other pages get it appended here). The build fails on an unknown id, an
entry that lacks a field, and an entry that no page cites.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import Any

import yaml
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "calculators"))

import markers  # noqa: E402
import perpcalc  # noqa: E402
import templates  # noqa: E402

REGISTRY = ROOT / "docs" / "sources.yml"

#: What a source is, as the reader is told: only ``primary`` and ``secondary`` go unlabelled inline.
KINDS = {
    "primary": "the venue's, the authority's or the authors' own text",
    "secondary": "a report about the subject by someone else (press, analytics, encyclopedia)",
    "mirror": "a copy of a primary text on another host",
    "relay": "a post that restates or relays a primary text",
    "anonymous": "unsigned research notes, no primary publication found",
}
LABELLED = ("mirror", "relay", "anonymous")
FIELDS = ("title", "url", "date", "read", "kind")

CITE = markers.CITE
CALC = markers.CALC
REF = re.compile(r"\{([a-z0-9_]+)(?:@([a-z0-9_]+))?\.([a-z0-9_]+)\}")


class CitationError(PluginError):
    pass


# ------------------------------------------------------------------ the registry


def load_registry(path: Path = REGISTRY) -> dict[str, dict[str, Any]]:
    """Every source by id, validated (fields present, kind known, ids lowercase-hyphenated)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise CitationError(f"{path.name}: must map source ids to entries")
    urls: dict[str, str] = {}
    for ident, entry in data.items():
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", str(ident)):
            raise CitationError(f"{path.name}: bad source id {ident!r} (lowercase letters, digits, hyphens)")
        # unsigned notes have no address to give; everything else has one
        missing = [f for f in FIELDS if not entry.get(f) and not (f == "url" and entry.get("kind") == "anonymous")]
        if missing:
            raise CitationError(f"{path.name}: {ident} lacks {', '.join(missing)}")
        if entry["kind"] not in KINDS:
            raise CitationError(f"{path.name}: {ident} has kind {entry['kind']!r}; use one of {list(KINDS)}")
        url = str(entry.get("url") or ident).rstrip("/")
        if url in urls:
            raise CitationError(f"{path.name}: {ident} and {urls[url]} are the same address")
        urls[url] = ident
    return data


def cited_ids(markdown: str) -> list[str]:
    """The ids a page's Markdown cites, in order of first citation."""
    out: list[str] = []
    for m in CITE.finditer(markdown):
        for ident in m.group(1).split():
            if ident not in out:
                out.append(ident)
    return out


def _when(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def describe(entry: dict[str, Any]) -> str:
    """One line naming a source (the reference's tooltip and accessible name)."""
    who = f"{entry['publisher']}: " if entry.get("publisher") else ""
    kind = f"; {entry['kind']}" if entry["kind"] in LABELLED else ""
    return f"{who}{entry['title']} ({_when(entry['date'])}{kind})"


def sources_html(ids: list[str], registry: dict[str, dict[str, Any]]) -> str:
    """The page's Sources list: an ordered list, numbered as the inline references are, each item
    with its publisher, linked title, dates, kind and what it supports (overrides/partials/sources.html)."""
    sources = [(i, registry[i], _when(registry[i]["date"]), _when(registry[i]["read"]),
                registry[i]["kind"] if registry[i]["kind"] in LABELLED else "") for i in ids]
    return templates.render("sources.html", sources=sources)


def render_cites(markdown: str, registry: dict[str, dict[str, Any]], where: str = "") -> tuple[str, list[str]]:
    # ``where`` (e.g. "page.md: ") prefixes error messages
    """Replace every ``[[cite …]]``; return the Markdown and the ids in citation order."""
    ids = cited_ids(markdown)
    unknown = [i for i in ids if i not in registry]
    if unknown:
        raise CitationError(f"{where}unknown source id(s) {unknown} (add them to docs/sources.yml)")
    number = {ident: n for n, ident in enumerate(ids, 1)}

    def sub(m: re.Match[str]) -> str:
        cites = [(i, number[i], describe(registry[i]), registry[i]["kind"] if registry[i]["kind"] in LABELLED else "")
                 for i in m.group(1).split()]
        return templates.render("cites.html", cites=cites)

    out = CITE.sub(sub, markdown)
    if "[[cite" in out:
        raise CitationError(f"{where}malformed cite marker")
    return out, ids


# ------------------------------------------------------------------ arithmetic in prose

_OPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
        ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b}


def evaluate(expr: str) -> Decimal:
    """The value of ``expr``: decimal numbers, ``+ - * /``, parentheses, ``N%`` = N/100.

    Nothing else is accepted (no names, calls or powers), and nothing is evaluated as code.

    >>> evaluate("100,000 * 0.01%")
    Decimal('10.0000')
    >>> evaluate("(50000 - 45454.5455) / 50000 * 100")
    Decimal('9.09090900')
    """
    text = expr.replace("−", "-").replace("×", "*").replace("÷", "/")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)  # thousands separators
    text = re.sub(r"(\d+(?:\.\d+)?)\s*%", r"(\1/100)", text)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise CitationError(f"cannot read the expression {expr!r}") from None

    def ev(node: ast.AST) -> Decimal:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return Decimal(ast.get_source_segment(text.strip(), node) or repr(node.value))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = ev(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        raise CitationError(f"only numbers, + - * / and parentheses are allowed in {expr!r}")

    with localcontext() as ctx:
        ctx.prec = 28
        try:
            return ev(tree)
        except (InvalidOperation, ZeroDivisionError):
            raise CitationError(f"the expression {expr!r} has no value") from None


def format_value(value: Decimal, places: int | None) -> str:
    """``Decimal`` → text with thousands separators and a real minus sign.

    >>> format_value(Decimal("-4545.454545"), 2)
    '−4,545.45'
    >>> format_value(Decimal("10.0000"), None)
    '10'
    """
    if places is None:
        q = value.quantize(Decimal("1e-6")).normalize()
        places = max(0, -q.as_tuple().exponent) if isinstance(q.as_tuple().exponent, int) else 0
    text = f"{abs(value):,.{places}f}"
    return ("−" if value < 0 and float(text.replace(",", "")) != 0 else "") + text


def example_figure(name: str, key: str, field: str) -> Decimal:
    """A number of a calculator's named example: an output, or else an input.

    >>> example_figure("funding_payment", "default", "payment")
    Decimal('-118.75')
    """
    try:
        example = perpcalc.get(name).examples[key]
    except (perpcalc.InputError, KeyError):
        raise CitationError(f"no calculator example {name}@{key}") from None
    values = {**example, **perpcalc.run(name, example)}
    if field not in values or isinstance(values[field], (list, dict, bool)):
        raise CitationError(f"{name}@{key} has no number {field!r}")
    try:
        return Decimal(str(values[field]))
    except InvalidOperation:
        raise CitationError(f"{name}@{key}.{field} is not a number") from None


def render_calc(markdown: str) -> str:
    def sub(m: re.Match[str]) -> str:
        expr, places = m.group(1).strip(), m.group(2)
        numeric = REF.sub(lambda r: f"({example_figure(r.group(1), r.group(2) or 'default', r.group(3))})", expr)
        value = format_value(evaluate(numeric), int(places) if places else None)
        return templates.render("calc-value.html", expr=expr, value=value)

    out = CALC.sub(sub, markdown)
    if "[[calc " in out:
        raise CitationError("malformed calc marker")
    return out


# ------------------------------------------------------------------ hook

@dataclass
class BuildState:
    """What the hook holds during one build; ``on_config`` starts a new one (``mkdocs serve``
    rebuilds in the same process)."""

    #: docs/sources.yml, read at the build's start
    registry: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: the sources the pages cite, gathered page by page
    cited: set[str] = field(default_factory=set)


state = BuildState()


def on_config(config: Any) -> Any:
    global state
    state = BuildState(registry=load_registry(Path(config["docs_dir"]) / "sources.yml"))
    return config


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    where = page.file.src_path
    try:
        markdown = render_calc(markdown)
        markdown, ids = render_cites(markdown, state.registry)
    except CitationError as exc:
        raise CitationError(f"{where}: {exc}") from None
    state.cited.update(ids)
    page.meta["cited"] = ids
    # term pages get their Sources section from the terms hook (after "Related terms")
    if ids and not page.file.src_uri.startswith("terms/"):
        markdown = f"{markdown.rstrip()}\n\n## Sources\n\n{sources_html(ids, state.registry)}"
    return markdown


def on_post_build(config: Any) -> None:
    unused = sorted(set(state.registry) - state.cited)
    if unused:
        raise CitationError(f"docs/sources.yml: no page cites {', '.join(unused)} (cite it or remove it)")
