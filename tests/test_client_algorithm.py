"""The reference client algorithm of docs/protocol.md section 13, as written there, against a
real server: no command stays pending forever (a refused id re-sent, an oversize frame), and the
claims it rests on hold (a refused id is forgotten by the server, an id-less frame_too_large
answers the oldest oversize frame)."""

from __future__ import annotations

from typing import Any

import msgpack

from emeeting.demo_meeting import demo_meeting
from rooms.commands import MoveDocument, RemoveDocument, RenameDocument
from rooms.events import MeetingClosed, MeetingOpened
from rooms.refusals import Rejection
from rooms.room import apply, decide, fold
from tests.support import Device, RunningServer, joined
from tests.test_docs import PROTOCOL

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)

MAX_FRAME = 65536


class Section13Client:
    """The per-connection part of section 13: pending, sent, oversize, pump, answered."""

    def __init__(self, device: Device) -> None:
        self.device = device
        self.pending: list[dict[str, Any]] = []
        self.sent: set[str] = set()
        self.oversize: list[str] = []
        self.outstanding = 0
        self.replies: dict[str, dict[str, Any]] = {}  # the last reply per id, for the test to read

    async def new_command(self, command: dict[str, Any]) -> None:
        self.pending.append(command)
        await self.pump()

    async def pump(self) -> None:
        for cmd in list(self.pending):
            if self.outstanding >= 32:
                return
            if cmd["id"] not in self.sent:
                frame = msgpack.packb(cmd)
                if len(frame) > MAX_FRAME:
                    self.oversize.append(cmd["id"])
                await self.device.ws.send(frame)
                self.sent.add(cmd["id"])
                self.outstanding += 1

    def answered(self, command_id: str, reply: dict[str, Any]) -> None:
        self.pending = [c for c in self.pending if c["id"] != command_id]
        self.sent.discard(command_id)
        self.replies[command_id] = reply

    async def until_idle(self) -> None:
        """Read replies (events are read past) until nothing is pending; fails after the timeout."""
        while self.pending:
            frame = await self.device.recv()
            if frame["type"] == "ack":
                self.answered(frame["id"], frame)
                self.outstanding -= 1
            elif frame["type"] == "error":
                self.outstanding -= 1
                if "id" in frame and frame["code"] != "internal_error":
                    self.answered(frame["id"], frame)
                elif "id" not in frame and frame["code"] == "frame_too_large" and self.oversize:
                    self.answered(self.oversize.pop(0), frame)
            await self.pump()


async def test_a_refused_id_sent_again_is_decided_anew_and_answered(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    client = Section13Client(chair)
    show = {"type": "show_page", "id": "again-1", "document": "q1-report", "page": 1}
    await client.new_command(show)
    await client.until_idle()
    assert client.replies["again-1"]["code"] == "meeting_not_open"
    await client.new_command({"type": "open_meeting", "id": "open-1"})
    await client.until_idle()
    await client.new_command(show)  # the same id, refused before: sent again, and now applied
    await client.until_idle()
    assert (client.replies["again-1"]["type"], client.replies["again-1"]["duplicate"]) == ("ack", False)


async def test_an_oversize_frame_is_answered_without_id_and_leaves_nothing_pending(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    client = Section13Client(chair)
    big = {"type": "rename_document", "id": "big-1", "document": "q1-report", "title": "x", "pad": "ก" * 30_000}
    await client.new_command(big)
    await client.new_command({"type": "rename_document", "id": "ok-1", "document": "q1-report", "title": "ใหม่"})
    await client.new_command({**big, "id": "big-2"})
    await client.until_idle()
    assert client.oversize == [] and client.pending == []
    assert "id" not in client.replies["big-1"] and client.replies["big-1"]["code"] == "frame_too_large"
    assert client.replies["big-2"]["code"] == "frame_too_large" and client.replies["ok-1"]["type"] == "ack"


def test_the_document_commands_of_a_closed_meeting_are_refused_as_the_document_says() -> None:
    created = demo_meeting("m1")
    state = apply(apply(fold([created]), MeetingOpened()), MeetingClosed())
    for command in (RenameDocument("q1-report", "x"), MoveDocument("q1-report", "q1", 0), RemoveDocument("q1-report")):
        refused = decide(state, "chair", command)
        assert isinstance(refused, Rejection) and refused.code.value == "meeting_closed"
        section = " ".join(PROTOCOL.split(f"### `{command.TYPE}`")[1].split("\n### ")[0].split())
        assert "`meeting_closed`" in section and "whatever the meeting status" not in section
        assert "Accepted while the meeting is `scheduled` or `open`" in section
