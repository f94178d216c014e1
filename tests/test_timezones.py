"""Every time shown or exported is in the meeting's time zone, whatever the TZ of the process
that shows it: the minutes from ``emeeting export`` and the CSVs from a real server, each run
with TZ=UTC and TZ=America/New_York; a meeting in Tokyo shows Tokyo's times."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from emeeting import meetings
from emeeting.config import Settings, from_env
from emeeting.demo_meeting import AGENDA, INFO, MEMBERS, demo_meeting
from emeeting.documents.mupdf import load
from emeeting.minutes.build import Times, build
from emeeting.storage import eventlog
from emeeting.storage.opening import open_storage
from emeeting.storage.store import INSERT_EVENT
from rooms.commands import CloseMeeting, OpenMeeting, RecordAttendance
from rooms.events import MeetingCreated
from rooms.model import MeetingInfo, Presence
from rooms.refusals import Rejection
from rooms.room import apply, decide, define, start
from tests.support import TIMEOUT, RunningServer, first_devices, make_settings

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)

fitz: Any = load()
TIMES = ((9, 0), (9, 5), (9, 2), (10, 15), (11, 30))  # opened, deputy arrived, joined, left, closed
SECRET = "test-secret-not-for-production"


def at(zone: str, hour: int, minute: int) -> int:
    return int(dt.datetime(2024, 1, 15, hour, minute, tzinfo=ZoneInfo(zone)).timestamp() * 1000)


async def write_meeting(settings: Settings, info: MeetingInfo, zone: str) -> tuple[str, dict[str, str]]:
    """A meeting that opened at 09:00 in ``zone``, its deputy there from 09:05 to 10:15 (a
    device connected 09:02 to 10:15), closed at 11:30: the log written with those times."""
    opened, arrived, joined, left, closed = (at(zone, h, m) for h, m in TIMES)
    store = await open_storage(settings, sync="NORMAL")
    try:
        created = define(meetings.new_meeting_id(), info, list(MEMBERS), list(AGENDA))
        await meetings.create(store, created)
        state = start(created)
        steps = (
            ("chair", OpenMeeting(), opened),
            ("secretary", RecordAttendance("deputy", Presence.DEPARTED, arrived, left), left),
            ("chair", CloseMeeting(), closed),
        )
        for actor, command, ts in steps:
            events = decide(state, actor, command, now=ts)
            assert not isinstance(events, Rejection), events
            for event in events:
                state = apply(state, event)
                row = eventlog.new(state.seq, ts, actor, event)
                await store.execute(
                    INSERT_EVENT, (state.id, row.seq, row.type, row.version, row.actor, row.ts, row.body)
                )
        await store.execute(
            "INSERT INTO connections (id, meeting_id, member_id, joined_at, left_at, ip, user_agent) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (f"c-{state.id}", state.id, "deputy", joined, left, "192.0.2.7", "tablet"),
        )
        links = await meetings.links(store, SECRET.encode(), "", state.id, list(state.members.values()))
        tokens = await first_devices(store, SECRET.encode(), state.id, links)
    finally:
        await store.close()
    return state.id, tokens


Data = tuple[Path, str, str, dict[str, dict[str, str]]]  # the folder, two meetings, their tokens


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Data:
    """A data folder with a meeting in Bangkok (no zone of its own: the server's default) and one
    in Tokyo (its own zone), both from 09:00 to 11:30 local time."""
    folder = tmp_path_factory.mktemp("zones") / "data"
    settings = make_settings(folder)
    bangkok, bangkok_tokens = asyncio.run(write_meeting(settings, INFO, "Asia/Bangkok"))
    tokyo_info = dataclasses.replace(INFO, timezone="Asia/Tokyo")
    tokyo, tokyo_tokens = asyncio.run(write_meeting(settings, tokyo_info, "Asia/Tokyo"))
    return folder, bangkok, tokyo, {bangkok: bangkok_tokens, tokyo: tokyo_tokens}


def env(tz: str) -> dict[str, str]:
    # The meetings closed in 2024: their links still open them for the test.
    return {**os.environ, "TZ": tz, "EMEETING_SECRET": SECRET, "EMEETING_LINK_DAYS": "36500"}


def export(folder: Path, meeting: str, fmt: str, tz: str, out: Path, *extra: str) -> bytes:
    done = subprocess.run(
        [sys.executable, "-m", "emeeting", "export", meeting, "--format", fmt, "-o", str(out), "--data", str(folder), *extra],
        capture_output=True, text=True, timeout=120, check=False, env=env(tz),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


LOCAL = ("เริ่มประชุมเวลา 09.00 น.", "ออกจากที่ประชุมเวลา 10.15 น.", "เลิกประชุมเวลา 11.30 น.")


@pytest.mark.parametrize("tz", ["UTC", "America/New_York"])
def test_the_cli_exports_the_meetings_local_times_whatever_its_tz(tz: str, data: Data, tmp_path: Path) -> None:
    folder, bangkok, tokyo, _ = data
    for meeting in (bangkok, tokyo):
        text = export(folder, meeting, "md", tz, tmp_path / "m.md").decode()
        for words in LOCAL:
            assert words in text, (meeting, words)
        english = export(folder, meeting, "md", tz, tmp_path / "e.md", "--lang", "en").decode()
        assert "The meeting opened at 09:00." in english and "The meeting closed at 11:30." in english
    pdf = export(folder, bangkok, "pdf", tz, tmp_path / "m.pdf")
    with fitz.open(stream=pdf, filetype="pdf") as doc:
        words = " ".join(page.get_text() for page in doc)
    assert "09.00 น." in words and "11.30 น." in words, words


def read_csv(body: bytes) -> dict[str, dict[str, str]]:
    return {row["member"]: row for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))}


@pytest.mark.parametrize("tz", ["UTC", "America/New_York"])
def test_a_server_exports_the_records_in_the_meetings_zone_whatever_its_tz(tz: str, data: Data) -> None:
    folder, bangkok, tokyo, tokens = data
    server = subprocess.Popen(
        [sys.executable, "-m", "emeeting", "serve", "--port", "0", "--data", str(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env(tz),
    )  # fmt: skip
    try:
        assert server.stdout is not None
        first = server.stdout.readline()  # "emeeting on http://127.0.0.1:PORT  (data: ...)"
        base = first.split()[2]
        expected = {bangkok: "+07:00", tokyo: "+09:00"}
        with httpx.Client(timeout=TIMEOUT) as http:
            for meeting, offset in expected.items():
                bearer = {"Authorization": f"Bearer {tokens[meeting]['secretary']}"}
                url = f"{base}/api/meetings/{meeting}"
                attendance = read_csv(http.get(f"{url}/attendance.csv", headers=bearer).content)
                assert attendance["deputy"]["arrived_at"] == f"2024-01-15T09:05:00{offset}"
                assert attendance["deputy"]["departed_at"] == f"2024-01-15T10:15:00{offset}"
                connections = read_csv(http.get(f"{url}/connections.csv", headers=bearer).content)
                assert connections["deputy"]["joined_at"] == f"2024-01-15T09:02:00{offset}"
                assert connections["deputy"]["left_at"] == f"2024-01-15T10:15:00{offset}"
                minutes = http.get(f"{url}/minutes.md", headers=bearer).text
                for words in LOCAL:
                    assert words in minutes, (meeting, words)
    finally:
        server.terminate()
        server.wait(TIMEOUT)
        if server.stdout is not None:
            server.stdout.close()


# -- the setting, the form, and meetings written before zones ----------------------------------------


def test_the_setting_defaults_to_bangkok_and_an_unknown_zone_is_refused_in_thai_and_english(tmp_path: Path) -> None:
    assert from_env({}).timezone == "Asia/Bangkok"
    assert from_env({"EMEETING_TIMEZONE": "Asia/Tokyo"}).timezone == "Asia/Tokyo"
    for bad in ("Asia/Bangkokk", "../../etc/passwd", "localtime", "/usr/share/zoneinfo/UTC", "ICT"):
        with pytest.raises(ValueError, match="EMEETING_TIMEZONE") as refused:
            from_env({"EMEETING_TIMEZONE": bad})
        assert "ไม่รู้จักเขตเวลา" in str(refused.value) and "unknown time zone" in str(refused.value)
    # The command says so in a sentence, not a traceback, and touches nothing.
    done = subprocess.run(
        [sys.executable, "-m", "emeeting", "export", "x", "--data", str(tmp_path / "none")],
        capture_output=True, text=True, timeout=60, check=False, env={**os.environ, "EMEETING_TIMEZONE": "Asia/Bangkokk"},
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "EMEETING_TIMEZONE: ไม่รู้จักเขตเวลา 'Asia/Bangkokk'" in done.stderr and "unknown time zone" in done.stderr
    assert not (tmp_path / "none").exists()


def test_a_meeting_written_before_zones_loads_and_uses_the_servers_zone() -> None:
    old = {**demo_meeting("old").to_wire()}
    assert "timezone" not in old["info"]  # a meeting without a zone is written as before
    created = MeetingCreated.from_wire(old)
    assert created.info.timezone == ""
    state = start(created)
    opened = at("Asia/Bangkok", 9, 0)
    assert "เริ่มประชุมเวลา 09.00 น." in build(state, Times(opened)).opening
    assert "เริ่มประชุมเวลา 11.00 น." in build(state, Times(opened), timezone="Asia/Tokyo").opening
    tokyo = MeetingCreated.from_wire({**old, "info": {**old["info"], "timezone": "Asia/Tokyo"}})
    assert tokyo.info.timezone == "Asia/Tokyo" and tokyo.to_wire()["info"]["timezone"] == "Asia/Tokyo"
    assert "เริ่มประชุมเวลา 11.00 น." in build(start(tokyo), Times(opened)).opening


async def test_the_new_meeting_form_takes_a_zone_and_refuses_an_unknown_one_keeping_the_form(
    server: RunningServer,
) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=TIMEOUT) as http:
        http.cookies.set(f"emeeting_{server.meeting}", server.tokens["secretary"])  # this device's session
        blank = await http.get(f"/m/{server.meeting}/new")
        assert 'name="timezone" value="Asia/Bangkok"' in blank.text  # the server's zone, to change if need be
        form = {
            "title": "ประชุมร่วมกับสำนักงานโตเกียว",
            "date": "2024-03-01",
            "time": "09:00",
            "place": "ห้องประชุม 2",
            "members": "นายสมชาย ใจดี | ศึกษาธิการจังหวัด | ประธาน",
        }
        wrong = await http.post(f"/m/{server.meeting}/new", data={**form, "timezone": "Asia/Tokio"})
        assert wrong.status_code == 422
        assert "ไม่รู้จักเขตเวลา" in wrong.text and "unknown time zone" in wrong.text
        assert "ห้องประชุม 2" in wrong.text and "นายสมชาย ใจดี | ศึกษาธิการจังหวัด | ประธาน" in wrong.text
        assert 'value="Asia/Tokio"' in wrong.text  # what was typed comes back, to correct
        created = await http.post(f"/m/{server.meeting}/new", data={**form, "timezone": "Asia/Tokyo"})
        assert created.status_code == 303
        new_id = created.headers["location"].split("/m/")[1].split("/")[0]
        page = await http.get(f"/m/{new_id}")
        assert page.status_code == 200 and '"timezone": "Asia/Tokyo"' in page.text  # the pages' clock
        old_page = await http.get(f"/m/{server.meeting}")
        assert '"timezone": "Asia/Bangkok"' in old_page.text  # a meeting without one: the server's


def test_the_zones_are_there_on_a_system_without_a_tz_database(tmp_path: Path) -> None:
    """PYTHONTZPATH names an empty folder: zoneinfo falls back to the tzdata package."""
    code = "from emeeting.dates import iso_local; print(iso_local(0, 'Asia/Bangkok'), iso_local(0, 'Asia/Tokyo'))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "PYTHONTZPATH": str(tmp_path), "TZ": "UTC"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1970-01-01T07:00:00+07:00", "1970-01-01T09:00:00+09:00"]
