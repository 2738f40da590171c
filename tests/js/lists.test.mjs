// Unit tests for the pure functions of docs/assets/perpcalc/lists.js (run by `node --test tests/js`).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  HOLD_CHARS, PREVIEW_LINES, TABLE_PAGE, heldSummary, lineCount, pageOf, pageStart, pageWords, preview, rowsFrom,
  unpackLarge,
} from "../../docs/assets/perpcalc/lists.js";

const encoder = new TextEncoder();

/** Rows packed as worker.js's packLarge sends them: pages of `size` rows in one UTF-8 buffer. */
function pack(rows, size) {
  const parts = [];
  const offsets = [0];
  for (let i = 0; i < rows.length; i += size) {
    parts.push(encoder.encode(JSON.stringify(rows.slice(i, i + size))));
    offsets.push(offsets.at(-1) + parts.at(-1).length);
  }
  const bytes = new Uint8Array(offsets.at(-1));
  parts.forEach((part, k) => bytes.set(part, offsets[k]));
  return { bytes, offsets, size };
}

const rowsOf = (n) => Array.from({ length: n }, (_, i) => [`#${i + 1}`, `${(i * 0.5).toFixed(1)} €`]);

test("lineCount counts lines, a final newline ending the last one", () => {
  assert.equal(lineCount(""), 1);
  assert.equal(lineCount("a"), 1);
  assert.equal(lineCount("a\n"), 1);
  assert.equal(lineCount("a\nb"), 2);
  assert.equal(lineCount("a\nb\n"), 2);
  assert.equal(lineCount("\n\n"), 2);
  const text = ["id,size", ...rowsOf(1000).map((r) => r.join(","))].join("\n");
  assert.equal(lineCount(text), text.split("\n").length);
});

test("preview keeps the header and PREVIEW_LINES rows, then an ellipsis line", () => {
  const lines = ["id,size", ...rowsOf(100).map((r) => r.join(","))];
  const shown = preview(lines.join("\n")).split("\n");
  assert.deepEqual(shown, [...lines.slice(0, PREVIEW_LINES + 1), "…"]);
  assert.equal(preview("id\n1\n2"), "id\n1\n2\n…"); // shorter than the preview: all of it
});

test("heldSummary counts the rows under the header and the megabytes", () => {
  const text = ["id,size", ...rowsOf(100_000).map((r) => r.join(","))].join("\n");
  assert.ok(text.length > HOLD_CHARS);
  const words = heldSummary(text);
  assert.match(words, /^100,000 rows \(\d+\.\d MB\) in use;/);
  assert.ok(words.includes(`(${(text.length / 1e6).toFixed(1)} MB)`));
  assert.ok(words.endsWith(`the box shows the first ${PREVIEW_LINES}, which keeps the page responsive.`));
  assert.match(heldSummary("id\n1\n2"), /^2 rows .* the first 2,/);
});

test("packed pages decode to the rows they were made from, page by page", () => {
  const rows = rowsOf(1234);
  const pages = pack(rows, 200);
  assert.deepEqual(pageOf(pages, 0), rows.slice(0, 200));
  assert.deepEqual(pageOf(pages, 6), rows.slice(1200));
  assert.deepEqual(pageOf(pages, 7), []); // past the last page: no rows
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].flatMap((k) => pageOf(pages, k)), rows);
});

test("rowsFrom gives TABLE_PAGE rows from any start, packed or not, across page edges", () => {
  const rows = rowsOf(1000);
  for (const size of [200, 150]) {
    const shown = { text: "", pages: pack(rows, size), total: rows.length };
    // a start inside a page reads that page only (the pager moves by TABLE_PAGE from 0)
    assert.deepEqual(rowsFrom(shown, 0), rows.slice(0, Math.min(size, TABLE_PAGE)));
  }
  const packed = { text: "", pages: pack(rows, TABLE_PAGE), total: rows.length };
  const plain = { text: "", rows };
  for (const start of [0, 200, 400, 800]) {
    assert.deepEqual(rowsFrom(packed, start), rows.slice(start, start + TABLE_PAGE));
    assert.deepEqual(rowsFrom(plain, start), rows.slice(start, start + TABLE_PAGE));
  }
  assert.deepEqual(rowsFrom({ text: "" }, 0), []);
});

test("pageStart keeps the pager between its first and last pages", () => {
  assert.equal(pageStart(-TABLE_PAGE, 1000), 0);
  assert.equal(pageStart(400, 1000), 400);
  assert.equal(pageStart(1000, 1000), 800); // "Next" on the last page stays there
  assert.equal(pageStart(1000, 1001), 1000); // a last page of one row
  assert.equal(pageStart(200, 150), 0);
});

test("pageWords names the rows shown and the total", () => {
  assert.equal(pageWords(0, 100_000), "rows 1–200 of 100,000");
  assert.equal(pageWords(99_800, 100_000), "rows 99,801–100,000 of 100,000");
  assert.equal(pageWords(200, 250), "rows 201–250 of 250");
});

test("unpackLarge decodes long outputs only when read, to what the worker packed", () => {
  const value = rowsOf(500).map(([id, amount]) => ({ id, amount }));
  const result = { ok: true, outputs: { count: 500 }, display: {}, json: { ranking: encoder.encode(JSON.stringify(value)) } };
  const unpacked = unpackLarge(result);
  assert.equal(unpacked, result);
  assert.deepEqual(Object.keys(result.outputs).sort(), ["count", "ranking"]);
  assert.equal(result.json.ranking, JSON.stringify(value));
  assert.deepEqual(result.outputs.ranking, value);
  assert.equal(result.outputs.ranking, result.outputs.ranking, "parsed once");
  const refused = { ok: false, error: { field: "size", message: "size must be positive" } };
  assert.equal(unpackLarge(refused), refused);
});
