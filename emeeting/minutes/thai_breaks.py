"""Where a line of Thai may break: word boundaries from a Thai word segmenter.

Thai is written without spaces between words, so a layout engine that breaks lines only at
spaces (MuPDF's, for the minutes PDF) has to be told where the words are. :func:`breaks` gives
the offsets inside a text where a line may end, found by PyThaiNLP's ``newmm`` (maximal
matching over a Thai dictionary, constrained to Thai character clusters, so it never cuts a
syllable). Chosen over ICU's line BreakIterator (icu4py), which on office prose cut words in
the middle ("ประสาน" as "ประ|สา|น…") and never broke between Thai words and digits, and over
nlpo3 (the same newmm in Rust, faster, but it ships no dictionary: it would need PyThaiNLP's
anyway). Measured speeds are in docs/performance.md.

A long dictionary word that is made of words ("กระทรวงศึกษาธิการ") may also break between
them, as Word breaks it. Only boundaries between two Thai characters are given: Latin text, numbers and addresses keep
the breaks their spaces give them. A number stays with the word before it ("เขต๑": a lone "๑"
never starts a line), and a date is one unit (:func:`held_together`). Office abbreviations ("สพป.", "โทร.") are in the dictionary
or glued back to the word before, so a line never ends in the middle of one.

:func:`clusters` gives the places where text may be cut when nothing else fits (a word wider
than its whole column): between grapheme clusters, never between a consonant and its vowels or
tone marks.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

# Office abbreviations that the dictionary does not have; a line never ends inside one.
ABBREVIATIONS = frozenset(
    {
        "สพป.",
        "สพม.",
        "สพฐ.",
        "สป.",
        "ศธ.",
        "ศธจ.",
        "กศจ.",
        "อกศจ.",
        "สช.",
        "กศน.",
        "อปท.",
        "ผอ.",
        "รอง ผอ.",
        "โทร.",
        "ม.ค.",
        "ก.พ.",
        "มี.ค.",
        "เม.ย.",
        "พ.ค.",
        "มิ.ย.",
        "ก.ค.",
        "ส.ค.",
        "ก.ย.",
        "ต.ค.",
        "พ.ย.",
        "ธ.ค.",
        "พ.ศ.",
        "ค.ศ.",
    }
)
COMPOUND = 12  # a dictionary word this long or longer may break between the words it is made of
_THAI = re.compile(r"[\u0e00-\u0e7f]")
# Marks and following vowels that belong to the character before them; leading vowels that
# belong to the character after them. A break is never next to them on that side.
_NO_START = frozenset(
    "\u0e30\u0e31\u0e32\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e45\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
)
_NO_END = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44")
_ABBREVIATION_TAIL = re.compile(r"[\u0e01-\u0e2e]{1,3}\.")  # "ร." of "โท|ร.", "พป." of "ส|พป."


@cache
def _dictionary() -> Any:
    from pythainlp.corpus import thai_words
    from pythainlp.tokenize import Trie

    return Trie(set(thai_words()) | ABBREVIATIONS)


_DIGITS = "[0-9๐-๙]"
_THAI_MONTH = (
    "มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม"
    "|ม\\.ค\\.|ก\\.พ\\.|มี\\.ค\\.|เม\\.ย\\.|พ\\.ค\\.|มิ\\.ย\\.|ก\\.ค\\.|ส\\.ค\\.|ก\\.ย\\.|ต\\.ค\\.|พ\\.ย\\.|ธ\\.ค\\."
)
_ENGLISH_MONTH = "January|February|March|April|May|June|July|August|September|October|November|December"
_TIME = f"(?:\\s+(?:เวลา\\s*)?{_DIGITS}{{1,2}}[.:]{_DIGITS}{{2}}(?:\\s*น\\.)?)?"
# A date as Thai offices and English minutes write it, with the time that may follow it: one
# unit that a line never breaks inside ("วันจันทร์ที่ ๑๕ มกราคม พ.ศ. ๒๕๖๗", "16 ม.ค. 2567 10.00 น.").
DATE = re.compile(
    f"(?:วัน(?:จันทร์|อังคาร|พุธ|พฤหัสบดี|ศุกร์|เสาร์|อาทิตย์)ที่\\s*)?{_DIGITS}{{1,2}}\\s*(?:{_THAI_MONTH})"
    f"(?:\\s*(?:พ\\.ศ\\.|ค\\.ศ\\.)?\\s*{_DIGITS}{{4}})?{_TIME}"
    f"|{_DIGITS}{{1,2}} (?:{_ENGLISH_MONTH}) {_DIGITS}{{4}}{_TIME}"
    f"|(?:{_ENGLISH_MONTH}) {_DIGITS}{{1,2}}, {_DIGITS}{{4}}{_TIME}"
)


def held_together(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each part of ``text`` that a line never breaks inside: its dates."""
    return [match.span() for match in DATE.finditer(text)]


