"""What the rules allow in each state of a meeting: the one table the pages offer buttons from.

A meeting goes through five phases (:class:`Phase`), or is cancelled before it opens (a sixth,
for good): before it opens, open, closed (minutes in
draft), minutes circulated, minutes adopted. :data:`PHASES` says, for every command a member may
send, in which phases the rules (:func:`rooms.room.decide` and the modules it calls) accept it;
:func:`offers` combines it with the role table of :mod:`rooms.permissions`. Other refusals
(no quorum, an unknown item, a ballot already cast...) depend on what the user chose and are
answered by the command's refusal, with its reason; the phase and the role decide whether the
button is there at all.

The pages get the table in their boot data (``offers``: command type -> the phases in which this
member may send it) and derive the phase from the state they fold (static/js/offers.js, the same
three lines as :func:`phase`), so a page never offers what the rules would refuse because of the
meeting's state. tests/rooms/test_offers.py checks, for every command, role and phase, that
:func:`offers` agrees with :func:`rooms.room.decide`: a change to the rules that forgets this
table fails there.
"""

from __future__ import annotations

import enum

from rooms import permissions
from rooms.minutes_model import MinutesStatus
from rooms.model import MeetingState, MeetingStatus, Role


class Phase(enum.StrEnum):
    """Where a meeting is in its life; it only moves forward, in this order."""

    SCHEDULED = "scheduled"  # not opened yet
    OPEN = "open"
    CLOSED = "closed"  # closed, the minutes in draft
    CIRCULATED = "circulated"  # the minutes sent round for signature
    ADOPTED = "adopted"  # the minutes adopted: the record is final
    CANCELLED = "cancelled"  # cancelled before it opened (rooms/schedule.py): for good


def phase(state: MeetingState) -> Phase:
    """The meeting's phase: its status, and once closed (or certified by a later meeting) its minutes'."""
    if state.minutes.status is MinutesStatus.ADOPTED:
        return Phase.ADOPTED
    if state.status is not MeetingStatus.CLOSED:
        return Phase(state.status.value)
    return Phase.CIRCULATED if state.minutes.status is MinutesStatus.CIRCULATED else Phase.CLOSED


ALWAYS = frozenset(Phase)  # a member's own ink on the papers: even of a cancelled meeting
LIFE = ALWAYS - {Phase.CANCELLED}  # a cancelled meeting accepts nothing else
BEFORE_CLOSE = frozenset({Phase.SCHEDULED, Phase.OPEN})
WHILE_OPEN = frozenset({Phase.OPEN})
UNTIL_ADOPTED = LIFE - {Phase.ADOPTED}

# Command type -> the phases in which the rules accept it (from the member's side: the server's
# own commands, permissions.SYSTEM_COMMANDS, are not offered to anyone).
PHASES: dict[str, frozenset[Phase]] = {
    "open_meeting": frozenset({Phase.SCHEDULED}),
    "close_meeting": WHILE_OPEN,
    "set_agenda_item": WHILE_OPEN,
    "show_page": WHILE_OPEN,
    # The agenda is edited before and during the meeting (rooms/agenda.py); after it, it is the record.
    "add_agenda_item": BEFORE_CLOSE,
    "rename_agenda_item": BEFORE_CLOSE,
    "move_agenda_item": BEFORE_CLOSE,
    "remove_agenda_item": BEFORE_CLOSE,
    "set_agenda_item_kind": BEFORE_CLOSE,
    # The papers are prepared before and during the meeting; after it they are its record.
    "add_document": BEFORE_CLOSE,
    "rename_document": BEFORE_CLOSE,
    "move_document": BEFORE_CLOSE,
    "remove_document": BEFORE_CLOSE,
    # The attendance record (rooms/attendance.py): corrected after the close until the minutes
    # are adopted; the quorum rule, which the minutes do not print, is never frozen.
    "record_attendance": UNTIL_ADOPTED,
    "set_substitute": UNTIL_ADOPTED,
    "add_guest": UNTIL_ADOPTED,
    "set_quorum": LIFE,
    # Leaving, and a conflict of interest, are things that happen in a meeting: not after it.
    "leave_meeting": BEFORE_CLOSE,
    "declare_conflict": BEFORE_CLOSE,
    "withdraw_conflict": BEFORE_CLOSE,
    # Votes are held while the meeting is open.
    "open_vote": WHILE_OPEN,
    "close_vote": WHILE_OPEN,
    "break_tie": WHILE_OPEN,
    "cast_ballot": WHILE_OPEN,
    # A member's own ink is theirs to write at any time.
    "draw": ALWAYS,
    "erase": ALWAYS,
    "clear_page": ALWAYS,
    "set_note": ALWAYS,
    "remove_note": ALWAYS,
    # The presenter's pen and pointer; clearing the pen is tidying up, allowed at any time.
    "present_stroke": WHILE_OPEN,
    "point": WHILE_OPEN,
    "clear_presented": LIFE,
    # The minutes: written until adopted, circulated and signed once the meeting is closed.
    "edit_minutes": UNTIL_ADOPTED,
    "set_action": UNTIL_ADOPTED,
    "remove_action": UNTIL_ADOPTED,
    "circulate_minutes": frozenset({Phase.CLOSED}),
    "sign_minutes": frozenset({Phase.CLOSED, Phase.CIRCULATED}),  # not again once adopted
    "adopt_minutes": frozenset({Phase.CIRCULATED}),
    "certify_minutes": WHILE_OPEN,  # the previous meeting's minutes, under the item that certifies them
    # The meeting's title, date, time and place; postponing, cancelling (rooms/schedule.py).
    "change_meeting_details": frozenset({Phase.SCHEDULED}),
    "postpone_meeting": frozenset({Phase.SCHEDULED}),
    "cancel_meeting": frozenset({Phase.SCHEDULED}),
    # The member list (rooms/members.py): added to and removed from before and during the
    # meeting; a name, position or title corrected until the record is adopted.
    "add_member": BEFORE_CLOSE,
    "update_member": UNTIL_ADOPTED,
    "remove_member": BEFORE_CLOSE,
}


def table(role: Role) -> dict[str, list[str]]:
    """For the pages' boot data: each command ``role`` may send -> the phases it is accepted in."""
    return {kind: sorted(p.value for p in phases) for kind, phases in PHASES.items() if permissions.may(role, kind)}


def offers(state: MeetingState, member: str) -> frozenset[str]:
    """The command types ``member`` may send in ``state``'s phase (empty for a stranger)."""
    who = state.members.get(member)
    if who is None:
        return frozenset()
    now = phase(state)
    return frozenset(kind for kind, phases in table(who.role).items() if now.value in phases)
