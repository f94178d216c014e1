"""Reading what is not yours is refused everywhere: over the WebSocket, page images, exports,
search and the database file.

- a member's private ink (strokes, notes) reaches their own devices only, and no HTTP answer
  to anyone else carries it;
- nothing a device receives, nothing exported and no row of the SQLite file links a member to
  their choice in a secret vote (the same checks find the choices of a named vote: they can fail);
- a member who declared a conflict of interest with hidden documents gets no page image,
  thumbnail, search hit or annotated page of the item's documents, and no frame with their text;
- the organisers' exports are the organisers', and the minutes' files wait for circulation.

- the organisers cannot stand in for a member whose link is in use on the member's device: the
  link opens nothing more, so no ink, no ballot, no lock-out (last test of this file; issue 19).

One server with the demo's real PDFs, rendered once; each test has a meeting of its own made
from those documents.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import dataclasses
import io
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote

import docx
import httpx
import msgpack
import pytest

from emeeting import auth, demo, demo_meeting, meetings
from emeeting.config import Settings
from emeeting.documents.mupdf import load
from emeeting.ratelimit import Rate
from emeeting.storage.opening import open_storage
from rooms.model import DocumentRef
from rooms.room import define
from rooms.strokes import Stroke, Tool, encode_points
from tests.conftest import all_rendered
from tests.support import (
    Device,
    RunningServer,
    every_row,
    first_devices,
    joined,
    make_settings,
    open_device,
    start_server,
)
from tests.test_ballots import reply

Frame = dict[str, Any]

NOTE = "บันทึกส่วนตัวของรองประธาน เรื่องงบ 4711"  # the deputy's private note
STROKE_POINTS = encode_points([(700 + 37 * i, 900 + 53 * i, 91) for i in range(17)])  # bytes found nowhere else
HIDDEN_TEXT = "จาก 8"  # on the pages of q1-report only ("หน้า 3 จาก 8"): the other demo files have 6, 12, 24 pages
Q1_TITLE = "รายงานผลการดำเนินงาน ไตรมาสที่ 1"


@dataclasses.dataclass
class Papers:
    running: RunningServer
    documents: tuple[DocumentRef, ...]  # the demo's documents, every page rendered


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def papers(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Papers]:
    """The demo's papers rendered once per database: every test here runs on SQLite and on PostgreSQL."""
    url = request.getfixturevalue("pg_cluster").new_database() if request.param == "postgresql" else None
    settings = make_settings(tmp_path_factory.mktemp("privacy"), database_url=url, failed_joins=Rate(10_000, 10_000))

    async def create() -> tuple[str, dict[str, str]]:
        store = await open_storage(settings)
        try:
            created = await demo.create_demo(store, settings)
            links = await meetings.links(store, settings.signing_key(), "", created.meeting, list(created.members))
            return created.meeting, await first_devices(store, settings.signing_key(), created.meeting, links)
        finally:
            await store.close()

    async def rendered(running: RunningServer) -> tuple[DocumentRef, ...]:
        await all_rendered(running)
        async with httpx.AsyncClient(base_url=running.url, timeout=10) as http:
            listing = await http.get(f"/api/meetings/{running.meeting}/documents", headers=bearer(running, "chair"))
        return tuple(
            DocumentRef(d["id"], d["title"], d["pages"], d["item"], d["file"], frozenset(d["ready"]))
            for d in listing.json()["documents"]
        )

    handle = start_server(settings, demo=(*asyncio.run(create()), {}))
    try:
        yield Papers(handle.running, asyncio.run(rendered(handle.running)))
    finally:
        handle.stop()


@pytest.fixture
async def room(papers: Papers) -> AsyncIterator[RunningServer]:
    """A new demo meeting made of the rendered documents (nothing to render again)."""
    settings = papers.running.settings
    store = await open_storage(settings, sync="NORMAL")
    try:
        created = define(
            meetings.new_meeting_id(), demo_meeting.INFO, demo_meeting.MEMBERS, demo_meeting.AGENDA, papers.documents
        )
        await meetings.create(store, created)
        links = await meetings.links(store, settings.signing_key(), "", created.meeting, list(created.members))
        tokens = await first_devices(store, settings.signing_key(), created.meeting, links)
    finally:
        await store.close()
    invitations = {link.member.id: link.invitation for link in links}
    running = dataclasses.replace(
        papers.running, meeting=created.meeting, tokens=tokens, invitations=invitations, devices=[]
    )
    try:
        yield running
    finally:
        await asyncio.gather(*(d.close() for d in running.devices), return_exceptions=True)


