// Unit tests for docs/assets/perpcalc/urlstate.js (run by `node --test tests/js`).
import assert from "node:assert/strict";
import { test } from "node:test";

import { URL_BUDGET, keyPrefix, overBudget, querySize } from "../../docs/assets/perpcalc/urlstate.js";

test("keys carry the form's name only when the page has several calculators", () => {
  assert.equal(keyPrefix("calc-funding_payment", 1), "");
  assert.equal(keyPrefix("calc-funding_payment", 2), "funding_payment.");
  assert.equal(keyPrefix("calc-funding_payment-2", 3), "funding_payment-2.");
});

test("querySize counts the encoded pair and its separator", () => {
  assert.equal(querySize("size", "5"), "size=5".length + 1);
  assert.equal(querySize("rate", "-0.03%"), "rate=-0.03%25".length + 1);
  assert.equal(querySize("a.b", "x y"), "a.b=x+y".length + 1);
});

test("nothing is dropped when the query fits", () => {
  assert.deepEqual(overBudget([]), []);
  assert.deepEqual(overBudget([URL_BUDGET]), []);
  assert.deepEqual(overBudget([10, 20, 30]), []);
});

test("the largest entries go first, and no more than needed", () => {
  assert.deepEqual(overBudget([10, URL_BUDGET, 20]), [1]);
  assert.deepEqual(overBudget([900, 1200, 800, 50]), [1]);
  assert.deepEqual(overBudget([1500, 1500, 1500]), [0, 1]); // of equal sizes, the earlier first
});

test("what is kept always fits the budget, and each drop was needed", () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let round = 0; round < 200; round++) {
    const sizes = Array.from({ length: 1 + Math.floor(random() * 12) }, () => 1 + Math.floor(random() * 900));
    const dropped = overBudget(sizes);
    const kept = sizes.reduce((sum, n, i) => sum + (dropped.includes(i) ? 0 : n), 0);
    assert.ok(kept <= URL_BUDGET, `${sizes}: kept ${kept}`);
    if (dropped.length) assert.ok(kept + sizes[dropped.at(-1)] > URL_BUDGET, `${sizes}: dropped one too many`);
    const order = dropped.map((i) => sizes[i]);
    assert.deepEqual(order, [...order].sort((a, b) => b - a));
  }
});
