"""Only storage adapters write SQL, and only typed writes leave storage (emeeting/storage/__init__.py,
issue 18 item 4).

Every string literal in ``emeeting/`` outside ``emeeting/storage/`` is searched for SQL; what is
found is listed, file and line. Nothing outside storage may see a statement: no import of
``storage/sql.py``, no call of the SQLite adapter's raw hooks, no import of the adapter itself
but in the composition roots; the interfaces take and return typed values; every write type has
its SQLite statements; and the store refuses a raw ``(sql, params)`` pair.
"""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import importlib
import inspect
import re
import sys
from pathlib import Path

import pytest

from emeeting.ballots import Ballots
from emeeting.storage import sql
from emeeting.storage.ballots import CHANGE, ROLL, BallotsRolled, ChoicesChanged
from emeeting.storage.eventlog import EventRow
from emeeting.storage.store import Store
from emeeting.storage.writes import Write, WriteJob
from rooms.ballot_box import Ballot

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "emeeting"
STORAGE = PACKAGE / "storage"
SQL = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+(?:OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b"
    r"|\bCREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX|TRIGGER|VIEW)\b"
)
# The only modules that name the SQLite adapter: they open it and hand it on as an interface.
COMPOSITION_ROOTS = {"emeeting/app.py", "emeeting/cli.py", "emeeting/admin_cli.py", "emeeting/minutes/export.py"}


def literals(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    parts = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in parts:
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):  # an f-string: its literal parts, joined
            text = "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values)
            found.append((node.lineno, text))
    return sorted(found)


def outside_storage() -> list[tuple[str, ast.AST]]:
    return [
        (str(path.relative_to(ROOT)), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(PACKAGE.rglob("*.py"))
        if not path.is_relative_to(STORAGE)
    ]


def sql_outside_storage() -> list[str]:
    left = []
    for name, tree in outside_storage():
        for line, text in literals(tree):
            if SQL.search(text):
                left.append(f"{name}:{line}: {' '.join(text.split())[:80]}")
    return left


def statements_outside_storage() -> list[str]:
    """Where code outside storage could see or pass a statement instead of a typed write."""
    left = []
    for name, tree in outside_storage():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module is not None:
                names = {alias.name for alias in node.names}
                if node.module == "emeeting.storage.sql" or (node.module == "emeeting.storage" and "sql" in names):
                    left.append(f"{name}:{node.lineno}: imports storage/sql.py")
                if (node.module == "emeeting.storage.store" or "store" in names) and name not in COMPOSITION_ROOTS:
                    left.append(f"{name}:{node.lineno}: imports the SQLite adapter, not an interface")
            elif (
                isinstance(node, ast.Attribute)
                and node.attr in {"fetchall", "execute"}
                and "store" in ast.unparse(node.value).lower()
            ):
                left.append(f"{name}:{node.lineno}: {ast.unparse(node)} (the SQLite adapter's raw hook)")
    return left


def test_the_search_finds_sql() -> None:
    tree = ast.parse('Q = "SELECT a FROM b"\nW = f"UPDATE t SET x = {1}"\nD = "the vote was updated"\n')
    assert [text for _, text in literals(tree) if SQL.search(text)] == ["SELECT a FROM b", "UPDATE t SET x = {}"]


def test_only_storage_adapters_write_sql() -> None:
    left = sql_outside_storage()
    assert not left, "SQL outside emeeting/storage/:\n" + "\n".join(left)


def test_only_typed_writes_leave_storage() -> None:
    left = statements_outside_storage()
    assert not left, "statements or the SQLite adapter outside emeeting/storage/:\n" + "\n".join(left)


def test_the_search_finds_a_statement_passed_in() -> None:
    tree = ast.parse("from emeeting.storage.sql import Statement\nawait hub.store.execute(q)\nroom.execute(a, c)\n")
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "emeeting.storage.sql":
            found.append("import")
        elif isinstance(node, ast.Attribute) and node.attr == "execute" and "store" in ast.unparse(node.value):
            found.append(ast.unparse(node))
    assert found == ["import", "hub.store.execute"]


def every_write() -> list[type[Write]]:
    found: list[type[Write]] = []
    todo = list(Write.__subclasses__())
    while todo:
        kind = todo.pop()
        # dataclass(slots=True) makes a new class: the one it replaced may linger until collected.
        if getattr(sys.modules[kind.__module__], kind.__name__, None) is kind:
            found.append(kind)
        todo += kind.__subclasses__()
    return found


def test_every_write_is_a_frozen_dataclass_with_sqlite_statements() -> None:
    kinds = every_write()  # the store's module imported every concern's
    assert len(kinds) >= 19
    for kind in kinds:
        assert dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen, kind
        assert kind in sql.REGISTRY, f"{kind.__name__} has no SQLite statements"
    assert set(sql.REGISTRY) == set(kinds)


def test_the_interfaces_take_and_return_typed_values() -> None:
    protocols = []
    for path in sorted(STORAGE.glob("*.py")):
        module = importlib.import_module(f"emeeting.storage.{path.stem}")
        for cls in vars(module).values():
            if inspect.isclass(cls) and cls.__module__ == module.__name__ and getattr(cls, "_is_protocol", False):
                protocols.append(cls)
    assert {"EventLog", "Storage", "BallotRows", "InkLog", "Records", "Invitations"} <= {p.__name__ for p in protocols}
    for protocol in protocols:
        if protocol is sql.Reader:
            continue  # the adapters' own read hook, inside storage
        for member in vars(protocol).values():
            function = member.fget if isinstance(member, property) else member
            if callable(function):
                hints = " ".join(str(a) for a in inspect.get_annotations(function).values())
                assert "Statement" not in hints and "sql" not in hints.lower(), (protocol.__name__, function)


async def test_the_store_refuses_a_raw_statement_and_writes_nothing(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "log.sqlite3")
    try:
        raw = ("INSERT INTO meetings (id, title, created_at) VALUES ('m', 't', 0)", ())
        with pytest.raises(TypeError, match="never SQL"):
            await store.write(raw)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="never SQL"):
            store.submit(WriteJob(writes=[BallotsRolled("m", "v", (("a", 0),)), raw]))  # type: ignore[list-item]
        assert await store.meetings() == []
    finally:
        await store.close()


