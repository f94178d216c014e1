"""The attendance corrected after the meeting closed, as the minutes list it (issue 17 item 9):
each correction the secretary made between the close and the adoption, what it changed, who made
it and when (rooms/attendance.py records them; each voided the signatures given before it)."""

from __future__ import annotations

from emeeting.dates import local, thai_date, thai_time
from emeeting.minutes.document import Block, Paragraph, Run
from rooms.minutes_model import AttendanceCorrection, CorrectionKind
from rooms.model import MeetingState

WORDS: dict[str, dict[str, str]] = {
    "th": {
        "heading": "แก้ไขรายชื่อผู้มาประชุมหลังปิดประชุม",
        "present": "{member}: มาประชุม",
        "departed": "{member}: มาประชุม และออกจากที่ประชุมก่อนเลิกประชุม",
        "absent": "{member}: ไม่มาประชุม",
        "expected": "{member}: ไม่มาประชุม",
        "substitute": "{name} มาประชุมแทน {member}",
        "no_substitute": "{member}: ไม่มีผู้มาประชุมแทน",
        "guest": "{name}: ผู้เข้าร่วมประชุม",
        "by": "(แก้ไขโดย {by} เมื่อ {when})",
    },
    "en": {
        "heading": "Attendance corrected after the meeting closed",
        "present": "{member}: present",
        "departed": "{member}: present, and left before the meeting closed",
        "absent": "{member}: absent",
        "expected": "{member}: absent",
        "substitute": "{name} attending for {member}",
        "no_substitute": "{member}: no substitute",
        "guest": "{name}: in attendance",
        "by": "(corrected by {by} on {when})",
    },
}


def blocks(state: MeetingState, lang: str, zone: str) -> tuple[Block, ...]:
    """The heading and one line per correction; nothing when there is none."""
    corrections = state.minutes.attendance_corrections
    if not corrections:
        return ()
    w = WORDS[lang]
    lines = tuple(Paragraph((Run(_line(state, c, w, lang, zone)),)) for c in corrections)
    return (Paragraph((), label=w["heading"]), *lines)


def _line(state: MeetingState, correction: AttendanceCorrection, w: dict[str, str], lang: str, zone: str) -> str:
    member = state.members.get(correction.member)
    name = member.name if member is not None else correction.member
    match correction.kind:
        case CorrectionKind.ATTENDANCE:
            what = w.get(correction.status, w["present"]).format(member=name)
        case CorrectionKind.SUBSTITUTE:
            key = "substitute" if correction.name else "no_substitute"
            what = w[key].format(name=correction.name, member=name)
        case CorrectionKind.GUEST:
            what = w["guest"].format(name=correction.name or name)
    by = state.members.get(correction.by)
    return f"{what} {w['by'].format(by=by.name if by else correction.by, when=_when(correction.at, lang, zone))}"


def _when(ms: int, lang: str, zone: str) -> str:
    when = local(ms, zone)
    if lang == "th":
        return f"{thai_date(when.date(), weekday=False)} {thai_time(when.strftime('%H:%M'))}"
    return f"{when.date().isoformat()} {when.strftime('%H:%M')}"
