"""The role x command matrix over the real socket: every command tried by every role.

Each row of EXPECTED names a command (or a command about someone else) and, for each role,
the outcome written out by hand from docs/protocol.md ("Who may send what"): ``ok``, or the
error code of the refusal. It is deliberately not computed from rooms.permissions: a table
read from the code under test could not fail.

- Allowed means: an ack for the command's id, and the expected event (or ink frame, or
  pointer frame) reached the sender; an event reached another device too.
- Refused means: the expected error code, and nothing written or sent: after the refusal the
  chair sends a barrier command, and the first thing every device hears is the barrier's event,
  with the sequence number right after the one before the refusal.

Each meeting is made fresh in the state the command needs (tests/matrix_cases.py), written
straight into the log; the refused roles share one meeting (a refusal changes nothing), and
each allowed role gets a meeting of its own (circulating the minutes, say, works only once).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from emeeting import auth
from emeeting.ratelimit import Rate
from emeeting.storage.opening import open_storage
from emeeting.storage.store import Store
from rooms.commands import COMMAND_TYPES
from tests.matrix_cases import CASES, JOINABLE, ROLES, Built, Case, store_meeting
from tests.support import Device, RunningServer, make_settings, open_device, start_server

OK = "ok"
NO = "forbidden"
NJ = "not_joined"  # signed out or no invitation: the join is refused, and so is the command after it

# fmt: off
#                                         chair             secretary         member            guest             recused            revoked  no invitation
EXPECTED: dict[str, tuple[str, ...]] = {
    "open_meeting":                       (OK,               NO,               NO,               NO,               NO,                NJ,      NJ),
    "set_agenda_item":                    (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "show_page":                          (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "close_meeting":                      (OK,               NO,               NO,               NO,               NO,                NJ,      NJ),
    "rename_document":                    (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "move_document":                      (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "remove_document":                    (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "record_attendance":                  (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "leave_meeting":                      (OK,               OK,               OK,               OK,               OK,                NJ,      NJ),
    "set_substitute":                     (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "add_guest":                          (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "set_quorum":                         (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "declare_conflict":                   (OK,               OK,               OK,               NO,               OK,                NJ,      NJ),
    "declare_conflict for someone else":  (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "withdraw_conflict":                  (OK,               OK,               OK,               NO,               OK,                NJ,      NJ),
    "withdraw_conflict for someone else": (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "open_vote":                          (OK,               NO,               NO,               NO,               NO,                NJ,      NJ),
    "cast_ballot":                        (OK,               OK,               OK,               NO,               "recused",         NJ,      NJ),
    "close_vote":                         (OK,               NO,               NO,               NO,               NO,                NJ,      NJ),
    "break_tie":                          (OK,               NO,               NO,               NO,               NO,                NJ,      NJ),
    "draw":                               (OK,               OK,               OK,               OK,               "document_hidden", NJ,      NJ),
    "erase":                              (OK,               OK,               OK,               OK,               OK,                NJ,      NJ),
    "erase someone else's stroke":        ("unknown_stroke", "unknown_stroke", "unknown_stroke", "unknown_stroke", "unknown_stroke",  NJ,      NJ),
    "clear_page":                         (OK,               OK,               OK,               OK,               "document_hidden", NJ,      NJ),
    "set_note":                           (OK,               OK,               OK,               OK,               "document_hidden", NJ,      NJ),
    "remove_note":                        (OK,               OK,               OK,               OK,               OK,                NJ,      NJ),
    "remove_note someone else's":         ("unknown_note",   "unknown_note",   "unknown_note",   "unknown_note",   "unknown_note",    NJ,      NJ),
    "present_stroke":                     (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "clear_presented":                    (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "point":                              (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "edit_minutes":                       (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "set_action":                         (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "remove_action":                      (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "circulate_minutes":                  (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "sign_minutes":                       (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "adopt_minutes":                      (OK,               NO,               NO,               NO,               NO,                NJ,      NJ),
    "certify_minutes":                    (OK,               NO,               NO,               NO,               NO,                NJ,      NJ),
    "add_agenda_item":                    (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "rename_agenda_item":                 (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "move_agenda_item":                   (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "remove_agenda_item":                 (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "set_agenda_item_kind":               (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "change_meeting_details":             (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "postpone_meeting":                   (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "cancel_meeting":                     (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "add_member":                         (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "update_member":                      (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
    "remove_member":                      (OK,               OK,               NO,               NO,               NO,                NJ,      NJ),
}
# fmt: on
JOIN_REFUSAL = {"revoked": "session_ended", "no invitation": "invalid_token"}

Frame = dict[str, Any]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One server for the whole matrix, on each database in turn; every case makes its own
    meetings in its database."""
    url = request.getfixturevalue("pg_cluster").new_database() if request.param == "postgresql" else None
    # Every case sends bad links from this one address: lift the limit meant for strangers.
    settings = make_settings(tmp_path_factory.mktemp("matrix"), database_url=url, failed_joins=Rate(10_000, 10_000))
    handle = start_server(settings, demo=("", {}, {}))
    try:
        yield handle.running
    finally:
        handle.stop()


