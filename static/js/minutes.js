// The secretary's minutes editor (docs/protocol.md, "Minutes"): item by item, the discussion,
// dissent, the resolution and action items, saved while they type. Every save names the item's
// version it was written on; when someone else changed the same text meanwhile, both texts are
// shown and the secretary chooses: nothing is lost silently.

import { MeetingClient } from "./client.js";
import { can } from "./offers.js";
import { agendaLabel, applyI18n, errorText, t } from "./i18n.js";
import { correctionsBox, previousAdopted } from "./record.js";
import { bootData, connectionBadge, fill, h, langButton, scheduler, toast } from "./ui.js";

const SAVE_AFTER = 1200; // ms after the last keystroke
const FIELDS = ["notes", "dissent", "resolution"];

const boot = bootData();
const client = new MeetingClient({ meeting: boot.meeting, member: boot.member }); // the cookie says who: no token here
const isChair = boot.role === "chair";
const $ = (id) => document.getElementById(id);
$("conn-slot").replaceWith(connectionBadge(client));
$("lang-slot").replaceWith(langButton());

let current = null; // the agenda item being edited
const editors = new Map(); // "item:field" -> Editor

const itemOf = (id) => (client.state ? client.state.minutes.items.find((i) => i.item === id) : null);
const version = (id) => (itemOf(id) || { version: 0 }).version;
const serverText = (id, field) => (itemOf(id) || {})[field] || "";

/** One text of one item: what the server has, what is typed, the save in flight, a conflict. */
class Editor {
  constructor(item, field) {
    this.item = item;
    this.field = field;
    this.base = serverText(item, field); // the server's text this typing started from
    this.saving = false;
    this.timer = null;
    this.conflict = null; // the other person's text, while the secretary chooses
    this.area = h("textarea", {
      rows: field === "notes" ? 10 : 4, maxlength: 20000, "data-testid": `minutes-${field}`,
      oninput: () => this.typed(),
    });
    this.area.value = this.base;
    this.panel = h("div", { class: "conflict", hidden: true, "data-testid": `conflict-${field}` });
  }

  get dirty() { return this.area.value !== this.base; }

  typed() {
    clearTimeout(this.timer);
    showSaveState();
    if (!this.conflict) this.timer = setTimeout(() => this.save(), SAVE_AFTER);
  }

  /** The server's text changed: follow it when nothing is typed here, else keep the typing. */
  refresh() {
    const theirs = serverText(this.item, this.field);
    if (!this.dirty && !this.saving && !this.conflict && theirs !== this.base) {
      this.base = theirs;
      this.area.value = theirs; // the other secretary's text, live
    }
  }

  async save({ force = false } = {}) {
    clearTimeout(this.timer);
    if (this.saving || (!this.dirty && !force) || (this.conflict && !force)) return;
    const text = this.area.value;
    const theirs = serverText(this.item, this.field);
    if (theirs !== this.base && !force) return this.showConflict(theirs); // changed by someone else
    this.saving = true;
    showSaveState();
    const tried = version(this.item);
    try {
      await client.command("edit_minutes", { item: this.item, field: this.field, text, base: tried });
      this.base = text;
      this.conflict = null;
      this.panel.hidden = true;
    } catch (err) {
      if (err.code === "edit_conflict") {
        // Someone changed this item meanwhile (their event may come just after this refusal).
        // If it was not this text, save again on the new version.
        await newerThan(this.item, tried);
        const now = serverText(this.item, this.field);
        if (now === this.base) { this.saving = false; return this.save(); }
        this.showConflict(now);
      } else if (err.code !== "superseded") {
        toast(errorText(err.code, err.message), "error");
      }
    } finally {
      this.saving = false;
      showSaveState();
    }
    if (this.dirty && !this.conflict) this.timer = setTimeout(() => this.save(), SAVE_AFTER);
    return undefined;
  }

  showConflict(theirs) {
    this.conflict = theirs;
    const mine = h("button", { type: "button", class: "btn primary", "data-testid": "keep-mine", text: t("minutes.keep_mine"),
      onclick: () => { this.base = serverText(this.item, this.field); this.conflict = null; this.save({ force: true }); } });
    const take = h("button", { type: "button", class: "btn", "data-testid": "take-theirs", text: t("minutes.take_theirs"),
      onclick: () => {
        this.base = serverText(this.item, this.field);
        this.area.value = this.base;
        this.conflict = null;
        this.panel.hidden = true;
        showSaveState();
      } });
    fill(this.panel,
      h("p", { class: "strong", text: t("minutes.conflict") }),
      h("div", { class: "conflict-texts" },
        h("div", {}, h("p", { class: "small", text: t("minutes.theirs") }), h("pre", { "data-testid": "theirs", text: theirs })),
        h("div", {}, h("p", { class: "small", text: t("minutes.mine") }), h("pre", { text: this.area.value }))),
      h("p", { class: "small muted", text: t("minutes.conflict_help") }),
      h("div", { class: "dialog-actions" }, take, mine));
    this.panel.hidden = false;
    showSaveState();
  }
}

