"""The organisers' form on the invitation sheet: change the meeting's date, time, place and
title, postpone it, cancel it (commands decided by rooms/schedule.py, as every device's
commands are), or delete a meeting created by mistake (emeeting/deletion.py).

A refusal is a page in Thai and English with its code; nothing is changed then.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from emeeting import deletion
from emeeting.http.admission import permitted
from emeeting.http.errors import ApiError, error_page
from emeeting.http.origin import origin_allowed
from emeeting.http.pages import PAGE_HEADERS, TEMPLATES
from emeeting.live import Accepted
from emeeting.services import Services
from rooms.fields import FieldError
from rooms.permissions import Access
from rooms.refusals import Rejection
from rooms.schedule import CancelMeeting, ChangeMeetingDetails, PostponeMeeting, ScheduleCommand

# The refusals a user of the form can meet, in Thai and English.
WORDS: dict[str, tuple[str, str]] = {
    "meeting_already_open": ("การประชุมเปิดแล้ว เปลี่ยนวัน เวลา สถานที่ เลื่อนหรือยกเลิกไม่ได้", "The meeting is open: it can no longer be changed, postponed or cancelled."),
    "meeting_closed": ("การประชุมปิดแล้ว เป็นบันทึกการประชุม เปลี่ยนไม่ได้", "The meeting is closed: it is the record and does not change."),
    "meeting_cancelled": ("การประชุมนี้ถูกยกเลิกแล้ว", "This meeting has been cancelled."),
    "nothing_changed": ("ไม่มีอะไรเปลี่ยน: ข้อมูลเป็นเช่นนั้นอยู่แล้ว", "Nothing changed: the meeting is already so."),
    "meeting_opened": ("ลบไม่ได้: การประชุมนี้เคยเปิดประชุมแล้ว จึงเป็นบันทึกการประชุม (ยกเลิกได้เฉพาะก่อนเปิดประชุม)", "Not deleted: this meeting was opened, so it is a record. Only a meeting never opened is deleted."),
    "invalid_field": ("ข้อมูลไม่ถูกต้อง: วันที่ ปปปป-ดด-วว เวลา ชช:นน และต้องระบุเหตุผล", "Check the fields: a date YYYY-MM-DD, a time HH:MM, and a reason."),
    "confirm": ("โปรดพิมพ์ชื่อการประชุมให้ตรงเพื่อยืนยันการลบ", "Type the meeting's title exactly to confirm the deletion."),
}  # fmt: skip


def _command(action: str, values: dict[str, str]) -> ScheduleCommand:
    if action == "details":
        return ChangeMeetingDetails.from_wire({k: values[k] for k in ("title", "date", "time", "place") if k in values})
    if action == "postpone":
        return PostponeMeeting.from_wire(values)
    return CancelMeeting.from_wire(values)


def refused(meeting_id: str, code: str, status: int) -> Response:
    thai, english = WORDS.get(code, (code, code))
    page = TEMPLATES.get_template("schedule_refused.html").render(
        thai=thai, english=english, code=code, meeting_id=meeting_id
    )
    return HTMLResponse(page, status_code=status, headers=PAGE_HEADERS)


async def schedule(request: Request) -> Response:
    """POST /m/{meeting}/schedule: ``action`` details | postpone | cancel | delete."""
    services: Services = request.app.state.services
    try:
        if not origin_allowed(request.headers, services.settings.origins):
            raise ApiError(403, "forbidden_origin", "forms are accepted only from this server's own pages")
        room, me = await permitted(request, Access.SCHEDULE_FORM, "change the meeting")
    except ApiError as exc:
        return error_page(exc.code, exc.status)
    values = {k: str(v).strip() for k, v in (await request.form()).items()}
    action = values.pop("action", "")
    if action == "delete":
        if values.get("confirm") != room.committed.info.title.strip():
            return refused(room.id, "confirm", 422)
        try:
            await deletion.delete(services, room.id)
        except deletion.NotDeletable:
            return refused(room.id, "meeting_opened", 409)
        page = TEMPLATES.get_template("schedule_refused.html").render(deleted=True, code="")
        return HTMLResponse(page, headers=PAGE_HEADERS)
    # An empty field of the details form leaves that detail as it is (the place may be emptied).
    values = {k: v for k, v in values.items() if v or k in ("place", "reason")}
    try:
        command = _command(action, values)
    except FieldError:
        return refused(room.id, "invalid_field", 422)
    outcome = room.execute(me.id, command)
    if isinstance(outcome, Rejection):
        return refused(room.id, outcome.code.value, 409)
    if isinstance(outcome, Accepted):
        await outcome.seq
    return RedirectResponse(f"/m/{room.id}/invitations", status_code=303)
