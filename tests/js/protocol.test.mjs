// Unit tests for docs/assets/perpcalc/protocol.js (run by `node --test tests/js`).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";

import { MSG, STEP, STEPS } from "../../docs/assets/perpcalc/protocol.js";

const here = new URL("../../docs/assets/perpcalc/", import.meta.url);

test("message types are distinct and frozen", () => {
  const names = Object.values(MSG);
  assert.equal(new Set(names).size, names.length);
  assert.ok(Object.isFrozen(MSG) && Object.isFrozen(STEP));
});

test("the steps run 1..STEPS, the last is READY", () => {
  assert.deepEqual(Object.values(STEP), Array.from({ length: STEPS }, (_, i) => i + 1));
  assert.equal(STEP.READY, STEPS);
});

test("no script spells a message type or the step count itself", () => {
  // the scripts that talk to the worker, or show its steps, import the protocol
  for (const name of ["runtime.js", "render.js", "worker.js"]) {
    const text = readFileSync(new URL(name, here), "utf-8");
    assert.match(text, /from "\.\/protocol\.js"/, `${name} imports the protocol`);
  }
  const scripts = readdirSync(here).filter((name) => name.endsWith(".js") && name !== "protocol.js");
  assert.ok(scripts.includes("perpcalc.js") && scripts.length >= 10, scripts.join(" "));
  for (const name of scripts) {
    const text = readFileSync(new URL(name, here), "utf-8");
    for (const type of Object.values(MSG)) {
      assert.ok(!text.includes(`type: "${type}"`) && !text.includes(`type === "${type}"`), `${name} spells "${type}"`);
    }
    assert.ok(!/\bof 4\b|step: [1-9]|progress\(\d/.test(text), `${name} spells a step number`);
  }
});
