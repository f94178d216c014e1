"""Committee titles as Thai offices write them, and the permission role each one carries.

A member's permission role (:class:`rooms.model.Role`: what they may do in the room) and their
committee title (``Member.title``: what the minutes print after their name) are different things:
a vice-chair has a member's permissions, an assistant secretary a secretary's. This table is the
one place that knows the standard titles, their English words and the role each one maps to.
"""

from __future__ import annotations

from dataclasses import dataclass

from rooms.events_attendance import MAX_TITLE
from rooms.model import Member, Role

__all__ = ["MAX_TITLE", "OFFICES", "STANDARD", "Office", "office", "title_of"]


@dataclass(frozen=True, slots=True)
class Office:
    thai: str  # as the minutes print it
    english: str  # as the international minutes print it
    role: Role  # the permissions it carries
    voting: bool  # a member of the committee votes; a secretary who is not one does not


# The standard titles first, in the order a committee lists them; then the shorter words the
# form has always accepted ("ประธาน", "เลขานุการ"...), which print as typed.
OFFICES: tuple[Office, ...] = (
    Office("ประธานกรรมการ", "Chair", Role.CHAIR, True),
    Office("รองประธานกรรมการ", "Vice-chair", Role.MEMBER, True),
    Office("กรรมการ", "Member", Role.MEMBER, True),
    Office("กรรมการและเลขานุการ", "Member and secretary", Role.SECRETARY, True),
    Office("กรรมการและผู้ช่วยเลขานุการ", "Member and assistant secretary", Role.SECRETARY, True),
    Office("ผู้ช่วยเลขานุการ", "Assistant secretary", Role.SECRETARY, False),
    Office("ผู้เข้าร่วมประชุม", "In attendance", Role.GUEST, False),
    Office("ประธาน", "Chair", Role.CHAIR, True),
    Office("ประธานการประชุม", "Chair", Role.CHAIR, True),
    Office("รองประธาน", "Vice-chair", Role.MEMBER, True),
    Office("เลขานุการ", "Secretary", Role.SECRETARY, True),  # voting, as the form always made it
    Office("ผู้เข้าร่วม", "In attendance", Role.GUEST, False),
)
STANDARD = OFFICES[:7]  # offered on the form
_BY_THAI = {o.thai: o for o in OFFICES}
# English words typed on the form stand for the standard Thai title.
_BY_ENGLISH = {
    **{o.english.lower(): o for o in reversed(STANDARD)},
    "chair": _BY_THAI["ประธานกรรมการ"],
    "vice-chair": _BY_THAI["รองประธานกรรมการ"],
    "vice chair": _BY_THAI["รองประธานกรรมการ"],
    "member": _BY_THAI["กรรมการ"],
    "secretary": _BY_THAI["กรรมการและเลขานุการ"],
    "assistant secretary": _BY_THAI["ผู้ช่วยเลขานุการ"],
    "guest": _BY_THAI["ผู้เข้าร่วมประชุม"],
}
# The word for a permission role alone (the fourth column of a member line with a free title).
PERMISSIONS: dict[str, Role] = {
    "ประธาน": Role.CHAIR,
    "chair": Role.CHAIR,
    "เลขานุการ": Role.SECRETARY,
    "secretary": Role.SECRETARY,
    "กรรมการ": Role.MEMBER,
    "member": Role.MEMBER,
    "ผู้เข้าร่วม": Role.GUEST,
    "ผู้เข้าร่วมประชุม": Role.GUEST,
    "guest": Role.GUEST,
}


def office(word: str) -> Office | None:
    """The office a word typed on the form names (a Thai title, or its English), or None."""
    text = " ".join(word.split())
    return _BY_THAI.get(text) or _BY_ENGLISH.get(text.lower())


def title_of(member: Member, lang: str) -> str:
    """What the minutes print for ``member``'s office in ``lang`` ("th" or "en").

    A member with no title (every meeting made before titles existed) prints as it always has:
    ประธาน / เลขานุการ by the permission role, nothing for a member or a guest. A title that is not
    a standard one prints as typed, in both languages."""
    title = member.title
    if not title:
        title = {Role.CHAIR: "ประธาน", Role.SECRETARY: "เลขานุการ"}.get(member.role, "")
    if lang == "th" or not title:
        return title
    known = _BY_THAI.get(title)
    return known.english if known is not None else title
