// Votes and the quorum on the pages: the live quorum badge, the ballot (tablet and chair), the
// chair's vote panel, and a vote's result. docs/protocol.md sections 6-8; the state is read with
// the helpers of state.js and changes only through the server's events.

import { can, phase } from "./offers.js";
import { agendaLabel, errorText, t } from "./i18n.js";
import { hasConflict, openVote, quorumOf } from "./state.js";
import { fill, h, toast } from "./ui.js";

// -- words ---------------------------------------------------------------------------------------

/** An option as the reader says it: the default options in the page's language. */
export function optionLabel(option) {
  return option.kind === "option" ? option.label : t(`vote.${option.kind}`);
}

function memberName(state, id) {
  const m = state.members.find((x) => x.id === id);
  return m ? m.name : id;
}

// -- the quorum ----------------------------------------------------------------------------------

/** A badge that shows, live, the voting members present against the quorum. */
export function quorumBadge(client) {
  const el = h("span", { class: "badge quorum", title: t("quorum.title"), "data-testid": "quorum" });
  const draw = () => {
    const s = client.state;
    if (!s) return;
    const q = quorumOf(s);
    el.textContent = t(q.met ? "quorum.met" : "quorum.not_met", { p: q.present, r: q.required });
    el.classList.toggle("ok", q.met);
    el.classList.toggle("warn", !q.met);
    el.dataset.met = String(q.met);
  };
  client.addEventListener("state", draw);
  document.addEventListener("langchange", draw);
  draw();
  return el;
}

// -- nothing of a ballot stays on the device -----------------------------------------------------

/**
 * Remove the secret-ballot receipts that earlier versions kept in localStorage
 * (`emeeting.receipt.<meeting>.<vote>`): with the database they told whoever held a shared
 * tablet what its member chose. The server no longer gives any; nothing is kept in their place.
 */
export function forgetReceipts() {
  try {
    for (let i = localStorage.length - 1; i >= 0; i -= 1) {
      const key = localStorage.key(i);
      if (key && key.startsWith("emeeting.receipt.")) localStorage.removeItem(key);
    }
  } catch { /* storage unavailable: nothing was kept either */ }
}

forgetReceipts();

/** Cast a ballot, or change this member's own (the server finds it by the member, on any device). */
export function cast(client, vote, choice) {
  return client.castBallot(vote.id, choice);
}

// -- the ballot ----------------------------------------------------------------------------------

/**
 * The ballot of the open vote for this device's member: large option buttons, a confirmation
 * step, then "your vote is recorded" once the server has acknowledged it. Reads everything
 * from the state, so a reload or a reconnect shows the right step.
 */
export class Ballot {
  constructor(client, { compact = false } = {}) {
    this.client = client;
    this.compact = compact;
    this.el = h("section", { class: `ballot${compact ? " compact" : ""}`, "aria-live": "polite", "data-testid": "ballot" });
    this.chosen = null; // the option picked, waiting for confirmation
    this.sending = false;
    this.changing = false;
    this.voteId = null;
  }

