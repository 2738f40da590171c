// What the page's scripts share on `window` (tsconfig.json type-checks them with it).

interface PerpcalcBoot {
  /** Hand the worker boot.js started to perpcalc.js, with what it said meanwhile. */
  take(): { worker: Worker; said: MessageEvent[]; error: string | null };
}

interface Window {
  /** Set by boot.js while its early worker waits for perpcalc.js. */
  __perpcalcBoot?: PerpcalcBoot;
  /** The runtime's state (runtime.js), for tests and benchmarks. */
  __perpcalcRuntime?: import("../../docs/assets/perpcalc/runtime.js").Runtime;
  /** Material's page stream: emits on every page, instant navigation included. */
  document$?: { subscribe(fn: () => void): unknown };
}
