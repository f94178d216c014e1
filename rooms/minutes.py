"""The rules of the minutes: writing them (two secretaries never lose each other's text),
circulating, signing, adoption (by the next meeting under its item 2, or by circulation), and
the action items carried into the next meeting.

Every change to an item names the version of the item it was made on (``base``); a change on an
older version is refused with ``edit_conflict``, and the device shows both texts so that the
secretary chooses (docs/protocol.md). Adopted minutes never change again.
"""

from __future__ import annotations

from dataclasses import replace

from rooms.commands_minutes import (
    AdoptMinutes,
    CarryForward,
    CertifyMinutes,
    CirculateMinutes,
    EditMinutes,
    MinutesCommand,
    NotePreviousAdopted,
    RecordAdoption,
    RemoveAction,
    ServerMinutesCommand,
    SetAction,
    SignMinutes,
)
from rooms.events_minutes import (
    ActionRemoved,
    ActionSet,
    MinutesAdopted,
    MinutesCarried,
    MinutesCertified,
    MinutesCirculated,
    MinutesEdited,
    MinutesEvent,
    MinutesSigned,
    PreviousMinutesAdopted,
)
from rooms.minutes_model import MAX_ACTIONS, ItemMinutes, Minutes, MinutesField, MinutesStatus, Signed, SignerRole
from rooms.model import ItemKind, MeetingState, MeetingStatus, Role
from rooms.refusals import Refusal, Rejection


def _item(state: MeetingState, item: str, base: int) -> ItemMinutes | Rejection:
    if state.minutes.status is MinutesStatus.ADOPTED:
        return Rejection(Refusal.MINUTES_ADOPTED, "the minutes were adopted: they do not change any more")
    if state.item(item) is None:
        return Rejection(Refusal.UNKNOWN_AGENDA_ITEM, f"there is no agenda item {item!r}")
    current = state.minutes.item(item)
    if base != current.version:
        return Rejection(
            Refusal.EDIT_CONFLICT,
            f"the minutes of this item changed meanwhile (version {current.version}, you wrote on {base}): "
            "compare both texts and send yours again on the new version",
        )
    return current


def decide(
    state: MeetingState, actor: str, command: MinutesCommand | ServerMinutesCommand, now: int
) -> list[MinutesEvent] | Rejection:
    """The minutes' events of ``command`` (rooms.room.decide checked who may send it)."""
    minutes = state.minutes
    match command:
        case EditMinutes(item=item, field=name, text=text, base=base):
            current = _item(state, item, base)
            if isinstance(current, Rejection):
                return current
            if current.text(name) == text:
                return []  # nothing changed: nothing to store
            return [MinutesEdited(item, name, text, current.version + 1)]
        case SetAction(item=item, action=action, base=base):
            current = _item(state, item, base)
            if isinstance(current, Rejection):
                return current
            known = any(a.id == action.id for a in current.actions)
            if not known and len(current.actions) >= MAX_ACTIONS:
                return Rejection(Refusal.TOO_MANY_ACTIONS, f"an item has at most {MAX_ACTIONS} action items")
            return [ActionSet(item, replace(action, item=item), current.version + 1)]
        case RemoveAction(item=item, action=action_id, base=base):
            current = _item(state, item, base)
            if isinstance(current, Rejection):
                return current
            if not any(a.id == action_id for a in current.actions):
                return Rejection(Refusal.UNKNOWN_ACTION, f"this item has no action item {action_id!r}")
            return [ActionRemoved(item, action_id, current.version + 1)]
        case CirculateMinutes():
            if state.status is not MeetingStatus.CLOSED:
                return Rejection(Refusal.MEETING_NOT_CLOSED, "the minutes are circulated once the meeting is closed")
            if minutes.status is not MinutesStatus.DRAFT:
                return Rejection(Refusal.MINUTES_NOT_DRAFT, f"the minutes are already {minutes.status.value}")
            return [MinutesCirculated(tuple(minutes.items.items()))]
        case SignMinutes():
            if state.status is not MeetingStatus.CLOSED:
                return Rejection(Refusal.MEETING_NOT_CLOSED, "the minutes are signed once the meeting is closed")
            if minutes.status is MinutesStatus.ADOPTED:  # the adopted record keeps the signatures it had
                return Rejection(Refusal.MINUTES_ADOPTED, "the minutes were adopted: they are not signed again")
            member = state.members[actor]
            role = SignerRole.CHECKER if member.role is Role.CHAIR else SignerRole.RECORDER
            return [MinutesSigned(actor, member.name, member.position, role, now)]
        case AdoptMinutes(corrections=corrections):
            if minutes.status is not MinutesStatus.CIRCULATED:
                return Rejection(
                    Refusal.MINUTES_NOT_CIRCULATED
                    if minutes.status is MinutesStatus.DRAFT
                    else Refusal.MINUTES_ADOPTED,
                    "only circulated minutes can be adopted by circulation",
                )
            return [MinutesAdopted(None, corrections.strip(), now)]
        case CertifyMinutes(corrections=corrections):
            if minutes.previous is None:
                return Rejection(Refusal.NO_PREVIOUS_MINUTES, "this meeting does not follow another one")
            if minutes.certified is not None:
                return Rejection(Refusal.MINUTES_ADOPTED, "this meeting certified the previous minutes already")
            if minutes.previous_adopted_at is not None:
                how = "by circulation" if minutes.previous_adopted_by is None else "by another meeting"
                return Rejection(
                    Refusal.PREVIOUS_MINUTES_ADOPTED,
                    f"the previous meeting's minutes were adopted {how}: they are not certified again "
                    "(a correction is a new version of them, recorded under this item's minutes)",
                )
            if state.status is not MeetingStatus.OPEN:
                return Rejection(Refusal.MEETING_NOT_OPEN, "the minutes are certified during the meeting")
            shown = state.item(state.current_item) if state.current_item else None
            if shown is None or shown.kind is not ItemKind.PREVIOUS_MINUTES:
                return Rejection(
                    Refusal.WRONG_AGENDA_ITEM,
                    "the previous minutes are certified under their agenda item (รับรองรายงานการประชุม)",
                )
            return [MinutesCertified(minutes.previous, corrections.strip())]
        case RecordAdoption(by=by, corrections=corrections):
            if minutes.status is MinutesStatus.ADOPTED:
                return Rejection(Refusal.MINUTES_ADOPTED, "these minutes were adopted already")
            return [MinutesAdopted(by, corrections.strip(), now)]
        case CarryForward(previous=previous, actions=actions):
            return [MinutesCarried(previous, actions)]
        case NotePreviousAdopted(meeting=meeting, by=by, at=at):
            # Only about the meeting this one follows, once; this meeting's own certification is not news.
            if meeting != minutes.previous or by == state.id or minutes.certified is not None:
                return []
            if minutes.previous_adopted_at is not None:
                return []
            return [PreviousMinutesAdopted(meeting, by, at)]