/** Resolves once the item's version is past `seen` (the change that refused a save), or after 5 s. */
function newerThan(item, seen) {
  return new Promise((resolve) => {
    const check = () => {
      if (version(item) === seen) return;
      client.removeEventListener("state", check);
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => { client.removeEventListener("state", check); resolve(); }, 5000);
    client.addEventListener("state", check);
    check();
  });
}

function editorFor(item, field) {
  const key = `${item}:${field}`;
  if (!editors.has(key)) editors.set(key, new Editor(item, field));
  return editors.get(key);
}

function showSaveState() {
  const all = [...editors.values()];
  const state = all.some((e) => e.conflict) ? "conflict" : all.some((e) => e.saving) ? "saving"
    : all.some((e) => e.dirty) ? "unsaved" : "saved";
  const el = $("save-state");
  el.textContent = t(`minutes.${state}`);
  el.dataset.state = state;
}

/** Save everything typed now (tests, and the moment the page is left). */
async function flush() {
  await Promise.all([...editors.values()].map((e) => e.save()));
}

window.addEventListener("beforeunload", (e) => {
  if ([...editors.values()].some((x) => x.dirty)) { flush(); e.preventDefault(); }
});

// -- drawing ----------------------------------------------------------------------------------

const draw = scheduler(render);

function render() {
  const s = client.state;
  if (!s) return;
  const m = s.minutes;
  if (!current || !s.agenda.some((i) => i.id === current)) current = s.current_item || s.agenda[0].id;
  const status = $("minutes-status");
  status.textContent = t(`minutes.status.${m.status}`);
  status.className = `badge minutes-${m.status}`;
  const closed = s.status === "closed";
  $("circulate").hidden = !(closed && m.status === "draft" && can(s, "circulate_minutes"));
  $("sign").hidden = !(closed && m.status !== "draft" && can(s, "sign_minutes") && !m.signatures.some((x) => x.member === client.memberId));
  $("adopt").hidden = !(isChair && m.status === "circulated" && can(s, "adopt_minutes"));
  fill($("minutes-items"), ...s.agenda.map((item) => {
    const has = itemOf(item.id);
    return h("li", { class: `${item.id === current ? "active" : ""}${item.parent ? " sub" : ""}` },
      h("button", { type: "button", onclick: () => { current = item.id; draw(); } },
        h("span", { class: "num", text: agendaLabel(item) }), h("span", { class: "title", text: item.title }),
        has && (has.notes || has.resolution) ? h("span", { class: "dot", "aria-hidden": "true" }) : null));
  }));
  for (const editor of editors.values()) editor.refresh();
  renderItem(s, s.agenda.find((i) => i.id === current));
  fill($("record-notes"), correctionsBox(s)); // the attendance corrected after the close (record.js), above every item
  showSaveState();
}

let shownItem = null;

function renderItem(s, item) {
  const main = $("minutes-main");
  const adopted = s.minutes.status === "adopted";
  if (shownItem !== item.id) {
    shownItem = item.id;
    const parts = [h("div", { id: "record-notes" }), h("h2", { text: `${agendaLabel(item)}  ${item.title}` })];
    for (const field of FIELDS) {
      const editor = editorFor(item.id, field);
      parts.push(h("label", { class: "field-label", text: t(`minutes.${field}`) }), editor.area, editor.panel);
    }
    parts.push(h("p", { class: "small muted", text: t("minutes.markup") }));
    parts.push(h("div", { id: "item-extra" }));
    fill(main, ...parts);
  }
  for (const field of FIELDS) editorFor(item.id, field).area.readOnly = adopted;
  renderExtra(s, item, adopted);
}

function renderExtra(s, item, adopted) {
  const extra = $("item-extra");
  const votes = s.votes.filter((v) => v.item === item.id && v.result);
  const mine = itemOf(item.id) || { actions: [] };
  const parts = [];
  if (votes.length) {
    parts.push(h("h3", { text: t("minutes.votes") }),
      ...votes.map((v) => h("p", { class: "vote-sentence", text: v.result.sentence[document.documentElement.lang === "en" ? "en" : "th"] })));
  }
  if (item.kind === "carried" && s.minutes.carried.length) {
    parts.push(h("h3", { text: t("minutes.carried") }), actionTable(s.minutes.carried, null));
  }
  if (item.kind === "previous_minutes" && s.minutes.previous) parts.push(certifyBox(s));
  parts.push(h("h3", { text: t("minutes.actions") }), actionTable(mine.actions, adopted ? null : item.id));
  if (!adopted) parts.push(actionForm(item.id));
  fill(extra, ...parts);
}

