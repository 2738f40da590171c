// @ts-check
// Form state: what a calculator form holds and says about itself — its spec (the build embeds
// it), the values of its fields, which fields the reader set and which apply, whether the
// results shown are those of the inputs shown, and the notes and errors next to the fields.
// Generic: nothing here knows any calculator. The pure functions are unit-tested under Node
// (tests/js/form.test.mjs).

import { toAPI, rateCells, shiftPoint } from "./percent.js";
import { valueOf, setValue } from "./lists.js";
import { runtime } from "./runtime.js";

/** @typedef {import("./lists.js").Control} Control */

/**
 * A download's item: an output (or a table's column), its unit-bearing header and its format.
 * @typedef {{name: string, header: string, format: string, label?: string,
 *   columns?: {name: string, header: string, format: string}[]}} ExportItem
 */

/**
 * What the build embeds in each form (data-spec): the worked example's values as the form shows
 * them, each preset chooser's values per choice, the fields' own defaults, charts and downloads.
 * @typedef {{name: string, example: string, function: string, values: Record<string, string>,
 *   defaults?: Record<string, string>, presets: Record<string, Record<string, Record<string, string>>>,
 *   charts?: Record<string, import("./charts.js").Chart>, exports?: ExportItem[]}} Spec
 */

/** @type {WeakMap<HTMLFormElement, Spec>} */
const specs = new WeakMap();

/**
 * The spec the build embedded in a form, parsed once.
 * @param {HTMLFormElement} form
 * @returns {Spec}
 */
export function specOf(form) {
  let spec = specs.get(form);
  if (!spec) {
    spec = /** @type {Spec} */ (JSON.parse(/** @type {string} */ (form.dataset.spec)));
    specs.set(form, spec);
  }
  return spec;
}

/**
 * The calculator forms of the page, in its order.
 * @returns {HTMLFormElement[]}
 */
export function formsOnPage() {
  return [...document.querySelectorAll("form.perpcalc[data-calculator]")].map((f) => /** @type {HTMLFormElement} */ (f));
}

/**
 * A form's named controls (its fields), in its order.
 * @param {HTMLFormElement} form
 * @returns {Control[]}
 */
export function controls(form) {
  return [...form.querySelectorAll("input[name], select[name], textarea[name]")].map((el) => /** @type {Control} */ (el));
}

/**
 * A form's control for field `name`, if it has one.
 * @param {ParentNode} form
 * @param {string} name
 * @returns {Control | null}
 */
export function controlFor(form, name) {
  return form.querySelector(`:is(input, select, textarea)[name="${CSS.escape(name)}"]`);
}

/**
 * What perpcalc.run takes from the form: every field that applies and is not blank, rates
 * marked with %.
 * @param {HTMLFormElement} form
 * @returns {Record<string, string>}
 */
export function readInputs(form) {
  /** @type {Record<string, string>} */
  const inputs = {};
  for (const el of controls(form)) {
    if (/** @type {HTMLElement | null} */ (el.closest(".perpcalc__field"))?.hidden) continue; // does not apply to the chosen venue/contract/mode
    const text = valueOf(el);
    const value = text.trim();
    if (value === "") continue;
    inputs[el.name] = toAPI(el, text);
  }
  return inputs;
}

/** @type {WeakMap<HTMLFormElement, Set<string>>} */
const touchedFields = new WeakMap();

/**
 * The fields the reader set (a preset leaves them as they are).
 * @param {HTMLFormElement} form
 * @returns {Set<string>}
 */
export function touched(form) {
  let names = touchedFields.get(form);
  if (!names) touchedFields.set(form, (names = new Set()));
  return names;
}

// ---------------------------------------------------------------- presets and reset

// One preset semantics (as perpcalc.run applies them): choosing a venue fills the venue's
// values into the fields the reader has not set; a field the reader set keeps its value.

/**
 * What choosing `value` for chooser `field` sets: each field some preset of this chooser sets
 * gets the chosen preset's value, or else the field's own default (a venue without an MMR figure
 * does not keep the last venue's); fields in `keep` (the reader's) are left out.
 * @param {Spec} spec
 * @param {string} field
 * @param {string} value
 * @param {Set<string>} keep
 * @returns {Record<string, string>}
 */