def bearer(server: RunningServer, member: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.tokens[member]}"}


async def ok(device: Device, kind: str, **fields: Any) -> Frame:
    answer = await reply(device, await device.command(kind, **fields))
    assert answer["type"] == "ack", answer
    return answer


async def heard_until_barrier(chair: Device, devices: dict[str, Device]) -> dict[str, list[Frame]]:
    """The chair writes an event; what each device (the chair's among them) received before it."""
    command = await chair.command("set_quorum", num=1, den=2)
    heard: dict[str, list[Frame]] = {}
    for who, device in devices.items():
        heard[who] = []
        while not ((frame := await device.recv())["type"] == "event" and frame["event"]["type"] == "quorum_set"):
            heard[who].append(frame)
    assert (await reply(chair, command))["type"] == "ack"
    return heard


def pdf_text_and_annotations(body: bytes) -> tuple[str, list[tuple[str, str]], list[str]]:
    """(all the text, each annotation's (type, content), the bookmarks' titles) of a PDF."""
    with load().open(stream=body, filetype="pdf") as pdf:
        text = "".join(page.get_text() for page in pdf)
        annots = [(a.type[1], a.info.get("content", "")) for page in pdf for a in page.annots()]
        toc = [title for _, title, _ in pdf.get_toc()]
    return text, annots, toc


# -- private ink ---------------------------------------------------------------------------------------


async def test_a_members_ink_reaches_their_devices_and_no_one_elses(room: RunningServer) -> None:
    deputy, _ = await joined(room, "deputy")
    deputy_tablet, _ = await joined(room, "deputy")  # the deputy's second device
    others = {m: (await joined(room, m))[0] for m in ("chair", "secretary", "esa-s", "guest")}
    stroke = Stroke("deputy-secret", "q1-report", 2, Tool.PEN, 0xDC2626, 30, STROKE_POINTS).to_wire()
    await ok(deputy, "draw", stroke=stroke)
    await ok(
        deputy, "set_note", note={"id": "n1", "document": "action-plan-2567", "page": 1, "x": 10, "y": 10, "text": NOTE}
    )
    await ok(deputy, "draw", stroke={**stroke, "id": "undone"})
    await ok(deputy, "erase", strokes=["undone"])
    own = Stroke("mine", "q1-report", 2, Tool.PEN, 0, 20, encode_points([(5000, 5000, 0)])).to_wire()
    await ok(others["esa-s"], "draw", stroke=own)

    heard = await heard_until_barrier(others["chair"], {**others, "deputy tablet": deputy_tablet})
    assert [f["event"]["type"] for f in heard["deputy tablet"] if f["type"] == "ink"] == [
        "stroke_drawn", "note_set", "stroke_drawn", "strokes_erased"
    ]  # fmt: skip
    for who in ("chair", "secretary", "guest", "esa-s"):  # esa-s had its own ink before its ack
        assert [f for f in heard[who] if f["type"] == "ink"] == [], who
    for who, frames in heard.items():
        leaked = msgpack.packb(frames)
        assert (STROKE_POINTS in leaked, NOTE.encode() in leaked) == ((who == "deputy tablet"),) * 2, who

    # Joining again, with or without the ink kept: each member gets their own ink, and only that.
    for member, ink_since in (("esa-s", None), ("esa-s", 0), ("esa-s", 40), ("chair", 0), ("guest", None)):
        device, welcome = await joined(room, member, ink_since=ink_since)
        assert welcome["ink"] == (1 if member == "esa-s" else 0)
        refusal = await device.command("erase", strokes=["deputy-secret"])  # not theirs to erase
        frames = []
        while (frame := await device.recv()).get("id") != refusal:
            frames.append(frame)
        assert frame["code"] == "unknown_stroke"
        assert [f["event"]["stroke"]["id"] for f in frames if f["type"] == "ink"] == (
            ["mine"] if welcome["ink"] else []
        )
        everything = msgpack.packb([welcome, *frames])
        assert STROKE_POINTS not in everything and NOTE.encode() not in everything

    async with httpx.AsyncClient(base_url=room.url, timeout=60) as http:
        base = f"/api/meetings/{room.meeting}"
        # The annotated papers: the deputy's have the deputy's ink; nobody else's have any of it.
        annotated = {
            m: await http.get(f"{base}/my-annotations.pdf", headers=bearer(room, m))
            for m in ("deputy", "esa-s", "chair")
        }
        assert {m: r.status_code for m, r in annotated.items()} == {"deputy": 200, "esa-s": 200, "chair": 200}
        annots = {m: pdf_text_and_annotations(r.content)[1] for m, r in annotated.items()}
        assert sorted(annots["deputy"]) == [("Ink", ""), ("Text", NOTE)]
        assert annots["esa-s"] == [("Ink", "")]  # its own stroke alone
        assert annots["chair"] == []
        # No other answer to anyone else carries the deputy's ink.
        page = "/documents/q1-report/pages/2"
        answers = [
            await http.get(f"{base}{path}", headers=bearer(room, member))
            for member in ("esa-s", "chair", "secretary", "guest")
            for path in (
                "/documents",
                page,
                "/documents/q1-report/thumbs/2",
                f"/search?q={quote(NOTE[:20])}",
                "/search?q=deputy-secret",
            )
        ]
        answers += [
            await http.get(f"{base}{path}", headers=bearer(room, "chair"))
            for path in ("/attendance.csv", "/connections.csv", "/invitations", "/minutes.md", "/minutes.md?lang=en")
        ]
        assert {r.status_code for r in answers} == {200}
        for answer in answers:
            if "search" in str(answer.url):  # a search echoes its own query: only its results count
                assert answer.json()["results"] == []
                continue
            assert NOTE.encode() not in answer.content and b"deputy-secret" not in answer.content
            assert STROKE_POINTS not in answer.content
        # Page images are the document's, the same bytes for everyone: no one's ink is drawn in.
        mine = await http.get(f"{base}{page}", headers=bearer(room, "deputy"))
        theirs = await http.get(f"{base}{page}", headers=bearer(room, "esa-s"))
        assert mine.content == theirs.content and mine.headers["etag"] == theirs.headers["etag"]


