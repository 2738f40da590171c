// @ts-check
// The page's address: a form's inputs in the query string (written as results arrive, read when
// the page opens, copied as a link) and landing on the form a shared link names. The keys and
// the size limit are urlstate.js's (pure, unit-tested).
//
// Rates (fields and the rate cells of lists) are written in percent with their sign
// (funding_rate=-0.03%25); a value without % is a fraction, as links made before rates were
// shown in percent hold, and is converted. Values are only ever assigned to .value, never parsed as HTML.

import { toAPI, fromAPI } from "./percent.js";
import { URL_BUDGET, keyPrefix, querySize, overBudget } from "./urlstate.js";
import { specOf, controls, formsOnPage, atExample, touched } from "./form.js";
import { valueOf, setValue } from "./lists.js";
import { copyText } from "./downloads.js";

/** @typedef {import("./lists.js").Control} Control */

/**
 * @param {HTMLFormElement} form
 * @returns {string}
 */
function prefixFor(form) {
  return keyPrefix(form.id, formsOnPage().length);
}

/**
 * @param {Control} el
 * @returns {string}
 */
function queryValue(el) {
  return toAPI(el, valueOf(el));
}

/**
 * A form's inputs that differ from the worked example, into `params`. `tooLong` collects the
 * controls whose value alone is over the link's budget: they are left out here, and never
 * copied (a pasted list can be megabytes).
 * @param {HTMLFormElement} form
 * @param {URLSearchParams} [params]
 * @param {Control[]} [tooLong]
 * @returns {URLSearchParams}
 */
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

// A form's page is the path of the address its inputs were read from (readQuery, as it is wired), not
// the address of the moment: the theme's instant navigation puts the next page's path in the address
// as the reader taps, then fetches that page, and this page's forms stay on screen, live, meanwhile
// (a result that landed then, or a "Copy link" clicked then, took the next page's path).
/** @type {WeakMap<HTMLFormElement, string>} */
const pages = new WeakMap();

/**
 * The path of the page `form` is on (the address's, for a form not read yet).
 * @param {HTMLFormElement} form
 * @returns {string}
 */
function pageOf(form) {
  return pages.get(form) ?? location.pathname;
}

// The address follows the results QUERY_DELAY ms after the last one, outside the result's frame
// (history.replaceState took up to 10 ms there, 30 ms on a loaded machine). A write is for the form's
// page: a form still on screen is no sign that the address is still its page's (see above; a write in
// between gave the next page this page's inputs, which that page's forms then read as a link's). A form
// gone with its page, or a page the address has left, writes nothing. (Writing the pending inputs at
// the tap instead would keep them in the page's history entry, but put a history write inside every
// navigation that follows an edit within QUERY_DELAY.)
const QUERY_DELAY = 250;
/** @type {WeakMap<HTMLFormElement, ReturnType<typeof setTimeout>>} */
const queryTimers = new WeakMap();

/**
 * Writes the form's inputs into the address, QUERY_DELAY ms from now, if the page is still the form's.
 * @param {HTMLFormElement} form
 */
export function laterQuery(form) {
  clearTimeout(queryTimers.get(form));
  const page = pageOf(form);
  queryTimers.set(form, setTimeout(() => form.isConnected && location.pathname === page && writeQuery(form), QUERY_DELAY));
}

/** @param {HTMLFormElement} form */
function writeQuery(form) {
  /** @type {Control[]} */
  const tooLong = [];
  const params = formParams(form, new URLSearchParams(location.search), tooLong);
  limitQuery(form, params, tooLong);
  const query = params.toString();
  const hash = atExample(form) ? location.hash : `#${form.id}`;
  const url = location.pathname + (query ? `?${query}` : "") + hash;
  if (url !== location.pathname + location.search + location.hash) history.replaceState(history.state, "", url);
}

/**
 * A form puts at most URL_BUDGET characters in the query string: past that (a pasted list
 * of 2,000 rows made a 116 KB URL, which servers answer with HTTP 414), its longest values
 * are left out of the link, and the form says so next to its buttons.
 * @param {HTMLFormElement} form
 * @param {URLSearchParams} params
 * @param {Control[]} [tooLong] controls formParams already left out (each alone over the
 *   budget; encoding never shortens a value)
 */
