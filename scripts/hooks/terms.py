"""MkDocs hook: everything derived from term pages' front matter, in one place.

Each ``docs/terms/<slug>.md`` carries its metadata in front matter (title, description,
aliases, redirects, tags, related, calculators); its sources are cited inline by id from
``docs/sources.yml`` (see ``citations.py``). From it the build generates:

* the navigation, grouped under readers' words by each term's ``group`` (default: from its
  first tag), the short "basic" pages first in each group;
* the site map at the top of the home page (a ``[[site map]]`` line);
* redirects for synonym slugs (through mkdocs-redirects);
* the A–Z glossary page and the calculator catalogue page;
* each term page's "Also called" and "Related terms" sections, and its "Sources" section from
  the ids the page cites;
* schema.org ``DefinedTerm`` JSON-LD per page, in a ``DefinedTermSet``;
* hover tooltips: the first mention of another term on a page links to it, with its
  one-line definition as the link's title (Material's content.tooltips shows it);
* the search index's weights: a term's title and its aliases (plus ``keywords``: other
  spellings readers type) rank highest, the API reference and notebooks lowest.

Nothing here is maintained by hand in a second place.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
sys.path.insert(0, str(ROOT / "calculators"))

sys.path.insert(0, str(Path(__file__).resolve().parent))

import markers  # noqa: E402
import perpcalc  # noqa: E402
import templates  # noqa: E402
from citations import load_registry, sources_html  # noqa: E402

TAGS = {
    "funding": "Funding",
    "pricing": "Pricing and the peg",
    "series": "Funding series",
    "carry": "Carry and yield",
    "liquidation": "Liquidation",
    "insolvency": "Insolvency and ADL",
    "cascades": "Cascades",
    "manipulation": "Manipulation",
}
# The menu's groups, in readers' words, in menu order.
GROUPS = {
    "funding": "Funding",
    "prices": "Prices",
    "margin": "Margin & liquidation",
    "insolvency": "When liquidation fails",
    "strategies": "Trading strategies",
    "market": "Market behaviour",
}
# A page without a ``group`` key goes where its first tag says.
TAG_GROUP = {
    "funding": "funding",
    "pricing": "prices",
    "series": "funding",
    "carry": "strategies",
    "liquidation": "margin",
    "insolvency": "insolvency",
    "cascades": "market",
    "manipulation": "market",
}
REQUIRED = ("title", "description", "tags", "related")
MARKER = markers.CALCULATOR
HUB = "negative-funding-rates"


class TermError(PluginError):
    pass


@dataclass
class Term:
    slug: str
    title: str
    description: str
    tags: list[str]
    related: list[str]
    aliases: list[str] = field(default_factory=list)
    redirects: list[str] = field(default_factory=list)
    calculators: list[str] = field(default_factory=list)
    group: str = "funding"
    basic: bool = False
    keywords: list[str] = field(default_factory=list)
    card_formula: str = ""

    @property
    def path(self) -> str:
        return f"terms/{self.slug}.md"

    @property
    def url(self) -> str:
        return f"terms/{self.slug}/"


FRONT_MATTER = re.compile(r"^---\s*\n(.*?)\n---\s*\n", re.S)


def split_front_matter(text: str) -> tuple[str, str]:
    """A page's front matter (the YAML between its ``---`` lines; "" when it has none) and the
    Markdown after it: the one reading of that boundary, for the hooks and the tests.

    >>> split_front_matter("---\\ntitle: Basis\\n---\\nThe body.\\n")
    ('title: Basis', 'The body.\\n')
    >>> split_front_matter("No front matter.\\n")
    ('', 'No front matter.\\n')
    """
    match = FRONT_MATTER.match(text)
    return (match.group(1), text[match.end():]) if match else ("", text)


def front_matter(path: Path) -> dict[str, Any]:
    """A page's front matter as a mapping (empty when it has none)."""
    data = yaml.safe_load(split_front_matter(path.read_text(encoding="utf-8"))[0]) or {}
    if not isinstance(data, dict):
        raise TermError(f"{path}: front matter must be a mapping")
    return data