# -- secret ballots ---------------------------------------------------------------------------------------

VOTERS = ("chair", "deputy", "esa-s", "supervision", "secretary")  # they vote in this order
NAMED = {"chair": 0, "deputy": 1, "esa-s": 0, "supervision": 2, "secretary": 2}  # the deputy disapproves
SECRET = {
    "chair": 1,
    "deputy": 0,
    "esa-s": 2,
    "supervision": 0,
    "secretary": 0,
}  # the chair disapproves: no one may know
NAMES = {m.id: m.name for m in demo_meeting.MEMBERS}


def links_to_choices(found: Any, choices: dict[str, int]) -> list[str]:
    """Where ``found`` (frames, rows, decoded) ties a member to their choice: a map from member to
    choice, a map naming a member beside a choice, or a list of the choices in the voters' order."""
    in_order = [choices[m] for m in VOTERS]
    evidence: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            named = [v for v in node.values() if isinstance(v, str) and v in choices]
            for key, value in node.items():
                if key in choices and value == choices[key] and not isinstance(value, bool):
                    evidence.append(f"{path}.{key} = {value}")
                if "choice" in str(key) and isinstance(value, int) and any(choices[m] == value for m in named):
                    evidence.append(f"{path}: {named} beside {key} = {value}")
                walk(value, f"{path}.{key}")
        elif isinstance(node, list | tuple):
            if list(node) == in_order:
                evidence.append(f"{path} = {list(node)}")
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]")

    walk(found, "")
    return evidence


async def database_rows(settings: Settings) -> list[dict[str, Any]]:
    """Every row of every table (the text index left out), frames decoded."""
    rows = []
    for table, columns, values in await every_row(settings):
        if table.startswith("page_text"):
            continue
        row = {"@table": table, **dict(zip(columns, values, strict=True))}
        for column, value in row.items():
            if isinstance(value, bytes) and value[:1] and value[0] & 0xF0 == 0x80:  # a msgpack map
                with contextlib.suppress(Exception):  # not msgpack after all: the bytes stay
                    row[column] = msgpack.unpackb(value)
        rows.append(row)
    return rows


