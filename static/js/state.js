// The meeting's state and how each event changes it: docs/protocol.md section 8, mirrored
// exactly (the server's rules are rooms/room.py and rooms/documents.py). No I/O here.

export const KNOWN_EVENTS = new Set([
  "meeting_created", "meeting_opened", "agenda_item_set", "page_shown", "meeting_closed",
  "document_added", "document_renamed", "document_moved", "document_removed",
  "pages_ready", "page_failed",
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
    agenda: event.agenda,
    documents: event.documents.map((d) => ({ ...d, ready: [...(d.ready || [])], failed: [...(d.failed || [])] })),
    current_item: null,
    current_page: null,
  };
}

/** Apply one event (not meeting_created) to `state`; returns false for an unknown type. */
export function applyEvent(state, event) {
  const docs = state.documents;
  const find = (id) => docs.find((d) => d.id === id);
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
      const [doc] = docs.splice(at, 1);
      doc.item = event.item;
      const siblings = [];
      docs.forEach((d, i) => { if (d.item === event.item) siblings.push(i); });
      if (event.index < siblings.length) docs.splice(siblings[event.index], 0, doc);
      else if (siblings.length) docs.splice(siblings[siblings.length - 1] + 1, 0, doc);
      else docs.push(doc);
      return true;
    }
    case "document_removed": {
      const at = docs.findIndex((d) => d.id === event.document);
      if (at >= 0) docs.splice(at, 1);
      if (state.current_page && state.current_page.document === event.document) state.current_page = null;
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
    default:
      return false;
  }
}
