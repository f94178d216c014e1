// Swipe, pinch zoom and double tap on a page, with pointer events only (iPad Safari 13+,
// Android Chrome, mouse). The stage has `touch-action: none` (app.css) so the browser leaves
// these gestures to us; the transform is applied to the stage's `.pan` child.
//
//   one finger, not zoomed:   drag sideways; released past a threshold -> onSwipe(+1 | -1)
//   one finger, zoomed:       pan the page
//   two fingers:              pinch zoom around their middle (and pan)
//   double tap:               zoom in at that point, or back to fit if zoomed
//   ctrl + wheel (laptops):   zoom

const MAX_SCALE = 5;
const SWIPE_FRACTION = 0.18; // of the stage's width
const SWIPE_MIN_PX = 50;
const TAP_MS = 300;
const TAP_SLOP = 24;

export class Gestures {
  constructor(stage, pan, { onSwipe }) {
    this.stage = stage;
    this.pan = pan;
    this.onSwipe = onSwipe;
    this.scale = 1;
    this.x = 0;
    this.y = 0;
    this.pointers = new Map(); // id -> {x, y}
    this.gesture = null;
    this.lastTap = null;
    stage.addEventListener("pointerdown", (e) => this._down(e));
    stage.addEventListener("pointermove", (e) => this._move(e));
    stage.addEventListener("pointerup", (e) => this._up(e));
    stage.addEventListener("pointercancel", (e) => this._up(e, true));
    stage.addEventListener("lostpointercapture", (e) => this._up(e, true));
    stage.addEventListener("wheel", (e) => this._wheel(e), { passive: false });
    // Safari's own pinch-to-zoom of the whole page (gesture events are Safari only).
    for (const type of ["gesturestart", "gesturechange"]) stage.addEventListener(type, (e) => e.preventDefault());
  }

  get zoomed() {
    return this.scale > 1.01;
  }

  reset(animate = false) {
    this.scale = 1;
    this.x = 0;
    this.y = 0;
    this._apply(animate);
  }

  _point(e) {
    const r = this.stage.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  _apply(animate = false) {
    this.pan.style.transition = animate ? "transform .2s ease-out" : "none";
    this.pan.style.transform = this.scale === 1 && this.x === 0 && this.y === 0
      ? "" : `translate(${this.x}px, ${this.y}px) scale(${this.scale})`;
    this.stage.classList.toggle("zoomed", this.zoomed);
  }

  _clamp() {
    const w = this.stage.clientWidth;
    const hgt = this.stage.clientHeight;
    if (this.scale <= 1) {
      this.scale = 1;
      this.x = 0;
      this.y = 0;
      return;
    }
    this.x = Math.min(0, Math.max(w - w * this.scale, this.x));
    this.y = Math.min(0, Math.max(hgt - hgt * this.scale, this.y));
  }

  _zoomAt(point, scale) {
    const s = Math.max(1, Math.min(MAX_SCALE, scale));
    // Keep the content under `point` where it is.
    const cx = (point.x - this.x) / this.scale;
    const cy = (point.y - this.y) / this.scale;
    this.scale = s;
    this.x = point.x - s * cx;
    this.y = point.y - s * cy;
    this._clamp();
  }

  _down(e) {
    if (e.pointerType === "mouse" && e.button !== 0) return;
    this.stage.setPointerCapture?.(e.pointerId);
    this.pointers.set(e.pointerId, this._point(e));
    if (this.pointers.size === 1) {
      const p = this._point(e);
      this.gesture = { kind: "one", start: p, last: p, x0: this.x, y0: this.y, t0: performance.now(), moved: false };
    } else if (this.pointers.size === 2) {
      const [a, b] = [...this.pointers.values()];
      this.gesture = {
        kind: "pinch", dist0: Math.hypot(a.x - b.x, a.y - b.y) || 1, scale0: this.scale,
        mid0: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }, x0: this.x, y0: this.y,
      };
      this.lastTap = null;
    }
  }

