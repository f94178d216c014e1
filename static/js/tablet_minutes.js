// The minutes on a member's or a guest's tablet: read-only, and only once circulated. Until
// then the server sends no draft text to this device (docs/protocol.md section 6, "Minutes"),
// and the tablet says that the minutes will be readable once the secretary circulates them.

import { agendaLabel, t } from "./i18n.js";
import { correctionsBox } from "./record.js";
import { fill, h, toast } from "./ui.js";

const FIELDS = ["notes", "dissent", "resolution"];

export function mountMinutes(client, { button, dialog }) {
  let wasDraft = null;

  function itemView(s, entry) {
    const item = s.agenda.find((i) => i.id === entry.item);
    const texts = FIELDS.filter((f) => entry[f]).map((f) =>
      h("section", { class: "minutes-field" },
        h("h4", { text: t(`minutes.${f}`) }),
        h("p", { class: "minutes-text", dir: "auto", text: entry[f] })));
    const actions = entry.actions.length
      ? h("section", { class: "minutes-field" }, h("h4", { text: t("minutes.actions") }),
        h("ul", {}, entry.actions.map((a) => h("li", { dir: "auto", text: `${a.what} · ${a.who}${a.due ? ` · ${a.due}` : ""}` }))))
      : null;
    return h("article", { class: "minutes-item", "data-testid": `tablet-minutes-${entry.item}` },
      h("h3", { dir: "auto", text: item ? `${agendaLabel(item)} ${item.title}` : entry.item }), texts, actions);
  }

  function draw() {
    const s = client.state;
    if (!s) return;
    const m = s.minutes;
    const head = h("div", { class: "minutes-dialog-head" },
      h("h2", { id: "tablet-minutes-heading", text: t("minutes.open") }),
      h("span", { class: `badge minutes-${m.status}`, "data-testid": "tablet-minutes-status", text: t(`minutes.status.${m.status}`) }));
    const close = h("button", { class: "btn", type: "button", text: t("tablet.close"), onclick: () => dialog.close() });
    if (m.status === "draft") {
      fill(dialog, head, h("p", { class: "minutes-waiting", "data-testid": "tablet-minutes-waiting", text: t("minutes.not_circulated") }), close);
      return;
    }
    // In the agenda's order; an item nobody wrote anything for is left out.
    const entries = s.agenda.map((i) => m.items.find((e) => e.item === i.id)).filter(Boolean);
    const body = entries.length ? entries.map((e) => itemView(s, e)) : [h("p", { text: t("minutes.empty") })];
    const link = (format) => h("a", { class: "btn ghost", href: client.apiUrl(`/minutes.${format}?lang=${document.documentElement.lang === "en" ? "en" : "th"}`), download: "", text: t(`minutes.as_${format}`) });
    fill(dialog, head,
      h("p", { class: "small", text: t(m.status === "adopted" ? "minutes.adopted_note" : "minutes.circulated_note") }),
      correctionsBox(s), // the attendance corrected after the close: part of what is circulated
      h("div", { class: "minutes-body", "data-testid": "tablet-minutes-body" }, body),
      h("div", { class: "minutes-dialog-foot" }, h("span", { class: "small", text: t("minutes.download") }), link("pdf"), link("docx"), link("md"), close));
  }

  button.addEventListener("click", () => { draw(); dialog.showModal(); });
  client.addEventListener("state", () => {
    const s = client.state;
    if (!s) return;
    const draft = s.minutes.status === "draft";
    // Circulated while this tablet watched: say so once.
    if (wasDraft === true && !draft) toast(t("minutes.now_circulated"), "info", 8000);
    wasDraft = draft;
    button.classList.toggle("attention", !draft);
    if (dialog.open) draw();
  });
  document.addEventListener("langchange", () => { if (dialog.open) draw(); });
}