  draw() {
    const s = this.client.state;
    const vote = s && openVote(s);
    if (!vote) return fill(this.el);
    if (vote.id !== this.voteId) Object.assign(this, { voteId: vote.id, chosen: null, changing: false });
    const me = this.client.memberId;
    const head = h("div", { class: "ballot-head" },
      h("span", { class: "ballot-kicker", text: `${t("vote.title")} · ${agendaLabel(s.agenda.find((i) => i.id === vote.item))}` }),
      h("h2", { class: "ballot-title", text: vote.title }),
      h("p", { class: "ballot-meta" },
        h("span", { class: `tag ${vote.secret ? "secret" : ""}`, text: t(vote.secret ? "vote.secret" : "vote.named") }),
        " ",
        this.compact ? null : h("span", { class: "ballot-count", "data-testid": "vote-count", text: t("vote.count", { n: vote.voters.length, m: vote.eligible.length }) })));
    if (!vote.eligible.includes(me)) {
      const why = hasConflict(s, me, vote.item) ? "vote.recused"
        : (s.members.find((m) => m.id === me) || {}).voting ? "vote.late" : "vote.not_eligible";
      return fill(this.el, head, h("p", { class: "ballot-note", "data-testid": "ballot-note", text: t(why) }));
    }
    const voted = vote.voters.includes(me);
    if (this.sending) {
      return fill(this.el, head, h("p", { class: "ballot-status", text: t("vote.sending") }));
    }
    if (voted && !this.changing) {
      const canChange = vote.changeable;
      return fill(this.el, head,
        h("p", { class: "ballot-recorded", "data-testid": "vote-recorded" }, h("span", { "aria-hidden": "true", text: "✓ " }), t("vote.recorded")),
        vote.secret ? h("p", { class: "ballot-note", text: t("vote.secret_note") }) : null,
        canChange ? h("button", { class: "btn", type: "button", text: t("vote.change"), onclick: () => { this.changing = true; this.draw(); } })
          : h("p", { class: "ballot-note", text: t("vote.final") }));
    }
    if (this.chosen != null) {
      const option = vote.options[this.chosen];
      return fill(this.el, head,
        h("p", { class: `ballot-choice kind-${option.kind}`, text: t("vote.your_choice", { label: optionLabel(option) }) }),
        h("div", { class: "ballot-actions" },
          h("button", { class: "btn big ghost", type: "button", text: t("vote.back"), onclick: () => { this.chosen = null; this.draw(); } }),
          h("button", { class: "btn big primary", type: "button", "data-testid": "vote-confirm", text: t("vote.confirm"), onclick: () => this.send(vote, this.chosen) })));
    }
    const options = vote.options.map((option, index) =>
      h("button", {
        class: `btn option kind-${option.kind}`, type: "button", "data-choice": String(index),
        text: optionLabel(option), onclick: () => { this.chosen = index; this.draw(); },
      }));
    return fill(this.el, head, h("div", { class: "ballot-options" }, ...options),
      vote.secret ? h("p", { class: "ballot-note", text: t("vote.secret_note") }) : null);
  }

  send(vote, choice) {
    this.sending = true;
    this.draw();
    cast(this.client, vote, choice).then(() => {
      Object.assign(this, { sending: false, chosen: null, changing: false });
      this.draw();
    }, (err) => {
      Object.assign(this, { sending: false, chosen: null });
      this.draw();
      toast(errorText(err.code, err.message), "error");
    });
  }
}

// -- a vote's result -----------------------------------------------------------------------------

/** The result of a closed vote: the outcome, a bar per option, the sentence for the minutes. */
export function resultView(state, vote, { names = false } = {}) {
  const r = vote.result;
  const counted = Array.isArray(r.counts); // a secret vote with too few ballots has no count
  const total = counted ? Math.max(1, r.counts.reduce((a, b) => a + b, 0)) : 1;
  const winner = r.winner != null ? vote.options[r.winner] : null;
  const outcome = r.outcome === "chosen" ? t("vote.outcome.chosen", { label: winner ? optionLabel(winner) : "" })
    : t(`vote.outcome.${r.outcome}`);
  const bars = !counted ? [] : vote.options.map((option, i) => h("li", { class: `rbar kind-${option.kind}${r.winner === i ? " won" : ""}` },
    h("span", { class: "bar-label", text: optionLabel(option) }),
    h("span", { class: "bar-track" }, h("span", { class: "bar-fill", style: `width:${(100 * r.counts[i]) / total}%` })),
    h("span", { class: "bar-n", text: String(r.counts[i]) })));
  const lang = document.documentElement.lang === "en" ? "en" : "th";
  const list = names && r.ballots
    ? h("ul", { class: "named-ballots" }, ...vote.voters.map((m, i) => [m, r.ballots[i]]).map(([m, c]) =>
      h("li", {}, h("span", { text: memberName(state, m) }), h("span", { class: `kind-${vote.options[c].kind}`, text: optionLabel(vote.options[c]) }))))
    : null;
  return h("section", { class: `result outcome-${r.outcome}`, "data-testid": "vote-result" },
    h("p", { class: "result-kicker", text: `${t("vote.result")} · ${t(vote.secret ? "vote.secret" : "vote.named")}` }),
    h("h2", { class: "result-title", text: vote.title }),
    h("p", { class: "result-outcome", "data-testid": "vote-outcome", text: outcome }),
    r.casting != null ? h("p", { class: "result-casting", text: t("vote.casting_for", { label: optionLabel(vote.options[r.casting]) }) }) : null,
    counted ? h("ul", { class: "bars" }, ...bars)
      : h("p", { class: "result-withheld", "data-testid": "vote-withheld", text: t("vote.too_few_detail", { n: vote.voters.length, m: vote.min_ballots }) }),
    h("p", { class: "result-sentence", "data-testid": "vote-sentence", text: r.sentence[lang] }),
    list);
}

