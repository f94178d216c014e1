"""The secretary sets up a new meeting from a plain form: details, agenda, members.

The agenda is one item per line, a sub-item indented under its item or numbered under it
("4.1", as pasted from Word: emeeting/agenda_text.py); members are one per
line as ``name | position | role`` (a committee title as Thai offices write them, or its English:
rooms/offices.py; "กรรมการ" when left out). Plain
text keeps the form usable on any device and with no script; mistakes are reported by line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from emeeting import dates
from emeeting.agenda_text import parse_agenda
from rooms.events import MeetingCreated
from rooms.model import MeetingInfo, Member, Role, number_agenda
from rooms.offices import MAX_TITLE, PERMISSIONS, STANDARD, office
from rooms.room import InvalidMeeting, define

PERMISSION_WORDS = ("ประธาน", "เลขานุการ", "กรรมการ", "ผู้เข้าร่วม")
PERMISSION_NAMES = {"chair": "ประธาน", "secretary": "เลขานุการ", "member": "กรรมการ", "guest": "ผู้เข้าร่วม"}
STANDARD_AGENDA = "\n".join(
    (
        "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
        "รับรองรายงานการประชุมครั้งที่แล้ว",
        "เรื่องสืบเนื่อง",
        "เรื่องเสนอเพื่อทราบ",
        "เรื่องเสนอเพื่อพิจารณา",
        "เรื่องอื่น ๆ",
    )
)
# Offered on the form (any tz database name is accepted): Thailand first, then the zones of
# the offices a Thai agency most often meets with.
ZONES = (
    "Asia/Bangkok", "Asia/Yangon", "Asia/Vientiane", "Asia/Phnom_Penh", "Asia/Ho_Chi_Minh",
    "Asia/Kuala_Lumpur", "Asia/Singapore", "Asia/Jakarta", "Asia/Manila", "Asia/Hong_Kong",
    "Asia/Shanghai", "Asia/Tokyo", "Asia/Seoul", "Asia/Kolkata", "Asia/Dubai", "Australia/Sydney",
    "Europe/London", "Europe/Paris", "America/New_York", "America/Los_Angeles", "UTC",
)  # fmt: skip


class Problem(str):
    """A mistake on the form, in Thai with its English: the page shows the English as a
    translation beside the Thai; as a string it is both, "Thai (English)"."""

    thai: str
    english: str

    def __new__(cls, thai: str, english: str) -> Problem:
        problem = super().__new__(cls, f"{thai} ({english})")
        problem.thai, problem.english = thai, english
        return problem


@dataclass
class Form:
    """What the secretary typed, kept as typed so that a form with mistakes comes back whole."""

    title: str = ""
    number: str = "1"
    year: str = ""
    date: str = ""
    time: str = "09:00"
    place: str = ""
    organisation: str = ""
    timezone: str = ""  # a tz database name; "" leaves the meeting to the server's setting
    agenda: str = STANDARD_AGENDA
    members: str = ""
    follows: str = "1"  # a checkbox: the new meeting follows the one the form was opened from
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_fields(cls, values: dict[str, Any]) -> Form:
        form = cls(follows="")  # an unchecked box is not sent at all
        for name in cls.__dataclass_fields__:
            if name != "errors" and name in values:
                setattr(
                    form,
                    name,
                    str(values[name]).strip("\r\n") if name in ("agenda", "members") else str(values[name]).strip(),
                )
        return form


def parse_members(text: str, errors: list[str]) -> list[Member]:
    """Lines ``name | position | title`` (a standard title in Thai or English, "กรรมการ" when left
    out), or ``name | position | title | permission`` for a title of the office's own with the
    permission it carries (ประธาน, เลขานุการ, กรรมการ or ผู้เข้าร่วม)."""
    members: list[Member] = []
    for index, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, position, title, permission = ([part.strip() for part in line.split("|")] + ["", "", ""])[:4]
        title = " ".join(title.split()) or "กรรมการ"
        known = office(title)
        if not name:
            errors.append(
                Problem(
                    f"สมาชิกบรรทัดที่ {index}: ต้องเป็น ชื่อ | ตำแหน่ง | บทบาท", f"member line {index}: name | position | role"
                )
            )
        elif len(title) > MAX_TITLE:
            errors.append(
                Problem(f"สมาชิกบรรทัดที่ {index}: บทบาทยาวเกิน {MAX_TITLE} ตัวอักษร", f"member line {index}: role too long")
            )
        elif permission:
            role = PERMISSIONS.get(permission.lower())
            if role is None:
                errors.append(
                    Problem(
                        f"สมาชิกบรรทัดที่ {index}: ไม่รู้จักสิทธิ์ “{permission}” ใช้ {' '.join(PERMISSION_WORDS)}",
                        f"member line {index}: unknown permission “{permission}”: use chair, secretary, member or guest",
                    )
                )
                continue
            voting = role is not Role.GUEST and (known is None or known.voting)
            members.append(Member(f"m{index}", name, position, role, voting, (known.thai if known else title)))
        elif known is None:
            errors.append(
                Problem(
                    f"สมาชิกบรรทัดที่ {index}: ไม่รู้จักบทบาท “{title}” เลือกจาก {', '.join(o.thai for o in STANDARD)}"
                    f" หรือระบุสิทธิ์ต่อท้าย เช่น | {title} | กรรมการ",
                    f"member line {index}: unknown role “{title}”: choose one from the list,"
                    f" or add the permission after it, e.g. | {title} | member",
                )
            )
        else:
            members.append(Member(f"m{index}", name, position, known.role, known.voting, known.thai))
    return members


def build(form: Form, meeting_id: str, creator: Member) -> MeetingCreated | None:
    """The new meeting, or None with ``form.errors`` filled in. The creator joins as a secretary."""
    errors = form.errors
    if not form.title:
        errors.append(Problem("ต้องมีชื่อการประชุม", "the meeting needs a name"))
    try:
        date = dt.date.fromisoformat(form.date)
    except ValueError:
        errors.append(Problem("วันที่ไม่ถูกต้อง ใช้รูปแบบ ปปปป-ดด-วว", "date: YYYY-MM-DD"))
        date = dt.date.today()
    if not re.fullmatch(r"\d{1,2}[:.]\d{2}", form.time):
        errors.append(Problem("เวลาไม่ถูกต้อง เช่น 09:00", "time: HH:MM, e.g. 09:00"))
    if form.timezone:
        try:
            dates.zone(form.timezone)
        except dates.UnknownZone as exc:
            errors.append(Problem(exc.thai, exc.english))
    if not form.number.isdigit():
        errors.append(Problem("ครั้งที่ต้องเป็นตัวเลข", "number: digits"))
    year = int(form.year) if form.year.isdigit() else date.year + 543
    agenda = number_agenda(parse_agenda(form.agenda))
    if not agenda:
        errors.append(Problem("ต้องมีระเบียบวาระอย่างน้อยหนึ่งวาระ", "at least one agenda item"))
    members = parse_members(form.members, errors)
    if members and not any(m.role is Role.CHAIR for m in members):
        errors.append(
            Problem(
                "การประชุมต้องมีประธาน: ให้สมาชิกหนึ่งคนมีบทบาท ประธานกรรมการ (หรือสิทธิ์ ประธาน)",
                "a meeting needs a chair: give one member the role ประธานกรรมการ (or the permission ประธาน)",
            )
        )
    if not any(m.name == creator.name for m in members):
        members.insert(0, Member("m0", creator.name, creator.position, Role.SECRETARY, voting=False))
    if errors:
        return None
    info = MeetingInfo(
        form.title,
        int(form.number),
        year,
        date.isoformat(),
        form.time.replace(".", ":"),
        form.place,
        form.organisation,
        form.timezone,
    )
    try:
        return define(meeting_id, info, members, agenda)
    except InvalidMeeting as exc:
        # The form cannot build such a meeting (rooms/room.py define): say so, with the rule's words.
        errors.append(Problem("ตรวจสอบสมาชิกและวาระอีกครั้ง", f"check the members and the agenda: {exc}"))
        return None