async def test_a_burst_of_ballots_is_one_executemany_per_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = await Store.open(tmp_path / "log.sqlite3")
    calls: list[tuple[str, int]] = []
    try:
        await store.create_meeting("m", "t", EventRow(1, "page_shown", 1, None, 0, b"\x80", b""), [])
        executemany = store._writer.executemany

        async def counting(text: str, rows: list[tuple[object, ...]]) -> object:
            calls.append((" ".join(text.split()[:3]), len(rows)))
            return await executemany(text, rows)

        monkeypatch.setattr(store._writer, "executemany", counting)
        members = [f"member{i}" for i in range(1000)]
        writes = [
            BallotsRolled("m", "v", tuple((m, 0) for m in members)),
            ChoicesChanged("m", "v", tuple((m, 1) for m in members)),
        ]
        await asyncio.wait_for(store.submit(WriteJob(writes=writes)), 30)
        assert calls == [("INSERT INTO ballots", 1000), ("UPDATE ballots SET", 1000)]
        # A member's first ballot ran before its change: every choice is the changed one.
        assert {row.choice for row in await store.ballots.named("m", "v")} == {1}
    finally:
        await store.close()


def test_a_group_of_ballots_is_one_write_per_kind_first_ballots_before_changes(tmp_path: Path) -> None:
    rows = [
        Ballot("v", "a", 0, secret=False, first=True),
        Ballot("v", "a", 1, secret=False, first=False),
        Ballot("v", "b", 2, secret=False, first=True),
        Ballot("v", "c", 1, secret=False, first=False),
    ]
    writes = Ballots("m", tmp_path).writes(rows)
    assert writes.stored == (
        BallotsRolled("m", "v", (("a", 0), ("b", 2))),
        ChoicesChanged("m", "v", (("a", 1), ("c", 1))),
    )
    assert [text for text, _ in sql.statements(writes.stored)] == [ROLL, ROLL, CHANGE, CHANGE]
