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

async function start() {
  const t = { start: performance.now() };
  try {
    progress(1, "downloading the Python runtime");
    const pyodide = await loadPyodide({ indexURL, fullStdLib: false });
    t.runtime = performance.now();
    progress(3, `loading perpcalc (${Math.round(bytesLoaded() / 1024)} KB so far)`);
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
  postMessage({ type: "result", id: msg.id, result });
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
