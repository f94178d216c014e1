"""The agenda edited during a meeting reaches every device at once (issue 17 item 2): a real
server, real WebSocket clients. A tablet that was offline gets the edits when it resumes; the
page on the screen does not move because of them; a refusal says why.

One server for the module, a meeting of its own for each test (SHARE_SERVER, tests/conftest.py).
"""

from __future__ import annotations

from typing import Any

from tests.support import Device, RunningServer, joined
from tests.test_ballots import reply

SHARE_SERVER = True  # one server, a new meeting per test (tests/conftest.py)
BOTH_DATABASES = True  # each test on SQLite and on PostgreSQL

URGENT = "เรื่องอื่น ๆ กรณีเร่งด่วน: ขออนุมัติใช้งบกลางช่วยเหลือผู้ประสบอุทกภัยในพื้นที่อำเภอชุมแพและอำเภอภูเวียง"
EDITS = ("agenda_item_added", "agenda_item_renamed", "agenda_item_moved", "agenda_item_removed", "agenda_item_kind_set")
RENAMED = "(ร่าง) แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. ๒๕๖๗ ฉบับปรับปรุงตามมติคณะทำงาน"


async def ok(device: Device, kind: str, **fields: Any) -> dict[str, Any]:
    answer = await reply(device, await device.command(kind, **fields))
    assert answer["type"] == "ack", answer
    return answer


async def events_to(device: Device, seq: int) -> list[dict[str, Any]]:
    return [f["event"] for f in await device.events_until_seq(seq)]


def agenda(state: dict[str, Any]) -> list[tuple[str, str]]:
    return [(i["number"], i["id"]) for i in state["agenda"]]


async def test_every_tablet_sees_the_edit_at_once_and_an_offline_one_when_it_resumes(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    secretary, _ = await joined(server, "secretary")
    tablet, _ = await joined(server, "deputy")
    offline, _ = await joined(server, "learning")
    await ok(chair, "open_meeting")
    shown = await ok(chair, "show_page", document="q1-report", page=3)
    await offline.events_until_seq(int(shown["seq"]))
    went_offline_at = offline.last_seq
    await offline.close()

    await ok(secretary, "add_agenda_item", item="urgent", title=URGENT, chair_consent=True)
    await ok(secretary, "move_agenda_item", item="urgent", parent="for-decision", index=0)
    last = await ok(secretary, "rename_agenda_item", item="plan", title=RENAMED)

    # The tablet that stayed connected gets the three edits as they happen, without asking.
    heard = [e for e in await events_to(tablet, int(last["seq"])) if e["type"] in EDITS]
    assert [e["type"] for e in heard] == ["agenda_item_added", "agenda_item_moved", "agenda_item_renamed"]
    added = heard[0]
    assert (added["title"], added["supplementary"], added["by"], added["consent"]) == (
        URGENT,
        True,
        "secretary",
        "chair",
    )
    assert "number" not in added  # numbers are derived by every device, never sent

    # The one that was offline resumes from where it was and gets the same events, in order.
    resumed, welcome = await joined(server, "learning", since=went_offline_at)
    assert welcome["resume"] == "events"
    replayed = [e for e in await events_to(resumed, int(last["seq"])) if e["type"] in EDITS]
    assert replayed == heard

    # And the meeting now reads: 5.1 is the urgent item, the plan is 5.2 under its new title; the
    # screen still shows the page it showed (an agenda edit moves nobody).
    _, fresh = await joined(server, "guest")
    state = fresh["snapshot"]["state"]
    assert agenda(state)[6:10] == [("5", "for-decision"), ("5.1", "urgent"), ("5.2", "plan"), ("5.3", "happy-learning")]
    assert [i["title"] for i in state["agenda"] if i["id"] == "plan"] == [RENAMED]
    assert state["current_page"] == {"document": "q1-report", "page": 3} and state["current_item"] == "q1"


async def test_removing_an_item_with_papers_is_refused_with_its_reason(server: RunningServer) -> None:
    secretary, _ = await joined(server, "secretary")
    answer = await reply(secretary, await secretary.command("remove_agenda_item", item="plan"))
    assert (answer["type"], answer["code"]) == ("error", "agenda_item_has_documents")
    deputy, _ = await joined(server, "deputy")
    answer = await reply(deputy, await deputy.command("add_agenda_item", item="x", title="เรื่องของฉัน"))
    assert (answer["type"], answer["code"]) == ("error", "forbidden")
    # Before the meeting a secretary needs no consent: the item is not supplementary.
    await ok(secretary, "add_agenda_item", item="late", title="เรื่องที่เพิ่มก่อนวันประชุม", parent="other")
    _, fresh = await joined(server, "guest")
    (late,) = [i for i in fresh["snapshot"]["state"]["agenda"] if i["id"] == "late"]
    assert (late["number"], late["supplementary"], late["consent"], late["kind"]) == ("6.1", False, None, "item")
