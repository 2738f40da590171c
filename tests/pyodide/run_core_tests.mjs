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
// CI=true selects the reproducible Hypothesis profile (tests/core/hypothesis_profiles.py) in here too
const env = { HOME: "/home/pyodide", ...(process.env.CI === undefined ? {} : { CI: process.env.CI }) };
const pyodide = await startBuilt({ env, stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
for (const file of readdirSync(wheels).filter((f) => f.endsWith(".whl"))) {
  pyodide.unpackArchive(new Uint8Array(readFileSync(path.join(wheels, file))), "wheel", { extractDir: sitePackages });
}
pyodide.FS.mkdirTree("/repo/tests");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: path.join(root, "tests", "core") }, "/repo/tests");
// Some core tests read perpcalc's .py sources (its layering, one module per venue) through the modules'
// __file__: the precompiled zip ships .pyc only, so the wheel's sources (the very files the .pyc were
// compiled from) are unpacked to /src and, once every module is imported from the zip, each module's
// __file__ names its source there. The code that runs stays the precompiled bytecode.
const manifest = JSON.parse(readFileSync(path.join(root, "build", "runtime", "manifest.json"), "utf8"));
pyodide.unpackArchive(new Uint8Array(readFileSync(path.join(root, "build", "runtime", manifest.wheel))), "wheel",
  { extractDir: "/src" });
const args = process.argv.slice(2);
const code = await pyodide.runPythonAsync(`
import os, sys, json, perpcalc
os.chdir("/repo")
assert perpcalc.__file__ == "/lib/perpcalc.zip/perpcalc/__init__.pyc", perpcalc.__file__  # precompiled
print(f"perpcalc {perpcalc.__version__} from {perpcalc.__file__} on Python {sys.version.split()[0]} ({sys.platform})")
import importlib, pkgutil
for info in pkgutil.walk_packages(perpcalc.__path__, "perpcalc."):
    if info.name != "perpcalc.frames":  # pandas layer: pandas is not installed here
        importlib.import_module(info.name)
for name, module in list(sys.modules.items()):
    if name.split(".")[0] == "perpcalc":
        assert module.__file__.startswith("/lib/perpcalc.zip/") and module.__file__.endswith(".pyc"), module.__file__
        module.__file__ = "/src/" + module.__file__[len("/lib/perpcalc.zip/"):-1]
sys.path.insert(0, "/repo/tests")
import hypothesis_profiles
print(f"hypothesis profile: {hypothesis_profiles.name()}")
import pytest
# tests/core/test_doctests.py runs the installed package's docstring examples too
pytest.main(["tests",
             "-q", "-p", "no:cacheprovider", "-o", "pythonpath=", "--rootdir", "/repo",
             "-W", "ignore::pytest.PytestConfigWarning", *${JSON.stringify(args)}])
`);
console.log(`pyodide suite finished in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
process.exit(typeof code === "number" ? code : Number(code));
