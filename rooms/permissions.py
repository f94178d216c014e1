"""Who may send what: the role x command matrix, in one table.

A command missing from the table is allowed to nobody, so a new command is
closed until someone decides who may use it.
"""

from __future__ import annotations

from rooms.commands import CloseMeeting, Command, OpenMeeting, SetAgendaItem, ShowPage
from rooms.model import Role

CHAIR = frozenset({Role.CHAIR})
PRESENTERS = frozenset({Role.CHAIR, Role.SECRETARY})

PERMISSIONS: dict[str, frozenset[Role]] = {
    # The chair opens and closes the meeting (ประธานเปิด/ปิดประชุม).
    OpenMeeting.TYPE: CHAIR,
    CloseMeeting.TYPE: CHAIR,
    # The secretary often drives the screen for the chair.
    SetAgendaItem.TYPE: PRESENTERS,
    ShowPage.TYPE: PRESENTERS,
}


def allowed(role: Role, command: Command) -> bool:
    return role in PERMISSIONS.get(command.TYPE, frozenset())
