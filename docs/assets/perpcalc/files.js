// @ts-check
// The reader's own files: a funding-history export or a positions CSV, chosen with the
// field's file button, dropped on the field or pasted into it, fills a calculator's list
// field. Generic: a field offers this when its spec says which files it accepts (the build
// renders the [data-file-for] box); nothing here knows any calculator or venue.
//
// The file goes to the calculators' worker as a File object (no copy is made here, the page
// never parses it): the worker reads it in slices and perpcalc.venue_files checks and
// converts it, the same code that reads these exports into pandas. Nothing is sent anywhere.
// Progress and errors show beside the field ([data-error-for=FIELD]), in plain words.
//
// A file whose times carry no zone (Binance's website export writes the zone the account
// displays) is read in the browser's time zone first; the box then shows a zone control
// ([data-file-zone], no form field: not an input of the calculator, not in the URL), and
// choosing another zone reads the same file again in it.

/**
 * What perpcalc.js hands over: files.js is loaded on demand and imports none of the page's
 * modules itself, so that the ones the page already runs are the ones it uses.
 * @typedef {{
 *   readFile: typeof import("./runtime.js").readFile,
 *   touched: typeof import("./form.js").touched,
 *   valueOf: typeof import("./lists.js").valueOf,
 *   setValue: typeof import("./lists.js").setValue,
 * }} PageAPI
 */
/** @typedef {import("./runtime.js").FileProgress} FileProgress */
/** @typedef {import("./runtime.js").FileResult} FileResult */
/** @typedef {import("./lists.js").Control} Control */

/**
 * A file's box ([data-file-for]) and the file it last read (read again in another zone).
 * @typedef {HTMLElement & {_file?: File}} FileBox
 */

/**
 * Bytes in MB with one decimal, as the progress line says them.
 * @param {number} bytes
 * @returns {string}
 */
export function mb(bytes) {
  return (bytes / 1e6).toFixed(1);
}

/**
 * The columns a list field reads (its data-columns, "time, rate"), in lower case.
 * @param {{dataset: DOMStringMap}} control
 * @returns {string[]}
 */
function columnsOf(control) {
  return (control.dataset.columns || "").split(",").map((c) => c.trim().toLowerCase());
}

/**
 * Pasted text that is a file rather than rows of the field's own columns: JSON, or CSV whose
 * header names other columns (a venue's export). A first line with a cell that starts like a
 * number or a date ("-6.12", "2024-03-01T00:00Z") is a row, not a header: rows pasted below
 * the field's own header are an ordinary paste.
 * @param {string} text
 * @param {string[]} columns the field's columns, in lower case
 * @returns {boolean}
 */
export function looksLikeFile(text, columns) {
  const head = text.trimStart();
  if (head.startsWith("[") || head.startsWith("{")) return true;
  const first = head.split(/\r?\n/, 1)[0].toLowerCase().split(",").map((c) => c.trim());
  if (first.some((c) => /^[-+\u2212]?\.?\d/.test(c))) return false;
  return first.length > 1 && !first.every((c) => columns.includes(c));
}

/** @returns {string} the browser's time zone ("UTC" when it names none) */
function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

// UTC offsets as venues' websites offer them (Binance's "UTC+8"), then the zone names the
// browser knows.
export const OFFSETS = [-12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 1, 2, 3, 3.5, 4, 4.5, 5, 5.5, 5.75, 6, 6.5,
  7, 8, 9, 9.5, 10, 11, 12, 13, 14];

/**
 * An offset in hours as perpcalc.venue_files reads it: "UTC+8", "UTC-3:30", "UTC+5:45".
 * @param {number} hours
 * @returns {string}
 */
export function offsetName(hours) {
  const h = Math.trunc(Math.abs(hours));
  const m = Math.round((Math.abs(hours) - h) * 60);
  return `UTC${hours < 0 ? "-" : "+"}${h}${m ? `:${String(m).padStart(2, "0")}` : ""}`;
}

/**
 * Fills the zone control once (the browser's zone, UTC, the offsets, every zone name), then
 * selects the zone the file was read in.
 * @param {HTMLSelectElement} select
 * @param {string} current
 */
function fillZones(select, current) {
  if (!select.options.length) {
    /** @type {(parent: HTMLSelectElement | HTMLOptGroupElement, value: string, text: string) => void} */
    const add = (parent, value, text) => {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = text;
      parent.append(option);
    };
    const here = browserZone();
    add(select, here, `${here} (your browser's time zone)`);
    if (here !== "UTC") add(select, "UTC", "UTC");
    const offsets = document.createElement("optgroup");
    offsets.label = "UTC offsets";
    for (const hours of OFFSETS) add(offsets, offsetName(hours), offsetName(hours));
    const names = document.createElement("optgroup");
    names.label = "Time zones";
    /** @type {string[]} */
    let known = [];
    try {
      known = Intl.supportedValuesOf("timeZone");
    } catch {
      known = [];
    }
    for (const zone of known) if (zone !== here && zone !== "UTC") add(names, zone, zone);
    select.append(offsets, names);
  }
  select.value = current;
}

