"""The Markdown renderer: every word in order, user text escaped, tables well formed."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest

from emeeting.minutes.document import (
    Block,
    ItemSection,
    ListBlock,
    MinutesDocument,
    Paragraph,
    PeopleSection,
    Person,
    Run,
    Signature,
    Table,
)
from emeeting.minutes.markdown import escape, render_markdown
from tests.minutes.sample import ENGLISH, THAI

HOSTILE = "**x** | # y <script>alert(1)</script> [a](b) `c` _d_ ~e~ &amp; $f$ \\"
HOSTILE_ESCAPED = r"\*\*x\*\* \| \# y \<script\>alert(1)\</script\> \[a\](b) \`c\` \_d\_ \~e\~ \&amp; \$f\$ \\"


def expected_texts(doc: MinutesDocument) -> Iterator[str]:
    """Every text of the model, run by run (a bold run is wrapped in markup), in its order."""

    def runs(runs: tuple[Run, ...]) -> Iterator[str]:
        yield from (run.text.strip() for run in runs)

    def blocks(blocks: tuple[Block, ...]) -> Iterator[str]:
        for block in blocks:
            if isinstance(block, Paragraph):
                yield block.label
                yield from runs(block.runs)
            elif isinstance(block, ListBlock):
                for entry in block.entries:
                    yield from runs(entry)
            else:
                yield from block.header
                for row in block.rows:
                    yield from row

    yield doc.title
    yield from doc.heading
    for section in doc.people:
        yield section.title
        for person in section.people:
            yield from (person.name, person.position, person.note)
    yield doc.opening
    yield from blocks(doc.preamble)
    for item in doc.items:
        yield item.heading
        yield from blocks(item.blocks)
    yield doc.closing
    for signature in doc.signatures:
        yield from (signature.name, signature.position, signature.role)


def assert_in_order(haystack: str, needles: Iterator[str]) -> None:
    at = 0
    for needle in needles:
        if not needle:
            continue
        found = haystack.find(needle, at)
        assert found >= 0, f"{needle!r} missing after offset {at}"
        at = found + len(needle)


def table_lines(md: str) -> list[str]:
    return [line for line in md.splitlines() if line.startswith("|")]


def cells(line: str) -> int:
    """The number of cells of a pipe-table row: its unescaped pipes, less one."""
    return len(re.findall(r"(?<!\\)\|", line)) - 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain ไทย 1.5", "plain ไทย 1.5"),
        ("**x** | # y <script>", r"\*\*x\*\* \| \# y \<script\>"),
        ("a\\b", "a\\\\b"),
        ("[link](http://x) ![img](y)", r"\[link\](http\://x) !\[img\](y)"),  # nor an autolink
        ("line one\n# two\r\nthree", r"line one \# two three"),
        ("_under_ ~strike~ `code` &copy; $x$", r"\_under\_ \~strike\~ \`code\` \&copy; \$x\$"),
        (HOSTILE, HOSTILE_ESCAPED),
    ],
)
def test_escape(text: str, expected: str) -> None:
    assert escape(text) == expected


@pytest.mark.parametrize("doc", [THAI, dataclasses.replace(THAI, thai_digits=True), ENGLISH])
def test_every_text_of_the_model_is_there_in_order(doc: MinutesDocument) -> None:
    md = render_markdown(doc)
    assert_in_order(md, (escape(doc.digits(t)) for t in expected_texts(doc)))
    assert md.endswith("\n") and not md.endswith("\n\n")


def test_the_thai_sample_reads_as_the_official_form() -> None:
    md = render_markdown(THAI)
    lines = md.splitlines()
    assert lines[0] == f"# {THAI.title}"
    assert "> **ร่าง**" in lines  # a draft says so
    assert "**ครั้งที่ 1/2567**\\" in lines
    assert "## ผู้มาประชุม" in lines
    assert "3. นายสำรอง ใจดี, รองผู้อำนวยการ (มาประชุมแทน นายประเสริฐ วงศ์ไทย)" in lines
    assert "1. นายอนุชา สายทอง, นักวิชาการศึกษาชำนาญการพิเศษ" in lines
    assert "## ระเบียบวาระที่ 1  เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ" in lines
    assert "### 5.1  (ร่าง) แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2567" in lines
    assert "ประธานแจ้งว่า **ฤดูฝนปีนี้** ให้ทุกหน่วยงานเตรียมความพร้อม ฤๅษีเล่าว่าน้ำท่วมบ่อย ๆ" in lines
    assert "**มติที่ประชุม** รับทราบ" in lines
    assert [line for line in lines if line.startswith(("1. ลด", "2. เรียน"))] == [
        "1. ลดภาระครู ลดภาระนักเรียน",
        "2. เรียนดี มีความสุข: **การเรียนรู้ที่ยืดหยุ่น**",
    ]
    assert "(ลงชื่อ) ........................................\\" in lines
    assert "(นางสาวกมลชนก พิมพ์ทอง)\\" in lines
    assert "หน้า" not in md  # no footer, no page numbers


def test_thai_digits_everywhere_and_numbered_entries_keep_them() -> None:
    md = render_markdown(dataclasses.replace(THAI, thai_digits=True))
    assert not re.search(r"[0-9]", md)
    assert "- ๓. นายสำรอง ใจดี, รองผู้อำนวยการ (มาประชุมแทน นายประเสริฐ วงศ์ไทย)" in md.splitlines()
    assert "๓,๕๐๐,๐๐๐" in md


def test_hostile_text_is_escaped_everywhere() -> None:
    doc = dataclasses.replace(
        ENGLISH,
        title=HOSTILE,
        heading=(HOSTILE,),
        people=(PeopleSection(HOSTILE, (Person(HOSTILE, HOSTILE, HOSTILE),)),),
        opening=HOSTILE,
        items=(
            ItemSection(
                HOSTILE,
                0,
                (
                    Paragraph((Run(HOSTILE), Run(HOSTILE, bold=True)), label=HOSTILE),
                    ListBlock(((Run(HOSTILE),),), ordered=True),
                    Table((HOSTILE, "b"), ((HOSTILE, HOSTILE),)),
                ),
            ),
        ),
        closing=HOSTILE,
        signatures=(Signature(HOSTILE, HOSTILE, HOSTILE),),
        watermark=HOSTILE,
    )
    md = render_markdown(doc)
    lines = md.splitlines()
    e = HOSTILE_ESCAPED
    assert f"# {e}" in lines
    assert f"> **{e}**" in lines
    assert f"**{e}**" in lines
    assert f"## {e}" in lines
    assert f"1. {e}, {e} ({e})" in lines
    assert f"**{e}** {e}**{e}**" in lines  # the two runs touch: no space between them
    assert f"| {e} | b |" in lines
    assert f"| {e} | {e} |" in lines
    assert f"({e})\\" in lines
    assert "<script>" not in md and "**x**" not in md
    assert md.count(e) == 20


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("- not a bullet", r"\- not a bullet"),
        ("+ not a bullet", r"\+ not a bullet"),
        ("1. not a number", r"1\. not a number"),
        ("12) not a number", r"12\) not a number"),
        ("=== not an underline", r"\=== not an underline"),
        ("    not code", "not code"),
        ("# not a heading", r"\# not a heading"),
        ("> not a quote", r"\> not a quote"),
    ],
)
def test_text_that_starts_like_a_block_stays_a_paragraph(text: str, line: str) -> None:
    doc = dataclasses.replace(ENGLISH, opening=text, closing="", signatures=())
    assert line in render_markdown(doc).splitlines()
    listed = dataclasses.replace(doc, preamble=(ListBlock(((Run(text),),), ordered=True),))
    assert f"1. {line}" in render_markdown(listed).splitlines()


def test_bold_runs_keep_their_spaces_outside_the_markers() -> None:
    doc = dataclasses.replace(
        ENGLISH,
        preamble=(
            Paragraph((Run("a"), Run(" bold ", bold=True), Run("b"), Run("x", bold=True), Run("y", bold=True))),
            Paragraph((Run("   ", bold=True), Run("z"))),
        ),
    )
    lines = render_markdown(doc).splitlines()
    assert "a **bold** b**xy**" in lines  # adjacent bold runs merge: no "****"
    assert "z" in lines


@pytest.mark.parametrize(
    ("runs", "line"),
    [
        ((Run("ก"), Run("(ร่าง)", bold=True), Run("ต่อ")), "ก(**ร่าง**)ต่อ"),  # "ก**(ร่าง)**ต่อ" would not bold
        ((Run("x "), Run("(a)", bold=True), Run(" y")), "x **(a)** y"),  # spaces around: nothing to move
        ((Run("("), Run("ร่าง", bold=True), Run(")")), "(**ร่าง**)"),
        ((Run("ก"), Run(".", bold=True), Run("ข")), "ก.ข"),  # a lone mark cannot be bold there
        ((Run("ที่ประชุม"), Run("มีมติ", bold=True), Run("เห็นชอบ")), "ที่ประชุม**มีมติ**เห็นชอบ"),
    ],
)
def test_bold_next_to_thai_letters_keeps_edge_punctuation_outside_the_markers(runs: tuple[Run, ...], line: str) -> None:
    doc = dataclasses.replace(ENGLISH, preamble=(Paragraph(runs),))
    assert line in render_markdown(doc).splitlines()


def test_gfm_table_is_well_formed() -> None:
    doc = dataclasses.replace(
        ENGLISH,
        preamble=(Table(("who", "what | why", "when"), (("a|b", "c"), ("d", "e", "f"), ())),),
    )
    rows = table_lines(render_markdown(doc))
    assert rows[0] == r"| who | what \| why | when |"
    assert rows[1] == "| --- | --- | --- |"
    assert rows[2] == r"| a\|b | c |  |"
    assert len(rows) == 5
    assert {cells(row) for row in rows} == {3}
    assert all(row.startswith("| ") and row.endswith(" |") for row in rows)


def test_the_thai_sample_table_is_well_formed() -> None:
    rows = table_lines(render_markdown(THAI))
    assert rows == [
        "| ผู้รับผิดชอบ | สิ่งที่ต้องทำ | กำหนดเสร็จ |",
        "| --- | --- | --- |",
        "| กลุ่มนโยบายและแผน | ปรับแผนตามข้อสังเกตของที่ประชุม | 31 มกราคม 2567 |",
    ]


def test_english_sample() -> None:
    md = render_markdown(ENGLISH)
    assert md.startswith("# Minutes of the Executive Committee, meeting 1/2024\n")
    assert "1. Somchai Jaidee, Provincial Education Officer (Chair)" in md.splitlines()
    assert "(Signed) ........................................\\" in md.splitlines()
    assert ">" not in md  # no watermark on adopted minutes


def test_rendered_html_shows_hostile_text_literally() -> None:
    markdown_it = pytest.importorskip("markdown_it")
    doc = dataclasses.replace(
        ENGLISH,
        people=(PeopleSection("P", (Person(HOSTILE),)),),
        items=(
            ItemSection(
                "I",
                0,
                (
                    Table(("h",), ((HOSTILE,),)),
                    Paragraph((Run("ก"), Run("(ร่าง)", bold=True), Run("ต่อ"), Run("มีมติ", bold=True), Run("ข"))),
                ),
            ),
        ),
    )
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(render_markdown(doc))
    assert "<p>ก(<strong>ร่าง</strong>)ต่อ<strong>มีมติ</strong>ข</p>" in html
    literal = "**x** | # y &lt;script&gt;alert(1)&lt;/script&gt; [a](b) `c` _d_ ~e~ &amp;amp; $f$ \\"
    assert html.count(literal) == 2
    assert "<script>" not in html and "<strong>x</strong>" not in html and "<a " not in html
    assert html.count("<td>") == 1 and html.count("<li>") == 1


def test_bare_addresses_do_not_become_links_in_github_flavoured_markdown() -> None:
    markdown_it = pytest.importorskip("markdown_it")
    pytest.importorskip("linkify_it")
    text = "see http://evil.example/x, www.evil.example and someone@evil.example"
    doc = dataclasses.replace(ENGLISH, items=(ItemSection("I", 0, (Paragraph((Run(text),)),)),))
    html = markdown_it.MarkdownIt("gfm-like").render(render_markdown(doc))
    assert "<a " not in html
    assert "see http://evil.example/x, www.evil.example and someone@evil.example" in html
    # The renderer does make such links from text that is not escaped: the check can fail.
    assert "<a " in markdown_it.MarkdownIt("gfm-like").render(text)
