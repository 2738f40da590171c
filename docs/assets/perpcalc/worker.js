// @ts-check
// Module worker: runs perpcalc on the site's own pinned Pyodide and answers compute requests
// with perpcalc.page.compute_page. One worker per tab, shared by every calculator on every
// page visited through instant navigation.
//
// Start-up, as fast as the bytes allow:
// * every runtime file (Pyodide's loader, its wasm, the build's precompiled standard library and
//   perpcalc's .pyc zip) is requested at once, and each only once: the two JavaScript modules are
//   run from the very bytes that were checked (imported from blob: URLs of them);
// * the standard library holds the modules Python imports at start-up and perpcalc's as .pyc
//   compiled by the build with Pyodide's own Python, and perpcalc is a .pyc zip on sys.path
//   (written to /lib/perpcalc.zip before Python starts): nothing is compiled from source, no
//   package is installed, no lock file is requested;
// * each file is checked against the sha256 the build recorded (MANIFEST, filled in by the
//   build) before Pyodide may use it, so an altered file is refused with a plain message, never
//   run; the wasm compiles from its own fetched response, from the moment it is requested, while
//   a copy of its bytes is checked (a response with a URL: the browser may keep its compiled
//   code), and is instantiated only once the check passed;
// * bytes are counted as they stream, so the progress moves while the wasm downloads, in MB on
//   the wire (from the response's own compressed length when the server compressed it);
// * a file that a host sends as it is (no Content-Encoding: some hosts compress nothing, some
//   not a zip) is asked for again as the build's .gz copy, gunzipped here as it streams and
//   checked like the rest: one more round trip, 7 MB instead of 21 from a host without compression;
// * on a return visit the service worker holds the build's memory snapshot (Pyodide with
//   perpcalc already imported, in parts under the hosts' 25 MiB file limit, each checked, then
//   joined here): restoring it skips Python's start-up and the import. It is looked up while
//   the runtime files download. Any failure there falls back to a normal start. The runtime
//   files it kept are read here from its cache directly (savedCopy), and checked all the same.
//
// Each step of the start leaves a performance mark named "perpcalc:<step>" in this worker (see
// mark()), which `make bench` reads to say where a visit's time goes.

import { MSG, STEP } from "./protocol.js";

/** @typedef {{type: typeof MSG.COMPUTE, id: number, name: string, inputs: Record<string, string>}} ComputeRequest */
/** @typedef {{type: typeof MSG.FILE, id: number, calculator: string, field: string, file: File, options?: string, shapes?: Record<string, import("./percent.js").RateShape>}} FileRequest */
/** @typedef {{type: typeof MSG.ROWS, id: number, name: string, output: string, rows: string}} RowsRequest */
/** @typedef {{type: typeof MSG.PAGE, id: number, name: string, output: string, answer: number, page: number}} PageRequest */
/** @typedef {{type: typeof MSG.WHOLE, id: number, name: string, output: string, answer: number}} WholeRequest */
/** @typedef {PageRequest | WholeRequest} KeptRequest */
/** @typedef {ComputeRequest | FileRequest | RowsRequest | KeptRequest} WorkerRequest */
/**
 * perpcalc.page.compute_page's answer: the outputs and their display, or the error; long series
 * leave as UTF-8 JSON in transferred buffers, long tables stay here (answer).
 * @typedef {{ok: true, outputs: Record<string, unknown>, json?: Record<string, Uint8Array>,
 *   display: Record<string, {rows?: unknown[], offsets?: number[], total?: number, kept?: number}>}
 *   | {ok: false, error: {field: string | null, message: string}}} Answer
 */

const MANIFEST = __MANIFEST__;
const runtimeBase = new URL("../runtime/", import.meta.url);
const indexURL = new URL("pyodide/", runtimeBase).href;
const realFetch = globalThis.fetch.bind(globalThis);
const WASM = "pyodide/pyodide.asm.wasm";
const CORE = ["pyodide/pyodide.mjs", "pyodide/pyodide.asm.mjs", WASM,
  MANIFEST.stdlib, MANIFEST.perpcalc_zip];
const PERPCALC_ZIP = "/lib/perpcalc.zip"; // the snapshot's sys.path names it: the build uses the same
/** @type {((name: string, inputs: string) => {toJs(): string[], destroy(): void}) | null} */
let compute = null;
/** @type {WorkerRequest[]} */
const queue = [];

