"""The ballot box as a pure state (rooms/ballot_box.py): the rules' events and the private rows
of each vote command, the count it gives a closing vote, and what it keeps (no server)."""

from __future__ import annotations

import pytest

from rooms import ballot_box
from rooms.ballot_box import Ballot, Box, Decision, RollClosed, RollOpened
from rooms.commands import CastBallot, CloseVote, Command, OpenVote
from rooms.events_votes import BallotCast, VoteClosed, VoteOpened
from rooms.model import Outcome
from rooms.refusals import Refusal, Rejection
from rooms.room import apply
from tests.rooms.meeting import NOW, VOTING, Room, room_with


class Desk:
    """A meeting and its ballot box, driven through ballot_box.decide and apply."""

    def __init__(self, room: Room, min_ballots: int = 1) -> None:
        self.room = room
        self.box = Box(min_ballots)

    def do(self, actor: str, command: Command) -> Decision:
        decision = ballot_box.decide(self.box, self.room.state, actor, command, now=NOW)
        assert isinstance(decision, Decision), decision
        for event in decision.events:
            self.room.state = apply(self.room.state, event)
        self.box = ballot_box.apply(self.box, decision.rows)
        return decision


@pytest.mark.parametrize("secret", [False, True])
def test_a_vote_gives_rows_for_its_roll_each_ballot_and_its_close(secret: bool) -> None:
    desk = Desk(room_with(*VOTING))
    opened = desk.do("chair", OpenVote("v", "a", secret=secret))
    assert isinstance(opened.events[0], VoteOpened)
    assert opened.rows == (RollOpened("v", secret, VOTING),)
    first = desk.do("m1", CastBallot("v", 1))
    assert first.events == [BallotCast("v", ("m1",))]  # no choice in the log
    assert first.rows == (Ballot("v", "m1", 1, secret, first=True),)
    change = desk.do("m1", CastBallot("v", 2))
    assert change.rows == (Ballot("v", "m1", 2, secret, first=False),)
    desk.do("m2", CastBallot("v", 2))
    assert desk.box.choices == {"v": {"m1": 2, "m2": 2}}
    closed = desk.do("chair", CloseVote("v"))
    (event,) = closed.events
    assert isinstance(event, VoteClosed) and event.result.counts == (0, 0, 2)
    assert event.result.ballots == (None if secret else (2, 2))
    assert closed.rows == (RollClosed("v", secret),)
    assert desk.box.choices == {}  # no choice outlives its vote


def test_a_refused_ballot_gives_no_row_and_changes_nothing() -> None:
    desk = Desk(room_with("chair", "m1", "m2"))
    desk.do("chair", OpenVote("v", "a"))
    refused = ballot_box.decide(desk.box, desk.room.state, "m3", CastBallot("v", 0), now=NOW)  # not present
    assert isinstance(refused, Rejection) and refused.code is Refusal.NOT_ELIGIBLE
    assert desk.box.choices == {"v": {}}


def test_the_box_counts_a_close_and_ignores_any_count_a_command_carries() -> None:
    desk = Desk(room_with(*VOTING))
    desk.do("chair", OpenVote("v", "a"))
    desk.do("m1", CastBallot("v", 0))
    forged = ballot_box.tally(Box(), desk.room.state, "v")  # an empty box: no ballots
    closed = desk.do("chair", CloseVote("v", forged))
    (event,) = closed.events
    assert isinstance(event, VoteClosed) and event.result.counts == (1, 0, 0)


def test_a_secret_vote_opens_with_the_servers_minimum_and_too_few_ballots_stay_unpublished() -> None:
    desk = Desk(room_with(*VOTING), min_ballots=3)
    opened = desk.do("chair", OpenVote("v", "a", secret=True, min_ballots=1))  # a frame cannot lower it
    (event,) = opened.events
    assert isinstance(event, VoteOpened) and event.vote.min_ballots == 3
    desk.do("m1", CastBallot("v", 0))
    desk.do("m2", CastBallot("v", 0))
    (closed,) = desk.do("chair", CloseVote("v")).events
    assert isinstance(closed, VoteClosed) and closed.result.outcome is Outcome.TOO_FEW_BALLOTS
    assert closed.result.counts is None


def test_a_command_that_is_not_a_vote_gives_its_events_and_no_rows() -> None:
    desk = Desk(room_with(*VOTING))
    decision = ballot_box.decide(desk.box, desk.room.state, "chair", CloseVote("nope"), now=NOW)
    assert isinstance(decision, Rejection) and decision.code is Refusal.UNKNOWN_VOTE


def test_apply_leaves_the_box_it_was_given_as_it_was() -> None:
    before = ballot_box.apply(Box(), [RollOpened("v", False, ("m1", "m2")), Ballot("v", "m1", 0, False, first=True)])
    after = ballot_box.apply(
        before, [Ballot("v", "m2", 1, False, first=True), Ballot("v", "m1", 2, False, first=False)]
    )
    assert before.choices == {"v": {"m1": 0}}
    assert after.choices == {"v": {"m1": 2, "m2": 1}}
    assert ballot_box.apply(after, [RollClosed("v", False)]).choices == {} and after.choices["v"] == {"m1": 2, "m2": 1}
