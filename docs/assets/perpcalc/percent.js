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
 * A control's rate attributes as plain data, which a worker (no DOM) can be sent.
 * @typedef {{percent: boolean, columns: string, percentColumns: string}} RateShape
 */

/**
 * What fromAPI and toAPI read of `el`, as plain data.
 * @param {RateControl} el
 * @returns {RateShape}
 */
export function rateShape(el) {
  return { percent: el.hasAttribute("data-percent"), columns: el.dataset.columns || "", percentColumns: el.dataset.percentColumns || "" };
}

/**
 * A RateControl with the attributes `shape` describes (rateShape's inverse).
 * @param {RateShape} shape
 * @returns {RateControl}
 */
export function shapedControl(shape) {
  return { hasAttribute: (name) => name === "data-percent" && shape.percent,
    dataset: { columns: shape.columns, percentColumns: shape.percentColumns } };
}

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
  // fn gets the cell without the spacing around it (trim's white space is the regular
  // expressions' \s), which is put back; a blank cell is left as it is
  const cell = (/** @type {string} */ raw) => {
    const core = raw.trim();
    if (core === "") return raw;
    if (core.length === raw.length) return fn(core);
    const lead = raw.length - raw.trimStart().length;
    return raw.slice(0, lead) + fn(core) + raw.slice(lead + core.length);
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

/** Beyond this many zeros between the point and the digits, shiftPoint writes an exponent. */
export const MAX_ZEROS = 40;

/** A plain or exponent number's text: sign, whole digits, fraction digits, exponent. */
const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/**
 * "-0.0003" → "-0.03" (places = 2): moves the decimal point of a number's text exactly.
 * Text that is not a plain or exponent number comes back as it is. A number that would need
 * more than MAX_ZEROS zeros written out keeps an exponent ("1e-999999" → "1e-999997"): a link
 * or a file cannot make the page write millions of characters.
 * @param {string | number} text
 * @param {number} places
 * @returns {string}
 */
export function shiftPoint(text, places) {
  const m = NUMBER.exec(String(text).trim().replace("\u2212", "-"));
  if (!m) return String(text);
  const [, sign, whole, frac = "", exp = "0"] = m;
  const all = whole + frac;
  let zeros = 0; // leading zeros: not digits of the number
  while (zeros < all.length && all.charCodeAt(zeros) === 48) zeros++;
  const digits = all.slice(zeros);
  if (!digits) return "0";
  const point = whole.length - zeros + Number(exp) + places;
  const pad = point <= 0 ? -point : point - digits.length; // zeros written out positionally
  if (pad > MAX_ZEROS || !Number.isSafeInteger(point)) { // "1e-99999999" would be 100 MB of text
    const kept = digits.replace(/0+$/, "");
    return `${sign === "-" ? "-" : ""}${kept}e${point - kept.length}`;
  }
  let out;
  if (point <= 0) out = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  if (point < digits.length) { // a fraction: its trailing zeros, then a bare point, go
    let end = out.length;
    while (out.charCodeAt(end - 1) === 48) end--;
    if (out.charCodeAt(end - 1) === 46) end--;
    out = out.slice(0, end);
  }
  return (sign === "-" ? "-" : "") + out;
}
