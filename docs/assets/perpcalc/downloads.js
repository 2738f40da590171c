// @ts-check
// Copy as Python and the downloads of a form. What they write comes from the spec's `exports`
// (the build writes it): column names carry their unit ("mean (%)", "payment (USDT)"), numbers
// stay numbers, and rates, fractions in perpcalc, are written in percent as the page shows them,
// exactly ("-0.0003" → -0.03) (Exact, exportValue and the CSV cells in exports.js). The pure
// table builder is unit-tested under Node (tests/js/downloads.test.mjs).

import { Exact, exportValue, csvText, pythonSource } from "./exports.js";
import { specOf, readInputs } from "./form.js";
import { keptRows } from "./runtime.js";
import { requestCompute } from "./render.js";

/** @typedef {import("./form.js").ExportItem} ExportItem */

/**
 * The call "Copy as Python" copies: perpcalc.run (or the calculator's function) with the inputs.
 * @param {HTMLFormElement} form
 * @returns {string}
 */
export function pythonCall(form) {
  const spec = specOf(form);
  return pythonSource(spec.name, spec.function, readInputs(form));
}

const utf8 = new TextDecoder();

/**
 * The form's outputs, each from its data-value, or (a long table kept in the worker) asked for
 * whole; null when the worker no longer holds one (another answer of the calculator since).
 * @param {HTMLFormElement} form
 * @returns {Promise<Record<string, any> | null>}
 */
async function outputsOf(form) {
  /** @type {Record<string, any>} */
  const outputs = {};
  for (const out of form.querySelectorAll("output[name]")) {
    const name = /** @type {string} */ (out.getAttribute("name"));
    const { kept, value } = /** @type {HTMLElement} */ (out).dataset;
    if (kept === undefined) outputs[name] = JSON.parse(/** @type {string} */ (value));
    else {
      const bytes = await keptRows(/** @type {string} */ (form.dataset.calculator), name, Number(kept));
      if (!bytes) return null;
      outputs[name] = JSON.parse(utf8.decode(bytes));
    }
  }
  return outputs;
}

/**
 * "payment ({currency_label})" → "payment (USDT)": the braces name an output whose text is the unit.
 * @param {HTMLFormElement} form
 * @param {string} header
 * @returns {string}
 */
function exportHeader(form, header) {
  return header.replace(/\{(\w+)\}/g, (whole, name) => form.querySelector(`output[name="${CSS.escape(name)}"]`)?.textContent?.trim() || whole);
}

/**
 * {header: [names], rows: [[cells]]} for one table or series output (`table`), or for the single
 * figures (`table` null), from the outputs' values; `header` writes a column's name.
 * @param {ExportItem[]} items the spec's exports
 * @param {Record<string, any>} outputs
 * @param {string | null} table
 * @param {(header: string) => string} header
 * @returns {{header: string[], rows: unknown[][]}}
 */
export function tableOf(items, outputs, table, header) {
  if (!table) {
    const scalars = items.filter((o) => !o.columns);
    return { header: scalars.map((o) => header(o.header)), rows: [scalars.map((o) => exportValue(o.format, outputs[o.name]))] };
  }
  const item = /** @type {ExportItem & {columns: NonNullable<ExportItem["columns"]>}} */ (items.find((o) => o.name === table));
  /** @type {Record<string, unknown>[]} */
  const rows = Array.isArray(outputs[table]) ? outputs[table] : [];
  const known = item.columns.map((c) => c.name);
  // a column a row carries that the spec does not describe is kept, without a unit
  const extra = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => !known.includes(k));
  const columns = [...item.columns.filter((c) => rows.some((r) => c.name in r)), ...extra.map((k) => ({ name: k, header: k, format: "" }))];
  return {
    header: columns.map((c) => header(c.header)),
    rows: rows.map((r) => columns.map((c) => exportValue(c.format, r[c.name]))),
  };
}

/**
 * @param {HTMLFormElement} form
 * @param {Record<string, any>} outputs
 * @param {string | null} table
 */