function actionTable(actions, item) {
  if (!actions.length) return h("p", { class: "muted small", text: t("minutes.no_actions") });
  return h("table", { class: "actions", "data-testid": "actions" },
    h("thead", {}, h("tr", {}, ...["who", "what", "due"].map((k) => h("th", { text: t(`minutes.${k}`) })), item ? h("th") : null)),
    h("tbody", {}, ...actions.map((a) => h("tr", {},
      h("td", { text: a.who }), h("td", { text: a.what }), h("td", { text: a.due || "-" }),
      item ? h("td", {}, h("button", { type: "button", class: "btn ghost small", text: t("minutes.remove"),
        onclick: () => client.command("remove_action", { item, action: a.id, base: version(item) }).catch(refused) })) : null))));
}

function actionForm(item) {
  const who = h("input", { placeholder: t("minutes.who"), maxlength: 500, "data-testid": "action-who" });
  const what = h("input", { placeholder: t("minutes.what"), maxlength: 2000, "data-testid": "action-what" });
  const due = h("input", { type: "date", "data-testid": "action-due" });
  const add = h("button", { type: "submit", class: "btn", text: t("minutes.add_action"), "data-testid": "action-add" });
  return h("form", { class: "action-form", onsubmit: (e) => {
    e.preventDefault();
    if (!who.value.trim() || !what.value.trim()) return;
    const action = { id: `a-${client.idPrefix}-${Date.now().toString(36)}`, who: who.value.trim(), what: what.value.trim(), due: due.value };
    client.command("set_action", { item, action, base: version(item) }).then(() => { who.value = ""; what.value = ""; due.value = ""; }, refused);
  } }, who, what, due, add);
}

function certifyBox(s) {
  const corrections = h("textarea", { rows: 2, maxlength: 20000, placeholder: t("minutes.corrections"), "data-testid": "corrections" });
  const shown = s.agenda.find((i) => i.id === s.current_item);
  const can = isChair && s.status === "open" && shown && shown.kind === "previous_minutes";
  const elsewhere = previousAdopted(s); // adopted by circulation: not certified again
  if (s.minutes.certified == null && elsewhere) return h("div", { class: "certify" }, h("h3", { text: t("minutes.certify_title") }), elsewhere);
  return h("div", { class: "certify" },
    h("h3", { text: t("minutes.certify_title") }),
    s.minutes.certified != null
      ? h("p", { "data-testid": "certified", text: s.minutes.certified ? `${t("minutes.certified_with")} ${s.minutes.certified}` : t("minutes.certified") })
      : h("div", {}, corrections,
        h("button", { type: "button", class: "btn primary", disabled: !can, "data-testid": "certify", text: t("minutes.certify"),
          onclick: () => client.command("certify_minutes", { corrections: corrections.value }).catch(refused) }),
        can ? null : h("p", { class: "small muted", text: t("minutes.certify_when") })));
}

function downloads() {
  const digits = h("input", { type: "checkbox", "data-testid": "thai-digits" });
  const link = (format, lang) => h("button", { type: "button", class: "btn ghost", "data-testid": `download-${format}-${lang}`,
    text: t(`minutes.as_${format}`) + (lang === "en" ? " (English)" : ""),
    onclick: async () => {
      await flush();
      const url = client.apiUrl(`/minutes.${format}?lang=${lang}${digits.checked ? "&digits=1" : ""}`);
      const a = h("a", { href: url, download: "" });
      document.body.append(a);
      a.click();
      a.remove();
    } });
  fill($("download-menu"),
    ...["th", "en"].flatMap((lang) => ["pdf", "docx", "md"].map((f) => link(f, lang))),
    h("label", { class: "check" }, digits, h("span", { text: t("minutes.thai_digits") })));
}

function refused(err) {
  if (err && err.code !== "superseded") toast(errorText(err.code, err.message), "error");
}

$("circulate").addEventListener("click", async () => {
  await flush();
  if (confirm(t("minutes.circulate_confirm"))) client.command("circulate_minutes").catch(refused);
});
$("sign").addEventListener("click", async () => {
  await flush();
  if (confirm(t("minutes.sign_confirm", { name: boot.name }))) client.command("sign_minutes").catch(refused);
});
$("adopt").addEventListener("click", () => {
  const corrections = prompt(t("minutes.adopt_prompt"), "");
  if (corrections !== null) client.command("adopt_minutes", { corrections }).catch(refused);
});

client.addEventListener("state", draw);
document.addEventListener("langchange", () => { applyI18n(document); shownItem = null; downloads(); draw(); });
applyI18n(document);
downloads();
client.start();
window.emeeting = { client, flush, editor: (item, field) => editorFor(item, field) };
