// Runs Python read from stdin inside Pyodide under Node, on the runtime the browser gets: the
// build's precompiled standard library and perpcalc zip (build/runtime, see pyodide_node.mjs).
// Used by the parity test and by bench.py: `node scripts/pyodide_run.mjs < script.py`.
import { readFileSync } from "node:fs";
import { startBuilt } from "./pyodide_node.mjs";

const pyodide = await startBuilt({ stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
await pyodide.runPythonAsync(readFileSync(0, "utf8"));
