"""Where a meeting stands, in one word, for lists (the home page, the archive, ``emeeting
meetings``): its status, postponed, or once closed how far its minutes went. Pure: from the state."""

from __future__ import annotations

from rooms.minutes_model import MinutesStatus
from rooms.model import MeetingState, MeetingStatus

# Each word, in Thai and in English.
WORDS = {
    "scheduled": ("นัดประชุมแล้ว", "scheduled"),
    "postponed": ("เลื่อนการประชุม", "postponed"),
    "cancelled": ("ยกเลิก", "cancelled"),
    "open": ("กำลังประชุม", "open"),
    "closed": ("ปิดการประชุม", "closed"),
    "circulated": ("เวียนรายงานแล้ว", "minutes circulated"),
    "adopted": ("รับรองรายงานแล้ว", "minutes adopted"),
}


def standing(state: MeetingState) -> str:
    """One of ``WORDS``."""
    if state.status is MeetingStatus.SCHEDULED and state.postponed is not None:
        return "postponed"
    if state.status is MeetingStatus.CLOSED and state.minutes.status is not MinutesStatus.DRAFT:
        return state.minutes.status.value
    return state.status.value
