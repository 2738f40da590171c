// A module resolution hook for tests of charts.js: charts.js imports uPlot from where the build
// copies it (assets/vendor/uplot/, scripts/hooks/assets.py), which the sources do not hold; under
// Node that import is answered with the same file from node_modules (pinned in package-lock.json).
// Registered by the test file (module.register) before it imports charts.js.

const VENDORED = /\/assets\/vendor\/uplot\/uPlot\.esm\.js$/;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context).catch(() => null);
  if (resolved) return resolved;
  const url = new URL(specifier, context.parentURL).href;
  if (!VENDORED.test(url)) return nextResolve(specifier, context);
  return { url: new URL("../../node_modules/uplot/dist/uPlot.esm.js", import.meta.url).href, shortCircuit: true };
}
