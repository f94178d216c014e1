"""Votes through a real server: acknowledged after commit, counted once, and secret ballots that
nobody holding the database file can link to a voter."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import msgpack
import pytest

from emeeting import votekeys
from tests.support import (
    INTEGRITY_ERRORS,
    Device,
    RunningServer,
    joined,
    make_settings,
    open_device,
    serving,
    sql_execute,
    sql_rows,
    table_columns,
)

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)
BOTH_DATABASES = True  # each test on SQLite and on PostgreSQL

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
    with pytest.raises(INTEGRITY_ERRORS):
        await sql_execute(
            server.settings,
            "INSERT INTO ballots (meeting_id, vote_id, member_id, choice) VALUES (?, 'v1', 'deputy', NULL)",
            (server.meeting,),
        )


async def test_opening_a_vote_without_quorum_is_refused_with_the_numbers(server: RunningServer) -> None:
    devices = await open_room(server, "chair")
    command = await devices["chair"].command("open_vote", vote="v1", item="plan")
    error = await reply(devices["chair"], command)
    assert error["code"] == "no_quorum"
    assert "1 voting members are present" in error["message"]


async def test_a_secret_ballot_changes_only_for_the_member_who_changes_it(server: RunningServer) -> None:
    """Issue 15, item 23: a member who sent another member's receipt changed that member's
    ballot, and the event named the wrong member. A change now changes the sender's own ballot,
    whatever the frame carries, and from any of the member's devices."""
    devices = await open_room(server, *VOTERS)
    chair = devices["chair"]
    await vote_opened(chair, vote="s1", item="plan", secret=True)
    deputy = await cast(devices["deputy"], "s1", 1)
    assert deputy["type"] == "ack" and "receipt" not in deputy  # nothing for a device to keep
    assert (await cast(devices["esa-s"], "s1", 2))["type"] == "ack"
    # esa-s changes to approve, sending what the deputy's old ack would have carried as a receipt.
    stolen = deputy.get("receipt", bytes(16))
    watcher, _ = await joined(server, "guest")
    change = await cast(devices["esa-s"], "s1", 0, receipt=stolen)
    assert change["type"] == "ack", change
    events = [f["event"] for f in await watcher.events_until_seq(change["seq"]) if f["event"]["type"] == "ballot_cast"]
    assert events[-1]["changed"] == ["esa-s"] and events[-1]["members"] == []
    # The deputy changes too, from a second device that never cast a ballot.
    phone, _ = await joined(server, "deputy")
    assert (await cast(phone, "s1", 0))["type"] == "ack"
    assert (await cast(devices["supervision"], "s1", 1))["type"] == "ack"

    result = await closed(chair, "s1")
    assert result["counts"] == [2, 1, 0]  # deputy and esa-s: approve (both changed), supervision: disapprove
    assert result["ballots"] is None
    assert "ลงคะแนนลับ" in result["sentence"]["th"]


def key_files(server: RunningServer) -> list[Path]:
    return sorted((server.settings.data / "vote-keys").glob("*.key"))


@pytest.mark.own_server  # counts every key file and sealed row on the server
async def test_a_secret_choice_is_stored_only_sealed_with_a_key_destroyed_at_the_result(
    server: RunningServer,
) -> None:
    devices = await open_room(server, *VOTERS)
    chair = devices["chair"]
    await vote_opened(chair, vote="s1", item="plan", secret=True)
    columns = await table_columns(server.settings, "sealed_ballots")
    before = dict(await sql_rows(server.settings, "SELECT slot, sealed FROM sealed_ballots WHERE vote_id = 's1'"))
    # No voter, no time, no order: a slot only the key names, a sealed value, the vote.
    assert columns == ["meeting_id", "vote_id", "slot", "sealed"]
    assert len(before) == len(VOTERS) and all(len(v) == 33 for v in before.values())
    # The key is in a file of its own, outside the database, readable by the server alone.
    (key,) = key_files(server)
    assert key.stat().st_mode & 0o777 == 0o600 and key.parent.stat().st_mode & 0o777 == 0o700

    choices = {"chair": 0, "deputy": 1, "esa-s": 0, "supervision": 0, "secretary": 1}
    for member, choice in choices.items():
        assert (await cast(devices[member], "s1", choice))["type"] == "ack"
    after = dict(await sql_rows(server.settings, "SELECT slot, sealed FROM sealed_ballots WHERE vote_id = 's1'"))
    roll = await sql_rows(server.settings, "SELECT member_id, choice FROM ballots WHERE vote_id = 's1'")
    bodies = [b for (b,) in await sql_rows(server.settings, "SELECT body FROM events WHERE type = 'ballot_cast'")]
    # Each row rewritten in place, sealed afresh: three equal choices look nothing alike.
    assert sorted(after) == sorted(before) and all(after[slot] != before[slot] for slot in before)
    assert len(set(after.values())) == len(VOTERS)
    assert sorted(roll) == sorted((m, None) for m in choices)
    for body in bodies:
        assert set(msgpack.unpackb(body)) == {"type", "vote", "members", "changed"}

    result = await closed(chair, "s1")
    assert result["counts"] == [3, 2, 0]
    # Once the result is recorded, the key and the sealed rows are gone: nothing left opens them.
    assert key_files(server) == [] and not key.exists()
    assert await sql_rows(server.settings, "SELECT count(*) FROM sealed_ballots") == [(0,)]


