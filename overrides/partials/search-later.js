// @ts-check
// Holds the theme's search index back until it is wanted (inlined in <head> by main.html, so it runs
// before the theme's bundle asks for the index).
//
// The theme requests search/search_index.json (hundreds of KB) as soon as its bundle runs, then
// parses it and builds the lunr index in its search worker. On a page with a calculator that ran
// while Pyodide started and competed with it for the network and the CPU (about 14 % of a first
// visit). Here the theme's request (an XMLHttpRequest) is opened as usual but sent only when:
// * the reader goes to search (focus in the search box, the search toggle, a pointer over or on
//   the search button), or arrives with a search (?q=) or highlighted terms (?h=) in the address;
// * or, otherwise, once the page is idle: on a page with calculators, once their runtime is live
//   and the reader has paused (no edit or page change for 1.5 s), or once it has failed (runtime.js
//   sends "perpcalc:runtime-settled"); after `load` on any other page.
// The theme shows "Initializing search" until its worker has the index, as it always did.
// Why the index was let go is kept on <html data-search-index="search|address|idle"> (the tests
// read it: the time a request starts depends on when the theme's bundle runs).
(() => {
  const proto = XMLHttpRequest.prototype;
  const open = proto.open;
  const send = proto.send;
  /** @type {WeakSet<XMLHttpRequest>} */
  const index = new WeakSet();
  /** @type {(() => void)[]} */
  const held = [];
  let released = false;
  const isIndex = (/** @type {string | URL} */ url) => {
    try {
      return new URL(url, location.href).pathname.endsWith("/search/search_index.json");
    } catch {
      return false;
    }
  };
  /**
   * @this {XMLHttpRequest}
   * @param {string} method
   * @param {string | URL} url
   * @param {any[]} rest
   */
  function heldOpen(method, url, ...rest) {
    if (isIndex(url)) index.add(this);
    else index.delete(this);
    Reflect.apply(open, this, [method, url, ...rest]);
  }
  proto.open = heldOpen;
  proto.send = function (body) {
    if (!released && index.has(this)) {
      held.push(() => send.call(this, body));
      return;
    }
    send.call(this, body);
  };
  const release = (/** @type {string} */ why) => {
    if (released) return;
    released = true;
    document.documentElement.dataset.searchIndex = why;
    for (const [type, fn] of intents) document.removeEventListener(type, fn, true);
    for (const go of held.splice(0)) go();
  };
  const idle = () => {
    const go = () => release("idle");
    if ("requestIdleCallback" in window) requestIdleCallback(go, { timeout: 2000 });
    else setTimeout(go, 200);
  };
  const search = (/** @type {Event} */ event) => {
    const el = /** @type {Element | null} */ (event.target instanceof Element ? event.target : null);
    if (el && (el.id === "__search" || el.closest(".md-search, label[for='__search']"))) release("search");
  };
  /** @type {[string, (event: Event) => void][]} */
  const intents = [["focusin", search], ["change", search], ["pointerover", search], ["pointerdown", search]];
  for (const [type, fn] of intents) document.addEventListener(type, fn, true);
  const query = new URLSearchParams(location.search);
  if (query.has("q") || query.has("h")) release("address");
  addEventListener("perpcalc:runtime-settled", idle);
  addEventListener("load", () => {
    if (!document.querySelector("form.perpcalc")) idle();
  });
})();
