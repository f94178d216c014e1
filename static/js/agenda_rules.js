// The agenda events of docs/protocol.md section 8 (agenda_item_added … agenda_item_kind_set),
// mirrored exactly from rooms/agenda.py. Numbers are derived from the order, never sent by an
// event: renumber() after every change. No I/O here.

export const AGENDA_EVENTS = [
  "agenda_item_added", "agenda_item_renamed", "agenda_item_moved", "agenda_item_removed", "agenda_item_kind_set",
];

/** The "Numbering" rule: each item's number from its place among its parent's children. */
export function renumber(agenda) {
  const count = new Map();
  const numbers = new Map();
  for (const item of agenda) {
    const n = (count.get(item.parent) || 0) + 1;
    count.set(item.parent, n);
    item.number = (numbers.has(item.parent) ? numbers.get(item.parent) + "." : "") + n;
    numbers.set(item.id, item.number);
  }
  return agenda;
}

/** The agenda of meeting_created as state.agenda holds it (an older log's items 2 and 3 get
 * the kinds their numbers meant then). */
export function createdAgenda(items) {
  const legacy = items.length > 0 && !items.some((i) => "kind" in i);
  const agenda = renumber(items.map((i) => ({
    id: i.id, number: "", title: i.title, parent: i.parent ?? null, kind: i.kind || "item",
    supplementary: false, consent: null,
  })));
  if (legacy) {
    for (const item of agenda) {
      if (item.parent === null && item.number === "2") item.kind = "previous_minutes";
      if (item.parent === null && item.number === "3") item.kind = "carried";
    }
  }
  return agenda;
}

/** An item and everything under it, in order (ids). */
export function subtree(agenda, id) {
  const ids = [id];
  for (const item of agenda) if (ids.includes(item.parent)) ids.push(item.id);
  return ids;
}

function insert(agenda, block, parent, index) {
  const siblings = [];
  agenda.forEach((item, n) => { if (item.parent === parent) siblings.push(n); });
  let at;
  if (index < siblings.length) at = siblings[index];
  else if (siblings.length) {
    const last = siblings[siblings.length - 1];
    at = last + subtree(agenda, agenda[last].id).length;
  } else {
    const p = agenda.findIndex((i) => i.id === parent);
    at = p >= 0 ? p + 1 : agenda.length;
  }
  agenda.splice(at, 0, ...block);
}

function onlyOne(agenda, keeper, kind) {
  if (kind === "item") return;
  for (const item of agenda) if (item.kind === kind && item.id !== keeper) item.kind = "item";
}

/** Apply one agenda event to `state` in place. */
export function applyAgendaEvent(state, event) {
  let agenda = state.agenda;
  switch (event.type) {
    case "agenda_item_added":
      insert(agenda, [{
        id: event.item, number: "", title: event.title, parent: event.parent ?? null, kind: event.kind,
        supplementary: event.supplementary, consent: event.consent ?? null,
      }], event.parent ?? null, event.index);
      onlyOne(agenda, event.item, event.kind);
      break;
    case "agenda_item_renamed":
      for (const item of agenda) if (item.id === event.item) item.title = event.title;
      break;
    case "agenda_item_kind_set":
      for (const item of agenda) if (item.id === event.item) item.kind = event.kind;
      onlyOne(agenda, event.item, event.kind);
      break;
    case "agenda_item_moved": {
      const ids = new Set(subtree(agenda, event.item));
      const block = agenda.filter((i) => ids.has(i.id));
      block[0].parent = event.parent ?? null;
      agenda = agenda.filter((i) => !ids.has(i.id));
      insert(agenda, block, event.parent ?? null, event.index);
      state.agenda = agenda;
      break;
    }
    case "agenda_item_removed":
      state.agenda = agenda = agenda.filter((i) => i.id !== event.item);
      state.minutes.items = state.minutes.items.filter((m) => m.item !== event.item);
      break;
    default:
      return false;
  }
  renumber(state.agenda);
  return true;
}
