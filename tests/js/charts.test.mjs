// Unit tests for the pure functions of docs/assets/perpcalc/charts.js (run by `node --test tests/js`).
// charts.js imports uPlot from where the build copies it: uplot-hook.mjs answers that import
// with node_modules' copy, registered before charts.js is imported.
import assert from "node:assert/strict";
import { register } from "node:module";
import { test } from "node:test";

register("./uplot-hook.mjs", import.meta.url);
const { barRange, numeric, sharedUnit, tickRoom, wrapName, xValues } = await import("../../docs/assets/perpcalc/charts.js");

/** A chart as perpcalc's Output.chart_spec writes it. */
function chart(extra = {}) {
  return { x: "n", y: ["a", "b"], kind: "line", title: "t", marks: [],
    labels: { n: "Settlement", a: "Paid (USDT)", b: "Received (USDT)" }, ...extra };
}

test("a column is numbers, with a gap where a row has none", () => {
  const rows = [{ n: 1, a: 2.5 }, { n: 2, a: "x" }, { n: 3 }, { n: 4, a: -0 }];
  assert.deepEqual(numeric(rows, "a"), [2.5, null, null, -0]);
  assert.deepEqual(numeric([], "a"), []);
});

test("the x axis is dates when every point has a time, else the x column; none with a hole", () => {
  const rows = [{ n: 1, t: "2024-03-01T00:00Z" }, { n: 2, t: "2024-03-01T08:00Z" }];
  assert.deepEqual(xValues(rows, chart({ time: "t" })), { xs: [1709251200, 1709280000], dated: true });
  assert.deepEqual(xValues(rows, chart()), { xs: [1, 2], dated: false });
  // one point without a time: counted along x instead
  assert.deepEqual(xValues([rows[0], { n: 2, t: null }], chart({ time: "t" })), { xs: [1, 2], dated: false });
  assert.deepEqual(xValues([rows[0], { n: 2, t: "not a time" }], chart({ time: "t" })), { xs: [1, 2], dated: false });
  // uPlot's x values must all be numbers: a missing one hides the chart (the table still shows the rows)
  assert.equal(xValues([{ n: 1 }, { n: null }], chart()), null);
  assert.equal(xValues([{ n: 1 }, { n: "2" }], chart()), null);
});

test("the y axis takes the unit its series share, none when they differ", () => {
  assert.equal(sharedUnit(chart()), "USDT");
  assert.equal(sharedUnit(chart({ labels: { a: "Paid (USDT)", b: "Rate (%)" } })), "");
  assert.equal(sharedUnit(chart({ labels: { a: "Paid", b: "Received" } })), "");
  assert.equal(sharedUnit(chart({ y: ["a"], labels: { a: "Price (settlement currency)" } })), "settlement currency");
});

test("named ticks wrap at spaces to the room each point has", () => {
  assert.deepEqual(wrapName("Insurance fund absorbs the loss", 10), ["Insurance", "fund", "absorbs", "the loss"]);
  assert.deepEqual(wrapName("ADL", 10), ["ADL"]);
  assert.deepEqual(wrapName("Counterparties", 5), ["Counterparties"]); // a long word keeps its own line
  assert.deepEqual(wrapName("a b c d", 3), ["a b", "c d"]);
  assert.equal(tickRoom(90 + 6.2 * 40, 2), 20);
  assert.equal(tickRoom(240, 50), 5, "never fewer than five characters");
  for (const [width, count] of [[300, 3], [700, 5], [1200, 12]]) {
    const room = tickRoom(width, count);
    assert.ok(room >= 5 && room * count * 6.2 <= Math.max(width - 90, 5 * count * 6.2), `${width}/${count}: ${room}`);
  }
});

test("a bar chart's range holds half a spacing beyond its first and last bars", () => {
  assert.deepEqual(barRange([1, 2, 3, 4]), [0.5, 4.5]);
  assert.deepEqual(barRange([0, 10]), [-5, 15]);
  const xs = [100, 108, 116];
  const [lo, hi] = barRange(xs);
  assert.equal(xs[0] - lo, hi - xs[xs.length - 1]);
});
