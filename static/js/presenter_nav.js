// The presenter's page turns across the whole agenda: "ถัดไป ›", the arrow keys and a
// presenter's clicker (PageDown/PageUp) go from the last page of an item's last document to the
// first page of the next item's first document, and back from an item's first page to the last
// page of the previous item's last document. Items without documents are skipped: a clicker in
// the presenter's hand moves through pages, and the agenda beside it (or the tablets' top bar,
// which shows the item the page belongs to) says which item the room is on; the chair opens an
// item without papers by choosing it in the agenda. The meeting follows the page: showing a page
// of another item's document moves the meeting to that item (show_page, docs/protocol.md).

/**
 * The page one step from `at` ({document, page} or null) in agenda order, or null at that end.
 * `agenda` is state.agenda (in its order), `documentsOf(itemId)` the item's documents in order,
 * `current` the meeting's current item (where to start when nothing is shown yet).
 */
export function step({ agenda, documentsOf, current }, at, dir) {
  const items = agenda.map((i) => i.id);
  const ordered = items.flatMap((id) => documentsOf(id));
  if (!ordered.length) return null;
  if (!at) {
    // Nothing on screen: forward from the current item's first page, back to the page before it.
    const from = Math.max(0, items.indexOf(current));
    const after = items.slice(from).flatMap((id) => documentsOf(id));
    const before = items.slice(0, from).flatMap((id) => documentsOf(id));
    if (dir > 0) return after.length ? { document: after[0].id, page: 1 } : null;
    const last = before[before.length - 1];
    return last ? { document: last.id, page: last.pages } : null;
  }
  const i = ordered.findIndex((d) => d.id === at.document);
  if (i < 0) return null; // a document on no item of the agenda: its own pages only (below)
  const doc = ordered[i];
  const page = at.page + dir;
  if (page >= 1 && page <= doc.pages) return { document: doc.id, page };
  const other = ordered[i + dir];
  if (!other) return null;
  return { document: other.id, page: dir > 0 ? 1 : other.pages };
}
