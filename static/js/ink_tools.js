// The pen on a tablet: the tool bar (pen, highlighter, eraser, note, colours, widths, stylus
// only, undo, redo, clear), the member's own ink over the page shown, the presenter's pen and
// pointer. See ink.js for the layer and the ink kept on the device.

import { encodePoints, PrivateInk } from "./ink.js";
import { InkLayer } from "./ink_layer.js";
import { errorText, t } from "./i18n.js";
import { h, toast } from "./ui.js";

const COLORS = [0x111827, 0x1d4ed8, 0xdc2626, 0x15803d];
const MARKERS = [0xfacc15, 0x4ade80, 0xf472b6, 0x60a5fa];
const WIDTHS = [12, 24, 45]; // page units: about 0.7, 1.4 and 2.7 pt on A4
const MARKER_WIDTH = 160;

// Line icons (24x24, stroked with the text colour): no emoji font is needed on the device.
const ICONS = {
  pen: "M4 20l4-1 11-11-3-3L5 16l-1 4zM14 7l3 3",
  highlighter: "M6 15l6-11 5 3-6 11H6v-3zM4 21h10",
  eraser: "M8 20h12M4 16l9-9 6 6-7 7H8l-4-4zM9 11l6 6",
  note: "M5 4h14v10l-6 6H5V4zM13 20v-6h6",
  undo: "M9 7L4 12l5 5M4 12h10a6 6 0 010 12",
  redo: "M15 7l5 5-5 5M20 12H10a6 6 0 000 12",
  trash: "M5 7h14M9 7V4h6v3M7 7l1 13h8l1-13",
};

function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.classList.add("icon");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}

/**
 * @param client       the MeetingClient
 * @param view         the PageView the ink goes over
 * @param where        () => {document, page} | null: the page on screen
 * @param toggle, bar  the pen button and the (empty) element that becomes the tool bar
 */
