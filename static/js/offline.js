// Offline page images on the device (static/js/sw.js): the service worker's registration, what
// is forgotten when a meeting or a paper goes (or is hidden by a conflict), and the prefetcher
// that delivers the pages a tablet may need before the network goes. The pages' other DOM
// pieces are ui.js.

import { hiddenDocuments } from "./state.js";

/**
 * Register the service worker that keeps the page images a device has been delivered, so that
 * they keep showing while the network is gone (static/js/sw.js, served at /sw.js). A service
 * worker needs a secure context: https, or http://localhost / 127.0.0.1. On a plain-http LAN
 * address `navigator.serviceWorker` does not exist: then nothing happens and the page works as
 * before, with the browser's HTTP cache only. Resolves with the registration or null.
 */
export function registerServiceWorker() {
  if (!window.isSecureContext || !("serviceWorker" in navigator)) return Promise.resolve(null);
  return navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" }).catch((err) => {
    console.info("emeeting: no offline cache:", err && err.message);
    return null;
  });
}

/** Drop the cached page images of a meeting (its link was revoked): asks the service worker. */
export function forgetImages(meeting, documents = null) {
  if (!meeting || !("serviceWorker" in navigator)) return;
  navigator.serviceWorker.ready.then((registration) => {
    if (registration.active) registration.active.postMessage({ type: "forget", meeting, documents });
  }, () => {});
}

/**
 * Keep out of this tablet's offline cache the papers its member asked to have hidden (a conflict
 * of interest declared with hide_documents): pages opened before the conflict are forgotten the
 * moment it is known, not kept until the cache fills.
 */
export function forgetHiddenImages(client, meeting) {
  let hidden = new Set();
  client.addEventListener("state", () => {
    const s = client.state;
    if (!s || !s.conflicts || !client.memberId) return;
    const now = hiddenDocuments(s, client.memberId);
    const fresh = [...now].filter((d) => !hidden.has(d));
    hidden = now;
    if (fresh.length) forgetImages(meeting, fresh);
  });
}

const PREFETCH_BACKOFF = 5000; // ms before trying again after a network error

/**
 * Fetches, a few at a time, the page images and thumbnails a device may need while the network
 * is gone, so that they are "delivered" and the service worker keeps them (sw.js). Give it the
 * documents in priority order with set(); it fetches only pages in their `ready` lists (a page
 * not rendered yet would jump the server's render queue and hold a request for 10 s: those are
 * for the page on screen only, docs/protocol.md section 13), nearest to `around` first, then the
 * thumbnails. It pauses while `busy()` (the page on screen is being fetched) and while offline.
 */
export class ImagePrefetcher {
  constructor(client, { concurrency = 2, busy = () => false } = {}) {
    this.client = client;
    this.concurrency = concurrency;
    this.busy = busy;
    this.wanted = []; // [{docId, page, kind, url}] in priority order
    this.done = new Set(); // URLs delivered
    this.skip = new Map(); // url -> time before which it is not asked again (503, 404, 422)
    this.running = new Set(); // URLs being fetched
    this.timer = null;
    this.stopped = false;
    // Images fetched before the worker controlled this page went to the HTTP cache only: once
    // it does (first visit), fetch them again, through it (from the HTTP cache: no server load).
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.addEventListener("controllerchange", () => {
        this.done.clear();
        this.pump();
      });
    }
    window.addEventListener("online", () => this.pump());
  }

  /** The documents to keep: [{doc, around}] (around: the page shown of it, or null). */
  set(targets) {
    const wanted = [];
    const seen = new Set();
    const add = (doc, page, kind) => {
      const url = kind === "thumb" ? this.client.thumbUrl(doc.id, page) : this.client.pageUrl(doc.id, page);
      if (seen.has(url)) return;
      seen.add(url);
      wanted.push({ docId: doc.id, page, kind, url });
    };
    for (const { doc, around = null } of targets) {
      if (!doc || doc.file == null || !doc.ready.length) continue;
      const from = around || 1;
      const after = doc.ready.filter((p) => p >= from);
      const before = doc.ready.filter((p) => p < from).reverse();
      for (const p of [...after, ...before]) add(doc, p, "page");
      for (const p of doc.ready) add(doc, p, "thumb");
    }
    this.wanted = wanted;
    this.pump();
  }

  stop() {
    this.stopped = true;
    this.wanted = [];
    clearTimeout(this.timer);
  }

  _next() {
    const now = Date.now();
    return this.wanted.find((job) => !this.done.has(job.url) && !this.running.has(job.url)
      && !(this.skip.get(job.url) > now));
  }

  _later(ms) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = null; this.pump(); }, ms);
  }

  pump() {
    if (this.stopped || !navigator.onLine) return; // offline: the "online" event pumps again
    while (this.running.size < this.concurrency) {
      const job = this._next();
      if (!job) return;
      if (this.busy()) return this._later(300); // the page on screen first
      this.running.add(job.url);
      this.client.fetchImage(job.docId, job.page, job.kind, { again: true }).then(() => {
        this.done.add(job.url);
      }, (err) => {
        if (err.code === "network") this.skip.set(job.url, Date.now() + PREFETCH_BACKOFF);
        else if (err.status === 401 || err.status === 403) this.stop();
        else if (err.status === 503) this.skip.set(job.url, Date.now() + (err.retryAfter || 2) * 1000);
        else this.skip.set(job.url, Infinity); // 404 (removed), 422 (failed): not again
        if (err.code === "network" || err.status === 503) this._later(PREFETCH_BACKOFF);
      }).finally(() => {
        this.running.delete(job.url);
        this.pump();
      });
    }
    return undefined;
  }
}
