// The chair's and the secretary's agenda editor (issue 17): add, rename, remove, reorder (drag
// and drop, and buttons that the keyboard reaches: up, down, indent, outdent) and the kind of an
// item, in a dialog of the presenter page. Every change is a command (docs/protocol.md, "The
// agenda: editing it"); the list is redrawn from the state, never from what was sent, so every
// device (this one included) shows what the server decided. A refusal is said in the dialog.

import { agendaLabel, errorText, t } from "./i18n.js";
import { fill, h } from "./ui.js";

const KINDS = ["item", "previous_minutes", "carried"];
const MAX_DEPTH = 3;

function newId() {
  return `i-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

function depthOf(item) {
  return item.number.split(".").length - 1;
}

/** Levels below `id` (1 for an item without sub-items). */
function height(agenda, id) {
  const depth = new Map([[id, 1]]);
  for (const item of agenda) if (depth.has(item.parent)) depth.set(item.id, depth.get(item.parent) + 1);
  return Math.max(...depth.values());
}

export class AgendaEditor {
  constructor(client, { isChair, dialog, opener }) {
    this.client = client;
    this.isChair = isChair;
    this.dialog = dialog;
    this.list = h("ol", { class: "agenda-edit-list", "data-testid": "agenda-edit-list" });
    this.status = h("p", { class: "agenda-edit-status", role: "status", "aria-live": "polite" });
    this.closedNote = h("p", { class: "muted", text: "" });
    this.title = h("input", { type: "text", maxlength: "500", autocomplete: "off", "data-testid": "agenda-new-title" });
    this.parent = h("select", { "data-testid": "agenda-new-parent" });
    this.consent = h("input", { type: "checkbox", "data-testid": "agenda-consent" });
    this.consentRow = h("label", { class: "check" }, this.consent, h("span", { "data-i18n": "agenda.edit.consent" }));
    this.chairNote = h("p", { class: "muted small" });
    this.addButton = h("button", { type: "submit", class: "btn primary", "data-testid": "agenda-add" });
    this.form = h("form", { class: "agenda-add" },
      h("label", { class: "field" }, h("span", { class: "lbl-title" }), this.title),
      h("label", { class: "field" }, h("span", { class: "lbl-under" }), this.parent),
      this.consentRow, this.chairNote, this.addButton);
    this.form.addEventListener("submit", (e) => { e.preventDefault(); this.add(); });
    this.dragged = null;
    this.drafts = new Map(); // item id -> a title being typed: kept when another device's edit redraws the list
    this.body = h("div", { class: "agenda-editor" },
      h("p", { class: "muted small help" }), this.closedNote, this.list, this.status, this.form);
    dialog.querySelector("[data-agenda-body]").replaceWith(this.body);
    opener.addEventListener("click", () => { this.key = null; this.say(""); this.draw(); dialog.showModal(); });
    dialog.querySelector("[data-agenda-close]").addEventListener("click", () => dialog.close());
    client.addEventListener("state", () => { if (dialog.open) this.draw(); });
    document.addEventListener("langchange", () => { this.key = null; if (dialog.open) this.draw(); });
  }

  say(text, kind = "") {
    this.status.textContent = text;
    this.status.className = `agenda-edit-status ${kind}`;
    this.status.setAttribute("role", kind === "error" ? "alert" : "status");
  }

  send(type, fields) {
    return this.client.command(type, fields).then(
      () => this.say(t("agenda.edit.done"), "ok"),
      (err) => { if (err && err.code !== "superseded") this.say(errorText(err.code, err.message), "error"); },
    );
  }

  siblings(parent) {
    return this.client.state.agenda.filter((i) => i.parent === parent);
  }

  move(item, parent, index) {
    return this.send("move_agenda_item", { item: item.id, parent, index });
  }

  draw() {
    const s = this.client.state;
    if (!s) return;
    const key = JSON.stringify([s.agenda, s.status, document.documentElement.lang]);
    if (key === this.key) return;
    this.key = key;
    // Keep the keyboard where it was: the same control of the same item after the redraw.
    const active = document.activeElement;
    const focus = active && this.list.contains(active) ? [active.closest("li")?.dataset.item, active.dataset.role] : null;
    const closed = s.status === "closed";
    this.body.querySelector(".help").textContent = t("agenda.edit.help");
    this.closedNote.textContent = closed ? t("agenda.edit.closed") : "";
    fill(this.list, ...s.agenda.map((item) => this.row(s, item, closed)),
      h("li", { class: "drop-end", text: t("agenda.edit.drop_end"), ondragover: (e) => this.over(e), ondrop: (e) => this.drop(e, null) }));
    this.form.hidden = closed;
    this.form.querySelector(".lbl-title").textContent = t("agenda.edit.new_title");
    this.form.querySelector(".lbl-under").textContent = t("agenda.edit.under");
    const chosen = this.parent.value;
    fill(this.parent, h("option", { value: "", text: t("agenda.edit.top") }),
      ...s.agenda.filter((i) => depthOf(i) < MAX_DEPTH - 1)
        .map((i) => h("option", { value: i.id, text: `${agendaLabel(i)} ${i.title}` })));
    this.parent.value = s.agenda.some((i) => i.id === chosen) ? chosen : "";
    const during = s.status === "open";
    this.consentRow.hidden = !during || this.isChair;
    this.consentRow.querySelector("span").textContent = t("agenda.edit.consent");
    this.chairNote.hidden = !during || !this.isChair;
    this.chairNote.textContent = t("agenda.edit.consent_chair");
    this.addButton.textContent = t("agenda.edit.add");
    if (focus) this.list.querySelector(`li[data-item="${CSS.escape(focus[0] || "")}"] [data-role="${focus[1]}"]`)?.focus();
  }

  row(s, item, closed) {
    const siblings = this.siblings(item.parent);
    const index = siblings.findIndex((i) => i.id === item.id);
    const before = siblings[index - 1];
    const parent = s.agenda.find((i) => i.id === item.parent);
    const label = agendaLabel(item);
    const button = (role, text, icon, disabled, onclick) => h("button", {
      type: "button", class: "btn small icon", "data-role": role, title: t(text), "aria-label": `${t(text)}: ${label}`,
      disabled: disabled || closed ? "" : null, onclick,
    }, icon);
    const input = h("input", {
      type: "text", maxlength: "500", "data-role": "title", disabled: closed ? "" : null,
      "aria-label": t("agenda.edit.rename", { n: item.number }),
    });
    input.value = this.drafts.get(item.id) ?? item.title; // exactly (h() would drop bidi controls from an attribute)
    input.addEventListener("input", () => this.drafts.set(item.id, input.value));
    const rename = () => {
      this.drafts.delete(item.id);
      if (input.value.trim() && input.value !== item.title) this.send("rename_agenda_item", { item: item.id, title: input.value });
    };
    input.addEventListener("change", rename);
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); rename(); } });
    const kind = h("select", { "data-role": "kind", "aria-label": t("agenda.edit.kind", { n: item.number }), disabled: closed ? "" : null },
      ...KINDS.map((k) => h("option", { value: k, text: t(`agenda.kind.${k}`), selected: k === item.kind ? "" : null })));
    kind.addEventListener("change", () => this.send("set_agenda_item_kind", { item: item.id, kind: kind.value }));
    const tooDeep = before && depthOf(before) + 1 + height(s.agenda, item.id) > MAX_DEPTH;
    const li = h("li", {
      class: `depth-${Math.min(depthOf(item), 2)}`, "data-item": item.id, draggable: closed ? null : "true",
      ondragstart: (e) => { this.dragged = item.id; e.dataTransfer.setData("text/plain", item.id); e.dataTransfer.effectAllowed = "move"; },
      ondragend: () => { this.dragged = null; },
      ondragover: (e) => this.over(e), ondrop: (e) => this.drop(e, item),
    },
    h("span", { class: "grip", "aria-hidden": "true", text: "⠿" }),
    h("span", { class: "num", text: label }),
    input,
    item.supplementary ? h("span", { class: "badge small", text: t("agenda.edit.supplementary") }) : null,
    kind,
    h("span", { class: "moves" },
      button("up", "agenda.edit.up", "↑", index === 0, () => this.move(item, item.parent, index - 1)),
      button("down", "agenda.edit.down", "↓", index === siblings.length - 1, () => this.move(item, item.parent, index + 1)),
      button("nest", "agenda.edit.nest", "→", !before || tooDeep, () => this.move(item, before.id, null)),
      button("unnest", "agenda.edit.unnest", "←", !parent, () => {
        const uncles = this.siblings(parent.parent);
        this.move(item, parent.parent, uncles.findIndex((i) => i.id === parent.id) + 1);
      }),
      button("remove", "agenda.edit.remove", "✕", false, () => {
        if (window.confirm(t("agenda.edit.remove_confirm", { n: item.number, title: item.title }))) {
          this.send("remove_agenda_item", { item: item.id });
        }
      })));
    return li;
  }

  over(e) {
    if (this.dragged) { e.preventDefault(); e.dataTransfer.dropEffect = "move"; }
  }

  /** Dropped on `target`: the dragged item goes just before it, as its sibling (null: last). */
  drop(e, target) {
    e.preventDefault();
    const id = this.dragged || e.dataTransfer.getData("text/plain");
    this.dragged = null;
    const item = this.client.state.agenda.find((i) => i.id === id);
    if (!item || (target && target.id === id)) return;
    if (!target) return this.move(item, null, null);
    const others = this.siblings(target.parent).filter((i) => i.id !== id);
    this.move(item, target.parent, others.findIndex((i) => i.id === target.id));
  }

  add() {
    const title = this.title.value;
    if (!title.trim()) return this.title.focus();
    const fields = { item: newId(), title, parent: this.parent.value || null };
    if (this.client.state.status === "open" && !this.isChair) fields.chair_consent = this.consent.checked;
    this.send("add_agenda_item", fields).then(() => {
      if (this.status.classList.contains("ok")) { this.title.value = ""; this.consent.checked = false; }
    });
    this.title.focus();
  }
}
