"""The rules of votes: eligibility, quorum, the decision rules, the casting vote, named and
secret ballots, and the result sentence for the minutes.

Who may vote is fixed when a vote opens: the voting members present then (a substitute
holds the member's seat), less anyone with a conflict of interest on the item; a conflict
declared while the vote is open takes that member off the roll. A ballot's choice never
enters the log: :class:`BallotCast` says only that a member has voted. The choices are kept
apart, in the ballot box (rooms/ballot_box.py), which hands their count to :class:`CloseVote`;
the server only stores the box's rows (emeeting/ballots.py).

A secret vote closed with fewer ballots than its ``min_ballots`` (fixed when it opens, from
the server's setting) is recorded as closed with "too few ballots to publish": its count is
never stored nor shown, only how many voted. Otherwise a chair could close a secret vote after
one ballot, or two that agree, and read each voter's choice from the count.
"""

from __future__ import annotations

from dataclasses import replace

from rooms.attendance import present_voters, quorum, recused
from rooms.commands import BreakTie, CastBallot, CloseVote, OpenVote, Tally, VoteCommand
from rooms.events import Event
from rooms.events_votes import BallotCast, TieBroken, VoteClosed, VoteOpened
from rooms.model import (
    MeetingState,
    MeetingStatus,
    OptionKind,
    Outcome,
    Vote,
    VoteOption,
    VoteResult,
    VoteRule,
    VoteStatus,
)
from rooms.refusals import Refusal, Rejection

VoteEvent = VoteOpened | BallotCast | VoteClosed | TieBroken

DEFAULT_OPTIONS = (
    VoteOption("เห็นชอบ", OptionKind.APPROVE),
    VoteOption("ไม่เห็นชอบ", OptionKind.DISAPPROVE),
    VoteOption("งดออกเสียง", OptionKind.ABSTAIN),
)
ENGLISH = {OptionKind.APPROVE: "approve", OptionKind.DISAPPROVE: "disapprove", OptionKind.ABSTAIN: "abstain"}


def open_vote(state: MeetingState) -> Vote | None:
    return next((v for v in state.votes.values() if v.status is VoteStatus.OPEN), None)


def awaiting_casting_vote(state: MeetingState) -> Vote | None:
    """A closed vote that ended in a tie the chair has not broken yet."""
    return next((v for v in state.votes.values() if v.result is not None and v.result.outcome is Outcome.TIE), None)


def decide(state: MeetingState, actor: str, command: VoteCommand) -> list[Event] | Rejection:
    if isinstance(command, OpenVote):
        return _open(state, command)
    vote = state.votes.get(command.vote)
    if vote is None:
        return Rejection(Refusal.UNKNOWN_VOTE, f"there is no vote {command.vote!r}")
    match command:
        case CastBallot(choice=choice):
            if vote.status is not VoteStatus.OPEN:
                return Rejection(Refusal.VOTE_CLOSED, "this vote has closed")
            if actor not in vote.eligible:
                if recused(state, actor, vote.item):
                    return Rejection(Refusal.RECUSED, "you declared a conflict of interest on this item")
                return Rejection(Refusal.NOT_ELIGIBLE, "only voting members present when the vote opened may vote")
            if not 0 <= choice < len(vote.options):
                return Rejection(Refusal.INVALID_CHOICE, f"choose an option from 0 to {len(vote.options) - 1}")
            change = actor in vote.voters
            if change and not vote.changeable:
                return Rejection(Refusal.BALLOT_FINAL, "your vote is recorded and this vote does not allow changes")
            return [BallotCast(vote.id, (), (actor,)) if change else BallotCast(vote.id, (actor,))]
        case CloseVote(tally=tally):
            if vote.status is not VoteStatus.OPEN:
                return Rejection(Refusal.VOTE_CLOSED, "this vote has already closed")
            if tally is None:
                return Rejection(Refusal.NOT_COUNTED, "the server has not counted the ballots")
            if (refused := _check_tally(vote, tally)) is not None:
                return refused
            if too_few(vote):
                return [VoteClosed(vote.id, withheld(vote))]
            return [VoteClosed(vote.id, count(vote, tally))]
        case BreakTie(choice=choice):
            if state.status is not MeetingStatus.OPEN:
                return Rejection(Refusal.MEETING_NOT_OPEN, "the meeting is not open")
            if vote.result is None or vote.result.outcome is not Outcome.TIE:
                return Rejection(Refusal.NOT_A_TIE, "only a closed vote that ended in a tie takes a casting vote")
            if vote.result.counts is None or choice not in tied(vote, vote.result.counts):
                return Rejection(Refusal.INVALID_CHOICE, "the casting vote goes to one of the tied options")
            return [TieBroken(vote.id, cast_deciding(vote, vote.result, choice))]
    raise AssertionError(f"unhandled command {command!r}")  # pragma: no cover


