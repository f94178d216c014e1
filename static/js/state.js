// The meeting's state and how each event changes it: docs/protocol.md section 8, mirrored
// exactly (the server's rules are rooms/room.py and rooms/documents.py). No I/O here.

import { AGENDA_EVENTS, applyAgendaEvent, createdAgenda } from "./agenda_rules.js";
import { MEMBER_EVENTS, applyMemberEvent } from "./member_rules.js";

export const KNOWN_EVENTS = new Set([
  "meeting_created", "meeting_opened", "agenda_item_set", "page_shown", "meeting_closed",
  "document_added", "document_renamed", "document_moved", "document_removed",
  "document_replaced", // a new version of a paper (issue 17 item 7)
  "pages_ready", "page_failed",
  "members_arrived", "attendance_recorded", "substitute_set", "guest_added", "quorum_set",
  "conflict_declared", "conflict_withdrawn",
  "vote_opened", "ballot_cast", "vote_closed", "tie_broken",
  "presenter_drew", "presenter_cleared",
  "minutes_edited", "action_set", "action_removed", "minutes_circulated", "minutes_signed", "minutes_adopted",
  "minutes_certified", "minutes_carried", "minutes_drafted",
  "attendance_corrected", "previous_minutes_adopted", // the frozen record (issue 17)
  "meeting_details_changed", "meeting_postponed", "meeting_cancelled", // before it opens (rooms/schedule.py)
  ...AGENDA_EVENTS,
  ...MEMBER_EVENTS, // the member list (issue 17 item 5)
]);

function sortedUnion(list, more) {
  return Array.from(new Set([...list, ...more])).sort((a, b) => a - b);
}

// Section 8: applying events to the state. `state` is the plain object of snapshot.state; these
// change it in place (the client owns it) and mirror the server's rules exactly.

/** The meeting_created rule: a new state. */
export function startState(event) {
  return {
    id: event.meeting,
    seq: 1,
    info: event.info,
    status: "scheduled",
    members: event.members,
    agenda: createdAgenda(event.agenda),
    documents: event.documents.map((d) => ({ ...d, ready: [...(d.ready || [])], failed: [...(d.failed || [])] })),
    current_item: null,
    current_page: null,
    attendance: event.members.map((m) => emptyRecord(m.id)),
    quorum: { count: null, num: 1, den: 2, required: Math.max(1, Math.ceil(event.members.filter((m) => m.voting).length / 2)) },
    conflicts: [],
    votes: [],
    presenter: [],
    minutes: {
      status: "draft", version: 1, items: [], signatures: [], adopted_at: null, adopted_by: null, corrections: "",
      previous: null, carried: [], certified: null,
      attendance_corrections: [], previous_adopted_at: null, previous_adopted_by: null,
    },
    postponed: null,
    cancelled: null,
  };
}

function emptyRecord(member) {
  return { member, status: "expected", arrived_at: null, departed_at: null, reason: "", substitute: null, confirmed: false };
}

function record(state, member) {
  let found = state.attendance.find((a) => a.member === member);
  if (!found) {
    found = emptyRecord(member);
    state.attendance.push(found);
  }
  return found;
}

