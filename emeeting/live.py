"""A meeting being served: a device's command in, through the log, committed events out.

The room only puts its parts together; each concern has one owner:

- the committer (emeeting/committer.py): the state as decided and as committed, resends,
  writes, failure;
- the channel (emeeting/channel.py): the devices, and the one ``deliver`` of events and acks;
- presence (emeeting/presence.py): who is here, the pointer;
- votes (emeeting/ballot_groups.py): the ballot box (rooms/ballot_box.py) and its rows,
  ballots grouped; every other command is decided there too, after the ballots before it;
- a member's own ink (emeeting/inkbook.py);
- attendance (emeeting/checkin.py): joining checks a member in; the connection record
  (emeeting/connrecord.py);
- the minutes' news to other meetings (emeeting/minutes_news.py);
- the snapshot frames (emeeting/snapshots.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from emeeting import connrecord, protocol, reading, roster, votekeys
from emeeting.audience import Readers, for_readers
from emeeting.ballot_groups import Votes
from emeeting.ballots import Ballots
from emeeting.channel import Ack, Channel
from emeeting.checkin import Arrivals
from emeeting.committer import Committer, Pending, RoomFailed
from emeeting.config import Limits
from emeeting.connection import Connection
from emeeting.connrecord import Peer
from emeeting.inkbook import InkBook
from emeeting.minutes_news import MinutesNews
from emeeting.presence import Presence
from emeeting.snapshots import Snapshots
from emeeting.storage.eventlog import EventRow
from emeeting.storage.interface import Storage
from rooms.ballot_box import Box
from rooms.commands import DEFAULT_MIN_BALLOTS, CastBallot, CloseMeeting, Command
from rooms.commands_ink import INK_COMMANDS, Point
from rooms.events import Event, MeetingClosed
from rooms.events_minutes import MinutesCirculated
from rooms.minutes_view import reads_drafts
from rooms.model import MeetingState
from rooms.refusals import Rejection
from rooms.room import decide

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Accepted:
    """A command that will take effect (or did, when ``duplicate``): ``seq`` resolves on commit,
    or fails. A device's command is acknowledged by the room itself (emeeting/channel.py)."""

    seq: asyncio.Future[int]
    duplicate: bool


