// The tablet's offline cache of page images (issue 5): a service worker, served at /sw.js with
// `Service-Worker-Allowed: /` and registered with scope "/" by offline.js (registerServiceWorker).
//
// What it does, and only this:
//   - GET /api/meetings/{m}/documents/{d}/pages/{n} and …/thumbs/{n} (docs/protocol.md 14.4)
//     are answered cache-first from the Cache Storage cache CACHE. A page image never changes
//     (`Cache-Control: private, max-age=31536000, immutable`; uploaded documents get fresh random
//     ids), so a cached copy is never revalidated. On a miss the request goes to the network
//     (past the browser's HTTP cache: this cache is the one copy) and a `200` answer is stored,
//     unless its meeting or document was forgotten since the request began; nothing else is: 503 page_not_ready, 422 page_failed, 404, 401/403,
//     206 (range) and opaque answers pass through untouched and are asked again next time.
//   - Every other request (the HTML pages, /ws, the JSON API, uploads, /static scripts, this
//     script) is not intercepted at all: the browser sends it to the network as without a worker.
//
// So the pages a tablet has already been delivered (shown, or prefetched by the tablet page:
// tablet.js / ImagePrefetcher in offline.js) keep showing while the network is gone.
//
// The cache is bounded (trim() below): at most MAX_ENTRIES images and MAX_BYTES of image bytes
// (counted from the stored answers' Content-Length). Past either, the oldest stored images are
// deleted first (Cache Storage keeps its entries in insertion order) down to 90 % of the bound,
// so the images of today's meeting push out those of past meetings. A full page is a 2048 x 1536
// grey PNG or a JPEG, typically 50–400 KB, a thumbnail 5–20 KB: 4000 entries is e.g. 2000 pages
// and their thumbnails, up to 800 MB, hence the byte bound too: 300 MB holds several meetings'
// papers yet is a small share of a tablet's storage. The bound is checked every TRIM_EVERY
// writes (reading the stored headers of every entry: a few thousand lookups), so it may be passed
// by that many images for a while. If the browser itself refuses a write (QuotaExceededError), a
// quarter of the oldest entries go and the write is not retried: the image is still shown from
// the network answer.
//
// A new version of this file is picked up by the browser on the next page load (it is served
// with `Cache-Control: no-cache`); bump VERSION when the stored format changes: activate deletes
// every cache of ours that is not CACHE.

const VERSION = 1;
const PREFIX = "emeeting-pages-";
const CACHE = `${PREFIX}v${VERSION}`;
const MAX_ENTRIES = 4000;
const MAX_BYTES = 300 * 1024 * 1024;
const AVERAGE_BYTES = 150 * 1024; // for an entry without a Content-Length
const TRIM_EVERY = 50; // writes between two checks of the bound

// Exactly the two image URLs of section 14.4; ids are URL-encoded path segments, pages numbers.
const IMAGE_PATH = /^\/api\/meetings\/[^/]+\/documents\/[^/]+\/(pages|thumbs)\/[1-9][0-9]*$/;

