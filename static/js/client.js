// The one client of the emeeting protocol (docs/protocol.md) shared by every page.
//
//   const client = new MeetingClient({ token, meeting });
//   client.addEventListener("state", (e) => draw(client.state));
//   client.start();
//   await client.showPage("q1-report", 3);
//
// It keeps the meeting state by applying the snapshot and the events exactly as section 8 says,
// remembers the last seq and resumes after a drop with `since` (section 13), resends commands
// that had no reply, and matches acks and errors by id. It never changes the state because of
// its own commands: their effects arrive as events, like on every other device.
//
// Events dispatched on the client (all CustomEvent, data in `detail`):
//   status    {status: "connecting"|"live"|"offline"|"failed", reconnecting, retryAt, code}
//   welcome   the welcome frame
//   state     {state, reason: "snapshot"|"event"|"reset", event (the event frame or null)}
//   event     the event frame ({seq, ts, actor, event}) after it was applied
//   reply     {id, ok, ack|error} for every command reply
//   error     {code, message, id, field, command}: errors of commands and of the connection
//   presence  {members: {member_id: number_of_devices}} when the server sends it
//   fatal     {code}: one of FATAL_JOIN, identity_changed or protocol: the client has stopped
//   outdated  {type}: the server sent an event type this page does not know (resynchronising)
//   ink       an ink frame ({n, ts, event}): this member's own ink (ink.js folds it)
//   pointer   a pointer frame ({member, document, page, x, y}): the presenter's laser pointer

import { decode, encode } from "../vendor/msgpack/dist.esm/index.mjs";
import { KNOWN_EVENTS, applyEvent, startState } from "./state.js";

export { KNOWN_EVENTS, applyEvent, startState };

/** The join errors after which this device's session cannot be used: the client stops (docs/protocol.md
 * section 11). A device signed out or a member removed is closed (4004, 4003) and gets one of these
 * on its next join. */
export const FATAL_JOIN = ["invalid_token", "token_revoked", "token_expired", "session_ended", "invitation_link"];

export const PROTOCOL = 1;
const IN_FLIGHT = 32; // Limits.in_flight: frames without a reply per connection
const MAX_FRAME = 65536; // Limits.max_frame: a larger frame is answered frame_too_large, without id
const BACKOFF_FIRST = 500;
const BACKOFF_MAX = 30000;
const OPEN_TIMEOUT = 10000; // a handshake that hangs (half-up Wi-Fi) is abandoned
const WELCOME_TIMEOUT = 15000; // the server itself closes after 10 s without a valid join

/** A command the server refused (or that could not be sent): `code` is the protocol's code. */
export class CommandError extends Error {
  constructor(code, message, frame = {}) {
    super(message || code);
    this.name = "CommandError";
    this.code = code;
    this.field = frame.field;
    this.id = frame.id;
  }
}

