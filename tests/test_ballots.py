"""Votes through a real server: acknowledged after commit, counted once, and secret ballots that
nobody holding the database file can link to a voter."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import msgpack
import pytest

from tests.support import Device, RunningServer, joined, make_settings, serving

VOTERS = ("chair", "deputy", "esa-s", "supervision", "secretary")


async def open_room(server: RunningServer, *members: str) -> dict[str, Device]:
    """Devices of ``members`` (the chair first), all checked in, with the meeting open."""
    devices = {m: (await joined(server, m))[0] for m in members}
    chair = devices["chair"]
    await chair.settled(*members)
    await chair.command("open_meeting")
    await chair.until("ack")
    return devices


async def reply(device: Device, command_id: str) -> dict[str, Any]:
    """The ack or the error answering ``command_id`` (events before it are read past)."""
    while True:
        frame = await device.recv()
        if frame["type"] in ("ack", "error") and frame.get("id") == command_id:
            return frame


async def vote_opened(device: Device, **fields: Any) -> dict[str, Any]:
    command = await device.command("open_vote", **fields)
    answer = await reply(device, command)
    assert answer["type"] == "ack", answer
    return answer


async def cast(device: Device, vote: str, choice: int, **extra: Any) -> dict[str, Any]:
    return await reply(device, await device.command("cast_ballot", vote=vote, choice=choice, **extra))


async def closed(chair: Device, vote: str) -> dict[str, Any]:
    """Close ``vote``; the result from the vote_closed event."""
    command = await chair.command("close_vote", vote=vote)
    result: dict[str, Any] | None = None
    while True:
        frame = await chair.recv()
        if frame["type"] == "event" and frame["event"]["type"] == "vote_closed":
            result = frame["event"]["result"]
        if frame["type"] in ("ack", "error") and frame.get("id") == command:
            assert frame["type"] == "ack", frame
            assert result is not None
            return result


def database(server: RunningServer) -> sqlite3.Connection:
    return sqlite3.connect(server.settings.database)


async def test_a_named_vote_counts_each_ballot_and_shows_no_choice_until_it_closes(server: RunningServer) -> None:
    devices = await open_room(server, *VOTERS)
    chair = devices["chair"]
    await vote_opened(chair, vote="v1", item="plan", secret=False)
    choices = {"chair": 0, "deputy": 0, "esa-s": 1, "supervision": 2, "secretary": 0}
    for member, choice in choices.items():
        ack = await cast(devices[member], "v1", choice)
        assert ack["type"] == "ack" and "receipt" not in ack
    # Everyone hears who has voted, and nothing of what they chose.
    watcher = devices["deputy"]
    casts = [e for e in await watcher.events_until_seq(chair.last_seq) if e["event"]["type"] == "ballot_cast"]
    casts += [f for f in watcher._held if f["type"] == "event" and f["event"]["type"] == "ballot_cast"]
    for frame in casts:
        assert set(frame["event"]) == {"type", "vote", "members", "changed"}

    result = await closed(chair, "v1")
    assert result["counts"] == [3, 1, 1]
    assert result["outcome"] == "approved"
    state = (await joined(server, "guest"))[1]["snapshot"]["state"]
    (vote,) = state["votes"]
    assert dict(zip(vote["voters"], result["ballots"], strict=True)) == choices  # in the order of voters
    assert "ที่ประชุมมีมติเห็นชอบ" in result["sentence"]["th"]
    assert "approved" in result["sentence"]["en"]


async def test_a_ballot_resent_after_a_reconnect_counts_once(server: RunningServer) -> None:
    devices = await open_room(server, *VOTERS)
    chair = devices["chair"]
    await vote_opened(chair, vote="v1", item="plan")
    tablet = devices["deputy"]
    frame = {"type": "cast_ballot", "id": "ballot-1", "vote": "v1", "choice": 0}
    await tablet.send(frame)
    first = await reply(tablet, "ballot-1")
    await tablet.close()  # as if the ack had been lost with the Wi-Fi

    tablet, welcome = await joined(server, "deputy", since=first["seq"] - 1)
    await tablet.send(frame)
    again = await reply(tablet, "ballot-1")
    assert again["type"] == "ack" and again["duplicate"] is True and again["seq"] == first["seq"]
    state = (await joined(server, "esa-s"))[1]["snapshot"]["state"]
    (vote,) = state["votes"]
    assert vote["voters"] == ["deputy"]
    assert (await closed(chair, "v1"))["counts"] == [1, 0, 0]
    assert welcome["seq"] == first["seq"]


async def test_the_database_refuses_a_second_ballot_row_for_a_member(server: RunningServer) -> None:
    devices = await open_room(server, *VOTERS)
    await vote_opened(devices["chair"], vote="v1", item="plan", secret=True)
    assert (await cast(devices["deputy"], "v1", 1))["type"] == "ack"
    with database(server) as db, pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO ballots (meeting_id, vote_id, member_id, choice) VALUES (?, 'v1', 'deputy', NULL)",
                   (server.meeting,))  # fmt: skip


async def test_opening_a_vote_without_quorum_is_refused_with_the_numbers(server: RunningServer) -> None:
    devices = await open_room(server, "chair")
    command = await devices["chair"].command("open_vote", vote="v1", item="plan")
    error = await reply(devices["chair"], command)
    assert error["code"] == "no_quorum"
    assert "1 voting members are present" in error["message"]


async def test_a_secret_ballot_can_be_changed_only_with_its_receipt(server: RunningServer) -> None:
    devices = await open_room(server, *VOTERS)
    chair = devices["chair"]
    await vote_opened(chair, vote="s1", item="plan", secret=True)
    ack = await cast(devices["deputy"], "s1", 1)
    receipt = ack["receipt"]
    assert isinstance(receipt, bytes) and len(receipt) == 16

    refused = await cast(devices["deputy"], "s1", 0)
    assert refused["code"] == "receipt_required"
    wrong = await cast(devices["deputy"], "s1", 0, receipt=bytes(16))
    assert wrong["code"] == "unknown_receipt"
    someone_else = await cast(devices["esa-s"], "s1", 2, receipt=receipt)  # a first ballot: the receipt is ignored
    assert someone_else["type"] == "ack" and someone_else["receipt"] != receipt
    changed = await cast(devices["deputy"], "s1", 0, receipt=receipt)
    assert changed["type"] == "ack" and changed["receipt"] == receipt

    result = await closed(chair, "s1")
    assert result["counts"] == [1, 0, 1]
    assert result["ballots"] is None
    assert "ลงคะแนนลับ" in result["sentence"]["th"]


def slot_offsets(path: Path, slots: list[bytes]) -> dict[bytes, int]:
    """Where each slot's key sits in the database file's bytes."""
    data = path.read_bytes()
    found = {slot: data.find(slot) for slot in slots}
    assert all(offset >= 0 for offset in found.values())
    return found


async def test_nothing_stored_links_a_secret_ballot_to_its_voter(server: RunningServer) -> None:
    devices = await open_room(server, *VOTERS)
    chair = devices["chair"]
    await vote_opened(chair, vote="s1", item="plan", secret=True)
    path = server.settings.database
    with database(server) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        columns = [row[1] for row in db.execute("PRAGMA table_info(secret_ballots)")]
        before = db.execute("SELECT slot, choice FROM secret_ballots WHERE vote_id = 's1'").fetchall()
    # No voter, no time, no order: a key, a choice, and the vote they belong to.
    assert columns == ["meeting_id", "vote_id", "slot", "choice"]
    with database(server) as db:
        assert db.execute("SELECT name FROM sqlite_master WHERE name = 'secret_ballots'").fetchone()
        assert (
            "WITHOUT ROWID" in db.execute("SELECT sql FROM sqlite_master WHERE name = 'secret_ballots'").fetchone()[0]
        )
    # A slot for each eligible member was made when the vote opened, all unused.
    assert len(before) == len(VOTERS) and {bytes(c) for _, c in before} == {b"\x00"}
    slots = [bytes(s) for s, _ in before]
    where = slot_offsets(path, slots)

    choices = {"chair": 0, "deputy": 1, "esa-s": 0, "supervision": 2, "secretary": 1}
    receipts = {}
    for member, choice in choices.items():
        receipts[member] = (await cast(devices[member], "s1", choice))["receipt"]

    # The WAL, which would keep commit by commit which slot changed with which member, is empty.
    assert Path(f"{path}-wal").stat().st_size == 0
    with database(server) as db:
        after = db.execute("SELECT slot, choice FROM secret_ballots WHERE vote_id = 's1'").fetchall()
        roll = db.execute("SELECT member_id, choice FROM ballots WHERE vote_id = 's1'").fetchall()
        frames = [f for (f,) in db.execute("SELECT frame FROM events WHERE type = 'ballot_cast'")]
        commands = db.execute("SELECT * FROM commands").fetchall()
    # The same slots as before the first ballot, each in the same place in the file: filled in
    # place, so neither the table nor the file's bytes keep the order in which they were filled.
    assert sorted(bytes(s) for s, _ in after) == sorted(slots)
    assert slot_offsets(path, slots) == where
    assert Counter(bytes(c)[0] - 1 for _, c in after) == Counter(choices.values())
    # The roll of who voted has no choice; neither has the log, nor the command record.
    assert sorted(roll) == sorted((m, None) for m in choices)
    for frame in frames:
        event = msgpack.unpackb(frame)["event"]
        assert set(event) == {"type", "vote", "members", "changed"}
    assert all(receipt not in repr(row).encode() for row in commands for receipt in receipts.values())
    # The receipts are the slots' keys, but only the voters' devices were told which is whose.
    assert set(receipts.values()) == set(slots)


async def test_an_open_secret_vote_survives_a_restart(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    async with serving(settings) as server:
        devices = await open_room(server, *VOTERS)
        await vote_opened(devices["chair"], vote="s1", item="plan", secret=True)
        receipt = (await cast(devices["deputy"], "s1", 1))["receipt"]
        assert (await cast(devices["esa-s"], "s1", 1))["type"] == "ack"
        demo = (server.meeting, server.tokens, server.invitations)
    async with serving(settings, demo=demo) as server:
        chair, welcome = await joined(server, "chair")
        (vote,) = welcome["snapshot"]["state"]["votes"]
        assert vote["status"] == "open" and sorted(vote["voters"]) == ["deputy", "esa-s"]
        deputy, _ = await joined(server, "deputy")
        assert (await cast(deputy, "s1", 0, receipt=receipt))["type"] == "ack"  # still changeable
        assert (await closed(chair, "s1"))["counts"] == [1, 1, 0]


async def test_a_device_cannot_bring_its_own_count_to_a_close(server: RunningServer) -> None:
    devices = await open_room(server, *VOTERS)
    chair = devices["chair"]
    await vote_opened(chair, vote="v1", item="plan")
    assert (await cast(devices["deputy"], "v1", 1))["type"] == "ack"
    forged = {"counts": [9, 0, 0], "ballots": {"chair": 0}}
    command = await chair.command("close_vote", vote="v1", tally=forged, result=forged)
    while True:
        frame = await chair.recv()
        if frame["type"] == "event" and frame["event"]["type"] == "vote_closed":
            assert frame["event"]["result"]["counts"] == [0, 1, 0]
            assert frame["event"]["result"]["outcome"] == "rejected"
        if frame.get("id") == command:
            assert frame["type"] == "ack"
            break


async def test_ballots_sent_together_are_each_acked_with_the_event_that_names_their_member(
    server: RunningServer,
) -> None:
    devices = await open_room(server, *VOTERS)
    chair = devices["chair"]
    await vote_opened(chair, vote="v1", item="plan", secret=True)
    watcher, _ = await joined(server, "guest")  # reads nothing until the end
    sent = {}
    for member in VOTERS:  # all sent before any reply is read
        sent[member] = await devices[member].command("cast_ballot", vote="v1", choice=VOTERS.index(member) % 3)
    acks = {member: await reply(devices[member], command) for member, command in sent.items()}
    assert all(a["type"] == "ack" and len(a["receipt"]) == 16 for a in acks.values())
    events = {
        f["seq"]: f["event"]
        for f in await watcher.events_until_seq(max(a["seq"] for a in acks.values()))
        if f["event"]["type"] == "ballot_cast"
    }
    for member, ack in acks.items():
        assert member in events[ack["seq"]]["members"]
    assert sorted(m for e in events.values() for m in e["members"]) == sorted(VOTERS)  # each once
    assert len({a["receipt"] for a in acks.values()}) == len(VOTERS)
    assert (await closed(chair, "v1"))["counts"] == [2, 2, 1]
