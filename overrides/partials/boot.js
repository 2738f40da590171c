// @ts-check
// Starts the calculators' worker from <head>, as the page starts (an async module on pages with a
// calculator): a dedicated worker's thread cannot start while the page's main thread is busy, and
// behind the theme's scripts, KaTeX and a painted frame it started about 0.5 s later.
// perpcalc.js adopts the worker (window.__perpcalcBoot.take()) and replays what it said meanwhile.
import { MSG } from "./protocol.js";

const workerURL = new URL("./worker.js", import.meta.url);

if (!window.__perpcalcBoot && typeof WebAssembly === "object") {
  try {
    const worker = new Worker(workerURL, { type: "module" });
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
    worker.postMessage({ type: MSG.INIT, reason: "head", t0: performance.timeOrigin });
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
}
