"""The minutes of a meeting, built from its log: the Thai official form (Form 11 of the Regulation
on Correspondence) or a plain international layout with the same content.

The words of the Thai form are exactly the official ones: the meeting's name; ครั้งที่ N/พ.ศ.;
เมื่อ (the day, the full Thai month, the Buddhist Era year); ณ (the place); ผู้มาประชุม (name and
position, a substitute marked มาประชุมแทน); ผู้ไม่มาประชุม (with the reason);
ผู้เข้าร่วมประชุม; เริ่มประชุมเวลา (09.00 น.); each agenda item in order with its notes, the
vote results as a sentence, dissent, the resolution (มติที่ประชุม) and action items, or
"- ไม่มี -" under an item with none of them (and no sub-items);
เลิกประชุมเวลา; and the signature of ผู้จดรายงานการประชุม (and ผู้ตรวจรายงานการประชุม).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from emeeting.dates import DEFAULT_TIMEZONE, THAI_MONTHS, buddhist_year, local, meeting_zone, thai_date, thai_time
from emeeting.minutes import corrections, markup
from emeeting.minutes.document import (
    Block,
    ItemSection,
    MinutesDocument,
    Paragraph,
    PeopleSection,
    Person,
    Run,
    Signature,
    Table,
)
from rooms.minutes_model import Action, MinutesStatus, Signed, SignerRole
from rooms.model import AgendaItem, ItemKind, MeetingState, Member, OptionKind, Presence, Role, Vote, VoteStatus
from rooms.offices import title_of

LANGS = ("th", "en")


@dataclass(frozen=True, slots=True)
class Times:
    """When the meeting opened and closed (milliseconds since the epoch, from the log)."""

    opened_at: int | None = None
    closed_at: int | None = None


ACTION_HEADER = {"th": ("ผู้รับผิดชอบ", "สิ่งที่ต้องดำเนินการ", "กำหนดเสร็จ"), "en": ("Who", "What", "By")}
WORDS: dict[str, dict[str, str]] = {
    "th": {
        "present": "ผู้มาประชุม",
        "absent": "ผู้ไม่มาประชุม",
        "attending": "ผู้เข้าร่วมประชุม",
        "substitute": "มาประชุมแทน {name}",
        "left": "ออกจากที่ประชุมเวลา {time}",
        "opened": "เริ่มประชุมเวลา {time}",
        "closed": "เลิกประชุมเวลา {time}",
        "preamble": "เมื่อครบองค์ประชุมแล้ว ประธานกล่าวเปิดการประชุมและดำเนินการประชุมตามระเบียบวาระ ดังนี้",
        "item": "ระเบียบวาระที่ {number}",
        "supplementary": "วาระเพิ่มเติม ที่ประชุมพิจารณาโดยความเห็นชอบของประธาน",
        "resolution": "มติที่ประชุม",
        "dissent": "ความเห็นแย้ง",
        "vote": "ผลการลงมติ",
        "against": "ผู้ลงมติไม่เห็นชอบ: {names}",
        "actions": "การดำเนินการต่อ",
        "carried": "เรื่องที่ต้องดำเนินการต่อจากการประชุมครั้งก่อน",
        "certified": "ที่ประชุมรับรองรายงานการประชุมครั้งที่แล้ว",
        "certified_with": "ที่ประชุมรับรองรายงานการประชุมครั้งที่แล้ว โดยมีการแก้ไข ดังนี้ {corrections}",
        "recorder": "ผู้จดรายงานการประชุม",
        "checker": "ผู้ตรวจรายงานการประชุม",
        "signed": "ลงนามด้วยชื่อที่พิมพ์ เมื่อ {when}",
        "page_number": "- {page} -",
        "draft": "ร่าง",
        "none": "- ไม่มี -",
        "adopted_with": "การแก้ไขเมื่อรับรองรายงานการประชุม",
    },
    "en": {
        "present": "Present",
        "absent": "Absent",
        "attending": "In attendance",
        "substitute": "attending for {name}",
        "left": "left at {time}",
        "opened": "The meeting opened at {time}.",
        "closed": "The meeting closed at {time}.",
        "preamble": "The chair, having found a quorum, opened the meeting, which took the agenda as follows.",
        "item": "Item {number}",
        "supplementary": "Supplementary item, taken with the chair's consent.",
        "resolution": "Resolution",
        "dissent": "Dissent",
        "vote": "Vote",
        "against": "Voted against: {names}",
        "actions": "Actions",
        "carried": "Actions carried over from the previous meeting",
        "certified": "The minutes of the previous meeting were approved.",
        "certified_with": "The minutes of the previous meeting were approved with these corrections: {corrections}",
        "recorder": "Minute-taker",
        "checker": "Checked by",
        "signed": "signed by typed name on {when}",
        "page_number": "- {page} -",
        "draft": "DRAFT",
        "none": "- None -",
        "adopted_with": "Corrections made on adoption",
    },
}


def build(
    state: MeetingState,
    times: Times,
    *,
    lang: str = "th",
    thai_digits: bool = False,
    timezone: str = DEFAULT_TIMEZONE,
) -> MinutesDocument:
    """The minutes; every time in them in the meeting's zone (``timezone``, the server's setting,
    for a meeting that names none), whatever the zone of the process that builds them."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}")
    w = WORDS[lang]
    info = state.info
    zone = meeting_zone(info.timezone, timezone)
    th = lang == "th"
    title = info.title
    if th and not title.startswith("การประชุม"):
        title = f"การ{title}" if title.startswith("ประชุม") else f"การประชุม{title}"
    heading = (
        (f"รายงาน{title}" if th else f"Minutes of the {info.title}"),
        (f"ครั้งที่ {info.number}/{info.year}" if th else f"Meeting No. {info.number}/{info.year - 543}"),
        (f"เมื่อ{thai_date(info.date)}" if th else _english_date(info.date)),
        *([f"ณ {info.place}" if th else info.place] if info.place else []),
    )
    opened = _clock(times.opened_at, th, zone) if times.opened_at else _clock_text(info.time, th)
    minutes = state.minutes
    return MinutesDocument(
        lang=lang,
        title=" ".join(heading[:2]),
        heading=heading,
        people=_people(state, w, times, th, zone),
        opening=w["opened"].format(time=opened),
        preamble=(Paragraph((Run(w["preamble"]),)),),
        items=tuple(_item(state, item, w, th) for item in state.agenda),
        closing=w["closed"].format(time=_clock(times.closed_at, th, zone)) if times.closed_at else "",
        signatures=_signatures(state, w, th, zone),
        page_number=w["page_number"],
        postscript=(
            (Paragraph((Run(minutes.corrections),), label=w["adopted_with"]),)
            if minutes.status is MinutesStatus.ADOPTED and minutes.corrections
            else ()
        )
        + corrections.blocks(state, lang, zone),
        watermark="" if minutes.status is MinutesStatus.ADOPTED else w["draft"],
        thai_digits=thai_digits,
        meta={"author": info.organisation, "subject": info.title, "version": str(minutes.version)},
    )


