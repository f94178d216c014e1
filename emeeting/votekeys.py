"""The key of each open secret vote, kept outside the database, and what it seals.

A secret vote's choices are stored in the database only sealed with a random 32-byte key made
when the vote opens (``VoteKey``). The key lives in a file of its own, ``DATA/vote-keys/``,
mode 0600, written and synced before the vote's opening is committed, and read back when the
server restarts during the vote. Once the result is committed the file is destroyed: from then
on nothing in any copy of the database (its WAL and free pages included) can be read as a
choice, and nothing links a voter to one (crypto-shredding; docs/security.md).

Sealing is HMAC-SHA256 used as a pseudo-random function with a fresh random nonce per write,
then authenticated (encrypt-then-MAC): each write of the same choice looks different, and a
key that does not match its rows is caught on reading. Each member's slot is
``HMAC(K, member)``: only the server holding the key knows which row is whose, and a member can
change only their own row (no receipt exists to lend or steal).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

KEY_BYTES = 32
SLOT_BYTES = 16
NONCE_BYTES = 16
TAG_BYTES = 16
SEALED_BYTES = NONCE_BYTES + 1 + TAG_BYTES
FOLDER = "vote-keys"


class VoteKeyError(RuntimeError):
    """A secret vote's key is missing or does not open its ballots: its choices cannot be read."""


def folder_of(database: Path) -> Path:
    """Where the vote keys of the database at ``database`` are kept: beside it, never inside."""
    return database.parent / FOLDER


def _mac(key: bytes, *parts: bytes) -> bytes:
    return hmac.new(key, b"\x00".join(parts), hashlib.sha256).digest()


@dataclass(frozen=True, slots=True)
class VoteKey:
    meeting: str
    vote: str
    key: bytes = field(repr=False)  # never in a log line

    @classmethod
    def new(cls, meeting: str, vote: str) -> VoteKey:
        return cls(meeting, vote, secrets.token_bytes(KEY_BYTES))

    def slot(self, member: str) -> bytes:
        """The row of ``member``'s ballot: the same for every device of theirs, unknown without the key."""
        return _mac(self.key, b"slot", member.encode())[:SLOT_BYTES]

    def seal(self, slot: bytes, value: int) -> bytes:
        """``value`` (0: no ballot; an option's index + 1 otherwise), sealed afresh: always 33 bytes."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        body = nonce + bytes([value ^ _mac(self.key, b"pad", slot, nonce)[0]])
        return body + _mac(self.key, b"tag", slot, body)[:TAG_BYTES]

    def open(self, slot: bytes, sealed: bytes) -> int:
        body, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
        if len(sealed) != SEALED_BYTES or not hmac.compare_digest(tag, _mac(self.key, b"tag", slot, body)[:TAG_BYTES]):
            raise VoteKeyError(f"meeting {self.meeting}, vote {self.vote}: a ballot does not open with the vote's key")
        return body[-1] ^ _mac(self.key, b"pad", slot, body[:NONCE_BYTES])[0]


def _path(folder: Path, meeting: str, vote: str) -> Path:
    # Ids are free text: the file is named by their hash, and the ids are inside.
    name = hashlib.sha256(f"{meeting}\x00{vote}".encode()).hexdigest()[:32]
    return folder / f"{name}.key"


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write(folder: Path, key: VoteKey) -> None:
    """Keep ``key`` durably (file and folder synced) before the vote's opening is committed."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)  # whatever the umask, or a folder made by hand
    path = _path(folder, key.meeting, key.vote)
    data = json.dumps({"meeting": key.meeting, "vote": key.vote, "key": key.key.hex()}).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    _sync_folder(folder)


def read(folder: Path, meeting: str, vote: str) -> VoteKey:
    path = _path(folder, meeting, vote)
    try:
        found = json.loads(path.read_bytes())
        key = VoteKey(found["meeting"], found["vote"], bytes.fromhex(found["key"]))
    except FileNotFoundError:
        raise VoteKeyError(
            f"meeting {meeting}: the key of the open secret vote {vote!r} is missing ({path}); its ballots "
            "cannot be counted. Restore that file (it is made when the vote opens) and restart."
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VoteKeyError(
            f"meeting {meeting}: the key file of the secret vote {vote!r} ({path}) is unreadable: {exc}"
        ) from exc
    if (key.meeting, key.vote) != (meeting, vote) or len(key.key) != KEY_BYTES:
        raise VoteKeyError(f"meeting {meeting}: {path} is not the key of the secret vote {vote!r}")
    return key


def destroy(folder: Path, meeting: str, vote: str) -> bool:
    """Overwrite, remove and sync away a vote's key; False when there was none."""
    path = _path(folder, meeting, vote)
    try:
        fd = os.open(path, os.O_WRONLY)
    except FileNotFoundError:
        return False
    try:
        os.write(fd, bytes(max(os.fstat(fd).st_size, 1)))
        os.fsync(fd)
    finally:
        os.close(fd)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    _sync_folder(folder)
    return True


def kept(folder: Path) -> Iterator[tuple[str, str]]:
    """(meeting, vote) of every key file in ``folder``; an unreadable file is named by its path."""
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.key")):
        try:
            found = json.loads(path.read_bytes())
            yield str(found["meeting"]), str(found["vote"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
