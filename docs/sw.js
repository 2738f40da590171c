// Service worker: keeps Perp Glossary usable offline after a first visit, and keeps the
// build's memory snapshot so the next visit's calculators start from it.
//
// The build fills in VERSION (a hash of the runtime and assets), FILES (path under the site
// root -> sha256, for the runtime files, the snapshot and the calculator scripts: kept once the
// first calculator is live), PINNED (path -> sha256, for the other stylesheets, scripts and fonts
// whose name carries no hash: page.js, site.css, KaTeX's...: kept once a page used them),
// GZIPPED (those runtime files that have a .gz copy) and OFFLINE (the offline page). A new
// version gets a new cache and the old one is deleted; any change to a file of FILES or PINNED
// is a new version. Nothing is kept unchecked: a file with a recorded hash is stored only when
// its bytes match it (a stale copy from the browser's HTTP cache is fetched again from the
// server, then checked again); any other file is revalidated with the server before it is stored.
//
// Serving: files whose bytes are fixed for this version (a hash in FILES or PINNED, or a hash in
// their name) come from the cache first, so a return visit asks the server for the page alone
// before it can run; pages, indexes and every other file (images, the search index...) from the
// server first, revalidated past the browser's HTTP cache (a host such as GitHub Pages lets it
// keep them for 10 minutes), and from the cache only offline.
const VERSION = "__VERSION__";
const FILES = __FILES__;
const PINNED = __PINNED__;
const GZIPPED = new Set(__GZIPPED__);
const OFFLINE = "__OFFLINE__";
const CACHE = `perp-glossary-${VERSION}`;
const scope = new URL(self.registration.scope);

function sameOrigin(value) {
  try {
    return new URL(value, scope).origin === scope.origin;
  } catch {
    return false;
  }
}

async function sha256(buffer) {
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// `url`'s bytes and type. A runtime file the host sends as it is (no Content-Encoding: some hosts
// compress nothing, some not a zip or a .bin) comes from the build's .gz copy, gunzipped, as the
// worker does (unless the host marked the copy Content-Encoding: gzip, so that the browser did).
// `plain`: the worker had to fetch some copies, so a file not in the HTTP cache (the snapshot's
// parts) is asked for as its copy at once, not first as the file (cancelled after a round trip).
async function fetchBytes(url, mode, plain) {
  const rel = new URL(url).pathname.slice(scope.pathname.length);
  const copyFirst = plain && GZIPPED.has(rel) && mode === "default" &&
    !(await fetch(url, { cache: "only-if-cached", mode: "same-origin" }).then((r) => (r.body?.cancel(), r.ok), () => false));
  let response = copyFirst ? null : await fetch(url, { cache: mode });
  if (!response || (response.ok && GZIPPED.has(rel) && !response.headers.get("content-encoding"))) {
    await response?.body?.cancel();
    const copy = await fetch(`${url}.gz`, { cache: mode });
    if (copy.ok) {
      const body = copy.headers.get("content-encoding") ? copy.body : copy.body.pipeThrough(new DecompressionStream("gzip"));
      const type = url.endsWith(".wasm") ? "application/wasm" : "application/octet-stream";
      return { ok: true, body: await new Response(body).arrayBuffer(), type };
    }
    response = await fetch(url, { cache: mode }); // a host without the .gz copies
  }
  if (!response.ok) return { ok: false };
  return { ok: true, body: await response.arrayBuffer(), type: response.headers.get("content-type") };
}

// Fetch `url` and store it if it is what the build says it is (stored as the file itself, not
// as its .gz copy, whichever was fetched).
async function keep(cache, url, expected, plain) {
  if (!expected) {
    const response = await fetch(url, { cache: "no-cache" });
    if (response.ok && response.type === "basic") await cache.put(url, response);
    return;
  }
  for (const mode of ["default", "reload"]) {
    const { ok, body, type } = await fetchBytes(url, mode, plain);
    if (!ok) return;
    if ((await sha256(body)) === expected) {
      // marked, so the page's progress does not count these bytes as downloaded
      const headers = { "Content-Type": type || "application/octet-stream", "X-Perp-Saved": "1" };
      await cache.put(url, new Response(body, { headers }));
      return;
    }
  }
}

// A pinned file fetched on a miss: kept when its bytes are the version's.
async function keepChecked(cache, request, response, expected) {
  try {
    const body = await response.arrayBuffer();
    if ((await sha256(body)) !== expected) return;
    const headers = { "Content-Type": response.headers.get("content-type") || "application/octet-stream" };
    await cache.put(request, new Response(body, { headers }));
  } catch {
    // not kept: fetched again next time
  }
}

// A service worker installs only under its own version's address (sw.js?v=VERSION, as the page that
// registers it names its version): the address of the worker controlling a page then tells the page,
// before it loads anything, which version's files it would be served (overrides/partials/boot.js).
// The browser's own update check asks for the registered address, whose bytes on the server may be
// a newer version: that one is not installed under the older name; the next page registers it.
self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      if (new URL(self.location.href).searchParams.get("v") !== VERSION) {
        throw new Error(`sw.js of version ${VERSION} registered under ${self.location.search || "no version"}`);
      }
      const cache = await caches.open(CACHE);
      try {
        for (const path of [OFFLINE, "assets/offline/offline.js"]) {
          await keep(cache, new URL(path, scope).href, PINNED[path] || null);
        }
      } catch {
        // installed anyway; the offline page is fetched again next time
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith("perp-glossary-") && key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

// The page asks, once its first calculator is live (so nothing competes with that download),
// for the runtime, the snapshot and the pages and assets it loaded to be kept.
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "cache-runtime") return;
  const hashes = new Map(Object.entries(FILES).map(([path, sum]) => [new URL(path, scope).href, sum]));
  const pinned = new Map(Object.entries(PINNED).map(([path, sum]) => [new URL(path, scope).href, sum]));
  const pages = (Array.isArray(event.data.urls) ? event.data.urls : [])
    .filter((u) => typeof u === "string" && sameOrigin(u))
    .map((u) => new URL(u, scope).href.split("#")[0]);
  const urls = [...new Set([...hashes.keys(), ...pages])];
  const plain = event.data.plain === true;
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await Promise.all(
        urls.map(async (url) => {
          if (await cache.match(url)) return;
          try {
            await keep(cache, url, hashes.get(url) || pinned.get(url), plain);
          } catch {
            // a file that cannot be fetched now is simply not kept offline
          }
        }),
      );
      for (const client of await self.clients.matchAll()) client.postMessage({ type: "runtime-cached", version: VERSION });
    })(),
  );
});

