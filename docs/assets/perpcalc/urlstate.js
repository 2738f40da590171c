// @ts-check
// The page's address: the size limit of a shared link and the query keys, as pure functions
// imported by perpcalc.js and unit-tested under Node (tests/js/urlstate.test.mjs).
//
// One calculator on the page: keys are the field names (?size=5). Several: keys are
// "<form>.field", where <form> is the form's id without "calc-" (the calculator's name for
// its first use on the page, "name-N" for a second use), so two uses never share a key.

/** The most characters the query string may take (a link stays shareable). */
export const URL_BUDGET = 2000;

/**
 * What a form's keys start with: "" when it is the page's only calculator, else "<form>.".
 * @param {string} formId the form's id ("calc-funding_payment", "calc-funding_payment-2")
 * @param {number} formCount how many calculator forms the page has
 * @returns {string}
 */
export function keyPrefix(formId, formCount) {
  return formCount > 1 ? `${formId.replace(/^calc-/, "")}.` : "";
}

/**
 * The characters `key=value` takes in a query string, encoded, with its separator.
 * @param {string} key
 * @param {string} value
 * @returns {number}
 */
export function querySize(key, value) {
  return new URLSearchParams([[key, value]]).toString().length + 1;
}

/**
 * Which entries to leave out so that the rest fit URL_BUDGET: the largest first (of equal
 * sizes, the earlier first), no more than needed.
 * @param {number[]} sizes each entry's querySize, in the form's order
 * @returns {number[]} indices into `sizes`, in the order they are dropped
 */
export function overBudget(sizes) {
  let total = sizes.reduce((sum, n) => sum + n, 0);
  const order = sizes.map((n, i) => [n, i]).sort((a, b) => b[0] - a[0]);
  const dropped = [];
  for (const [n, i] of order) {
    if (total <= URL_BUDGET) break;
    total -= n;
    dropped.push(i);
  }
  return dropped;
}