// -- the chair's panel ---------------------------------------------------------------------------

/**
 * The chair's votes: open one on the current item (refused without quorum, with the reason),
 * follow the count and who has voted while it is open, close it, see the result and give the
 * casting vote on a tie. The chair's own ballot is shown beside it when the chair votes.
 */
export class VotePanel {
  constructor(client, { isChair }) {
    this.client = client;
    this.isChair = isChair;
    this.ballot = new Ballot(client, { compact: true });
    this.el = h("section", { class: "vote-panel", "data-testid": "vote-panel" });
    this.formOpen = false;
  }

  draw() {
    const s = this.client.state;
    if (!s) return fill(this.el);
    const vote = openVote(s);
    const last = [...s.votes].reverse().find((v) => v.status === "closed") || null;
    // Redraw only when what it shows changed: a form being filled in must keep its input.
    const key = JSON.stringify([vote, last, s.current_item, quorumOf(s).met, this.client.memberId, document.documentElement.lang, phase(s)]);
    if (key === this.key) return;
    this.key = key;
    const parts = [h("h2", { text: t("vote.title") })];
    if (vote) {
      this.ballot.draw();
      parts.push(this.ballot.el, this.progress(s, vote));
      if (this.isChair) {
        // Closing a secret vote with too few ballots keeps no count: the chair is told first.
        const few = tooFew(vote);
        const ask = few ? t("vote.close_too_few", { n: vote.voters.length, m: vote.min_ballots }) : t("vote.close_confirm");
        parts.push(h("button", { class: `btn danger${few ? " too-few" : ""}`, type: "button", "data-testid": "vote-close", text: t("vote.close"),
          onclick: () => { if (confirm(ask)) this.client.closeVote(vote.id).catch(refused); } }));
      }
    } else {
      if (last) parts.push(this.closedView(s, last));
      if (this.isChair && can(s, "open_vote")) parts.push(this.form(s));
      else if (!last) parts.push(h("p", { class: "muted small", text: t("vote.none_open") }));
    }
    fill(this.el, ...parts);
  }

  progress(s, vote) {
    const waiting = vote.eligible.filter((m) => !vote.voters.includes(m));
    return h("div", { class: "vote-progress" },
      h("p", { class: "vote-count", "data-testid": "chair-vote-count", text: t("vote.count", { n: vote.voters.length, m: vote.eligible.length }) }),
      h("progress", { max: String(Math.max(1, vote.eligible.length)), value: String(vote.voters.length) }),
      vote.secret && vote.min_ballots > 1
        ? h("p", { class: `small ${tooFew(vote) ? "warn-text" : "muted"}`, "data-testid": "vote-min-note", text: t("vote.min_note", { m: vote.min_ballots }) })
        : null,
      h("details", {},
        h("summary", { text: `${t("vote.voted_list")} / ${t("vote.waiting_list")}` }),
        h("ul", { class: "who voted" }, ...vote.voters.map((m) => h("li", { text: `✓ ${memberName(s, m)}` }))),
        h("ul", { class: "who waiting" }, ...waiting.map((m) => h("li", { text: `… ${memberName(s, m)}` })))));
  }