// A name such as main.6f8e2a1c.min.css or snapshot-0123abcd….bin: its bytes never change.
const HASHED_NAME = /[.-][0-9a-f]{8,}\.(?:min\.)?(?:js|css|bin|zip)$/;

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // a runtime file's .gz copy (a host that sends no compression): the worker checks what it
  // gunzips, and the copy kept offline is the file itself
  if (request.method !== "GET" || url.origin !== scope.origin || url.pathname.endsWith(".gz")) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const rel = url.pathname.slice(scope.pathname.length);
      const expected = FILES[rel] || PINNED[rel];
      const fixed = Boolean(expected) || HASHED_NAME.test(url.pathname);
      if (!fixed) {
        // pages, indexes and unhashed assets: network first, so readers see updates; the cache when offline
        try {
          const response = await fetch(request, { cache: "no-cache" });
          if (response.ok) cache.put(request, response.clone());
          return response;
        } catch (err) {
          const hit = (await cache.match(request, { ignoreSearch: true })) || (await caches.match(request, { ignoreSearch: true }));
          if (hit) return hit;
          const offline = new URL(OFFLINE, scope);
          if (request.mode === "navigate" && url.pathname !== offline.pathname && (await cache.match(offline.href))) {
            offline.searchParams.set("from", url.pathname);
            return Response.redirect(offline.href, 302);
          }
          throw err;
        }
      }
      // fixed bytes: cache first (kept only after the checks above); a miss is revalidated, as the
      // HTTP cache may still hold the previous version's file of that name
      const hit = await cache.match(request);
      if (hit) return hit;
      const response = await fetch(request, expected ? { cache: "no-cache" } : undefined);
      if (response.ok && response.type === "basic") {
        if (PINNED[rel]) event.waitUntil(keepChecked(cache, request, response.clone(), PINNED[rel]));
        else if (!FILES[rel]) cache.put(request, response.clone());
      }
      return response;
    })(),
  );
});
