"""The ballot box: the choices of a meeting's open votes, a second pure state beside the
meeting's, as a member's ink is (rooms/ink.py).

The log says only who has voted (:class:`BallotCast`); what each voter chose lives here and
in private rows the server keeps apart from the log (emeeting/ballots.py stores them, sealing
a secret vote's; docs/security.md). :func:`decide` runs the meeting's rules on a command and
returns its events and the private rows that go with them: it gives an opening vote the
server's ``min_ballots`` and a closing vote the count of its ballots, so nothing outside
``rooms/`` decides whether or how a ballot counts. :func:`apply` folds rows into the box.
Both are pure: the box is decided ahead of the disk like the meeting's state, and the server
stores the rows in the transaction of the events.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from rooms import room
from rooms.commands import DEFAULT_MIN_BALLOTS, CastBallot, CloseVote, Command, OpenVote, Tally
from rooms.events import Event
from rooms.events_votes import BallotCast, VoteClosed, VoteOpened
from rooms.model import MeetingState
from rooms.refusals import Rejection


@dataclass(frozen=True, slots=True)
class RollOpened:
    """A vote opened: a secret one's every eligible member gets a row holding "no ballot"."""

    vote: str
    secret: bool
    eligible: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Ballot:
    """``member`` chose option ``choice``: their ``first`` ballot in the vote, or a change."""

    vote: str
    member: str
    choice: int
    secret: bool
    first: bool


@dataclass(frozen=True, slots=True)
class RollClosed:
    """A vote closed: its choices are in the result now (or withheld for good); a secret
    vote's sealed rows and key go."""

    vote: str
    secret: bool


Row = RollOpened | Ballot | RollClosed


@dataclass(frozen=True, slots=True)
class Box:
    """``choices``: each open vote's choices so far, member -> option index. ``min_ballots``:
    the server's setting, the fewest ballots a secret vote's count is published with."""

    min_ballots: int = DEFAULT_MIN_BALLOTS
    choices: Mapping[str, Mapping[str, int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Decision:
    events: list[Event]
    rows: tuple[Row, ...] = ()


def tally(box: Box, state: MeetingState, vote_id: str) -> Tally | None:
    """The count of ``vote_id``'s ballots as the box holds them (no names for a secret vote)."""
    vote = state.votes.get(vote_id)
    if vote is None:
        return None
    chosen = box.choices.get(vote_id, {})
    counts = [0] * len(vote.options)
    for choice, n in Counter(chosen.values()).items():
        counts[choice] += n
    return Tally(tuple(counts), None if vote.secret else dict(chosen))


def decide(box: Box, state: MeetingState, actor: str, command: Command, *, now: int = 0) -> Decision | Rejection:
    """The events of ``command`` (rooms.room.decide) and the private rows that go with them."""
    if isinstance(command, OpenVote):
        command = replace(command, min_ballots=box.min_ballots)
    elif isinstance(command, CloseVote):
        command = replace(command, tally=tally(box, state, command.vote))
    events = room.decide(state, actor, command, now=now)
    if isinstance(events, Rejection):
        return events
    return Decision(events, rows(state, command, events))


def rows(state: MeetingState, command: Command, events: list[Event]) -> tuple[Row, ...]:
    """The private rows of ``events``, decided from ``state`` (before they apply)."""
    found: list[Row] = []
    for event in events:
        if isinstance(event, VoteOpened):
            found.append(RollOpened(event.vote.id, event.vote.secret, event.vote.eligible))
        elif isinstance(event, BallotCast) and isinstance(command, CastBallot):
            member = (event.members or event.changed)[0]
            secret = state.votes[event.vote].secret
            found.append(Ballot(event.vote, member, command.choice, secret, first=not event.changed))
        elif isinstance(event, VoteClosed):
            found.append(RollClosed(event.vote, state.votes[event.vote].secret))
    return tuple(found)


def apply(box: Box, rows: Iterable[Row]) -> Box:
    """``box`` with ``rows`` folded in (a vote's choices are copied once, not once per ballot:
    a thousand ballots are not a million copies)."""
    choices = dict(box.choices)
    fresh: dict[str, dict[str, int]] = {}  # the votes whose choices are new dicts here
    for row in rows:
        match row:
            case RollOpened(vote=vote):
                choices[vote] = fresh[vote] = {}
            case Ballot(vote=vote, member=member, choice=choice):
                if vote not in fresh:
                    choices[vote] = fresh[vote] = dict(choices.get(vote, {}))
                fresh[vote][member] = choice
            case RollClosed(vote=vote):
                choices.pop(vote, None)
                fresh.pop(vote, None)
    return replace(box, choices=choices)
