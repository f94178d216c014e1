// The layer over a page (docs/protocol.md, "Ink"): draws a member's own strokes and notes, the
// presenter's strokes and the pointer over a PageView's image, and takes a pen when a tool is set.
// The stroke codec and the member's own ink are ink.js.
//
//   const layer = new InkLayer(view, { onStroke, onErase, onNote });
//   layer.setContent({ own, presenter, pointer });             // what to draw on the page shown

import { decodePoints, MAX_COORD, UNITS } from "./ink.js";
import { h } from "./ui.js";

const cssColor = (c) => `#${c.toString(16).padStart(6, "0")}`;

/** Draws strokes, notes and the pointer over a PageView's image, and takes a pen when a tool is set. */
export class InkLayer {
  /**
   * @param view   a PageView (ui.js): the layer goes into its `.pan`, over its `.img`
   * @param opts   onStroke(points, pointerType), onErase(strokes), onNote({x, y} | note), onPoint({x, y} | null)
   */
  constructor(view, { onStroke = () => {}, onErase = () => {}, onNote = () => {}, onPoint = null } = {}) {
    this.view = view;
    this.onStroke = onStroke;
    this.onErase = onErase;
    this.onNote = onNote;
    this.onPoint = onPoint;
    this.tool = null; // null | "pen" | "highlighter" | "eraser" | "note" | "laser"
    this.color = 0x1e3a8a;
    this.width = 20;
    this.penOnly = false;
    this.content = { own: [], notes: [], presenter: [], pointer: null };
    this.base = h("canvas", { class: "ink-base" });
    this.live = h("canvas", { class: "ink-live" });
    this.noteLayer = h("div", { class: "ink-notes" });
    this.dot = h("div", { class: "ink-pointer", hidden: true });
    this.el = h("div", { class: "ink", "data-testid": "ink" }, this.base, this.live, this.noteLayer, this.dot);
    view.pan.append(this.el);
    this.box = { left: 0, top: 0, width: 0, height: 0 };
    this.drawing = null; // {id, points, pointerType} while a pen is down
    this.erasing = null; // Set of stroke ids while the eraser is down
    // A new page's image, the image shown after decoding (it is hidden until then), a resize.
    view.img.addEventListener("load", () => this.layout());
    const resized = new ResizeObserver(() => this.layout());
    resized.observe(view.el);
    resized.observe(view.img);
    for (const type of ["pointerdown", "pointermove", "pointerup", "pointercancel"]) {
      this.el.addEventListener(type, (e) => this._pointer(e));
    }
    this.el.addEventListener("pointerleave", (e) => { if (this.tool === "laser" && this.onPoint && e.pointerType !== "touch") this.onPoint(null); });
  }

  /** Fit the layer to the page as the image shows it (object-fit: contain leaves margins). */
  layout() {
    const img = this.view.img;
    const W = img.offsetWidth, H = img.offsetHeight;
    if (img.hidden || !img.naturalWidth || !W || !H) {
      this.el.hidden = true;
      return;
    }
    const scale = Math.min(W / img.naturalWidth, H / img.naturalHeight);
    const width = img.naturalWidth * scale, height = img.naturalHeight * scale;
    this.box = { left: img.offsetLeft + (W - width) / 2, top: img.offsetTop + (H - height) / 2, width, height };
    Object.assign(this.el.style, { left: `${this.box.left}px`, top: `${this.box.top}px`, width: `${width}px`, height: `${height}px` });
    this.el.hidden = false;
    const ratio = window.devicePixelRatio || 1;
    for (const canvas of [this.base, this.live]) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    this.redraw();
  }

  setTool(tool) {
    this.tool = tool;
    this.el.classList.toggle("active", !!tool);
    this.el.dataset.tool = tool || "";
  }

  /** own: [stroke], notes: [note], presenter: [stroke], pointer: {x, y} | null, all on the page shown. */
  setContent(content) {
    this.content = { ...this.content, ...content };
    this.redraw();
  }

  redraw() {
    const ctx = this.base.getContext("2d");
    ctx.clearRect(0, 0, this.base.width, this.base.height);
    const hidden = this.erasing || new Set();
    for (const s of this.content.presenter) paint(ctx, s, this.base.width);
    for (const s of this.content.own) if (!hidden.has(s.id)) paint(ctx, s, this.base.width);
    this._notes();
    const p = this.content.pointer;
    this.dot.hidden = !p;
    if (p) Object.assign(this.dot.style, { left: `${(p.x / UNITS) * this.box.width}px`, top: `${(p.y / UNITS) * this.box.width}px` });
  }

  _notes() {
    const scale = this.box.width / UNITS;
    this.noteLayer.replaceChildren(...this.content.notes.map((note) => h("button", {
      type: "button", class: "ink-note", title: note.text, "data-testid": "ink-note",
      style: `left:${note.x * scale}px;top:${note.y * scale}px`,
      onclick: (e) => { e.stopPropagation(); this.onNote(note); },
      onpointerdown: (e) => e.stopPropagation(),
    }, "✎")));
  }

  /** Page units of a pointer event (the layer may be zoomed: its box on screen says by how much). */
  _at(e) {
    const r = this.el.getBoundingClientRect();
    const x = Math.round(((e.clientX - r.left) / r.width) * UNITS);
    const y = Math.round(((e.clientY - r.top) / r.width) * UNITS);
    const p = e.pointerType === "pen" && e.pressure > 0 ? Math.round(e.pressure * 255) : 128;
    return [Math.max(0, Math.min(UNITS, x)), Math.max(0, Math.min(MAX_COORD, y)), Math.max(0, Math.min(255, p))];
  }

