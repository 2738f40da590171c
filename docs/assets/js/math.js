// Render the page's TeX with the site's own KaTeX, again after each instant navigation:
// Markdown pages (pymdownx.arithmatex, generic mode: \( \) and \[ \]) and executed
// notebooks (Jupyter's $ and $$ in Markdown cells).
const PAGE = [
  { left: "\\(", right: "\\)", display: false },
  { left: "\\[", right: "\\]", display: true },
];
const NOTEBOOK = [{ left: "$$", right: "$$", display: true }, { left: "$", right: "$", display: false }, ...PAGE];

function render(selector, delimiters) {
  for (const el of document.querySelectorAll(selector)) {
    if (el.dataset.rendered) continue;
    window.renderMathInElement(el, { delimiters, throwOnError: false });
    el.dataset.rendered = "true";
  }
}

// A formula wider than its column scrolls inside its own box (class "is-wide", see site.css)
// and takes keyboard focus, so keyboard users can scroll it too. Rechecked on resize.
function markWide() {
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
  resizeTimer = setTimeout(markWide, 200);
});

function renderMath() {
  if (typeof window.renderMathInElement !== "function") return;
  render(".arithmatex", PAGE);
  render(".jupyter-wrapper .jp-MarkdownOutput", NOTEBOOK);
  markWide();
}
if (window.document$) window.document$.subscribe(renderMath);
else document.addEventListener("DOMContentLoaded", renderMath);