/** An image request that did not give an image: code is not_ready, page_failed, not_found... */
export class ImageError extends Error {
  constructor(code, status, retryAfter = null) {
    super(code);
    this.name = "ImageError";
    this.code = code;
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

function randomPrefix() {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => (b % 36).toString(36)).join("");
}

// ---------------------------------------------------------------------------------------------

export class MeetingClient extends EventTarget {
  /**
   * @param {object} options
   * @param {string} [options.token]    the invitation token (a password: never logged); our own
   *                                    pages leave it out and join as the member whose cookie
   *                                    (set by the invitation link) the browser sends
   * @param {string} [options.meeting]  the meeting id, known before the welcome (for URLs); needed
   *                                    when there is no token
   * @param {string} [options.member]   the member the page was made for: a welcome naming another
   *                                    (the cookie was switched meanwhile) stops the client
   * @param {string} [options.url]      the WebSocket URL; default ws(s)://<this host>/ws
   * @param {string} [options.base]     the HTTP base of the document API; default this origin
   */
  constructor({ token = null, meeting = null, member = null, url = null, base = "" }) {
    super();
    if (!token && !meeting) throw new Error("MeetingClient needs a token, or the meeting id on our own pages");
    this._token = token;
    this.meetingId = meeting;
    this.url = url || `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
    this.base = base;
    this.state = null; // snapshot.state, kept up to date
    this.lastSeq = null; // seq of the last event/snapshot applied to `state`
    this.epoch = null; // the identity of the log lastSeq and inkSince count in (welcome.epoch), sent back in join
    this.memberId = null;
    this._expectedMember = member;
    this.role = null;
    this.status = "offline";
    this.presence = null; // {member_id: devices} once the server sends it
    this.inkSince = null; // the member's last ink number this page has (ink.js keeps it; sent in join)
    this.idPrefix = randomPrefix();
    this._counter = 0;
    this._pending = []; // [{frame, resolve, reject, replace}] without a reply yet, in order
    this._ws = null;
    this._conn = null; // per-connection bookkeeping
    this._attempt = 0;
    this._timer = null;
    this._stopped = true;
    this._everLive = false;
    this._loaded = new Set(); // image URLs fetched with success (the HTTP cache has them)
    this._inflightImages = new Map(); // url -> Promise, one request per image at a time
    this._onOnline = () => this._networkBack();
    this._onOffline = () => this._networkGone();
    this._onVisible = () => {
      if (document.visibilityState === "visible" && !this._stopped && !this._ws) this._connectNow();
    };
  }

  // -- lifecycle ------------------------------------------------------------------------------

  start() {
    if (!this._stopped) return this;
    this._stopped = false;
    window.addEventListener("online", this._onOnline);
    window.addEventListener("offline", this._onOffline);
    document.addEventListener("visibilitychange", this._onVisible);
    this._connect();
    return this;
  }

  stop() {
    this._stopped = true;
    clearTimeout(this._timer);
    window.removeEventListener("online", this._onOnline);
    window.removeEventListener("offline", this._onOffline);
    document.removeEventListener("visibilitychange", this._onVisible);
    this._drop();
    this._setStatus("offline");
  }

  /** True once the state is the server's as of the welcome (and then live). */
  get upToDate() {
    const c = this._conn;
    return !!(c && c.joined && !c.awaitingSnapshot && this.lastSeq != null && this.lastSeq >= c.targetSeq);
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  _setStatus(status, extra = {}) {
    const detail = { status, reconnecting: this._everLive, retryAt: null, ...extra };
    const same = this.status === status && status !== "offline";
    this.status = status;
    this.statusDetail = detail;
    if (!same) this._emit("status", detail);
  }

  _connect() {
    if (this._stopped || this._ws) return;
    clearTimeout(this._timer);
    this._setStatus("connecting");
    let ws;
    try {
      ws = new WebSocket(this.url); // no subprotocol (section 2.1)
    } catch (err) {
      this._scheduleReconnect();
      return;
    }
    ws.binaryType = "arraybuffer";
    const conn = {
      ws, joined: false, outstanding: 0, sent: new Set(), targetSeq: null, awaitingSnapshot: false,
      tokenError: null, timer: setTimeout(() => this._restart("open timeout"), OPEN_TIMEOUT),
    };
    this._ws = ws;
    this._conn = conn;
    ws.onopen = () => {
      if (this._ws !== ws) return;
      clearTimeout(conn.timer);
      conn.timer = setTimeout(() => this._restart("no welcome"), WELCOME_TIMEOUT);
      const who = this._token ? { token: this._token } : { meeting: this.meetingId };
      this._send({ type: "join", ...who, since: this.lastSeq, ink_since: this.inkSince, epoch: this.epoch });
    };
    ws.onmessage = (message) => {
      if (this._ws !== ws) return;
      if (typeof message.data === "string") return; // the server only sends binary frames
      let frame;
      try {
        frame = decode(new Uint8Array(message.data));
      } catch (err) {
        console.warn("emeeting: undecodable frame", err);
        return;
      }
      if (!frame || typeof frame !== "object" || typeof frame.type !== "string") return;
      this._onFrame(frame);
    };
    ws.onclose = (close) => {
      if (this._ws !== ws) return;
      this._onClose(close.code);
    };
    ws.onerror = () => { /* a close event follows */ };
  }

  _send(frame) {
    return this._sendBytes(encode(frame));
  }

  _sendBytes(bytes) {
    const ws = this._ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(bytes);
    return true;
  }

  /** Forget the current socket without waiting for its close event. */
  _drop() {
    const ws = this._ws;
    if (this._conn) clearTimeout(this._conn.timer);
    this._ws = null;
    this._conn = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try { ws.close(); } catch { /* already closed */ }
    }
  }

  /** Close and resume at once (a gap, a newer server, a dead handshake). */
  _restart(reason) {
    if (this._stopped) return;
    console.info("emeeting: reconnecting:", reason);
    this._drop();
    this._scheduleReconnect();
  }

  _scheduleReconnect(atLeast = 0) {
    if (this._stopped) return;
    clearTimeout(this._timer);
    // About 0.5 s, doubling up to 30 s, with jitter so forty tablets do not come back at once.
    const base = Math.min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** this._attempt);
    const delay = Math.max(atLeast, Math.round(base * (0.5 + Math.random())));
    this._attempt = Math.min(this._attempt + 1, 16);
    const retryAt = Date.now() + delay;
    this._setStatus("offline", { retryAt });
    this._timer = setTimeout(() => this._connect(), delay);
  }

  _connectNow() {
    if (this._stopped) return;
    clearTimeout(this._timer);
    this._attempt = 0;
    if (!this._ws) this._connect();
  }

  _networkGone() {
    // The socket may survive a short drop; show it, and let the close (if any) reconnect.
    if (!this._stopped && this.status === "live") this._setStatus("offline", { retryAt: null });
  }

  _networkBack() {
    if (this._stopped) return;
    // After a drop the old socket is often dead without knowing it: resume on a fresh one.
    this._drop();
    this._connectNow();
  }

  _onClose(code) {
    const conn = this._conn;
    this._ws = null;
    this._conn = null;
    if (conn) clearTimeout(conn.timer);
    if (this._stopped) return;
    if (conn && conn.tokenError) return this._fail(conn.tokenError);
    if (code === 4001 && conn && !conn.joined) {
      // Too many failed joins without a token error: a client bug. Keep trying, slowly.
      console.warn("emeeting: join refused (4001)");
    }
    this._scheduleReconnect();
  }

  _fail(code) {
    this._stopped = true;
    clearTimeout(this._timer);
    this._drop();
    this._setStatus("failed", { code });
    for (const cmd of this._pending.splice(0)) cmd.reject(new CommandError(code, code));
    this._emit("fatal", { code });
  }

  // -- frames ---------------------------------------------------------------------------------

  _onFrame(frame) {
    const conn = this._conn;
    if (this.status === "offline" && this.upToDate) this._setStatus("live"); // a frame: alive
    switch (frame.type) {
      case "welcome": return this._onWelcome(frame, conn);
      case "snapshot": return this._onSnapshot(frame, conn);
      case "event": return this._onEvent(frame, conn);
      case "ack": return this._onAck(frame, conn);
      case "error": return this._onError(frame, conn);
      case "ink":
      case "pointer":
        return this._emit(frame.type, frame);
      case "presence":
        if (frame.members && typeof frame.members === "object") {
          this.presence = { ...frame.members };
          this._emit("presence", { members: this.presence });
        }
        return undefined;
      default:
        return undefined; // a newer server's frame: ignored (section 13)
    }
  }

  _onWelcome(frame, conn) {
    if (frame.protocol !== PROTOCOL) return this._fail("protocol");
    // The device is someone else now (its cookie was switched in another tab): what this page
    // holds (notes, a half-cast vote) must not go out in the other member's name.
    const expected = this._expectedMember || this.memberId;
    if (expected && frame.member !== expected) return this._fail("identity_changed");
    clearTimeout(conn.timer);
    conn.joined = true;
    conn.targetSeq = frame.seq;
    conn.awaitingSnapshot = frame.resume === "snapshot";
    this.meetingId = frame.meeting;
    this.memberId = frame.member;
    this.role = frame.role;
    // Another log (a database made anew): the server answered with a snapshot and all the ink.
    this.epoch = frame.epoch || null;
    this._attempt = 0;
    this._emit("welcome", frame);
    this._checkLive();
    this._collapseReplaceable();
    this._pump(); // resend every pending command, same id, same content
    return undefined;
  }

  _checkLive() {
    if (this.upToDate && this.status !== "live") {
      this._everLive = true;
      this._setStatus("live");
    }
  }

  _onSnapshot(frame, conn) {
    this.state = frame.state;
    this.state.seq = frame.seq;
    this.lastSeq = frame.seq;
    if (conn) conn.awaitingSnapshot = false;
    this._emit("state", { state: this.state, reason: "snapshot", event: null });
    this._checkLive();
  }

  _onEvent(frame, conn) {
    const event = frame.event || {};
    if (event.type === "meeting_created") {
      // Only after a join with since = 0.
      this.state = startState(event);
      this.lastSeq = frame.seq;
      this.state.seq = frame.seq;
    } else if (this.lastSeq != null && frame.seq <= this.lastSeq) {
      return; // must not happen: already applied
    } else if (this.lastSeq == null || frame.seq !== this.lastSeq + 1) {
      this._restart(`gap: have ${this.lastSeq}, got ${frame.seq}`); // must not happen: resume
      return;
    } else if (!KNOWN_EVENTS.has(event.type)) {
      // A newer server: this page cannot apply it. Get a snapshot, and say so.
      this.lastSeq = null;
      this._emit("outdated", { type: event.type });
      this._restart(`unknown event ${event.type}`);
      return;
    } else {
      applyEvent(this.state, event);
      this.lastSeq = frame.seq;
      this.state.seq = frame.seq;
    }
    this._emit("event", frame);
    this._emit("state", { state: this.state, reason: "event", event: frame });
    if (conn) this._checkLive();
  }

  _onAck(frame, conn) {
    if (conn) conn.outstanding = Math.max(0, conn.outstanding - 1);
    if (conn) conn.sent.delete(frame.id); // answered: the same id may go out again (section 13)
    const at = this._pending.findIndex((c) => c.frame.id === frame.id);
    if (at >= 0) {
      const [cmd] = this._pending.splice(at, 1);
      const { seq, duplicate, ink = null } = frame;
      cmd.resolve({ id: frame.id, seq, duplicate: !!duplicate, ink });
    }
    this._emit("reply", { id: frame.id, ok: true, ack: frame });
    this._pump();
  }

  _onError(frame, conn) {
    if (conn && !conn.joined) {
      // An answer to a failed join attempt.
      if (FATAL_JOIN.includes(frame.code)) {
        conn.tokenError = frame.code;
        this._fail(frame.code);
      } else if (frame.code === "rate_limited") {
        // Too many joins from here: come back when the server says, not sooner.
        this._drop();
        this._scheduleReconnect((frame.retry_after || 1) * 1000);
      } else {
        console.warn("emeeting: join error", frame.code, frame.message);
      }
      return;
    }
    if (conn) conn.outstanding = Math.max(0, conn.outstanding - 1);
    let command = null;
    if (frame.id != null && conn) conn.sent.delete(frame.id); // answered: a refused id may be sent again
    if (frame.id != null && frame.code !== "internal_error") {
      const at = this._pending.findIndex((c) => c.frame.id === frame.id);
      if (at >= 0) {
        const [cmd] = this._pending.splice(at, 1);
        command = cmd.frame;
        cmd.reject(new CommandError(frame.code, frame.message, frame));
      }
    } else {
      // A client bug, or internal_error: the server closes with 1011 and we resend.
      console.warn("emeeting: error", frame.code, frame.message);
    }
    this._emit("reply", { id: frame.id, ok: false, error: frame });
    this._emit("error", { code: frame.code, message: frame.message, id: frame.id, field: frame.field, command });
    this._pump();
  }

  // -- commands -------------------------------------------------------------------------------

  /** After a reconnect, of the replaceable commands of one key only the newest is still wanted
   * (e.g. the page turns made while offline): the others are dropped, their ids never reused. */
  _collapseReplaceable() {
    const newest = new Map();
    for (const cmd of this._pending) if (cmd.replace) newest.set(cmd.replace, cmd);
    this._pending = this._pending.filter((cmd) => {
      if (!cmd.replace || newest.get(cmd.replace) === cmd) return true;
      cmd.reject(new CommandError("superseded", "replaced by a newer command", cmd.frame));
      return false;
    });
  }

  _pump() {
    const conn = this._conn;
    if (!conn || !conn.joined) return;
    for (const cmd of [...this._pending]) {
      if (conn.outstanding >= IN_FLIGHT) return;
      if (conn.sent.has(cmd.frame.id)) continue;
      const bytes = encode(cmd.frame);
      if (bytes.length > MAX_FRAME) {
        // The server would answer frame_too_large without an id (section 13): refuse it here.
        this._pending.splice(this._pending.indexOf(cmd), 1);
        cmd.reject(new CommandError("frame_too_large", `frames are limited to ${MAX_FRAME} bytes`, {}));
        continue;
      }
      if (!this._sendBytes(bytes)) return;
      conn.sent.add(cmd.frame.id);
      conn.outstanding += 1;
    }
  }

  /**
   * Send a command; resolves with {id, seq, duplicate} on its ack, rejects with a CommandError.
   * It waits in the pending list while offline and is resent after a reconnect.
   * With `replace: key`, an older pending command of the same key that has not been sent on
   * the current connection is dropped (rejected with "superseded"): e.g. page turns made while
   * offline send only the last one. Its id is never reused. With `id`, the command keeps the id
   * it was first given (ink drawn offline and sent after a reload: the server applies it once).
   */
  command(type, fields = {}, { replace = null, id = null } = {}) {
    this._counter += 1;
    const frame = { ...fields, type, id: id || `${this.idPrefix}-${this._counter}` };
    return new Promise((resolve, reject) => {
      if (replace) {
        const sent = this._conn ? this._conn.sent : new Set();
        this._pending = this._pending.filter((c) => {
          if (c.replace !== replace || sent.has(c.frame.id)) return true;
          c.reject(new CommandError("superseded", "replaced by a newer command", c.frame));
          return false;
        });
      }
      this._pending.push({ frame, resolve, reject, replace });
      this._pump();
    });
  }

  /** Commands without a reply yet (frames, in order). */
  get pending() {
    return this._pending.map((c) => c.frame);
  }

  openMeeting() { return this.command("open_meeting"); }
  closeMeeting() { return this.command("close_meeting"); }
  setAgendaItem(item) { return this.command("set_agenda_item", { item }, { replace: "agenda" }); }
  showPage(document, page) { return this.command("show_page", { document, page }, { replace: "page" }); }
  renameDocument(document, title) { return this.command("rename_document", { document, title }); }
  moveDocument(document, item, index) { return this.command("move_document", { document, item, index }); }
  removeDocument(document) { return this.command("remove_document", { document }); }
  // Section 18: attendance, conflicts of interest, votes.
  recordAttendance(member, status, extra = {}) { return this.command("record_attendance", { member, status, ...extra }); }
  leaveMeeting() { return this.command("leave_meeting"); }
  setSubstitute(member, name, position = "") { return this.command("set_substitute", { member, name, position }); }
  addGuest(name, position = "") { return this.command("add_guest", { guest: `g-${randomPrefix()}`, name, position }); }
  setQuorum(rule) { return this.command("set_quorum", rule); }
  declareConflict(item, { member = null, hideDocuments = false } = {}) {
    return this.command("declare_conflict", { item, member, hide_documents: hideDocuments });
  }
  withdrawConflict(item, member = null) { return this.command("withdraw_conflict", { item, member }); }
  openVote(fields) { return this.command("open_vote", { vote: `v-${randomPrefix()}`, ...fields }); }
  closeVote(vote) { return this.command("close_vote", { vote }); }
  breakTie(vote, choice) { return this.command("break_tie", { vote, choice }); }

  /** Cast a ballot, or change this member's own (named or secret, from any of their devices). */
  castBallot(vote, choice) {
    return this.command("cast_ballot", { vote, choice });
  }

  // -- reading the state ----------------------------------------------------------------------

  doc(id) {
    return this.state ? this.state.documents.find((d) => d.id === id) || null : null;
  }

  item(id) {
    return this.state ? this.state.agenda.find((i) => i.id === id) || null : null;
  }

  member(id) {
    return this.state ? this.state.members.find((m) => m.id === id) || null : null;
  }

  /** The documents of an agenda item in force (not replaced by a new version), in display order. */
  documentsOf(itemId) {
    return this.state ? this.state.documents.filter((d) => d.item === itemId && d.superseded_by == null) : [];
  }

  /** The earlier versions of document `id`, newest first (issue 17 item 7). */
  earlierVersions(id) {
    const out = [];
    for (let d = this.doc(id); d && d.replaces != null; d = this.doc(d.replaces)) {
      const earlier = this.doc(d.replaces);
      if (earlier) out.push(earlier);
    }
    return out;
  }

  /** The version in force of document `id` (itself when not replaced). */
  inForce(id) {
    let d = this.doc(id);
    while (d && d.superseded_by != null && this.doc(d.superseded_by)) d = this.doc(d.superseded_by);
    return d;
  }

  /** {ready, pages} while a document is being rendered, null when done or without a file. */
  static progress(doc) {
    if (!doc || doc.file == null) return null;
    const done = doc.ready.length + doc.failed.length;
    return done < doc.pages ? { ready: doc.ready.length, pages: doc.pages } : null;
  }

  // -- the document API (section 14) ----------------------------------------------------------

  apiUrl(path) {
    return `${this.base}/api/meetings/${encodeURIComponent(this.meetingId || (this.state && this.state.id))}${path}`;
  }

  pageUrl(docId, page) {
    return this.apiUrl(`/documents/${encodeURIComponent(docId)}/pages/${page}`);
  }

  thumbUrl(docId, page) {
    return this.apiUrl(`/documents/${encodeURIComponent(docId)}/thumbs/${page}`);
  }

  /** Whether an image URL has been fetched already (it is in the HTTP cache: immutable). */
  isLoaded(url) {
    return this._loaded.has(url);
  }

  /**
   * Fetch a page image (kind "page" or "thumb") so that the HTTP cache holds it, and resolve
   * with its URL for an <img>. The cookie set by the invitation link authenticates it.
   * Rejects with an ImageError: not_ready (503, retryAfter in s), page_failed (422),
   * not_found (404), unauthorized/forbidden (401/403) or network.
   * A page not rendered yet is rendered next by the server: ask only for the page needed now.
   * With `again`, an image fetched before is requested once more (from the HTTP cache, or the
   * service worker's cache): the prefetcher does this so that images first fetched before the
   * service worker controlled the page end up in its cache too (offline.js, ImagePrefetcher).
   */
  fetchImage(docId, page, kind = "page", { again = false } = {}) {
    const url = kind === "thumb" ? this.thumbUrl(docId, page) : this.pageUrl(docId, page);
    if (this._loaded.has(url) && !again) return Promise.resolve(url);
    const running = this._inflightImages.get(url);
    if (running) return running;
    const request = (async () => {
      let response;
      try {
        response = await fetch(url, { credentials: "same-origin" });
      } catch {
        throw new ImageError("network", 0);
      }
      if (response.ok) {
        await response.blob(); // read it whole, so the cache has it for the <img>
        this._loaded.add(url);
        return url;
      }
      let code = "http_" + response.status;
      try {
        const body = await response.json();
        if (body && typeof body.code === "string") code = body.code;
      } catch { /* not JSON */ }
      const retry = Number(response.headers.get("Retry-After")) || null;
      if (response.status === 503 && code === "http_503") code = "page_not_ready";
      throw new ImageError(code, response.status, retry);
    })();
    this._inflightImages.set(url, request);
    const clear = () => this._inflightImages.delete(url);
    request.then(clear, clear);
    return request;
  }
}
