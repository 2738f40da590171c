// @ts-check
// The runtime client: the one Web Worker that runs perpcalc in Pyodide, shared by every form of
// the page (and, through Material's instant navigation, of the pages after it). It creates the
// worker (or adopts the one boot.js created from <head>: overrides/partials/boot.js), which starts
// Python as soon as it runs, follows its start-up, sends it computations and files and hands back
// their answers. It knows no form's markup: what the forms show of it is render.js's (it calls the
// listeners given to onRuntimeChange).
//
// Offline: a versioned service worker (sw.js at the site root) caches the pinned runtime and the
// pages a reader visits, so calculators keep working without a network after a first visit.

import { MSG, STEP } from "./protocol.js";
import { rateShape } from "./percent.js";

/**
 * The runtime's state as the page shows it (window.__perpcalcRuntime holds it for tests).
 * @typedef {{state: "idle" | "loading" | "ready" | "error", detail: string, step: number,
 *   error: string | null, timings: unknown, fraction?: number, startedAt?: number, readyAt?: number}} Runtime
 */

const workerURL = new URL("./worker.js", import.meta.url);
/** @type {Worker | null} */
let worker = null;
/** @type {Runtime} */
export let runtime = { state: "idle", detail: "", step: 0, error: null, timings: null };
let nextId = 1;
/** @type {Map<number, (result: any) => void>} request id -> what to do with its result */
const pending = new Map();
/** @type {Set<() => void>} called on every change of the runtime's state */
const listeners = new Set();

/**
 * Calls `fn` on every change of the runtime's state.
 * @param {() => void} fn
 */
export function onRuntimeChange(fn) {
  listeners.add(fn);
}

function broadcast() {
  for (const fn of listeners) fn();
}

/**
 * Starts the runtime, once (later calls do nothing).
 * @param {string} reason what started it (for a reader of the code: the page's load, a file)
 */
export function startRuntime(reason) {
  if (worker) return;
  runtime = { ...runtime, state: "loading", detail: "starting the Python runtime", step: STEP.DOWNLOAD, startedAt: performance.now() };
  window.__perpcalcRuntime = runtime;
  if (typeof WebAssembly !== "object") {
    failRuntime("this browser has no WebAssembly");
    return;
  }
  const early = window.__perpcalcBoot?.take(); // started from <head> by boot.js
  try {
    worker = early ? early.worker : new Worker(workerURL, { type: "module" });
  } catch (err) {
    failRuntime(`module workers are not available (${/** @type {Error} */ (err).message})`);
    return;
  }
  worker.onmessage = onWorkerMessage;
  worker.onerror = (event) => failRuntime(event.message || "the worker failed to start");
  broadcast();
  if (early) {
    early.said.forEach(onWorkerMessage);
    if (early.error) failRuntime(early.error);
  }
}

/** @param {string} message */
function failRuntime(message) {
  runtime = { ...runtime, state: "error", error: message };
  window.__perpcalcRuntime = runtime;
  broadcast();
  registerServiceWorker();
  settled();
}

// What waited for the runtime to fail, or to be live and the reader to pause (QUIET_MS), may go now:
// the theme's search index (overrides/partials/search-later.js). Let go at ready, the theme's search
// worker parsed the index and built it (about 0.45 s of CPU) during the reader's first edits and next
// page: in the bench's recompute loop right after ready it took a core beside the page and perpcalc's
// worker, and the edits that missed their frame were the p95's.
function settled() {
  window.dispatchEvent(new Event("perpcalc:runtime-settled"));
}

/** @param {MessageEvent} event */
function onWorkerMessage(event) {
  const msg = event.data;
  if (msg.type === MSG.PROGRESS) {
    runtime = { ...runtime, state: "loading", detail: msg.detail, step: msg.step, fraction: msg.fraction ?? 0 };
    broadcast();
  } else if (msg.type === MSG.READY) {
    runtime = { ...runtime, state: "ready", detail: "", step: STEP.READY, timings: msg.timings, readyAt: performance.now() };
    window.__perpcalcRuntime = runtime;
    broadcast();
    whenQuiet(); // the theme's search index waits for that pause too (settled, below)
  } else if (msg.type === MSG.FAILED) {
    failRuntime(msg.message);
  } else if (msg.type === MSG.FILE_PROGRESS || msg.type === MSG.FILE_RESULT) {
    const job = fileJobs.get(msg.id);
    if (job && msg.type === MSG.FILE_PROGRESS) job.onProgress(msg);
    if (job && msg.type === MSG.FILE_RESULT) {
      fileJobs.delete(msg.id);
      job.resolve(msg.result);
    }
  } else if (msg.type === MSG.RESULT) {
    const done = pending.get(msg.id);
    pending.delete(msg.id);
    done?.(msg.result);
  }
}

