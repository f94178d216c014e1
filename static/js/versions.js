// A paper replaced by a new version, on a tablet (issue 17 item 7; docs/protocol.md,
// document_replaced): the member's ink stays on the version it was written on, so the tablet
// says a new version exists, and keeps the earlier one a click away for a member with ink on it.

import { t } from "./i18n.js";
import { h, fill, toast } from "./ui.js";

/** Whether the member has ink or notes on document `id` (`mine`: their PrivateInk). */
export function hasInk(mine, id) {
  return [...mine.strokes.values()].some((s) => s.document === id) || [...mine.notes.values()].some((n) => n.document === id);
}

/** The earlier versions of `doc` that carry the member's ink, newest first. */
export function inkedEarlier(client, mine, doc) {
  return doc ? client.earlierVersions(doc.id).filter((d) => hasInk(mine, d.id)) : [];
}

/**
 * The notice over the page: `el` shows, for the document being read, that it is an earlier
 * version (with a way to the new one), or that the member's notes are on an earlier version
 * (with a way to it). `open(docId)` opens a document on the member's own.
 */
export function mountVersionNote(client, mine, el, open) {
  client.addEventListener("event", (e) => {
    const event = e.detail.event;
    if (event.type === "document_replaced" && hasInk(mine, event.replaces)) {
      toast(t("version.replaced_toast", { title: event.title }), "info", 8000);
    }
  });
  return function render(doc) {
    if (doc && doc.superseded_by != null) {
      const latest = client.inForce(doc.id);
      fill(el, h("span", { text: t("version.old_here", { v: doc.version || 1 }) }),
        latest && latest.id !== doc.id
          ? h("button", { type: "button", class: "btn small", dataset: { testid: "open-new-version" }, onclick: () => open(latest.id), text: t("version.open_new") })
          : null);
      el.hidden = false;
      return;
    }
    const [earlier] = inkedEarlier(client, mine, doc);
    if (earlier) {
      fill(el, h("span", { text: t("version.ink_on_old") }),
        h("button", { type: "button", class: "btn small", dataset: { testid: "open-old-version" }, onclick: () => open(earlier.id), text: t("version.open_old") }));
      el.hidden = false;
      return;
    }
    el.hidden = true;
  };
}