export function mountInk(client, view, { where, toggle, bar, meeting, member, dialog }) {
  const mine = new PrivateInk(client, { meeting, member });
  let pointer = null; // the presenter's pointer: {member, document, page, x, y}
  const pen = { color: COLORS[1], width: WIDTHS[1], marker: MARKERS[0] };
  let tool = null;

  const layer = new InkLayer(view, {
    onStroke: (points, pointerType) => {
      if (pointerType === "pen" && !layer.penOnly) setPenOnly(true, true);
      const at = where();
      if (!at) return;
      mine.draw({
        id: mine.newStrokeId(), document: at.document, page: at.page, tool: layer.tool,
        color: layer.color, width: layer.width, points: encodePoints(points),
      });
    },
    onErase: (strokes) => mine.erase(strokes),
    onNote: (spot) => editNote(spot),
  });

  // -- the bar --
  const button = (label, title, onclick, extra = {}) => h("button", { type: "button", class: "btn icon ink-btn", title, "aria-label": title, onclick, ...extra }, label);
  const tools = {
    pen: button(icon("pen"), t("ink.pen"), () => choose("pen"), { "data-testid": "ink-pen" }),
    highlighter: button(icon("highlighter"), t("ink.highlighter"), () => choose("highlighter"), { "data-testid": "ink-highlighter" }),
    eraser: button(icon("eraser"), t("ink.eraser"), () => choose("eraser"), { "data-testid": "ink-eraser" }),
    note: button(icon("note"), t("ink.note"), () => choose("note"), { "data-testid": "ink-note-tool" }),
  };
  const swatches = h("span", { class: "ink-swatches" });
  const widths = h("span", { class: "ink-widths" }, ...WIDTHS.map((w, i) => h("button", {
    type: "button", class: "ink-width", title: t(`ink.width${i}`), "aria-label": t(`ink.width${i}`),
    onclick: () => { pen.width = w; apply(); },
  }, h("span", { style: `height:${2 + i * 3}px` }))));
  const penOnly = h("input", { type: "checkbox", "data-testid": "ink-pen-only", onchange: () => setPenOnly(penOnly.checked) });
  const undo = button(icon("undo"), t("ink.undo"), () => { mine.undo(); }, { "data-testid": "ink-undo" });
  const redo = button(icon("redo"), t("ink.redo"), () => { mine.redo(); }, { "data-testid": "ink-redo" });
  const clear = button(icon("trash"), t("ink.clear"), () => {
    const at = where();
    if (at && confirm(t("ink.clear_confirm"))) mine.clearPage(at.document, at.page);
  }, { "data-testid": "ink-clear" });
  const unsent = h("span", { class: "ink-unsent", "data-testid": "ink-unsent", hidden: true });
  bar.append(
    ...Object.values(tools), h("span", { class: "ink-sep" }), swatches, widths, h("span", { class: "ink-sep" }),
    h("label", { class: "ink-pen-only" }, penOnly, h("span", { text: t("ink.pen_only") })),
    undo, redo, clear, unsent,
  );
  toggle.addEventListener("click", () => choose(tool ? null : "pen"));

  function setPenOnly(on, announce = false) {
    layer.penOnly = on;
    penOnly.checked = on;
    if (announce) toast(t("ink.pen_only_on"), "info", 4000);
  }

  function choose(next) {
    tool = next;
    layer.setTool(next);
    bar.hidden = !next;
    toggle.classList.toggle("active", !!next);
    toggle.setAttribute("aria-pressed", String(!!next));
    document.body.classList.toggle("inking", !!next);
    apply();
  }

  function apply() {
    const marker = tool === "highlighter";
    layer.color = marker ? pen.marker : pen.color;
    layer.width = marker ? MARKER_WIDTH : pen.width;
    for (const [name, el] of Object.entries(tools)) el.classList.toggle("active", name === tool);
    swatches.replaceChildren(...(marker ? MARKERS : COLORS).map((c) => h("button", {
      type: "button", class: `ink-swatch${c === layer.color ? " active" : ""}`, style: `background:#${c.toString(16).padStart(6, "0")}`,
      "aria-label": t("ink.colour"), onclick: () => { if (marker) pen.marker = c; else pen.color = c; apply(); },
    })));
    [...widths.children].forEach((el, i) => el.classList.toggle("active", !marker && WIDTHS[i] === pen.width));
    widths.hidden = marker;
  }

  // -- notes: a small dialog --
  const text = h("textarea", { rows: 4, maxlength: 2000, "data-testid": "ink-note-text" });
  let editing = null;
  const save = h("button", { type: "button", class: "btn primary", "data-testid": "ink-note-save", text: t("ink.note_save") });
  const remove = h("button", { type: "button", class: "btn danger", text: t("ink.note_delete") });
  const cancel = h("button", { type: "button", class: "btn ghost", text: t("tablet.close") });
  dialog.append(h("h2", { text: t("ink.note") }), text, h("div", { class: "dialog-actions" }, remove, cancel, save));
  save.addEventListener("click", () => {
    const value = text.value.trim();
    if (value && editing) mine.setNote({ ...editing, text: value });
    else if (!value && editing && editing.id && mine.notes.has(editing.id)) mine.removeNote(editing.id);
    dialog.close();
  });
  remove.addEventListener("click", () => { if (editing && editing.text) mine.removeNote(editing.id); dialog.close(); });
  cancel.addEventListener("click", () => dialog.close());

  function editNote(spot) {
    const at = where();
    if (!at) return;
    editing = spot.id ? spot : { id: mine.newNoteId(), document: at.document, page: at.page, x: spot.x, y: spot.y, text: "" };
    text.value = editing.text || "";
    remove.hidden = !spot.id;
    dialog.showModal();
    text.focus();
  }

  // -- what the layer shows --
  function refresh() {
    const at = where();
    const state = client.state;
    if (!at || !state) return layer.setContent({ own: [], notes: [], presenter: [], pointer: null });
    const onPage = (s) => s.document === at.document && s.page === at.page;
    const { strokes, notes } = mine.page(at.document, at.page);
    layer.setContent({
      own: strokes, notes, presenter: (state.presenter || []).filter(onPage),
      pointer: pointer && pointer.x != null && onPage(pointer) ? pointer : null,
    });
    undo.disabled = !mine.undoStack.length;
    redo.disabled = !mine.redoStack.length;
    unsent.hidden = !mine.unsent || client.status === "live";
    unsent.textContent = t("ink.unsent", { n: mine.unsent });
  }

  mine.addEventListener("change", refresh);
  mine.addEventListener("refused", (e) => toast(errorText(e.detail.code, e.detail.message), "error"));
  client.addEventListener("pointer", (e) => { pointer = e.detail; refresh(); });
  client.addEventListener("state", refresh);
  client.addEventListener("status", refresh);
  choose(null);
  return { refresh, layer, mine };
}