async def test_nothing_sent_exported_or_stored_ties_a_member_to_a_secret_ballot(room: RunningServer) -> None:
    devices = {m: (await joined(room, m))[0] for m in (*VOTERS, "guest", "assistant")}
    frames: dict[str, list[Frame]] = {who: [] for who in devices}  # everything each device hears

    async def act(member: str, kind: str, **fields: Any) -> Frame:
        command = await devices[member].command(kind, **fields)
        while (frame := await devices[member].recv()).get("id") != command:
            frames[member].append(frame)
        assert frame["type"] == "ack", frame
        frames[member].append(frame)
        return frame

    await devices["chair"].settled(*VOTERS)
    await act("chair", "open_meeting")
    for vote, item, secret, choices in (("n1", "plan", False, NAMED), ("s1", "happy-learning", True, SECRET)):
        await act("chair", "open_vote", vote=vote, item=item, secret=secret)
        for member in VOTERS:
            ack = await act(member, "cast_ballot", vote=vote, choice=choices[member])
            assert "receipt" not in ack  # nothing a device keeps can tie it to its ballot
        await act("chair", "close_vote", vote=vote)
    closed = await act("chair", "close_meeting")
    for who, device in devices.items():
        while device.last_seq < closed["seq"]:
            frames[who].append(await device.recv())
    # Everything a device can ask for afterwards: the events again (since 0), and a snapshot.
    for who in ("chair", "secretary", "guest"):
        again, welcome = await joined(room, who, since=0)
        frames[f"{who} again"] = [welcome, *await again.events_until_seq(welcome["seq"])]
        frames[f"{who} snapshot"] = [(await joined(room, who))[1]]
    events = {who: [f["event"] for f in frames[f"{who} again"] if f["type"] == "event"] for who in ("chair", "guest")}
    results = {e["vote"]: e["result"] for e in events["chair"] if e["type"] == "vote_closed"}
    assert results["s1"]["counts"] == [3, 1, 1] and results["s1"]["ballots"] is None
    assert results["n1"]["counts"] == [2, 1, 2]
    for event in (e for e in events["guest"] if e["type"] == "ballot_cast"):
        assert set(event) == {"type", "vote", "members", "changed"}

    # The WebSocket: the checks find the named vote's choices, and nothing of the secret one's.
    assert links_to_choices(frames["guest again"], NAMED) != []
    assert links_to_choices(frames, SECRET) == []

    # The exports: the minutes name who voted against in the named vote only; the records have no vote.
    async with httpx.AsyncClient(base_url=room.url, timeout=60) as http:
        base = f"/api/meetings/{room.meeting}"
        get = {name: await http.get(f"{base}{path}", headers=bearer(room, "secretary")) for name, path in (
            ("md", "/minutes.md"), ("md en", "/minutes.md?lang=en"), ("docx", "/minutes.docx"), ("pdf en", "/minutes.pdf?lang=en"),
            ("attendance", "/attendance.csv"), ("connections", "/connections.csv"),
        )}  # fmt: skip
    assert {name: r.status_code for name, r in get.items()} == dict.fromkeys(get, 200)
    texts = {
        "md": get["md"].text,
        "md en": get["md en"].text,
        "docx": "\n".join(p.text for p in docx.Document(io.BytesIO(get["docx"].content)).paragraphs),
        "pdf en": pdf_text_and_annotations(get["pdf en"].content)[0],
    }
    for name, text in texts.items():
        against = [line for line in text.splitlines() if "ผู้ลงมติไม่เห็นชอบ" in line or "Voted against" in line]
        assert len(against) == 1 and NAMES["deputy"] in against[0] and NAMES["chair"] not in against[0], name
        assert ("ลงคะแนนลับ" in text) or ("secret ballot" in text), name
    for name in ("attendance", "connections"):
        rows = list(csv.reader(io.StringIO(get[name].text.lstrip("\ufeff"))))
        assert not {"vote", "choice", "ballot"} & {h for h in rows[0]}
        assert not [
            cell for row in rows for cell in row if cell in ("s1", "n1") or "เห็นชอบ" in cell or "approve" in cell
        ]

    # The database file: a named vote's choices are there by member; a secret vote's are not.
    stored = [r for r in await database_rows(room.settings) if r.get("meeting_id") == room.meeting]
    assert links_to_choices([r for r in stored if r.get("vote_id") == "n1"], NAMED) != []
    assert links_to_choices(stored, SECRET) == []
    roll = sorted((r["member_id"], r["choice"]) for r in stored if r["@table"] == "ballots" and r["vote_id"] == "s1")
    assert roll == sorted((m, None) for m in VOTERS)


# -- recusal -------------------------------------------------------------------------------------------------


