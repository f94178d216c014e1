"""The emeeting command as a user runs it: demo, serve, SIGTERM, restart."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from emeeting import meetings
from emeeting.config import Settings
from emeeting.storage.opening import open_storage
from tests.matrix_cases import INFO, Case, by, store_meeting
from tests.support import TIMEOUT, Device, RunningServer, open_device, traded


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emeeting", *args], capture_output=True, text=True, timeout=60, env=env, check=True
    )


def test_demo_prints_the_meeting_and_a_link_per_member(tmp_path: Path) -> None:
    out = json.loads(run_cli("demo", "--data", str(tmp_path), "--json").stdout)
    assert re.fullmatch(r"[A-Za-z0-9_-]{8}", out["meeting"])
    roles = [link["role"] for link in out["links"]]
    assert roles.count("chair") == 1 and "secretary" in roles and "member" in roles and "guest" in roles
    for link in out["links"]:
        assert link["url"].endswith("/j/" + link["token"])
    # A second demo is a second meeting with its own invitations.
    again = json.loads(run_cli("demo", "--data", str(tmp_path), "--json").stdout)
    assert again["meeting"] != out["meeting"]
    assert {link["token"] for link in again["links"]}.isdisjoint({link["token"] for link in out["links"]})


def test_demo_honours_emeeting_data(tmp_path: Path) -> None:
    env = {**os.environ, "EMEETING_DATA": str(tmp_path / "elsewhere")}
    text = run_cli("demo", env=env).stdout
    assert "ประธาน chair" in text and "/j/v1." in text
    assert (tmp_path / "elsewhere" / "emeeting.sqlite3").exists()


class Serve:
    """`emeeting serve` in a subprocess on an OS-chosen port."""

    def __init__(
        self, proc: asyncio.subprocess.Process, data: Path, url: str, links: dict[str, str], stdout: str
    ) -> None:
        self.proc = proc
        self.data = data
        self.url = url
        self.links = links
        self.stdout = stdout

    @classmethod
    async def start(
        cls, data: Path, emeeting: tuple[str, ...] = (sys.executable, "-m", "emeeting"), cwd: Path | None = None
    ) -> Serve:
        proc = await asyncio.create_subprocess_exec(
            *emeeting, "serve", "--port", "0", "--data", str(data),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=cwd,
        )  # fmt: skip
        assert proc.stdout is not None and proc.stderr is not None
        lines = []
        try:
            # A first start makes and renders the demo, and may warm LibreOffice: slow on a busy machine.
            async with asyncio.timeout(TIMEOUT * 3):
                while not (line := (await proc.stdout.readline()).decode()).startswith("meeting "):
                    lines.append(line)
                lines.append(line)
                links: dict[str, str] = {}
                # The links are printed once, for the demo just made; after that, on request.
                if "emeeting links" in line:
                    listed = await asyncio.to_thread(
                        subprocess.run, [*emeeting, "links", "--data", str(data), "--json"],
                        capture_output=True, text=True, timeout=60, check=True, cwd=cwd,
                    )  # fmt: skip
                    for link in json.loads(listed.stdout)["links"]:
                        if link["url"]:  # a link used already is listed without one
                            links.setdefault(link["role"], link["url"])
                listed_apart = bool(links)
                while not listed_apart and (line := (await proc.stdout.readline()).decode()).strip():
                    lines.append(line)
                    role, url = line.split()[1], line.split()[-1]
                    links.setdefault(role, url)
                    if len(links) == 4:
                        break
                said: list[bytes] = []
                while b"Application startup complete" not in (heard := await proc.stderr.readline()):
                    if not heard:  # it stopped: say why, rather than wait for the test's time-out
                        raise RuntimeError("emeeting serve stopped:\n" + b"".join(said).decode(errors="replace"))
                    said.append(heard)
        except BaseException:
            proc.kill()  # a server that did not start must not outlive the test
            await proc.wait()
            raise
        found = re.search(r"emeeting on (\S+)", "".join(lines))
        assert found is not None
        return cls(proc, data, found.group(1), links, "".join(lines))

    async def running(self, *roles: str) -> RunningServer:
        """The server, with the links of ``roles`` traded for a device each (the test's)."""
        port = int(self.url.rsplit(":", 1)[1])
        running = RunningServer(Settings(data=self.data, port=port), meeting="", tokens={}, invitations={}, port=port)
        for role in roles:
            running.tokens[role] = await traded(running, self.links[role])
        return running

    async def terminate(self) -> bool:
        """SIGTERM; True when the server shut down cleanly (its lifespan ran to the end)."""
        assert self.proc.stderr is not None
        self.proc.send_signal(signal.SIGTERM)
        stderr = (await asyncio.wait_for(self.proc.stderr.read(), TIMEOUT)).decode()
        code = await asyncio.wait_for(self.proc.wait(), TIMEOUT)
        # uvicorn re-raises the signal after a graceful shutdown, so the exit status is SIGTERM's.
        ok = code in (0, -signal.SIGTERM) and "Application shutdown complete" in stderr and "Traceback" not in stderr
        if not ok:
            print(f"exit status {code}; stderr:\n{stderr}")  # shown with the failure
        return ok


async def test_serve_creates_the_demo_and_survives_sigterm(tmp_path: Path) -> None:
    serve = await Serve.start(tmp_path)
    try:
        assert set(serve.links) == {"chair", "member", "secretary", "guest"}
        # Its links name 127.0.0.1: the start-up lines say no tablet can open them, and what to set.
        assert f"no tablet can open links to {serve.url}" in serve.stdout and "EMEETING_PUBLIC_URL=" in serve.stdout
        async with httpx.AsyncClient() as http:
            assert (await http.get(f"{serve.url}/healthz")).status_code == 200
            invitation = await http.get(serve.links["member"])
            assert invitation.status_code == 200 and "สำนักงานศึกษาธิการจังหวัด" in invitation.text

        running = await serve.running("chair")
        chair = await open_device(running)
        await chair.join(running.tokens["chair"])
        await chair.command("open_meeting")
        # A burst the server is still committing when SIGTERM arrives.
        for page in range(1, 25):
            await chair.command("show_page", document="action-plan-2567", page=page)
        acked = [(await chair.until("ack"))[1]["seq"] for _ in range(5)]
        assert await serve.terminate()
        acked += await drain_acks(chair)
    finally:
        if serve.proc.returncode is None:
            serve.proc.kill()
            await serve.proc.wait()

    # Restarted on the same data: the same meeting, every acknowledged event still there.
    again = await Serve.start(tmp_path)
    try:
        # The same meeting, the same invitations: those not used yet are listed again.
        tokens = {role: url.rsplit("/", 1)[1] for role, url in again.links.items()}
        assert tokens == {role: url.rsplit("/", 1)[1] for role, url in serve.links.items() if role != "chair"}
        # Not printed again, where a service's log would keep them: `emeeting links` gave them.
        assert "/j/" not in again.stdout and "emeeting links" in again.stdout
        running = await again.running("member")
        device = await open_device(running)
        welcome = await device.join(running.tokens["member"])
        assert welcome["seq"] >= max(acked)
        assert welcome["snapshot"]["state"]["status"] == "open"
        await device.close()
    finally:
        assert await again.terminate()


async def drain_acks(device: Device) -> list[int]:
    """Acks that reached the device before its connection closed."""
    seqs = []
    try:
        while True:
            frame = await device.recv()
            if frame["type"] == "ack":
                seqs.append(frame["seq"])
    except Exception:  # the server closed the connection while stopping
        return seqs


async def test_a_meeting_made_by_demo_while_the_server_runs_gets_its_pages(tmp_path: Path) -> None:
    """...and its links, and those `emeeting links` prints, name the port the server listens on
    (chosen by the OS here), not the default 8000; --url names another address."""
    serve = await Serve.start(tmp_path)
    try:
        made = await asyncio.to_thread(run_cli, "demo", "--data", str(tmp_path), "--json")
        out = json.loads(made.stdout)
        listed = await asyncio.to_thread(run_cli, "links", out["meeting"], "--data", str(tmp_path), "--json")
        for printed in (out, json.loads(listed.stdout)):
            assert [link["url"] for link in printed["links"] if not link["url"].startswith(f"{serve.url}/j/v1.")] == []
            assert printed["address"] == {"url": serve.url, "from": "server"}
        text = (await asyncio.to_thread(run_cli, "links", "--data", str(tmp_path))).stdout
        assert f"links name {serve.url}: the address of the server on this data folder" in text
        given = await asyncio.to_thread(
            run_cli, "links", "--data", str(tmp_path), "--url", "http://10.1.2.3:9000/", "--json"
        )
        printed = json.loads(given.stdout)
        assert printed["address"] == {"url": "http://10.1.2.3:9000", "from": "--url"}
        assert all(link["url"].startswith("http://10.1.2.3:9000/j/v1.") for link in printed["links"])
        token = await traded(
            await serve.running(), next(link["url"] for link in out["links"] if link["role"] == "member")
        )
        base = f"{serve.url}/api/meetings/{out['meeting']}"
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(timeout=30, headers=headers) as http:
            listing = (await http.get(f"{base}/documents")).json()["documents"]
            first = listing[0]
            page = await http.get(f"{base}/documents/{first['id']}/pages/1")
            assert page.status_code == 200, page.text
            assert page.headers["content-type"].startswith("image/")
            thumb = await http.get(f"{base}/documents/{listing[-1]['id']}/thumbs/{listing[-1]['pages']}")
            assert thumb.status_code == 200, thumb.text
    finally:
        serve.proc.kill()
        await serve.proc.wait()


def test_links_to_a_loopback_address_come_with_how_to_set_the_public_one(tmp_path: Path) -> None:
    """127.0.0.1 is this laptop itself: no tablet can open a link to it, so the operator is told."""
    text = run_cli("demo", "--data", str(tmp_path)).stdout
    assert "http://127.0.0.1:8000/j/" in text
    assert "links name http://127.0.0.1:8000: the default: no server has run on this data folder" in text
    assert "แท็บเล็ตเปิดลิงก์ที่ http://127.0.0.1:8000 ไม่ได้" in text
    assert "no tablet can open links to http://127.0.0.1:8000" in text
    assert "EMEETING_PUBLIC_URL=http://" in text and "--host 0.0.0.0" in text
    env = {**os.environ, "EMEETING_PUBLIC_URL": "http://192.168.1.20:8000"}
    text = run_cli("demo", "--data", str(tmp_path), env=env).stdout
    assert "http://192.168.1.20:8000/j/" in text and "EMEETING_PUBLIC_URL=" not in text
    assert "no tablet can open links" not in text
    assert "links name http://192.168.1.20:8000: from EMEETING_PUBLIC_URL" in text
    refused = subprocess.run(
        [sys.executable, "-m", "emeeting", "links", "--data", str(tmp_path), "--url", "192.168.1.20"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert refused.returncode == 2 and refused.stderr.startswith("emeeting: --url: it must start with http://")
    assert "Traceback" not in refused.stderr


def test_a_meeting_id_never_reads_as_an_option() -> None:
    """``emeeting export ID`` and ``emeeting links ID`` take the id from a link (/m/ID): one
    starting with "-" was read as an option (1 id in 64 had one)."""
    ids = [meetings.new_meeting_id() for _ in range(5000)]
    assert not [i for i in ids if i.startswith("-")]
    assert len(set(ids)) == len(ids) and all(len(i) == 8 for i in ids)


def test_an_older_meeting_id_that_starts_with_a_dash_is_exported_after_a_double_dash(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "emeeting", "export", "--data", str(tmp_path), "--", "-rDp0UkU"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1 and "there is no emeeting data in" in done.stderr  # read as the id, not an option


async def _meetings_in_four_states(data: Path) -> list[str]:
    """Four meetings of the role matrix's shape, made in this order: scheduled, open, closed with
    its minutes circulated, cancelled. Their ids, in that order."""
    settings = Settings(data=data)
    settings.private_data()
    store = await open_storage(settings)
    try:
        steps = [
            (),
            (by("chair", "open_meeting"),),
            (by("chair", "open_meeting"), by("chair", "close_meeting"), by("secretary", "circulate_minutes")),
            (by("chair", "cancel_meeting", reason="ไม่มีเรื่องเสนอเพื่อพิจารณา"),),
        ]
        return [(await store_meeting(store, b"k" * 32, Case("x", {}, "", made))).meeting for made in steps]
    finally:
        await store.close()


def test_meetings_lists_every_meeting_newest_first_with_where_it_stands(tmp_path: Path) -> None:
    made = asyncio.run(_meetings_in_four_states(tmp_path))
    listed = json.loads(run_cli("meetings", "--data", str(tmp_path), "--json").stdout)["meetings"]
    assert [(m["meeting"], m["status"]) for m in listed] == list(
        zip(reversed(made), ["cancelled", "circulated", "open", "scheduled"], strict=True)
    )
    assert {(m["date"], m["time"], m["timezone"], m["title"]) for m in listed} == {
        (INFO.date, INFO.time, "Asia/Bangkok", INFO.title)
    }
    lines = run_cli("meetings", "--data", str(tmp_path)).stdout.splitlines()
    assert [line.split()[2] for line in lines] == list(reversed(made))
    assert "ยกเลิก cancelled" in lines[0] and "เวียนรายงานแล้ว minutes circulated" in lines[1]
    assert all(line.startswith(f"{INFO.date} {INFO.time}") and line.endswith(INFO.title) for line in lines)
    nowhere = subprocess.run(
        [sys.executable, "-m", "emeeting", "meetings", "--data", str(tmp_path / "nowhere")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert nowhere.returncode == 1 and "there is no data folder at" in nowhere.stderr
    assert not (tmp_path / "nowhere").exists()  # listing makes nothing


async def test_serve_starts_on_a_folder_whose_administrator_was_made_first(tmp_path: Path) -> None:
    """`emeeting admin create-user` before the first start: the demo is made without a demo
    administrator of its own (the server has one), and the server starts."""
    made = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "emeeting", "admin", "create-user", "boss", "--name", "ผู้ดูแล", "--password-stdin",
         "--data", str(tmp_path)],
        input="ความลับยาวพอ-2567", capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    serve = await Serve.start(tmp_path)
    try:
        assert "sign in at" not in serve.stdout and "/j/v1." in serve.stdout
    finally:
        assert await serve.terminate()
