"""The hostile frames of ``emeeting bench fuzz`` and tests/test_fuzz.py, deterministic from a seed.

The frames (``Frames``) are: random bytes; random msgpack values; valid frames of every client
type (``join`` and the 33 commands) with one field mutated (wrong type, missing, huge, bin for
str, deep nesting, odd unicode, long lists) or with unknown fields added; byte-level mutations
of valid frames (flips, cuts, splices, duplicate keys); odd types; text frames; frames over the
size caps; and, on fresh connections, joins with odd resume numbers (``since``/``ink_since``
negative, huge, in the future, floats, bools), bad tokens and commands before the join.
``Frames`` takes any ``random.Random``: the tests drive it from Hypothesis (``st.randoms``), the
benchmark from a seed.

Owns making frames only: no socket, no server. The rule they are held to is fuzz_check.py.
"""

from __future__ import annotations

import json
import random
import struct
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import msgpack

from emeeting.config import Limits
from emeeting.protocol import CLIENT_TYPES
from rooms.commands import COMMAND_TYPES
from rooms.minutes_model import MinutesField
from rooms.model import Presence, VoteRule
from rooms.strokes import encode_points

LIMITS = Limits()
MAX_INT = 2**31 - 1
ENDINGS = ("close_meeting", "remove_document")  # left out of the chair's first phase

# -- the frames ------------------------------------------------------------------------------

ODD_TEXT = (
    "", " ", "\x00", "\u202eevil", "a\u200db", "e" + "\u0301" * 300, "ก่่่่ำ", "🙂" * 64, "\ufeff",
    "\uffff", "\U0010ffff", "\n\r\t", "null", "0", "-1", "true", "%s%n", "../../x", "<b>x</b>",
    "' OR 1=1 --", "ñ" * 64, "x" * 65, "ไทย" * 170, "\u0e01" * 501, "@server", "chair ",
)  # fmt: skip
TEXT_SIZES = (64, 65, 200, 201, 500, 501, 2000, 2001, 20000, 20001, 36001)
INTS = (0, 1, -1, 19, 20, 10000, 10001, 65535, 65536, 0xFFFFFF, 0x1000000, MAX_INT, MAX_INT + 1,
        2**53, 2**53 + 1, 2**63 - 1, 2**64 - 1, -(2**31), -(2**63))  # fmt: skip
FLOATS = (0.0, -0.0, 1.0, 1.5, 1e308, -1e308, float("inf"), float("-inf"), float("nan"), 5e-324)
SINCE: tuple[Any, ...] = (None, 0, 1, 2, 5, 50, 2000, 2001, 10**6, MAX_INT, MAX_INT + 1, 2**63 - 1, 2**64 - 1, -1,
         -(2**63), 1.0, 0.5, float("nan"), True, False, "1", b"1", [1], {})  # fmt: skip
ODD_TYPES = ("welcome", "ack", "error", "event", "snapshot", "add_document", "mark_pages_ready", "check_in",
             "record_adoption", "carry_forward", "Open_Meeting", "open_meeting ", "JOIN", "", "\x00join")  # fmt: skip
MAGIC = (0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC7, 0xCA, 0xCB,
         0xCF, 0xD3, 0xD4, 0xD9, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0xE0, 0xFF)  # fmt: skip
WORDS = ("รายงานผลการดำเนินงาน", "Budget 2567", "มติที่ประชุม", "x", "ผู้อำนวยการ", "Item")
# How often each kind of frame comes (per 1000); see Frames.make.
KINDS = {"field": 400, "extra": 50, "bytes": 250, "msgpack": 90, "random": 80, "type": 40, "join": 10,
         "handshake": 60, "text": 15, "oversize": 5}  # fmt: skip


@dataclass(frozen=True)
class Context:
    """What valid frames may name (taken from a meeting's snapshot by ``context_of``)."""

    token: str
    members: tuple[str, ...] = ("chair",)
    items: tuple[str, ...] = ("item",)
    documents: tuple[tuple[str, int], ...] = (("doc", 1),)
    votes: tuple[str, ...] = ("v-open", "v1", "v2")


def context_of(state: Mapping[str, Any], token: str) -> Context:
    return Context(
        token,
        tuple(m["id"] for m in state["members"]),
        tuple(i["id"] for i in state["agenda"]),
        tuple((d["id"], d["pages"]) for d in state["documents"]) or (("doc", 1),),
    )


