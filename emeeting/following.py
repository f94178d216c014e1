"""The next meeting (issue 17 item 6): the new-meeting form opened from a closed meeting.

It comes up with the same members and committee roles, ครั้งที่ N+1 of the same year (fiscal or
calendar: whichever the previous meeting counted in, its number is simply the next one), the same
title, time, place, organisation and time zone, and the date left for the secretary to choose.
The minutes and the actions follow through ``follows`` (checked): emeeting/web.py carry_forward.
"""

from __future__ import annotations

from emeeting.setup import PERMISSION_NAMES, Form
from rooms.model import MeetingState, Member, Role
from rooms.offices import office


def member_line(member: Member) -> str:
    """The form's line for ``member``, which :func:`emeeting.setup.parse_members` reads back into
    the same role, vote and title. A title the table does not know, or one whose role or vote is
    not the member's, is written with its permission word after it (and then votes unless a guest).
    A member without a title (a log older than titles) gets the word of her permission."""
    title = member.title or PERMISSION_NAMES[member.role.value]
    known = office(title)
    if known is not None and (known.role, known.voting) == (member.role, member.voting):
        return f"{member.name} | {member.position} | {title}"
    return f"{member.name} | {member.position} | {title} | {PERMISSION_NAMES[member.role.value]}"


def form_after(state: MeetingState) -> Form:
    """The new-meeting form for the meeting after ``state``."""
    info = state.info
    members = [
        m
        for m in state.members.values()
        # The secretary the form added for its creator (no title, no vote) is added again for
        # whoever creates the next one (emeeting/setup.py build).
        if not (m.id == "m0" and m.role is Role.SECRETARY and not m.title and not m.voting)
    ]
    return Form(
        title=info.title,
        number=str(info.number + 1),
        year=str(info.year),
        date="",
        time=info.time,
        place=info.place,
        organisation=info.organisation,
        timezone=info.timezone,
        members="\n".join(member_line(m) for m in members),
    )