class IntegrityError extends Error {}
/** @type {string | null} */
let integrityFailure = null; // Pyodide may swallow the error itself ("Program terminated")
// Rejected by the first runtime file that fails its check or breaks off mid-download: Emscripten
// aborts on such a wasm without ever settling loadPyodide, so start() races it against this.
let runtimeFailed = false;
/** @type {(error: Error) => void} */
let rejectRuntime = () => {};
/** @type {Promise<never>} */
const runtimeRefused = new Promise((_, reject) => {
  rejectRuntime = reject;
});

/** @param {Error} error */
function refuseRuntime(error) {
  runtimeFailed = true;
  rejectRuntime(error);
}
runtimeRefused.catch(() => {}); // reported by start()

// A runtime file that failed: refused for this start, and any copy of it in Cache Storage (the
// service worker's) deleted, so the next visit fetches it again rather than the same bad bytes.
/**
 * @param {string} rel
 * @param {Error} error
 */
async function refuse(rel, error) {
  refuseRuntime(error);
  try {
    const url = new URL(rel, runtimeBase).href;
    for (const key of await caches.keys()) await (await caches.open(key)).delete(url);
  } catch {
    // no Cache Storage here
  }
}

// Steps of the start, in order: start, modules (Pyodide's two modules checked and imported), snapshot (the saved snapshot read and checked, return visits), wasm-compile and
// wasm-ready (the wasm handed to WebAssembly, then instantiated), python (Python started or
// restored), ready (perpcalc's entry imported).
/** @param {string} step */
function mark(step) {
  performance.mark(`perpcalc:${step}`);
}

/**
 * @param {number} step
 * @param {string} detail
 * @param {number} [fraction] of the step done
 */
function progress(step, detail, fraction = 0) {
  postMessage({ type: MSG.PROGRESS, step, detail, fraction });
}

/** @param {number} bytes */
function mb(bytes) {
  return (bytes / 1e6).toFixed(1);
}

/** @param {ArrayBuffer} buffer */
function hex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * @param {Uint8Array[]} chunks
 * @returns {Uint8Array<ArrayBuffer>} the chunks one after the other
 */
