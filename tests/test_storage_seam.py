"""Only storage adapters write SQL (emeeting/storage/__init__.py, issue 18 item 4).

Every string literal in ``emeeting/`` outside ``emeeting/storage/`` is searched for SQL; what is
found is listed, file and line.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "emeeting"
STORAGE = PACKAGE / "storage"
SQL = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+(?:OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b"
    r"|\bCREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX|TRIGGER|VIEW)\b"
)


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


def sql_outside_storage() -> list[str]:
    left = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.is_relative_to(STORAGE):
            continue
        for line, text in literals(ast.parse(path.read_text(encoding="utf-8"))):
            if SQL.search(text):
                left.append(f"{path.relative_to(ROOT)}:{line}: {' '.join(text.split())[:80]}")
    return left


def test_the_search_finds_sql() -> None:
    tree = ast.parse('Q = "SELECT a FROM b"\nW = f"UPDATE t SET x = {1}"\nD = "the vote was updated"\n')
    assert [text for _, text in literals(tree) if SQL.search(text)] == ["SELECT a FROM b", "UPDATE t SET x = {}"]


def test_only_storage_adapters_write_sql() -> None:
    left = sql_outside_storage()
    assert not left, "SQL outside emeeting/storage/:\n" + "\n".join(left)
