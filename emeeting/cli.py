"""The ``emeeting`` command: serve, demo, links, meetings, export, bench."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import gc
import importlib
import json
import logging
import os
import resource
import socket
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

from emeeting import address, meetings, reading
from emeeting.config import SettingError, Settings, from_env
from emeeting.reach import Unreachable
from emeeting.storage.opening import describe, has_data, open_storage
from rooms.standing import WORDS, standing

URL_HELP = (
    "the address the links name, e.g. http://192.168.1.20:8000 (default: EMEETING_PUBLIC_URL, else the"
    " address of the server on the data folder)"
)
ROLE_LABELS = {
    "chair": "ประธาน chair",
    "secretary": "เลขานุการ secretary",
    "member": "กรรมการ member",
    "guest": "ผู้เข้าร่วม guest",
}


def private_umask() -> None:
    """What the server writes (the database, page images, exports, scratch files) is readable by
    the server's user only."""
    os.umask(0o077)


def more_files() -> None:
    """Every connection is a file descriptor: raise the soft limit (often 1,024) towards the hard
    one, so that the per-address cap (emeeting/guard.py), not the descriptors, bounds a flood."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


async def _create_demo(settings: Settings, base: str) -> tuple[str, list[meetings.Link]]:
    from emeeting.demo import create_demo  # (the documents' libraries: only when a demo is made)

    settings.private_data()
    store = await open_storage(settings)
    try:
        created = await create_demo(store, settings)
        key = settings.signing_key()
        return created.meeting, await meetings.links(store, key, base, created.meeting, list(created.members))
    finally:
        await store.close()


async def _latest_links(
    settings: Settings, base: str, meeting: str | None = None
) -> tuple[str, list[meetings.Link], bool]:
    """The links of ``meeting`` (default the newest) on ``base``, and whether it was made now:
    the demo meeting, on an empty data folder."""
    settings.private_data()
    store = await open_storage(settings)
    try:
        found = [m for m, _ in await store.meetings() if meeting in (None, m)]
        if found:
            state = await reading.folded(store, found[0])
            assert state is not None
            key = settings.signing_key()
            return found[0], await meetings.links(store, key, base, found[0], list(state.members.values())), False
        if meeting is not None:
            raise LookupError(f"there is no meeting {meeting} in {settings.data}")
    finally:
        await store.close()
    return *await _create_demo(settings, base), True


STATUS_LABELS = {word: f"{thai} {english}" for word, (thai, english) in WORDS.items()}


async def _meetings(settings: Settings) -> list[dict[str, str]]:
    """Every meeting of the data folder, newest first: its id, date, time, zone, status, title."""
    store = await open_storage(settings)
    try:
        listed = []
        for meeting_id, _ in await store.meetings():
            state = await reading.folded(store, meeting_id)
            if state is None:
                continue
            info = state.info
            zone = info.timezone or settings.timezone
            held = await store.committees.of_meeting(meeting_id)
            committee = await store.committees.find(held.committee_id) if held is not None else None
            listed.append(
                {"meeting": meeting_id, "date": info.date, "time": info.time, "timezone": zone,
                 "status": standing(state), "number": f"{info.number}/{info.year}",
                 "committee": committee.name if committee is not None else "", "title": info.title}
            )  # fmt: skip
        return listed
    finally:
        await store.close()


def _print_meetings(listed: list[dict[str, str]]) -> None:
    for m in listed:
        committee = f"  [{m['committee']}]" if m["committee"] else ""
        print(
            f"{m['date']} {m['time']}  {m['meeting']}  {_pad(STATUS_LABELS[m['status']], 34)} "
            f"{_pad(m['number'], 9)} {m['title']}{committee}"
        )
    if not listed:
        print("no meeting yet / ยังไม่มีการประชุม: `emeeting demo` makes one")


def _pad(text: str, width: int) -> str:
    """Pad to ``width`` columns; Thai vowel and tone marks take no column of their own."""
    columns = sum(1 for ch in text if unicodedata.category(ch) != "Mn")
    return text + " " * max(0, width - columns)


def _print_links(meeting_id: str, links: list[meetings.Link]) -> None:
    print(f"meeting {meeting_id}: invitation links (each works on one device)")
    for link in links:
        shown = link.url if link.used_at is None else f"used on a device {_when(link.used_at)} / ใช้แล้ว"
        print(f"  {_pad(ROLE_LABELS[link.member.role.value], 19)} {_pad(link.member.name, 24)} {shown}")


def _when(ms: int) -> str:
    """An instant in the server's local time, to the minute."""
    return dt.datetime.fromtimestamp(ms / 1000).astimezone().strftime("%Y-%m-%d %H:%M %Z")


