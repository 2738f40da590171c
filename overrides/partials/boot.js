// @ts-check
// Starts the calculators' worker as the page starts: inlined by main.html at the top of <head> on
// pages with a calculator (data-worker: the worker's address), it runs while the parser reads the
// head, before any stylesheet or script is fetched. A dedicated worker's thread cannot start while
// the page's main thread is busy; as an async module (boot.js) it waited for its own download and
// then for the theme's scripts and the parsing of the page, about 0.35 s here, and behind the
// theme's scripts, KaTeX and a painted frame it had started about 0.5 s later still.
// The worker starts Python as soon as it runs (worker.js). perpcalc.js adopts it
// (window.__perpcalcBoot.take()) and replays what it said meanwhile.
(() => {
  const script = document.currentScript;
  if (window.__perpcalcBoot || typeof WebAssembly !== "object" || !(script instanceof HTMLScriptElement)) return;
  try {
    performance.mark("perpcalc:boot"); // read by `make bench`
    const worker = new Worker(new URL(script.dataset.worker || "", location.href), { type: "module" });
    /** @type {MessageEvent[]} */
    const said = [];
    /** @type {string | null} */
    let error = null;
    const keep = (/** @type {MessageEvent} */ event) => said.push(event);
    const fail = (/** @type {ErrorEvent} */ event) => {
      error = event.message || "the worker failed to start";
    };
    worker.addEventListener("message", keep);
    worker.addEventListener("error", fail);
    window.__perpcalcBoot = {
      take() {
        worker.removeEventListener("message", keep);
        worker.removeEventListener("error", fail);
        delete window.__perpcalcBoot;
        return { worker, said, error };
      },
    };
  } catch {
    // perpcalc.js starts the worker itself, and says why when it cannot
  }
})();