function limitQuery(form, params, tooLong = []) {
  const sizes = controls(form)
    .map((el) => /** @type {[Control, string]} */ ([el, prefixFor(form) + el.name]))
    .filter(([, key]) => params.has(key))
    .map(([el, key]) => /** @type {[Control, string, number]} */ ([el, key, querySize(key, /** @type {string} */ (params.get(key)))]));
  const left = [...tooLong];
  for (const i of overBudget(sizes.map(([, , n]) => n))) {
    params.delete(sizes[i][1]);
    left.push(sizes[i][0]);
  }
  const dropped = controls(form).filter((el) => left.includes(el)).map((el) => (el.labels?.[0]?.textContent || el.name).trim());
  let note = /** @type {HTMLElement | null} */ (form.querySelector("[data-link-note]"));
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

/**
 * @param {HTMLFormElement} form
 * @returns {boolean}
 */
function firstOfItsKind(form) {
  return formsOnPage().find((f) => f.dataset.calculator === form.dataset.calculator) === form;
}

/**
 * Fills a form from the address, whose path is the form's page from now on; whether it held any
 * of its inputs.
 * @param {HTMLFormElement} form
 * @returns {boolean}
 */
export function readQuery(form) {
  pages.set(form, location.pathname); // the form's page (pageOf)
  const params = new URLSearchParams(location.search);
  const legacy = firstOfItsKind(form); // links from before per-form keys
  const prefix = prefixFor(form); // once, not once a field: it counts the page's forms
  let changed = false;
  for (const el of controls(form)) {
    let value = params.get(prefix + el.name);
    if (value === null && legacy) value = params.get(`${form.dataset.calculator}.${el.name}`) ?? params.get(el.name);
    if (value === null) continue;
    value = fromAPI(el, value);
    if (el instanceof HTMLSelectElement && ![...el.options].some((o) => o.value === value)) {
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

/**
 * "Copy link": the address of the form's page with this form's inputs, to the clipboard.
 * @param {HTMLFormElement} form
 * @param {HTMLElement} button
 */
export async function copyLink(form, button) {
  /** @type {Control[]} */
  const tooLong = [];
  const params = formParams(form, new URLSearchParams(), tooLong);
  limitQuery(form, params, tooLong);
  const query = params.toString();
  const url = `${location.origin}${pageOf(form)}${query ? `?${query}` : ""}#${form.id}`;
  form.dataset.link = url;
  await copyText(url, button, "Link copied");
}

// ---------------------------------------------------------------- landing
// A shared link scrolls to its form. After instant navigation the theme scrolls the new page to
// its top some time after the content is in (on a loaded machine, after our first scroll), and
// the page's layout may still grow above the form. So the form is placed, then kept in place
// while the page settles — every frame until nothing has moved for SETTLE_MS (MAX_MS at most) —
// and left alone for good as soon as the reader scrolls, touches, clicks or types, or the address
// leaves its page. Back (or a link followed without a tap) puts the next path in the address at
// once, and the theme scrolls to the reader's place there, while this page stays on screen until
// the next one's content comes: a landing that went on then scrolled the old content, and the theme
// saved that offset as the next page's (the reader came back to another place of it).
//
// Only a new visit lands: on a return to a page (Back, Forward, a reload) the reader's place is kept.
// The address of a page whose form the reader used holds its inputs and the form's hash (writeQuery):
// Back to it landed on the form, away from where they had read on to. A return is told by how the page
// came (arrived): the document's first page by its own navigation's type, a later one (the theme's
// instant navigation) by a traversal of the history to its path since the page before was shown, as
// the browser's Navigation API reports it. Two other signs are not: the theme's note of the offset in
// history.state (it writes it 100 ms after any scroll, its own scroll to a new page's top included,
// which on a loaded machine comes before the page's forms are wired) and popstate (fired by a move to
// a hash too, such as a shared link's "#formula"). A browser without the Navigation API lands on every
// page a link opens, as before.

const SETTLE_MS = 600;
const MAX_MS = 4000;
const READER_EVENTS = ["wheel", "touchstart", "pointerdown", "keydown"];
/** @type {{form: HTMLFormElement, stop: () => void} | null} */
let landing = null;
/** @type {Element | null} the content (article) of the page whose arrival is known */
let arrivedPage = null;
/** @type {string | null} the path a traversal of the history (Back, Forward) went to since the last page was shown */
let traversedTo = null;
let returned = false;

/** Notes how the page on screen came: a return (Back, Forward, a reload) or a new visit (see above). Called for
 * every page shown (perpcalc.js init, which may run twice for the first page: the second call changes nothing). */
export function arrived() {
  const page = document.querySelector("article");
  if (page === arrivedPage) return;
  if (arrivedPage === null) { // the document's first page
    /** @type {{addEventListener?: (type: string, f: (e: {navigationType: string, destination: {url: string}}) => void) => void} | undefined} */
    const navigation = /** @type {any} */ (globalThis).navigation;
    navigation?.addEventListener?.("navigate", (e) => {
      if (e.navigationType === "traverse") traversedTo = new URL(e.destination.url).pathname;
    });
    const type = /** @type {PerformanceNavigationTiming | undefined} */ (performance.getEntriesByType("navigation")[0])?.type;
    returned = type === "reload" || type === "back_forward";
  } else {
    returned = traversedTo === location.pathname;
  }
  traversedTo = null;
  arrivedPage = page;
}

/** @returns {HTMLElement | null} the element the address's hash names */
function hashTarget() {
  try {
    return document.getElementById(decodeURIComponent(location.hash.slice(1)));
  } catch {
    return null; // a malformed hash names nothing
  }
}

/**
 * Whether a form filled from a shared link should be landed on: the form its hash names, else
 * the first form the link gives inputs to. Any other hash is no sign of where the reader wants
 * to be: the theme's navigation.tracking writes the section being read into the address (and,
 * during instant navigation, even the previous page's section: "/?size=15#formula" on the home page).
 * @param {HTMLFormElement} form
 * @returns {boolean}
 */
export function landsHere(form) {
  if (returned) return false; // a return: the reader's place, not the link's form (arrived)
  const named = hashTarget();
  return named?.matches("form.perpcalc") ? named === form : !landing?.form.isConnected;
}

/**
 * Scrolls to `form` and keeps it in place while the page settles (see above).
 * @param {HTMLFormElement} form
 */
export function land(form) {
  landing?.stop();
  const page = location.pathname;
  const started = performance.now();
  let quietSince = started;
  /** @type {string | null} */
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
  const step = (/** @type {number} */ now) => {
    if (!form.isConnected || location.pathname !== page) return stop(); // the reader went to another page
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
