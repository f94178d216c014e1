"""Who may send what: the role x command matrix, in one table.

A command missing from the table is allowed to nobody, so a new command is
closed until someone decides who may use it. The commands the server issues
itself (pages rendered) are allowed only to :data:`SYSTEM`, which is no member.
"""

from __future__ import annotations

from rooms.commands import (
    AddDocument,
    CloseMeeting,
    Command,
    MarkPageFailed,
    MarkPagesReady,
    MoveDocument,
    OpenMeeting,
    RemoveDocument,
    RenameDocument,
    SetAgendaItem,
    ShowPage,
)
from rooms.model import Role

SYSTEM = "@server"  # the actor of commands the server issues itself; no member id starts with "@"
SYSTEM_COMMANDS = frozenset({MarkPagesReady.TYPE, MarkPageFailed.TYPE})

CHAIR = frozenset({Role.CHAIR})
PRESENTERS = frozenset({Role.CHAIR, Role.SECRETARY})

PERMISSIONS: dict[str, frozenset[Role]] = {
    # The chair opens and closes the meeting (ประธานเปิด/ปิดประชุม).
    OpenMeeting.TYPE: CHAIR,
    CloseMeeting.TYPE: CHAIR,
    # The secretary often drives the screen for the chair.
    SetAgendaItem.TYPE: PRESENTERS,
    ShowPage.TYPE: PRESENTERS,
    # The secretary prepares the documents; the chair may too.
    AddDocument.TYPE: PRESENTERS,
    RenameDocument.TYPE: PRESENTERS,
    MoveDocument.TYPE: PRESENTERS,
    RemoveDocument.TYPE: PRESENTERS,
}


def allowed(role: Role, command: Command) -> bool:
    return role in PERMISSIONS.get(command.TYPE, frozenset())
