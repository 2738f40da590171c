// Builds the Pyodide memory snapshot the browser restores on return visits: Pyodide started
// as the worker starts it (the precompiled standard library, perpcalc's zip on sys.path; see
// pyodide_node.mjs) with every browser-side perpcalc module imported, then
// `makeMemorySnapshot()`. The restored memory holds zipimport's tables of both zips' offsets:
// it must be restored with the very same zips. Offline.
// Usage: node scripts/make_snapshot.mjs RUNTIME_DIR STDLIB_ZIP PERPCALC_ZIP OUT_FILE
// The snapshot API is underscored (private) in Pyodide: tests/browser/test_runtime.py and
// tests/test_snapshot.py restore it and compute, so a Pyodide upgrade that changes it fails loudly.
import { writeFileSync } from "node:fs";
import { startPyodide } from "./pyodide_node.mjs";

const [runtimeDir, stdlib, perpcalcZip, outFile] = process.argv.slice(2);

// Reproducible bytes: the interpreter's entropy (hash secret, random's state) and clocks are
// fixed while the snapshot is made. Every reader restores the same memory anyway, so fixed
// entropy costs nothing a shared snapshot did not already give away; perpcalc draws no
// random numbers.
let seed = 0x9e3779b9;
const nextByte = () => {
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  return seed & 0xff;
};
const fill = (array) => {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  for (let i = 0; i < bytes.length; i++) bytes[i] = nextByte();
  return array;
};
Object.defineProperty(globalThis.crypto, "getRandomValues", { value: fill });
let tick = 0;
Date.now = () => 315532800000 + tick++;
performance.now = () => tick++;
const pyodide = await startPyodide({ runtimeDir, stdlib, perpcalcZip, _makeSnapshot: true,
  env: { PYTHONHASHSEED: "0" } });
// Import every module the browser may need now: the snapshot holds the interpreter's memory,
// not its file system, so a module imported only after restoring would have to be found on disk.
pyodide.runPython(`
import importlib, pkgutil, perpcalc
for info in sorted(pkgutil.walk_packages(perpcalc.__path__, "perpcalc."), key=lambda i: i.name):
    if info.name != "perpcalc.frames":  # pandas layer: never on the browser path
        importlib.import_module(info.name)
from perpcalc.page import compute_json
compute_json("funding_payment", '{"side": "long", "size": 1, "mark_price": 1, "funding_rate": 0.0001}')
import gc, random
for obj in gc.get_objects():  # Mersenne Twister states seeded from the OS at import: fix them
    if type(obj) is random.Random:
        obj.seed(0)
del obj
gc.collect()
`);
const snapshot = pyodide.makeMemorySnapshot();
writeFileSync(outFile, snapshot);
console.log(JSON.stringify({ bytes: snapshot.length }));