def _english_date(value: str) -> str:
    day = dt.date.fromisoformat(value)
    return f"{day.strftime('%A')}, {day.day} {day.strftime('%B')} {day.year}"


def _clock(ms: int | None, th: bool, zone: str) -> str:
    if ms is None:
        return ""
    hhmm = local(ms, zone).strftime("%H:%M")
    return thai_time(hhmm) if th else hhmm


def _clock_text(value: str, th: bool) -> str:
    return thai_time(value) if th else value


def _people(state: MeetingState, w: dict[str, str], times: Times, th: bool, zone: str) -> tuple[PeopleSection, ...]:
    present: list[Person] = []
    absent: list[Person] = []
    attending: list[Person] = []
    for member in state.members.values():
        record = state.attendance_of(member.id)
        here = record.status in (Presence.PRESENT, Presence.DEPARTED)
        note = _note(member, th)
        if member.role is Role.GUEST:
            if here:
                attending.append(Person(member.name, member.position, note))
            continue
        if here:
            left = ""
            if record.status is Presence.DEPARTED and record.departed_at and record.departed_at != times.closed_at:
                left = w["left"].format(time=_clock(record.departed_at, th, zone))
            if record.substitute is not None:
                name = w["substitute"].format(name=member.name)
                present.append(Person(record.substitute.name, record.substitute.position, _join(name, left)))
            else:
                present.append(Person(member.name, member.position, _join(note, left)))
        else:
            absent.append(Person(member.name, member.position, record.reason))
    sections = [(w["present"], present), (w["absent"], absent), (w["attending"], attending)]
    return tuple(PeopleSection(title, tuple(people)) for title, people in sections if people)


