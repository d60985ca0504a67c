"""Pages of several offenders' incidents at once, for a list of offenders that asks for each one's.

One statement for the whole list: each offender's incidents that the viewer may see are numbered
newest first, and the first `size + 1` of each are kept (the extra one tells there is a next page).
One statement per offender instead would queue on the database ahead of every other request.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from shopwatch.accounts.viewer import Viewer
from shopwatch.core.sql import Statement, dialect, fetch_models
from shopwatch.incidents.models import Incident
from shopwatch.incidents.services import visible_incidents_sql

OFFENDER_COLUMN = "page_offender_id"
ROW_COLUMN = "page_row"


async def incident_pages(
    viewer: Viewer, offender_ids: Sequence[int], after: tuple[datetime, int] | None, size: int
) -> list[list[Incident]]:
    """For each offender asked for, up to `size + 1` incidents the viewer may see, newest first by
    (occurred_at, id), continuing after the cursor's place as `incidents.services.page_after` does."""
    sql = Statement(dialect())
    conditions = [
        f"link.offender_id IN ({sql.ids(offender_ids)})",
        visible_incidents_sql(viewer, sql, "incident"),
    ]
    if after is not None:
        occurred_at, pk = sql.param(after[0]), sql.param(after[1])
        conditions.append(
            f"(incident.occurred_at < {occurred_at} "
            f"OR (incident.occurred_at = {occurred_at} AND incident.id < {pk}))"
        )
    statement = (
        f"SELECT * FROM (SELECT incident.*, link.offender_id AS {OFFENDER_COLUMN}, "
        f"ROW_NUMBER() OVER (PARTITION BY link.offender_id "
        f"ORDER BY incident.occurred_at DESC, incident.id DESC) AS {ROW_COLUMN} "
        "FROM offender_link AS link JOIN incident ON incident.id = link.incident_id "
        f"WHERE {' AND '.join(conditions)}) AS numbered "
        f"WHERE {ROW_COLUMN} <= {sql.param(size + 1)} ORDER BY {OFFENDER_COLUMN}, {ROW_COLUMN}"
    )
    rows = await fetch_models(Incident, sql, statement, [OFFENDER_COLUMN, ROW_COLUMN])
    pages: dict[int, list[Incident]] = {pk: [] for pk in offender_ids}
    for row in rows:
        pages[getattr(row, OFFENDER_COLUMN)].append(row)
    return [pages[pk] for pk in offender_ids]
