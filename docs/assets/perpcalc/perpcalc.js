// @ts-check
// Perp Glossary calculators: wires every <form class="perpcalc"> on the page to one shared
// Web Worker that runs perpcalc in Pyodide. Generic: nothing here knows any calculator;
// forms, presets and example values come from the spec the build embedded in each form.
// Material's instant navigation keeps this module, and so the worker, alive across pages:
// init() runs again for each new page through document$ and only wires forms it has not seen.
//
// The modules: runtime.js (the worker), form.js (form state, notes and errors beside fields),
// render.js (status and results), lists.js (large lists: held fields, paged rows), address.js
// (the query string, links, landing), downloads.js (Copy as Python, CSV, JSON); the pure
// percent.js, urlstate.js, exports.js and protocol.js under them; files.js and charts.js on demand.

import { runtime, startRuntime, readFile, onRuntimeChange, registerServiceWorker, pageShown } from "./runtime.js";
import { formsOnPage, touched, applyPreset, applyWhen, atExample, markStale, showNotes, resetValues } from "./form.js";
import { valueOf, setValue, wantsHold, hold, holdPaste } from "./lists.js";
import { watch, showRuntime, showRuntimeEverywhere, requestCompute, drawCharts, redrawAll } from "./render.js";
import { readQuery, copyLink, land, landsHere, arrived } from "./address.js";
import { pythonCall, toCSV, toJSON, download, copyPython } from "./downloads.js";

/** @type {WeakSet<HTMLFormElement>} */
const wired = new WeakSet();

/**
 * Wires one form (once).
 * @param {HTMLFormElement} form
 */
