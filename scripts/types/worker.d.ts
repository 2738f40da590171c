// What worker.js finds in its global scope beyond the webworker library (tsconfig.worker.json).

/** The runtime's manifest (scripts/build_runtime.py), written by the build in place of this name (assets.py). */
declare const __MANIFEST__: PerpcalcManifest;

interface PerpcalcManifest {
  /** Every runtime file by its path under assets/runtime/: its size and SHA-256. */
  files: Record<string, { bytes: number; sha256: string; gz?: number; br?: number }>;
  /** The precompiled standard library and perpcalc's .pyc zip (paths under assets/runtime/). */
  stdlib: string;
  perpcalc_zip: string;
  /** pyodide-lock.json's "info", handed to loadPyodide instead of the lock file. */
  lock_info: Record<string, unknown>;
  /** The memory snapshot: its parts (paths under assets/runtime/), which joined are the pages of
   * `runs` ([first page, pages], of `page` bytes each) one after the other, the other pages being
   * zero, and the memory's size. */
  snapshot: { parts: string[]; bytes: number; page: number; runs: [number, number][] } | null;
}

/** What the worker uses of Pyodide's API (its own types need the DOM's and Node's). */
interface Pyodide {
  runPython(code: string): any;
}

/** Pyodide once started, for `make bench` (heap size, the 100k ranking run in this worker). */
declare var __pyodide: Pyodide | undefined;
