// Ink on pages (docs/protocol.md, "Ink"): the stroke codec and a member's own ink kept on the
// device. The layer over a page that draws it and takes a pen is ink_layer.js.
//
//   const mine = new PrivateInk(client, { meeting, member });   // folds "ink" frames, keeps an outbox
//
// Coordinates are page units: the page's width is UNITS, y runs down in the same units.

export const UNITS = 10000;
export const MAX_COORD = 65535;

// -- the codec: zigzag LEB128 varints of the differences dx, dy, dp ------------------------------------

export function encodePoints(points) {
  const out = [];
  let px = 0, py = 0, pp = 0;
  for (const [x, y, p] of points) {
    for (const d of [x - px, y - py, p - pp]) {
      let v = d >= 0 ? d * 2 : -d * 2 - 1;
      while (v >= 0x80) {
        out.push((v & 0x7f) | 0x80);
        v = Math.floor(v / 128);
      }
      out.push(v);
    }
    px = x; py = y; pp = p;
  }
  return new Uint8Array(out);
}

export function decodePoints(bytes) {
  const values = [];
  let value = 0, shift = 0;
  for (const byte of bytes) {
    value += (byte & 0x7f) * 2 ** shift;
    if (byte & 0x80) { shift += 7; continue; }
    values.push(value % 2 === 0 ? value / 2 : -(value + 1) / 2);
    value = 0; shift = 0;
  }
  const points = [];
  let x = 0, y = 0, p = 0;
  for (let i = 0; i + 2 < values.length; i += 3) {
    x += values[i]; y += values[i + 1]; p += values[i + 2];
    points.push([x, y, p]);
  }
  return points;
}

const toBase64 = (bytes) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