/**
 * Shows the zone control when the file's times carry no zone, hides it otherwise.
 * @param {HTMLElement} box
 * @param {FileResult & {ok: true}} result
 * @param {string} zone the zone the file was read in
 */
function showZone(box, result, zone) {
  const zoneBox = /** @type {HTMLElement | null} */ (box.querySelector("[data-file-zone-box]"));
  if (!zoneBox) return;
  zoneBox.hidden = !result.zoneless;
  if (!result.zoneless) return;
  fillZones(/** @type {HTMLSelectElement} */ (zoneBox.querySelector("[data-file-zone]")), zone);
  /** @type {HTMLElement} */ (zoneBox.querySelector("[data-file-zone-note]")).textContent = zone === browserZone()
    ? "Read in your browser's time zone: choose the zone the venue showed when you exported it."
    : `Read as ${result.timezone} time.`;
}

/**
 * The progress bar's value and maximum (no value: an indeterminate bar) and the line beside it,
 * for one progress message of the worker.
 * @param {string} name the file's name
 * @param {FileProgress} msg
 * @returns {{max: number, value: number | null, text: string}}
 */
export function progressOf(name, msg) {
  if (msg.phase === "reading") {
    return { max: Math.max(1, msg.total), value: msg.done,
      text: `Reading ${name} in your browser: ${mb(msg.done)} of ${mb(msg.total)} MB…` };
  }
  if (msg.total > 1) {
    return { max: Math.max(1, msg.total), value: Math.min(msg.done, msg.total),
      text: `Checking ${name}: line ${msg.done.toLocaleString("en")} of about ${msg.total.toLocaleString("en")}…` };
  }
  return { max: 1, value: null, text: `Checking ${name}…` };
}

/**
 * @param {HTMLElement} box
 * @param {string} name
 * @param {FileProgress} msg
 */
function showProgress(box, name, msg) {
  const bar = /** @type {HTMLProgressElement} */ (box.querySelector("progress"));
  const shown = progressOf(name, msg);
  bar.max = shown.max;
  if (shown.value === null) bar.removeAttribute("value");
  else bar.value = shown.value;
  /** @type {HTMLElement} */ (box.querySelector("[data-file-status]")).textContent = shown.text;
}

/**
 * A field shown only for some choices (pasted rates, not a simulated series): reading a file
 * into it is the reader choosing it, so the choices it needs are made first, and the field,
 * its rows and any error beside it come into view.
 * @param {HTMLFormElement} form
 * @param {HTMLTextAreaElement} control
 * @param {PageAPI} api
 */
function makeApply(form, control, api) {
  const home = /** @type {HTMLElement | null} */ (control.closest(".perpcalc__field"));
  if (!home?.hidden || !home.dataset.when) return;
  /** @type {Record<string, string[]>} */
  const when = JSON.parse(home.dataset.when);
  for (const [name, allowed] of Object.entries(when)) {
    const select = /** @type {HTMLSelectElement | null} */ (form.querySelector(`select[name="${CSS.escape(name)}"]`));
    if (!select || allowed.includes(select.value)) continue;
    select.value = allowed[0];
    api.touched(form).add(name);
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }
}

/**
 * The list field a file box fills.
 * @param {HTMLFormElement} form
 * @param {HTMLElement} box
 * @returns {HTMLTextAreaElement}
 */
function fieldOf(form, box) {
  return /** @type {HTMLTextAreaElement} */ (form.querySelector(`textarea[name="${CSS.escape(box.dataset.fileFor || "")}"]`));
}

/**
 * Reads one file in the worker and fills the form with what it holds, or says why not.
 * @param {HTMLFormElement} form
 * @param {FileBox} box
 * @param {File} file
 * @param {PageAPI} api
 */
