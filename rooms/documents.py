"""The rules for a meeting's documents: add, rename, move, remove, pages rendered.

Documents are kept in display order: grouped by nothing but the order of the
mapping, in which a document's place among those of its agenda item is its
place in the meeting. Adding puts a document last among its item's.

Versions (issue 17 item 7): an upload that replaces a document is decided here as
``document_replaced``: the new version takes the old one's place, the old one stays in the
mapping marked ``superseded_by`` (a member's private ink stays with the version it was written
on, and the record keeps it). Only the version in force is renamed, moved, removed or replaced;
removing it removes its earlier versions too. The same file twice under one item is refused
(``document_duplicate``): it is there already.
"""

from __future__ import annotations

from dataclasses import replace

from rooms.commands import AddDocument, MarkPageFailed, MarkPagesReady, MoveDocument, RemoveDocument, RenameDocument
from rooms.events import (
    DocumentAdded,
    DocumentMoved,
    DocumentRemoved,
    DocumentRenamed,
    DocumentReplaced,
    Event,
    PageFailed,
    PageShown,
    PagesReady,
)
from rooms.fields import FieldError
from rooms.model import DocumentRef, MeetingState, MeetingStatus, PageRef
from rooms.permissions import visible_documents
from rooms.refusals import Refusal, Rejection

DocumentCommand = AddDocument | RenameDocument | MoveDocument | RemoveDocument | MarkPagesReady | MarkPageFailed
DocumentEvent = (
    DocumentAdded | DocumentRenamed | DocumentMoved | DocumentRemoved | DocumentReplaced | PagesReady | PageFailed
)


def decide(state: MeetingState, command: DocumentCommand) -> list[Event] | Rejection:
    match command:
        case AddDocument():
            if state.status is MeetingStatus.CLOSED:
                return Rejection(Refusal.MEETING_CLOSED, "the meeting has been closed")
            old = None
            if command.replaces is not None:
                old_or_refusal = _current(state, command.replaces)
                if isinstance(old_or_refusal, Rejection):
                    return old_or_refusal
                old = old_or_refusal
                if old.item != command.item:
                    return Rejection(
                        Refusal.UNKNOWN_AGENDA_ITEM, "a new version goes under the item of the one it replaces"
                    )
            if state.item(command.item) is None:
                return Rejection(Refusal.UNKNOWN_AGENDA_ITEM, f"there is no agenda item {command.item!r}")
            if command.document in state.documents:
                return Rejection(Refusal.DOCUMENT_EXISTS, f"there is already a document {command.document!r}")
            same = next(
                (
                    d
                    for d in state.documents.values()
                    if d.current and d.item == command.item and d.file == command.file
                ),
                None,
            )
            if same is not None:
                return Rejection(
                    Refusal.DOCUMENT_DUPLICATE, f"this file is there already under this item, as {same.title!r}"
                )
            ready = frozenset(p for p in command.ready if 1 <= p <= command.pages)
            ref = DocumentRef(command.document, command.title, command.pages, command.item, command.file, ready)
            added: DocumentAdded | DocumentReplaced = DocumentAdded(ref)
            if old is not None:
                added = DocumentReplaced(replace(ref, version=old.version + 1, replaces=old.id))
            # The server builds this command in code, not from a checked frame: what the log
            # could not read back (an empty title, say) must not get into it.
            try:
                readable = type(added).from_wire(added.to_wire()) == added
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
    doc_or_refusal = _current(state, command.document)
    if isinstance(doc_or_refusal, Rejection):
        return doc_or_refusal
    match command:
        case RenameDocument(document=doc_id, title=title):
            return [DocumentRenamed(doc_id, title)]
        case MoveDocument(document=doc_id, item=item_id, index=index):
            if state.item(item_id) is None:
                return Rejection(Refusal.UNKNOWN_AGENDA_ITEM, f"there is no agenda item {item_id!r}")
            others = [d for d in state.documents.values() if d.current and d.item == item_id and d.id != doc_id]
            return [DocumentMoved(doc_id, item_id, min(index, len(others)))]
        case RemoveDocument(document=doc_id):
            return [DocumentRemoved(v) for v in _versions(state, doc_id)]
    raise AssertionError(f"unhandled document command {command!r}")  # pragma: no cover


