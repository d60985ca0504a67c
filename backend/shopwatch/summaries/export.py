"""A BID's incidents for a period as CSV, for the board meeting's spreadsheet.

Rows are read in batches by (occurred_at, id), so memory stays the same whatever the period holds.
Cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from shopwatch.core.ids import encode_id
from shopwatch.core.sql import Statement, dialect, fetch
from shopwatch.incidents.models import IncidentKind, IncidentStatus
from shopwatch.summaries.periods import LOCAL_ZONE, Period

BATCH = 1000
HEADER = (
    "Incident ID",
    "Reference",
    "Occurred (UK time)",
    "Reported (UK time)",
    "Shop",
    "Shop postcode",
    "Kind",
    "Status",
    "Value stolen (£)",
    "Police reference",
    "Injury",
    "Vehicle registration",
    "Offenders",
    "Photos",
    "Reported by",
    "Description",
)
# What makes a spreadsheet treat a cell as a formula (with tab and carriage return, as OWASP lists).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will show as text, never run."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _moment(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _local(value: Any) -> str:
    return f"{_moment(value).astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}"


def _label(value: str) -> str:
    return value.replace("_", " ").capitalize()


def _pounds(pence: int | None) -> str:
    return "" if pence is None else f"{pence // 100}.{pence % 100:02d}"


def _yes_no(value: Any) -> str:
    return "" if value is None else ("yes" if value else "no")


async def _batch(bid_id: int, period: Period, after: tuple[Any, int] | None) -> list[Any]:
    sql = Statement(dialect())
    where = (
        f"incident.bid_id = {sql.param(bid_id)} AND incident.occurred_at >= {sql.param(period.start)} "
        f"AND incident.occurred_at < {sql.param(period.end)}"
    )
    if after is not None:
        # A row comparison is a range of the (bid_id, occurred_at, id, ...) index starting at the
        # cursor. PostgreSQL cannot start a range from `occurred_at > x OR (occurred_at = x AND
        # id > y)`: it filtered the period from its first row in every batch, so an export's time
        # grew with the square of its rows.
        where += f" AND (incident.occurred_at, incident.id) > ({sql.param(after[0])}, {sql.param(after[1])})"
    return await fetch(
        sql,
        "SELECT incident.id, incident.occurred_at, incident.reported_at, shop.name, shop.postcode, "
        "incident.kind, incident.status, incident.value_stolen_pence, incident.police_reference, "
        "incident.injury, incident.vehicle_registration, user_account.name, incident.description, "
        "incident.reference "
        "FROM incident JOIN shop ON shop.id = incident.shop_id "
        "LEFT JOIN user_account ON user_account.id = incident.reporter_id "
        f"WHERE {where} ORDER BY incident.occurred_at, incident.id LIMIT {sql.param(BATCH)}",
    )


async def _offender_names(incident_ids: Sequence[int]) -> dict[int, list[str]]:
    sql = Statement(dialect())
    rows = await fetch(
        sql,
        "SELECT offender_link.incident_id, offender.display_name FROM offender_link "
        "JOIN offender ON offender.id = offender_link.offender_id "
        f"WHERE offender_link.incident_id IN ({sql.ids(incident_ids)}) ORDER BY offender.display_name",
    )
    names: dict[int, list[str]] = {}
    for incident_id, name in rows:
        names.setdefault(int(incident_id), []).append(name)
    return names


async def _photo_counts(incident_ids: Sequence[int]) -> dict[int, int]:
    sql = Statement(dialect())
    rows = await fetch(
        sql,
        f"SELECT incident_id, COUNT(*) FROM photo WHERE incident_id IN ({sql.ids(incident_ids)}) "
        "GROUP BY incident_id",
    )
    return {int(row[0]): int(row[1]) for row in rows}


def _line(cells: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([neutralise(cell) for cell in cells])
    return buffer.getvalue()


async def incident_csv(bid_id: int, period: Period) -> AsyncIterator[str]:
    """The CSV text in pieces: a byte-order mark and the header, then one piece per batch of rows."""
    yield "\ufeff" + _line(HEADER)
    after: tuple[Any, int] | None = None
    while True:
        rows = await _batch(bid_id, period, after)
        if not rows:
            return
        ids = [int(row[0]) for row in rows]
        offenders, photos = await _offender_names(ids), await _photo_counts(ids)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            pk = int(row[0])
            cells = [
                encode_id("Incident", pk),
                row[13],
                _local(row[1]),
                _local(row[2]),
                row[3],
                row[4],
                _label(IncidentKind(row[5]).value),
                _label(IncidentStatus(row[6]).value),
                _pounds(row[7]),
                row[8] or "",
                _yes_no(row[9]),
                row[10] or "",
                "; ".join(offenders.get(pk, [])),
                str(photos.get(pk, 0)),
                row[11] or "",
                row[12],
            ]
            writer.writerow([neutralise(cell) for cell in cells])
        yield buffer.getvalue()
        after = (rows[-1][1], ids[-1])
