"""The door's own refusal, said by each way in: as an HTTP error (emeeting/http/admission.py)
and as the WebSocket's error frame (emeeting/ws.py). End to end, tests/test_door.py,
test_role_matrix.py and test_web.py check the same codes through a running server."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from emeeting import ws
from emeeting.auth import DoorCode, Refused
from emeeting.http.admission import refused
from emeeting.protocol import ErrorCode, ProtocolError

HTTP_STATUS = {
    DoorCode.INVALID_TOKEN: 401,
    DoorCode.TOKEN_REVOKED: 403,
    DoorCode.TOKEN_EXPIRED: 403,
    DoorCode.RATE_LIMITED: 429,
    DoorCode.LINK_USED: 409,  # the link was traded on another device
    DoorCode.INVITATION_LINK: 401,  # a link where a device's session is needed
    DoorCode.SESSION_ENDED: 403,  # the device was signed out
}


@pytest.mark.parametrize("code", list(DoorCode))
def test_a_refusal_at_the_door_is_an_http_error_with_its_code_and_words(code: DoorCode) -> None:
    retry = 7 if code is DoorCode.RATE_LIMITED else None
    error = refused(Refused(code, "the door's words", retry_after=retry))
    assert (error.status, error.code, error.message, error.retry_after) == (
        HTTP_STATUS[code],
        code.value,
        "the door's words",
        retry,
    )


@pytest.mark.parametrize("code", list(DoorCode))
async def test_a_refusal_at_the_door_is_the_join_frames_error(code: DoorCode) -> None:
    retry = 7 if code is DoorCode.RATE_LIMITED else None

    async def join(token: object, address: str) -> Any:
        raise Refused(code, "the door's words", retry_after=retry)

    services: Any = SimpleNamespace(door=SimpleNamespace(join=join))
    with pytest.raises(ProtocolError) as caught:
        await ws._through_the_door(services, "v1.x.y", "10.0.0.1")
    exc = caught.value
    assert exc.code is ErrorCode(code.value)
    assert (exc.message, exc.retry_after) == ("the door's words", retry)
    assert exc.field == (None if code is DoorCode.RATE_LIMITED else "token")  # as the door said it before


def test_every_door_code_is_a_code_of_the_wire_protocol() -> None:
    assert {c.value for c in DoorCode} <= {c.value for c in ErrorCode}