#: the front-matter keys a term page may have: the fields of ``Term`` but the slug (the file name)
FRONT_MATTER_KEYS = tuple(f.name for f in fields(Term) if f.name != "slug")


def check_front_matter(name: str, meta: dict[str, Any]) -> None:
    """Refuse a front matter with a key the schema does not know (a misspelt optional key would
    otherwise be ignored in silence), naming the key and the file."""
    unknown = sorted(str(k) for k in meta if k not in FRONT_MATTER_KEYS)
    if unknown:
        raise TermError(f"{name}: unknown front matter key {', '.join(map(repr, unknown))}; "
                        f"the keys are {', '.join(FRONT_MATTER_KEYS)}")


def load_terms(docs: Path = DOCS) -> dict[str, Term]:
    """Every term page's metadata, validated."""
    terms: dict[str, Term] = {}
    for path in sorted((docs / "terms").glob("*.md")):
        meta = front_matter(path)
        check_front_matter(path.name, meta)
        missing = [k for k in REQUIRED if not meta.get(k)]
        if missing:
            raise TermError(f"{path.name}: front matter lacks {', '.join(missing)}")
        if "sources" in meta:
            raise TermError(f"{path.name}: sources live in docs/sources.yml and are cited inline ([[cite ID]])")
        bad_tags = [t for t in meta["tags"] if t not in TAGS]
        if bad_tags:
            raise TermError(f"{path.name}: unknown tags {bad_tags}; use {list(TAGS)}")
        group = meta.get("group") or TAG_GROUP[meta["tags"][0]]
        if group not in GROUPS:
            raise TermError(f"{path.name}: unknown group {group!r}; use {list(GROUPS)}")
        aliases = [str(a) for a in meta.get("aliases") or []]
        if len({a.casefold() for a in aliases}) != len(aliases):
            raise TermError(f"{path.name}: aliases repeat themselves: {aliases}")
        terms[path.stem] = Term(
            slug=path.stem,
            title=str(meta["title"]),
            description=" ".join(str(meta["description"]).split()),
            tags=list(meta["tags"]),
            related=list(meta.get("related") or []),
            aliases=aliases,
            redirects=list(meta.get("redirects") or []),
            calculators=list(meta.get("calculators") or []),
            group=group,
            basic=bool(meta.get("basic")),
            keywords=[str(k) for k in meta.get("keywords") or []],
            card_formula=str(meta.get("card_formula") or ""),
        )
    # A name that is another term's title, or a basic page's alias, names that term, not this one: it
    # is left out of this term's "Also called", search words, schema.org names and tooltips.
    owner = {a.casefold(): t.slug for t in terms.values() if t.basic for a in t.aliases}
    owner |= {t.title.casefold(): t.slug for t in terms.values()}
    for term in terms.values():
        term.aliases = [a for a in term.aliases if owner.get(a.casefold(), term.slug) == term.slug]
    for term in terms.values():
        for slug in term.related:
            if slug not in terms and os.environ.get("PERPCALC_DRAFT") != "1":
                raise TermError(f"{term.slug}.md: related term {slug!r} has no page")
        for slug in term.redirects:
            if slug in terms:
                raise TermError(f"{term.slug}.md: redirect {slug!r} is also a page")
    return terms


def embedded_calculators(docs: Path = DOCS) -> dict[str, list[str]]:
    """Calculator name → source paths of the pages embedding it (by marker)."""
    found: dict[str, list[str]] = {}
    for path in sorted(docs.rglob("*.md")):
        for name in markers.calculator_names(path.read_text(encoding="utf-8")):
            rel = path.relative_to(docs).as_posix()
            if rel not in found.setdefault(name, []):
                found[name].append(rel)
    return found