function join(chunks) {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

/** @param {Uint8Array<ArrayBuffer>} bytes */
async function sha256(bytes) {
  return hex(await crypto.subtle.digest("SHA-256", bytes));
}

// ---------------------------------------------------------------- checked, counted downloads

/** @type {Map<string, {response: Promise<Response>, taken: boolean}>} relative path -> its download */
const downloads = new Map();
/** @type {Map<string, {raw: number, done: number, ratio: number}>} relative path -> bytes (wire bytes per byte) */
const meter = new Map();
/** @type {ReturnType<typeof setInterval> | undefined} */
let meterTimer;
let meterStopped = false;

function wireTotals() {
  let done = 0;
  let total = 0;
  for (const m of meter.values()) {
    done += m.done * m.ratio;
    total += m.raw * m.ratio;
  }
  return { done, total };
}

function reportDownload() {
  if (meterStopped) return; // Python runs, is ready or failed: no download report may follow
  const { done, total } = wireTotals();
  const big = ["pyodide/pyodide.asm.wasm", MANIFEST.stdlib].map((rel) => meter.get(rel));
  if (big.every((m) => m && m.done === m.raw)) {
    progress(STEP.START_PYTHON, `compiling and starting Python (${mb(done)} MB downloaded)`, 1);
  } else if (total === 0 && meter.size) progress(STEP.DOWNLOAD, "reading the Python runtime saved on this device");
  else {
    progress(STEP.DOWNLOAD, `downloading the Python runtime, ${mb(done)} of ${mb(total)} MB`, downloadedShare(done, total));
  }
}

// The share of the bytes on their way that has arrived, counting each file whose response has
// not started yet at its whole size (no file is larger on the wire, sent as it is or compressed).
// So the share is never more than what has arrived of the bytes known at any later report, and
// the bar, which never goes back, is never ahead of the line's "x of y MB". Counted at the wire
// ratio of the files already started, it was: a file that compressed worse than those raised
// the total by more than it had been counted for.
/**
 * @param {number} done
 * @param {number} total
 */
function downloadedShare(done, total) {
  let waiting = 0;
  for (const rel of downloads.keys()) if (!meter.has(rel)) waiting += MANIFEST.files[rel]?.bytes || 0;
  const expected = total + waiting;
  return expected > 0 ? Math.min(1, done / expected) : 0;
}

/** @param {string} rel */
function integrityMessage(rel) {
  return `the runtime file ${rel} failed its integrity check (its SHA-256 differs from the one this ` +
    "site's build recorded), so it was not run. Reload the page; if this persists, the copy served is damaged";
}

// Reads a runtime file's body to its end, counting its bytes as they arrive, and checks the whole
// file against the sha256 the build recorded; a file that breaks off or differs is refused. This
// device's saved copy is read whole at once (nothing to count on the wire): one copy of its bytes
// instead of chunks joined.
/**
 * @param {string} rel
 * @param {Response} response
 * @param {{raw: number, done: number, ratio: number}} m its meter
 * @param {boolean} saved from this device's saved copy
 * @returns {Promise<Uint8Array<ArrayBuffer>>} the checked bytes (the whole of their buffer)
 */
async function verify(rel, response, m, saved) {
  const entry = MANIFEST.files[rel];
  /** @type {Uint8Array<ArrayBuffer>} */
  let all;
  try {
    if (saved) {
      all = new Uint8Array(await response.arrayBuffer());
      m.done = all.length;
      reportDownload();
    } else all = await counted(/** @type {ReadableStream<Uint8Array>} */ (response.body), m, entry.bytes);
  } catch (/** @type {any} */ err) {
    const broken = new Error(`the runtime file ${rel} could not be downloaded completely (${err && err.message})`);
    refuse(rel, broken);
    throw broken;
  }
  if (m.done !== entry.bytes || (await sha256(all)) !== entry.sha256) {
    integrityFailure = integrityFailure || integrityMessage(rel);
    const error = new IntegrityError(integrityMessage(rel));
    refuse(rel, error);
    throw error;
  }
  return all;
}

/**
 * @param {ReadableStream<Uint8Array>} body
 * @param {{raw: number, done: number, ratio: number}} m its meter, counted as the bytes arrive
 * @param {number} bytes the file's size
 * @returns {Promise<Uint8Array<ArrayBuffer>>} all of the body
 */
async function counted(body, m, bytes) {
  const reader = body.getReader();
  /** @type {Uint8Array[]} */
  const chunks = [];
  for (;;) {
    const read = await reader.read();
    if (read.done) break;
    chunks.push(read.value);
    m.done += read.value.length;
    if (m.done === bytes) reportDownload(); // the last byte: say at once what happens next
  }
  return join(chunks);
}

// A checked file as the Response its user reads (Pyodide, for the standard library; importChecked):
// arrayBuffer() hands over the checked bytes themselves. A Response made of them copied them
// again when read (10 MB took 50-80 ms in this Chromium under load) and left 10 MB more garbage.
class CheckedResponse extends Response {
  /**
   * @param {Uint8Array<ArrayBuffer>} bytes the whole of their buffer
   * @param {string} type
   */
  constructor(bytes, type) {
    super(null, { status: 200, headers: { "Content-Type": type } });
    this.checked = bytes;
  }

  /** @returns {Promise<ArrayBuffer>} */
  arrayBuffer() {
    return Promise.resolve(this.checked.buffer);
  }
}

// The wasm's fetched response -> its module, compiled as it streams and given once a copy of its
// bytes passed the check (see instantiateStreaming).
/** @type {WeakMap<Response, Promise<WebAssembly.Module>>} */
const wasmModules = new WeakMap();

// A file sent as it is is asked for again as its .gz copy when that saves more than this (a
// round trip: pyodide.mjs, 11 kB smaller as gzip, is not worth it).
const GZ_WORTH = 100_000;
/** @type {string[]} the files fetched as their .gz copy */
const gzipCopies = [];

// The service worker's cache of this site (sw.js's CACHE; one version at a time: it deletes the
// others), read here directly on a return visit: its runtime files were kept only after their
// check, and are checked again here like any download, but without waiting behind the page's own
// requests for the service worker's one thread. Null when there is none, or more than one (a new
// version is taking over): then the files are fetched, through the service worker if there is one.
/** @type {Promise<Cache | null> | undefined} */
let savedCache;

/** @param {string} url */
async function savedCopy(url) {
  savedCache ||= (async () => {
    if (!self.caches) return null;
    const names = (await caches.keys()).filter((name) => name.startsWith("perp-glossary-"));
    return names.length === 1 ? caches.open(names[0]) : null;
  })().catch(() => null);
  const cache = await savedCache;
  return cache ? (await cache.match(url).catch(() => undefined)) || null : null;
}

// A checked runtime file's Response. A file the host sends as it is (and not from this device's
// saved copy) is fetched again as the build's .gz copy, gunzipped here (unless the host marked
// the copy Content-Encoding: gzip, so that the browser already did). Every file but the wasm is read whole and checked before its
// Response is handed over (all are read whole by their users anyway). The wasm is compiled at
// once from its own fetched Response, as it streams (so that the compile is done by the time
// Pyodide asks for it, and the browser can keep and reuse the compiled code, which it does only
// for a response fetched from a URL), while a copy of its bytes is checked; the module is handed
// over, to be instantiated, only once that check passed.
/**
 * @param {string} rel
 * @returns {Promise<Response>}
 */
async function download(rel) {
  const entry = MANIFEST.files[rel];
  const url = new URL(rel, runtimeBase).href;
  let response = (await savedCopy(url)) || await realFetch(url);
  let gz = false;
  if (response.ok && entry.bytes - (entry.gz || entry.bytes) > GZ_WORTH && !response.headers.get("content-encoding") &&
      response.headers.get("x-perp-saved") !== "1") {
    response.body?.cancel().catch(() => {});
    response = await realFetch(`${url}.gz`);
    gz = response.ok;
    if (!gz) response = await realFetch(url); // a host without the .gz copies
    else gzipCopies.push(rel);
  }
  if (!response.ok) throw new Error(`the runtime file ${rel} could not be downloaded (HTTP ${response.status})`);
  const encoded = Number(response.headers.get("content-length"));
  const compressed = response.headers.get("content-encoding");
  const saved = response.headers.get("x-perp-saved") === "1"; // from this device's offline copy
  const m = { raw: entry.bytes, done: 0, ratio: saved ? 0 : (compressed || gz) && encoded > 0 ? encoded / entry.bytes : 1 };
  meter.set(rel, m);
  if (gz) { // the copy, as the file
    const body = /** @type {ReadableStream<Uint8Array>} */ (response.body);
    const type = rel.endsWith(".wasm") ? "application/wasm" : "application/octet-stream";
    response = new Response(compressed ? body
      : body.pipeThrough(/** @type {ReadableWritablePair<Uint8Array, Uint8Array>} */ (new DecompressionStream("gzip"))),
    { headers: { "Content-Type": type } });
  }
  if (rel === WASM) {
    const check = verify(rel, response.clone(), m, saved);
    const module = Promise.all([WebAssembly.compileStreaming(response), check]).then(([compiled]) => compiled);
    module.catch(() => {}); // reported by instantiateStreaming and start()
    wasmModules.set(response, module);
    return response;
  }
  const bytes = await verify(rel, response, m, saved);
  return new CheckedResponse(bytes, response.headers.get("content-type") || "application/octet-stream");
}

// Pyodide instantiates its wasm with WebAssembly.instantiateStreaming(fetch(...)): for the checked
// download, the module compiled meanwhile, instantiated (run) only once its bytes passed the check.
const instantiateStreaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
/** @type {typeof WebAssembly.instantiateStreaming} */
WebAssembly.instantiateStreaming = async (source, imports) => {
  const response = await source;
  const compiled = wasmModules.get(response);
  if (!compiled) return instantiateStreaming(response, imports);
  const module = await compiled;
  return { module, instance: await WebAssembly.instantiate(module, imports) };
};

/** @param {string} rel */
function prefetch(rel) {
  if (!downloads.has(rel)) {
    const response = download(rel);
    response.catch(() => {}); // reported when used
    downloads.set(rel, { response, taken: false });
  }
}

// Pyodide fetches its files with fetch(): hand it the checked downloads already under way.
/** @type {typeof fetch} */
globalThis.fetch = (input, init) => {
  const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url, self.location.href);
  const rel = url.href.startsWith(runtimeBase.href) ? url.href.slice(runtimeBase.href.length) : null;
  if (rel && MANIFEST.files[rel]) {
    const d = downloads.get(rel);
    if (d && !d.taken) {
      d.taken = true;
      return d.response;
    }
    downloads.delete(rel);
    prefetch(rel);
    const started = /** @type {{response: Promise<Response>, taken: boolean}} */ (downloads.get(rel));
    started.taken = true;
    return started.response;
  }
  return realFetch(input, init);
};

