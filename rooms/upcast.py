"""Event versions: old logs keep loading as events change.

Every stored event has a type and the version of its shape. An event class whose stored shape
changes raises its ``VERSION`` (1 when it has none) and adds here one upcaster per step, a pure
function from the body at version N to the body at version N + 1. Reading an event back
(:func:`current`) runs the steps from the stored version to the class's own, so the rules, the
devices (on resume) and the exports only ever see the current shape; the log itself is never
rewritten. A body from a newer version than this code knows is refused, never guessed at.

Steps so far:
- ``meeting_created`` 1 -> 2: agenda items carry a kind (issue 17). A log written before kinds
  certified the previous minutes under top-level item 2 and showed carried actions under item 3;
  those items get the kinds, so the log replays to what it meant. (Rows stored between the kinds
  and the versions are marked 1 but already carry kinds: the step leaves them as they are.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rooms import fields
from rooms.model import ItemKind

Body = Mapping[str, Any]
Step = Callable[[Body], dict[str, Any]]


def _items_get_kinds(body: Body) -> dict[str, Any]:
    items = fields.maps(body, "agenda")
    if not items or any("kind" in i for i in items):
        return dict(body)
    counts: dict[str | None, int] = {}
    agenda = []
    for item in items:
        parent = item.get("parent")
        counts[parent] = counts.get(parent, 0) + 1
        kind = ItemKind.ITEM
        if parent is None:
            kind = {2: ItemKind.PREVIOUS_MINUTES, 3: ItemKind.CARRIED}.get(counts[None], ItemKind.ITEM)
        agenda.append({**{k: v for k, v in item.items() if k != "number"}, "kind": kind.value})
    return {**body, "agenda": agenda}


# (type, stored version) -> the step to the next version.
STEPS: dict[tuple[str, int], Step] = {
    ("meeting_created", 1): _items_get_kinds,
}


def version_of(cls: type) -> int:
    """The current version of an event class's stored shape."""
    return int(getattr(cls, "VERSION", 1))


def current(type_: str, version: int, body: Body, latest: int) -> Body:
    """``body``, stored at ``version``, in the shape of version ``latest``; raises FieldError for
    a version this code does not know (a log written by a newer emeeting)."""
    if version > latest or version < 1:
        raise fields.FieldError("version", f"event {type_!r} of version {version}; this emeeting reads up to {latest}")
    while version < latest:
        step = STEPS.get((type_, version))
        body = step(body) if step is not None else body
        version += 1
    return body