@dataclass(frozen=True, slots=True)
class Frame:
    kind: str  # which part of the generator made it
    data: bytes
    text: bool = False  # sent as a text frame
    handshake: bool = False  # sent on a fresh connection, before any join


@dataclass(frozen=True, slots=True)
class Raw:
    """Bytes put into an encoded frame as they are (deep nesting, a str that is not UTF-8...)."""

    data: bytes


def pack(value: Any) -> bytes:
    raws: list[bytes] = []

    def default(obj: object) -> object:
        if isinstance(obj, Raw):
            raws.append(obj.data)
            return f"\x00raw{len(raws) - 1}\x00"
        raise TypeError(type(obj).__name__)

    data: bytes = msgpack.packb(value, default=default, use_bin_type=True)
    for i, raw in enumerate(raws):
        data = data.replace(msgpack.packb(f"\x00raw{i}\x00"), raw, 1)
    return data


def raw_value(r: random.Random) -> Raw:
    depth = r.choice((100, 1000, 1023, 1024, 1025, 5000))
    return r.choice(
        (
            Raw(b"\x91" * depth + b"\xc0"),
            Raw(b"\x81\xa1k" * depth + b"\xc0"),
            Raw(b"\xa3\xff\xfe\xfd"),  # a str that is not UTF-8
            Raw(b"\xa3\xed\xa0\x80"),  # a surrogate, encoded
            Raw(b"\xcf" + r.getrandbits(64).to_bytes(8, "big")),  # uint 64
            Raw(b"\xd9\x05hello"),  # str 8 for a short string
            Raw(b"\xdd\xff\xff\xff\xff"),  # an array claiming 4 billion items
            Raw(b"\xc1"),  # never used
            Raw(b"\xca" + struct.pack(">f", 1.5)),  # float 32
        )
    )


def odd_value(r: random.Random, depth: int = 0) -> Any:
    """A value of any msgpack type, leaning to the edges."""
    pick = r.randrange(12 if depth < 3 else 8)
    if pick == 0:
        return r.choice((None, True, False))
    if pick == 1:
        return r.choice(INTS) if r.random() < 0.7 else r.randint(-(2**63), 2**64 - 1)
    if pick == 2:
        return r.choice(FLOATS)
    if pick == 3:
        return r.choice(ODD_TEXT)
    if pick == 4:
        return r.choice("xก🙂é") * r.choice(TEXT_SIZES)
    if pick == 5:
        return r.randbytes(r.choice((0, 1, 15, 16, 17, 64, 40000)))
    if pick == 6:
        return (
            msgpack.ExtType(r.randrange(128), r.randbytes(r.randrange(9)))
            if r.random() < 0.5
            else msgpack.Timestamp(r.randrange(2**34))
        )
    if pick == 7:
        return raw_value(r)
    if pick == 8:
        return [odd_value(r, depth + 1) for _ in range(r.randrange(5))]
    if pick == 9:
        return {r.choice(("id", "type", "x", "", "document")): odd_value(r, depth + 1) for _ in range(r.randrange(4))}
    if pick == 10:
        return [r.choice(INTS)] * r.choice((21, 501, 5000, 20000))
    return {"type": r.choice(CLIENT_TYPES), "id": "x"}  # a frame in a frame