// A checked runtime file's bytes.
/**
 * @param {string} rel
 * @returns {Promise<Uint8Array<ArrayBuffer>>}
 */
async function checkedBytes(rel) {
  return new Uint8Array(await (await globalThis.fetch(new URL(rel, runtimeBase).href)).arrayBuffer());
}

// Run a module from the bytes that were checked (a second request could return other bytes).
/**
 * @param {string} rel
 * @returns {Promise<any>} the module's exports
 */
async function importChecked(rel) {
  const url = URL.createObjectURL(new Blob([await checkedBytes(rel)], { type: "text/javascript" }));
  try {
    return await import(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

// ---------------------------------------------------------------- snapshot (return visits)

function snapshotURLs() {
  return (MANIFEST.snapshot?.parts || []).map((name) => new URL(name, runtimeBase).href);
}

// The saved snapshot's parts, each checked against its own sha256, joined, and its pages put back
// in place in the memory (the build left out the pages that are all zero); null when not all kept.
/** @returns {Promise<Uint8Array | null>} */
async function cachedSnapshot() {
  const snapshot = MANIFEST.snapshot;
  if (!snapshot || !self.caches) return null;
  try {
    const parts = await Promise.all(snapshot.parts.map(async (name, i) => {
      const hit = await caches.match(snapshotURLs()[i]);
      if (!hit) return null;
      const bytes = new Uint8Array(await hit.arrayBuffer());
      if (bytes.length !== MANIFEST.files[name].bytes || (await sha256(bytes)) !== MANIFEST.files[name].sha256) {
        throw new IntegrityError(`snapshot part ${name} damaged`);
      }
      return bytes;
    }));
    if (parts.some((part) => !part)) return null;
    const kept = parts.length === 1 ? /** @type {Uint8Array} */ (parts[0]) : join(/** @type {Uint8Array[]} */ (parts));
    const all = new Uint8Array(snapshot.bytes); // zero-filled
    let at = 0;
    for (const [first, pages] of snapshot.runs) {
      const start = first * snapshot.page;
      const length = Math.min(pages * snapshot.page, snapshot.bytes - start);
      all.set(kept.subarray(at, at + length), start);
      at += length;
    }
    if (at !== kept.length) throw new IntegrityError("the snapshot's parts do not fill its pages");
    return all;
  } catch (/** @type {any} */ err) {
    console.warn(`perpcalc: the saved snapshot was not used (${err && err.message}); starting normally`);
    await dropSnapshot();
    return null;
  }
}

async function dropSnapshot() {
  try {
    for (const key of await caches.keys()) {
      const cache = await caches.open(key);
      for (const url of snapshotURLs()) await cache.delete(url);
    }
  } catch {
    // nothing cached, or no Cache Storage here
  }
}

// ---------------------------------------------------------------- start

// Pyodide as the build's snapshot was made (scripts/pyodide_node.mjs does the same under Node).
/**
 * @param {(options: Record<string, unknown>) => Promise<Pyodide>} loadPyodide
 * @param {(settings: Record<string, unknown>) => unknown} createPyodideModule pyodide.asm.mjs's
 * @param {Promise<Uint8Array>} perpcalcZip checked, written to the file system before Python starts
 * @param {Uint8Array | null} snapshot
 * @returns {Promise<Pyodide>}
 */
async function boot(loadPyodide, createPyodideModule, perpcalcZip, snapshot) {
  return loadPyodide({
    indexURL,
    // an abort (a wasm that does not compile or instantiate) fails the start instead of hanging it
    createPyodideModule: (/** @type {Record<string, any>} */ settings) => createPyodideModule(Object.assign(settings, {
      onAbort: (/** @type {unknown} */ what) => refuseRuntime(new Error(`the Python runtime could not start (${String(what).slice(0, 200)})`)),
      instantiateWasm: marked(settings.instantiateWasm),
    })),
    stdLibURL: new URL(MANIFEST.stdlib, runtimeBase).href,
    lockFileContents: { info: MANIFEST.lock_info, packages: {} },
    env: { PYTHONPATH: PERPCALC_ZIP },
    fsInit: async (/** @type {{writeFile(path: string, data: Uint8Array): void}} */ FS) => {
      const zip = await perpcalcZip.catch(() => null); // a zip that failed has failed the start (start())
      if (zip) FS.writeFile(PERPCALC_ZIP, zip);
    },
    ...(snapshot ? { _loadSnapshot: snapshot } : {}),
  });
}

// Emscripten's instantiateWasm hook as Pyodide set it, with a mark when it is called and when the
// instance is handed back.
/**
 * @typedef {(instance: WebAssembly.Instance, module: WebAssembly.Module) => void} WasmDone
 * @typedef {(imports: object, done: WasmDone) => object} InstantiateWasm
 * @param {InstantiateWasm | undefined} instantiate
 * @returns {InstantiateWasm | undefined}
 */
function marked(instantiate) {
  if (!instantiate) return instantiate;
  return (imports, done) => {
    mark("wasm-compile");
    return instantiate(imports, (instance, module) => {
      mark("wasm-ready");
      done(instance, module);
    });
  };
}

async function start() {
  /** @type {Record<string, number>} */
  const t = { start: performance.now() };
  mark("start");
  try {
    // Pyodide's two JavaScript modules first: nothing runs before they are imported. Read from this
    // device's saved copies (a return visit) at the same time as the other files and the snapshot
    // (about 35 MB), they came 100-200 ms later; so those are asked for once the modules' bytes are
    // in, and read while the modules compile. From the network, everything is asked for at once.
    const modules = ["pyodide/pyodide.asm.mjs", "pyodide/pyodide.mjs"];
    modules.forEach(prefetch);
    if (await savedCache) await Promise.allSettled(modules.map((rel) => downloads.get(rel)?.response));
    CORE.forEach(prefetch);
    const saved = cachedSnapshot(); // looked up while the files download
    reportDownload();
    meterTimer = setInterval(reportDownload, 200);
    // perpcalc's zip is only written to the file system as Python starts (fsInit): loadPyodide does
    // not wait for it; one that cannot be had or fails its check fails the start like the wasm
    const perpcalcZip = checkedBytes(MANIFEST.perpcalc_zip);
    perpcalcZip.catch(refuseRuntime);
    const [asm, { loadPyodide: load }] = await Promise.all([importChecked("pyodide/pyodide.asm.mjs"),
      importChecked("pyodide/pyodide.mjs")]);
    mark("modules");
    const loadPyodide = (/** @type {Record<string, unknown>} */ options) => Promise.race([load(options), runtimeRefused]);
    const snapshot = await saved;
    if (snapshot) mark("snapshot");
    /** @type {Pyodide | null} */
    let pyodide = null;
    let mode = "fresh";
    /** @type {string | null} */
    let snapshotError = null;
    if (snapshot) {
      try {
        pyodide = await boot(loadPyodide, asm.default, perpcalcZip, snapshot);
        mark("python");
        compute = pyodide.runPython("from perpcalc.page import compute_page\ncompute_page");
        mode = "snapshot";
      } catch (/** @type {any} */ err) {
        if (runtimeFailed) throw err; // the runtime itself, not the snapshot: no second start
        snapshotError = String(err && err.message ? err.message : err).slice(0, 200);
        console.warn(`perpcalc: the saved snapshot could not be restored (${snapshotError}); starting normally`);
        pyodide = null;
        compute = null;
        await dropSnapshot();
      }
    }
    t.runtime = performance.now();
    if (!pyodide) {
      pyodide = await boot(loadPyodide, asm.default, perpcalcZip, null);
      mark("python");
      t.runtime = performance.now();
      clearInterval(meterTimer); // Python runs: no download report may follow this step
      meterStopped = true;
      progress(STEP.IMPORT, "importing perpcalc");
      compute = pyodide.runPython("from perpcalc.page import compute_page\ncompute_page");
    }
    clearInterval(meterTimer);
    meterStopped = true;
    mark("ready");
    t.ready = performance.now();
    postMessage({
      type: MSG.READY,
      timings: {
        mode,
        snapshot_error: snapshotError,
        gzip_copies: gzipCopies,
        runtime_ms: t.runtime - t.start,
        package_ms: t.ready - t.runtime,
        total_ms: t.ready - t.start,
        bytes: Math.round(wireTotals().done),
        heap_bytes: /** @type {{_module?: {HEAP8?: Int8Array}}} */ (/** @type {unknown} */ (pyodide))._module?.HEAP8?.length ?? null,
        version: pyodide.runPython("import perpcalc; perpcalc.__version__"),
      },
    });
    self.__pyodide = pyodide; // for `make bench` (heap size, the 100k ranking in this worker)
    for (const msg of queue.splice(0)) handle(msg);
  } catch (/** @type {any} */ err) {
    clearInterval(meterTimer);
    meterStopped = true;
    const message = integrityFailure || String(err && err.message ? err.message : err);
    postMessage({ type: MSG.FAILED, message: plain(message) });
  }
}

// One readable line: an integrity failure may reach us wrapped in Pyodide's own traceback.
/**
 * @param {string} message
 * @returns {string}
 */
function plain(message) {
  const integrity = /the runtime file \S+ failed its integrity check[^\n]*/.exec(message);
  if (integrity) return integrity[0];
  return message.split("\n").filter(Boolean).slice(-1)[0]?.slice(0, 300) || "unknown error";
}

// A calculator's answer. Long outputs (more than perpcalc.page.PAGE_ROWS rows) hold the text of
// their first page only. A long table stays in Python (perpcalc.page.compute_page keeps it, with
// the answer's number in its display): the page asks for another page of it (PAGE) when the
// reader turns to it, and for all of it (WHOLE) for a download; 100,000 ranked rows are neither
// written as JSON nor sent to be shown (that took 0.34 s of the 1.8 s the worker spent). A long
// series (charted) comes from compute_page apart, as JSON text, and travels to the page as UTF-8
// bytes in transferred buffers (result.json[name]), never parsed or written again here; the page
// sends a page's raw rows back (ROWS) when the reader turns to it.
const encoder = new TextEncoder();

/** @param {ComputeRequest} msg */
function answer(msg) {
  /** @type {Answer} */
  let result;
  /** @type {Transferable[]} */
  const transfer = [];
  try {
    const proxy = /** @type {NonNullable<typeof compute>} */ (compute)(msg.name, JSON.stringify(msg.inputs));
    const [text, ...apart] = proxy.toJs();
    proxy.destroy();
    result = JSON.parse(text);
    for (let i = 0; i + 1 < apart.length; i += 2) {
      const bytes = encoder.encode(apart[i + 1]);
      ((/** @type {{json?: Record<string, Uint8Array>}} */ (result)).json ||= {})[apart[i]] = bytes;
      transfer.push(bytes.buffer);
    }
  } catch (/** @type {any} */ err) {
    result = { ok: false, error: { field: null, message: `internal error: ${String(err.message || err).slice(-200)}` } };
    transfer.length = 0;
  }
  postMessage({ type: MSG.RESULT, id: msg.id, result }, transfer);
}

// The text of a page of a long table's rows, from its raw rows (perpcalc.page.table_page_json).
/** @type {((name: string, output: string, rows: string) => string) | null} */
let tablePage = null;

/** @param {RowsRequest} msg */
function formatRows(msg) {
  let rows = null;
  try {
    tablePage ||= /** @type {Pyodide} */ (self.__pyodide).runPython("from perpcalc.page import table_page_json\ntable_page_json");
    rows = JSON.parse(/** @type {NonNullable<typeof tablePage>} */ (tablePage)(msg.name, msg.output, msg.rows));
  } catch {
    rows = null;
  }
  postMessage({ type: MSG.RESULT, id: msg.id, result: rows });
}

// A long table that compute_page kept (perpcalc.page.kept_rows): a page's text, or all its rows as
// JSON bytes; null when the calculator answered again since.
/** @type {((name: string, output: string, answer: number, page?: number) => string) | null} */
let keptRows = null;

/** @param {KeptRequest} msg */
function sendKept(msg) {
  /** @type {unknown} */
  let result = null;
  /** @type {Transferable[]} */
  const transfer = [];
  try {
    keptRows ||= /** @type {Pyodide} */ (self.__pyodide).runPython("from perpcalc.page import kept_rows\nkept_rows");
    const rows = /** @type {NonNullable<typeof keptRows>} */ (keptRows);
    if (msg.type === MSG.PAGE) result = JSON.parse(rows(msg.name, msg.output, msg.answer, msg.page));
    else {
      const text = rows(msg.name, msg.output, msg.answer); // all the rows, as JSON
      if (text !== "null") {
        const bytes = encoder.encode(text);
        result = bytes;
        transfer.push(bytes.buffer);
      }
    }
  } catch {
    result = null;
    transfer.length = 0;
  }
  postMessage({ type: MSG.RESULT, id: msg.id, result }, transfer);
}

// ---------------------------------------------------------------- the reader's own files
// A file dropped or chosen on a field (files.js) comes here as a File: it is read in slices
// (progress as it goes), then perpcalc.venue_files reads it, the same code that reads venue
// exports into pandas. Nothing leaves the browser: no request is made with the file.
const FILE_SLICE = 1 << 20;
const FILE_LIMIT = 64 << 20;
/** @type {((calculator: string, field: string, data: Uint8Array, progress: (done: number, total: number) => void,
 *   options: string, offset: typeof zoneOffset) => string) | null} */
let importFile = null;

// The offset from UTC, in minutes, of a wall time in a time zone, from the browser's own zone
// database (Pyodide carries none): perpcalc.venue_files.CallbackZone calls it for times a file
// writes without a zone. The offset at the wall time read as UTC, corrected once for the offset.
/** @type {Map<string, Intl.DateTimeFormat>} */
const zoneFormats = new Map();

/**
 * @param {string} zone
 * @param {number} year
 * @param {number} month
 * @param {number} day
 * @param {number} hour
 * @param {number} minute
 * @returns {number} minutes east of UTC
 */
function zoneOffset(zone, year, month, day, hour, minute) {
  let format = zoneFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric",
    });
    zoneFormats.set(zone, format);
  }
  const offsetAt = (/** @type {number} */ t) => {
    const p = Object.fromEntries(format.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return (Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute) - t) / 60000;
  };
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const first = offsetAt(wall);
  return offsetAt(wall - first * 60000);
}

