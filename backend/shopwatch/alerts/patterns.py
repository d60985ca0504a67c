"""The six pattern rules, each one query over the incidents around the evaluated one.

Each check is given an incident, the BID's settings for its rule and the subjects to look at (the
offenders linked to the incident, its shop or its vehicle), and answers with a Finding for each
subject whose pattern holds: why, in words naming the rule's threshold, and which incidents make it.

The count rules (REPEAT_OFFENDER, MULTI_SHOP_OFFENDER, REPEAT_VEHICLE) hold when some window of
`window_days` (inclusive) that contains the incident holds enough incidents or shops: not only the
window ending at it, as a backlog of reports may be linked newest first, or an older incident
reported late, and the incident that completes a pattern may be the oldest in it. SHOP_HOTSPOT and
VIOLENCE_BY_KNOWN_OFFENDER look back from the incident (see their checks).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from shopwatch.alerts.emails import long_date
from shopwatch.alerts.models import Alert, AlertRule
from shopwatch.alerts.rules import RuleSettings, hotspot_test
from shopwatch.core.clock import local_date
from shopwatch.incidents.hotspots import BASELINE_WINDOWS, FACTOR
from shopwatch.incidents.models import Incident, IncidentKind
from shopwatch.offenders.models import Exclusion, OffenderLink

VIOLENT_KINDS = frozenset({IncidentKind.ASSAULT, IncidentKind.THREATS_AND_ABUSE})
OFFENDER_RULES = frozenset(
    {
        AlertRule.REPEAT_OFFENDER,
        AlertRule.MULTI_SHOP_OFFENDER,
        AlertRule.VIOLENCE_BY_KNOWN_OFFENDER,
        AlertRule.EXCLUSION_BREACH,
    }
)


@dataclass(frozen=True)
class Subject:
    """What an alert is about: exactly one of an offender, a shop or a vehicle."""

    offender_id: int | None = None
    shop_id: int | None = None
    vehicle_registration: str | None = None

    @classmethod
    def of(cls, alert: Alert) -> Subject:
        return cls(alert.offender_id, alert.shop_id, alert.vehicle_registration)


@dataclass
class Finding:
    """A pattern that holds for one rule and subject, and the incidents that make it."""

    rule: AlertRule
    subject: Subject
    summary: str
    incidents: QuerySet[Incident]


Check = Callable[[Incident, RuleSettings, list[Subject]], Awaitable[list[Finding]]]


def subjects_of(rule: AlertRule, incident: Incident, offender_ids: Sequence[int]) -> list[Subject]:
    if rule == AlertRule.VIOLENCE_BY_KNOWN_OFFENDER and incident.kind not in VIOLENT_KINDS:
        return []
    if rule in OFFENDER_RULES:
        return [Subject(offender_id=pk) for pk in offender_ids]
    if rule == AlertRule.REPEAT_VEHICLE:
        registration = incident.vehicle_registration
        return [Subject(vehicle_registration=registration)] if registration else []
    return [Subject(shop_id=incident.shop_id)]


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def _incidents(count: int) -> str:
    return "1 incident" if count == 1 else f"{count} incidents"


def _offender_window(offender_id: int, start: datetime, end: datetime) -> QuerySet[Incident]:
    return Incident.filter(
        offender_links__offender_id=offender_id, occurred_at__gte=start, occurred_at__lte=end
    )


async def _counts_by_offender(
    subjects: Sequence[Subject], start: datetime, end: datetime, count: Count, *, before_end: bool = False
) -> dict[int, int]:
    """One grouped count over the offenders' links to incidents that occurred in [start, end]
    (or [start, end) with `before_end`). Finding the links by offender needs an index on
    offender_link led by offender_id; the unique (incident_id, offender_id) one cannot serve it."""
    ended = Q(incident__occurred_at__lt=end) if before_end else Q(incident__occurred_at__lte=end)
    rows = (
        await OffenderLink.filter(
            ended,
            offender_id__in=[s.offender_id for s in subjects],
            incident__occurred_at__gte=start,
        )
        .annotate(n=count)
        .group_by("offender_id")
        .values("offender_id", "n")
    )
    return {int(row["offender_id"]): int(row["n"]) for row in rows}


def _offender_findings(
    rule: RuleSettings,
    subjects: Sequence[Subject],
    counts: dict[int, int],
    start: datetime,
    end: datetime,
    summary: Callable[[int], str],
) -> list[Finding]:
    findings = []
    for subject in subjects:
        assert subject.offender_id is not None
        n = counts.get(subject.offender_id, 0)
        if n >= rule.threshold:
            window = _offender_window(subject.offender_id, start, end)
            findings.append(Finding(rule.rule, subject, summary(n), window))
    return findings


def _best_window(
    rows: Sequence[tuple[datetime, Hashable]], at: datetime, window: timedelta
) -> tuple[int, datetime]:
    """The most distinct keys (incidents, shops) that rows of (occurred_at, key) have in any window
    [start, start + window] that contains `at`, and the earliest start that has them. The rows must
    hold every one in [at - window, at + window], the incident at `at` among them. Moving a window
    later until it starts at its first row loses none of its rows, so only starts at rows are tried."""
    rows = sorted(rows, key=lambda row: row[0])
    keys: Counter[Hashable] = Counter()
    best, best_start, j = 0, at, 0
    for start, key in rows:
        if start > at:
            break
        while j < len(rows) and rows[j][0] <= start + window:
            keys[rows[j][1]] += 1
            j += 1
        if start >= at - window and len(keys) > best:
            best, best_start = len(keys), start
        keys[key] -= 1
        if not keys[key]:
            del keys[key]
    return best, best_start


async def _offender_windows(
    incident: Incident, rule: RuleSettings, subjects: Sequence[Subject], *, by_shop: bool
) -> list[tuple[Subject, int, QuerySet[Incident]]]:
    """For each offender, the most incidents (or distinct shops, `by_shop`) in a window of the rule
    containing the incident, and that window's incidents: one query over the offenders' links to
    incidents within `window` either side, using the index on offender_link led by offender_id."""
    at, window = incident.occurred_at, rule.window
    rows = await OffenderLink.filter(
        offender_id__in=[s.offender_id for s in subjects],
        incident__occurred_at__gte=at - window,
        incident__occurred_at__lte=at + window,
    ).values_list("offender_id", "incident_id", "incident__shop_id", "incident__occurred_at")
    by_offender: dict[int, list[tuple[datetime, Hashable]]] = {}
    for offender_id, incident_id, shop_id, occurred_at in rows:
        by_offender.setdefault(int(offender_id), []).append(
            (occurred_at, shop_id if by_shop else incident_id)
        )
    found = []
    for subject in subjects:
        assert subject.offender_id is not None
        n, start = _best_window(by_offender.get(subject.offender_id, []), at, window)
        found.append((subject, n, _offender_window(subject.offender_id, start, start + window)))
    return found


async def _repeat_offender(incident: Incident, rule: RuleSettings, subjects: list[Subject]) -> list[Finding]:
    days = _days(rule.window_days)
    return [
        Finding(
            rule.rule,
            subject,
            f"Seen in {_incidents(n)} in the last {days} (the rule: {rule.threshold} in {days}).",
            window,
        )
        for subject, n, window in await _offender_windows(incident, rule, subjects, by_shop=False)
        if n >= rule.threshold
    ]


async def _multi_shop(incident: Incident, rule: RuleSettings, subjects: list[Subject]) -> list[Finding]:
    days = _days(rule.window_days)
    return [
        Finding(
            rule.rule,
            subject,
            f"Seen at {n} different shops in the last {days} (the rule: {rule.threshold} shops in {days}).",
            window,
        )
        for subject, n, window in await _offender_windows(incident, rule, subjects, by_shop=True)
        if n >= rule.threshold
    ]


async def _violence(incident: Incident, rule: RuleSettings, subjects: list[Subject]) -> list[Finding]:
    """Counts the offender's incidents that occurred before this one, within the window. Only the
    window ending at the incident: the rule is about violence by an offender already known when it
    happened, so it needs an earlier incident by definition, and a later one does not count."""
    start, end = incident.occurred_at - rule.window, incident.occurred_at
    earlier = await _counts_by_offender(subjects, start, end, Count("incident_id"), before_end=True)
    days = _days(rule.window_days)
    what = "An assault" if incident.kind == IncidentKind.ASSAULT else "Threats or abuse"
    return _offender_findings(
        rule,
        subjects,
        earlier,
        start,
        end,
        lambda n: (
            f"{what} by an offender seen in {_incidents(n)} in the {days} before "
            f"(the rule: at least {rule.threshold} earlier in {days})."
        ),
    )


async def _exclusion_breach(incident: Incident, rule: RuleSettings, subjects: list[Subject]) -> list[Finding]:
    day = local_date(incident.occurred_at)
    rows = (
        await Exclusion.filter(
            offender_id__in=[s.offender_id for s in subjects], starts_on__lte=day, ends_on__gte=day
        )
        .order_by("offender_id", "-ends_on", "-id")
        .values("offender_id", "starts_on", "ends_on")
    )
    exclusions: dict[int, dict] = {}
    for row in rows:
        exclusions.setdefault(int(row["offender_id"]), row)
    findings = []
    for subject in subjects:
        if (exclusion := exclusions.get(subject.offender_id or 0)) is None:
            continue
        summary = (
            f"Seen on {long_date(day)}, during an exclusion from {long_date(exclusion['starts_on'])} "
            f"to {long_date(exclusion['ends_on'])} (the rule: any incident during an exclusion)."
        )
        findings.append(Finding(rule.rule, subject, summary, Incident.filter(id=incident.id)))
    return findings


async def _repeat_vehicle(incident: Incident, rule: RuleSettings, subjects: list[Subject]) -> list[Finding]:
    """Like the offender counts, in any window containing the incident: one query for the sightings
    within `window` either side (by the index on vehicle_registration)."""
    [subject] = subjects
    at, span = incident.occurred_at, rule.window
    sightings = Incident.filter(bid_id=incident.bid_id, vehicle_registration=subject.vehicle_registration)
    rows = await sightings.filter(occurred_at__gte=at - span, occurred_at__lte=at + span).values_list(
        "occurred_at", "id"
    )
    n, start = _best_window([(occurred_at, pk) for occurred_at, pk in rows], at, span)
    if n < rule.threshold:
        return []
    window = sightings.filter(occurred_at__gte=start, occurred_at__lte=start + span)
    days = _days(rule.window_days)
    summary = (
        f"Vehicle {subject.vehicle_registration} seen in {_incidents(n)} in the last {days} "
        f"(the rule: {rule.threshold} in {days})."
    )
    return [Finding(rule.rule, subject, summary, window)]


async def _shop_hotspot(incident: Incident, rule: RuleSettings, subjects: list[Subject]) -> list[Finding]:
    """The shop is a hotspot on the incident's UK day, by the one definition the dashboard's hotspot
    table uses too (incidents/hotspots.py): the days ending on that day against the windows before.
    Only those days: a hotspot is about the shop's latest week, not about any week a late report
    falls in."""
    [subject] = subjects
    test, day = hotspot_test(rule), local_date(incident.occurred_at)
    recent, before = await test.counts(incident.shop_id, day)
    if not test.holds(recent, before):
        return []
    days = _days(rule.window_days)
    average = test.average(before)
    if rule.window_days == 7:
        baseline = f"a weekly average of {average:.1f} over the previous {BASELINE_WINDOWS} weeks"
    else:
        baseline = (
            f"an average of {average:.1f} per {days} over the previous "
            f"{_days(rule.window_days * BASELINE_WINDOWS)}"
        )
    summary = (
        f"{_incidents(recent)} at this shop in the last {days}, against {baseline} "
        f"(the rule: at least {rule.threshold} in {days} and at least {FACTOR} times the average)."
    )
    return [Finding(rule.rule, subject, summary, test.window(incident.shop_id, day))]


CHECKS: dict[AlertRule, Check] = {
    AlertRule.REPEAT_OFFENDER: _repeat_offender,
    AlertRule.MULTI_SHOP_OFFENDER: _multi_shop,
    AlertRule.VIOLENCE_BY_KNOWN_OFFENDER: _violence,
    AlertRule.EXCLUSION_BREACH: _exclusion_breach,
    AlertRule.REPEAT_VEHICLE: _repeat_vehicle,
    AlertRule.SHOP_HOTSPOT: _shop_hotspot,
}