function randomId(prefix) {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// -- a member's own ink, on this device ------------------------------------------------------------------

const STORE = (kind, meeting, member) => `emeeting-${kind}:${meeting}:${member}`;

/** Strokes and notes as the server has them (folded from "ink" frames, cached in localStorage),
 * plus the commands not yet acknowledged (the outbox, also kept across reloads and sent once). */
export class PrivateInk extends EventTarget {
  constructor(client, { meeting, member }) {
    super();
    this.client = client;
    this.cacheKey = STORE("ink", meeting, member);
    this.outboxKey = STORE("ink-outbox", meeting, member);
    this.n = 0;
    this.epoch = null; // the log this ink came from (welcome.epoch)
    this.strokes = new Map(); // id -> stroke (points as Uint8Array)
    this.notes = new Map();
    this.outbox = []; // [{id, type, fields}] in the order they were made
    this.undoStack = [];
    this.redoStack = [];
    this._saveTimer = null;
    this._load();
    client.inkSince = this.n;
    if (client.epoch == null && this.epoch) client.epoch = this.epoch; // so the server knows which log inkSince counts in
    client.addEventListener("welcome", (e) => {
      // Another log (its epoch differs), or the server's ink is behind this device's: another
      // database. It sends all of it again.
      const other = this.epoch && e.detail.epoch && e.detail.epoch !== this.epoch;
      if (other || (typeof e.detail.ink === "number" && e.detail.ink < this.n)) this._reset();
      this.epoch = e.detail.epoch || null;
    });
    client.addEventListener("ink", (e) => this._onInk(e.detail));
    for (const entry of this.outbox) this._send(entry);
  }

  _load() {
    try {
      const cached = JSON.parse(localStorage.getItem(this.cacheKey) || "null");
      if (cached) {
        this.n = cached.n;
        this.epoch = cached.epoch || null;
        for (const s of cached.strokes) this.strokes.set(s.id, { ...s, points: fromBase64(s.points) });
        for (const n of cached.notes) this.notes.set(n.id, n);
      }
      const outbox = JSON.parse(localStorage.getItem(this.outboxKey) || "[]");
      this.outbox = outbox.map((e) => ({ ...e, fields: revive(e.fields) }));
    } catch (err) {
      console.warn("emeeting: unreadable ink cache", err);
    }
  }

  _save() {
    clearTimeout(this._saveTimer);
    this._saveTimer = setTimeout(() => {
      const strokes = [...this.strokes.values()].map((s) => ({ ...s, points: toBase64(s.points) }));
      try {
        const kept = { n: this.n, epoch: this.epoch, strokes, notes: [...this.notes.values()] };
        localStorage.setItem(this.cacheKey, JSON.stringify(kept));
      } catch (err) {
        console.warn("emeeting: could not keep the ink on this device", err);
      }
    }, 200);
  }

  _saveOutbox() {
    const plain = this.outbox.map((e) => ({ ...e, fields: flatten(e.fields) }));
    try {
      localStorage.setItem(this.outboxKey, JSON.stringify(plain));
    } catch (err) {
      console.warn("emeeting: could not keep unsent ink on this device", err);
    }
  }

  _reset() {
    this.n = 0;
    this.strokes.clear();
    this.notes.clear();
    this.client.inkSince = 0;
    this._changed();
  }

  _onInk(frame) {
    if (frame.n <= this.n) return; // already have it
    const event = frame.event || {};
    switch (event.type) {
      case "stroke_drawn": this.strokes.set(event.stroke.id, event.stroke); break;
      case "strokes_erased": for (const id of event.strokes) this.strokes.delete(id); break;
      case "page_cleared":
        for (const [id, s] of this.strokes) if (s.document === event.document && s.page === event.page) this.strokes.delete(id);
        break;
      case "note_set": this.notes.set(event.note.id, event.note); break;
      case "note_removed": this.notes.delete(event.note); break;
      default: console.warn("emeeting: unknown ink event", event.type);
    }
    this.n = frame.n;
    this.client.inkSince = this.n;
    this._save();
    this._changed();
  }

  _changed() {
    this.dispatchEvent(new CustomEvent("change"));
  }

  _send(entry) {
    this.client.command(entry.type, entry.fields, { id: entry.id }).then(
      () => this._done(entry),
      (err) => {
        this._done(entry);
        if (err.code !== "unknown_stroke") this.dispatchEvent(new CustomEvent("refused", { detail: err }));
      },
    );
  }

  _done(entry) {
    this.outbox = this.outbox.filter((e) => e !== entry);
    this._saveOutbox();
    this._changed();
  }

  /** Queue an ink command: kept on the device until the server answers it. */
  command(type, fields) {
    const entry = { id: randomId("ink-"), type, fields };
    this.outbox.push(entry);
    this._saveOutbox();
    this._send(entry);
    this._changed();
  }

  /** The strokes and notes of one page as they will be: the server's, with the outbox applied. */
  page(document, page) {
    const strokes = new Map([...this.strokes].filter(([, s]) => s.document === document && s.page === page));
    const notes = new Map([...this.notes].filter(([, n]) => n.document === document && n.page === page));
    for (const { type, fields } of this.outbox) {
      if (type === "draw" && fields.stroke.document === document && fields.stroke.page === page) strokes.set(fields.stroke.id, fields.stroke);
      else if (type === "erase") for (const id of fields.strokes) strokes.delete(id);
      else if (type === "clear_page" && fields.document === document && fields.page === page) strokes.clear();
      else if (type === "set_note" && fields.note.document === document && fields.note.page === page) notes.set(fields.note.id, fields.note);
      else if (type === "remove_note") notes.delete(fields.note);
    }
    return { strokes: [...strokes.values()], notes: [...notes.values()] };
  }

  get unsent() {
    return this.outbox.length;
  }

  // -- what the pen does, with undo and redo (this device's own history) --

  draw(stroke) {
    this.command("draw", { stroke });
    this._did({ kind: "draw", strokes: [stroke] });
  }

  erase(strokes) {
    if (!strokes.length) return;
    this.command("erase", { strokes: strokes.map((s) => s.id) });
    this._did({ kind: "erase", strokes });
  }

  clearPage(document, page) {
    const { strokes } = this.page(document, page);
    if (!strokes.length) return;
    this.command("clear_page", { document, page });
    this._did({ kind: "erase", strokes });
  }

  _did(action) {
    this.undoStack.push(action);
    this.redoStack = [];
  }

  _run(action, forward) {
    if ((action.kind === "draw") === forward) for (const s of action.strokes) this.command("draw", { stroke: s });
    else this.command("erase", { strokes: action.strokes.map((s) => s.id) });
  }

  undo() {
    const action = this.undoStack.pop();
    if (!action) return;
    this._run(action, false);
    this.redoStack.push(action);
  }

  redo() {
    const action = this.redoStack.pop();
    if (!action) return;
    this._run(action, true);
    this.undoStack.push(action);
  }

  setNote(note) { this.command("set_note", { note }); }
  removeNote(id) { this.command("remove_note", { note: id }); }
  newNoteId() { return randomId("n-"); }
  newStrokeId() { return randomId("s-"); }
}

// Outbox fields hold Uint8Array points: JSON keeps them as base64.
function flatten(fields) {
  return fields.stroke ? { ...fields, stroke: { ...fields.stroke, points: toBase64(fields.stroke.points) } } : fields;
}

function revive(fields) {
  return fields.stroke ? { ...fields, stroke: { ...fields.stroke, points: fromBase64(fields.stroke.points) } } : fields;
}
