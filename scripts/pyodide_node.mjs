// Starts Pyodide under Node the way the site's worker does: the build's precompiled standard
// library (stdLibURL) and perpcalc as a .pyc zip on sys.path (/lib/perpcalc.zip, written before
// Python starts), the lock's info inline (no package is loaded through it). Used by the
// snapshot build, the parity and core tests inside Pyodide, and bench.py.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const PERPCALC_ZIP = "/lib/perpcalc.zip";

// runtimeDir: build/runtime (pyodide/ inside it); stdlib, perpcalcZip: file paths;
// options: anything else for loadPyodide (stdout, _makeSnapshot, _loadSnapshot, env, ...).
export async function startPyodide({ runtimeDir, stdlib, perpcalcZip, ...options }) {
  const indexURL = path.join(path.resolve(runtimeDir), "pyodide") + path.sep;
  const { loadPyodide } = await import(path.join(indexURL, "pyodide.mjs"));
  const zip = new Uint8Array(readFileSync(perpcalcZip));
  const lock = JSON.parse(readFileSync(path.join(indexURL, "pyodide-lock.json"), "utf8"));
  return loadPyodide({
    indexURL,
    stdLibURL: path.resolve(stdlib),
    lockFileContents: { info: lock.info, packages: {} },
    fsInit: async (FS) => FS.writeFile(PERPCALC_ZIP, zip),
    ...options,
    env: { PYTHONPATH: PERPCALC_ZIP, ...(options.env || {}) },
  });
}

// The same, with the files the build's manifest names (build/runtime by default).
export async function startBuilt(options = {}, runtimeDir = path.join(ROOT, "build", "runtime")) {
  const manifest = JSON.parse(readFileSync(path.join(runtimeDir, "manifest.json"), "utf8"));
  return startPyodide({
    runtimeDir,
    stdlib: path.join(runtimeDir, manifest.stdlib),
    perpcalcZip: path.join(runtimeDir, manifest.perpcalc_zip),
    ...options,
  });
}
