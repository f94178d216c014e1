"""Where a Thai line may break: word boundaries, never inside a cluster or an abbreviation."""

from __future__ import annotations

from emeeting.minutes.thai_breaks import breaks, clusters, held_together


def words(text: str) -> list[str]:
    points = breaks(text)
    return [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]


def test_office_prose_breaks_between_words() -> None:
    text = "ที่ประชุมมีมติเห็นชอบให้ประสานกับสพป.ขอนแก่นเขต๑และสพม.ขอนแก่นภายในวันที่๓๑มกราคม๒๕๖๗"
    assert "".join(words(text)) == text
    for word in (
        "ประสาน",
        "กับ",
        "สพป.",
        "ขอนแก่น",
        "สพม.",
        "วันที่๓๑มกราคม๒๕๖๗",
    ):  # a date is one unit, with the word before it
        assert word in words(text), (word, words(text))


def test_a_date_is_never_broken() -> None:
    for text, date in (
        ("ประชุมเมื่อวันจันทร์ที่ ๑๕ มกราคม พ.ศ. ๒๕๖๗ ณ ห้องประชุม", "วันจันทร์ที่ ๑๕ มกราคม พ.ศ. ๒๕๖๗"),
        ("ลงนามด้วยชื่อที่พิมพ์ เมื่อ 16 ม.ค. 2567 10.00 น.", "16 ม.ค. 2567 10.00 น."),
        ("ให้แล้วเสร็จภายในวันที่๓๑มกราคม๒๕๖๗ทั้งนี้", "๓๑มกราคม๒๕๖๗"),
        ("Adopted on 15 January 2024 by the board", "15 January 2024"),
    ):
        start = text.index(date)
        assert held_together(text) == [(start, start + len(date))], held_together(text)
        assert not [p for p in breaks(text) if start < p < start + len(date)]


def test_a_number_stays_with_the_word_before_it() -> None:
    text = "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่นเขต๑"
    assert text.index("๑") not in breaks(text)
    assert text.index("เขต๑") in breaks(text)


def test_abbreviations_stay_whole() -> None:
    for text, whole in (("ติดต่อโทร.ด่วน", "โทร."), ("ขอให้สพป.ขอนแก่น", "สพป."), ("เมื่อ พ.ศ. ๒๕๖๗", "พ.ศ.")):
        assert any(whole in word for word in words(text)), words(text)
        start = text.index(whole)
        assert not [p for p in breaks(text) if start < p < start + len(whole)], words(text)


def test_long_compounds_break_between_their_words() -> None:
    assert words("กระทรวงศึกษาธิการ") == ["กระทรวง", "ศึกษาธิการ"]


def test_never_next_to_a_mark_or_a_leading_vowel() -> None:
    text = "ผู้อำนวยการโรงเรียนได้แจ้งเรื่องน้ำท่วมไม่ได้เกี่ยวข้องกับแผนที่เสนอ" * 3
    for point in breaks(text):
        assert text[point] not in "ะัาำิีึืุู็่้๊๋์ๅ" and text[point - 1] not in "เแโใไ", point
    for point in clusters(text):
        assert text[point] not in "ะัาำิีึืุู็่้๊๋์ๅ" and text[point - 1] not in "เแโใไ", point


def test_never_inside_a_number() -> None:
    text = "งบประมาณ๓,๕๐๐,๐๐๐บาทปี๒๕๖๗เลขที่๐๑๒๓๔๕๖๗๘๙"
    for point in breaks(text):
        assert not (text[point - 1].isdigit() and text[point].isdigit()), words(text)


def test_latin_and_numbers_keep_their_own_breaks() -> None:
    assert breaks("Meeting 1/2567 at 09.00, tel. 0-4324-1234") == []
    assert breaks("") == []
