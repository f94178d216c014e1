"""Hostile text in every field a person can fill, through every output: the HTML pages, the
minutes (PDF, DOCX, Markdown), the annotated PDF, the CSV records and the server's log.

The meeting (tests/hostile_text.py) has a member and an agenda item per payload, and its
minutes, attendance reasons, substitutes, guests, vote options, document titles, file names,
sticky note and device user agents are hostile too. Each output must show the text as text:
no markup, link, formula, field, forged log line or terminal escape comes out of it.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import re
import socket
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import docx
import httpx
import markdown_it
import pytest

from emeeting.documents.mupdf import load
from tests.hostile_text import (
    ABSENT,
    BIDI,
    CHAIR,
    FORMULA_START,
    GUEST,
    GUEST_ID,
    HOSTILE_USER_AGENTS,
    MEMBER,
    NOT_TEXT,
    ORGANISATION,
    PAYLOADS,
    PLACE,
    SECRETARY,
    TITLE,
    Served,
    compact,
    hostile_server,
    member_name,
    payload,
    visible,
)
from tests.support import TIMEOUT

MEMBERS = [f"m{index}" for index in range(len(PAYLOADS))]


class Keep(logging.Handler):
    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def log_records() -> Iterator[list[logging.LogRecord]]:
    """Every record of our loggers and uvicorn's access log (at INFO) while the block runs."""
    handler = Keep(logging.INFO)
    records = handler.records
    loggers = [logging.getLogger(name) for name in ("emeeting", "uvicorn.access", "uvicorn.error")]
    levels = [logger.level for logger in loggers]
    root = logging.getLogger()
    root.addHandler(handler)
    for logger in loggers:
        logger.setLevel(logging.INFO)
    try:
        yield records
    finally:
        root.removeHandler(handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, list[logging.LogRecord]]]:
    with log_records() as records, hostile_server(tmp_path_factory.mktemp("hostile")) as running:
        yield running, records


# -- HTML pages ---------------------------------------------------------------------------------


