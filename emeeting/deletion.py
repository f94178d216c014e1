"""Deleting a meeting created by mistake (issue 17 item 4): the one thing ever deleted.

Only a meeting that was never opened (scheduled, or cancelled before it opened) is deleted;
any other is refused with ``meeting_opened`` (HTTP 409). Deleting removes everything the
meeting left: its log (through the guarded trigger of store migration 7), commands,
invitations (so its links stop working), ink, ballots, connection records, its links to
uploaded files, and each file with its rendered pages and text when no other meeting uses it.
Its devices are closed first, and the hub forgets its room. Which tables and in what order:
emeeting/storage/deletion.py.
"""

from __future__ import annotations

import shutil

from emeeting import files, protocol
from emeeting.services import Services
from emeeting.storage.deletion import MeetingDeleted
from rooms.model import MeetingStatus

NEVER_OPENED = (MeetingStatus.SCHEDULED, MeetingStatus.CANCELLED)


class NotDeletable(Exception):
    """The meeting was opened: it is a record, never deleted."""


async def delete(services: Services, meeting_id: str) -> None:
    hub, store = services.hub, services.hub.store
    room = await hub.room(meeting_id)
    if room is None:
        return
    if room.committed.status not in NEVER_OPENED:
        raise NotDeletable(meeting_id)
    for member in room.committed.members:
        room.disconnect(member, protocol.CloseCode.REVOKED, "this meeting was deleted")
    hub.forget(meeting_id)
    catalogue = files.Catalogue(store, services.settings.data)
    linked = await store.deletion.linked_files(meeting_id)
    orphans = [sha for sha in linked if set(await catalogue.meetings_using(sha)) == {meeting_id}]
    await store.write(MeetingDeleted(meeting_id, tuple(orphans)))
    # A device that joined while the rows were going loaded the room again: forget it once more.
    if (again := hub.cached(meeting_id)) is not None:
        for member in again.committed.members:
            again.disconnect(member, protocol.CloseCode.REVOKED, "this meeting was deleted")
    hub.forget(meeting_id)
    for sha in orphans:
        shutil.rmtree(files.folder(services.settings.data, sha), ignore_errors=True)
