"""The door: invitation links expire with their meeting, rate limits on joins and uploads,
the cookie's flags, and tokens that never reach a log line."""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from emeeting import meetings
from emeeting.auth import make_token, new_invitation_id, read_token
from emeeting.ratelimit import Rate, RateLimit
from emeeting.storage.opening import open_storage
from tests.support import RunningServer, joined, make_settings, open_device, serving

TRADED = ("chair", "secretary", "deputy")  # the server fixture's members with a device; the others' links are unused


async def get(server: RunningServer, path: str, member: str = "deputy") -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.get(f"{server.url}{path}", headers={"Authorization": f"Bearer {server.tokens[member]}"})


async def close_meeting(server: RunningServer) -> None:
    chair, _ = await joined(server, "chair")
    await chair.command("open_meeting")
    await chair.until("ack")
    await chair.command("close_meeting")
    await chair.until("ack")


# -- expiry -------------------------------------------------------------------------------------


async def test_links_open_a_closed_meeting_for_the_days_set_then_expire(tmp_path: Path) -> None:
    settings = dataclasses.replace(make_settings(tmp_path), link_days=1)
    async with serving(settings) as server:
        await close_meeting(server)
        # A day after the close, the minutes can still be read with the link.
        assert (await get(server, f"/api/meetings/{server.meeting}/documents")).status_code == 200
        device, welcome = await joined(server, "deputy")
        assert welcome["member"] == "deputy"
        demo = (server.meeting, server.tokens, server.invitations)

    # The same log, served with links that last no time after the close (the close time is
    # read back from the log, not kept in memory).
    async with serving(dataclasses.replace(settings, link_days=0), demo=demo) as server:
        response = await get(server, f"/api/meetings/{server.meeting}/documents")
        assert response.status_code == 403 and response.json()["code"] == "token_expired"
        async with httpx.AsyncClient() as http:
            page = await http.get(f"{server.url}{server.link('deputy')}")
        assert page.status_code == 403 and "set-cookie" not in page.headers
        assert "ลิงก์นี้หมดอายุแล้ว" in page.text and "This link has expired" in page.text
        device = await open_device(server)
        await device.send({"type": "join", "token": server.tokens["chair"]})
        error = await device.expect("error")
        assert (error["code"], error["field"]) == ("token_expired", "token")


async def test_a_meeting_not_yet_closed_keeps_its_links(tmp_path: Path) -> None:
    async with serving(dataclasses.replace(make_settings(tmp_path), link_days=0)) as server:
        chair, _ = await joined(server, "chair")
        await chair.command("open_meeting")
        await chair.until("ack")
        _, welcome = await joined(server, "deputy")
        assert welcome["member"] == "deputy"
        # Closing expires the links at once (link_days=0), but devices already in stay.
        await chair.command("close_meeting")
        await chair.until("ack")
        late = await open_device(server)
        await late.send({"type": "join", "token": server.tokens["guest"]})
        assert (await late.expect("error"))["code"] == "token_expired"
        await chair.command("open_meeting")
        assert (await chair.until("error"))[1]["code"] == "meeting_closed"


# -- rate limits ----------------------------------------------------------------------------------


def test_a_bucket_allows_its_burst_then_its_rate() -> None:
    now = [0.0]
    limit = RateLimit(Rate(3, 6), clock=lambda: now[0])  # 3 at once, then one every 10 s
    assert [limit.take("a") for _ in range(3)] == [0, 0, 0]
    assert limit.take("a") == pytest.approx(10)
    assert limit.take("b") == 0  # another key has its own bucket
    now[0] = 5.0
    assert limit.peek("a") == pytest.approx(5)
    now[0] = 10.0
    assert limit.take("a") == 0 and limit.take("a") > 0


def test_buckets_are_bounded_and_full_ones_forgotten() -> None:
    now = [0.0]
    limit = RateLimit(Rate(2, 60), max_keys=100, clock=lambda: now[0])
    for n in range(1000):
        limit.take(f"address-{n}")
    assert len(limit) <= 100
    now[0] = 10.0  # every bucket has filled up again
    limit.take("one more")
    limit.take("and another")
    assert len(limit) <= 2


