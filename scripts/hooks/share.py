"""MkDocs hook: what a shared link shows, and the way in for Python users.

* Link previews: every page gets Open Graph and Twitter card metadata (rendered by
  ``overrides/main.html`` from ``page.meta["preview"]``) and its own 1200×630 PNG, drawn at
  build time by ``scripts/og_images.py`` with a font from the npm package @fontsource/inter.
* The perpcalc wheel that the browser runtime loads (``build/runtime``, written by
  ``scripts/build_runtime.py``) is linked from the "Use it in Python" page: the markers
  ``[[wheel url]]`` (absolute address, for ``pip install``), ``[[wheel link]]`` (a download
  link) and ``[[python example NAME]]`` (the call a calculator's default example makes, with
  its result) are filled in there.
* Each notebook page links its ``.ipynb`` (mkdocs-jupyter copies it beside the page).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "calculators"))
sys.path.insert(0, str(ROOT / "scripts"))

import markers  # noqa: E402
import og_images  # noqa: E402
import perpcalc  # noqa: E402
import templates  # noqa: E402

MANIFEST = ROOT / "build" / "runtime" / "manifest.json"
log = logging.getLogger("mkdocs.hooks.share")
RUNTIME_URL = "assets/runtime/"  # where scripts/hooks/assets.py copies build/runtime
PREVIEW_DIR = "assets/previews/"



@dataclass
class BuildState:
    """What the hook gathers during one build; ``on_config`` starts a new one (``mkdocs serve``
    rebuilds in the same process)."""

    #: one preview card per page, drawn after the build
    cards: list[og_images.Card] = field(default_factory=list)


state = BuildState()


def wheel_name() -> str:
    """The wheel's path inside build/runtime, as the runtime's manifest gives it."""
    return str(json.loads(MANIFEST.read_text(encoding="utf-8"))["wheel"])


def preview_name(url: str) -> str:
    """File name of a page's preview image: its address with slashes as dashes."""
    return (url.strip("/").replace("/", "-") or "home") + ".png"


def python_example(name: str) -> str:
    """The call a calculator's default example makes, and what it prints, as a code block."""
    calc = perpcalc.get(name)
    inputs = calc.examples["default"]
    result = perpcalc.run(name, inputs)
    body = "\n".join(f"    {json.dumps(k)}: {json.dumps(v)}," for k, v in inputs.items())
    shown = {k: v for k, v in result.items() if not isinstance(v, list)}
    return (f'```python\nimport perpcalc\n\nresult = perpcalc.run("{name}", {{\n{body}\n}})\nprint(result)\n'
            f"# {json.dumps(shown, ensure_ascii=False)}\n```")


LOOPBACK = ("localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0")


def on_config(config: Any) -> Any:
    global state
    state = BuildState()
    check_site_url(config["site_url"] or "", os.environ.get("PRODUCTION", ""))
    return config


def check_site_url(site_url: str, production: str) -> None:
    """The install command and every absolute link name ``site_url``: a build for a loopback
    address (the default, and what the tests build) is for this machine only. With
    ``PRODUCTION=1`` (the Pages workflow sets it) the build refuses one; otherwise it says so."""
    host = (urlsplit(site_url).hostname or "").lower()
    if host and host not in LOOPBACK and not host.startswith("127."):  # an address readers can reach
        return
    message = (f"SITE_URL is {site_url or 'unset'}, a loopback address: the 'Use it in Python' page will tell "
               "readers to install from their own machine. Set SITE_URL=https://your.site/ for a site you "
               "publish (docs/deploy.md).")
    if production.strip() not in ("", "0"):
        raise PluginError(f"PRODUCTION build refused: {message}")
    log.info("NOTE: %s", message)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if "[[wheel" not in markdown and "[[python example" not in markdown:
        return markdown
    wheel = wheel_name()
    base = config["site_url"] or "/"
    depth = page.url.count("/")
    sha256 = json.loads(MANIFEST.read_text(encoding="utf-8"))["wheel_sha256"]
    # pip checks the file against the hash after '#sha256=' and refuses any other
    markdown = markdown.replace("[[wheel url]]", f"{base}{RUNTIME_URL}{wheel}#sha256={sha256}")
    markdown = markdown.replace("[[wheel sha256]]", sha256)
    href = f"{'../' * depth}{RUNTIME_URL}{wheel}"
    link = templates.render("wheel-link.html", href=href, name=wheel.rsplit("/", 1)[-1])
    markdown = markdown.replace("[[wheel link]]", link)
    return markers.PYTHON_EXAMPLE.sub(lambda m: python_example(m.group(1)), markdown)


def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    src = page.file.src_uri
    if src.startswith("notebooks/") and src.endswith(".ipynb"):
        name = Path(src).name
        link = templates.render("notebook-download.html", name=name)
        # after the notebook's own title, or first when it has none
        head = re.search(r"</h1>", content)
        return content[: head.end()] + "\n" + link + content[head.end():] if head else link + content
    return content


def on_page_context(context: dict[str, Any], page: Any, config: Any, nav: Any) -> dict[str, Any]:
    base = config["site_url"] or "/"
    meta = page.meta or {}
    title = str(meta.get("title") or page.title or config["site_name"])
    description = " ".join(str(meta.get("description") or lead(page.content or "")
                               or config["site_description"]).split())
    image = preview_name(page.url)
    page.meta["preview"] = {
        "title": title,
        "description": description,
        "url": f"{base}{page.url}",
        "type": "website" if page.is_homepage else "article",
        "image": f"{base}{PREVIEW_DIR}{image}",
        "image_alt": f"{title}: {description}",
    }
    kicker = "Perpetual futures, explained" if page.is_homepage else _kicker(page)
    state.cards.append(og_images.Card(file=image, title=title, description=description, kicker=kicker,
                                 formula=str(meta.get("card_formula") or "")))
    return context


def lead(content: str, limit: int = 200) -> str:
    """A page's first real paragraph as plain text, cut at a word near ``limit`` characters."""
    for para in re.findall(r"<p\b(?![^>]*notebook-download)[^>]*>(.*?)</p>", content, re.S):
        text = templates.text_of(para)
        if len(text) >= 40:
            return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"
    return ""


def _kicker(page: Any) -> str:
    """The small line above the title: the page's section in the menu."""
    parent = page.parent
    return str(parent.title) if parent is not None and parent.title else "Perp Glossary"


def on_post_build(config: Any) -> None:
    out = Path(config["site_dir"]) / PREVIEW_DIR
    og_images.render_all(state.cards, out, site_name=config["site_name"])