/** Apply one event (not meeting_created) to `state`; returns false for an unknown type. */
export function applyEvent(state, event) {
  const docs = state.documents;
  const find = (id) => docs.find((d) => d.id === id);
  if (AGENDA_EVENTS.includes(event.type)) return applyAgendaEvent(state, event);
  if (MEMBER_EVENTS.includes(event.type)) return applyMemberEvent(state, event);
  switch (event.type) {
    case "meeting_opened":
      state.status = "open";
      return true;
    case "agenda_item_set": {
      state.current_item = event.item;
      if (state.current_page) {
        const doc = find(state.current_page.document);
        if (doc && doc.item != null && doc.item !== event.item) state.current_page = null;
      }
      return true;
    }
    case "page_shown":
      state.current_page = { document: event.document, page: event.page };
      return true;
    case "meeting_closed":
      state.status = "closed";
      state.current_page = null;
      return true;
    case "document_added":
      docs.push({
        id: event.document, title: event.title, pages: event.pages, item: event.item,
        file: event.file, ready: [...(event.ready || [])], failed: [],
      });
      return true;
    case "document_renamed": {
      const doc = find(event.document);
      if (doc) doc.title = event.title;
      return true;
    }
    case "document_moved": {
      const at = docs.findIndex((d) => d.id === event.document);
      if (at < 0) return true;
      // Its earlier versions go with it; the index counts the documents in force only.
      for (let v = docs[at]; v && v.replaces != null; v = find(v.replaces)) {
        const earlier = find(v.replaces);
        if (earlier) earlier.item = event.item;
      }
      const [doc] = docs.splice(at, 1);
      doc.item = event.item;
      const siblings = [];
      docs.forEach((d, i) => { if (d.item === event.item && d.superseded_by == null) siblings.push(i); });
      if (event.index < siblings.length) docs.splice(siblings[event.index], 0, doc);
      else if (siblings.length) docs.splice(siblings[siblings.length - 1] + 1, 0, doc);
      else docs.push(doc);
      return true;
    }
    case "document_removed": {
      const at = docs.findIndex((d) => d.id === event.document);
      if (at >= 0) docs.splice(at, 1);
      if (state.current_page && state.current_page.document === event.document) state.current_page = null;
      state.presenter = state.presenter.filter((s) => s.document !== event.document);
      return true;
    }
    case "document_replaced": {
      const at = docs.findIndex((d) => d.id === event.replaces);
      if (at < 0) return true;
      docs[at].superseded_by = event.document;
      docs.splice(at + 1, 0, {
        id: event.document, title: event.title, pages: event.pages, item: event.item, file: event.file,
        ready: [...(event.ready || [])], failed: [], version: event.version, replaces: event.replaces,
      });
      const page = state.current_page;
      if (page && page.document === event.replaces) {
        state.current_page = { document: event.document, page: Math.min(page.page, event.pages) };
      }
      state.presenter = state.presenter.filter((s) => s.document !== event.replaces);
      return true;
    }
    case "pages_ready": {
      const doc = find(event.document);
      if (doc) doc.ready = sortedUnion(doc.ready, event.pages);
      return true;
    }
    case "page_failed": {
      const doc = find(event.document);
      if (doc) doc.failed = sortedUnion(doc.failed, [event.page]);
      return true;
    }
    // Section 8: attendance, conflicts of interest, votes.
    case "members_arrived":
      for (const member of event.members) {
        const a = record(state, member);
        if (!(a.status === "departed" && a.arrived_at)) a.arrived_at = event.at;
        Object.assign(a, { status: "present", departed_at: null, reason: "", confirmed: false });
      }
      return true;
    case "attendance_recorded":
      Object.assign(record(state, event.member), {
        status: event.status, arrived_at: event.arrived_at, departed_at: event.departed_at,
        reason: event.reason, confirmed: event.confirmed,
      });
      return true;
    case "substitute_set":
      record(state, event.member).substitute = event.name ? { name: event.name, position: event.position } : null;
      return true;
    case "guest_added":
      state.members.push(event.member);
      state.attendance.push({ ...emptyRecord(event.member.id), ...(event.at != null ? { status: "present", arrived_at: event.at } : {}) });
      return true;
    case "quorum_set":
      state.quorum = { count: event.count, num: event.num, den: event.den, required: event.required };
      return true;
    case "conflict_declared": {
      const found = state.conflicts.find((c) => c.member === event.member && c.item === event.item);
      if (found) found.hide_documents = event.hide_documents;
      else state.conflicts.push({ member: event.member, item: event.item, hide_documents: event.hide_documents });
      for (const v of state.votes) {
        if (v.item === event.item && v.status === "open") v.eligible = v.eligible.filter((m) => m !== event.member);
      }
      return true;
    }
    case "conflict_withdrawn":
      state.conflicts = state.conflicts.filter((c) => !(c.member === event.member && c.item === event.item));
      return true;
    case "vote_opened":
      state.votes.push({
        id: event.vote, item: event.item, title: event.title, options: event.options, secret: event.secret,
        rule: event.rule, changeable: event.changeable, eligible: [...event.eligible],
        min_ballots: event.min_ballots ?? 1, voters: [], status: "open", result: null,
      });
      return true;
    case "ballot_cast": {
      const v = state.votes.find((x) => x.id === event.vote);
      if (v) for (const m of event.members) if (!v.voters.includes(m)) v.voters.push(m);
      return true;
    }
    case "vote_closed":
    case "tie_broken": {
      const v = state.votes.find((x) => x.id === event.vote);
      if (v) {
        if (event.type === "vote_closed") v.status = "closed";
        v.result = event.result;
      }
      return true;
    }
    case "minutes_edited": case "action_set": case "action_removed": {
      const m = state.minutes;
      let entry = m.items.find((i) => i.item === event.item);
      if (!entry) {
        entry = { item: event.item, notes: "", resolution: "", dissent: "", actions: [], version: 0 };
        m.items.push(entry);
      }
      if (event.type === "minutes_edited") entry[event.field] = event.text;
      else if (event.type === "action_removed") entry.actions = entry.actions.filter((a) => a.id !== event.action);
      else {
        const at = entry.actions.findIndex((a) => a.id === event.action.id);
        if (at >= 0) entry.actions[at] = event.action;
        else entry.actions.push(event.action);
      }
      entry.version = event.version;
      m.signatures = []; // given to the text as it was
      return true;
    }
    case "minutes_drafted": // an edit of the draft, sent so to members and guests: the text waits for circulation
      state.minutes.signatures = []; // given to the text as it was
      return true;
    case "minutes_circulated":
      state.minutes.status = "circulated";
      // The text as circulated: members and guests were sent no draft (absent from logs written before).
      if (Array.isArray(event.items)) state.minutes.items = event.items;
      return true;
    case "minutes_signed": {
      const { member, name, position, role, at } = event;
      state.minutes.signatures = state.minutes.signatures.filter((s) => s.member !== member);
      state.minutes.signatures.push({ member, name, position, role, at });
      return true;
    }
    case "minutes_adopted":
      Object.assign(state.minutes, {
        status: "adopted", adopted_at: event.at, adopted_by: event.by, corrections: event.corrections,
        version: state.minutes.version + (event.corrections ? 1 : 0),
      });
      return true;
    case "minutes_certified":
      state.minutes.certified = event.corrections;
      return true;
    case "minutes_carried":
      state.minutes.previous = event.previous;
      state.minutes.carried = event.actions;
      return true;
    // The frozen record (issue 17): a correction after the close voids the signatures.
    case "attendance_corrected": {
      const { by, at, kind, member, status, name } = event;
      state.minutes.attendance_corrections.push({ by, at, kind, member, status, name });
      state.minutes.signatures = [];
      return true;
    }
    case "previous_minutes_adopted":
      state.minutes.previous_adopted_at = event.at;
      state.minutes.previous_adopted_by = event.by;
      return true;
    // The meeting's heading before it opens; postponed, cancelled (rooms/schedule.py).
    case "meeting_details_changed":
      state.info = { ...state.info, title: event.title, date: event.date, time: event.time, place: event.place };
      return true;
    case "meeting_postponed":
      state.info = { ...state.info, date: event.date, time: event.time };
      state.postponed = { reason: event.reason, by: event.by, from_date: event.from_date, from_time: event.from_time };
      return true;
    case "meeting_cancelled":
      state.status = "cancelled";
      state.cancelled = { reason: event.reason, by: event.by };
      return true;
    case "presenter_drew":
      state.presenter.push(event.stroke);
      return true;
    case "presenter_cleared": {
      const { document: doc, page } = event;
      state.presenter = state.presenter.filter((s) => !(doc == null || (s.document === doc && (page == null || s.page === page))));
      return true;
    }
    default:
      return false;
  }
}

// -- reading the state (section 8, "Counting") ------------------------------------------------------------

/** {present, required, met}: voting members present against the quorum rule. */
export function quorumOf(state) {
  const voting = new Set(state.members.filter((m) => m.voting).map((m) => m.id));
  const present = state.attendance.filter((a) => voting.has(a.member) && a.status === "present").length;
  return { present, required: state.quorum.required, met: present >= state.quorum.required };
}

/** The open vote, or null. */
export function openVote(state) {
  return state.votes.find((v) => v.status === "open") || null;
}

/** The ids of the documents hidden from `member` by their conflicts of interest. */
export function hiddenDocuments(state, member) {
  const items = new Set(state.conflicts.filter((c) => c.member === member && c.hide_documents).map((c) => c.item));
  return new Set(state.documents.filter((d) => items.has(d.item)).map((d) => d.id));
}

export function hasConflict(state, member, item) {
  return state.conflicts.some((c) => c.member === member && c.item === item);
}