def breaks(text: str) -> list[int]:
    """The offsets in ``text`` (0 < offset < len) between two Thai characters where a line may
    end, in order; never inside a date (:func:`held_together`)."""
    if not _THAI.search(text):
        return []
    held = held_together(text)
    return [at for at in _breaks(text) if not any(start < at < end for start, end in held)]


@lru_cache(maxsize=4096)  # the PDF measures a text, then lays it out, then may split its row
def _breaks(text: str) -> tuple[int, ...]:
    from pythainlp.tokenize import word_tokenize

    out: list[int] = []
    at = 0
    for word in word_tokenize(text, custom_dict=_dictionary(), engine="newmm", keep_whitespace=True):
        if at and allowed(text, at) and (word in ABBREVIATIONS or not _ABBREVIATION_TAIL.fullmatch(word)):
            out.append(at)
        out.extend(at + part for part in _compound(word) if allowed(text, at + part))
        at += len(word)
    return tuple(out)


@cache
def _compound(word: str) -> tuple[int, ...]:
    """The offsets between the words of a long dictionary compound ("กระทรวง|ศึกษาธิการ",
    "สำนักงานเขต|พื้นที่|การศึกษา|ประถมศึกษา"), where Word breaks a Thai line too: without
    them a line before such a name ends far short of the margin."""
    dictionary = _dictionary()
    if len(word) < COMPOUND or word not in dictionary or word in ABBREVIATIONS:
        return ()
    from pythainlp.tokenize import word_tokenize

    dictionary.remove(word)
    try:
        parts = word_tokenize(word, custom_dict=dictionary, engine="newmm")
    finally:
        dictionary.add(word)
    offsets, at = [], 0
    for part in parts[:-1]:
        at += len(part)
        offsets.append(at)
    return tuple(offsets) if all(len(part) > 1 for part in parts) else ()


def allowed(text: str, at: int) -> bool:
    """Whether a break at ``at`` falls between two Thai characters (or after an abbreviation's
    dot: "สพป.|ขอนแก่น") and not inside a cluster."""
    before, after = text[at - 1], text[at]
    if before == "." and at >= 2:
        before = text[at - 2]
    if after.isdigit():  # never inside a number ("๒๕๖๗"), nor between a number and the word it follows
        return False  # ("เขต๑", "ครั้งที่๒"): a lone "๑" would start the next line
    return bool(_THAI.match(before) and _THAI.match(after) and after not in _NO_START and before not in _NO_END)


def clusters(text: str) -> list[int]:
    """The offsets between grapheme clusters of ``text``: where a word too wide for its column
    may be cut as a last resort, keeping every consonant with its vowels and marks."""
    return [
        at
        for at in range(1, len(text))
        if text[at] not in _NO_START
        and text[at - 1] not in _NO_END
        and unicodedata.category(text[at]) not in {"Mn", "Mc", "Me"}
        and not 0xDC00 <= ord(text[at]) <= 0xDFFF
    ]
