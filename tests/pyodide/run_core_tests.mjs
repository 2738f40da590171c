// Runs the core test suite (tests/core, pytest + hypothesis, with the package's doctests) INSIDE Pyodide under Node,
// on the runtime the browser gets: the build's precompiled standard library and perpcalc's .pyc zip
// (scripts/pyodide_node.mjs). The repository's tests folder is mounted read-only-ish via NODEFS;
// calculators/ is not, so nothing can shadow the precompiled package.
//
// usage: node tests/pyodide/run_core_tests.mjs [pytest args...]   (exit code = pytest's)
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const wheels = path.join(root, "build", "pyodide-test-wheels");
const { startBuilt } = await import(path.join(root, "scripts", "pyodide_node.mjs"));

const t0 = performance.now();
const pyodide = await startBuilt({ stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
for (const file of readdirSync(wheels).filter((f) => f.endsWith(".whl"))) {
  pyodide.unpackArchive(new Uint8Array(readFileSync(path.join(wheels, file))), "wheel", { extractDir: sitePackages });
}
pyodide.FS.mkdirTree("/repo/tests");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: path.join(root, "tests", "core") }, "/repo/tests");
// These read perpcalc's .py sources to check its layering (the same text on every platform); the
// precompiled zip ships .pyc only, so they run under CPython alone.
const READ_SOURCES = ["tests/test_layers.py::test_math_modules_import_no_spec_code",
  "tests/test_layers.py::test_math_errors_name_their_own_parameters",
  "tests/test_pools_venues10.py::test_pools_module_keeps_the_math_layer_rules",
  "tests/test_venues.py::test_venues_imports_no_calculator_module"];
const args = [...READ_SOURCES.flatMap((id) => ["--deselect", id]), ...process.argv.slice(2)];
const code = await pyodide.runPythonAsync(`
import os, sys, json, perpcalc
os.chdir("/repo")
assert perpcalc.__file__ == "/lib/perpcalc.zip/perpcalc/__init__.pyc", perpcalc.__file__  # precompiled
print(f"perpcalc {perpcalc.__version__} from {perpcalc.__file__} on Python {sys.version.split()[0]} ({sys.platform})")
import pytest
# tests/core/test_doctests.py runs the installed package's docstring examples too
pytest.main(["tests",
             "-q", "-p", "no:cacheprovider", "-o", "pythonpath=", "--rootdir", "/repo",
             "-W", "ignore::pytest.PytestConfigWarning", *${JSON.stringify(args)}])
`);
console.log(`pyodide suite finished in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
process.exit(typeof code === "number" ? code : Number(code));
