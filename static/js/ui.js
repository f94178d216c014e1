// Small DOM pieces shared by the meeting pages. User text (titles, names) only ever goes in
// through textContent / text nodes: nothing here parses HTML. Text and attribute values go
// through shown() (i18n.js): no bidi override in a name reverses the words after it.

import { MeetingClient } from "./client.js";
import { agendaLabel, errorText, formatDate, formatTime, shown, t, toggleLang } from "./i18n.js";
import { hiddenDocuments } from "./state.js";

/** h("div", {class: "x", onclick: fn, dataset: {a: 1}, "aria-label": "y"}, "text", child...) */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "text") el.textContent = shown(value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : shown(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(shown(child)));
  }
}

/** Replace the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** The boot data the template rendered as JSON: {meeting, member, role, name} (never the token). */
export function bootData() {
  const script = document.getElementById("emeeting-boot");
  return JSON.parse(script.textContent);
}

/** Coalesce many state changes (e.g. a replay of hundreds of events) into one draw per frame. */
export function scheduler(draw) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      draw();
    });
  };
}

/** The language toggle button: shows the other language's name. */
export function langButton() {
  const button = h("button", { class: "btn ghost lang", type: "button", onclick: () => toggleLang() });
  const label = () => { button.textContent = t("lang.switch"); };
  label();
  document.addEventListener("langchange", label);
  return button;
}

/** A live connection indicator: live / connecting / reconnecting / offline (retry countdown). */
export function connectionBadge(client) {
  const dot = h("span", { class: "dot" });
  const text = h("span", { class: "label" });
  const badge = h("span", { class: "conn", role: "status", "aria-live": "polite" }, dot, text);
  let tick = null;
  const draw = () => {
    const d = client.statusDetail || { status: client.status };
    let key = `conn.${d.status}`;
    if (d.status === "connecting" && d.reconnecting) key = "conn.reconnecting";
    badge.dataset.status = d.status === "connecting" && d.reconnecting ? "reconnecting" : d.status;
    let label = t(key);
    if (d.status === "offline" && d.retryAt) {
      const s = Math.max(0, Math.ceil((d.retryAt - Date.now()) / 1000));
      if (s >= 2) label += ` · ${t("conn.retry_in", { s })}`;
    }
    text.textContent = label;
    badge.title = label;
    clearTimeout(tick);
    if (d.status === "offline" && d.retryAt && d.retryAt > Date.now()) tick = setTimeout(draw, 1000);
  };
  client.addEventListener("status", draw);
  document.addEventListener("langchange", draw);
  draw();
  return badge;
}

