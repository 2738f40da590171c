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