  closedView(s, vote) {
    const view = resultView(s, vote, { names: true });
    if (this.isChair && vote.result.outcome === "tie" && can(s, "break_tie")) {
      const tied = tiedOptions(vote);
      view.append(h("div", { class: "casting" },
        h("p", { class: "strong", text: t("vote.casting") }),
        ...tied.map((i) => h("button", { class: `btn option kind-${vote.options[i].kind}`, type: "button", "data-casting": String(i),
          text: optionLabel(vote.options[i]), onclick: () => this.client.breakTie(vote.id, i).catch(refused) }))));
    }
    return view;
  }

  form(s) {
    const item = s.agenda.find((i) => i.id === s.current_item) || null;
    const title = h("input", { type: "text", maxlength: "500", value: item ? item.title : "", "data-testid": "vote-subject" });
    const secret = h("input", { type: "checkbox", "data-testid": "vote-secret" });
    const changeable = h("input", { type: "checkbox", checked: true });
    const custom = h("textarea", { rows: "3", placeholder: "แผน ก\nแผน ข" });
    const rule = h("select", {}, ...["simple", "absolute", "two_thirds"].map((r) => h("option", { value: r, text: t(`vote.rule.${r}`) })));
    const quorum = quorumOf(s);
    const open = h("button", { class: "btn primary", type: "submit", "data-testid": "vote-open", text: t("vote.open") });
    const form = h("form", { class: "vote-form" },
      h("p", { class: "muted small", text: item ? agendaLabel(item) : t("agenda.none") }),
      h("label", { class: "field" }, h("span", { text: t("vote.subject") }), title),
      h("label", { class: "check" }, secret, h("span", { text: t("vote.secret") })),
      h("label", { class: "check" }, changeable, h("span", { text: t("vote.changeable") })),
      h("label", { class: "field" }, h("span", { text: t("vote.rule") }), rule),
      h("label", { class: "field" }, h("span", { text: t("vote.custom") }), custom),
      quorum.met ? null : h("p", { class: "warn-text", text: t("err.no_quorum") }),
      open);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (!item) return toast(t("agenda.none"), "warn");
      const options = custom.value.split("\n").map((x) => x.trim()).filter(Boolean);
      const fields = { item: item.id, title: title.value.trim(), secret: secret.checked, changeable: changeable.checked };
      if (options.length) fields.options = options;
      else fields.rule = rule.value;
      open.disabled = true;
      this.client.openVote(fields).then(() => { this.formOpen = false; }, refused).finally(() => { open.disabled = false; });
    });
    return h("details", { class: "vote-open-box", open: this.formOpen || null, ontoggle: (e) => { this.formOpen = e.target.open; } },
      h("summary", { class: "btn primary", "data-testid": "vote-new", text: t("vote.new") }), form);
  }
}

/** Whether closing this open vote now would keep no count (rooms/votes.py `too_few`). */
export function tooFew(vote) {
  return vote.secret && vote.voters.length > 0 && vote.voters.length < (vote.min_ballots || 1);
}

/** The options a casting vote chooses between (docs/protocol.md section 6, "How a vote is decided"). */
export function tiedOptions(vote) {
  const counts = vote.result.counts;
  if (vote.rule === "plurality") {
    const best = Math.max(...counts);
    return counts.map((c, i) => (c === best ? i : -1)).filter((i) => i >= 0);
  }
  return vote.options.map((o, i) => (o.kind === "approve" || o.kind === "disapprove" ? i : -1)).filter((i) => i >= 0);
}

function refused(err) {
  if (err && err.code !== "superseded") toast(errorText(err.code, err.message), "error", 6000);
}
