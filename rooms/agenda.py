"""The rules of the agenda: add, rename, move (reorder, nest, unnest), remove an item, set its kind.

The agenda is a tree kept flat, depth first: each item names its ``parent``, and an item's
place among its siblings is its place in the tuple. Its number ("4", "4.1") is derived from
that by :func:`renumber` after every change and never stored, so the log says what was
decided (this item now stands there), not the numbers it happened to have.

Removing an item is refused while anything hangs on it (sub-items, documents, votes, minutes,
conflicts of interest, or the screen showing it): a user who removes an item does not mean to
lose a paper or a resolution, and the refusal says what to move first (the documents have
``move_document``; votes, minutes and conflicts are the record and stay where they were made).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from rooms.commands_agenda import (
    AddAgendaItem,
    AgendaCommand,
    MoveAgendaItem,
    RemoveAgendaItem,
    RenameAgendaItem,
    SetAgendaItemKind,
)
from rooms.events_agenda import (
    AgendaEvent,
    AgendaItemAdded,
    AgendaItemKindSet,
    AgendaItemMoved,
    AgendaItemRemoved,
    AgendaItemRenamed,
)
from rooms.model import AgendaItem, ItemKind, MeetingState, MeetingStatus, Role
from rooms.refusals import Refusal, Rejection

MAX_DEPTH = 3  # levels: 4, 4.1, 4.1.1
MAX_ITEMS = 200

# How a title says what an item is for, when nobody said it (the new-meeting form, a pasted agenda).
_KIND_WORDS = (
    (ItemKind.PREVIOUS_MINUTES, re.compile(r"รับรองรายงาน|previous minutes|confirmation of (the )?minutes", re.I)),
    (ItemKind.CARRIED, re.compile(r"สืบเนื่อง|matters arising|carried forward", re.I)),
)


def guess_kind(title: str, taken: Iterable[ItemKind] = ()) -> ItemKind:
    """The kind a top-level item's title names (the first of its kind only), else an ordinary item."""
    used = set(taken)
    for kind, words in _KIND_WORDS:
        if kind not in used and words.search(title):
            return kind
    return ItemKind.ITEM


def renumber(items: Sequence[AgendaItem]) -> tuple[AgendaItem, ...]:
    """The same items (depth first, each after its parent) with the numbers their places give."""
    counts: dict[str | None, int] = {}
    numbers: dict[str, str] = {}
    out: list[AgendaItem] = []
    for item in items:
        counts[item.parent] = counts.get(item.parent, 0) + 1
        prefix = f"{numbers[item.parent]}." if item.parent in numbers else ""  # (a log's stray parent: top)
        numbers[item.id] = f"{prefix}{counts[item.parent]}"
        out.append(item if item.number == numbers[item.id] else replace(item, number=numbers[item.id]))
    return tuple(out)


def subtree(agenda: Sequence[AgendaItem], item_id: str) -> list[str]:
    """``item_id`` and every item under it."""
    ids = [item_id]
    for item in agenda:  # depth first: a child always comes after its parent
        if item.parent in ids:
            ids.append(item.id)
    return ids


def _height(agenda: Sequence[AgendaItem], item_id: str) -> int:
    """Levels in the subtree of ``item_id`` (1 for an item without sub-items)."""
    depth = {item_id: 1}
    for item in agenda:
        if item.parent in depth:
            depth[item.id] = depth[item.parent] + 1
    return max(depth.values())


def _level(state: MeetingState, parent: str | None) -> int:
    """The level (0 = top) a child of ``parent`` stands at."""
    item = state.item(parent) if parent is not None else None
    return 0 if item is None else item.depth + 1


def _chair(state: MeetingState) -> str | None:
    return next((m.id for m in state.members.values() if m.role is Role.CHAIR), None)


def _unknown(item_id: str) -> Rejection:
    return Rejection(Refusal.UNKNOWN_AGENDA_ITEM, f"there is no agenda item {item_id!r}")


def decide(state: MeetingState, actor: str, command: AgendaCommand) -> list[AgendaEvent] | Rejection:
    if state.status is MeetingStatus.CLOSED:  # the agenda of a closed meeting is part of its record
        return Rejection(Refusal.MEETING_CLOSED, "the meeting has been closed")
    match command:
        case AddAgendaItem(item=item_id, title=title, parent=parent, index=index, kind=kind):
            if state.item(item_id) is not None:
                return Rejection(Refusal.AGENDA_ITEM_EXISTS, f"there is already an agenda item {item_id!r}")
            if len(state.agenda) >= MAX_ITEMS:
                return Rejection(Refusal.AGENDA_TOO_LONG, f"an agenda has at most {MAX_ITEMS} items")
            if parent is not None and state.item(parent) is None:
                return _unknown(parent)
            if _level(state, parent) >= MAX_DEPTH:
                return Rejection(Refusal.AGENDA_TOO_DEEP, f"an agenda has at most {MAX_DEPTH} levels (4.1.1)")
            last = sum(1 for i in state.agenda if i.parent == parent)
            at = last if index is None else min(index, last)
            consent: str | None = None
            supplementary = state.status is MeetingStatus.OPEN
            if supplementary:
                if state.members[actor].role is Role.CHAIR:
                    consent = actor
                elif command.chair_consent:
                    consent = _chair(state)
                else:
                    return Rejection(
                        Refusal.CHAIR_CONSENT_REQUIRED,
                        "an item added during the meeting needs the chair's consent (chair_consent)",
                    )
            return [AgendaItemAdded(item_id, title, parent, at, kind, supplementary, actor, consent)]
    item = state.item(command.item)
    if item is None:
        return _unknown(command.item)
    match command:
        case RenameAgendaItem(title=title):
            return [] if title == item.title else [AgendaItemRenamed(item.id, title)]
        case SetAgendaItemKind(kind=kind):
            return [] if kind is item.kind else [AgendaItemKindSet(item.id, kind)]
        case MoveAgendaItem(parent=parent, index=index):
            if parent is not None:
                if state.item(parent) is None:
                    return _unknown(parent)
                if parent in subtree(state.agenda, item.id):
                    return Rejection(Refusal.INVALID_AGENDA_MOVE, "an item cannot go under itself or its own sub-item")
            if _level(state, parent) + _height(state.agenda, item.id) > MAX_DEPTH:
                return Rejection(Refusal.AGENDA_TOO_DEEP, f"an agenda has at most {MAX_DEPTH} levels (4.1.1)")
            siblings = [i.id for i in state.agenda if i.parent == parent and i.id != item.id]
            at = len(siblings) if index is None else min(index, len(siblings))
            here = [i.id for i in state.agenda if i.parent == item.parent]
            if parent == item.parent and here.index(item.id) == at:
                return []  # already there
            return [AgendaItemMoved(item.id, parent, at)]
        case RemoveAgendaItem():
            refused = removal_refused(state, item)
            return refused if refused is not None else [AgendaItemRemoved(item.id)]
    raise AssertionError(f"unhandled agenda command {command!r}")  # pragma: no cover


