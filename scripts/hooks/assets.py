"""MkDocs hook: copy the pinned front-end assets into the built site.

Nothing is fetched from another host at run time. The build copies, from the project's
own build products and npm packages (pinned in package-lock.json):

* ``build/runtime/`` → ``assets/runtime/``: Pyodide's runtime files and the lock file
  listing the perpcalc wheel (written by ``scripts/build_runtime.py``);
* KaTeX's script, stylesheet and fonts → ``assets/katex/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
COPIES = {
    ROOT / "build" / "runtime": "assets/runtime",
    ROOT / "node_modules" / "katex" / "dist": "assets/katex",
}
KATEX_KEEP = ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js", "fonts")


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
        else:
            shutil.copytree(src, dest)
