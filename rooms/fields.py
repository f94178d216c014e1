"""Typed reads from the plain maps that arrive from the wire or the log.

Every value is checked before it is used; a bad one raises :class:`FieldError`
naming the field, so the sender learns exactly what was wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

E = TypeVar("E", bound=StrEnum)

MAX_TEXT = 500
MAX_ID = 64
MAX_INT = 2**31 - 1


class FieldError(ValueError):
    """A field is missing, of the wrong type or out of range."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def text(body: Mapping[str, Any], name: str, *, max_len: int = MAX_TEXT, empty: bool = False) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise FieldError(name, "must be a string" if name in body else "is required")
    if not value and not empty:
        raise FieldError(name, "must not be empty")
    if len(value) > max_len:
        raise FieldError(name, f"must be at most {max_len} characters")
    return value


def ident(body: Mapping[str, Any], name: str) -> str:
    return text(body, name, max_len=MAX_ID)


def optional_ident(body: Mapping[str, Any], name: str) -> str | None:
    if body.get(name) is None:
        return None
    return ident(body, name)


def integer(body: Mapping[str, Any], name: str, *, minimum: int = 0, maximum: int = MAX_INT) -> int:
    value = body.get(name)
    # bool is an int in Python; on the wire it is not a number.
    if not isinstance(value, int) or isinstance(value, bool):
        raise FieldError(name, "must be an integer" if name in body else "is required")
    if not minimum <= value <= maximum:
        raise FieldError(name, f"must be between {minimum} and {maximum}")
    return value


def boolean(body: Mapping[str, Any], name: str) -> bool:
    value = body.get(name)
    if not isinstance(value, bool):
        raise FieldError(name, "must be true or false" if name in body else "is required")
    return value


def mapping(body: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = body.get(name)
    if not isinstance(value, Mapping):
        raise FieldError(name, "must be a map" if name in body else "is required")
    return value


def maps(body: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    value = body.get(name)
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise FieldError(name, "must be a list of maps" if name in body else "is required")
    return value


def choice(body: Mapping[str, Any], name: str, kind: type[E]) -> E:
    value = text(body, name, max_len=MAX_ID)
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(k.value for k in kind)
        raise FieldError(name, f"must be one of {allowed}") from None


def integers(body: Mapping[str, Any], name: str, *, minimum: int = 0, maximum: int = MAX_INT) -> list[int]:
    """A list of integers; absent means empty."""
    value = body.get(name, [])
    if not isinstance(value, list):
        raise FieldError(name, "must be a list of integers")
    return [integer({name: v}, name, minimum=minimum, maximum=maximum) for v in value]


def optional_integer(body: Mapping[str, Any], name: str, *, minimum: int = 0, maximum: int = MAX_INT) -> int | None:
    if body.get(name) is None:
        return None
    return integer(body, name, minimum=minimum, maximum=maximum)


def optional_bytes(body: Mapping[str, Any], name: str, *, size: int) -> bytes | None:
    """msgpack bin of exactly ``size`` bytes, or absent."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, bytes) or len(value) != size:
        raise FieldError(name, f"must be {size} bytes (msgpack bin)")
    return value


def texts(body: Mapping[str, Any], name: str, *, max_items: int, max_len: int = MAX_TEXT) -> list[str]:
    """A list of non-empty strings; absent means empty."""
    value = body.get(name, [])
    if not isinstance(value, list):
        raise FieldError(name, "must be a list of strings")
    if len(value) > max_items:
        raise FieldError(name, f"must have at most {max_items} entries")
    return [text({name: v}, name, max_len=max_len) for v in value]