class LiveRoom:
    def __init__(
        self,
        store: Storage,
        state: MeetingState,
        applied: dict[tuple[str, str], int],
        limits: Limits,
        votes: tuple[Box, Ballots] | None = None,
        inkbook: InkBook | None = None,
        closed_at: int | None = None,
        circulated: int | None = None,
    ) -> None:
        self.id = state.id
        self.closed_at = closed_at  # when the meeting closed (ms): its links expire some days later
        self.store = store
        self.limits = limits
        # The minutes' circulation (its seq): before it, the readers' devices get no draft text.
        self.circulated = circulated
        self.channel = Channel()
        self.committer = Committer(store, state, applied, self._published, self._failed)
        box, ballots = votes or (Box(), Ballots(state.id, votekeys.folder_of(store.path)))
        self.votes = Votes(self.committer, box, ballots)
        self.presence = Presence(self.channel)
        self.ink = inkbook or InkBook(store, state.id, {}, {})
        self.arrivals = Arrivals(self.id, lambda: self.committer.decided, self.execute)
        self.minutes_news = MinutesNews(self.id)
        self._snapshots = Snapshots()

    @classmethod
    async def load(
        cls, store: Storage, meeting_id: str, limits: Limits, min_ballots: int = DEFAULT_MIN_BALLOTS
    ) -> LiveRoom | None:
        rows = await store.events(meeting_id)
        if not rows:
            return None
        state = reading.fold_rows(meeting_id, rows)
        votes = await Ballots.load(store, state, votekeys.folder_of(store.path), min_ballots)
        closed_at = next((row.ts for row in reversed(rows) if row.type == MeetingClosed.TYPE), None)
        inkbook = await InkBook.load(store, meeting_id)
        circulated = next((row.seq for row in rows if row.type == MinutesCirculated.TYPE), None)
        commands = await store.commands(meeting_id)
        return cls(store, state, commands, limits, votes, inkbook, closed_at, circulated)

    @property
    def decided(self) -> MeetingState:
        return self.committer.decided

    @property
    def committed(self) -> MeetingState:
        return self.committer.committed

    @property
    def failed(self) -> bool:
        return self.committer.failed

    @property
    def connections(self) -> dict[Connection, str]:
        return self.channel.connections

    @property
    def idle(self) -> bool:
        """No device, and nothing in flight: no write, ballot group or check-in waiting. An idle
        room may be unloaded (emeeting/hub.py); it loads again from the log when it is needed."""
        return not (self.channel.connections or self.committer.writing or self.votes.waiting or self.arrivals.waiting)

    # -- commands ----------------------------------------------------------------------------

    def submit(self, actor: str, frame: protocol.CommandFrame, conn: Connection) -> Accepted | Rejection:
        """Decide a device's command now; its events are queued for commit and announced after it.

        The room acknowledges the command to ``conn`` itself: when it commits, the device gets
        the events, then its ack, before the other devices get them. The device's command id
        makes a retry idempotent: an id already applied (or being written) is acknowledged again
        with the same sequence number, as a duplicate.
        """
        self.committer.check()
        if isinstance(frame.command, INK_COMMANDS):
            return self._draw(actor, frame, conn)
        if isinstance(frame.command, Point):
            return self._point(actor, frame.id, frame.command, conn)
        key = (actor, frame.id)
        seen = self.committer.resent(key)
        if isinstance(seen, int):
            self.channel.ack([Ack(conn, frame.id, True)], seen)
            return Accepted(_resolved(seen), duplicate=True)
        if seen is not None:
            seen.acks.append(Ack(conn, frame.id, True))
            return Accepted(seen.done, duplicate=True)
        if isinstance(frame.command, CastBallot):
            cast = self.votes.cast(actor, key, frame.command, Ack(conn, frame.id))
            return cast if isinstance(cast, Rejection) else Accepted(cast.done, duplicate=False)
        try:
            decided = self.votes.decide(actor, frame.command)
        except OSError:  # a secret vote's key could not be kept: the vote is not opened
            log.exception("meeting %s: could not write a vote key", self.id)
            raise RoomFailed(self.id) from None
        if isinstance(decided, Rejection):
            return decided
        decision, writes = decided
        writes = roster.writes(self.id, decision.events, writes, self.disconnect)  # the member list's invitations
        if isinstance(frame.command, CloseMeeting):
            self.presence.pointer.hide()  # the meeting is over: no pointer stays on the screens
        pending = Pending(asyncio.get_running_loop().create_future(), [Ack(conn, frame.id)])
        self.committer.write(actor, decision.events, [key], writes, pending)
        return Accepted(pending.done, duplicate=False)

    def execute(self, actor: str, command: Command) -> Accepted | Rejection | None:
        """Decide a command the server issues itself (an upload, rendered pages); None if it changes nothing."""
        self.committer.check()
        decided = self.votes.decide(actor, command)
        if isinstance(decided, Rejection):
            return decided
        decision, writes = decided
        if not decision.events:
            return None
        return Accepted(self.committer.write(actor, decision.events, (), writes).done, duplicate=False)

    def _published(
        self, state: MeetingState, rows: list[EventRow], events: list[Event], ts: int, acks: list[Ack]
    ) -> None:
        """A write committed (the committer's hook): its events to every device, with the acks."""
        for row, event in zip(rows, events, strict=True):
            if isinstance(event, MinutesCirculated):
                self.circulated = row.seq
            elif isinstance(event, MeetingClosed):
                self.closed_at = ts
        # Each event encoded once per audience: the readers' frame is another only for a draft's edit.
        self.channel.deliver(
            [(row.seq, row.frame, for_readers(row, self.circulated).frame) for row in rows], acks, state.seq
        )
        self.minutes_news.committed(events)

    def _failed(self) -> None:
        for conn in self.channel.connections:
            conn.close_soon(protocol.CloseCode.INTERNAL_ERROR, "the server could not store an event; reconnect")

    # -- ink: a member's own (emeeting/inkbook.py), and the presenter's pointer -----------------

    def _draw(self, actor: str, frame: protocol.CommandFrame, conn: Connection) -> Accepted | Rejection:
        assert isinstance(frame.command, INK_COMMANDS)
        self.votes.flush()  # decided on the meeting as it stands after the ballots before it
        out = (self.committer, self.channel)
        done = self.ink.submit(out, self.committer.decided, actor, frame.id, frame.command, conn)
        if isinstance(done, Rejection):
            return done
        return Accepted(done, duplicate=False)

    def _point(self, actor: str, command_id: str, command: Point, conn: Connection) -> Accepted | Rejection:
        """Move (or hide) the pointer (emeeting/presence.py). The ack says only that it was allowed."""
        outcome = decide(self.committer.decided, actor, command)
        if isinstance(outcome, Rejection):
            return outcome
        self.presence.pointer.move(actor, command)
        seq = self.committer.committed.seq
        self.channel.ack([Ack(conn, command_id)], seq)
        return Accepted(_resolved(seq), duplicate=False)

    # -- devices -------------------------------------------------------------------------------

    def snapshot(self, drafts: bool = True) -> tuple[int, bytes]:
        """The committed state as a snapshot frame (``drafts``: the organisers', with the draft
        minutes; else the members' and guests')."""
        return self._snapshots.of(self.committer.committed, drafts)

    async def events_between(self, after: int, upto: int) -> list[EventRow]:
        return await self.store.events(self.id, after, upto)

    @contextlib.asynccontextmanager
    async def attach(
        self, conn: Connection, member: str, since: int | None, peer: Peer | None = None, ink_since: int | None = None
    ) -> AsyncIterator[None]:
        """Subscribe ``conn`` for the block: welcome, then snapshot or missed events, then live ones.

        Joining checks the member in, and goes into the connection record with ``peer``. The
        member's own ink after ``ink_since`` follows the snapshot or the events; nothing is
        awaited between reading it and subscribing, so no ink frame falls in between.
        """
        ink_n, ink_frames = await self.ink.since(member, ink_since or 0)
        seq = self.committer.committed.seq
        record: str | None = None
        resume = since is not None and since <= seq and seq - since <= self.limits.resume_window
        role = self.committer.committed.members[member].role
        drafts = reads_drafts(role)
        conn.source = self if drafts else Readers(self)
        self.channel.join(conn, member, reader=not drafts)
        try:
            conn.push_control(
                protocol.welcome(
                    self.id, member, role.value, seq, "events" if resume else "snapshot", ink_n, self.store.epoch
                )
            )
            if resume:
                assert since is not None
                conn.last_seq = since
                conn.catch_up_to(seq)
            else:
                snap_seq, frame = self.snapshot(drafts)
                conn.push_control(frame)
                conn.last_seq = snap_seq
            for frame in ink_frames:
                conn.push_control(frame)
            self.presence.joined(conn)
            self.arrivals.arrived(member)
            record = connrecord.joined(self.store, self.id, member, peer)
            yield
        finally:
            self.presence.left(member, self.channel.leave(conn, member))
            if record is not None:
                connrecord.left(self.store, record)

    def devices_of(self, member: str) -> list[Connection]:
        return self.channel.devices_of(member)

    def disconnect(self, member: str, code: int, reason: str, *, session: str | None = None) -> int:
        """Close every device of ``member`` (its invitation was revoked), or only those joined with
        ``session`` (it was signed out); how many there were."""
        devices = [c for c in self.channel.devices_of(member) if session is None or c.session == session]
        for conn in devices:
            conn.close_soon(code, reason)
        return len(devices)


def _resolved(seq: int) -> asyncio.Future[int]:
    done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    done.set_result(seq)
    return done