/**
 * Asks the ready runtime to compute calculator `name` from `inputs`; `onResult` gets the
 * answer as the worker sent it.
 * @param {string} name
 * @param {Record<string, string>} inputs
 * @param {(result: any) => void} onResult
 * @returns {number} the request's id
 */
export function compute(name, inputs, onResult) {
  const id = nextId++;
  whenQuiet();
  pending.set(id, onResult);
  /** @type {Worker} */ (worker).postMessage({ type: MSG.COMPUTE, id, name, inputs });
  return id;
}

/**
 * The text of a page of a long table's rows, formatted by perpcalc from their raw rows (JSON text,
 * as the answer carried them): resolves to one list of cell texts a row, or null.
 * @param {string} name the calculator
 * @param {string} output the table output
 * @param {string} rows
 * @returns {Promise<string[][] | null>}
 */
export function formatRows(name, output, rows) {
  if (!worker || runtime.state !== "ready") return Promise.resolve(null);
  const id = nextId++;
  /** @type {Worker} */ (worker).postMessage({ type: MSG.ROWS, id, name, output, rows });
  return new Promise((resolve) => pending.set(id, resolve));
}

/**
 * A long table the worker kept from answer number `answer` (its display's `kept`): the text of
 * its page `page` (one list of cell texts a row) or, with no page, all its rows as JSON in UTF-8
 * bytes (a download); null when the calculator has answered again since.
 * @param {string} name the calculator
 * @param {string} output the table output
 * @param {number} answer
 * @param {number} [page]
 * @returns {Promise<any>}
 */
export function keptRows(name, output, answer, page) {
  if (!worker || runtime.state !== "ready") return Promise.resolve(null);
  const id = nextId++;
  const type = page === undefined ? MSG.WHOLE : MSG.PAGE;
  /** @type {Worker} */ (worker).postMessage({ type, id, name, output, answer, page });
  return new Promise((resolve) => pending.set(id, resolve));
}

/**
 * The worker's progress on a file: the bytes read, then the lines checked (total 1: not known).
 * @typedef {{phase: "reading" | "checking", done: number, total: number}} FileProgress
 */
/**
 * What the worker made of a file (perpcalc.venue_files.import_file_json): the fields' values as
 * the form shows them (rates in percent), or the error in plain words.
 * @typedef {{ok: true, values: Record<string, string>, message: string, zoneless: boolean, timezone: string}
 *   | {ok: false, error: {field: string, message: string, column?: string | null, line?: number | null}}} FileResult
 */
/**
 * @typedef {{resolve: (result: FileResult) => void, onProgress: (msg: FileProgress) => void}} FileJob
 */

// A reader's file for one field, read in the worker (files.js draws the control): resolves to
// {ok, values, message, zoneless, timezone} or {ok: false, error}; onProgress gets {phase, done,
// total}; options: {timezone, interval_hours} (the zone of times written without one, the form's interval).
/** @type {Map<number, FileJob>} */
const fileJobs = new Map();

/**
 * @param {HTMLFormElement} form
 * @param {string} field
 * @param {File} file
 * @param {(msg: FileProgress) => void} onProgress
 * @param {object} [options]
 * @returns {Promise<FileResult>}
 */
