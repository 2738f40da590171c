"""MkDocs hook: copy the pinned front-end assets into the built site.

Nothing is fetched from another host at run time. The build copies, from the project's
own build products and npm packages (pinned in package-lock.json):

* ``build/runtime/`` → ``assets/runtime/``: Pyodide's runtime files and the lock file
  listing the perpcalc wheel (written by ``scripts/build_runtime.py``);
* KaTeX's stylesheet and fonts → ``assets/katex/`` (the math itself is drawn at build time).

It then writes the Content Security Policy into every page (see :data:`CSP`): scripts and
workers from the site itself only, WebAssembly compilation for the runtime, and the
inline scripts the theme needs allowed by their sha256 hash — the union over the whole
site, so a script that instant navigation brings in from another page is allowed too — and
``blob:`` scripts, so that the worker runs Pyodide's two modules from the very bytes it checked
(only a script already running on the site can make a ``blob:`` URL).

A ``<meta>`` policy cannot cover the workers' own scripts nor say ``frame-ancestors``, so the
build also writes ``_headers`` (Netlify and Cloudflare Pages read it; ``scripts/serve.py``
serves by it; the deployment page explains it for nginx and GitHub Pages): the same policy
plus ``frame-ancestors`` as an HTTP header on every path, ``application/wasm``, and long,
immutable caching for files whose name carries their hash. Last, every text and wasm file
gets precompressed ``.gz`` and ``.br`` copies (``scripts/precompress.py``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from host_limits import deploy_figures, fill_figures, problems  # noqa: E402
from precompress import precompress_file, precompress_tree  # noqa: E402

# The executed notebooks read their Jupyter settings from the repository (see that folder).
os.environ.setdefault("JUPYTER_CONFIG_PATH", str(ROOT / "scripts" / "jupyter"))
COPIES = {
    ROOT / "build" / "runtime": "assets/runtime",
    ROOT / "node_modules" / "katex" / "dist": "assets/katex",
    ROOT / "node_modules" / "uplot" / "dist": "assets/vendor/uplot",
}
UPLOT_KEEP = ("uPlot.esm.js", "uPlot.min.css")
KATEX_KEEP = ("katex.min.css", "fonts")  # the math is drawn at build time (scripts/hooks/katex.py)


class MissingAsset(PluginError):
    pass


def _copy_katex(src: Path, dest: Path) -> None:
    for item in KATEX_KEEP:
        s = src / item
        if s.is_dir():
            dest.joinpath(item).mkdir(parents=True, exist_ok=True)
            for font in s.glob("*.woff2"):
                shutil.copy2(font, dest / item / font.name)
        else:
            dest.joinpath(item).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(s, dest / item)


# The calculators' module and every module it imports statically: a return visit preloads them from the
# page's head (the boot script's data-modules, overrides/main.html), or each level of imports is fetched
# only once the one above it has been parsed. Read from the modules themselves, so the list cannot go stale.
PAGE_MODULES = ROOT / "docs" / "assets" / "perpcalc"
STATIC_IMPORT = re.compile(r'^(?:import|export)\b[^;]*?\bfrom\s+"\./([a-z_]+)\.js"', re.MULTILINE | re.DOTALL)


def static_imports(name: str, folder: Path = PAGE_MODULES) -> list[str]:
    """``name`` and every module of ``folder`` it imports statically, directly or not (a dynamic
    ``import()`` left out), in the order they are first met."""
    seen: list[str] = []
    todo = [name]
    while todo:
        module = todo.pop(0)
        if module not in seen:
            seen.append(module)
            todo += STATIC_IMPORT.findall((folder / f"{module}.js").read_text(encoding="utf-8"))
    return seen


def on_env(env: Any, config: Any, files: Any) -> Any:
    env.globals["perpcalc_modules"] = static_imports("perpcalc")
    return env


NOTEBOOK_MATHJAX = re.compile(r"<script[^>]*data-mkdocs-jupyter-mathjax[^>]*>.*?</script>", re.S)
# overrides/main.html rewrites the theme's scripts block as text, and marks a block of a shape it does not know
THEME_SCRIPTS_CHANGED = "<!--perpcalc: the theme's scripts block changed-->"
THEME_BUNDLE = re.compile(r'<script\b[^>]*\bsrc="[^"]*assets/javascripts/bundle\.[^"]*"[^>]*>')


class ThemeScriptsChanged(PluginError):
    pass


def check_theme_scripts(output: str, where: str) -> None:
    """Refuse a page whose scripts overrides/main.html could not rewrite as it means to: the theme's
    block of another shape (its mark), or not exactly one tag of the theme's bundle, deferred (the
    bundle run before the page was parsed, or not at all, and nothing else said so)."""
    bundles = THEME_BUNDLE.findall(output)
    if THEME_SCRIPTS_CHANGED in output or len(bundles) != 1 or not re.search(r"\sdefer[\s>=]", bundles[0]):
        raise ThemeScriptsChanged(
            f"{where}: the theme's scripts block is not the one overrides/main.html rewrites (its bundle's tag, "
            f"then one per extra_javascript); bundle tags found: {bundles}. Update the scripts block there.")


def on_post_page(output: str, page: Any, config: Any) -> str:
    """Check the page's scripts (:func:`check_theme_scripts`), and drop mkdocs-jupyter's MathJax loader
    (it points at a CDN); notebook math is drawn with KaTeX at build time like every page's
    (scripts/hooks/katex.py). The plugin puts it on every page, not only notebooks (so that instant
    navigation into a notebook finds it): it goes everywhere."""
    check_theme_scripts(output, getattr(getattr(page, "file", None), "src_uri", "a page"))
    return NOTEBOOK_MATHJAX.sub("", output)


def on_post_build(config: Any) -> None:
    site = Path(config["site_dir"])
    for src, rel in COPIES.items():
        if not src.exists():
            raise MissingAsset(f"{src.relative_to(ROOT)} is missing: run `make build` (it runs npm ci and "
                               "scripts/build_runtime.py first)")
        dest = site / rel
        if dest.exists():
            shutil.rmtree(dest)
        if rel == "assets/katex":
            _copy_katex(src, dest)
        elif rel == "assets/vendor/uplot":
            dest.mkdir(parents=True)
            for name in UPLOT_KEEP:
                shutil.copy2(src / name, dest / name)
        else:
            shutil.copytree(src, dest)
    manifest = json.loads((site / "assets" / "runtime" / "manifest.json").read_text(encoding="utf-8"))
    write_worker(site, manifest)
    version = write_service_worker(site, manifest)
    policy = write_csp(site, version)
    write_headers(site, policy, manifest)
    precompress_tree(site)
    write_deploy_figures(site)
    check_host_limits(site)


def write_deploy_figures(site: Path) -> None:
    """The deployment page's bytes per reader and readers per month, from this very output."""
    page = site / "deploy" / "index.html"
    text = page.read_text(encoding="utf-8")
    filled = fill_figures(text, deploy_figures(site))
    if filled != text:
        page.write_text(filled, encoding="utf-8")
        precompress_file(page)