async def test_a_member_who_asked_to_have_the_items_papers_hidden_cannot_read_them(room: RunningServer) -> None:
    deputy, _ = await joined(room, "deputy")
    stroke = Stroke("before", "q1-report", 3, Tool.PEN, 0, 20, STROKE_POINTS).to_wire()
    await ok(deputy, "draw", stroke=stroke)  # ink drawn while the papers were still open to them
    base = f"/api/meetings/{room.meeting}"
    async with httpx.AsyncClient(base_url=room.url, timeout=60) as http:
        visible = await http.get(f"{base}/documents/q1-report/pages/3", headers=bearer(room, "deputy"))
        assert visible.status_code == 200  # before the conflict: the check below can fail
        etag = visible.headers["etag"]
        await ok(deputy, "declare_conflict", item="q1", hide_documents=True)

        def urls(document: str, pages: int) -> list[str]:
            return [
                f"{base}/documents/{document}/{kind}/{p}"
                for kind in ("pages", "thumbs")
                for p in (0, *range(1, pages + 1), 99)
            ]

        for url in urls("q1-report", 8):
            hidden = await http.get(url, headers={**bearer(room, "deputy"), "If-None-Match": etag})
            assert (hidden.status_code, hidden.json()["code"]) == (403, "document_hidden"), url
            assert (await http.head(url, headers=bearer(room, "deputy"))).status_code == 403
        assert (await http.get(f"{base}/documents/q1-report/pages/3", headers=bearer(room, "esa-s"))).status_code == 200

        async def search(member: str, q: str) -> set[str]:
            found = await http.get(f"{base}/search", params={"q": q}, headers=bearer(room, member))
            return {r["document"] for r in found.json()["results"]}

        assert await search("esa-s", HIDDEN_TEXT) == {"q1-report"}
        assert await search("deputy", HIDDEN_TEXT) == set()
        assert "q1-report" in await search("esa-s", "เรียนดี") and "q1-report" not in await search("deputy", "เรียนดี")

        mine = await http.get(f"{base}/my-annotations.pdf", headers=bearer(room, "deputy"))
        theirs = await http.get(f"{base}/my-annotations.pdf", headers=bearer(room, "esa-s"))
        (text, annots, toc), (their_text, _, their_toc) = (pdf_text_and_annotations(r.content) for r in (mine, theirs))
        assert Q1_TITLE in their_toc and HIDDEN_TEXT in their_text  # the checks can see q1 when it is there
        assert Q1_TITLE not in toc and HIDDEN_TEXT not in text and annots == []
        assert len(toc) == 3

        # A document the secretary moves into the item is hidden too; withdrawing opens them again.
        secretary, _ = await joined(room, "secretary")
        await ok(secretary, "move_document", document="moe-policy-2567", item="q1", index=0)
        moved = await http.get(f"{base}/documents/moe-policy-2567/thumbs/1", headers=bearer(room, "deputy"))
        assert moved.status_code == 403
        assert "moe-policy-2567" not in await search("deputy", "เรียนดี")
        await ok(deputy, "withdraw_conflict", item="q1")
        assert (
            await http.get(f"{base}/documents/q1-report/pages/3", headers=bearer(room, "deputy"))
        ).status_code == 200
        assert await search("deputy", HIDDEN_TEXT) == {"q1-report"}

    # The WebSocket never carries a page's text: only the documents' titles and page counts.
    again, welcome = await joined(room, "deputy", since=0)
    frames = [welcome, *await again.events_until_seq(welcome["seq"])]
    assert HIDDEN_TEXT.encode() not in msgpack.packb(frames)


# -- the organisers' exports, and the minutes' files ----------------------------------------------------------