async def test_bad_links_from_one_address_are_slowed_down_and_other_addresses_are_not(tmp_path: Path) -> None:
    async with serving(make_settings(tmp_path, failed_joins=Rate(3, 1), join_attempts=10)) as server:
        device = await open_device(server)
        for _ in range(3):
            await device.send({"type": "join", "token": "v1.guess.guess"})
            assert (await device.expect("error"))["code"] == "invalid_token"
        # The next bad link is answered rate_limited, and only after a pause.
        started = time.monotonic()
        await device.send({"type": "join", "token": "v1.guess.again"})
        limited = await device.expect("error")
        assert limited["code"] == "rate_limited" and limited["retry_after"] >= 5
        assert time.monotonic() - started >= server.settings.limits.throttled_delay
        async with httpx.AsyncClient() as http:
            page = await http.get(f"{server.url}/j/v1.another.guess")
        assert page.status_code == 429 and int(page.headers["retry-after"]) >= 5
        assert "Wait a minute, then open the link again" in page.text
        # A tablet at another address of the room gets a plain answer to its typo.
        other = await open_device(server, local_addr=("127.0.0.2", 0))
        await other.send({"type": "join", "token": "v1.typo.typo"})
        assert (await other.expect("error"))["code"] == "invalid_token"


async def test_a_valid_link_is_never_refused_whatever_its_address_sent_before(tmp_path: Path) -> None:
    """Guessers are slowed down, but the room's tablets behind the same address are not locked out."""
    async with serving(make_settings(tmp_path, failed_joins=Rate(3, 1), join_attempts=10)) as server:
        device = await open_device(server)
        for _ in range(5):
            await device.send({"type": "join", "token": "v1.guess.guess"})
            await device.expect("error")
        assert (await device.join(server.tokens["chair"]))["member"] == "chair"
        cookies = {f"emeeting_{server.meeting}": server.tokens["deputy"]}
        async with httpx.AsyncClient(cookies=cookies) as http:
            assert (await http.get(f"{server.url}{server.link('deputy')}")).status_code == 200
            assert (await http.get(f"{server.url}/m/{server.meeting}")).status_code == 200
            assert (await http.get(f"{server.url}/api/meetings/{server.meeting}/documents")).status_code == 200


CROSS_SITE = [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Referer": "https://evil.example/page.html"},
    {"Origin": "https://evil.example"},
]


@pytest.mark.parametrize("headers", CROSS_SITE)
async def test_another_sites_requests_do_not_count_against_the_tablets_address(
    tmp_path: Path, headers: dict[str, str]
) -> None:
    """A page elsewhere that loads 25 <img src="/j/garbage"> must not lock the tablet out. (Its
    throttled requests wait 10 ms, not the second a real server makes them wait: the test is about
    whose budget they spend, and 30 of them at 1 s each were half a minute of the suite.)"""
    async with serving(make_settings(tmp_path, failed_joins=Rate(20, 10), throttled_delay=0.01)) as server:
        async with httpx.AsyncClient(headers=headers) as http:
            for n in range(25):
                await http.get(f"{server.url}/j/garbage{n}")
                await http.get(
                    f"{server.url}/m/{server.meeting}", headers={"Cookie": f"emeeting_{server.meeting}=x{n}"}
                )
        async with httpx.AsyncClient(headers={"Sec-Fetch-Site": "same-origin"}) as http:
            typo = await http.get(f"{server.url}/j/v1.typo.typo")
        assert typo.status_code == 404 and "ไม่ถูกต้อง" in typo.text
        device = await open_device(server)
        await device.send({"type": "join", "token": "v1.typo.typo"})
        assert (await device.expect("error"))["code"] == "invalid_token"


async def test_a_guesser_who_says_cross_site_is_still_slowed_down(tmp_path: Path) -> None:
    async with serving(make_settings(tmp_path, failed_joins=Rate(3, 1)), traded=()) as server:
        async with httpx.AsyncClient(headers={"Sec-Fetch-Site": "cross-site"}) as http:
            answers = [(await http.get(f"{server.url}/j/v1.guess{n}.guess")).status_code for n in range(5)]
            valid = await http.get(f"{server.url}{server.link('deputy')}")
        assert answers == [404, 404, 404, 429, 429]
        assert valid.status_code == 200


