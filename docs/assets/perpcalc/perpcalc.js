// Perp Glossary calculators: wires every <form class="perpcalc"> on the page to one shared
// Web Worker that runs perpcalc in Pyodide. Generic: nothing here knows any calculator;
// forms, presets and example values come from the spec the build embedded in each form.
//
// Lifecycle: the page arrives with the worked example pre-rendered (data-state="static").
// The runtime starts as soon as the page has painted or on the first interaction with a
// form, whichever comes first (data-state="loading"), then each input change is recomputed by
// perpcalc.display.compute in the worker (data-state="ready"). Material's instant
// navigation keeps this module, and so the worker, alive across pages: init() runs again
// for each new page through document$ and only wires forms it has not seen.

import { MSG, STEP, STEPS } from "./protocol.js";
import { toAPI, fromAPI, rateCells, shiftPoint } from "./percent.js";
import { URL_BUDGET, keyPrefix, querySize, overBudget } from "./urlstate.js";
import { Exact, exportValue, csvText, pythonSource } from "./exports.js";

const workerURL = new URL("./worker.js", import.meta.url);
let worker = null;
let runtime = { state: "idle", detail: "", step: 0, error: null, timings: null };
let nextId = 1;
const pending = new Map(); // request id -> form
const listeners = new Set(); // forms waiting for runtime state changes
const wired = new WeakSet();

function startRuntime(reason) {
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
    failRuntime(`module workers are not available (${err.message})`);
    return;
  }
  worker.onmessage = onWorkerMessage;
  worker.onerror = (event) => failRuntime(event.message || "the worker failed to start");
  if (!early) worker.postMessage({ type: MSG.INIT, reason, t0: performance.timeOrigin });
  broadcast();
  if (early) {
    early.said.forEach(onWorkerMessage);
    if (early.error) failRuntime(early.error);
  }
}

function failRuntime(message) {
  runtime = { ...runtime, state: "error", error: message };
  window.__perpcalcRuntime = runtime;
  broadcast();
  registerServiceWorker();
}

function onWorkerMessage(event) {
  const msg = event.data;
  if (msg.type === MSG.PROGRESS) {
    runtime = { ...runtime, state: "loading", detail: msg.detail, step: msg.step, fraction: msg.fraction ?? 0 };
    broadcast();
  } else if (msg.type === MSG.READY) {
    runtime = { ...runtime, state: "ready", detail: "", step: STEP.READY, timings: msg.timings, readyAt: performance.now() };
    window.__perpcalcRuntime = runtime;
    broadcast();
    cacheForOffline();
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
    const form = pending.get(msg.id);
    pending.delete(msg.id);
    if (form && form.isConnected && Number(form.dataset.request) === msg.id) applyResult(form, unpackLarge(msg.result));
  }
}

function broadcast() {
  for (const form of [...listeners]) {
    if (!form.isConnected) {
      listeners.delete(form);
      continue;
    }
    showRuntime(form);
  }
}

function showRuntime(form) {
  const status = form.querySelector("[data-status]");
  const bar = form.querySelector(".perpcalc__progress");
  if (runtime.state === "loading") {
    form.dataset.state = "loading";
    bar.hidden = false;
    bar.value = Math.max(bar.value, barValue(runtime)); // never backwards
    status.textContent = `Loading the live calculator: ${runtime.detail} (step ${runtime.step} of ${STEPS}).`;
    markStale(form);
  } else if (runtime.state === "ready") {
    if (form.dataset.state !== "ready") {
      form.dataset.state = "ready";
      bar.hidden = true;
      status.textContent = "Live: results recalculate in your browser as you type (perpcalc on Pyodide).";
      if (form.dataset.dirty === "true") requestCompute(form);
    }
  } else if (runtime.state === "error") {
    form.dataset.state = "error";
    bar.hidden = true;
    status.textContent = `The live calculator could not start: ${runtime.error}. The results shown are the worked example computed when the page was built.`;
    markStale(form);
  }
}

// The bar (max 4) follows the bytes: the download fills most of it (on a slow link it is most
// of the wait), then starting Python and importing perpcalc take the rest.
function barValue({ step, fraction }) {
  return step <= 1 ? 2.8 * Math.min(1, Math.max(0, fraction || 0)) : step === 2 ? 3.2 : 3.7;
}

function specOf(form) {
  if (!form._spec) form._spec = JSON.parse(form.dataset.spec);
  return form._spec;
}

function controls(form) {
  return [...form.querySelectorAll("input[name], select[name], textarea[name]")];
}

function readInputs(form) {
  const inputs = {};
  for (const el of controls(form)) {
    if (el.closest(".perpcalc__field")?.hidden) continue; // does not apply to the chosen venue/contract/mode
    const text = valueOf(el);
    const value = text.trim();
    if (value === "") continue;
    inputs[el.name] = toAPI(el, text);
  }
  return inputs;
}

