// @ts-check
// Rendering: the live status line and progress bar of every form, asking the runtime for a
// form's results and putting them on the page — outputs, tables, units, the sticky summary,
// charts — or perpcalc's refusal beside its field. The pure functions are unit-tested under
// Node (tests/js/render.test.mjs).
//
// Lifecycle: the page arrives with the worked example pre-rendered (data-state="static").
// The runtime starts from <head> (boot.js) and is followed from the moment the forms are wired;
// without it, as soon as the page has painted or on the first interaction with a form,
// whichever comes first (data-state="loading"), then each input change is recomputed by
// perpcalc.page.compute_json in the worker (data-state="ready").

import { STEPS } from "./protocol.js";
import { runtime, startRuntime, compute, formatRows, keptRows } from "./runtime.js";
import { specOf, readInputs, markStale, atExample, clearErrors, showError, showNotes, formsOnPage, controlFor, applies } from "./form.js";
import { valueOf, unpackLarge, buildTable } from "./lists.js";
import { laterQuery } from "./address.js";

/** @typedef {import("./lists.js").Result} Result */

/** @type {Set<HTMLFormElement>} forms that show the runtime's state */
const watched = new Set();

/**
 * Shows the runtime's state in `form` from now on.
 * @param {HTMLFormElement} form
 */
export function watch(form) {
  // after the runtime is ready its state no longer changes: forms gone with their pages are let go
  // here, or every page visited stayed in memory (its lists and tables with it)
  for (const old of watched) if (!old.isConnected) watched.delete(old);
  watched.add(form);
}

/** Shows the runtime's new state in every watched form still on the page. */
export function showRuntimeEverywhere() {
  for (const form of [...watched]) {
    if (!form.isConnected) {
      watched.delete(form);
      continue;
    }
    showRuntime(form);
  }
}

/**
 * The status line and the progress bar of one form.
 * @param {HTMLFormElement} form
 */