async def test_the_organisers_exports_are_refused_to_everyone_else(papers: Papers, room: RunningServer) -> None:
    base = f"/api/meetings/{room.meeting}"
    async with httpx.AsyncClient(base_url=room.url, timeout=60) as http:
        # A device signed out (no organiser can end a member's device: the member did).
        signed_out = await http.delete(f"{base}/session", headers=bearer(room, "learning"))
        assert signed_out.status_code == 204
        callers = {
            "chair": bearer(room, "chair"),
            "secretary": bearer(room, "secretary"),
            "assistant": bearer(room, "assistant"),  # a secretary without a vote
            "member": bearer(room, "deputy"),
            "guest": bearer(room, "guest"),
            "signed out": bearer(room, "learning"),
            "no invitation": {
                "Authorization": f"Bearer {auth.make_session_token(room.settings.signing_key(), 'nobody')}"
            },
            "a link": {"Authorization": f"Bearer {room.link('esa-s').rsplit('/', 1)[1]}"},
            "forged": {"Authorization": "Bearer v1.AAAAAAAAAAAAAAAAAAAAAA.forged"},
            "no token": {},
        }
        organisers = {"chair": 200, "secretary": 200, "assistant": 200}
        strangers = {
            "signed out": "session_ended",
            "no invitation": "invalid_token",
            "a link": "invitation_link",
            "forged": "invalid_token",
            "no token": "unauthorized",
        }
        for path in ("/attendance.csv", "/connections.csv", "/invitations"):
            found = {who: await http.get(f"{base}{path}", headers=headers) for who, headers in callers.items()}
            codes = {who: r.status_code if r.status_code == 200 else r.json()["code"] for who, r in found.items()}
            assert codes == {
                **dict.fromkeys(organisers, 200),
                "member": "forbidden",
                "guest": "forbidden",
                **strangers,
            }, path
        for who in ("member", "guest"):
            for method, path in (
                ("DELETE", "/members/esa-s/invitation"),
                ("POST", "/members/esa-s/invitation"),
                ("POST", "/documents"),
            ):
                answer = await http.request(method, f"{base}{path}", headers=callers[who])
                assert (answer.status_code, answer.json()["code"]) == (403, "forbidden"), (who, method, path)
        # What every member may read, nobody without a live invitation may.
        for path in (
            "/documents",
            "/documents/q1-report/pages/1",
            "/search?q=เรียนดี",
            "/my-annotations.pdf",
            "/minutes.md",
        ):
            for who, code in strangers.items():
                assert (await http.get(f"{base}{path}", headers=callers[who])).json()["code"] == code, (who, path)
            # The chair of another meeting is nobody here; nor is this meeting's member anywhere else.
            elsewhere = await http.get(f"{base}{path}", headers=bearer(papers.running, "chair"))
            assert (elsewhere.status_code, elsewhere.json()["code"]) == (403, "forbidden"), path
        elsewhere = await http.get(f"/api/meetings/{papers.running.meeting}/documents", headers=callers["member"])
        assert (elsewhere.status_code, elsewhere.json()["code"]) == (403, "forbidden")
    # In a browser: the minutes editor is the organisers'; a signed-out device's cookie opens nothing.
    for member, status in (("chair", 200), ("secretary", 200), ("deputy", 403), ("guest", 403), ("learning", 403)):
        async with httpx.AsyncClient(base_url=room.url, timeout=30) as browser:
            browser.cookies.set(f"emeeting_{room.meeting}", room.tokens[member])  # the member's device
            assert (await browser.get(f"/m/{room.meeting}/minutes")).status_code == status, member
            if member == "learning":
                assert (await browser.get(f"/m/{room.meeting}")).status_code == 403
                kept = await browser.get(f"/api/meetings/{room.meeting}/documents/q1-report/thumbs/1")
                assert (kept.status_code, kept.json()["code"]) == (403, "session_ended")


async def test_the_minutes_files_wait_for_circulation_except_for_the_organisers(room: RunningServer) -> None:
    chair, _ = await joined(room, "chair")
    secretary, _ = await joined(room, "secretary")
    await ok(secretary, "edit_minutes", item="q1", field="resolution", text="ที่ประชุมรับทราบผลการดำเนินงาน", base=0)
    base = f"/api/meetings/{room.meeting}/minutes"
    readers = ("deputy", "guest")
    async with httpx.AsyncClient(base_url=room.url, timeout=60) as http:

        async def codes(fmt: str, query: str = "") -> dict[str, Any]:
            found = {
                m: await http.get(f"{base}.{fmt}{query}", headers=bearer(room, m))
                for m in ("chair", "secretary", *readers)
            }
            return {m: r.status_code if r.status_code == 200 else r.json()["code"] for m, r in found.items()}

        draft = {"chair": 200, "secretary": 200, "deputy": "minutes_not_circulated", "guest": "minutes_not_circulated"}
        for fmt in ("md", "docx", "pdf"):
            assert await codes(fmt) == draft, fmt
        # Checked before the draft: the format, then the language.
        assert await codes("txt") == dict.fromkeys(draft, "not_found")
        assert await codes("md", "?lang=fr") == dict.fromkeys(draft, "invalid_field")
        drafted = await http.get(f"{base}.md?lang=en", headers=bearer(room, "secretary"))
        assert "ที่ประชุมรับทราบผลการดำเนินงาน" in drafted.text and "DRAFT" in drafted.text

        await ok(chair, "open_meeting")
        await ok(chair, "close_meeting")
        assert await codes("md") == draft  # closed is not circulated
        await ok(secretary, "circulate_minutes")
        for fmt in ("md", "docx", "pdf"):
            assert await codes(fmt) == dict.fromkeys(draft, 200), fmt
        read = await http.get(f"{base}.md?lang=en", headers=bearer(room, "guest"))
        assert "ที่ประชุมรับทราบผลการดำเนินงาน" in read.text and "DRAFT" in read.text  # not adopted: still a draft