def check_host_limits(site: Path) -> None:
    """Refuse a site that a host on the deployment page would refuse (scripts/host_limits.py)."""
    found = problems(site)
    if found:
        raise PluginError("the site breaks a host's limits: " + "; ".join(found))


OFFLINE_PAGE = "offline/"
# The page's scripts: every module in assets/perpcalc (they import one another) and uPlot's.
PAGE_SCRIPTS = "assets/perpcalc"
SCRIPTS_KEPT = ("assets/vendor/uplot/uPlot.esm.js",)
# The other stylesheets, scripts and fonts a page loads whose name carries no hash (the site's own
# CSS and page.js, KaTeX's, uPlot's, mkdocstrings'): pinned to this version by their sha256, so a
# return visit takes them from the service worker's cache instead of asking the server first
# (a round trip each on the parser's path: 0.5-1 s on a 1.6 Mbit/s link). Not the theme's search
# languages (its search worker's, never on a page's path), nor the runtime (FILES has it).
PINNED_SUFFIXES = (".css", ".js", ".woff2")
NOT_PINNED = ("assets/runtime/", "assets/javascripts/lunr/")


def write_worker(site: Path, manifest: dict[str, Any]) -> None:
    """Give the worker the runtime's manifest (file sizes and sha256s) without a request."""
    worker = site / "assets" / "perpcalc" / "worker.js"
    text = worker.read_text(encoding="utf-8")
    if "__MANIFEST__" not in text:
        raise PluginError("assets/perpcalc/worker.js has no __MANIFEST__ placeholder")
    worker.write_text(text.replace("__MANIFEST__", json.dumps(manifest, sort_keys=True)), encoding="utf-8")


