"""The rules for a meeting's documents: add, rename, move, remove, pages rendered.

Documents are kept in display order: grouped by nothing but the order of the
mapping, in which a document's place among those of its agenda item is its
place in the meeting. Adding puts a document last among its item's.
"""

from __future__ import annotations

from dataclasses import replace

from rooms.commands import AddDocument, MarkPageFailed, MarkPagesReady, MoveDocument, RemoveDocument, RenameDocument
from rooms.events import (
    DocumentAdded,
    DocumentMoved,
    DocumentRemoved,
    DocumentRenamed,
    Event,
    PageFailed,
    PageShown,
    PagesReady,
)
from rooms.fields import FieldError
from rooms.model import DocumentRef, MeetingState, MeetingStatus
from rooms.refusals import Refusal, Rejection

DocumentCommand = AddDocument | RenameDocument | MoveDocument | RemoveDocument | MarkPagesReady | MarkPageFailed
DocumentEvent = DocumentAdded | DocumentRenamed | DocumentMoved | DocumentRemoved | PagesReady | PageFailed


def decide(state: MeetingState, command: DocumentCommand) -> list[Event] | Rejection:
    match command:
        case AddDocument():
            if state.status is MeetingStatus.CLOSED:
                return Rejection(Refusal.MEETING_CLOSED, "the meeting has been closed")
            if state.item(command.item) is None:
                return Rejection(Refusal.UNKNOWN_AGENDA_ITEM, f"there is no agenda item {command.item!r}")
            if command.document in state.documents:
                return Rejection(Refusal.DOCUMENT_EXISTS, f"there is already a document {command.document!r}")
            ready = frozenset(p for p in command.ready if 1 <= p <= command.pages)
            added = DocumentAdded(
                DocumentRef(command.document, command.title, command.pages, command.item, command.file, ready)
            )
            # The server builds this command in code, not from a checked frame: what the log
            # could not read back (an empty title, say) must not get into it.
            try:
                readable = DocumentAdded.from_wire(added.to_wire()) == added
            except FieldError as exc:
                return Rejection(Refusal.INVALID_DOCUMENT, str(exc))
            if not readable:
                return Rejection(Refusal.INVALID_DOCUMENT, "the document does not read back as it was written")
            return [added]
        case MarkPagesReady(file=file, pages=pages):
            # Every document of this meeting made from the file gets the pages it lacks.
            return [
                PagesReady(doc.id, tuple(sorted(new)))
                for doc in state.documents.values()
                if doc.file == file and (new := {p for p in pages if 1 <= p <= doc.pages} - doc.ready)
            ]
        case MarkPageFailed(file=file, page=page, code=code):
            return [
                PageFailed(doc.id, page, code)
                for doc in state.documents.values()
                if doc.file == file and 1 <= page <= doc.pages and page not in doc.failed
            ]
    if state.status is MeetingStatus.CLOSED:  # the documents of a closed meeting are part of its record
        return Rejection(Refusal.MEETING_CLOSED, "the meeting has been closed")
    doc_or_refusal = _document(state, command.document)
    if isinstance(doc_or_refusal, Rejection):
        return doc_or_refusal
    match command:
        case RenameDocument(document=doc_id, title=title):
            return [DocumentRenamed(doc_id, title)]
        case MoveDocument(document=doc_id, item=item_id, index=index):
            if state.item(item_id) is None:
                return Rejection(Refusal.UNKNOWN_AGENDA_ITEM, f"there is no agenda item {item_id!r}")
            others = [d for d in state.documents.values() if d.item == item_id and d.id != doc_id]
            return [DocumentMoved(doc_id, item_id, min(index, len(others)))]
        case RemoveDocument(document=doc_id):
            return [DocumentRemoved(doc_id)]
    raise AssertionError(f"unhandled document command {command!r}")  # pragma: no cover


def open_page(state: MeetingState, actor: str, document: str, page: int) -> Rejection | None:
    """Why ``actor`` may not have ``page`` of ``document`` before them (to show it, to write on
    it), or None: no such document or page, or the document is hidden from them (recusal)."""
    doc = state.documents.get(document)
    if doc is None:
        return Rejection(Refusal.UNKNOWN_DOCUMENT, f"there is no document {document!r}")
    if not 1 <= page <= doc.pages:
        return Rejection(Refusal.PAGE_OUT_OF_RANGE, f"{doc.title!r} has {doc.pages} pages, not {page}")
    if document in state.hidden_documents(actor):
        return Rejection(Refusal.DOCUMENT_HIDDEN, "this document is hidden from you (a conflict of interest)")
    return None


def first_page(state: MeetingState, actor: str, item: str) -> list[Event]:
    """Opening ``item`` shows its first document (one not hidden from ``actor``), page 1, unless
    a page that stays is on screen already: an item with papers never opens on an empty screen
    (issue 17 item 8)."""
    page = state.current_page
    if page is not None and state.documents[page.document].item in (None, item):
        return []  # a page of this item, or of a document of no item, stays (agenda_item_set)
    hidden = state.hidden_documents(actor)
    first = next((d for d in state.documents.values() if d.item == item and d.id not in hidden), None)
    return [] if first is None else [PageShown(first.id, 1)]


def _document(state: MeetingState, doc_id: str) -> DocumentRef | Rejection:
    doc = state.documents.get(doc_id)
    return doc if doc is not None else Rejection(Refusal.UNKNOWN_DOCUMENT, f"there is no document {doc_id!r}")


def apply(state: MeetingState, event: DocumentEvent, seq: int) -> MeetingState:
    docs = dict(state.documents)
    match event:
        case DocumentAdded(document=doc):
            docs[doc.id] = doc
        case DocumentRenamed(document=doc_id, title=title):
            docs[doc_id] = replace(docs[doc_id], title=title)
        case DocumentMoved(document=doc_id, item=item_id, index=index):
            moved = replace(docs.pop(doc_id), item=item_id)
            order = list(docs.values())
            siblings = [i for i, d in enumerate(order) if d.item == item_id]
            # Before the index-th sibling, or after the last one (or at the end when there is none).
            at = siblings[index] if index < len(siblings) else (siblings[-1] + 1 if siblings else len(order))
            order.insert(at, moved)
            docs = {d.id: d for d in order}
        case DocumentRemoved(document=doc_id):
            del docs[doc_id]
            page = state.current_page
            return replace(
                state,
                seq=seq,
                documents=docs,
                current_page=None if page and page.document == doc_id else page,
                presenter=tuple(s for s in state.presenter if s.document != doc_id),
            )
        case PagesReady(document=doc_id, pages=pages):
            docs[doc_id] = replace(docs[doc_id], ready=docs[doc_id].ready | frozenset(pages))
        case PageFailed(document=doc_id, page=page):
            docs[doc_id] = replace(docs[doc_id], failed=docs[doc_id].failed | {page})
    return replace(state, seq=seq, documents=docs)