/** A progress bar element with a `set(fraction)` method. */
export function progressBar(extraClass = "") {
  const fillEl = h("span", { class: "fill" });
  const bar = h("span", { class: `bar ${extraClass}`, role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100" }, fillEl);
  bar.set = (fraction) => {
    const pct = Math.max(0, Math.min(100, Math.round(fraction * 100)));
    fillEl.style.width = `${pct}%`;
    bar.setAttribute("aria-valuenow", String(pct));
  };
  bar.set(0);
  return bar;
}

/** A postponed or cancelled meeting says so, and why (rooms/schedule.py); else nothing. */
export function scheduleNotice(state) {
  if (state.cancelled) return h("p", { class: "notice cancelled", role: "status", text: t("meeting.cancelled", { reason: state.cancelled.reason }) });
  const p = state.postponed;
  if (p && state.status === "scheduled") {
    return h("p", { class: "notice postponed", role: "status",
      text: t("meeting.postponed", { date: formatDate(p.from_date), time: formatTime(p.from_time), reason: p.reason }) });
  }
  return null;
}

/** The meeting's heading card (title, number, date, place, status) and its agenda. */
export function meetingCard(state, { onItem = null } = {}) {
  const info = state.info;
  const when = t("meeting.when", { date: formatDate(info.date), time: formatTime(info.time) });
  const list = h("ol", { class: "agenda-list" });
  for (const item of state.agenda) {
    const depth = item.number.split(".").length - 1;
    const li = h("li", { class: `depth-${Math.min(depth, 2)}${item.id === state.current_item ? " current" : ""}` },
      h("span", { class: "num", text: agendaLabel(item) }),
      h("span", { class: "title", text: item.title }));
    if (onItem) {
      li.tabIndex = 0;
      li.addEventListener("click", () => onItem(item));
    }
    list.append(li);
  }
  return h("div", { class: "meeting-card" },
    h("h1", { text: info.title }),
    h("p", { class: "muted", text: `${t("meeting.number", { n: info.number, y: info.year })}${info.organisation ? " · " + info.organisation : ""}` }),
    h("p", {}, h("span", { text: when }), info.place ? h("span", { class: "muted", text: ` · ${info.place}` }) : null),
    h("p", {}, h("span", { class: `badge status-${state.status}`, text: t(`status.${state.status}`) })),
    scheduleNotice(state),
    h("h2", { text: t("agenda") }),
    list);
}

// ---------------------------------------------------------------------------------------------

/**
 * Shows one page image of a document, with a placeholder while it is being prepared, the
 * rendering progress, "cannot be displayed" for a failed page, and retries (Retry-After or the
 * next pages_ready, whichever comes first). Call show(doc, page) on every state change: it is
 * cheap when nothing changed.
 */
export class PageView {
  constructor(client, { prefetch = 2 } = {}) {
    this.client = client;
    this.prefetchCount = prefetch;
    this.img = h("img", { class: "page-img", alt: "", draggable: "false", decoding: "async" });
    this.msg = h("p", { class: "ph-text" });
    this.sub = h("p", { class: "ph-sub" });
    this.bar = progressBar();
    this.placeholder = h("div", { class: "placeholder", hidden: true }, h("span", { class: "spinner" }), this.msg, this.sub, this.bar);
    this.pan = h("div", { class: "pan" }, this.img);
    this.el = h("div", { class: "stage" }, this.pan, this.placeholder);
    this.key = null; // "doc:page" shown or being loaded
    this.shownUrl = null;
    this.retryTimer = null;
    this.retryNow = null; // the pending retry, run at once when the network comes back
    this.offline = false; // the last fetch failed for want of a network: say so
    this.loading = false;
    this.onchange = null; // called with (docId, page) when a new page is displayed
    // A page that could not be fetched offline (not in the service worker's cache) loads as soon
    // as the network is back, not at the next retry tick.
    const wake = () => {
      if (!this.retryTimer || !this.retryNow || this.loading) return;
      if (!navigator.onLine && client.status !== "live") return;
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.retryNow();
    };
    window.addEventListener("online", wake);
    client.addEventListener("status", (e) => { if (e.detail.status === "live") wake(); });
  }

  clear(messageKey = null) {
    this.key = null;
    clearTimeout(this.retryTimer);
    this.img.hidden = true;
    this.img.removeAttribute("src");
    this.shownUrl = null;
    this._placeholder(messageKey ? t(messageKey) : null, null, false);
  }

  _placeholder(text, progress, spinning = true) {
    if (text == null) {
      this.placeholder.hidden = true;
      return;
    }
    this.placeholder.hidden = false;
    this.placeholder.classList.toggle("spinning", spinning);
    this.msg.textContent = text;
    if (progress) {
      this.sub.textContent = t("render.progress", { r: progress.ready, n: progress.pages });
      this.bar.hidden = false;
      this.bar.set(progress.ready / progress.pages);
    } else {
      this.sub.textContent = "";
      this.bar.hidden = true;
    }
  }

  show(doc, page) {
    if (!doc) return this.clear("page.removed");
    const s = this.client.state;
    if (s && s.conflicts && this.client.memberId && hiddenDocuments(s, this.client.memberId).has(doc.id)) {
      this.key = null;
      this.img.hidden = true;
      return this._placeholder(t("err.document_hidden"), null, false);
    }
    const key = `${doc.id}:${page}`;
    const url = this.client.pageUrl(doc.id, page);
    const changed = key !== this.key;
    if (changed) {
      this.key = key;
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.offline = false;
      this.loading = false;
    }
    if (doc.file == null) {
      this.img.hidden = true;
      return this._placeholder(t("page.nofile"), null, false);
    }
    if (doc.failed.includes(page)) {
      this.img.hidden = true;
      return this._placeholder(t("page.failed"), null, false);
    }
    if (this.shownUrl === url && !changed) {
      if (!this.img.hidden) this._placeholder(null); // else: still decoding, reveal() will
      return undefined;
    }
    if (this.client.isLoaded(url)) {
      this._display(url, doc, page);
      return undefined;
    }
    // Not in the cache: placeholder (with progress) and fetch, unless a fetch is running.
    this.img.hidden = true;
    this.shownUrl = null;
    this._placeholder(t("page.preparing", { p: page }), MeetingClient.progress(doc), !this.offline);
    if (this.offline) this.sub.textContent = t("page.offline");
    if (!this.loading && (changed || doc.ready.includes(page) || !this.retryTimer)) this._fetch(doc, page);
    return undefined;
  }

  _fetch(doc, page) {
    const key = this.key;
    this.loading = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.client.fetchImage(doc.id, page, "page").then((url) => {
      if (this.key !== key) return;
      this.loading = false;
      this.offline = false;
      const current = this.client.doc(doc.id) || doc;
      this._display(url, current, page);
    }, (err) => {
      if (this.key !== key) return;
      this.loading = false;
      if (err.code === "page_failed") return this._placeholder(t("page.failed"), null, false);
      if (err.code === "not_found") return this._placeholder(t("page.removed"), null, false);
      if (err.status === 401 || err.status === 403) return this._placeholder(errorText(err.code), null, false);
      // not ready (503) or a network error: retry later, or sooner on pages_ready (show()) or
      // when the network comes back (wake). Offline, a page that is not in the service worker's
      // cache keeps its placeholder, with a note that it shows once the network is back.
      const wait = err.code === "page_not_ready" ? (err.retryAfter || 2) * 1000 : 3000;
      this.offline = err.code === "network" && (!navigator.onLine || this.client.status !== "live");
      if (this.offline) {
        this.placeholder.classList.remove("spinning");
        this.sub.textContent = t("page.offline");
      } else if (err.code !== "page_not_ready") {
        this.sub.textContent = t("page.error");
      }
      this.retryNow = () => {
        this.retryTimer = null;
        const fresh = this.client.doc(doc.id);
        if (this.key === key && fresh) this._fetch(fresh, page);
      };
      this.retryTimer = setTimeout(this.retryNow, wait);
      return undefined;
    });
  }

  _display(url, doc, page) {
    const key = this.key;
    const reveal = () => {
      if (this.key !== key) return;
      this.img.hidden = false;
      this._placeholder(null);
      if (this.onchange) this.onchange(doc.id, page);
    };
    if (this.shownUrl !== url) {
      this.shownUrl = url;
      this.img.src = url;
      this.img.alt = `${shown(doc.title)} · ${t("page.of", { p: page, n: doc.pages })}`;
      (this.img.decode ? this.img.decode() : Promise.resolve()).then(reveal, reveal);
    } else {
      reveal();
    }
    this._prefetch(doc, page);
  }

  _prefetch(doc, page) {
    // The next pages (and the previous one) that are rendered already, a few at a time.
    const wanted = [];
    for (let i = 1; i <= this.prefetchCount; i++) wanted.push(page + i);
    wanted.push(page - 1);
    for (const p of wanted) {
      if (p >= 1 && p <= doc.pages && doc.ready.includes(p)) {
        this.client.fetchImage(doc.id, p, "page").catch(() => {});
      }
    }
  }
}

/**
 * A strip of page thumbnails of one document. onPick(page) when one is chosen. `marks` gives
 * the page that is viewed (`active`) and the presenter's page (`presenter`).
 */
export class ThumbStrip {
  constructor(client, { onPick, vertical = false } = {}) {
    this.client = client;
    this.onPick = onPick;
    this.el = h("div", { class: `thumbs${vertical ? " vertical" : ""}`, role: "list" });
    this.docId = null;
    this.count = 0;
    this.buttons = [];
    // Offline, a thumbnail not in the service worker's cache fails: ask again once online.
    window.addEventListener("online", () => {
      for (const img of this.el.querySelectorAll("img[data-failed]")) {
        const src = img.getAttribute("src");
        delete img.dataset.failed;
        img.removeAttribute("src");
        if (src) img.src = src;
      }
    });
  }

  render(doc, { active = null, presenter = null } = {}) {
    const s = this.client.state;
    if (!doc || (s && s.conflicts && hiddenDocuments(s, this.client.memberId).has(doc.id))) {
      this.docId = null;
      fill(this.el);
      return;
    }
    if (doc.id !== this.docId || doc.pages !== this.count) {
      this.docId = doc.id;
      this.count = doc.pages;
      this.buttons = [];
      fill(this.el);
      for (let p = 1; p <= doc.pages; p++) {
        const img = h("img", { alt: "", loading: "lazy", draggable: "false", decoding: "async" });
        img.addEventListener("error", () => { img.dataset.failed = ""; });
        img.addEventListener("load", () => { delete img.dataset.failed; });
        const num = h("span", { class: "num", text: String(p) });
        const button = h("button", { class: "thumb", type: "button", role: "listitem", onclick: () => this.onPick(p) }, img, num);
        this.buttons.push(button);
        this.el.append(button);
      }
      this._scrollTo = active;
    }
    this.buttons.forEach((button, i) => {
      const p = i + 1;
      const img = button.firstChild;
      const ready = doc.ready.includes(p);
      button.classList.toggle("ready", ready);
      button.classList.toggle("failed", doc.failed.includes(p));
      button.classList.toggle("active", p === active);
      button.classList.toggle("on-screen", p === presenter);
      button.setAttribute("aria-label", `${t("page.of", { p, n: doc.pages })}`);
      if (p === active) button.setAttribute("aria-current", "page");
      else button.removeAttribute("aria-current");
      if (ready && !img.getAttribute("src")) img.src = this.client.thumbUrl(doc.id, p);
    });
    if (active != null && active !== this._lastActive) {
      this._lastActive = active;
      const button = this.buttons[active - 1];
      if (button && this.el.isConnected && this.el.offsetParent !== null) {
        button.scrollIntoView({ block: "nearest", inline: "center", behavior: "smooth" });
      }
    }
  }
}

/** A short message at the bottom of the screen (errors of commands, upload results). */
export function toast(text, kind = "info", ms = 4000) {
  let box = document.getElementById("toasts");
  if (!box) {
    box = h("div", { id: "toasts", "aria-live": "assertive" });
    document.body.append(box);
  }
  const el = h("div", { class: `toast ${kind}`, text });
  box.append(el);
  setTimeout(() => el.remove(), ms);
}