def write_service_worker(site: Path, manifest: dict[str, Any]) -> str:
    """Fill in the service worker's version, the files it keeps with their sha256 (FILES: at once;
    PINNED: once a page used them), the offline page; returns the version (every page carries it:
    :func:`write_csp`)."""
    sw = site / "sw.js"
    runtime = sorted(p for p in (site / "assets" / "runtime").rglob("*") if p.is_file())
    assets = sorted(p for p in (site / "assets").rglob("*")
                    if p.is_file() and p.suffix in (".js", ".css", ".mjs", *PINNED_SUFFIXES))
    digest = hashlib.sha256()
    for path in [*runtime, *assets]:
        digest.update(path.relative_to(site).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    version = digest.hexdigest()[:16]
    files = {f"assets/runtime/{rel}": entry["sha256"] for rel, entry in manifest["files"].items()}
    scripts = [*sorted(p.relative_to(site).as_posix() for p in (site / PAGE_SCRIPTS).glob("*.js")), *SCRIPTS_KEPT]
    files.update({rel: hashlib.sha256((site / rel).read_bytes()).hexdigest() for rel in scripts})
    pinned = {rel: hashlib.sha256(p.read_bytes()).hexdigest() for p in assets
              if (rel := p.relative_to(site).as_posix()) not in files and p.suffix in PINNED_SUFFIXES
              and not rel.startswith(NOT_PINNED) and not HASHED.search(p.name)}
    gzipped = sorted(f"assets/runtime/{rel}" for rel, entry in manifest["files"].items() if "gz" in entry)
    text = (sw.read_text(encoding="utf-8").replace("__VERSION__", version)
            .replace("__FILES__", json.dumps(files, indent=1, sort_keys=True))
            .replace("__PINNED__", json.dumps(pinned, indent=1, sort_keys=True))
            .replace("__GZIPPED__", json.dumps(gzipped)).replace("__OFFLINE__", OFFLINE_PAGE))
    sw.write_text(text, encoding="utf-8")
    return version


HASHED = re.compile(r"[.-][0-9a-f]{8,}\.(?:min\.)?(?:js|css|bin|zip)$")


def header_rules(policy: str, manifest: dict[str, Any], site: Path) -> list[tuple[str, dict[str, str]]]:
    """The HTTP headers a host should send, as (path pattern, headers) rules.

    No two rules that can match one path set the same header (hosts join such values).
    """
    rules: list[tuple[str, dict[str, str]]] = [(
        "/*",
        {
            "Content-Security-Policy": f"{policy}; frame-ancestors 'self'",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "strict-origin-when-cross-origin",
        },
    )]
    rules.append(("/assets/runtime/pyodide/pyodide.asm.wasm", {"Content-Type": "application/wasm"}))
    immutable = {"Cache-Control": "public, max-age=31536000, immutable"}
    hashed = sorted(p.relative_to(site).as_posix() for p in (site / "assets").rglob("*")
                    if p.is_file() and HASHED.search(p.name))
    for rel in hashed:
        rules.append((f"/{rel}", immutable))
    return rules


def write_headers(site: Path, policy: str, manifest: dict[str, Any]) -> None:
    """``_headers`` in the format of Netlify and Cloudflare Pages (read by scripts/serve.py too)."""
    lines = []
    for pattern, headers in header_rules(policy, manifest, site):
        lines.append(pattern)
        lines.extend(f"  {name}: {value}" for name, value in headers.items())
    (site / "_headers").write_text("\n".join(lines) + "\n", encoding="utf-8")


CSP = (
    "default-src 'self'; "
    "script-src 'self' 'wasm-unsafe-eval' blob: {hashes}; "
    "worker-src 'self'; "
    "connect-src 'self'; "
    "img-src 'self' data:; "
    "font-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'"
)
INLINE = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)
EXECUTABLE = re.compile(r"""type=["']?(text/javascript|module|application/javascript)""", re.I)


def inline_hashes(html: str) -> set[str]:
    """sha256 sources for the executable inline scripts of one page."""
    found = set()
    for attrs, body in INLINE.findall(html):
        if "type=" in attrs and not EXECUTABLE.search(attrs):
            continue  # data blocks (JSON, JSON-LD) do not execute
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        found.add(f"'sha256-{digest}'")
    return found


# Where main.html puts the build's version on every page (overrides/partials/boot.js reads it).
VERSION_SLOT = 'data-version="__PERP_VERSION__"'


def write_csp(site: Path, version: str) -> str:
    """Write the Content Security Policy into every page, and the service worker's ``version`` into
    its slot (:data:`VERSION_SLOT`, an attribute: no inline script's hash depends on it)."""
    pages = sorted(site.rglob("*.html"))
    texts = {p: p.read_text(encoding="utf-8").replace(VERSION_SLOT, f'data-version="{version}"') for p in pages}
    hashes = set().union(*(inline_hashes(t) for t in texts.values())) if texts else set()
    policy = CSP.format(hashes=" ".join(sorted(hashes)))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    for path, text in texts.items():
        if not re.search(r'<meta http-equiv="Content-Security-Policy"', text, re.I):
            # (a page *about* the policy, like deploy/, does not have it already)
            anchor = r"(<meta charset=[^>]*>)" if re.search(r"<meta charset=", text[:2000], re.I) else r"(<head[^>]*>)"
            text = re.sub(anchor, lambda m: m.group(1) + meta, text, count=1, flags=re.I)
        path.write_text(text, encoding="utf-8")
    (site / "csp.txt").write_text(policy + "\n", encoding="utf-8")
    return policy
