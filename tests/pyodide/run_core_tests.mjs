// Runs the core test suite (tests/core, pytest + hypothesis, with the package's doctests) INSIDE Pyodide under Node,
// against the perpcalc wheel the browser gets: loaded through the site's lock file, which
// checks its sha256. The repository's tests folder is mounted read-only-ish via NODEFS;
// calculators/ is not, so nothing can shadow the installed wheel.
//
// usage: node tests/pyodide/run_core_tests.mjs [pytest args...]   (exit code = pytest's)
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const indexURL = path.join(root, "build", "runtime", "pyodide") + path.sep;
const wheels = path.join(root, "build", "pyodide-test-wheels");
const { loadPyodide } = await import(path.join(indexURL, "pyodide.mjs"));

const t0 = performance.now();
// CI=true selects the reproducible Hypothesis profile (tests/core/hypothesis_profiles.py) in here too
const env = { HOME: "/home/pyodide", ...(process.env.CI === undefined ? {} : { CI: process.env.CI }) };
const pyodide = await loadPyodide({ indexURL, env,
                                    stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
await pyodide.loadPackage("perpcalc", { messageCallback: () => {} });
const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
for (const file of readdirSync(wheels).filter((f) => f.endsWith(".whl"))) {
  pyodide.unpackArchive(new Uint8Array(readFileSync(path.join(wheels, file))), "wheel", { extractDir: sitePackages });
}
pyodide.FS.mkdirTree("/repo/tests");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: path.join(root, "tests", "core") }, "/repo/tests");
const args = process.argv.slice(2);
const code = await pyodide.runPythonAsync(`
import os, sys, json, perpcalc
os.chdir("/repo")
assert perpcalc.__file__.startswith(sys.prefix) or "site-packages" in perpcalc.__file__, perpcalc.__file__
print(f"perpcalc {perpcalc.__version__} from {perpcalc.__file__} on Python {sys.version.split()[0]} ({sys.platform})")
sys.path.insert(0, "/repo/tests")
import hypothesis_profiles
print(f"hypothesis profile: {'ci' if hypothesis_profiles.in_ci() else 'dev'}")
import pytest
# tests/core/test_doctests.py runs the installed package's docstring examples too
pytest.main(["tests",
             "-q", "-p", "no:cacheprovider", "-o", "pythonpath=", "--rootdir", "/repo",
             "-W", "ignore::pytest.PytestConfigWarning", *${JSON.stringify(args)}])
`);
console.log(`pyodide suite finished in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
process.exit(typeof code === "number" ? code : Number(code));
