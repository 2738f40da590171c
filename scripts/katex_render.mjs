// Render TeX with the site's pinned KaTeX (npm package `katex`), for the build (scripts/hooks/katex.py).
//
// One process serves a whole build: each line on stdin is a JSON list of [tex, display] pairs (one page's
// formulas); the answer is one line on stdout, {"html": [...]} with one string per formula, or
// {"error": "...", "index": i} for the first formula KaTeX cannot parse (the build then fails).
// The options are those auto-render used in the browser: KaTeX's defaults (HTML and MathML) in display
// or inline mode.
import { createRequire } from "node:module";
import { createInterface } from "node:readline";

const katex = createRequire(import.meta.url)("katex");

function renderAll(formulas) {
  const out = [];
  for (let i = 0; i < formulas.length; i++) {
    const [tex, display] = formulas[i];
    try {
      out.push(katex.renderToString(tex, { displayMode: display, throwOnError: true }));
    } catch (e) {
      return { error: String(e && e.message ? e.message : e), index: i };
    }
  }
  return { html: out };
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  process.stdout.write(JSON.stringify(renderAll(JSON.parse(line))) + "\n");
}