def _open(state: MeetingState, command: OpenVote) -> list[Event] | Rejection:
    if state.status is not MeetingStatus.OPEN:
        return Rejection(Refusal.MEETING_NOT_OPEN, "votes are held while the meeting is open")
    item = state.item(command.item)
    if item is None:
        return Rejection(Refusal.UNKNOWN_AGENDA_ITEM, f"there is no agenda item {command.item!r}")
    if command.vote in state.votes:
        return Rejection(Refusal.VOTE_EXISTS, f"there is already a vote {command.vote!r}")
    if (current := open_vote(state)) is not None:
        return Rejection(Refusal.VOTE_OPEN, f"close the open vote {current.title!r} first")
    if command.options:
        labels = [label.strip() for label in command.options]
        if len(labels) < 2 or len(set(labels)) != len(labels) or not all(labels):
            return Rejection(Refusal.INVALID_VOTE, "give at least two different options")
        if command.rule not in (None, VoteRule.PLURALITY):
            return Rejection(Refusal.INVALID_VOTE, "a vote on the chair's own options is decided by plurality")
        options, rule = tuple(VoteOption(label, OptionKind.OPTION) for label in labels), VoteRule.PLURALITY
    elif command.rule is VoteRule.PLURALITY:
        return Rejection(Refusal.INVALID_VOTE, "plurality decides between the chair's own options")
    else:
        options, rule = DEFAULT_OPTIONS, command.rule or VoteRule.SIMPLE
    present, required = quorum(state)
    if present < required:
        return Rejection(
            Refusal.NO_QUORUM,
            f"no quorum: {present} voting members are present and {required} are needed",
        )
    eligible = tuple(m for m in present_voters(state) if not recused(state, m, item.id))
    if not eligible:
        return Rejection(Refusal.NO_VOTERS, "no voting member present may vote on this item")
    title = command.title.strip() or item.title
    least = max(1, command.min_ballots) if command.secret else 1
    vote = Vote(command.vote, item.id, title, options, command.secret, rule, command.changeable, eligible)
    return [VoteOpened(replace(vote, min_ballots=least))]


def _check_tally(vote: Vote, tally: Tally) -> Rejection | None:
    """The server's count must agree with the log: one ballot for each member who voted."""
    if len(tally.counts) != len(vote.options) or sum(tally.counts) != len(vote.voters) or min(tally.counts) < 0:
        return Rejection(Refusal.NOT_COUNTED, "the ballots counted do not match the members who voted")
    if vote.secret != (tally.ballots is None):
        return Rejection(Refusal.NOT_COUNTED, "a named vote's count names its voters; a secret one's never does")
    if tally.ballots is not None:
        if sorted(tally.ballots) != sorted(vote.voters):
            return Rejection(Refusal.NOT_COUNTED, "the ballots counted do not match the members who voted")
        # Each named choice is an option, and the choices add up to the counts.
        counted = [0] * len(vote.options)
        for choice in tally.ballots.values():
            if not 0 <= choice < len(counted):
                return Rejection(Refusal.NOT_COUNTED, f"a ballot names option {choice}, which this vote has not")
            counted[choice] += 1
        if tuple(counted) != tuple(tally.counts):
            return Rejection(Refusal.NOT_COUNTED, "the named ballots do not add up to the counts")
    return None


# -- counting ------------------------------------------------------------------------------------


def _index(vote: Vote, kind: OptionKind) -> int:
    return next(i for i, o in enumerate(vote.options) if o.kind is kind)