// ---------------------------------------------------------------- rates in percent
// Rate fields (data-percent) and the rate columns of list fields (data-percent-columns) are
// typed and shown in percent, as venues print them (0.01 means 0.01 %, the % sign optional);
// perpcalc reads "x%" as x/100 and a bare number as a fraction. toAPI marks what the reader
// typed with %; fromAPI turns text in the API's unit (a link made before rates were shown in
// percent, a file's rates) into what the form shows. (percent.js)

// What a rate field or a list's rate cells hold, as numbers in percent (blank or unreadable: NaN).
function typedRates(el) {
  const values = [];
  const read = (t) => {
    values.push(t.trim() === "" ? NaN : Number(t.replace(/%$/, "").replace("\u2212", "-").trim()));
    return t;
  };
  if (el.tagName === "TEXTAREA") rateCells(el, valueOf(el), read);
  else read(el.value);
  return values;
}

// ---------------------------------------------------------------- large lists
// A list over HOLD_CHARS characters (pasted, read from a file or from a link) is held by the
// page, not by its text box: Chromium lays out every line of a textarea, and 100,000 pasted
// rows cost one 200-500 ms frame. The box then shows the first PREVIEW_LINES lines, read-only,
// and a line under it says how many rows are in use, with buttons to clear them or to put
// them all in the box (the reader's choice, slow as that is). Everything that reads a field
// reads valueOf(); everything that fills one calls setValue().

const HOLD_CHARS = 200_000;
const PREVIEW_LINES = 20;

function valueOf(el) {
  return el._held ?? el.value;
}

function setValue(el, text) {
  el._unheld = false;
  if (el.tagName === "TEXTAREA" && text.length > HOLD_CHARS) hold(el, text);
  else {
    release(el);
    el.value = text;
  }
}

function lineCount(text) {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n + (text.endsWith("\n") ? 0 : 1);
}

function hold(el, text) {
  el._held = text;
  let end = -1;
  for (let i = 0; i <= PREVIEW_LINES; i++) {
    end = text.indexOf("\n", end + 1);
    if (end === -1) break;
  }
  el.value = `${end === -1 ? text : text.slice(0, end)}\n…`;
  el.readOnly = true;
  el.dataset.held = "true";
  const rows = Math.max(0, lineCount(text) - 1);
  let note = el.closest(".perpcalc__field")?.querySelector("[data-held-for]");
  if (!note) {
    note = document.createElement("p");
    note.className = "perpcalc__held";
    note.dataset.heldFor = el.name;
    const words = document.createElement("span");
    const clear = document.createElement("button");
    clear.type = "button";
    clear.className = "md-button";
    clear.textContent = "Clear";
    clear.addEventListener("click", () => {
      setValue(el, "");
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.focus();
    });
    const all = document.createElement("button");
    all.type = "button";
    all.className = "md-button";
    all.textContent = "Show all in the box";
    all.addEventListener("click", () => {
      const full = el._held;
      release(el);
      el._unheld = true;
      el.value = full;
    });
    note.append(words, " ", clear, " ", all);
    el.closest(".perpcalc__control").after(note);
  }
  note.firstChild.textContent = `${rows.toLocaleString("en-US")} rows (${(text.length / 1e6).toFixed(1)} MB) in use;`
    + ` the box shows the first ${Math.min(rows, PREVIEW_LINES)}, which keeps the page responsive.`;
}

function release(el) {
  if (el._held === undefined) return;
  delete el._held;
  el.readOnly = false;
  delete el.dataset.held;
  el.closest(".perpcalc__field")?.querySelector("[data-held-for]")?.remove();
}

// ---------------------------------------------------------------- truthful display
// Whenever the results shown are not the results of the inputs shown, the form says so:
// data-stale="true" (results greyed), a line saying what will happen, exports disabled.

function markStale(form, why) {
  const edited = form.dataset.dirty === "true";
  const note = form.querySelector("[data-results-note]");
  let text;
  if (form.dataset.failed === "true") text = why || "for earlier inputs; fix the field in red";
  else if (!edited) text = atExample(form) ? "worked example" : "your inputs";
  else if (runtime.state === "error") text = "worked example, not yours: no live calculator";
  else if (runtime.state !== "ready") text = "worked example; yours will show once loaded";
  else text = "updating…";
  if (note && note.textContent !== text) {
    note.textContent = text;
    note.title = text;
  }
  const stale = edited || form.dataset.failed === "true";
  form.dataset.stale = String(stale);
  for (const b of form.querySelectorAll("[data-export]")) b.disabled = stale;
  const off = form.querySelector("[data-export-why]");
  if (off) off.textContent = stale ? "Downloads are off until the results are those of your inputs." : "";
  markProse(form);
}

function atExample(form) {
  const values = specOf(form).values;
  return controls(form).every((el) => valueOf(el) === (values[el.name] ?? ""));
}

function markProse(form) {
  // [[value]] numbers in the page's prose are the worked example's: say so once the reader's differ
  const differ = !atExample(form);
  const sel = `.perpcalc-example-value[data-calculator="${CSS.escape(form.dataset.calculator)}"][data-example="${CSS.escape(form.dataset.example)}"]`;
  for (const el of document.querySelectorAll(sel)) el.toggleAttribute("data-diverged", differ);
}

