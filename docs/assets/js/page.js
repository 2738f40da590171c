// Page behaviours that are not calculators, run again after each instant navigation.
// (The page's math arrives drawn: KaTeX runs at build time, scripts/hooks/katex.py.)
//
// A formula or table wider than its column scrolls inside its own box and takes keyboard
// focus, so keyboard users can scroll it too (formulas get class "is-wide", see site.css;
// tables are the theme's scroll wrappers). Rechecked on resize.
function markScrollable() {
  for (const box of document.querySelectorAll(".md-typeset__scrollwrap")) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "table (scrolls sideways)");
    } else {
      for (const name of ["tabindex", "role", "aria-label"]) box.removeAttribute(name);
    }
  }
  for (const el of document.querySelectorAll(".arithmatex")) {
    el.classList.remove("is-wide");
    const column = el.parentElement.closest("p, li, td, th, div, article") || el.parentElement;
    const wide = el.tagName === "DIV"
      ? el.scrollWidth > el.clientWidth + 1 // display math: the theme lets the block scroll
      : el.getBoundingClientRect().right > column.getBoundingClientRect().right + 1;
    el.classList.toggle("is-wide", wide);
    if (wide) el.setAttribute("tabindex", "0");
    else el.removeAttribute("tabindex");
  }
}

// A tab opened before a deployment runs the previous version's scripts (and runtime): a page of
// another version (data-version of the boot script, overrides/main.html) reached by the theme's
// instant navigation would be swapped in under them. The theme parses a fetched page with
// DOMParser inside its request, and falls back to a full load of the address when that fails:
// a page of another version fails it, so the new version loads in full, with its own files (and
// boot.js brings its service worker). Only the parse that follows a navigation is checked.
const VERSION = document.querySelector("script[data-version]")?.getAttribute("data-version");
let navigating = false;
if (window.location$ && VERSION) {
  window.location$.subscribe(() => { navigating = true; });
  const parse = DOMParser.prototype.parseFromString;
  DOMParser.prototype.parseFromString = function (text, type) {
    const doc = parse.call(this, text, type);
    if (navigating && type === "text/html") {
      navigating = false;
      const version = doc.querySelector("script[data-version]")?.getAttribute("data-version");
      if (version !== VERSION) throw new Error(`the page is of version ${version}, this tab runs ${VERSION}`);
      keepKatexStylesheet(doc);
    }
    return doc;
  };
}

// KaTeX's stylesheet is linked on every page, for no media on a page without math (its build hook,
// scripts/hooks/katex.py). The theme swaps in the head elements of the next page that differ from
// this one's: the link for the other media would be a new element, whose sheet applies only once
// loaded again (a frame or more of unstyled math). This one's media is switched instead, so the
// theme keeps it: the sheet, loaded already, applies at once.
const KATEX_CSS = 'link[rel="stylesheet"][href$="assets/katex/katex.min.css"]';
function keepKatexStylesheet(doc) {
  const mine = document.head.querySelector(KATEX_CSS);
  const next = doc.head.querySelector(KATEX_CSS);
  if (!mine || !next) return;
  const media = next.getAttribute("media");
  if (media === null) mine.removeAttribute("media");
  else mine.setAttribute("media", media);
}

let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(markScrollable, 200);
});

function onPage() {
  // after the theme's own page setup (it wraps tables in scroll boxes in the same emission)
  requestAnimationFrame(markScrollable);
}
if (window.document$) window.document$.subscribe(onPage);
else document.addEventListener("DOMContentLoaded", onPage);
