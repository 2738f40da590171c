// @ts-check
// Large lists, both ways: a list field holding more text than its box can lay out, and a result
// table with more rows than the page can hold at once. Imported by the page's modules; the pure
// functions are unit-tested under Node (tests/js/lists.test.mjs).
//
// Held fields. A list over HOLD_CHARS characters (pasted, read from a file or from a link) is held
// by the page, not by its text box: Chromium lays out every line of a textarea, and 100,000 pasted
// rows cost one 200-500 ms frame. The box then shows the first PREVIEW_LINES lines, read-only,
// and a line under it says how many rows it holds, with buttons to clear them or to put
// them all in the box (the reader's choice, slow as that is). Everything that reads a field
// reads valueOf(); everything that fills one calls setValue().
//
// Paged rows. Tables show TABLE_PAGE rows at a time with Previous/Next: a pasted list can give
// 100,000 rows, and putting them all in the DOM froze the tab for minutes (insertRow is quadratic,
// and even a linear build plus layout is a long task). The downloads hold every row. Only the rows
// shown are ever written as text: a long output's answer holds its first page's text. A long
// table's rows stay in the worker (display.kept: the answer's number), which sends the text of
// another page when the reader turns to it, and all the rows for a download; a long series' raw
// rows come with the answer (its chart draws them all), and another page of them is formatted by
// perpcalc in the worker from that page's raw rows (TABLE_PAGE is perpcalc.page.PAGE_ROWS).

/** @typedef {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} Control */

/** Text longer than this is held by the page, not by the text box. */
export const HOLD_CHARS = 200_000;
/** How many lines a held field's box shows. */
export const PREVIEW_LINES = 20;

/** @type {WeakMap<Element, string>} a held field's whole text */
const held = new WeakMap();
/** @type {WeakSet<Element>} fields the reader asked to show whole ("Show all in the box") */
const unheld = new WeakSet();

/**
 * What a field holds: its held text, else its box's value.
 * @param {Control} el
 * @returns {string}
 */
export function valueOf(el) {
  return held.get(el) ?? el.value;
}

/**
 * Fills a field: a textarea is given text over HOLD_CHARS as held text.
 * @param {Control} el
 * @param {string} text
 */
export function setValue(el, text) {
  unheld.delete(el);
  if (el.tagName === "TEXTAREA" && text.length > HOLD_CHARS) hold(/** @type {HTMLTextAreaElement} */ (el), text);
  else {
    release(el);
    el.value = text;
  }
}

/**
 * Whether an input event's textarea now holds a paste to hold (before the next frame lays it out).
 * @param {HTMLTextAreaElement} el
 * @returns {boolean}
 */
export function wantsHold(el) {
  return !unheld.has(el) && !held.has(el) && el.value.length > HOLD_CHARS;
}

/**
 * A paste into a list field that makes it longer than HOLD_CHARS goes to the page's hold at once
 * (true; the caller cancels the paste): let into the box, 100,000 pasted rows cost the browser
 * about 100 ms to insert and the box 50-60 ms more to give up for its preview. False: the box
 * takes the paste (a short one, a box the reader asked to show whole, a held box, read-only).
 * @param {HTMLTextAreaElement} el
 * @param {string} text the pasted text
 * @returns {boolean}
 */
export function holdPaste(el, text) {
  if (unheld.has(el) || held.has(el) || el.readOnly) return false;
  const start = el.selectionStart ?? el.value.length;
  const end = el.selectionEnd ?? start;
  if (el.value.length - (end - start) + text.length <= HOLD_CHARS) return false;
  hold(el, el.value.slice(0, start) + text + el.value.slice(end));
  return true;
}

/**
 * How many lines `text` has (a final newline ends the last line, it does not start one).
 * @param {string} text
 * @returns {number}
 */
export function lineCount(text) {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n + (text.endsWith("\n") ? 0 : 1);
}

/**
 * What a held field's box shows: its first PREVIEW_LINES + 1 lines (the header and the rows),
 * then a line with "…".
 * @param {string} text
 * @returns {string}
 */