/**
 * @param {number} id
 * @param {"reading" | "checking"} phase
 * @param {number} done
 * @param {number} total
 */
function fileProgress(id, phase, done, total) {
  postMessage({ type: MSG.FILE_PROGRESS, id, phase, done, total });
}

/** @param {FileRequest} msg */
async function readFile(msg) {
  const reply = (/** @type {unknown} */ result) => postMessage({ type: MSG.FILE_RESULT, id: msg.id, result });
  const fail = (/** @type {string} */ message) => reply({ ok: false, error: { field: msg.field, message, column: null, line: null } });
  const file = msg.file;
  if (file.size > FILE_LIMIT) {
    fail(`the file is ${mb(file.size)} MB; files up to ${mb(FILE_LIMIT)} MB can be read here`);
    return;
  }
  try {
    const bytes = new Uint8Array(file.size);
    for (let at = 0; at < file.size; at += FILE_SLICE) {
      const part = new Uint8Array(await file.slice(at, at + FILE_SLICE).arrayBuffer());
      bytes.set(part, at);
      fileProgress(msg.id, "reading", at + part.length, file.size);
    }
    fileProgress(msg.id, "checking", 0, 1);
    importFile ||= /** @type {Pyodide} */ (self.__pyodide).runPython(
      "from perpcalc.venue_files import import_file_json\n" +
      "lambda calc, field, data, progress, options, offset: " +
      "import_file_json(calc, field, data.to_bytes(), progress, options, offset)",
    );
    const progress = (/** @type {number} */ done, /** @type {number} */ total) => fileProgress(msg.id, "checking", done, total);
    const result = JSON.parse(/** @type {NonNullable<typeof importFile>} */ (importFile)(msg.calculator, msg.field, bytes, progress, msg.options || "{}", zoneOffset));
    if (result.ok) {
      // the values as the form shows them (rates in percent), converted here by the page's own
      // percent.js (loaded at the first file): 100,000 rates took tens of ms on the page's thread
      const { fromAPI, shapedControl } = await import("./percent.js");
      for (const [key, text] of Object.entries(result.values)) {
        const shape = msg.shapes?.[key];
        if (shape && typeof text === "string") result.values[key] = fromAPI(shapedControl(shape), text);
      }
    }
    reply(result);
  } catch (/** @type {any} */ err) {
    fail(`the file could not be read: ${plain(String(err && err.message ? err.message : err))}`);
  }
}

/** @param {WorkerRequest} msg */
function handle(msg) {
  if (msg.type === MSG.FILE) readFile(msg);
  else if (msg.type === MSG.ROWS) formatRows(msg);
  else if (msg.type === MSG.PAGE || msg.type === MSG.WHOLE) sendKept(msg);
  else answer(msg);
}

// Python starts as soon as this worker runs: whoever created it (boot.js from the page's <head>,
// or runtime.js) wants it started.
start();

self.onmessage = (event) => {
  const msg = event.data;
  if ([MSG.COMPUTE, MSG.FILE, MSG.ROWS, MSG.PAGE, MSG.WHOLE].includes(msg.type)) {
    if (compute) handle(msg);
    else queue.push(msg);
  }
};
