// The secretary's attendance record on the presenter page: every member's status with arrival
// and departure times, substitutes, absences with their reason, guests, the quorum rule,
// conflicts of interest, and the CSV exports. docs/protocol.md sections 6, 8 and 14.7.

import { agendaLabel, errorText, formatClock, shown, t } from "./i18n.js";
import { recordBanner, recordState } from "./record.js";
import { can, phase } from "./offers.js";
import { quorumOf } from "./state.js";
import { fill, h, toast } from "./ui.js";

const STATUSES = ["present", "departed", "absent", "expected"];

function refused(err) {
  if (err && err.code !== "superseded") toast(errorText(err.code, err.message), "error", 6000);
}

export class AttendancePanel {
  constructor(client, { meeting }) {
    this.client = client;
    this.meeting = meeting;
    this.el = h("div", { class: "attendance", "data-testid": "attendance" });
  }

  draw() {
    const s = this.client.state;
    if (!s) return fill(this.el);
    const key = JSON.stringify([s.members, s.attendance, s.conflicts, s.quorum, s.current_item, s.status, s.minutes.status,
      document.documentElement.lang, phase(s)]);
    if (key === this.key) return;
    this.key = key;
    const q = quorumOf(s);
    const count = (status) => s.attendance.filter((a) => a.status === status).length;
    const rows = s.members.map((m) => this.row(s, m, s.attendance.find((a) => a.member === m.id)));
    fill(this.el,
      h("div", { class: "att-head" },
        h("p", { class: `quorum-line ${q.met ? "ok" : "warn"}`, text: t(q.met ? "quorum.met" : "quorum.not_met", { p: q.present, r: q.required }) }),
        h("p", { class: "muted small", text: t("att.summary", { p: count("present"), a: count("absent"), e: count("expected") }) }),
        recordBanner(s)),
      h("table", { class: "att-table" }, h("tbody", {}, ...rows)),
      this.tools(s));
  }

  row(s, member, a) {
    // The record is the record: after the adoption nothing here changes (the banner says why); after
    // the close a change is a correction, and conflicts of interest are over.
    const frozen = recordState(s) === "adopted" || null;
    const when = [];
    if (a.arrived_at) when.push(t("att.arrived", { time: formatClock(a.arrived_at) }));
    if (a.departed_at) when.push(t("att.left", { time: formatClock(a.departed_at) }));
    const conflicts = s.conflicts.filter((c) => c.member === member.id)
      .map((c) => t("att.conflict_on", { n: (s.agenda.find((i) => i.id === c.item) || { number: "?" }).number }));
    const status = h("select", { "aria-label": member.name, "data-member": member.id, class: "att-status", disabled: frozen || !can(s, "record_attendance") || null },
      ...STATUSES.map((st) => h("option", { value: st, text: t(`att.${st}`), selected: a.status === st || null })));
    status.addEventListener("change", () => {
      const extra = {};
      if (status.value === "absent") {
        const reason = prompt(t("att.reason_prompt"), a.reason || "");
        if (reason == null) { this.key = null; return this.draw(); } // cancelled: show the status as it is
        extra.reason = reason;
      }
      this.client.recordAttendance(member.id, status.value, extra).catch(refused);
    });
    const substitute = !can(s, "set_substitute") && !frozen ? null : h("button", { class: "btn small ghost", type: "button", text: t("att.substitute"), disabled: frozen, onclick: () => {
      const name = prompt(t("att.substitute_name"), a.substitute ? a.substitute.name : "");
      if (name == null) return;
      const position = name ? prompt(t("att.substitute_position"), a.substitute ? a.substitute.position : "") || "" : "";
      this.client.setSubstitute(member.id, name.trim(), position.trim()).catch(refused);
    } });
    const confirmButton = a.status === "present" && !a.confirmed && (can(s, "record_attendance") || frozen)
      ? h("button", { class: "btn small", type: "button", title: t("att.unconfirmed"), text: t("att.confirm"), disabled: frozen,
        onclick: () => this.client.recordAttendance(member.id, "present").catch(refused) })
      : null;
    return h("tr", { class: `att-row status-${a.status}`, "data-member": member.id },
      h("td", { class: "att-who" },
        h("span", { class: "att-name", text: a.substitute ? t("att.substitute_for", { name: a.substitute.name }) : member.name }),
        h("span", { class: "att-pos", text: a.substitute ? `${member.name} · ${member.position}` : member.position }),
        h("span", { class: "att-tags", text: [t(`role.${member.role}`), member.voting ? "" : t("att.no_vote"), ...conflicts].filter(Boolean).join(" · ") })),
      h("td", { class: "att-when" }, h("span", { text: when.join(" · ") }),
        a.status === "absent" && a.reason ? h("span", { class: "att-reason", text: a.reason }) : null),
      h("td", {}, h("div", { class: "att-actions" }, status, confirmButton, substitute,
        s.current_item && can(s, "declare_conflict") ? h("button", { class: "btn small ghost", type: "button", title: t("att.record_conflict"), text: t("att.conflict"),
          onclick: () => {
            const item = s.agenda.find((i) => i.id === s.current_item);
            if (confirm(`${shown(member.name)}: ${t("att.conflict_on", { n: item ? item.number : "" })}?`)) {
              this.client.declareConflict(s.current_item, { member: member.id }).catch(refused);
            }
          } }) : null)));
  }

  tools(s) {
    const frozen = recordState(s) === "adopted" || null;
    const name = h("input", { type: "text", maxlength: "500", placeholder: t("att.guest_name"), disabled: frozen });
    const position = h("input", { type: "text", maxlength: "500", placeholder: t("att.guest_position"), disabled: frozen });
    const guest = h("form", { class: "att-guest" }, name, position,
      h("button", { class: "btn", type: "submit", text: t("att.add_guest"), disabled: frozen, title: frozen && t("record.frozen") }));
    guest.addEventListener("submit", (e) => {
      e.preventDefault();
      if (!name.value.trim()) return;
      this.client.addGuest(name.value.trim(), position.value.trim()).then(() => { name.value = ""; position.value = ""; }, refused);
    });
    const rule = s.quorum;
    const current = rule.count != null ? "count" : rule.num * 3 === rule.den * 2 ? "two_thirds" : "half";
    const kind = h("select", { "data-testid": "quorum-rule" },
      ...["half", "two_thirds", "count"].map((k) => h("option", { value: k, text: t(`att.quorum_${k}`), selected: k === current || null })));
    const number = h("input", { type: "number", min: "1", value: String(rule.count || rule.required), class: "num" });
    const apply = h("button", { class: "btn", type: "button", text: t("att.confirm"), onclick: () => {
      const value = kind.value === "count" ? { count: Number(number.value) } : kind.value === "two_thirds" ? { num: 2, den: 3 } : { num: 1, den: 2 };
      this.client.setQuorum(value).catch(refused);
    } });
    const base = `/api/meetings/${encodeURIComponent(this.meeting)}`;
    return h("div", { class: "att-tools" },
      can(s, "add_guest") || frozen ? guest : null,
      can(s, "set_quorum") ? h("div", { class: "att-quorum" }, h("span", { text: t("att.quorum_rule") }), kind, number, apply) : null,
      h("div", { class: "att-export" },
        h("a", { class: "btn ghost", href: `${base}/attendance.csv`, download: "", text: t("att.export_attendance") }),
        h("a", { class: "btn ghost", href: `${base}/connections.csv`, download: "", text: t("att.export_connections") })),
      s.current_item ? h("p", { class: "muted small", text: agendaLabel(s.agenda.find((i) => i.id === s.current_item)) }) : null);
  }
}
