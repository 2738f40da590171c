// @ts-check
// Inlined by main.html at the top of every page's <head>, before any stylesheet or script; it runs
// while the parser reads the head.
//
// 1. One version a page. The service worker (sw.js) serves the stylesheets, scripts and runtime
// files it kept for its own version; the page itself comes from the server. So the first page a
// reader opens after a deployment would run the new HTML with the previous version's files until
// the new service worker took over. The build writes its version on this script (data-version)
// and the service worker is registered under it (sw.js?v=VERSION; a service worker installs only
// under its own version's address): when the worker controlling the page is another version's,
// the page stops loading before anything else of it is requested or run, registers its own
// version's worker and reloads once that has taken control (once per version and tab: a reload
// that finds another version again, a page older than the server's sw.js, goes on loading).
//
// 2. On pages with a calculator (data-worker: the worker's address), it starts the calculators'
// worker as the page starts. A dedicated worker's thread cannot start while the page's main
// thread is busy; as an async module (boot.js) it waited for its own download and then for the
// theme's scripts and the parsing of the page, about 0.35 s here, and behind the theme's scripts,
// KaTeX and a painted frame it had started about 0.5 s later still. The worker starts Python as
// soon as it runs (worker.js). perpcalc.js adopts it (window.__perpcalcBoot.take()) and replays
// what it said meanwhile.
(() => {
  const script = document.currentScript;
  if (!(script instanceof HTMLScriptElement)) return;
  const sw = navigator.serviceWorker;
  const kept = sw?.controller && new URL(sw.controller.scriptURL).searchParams.get("v");
  if (sw?.controller && kept !== script.dataset.version && script.dataset.sw) {
    const version = script.dataset.version || "";
    let again = true; // without session storage a reload could not know it was one: none
    try {
      again = sessionStorage.getItem("perp-version-reload") === version;
      sessionStorage.setItem("perp-version-reload", version);
    } catch {
      // no storage
    }
    if (!again) {
      window.stop(); // nothing more of this page is parsed, requested or run
      const reload = () => location.reload();
      sw.addEventListener("controllerchange", reload);
      setTimeout(reload, 10000); // a worker that neither takes over nor fails
      const url = new URL(script.dataset.sw, location.href);
      url.searchParams.set("v", version);
      sw.register(url, { scope: new URL(".", url).pathname }).then((registration) => {
        const next = registration.installing || registration.waiting;
        if (!next) reload();
        next?.addEventListener("statechange", () => {
          if (next.state === "redundant") reload(); // not installed: not this version's sw.js
        });
      }, reload);
      return;
    }
  }
  if (!script.dataset.worker || window.__perpcalcBoot || typeof WebAssembly !== "object") return;
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
