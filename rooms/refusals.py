"""Why a command was refused: stable codes that clients may switch on."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Refusal(enum.StrEnum):
    """Why a command was refused: stable codes that clients may switch on."""

    FORBIDDEN = "forbidden"
    NOT_A_MEMBER = "not_a_member"
    MEETING_NOT_OPEN = "meeting_not_open"
    MEETING_ALREADY_OPEN = "meeting_already_open"
    MEETING_CLOSED = "meeting_closed"
    UNKNOWN_AGENDA_ITEM = "unknown_agenda_item"
    UNKNOWN_DOCUMENT = "unknown_document"
    PAGE_OUT_OF_RANGE = "page_out_of_range"
    DOCUMENT_EXISTS = "document_exists"
    DOCUMENT_DUPLICATE = "document_duplicate"
    DOCUMENT_SUPERSEDED = "document_superseded"
    INVALID_DOCUMENT = "invalid_document"
    # attendance, quorum, recusal
    UNKNOWN_MEMBER = "unknown_member"
    MEMBER_EXISTS = "member_exists"
    NOT_PRESENT = "not_present"
    INVALID_ATTENDANCE = "invalid_attendance"
    INVALID_QUORUM = "invalid_quorum"
    NO_CONFLICT = "no_conflict"
    ALREADY_VOTED = "already_voted"
    # votes
    NO_QUORUM = "no_quorum"
    NO_VOTERS = "no_voters"
    UNKNOWN_VOTE = "unknown_vote"
    VOTE_EXISTS = "vote_exists"
    VOTE_OPEN = "vote_open"
    VOTE_CLOSED = "vote_closed"
    INVALID_VOTE = "invalid_vote"
    NOT_ELIGIBLE = "not_eligible"
    RECUSED = "recused"
    INVALID_CHOICE = "invalid_choice"
    BALLOT_FINAL = "ballot_final"
    NOT_COUNTED = "not_counted"
    NOT_A_TIE = "not_a_tie"
    TIE_UNBROKEN = "tie_unbroken"
    # ink
    DOCUMENT_HIDDEN = "document_hidden"
    STROKE_EXISTS = "stroke_exists"
    UNKNOWN_STROKE = "unknown_stroke"
    UNKNOWN_NOTE = "unknown_note"
    TOO_MUCH_INK = "too_much_ink"
    # minutes
    EDIT_CONFLICT = "edit_conflict"
    MINUTES_ADOPTED = "minutes_adopted"
    MINUTES_NOT_DRAFT = "minutes_not_draft"
    MINUTES_NOT_CIRCULATED = "minutes_not_circulated"
    MEETING_NOT_CLOSED = "meeting_not_closed"
    UNKNOWN_ACTION = "unknown_action"
    TOO_MANY_ACTIONS = "too_many_actions"
    NO_PREVIOUS_MINUTES = "no_previous_minutes"
    WRONG_AGENDA_ITEM = "wrong_agenda_item"
    # the record is the record (rooms/attendance.py, rooms/minutes.py)
    RECORD_ADOPTED = "record_adopted"  # the minutes are adopted: the attendance no longer changes
    PREVIOUS_MINUTES_ADOPTED = "previous_minutes_adopted"  # adopted by circulation: not certified again
    # the agenda (rooms/agenda.py)
    AGENDA_ITEM_EXISTS = "agenda_item_exists"
    AGENDA_TOO_LONG = "agenda_too_long"
    AGENDA_TOO_DEEP = "agenda_too_deep"
    INVALID_AGENDA_MOVE = "invalid_agenda_move"
    CHAIR_CONSENT_REQUIRED = "chair_consent_required"
    AGENDA_ITEM_HAS_SUBITEMS = "agenda_item_has_subitems"
    AGENDA_ITEM_LAST = "agenda_item_last"
    AGENDA_ITEM_CURRENT = "agenda_item_current"
    AGENDA_ITEM_HAS_DOCUMENTS = "agenda_item_has_documents"
    AGENDA_ITEM_HAS_VOTES = "agenda_item_has_votes"
    AGENDA_ITEM_HAS_MINUTES = "agenda_item_has_minutes"
    AGENDA_ITEM_HAS_CONFLICTS = "agenda_item_has_conflicts"
    # the meeting's date, time and place; postponed, cancelled (rooms/schedule.py)
    MEETING_CANCELLED = "meeting_cancelled"
    NOTHING_CHANGED = "nothing_changed"
    # The member list (rooms/members.py).
    UNKNOWN_OFFICE = "unknown_office"  # a committee title rooms/offices.py does not know
    ONLY_CHAIR = "only_chair"
    SELF_REMOVAL = "self_removal"
    MEMBER_HAS_VOTED = "member_has_voted"
    MEMBER_ATTENDED = "member_attended"


@dataclass(frozen=True, slots=True)
class Rejection:
    code: Refusal
    message: str