def tied(vote: Vote, counts: tuple[int, ...]) -> tuple[int, ...]:
    """The options a casting vote may choose between; empty when the count is not a tie."""
    if vote.rule is VoteRule.PLURALITY:
        best = max(counts)
        tops = tuple(i for i, c in enumerate(counts) if c == best)
        return tops if best > 0 and len(tops) > 1 else ()
    a, d = _index(vote, OptionKind.APPROVE), _index(vote, OptionKind.DISAPPROVE)
    yes, no = counts[a], counts[d]
    if yes != no or yes == 0:
        return ()
    if vote.rule is VoteRule.SIMPLE or (vote.rule is VoteRule.ABSOLUTE and yes * 2 == len(vote.eligible)):
        return (a, d)
    return ()


def _decision(vote: Vote, counts: tuple[int, ...]) -> tuple[Outcome, int | None]:
    if tied(vote, counts):
        return Outcome.TIE, None
    if vote.rule is VoteRule.PLURALITY:
        best = max(counts)
        return (Outcome.CHOSEN, counts.index(best)) if best > 0 else (Outcome.NO_DECISION, None)
    a, d = _index(vote, OptionKind.APPROVE), _index(vote, OptionKind.DISAPPROVE)
    yes, no = counts[a], counts[d]
    if yes + no == 0:
        return Outcome.NO_DECISION, None
    match vote.rule:
        case VoteRule.SIMPLE:
            passed = yes > no
        case VoteRule.ABSOLUTE:
            passed = yes * 2 > len(vote.eligible)
        case _:
            passed = yes * 3 >= (yes + no) * 2
    return (Outcome.APPROVED, a) if passed else (Outcome.REJECTED, d)


def too_few(vote: Vote) -> bool:
    """Whether closing ``vote`` now would publish a secret count of too few ballots (a count
    of none tells nothing of anyone, and is published)."""
    return vote.secret and 0 < len(vote.voters) < vote.min_ballots


def withheld(vote: Vote) -> VoteResult:
    """The result of a secret vote closed with too few ballots: how many voted, and no count."""
    voted, eligible, least = len(vote.voters), len(vote.eligible), vote.min_ballots
    th = (
        f"ไม่เปิดเผยผลการลงคะแนน เนื่องจากมีผู้ลงคะแนนลับ {voted} คน น้อยกว่าขั้นต่ำ {least} คน "
        f"ที่ประชุมจึงไม่มีมติ ผู้มีสิทธิออกเสียง {eligible} คน ลงคะแนน {voted} คน (ลงคะแนนลับ)"
    )
    cast = f"{voted} secret ballots were" if voted != 1 else "1 secret ballot was"
    en = (
        f"Too few ballots to publish: {cast} cast, fewer than the minimum of {least}, "
        f"so no count was recorded and no decision was made ({voted} of {eligible} eligible members voted; "
        "secret ballot)."
    )
    return VoteResult(None, Outcome.TOO_FEW_BALLOTS, None, None, None, th, en)


def count(vote: Vote, tally: Tally) -> VoteResult:
    outcome, winner = _decision(vote, tally.counts)
    th, en = sentence(vote, tally.counts, outcome, winner, casting=None)
    ballots = tuple(tally.ballots[m] for m in vote.voters) if tally.ballots is not None else None
    return VoteResult(tally.counts, outcome, winner, None, ballots, th, en)


def cast_deciding(vote: Vote, result: VoteResult, choice: int) -> VoteResult:
    """The result once the chair's casting vote went to option ``choice``."""
    kind = vote.options[choice].kind
    outcome = {OptionKind.APPROVE: Outcome.APPROVED, OptionKind.DISAPPROVE: Outcome.REJECTED}.get(kind, Outcome.CHOSEN)
    assert result.counts is not None  # only a tie takes a casting vote, and a tie has a count
    th, en = sentence(vote, result.counts, outcome, choice, casting=choice)
    return replace(result, outcome=outcome, winner=choice, casting=choice, sentence_th=th, sentence_en=en)


# -- the sentence for the minutes (มติที่ประชุม) ---------------------------------------------------