function requestCompute(form) {
  form.dataset.dirty = "true";
  markStale(form);
  if (runtime.state !== "ready") {
    startRuntime("input");
    return;
  }
  const id = nextId++;
  form.dataset.request = String(id);
  pending.set(id, form);
  worker.postMessage({ type: MSG.COMPUTE, id, name: form.dataset.calculator, inputs: readInputs(form) });
}

// A reader's file for one field, read in the worker (files.js draws the control): resolves to
// {ok, values, message, zoneless, timezone} or {ok: false, error}; onProgress gets {phase, done,
// total}; options: {timezone, interval_hours} (the zone of times written without one, the form's interval).
const fileJobs = new Map();

function readFile(form, field, file, onProgress, options = {}) {
  startRuntime("file");
  if (!worker) return Promise.resolve({ ok: false, error: { field, message: runtime.error || "no live calculator" } });
  const id = nextId++;
  worker.postMessage({ type: MSG.FILE, id, calculator: form.dataset.calculator, field, file, options: JSON.stringify(options) });
  return new Promise((resolve) => fileJobs.set(id, { resolve, onProgress }));
}

function clearErrors(form) {
  for (const el of form.querySelectorAll("[data-error-for]")) el.textContent = "";
  for (const el of controls(form)) el.removeAttribute("aria-invalid");
}

function applyResult(form, result) {
  clearErrors(form);
  if (!result.ok) {
    const field = result.error.field || "";
    let slot = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
    if (!slot) slot = form.querySelector('[data-error-for=""]');
    slot.textContent = result.error.message;
    const control = field && form.querySelector(`:is(input, select, textarea)[name="${CSS.escape(field)}"]`);
    if (control) control.setAttribute("aria-invalid", "true");
    form.dataset.failed = "true";
    const visible = control && !control.closest(".perpcalc__field")?.hidden;
    markStale(form, visible ? null : `for earlier inputs: ${result.error.message}`);
    form.dispatchEvent(new CustomEvent("perpcalc:error", { detail: result.error }));
    return;
  }
  for (const out of form.querySelectorAll("output[name]")) {
    const name = out.getAttribute("name");
    const shown = result.display[name];
    out.textContent = shown.text;
    out.dataset.value = result.json?.[name] ?? JSON.stringify(result.outputs[name]);
    const box = form.querySelector(`[data-table-for="${CSS.escape(name)}"]`);
    if (box) box.replaceChildren(buildTable(shown));
  }
  // money units name the currency the results are in (USDT, USDC, base coin) and follow it
  for (const unit of form.querySelectorAll("[data-unit-from]")) {
    const text = result.display[unit.dataset.unitFrom]?.text;
    if (text) unit.textContent = text;
  }
  form.dataset.failed = "false";
  form.dataset.dirty = atExample(form) ? "false" : "done";
  markStale(form);
  const main = form.querySelector(".perpcalc__sticky");
  if (main) main.querySelector(".perpcalc__sticky-value").textContent = result.display[main.dataset.main]?.text ?? "";
  showNotes(form);
  drawCharts(form);
  laterQuery(form);
  form.dispatchEvent(new CustomEvent("perpcalc:result", { detail: result }));
}

// Tables show TABLE_PAGE rows at a time with Previous/Next: a pasted list can give 100,000
// rows, and putting them all in the DOM froze the tab for minutes (insertRow is quadratic,
// and even a linear build plus layout is a long task). The downloads hold every row.
const TABLE_PAGE = 200;

// The worker sends long outputs as UTF-8 JSON in transferred buffers (see packLarge in
// worker.js). Nothing is decoded on arrival: result.json[name] decodes the JSON text when
// first read (data-value) and result.outputs[name] parses it when first read (a download, a
// listener of perpcalc:result); display rows are decoded one page at a time by buildTable.
const utf8 = new TextDecoder();

function unpackLarge(result) {
  const texts = {};
  for (const [name, bytes] of Object.entries(result.json || {})) {
    let text;
    let value;
    Object.defineProperty(texts, name, { enumerable: true, get: () => (text ??= utf8.decode(bytes)) });
    Object.defineProperty(result.outputs, name, { enumerable: true, get: () => (value ??= JSON.parse(texts[name])) });
  }
  result.json = texts;
  return result;
}

function pageOf(pages, k) {
  const { bytes, offsets } = pages;
  return k + 1 < offsets.length ? JSON.parse(utf8.decode(bytes.subarray(offsets[k], offsets[k + 1]))) : [];
}