def _note(member: Member, th: bool) -> str:
    """The member's committee title (ประธานกรรมการ, กรรมการและผู้ช่วยเลขานุการ...; rooms/offices.py)."""
    return title_of(member, "th" if th else "en")


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _item(state: MeetingState, item: AgendaItem, w: dict[str, str], th: bool) -> ItemSection:
    depth = item.number.count(".")
    label = w["item"].format(number=item.number) if depth == 0 else item.number
    mine = state.minutes.item(item.id)
    blocks: list[Block] = list(markup.blocks(mine.notes))
    if (
        item.kind is ItemKind.PREVIOUS_MINUTES
        and state.minutes.previous is not None
        and state.minutes.certified is not None
    ):
        text = state.minutes.certified
        line = w["certified_with"].format(corrections=text) if text else w["certified"]
        blocks.append(Paragraph((Run(line),)))
    if item.kind is ItemKind.CARRIED and state.minutes.carried:
        blocks.append(Paragraph((), label=w["carried"]))
        blocks.append(_actions(state.minutes.carried, th))
    for vote in state.votes.values():
        if vote.item == item.id and vote.status is VoteStatus.CLOSED and vote.result is not None:
            sentence = vote.result.sentence_th if th else vote.result.sentence_en
            blocks.append(Paragraph((Run(sentence),), label=w["vote"]))
            against = _against(state, vote)
            if against:
                blocks.append(Paragraph((Run(w["against"].format(names=", ".join(against))),)))
    if mine.dissent.strip():
        blocks += _labelled(w["dissent"], mine.dissent)
    if mine.resolution.strip():
        blocks += _labelled(w["resolution"], mine.resolution)
    if mine.actions:
        blocks.append(Paragraph((), label=w["actions"]))
        blocks.append(_actions(mine.actions, th))
    if not blocks and not any(other.parent == item.id for other in state.agenda):
        blocks.append(Paragraph((Run(w["none"]),)))  # an item with nothing, as the form prints it
    if item.supplementary:  # added on the day (วาระเพิ่มเติม): the minutes say so, and that the chair agreed
        blocks.insert(0, Paragraph((Run(w["supplementary"]),)))
    return ItemSection(f"{label}  {item.title}", depth, tuple(blocks))


def _labelled(label: str, text: str) -> list[Block]:
    """The first paragraph of ``text`` after ``label`` (bold), the rest after it."""
    parsed = list(markup.blocks(text))
    if parsed and isinstance(parsed[0], Paragraph):
        first = parsed.pop(0)
        assert isinstance(first, Paragraph)
        return [Paragraph(first.runs, label=label), *parsed]
    return [Paragraph((), label=label), *parsed]


def _against(state: MeetingState, vote: Vote) -> list[str]:
    """Who voted against in a named vote (recorded by name in the minutes)."""
    if vote.secret or vote.result is None or vote.result.ballots is None:
        return []
    against = {i for i, o in enumerate(vote.options) if o.kind is OptionKind.DISAPPROVE}
    return [
        state.members[m].name
        for m, choice in zip(vote.voters, vote.result.ballots, strict=False)
        if choice in against and m in state.members
    ]


def _actions(actions: tuple[Action, ...], th: bool) -> Table:
    rows = tuple((a.who, a.what, _due(a.due, th)) for a in actions)
    return Table(ACTION_HEADER["th" if th else "en"], rows)


def _due(value: str, th: bool) -> str:
    if not value:
        return "-"
    day = dt.date.fromisoformat(value)
    return f"{day.day} {THAI_MONTHS[day.month - 1]} {buddhist_year(day.year)}" if th else day.isoformat()


def _signatures(state: MeetingState, w: dict[str, str], th: bool, zone: str) -> tuple[Signature, ...]:
    signed = {s.role: s for s in state.minutes.signatures}
    members = list(state.members.values())
    secretary = next((m for m in members if m.role is Role.SECRETARY), None)
    chair = next((m for m in members if m.role is Role.CHAIR), None)
    out = []
    for role, member, word in ((SignerRole.RECORDER, secretary, "recorder"), (SignerRole.CHECKER, chair, "checker")):
        sig = signed.get(role)
        if sig is not None:
            out.append(Signature(sig.name, sig.position, w[word], w["signed"].format(when=_when(sig, th, zone))))
        elif member is not None:
            out.append(Signature(member.name, member.position, w[word]))
    return tuple(out)


def _when(sig: Signed, th: bool, zone: str) -> str:
    when = local(sig.at, zone)
    if th:
        return f"{thai_date(when.date(), weekday=False)} {thai_time(when.strftime('%H:%M'))}"
    return f"{when.date().isoformat()} {when.strftime('%H:%M')}"
