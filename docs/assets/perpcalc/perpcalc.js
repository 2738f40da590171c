// Perp Glossary calculators: wires every <form class="perpcalc"> on the page to one shared
// Web Worker that runs perpcalc in Pyodide. Generic: nothing here knows any calculator;
// forms, presets and example values come from the spec the build embedded in each form.
//
// Lifecycle: the page arrives with the worked example pre-rendered (data-state="static").
// The runtime starts when the browser is idle or on the first interaction with a form,
// whichever comes first (data-state="loading"), then each input change is recomputed by
// perpcalc.display.compute in the worker (data-state="ready"). Material's instant
// navigation keeps this module, and so the worker, alive across pages: init() runs again
// for each new page through document$ and only wires forms it has not seen.

const workerURL = new URL("./worker.js", import.meta.url);
let worker = null;
let runtime = { state: "idle", detail: "", step: 0, error: null, timings: null };
let nextId = 1;
const pending = new Map(); // request id -> form
const listeners = new Set(); // forms waiting for runtime state changes
const wired = new WeakSet();

function startRuntime(reason) {
  if (worker) return;
  runtime = { ...runtime, state: "loading", detail: "starting the Python runtime", step: 1, startedAt: performance.now() };
  window.__perpcalcRuntime = runtime;
  if (typeof WebAssembly !== "object") {
    failRuntime("this browser has no WebAssembly");
    return;
  }
  try {
    worker = new Worker(workerURL, { type: "module" });
  } catch (err) {
    failRuntime(`module workers are not available (${err.message})`);
    return;
  }
  worker.onmessage = onWorkerMessage;
  worker.onerror = (event) => failRuntime(event.message || "the worker failed to start");
  worker.postMessage({ type: "init", reason, t0: performance.timeOrigin });
  broadcast();
}

function failRuntime(message) {
  runtime = { ...runtime, state: "error", error: message };
  window.__perpcalcRuntime = runtime;
  broadcast();
}

function onWorkerMessage(event) {
  const msg = event.data;
  if (msg.type === "progress") {
    runtime = { ...runtime, state: "loading", detail: msg.detail, step: msg.step };
    broadcast();
  } else if (msg.type === "ready") {
    runtime = { ...runtime, state: "ready", detail: "", step: 4, timings: msg.timings, readyAt: performance.now() };
    window.__perpcalcRuntime = runtime;
    broadcast();
    cacheForOffline();
  } else if (msg.type === "failed") {
    failRuntime(msg.message);
  } else if (msg.type === "result") {
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
    bar.value = runtime.step;
    status.textContent = `Loading the live calculator: ${runtime.detail} (step ${runtime.step} of 4). The worked example above stays valid meanwhile.`;
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
    status.textContent = `The live calculator could not start: ${runtime.error}. The worked example shown was computed when the page was built and remains correct.`;
  }
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
    const value = el.value.trim();
    if (value !== "") inputs[el.name] = el.value;
  }
  return inputs;
}

function requestCompute(form) {
  form.dataset.dirty = "true";
  if (runtime.state !== "ready") {
    startRuntime("input");
    return;
  }
  const id = nextId++;
  form.dataset.request = String(id);
  pending.set(id, form);
  worker.postMessage({ type: "compute", id, name: form.dataset.calculator, inputs: readInputs(form) });
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
    form.dataset.stale = "true";
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
  form.dataset.stale = "false";
  form.dataset.dirty = "false";
  drawCharts(form);
  writeQuery(form);
  form.dispatchEvent(new CustomEvent("perpcalc:result", { detail: result }));
}

// Tables show TABLE_PAGE rows at a time with Previous/Next: a pasted list can give 100,000
// rows, and putting them all in the DOM froze the tab for minutes (insertRow is quadratic,
// and even a linear build plus layout is a long task). The downloads hold every row.
const TABLE_PAGE = 200;

// The worker sends long outputs as UTF-8 JSON in transferred buffers (see packLarge in
// worker.js): here each value becomes its JSON text (for data-value) and is parsed only
// when something reads it; display rows are decoded one page at a time by buildTable.
const utf8 = new TextDecoder();