export function presetValues(spec, field, value, keep) {
  const table = spec.presets[field];
  /** @type {Record<string, string>} */
  const out = {};
  if (!table) return out;
  const chosen = table[value] || {}; // a choice without a preset (generic, custom) restores defaults
  const names = new Set(Object.values(table).flatMap((t) => Object.keys(t)));
  for (const name of names) {
    if (keep.has(name)) continue;
    out[name] = name in chosen ? chosen[name] ?? "" : spec.defaults?.[name] ?? ""; // presets as the form shows them
  }
  return out;
}

/**
 * Applies the preset of choice `value` of chooser `field` to the form.
 * @param {HTMLFormElement} form
 * @param {string} field
 * @param {string} value
 */
export function applyPreset(form, field, value) {
  for (const [name, text] of Object.entries(presetValues(specOf(form), field, value, touched(form)))) {
    const el = controlFor(form, name);
    if (el) setValue(el, text);
  }
}

/**
 * Puts the worked example back in every field and forgets what the reader set.
 * @param {HTMLFormElement} form
 */
export function resetValues(form) {
  const values = specOf(form).values;
  for (const el of controls(form)) setValue(el, values[el.name] ?? "");
  touched(form).clear();
  applyWhen(form);
}

// ---------------------------------------------------------------- fields that apply

/**
 * Whether a field with `when` ({chooser: [choices]}) applies, given each chooser's value
 * (undefined: the form has no such chooser, and the field applies).
 * @param {Record<string, string[]>} when
 * @param {(name: string) => string | undefined} chosen
 * @returns {boolean}
 */
export function applies(when, chosen) {
  return Object.entries(when).every(([name, allowed]) => {
    const value = chosen(name);
    return value === undefined || allowed.includes(value);
  });
}

/**
 * Hides the fields that do not apply to the chosen venue, contract or margin mode (the spec's
 * `when`; hidden fields are not sent) and shows the others.
 * @param {HTMLFormElement} form
 * @returns {boolean} whether any field changed
 */
export function applyWhen(form) {
  let changed = false;
  for (const field of form.querySelectorAll(".perpcalc__field[data-when]")) {
    const box = /** @type {HTMLElement} */ (field);
    const when = JSON.parse(/** @type {string} */ (box.dataset.when));
    const ok = applies(when, (name) => /** @type {HTMLSelectElement | null} */ (form.querySelector(`select[name="${CSS.escape(name)}"]`))?.value);
    if (box.hidden === ok) {
      box.hidden = !ok;
      changed = true;
    }
  }
  return changed;
}

// ---------------------------------------------------------------- notes beside rate fields
// Rate fields (data-percent) and the rate columns of list fields (data-percent-columns) are
// typed and shown in percent (percent.js). A rate beyond what venues use is allowed but
// questioned (never an error): typing 3 where a venue prints 0.03 % is the usual slip.

/** A rate typed as a fraction (0.0001 for 0.01 %) reads as a tiny percentage: when every non-zero
 * rate of a field or list is below FRACTION_LIKE percent, the note says so. */
export const FRACTION_LIKE = 0.001;

/**
 * What a rate field or a list's rate cells hold, as numbers in percent (blank or unreadable: NaN).
 * @param {import("./percent.js").RateControl & {tagName: string}} el
 * @param {string} text the field's value
 * @returns {number[]}
 */
export function typedRates(el, text) {
  /** @type {number[]} */
  const values = [];
  const read = (/** @type {string} */ t) => {
    values.push(t.trim() === "" ? NaN : Number(t.replace(/%$/, "").replace("\u2212", "-").trim()));
    return t;
  };
  if (el.tagName === "TEXTAREA") rateCells(el, text, read);
  else read(text);
  return values;
}

/**
 * The note beside a rate field: a value past `limit` (percent for rate fields and lists), or
 * rates that all look like fractions; "" when neither.
 * @param {{tagName: string, hasAttribute(name: string): boolean}} el
 * @param {number[]} values what typedRates read
 * @param {number} limit the field's data-typical
 * @param {string | undefined} limitText the same as written
 * @returns {string}
 */
