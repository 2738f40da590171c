// Service worker: keeps Perp Glossary usable offline after a first visit.
// The build fills in VERSION (a hash of the runtime and assets) and RUNTIME (the pinned
// Pyodide files and the perpcalc wheel). A new version gets a new cache and the old one is
// deleted, so a reader never runs a stale runtime against new pages.
const VERSION = "__VERSION__";
const RUNTIME = __RUNTIME__;
const CACHE = `perp-glossary-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(self.skipWaiting());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith("perp-glossary-") && key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

// The page asks for the runtime to be cached once it has loaded it (so the download is
// not doubled while the reader waits); the files then come from the HTTP cache.
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "cache-runtime") {
    const base = self.registration.scope;
    const pageUrls = (event.data.urls || []).filter((u) => typeof u === "string" && u.startsWith(self.location.origin));
    const urls = [...RUNTIME.map((path) => new URL(path, base).href), ...pageUrls];
    event.waitUntil(
      caches.open(CACHE).then((cache) =>
        Promise.all(
          urls.map(async (url) => {
            if (await cache.match(url)) return;
            try {
              await cache.add(url);
            } catch (err) {
              // a page or asset that cannot be fetched now is simply not kept offline
            }
          }),
        ),
      ),
    );
  }
});

function isPage(request, url) {
  return request.mode === "navigate" || url.pathname.endsWith("/") || url.pathname.endsWith(".html");
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      if (isPage(request, url) || url.pathname.endsWith(".json") || url.pathname.endsWith(".xml")) {
        // pages and indexes: network first, so readers see updates; the cache when offline
        try {
          const response = await fetch(request);
          if (response.ok) cache.put(request, response.clone());
          return response;
        } catch (err) {
          const hit = (await cache.match(request, { ignoreSearch: true })) || (await caches.match(request, { ignoreSearch: true }));
          if (hit) return hit;
          throw err;
        }
      }
      // versioned assets: cache first
      const hit = await cache.match(request);
      if (hit) return hit;
      const response = await fetch(request);
      if (response.ok && response.type === "basic") cache.put(request, response.clone());
      return response;
    })(),
  );
});
