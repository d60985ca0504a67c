"""Evaluating the pattern rules on an incident, inside the transaction that stored it or linked it.

For each enabled rule and each of its subjects (every offender linked to the incident, the shop,
the vehicle) one query per rule decides whether the pattern holds, counting incidents by when they
occurred, in any window of the rule's length that contains this incident (so a backlog linked in
any order, or a late report of an older incident, still completes its pattern). A pattern that holds
either joins the open alert for the same rule and subject (no email) or raises a new alert with
every incident that made it, and the emails to every team covering the BID go to the outbox in
the same transaction. VIOLENCE_BY_KNOWN_OFFENDER and EXCLUSION_BREACH raise a new alert each time.
An incident evaluated again (reported, then linked) never alerts twice for one rule and subject.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from shopwatch.accounts.models import User
from shopwatch.alerts.emails import AlertMailer
from shopwatch.alerts.models import Alert, AlertRule
from shopwatch.alerts.patterns import CHECKS, Finding, Subject, subjects_of
from shopwatch.alerts.rules import ALWAYS_ALERT, COOLDOWN, RuleSettings, rule_settings
from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput
from shopwatch.incidents.models import Incident
from shopwatch.offenders.models import OffenderLink
from shopwatch.settings import Settings

# A new alert holds at most this many of the incidents behind it, the latest ones.
MAX_ALERT_INCIDENTS = 100
# Processes' clocks may differ a little: an alert holding an incident was made after it, give or take.
CLOCK_SKEW = timedelta(days=1)


MAX_ACKNOWLEDGEMENT_NOTE = 500
ALREADY_ACKNOWLEDGED = (
    "Someone acknowledged this alert first, so your note was not saved. Reload to see theirs."
)


def clean_acknowledgement_note(note: str | None) -> str | None:
    """The note as kept (None when blank); `InvalidInput` on `note` when too long."""
    note = (note or "").strip()
    if len(note) > MAX_ACKNOWLEDGEMENT_NOTE:
        raise InvalidInput("note", f"Keep the note to {MAX_ACKNOWLEDGEMENT_NOTE} characters.")
    return note or None


async def acknowledge_alert(alert: Alert, user: User, note: str | None = None) -> Alert:
    """Mark the alert as seen by `user`, with their note; the first acknowledgement stands. The alert,
    reloaded. A note that comes after someone else's acknowledgement is refused (`InvalidInput` on
    `note`) rather than dropped without a word."""
    note = clean_acknowledgement_note(note)
    unacknowledged = Alert.filter(id=alert.id, acknowledged_at__isnull=True)
    done = await unacknowledged.update(acknowledged_by=user, acknowledged_at=now(), acknowledgement_note=note)
    if not done and note is not None:
        raise InvalidInput("note", ALREADY_ACKNOWLEDGED)
    return await Alert.get(id=alert.id)


async def evaluate_rules(incident: Incident, settings: Settings) -> list[Alert]:
    """Evaluate every enabled rule of the incident's BID on it; the alerts it raised (not those it
    joined). Call inside the transaction that created the incident or linked an offender to it."""
    async with in_transaction() as connection:
        enabled = {rule: s for rule, s in (await rule_settings(incident.bid_id)).items() if s.enabled}
        if not enabled:
            return []
        linked = await OffenderLink.filter(incident_id=incident.id).values_list("offender_id", flat=True)
        offender_ids = sorted({int(str(pk)) for pk in linked})
        candidates = [
            (rule, subject) for rule in enabled for subject in subjects_of(rule, incident, offender_ids)
        ]
        if not candidates:
            return []
        await _lock(connection, incident.bid_id, [s for rule, s in candidates if rule not in ALWAYS_ALERT])
        done = await _already_alerted(incident)
        findings: list[Finding] = []
        for rule, rule_setting in enabled.items():
            subjects = [s for r, s in candidates if r == rule and (r, s) not in done]
            if subjects:
                findings += await CHECKS[rule](incident, rule_setting, subjects)
        if not findings:
            return []
        open_alerts = await _open_alerts(incident, [f for f in findings if f.rule not in ALWAYS_ALERT])
        mailer = AlertMailer(incident.bid_id, settings)
        await mailer.remember_offenders(f.subject.offender_id for f in findings if f.subject.offender_id)
        raised = []
        for finding in findings:
            joined = open_alerts.get((finding.rule, finding.subject))
            if joined is not None:
                await joined.incidents.add(incident)
            else:
                raised.append(await _raise(incident, finding, enabled[finding.rule], mailer))
        return raised


def subject_lock_key(bid_id: int, subject: Subject) -> int:
    """The PostgreSQL advisory lock that evaluations for this subject of this BID take in turn."""
    return int.from_bytes(
        hashlib.sha256(f"shopwatch-alert:{bid_id}:{subject}".encode()).digest()[:8], signed=True
    )


async def _lock(connection: BaseDBAsyncClient, bid_id: int, subjects: Sequence[Subject]) -> None:
    """On PostgreSQL, serialise evaluations for the same subject until the transaction ends, so two
    reports at once cannot both raise an alert that only one should. SQLite has one writer anyway."""
    if connection.capabilities.dialect != "postgres":
        return
    for key in sorted({subject_lock_key(bid_id, subject) for subject in subjects}):
        await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [key])


async def _already_alerted(incident: Incident) -> set[tuple[AlertRule, Subject]]:
    """The rules and subjects that already have an alert holding this incident (one query, using
    the (bid, created_at) index: such an alert was made after the incident was stored)."""
    rows = await Alert.filter(
        bid_id=incident.bid_id,
        created_at__gte=incident.created_at - CLOCK_SKEW,
        incidents__id=incident.id,
    ).values("rule", "offender_id", "shop_id", "vehicle_registration")
    return {
        (AlertRule(row["rule"]), Subject(row["offender_id"], row["shop_id"], row["vehicle_registration"]))
        for row in rows
    }


async def _open_alerts(
    incident: Incident, findings: Sequence[Finding]
) -> dict[tuple[AlertRule, Subject], Alert]:
    """The latest still-open alert for each finding's rule and subject (one query)."""
    if not findings:
        return {}
    about = []
    for finding in findings:
        subject = finding.subject
        if subject.offender_id is not None:
            about.append(Q(rule=finding.rule, offender_id=subject.offender_id))
        elif subject.shop_id is not None:
            about.append(Q(rule=finding.rule, shop_id=subject.shop_id))
        else:
            about.append(Q(rule=finding.rule, vehicle_registration=subject.vehicle_registration))
    alerts = await Alert.filter(
        Q(*about, join_type=Q.OR),
        bid_id=incident.bid_id,
        rule__in=list({f.rule for f in findings}),
        open_until__gt=now(),
    ).order_by("-created_at", "-id")
    latest: dict[tuple[AlertRule, Subject], Alert] = {}
    for alert in alerts:
        latest.setdefault((alert.rule, Subject.of(alert)), alert)
    return latest


async def _raise(incident: Incident, finding: Finding, rule: RuleSettings, mailer: AlertMailer) -> Alert:
    incidents = list(
        await finding.incidents.select_related("shop")
        .order_by("-occurred_at", "-id")
        .limit(MAX_ALERT_INCIDENTS)
    )
    if all(row.id != incident.id for row in incidents):
        incidents.append(await Incident.get(id=incident.id).select_related("shop"))
    moment = now()
    alert = await Alert.create(
        bid_id=incident.bid_id,
        rule=finding.rule,
        offender_id=finding.subject.offender_id,
        shop_id=finding.subject.shop_id,
        vehicle_registration=finding.subject.vehicle_registration,
        summary=finding.summary,
        created_at=moment,
        open_until=moment + COOLDOWN,
    )
    await alert.incidents.add(*incidents)
    await mailer.send(alert, rule, incidents, trigger_id=incident.id)
    return alert