self.addEventListener("install", (event) => {
  // Nothing to precache: images are stored as they are delivered. Take over at once, so that a
  // first visit is controlled without a reload (with clients.claim() below).
  event.waitUntil(self.skipWaiting());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

function isPageImage(request) {
  if (request.method !== "GET") return false;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.search || !IMAGE_PATH.test(url.pathname)) return false;
  // A range request, or one with its own credentials (not the cookie), is left to the network.
  return !request.headers.has("Range") && !request.headers.has("Authorization");
}

self.addEventListener("fetch", (event) => {
  if (!isPageImage(event.request)) return; // not intercepted: the network, exactly as without us
  event.respondWith(cacheFirst(event));
});

// URL prefixes forgotten (a revoked link, papers now hidden), and when: an image whose request
// began before its prefix was forgotten is passed on but not stored, or a fetch already on its
// way would put back what was just taken out.
const forgotten = new Map();

function forgottenSince(url, started) {
  for (const [prefix, at] of forgotten) if (at >= started && url.startsWith(prefix)) return true;
  return false;
}

async function cacheFirst(event) {
  const request = event.request;
  const key = request.url;
  const started = Date.now();
  let cache = null;
  try {
    cache = await caches.open(CACHE);
    const hit = await cache.match(key, { ignoreVary: true });
    if (hit) return hit;
  } catch {
    // Cache Storage unavailable (private mode, storage cleared underneath): just the network.
  }
  // Past the browser's own HTTP cache: this cache is the one copy, so that forgetting an image
  // (below) forgets it, and a page hidden since is asked of the server, which refuses it.
  const response = await fetch(new Request(request, { cache: "no-store" })); // offline: rejects
  const keep = !forgottenSince(key, started);
  if (keep && cache && response.status === 200 && response.type === "basic" && !noStore(response)) {
    event.waitUntil(store(cache, key, response.clone(), started));
  }
  return response;
}

function noStore(response) {
  return /no-store/i.test(response.headers.get("Cache-Control") || "");
}

async function store(cache, key, response, started) {
  try {
    await cache.put(key, response);
    // Forgotten while it was being written (the forgetting may have listed the cache before it):
    // take it out again.
    if (forgottenSince(key, started)) await cache.delete(key);
  } catch (err) {
    if (err && err.name === "QuotaExceededError") await dropOldest(cache, 0.25);
    return;
  }
  // The bound is checked on the first write after the worker starts and then every TRIM_EVERY
  // writes (not on each: a prefetch burst writes hundreds), inside this event's waitUntil so the
  // browser does not stop the worker halfway. One trim at a time.
  writes += 1;
  if ((writes - 1) % TRIM_EVERY === 0) {
    if (!trimming) trimming = trim().finally(() => { trimming = null; });
    await trimming;
  }
}

// -- the bound --------------------------------------------------------------------------------

let writes = 0; // since this worker started (the browser stops idle workers: it starts again)
let trimming = null;

async function trim() {
  try {
    const cache = await caches.open(CACHE);
    const keys = await cache.keys(); // oldest first
    // The size of each entry from its Content-Length (the server always sends one), read from the
    // stored headers only. Not navigator.storage.estimate(): Chrome does not lower its `usage`
    // when entries are deleted (the files shrink later), so it would make every trim drop more.
    const sizes = await Promise.all(keys.map(async (k) => {
      const hit = await cache.match(k);
      return hit ? Number(hit.headers.get("Content-Length")) || AVERAGE_BYTES : 0;
    }));
    let bytes = sizes.reduce((a, b) => a + b, 0);
    const overCount = keys.length > MAX_ENTRIES;
    const overBytes = bytes > MAX_BYTES;
    if (!overCount && !overBytes) return;
    // Down to 90 % of the bound that was passed, so that the next writes do not trim again at once.
    const keepCount = overCount ? Math.floor(MAX_ENTRIES * 0.9) : MAX_ENTRIES;
    const keepBytes = overBytes ? Math.floor(MAX_BYTES * 0.9) : MAX_BYTES;
    const drop = [];
    while (drop.length < keys.length && (keys.length - drop.length > keepCount || bytes > keepBytes)) {
      bytes -= sizes[drop.length];
      drop.push(keys[drop.length]);
    }
    await Promise.all(drop.map((k) => cache.delete(k)));
  } catch (err) {
    console.warn("emeeting sw: trim failed", err);
  }
}

async function dropOldest(cache, fraction) {
  try {
    const keys = await cache.keys();
    const drop = Math.max(1, Math.ceil(keys.length * fraction));
    await Promise.all(keys.slice(0, drop).map((k) => cache.delete(k)));
  } catch { /* nothing more to do */ }
}

// -- messages from the pages ------------------------------------------------------------------

self.addEventListener("message", (event) => {
  const data = event.data || {};
  // {type: "forget", meeting}: the link was revoked or is invalid: drop that meeting's images.
  // {type: "forget", meeting, documents: [id...]}: those papers are now hidden from this member.
  if (data.type === "forget" && typeof data.meeting === "string") {
    const meeting = `${self.location.origin}/api/meetings/${encodeURIComponent(data.meeting)}/`;
    const prefixes = Array.isArray(data.documents)
      ? data.documents.map((d) => `${meeting}documents/${encodeURIComponent(String(d))}/`)
      : [meeting];
    const at = Date.now();
    for (const prefix of prefixes) forgotten.set(prefix, at);
    event.waitUntil((async () => {
      const cache = await caches.open(CACHE);
      const keys = await cache.keys();
      await Promise.all(keys.filter((k) => prefixes.some((p) => k.url.startsWith(p))).map((k) => cache.delete(k)));
    })());
  }
});
