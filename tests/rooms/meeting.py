"""A small meeting driven through the pure rules, shared by the attendance and vote tests."""

from __future__ import annotations

from rooms.commands import CheckIn, Command, OpenMeeting, Tally
from rooms.events import Event
from rooms.model import DocumentRef, MeetingInfo, MeetingState, Member, Role, number_agenda
from rooms.permissions import SYSTEM
from rooms.refusals import Rejection
from rooms.room import apply, decide, define, start

INFO = MeetingInfo("ประชุมคณะกรรมการ", 1, 2567, "2024-01-15", "09:00", "", "")
VOTING: tuple[str, ...] = ("chair", "m1", "m2", "m3", "m4")  # five voting members: a quorum is three
MEMBERS = (
    Member("chair", "ประธาน", "", Role.CHAIR, voting=True),
    *(Member(m, f"กรรมการ {m}", "", Role.MEMBER, voting=True) for m in VOTING[1:]),
    Member("sec", "เลขานุการ", "", Role.SECRETARY, voting=False),
    Member("guest", "ผู้เข้าร่วม", "", Role.GUEST, voting=False),
)
AGENDA = number_agenda([("a", "Item A", []), ("b", "Item B", [])])
DOCUMENTS = (
    DocumentRef("a-1", "สัญญาจ้าง", 3, "a"),
    DocumentRef("a-2", "ใบเสนอราคา", 1, "a"),
    DocumentRef("b-1", "งบประมาณ", 2, "b"),
)
NOW = 1_705_287_600_000  # 2024-01-15 10:00 in Bangkok
MINUTE = 60_000


class Room:
    """A meeting driven through decide/apply, keeping its log."""

    def __init__(self) -> None:
        created = define("m", INFO, MEMBERS, AGENDA, DOCUMENTS)
        self.log: list[Event] = [created]
        self.state: MeetingState = start(created)

    def do(self, actor: str, command: Command, now: int = NOW) -> list[Event]:
        outcome = decide(self.state, actor, command, now=now)
        assert isinstance(outcome, list), outcome
        for event in outcome:
            self.state = apply(self.state, event)
        self.log.extend(outcome)
        return outcome

    def refused(self, actor: str, command: Command, now: int = NOW) -> Rejection:
        outcome = decide(self.state, actor, command, now=now)
        assert isinstance(outcome, Rejection), outcome
        return outcome


def room_with(*present: str) -> Room:
    """An open meeting in which ``present`` have checked in at NOW."""
    room = Room()
    room.do("chair", OpenMeeting())
    if present:
        room.do(SYSTEM, CheckIn(present))
    return room


def tally(*counts: int, ballots: dict[str, int] | None = None) -> Tally:
    return Tally(tuple(counts), ballots)
