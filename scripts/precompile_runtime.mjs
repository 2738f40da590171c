// Builds the precompiled Python the browser runs, with Pyodide's OWN Python (CPython 3.14 in
// wasm, under Node), so every .pyc carries the magic number and bytecode that Pyodide loads:
// * python_stdlib.zip: the npm package's standard library, with every module that start-up,
//   perpcalc and each calculator's examples import stored as an unchecked-hash .pyc (py_compile)
//   and every other module kept as its .py source (a later lazy import still works);
// * perpcalc.zip: the perpcalc package from the wheel, as .pyc only (put on sys.path at
//   /lib/perpcalc.zip; no loadPackage, no lock file).
// The npm zip has no .pyc at all, so a stock start compiles about 150 modules from source.
// Both zips are stored (uncompressed: the server sends them with brotli) and reproducible:
// sorted entries, fixed times and modes, PYTHONHASHSEED=0.
// Usage: node scripts/precompile_runtime.mjs NPM_PYODIDE_DIR WHEEL_FILE OUT_DIR
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const [pyodideDir, wheelFile, outDir] = process.argv.slice(2);
const indexURL = path.resolve(pyodideDir) + path.sep;
const { loadPyodide } = await import(path.join(indexURL, "pyodide.mjs"));
const pyodide = await loadPyodide({ indexURL, env: { PYTHONHASHSEED: "0" } });
pyodide.unpackArchive(new Uint8Array(readFileSync(wheelFile)), "wheel", { extractDir: "/tmp/wheel" });
pyodide.FS.mkdirTree("/out");
pyodide.runPython(`
import importlib, io, os, pkgutil, py_compile, sys, zipfile
sys.path.insert(0, "/tmp/wheel")
import perpcalc
from perpcalc import page as page_entry
# what the worker imports (the module walk is the snapshot's), then every calculator's examples,
# so lazily imported modules (a calculator's own, or the standard library's) are compiled too
for info in sorted(pkgutil.walk_packages(perpcalc.__path__, "perpcalc."), key=lambda i: i.name):
    if info.name != "perpcalc.frames":  # pandas layer: never on the browser path
        importlib.import_module(info.name)
from perpcalc.page import compute_json
for spec in perpcalc.catalog():
    for example in spec["examples"].values():
        page_entry.compute(spec["name"], example)
page_entry.compute("funding_payment", {"side": "long", "size": "nan"})

STDLIB = "/lib/python314.zip"
used = {m.__file__[len(STDLIB) + 1:] for m in list(sys.modules.values())
        if (getattr(m, "__file__", None) or "").startswith(STDLIB + "/")}


def entry(name):
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = (0o40755 << 16) | 0x10 if name.endswith("/") else 0o644 << 16
    info.compress_type = zipfile.ZIP_STORED
    return info


def pyc(source, shown):
    os.makedirs("/tmp/pyc", exist_ok=True)
    with open("/tmp/pyc/m.py", "wb") as f:
        f.write(source)
    py_compile.compile("/tmp/pyc/m.py", cfile="/tmp/pyc/m.pyc", dfile=shown, doraise=True,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    with open("/tmp/pyc/m.pyc", "rb") as f:
        return f.read()


def write(out, items):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, data in sorted(items):
            z.writestr(entry(name), data)


items = []
with zipfile.ZipFile(STDLIB) as z:
    for name in z.namelist():
        data = z.read(name)
        if name in used:
            items.append((name + "c", pyc(data, f"{STDLIB}/{name}")))
        else:
            items.append((name, data))
write("/out/python_stdlib.zip", items)
missing = used - set(zipfile.ZipFile(STDLIB).namelist())
assert not missing, missing

items = []
for root, dirs, files in os.walk("/tmp/wheel/perpcalc"):
    for file in files:
        full = os.path.join(root, file)
        rel = full[len("/tmp/wheel/"):]
        with open(full, "rb") as f:
            data = f.read()
        if rel.endswith(".py"):
            items.append((rel + "c", pyc(data, f"/lib/perpcalc.zip/{rel}")))
        elif "__pycache__" not in rel:
            items.append((rel, data))
write("/out/perpcalc.zip", items)
print(f"{len(used)} standard library modules precompiled")
`);
for (const name of ["python_stdlib.zip", "perpcalc.zip"]) {
  // written in Pyodide's memory file system, then copied out
  writeFileSync(path.join(outDir, name), pyodide.FS.readFile(`/out/${name}`));
}