function buildTable(shown) {
  const table = document.createElement("table");
  const headRow = document.createElement("tr");
  for (const label of shown.columns) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = label;
    headRow.appendChild(th);
  }
  table.createTHead().appendChild(headRow);
  const body = table.createTBody();
  const fragment = document.createDocumentFragment();
  fragment.append(table);
  const total = shown.pages ? shown.total : shown.rows.length;
  const pageRows = (start) => (shown.pages ? pageOf(shown.pages, Math.floor(start / shown.pages.size))
    .slice(start % shown.pages.size, start % shown.pages.size + TABLE_PAGE) : shown.rows.slice(start, start + TABLE_PAGE));
  const fill = (start) => {
    const rows = document.createDocumentFragment();
    for (const row of pageRows(start)) {
      const tr = document.createElement("tr");
      for (const cell of row) {
        const td = document.createElement("td");
        td.textContent = cell;
        tr.appendChild(td);
      }
      rows.appendChild(tr);
    }
    body.replaceChildren(rows);
  };
  fill(0);
  if (total <= TABLE_PAGE) return fragment;
  const pager = document.createElement("p");
  pager.className = "perpcalc__pager";
  const status = document.createElement("span");
  status.setAttribute("aria-live", "polite");
  const prev = document.createElement("button");
  const next = document.createElement("button");
  prev.type = next.type = "button";
  prev.className = next.className = "md-button";
  prev.textContent = "Previous";
  next.textContent = "Next";
  let start = 0;
  const show = (to) => {
    start = Math.max(0, Math.min(to, (Math.ceil(total / TABLE_PAGE) - 1) * TABLE_PAGE));
    fill(start);
    const fmt = (n) => n.toLocaleString("en-US");
    status.textContent = `rows ${fmt(start + 1)}–${fmt(Math.min(start + TABLE_PAGE, total))} of ${fmt(total)}`;
    prev.disabled = start === 0;
    next.disabled = start + TABLE_PAGE >= total;
  };
  prev.addEventListener("click", () => show(start - TABLE_PAGE));
  next.addEventListener("click", () => show(start + TABLE_PAGE));
  pager.append(prev, " ", status, " ", next);
  fragment.prepend(pager);
  show(0);
  return fragment;
}

// A rate beyond what venues use is allowed but questioned (never an error): typing 3 where a
// venue prints 0.03 % is the usual slip. Fields that do not apply to the chosen venue,
// contract or margin mode (the spec's `when`) are hidden and not sent.

// A rate typed as a fraction (0.0001 for 0.01 %) reads as a tiny percentage: when every non-zero
// rate of a field or list is below FRACTION_LIKE percent, the note says so.
const FRACTION_LIKE = 0.001;

function showNotes(form) {
  for (const field of form.querySelectorAll("[data-typical]")) {
    const el = field.querySelector("input[name], textarea[name]");
    const slot = field.querySelector("[data-note-for]");
    if (!el || !slot) continue;
    slot.textContent = rateNote(el, typedRates(el), Number(field.dataset.typical), field.dataset.typical);
  }
}

function rateNote(el, values, limit, limitText) {
  const list = el.tagName === "TEXTAREA";
  const percent = el.hasAttribute("data-percent") || list;
  const unit = percent ? " %" : "";
  const big = values.findIndex((v) => Math.abs(v) > limit);
  if (big !== -1) {
    const where = list ? `row ${big + 1} is ${values[big]} %; ` : "";
    return `Unusually large: ${where}venues rarely go beyond ±${limitText}${unit}. Rates here are in percent (0.03 means 0.03 %).`;
  }
  const nonzero = values.filter((v) => Number.isFinite(v) && v !== 0);
  if (percent && nonzero.length && nonzero.every((v) => Math.abs(v) < FRACTION_LIKE)) {
    const shown = nonzero[0];
    return `${list ? "These look" : "This looks"} like ${list ? "fractions" : "a fraction"}: ${shown} here means ${shown} %,`
      + ` not ${shiftPoint(String(shown), 2)} %. Rates here are in percent, as venues print them: type 0.01 for 0.01 %.`;
  }
  return "";
}

function applyWhen(form) {
  let changed = false;
  for (const field of form.querySelectorAll(".perpcalc__field[data-when]")) {
    const when = JSON.parse(field.dataset.when);
    const applies = Object.entries(when).every(([name, allowed]) => {
      const el = form.querySelector(`select[name="${CSS.escape(name)}"]`);
      return !el || allowed.includes(el.value);
    });
    if (field.hidden === applies) {
      field.hidden = !applies;
      changed = true;
    }
  }
  return changed;
}

// ---------------------------------------------------------------- charts
// Series outputs are charted from their data-value with the site's uPlot, loaded only on
// pages that have one; the pre-rendered example is charted without waiting for Python.

let chartsModule = null;

function outputValue(form, name) {
  const out = form.querySelector(`output[name="${CSS.escape(name)}"]`);
  return out ? JSON.parse(out.dataset.value) : undefined;
}

