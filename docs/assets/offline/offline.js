// Offline page: list the pages this browser has kept (the service worker's cache), each with
// its title, and say which page the reader asked for. Text only: nothing cached is inserted
// as HTML.
const box = document.getElementById("offline-pages");

async function savedPages() {
  const pages = new Map();
  for (const key of await caches.keys()) {
    if (!key.startsWith("perp-glossary-")) continue;
    const cache = await caches.open(key);
    for (const request of await cache.keys()) {
      const url = new URL(request.url);
      if (url.origin !== location.origin || !url.pathname.endsWith("/") || url.pathname.endsWith("/offline/")) continue;
      const response = await cache.match(request);
      const type = response && response.headers.get("content-type");
      if (!type || !type.startsWith("text/html")) continue;
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const title = (doc.querySelector("h1")?.textContent || doc.title || url.pathname).replace(/¶$/, "").trim();
      pages.set(url.pathname, title);
    }
  }
  return [...pages].sort((a, b) => a[1].localeCompare(b[1]));
}

async function show() {
  if (!box || !("caches" in self)) return;
  const asked = new URLSearchParams(location.search).get("from");
  const pages = await savedPages();
  if (!pages.length) return;
  box.replaceChildren();
  if (asked) {
    const note = document.createElement("p");
    note.textContent = `You asked for ${asked}, which is not saved. Saved on this device:`;
    box.append(note);
  }
  const list = document.createElement("ul");
  list.dataset.offlineList = "";
  for (const [path, title] of pages) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = path;
    link.textContent = title;
    item.append(link);
    list.append(item);
  }
  box.append(list);
}

show();