async def test_an_open_secret_vote_survives_a_restart(tmp_path: Path, database_url: str | None) -> None:
    settings = make_settings(tmp_path, database_url=database_url)
    async with serving(settings) as server:
        devices = await open_room(server, *VOTERS)
        await vote_opened(devices["chair"], vote="s1", item="plan", secret=True)
        assert (await cast(devices["deputy"], "s1", 1))["type"] == "ack"
        assert (await cast(devices["esa-s"], "s1", 1))["type"] == "ack"
        demo = (server.meeting, server.tokens, server.invitations)
    async with serving(settings, demo=demo) as server:
        chair, welcome = await joined(server, "chair")
        (vote,) = welcome["snapshot"]["state"]["votes"]
        assert vote["status"] == "open" and sorted(vote["voters"]) == ["deputy", "esa-s"]
        deputy, _ = await joined(server, "deputy")
        assert (await cast(deputy, "s1", 0))["type"] == "ack"  # still changeable, from a new device
        assert (await cast(chair, "s1", 2))["type"] == "ack"
        assert (await closed(chair, "s1"))["counts"] == [1, 1, 1]


async def test_a_missing_vote_key_fails_loudly_and_a_closed_votes_key_is_destroyed_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, database_url: str | None
) -> None:
    settings = make_settings(tmp_path, database_url=database_url)
    async with serving(settings) as server:
        devices = await open_room(server, *VOTERS)
        await vote_opened(devices["chair"], vote="s1", item="plan", secret=True)
        assert (await cast(devices["deputy"], "s1", 1))["type"] == "ack"
        (key,) = key_files(server)
        demo = (server.meeting, server.tokens, server.invitations)
    kept = key.read_bytes()
    key.unlink()
    with caplog.at_level(logging.CRITICAL, logger="emeeting.hub"):
        async with serving(settings, demo=demo) as server:
            # Said at start-up, before any device came...
            assert any("key of the open secret vote 's1' is missing" in r.getMessage() for r in caplog.records)
            # ...and to every device that comes, in words, without the server's paths.
            refused = await join_refused(server, "chair")
            assert refused["type"] == "error" and refused["code"] == "internal_error", refused
            assert "secret vote" in refused["message"] and str(tmp_path) not in refused["message"]
    # With the key back, nothing was lost; once the vote is closed a key put back is destroyed.
    key.write_bytes(kept)
    key.chmod(0o600)
    async with serving(settings, demo=demo) as server:
        devices = await open_room_again(server)
        for member in ("chair", "esa-s"):
            assert (await cast(devices[member], "s1", 0))["type"] == "ack"
        assert (await closed(devices["chair"], "s1"))["counts"] == [2, 1, 0]
    key.write_bytes(kept)
    # So is the key of a vote whose opening was never recorded, and of a meeting that is gone.
    for meeting, vote in ((server.meeting, "never-opened"), ("no-such-meeting", "v")):
        votekeys.write(settings.data / "vote-keys", votekeys.VoteKey.new(meeting, vote))
    assert len(key_files(server)) == 3
    async with serving(settings, demo=demo) as server:
        assert key_files(server) == []


async def join_refused(server: RunningServer, member: str) -> dict[str, Any]:
    """What a device that joins a meeting that cannot be served hears."""
    device = await open_device(server)
    await device.send({"type": "join", "token": server.tokens[member], "since": None})
    return await device.recv()


async def open_room_again(server: RunningServer) -> dict[str, Device]:
    return {m: (await joined(server, m))[0] for m in ("chair", "esa-s")}


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
    assert all(a["type"] == "ack" and "receipt" not in a for a in acks.values())
    events = {
        f["seq"]: f["event"]
        for f in await watcher.events_until_seq(max(a["seq"] for a in acks.values()))
        if f["event"]["type"] == "ballot_cast"
    }
    for member, ack in acks.items():
        assert member in events[ack["seq"]]["members"]
    assert sorted(m for e in events.values() for m in e["members"]) == sorted(VOTERS)  # each once
    assert (await closed(chair, "v1"))["counts"] == [2, 2, 1]


async def test_a_secret_vote_left_open_by_an_earlier_version_is_named_as_such(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, database_url: str | None
) -> None:
    settings = make_settings(tmp_path, database_url=database_url)
    async with serving(settings) as server:
        devices = await open_room(server, *VOTERS)
        await vote_opened(devices["chair"], vote="s1", item="plan", secret=True)
        (key,) = key_files(server)
        demo = (server.meeting, server.tokens, server.invitations)
    # What an earlier server left: no key file, a plain slot in secret_ballots.
    key.unlink()
    await sql_execute(settings, "INSERT INTO secret_ballots VALUES (?, 's1', ?, ?)", (demo[0], bytes(16), b"\x00"))
    with caplog.at_level(logging.CRITICAL, logger="emeeting.hub"):
        async with serving(settings, demo=demo):
            pass
    assert any("opened by an earlier emeeting" in r.getMessage() for r in caplog.records)