def sentence(
    vote: Vote, counts: tuple[int, ...], outcome: Outcome, winner: int | None, casting: int | None
) -> tuple[str, str]:
    """The resolution as the minutes write it, in Thai and in English."""
    default = vote.rule is not VoteRule.PLURALITY
    pairs = list(zip(vote.options, counts, strict=True))
    counts_th = " ".join(f"{o.label} {c} เสียง" for o, c in pairs)
    counts_en = ", ".join(f"{c} {ENGLISH[o.kind]}" if default else f"{o.label}: {c}" for o, c in pairs)
    voted, eligible = sum(counts), len(vote.eligible)
    how_th = "ลงคะแนนลับ" if vote.secret else "ลงคะแนนโดยเปิดเผย"
    how_en = "secret ballot" if vote.secret else "named ballot"
    roll_th = f"ผู้มีสิทธิออกเสียง {eligible} คน ลงคะแนน {voted} คน ({how_th})"
    roll_en = f"{voted} of {eligible} eligible members voted; {how_en}"
    label = vote.options[winner].label if winner is not None else ""
    label_en = ENGLISH.get(vote.options[winner].kind, label) if winner is not None else ""
    rule_th, rule_en = {
        VoteRule.ABSOLUTE: (
            " (ต้องได้เสียงเห็นชอบเกินกึ่งหนึ่งของผู้มีสิทธิออกเสียง)",
            " (approval by more than half of those eligible was required)",
        ),
        VoteRule.TWO_THIRDS: (
            " (ต้องได้เสียงเห็นชอบไม่น้อยกว่าสองในสามของผู้ลงคะแนน)",
            " (approval by two thirds of the votes cast was required)",
        ),
    }.get(vote.rule, ("", ""))
    decided_th, decided_en = {
        Outcome.APPROVED: ("ที่ประชุมมีมติเห็นชอบ", "The meeting approved"),
        Outcome.REJECTED: ("ที่ประชุมมีมติไม่เห็นชอบ" + rule_th, "The meeting did not approve" + rule_en),
        Outcome.CHOSEN: (f"ที่ประชุมมีมติเลือก {label}", f"The meeting chose {label_en}"),
        Outcome.NO_DECISION: ("ที่ประชุมไม่มีมติ เนื่องจากไม่มีผู้ลงคะแนนเลือก", "No decision (no votes were cast)"),
        Outcome.TIE: ("คะแนนเสียงเท่ากัน รอประธานออกเสียงชี้ขาด", "The votes are tied; the chair's casting vote is awaited"),
    }[outcome]
    if outcome is Outcome.NO_DECISION and default:
        decided_th = "ที่ประชุมไม่มีมติ เนื่องจากไม่มีผู้ลงคะแนนเห็นชอบหรือไม่เห็นชอบ"
        decided_en = "No decision (nobody voted to approve or to disapprove)"
    if casting is not None:
        return (
            f"คะแนนเสียงเท่ากัน ประธานออกเสียงชี้ขาด ({label}) {decided_th} ด้วยคะแนนเสียง {counts_th} {roll_th}",
            f"The votes were tied and the chair gave the casting vote ({label_en}): "
            f"{decided_en[0].lower()}{decided_en[1:]}, {counts_en} ({roll_en}).",
        )
    return f"{decided_th} ด้วยคะแนนเสียง {counts_th} {roll_th}", f"{decided_en}: {counts_en} ({roll_en})."


def apply(state: MeetingState, event: VoteEvent, seq: int) -> MeetingState:
    votes = dict(state.votes)
    match event:
        case VoteOpened(vote=vote):
            votes[vote.id] = vote
        case BallotCast(vote=vote_id, members=members):
            vote = votes[vote_id]
            voters = set(vote.voters)
            votes[vote_id] = replace(vote, voters=(*vote.voters, *(m for m in members if m not in voters)))
        case VoteClosed(vote=vote_id, result=result):
            votes[vote_id] = replace(votes[vote_id], status=VoteStatus.CLOSED, result=result)
        case TieBroken(vote=vote_id, result=result):
            votes[vote_id] = replace(votes[vote_id], result=result)
    return replace(state, seq=seq, votes=votes)