@dataclasses.dataclass
class Matrix:
    server: RunningServer
    store: Store
    http: httpx.AsyncClient
    devices: list[Device] = dataclasses.field(default_factory=list)

    @property
    def key(self) -> bytes:
        return self.server.settings.signing_key()

    async def meeting(self, case: Case) -> Built:
        return await store_meeting(self.store, self.key, case)

    async def device(self) -> Device:
        device = await open_device(self.server)
        self.server.devices.remove(device)  # closed by this fixture, not by the module's server
        self.devices.append(device)
        return device

    async def join(self, built: Built, member: str, seq: int | None = None) -> Device:
        """A device of ``member``, joined at ``seq`` (the meeting as built, by default)."""
        device = await self.device()
        welcome = await device.join(built.tokens[member])
        assert (welcome["member"], welcome["seq"]) == (member, seq or built.seq)
        for n in range(1, welcome["ink"] + 1):  # the member's own ink, drawn while setting up
            assert (await device.expect("ink"))["n"] == n
        return device

    async def sign_out(self, built: Built, member: str) -> None:
        """End ``member``'s device session the way the member does: DELETE over HTTP. (No organiser
        can: a link in use is the member's alone, tests/test_privacy.py.)"""
        response = await self.http.delete(
            f"/api/meetings/{built.meeting}/session", headers={"Authorization": f"Bearer {built.tokens[member]}"}
        )
        assert response.status_code == 204, response.text


@pytest.fixture
async def matrix(server: RunningServer) -> AsyncIterator[Matrix]:
    store = await open_storage(server.settings, sync="NORMAL")
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            m = Matrix(server, store, http)
            try:
                yield m
            finally:
                await asyncio.gather(*(d.close() for d in m.devices), return_exceptions=True)
    finally:
        await store.close()


async def read_until(device: Device, wanted: Callable[[Frame], bool]) -> tuple[list[Frame], Frame]:
    """The frames before the first one ``wanted`` accepts (presence frames left out), and that one."""
    before = []
    while not wanted(frame := await device.recv()):
        before.append(frame)
    return before, frame


def reply_to(command: str) -> Callable[[Frame], bool]:
    return lambda f: f["type"] in ("ack", "error") and f.get("id") == command


def brief(frames: list[Frame]) -> str:
    return ", ".join(f"{f['type']} {f.get('event', {}).get('type', f.get('code', ''))}".strip() for f in frames)


# -- allowed: the sender hears its command's effect ------------------------------------------------


async def allowed(m: Matrix, case: Case, role: str) -> str:
    """What happens when ``role`` sends the case's command in a meeting of its own: ``ok`` when
    it is acknowledged and its event (ink frame, pointer frame) reached the sender."""
    built = await m.meeting(case)
    sender = await m.join(built, role)
    watcher = await m.join(built, "secretary" if role == "chair" else "chair")
    command = await sender.command(case.command, **case.frame)
    before, reply = await read_until(sender, reply_to(command))
    if reply["type"] == "error":
        return str(reply["code"])
    if reply["duplicate"] is not False:
        return f"ack with duplicate={reply['duplicate']}"
    if case.via == "pointer":  # sent at most every 50 ms: after the ack
        _, pointer = await read_until(sender, lambda f: f["type"] == "pointer")
        _, seen = await read_until(watcher, lambda f: f["type"] == "pointer")
        shown = {"member": role, **case.frame}
        return OK if pointer == seen == {"type": "pointer", **shown} else f"pointer {pointer}, seen {seen}"
    if case.via == "ink":
        mine = [f for f in before if f["type"] == "ink" and f["n"] == reply.get("ink")]
        if [f["event"]["type"] for f in mine] != [case.answer]:
            return f"ack {reply} after [{brief(before)}]"
        return OK
    events = [f for f in before if f["type"] == "event" and f["seq"] == reply["seq"]]
    if [(f["event"]["type"], f["actor"]) for f in events] != [(case.answer, role)]:
        return f"ack {reply} after [{brief(before)}]"
    heard = await watcher.events_until_seq(reply["seq"])
    if heard[-1]["event"] != events[0]["event"]:
        return f"the others heard {brief(heard)}"
    return OK


# -- refused: the error, and nothing written or sent -------------------------------------------------


