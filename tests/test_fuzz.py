"""Hostile frames over a real socket: one reply each, the server stays up, nothing bad is written.

The frames come from bench/fuzz_frames.py, the rule from bench/fuzz_check.py and fuzz_session.py (the
benchmark ``emeeting bench fuzz`` runs the same for 100,000 frames). tests/test_bad_input.py
has one example of each bad frame; tests/test_protocol.py the parser's properties without a
socket; here: Hypothesis drives the generator through a live server, a fixed-seed run checks
the whole rule, and atheris (when installed) searches the sans-I/O path with coverage.
"""

from __future__ import annotations

import importlib.util
import itertools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench import fuzz, fuzz_check, fuzz_session
from bench.fuzz_frames import KINDS, Context, Frame, Frames, Raw, pack
from emeeting import protocol
from emeeting.protocol import CLIENT_TYPES, CommandFrame, Join, ProtocolError
from rooms.commands import COMMAND_TYPES
from tests.fuzzing import LiveFuzz, ServerLog, fuzz_settings
from tests.support import serving

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
RANDOMS = st.randoms(use_true_random=False)
CONTEXT = Context("v1.x.y", ("chair", "deputy"), ("plan", "q1"), (("q1-report", 8),))
_prefixes = itertools.count()

# Any msgpack value, leaning to the edges (msgpack carries integers in -2**63 .. 2**64 - 1).
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**53, 2**63 - 1, 2**64 - 1])
    | st.floats()
    | st.text(st.characters(exclude_categories=["Cs"]), max_size=70)
    | st.binary(max_size=40)
    | st.integers(1, 1500).map(lambda depth: Raw(b"\x91" * depth + b"\xc0"))
    | st.sampled_from([Raw(b"\xa2\xff\xfe"), Raw(b"\xc1"), Raw(b"\xdd\xff\xff\xff\xff")])
)
VALUES = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4), max_leaves=8)  # fmt: skip
ABSENT = object()
RESUME = (
    st.just(ABSENT)
    | st.none()
    | st.integers(0, 40)
    | st.integers(-(2**63), 2**64 - 1)
    | st.sampled_from([2**31 - 1, 2**31, 2000, 2001, 10**6])
    | st.floats()
    | st.booleans()
    | st.text(max_size=3)
)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveFuzz]:
    fuzzing = LiveFuzz(tmp_path)
    try:
        yield fuzzing
    finally:
        fuzzing.close()


def frames_of(rng: Any, member: str = "chair") -> Frames:
    return Frames(rng, CONTEXT, prefix=f"h{next(_prefixes)}-")


# -- the generator, without a server ---------------------------------------------------------


def test_the_same_seed_gives_the_same_frames_and_every_kind_comes() -> None:
    first, again = Frames(7, CONTEXT), Frames(7, CONTEXT)
    made = [first.make() for _ in range(3000)]
    assert made == [again.make() for _ in range(3000)]
    assert {f.kind.split("-")[0] for f in made} == set(KINDS)
    assert made != [Frames(8, CONTEXT).make() for _ in range(3000)]
    for frame in made:  # the prediction of the reply never fails, whatever the frame
        assert fuzz_check.predict(frame, True, frozenset()).reply in ("error", "command", "close")


@pytest.mark.parametrize("kind", CLIENT_TYPES)
def test_the_valid_frames_of_every_client_type_are_valid(kind: str) -> None:
    frames = Frames(3, CONTEXT)
    for _ in range(20):
        parsed = protocol.parse_client_frame(protocol.decode(pack(frames.valid(kind)), 1 << 20))
        assert isinstance(parsed, Join) if kind == "join" else kind == parsed.command.TYPE  # type: ignore[union-attr]


# -- Hypothesis through a live server ---------------------------------------------------------


def test_hostile_frames_get_one_reply_each_and_write_nothing(live: LiveFuzz) -> None:
    @FUZZ
    @given(st.sampled_from(["deputy", "chair"]), st.sampled_from(sorted(KINDS)), RANDOMS)
    def one(member: str, kind: str, rng: Any) -> None:
        assert live.send(member, frames_of(rng).make(kind)) == []

    one()
    assert live.finish() == []


