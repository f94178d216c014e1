"""atheris (libFuzzer, coverage-guided) on the sans-I/O path a frame takes through the server.

bytes -> protocol.decode -> protocol.parse_client_frame -> rooms.room.decide (rooms.ink.decide
for private ink) on three realistic meetings, as every member, the server and a stranger.
What may come out: ProtocolError, a Rejection, or events. Every event must then apply to the
state, and read back from its stored form as itself (the server reloads a meeting by folding
its log: an event that does not read back leaves the meeting unable to open); the state after
it must encode as a snapshot. Anything else is a crash, with the input saved by libFuzzer.

    python -m tests.fuzz_atheris --seeds CORPUS_DIR            # valid frames to start from
    python -m tests.fuzz_atheris -runs=100000 CORPUS_DIR       # libFuzzer options, then corpora

Not collected by pytest; tests/test_fuzz.py runs it for a bounded number of runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

from bench.fuzz_frames import Context, Frames, pack  # for the seeds only: not instrumented

with atheris.instrument_imports():
    from emeeting import protocol
    from rooms import ink
    from rooms.commands import COMMAND_TYPES, CastBallot, CloseMeeting, DeclareConflict, OpenVote, SetQuorum
    from rooms.commands_ink import INK_COMMANDS, Draw, PresentStroke
    from rooms.commands_minutes import CirculateMinutes, EditMinutes, SignMinutes
    from rooms.events import Event, event_from_wire
    from rooms.minutes_model import MinutesField
    from rooms.model import MeetingState
    from rooms.permissions import SYSTEM
    from rooms.refusals import Rejection
    from rooms.room import apply, decide
    from rooms.strokes import Stroke, Tool, encode_points
    from tests.rooms.meeting import DOCUMENTS, MEMBERS, NOW, Room, room_with

ACTORS = (*(m.id for m in MEMBERS), SYSTEM, "nobody")
BIG = 1 << 30  # no size limit here: the server's is checked over the socket
CONTEXT = Context("v1.x.y", tuple(m.id for m in MEMBERS), ("a", "b", "nope"), tuple((d.id, d.pages) for d in DOCUMENTS))


def _stroke(stroke_id: str) -> Stroke:
    return Stroke(stroke_id, "a-1", 1, Tool.PEN, 0x1E3A8A, 20, encode_points([(10, 10, 128), (20, 30, 128)]))


def _states() -> list[MeetingState]:
    """A meeting not yet open; one open with a quorum, a vote with a ballot, a conflict with
    hidden documents, the presenter's ink and minutes; one closed, its minutes signed and circulated."""
    opened = room_with("chair", "m1", "m2", "m3", "sec")
    opened.do("chair", SetQuorum(count=3))
    opened.do("m4", DeclareConflict("b", hide_documents=True))
    opened.do("chair", OpenVote("v1", "a", "Motion"))
    opened.do("m1", CastBallot("v1", 0))
    opened.do("chair", PresentStroke(_stroke("p1")))
    opened.do("sec", EditMinutes("a", MinutesField.NOTES, "notes", 0))
    closed = room_with("chair", "m1", "m2", "sec")
    closed.do("sec", EditMinutes("a", MinutesField.NOTES, "notes", 0))
    closed.do("chair", CloseMeeting())
    closed.do("sec", SignMinutes())
    closed.do("chair", SignMinutes())
    closed.do("sec", CirculateMinutes())
    return [Room().state, opened.state, closed.state]


STATES = _states()
_drawn = ink.decide(STATES[1], ink.Ink(), "m1", Draw(_stroke("s1")))
assert not isinstance(_drawn, Rejection)
INKS = (ink.Ink(), ink.apply(ink.Ink(), _drawn[0]))


def _events_hold(state: MeetingState, events: list[Event], actor: str) -> None:
    for event in events:
        state = apply(state, event)
        stored = protocol.decode(protocol.event(state.seq, NOW, actor, event), BIG)
        assert event_from_wire(stored["event"]) == event, (event, stored)
    protocol.snapshot(state.seq, state.to_wire())


def _ink_holds(mine: ink.Ink, events: list[ink.InkEvent]) -> None:
    for event in events:
        mine = ink.apply(mine, event)
        assert ink.ink_event_from_wire(protocol.decode(pack(event.to_wire()), BIG)) == event, event


def test_one_input(data: bytes) -> None:
    try:
        frame = protocol.parse_client_frame(protocol.decode(data, BIG))
    except protocol.ProtocolError:
        return
    if isinstance(frame, protocol.Join):
        return
    command = frame.command
    for state in STATES:
        for actor in ACTORS:
            if isinstance(command, INK_COMMANDS):
                for mine in INKS:
                    drawn = ink.decide(state, mine, actor, command)
                    if not isinstance(drawn, Rejection):
                        _ink_holds(mine, drawn)
                continue
            outcome = decide(state, actor, command, now=NOW)
            if not isinstance(outcome, Rejection):
                _events_hold(state, outcome, actor)


def write_seeds(folder: Path) -> None:
    """Valid frames of every command and of join, to start from."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = Frames(1, CONTEXT, prefix="seed-")
    for kind in ("join", *COMMAND_TYPES):
        for n in range(3):
            (folder / f"{kind}-{n}").write_bytes(pack(frames.valid(kind)))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seeds"]:
        write_seeds(Path(sys.argv[2]))
    else:
        atheris.Setup(sys.argv, test_one_input)
        atheris.Fuzz()