  _pointer(e) {
    if (!this.tool) return;
    // Pen-only: fingers and palms are the page's (scroll, swipe, zoom); only a stylus writes.
    if (this.penOnly && e.pointerType === "touch" && this.tool !== "laser") return;
    if (this.tool === "laser") {
      if (this.onPoint && (e.type === "pointermove" || e.type === "pointerdown")) {
        const [x, y] = this._at(e);
        this.onPoint({ x, y });
      }
      return;
    }
    e.stopPropagation(); // the page's gestures do not see a writing pointer
    e.preventDefault();
    if (e.type === "pointerdown") return this._down(e);
    if (e.type === "pointermove") return this._move(e);
    return this._up(e, e.type === "pointercancel");
  }

  _down(e) {
    if (this.drawing || this.erasing) return;
    if (e.button > 0) return;
    this.el.setPointerCapture(e.pointerId);
    if (this.tool === "note") {
      const [x, y] = this._at(e);
      this.onNote({ x, y });
      return;
    }
    if (this.tool === "eraser") {
      this.erasing = new Set();
      this._erase(this._at(e));
      return;
    }
    this.drawing = { pointerId: e.pointerId, points: [this._at(e)], pointerType: e.pointerType };
    this._paintLive();
  }

  _move(e) {
    if (this.erasing) {
      for (const ev of e.getCoalescedEvents ? e.getCoalescedEvents() : [e]) this._erase(this._at(ev));
      return;
    }
    const d = this.drawing;
    if (!d || d.pointerId !== e.pointerId) return;
    for (const ev of (e.getCoalescedEvents && e.getCoalescedEvents().length ? e.getCoalescedEvents() : [e])) {
      const pt = this._at(ev);
      const last = d.points[d.points.length - 1];
      if (Math.abs(pt[0] - last[0]) + Math.abs(pt[1] - last[1]) >= 3) d.points.push(pt);
    }
    if (d.points.length > 3900) return this._up(e, false); // one stroke's limit: start the next
    this._paintLive();
  }

  _up(e, cancelled) {
    if (this.erasing) {
      const gone = this.content.own.filter((s) => this.erasing.has(s.id));
      this.erasing = null;
      if (gone.length) this.onErase(gone);
      this.redraw();
      return;
    }
    const d = this.drawing;
    if (!d || d.pointerId !== e.pointerId) return;
    this.drawing = null;
    this.live.getContext("2d").clearRect(0, 0, this.live.width, this.live.height);
    if (!cancelled) this.onStroke(d.points, d.pointerType);
  }

  /** The stroke being drawn, on its own canvas: only it is repainted while the pen moves. */
  _paintLive() {
    const ctx = this.live.getContext("2d");
    ctx.clearRect(0, 0, this.live.width, this.live.height);
    const d = this.drawing;
    paint(ctx, { tool: this.tool, color: this.color, width: this.width, decoded: d.points }, this.live.width);
  }

  _erase([x, y]) {
    const reach = 60; // page units: about a fingertip on a tablet
    for (const s of this.content.own) {
      if (this.erasing.has(s.id)) continue;
      if (pointsOf(s).some(([px, py]) => Math.abs(px - x) < reach && Math.abs(py - y) < reach)) {
        this.erasing.add(s.id);
        this.redraw();
      }
    }
  }
}

const decodedPoints = new WeakMap(); // stroke -> its points decoded, kept off the stroke (it is sent as is)

function pointsOf(stroke) {
  if (stroke.decoded) return stroke.decoded; // the stroke being drawn
  let points = decodedPoints.get(stroke);
  if (!points) decodedPoints.set(stroke, (points = decodePoints(stroke.points)));
  return points;
}

/** Paint one stroke: smooth curves through the midpoints; a pen's width follows its pressure. */
function paint(ctx, stroke, canvasWidth) {
  const pts = pointsOf(stroke);
  if (!pts.length) return;
  const s = canvasWidth / UNITS;
  const highlighter = stroke.tool === "highlighter";
  ctx.save();
  ctx.strokeStyle = ctx.fillStyle = cssColor(stroke.color);
  ctx.lineCap = highlighter ? "butt" : "round";
  ctx.lineJoin = "round";
  if (highlighter) {
    ctx.globalAlpha = 0.35;
    ctx.globalCompositeOperation = "multiply";
  }
  if (pts.length === 1) {
    ctx.beginPath();
    ctx.arc(pts[0][0] * s, pts[0][1] * s, Math.max(1, (stroke.width * s) / 2), 0, 2 * Math.PI);
    ctx.fill();
  } else if (highlighter) {
    ctx.lineWidth = stroke.width * s;
    ctx.beginPath();
    curve(ctx, pts, s, 0, pts.length);
    ctx.stroke();
  } else {
    // Short runs of the curve, each as wide as its pressure says.
    for (let i = 1; i < pts.length; i += 4) {
      const end = Math.min(pts.length, i + 5);
      // Never thinner than 1.5 screen pixels: a fine pen on a page shown small must still show.
      ctx.lineWidth = Math.max(1.5 * (window.devicePixelRatio || 1), stroke.width * s * (0.55 + (0.9 * pts[i][2]) / 255));
      ctx.beginPath();
      curve(ctx, pts, s, i - 1, end);
      ctx.stroke();
    }
  }
  ctx.restore();
}

function curve(ctx, pts, s, from, to) {
  ctx.moveTo(pts[from][0] * s, pts[from][1] * s);
  for (let i = from + 1; i < to - 1; i += 1) {
    const mx = ((pts[i][0] + pts[i + 1][0]) / 2) * s;
    const my = ((pts[i][1] + pts[i + 1][1]) / 2) * s;
    ctx.quadraticCurveTo(pts[i][0] * s, pts[i][1] * s, mx, my);
  }
  ctx.lineTo(pts[to - 1][0] * s, pts[to - 1][1] * s);
}
