// @ts-check
// The calculators' worker protocol, in one place: the page (runtime.js, render.js) and the worker
// (worker.js) import these names, so a message type or a step is spelled once.
//
// The worker starts the runtime as soon as it runs (no message needed: boot.js in the page's
// <head> creates it with no module of its own). Page → worker: COMPUTE {id, name, inputs} and FILE {id, calculator,
// field, file, options} are answered, once the runtime is ready, by RESULT {id, result} and by
// FILE_PROGRESS {id, phase, done, total} then FILE_RESULT {id, result}; ROWS {id, name, output, rows}
// (a page of a long series' raw rows as JSON text) by RESULT {id, result: the rows' text or null};
// PAGE {id, name, output, answer, page} (page k of a long table the worker kept from answer number
// `answer`) by RESULT {id, result: the rows' text or null} and WHOLE {id, name, output, answer} (all
// of it, for a download) by RESULT {id, result: its JSON as UTF-8 bytes, transferred, or null}.
// Worker → page while starting: PROGRESS {step, detail, fraction}, then READY {timings} or
// FAILED {message}. Page → service worker (sw.js, a classic script that keeps its own copy of
// the name): CACHE_RUNTIME {urls, plain} (plain: the worker fetched some runtime files as .gz copies).

/** Message types, by role. */
export const MSG = Object.freeze({
  PROGRESS: "progress",
  READY: "ready",
  FAILED: "failed",
  COMPUTE: "compute",
  RESULT: "result",
  ROWS: "rows",
  PAGE: "page",
  WHOLE: "whole",
  FILE: "file",
  FILE_PROGRESS: "file-progress",
  FILE_RESULT: "file-result",
  CACHE_RUNTIME: "cache-runtime",
});

/** The start-up steps PROGRESS reports, in order; READY is the last. */
export const STEP = Object.freeze({
  DOWNLOAD: 1, // downloading (or reading the saved) runtime; also the page's own first step
  START_PYTHON: 2, // compiling and starting Python
  IMPORT: 3, // importing perpcalc
  READY: 4,
});

/** How many steps the page shows ("step 2 of 4"); the build reads it for the bar's max. */
export const STEPS = 4;