def open_page(state: MeetingState, actor: str, document: str, page: int) -> Rejection | None:
    """Why ``actor`` may not have ``page`` of ``document`` before them (to show it, to write on
    it), or None: no such document or page, or the document is hidden from them (recusal)."""
    doc = state.documents.get(document)
    if doc is None:
        return Rejection(Refusal.UNKNOWN_DOCUMENT, f"there is no document {document!r}")
    if not 1 <= page <= doc.pages:
        return Rejection(Refusal.PAGE_OUT_OF_RANGE, f"{doc.title!r} has {doc.pages} pages, not {page}")
    if document not in visible_documents(state, actor):
        return Rejection(Refusal.DOCUMENT_HIDDEN, "this document is hidden from you (a conflict of interest)")
    return None


def first_page(state: MeetingState, actor: str, item: str) -> list[Event]:
    """Opening ``item`` shows its first document (one not hidden from ``actor``), page 1, unless
    a page that stays is on screen already: an item with papers never opens on an empty screen
    (issue 17 item 8)."""
    page = state.current_page
    if page is not None and state.documents[page.document].item in (None, item):
        return []  # a page of this item, or of a document of no item, stays (agenda_item_set)
    first = next((d for d in visible_documents(state, actor).values() if d.current and d.item == item), None)
    return [] if first is None else [PageShown(first.id, 1)]


def _current(state: MeetingState, doc_id: str) -> DocumentRef | Rejection:
    """The document ``doc_id`` if it is the version in force; only that one is changed."""
    doc = state.documents.get(doc_id)
    if doc is None:
        return Rejection(Refusal.UNKNOWN_DOCUMENT, f"there is no document {doc_id!r}")
    if doc.superseded_by is not None:
        return Rejection(Refusal.DOCUMENT_SUPERSEDED, f"a newer version replaced {doc.title!r}: change that one")
    return doc


def _versions(state: MeetingState, doc_id: str) -> list[str]:
    """``doc_id`` and the versions it replaced, newest first."""
    chain = [doc_id]
    while (earlier := state.documents[chain[-1]].replaces) is not None and earlier in state.documents:
        chain.append(earlier)
    return chain


def apply(state: MeetingState, event: DocumentEvent, seq: int) -> MeetingState:
    docs = dict(state.documents)
    match event:
        case DocumentAdded(document=doc):
            docs[doc.id] = doc
        case DocumentRenamed(document=doc_id, title=title):
            docs[doc_id] = replace(docs[doc_id], title=title)
        case DocumentReplaced(document=doc):
            assert doc.replaces is not None
            order = list(docs.values())
            at = next(i for i, d in enumerate(order) if d.id == doc.replaces)
            order[at] = replace(order[at], superseded_by=doc.id)
            order.insert(at + 1, doc)  # the new version stands where the old one stood
            page = state.current_page
            return replace(
                state,
                seq=seq,
                documents={d.id: d for d in order},
                # The room's screen follows the paper to its new version, on the same page if it has it.
                current_page=PageRef(doc.id, min(page.page, doc.pages))
                if page and page.document == doc.replaces
                else page,
                presenter=tuple(s for s in state.presenter if s.document != doc.replaces),
            )
        case DocumentMoved(document=doc_id, item=item_id, index=index):
            earlier = set(_versions(state, doc_id)[1:])  # the earlier versions go with it
            docs = {k: replace(d, item=item_id) if k in earlier else d for k, d in docs.items()}
            moved = replace(docs.pop(doc_id), item=item_id)
            order = list(docs.values())
            siblings = [i for i, d in enumerate(order) if d.current and d.item == item_id]
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