def removal_refused(state: MeetingState, item: AgendaItem) -> Rejection | None:
    """Why ``item`` may not be removed, or None. Pages use it to offer removal only where it works."""
    n = item.number
    if any(i.parent == item.id for i in state.agenda):
        return Rejection(Refusal.AGENDA_ITEM_HAS_SUBITEMS, f"item {n} has sub-items: move or remove them first")
    if len(state.agenda) == 1:
        return Rejection(Refusal.AGENDA_ITEM_LAST, "a meeting keeps at least one agenda item")
    if state.current_item == item.id:
        return Rejection(Refusal.AGENDA_ITEM_CURRENT, f"item {n} is on the screen: go to another item first")
    if any(d.item == item.id for d in state.documents.values()):
        return Rejection(Refusal.AGENDA_ITEM_HAS_DOCUMENTS, f"item {n} has documents: move or remove them first")
    if any(v.item == item.id for v in state.votes.values()):
        return Rejection(Refusal.AGENDA_ITEM_HAS_VOTES, f"item {n} has votes: they are part of the record")
    if has_minutes(state, item):
        return Rejection(Refusal.AGENDA_ITEM_HAS_MINUTES, f"item {n} has minutes: they are part of the record")
    if any(on == item.id for (_, on) in state.conflicts):
        return Rejection(
            Refusal.AGENDA_ITEM_HAS_CONFLICTS,
            f"item {n} has declared conflicts of interest: they are part of the record",
        )
    return None


def has_minutes(state: MeetingState, item: AgendaItem) -> bool:
    minutes = state.minutes
    written = minutes.item(item.id)
    if (written.notes, written.resolution, written.dissent, written.actions) != ("", "", "", ()):
        return True
    if item.kind is ItemKind.PREVIOUS_MINUTES and (minutes.previous is not None or minutes.certified is not None):
        return True
    return item.kind is ItemKind.CARRIED and bool(minutes.carried)


def apply(state: MeetingState, event: AgendaEvent, seq: int) -> MeetingState:
    agenda = list(state.agenda)
    match event:
        case AgendaItemAdded():
            new = AgendaItem(event.item, "", event.title, event.parent, event.kind, event.supplementary, event.consent)
            agenda = _insert(agenda, [new], event.parent, event.index)
            if event.kind is not ItemKind.ITEM:
                agenda = _only(agenda, event.item, event.kind)
        case AgendaItemRenamed(item=item_id, title=title):
            agenda = [replace(i, title=title) if i.id == item_id else i for i in agenda]
        case AgendaItemKindSet(item=item_id, kind=kind):
            agenda = _only([replace(i, kind=kind) if i.id == item_id else i for i in agenda], item_id, kind)
        case AgendaItemMoved(item=item_id, parent=parent, index=index):
            ids = set(subtree(agenda, item_id))
            moving = [replace(i, parent=parent) if i.id == item_id else i for i in agenda if i.id in ids]
            agenda = _insert([i for i in agenda if i.id not in ids], moving, parent, index)
        case AgendaItemRemoved(item=item_id):
            agenda = [i for i in agenda if i.id != item_id]
            # Nothing written was left (the rules refuse otherwise): no empty entry stays behind.
            items = {k: v for k, v in state.minutes.items.items() if k != item_id}
            return replace(state, seq=seq, agenda=renumber(agenda), minutes=replace(state.minutes, items=items))
    return replace(state, seq=seq, agenda=renumber(agenda))


def _only(agenda: list[AgendaItem], keeper: str, kind: ItemKind) -> list[AgendaItem]:
    """Kinds other than ``item`` belong to one item at most: the others lose it."""
    if kind is ItemKind.ITEM:
        return agenda
    return [replace(i, kind=ItemKind.ITEM) if i.kind is kind and i.id != keeper else i for i in agenda]


def _insert(agenda: list[AgendaItem], block: list[AgendaItem], parent: str | None, index: int) -> list[AgendaItem]:
    """``block`` (an item and its sub-items) as the ``index``-th child of ``parent``."""
    siblings = [n for n, i in enumerate(agenda) if i.parent == parent]
    if index < len(siblings):
        at = siblings[index]
    elif siblings:  # after the last sibling's whole subtree
        last = agenda[siblings[-1]].id
        at = siblings[-1] + len(subtree(agenda, last))
    else:  # the first child: right after the parent (or an empty agenda)
        at = next((n + 1 for n, i in enumerate(agenda) if i.id == parent), len(agenda))
    return agenda[:at] + block + agenda[at:]
