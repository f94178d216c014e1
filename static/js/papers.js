// The organisers' controls for one paper (issue 17 item 7), on the chair's and the secretary's
// page: rename, move to another item, reorder within its item, replace with a new version, and
// remove (docs/protocol.md: rename_document, move_document, remove_document, and an upload with
// `replaces`). Each button is there only when the rules allow it now (offers.js).

import { agendaLabel, errorText, shown, t } from "./i18n.js";
import { can } from "./offers.js";
import { h, fill, toast } from "./ui.js";

/**
 * A dialog for one paper. `onReplace(file, doc)` uploads `file` as the new version of `doc`
 * (the page's upload jobs show its progress). Returns {open(docId), draw()}: draw() again on
 * every state change, so another device's change shows while it is open.
 */
export function mountPaperDialog(client, { onReplace, accept = "" }) {
  const dialog = h("dialog", { class: "sheet-dialog paper-dialog", "aria-labelledby": "paper-heading", dataset: { testid: "paper-dialog" } });
  document.body.append(dialog);
  let docId = null;
  let titleDraft = null; // what is being typed survives a redraw

  const done = (promise) => promise.then(() => toast(t("paper.done"), "info", 2000),
    (err) => toast(errorText(err.code, err.message), "error"));

  function draw() {
    const s = client.state;
    const doc = docId ? client.doc(docId) : null;
    if (!dialog.open) return;
    if (!s || !doc || doc.superseded_by != null) { dialog.close(); return; } // removed or replaced meanwhile
    const siblings = client.documentsOf(doc.item);
    const at = siblings.findIndex((d) => d.id === doc.id);
    const titleInput = h("input", { type: "text", maxlength: "500", dataset: { testid: "paper-title" } });
    titleInput.value = titleDraft ?? doc.title; // as typed: never through shown()
    titleInput.addEventListener("input", () => { titleDraft = titleInput.value; });
    const itemSelect = h("select", { dataset: { testid: "paper-item" } },
      ...s.agenda.map((i) => h("option", { value: i.id, text: `${agendaLabel(i)} ${shown(i.title)}`, selected: i.id === doc.item })));
    const file = h("input", { type: "file", accept, dataset: { testid: "paper-replace-file" } });
    file.addEventListener("change", () => {
      if (!file.files.length) return;
      onReplace(file.files[0], doc);
      dialog.close();
    });
    const move = (item, index) => done(client.moveDocument(doc.id, item, index));
    const canRename = can(s, "rename_document");
    const canMove = can(s, "move_document");
    fill(dialog,
      h("div", { class: "dialog-head" },
        h("h2", { id: "paper-heading", text: `${t("paper.heading")}: ${shown(doc.title)}` }),
        h("button", { type: "button", class: "btn ghost", text: t("paper.close"), onclick: () => dialog.close() })),
      doc.version > 1 ? h("p", { class: "muted small", text: t("version.badge", { v: doc.version }) }) : null,
      canRename ? h("form", { class: "paper-row", onsubmit: (e) => {
        e.preventDefault();
        const title = titleInput.value;
        if (!title.trim()) return;
        titleDraft = null;
        done(client.renameDocument(doc.id, title));
      } }, h("label", { class: "field" }, h("span", { text: t("paper.title") }), titleInput),
      h("button", { type: "submit", class: "btn", dataset: { testid: "paper-rename" }, text: t("paper.rename") })) : null,
      canMove ? h("div", { class: "paper-row" },
        h("button", { type: "button", class: "btn", disabled: at <= 0, dataset: { testid: "paper-up" }, text: t("paper.up"), onclick: () => move(doc.item, at - 1) }),
        h("button", { type: "button", class: "btn", disabled: at >= siblings.length - 1, dataset: { testid: "paper-down" }, text: t("paper.down"), onclick: () => move(doc.item, at + 1) })) : null,
      canMove ? h("div", { class: "paper-row" },
        h("label", { class: "field" }, h("span", { text: t("paper.item") }), itemSelect),
        h("button", { type: "button", class: "btn", dataset: { testid: "paper-move" }, text: t("paper.move"),
          onclick: () => { if (itemSelect.value !== doc.item) move(itemSelect.value, 2147483647); } })) : null,
      can(s, "add_document") ? h("div", { class: "paper-row" },
        h("label", { class: "btn file-btn" }, file, h("span", { text: t("paper.replace") }))) : null,
      can(s, "remove_document") ? h("div", { class: "paper-row" },
        h("button", { type: "button", class: "btn danger", dataset: { testid: "paper-remove" }, text: t("paper.remove"), onclick: () => {
          if (!window.confirm(t("paper.remove_confirm", { title: doc.title }))) return;
          done(client.removeDocument(doc.id));
          dialog.close();
        } })) : null);
  }

  return {
    open(id) {
      docId = id;
      titleDraft = null;
      if (!dialog.open) dialog.showModal();
      draw();
    },
    draw,
  };
}
