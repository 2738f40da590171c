// @ts-check
// Rates in percent: pure text functions (no DOM beyond an element's attributes), imported by
// perpcalc.js and unit-tested under Node (tests/js/percent.test.mjs).
//
// Rate fields (data-percent) and the rate columns of list fields (data-percent-columns) are
// typed and shown in percent, as venues print them (0.01 means 0.01 %, the % sign optional);
// perpcalc reads "x%" as x/100 and a bare number as a fraction. toAPI marks what the reader
// typed with %; fromAPI turns text in the API's unit (a link made before rates were shown in
// percent, a file's rates) into what the form shows.

/**
 * What these functions read of a form control: its data-percent attribute and, for a list
 * field, its data-columns and data-percent-columns.
 * @typedef {{hasAttribute(name: string): boolean, dataset: {columns?: string, percentColumns?: string}}} RateControl
 */

/**
 * The text a rate control holds, as perpcalc reads it: each rate ends in %.
 * @param {RateControl} el
 * @param {string} text
 * @returns {string}
 */
export function toAPI(el, text) {
  const mark = (/** @type {string} */ t) => (t.endsWith("%") ? t : `${t}%`);
  if (el.hasAttribute("data-percent")) return text.trim() === "" ? text : mark(text.trim());
  return rateCells(el, text, mark);
}

/**
 * Text in the API's unit (a bare number is a fraction, "x%" is percent) as the form shows it.
 * @param {RateControl} el
 * @param {string} text
 * @returns {string}
 */
export function fromAPI(el, text) {
  const unmark = (/** @type {string} */ t) => (t.endsWith("%") ? t.slice(0, -1).trim() : shiftPoint(t, 2));
  if (el.hasAttribute("data-percent")) return text.trim() === "" ? "" : unmark(text.trim());
  return rateCells(el, text, unmark);
}

/**
 * `text` with `fn` applied to each rate cell of a list field (spacing kept). A list of one
 * column takes values one per line or separated by commas, after an optional header line; a
 * list of several columns starts with a header that names them (perpcalc's parse_rows).
 * @param {RateControl} el
 * @param {string} text
 * @param {(cell: string) => string} fn
 * @returns {string}
 */
export function rateCells(el, text, fn) {
  const rates = (el.dataset.percentColumns || "").split(",").map((c) => c.trim()).filter(Boolean);
  if (!rates.length || !text.trim()) return text;
  const columns = (el.dataset.columns || "").split(",").map((c) => c.trim().toLowerCase());
  const cell = (/** @type {string} */ raw) => {
    const m = /** @type {RegExpExecArray} */ (/^(\s*)(.*?)(\s*)$/s.exec(raw));
    return m[2] === "" ? raw : m[1] + fn(m[2]) + m[3];
  };
  const start = text.search(/\S/);
  const lineEnd = text.indexOf("\n", start) === -1 ? text.length : text.indexOf("\n", start);
  const head = text.slice(start, lineEnd).split(",").map((c) => c.trim().toLowerCase());
  const hasHeader = columns.length > 1 || head.includes(columns[0]);
  const bodyFrom = hasHeader ? lineEnd : 0;
  if (columns.length === 1) return text.slice(0, bodyFrom) + text.slice(bodyFrom).replace(/[^,\n]+/g, cell);
  const marked = head.map((h) => rates.includes(h));
  const body = text.slice(bodyFrom).split("\n").map((line) => line.split(",").map((c, i) => (marked[i] ? cell(c) : c)).join(","));
  return text.slice(0, bodyFrom) + body.join("\n");
}

/**
 * "-0.0003" → "-0.03" (places = 2): moves the decimal point of a number's text exactly.
 * Text that is not a plain or exponent number comes back as it is.
 * @param {string | number} text
 * @param {number} places
 * @returns {string}
 */
export function shiftPoint(text, places) {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(String(text).trim().replace("\u2212", "-"));
  if (!m) return String(text);
  const [, sign, whole, frac = "", exp = "0"] = m;
  const digits = (whole + frac).replace(/^0+/, "");
  if (!digits) return "0";
  const point = whole.length - ((whole + frac).length - digits.length) + Number(exp) + places;
  let out;
  if (point <= 0) out = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  if (out.includes(".")) out = out.replace(/0+$/, "").replace(/\.$/, "");
  return (sign === "-" ? "-" : "") + out;
}