@dataclass
class BuildState:
    """What the hook reads at a build's start; ``on_config`` reads it anew (``mkdocs serve``
    rebuilds in the same process, after the reader edited the very files it is read from)."""

    #: slug → term, from docs/terms
    terms: dict[str, Term] = field(default_factory=dict)
    #: calculator → the pages embedding it
    embedded: dict[str, list[str]] = field(default_factory=dict)
    #: docs/sources.yml
    registry: dict[str, dict[str, Any]] = field(default_factory=dict)


state = BuildState()


# ------------------------------------------------------------------ config: nav, redirects


def on_config(config: Any) -> Any:
    global state
    docs = Path(config["docs_dir"])
    state = BuildState(terms=load_terms(docs), embedded=embedded_calculators(docs),
                       registry=load_registry(docs / "sources.yml"))
    redirects = config["plugins"]["redirects"].config.setdefault("redirect_maps", {})
    for term in state.terms.values():
        for slug in term.redirects:
            redirects[f"terms/{slug}.md"] = term.path
    groups: dict[str, list[dict[str, str]]] = {group: [] for group in GROUPS}
    for term in sorted(state.terms.values(), key=lambda t: (not t.basic, t.title.lower())):
        if term.slug != HUB:
            groups[term.group].append({term.title: term.path})
    terms_nav: list[Any] = [{state.terms[HUB].title: state.terms[HUB].path}] if HUB in state.terms else []
    terms_nav += [{GROUPS[group]: pages} for group, pages in groups.items() if pages]
    nav = config.get("nav") or []
    config["nav"] = [item if item != "TERMS" and item != {"Terms": "TERMS"} else {"Terms": terms_nav} for item in nav]
    return config


# ------------------------------------------------------------------ generated pages


def glossary_markdown(terms: dict[str, Term]) -> str:
    lines = [
        "---",
        "title: Glossary A–Z",
        "description: Every term of the Perp Glossary with its one-line definition, tags and synonyms.",
        "---",
        "",
        "# Glossary A–Z",
        "",
        f"{len(terms)} terms. Each links to a page with the definition, the formula and its sign convention, "
        "a worked example computed by the embedded calculator, how venues differ, history and sources. "
        "Synonyms are listed under the term they redirect to.",
        "",
    ]
    by_letter: dict[str, list[Term]] = {}
    for term in sorted(terms.values(), key=lambda t: t.title.lower()):
        by_letter.setdefault(term.title[0].upper(), []).append(term)
    lines.append(" · ".join(f"[{letter}](#{letter.lower()})" for letter in by_letter))
    lines.append("")
    for letter, group in by_letter.items():
        lines += [f"## {letter} {{#{letter.lower()}}}", ""]
        for t in group:
            tags = " ".join(f"`{tag}`" for tag in t.tags)
            aka = f" *Also:* {', '.join(t.aliases)}." if t.aliases else ""
            lines.append(f"[{t.title}]({t.path})")
            lines.append(f":   {t.description}{aka} {tags}")
            lines.append("")
    return "\n".join(lines)


