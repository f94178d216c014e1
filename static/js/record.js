// The frozen record on the organisers' pages (issue 17 items 9-11; docs/protocol.md, "The record
// is the record"): what the attendance page says after the close and after the adoption, and the
// attendance corrections the minutes page lists. No I/O here: the state drawn as it is.

import { formatClock, t } from "./i18n.js";
import { h } from "./ui.js";

/** "adopted": nothing changes; "correcting": closed, a change is a correction; null: the meeting runs. */
export function recordState(s) {
  if (s.status !== "closed") return null;
  return s.minutes.status === "adopted" ? "adopted" : "correcting";
}

/** The attendance page's banner for the record's state, or null. */
export function recordBanner(s) {
  const state = recordState(s);
  if (!state) return null;
  return h("p", { class: `record-banner ${state}`, role: "status", "data-testid": `record-${state}`,
    text: t(state === "adopted" ? "record.frozen" : "record.correcting") });
}

/** One correction as a line: what changed, who corrected it, when. */
export function correctionLine(s, c) {
  const nameOf = (id) => (s.members.find((m) => m.id === id) || { name: id }).name;
  const member = nameOf(c.member);
  let what;
  if (c.kind === "attendance") what = t(`record.${c.status || "present"}`, { member });
  else if (c.kind === "substitute") what = t(c.name ? "record.substitute" : "record.no_substitute", { name: c.name, member });
  else what = t("record.guest", { name: c.name || member });
  return `${what} ${t("record.by", { by: nameOf(c.by), when: formatClock(c.at) })}`;
}

/** The minutes page's list of the attendance corrected after the close, or null when there is none. */
export function correctionsBox(s) {
  const list = s.minutes.attendance_corrections || [];
  if (!list.length) return null;
  return h("section", { class: "record-corrections", "data-testid": "attendance-corrections" },
    h("h3", { text: t("record.corrections") }),
    h("ul", {}, ...list.map((c) => h("li", { text: correctionLine(s, c) }))));
}

/** Why the previous minutes are not certified here, or null when they may be. */
export function previousAdopted(s) {
  if (s.minutes.previous_adopted_at == null) return null;
  return h("p", { class: "record-banner adopted", "data-testid": "previous-adopted",
    text: t(s.minutes.previous_adopted_by ? "record.previous_adopted_by" : "record.previous_adopted") });
}