async function drawCharts(form) {
  const charts = specOf(form).charts || {};
  const names = Object.keys(charts);
  if (!names.length) return;
  chartsModule = chartsModule || import("./charts.js");
  let mod;
  try {
    mod = await chartsModule;
  } catch (err) {
    return; // the table below each chart still shows the numbers
  }
  // drawn in a task of their own, after the results' task: drawing measures the page, which
  // forces the layout the new results need at once; after 100,000 pasted rows that layout
  // (the new table, the long textarea) and the chart made the results' task ~200 ms longer
  const asked = form.dataset.request;
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (!form.isConnected || form.dataset.request !== asked) return; // newer results draw their own
  for (const name of names) {
    const box = form.querySelector(`[data-chart-for="${CSS.escape(name)}"]`);
    if (!box) continue;
    const marks = {};
    for (const mark of charts[name].marks || []) {
      const label = form.querySelector(`output[name="${CSS.escape(mark)}"]`)?.closest(".perpcalc__out")
        ?.querySelector(".perpcalc__label")?.textContent;
      marks[mark] = label ? { value: outputValue(form, mark), label } : inputMark(form, mark);
    }
    mod.drawChart(box, charts[name], outputValue(form, name), marks);
  }
}

// A mark may name an input: a line at the reader's own value ("Your leverage"), none when empty.
function inputMark(form, name) {
  const el = form.querySelector(`input[name="${CSS.escape(name)}"]`);
  const text = el && !el.closest(".perpcalc__field")?.hidden ? valueOf(el).trim() : "";
  const value = text === "" ? NaN : Number(text.replace("\u2212", "-"));
  const label = el?.labels?.[0]?.textContent.trim() || name;
  return { value: Number.isFinite(value) ? value : undefined, label: `Your ${label[0].toLowerCase()}${label.slice(1)}` };
}

function redrawAll() {
  for (const form of formsOnPage()) if (Object.keys(specOf(form).charts || {}).length) drawCharts(form);
}

new MutationObserver(redrawAll).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(redrawAll, 200);
});

// ---------------------------------------------------------------- copy and download

function pythonCall(form) {
  const spec = specOf(form);
  return pythonSource(spec.name, spec.function, readInputs(form));
}

function outputsOf(form) {
  const outputs = {};
  for (const out of form.querySelectorAll("output[name]")) outputs[out.getAttribute("name")] = JSON.parse(out.dataset.value);
  return outputs;
}

// ---------------------------------------------------------------- downloads
// What the downloads write comes from the spec's `exports` (the build writes it): column names
// carry their unit ("mean (%)", "payment (USDT)"), numbers stay numbers, and rates, fractions in
// perpcalc, are written in percent as the page shows them, exactly ("-0.0003" → -0.03)
// (Exact, exportValue and the CSV cells in exports.js).

// "payment ({currency_label})" → "payment (USDT)": the braces name an output whose text is the unit.
function exportHeader(form, header) {
  return header.replace(/\{(\w+)\}/g, (whole, name) => form.querySelector(`output[name="${CSS.escape(name)}"]`)?.textContent.trim() || whole);
}

// {header: [names], rows: [[cells]]} for one table or series output, or for the single figures.
function exportTable(form, table) {
  const outputs = outputsOf(form);
  const items = specOf(form).exports || [];
  if (!table) {
    const scalars = items.filter((o) => !o.columns);
    return { header: scalars.map((o) => exportHeader(form, o.header)), rows: [scalars.map((o) => exportValue(o.format, outputs[o.name]))] };
  }
  const item = items.find((o) => o.name === table);
  const rows = Array.isArray(outputs[table]) ? outputs[table] : [];
  const known = item.columns.map((c) => c.name);
  // a column a row carries that the spec does not describe is kept, without a unit
  const extra = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => !known.includes(k));
  const columns = [...item.columns.filter((c) => rows.some((r) => c.name in r)), ...extra.map((k) => ({ name: k, header: k, format: "" }))];
  return {
    header: columns.map((c) => exportHeader(form, c.header)),
    rows: rows.map((r) => columns.map((c) => exportValue(c.format, r[c.name]))),
  };
}

function toCSV(form, table = null) {
  const { header, rows } = exportTable(form, table);
  return csvText([header, ...rows]);
}

// JSON that pandas.read_json reads as it is: one record per input and per output (calculator,
// kind, name, unit-bearing column name, value); a table's value is its rows as in its CSV. The
// inputs are the ones perpcalc.run takes: {r.name: r.value for r in records if r.kind == "input"}.
function toJSON(form) {
  const calculator = specOf(form).name;
  const records = Object.entries(readInputs(form)).map(([name, value]) => ({ calculator, kind: "input", name, column: name, value }));
  const outputs = outputsOf(form);
  for (const item of specOf(form).exports || []) {
    let value = exportValue(item.format, outputs[item.name]);
    if (item.columns) {
      const { header, rows } = exportTable(form, item.name);
      value = rows.map((row) => Object.fromEntries(row.map((cell, i) => [header[i], cell instanceof Exact ? Number(cell.text) : cell])));
    } else if (value instanceof Exact) value = Number(value.text);
    records.push({ calculator, kind: "output", name: item.name, column: exportHeader(form, item.header), value });
  }
  return JSON.stringify(records, null, 2);
}