class Frames:
    """Hostile frames, each from ``rng`` alone: the same seed gives the same frames."""

    def __init__(self, rng: random.Random | int, ctx: Context, *, prefix: str = "fz", types: Sequence[str] = ()):
        self.rng = rng if isinstance(rng, random.Random) else random.Random(rng)  # noqa: S311 (not secrets)
        self.ctx = ctx
        self.prefix = prefix
        self.types = tuple(types) or tuple(COMMAND_TYPES)
        self.n = 0

    def __iter__(self) -> Iterator[Frame]:
        while True:
            yield self.make()

    def make(self, kind: str | None = None) -> Frame:
        r = self.rng
        kind = kind or r.choices(list(KINDS), weights=list(KINDS.values()))[0]
        self.n += 1
        if kind == "field":
            return Frame(kind, pack(self.mutate_field(self.valid())))
        if kind == "extra":
            body = self.valid()
            for _ in range(r.randint(1, 5)):
                body[r.choice(("extra", "Type", "ID", "", "x" * 1000, "🙂", "id ", "_"))] = odd_value(r)
            return Frame(kind, pack(body))
        if kind == "bytes":
            return Frame(kind, self.mutate_bytes(pack(self.valid())))
        if kind == "msgpack":
            return Frame(kind, pack(odd_value(r) if r.random() < 0.5 else self.random_map()))
        if kind == "random":
            head = bytes([r.choice((*MAGIC, 0x81, 0x82, 0x83))]) if r.random() < 0.5 else b""
            return Frame(kind, head + r.randbytes(r.choice((0, 1, 2, 3, 8, 64, 500))))
        if kind == "type":
            body = self.valid()
            body["type"] = r.choice(ODD_TYPES) if r.random() < 0.7 else odd_value(r)
            return Frame(kind, pack(body))
        if kind == "join":
            return Frame(kind, pack(self.valid("join")))
        if kind == "handshake":
            return self.handshake()
        if kind == "text":
            bad = r.random() < 0.3
            data = r.randbytes(r.randint(1, 40)) + b"\xff" if bad else json.dumps(self.valid(), default=repr).encode()
            return Frame(kind, data, text=True)
        if kind == "oversize":
            over = LIMITS.hard_max_frame if r.random() < 0.1 else LIMITS.max_frame
            return Frame(kind, pack({**self.valid(), "pad": r.randbytes(over + r.randint(1, 100))}))
        raise ValueError(f"no frames of kind {kind!r}")

    # -- valid frames ----------------------------------------------------------------------------

    def ident(self, pool: str, size: int = 6) -> str:
        return f"{pool}{self.rng.randrange(size)}"

    def stroke(self) -> dict[str, Any]:
        r = self.rng
        doc, pages = r.choice(self.ctx.documents)
        points = [(r.randint(0, 10000), r.randint(0, 14142), r.randint(0, 255)) for _ in range(r.randint(1, 30))]
        return {"id": self.ident("s"), "document": doc, "page": r.randint(1, pages), "tool": r.choice(("pen", "highlighter")),
                "color": r.randrange(1 << 24), "width": r.randint(1, 2000), "points": encode_points(points)}  # fmt: skip

    def valid(self, kind: str | None = None) -> dict[str, Any]:
        """A valid frame of ``kind`` (a random command by default), naming what the meeting has."""
        r, c = self.rng, self.ctx
        kind = kind or r.choice(self.types)
        doc, pages = r.choice(c.documents)
        page, item, member, vote = r.randint(1, pages), r.choice(c.items), r.choice(c.members), r.choice(c.votes)
        text = r.choice(WORDS)
        base = r.choice((0, 0, 1, 2, 3, r.randrange(10)))
        body: dict[str, Any] = {}
        if kind == "join":
            body = {"token": c.token, "since": r.choice(SINCE[:10]), "ink_since": r.choice(SINCE[:6])}
        elif kind in ("set_agenda_item",):
            body = {"item": item}
        elif kind in ("show_page", "clear_page"):
            body = {"document": doc, "page": page}
        elif kind == "rename_document":
            body = {"document": doc, "title": text}
        elif kind == "move_document":
            body = {"document": doc, "item": item, "index": r.randrange(5)}
        elif kind == "remove_document":
            body = {"document": doc}
        elif kind == "record_attendance":
            body = {"member": member, "status": r.choice(list(Presence)).value}
            body.update({k: r.randrange(2**41) for k in ("arrived_at", "departed_at") if r.random() < 0.3})
            body.update({"reason": text} if r.random() < 0.3 else {})
        elif kind == "set_substitute":
            body = {"member": member, "name": r.choice(("", text)), "position": text}
        elif kind == "add_guest":
            body = {"guest": f"g{self.prefix}{self.n}", "name": text, "position": text}
        elif kind == "set_quorum":
            den = r.randint(1, 4)
            body = {"count": r.randint(1, 7)} if r.random() < 0.5 else {"num": r.randint(1, den), "den": den}
        elif kind in ("declare_conflict", "withdraw_conflict"):
            body = {"item": item, "member": r.choice((None, member))}
            body.update({"hide_documents": r.random() < 0.5} if kind == "declare_conflict" else {})
        elif kind == "open_vote":
            body = {"vote": vote, "item": item, "title": text, "secret": r.random() < 0.3,
                    "rule": r.choice([None, *list(VoteRule)]), "changeable": r.random() < 0.7}  # fmt: skip
            body.update({"options": [f"{text} {i}" for i in range(r.randint(2, 4))]} if r.random() < 0.3 else {})
        elif kind == "cast_ballot":
            body = {"vote": vote, "choice": r.randrange(3)}
            # An old tablet's receipt: checked, then ignored (a change is always the sender's own).
            body.update({"receipt": r.randbytes(16)} if r.random() < 0.2 else {})
        elif kind == "close_vote":
            body = {"vote": vote}
        elif kind == "break_tie":
            body = {"vote": vote, "choice": r.randrange(3)}
        elif kind in ("draw", "present_stroke"):
            body = {"stroke": self.stroke()}
        elif kind == "erase":
            body = {"strokes": [self.ident("s") for _ in range(r.randint(1, 3))]}
        elif kind == "set_note":
            body = {"note": {"id": self.ident("n"), "document": doc, "page": page, "x": r.randint(0, 10000),
                             "y": r.randint(0, 65535), "text": text}}  # fmt: skip
        elif kind == "remove_note":
            body = {"note": self.ident("n")}
        elif kind == "clear_presented":
            body = r.choice(({}, {"document": doc}, {"document": doc, "page": page}))
        elif kind == "point":
            body = {"document": doc, "page": page, "x": r.randint(0, 10000), "y": r.randint(0, 65535)}
            body = body if r.random() < 0.8 else {}
        elif kind == "edit_minutes":
            body = {"item": item, "field": r.choice(list(MinutesField)).value, "text": text, "base": base}
        elif kind == "set_action":
            action = {"id": self.ident("a"), "who": text, "what": text, "due": r.choice(("", "2024-03-29"))}
            body = {"item": item, "action": action, "base": base}
        elif kind == "remove_action":
            body = {"item": item, "action": self.ident("a"), "base": base}
        elif kind in ("adopt_minutes", "certify_minutes"):
            body = {"corrections": text} if r.random() < 0.5 else {}
        elif kind == "add_agenda_item":
            body = {"item": f"n{self.prefix}{self.n}", "title": text, "parent": r.choice((None, item)),
                    "chair_consent": r.random() < 0.5}  # fmt: skip
        elif kind == "rename_agenda_item":
            body = {"item": item, "title": text}
        elif kind == "move_agenda_item":
            body = {"item": item, "parent": r.choice((None, r.choice(c.items))), "index": r.randrange(5)}
        elif kind == "remove_agenda_item":
            body = {"item": item}
        elif kind == "set_agenda_item_kind":
            body = {"item": item, "kind": r.choice(("item", "previous_minutes", "carried"))}
        elif kind == "change_meeting_details":
            body = {"time": f"{r.randrange(24):02d}:{r.randrange(60):02d}", "place": text}
        elif kind == "postpone_meeting":
            body = {"date": f"2024-0{r.randrange(1, 10)}-1{r.randrange(10)}", "time": "13:30", "reason": text}
        elif kind == "cancel_meeting":
            body = {"reason": text}
        elif kind in ("add_member", "update_member"):
            # Fresh ids only: a fuzzer that renamed or demoted the meeting's own members would
            # change who may send what under the tests that drive it.
            title = r.choice(("กรรมการ", "ผู้เข้าร่วมประชุม", "member", text))
            body = {"member": f"p{self.prefix}{self.n}", "name": text, "position": text, "title": title}
        elif kind == "remove_member":
            body = {"member": f"p{self.prefix}{r.randrange(max(self.n, 1))}"}
        elif kind not in COMMAND_TYPES:
            raise ValueError(f"no client type {kind!r}")
        head: dict[str, Any] = {"type": kind} if kind == "join" else {"type": kind, "id": f"{self.prefix}{self.n}"}
        return {**head, **body}

    # -- mutations -------------------------------------------------------------------------------

    def mutate_field(self, body: dict[str, Any]) -> dict[str, Any]:
        """``body`` with one field (maybe inside a stroke, a note or an action) made wrong."""
        r = self.rng
        paths = [(k, "") for k in body if k != "type"]
        paths += [(k, sub) for k, v in body.items() if isinstance(v, dict) for sub in v]
        top, sub = r.choice(paths or [("id", "")])
        target = body[top] if sub else body
        key = sub or top
        old = target.get(key)
        how = r.choice(("wrong", "wrong", "missing", "huge", "bin", "deep", "unicode", "long", "negative", "null"))
        if how == "missing":
            target.pop(key, None)
        elif how == "wrong":
            target[key] = odd_value(r)
        elif how == "huge":
            target[key] = r.choice((r.choice(INTS), r.choice(FLOATS), "x" * r.choice(TEXT_SIZES), r.randbytes(36001)))
        elif how == "bin":
            target[key] = (
                old.encode() if isinstance(old, str) else old.decode("latin-1") if isinstance(old, bytes) else b"x"
            )
        elif how == "deep":
            value: Any = old
            for level in range(r.choice((2, 10, 100, 400))):
                value = [value] if level % 2 else {"x": value}
            target[key] = value if r.random() < 0.5 else raw_value(r)
        elif how == "unicode":
            target[key] = (
                r.choice(ODD_TEXT) if not isinstance(old, str) or r.random() < 0.5 else old + r.choice(ODD_TEXT)
            )
        elif how == "long":
            target[key] = [old] * r.choice((2, 21, 501, 4001, 20000))
        elif how == "negative":
            target[key] = -abs(old) - r.choice((1, 2**31, 2**62)) if isinstance(old, int) else -1
        else:
            target[key] = None
        return body

    def mutate_bytes(self, data: bytes) -> bytes:
        r = self.rng
        b = bytearray(data)
        for _ in range(r.choice((1, 1, 1, 2, 3, 10))):
            op, i = r.randrange(10), r.randrange(len(b) + 1)
            j = min(i, len(b) - 1)
            if op == 0 and b:
                b[j] ^= 1 << r.randrange(8)
            elif op == 1 and b:
                b[j] = r.choice(MAGIC)
            elif op == 2:
                del b[i : i + r.randint(1, 8)]
            elif op == 3:
                b[i:i] = r.randbytes(r.randint(1, 8))
            elif op == 4:
                del b[i:]
            elif op == 5:
                k = r.randrange(len(b) + 1)
                b[i:i] = b[k : k + r.randint(1, 16)]
            elif op == 6:
                other = pack(self.valid())
                b = b[:i] + other[r.randrange(len(other) + 1) :]
            elif op == 7:
                b += r.randbytes(r.randint(1, 4)) if r.random() < 0.5 else pack(odd_value(r, 3))
            elif op == 8:
                b[i : i + 4] = b"\xff\xff\xff\xff"
            else:  # the same key twice: the decoder keeps the last
                body = self.valid()
                items = [*body.items(), (r.choice(("type", "id", *body)), odd_value(r, 3))]
                r.shuffle(items)
                b = bytearray(b"\xdf" + len(items).to_bytes(4, "big") + b"".join(pack(k) + pack(v) for k, v in items))
        return bytes(b)

    def random_map(self) -> dict[Any, Any]:
        r = self.rng
        body: dict[Any, Any] = {r.choice(("type", "id", "token", "since", "document", "page", "x", 1, b"type")): odd_value(r)
                                for _ in range(r.randrange(6))}  # fmt: skip
        if r.random() < 0.7:
            body["type"] = r.choice(CLIENT_TYPES)
        return body

    def handshake(self) -> Frame:
        """A frame for a connection that has not joined: a join with odd resume numbers, a bad
        token, a command, or a mutant of a join."""
        r = self.rng
        body = self.valid("join")
        how = r.choice(("since", "since", "token", "early", "bytes"))
        if how == "since":
            for key in ("since", "ink_since"):
                body[key] = r.choice(SINCE) if r.random() < 0.8 else r.randint(-(2**40), 2**40)
                if r.random() < 0.2:
                    del body[key]
        elif how == "token":
            t = self.ctx.token
            i = r.randrange(len(t) + 1)
            body["token"] = r.choice((t[:i], t[:i] + "A" + t[i + 1 :], t + "x", "v2" + t[2:], "", "t" * 513, t.upper(),
                                      t.encode(), None, 0, "..", "v1..x", "v1.x.y"))  # fmt: skip
        elif how == "early":
            body = self.valid()
        data = self.mutate_bytes(pack(body)) if how == "bytes" else pack(body)
        return Frame(f"handshake-{how}", data, handshake=True)