async def test_an_organiser_cannot_stand_in_for_a_member_whose_link_is_in_use(room: RunningServer) -> None:
    """Issue 19 item 3, the stand-in attack, over the real socket and HTTP. The organisers had the
    deputy's link before she used it (they print the sheet). Once her tablet has traded it, the link
    opens nothing: the secretary can neither read her ink, nor cast her secret ballot, nor lock her
    out, nor learn a link that works instead."""
    deputy, _ = await joined(room, "deputy")
    chair, _ = await joined(room, "chair")
    secretary, _ = await joined(room, "secretary")
    note = {"id": "n1", "document": "action-plan-2567", "page": 1, "x": 10, "y": 10, "text": NOTE}
    await ok(deputy, "set_note", note=note)
    printed = room.link("deputy").rsplit("/", 1)[1]  # what the sheet showed before she used it
    base = f"/api/meetings/{room.meeting}"
    async with httpx.AsyncClient(base_url=room.url, timeout=60) as http:
        sheet = await http.get(f"{base}/invitations", headers=bearer(room, "secretary"))
        (row,) = [r for r in sheet.json()["invitations"] if r["member"] == "deputy"]
        assert row["url"] is None and row["used_at"] is not None and row["devices"] == 1
        # Her ink: the link is no device's session.
        papers = await http.get(f"{base}/my-annotations.pdf", headers={"Authorization": f"Bearer {printed}"})
        assert papers.status_code == 401 and papers.json()["code"] == "invitation_link"
        # Trading it on the secretary's own device: used already, and the answer says when.
        traded = await http.post("/api/sessions", json={"token": printed})
        assert traded.status_code == 409 and traded.json()["code"] == "link_used"
        page = await http.post(f"/j/{printed}", headers={"Origin": room.url})
        assert page.status_code == 409 and "set-cookie" not in page.headers
        assert "If it was not you who used it, tell the chair of the meeting at once." in page.text
        # A link of her own for another device is made only from her device.
        made = await http.post(f"{base}/devices", headers=bearer(room, "secretary"))
        assert made.status_code == 201 and "/j/" in made.json()["url"]
        other = await http.post("/api/sessions", json={"token": made.json()["url"].rsplit("/", 1)[1]})
        assert other.json()["member"] == "secretary"  # the secretary's own second device, not the deputy's
        # Locking her out: neither revoking nor replacing her link.
        for method in ("DELETE", "POST"):
            refused = await http.request(method, f"{base}/members/deputy/invitation", headers=bearer(room, "secretary"))
            assert refused.status_code == 409 and refused.json()["code"] == "link_in_use"
    # Her secret ballot: no join as her with the link.
    stand_in = await open_device(room)
    await stand_in.send({"type": "join", "token": printed})
    error = await stand_in.expect("error")
    assert (error["code"], error["field"]) == ("invitation_link", "token")
    await joined(room, "esa-s")  # a quorum: four voting members present
    await chair.settled("chair", "deputy", "secretary", "esa-s")
    await ok(chair, "open_meeting")
    await ok(chair, "open_vote", vote="s1", item="happy-learning", secret=True)
    await ok(secretary, "cast_ballot", vote="s1", choice=0)  # her own ballot, as the secretary
    # The deputy's tablet was never closed, and her ballot is hers to cast.
    await ok(deputy, "cast_ballot", vote="s1", choice=2)
    async with httpx.AsyncClient(base_url=room.url, timeout=60) as http:
        mine = await http.get(f"{base}/my-annotations.pdf", headers=bearer(room, "deputy"))
    assert mine.status_code == 200 and ("Text", NOTE) in pdf_text_and_annotations(mine.content)[1]
