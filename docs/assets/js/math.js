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

function renderMath() {
  if (typeof window.renderMathInElement !== "function") return;
  render(".arithmatex", PAGE);
  render(".jupyter-wrapper .jp-MarkdownOutput", NOTEBOOK);
}
if (window.document$) window.document$.subscribe(renderMath);
else document.addEventListener("DOMContentLoaded", renderMath);