function download(form, kind, table = null) {
  const spec = specOf(form);
  if (form.dataset.stale === "true") return; // never pair new inputs with old outputs
  const blob = kind === "json"
    ? new Blob([toJSON(form)], { type: "application/json" })
    : new Blob([toCSV(form, table)], { type: "text/csv" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = kind === "json" ? `${spec.name}.json` : `${spec.name}-${table || "summary"}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

async function copyPython(form, button) {
  const code = pythonCall(form);
  form.dataset.python = code;
  let ok = false;
  try {
    await navigator.clipboard.writeText(code);
    ok = true;
  } catch (err) {
    ok = false;
  }
  const label = button.textContent;
  button.textContent = ok ? "Copied" : "Copy failed: see console";
  if (!ok) console.info(code);
  setTimeout(() => (button.textContent = label), 1500);
}

// ---------------------------------------------------------------- URL query string
// One calculator on the page: keys are the field names (?size=5). Several: keys are
// "<form>.field", where <form> is the form's id without "calc-" (the calculator's name for
// its first use on the page, "name-N" for a second use), so two uses never share a key.
// Rates (fields and the rate cells of lists) are written in percent with their sign
// (funding_rate=-0.03%25); a value without % is a fraction, as links made before rates were
// shown in percent hold, and is converted. Values are only ever assigned to .value, never parsed as HTML.

function formsOnPage() {
  return [...document.querySelectorAll("form.perpcalc[data-calculator]")];
}

function prefixFor(form) {
  return keyPrefix(form.id, formsOnPage().length);
}

function queryValue(el) {
  return toAPI(el, valueOf(el));
}

// `tooLong` collects the controls whose value alone is over the link's budget: they are left
// out here, and never copied (a pasted list can be megabytes).
function formParams(form, params = new URLSearchParams(), tooLong = []) {
  const spec = specOf(form);
  const prefix = prefixFor(form);
  for (const el of controls(form)) {
    const key = prefix + el.name;
    const value = valueOf(el);
    if (value === spec.values[el.name]) params.delete(key);
    else if (value.length > URL_BUDGET) {
      params.delete(key);
      tooLong.push(el);
    } else params.set(key, queryValue(el));
  }
  return params;
}

// The address follows the results QUERY_DELAY ms after the last one, outside the result's frame
// (history.replaceState took up to 10 ms there); a form gone with its page writes nothing.
const QUERY_DELAY = 250;
const queryTimers = new WeakMap();

function laterQuery(form) {
  clearTimeout(queryTimers.get(form));
  queryTimers.set(form, setTimeout(() => form.isConnected && writeQuery(form), QUERY_DELAY));
}

function writeQuery(form) {
  const tooLong = [];
  const params = formParams(form, new URLSearchParams(location.search), tooLong);
  limitQuery(form, params, tooLong);
  const query = params.toString();
  const hash = atExample(form) ? location.hash : `#${form.id}`;
  const url = location.pathname + (query ? `?${query}` : "") + hash;
  if (url !== location.pathname + location.search + location.hash) history.replaceState(history.state, "", url);
}

// A form puts at most URL_BUDGET characters in the query string: past that (a pasted list
// of 2,000 rows made a 116 KB URL, which servers answer with HTTP 414), its longest values
// are left out of the link, and the form says so next to its buttons.
// `tooLong`: controls formParams already left out (each alone over the budget; encoding never
// shortens a value).
function limitQuery(form, params, tooLong = []) {
  const sizes = controls(form)
    .map((el) => [el, prefixFor(form) + el.name])
    .filter(([, key]) => params.has(key))
    .map(([el, key]) => [el, key, querySize(key, params.get(key))]);
  const left = [...tooLong];
  for (const i of overBudget(sizes.map(([, , n]) => n))) {
    params.delete(sizes[i][1]);
    left.push(sizes[i][0]);
  }
  const dropped = controls(form).filter((el) => left.includes(el)).map((el) => (el.labels?.[0]?.textContent || el.name).trim());
  let note = form.querySelector("[data-link-note]");
  if (!dropped.length) {
    note?.remove();
    return;
  }
  if (!note) {
    note = document.createElement("p");
    note.className = "perpcalc__status";
    note.dataset.linkNote = "";
    note.setAttribute("role", "note");
    const actions = form.querySelector(".perpcalc__actions");
    if (actions) actions.after(note);
    else form.append(note);
  }
  note.textContent = `${dropped.join(", ")}: too large to share as a link; download JSON to keep ${
    dropped.length > 1 ? "them" : "it"}. The page's address holds the other inputs.`;
}

function firstOfItsKind(form) {
  return formsOnPage().find((f) => f.dataset.calculator === form.dataset.calculator) === form;
}

function readQuery(form) {
  const params = new URLSearchParams(location.search);
  const legacy = firstOfItsKind(form); // links from before per-form keys
  let changed = false;
  for (const el of controls(form)) {
    let value = params.get(prefixFor(form) + el.name);
    if (value === null && legacy) value = params.get(`${form.dataset.calculator}.${el.name}`) ?? params.get(el.name);
    if (value === null) continue;
    value = fromAPI(el, value);
    if (el.tagName === "SELECT" && ![...el.options].some((o) => o.value === value)) {
      const opt = document.createElement("option");
      opt.value = value;
      opt.textContent = value;
      el.appendChild(opt);
    }
    setValue(el, value);
    touched(form).add(el.name);
    changed = true;
  }
  return changed;
}

async function copyLink(form, button) {
  const tooLong = [];
  const params = formParams(form, new URLSearchParams(), tooLong);
  limitQuery(form, params, tooLong);
  const query = params.toString();
  const url = `${location.origin}${location.pathname}${query ? `?${query}` : ""}#${form.id}`;
  form.dataset.link = url;
  let ok = false;
  try {
    await navigator.clipboard.writeText(url);
    ok = true;
  } catch (err) {
    ok = false;
  }
  const label = button.textContent;
  button.textContent = ok ? "Link copied" : "Copy failed: see console";
  if (!ok) console.info(url);
  setTimeout(() => (button.textContent = label), 1500);
}

// ---------------------------------------------------------------- presets and reset

// One preset semantics (as perpcalc.run applies them): choosing a venue fills the venue's
// values into the fields the reader has not set; a field the reader set keeps its value.

function touched(form) {
  if (!form._touched) form._touched = new Set();
  return form._touched;
}

function applyPreset(form, field, value) {
  const spec = specOf(form);
  const table = spec.presets[field];
  if (!table) return;
  const chosen = table[value] || {}; // a choice without a preset (generic, custom) restores defaults
  // every field some preset of this chooser sets: the chosen preset's value, or else the
  // field's own default (a venue without an MMR figure does not keep the last venue's)
  const names = new Set(Object.values(table).flatMap((t) => Object.keys(t)));
  for (const name of names) {
    if (touched(form).has(name)) continue;
    const el = form.querySelector(`:is(input, select, textarea)[name="${CSS.escape(name)}"]`);
    if (!el) continue;
    if (!(name in chosen)) {
      setValue(el, spec.defaults?.[name] ?? "");
      continue;
    }
    setValue(el, chosen[name] ?? ""); // the build wrote presets as the form shows them
  }
}

function resetForm(form) {
  const values = specOf(form).values;
  for (const el of controls(form)) setValue(el, values[el.name] ?? "");
  touched(form).clear();
  applyWhen(form);
  requestCompute(form);
}

// ---------------------------------------------------------------- landing
// A shared link scrolls to its form. After instant navigation the theme scrolls the new page to
// its top some time after the content is in (on a loaded machine, after our first scroll), and
// the page's layout may still grow above the form. So the form is placed, then kept in place
// while the page settles — every frame until nothing has moved for SETTLE_MS (MAX_MS at most) —
// and left alone for good as soon as the reader scrolls, touches, clicks or types.

const SETTLE_MS = 600;
const MAX_MS = 4000;
const READER_EVENTS = ["wheel", "touchstart", "pointerdown", "keydown"];
let landing = null;

function hashTarget() {
  try {
    return document.getElementById(decodeURIComponent(location.hash.slice(1)));
  } catch {
    return null; // a malformed hash names nothing
  }
}

function land(form) {
  landing?.stop();
  const started = performance.now();
  let quietSince = started;
  let last = null;
  let frame = 0;
  const stop = () => {
    cancelAnimationFrame(frame);
    READER_EVENTS.forEach((type) => removeEventListener(type, stop, true));
    if (landing?.form === form) landing = null;
  };
  const placed = () => {
    const top = form.getBoundingClientRect().top;
    return top >= 0 && top < Math.min(200, innerHeight / 2);
  };
  const step = (now) => {
    if (!form.isConnected) return stop(); // the reader went to another page
    if (!placed()) {
      form.scrollIntoView({ block: "start" });
      quietSince = now;
    }
    const here = `${Math.round(form.getBoundingClientRect().top)} ${document.documentElement.scrollHeight}`;
    if (here !== last) quietSince = now;
    last = here;
    if (now - quietSince > SETTLE_MS || now - started > MAX_MS) return stop();
    frame = requestAnimationFrame(step);
  };
  READER_EVENTS.forEach((type) => addEventListener(type, stop, { capture: true, passive: true }));
  landing = { form, stop };
  frame = requestAnimationFrame(step);
}

// ---------------------------------------------------------------- wiring

function wire(form) {
  if (wired.has(form)) return;
  wired.add(form);
  listeners.add(form);
  let timer = null;
  const onEdit = (event) => {
    // a text field's "change" (on blur) repeats what its "input" events already handled; acting
    // on it would mark fresh results stale while the reader clicks an export button
    if (event.type === "change" && event.target.tagName !== "SELECT") return;
    const t = event.target;
    // a paste of a huge list: held before the next frame lays it out (see "large lists")
    if (event.type === "input" && t.tagName === "TEXTAREA" && !t._unheld && t._held === undefined
        && t.value.length > HOLD_CHARS) hold(t, t.value);
    if (event.target.name) touched(form).add(event.target.name);
    if (event.type === "change" && event.target.tagName === "SELECT") {
      touched(form).delete(event.target.name);
      applyPreset(form, event.target.name, event.target.value);
      touched(form).add(event.target.name);
      applyWhen(form);
    }
    showNotes(form);
    // the results stop being the reader's at the edit, not when the (debounced) recompute starts
    form.dataset.dirty = "true";
    // and a result still on its way was computed from the inputs before the edit: it must not
    // be shown as current when it lands during the debounce below
    delete form.dataset.request;
    markStale(form);
    clearTimeout(timer);
    // posted at once, in the edit's own task (a timer hop cost a frame in one sample of three);
    // a text box's typing is gathered for 150 ms
    if (event.type === "input" && event.target.tagName === "TEXTAREA") timer = setTimeout(() => requestCompute(form), 150);
    else requestCompute(form);
  };
  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("focusin", () => startRuntime("focus"), { once: true });
  form.addEventListener("pointerdown", () => startRuntime("pointer"), { once: true });
  form.querySelector('[data-action="link"]')?.addEventListener("click", (e) => copyLink(form, e.currentTarget));
  form.querySelector('[data-action="reset"]').addEventListener("click", () => resetForm(form));
  form.querySelector('[data-action="python"]').addEventListener("click", (e) => copyPython(form, e.currentTarget));
  form.querySelector('[data-action="csv"]').addEventListener("click", () => download(form, "csv"));
  for (const b of form.querySelectorAll('[data-action="csv-table"]')) b.addEventListener("click", () => download(form, "csv", b.dataset.table));
  form.querySelector('[data-action="json"]').addEventListener("click", () => download(form, "json"));
  drawCharts(form);
  if (form.querySelector("[data-file-for]")) {
    import("./files.js").then((m) => m.wireFiles(form, { readFile, touched, valueOf, setValue, fromAPI })).catch((err) => console.warn(err));
  }
  if (readQuery(form)) {
    applyWhen(form);
    showNotes(form);
    requestCompute(form);
    // A shared link lands on its calculator: on the form its hash names, else on the first form
    // the link gives inputs to. Any other hash is no sign of where the reader wants to be: the
    // theme's navigation.tracking writes the section being read into the address (and, during
    // instant navigation, even the previous page's section: "/?size=15#formula" on the home page).
    const named = hashTarget();
    if (named?.matches("form.perpcalc") ? named === form : !landing?.form.isConnected) land(form);
  } else if (!atExample(form)) {
    // edited before this script ran (a slow network, the browser's restored form): recompute
    showNotes(form);
    requestCompute(form);
  }
  if (runtime.state !== "idle") showRuntime(form);
  else form.querySelector("[data-status]").textContent = SCRIPT_RUNS;
}

// The status line the build writes says the calculator needs JavaScript; once this runs, it can.
const SCRIPT_RUNS = "Worked example, computed with perpcalc when this page was built. Change any input to recalculate in your browser.";

function init() {
  const forms = formsOnPage();
  forms.forEach(wire);
  if (forms.length && runtime.state === "idle") {
    // As soon as the page has painted (a task queued from the frame's callback runs after
    // the paint); a tab in the background paints no frame, hence the timer as well.
    const start = () => startRuntime("painted");
    requestAnimationFrame(() => setTimeout(start, 0));
    setTimeout(start, 1000);
  }
}

if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();

// ---------------------------------------------------------------- offline
// A versioned service worker (sw.js at the site root) caches the pinned runtime and the
// pages a reader visits, so calculators keep working without a network after a first visit.
function cacheForOffline() {
  // Everything this page loaded before the service worker took control (the page itself,
  // theme scripts and styles) plus, on the worker's side, the runtime files.
  registerServiceWorker();
  if (!navigator.serviceWorker) return;
  const urls = [location.href.split("#")[0]];
  for (const entry of performance.getEntriesByType("resource")) {
    if (entry.name.startsWith(location.origin)) urls.push(entry.name);
  }
  navigator.serviceWorker.ready.then((reg) => reg.active?.postMessage({ type: MSG.CACHE_RUNTIME, urls })).catch(() => {});
}

// Registered once the first calculator is live (or could not start), not before: on a first
// visit it installed and took control while the runtime downloaded, and every runtime request went
// through it. A page without a calculator registers it at once.
let swRegistered = false;

function registerServiceWorker() {
  if (swRegistered || !("serviceWorker" in navigator) || !location.protocol.startsWith("http")) return;
  swRegistered = true;
  const swURL = new URL("../../sw.js", import.meta.url);
  navigator.serviceWorker.register(swURL, { scope: new URL("../../", import.meta.url).pathname }).catch(() => {});
}

if (!formsOnPage().length) registerServiceWorker();

export { startRuntime, runtime, pythonCall, toCSV, toJSON };