function unpackLarge(result) {
  for (const [name, bytes] of Object.entries(result.json || {})) {
    const text = (result.json[name] = utf8.decode(bytes));
    let value;
    Object.defineProperty(result.outputs, name, { enumerable: true, get: () => (value ??= JSON.parse(text)) });
  }
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
  for (const name of names) {
    const box = form.querySelector(`[data-chart-for="${CSS.escape(name)}"]`);
    if (!box) continue;
    const marks = {};
    for (const mark of charts[name].marks || []) {
      const label = form.querySelector(`output[name="${CSS.escape(mark)}"]`)?.closest(".perpcalc__out")
        ?.querySelector(".perpcalc__label")?.textContent;
      marks[mark] = { value: outputValue(form, mark), label: label || mark };
    }
    mod.drawChart(box, charts[name], outputValue(form, name), marks);
  }
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

function currentInputs(form) {
  return readInputs(form);
}

function pythonCall(form) {
  const spec = specOf(form);
  const inputs = currentInputs(form);
  const lines = Object.entries(inputs).map(([k, v]) => `    ${pyString(k)}: ${pyString(v)},`);
  return [
    "import perpcalc  # pip install perpcalc from this site's repository",
    "",
    `result = perpcalc.run(${JSON.stringify(spec.name)}, {`,
    ...lines,
    "})",
    `# the function behind it: ${spec.function}`,
    "print(result)",
    "",
  ].join("\n");
}

// A Python string literal that shows exactly what it holds: JSON's escapes are Python's,
// and every control, format (bidi override, isolate, zero-width) or separator character is
// written as an escape too, so a pasted value cannot make the snippet display code that it
// does not contain ("Trojan Source").
function pyString(value) {
  return JSON.stringify(String(value)).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu, (ch) => {
    const code = ch.codePointAt(0);
    return code > 0xffff ? `\\U${code.toString(16).padStart(8, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

function outputsOf(form) {
  const outputs = {};
  for (const out of form.querySelectorAll("output[name]")) outputs[out.getAttribute("name")] = JSON.parse(out.dataset.value);
  return outputs;
}

function csvCell(value) {
  const text = value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toCSV(form) {
  const outputs = outputsOf(form);
  const scalars = [["output", "value"]];
  const tables = [];
  for (const [name, value] of Object.entries(outputs)) {
    if (Array.isArray(value) && value.length && typeof value[0] === "object") {
      const cols = Object.keys(value[0]);
      tables.push([[name], cols, ...value.map((row) => cols.map((c) => row[c]))]);
    } else scalars.push([name, value]);
  }
  const blocks = [scalars, ...tables].map((rows) => rows.map((r) => r.map(csvCell).join(",")).join("\n"));
  return blocks.join("\n\n") + "\n";
}

function download(form, kind) {
  const spec = specOf(form);
  const body = kind === "json"
    ? JSON.stringify({ calculator: spec.name, inputs: currentInputs(form), outputs: outputsOf(form) }, null, 2)
    : toCSV(form);
  const blob = new Blob([body], { type: kind === "json" ? "application/json" : "text/csv" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `${spec.name}.${kind}`;
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
// "calculator.field". Values are only ever assigned to .value, never parsed as HTML.

function formsOnPage() {
  return [...document.querySelectorAll("form.perpcalc[data-calculator]")];
}

function keyFor(form, field) {
  return formsOnPage().length > 1 ? `${form.dataset.calculator}.${field}` : field;
}

function writeQuery(form) {
  const params = new URLSearchParams(location.search);
  const spec = specOf(form);
  for (const el of controls(form)) {
    const key = keyFor(form, el.name);
    if (el.value === spec.values[el.name]) params.delete(key);
    else params.set(key, el.value);
  }
  limitQuery(form, params);
  const query = params.toString();
  const url = location.pathname + (query ? `?${query}` : "") + location.hash;
  if (url !== location.pathname + location.search + location.hash) history.replaceState(history.state, "", url);
}

// A form puts at most URL_BUDGET characters in the query string: past that (a pasted list
// of 2,000 rows made a 116 KB URL, which servers answer with HTTP 414), its longest values
// are left out of the link, and the form says so next to its buttons.
const URL_BUDGET = 2000;

function querySize(key, value) {
  // encoding never shortens a value: one already over the budget needs no encoding to tell
  return value.length > URL_BUDGET ? value.length : new URLSearchParams([[key, value]]).toString().length + 1;
}

function limitQuery(form, params) {
  const sizes = controls(form)
    .map((el) => [el, keyFor(form, el.name)])
    .filter(([, key]) => params.has(key))
    .map(([el, key]) => [el, key, querySize(key, params.get(key))]);
  let total = sizes.reduce((sum, [, , n]) => sum + n, 0);
  const dropped = [];
  for (const [el, key, n] of sizes.sort((a, b) => b[2] - a[2])) {
    if (total <= URL_BUDGET) break;
    params.delete(key);
    total -= n;
    dropped.push((el.labels?.[0]?.textContent || el.name).trim());
  }
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

function readQuery(form) {
  const params = new URLSearchParams(location.search);
  let changed = false;
  for (const el of controls(form)) {
    const value = params.get(`${form.dataset.calculator}.${el.name}`) ?? params.get(el.name);
    if (value === null) continue;
    if (el.tagName === "SELECT" && ![...el.options].some((o) => o.value === value)) {
      const opt = document.createElement("option");
      opt.value = value;
      opt.textContent = value;
      el.appendChild(opt);
    }
    el.value = value;
    changed = true;
  }
  return changed;
}

// ---------------------------------------------------------------- presets and reset

function applyPreset(form, field, value) {
  const table = specOf(form).presets[field];
  if (!table || !table[value]) return;
  for (const [name, preset] of Object.entries(table[value])) {
    const el = form.querySelector(`:is(input, select, textarea)[name="${CSS.escape(name)}"]`);
    if (el) el.value = preset === null ? "" : String(preset);
  }
}

function resetForm(form) {
  const values = specOf(form).values;
  for (const el of controls(form)) el.value = values[el.name] ?? "";
  requestCompute(form);
}

// ---------------------------------------------------------------- wiring

function wire(form) {
  if (wired.has(form)) return;
  wired.add(form);
  listeners.add(form);
  let timer = null;
  const onEdit = (event) => {
    if (event.type === "change" && event.target.tagName === "SELECT") applyPreset(form, event.target.name, event.target.value);
    clearTimeout(timer);
    timer = setTimeout(() => requestCompute(form), event.type === "input" && event.target.tagName === "TEXTAREA" ? 150 : 0);
  };
  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("focusin", () => startRuntime("focus"), { once: true });
  form.addEventListener("pointerdown", () => startRuntime("pointer"), { once: true });
  form.querySelector('[data-action="reset"]').addEventListener("click", () => resetForm(form));
  form.querySelector('[data-action="python"]').addEventListener("click", (e) => copyPython(form, e.currentTarget));
  form.querySelector('[data-action="csv"]').addEventListener("click", () => download(form, "csv"));
  form.querySelector('[data-action="json"]').addEventListener("click", () => download(form, "json"));
  drawCharts(form);
  if (readQuery(form)) {
    form.dataset.stale = "true";
    requestCompute(form);
  }
  if (runtime.state !== "idle") showRuntime(form);
}

function init() {
  const forms = formsOnPage();
  forms.forEach(wire);
  if (forms.length && runtime.state === "idle") {
    const start = () => startRuntime("idle");
    if ("requestIdleCallback" in window) requestIdleCallback(start, { timeout: 1500 });
    else setTimeout(start, 200);
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
  if (!navigator.serviceWorker) return;
  const urls = [location.href.split("#")[0]];
  for (const entry of performance.getEntriesByType("resource")) {
    if (entry.name.startsWith(location.origin)) urls.push(entry.name);
  }
  navigator.serviceWorker.ready.then((reg) => reg.active?.postMessage({ type: "cache-runtime", urls })).catch(() => {});
}

if ("serviceWorker" in navigator && location.protocol.startsWith("http")) {
  const swURL = new URL("../../sw.js", import.meta.url);
  navigator.serviceWorker.register(swURL, { scope: new URL("../../", import.meta.url).pathname }).catch(() => {});
}

export { startRuntime, runtime, pythonCall, toCSV };
