"""Dates as Thai official documents write them: full month names, Buddhist Era years; and the
time zone every time of a meeting is shown in, whatever the server's own (TZ).

A meeting's times are instants (milliseconds since the epoch, from its log); they are shown in
the meeting's zone: its own (``MeetingInfo.timezone``) or, for a meeting that names none (every
meeting made before zones existed), the server's setting EMEETING_TIMEZONE (Asia/Bangkok).
Zones come from the standard library's zoneinfo, which reads the system's tz database (Debian's
tzdata package) or, where a system has none, the ``tzdata`` package from PyPI.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo

THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
THAI_WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
BE_OFFSET = 543


def buddhist_year(year: int) -> int:
    return year + BE_OFFSET


def thai_date(value: str | dt.date, *, weekday: bool = True) -> str:
    """``2024-01-15`` -> ``วันจันทร์ที่ 15 มกราคม พ.ศ. 2567``."""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    text = f"{day.day} {THAI_MONTHS[day.month - 1]} พ.ศ. {buddhist_year(day.year)}"
    return f"วัน{THAI_WEEKDAYS[day.weekday()]}ที่ {text}" if weekday else text


def thai_time(value: str) -> str:
    """``09:00`` -> ``09.00 น.``, the way Thai minutes write the time."""
    hours, minutes = value.split(":")[:2]
    return f"{int(hours):02d}.{int(minutes):02d} น."


DEFAULT_TIMEZONE = "Asia/Bangkok"
# An IANA name: "Asia/Bangkok", "America/Argentina/Buenos_Aires", "Etc/GMT-7", "UTC". Checked
# before zoneinfo sees it, so that no name can walk the file system ("../../etc/passwd").
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9][A-Za-z0-9_+-]*){0,2}")
# Files in the zone folder that are not zones: "localtime" is the server's own zone (the very
# dependence a meeting's zone removes), "Factory" says nothing, "posixrules" is internal.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


class UnknownZone(ValueError):
    """A time zone name that is not in the tz database; its message is in Thai and English."""

    def __init__(self, name: str) -> None:
        shown = name if len(name) <= 64 else name[:64] + "…"
        self.thai = f"ไม่รู้จักเขตเวลา {shown!r} ใช้ชื่อแบบ Asia/Bangkok"
        self.english = f"unknown time zone {shown!r}: use a tz database name such as Asia/Bangkok"
        super().__init__(f"{self.thai} ({self.english})")
        self.name = name


@functools.lru_cache(maxsize=64)
def zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone named ``name`` (a tz database name), or :class:`UnknownZone`."""
    if len(name) > 64 or not _ZONE_NAME.fullmatch(name) or name in _NOT_ZONES:
        raise UnknownZone(name)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise UnknownZone(name) from None


def meeting_zone(own: str, default: str = DEFAULT_TIMEZONE) -> str:
    """The name of the zone a meeting's times are shown in: its own, else the server's."""
    return own or default


def local(ms: int, zone_name: str) -> dt.datetime:
    """An instant (milliseconds since the epoch) as the wall-clock time in ``zone_name``."""
    return dt.datetime.fromtimestamp(ms / 1000, tz=zone(zone_name))


def iso_local(ms: int | None, zone_name: str) -> str:
    """``2024-01-15T09:05:00+07:00``: ISO 8601 with the zone's offset; "" for no time."""
    return "" if ms is None else local(ms, zone_name).isoformat(timespec="seconds")
