// @ts-check
// What "Copy as Python" and the downloads write, as pure functions imported by perpcalc.js and
// unit-tested under Node (tests/js/exports.test.mjs).
//
// The downloads' columns come from the spec's `exports` (the build writes it): numbers stay
// numbers, and rates, fractions in perpcalc, are written in percent as the page shows them,
// exactly ("-0.0003" → -0.03).

import { shiftPoint } from "./percent.js";

/** A number written exactly as its text (a rate moved to percent), never through a float. */
export class Exact {
  /** @param {string} text */
  constructor(text) {
    this.text = text;
  }
}

/**
 * An output's value as a download writes it: a "percent" number becomes its exact percent.
 * @param {string} format the export item's format ("percent", or "" for as it is)
 * @param {unknown} value
 * @returns {unknown}
 */
export function exportValue(format, value) {
  if (format === "percent" && typeof value === "number") return new Exact(shiftPoint(String(value), 2));
  return value;
}

/**
 * One CSV cell. Spreadsheet formula injection (OWASP): a text cell starting with = + - @ tab
 * or CR is prefixed with a single quote and quoted. Numbers stay numbers (−5 is written -5).
 * @param {unknown} value
 * @returns {string}
 */
export function csvCell(value) {
  if (typeof value === "number") return String(value);
  if (value instanceof Exact) return value.text;
  let text = value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  const formula = /^[=+\-@\t\r]/.test(text);
  if (formula) text = `'${text}`;
  return formula || /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Rows of cells as CSV text, each line ending in a newline.
 * @param {unknown[][]} rows
 * @returns {string}
 */
export function csvText(rows) {
  return rows.map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
}

/**
 * A Python string literal that shows exactly what it holds: JSON's escapes are Python's,
 * and every control, format (bidi override, isolate, zero-width) or separator character is
 * written as an escape too, so a pasted value cannot make the snippet display code that it
 * does not contain ("Trojan Source").
 * @param {unknown} value
 * @returns {string}
 */
export function pyString(value) {
  return JSON.stringify(String(value)).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu, (ch) => {
    const code = /** @type {number} */ (ch.codePointAt(0));
    return code > 0xffff ? `\\U${code.toString(16).padStart(8, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/**
 * The "Copy as Python" snippet: perpcalc.run on the calculator with the form's inputs.
 * @param {string} name the calculator's name
 * @param {string} fn the dotted name of the function behind it
 * @param {Record<string, string>} inputs the inputs as perpcalc.run takes them
 * @returns {string}
 */
export function pythonSource(name, fn, inputs) {
  const lines = Object.entries(inputs).map(([k, v]) => `    ${pyString(k)}: ${pyString(v)},`);
  return [
    "import perpcalc  # to install it: the page \"Use it in Python\" on this site (/use-in-python/)",
    "",
    `result = perpcalc.run(${JSON.stringify(name)}, {`,
    ...lines,
    "})",
    `# the function behind it: ${fn}`,
    "print(result)",
    "",
  ].join("\n");
}