export function showRuntime(form) {
  const status = /** @type {HTMLElement} */ (form.querySelector("[data-status]"));
  const bar = /** @type {HTMLProgressElement} */ (form.querySelector(".perpcalc__progress"));
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

/**
 * The bar (max STEPS = 4) follows the bytes: the download fills most of it (on a slow link it is
 * most of the wait), then starting Python and importing perpcalc take the rest.
 * @param {{step: number, fraction?: number}} progress
 * @returns {number}
 */
export function barValue({ step, fraction }) {
  return step <= 1 ? 2.8 * Math.min(1, Math.max(0, fraction || 0)) : step === 2 ? 3.2 : 3.7;
}

/**
 * Recomputes a form's results from its inputs (starts the runtime first if it is not ready). A form
 * gone with its page computes nothing: a file read, or typing's debounce, that ended after the reader
 * left held the worker from the next page's computations (a 100,000-row list's for seconds).
 * @param {HTMLFormElement} form
 */
export function requestCompute(form) {
  if (!form.isConnected) return;
  form.dataset.dirty = "true";
  markStale(form);
  if (runtime.state !== "ready") {
    startRuntime("input");
    return;
  }
  const asked = chartInputs(form, false); // what its charts will say of these inputs (drawCharts)
  const id = compute(/** @type {string} */ (form.dataset.calculator), readInputs(form), (result) => {
    // an answer to an earlier request, or for a form gone with its page, is not shown
    if (form.isConnected && Number(form.dataset.request) === id) applyResult(form, unpackLarge(result), asked);
  });
  form.dataset.request = String(id);
}

/**
 * Puts one answer of perpcalc on the form.
 * @param {HTMLFormElement} form
 * @param {Result} result
 * @param {ChartInputs} [inputs] the inputs it answers, as its charts name them (chartInputs)
 */
export function applyResult(form, result, inputs) {
  clearErrors(form);
  if (!result.ok) {
    showError(form, result.error);
    form.dispatchEvent(new CustomEvent("perpcalc:error", { detail: result.error }));
    return;
  }
  for (const out of form.querySelectorAll("output[name]")) {
    const name = /** @type {string} */ (out.getAttribute("name"));
    const shown = result.display[name];
    const el = /** @type {HTMLOutputElement} */ (out);
    out.textContent = shown.text;
    // a long table stays in the worker: its value is asked for when a download needs it (downloads.js)
    if (shown.kept !== undefined) {
      delete el.dataset.value;
      el.dataset.kept = String(shown.kept);
    } else {
      delete el.dataset.kept;
      el.dataset.value = result.json?.[name] ?? JSON.stringify(result.outputs[name]);
    }
    const box = form.querySelector(`[data-table-for="${CSS.escape(name)}"]`);
    const calculator = /** @type {string} */ (form.dataset.calculator);
    const kept = (/** @type {number} */ page) => keptRows(calculator, name, /** @type {number} */ (shown.kept), page)
      .then((rows) => {
        if (rows === null && form.isConnected) requestCompute(form); // answered again since (another form): recompute
        return rows;
      });
    if (box) box.replaceChildren(buildTable(shown, (rows) => formatRows(calculator, name, rows), kept));
  }
  // money units name the currency the results are in (USDT, USDC, base coin) and follow it
  for (const unit of form.querySelectorAll("[data-unit-from]")) {
    const text = result.display[/** @type {string} */ (/** @type {HTMLElement} */ (unit).dataset.unitFrom)]?.text;
    if (text) unit.textContent = text;
  }
  if (inputs) charted.set(form, inputs);
  form.dataset.failed = "false";
  form.dataset.dirty = atExample(form) ? "false" : "done";
  markStale(form);
  const main = /** @type {HTMLElement | null} */ (form.querySelector(".perpcalc__sticky"));
  if (main) {
    /** @type {Element} */ (main.querySelector(".perpcalc__sticky-value")).textContent
      = result.display[/** @type {string} */ (main.dataset.main)]?.text ?? "";
  }
  showNotes(form);
  drawCharts(form);
  laterQuery(form);
  form.dispatchEvent(new CustomEvent("perpcalc:result", { detail: result }));
}

// ---------------------------------------------------------------- charts
// Series outputs are charted from their data-value with the site's uPlot, loaded only on
// pages that have one; the pre-rendered example is charted without waiting for Python.
//
// A chart is the results' chart, drawn whenever (a result, the window's width, the colour scheme):
// what it takes from the inputs (a mark at the reader's leverage, "{interval_hours} h" in an axis's
// label) is taken from the inputs of the results shown, never from the fields as they are now. While
// those differ (a compute on its way, a refusal beside a field, the worked example shown until the
// runtime is live), the results are greyed and kept, and so is their chart: redrawn from the fields,
// it put the reader's new leverage on the old curve, numbers that belong to no inputs at all.

/**
 * What a form's charts take from its inputs: each input they name (a mark, a label's {name}), its text
 * and whether it applies (a field hidden for the chosen venue has no mark).
 * @typedef {Record<string, {text: string, applies: boolean}>} ChartInputs
 */

/** @type {WeakMap<HTMLFormElement, ChartInputs>} the inputs of the results a form shows (none yet: the example's) */
const charted = new WeakMap();

/**
 * The inputs a form's charts name, as the fields hold them now, or (`example`) as the worked example
 * the build rendered has them.
 * @param {HTMLFormElement} form
 * @param {boolean} example
 * @returns {ChartInputs}
 */
function chartInputs(form, example) {
  const spec = specOf(form);
  /** @type {ChartInputs} */
  const inputs = {};
  for (const chart of Object.values(spec.charts || {})) {
    const labels = `${chart.x_label || ""} ${chart.y_label || ""}`;
    for (const name of [...(chart.marks || []), ...[...labels.matchAll(/\{(\w+)\}/g)].map((m) => m[1])]) {
      const el = controlFor(form, name);
      if (!el || name in inputs) continue; // an output's, or seen
      const field = /** @type {HTMLElement | null} */ (el.closest(".perpcalc__field"));
      inputs[name] = example
        ? { text: spec.values[name] ?? "", applies: applies(JSON.parse(field?.dataset.when || "{}"), (n) => spec.values[n]) }
        : { text: valueOf(el), applies: !field?.hidden };
    }
  }
  return inputs;
}

/** @type {Promise<typeof import("./charts.js")> | null} */
let chartsModule = null;

/**
 * @param {HTMLFormElement} form
 * @param {string} name
 * @returns {unknown}
 */
function outputValue(form, name) {
  const out = /** @type {HTMLOutputElement | null} */ (form.querySelector(`output[name="${CSS.escape(name)}"]`));
  return out ? JSON.parse(/** @type {string} */ (out.dataset.value)) : undefined;
}

/**
 * Draws a form's charts (none: nothing to do).
 * @param {HTMLFormElement} form
 */
export async function drawCharts(form) {
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
  const inputs = charted.get(form) ?? chartInputs(form, true);
  /** @type {Record<string, string>} */
  const texts = Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, input.text]));
  for (const name of names) {
    const box = /** @type {HTMLElement | null} */ (form.querySelector(`[data-chart-for="${CSS.escape(name)}"]`));
    if (!box) continue;
    /** @type {Record<string, {value: unknown, label: string}>} */
    const marks = {};
    for (const mark of charts[name].marks || []) {
      const label = form.querySelector(`output[name="${CSS.escape(mark)}"]`)?.closest(".perpcalc__out")
        ?.querySelector(".perpcalc__label")?.textContent;
      marks[mark] = label ? { value: outputValue(form, mark), label } : inputMark(form, mark, inputs[mark]);
    }
    mod.drawChart(box, charts[name], outputValue(form, name), marks, texts);
  }
}

/**
 * A mark may name an input: a line at the reader's own value ("Your leverage"), none when empty or
 * when the field does not apply.
 * @param {HTMLFormElement} form
 * @param {string} name
 * @param {{text: string, applies: boolean} | undefined} input its value for the results shown (chartInputs)
 * @returns {{value: number | undefined, label: string}}
 */
function inputMark(form, name, input) {
  const el = /** @type {HTMLInputElement | null} */ (form.querySelector(`input[name="${CSS.escape(name)}"]`));
  return markOf(input?.applies ? input.text.trim() : "", el?.labels?.[0]?.textContent?.trim() || name);
}

/**
 * An input's chart mark from its text and label: "Your leverage" at its number (none when
 * blank or not a number).
 * @param {string} text
 * @param {string} label
 * @returns {{value: number | undefined, label: string}}
 */
export function markOf(text, label) {
  const value = text === "" ? NaN : Number(text.replace("\u2212", "-"));
  return { value: Number.isFinite(value) ? value : undefined, label: `Your ${label[0].toLowerCase()}${label.slice(1)}` };
}

/** Redraws every chart of the page (the colour scheme or the window's width changed). */
export function redrawAll() {
  for (const form of formsOnPage()) if (Object.keys(specOf(form).charts || {}).length) drawCharts(form);
}
