// The organisers' member list editor (issue 17 item 5): add a member (before the meeting, or one
// who joins late while it runs), change a name, position or committee title, remove a member, in a
// dialog of the presenter page. Every change is a command (docs/protocol.md, "The member list");
// the list is redrawn from the state, so every device shows what the server decided, and a refusal
// is said in the dialog in the page's language. Native controls only: the keyboard reaches all.

import { errorText, t } from "./i18n.js";
import { can } from "./offers.js";
import { fill, h } from "./ui.js";

// The committee titles as offices write them (rooms/offices.py STANDARD), Thai as sent.
export const TITLES = ["ประธานกรรมการ", "รองประธานกรรมการ", "กรรมการ", "กรรมการและเลขานุการ",
  "กรรมการและผู้ช่วยเลขานุการ", "ผู้ช่วยเลขานุการ", "ผู้เข้าร่วมประชุม"];

function newId() {
  return `p-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

function titleSelect(current, label, disabled) {
  const options = TITLES.includes(current) || !current ? TITLES : [current, ...TITLES];
  const select = h("select", { "aria-label": label, "data-role": "title", disabled: disabled ? "" : null },
    ...options.map((title) => h("option", {
      value: title,
      text: document.documentElement.lang === "en" ? `${title} (${t(`members.title.${TITLES.indexOf(title)}`)})` : title,
    })));
  select.value = current || "กรรมการ";
  return select;
}

export class MembersEditor {
  constructor(client, { dialog, opener, me }) {
    this.client = client;
    this.me = me;
    this.dialog = dialog;
    this.list = h("ul", { class: "members-edit-list", "data-testid": "members-edit-list" });
    this.status = h("p", { class: "members-edit-status", role: "status", "aria-live": "polite" });
    this.note = h("p", { class: "muted small" });
    this.name = h("input", { type: "text", maxlength: "500", autocomplete: "off", "data-testid": "member-new-name" });
    this.position = h("input", { type: "text", maxlength: "500", autocomplete: "off", "data-testid": "member-new-position" });
    this.titleSlot = h("span");
    this.addButton = h("button", { type: "submit", class: "btn primary", "data-testid": "member-add" });
    this.form = h("form", { class: "members-add" },
      h("label", { class: "field" }, h("span", { class: "lbl-name" }), this.name),
      h("label", { class: "field" }, h("span", { class: "lbl-position" }), this.position),
      h("label", { class: "field" }, h("span", { class: "lbl-title" }), this.titleSlot),
      this.addButton);
    this.form.addEventListener("submit", (e) => { e.preventDefault(); this.add(); });
    this.body = h("div", { class: "members-editor" }, this.note, this.list, this.status, this.form);
    dialog.querySelector("[data-members-body]").replaceWith(this.body);
    opener.addEventListener("click", () => { this.key = null; this.say(""); this.draw(); dialog.showModal(); });
    dialog.querySelector("[data-members-close]").addEventListener("click", () => dialog.close());
    client.addEventListener("state", () => { if (dialog.open) this.draw(); });
    document.addEventListener("langchange", () => { this.key = null; if (dialog.open) this.draw(); });
  }

  say(text, kind = "") {
    this.status.textContent = text;
    this.status.className = `members-edit-status ${kind}`;
    this.status.setAttribute("role", kind === "error" ? "alert" : "status");
  }

  send(type, fields) {
    return this.client.command(type, fields).then(
      () => { this.say(t("members.done"), "ok"); return true; },
      (err) => { if (err && err.code !== "superseded") this.say(errorText(err.code, err.message), "error"); return false; },
    );
  }

  draw() {
    const s = this.client.state;
    if (!s) return;
    const key = JSON.stringify([s.members, s.attendance, s.status, s.minutes.status, document.documentElement.lang]);
    if (key === this.key) return;
    this.key = key;
    const active = document.activeElement;
    const focus = active && this.list.contains(active) ? [active.closest("li")?.dataset.member, active.dataset.role] : null;
    const canAdd = can(s, "add_member");
    const canEdit = can(s, "update_member");
    this.note.textContent = t(canAdd ? (s.status === "open" ? "members.note.open" : "members.note.before")
      : canEdit ? "members.note.closed" : "members.note.adopted");
    fill(this.list, ...s.members.map((m) => this.row(s, m, canEdit, can(s, "remove_member"))));
    this.form.hidden = !canAdd;
    this.form.querySelector(".lbl-name").textContent = t("members.name");
    this.form.querySelector(".lbl-position").textContent = t("members.position");
    this.form.querySelector(".lbl-title").textContent = t("members.title");
    const chosen = this.titleSlot.firstChild ? this.titleSlot.firstChild.value : "กรรมการ";
    fill(this.titleSlot, titleSelect(chosen, t("members.title"), false));
    this.titleSlot.firstChild.dataset.testid = "member-new-title";
    this.addButton.textContent = t("members.add");
    if (focus) this.list.querySelector(`li[data-member="${CSS.escape(focus[0] || "")}"] [data-role="${focus[1]}"]`)?.focus();
  }

  row(s, m, canEdit, canRemove) {
    const name = h("input", { type: "text", maxlength: "500", "data-role": "name", disabled: canEdit ? null : "",
      "aria-label": t("members.name_of", { name: m.name }) });
    name.value = m.name; // exactly as typed (h() would drop bidi controls from an attribute)
    const position = h("input", { type: "text", maxlength: "500", "data-role": "position", disabled: canEdit ? null : "",
      "aria-label": t("members.position_of", { name: m.name }) });
    position.value = m.position;
    const title = titleSelect(m.title || "", t("members.title_of", { name: m.name }), !canEdit);
    if (!m.title) title.prepend(h("option", { value: "", text: t(`role.${m.role}`), selected: "" }));
    title.value = m.title || "";
    const save = () => {
      if (!name.value.trim()) return name.focus();
      if (name.value === m.name && position.value === m.position && title.value === (m.title || "")) return;
      if (!title.value) return title.focus();
      this.send("update_member", { member: m.id, name: name.value, position: position.value, title: title.value });
    };
    for (const input of [name, position]) {
      input.addEventListener("change", save);
      input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); save(); } });
    }
    title.addEventListener("change", save);
    const remove = h("button", {
      type: "button", class: "btn small", "data-role": "remove", text: t("members.remove"),
      "aria-label": `${t("members.remove")}: ${m.name}`, disabled: canRemove && m.id !== this.me ? null : "",
      onclick: () => { if (window.confirm(t("members.remove_confirm", { name: m.name }))) this.send("remove_member", { member: m.id }); },
    });
    const record = s.attendance.find((a) => a.member === m.id);
    return h("li", { "data-member": m.id }, name, position, title,
      h("span", { class: "muted small", text: t(`att.${record ? record.status : "expected"}`) }), remove);
  }

  async add() {
    if (!this.name.value.trim()) return this.name.focus();
    const select = this.titleSlot.firstChild;
    const done = await this.send("add_member", {
      member: newId(), name: this.name.value, position: this.position.value, title: select.value,
    });
    if (done) { this.name.value = ""; this.position.value = ""; }
    this.name.focus();
  }
}
