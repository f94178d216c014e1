"""Each member's private ink in a meeting being served: decided, written, sent to them alone.

A member's ink is a log of its own (store table ``ink``, rooms/ink.py), numbered ``n`` per
member. A command is decided against the member's ink including what is queued for commit
(``decided``), written by the store's one writer like every event, and only after the commit
sent as an ``ink`` frame to that member's devices through the room's channel (the sender
first, then its ack, then the member's other devices: emeeting/channel.py), never to anyone
else. A resend of a command id already applied is acknowledged again with the same ``n``, so ink
drawn offline and sent twice counts once. It is written through the room's committer
(emeeting/committer.py): a write that fails stops the room.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from emeeting import protocol
from emeeting.channel import Ack, Channel
from emeeting.committer import Committer
from emeeting.connection import Connection
from emeeting.storage.ink import InkRow
from emeeting.storage.interface import Storage
from emeeting.storage.writes import WriteJob, now_ms
from rooms import ink
from rooms.commands_ink import InkCommand
from rooms.ink import Ink, ink_event_from_wire
from rooms.model import MeetingState
from rooms.refusals import Rejection


@dataclass
class _Pending:
    """An ink command queued for commit: who to acknowledge when it is written."""

    n: int
    done: asyncio.Future[int]
    acks: list[Ack] = field(default_factory=list)


class InkBook:
    def __init__(
        self, store: Storage, meeting_id: str, inks: dict[str, Ink], applied: dict[tuple[str, str], int]
    ) -> None:
        self.store = store
        self.meeting_id = meeting_id
        self.decided = inks  # each member's ink with what is queued for commit
        self.committed = {member: mine.n for member, mine in inks.items()}  # each member's last n on disk
        self._applied = applied  # (member, command id) -> n
        self._pending: dict[tuple[str, str], _Pending] = {}

    @classmethod
    async def load(cls, store: Storage, meeting_id: str) -> InkBook:
        inks: dict[str, Ink] = {}
        applied: dict[tuple[str, str], int] = {}
        for row in await store.ink.rows(meeting_id):
            member = row.member_id
            mine = inks.get(member, Ink())
            event = ink_event_from_wire(protocol.decode(row.frame, len(row.frame))["event"])
            mine = ink.apply(mine, event)
            if mine.n != row.n:
                raise RuntimeError(f"meeting {meeting_id}: {member}'s ink {row.n} folds to {mine.n}")
            inks[member] = mine
            applied[(member, row.client_id)] = row.n
        return cls(store, meeting_id, inks, applied)

    def of(self, member: str) -> Ink:
        """What ``member`` has drawn and written, as committed or about to be."""
        return self.decided.get(member, Ink())

    def submit(
        self,
        out: tuple[Committer, Channel],
        state: MeetingState,
        actor: str,
        command_id: str,
        command: InkCommand,
        conn: Connection,
    ) -> asyncio.Future[int] | Rejection:
        """Decide and queue one ink command; the future resolves with its ``n`` once committed.

        ``out``: the room's committer, which writes it, and channel, which delivers it and
        acknowledges it to ``conn`` (a resend included).
        """
        committer, channel = out
        key = (actor, command_id)
        loop = asyncio.get_running_loop()
        if key in self._applied:
            n = self._applied[key]
            channel.ack([Ack(conn, command_id, True, n)], state.seq)
            done: asyncio.Future[int] = loop.create_future()
            done.set_result(n)
            return done
        if key in self._pending:
            pending = self._pending[key]
            pending.acks.append(Ack(conn, command_id, True, pending.n))
            return pending.done
        mine = self.of(actor)
        outcome = ink.decide(state, mine, actor, command)
        if isinstance(outcome, Rejection):
            return outcome
        (event,) = outcome
        after = ink.apply(mine, event)
        ts = now_ms()
        frame = protocol.ink(after.n, ts, event.to_wire())
        pending = _Pending(after.n, loop.create_future(), [Ack(conn, command_id, False, after.n)])

        def on_commit() -> None:
            self._pending.pop(key, None)
            self._applied[key] = after.n
            self.committed[actor] = max(after.n, self.committed.get(actor, 0))
            channel.deliver([(0, frame, frame)], pending.acks, state.seq, ink=actor)
            if not pending.done.done():  # a waiter cancelled (a shutdown, a client gone) cancels it
                pending.done.set_result(after.n)

        # Raises RoomFailed when shutting down: nothing was decided.
        row = InkRow(self.meeting_id, actor, after.n, command_id, ts, frame)
        job = WriteJob(writes=(row,), on_commit=on_commit)
        committer.submit(job, pending.done)
        self.decided[actor] = after
        self._pending[key] = pending
        return pending.done

    async def since(self, member: str, after: int) -> tuple[int, list[bytes]]:
        """The member's last committed ``n`` and the ink frames after ``after`` up to it (all of
        them when ``after`` is ahead: the device kept ink from another database)."""
        frames: list[bytes] = []
        if after > self.committed.get(member, 0):
            after = 0
        while after < (upto := self.committed.get(member, 0)):
            frames += await self.store.ink.frames(self.meeting_id, member, after, upto)
            after = upto
        return after, frames
