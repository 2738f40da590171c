// Unit tests for the pure functions of docs/assets/perpcalc/render.js and downloads.js (run by
// `node --test tests/js`).
import assert from "node:assert/strict";
import { test } from "node:test";

import { STEPS } from "../../docs/assets/perpcalc/protocol.js";
import { barValue, markOf } from "../../docs/assets/perpcalc/render.js";
import { tableOf } from "../../docs/assets/perpcalc/downloads.js";
import { Exact } from "../../docs/assets/perpcalc/exports.js";

test("the progress bar follows the download, then the steps, never past its end", () => {
  assert.equal(barValue({ step: 1 }), 0);
  assert.equal(barValue({ step: 1, fraction: 0.5 }), 1.4);
  assert.equal(barValue({ step: 1, fraction: 2 }), 2.8); // a size estimate overrun
  assert.equal(barValue({ step: 1, fraction: -1 }), 0);
  const values = [0, 0.25, 0.5, 1].map((fraction) => barValue({ step: 1, fraction }));
  values.push(barValue({ step: 2 }), barValue({ step: 3 }));
  assert.deepEqual([...values].sort((a, b) => a - b), values, "never backwards");
  assert.ok(values.every((v) => v < STEPS));
});

test("a chart marks the reader's own input, none when blank or not a number", () => {
  assert.deepEqual(markOf("10", "Leverage"), { value: 10, label: "Your leverage" });
  assert.deepEqual(markOf("\u22122.5", "Price move"), { value: -2.5, label: "Your price move" });
  assert.deepEqual(markOf("", "Leverage"), { value: undefined, label: "Your leverage" });
  assert.deepEqual(markOf("ten", "Leverage"), { value: undefined, label: "Your leverage" });
});

const ITEMS = [
  { name: "payment", header: "payment ({currency_label})", format: "number" },
  { name: "rate", header: "rate (%)", format: "percent" },
  {
    name: "schedule", header: "schedule", format: "table", label: "Schedule",
    columns: [
      { name: "time", header: "time (h)", format: "number" },
      { name: "rate", header: "rate (%)", format: "percent" },
      { name: "note", header: "note", format: "text" },
    ],
  },
];
const OUTPUTS = {
  payment: -12.5,
  rate: -0.0003,
  schedule: [{ time: 0, rate: 0.0001, venue: "x" }, { time: 8, rate: -0.07 }],
};
const units = (header) => header.replace("{currency_label}", "USDT");

test("the summary CSV holds the single figures, rates in exact percent, units in the header", () => {
  const { header, rows } = tableOf(ITEMS, OUTPUTS, null, units);
  assert.deepEqual(header, ["payment (USDT)", "rate (%)"]);
  assert.equal(rows.length, 1);
  assert.equal(rows[0][0], -12.5);
  assert.ok(rows[0][1] instanceof Exact);
  assert.equal(rows[0][1].text, "-0.03");
});

test("a table's CSV keeps the columns its rows carry, and columns the spec does not know", () => {
  const { header, rows } = tableOf(ITEMS, OUTPUTS, "schedule", units);
  assert.deepEqual(header, ["time (h)", "rate (%)", "venue"]); // no row has a note
  assert.deepEqual(rows.map((r) => [r[0], r[1].text, r[2]]), [[0, "0.01", "x"], [8, "-7", undefined]]);
  assert.deepEqual(tableOf(ITEMS, { ...OUTPUTS, schedule: null }, "schedule", units), { header: [], rows: [] });
});
