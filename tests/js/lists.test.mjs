// Unit tests for the pure functions of docs/assets/perpcalc/lists.js (run by `node --test tests/js`).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  HOLD_CHARS, PREVIEW_LINES, TABLE_PAGE, heldSummary, lineCount, pageStart, pageWords, preview, rawPage, rowsFrom,
  unpackLarge,
} from "../../docs/assets/perpcalc/lists.js";

const encoder = new TextEncoder();

/** Raw rows as perpcalc.page.compute_page sends a long output apart: its JSON text as bytes, and
 * the offsets of each page of `size` rows in it (rows separated by commas, without brackets). */
function apart(rows, size) {
  const pages = [];
  for (let i = 0; i < rows.length; i += size) pages.push(JSON.stringify(rows.slice(i, i + size)).slice(1, -1));
  const offsets = [1];
  for (const page of pages) offsets.push(offsets.at(-1) + page.length + 1);
  return { bytes: encoder.encode(`[${pages.join(",")}]`), offsets };
}

// raw rows as perpcalc writes them: JSON in ASCII (non-ASCII escaped), so an offset in the text is one in the bytes
const rawRows = (n) => Array.from({ length: n }, (_, i) => ({ id: `#${i + 1}`, amount: (i * 0.5).toFixed(1) }));
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
  assert.match(words, /^100,000 rows \(\d+\.\d MB\); the box shows the first \d+ and cannot be typed in/);
  assert.ok(words.includes(`(${(text.length / 1e6).toFixed(1)} MB)`));
  assert.ok(words.includes(`the box shows the first ${PREVIEW_LINES} and`));
  assert.ok(words.endsWith("to edit them, show all in the box or clear it."));
  assert.match(heldSummary("id\n1\n2"), /^2 rows .* the first 2 and/);
});

test("raw pages decode to the rows they were made from, page by page", () => {
  const rows = rawRows(1234);
  const raw = apart(rows, 200);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(raw.bytes)), rows);
  assert.deepEqual(JSON.parse(rawPage(raw, 0)), rows.slice(0, 200));
  assert.deepEqual(JSON.parse(rawPage(raw, 6)), rows.slice(1200));
  assert.equal(rawPage(raw, 7), null); // past the last page: no rows
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].flatMap((k) => JSON.parse(rawPage(raw, k))), rows);
});

test("rowsFrom gives the first page at once and asks for any other, formatted from its raw rows", async () => {
  const raw = rawRows(1000);
  const text = (rows) => rows.map((r) => [r.id, r.amount]);
  const asked = [];
  const format = async (json) => {
    asked.push(json);
    return text(JSON.parse(json));
  };
  const shown = { text: "", rows: text(raw.slice(0, TABLE_PAGE)), total: raw.length, raw: apart(raw, TABLE_PAGE) };
  assert.deepEqual(rowsFrom(shown, 0, format), text(raw.slice(0, TABLE_PAGE)));
  assert.equal(asked.length, 0, "the first page's text came with the answer");
  for (const start of [200, 400, 800]) {
    assert.deepEqual(await rowsFrom(shown, start, format), text(raw.slice(start, start + TABLE_PAGE)));
  }
  assert.equal(asked.length, 3);
  assert.deepEqual(await rowsFrom({ ...shown, raw: apart(raw, TABLE_PAGE) }, 1000, format), []); // past the end
  assert.deepEqual(await rowsFrom(shown, 200, async () => null), []); // the worker could not format them
  const plain = { text: "", rows: text(raw) };
  for (const start of [0, 200, 800]) assert.deepEqual(rowsFrom(plain, start), text(raw.slice(start, start + TABLE_PAGE)));
  assert.deepEqual(rowsFrom({ text: "" }, 0), []);
});

test("rowsFrom gives a kept table's first page at once and asks the worker for any other by its number", async () => {
  const rows = Array.from({ length: 1000 }, (_, i) => [`p${i}`, String(i)]);
  const asked = [];
  const kept = async (page) => {
    asked.push(page);
    return page < 5 ? rows.slice(page * TABLE_PAGE, (page + 1) * TABLE_PAGE) : null;
  };
  const shown = { text: "1000 rows", rows: rows.slice(0, TABLE_PAGE), total: rows.length, kept: 7 };
  assert.deepEqual(rowsFrom(shown, 0, undefined, kept), rows.slice(0, TABLE_PAGE));
  assert.equal(asked.length, 0, "the first page's text came with the answer");
  assert.deepEqual(await rowsFrom(shown, 600, undefined, kept), rows.slice(600, 800));
  assert.deepEqual(asked, [3]);
  assert.deepEqual(await rowsFrom(shown, 1000, undefined, kept), []); // no longer kept, or past the end
  assert.deepEqual(rowsFrom(shown, 200), []); // nobody to ask
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
  const value = rawRows(500);
  const { bytes, offsets } = apart(value, TABLE_PAGE);
  const result = { ok: true, outputs: { count: 500 }, display: { ranking: { text: "500 rows", offsets } },
    json: { ranking: bytes } };
  const unpacked = unpackLarge(result);
  assert.equal(unpacked, result);
  assert.deepEqual(result.display.ranking.raw, { bytes, offsets });
  assert.deepEqual(Object.keys(result.outputs).sort(), ["count", "ranking"]);
  assert.equal(result.json.ranking, JSON.stringify(value));
  assert.deepEqual(result.outputs.ranking, value);
  assert.equal(result.outputs.ranking, result.outputs.ranking, "parsed once");
  const refused = { ok: false, error: { field: "size", message: "size must be positive" } };
  assert.equal(unpackLarge(refused), refused);
});
