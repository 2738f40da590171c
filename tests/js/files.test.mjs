// Unit tests for the pure functions of docs/assets/perpcalc/files.js (run by `node --test tests/js`).
import assert from "node:assert/strict";
import { test } from "node:test";

import { OFFSETS, looksLikeFile, mb, offsetName, progressOf } from "../../docs/assets/perpcalc/files.js";

const RATES = ["time", "rate"];

test("a paste of JSON or of a CSV with other columns is a file; rows of the field's own columns are not", () => {
  assert.equal(looksLikeFile('[{"fundingRate": "0.0001"}]', RATES), true);
  assert.equal(looksLikeFile('  \n{"rows": []}', RATES), true);
  assert.equal(looksLikeFile("Time,Symbol,Funding Rate\n2026-03-01 08:00:00,BTCUSDT,0.0001", RATES), true);
  assert.equal(looksLikeFile("symbol,fundingTime,fundingRate\r\nBTCUSDT,1,0.0001", RATES), true);
  // the field's own header, in any case and spacing, or no header at all
  assert.equal(looksLikeFile("Time, Rate\n2026-03-01T08:00Z,0.01", RATES), false);
  assert.equal(looksLikeFile("rate\n0.01", RATES), false);
  assert.equal(looksLikeFile("0.01\n0.02\n-0.005", RATES), false);
  // one column that is not the field's: a list of numbers, not a venue's export
  assert.equal(looksLikeFile("fundingRate\n0.0001", RATES), false);
  // rows of the field's own columns without their header (pasted below the header the field
  // shows) are rows: they went to the file reader, which refused them as "not a ledger", and the
  // paste never happened
  const PAYMENTS = ["time", "symbol", "amount", "asset"];
  assert.equal(looksLikeFile("2024-03-02T00:00Z, BTCUSDT, -1.2, USDT\n2024-03-02T08:00Z, BTCUSDT, -1.3, USDT", PAYMENTS), false);
  assert.equal(looksLikeFile("C, long, 2, 100, 110, 20", ["id", "side", "size", "entry_price", "mark_price", "margin"]), false);
  assert.equal(looksLikeFile("-0.0001,\u22120.02", RATES), false);
  // the venues' exports the file reader knows, pasted, are files (tests/pandas/fixtures)
  for (const header of ["calc_time,funding_interval_hours,last_funding_rate", "Time,Type,Amount,Asset,Symbol,Transaction ID",
    "Date(UTC),type,Amount,Asset,Symbol,Transaction ID", "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark",
    "Time,Contracts,Funding Interval,Funding Rate", "symbol,fundingRate,fundingRateTimestamp"]) {
    assert.equal(looksLikeFile(`${header}\n1,2,3`, PAYMENTS), true, header);
  }
});

test("UTC offsets are named as perpcalc.venue_files.zone_label names them", () => {
  assert.equal(offsetName(8), "UTC+8");
  assert.equal(offsetName(-3.5), "UTC-3:30"); // zone_label(-210)
  assert.equal(offsetName(5.75), "UTC+5:45");
  assert.equal(offsetName(-12), "UTC-12");
  assert.equal(offsetName(14), "UTC+14");
  const names = OFFSETS.map(offsetName);
  assert.equal(new Set(names).size, OFFSETS.length, "no two offsets share a name");
  assert.ok(names.every((n) => /^UTC[+-]\d{1,2}(:\d\d)?$/.test(n)), names.join(" "));
  assert.ok(!OFFSETS.includes(0), "UTC itself is offered once, by name");
  assert.deepEqual([...OFFSETS].sort((a, b) => a - b), OFFSETS, "in order, west to east");
});

test("the progress line counts MB while reading, lines while checking, and never runs past its bar", () => {
  assert.equal(mb(1_234_567), "1.2");
  assert.deepEqual(progressOf("a.csv", { phase: "reading", done: 1_500_000, total: 3_000_000 }),
    { max: 3_000_000, value: 1_500_000, text: "Reading a.csv in your browser: 1.5 of 3.0 MB…" });
  assert.deepEqual(progressOf("a.csv", { phase: "reading", done: 0, total: 0 }),
    { max: 1, value: 0, text: "Reading a.csv in your browser: 0.0 of 0.0 MB…" });
  assert.deepEqual(progressOf("a.csv", { phase: "checking", done: 12_000, total: 10_000 }),
    { max: 10_000, value: 10_000, text: "Checking a.csv: line 12,000 of about 10,000…" });
  // a total of 1: the line count is not known yet, the bar is indeterminate
  assert.deepEqual(progressOf("a.csv", { phase: "checking", done: 0, total: 1 }),
    { max: 1, value: null, text: "Checking a.csv…" });
});