def apply(state: MeetingState, event: MinutesEvent, seq: int) -> MeetingState:
    minutes = state.minutes
    match event:
        case MinutesEdited(item=item, field=name, text=text, version=version):
            old = minutes.item(item)
            match name:
                case MinutesField.NOTES:
                    changed = replace(old, notes=text, version=version)
                case MinutesField.RESOLUTION:
                    changed = replace(old, resolution=text, version=version)
                case MinutesField.DISSENT:
                    changed = replace(old, dissent=text, version=version)
            minutes = _changed(minutes, item, changed)
        case ActionSet(item=item, action=action, version=version):
            old = minutes.item(item)
            actions = tuple(action if a.id == action.id else a for a in old.actions)
            if not any(a.id == action.id for a in old.actions):
                actions = (*actions, action)
            minutes = _changed(minutes, item, replace(old, actions=actions, version=version))
        case ActionRemoved(item=item, action=gone, version=version):
            old = minutes.item(item)
            kept = tuple(a for a in old.actions if a.id != gone)
            minutes = _changed(minutes, item, replace(old, actions=kept, version=version))
        case MinutesCirculated():
            minutes = replace(minutes, status=MinutesStatus.CIRCULATED)
        case MinutesSigned(member=member, name=name, position=position, role=role, at=at):
            others = tuple(s for s in minutes.signatures if s.member != member)
            minutes = replace(minutes, signatures=(*others, Signed(member, name, position, role, at)))
        case MinutesAdopted(by=by, corrections=corrections, at=at):
            minutes = replace(
                minutes,
                status=MinutesStatus.ADOPTED,
                adopted_at=at,
                adopted_by=by,
                corrections=corrections,
                version=minutes.version + (1 if corrections else 0),
            )
        case MinutesCertified(corrections=corrections):
            # The previous meeting's room records the adoption itself (RecordAdoption).
            minutes = replace(minutes, certified=corrections)
        case MinutesCarried(previous=previous, actions=actions):
            minutes = replace(minutes, previous=previous, carried=actions)
        case PreviousMinutesAdopted(by=by, at=at):
            minutes = replace(minutes, previous_adopted_at=at, previous_adopted_by=by)
    return replace(state, seq=seq, minutes=minutes)


def _changed(minutes: Minutes, item: str, changed: ItemMinutes) -> Minutes:
    # Any change voids the signatures: they were given to the text as it was.
    return replace(minutes, items={**minutes.items, item: changed}, signatures=())