function wire(form) {
  if (wired.has(form)) return;
  wired.add(form);
  watch(form);
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const onEdit = (/** @type {Event} */ event) => {
    const t = /** @type {import("./lists.js").Control} */ (event.target);
    // a text field's "change" (on blur) repeats what its "input" events already handled; acting
    // on it would mark fresh results stale while the reader clicks an export button
    if (event.type === "change" && t.tagName !== "SELECT") return;
    // a paste of a huge list: held before the next frame lays it out (lists.js), but after its
    // compute is posted (below): the box's swap to its preview (tens of ms for 100,000 rows) then
    // runs while the worker reads the rows
    const held = event.type === "input" && t instanceof HTMLTextAreaElement && wantsHold(t);
    if (t.name) touched(form).add(t.name);
    if (event.type === "change" && t.tagName === "SELECT") {
      touched(form).delete(t.name);
      applyPreset(form, t.name, t.value);
      touched(form).add(t.name);
      applyWhen(form);
    }
    showNotes(form);
    // the results stop being the reader's at the edit, not when the (debounced) recompute starts
    form.dataset.dirty = "true";
    // and a result still on its way was computed from the inputs before the edit: it must not
    // be shown as current when it lands during the debounce below
    delete form.dataset.request;
    markStale(form);
    clearTimeout(timer);
    // posted at once, in the edit's own task (a timer hop cost a frame in one sample of three);
    // a text box's typing is gathered for 150 ms, but a paste or a drop is one edit, and so are a
    // text long enough to be held (nobody types 200,000 characters) and a file read into the box
    // or its rows cleared (the page's own events): computed at once
    if (event.type === "input" && t.tagName === "TEXTAREA" && !held && !isOneEdit(event)) {
      timer = setTimeout(() => requestCompute(form), 150);
    } else requestCompute(form);
    if (held) hold(/** @type {HTMLTextAreaElement} */ (t), t.value);
  };
  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);
  // a huge paste is held by the page without passing through the box (lists.js holdPaste), then
  // computed as any paste; one files.js took as a file (its own listener, first) is left alone
  form.addEventListener("paste", (event) => {
    const t = event.target;
    if (event.defaultPrevented || !(t instanceof HTMLTextAreaElement)) return;
    if (!holdPaste(t, event.clipboardData?.getData("text/plain") ?? "")) return;
    event.preventDefault();
    t.dispatchEvent(new Event("input", { bubbles: true }));
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("focusin", () => startRuntime("focus"), { once: true });
  form.addEventListener("pointerdown", () => startRuntime("pointer"), { once: true });
  /** @type {(selector: string) => HTMLElement} */
  const button = (selector) => /** @type {HTMLElement} */ (form.querySelector(selector));
  form.querySelector('[data-action="link"]')?.addEventListener("click", (e) => copyLink(form, /** @type {HTMLElement} */ (e.currentTarget)));
  button('[data-action="reset"]').addEventListener("click", () => {
    resetValues(form);
    requestCompute(form);
  });
  button('[data-action="python"]').addEventListener("click", (e) => copyPython(form, /** @type {HTMLElement} */ (e.currentTarget)));
  button('[data-action="csv"]').addEventListener("click", () => download(form, "csv"));
  for (const b of form.querySelectorAll('[data-action="csv-table"]')) {
    b.addEventListener("click", () => download(form, "csv", /** @type {HTMLElement} */ (b).dataset.table));
  }
  button('[data-action="json"]').addEventListener("click", () => download(form, "json"));
  drawCharts(form);
  if (form.querySelector("[data-file-for]")) {
    import("./files.js").then((m) => m.wireFiles(form, { readFile, touched, valueOf, setValue })).catch((err) => console.warn(err));
  }
  if (readQuery(form)) {
    applyWhen(form);
    showNotes(form);
    requestCompute(form);
    // a shared link lands on its calculator (address.js)
    if (landsHere(form)) land(form);
  } else if (!atExample(form)) {
    // edited before this script ran (a slow network, the browser's restored form): recompute
    showNotes(form);
    requestCompute(form);
  }
  if (runtime.state !== "idle") showRuntime(form);
  else button("[data-status]").textContent = SCRIPT_RUNS;
}

/**
 * Whether an input event is one edit, not typing: a paste or a drop, or an event the page sent
 * itself (files.js after a file read, a held list's Clear in lists.js).
 * @param {Event} event
 * @returns {boolean}
 */
function isOneEdit(event) {
  if (!event.isTrusted) return true;
  return event instanceof InputEvent && (event.inputType === "insertFromPaste" || event.inputType === "insertFromDrop");
}

// The status line the build writes says the calculator needs JavaScript; once this runs, it can.
const SCRIPT_RUNS = "Worked example, computed with perpcalc when this page was built. Change any input to recalculate in your browser.";

function init() {
  arrived(); // a new visit or a return (address.js: only a new visit lands on a shared link's form)
  pageShown(); // a new page (instant navigation) is the reader at work
  const forms = formsOnPage();
  forms.forEach(wire);
  if (forms.length && runtime.state === "idle" && window.__perpcalcBoot) {
    // the worker boot.js started from <head> runs already: adopted at once, with what it said
    // meanwhile, so that a runtime ready before the page (a return visit's snapshot) is live as
    // soon as its forms are wired, not a frame and a timer later (0.2-0.4 s on a slow device)
    startRuntime("boot");
  } else if (forms.length && runtime.state === "idle") {
    // As soon as the page has painted (a task queued from the frame's callback runs after
    // the paint); a tab in the background paints no frame, hence the timer as well.
    const start = () => startRuntime("painted");
    requestAnimationFrame(() => setTimeout(start, 0));
    setTimeout(start, 1000);
  }
}

// charts follow the colour scheme and the window's width
new MutationObserver(redrawAll).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
/** @type {ReturnType<typeof setTimeout> | undefined} */
let resizeTimer;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(redrawAll, 200);
});

onRuntimeChange(showRuntimeEverywhere);
// A module runs once the page is parsed, before DOMContentLoaded, and this one before the theme's
// bundle (overrides/main.html defers the bundle after it): the forms are wired, and the worker started
// from <head> adopted, at once, not after the theme's bundle (about 1 s at 4x CPU) and its
// DOMContentLoaded handlers (0.3-0.6 s on a return visit at 4x CPU or on a loaded machine, while the
// worker was often ready before them). The theme's document$ then replays this page (init wires a form
// once) and brings the next (instant navigation); it exists once the bundle has run, by DOMContentLoaded.
/** @returns {boolean} whether the theme's document$ is there (init is then called for each page) */
function followTheme() {
  const pages = window.document$;
  if (!pages || typeof pages.subscribe !== "function") return false;
  pages.subscribe(init);
  return true;
}
if (document.readyState !== "loading") init();
if (!followTheme()) {
  document.addEventListener("DOMContentLoaded", () => {
    if (!followTheme()) init(); // no theme: this page only (init wires a form once)
  }, { once: true });
}

if (!formsOnPage().length) registerServiceWorker();

export { startRuntime, runtime, pythonCall, toCSV, toJSON };
