"""Ink on pages: each member's private annotations, the presenter's pen, the pointer.

A member's annotations are theirs alone. They are not part of the meeting's state or of
its log that every device hears: each member has an ink log of their own, numbered
``n = 1, 2, ...``, folded into an :class:`Ink`, and the server sends it to that member's
devices only. :func:`decide` turns a member's ink command into ink events, :func:`apply`
folds one into their ink. Both are pure, like rooms.room.

The presenter's pen and the pointer are the meeting's: see rooms/events_ink.py and
:func:`decide_shared`, called by rooms.room.decide.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from rooms import fields, permissions
from rooms.commands_ink import (
    MAX_ERASE,
    ClearPage,
    ClearPresented,
    Draw,
    Erase,
    InkCommand,
    Point,
    PresentStroke,
    RemoveNote,
    SetNote,
    SharedInkCommand,
)
from rooms.documents import open_page
from rooms.events_ink import PresenterCleared, PresenterDrew
from rooms.model import MeetingState, MeetingStatus
from rooms.refusals import Refusal, Rejection
from rooms.strokes import Note, Stroke

MAX_STROKES = 20_000  # a member's strokes in one meeting: far more than a day of writing
MAX_NOTES = 1_000
MAX_PRESENTER_STROKES = 2_000  # they are in every snapshot: the chair clears them as pages turn
MAX_PRESENTER_BYTES = 2 * 1024 * 1024  # of points, so that a snapshot stays a few MiB at most


# -- a member's ink log ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StrokeDrawn:
    TYPE: ClassVar[str] = "stroke_drawn"
    stroke: Stroke

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "stroke": self.stroke.to_wire()}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> StrokeDrawn:
        return cls(Stroke.from_wire(fields.mapping(body, "stroke")))


@dataclass(frozen=True, slots=True)
class StrokesErased:
    TYPE: ClassVar[str] = "strokes_erased"
    strokes: tuple[str, ...]

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "strokes": list(self.strokes)}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> StrokesErased:
        return cls(tuple(fields.texts(body, "strokes", max_items=MAX_ERASE, max_len=fields.MAX_ID)))


@dataclass(frozen=True, slots=True)
class PageCleared:
    TYPE: ClassVar[str] = "page_cleared"
    document: str
    page: int

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "document": self.document, "page": self.page}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> PageCleared:
        return cls(fields.ident(body, "document"), fields.integer(body, "page", minimum=1))


@dataclass(frozen=True, slots=True)
class NoteSet:
    TYPE: ClassVar[str] = "note_set"
    note: Note

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "note": self.note.to_wire()}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> NoteSet:
        return cls(Note.from_wire(fields.mapping(body, "note")))


@dataclass(frozen=True, slots=True)
class NoteRemoved:
    TYPE: ClassVar[str] = "note_removed"
    note: str

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "note": self.note}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> NoteRemoved:
        return cls(fields.ident(body, "note"))


InkEvent = StrokeDrawn | StrokesErased | PageCleared | NoteSet | NoteRemoved
INK_EVENT_TYPES: dict[str, type[InkEvent]] = {
    cls.TYPE: cls for cls in (StrokeDrawn, StrokesErased, PageCleared, NoteSet, NoteRemoved)
}


def ink_event_from_wire(body: Mapping[str, Any]) -> InkEvent:
    name = body.get("type")
    cls = INK_EVENT_TYPES.get(name) if isinstance(name, str) else None
    if cls is None:
        raise fields.FieldError("type", f"unknown ink event {name!r}")
    return cls.from_wire(body)


@dataclass(frozen=True, slots=True)
class Ink:
    """One member's annotations after their ink event ``n``: the strokes (full, for the
    export) and the notes, by id."""

    n: int = 0
    strokes: Mapping[str, Stroke] = field(default_factory=dict)
    notes: Mapping[str, Note] = field(default_factory=dict)


def apply(ink: Ink, event: InkEvent) -> Ink:
    """The member's ink after ``event``, their next one."""
    strokes, notes = ink.strokes, ink.notes
    match event:
        case StrokeDrawn(stroke=stroke):
            strokes = {**strokes, stroke.id: stroke}
        case StrokesErased(strokes=gone):
            strokes = {i: s for i, s in strokes.items() if i not in gone}
        case PageCleared(document=document, page=page):
            strokes = {i: s for i, s in strokes.items() if (s.document, s.page) != (document, page)}
        case NoteSet(note=note):
            notes = {**notes, note.id: note}
        case NoteRemoved(note=gone_note):
            notes = {i: n for i, n in notes.items() if i != gone_note}
    return Ink(ink.n + 1, strokes, notes)