function exportTable(form, outputs, table) {
  return tableOf(specOf(form).exports || [], outputs, table, (h) => exportHeader(form, h));
}

/**
 * The CSV of one table or series output, or of the single figures (null: see outputsOf).
 * @param {HTMLFormElement} form
 * @param {string | null} [table]
 * @returns {Promise<string | null>}
 */
export async function toCSV(form, table = null) {
  const outputs = await outputsOf(form);
  if (!outputs) return null;
  const { header, rows } = exportTable(form, outputs, table);
  return csvText([header, ...rows]);
}

/**
 * JSON that pandas.read_json reads as it is: one record per input and per output (calculator,
 * kind, name, unit-bearing column name, value); a table's value is its rows as in its CSV. The
 * inputs are the ones perpcalc.run takes: {r.name: r.value for r in records if r.kind == "input"}
 * (null: see outputsOf).
 * @param {HTMLFormElement} form
 * @returns {Promise<string | null>}
 */
export async function toJSON(form) {
  const calculator = specOf(form).name;
  /** @type {{calculator: string, kind: string, name: string, column: string, value: unknown}[]} */
  const records = Object.entries(readInputs(form)).map(([name, value]) => ({ calculator, kind: "input", name, column: name, value }));
  const outputs = await outputsOf(form);
  if (!outputs) return null;
  for (const item of specOf(form).exports || []) {
    let value = exportValue(item.format, outputs[item.name]);
    if (item.columns) {
      const { header, rows } = exportTable(form, outputs, item.name);
      value = rows.map((row) => Object.fromEntries(row.map((cell, i) => [header[i], cell instanceof Exact ? Number(cell.text) : cell])));
    } else if (value instanceof Exact) value = Number(value.text);
    records.push({ calculator, kind: "output", name: item.name, column: exportHeader(form, item.header), value });
  }
  return JSON.stringify(records, null, 2);
}

/**
 * Downloads a CSV (of `table`, or of the single figures) or the JSON; nothing while the
 * results are stale (never pair new inputs with old outputs).
 * @param {HTMLFormElement} form
 * @param {"csv" | "json"} kind
 * @param {string | null} [table]
 */
export async function download(form, kind, table = null) {
  const spec = specOf(form);
  if (form.dataset.stale === "true") return;
  const asked = form.dataset.request;
  const text = kind === "json" ? await toJSON(form) : await toCSV(form, table);
  if (form.dataset.stale === "true" || form.dataset.request !== asked) return; // new inputs meanwhile
  if (text === null) { // the worker no longer holds the rows (another answer since): computed again
    requestCompute(form);
    return;
  }
  const blob = new Blob([text], { type: kind === "json" ? "application/json" : "text/csv" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = kind === "json" ? `${spec.name}.json` : `${spec.name}-${table || "summary"}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/**
 * "Copy as Python": the call to the clipboard.
 * @param {HTMLFormElement} form
 * @param {HTMLElement} button
 */
export async function copyPython(form, button) {
  const code = pythonCall(form);
  form.dataset.python = code;
  await copyText(code, button, "Copied");
}

/** @type {WeakMap<HTMLElement, {label: string | null, timer: ReturnType<typeof setTimeout>}>} buttons saying "copied" */
const saying = new WeakMap();

/**
 * Put `text` on the clipboard and say so on `button` for 1.5 s from the last click (`done`, or that
 * it failed, the text then going to the console for the reader to copy by hand), then the button's
 * own name again (a click meanwhile once took "Link copied" for its name, for good).
 * @param {string} text
 * @param {HTMLElement} button
 * @param {string} done
 */
export async function copyText(text, button, done) {
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    ok = false;
  }
  const said = saying.get(button);
  clearTimeout(said?.timer);
  const label = said ? said.label : button.textContent;
  button.textContent = ok ? done : "Copy failed: see console";
  if (!ok) console.info(text);
  const timer = setTimeout(() => {
    button.textContent = label;
    saying.delete(button);
  }, 1500);
  saying.set(button, { label, timer });
}
