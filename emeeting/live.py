"""A meeting being served: the rules' state, commands through the log, committed events out.

The room keeps two states. ``decided`` includes events that are queued for
commit, so that two commands in one group commit are decided one after the
other; ``committed`` includes only what is on disk, and is what devices see
(snapshots, fan-out). An event reaches devices from the store's ``on_commit``
hook, in sequence order, and the sender's ack comes after it.

Two things ride along with the rules: the ballot box (emeeting/ballots.py), whose rows
commit in the same transaction as the events of a vote, and attendance, where a device
joining checks its member in.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field

from emeeting import connrecord, eventlog, protocol, reading, roster, votekeys
from emeeting.audience import Readers, for_readers
from emeeting.ballots import NOTHING, BallotBox, Writes
from emeeting.config import Limits
from emeeting.connection import Connection
from emeeting.connrecord import Peer
from emeeting.eventlog import EventRow
from emeeting.inkbook import InkBook
from emeeting.onscreen import Connected, Pointer
from emeeting.store import Store, StoreClosed, WriteJob, now_ms
from rooms.commands import DEFAULT_MIN_BALLOTS, CastBallot, CheckIn, CloseMeeting, Command
from rooms.commands_ink import INK_COMMANDS, Point
from rooms.events import Event, MeetingClosed
from rooms.events_minutes import MinutesAdopted, MinutesCertified, MinutesCirculated
from rooms.events_votes import BallotCast
from rooms.minutes_view import reads_drafts
from rooms.model import MeetingState, Presence
from rooms.permissions import SYSTEM
from rooms.refusals import Rejection
from rooms.room import apply, decide

log = logging.getLogger(__name__)


BALLOTS_EVERY = 0.04  # seconds: ballots arriving together go out as one event at most this often
ARRIVALS_EVERY = 0.1  # seconds: joins within this are checked in by one event


class RoomFailed(RuntimeError):
    """The log could not be written; the room must be reloaded from the store."""


@dataclass(frozen=True, slots=True)
class Accepted:
    """A command that will take effect (or did, when ``duplicate``): ``seq`` resolves on commit."""

    seq: asyncio.Future[int]
    duplicate: bool
    acked: bool = False  # the room sends the ack itself, on commit; ``seq`` still tells of a failure


# Who to acknowledge once a command is committed: the device and the command's id.
Ack = tuple[Connection, str]


@dataclass
class BallotBatch:
    """Ballots of one vote decided while the previous group was being written.

    ``view`` is the state with them applied one by one, to decide the next ballot on (a
    change after a first ballot, say); the group is written as one event.
    """

    vote: str
    result: asyncio.Future[int]
    view: MeetingState
    members: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    keys: list[tuple[str, str]] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    statements: list[tuple[str, tuple[object, ...]]] = field(default_factory=list)

    def add(self, key: tuple[str, str], event: BallotCast, writes: Writes, ack: Ack | None) -> None:
        self.view = apply(self.view, event)
        if ack is not None:
            self.acks.append(ack)
        self.members += event.members
        self.changed += [m for m in event.changed if m not in self.members and m not in self.changed]
        self.keys.append(key)
        self.statements += writes.statements


class LiveRoom:
    def __init__(
        self,
        store: Store,
        state: MeetingState,
        applied: dict[tuple[str, str], int],
        limits: Limits,
        ballots: BallotBox | None = None,
        inkbook: InkBook | None = None,
        closed_at: int | None = None,
        circulated: int | None = None,
    ) -> None:
        self.id = state.id
        self.closed_at = closed_at  # when the meeting closed (ms): its links expire some days later
        self.store = store
        self.limits = limits
        self.decided = state
        self.committed = state
        self.connections: dict[Connection, str] = {}  # each device and whose it is
        self._devices: dict[str, dict[Connection, None]] = {}  # each member's devices (their ink goes there)
        self.presence = Connected(lambda: self.connections.values(), lambda: self.connections)
        self.failed = False
        self._applied = applied
        self._pending: dict[tuple[str, str], asyncio.Future[int]] = {}
        self._snapshots: dict[bool, tuple[int, bytes]] = {}  # per audience: organisers' (True), readers'
        # The minutes' circulation (its seq): before it, the readers' devices get no draft text.
        self.circulated = circulated
        self._readers: set[Connection] = set()  # the devices of members and guests
        self.ballots = ballots or BallotBox(state.id, votekeys.folder_of(store.path))
        self._batch: BallotBatch | None = None  # ballots decided, waiting for the group being written
        self._ballots_writing = False
        self._ballots_since = 0.0
        self._arrivals: set[str] = set()
        self._arrivals_due: asyncio.TimerHandle | None = None
        self.ink = inkbook or InkBook(store, state.id, {}, {})
        self.ink.on_failure = self._fail
        self.pointer = Pointer(lambda: self.connections)
        # Called once a certification of the previous meeting's minutes is committed: (previous
        # meeting, this meeting, corrections). The hub records the adoption in that meeting.
        self.on_certified: Callable[[str, str, str], None] | None = None
        # Called once this meeting's minutes are adopted: (this meeting, by which meeting or None
        # for circulation, when). The hub tells the meetings that follow it (previous_minutes_adopted).
        self.on_adopted: Callable[[str, str | None, int], None] | None = None

    @classmethod
    async def load(
        cls, store: Store, meeting_id: str, limits: Limits, min_ballots: int = DEFAULT_MIN_BALLOTS
    ) -> LiveRoom | None:
        rows = await store.events(meeting_id)
        if not rows:
            return None
        state = reading.fold_rows(meeting_id, rows)
        ballots = await BallotBox.load(store, state, votekeys.folder_of(store.path), min_ballots)
        closed_at = next((row.ts for row in reversed(rows) if row.type == MeetingClosed.TYPE), None)
        inkbook = await InkBook.load(store, meeting_id)
        circulated = next((row.seq for row in rows if row.type == MinutesCirculated.TYPE), None)
        commands = await store.commands(meeting_id)
        return cls(store, state, commands, limits, ballots, inkbook, closed_at, circulated)

    # -- commands ----------------------------------------------------------------------------

    def submit(self, actor: str, frame: protocol.CommandFrame, conn: Connection | None = None) -> Accepted | Rejection:
        """Decide a device's command now; its events are queued for commit and announced after it.

        The device's command id makes a retry idempotent: an id already applied (or being
        written) is acknowledged again with the same sequence number. Given the sending
        device's ``conn``, the room acknowledges the command itself when it commits: the device
        gets the events, then its ack, before the other devices get the events (``acked``).
        """
        if self.failed:
            raise RoomFailed(self.id)
        if isinstance(frame.command, INK_COMMANDS):
            return self._draw(actor, frame, conn)
        if isinstance(frame.command, Point):
            return self._point(actor, frame.command)
        key = (actor, frame.id)
        if key in self._applied:
            done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
            done.set_result(self._applied[key])
            return Accepted(done, duplicate=True)
        if key in self._pending:
            return Accepted(self._pending[key], duplicate=True)
        ack_id = frame.id if conn is not None else None
        if isinstance(frame.command, CastBallot):
            return self._cast(actor, key, frame.command, conn, ack_id)
        self._flush_ballots()  # every command is decided after the ballots that came before it
        command = self.ballots.fill(self.decided, frame.command)
        outcome = decide(self.decided, actor, command, now=now_ms())
        if isinstance(outcome, Rejection):
            return outcome
        try:
            writes = self.ballots.record(self.decided, actor, command, outcome)
        except OSError:  # a secret vote's key could not be kept: the vote is not opened
            log.exception("meeting %s: could not write a vote key", self.id)
            raise RoomFailed(self.id) from None
        if isinstance(writes, Rejection):
            return writes
        writes = roster.writes(self.id, outcome, writes, self.disconnect)  # the member list's invitations
        if isinstance(command, CloseMeeting):
            self.pointer.hide()  # the meeting is over: no pointer stays on the screens
        acks = [(conn, ack_id)] if conn is not None and ack_id is not None else []
        return self._write(actor, outcome, key, writes, acks=acks)

    def execute(self, actor: str, command: Command) -> Accepted | Rejection | None:
        """Decide a command the server issues itself (an upload, rendered pages); None if it changes nothing."""
        if self.failed:
            raise RoomFailed(self.id)
        self._flush_ballots()
        outcome = decide(self.decided, actor, command, now=now_ms())
        if isinstance(outcome, Rejection):
            return outcome
        return self._write(actor, outcome, None) if outcome else None

    # -- ballots: grouped, so that a thousand ballots are not a thousand events to every device --

    def _cast(
        self, actor: str, key: tuple[str, str], command: CastBallot, conn: Connection | None, ack_id: str | None
    ) -> Accepted | Rejection:
        """Decide a ballot now; it is written with the ballots decided while the previous group
        was being written (alone when nothing is being written), in one event."""
        batch = self._batch
        base = batch.view if batch is not None else self.decided
        outcome = decide(base, actor, command, now=now_ms())
        if isinstance(outcome, Rejection):
            return outcome
        writes = self.ballots.record(base, actor, command, outcome)
        if isinstance(writes, Rejection):
            return writes
        (event,) = outcome
        assert isinstance(event, BallotCast)
        if batch is None:
            batch = self._batch = BallotBatch(event.vote, asyncio.get_running_loop().create_future(), base)
        ack = (conn, ack_id) if conn is not None and ack_id is not None else None
        batch.add(key, event, writes, ack)
        self._pending[key] = batch.result
        if not self._ballots_writing:
            self._flush_ballots()
        return Accepted(batch.result, duplicate=False, acked=ack is not None)

    def _flush_ballots(self) -> None:
        batch, self._batch = self._batch, None
        if batch is None:
            return
        event = BallotCast(batch.vote, tuple(batch.members), tuple(batch.changed))
        voters = {member for member, _ in batch.keys}
        actor = next(iter(voters)) if len(voters) == 1 else SYSTEM
        # Each ballot's rows are independent of the others': grouped by statement (a stable sort
        # keeps one member's first ballot before its change), a group is one executemany each.
        writes = Writes(tuple(sorted(batch.statements, key=lambda statement: statement[0])))
        self._ballots_writing = True
        self._ballots_since = time.monotonic()
        try:
            accepted = self._write(actor, [event], batch.keys, writes, batch.result, acks=batch.acks)
        except RoomFailed:
            if not batch.result.done():  # the store is closing: these ballots were not written
                batch.result.set_exception(RoomFailed(self.id))
            raise
        accepted.seq.add_done_callback(self._ballots_written)

    def _ballots_written(self, _: asyncio.Future[int]) -> None:
        # The next group goes when this one is out and at least BALLOTS_EVERY after it began:
        # every group is one frame to every device.
        wait = self._ballots_since + BALLOTS_EVERY - time.monotonic()
        if wait > 0:
            asyncio.get_running_loop().call_later(wait, self._ballots_written, _)
            return
        self._ballots_writing = False
        if self._batch is not None and not self.failed:
            with contextlib.suppress(RoomFailed):  # the batch's devices hear it through their futures
                self._flush_ballots()

    def _write(
        self,
        actor: str,
        events: list[Event],
        keys: tuple[str, str] | list[tuple[str, str]] | None,
        writes: Writes = NOTHING,
        result: asyncio.Future[int] | None = None,
        acks: Sequence[Ack] = (),
    ) -> Accepted:
        ts = now_ms()
        state = self.decided
        rows: list[EventRow] = []
        for event in events:
            state = apply(state, event)
            rows.append(eventlog.new(state.seq, ts, actor, event))
        done = result if result is not None else asyncio.get_running_loop().create_future()
        commands = [keys] if isinstance(keys, tuple) else keys or []

        def on_commit() -> None:
            self.committed = state
            if writes.after is not None:  # e.g. a secret vote's key destroyed: done before anyone hears of it
                writes.after()
            for key in commands:
                self._pending.pop(key, None)
                self._applied[key] = state.seq
            for row, event in zip(rows, events, strict=True):
                if isinstance(event, MinutesCirculated):
                    self.circulated = row.seq
            # Each event encoded once per audience: the readers' frame is another only for a draft's edit.
            shown = [(row, for_readers(row, self.circulated).frame) for row in rows]
            readers = self._readers
            # The senders first, with their acks, then everyone else: a sender does not wait for
            # a thousand other devices to be sent the event before it hears its command is done.
            senders = [conn for conn in dict.fromkeys(ack[0] for ack in acks) if conn in self.connections]
            for row, hidden in shown:
                for conn in senders:
                    conn.push_event(row.seq, hidden if conn in readers else row.frame)
            for conn, command_id in acks:
                if conn in self.connections:  # one gone already resends, and is acked as a duplicate
                    conn.push_reply(protocol.ack(command_id, state.seq, False))
            first = set(senders)
            for row, hidden in shown:
                if hidden is row.frame:
                    for conn in self.connections:
                        if conn not in first:
                            conn.push_event(row.seq, row.frame)
                    continue
                for conn in self.connections:
                    if conn not in first:
                        conn.push_event(row.seq, hidden if conn in readers else row.frame)
            done.set_result(state.seq)
            for event in events:
                if isinstance(event, MeetingClosed):
                    self.closed_at = ts
                if isinstance(event, MinutesCertified) and self.on_certified is not None:
                    self.on_certified(event.meeting, self.id, event.corrections)
                if isinstance(event, MinutesAdopted) and self.on_adopted is not None:
                    self.on_adopted(self.id, event.by, event.at)

        try:
            job = WriteJob(
                self.id,
                rows,
                [(*key, state.seq) for key in commands],
                statements=writes.statements,
                on_commit=on_commit,
            )
            written = self.store.submit(job)
        except StoreClosed:
            raise RoomFailed(self.id) from None  # shutting down: nothing was decided
        # Only now, with the job queued, does the decision count for the next command.
        self.decided = state
        for key in commands:
            self._pending[key] = done
        written.add_done_callback(lambda f: self._on_write_failed(f, done))
        return Accepted(done, duplicate=False, acked=bool(acks))

    def _on_write_failed(self, written: asyncio.Future[None], result: asyncio.Future[int]) -> None:
        if written.cancelled() or written.exception() is None:
            return
        if not result.done():
            result.set_exception(RoomFailed(self.id))
        self._fail()

    def _fail(self) -> None:
        # The decided state is now ahead of the log: this room cannot go on. Devices reconnect
        # and resume from a room reloaded from what was really committed.
        log.error("meeting %s: writing the log failed; the room will be reloaded", self.id)
        self.failed = True
        for conn in self.connections:
            conn.close_soon(protocol.CloseCode.INTERNAL_ERROR, "the server could not store an event; reconnect")

    # -- ink: a member's own (emeeting/inkbook.py), and the presenter's pointer -----------------

    def _draw(self, actor: str, frame: protocol.CommandFrame, conn: Connection | None) -> Accepted | Rejection:
        assert isinstance(frame.command, INK_COMMANDS)
        self._flush_ballots()  # decided on the meeting as it stands after the ballots before it
        try:
            done = self.ink.submit(self.decided, actor, frame.id, frame.command, conn, self.devices_of)
        except StoreClosed:
            raise RoomFailed(self.id) from None
        if isinstance(done, Rejection):
            return done
        return Accepted(done, duplicate=False, acked=conn is not None)

    def devices_of(self, member: str) -> list[Connection]:
        return list(self._devices.get(member, ()))

    def _point(self, actor: str, command: Point) -> Accepted | Rejection:
        """Move (or hide) the pointer (emeeting/pointer.py). The ack says only that it was allowed."""
        outcome = decide(self.decided, actor, command)
        if isinstance(outcome, Rejection):
            return outcome
        self.pointer.move(actor, command)
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        done.set_result(self.committed.seq)
        return Accepted(done, duplicate=False)

    # -- devices -------------------------------------------------------------------------------

    def snapshot(self, drafts: bool = True) -> tuple[int, bytes]:
        """The committed state as a snapshot frame, encoded once per sequence number and audience
        (``drafts``: the organisers', with the draft minutes; else the members' and guests')."""
        kept = self._snapshots.get(drafts)
        if kept is None or kept[0] != self.committed.seq:
            state = self.committed
            kept = self._snapshots[drafts] = (state.seq, protocol.snapshot(state.seq, state.to_wire(drafts)))
        return kept

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
        seq = self.committed.seq
        record: str | None = None
        resume = since is not None and since <= seq and seq - since <= self.limits.resume_window
        role = self.committed.members[member].role
        drafts = reads_drafts(role)
        conn.source = self if drafts else Readers(self)
        if not drafts:
            self._readers.add(conn)
        self.connections[conn] = member
        self._devices.setdefault(member, {})[conn] = None
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
            conn.push_latest(self.presence.frame())
            self.pointer.show_to(conn)
            self.presence.changed()
            self._arrived(member)
            record = connrecord.joined(self.store, self.id, member, peer)
            yield
        finally:
            self.connections.pop(conn, None)
            self._readers.discard(conn)
            mine = self._devices.get(member, {})
            mine.pop(conn, None)
            if not mine:
                self._devices.pop(member, None)
            self.presence.changed()
            self.pointer.left(member, len(self.devices_of(member)))
            if record is not None:
                connrecord.left(self.store, record)

    def disconnect(self, member: str, code: int, reason: str) -> int:
        """Close every device of ``member`` (its invitation was revoked); how many there were."""
        devices = self.devices_of(member)
        for conn in devices:
            conn.close_soon(code, reason)
        return len(devices)

    # -- attendance: joining checks a member in; the connection record ---------------------------

    def _arrived(self, member: str) -> None:
        if self.decided.attendance_of(member).status is Presence.PRESENT:
            return
        self._arrivals.add(member)
        if self._arrivals_due is None:
            self._arrivals_due = asyncio.get_running_loop().call_later(ARRIVALS_EVERY, self._check_in)

    def _check_in(self) -> None:
        self._arrivals_due = None
        members, self._arrivals = tuple(sorted(self._arrivals)), set()
        try:
            self.execute(SYSTEM, CheckIn(members))
        except RoomFailed:
            log.warning("meeting %s: could not check in %d members", self.id, len(members))
