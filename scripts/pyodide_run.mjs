// Runs Python read from stdin inside Pyodide under Node, with perpcalc loaded from the
// same lock file and wheel the browser uses (build/runtime/pyodide). Used by the parity
// test and by bench.py: `node scripts/pyodide_run.mjs < script.py`.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const indexURL = path.join(root, "build", "runtime", "pyodide") + path.sep;
const { loadPyodide } = await import(path.join(indexURL, "pyodide.mjs"));
const pyodide = await loadPyodide({ indexURL, stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
await pyodide.loadPackage("perpcalc", { messageCallback: () => {} });
await pyodide.runPythonAsync(readFileSync(0, "utf8"));