class Scan(HTMLParser):
    """The elements, the text and the scripts of a page, as a browser's parser would see them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts[-1] = (self._script, self.scripts[-1][1] + data)
        else:
            self.text.append(data)


def inert_page(html: str, *texts: str) -> Scan:
    """Assert that ``html`` has only our own elements, scripts and links, and shows ``texts``."""
    scan = Scan(html)
    for tag, attrs in scan.tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        assert tag not in ("img", "iframe", "object", "embed", "b", "i", "base"), (tag, attrs)
        for name in ("href", "src", "action", "formaction", "data-copy"):
            value = attrs.get(name)
            assert value is None or value.startswith(("/", "http://127.0.0.1:", "data:,")), (tag, name, value)
        if tag == "svg":
            assert attrs.get("class") == "segno", attrs  # a QR code of ours
    for attrs, body in scan.scripts:
        if attrs.get("type") == "application/json":
            assert attrs.get("id") == "emeeting-boot" and "<" not in body, body  # tojson escapes "<"
        else:
            assert (attrs.get("src") or "").startswith("/static/js/") and not body.strip(), (attrs, body)
    shown = visible("".join(scan.text))
    for text in texts:
        assert visible(text) in shown, text
    return scan


def boot(scan: Scan) -> dict[str, Any]:
    (body,) = [body for attrs, body in scan.scripts if attrs.get("id") == "emeeting-boot"]
    data: dict[str, Any] = json.loads(body)
    return data


async def test_every_page_shows_people_s_text_as_text(served: tuple[Served, list[logging.LogRecord]]) -> None:
    server, _ = served
    running = server.running
    agenda = [payload(index) for index in range(len(PAYLOADS))]
    for member in (CHAIR, MEMBER, GUEST):
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            http.cookies.set(f"emeeting_{running.meeting}", running.tokens[member])  # the member's device
            invitation = await http.get(f"{running.url}{running.link(member)}")  # its link, once entered
            assert invitation.status_code == 200
            index = MEMBERS.index(member) if member in MEMBERS else None
            person = (member_name(index), payload(index + 7)) if index is not None else (payload(11), payload(12))
            inert_page(invitation.text, TITLE, PLACE, ORGANISATION, *person, *agenda)
            page = await http.get(f"{running.url}/m/{running.meeting}")
            assert page.status_code == 200
            assert boot(inert_page(page.text, TITLE))["name"] == person[0]  # the exact name, NUL and all
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        http.cookies.set(f"emeeting_{running.meeting}", running.tokens[SECRETARY])  # this device's session
        minutes = await http.get(f"{running.url}/m/{running.meeting}/minutes")
        assert minutes.status_code == 200 and boot(inert_page(minutes.text, TITLE))["name"] == member_name(1)
        sheet = await http.get(f"{running.url}/m/{running.meeting}/invitations")
        assert sheet.status_code == 200
        people = [text for index in range(len(PAYLOADS)) for text in (member_name(index), payload(index + 7))]
        inert_page(sheet.text, TITLE, *people)
        # A tab's title cannot hold a <bdi>: no bidi control reaches it, on any page.
        for text in (invitation.text, page.text, minutes.text, sheet.text):
            title = re.search(r"<title>(.*?)</title>", text, re.S)
            assert title is not None and not BIDI.search(title.group(1))


async def test_the_new_meeting_form_comes_back_with_its_text_escaped(
    served: tuple[Served, list[logging.LogRecord]],
) -> None:
    server, _ = served
    running = server.running
    fields = {
        "title": payload(1),
        "number": "x<b>",
        "date": "<script>alert(1)</script>",  # not a date: the form comes back with its mistakes
        "time": "09:00",
        "place": payload(2),
        "organisation": payload(15),
        "agenda": "\n".join(p.replace("\n", " ") for p in PAYLOADS),
        "members": "\n".join(f"{p.replace(chr(10), ' ').replace('|', '/')} | x | <b>nobody</b>" for p in PAYLOADS),
    }
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        http.cookies.set(f"emeeting_{running.meeting}", running.tokens[SECRETARY])  # this device's session
        page = await http.post(f"{running.url}/m/{running.meeting}/new", data=fields)
    assert page.status_code == 422
    scan = inert_page(page.text, fields["members"], fields["agenda"])
    values = {attrs.get("name"): attrs.get("value") for tag, attrs in scan.tags if tag == "input"}
    for name in ("title", "number", "date", "place", "organisation"):
        assert values[name] == fields[name].strip(), name  # exactly as typed, back in its field
    assert "| x | &lt;b&gt;nobody&lt;/b&gt;" in page.text  # the members as typed, in their field, as text


# -- the minutes ----------------------------------------------------------------------------------


async def minutes_file(server: Served, fmt: str, lang: str) -> bytes:
    async with httpx.AsyncClient(timeout=60) as http:
        response = await http.get(f"{server.api}/minutes.{fmt}?lang={lang}", headers=server.bearer(SECRETARY))
    assert response.status_code == 200, response.text
    return response.content


def minutes_texts() -> list[str]:
    """What the minutes must show of the hostile meeting, each as typed."""
    names = [member_name(index) for index in range(len(PAYLOADS))]
    return [*PAYLOADS, PLACE, *names, payload(11), payload(15)]  # agenda titles, place, names, guests


@pytest.mark.parametrize("lang", ["th", "en"])
async def test_the_minutes_pdf_has_the_text_as_text_and_no_link(
    served: tuple[Served, list[logging.LogRecord]], lang: str
) -> None:
    server, _ = served
    fitz = load()
    with fitz.open("pdf", await minutes_file(server, "pdf", lang)) as pdf:
        text = compact("".join(page.get_text() for page in pdf))
        for page in pdf:
            assert page.get_links() == [] and list(page.annots()) == []
        for xref in range(1, pdf.xref_length()):
            assert not re.search(r"/(URI|JavaScript|JS|Launch|SubmitForm|GoToR)\b", pdf.xref_object(xref)), xref
    for expected in minutes_texts():
        assert compact(expected) in text, expected
    # A NUL would have ended MuPDF's reading of the HTML: the end of the minutes is there.
    assert compact("ผู้จดรายงานการประชุม" if lang == "th" else "Minute-taker") in text


async def test_the_minutes_docx_has_the_text_as_text_and_no_field_or_link(
    served: tuple[Served, list[logging.LogRecord]],
) -> None:
    server, _ = served
    body = await minutes_file(server, "docx", "th")
    document = docx.Document(io.BytesIO(body))
    texts = [p.text for p in document.paragraphs]
    texts += [p.text for table in document.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    shown = compact(" ".join(texts))
    for expected in minutes_texts():
        assert compact(expected) in shown, expected
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        parts = {name: archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml")}
    for name, xml in parts.items():
        assert "<w:hyperlink" not in xml and "<w:fldSimple" not in xml, name
        for instruction in re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml):
            assert instruction.strip() in ("PAGE", "NUMPAGES"), (name, instruction)  # our page numbers only
        assert not NOT_TEXT.search(xml), name


TABLE = {"table", "thead", "tbody", "tr", "th", "td"}
UNESCAPED = re.compile(r"\\.")  # CommonMark: a backslash makes any ASCII punctuation plain text


async def test_the_minutes_markdown_escapes_every_markup_of_people_s_text(
    served: tuple[Served, list[logging.LogRecord]],
) -> None:
    server, _ = served
    markdown = (await minutes_file(server, "md", "en")).decode()
    assert not NOT_TEXT.search(markdown) and not BIDI.search(markdown)
    lines = markdown.split("\n")
    # Structure: the title, three people sections and one heading per agenda item, nothing more.
    assert len([line for line in lines if re.match(r"#{1,6} ", line)]) == 1 + 3 + len(PAYLOADS)
    for line in lines:
        bare = UNESCAPED.sub("", line)
        # No raw HTML, autolink, link, image, code span, entity, emphasis or strikethrough.
        assert not re.search(r"[<\[\]`&_~$*]", bare.replace("**", "")), line
        assert not re.search(r"(://|\bwww\.|\w@\w)", bare), line
        assert "|" not in bare or line.startswith("| "), line  # only our tables' pipes
        # After our own block marker, no person's text opens another block.
        rest = re.sub(r"^(#{1,6} |> |- |\d{1,9}\. |\| )", "", line)
        assert not re.match(r"(\s|[-+*](\s|$)|\d{1,9}[.)](\s|$)|=+\s*$|[>#`~<])", rest), line
    shown = visible(UNESCAPED.sub(lambda m: m.group()[1], markdown))
    for expected in minutes_texts():
        assert visible(expected) in shown, expected
    # And as a renderer of GitHub's flavour (raw HTML on, bare addresses linked) reads it.
    html = markdown_it.MarkdownIt("gfm-like").render(markdown)
    tags = Scan(html).tags
    assert {tag for tag, _ in tags} <= {"h1", "h2", "blockquote", "p", "strong", "ol", "ul", "li", "br"} | TABLE
    assert len([tag for tag, _ in tags if tag in ("h1", "h2")]) == 1 + 3 + len(PAYLOADS)
    text = visible("".join(Scan(html).text))
    for expected in minutes_texts():
        assert visible(expected) in text, expected


# -- the annotated PDF ------------------------------------------------------------------------------


async def test_the_annotated_pdf_keeps_the_note_and_the_titles_as_text(
    served: tuple[Served, list[logging.LogRecord]],
) -> None:
    server, _ = served
    async with httpx.AsyncClient(timeout=60) as http:
        response = await http.get(f"{server.api}/my-annotations.pdf", headers=server.bearer(MEMBER))
    assert response.status_code == 200, response.text
    fitz = load()
    with fitz.open("pdf", response.content) as pdf:
        notes = [annot.info["content"] for annot in pdf[0].annots()]
        toc = [title for _, title, _ in pdf.get_toc()]
        for xref in range(1, pdf.xref_length()):
            assert not re.search(r"/(URI|JavaScript|JS|Launch)\b", pdf.xref_object(xref)), xref
    # The whole note, every line of it: a NUL would have ended it there.
    assert notes == [NOT_TEXT.sub("", server.note.replace("\r\n", "\n").replace("\r", "\n"))]
    stems = ["{{7*7}} [31mred ก้้้", "=HYPERLINK(1)gnp"]
    assert toc == [NOT_TEXT.sub("", payload(0)), *stems]


# -- the records as CSV -------------------------------------------------------------------------------


def neutral(text: str) -> str:
    """A cell as a spreadsheet must get it: text only, and a formula's first character quoted."""
    text = NOT_TEXT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return f"'{text}" if text.startswith(FORMULA_START) else text


