// Module worker: loads the site's own pinned Pyodide and the perpcalc wheel listed in the
// lock file the build wrote (Pyodide checks each package's sha256 against the lock), then
// answers compute requests with perpcalc.display.compute_json. One worker per tab, shared
// by every calculator on every page visited through instant navigation.

import { loadPyodide } from "../runtime/pyodide/pyodide.mjs";

const indexURL = new URL("../runtime/pyodide/", import.meta.url).href;
let compute = null;
let starting = null;
const queue = [];

function progress(step, detail) {
  postMessage({ type: "progress", step, detail });
}

function bytesLoaded() {
  return performance
    .getEntriesByType("resource")
    .reduce((sum, entry) => sum + (entry.transferSize || entry.encodedBodySize || 0), 0);
}

function mb(bytes) {
  return (bytes / 1e6).toFixed(1);
}

// Total bytes of the runtime files, from the manifest the build wrote (absent: bytes only).
async function runtimeBytes() {
  try {
    const manifest = await (await fetch(new URL("../runtime/manifest.json", import.meta.url))).json();
    return Object.values(manifest.files).reduce((a, b) => a + b, 0);
  } catch {
    return 0;
  }
}

async function start() {
  const t = { start: performance.now() };
  let ticker = null;
  try {
    let total = 0; // known once the manifest arrives; the runtime download does not wait for it
    runtimeBytes().then((bytes) => (total = bytes));
    const report = () => {
      const done = bytesLoaded();
      progress(done > 1e6 ? 2 : 1, total ? `downloading the Python runtime, ${mb(done)} of ${mb(total)} MB`
        : `downloading the Python runtime, ${mb(done)} MB`);
    };
    report();
    ticker = setInterval(report, 250);
    const pyodide = await loadPyodide({ indexURL, fullStdLib: false });
    clearInterval(ticker);
    t.runtime = performance.now();
    progress(3, `loading perpcalc (${mb(bytesLoaded())} MB so far)`);
    await pyodide.loadPackage("perpcalc", { messageCallback: () => {}, errorCallback: (m) => console.warn(m) });
    compute = pyodide.runPython("from perpcalc.display import compute_json\ncompute_json");
    t.ready = performance.now();
    postMessage({
      type: "ready",
      timings: {
        runtime_ms: t.runtime - t.start,
        package_ms: t.ready - t.runtime,
        total_ms: t.ready - t.start,
        bytes: bytesLoaded(),
        version: pyodide.runPython("import perpcalc; perpcalc.__version__"),
      },
    });
    for (const msg of queue.splice(0)) answer(msg);
  } catch (err) {
    clearInterval(ticker);
    postMessage({ type: "failed", message: String(err && err.message ? err.message : err).slice(0, 300) });
  }
}

function answer(msg) {
  let result;
  try {
    result = JSON.parse(compute(msg.name, JSON.stringify(msg.inputs)));
  } catch (err) {
    result = { ok: false, error: { field: null, message: `internal error: ${String(err.message || err).slice(-200)}` } };
  }
  const [packed, transfer] = packLarge(result);
  postMessage({ type: "result", id: msg.id, result: packed }, transfer);
}

// Long lists travel to the page as UTF-8 JSON in transferred buffers, not as objects or
// strings: unpacking a structured clone of 100,000 rows took the page's thread seconds (and
// even plain strings hundreds of ms), while a transferred buffer arrives at once. An output
// of more than PAGE_ROWS rows goes as result.json[name] (its raw value) and its display rows
// as display[name].pages ({bytes, offsets}: PAGE_ROWS rows a page); the page decodes only
// what it shows (see unpackLarge and buildTable in perpcalc.js).
const PAGE_ROWS = 200;
const encoder = new TextEncoder();

function packLarge(result) {
  const transfer = [];
  if (!result.ok) return [result, transfer];
  for (const [name, value] of Object.entries(result.outputs)) {
    if (!Array.isArray(value) || value.length <= PAGE_ROWS) continue;
    const bytes = encoder.encode(JSON.stringify(value));
    (result.json ||= {})[name] = bytes;
    transfer.push(bytes.buffer);
    delete result.outputs[name];
    const shown = result.display[name];
    if (!shown || !Array.isArray(shown.rows)) continue;
    const parts = [];
    const offsets = [0];
    for (let i = 0; i < shown.rows.length; i += PAGE_ROWS) {
      parts.push(encoder.encode(JSON.stringify(shown.rows.slice(i, i + PAGE_ROWS))));
      offsets.push(offsets[offsets.length - 1] + parts[parts.length - 1].length);
    }
    const all = new Uint8Array(offsets[offsets.length - 1]);
    parts.forEach((part, k) => all.set(part, offsets[k]));
    transfer.push(all.buffer);
    shown.pages = { bytes: all, offsets, size: PAGE_ROWS };
    shown.total = shown.rows.length;
    delete shown.rows;
  }
  return [result, transfer];
}

self.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === "init") {
    if (!starting) {
      progress(1, "downloading the Python runtime");
      starting = start();
    }
  } else if (msg.type === "compute") {
    if (compute) answer(msg);
    else queue.push(msg);
  }
};
