// The tablet's part in decisions: the ballot over the page while a vote is open, the result
// when it closes, and the member's own actions: declaring a conflict of interest on the item
// and leaving the meeting. docs/protocol.md sections 6, 8 and 14.7.

import { agendaLabel, errorText, t } from "./i18n.js";
import { can } from "./offers.js";
import { hasConflict, openVote } from "./state.js";
import { fill, h, toast } from "./ui.js";
import { Ballot, resultView } from "./votes.js";

function refused(err) {
  if (err && err.code !== "superseded") toast(errorText(err.code, err.message), "error", 6000);
}

export function mountVoting(client, { layer, menuButton, menu }) {
  const ballot = new Ballot(client);
  const dismissed = new Set(); // results this tablet has put away
  const seenOpen = new Set(); // votes that were open while this page ran
  let key = null;

  function drawLayer() {
    const s = client.state;
    if (!s) return;
    const vote = openVote(s);
    if (vote) seenOpen.add(vote.id);
    const last = [...s.votes].reverse().find((v) => v.status === "closed" && seenOpen.has(v.id) && !dismissed.has(v.id));
    const next = JSON.stringify([vote, last, client.memberId, document.documentElement.lang]);
    if (next === key) return;
    key = next;
    if (vote) {
      ballot.draw();
      layer.hidden = false;
      fill(layer, h("div", { class: "vote-card" }, ballot.el));
    } else if (last) {
      layer.hidden = false;
      fill(layer, h("div", { class: "vote-card" },
        resultView(s, last),
        h("button", { class: "btn big", type: "button", text: t("vote.dismiss"), onclick: () => { dismissed.add(last.id); drawLayer(); } })));
    } else {
      layer.hidden = true;
      fill(layer);
    }
  }

  // -- the member's menu: conflict of interest, leaving ------------------------------------------
  let left = false;

  function drawMenu() {
    const s = client.state;
    if (!s) return;
    const me = client.memberId;
    const item = s.agenda.find((i) => i.id === s.current_item) || null;
    const member = s.members.find((m) => m.id === me);
    const parts = [];
    if (item && member && member.role !== "guest") {
      if (hasConflict(s, me, item.id)) {
        // Declared: said so; withdrawn only while the rules allow it (rooms/offers.py).
        parts.push(h("p", { class: "small", text: `${agendaLabel(item)}: ${t("conflict.declared")}` }));
        if (can(s, "withdraw_conflict")) {
          parts.push(h("button", { class: "btn", type: "button", text: t("conflict.withdraw"),
            onclick: () => client.withdrawConflict(item.id).then(close, refused) }));
        }
      } else if (can(s, "declare_conflict")) {
        const hide = h("input", { type: "checkbox", "data-testid": "conflict-hide" });
        parts.push(h("p", { class: "small strong", text: agendaLabel(item) }),
          h("label", { class: "check" }, hide, h("span", { text: t("conflict.hide") })),
          h("button", { class: "btn", type: "button", "data-testid": "conflict-declare", text: t("conflict.declare"), onclick: () => {
            if (!confirm(t("conflict.confirm", { n: item.number }))) return;
            client.declareConflict(item.id, { hideDocuments: hide.checked }).then(close, refused);
          } }));
      }
    }
    // The member's own papers with their ink, to take home (docs/protocol.md section 14.8).
    parts.push(h("hr"), h("a", {
      class: "btn", href: client.apiUrl("/my-annotations.pdf"), download: "", "data-testid": "my-annotations",
      text: t("ink.download"), onclick: () => close(),
    }), h("a", {
      // This member's devices: add one (a one-time link), sign one out (docs/protocol.md 14.11).
      class: "btn", href: `/m/${encodeURIComponent(client.meetingId || s.id)}/devices`, "data-testid": "my-devices",
      text: t("devices.open"),
    }));
    if (left || can(s, "leave_meeting")) parts.push(h("hr"), left
      ? h("button", { class: "btn primary", type: "button", text: t("leave.rejoin"), onclick: () => { left = false; client.start(); close(); } })
      : h("button", { class: "btn danger", type: "button", "data-testid": "leave", text: t("leave"), onclick: () => {
        if (!confirm(t("leave.confirm"))) return;
        client.leaveMeeting().then(() => {
          left = true;
          client.stop(); // a new join would check this member in again: only when they come back
          toast(t("leave.done"), "info", 8000);
          close();
        }, refused);
      } }));
    fill(menu, ...parts);
  }

  function close() {
    menu.hidden = true;
    menuButton.setAttribute("aria-expanded", "false");
  }

  menuButton.addEventListener("click", () => {
    const open = menu.hidden;
    if (open) drawMenu();
    menu.hidden = !open;
    menuButton.setAttribute("aria-expanded", String(open));
  });
  client.addEventListener("state", () => { drawLayer(); if (!menu.hidden) drawMenu(); });
  document.addEventListener("langchange", () => { key = null; drawLayer(); });
}