def test_any_value_in_any_field_of_any_command(live: LiveFuzz) -> None:
    @FUZZ
    @given(
        st.sampled_from(["deputy", "chair"]), st.sampled_from(sorted(COMMAND_TYPES)), RANDOMS, st.integers(0, 9), VALUES
    )
    def one(member: str, kind: str, rng: Any, where: int, value: Any) -> None:
        body = frames_of(rng).valid(kind)
        keys = [k for k in body if k != "type"]
        nested = [(k, s) for k in keys if isinstance(body[k], dict) for s in body[k]]
        if where % 2 and nested:
            top, sub = nested[where % len(nested)]
            body[top][sub] = value
        else:
            body[keys[where % len(keys)]] = value
        assert live.send(member, Frame("hypothesis", pack(body))) == []

    one()
    assert live.finish() == []


def test_odd_resume_numbers_in_a_join(live: LiveFuzz) -> None:
    token = live.session.tokens["deputy"]

    @FUZZ
    @given(RESUME, RESUME)
    def one(since: Any, ink_since: Any) -> None:
        body = {"type": "join", "token": token}
        body.update({k: v for k, v in (("since", since), ("ink_since", ink_since)) if v is not ABSENT})
        assert live.send("deputy", Frame("resume", pack(body), handshake=True)) == []

    one()
    assert live.finish() == []
    assert live.session.stats.welcomes > 0 and live.session.stats.errors > 0  # both outcomes came


# -- a fixed-seed run of the generator, the whole rule -----------------------------------------


async def test_two_thousand_frames_keep_the_rule(tmp_path: Path) -> None:
    with ServerLog() as log:
        async with serving(fuzz_settings(tmp_path)) as server:
            report = await fuzz_session.run(
                server.url,
                server.meeting,
                server.tokens,
                server.settings.database,
                2000,
                20240115,
                server_errors=log.errors,
            )
    stats = report.stats
    assert stats.problems == []
    assert report.written_by_bad == 0
    assert stats.frames == 2000 and stats.errors > 1500
    assert stats.acked > 0 and stats.closed > 0 and stats.welcomes > 0  # every outcome came


def test_a_frame_that_parses_gets_the_reply_it_predicts() -> None:
    """The oracle itself: a command is an ack or a refusal; a bad field, the parser's error."""
    good = Frame("x", pack({"type": "show_page", "id": "c1", "document": "d", "page": 1}))
    assert fuzz_check.predict(good, True, frozenset()) == fuzz_check.Expect("command", None, "c1", command="show_page")
    bad = Frame("x", pack({"type": "show_page", "id": "c2", "document": "d", "page": 0}))
    assert fuzz_check.predict(bad, True, frozenset()) == fuzz_check.Expect("error", "invalid_field", "c2", "page")
    assert fuzz_check.predict(Frame("x", b"\xff", text=True), True, frozenset()).code == 1007
    join = Frame("x", pack({"type": "join", "token": "t"}))
    assert fuzz_check.predict(join, True, frozenset({"t"})).code == "already_joined"
    assert fuzz_check.predict(join, False, frozenset({"t"})).reply == "welcome"
    with pytest.raises(ProtocolError):
        protocol.decode(msgpack.packb([1]), 100)
    assert isinstance(protocol.parse_client_frame(protocol.decode(good.data, 100)), CommandFrame)


# -- the benchmark's entry point, and atheris ---------------------------------------------------


def test_the_benchmark_returns_its_row() -> None:
    (row,) = fuzz.main(frames=600, seed=5)
    assert row["scenario"] == "fuzz" and row["frames"] == 600 and row["written_by_bad"] == 0
    for key in ("errors", "acked", "closed", "frames_per_s", "rss_mib", "rss_start_mib"):
        assert row[key] > 0, key


@pytest.mark.skipif(
    importlib.util.find_spec("atheris") is None, reason="atheris is not installed (pip install atheris)"
)
def test_atheris_finds_no_crash_in_the_sans_io_path(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    harness = [sys.executable, "-m", "tests.fuzz_atheris"]
    subprocess.run([*harness, "--seeds", str(corpus)], check=True, capture_output=True, timeout=60)
    runs = 20_000
    done = subprocess.run(
        [*harness, f"-runs={runs}", "-seed=1", "-max_len=4096", f"-artifact_prefix={tmp_path}/", str(corpus)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"Done {runs} runs" in done.stderr