def read_csv(body: bytes) -> list[dict[str, str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff") and not NOT_TEXT.search(text)
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA_START), cell
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


async def test_no_csv_cell_starts_a_formula(served: tuple[Served, list[logging.LogRecord]]) -> None:
    server, _ = served
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        attendance = await http.get(f"{server.api}/attendance.csv", headers=server.bearer(SECRETARY))
        connections = await http.get(f"{server.api}/connections.csv", headers=server.bearer(CHAIR))
    rows = {row["member"]: row for row in read_csv(attendance.content)}
    assert set(rows) == {*MEMBERS, GUEST, neutral(GUEST_ID), "g2"}  # one row each: quoting held
    for index, member in enumerate(MEMBERS):
        assert rows[member]["name"] == neutral(member_name(index)), member
        assert rows[member]["position"] == neutral(payload(index + 7)), member
    for member in ABSENT:
        assert rows[member]["reason"] == neutral(payload(int(member[1:]) + 2).strip()), member  # as the rules keep it
    substitute = rows["m4"]
    assert (substitute["substitute"], substitute["substitute_position"]) == (neutral(payload(9)), neutral(payload(10)))
    agents = {row["user_agent"] for row in read_csv(connections.content)}
    assert {neutral(agent) for agent in HOSTILE_USER_AGENTS} <= agents


# -- the log ------------------------------------------------------------------------------------------

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def handshake(port: int, origin: bytes) -> bytes:
    """A raw WebSocket handshake from ``origin`` (bytes as a client may send them); the answer."""
    request = (
        b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: " + origin + b"\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer and (chunk := sock.recv(4096)):
            answer += chunk
    return answer


async def test_people_s_text_cannot_forge_a_log_line_or_colour_the_terminal(
    served: tuple[Served, list[logging.LogRecord]],
) -> None:
    server, records = served
    running = server.running
    # A refused origin is logged: with a C1 CSI (0x9b, latin-1 as headers are read) and an RLO.
    origin = b"http://evil.example/\x9b2J\xe2\x80\xae"
    assert handshake(running.port, origin).startswith(b"HTTP/1.1 403")
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:  # a path and a query that spell a new line
        await http.get(f"{running.url}/static/x%0d%0aERROR%20forged?q=%1b%5b31m%0a")
    refused = [r.getMessage() for r in records if r.name == "emeeting.ws" and "origin" in r.getMessage()]
    assert refused and "\\x9b" in refused[-1]  # shown, escaped
    access = [r.getMessage() for r in records if r.name == "uvicorn.access"]
    assert any("%0d%0aERROR" in line for line in access)  # still percent-encoded, on its one line
    for record in records:
        assert not CONTROL.search(record.getMessage()), (record.name, record.getMessage())