  _move(e) {
    if (!this.pointers.has(e.pointerId)) return;
    const p = this._point(e);
    this.pointers.set(e.pointerId, p);
    const g = this.gesture;
    if (!g) return;
    if (g.kind === "pinch" && this.pointers.size >= 2) {
      const [a, b] = [...this.pointers.values()];
      const dist = Math.hypot(a.x - b.x, a.y - b.y);
      const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
      // Content point under the first midpoint stays under the current midpoint.
      const s = Math.max(0.8, Math.min(MAX_SCALE, g.scale0 * dist / g.dist0));
      const cx = (g.mid0.x - g.x0) / g.scale0;
      const cy = (g.mid0.y - g.y0) / g.scale0;
      this.scale = s;
      this.x = mid.x - s * cx;
      this.y = mid.y - s * cy;
      if (s >= 1) this._clamp();
      this._apply();
      return;
    }
    if (g.kind !== "one") return;
    const dx = p.x - g.start.x;
    const dy = p.y - g.start.y;
    if (Math.hypot(dx, dy) > TAP_SLOP / 2) g.moved = true;
    if (this.zoomed) {
      this.x = g.x0 + dx;
      this.y = g.y0 + dy;
      this._clamp();
      this._apply();
    } else if (Math.abs(dx) > Math.abs(dy)) {
      // Follow the finger sideways, a little damped, as a hint of the coming page turn.
      this.pan.style.transition = "none";
      this.pan.style.transform = `translateX(${dx * 0.6}px)`;
    }
    g.last = p;
  }

  _up(e, cancelled = false) {
    if (!this.pointers.has(e.pointerId)) return;
    this.pointers.delete(e.pointerId);
    const g = this.gesture;
    if (g && g.kind === "pinch") {
      if (this.pointers.size === 1) {
        // One finger stays: continue as a pan from here (no swipe after a pinch).
        const [p] = [...this.pointers.values()];
        this.gesture = { kind: "one", start: p, last: p, x0: this.x, y0: this.y, t0: 0, moved: true, afterPinch: true };
      } else if (this.pointers.size === 0) {
        this.gesture = null;
        if (this.scale < 1.05) this.reset(true);
        else { this._clamp(); this._apply(true); }
      }
      return;
    }
    if (this.pointers.size > 0 || !g) return;
    this.gesture = null;
    if (cancelled) {
      if (!this.zoomed) this.reset(true);
      return;
    }
    const p = this._point(e);
    const dx = p.x - g.start.x;
    const dy = p.y - g.start.y;
    const now = performance.now();
    if (!g.moved && now - g.t0 < TAP_MS) {
      if (this.lastTap && now - this.lastTap.t < TAP_MS + 100 && Math.hypot(p.x - this.lastTap.x, p.y - this.lastTap.y) < TAP_SLOP * 2) {
        this.lastTap = null;
        if (this.zoomed) this.reset(true);
        else { this._zoomAt(p, 2.5); this._apply(true); }
        return;
      }
      this.lastTap = { t: now, x: p.x, y: p.y };
      return;
    }
    if (this.zoomed || g.afterPinch) return;
    const threshold = Math.max(SWIPE_MIN_PX, this.stage.clientWidth * SWIPE_FRACTION);
    const fast = Math.abs(dx) > SWIPE_MIN_PX && now - g.t0 < 250;
    if ((Math.abs(dx) > threshold || fast) && Math.abs(dx) > Math.abs(dy) * 1.2) {
      this.reset(false);
      this.onSwipe(dx < 0 ? +1 : -1);
    } else {
      this.reset(true);
    }
  }

  _wheel(e) {
    if (!e.ctrlKey) return; // trackpad pinch arrives as ctrl + wheel too
    e.preventDefault();
    this._zoomAt(this._point(e), this.scale * Math.exp(-e.deltaY / 200));
    this._apply();
  }
}
