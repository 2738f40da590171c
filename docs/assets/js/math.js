// Render the page's TeX (pymdownx.arithmatex, generic mode) with the site's own KaTeX,
// again after each instant navigation.
function renderMath() {
  if (typeof window.renderMathInElement !== "function") return;
  for (const el of document.querySelectorAll(".arithmatex")) {
    if (el.dataset.rendered) continue;
    window.renderMathInElement(el, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    });
    el.dataset.rendered = "true";
  }
}
if (window.document$) window.document$.subscribe(renderMath);
else document.addEventListener("DOMContentLoaded", renderMath);
