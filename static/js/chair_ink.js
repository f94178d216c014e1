// The presenter's pen and laser pointer on the chair's laptop (docs/protocol.md, "Ink"): strokes
// every device sees (stored, cleared by the presenter), and a pointer that is not stored.

import { can } from "./offers.js";
import { encodePoints } from "./ink.js";
import { InkLayer } from "./ink_layer.js";
import { errorText, t } from "./i18n.js";
import { h, toast } from "./ui.js";

const POINT_EVERY = 50; // ms: the server sends the pointer on at most this often anyway
const RED = 0xdc2626;

/**
 * @param client  the MeetingClient
 * @param view    the PageView showing the presented page
 * @param where   () => {document, page} | null: the page shown to the room
 * @param slot    the element that becomes the tool buttons
 */
export function mountPresenterInk(client, view, { where, slot }) {
  const pending = []; // strokes sent and not acknowledged yet: drawn until their event arrives
  let pointer = null; // the room's pointer, as the server sends it
  let lastPoint = 0;
  let pointTimer = null;
  let sentStrokes = 0;

  const layer = new InkLayer(view, {
    onStroke: (points) => {
      const at = where();
      if (!at) return;
      sentStrokes += 1;
      const stroke = {
        id: `p-${client.idPrefix}-${sentStrokes}`, document: at.document, page: at.page, tool: "pen",
        color: RED, width: 30, points: encodePoints(points),
      };
      pending.push(stroke);
      refresh();
      const done = () => { pending.splice(pending.indexOf(stroke), 1); refresh(); };
      client.command("present_stroke", { stroke }).then(done, (err) => { done(); refused(err); });
    },
    onPoint: (spot) => point(spot),
  });
  layer.color = RED;
  layer.width = 30;

  function point(spot) {
    // The newest position, at most every POINT_EVERY ms; hiding is sent at once.
    clearTimeout(pointTimer);
    const send = () => {
      lastPoint = Date.now();
      const at = where();
      const fields = spot && at ? { document: at.document, page: at.page, x: spot.x, y: spot.y } : { x: null };
      client.command("point", fields, { replace: "point" }).catch(refused);
    };
    const wait = lastPoint + POINT_EVERY - Date.now();
    if (!spot || wait <= 0) send();
    else pointTimer = setTimeout(send, wait);
  }

  const tool = (name, label, titleKey) => h("button", {
    type: "button", class: "btn ink-btn", "data-testid": `presenter-${name}`, title: t(titleKey),
    onclick: () => choose(layer.tool === name ? null : name),
  }, label, " ", h("span", { "data-i18n": titleKey, text: t(titleKey) }));
  const buttons = { laser: tool("laser", "◉", "ink.pointer"), pen: tool("pen", "✎", "ink.present") };
  const clear = h("button", {
    type: "button", class: "btn ghost", "data-testid": "presenter-clear", text: t("ink.clear_presented"),
    onclick: () => {
      const at = where();
      if (at) client.command("clear_presented", { document: at.document, page: at.page }).catch(refused);
    },
  });
  const el = h("span", { class: "presenter-ink" }, buttons.laser, buttons.pen, clear);
  slot.replaceWith(el);

  function choose(name) {
    if (layer.tool === "laser" && name !== "laser") point(null);
    layer.setTool(name);
    for (const [key, b] of Object.entries(buttons)) b.classList.toggle("active", key === name);
  }

  function refused(err) {
    if (err && err.code !== "superseded") toast(errorText(err.code, err.message), "error");
  }

  function refresh() {
    const at = where();
    const s = client.state;
    const open = !!(at && can(s, "present_stroke"));
    el.hidden = !open;
    if (!open && layer.tool) choose(null);
    if (!at || !s) return layer.setContent({ presenter: [], own: [], notes: [], pointer: null });
    const onPage = (x) => x.document === at.document && x.page === at.page;
    layer.setContent({
      presenter: [...(s.presenter || []), ...pending].filter(onPage),
      pointer: pointer && pointer.x != null && onPage(pointer) ? pointer : null,
    });
    clear.disabled = !(s.presenter || []).some(onPage);
  }

  client.addEventListener("pointer", (e) => { pointer = e.detail; refresh(); });
  return { refresh, layer };
}
