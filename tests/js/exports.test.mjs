// Unit tests for docs/assets/perpcalc/exports.js (run by `node --test tests/js`).
import assert from "node:assert/strict";
import { test } from "node:test";

import { Exact, csvCell, csvText, exportValue, pyString, pythonSource } from "../../docs/assets/perpcalc/exports.js";

test("a text cell that a spreadsheet would run as a formula is neutralised", () => {
  assert.equal(csvCell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  assert.equal(csvCell("+1"), "\"'+1\"");
  assert.equal(csvCell("-1+2"), "\"'-1+2\"");
  assert.equal(csvCell("@SUM(A1)"), "\"'@SUM(A1)\"");
  assert.equal(csvCell("\tx"), "\"'\tx\"");
  assert.equal(csvCell("\rx"), "\"'\rx\"");
});

test("numbers stay numbers, exact values keep their text", () => {
  assert.equal(csvCell(-5), "-5");
  assert.equal(csvCell(0.1), "0.1");
  assert.equal(csvCell(new Exact("-0.03")), "-0.03");
});

test("CSV quoting: commas, quotes and newlines; blanks and objects", () => {
  assert.equal(csvCell("a,b"), "\"a,b\"");
  assert.equal(csvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
  assert.equal(csvCell("two\nlines"), "\"two\nlines\"");
  assert.equal(csvCell("plain"), "plain");
  assert.equal(csvCell(null), "");
  assert.equal(csvCell(undefined), "");
  assert.equal(csvCell({ a: 1 }), "\"{\"\"a\"\":1}\"");
  assert.equal(csvText([["h1", "h2"], [1, "=x"]]), "h1,h2\n1,\"'=x\"\n");
});

test("a percent export is the exact percent of the fraction; others pass through", () => {
  const v = exportValue("percent", -0.0003);
  assert.ok(v instanceof Exact);
  assert.equal(v.text, "-0.03");
  assert.equal(exportValue("percent", 0.07).text, "7");
  assert.equal(exportValue("percent", "n/a"), "n/a");
  assert.equal(exportValue("", 0.5), 0.5);
});

test("pyString writes what a string holds, with invisible characters escaped", () => {
  assert.equal(pyString("BTC"), "\"BTC\"");
  assert.equal(pyString("a\"b\\c"), "\"a\\\"b\\\\c\"");
  assert.equal(pyString("x\u202Ey"), "\"x\\u202ey\""); // bidi override (Trojan Source)
  assert.equal(pyString("x\u200By"), "\"x\\u200by\""); // zero-width space
  assert.equal(pyString("\u2028"), "\"\\u2028\"");
  assert.equal(pyString("\u{E0001}"), "\"\\U000e0001\""); // a format character beyond the BMP
  assert.equal(pyString(5), "\"5\"");
});

test("the Copy-as-Python text calls perpcalc.run with the inputs, each a literal", () => {
  const code = pythonSource("funding_payment", "perpcalc.funding.funding_payment", { size: "5", rate: "0.01%" });
  assert.equal(code, [
    "import perpcalc  # to install it: the page \"Use it in Python\" on this site (/use-in-python/)",
    "",
    "result = perpcalc.run(\"funding_payment\", {",
    "    \"size\": \"5\",",
    "    \"rate\": \"0.01%\",",
    "})",
    "# the function behind it: perpcalc.funding.funding_payment",
    "print(result)",
    "",
  ].join("\n"));
  assert.ok(!pythonSource("x", "f", { note: "a\u202E\"); import os #" }).includes("\u202E"));
});
