// Unit tests for docs/assets/perpcalc/percent.js (run by `node --test tests/js`).
import assert from "node:assert/strict";
import { test } from "node:test";

import { MAX_ZEROS, fromAPI, rateCells, rateShape, shapedControl, shiftPoint, toAPI } from "../../docs/assets/perpcalc/percent.js";

/** A stand-in for a form control: the attributes percent.js reads. */
function control({ percent = false, columns = "", percentColumns = "" } = {}) {
  return {
    hasAttribute: (name) => percent && name === "data-percent",
    dataset: { columns, percentColumns },
  };
}

test("shiftPoint moves the decimal point exactly, both ways", () => {
  assert.equal(shiftPoint("-0.0003", 2), "-0.03");
  assert.equal(shiftPoint("0.0001", 2), "0.01");
  assert.equal(shiftPoint("1.5", 2), "150");
  assert.equal(shiftPoint("150", -2), "1.5");
  assert.equal(shiftPoint("0.03", -2), "0.0003");
  assert.equal(shiftPoint("1e-7", 2), "0.00001");
  assert.equal(shiftPoint("2.5E3", 2), "250000");
  assert.equal(shiftPoint("\u22120.5", 2), "-50"); // the minus sign the page prints
  assert.equal(shiftPoint("0", 2), "0");
  assert.equal(shiftPoint("-0.000", 2), "0");
  assert.equal(shiftPoint(0.1, 2), "10");
});

test("shiftPoint has no float error where a float product has one", () => {
  assert.notEqual(String(0.07 * 100), "7"); // 7.000000000000001: why the text is shifted
  assert.equal(shiftPoint("0.07", 2), "7");
  assert.equal(shiftPoint("0.000123456789012345678", 2), "0.0123456789012345678");
});

test("shiftPoint returns text that is not a number as it is", () => {
  for (const text of ["abc", "1.2.3", "", "5%", "1,000"]) assert.equal(shiftPoint(text, 2), text === "" ? "0" : text);
});

test("shiftPoint there and back is the identity on canonical numbers", () => {
  for (const text of ["0.01", "-12.5", "3", "0.000001", "-0.75"]) {
    assert.equal(shiftPoint(shiftPoint(text, 2), -2), text);
  }
});

test("a rate field: toAPI marks percent, fromAPI reads a fraction or percent", () => {
  const el = control({ percent: true });
  assert.equal(toAPI(el, " 0.01 "), "0.01%");
  assert.equal(toAPI(el, "0.01%"), "0.01%");
  assert.equal(toAPI(el, "  "), "  "); // blank stays blank: perpcalc reports the missing value
  assert.equal(fromAPI(el, "-0.0003"), "-0.03"); // a fraction, as old links hold
  assert.equal(fromAPI(el, "-0.03%"), "-0.03");
  assert.equal(fromAPI(el, "0.03 %"), "0.03");
  assert.equal(fromAPI(el, " "), "");
});

test("a list of one rate column: each value, with or without a header", () => {
  const el = control({ columns: "rate", percentColumns: "rate" });
  assert.equal(toAPI(el, "0.01\n-0.02, 0.03"), "0.01%\n-0.02%, 0.03%");
  assert.equal(toAPI(el, "rate\n0.01\n0.02"), "rate\n0.01%\n0.02%");
  assert.equal(fromAPI(el, "rate\n0.0001\n0.02%"), "rate\n0.01\n0.02");
  assert.equal(toAPI(el, ""), "");
});

test("a list of several columns: only the rate columns, by the header's names", () => {
  const el = control({ columns: "time,rate,price", percentColumns: "rate" });
  const text = "time, price, rate\n2024-01-01T00:00Z, 100, 0.01\n2024-01-01T08:00Z, 101,-0.02";
  assert.equal(toAPI(el, text), "time, price, rate\n2024-01-01T00:00Z, 100, 0.01%\n2024-01-01T08:00Z, 101,-0.02%");
  assert.equal(fromAPI(el, "time,rate\nt1,0.0001"), "time,rate\nt1,0.01");
});

test("rateCells keeps spacing and blank cells, and leaves a list without rate columns alone", () => {
  const el = control({ columns: "rate", percentColumns: "rate" });
  assert.equal(rateCells(el, "  0.01 ,\n\n0.02", (c) => `[${c}]`), "  [0.01] ,\n\n[0.02]");
  const plain = control({ columns: "size" });
  assert.equal(rateCells(plain, "1\n2", () => "x"), "1\n2");
});

test("shiftPoint keeps an exponent where the zeros would run long: a link cannot make megabytes of text", () => {
  assert.equal(shiftPoint("1e-99999999", 2), "1e-99999997");
  assert.equal(shiftPoint("-2.50e-60", 2), "-25e-59");
  assert.equal(shiftPoint("1e999999", 2), "1e1000001");
  assert.equal(shiftPoint("3e-38", 2), `0.${"0".repeat(35)}3`); // up to MAX_ZEROS zeros: written out
  assert.equal(shiftPoint("3e-43", 2), `0.${"0".repeat(MAX_ZEROS)}3`);
  assert.equal(shiftPoint("3e-44", 2), "3e-42");
  // there and back: the same number, in its shortest exponent form
  for (const [text, back] of [["1e-99999999", "1e-99999999"], ["7e123456789", "7e123456789"], ["-1.50e-1000", "-15e-1001"]]) {
    assert.ok(shiftPoint(text, 2).length < 30, text);
    assert.equal(shiftPoint(shiftPoint(text, 2), -2), back);
  }
});

test("a control's rate attributes as data (for the worker) convert as the control does", () => {
  for (const shape of [{ percent: true }, { columns: "rate", percentColumns: "rate" },
    { columns: "time,rate,price", percentColumns: "rate" }, { columns: "size" }]) {
    const el = control(shape);
    const plain = rateShape(el);
    assert.deepEqual(JSON.parse(JSON.stringify(plain)), plain); // survives a message to the worker
    for (const text of ["0.0001", "rate\n0.0001\n-0.02%", "time, price, rate\nt1, 100, 0.0001", " ", "1\n2"]) {
      assert.equal(fromAPI(shapedControl(plain), text), fromAPI(el, text), text);
    }
  }
});