def calculators_markdown(embedded: dict[str, list[str]], terms: dict[str, Term]) -> str:
    lines = [
        "---",
        "title: Calculators",
        "description: Every perpcalc calculator, what it computes and the pages where it runs.",
        "---",
        "",
        "# Calculators",
        "",
        "Every calculator below is one function of the `perpcalc` Python package, run in your browser by "
        "Pyodide on the pages listed, and callable the same way in Python: "
        '`perpcalc.run("name", {...})`. Inputs, defaults and venue presets come from the same spec.',
        "",
    ]
    # grouped as the navigation groups terms: by the group of the calculator's first term page
    groups: dict[str, list[dict[str, Any]]] = {group: [] for group in GROUPS}
    for spec in perpcalc.catalog():
        found = [terms[t].group for t in spec["terms"] if t in terms]
        groups[found[0] if found else "funding"].append(spec)
    for group, specs in groups.items():
        if not specs:
            continue
        lines += ["", f"## {GROUPS[group]}", "", "| Calculator | What it computes | On pages |", "|---|---|---|"]
        for spec in specs:
            pages = embedded.get(spec["name"], [])
            links = ", ".join(f"[{_page_title(p, terms)}](../{p})" for p in pages) or "—"
            cells = [f"**{spec['title']}** `{spec['name']}`", spec["summary"], links]
            lines.append("| " + " | ".join(_table_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _table_cell(text: str) -> str:
    """Text safe inside one Markdown table cell: one line, ``|`` escaped (else it splits the cell)."""
    return " ".join(text.replace("|", "\\|").split())


def _page_title(src: str, terms: dict[str, Term]) -> str:
    slug = Path(src).stem
    if src == "index.md":
        return "Home"
    return terms[slug].title if src.startswith("terms/") and slug in terms else Path(src).stem.replace("-", " ")


def on_files(files: Files, config: Any) -> Files:
    files.append(File.generated(config, "glossary.md", content=glossary_markdown(state.terms)))
    index = calculators_markdown(state.embedded, state.terms)
    files.append(File.generated(config, "calculators/index.md", content=index))
    return files


# ------------------------------------------------------------------ term pages


SITE_MAP = markers.SITE_MAP
# the home page's "Start here": what the contract is, then the hub that links everything
START = ("perpetual-future", HUB)


def site_map_markdown(terms: dict[str, Term], nav: list[Any]) -> str:
    """The home page's map: where to start, the basics by group, calculators, notebooks, Python."""
    start = [f"[{terms[s].title}](terms/{s}.md)" for s in START if s in terms]
    lines = ['<nav class="site-map" aria-label="Site map" markdown>', ""]
    lines += [f"**Start here:** {', then '.join(start)}; the [A–Z glossary](glossary.md) lists every term "
              "with its one-line definition.", ""]
    lines += ["**The basics**, one short page each:", ""]
    for group, label in GROUPS.items():
        basics = sorted((t for t in terms.values() if t.basic and t.group == group), key=lambda t: t.title.lower())
        if basics:
            lines.append(f"- *{label}:* " + " · ".join(f"[{t.title}](terms/{t.slug}.md)" for t in basics))
    books = next((item["Notebooks"] for item in nav if isinstance(item, dict) and "Notebooks" in item), [])
    count = len(perpcalc.catalog())
    lines += ["", f"**The calculators:** all {count} in the [calculator index](calculators/index.md), each "
              "running the same Python in your browser.", ""]
    if books:
        links = " · ".join(f"[{title}]({src})" for item in books for title, src in item.items())
        lines += [f"**The notebooks**, executed when the site is built: {links}.", ""]
    lines += ["**In Python:** [use perpcalc in your own code](use-in-python.md): install the wheel this site "
              "serves and make the same calls the pages make.", "", "</nav>", ""]
    return "\n".join(lines)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if page.file.src_uri == "index.md" and SITE_MAP.search(markdown):
        block = site_map_markdown(state.terms, config.get("nav") or [])
        return SITE_MAP.sub(lambda m: block, markdown, count=1)
    slug = Path(page.file.src_uri).stem
    if not page.file.src_uri.startswith("terms/") or slug not in state.terms:
        return markdown
    term = state.terms[slug]
    aka = ""
    if term.aliases:
        aka = templates.render("term-aka.html", aliases=term.aliases)
    related = "\n".join(
        f"- [{state.terms[r].title}]({r}.md) — {state.terms[r].description}" for r in term.related if r in state.terms
    )
    cited = page.meta.get("cited") or []
    if not cited:
        raise TermError(f"{term.path}: cites no source (mark each claim with [[cite ID]])")
    sources = sources_html(cited, state.registry)
    page.meta["jsonld"] = json.dumps(jsonld(term, config), ensure_ascii=False).replace("</", "<\\/")
    # "Also called" goes under the page's title: after the page's own H1 where it writes one
    # (the theme adds the H1 from the title only to pages without)
    h1 = H1.match(markdown)
    body = f"{markdown[:h1.end()]}\n{aka}{markdown[h1.end():].lstrip()}" if h1 else f"{aka}{markdown}"
    return f"{body.rstrip()}\n\n## Related terms\n\n{related}\n\n## Sources\n\n{sources}\n"


H1 = re.compile(r"\A\s*# [^\n]*\n")


def jsonld(term: Term, config: Any) -> dict[str, Any]:
    base = config["site_url"] or "/"
    return {
        "@context": "https://schema.org",
        "@type": "DefinedTerm",
        "@id": f"{base}{term.url}",
        "name": term.title,
        "alternateName": term.aliases or None,
        "description": term.description,
        "termCode": term.slug,
        "url": f"{base}{term.url}",
        "inDefinedTermSet": {
            "@type": "DefinedTermSet",
            "@id": f"{base}glossary/",
            "name": "Perp Glossary",
            "url": f"{base}glossary/",
        },
    }


# ------------------------------------------------------------------ tooltips on first mention

_SKIP = re.compile(r"<(a|code|pre|h[1-6]|form|script|style|output|table|textarea|select|nav)\b.*?</\1>"
                   r'|<p class="term-aka">.*?</p>'
                   # TeX (arithmatex spans and blocks): a link inside \text{…} breaks the formula
                   r'|<span class="arithmatex">.*?</span>|<div class="arithmatex">.*?</div>', re.S | re.I)
# Blocks whose every entry is already a link (the home page's site map).
_SKIP_BLOCKS = re.compile(r'<nav\b[^>]*\bclass="site-map"[^>]*>.*?</nav>', re.S)
# Pages that list terms by name: every entry is already a link, so no mention links there.
_NO_MENTIONS = ("glossary.md", "calculators/index.md")
# what splits a page's HTML into text segments: tags, and the placeholders of protected parts
_SEGMENTS = re.compile(r"(<[^>]+>|\x00\d+\x00)")


def _mention_patterns(current: str) -> list[tuple[re.Pattern[str], Term]]:
    pats = []
    # a name that is one term's title links to that term, even where another lists it as an alias
    titles = {t.title.casefold(): t.slug for t in state.terms.values()}
    for term in state.terms.values():
        if term.slug == current:
            continue
        names = {term.title, *term.aliases}
        for name in sorted(names, key=lambda n: (-len(n), n.casefold(), n)):  # ties in a fixed order
            if len(name) < 4 or titles.get(name.casefold(), term.slug) != term.slug:
                continue
            pats.append((re.compile(rf"(?<![\w-])({re.escape(name)})(?![\w-])", re.I), term))
    return pats


def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    current = Path(page.file.src_uri).stem
    if not state.terms or page.file.src_uri in _NO_MENTIONS:
        return content
    depth = page.url.count("/")
    prefix = "../" * depth
    # a term the page already links by hand gets no second link from here
    text = _SKIP_BLOCKS.sub("", content)
    linked = {slug for slug in state.terms if re.search(rf'href="(?:[^"]*/)?{re.escape(slug)}/(?:#[^"]*)?"', text)}
    # only plain paragraph and list text, outside links, code, headings and calculators
    protected: list[str] = []

    def protect(m: re.Match[str]) -> str:
        protected.append(m.group(0))
        return f"\x00{len(protected) - 1}\x00"

    body = _SKIP.sub(protect, _SKIP_BLOCKS.sub(protect, content))
    # search text segments only (between tags and protected parts); the segments joined by a
    # character no name holds and no pattern's boundary takes for a word, so that one search
    # tells whether any segment mentions a name (most names are not on the page at all)
    parts = _SEGMENTS.split(body)
    text = "\x01".join(parts[0::2])
    for pattern, term in _mention_patterns(current):
        if term.slug in linked or not pattern.search(text):
            continue

        def link(m: re.Match[str], term: Term = term) -> str:
            linked.add(term.slug)
            protected.append(templates.render("term-mention.html", href=f"{prefix}{term.url}", title=term.description,
                                              words=Markup(m.group(1))))
            return f"\x00{len(protected) - 1}\x00"

        for i in range(0, len(parts), 2):
            new, n = pattern.subn(link, parts[i], count=1)
            if n:
                parts[i] = new
                break
        parts = _SEGMENTS.split("".join(parts))
        text = "\x01".join(parts[0::2])
    return re.sub(r"\x00(\d+)\x00", lambda m: protected[int(m.group(1))], "".join(parts))


# ------------------------------------------------------------------ search weights

# Entry boosts for pages that explain no single term: plain-language queries should find the
# term pages first, while a query only these pages answer still finds them.
SEARCH_BOOST = {"reference/": 0.05, "notebooks/": 0.3}


def search_entries(entries: list[dict[str, Any]], terms: dict[str, Term]) -> list[dict[str, Any]]:
    """Reweight Material's search index entries.

    The theme copies a page's ``tags`` into every section's entry and boosts that field above
    the title, so with its trailing wildcard a query such as "fund" ranked every page tagged
    ``funding`` first. Here the ``tags`` field of a term page's top entry carries what a reader
    may type for it instead: its aliases (shown as chips under the result), and its ``keywords``
    in a ``keywords`` field, searched with the same weight but never shown; no other entry has tags.
    """
    by_url = {t.url: t for t in terms.values()}
    out = []
    for entry in entries:
        entry = {k: v for k, v in entry.items() if k != "tags"}
        term = by_url.get(entry["location"])
        # aliases show as chips under the result; other spellings (often misspellings) are
        # searched in a field of their own, which the theme indexes but never shows
        if term and term.aliases:
            entry["tags"] = list(term.aliases)
        if term and term.keywords:
            entry["keywords"] = list(term.keywords)
        for prefix, boost in SEARCH_BOOST.items():
            if entry["location"].startswith(prefix):
                entry["boost"] = boost
        out.append(entry)
    return out


# lunr (inside the theme's search worker) keys a token-set node by its final flag followed by each
# edge's label and child id with nothing between them, so "1"→#234 and "1"→#2, "3"→#4 both read
# "01234". Minimising the index's token set then merges two different nodes when words hold digits,
# and every query that expands into the merged part fails outright ("Invalid query", no results: it
# took "8" and "8 hour funding" once; lunr issue 503 reports the same). A comma after each id makes
# the key unambiguous; the build fails if the theme's code no longer has the expected form.
LUNR_NODE_KEY = ('e=e+s+o.id}return e}', 'e=e+s+o.id+","}return e}')


def fix_search_worker(site: Path) -> None:
    """Make lunr's token-set node keys unambiguous in the theme's search worker (see LUNR_NODE_KEY)."""
    old, new = LUNR_NODE_KEY
    for worker in (site / "assets" / "javascripts" / "workers").glob("search.*.min.js"):
        text = worker.read_text(encoding="utf-8")
        if text.count(new) == 1:  # already fixed (a build into a site folder that kept it)
            continue
        if text.count(old) != 1:
            raise PluginError(f"{worker.name}: lunr's TokenSet.toString is not in the expected form; "
                              "check LUNR_NODE_KEY in scripts/hooks/terms.py against this theme version")
        worker.write_text(text.replace(old, new), encoding="utf-8")


def on_post_build(config: Any) -> None:
    fix_search_worker(Path(config["site_dir"]))
    path = Path(config["site_dir"]) / "search" / "search_index.json"
    if not path.exists():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    index["docs"] = search_entries(index["docs"], state.terms)
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
