// Runs the theme's own search worker (lunr inside) under Node on a built search index, the way the
// page does: one setup message, then one query message per line of stdin. Prints one JSON line per
// query: {"query", "pages": [first result locations], "sections": [the first result's best sections],
// "warnings": [what the worker logged]}.
// Usage: node search_worker.mjs <worker.min.js> <search_index.json> < queries.txt
import { readFileSync } from "node:fs";

const [worker, index] = process.argv.slice(2);
const sent = [];
const warnings = [];
let onMessage;
globalThis.self = globalThis;
globalThis.addEventListener = (type, handler) => { if (type === "message") onMessage = handler; };
globalThis.postMessage = (message) => sent.push(message);
console.warn = (...args) => warnings.push(args.map(String).join(" "));
(0, eval)(readFileSync(worker, "utf8"));

async function ask(message) {
  const before = sent.length;
  onMessage({ data: message });
  while (sent.length === before) await new Promise((resolve) => setTimeout(resolve, 0));
  return sent[sent.length - 1];
}

const data = JSON.parse(readFileSync(index, "utf8"));
// what the page sends: the index plus the theme's search options (mkdocs.yml enables suggestions)
await ask({ type: 0, data: { ...data, options: { suggest: true } } });
const queries = readFileSync(0, "utf8").split("\n").filter((line) => line.trim());
const lines = [];
for (const query of queries) {
  warnings.length = 0;
  const reply = await ask({ type: 2, data: query });
  const pages = (reply.data.items || []).map((group) => group[0] && group[0].location);
  const sections = ((reply.data.items || [])[0] || []).filter((doc) => doc.location.includes("#"));
  lines.push(JSON.stringify({ query, pages: pages.slice(0, 5), sections: sections.slice(0, 3).map((doc) => doc.location),
    warnings: [...warnings] }));
}
process.stdout.write(lines.join("\n") + "\n");