def _show(meeting_id: str, links: list[meetings.Link], as_json: bool, where: address.Address) -> None:
    if as_json:
        listed = [_link_json(link) for link in links]
        print(json.dumps({"meeting": meeting_id, "address": where.to_json(), "links": listed}, ensure_ascii=False))
    else:
        _print_links(meeting_id, links)
        print(where.said)
        chosen = where.url if where.source in ("--url", "EMEETING_PUBLIC_URL") else None
        _warn_unreachable(where.url, urlsplit(where.url).port, chosen)


def _warn_unreachable(base: str, port: int | None, public_url: str | None) -> None:
    """Links to this laptop's own address: say that no tablet can open them, and what to set."""
    warning = Unreachable.of(base, port, public_url)
    for line in warning.lines if warning else ():
        print(line)


def _link_json(link: meetings.Link) -> dict[str, object]:
    m = link.member
    unused = link.used_at is None
    return {
        "member": m.id,
        "name": m.name,
        "position": m.position,
        "role": m.role.value,
        "url": link.url if unused else None,
        "token": link.url.rsplit("/", 1)[-1] if unused else None,
        "used_at": link.used_at,
    }


def _benchmarks() -> ModuleType | None:
    """The ``bench`` package of a checkout: not in the wheel, so it is found where it is importable
    or next to the ``emeeting`` package being run (an editable install of a checkout)."""
    try:
        return importlib.import_module("bench")
    except ModuleNotFoundError as error:
        if error.name != "bench":
            raise
    checkout = Path(__file__).resolve().parent.parent
    if not (checkout / "bench" / "__init__.py").is_file():
        return None
    sys.path.insert(0, str(checkout))
    return importlib.import_module("bench")


def _bench(args: argparse.Namespace) -> int:
    benchmarks = _benchmarks()
    if benchmarks is None:
        print("emeeting bench needs a checkout of the source (the benchmarks are not installed)", file=sys.stderr)
        return 2
    SCENARIOS, table = benchmarks.SCENARIOS, benchmarks.table
    unknown = [name for name in args.scenarios if name not in SCENARIOS]
    if unknown:
        print(f"unknown scenario {', '.join(unknown)}; there are: {', '.join(SCENARIOS)}", file=sys.stderr)
        return 2
    options = {
        "tablets": [int(n) for n in args.tablets.split(",")],
        "pushes": args.pushes,
        "members": args.members,
        "writers": args.writers,
        "strokes": args.strokes,
        "stalled": args.stalled,
        "runs": args.runs,
        "frames": args.frames,
        "seed": args.seed,
        "meetings": args.meetings,
        "database": args.database,
    }
    rows = [row for name in args.scenarios or list(SCENARIOS) for row in SCENARIOS[name](options)]
    print(json.dumps(rows, indent=2) if args.json else table(rows))
    return 0


def _copy_to_postgresql(args: argparse.Namespace) -> int:
    from emeeting.storage import copying

    settings = from_env(data=args.data, database_url=args.url)
    if not settings.database_url:
        print("emeeting copy-to-postgresql: name the PostgreSQL database (or set EMEETING_DATABASE)", file=sys.stderr)
        return 2
    if not settings.database.exists():
        print(f"emeeting copy-to-postgresql: there is no SQLite database in {settings.data}", file=sys.stderr)
        return 1
    try:
        copied = asyncio.run(copying.copy(settings.database, str(settings.database_url)))
    except copying.NotEmpty as exc:
        print(f"emeeting copy-to-postgresql: {exc}", file=sys.stderr)
        return 1
    print(f"copied into {describe(settings)}: " + ", ".join(f"{n} {table}" for table, n in copied.items() if n))
    print(f"serve it with: emeeting serve --data {settings.data} --database <the same address>")
    return 0


