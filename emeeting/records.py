"""The meeting's records as CSV: the attendance record and the connection record.

Only the organisers may export them (``Access.RECORDS`` in rooms/permissions.py). Files are UTF-8 with a byte
order mark, so that spreadsheet programs read Thai names correctly; times are
ISO 8601 in the meeting's time zone (its own, else EMEETING_TIMEZONE), with that zone's
UTC offset, whatever the server's TZ. Every cell goes
through :func:`emeeting.inert.csv_cell`: a name or a device's user agent that
starts like a formula is shown as text, never evaluated.
"""

from __future__ import annotations

import csv
import io

from starlette.requests import Request
from starlette.responses import Response

from emeeting.dates import iso_local, meeting_zone
from emeeting.http.admission import permitted
from emeeting.http.errors import json_errors
from emeeting.inert import csv_cell
from emeeting.services import Services
from rooms.permissions import Access


def csv_response(name: str, header: list[str], rows: list[list[str]]) -> Response:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return Response(
        out.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@json_errors
async def attendance(request: Request) -> Response:
    services: Services = request.app.state.services
    room, _ = await permitted(request, Access.RECORDS, "export the meeting's records")
    state = room.committed
    zone = meeting_zone(state.info.timezone, services.settings.timezone)
    rows = []
    for member in state.members.values():
        record = state.attendance_of(member.id)
        sub = record.substitute
        rows.append(
            [
                member.id,
                member.name,
                member.position,
                member.role.value,
                "yes" if member.voting else "no",
                record.status.value,
                iso_local(record.arrived_at, zone),
                iso_local(record.departed_at, zone),
                record.reason,
                sub.name if sub else "",
                sub.position if sub else "",
                "yes" if record.confirmed else "no",
            ]
        )
    header = [
        "member", "name", "position", "role", "voting", "status", "arrived_at", "departed_at",
        "reason", "substitute", "substitute_position", "confirmed",
    ]  # fmt: skip
    return csv_response(f"attendance-{room.id}.csv", header, rows)


@json_errors
async def connections(request: Request) -> Response:
    services: Services = request.app.state.services
    room, _ = await permitted(request, Access.RECORDS, "export the meeting's records")
    members = room.committed.members
    zone = meeting_zone(room.committed.info.timezone, services.settings.timezone)
    rows = [
        [
            c.member_id,
            members[c.member_id].name if c.member_id in members else "",
            iso_local(c.joined_at, zone),
            iso_local(c.left_at, zone),
            c.ip,
            c.user_agent,
        ]
        for c in await services.hub.store.records.connections(room.id)
    ]
    header = ["member", "name", "joined_at", "left_at", "ip", "user_agent"]
    return csv_response(f"connections-{room.id}.csv", header, rows)
