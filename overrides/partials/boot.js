// @ts-check
// Inlined by main.html at the top of every page's <head> (the reasons are in its comment): it runs
// before any stylesheet or script is requested.
// 1. A page whose service worker is another version's (its address, sw.js?v=VERSION, against this
//    page's data-version) stops, registers its own version's and reloads once that one is in
//    control: the first page after a deployment never runs the previous version's kept files.
// 2. A page with a calculator (data-worker) starts the calculators' worker, which starts Python at
//    once; perpcalc.js adopts it (window.__perpcalcBoot.take()) and replays what it said meanwhile.
// 3. Such a page under its service worker (a return visit) preloads perpcalc.js's module graph
//    (data-modules), from the device: it runs as soon as the page is parsed.
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
    if (sw?.controller) {
      for (const href of (script.dataset.modules || "").split(" ").filter(Boolean)) {
        const link = document.createElement("link");
        link.rel = "modulepreload";
        link.href = href;
        document.head.append(link);
      }
    }
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
