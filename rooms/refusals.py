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
    INVALID_DOCUMENT = "invalid_document"


@dataclass(frozen=True, slots=True)
class Rejection:
    code: Refusal
    message: str
