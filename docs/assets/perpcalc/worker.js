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