export function readFile(form, field, file, onProgress, options = {}) {
  startRuntime("file");
  if (!worker) return Promise.resolve({ ok: false, error: { field, message: runtime.error || "no live calculator" } });
  const id = nextId++;
  // each field's rate attributes, so that the worker gives the file's values in the unit the form
  // shows (percent.js fromAPI): converting 100,000 rates here cost a long task on the page's thread
  /** @type {Record<string, import("./percent.js").RateShape>} */
  const shapes = {};
  for (const el of form.querySelectorAll(":is(input, select, textarea)[name]")) {
    shapes[/** @type {HTMLInputElement} */ (el).name] = rateShape(/** @type {HTMLElement} */ (el));
  }
  worker.postMessage({ type: MSG.FILE, id, calculator: form.dataset.calculator, field, file, options: JSON.stringify(options), shapes });
  return new Promise((resolve) => fileJobs.set(id, { resolve, onProgress }));
}

// ---------------------------------------------------------------- offline

// The offline copy waits for a pause: registering sw.js, which then fetches, checks and stores
// the runtime and the snapshot (about 10 MB), competed for the CPU with the reader's first edits
// and navigation, and the busy service worker sat in front of the next page's fetch (the bench's
// loop at load 10, alternating: instant navigation 276 -> 215 ms, its fetch 55 -> 31 ms, recompute
// p95 58 -> 48 ms). It starts QUIET_MS after the runtime is ready and after the last computation
// or page change, and the theme's search index is let go then too (settled).
//
// A pause is one only with the page on screen at the address: the theme's instant navigation puts
// the next page's path in the address at the tap and its content comes later (seconds, on a slow
// link). A pause that ended in between asked for the offline copy then, for the next page's address
// (fetched by the service worker beside the theme's own request for it), and the page the reader
// had been on, which loaded the scripts and styles, was never kept. It is asked for again when the
// next page's content is in (pageShown).
const QUIET_MS = 1500;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let quietTimer;
let offlineAsked = false;
/** @type {string | null} the path of the page whose content is on screen (pageShown; none before the first) */
let shownPath = null;

/** Puts the offline copy and the search index off until QUIET_MS from now (nothing once they have started). */
export function whenQuiet() {
  if (offlineAsked || runtime.state !== "ready") return;
  clearTimeout(quietTimer);
  quietTimer = setTimeout(cacheForOffline, QUIET_MS);
}

/** A page's content is on screen (the first, or the next by instant navigation): the reader at work there. */
export function pageShown() {
  shownPath = location.pathname;
  whenQuiet();
}

function cacheForOffline() {
  if (shownPath !== null && location.pathname !== shownPath) return; // a page on its way: asked for once it is in (pageShown)
  offlineAsked = true;
  settled();
  // Everything this document loaded before the service worker took control (its first page and the
  // pages instant navigation fetched since, theme scripts and styles; the page on screen, whose address
  // may have a query the reader's inputs put there since) plus, on the worker's side, the runtime files.
  registerServiceWorker();
  if (!navigator.serviceWorker) return;
  const urls = [location.href.split("#")[0]];
  for (const entry of performance.getEntriesByType("navigation")) urls.push(entry.name.split("#")[0]);
  for (const entry of performance.getEntriesByType("resource")) {
    if (entry.name.startsWith(location.origin)) urls.push(entry.name);
  }
  // the worker fetched some runtime files as their .gz copies: the service worker asks for the copies at once
  const plain = (/** @type {{gzip_copies?: string[]} | null} */ (runtime.timings)?.gzip_copies || []).length > 0;
  navigator.serviceWorker.ready.then((reg) => reg.active?.postMessage({ type: MSG.CACHE_RUNTIME, urls, plain })).catch(() => {});
}

// Registered once the first calculator is live (or could not start), not before: on a first
// visit it installed and took control while the runtime downloaded, and every runtime request went
// through it. A page without a calculator registers it at once.
let swRegistered = false;

export function registerServiceWorker() {
  if (swRegistered || !("serviceWorker" in navigator) || !location.protocol.startsWith("http")) return;
  swRegistered = true;
  const swURL = new URL("../../sw.js", import.meta.url);
  // under the page's version (sw.js installs only under its own: overrides/partials/boot.js says why)
  const version = /** @type {HTMLScriptElement | null} */ (document.querySelector("script[data-version][data-sw]"));
  swURL.searchParams.set("v", version?.dataset.version || "");
  navigator.serviceWorker.register(swURL, { scope: new URL("../../", import.meta.url).pathname }).catch(() => {});
}
