"""Dates as Thai official documents write them: full month names, Buddhist Era years."""

from __future__ import annotations

import datetime as dt

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