export function preview(text) {
  let end = -1;
  for (let i = 0; i <= PREVIEW_LINES; i++) {
    end = text.indexOf("\n", end + 1);
    if (end === -1) break;
  }
  return `${end === -1 ? text : text.slice(0, end)}\n…`;
}

/**
 * The line under a held field's box (its buttons follow).
 * @param {string} text the held text
 * @returns {string}
 */
export function heldSummary(text) {
  const rows = Math.max(0, lineCount(text) - 1);
  // not "in use": rows past the field's limit are held too, and refused
  return `${rows.toLocaleString("en-US")} rows (${(text.length / 1e6).toFixed(1)} MB);`
    + ` the box shows the first ${Math.min(rows, PREVIEW_LINES)} and cannot be typed in, which keeps the page`
    + " responsive: to edit them, show all in the box or clear it.";
}

/**
 * Holds `text` for a textarea: the box shows its preview, read-only, and a line says so.
 * @param {HTMLTextAreaElement} el
 * @param {string} text
 */
export function hold(el, text) {
  held.set(el, text);
  el.value = preview(text);
  el.readOnly = true;
  el.dataset.held = "true";
  let note = el.closest(".perpcalc__field")?.querySelector("[data-held-for]");
  if (!note) {
    note = document.createElement("p");
    note.className = "perpcalc__held";
    /** @type {HTMLElement} */ (note).dataset.heldFor = el.name;
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
      const full = /** @type {string} */ (held.get(el));
      release(el);
      unheld.add(el);
      el.value = full;
    });
    note.append(words, " ", clear, " ", all);
    el.closest(".perpcalc__control")?.after(note);
  }
  /** @type {ChildNode} */ (note.firstChild).textContent = heldSummary(text);
}

/**
 * Gives a held field's text back to its box's control (the box keeps what it shows).
 * @param {Control} el
 */
export function release(el) {
  if (!held.has(el)) return;
  held.delete(el);
  /** @type {HTMLTextAreaElement} */ (el).readOnly = false; // only a textarea is ever held
  delete el.dataset.held;
  el.closest(".perpcalc__field")?.querySelector("[data-held-for]")?.remove();
}

// ---------------------------------------------------------------- paged rows

/** How many rows a result table shows at once. */
export const TABLE_PAGE = 200;

/**
 * The raw rows of a long output as the worker sends them apart (perpcalc.page.compute_page): its
 * JSON text as UTF-8 bytes, in which page k's rows are bytes[offsets[k]:offsets[k + 1] - 1] (rows
 * separated by commas), TABLE_PAGE rows a page.
 * @typedef {{bytes: Uint8Array, offsets: number[]}} RawPages
 */

/**
 * An output as the page shows it: its text and, for a table, its column labels and rows (for a
 * long one, the text of its first TABLE_PAGE rows, how many rows it has, and its raw pages or the
 * number of the answer whose rows the worker kept).
 * @typedef {{text: string, columns?: string[], rows?: string[][], total?: number, offsets?: number[],
 *   raw?: RawPages, kept?: number}} Shown
 */

/**
 * A calculator's answer as the worker sends it.
 * @typedef {{ok: true, outputs: Record<string, unknown>, display: Record<string, Shown>,
 *   json?: Record<string, any>} | {ok: false, error: {field?: string, message: string}}} Result
 */

/** Formats a page of a table's raw rows (JSON text) as perpcalc does: the worker's table_page_json. */
/** @typedef {(rowsJSON: string) => Promise<string[][] | null>} FormatRows */
/** The text of page k of a long table the worker kept: the worker's kept_rows. */
/** @typedef {(page: number) => Promise<string[][] | null>} KeptPage */

const utf8 = new TextDecoder();

/**
 * Long series arrive as UTF-8 JSON in transferred buffers (result.json[name]; a long table stays
 * in the worker, and neither result.outputs nor result.json has it). Nothing is
 * decoded on arrival: result.json[name] decodes the JSON text when first read (data-value) and
 * result.outputs[name] parses it when first read (a download, a listener of perpcalc:result);
 * display[name].raw keeps the bytes and page offsets, so a page of rows is decoded when shown.
 * @template {Result} R
 * @param {R} result
 * @returns {R}
 */
