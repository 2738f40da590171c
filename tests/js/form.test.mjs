// Unit tests for the pure functions of docs/assets/perpcalc/form.js (run by `node --test tests/js`).
import assert from "node:assert/strict";
import { test } from "node:test";

import { FRACTION_LIKE, applies, presetValues, rateNote, resultsNote, typedRates } from "../../docs/assets/perpcalc/form.js";

/** A stand-in for a form control: what form.js reads of one. */
function control({ tag = "INPUT", percent = false, columns = "", percentColumns = "" } = {}) {
  return { tagName: tag, hasAttribute: (name) => percent && name === "data-percent", dataset: { columns, percentColumns } };
}

const SPEC = {
  name: "liquidation_price",
  presets: {
    venue: {
      binance: { mmr: "0.4", fee: "0.05" },
      bybit: { mmr: "0.5" },
    },
  },
  defaults: { mmr: "0.5", fee: "0.055" },
  values: {},
};

test("a preset fills the fields the reader has not set; a field it lacks gets its default", () => {
  assert.deepEqual(presetValues(SPEC, "venue", "binance", new Set()), { mmr: "0.4", fee: "0.05" });
  assert.deepEqual(presetValues(SPEC, "venue", "bybit", new Set()), { mmr: "0.5", fee: "0.055" });
  assert.deepEqual(presetValues(SPEC, "venue", "binance", new Set(["mmr"])), { fee: "0.05" });
  // a choice without a preset (generic, custom) restores every preset field's default
  assert.deepEqual(presetValues(SPEC, "venue", "custom", new Set()), { mmr: "0.5", fee: "0.055" });
  assert.deepEqual(presetValues({ ...SPEC, defaults: undefined }, "venue", "custom", new Set()), { mmr: "", fee: "" });
  assert.deepEqual(presetValues(SPEC, "side", "long", new Set()), {}); // not a chooser
});

test("a field applies when every chooser it names has one of its choices (or is absent)", () => {
  const chosen = { contract: "inverse", mode: "cross" };
  const get = (name) => chosen[name];
  assert.equal(applies({}, get), true);
  assert.equal(applies({ contract: ["inverse"] }, get), true);
  assert.equal(applies({ contract: ["linear"] }, get), false);
  assert.equal(applies({ contract: ["linear", "inverse"], mode: ["isolated"] }, get), false);
  assert.equal(applies({ venue: ["binance"] }, get), true); // no such chooser on the form
});

test("typedRates reads a rate field and a list's rate cells in percent", () => {
  assert.deepEqual(typedRates(control({ percent: true }), "0.01%"), [0.01]);
  assert.deepEqual(typedRates(control({ percent: true }), "\u22120.03"), [-0.03]);
  assert.deepEqual(typedRates(control({ percent: true }), " "), [NaN]);
  const list = control({ tag: "TEXTAREA", columns: "rate", percentColumns: "rate" });
  assert.deepEqual(typedRates(list, "rate\n0.01\n-0.02%\n\nx"), [0.01, -0.02, NaN]);
  const table = control({ tag: "TEXTAREA", columns: "time, rate", percentColumns: "rate" });
  assert.deepEqual(typedRates(table, "time,rate\n0,0.01\n8,0.5"), [0.01, 0.5]);
});

test("rateNote questions a rate past the field's limit, naming the row of a list", () => {
  const field = control({ percent: true });
  assert.equal(rateNote(field, [0.01], 3, "3"), "");
  assert.match(rateNote(field, [-4], 3, "3"), /^Unusually large: venues rarely go beyond ±3 %\./);
  const list = control({ tag: "TEXTAREA" });
  assert.match(rateNote(list, [0.01, 0.02, 5], 3, "3"), /^Unusually large: row 3 is 5 %; /);
  const plain = control(); // a number that is not a rate: no unit
  assert.match(rateNote(plain, [200], 125, "125"), /beyond ±125\. /);
});

test("rateNote says when every rate looks like a fraction, never for a plain number", () => {
  const field = control({ percent: true });
  const tiny = FRACTION_LIKE / 10;
  assert.equal(
    rateNote(field, [tiny], 3, "3"),
    `This looks like a fraction: ${tiny} here means ${tiny} %, not 0.01 %. Rates here are in percent, as venues print them: type 0.01 for 0.01 %.`,
  );
  assert.match(rateNote(control({ tag: "TEXTAREA" }), [0, tiny, NaN], 3, "3"), /^These look like fractions: /);
  assert.equal(rateNote(field, [tiny, 0.01], 3, "3"), ""); // one rate in percent: the reader means percent
  assert.equal(rateNote(field, [0, NaN], 3, "3"), "");
  assert.equal(rateNote(control(), [tiny], 3, "3"), "");
});

test("resultsNote says whose results are shown", () => {
  const at = (over) => resultsNote({ failed: false, edited: false, atExample: true, runtime: "ready", ...over });
  assert.equal(at({}), "worked example");
  assert.equal(at({ atExample: false }), "your inputs");
  assert.equal(at({ edited: true, runtime: "loading" }), "worked example; yours will show once loaded");
  assert.equal(at({ edited: true, runtime: "idle" }), "worked example; yours will show once loaded");
  assert.equal(at({ edited: true, runtime: "error" }), "worked example, not yours: no live calculator");
  assert.equal(at({ edited: true }), "updating…");
  assert.equal(at({ failed: true, edited: true }), "for earlier inputs; fix the field in red");
  assert.equal(at({ failed: true, why: "for earlier inputs: no venue" }), "for earlier inputs: no venue");
});