async def refused(m: Matrix, case: Case, roles: list[str]) -> dict[str, str]:
    """What each of ``roles`` gets for the case's command, one after the other in one meeting,
    with what leaked (an event, an ink or pointer frame, a sequence number moved) if anything."""
    built = await m.meeting(case)
    if "revoked" in roles:
        await m.sign_out(built, "revoked")
    devices = {role: await m.join(built, role) for role in JOINABLE}
    seq = built.seq
    observed = {}
    for role in roles:
        if role in devices:
            command = await devices[role].command(case.command, **case.frame)
            before, reply = await read_until(devices[role], reply_to(command))
            outcome = str(reply.get("code", reply["type"]))
            leaks = [f"the sender got [{brief(before)}]"] if before else []
        else:
            outcome, leaks = await outsider(m, built, role, case), []
        seq, heard = await barrier(devices, seq)
        leaks += [f"{who} got [{what}]" for who, what in heard.items()]
        observed[role] = outcome if not leaks else f"{outcome}, but {'; '.join(leaks)}"
    if case.via == "pointer":
        # A pointer is not an event: a device joining now would get it after its presence frame.
        probe = await m.join(built, "guest", seq)
        command = await probe.command("point")  # hiding: forbidden to a guest, and a reply to wait for
        before, reply = await read_until(probe, reply_to(command))
        shown = [f for f in before if f["type"] == "pointer"]
        assert reply.get("code") == NO, reply
        if shown:
            observed = {role: f"{outcome}, but the pointer is shown: {shown}" for role, outcome in observed.items()}
    return observed


async def outsider(m: Matrix, built: Built, role: str, case: Case) -> str:
    """A device signed out, or without a valid invitation: its join is refused, then its command."""
    device = await m.device()
    token = built.tokens["revoked"] if role == "revoked" else auth.make_session_token(m.key, "no-such-session")
    await device.send({"type": "join", "token": token})
    joined = await device.recv()
    if joined["type"] != "error" or joined["code"] != JOIN_REFUSAL[role]:
        return f"the join got {joined['type']} {joined.get('code', '')}"
    command = await device.command(case.command, **case.frame)
    reply = await device.recv()
    await device.close()
    return str(reply["code"]) if reply.get("id") == command else f"got {reply}"


async def barrier(devices: dict[str, Device], seq: int) -> tuple[int, dict[str, str]]:
    """The chair writes an event; each device's frames before it, when there are any, or when the
    event is not the one right after ``seq`` (something else was written)."""
    command = await devices["chair"].command("set_quorum", num=1, den=2)
    heard = {}
    for role, device in devices.items():
        before, event = await read_until(device, lambda f: f["type"] == "event" and f["event"]["type"] == "quorum_set")
        if before or event["seq"] != seq + 1:
            heard[role] = f"{brief(before)}, then the barrier at seq {event['seq']} (expected {seq + 1})"
    _, ack = await read_until(devices["chair"], reply_to(command))
    assert ack["type"] == "ack", ack
    return ack["seq"], heard  # where the next barrier starts from, whatever happened before this one


@pytest.mark.parametrize("row", list(EXPECTED))
async def test_every_role_sends_the_command(matrix: Matrix, row: str) -> None:
    case = CASES[row]
    expected = dict(zip(ROLES, EXPECTED[row], strict=True))
    no = [role for role, outcome in expected.items() if outcome != OK]
    yes = [role for role, outcome in expected.items() if outcome == OK]
    found = await asyncio.gather(refused(matrix, case, no), *(allowed(matrix, case, role) for role in yes))
    refusals, *allowances = found
    assert isinstance(refusals, dict)
    observed = {**refusals, **dict(zip(yes, allowances, strict=True))}
    assert {role: observed[role] for role in ROLES} == expected


def test_the_matrix_has_every_command_of_the_protocol() -> None:
    assert set(EXPECTED) == set(CASES)
    assert {case.command for case in CASES.values()} == set(COMMAND_TYPES)
    assert len(COMMAND_TYPES) == 44  # docs/protocol.md section 6: "forty-four commands"


async def test_a_device_joined_before_it_is_signed_out_is_closed(matrix: Matrix) -> None:
    """Signing out closes the device's connections with 4004; what they send afterwards is not applied."""
    built = await matrix.meeting(CASES["set_quorum"])
    chair = await matrix.join(built, "chair")
    member = await matrix.join(built, "member")
    await matrix.sign_out(built, "member")
    await member.ws.wait_closed()
    assert member.ws.close_code == 4004
    with pytest.raises(ConnectionClosed):
        await member.command("leave_meeting")
    _, heard = await barrier({"chair": chair}, built.seq)
    assert heard == {}