async def test_a_members_devices_joining_in_a_loop_are_slowed_down(tmp_path: Path) -> None:
    async with serving(make_settings(tmp_path, joins=Rate(2, 1))) as server:
        for _ in range(2):
            await joined(server, "deputy")
        device = await open_device(server)
        await device.send({"type": "join", "token": server.tokens["deputy"]})
        assert (await device.expect("error"))["code"] == "rate_limited"
        _, welcome = await joined(server, "chair")  # another member is not held up
        assert welcome["member"] == "chair"


async def test_uploads_beyond_the_rate_get_429_with_retry_after(tmp_path: Path) -> None:
    async with serving(make_settings(tmp_path, uploads=Rate(1, 1))) as server:
        url = f"{server.url}/api/meetings/{server.meeting}/documents"
        headers = {"Authorization": f"Bearer {server.tokens['secretary']}"}
        async with httpx.AsyncClient() as http:
            first = await http.post(url, headers=headers, files={"file": ("a.pdf", b"not a pdf")}, data={"item": "x"})
            second = await http.post(url, headers=headers, files={"file": ("b.pdf", b"not a pdf")}, data={"item": "x"})
        assert first.status_code != 429  # refused for its content, but it was looked at
        assert second.status_code == 429 and second.json()["code"] == "rate_limited"
        assert int(second.headers["retry-after"]) >= 55


# -- cookies ----------------------------------------------------------------------------------


async def test_the_cookie_is_httponly_samesite_and_secure_behind_https(tmp_path: Path) -> None:
    """The session cookie that entering sets (each link enters once: one member per answer)."""
    async with serving(make_settings(tmp_path), traded=()) as server:
        async with httpx.AsyncClient() as http:
            plain = await http.post(f"{server.url}{server.link('deputy')}", headers={"Origin": server.url})
            proxied = await http.post(
                f"{server.url}{server.link('guest')}",
                headers={"X-Forwarded-Proto": "https", "Origin": server.url.replace("http:", "https:")},
            )
        cookie = plain.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
        # uvicorn believes a proxy on this host that says the browser came over HTTPS.
        assert "secure" in proxied.headers["set-cookie"].lower()
    public = dataclasses.replace(make_settings(tmp_path / "b"), public_url="https://meet.example.go.th")
    async with serving(public, traded=()) as server, httpx.AsyncClient() as http:
        page = await http.post(f"{server.url}{server.link('deputy')}")
        assert "secure" in page.headers["set-cookie"].lower()


# -- switching who a device is ---------------------------------------------------------------------


async def member_of_the_pages(http: httpx.AsyncClient, server: RunningServer) -> str:
    page = await http.get(f"{server.url}/m/{server.meeting}")
    assert page.status_code == 200
    found = re.search(r'id="emeeting-boot">(.*?)</script>', page.text)
    assert found is not None
    member: str = json.loads(found.group(1))["member"]
    return member


@pytest.mark.parametrize("fetch_site", ["cross-site", "same-origin"])
async def test_a_link_for_another_member_asks_before_the_device_switches(
    server: RunningServer, fetch_site: str
) -> None:
    """A page elsewhere navigating the deputy's tablet to the guest's link must not make the
    deputy's notes go into the guest's ink: the tablet asks, in Thai and English."""
    async with httpx.AsyncClient(cookies={f"emeeting_{server.meeting}": server.tokens["deputy"]}) as http:
        link = f"{server.url}{server.link('guest')}"
        asked = await http.get(link, headers={"Sec-Fetch-Site": fetch_site})
        assert asked.status_code == 200 and "set-cookie" not in asked.headers
        assert asked.headers["cache-control"] == "no-store"
        assert "แท็บเล็ตนี้เข้าใช้ในชื่อ" in asked.text and "This tablet is signed in as" in asked.text
        assert "นางสาวพรทิพย์ ศรีสุข" in asked.text  # the deputy, who it is now
        assert 'method="post"' in asked.text and "<svg" not in asked.text
        assert await member_of_the_pages(http, server) == "deputy"
        # Another site's form cannot answer for the user.
        forged = await http.post(link, headers={"Origin": "https://evil.example"})
        assert forged.status_code == 403 and "set-cookie" not in forged.headers
        assert await member_of_the_pages(http, server) == "deputy"
        # The user's own answer, from our page, switches.
        switched = await http.post(link, headers={"Origin": server.url})
        assert switched.status_code == 303 and "set-cookie" in switched.headers
        assert await member_of_the_pages(http, server) == "guest"
        # The same member's link again asks nothing: this device is in as the guest.
        again = await http.get(link)
        assert again.status_code == 200 and f'href="/m/{server.meeting}"' in again.text