export function unpackLarge(result) {
  if (!result.ok) return result;
  /** @type {Record<string, string>} */
  const texts = {};
  for (const [name, bytes] of Object.entries(result.json || {})) {
    /** @type {string | undefined} */
    let text;
    /** @type {unknown} */
    let value;
    Object.defineProperty(texts, name, { enumerable: true, get: () => (text ??= utf8.decode(bytes)) });
    Object.defineProperty(result.outputs, name, { enumerable: true, get: () => (value ??= JSON.parse(texts[name])) });
    const shown = result.display[name];
    if (shown?.offsets) shown.raw = { bytes, offsets: shown.offsets };
  }
  result.json = texts;
  return result;
}

/**
 * The JSON text of page `k` of raw rows (an array), or null past the last page.
 * @param {RawPages} raw
 * @param {number} k
 * @returns {string | null}
 */
export function rawPage(raw, k) {
  const { bytes, offsets } = raw;
  return k >= 0 && k + 1 < offsets.length ? `[${utf8.decode(bytes.subarray(offsets[k], offsets[k + 1] - 1))}]` : null;
}

/**
 * TABLE_PAGE rows of a table from its `start`th (a multiple of TABLE_PAGE): at once when the
 * answer holds their text, else a promise of that page's text from the worker (`kept`) or of
 * that page's raw rows formatted by `format`.
 * @param {Shown} shown
 * @param {number} start
 * @param {FormatRows} [format]
 * @param {KeptPage} [kept]
 * @returns {string[][] | Promise<string[][]>}
 */
export function rowsFrom(shown, start, format, kept) {
  const rows = shown.rows || [];
  if ((!shown.raw && shown.kept === undefined) || start + TABLE_PAGE <= rows.length) return rows.slice(start, start + TABLE_PAGE);
  if (shown.kept !== undefined) return kept ? kept(Math.floor(start / TABLE_PAGE)).then((page) => page || []) : [];
  if (!shown.raw) return [];
  const text = rawPage(shown.raw, Math.floor(start / TABLE_PAGE));
  if (text === null || !format) return [];
  return format(text).then((page) => page || []);
}

/**
 * Where a table's page starts when asked to start at `to`: within its first and last pages.
 * @param {number} to
 * @param {number} total rows in the table
 * @returns {number}
 */
export function pageStart(to, total) {
  return Math.max(0, Math.min(to, (Math.ceil(total / TABLE_PAGE) - 1) * TABLE_PAGE));
}

/**
 * The pager's words for the page starting at `start`: "rows 201–400 of 1,000".
 * @param {number} start
 * @param {number} total
 * @returns {string}
 */
export function pageWords(start, total) {
  const fmt = (/** @type {number} */ n) => n.toLocaleString("en-US");
  return `rows ${fmt(start + 1)}–${fmt(Math.min(start + TABLE_PAGE, total))} of ${fmt(total)}`;
}

/**
 * A table output as DOM: its first TABLE_PAGE rows, and a pager when it has more (a long
 * output's other pages come from `kept` or are formatted by `format` when shown).
 * @param {Shown} shown
 * @param {FormatRows} [format]
 * @param {KeptPage} [kept]
 * @returns {DocumentFragment}
 */
export function buildTable(shown, format, kept) {
  const table = document.createElement("table");
  const headRow = document.createElement("tr");
  for (const label of shown.columns || []) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = label;
    headRow.appendChild(th);
  }
  table.createTHead().appendChild(headRow);
  const body = table.createTBody();
  const fragment = document.createDocumentFragment();
  fragment.append(table);
  const total = shown.total ?? (shown.rows || []).length;
  const put = (/** @type {string[][]} */ shownRows) => {
    const rows = document.createDocumentFragment();
    for (const row of shownRows) {
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
  let start = 0;
  const fill = (/** @type {number} */ from) => {
    const got = rowsFrom(shown, from, format, kept);
    if (Array.isArray(got)) put(got);
    else got.then((rows) => { if (start === from) put(rows); }); // a later page asked meanwhile wins
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
  const show = (/** @type {number} */ to) => {
    start = pageStart(to, total);
    fill(start);
    status.textContent = pageWords(start, total);
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
