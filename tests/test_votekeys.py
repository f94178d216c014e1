"""The vote keys (emeeting/votekeys.py): kept in files of their own, sealing that never repeats,
a wrong or missing key caught, destroyed for good."""

from __future__ import annotations

from pathlib import Path

import pytest

from emeeting import votekeys
from emeeting.votekeys import SEALED_BYTES, VoteKey, VoteKeyError


def test_a_choice_sealed_twice_never_looks_the_same_and_opens_only_with_its_key() -> None:
    key, other = VoteKey.new("m", "v"), VoteKey.new("m", "v")
    slot = key.slot("deputy")
    assert slot == key.slot("deputy") != key.slot("chair") and slot != other.slot("deputy")
    sealed = {key.seal(slot, 2) for _ in range(100)}
    assert len(sealed) == 100 and {len(s) for s in sealed} == {SEALED_BYTES}
    assert {key.open(slot, s) for s in sealed} == {2}
    with pytest.raises(VoteKeyError):
        other.open(slot, next(iter(sealed)))  # a wrong key is caught, not read as a choice
    with pytest.raises(VoteKeyError):
        key.open(key.slot("chair"), next(iter(sealed)))  # nor can a row be moved to another member


def test_a_key_file_is_private_read_back_and_destroyed(tmp_path: Path) -> None:
    folder = tmp_path / "vote-keys"
    key = VoteKey.new("meeting/with odd.id", "v.1")
    votekeys.write(folder, key)
    (path,) = folder.iterdir()
    assert path.stat().st_mode & 0o777 == 0o600 and folder.stat().st_mode & 0o777 == 0o700
    assert key.key.hex() not in repr(key)  # never in a log line
    assert votekeys.read(folder, "meeting/with odd.id", "v.1") == key
    assert list(votekeys.kept(folder)) == [("meeting/with odd.id", "v.1")]
    assert votekeys.destroy(folder, "meeting/with odd.id", "v.1") is True
    assert list(folder.iterdir()) == [] and votekeys.destroy(folder, "meeting/with odd.id", "v.1") is False
    with pytest.raises(VoteKeyError, match="missing"):
        votekeys.read(folder, "meeting/with odd.id", "v.1")