async def test_no_question_when_the_device_has_no_live_identity_in_that_meeting(server: RunningServer) -> None:
    name = f"emeeting_{server.meeting}"
    for cookies in ({}, {name: "v1.not.valid"}, {"emeeting_elsewhere": server.tokens["deputy"]}):
        async with httpx.AsyncClient(cookies=cookies) as http:
            page = await http.get(f"{server.url}{server.link('guest')}")
            assert page.status_code == 200 and "<svg" in page.text and "set-cookie" not in page.headers
    store = await open_storage(server.settings)
    try:
        await meetings.revoke_invitation(store, server.invitations["deputy"])
    finally:
        await store.close()
    async with httpx.AsyncClient(cookies={name: server.tokens["deputy"]}) as http:
        page = await http.get(f"{server.url}{server.link('guest')}")
        assert page.status_code == 200 and "<svg" in page.text


# -- tokens never logged -----------------------------------------------------------------------


CLIENT_SIDE = ("httpx", "httpcore", "websockets.client")


class Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(CLIENT_SIDE):  # the test's own clients print their URLs
            self.lines.append(self.format(record))


@pytest.fixture
def every_log_line() -> Iterator[list[str]]:
    handler = Everything()
    handler.setFormatter(logging.Formatter("%(name)s %(message)s %(exc_text)s"))
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        root.setLevel(old)


async def test_no_token_reaches_a_log_line(tmp_path: Path, every_log_line: list[str]) -> None:
    traded = ("chair", "secretary", "deputy", "guest")  # the other links are used in the test
    async with serving(make_settings(tmp_path, failed_joins=Rate(2, 1)), log_level="debug", traded=traded) as server:
        links = [server.link(member).rsplit("/", 1)[1] for member in ("assistant", "esa-p1")]
        async with httpx.AsyncClient() as http:
            await http.get(f"{server.url}/j/{links[0]}")  # an unused link, looked at
            await http.post(f"{server.url}/j/{links[0]}", headers={"Origin": server.url})  # and entered
            await http.post(f"{server.url}/api/sessions", json={"token": links[1]})  # traded by a client
            await http.get(f"{server.url}/j/{links[1]}x")  # a mangled link
        async with httpx.AsyncClient(cookies={f"emeeting_{server.meeting}": server.tokens["guest"]}) as http:
            await http.get(f"{server.url}/m/{server.meeting}")
        await get(server, f"/api/meetings/{server.meeting}/documents", member="secretary")
        device, _ = await joined(server, "deputy")
        bad = await open_device(server, local_addr=("127.0.0.2", 0))  # the secretary's address stays good
        for token in ("v1.guess.guess", server.tokens["guest"] + "x", "v1.guess.again"):
            await bad.send({"type": "join", "token": token})
            await bad.expect("error")  # the last is refused by the rate limit
        assert (await bad.join(server.tokens["guest"]))["member"] == "guest"
        async with httpx.AsyncClient() as http:
            signed_out = await http.delete(
                f"{server.url}/api/meetings/{server.meeting}/session",
                headers={"Authorization": f"Bearer {server.tokens['deputy']}"},
            )
        assert signed_out.status_code == 204
        await device.ws.wait_closed()
    text = "\n".join(every_log_line)
    assert "GET /j/[token]" in text and "POST /j/[token]" in text  # the access log was on, and redacted
    for member, token in [*server.tokens.items(), *zip(("assistant", "esa-p1"), links, strict=True)]:
        assert token not in text, f"{member}'s token is in the log"
        assert token.split(".")[1] not in text, f"{member}'s invitation or session id is in the log"
        assert token.split(".")[2] not in text, f"{member}'s signature is in the log"