async function load(form, box, file, api) {
  const field = box.dataset.fileFor || "";
  const control = fieldOf(form, box);
  makeApply(form, control, api);
  const slot = /** @type {HTMLElement} */ (form.querySelector(`[data-error-for="${CSS.escape(field)}"]`));
  const status = /** @type {HTMLElement} */ (box.querySelector("[data-file-status]"));
  const bar = /** @type {HTMLProgressElement} */ (box.querySelector("progress"));
  const name = file.name || "the pasted text";
  box.dataset.state = "busy";
  slot.textContent = "";
  control.removeAttribute("aria-invalid");
  bar.hidden = false;
  bar.removeAttribute("value");
  status.textContent = `Reading ${name} in your browser…`;
  box._file = file;
  const zone = box.dataset.zone || browserZone();
  // a lone settlement takes the interval the reader set, else the venue's usual one
  const interval = /** @type {HTMLInputElement | null} */ (form.querySelector('input[name="interval_hours"]'));
  const typed = interval && api.touched(form).has("interval_hours") ? api.valueOf(interval) : null;
  const options = { timezone: zone, interval_hours: typed, filename: file.name || "" };
  /** @type {FileResult} */
  const result = await api.readFile(form, field, file, (msg) => showProgress(box, name, msg), options);
  bar.hidden = true;
  box.dataset.zoneless = String(Boolean(result.ok && result.zoneless));
  if (!result.ok) {
    box.dataset.state = "error";
    slot.textContent = `${name}: ${result.error.message}`;
    control.setAttribute("aria-invalid", "true");
    status.textContent = `${name} was not read: see the message below.`;
    form.dispatchEvent(new CustomEvent("perpcalc:file", { detail: result }));
    return;
  }
  showZone(box, result, zone);
  /** @type {Control[]} */
  const changed = [];
  for (const [key, given] of Object.entries(result.values)) {
    const el = /** @type {Control | null} */ (form.querySelector(`:is(input, select, textarea)[name="${CSS.escape(key)}"]`));
    if (!el) continue;
    // the worker gave the file's rates in the unit the reader types (percent)
    if (api.valueOf(el) === given) continue;
    api.setValue(el, given);
    api.touched(form).add(key);
    changed.push(el);
  }
  // selects first (a choice may show or hide fields), then one edit that recomputes
  for (const el of changed) if (el.tagName === "SELECT") el.dispatchEvent(new Event("change", { bubbles: true }));
  control.dispatchEvent(new Event("input", { bubbles: true }));
  box.dataset.state = "done";
  status.textContent = `Read ${name}: ${result.message}`;
  form.dispatchEvent(new CustomEvent("perpcalc:file", { detail: result }));
}

/**
 * Wires every file box of a form (once each): the file button, drops on the field, pastes of
 * a file's text, the zone control.
 * @param {HTMLFormElement} form
 * @param {PageAPI} api
 */
export function wireFiles(form, api) {
  for (const box of /** @type {NodeListOf<FileBox>} */ (form.querySelectorAll("[data-file-for]"))) {
    if (box.dataset.wired === "true") continue;
    box.dataset.wired = "true";
    const control = fieldOf(form, box);
    // drops land on the file button's block and on the field itself (they differ when the
    // field is shown only for some choices)
    /** @type {(el: HTMLElement) => HTMLElement} */
    const fieldBox = (el) => el.closest(".perpcalc__field") || el;
    const zones = new Set([fieldBox(box), fieldBox(control)]);
    const input = /** @type {HTMLInputElement} */ (box.querySelector('input[type="file"]'));
    const take = (/** @type {File} */ file) => {
      if (box.dataset.state !== "busy") load(form, box, file, api);
    };
    input.addEventListener("change", (event) => {
      event.stopPropagation(); // not an edit of the form's inputs
      if (input.files && input.files[0]) take(input.files[0]);
      input.value = "";
    });
    input.addEventListener("input", (event) => event.stopPropagation());
    const zone = /** @type {HTMLSelectElement | null} */ (box.querySelector("[data-file-zone]"));
    if (zone) {
      zone.addEventListener("input", (event) => event.stopPropagation());
      zone.addEventListener("change", (event) => {
        event.stopPropagation(); // the file's zone, not an input of the calculator
        box.dataset.zone = zone.value;
        if (box._file) take(box._file);
      });
    }
    const hasFiles = (/** @type {DragEvent} */ event) => [...(event.dataTransfer?.types || [])].includes("Files");
    for (const field of zones) {
      field.addEventListener("dragover", (event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        field.classList.add("perpcalc__field--drop");
      });
      field.addEventListener("dragleave", () => field.classList.remove("perpcalc__field--drop"));
      field.addEventListener("drop", (event) => {
        field.classList.remove("perpcalc__field--drop");
        const file = event.dataTransfer?.files?.[0];
        if (!file) return;
        event.preventDefault();
        take(file);
      });
    }
    control.addEventListener("paste", (event) => {
      const text = event.clipboardData?.getData("text/plain");
      // rows of the field's own columns: an ordinary paste
      if (!text || !looksLikeFile(text, columnsOf(control))) return;
      event.preventDefault();
      take(new File([text], "", { type: "text/plain" }));
    });
  }
}