export function rateNote(el, values, limit, limitText) {
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

/**
 * Writes the note beside every field with a plausibility limit (data-typical).
 * @param {HTMLFormElement} form
 */
export function showNotes(form) {
  for (const field of form.querySelectorAll("[data-typical]")) {
    const el = /** @type {HTMLInputElement | HTMLTextAreaElement | null} */ (field.querySelector("input[name], textarea[name]"));
    const slot = field.querySelector("[data-note-for]");
    if (!el || !slot) continue;
    const typical = /** @type {HTMLElement} */ (field).dataset.typical;
    slot.textContent = rateNote(el, typedRates(el, valueOf(el)), Number(typical), typical);
  }
}

// ---------------------------------------------------------------- errors beside fields

/** @param {HTMLFormElement} form */
export function clearErrors(form) {
  for (const el of form.querySelectorAll("[data-error-for]")) el.textContent = "";
  for (const el of controls(form)) el.removeAttribute("aria-invalid");
}

/**
 * Shows perpcalc's refusal beside the field it names (or the form's own slot) and marks the
 * results as those of earlier inputs.
 * @param {HTMLFormElement} form
 * @param {{field?: string, message: string}} error
 */
export function showError(form, error) {
  const field = error.field || "";
  let slot = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
  if (!slot) slot = form.querySelector('[data-error-for=""]');
  /** @type {Element} */ (slot).textContent = error.message;
  const control = field ? controlFor(form, field) : null;
  if (control) control.setAttribute("aria-invalid", "true");
  form.dataset.failed = "true";
  const visible = control && !/** @type {HTMLElement | null} */ (control.closest(".perpcalc__field"))?.hidden;
  markStale(form, visible ? null : `for earlier inputs: ${error.message}`);
}

// ---------------------------------------------------------------- truthful display
// Whenever the results shown are not the results of the inputs shown, the form says so:
// data-stale="true" (results greyed), a line saying what will happen, exports disabled.

/**
 * The line beside "Results:" (pure: the form's flags and the runtime's state).
 * @param {{failed: boolean, edited: boolean, atExample: boolean, runtime: string, why?: string | null}} state
 * @returns {string}
 */
export function resultsNote({ failed, edited, atExample, runtime: state, why }) {
  if (failed) return why || "for earlier inputs; fix the field in red";
  if (!edited) return atExample ? "worked example" : "your inputs";
  if (state === "error") return "worked example, not yours: no live calculator";
  if (state !== "ready") return "worked example; yours will show once loaded";
  return "updating…";
}

/**
 * Says whether the results shown are those of the inputs shown (see above).
 * @param {HTMLFormElement} form
 * @param {string | null} [why] for a refusal the reader cannot see beside its field
 */
export function markStale(form, why) {
  const edited = form.dataset.dirty === "true";
  const failed = form.dataset.failed === "true";
  const note = /** @type {HTMLElement | null} */ (form.querySelector("[data-results-note]"));
  const text = resultsNote({ failed, edited, atExample: failed || edited || atExample(form), runtime: runtime.state, why });
  if (note && note.textContent !== text) {
    note.textContent = text;
    note.title = text;
  }
  const stale = edited || failed;
  form.dataset.stale = String(stale);
  for (const b of form.querySelectorAll("[data-export]")) /** @type {HTMLButtonElement} */ (b).disabled = stale;
  const off = form.querySelector("[data-export-why]");
  if (off) off.textContent = stale ? "Downloads are off until the results are those of your inputs." : "";
  markProse(form);
}

/**
 * Whether every field holds the worked example's value.
 * @param {HTMLFormElement} form
 * @returns {boolean}
 */
export function atExample(form) {
  const values = specOf(form).values;
  return controls(form).every((el) => valueOf(el) === (values[el.name] ?? ""));
}

/**
 * [[value]] numbers in the page's prose are the worked example's: say so once the reader's differ.
 * @param {HTMLFormElement} form
 */
function markProse(form) {
  const differ = !atExample(form);
  const sel = `.perpcalc-example-value[data-calculator="${CSS.escape(form.dataset.calculator || "")}"][data-example="${CSS.escape(form.dataset.example || "")}"]`;
  for (const el of document.querySelectorAll(sel)) el.toggleAttribute("data-diverged", differ);
}