def _allowed(state: MeetingState, actor: str, command_type: str) -> Rejection | None:
    if actor == permissions.SYSTEM:
        return Rejection(Refusal.FORBIDDEN, "the server has no ink of its own")
    return permissions.refusal(state, actor, command_type)


def decide(state: MeetingState, ink: Ink, actor: str, command: InkCommand) -> list[InkEvent] | Rejection:
    """The ink events of ``actor``'s command, given the meeting and their ink so far.

    Annotating needs no open meeting: members read and write on their papers before and after.
    """
    if (refused := _allowed(state, actor, command.TYPE)) is not None:
        return refused
    match command:
        case Draw(stroke=stroke):
            if (refused := open_page(state, actor, stroke.document, stroke.page)) is not None:
                return refused
            if stroke.id in ink.strokes:
                return Rejection(Refusal.STROKE_EXISTS, f"you already have a stroke {stroke.id!r}")
            if len(ink.strokes) >= MAX_STROKES:
                return Rejection(Refusal.TOO_MUCH_INK, f"at most {MAX_STROKES} strokes: erase some first")
            return [StrokeDrawn(stroke)]
        case Erase(strokes=ids):
            unknown = [i for i in ids if i not in ink.strokes]
            if unknown:
                return Rejection(Refusal.UNKNOWN_STROKE, f"you have no stroke {unknown[0]!r}")
            return [StrokesErased(ids)]
        case ClearPage(document=document, page=page):
            if (refused := open_page(state, actor, document, page)) is not None:
                return refused
            return [PageCleared(document, page)]
        case SetNote(note=note):
            if (refused := open_page(state, actor, note.document, note.page)) is not None:
                return refused
            if note.id not in ink.notes and len(ink.notes) >= MAX_NOTES:
                return Rejection(Refusal.TOO_MUCH_INK, f"at most {MAX_NOTES} notes")
            return [NoteSet(note)]
        case RemoveNote(note=note_id):
            if note_id not in ink.notes:
                return Rejection(Refusal.UNKNOWN_NOTE, f"you have no note {note_id!r}")
            return [NoteRemoved(note_id)]


# -- the meeting's shared ink ----------------------------------------------------------------------


def decide_shared(state: MeetingState, command: SharedInkCommand) -> list[PresenterDrew | PresenterCleared] | Rejection:
    """The presenter's pen and pointer (rooms.room.decide checked who may): only in an open
    meeting, on a page that exists; hiding the pointer and clearing the pen are always allowed
    (tidying up after the close). A pointer changes nothing in the log: allowed is ``[]``."""
    tidying = isinstance(command, ClearPresented) or (isinstance(command, Point) and command.x is None)
    if state.status is MeetingStatus.SCHEDULED and not tidying:
        return Rejection(Refusal.MEETING_NOT_OPEN, "the chair has not opened the meeting yet")
    if state.status is MeetingStatus.CLOSED and not tidying:
        return Rejection(Refusal.MEETING_CLOSED, "the meeting has been closed")
    match command:
        case PresentStroke(stroke=stroke):
            if (refused := open_page(state, "", stroke.document, stroke.page)) is not None:
                return refused
            if any(s.id == stroke.id for s in state.presenter):
                return Rejection(Refusal.STROKE_EXISTS, f"there is already a stroke {stroke.id!r}")
            used = sum(len(s.points) for s in state.presenter) + len(stroke.points)
            if len(state.presenter) >= MAX_PRESENTER_STROKES or used > MAX_PRESENTER_BYTES:
                return Rejection(Refusal.TOO_MUCH_INK, "too many presenter strokes: clear some pages first")
            return [PresenterDrew(stroke)]
        case ClearPresented(document=document, page=page):
            if document is not None and document not in state.documents:
                return Rejection(Refusal.UNKNOWN_DOCUMENT, f"there is no document {document!r}")
            return [PresenterCleared(document, page)]
        case Point(document=document, page=page, x=x):
            shown = x is not None and document is not None
            if shown and (refused := open_page(state, "", document or "", page)) is not None:
                return refused
            return []


def presenter_after(state: MeetingState, event: PresenterDrew | PresenterCleared) -> MeetingState:
    match event:
        case PresenterDrew(stroke=stroke):
            return replace(state, presenter=(*state.presenter, stroke))
        case PresenterCleared(document=document, page=page):
            kept = tuple(
                s
                for s in state.presenter
                if not (document is None or (s.document == document and (page is None or s.page == page)))
            )
            return replace(state, presenter=kept)