async def test_malformed_links_are_counted_and_refused_plainly_with_a_bounded_log(
    tmp_path: Path, every_log_line: list[str]
) -> None:
    """The review's /j/v1.abc.%C3%A9 gave a 500 and a traceback, and was not counted."""
    attempts = 0
    async with serving(make_settings(tmp_path, failed_joins=Rate(6, 1)), log_level="info") as server:
        async with httpx.AsyncClient() as http:
            pages = [
                await http.get(f"{server.url}/j/{bad}") for bad in ("v1.abc.%C3%A9", "%E0%B8%81" * 300, "v1.a.b" * 400)
            ]
            api = await http.get(
                f"{server.url}/api/meetings/{server.meeting}/documents",
                headers={b"Cookie": f"emeeting_{server.meeting}=v1.é.é".encode()},
            )
        attempts += 4
        assert [p.status_code for p in pages] == [404, 404, 404]
        assert all("ไม่ถูกต้อง" in p.text and "This invitation link is not valid" in p.text for p in pages)
        assert api.status_code == 401 and api.json()["code"] == "invalid_token"
        device = await open_device(server)
        for token in ("v1.abc.\u00e9", 5):
            await device.send({"type": "join", "token": token})
            assert (await device.expect("error"))["code"] == "invalid_token"
            attempts += 1
        # Six malformed links from this address: the next is slowed down like any bad link.
        async with httpx.AsyncClient() as http:
            limited = await http.get(f"{server.url}/j/v1.abc.%C3%A9")
        attempts += 1
        assert limited.status_code == 429 and "retry-after" in limited.headers
    text = "\n".join(every_log_line)
    assert "Traceback" not in text and "Exception" not in text
    assert len(text) < 500 * attempts, text[-2000:]


# -- tokens ---------------------------------------------------------------------------------------


def test_tokens_carry_128_random_bits_and_a_signature_that_any_change_breaks() -> None:
    ids = {new_invitation_id() for _ in range(2000)}
    assert len(ids) == 2000
    for invitation in list(ids)[:50]:
        assert len(base64.urlsafe_b64decode(invitation + "==")) == 16
    key = b"k" * 32
    token = make_token(key, "abcdefghijklmnopqrstuv")
    assert read_token(key, token) == "abcdefghijklmnopqrstuv"
    for at in range(len(token)):
        flipped = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]
        assert read_token(key, flipped) is None, flipped
    assert read_token(b"another key" * 3, token) is None


# -- another site acting for a member (CSRF) -------------------------------------------------------


@pytest.mark.parametrize("origin", ["https://evil.example", "null"])
async def test_another_sites_forms_and_requests_are_refused_and_change_nothing(tmp_path: Path, origin: str) -> None:
    async with serving(make_settings(tmp_path), traded=("chair", "secretary", "deputy")) as server:
        base = f"{server.url}/m/{server.meeting}"
        api = f"{server.url}/api/meetings/{server.meeting}"
        cookies = {f"emeeting_{server.meeting}": server.tokens["secretary"]}
        foreign = {"Origin": origin}
        async with httpx.AsyncClient(cookies=cookies) as http:
            papers = (await http.get(f"{api}/documents")).json()["documents"]
        async with httpx.AsyncClient(cookies=cookies, headers=foreign) as http:
            answers = [
                await http.post(f"{base}/invitations", data={"member": "guest", "action": "revoke"}),
                await http.post(f"{base}/new", data={"title": "ประชุมปลอม", "date": "2024-02-01", "time": "09:00"}),
                await http.delete(f"{api}/members/guest/invitation"),
                await http.post(f"{api}/devices"),
                await http.delete(f"{api}/session"),
                await http.post(f"{api}/documents", files={"file": ("a.pdf", b"%PDF-1.4")}, data={"item": "policy"}),
            ]
        assert [r.status_code for r in answers] == [403] * 6
        assert all("forbidden_origin" in r.text for r in answers)
        # Nothing happened: the deputy's link still works, the papers and the meetings are as they were.
        _, welcome = await joined(server, "deputy")
        assert welcome["member"] == "deputy"
        store = await open_storage(server.settings)
        try:
            assert len(await store.meetings()) == 1
        finally:
            await store.close()
        async with httpx.AsyncClient(cookies=cookies) as http:
            assert (await http.get(f"{api}/documents")).json()["documents"] == papers
            # The same form from the server's own page goes through.
            assert (await http.get(f"{api}/invitations")).json()["invitations"][-1]["url"]  # the guest's, unused
            ours = await http.post(
                f"{base}/invitations", data={"member": "guest", "action": "revoke"}, headers={"Origin": server.url}
            )
        assert ours.status_code == 303
