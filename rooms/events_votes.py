"""Events of votes: opened, a ballot cast, closed with its result, a tie broken.
See rooms/events.py for what an event is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from rooms import fields
from rooms.model import OptionKind, Outcome, Vote, VoteOption, VoteResult, VoteRule

# A result sentence names every option with its count: twenty options of 200 characters, in
# two languages, stay well below this.
MAX_SENTENCE = 20_000


@dataclass(frozen=True, slots=True)
class VoteOpened:
    """A vote opened; ``vote.eligible`` are those who may cast a ballot."""

    TYPE: ClassVar[str] = "vote_opened"
    vote: Vote

    def to_wire(self) -> dict[str, Any]:
        v = self.vote
        return {
            "type": self.TYPE,
            "vote": v.id,
            "item": v.item,
            "title": v.title,
            "options": [o.to_wire() for o in v.options],
            "secret": v.secret,
            "rule": v.rule.value,
            "changeable": v.changeable,
            "eligible": list(v.eligible),
            "min_ballots": v.min_ballots,
        }

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> VoteOpened:
        return cls(
            Vote(
                id=fields.ident(body, "vote"),
                item=fields.ident(body, "item"),
                title=fields.text(body, "title"),
                options=tuple(
                    VoteOption(fields.text(o, "label"), fields.choice(o, "kind", OptionKind))
                    for o in fields.maps(body, "options")
                ),
                secret=fields.boolean(body, "secret"),
                rule=fields.choice(body, "rule", VoteRule),
                changeable=fields.boolean(body, "changeable"),
                eligible=idents(body, "eligible"),
                # Absent from votes opened before the rule: their counts were published.
                min_ballots=fields.integer(body, "min_ballots") if "min_ballots" in body else 1,
            )
        )


@dataclass(frozen=True, slots=True)
class BallotCast:
    """``members`` have cast their first ballot, ``changed`` have replaced theirs. The choices
    are not here: nobody sees a choice while a vote is open, and a secret one's never reach
    the log. One event may carry the ballots of many members (the server groups ballots that
    arrive together, so that a thousand ballots are not a thousand events to every device)."""

    TYPE: ClassVar[str] = "ballot_cast"
    vote: str
    members: tuple[str, ...]
    changed: tuple[str, ...] = ()

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "vote": self.vote, "members": list(self.members), "changed": list(self.changed)}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> BallotCast:
        return cls(vote=fields.ident(body, "vote"), members=idents(body, "members"), changed=idents(body, "changed"))


def idents(body: Mapping[str, Any], name: str) -> tuple[str, ...]:
    value = body.get(name)
    if not isinstance(value, list):
        raise fields.FieldError(name, "must be a list of member ids")
    return tuple(fields.ident({name: v}, name) for v in value)


def result_from_wire(body: Mapping[str, Any]) -> VoteResult:
    sentence = fields.mapping(body, "sentence")
    return VoteResult(
        counts=None if body.get("counts") is None else tuple(fields.integers(body, "counts")),
        outcome=fields.choice(body, "outcome", Outcome),
        winner=fields.optional_integer(body, "winner"),
        casting=fields.optional_integer(body, "casting"),
        ballots=None if body.get("ballots") is None else tuple(fields.integers(body, "ballots")),
        sentence_th=fields.text(sentence, "th", max_len=MAX_SENTENCE),
        sentence_en=fields.text(sentence, "en", max_len=MAX_SENTENCE),
    )


@dataclass(frozen=True, slots=True)
class VoteClosed:
    TYPE: ClassVar[str] = "vote_closed"
    vote: str
    result: VoteResult

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "vote": self.vote, "result": self.result.to_wire()}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> VoteClosed:
        return cls(vote=fields.ident(body, "vote"), result=result_from_wire(fields.mapping(body, "result")))


@dataclass(frozen=True, slots=True)
class TieBroken:
    """The chair's casting vote decided a tied vote; ``result`` replaces the tied one."""

    TYPE: ClassVar[str] = "tie_broken"
    vote: str
    result: VoteResult

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "vote": self.vote, "result": self.result.to_wire()}

    @classmethod
    def from_wire(cls, body: Mapping[str, Any]) -> TieBroken:
        return cls(vote=fields.ident(body, "vote"), result=result_from_wire(fields.mapping(body, "result")))
