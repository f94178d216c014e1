"""A realistic Thai meeting for the layout tests and the README's screenshots: 30 attendees with
long names and positions, absences with reasons, guests, long notes with no spaces between words."""

from __future__ import annotations

import dataclasses

from emeeting.minutes.document import MinutesDocument, PeopleSection, Person
from tests.minutes.long_thai import POSITIONS, meeting

GIVEN = (
    "นางสาวพรรณวดี",
    "นายสมชาย",
    "ว่าที่ร้อยตรีประเสริฐศักดิ์",
    "นางวิไลวรรณ",
    "นายอนุชา",
    "นางสาวกมลชนก",
)
FAMILY = ("ศรีสุวรรณรัตน์", "ศรีสุข", "วงศ์ไทย", "คำแสน", "สายทอง", "พิมพ์ทอง")
ROLES = ("ประธานกรรมการ", "รองประธานกรรมการ", "กรรมการ", "กรรมการ", "กรรมการและเลขานุการ", "กรรมการและผู้ช่วยเลขานุการ")
REASONS = (
    "ลาป่วย",
    "ไปราชการที่กระทรวงศึกษาธิการกรุงเทพมหานคร",
    "ติดภารกิจการประชุมคณะกรรมการติดตามและประเมินผลการจัดการศึกษาระดับภาค",
)


def name(n: int) -> str:
    """The ``n``-th of 36 different names (0 <= n < 36)."""
    return f"{GIVEN[n % len(GIVEN)]} {FAMILY[(n // len(GIVEN) + n) % len(FAMILY)]}"


def realistic(items: int = 3, thai_digits: bool = False) -> MinutesDocument:
    present = tuple(
        Person(name(n), POSITIONS[n % len(POSITIONS)], ROLES[min(n, 5)] if n < 6 else "กรรมการ") for n in range(30)
    )
    absent = tuple(Person(name(n + 30), POSITIONS[(n + 1) % len(POSITIONS)], REASONS[n]) for n in range(3))
    guests = (Person(name(33), POSITIONS[3]), Person(name(34), "นักวิเคราะห์นโยบายและแผนชำนาญการพิเศษ"))
    people = (
        PeopleSection("ผู้มาประชุม", present),
        PeopleSection("ผู้ไม่มาประชุม", absent),
        PeopleSection("ผู้เข้าร่วมประชุม", guests),
    )
    return dataclasses.replace(meeting(items), people=people, thai_digits=thai_digits)
