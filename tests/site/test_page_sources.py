"""The page contract, checked on the sources (no build needed).

Every slug list here comes from docs/terms itself: a new term page is checked the
moment it exists. README's "Adding a term" names the sections every canonical term page
must have; these tests read that list from README, so the checklist and the check
cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import perpcalc
import pytest
import terms as terms_hook
from markers import calculator_names, unknown_markers

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
TERMS = DOCS / "terms"


def front_matter(path: Path) -> dict:
    """The page's front matter, read by the build's own parser (scripts/hooks/terms.py)."""
    assert path.read_text(encoding="utf-8").startswith("---\n"), f"{path.name} has no front matter"
    return terms_hook.front_matter(path)


SLUGS = sorted(p.stem for p in TERMS.glob("*.md"))
META = {slug: front_matter(TERMS / f"{slug}.md") for slug in SLUGS}


def readme_sections() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    part = readme.split("## Adding a term", 1)[1].split("\n## ", 1)[0]
    sections = re.findall(r"`## ([^`]+)`", part)
    assert len(sections) >= 6, "README's 'Adding a term' must name the required sections as `## Name`"
    return sections


def test_there_are_terms() -> None:
    assert len(SLUGS) >= 20


def test_every_spec_term_has_a_page() -> None:
    missing = {c["name"]: [t for t in c["terms"] if t not in SLUGS] for c in perpcalc.catalog()}
    assert not {k: v for k, v in missing.items() if v}


def test_every_calculator_is_embedded_on_a_page() -> None:
    embedded = {name for path in DOCS.rglob("*.md") for name in calculator_names(path.read_text(encoding="utf-8"))}
    names = {c["name"] for c in perpcalc.catalog()}
    assert sorted(names - embedded) == [], "calculators no page embeds"
    assert sorted(embedded - names) == [], "markers naming no calculator"


@pytest.mark.parametrize("slug", SLUGS)
def test_front_matter_calculators_match_the_markers(slug: str) -> None:
    """The ``calculators:`` key lists exactly the calculators the page embeds."""
    markers = calculator_names((TERMS / f"{slug}.md").read_text(encoding="utf-8"))
    assert sorted(set(META[slug].get("calculators") or [])) == sorted(set(markers))


@pytest.mark.parametrize("slug", SLUGS)
def test_term_page_has_the_sections_readme_names(slug: str) -> None:
    text = (TERMS / f"{slug}.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+?)\s*(?:\{[^}]*\})?$", text, flags=re.M)
    missing = [s for s in readme_sections() if s not in headings]
    assert not missing, f"{slug} lacks {missing}"


def test_related_and_redirect_slugs_are_consistent() -> None:
    redirects = [r for m in META.values() for r in m.get("redirects") or []]
    assert len(redirects) == len(set(redirects)), "a redirect slug is claimed twice"
    assert not set(redirects) & set(SLUGS), "a redirect slug is also a page"
    for slug, meta in META.items():
        assert all(r in SLUGS for r in meta.get("related") or []), slug


@pytest.mark.parametrize("slug", SLUGS)
def test_front_matter_has_only_known_keys(slug: str) -> None:
    terms_hook.check_front_matter(f"{slug}.md", META[slug])


def test_a_misspelt_front_matter_key_fails_naming_key_and_file() -> None:
    with pytest.raises(terms_hook.TermError, match=r"funding-rate\.md: unknown front matter key 'card_fromula'"):
        terms_hook.check_front_matter("funding-rate.md", {"title": "x", "card_fromula": "F = P"})


def test_every_marker_in_the_sources_is_a_known_kind() -> None:
    """A misspelt ``[[...]]`` is found on the sources, before a build (the grammar is
    scripts/hooks/markers.py, the one the hooks render with)."""
    unknown = {path.name: found for path in sorted(DOCS.rglob("*.md"))
               if (found := unknown_markers(path.read_text(encoding="utf-8")))}
    assert not unknown, unknown
    assert unknown_markers("[[calculater funding_rate]]") == ["[[calculater funding_rate]]"]