def _export(args: argparse.Namespace) -> int:
    from emeeting.minutes.export import export

    settings = from_env(data=args.data, database_url=args.database)
    try:
        name, body = asyncio.run(export(settings, args.meeting, args.format, args.lang, args.thai_digits))
    except LookupError as exc:
        print(f"emeeting export: {exc}", file=sys.stderr)
        return 1
    out: Path = args.output or Path(name)
    out.write_bytes(body)
    print(out)
    return 0


DATABASE_HELP = "a PostgreSQL database, postgresql://… (default: SQLite in the data folder, or $EMEETING_DATABASE)"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except SettingError as exc:  # an operator's mistake: the sentence, not a traceback
        print(f"emeeting: {exc}", file=sys.stderr)
        return 2


def _main(argv: Sequence[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="emeeting", description="Real-time paperless meeting-room server.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the server (creates the demo meeting on an empty data folder)")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1, or $HOST)")
    serve.add_argument("--port", type=int, help="port (default 8000, or $PORT)")
    serve.add_argument("--data", type=Path, help="data folder (default ./data, or $EMEETING_DATA)")
    serve.add_argument("--database", help=DATABASE_HELP)

    demo = commands.add_parser("demo", help="create a new demo meeting and print its invitation links")
    demo.add_argument("--data", type=Path, help="data folder (default ./data, or $EMEETING_DATA)")
    demo.add_argument("--database", help=DATABASE_HELP)
    demo.add_argument("--json", action="store_true", help="print JSON instead of text")
    demo.add_argument("--url", help=URL_HELP)

    listing = commands.add_parser("meetings", help="list the meetings, newest first: date, id, status, title")
    listing.add_argument("--data", type=Path, help="data folder (default ./data, or $EMEETING_DATA)")
    listing.add_argument("--database", help=DATABASE_HELP)
    listing.add_argument("--json", action="store_true", help="print JSON instead of text")

    show = commands.add_parser("links", help="print the invitation links of the newest meeting (or of MEETING)")
    show.add_argument("meeting", nargs="?", help="the meeting's id (default: the newest)")
    show.add_argument("--data", type=Path, help="data folder (default ./data, or $EMEETING_DATA)")
    show.add_argument("--database", help=DATABASE_HELP)
    show.add_argument("--json", action="store_true", help="print JSON instead of text")
    show.add_argument("--url", help=URL_HELP)

    copying = commands.add_parser(
        "copy-to-postgresql", help="copy the data folder's SQLite database into an empty PostgreSQL database"
    )
    copying.add_argument(
        "url",
        nargs="?",
        help="the PostgreSQL database, postgresql://… (default $EMEETING_DATABASE: keeps a password off the command line)",
    )
    copying.add_argument("--data", type=Path, help="data folder (default ./data, or $EMEETING_DATA)")

    bench = commands.add_parser("bench", help="run benchmarks against real servers (all scenarios by default)")
    bench.add_argument("scenarios", nargs="*", help="scenarios to run (default all; in bench/__init__.py)")
    bench.add_argument("--json", action="store_true", help="print JSON, one object per row")
    bench.add_argument(
        "--tablets", default="100,500,1000,2000", help="tablet counts for the live scenario (default 100,500,1000,2000)"
    )
    bench.add_argument("--pushes", type=int, default=30, help="slides the chair shows per run (default 30)")
    bench.add_argument("--members", type=int, default=1000, help="voting members for the votes scenario (default 1000)")
    bench.add_argument(
        "--writers", type=int, default=50, help="members writing at once in the ink scenario (default 50)"
    )
    bench.add_argument(
        "--strokes", type=int, default=200, help="strokes each writer sends in the ink scenario (default 200)"
    )
    bench.add_argument(
        "--stalled", type=int, default=50, help="tablets that stop reading, beside 450 that read, in stalled (50)"
    )
    bench.add_argument(
        "--meetings", type=int, default=1000, help="stored meetings in the sheet scenario (default 1000)"
    )
    bench.add_argument("--runs", type=int, default=20, help="SIGKILLs in the crash scenario (default 20)")
    bench.add_argument(
        "--database", help="the crash and votes scenarios on this PostgreSQL database, postgresql://… (default SQLite)"
    )
    bench.add_argument("--frames", type=int, default=100_000, help="frames the fuzz scenario sends (default 100000)")
    bench.add_argument("--seed", type=int, help="seed of the crash and fuzz scenarios (default: random, printed)")

    from emeeting import admin_cli  # (argon2 and pyotp: only for the commands that need them)

    admin_cli.register(commands)

    export = commands.add_parser("export", help="write a meeting's minutes as PDF, DOCX or Markdown")
    export.add_argument(
        "meeting", help="the meeting's id (in its links: /m/MEETING); one that starts with '-' goes last, after --"
    )
    export.add_argument(
        "--format", choices=("pdf", "docx", "md"), default="pdf", help="the file's format (default pdf)"
    )
    export.add_argument("--lang", choices=("th", "en"), default="th", help="Thai official form or international (th)")
    export.add_argument("--thai-digits", action="store_true", help="write every number with Thai digits (๐-๙)")
    export.add_argument("-o", "--output", type=Path, help="the file to write (default: named after the meeting)")
    export.add_argument("--data", type=Path, help="data folder (default ./data, or $EMEETING_DATA)")
    export.add_argument("--database", help=DATABASE_HELP)

    args = parser.parse_args(argv)
    if args.command == "bench":
        return _bench(args)
    if args.command == "export":
        return _export(args)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    private_umask()
    if args.command == "admin":
        return admin_cli.run(args)

    if args.command == "copy-to-postgresql":
        return _copy_to_postgresql(args)

    if args.command == "meetings":
        settings = from_env(data=args.data, database_url=args.database)
        if not has_data(settings):
            print(f"emeeting meetings: there is no data folder at {settings.data}", file=sys.stderr)
            return 1
        listed = asyncio.run(_meetings(settings))
        if args.json:
            print(json.dumps({"meetings": listed}, ensure_ascii=False))
        else:
            _print_meetings(listed)
        return 0

    if args.command == "links":
        settings = from_env(data=args.data, database_url=args.database)
        where = address.of(settings, args.url)
        try:
            meeting_id, links, _ = asyncio.run(_latest_links(settings, where.url, args.meeting))
        except LookupError as exc:
            print(f"emeeting links: {exc}", file=sys.stderr)
            return 1
        _show(meeting_id, links, args.json, where)
        return 0

    if args.command == "demo":
        settings = from_env(data=args.data, database_url=args.database)
        where = address.of(settings, args.url)
        meeting_id, links = asyncio.run(_create_demo(settings, where.url))
        _show(meeting_id, links, args.json, where)
        return 0

    settings = from_env(data=args.data, database_url=args.database, host=args.host, port=args.port)
    more_files()
    # Bind first, so that the links name the real port (also when --port 0 lets the OS choose).
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.create_server((settings.host, settings.port), family=family, backlog=2048)
    if settings.sndbuf_kb:  # accepted sockets inherit it
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, settings.sndbuf_kb * 1024)
    settings = dataclasses.replace(settings, port=sock.getsockname()[1])
    meeting_id, links, created = asyncio.run(_latest_links(settings, settings.base_url))
    address.record(settings)  # for `emeeting links` and `demo`, run apart from the server
    print(f"emeeting on {settings.base_url}  (data: {settings.data.resolve()}; {describe(settings)})")
    _warn_unreachable(settings.base_url, settings.port, settings.public_url)
    # Links are passwords. They are printed for someone at a terminal, or once for the demo
    # meeting just made; never again into what may be a service's log.
    if created and (admin := asyncio.run(admin_cli.demo_administrator(settings, meeting_id))) is not None:
        login, password = admin
        print(f"sign in at {settings.base_url}/signin as {login}, password {password} (the demo's administrator)")
    if created or sys.stdout.isatty():
        _print_links(meeting_id, links)
    else:
        print(f"meeting {meeting_id}: `emeeting links` prints its invitation links")
    sys.stdout.flush()
    # The server's modules only for serve: links, export and demo start in half the time.
    import uvicorn

    from emeeting.app import create_app, server_config

    app = create_app(settings)
    # What was made to start (the modules above all) lives as long as the server: out of the
    # collector's sight, a full collection, which pauses every device's fan-out, walks less.
    gc.collect()
    gc.freeze()
    uvicorn.Server(server_config(app, settings)).run(sockets=[sock])
    return 0
